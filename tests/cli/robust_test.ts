/**
 * No uncaught JS error reaches a user of the command line: every command, on every module of
 * the spec testsuite files the engine learned to run last (GC and SIMD; any file whose
 * expectations say UnsupportedError too) and on corrupt inputs, ends with one line on
 * standard error (`gab: ...`; a trap adds its wasm backtrace) and a documented exit status,
 * never a JS stack trace or an "internal error". Most runs call the CLI's `main` in this
 * process; a handful run `deno run cli.ts` in real processes, as a user would.
 *
 * Oracles: the testsuite (its modules are valid, so `validate` must accept them) and
 * wasmtime's backtrace line format.
 */

import assert from "node:assert/strict";
import { main } from "../../src/cli/main.ts";
import { encodeModule } from "../../src/binary/encode.ts";
import { parseModule, parseModuleText } from "../../src/text/parse.ts";
import { decodeModule } from "../../src/binary/decode.ts";
import { parseScript } from "../../src/script/parse.ts";
import { wellFormedModules } from "../../src/script/roundtrip.ts";
import { defaultSuiteDir } from "../../src/script/suite.ts";
import { ExternKind } from "../../src/syntax/types.ts";
import type { Module } from "../../src/syntax/module.ts";
import expectations from "../script/expectations.json" with { type: "json" };
import { runCli, withTempDir } from "./process.ts";

interface Result {
  status: number;
  out: string;
  err: string;
}

async function gab(...args: string[]): Promise<Result> {
  let out = "", err = "";
  const status = await main(args, { stdout: (t) => out += t, stderr: (t) => err += t });
  return { status, out, err };
}

/** A backtrace line as wasmtime prints it, or the count of frames left out. */
const TRACE_LINE = /^ {0,4}\d+: +(0x[0-9a-f]+ - )?\S+!\S.*$|^ +\.\.\. \d+ more frames$/;

/**
 * Checks that `r` is a clean end: status in `statuses`; standard error empty (status 0) or
 * one `gab: ` line (usage errors add their `(see 'gab help ...')` hint, traps their
 * backtrace). Returns the error line.
 */
