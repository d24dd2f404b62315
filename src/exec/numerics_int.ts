/**
 * Integer operators of the spec's numerics (spec §4.3.2, "Integer Operations") that are more
 * than one JS expression: division and remainder with their traps, bit counts, rotations,
 * 64-bit shifts, unsigned 64-bit comparisons and sign extensions.
 *
 * Conventions (those of the engine's slots): an i32 is a signed JS number (int32); an i64 is a
 * signed bigint in the 64-bit range and every i64 result goes through `BigInt.asIntN(64, ...)`
 * or is already in range. The `...Words` variants take an i64 as its two 32-bit halves
 * (little-endian slot words: `lo` = I32[i], `hi` = I32[i + 1]) and avoid BigInts entirely.
 *
 * Not here: operators that are one JS expression (i32 add/sub/mul via `| 0` and `Math.imul`,
 * shifts, bitwise ops, comparisons, eqz), which the interpreter loop inlines.
 *
 * @module
 */

import { Trap } from "../errors.ts";

/** The smallest i32, -2^31. */
const I32_MIN = -2147483648;
/** The smallest i64, -2^63. */
const I64_MIN = -9223372036854775808n;

/** Throws the trap of a division by zero (spec: idiv/irem undefined for j2 = 0). */
function divideByZero(): never {
  throw new Trap("integer divide by zero");
}

/** Throws the trap of a signed division overflow (spec: idiv_s of -2^(N-1) by -1). */
function overflow(): never {
  throw new Trap("integer overflow");
}

// ---------------------------------------------------------------------------------------------
// i32

/**
 * `i32.div_s` (spec idiv_s): truncating signed division.
 * Traps "integer divide by zero" for b = 0 and "integer overflow" for -2^31 / -1.
 * (The double quotient of two int32s never rounds across an integer, so `| 0` truncates right.)
 */
export function i32DivS(a: number, b: number): number {
  if (b === 0) divideByZero();
  if (a === I32_MIN && b === -1) overflow();
  return (a / b) | 0;
}

/** `i32.div_u` (spec idiv_u): unsigned division; traps "integer divide by zero" for b = 0. */
export function i32DivU(a: number, b: number): number {
  if (b === 0) divideByZero();
  return ((a >>> 0) / (b >>> 0)) | 0;
}

/**
 * `i32.rem_s` (spec irem_s): remainder with the dividend's sign; traps "integer divide by zero"
 * for b = 0; -2^31 rem_s -1 is 0.
 */
export function i32RemS(a: number, b: number): number {
  if (b === 0) divideByZero();
  return (a % b) | 0;
}

/** `i32.rem_u` (spec irem_u): unsigned remainder; traps "integer divide by zero" for b = 0. */
export function i32RemU(a: number, b: number): number {
  if (b === 0) divideByZero();
  return ((a >>> 0) % (b >>> 0)) | 0;
}

/** `i32.clz` (spec iclz): leading zero bits, 32 for 0. */
export function i32Clz(a: number): number {
  return Math.clz32(a);
}

/** `i32.ctz` (spec ictz): trailing zero bits, 32 for 0. */
export function i32Ctz(a: number): number {
  return a === 0 ? 32 : 31 - Math.clz32(a & -a);
}

