/**
 * The lowering's working state for one function: the growing code, constant pool, br_table
 * pool, source map and handler table, and the abstract operand stack that turns stack code
 * into register code.
 *
 * Each entry of the abstract stack has a canonical slot (its position in the frame's operand
 * stack, fixed by the static stack height) and a current location: in that slot
 * ({@linkcode K_SLOT}), still in a local ({@linkcode K_LOCAL}: `local.get` forwarded), or a
 * constant not yet written ({@linkcode K_I32}, {@linkcode K_C64}). Consumers read entries as
 * operands where they are; {@linkcode FuncBuilder.materialize} writes an entry to its
 * canonical slot when a block boundary, a call or an overwrite of its local requires.
 *
 * "Fresh" tracking: after an instruction whose only result is the top entry, `freshEnd` is
 * the code length and `freshDst` the index of its destination operand, so that `local.set`
 * can retarget it and `br_if` can fuse with a compare. Any label definition clears it.
 *
 * @module
 */

import { F64, I64, V128, type ValType } from "../syntax/types.ts";
import { IR_ARITY, irOp } from "./ops.ts";
import { type Position, type PosRecorder, R_START } from "./positions.ts";

const COPY = irOp("copy");
const COPY64 = irOp("copy64");
const COPY_V128 = irOp("copy_v128");
const CONST32 = irOp("const32");
const CONST64 = irOp("const64");
const COPY2 = irOp("copy2");
const COPY3 = irOp("copy3");

/** Whether values of type `t` are 64-bit (moved as one BigInt64Array element). */
export function is64(t: ValType): boolean {
  return t === I64 || t === F64;
}

/** The IR op that copies a value of type `t`. */
export function copyOp(t: ValType): number {
  return t === V128 ? COPY_V128 : is64(t) ? COPY64 : COPY;
}

/** Entry in its canonical slot. */
export const K_SLOT = 0;
/** Entry still in a local (`val` = the local's slot). */
export const K_LOCAL = 1;
/** Entry is an i32-sized constant not yet written (`val` = its value). */
export const K_I32 = 2;
/** Entry is a 64-bit constant not yet written (`val` = its pool index). */
export const K_C64 = 3;

function grow(a: Int32Array<ArrayBuffer>, need: number): Int32Array<ArrayBuffer> {
  if (need <= a.length) return a;
  let n = a.length * 2;
  while (n < need) n *= 2;
  const b = new Int32Array(n);
  b.set(a);
  return b;
}

/** The lowering's state for one function (see the module doc). */
export class FuncBuilder {
  code: Int32Array<ArrayBuffer> = new Int32Array(256);
  n = 0;
  pool: Int32Array<ArrayBuffer> = new Int32Array(16);
  poolN = 0;
  brTables: number[] = [];
  srcMap: number[] = [];
  handlers: number[] = [];
  /** The wasm byte offset of the instruction being lowered. */
  offset = 0;
  /**
   * Whether fusions are on (`false`: every wasm instruction keeps its own boundary; see
   * positions.ts). Every fusion checks it (most through {@linkcode FuncBuilder.topIsFresh}).
   */
  fuse = true;
  /** The position recorder, when positions are recorded (positions.ts), else null. */
  rec: PosRecorder | null = null;

  // Abstract stack.
  eType: Int32Array<ArrayBuffer> = new Int32Array(64);
  eKind: Int32Array<ArrayBuffer> = new Int32Array(64);
  eVal: Int32Array<ArrayBuffer> = new Int32Array(64);
  /** Canonical slot (absolute, in slots). */
  ePos: Int32Array<ArrayBuffer> = new Int32Array(64);
  sp = 0;
  /** The first operand-stack slot. */
  readonly base: number;
  /** The highest slot used + 1. */
  top: number;

  freshEnd = -1;
  freshDst = -1;
  /** Start pc of the last instruction emitted. */
  lastPc = -1;
  /**
   * Start pc of the instruction emitted before the last one, when it immediately precedes
   * it with no label in between (else -1): what a fusion sees after un-emitting the last.
   */
  prevPc = -1;

  /** A builder whose operand stack starts at slot `base`. */
  constructor(base: number) {
    this.base = base;
    this.top = base;
  }

  // ---------------------------------------------------------------------------------------
  // Emission

  /** Starts an instruction `op`; operands follow with {@linkcode FuncBuilder.arg}. */
  op(op: number): number {
    const pc = this.n;
    this.code = grow(this.code, pc + 1 + IR_ARITY[op]);
    this.code[this.n++] = op;
    this.srcMap.push(pc, this.offset);
    if (this.rec !== null) this.rec.emit(pc);
    this.freshEnd = -1;
    this.prevPc = this.lastPc;
    this.lastPc = pc;
    return pc;
  }

