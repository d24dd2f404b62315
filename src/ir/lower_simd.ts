/**
 * Lowering of the SIMD and relaxed-SIMD instructions (prefix 0xFD) to IR: `v128.const` and
 * `i8x16.shuffle` put their 16 bytes in the constant pool (two consecutive entries), except a
 * shuffle of whole words, whose four word indices fit in its immediate; the memory forms with
 * a row of their own (`v128.load`, `v128.store`, the extending and zeroing loads) on memory 0
 * (i32 addresses, offset below 2^32) become those rows; every other memory form becomes
 * `simd.mem0` (memory 0, offset inline) or `simd.mem` (any memory). The hottest arithmetic
 * has rows of its own too (ops.ts); every other instruction becomes the generic `simd` row,
 * which the SIMD dispatch (src/exec/interp_simd.ts) executes.
 *
 * Selects and globals of type v128 are lowered in `lower.ts` with the other selects and
 * globals; this file handles only 0xFD instructions. It runs nothing.
 *
 * @module
 */

import type { CodeReader } from "../binary/code.ts";
import { Op, OPS } from "../syntax/opcodes.ts";
import { F32, F64, I32, I64, V128, type ValType } from "../syntax/types.ts";
import type { Lowering } from "./lower_ctx.ts";
import { IR, irOp } from "./ops.ts";

const SIMD = irOp("simd");
const SIMD_MEM = irOp("simd.mem");
const SHUFFLE_WORDS = irOp("i8x16.shuffle_words");
const SIMD_MEM0 = irOp("simd.mem0");
const V128_CONST = irOp("v128.const");
const TWO_32 = 0x1_0000_0000n;

function letter(c: string): ValType {
  return c === "i" ? I32 : c === "I" ? I64 : c === "f" ? F32 : c === "F" ? F64 : V128;
}

/** Whether `op` is a SIMD instruction (this file lowers it). */
export function isSimd(op: number): boolean {
  return OPS[op].prefix === 0xfd;
}

/** Lowers the SIMD instruction `op` just read by `r`. */
export function lowerSimd(L: Lowering, r: CodeReader, op: number): void {
  const b = L.b;
  const info = OPS[op];
  if (info.imm === "memarg" || info.imm === "memarg_lane") {
    memory(L, r, op);
    return;
  }
  if (op === Op["v128.const"]) {
    const k = b.constV128(r.bytes);
    const d = b.pushResult(V128);
    b.op(V128_CONST);
    const at = b.arg(d);
    b.arg(k);
    b.fresh(at);
    return;
  }
  const params = info.params!, results = info.results!;
  const n = params.length;
  const s3 = n >= 3 ? b.pop() : 0;
  const s2 = n >= 2 ? b.pop() : 0;
  const s1 = b.pop();
  const d = b.pushResult(letter(results));
  let imm = info.imm === "lane" ? r.lane : 0;
  if (op === Op["i8x16.shuffle"]) {
    const words = shuffleWords(r.bytes);
    if (words >= 0) {
      b.op(SHUFFLE_WORDS);
      const at = b.arg(d);
      b.arg(s1);
      b.arg(s2);
      b.arg(words);
      b.fresh(at);
      return;
    }
    imm = b.constV128(r.bytes);
  }
  const own = IR[info.name];
  if (own !== undefined && n === 2) {
    // One of the few with a row of its own in the main loop (see ops.ts).
    b.op(own);
    const at = b.arg(d);
    b.arg(s1);
    b.arg(s2);
    b.fresh(at);
    return;
  }
  b.op(SIMD);
  b.arg(info.code);
  const at = b.arg(d);
  b.arg(s1);
  b.arg(s2);
  b.arg(s3);
  b.arg(imm);
  b.fresh(at);
}

/**
 * For shuffle lanes that move whole words (the IR row `i8x16.shuffle_words`), the four source
 * word indices packed 3 bits each; else -1.
 */
function shuffleWords(lanes: Uint8Array): number {
  let packed = 0;
  for (let g = 0; g < 4; g++) {
    const first = lanes[4 * g];
    if (first % 4 !== 0) return -1;
    for (let k = 1; k < 4; k++) if (lanes[4 * g + k] !== first + k) return -1;
    packed |= (first >> 2) << (3 * g);
  }
  return packed;
}

/** Loads and stores (whole vectors, extending, splatting, zeroing, single lanes). */
function memory(L: Lowering, r: CodeReader, op: number): void {
  const b = L.b;
  const info = OPS[op];
  const fast = r.index === 0 && !L.info.memories[0].is64 && r.offset < TWO_32;
  const isStore = info.results === "";
  const own = fast && info.imm === "memarg" ? IR[info.name] : undefined;
  if (own !== undefined) {
    if (isStore) {
      const v = b.pop();
      const a = b.pop();
      b.op(own);
      b.arg(a);
      b.arg(v);
      b.arg(Number(r.offset) | 0);
      return;
    }
    const a = b.pop();
    const d = b.pushResult(V128);
    b.op(own);
    const at = b.arg(d);
    b.arg(a);
    b.arg(Number(r.offset) | 0);
    b.fresh(at);
    return;
  }
  const v = info.params!.length === 2 ? b.pop() : 0;
  const a = b.pop();
  const d = isStore ? 0 : b.pushResult(V128);
  b.op(fast ? SIMD_MEM0 : SIMD_MEM);
  b.arg(info.code | (info.imm === "memarg_lane" ? r.lane << 16 : 0));
  const at = b.arg(d);
  b.arg(a);
  b.arg(v);
  if (fast) b.arg(Number(r.offset) | 0);
  else {
    b.arg(L.inst.memories[r.index]);
    b.arg(b.constBig(r.offset));
  }
  if (!isStore) b.fresh(at);
}
