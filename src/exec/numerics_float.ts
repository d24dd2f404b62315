/**
 * Floating-point operators of the spec's numerics (spec §4.3.3, "Floating-Point Operations")
 * that are more than one JS expression, and the bit-level helpers for f32/f64.
 *
 * Two forms of float travel here:
 * - VALUES (JS numbers) for arithmetic: an f32 is the exact double of its f32 value (what a
 *   Float32Array read gives), an f64 is the double itself. A NaN result must be an arithmetic NaN
 *   (quiet bit set), and a canonical one when every NaN operand is canonical (spec nans): min,
 *   max and the rounding operators return JS's `NaN` (canonical) for any NaN operand, and never
 *   an operand NaN as is (so no signalling NaN escapes); the f32 arithmetic gives the
 *   hardware's NaN (an operand's payload, quieted, or the default NaN: canonical as well).
 * - BITS for the operators that must keep payloads (abs, neg, copysign): an f32 is its 32 bits
 *   as a number (signed or unsigned: typed-array stores take either; results here are
 *   unsigned), an f64 is its 64 bits as a bigint (unsigned), or its two 32-bit slot words, of
 *   which only the high one (`I32[i + 1]` little-endian) carries the sign, so the f64 word
 *   helpers take and return that word.
 *
 * Not here: f64 add/sub/mul/div and comparisons (one JS expression each, in the loop), moves
 * and reinterpretations (I32 word copies in the loop: NOT Float32Array/Float64Array element
 * copies, which quiet signalling NaNs; the conversions to and from bits below are for the
 * edges: the host boundary, constants and tests).
 *
 * @module
 */

const scratch = new ArrayBuffer(8);
const scratchF32 = new Float32Array(scratch);
const scratchF64 = new Float64Array(scratch);
const scratchU32 = new Uint32Array(scratch);
const scratchI64 = new BigUint64Array(scratch);

/** An f32's bits (unsigned number) from its value. A NaN gets the bits the host gives it. */
export function f32ToBits(x: number): number {
  scratchF32[0] = x;
  return scratchU32[0];
}

/**
 * An f32's value from its bits (a signalling NaN comes back quieted, as f32 -> double
 * conversion quiets it; keep bits in integer words where payloads matter).
 */
export function f32FromBits(bits: number): number {
  scratchU32[0] = bits;
  return scratchF32[0];
}

/** An f64's bits (unsigned bigint) from its value. */
export function f64ToBits(x: number): bigint {
  scratchF64[0] = x;
  return scratchI64[0];
}

/**
 * An f64's value from its bits. A signalling NaN may come back quieted: V8 sets the quiet bit
 * when an optimized function moves a NaN through a Float64Array (observed in Deno 2.9 after a
 * few hundred calls), so NaN payloads survive only in integer words, never in JS numbers.
 */
export function f64FromBits(bits: bigint): number {
  scratchI64[0] = bits;
  return scratchF64[0];
}

// ---------------------------------------------------------------------------------------------
// Sign operators on bits.

/** `f32.abs` (spec fabs) on bits: clears the sign bit, payloads kept. */
export function f32Abs(bits: number): number {
  return (bits & 0x7fffffff) >>> 0;
}

/** `f32.neg` (spec fneg) on bits: flips the sign bit, payloads kept. */
export function f32Neg(bits: number): number {
  return (bits ^ 0x80000000) >>> 0;
}

/** `f32.copysign` (spec fcopysign) on bits: a's magnitude with b's sign. */
export function f32Copysign(a: number, b: number): number {
  return ((a & 0x7fffffff) | (b & 0x80000000)) >>> 0;
}

/** `f64.abs` (spec fabs) on the high word of an f64 (the low word is unchanged). */
export function f64AbsHi(hi: number): number {
  return hi & 0x7fffffff;
}

/** `f64.neg` (spec fneg) on the high word of an f64 (the low word is unchanged). */
export function f64NegHi(hi: number): number {
  return hi ^ 0x80000000;
}

/**
 * `f64.copysign` (spec fcopysign) on the high words of two f64s: the result's high word (its
 * low word is a's low word).
 */
export function f64CopysignHi(aHi: number, bHi: number): number {
  return (aHi & 0x7fffffff) | (bHi & 0x80000000);
}

const F64_MAGNITUDE = 0x7fffffffffffffffn;
const F64_SIGN = 0x8000000000000000n;

/** `f64.abs` (spec fabs) on bits (unsigned bigint). */
export function f64Abs(bits: bigint): bigint {
  return bits & F64_MAGNITUDE;
}

/** `f64.neg` (spec fneg) on bits (unsigned bigint in, unsigned bigint out). */
export function f64Neg(bits: bigint): bigint {
  return BigInt.asUintN(64, bits ^ F64_SIGN);
}

/** `f64.copysign` (spec fcopysign) on bits: a's magnitude with b's sign. */
export function f64Copysign(a: bigint, b: bigint): bigint {
  return BigInt.asUintN(64, (a & F64_MAGNITUDE) | (b & F64_SIGN));
}

// ---------------------------------------------------------------------------------------------
// Arithmetic on values (f32 and f64 alike unless named).

/**
 * `f32.min` / `f64.min` (spec fmin): NaN if either is NaN; -0 is less than +0. Do not inline
 * a bare `Math.min` instead: V8's optimized `Math.min` may return a NaN with every payload bit
 * set (not an arithmetic NaN of canonical inputs), so NaNs are handled first here.
 */
