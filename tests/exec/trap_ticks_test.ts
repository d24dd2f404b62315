/**
 * Tick counts up to a trap: a run that fails (a trap, exhaustion, an uncaught exception, an
 * error thrown by a host function) has spent exactly the ticks of the instructions it
 * executed, the failing one included, whatever its budget and slices and whether the
 * compiled tier runs it. The oracle is a run stepped one tick at a time (`runFor(1)`: each
 * budget executes one instruction), which needs no charging by straight-line runs; each
 * failure sits in the middle of a run, after a call and a loop, so that the ticks charged
 * for the rest of the run must be given back.
 *
 * @module
 */

import assert from "node:assert/strict";
import { Trap } from "../../src/errors.ts";
import { Execution, type RunResult } from "../../src/exec/execution.ts";
import type { Machine } from "../../src/exec/machine.ts";
import { printIr } from "../../src/ir/print.ts";
import { allocHostFunc, canonFuncType } from "../../src/runtime/host.ts";
import { I32 } from "../../src/syntax/types.ts";
import { load } from "../snapshot/helpers.ts";

/** A prologue every case runs first: a call and a ten-turn loop (`$i` = 10 after it). */
const PROLOGUE = `(local.set $x (call $three))
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 10))))`;

/** The rest of the run after the failing instruction. */
const EPILOGUE = `(local.set $x (i32.add (local.get $x) (local.get $i)))
    (local.set $x (i32.mul (local.get $x) (local.get $i)))
    (local.set $x (i32.xor (local.get $x) (local.get $i)))`;

/** Each case: export name -> its body's failing part (after PROLOGUE, before EPILOGUE). */
const CASES: Record<string, string> = {
  unreachable: `(if (i32.eq (local.get $i) (i32.const 10)) (then unreachable))`,
  div: `(local.set $x (i32.div_s (local.get $x) (i32.sub (local.get $i) (i32.const 10))))`,
  load: `(local.set $x (i32.load (i32.mul (local.get $i) (i32.const 7000))))`,
  store: `(i32.store (i32.mul (local.get $i) (i32.const 7000)) (local.get $x))`,
  trunc: `(local.set $x (i32.trunc_f64_s (f64.mul (f64.convert_i32_s (local.get $i))
      (f64.const 1e12))))`,
  fill: `(memory.fill (i32.const 65000) (local.get $x) (i32.mul (local.get $i) (i32.const 100)))`,
  null_indirect: `(local.set $x (call_indirect (result i32)
      (i32.add (local.get $i) (i32.const 1))))`,
  bad_indirect: `(local.set $x (call_indirect (param i32) (result i32) (local.get $i)
      (i32.const 0)))`,
  table: `(drop (table.get (i32.mul (local.get $i) (i32.const 9))))`,
  throw: `(if (local.get $i) (then (throw $e (local.get $x))))`,
  deep: `(local.set $x (call $deep (local.get $i)))`,
  recurse: `(local.set $x (call $recurse (local.get $i)))`,
  host: `(local.set $x (call $fail (local.get $i)))`,
  copy8: `(drop (call $copy8 (i32.const 65524) (i32.const 0) (local.get $i)))`,
};

