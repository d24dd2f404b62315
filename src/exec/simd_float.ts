/**
 * Floating-point vector operators (spec §4.3.3 float operations lifted lane-wise, §4.4.3):
 * f32x4/f64x2 arithmetic, min/max, pmin/pmax, rounding, sqrt, abs/neg, comparisons, and the
 * float conversions (demote, promote, convert, trunc_sat).
 *
 * NaNs: arithmetic reads lanes as JS numbers (a signalling NaN comes back quieted) and stores
 * the result through Float32Array/Float64Array; a NaN result is then the hardware's quiet NaN
 * (an operand's payload or the default NaN), min/max and the rounding operators return JS's
 * canonical NaN: arithmetic NaNs as the spec requires, canonical when the NaN operands are.
 * The operators that must keep bits (abs, neg: sign bit on the integer view; pmin/pmax: one
 * operand's lane as is) move 32-bit words only.
 *
 * f32 arithmetic computes in double and rounds once on the Float32Array store; for +, -, *,
 * / and sqrt of f32 operands this double rounding is exact (53 >= 2 * 24 + 2).
 *
 * @module
 */

import {
  f64Sqrt,
  fCeil,
  fFloor,
  fMax,
  fMin,
  fNearest,
  fTrunc,
  i32TruncSatS,
  i32TruncSatU,
} from "./numerics.ts";
import { commit, SCRATCH, type SimdHandler, type SimdViews } from "./simd_views.ts";

// ---------------------------------------------------------------------------------------------
// Generic lane-wise operators: as in simd_int.ts, one loop per view (monomorphic) and the
// operator an integer code switched on in an inlined lane function.

/** Float lane operator codes for {@linkcode floatLanes} and {@linkcode floatCompare}. */
export const FOP = {
  ADD: 0,
  SUB: 1,
  MUL: 2,
  DIV: 3,
  MIN: 4,
  MAX: 5,
  /** SQRT to NEAREST are unary. */
  SQRT: 6,
  CEIL: 7,
  FLOOR: 8,
  TRUNC: 9,
  NEAREST: 10,
  EQ: 11,
  NE: 12,
  LT: 13,
  GT: 14,
  LE: 15,
  GE: 16,
} as const;

/** One lane of arithmetic operator `op` (spec fadd, fsub, ..., fnearest) on values. */
// Case labels are literals (FOP values): a jump table, small enough to inline.
function flane(op: number, x: number, y: number): number {
  switch (op) {
    case 0: // ADD
      return x + y;
    case 1: // SUB
      return x - y;
    case 2: // MUL
      return x * y;
    case 3: // DIV
      return x / y;
    case 4: // MIN
      return fMin(x, y);
    case 5: // MAX
      return fMax(x, y);
    case 6: // SQRT
      return f64Sqrt(x);
    case 7: // CEIL
      return fCeil(x);
    case 8: // FLOOR
      return fFloor(x);
    case 9: // TRUNC
      return fTrunc(x);
    default: // NEAREST
      return fNearest(x);
  }
}

/** One lane of comparison `op` (spec feq, fne, flt, fgt, fle, fge). */
// Case labels are literals (FOP values).
function fcmp(op: number, x: number, y: number): boolean {
  switch (op) {
    case 11: // EQ
      return x === y;
    case 12: // NE
      return x !== y;
    case 13: // LT
      return x < y;
    case 14: // GT
      return x > y;
    case 15: // LE
      return x <= y;
    default: // GE
      return x >= y;
  }
}

type FloatLoop = (m: SimdViews, op: number, d: number, a: number, b: number) => void;

