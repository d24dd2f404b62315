import assert from "node:assert/strict";
import { Runtime } from "../../src/api/runtime.ts";
import { createWasi } from "../../src/wasi/api.ts";
import { VIRTUAL_EPOCH_NS } from "../../src/wasi/clock.ts";
import { expected, runCase, SPEC } from "./harness.ts";

// Prints clock_time_get(realtime), clock_time_get(monotonic) after a loop, 16 random bytes, and
// the monotonic time after a 1 s poll_oneoff sleep, as raw bytes.
const PROGRAM = `(module
  (import "wasi_snapshot_preview1" "clock_time_get" (func $time (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start") (local $i i32)
    (drop (call $time (i32.const 0) (i64.const 1) (i32.const 100)))
    (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 1000))))
    (drop (call $time (i32.const 1) (i64.const 1) (i32.const 108)))
    (drop (call $random (i32.const 116) (i32.const 16)))
    ;; subscription at 200: userdata 1, clock, monotonic, 1 s relative
    (i64.store (i32.const 200) (i64.const 1))
    (i32.store8 (i32.const 208) (i32.const 0))
    (i32.store (i32.const 216) (i32.const 1))
    (i64.store (i32.const 224) (i64.const 1000000000))
    (drop (call $poll (i32.const 200) (i32.const 300) (i32.const 1) (i32.const 340)))
    (drop (call $time (i32.const 1) (i64.const 1) (i32.const 132)))
    (i32.store (i32.const 0) (i32.const 100))
    (i32.store (i32.const 4) (i32.const 40))
    (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))`;

function run(options: { deterministic: boolean; seed?: number }): Uint8Array {
  const out: number[] = [];
  const wasi = createWasi({ ...options, stdout: (b) => void out.push(...b) });
  const runtime = new Runtime();
  const instance = runtime.instantiate(PROGRAM, wasi.imports(PROGRAM));
  assert.equal(wasi.start(instance), 0);
  return new Uint8Array(out);
}

Deno.test("deterministic mode: the same run bit for bit; virtual time advances with ticks", () => {
  const a = run({ deterministic: true }), b = run({ deterministic: true });
  assert.deepEqual(a, b);
  const dv = new DataView(a.buffer);
  const real = dv.getBigUint64(0, true), mono = dv.getBigUint64(8, true);
  const after = dv.getBigUint64(32, true);
  assert.ok(real >= VIRTUAL_EPOCH_NS && real < VIRTUAL_EPOCH_NS + 1_000_000n);
  assert.ok(mono > 1000n, `the loop's ticks advance the clock (${mono})`);
  assert.ok(after - mono >= 1_000_000_000n, "the sleep advanced the virtual clock");
  assert.ok(after - mono < 1_100_000_000n, "without sleeping for real");
  const c = run({ deterministic: true, seed: 7 });
  assert.notDeepEqual(a.subarray(16, 32), c.subarray(16, 32), "another seed, other bytes");
  assert.deepEqual(a.subarray(0, 16), c.subarray(0, 16));
});

Deno.test("real mode: randomness differs between runs", () => {
  const text = `(module
    (import "wasi_snapshot_preview1" "random_get" (func $r (param i32 i32) (result i32)))
    (memory (export "memory") 1)
    (func (export "r") (result i32) (call $r (i32.const 0) (i32.const 16))))`;
  const bytes = () => {
    const wasi = createWasi();
    const runtime = new Runtime();
    const instance = runtime.instantiate(text, wasi.imports(text));
    wasi.bind(instance);
    assert.equal((instance.exports.r as () => number)(), 0);
    return new Uint8Array(runtime.store.memories[0].buffer.slice(0, 16));
  };
  assert.notDeepEqual(bytes(), bytes());
});

Deno.test("deterministic mode: a C program's output is reproducible and matches Node's", () => {
  const c = SPEC.cases.find((x) => x.name === "basic")!;
  const a = runCase(c, { deterministic: true }), b = runCase(c, { deterministic: true });
  assert.deepEqual(a, b);
  assert.deepEqual(a, expected(c));
});
