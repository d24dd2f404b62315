/**
 * The store (spec §4.2 "Runtime Structure"): every function, table, memory, global, tag,
 * segment and heap object that instances have allocated, as plain data. Nothing in here is a
 * JS closure or refers to one: a host function is known by its import name and bound again
 * when a machine is restored, so the whole store can be written to a snapshot.
 *
 * Addresses are indices. A reference value (funcref, externref, exnref, GC references) is an
 * i32: 0 is null, a positive number is an index into {@linkcode Store.objects} (a function's
 * address is its reference), and an i31 reference is negative: the 31-bit payload `v` with the
 * sign bit set (`v | 0x80000000`), so all 2^31 payloads are distinct from null and from
 * objects (`i31ToRef`, `refToI31U`, `refToI31S` in `heap.ts`).
 *
 * GC structs and arrays ({@linkcode StructObj}, {@linkcode ArrayObj}) keep their contents as
 * plain 32-bit words whose layout their canonical type gives (`gcLayout` in `heap.ts`);
 * every one is allocated through {@linkcode allocObject}.
 *
 * This file only declares the shapes and allocates; instantiation lives in `instantiate.ts`,
 * execution in `src/exec`.
 *
 * @module
 */

import type { Module } from "../syntax/module.ts";
import type { MemType, TableType, ValType } from "../syntax/types.ts";
import type { ModuleInfo } from "../valid/validate.ts";

/** A function defined by a module instance. */
export interface WasmFunc {
  kind: "wasm";
  /** Canonical id of the function's type (src/valid/registry.ts). */
  type: number;
  /** Index of the owning instance in {@linkcode Store.instances}. */
  instance: number;
  /** Index of the function in its module's function index space (imports included). */
  index: number;
}

/**
 * A function the host provides, known by name: the embedder binds `module`/`name` to a JS
 * function when it instantiates (and again when it restores a snapshot).
 */
export interface HostFunc {
  kind: "host";
  type: number;
  module: string;
  name: string;
}

/** A host value passed in as an `externref`. Only data that a snapshot can carry. */
export interface ExternObj {
  kind: "extern";
  value: unknown;
}

/** An exception (exception handling): its tag and its arguments' slots. */
export interface ExnObj {
  kind: "exn";
  /** Address of the tag in {@linkcode Store.tags}. */
  tag: number;
  /** The arguments, 8 bytes per slot (v128 takes two), bit-exact. */
  slots: Uint8Array;
}

/**
 * A GC struct (spec: structinst). `fields` holds the field values as 32-bit words (signed
 * int32 numbers), at the word offsets of its type's layout (`gcLayout(type).offsets` in
 * `heap.ts`): a 32-bit value, a reference (the i32 of the module doc) or a packed i8/i16
 * (stored zero-extended) takes one word, an i64/f64 two (low word first), a v128 four (lanes
 * little-endian). The words that hold references are `gcLayout(type).refWords`. A plain array,
 * not an `Int32Array`: structs are many and small, and V8 allocates a typed array about ten
 * times slower than a small array (measured: ~2 us against ~0.15 us on a loaded machine).
 */
export interface StructObj {
  kind: "struct";
  /** Canonical id of its defined type (src/valid/registry.ts), a struct type. */
  type: number;
  fields: number[];
}

/**
 * A GC array (spec: arrayinst). `elems` holds its elements as 32-bit words,
 * `gcLayout(type).elemWords` words each (1 for i8/i16/i32/f32/references, packed values
 * zero-extended; 2 for i64/f64, low word first; 4 for v128), so its length is
 * `elems.length / elemWords`. `gcLayout(type).ref` says whether the elements are references.
 */
export interface ArrayObj {
  kind: "array";
  /** Canonical id of its defined type (src/valid/registry.ts), an array type. */
  type: number;
  elems: Int32Array;
}

/**
 * A freed address (the collector, src/exec/collect.ts): no reference points here; it is on
 * {@linkcode Store.free} until an allocation takes it again.
 */
export interface FreeObj {
  kind: "free";
}

/** The one {@linkcode FreeObj}: every freed address holds it. */
export const FREE: FreeObj = Object.freeze({ kind: "free" }) as FreeObj;

/** Anything a reference can point to (or a freed address). */
export type HeapObj = WasmFunc | HostFunc | ExternObj | ExnObj | StructObj | ArrayObj | FreeObj;

/** A table: its elements are references (see the module doc). */
export interface TableInst {
  type: TableType;
  /** The elements; `elems.length` may exceed `size` (room to grow). */
  elems: Int32Array;
  size: number;
}

/**
 * A memory. The buffer is a fixed-size `ArrayBuffer` of exactly `pages * 65536` bytes:
 * growing replaces it, and the interpreter refreshes its views when `generation` changes.
 */
