/**
 * Vector operators that move bits without arithmetic (spec §4.4.3.x "Vector Instructions"):
 * splat, extract_lane, replace_lane, i8x16.shuffle and swizzle, the bitwise `v128.*`
 * operators, any_true / all_true and bitmask.
 *
 * Everything here moves integer words, never Float32Array/Float64Array elements, so float
 * lanes keep their exact bits (signalling NaNs included). Scalars use the slot layout: an i32
 * or f32 is the 32-bit word at the slot's offset (results also zero the upper word), an i64 or
 * f64 the slot's two words. Lane indices are validated (< lane count): no check here.
 *
 * @module
 */

import {
  commit,
  intView,
  SCRATCH,
  setI32,
  type SimdHandler,
  type SimdViews,
} from "./simd_views.ts";

// ---------------------------------------------------------------------------------------------
// splat

/** `i8x16.splat`: the low byte of the i32 at `a`, 16 times. */
export const i8x16Splat: SimdHandler = (m, d, a) => {
  const x = (m.i32[a >> 2] & 0xff) * 0x01010101;
  const w = m.i32, i = d >> 2;
  w[i] =
    w[i + 1] =
    w[i + 2] =
    w[i + 3] =
      x;
};

/** `i16x8.splat`: the low 16 bits of the i32 at `a`, 8 times. */
export const i16x8Splat: SimdHandler = (m, d, a) => {
  const x = (m.i32[a >> 2] & 0xffff) * 0x10001;
  const w = m.i32, i = d >> 2;
  w[i] =
    w[i + 1] =
    w[i + 2] =
    w[i + 3] =
      x;
};

/** `i32x4.splat` and `f32x4.splat` (the f32's bits): the 32-bit word at `a`, 4 times. */
export const splat32: SimdHandler = (m, d, a) => {
  const w = m.i32, x = w[a >> 2], i = d >> 2;
  w[i] =
    w[i + 1] =
    w[i + 2] =
    w[i + 3] =
      x;
};

/** `i64x2.splat` and `f64x2.splat` (the f64's bits): the 64-bit slot at `a`, twice. */
export const splat64: SimdHandler = (m, d, a) => {
  const w = m.i32, j = a >> 2, lo = w[j], hi = w[j + 1], i = d >> 2;
  w[i] = w[i + 2] = lo;
  w[i + 1] = w[i + 3] = hi;
};

// ---------------------------------------------------------------------------------------------
// extract_lane / replace_lane

/** `i8x16.extract_lane_s` / `i16x8.extract_lane_s` / `..._u`: lane `imm`, extended to i32. */
export function extractLane(bits: 8 | 16, signed: boolean): SimdHandler {
  const shift = bits === 8 ? 0 : 1;
  return (m, d, a, _b, _c, lane) => {
    setI32(m, d, intView(m, bits, signed)[(a >> shift) + lane]);
  };
}

/** `i32x4.extract_lane` and `f32x4.extract_lane` (bits): the 32-bit lane `imm`. */
export const extractLane32: SimdHandler = (m, d, a, _b, _c, lane) => {
  setI32(m, d, m.i32[(a >> 2) + lane]);
};

/** `i64x2.extract_lane` and `f64x2.extract_lane` (bits): the 64-bit lane `imm`. */
export const extractLane64: SimdHandler = (m, d, a, _b, _c, lane) => {
  const w = m.i32, j = (a >> 2) + 2 * lane, lo = w[j], hi = w[j + 1], i = d >> 2;
  w[i] = lo;
  w[i + 1] = hi;
};

/** Copies the vector at `a` to `d` (nothing if they are the same). */
export function copyV128(m: SimdViews, d: number, a: number): void {
  if (d === a) return;
  const w = m.i32, i = d >> 2, j = a >> 2;
  w[i] = w[j];
  w[i + 1] = w[j + 1];
  w[i + 2] = w[j + 2];
  w[i + 3] = w[j + 3];
}

/** `i8x16.replace_lane` / `i16x8.replace_lane`: the vector at `a` with lane `imm` := `b`. */
export function replaceLane(bits: 8 | 16): SimdHandler {
  const shift = bits === 8 ? 0 : 1;
  return (m, d, a, b, _c, lane) => {
    const x = m.i32[b >> 2];
    copyV128(m, d, a);
    intView(m, bits, true)[(d >> shift) + lane] = x;
  };
}

/** `i32x4.replace_lane` and `f32x4.replace_lane` (bits). */
export const replaceLane32: SimdHandler = (m, d, a, b, _c, lane) => {
  const x = m.i32[b >> 2];
  copyV128(m, d, a);
  m.i32[(d >> 2) + lane] = x;
};

/** `i64x2.replace_lane` and `f64x2.replace_lane` (bits). */
export const replaceLane64: SimdHandler = (m, d, a, b, _c, lane) => {
  const w = m.i32, j = b >> 2, lo = w[j], hi = w[j + 1];
  copyV128(m, d, a);
  const i = (d >> 2) + 2 * lane;
  w[i] = lo;
  w[i + 1] = hi;
};

// ---------------------------------------------------------------------------------------------
// shuffle / swizzle

/**
 * `i8x16.shuffle` (spec ishuffle): byte `i` of the result is byte `lanes[i]` of the 32-byte
 * concatenation a ++ b. `lanes` holds 16 validated indices (< 32).
 */
