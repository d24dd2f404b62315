/**
 * The machine: everything an execution needs besides the store, as plain data.
 *
 * State (what a snapshot must save, and all of it):
 * - `stack`: the value stack, one `ArrayBuffer` of {@linkcode STACK_SLOTS} 8-byte slots,
 *   viewed as `i32`/`f32`/`f64`/`i64`/`u64`/`u8`. A frame occupies slots `[fp/2, fp/2 +
 *   frameSize)`; fp is in Int32 units (always even). See src/ir/compiled.ts for the layout.
 * - `frames` (`Int32Array`, {@linkcode FRAME_STRIDE} numbers per record) and `depth` (records
 *   in use): each record is `[funcAddr, pc, fp]`, the state of the caller to resume when the
 *   callee returns. An entry record, pushed by `invoke`, stores `-2 - funcAddr` (always
 *   negative) instead: returning through it ends that invocation, and its fields are the
 *   state to restore (`funcAddr` -1 when the machine was idle).
 * - The current frame: `funcAddr` (store address of the running function, -1 when idle),
 *   `pc` (index in its compiled code), `fp`.
 * - `fuel`: ticks left (one per IR instruction; `Infinity` for unbounded).
 * - `status`: of the current invocation ("idle", "running", "paused").
 * - A pending suspending host call (see {@linkcode Machine.suspending}): `hostCallee` (the host
 *   function's address, -1 when none), `hostAt` (Int32 index of its argument slots, where its
 *   results go) and `hostTail` (1 when it was tail-called: answering it returns from the
 *   current frame).
 *
 * While `run` (interp.ts) executes, the current frame, `depth` and `fuel` live in its locals;
 * it writes them back whenever it returns (done or paused), calls the host, or calls a helper
 * that reads them (exceptions). When an error leaves the loop (a trap, exhaustion), it writes
 * the frame where it happened (`pc` at the failing instruction, or at the call for an error
 * in a call) and `depth`, which the backtrace reads (`backtrace.ts`); `invoke` then restores
 * the state saved in its entry record (`fuel` stays stale). A paused machine is consistent
 * and resumes exactly.
 *
 * Not state (derived or bound by the embedder): `compiled` (IR of each function, re-created
 * by lowering, deterministic), `hosts` (host implementations by address), `suspending` (which
 * host functions suspend the run instead of being called). No JS closure or
 * JS call stack holds wasm state: wasm calls do not recurse in JS; only a host function
 * calling back into wasm nests (the nested invocation runs above the current frame).
 *
 * Also here: {@linkcode WasmException}, the error a wasm exception escaping an invocation
 * becomes.
 *
 * @module
 */

import { Exhaustion, WasmError } from "../errors.ts";
import type { CompiledFunc } from "../ir/compiled.ts";
import { lowerFunction } from "../ir/lower.ts";
import type { Store } from "../runtime/store.ts";
import type { HostImpl, RawValue } from "../runtime/values.ts";
import { type SimdViews, simdViews } from "./simd_views.ts";

/** Numbers per call-stack record. */
export const FRAME_STRIDE = 3;
/** Value-stack size in 8-byte slots (8 MiB). */
export const STACK_SLOTS = 1 << 20;
/** The most frames (wasm calls) alive at once. */
export const MAX_DEPTH = 50_000;
/** Call-stack records a new machine has room for before `frames` grows. */
const INITIAL_FRAMES = 1024;

/**
 * The op written over an instruction where the loop must stop before it (src/exec/probes.ts;
 * not a row of the IR table: the loop's `default` case runs it).
 */
export const PROBE_BREAK = -1;
/** The op written over a memory store that a debugger's watch must see (probes.ts). */
export const PROBE_STORE = -2;

/**
 * What the loop needs of armed probes (src/exec/probes.ts implements it; not state).
 *
 * @internal
 */
export interface ProbeHooks {
  /** Set when the loop stopped at a probe. */
  hit: boolean;
  /** Runs the PROBE_STORE at `pc` of `cf` (frame `fp`): the next pc, or -1 to stop there. */
  store(cf: CompiledFunc, pc: number, fp: number): number;
  /** Patches a function lowered while armed. */
  lowered(cf: CompiledFunc): void;
  /** The original op at `pc` of `code` (patched or not). */
  opAt(code: Int32Array, pc: number): number;
}

