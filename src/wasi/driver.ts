/**
 * The async driver: runs an {@linkcode Execution} of a WASI program so that a WASI call that
 * must wait (standard input with no data yet, a `poll_oneoff` sleep, a socket accept or
 * receive) suspends the machine instead of blocking the thread.
 *
 * How the host knows it may suspend: while {@linkcode drive} runs, the WASI functions that can
 * wait ({@linkcode BLOCKING}: `fd_read`, `poll_oneoff`, `sock_accept`, `sock_recv`, found by
 * import name among the store's host functions) are in `machine.suspending`, so calling one
 * ends `runFor` with status `host-call` and the call pending in the machine. The driver then
 * runs the WASI function itself with the context's `suspendable` flag on: it completes at once
 * when it need not wait (data there, a regular file, deterministic clocks), the driver answers
 * it (`Execution.answer`; the function wrote the guest memory) and the run goes on in the same
 * budget. When it would wait it throws `WouldBlock` before any side effect (`wait.ts`): the
 * driver awaits (`Deno.stdin.read`, a timer), runs it again and answers. Or, when
 * `stopAtWait` says so, returns `waiting` with the call still pending: a snapshot taken then
 * records the machine inside that WASI call, and driving the restored execution (in any
 * process) first runs the pending call again, from that process's standard input.
 *
 * Outside a drive the functions are ordinary host functions again: a plain synchronous call
 * (`instance.exports._start()`, `Wasi.start`) blocks the thread where it must wait, as before.
 *
 * Not handled: a WasmError thrown by the WASI function while the driver runs it (none of the
 * waiting functions traps) propagates out of `drive` with the call left pending.
 *
 * @module
 */

import { type Execution, pendingHostCall, type RunResult } from "../exec/execution.ts";
import type { Machine } from "../exec/machine.ts";
import type { WasiContext } from "./ctx.ts";
import { errnoOf } from "./errno.ts";
import { WASI_MODULES, type WasiFunction } from "./host.ts";
import { type WaitReason, WouldBlock } from "./wait.ts";

export type { WaitReason } from "./wait.ts";

/** The WASI functions that may wait: they suspend while a drive runs. */
export const BLOCKING: ReadonlySet<string> = new Set([
  "fd_read",
  "poll_oneoff",
  "sock_accept",
  "sock_recv",
]);

/** What {@linkcode drive} returns. */
export type DriveResult =
  | RunResult
  | {
    /** Stopped at a wait (`stopAtWait`): the WASI call is pending in the machine. */
    status: "waiting";
    /** What it waits for. */
    reason: WaitReason;
  };

/** Options of {@linkcode drive}. */
export interface DriveOptions {
  /** Ticks to run (default: unbounded); WASI calls cost none, waits included. */
  fuel?: number;
  /**
   * Asked when a WASI call must wait: true stops the drive there (`waiting`, the call
   * pending) instead of waiting. Default: always wait.
   */
  stopAtWait?: (reason: WaitReason) => boolean;
  /**
   * Stops the drive when aborted: checked between slices of {@linkcode SLICE_TICKS} ticks,
   * after the driver let the event loop run (so that signal listeners and timers get their
   * turn), where it ends the drive with `paused` at an instruction boundary, the rest of the
   * budget unspent; and while a WASI call waits, where it ends the drive with `waiting`, the
   * call pending. Without it the budget runs in one piece.
   */
  signal?: AbortSignal;
}

/** Ticks run between two checks of {@linkcode DriveOptions.signal}. */
export const SLICE_TICKS = 1 << 22;

/** A host call: its import names and raw arguments. */
/** The WASI function `module.name`, or null for another host function. */
function wasiFunction(module: string, name: string): WasiFunction | null {
  const table = Object.hasOwn(WASI_MODULES, module) ? WASI_MODULES[module] : undefined;
  return table !== undefined && Object.hasOwn(table, name) ? table[name] : null;
}

/** Adds the store's waiting WASI functions to `m.suspending`; returns those it added. */
function markSuspending(m: Machine): number[] {
  const added: number[] = [];
  const objects = m.store.objects;
  for (let addr = 0; addr < objects.length; addr++) {
    const o = objects[addr];
    if (o.kind !== "host" || !BLOCKING.has(o.name) || m.suspending.has(addr)) continue;
    if (wasiFunction(o.module, o.name) === null) continue;
    m.suspending.add(addr);
    added.push(addr);
  }
  return added;
}

