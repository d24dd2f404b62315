/**
 * Memory instructions outside the interpreter's fast path: loads and stores on any memory
 * (memory64, or a memory other than memory 0), and memory.size/grow/fill/copy/init,
 * data.drop. Operands are Int32 indices of stack slots (`at`) in the machine's stack.
 *
 * Addresses of i64 memories are read as u64; anything beyond 2^53 is out of bounds.
 *
 * @module
 */

import { Trap } from "../errors.ts";
import { growMemory } from "../runtime/memory.ts";
import type { MemInst } from "../runtime/store.ts";
import { Op } from "../syntax/opcodes.ts";
import type { Machine } from "./machine.ts";

/** Throws "out of bounds memory access". */
export function oobMemory(): never {
  throw new Trap("out of bounds memory access");
}

/** An address or length operand of memory `mem` at Int32 index `at`, as a number. */
function addr(m: Machine, mem: MemInst, at: number): number {
  if (!mem.type.is64) return m.i32[at] >>> 0;
  const v = BigInt.asUintN(64, m.i64[at >> 1]);
  return v > 0x20000000000000n ? Number.MAX_SAFE_INTEGER : Number(v);
}

/** The byte length of a memory. */
function len(mem: MemInst): number {
  return mem.buffer.byteLength;
}

/**
 * `d = load op` from memory `memAddr` at the address in slot `a` plus `offset`
 * (the `mem.load` IR op).
 */
export function memLoad(
  m: Machine,
  op: number,
  memAddr: number,
  a: number,
  offset: bigint,
  d: number,
): void {
  const mem = m.store.memories[memAddr];
  const off = offset > 0x20000000000000n ? Number.MAX_SAFE_INTEGER : Number(offset);
  const ea = addr(m, mem, a) + off;
  const dv = new DataView(mem.buffer);
  const i32 = m.i32;
  const size = loadSize(op);
  if (ea + size > len(mem)) oobMemory();
  switch (op) {
    case Op["i32.load"]:
    case Op["f32.load"]:
      i32[d] = dv.getInt32(ea, true);
      return;
    case Op["i64.load"]:
    case Op["f64.load"]:
      i32[d] = dv.getInt32(ea, true);
      i32[d + 1] = dv.getInt32(ea + 4, true);
      return;
    case Op["i32.load8_s"]:
      i32[d] = dv.getInt8(ea);
      return;
    case Op["i32.load8_u"]:
      i32[d] = dv.getUint8(ea);
      return;
    case Op["i32.load16_s"]:
      i32[d] = dv.getInt16(ea, true);
      return;
    case Op["i32.load16_u"]:
      i32[d] = dv.getUint16(ea, true);
      return;
    case Op["i64.load8_s"]:
      i32[d] = dv.getInt8(ea);
      i32[d + 1] = i32[d] >> 31;
      return;
    case Op["i64.load8_u"]:
      i32[d] = dv.getUint8(ea);
      i32[d + 1] = 0;
      return;
    case Op["i64.load16_s"]:
      i32[d] = dv.getInt16(ea, true);
      i32[d + 1] = i32[d] >> 31;
      return;
    case Op["i64.load16_u"]:
      i32[d] = dv.getUint16(ea, true);
      i32[d + 1] = 0;
      return;
    case Op["i64.load32_s"]:
      i32[d] = dv.getInt32(ea, true);
      i32[d + 1] = i32[d] >> 31;
      return;
    case Op["i64.load32_u"]:
      i32[d] = dv.getInt32(ea, true);
      i32[d + 1] = 0;
      return;
  }
  throw new Error(`mem.load: unexpected op ${op}`);
}

function loadSize(op: number): number {
  switch (op) {
    case Op["i32.load8_s"]:
    case Op["i32.load8_u"]:
    case Op["i64.load8_s"]:
    case Op["i64.load8_u"]:
    case Op["i32.store8"]:
    case Op["i64.store8"]:
      return 1;
    case Op["i32.load16_s"]:
    case Op["i32.load16_u"]:
    case Op["i64.load16_s"]:
    case Op["i64.load16_u"]:
    case Op["i32.store16"]:
    case Op["i64.store16"]:
      return 2;
    case Op["i64.load"]:
    case Op["f64.load"]:
    case Op["i64.store"]:
    case Op["f64.store"]:
      return 8;
    default:
      return 4;
  }
}

