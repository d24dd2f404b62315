/**
 * The GC dispatch: the interpreter loop (`interp.ts`) hands every `gc` and `gc.alloc` IR
 * instruction (src/ir/ops.ts) to {@linkcode gcOp}, so that the GC instructions (structs,
 * arrays, i31, `ref.test`, `ref.cast`) do not grow the main loop. Objects are the
 * {@linkcode StructObj}/{@linkcode ArrayObj} of src/runtime/store.ts, their words laid out by
 * `gcLayout` (src/runtime/heap.ts); every allocation goes through {@linkcode allocGc}.
 *
 * The operands of `gc`/`gc.alloc` are `w d s1 s2 s3 i1 i2` (`w` the 0xFB number; slots are
 * Int32 indices relative to `fp`); per instruction:
 * - `struct.new`: d = new struct of type i1, its fields in consecutive slots from s1;
 *   `struct.new_default`: d = new struct of type i1 with default fields.
 * - `struct.get(_s/_u)`: d = field of struct s1 at word offset i1, storage type i2;
 *   `struct.set`: that field of s1 = s2.
 * - `array.new`: d = new array of type i1, s2 elements of value s1; `array.new_default`: s1
 *   default elements; `array.new_fixed`: i2 elements in consecutive slots from s1;
 *   `array.new_data`/`array.new_elem`: s2 elements from offset s1 of data/element segment i2.
 * - `array.get(_s/_u)`: d = element s2 of array s1 (type i1); `array.set`: element s2 of s1 =
 *   s3; `array.len`: d = the length of s1.
 * - `array.fill` (ref, offset, value, count), `array.copy` (dst, dst offset, src, src offset,
 *   count; i1/i2 the two types), `array.init_data`/`array.init_elem` (ref, offset, segment
 *   offset, count; i2 the segment): operands in consecutive slots from s1.
 * - `ref.test`: d = whether s1 has type (ref null? i1) (nullable if i2 != 0); `ref.cast`:
 *   trap "cast failure" unless it does (s1 stays as it is).
 * - `ref.i31`: d = i31 of s1; `i31.get_s`/`i31.get_u`: d = payload of s1.
 *
 * Traps carry the spec's messages. Not here: `ref.eq` (the main loop's), `br_on_cast*` (main
 * loop rows that call {@linkcode refTest}), the extern/any conversions (no code at all).
 *
 * @module
 */

import { noteAllocation } from "./collect.ts";
import { Trap } from "../errors.ts";
import type { CompiledFunc } from "../ir/compiled.ts";
import {
  gcLayout,
  i31ToRef,
  refTest,
  refToI31S,
  refToI31U,
  storageBytes,
  storageWords,
} from "../runtime/heap.ts";
import { allocObject, type ArrayObj, type HeapObj, type StructObj } from "../runtime/store.ts";
import { I16, I8 } from "../syntax/types.ts";
import type { Machine } from "./machine.ts";

/**
 * The most 32-bit words one array may hold (1 GiB): a larger `array.new*` traps rather than
 * failing inside the JS engine.
 */
const MAX_WORDS = 1 << 28;

/**
 * Puts a new struct or array in the store and returns its reference: the one place where
 * instructions allocate. When it is called from the loop (`gc.alloc`) the machine's state is
 * saved (`depth`, `funcAddr`, `pc` of the allocating instruction, `fp`), so a collection may
 * start here; `obj` is complete but held by no slot yet, so it must be treated as a root.
 */
export function allocGc(m: Machine, obj: HeapObj): number {
  noteAllocation(m, obj);
  return allocObject(m.store, obj);
}

function nullStruct(): never {
  throw new Trap("null structure reference");
}

function nullArray(): never {
  throw new Trap("null array reference");
}

function oobArray(): never {
  throw new Trap("out of bounds array access");
}

/** `n` zero words as a packed array of small integers (a struct's fields). */
function zeroWords(n: number): number[] {
  const w: number[] = [];
  for (let i = 0; i < n; i++) w.push(0);
  return w;
}

/**
 * A struct of type `t` (`words` words) to allocate: a dead one from the store's pool (its
 * words still the old ones: the caller writes them all, or `zero`) or a new one of zeros.
 */
function newStruct(m: Machine, t: number, words: number, zero: boolean): StructObj {
  const p = m.store.pool[t];
  if (p !== undefined && p.n > 0) {
    const s = p.objs[--p.n] as StructObj;
    if (zero) { for (let k = 0, f = s.fields; k < f.length; k++) f[k] = 0; }
    return s;
  }
  return { kind: "struct", type: t, fields: zeroWords(words) };
}

