/**
 * Conversions between JS values and raw values (src/runtime/values.ts) for the embedding API,
 * by value type, as the WebAssembly JS API does: an i32 is a JS number (results signed), an
 * i64 a bigint, f32 and f64 JS numbers (NaN payloads are not kept); references are `null`
 * (nullable types only) or, for the extern hierarchy, any JS value (`undefined` included),
 * for the func hierarchy an exported function ({@linkcode WasmFunction}) of a matching type.
 * For the any hierarchy (`anyref`, `eqref`, `i31ref`, `structref`, `arrayref`, concrete
 * struct and array types) an integer in [-2^30, 2^30) is an i31, a GC struct or array is an
 * opaque handle (`WasmGcObject`), any other JS value a host value (an `any` that is not an
 * `eq`), each checked against the type; an `externref` holding an i31 or a GC object (by
 * `extern.convert_any`) crosses as that number or handle too, and such an integer passed as an
 * `externref` is an i31 (so `any.convert_extern` sees one), as in V8.
 * An exnref never crosses (TypeError, as in the JS API). A v128 crosses as a 16-byte
 * `Uint8Array` (the JS API throws there; checked, never taken unchecked).
 *
 * Reference conversions need the runtime (to find or allocate store objects): they go
 * through the {@linkcode RefHost} interface that the runtime implements. Wrong argument
 * types throw `TypeError`, as JS APIs do (this is a programming error, not bad input).
 *
 * @module
 */

import type { RawValue } from "../runtime/values.ts";
import { i31ToRef, refToI31S } from "../runtime/heap.ts";
import {
  F32,
  F64,
  HEAP_EXN,
  HEAP_EXTERN,
  HEAP_FUNC,
  HEAP_NAMES,
  HEAP_NOEXN,
  HEAP_NOEXTERN,
  HEAP_NOFUNC,
  HEAP_NONE,
  I32,
  I64,
  refHeap,
  refNullable,
  V128,
  type ValType,
} from "../syntax/types.ts";
import { topHeap } from "../valid/match.ts";
import { canonSub } from "../valid/registry.ts";

/** A function exported by an instance, callable from JS. */
export type WasmFunction = (...args: unknown[]) => unknown;

/** What the value conversions ask of the runtime for references. */
export interface RefHost {
  /** The store address of `fn` if it is a function of this runtime, else undefined. */
  funcAddr(fn: unknown): number | undefined;
  /** The JS function for the function at `addr` (made once, then cached). */
  funcObject(addr: number): WasmFunction;
  /** The address of an extern object holding `value` (one per distinct value). */
  externAddr(value: unknown): number;
  /** The JS value held by the object at `addr` (an extern value, or an opaque handle). */
  objectValue(addr: number): unknown;
  /** The canonical type id of the function at `addr`. */
  funcTypeId(addr: number): number;
  /** The address of the GC object behind `v` if it is a handle of this runtime's, else undefined. */
  gcAddr(v: unknown): number | undefined;
  /** Whether reference `ref` (not null) has heap type `heap` (a canonical id or abstract). */
  refHasType(ref: number, heap: number): boolean;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** The bits of `x` as an f32. */
export function f32Bits(x: number): number {
  f32[0] = x;
  return u32[0];
}

/** The f32 whose bits are `bits`. */
export function f32FromBits(bits: number): number {
  u32[0] = bits;
  return f32[0];
}

/** The bits of `x` as an f64. */
export function f64Bits(x: number): bigint {
  f64[0] = x;
  return u64[0];
}

/** The f64 whose bits are `bits`. */
export function f64FromBits(bits: bigint): number {
  u64[0] = BigInt.asUintN(64, bits);
  return f64[0];
}

function toNumber(v: unknown, what: string): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  throw new TypeError(`expected a number for ${what}, got ${typeof v}`);
}

/**
 * A JS value as a raw value of (canonical) type `t`, as the WebAssembly JS API's
 * ToWebAssemblyValue does: `null` is the null reference of a nullable type only; for the
 * extern hierarchy `undefined` is a value like any other; a function must be an exported
 * function whose type matches a typed reference; exnref (null included) does not cross.
 * Unlike the JS API, a v128 crosses as a `Uint8Array` of exactly 16 bytes (its bytes in
 * memory order), where the JS API throws.
 *
 * @throws TypeError for a value that is not one of type `t`
 */
