/**
 * The semantics of every SIMD and relaxed-SIMD instruction that does not touch memory, as
 * functions over the slot buffer, for the interpreter to call through one generic IR op:
 * {@linkcode execSimd} dispatches on the opcode table's `op` to the handlers of
 * `simd_lanes.ts` (moves, bitwise), `simd_int.ts`, `simd_float.ts` and `simd_relaxed.ts`
 * (whose module doc lists the relaxed-SIMD choices: the spec's deterministic profile).
 *
 * Not here: `v128.const` (the caller copies its 16 bytes), loads and stores (`v128.load*`,
 * `v128.store*`, `*_lane` memory forms: memory access is the loop's).
 *
 * @module
 */

import { Op, type OpName, OPS } from "../syntax/opcodes.ts";
import type { SimdHandler, SimdViews } from "./simd_views.ts";
import * as L from "./simd_lanes.ts";
import * as I from "./simd_int.ts";
import * as F from "./simd_float.ts";
import * as R from "./simd_relaxed.ts";

export { type SimdHandler, type SimdViews, simdViews } from "./simd_views.ts";

const { IOP } = I;
const { FOP } = F;

/** The handlers by name (a table of rows; the dispatch array is built from it below). */
const HANDLERS: [OpName, SimdHandler][] = [
  // Moves and bitwise operators.
  ["i8x16.swizzle", L.swizzle],
  ["i8x16.splat", L.i8x16Splat],
  ["i16x8.splat", L.i16x8Splat],
  ["i32x4.splat", L.splat32],
  ["i64x2.splat", L.splat64],
  ["f32x4.splat", L.splat32],
  ["f64x2.splat", L.splat64],
  ["i8x16.extract_lane_s", L.extractLane(8, true)],
  ["i8x16.extract_lane_u", L.extractLane(8, false)],
  ["i8x16.replace_lane", L.replaceLane(8)],
  ["i16x8.extract_lane_s", L.extractLane(16, true)],
  ["i16x8.extract_lane_u", L.extractLane(16, false)],
  ["i16x8.replace_lane", L.replaceLane(16)],
  ["i32x4.extract_lane", L.extractLane32],
  ["i32x4.replace_lane", L.replaceLane32],
  ["i64x2.extract_lane", L.extractLane64],
  ["i64x2.replace_lane", L.replaceLane64],
  ["f32x4.extract_lane", L.extractLane32],
  ["f32x4.replace_lane", L.replaceLane32],
  ["f64x2.extract_lane", L.extractLane64],
  ["f64x2.replace_lane", L.replaceLane64],
  ["v128.not", L.v128Not],
  ["v128.and", L.v128And],
  ["v128.andnot", L.v128Andnot],
  ["v128.or", L.v128Or],
  ["v128.xor", L.v128Xor],
  ["v128.bitselect", L.v128Bitselect],
  ["v128.any_true", L.v128AnyTrue],
  ["i8x16.all_true", L.allTrue(8)],
  ["i16x8.all_true", L.allTrue(16)],
  ["i32x4.all_true", L.allTrue(32)],
  ["i64x2.all_true", L.i64x2AllTrue],
  ["i8x16.bitmask", L.bitmask(8)],
  ["i16x8.bitmask", L.bitmask(16)],
  ["i32x4.bitmask", L.bitmask(32)],
  ["i64x2.bitmask", L.i64x2Bitmask],

  // Integer comparisons.
  ...intCompares(8),
  ...intCompares(16),
  ...intCompares(32),
  ["i64x2.eq", I.i64Compare(IOP.EQ)],
  ["i64x2.ne", I.i64Compare(IOP.NE)],
  ["i64x2.lt_s", I.i64Compare(IOP.LT)],
  ["i64x2.gt_s", I.i64Compare(IOP.GT)],
  ["i64x2.le_s", I.i64Compare(IOP.LE)],
  ["i64x2.ge_s", I.i64Compare(IOP.GE)],

  // i8x16.
  ["i8x16.abs", I.intLanes(8, true, IOP.ABS)],
  ["i8x16.neg", I.intLanes(8, true, IOP.NEG)],
  ["i8x16.popcnt", I.intLanes(8, false, IOP.POPCNT)],
  ["i8x16.narrow_i16x8_s", I.narrow(8, true)],
  ["i8x16.narrow_i16x8_u", I.narrow(8, false)],
  ["i8x16.shl", I.intShift(8, true, IOP.SHL)],
  ["i8x16.shr_s", I.intShift(8, true, IOP.SHR_S)],
  ["i8x16.shr_u", I.intShift(8, false, IOP.SHR_U)],
  ["i8x16.add", I.addWords(0x80808080)],
  ["i8x16.add_sat_s", I.intLanes(8, true, IOP.ADD_SAT)],
  ["i8x16.add_sat_u", I.intLanes(8, false, IOP.ADD_SAT)],
  ["i8x16.sub", I.subWords(0x80808080)],
  ["i8x16.sub_sat_s", I.intLanes(8, true, IOP.SUB_SAT)],
  ["i8x16.sub_sat_u", I.intLanes(8, false, IOP.SUB_SAT)],
  ["i8x16.min_s", I.intLanes(8, true, IOP.MIN)],
  ["i8x16.min_u", I.intLanes(8, false, IOP.MIN)],
  ["i8x16.max_s", I.intLanes(8, true, IOP.MAX)],
  ["i8x16.max_u", I.intLanes(8, false, IOP.MAX)],
  ["i8x16.avgr_u", I.intLanes(8, false, IOP.AVGR)],

  // i16x8.
  ["i16x8.extadd_pairwise_i8x16_s", I.extaddPairwise(16, true)],
  ["i16x8.extadd_pairwise_i8x16_u", I.extaddPairwise(16, false)],
  ["i16x8.abs", I.intLanes(16, true, IOP.ABS)],
  ["i16x8.neg", I.intLanes(16, true, IOP.NEG)],
  ["i16x8.q15mulr_sat_s", I.intLanes(16, true, IOP.Q15MULR)],
  ["i16x8.narrow_i32x4_s", I.narrow(16, true)],
  ["i16x8.narrow_i32x4_u", I.narrow(16, false)],
  ["i16x8.extend_low_i8x16_s", I.extend(16, true, false)],
  ["i16x8.extend_high_i8x16_s", I.extend(16, true, true)],
  ["i16x8.extend_low_i8x16_u", I.extend(16, false, false)],
  ["i16x8.extend_high_i8x16_u", I.extend(16, false, true)],
  ["i16x8.shl", I.intShift(16, true, IOP.SHL)],
  ["i16x8.shr_s", I.intShift(16, true, IOP.SHR_S)],
  ["i16x8.shr_u", I.intShift(16, false, IOP.SHR_U)],
  ["i16x8.add", I.addWords(0x80008000)],
  ["i16x8.add_sat_s", I.intLanes(16, true, IOP.ADD_SAT)],
  ["i16x8.add_sat_u", I.intLanes(16, false, IOP.ADD_SAT)],
  ["i16x8.sub", I.subWords(0x80008000)],
  ["i16x8.sub_sat_s", I.intLanes(16, true, IOP.SUB_SAT)],
  ["i16x8.sub_sat_u", I.intLanes(16, false, IOP.SUB_SAT)],
  ["i16x8.mul", I.intLanes(16, true, IOP.MUL)],
  ["i16x8.min_s", I.intLanes(16, true, IOP.MIN)],
  ["i16x8.min_u", I.intLanes(16, false, IOP.MIN)],
  ["i16x8.max_s", I.intLanes(16, true, IOP.MAX)],
  ["i16x8.max_u", I.intLanes(16, false, IOP.MAX)],
  ["i16x8.avgr_u", I.intLanes(16, false, IOP.AVGR)],
  ["i16x8.extmul_low_i8x16_s", I.extmul(16, true, false)],
  ["i16x8.extmul_high_i8x16_s", I.extmul(16, true, true)],
  ["i16x8.extmul_low_i8x16_u", I.extmul(16, false, false)],
  ["i16x8.extmul_high_i8x16_u", I.extmul(16, false, true)],

  // i32x4.
  ["i32x4.extadd_pairwise_i16x8_s", I.extaddPairwise(32, true)],
  ["i32x4.extadd_pairwise_i16x8_u", I.extaddPairwise(32, false)],
  ["i32x4.abs", I.intLanes(32, true, IOP.ABS)],
  ["i32x4.neg", I.intLanes(32, true, IOP.NEG)],
  ["i32x4.extend_low_i16x8_s", I.extend(32, true, false)],
  ["i32x4.extend_high_i16x8_s", I.extend(32, true, true)],
  ["i32x4.extend_low_i16x8_u", I.extend(32, false, false)],
  ["i32x4.extend_high_i16x8_u", I.extend(32, false, true)],
  ["i32x4.shl", I.intShift(32, true, IOP.SHL)],
  ["i32x4.shr_s", I.intShift(32, true, IOP.SHR_S)],
  ["i32x4.shr_u", I.intShift(32, false, IOP.SHR_U)],
  ["i32x4.add", I.i32x4Add],
  ["i32x4.sub", I.i32x4Sub],
  ["i32x4.mul", I.i32x4Mul],
  ["i32x4.min_s", I.intLanes(32, true, IOP.MIN)],
  ["i32x4.min_u", I.intLanes(32, false, IOP.MIN)],
  ["i32x4.max_s", I.intLanes(32, true, IOP.MAX)],
  ["i32x4.max_u", I.intLanes(32, false, IOP.MAX)],
  ["i32x4.dot_i16x8_s", I.i32x4DotI16x8S],
  ["i32x4.extmul_low_i16x8_s", I.extmul(32, true, false)],
  ["i32x4.extmul_high_i16x8_s", I.extmul(32, true, true)],
  ["i32x4.extmul_low_i16x8_u", I.extmul(32, false, false)],
  ["i32x4.extmul_high_i16x8_u", I.extmul(32, false, true)],

  // i64x2.
  ["i64x2.abs", I.i64x2Abs],
  ["i64x2.neg", I.i64x2Neg],
  ["i64x2.extend_low_i32x4_s", I.i64x2Extend(true, false)],
  ["i64x2.extend_high_i32x4_s", I.i64x2Extend(true, true)],
  ["i64x2.extend_low_i32x4_u", I.i64x2Extend(false, false)],
  ["i64x2.extend_high_i32x4_u", I.i64x2Extend(false, true)],
  ["i64x2.shl", I.i64x2Shl],
  ["i64x2.shr_s", I.i64x2Shr(true)],
  ["i64x2.shr_u", I.i64x2Shr(false)],
  ["i64x2.add", I.i64x2Add],
  ["i64x2.sub", I.i64x2Sub],
  ["i64x2.mul", I.i64x2Mul],
  ["i64x2.extmul_low_i32x4_s", I.i64x2Extmul(true, false)],
  ["i64x2.extmul_high_i32x4_s", I.i64x2Extmul(true, true)],
  ["i64x2.extmul_low_i32x4_u", I.i64x2Extmul(false, false)],
  ["i64x2.extmul_high_i32x4_u", I.i64x2Extmul(false, true)],

  // f32x4 and f64x2.
  ...floatOps(32),
  ...floatOps(64),
  ["f32x4.add", F.f32x4Add],
  ["f32x4.mul", F.f32x4Mul],
  ["f64x2.add", F.f64x2Add],
  ["f64x2.mul", F.f64x2Mul],
  ["f32x4.abs", F.f32x4Sign(false)],
  ["f32x4.neg", F.f32x4Sign(true)],
  ["f64x2.abs", F.f64x2Sign(false)],
  ["f64x2.neg", F.f64x2Sign(true)],
  ["f32x4.demote_f64x2_zero", F.f32x4DemoteF64x2Zero],
  ["f64x2.promote_low_f32x4", F.f64x2PromoteLowF32x4],
  ["i32x4.trunc_sat_f32x4_s", F.i32x4TruncSatF32x4(true)],
  ["i32x4.trunc_sat_f32x4_u", F.i32x4TruncSatF32x4(false)],
  ["f32x4.convert_i32x4_s", F.f32x4ConvertI32x4(true)],
  ["f32x4.convert_i32x4_u", F.f32x4ConvertI32x4(false)],
  ["i32x4.trunc_sat_f64x2_s_zero", F.i32x4TruncSatF64x2Zero(true)],
  ["i32x4.trunc_sat_f64x2_u_zero", F.i32x4TruncSatF64x2Zero(false)],
  ["f64x2.convert_low_i32x4_s", F.f64x2ConvertLowI32x4(true)],
  ["f64x2.convert_low_i32x4_u", F.f64x2ConvertLowI32x4(false)],

  // Relaxed SIMD: the deterministic profile (see simd_relaxed.ts).
  ["i8x16.relaxed_swizzle", L.swizzle],
  ["i32x4.relaxed_trunc_f32x4_s", F.i32x4TruncSatF32x4(true)],
  ["i32x4.relaxed_trunc_f32x4_u", F.i32x4TruncSatF32x4(false)],
  ["i32x4.relaxed_trunc_f64x2_s_zero", F.i32x4TruncSatF64x2Zero(true)],
  ["i32x4.relaxed_trunc_f64x2_u_zero", F.i32x4TruncSatF64x2Zero(false)],
  ["f32x4.relaxed_madd", R.f32x4RelaxedMadd(false)],
  ["f32x4.relaxed_nmadd", R.f32x4RelaxedMadd(true)],
  ["f64x2.relaxed_madd", R.f64x2RelaxedMadd(false)],
  ["f64x2.relaxed_nmadd", R.f64x2RelaxedMadd(true)],
  ["i8x16.relaxed_laneselect", L.v128Bitselect],
  ["i16x8.relaxed_laneselect", L.v128Bitselect],
  ["i32x4.relaxed_laneselect", L.v128Bitselect],
  ["i64x2.relaxed_laneselect", L.v128Bitselect],
  ["f32x4.relaxed_min", F.floatLanes(32, FOP.MIN)],
  ["f32x4.relaxed_max", F.floatLanes(32, FOP.MAX)],
  ["f64x2.relaxed_min", F.floatLanes(64, FOP.MIN)],
  ["f64x2.relaxed_max", F.floatLanes(64, FOP.MAX)],
  ["i16x8.relaxed_q15mulr_s", I.intLanes(16, true, IOP.Q15MULR)],
  ["i16x8.relaxed_dot_i8x16_i7x16_s", R.i16x8RelaxedDot],
  ["i32x4.relaxed_dot_i8x16_i7x16_add_s", R.i32x4RelaxedDotAdd],
];

