/**
 * Table instructions (table.get/set/size/grow/fill/copy/init, elem.drop), kept out of the
 * interpreter loop. Operands are Int32 indices of stack slots; indices of 64-bit tables are
 * read as u64 (anything beyond 2^53 is out of bounds).
 *
 * @module
 */

import { Trap } from "../errors.ts";
import type { TableInst } from "../runtime/store.ts";
import { growTable } from "../runtime/table.ts";
import type { Machine } from "./machine.ts";

function oob(): never {
  throw new Trap("out of bounds table access");
}

/** An index or length operand of table `t` at Int32 index `at`. */
function idx(m: Machine, t: TableInst, at: number): number {
  if (!t.type.is64) return m.i32[at] >>> 0;
  const v = BigInt.asUintN(64, m.i64[at >> 1]);
  return v > 0x20000000000000n ? Number.MAX_SAFE_INTEGER : Number(v);
}

function writeIdx(m: Machine, t: TableInst, d: number, v: number): void {
  if (t.type.is64) m.i64[d >> 1] = BigInt(v);
  else m.i32[d] = v;
}

/** `table.get`. */
export function tableGet(m: Machine, tableAddr: number, d: number, i: number): void {
  const t = m.store.tables[tableAddr];
  const k = idx(m, t, i);
  if (k >= t.size) oob();
  m.i32[d] = t.elems[k];
  m.i32[d + 1] = 0;
}

/** `table.set`. */
export function tableSet(m: Machine, tableAddr: number, i: number, v: number): void {
  const t = m.store.tables[tableAddr];
  const k = idx(m, t, i);
  if (k >= t.size) oob();
  t.elems[k] = m.i32[v];
}

/** `table.size`. */
export function tableSize(m: Machine, tableAddr: number, d: number): void {
  const t = m.store.tables[tableAddr];
  writeIdx(m, t, d, t.size);
}

/** `table.grow`. */
export function tableGrow(m: Machine, tableAddr: number, d: number, v: number, n: number): void {
  const t = m.store.tables[tableAddr];
  writeIdx(m, t, d, growTable(t, idx(m, t, n), m.i32[v]));
}

/** `table.fill`. */
export function tableFill(m: Machine, tableAddr: number, i: number, v: number, n: number): void {
  const t = m.store.tables[tableAddr];
  const k = idx(m, t, i), count = idx(m, t, n);
  if (k + count > t.size) oob();
  t.elems.fill(m.i32[v], k, k + count);
}

/** `table.copy`. */
export function tableCopy(
  m: Machine,
  dstAddr: number,
  srcAddr: number,
  d: number,
  s: number,
  n: number,
): void {
  const dt = m.store.tables[dstAddr], st = m.store.tables[srcAddr];
  const dst = idx(m, dt, d), src = idx(m, st, s);
  const count = dt.type.is64 && st.type.is64 ? idx(m, dt, n) : m.i32[n] >>> 0;
  if (dst + count > dt.size || src + count > st.size) oob();
  dt.elems.set(st.elems.subarray(src, src + count), dst);
}

/** `table.init` of element segment `seg` (of instance `inst`). */
export function tableInit(
  m: Machine,
  inst: number,
  tableAddr: number,
  seg: number,
  d: number,
  s: number,
  n: number,
): void {
  const t = m.store.tables[tableAddr];
  const elems = m.store.instances[inst].elems[seg];
  const segLen = elems === null ? 0 : elems.length;
  const dst = idx(m, t, d), src = m.i32[s] >>> 0, count = m.i32[n] >>> 0;
  if (dst + count > t.size || src + count > segLen) oob();
  if (count > 0) t.elems.set(elems!.subarray(src, src + count), dst);
}

/** `elem.drop`. */
export function elemDrop(m: Machine, inst: number, seg: number): void {
  m.store.instances[inst].elems[seg] = null;
}
