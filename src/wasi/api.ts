/**
 * The WASI host's API: {@linkcode createWasi} makes a {@linkcode Wasi} from options (or from a
 * saved state), whose `imports(module)` go into instantiation and whose `start(instance)` runs a
 * command (`_start`) to its exit status, blocking the thread where the program waits;
 * `run(instance)` does the same asynchronously and `drive(execution)` runs an execution in
 * budgets, either suspending the machine where a WASI call must wait (`driver.ts`).
 *
 * WASI is offered under `wasi_snapshot_preview1` and `wasi_unstable` (preview 0, translated:
 * see `preview0.ts`). An import of a WASI module with a name WASI does not have is left out,
 * so instantiation fails with "unknown import"; one whose type differs from WASI's is a
 * LinkError "incompatible import type".
 *
 * @example Run a command that prints, capturing its output
 * ```ts
 * import { Runtime } from "../api/runtime.ts";
 * import { createWasi } from "./api.ts";
 * const out: Uint8Array[] = [];
 * const wasi = createWasi({ args: ["hello"], stdout: (b) => void out.push(b) });
 * const runtime = new Runtime();
 * const source = `(module
 *   (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
 *   (memory (export "memory") 1)
 *   (data (i32.const 0) "\\08\\00\\00\\00\\03\\00\\00\\00hi\\n")
 *   (func (export "_start") (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 20)))))`;
 * const instance = runtime.instantiate(source, wasi.imports(source));
 * console.assert(wasi.start(instance) === 0);
 * console.assert(new TextDecoder().decode(out[0]) === "hi\n");
 * ```
 *
 * @module
 */

import * as fs from "node:fs";
import type { Imports, Runtime, WasmInstance } from "../api/runtime.ts";
import { compile, type CompiledModule } from "../api/module.ts";
import { WasmMemory } from "../api/objects.ts";
import type { WasmFunction } from "../api/convert.ts";
import { Exhaustion, LinkError, WasmError } from "../errors.ts";
import type { Execution } from "../exec/execution.ts";
import type { MemInst } from "../runtime/store.ts";
import { ExternKind, I32, I64 } from "../syntax/types.ts";
import { Filetype } from "./abi.ts";
import { WasiContext, type WasiStdio } from "./ctx.ts";
import { drive, type DriveOptions, type DriveResult } from "./driver.ts";
import { ProcExit } from "./errno.ts";
import { bind, WASI_MODULES } from "./host.ts";
import { GuestMemory } from "./memory.ts";
import { seedRng } from "./random.ts";
import { listen } from "./sock.ts";
import { ALL_RIGHTS, DIR_RIGHTS, STDIO_RIGHTS } from "./rights.ts";
import { cloneState, fdEntry, type WasiState } from "./state.ts";
import { bytesStdin, fixedStdin, processStdin, type StdinSource } from "./stdin.ts";
import { sleepSync } from "./wait.ts";

export { ProcExit } from "./errno.ts";
export type { WasiState } from "./state.ts";
export type { StdinSource } from "./stdin.ts";
export type { DriveOptions, DriveResult, WaitReason } from "./driver.ts";

/** Options of {@linkcode createWasi}. */
export interface WasiOptions {
  /** The guest's arguments (argv[0] included). */
  args?: string[];
  /** The environment: `NAME=VALUE` strings, or an object. */
  env?: string[] | Record<string, string>;
  /**
   * Preopened directories: guest name -> host path (`{ "/": "./sandbox" }`), in order from
   * descriptor 3 on. Host paths must be directories.
   */
  preopens?: Record<string, string>;
  /**
   * Listening TCP sockets to hand in (`host:port`, port 0 picks a free one), as wasmtime's
   * `--tcplisten`: descriptors after the preopened directories (wasi-libc's preopen scan
   * stops at the first descriptor that is not a directory). The guest accepts on them.
   */
  listeners?: string[];
  /** Virtual clocks and seeded randomness (see `clock.ts`): a reproducible run. */
  deterministic?: boolean;
  /** The random seed of deterministic mode (default 0). */
  seed?: number;
  /**
   * Standard input: bytes, a reader that never waits, or a {@linkcode StdinSource} (default:
   * the process's own, see `stdin.ts`).
   */
  stdin?: Uint8Array | ((buf: Uint8Array) => number) | StdinSource;
  /** Standard output sink (default: the process's). */
  stdout?: (data: Uint8Array) => void;
  /** Standard error sink (default: the process's). */
  stderr?: (data: Uint8Array) => void;
  /**
   * Whether the guest sees its standard streams as a terminal (`isatty`): descriptors 0-2
   * are then character devices, otherwise of unknown type, as wasmtime reports them. Default:
   * each of the process's own streams as it really is (`Deno.stdin.isTerminal()`...), and
   * false for a stream given as bytes or a function. Recomputed when a state is restored, so
   * a resumed run sees the streams of its own process.
   */
  terminal?: boolean;
  /** A saved state to continue from (the other options then only give the stdio). */
  state?: WasiState;
}