/**
 * Runs `ex` for `fuel` ticks in slices, checking `signal` between them (after a macrotask
 * turn of the event loop); returns as `runFor` does. Between slices and on return the
 * machine's fuel and the deterministic clock's `fuelStart` are as if the budget had run in
 * one piece (during a slice `fuelStart` is moved down by the ticks beyond the slice, so the
 * virtual clocks count the same ticks).
 */
async function runSliced(
  ctx: WasiContext,
  ex: Execution,
  fuel: number,
  signal: AbortSignal,
): Promise<RunResult> {
  const clock = ctx.state.clock;
  for (;;) {
    const slice = Math.min(fuel, SLICE_TICKS);
    const rest = fuel - slice;
    const shift = clock.deterministic && Number.isFinite(rest) ? rest : 0;
    clock.fuelStart -= shift;
    let r: RunResult;
    let left = 0;
    try {
      r = ex.runFor(slice);
    } finally {
      clock.fuelStart += shift;
      left = ex.machine.fuel;
      ex.machine.fuel += rest;
    }
    // Paused at the end of a slice, with budget left: a boundary to check for interrupts.
    if (r.status !== "paused" || rest === 0 || left > 0) return r;
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (signal.aborted) return r;
    fuel = rest;
  }
}

/**
 * Awaits `wait`; true when it settled, false when `signal` was aborted first (the wait goes
 * on unobserved; a retry would wait again).
 */
function waitUnlessAborted(wait: Promise<void>, signal?: AbortSignal): Promise<boolean> {
  if (signal === undefined) return wait.then(() => true);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(false);
    signal.addEventListener("abort", onAbort, { once: true });
    wait.then(() => resolve(true), reject).finally(() =>
      signal.removeEventListener("abort", onAbort)
    );
  });
}

/** Runs `f` (a WASI call) in suspendable mode: its errno, or the WouldBlock it threw. */
function attempt(ctx: WasiContext, f: () => number): number | WouldBlock {
  ctx.suspendable = true;
  try {
    return f();
  } catch (e) {
    if (e instanceof WouldBlock) return e;
    return errnoOf(e); // rethrows a WasmError
  } finally {
    ctx.suspendable = false;
  }
}

/**
 * Runs `ex` (an execution of a program whose WASI functions work in `ctx`) for `fuel` ticks,
 * answering the WASI calls that wait asynchronously (see the module doc). Returns the
 * execution's result (`complete`, `paused`, `trapped`), `waiting` (stopped at a wait), or
 * `host-call` for a suspending host function that is not WASI's (answer it, then drive again).
 * A call pending in the machine when it starts (a restored snapshot) is completed first.
 *
 * @throws Error if the execution is over; what a failing wait throws.
 */
export async function drive(
  ctx: WasiContext,
  ex: Execution,
  options: DriveOptions = {},
): Promise<DriveResult> {
  if (ex.state !== "running") throw new Error(`drive: the execution is ${ex.state}`);
  const m = ex.machine;
  const added = markSuspending(m);
  try {
    let fuel = options.fuel ?? Infinity;
    let call = pendingHostCall(m);
    for (;;) {
      if (call === null) {
        const r = options.signal === undefined
          ? ex.runFor(fuel)
          : await runSliced(ctx, ex, fuel, options.signal);
        if (r.status !== "host-call") return r;
        fuel = ex.fuel;
        call = pendingHostCall(m)!;
      }
      const w = wasiFunction(call.module, call.name);
      if (w === null || !w.result) return { status: "host-call", ...ex.pendingCall()! };
      const args = call.args;
      const again = () => w.fn(ctx, ...args);
      let outcome = attempt(ctx, again);
      while (outcome instanceof WouldBlock) {
        if (options.stopAtWait?.(outcome.reason) || options.signal?.aborted) {
          return { status: "waiting", reason: outcome.reason };
        }
        if (!await waitUnlessAborted(outcome.wait(), options.signal)) {
          return { status: "waiting", reason: outcome.reason };
        }
        outcome = attempt(ctx, outcome.retry ?? again);
      }
      call = null;
      const done = ex.answer([outcome]);
      if (done !== null) return done;
    }
  } finally {
    for (const addr of added) m.suspending.delete(addr);
  }
}
