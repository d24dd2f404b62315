/**
 * The garbage collector of the GC heap: a mark-sweep over `store.objects` whose freed
 * addresses go on `store.free` for `allocObject` to reuse (lowest address first), and whose
 * freed objects go to `store.pool` for the allocating instructions (src/exec/interp_gc.ts) to
 * fill again. A collection allocates no JS objects in the steady state (its mark bits, mark
 * stack, free list and pools keep their room), so a program that allocates and drops objects
 * at a steady rate leaves V8's heap as it is.
 *
 * Only structs and arrays are ever freed. Functions, extern objects and exceptions stay (an
 * exception may be held by a JS error in flight, an extern object by the embedder's value
 * map); they are roots, and an exception's arguments are traced.
 *
 * Roots, each known exactly from types, never guessed:
 * - every wasm frame on the machine's stack: its reference-typed locals (the function's
 *   declared local types) and the reference-typed entries of its wasm operand stack, read from
 *   the lowering's position table (src/ir/positions.ts: at the current instruction for the
 *   running frame, at the call site for every frame below it, nested invocations included),
 *   plus the hidden exception slots live there;
 * - the arguments of a pending (suspending) host call;
 * - reference globals, tables (up to their size), element segments not dropped;
 * - the references the embedder holds (registered with {@linkcode setHostRoots});
 * - the object being allocated (`extra`), which is in no slot yet.
 *
 * A collection that meets a frame without a position (a state the tables do not describe)
 * frees nothing: it reports false and the heap is unchanged.
 *
 * @module
 */

import { E_C64, E_DEAD, E_I32, type Position, R_LOCALS_DEAD } from "../ir/positions.ts";
import { gcLayout } from "../runtime/heap.ts";
import type {
  ArrayObj,
  ExnObj,
  GcPacing,
  HeapObj,
  Store,
  StructObj,
  WasmFunc,
} from "../runtime/store.ts";
import { FREE } from "../runtime/store.ts";
import { slotCount } from "../runtime/values.ts";
import { type FuncType, isRefType, V128 } from "../syntax/types.ts";
import { canonType } from "../valid/registry.ts";
import { funcTypeOf } from "./calls.ts";
import { FRAME_STRIDE, type Machine } from "./machine.ts";
import { positionsOf } from "./wasm_frames.ts";

/** The references an embedder holds, by store (e.g. the API's live object handles). */
const hostRoots = new WeakMap<Store, () => Iterable<number>>();

/** Registers `roots` as the references the embedder of `store` holds (they stay alive). */
export function setHostRoots(store: Store, roots: () => Iterable<number>): void {
  hostRoots.set(store, roots);
}

/** Collection pacing ({@linkcode GcPacing}: `store.gc`). */
export type Pacing = GcPacing;

/** A copy of `store`'s collection pacing (plain data). */
export function gcPacing(store: Store): Pacing {
  return { ...store.gc };
}

/** Puts back a pacing that {@linkcode gcPacing} copied. */
export function setGcPacing(store: Store, p: Pacing): void {
  store.gc = { ...p };
}

/**
 * Starts the pacing afresh after a collection (as one triggered by allocation does): no
 * allocations counted, the next collection after as many as the live set.
 */
export function pacingAfterCollect(store: Store, live: number): void {
  const p = store.gc;
  p.allocs = 0;
  p.threshold = Math.max(p.min, live);
}

/**
 * {@linkcode pacingAfterCollect} with the structs and arrays `store` holds as the live set:
 * what a snapshot written without its pacing restores (its writer did this after collecting).
 */
export function restartPacing(store: Store): void {
  let live = 0;
  for (const o of store.objects) if (o?.kind === "struct" || o?.kind === "array") live++;
  pacingAfterCollect(store, live);
}

/**
 * Sets the fewest allocations between two collections of `store` (10,000 by default; tests
 * use small numbers to collect often).
 */
export function setGcThreshold(store: Store, allocations: number): void {
  const p = store.gc;
  p.min = p.threshold = Math.max(1, allocations);
}