const LOOP_F32: FloatLoop = (m, op, d, a, b) => {
  const v = m.f32, i = d >> 2, j = a >> 2, k = b >> 2;
  for (let l = 0; l < 4; l++) v[i + l] = flane(op, v[j + l], v[k + l]);
};
const LOOP_F64: FloatLoop = (m, op, d, a, b) => {
  const v = m.f64, i = d >> 3, j = a >> 3, k = b >> 3;
  v[i] = flane(op, v[j], v[k]);
  v[i + 1] = flane(op, v[j + 1], v[k + 1]);
};
const CMP_F32: FloatLoop = (m, op, d, a, b) => {
  const v = m.f32, w = m.i32, i = d >> 2, j = a >> 2, k = b >> 2;
  for (let l = 0; l < 4; l++) w[i + l] = fcmp(op, v[j + l], v[k + l]) ? -1 : 0;
};
const CMP_F64: FloatLoop = (m, op, d, a, b) => {
  const v = m.f64, j = a >> 3, k = b >> 3;
  const r0 = fcmp(op, v[j], v[k]) ? -1 : 0, r1 = fcmp(op, v[j + 1], v[k + 1]) ? -1 : 0;
  const w = m.i32, i = d >> 2;
  w[i] = w[i + 1] = r0;
  w[i + 2] = w[i + 3] = r1;
};

/**
 * The lane-wise arithmetic operator `op` (an {@linkcode FOP} code) on f32 (bits 32) or f64
 * (bits 64) lanes; unary operators read only `a`.
 */
export function floatLanes(bits: 32 | 64, op: number): SimdHandler {
  const loop = bits === 32 ? LOOP_F32 : LOOP_F64;
  if (op >= FOP.SQRT) return (m, d, a) => loop(m, op, d, a, a); // unary: b is no operand
  return (m, d, a, b) => loop(m, op, d, a, b);
}

/** The lane-wise comparison `op` (an FOP code): all-ones lanes where it holds, else zero. */
export function floatCompare(bits: 32 | 64, op: number): SimdHandler {
  const loop = bits === 32 ? CMP_F32 : CMP_F64;
  return (m, d, a, b) => loop(m, op, d, a, b);
}

// ---------------------------------------------------------------------------------------------
// The hottest ones, written out.

/** `f32x4.add`. */
export const f32x4Add: SimdHandler = (m, d, a, b) => {
  const v = m.f32, i = d >> 2, j = a >> 2, k = b >> 2;
  v[i] = v[j] + v[k];
  v[i + 1] = v[j + 1] + v[k + 1];
  v[i + 2] = v[j + 2] + v[k + 2];
  v[i + 3] = v[j + 3] + v[k + 3];
};

/** `f32x4.mul`. */
export const f32x4Mul: SimdHandler = (m, d, a, b) => {
  const v = m.f32, i = d >> 2, j = a >> 2, k = b >> 2;
  v[i] = v[j] * v[k];
  v[i + 1] = v[j + 1] * v[k + 1];
  v[i + 2] = v[j + 2] * v[k + 2];
  v[i + 3] = v[j + 3] * v[k + 3];
};

/** `f64x2.add`. */
export const f64x2Add: SimdHandler = (m, d, a, b) => {
  const v = m.f64, i = d >> 3, j = a >> 3, k = b >> 3;
  v[i] = v[j] + v[k];
  v[i + 1] = v[j + 1] + v[k + 1];
};

/** `f64x2.mul`. */
export const f64x2Mul: SimdHandler = (m, d, a, b) => {
  const v = m.f64, i = d >> 3, j = a >> 3, k = b >> 3;
  v[i] = v[j] * v[k];
  v[i + 1] = v[j + 1] * v[k + 1];
};

// ---------------------------------------------------------------------------------------------
// Bit-preserving operators (integer words only).

/** `f32x4.abs` / `f32x4.neg` (spec fabs, fneg): the sign bit of each word cleared or flipped. */
export function f32x4Sign(neg: boolean): SimdHandler {
  return (m, d, a) => {
    const w = m.i32, i = d >> 2, j = a >> 2;
    for (let l = 0; l < 4; l++) w[i + l] = neg ? w[j + l] ^ 0x80000000 : w[j + l] & 0x7fffffff;
  };
}

/** `f64x2.abs` / `f64x2.neg`: the sign bit of each lane's high word cleared or flipped. */
export function f64x2Sign(neg: boolean): SimdHandler {
  return (m, d, a) => {
    const w = m.i32, i = d >> 2, j = a >> 2;
    for (let l = 0; l < 4; l += 2) {
      w[i + l] = w[j + l];
      w[i + l + 1] = neg ? w[j + l + 1] ^ 0x80000000 : w[j + l + 1] & 0x7fffffff;
    }
  };
}

