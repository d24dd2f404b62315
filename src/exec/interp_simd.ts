/**
 * The SIMD dispatch: the interpreter loop (`interp.ts`) hands every `simd` and `simd.mem` IR
 * instruction (src/ir/ops.ts) to {@linkcode simdOp} / {@linkcode simdMemOp}, so that the
 * ~240 SIMD instructions do not grow the main loop past V8's size limit for optimized
 * functions. The semantics are the pure handlers of `simd*.ts` (one table, indexed by the
 * instruction's number after the 0xFD prefix); this file adds the operand decoding, the
 * shuffle (its lanes in the constant pool) and the memory forms.
 *
 * Operands are Int32 indices of stack slots relative to `fp`, as everywhere in the loop; the
 * handlers take byte offsets (index times 4).
 *
 * Not here: `v128.const`, v128 selects and globals, and `v128.load`/`v128.store` on memory 0,
 * which the main loop executes itself.
 *
 * @module
 */

import type { CompiledFunc } from "../ir/compiled.ts";
import type { MemInst } from "../runtime/store.ts";
import { OPS } from "../syntax/opcodes.ts";
import type { Machine } from "./machine.ts";
import { oobMemory } from "./memory_ops.ts";
import { type SimdHandler, simdHandler, type SimdViews } from "./simd.ts";
import { SCRATCH } from "./simd_views.ts";

/** The handler of each 0xFD instruction number (undefined for the ones not executed here). */
const BY_CODE: SimdHandler[] = [];
for (const info of OPS) {
  if (info.prefix !== 0xfd) continue;
  const h = simdHandler(info.op);
  if (h !== undefined) BY_CODE[info.code] = h;
}

/**
 * Executes the `simd` IR instruction at `pc` of `cf`'s code (`w d s1 s2 s3 i`) in the frame
 * at `fp`, on the machine's stack views `V`.
 *
 * The instructions compilers emit most (measured on the SIMD kernels of testdata/simd and
 * SQLite) are cases of their own with their lanes written out, on 32-bit words wherever the
 * lanes allow it (8- and 16-bit lanes of additions, shifts, extends and compares computed
 * inside words); the rest call the handler table of `simd.ts`. Case labels are the 0xFD
 * numbers as literals (a jump table), checked against the opcode table by
 * tests/exec/interp_simd_test.ts. Where output lanes read other input lanes, every input is
 * read before the first output word is written (the result may be an operand).
 */