/** `i32.popcnt` (spec ipopcnt): the number of one bits. */
export function i32Popcnt(a: number): number {
  let x = a - ((a >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** `i32.rotl` (spec irotl): rotate left by b mod 32 (JS shift counts are already mod 32). */
export function i32Rotl(a: number, b: number): number {
  return (a << b) | (a >>> (32 - b));
}

/** `i32.rotr` (spec irotr): rotate right by b mod 32. */
export function i32Rotr(a: number, b: number): number {
  return (a >>> b) | (a << (32 - b));
}

/** `i32.extend8_s` (spec iextend_s with M = 8): sign-extend the low byte. */
export function i32Extend8S(a: number): number {
  return (a << 24) >> 24;
}

/** `i32.extend16_s` (spec iextend_s with M = 16): sign-extend the low 16 bits. */
export function i32Extend16S(a: number): number {
  return (a << 16) >> 16;
}

// ---------------------------------------------------------------------------------------------
// i64 (bigint)

/**
 * `i64.div_s` (spec idiv_s): truncating signed division.
 * Traps "integer divide by zero" for b = 0 and "integer overflow" for -2^63 / -1.
 */
export function i64DivS(a: bigint, b: bigint): bigint {
  if (b === 0n) divideByZero();
  if (b === -1n) {
    if (a === I64_MIN) overflow();
    return -a;
  }
  return a / b;
}

/** `i64.div_u` (spec idiv_u): unsigned division; traps "integer divide by zero" for b = 0. */
export function i64DivU(a: bigint, b: bigint): bigint {
  if (b === 0n) divideByZero();
  if (a >= 0n && b > 0n) return a / b;
  return BigInt.asIntN(64, BigInt.asUintN(64, a) / BigInt.asUintN(64, b));
}

/**
 * `i64.rem_s` (spec irem_s): remainder with the dividend's sign; traps "integer divide by zero"
 * for b = 0; -2^63 rem_s -1 is 0.
 */
export function i64RemS(a: bigint, b: bigint): bigint {
  if (b === 0n) divideByZero();
  return a % b;
}

/** `i64.rem_u` (spec irem_u): unsigned remainder; traps "integer divide by zero" for b = 0. */
export function i64RemU(a: bigint, b: bigint): bigint {
  if (b === 0n) divideByZero();
  if (a >= 0n && b > 0n) return a % b;
  return BigInt.asIntN(64, BigInt.asUintN(64, a) % BigInt.asUintN(64, b));
}

/** The low 32 bits of an i64 as an int32. */
function lo32(a: bigint): number {
  return Number(BigInt.asIntN(32, a));
}

/** The high 32 bits of an i64 as an int32. */
function hi32(a: bigint): number {
  return Number(BigInt.asIntN(32, a >> 32n));
}

/** `i64.clz` (spec iclz) on the two words of an i64: leading zero bits (0..64), as a number. */
export function i64ClzWords(lo: number, hi: number): number {
  return hi === 0 ? 32 + Math.clz32(lo) : Math.clz32(hi);
}

/** `i64.ctz` (spec ictz) on the two words of an i64: trailing zero bits (0..64), as a number. */
export function i64CtzWords(lo: number, hi: number): number {
  return lo === 0 ? 32 + i32Ctz(hi) : i32Ctz(lo);
}

/** `i64.popcnt` (spec ipopcnt) on the two words of an i64: one bits (0..64), as a number. */
export function i64PopcntWords(lo: number, hi: number): number {
  return i32Popcnt(lo) + i32Popcnt(hi);
}

/** `i64.clz` (spec iclz): leading zero bits, 64 for 0. */
export function i64Clz(a: bigint): bigint {
  return BigInt(i64ClzWords(lo32(a), hi32(a)));
}

/** `i64.ctz` (spec ictz): trailing zero bits, 64 for 0. */
export function i64Ctz(a: bigint): bigint {
  return BigInt(i64CtzWords(lo32(a), hi32(a)));
}

/** `i64.popcnt` (spec ipopcnt): the number of one bits. */
export function i64Popcnt(a: bigint): bigint {
  return BigInt(i64PopcntWords(lo32(a), hi32(a)));
}

/** `i64.shl` (spec ishl): shift left by b mod 64. */
export function i64Shl(a: bigint, b: bigint): bigint {
  return BigInt.asIntN(64, a << (b & 63n));
}

/** `i64.shr_s` (spec ishr_s): arithmetic shift right by b mod 64. */
export function i64ShrS(a: bigint, b: bigint): bigint {
  return a >> (b & 63n);
}

/** `i64.shr_u` (spec ishr_u): logical shift right by b mod 64. */
export function i64ShrU(a: bigint, b: bigint): bigint {
  const k = b & 63n;
  if (k === 0n) return a;
  return a >= 0n ? a >> k : BigInt.asIntN(64, BigInt.asUintN(64, a) >> k);
}

/** `i64.rotl` (spec irotl): rotate left by b mod 64. */
export function i64Rotl(a: bigint, b: bigint): bigint {
  const k = b & 63n;
  if (k === 0n) return a;
  const u = BigInt.asUintN(64, a);
  return BigInt.asIntN(64, (u << k) | (u >> (64n - k)));
}

/** `i64.rotr` (spec irotr): rotate right by b mod 64. */
export function i64Rotr(a: bigint, b: bigint): bigint {
  const k = b & 63n;
  if (k === 0n) return a;
  const u = BigInt.asUintN(64, a);
  return BigInt.asIntN(64, (u >> k) | (u << (64n - k)));
}

/** `i64.lt_u` (spec ilt_u): unsigned a < b, as 1 or 0. No allocation. */
export function i64LtU(a: bigint, b: bigint): number {
  return ((a < 0n) === (b < 0n) ? a < b : b < 0n) ? 1 : 0;
}

/** `i64.gt_u` (spec igt_u): unsigned a > b, as 1 or 0. */
export function i64GtU(a: bigint, b: bigint): number {
  return ((a < 0n) === (b < 0n) ? a > b : a < 0n) ? 1 : 0;
}

/** `i64.le_u` (spec ile_u): unsigned a <= b, as 1 or 0. */
export function i64LeU(a: bigint, b: bigint): number {
  return ((a < 0n) === (b < 0n) ? a <= b : b < 0n) ? 1 : 0;
}

/** `i64.ge_u` (spec ige_u): unsigned a >= b, as 1 or 0. */
export function i64GeU(a: bigint, b: bigint): number {
  return ((a < 0n) === (b < 0n) ? a >= b : a < 0n) ? 1 : 0;
}

/** `i64.extend8_s` (spec iextend_s with M = 8): sign-extend the low byte. */
export function i64Extend8S(a: bigint): bigint {
  return BigInt.asIntN(8, a);
}

/** `i64.extend16_s` (spec iextend_s with M = 16): sign-extend the low 16 bits. */
export function i64Extend16S(a: bigint): bigint {
  return BigInt.asIntN(16, a);
}

/** `i64.extend32_s` (spec iextend_s with M = 32): sign-extend the low 32 bits. */
export function i64Extend32S(a: bigint): bigint {
  return BigInt.asIntN(32, a);
}
