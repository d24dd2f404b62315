/**
 * Exact watchpoints: a program changes a memory word, a global and a table slot and changes
 * them back a few ticks later (by plain and fused stores, a byte store, memory.fill,
 * memory.copy, an i64 store over it, an embedder's host function), and keeps rewriting the
 * word with the value it holds. The oracle is a straight run of the same program
 * single-stepped, with a plain compare of the watched values after every tick: every change,
 * at its tick. `continue` from the start must stop at each change in turn (just after the
 * write), `reverseContinue` from the end at each in reverse (at the writing instruction: the
 * position the straight run has at that tick).
 *
 * @module
 */

import assert from "node:assert/strict";
import { Runtime, type WasmFunction } from "../../mod.ts";
import { Recording, type Watchpoint } from "../../src/debug/recording.ts";

const SOURCE = `(module
  (import "env" "poke" (func $poke (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 128) "\\07\\07\\07\\07")
  (global $g (mut i32) (i32.const 0))
  (table $t 2 funcref)
  (elem declare func $f)
  (func $f)
  (func (export "run") (local $i i32)
    (loop $l
      (if (i32.eq (local.get $i) (i32.const 300)) (then
        (i32.store (i32.const 64) (i32.const 1))
        (i32.store (i32.const 64) (i32.const 0))))
      (if (i32.eq (local.get $i) (i32.const 400)) (then
        (global.set $g (i32.const 9))
        (global.set $g (i32.const 0))))
      (if (i32.eq (local.get $i) (i32.const 450)) (then
        (table.set $t (i32.const 1) (ref.func $f))
        (table.set $t (i32.const 1) (ref.null func))))
      (if (i32.eq (local.get $i) (i32.const 500)) (then
        (i32.store8 (i32.const 66) (local.get $i))
        (memory.fill (i32.const 60) (i32.const 0) (i32.const 16))))
      (if (i32.eq (local.get $i) (i32.const 700)) (then
        (memory.copy (i32.const 62) (i32.const 128) (i32.const 4))
        (i64.store (i32.const 60) (i64.const 0))))
      (if (i32.eq (local.get $i) (i32.const 900)) (then
        (call $poke (i32.const 64) (i32.const 5))
        (i32.store (i32.const 64) (i32.add (i32.load (i32.const 64)) (i32.const -5)))))
      ;; The same value written back (no change), and a store elsewhere.
      (i32.store (i32.const 64) (i32.load (i32.const 64)))
      (i32.store (i32.const 200) (local.get $i))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 1000))))))`;

function start() {
  const rt = new Runtime();
  const poke = (a: number, v: number) => {
    new DataView(rt.store.memories[0].buffer).setInt32(a, v, true);
  };
  const inst = rt.instantiate(SOURCE, { env: { poke } });
  return { rt, ex: rt.start(inst.exports.run as WasmFunction) };
}

const WATCHES: Watchpoint[] = [
  { kind: "memory", address: 64, length: 4 },
  { kind: "global", global: 0 },
  { kind: "table", table: 0, index: 1 },
];

/** The watched values of `rt` now. */
function values(rt: Runtime): string[] {
  const s = rt.store;
  return [
    new Uint8Array(s.memories[0].buffer, 64, 4).join(","),
    new Uint8Array(s.globalSlots, s.globals[0].slot * 8, 4).join(","),
    String(s.tables[0].elems[1]),
  ];
}

/** The straight run single-stepped: the ticks where each value changed, and every position. */
function oracle(): { changes: number[][]; at: string[] } {
  const { rt, ex } = start();
  const changes: number[][] = WATCHES.map(() => []);
  const at: string[] = [];
  let prev = values(rt);
  for (let t = 1;; t++) {
    at.push(`${rt.machine.funcAddr}:${rt.machine.pc}`);
    const r = ex.runFor(1);
    const now = values(rt);
    now.forEach((v, k) => v !== prev[k] && changes[k].push(t));
    prev = now;
    if (r.status === "complete") return { changes, at };
  }
}

Deno.test("watchpoints: every change, also one undone a few ticks later, both directions", () => {
  const { changes, at } = oracle();
  // Memory: 300 (set, reset), 500 (byte, fill), 700 (copy, i64 store), 900 (host, store).
  assert.equal(changes[0].length, 8);
  assert.equal(changes[1].length, 2);
  assert.equal(changes[2].length, 2);
  // Each undone within a few ticks: far inside any replay block.
  for (const c of changes) for (let i = 0; i < c.length; i += 2) assert.ok(c[i + 1] - c[i] < 8);

  for (const tier of ["off", "all"] as const) {
    const { rt, ex } = start();
    // Recorded on the compiled tier too: searches turn it off while probing.
    rt.machine.tier = tier;
    searches(new Recording(ex, { interval: 5000, adaptive: false }), changes, at);
    assert.equal(rt.machine.tier, tier);
  }
});

function searches(rec: Recording, changes: number[][], at: string[]): void {
  assert.equal(rec.record().status, "complete");
  assert.ok(rec.checkpoints.length > 3);
  WATCHES.forEach((w, k) => {
    rec.watchpoints.length = 0;
    rec.watchpoints.push(w);
    rec.travel(0);
    const fwd: number[] = [];
    for (;;) {
      const why = rec.continue();
      if (why.reason === "end") break;
      assert.deepEqual(why, { reason: "watchpoint", index: 0 });
      fwd.push(rec.tick);
    }
    assert.deepEqual(fwd, changes[k], `${w.kind}: forward stops just after each write`);
    rec.travel(rec.end);
    const back: number[] = [];
    for (;;) {
      const why = rec.reverseContinue();
      if (why.reason === "start") break;
      assert.deepEqual(why, { reason: "watchpoint", index: 0 });
      back.push(rec.tick);
      const m = rec.machine;
      assert.equal(`${m.funcAddr}:${m.pc}`, at[rec.tick], `${w.kind}: at the writing instruction`);
    }
    assert.deepEqual(back, changes[k].map((t) => t - 1).reverse(), `${w.kind}: reverse`);
  });
}
