/**
 * Checkpoints of a running machine, kept in this process for time travel: everything that
 * changes while a program runs (memories, the value and call stacks, the current frame,
 * globals, tables, heap-object count, dropped segments, the execution's state, the WASI state
 * and the position in the replay log), never the code or the module.
 *
 * Memory is kept as versioned 64 KiB pages: a checkpoint holds a page table per memory whose
 * entries are shared with the previous checkpoint where the page did not change, so a
 * checkpoint costs the pages written since the last one. Which pages changed is found by
 * comparing each page with the previous checkpoint's version (a native `memcmp` through
 * node:buffer, a few ms for 10 MiB): this needs no hook in the interpreter's stores. A page
 * written and then restored to its old bytes between two checkpoints counts as unchanged.
 *
 * {@linkcode restoreCheckpoint} puts a machine back into a checkpoint's state in place (the
 * same machine, store and execution objects), writing only the pages that differ.
 *
 * Not here: choosing which checkpoints to keep (history.ts), the log (hostlog.ts).
 *
 * @module
 */

import { gcPacing, setGcPacing } from "../exec/collect.ts";
import { Buffer } from "node:buffer";
import type { Execution } from "../exec/execution.ts";
import type { Machine } from "../exec/machine.ts";
import { FRAME_STRIDE } from "../exec/machine.ts";
import type { HeapObj, Store } from "../runtime/store.ts";

/** Bytes per wasm page. */
export const PAGE = 65536;

/** A page of zeros, shared by every page table that has one. */
export const ZERO_PAGE: Uint8Array = new Uint8Array(PAGE);

/** One memory in a checkpoint: its size, generation and page versions. */
export interface MemoryImage {
  /** Size in pages. */
  pages: number;
  /** `MemInst.generation`. */
  generation: number;
  /** The page versions, one per page (`ZERO_PAGE` for untouched zeros). */
  table: Uint8Array[];
}

/** One table in a checkpoint. */
export interface TableImage {
  /** Elements in use. */
  size: number;
  /** Elements `[0, size)` (shared with the previous checkpoint when equal). */
  elems: Int32Array;
}

/** A machine's state at one tick (see the module doc). */
export interface Checkpoint {
  /** The tick (ticks executed since the recording started). */
  tick: number;
  /** Index of the next entry of the replay log. */
  logIndex: number;
  /** Per memory. */
  memories: MemoryImage[];
  /** Value stack bytes up to its high-water mark (see {@linkcode stackHighWater}). */
  stack: Uint8Array;
  /** Call-stack records `[0, depth)`. */
  frames: Int32Array;
  /** The machine's fields of the same names. */
  depth: number;
  /** See `depth`. */
  funcAddr: number;
  /** See `depth`. */
  pc: number;
  /** See `depth`. */
  fp: number;
  /** See `depth`. */
  status: "idle" | "running" | "paused";
  /** See `depth`. */
  hostCallee: number;
  /** See `depth`. */
  hostAt: number;
  /** See `depth`. */
  hostTail: number;
  /** `store.globalSlots` bytes in use. */
  globals: Uint8Array;
  /** Per table. */
  tables: TableImage[];
  /** `store.objects.length`. */
  objects: number;
  /**
   * The GC heap, when the store has structs, arrays or freed addresses (null otherwise: then
   * objects are only ever appended and `objects` says it all): every object, structs and
   * arrays as copies of their words (shared with the previous checkpoint where equal), since
   * they change in place and the collector reuses addresses; and `store.free`.
   */
  heap: { objects: readonly unknown[]; free: number[] } | null;
  /** The collector's pacing (when the next collection runs, so which addresses come next). */
  gc: { allocs: number; threshold: number; min: number };
  /** Per instance: its data and element segments (null once dropped). */
  datas: (Uint8Array | null)[][];
  /** Per instance: its element segments (null once dropped). */
  elems: (Int32Array | null)[][];
  /** The execution's state. */
  execution: "running" | "complete" | "trapped";
  /** The host state as JSON (WASI's), or null. */
  host: string | null;
  /** Bytes of pages this checkpoint introduced (its share of the history's memory). */
  ownBytes: number;
  /**
   * Never dropped by retention: a branch's first checkpoint, which holds writes no replay
   * makes.
   */
  pinned?: boolean;
}