/** A wasm exception that escaped an invocation (spec: an uncaught exception). */
export class WasmException extends WasmError {
  /** Its tag's address in store.tags. */
  readonly tag: number;
  /** Its arguments (raw values, per the tag's type). */
  readonly args: RawValue[];
  /** The exception object's address in store.objects (an exnref). */
  readonly exn: number;
  /** The tag's name for messages (`$name` or its index), once known; see describe. */
  tagLabel: string | null = null;
  /** The exception object at `exn`, of tag `tag` with arguments `args`. */
  constructor(tag: number, args: RawValue[], exn: number) {
    super("uncaught exception");
    this.name = "WasmException";
    this.tag = tag;
    this.args = args;
    this.exn = exn;
  }
  /** "uncaught exception of tag $name" (the tag by its name or index, once known). */
  override describe(): string {
    return this.tagLabel === null ? this.message : `${this.message} of tag ${this.tagLabel}`;
  }
}

/** What {@linkcode Machine.reentry} is told of invocations. */
export interface ReentryHook {
  /** An invocation of the wasm function at `funcAddr` with `args` is about to run. */
  enter(funcAddr: number, args: readonly RawValue[]): void;
  /** That invocation returned (`failed` false) or failed. */
  leave(failed: boolean): void;
}

/** The machine (see the module doc). */
export class Machine {
  /**
   * The store that every address refers to.
   *
   * @internal
   */
  readonly store: Store;
  /** Host implementations by function address (bound by the embedder; not state). */
  readonly hosts: Map<number, HostImpl>;
  /**
   * Addresses of the host functions that suspend: a call of one makes `run` return HOST_CALL
   * (interp.ts) with the call pending in `hostCallee`/`hostAt`/`hostTail`, to be answered by
   * the embedder (Execution.answer). Set by the embedder; not state.
   */
  readonly suspending: Set<number> = new Set();
  /**
   * Compiled code by function address (derived data).
   *
   * @internal
   */
  readonly compiled: (CompiledFunc | undefined)[] = [];

  /** The value stack: locals, operands and call arguments of every frame, in 8-byte slots. */
  readonly stack: ArrayBuffer = new ArrayBuffer(STACK_SLOTS * 8);
  /** The stack as i32 words (slot `s` is words `2s` and `2s + 1`). */
  readonly i32: Int32Array = new Int32Array(this.stack);
  /** The stack as f32 words. */
  readonly f32: Float32Array = new Float32Array(this.stack);
  /** The stack as f64 slots. */
  readonly f64: Float64Array = new Float64Array(this.stack);
  /** The stack as i64 slots. */
  readonly i64: BigInt64Array = new BigInt64Array(this.stack);
  /** The stack as u64 slots. */
  readonly u64: BigUint64Array = new BigUint64Array(this.stack);
  /** The stack's bytes. */
  readonly u8: Uint8Array = new Uint8Array(this.stack);
  /**
   * Every lane view of the stack, for the SIMD instructions (src/exec/interp_simd.ts).
   *
   * @internal
   */
  readonly simd: SimdViews = simdViews(this.stack);
  /** The Int32 index past the last usable stack word. */
  readonly stackLimit: number = STACK_SLOTS * 2;

  /** Call-stack records; starts small and grows (pushFrame; the loop's slow call path). */
  frames: Int32Array = new Int32Array(INITIAL_FRAMES * FRAME_STRIDE);
  /** The number of call-stack records in use. */
  depth: number = 0;
  /** The most frames allowed (Exhaustion "call stack exhausted" beyond). */
  maxDepth: number = MAX_DEPTH;

  /** The store address of the running function (-1: none). */
  funcAddr: number = -1;
  /** The position in its compiled code of the next instruction. */
  pc: number = 0;
  /** Int32 index of its frame's first slot on the stack. */
  fp: number = 0;
  /** Ticks left. */
  fuel: number = Infinity;
  /** Whether a call is running, paused inside, or none is under way. */
  status: "idle" | "running" | "paused" = "idle";
  /** The suspending host function called and not answered yet (-1: none). */
  hostCallee: number = -1;
  /** Int32 index of that call's argument slots (its results go there too). */
  hostAt: number = 0;
  /** 1 if that call was a tail call (answering it returns from the current frame), else 0. */
  hostTail: number = 0;
  /**
   * Invocations alive at once on this machine, nested through host functions (`invoke`
   * counts them; not state: 0 whenever the machine is idle or paused at the top level).
   */
  nesting: number = 0;
  /**
   * Told of every invocation of a wasm function through `invoke` (a host function calling
   * back into wasm, or the embedder calling): `enter` before it runs, with its raw arguments,
   * `leave` after it returned (`failed` false) or failed. Not state: a debugger's recording
   * (src/debug/hostlog.ts) logs call backs through it.
   */
  reentry: ReentryHook | null = null;
  /**
   * Fuel lent beyond an Execution's budget to a host function's call back (`invoke` runs a
   * nested call to its end): `fuel - fuelLent` is what the budget has left meanwhile (a
   * deterministic clock reads that). 0 otherwise; not state.
   */
  fuelLent: number = 0;
  /** Set by {@linkcode requestPause}; the loop clears it when it pauses. */
  pauseRequested: boolean = false;
  /**
   * While `run` executes only (never in a snapshot): the code where the loop wrote a `pause`
   * to stop at the end of the budget (interp.ts), null when none; the pc and the instruction
   * it replaced.
   */
  pauseCode: Int32Array | null = null;
  /** See {@linkcode pauseCode}. */
  pausePc: number = 0;
  /** See {@linkcode pauseCode}. */
  pauseOp: number = 0;
  /**
   * Probes armed by a debugger's search (src/exec/probes.ts), null normally: the loop meets
   * them only as patched ops. Not state.
   *
   * @internal
   */
  probes: ProbeHooks | null = null;