export function simdOp(V: SimdViews, cf: CompiledFunc, pc: number, fp: number): void {
  const code = cf.code;
  const I = V.i32;
  const d = fp + code[pc + 2], a = fp + code[pc + 3], b = fp + code[pc + 4];
  switch (code[pc + 1]) {
    case 13 /* i8x16.shuffle */:
      shuffle(V, d, a, b, cf.pool, code[pc + 6] * 2);
      return;
    case 15 /* i8x16.splat */:
      I[d] =
        I[d + 1] =
        I[d + 2] =
        I[d + 3] =
          (I[a] & 0xff) * 0x01010101;
      return;
    case 16 /* i16x8.splat */:
      I[d] =
        I[d + 1] =
        I[d + 2] =
        I[d + 3] =
          (I[a] & 0xffff) * 0x10001;
      return;
    case 17 /* i32x4.splat */:
    case 19 /* f32x4.splat */:
      I[d] =
        I[d + 1] =
        I[d + 2] =
        I[d + 3] =
          I[a];
      return;
    case 18 /* i64x2.splat */:
    case 20 /* f64x2.splat */: {
      const lo = I[a], hi = I[a + 1];
      I[d] = I[d + 2] = lo;
      I[d + 1] = I[d + 3] = hi;
      return;
    }
    case 21 /* i8x16.extract_lane_s */:
      I[d] = V.i8[(a << 2) + code[pc + 6]];
      I[d + 1] = 0;
      return;
    case 22 /* i8x16.extract_lane_u */:
      I[d] = V.u8[(a << 2) + code[pc + 6]];
      I[d + 1] = 0;
      return;
    case 24 /* i16x8.extract_lane_s */:
      I[d] = V.i16[(a << 1) + code[pc + 6]];
      I[d + 1] = 0;
      return;
    case 25 /* i16x8.extract_lane_u */:
      I[d] = V.u16[(a << 1) + code[pc + 6]];
      I[d + 1] = 0;
      return;
    case 27 /* i32x4.extract_lane */:
    case 31 /* f32x4.extract_lane */:
      I[d] = I[a + code[pc + 6]];
      I[d + 1] = 0;
      return;
    case 29 /* i64x2.extract_lane */:
    case 33 /* f64x2.extract_lane */: {
      const l = a + 2 * code[pc + 6];
      const lo = I[l], hi = I[l + 1];
      I[d] = lo;
      I[d + 1] = hi;
      return;
    }
    case 23 /* i8x16.replace_lane */: {
      const x = I[b];
      copy4(I, d, a);
      V.u8[(d << 2) + code[pc + 6]] = x;
      return;
    }
    case 26 /* i16x8.replace_lane */: {
      const x = I[b];
      copy4(I, d, a);
      V.u16[(d << 1) + code[pc + 6]] = x;
      return;
    }
    case 28 /* i32x4.replace_lane */:
    case 32 /* f32x4.replace_lane */: {
      const x = I[b];
      copy4(I, d, a);
      I[d + code[pc + 6]] = x;
      return;
    }
    case 30 /* i64x2.replace_lane */:
    case 34 /* f64x2.replace_lane */: {
      const lo = I[b], hi = I[b + 1];
      copy4(I, d, a);
      I[d + 2 * code[pc + 6]] = lo;
      I[d + 2 * code[pc + 6] + 1] = hi;
      return;
    }
    case 35 /* i8x16.eq */: {
      const x0 = I[a], x1 = I[a + 1], x2 = I[a + 2], x3 = I[a + 3];
      const y0 = I[b], y1 = I[b + 1], y2 = I[b + 2], y3 = I[b + 3];
      I[d] = ~nonzeroBytes(x0 ^ y0);
      I[d + 1] = ~nonzeroBytes(x1 ^ y1);
      I[d + 2] = ~nonzeroBytes(x2 ^ y2);
      I[d + 3] = ~nonzeroBytes(x3 ^ y3);
      return;
    }
    case 36 /* i8x16.ne */: {
      const x0 = I[a], x1 = I[a + 1], x2 = I[a + 2], x3 = I[a + 3];
      const y0 = I[b], y1 = I[b + 1], y2 = I[b + 2], y3 = I[b + 3];
      I[d] = nonzeroBytes(x0 ^ y0);
      I[d + 1] = nonzeroBytes(x1 ^ y1);
      I[d + 2] = nonzeroBytes(x2 ^ y2);
      I[d + 3] = nonzeroBytes(x3 ^ y3);
      return;
    }
    case 55 /* i32x4.eq */: {
      const x0 = I[a], x1 = I[a + 1], x2 = I[a + 2], x3 = I[a + 3];
      const y0 = I[b], y1 = I[b + 1], y2 = I[b + 2], y3 = I[b + 3];
      I[d] = x0 === y0 ? -1 : 0;
      I[d + 1] = x1 === y1 ? -1 : 0;
      I[d + 2] = x2 === y2 ? -1 : 0;
      I[d + 3] = x3 === y3 ? -1 : 0;
      return;
    }
    case 56 /* i32x4.ne */: {
      const x0 = I[a], x1 = I[a + 1], x2 = I[a + 2], x3 = I[a + 3];
      const y0 = I[b], y1 = I[b + 1], y2 = I[b + 2], y3 = I[b + 3];
      I[d] = x0 !== y0 ? -1 : 0;
      I[d + 1] = x1 !== y1 ? -1 : 0;
      I[d + 2] = x2 !== y2 ? -1 : 0;
      I[d + 3] = x3 !== y3 ? -1 : 0;
      return;
    }
    case 57 /* i32x4.lt_s */: {
      const x0 = I[a], x1 = I[a + 1], x2 = I[a + 2], x3 = I[a + 3];
      const y0 = I[b], y1 = I[b + 1], y2 = I[b + 2], y3 = I[b + 3];
      I[d] = x0 < y0 ? -1 : 0;
      I[d + 1] = x1 < y1 ? -1 : 0;
      I[d + 2] = x2 < y2 ? -1 : 0;
      I[d + 3] = x3 < y3 ? -1 : 0;
      return;
    }
    case 58 /* i32x4.lt_u */: {
      const x0 = I[a], x1 = I[a + 1], x2 = I[a + 2], x3 = I[a + 3];
      const y0 = I[b], y1 = I[b + 1], y2 = I[b + 2], y3 = I[b + 3];
      I[d] = x0 >>> 0 < y0 >>> 0 ? -1 : 0;
      I[d + 1] = x1 >>> 0 < y1 >>> 0 ? -1 : 0;
      I[d + 2] = x2 >>> 0 < y2 >>> 0 ? -1 : 0;
      I[d + 3] = x3 >>> 0 < y3 >>> 0 ? -1 : 0;
      return;
    }
    case 59 /* i32x4.gt_s */: {
      const x0 = I[a], x1 = I[a + 1], x2 = I[a + 2], x3 = I[a + 3];
      const y0 = I[b], y1 = I[b + 1], y2 = I[b + 2], y3 = I[b + 3];
      I[d] = x0 > y0 ? -1 : 0;
      I[d + 1] = x1 > y1 ? -1 : 0;
      I[d + 2] = x2 > y2 ? -1 : 0;
      I[d + 3] = x3 > y3 ? -1 : 0;
      return;
    }
    case 60 /* i32x4.gt_u */: {
      const x0 = I[a], x1 = I[a + 1], x2 = I[a + 2], x3 = I[a + 3];
      const y0 = I[b], y1 = I[b + 1], y2 = I[b + 2], y3 = I[b + 3];
      I[d] = x0 >>> 0 > y0 >>> 0 ? -1 : 0;
      I[d + 1] = x1 >>> 0 > y1 >>> 0 ? -1 : 0;
      I[d + 2] = x2 >>> 0 > y2 >>> 0 ? -1 : 0;
      I[d + 3] = x3 >>> 0 > y3 >>> 0 ? -1 : 0;
      return;
    }
    case 61 /* i32x4.le_s */: {
      const x0 = I[a], x1 = I[a + 1], x2 = I[a + 2], x3 = I[a + 3];
      const y0 = I[b], y1 = I[b + 1], y2 = I[b + 2], y3 = I[b + 3];
      I[d] = x0 <= y0 ? -1 : 0;
      I[d + 1] = x1 <= y1 ? -1 : 0;
      I[d + 2] = x2 <= y2 ? -1 : 0;
      I[d + 3] = x3 <= y3 ? -1 : 0;
      return;
    }
    case 63 /* i32x4.ge_s */: {
      const x0 = I[a], x1 = I[a + 1], x2 = I[a + 2], x3 = I[a + 3];
      const y0 = I[b], y1 = I[b + 1], y2 = I[b + 2], y3 = I[b + 3];
      I[d] = x0 >= y0 ? -1 : 0;
      I[d + 1] = x1 >= y1 ? -1 : 0;
      I[d + 2] = x2 >= y2 ? -1 : 0;
      I[d + 3] = x3 >= y3 ? -1 : 0;
      return;
    }
    case 77 /* v128.not */: {
      const x0 = I[a], x1 = I[a + 1], x2 = I[a + 2], x3 = I[a + 3];
      I[d] = ~x0;
      I[d + 1] = ~x1;
      I[d + 2] = ~x2;
      I[d + 3] = ~x3;
      return;
    }
    case 78 /* v128.and */: {
      const x0 = I[a], x1 = I[a + 1], x2 = I[a + 2], x3 = I[a + 3];
      const y0 = I[b], y1 = I[b + 1], y2 = I[b + 2], y3 = I[b + 3];
      I[d] = x0 & y0;
      I[d + 1] = x1 & y1;
      I[d + 2] = x2 & y2;
      I[d + 3] = x3 & y3;
      return;
    }
    case 79 /* v128.andnot */: {
      const x0 = I[a], x1 = I[a + 1], x2 = I[a + 2], x3 = I[a + 3];
      const y0 = I[b], y1 = I[b + 1], y2 = I[b + 2], y3 = I[b + 3];
      I[d] = x0 & ~y0;
      I[d + 1] = x1 & ~y1;
      I[d + 2] = x2 & ~y2;
      I[d + 3] = x3 & ~y3;
      return;
    }
    case 80 /* v128.or */: {
      const x0 = I[a], x1 = I[a + 1], x2 = I[a + 2], x3 = I[a + 3];
      const y0 = I[b], y1 = I[b + 1], y2 = I[b + 2], y3 = I[b + 3];
      I[d] = x0 | y0;
      I[d + 1] = x1 | y1;
      I[d + 2] = x2 | y2;
      I[d + 3] = x3 | y3;
      return;
    }
    case 81 /* v128.xor */: {
      const x0 = I[a], x1 = I[a + 1], x2 = I[a + 2], x3 = I[a + 3];
      const y0 = I[b], y1 = I[b + 1], y2 = I[b + 2], y3 = I[b + 3];
      I[d] = x0 ^ y0;
      I[d + 1] = x1 ^ y1;
      I[d + 2] = x2 ^ y2;
      I[d + 3] = x3 ^ y3;
      return;
    }
    case 82 /* v128.bitselect */:
    case 265 /* i8x16.relaxed_laneselect */:
    case 266 /* i16x8.relaxed_laneselect */:
    case 267 /* i32x4.relaxed_laneselect */:
    case 268 /* i64x2.relaxed_laneselect */: {
      const c = fp + code[pc + 5];
      const x0 = I[a], x1 = I[a + 1], x2 = I[a + 2], x3 = I[a + 3];
      const y0 = I[b], y1 = I[b + 1], y2 = I[b + 2], y3 = I[b + 3];
      const m0 = I[c], m1 = I[c + 1], m2 = I[c + 2], m3 = I[c + 3];
      I[d] = (x0 & m0) | (y0 & ~m0);
      I[d + 1] = (x1 & m1) | (y1 & ~m1);
      I[d + 2] = (x2 & m2) | (y2 & ~m2);
      I[d + 3] = (x3 & m3) | (y3 & ~m3);
      return;
    }
    case 83 /* v128.any_true */:
      I[d] = (I[a] | I[a + 1] | I[a + 2] | I[a + 3]) !== 0 ? 1 : 0;
      I[d + 1] = 0;
      return;
    case 101 /* i8x16.narrow_i16x8_s */:
    case 102 /* i8x16.narrow_i16x8_u */:
    case 133 /* i16x8.narrow_i32x4_s */:
    case 134 /* i16x8.narrow_i32x4_u */:
      narrow(V, code[pc + 1], d, a, b);
      return;
    case 107 /* i8x16.shl */: {
      const c = I[b] & 7, m = ((0xff << c) & 0xff) * 0x01010101;
      const x0 = I[a], x1 = I[a + 1], x2 = I[a + 2], x3 = I[a + 3];
      I[d] = (x0 << c) & m;
      I[d + 1] = (x1 << c) & m;
      I[d + 2] = (x2 << c) & m;
      I[d + 3] = (x3 << c) & m;
      return;
    }
    case 109 /* i8x16.shr_u */: {
      const c = I[b] & 7, m = (0xff >>> c) * 0x01010101;
      const x0 = I[a], x1 = I[a + 1], x2 = I[a + 2], x3 = I[a + 3];
      I[d] = (x0 >>> c) & m;
      I[d + 1] = (x1 >>> c) & m;
      I[d + 2] = (x2 >>> c) & m;
      I[d + 3] = (x3 >>> c) & m;
      return;
    }
    case 110 /* i8x16.add */: {
      const x0 = I[a], x1 = I[a + 1], x2 = I[a + 2], x3 = I[a + 3];
      const y0 = I[b], y1 = I[b + 1], y2 = I[b + 2], y3 = I[b + 3];
      I[d] = ((x0 & 0x7f7f7f7f) + (y0 & 0x7f7f7f7f)) ^ ((x0 ^ y0) & 0x80808080);
      I[d + 1] = ((x1 & 0x7f7f7f7f) + (y1 & 0x7f7f7f7f)) ^ ((x1 ^ y1) & 0x80808080);
      I[d + 2] = ((x2 & 0x7f7f7f7f) + (y2 & 0x7f7f7f7f)) ^ ((x2 ^ y2) & 0x80808080);
      I[d + 3] = ((x3 & 0x7f7f7f7f) + (y3 & 0x7f7f7f7f)) ^ ((x3 ^ y3) & 0x80808080);
      return;
    }
    case 113 /* i8x16.sub */: {
      const x0 = I[a], x1 = I[a + 1], x2 = I[a + 2], x3 = I[a + 3];
      const y0 = I[b], y1 = I[b + 1], y2 = I[b + 2], y3 = I[b + 3];
      I[d] = ((x0 | 0x80808080) - (y0 & 0x7f7f7f7f)) ^ ((x0 ^ ~y0) & 0x80808080);
      I[d + 1] = ((x1 | 0x80808080) - (y1 & 0x7f7f7f7f)) ^ ((x1 ^ ~y1) & 0x80808080);
      I[d + 2] = ((x2 | 0x80808080) - (y2 & 0x7f7f7f7f)) ^ ((x2 ^ ~y2) & 0x80808080);
      I[d + 3] = ((x3 | 0x80808080) - (y3 & 0x7f7f7f7f)) ^ ((x3 ^ ~y3) & 0x80808080);
      return;
    }
    case 135 /* i16x8.extend_low_i8x16_s */:
    case 136 /* i16x8.extend_high_i8x16_s */: {
      const j = code[pc + 1] === 135 ? a : a + 2;
      const x = I[j], y = I[j + 1];
      I[d] = (((x << 24) >> 24) & 0xffff) | (((x << 16) >> 24) << 16);
      I[d + 1] = (((x << 8) >> 24) & 0xffff) | ((x >> 24) << 16);
      I[d + 2] = (((y << 24) >> 24) & 0xffff) | (((y << 16) >> 24) << 16);
      I[d + 3] = (((y << 8) >> 24) & 0xffff) | ((y >> 24) << 16);
      return;
    }
    case 137 /* i16x8.extend_low_i8x16_u */:
    case 138 /* i16x8.extend_high_i8x16_u */: {
      const j = code[pc + 1] === 137 ? a : a + 2;
      const x = I[j], y = I[j + 1];
      I[d] = (x & 0xff) | ((x & 0xff00) << 8);
      I[d + 1] = ((x >>> 16) & 0xff) | ((x >>> 8) & 0xff0000);
      I[d + 2] = (y & 0xff) | ((y & 0xff00) << 8);
      I[d + 3] = ((y >>> 16) & 0xff) | ((y >>> 8) & 0xff0000);
      return;
    }
    case 139 /* i16x8.shl */: {
      const c = I[b] & 15, m = ((0xffff << c) & 0xffff) * 0x10001;
      const x0 = I[a], x1 = I[a + 1], x2 = I[a + 2], x3 = I[a + 3];
      I[d] = (x0 << c) & m;
      I[d + 1] = (x1 << c) & m;
      I[d + 2] = (x2 << c) & m;
      I[d + 3] = (x3 << c) & m;
      return;
    }
    case 140 /* i16x8.shr_s */: {
      const c = I[b] & 15;
      const x0 = I[a], x1 = I[a + 1], x2 = I[a + 2], x3 = I[a + 3];
      I[d] = (((x0 << 16) >> (16 + c)) & 0xffff) | ((x0 >> c) & ~0xffff);
      I[d + 1] = (((x1 << 16) >> (16 + c)) & 0xffff) | ((x1 >> c) & ~0xffff);
      I[d + 2] = (((x2 << 16) >> (16 + c)) & 0xffff) | ((x2 >> c) & ~0xffff);
      I[d + 3] = (((x3 << 16) >> (16 + c)) & 0xffff) | ((x3 >> c) & ~0xffff);
      return;
    }
    case 141 /* i16x8.shr_u */: {
      const c = I[b] & 15, m = (0xffff >>> c) * 0x10001;
      const x0 = I[a], x1 = I[a + 1], x2 = I[a + 2], x3 = I[a + 3];
      I[d] = (x0 >>> c) & m;
      I[d + 1] = (x1 >>> c) & m;
      I[d + 2] = (x2 >>> c) & m;
      I[d + 3] = (x3 >>> c) & m;
      return;
    }
    case 142 /* i16x8.add */: {
      const x0 = I[a], x1 = I[a + 1], x2 = I[a + 2], x3 = I[a + 3];
      const y0 = I[b], y1 = I[b + 1], y2 = I[b + 2], y3 = I[b + 3];
      I[d] = ((x0 & 0x7fff7fff) + (y0 & 0x7fff7fff)) ^ ((x0 ^ y0) & 0x80008000);
      I[d + 1] = ((x1 & 0x7fff7fff) + (y1 & 0x7fff7fff)) ^ ((x1 ^ y1) & 0x80008000);
      I[d + 2] = ((x2 & 0x7fff7fff) + (y2 & 0x7fff7fff)) ^ ((x2 ^ y2) & 0x80008000);
      I[d + 3] = ((x3 & 0x7fff7fff) + (y3 & 0x7fff7fff)) ^ ((x3 ^ y3) & 0x80008000);
      return;
    }
    case 145 /* i16x8.sub */: {
      const x0 = I[a], x1 = I[a + 1], x2 = I[a + 2], x3 = I[a + 3];
      const y0 = I[b], y1 = I[b + 1], y2 = I[b + 2], y3 = I[b + 3];
      I[d] = ((x0 | 0x80008000) - (y0 & 0x7fff7fff)) ^ ((x0 ^ ~y0) & 0x80008000);
      I[d + 1] = ((x1 | 0x80008000) - (y1 & 0x7fff7fff)) ^ ((x1 ^ ~y1) & 0x80008000);
      I[d + 2] = ((x2 | 0x80008000) - (y2 & 0x7fff7fff)) ^ ((x2 ^ ~y2) & 0x80008000);
      I[d + 3] = ((x3 | 0x80008000) - (y3 & 0x7fff7fff)) ^ ((x3 ^ ~y3) & 0x80008000);
      return;
    }
    case 149 /* i16x8.mul */: {
      const x0 = I[a], x1 = I[a + 1], x2 = I[a + 2], x3 = I[a + 3];
      const y0 = I[b], y1 = I[b + 1], y2 = I[b + 2], y3 = I[b + 3];
      I[d] = (Math.imul(x0 & 0xffff, y0 & 0xffff) & 0xffff) |
        (Math.imul(x0 >>> 16, y0 >>> 16) << 16);
      I[d + 1] = (Math.imul(x1 & 0xffff, y1 & 0xffff) & 0xffff) |
        (Math.imul(x1 >>> 16, y1 >>> 16) << 16);
      I[d + 2] = (Math.imul(x2 & 0xffff, y2 & 0xffff) & 0xffff) |
        (Math.imul(x2 >>> 16, y2 >>> 16) << 16);
      I[d + 3] = (Math.imul(x3 & 0xffff, y3 & 0xffff) & 0xffff) |
        (Math.imul(x3 >>> 16, y3 >>> 16) << 16);
      return;
    }
    case 167 /* i32x4.extend_low_i16x8_s */:
    case 168 /* i32x4.extend_high_i16x8_s */: {
      const j = code[pc + 1] === 167 ? a : a + 2;
      const x = I[j], y = I[j + 1];
      I[d] = (x << 16) >> 16;
      I[d + 1] = x >> 16;
      I[d + 2] = (y << 16) >> 16;
      I[d + 3] = y >> 16;
      return;
    }
    case 169 /* i32x4.extend_low_i16x8_u */:
    case 170 /* i32x4.extend_high_i16x8_u */: {
      const j = code[pc + 1] === 169 ? a : a + 2;
      const x = I[j], y = I[j + 1];
      I[d] = x & 0xffff;
      I[d + 1] = x >>> 16;
      I[d + 2] = y & 0xffff;
      I[d + 3] = y >>> 16;
      return;
    }
    case 171 /* i32x4.shl */: {
      const c = I[b] & 31;
      const x0 = I[a], x1 = I[a + 1], x2 = I[a + 2], x3 = I[a + 3];
      I[d] = x0 << c;
      I[d + 1] = x1 << c;
      I[d + 2] = x2 << c;
      I[d + 3] = x3 << c;
      return;
    }
    case 172 /* i32x4.shr_s */: {
      const c = I[b] & 31;
      const x0 = I[a], x1 = I[a + 1], x2 = I[a + 2], x3 = I[a + 3];
      I[d] = x0 >> c;
      I[d + 1] = x1 >> c;
      I[d + 2] = x2 >> c;
      I[d + 3] = x3 >> c;
      return;
    }
    case 173 /* i32x4.shr_u */: {
      const c = I[b] & 31;
      const x0 = I[a], x1 = I[a + 1], x2 = I[a + 2], x3 = I[a + 3];
      I[d] = x0 >>> c;
      I[d + 1] = x1 >>> c;
      I[d + 2] = x2 >>> c;
      I[d + 3] = x3 >>> c;
      return;
    }
    case 174 /* i32x4.add */: {
      const x0 = I[a], x1 = I[a + 1], x2 = I[a + 2], x3 = I[a + 3];
      const y0 = I[b], y1 = I[b + 1], y2 = I[b + 2], y3 = I[b + 3];
      I[d] = x0 + y0;
      I[d + 1] = x1 + y1;
      I[d + 2] = x2 + y2;
      I[d + 3] = x3 + y3;
      return;
    }
    case 177 /* i32x4.sub */: {
      const x0 = I[a], x1 = I[a + 1], x2 = I[a + 2], x3 = I[a + 3];
      const y0 = I[b], y1 = I[b + 1], y2 = I[b + 2], y3 = I[b + 3];
      I[d] = x0 - y0;
      I[d + 1] = x1 - y1;
      I[d + 2] = x2 - y2;
      I[d + 3] = x3 - y3;
      return;
    }
    case 181 /* i32x4.mul */: {
      const x0 = I[a], x1 = I[a + 1], x2 = I[a + 2], x3 = I[a + 3];
      const y0 = I[b], y1 = I[b + 1], y2 = I[b + 2], y3 = I[b + 3];
      I[d] = Math.imul(x0, y0);
      I[d + 1] = Math.imul(x1, y1);
      I[d + 2] = Math.imul(x2, y2);
      I[d + 3] = Math.imul(x3, y3);
      return;
    }
    case 182 /* i32x4.min_s */: {
      const x0 = I[a], x1 = I[a + 1], x2 = I[a + 2], x3 = I[a + 3];
      const y0 = I[b], y1 = I[b + 1], y2 = I[b + 2], y3 = I[b + 3];
      I[d] = x0 < y0 ? x0 : y0;
      I[d + 1] = x1 < y1 ? x1 : y1;
      I[d + 2] = x2 < y2 ? x2 : y2;
      I[d + 3] = x3 < y3 ? x3 : y3;
      return;
    }
    case 183 /* i32x4.min_u */: {
      const x0 = I[a], x1 = I[a + 1], x2 = I[a + 2], x3 = I[a + 3];
      const y0 = I[b], y1 = I[b + 1], y2 = I[b + 2], y3 = I[b + 3];
      I[d] = x0 >>> 0 < y0 >>> 0 ? x0 : y0;
      I[d + 1] = x1 >>> 0 < y1 >>> 0 ? x1 : y1;
      I[d + 2] = x2 >>> 0 < y2 >>> 0 ? x2 : y2;
      I[d + 3] = x3 >>> 0 < y3 >>> 0 ? x3 : y3;
      return;
    }
    case 184 /* i32x4.max_s */: {
      const x0 = I[a], x1 = I[a + 1], x2 = I[a + 2], x3 = I[a + 3];
      const y0 = I[b], y1 = I[b + 1], y2 = I[b + 2], y3 = I[b + 3];
      I[d] = x0 > y0 ? x0 : y0;
      I[d + 1] = x1 > y1 ? x1 : y1;
      I[d + 2] = x2 > y2 ? x2 : y2;
      I[d + 3] = x3 > y3 ? x3 : y3;
      return;
    }
    case 185 /* i32x4.max_u */: {
      const x0 = I[a], x1 = I[a + 1], x2 = I[a + 2], x3 = I[a + 3];
      const y0 = I[b], y1 = I[b + 1], y2 = I[b + 2], y3 = I[b + 3];
      I[d] = x0 >>> 0 > y0 >>> 0 ? x0 : y0;
      I[d + 1] = x1 >>> 0 > y1 >>> 0 ? x1 : y1;
      I[d + 2] = x2 >>> 0 > y2 >>> 0 ? x2 : y2;
      I[d + 3] = x3 >>> 0 > y3 >>> 0 ? x3 : y3;
      return;
    }
    case 186 /* i32x4.dot_i16x8_s */: {
      let r0 = 0, r1 = 0, r2 = 0, r3 = 0;
      {
        const x = I[a], y = I[b];
        r0 = Math.imul((x << 16) >> 16, (y << 16) >> 16) + Math.imul(x >> 16, y >> 16);
      }
      {
        const x = I[a + 1], y = I[b + 1];
        r1 = Math.imul((x << 16) >> 16, (y << 16) >> 16) + Math.imul(x >> 16, y >> 16);
      }
      {
        const x = I[a + 2], y = I[b + 2];
        r2 = Math.imul((x << 16) >> 16, (y << 16) >> 16) + Math.imul(x >> 16, y >> 16);
      }
      {
        const x = I[a + 3], y = I[b + 3];
        r3 = Math.imul((x << 16) >> 16, (y << 16) >> 16) + Math.imul(x >> 16, y >> 16);
      }
      I[d] = r0;
      I[d + 1] = r1;
      I[d + 2] = r2;
      I[d + 3] = r3;
      return;
    }
    case 206 /* i64x2.add */:
      for (let l = 0; l < 4; l += 2) {
        const lo = (I[a + l] + I[b + l]) | 0;
        const carry = lo >>> 0 < I[a + l] >>> 0 ? 1 : 0;
        I[d + l + 1] = I[a + l + 1] + I[b + l + 1] + carry;
        I[d + l] = lo;
      }
      return;
    case 209 /* i64x2.sub */:
      for (let l = 0; l < 4; l += 2) {
        const borrow = I[a + l] >>> 0 < I[b + l] >>> 0 ? 1 : 0;
        I[d + l] = I[a + l] - I[b + l];
        I[d + l + 1] = I[a + l + 1] - I[b + l + 1] - borrow;
      }
      return;
    case 228 /* f32x4.add */: {
      const F = V.f32;
      const xf0 = F[a], xf1 = F[a + 1], xf2 = F[a + 2], xf3 = F[a + 3];
      const yf0 = F[b], yf1 = F[b + 1], yf2 = F[b + 2], yf3 = F[b + 3];
      F[d] = xf0 + yf0;
      F[d + 1] = xf1 + yf1;
      F[d + 2] = xf2 + yf2;
      F[d + 3] = xf3 + yf3;
      return;
    }
    case 229 /* f32x4.sub */: {
      const F = V.f32;
      const xf0 = F[a], xf1 = F[a + 1], xf2 = F[a + 2], xf3 = F[a + 3];
      const yf0 = F[b], yf1 = F[b + 1], yf2 = F[b + 2], yf3 = F[b + 3];
      F[d] = xf0 - yf0;
      F[d + 1] = xf1 - yf1;
      F[d + 2] = xf2 - yf2;
      F[d + 3] = xf3 - yf3;
      return;
    }
    case 230 /* f32x4.mul */: {
      const F = V.f32;
      const xf0 = F[a], xf1 = F[a + 1], xf2 = F[a + 2], xf3 = F[a + 3];
      const yf0 = F[b], yf1 = F[b + 1], yf2 = F[b + 2], yf3 = F[b + 3];
      F[d] = xf0 * yf0;
      F[d + 1] = xf1 * yf1;
      F[d + 2] = xf2 * yf2;
      F[d + 3] = xf3 * yf3;
      return;
    }
    case 231 /* f32x4.div */: {
      const F = V.f32;
      const xf0 = F[a], xf1 = F[a + 1], xf2 = F[a + 2], xf3 = F[a + 3];
      const yf0 = F[b], yf1 = F[b + 1], yf2 = F[b + 2], yf3 = F[b + 3];
      F[d] = xf0 / yf0;
      F[d + 1] = xf1 / yf1;
      F[d + 2] = xf2 / yf2;
      F[d + 3] = xf3 / yf3;
      return;
    }
    case 240 /* f64x2.add */: {
      const F = V.f64, i = d >> 1, j = a >> 1, k = b >> 1;
      const x0 = F[j], x1 = F[j + 1], y0 = F[k], y1 = F[k + 1];
      F[i] = x0 + y0;
      F[i + 1] = x1 + y1;
      return;
    }
    case 241 /* f64x2.sub */: {
      const F = V.f64, i = d >> 1, j = a >> 1, k = b >> 1;
      const x0 = F[j], x1 = F[j + 1], y0 = F[k], y1 = F[k + 1];
      F[i] = x0 - y0;
      F[i + 1] = x1 - y1;
      return;
    }
    case 242 /* f64x2.mul */: {
      const F = V.f64, i = d >> 1, j = a >> 1, k = b >> 1;
      const x0 = F[j], x1 = F[j + 1], y0 = F[k], y1 = F[k + 1];
      F[i] = x0 * y0;
      F[i + 1] = x1 * y1;
      return;
    }
    case 243 /* f64x2.div */: {
      const F = V.f64, i = d >> 1, j = a >> 1, k = b >> 1;
      const x0 = F[j], x1 = F[j + 1], y0 = F[k], y1 = F[k + 1];
      F[i] = x0 / y0;
      F[i + 1] = x1 / y1;
      return;
    }
    case 250 /* f32x4.convert_i32x4_s */: {
      const F = V.f32;
      const x0 = I[a], x1 = I[a + 1], x2 = I[a + 2], x3 = I[a + 3];
      F[d] = x0;
      F[d + 1] = x1;
      F[d + 2] = x2;
      F[d + 3] = x3;
      return;
    }
    case 251 /* f32x4.convert_i32x4_u */: {
      const F = V.f32;
      const x0 = I[a], x1 = I[a + 1], x2 = I[a + 2], x3 = I[a + 3];
      F[d] = x0 >>> 0;
      F[d + 1] = x1 >>> 0;
      F[d + 2] = x2 >>> 0;
      F[d + 3] = x3 >>> 0;
      return;
    }
    default:
      BY_CODE[code[pc + 1]](V, d << 2, a << 2, b << 2, (fp + code[pc + 5]) << 2, code[pc + 6]);
  }
}

