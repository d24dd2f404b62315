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
import { Op, OPS } from "../syntax/opcodes.ts";
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
/** `i8x16.shuffle`'s number after the prefix. */
const SHUFFLE = OPS[Op["i8x16.shuffle"]].code;

/**
 * Executes the `simd` IR instruction at `pc` of `cf`'s code (`w d s1 s2 s3 i`) in the frame
 * at `fp`, on the machine's stack views `V`.
 */
export function simdOp(V: SimdViews, cf: CompiledFunc, pc: number, fp: number): void {
  const code = cf.code;
  const w = code[pc + 1];
  const d = (fp + code[pc + 2]) << 2;
  const a = (fp + code[pc + 3]) << 2;
  const b = (fp + code[pc + 4]) << 2;
  if (w === SHUFFLE) {
    shuffle(V, d, a, b, cf.pool, code[pc + 6] * 2);
    return;
  }
  BY_CODE[w](V, d, a, b, (fp + code[pc + 5]) << 2, code[pc + 6]);
}

/**
 * `i8x16.shuffle`: byte i of the result is byte `lanes[i]` of a ++ b, the 16 lane indices
 * packed four to a word in `pool` from word `at`.
 */
function shuffle(V: SimdViews, d: number, a: number, b: number, pool: Int32Array, at: number) {
  const s = SCRATCH.u8, u8 = V.u8;
  // The 32 input bytes go to the scratch first, so that d may be a or b.
  const t = TWO.u8;
  for (let i = 0; i < 16; i++) {
    t[i] = u8[a + i];
    t[i + 16] = u8[b + i];
  }
  for (let i = 0; i < 4; i++) {
    const w = pool[at + i];
    s[4 * i] = t[w & 31];
    s[4 * i + 1] = t[(w >>> 8) & 31];
    s[4 * i + 2] = t[(w >>> 16) & 31];
    s[4 * i + 3] = t[(w >>> 24) & 31];
  }
  u8.set(s, d);
}

const TWO = { u8: new Uint8Array(32) };

/** The byte length of each memory instruction's access, by `Op`. */
const SIZE = new Uint8Array(OPS.length);
for (const info of OPS) {
  if (info.prefix === 0xfd && info.naturalAlign >= 0) SIZE[info.op] = 1 << info.naturalAlign;
}

/**
 * Executes the `simd.mem` IR instruction at `pc` of `cf`'s code (`w d s1 s2 m k`): a SIMD
 * load or store on any memory; traps "out of bounds memory access".
 */
export function simdMemOp(m: Machine, cf: CompiledFunc, pc: number, fp: number): void {
  const code = cf.code;
  const op = code[pc + 1] & 0xffff, lane = code[pc + 1] >>> 16;
  const d = (fp + code[pc + 2]) << 2;
  const at = fp + code[pc + 3];
  const v = (fp + code[pc + 4]) << 2;
  const mem = m.store.memories[code[pc + 5]];
  const offset = BigInt.asUintN(64, cf.pool64[code[pc + 6]]);
  let base: number;
  if (mem.type.is64) {
    const x = BigInt.asUintN(64, m.i64[at >> 1]) + offset;
    base = x > 0x20000000000000n ? Number.MAX_SAFE_INTEGER : Number(x);
  } else base = (m.i32[at] >>> 0) + Number(offset);
  const size = SIZE[op];
  if (base + size > mem.buffer.byteLength) oobMemory();
  const M = new Uint8Array(mem.buffer, base, size);
  const dv = new DataView(mem.buffer, base, size);
  const V = m.simd;
  const u8 = V.u8;
  switch (op) {
    case Op["v128.load"]:
      u8.set(M, d);
      return;
    case Op["v128.store"]:
      M.set(u8.subarray(v, v + 16));
      return;
    case Op["v128.load8x8_s"]:
      for (let i = 0; i < 8; i++) V.i16[(d >> 1) + i] = dv.getInt8(i);
      return;
    case Op["v128.load8x8_u"]:
      for (let i = 0; i < 8; i++) V.i16[(d >> 1) + i] = dv.getUint8(i);
      return;
    case Op["v128.load16x4_s"]:
      for (let i = 0; i < 4; i++) V.i32[(d >> 2) + i] = dv.getInt16(2 * i, true);
      return;
    case Op["v128.load16x4_u"]:
      for (let i = 0; i < 4; i++) V.i32[(d >> 2) + i] = dv.getUint16(2 * i, true);
      return;
    case Op["v128.load32x2_s"]:
      for (let i = 0; i < 2; i++) V.i64[(d >> 3) + i] = BigInt(dv.getInt32(4 * i, true));
      return;
    case Op["v128.load32x2_u"]:
      for (let i = 0; i < 2; i++) V.i64[(d >> 3) + i] = BigInt(dv.getUint32(4 * i, true));
      return;
    case Op["v128.load8_splat"]:
    case Op["v128.load16_splat"]:
    case Op["v128.load32_splat"]:
    case Op["v128.load64_splat"]:
      for (let i = 0; i < 16; i += size) u8.set(M, d + i);
      return;
    case Op["v128.load32_zero"]:
    case Op["v128.load64_zero"]:
      u8.fill(0, d, d + 16);
      u8.set(M, d);
      return;
    case Op["v128.load8_lane"]:
    case Op["v128.load16_lane"]:
    case Op["v128.load32_lane"]:
    case Op["v128.load64_lane"]:
      if (d !== v) u8.copyWithin(d, v, v + 16);
      u8.set(M, d + lane * size);
      return;
    case Op["v128.store8_lane"]:
    case Op["v128.store16_lane"]:
    case Op["v128.store32_lane"]:
    case Op["v128.store64_lane"]:
      M.set(u8.subarray(v + lane * size, v + lane * size + size));
      return;
  }
  throw new Error(`simd.mem: unexpected op ${OPS[op].name}`);
}
