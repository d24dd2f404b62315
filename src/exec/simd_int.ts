/**
 * Integer vector operators (spec §4.3.2 integer operations lifted lane-wise, §4.4.3 vector
 * instructions): arithmetic, saturating arithmetic, min/max, averages, comparisons, shifts,
 * abs/neg/popcnt, and the shape-changing ones (narrow, extend, extmul, extadd_pairwise, dot).
 *
 * The lane-wise operators are generic in lane width (8, 16, 32), signedness and operator (an
 * {@linkcode IOP} code): lanes are read through the signed or unsigned view and the result is
 * stored through the same view, so the typed-array store does the wrap-around modulo 2^N
 * (every intermediate here is an exact double: |x op y| < 2^53). 64-bit lanes use BigInt64Array (`BigInt.asIntN(64, ...)`, which V8
 * lowers to machine int64) or 32-bit word pairs (shifts, extends, comparisons' results).
 *
 * Lane-wise operators write each result lane after reading that lane, so `d === a` is safe;
 * operators whose output lanes read other input lanes compute into the scratch vector.
 *
 * @module
 */

import {
  commit,
  intView,
  laneShift,
  SCRATCH,
  type SimdHandler,
  type SimdViews,
} from "./simd_views.ts";

// ---------------------------------------------------------------------------------------------
// Generic lane-wise operators (8-, 16- and 32-bit lanes).
//
// Speed: a loop shared by every width and operator would see six typed-array kinds and
// dozens of lane callbacks, which V8 handles megamorphically (~40 ns per lane). So there is
// one loop per lane view (six small literals, each monomorphic in its view) and the operator
// is an integer code switched on in `lane`, which V8 inlines.

/** Lane operator codes for {@linkcode intLanes} and {@linkcode intShift}. */
export const IOP = {
  ADD: 0,
  SUB: 1,
  MUL: 2,
  MIN: 3,
  MAX: 4,
  /** spec iavgr_u: (x + y + 1) / 2 rounded down, on unsigned lanes. */
  AVGR: 5,
  /** spec iadd_sat_s/u: clamped to the lane view's range. */
  ADD_SAT: 6,
  /** spec isub_sat_s/u. */
  SUB_SAT: 7,
  /**
   * spec iq15mulr_sat_s on 16-bit lanes: (x * y + 2^14) >> 15, saturated (only -32768 *
   * -32768 overflows, to 32767). Also `i16x8.relaxed_q15mulr_s` (deterministic profile).
   */
  Q15MULR: 8,
  EQ: 9,
  NE: 10,
  LT: 11,
  GT: 12,
  LE: 13,
  GE: 14,
  SHL: 15,
  SHR_S: 16,
  SHR_U: 17,
  /** The minimum stays the minimum (the store wraps 2^(N-1) back). */
  ABS: 18,
  NEG: 19,
  /** 8-bit lanes only. (ABS and after are unary.) */
  POPCNT: 20,
} as const;

const POPCNT8 = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCNT8[i] = (i & 1) + POPCNT8[i >> 1];

/**
 * One lane of operator `op`: x and y are lanes read through the view (signed or unsigned), s
 * a shift count, [lo, hi] the view's range (for saturation). The caller's typed-array store
 * wraps the result modulo 2^N; every intermediate is an exact double.
 */
// Case labels are literals (IOP values) so that V8 compiles a jump table and inlines `lane`.
function lane(op: number, x: number, y: number, s: number, lo: number, hi: number): number {
  let r: number;
  switch (op) {
    case 0: // ADD
      return x + y;
    case 1: // SUB
      return x - y;
    case 2: // MUL
      return Math.imul(x, y);
    case 3: // MIN
      return x < y ? x : y;
    case 4: // MAX
      return x > y ? x : y;
    case 5: // AVGR
      return (x + y + 1) >>> 1;
    case 6: // ADD_SAT
      r = x + y;
      return r > hi ? hi : r < lo ? lo : r;
    case 7: // SUB_SAT
      r = x - y;
      return r > hi ? hi : r < lo ? lo : r;
    case 8: // Q15MULR
      r = (x * y + 0x4000) >> 15;
      return r > 32767 ? 32767 : r;
    case 9: // EQ
      return x === y ? -1 : 0;
    case 10: // NE
      return x !== y ? -1 : 0;
    case 11: // LT
      return x < y ? -1 : 0;
    case 12: // GT
      return x > y ? -1 : 0;
    case 13: // LE
      return x <= y ? -1 : 0;
    case 14: // GE
      return x >= y ? -1 : 0;
    case 15: // SHL
      return x << s;
    case 16: // SHR_S
      return x >> s;
    case 17: // SHR_U
      return x >>> s;
    case 18: // ABS
      return x < 0 ? -x : x;
    case 19: // NEG
      return -x;
    default: // POPCNT
      return POPCNT8[x];
  }
}

