/**
 * Tests of src/api/fork.ts: a forked child restores the snapshot, runs on with its own stdin,
 * and hands back its pid, exit status and output while the parent goes on.
 *
 * @module
 */

import assert from "node:assert/strict";
import { fork, gabCommand } from "../../src/api/fork.ts";
import { Runtime, type WasmFunction } from "../../src/api/runtime.ts";
import { main } from "../../src/cli/main.ts";
import { createWasi } from "../../src/wasi/api.ts";

const KERNELS = new URL("../../testdata/kernels/", import.meta.url).pathname;

/** A WASI program that echoes its stdin, upper-cased, after spinning a while. */
const ECHO = `(module
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\\10\\00\\00\\00\\00\\01\\00\\00")
  (func (export "_start") (local $i i32) (local $n i32)
    (loop $spin (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $spin (i32.lt_u (local.get $i) (i32.const 1000))))
    (drop (call $read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
    (local.set $n (i32.load (i32.const 8)))
    (local.set $i (i32.const 0))
    (block $done (loop $up
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (i32.store8 (i32.add (local.get $i) (i32.const 16))
        (i32.sub (i32.load8_u (i32.add (local.get $i) (i32.const 16))) (i32.const 32)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $up)))
    (i32.store (i32.const 4) (local.get $n))
    (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))`;

async function snapshotOf(args: string[], dir: string): Promise<Uint8Array> {
  const quiet = { stdout: () => {}, stderr: () => {} };
  const status = await main(["run", "--snapshot-out", `${dir}/s`, ...args], quiet);
  assert.equal(status, 75);
  return await Deno.readFile(`${dir}/s`);
}

Deno.test("fork: the child's results and status", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const bytes = await snapshotOf(
      ["--fuel", "300", "--invoke", "run", `${KERNELS}fib.wasm`, "15"],
      dir,
    );
    const child = fork(bytes);
    assert.ok(child.pid > 0);
    const [status, out] = await Promise.all([child.status, child.stdout]);
    assert.equal(status.code, 0, new TextDecoder().decode(await child.stderr));
    assert.equal(new TextDecoder().decode(out), "610\n");
    const short = fork(bytes, { fuel: 5 });
    assert.equal((await short.status).code, 1);
    assert.match(new TextDecoder().decode(await short.stderr), /fuel exhausted/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fork: children with different stdin from one runtime's snapshot", async () => {
  const out: Uint8Array[] = [];
  const wasi = createWasi({ args: ["echo"], stdin: new Uint8Array(0), stdout: (b) => out.push(b) });
  const runtime = new Runtime();
  const instance = runtime.instantiate(ECHO, wasi.imports(ECHO));
  wasi.bind(instance);
  const execution = runtime.start(instance.exports._start as WasmFunction);
  assert.equal(execution.runFor(500).status, "paused");
  const bytes = runtime.snapshot({ execution, host: { wasi: wasi.state } });
  const words = ["alpha", "beta", "gamma"];
  const children = words.map((w) => fork(bytes, { stdin: new TextEncoder().encode(w) }));
  const outs = await Promise.all(children.map(async (c) => {
    assert.equal((await c.status).code, 0, new TextDecoder().decode(await c.stderr));
    return new TextDecoder().decode(await c.stdout);
  }));
  assert.deepEqual(outs, ["ALPHA", "BETA", "GAMMA"]);
  // The parent's own execution goes on, with its own (empty) stdin.
  assert.equal(execution.runFor(Infinity).status, "complete");
  assert.equal(out.reduce((n, b) => n + b.length, 0), 0);
});

Deno.test("gabCommand: deno runs cli.ts; a compiled gab runs itself", () => {
  assert.deepEqual(gabCommand(["-A"], "/usr/bin/deno", new URL("file:///src/gab/cli.ts")), {
    command: "/usr/bin/deno",
    prefix: ["run", "-A", "file:///src/gab/cli.ts"],
  });
  assert.deepEqual(
    gabCommand(["--allow-read"], "/usr/bin/deno", new URL("https://jsr.io/@gab/cli/0.1.0/cli.ts")),
    {
      command: "/usr/bin/deno",
      prefix: ["run", "--allow-read", "https://jsr.io/@gab/cli/0.1.0/cli.ts"],
    },
  );
  // deno compile serves the modules from <temp>/deno-compile-<binary name>/...
  for (
    const url of [
      "file:///tmp/deno-compile-gab/work/gab/cli.ts",
      "file:///C:/Users/a/AppData/Local/Temp/deno-compile-gab.exe/gab/cli.ts",
    ]
  ) {
    assert.deepEqual(gabCommand(["-A"], "/opt/bin/gab", new URL(url)), {
      command: "/opt/bin/gab",
      prefix: [],
    });
  }
  // This test runs under deno, not compiled.
  assert.deepEqual(gabCommand().prefix.slice(0, 2), ["run", "-A"]);
});
