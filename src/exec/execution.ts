/**
 * Executions: a call of a function that runs in budgets of ticks (issue 5). An
 * {@linkcode Execution} starts a call on an idle {@linkcode Machine} and advances it with
 * {@linkcode Execution.runFor}, which returns `complete` (with the results), `paused` (the
 * budget is spent; the machine holds every bit of state and the next `runFor` continues exactly
 * there, even mid-block), or `trapped` (a Trap, an Exhaustion or an uncaught WasmException;
 * the machine is idle again, and the budget has paid for the failing instruction and those
 * before it, as many ticks as the run stepped one tick at a time takes).
 *
 * A tick is one executed IR instruction (src/ir/ops.ts says how fused ones count); host
 * functions cost no ticks. Between two `runFor` calls the machine can be snapshotted
 * (src/snapshot); the execution's own state is only `funcAddr`, `at` and `state`.
 *
 * Suspending host functions (the addresses in `machine.suspending`): calling one ends the
 * budget with `host-call` (its module and field names and its arguments); the machine is then
 * paused with the call pending (and may be snapshotted), and the embedder answers it with
 * {@linkcode Execution.answer} (the results) or {@linkcode Execution.answerThrow} (an
 * exception raised at the call) before running on; meanwhile it may call back into wasm
 * ({@linkcode Execution.callBack}: the nested call runs in budgets like the rest, and may be
 * stopped anywhere; a snapshot taken then does not hold the call backs under way). Other host
 * functions are called synchronously inside the budget; one that calls back into wasm
 * (`invoke`) runs the nested call to its end, which may overrun the budget (see invoke.ts).
 *
 * Built on `run` (interp.ts) and the machine's fields only.
 *
 * @module
 */

import { recordTrace } from "./backtrace.ts";
import { Exhaustion, WasmError } from "../errors.ts";
import type { ExnObj, HostFunc } from "../runtime/store.ts";
import type { FuncType, ValType } from "../syntax/types.ts";
import { canonType } from "../valid/registry.ts";
import { funcTypeOf, stackViews } from "./calls.ts";
import { exnArgs, unwind } from "./exceptions.ts";
import { DONE, HOST_CALL, run, YIELDED } from "./interp.ts";
import { type Machine, WasmException } from "./machine.ts";
import { type RawValue, readSlot, slotCount, writeSlot } from "../runtime/values.ts";
import { warmUp } from "./warmup.ts";

/**
 * What {@linkcode Execution.runFor} returns. Results and host-call arguments are raw values
 * (src/exec/values.ts: f32 bits, references as store addresses), or JS values for an
 * execution with {@linkcode Execution.values} set (one started by `Runtime.start`, or
 * restored by the API's `restore`), converted as an exported function's results are.
 */
export type RunResult =
  | {
    /** The call returned. */
    status: "complete";
    /** Its results (raw, or JS values: see {@linkcode RunResult}). */
    results: unknown[];
  }
  | { status: "paused" }
  | { status: "trapped"; error: WasmError }
  | {
    /**
     * A call back ({@linkcode Execution.callBack}) ended: it returned `results` (raw
     * values), or failed with `error` (`results` null then). The host call that made it is
     * pending again.
     */
    status: "returned";
    /** Its results (raw), or null when it failed. */
    results: RawValue[] | null;
    /** What it failed with (a Trap, an Exhaustion, a WasmException...). */
    error?: unknown;
  }
  | {
    /** A suspending host function was called: answer it, then run on. */
    status: "host-call";
    /** Its import module name. */
    module: string;
    /** Its import field name. */
    name: string;
    /** Its arguments (raw, or JS values: see {@linkcode RunResult}). */
    args: unknown[];
  };

/**
 * How an execution hands values to its embedder and takes them back: `out` converts a raw
 * value of (canonical) type `t` for a result or a host call's argument, `into` converts an
 * answer's value back. The embedding API's runtime provides one (src/api/convert.ts).
 */
export interface ValueConversion {
  /** A raw value of type `t` as the embedder's value. */
  out(raw: RawValue, t: ValType): unknown;
  /** The embedder's value as a raw value of type `t`. */
  into(value: unknown, t: ValType): RawValue;
}

