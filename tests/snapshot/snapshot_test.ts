/**
 * Tests of src/snapshot: kernels run in slices with snapshot -> bytes -> restore into a fresh
 * machine between every slice give the uninterrupted result; equal states give equal bytes;
 * lowering is deterministic; NaN payloads survive in globals, the stack and memory; host
 * functions are bound again by name; a 64 MiB memory round-trips quickly.
 *
 * @module
 */

import assert from "node:assert/strict";
import { SnapshotError } from "../../src/errors.ts";
import { Execution } from "../../src/exec/execution.ts";
import type { Machine } from "../../src/exec/machine.ts";
import type { RawValue } from "../../src/runtime/values.ts";
import { lowerFunction } from "../../src/ir/lower.ts";
import { allocHostFunc, canonFuncType } from "../../src/runtime/host.ts";
import { restore } from "../../src/snapshot/restore.ts";
import { snapshot } from "../../src/snapshot/snapshot.ts";
import { I32 } from "../../src/syntax/types.ts";
import { createWasi, type WasiState } from "../../src/wasi/api.ts";
import { kernel, load, runWhole } from "./helpers.ts";

/** Runs `name(args)` in slices of `slice` ticks, through a snapshot after every slice. */
function sliced(
  source: Uint8Array | string,
  name: string,
  args: RawValue[],
  slice: number,
  bindings = {},
  imports?: (m: Machine) => { kind: "func"; addr: number }[],
): { results: RawValue[]; slices: number } {
  const l = load(source, imports);
  let ex = Execution.start(l.machine, l.addr(name), args);
  let slices = 0;
  for (;;) {
    const r = ex.runFor(slice);
    slices++;
    if (r.status === "complete") return { results: r.results as RawValue[], slices };
    assert.equal(r.status, "paused");
    const bytes = snapshot(ex.machine, { execution: ex });
    const back = restore(bytes, bindings);
    assert.ok(back.execution !== null);
    ex = back.execution;
  }
}

Deno.test("fib and sieve: restoring into a fresh machine between every slice", () => {
  for (const [name, n, slice] of [["fib", 12, 97], ["sieve", 300, 2_000]] as const) {
    const whole = runWhole(load(kernel(name)), "run", [n]);
    const s = sliced(kernel(name), "run", [n], slice);
    assert.deepEqual(s.results, whole.results, name);
    assert.equal(s.slices, Math.ceil(whole.ticks / slice), name);
  }
});

Deno.test("same state, same bytes; a restored machine writes the bytes it was read from", () => {
  const a = load(kernel("sieve")), b = load(kernel("sieve"));
  const ea = Execution.start(a.machine, a.addr("run"), [200]);
  const eb = Execution.start(b.machine, b.addr("run"), [200]);
  ea.runFor(1234);
  eb.runFor(1234);
  const sa = snapshot(a.machine, { execution: ea, host: { z: 1, a: [2, "x"] } });
  const sb = snapshot(b.machine, { execution: eb, host: { a: [2, "x"], z: 1 } });
  assert.deepEqual(sa, sb);
  const back = restore(sa);
  assert.deepEqual(snapshot(back.machine, { execution: back.execution, host: back.host }), sa);
  assert.deepEqual(back.host, { a: [2, "x"], z: 1 });
});

Deno.test("lowering is deterministic: the same function lowers to the same code", () => {
  const a = load(kernel("sha256")), b = load(kernel("sha256"));
  const objects = a.machine.store.objects;
  let n = 0;
  for (let addr = 1; addr < objects.length; addr++) {
    if (objects[addr].kind !== "wasm") continue;
    const x = lowerFunction(a.machine.store, addr), y = lowerFunction(b.machine.store, addr);
    assert.deepEqual(x.code, y.code);
    assert.deepEqual(x.srcMap, y.srcMap);
    assert.deepEqual(x.handlers, y.handlers);
    assert.deepEqual(lowerFunction(a.machine.store, addr).code, x.code);
    n++;
  }
  assert.ok(n > 0);
});

const NANS = `(module
  (memory (export "mem") 1)
  (global $f (mut f32) (f32.const nan:0x200001))
  (global $d (mut f64) (f64.const -nan:0x4000000000001))
  (func (export "go") (param $n i32) (result i32 i64 i32 i64)
    (local $x f32) (local $y f64)
    (local.set $x (f32.reinterpret_i32 (i32.const 0x7f800123)))
    (local.set $y (f64.reinterpret_i64 (i64.const 0x7ff0000000000abc)))
    (f32.store (i32.const 8) (global.get $f))
    (f64.store (i32.const 16) (global.get $d))
    (loop $l
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (local.get $n)))
    (global.set $f (local.get $x))
    (global.set $d (local.get $y))
    (i32.reinterpret_f32 (f32.load (i32.const 8)))
    (i64.reinterpret_f64 (f64.load (i32.const 16)))
    (i32.reinterpret_f32 (global.get $f))
    (i64.reinterpret_f64 (global.get $d))))`;

Deno.test("NaN payloads survive in globals, stack slots and memory, through snapshots", () => {
  const expected = [0x7fa00001, -0xbffffffffffffn, 0x7f800123, 0x7ff0000000000abcn];
  assert.deepEqual(runWhole(load(NANS), "go", [50]).results, expected);
  for (const slice of [1, 3, 10]) {
    assert.deepEqual(sliced(NANS, "go", [50], slice).results, expected);
  }
});