/**
 * An array of type `t` of `n` elements of `ew` words each to allocate (trap if too large): a
 * dead one of that length from the store's pool (its words still the old ones: the caller
 * writes them all, or `zero`) or a new one of zeros.
 */
function newArray(m: Machine, t: number, n: number, ew: number, zero: boolean): ArrayObj {
  if (n * ew > MAX_WORDS) throw new Trap("requested new array is too large");
  const p = m.store.pool[t];
  if (p !== undefined && p.n > 0) {
    const a = p.objs[p.n - 1] as ArrayObj;
    if (a.elems.length === n * ew) {
      p.n--;
      if (zero) fillWords(a.elems, 0, 0, n * ew);
      return a;
    }
  }
  return { kind: "array", type: t, elems: new Int32Array(n * ew) };
}

/** The array that `ref` refers to (trap if null). */
function arrayOf(m: Machine, ref: number): ArrayObj {
  if (ref === 0) nullArray();
  return m.store.objects[ref] as ArrayObj;
}

/*
 * The copies between stack slots and an object's words come in two of each, for structs
 * (`number[]`) and for arrays (`Int32Array`): one function for both would see both kinds of
 * object, and V8 then neither inlines it nor keeps its element accesses fast.
 */

/**
 * Copies a value of `ew` words from the stack slot at Int32 index `at` (a v128 takes 4 words)
 * into struct words `to` at word `w`, packing i8/i16 (`storage`).
 */
function fieldFromSlot(
  I: Int32Array,
  at: number,
  to: number[],
  w: number,
  ew: number,
  storage: number,
): void {
  if (ew === 1) {
    to[w] = pack(I[at], storage);
  } else if (ew === 2) {
    to[w] = I[at];
    to[w + 1] = I[at + 1];
  } else {
    to[w] = I[at];
    to[w + 1] = I[at + 1];
    to[w + 2] = I[at + 2];
    to[w + 3] = I[at + 3];
  }
}

/** {@linkcode fieldFromSlot} for array words. */
function elemFromSlot(
  I: Int32Array,
  at: number,
  to: Int32Array,
  w: number,
  ew: number,
  storage: number,
): void {
  if (ew === 1) {
    to[w] = pack(I[at], storage);
  } else if (ew === 2) {
    to[w] = I[at];
    to[w + 1] = I[at + 1];
  } else {
    to[w] = I[at];
    to[w + 1] = I[at + 1];
    to[w + 2] = I[at + 2];
    to[w + 3] = I[at + 3];
  }
}

/**
 * Sets words `from` to `to` (exclusive) of `w` to `v`: a loop when they are few (V8's
 * `TypedArray.prototype.fill` is a call into its runtime that costs more than a short loop).
 */
function fillWords(w: Int32Array, v: number, from: number, to: number): void {
  if (to - from > 64) w.fill(v, from, to);
  else for (let k = from; k < to; k++) w[k] = v;
}

/** A value of storage type `t` as stored: i8/i16 zero-extended, others as they are. */
function pack(x: number, t: number): number {
  return t === I8 ? x & 0xff : t === I16 ? x & 0xffff : x;
}

/** Reads the value at word `w` of struct words `from` (`ew` words) into slot `d` of `I`. */
function fieldToSlot(I: Int32Array, d: number, from: number[], w: number, ew: number): void {
  if (ew === 1) {
    I[d] = from[w];
  } else if (ew === 2) {
    I[d] = from[w];
    I[d + 1] = from[w + 1];
  } else {
    I[d] = from[w];
    I[d + 1] = from[w + 1];
    I[d + 2] = from[w + 2];
    I[d + 3] = from[w + 3];
  }
}

/** {@linkcode fieldToSlot} for array words. */
function elemToSlot(I: Int32Array, d: number, from: Int32Array, w: number, ew: number): void {
  if (ew === 1) {
    I[d] = from[w];
  } else if (ew === 2) {
    I[d] = from[w];
    I[d + 1] = from[w + 1];
  } else {
    I[d] = from[w];
    I[d + 1] = from[w + 1];
    I[d + 2] = from[w + 2];
    I[d + 3] = from[w + 3];
  }
}

/** Sign-extends a packed value read by a `_s` instruction. */
function signed(x: number, t: number): number {
  return t === I8 ? (x << 24) >> 24 : t === I16 ? (x << 16) >> 16 : x;
}