  /**
   * Emits a copy of a value of type `t` from operand `s` to `d`; a 32-bit or 64-bit copy
   * right after another (no label between) joins it as `copy2`, and a third as `copy3`
   * (one tick for all: block-end and local shuffles come in runs).
   */
  copy(t: ValType, d: number, s: number): void {
    const op = copyOp(t);
    const prev = this.lastPc;
    if (
      this.fuse && op === COPY && prev >= 0 && prev + 5 === this.n && this.code[prev] === COPY2
    ) {
      this.rec?.drop(prev);
      this.reserve(2);
      this.code[prev] = COPY3;
      this.code[this.n++] = d;
      this.code[this.n++] = s;
      this.freshEnd = -1;
      this.lastPc = -1;
      this.prevPc = -1;
      return;
    }
    if (this.fuse && op === COPY && prev >= 0 && prev + 3 === this.n && this.code[prev] === op) {
      this.rec?.drop(prev);
      this.reserve(2);
      this.code[prev] = COPY2;
      this.code[this.n++] = d;
      this.code[this.n++] = s;
      this.freshEnd = -1;
      this.lastPc = prev;
      return;
    }
    this.op(op);
    this.arg(d);
    this.arg(s);
  }

  /**
   * Turns the last instruction, if it is one of `prefixes`' keys and directly precedes the
   * instruction about to be emitted, into its prefix form (which executes that next
   * instruction in the same tick).
   */
  prefix(prefixes: ReadonlyMap<number, number>): void {
    const p = this.lastPc;
    if (!this.fuse || p < 0 || p + 4 !== this.n) return;
    const f = prefixes.get(this.code[p]);
    if (f !== undefined) this.code[p] = f;
  }

  /** Makes room for `words` more code words (for operands appended to an emitted op). */
  reserve(words: number): void {
    this.code = grow(this.code, this.n + words);
  }

  /** Appends an operand; returns its index in the code. */
  arg(x: number): number {
    this.code[this.n] = x;
    return this.n++;
  }

  /** Removes the last instruction (it must start at `pc`). */
  unemit(pc: number): void {
    this.n = pc;
    this.rec?.reopen(pc);
    const m = this.srcMap;
    if (m.length >= 2 && m[m.length - 2] === pc) m.length -= 2;
    this.freshEnd = -1;
    // The instruction before it (if known) is the last one again.
    this.lastPc = this.prevPc;
    this.prevPc = -1;
  }

  /** A 64-bit constant pool entry of words `lo`, `hi`; returns its index. */
  const64(lo: number, hi: number): number {
    for (let k = 0; k < this.poolN; k++) {
      if (this.pool[2 * k] === lo && this.pool[2 * k + 1] === hi) return k;
    }
    this.pool = grow(this.pool, 2 * this.poolN + 2);
    this.pool[2 * this.poolN] = lo;
    this.pool[2 * this.poolN + 1] = hi;
    return this.poolN++;
  }

  /**
   * Two consecutive pool entries holding the 16 bytes `v` (a v128 constant or a shuffle's
   * lanes); returns the first one's index.
   */
  constV128(v: Uint8Array): number {
    // A copy (not `v.slice()`: the bytes may be a Node Buffer, whose slice is a view).
    const copy = new Uint8Array(16);
    copy.set(v.subarray(0, 16));
    const w = new Int32Array(copy.buffer);
    for (let k = 0; k + 1 < this.poolN; k++) {
      const p = this.pool;
      if (
        p[2 * k] === w[0] && p[2 * k + 1] === w[1] && p[2 * k + 2] === w[2] && p[2 * k + 3] === w[3]
      ) {
        return k;
      }
    }
    this.pool = grow(this.pool, 2 * this.poolN + 4);
    this.pool.set(w, 2 * this.poolN);
    this.poolN += 2;
    return this.poolN - 2;
  }

  /** A pool entry holding the 64-bit `v`. */
  constBig(v: bigint): number {
    const u = BigInt.asUintN(64, v);
    return this.const64(Number(u & 0xffffffffn) | 0, Number(u >> 32n) | 0);
  }

  /** The value of pool entry `k` as a signed 64-bit bigint. */
  poolValue(k: number): bigint {
    const lo = BigInt(this.pool[2 * k] >>> 0), hi = BigInt(this.pool[2 * k + 1]);
    return (hi << 32n) | lo;
  }

  /** Clears fresh tracking: the current pc is a branch target. */
  label(): number {
    this.freshEnd = -1;
    this.lastPc = -1;
    this.prevPc = -1;
    return this.n;
  }

  // ---------------------------------------------------------------------------------------
  // Abstract stack

  /** The slot height above the top entry. */
  height(): number {
    const i = this.sp - 1;
    return i < 0 ? this.base : this.ePos[i] + (this.eType[i] === V128 ? 2 : 1);
  }