/** `store op` of slot `v` into memory `memAddr` at the address in slot `a` plus `offset`. */
export function memStore(
  m: Machine,
  op: number,
  memAddr: number,
  a: number,
  offset: bigint,
  v: number,
): void {
  const mem = m.store.memories[memAddr];
  const off = offset > 0x20000000000000n ? Number.MAX_SAFE_INTEGER : Number(offset);
  const ea = addr(m, mem, a) + off;
  const size = loadSize(op);
  if (ea + size > len(mem)) oobMemory();
  const dv = new DataView(mem.buffer);
  const i32 = m.i32;
  switch (size) {
    case 1:
      dv.setInt8(ea, i32[v]);
      return;
    case 2:
      dv.setInt16(ea, i32[v], true);
      return;
    case 4:
      dv.setInt32(ea, i32[v], true);
      return;
    default:
      dv.setInt32(ea, i32[v], true);
      dv.setInt32(ea + 4, i32[v + 1], true);
  }
}

/** Writes a size or address result (i32 or i64 per the memory) to slot `d`. */
function writeAddr(m: Machine, mem: MemInst, d: number, v: number): void {
  if (mem.type.is64) m.i64[d >> 1] = BigInt(v);
  else m.i32[d] = v;
}

/** `memory.size`. */
export function memorySize(m: Machine, memAddr: number, d: number): void {
  const mem = m.store.memories[memAddr];
  writeAddr(m, mem, d, mem.pages);
}

/** `memory.grow`: the old size in pages, or -1. */
export function memoryGrow(m: Machine, memAddr: number, d: number, s: number): void {
  const mem = m.store.memories[memAddr];
  const delta = addr(m, mem, s);
  const r = growMemory(mem, delta);
  writeAddr(m, mem, d, r);
}

/** `memory.fill`. */
export function memoryFill(m: Machine, memAddr: number, d: number, v: number, n: number): void {
  const mem = m.store.memories[memAddr];
  const dst = addr(m, mem, d), count = addr(m, mem, n);
  if (dst + count > len(mem)) oobMemory();
  new Uint8Array(mem.buffer).fill(m.i32[v] & 0xff, dst, dst + count);
}

/** `memory.copy` from memory `srcAddr` to memory `dstAddr`. */
export function memoryCopy(
  m: Machine,
  dstAddr: number,
  srcAddr: number,
  d: number,
  s: number,
  n: number,
): void {
  const dm = m.store.memories[dstAddr], sm = m.store.memories[srcAddr];
  const dst = addr(m, dm, d), src = addr(m, sm, s);
  const count = dm.type.is64 && sm.type.is64 ? addr(m, dm, n) : m.i32[n] >>> 0;
  if (dst + count > len(dm) || src + count > len(sm)) oobMemory();
  new Uint8Array(dm.buffer).set(new Uint8Array(sm.buffer, src, count), dst);
}

/** `memory.init` of data segment `seg` (of the instance `inst`). */
export function memoryInit(
  m: Machine,
  inst: number,
  memAddr: number,
  seg: number,
  d: number,
  s: number,
  n: number,
): void {
  const mem = m.store.memories[memAddr];
  const data = m.store.instances[inst].datas[seg];
  const dataLen = data === null ? 0 : data.length;
  const dst = addr(m, mem, d), src = m.i32[s] >>> 0, count = m.i32[n] >>> 0;
  if (dst + count > len(mem) || src + count > dataLen) oobMemory();
  if (count > 0) new Uint8Array(mem.buffer).set(data!.subarray(src, src + count), dst);
}

/** `data.drop`. */
export function dataDrop(m: Machine, inst: number, seg: number): void {
  m.store.instances[inst].datas[seg] = null;
}
