/**
 * The script engine's execution hooks (src/script/engine.ts) on small scripts: linking by
 * registered names, value conversions (host and extern references included), uncaught
 * exceptions, traps and link errors.
 */
import assert from "node:assert/strict";
import { defaultEngine } from "../../src/script/engine.ts";
import { type CommandResult, runSource } from "../../src/script/run.ts";

function run(source: string): CommandResult[] {
  return runSource(source, defaultEngine());
}

function assertAllPassed(results: CommandResult[]): void {
  const bad = results.filter((r) => r.outcome !== "passed");
  assert.deepEqual(bad, []);
}

Deno.test("script hooks: register, import, invoke, get", () => {
  assertAllPassed(run(`
    (module $a
      (global (export "g") i32 (i32.const 42))
      (func (export "f") (param i64) (result i64) (i64.add (local.get 0) (i64.const 1))))
    (register "a" $a)
    (module $b
      (import "a" "f" (func $f (param i64) (result i64)))
      (import "a" "g" (global $g i32))
      (import "spectest" "print_i32" (func $print (param i32)))
      (func (export "h") (result i64) (call $print (global.get $g)) (call $f (i64.const -2))))
    (assert_return (invoke $b "h") (i64.const -1))
    (assert_return (get $a "g") (i32.const 42))
    (assert_return (get $a "g") (i32.const 42))
    (assert_unlinkable (module (import "a" "nope" (func))) "unknown import")
    (assert_unlinkable (module (import "nowhere" "f" (func))) "unknown import")
    (assert_unlinkable (module (import "a" "f" (func (param i32)))) "incompatible import type")
  `));
});

Deno.test("script hooks: references and floats keep their identity and bits", () => {
  assertAllPassed(run(`
    (module
      (func (export "ext") (param externref) (result externref) (local.get 0))
      (func (export "isnull") (param externref) (result i32) (ref.is_null (local.get 0)))
      (func (export "fn") (result funcref) (ref.func 0))
      (func (export "f32") (param f32) (result f32) (local.get 0))
      (func (export "f64") (param f64) (result f64) (local.get 0)))
    (assert_return (invoke "ext" (ref.extern 7)) (ref.extern 7))
    (assert_return (invoke "ext" (ref.null extern)) (ref.null extern))
    (assert_return (invoke "isnull" (ref.extern 1)) (i32.const 0))
    (assert_return (invoke "fn") (ref.func))
    (assert_return (invoke "f32" (f32.const nan:0x200001)) (f32.const nan:0x200001))
    (assert_return (invoke "f64" (f64.const -nan:0x1)) (f64.const -nan:0x1))
  `));
});

Deno.test("script hooks: traps, exceptions, exhaustion", () => {
  assertAllPassed(run(`
    (module
      (tag $t (param i32 i64))
      (func (export "throw") (throw $t (i32.const 1) (i64.const 2)))
      (func (export "trap") unreachable)
      (func $loop (export "loop") (call $loop)))
    (assert_exception (invoke "throw"))
    (assert_trap (invoke "trap") "unreachable")
    (assert_exhaustion (invoke "loop") "call stack exhausted")
    (assert_trap (module (memory 0) (data (i32.const 1) "x")) "out of bounds memory access")
    (assert_trap (module (table 0 funcref) (func) (elem (i32.const 0) 0))
      "out of bounds table access")
  `));
});
