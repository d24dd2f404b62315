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
 * A host function that calls back into wasm while recording is found (the nested run spends
 * the budget) and named in {@linkcode HostLog.unrecordable}: the recording then refuses to go
 * on ({@linkcode UnrecordableHostCall}) rather than record a call it could not replay.
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

/** One host call in the log. */
export interface LogEntry {
  /** The host function's address (a replay that calls another one has diverged). */
  addr: number;
  /** Its results, or undefined when it threw `error`. */
  results?: (number | bigint | Uint8Array)[];
  /** What it threw (thrown again on replay). */
  error?: unknown;
  /** Memory sizes in pages after the call, when it changed one (else null). */
  pages: number[] | null;
  /** Its memory effects. */
  writes: LoggedWrite[];
  /** Heap objects it appended to the store. */
  objects: unknown[];
  /** The host state after the call (JSON) when it changed, else null. */
  host: string | null;
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

/**
 * Thrown by `Recording.record` when a host function called back into wasm while recording:
 * the nested run's ticks happen inside the host call, which the log can only answer as a
 * whole, so a replay could not reach them or count them. The recording ends before the
 * budget that made the call; the execution itself stands after the call and may run on
 * without the recording.
 */
export class UnrecordableHostCall extends Error {
  /** The host function, as `module.name`. */
  readonly host: string;
  /** An error naming `host`. */
  constructor(host: string) {
    super(
      `host function ${host} called back into wasm: a recording cannot replay such a call ` +
        "(run it without recording, or make the host function return without calling wasm)",
    );
    this.name = "UnrecordableHostCall";
    this.host = host;
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
  /** The host function (`module.name`) that called back into wasm while recording, or null. */
  unrecordable: string | null = null;
  private host: HostState | null = null;
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
      const store = m.store;
      const objects = store.objects.length;
      const pagesBefore = store.memories.map((mm) => mm.pages);
      const ranges: number[] = [];
      let copies: ArrayBuffer[] | null = null;
      if (wasi !== null) wasi.ctx.mem.onAccess = (p, len) => void ranges.push(p, len);
      else if (!pure) copies = store.memories.map((mm) => mm.buffer.slice(0));
      const entry: LogEntry = { addr, pages: null, writes: [], objects: [], host: null };
      // The budget left: a nested run (the host calling back into wasm) spends from it.
      const fuel = m.fuel;
      try {
        const results = impl(args);
        entry.results = results;
        return results;
      } catch (e) {
        entry.error = e;
        throw e;
      } finally {
        if (wasi !== null) wasi.ctx.mem.onAccess = null;
        this.finish(m, entry, objects, pagesBefore, ranges, wasiMem, copies);
        if (m.fuel !== fuel && this.unrecordable === null) {
          const fn = store.objects[addr] as HostFunc;
          this.unrecordable = `${fn.module}.${fn.name}`;
          m.requestPause();
        }
      }
    };
  }

  /** Completes `entry` with what the call changed (objects, pages, memory writes, host state). */
  private finish(
    m: Machine,
    entry: LogEntry,
    objects: number,
    pagesBefore: number[],
    ranges: number[],
    wasiMem: number,
    copies: ArrayBuffer[] | null,
  ): void {
    const store = m.store;
    entry.objects = store.objects.slice(objects);
    const pages = store.memories.map((mm) => mm.pages);
    if (pages.some((p, i) => p !== pagesBefore[i])) entry.pages = pages;
    let bytes = 0;
    if (wasiMem >= 0) {
      const u8 = new Uint8Array(store.memories[wasiMem].buffer);
      for (let i = 0; i < ranges.length; i += 2) {
        if (ranges[i + 1] === 0) continue;
        const w = u8.slice(ranges[i], ranges[i] + ranges[i + 1]);
        entry.writes.push({ mem: wasiMem, at: ranges[i], bytes: w });
        bytes += w.length;
      }
    }
    if (copies !== null) {
      store.memories.forEach((mm, i) => {
        const now = new Uint8Array(mm.buffer);
        const was = new Uint8Array(copies[i]);
        for (let at = 0; at < now.length; at += PAGE) {
          const a = now.subarray(at, at + PAGE);
          if (at + PAGE <= was.length && same(a, was.subarray(at, at + PAGE))) continue;
          entry.writes.push({ mem: i, at, bytes: a.slice() });
          bytes += PAGE;
        }
      });
    }
    if (this.host !== null) {
      const h = this.host.get();
      if (h !== this.lastHost) {
        entry.host = h;
        this.lastHost = h;
        bytes += h.length;
      }
    }
    this.bytes += bytes + 64;
    this.entries.push(entry);
    this.cursor = this.entries.length;
  }

  /** Applies the next logged call, which must be of the function at `addr`, and returns its results. */
  private replay(m: Machine, addr: number): RawValue[] {
    const e = this.entries[this.cursor];
    if (e === undefined) throw new ReplayDivergence("replay ran past the end of the log");
    if (e.addr !== addr) {
      throw new ReplayDivergence(
        `replay diverged at log entry ${this.cursor}: host function ${addr} called, ${e.addr} recorded`,
      );
    }
    this.cursor++;
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
    if (e.results === undefined) throw e.error;
    return e.results;
  }
}
