/**
 * The constant-expression evaluator (spec §3.3.10 "Constant Expressions", §4.5.4): global
 * and table initializers, element and data segment offsets, and element items, evaluated at
 * instantiation by a small stack machine over {@linkcode CodeReader}, without the
 * interpreter.
 *
 * Supported: `i32/i64/f32/f64/v128.const`, `ref.null`, `ref.func`, `global.get`, the
 * extended-const `i32/i64.add/sub/mul`, `any.convert_extern`/`extern.convert_any`, which
 * leave a reference as it is (a reference is the same word in either hierarchy), and the GC
 * constant instructions `ref.i31`, `struct.new(_default)` and `array.new(_default/_fixed)`,
 * which allocate in the store (`allocObject`; no collection runs during instantiation).
 * `CONST_RUNS` in src/ir/support.ts lists what this file runs.
 *
 * Assumes the expression is valid (validated: constant, well typed, indices in range): no
 * checks beyond those.
 *
 * @module
 */

import { CodeReader } from "../binary/code.ts";
import { UnsupportedError } from "../errors.ts";
import type { RawValue } from "./values.ts";
import type { Expr } from "../syntax/module.ts";
import { Op, OPS } from "../syntax/opcodes.ts";
import { readGlobal } from "./global.ts";
import { gcLayout, i31ToRef, storageWords } from "./heap.ts";
import { allocObject, type ArrayObj, type Store, type StructObj } from "./store.ts";
import { I16, I8 } from "../syntax/types.ts";

/** The index spaces a constant expression may refer to, as store addresses. */
export interface ConstContext {
  /** Function addresses (= references) by function index. */
  funcs: Int32Array;
  /** Global addresses by global index (the ones allocated so far). */
  globals: Int32Array | readonly number[];
  /** Canonical type ids by type index (needed by the GC instructions only). */
  types?: Int32Array;
}

/** Stores raw value `v` of storage type `t` at word `w` of `to` (see `StructObj`, `ArrayObj`). */
function putWords(to: Int32Array | number[], w: number, t: number, v: RawValue): void {
  const n = storageWords(t);
  if (n === 1) {
    const x = v as number;
    to[w] = t === I8 ? x & 0xff : t === I16 ? x & 0xffff : x;
  } else if (n === 2) {
    const x = v as bigint;
    to[w] = Number(BigInt.asIntN(32, x));
    to[w + 1] = Number(BigInt.asIntN(32, x >> 32n));
  } else {
    const words = new Int32Array((v as Uint8Array).slice(0, 16).buffer);
    for (let k = 0; k < 4; k++) to[w + k] = words[k];
  }
}

/**
 * Evaluates constant expression `expr` and returns its single value (see
 * {@linkcode RawValue} for the forms).
 *
 * @throws UnsupportedError for an instruction this engine cannot evaluate (refused earlier, at
 *   instantiation).
 */
export function evalConst(store: Store, ctx: ConstContext, expr: Expr): RawValue {
  const r = new CodeReader(expr);
  const stack: RawValue[] = [];
  while (!r.done) {
    const op = r.next();
    switch (op) {
      case Op["i32.const"]:
      case Op["f32.const"]:
        stack.push(r.value);
        break;
      case Op["i64.const"]:
        stack.push(r.value64);
        break;
      case Op["f64.const"]:
        stack.push(BigInt.asUintN(64, r.value64));
        break;
      case Op["v128.const"]:
        stack.push(r.bytes.slice());
        break;
      case Op["ref.null"]:
        stack.push(0);
        break;
      case Op["ref.func"]:
        stack.push(ctx.funcs[r.index]);
        break;
      case Op["global.get"]:
        stack.push(readGlobal(store, ctx.globals[r.index]));
        break;
      case Op["i32.add"]:
      case Op["i32.sub"]:
      case Op["i32.mul"]: {
        const b = stack.pop() as number, a = stack.pop() as number;
        stack.push(
          op === Op["i32.add"] ? (a + b) | 0 : op === Op["i32.sub"] ? (a - b) | 0 : Math.imul(a, b),
        );
        break;
      }
      case Op["i64.add"]:
      case Op["i64.sub"]:
      case Op["i64.mul"]: {
        const b = stack.pop() as bigint, a = stack.pop() as bigint;
        const v = op === Op["i64.add"] ? a + b : op === Op["i64.sub"] ? a - b : a * b;
        stack.push(BigInt.asIntN(64, v));
        break;
      }
      case Op["ref.i31"]:
        stack.push(i31ToRef(stack.pop() as number));
        break;
      case Op["struct.new"]:
      case Op["struct.new_default"]: {
        const type = ctx.types![r.index];
        const L = gcLayout(type);
        const fields = new Array<number>(L.words).fill(0);
        if (op === Op["struct.new"]) {
          const n = L.offsets.length;
          const vals = stack.splice(stack.length - n, n);
          for (let i = 0; i < n; i++) putWords(fields, L.offsets[i], L.storage[i], vals[i]);
        }
        const obj: StructObj = { kind: "struct", type, fields };
        stack.push(allocObject(store, obj));
        break;
      }
      case Op["array.new"]:
      case Op["array.new_default"]:
      case Op["array.new_fixed"]: {
        const type = ctx.types![r.index];
        const L = gcLayout(type), t = L.storage[0], ew = L.elemWords;
        let vals: RawValue[];
        if (op === Op["array.new_fixed"]) vals = stack.splice(stack.length - r.index2, r.index2);
        else {
          const n = (stack.pop() as number) >>> 0;
          const v = op === Op["array.new"] ? stack.pop()! : null;
          vals = new Array(n).fill(v);
        }
        const elems = new Int32Array(vals.length * ew);
        if (op !== Op["array.new_default"]) {
          for (let i = 0; i < vals.length; i++) putWords(elems, i * ew, t, vals[i]);
        }
        const obj: ArrayObj = { kind: "array", type, elems };
        stack.push(allocObject(store, obj));
        break;
      }
      case Op["any.convert_extern"]:
      case Op["extern.convert_any"]:
      case Op.end:
        break;
      default:
        throw new UnsupportedError(OPS[op].name);
    }
  }
  return stack[stack.length - 1];
}