/**
 * Decodes `n` elements of storage type `t` (`z` bytes each, little-endian) from `bytes` at
 * `s` into `to` from element `at` (`ew` words each).
 */
function fromBytes(
  to: Int32Array,
  at: number,
  ew: number,
  bytes: Uint8Array,
  s: number,
  n: number,
  z: number,
): void {
  if (z === 1) {
    for (let k = 0; k < n; k++) to[at + k] = bytes[s + k];
  } else if (z === 2) {
    for (let k = 0; k < n; k++) to[at + k] = bytes[s + 2 * k] | (bytes[s + 2 * k + 1] << 8);
  } else {
    to.set(new Int32Array(bytes.slice(s, s + n * z).buffer), at * ew);
  }
}

/** Executes the `gc`/`gc.alloc` instruction at `pc` of `cf`'s code in the frame at `fp`. */
export function gcOp(m: Machine, cf: CompiledFunc, pc: number, fp: number): void {
  const code = cf.code, I = m.i32;
  const d = fp + code[pc + 2], s1 = fp + code[pc + 3], s2 = fp + code[pc + 4];
  const i1 = code[pc + 6], i2 = code[pc + 7];
  switch (code[pc + 1]) {
    case 0 /* struct.new */:
    case 1 /* struct.new_default */: {
      const L = gcLayout(i1);
      const isNew = code[pc + 1] === 0;
      const obj = newStruct(m, i1, L.words, !isNew);
      const fields = obj.fields;
      if (isNew) {
        let at = s1;
        for (let k = 0; k < L.offsets.length; k++) {
          const t = L.storage[k], w = L.offsets[k];
          const ew = (k + 1 < L.offsets.length ? L.offsets[k + 1] : L.words) - w;
          fieldFromSlot(I, at, fields, w, ew, t);
          at += ew === 4 ? 4 : 2;
        }
      }
      I[d] = allocGc(m, obj);
      return;
    }
    case 2 /* struct.get */:
    case 3 /* struct.get_s */:
    case 4 /* struct.get_u */: {
      const ref = I[s1];
      if (ref === 0) nullStruct();
      const f = (m.store.objects[ref] as StructObj).fields;
      if (i2 === I8 || i2 === I16) {
        I[d] = code[pc + 1] === 3 /* struct.get_s */ ? signed(f[i1], i2) : f[i1];
      } else {
        fieldToSlot(I, d, f, i1, storageWords(i2));
      }
      return;
    }
    case 5 /* struct.set */: {
      const ref = I[s1];
      if (ref === 0) nullStruct();
      const f = (m.store.objects[ref] as StructObj).fields;
      fieldFromSlot(I, s2, f, i1, storageWords(i2), i2);
      return;
    }
    case 6 /* array.new */:
    case 7 /* array.new_default */: {
      const L = gcLayout(i1), ew = L.elemWords;
      const isNew = code[pc + 1] === 6;
      const n = (isNew ? I[s2] : I[s1]) >>> 0;
      const obj = newArray(m, i1, n, ew, !isNew);
      const elems = obj.elems;
      if (isNew) {
        const t = L.storage[0];
        if (ew === 1) fillWords(elems, pack(I[s1], t), 0, n);
        else for (let k = 0; k < n; k++) elemFromSlot(I, s1, elems, k * ew, ew, t);
      }
      I[d] = allocGc(m, obj);
      return;
    }
    case 8 /* array.new_fixed */: {
      const L = gcLayout(i1), ew = L.elemWords, t = L.storage[0];
      const obj = newArray(m, i1, i2, ew, false);
      const stride = ew === 4 ? 4 : 2;
      for (let k = 0; k < i2; k++) elemFromSlot(I, s1 + k * stride, obj.elems, k * ew, ew, t);
      I[d] = allocGc(m, obj);
      return;
    }
    case 9 /* array.new_data */: {
      const L = gcLayout(i1), ew = L.elemWords, z = storageBytes(L.storage[0]);
      const s = I[s1] >>> 0, n = I[s2] >>> 0;
      const seg = m.store.instances[cf.instance].datas[i2];
      const len = seg === null ? 0 : seg.length;
      if (s + n * z > len) throw new Trap("out of bounds memory access");
      const obj = newArray(m, i1, n, ew, false);
      if (n > 0) fromBytes(obj.elems, 0, ew, seg!, s, n, z);
      I[d] = allocGc(m, obj);
      return;
    }
    case 10 /* array.new_elem */: {
      const s = I[s1] >>> 0, n = I[s2] >>> 0;
      const seg = m.store.instances[cf.instance].elems[i2];
      const len = seg === null ? 0 : seg.length;
      if (s + n > len) throw new Trap("out of bounds table access");
      const obj = newArray(m, i1, n, 1, false);
      if (n > 0) obj.elems.set(seg!.subarray(s, s + n));
      I[d] = allocGc(m, obj);
      return;
    }
    case 11 /* array.get */:
    case 12 /* array.get_s */:
    case 13 /* array.get_u */: {
      const a = arrayOf(m, I[s1]);
      const L = gcLayout(i1), ew = L.elemWords;
      const i = I[s2] >>> 0;
      if (i >= a.elems.length / ew) oobArray();
      if (code[pc + 1] === 12) I[d] = signed(a.elems[i], L.storage[0]);
      else elemToSlot(I, d, a.elems, i * ew, ew);
      return;
    }
    case 14 /* array.set */: {
      const a = arrayOf(m, I[s1]);
      const L = gcLayout(i1), ew = L.elemWords;
      const i = I[s2] >>> 0;
      if (i >= a.elems.length / ew) oobArray();
      elemFromSlot(I, fp + code[pc + 5], a.elems, i * ew, ew, L.storage[0]);
      return;
    }
    case 15 /* array.len */: {
      const a = arrayOf(m, I[s1]);
      I[d] = a.elems.length / gcLayout(a.type).elemWords;
      return;
    }
    case 16 /* array.fill */: {
      const a = arrayOf(m, I[s1]);
      const L = gcLayout(i1), ew = L.elemWords, t = L.storage[0];
      const off = I[s1 + 2] >>> 0, at = s1 + 4;
      const n = I[at + (ew === 4 ? 4 : 2)] >>> 0;
      if (off + n > a.elems.length / ew) oobArray();
      if (ew === 1) fillWords(a.elems, pack(I[at], t), off, off + n);
      else for (let k = 0; k < n; k++) elemFromSlot(I, at, a.elems, (off + k) * ew, ew, t);
      return;
    }
    case 17 /* array.copy */: {
      const dst = arrayOf(m, I[s1]);
      const src = arrayOf(m, I[s1 + 4]);
      const ew = gcLayout(i1).elemWords;
      const dOff = I[s1 + 2] >>> 0, sOff = I[s1 + 6] >>> 0, n = I[s1 + 8] >>> 0;
      if (dOff + n > dst.elems.length / ew || sOff + n > src.elems.length / ew) oobArray();
      if (dst === src) dst.elems.copyWithin(dOff * ew, sOff * ew, (sOff + n) * ew);
      else dst.elems.set(src.elems.subarray(sOff * ew, (sOff + n) * ew), dOff * ew);
      return;
    }
    case 18 /* array.init_data */:
    case 19 /* array.init_elem */: {
      const a = arrayOf(m, I[s1]);
      const L = gcLayout(i1), ew = L.elemWords;
      const off = I[s1 + 2] >>> 0, s = I[s1 + 4] >>> 0, n = I[s1 + 6] >>> 0;
      if (off + n > a.elems.length / ew) oobArray();
      const inst = m.store.instances[cf.instance];
      if (code[pc + 1] === 18) {
        const seg = inst.datas[i2];
        const z = storageBytes(L.storage[0]);
        if (s + n * z > (seg === null ? 0 : seg.length)) {
          throw new Trap("out of bounds memory access");
        }
        if (n > 0) fromBytes(a.elems, off, ew, seg!, s, n, z);
      } else {
        const seg = inst.elems[i2];
        if (s + n > (seg === null ? 0 : seg.length)) throw new Trap("out of bounds table access");
        if (n > 0) a.elems.set(seg!.subarray(s, s + n), off);
      }
      return;
    }
    case 20 /* ref.test */:
      I[d] = refTest(m.store, I[s1], i1, i2 !== 0) ? 1 : 0;
      return;
    case 22 /* ref.cast */:
      if (!refTest(m.store, I[s1], i1, i2 !== 0)) throw new Trap("cast failure");
      return;
    case 28 /* ref.i31 */:
      I[d] = i31ToRef(I[s1]);
      return;
    case 29 /* i31.get_s */:
    case 30 /* i31.get_u */: {
      const ref = I[s1];
      if (ref === 0) throw new Trap("null i31 reference");
      I[d] = code[pc + 1] === 29 ? refToI31S(ref) : refToI31U(ref);
      return;
    }
    default:
      throw new Error(`gcOp: 0xFB ${code[pc + 1]}`);
  }
}