/** A WASI setup problem (a preopen that is not a directory...). */
export class WasiConfigError extends WasmError {
  /** An error with the given `message`. */
  constructor(message: string) {
    super(message);
    this.name = "WasiConfigError";
  }
}

/** Whether `module` imports anything from a WASI module. */
export function importsWasi(module: CompiledModule): boolean {
  return module.module.imports.some((im) => Object.hasOwn(WASI_MODULES, im.module));
}

function writeAll(w: { writeSync(p: Uint8Array): number }, data: Uint8Array): void {
  let done = 0;
  while (done < data.length) done += w.writeSync(data.subarray(done));
}

function stdinSource(src: WasiOptions["stdin"]): StdinSource {
  if (src === undefined) return processStdin;
  if (typeof src === "function") return fixedStdin(src);
  if (src instanceof Uint8Array) return bytesStdin(src);
  return src;
}

/**
 * The real path of directory `path`, or a {@linkcode WasiConfigError} that begins with
 * `what` and says why it cannot be used (it does not exist, is not a directory...).
 */
function directory(path: string, what: string): string {
  let host: string;
  try {
    host = fs.realpathSync(path);
    if (fs.statSync(host).isDirectory()) return host;
  } catch (e) {
    const code = (e as { code?: unknown })?.code;
    const why = code === "ENOENT"
      ? "it does not exist"
      : code === "ENOTDIR"
      ? "not a directory"
      : code === "EACCES"
      ? "permission denied"
      : (e as Error)?.message ?? String(e);
    throw new WasiConfigError(`${what}: ${why}`);
  }
  throw new WasiConfigError(`${what}: not a directory`);
}

/** The initial state for `options`. */
export function initialState(options: WasiOptions): WasiState {
  const env = options.env === undefined
    ? []
    : Array.isArray(options.env)
    ? [...options.env]
    : Object.entries(options.env).map(([k, v]) => `${k}=${v}`);
  const state: WasiState = {
    version: 1,
    args: [...(options.args ?? [])],
    env,
    fds: [
      fdEntry({ kind: "stdin", filetype: Filetype.CHARACTER_DEVICE, rights: STDIO_RIGHTS }),
      fdEntry({ kind: "stdout", filetype: Filetype.CHARACTER_DEVICE, rights: STDIO_RIGHTS }),
      fdEntry({ kind: "stderr", filetype: Filetype.CHARACTER_DEVICE, rights: STDIO_RIGHTS }),
    ],
    preopens: [],
    exitCode: null,
    clock: { deterministic: options.deterministic ?? false, sleptNs: 0, reads: 0, fuelStart: 0 },
    rng: options.deterministic ? seedRng(options.seed ?? 0) : null,
  };
  for (const [guest, hostPath] of Object.entries(options.preopens ?? {})) {
    const host = directory(hostPath, `cannot preopen '${hostPath}'`);
    state.preopens.push({ guest, host });
    state.fds.push(fdEntry({
      kind: "dir",
      filetype: Filetype.DIRECTORY,
      hostPath: host,
      root: state.preopens.length - 1,
      rel: "",
      rights: DIR_RIGHTS,
      inheriting: ALL_RIGHTS,
      read: true,
      preopen: guest,
    }));
  }
  return state;
}

