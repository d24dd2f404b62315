/**
 * Conversion operators of the spec's numerics (spec §4.3.4, "Conversions"): float-to-integer
 * truncations (trapping and saturating), integer-to-float conversions with correct rounding,
 * and the integer width changes.
 *
 * Floats are VALUES here (JS numbers; an f32 operand is the exact double of its f32 value, so
 * one function serves `..._f32_...` and `..._f64_...` alike); an i32 is a signed number, an i64
 * a signed bigint. f32 results are doubles holding an f32 value (store them in a Float32Array).
 *
 * Not here: f32.demote_f64 (`Math.fround`), f64.promote_f32 (the value itself), the
 * reinterpretations (word moves in the loop; see `numerics_float.ts` for bits <-> values).
 *
 * @module
 */

import { Trap } from "../errors.ts";

/** 2^31, 2^32, 2^63 and 2^64 as doubles (all exact). */
const P31 = 2147483648;
const P32 = 4294967296;
const P63 = 9223372036854775808;
const P64 = 18446744073709551616;
const I64_MIN = -9223372036854775808n;
const I64_MAX = 9223372036854775807n;

/** Throws the trap of a NaN operand or an out-of-range truncation. */
function badTrunc(x: number): never {
  throw new Trap(x !== x ? "invalid conversion to integer" : "integer overflow");
}

// ---------------------------------------------------------------------------------------------
// Trapping truncations (spec trunc_s / trunc_u): NaN -> "invalid conversion to integer",
// trunc(x) outside the result range (infinities included) -> "integer overflow".

/**
 * `i32.trunc_f32_s` / `i32.trunc_f64_s` (spec trunc_s): valid for -2^31 - 1 < x < 2^31
 * (so f64 -2147483648.9 gives -2^31, f32 -2147483904 overflows).
 */
export function i32TruncS(x: number): number {
  if (!(x > -2147483649 && x < P31)) badTrunc(x);
  return x | 0; // ToInt32 truncates toward zero; in range here.
}

/** `i32.trunc_f32_u` / `i32.trunc_f64_u` (spec trunc_u): valid for -1 < x < 2^32. */
export function i32TruncU(x: number): number {
  if (!(x > -1 && x < P32)) badTrunc(x);
  return x | 0; // ToInt32 truncates, then wraps to the signed form.
}

/** `i64.trunc_f32_s` / `i64.trunc_f64_s` (spec trunc_s): valid for -2^63 <= x < 2^63. */
export function i64TruncS(x: number): bigint {
  if (!(x >= -P63 && x < P63)) badTrunc(x);
  return BigInt(Math.trunc(x));
}

/** `i64.trunc_f32_u` / `i64.trunc_f64_u` (spec trunc_u): valid for -1 < x < 2^64. */
export function i64TruncU(x: number): bigint {
  if (!(x > -1 && x < P64)) badTrunc(x);
  return x < P63 ? BigInt(Math.trunc(x)) : BigInt.asIntN(64, BigInt(x));
}

// ---------------------------------------------------------------------------------------------
// Saturating truncations (spec trunc_sat_s / trunc_sat_u): NaN -> 0, out of range -> the
// nearest bound.

/** `i32.trunc_sat_f32_s` / `i32.trunc_sat_f64_s` (spec trunc_sat_s). */
export function i32TruncSatS(x: number): number {
  if (x !== x) return 0;
  if (x <= -P31) return -2147483648;
  if (x >= 2147483647) return 2147483647;
  return x | 0;
}

/** `i32.trunc_sat_f32_u` / `i32.trunc_sat_f64_u` (spec trunc_sat_u); the result signed. */
export function i32TruncSatU(x: number): number {
  if (!(x > 0)) return 0; // NaN, negatives, zeros
  if (x >= 4294967295) return -1;
  return x | 0;
}

