/**
 * Tests of suspending host calls (machine.suspending, Execution.answer/answerThrow) and their
 * place in snapshots: an execution that calls a suspending import reports `host-call`, is
 * snapshotted, restored into a fresh machine, answered there and completes; tail calls of a
 * suspending import; exceptions raised at the call; invoke refusing a suspending import.
 *
 * @module
 */

import assert from "node:assert/strict";
import { SnapshotError } from "../../src/errors.ts";
import { Execution } from "../../src/exec/execution.ts";
import { invoke } from "../../src/exec/invoke.ts";
import { type Machine, WasmException } from "../../src/exec/machine.ts";
import type { RawValue } from "../../src/runtime/values.ts";
import { allocHostFunc, canonFuncType } from "../../src/runtime/host.ts";
import { restore } from "../../src/snapshot/restore.ts";
import { snapshot } from "../../src/snapshot/snapshot.ts";
import { I32 } from "../../src/syntax/types.ts";
import { load } from "./helpers.ts";

const SRC = `(module
  (import "env" "ask" (func $ask (param i32) (result i32)))
  (tag $e (export "e") (param i32))
  (func (export "go") (param i32) (result i32)
    (i32.add (call $ask (i32.mul (local.get 0) (i32.const 3))) (i32.const 100)))
  (func $inner (param i32) (result i32)
    (return_call $ask (i32.add (local.get 0) (i32.const 1))))
  (func (export "tail") (param i32) (result i32)
    (i32.mul (call $inner (local.get 0)) (i32.const 2)))
  (func (export "tail0") (param i32) (result i32)
    (return_call $ask (local.get 0)))
  (func (export "caught") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $e $h) (drop (call $ask (local.get 0))))
      (i32.const -1))))`;

const never = (): RawValue[] => {
  throw new Error("a suspending host function is never called");
};

/** The module on a fresh machine with env.ask suspending; returns it and ask's address. */
function setup(): { l: ReturnType<typeof load>; ask: number } {
  let ask = -1;
  const l = load(SRC, (m: Machine) => {
    ask = allocHostFunc(m, canonFuncType([I32], [I32]), "env", "ask", never);
    m.suspending.add(ask);
    return [{ kind: "func", addr: ask }];
  });
  return { l, ask };
}

/** Snapshots `ex` and restores it into a fresh machine where env.ask suspends again. */
function roundTrip(ex: Execution, ask: number): Execution {
  const back = restore(snapshot(ex.machine, { execution: ex }), { env: { ask: never } });
  back.machine.suspending.add(ask);
  assert.ok(back.execution !== null);
  return back.execution;
}

Deno.test("host-call: snapshot while pending, restore, answer, complete", () => {
  const { l, ask } = setup();
  const ex = Execution.start(l.machine, l.addr("go"), [7]);
  const r = ex.runFor(Infinity);
  assert.deepEqual(r, { status: "host-call", module: "env", name: "ask", args: [21] });
  assert.equal(l.machine.hostCallee, ask);
  assert.throws(() => ex.runFor(10), /pending/);
  const ex2 = roundTrip(ex, ask);
  assert.equal(ex2.machine.hostCallee, ask);
  assert.equal(ex2.answer([5]), null);
  assert.equal(ex2.machine.hostCallee, -1);
  assert.deepEqual(ex2.runFor(Infinity), { status: "complete", results: [105] });
  assert.throws(() => ex2.answer([1]), /no host call is pending/);
});

Deno.test("host-call: a tail call returns from the calling frame when answered", () => {
  const { l, ask } = setup();
  const ex = Execution.start(l.machine, l.addr("tail"), [4]);
  const r = ex.runFor(Infinity);
  assert.deepEqual(r, { status: "host-call", module: "env", name: "ask", args: [5] });
  assert.equal(l.machine.hostTail, 1);
  const ex2 = roundTrip(ex, ask);
  assert.equal(ex2.answer([30]), null);
  assert.deepEqual(ex2.runFor(Infinity), { status: "complete", results: [60] });
  // A tail call from the entry frame: answering it completes the execution.
  const fresh = setup();
  const ex3 = Execution.start(fresh.l.machine, fresh.l.addr("tail0"), [9]);
  assert.equal(ex3.runFor(Infinity).status, "host-call");
  assert.deepEqual(roundTrip(ex3, ask).answer([11]), { status: "complete", results: [11] });
});

Deno.test("host-call: answerThrow unwinds to a handler, or traps when uncaught", () => {
  const { l } = setup();
  const m = l.machine;
  const tag = l.addr("e");
  const slots = new Uint8Array(8);
  new DataView(slots.buffer).setInt32(0, 42, true);
  m.store.objects.push({ kind: "exn", tag, slots });
  const exn = m.store.objects.length - 1;
  const ex = Execution.start(m, l.addr("caught"), [1]);
  assert.equal(ex.runFor(Infinity).status, "host-call");
  assert.equal(ex.answerThrow(exn), null);
  assert.deepEqual(ex.runFor(Infinity), { status: "complete", results: [42] });
  const ex2 = Execution.start(m, l.addr("go"), [1]);
  assert.equal(ex2.runFor(Infinity).status, "host-call");
  const r = ex2.answerThrow(exn);
  assert.ok(r !== null && r.status === "trapped" && r.error instanceof WasmException);
  assert.equal(m.status, "idle");
  assert.equal(m.hostCallee, -1);
});

Deno.test("host-call: invoke refuses a suspending import; snapshots check the call", () => {
  const { l, ask } = setup();
  assert.throws(() => invoke(l.machine, l.addr("go"), [1]), /suspends/);
  assert.equal(l.machine.depth, 0);
  assert.equal(l.machine.hostCallee, -1);
  const ex = Execution.start(l.machine, l.addr("go"), [1]);
  assert.equal(ex.runFor(Infinity).status, "host-call");
  // A pending call naming a wasm function is rejected on restore.
  l.machine.hostCallee = l.addr("go");
  const bytes = snapshot(l.machine, { execution: ex });
  assert.throws(
    () => restore(bytes, { env: { ask: never } }),
    (e) => e instanceof SnapshotError && /hostCall\.func: not a host function/.test(e.message),
  );
  // The real call travels with its arguments, at its call instruction.
  l.machine.hostCallee = ask;
  const back = restore(snapshot(l.machine, { execution: ex }), { env: { ask: never } });
  assert.equal(back.machine.hostCallee, ask);
  assert.equal(back.machine.hostAt, l.machine.hostAt);
  assert.equal(back.machine.pc, l.machine.pc);
});
