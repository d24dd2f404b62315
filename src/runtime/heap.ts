/**
 * The GC heap's shapes (spec §4.2 "Runtime Structure": structinst, arrayinst, i31): the word
 * layout of each struct and array type, the i31 encoding of references, and the dynamic type
 * test of a reference against a reference type (spec §4.4 `ref.test`, the runtime side of
 * subtyping) that casts, `br_on_cast` and the embedding boundary share.
 *
 * A layout is derived from a canonical type id (src/valid/registry.ts) and cached by it; it is
 * derived data, never state. This file allocates nothing and runs no instruction: the GC
 * instructions are in src/exec/interp_gc.ts, the objects' shapes in `store.ts`.
 *
 * @module
 */

import {
  F64,
  HEAP_ANY,
  HEAP_ARRAY,
  HEAP_EQ,
  HEAP_EXN,
  HEAP_EXTERN,
  HEAP_FUNC,
  HEAP_I31,
  HEAP_STRUCT,
  type HeapType,
  I16,
  I64,
  I8,
  isRefType,
  type StorageType,
  V128,
} from "../syntax/types.ts";
import { canonSub, canonType } from "../valid/registry.ts";
import type { Store } from "./store.ts";

/** The word layout of a struct or array type (see `StructObj`/`ArrayObj` in `store.ts`). */
export interface GcLayout {
  /** Whether it is an array type (else a struct type). */
  array: boolean;
  /** Struct: the word offset of each field. */
  offsets: Int32Array;
  /** Struct: the storage type of each field; array: one entry, the element's. */
  storage: Int32Array;
  /** Struct: the total number of words. */
  words: number;
  /** Struct: the word offsets that hold references (for the collector). */
  refWords: Int32Array;
  /** Array: the words of one element (1, 2 or 4). */
  elemWords: number;
  /** Array: whether the elements are references. */
  ref: boolean;
}

/** The number of 32-bit words a field of storage type `t` takes. */
export function storageWords(t: StorageType): number {
  return t === I64 || t === F64 ? 2 : t === V128 ? 4 : 1;
}

/** The number of bytes a packed or numeric storage type takes in a data segment. */
export function storageBytes(t: StorageType): number {
  if (t === I8) return 1;
  if (t === I16) return 2;
  return storageWords(t) * 4;
}

const layouts: (GcLayout | undefined)[] = [];

/** The layout of the struct or array type with canonical id `type` (cached). */
export function gcLayout(type: number): GcLayout {
  const known = layouts[type];
  if (known !== undefined) return known;
  const comp = canonType(type).comp;
  let layout: GcLayout;
  if (comp.kind === "array") {
    const t = comp.field.type;
    layout = {
      array: true,
      offsets: new Int32Array(0),
      storage: Int32Array.of(t),
      words: 0,
      refWords: new Int32Array(0),
      elemWords: storageWords(t),
      ref: isRefType(t),
    };
  } else if (comp.kind === "struct") {
    const n = comp.fields.length;
    const offsets = new Int32Array(n), storage = new Int32Array(n);
    const refs: number[] = [];
    let w = 0;
    for (let i = 0; i < n; i++) {
      const t = comp.fields[i].type;
      offsets[i] = w;
      storage[i] = t;
      if (isRefType(t)) refs.push(w);
      w += storageWords(t);
    }
    layout = {
      array: false,
      offsets,
      storage,
      words: w,
      refWords: Int32Array.from(refs),
      elemWords: 0,
      ref: false,
    };
  } else {
    throw new Error(`gcLayout: type ${type} is a function type`);
  }
  layouts[type] = layout;
  return layout;
}

/** The i31 reference of `x` (its low 31 bits): `ref.i31`. */
export function i31ToRef(x: number): number {
  return x | 0x8000_0000;
}

/** The payload of i31 reference `ref`, zero-extended (`i31.get_u`). */
export function refToI31U(ref: number): number {
  return ref & 0x7fff_ffff;
}

/** The payload of i31 reference `ref`, sign-extended from 31 bits (`i31.get_s`). */
export function refToI31S(ref: number): number {
  return (ref << 1) >> 1;
}

/**
 * Whether reference `ref` has reference type `(ref null? heap)` at run time (spec `ref.test`):
 * `heap` is an abstract heap type (negative code) or a canonical type id (>= 0). The static
 * type of `ref` is in the same hierarchy as `heap` (validation), so a top type (`any`,
 * `extern`, `func`, `exn`) matches every non-null reference (an i31 or struct converted by
 * `extern.convert_any` is an `extern`; a host value converted by `any.convert_extern` an
 * `any`, but not an `eq`), and the bottom types match null only.
 */
export function refTest(store: Store, ref: number, heap: HeapType, nullable: boolean): boolean {
  if (ref === 0) return nullable;
  // A top type holds every value of its hierarchy (an i31 or struct seen as extern included).
  if (heap === HEAP_ANY || heap === HEAP_EXTERN || heap === HEAP_FUNC || heap === HEAP_EXN) {
    return true;
  }
  if (ref < 0) return heap === HEAP_I31 || heap === HEAP_EQ;
  const obj = store.objects[ref];
  switch (obj.kind) {
    case "struct":
      return heap >= 0 ? canonSub(obj.type, heap) : heap === HEAP_STRUCT || heap === HEAP_EQ;
    case "array":
      return heap >= 0 ? canonSub(obj.type, heap) : heap === HEAP_ARRAY || heap === HEAP_EQ;
    case "wasm":
    case "host":
      return heap >= 0 && canonSub(obj.type, heap);
    default: // an extern object or an exception: only their top types hold them
      return false;
  }
}
