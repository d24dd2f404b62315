/**
 * The replay log: every result that comes from outside the machine, recorded once and given
 * back exactly on replay. {@linkcode HostLog.install} wraps each host function bound to a
 * machine (the boundary: WASI's imports and an embedder's own), so that
 *
 * - while recording, the real function runs and the log keeps, in call order, its results (or
 *   the error it threw), the heap objects it created, its effects on guest memory and the host
 *   state after it (WASI's, as JSON, when it changed);
 * - while replaying, the function is not called: the entry at the log's cursor answers, its
 *   memory effects and host state are written back. Output is not written again, files are not
 *   touched again, clocks and randomness give what they gave.
 *
 * Memory effects: a WASI function reaches the guest memory only through `GuestMemory`, whose
 * `onAccess` hook names each range it checks; after the call those ranges' bytes are logged.
 * Another host function may write anywhere: the memories are copied before its call and the
 * pages that differ after it are logged (slower; list the functions that write no memory in
 * `pure`).
 *
 * Host functions that call back into wasm (`invoke`, seen through the machine's `reentry`
 * hook): the entry of such a call keeps, for each call back, the effects of the host code
 * before it (as above), the function called and its arguments; the entry's own effects are
 * those of the host code after the last call back. The nested runs are not logged: they are
 * wasm, replayed by running them. While replaying, such a function is made suspending, and
 * the recording drives the call from its entry (`take`, `apply`, `Execution.callBack`), so
 * that the nested runs are part of the replayed execution, paused and travelled like the
 * rest. A host function that host code calls directly (not wasm) is part of its caller's
 * effects, not logged apart.
 *
 * @module
 */

import type { Machine } from "../exec/machine.ts";
import type { HostImpl, RawValue } from "../runtime/values.ts";
import type { HeapObj, HostFunc } from "../runtime/store.ts";
import type { Wasi } from "../wasi/api.ts";
import { WASI_MODULES } from "../wasi/host.ts";
import type { WasiState } from "../wasi/state.ts";
import { PAGE, same } from "./checkpoint.ts";

/** A memory range a host call left behind: bytes `at` in memory `mem`. */
export interface LoggedWrite {
  /** The memory's index in the store. */
  mem: number;
  /** The byte address. */
  at: number;
  /** The bytes after the call. */
  bytes: Uint8Array;
}

/** What host code changed in the machine between two points (see {@linkcode HostLog.apply}). */
export interface Effects {
  /** Memory sizes in pages after it, when it changed one (else null). */
  pages: number[] | null;
  /** Its memory effects. */
  writes: LoggedWrite[];
  /** Heap objects it appended to the store. */
  objects: unknown[];
  /** The host state after it (JSON) when it changed, else null. */
  host: string | null;
}

/** A call back into wasm a host function made: the effects of its code before, the call. */
export interface CallBack extends Effects {
  /** The wasm function's store address. */
  func: number;
  /** Its raw arguments. */
  args: RawValue[];
  /** Whether it failed (threw into the host function). */
  failed: boolean;
}

/** One host call in the log: its effects are those after its last call back (if any). */
export interface LogEntry extends Effects {
  /** The host function's address (a replay that calls another one has diverged). */
  addr: number;
  /** Its results, or undefined when it threw `error`. */
  results?: (number | bigint | Uint8Array)[];
  /** What it threw (thrown again on replay). */
  error?: unknown;
  /** Its call backs into wasm, in order (absent: none). */
  calls?: CallBack[];
}

/** A host call being recorded: its entry and where its current stretch of host code began. */
interface Active {
  entry: LogEntry;
  objects: number;
  pages: number[];
  ranges: number[];
  copies: ArrayBuffer[] | null;
  wasiMem: number;
  pure: boolean;
}

/** The host state a log keeps beside the machine (WASI's), as get/set of JSON. */
export interface HostState {
  /** The state now. */
  get(): string;
  /** Sets the state. */
  set(json: string): void;
}

/** Thrown when a replayed run calls other host functions than the recorded one. */
export class ReplayDivergence extends Error {
  /** An error with `message`. */
  constructor(message: string) {
    super(message);
    this.name = "ReplayDivergence";
  }
}

/** The WASI host's state as {@linkcode HostState} (clock bookkeeping kept in place). */
export function wasiHostState(wasi: { state: WasiState }): HostState {
  return {
    get: () => JSON.stringify(wasi.state),
    set(json: string) {
      const saved = JSON.parse(json) as WasiState;
      const st = wasi.state as unknown as Record<string, unknown>;
      const fuelStart = wasi.state.clock.fuelStart;
      for (const k of Object.keys(st)) if (!(k in saved)) delete st[k];
      for (const [k, v] of Object.entries(saved)) {
        if (k === "clock") Object.assign(wasi.state.clock, v);
        else st[k] = v;
      }
      wasi.state.clock.fuelStart = fuelStart;
    },
  };
}