/**
 * `f32x4.pmin/pmax`, `f64x2.pmin/pmax` (spec fpmin: b if b < a else a; fpmax: b if a < b else
 * a): the chosen operand's lane is copied as bits, NaNs untouched.
 */
export function pminmax(bits: 32 | 64, max: boolean): SimdHandler {
  const shift = bits === 32 ? 2 : 3, n = 16 >> shift, words = bits >> 5;
  return (m, d, a, b) => {
    const v = bits === 32 ? m.f32 : m.f64, w = m.i32;
    for (let l = 0; l < n; l++) {
      const x = v[(a >> shift) + l], y = v[(b >> shift) + l];
      const src = (max ? x < y : y < x) ? b : a;
      const i = (d >> 2) + l * words, j = (src >> 2) + l * words;
      w[i] = w[j];
      if (words === 2) w[i + 1] = w[j + 1];
    }
  };
}

// ---------------------------------------------------------------------------------------------
// Conversions.

/** `f32x4.demote_f64x2_zero` (spec demote): two f64 lanes rounded to f32, then two zeros. */
export const f32x4DemoteF64x2Zero: SimdHandler = (m, d, a) => {
  const v = m.f64, j = a >> 3, s = SCRATCH;
  s.f32[0] = v[j];
  s.f32[1] = v[j + 1];
  s.i32[2] = s.i32[3] = 0;
  commit(m, d);
};

/** `f64x2.promote_low_f32x4` (spec promote): the two low f32 lanes, exactly. */
export const f64x2PromoteLowF32x4: SimdHandler = (m, d, a) => {
  const v = m.f32, j = a >> 2, s = SCRATCH.f64;
  s[0] = v[j];
  s[1] = v[j + 1];
  commit(m, d);
};

/**
 * `f32x4.convert_i32x4_s/u` (spec convert): each i32 lane (signed or unsigned) rounded to f32
 * once, by the Float32Array store of the exact double.
 */
export function f32x4ConvertI32x4(signed: boolean): SimdHandler {
  return (m, d, a) => {
    const v = signed ? m.i32 : m.u32, f = m.f32, i = d >> 2, j = a >> 2;
    for (let l = 0; l < 4; l++) f[i + l] = v[j + l];
  };
}

/** `f64x2.convert_low_i32x4_s/u` (spec convert): the two low i32 lanes, exactly. */
export function f64x2ConvertLowI32x4(signed: boolean): SimdHandler {
  return (m, d, a) => {
    const v = signed ? m.i32 : m.u32, j = a >> 2, s = SCRATCH.f64;
    s[0] = v[j];
    s[1] = v[j + 1];
    commit(m, d);
  };
}

/**
 * `i32x4.trunc_sat_f32x4_s/u` (spec trunc_sat), also `i32x4.relaxed_trunc_f32x4_s/u`
 * (deterministic profile).
 */
export function i32x4TruncSatF32x4(signed: boolean): SimdHandler {
  const t = signed ? i32TruncSatS : i32TruncSatU;
  return (m, d, a) => {
    const f = m.f32, w = m.i32, i = d >> 2, j = a >> 2;
    for (let l = 0; l < 4; l++) w[i + l] = t(f[j + l]);
  };
}

/**
 * `i32x4.trunc_sat_f64x2_s/u_zero` (spec trunc_sat), two lanes then two zeros; also
 * `i32x4.relaxed_trunc_f64x2_s/u_zero` (deterministic profile).
 */
export function i32x4TruncSatF64x2Zero(signed: boolean): SimdHandler {
  const t = signed ? i32TruncSatS : i32TruncSatU;
  return (m, d, a) => {
    const f = m.f64, j = a >> 3, s = SCRATCH.i32;
    s[0] = t(f[j]);
    s[1] = t(f[j + 1]);
    s[2] = s[3] = 0;
    commit(m, d);
  };
}