export function shuffle(m: SimdViews, d: number, a: number, b: number, lanes: Uint8Array): void {
  const s = SCRATCH.u8, u = m.u8;
  for (let i = 0; i < 16; i++) {
    const k = lanes[i];
    s[i] = k < 16 ? u[a + k] : u[b + k - 16];
  }
  commit(m, d);
}

/**
 * `i8x16.swizzle` (spec iswizzle), also `i8x16.relaxed_swizzle` (deterministic profile): byte
 * `i` is byte `b[i]` of `a`, or 0 when that index is 16 or more.
 */
export const swizzle: SimdHandler = (m, d, a, b) => {
  const s = SCRATCH.u8, u = m.u8;
  for (let i = 0; i < 16; i++) {
    const k = u[b + i];
    s[i] = k < 16 ? u[a + k] : 0;
  }
  commit(m, d);
};

// ---------------------------------------------------------------------------------------------
// Bitwise (spec inot, iand, iandnot, ior, ixor, ibitselect) and tests.

/** `v128.not`. */
export const v128Not: SimdHandler = (m, d, a) => {
  const w = m.i32, i = d >> 2, j = a >> 2;
  w[i] = ~w[j];
  w[i + 1] = ~w[j + 1];
  w[i + 2] = ~w[j + 2];
  w[i + 3] = ~w[j + 3];
};

/** `v128.and`. */
export const v128And: SimdHandler = (m, d, a, b) => {
  const w = m.i32, i = d >> 2, j = a >> 2, k = b >> 2;
  w[i] = w[j] & w[k];
  w[i + 1] = w[j + 1] & w[k + 1];
  w[i + 2] = w[j + 2] & w[k + 2];
  w[i + 3] = w[j + 3] & w[k + 3];
};

/** `v128.andnot`: a & ~b. */
export const v128Andnot: SimdHandler = (m, d, a, b) => {
  const w = m.i32, i = d >> 2, j = a >> 2, k = b >> 2;
  w[i] = w[j] & ~w[k];
  w[i + 1] = w[j + 1] & ~w[k + 1];
  w[i + 2] = w[j + 2] & ~w[k + 2];
  w[i + 3] = w[j + 3] & ~w[k + 3];
};

/** `v128.or`. */
export const v128Or: SimdHandler = (m, d, a, b) => {
  const w = m.i32, i = d >> 2, j = a >> 2, k = b >> 2;
  w[i] = w[j] | w[k];
  w[i + 1] = w[j + 1] | w[k + 1];
  w[i + 2] = w[j + 2] | w[k + 2];
  w[i + 3] = w[j + 3] | w[k + 3];
};

/** `v128.xor`. */
export const v128Xor: SimdHandler = (m, d, a, b) => {
  const w = m.i32, i = d >> 2, j = a >> 2, k = b >> 2;
  w[i] = w[j] ^ w[k];
  w[i + 1] = w[j + 1] ^ w[k + 1];
  w[i + 2] = w[j + 2] ^ w[k + 2];
  w[i + 3] = w[j + 3] ^ w[k + 3];
};

/**
 * `v128.bitselect` (spec ibitselect): bits of a where c is 1, of b where c is 0. Also every
 * `relaxed_laneselect` (the deterministic profile's choice).
 */
export const v128Bitselect: SimdHandler = (m, d, a, b, c) => {
  const w = m.i32, i = d >> 2, j = a >> 2, k = b >> 2, l = c >> 2;
  for (let n = 0; n < 4; n++) {
    const mask = w[l + n];
    w[i + n] = (w[j + n] & mask) | (w[k + n] & ~mask);
  }
};

/** `v128.any_true`: 1 if any bit is set. */
export const v128AnyTrue: SimdHandler = (m, d, a) => {
  const w = m.i32, j = a >> 2;
  setI32(m, d, (w[j] | w[j + 1] | w[j + 2] | w[j + 3]) !== 0 ? 1 : 0);
};

/** `iNxM.all_true` for 8-, 16- and 32-bit lanes: 1 if every lane is non-zero. */
export function allTrue(bits: 8 | 16 | 32): SimdHandler {
  const shift = bits === 8 ? 0 : bits === 16 ? 1 : 2, n = 16 >> shift;
  return (m, d, a) => {
    const v = intView(m, bits, false), j = a >> shift;
    let r = 1;
    for (let i = 0; i < n; i++) if (v[j + i] === 0) r = 0;
    setI32(m, d, r);
  };
}

/** `i64x2.all_true`. */
export const i64x2AllTrue: SimdHandler = (m, d, a) => {
  const w = m.i32, j = a >> 2;
  setI32(m, d, (w[j] | w[j + 1]) !== 0 && (w[j + 2] | w[j + 3]) !== 0 ? 1 : 0);
};

/** `iNxM.bitmask` for 8-, 16- and 32-bit lanes: bit i of the result is lane i's sign bit. */
export function bitmask(bits: 8 | 16 | 32): SimdHandler {
  const shift = bits === 8 ? 0 : bits === 16 ? 1 : 2, n = 16 >> shift;
  return (m, d, a) => {
    const v = intView(m, bits, true), j = a >> shift;
    let r = 0;
    for (let i = 0; i < n; i++) if (v[j + i] < 0) r |= 1 << i;
    setI32(m, d, r);
  };
}

/** `i64x2.bitmask`: the sign bits of the two high words. */
export const i64x2Bitmask: SimdHandler = (m, d, a) => {
  const w = m.i32, j = a >> 2;
  setI32(m, d, (w[j + 1] >>> 31) | ((w[j + 3] >>> 31) << 1));
};