/** Whether two byte ranges are equal (a native compare). */
export function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  return Buffer.compare(
    Buffer.from(a.buffer, a.byteOffset, a.byteLength),
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  ) === 0;
}

function sameWords(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  return same(
    new Uint8Array(a.buffer, a.byteOffset, a.byteLength),
    new Uint8Array(b.buffer, b.byteOffset, b.byteLength),
  );
}

/**
 * The pages of `buffer` as versions, sharing those equal to `prev`'s (and zero pages);
 * returns the table and the bytes of new page copies.
 */
export function pageTable(
  buffer: ArrayBuffer,
  prev: readonly Uint8Array[] | null,
): { table: Uint8Array[]; fresh: number } {
  const n = buffer.byteLength / PAGE;
  const table: Uint8Array[] = new Array(n);
  let fresh = 0;
  for (let p = 0; p < n; p++) {
    const cur = new Uint8Array(buffer, p * PAGE, PAGE);
    const old = prev !== null && p < prev.length ? prev[p] : ZERO_PAGE;
    if (same(cur, old)) table[p] = old;
    else if (old !== ZERO_PAGE && same(cur, ZERO_PAGE)) table[p] = ZERO_PAGE;
    else {
      table[p] = cur.slice();
      fresh += PAGE;
    }
  }
  return { table, fresh };
}

/** Zeros to compare ranges with (grown to the longest range asked; untouched, so cheap). */
let zeros = new Uint8Array(0);

/** Whether bytes `[from, to)` of `u8` are all zero (one native compare). */
function allZero(u8: Uint8Array, from: number, to: number): boolean {
  if (zeros.length < to - from) zeros = new Uint8Array(to - from);
  return same(u8.subarray(from, to), zeros.subarray(0, to - from));
}

/**
 * The end of the value stack's bytes that were ever written (past the last non-zero byte).
 * Checkpoints keep the stack up to there, dead slots above the current frames included, and
 * restoring clears what lies beyond: the whole stack buffer is then the recorded run's, so a
 * replay leaves the very bytes a straight run leaves (a slot a frame has not written yet
 * holds what an earlier call left there). Found by halving: about 20 native compares, which
 * stop at the first non-zero byte, rather than one per page (the stack is 8 MiB).
 */
export function stackHighWater(m: Machine): number {
  const u8 = m.u8;
  // The bytes from `hi` on are zero; the last non-zero byte, if any, lies in [lo, hi).
  let lo = 0, hi = u8.length;
  while (hi - lo > 4096) {
    const mid = lo + ((hi - lo) >> 1);
    if (allZero(u8, mid, hi)) hi = mid;
    else lo = mid;
  }
  let i = hi - 1;
  while (i >= lo && u8[i] === 0) i--;
  return i + 1;
}

/** Takes a checkpoint of `m` (idle or paused) at `tick`, sharing what `prev` holds. */
export function takeCheckpoint(
  m: Machine,
  ex: Execution,
  tick: number,
  logIndex: number,
  host: string | null,
  prev: Checkpoint | null,
): Checkpoint {
  const store = m.store;
  let own = 0;
  const memories = store.memories.map((mem, i) => {
    const { table, fresh } = pageTable(mem.buffer, prev?.memories[i]?.table ?? null);
    own += fresh;
    return { pages: mem.pages, generation: mem.generation, table };
  });
  const tables = store.tables.map((t, i) => {
    const cur = t.elems.subarray(0, t.size);
    const old = prev?.tables[i];
    if (old !== undefined && sameWords(old.elems, cur)) return { size: t.size, elems: old.elems };
    own += t.size * 4;
    return { size: t.size, elems: cur.slice() };
  });
  const top = m.funcAddr < 0 ? 0 : m.top();
  const stack = m.u8.slice(0, Math.max(top * 4, stackHighWater(m)));
  const globals = new Uint8Array(store.globalSlots, 0, store.globalSlotCount * 8).slice();
  own += stack.length + globals.length + m.depth * FRAME_STRIDE * 4 + (host?.length ?? 0);
  return {
    tick,
    logIndex,
    memories,
    stack,
    frames: m.frames.slice(0, m.depth * FRAME_STRIDE),
    depth: m.depth,
    funcAddr: m.funcAddr,
    pc: m.pc,
    fp: m.fp,
    status: m.status,
    hostCallee: m.hostCallee,
    hostAt: m.hostAt,
    hostTail: m.hostTail,
    globals,
    tables,
    objects: store.objects.length,
    heap: heapImage(store, prev?.heap ?? null),
    gc: gcPacing(store),
    datas: store.instances.map((inst) => inst.datas.slice()),
    elems: store.instances.map((inst) => inst.elems.slice()),
    execution: ex.state,
    host,
    ownBytes: own,
  };
}

