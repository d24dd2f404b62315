/**
 * The module and operands of tests/exec/nan_bits_test.ts: float ops whose result may be a NaN
 * (binary arithmetic, min/max, the fused `f64.add_load` / `f64.add_store` forms, rounding,
 * sqrt, demote/promote), each exported on raw bits (i64/i32 in, i64/i32 out), run on many
 * NaN and non-NaN operands; and a runner that reads every result's bits from gab, used by
 * the test and by its child processes (run as a script: `deno run -A nan_cases.ts <tier>
 * <reps>` prints the results as JSON).
 *
 * @module
 */

import { Runtime } from "../../src/api/runtime.ts";

const BIN = ["add", "sub", "mul", "div", "min", "max"];
const UN = ["sqrt", "ceil", "floor", "trunc", "nearest"];

/** The test module's text. */
export const WAT = (() => {
  let w = `(module (memory (export "mem") 1)`;
  for (const o of BIN) {
    w += `(func (export "f64.${o}") (param i64 i64) (result i64)
      (i64.reinterpret_f64 (f64.${o} (f64.reinterpret_i64 (local.get 0))
        (f64.reinterpret_i64 (local.get 1)))))`;
    w += `(func (export "f32.${o}") (param i32 i32) (result i32)
      (i32.reinterpret_f32 (f32.${o} (f32.reinterpret_i32 (local.get 0))
        (f32.reinterpret_i32 (local.get 1)))))`;
  }
  for (const o of BIN) {
    // Operands made by arithmetic first (slots the tier may hold in JS variables).
    w += `(func (export "f64.${o}_chain") (param i64 i64) (result i64) (local f64 f64)
      (local.set 2 (f64.mul (f64.reinterpret_i64 (local.get 0)) (f64.const 1)))
      (local.set 3 (f64.sqrt (f64.reinterpret_i64 (local.get 1))))
      (i64.reinterpret_f64 (f64.${o} (local.get 2) (local.get 3))))`;
  }
  for (const o of ["add", "sub", "mul"]) {
    // The second operand loaded from memory (gab fuses it: f64.add_load...).
    w += `(func (export "f64.${o}_load") (param i64 i64) (result i64) (local f64)
      (local.set 2 (f64.reinterpret_i64 (local.get 0)))
      (i64.store (i32.const 8) (local.get 1))
      (i64.reinterpret_f64 (f64.${o} (local.get 2) (f64.load (i32.const 8)))))`;
  }
  // m[a] = x + m[a] (gab fuses it: f64.add_store).
  w += `(func (export "f64.add_store") (param i64 i64) (result i64) (local f64 i32)
    (local.set 2 (f64.reinterpret_i64 (local.get 0)))
    (local.set 3 (i32.const 16))
    (i64.store (local.get 3) (local.get 1))
    (f64.store (local.get 3) (f64.add (local.get 2) (f64.load (local.get 3))))
    (i64.load (local.get 3)))`;
  for (const o of UN) {
    w += `(func (export "f64.${o}") (param i64) (result i64)
      (i64.reinterpret_f64 (f64.${o} (f64.reinterpret_i64 (local.get 0)))))`;
    w += `(func (export "f32.${o}") (param i32) (result i32)
      (i32.reinterpret_f32 (f32.${o} (f32.reinterpret_i32 (local.get 0)))))`;
  }
  w += `(func (export "f32.demote_f64") (param i64) (result i32)
    (i32.reinterpret_f32 (f32.demote_f64 (f64.reinterpret_i64 (local.get 0)))))`;
  w += `(func (export "f64.promote_f32") (param i32) (result i64)
    (i64.reinterpret_f64 (f64.promote_f32 (f32.reinterpret_i32 (local.get 0)))))`;
  return w + ")";
})();

/** f64 operands (u64 bits): NaNs signalling and quiet, both signs, payloads; and numbers. */
const F64S = [
  0xfff000000000c84cn,
  0x7ff0000000000001n,
  0x7ff8000000000123n,
  0xfffffffffffffc84n,
  0x7ff8000000000000n,
  0xfff8000000000000n,
  0x7ff4000000000000n,
  0x3ff0000000000000n,
  0x8000000000000000n,
  0n,
  0x7ff0000000000000n,
  0xfff0000000000000n,
  0xc3c0000000000000n,
].map((b) => BigInt.asIntN(64, b));
/** f32 operands (i32 bits), as {@linkcode F64S}. */
const F32S = [
  0xff800123,
  0x7f800001,
  0x7fc00456,
  0xffffffff,
  0x7fc00000,
  0xffc00000,
  0x7fa00000,
  0x3f800000,
  0x80000000,
  0,
  0x7f800000,
  0xff800000,
  0xc0000000,
].map((b) => b | 0);

/** Every (export, operands) call of the test, in order. */
export function calls(): [string, (bigint | number)[]][] {
  const out: [string, (bigint | number)[]][] = [];
  const names = [...BIN.map((o) => `f64.${o}`), ...BIN.map((o) => `f64.${o}_chain`)];
  for (const n of [...names, "f64.add_load", "f64.sub_load", "f64.mul_load", "f64.add_store"]) {
    for (const a of F64S) for (const b of F64S) out.push([n, [a, b]]);
  }
  for (const o of BIN) for (const a of F32S) for (const b of F32S) out.push([`f32.${o}`, [a, b]]);
  for (const o of UN) {
    for (const a of F64S) out.push([`f64.${o}`, [a]]);
    for (const a of F32S) out.push([`f32.${o}`, [a]]);
  }
  for (const a of F64S) out.push(["f32.demote_f64", [a]]);
  for (const a of F32S) out.push(["f64.promote_f32", [a]]);
  return out;
}

/** Each call's result bits as hex, from `exports` (V8's or gab's). */
export function results(exports: Record<string, unknown>): string[] {
  return calls().map(([n, args]) => {
    const r = (exports[n] as (...a: unknown[]) => bigint | number)(...args);
    return typeof r === "bigint" ? BigInt.asUintN(64, r).toString(16) : (r >>> 0).toString(16);
  });
}

/**
 * gab's results, `reps` times over on one instance (so that V8 may optimize the interpreter
 * meanwhile): the first repetition that differs from the first one, else the first's.
 */
export function gabResults(tier: "off" | "all", reps: number): string[] {
  const e = new Runtime({ tier }).instantiate(WAT).exports;
  const first = results(e);
  for (let i = 1; i < reps; i++) {
    const r = results(e);
    if (r.some((x, k) => x !== first[k])) return r;
  }
  return first;
}

if (import.meta.main) {
  console.log(JSON.stringify(gabResults(Deno.args[0] as "off" | "all", Number(Deno.args[1]))));
}