/** Copies the vector at Int32 index `a` to `d`. */
function copy4(I: Int32Array, d: number, a: number): void {
  if (d === a) return;
  I[d] = I[a];
  I[d + 1] = I[a + 1];
  I[d + 2] = I[a + 2];
  I[d + 3] = I[a + 3];
}

/** 0xff in each byte of `t` that is not zero, 0 in the others. */
function nonzeroBytes(t: number): number {
  const high = (((t & 0x7f7f7f7f) + 0x7f7f7f7f) | t) & 0x80808080;
  return (high >>> 7) * 0xff;
}

function sat(x: number, min: number, max: number): number {
  return x < min ? min : x > max ? max : x;
}

/** The four narrowing instructions (w their 0xFD number), saturating lane by lane. */
function narrow(V: SimdViews, w: number, d: number, a: number, b: number): void {
  const s = SCRATCH.i32;
  if (w <= 102) {
    const v = V.i16, min = w === 101 ? -128 : 0, max = w === 101 ? 127 : 255;
    for (let h = 0; h < 2; h++) {
      const j = (h === 0 ? a : b) << 1;
      for (let q = 0; q < 2; q++) {
        const k = j + 4 * q;
        s[2 * h + q] = (sat(v[k], min, max) & 0xff) | ((sat(v[k + 1], min, max) & 0xff) << 8) |
          ((sat(v[k + 2], min, max) & 0xff) << 16) | (sat(v[k + 3], min, max) << 24);
      }
    }
  } else {
    const I = V.i32, min = w === 133 ? -32768 : 0, max = w === 133 ? 32767 : 65535;
    for (let h = 0; h < 2; h++) {
      const j = h === 0 ? a : b;
      for (let q = 0; q < 2; q++) {
        const k = j + 2 * q;
        s[2 * h + q] = (sat(I[k], min, max) & 0xffff) | (sat(I[k + 1], min, max) << 16);
      }
    }
  }
  const I = V.i32;
  I[d] = s[0];
  I[d + 1] = s[1];
  I[d + 2] = s[2];
  I[d + 3] = s[3];
}

