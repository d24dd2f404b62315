/**
 * The embedding API's handles on store objects: {@linkcode WasmMemory},
 * {@linkcode WasmTable}, {@linkcode WasmGlobal}, {@linkcode WasmTag} and
 * {@linkcode WasmGcObject} (a GC struct or array, opaque). Each is a thin view
 * of one object of its runtime's store (a runtime and an address): exports hand them out,
 * imports take them back, and several handles may name the same object.
 *
 * Not here: creating them from scratch (the runtime's `memory`, `table`, `global`) and
 * functions (plain JS functions, see `runtime.ts`).
 *
 * @module
 */

import { readGlobal, writeGlobal } from "../runtime/global.ts";
import { growMemory, PAGE_SIZE } from "../runtime/memory.ts";
import type { Store } from "../runtime/store.ts";
import { growTable } from "../runtime/table.ts";
import type { ValType } from "../syntax/types.ts";
import { fromRawValue, type RefHost, toRawValue } from "./convert.ts";

/**
 * What a handle needs of its runtime (the engine's side of the API: {@linkcode Runtime}
 * implements it).
 *
 * @internal
 */
export interface HandleOwner extends RefHost {
  /** The store the handle's address points into. */
  readonly store: Store;
}

/**
 * A memory: its current bytes, its size in pages, and growth.
 *
 * @example
 * ```ts
 * import { instantiate, WasmMemory } from "./runtime.ts";
 * const { exports } = instantiate(`(module (memory (export "mem") 1 2)
 *   (data (i32.const 0) "hi"))`);
 * const mem = exports.mem as WasmMemory;
 * console.assert(new TextDecoder().decode(new Uint8Array(mem.buffer, 0, 2)) === "hi");
 * console.assert(mem.grow(1) === 1 && mem.pages === 2 && mem.grow(1) === -1);
 * ```
 */
export class WasmMemory {
  /** The owning runtime. */
  readonly owner: HandleOwner;
  /** Its address in `store.memories`. */
  readonly addr: number;
  /**
   * The handle of the object at `addr` in `owner`'s store; handles come from a runtime.
   *
   * @internal
   */
  constructor(owner: HandleOwner, addr: number) {
    this.owner = owner;
    this.addr = addr;
  }

  /**
   * The memory's bytes. Growing replaces the buffer: take it again after a `grow` (or after
   * wasm code ran `memory.grow`) rather than keeping it.
   */
  get buffer(): ArrayBuffer {
    return this.owner.store.memories[this.addr].buffer;
  }

  /** The size in pages of 64 KiB. */
  get pages(): number {
    return this.owner.store.memories[this.addr].pages;
  }

  /** The size in bytes. */
  get byteLength(): number {
    return this.pages * PAGE_SIZE;
  }

  /** Grows by `delta` pages; returns the old size in pages, or -1 if it cannot grow. */
  grow(delta: number): number {
    return growMemory(this.owner.store.memories[this.addr], delta);
  }
}

/**
 * A table of references: functions (exported functions or null) or external values (any
 * JS value, null for null).
 */
export class WasmTable {
  /** The owning runtime. */
  readonly owner: HandleOwner;
  /** Its address in `store.tables`. */
  readonly addr: number;
  /**
   * The handle of the object at `addr` in `owner`'s store; handles come from a runtime.
   *
   * @internal
   */
  constructor(owner: HandleOwner, addr: number) {
    this.owner = owner;
    this.addr = addr;
  }

  /** The number of elements. */
  get length(): number {
    return this.owner.store.tables[this.addr].size;
  }

  /** `i` if it is an index into the table, else a RangeError. */
  private index(i: number): number {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) {
      throw new RangeError(`table index ${i} out of bounds (length ${this.length})`);
    }
    return i;
  }

  /** The element at index `i`. */
  get(i: number): unknown {
    const t = this.owner.store.tables[this.addr];
    return fromRawValue(this.owner, t.elems[this.index(i)], t.type.elem);
  }

  /** Sets the element at index `i`. */
  set(i: number, value: unknown): void {
    const t = this.owner.store.tables[this.addr];
    t.elems[this.index(i)] = toRawValue(this.owner, value, t.type.elem) as number;
  }

  /** Grows by `delta` elements set to `init`; returns the old length, or -1. */
  grow(delta: number, init: unknown = null): number {
    const t = this.owner.store.tables[this.addr];
    return growTable(t, delta, toRawValue(this.owner, init, t.type.elem) as number);
  }
}

/**
 * A global: its value type and mutability, and its value (numbers, bigints for i64,
 * references as in tables).
 */
export class WasmGlobal {
  /** The owning runtime. */
  readonly owner: HandleOwner;
  /** Its address in `store.globals`. */
  readonly addr: number;
  /**
   * The handle of the object at `addr` in `owner`'s store; handles come from a runtime.
   *
   * @internal
   */
  constructor(owner: HandleOwner, addr: number) {
    this.owner = owner;
    this.addr = addr;
  }

  /** Its value type (canonical, see src/syntax/types.ts). */
  get type(): ValType {
    return this.owner.store.globals[this.addr].type;
  }

  /** Whether it is mutable. */
  get mutable(): boolean {
    return this.owner.store.globals[this.addr].mutable;
  }

  /** Its current value. */
  get value(): unknown {
    return fromRawValue(this.owner, readGlobal(this.owner.store, this.addr), this.type);
  }

  /** Sets the value (a TypeError for an immutable global). */
  set value(v: unknown) {
    if (!this.mutable) throw new TypeError("cannot set an immutable global");
    writeGlobal(this.owner.store, this.addr, toRawValue(this.owner, v, this.type));
  }
}

/** An exception tag (exception handling). */
export class WasmTag {
  /** The owning runtime. */
  readonly owner: HandleOwner;
  /** Its address in `store.tags`. */
  readonly addr: number;
  /**
   * The handle of the object at `addr` in `owner`'s store; handles come from a runtime.
   *
   * @internal
   */
  constructor(owner: HandleOwner, addr: number) {
    this.owner = owner;
    this.addr = addr;
  }
}

/**
 * A GC struct or array handed to JS (as an `anyref`, `eqref`, `structref`... result or
 * argument, or inside an `externref`): opaque, as in the WebAssembly JS API. Passing it back
 * to wasm gives the same object; a runtime hands out one handle per object.
 *
 * @example
 * ```ts
 * import { instantiate, WasmGcObject } from "./runtime.ts";
 * const { exports } = instantiate(`(module (type $p (struct (field i32)))
 *   (func (export "make") (param i32) (result anyref) (struct.new $p (local.get 0)))
 *   (func (export "get") (param anyref) (result i32)
 *     (struct.get $p 0 (ref.cast (ref $p) (local.get 0)))))`);
 * const make = exports.make as (x: number) => unknown;
 * const get = exports.get as (o: unknown) => number;
 * const p = make(42);
 * console.assert(p instanceof WasmGcObject && get(p) === 42);
 * ```
 */
export class WasmGcObject {
  /** The owning runtime. */
  readonly owner: HandleOwner;
  /** Its address in `store.objects`. */
  readonly addr: number;
  /**
   * The handle of the object at `addr` in `owner`'s store; handles come from a runtime.
   *
   * @internal
   */
  constructor(owner: HandleOwner, addr: number) {
    this.owner = owner;
    this.addr = addr;
    Object.freeze(this);
  }
}