/** The ten comparisons of one integer lane width (8, 16 or 32). */
function intCompares(bits: 8 | 16 | 32): [OpName, SimdHandler][] {
  const p = `i${bits}x${128 / bits}.`;
  return [
    [p + "eq", I.intLanes(bits, true, IOP.EQ)],
    [p + "ne", I.intLanes(bits, true, IOP.NE)],
    [p + "lt_s", I.intLanes(bits, true, IOP.LT)],
    [p + "lt_u", I.intLanes(bits, false, IOP.LT)],
    [p + "gt_s", I.intLanes(bits, true, IOP.GT)],
    [p + "gt_u", I.intLanes(bits, false, IOP.GT)],
    [p + "le_s", I.intLanes(bits, true, IOP.LE)],
    [p + "le_u", I.intLanes(bits, false, IOP.LE)],
    [p + "ge_s", I.intLanes(bits, true, IOP.GE)],
    [p + "ge_u", I.intLanes(bits, false, IOP.GE)],
  ] as [OpName, SimdHandler][];
}

/**
 * The generic float operators of one lane width (32 or 64); the rows written out above
 * (add, mul of both widths) come later in HANDLERS and replace these.
 */
function floatOps(bits: 32 | 64): [OpName, SimdHandler][] {
  const p = bits === 32 ? "f32x4." : "f64x2.";
  const rows: [string, SimdHandler][] = [
    ["add", F.floatLanes(bits, FOP.ADD)],
    ["sub", F.floatLanes(bits, FOP.SUB)],
    ["mul", F.floatLanes(bits, FOP.MUL)],
    ["div", F.floatLanes(bits, FOP.DIV)],
    ["min", F.floatLanes(bits, FOP.MIN)],
    ["max", F.floatLanes(bits, FOP.MAX)],
    ["pmin", F.pminmax(bits, false)],
    ["pmax", F.pminmax(bits, true)],
    ["sqrt", F.floatLanes(bits, FOP.SQRT)],
    ["ceil", F.floatLanes(bits, FOP.CEIL)],
    ["floor", F.floatLanes(bits, FOP.FLOOR)],
    ["trunc", F.floatLanes(bits, FOP.TRUNC)],
    ["nearest", F.floatLanes(bits, FOP.NEAREST)],
    ["eq", F.floatCompare(bits, FOP.EQ)],
    ["ne", F.floatCompare(bits, FOP.NE)],
    ["lt", F.floatCompare(bits, FOP.LT)],
    ["gt", F.floatCompare(bits, FOP.GT)],
    ["le", F.floatCompare(bits, FOP.LE)],
    ["ge", F.floatCompare(bits, FOP.GE)],
  ];
  return rows.map(([n, h]) => [p + n, h] as [OpName, SimdHandler]);
}