const HOSTED = `(module
  (import "env" "twice" (func $twice (param i32) (result i32)))
  (func (export "go") (param $n i32) (result i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (call $twice (local.get $n))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (local.get $n)))
    (local.get $s)))`;

Deno.test("host functions are bound again by name; a missing one is a SnapshotError", () => {
  const twice = (a: RawValue[]) => [(a[0] as number) * 2];
  const imports = (m: Machine) => [
    {
      kind: "func" as const,
      addr: allocHostFunc(m, canonFuncType([I32], [I32]), "env", "twice", twice),
    },
  ];
  const r = sliced(HOSTED, "go", [10], 5, { env: { twice } }, imports);
  assert.deepEqual(r.results, [110]);
  const l = load(HOSTED, imports);
  const ex = Execution.start(l.machine, l.addr("go"), [10]);
  ex.runFor(5);
  const bytes = snapshot(l.machine, { execution: ex });
  assert.throws(
    () => restore(bytes),
    (e) => e instanceof SnapshotError && /env.twice/.test(e.message),
  );
});

Deno.test("a 64 MiB memory is written and read in well under a second", () => {
  const l = load(`(module (memory (export "m") 1024)
    (func (export "go") (i32.store (i32.const 0x3fffff0) (i32.const 0x12345678))))`);
  const ex = Execution.start(l.machine, l.addr("go"), []);
  assert.equal(ex.runFor(Infinity).status, "complete");
  const mem = l.machine.store.memories[0];
  new Uint8Array(mem.buffer).fill(0xa5, 1000, 2000);
  let t = performance.now();
  const bytes = snapshot(l.machine);
  const write = performance.now() - t;
  t = performance.now();
  const back = restore(bytes);
  const read = performance.now() - t;
  console.log(`64 MiB memory: write ${write.toFixed(0)} ms, read ${read.toFixed(0)} ms`);
  assert.ok(write < 1000 && read < 1000);
  assert.deepEqual(
    new Uint8Array(back.machine.store.memories[0].buffer),
    new Uint8Array(mem.buffer),
  );
});

Deno.test("host state (WASI's plain-data state) travels in the snapshot", () => {
  const wasi = createWasi({ args: ["prog", "x"], env: { A: "1" }, deterministic: true, seed: 9 });
  const l = load(`(module (func (export "f")))`);
  const back = restore(snapshot(l.machine, { host: { wasi: wasi.state } }));
  assert.deepEqual((back.host as { wasi: unknown }).wasi, wasi.state);
  const again = createWasi({ state: (back.host as { wasi: WasiState }).wasi });
  assert.deepEqual(again.state, wasi.state);
});

const VECTORS = `(module
  (memory (export "mem") 1)
  (global $acc (mut v128) (v128.const i32x4 1 2 3 4))
  (func $step (param $v v128) (param $k i32) (result v128)
    (f32x4.add (f32x4.mul (local.get $v) (f32x4.splat (f32.const 1.5)))
      (f32x4.convert_i32x4_s (i32x4.splat (local.get $k)))))
  (func $go (param $n i32) (result v128) (local $x v128) (local $y v128)
    (local $keep v128)
    (local.set $keep (v128.const f32x4 nan:0x200001 -nan:0x7 0 1))
    (local.set $x (v128.const f32x4 0.5 -1 2.25 3))
    (loop $l
      (local.set $y (i32x4.add (global.get $acc) (i8x16.shuffle
        1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 (local.get $x) (global.get $acc))))
      (global.set $acc (v128.xor (local.get $y) (i64x2.splat (i64.extend_i32_u (local.get $n)))))
      (local.set $x (call $step (local.get $x) (local.get $n)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (local.get $n)))
    (v128.xor (v128.xor (local.get $x) (global.get $acc)) (local.get $keep)))
  (func (export "run") (param $n i32) (v128.store (i32.const 0) (call $go (local.get $n))))
  (export "go" (func $go)))`;

Deno.test("v128 values in locals, operand slots, globals and frames survive snapshots", async () => {
  // V8 is the oracle (no NaN goes through arithmetic: its bits could differ; the NaNs in
  // $keep only move).
  const { encodeModule } = await import("../../src/binary/encode.ts");
  const { parseModuleText } = await import("../../src/text/parse.ts");
  const v8 = (await WebAssembly.instantiate(
    new WebAssembly.Module(new Uint8Array(encodeModule(parseModuleText(VECTORS)))),
  )).exports;
  (v8.run as (n: number) => void)(12);
  const expected = [...new Uint8Array((v8.mem as WebAssembly.Memory).buffer, 0, 16)];
  const whole = runWhole(load(VECTORS), "go", [12]);
  assert.deepEqual([...(whole.results[0] as Uint8Array)], expected);
  for (const slice of [1, 3, 10]) {
    const s = sliced(VECTORS, "go", [12], slice);
    assert.deepEqual([...(s.results[0] as Uint8Array)], expected, `slices of ${slice}`);
    assert.equal(s.slices, Math.ceil(whole.ticks / slice));
  }
});