/** A lane loop over one view: result at byte `d`, operands at `a` and `b`, shift count `s`. */
type LaneLoop = (m: SimdViews, op: number, d: number, a: number, b: number, s: number) => void;

const LOOP_I8: LaneLoop = (m, op, d, a, b, s) => {
  const v = m.i8;
  for (let l = 0; l < 16; l++) v[d + l] = lane(op, v[a + l], v[b + l], s, -128, 127);
};
const LOOP_U8: LaneLoop = (m, op, d, a, b, s) => {
  const v = m.u8;
  for (let l = 0; l < 16; l++) v[d + l] = lane(op, v[a + l], v[b + l], s, 0, 255);
};
const LOOP_I16: LaneLoop = (m, op, d, a, b, s) => {
  const v = m.i16, i = d >> 1, j = a >> 1, k = b >> 1;
  for (let l = 0; l < 8; l++) v[i + l] = lane(op, v[j + l], v[k + l], s, -32768, 32767);
};
const LOOP_U16: LaneLoop = (m, op, d, a, b, s) => {
  const v = m.u16, i = d >> 1, j = a >> 1, k = b >> 1;
  for (let l = 0; l < 8; l++) v[i + l] = lane(op, v[j + l], v[k + l], s, 0, 65535);
};
const LOOP_I32: LaneLoop = (m, op, d, a, b, s) => {
  const v = m.i32, i = d >> 2, j = a >> 2, k = b >> 2;
  for (let l = 0; l < 4; l++) v[i + l] = lane(op, v[j + l], v[k + l], s, -2147483648, 2147483647);
};
const LOOP_U32: LaneLoop = (m, op, d, a, b, s) => {
  const v = m.u32, i = d >> 2, j = a >> 2, k = b >> 2;
  for (let l = 0; l < 4; l++) v[i + l] = lane(op, v[j + l], v[k + l], s, 0, 4294967295);
};

function loopOf(bits: 8 | 16 | 32, signed: boolean): LaneLoop {
  if (bits === 8) return signed ? LOOP_I8 : LOOP_U8;
  if (bits === 16) return signed ? LOOP_I16 : LOOP_U16;
  return signed ? LOOP_I32 : LOOP_U32;
}

/**
 * The lane-wise operator `op` (an {@linkcode IOP} code) on `bits`-wide lanes read as signed
 * or unsigned values; unary operators read only `a`.
 */
export function intLanes(bits: 8 | 16 | 32, signed: boolean, op: number): SimdHandler {
  const loop = loopOf(bits, signed);
  if (op >= IOP.ABS) return (m, d, a) => loop(m, op, d, a, a, 0); // unary: b is no operand
  return (m, d, a, b) => loop(m, op, d, a, b, 0);
}

/**
 * A shift (spec ishl, ishr_s, ishr_u lifted; `op` an IOP shift code): the i32 count at `b`
 * taken modulo the lane width.
 */
export function intShift(bits: 8 | 16 | 32, signed: boolean, op: number): SimdHandler {
  const loop = loopOf(bits, signed);
  return (m, d, a, b) => loop(m, op, d, a, a, m.i32[b >> 2] & (bits - 1));
}

// ---------------------------------------------------------------------------------------------
// The hottest 32-bit operators, written out.

