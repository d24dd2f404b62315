/**
 * Runs in budgets, for the CLI (issues 5, 6): `gab run --fuel N --snapshot-out FILE` runs the
 * program as an {@linkcode Execution} and, when the budget runs out, writes a snapshot and
 * ends with status {@linkcode STATUS_PAUSED} (75, EX_TEMPFAIL); `gab resume FILE` restores one
 * in a new process and goes on, with the same output as an uninterrupted run.
 *
 * The snapshot's host state is `{ wasi: WasiState }` for a WASI program (else null). On
 * resume the WASI functions are bound again by name to a WASI host recreated from that state
 * (`createWasi({ state })`), so output written before the snapshot is not written again and
 * file offsets continue; the guest memory is the `memory` export of the last instance that
 * imports WASI. Other host functions cannot be resumed by the CLI (SnapshotError "host
 * function M.N is not bound").
 *
 * Deterministic WASI clocks count executed ticks: the state's `clock.fuelStart` is moved on
 * resume so that the ticks of earlier budgets still count.
 *
 * A WASI program runs through the async driver (`wasi/driver.ts`): a WASI call that must wait
 * suspends the machine and is awaited. With `snapshotOnStdinWait` (`--snapshot-on-stdin-wait`)
 * a wait for standard input with no data yet also ends the run with a snapshot (status 75)
 * that holds the machine inside that `fd_read` (or `poll_oneoff`); `gab resume` runs the
 * pending call again first, reading the resuming process's standard input. Bytes the first
 * process read ahead but the guest did not consume yet travel in the WASI state.
 *
 * Not here: snapshots during instantiation (a start function that spends the budget is an
 * Exhaustion error), and snapshots inside other host functions.
 *
 * @module
 */

import { Runtime, type WasmInstance } from "../api/runtime.ts";
import type { CompiledModule } from "../api/module.ts";
import { Exhaustion, LinkError, SnapshotError } from "../errors.ts";
import { Execution } from "../exec/execution.ts";
import type { Machine } from "../exec/machine.ts";
import type { HostImpl, RawValue } from "../exec/values.ts";
import { funcTypeOf } from "../runtime/link.ts";
import { type HostBindings, restore } from "../snapshot/restore.ts";
import { snapshot } from "../snapshot/snapshot.ts";
import type { FuncType } from "../syntax/types.ts";
import { canonType } from "../valid/registry.ts";
import {
  createWasi,
  importsWasi,
  ProcExit,
  type Wasi,
  WasiConfigError,
  type WasiState,
} from "../wasi/api.ts";
import { bind, WASI_MODULES } from "../wasi/host.ts";
import { UsageError } from "./args.ts";
import {
  formatResult,
  initializeReactor,
  parseArg,
  type RunOptions,
  type RunResult,
  wasiOptions,
} from "./run.ts";

/** The exit status of a run whose budget ran out after writing a snapshot (EX_TEMPFAIL). */
export const STATUS_PAUSED = 75;

/** Options of the sliced runs: a budget and where a snapshot goes when it runs out. */
export interface SliceOptions {
  /** Ticks this process may run (default: unbounded). */
  fuel?: number;
  /** Where to write the snapshot when the budget runs out (without it: Exhaustion). */
  snapshotOut?: string;
  /**
   * Also write the snapshot (status 75) when the program waits for standard input that has
   * no data yet, the `fd_read` or `poll_oneoff` pending (needs `snapshotOut`).
   */
  snapshotOnStdinWait?: boolean;
  /**
   * Told the snapshot's path when one is written, and why: the fuel ran out, or the program
   * waits for standard input (the CLI prints it on stderr).
   */
  onSnapshot?: (path: string, why: "fuel" | "stdin") => void;
}

/**
 * Ticks for a budget: finite when deterministic WASI clocks count them (`done` ticks ran in
 * earlier budgets; the clock's `fuelStart` must stay a safe integer).
 */
function budgetOf(fuel: number | undefined, wasi: Wasi | null, done = 0): number {
  if (fuel !== undefined) return fuel;
  return wasi?.state.clock.deterministic ? Number.MAX_SAFE_INTEGER - done : Infinity;
}

/**
 * Runs a validated module as `gab run` does, but as an Execution in one budget that may end
 * in a snapshot (see the module doc). Returns the lines to print and the exit status.
 */
export async function runSliced(
  compiled: CompiledModule,
  args: readonly string[],
  options: RunOptions & SliceOptions,
): Promise<RunResult> {
  const wasi = importsWasi(compiled)
    ? createWasi(wasiOptions(options.invoke === undefined ? args : [], options))
    : null;
  const runtime = new Runtime({ fuel: options.fuel });
  const instance = runtime.instantiate(compiled, wasi?.imports(compiled) ?? {});
  const name = options.invoke ?? "_start";
  const ev = runtime.store.instances[instance.index].exports.get(name);
  if (ev === undefined || ev.kind !== "func") {
    if (options.invoke !== undefined) {
      throw new UsageError(`the module has no exported function '${name}'`);
    }
    if (wasi !== null) throw new LinkError("the module exports no _start function");
    return { lines: [], status: 0 };
  }
  const ft = canonType(funcTypeOf(runtime.store, ev.addr)).comp as FuncType;
  const callArgs = options.invoke === undefined ? [] : args;
  if (callArgs.length !== ft.params.length) {
    const n = ft.params.length;
    throw new UsageError(`'${name}' takes ${n} argument${n === 1 ? "" : "s"}, got ${args.length}`);
  }
  const raw: RawValue[] = callArgs.map((a, i) => parseArg(a, ft.params[i]));
  if (runtime.store.objects[ev.addr].kind !== "wasm") {
    throw new UsageError(`'${name}' is a host function: it cannot run in budgets`);
  }
  wasi?.bind(instance);
  const exit = options.invoke === undefined ? null : initializeReactor(runtime, instance.index);
  if (exit !== null) {
    wasi?.close();
    return { lines: [], status: exit };
  }
  // What instantiation (and a reactor's _initialize) left of the budget.
  const left = options.fuel === undefined ? undefined : runtime.fuel;
  const budget = budgetOf(left, wasi);
  if (wasi !== null) wasi.state.clock.fuelStart = budget;
  const ex = Execution.start(runtime.machine, ev.addr, raw);
  return await finish(ex, wasi, budget, options);
}