  /** Pushes an entry of type `t` located per `kind`/`val`; returns its canonical slot. */
  push(t: ValType, kind: number, val: number): number {
    const i = this.sp;
    if (i === this.eType.length) {
      this.eType = grow(this.eType, i + 1);
      this.eKind = grow(this.eKind, i + 1);
      this.eVal = grow(this.eVal, i + 1);
      this.ePos = grow(this.ePos, i + 1);
    }
    const pos = this.height();
    this.eType[i] = t;
    this.eKind[i] = kind;
    this.eVal[i] = val;
    this.ePos[i] = pos;
    this.sp = i + 1;
    const end = pos + (t === V128 ? 2 : 1);
    if (end > this.top) this.top = end;
    return pos;
  }

  /** Pushes a result in its canonical slot; returns the slot in Int32 units (a `d` operand). */
  pushResult(t: ValType): number {
    return this.push(t, K_SLOT, 0) * 2;
  }

  /** Writes entry `i` to its canonical slot if it is elsewhere. */
  materialize(i: number): void {
    const kind = this.eKind[i];
    if (kind === K_SLOT) return;
    const d = this.ePos[i] * 2;
    if (kind === K_LOCAL) {
      this.copy(this.eType[i], d, this.eVal[i] * 2);
    } else if (kind === K_I32) {
      this.op(CONST32);
      this.arg(d);
      this.arg(this.eVal[i]);
    } else {
      this.op(CONST64);
      this.arg(d);
      this.arg(this.eVal[i]);
    }
    this.eKind[i] = K_SLOT;
    this.rec?.materialized(i, this.eType[i], this.ePos[i]);
  }

  /** Materializes every entry from `from` up. */
  materializeFrom(from: number): void {
    for (let i = from; i < this.sp; i++) this.materialize(i);
  }

  /**
   * The operand (Int32 units) reading entry `i`: its slot or its local; constants are
   * materialized first.
   */
  read(i: number): number {
    const kind = this.eKind[i];
    if (kind === K_LOCAL) return this.eVal[i] * 2;
    if (kind !== K_SLOT) this.materialize(i);
    return this.ePos[i] * 2;
  }

  /** Pops the top entry and returns its operand (see {@linkcode FuncBuilder.read}). */
  pop(): number {
    const s = this.read(this.sp - 1);
    this.sp--;
    return s;
  }

  /** Whether the top entry is an i32-sized constant. */
  topIsConst(): boolean {
    return this.sp > 0 && this.eKind[this.sp - 1] === K_I32;
  }

  /** Materializes entries that still read local slot `slot` (before it is overwritten). */
  releaseLocal(slot: number, below: number = this.sp): void {
    for (let i = 0; i < below; i++) {
      if (this.eKind[i] === K_LOCAL && this.eVal[i] === slot) this.materialize(i);
    }
  }

  /** Marks the result just emitted (destination operand at code index `dst`) fresh. */
  fresh(dst: number): void {
    this.freshEnd = this.n;
    this.freshDst = dst;
  }

  /** Whether the entry below the top is the fresh result of the last instruction. */
  belowTopIsFresh(): boolean {
    const i = this.sp - 2;
    return this.fuse && this.freshEnd === this.n && i >= 0 && this.eKind[i] === K_SLOT &&
      this.code[this.freshDst] === this.ePos[i] * 2;
  }

  /** Swaps the two top entries (for commutative operators). */
  swapTop(): void {
    const i = this.sp - 2, j = i + 1;
    const t = this.eType[i], k = this.eKind[i], v = this.eVal[i], p = this.ePos[i];
    this.eType[i] = this.eType[j];
    this.eKind[i] = this.eKind[j];
    this.eVal[i] = this.eVal[j];
    this.ePos[i] = this.ePos[j];
    this.eType[j] = t;
    this.eKind[j] = k;
    this.eVal[j] = v;
    this.ePos[j] = p;
  }

  /** Whether the top entry is the fresh result of the last instruction. */
  topIsFresh(): boolean {
    return this.fuse && this.freshEnd === this.n && this.sp > 0 &&
      this.eKind[this.sp - 1] === K_SLOT &&
      this.code[this.freshDst] === this.ePos[this.sp - 1] * 2;
  }

  // ---------------------------------------------------------------------------------------
  // Positions (positions.ts)

  /**
   * The abstract stack's entries `[from, to)` as a position description (kinds as
   * positions.ts's `E_*`: a slot entry's value is its canonical slot).
   */
  describe(offset: number, flags: number, live: readonly number[], to = this.sp): Position {
    const types: number[] = [], kinds: number[] = [], vals: number[] = [];
    for (let i = 0; i < to; i++) {
      types.push(this.eType[i]);
      kinds.push(this.eKind[i]);
      vals.push(this.eKind[i] === K_SLOT ? this.ePos[i] : this.eVal[i]);
    }
    return { offset, flags, types, kinds, vals, live };
  }

  /** Records that the wasm instruction at `offset` starts here (when recording). */
  startAt(offset: number, live: readonly number[]): void {
    this.rec?.start(this.n, this.describe(offset, R_START, live));
  }
}