/** The smallest SIMD `op` (all 0xFD rows are consecutive in the opcode table). */
const BASE = Math.min(...OPS.filter((o) => o.prefix === 0xfd).map((o) => o.op));
const COUNT = Math.max(...OPS.filter((o) => o.prefix === 0xfd).map((o) => o.op)) - BASE + 1;

/** Stands in for the ops this file does not execute (memory forms, v128.const, shuffle). */
const notHere: SimdHandler = () => {
  throw new Error("execSimd: not a memory-free SIMD operator");
};

const TABLE: SimdHandler[] = new Array(COUNT).fill(notHere);
for (const [name, h] of HANDLERS) TABLE[Op[name] - BASE] = h;

/**
 * Whether {@linkcode execSimd} executes `op` (every 0xFD instruction except loads, stores,
 * `v128.const` and `i8x16.shuffle`, which has {@linkcode execShuffle}).
 */
export function isExecSimdOp(op: number): boolean {
  const i = op - BASE;
  return i >= 0 && i < COUNT && TABLE[i] !== notHere;
}

/**
 * The handler {@linkcode execSimd} calls for `op` (same arguments after `op`), for a caller
 * that resolves it once ahead of time; undefined if `op` is not {@linkcode isExecSimdOp}.
 */
export function simdHandler(op: number): SimdHandler | undefined {
  return isExecSimdOp(op) ? TABLE[op - BASE] : undefined;
}

