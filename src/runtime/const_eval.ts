/**
 * The constant-expression evaluator (spec §3.3.10 "Constant Expressions", §4.5.4): global
 * and table initializers, element and data segment offsets, and element items, evaluated at
 * instantiation by a small stack machine over {@linkcode CodeReader}, without the
 * interpreter.
 *
 * Supported: `i32/i64/f32/f64/v128.const`, `ref.null`, `ref.func`, `global.get`, the
 * extended-const `i32/i64.add/sub/mul`, and `any.convert_extern`/`extern.convert_any`, which
 * leave a reference as it is (a host value is one extern object in either hierarchy; i31
 * values will need boxing when GC comes). Other GC instructions (`ref.i31`, `struct.new`,
 * `array.new*`) come with GC; until then instantiation refuses them before any expression is
 * evaluated (`CONST_RUNS` in src/ir/support.ts, which lists what this file runs).
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
import type { Store } from "./store.ts";

/** The index spaces a constant expression may refer to, as store addresses. */
export interface ConstContext {
  /** Function addresses (= references) by function index. */
  funcs: Int32Array;
  /** Global addresses by global index (the ones allocated so far). */
  globals: Int32Array | readonly number[];
}

/**
 * Evaluates constant expression `expr` and returns its single value (see
 * {@linkcode RawValue} for the forms).
 *
 * @throws UnsupportedError for an instruction this engine cannot evaluate yet (GC; refused
 *   earlier, at instantiation).
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
