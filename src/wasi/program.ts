/**
 * A WASI program as an execution that runs in budgets and is resumed from snapshots, in one
 * object: {@linkcode WasiProgram} holds the runtime, the execution under way and its WASI host,
 * runs it on through the async driver (`driver.ts`) with `run`, and writes its snapshot (with
 * the WASI state as host state `{ wasi }`, what `gab resume` and `fork` expect).
 * {@linkcode restoreProgram} rebuilds one from a snapshot (bytes, or a file path, streamed),
 * binding the WASI functions again to a host recreated from the saved state with the options
 * a resuming process may change: the standard streams and where preopened directories are on
 * this host. {@linkcode resumeWasi} does both in one call: restore, run on, report.
 *
 * The deterministic WASI clocks count executed ticks across budgets and processes: before
 * each budget the state's `clock.fuelStart` is set so that the ticks of earlier budgets still
 * count. A program without WASI (a snapshot of a plain execution) runs on the same way,
 * without a host.
 *
 * Not here: host functions other than WASI's (pass them in `bindings`; a suspending one ends
 * a run with `host-call`, to be answered on the execution).
 *
 * @example Resume a WASI program's snapshot in one call
 * ```ts
 * import { createWasi, resumeWasi, Runtime, WasiProgram, type WasmFunction } from "../../mod.ts";
 * import assert from "node:assert/strict";
 *
 * // A program that writes "hi\n" 3 times, paused after 20 ticks and written as a snapshot.
 * const source = `(module
 *   (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
 *   (memory (export "memory") 1)
 *   (data (i32.const 0) "\\08\\00\\00\\00\\03\\00\\00\\00hi\\n")
 *   (func (export "_start") (local i32)
 *     (loop $l (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 20)))
 *       (br_if $l (i32.lt_u (local.tee 0 (i32.add (local.get 0) (i32.const 1))) (i32.const 3))))))`;
 * const first: string[] = [];
 * const wasi = createWasi({ stdout: (b) => void first.push(new TextDecoder().decode(b)) });
 * const runtime = new Runtime();
 * const instance = runtime.instantiate(source, wasi.imports(source));
 * wasi.bind(instance);
 * const program = new WasiProgram(runtime, runtime.start(instance.exports._start as WasmFunction), wasi);
 * assert.equal((await program.run({ fuel: 20 })).status, "paused");
 * const bytes = program.snapshot();
 *
 * // Anywhere else, later: one call resumes it, with this process's standard streams.
 * let out = "";
 * const result = await resumeWasi(bytes, { stdout: (b) => void (out += new TextDecoder().decode(b)) });
 * assert.deepEqual(result, { status: "exited", code: 0 });
 * assert.equal(first.join("") + out, "hi\nhi\nhi\n");
 * ```
 *
 * @module
 */

import * as fs from "node:fs";
import { Runtime, type WasmInstance } from "../api/runtime.ts";
import { SnapshotError } from "../errors.ts";
import type { Execution } from "../exec/execution.ts";
import type { HostImpl } from "../runtime/values.ts";
import { restoreFile, writeSnapshotFile } from "../snapshot/file.ts";
import { type HostBindings, restore, type Restored } from "../snapshot/restore.ts";
import { snapshot } from "../snapshot/snapshot.ts";
import { createWasi, type Wasi, WasiConfigError, type WasiOptions } from "./api.ts";
import type { DriveResult, WaitReason } from "./driver.ts";
import { ProcExit } from "./errno.ts";
import { bind, WASI_MODULES } from "./host.ts";
import type { WasiState } from "./state.ts";

/** Options of {@linkcode WasiProgram.run}. */
export interface ProgramRunOptions {
  /** Ticks to run (default: unbounded). */
  fuel?: number;
  /** Stop at a wait instead of waiting (see `DriveOptions.stopAtWait`). */
  stopAtWait?: (reason: WaitReason) => boolean;
  /**
   * Stops the run when aborted (e.g. by a SIGINT listener): checked every few million ticks,
   * after the event loop had a turn, where the run ends `paused` at an instruction boundary,
   * and during a wait, where it ends `waiting` (see `DriveOptions.signal`).
   */
  signal?: AbortSignal;
}

/** An execution under way, its runtime, and its WASI host (null for a program without). */
export class WasiProgram {
  /** The runtime (restored: over the restored machine and store). */
  readonly runtime: Runtime;
  /** The execution under way. */
  readonly execution: Execution;
  /** The WASI host, bound to the program's instance; null when the program has none. */
  readonly wasi: Wasi | null;