function clean(r: Result, what: string, statuses = [0, 1]): string {
  assert.ok(statuses.includes(r.status), `${what}: status ${r.status}\n${r.err}`);
  if (r.status === 0 && r.err === "") return "";
  const lines = r.err.replace(/\n$/, "").split("\n");
  assert.match(lines[0], /^gab: \S/, `${what}: ${r.err}`);
  assert.doesNotMatch(lines[0], /internal error/, what);
  const rest = lines.slice(1);
  if (r.status === 2) {
    assert.deepEqual(rest.length <= 1 && rest.every((l) => /^\(see '/.test(l)), true, what);
  } else if (rest.length > 0) {
    assert.equal(rest[0], "wasm backtrace:", `${what}: ${r.err}`);
    for (const l of rest.slice(1)) assert.match(l, TRACE_LINE, what);
  }
  assert.doesNotMatch(r.err, /^\s+at .*(\.ts|\.js):\d+/m, `${what}: a JS stack trace`);
  return lines[0];
}

/**
 * The testsuite files whose modules the engine cannot run, by the expectations file (none
 * today), and the GC and SIMD ones, which it learned to run last.
 */
function newestFiles(): string[] {
  const unsupported = Object.entries(expectations as Record<string, Record<string, string>>)
    .filter(([, lines]) => Object.values(lines).some((r) => r.includes("UnsupportedError")))
    .map(([file]) => file);
  const newest = [...Deno.readDirSync(defaultSuiteDir())].map((e) => e.name)
    .filter((n) =>
      /^(simd_|relaxed_|i\d+x\d+_relaxed|array|struct|i31|ref_cast|ref_test|br_on_cast|extern|ref_eq|type-subtyping)/
        .test(n) && n.endsWith(".wast")
    );
  return [...new Set([...unsupported, ...newest])].sort();
}

/** The line of a module refused at instantiation, naming the instruction and where it is. */
const UNSUPPORTED = /is not supported by this engine yet \(in (function \d+|a constant expression)/;

/** The first exported function of `m`, or null. */
function firstExport(m: Module): string | null {
  return m.exports.find((e) => e.kind === ExternKind.Func)?.name ?? null;
}

Deno.test("robust: every module of the testsuite files the engine ran last, through the CLI", async () => {
  const files = newestFiles();
  assert.ok(files.length >= 80, `${files.length} files`);
  const suite = defaultSuiteDir();
  let modules = 0;
  const kinds = new Map<string, number>();
  await withTempDir("gab-robust-", async (dir) => {
    for (const file of files) {
      const script = parseScript(await Deno.readFile(`${suite}/${file}`));
      for (const def of wellFormedModules(script)) {
        const src = def.source;
        let module: Module;
        try {
          module = src.kind === "binary"
            ? decodeModule(src.bytes)
            : src.kind === "quote"
            ? parseModuleText(src.bytes)
            : parseModule(src.list);
        } catch {
          continue; // malformed on purpose (assert_malformed): the corrupt inputs cover those
        }
        const path = `${dir}/m${modules++}.wasm`;
        await Deno.writeFile(path, encodeModule(module));
        const what = `${file}:${def.line}`;
        const v = await gab("validate", path);
        clean(v, `validate ${what}`);
        clean(await gab("print", path), `print ${what}`, [0]);
        const name = firstExport(module);
        const args = name === null ? ["run", "--fuel", "1000000", path] : [
          "run",
          "--fuel",
          "1000000",
          "--invoke",
          name,
          path,
        ];
        const r = await gab(...args);
        const line = clean(r, `run ${what}`, [0, 1, 2]);
        const kind = UNSUPPORTED.test(line)
          ? "unsupported"
          : v.status !== 0
          ? "invalid"
          : module.imports.length > 0
          ? "imports"
          : line === ""
          ? "ran"
          : r.status === 2
          ? "usage (arguments)"
          : line.replace(/^gab: (error: )?/, "").replace(/[:(].*/, "");
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      }
    }
  });
  assert.ok(modules > 1000, `${modules} modules`);
  // None is refused at instantiation (the engine runs every instruction); they are invalid
  // on purpose (assert_invalid), import what the CLI does not provide, or run (or trap, as
  // their tests expect).
  assert.equal(kinds.get("unsupported") ?? 0, 0, JSON.stringify([...kinds]));
  assert.ok((kinds.get("ran") ?? 0) >= 300, JSON.stringify([...kinds]));
});

/** A small deterministic generator (xorshift32). */
function rng(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

Deno.test("robust: corrupt modules and snapshots, every command", async () => {
  const hello = await Deno.readFile(new URL("../../testdata/hello.wasm", import.meta.url));
  const fib = await Deno.readFile(new URL("../../testdata/kernels/fib.wasm", import.meta.url));
  const rand = rng(11);
  const inputs: [string, Uint8Array][] = [];
  for (const [name, bytes] of [["hello", hello], ["fib", fib]] as const) {
    for (let i = 0; i < 25; i++) {
      const cut = Math.floor(rand() * bytes.length);
      inputs.push([`${name} cut at ${cut}`, bytes.slice(0, cut)]);
    }
    for (let i = 0; i < 60; i++) {
      const b = bytes.slice();
      const n = 1 + Math.floor(rand() * 3);
      for (let k = 0; k < n; k++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
      inputs.push([`${name} with ${n} bytes changed (${i})`, b]);
    }
  }
  const text = (s: string) => new TextEncoder().encode(s);
  inputs.push(
    ["empty", new Uint8Array(0)],
    ["magic only", new Uint8Array([0, 0x61, 0x73, 0x6d])],
    ["garbage", Uint8Array.from({ length: 64 }, () => Math.floor(rand() * 256))],
    ["bad UTF-8", new Uint8Array([0x28, 0xff, 0xfe, 0x29])],
    ["deep nesting", text("(".repeat(100_000))],
    ["deep blocks", text(`(module (func ${"(block ".repeat(20_000)}${")".repeat(20_000)}))`)],
    ["unclosed", text("(module (func")],
    ["invalid", text("(module (func (result i32) (i64.const 1)))")],
    ["huge memory", text("(module (memory 65536))")],
    ["too large memory", text("(module (memory 70000))")],
    ["big table", text("(module (table 4000000000 funcref))")],
    ["start traps", text("(module (func $s unreachable) (start $s))")],
    ["unknown import", text(`(module (import "nope" "f" (func)))`)],
  );
  let runs = 0;
  await withTempDir("gab-corrupt-", async (dir) => {
    const path = `${dir}/in.wasm`;
    for (const [what, bytes] of inputs) {
      await Deno.writeFile(path, bytes);
      clean(await gab("validate", path), `validate ${what}`);
      clean(await gab("print", path), `print ${what}`);
      clean(await gab("parse", "-o", `${dir}/out.wasm`, path), `parse ${what}`);
      clean(await gab("run", "--fuel", "200000", path), `run ${what}`, [0, 1, 2, 3]);
      clean(await gab("snapshot", "info", path), `snapshot info ${what}`);
      clean(await gab("resume", path), `resume ${what}`);
      runs += 6;
    }
    // A real snapshot, truncated and damaged.
    const snap = `${dir}/s.msgpack`;
    const basic = new URL("../../testdata/wasi/basic.wasm", import.meta.url).pathname;
    const first = await gab("run", "--fuel", "20000", "--snapshot-out", snap, basic, "x");
    assert.equal(first.status, 75, first.err);
    const good = await Deno.readFile(snap);
    for (let i = 0; i < 20; i++) {
      const b = i < 10 ? good.slice(0, Math.floor(rand() * good.length)) : good.slice();
      if (i >= 10) b[Math.floor(rand() * b.length)] ^= 1 + Math.floor(rand() * 255);
      await Deno.writeFile(snap, b);
      clean(await gab("snapshot", "info", snap), `snapshot info (damage ${i})`);
      clean(await gab("resume", "--fuel", "100000", snap), `resume (damage ${i})`, [0, 1, 3]);
      runs += 2;
    }
  });
  assert.ok(runs > 1000, `${runs} runs`);
});

Deno.test("robust: in real processes, one line and the status", async () => {
  await withTempDir("gab-robust-proc-", async (dir) => {
    const gc = `${dir}/gc.wat`;
    await Deno.writeTextFile(
      gc,
      `(module (type $s (struct (field i32))) (func $get (export "f") (result i32)
        (struct.get $s 0 (struct.new $s (i32.const 7)))))`,
    );
    const r1 = await runCli(["run", "--invoke", "f", gc]);
    assert.deepEqual([r1.status, r1.out, r1.err], [0, "7\n", ""]);
    assert.equal((await runCli(["validate", gc])).status, 0);
    const corrupt = `${dir}/bad.wasm`;
    await Deno.writeFile(corrupt, new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0x0a, 0xff]));
    const r2 = await runCli(["run", corrupt]);
    assert.equal(r2.status, 1);
    assert.match(r2.err, /^gab: error: .*bad\.wasm: .*\n$/);
    const r3 = await runCli(["print", "-o", "/nonexistent/x.wat", gc]);
    assert.deepEqual([r3.status, r3.err], [
      1,
      "gab: error: /nonexistent/x.wat: cannot write: no such directory\n",
    ]);
    const r4 = await runCli(["run", "--fuel", "-5", gc]);
    assert.equal(r4.status, 2);
    assert.match(r4.err, /^gab: --fuel takes a whole number, not '-5'\n/);
    const r5 = await runCli(["run", "--bogus", gc]);
    assert.equal(r5.status, 2);
    assert.match(r5.err, /^gab: unknown option '--bogus'\n\(see 'gab help run'\)\n$/);
  });
});