/** 32 bytes of scratch for the shuffle (a ++ b), as bytes and as words. */
const PAIR = new ArrayBuffer(32);
const PAIR8 = new Uint8Array(PAIR), PAIR32 = new Int32Array(PAIR);

/**
 * `i8x16.shuffle` on Int32 indices: byte i of the result is byte `lanes[i]` of a ++ b, the 16
 * lane indices packed four to a word in `pool` from word `at`.
 */
function shuffle(V: SimdViews, d: number, a: number, b: number, pool: Int32Array, at: number) {
  const I = V.i32, t = PAIR8, t32 = PAIR32;
  t32[0] = I[a];
  t32[1] = I[a + 1];
  t32[2] = I[a + 2];
  t32[3] = I[a + 3];
  t32[4] = I[b];
  t32[5] = I[b + 1];
  t32[6] = I[b + 2];
  t32[7] = I[b + 3];
  for (let i = 0; i < 4; i++) {
    const w = pool[at + i];
    I[d + i] = t[w & 31] | (t[(w >>> 8) & 31] << 8) | (t[(w >>> 16) & 31] << 16) |
      (t[w >>> 24] << 24);
  }
}

/** The memory `simdMemOp` last accessed (its buffer and views, made again when it changes). */
let memBuffer: ArrayBufferLike = new ArrayBuffer(0);
let memDV = new DataView(memBuffer);
let memU8 = new Uint8Array(memBuffer);

