/**
 * Helpers for the validator's tests: small modules built by hand, and assertions on
 * validation errors.
 *
 * @module
 */

import assert from "node:assert/strict";
import { encodeInstrs } from "../../src/binary/code.ts";
import { ValidationError } from "../../src/errors.ts";
import type { Instr } from "../../src/syntax/instr.ts";
import { emptyModule, type Func, type Module } from "../../src/syntax/module.ts";
import { Op, type OpName } from "../../src/syntax/opcodes.ts";
import type { SubType, ValType } from "../../src/syntax/types.ts";
import { validateModule } from "../../src/valid/validate.ts";

/** An instruction by name with its immediates. */
export function ins(name: OpName, fields: Omit<Instr, "op"> = {}): Instr {
  return { op: Op[name], ...fields };
}

/** Instructions encoded as an expression, with the final `end` added. */
export function expr(...instrs: Instr[]): Uint8Array {
  return encodeInstrs([...instrs, ins("end")]);
}

/** A function type as a sub type (final, no supertypes). */
export function funcType(params: ValType[], results: ValType[]): SubType {
  return { final: true, supers: [], comp: { kind: "func", params, results } };
}

/** A function with type index `type`, locals `locals` and body `instrs`. */
export function func(type: number, locals: ValType[], ...instrs: Instr[]): Func {
  return {
    type,
    locals: locals.map((t) => ({ count: 1, type: t })),
    body: expr(...instrs),
    offset: 0,
  };
}

/** A module from the given parts; each type is its own recursion group unless given. */
export function mod(parts: Partial<Module>): Module {
  const m = { ...emptyModule(), ...parts };
  if (parts.recGroups === undefined) m.recGroups = m.types.map(() => 1);
  return m;
}

/** A module with one function of type `[params] -> [results]` and body `instrs`. */
export function fn(
  params: ValType[],
  results: ValType[],
  instrs: Instr[],
  extra: Partial<Module> = {},
  locals: ValType[] = [],
): Module {
  const types = [...(extra.types ?? []), funcType(params, results)];
  return mod({ ...extra, types, funcs: [func(types.length - 1, locals, ...instrs)] });
}

/** Asserts that `m` is valid. */
export function valid(m: Module): void {
  validateModule(m);
}

/** Asserts that validating `m` fails with a message starting with `prefix`. */
export function invalid(m: Module, prefix: string): void {
  try {
    validateModule(m);
  } catch (e) {
    assert.ok(e instanceof ValidationError, `not a ValidationError: ${e}`);
    assert.ok(e.message.startsWith(prefix), `expected "${prefix}", got "${e.message}"`);
    return;
  }
  assert.fail(`expected "${prefix}", but the module is valid`);
}