/** The life cycle of an execution. */
export type ExecutionState = "running" | "complete" | "trapped";

/** A call of one function, run in budgets (see the module doc). */
export class Execution {
  /**
   * The machine it runs on.
   *
   * @internal
   */
  readonly machine: Machine;
  /** The called function's store address. */
  readonly funcAddr: number;
  /** Int32 index of the entry frame (where arguments went and results come back). */
  readonly at: number;
  /** "running" until it completes or traps. */
  state: ExecutionState;
  /** The function's type. */
  readonly type: FuncType;
  /**
   * How results, host-call arguments and answers are converted (null: raw values, as the
   * engine keeps them). `Runtime.start` sets it to the JS API's conversions.
   */
  values: ValueConversion | null = null;

  /**
   * The call backs under way, innermost last: each the pending host call it was made from
   * (`callee`, `at`, `tail`: the machine's `host*` fields), the call-stack depth of its entry
   * record, its function and where its frame is.
   *
   * @internal
   */
  readonly callBacks: {
    callee: number;
    hostAt: number;
    tail: number;
    depth: number;
    func: number;
    at: number;
  }[] = [];

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
    const at = 0;
    writeFrame(m, "Execution.start", funcAddr, args, at);
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
   * Runs at most `ticks` IR instructions (a non-negative integer, or `Infinity`). Answers
   * `paused` when they are spent, or earlier when a host function called synchronously asked
   * for it (`Machine.requestPause`: the machine then stands after that call).
   *
   * @throws Error if the execution is over, or when a host function throws something that is
   *   not a WasmError (the machine is idle again then).
   */
  runFor(ticks: number): RunResult {
    if (this.state !== "running") throw new Error(`runFor: the execution is ${this.state}`);
    if (!(ticks >= 0)) throw new Error("runFor: ticks must be >= 0");
    const m = this.machine;
    if (m.hostCallee >= 0) throw new Error("runFor: a host call is pending (answer it first)");
    m.fuel = ticks;
    m.status = "running";
    m.pauseRequested = false;
    try {
      for (;;) {
        const status = run(m);
        if (status === DONE) {
          if (this.callBacks.length > 0) return this.returned(null);
          break;
        }
        if (status === HOST_CALL) {
          m.status = "paused";
          return { status: "host-call", ...this.pendingCall()! };
        }
        if (status === YIELDED || m.fuel <= 0) {
          m.status = "paused";
          return { status: "paused" };
        }
        // A whole slice ran: a long run, worth the warm-up (once per process).
        warmUp();
      }
    } catch (e) {
      if (this.callBacks.length > 0) return this.returned(e);
      const r = this.fail(e);
      if (r !== null) return r;
      throw e;
    }
    return this.complete();
  }

  /**
   * Calls back into wasm while a host call is pending (as a host function does through
   * `invoke`, but as part of this execution, in budgets): starts a call of the wasm function
   * at `funcAddr` with `args` (raw values) above the frame that made the host call, where
   * `invoke` would place it. {@linkcode runFor} runs it; when it ends, `runFor` answers
   * `returned` and the host call is pending again (to call back again, or to answer). A
   * debugger's replay drives a host function that called back this way
   * (src/debug/recording.ts).
   *
   * @throws Error if no host call is pending, for a bad address or argument count;
   *   Exhaustion when the frame does not fit the stack.
   */
  callBack(funcAddr: number, args: readonly RawValue[]): void {
    const m = this.pending("callBack");
    const at = m.top();
    writeFrame(m, "callBack", funcAddr, args, at);
    this.callBacks.push({
      callee: m.hostCallee,
      hostAt: m.hostAt,
      tail: m.hostTail,
      depth: m.depth,
      func: funcAddr,
      at,
    });
    clearHostCall(m);
    m.pushFrame(m.funcAddr, m.pc, m.fp, true);
    m.funcAddr = funcAddr;
    m.pc = 0;
    m.fp = at;
  }