export interface MemInst {
  type: MemType;
  buffer: ArrayBuffer;
  pages: number;
  /** Incremented on every grow. */
  generation: number;
}

/**
 * A global. Values live in {@linkcode Store.globals} (8 bytes a slot, v128 two), so that a
 * global is read and written like a frame slot, bit-exact.
 */
export interface GlobalInst {
  type: ValType;
  mutable: boolean;
  /** Its slot in {@linkcode Store.globals}. */
  slot: number;
}

/** A tag (exception handling). */
export interface TagInst {
  /** Canonical id of its function type. */
  type: number;
}

/** A module instance: its module and the addresses its index spaces map to. */
export interface Instance {
  module: Module;
  info: ModuleInfo;
  /** Store address (an index into `objects`) of each function, imports first. */
  funcs: Int32Array;
  tables: Int32Array;
  memories: Int32Array;
  globals: Int32Array;
  tags: Int32Array;
  /** Per element segment: its references, or null once dropped. */
  elems: (Int32Array | null)[];
  /** Per data segment: its bytes, or null once dropped. */
  datas: (Uint8Array | null)[];
  /** Exports by name. */
  exports: Map<string, ExternVal>;
}

/** An exported or imported value: its kind and its store address. */
export type ExternVal =
  | { kind: "func"; addr: number }
  | { kind: "table"; addr: number }
  | { kind: "memory"; addr: number }
  | { kind: "global"; addr: number }
  | { kind: "tag"; addr: number };

/**
 * When the collector (src/exec/collect.ts) runs: plain data, so that time travel and
 * snapshots carry it (it decides which addresses later allocations take).
 */
export interface GcPacing {
  /** Allocations since the last collection. */
  allocs: number;
  /** Allocations after which the next collection runs. */
  threshold: number;
  /** The fewest allocations between two collections. */
  min: number;
}

/**
 * The fewest allocations between two collections, by default. Small on purpose: objects that
 * die young in our heap die young in V8's too (measured on scripts/bench_gc.ts at 4 million
 * objects: peak RSS 703 MiB with 100,000, 275 MiB with 10,000, and faster).
 */
export const GC_MIN_THRESHOLD = 10_000;

/** All runtime state that instances share. */
export interface Store {
  /** Heap objects by reference; index 0 is unused (the null reference). */
  objects: HeapObj[];
  tables: TableInst[];
  memories: MemInst[];
  globals: GlobalInst[];
  /** Global values, 8 bytes a slot. */
  globalSlots: ArrayBuffer;
  /** The number of slots of `globalSlots` in use. */
  globalSlotCount: number;
  tags: TagInst[];
  instances: Instance[];
  /**
   * Freed addresses of `objects` (each holds {@linkcode FREE}), taken from the end: the
   * collector leaves them in descending order, so the lowest is reused first.
   */
  free: number[];
  /** The collector's pacing. */
  gc: GcPacing;
  /**
   * The structs and arrays the last collection freed, by canonical type id, for allocation to
   * take again instead of making new JS objects (a loop that makes and drops objects then
   * makes none in the JS engine, whose heap stays as it is). A cache, not state: nothing
   * refers to these objects, no snapshot or checkpoint holds them, and what an allocation
   * takes from here it overwrites entirely.
   */
  pool: (GcPool | undefined)[];
}

/**
 * Dead objects of one type (see `Store.pool`): `objs[0]` to `objs[n - 1]`; the entries from `n`
 * on are stale (kept so that refilling the pool allocates nothing).
 */
export interface GcPool {
  objs: HeapObj[];
  n: number;
}

/**
 * Puts a new object (a struct, an array or an exception) in the store and returns its
 * reference. The one place that adds heap objects at run time (the collector may reuse freed
 * addresses here); a collection is never triggered by this function itself (the machine's
 * `allocGc` in src/exec/interp_gc.ts is where one may start).
 */
export function allocObject(store: Store, obj: HeapObj): number {
  const objects = store.objects;
  const free = store.free;
  if (free.length > 0) {
    const addr = free.pop()!;
    objects[addr] = obj;
    return addr;
  }
  objects.push(obj);
  return objects.length - 1;
}

/** A new, empty store. */
export function newStore(): Store {
  return {
    objects: [{ kind: "extern", value: null }],
    tables: [],
    memories: [],
    globals: [],
    globalSlots: new ArrayBuffer(1024),
    globalSlotCount: 0,
    tags: [],
    instances: [],
    free: [],
    gc: { allocs: 0, threshold: GC_MIN_THRESHOLD, min: GC_MIN_THRESHOLD },
    pool: [],
  };
}