export function toRawValue(host: RefHost, v: unknown, t: ValType): RawValue {
  switch (t) {
    case I32:
      return typeof v === "bigint" ? Number(BigInt.asIntN(32, v)) : toNumber(v, "i32") | 0;
    case I64:
      if (typeof v === "bigint") return BigInt.asIntN(64, v);
      if (typeof v === "number" && Number.isInteger(v)) return BigInt.asIntN(64, BigInt(v));
      throw new TypeError(`expected a bigint for i64, got ${String(v)}`);
    case F32:
      return f32Bits(toNumber(v, "f32"));
    case F64:
      return f64Bits(toNumber(v, "f64"));
    case V128:
      if (v instanceof Uint8Array && v.length === 16) return v.slice();
      throw new TypeError("expected a Uint8Array of 16 bytes for v128");
  }
  const heap = refHeap(t);
  const top = topHeap(null, heap);
  if (top === HEAP_EXN) throw new TypeError(`${valName(t)} values cannot cross to or from JS`);
  if (v === null) {
    if (refNullable(t)) return 0;
    throw new TypeError(`null is not a value of the non-nullable type ${valName(t)}`);
  }
  if (BOTTOM.has(heap)) throw new TypeError(`only null is a value of ${valName(t)}`);
  switch (top) {
    case HEAP_FUNC: {
      const addr = host.funcAddr(v);
      if (addr === undefined) {
        throw new TypeError(`expected an exported function${refNullable(t) ? " or null" : ""}`);
      }
      if (heap >= 0 && !canonSub(host.funcTypeId(addr), heap)) {
        throw new TypeError(`the function's type does not match ${valName(t)}`);
      }
      return addr;
    }
    case HEAP_EXTERN:
      // A number that fits is an i31 (as V8 does: `any.convert_extern` then sees an i31).
      return host.gcAddr(v) ?? (isI31(v) ? i31ToRef(v) : host.externAddr(v));
    default: {
      // The any hierarchy.
      const ref = host.gcAddr(v) ?? (isI31(v) ? i31ToRef(v) : host.externAddr(v));
      if (!host.refHasType(ref, heap)) {
        throw new TypeError(`the value is not one of ${valName(t)}`);
      }
      return ref;
    }
  }
}

/**
 * A raw value of (canonical) type `t` as a JS value (the JS API's ToJSValue; a v128 as a
 * 16-byte `Uint8Array`).
 *
 * @throws TypeError for an exnref, which does not cross to JS
 */
export function fromRawValue(host: RefHost, r: RawValue, t: ValType): unknown {
  switch (t) {
    case I32:
    case I64:
    case V128:
      return r;
    case F32:
      return f32FromBits(r as number);
    case F64:
      return f64FromBits(r as bigint);
  }
  const top = topHeap(null, refHeap(t));
  if (top === HEAP_EXN) throw new TypeError(`${valName(t)} values cannot cross to or from JS`);
  const addr = r as number;
  if (addr === 0) return null;
  if (top === HEAP_FUNC) return host.funcObject(addr);
  if (addr < 0) return refToI31S(addr);
  return host.objectValue(addr);
}

/** 2^30: i31 values cross as the integers in [-2^30, 2^30). */
const I31_HALF = 0x4000_0000;

/** Whether JS value `v` crosses as an i31: an integer in [-2^30, 2^30), not -0. */
function isI31(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= -I31_HALF && v < I31_HALF &&
    !Object.is(v, -0);
}

/** The bottom heap types: only null is a value of a reference to one. */
const BOTTOM: ReadonlySet<number> = new Set([HEAP_NOFUNC, HEAP_NOEXTERN, HEAP_NONE, HEAP_NOEXN]);

/** A canonical value type's text (concrete types by their canonical id). */
function valName(t: ValType): string {
  const heap = refHeap(t);
  const h = heap >= 0 ? `${heap}` : HEAP_NAMES.get(heap) ?? `${heap}`;
  return `(ref ${refNullable(t) ? "null " : ""}${h})`;
}
