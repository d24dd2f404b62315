/**
 * A recording of a run that traps can be travelled to every tick up to the trap: its end is
 * the tick count of the run stepped one tick at a time (the failing instruction counts one),
 * and the state at each tick before it is the stepped run's, tier off and tier "all".
 *
 * Oracle: the same program stepped with `runFor(1)` in another runtime, its state hash
 * after every step.
 *
 * @module
 */

import assert from "node:assert/strict";
import { Runtime, type WasmFunction } from "../../mod.ts";
import { stateHash } from "../../src/debug/hash.ts";
import { Recording } from "../../src/debug/recording.ts";

// A call, loops that write memory, then a division by zero in the middle of a straight-line
// run (after a few hundred ticks of work), with more of the run after it.
const TRAPPING = `(module
  (memory 1)
  (func $mix (param $x i32) (result i32)
    (i32.xor (i32.mul (local.get $x) (i32.const 31)) (i32.const 7)))
  (func (export "run") (param $n i32) (result i32) (local $i i32) (local $x i32)
    (loop $l
      (local.set $x (call $mix (i32.add (local.get $x) (local.get $i))))
      (i32.store (i32.shl (i32.and (local.get $i) (i32.const 255)) (i32.const 2)) (local.get $x))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.set $x (i32.add (local.get $x) (local.get $i)))
    (local.set $x (i32.div_u (local.get $x) (i32.sub (local.get $i) (local.get $n))))
    (local.set $x (i32.add (local.get $x) (local.get $i)))
    (local.set $x (i32.mul (local.get $x) (local.get $i)))
    (i32.store (i32.const 8) (local.get $x))
    (local.get $x)))`;

const N = 40;

function setup(tier: "off" | "all") {
  const rt = new Runtime({ tier });
  const inst = rt.instantiate(TRAPPING);
  return { rt, ex: rt.start(inst.exports.run as WasmFunction, [N]) };
}

/** The state hash after each tick of the run stepped one tick at a time (index: the tick). */
function stepped(tier: "off" | "all"): string[] {
  const { rt, ex } = setup(tier);
  const hashes = [stateHash(rt.machine, ex, null)];
  for (;;) {
    const r = ex.runFor(1);
    assert.equal(ex.fuel, 0);
    hashes.push(stateHash(rt.machine, ex, null));
    if (r.status !== "paused") {
      assert.equal(r.status, "trapped");
      return hashes;
    }
  }
}

for (const tier of ["off", "all"] as const) {
  Deno.test(`a trapping run's recording (tier ${tier}) travels to every tick up to the trap`, () => {
    const want = stepped("off");
    const end = want.length - 1;
    assert.ok(end > 300, `${end} ticks`);
    for (const interval of [50, 1_000_000]) {
      const { ex } = setup(tier);
      const rec = new Recording(ex, { interval, adaptive: false });
      const r = rec.record();
      assert.equal(r.status, "trapped");
      assert.match(r.status === "trapped" ? r.error.message : "", /divide by zero/);
      assert.equal(rec.end, end, `interval ${interval}`);
      // Backward from the end, one tick at a time, then forward.
      for (let t = end - 1; t >= 0; t--) {
        assert.equal(rec.travel(t), t);
        assert.equal(rec.hash(), want[t], `tier ${tier}, interval ${interval}, tick ${t}`);
      }
      for (let t = 0; t < end; t += 7) {
        rec.travel(t);
        assert.equal(rec.hash(), want[t], `tick ${t} (forward)`);
      }
      // Stepping onto the failing instruction's tick ends at the trapped state.
      rec.travel(end - 1);
      assert.equal(rec.stepForward(), end);
      assert.equal(rec.hash(), want[end]);
    }
  });
}