  /**
   * A program from its parts: `wasi` must be bound to the instance that `execution` runs in
   * (`wasi.bind(instance)`), the execution started (`runtime.start`) and not yet run.
   */
  constructor(runtime: Runtime, execution: Execution, wasi: Wasi | null) {
    this.runtime = runtime;
    this.execution = execution;
    this.wasi = wasi;
  }

  /**
   * Runs on for `options.fuel` ticks through the async driver: `complete` (its results, JS
   * values for an execution the runtime adopted: `Runtime.start`, {@linkcode restoreProgram}),
   * `paused` (budget spent or interrupted), `waiting` (stopped at a wait), `trapped` (a
   * `ProcExit` error carries the guest's exit status) or `host-call`.
   */
  async run(options: ProgramRunOptions = {}): Promise<DriveResult> {
    const ex = this.execution, wasi = this.wasi;
    const m = this.runtime.machine;
    let budget = options.fuel ?? Infinity;
    if (wasi !== null && wasi.state.clock.deterministic) {
      // Ticks of earlier budgets (here or in the processes before a snapshot).
      const done = wasi.state.clock.fuelStart - (Number.isFinite(m.fuel) ? m.fuel : 0);
      if (budget === Infinity) budget = Number.MAX_SAFE_INTEGER - done;
      wasi.state.clock.fuelStart = done + budget;
    }
    if (wasi !== null) {
      return await wasi.drive(ex, {
        fuel: budget,
        stopAtWait: options.stopAtWait,
        signal: options.signal,
      });
    }
    if (options.signal === undefined) return ex.runFor(budget);
    for (;;) {
      const slice = Math.min(budget, 1 << 22), rest = budget - slice;
      const r = ex.runFor(slice);
      const left = m.fuel;
      m.fuel += rest;
      if (r.status !== "paused" || rest === 0 || left > 0) return r;
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (options.signal.aborted) return r;
      budget = rest;
    }
  }

  /** The host state a snapshot of this program carries: `{ wasi }`, or null. */
  private host(): unknown {
    return this.wasi === null ? null : { wasi: this.wasi.state };
  }

  /** The program's whole state as snapshot bytes (between runs). */
  snapshot(): Uint8Array {
    return snapshot(this.runtime.machine, { execution: this.execution, host: this.host() });
  }

  /**
   * Writes the snapshot to file `path`, streamed (memories straight from the guest's buffers,
   * through a temporary file renamed to `path`); returns its size in bytes.
   */
  writeSnapshot(path: string): number {
    return writeSnapshotFile(path, this.runtime.machine, {
      execution: this.execution,
      host: this.host(),
    });
  }

  /** Closes the WASI host's handles (files re-open on the next run). */
  close(): void {
    this.wasi?.close();
  }
}

/** Options of {@linkcode restoreProgram} and {@linkcode resumeWasi}. */
export interface ResumeWasiOptions {
  /** The guest's standard input in this process (default: the process's own). */
  stdin?: WasiOptions["stdin"];
  /** Where the guest's standard output goes (default: the process's own). */
  stdout?: WasiOptions["stdout"];
  /** Where the guest's standard error goes (default: the process's own). */
  stderr?: WasiOptions["stderr"];
  /**
   * Preopened directories moved on this host: guest name → host directory. A snapshot's
   * preopen of that guest name, and the files and directories opened under it, then refer
   * to that directory (e.g. `{ "/data": "./copy-2" }` to give a fork its own files). Guest
   * names the snapshot does not preopen are a WasiConfigError.
   */
  preopens?: Record<string, string>;
  /** Host functions other than WASI's that the snapshot names, by module and name. */
  bindings?: HostBindings;
}

/**
 * Restores a snapshot of a program (bytes, or the path of a snapshot file, read streamed)
 * with its WASI host recreated from the saved state and `options`, ready to run on.
 *
 * @throws SnapshotError for a bad snapshot or one holding no execution under way;
 *   WasiConfigError for a bad `preopens` entry.
 */