/** A copy of `o` if it is a struct or an array (their words change in place), else `o`. */
function gcCopy(o: HeapObj): HeapObj {
  if (o.kind === "struct") return { kind: "struct", type: o.type, fields: o.fields.slice() };
  if (o.kind === "array") return { kind: "array", type: o.type, elems: o.elems.slice() };
  return o;
}

/** The heap image of `store` (see `Checkpoint.heap`), sharing `prev`'s equal objects. */
function heapImage(
  store: Store,
  prev: { objects: readonly unknown[]; free: number[] } | null,
): { objects: HeapObj[]; free: number[] } | null {
  const objs = store.objects;
  if (store.free.length === 0 && !objs.some((o) => o.kind === "struct" || o.kind === "array")) {
    return null;
  }
  const objects = objs.map((o, i) => {
    const p = prev?.objects[i] as HeapObj | undefined;
    if (o.kind === "struct" && p?.kind === "struct" && p.type === o.type) {
      if (p.fields.length === o.fields.length && p.fields.every((w, k) => w === o.fields[k])) {
        return p;
      }
    } else if (o.kind === "array" && p?.kind === "array" && p.type === o.type) {
      if (sameWords(p.elems, o.elems)) return p;
    }
    return gcCopy(o);
  });
  return { objects, free: store.free.slice() };
}

/** Writes page table `table` into memory `buffer` (same size), only the pages that differ. */
export function writePages(buffer: ArrayBuffer, table: readonly Uint8Array[]): void {
  const u8 = new Uint8Array(buffer);
  for (let p = 0; p < table.length; p++) {
    const cur = new Uint8Array(buffer, p * PAGE, PAGE);
    if (!same(cur, table[p])) u8.set(table[p], p * PAGE);
  }
}

/**
 * Puts `m` (and `ex`) back into the state of `c`, in place. The host state is the caller's
 * to restore (`c.host`).
 */
export function restoreCheckpoint(m: Machine, ex: Execution, c: Checkpoint): void {
  const store = m.store;
  c.memories.forEach((img, i) => {
    const mem = store.memories[i];
    if (mem.pages !== img.pages) {
      mem.buffer = new ArrayBuffer(img.pages * PAGE);
      mem.pages = img.pages;
      const u8 = new Uint8Array(mem.buffer);
      for (let p = 0; p < img.table.length; p++) {
        if (img.table[p] !== ZERO_PAGE) u8.set(img.table[p], p * PAGE);
      }
    } else writePages(mem.buffer, img.table);
    mem.generation = img.generation;
  });
  c.tables.forEach((img, i) => {
    const t = store.tables[i];
    if (t.elems.length < img.size) t.elems = new Int32Array(img.size);
    t.elems.set(img.elems);
    t.size = img.size;
  });
  new Uint8Array(store.globalSlots).set(c.globals);
  if (c.heap !== null) {
    store.objects = (c.heap.objects as HeapObj[]).map(gcCopy);
    store.free = c.heap.free.slice();
  } else {
    store.objects.length = c.objects;
    store.free = []; // no freed addresses then: a later allocation must not take one of now's
  }
  setGcPacing(store, c.gc);
  store.instances.forEach((inst, i) => {
    c.datas[i].forEach((d, k) => inst.datas[k] = d);
    c.elems[i].forEach((e, k) => inst.elems[k] = e);
  });
  const hw = stackHighWater(m);
  m.u8.set(c.stack);
  if (hw > c.stack.length) m.u8.fill(0, c.stack.length, hw);
  if (m.frames.length < c.frames.length) m.frames = new Int32Array(c.frames.length * 2);
  m.frames.set(c.frames);
  m.depth = c.depth;
  m.funcAddr = c.funcAddr;
  m.pc = c.pc;
  m.fp = c.fp;
  m.status = c.status;
  m.hostCallee = c.hostCallee;
  m.hostAt = c.hostAt;
  m.hostTail = c.hostTail;
  m.pauseRequested = false;
  ex.state = c.execution;
}