/**
 * Executes the SIMD instruction `op` (an `Op[...]` of the opcode table) on the slot buffer
 * viewed by `mem`. `dst`, `a`, `b`, `c` are byte offsets (multiples of 8) of the result and
 * operands in instruction order (unused ones are ignored); `imm` is the lane index of
 * extract/replace_lane. Scalars use the slot layout: an i32 (also splat inputs, shift counts,
 * and the results of any_true, all_true, bitmask, extract_lane on i8/i16/i32 lanes: the upper
 * word is zeroed) or f32 is the 32-bit word at its offset, an i64 or f64 its slot's 64 bits.
 *
 * A v128 operand may be the result (`a === dst`) but must not partly overlap it; a scalar
 * operand may overlap it. Assumes validated code: no type, lane or bounds checks; an `op`
 * outside {@linkcode isExecSimdOp} throws a plain Error (a caller bug).
 *
 * @example
 * ```ts
 * import { execSimd, simdViews } from "./simd.ts";
 * import { Op } from "../syntax/opcodes.ts";
 * const m = simdViews(new ArrayBuffer(48));
 * m.i32.set([1, 2, 3, 4, 10, 20, 30, 40]);
 * execSimd(Op["i32x4.add"], m, 32, 0, 16, 0, 0);
 * console.assert(m.i32[8] === 11 && m.i32[11] === 44);
 * ```
 */
export function execSimd(
  op: number,
  mem: SimdViews,
  dst: number,
  a: number,
  b: number,
  c: number,
  imm: number,
): void {
  const h = TABLE[op - BASE];
  if (h === undefined) notHere(mem, dst, a, b, c, imm);
  else h(mem, dst, a, b, c, imm);
}

/**
 * `i8x16.shuffle` (spec ishuffle): byte i of the result at `dst` is byte `lanes[i]` of the
 * concatenation of the vectors at `a` and `b`; `lanes` holds 16 validated indices (< 32).
 */
export function execShuffle(
  mem: SimdViews,
  dst: number,
  a: number,
  b: number,
  lanes: Uint8Array,
): void {
  L.shuffle(mem, dst, a, b, lanes);
}
