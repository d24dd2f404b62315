/**
 * Number literals of the text format (spec §6.3.1 "Integers" and §6.3.2 "Floating-Point"):
 * reading integer and float tokens into their values, and writing float values back as text.
 *
 * Floats are read correctly rounded (round to nearest, ties to even) straight to the target
 * format, for decimal and hexadecimal literals of any length: a fast path covers the common
 * short literals with one exact double operation, and everything else is computed exactly
 * with `bigint` arithmetic. A literal that rounds beyond the largest finite value is "constant
 * out of range", as is a NaN payload that is zero or does not fit the significand.
 *
 * This file does not know about tokens or positions: callers (the text parser) pass the text
 * of one token and turn a {@linkcode NumberLiteralError} into a `ParseError` at the token.
 *
 * @module
 */

/**
 * A literal that is malformed ("unexpected token") or whose value does not fit
 * ("constant out of range", or "i32 constant out of range" and the like from
 * {@linkcode parseUint}). Not a `WasmError`: the parser converts it, adding the position.
 */
export class NumberLiteralError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NumberLiteralError";
  }
}

const UNEXPECTED = "unexpected token";
const OUT_OF_RANGE = "constant out of range";

function malformed(): never {
  throw new NumberLiteralError(UNEXPECTED);
}

function outOfRange(): never {
  throw new NumberLiteralError(OUT_OF_RANGE);
}

/** The value of a digit character, or -1; decimal digits only unless `hex`. */
function digitValue(c: number, hex: boolean): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (!hex) return -1;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/**
 * Scans `digit ('_'? digit)*` from `i`, returning the index just past it, or -1 when there is
 * no digit at `i` or an underscore is not between two digits.
 */
function scanDigits(s: string, i: number, hex: boolean): number {
  if (i >= s.length || digitValue(s.charCodeAt(i), hex) < 0) return -1;
  i++;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 0x5f) {
      if (i + 1 >= s.length || digitValue(s.charCodeAt(i + 1), hex) < 0) return -1;
      i += 2;
    } else if (digitValue(c, hex) >= 0) {
      i++;
    } else {
      break;
    }
  }
  return i;
}

/** The digits of `s[start, end)` without underscores (and without a `.`). */
function digitsOf(s: string, start: number, end: number): string {
  const part = s.slice(start, end);
  return part.indexOf("_") < 0 ? part : part.replaceAll("_", "");
}

/** Whether `s` has `0x` at `i`. */
function hasHexPrefix(s: string, i: number): boolean {
  return s.charCodeAt(i) === 0x30 && s.charCodeAt(i + 1) === 0x78;
}

/**
 * Reads the unsigned magnitude of `nat` (decimal or `0x` hex, with `_` separators) that fills
 * `s[i, end)`, or throws "unexpected token".
 */
function readNat(s: string, i: number): bigint {
  const hex = hasHexPrefix(s, i);
  const start = hex ? i + 2 : i;
  const end = scanDigits(s, start, hex);
  if (end !== s.length) malformed();
  // Fast path: up to 13 digits fit a double exactly (16^13 = 2^52, 10^13 < 2^53).
  if (end - start <= 13) {
    let n = 0;
    const base = hex ? 16 : 10;
    for (let j = start; j < end; j++) {
      const c = s.charCodeAt(j);
      if (c !== 0x5f) n = n * base + digitValue(c, hex);
    }
    return BigInt(n);
  }
  const digits = digitsOf(s, start, end);
  return BigInt(hex ? "0x" + digits : digits);
}

/**
 * Reads an integer literal (spec: `iN`): an optional sign, then decimal digits or `0x` and hex
 * digits, with `_` allowed between digits. The value must fit `bits` as a signed or an
 * unsigned integer, that is lie in [-2^(bits-1), 2^bits - 1].
 *
 * @returns the value wrapped to a signed `bits`-bit integer (so `0xffffffff` gives -1n for 32)
 * @throws NumberLiteralError "unexpected token" if `text` is not an integer literal,
 *   "constant out of range" if the value does not fit
 */
export function parseInt(text: string, bits: 8 | 16 | 32 | 64): bigint {
  const c = text.charCodeAt(0);
  const negative = c === 0x2d;
  const magnitude = readNat(text, negative || c === 0x2b ? 1 : 0);
  const half = 1n << BigInt(bits - 1);
  if (negative) {
    if (magnitude > half) outOfRange();
    return -magnitude;
  }
  if (magnitude >= half << 1n) outOfRange();
  return magnitude >= half ? magnitude - (half << 1n) : magnitude;
}

