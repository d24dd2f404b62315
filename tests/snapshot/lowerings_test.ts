/**
 * Snapshots are in wasm terms (issue 12): a snapshot taken on a machine that lowers without
 * fusions resumes on one that lowers with them, and the reverse, at every instruction
 * boundary, to the result of an uninterrupted run:
 * - kernels cut once at every tick (each cut resumed to the end on the other lowering);
 * - spec scripts with every invocation cut at every tick of its first 100 (then in doubling
 *   slices), alternating the lowering at every cut;
 * - a WASI C program cut at every tick of two windows of 300 ticks (its start, and the middle
 *   of its run) and every 1,009 ticks elsewhere, alternating;
 * - a frame that stands inside a fused group moves to the unfused copy of its function.
 *
 * @module
 */

import assert from "node:assert/strict";
import { Runtime, type WasmFunction } from "../../src/api/runtime.ts";
import { Execution, type RunResult } from "../../src/exec/execution.ts";
import type { Machine } from "../../src/exec/machine.ts";
import type { HostImpl, RawValue } from "../../src/runtime/values.ts";
import { defaultEngine } from "../../src/script/engine.ts";
import { runSource } from "../../src/script/run.ts";
import { defaultSuiteDir, isDir, readScript } from "../../src/script/suite.ts";
import { restore } from "../../src/snapshot/restore.ts";
import { snapshot } from "../../src/snapshot/snapshot.ts";
import { createWasi, ProcExit } from "../../src/wasi/api.ts";
import { bind, WASI_MODULES } from "../../src/wasi/host.ts";
import { kernel, load } from "./helpers.ts";

const UNFUSED = { fuse: false };
const FUSED = {};

/** Runs kernel `name`'s `run(args)` uninterrupted, with or without fusions; its results. */
function whole(name: string, args: RawValue[], fuse: boolean): RawValue[] {
  const l = load(kernel(name), undefined, fuse ? FUSED : UNFUSED);
  const r = Execution.start(l.machine, l.addr("run"), args).runFor(Infinity);
  assert.equal(r.status, "complete");
  return r.status === "complete" ? r.results as RawValue[] : [];
}

/**
 * Cuts `name(args)` after every tick `k` on a machine lowering one way, restores the snapshot
 * on a machine lowering the other way and runs it to the end: each result must be `want`.
 * Returns how many cuts were made.
 */
function cutEverywhere(name: string, args: RawValue[], fuseFirst: boolean, want: RawValue[]) {
  let cuts = 0;
  for (let k = 0;; k++) {
    const l = load(kernel(name), undefined, fuseFirst ? FUSED : UNFUSED);
    const ex = Execution.start(l.machine, l.addr("run"), args);
    const r = ex.runFor(k);
    if (r.status === "complete") break;
    assert.equal(r.status, "paused");
    const back = restore(snapshot(l.machine, { execution: ex }), {}, {
      lowering: fuseFirst ? UNFUSED : FUSED,
    });
    const end = back.execution!.runFor(Infinity);
    assert.deepEqual(
      end.status === "complete" ? end.results : end,
      want,
      `${name}: cut after ${k} ticks (${fuseFirst ? "fused -> unfused" : "unfused -> fused"})`,
    );
    cuts++;
  }
  return cuts;
}

for (const [name, n] of [["fib", 7], ["loops", 6]] as const) {
  Deno.test(`kernel ${name}: cut at every tick, resumed with fusions off / on`, () => {
    const want = whole(name, [n], true);
    assert.deepEqual(whole(name, [n], false), want);
    const a = cutEverywhere(name, [n], true, want);
    const b = cutEverywhere(name, [n], false, want);
    // Without fusions the same work takes more ticks (more boundaries).
    assert.ok(b > a && a > 100, `${a} fused cuts, ${b} unfused cuts`);
  });
}

const dir = defaultSuiteDir();
/** Spec scripts with calls, loops, multi-value blocks, branches with values, exceptions. */
const SAMPLE = [
  "br_table.wast",
  "br_if.wast",
  "block.wast",
  "local_tee.wast",
  "func_ptrs.wast",
  "try_table.wast",
  "legacy/try_catch.wast",
  "legacy/rethrow.wast",
];

Deno.test({
  name: "spec sample: invocations cut at every tick, alternating fusions off and on",
  ignore: !isDir(dir),
  fn() {
    const differences: string[] = [];
    for (const file of SAMPLE) {
      const source = readScript(`${dir}/${file}`);
      const plain = runSource(source, defaultEngine());
      const cut = runSource(
        source,
        defaultEngine({ torture: 1, tortureSlices: 100, tortureAlternate: true }),
      );
      assert.equal(cut.length, plain.length, file);
      for (let i = 0; i < plain.length; i++) {
        const a = plain[i], b = cut[i];
        if (a.outcome !== b.outcome || a.reason !== b.reason) {
          differences.push(
            `${file}:${a.line}: ${a.outcome} ${a.reason ?? ""} / ${b.outcome} ${b.reason ?? ""}`,
          );
        }
      }
    }
    assert.deepEqual(differences, []);
  },
});