/** What collections have done, for tests and the benchmark. */
export interface GcStats {
  collections: number;
  freed: number;
  /** Collections that freed nothing because a frame had no position. */
  aborted: number;
  /** Live GC objects after the last collection. */
  live: number;
  /** Milliseconds spent collecting. */
  ms: number;
}

const stats = new WeakMap<Store, GcStats>();

/** The statistics of `store`'s collections. */
export function gcStats(store: Store): GcStats {
  let s = stats.get(store);
  if (s === undefined) {
    stats.set(store, s = { collections: 0, freed: 0, aborted: 0, live: 0, ms: 0 });
  }
  return s;
}

/**
 * Counts one allocation of `obj` (about to be stored) and collects when enough have happened
 * since the last collection. The machine's current frame must be saved (`funcAddr`, `pc` at
 * the allocating instruction, `fp`, `depth`).
 */
export function noteAllocation(m: Machine, obj: HeapObj): void {
  const p = m.store.gc;
  if (++p.allocs < p.threshold) return;
  collect(m, obj);
  // Grow with the live set so that collecting stays proportional to allocating.
  pacingAfterCollect(m.store, gcStats(m.store).live);
}

/**
 * Marks everything reachable from the roots and frees the unreachable structs and arrays.
 * `extra` is an object not yet stored anywhere whose references must survive. Returns false
 * (freeing nothing) when some frame's live values are not known exactly.
 */
export function collect(m: Machine, extra: HeapObj | null = null): boolean {
  const store = m.store;
  const t0 = performance.now();
  const objects = store.objects;
  const n = objects.length;
  if (scratch.marks.length < n) scratch.marks = new Uint8Array(n + (n >> 1));
  else scratch.marks.fill(0, 0, n);
  const marks = scratch.marks;
  let work = scratch.work, top = 0;
  const mark = (ref: number) => {
    if (ref > 0 && ref < n && marks[ref] === 0) {
      marks[ref] = 1;
      if (top === work.length) {
        const w = new Int32Array(top * 2);
        w.set(work);
        scratch.work = work = w;
      }
      work[top++] = ref;
    }
  };
  const s = gcStats(store);
  if (!markStack(m, mark)) {
    s.aborted++;
    return false;
  }
  markStore(store, mark);
  const host = hostRoots.get(store);
  if (host !== undefined) { for (const r of host()) mark(r); }
  // Objects that are never freed are roots; of those only exceptions hold references.
  for (let i = 1; i < n; i++) if (objects[i].kind === "exn") mark(i);
  if (extra !== null) traceObject(store, extra, mark);
  while (top > 0) traceObject(store, objects[work[--top]], mark);
  // Sweep: free the unmarked structs and arrays (into the pool, by type, for allocation to
  // take again: the last collection's leftovers are dropped); the free list pops the lowest
  // address first.
  const pool = store.pool;
  for (let t = 0; t < pool.length; t++) {
    const p = pool[t];
    if (p !== undefined) p.n = 0;
  }
  // The free list is rewritten in place (it allocates nothing when it has the room): every
  // freed address in ascending order, then reversed.
  const free = store.free;
  let freed = 0, live = 0, k = 0;
  for (let i = 1; i < n; i++) {
    const o = objects[i];
    if (o === FREE) {
      free[k++] = i;
      continue;
    }
    const kind = o.kind;
    if (kind !== "struct" && kind !== "array") continue;
    if (marks[i] === 0) {
      const t = (o as StructObj | ArrayObj).type;
      const p = pool[t];
      if (p === undefined) pool[t] = { objs: [o], n: 1 };
      else p.objs[p.n++] = o;
      objects[i] = FREE;
      free[k++] = i;
      freed++;
    } else live++;
  }
  let end = n;
  while (end > 1 && objects[end - 1] === FREE) end--;
  objects.length = end;
  while (k > 0 && free[k - 1] >= end) k--;
  free.length = k;
  free.reverse();
  s.collections++;
  s.freed += freed;
  s.live = live;
  s.ms += performance.now() - t0;
  return true;
}

/**
 * The mark bits and the mark stack, kept from one collection to the next (only their first
 * entries are used): scratch, not state.
 */
