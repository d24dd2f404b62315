/**
 * Subtyping (spec §3.3 "Matching"): heap, reference, value, storage and field types,
 * composite types, limits and external types.
 *
 * Concrete heap types are compared by canonical id (see `registry.ts`): a function here takes
 * `canon`, the array from a module's type indices to canonical ids, or `null` when its types
 * are already canonical (heap types that are canonical ids, as the runtime keeps them).
 *
 * The validator's unknown operands are represented by {@linkcode BOT}, a value type that
 * matches every value type, and by reference types with heap type {@linkcode HEAP_BOT}, which
 * match every reference type of the right nullability. Neither ever appears in a module.
 *
 * Imports match across modules in the canonical space: convert each side's value types with
 * {@linkcode canonValType} and compare with `canon = null`; functions and tags compare their
 * canonical type ids (`canonSub` in `registry.ts` for functions, equality for tags).
 *
 * Not here: the declared-supertype rules of type definitions (`types.ts`).
 *
 * @module
 */

import {
  type FieldType,
  type GlobalType,
  HEAP_ANY,
  HEAP_ARRAY,
  HEAP_EQ,
  HEAP_EXN,
  HEAP_EXTERN,
  HEAP_FUNC,
  HEAP_I31,
  HEAP_NOEXN,
  HEAP_NOEXTERN,
  HEAP_NOFUNC,
  HEAP_NONE,
  HEAP_STRUCT,
  type HeapType,
  type Limits,
  type MemType,
  REF_BASE,
  type StorageType,
  type SubType,
  type TableType,
  type ValType,
} from "../syntax/types.ts";
import { canonKind, canonSub, KIND_ARRAY, KIND_FUNC, KIND_STRUCT } from "./registry.ts";

/** The unknown value type of unreachable code (spec: bot); matches every value type. */
export const BOT: ValType = 1;
/** The unknown heap type (spec: bot); `(ref bot)` matches every non-null reference type. */
export const HEAP_BOT: HeapType = -0x40;

/** Maps a heap type to the canonical space. */
function canonHeap(canon: Int32Array | null, h: HeapType): number {
  return h >= 0 && canon !== null ? canon[h] : h;
}

/** The abstract heap type at the top of `h`'s hierarchy (any, func, exn or extern). */
export function topHeap(canon: Int32Array | null, h: HeapType): HeapType {
  if (h >= 0) return canonKind(canonHeap(canon, h)) === KIND_FUNC ? HEAP_FUNC : HEAP_ANY;
  switch (h) {
    case HEAP_FUNC:
    case HEAP_NOFUNC:
      return HEAP_FUNC;
    case HEAP_EXN:
    case HEAP_NOEXN:
      return HEAP_EXN;
    case HEAP_EXTERN:
    case HEAP_NOEXTERN:
      return HEAP_EXTERN;
    default:
      return HEAP_ANY;
  }
}

/** The abstract heap type at the bottom of `h`'s hierarchy (none, nofunc, noexn, noextern). */
export function bottomHeap(canon: Int32Array | null, h: HeapType): HeapType {
  switch (topHeap(canon, h)) {
    case HEAP_FUNC:
      return HEAP_NOFUNC;
    case HEAP_EXN:
      return HEAP_NOEXN;
    case HEAP_EXTERN:
      return HEAP_NOEXTERN;
    default:
      return HEAP_NONE;
  }
}

/** Whether abstract heap type `a` matches abstract heap type `b`. */
function matchAbstract(a: HeapType, b: HeapType): boolean {
  if (a === b || a === HEAP_BOT) return true;
  switch (b) {
    case HEAP_ANY:
      return a === HEAP_EQ || a === HEAP_I31 || a === HEAP_STRUCT || a === HEAP_ARRAY ||
        a === HEAP_NONE;
    case HEAP_EQ:
      return a === HEAP_I31 || a === HEAP_STRUCT || a === HEAP_ARRAY || a === HEAP_NONE;
    case HEAP_I31:
    case HEAP_STRUCT:
    case HEAP_ARRAY:
      return a === HEAP_NONE;
    case HEAP_FUNC:
      return a === HEAP_NOFUNC;
    case HEAP_EXTERN:
      return a === HEAP_NOEXTERN;
    case HEAP_EXN:
      return a === HEAP_NOEXN;
    default:
      return false;
  }
}

