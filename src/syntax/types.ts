/**
 * Types of WebAssembly 3.0 (spec §2.3 "Types"), as plain numbers and objects.
 *
 * Value, heap and storage types are small integers, so that the validator can keep its operand
 * stack in an `Int32Array` and compare most types with `===`. The encoding follows the binary
 * format (spec §5.3): an abstract type is its one-byte code read as a signed LEB128 number, so
 * `i32` (0x7F) is -1 and `func` (0x70) is -16; a concrete heap type is its type index (>= 0).
 * A reference type packs its heap type and nullability into one number at or below
 * {@linkcode REF_BASE}; use {@linkcode refType}, {@linkcode refHeap} and
 * {@linkcode refNullable} rather than the arithmetic.
 *
 * This file only describes types. Subtyping, equivalence of recursive types and other rules
 * live in `src/valid`.
 *
 * @module
 */

/** A value type: a number type, `v128`, or a reference type (see {@linkcode refType}). */
export type ValType = number;
/** A heap type: an abstract heap type (negative) or a type index (>= 0). */
export type HeapType = number;
/** A storage type of a struct or array field: a value type, {@linkcode I8} or {@linkcode I16}. */
export type StorageType = number;

/** `i32` (binary 0x7F). */
export const I32: ValType = -0x01;
/** `i64` (binary 0x7E). */
export const I64: ValType = -0x02;
/** `f32` (binary 0x7D). */
export const F32: ValType = -0x03;
/** `f64` (binary 0x7C). */
export const F64: ValType = -0x04;
/** `v128` (binary 0x7B). */
export const V128: ValType = -0x05;
/** Packed storage type `i8` (binary 0x78); only in struct and array fields. */
export const I8: StorageType = -0x08;
/** Packed storage type `i16` (binary 0x77); only in struct and array fields. */
export const I16: StorageType = -0x09;

/** Abstract heap type `exn` (binary 0x69). */
export const HEAP_EXN: HeapType = -0x17;
/** Abstract heap type `array` (binary 0x6A). */
export const HEAP_ARRAY: HeapType = -0x16;
/** Abstract heap type `struct` (binary 0x6B). */
export const HEAP_STRUCT: HeapType = -0x15;
/** Abstract heap type `i31` (binary 0x6C). */
export const HEAP_I31: HeapType = -0x14;
/** Abstract heap type `eq` (binary 0x6D). */
export const HEAP_EQ: HeapType = -0x13;
/** Abstract heap type `any` (binary 0x6E). */
export const HEAP_ANY: HeapType = -0x12;
/** Abstract heap type `extern` (binary 0x6F). */
export const HEAP_EXTERN: HeapType = -0x11;
/** Abstract heap type `func` (binary 0x70). */
export const HEAP_FUNC: HeapType = -0x10;
/** Abstract heap type `none` (binary 0x71), the bottom of the `any` hierarchy. */
export const HEAP_NONE: HeapType = -0x0f;
/** Abstract heap type `noextern` (binary 0x72), the bottom of the `extern` hierarchy. */
export const HEAP_NOEXTERN: HeapType = -0x0e;
/** Abstract heap type `nofunc` (binary 0x73), the bottom of the `func` hierarchy. */
export const HEAP_NOFUNC: HeapType = -0x0d;
/** Abstract heap type `noexn` (binary 0x74), the bottom of the `exn` hierarchy. */
export const HEAP_NOEXN: HeapType = -0x0c;

/** Every reference type is at or below this number; number and vector types are above it. */
export const REF_BASE: number = -0x100;

/**
 * The reference type `(ref null? ht)` as a value type.
 *
 * @example
 * ```ts
 * import { HEAP_FUNC, refHeap, refNullable, refType } from "./types.ts";
 * const funcref = refType(true, HEAP_FUNC);
 * console.assert(refHeap(funcref) === HEAP_FUNC && refNullable(funcref));
 * ```
 */
export function refType(nullable: boolean, heap: HeapType): ValType {
  return REF_BASE - (((heap + 0x80) << 1) | (nullable ? 1 : 0));
}

/** Whether a value type is a reference type. */
export function isRefType(t: ValType): boolean {
  return t <= REF_BASE;
}

/** The heap type of a reference type. */
export function refHeap(t: ValType): HeapType {
  return ((REF_BASE - t) >> 1) - 0x80;
}

/** Whether a reference type includes `null`. */
export function refNullable(t: ValType): boolean {
  return ((REF_BASE - t) & 1) === 1;
}

/** Whether a heap type is abstract (not a type index). */
export function isAbstractHeap(h: HeapType): boolean {
  return h < 0;
}