const scratch = { marks: new Uint8Array(0), work: new Int32Array(1024) };

/** Calls `mark` on every reference `obj` holds. */
function traceObject(store: Store, obj: HeapObj, mark: (ref: number) => void): void {
  switch (obj.kind) {
    case "struct": {
      const words = (obj as StructObj).fields;
      const refs = gcLayout((obj as StructObj).type).refWords;
      for (let i = 0; i < refs.length; i++) mark(words[refs[i]]);
      return;
    }
    case "array": {
      const a = obj as ArrayObj;
      if (!gcLayout(a.type).ref) return;
      const elems = a.elems;
      for (let i = 0; i < elems.length; i++) mark(elems[i]);
      return;
    }
    case "exn": {
      const e = obj as ExnObj;
      const params = (canonType(store.tags[e.tag].type).comp as FuncType).params;
      const words = new Int32Array(e.slots.buffer, e.slots.byteOffset, e.slots.byteLength >> 2);
      let slot = 0;
      for (const t of params) {
        if (isRefType(t)) mark(words[slot * 2]);
        slot += slotCount(t);
      }
      return;
    }
  }
}

/** Marks the references of globals, tables and element segments. */
function markStore(store: Store, mark: (ref: number) => void): void {
  const g = new Int32Array(store.globalSlots);
  for (const gl of store.globals) if (isRefType(gl.type)) mark(g[gl.slot * 2]);
  for (const t of store.tables) {
    const e = t.elems;
    for (let i = 0; i < t.size; i++) mark(e[i]);
  }
  for (const inst of store.instances) {
    for (const seg of inst.elems) {
      if (seg !== null) { for (let i = 0; i < seg.length; i++) mark(seg[i]); }
    }
  }
}

/**
 * Marks the references of every frame on `m`'s stack; false when a frame stands where its
 * function's position table has nothing (then nothing may be freed).
 */
function markStack(m: Machine, mark: (ref: number) => void): boolean {
  const I = m.i32;
  const frame = (addr: number, fp: number, pos: Position | null): boolean => {
    if (pos === null) return false;
    const fn = m.store.objects[addr] as WasmFunc;
    const info = m.store.instances[fn.instance].info;
    const locals = info.funcs[fn.index - info.importedFuncs].locals;
    if ((pos.flags & R_LOCALS_DEAD) === 0) {
      let slot = fp >> 1;
      for (let i = 0; i < locals.length; i++) {
        const t = locals[i];
        if (isRefType(t)) mark(I[slot * 2]);
        slot += t === V128 ? 2 : 1;
      }
    }
    for (let i = 0; i < pos.types.length; i++) {
      const k = pos.kinds[i];
      if (!isRefType(pos.types[i]) || k === E_DEAD || k === E_I32 || k === E_C64) continue;
      mark(I[fp + pos.vals[i] * 2]);
    }
    for (const s of pos.live) mark(I[fp + s * 2]);
    return true;
  };
  const atCall = (addr: number, pc: number, fp: number) => {
    const site = positionsOf(m, addr).callSite(pc);
    return frame(addr, fp, site === null ? null : site.below);
  };
  const f = m.frames;
  for (let d = 0; d < m.depth; d++) {
    const at = d * FRAME_STRIDE;
    const a = f[at];
    if (a === -1) continue; // an invocation from an idle machine
    // A caller at its call, or (entry record) a frame whose host call re-entered wasm.
    if (!atCall(a < 0 ? -2 - a : a, f[at + 1], f[at + 2])) return false;
  }
  if (m.funcAddr < 0) return true;
  if (m.hostCallee >= 0) {
    // A suspending host call is pending: the frame waits at its call, with the arguments.
    const ft = funcTypeOf(m, m.hostCallee);
    let slot = m.hostAt >> 1;
    for (const t of ft.params) {
      if (isRefType(t)) mark(I[slot * 2]);
      slot += slotCount(t);
    }
    return m.hostTail === 1 || atCall(m.funcAddr, m.pc, m.fp);
  }
  return frame(m.funcAddr, m.fp, positionsOf(m, m.funcAddr).at(m.pc));
}
