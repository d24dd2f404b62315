import assert from "node:assert/strict";
import { printIr } from "../../src/ir/print.ts";
import { load } from "../exec/harness.ts";

/** The IR of export "f" of `wat`. */
function ir(wat: string): string {
  const l = load(wat);
  return printIr(l.machine.code(l.addr("f")));
}

Deno.test("lowering: local.get forwarding, local.set folding, constants, compare+branch", () => {
  assert.equal(
    ir(`(func (export "f") (param i32 i32) (result i32) (local i32)
      (local.set 2 (i32.add (local.get 0) (i32.const 1)))
      (block (br_if 0 (i32.lt_s (local.get 2) (local.get 1))) (local.set 2 (i32.const 7)))
      (i32.mul (local.get 2) (local.get 0)))`),
    [
      "0: i32.add_imm d2 s0 1",
      "4: br_if.i32.lt_s s2 s1 @11",
      "8: const32 d2 7",
      "11: i32.mul d0 s2 s0",
      "15: return",
    ].join("\n"),
  );
});

Deno.test("lowering: if/else with an inverted i64 test, calls, 64-bit moves", () => {
  assert.equal(
    ir(`(func $g (param i64) (result i64) (local.get 0))
      (func (export "f") (param i64) (result i64)
        (if (result i64) (i64.eqz (local.get 0))
          (then (i64.const 5))
          (else (call $g (i64.sub (local.get 0) (i64.const 1))))))`),
    [
      "0: i64.nez_br s0 @8",
      "3: const64 d1 #5",
      "6: br @15",
      "8: i64.add_imm d1 s0 #-1",
      "12: call f1 s1",
      "15: copy64 d0 s1",
      "18: return",
    ].join("\n"),
  );
});

Deno.test("lowering: a pending local.get is copied before its local is overwritten", () => {
  assert.equal(
    ir(`(func (export "f") (param i32) (result i32)
      (local.get 0) (local.get 0) (local.set 0) (i32.const 3) (local.set 0))`),
    ["0: copy d1 s0", "3: const32 d0 3", "6: copy d0 s1", "9: return"].join("\n"),
  );
});

Deno.test("lowering: br_table with label values uses trampolines", () => {
  const text = ir(`(func (export "f") (param i32) (result i32)
    (block $a (result i32)
      (block $b (result i32)
        (br_table $a $b (local.get 0) (local.get 0)))
      (i32.add (i32.const 1))))`);
  assert.match(text, /br_table s\d+ 0/);
  assert.match(text, /copy d\d+ s0\n\d+: br @\d+/);
});

Deno.test("lowering: memory accesses fold the offset; other memories go generic", () => {
  const text = ir(`(memory 1) (memory $m 1)
    (func (export "f") (param i32) (result i32)
      (i32.add (i32.load offset=8 (local.get 0)) (i32.load $m offset=4 (local.get 0))))`);
  assert.match(text, /^0: i32\.load d1 s0 8$/m);
  assert.match(text, /mem\.load d2 s0 1 #4 \d+/);
});

Deno.test("lowering: SIMD and GC instructions are not supported yet", () => {
  const l = load(`(func (export "f") (result v128) (v128.const i32x4 1 2 3 4))`);
  assert.throws(() => l.machine.code(l.addr("f")), /not supported yet: v128\.const/);
});

Deno.test("lowering: two additions fuse; a branch on the second one still tests it", () => {
  const l = load(`(func (export "f") (param i32 i32) (result i32)
    (local.set 0 (i32.add (local.get 0) (i32.const 1)))
    (block (br_if 0 (i32.add (local.get 1) (i32.const 2))) (local.set 0 (i32.const 9)))
    (local.get 0))`);
  assert.match(printIr(l.machine.code(l.addr("f"))), /^0: i32\.add_imm2 d0 s0 1 d2 s1 2$/m);
  assert.deepEqual(l.call("f", 5, -2), [9]);
  assert.deepEqual(l.call("f", 5, 0), [6]);
});

Deno.test("lowering: loads fuse into arithmetic and stores; results unchanged", () => {
  const l = load(`(memory 1)
    (func (export "f") (param i32 f64) (result f64)
      (f64.store (local.get 0) (f64.add (f64.mul (local.get 1) (f64.load offset=8 (local.get 0)))
                                        (f64.load (local.get 0))))
      (f64.load (local.get 0)))
    (func (export "init") (param i32 f64 f64)
      (f64.store (local.get 0) (local.get 1))
      (f64.store offset=8 (local.get 0) (local.get 2)))`);
  const text = printIr(l.machine.code(l.addr("f")));
  assert.match(text, /f64\.mul_load/);
  assert.match(text, /f64\.add_store/);
  const bits = (x: number) => new BigUint64Array(new Float64Array([x]).buffer)[0];
  l.call("init", 16, bits(1.5), bits(2.25));
  assert.deepEqual(l.call("f", 16, bits(4)), [bits(4 * 2.25 + 1.5)]);
  assert.throws(() => l.call("f", 65530, bits(1)), /out of bounds memory access/);
});
