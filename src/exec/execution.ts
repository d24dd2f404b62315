/**
 * Executions: a call of a function that runs in budgets of ticks (issue 5). An
 * {@linkcode Execution} starts a call on an idle {@linkcode Machine} and advances it with
 * {@linkcode Execution.runFor}, which returns `complete` (with the results), `paused` (the
 * budget is spent; the machine holds every bit of state and the next `runFor` continues exactly
 * there, even mid-block), or `trapped` (a Trap, an Exhaustion or an uncaught WasmException;
 * the machine is idle again).
 *
 * A tick is one executed IR instruction (src/ir/ops.ts says how fused ones count); host
 * functions cost no ticks. Between two `runFor` calls the machine can be snapshotted
 * (src/snapshot); the execution's own state is only `funcAddr`, `at` and `state`.
 *
 * Not here (yet): suspending host functions (`host-call`); the loop calls host functions
 * synchronously, so {@linkcode RunResult}'s `host-call` variant is declared but never returned.
 *
 * Built on `run` (interp.ts) and the machine's fields only.
 *
 * @module
 */

import { WasmError } from "../errors.ts";
import type { FuncType } from "../syntax/types.ts";
import { canonType } from "../valid/registry.ts";
import { stackViews } from "./calls.ts";
import { DONE, run } from "./interp.ts";
import type { Machine } from "./machine.ts";
import { type RawValue, readSlot, slotCount, writeSlot } from "./values.ts";
import { warmUp } from "./warmup.ts";

/** What {@linkcode Execution.runFor} returns. */
export type RunResult =
  | { status: "complete"; results: RawValue[] }
  | { status: "paused" }
  | { status: "trapped"; error: WasmError }
  | {
    /** Reserved: a suspending host function was called (not produced yet). */
    status: "host-call";
    module: string;
    name: string;
    args: RawValue[];
  };

/** The life cycle of an execution. */
export type ExecutionState = "running" | "complete" | "trapped";

/** A call of one function, run in budgets (see the module doc). */
export class Execution {
  /** The machine it runs on. */
  readonly machine: Machine;
  /** The called function's store address. */
  readonly funcAddr: number;
  /** Int32 index of the entry frame (where arguments went and results come back). */
  readonly at: number;
  /** "running" until it completes or traps. */
  state: ExecutionState;
  /** The function's type. */
  readonly type: FuncType;

  private constructor(m: Machine, funcAddr: number, at: number, state: ExecutionState) {
    this.machine = m;
    this.funcAddr = funcAddr;
    this.at = at;
    this.state = state;
    this.type = funcType(m, funcAddr);
  }

  /**
   * Starts a call of the wasm function at store address `funcAddr` with `args` (raw values
   * per its type) on `m`, which must be idle. Nothing runs until {@linkcode runFor}.
   *
   * @throws Error for a bad address, a host function, a wrong argument count or a busy
   *   machine (embedder errors); Exhaustion when the frame does not fit the stack.
   */
  static start(m: Machine, funcAddr: number, args: RawValue[]): Execution {
    if (m.status !== "idle" || m.funcAddr !== -1 || m.depth !== 0) {
      throw new Error("Execution.start: the machine is busy");
    }
    const fn = m.store.objects[funcAddr];
    if (fn === undefined || fn.kind !== "wasm") {
      throw new Error(`Execution.start: no wasm function at address ${funcAddr}`);
    }
    const ft = funcType(m, funcAddr);
    if (args.length !== ft.params.length) {
      throw new Error(
        `Execution.start: expected ${ft.params.length} arguments, got ${args.length}`,
      );
    }
    warmUp();
    const cf = m.code(funcAddr);
    const at = 0;
    const views = stackViews(m);
    let slot = at >> 1;
    for (let i = 0; i < args.length; i++) {
      writeSlot(views, slot, ft.params[i], args[i]);
      slot += slotCount(ft.params[i]);
    }
    m.i32.fill(0, at + cf.params * 2, at + cf.locals * 2);
    m.pushFrame(-1, 0, 0, true);
    m.funcAddr = funcAddr;
    m.pc = 0;
    m.fp = at;
    m.status = "paused";
    return new Execution(m, funcAddr, at, "running");
  }

  /**
   * An execution already under way on `m` (restored from a snapshot): `funcAddr` and `at` as
   * they were. Used by src/snapshot; the caller has checked the machine's state.
   */
  static resume(m: Machine, funcAddr: number, at: number, state: ExecutionState): Execution {
    return new Execution(m, funcAddr, at, state);
  }

  /**
   * Runs at most `ticks` IR instructions (a non-negative integer, or `Infinity`).
   *
   * @throws Error if the execution is over, or when a host function throws something that is
   *   not a WasmError (the machine is idle again then).
   */
  runFor(ticks: number): RunResult {
    if (this.state !== "running") throw new Error(`runFor: the execution is ${this.state}`);
    if (!(ticks >= 0)) throw new Error("runFor: ticks must be >= 0");
    const m = this.machine;
    m.fuel = ticks;
    m.status = "running";
    try {
      for (;;) {
        if (run(m) === DONE) break;
        if (m.fuel <= 0) {
          m.status = "paused";
          return { status: "paused" };
        }
      }
    } catch (e) {
      // The loop may not have saved its depth; the entry record at depth 0 is intact.
      m.depth = 1;
      m.popFrame();
      m.status = "idle";
      this.state = "trapped";
      if (e instanceof WasmError) return { status: "trapped", error: e };
      throw e;
    }
    m.status = "idle";
    this.state = "complete";
    const views = stackViews(m);
    const results: RawValue[] = [];
    let slot = this.at >> 1;
    for (const t of this.type.results) {
      results.push(readSlot(views, slot, t));
      slot += slotCount(t);
    }
    return { status: "complete", results };
  }

  /** Ticks left from the last budget (after `paused`: 0). */
  get fuel(): number {
    return this.machine.fuel;
  }
}

function funcType(m: Machine, addr: number): FuncType {
  const fn = m.store.objects[addr] as { type: number };
  return canonType(fn.type).comp as FuncType;
}
