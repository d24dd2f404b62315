/**
 * Lowering of the GC instructions (prefix 0xFB) to IR: every one becomes the generic `gc` row,
 * or `gc.alloc` for those that allocate (struct.new*, array.new*), which the GC dispatch
 * (src/exec/interp_gc.ts) executes, except the accesses of one-word fields and elements,
 * which become the main loop's `struct.get32`, `struct.set32`, `array.get32` and
 * `array.set32`; `br_on_cast`/`br_on_cast_fail` become the rows of the same names;
 * `any.convert_extern`/`extern.convert_any` emit nothing (a reference is the same word in
 * either hierarchy, see src/runtime/store.ts) and `ref.cast` checks its operand in place.
 *
 * Operands: `w` the 0xFB number, then `d s1 s2 s3 i1 i2` as interp_gc.ts documents per
 * instruction. Type immediates become canonical ids (src/valid/registry.ts), struct fields
 * their word offset and storage type in the object (`gcLayout`, src/runtime/heap.ts), segment
 * indices stay the instance's. Results are pushed with the module's own value types, as calls
 * push theirs. No fusions: every GC instruction is one IR instruction of its own.
 *
 * `ref.eq` (0xD3) is lowered in `lower.ts`. This file runs nothing.
 *
 * @module
 */

import type { CodeReader } from "../binary/code.ts";
import { gcLayout, storageWords } from "../runtime/heap.ts";
import { Op, OPS } from "../syntax/opcodes.ts";
import {
  type ArrayType,
  HEAP_I31,
  I16,
  I32,
  I8,
  refType,
  type StorageType,
  type StructType,
  type ValType,
} from "../syntax/types.ts";
import { emitJump, needsMoves } from "./lower_control.ts";
import type { Lowering } from "./lower_ctx.ts";
import { irOp } from "./ops.ts";

const GC = irOp("gc");
const GC_ALLOC = irOp("gc.alloc");
const BR_ON_CAST = irOp("br_on_cast");
const BR_ON_CAST_FAIL = irOp("br_on_cast_fail");
const STRUCT_GET32 = irOp("struct.get32");
const STRUCT_SET32 = irOp("struct.set32");
const ARRAY_GET32 = irOp("array.get32");
const ARRAY_SET32 = irOp("array.set32");

/**
 * Whether an access to a field or element of storage type `t` copies one word as it is: i32,
 * f32 and references; i8/i16 too for a zero-extending read (they are stored zero-extended),
 * not for a sign-extending one (`signed`) nor a write (`set`, which packs).
 */
function oneWord(t: StorageType, signed: boolean, set: boolean): boolean {
  if (t === I8 || t === I16) return !signed && !set;
  return storageWords(t) === 1;
}

/** Emits one-word access `op` with operands `x y`, writing a new entry of type `t`. */
function emitGet(L: Lowering, op: number, t: ValType, x: number, y: number): void {
  const b = L.b;
  const d = b.pushResult(t);
  b.op(op);
  const at = b.arg(d);
  b.arg(x);
  b.arg(y);
  b.fresh(at);
}

/** Whether `op` is a GC instruction (this file lowers it). */
export function isGc(op: number): boolean {
  return OPS[op].prefix === 0xfb;
}

/** The value type a field of storage type `t` reads as. */
function unpacked(t: StorageType): ValType {
  return t === I8 || t === I16 ? I32 : t;
}

/**
 * Takes the top `n` entries as consecutive slots (materialized), pops them and returns the
 * Int32 operand of the first (0 when `n` is 0).
 */
function takeSlots(L: Lowering, n: number): number {
  const b = L.b;
  const first = b.sp - n;
  b.materializeFrom(first);
  const base = first < b.sp ? b.ePos[first] : b.height();
  b.sp = first;
  return base * 2;
}