/** Whether heap type `a` matches heap type `b` (spec: heaptype subtyping). */
export function matchHeap(canon: Int32Array | null, a: HeapType, b: HeapType): boolean {
  if (a === b) return true;
  if (a >= 0) {
    const ca = canonHeap(canon, a);
    if (b >= 0) return canonSub(ca, canonHeap(canon, b));
    switch (canonKind(ca)) {
      case KIND_FUNC:
        return b === HEAP_FUNC;
      case KIND_STRUCT:
        return b === HEAP_STRUCT || b === HEAP_EQ || b === HEAP_ANY;
      default:
        return b === HEAP_ARRAY || b === HEAP_EQ || b === HEAP_ANY;
    }
  }
  if (b >= 0) {
    if (a === HEAP_BOT) return true;
    const kind = canonKind(canonHeap(canon, b));
    if (a === HEAP_NONE) return kind === KIND_STRUCT || kind === KIND_ARRAY;
    return a === HEAP_NOFUNC && kind === KIND_FUNC;
  }
  return matchAbstract(a, b);
}

/** Whether value type `a` matches value type `b`; {@linkcode BOT} matches everything. */
export function matchVal(canon: Int32Array | null, a: ValType, b: ValType): boolean {
  if (a === b || a === BOT) return true;
  if (a > REF_BASE || b > REF_BASE) return false;
  // Reference types: bit 0 of (REF_BASE - t) is nullability.
  if (((REF_BASE - a) & 1) === 1 && ((REF_BASE - b) & 1) === 0) return false;
  return matchHeap(canon, ((REF_BASE - a) >> 1) - 0x80, ((REF_BASE - b) >> 1) - 0x80);
}

/** Whether two value types are equivalent (match both ways). */
export function equalVal(canon: Int32Array | null, a: ValType, b: ValType): boolean {
  return matchVal(canon, a, b) && matchVal(canon, b, a);
}

/** Whether result type `a` matches result type `b` (same length, pointwise). */
export function matchResult(
  canon: Int32Array | null,
  a: readonly ValType[],
  b: readonly ValType[],
): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!matchVal(canon, a[i], b[i])) return false;
  return true;
}

/** Whether storage type `a` matches storage type `b` (packed types match only themselves). */
export function matchStorage(canon: Int32Array | null, a: StorageType, b: StorageType): boolean {
  return matchVal(canon, a, b);
}

/** Whether field type `a` matches field type `b` (mutable fields are invariant). */
export function matchField(canon: Int32Array | null, a: FieldType, b: FieldType): boolean {
  if (a.mutable !== b.mutable || !matchStorage(canon, a.type, b.type)) return false;
  return !a.mutable || matchStorage(canon, b.type, a.type);
}

/** Whether the composite type of `a` matches that of `b` (width and depth subtyping). */
export function matchComp(canon: Int32Array | null, a: SubType, b: SubType): boolean {
  const ca = a.comp, cb = b.comp;
  if (ca.kind === "func" && cb.kind === "func") {
    return matchResult(canon, cb.params, ca.params) && matchResult(canon, ca.results, cb.results);
  }
  if (ca.kind === "struct" && cb.kind === "struct") {
    if (ca.fields.length < cb.fields.length) return false;
    for (let i = 0; i < cb.fields.length; i++) {
      if (!matchField(canon, ca.fields[i], cb.fields[i])) return false;
    }
    return true;
  }
  if (ca.kind === "array" && cb.kind === "array") return matchField(canon, ca.field, cb.field);
  return false;
}

/** Whether limits `a` match limits `b` (a's range lies within b's). */
export function matchLimits(a: Limits, b: Limits): boolean {
  if (a.min < b.min) return false;
  if (b.max === null) return true;
  return a.max !== null && a.max <= b.max;
}

/**
 * Value type `t` of a module with canonical ids `canon`, with its type index (if any)
 * replaced by its canonical id, for comparison with types of other modules (pass `null` as
 * `canon` to the matching functions then).
 */
export function canonValType(canon: Int32Array, t: ValType): ValType {
  if (t > REF_BASE) return t;
  const h = ((REF_BASE - t) >> 1) - 0x80;
  if (h < 0) return t;
  return REF_BASE - (((canon[h] + 0x80) << 1) | ((REF_BASE - t) & 1));
}

/** Whether global type `a` matches global type `b` (mutable globals are invariant). */
export function matchGlobalType(canon: Int32Array | null, a: GlobalType, b: GlobalType): boolean {
  if (a.mutable !== b.mutable || !matchVal(canon, a.type, b.type)) return false;
  return !a.mutable || matchVal(canon, b.type, a.type);
}

/** Whether table type `a` matches table type `b` (element types must be equivalent). */
export function matchTableType(canon: Int32Array | null, a: TableType, b: TableType): boolean {
  return a.is64 === b.is64 && matchLimits(a.limits, b.limits) && equalVal(canon, a.elem, b.elem);
}

/** Whether memory type `a` matches memory type `b`. */
export function matchMemType(a: MemType, b: MemType): boolean {
  return a.is64 === b.is64 && a.shared === b.shared && matchLimits(a.limits, b.limits);
}
