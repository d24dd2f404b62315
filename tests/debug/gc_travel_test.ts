/**
 * Time travel over a GC program: structs are made, kept in a ring and changed in place, and
 * the collector frees and reuses addresses many times over. Travels to random ticks (and a
 * step back from each) must give the state hash that a straight run in another runtime has at
 * the same tick, the GC heap included; and a `struct.set` that changes no object count changes
 * the hash. A snapshot taken mid-run and restored goes on to the very state (addresses
 * included) that the writing runtime reaches: both collect at the same allocations.
 */

import assert from "node:assert/strict";
import { Runtime, stateHash, type WasmFunction } from "../../mod.ts";
import { setGcThreshold } from "../../src/exec/collect.ts";
import { Recording } from "../../src/debug/recording.ts";
import { readSnapshot, writeSnapshot } from "../../src/snapshot/format.ts";
import { restore } from "../../src/snapshot/restore.ts";
import { snapshot } from "../../src/snapshot/snapshot.ts";

const SOURCE = `(module
  (type $s (struct (field $v (mut i32))))
  (type $ring (array (mut (ref null $s))))
  (global $ring (mut (ref null $ring)) (ref.null $ring))
  (func (export "run") (param $n i32) (result i32) (local $i i32) (local $x (ref null $s))
    (global.set $ring (array.new_default $ring (i32.const 8)))
    (loop $l
      (array.set $ring (global.get $ring) (i32.and (local.get $i) (i32.const 7))
        (struct.new $s (local.get $i)))
      (local.set $x (array.get $ring (global.get $ring)
        (i32.and (i32.add (local.get $i) (i32.const 3)) (i32.const 7))))
      (if (ref.is_null (local.get $x)) (then) (else
        (struct.set $s $v (local.get $x)
          (i32.add (struct.get $s $v (local.get $x)) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (struct.get $s $v (array.get $ring (global.get $ring) (i32.const 5)))))`;

const N = 3000;

function start() {
  const rt = new Runtime();
  setGcThreshold(rt.store, 50); // collect often: addresses are freed and taken again
  const inst = rt.instantiate(SOURCE);
  return { rt, ex: rt.start(inst.exports.run as WasmFunction, [N]) };
}

Deno.test("gc time travel: random travels match a straight run, the heap included", () => {
  const a = start();
  const rec = new Recording(a.ex, { interval: 5_000, grid: 1_024 });
  assert.equal(rec.record().status, "complete");

  let x = 777;
  const rnd = () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const targets = Array.from({ length: 40 }, () => 1 + Math.floor(rnd() * (rec.end - 1)));
  const ticks = [...new Set(targets.flatMap((t) => [t - 1, t]))].sort((p, q) => p - q);

  const b = start();
  const want = new Map<number, string>();
  let pos = 0;
  for (const t of ticks) {
    if (t > pos) {
      assert.equal(b.ex.runFor(t - pos).status, "paused");
      pos = t;
    }
    want.set(t, stateHash(b.rt.machine, b.ex, null));
  }
  for (const t of targets) {
    rec.travel(t);
    assert.equal(rec.hash(), want.get(t), `travel to ${t}`);
    rec.stepBack();
    assert.equal(rec.hash(), want.get(t - 1), `step back from ${t}`);
  }
});

Deno.test("gc time travel: the state hash sees a field changed in place", () => {
  const rt = new Runtime();
  const inst = rt.instantiate(`(module
    (type $s (struct (field (mut i32))))
    (global $g (mut (ref null $s)) (ref.null $s))
    (func (export "make") (global.set $g (struct.new $s (i32.const 1))))
    (func (export "set") (param i32) (struct.set $s 0 (global.get $g) (local.get 0))))`);
  (inst.exports.make as () => void)();
  const before = stateHash(rt.machine, null, null);
  const count = rt.store.objects.length;
  (inst.exports.set as (v: number) => void)(2);
  assert.equal(rt.store.objects.length, count);
  assert.notEqual(stateHash(rt.machine, null, null), before);
  (inst.exports.set as (v: number) => void)(1);
  assert.equal(stateHash(rt.machine, null, null), before);
});

Deno.test("gc snapshot: the restored runtime collects where the writing one does", () => {
  const rt = new Runtime(); // the default pacing: a collection every 10,000 allocations at least
  const inst = rt.instantiate(SOURCE);
  const ex = rt.start(inst.exports.run as WasmFunction, [40_000]);
  assert.equal(ex.runFor(150_000).status, "paused");
  const r = restore(snapshot(rt.machine, { execution: ex }));
  for (let i = 0; i < 3; i++) {
    assert.equal(ex.runFor(100_000).status, "paused");
    assert.equal(r.execution!.runFor(100_000).status, "paused");
    assert.equal(stateHash(r.machine, r.execution, null), stateHash(rt.machine, ex, null));
  }
});

Deno.test("gc snapshot: the pacing travels with it, a store's own threshold included", () => {
  const rt = new Runtime();
  setGcThreshold(rt.store, 50); // a collection every 50 allocations: the restored store too
  const inst = rt.instantiate(SOURCE);
  const ex = rt.start(inst.exports.run as WasmFunction, [40_000]);
  assert.equal(ex.runFor(150_000).status, "paused");
  const r = restore(snapshot(rt.machine, { execution: ex }));
  assert.deepEqual(r.machine.store.gc, rt.store.gc);
  for (let i = 0; i < 3; i++) {
    assert.equal(ex.runFor(100_000).status, "paused");
    assert.equal(r.execution!.runFor(100_000).status, "paused");
    assert.equal(stateHash(r.machine, r.execution, null), stateHash(rt.machine, ex, null));
  }
});

Deno.test("gc snapshot: one written without its pacing restarts it as its writer did", () => {
  const rt = new Runtime();
  const inst = rt.instantiate(SOURCE);
  const ex = rt.start(inst.exports.run as WasmFunction, [40_000]);
  assert.equal(ex.runFor(150_000).status, "paused");
  const file = readSnapshot(snapshot(rt.machine, { execution: ex }));
  const body = { ...(file.body as Record<string, unknown>) };
  delete body.gc; // as the first writers of format 3 wrote it
  const r = restore(writeSnapshot(body, [file.data]));
  const live = r.machine.store.objects.filter((o) => o.kind === "struct" || o.kind === "array");
  assert.deepEqual(r.machine.store.gc, {
    allocs: 0,
    threshold: Math.max(10_000, live.length),
    min: 10_000,
  });
  const done = r.execution!.runFor(Infinity);
  const straight = ex.runFor(Infinity);
  assert.equal(done.status, "complete");
  assert.deepEqual(done, straight);
});