const WAT = `(module
  (import "host" "fail" (func $fail (param i32) (result i32)))
  (memory 1)
  (table 20 funcref)
  (elem (i32.const 10) $three)
  (tag $e (param i32))
  (func $three (result i32) (i32.const 3))
  (func $deep (param $n i32) (result i32) (local $y i32)
    (local.set $y (i32.add (local.get $n) (i32.const 1)))
    (local.set $y (i32.div_u (local.get $y) (i32.sub (local.get $n) (i32.const 10))))
    (local.set $y (i32.add (local.get $y) (local.get $n)))
    (local.get $y))
  (func $recurse (param $n i32) (result i32)
    (i32.add (call $recurse (i32.add (local.get $n) (i32.const 1))) (i32.const 1)))
  (func $copy8 (export "copy8_fused") (param $d i32) (param $s i32) (param $i i32) (result i32)
    (local $p i32) (local $q i32)
    (local.set $p (i32.add (local.get $d) (local.get $i)))
    (local.set $q (i32.add (local.get $s) (local.get $i)))
    (i32.store8 (local.get $p) (i32.load8_u (local.get $q)))
    (i32.store8 (i32.add (local.get $p) (i32.const 1)) (i32.load8_u (i32.add (local.get $q) (i32.const 1))))
    (i32.store8 (i32.add (local.get $p) (i32.const 2)) (i32.load8_u (i32.add (local.get $q) (i32.const 2))))
    (i32.store8 (i32.add (local.get $p) (i32.const 3)) (i32.load8_u (i32.add (local.get $q) (i32.const 3))))
    (i32.add (local.get $p) (local.get $q)))
  ${
  Object.entries(CASES).map(([name, body]) =>
    `(func (export "${name}") (result i32) (local $i i32) (local $x i32)
    ${PROLOGUE}
    ${body}
    ${EPILOGUE}
    (local.get $x))`
  ).join("\n  ")
})`;

/** A fresh instance (its host function `fail` throws a Trap). */
function fresh(tier: "off" | "all") {
  const l = load(WAT, (m: Machine) => [
    {
      kind: "func",
      addr: allocHostFunc(m, canonFuncType([I32], [I32]), "host", "fail", () => {
        throw new Trap("host says no");
      }),
    },
  ]);
  l.machine.tier = tier;
  return l;
}

/** Runs case `name` in budgets of `slice` ticks to its end: the ticks spent and the result. */
function sliced(name: string, tier: "off" | "all", slice: number): [number, RunResult] {
  const l = fresh(tier);
  const ex = Execution.start(l.machine, l.addr(name), []);
  let ticks = 0;
  for (;;) {
    const r = ex.runFor(slice);
    // A budget of one tick executes one instruction, the failing one too.
    if (slice === 1) assert.equal(l.machine.fuel, 0, `${name}: a step spent no tick`);
    ticks += slice - l.machine.fuel;
    if (r.status !== "paused") return [ticks, r];
  }
}

Deno.test("the unrolled copy of case copy8 is fused (its trap is inside a prefix's tick)", () => {
  const l = fresh("off");
  const code = l.machine.code(l.addr("copy8_fused"));
  assert.match(printIr(code), /mem\.copy8\.x4/);
});

for (const name of Object.keys(CASES)) {
  Deno.test(`a run that fails (${name}) spends the ticks it executed, stepped or not, tier off and all`, () => {
    const [stepped, r] = sliced(name, "off", 1);
    assert.equal(r.status, "trapped", name);
    // The prologue alone is more than 20 ticks; the failure is past it.
    assert.ok(stepped > 20, `${name}: ${stepped} ticks`);
    const message = r.status === "trapped" ? r.error.message : "";
    for (const tier of ["off", "all"] as const) {
      for (const slice of [1, 2, 3, 5, 13, 1e12]) {
        const [ticks, r2] = sliced(name, tier, slice);
        assert.equal(r2.status, "trapped");
        assert.equal(r2.status === "trapped" && r2.error.message, message);
        assert.equal(ticks, stepped, `${name}, tier ${tier}, slices of ${slice}`);
      }
    }
  });
}

Deno.test("a run that fails spends less than a run to the same place and one tick more", () => {
  // Stepping to one tick before the failure stands at the failing instruction, not failed.
  for (const name of ["div", "copy8", "throw"]) {
    const [stepped] = sliced(name, "off", 1);
    const l = fresh("off");
    const ex = Execution.start(l.machine, l.addr(name), []);
    assert.equal(ex.runFor(stepped - 1).status, "paused");
    assert.equal(l.machine.fuel, 0);
    assert.equal(ex.runFor(1).status, "trapped");
    assert.equal(l.machine.fuel, 0, name);
  }
});