export function restoreProgram(
  source: Uint8Array | string,
  options: ResumeWasiOptions = {},
): WasiProgram {
  const bound: Record<string, Record<string, HostImpl>> = {};
  const bindings: HostBindings = { ...options.bindings };
  for (const [module, table] of Object.entries(WASI_MODULES)) {
    const late: Record<string, HostImpl> = bindings[module] = {};
    for (const name of Object.keys(table)) late[name] = (args) => bound[module][name](args);
  }
  const restored: Restored = typeof source === "string"
    ? restoreFile(source, bindings)
    : restore(source, bindings);
  const { machine, execution, host } = restored;
  if (execution === null || execution.state !== "running") {
    throw new SnapshotError("the snapshot holds no execution under way");
  }
  const runtime = new Runtime({ machine });
  runtime.adopt(execution); // JS values, as Runtime.start gives them
  const instance = findWasiInstance(runtime);
  let state = wasiStateOf(host);
  if (state === null && instance === null) return new WasiProgram(runtime, execution, null);
  if (state !== null && options.preopens !== undefined) {
    state = movePreopens(state, options.preopens);
  }
  let wasi: Wasi;
  try {
    wasi = createWasi({
      state: state ?? undefined,
      stdin: options.stdin,
      stdout: options.stdout,
      stderr: options.stderr,
    });
  } catch (e) {
    if (e instanceof WasiConfigError) throw e; // a preopened directory that is gone
    throw new SnapshotError(`the snapshot's WASI state is bad: ${(e as Error)?.message ?? e}`);
  }
  for (const [module, table] of Object.entries(WASI_MODULES)) {
    bound[module] = {};
    for (const [name, w] of Object.entries(table)) bound[module][name] = bind(wasi.ctx, w);
  }
  if (instance !== null) {
    // bind() restarts the deterministic clock's count: keep the saved one (and the fuel).
    const fuelStart = wasi.state.clock.fuelStart, fuel = machine.fuel;
    wasi.bind(instance);
    wasi.state.clock.fuelStart = fuelStart;
    machine.fuel = fuel;
  }
  return new WasiProgram(runtime, execution, wasi);
}

/** What {@linkcode resumeWasi} ends with. */
export type WasiRunResult =
  | {
    /** The program ended: `_start` returned (code 0) or it called `proc_exit(code)`. */
    status: "exited";
    /** Its exit status. */
    code: number;
  }
  | {
    /** A snapshotted call of another export returned: its results as JS values. */
    status: "complete";
    /** The results, converted as an exported function's are. */
    results: unknown[];
  }
  | {
    /** The budget ran out (`paused`) or the program stopped at a wait (`waiting`). */
    status: "paused" | "waiting";
    /** The program's state now, as snapshot bytes: resume them to go on. */
    snapshot: Uint8Array;
  };

/**
 * Resumes a WASI program's snapshot (bytes or a file path) in one call: restores it with
 * `options` (standard streams, moved preopens), runs it on for `options.fuel` ticks (default:
 * to the end) and reports how it ended. A trap throws, as a call does.
 *
 * @throws SnapshotError, WasiConfigError as {@linkcode restoreProgram} does; the Trap or
 *   other WasmError the program ended with.
 */
export async function resumeWasi(
  snapshot: Uint8Array | string,
  options: ResumeWasiOptions & ProgramRunOptions = {},
): Promise<WasiRunResult> {
  const program = restoreProgram(snapshot, options);
  try {
    const r = await program.run(options);
    switch (r.status) {
      case "complete": {
        const ex = program.execution;
        if (program.wasi !== null && isStart(program.runtime, ex.funcAddr)) {
          return { status: "exited", code: 0 };
        }
        return { status: "complete", results: r.results };
      }
      case "paused":
      case "waiting":
        return { status: r.status, snapshot: program.snapshot() };
      case "trapped":
        if (r.error instanceof ProcExit) return { status: "exited", code: r.error.code };
        throw r.error;
      case "host-call":
        throw new SnapshotError(`host function ${r.module}.${r.name} suspends: restore it instead`);
      default:
        throw new Error("a call back into wasm ended, but none was made");
    }
  } finally {
    program.close();
  }
}

/** Whether the function at `addr` is an instance's `_start` export. */
function isStart(runtime: Runtime, addr: number): boolean {
  return runtime.store.instances.some((inst) => inst.exports.get("_start")?.addr === addr);
}

/** `state` with its preopens moved as `moves` says (guest name → host directory). */
function movePreopens(state: WasiState, moves: Record<string, string>): WasiState {
  const out: WasiState = structuredClone(state);
  for (const [guest, hostPath] of Object.entries(moves)) {
    const i = out.preopens.findIndex((p) => p.guest === guest);
    if (i < 0) throw new WasiConfigError(`the snapshot preopens no directory '${guest}'`);
    let host: string;
    try {
      host = fs.realpathSync(hostPath);
      if (!fs.statSync(host).isDirectory()) throw new Error();
    } catch {
      throw new WasiConfigError(`cannot preopen '${hostPath}': not a directory`);
    }
    out.preopens[i].host = host;
    for (const e of out.fds) {
      if (e !== null && e.root === i && (e.kind === "file" || e.kind === "dir")) {
        e.hostPath = e.rel === "" ? host : `${host}/${e.rel}`;
      }
    }
  }
  return out;
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