/** Sets the file type of descriptors 0-2 from where the streams go (see `WasiOptions.terminal`). */
function stdioFiletypes(state: WasiState, options: WasiOptions): void {
  const streams = [
    [options.stdin, Deno.stdin],
    [options.stdout, Deno.stdout],
    [options.stderr, Deno.stderr],
  ] as const;
  for (let fd = 0; fd < 3; fd++) {
    const e = state.fds[fd];
    if (e?.kind !== "stdin" && e?.kind !== "stdout" && e?.kind !== "stderr") continue;
    const [given, own] = streams[fd];
    const tty = options.terminal ??
      ((given === undefined || given === processStdin) && isTerminal(own));
    e.filetype = tty ? Filetype.CHARACTER_DEVICE : Filetype.UNKNOWN;
  }
}

function isTerminal(stream: { isTerminal(): boolean }): boolean {
  try {
    return stream.isTerminal();
  } catch {
    return false;
  }
}

/** A WASI host for one instance (see the module doc). */
export class Wasi {
  /** The state (plain data; see `state.ts`). */
  readonly state: WasiState;
  /**
   * The context the functions work in.
   *
   * @internal
   */
  readonly ctx: WasiContext;
  private memory: MemInst | null = null;
  private runtime: Runtime | null = null;

  /** A host with the arguments, environment, preopens and stdio of `options`. */
  constructor(options: WasiOptions = {}) {
    this.state = options.state ? cloneState(options.state) : initialState(options);
    const stdio: WasiStdio = {
      stdin: stdinSource(options.stdin),
      stdout: options.stdout ?? ((d) => writeAll(Deno.stdout, d)),
      stderr: options.stderr ?? ((d) => writeAll(Deno.stderr, d)),
    };
    stdioFiletypes(this.state, options);
    const mem = new GuestMemory(() => this.memory);
    const ticks = () =>
      this.runtime === null
        ? 0
        : this.state.clock.fuelStart - (this.runtime.fuel - this.runtime.machine.fuelLent);
    this.ctx = new WasiContext(this.state, mem, ticks, stdio, sleepSync);
    if (options.state) {
      // A restored state's preopens must still be there (or the run would fail later in its
      // own way): a clear error now names the first that is not.
      for (const p of this.state.preopens) {
        directory(
          p.host,
          `cannot restore preopened directory '${p.host}' (the guest's '${p.guest}')`,
        );
      }
      // Listeners listen again on their address; connections do not survive a restore.
      for (let fd = 0; fd < this.state.fds.length; fd++) {
        const e = this.state.fds[fd];
        if (e?.kind === "listener") this.state.fds[fd] = listen(this.ctx, e.hostPath);
        else if (e?.kind === "socket") e.conn = -1;
      }
    } else {
      for (const addr of options.listeners ?? []) this.ctx.allocFd(listen(this.ctx, addr));
    }
  }

  /** The address (`host:port`) of the listening socket at descriptor `fd`, or null. */
  listenAddress(fd: number): string | null {
    const e = this.state.fds[fd];
    return e?.kind === "listener" ? e.hostPath : null;
  }

  /**
   * The imports for `source` (a compiled module, binary or text): every WASI function it
   * imports, checked against WASI's signature (LinkError "incompatible import type").
   */
  imports(source: CompiledModule | Uint8Array | ArrayBuffer | string): Imports {
    const compiled = compile(source);
    const m = compiled.module;
    const out: Imports = {};
    for (const im of m.imports) {
      const table = Object.hasOwn(WASI_MODULES, im.module) ? WASI_MODULES[im.module] : undefined;
      if (table === undefined || !Object.hasOwn(table, im.name)) continue;
      const w = table[im.name];
      const incompatible = new LinkError(
        `incompatible import type for ${JSON.stringify(im.module)} ${JSON.stringify(im.name)}`,
      );
      if (im.desc.kind !== ExternKind.Func) throw incompatible;
      const comp = m.types[im.desc.type]?.comp;
      if (comp === undefined || comp.kind !== "func") throw incompatible;
      const params = comp.params.map((t) => t === I32 ? "i" : t === I64 ? "I" : "?").join("");
      const results = comp.results.length === (w.result ? 1 : 0) &&
        comp.results.every((t) => t === I32);
      if (params !== w.params || !results) throw incompatible;
      const impl = bind(this.ctx, w);
      (out[im.module] ??= {})[im.name] = (...args: unknown[]) => {
        const r = impl(args as (number | bigint)[]);
        return r.length === 0 ? undefined : r[0];
      };
    }
    return out;
  }

