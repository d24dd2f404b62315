/**
 * Tests of src/exec/execution.ts: budgets of ticks (`paused` resumes exactly), completion,
 * traps and uncaught exceptions as `trapped`, and tick counts equal however a run is sliced.
 *
 * @module
 */

import assert from "node:assert/strict";
import { Exhaustion, Trap } from "../../src/errors.ts";
import { Execution } from "../../src/exec/execution.ts";
import { WasmException } from "../../src/exec/machine.ts";
import { invoke } from "../../src/exec/invoke.ts";
import { allocHostFunc, canonFuncType } from "../../src/runtime/host.ts";
import { I32 } from "../../src/syntax/types.ts";
import { kernel, load, runWhole } from "../snapshot/helpers.ts";

const LOOP = `(module
  (func (export "sum") (param $n i32) (result i32) (local $s i32)
    (block $done (loop $l
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $s (i32.add (local.get $s) (local.get $n)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $l)))
    (local.get $s))
  (func (export "div") (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0)))
  (func $rec (export "rec") (call $rec))
  (tag $e (param i32))
  (func (export "throw") (throw $e (i32.const 7))))`;

Deno.test("runFor completes, or pauses when the budget is spent and resumes exactly", () => {
  const l = load(LOOP);
  const whole = runWhole(l, "sum", [1000]);
  assert.deepEqual(whole.results, [500500]);
  for (const slice of [1, 7, 100, 1000]) {
    const ex = Execution.start(l.machine, l.addr("sum"), [1000]);
    let ticks = 0, r = ex.runFor(slice);
    while (r.status === "paused") {
      assert.equal(l.machine.fuel, 0);
      ticks += slice;
      r = ex.runFor(slice);
    }
    assert.equal(r.status, "complete");
    ticks += slice - l.machine.fuel;
    assert.equal(ticks, whole.ticks, `slice ${slice}`);
    assert.deepEqual(r.status === "complete" && r.results, [500500]);
    assert.equal(ex.state, "complete");
    assert.throws(() => ex.runFor(1), /complete/);
  }
});

Deno.test("runFor(0) makes no progress; the machine is idle after completion", () => {
  const l = load(LOOP);
  const ex = Execution.start(l.machine, l.addr("sum"), [3]);
  assert.equal(ex.runFor(0).status, "paused");
  assert.equal(l.machine.status, "paused");
  assert.throws(() => Execution.start(l.machine, l.addr("sum"), [3]), /busy/);
  assert.deepEqual(ex.runFor(Infinity), { status: "complete", results: [6] });
  assert.equal(l.machine.status, "idle");
  assert.equal(l.machine.funcAddr, -1);
  assert.equal(l.machine.depth, 0);
});

Deno.test("traps, exhaustion and uncaught exceptions are `trapped`; the machine is idle again", () => {
  const l = load(LOOP);
  const cases: [string, RegExp, new (...a: never[]) => Error][] = [
    ["div", /integer divide by zero/, Trap],
    ["rec", /call stack exhausted/, Exhaustion],
    ["throw", /uncaught exception/, WasmException],
  ];
  for (const [name, message, type] of cases) {
    const ex = Execution.start(l.machine, l.addr(name), name === "div" ? [0] : []);
    let r = ex.runFor(1000);
    while (r.status === "paused") r = ex.runFor(1000);
    assert.equal(r.status, "trapped");
    if (r.status !== "trapped") continue;
    assert.ok(r.error instanceof type, name);
    assert.match(r.error.message, message);
    assert.equal(ex.state, "trapped");
    assert.equal(l.machine.status, "idle");
    assert.equal(l.machine.depth, 0);
  }
  // The machine still works.
  assert.deepEqual(runWhole(l, "sum", [4]).results, [10]);
});

Deno.test("a kernel gives the same result and ticks in slices as in one run", () => {
  const l = load(kernel("fib"));
  const whole = runWhole(l, "run", [15]);
  assert.deepEqual(whole.results, [610]);
  const ex = Execution.start(l.machine, l.addr("run"), [15]);
  let ticks = 0, r = ex.runFor(333);
  while (r.status === "paused") {
    ticks += 333;
    r = ex.runFor(333);
  }
  ticks += 333 - l.machine.fuel;
  assert.deepEqual(r, { status: "complete", results: [610] });
  assert.equal(ticks, whole.ticks);
});

Deno.test("a budget of exactly the run's ticks completes; one less pauses", () => {
  const l = load(LOOP);
  const { ticks } = runWhole(l, "sum", [50]);
  const a = Execution.start(l.machine, l.addr("sum"), [50]);
  assert.deepEqual(a.runFor(ticks), { status: "complete", results: [1275] });
  assert.equal(l.machine.fuel, 0);
  const b = Execution.start(l.machine, l.addr("sum"), [50]);
  assert.equal(b.runFor(ticks - 1).status, "paused");
  assert.deepEqual(b.runFor(1), { status: "complete", results: [1275] });
});

Deno.test("a host function calling back into wasm under a budget: the nested run is not cut", () => {
  // `twice` calls host `h`, which invokes `sum`, a loop of some 4000 ticks: a budget far
  // smaller ends right after the host call (below zero), and the run goes on from there.
  const wat = `(module
    (import "env" "h" (func $h (param i32) (result i32)))
    ${LOOP.slice(LOOP.indexOf("(func"), LOOP.lastIndexOf(")"))}
    (func (export "twice") (param i32) (result i32)
      (i32.add (call $h (local.get 0)) (call $h (i32.add (local.get 0) (i32.const 1))))))`;
  const run = (slice: number) => {
    let sum = 0;
    const l = load(wat, (m) => [{
      kind: "func",
      addr: allocHostFunc(m, canonFuncType([I32], [I32]), "env", "h", (args) => {
        return invoke(m, sum, [args[0]]);
      }),
    }]);
    sum = l.addr("sum");
    const ex = Execution.start(l.machine, l.addr("twice"), [1000]);
    let ticks = 0, r = ex.runFor(slice), budgets = 1;
    for (; r.status === "paused"; budgets++) {
      ticks += slice - l.machine.fuel;
      r = ex.runFor(slice);
    }
    ticks += slice - l.machine.fuel;
    return { r, ticks, budgets };
  };
  const whole = run(1e9);
  assert.deepEqual(whole.r, { status: "complete", results: [500500 + 501501] });
  assert.ok(whole.ticks > 8000);
  for (const slice of [1, 5, 100]) {
    const { r, ticks, budgets } = run(slice);
    assert.deepEqual(r, whole.r, `slices of ${slice}`);
    assert.equal(ticks, whole.ticks, `slices of ${slice}`);
    // Each host call ends its budget late; the rest goes by slices.
    assert.ok(budgets < 8000 / slice, `${budgets} budgets of ${slice}`);
  }
});
