/**
 * What the engine runs: one flag per instruction of the opcode table (and per typed form the
 * validator tells apart, such as `select` over v128), read at instantiation to refuse a valid
 * module that uses something the lowering or the constant evaluator cannot run yet, with a
 * typed one-line {@linkcode UnsupportedError} naming the instruction and the function, instead
 * of failing at the first call.
 *
 * Turning an instruction on is one line here (see {@linkcode RUNS}), once the lowering
 * (`lower.ts`) and the interpreter handle it; the lowering still throws the same error for an
 * instruction it has no case for, should the two disagree.
 *
 * The check costs no pass over the code: the validator records where each instruction is first
 * used ({@linkcode ModuleInfo.uses}), and {@linkcode checkRuns} reads that record.
 *
 * @module
 */

import { CodeReader } from "../binary/code.ts";
import { UnsupportedError } from "../errors.ts";
import type { Module } from "../syntax/module.ts";
import { Op, type OpName, OPS } from "../syntax/opcodes.ts";
import {
  USE_GLOBAL_GET_V128,
  USE_GLOBAL_SET_V128,
  USE_KEYS,
  USE_SELECT_V128,
} from "../valid/code.ts";
import type { ModuleInfo } from "../valid/validate.ts";

/** The names of the typed forms past the opcode table's ops, for messages. */
const FORM_NAMES: ReadonlyMap<number, string> = new Map([
  [USE_SELECT_V128, "select (v128)"],
  [USE_GLOBAL_GET_V128, "global.get (v128)"],
  [USE_GLOBAL_SET_V128, "global.set (v128)"],
]);

/**
 * For each op of the opcode table, then each typed form (`USE_SELECT_V128`...
 * in src/valid/code.ts), 1 if the engine runs it in a function body, else 0.
 *
 * Today: everything, SIMD and relaxed SIMD (the `0xFD` prefix, `lower_simd.ts`) and GC (the
 * `0xFB` prefix, `lower_gc.ts`) included, and `select` and `global.get`/`global.set` over v128
 * values.
 */
export const RUNS: Uint8Array = new Uint8Array(USE_KEYS);
RUNS.fill(1, 0, OPS.length);
RUNS[USE_SELECT_V128] = 1;
RUNS[USE_GLOBAL_GET_V128] = 1;
RUNS[USE_GLOBAL_SET_V128] = 1;

/** The instructions the constant evaluator (`src/runtime/const_eval.ts`) runs. */
const CONST_OPS: readonly OpName[] = [
  "i32.const",
  "i64.const",
  "f32.const",
  "f64.const",
  "v128.const",
  "ref.null",
  "ref.func",
  "global.get",
  "i32.add",
  "i32.sub",
  "i32.mul",
  "i64.add",
  "i64.sub",
  "i64.mul",
  "any.convert_extern",
  "extern.convert_any",
  "ref.i31",
  "struct.new",
  "struct.new_default",
  "array.new",
  "array.new_default",
  "array.new_fixed",
  "end",
];

/** For each op, 1 if the engine runs it in a constant expression, else 0. */
export const CONST_RUNS: Uint8Array = new Uint8Array(OPS.length);
for (const name of CONST_OPS) CONST_RUNS[Op[name]] = 1;

/** The message name of a key of {@linkcode RUNS}. */
export function useName(key: number): string {
  return key < OPS.length ? OPS[key].name : FORM_NAMES.get(key)!;
}

/**
 * Refuses a validated module that uses an instruction the engine does not run yet: in a
 * function body (the first such function, at its first such instruction) or in a constant
 * expression.
 *
 * @throws UnsupportedError naming the instruction, the function and the byte offset
 */
export function checkRuns(module: Module, info: ModuleInfo): void {
  const uses = info.uses;
  let first = 0, key = -1;
  for (let k = 0; k < USE_KEYS; k++) {
    const u = uses[k];
    if (u !== 0 && RUNS[k] === 0 && (first === 0 || u < first)) {
      first = u;
      key = k;
    }
  }
  if (key >= 0) {
    const index = first - 1;
    const name = module.names.funcs.get(index) ?? null;
    const f = module.funcs[index - info.importedFuncs];
    const r = new CodeReader(f.body);
    while (!r.done) {
      const op = r.next();
      if (RUNS[op] === 0) {
        throw new UnsupportedError(
          OPS[op].name,
          index,
          name,
          f.offset === 0 ? null : f.offset + r.pos,
        );
      }
    }
    throw new UnsupportedError(useName(key), index, name);
  }
  const cu = info.constUses;
  for (let op = 0; op < cu.length; op++) {
    if (cu[op] !== 0 && CONST_RUNS[op] === 0) throw new UnsupportedError(OPS[op].name);
  }
}