export function fMin(a: number, b: number): number {
  return a !== a || b !== b ? NaN : Math.min(a, b);
}

/** `f32.max` / `f64.max` (spec fmax): NaN if either is NaN; +0 is greater than -0. */
export function fMax(a: number, b: number): number {
  return a !== a || b !== b ? NaN : Math.max(a, b);
}

/**
 * `f32.nearest` / `f64.nearest` (spec fnearest): round to the nearest integer, ties to even;
 * keeps the sign of zero (-0.5 -> -0); NaN -> canonical NaN. Exact for f32 values as well.
 */
export function fNearest(x: number): number {
  if (x !== x) return NaN;
  // |x| >= 2^52 (and infinities) are integral already.
  if (!(x < 4503599627370496 && x > -4503599627370496)) return x;
  const r = Math.round(x); // ties toward +inf, -0 for [-0.5, -0]
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** `f32.ceil` / `f64.ceil` (spec fceil): -0 for (-1, -0]; NaN -> canonical NaN. */
export function fCeil(x: number): number {
  return x !== x ? NaN : Math.ceil(x);
}

/** `f32.floor` / `f64.floor` (spec ffloor): keeps -0; NaN -> canonical NaN. */
export function fFloor(x: number): number {
  return x !== x ? NaN : Math.floor(x);
}

/** `f32.trunc` / `f64.trunc` (spec ftrunc): -0 for (-1, -0]; NaN -> canonical NaN. */
export function fTrunc(x: number): number {
  return x !== x ? NaN : Math.trunc(x);
}

/** `f64.sqrt` (spec fsqrt): sqrt(-0) = -0, negative -> NaN; NaN -> canonical NaN. */
export function f64Sqrt(x: number): number {
  return x !== x ? NaN : Math.sqrt(x);
}

/** `f32.sqrt` (spec fsqrt), correctly rounded (the double root rounds once more exactly). */
export function f32Sqrt(x: number): number {
  return x !== x ? NaN : Math.fround(Math.sqrt(x));
}

/**
 * `f32.add` (spec fadd): the double sum of two f32 values rounded to f32 (double has enough
 * precision that this double rounding is exact, as for sub, mul, div and sqrt).
 */
export function f32Add(a: number, b: number): number {
  return Math.fround(a + b);
}

/** `f32.sub` (spec fsub), correctly rounded through double. */
export function f32Sub(a: number, b: number): number {
  return Math.fround(a - b);
}

/** `f32.mul` (spec fmul), correctly rounded through double. */
export function f32Mul(a: number, b: number): number {
  return Math.fround(a * b);
}

/** `f32.div` (spec fdiv), correctly rounded through double. */
export function f32Div(a: number, b: number): number {
  return Math.fround(a / b);
}

// NaN results from raw bits, as x86 (and so V8's compiled wasm) makes them: the interpreter
// computes a float result as a JS number and, only when it is a NaN, takes its bits from these
// (V8's own JS arithmetic gives a NaN's bits differently as its code is optimized or not).

/** Whether u64 bits `b` are a NaN. */
function isNaN64(b: bigint): boolean {
  return (b & 0x7fffffffffffffffn) > 0x7ff0000000000000n;
}

/** Whether i32 bits `b` are a NaN. */
function isNaN32(b: number): boolean {
  return (b & 0x7fffffff) > 0x7f800000;
}

/** The default NaN x86 makes (0/0, inf - inf, sqrt(-1), min/max with a NaN): negative. */
export const DEFAULT_NAN64 = 0xfff8000000000000n;

/**
 * The bits of a binary f64 op's NaN result from its operands' bits (u64): the first operand
 * quieted if it is a NaN, else the second quieted if it is, else the default NaN.
 */
export function nan64(a: bigint, b: bigint): bigint {
  return isNaN64(a)
    ? a | 0x0008000000000000n
    : isNaN64(b)
    ? b | 0x0008000000000000n
    : DEFAULT_NAN64;
}

/** {@linkcode nan64} for f32 (i32 bits in and out). */
export function nan32(a: number, b: number): number {
  return isNaN32(a) ? a | 0x00400000 : isNaN32(b) ? b | 0x00400000 : 0xffc00000 | 0;
}

/** The bits of a unary f64 op's NaN result (sqrt, ceil, ...): the operand quieted if a NaN. */
export function unaryNan64(a: bigint): bigint {
  return isNaN64(a) ? a | 0x0008000000000000n : DEFAULT_NAN64;
}

/** {@linkcode unaryNan64} for f32 (i32 bits in and out). */
export function unaryNan32(a: number): number {
  return isNaN32(a) ? a | 0x00400000 : 0xffc00000 | 0;
}

/** `f32.demote_f64` of a NaN (u64 bits): sign and the payload's top 22 bits, quieted. */
export function demoteNan(a: bigint): number {
  return Number((a >> 32n) & 0x80000000n) | 0x7fc00000 | Number((a >> 29n) & 0x3fffffn);
}

/** `f64.promote_f32` of a NaN (i32 bits): sign and payload moved up, quieted. */
export function promoteNan(a: number): bigint {
  return (BigInt(a >>> 0) & 0x80000000n) << 32n | 0x7ff8000000000000n |
    (BigInt(a & 0x3fffff) << 29n);
}
