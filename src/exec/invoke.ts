/**
 * Invocation (spec §4.5.5 "Invocation"): calling a function of the store from the host with
 * raw values, to completion. The call runs on the machine's value stack above whatever is
 * running (a host function called by wasm may invoke again: the nested call uses the stack
 * above the current frame), behind an entry record that ends the loop when it is popped.
 *
 * If the invocation traps, exhausts a resource or lets a wasm exception escape, its frames are
 * added to the error's backtrace (`backtrace.ts`), the machine is restored to its state before
 * the call and the error is rethrown.
 *
 * A suspending host function (`machine.suspending`) cannot be called this way: reaching one
 * is an error (the invocation is abandoned). Executions (execution.ts) support them.
 *
 * Fuel: an invocation that spends the machine's `fuel` stops with Exhaustion("fuel exhausted")
 * and the machine goes back to its state before the call. A host function that calls back
 * under an `Execution`'s budget is not cut: the nested run cannot pause, so it runs to its end
 * and its ticks are taken from the budget afterwards (which may then end below zero: the
 * execution pauses right after the host call). Budgets that pause and go on later
 * (and snapshots in between) are `Execution`'s (execution.ts: `runFor`); a host
 * function's `requestPause` does not stop an invocation.
 *
 * @module
 */

import { Exhaustion } from "../errors.ts";
import type { FuncType } from "../syntax/types.ts";
import { canonType } from "../valid/registry.ts";
import { recordTrace } from "./backtrace.ts";
import { stackViews } from "./calls.ts";
import { DONE, HOST_CALL, run } from "./interp.ts";
import type { Machine } from "./machine.ts";
import { warmUp } from "./warmup.ts";
import { type RawValue, readSlot, slotCount, writeSlot } from "../runtime/values.ts";

/**
 * The most invocations alive at once, nested through host functions that call back into wasm
 * (each nesting costs JS stack, where wasm calls cost none): one more is Exhaustion "call
 * stack exhausted", as wasm recursion gets, before JS's own stack could run out.
 */
export const MAX_NESTING = 200;

/** The fuel a nested run under an Execution's budget gets (see `invoke`): 2^50 ticks. */
const LENT = 2 ** 50;

/**
 * Calls the function at store address `funcAddr` with `args` (raw values per its type) and
 * returns its results.
 *
 * @throws Trap, Exhaustion (also "call stack exhausted" beyond {@linkcode MAX_NESTING} nested
 *   invocations), WasmException (an uncaught wasm exception)
 */
export function invoke(m: Machine, funcAddr: number, args: RawValue[]): RawValue[] {
  const fn = m.store.objects[funcAddr];
  if (fn === undefined || (fn.kind !== "wasm" && fn.kind !== "host")) {
    throw new Error(`invoke: no function at address ${funcAddr}`);
  }
  const ft = canonType(fn.type).comp as FuncType;
  if (args.length !== ft.params.length) {
    throw new Error(`invoke: expected ${ft.params.length} arguments, got ${args.length}`);
  }
  const at = m.top();
  const views = stackViews(m);
  if (fn.kind === "host") {
    const impl = m.hosts.get(funcAddr);
    if (impl === undefined) throw new Error(`host function ${fn.module}.${fn.name} is not bound`);
    return impl(args);
  }
  if (m.nesting >= MAX_NESTING) throw new Exhaustion("call stack exhausted");
  const cf = m.code(funcAddr);
  if (at + cf.frameSize * 2 > m.stackLimit) throw new Exhaustion("call stack exhausted");
  let slot = at >> 1;
  for (let i = 0; i < args.length; i++) {
    writeSlot(views, slot, ft.params[i], args[i]);
    slot += slotCount(ft.params[i]);
  }
  m.i32.fill(0, at + cf.params * 2, at + cf.locals * 2);
  const depth = m.depth;
  const saved = m.status;
  m.pushFrame(m.funcAddr, m.pc, m.fp, true);
  m.funcAddr = funcAddr;
  m.pc = 0;
  m.fp = at;
  // A host function calling back into wasm under an Execution's budget: the nested run
  // cannot pause, so it is not cut; its ticks are taken from the budget afterwards.
  const lend = m.nesting === 0 && saved === "running" && m.fuel < LENT;
  if (lend) {
    m.fuelLent = LENT - m.fuel;
    m.fuel = LENT;
  }
  m.status = "running";
  m.nesting++;
  m.reentry?.enter(funcAddr, args);
  let outOfFuel = false;
  try {
    for (;;) {
      const status = run(m);
      if (status === DONE) break;
      if (status === HOST_CALL) {
        const fn = m.store.objects[m.hostCallee] as { module: string; name: string };
        m.hostCallee = -1;
        throw new Error(
          `host function ${fn.module}.${fn.name} suspends: it cannot be called through invoke`,
        );
      }
      if (m.fuel <= 0) {
        outOfFuel = true;
        throw new Exhaustion("fuel exhausted");
      }
      // A whole slice ran: a long run, worth the warm-up (once per process).
      warmUp();
    }
  } catch (e) {
    // The loop left the state where it failed: the frames of the backtrace (none for a
    // budget that ran out: the program did nothing wrong).
    if (!outOfFuel) recordTrace(m, e, depth);
    restore(m, depth);
    m.status = saved;
    m.nesting--;
    if (lend) spent(m);
    m.reentry?.leave(true);
    // JS's own stack ran out (host functions calling back in, deep enough): the same typed
    // error as wasm's own recursion.
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      throw new Exhaustion("call stack exhausted");
    }
    throw e;
  }
  m.nesting--;
  m.status = saved;
  if (lend) spent(m);
  m.reentry?.leave(false);
  const results: RawValue[] = [];
  slot = at >> 1;
  for (const t of ft.results) {
    results.push(readSlot(views, slot, t));
    slot += slotCount(t);
  }
  return results;
}

/**
 * After a nested run under an Execution's budget (see `invoke`): its ticks were taken from
 * the budget and the fuel lent beyond it; when they were more than the budget had, the
 * Execution pauses right after the host call (its budget then ends below zero).
 */
function spent(m: Machine): void {
  m.fuel -= m.fuelLent;
  m.fuelLent = 0;
  if (m.fuel <= 0) m.requestPause();
}

/** Drops the frames of a failed invocation down to its entry record, which it pops. */
function restore(m: Machine, depth: number): void {
  m.depth = depth + 1;
  m.popFrame();
}