/**
 * Reads an unsigned integer literal (spec: `uN`, used for indices, offsets, limits, alignment
 * and lane indices): decimal digits or `0x` and hex digits, `_` between digits, no sign.
 *
 * @returns the value, in [0, 2^bits - 1]
 * @throws NumberLiteralError "unexpected token" if `text` is not an unsigned literal (a sign
 *   included), "i32 constant out of range" (for 32 bits; "i8 ...", "i64 ..." likewise) if the
 *   value does not fit, which are the spec's messages for these literals
 */
export function parseUint(text: string, bits: 8 | 16 | 32 | 64): bigint {
  const value = readNat(text, 0);
  if (value >> BigInt(bits) !== 0n) throw new NumberLiteralError(`i${bits} ${OUT_OF_RANGE}`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Floats

/** An IEEE 754 binary format. */
interface Format {
  /** Bits of the stored significand (23 or 52). */
  mant: number;
  /** The smallest normal exponent (-126 or -1022). */
  emin: number;
  /** The largest exponent (127 or 1023). */
  emax: number;
  /** The exponent field of infinities and NaNs (0xff or 0x7ff). */
  expMask: bigint;
  /** The sign bit. */
  sign: bigint;
}

const F32_FORMAT: Format = { mant: 23, emin: -126, emax: 127, expMask: 0xffn, sign: 1n << 31n };
const F64_FORMAT: Format = {
  mant: 52,
  emin: -1022,
  emax: 1023,
  expMask: 0x7ffn,
  sign: 1n << 63n,
};

/** Number of bits of a positive bigint. */
function bitLength(n: bigint): number {
  const hex = n.toString(16);
  return hex.length * 4 - Math.clz32(parseInt16(hex.charCodeAt(0))) + 28;
}

function parseInt16(c: number): number {
  return digitValue(c, true);
}

/**
 * Encodes `sig * 2^q` (exact: `sig` already rounded) into the bits of `fmt`, where `sig` has at
 * most `mant + 2` bits and `q >= emin - mant`; throws "constant out of range" on overflow.
 */
function encode(sig: bigint, q: number, fmt: Format): bigint {
  const hidden = 1n << BigInt(fmt.mant);
  if (sig === hidden << 1n) {
    sig >>= 1n;
    q++;
  }
  if (sig < hidden) return sig; // subnormal (or zero)
  const e = q + fmt.mant;
  if (e > fmt.emax) outOfRange();
  return (BigInt(e + fmt.emax) << BigInt(fmt.mant)) | (sig - hidden);
}

/** Rounds `n / d` (both positive) to the nearest integer, ties to even. */
function roundDiv(n: bigint, d: bigint): bigint {
  const quot = n / d;
  const twice = (n - quot * d) << 1n;
  if (twice > d || (twice === d && (quot & 1n) === 1n)) return quot + 1n;
  return quot;
}

/**
 * The bits (without sign) of `m * 2^exp2` rounded to `fmt`, for a positive bigint `m` and any
 * `exp2`. Throws "constant out of range" if it rounds beyond the largest finite value.
 */
function roundBinary(m: bigint, exp2: number, fmt: Format): bigint {
  const e = bitLength(m) - 1 + exp2; // m * 2^exp2 lies in [2^e, 2^(e+1))
  if (e > fmt.emax) outOfRange();
  if (e < fmt.emin - fmt.mant - 2) return 0n; // below half the smallest subnormal
  const q = Math.max(e, fmt.emin) - fmt.mant; // exponent of the last significand bit
  const shift = exp2 - q;
  if (shift >= 0) return encode(m << BigInt(shift), q, fmt);
  return encode(roundDiv(m, 1n << BigInt(-shift)), q, fmt);
}

/**
 * The bits (without sign) of `d * 10^exp10` rounded to `fmt`, for a positive bigint `d` of
 * `digits` decimal digits and any `exp10`, computed exactly.
 */
function roundDecimal(d: bigint, digits: number, exp10: number, fmt: Format): bigint {
  // d * 10^exp10 lies in [10^(digits-1+exp10), 10^(digits+exp10)).
  const maxDigits = fmt.mant === 23 ? 39 : 309; // 10^39 > 2^128, 10^309 > 2^1024
  const minDigits = fmt.mant === 23 ? -46 : -324; // 10^-46 < 2^-150, 10^-324 < 2^-1075
  if (digits - 1 + exp10 >= maxDigits) outOfRange();
  if (digits + exp10 < minDigits) return 0n;
  if (exp10 >= 0) return roundBinary(d * 10n ** BigInt(exp10), 0, fmt);
  const den = 10n ** BigInt(-exp10);
  // e = floor(log2(d / den)) is est or est - 1.
  let e = bitLength(d) - bitLength(den);
  if (e >= 0 ? d < den << BigInt(e) : d << BigInt(-e) < den) e--;
  if (e > fmt.emax) outOfRange();
  const q = Math.max(e, fmt.emin) - fmt.mant;
  const sig = q >= 0 ? roundDiv(d, den << BigInt(q)) : roundDiv(d << BigInt(-q), den);
  return encode(sig, q, fmt);
}

/** Exact powers of ten as doubles, 10^0 ... 10^22. */
const POW10: number[] = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

const f64Scratch = new Float64Array(1);
const u64Scratch = new BigUint64Array(f64Scratch.buffer);
const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

function f64Bits(x: number): bigint {
  f64Scratch[0] = x;
  return u64Scratch[0];
}

function f32Bits(x: number): number {
  f32Scratch[0] = x;
  return u32Scratch[0];
}

function f32FromBits(bits: number): number {
  u32Scratch[0] = bits;
  return f32Scratch[0];
}

/**
 * For a double `y` that is the correctly rounded value of some real `x`, the f32 nearest to `x`
 * if that can be told from `y` alone (`y` is not exactly halfway between two f32s, and not at
 * the edge of overflow), else null. Rounding is monotone and every f32 and every midpoint
 * between two f32s is a double, so `x` lies on the same side of each midpoint as `y` unless
 * `y` is one.
 */
function f32FromDouble(y: number): number | null {
  const r = Math.fround(y);
  if (r === y) return r;
  if (!Number.isFinite(r)) return null;
  const bits = f32Bits(r);
  // The other neighbour of y, in the direction of y (same sign: |r| > |y| or |r| < |y|).
  const other = f32FromBits(Math.abs(r) > Math.abs(y) ? bits - 1 : bits + 1);
  if (!Number.isFinite(other)) return null;
  return (r + other) / 2 === y ? null : r;
}

/** A float literal split into its parts; see {@linkcode parseF32}. */
function readFloat(text: string, fmt: Format): bigint {
  let i = 0;
  const c0 = text.charCodeAt(0);
  const negative = c0 === 0x2d;
  if (negative || c0 === 0x2b) i = 1;
  const sign = negative ? fmt.sign : 0n;
  const infBits = fmt.expMask << BigInt(fmt.mant);

  if (text.startsWith("inf", i)) {
    if (text.length !== i + 3) malformed();
    return sign | infBits;
  }
  if (text.startsWith("nan", i)) {
    if (text.length === i + 3) return sign | infBits | (1n << BigInt(fmt.mant - 1));
    if (!text.startsWith(":0x", i + 3)) malformed();
    const end = scanDigits(text, i + 6, true);
    if (end !== text.length) malformed();
    const payload = BigInt("0x" + digitsOf(text, i + 6, end));
    if (payload === 0n || payload >> BigInt(fmt.mant) !== 0n) outOfRange();
    return sign | infBits | payload;
  }

  const hex = hasHexPrefix(text, i);
  const intStart = hex ? i + 2 : i;
  const intEnd = scanDigits(text, intStart, hex);
  if (intEnd < 0) malformed();
  let fracStart = intEnd;
  let fracEnd = intEnd;
  let p = intEnd;
  if (text.charCodeAt(p) === 0x2e) {
    fracStart = fracEnd = p + 1;
    if (fracStart < text.length && digitValue(text.charCodeAt(fracStart), hex) >= 0) {
      fracEnd = scanDigits(text, fracStart, hex);
      if (fracEnd < 0) malformed();
    }
    p = fracEnd;
  }
  let exp = 0;
  if (p < text.length) {
    const e = text.charCodeAt(p) | 0x20;
    if (e !== (hex ? 0x70 : 0x65)) malformed(); // p or e
    p++;
    const es = text.charCodeAt(p);
    const expNegative = es === 0x2d;
    if (expNegative || es === 0x2b) p++;
    const expEnd = scanDigits(text, p, false);
    if (expEnd !== text.length) malformed();
    for (let j = p; j < expEnd; j++) {
      const c = text.charCodeAt(j);
      // Saturate: any exponent this large overflows or underflows anyway.
      if (c !== 0x5f && exp < 1e15) exp = exp * 10 + (c - 0x30);
    }
    if (expNegative) exp = -exp;
  }

  let digits = digitsOf(text, intStart, intEnd);
  let fracDigits = 0;
  if (fracEnd > fracStart) {
    const frac = digitsOf(text, fracStart, fracEnd);
    digits += frac;
    fracDigits = frac.length;
  }
  let lead = 0;
  while (lead < digits.length && digits.charCodeAt(lead) === 0x30) lead++;
  if (lead === digits.length) return sign; // zero, whatever the exponent
  if (lead > 0) digits = digits.slice(lead);

  if (hex) {
    return sign | roundBinary(BigInt("0x" + digits), exp - 4 * fracDigits, fmt);
  }
  const exp10 = exp - fracDigits;
  if (digits.length <= 15 && exp10 >= -22 && exp10 <= 22) {
    // Exact operands, one correctly rounded double operation (Clinger's fast path).
    const d = Number(digits);
    const y = exp10 >= 0 ? d * POW10[exp10] : d / POW10[-exp10];
    if (fmt === F64_FORMAT) return sign | f64Bits(y);
    const r = f32FromDouble(y);
    if (r !== null) return sign | BigInt(f32Bits(r));
  }
  return sign | roundDecimal(BigInt(digits), digits.length, exp10, fmt);
}

/**
 * Reads an f32 literal (spec: `f32`): a sign, then a decimal or hex float (or integer),
 * `inf`, `nan` or `nan:0x...`, correctly rounded to f32.
 *
 * @returns the 32 bits of the value, as an unsigned number
 * @throws NumberLiteralError "unexpected token" if `text` is not a float literal,
 *   "constant out of range" if it rounds to infinity or has a bad NaN payload
 */
export function parseF32(text: string): number {
  return Number(readFloat(text, F32_FORMAT));
}

/**
 * Reads an f64 literal (spec: `f64`), like {@linkcode parseF32}.
 *
 * @returns the 64 bits of the value, as an unsigned bigint
 */
export function parseF64(text: string): bigint {
  return readFloat(text, F64_FORMAT);
}

/** Whether `text` reads as the f32 `bits` (false when out of range). */
function readsAsF32(text: string, bits: number): boolean {
  try {
    return parseF32(text) === bits;
  } catch {
    return false;
  }
}

/**
 * Text for the f32 with these bits that reads back to the same bits: the shortest decimal
 * that does (JavaScript number syntax, e.g. `1.5`, `-0`, `1e-7`, `3.4028234663852886e+38`),
 * `inf`, `-inf`, `nan` or `-nan` for a canonical NaN, `nan:0x200000` for another.
 */
export function formatF32(bits: number): string {
  bits >>>= 0;
  const negative = bits >>> 31 === 1;
  const exp = (bits >>> 23) & 0xff;
  const mant = bits & 0x7fffff;
  if (exp === 0xff) {
    const sign = negative ? "-" : "";
    if (mant === 0) return sign + "inf";
    if (mant === 0x400000) return sign + "nan";
    return `${sign}nan:0x${mant.toString(16)}`;
  }
  const x = f32FromBits(bits);
  if (x === 0) return negative ? "-0" : "0";
  for (let precision = 1; precision <= 9; precision++) {
    const candidate = Number(x.toPrecision(precision)).toString();
    if (readsAsF32(candidate, bits)) return candidate;
  }
  // Not reached in practice: 9 significant digits identify every f32.
  return x.toPrecision(9);
}

/**
 * Text for the f64 with these bits that reads back to the same bits: the shortest round-trip
 * decimal (JavaScript's own `Number.prototype.toString`), `inf`, `-inf`, `nan`, `-nan`, or
 * `nan:0x...` for a non-canonical NaN.
 */
export function formatF64(bits: bigint): string {
  bits = BigInt.asUintN(64, bits);
  const negative = bits >> 63n === 1n;
  const exp = Number((bits >> 52n) & 0x7ffn);
  const mant = bits & 0xfffffffffffffn;
  if (exp === 0x7ff) {
    const sign = negative ? "-" : "";
    if (mant === 0n) return sign + "inf";
    if (mant === 0x8000000000000n) return sign + "nan";
    return `${sign}nan:0x${mant.toString(16)}`;
  }
  u64Scratch[0] = bits;
  const x = f64Scratch[0];
  if (x === 0) return negative ? "-0" : "0";
  return x.toString();
}