  /**
   * Binds the host to `instance`: its exported `memory` becomes the guest memory, its runtime's
   * fuel the tick source of the virtual clocks (made finite in deterministic mode).
   */
  bind(instance: WasmInstance): void {
    const mem = instance.exports.memory;
    this.memory = mem instanceof WasmMemory ? instance.runtime.store.memories[mem.addr] : null;
    this.runtime = instance.runtime;
    if (this.state.clock.deterministic) {
      if (this.runtime.fuel === Infinity) this.runtime.fuel = Number.MAX_SAFE_INTEGER;
      this.state.clock.fuelStart = this.runtime.fuel;
    }
  }

  /**
   * Initializes reactor `instance`: binds it and calls its `_initialize` export, if any. Its
   * other exports may then be called (WASI calls work through the bound context).
   */
  initialize(instance: WasmInstance): void {
    this.bind(instance);
    const init = instance.exports._initialize;
    if (typeof init === "function") init();
  }

  /**
   * Runs command `instance`: binds it, calls `_start`, and returns the exit status (0 when
   * `_start` returns, the code given to `proc_exit` otherwise). Traps and other errors throw.
   */
  start(instance: WasmInstance): number {
    this.bind(instance);
    const start = instance.exports._start;
    if (typeof start !== "function") throw new LinkError("the module exports no _start function");
    try {
      start();
    } catch (e) {
      if (e instanceof ProcExit) return e.code;
      throw e;
    } finally {
      this.close();
    }
    return 0;
  }

  /**
   * Runs command `instance` as {@linkcode start} does, but through the async driver
   * (`driver.ts`): a call that must wait (standard input with no data yet, a sleep, a socket)
   * suspends the machine and is awaited without blocking the thread. `fuel` bounds the ticks
   * (Exhaustion "fuel exhausted" when they run out). Resolves with the exit status.
   */
  async run(instance: WasmInstance, options: { fuel?: number } = {}): Promise<number> {
    if (options.fuel !== undefined) instance.runtime.fuel = options.fuel;
    this.bind(instance);
    const start = instance.exports._start;
    if (typeof start !== "function") throw new LinkError("the module exports no _start function");
    const execution = instance.runtime.start(start as WasmFunction);
    try {
      const r = await this.drive(execution, { fuel: instance.runtime.fuel });
      switch (r.status) {
        case "complete":
          return 0;
        case "trapped":
          if (r.error instanceof ProcExit) return r.error.code;
          throw r.error;
        case "paused":
          throw new Exhaustion("fuel exhausted");
        case "host-call":
          throw new Error(`host function ${r.module}.${r.name} suspends: use drive`);
        default:
          throw new Error(`unexpected drive result ${r.status}`);
      }
    } finally {
      this.close();
    }
  }

  /**
   * Runs `execution` (of a program bound to this host) for `options.fuel` ticks through the
   * async driver; see {@linkcode drive} in `driver.ts`: `complete`, `paused`, `trapped`,
   * `waiting` (stopped at a wait by `options.stopAtWait`, the WASI call pending: snapshot it
   * here and resume it anywhere) or `host-call` (a suspending import that is not WASI's).
   * A WASI call pending in the execution's machine (a restored snapshot) is completed first.
   */
  drive(execution: Execution, options: DriveOptions = {}): Promise<DriveResult> {
    return drive(this.ctx, execution, options);
  }

  /**
   * Closes every host handle (the state stays: a later bind re-opens what it needs) and ends
   * the socket bridge, if any (sockets do not re-open).
   */
  close(): void {
    this.ctx.handles.closeAll();
    this.ctx.sockets?.close();
    this.ctx.sockets = null;
  }
}

/** A new WASI host (see {@linkcode WasiOptions}). */
export function createWasi(options: WasiOptions = {}): Wasi {
  return new Wasi(options);
}