/** `funcref`, that is `(ref null func)`. */
export const FUNCREF: ValType = refType(true, HEAP_FUNC);
/** `externref`, that is `(ref null extern)`. */
export const EXTERNREF: ValType = refType(true, HEAP_EXTERN);
/** `anyref`, that is `(ref null any)`. */
export const ANYREF: ValType = refType(true, HEAP_ANY);
/** `exnref`, that is `(ref null exn)`. */
export const EXNREF: ValType = refType(true, HEAP_EXN);

/** The text-format keyword of each abstract heap type, by its code. */
export const HEAP_NAMES: ReadonlyMap<HeapType, string> = new Map([
  [HEAP_EXN, "exn"],
  [HEAP_ARRAY, "array"],
  [HEAP_STRUCT, "struct"],
  [HEAP_I31, "i31"],
  [HEAP_EQ, "eq"],
  [HEAP_ANY, "any"],
  [HEAP_EXTERN, "extern"],
  [HEAP_FUNC, "func"],
  [HEAP_NONE, "none"],
  [HEAP_NOEXTERN, "noextern"],
  [HEAP_NOFUNC, "nofunc"],
  [HEAP_NOEXN, "noexn"],
]);

/** The text-format keyword of each number, vector and packed type. */
export const NUM_NAMES: ReadonlyMap<ValType, string> = new Map([
  [I32, "i32"],
  [I64, "i64"],
  [F32, "f32"],
  [F64, "f64"],
  [V128, "v128"],
  [I8, "i8"],
  [I16, "i16"],
]);

/** A field of a struct or the element of an array (spec: fieldtype). */
export interface FieldType {
  /** A value type or a packed type ({@linkcode I8}, {@linkcode I16}). */
  type: StorageType;
  /** Whether the field can be written (`mut`). */
  mutable: boolean;
}

/** A function type `[params] -> [results]`. */
export interface FuncType {
  /** Tells the composite types apart. */
  kind: "func";
  /** The parameter types, in order. */
  params: ValType[];
  /** The result types, in order. */
  results: ValType[];
}

/** A struct type. */
export interface StructType {
  /** Tells the composite types apart. */
  kind: "struct";
  /** The fields, in order. */
  fields: FieldType[];
}

/** An array type. */
export interface ArrayType {
  /** Tells the composite types apart. */
  kind: "array";
  /** The type of every element. */
  field: FieldType;
}

/** A composite type (spec: comptype). */
export type CompType = FuncType | StructType | ArrayType;

/**
 * A sub type (spec: subtype): a composite type with its declared supertypes and finality.
 * A type written without `sub` is final with no supertypes.
 */
export interface SubType {
  /** Whether no type may declare it as a supertype. */
  final: boolean;
  /** Type indices of the declared supertypes (at most one is valid). */
  supers: number[];
  /** The composite type itself. */
  comp: CompType;
}

/** Limits of a table or memory. Bigints, because memory64 and table64 limits are u64. */
export interface Limits {
  /** The minimum (initial) size. */
  min: bigint;
  /** The maximum size, or `null` for none. */
  max: bigint | null;
}

/** A table type. */
export interface TableType {
  /** Whether the table is indexed by i64 (table64). */
  is64: boolean;
  /** Its size limits, in elements. */
  limits: Limits;
  /** The element type, a reference type. */
  elem: ValType;
}

/** A memory type; limits count 64 KiB pages. */
export interface MemType {
  /** Whether the memory is indexed by i64 (memory64). */
  is64: boolean;
  /** Its size limits, in pages. */
  limits: Limits;
  /** Whether the memory is shared between threads (threads proposal). */
  shared: boolean;
}

/** A global type. */
export interface GlobalType {
  /** The type of its value. */
  type: ValType;
  /** Whether it can be set (`mut`). */
  mutable: boolean;
}

/** Kinds of imports and exports, numbered as in the binary format. */
export enum ExternKind {
  Func = 0,
  Table = 1,
  Memory = 2,
  Global = 3,
  Tag = 4,
}

/** The type of an import (spec: externtype); functions and tags name a type index. */
export type ExternType =
  | { kind: ExternKind.Func; type: number }
  | { kind: ExternKind.Table; table: TableType }
  | { kind: ExternKind.Memory; memory: MemType }
  | { kind: ExternKind.Global; global: GlobalType }
  | { kind: ExternKind.Tag; type: number };

/**
 * A block type: {@linkcode BLOCK_EMPTY}, a single result value type (negative), or a type
 * index (>= 0), exactly as the binary format reads it as a signed 33-bit number.
 */
export type BlockType = number;

/** The block type with no parameters and no results (binary 0x40). */
export const BLOCK_EMPTY: BlockType = -0x40;