/** The byte length of each SIMD memory instruction's access, by its 0xFD number. */
const SIZE = new Uint8Array(256);
for (const info of OPS) {
  if (info.prefix === 0xfd && info.naturalAlign >= 0) SIZE[info.code] = 1 << info.naturalAlign;
}

/**
 * Executes the `simd.mem` IR instruction at `pc` of `cf`'s code (`w d s1 s2 m k`): a SIMD
 * load or store on any memory (memory64 included); traps "out of bounds memory access".
 */
export function simdMemOp(m: Machine, cf: CompiledFunc, pc: number, fp: number): void {
  const code = cf.code;
  const at = fp + code[pc + 3];
  const mem = m.store.memories[code[pc + 5]];
  const offset = BigInt.asUintN(64, cf.pool64[code[pc + 6]]);
  let base: number;
  if (mem.type.is64) {
    const x = BigInt.asUintN(64, m.i64[at >> 1]) + offset;
    base = x > 0x20000000000000n ? Number.MAX_SAFE_INTEGER : Number(x);
  } else base = (m.i32[at] >>> 0) + Number(offset);
  simdMemAt(m, mem, code[pc + 1], base, fp + code[pc + 2], fp + code[pc + 4]);
}

/**
 * Executes the `simd.mem0` IR instruction at `pc` of `cf`'s code (`w d s1 s2 o`): a SIMD
 * load or store on memory 0 (i32 addresses); traps "out of bounds memory access".
 */