/** `i64.trunc_sat_f32_s` / `i64.trunc_sat_f64_s` (spec trunc_sat_s). */
export function i64TruncSatS(x: number): bigint {
  if (x !== x) return 0n;
  if (x <= -P63) return I64_MIN;
  if (x >= P63) return I64_MAX;
  return BigInt(Math.trunc(x));
}

/** `i64.trunc_sat_f32_u` / `i64.trunc_sat_f64_u` (spec trunc_sat_u); the result signed. */
export function i64TruncSatU(x: number): bigint {
  if (!(x >= 1)) return 0n; // NaN, negatives, (-1, 1)
  if (x >= P64) return -1n;
  return x < P63 ? BigInt(Math.trunc(x)) : BigInt.asIntN(64, BigInt(x));
}

// ---------------------------------------------------------------------------------------------
// Integer to float (spec convert_s / convert_u), round to nearest, ties to even.

/** `f32.convert_i32_s` (spec convert_s): one rounding of the exact double. */
export function f32ConvertI32S(a: number): number {
  return Math.fround(a);
}

/** `f32.convert_i32_u` (spec convert_u). */
export function f32ConvertI32U(a: number): number {
  return Math.fround(a >>> 0);
}

/** `f64.convert_i32_s` (spec convert_s): exact. */
export function f64ConvertI32S(a: number): number {
  return a;
}

/** `f64.convert_i32_u` (spec convert_u): exact. */
export function f64ConvertI32U(a: number): number {
  return a >>> 0;
}

/** `f64.convert_i64_s` (spec convert_s): `Number(bigint)` rounds to nearest, ties to even. */
export function f64ConvertI64S(a: bigint): number {
  return Number(a);
}

/** `f64.convert_i64_u` (spec convert_u). */
export function f64ConvertI64U(a: bigint): number {
  return Number(a >= 0n ? a : BigInt.asUintN(64, a));
}

const TWO_53 = 9007199254740992n;

/**
 * An unsigned integer below 2^64 rounded to f32 with a single rounding: below 2^53 it is an
 * exact double; above, its low 11 bits are folded into a sticky bit (bit 11 or 0 if they are
 * all zero) so that the double is exact and rounds to f32 exactly as the integer would (the f32
 * rounding point is at bit 30 or higher, far above the sticky bit).
 */
function unsignedToF32(u: bigint): number {
  if (u < TWO_53) return Math.fround(Number(u));
  const kept = (u >> 11n) | ((u & 0x7ffn) === 0n ? 0n : 1n);
  return Math.fround(Number(kept) * 2048);
}

/** `f32.convert_i64_s` (spec convert_s): correctly rounded, no double rounding via f64. */
export function f32ConvertI64S(a: bigint): number {
  if (a > -TWO_53 && a < TWO_53) return Math.fround(Number(a));
  return a < 0n ? -unsignedToF32(-a) : unsignedToF32(a);
}

/** `f32.convert_i64_u` (spec convert_u): correctly rounded, no double rounding via f64. */
export function f32ConvertI64U(a: bigint): number {
  return unsignedToF32(a >= 0n ? a : BigInt.asUintN(64, a));
}

// ---------------------------------------------------------------------------------------------
// Integer width changes.

/** `i32.wrap_i64` (spec wrap): the low 32 bits, signed. */
export function i32WrapI64(a: bigint): number {
  return Number(BigInt.asIntN(32, a));
}

/** `i64.extend_i32_s` (spec extend_s). */
export function i64ExtendI32S(a: number): bigint {
  return BigInt(a);
}

/** `i64.extend_i32_u` (spec extend_u). */
export function i64ExtendI32U(a: number): bigint {
  return BigInt(a >>> 0);
}

/** `f32.demote_f64` (spec demote): round to f32; NaN stays a (quiet) NaN. */
export function f32DemoteF64(x: number): number {
  return Math.fround(x);
}

/** `f64.promote_f32` (spec promote): exact; NaN stays a (quiet) NaN. */
export function f64PromoteF32(x: number): number {
  return x;
}