  /**
   * Which functions run as compiled JavaScript (src/exec/tier.ts): none ("off"), those
   * called {@linkcode tierThreshold} times or found running at the end of a slice of the
   * loop ("hot"), or all that can ("all"). Not state: results, ticks and snapshots are the
   * same whatever the tier. Off by default: on the real programs (SQLite, Flite, CPython)
   * "hot" is still slower than the interpreter alone (every call goes through the tier's
   * hook), on the compute kernels about twice as fast.
   */
  tier: "off" | "hot" | "all" = "off";
  /**
   * Calls of a function before the "hot" tier compiles it: V8 optimizes generated code only
   * once it has run a while, and until then it runs slower than the interpreter's loop, so
   * only code that runs long is worth compiling.
   */
  tierThreshold: number = 10_000;
  /**
   * The tier's compiled functions (src/exec/tier.ts; derived data, never in a snapshot).
   *
   * @internal
   */
  tierState: unknown = null;

  /**
   * How functions are lowered (not state: any lowering runs any snapshot). Tests turn fusions
   * off here (`{ fuse: false }`).
   */
  readonly lowering: { fuse?: boolean; deopt?: boolean };

  /**
   * A machine over `store`, with host implementations `hosts` by address, lowering functions
   * with `lowering` (default: the normal lowering).
   */
  constructor(
    store: Store,
    hosts?: Map<number, HostImpl>,
    lowering: { fuse?: boolean; deopt?: boolean } = {},
  ) {
    this.store = store;
    this.hosts = hosts ?? new Map();
    this.lowering = lowering;
  }

  /**
   * Asks the machine to pause right after the host function being called returns: for a
   * host function that runs synchronously under `Execution.runFor`, which then answers
   * `paused` with the rest of its budget unspent (a later `runFor` goes on after the call).
   * Under a plain `invoke` the request is ignored: there is nobody to resume.
   */
  requestPause(): void {
    this.pauseRequested = true;
  }

  /** Binds the host function at `addr` to `impl`. */
  bindHost(addr: number, impl: HostImpl): void {
    this.hosts.set(addr, impl);
  }

  /**
   * The compiled code of the wasm function at `addr`, lowering it on first use.
   *
   * @internal
   */
  code(addr: number): CompiledFunc {
    let cf = this.compiled[addr];
    if (cf === undefined) {
      cf = lowerFunction(this.store, addr, this.lowering);
      this.compiled[addr] = cf;
      if (this.probes !== null) this.probes.lowered(cf);
    }
    return cf;
  }

  /** Pushes a call-stack record (`entry`: an invocation's); Exhaustion beyond the limit. */
  pushFrame(funcAddr: number, pc: number, fp: number, entry: boolean): void {
    const d = this.depth;
    if (d >= this.maxDepth) throw new Exhaustion("call stack exhausted");
    let f = this.frames;
    if ((d + 1) * FRAME_STRIDE > f.length) {
      const g = new Int32Array(f.length * 2);
      g.set(f);
      this.frames = f = g;
    }
    const at = d * FRAME_STRIDE;
    f[at] = entry ? -2 - funcAddr : funcAddr;
    f[at + 1] = pc;
    f[at + 2] = fp;
    this.depth = d + 1;
  }

  /** Whether the top record is an invocation's entry record. */
  atEntry(): boolean {
    return this.frames[(this.depth - 1) * FRAME_STRIDE] < 0;
  }

  /**
   * Pops a record into the current frame (`funcAddr`, `pc`, `fp`); returns true if it was an
   * entry record (the invocation is over).
   */
  popFrame(): boolean {
    const d = --this.depth;
    const at = d * FRAME_STRIDE;
    const f = this.frames;
    const a = f[at];
    this.funcAddr = a < 0 ? -2 - a : a;
    this.pc = f[at + 1];
    this.fp = f[at + 2];
    return a < 0;
  }

  /** The Int32 index above the current frame, where a nested invocation may start. */
  top(): number {
    if (this.funcAddr < 0) return 0;
    const cf = this.compiled[this.funcAddr];
    return this.fp + (cf === undefined ? 0 : cf.frameSize * 2);
  }
}