/** `i32x4.add`. */
export const i32x4Add: SimdHandler = (m, d, a, b) => {
  const w = m.i32, i = d >> 2, j = a >> 2, k = b >> 2;
  w[i] = w[j] + w[k];
  w[i + 1] = w[j + 1] + w[k + 1];
  w[i + 2] = w[j + 2] + w[k + 2];
  w[i + 3] = w[j + 3] + w[k + 3];
};

/** `i32x4.sub`. */
export const i32x4Sub: SimdHandler = (m, d, a, b) => {
  const w = m.i32, i = d >> 2, j = a >> 2, k = b >> 2;
  w[i] = w[j] - w[k];
  w[i + 1] = w[j + 1] - w[k + 1];
  w[i + 2] = w[j + 2] - w[k + 2];
  w[i + 3] = w[j + 3] - w[k + 3];
};

/** `i32x4.mul`. */
export const i32x4Mul: SimdHandler = (m, d, a, b) => {
  const w = m.i32, i = d >> 2, j = a >> 2, k = b >> 2;
  w[i] = Math.imul(w[j], w[k]);
  w[i + 1] = Math.imul(w[j + 1], w[k + 1]);
  w[i + 2] = Math.imul(w[j + 2], w[k + 2]);
  w[i + 3] = Math.imul(w[j + 3], w[k + 3]);
};

/**
 * `i8x16.add` (high 0x80808080) / `i16x8.add` (high 0x80008000) on 32-bit words, SIMD within
 * a register: the lanes' low bits are added without carries crossing lanes, then the top bits
 * are xor-ed in.
 */
export function addWords(high: number): SimdHandler {
  const low = ~high;
  return (m, d, a, b) => {
    const w = m.i32, i = d >> 2, j = a >> 2, k = b >> 2;
    for (let l = 0; l < 4; l++) {
      const x = w[j + l], y = w[k + l];
      w[i + l] = ((x & low) + (y & low)) ^ ((x ^ y) & high);
    }
  };
}

/** `i8x16.sub` / `i16x8.sub` on words: top bits set in x so no borrow crosses a lane. */
export function subWords(high: number): SimdHandler {
  const low = ~high;
  return (m, d, a, b) => {
    const w = m.i32, i = d >> 2, j = a >> 2, k = b >> 2;
    for (let l = 0; l < 4; l++) {
      const x = w[j + l], y = w[k + l];
      w[i + l] = ((x | high) - (y & low)) ^ ((x ^ ~y) & high);
    }
  };
}

// ---------------------------------------------------------------------------------------------
// 64-bit lanes.

/** `i64x2.add`. */
export const i64x2Add: SimdHandler = (m, d, a, b) => {
  const v = m.i64, i = d >> 3, j = a >> 3, k = b >> 3;
  v[i] = BigInt.asIntN(64, v[j] + v[k]);
  v[i + 1] = BigInt.asIntN(64, v[j + 1] + v[k + 1]);
};

/** `i64x2.sub`. */
export const i64x2Sub: SimdHandler = (m, d, a, b) => {
  const v = m.i64, i = d >> 3, j = a >> 3, k = b >> 3;
  v[i] = BigInt.asIntN(64, v[j] - v[k]);
  v[i + 1] = BigInt.asIntN(64, v[j + 1] - v[k + 1]);
};

/** `i64x2.mul`. */
export const i64x2Mul: SimdHandler = (m, d, a, b) => {
  const v = m.i64, i = d >> 3, j = a >> 3, k = b >> 3;
  v[i] = BigInt.asIntN(64, v[j] * v[k]);
  v[i + 1] = BigInt.asIntN(64, v[j + 1] * v[k + 1]);
};

/** `i64x2.neg`. */
export const i64x2Neg: SimdHandler = (m, d, a) => {
  const v = m.i64, i = d >> 3, j = a >> 3;
  v[i] = BigInt.asIntN(64, -v[j]);
  v[i + 1] = BigInt.asIntN(64, -v[j + 1]);
};