const BASIC = new URL("../../testdata/wasi/basic.wasm", import.meta.url).pathname;

/** Ticks of a window cut at every tick. */
const WINDOW = 300;

/**
 * Runs basic.wasm to its end: uninterrupted (`middle` < 0), or cut into slices, each
 * snapshot restored on a machine lowering the other way: at every tick of the first WINDOW
 * ticks and of WINDOW ticks from `middle`, every 1,009 ticks elsewhere. Returns its output,
 * exit status, slices and ticks.
 */
async function runBasic(
  middle: number,
): Promise<{ out: string; status: number; slices: number; ticks: number }> {
  const chunks: Uint8Array[] = [];
  const wasi = createWasi({
    args: ["basic", "one"],
    env: ["GREETING=hi"],
    stdin: new TextEncoder().encode("some input\n"),
    stdout: (d) => void chunks.push(d.slice()),
    stderr: (d) => void chunks.push(d.slice()),
  });
  const wasm = await Deno.readFile(BASIC);
  const runtime = new Runtime();
  const instance = runtime.instantiate(wasm, wasi.imports(wasm));
  wasi.bind(instance);
  let ex = runtime.start(instance.exports._start as WasmFunction);
  const bindings: Record<string, Record<string, HostImpl>> = {};
  for (const [module, table] of Object.entries(WASI_MODULES)) {
    bindings[module] = {};
    for (const [name, w] of Object.entries(table)) bindings[module][name] = bind(wasi.ctx, w);
  }
  let r: RunResult;
  let slices = 0, ticks = 0;
  for (;;) {
    const inWindow = ticks < WINDOW || (ticks >= middle && ticks < middle + WINDOW);
    const budget = middle < 0
      ? Number.MAX_SAFE_INTEGER
      : inWindow
      ? 1
      : ticks < middle
      ? Math.min(1009, middle - ticks)
      : 1009;
    r = ex.runFor(budget);
    ticks += budget - ex.machine.fuel;
    slices++;
    if (r.status !== "paused") break;
    const m: Machine = ex.machine;
    const back = restore(snapshot(m, { execution: ex }), bindings, {
      lowering: m.lowering.fuse === false ? FUSED : UNFUSED,
    });
    const rt = new Runtime({ machine: back.machine });
    wasi.bind(rt.instance(0));
    ex = back.execution!;
  }
  let status = 0;
  if (r.status === "trapped") {
    assert.ok(r.error instanceof ProcExit, String(r.error));
    status = r.error.code;
  } else assert.equal(r.status, "complete");
  const out = new TextDecoder().decode(new Uint8Array(chunks.flatMap((c) => [...c])));
  return { out, status, slices, ticks };
}

Deno.test("a WASI program cut at every tick of two windows, alternating fusions off and on", async () => {
  const plain = await runBasic(-1);
  assert.match(plain.out, /argv\[1\]=one/);
  const cut = await runBasic(Math.floor(plain.ticks / 2));
  assert.ok(cut.slices > 2 * WINDOW, `${cut.slices} slices`);
  assert.equal(cut.out, plain.out);
  assert.equal(cut.status, plain.status);
});

Deno.test("a frame inside a fused group resumes in the unfused copy of its function", () => {
  // `(x >>> 3) & 7` and `i + 1; i + 1` fuse into one instruction each; cut between them.
  const src = `(module (func (export "run") (param $x i32) (result i32) (local $i i32)
    (loop $l
      (local.set $x (i32.add (i32.and (i32.shr_u (local.get $x) (i32.const 3)) (i32.const 7))
        (i32.mul (local.get $x) (i32.const 3))))
      (local.set $i (i32.add (i32.add (local.get $i) (i32.const 1)) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 20))))
    (i32.add (local.get $x) (local.get $i))))`;
  const ref = load(src);
  const want = Execution.start(ref.machine, ref.addr("run"), [12345]).runFor(Infinity);
  assert.equal(want.status, "complete");
  let deopts = 0;
  for (let k = 0; k < 60; k++) {
    const l = load(src, undefined, UNFUSED);
    const ex = Execution.start(l.machine, l.addr("run"), [12345]);
    if (ex.runFor(k).status !== "paused") break;
    const back = restore(snapshot(l.machine, { execution: ex }));
    const cf = back.machine.compiled[l.addr("run")]!;
    if (cf.unfused >= 0) {
      deopts++;
      assert.ok(back.machine.pc >= cf.unfused, "the frame stands in the unfused copy");
    }
    const end = back.execution!.runFor(Infinity);
    assert.deepEqual(end, want, `cut after ${k} ticks`);
  }
  assert.ok(deopts > 0, "some cut stood inside a fused group");
});