/** Emits `gc`/`gc.alloc` for 0xFB instruction `op`; returns the code index of `d`. */
function emit(
  L: Lowering,
  op: number,
  alloc: boolean,
  d: number,
  s1: number,
  s2: number,
  s3: number,
  i1: number,
  i2: number,
): number {
  const b = L.b;
  b.op(alloc ? GC_ALLOC : GC);
  b.arg(OPS[op].code);
  const at = b.arg(d);
  b.arg(s1);
  b.arg(s2);
  b.arg(s3);
  b.arg(i1);
  b.arg(i2);
  return at;
}

/** Emits an instruction with a result of type `t` from `s1..s3` (already popped). */
function withResult(
  L: Lowering,
  op: number,
  alloc: boolean,
  t: ValType,
  s1: number,
  s2: number,
  s3: number,
  i1: number,
  i2: number,
): void {
  const b = L.b;
  const d = b.pushResult(t);
  b.fresh(emit(L, op, alloc, d, s1, s2, s3, i1, i2));
}

/** Lowers the GC instruction `op` just read by `r`. */
export function lowerGc(L: Lowering, r: CodeReader, op: number): void {
  const b = L.b;
  const canon = L.info.types.canon;
  switch (op) {
    case Op["struct.new"]: {
      const st = L.module.types[r.index].comp as StructType;
      const base = takeSlots(L, st.fields.length);
      withResult(L, op, true, refType(false, r.index), base, 0, 0, canon[r.index], 0);
      return;
    }
    case Op["struct.new_default"]:
      withResult(L, op, true, refType(false, r.index), 0, 0, 0, canon[r.index], 0);
      return;
    case Op["struct.get"]:
    case Op["struct.get_s"]:
    case Op["struct.get_u"]: {
      const layout = gcLayout(canon[r.index]);
      const t = (L.module.types[r.index].comp as StructType).fields[r.index2].type;
      const s = b.pop();
      const st = layout.storage[r.index2], at = layout.offsets[r.index2];
      if (oneWord(st, op === Op["struct.get_s"], false)) {
        emitGet(L, STRUCT_GET32, unpacked(t), s, at);
        return;
      }
      withResult(L, op, false, unpacked(t), s, 0, 0, at, st);
      return;
    }
    case Op["struct.set"]: {
      const layout = gcLayout(canon[r.index]);
      const v = b.pop();
      const s = b.pop();
      const st = layout.storage[r.index2], at = layout.offsets[r.index2];
      if (oneWord(st, false, true)) {
        b.op(STRUCT_SET32);
        b.arg(s);
        b.arg(v);
        b.arg(at);
        return;
      }
      emit(L, op, false, 0, s, v, 0, at, st);
      return;
    }
    case Op["array.new"]: {
      const n = b.pop();
      const v = b.pop();
      withResult(L, op, true, refType(false, r.index), v, n, 0, canon[r.index], 0);
      return;
    }
    case Op["array.new_default"]: {
      const n = b.pop();
      withResult(L, op, true, refType(false, r.index), n, 0, 0, canon[r.index], 0);
      return;
    }
    case Op["array.new_fixed"]: {
      const base = takeSlots(L, r.index2);
      withResult(L, op, true, refType(false, r.index), base, 0, 0, canon[r.index], r.index2);
      return;
    }
    case Op["array.new_data"]:
    case Op["array.new_elem"]: {
      const n = b.pop();
      const s = b.pop();
      withResult(L, op, true, refType(false, r.index), s, n, 0, canon[r.index], r.index2);
      return;
    }
    case Op["array.get"]:
    case Op["array.get_s"]:
    case Op["array.get_u"]: {
      const t = (L.module.types[r.index].comp as ArrayType).field.type;
      const i = b.pop();
      const s = b.pop();
      if (oneWord(gcLayout(canon[r.index]).storage[0], op === Op["array.get_s"], false)) {
        emitGet(L, ARRAY_GET32, unpacked(t), s, i);
        return;
      }
      withResult(L, op, false, unpacked(t), s, i, 0, canon[r.index], 0);
      return;
    }
    case Op["array.set"]: {
      const v = b.pop();
      const i = b.pop();
      const s = b.pop();
      if (oneWord(gcLayout(canon[r.index]).storage[0], false, true)) {
        b.op(ARRAY_SET32);
        b.arg(s);
        b.arg(i);
        b.arg(v);
        return;
      }
      emit(L, op, false, 0, s, i, v, canon[r.index], 0);
      return;
    }
    case Op["array.len"]: {
      const s = b.pop();
      withResult(L, op, false, I32, s, 0, 0, 0, 0);
      return;
    }
    case Op["array.fill"]:
    case Op["array.init_data"]:
    case Op["array.init_elem"]:
      emit(L, op, false, 0, takeSlots(L, 4), 0, 0, canon[r.index], r.index2);
      return;
    case Op["array.copy"]:
      emit(L, op, false, 0, takeSlots(L, 5), 0, 0, canon[r.index], canon[r.index2]);
      return;
    case Op["ref.test"]: {
      const s = b.pop();
      withResult(L, op, false, I32, s, 0, 0, heapOperand(L, r.heap), r.nullable ? 1 : 0);
      return;
    }
    case Op["ref.cast"]: {
      // Checked in place: the entry stays where it is, with the cast's type.
      const i = b.sp - 1;
      const s = b.read(i);
      emit(L, op, false, 0, s, 0, 0, heapOperand(L, r.heap), r.nullable ? 1 : 0);
      b.eType[i] = refType(r.nullable, r.heap);
      return;
    }
    case Op.br_on_cast:
    case Op.br_on_cast_fail:
      brOnCast(L, r, op === Op.br_on_cast);
      return;
    case Op["any.convert_extern"]:
    case Op["extern.convert_any"]:
      return;
    case Op["ref.i31"]: {
      const s = b.pop();
      withResult(L, op, false, refType(false, HEAP_I31), s, 0, 0, 0, 0);
      return;
    }
    case Op["i31.get_s"]:
    case Op["i31.get_u"]: {
      const s = b.pop();
      withResult(L, op, false, I32, s, 0, 0, 0, 0);
      return;
    }
  }
  throw new Error(`lowerGc: ${OPS[op].name}`);
}