  /**
   * Forgets the call backs under way (the machine's state was replaced, by a checkpoint
   * taken outside any).
   *
   * @internal
   */
  dropCallBacks(): void {
    this.callBacks.length = 0;
  }

  /** The innermost call back ended (`e`: what it failed with, or null): `returned`. */
  private returned(e: unknown): RunResult {
    const m = this.machine;
    const c = this.callBacks.pop()!;
    let results: RawValue[] | null = null;
    if (e === null) {
      // Its entry record was popped: the machine stands at the host call again.
      results = [];
      const views = stackViews(m);
      let slot = c.at >> 1;
      for (const t of funcType(m, c.func).results) {
        results.push(readSlot(views, slot, t));
        slot += slotCount(t);
      }
    } else {
      // As `invoke` leaves a failed call: down to its entry record, which is popped.
      m.depth = c.depth + 1;
      m.popFrame();
    }
    m.hostCallee = c.callee;
    m.hostAt = c.hostAt;
    m.hostTail = c.tail;
    m.status = "paused";
    return e === null ? { status: "returned", results } : { status: "returned", results, error: e };
  }

  /**
   * Ends the execution as if the pending host function threw `e` (not a wasm exception: see
   * {@linkcode answerThrow}): its `trapped` result for a WasmError.
   *
   * @throws `e` when it is not a WasmError (the machine is idle again then), Error if no host
   *   call is pending.
   */
  answerError(e: unknown): RunResult {
    this.pending("answerError");
    clearHostCall(this.machine);
    const r = this.fail(e);
    if (r !== null) return r;
    throw e;
  }

  /**
   * Answers the pending host call with its `results` (raw values per its type, or the
   * embedder's values when {@linkcode values} is set and `raw` is not). For a tail
   * call this also returns from the calling frame; when that ends the execution, returns its
   * `complete` result. Otherwise returns null: continue with {@linkcode runFor}.
   *
   * @throws Error if no host call is pending or the result count is wrong.
   */
  answer(results: readonly unknown[], raw = false): RunResult | null {
    const m = this.pending("answer");
    const ft = funcTypeOf(m, m.hostCallee);
    if (results.length !== ft.results.length) {
      throw new Error(`answer: expected ${ft.results.length} results, got ${results.length}`);
    }
    const views = stackViews(m);
    let slot = m.hostAt >> 1;
    const conv = raw ? null : this.values;
    for (let i = 0; i < results.length; i++) {
      const t = ft.results[i];
      writeSlot(views, slot, t, conv === null ? results[i] as RawValue : conv.into(results[i], t));
      slot += slotCount(t);
    }
    const tail = m.hostTail === 1;
    clearHostCall(m);
    if (tail && m.popFrame()) return this.complete();
    return null;
  }

  /**
   * Answers the pending host call by raising exception `exn` (an exception object's address,
   * or a {@linkcode WasmException}) at the call: it unwinds to the wasm handler that catches
   * it and returns null (continue with {@linkcode runFor}), or, caught nowhere, ends the
   * execution and returns the `trapped` result (a WasmException).
   *
   * @throws Error if no host call is pending or `exn` is not an exception object.
   */
  answerThrow(exn: number | WasmException): RunResult | null {
    const m = this.pending("answerThrow");
    const addr = typeof exn === "number" ? exn : exn.exn;
    const obj = m.store.objects[addr] as ExnObj | undefined;
    if (obj === undefined || obj.kind !== "exn") {
      throw new Error(`answerThrow: no exception object at address ${addr}`);
    }
    const tail = m.hostTail === 1;
    clearHostCall(m);
    try {
      if (tail) {
        // The exception is raised in the caller of the tail-calling frame.
        if (m.atEntry()) throw new WasmException(obj.tag, exnArgs(m, addr), addr);
        m.popFrame();
      }
      unwind(m, addr, m.pc - 1);
    } catch (e) {
      const r = this.fail(e);
      if (r !== null) return r;
      throw e;
    }
    return null;
  }

  /** The machine, checked to have a host call pending. */
  private pending(what: string): Machine {
    if (this.state !== "running" || this.machine.hostCallee < 0) {
      throw new Error(`${what}: no host call is pending`);
    }
    return this.machine;
  }