/** The log (see the module doc). */
export class HostLog {
  /** The entries, in call order (those of the current timeline). */
  entries: LogEntry[] = [];
  /** Next entry to answer while replaying. */
  cursor = 0;
  /** "record": call the host and log; "replay": answer from the log. */
  mode: "record" | "replay" = "record";
  /** Bytes the entries hold (memory writes and host states). */
  bytes = 0;
  /**
   * Called after each replayed call has written its effects back (a search watching values
   * that host functions may change sets it; see recording.ts).
   */
  afterReplay: (() => void) | null = null;
  /** The host functions (addresses) that called back into wasm while recording. */
  readonly reentering: Set<number> = new Set();
  private host: HostState | null = null;
  /** Host calls being recorded, innermost last; null for a wasm invocation inside one. */
  private readonly active: (Active | null)[] = [];
  private lastHost: string | null = null;

  /**
   * Wraps every host function bound to `m`. With `wasi`, its functions log the ranges they
   * touch and its state; `pure` names (`module.name`) host functions that write no memory.
   */
  install(m: Machine, wasi: Wasi | null, pure: readonly string[] = []): void {
    const store = m.store;
    this.host = wasi === null ? null : wasiHostState(wasi);
    this.lastHost = this.host?.get() ?? null;
    let wasiMem = -1;
    if (wasi !== null) {
      try {
        const buf = wasi.ctx.mem.bytes(0, 0).buffer;
        wasiMem = store.memories.findIndex((mm) => mm.buffer === buf);
      } catch { /* no memory bound yet */ }
    }
    const pureSet = new Set(pure);
    for (const [addr, impl] of [...m.hosts]) {
      const fn = store.objects[addr] as HostFunc;
      const isWasi = wasi !== null && wasiMem >= 0 && Object.hasOwn(WASI_MODULES, fn.module);
      const isPure = pureSet.has(`${fn.module}.${fn.name}`);
      m.hosts.set(addr, this.wrap(m, addr, impl, isWasi ? wasi : null, wasiMem, isPure));
    }
    m.reentry = {
      enter: (func, args) => {
        const top = this.active.at(-1);
        if (this.mode === "record" && top != null) {
          // Host code calls back: its stretch so far is logged with the call.
          const c: CallBack = { func, args: args.slice(), failed: false, ...this.effects(m, top) };
          // Logged at its first call back: before the host calls its nested runs make.
          if (top.entry.calls === undefined) {
            top.entry.calls = [];
            this.push(top.entry);
          }
          top.entry.calls.push(c);
          this.reentering.add(top.entry.addr);
        }
        this.active.push(null);
      },
      leave: (failed) => {
        this.active.pop();
        const top = this.active.at(-1);
        if (this.mode === "record" && top != null) {
          top.entry.calls!.at(-1)!.failed = failed;
          this.begin(m, top);
        }
      },
    };
  }

  /**
   * While replaying, the host functions that called back into wasm are suspending (the
   * recording answers them from their entries, running their call backs); while recording,
   * they are not.
   */
  syncSuspending(m: Machine): void {
    for (const a of this.reentering) {
      if (this.mode === "replay") m.suspending.add(a);
      else m.suspending.delete(a);
    }
  }

  /** The host state now (JSON), or null without one. */
  hostState(): string | null {
    return this.host === null ? null : this.host.get();
  }

  /** Sets the host state (from a checkpoint). */
  setHostState(json: string | null): void {
    if (json === null || this.host === null) return;
    this.host.set(json);
    this.lastHost = json;
  }

  /** The host function `impl` at `addr`, logging its effects when recording, replaying them when replaying. */
  private wrap(
    m: Machine,
    addr: number,
    impl: HostImpl,
    wasi: Wasi | null,
    wasiMem: number,
    pure: boolean,
  ): HostImpl {
    return (args: RawValue[]): RawValue[] => {
      if (this.mode === "replay") return this.replay(m, addr);
      // Called by host code, not wasm: part of the caller's effects.
      if (this.active.at(-1) != null) return impl(args);
      const entry: LogEntry = { addr, pages: null, writes: [], objects: [], host: null };
      const mem = wasi !== null ? wasiMem : -1;
      const a: Active = {
        entry,
        objects: 0,
        pages: [],
        ranges: [],
        copies: null,
        wasiMem: mem,
        pure,
      };
      this.begin(m, a);
      if (wasi !== null) wasi.ctx.mem.onAccess = (p, len) => void a.ranges.push(p, len);
      this.active.push(a);
      try {
        const results = impl(args);
        entry.results = results;
        return results;
      } catch (e) {
        entry.error = e;
        throw e;
      } finally {
        this.active.pop();
        if (wasi !== null) wasi.ctx.mem.onAccess = null;
        Object.assign(entry, this.effects(m, a));
        if (entry.calls === undefined) this.push(entry);
      }
    };
  }