/** A cast's target heap type as an operand: a canonical id, or an abstract type's code. */
function heapOperand(L: Lowering, heap: number): number {
  return heap >= 0 ? L.info.types.canon[heap] : heap;
}

/**
 * `br_on_cast l rt1 rt2` (`onCast`) or `br_on_cast_fail l rt1 rt2`: the reference stays on the
 * stack either way (the branch carries it with the values below it). When the branch needs
 * moves, the opposite test skips over a jump that makes them.
 */
function brOnCast(L: Lowering, r: CodeReader, onCast: boolean): void {
  const b = L.b;
  const fi = L.ctl.length - 1 - r.index;
  const f = L.ctl[fi];
  const i = b.sp - 1;
  const ref = b.read(i);
  const y = heapOperand(L, r.heap2), nullable = r.nullable2 ? 1 : 0;
  if (!needsMoves(L, f)) {
    b.op(onCast ? BR_ON_CAST : BR_ON_CAST_FAIL);
    b.arg(ref);
    b.arg(y);
    b.arg(nullable);
    const at = b.arg(f.target);
    if (f.target < 0) f.patches.push(at);
  } else {
    b.op(onCast ? BR_ON_CAST_FAIL : BR_ON_CAST);
    b.arg(ref);
    b.arg(y);
    b.arg(nullable);
    const skip = b.arg(-1);
    emitJump(L, fi);
    b.code[skip] = b.label();
  }
  // Falling through: the reference has the other type (rt1 minus rt2, or rt2).
  b.eType[i] = onCast ? refType(r.nullable && !r.nullable2, r.heap) : refType(r.nullable2, r.heap2);
}