  /** Ends the execution after `e` was thrown; its `trapped` result (null: not a WasmError). */
  private fail(e: unknown): RunResult | null {
    const m = this.machine;
    recordTrace(m, e, 0);
    // Back to the entry record at depth 0, which is intact.
    m.depth = 1;
    m.popFrame();
    m.status = "idle";
    clearHostCall(m);
    this.state = "trapped";
    return e instanceof WasmError ? { status: "trapped", error: e } : null;
  }

  /** Ends the execution (its entry record was popped): the `complete` result. */
  private complete(): RunResult {
    const m = this.machine;
    m.status = "idle";
    this.state = "complete";
    const views = stackViews(m);
    const results: unknown[] = [];
    const conv = this.values;
    let slot = this.at >> 1;
    for (const t of this.type.results) {
      const raw = readSlot(views, slot, t);
      results.push(conv === null ? raw : conv.out(raw, t));
      slot += slotCount(t);
    }
    return { status: "complete", results };
  }

  /**
   * The host call pending in the machine (its module, name and arguments, converted by
   * {@linkcode values} when set), or null when none is.
   */
  pendingCall(): { module: string; name: string; args: unknown[] } | null {
    const call = pendingHostCall(this.machine);
    const conv = this.values;
    if (call === null || conv === null) return call;
    const params = funcTypeOf(this.machine, this.machine.hostCallee).params;
    return { ...call, args: call.args.map((a, i) => conv.out(a, params[i])) };
  }

  /**
   * Ticks left from the last budget (after `paused`: 0, or below 0 when a host function's
   * call back through `invoke` ran past the budget's end).
   */
  get fuel(): number {
    return this.machine.fuel;
  }
}

/**
 * Writes the frame of a call of the wasm function at `funcAddr` at Int32 index `at` of the
 * value stack: `args` (raw values per its type) in its parameters, its other locals zero.
 * `who` names the caller in the errors (a bad address or argument count; Exhaustion when the
 * frame does not fit the stack).
 */
function writeFrame(
  m: Machine,
  who: string,
  funcAddr: number,
  args: readonly RawValue[],
  at: number,
): void {
  const fn = m.store.objects[funcAddr];
  if (fn === undefined || fn.kind !== "wasm") {
    throw new Error(`${who}: no wasm function at address ${funcAddr}`);
  }
  const ft = funcType(m, funcAddr);
  if (args.length !== ft.params.length) {
    throw new Error(`${who}: expected ${ft.params.length} arguments, got ${args.length}`);
  }
  const cf = m.code(funcAddr);
  if (at + cf.frameSize * 2 > m.stackLimit) throw new Exhaustion("call stack exhausted");
  const views = stackViews(m);
  let slot = at >> 1;
  for (let i = 0; i < args.length; i++) {
    writeSlot(views, slot, ft.params[i], args[i]);
    slot += slotCount(ft.params[i]);
  }
  m.i32.fill(0, at + cf.params * 2, at + cf.locals * 2);
}

function funcType(m: Machine, addr: number): FuncType {
  const fn = m.store.objects[addr] as { type: number };
  return canonType(fn.type).comp as FuncType;
}

/** Forgets the machine's pending host call (a snapshot then records none). */
function clearHostCall(m: Machine): void {
  m.hostCallee = -1;
  m.hostAt = 0;
  m.hostTail = 0;
}

/** A host call pending in a machine: the function's module and name, and its arguments. */
export interface HostCall {
  module: string;
  name: string;
  args: RawValue[];
}

/** The host call pending in `m` (`hostCallee`), or null when none is. */
export function pendingHostCall(m: Machine): HostCall | null {
  if (m.hostCallee < 0) return null;
  const fn = m.store.objects[m.hostCallee] as HostFunc;
  const views = stackViews(m);
  const args: RawValue[] = [];
  let slot = m.hostAt >> 1;
  for (const t of funcTypeOf(m, m.hostCallee).params) {
    args.push(readSlot(views, slot, t));
    slot += slotCount(t);
  }
  return { module: fn.module, name: fn.name, args };
}