  /** Appends `entry` to the log (a call is logged when it returns, or at its first call back). */
  private push(entry: LogEntry): void {
    this.entries.push(entry);
    this.cursor = this.entries.length;
  }

  /** Starts a stretch of host code of `a` (at its call, or after a call back). */
  private begin(m: Machine, a: Active): void {
    const store = m.store;
    a.objects = store.objects.length;
    a.pages = store.memories.map((mm) => mm.pages);
    a.ranges.length = 0;
    a.copies = a.wasiMem >= 0 || a.pure ? null : store.memories.map((mm) => mm.buffer.slice(0));
  }

  /** What the stretch of host code of `a` changed (objects, pages, memory writes, host state). */
  private effects(m: Machine, a: Active): Effects {
    const store = m.store;
    const objects = store.objects.slice(a.objects);
    const out: Effects = { pages: null, writes: [], objects, host: null };
    const pages = store.memories.map((mm) => mm.pages);
    if (pages.some((p, i) => p !== a.pages[i])) out.pages = pages;
    let bytes = 0;
    if (a.wasiMem >= 0) {
      const u8 = new Uint8Array(store.memories[a.wasiMem].buffer);
      for (let i = 0; i < a.ranges.length; i += 2) {
        if (a.ranges[i + 1] === 0) continue;
        const w = u8.slice(a.ranges[i], a.ranges[i] + a.ranges[i + 1]);
        out.writes.push({ mem: a.wasiMem, at: a.ranges[i], bytes: w });
        bytes += w.length;
      }
    }
    const copies = a.copies;
    if (copies !== null) {
      store.memories.forEach((mm, i) => {
        const now = new Uint8Array(mm.buffer);
        const was = new Uint8Array(copies[i]);
        for (let at = 0; at < now.length; at += PAGE) {
          const p = now.subarray(at, at + PAGE);
          if (at + PAGE <= was.length && same(p, was.subarray(at, at + PAGE))) continue;
          out.writes.push({ mem: i, at, bytes: p.slice() });
          bytes += PAGE;
        }
      });
    }
    if (this.host !== null) {
      const h = this.host.get();
      if (h !== this.lastHost) {
        out.host = h;
        this.lastHost = h;
        bytes += h.length;
      }
    }
    this.bytes += bytes + 64;
    return out;
  }

  /**
   * The next entry of the log, which must be a call of the host function at `addr` (while
   * replaying; the cursor moves past it).
   *
   * @throws ReplayDivergence otherwise.
   */
  take(addr: number): LogEntry {
    const e = this.entries[this.cursor];
    if (e === undefined) throw new ReplayDivergence("replay ran past the end of the log");
    if (e.addr !== addr) {
      throw new ReplayDivergence(
        `replay diverged at log entry ${this.cursor}: host function ${addr} called, ${e.addr} recorded`,
      );
    }
    this.cursor++;
    return e;
  }

  /** Makes logged effects `e` again (objects, memory sizes and bytes, host state). */
  apply(m: Machine, e: Effects): void {
    const store = m.store;
    for (const o of e.objects) store.objects.push(o as HeapObj);
    if (e.pages !== null) {
      e.pages.forEach((p, i) => {
        const mm = store.memories[i];
        if (mm.pages === p) return;
        const b = new ArrayBuffer(p * PAGE);
        new Uint8Array(b).set(new Uint8Array(mm.buffer, 0, Math.min(p, mm.pages) * PAGE));
        mm.buffer = b;
        mm.pages = p;
        mm.generation++;
      });
    }
    for (const w of e.writes) new Uint8Array(store.memories[w.mem].buffer).set(w.bytes, w.at);
    if (e.host !== null) this.setHostState(e.host);
    this.afterReplay?.();
  }

  /** Applies the next logged call, which must be of the function at `addr`, and returns its results. */
  private replay(m: Machine, addr: number): RawValue[] {
    const e = this.take(addr);
    if (e.calls !== undefined) {
      throw new ReplayDivergence(
        `host function ${addr} called back into wasm: not replayable here`,
      );
    }
    this.apply(m, e);
    if (e.results === undefined) throw e.error;
    return e.results;
  }
}