/** `i64x2.abs` (the minimum stays the minimum). */
export const i64x2Abs: SimdHandler = (m, d, a) => {
  const v = m.i64, i = d >> 3, j = a >> 3, x = v[j], y = v[j + 1];
  v[i] = BigInt.asIntN(64, x < 0n ? -x : x);
  v[i + 1] = BigInt.asIntN(64, y < 0n ? -y : y);
};

/**
 * The i64 lane comparison `op` (IOP.EQ, NE, LT, GT, LE or GE; signed) on word pairs: high
 * words compared signed, then low words unsigned; all-ones or zero lanes.
 */
export function i64Compare(op: number): SimdHandler {
  return (m, d, a, b) => {
    const w = m.i32, i = d >> 2, j = a >> 2, k = b >> 2;
    for (let l = 0; l < 4; l += 2) {
      const xh = w[j + l + 1], yh = w[k + l + 1], xl = w[j + l] >>> 0, yl = w[k + l] >>> 0;
      const c = xh !== yh ? (xh < yh ? -1 : 1) : xl !== yl ? (xl < yl ? -1 : 1) : 0;
      w[i + l] = w[i + l + 1] = lane(op, c, 0, 0, 0, 0);
    }
  };
}

/** `i64x2.shl` on word pairs: count modulo 64. */
export const i64x2Shl: SimdHandler = (m, d, a, b) => {
  const s = m.i32[b >> 2] & 63, w = m.i32, i = d >> 2, j = a >> 2;
  for (let l = 0; l < 4; l += 2) {
    const lo = w[j + l], hi = w[j + l + 1];
    if (s === 0) {
      w[i + l] = lo;
      w[i + l + 1] = hi;
    } else if (s < 32) {
      w[i + l] = lo << s;
      w[i + l + 1] = (hi << s) | (lo >>> (32 - s));
    } else {
      w[i + l] = 0;
      w[i + l + 1] = lo << (s - 32);
    }
  }
};

/** `i64x2.shr_s` / `i64x2.shr_u` on word pairs: count modulo 64. */
export function i64x2Shr(signed: boolean): SimdHandler {
  return (m, d, a, b) => {
    const s = m.i32[b >> 2] & 63, w = m.i32, i = d >> 2, j = a >> 2;
    for (let l = 0; l < 4; l += 2) {
      const lo = w[j + l], hi = w[j + l + 1];
      if (s === 0) {
        w[i + l] = lo;
        w[i + l + 1] = hi;
      } else if (s < 32) {
        w[i + l] = (lo >>> s) | (hi << (32 - s));
        w[i + l + 1] = signed ? hi >> s : hi >>> s;
      } else {
        w[i + l] = signed ? hi >> (s - 32) : hi >>> (s - 32);
        w[i + l + 1] = signed ? hi >> 31 : 0;
      }
    }
  };
}

// ---------------------------------------------------------------------------------------------
// Shape changes (through the scratch vector).

/**
 * `i8x16.narrow_i16x8_s/u` (bits 8) and `i16x8.narrow_i32x4_s/u` (bits 16), spec narrow:
 * the signed lanes of a then b, each saturated to the signed or unsigned `bits` range.
 */
export function narrow(bits: 8 | 16, signed: boolean): SimdHandler {
  const inShift = laneShift(bits * 2), n = 16 >> inShift;
  const max = signed ? (1 << (bits - 1)) - 1 : (1 << bits) - 1, min = signed ? -max - 1 : 0;
  return (m, d, a, b) => {
    const v = intView(m, bits * 2, true), s = intView(SCRATCH, bits, signed);
    for (let h = 0; h < 2; h++) {
      const j = (h === 0 ? a : b) >> inShift;
      for (let l = 0; l < n; l++) {
        const x = v[j + l];
        s[h * n + l] = x > max ? max : x < min ? min : x;
      }
    }
    commit(m, d);
  };
}

/**
 * `iNxM.extend_low/high_...` for N = 16 and 32 (spec extend): the low or high half of the
 * `bits / 2`-wide lanes of a, sign- or zero-extended.
 */
