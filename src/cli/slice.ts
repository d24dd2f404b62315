/**
 * Runs in budgets, for the CLI (issues 5, 6): `gab run --fuel N --snapshot-out FILE` runs the
 * program as an {@linkcode Execution} and, when the budget runs out, writes a snapshot and
 * ends with status {@linkcode STATUS_PAUSED} (75, EX_TEMPFAIL); `gab resume FILE` restores one
 * in a new process and goes on, with the same output as an uninterrupted run.
 *
 * Both go through a {@linkcode WasiProgram} (src/wasi/program.ts): the snapshot's host state
 * is `{ wasi: WasiState }` for a WASI program (else null); on resume (`restoreProgram`) the
 * WASI functions are bound again by name to a WASI host recreated from that state, so output
 * written before the snapshot is not written again and file offsets continue (`--dir
 * HOST::GUEST` moves a preopened directory); the guest memory is the `memory` export of the
 * last instance that imports WASI. Other host functions cannot be resumed by the CLI
 * (SnapshotError "host function M.N is not bound"). Deterministic WASI clocks count the ticks
 * of every budget. Snapshots are written and read as streamed files (src/snapshot/file.ts).
 *
 * With a snapshot file, the path is checked for writing before the program runs, and SIGINT
 * or SIGTERM stops the run at the next instruction boundary (the driver checks between
 * slices of a few million ticks, and during a wait) and writes the snapshot (status 75).
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

import { Runtime } from "../api/runtime.ts";
import type { CompiledModule } from "../api/module.ts";
import { Exhaustion, LinkError, WasmError } from "../errors.ts";
import { Execution } from "../exec/execution.ts";
import type { RawValue } from "../runtime/values.ts";
import { funcTypeOf } from "../runtime/link.ts";
import type { FuncType } from "../syntax/types.ts";
import { canonType } from "../valid/registry.ts";
import { createWasi, importsWasi, ProcExit } from "../wasi/api.ts";
import { restoreProgram, WasiProgram } from "../wasi/program.ts";
import { UsageError } from "./args.ts";
import { fileError } from "./load.ts";
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
   * Told the snapshot's path when one is written, and why: the fuel ran out, the program
   * waits for standard input, or a signal stopped it (the CLI prints it on stderr).
   */
  onSnapshot?: (path: string, why: "fuel" | "stdin" | Deno.Signal) => void;
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
  if (options.snapshotOut !== undefined) checkWritable(options.snapshotOut);
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
  const ex = Execution.start(runtime.machine, ev.addr, raw);
  return await finish(new WasiProgram(runtime, ex, wasi), left, options);
}

/**
 * Checks that a snapshot can be written at `path` before a run spends its budget: the file
 * is opened for writing (created and removed again when it did not exist).
 *
 * @throws FileError naming the path and the problem.
 */
export function checkWritable(path: string): void {
  let existed = true;
  try {
    Deno.statSync(path);
  } catch {
    existed = false;
  }
  try {
    Deno.openSync(path, { write: true, create: true }).close();
    if (!existed) Deno.removeSync(path);
  } catch (e) {
    throw fileError(path, e);
  }
}

/**
 * Runs `program` for `fuel` ticks: its results as lines (status 0), the guest's exit
 * status, a snapshot (status 75) or a thrown error. With a snapshot file, SIGINT and SIGTERM
 * stop the run at the next instruction boundary and write the snapshot (status 75).
 */
async function finish(
  program: WasiProgram,
  fuel: number | undefined,
  options: SliceOptions,
): Promise<RunResult> {
  const out = options.snapshotOut;
  let signal: Deno.Signal | null = null;
  const stop = new AbortController();
  const listeners = out === undefined ? [] : SIGNALS.map((s) => {
    const listener = () => {
      signal ??= s;
      stop.abort();
    };
    try {
      Deno.addSignalListener(s, listener);
    } catch {
      return null; // Not available on this platform.
    }
    return [s, listener] as const;
  });
  try {
    const stopAtWait = options.snapshotOnStdinWait && out !== undefined
      ? (reason: string) => reason === "stdin"
      : undefined;
    const r = await program.run({
      fuel,
      stopAtWait,
      signal: out === undefined ? undefined : stop.signal,
    });
    switch (r.status) {
      case "complete": {
        const types = program.execution.type.results;
        return { lines: r.results.map((v, i) => formatResult(v as RawValue, types[i])), status: 0 };
      }
      case "paused":
      case "waiting": {
        if (out === undefined) throw new Exhaustion("fuel exhausted");
        program.writeSnapshot(out);
        const why = signal ?? (r.status === "waiting" ? "stdin" : "fuel");
        options.onSnapshot?.(out, why);
        return { lines: [], status: STATUS_PAUSED };
      }
      case "trapped":
        if (r.error instanceof ProcExit) return { lines: [], status: r.error.code };
        throw r.error;
      default:
        throw new Error(`unexpected run result ${r.status}`);
    }
  } finally {
    for (const l of listeners) if (l !== null) Deno.removeSignalListener(l[0], l[1]);
    program.close();
  }
}

/** The signals that stop a run with a snapshot file. */
const SIGNALS: Deno.Signal[] = ["SIGINT", "SIGTERM"];

/** Options of {@linkcode resumeSnapshot}: the budget, WASI's standard streams, moved dirs. */
export interface ResumeOptions extends SliceOptions {
  /** WASI's standard streams (default: the process's own). */
  stdio?: RunOptions["stdio"];
  /** Preopened directories moved on this host: guest name → host directory. */
  preopens?: Record<string, string>;
}

/**
 * Restores a snapshot (bytes, or a file path, read streamed), which must hold a running
 * execution, and runs it on for the budget, as `gab resume` does: the same results, output
 * and status as an uninterrupted run, or status 75 and a new snapshot when the budget runs
 * out again.
 *
 * @throws SnapshotError for a bad snapshot or one this host cannot resume.
 */
export async function resumeSnapshot(
  source: Uint8Array | string,
  options: ResumeOptions = {},
): Promise<RunResult> {
  if (options.snapshotOut !== undefined) checkWritable(options.snapshotOut);
  let program: WasiProgram;
  try {
    program = restoreProgram(source, { ...options.stdio, preopens: options.preopens });
    program.execution.values = null; // raw results, printed as wasmtime prints them
  } catch (e) {
    if (typeof source === "string" && e instanceof Error && !(e instanceof WasmError)) {
      throw fileError(source, e);
    }
    throw e;
  }
  return await finish(program, options.fuel, options);
}
