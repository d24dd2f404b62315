/**
 * The relaxed-SIMD operators (spec §4.3.x "Relaxed Operations"). Their results are
 * implementation-dependent: the spec gives each a parameter R selecting one of a few allowed
 * result sets, fixed for the whole execution. gab fixes EVERY parameter to 0, the spec's
 * deterministic profile, so results are the same on every host (snapshots resume anywhere and
 * runs are reproducible), and every choice is one the testsuite accepts:
 *
 * - `i8x16.relaxed_swizzle`: as `i8x16.swizzle` (indices >= 16 give 0).
 * - `i32x4.relaxed_trunc_*`: as the saturating `trunc_sat_*` (NaN -> 0, out of range clamps).
 * - `f32x4/f64x2.relaxed_madd` / `relaxed_nmadd`: UNFUSED, fadd(fmul(±a, b), c), two roundings.
 * - `iNxM.relaxed_laneselect`: as `v128.bitselect` (every mask bit counts).
 * - `f32x4/f64x2.relaxed_min/max`: as `min`/`max` (NaN in -> canonical NaN, -0 < +0).
 * - `i16x8.relaxed_q15mulr_s`: as `q15mulr_sat_s` (-32768 * -32768 -> 32767).
 * - `i16x8.relaxed_dot_i8x16_i7x16_s`: both operands signed, pairwise sums saturated to i16
 *   (spec ivdotsat); `i32x4.relaxed_dot_i8x16_i7x16_add_s`: those i16 sums, added pairwise
 *   into i32, plus c (wrapping).
 *
 * V8 on x86-64 picks the hardware's results instead (measured in Deno 2.9 on an FMA3 CPU):
 * fused madd; minps/maxps (`a < b ? a : b`, so the second operand when either is NaN or both
 * are zeros); cvttps2dq for signed truncation (NaN and overflow -> -2^31); pshufb for swizzle
 * (index & 15 unless bit 7 is set); blendv for laneselect (only each lane's top bit, each
 * byte's for i16x8); pmulhrsw for q15mulr (-32768); dot reads the second operand unsigned
 * and dot_add does not saturate the i16 pair sums (VNNI). The testsuite accepts both V8's
 * results and these.
 *
 * The operators shared with non-relaxed ones live with those (swizzle in `simd_lanes.ts`,
 * trunc_sat in `simd_float.ts`, q15mulr in `simd_int.ts`); this file holds madd and dot.
 *
 * @module
 */

import { commit, SCRATCH, type SimdHandler } from "./simd_views.ts";

/** `f32x4.relaxed_madd` (neg false) / `f32x4.relaxed_nmadd` (neg true), unfused. */
export function f32x4RelaxedMadd(neg: boolean): SimdHandler {
  return (m, d, a, b, c) => {
    const v = m.f32, i = d >> 2, j = a >> 2, k = b >> 2, l = c >> 2;
    for (let n = 0; n < 4; n++) {
      const x = neg ? -v[j + n] : v[j + n];
      // The product of two f32 values is exact in double; fround is fmul's rounding, the
      // store is fadd's (double rounding of a sum of f32 values is exact).
      v[i + n] = Math.fround(x * v[k + n]) + v[l + n];
    }
  };
}

/** `f64x2.relaxed_madd` / `f64x2.relaxed_nmadd`, unfused (JS never fuses `x * y + z`). */
export function f64x2RelaxedMadd(neg: boolean): SimdHandler {
  return (m, d, a, b, c) => {
    const v = m.f64, i = d >> 3, j = a >> 3, k = b >> 3, l = c >> 3;
    for (let n = 0; n < 2; n++) {
      const x = neg ? -v[j + n] : v[j + n];
      v[i + n] = x * v[k + n] + v[l + n];
    }
  };
}

/** The signed 16-bit saturation of an exact sum. */
function sat16(x: number): number {
  return x > 32767 ? 32767 : x < -32768 ? -32768 : x;
}

/** `i16x8.relaxed_dot_i8x16_i7x16_s`: saturated sums of adjacent signed byte products. */
export const i16x8RelaxedDot: SimdHandler = (m, d, a, b) => {
  const v = m.i8, s = SCRATCH.i16;
  for (let l = 0; l < 8; l++) {
    const p = a + 2 * l, q = b + 2 * l;
    s[l] = sat16(v[p] * v[q] + v[p + 1] * v[q + 1]);
  }
  commit(m, d);
};

/** `i32x4.relaxed_dot_i8x16_i7x16_add_s`: the i16 dot's adjacent pairs summed, plus c. */
export const i32x4RelaxedDotAdd: SimdHandler = (m, d, a, b, c) => {
  const v = m.i8, w = m.i32, s = SCRATCH.i32;
  for (let l = 0; l < 4; l++) {
    const p = a + 4 * l, q = b + 4 * l;
    const lo = sat16(v[p] * v[q] + v[p + 1] * v[q + 1]);
    const hi = sat16(v[p + 2] * v[q + 2] + v[p + 3] * v[q + 3]);
    s[l] = lo + hi + w[(c >> 2) + l];
  }
  commit(m, d);
};