export function extend(bits: 16 | 32, signed: boolean, high: boolean): SimdHandler {
  const outShift = laneShift(bits), n = 16 >> outShift, inShift = outShift - 1;
  return (m, d, a) => {
    const v = intView(m, bits / 2, signed), s = intView(SCRATCH, bits, signed);
    const j = (a >> inShift) + (high ? n : 0);
    for (let l = 0; l < n; l++) s[l] = v[j + l];
    commit(m, d);
  };
}

/** `i64x2.extend_low/high_i32x4_s/u` on words. */
export function i64x2Extend(signed: boolean, high: boolean): SimdHandler {
  return (m, d, a) => {
    const w = m.i32, j = (a >> 2) + (high ? 2 : 0), x0 = w[j], x1 = w[j + 1], i = d >> 2;
    w[i] = x0;
    w[i + 1] = signed ? x0 >> 31 : 0;
    w[i + 2] = x1;
    w[i + 3] = signed ? x1 >> 31 : 0;
  };
}

/**
 * `iNxM.extmul_low/high_...` for N = 16 and 32 (spec extmul: extend both, then imul): the
 * products are exact (< 2^32), the store wraps them.
 */
export function extmul(bits: 16 | 32, signed: boolean, high: boolean): SimdHandler {
  const outShift = laneShift(bits), n = 16 >> outShift, inShift = outShift - 1;
  return (m, d, a, b) => {
    const v = intView(m, bits / 2, signed), s = intView(SCRATCH, bits, signed);
    const j = (a >> inShift) + (high ? n : 0), k = (b >> inShift) + (high ? n : 0);
    for (let l = 0; l < n; l++) s[l] = v[j + l] * v[k + l];
    commit(m, d);
  };
}

/**
 * `i64x2.extmul_low/high_i32x4_s/u` on words, without BigInts: the unsigned 64-bit product
 * from 16-bit halves (every partial sum < 2^34, exact), then for signed operands the high word
 * corrected by -(x < 0 ? y : 0) - (y < 0 ? x : 0), which is the product modulo 2^64.
 */
export function i64x2Extmul(signed: boolean, high: boolean): SimdHandler {
  return (m, d, a, b) => {
    const w = m.i32, j = (a >> 2) + (high ? 2 : 0), k = (b >> 2) + (high ? 2 : 0);
    const s = SCRATCH.i32;
    for (let l = 0; l < 2; l++) {
      const x = w[j + l], y = w[k + l], xu = x >>> 0, yu = y >>> 0;
      const xl = xu & 0xffff, xh = xu >>> 16, yl = yu & 0xffff, yh = yu >>> 16;
      const mid = xh * yl + xl * yh + ((xl * yl) >>> 16);
      let hi = xh * yh + Math.floor(mid / 65536);
      if (signed) hi -= (x < 0 ? yu : 0) + (y < 0 ? xu : 0);
      s[2 * l] = Math.imul(x, y);
      s[2 * l + 1] = hi;
    }
    commit(m, d);
  };
}

/**
 * `i16x8.extadd_pairwise_i8x16_s/u` (bits 16) and `i32x4.extadd_pairwise_i16x8_s/u` (bits
 * 32): each result lane is the sum of two adjacent extended lanes.
 */
export function extaddPairwise(bits: 16 | 32, signed: boolean): SimdHandler {
  const outShift = laneShift(bits), n = 16 >> outShift, inShift = outShift - 1;
  return (m, d, a) => {
    const v = intView(m, bits / 2, signed), s = intView(SCRATCH, bits, signed);
    const j = a >> inShift;
    for (let l = 0; l < n; l++) s[l] = v[j + 2 * l] + v[j + 2 * l + 1];
    commit(m, d);
  };
}

/**
 * `i32x4.dot_i16x8_s` (spec idot): pairwise sums of signed 16-bit products, wrapped (only
 * -32768 * -32768 twice reaches 2^31).
 */
export const i32x4DotI16x8S: SimdHandler = (m, d, a, b) => {
  const v = m.i16, s = SCRATCH.i32, j = a >> 1, k = b >> 1;
  for (let l = 0; l < 4; l++) {
    s[l] = v[j + 2 * l] * v[k + 2 * l] + v[j + 2 * l + 1] * v[k + 2 * l + 1];
  }
  commit(m, d);
};