/**
 * Runs `ex` for `budget` ticks (a WASI program through the async driver, `wasi/driver.ts`):
 * its results as lines (status 0), the guest's exit status, a snapshot (status 75) or a
 * thrown error.
 */
async function finish(
  ex: Execution,
  wasi: Wasi | null,
  budget: number,
  options: SliceOptions,
): Promise<RunResult> {
  try {
    const stopAtWait = options.snapshotOnStdinWait && options.snapshotOut !== undefined
      ? (reason: string) => reason === "stdin"
      : undefined;
    const r = wasi === null
      ? ex.runFor(budget)
      : await wasi.drive(ex, { fuel: budget, stopAtWait });
    switch (r.status) {
      case "complete":
        return { lines: r.results.map((v, i) => formatResult(v, ex.type.results[i])), status: 0 };
      case "paused":
      case "waiting": {
        if (options.snapshotOut === undefined) throw new Exhaustion("fuel exhausted");
        const host = wasi === null ? null : { wasi: wasi.state };
        Deno.writeFileSync(options.snapshotOut, snapshot(ex.machine, { execution: ex, host }));
        options.onSnapshot?.(options.snapshotOut, r.status === "paused" ? "fuel" : "stdin");
        return { lines: [], status: STATUS_PAUSED };
      }
      case "trapped":
        if (r.error instanceof ProcExit) return { lines: [], status: r.error.code };
        throw r.error;
      default:
        throw new Error(`unexpected run result ${r.status}`);
    }
  } finally {
    wasi?.close();
  }
}

/** Options of {@linkcode resumeSnapshot}: the budget, and WASI's standard streams. */
export interface ResumeOptions extends SliceOptions {
  /** WASI's standard streams (default: the process's own). */
  stdio?: RunOptions["stdio"];
}

/**
 * Restores snapshot `bytes` (which must hold a running execution) and runs it on for the
 * budget, as `gab resume` does: the same results, output and status as an uninterrupted
 * run, or status 75 and a new snapshot when the budget runs out again.
 *
 * @throws SnapshotError for a bad snapshot or one this host cannot resume.
 */
export async function resumeSnapshot(
  bytes: Uint8Array,
  options: ResumeOptions = {},
): Promise<RunResult> {
  let wasi: Wasi | null = null;
  const bound: Record<string, Record<string, HostImpl>> = {};
  const bindings: HostBindings = {};
  for (const [module, table] of Object.entries(WASI_MODULES)) {
    const late: Record<string, HostImpl> = bindings[module] = {};
    for (const name of Object.keys(table)) {
      late[name] = (args) => bound[module][name](args);
    }
  }
  const { machine, execution, host } = restore(bytes, bindings);
  if (execution === null || execution.state !== "running") {
    throw new SnapshotError("the snapshot holds no execution under way");
  }
  const runtime = new Runtime({ machine });
  const wasiInstance = findWasiInstance(runtime);
  const state = wasiStateOf(host);
  if (state !== null || wasiInstance !== null) {
    try {
      wasi = createWasi({ state: state ?? undefined, ...options.stdio });
    } catch (e) {
      if (e instanceof WasiConfigError) throw e; // a preopened directory that is gone
      throw new SnapshotError(`the snapshot's WASI state is bad: ${(e as Error)?.message ?? e}`);
    }
    for (const [module, table] of Object.entries(WASI_MODULES)) {
      bound[module] = {};
      for (const [name, w] of Object.entries(table)) bound[module][name] = bind(wasi.ctx, w);
    }
  }
  const done = wasi === null ? 0 : wasi.state.clock.fuelStart - fuelOf(machine);
  if (wasi !== null && wasiInstance !== null) wasi.bind(wasiInstance);
  const budget = budgetOf(options.fuel, wasi, done);
  if (wasi !== null) wasi.state.clock.fuelStart = done + budget;
  return await finish(execution, wasi, budget, options);
}

function fuelOf(m: Machine): number {
  return Number.isFinite(m.fuel) ? m.fuel : 0;
}

/** The WASI state in a snapshot's host state `{ wasi }`, or null. */
function wasiStateOf(host: unknown): WasiState | null {
  if (typeof host !== "object" || host === null || !("wasi" in host)) return null;
  const s = (host as { wasi: unknown }).wasi;
  if (typeof s !== "object" || s === null || (s as { version?: unknown }).version !== 1) {
    throw new SnapshotError("the snapshot's host state holds no usable WASI state");
  }
  return s as WasiState;
}

/** The last instance whose module imports WASI (whose memory WASI works on), or null. */
function findWasiInstance(runtime: Runtime): WasmInstance | null {
  const instances = runtime.store.instances;
  for (let i = instances.length - 1; i >= 0; i--) {
    if (instances[i].module.imports.some((im) => Object.hasOwn(WASI_MODULES, im.module))) {
      return runtime.instance(i);
    }
  }
  return null;
}