export function simdMem0Op(m: Machine, cf: CompiledFunc, pc: number, fp: number): void {
  const code = cf.code;
  const base = (m.i32[fp + code[pc + 3]] >>> 0) + (code[pc + 5] >>> 0);
  simdMemAt(m, cf.mem0!, code[pc + 1], base, fp + code[pc + 2], fp + code[pc + 4]);
}

/**
 * The SIMD memory instruction `w` (its 0xFD number, the lane index above it) at effective
 * address `base` of `mem`; `di` and `vi` the Int32 indices of the result and vector operand.
 */
function simdMemAt(m: Machine, mem: MemInst, w: number, base: number, di: number, vi: number) {
  const op = w & 0xffff, lane = w >>> 16;
  const d = di << 2, v = vi << 2;
  const size = SIZE[op];
  if (base + size > mem.buffer.byteLength) oobMemory();
  if (mem.buffer !== memBuffer) {
    memBuffer = mem.buffer;
    memDV = new DataView(memBuffer);
    memU8 = new Uint8Array(memBuffer);
  }
  const dv = memDV, M = memU8;
  const V = m.simd;
  const u8 = V.u8, I = V.i32, i = d >> 2;
  switch (op) {
    case 0 /* v128.load */:
      for (let l = 0; l < 4; l++) I[i + l] = dv.getInt32(base + 4 * l, true);
      return;
    case 11 /* v128.store */:
      for (let l = 0; l < 4; l++) dv.setInt32(base + 4 * l, I[(v >> 2) + l], true);
      return;
    case 1 /* v128.load8x8_s */:
      for (let l = 0; l < 8; l++) V.i16[(d >> 1) + l] = dv.getInt8(base + l);
      return;
    case 2 /* v128.load8x8_u */:
      for (let l = 0; l < 8; l++) V.i16[(d >> 1) + l] = M[base + l];
      return;
    case 3 /* v128.load16x4_s */:
      for (let l = 0; l < 4; l++) I[i + l] = dv.getInt16(base + 2 * l, true);
      return;
    case 4 /* v128.load16x4_u */:
      for (let l = 0; l < 4; l++) I[i + l] = dv.getUint16(base + 2 * l, true);
      return;
    case 5 /* v128.load32x2_s */:
    case 6 /* v128.load32x2_u */: {
      const x = dv.getInt32(base, true), y = dv.getInt32(base + 4, true);
      const signed = op === 5 /* v128.load32x2_s */;
      I[i] = x;
      I[i + 1] = signed ? x >> 31 : 0;
      I[i + 2] = y;
      I[i + 3] = signed ? y >> 31 : 0;
      return;
    }
    case 7 /* v128.load8_splat */:
      I[i] =
        I[i + 1] =
        I[i + 2] =
        I[i + 3] =
          M[base] * 0x01010101;
      return;
    case 8 /* v128.load16_splat */:
      I[i] =
        I[i + 1] =
        I[i + 2] =
        I[i + 3] =
          dv.getUint16(base, true) * 0x10001;
      return;
    case 9 /* v128.load32_splat */:
      I[i] =
        I[i + 1] =
        I[i + 2] =
        I[i + 3] =
          dv.getInt32(base, true);
      return;
    case 10 /* v128.load64_splat */:
      I[i] = I[i + 2] = dv.getInt32(base, true);
      I[i + 1] = I[i + 3] = dv.getInt32(base + 4, true);
      return;
    case 92 /* v128.load32_zero */:
      I[i] = dv.getInt32(base, true);
      I[i + 1] = I[i + 2] = I[i + 3] = 0;
      return;
    case 93 /* v128.load64_zero */:
      I[i] = dv.getInt32(base, true);
      I[i + 1] = dv.getInt32(base + 4, true);
      I[i + 2] = I[i + 3] = 0;
      return;
    case 84 /* v128.load8_lane */:
    case 85 /* v128.load16_lane */:
    case 86 /* v128.load32_lane */:
    case 87 /* v128.load64_lane */:
      if (d !== v) u8.copyWithin(d, v, v + 16);
      for (let l = 0; l < size; l++) u8[d + lane * size + l] = M[base + l];
      return;
    case 88 /* v128.store8_lane */:
    case 89 /* v128.store16_lane */:
    case 90 /* v128.store32_lane */:
    case 91 /* v128.store64_lane */:
      for (let l = 0; l < size; l++) M[base + l] = u8[v + lane * size + l];
      return;
  }
  throw new Error(`simd.mem: unexpected instruction 0xFD ${op}`);
}
