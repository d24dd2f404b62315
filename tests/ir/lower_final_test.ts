/**
 * Tests of the lowering's last pass (src/ir/lower_final.ts): conditional returns, prefixes
 * across labels, `i32.add.add` and the unrolled copies, each checked for its IR and for
 * computing exactly what the unfused instructions do (overlapping ranges, the end of memory).
 *
 * @module
 */

import assert from "node:assert/strict";
import { Trap } from "../../src/errors.ts";
import { printIr } from "../../src/ir/print.ts";
import { load } from "../exec/harness.ts";

const FIB = `(func $fib (export "fib") (param i32) (result i32)
  (block
    (br_if 0 (i32.lt_s (local.get 0) (i32.const 2)))
    (local.set 0 (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
      (call $fib (i32.sub (local.get 0) (i32.const 2))))))
  (local.get 0))
(func (export "ret") (param i32 i32) (result i32)
  (block
    (br_if 0 (i32.le_u (local.get 0) (local.get 1)))
    (local.set 0 (i32.add (local.get 0) (local.get 1))))
  (local.get 0))`;

Deno.test("last pass: a branch to a return becomes return_if; the add before it a prefix", () => {
  const l = load(FIB);
  assert.equal(
    printIr(l.machine.code(l.addr("fib"))),
    [
      "0: return_if.i32.lt_s_imm s0 2 @22",
      "4: i32.add_imm.call d1 s0 -1",
      "8: call f1 s1",
      "11: i32.add_imm.call d2 s0 -2",
      "15: call f1 s2",
      "18: i32.add.return d0 s1 s2",
      "22: return",
    ].join("\n"),
  );
  const fib = (n: number): number => n < 2 ? n : fib(n - 1) + fib(n - 2);
  for (const n of [-3, 0, 1, 2, 10, 15]) assert.deepEqual(l.call("fib", n), [fib(n)]);
  assert.match(printIr(l.machine.code(l.addr("ret"))), /^0: return_if.i32.le_u s0 s1 @8$/m);
  for (const [a, b] of [[1, 2], [2, 1], [-1, 1], [1, -1], [5, 5]]) {
    assert.deepEqual(l.call("ret", a, b), [(a >>> 0) <= (b >>> 0) ? a : (a + b) | 0]);
  }
});

const COPY = `(memory (export "mem") 1)
(func (export "copy8") (param $d i32) (param $s i32) (param $i i32) (result i32)
  (local $p i32) (local $q i32)
  (local.set $p (i32.add (local.get $d) (local.get $i)))
  (local.set $q (i32.add (local.get $s) (local.get $i)))
  (i32.store8 (local.get $p) (i32.load8_u (local.get $q)))
  (i32.store8 (i32.add (local.get $p) (i32.const 1)) (i32.load8_u (i32.add (local.get $q) (i32.const 1))))
  (i32.store8 (i32.add (local.get $p) (i32.const 2)) (i32.load8_u (i32.add (local.get $q) (i32.const 2))))
  (i32.store8 (i32.add (local.get $p) (i32.const 3)) (i32.load8_u (i32.add (local.get $q) (i32.const 3))))
  (local.get $p))
(func (export "copy32") (param $d i32) (param $s i32) (param $i i32) (result i32)
  (local $p i32) (local $q i32)
  (local.set $p (i32.add (local.get $d) (local.get $i)))
  (local.set $q (i32.add (local.get $s) (local.get $i)))
  (i32.store (local.get $p) (i32.load (local.get $q)))
  (i32.store (i32.add (local.get $p) (i32.const 4)) (i32.load (i32.add (local.get $q) (i32.const 4))))
  (i32.store (i32.add (local.get $p) (i32.const 8)) (i32.load (i32.add (local.get $q) (i32.const 8))))
  (i32.store (i32.add (local.get $p) (i32.const 12)) (i32.load (i32.add (local.get $q) (i32.const 12))))
  (local.get $p))`;

/** What the four copies of `w` bytes do, one after the other, on `mem` (or a trap). */
function model(mem: Uint8Array, d: number, s: number, w: number): boolean {
  for (let k = 0; k < 4; k++) {
    const src = (s + k * w) >>> 0, dst = (d + k * w) >>> 0;
    if (src + w > mem.length || dst + w > mem.length) return false;
    mem.set(mem.slice(src, src + w), dst);
  }
  return true;
}

Deno.test("last pass: i32.add.add and the unrolled copies (overlap, end of memory)", () => {
  const l = load(COPY);
  for (const [name, w] of [["copy8", 1], ["copy32", 4]] as const) {
    const text = printIr(l.machine.code(l.addr(name)));
    assert.match(text, /^0: i32.add.add d3 s0 s2$/m);
    assert.match(text, new RegExp(`^8: mem.copy${w * 8}.x4 s3 s4 0 0$`, "m"));
    const mem = () => {
      const inst = l.machine.store.instances[l.instance];
      return new Uint8Array(l.machine.store.memories[inst.memories[0]].buffer, 0, 65536);
    };
    const cases: [number, number][] = [
      [100, 200],
      [101, 100],
      [100, 101],
      [103, 100],
      [65536 - 2 * w, 0],
      [0, 65536 - 3 * w],
      [0, -1],
      [65536 - 4 * w, 65536 - 4 * w - 1],
    ];
    for (const [d, s] of cases) {
      const m = mem();
      for (let i = 0; i < m.length; i++) m[i] = (i * 7 + 3) & 0xff;
      const want = m.slice();
      const ok = model(want, d, s, w);
      let trapped = false;
      try {
        assert.deepEqual(l.call(name, d, s, 0), [d]);
      } catch (e) {
        if (!(e instanceof Trap)) throw e;
        trapped = true;
      }
      assert.equal(trapped, !ok, `${name}(${d}, ${s})`);
      assert.deepEqual(mem(), want, `${name}(${d}, ${s})`);
    }
  }
});

Deno.test("last pass: copy3.call_indirect and copy.br_if.i32.lt_u_imm (a dispatch loop)", () => {
  const l = load(`(type $h (func (param i32 i32 i32) (result i32)))
    (table 2 funcref)
    (elem (i32.const 0) $add $sub)
    (func $add (type $h) (i32.add (local.get 0) (local.get 1)))
    (func $sub (type $h) (i32.add (local.get 0) (local.get 2)))
    (func (export "f") (param $a i32) (param $b i32) (result i32) (local $pc i32)
      (loop $l
        (local.set $pc (call_indirect (type $h) (local.get $pc) (local.get $a) (local.get $b)
          (i32.and (local.get $pc) (i32.const 1))))
        (br_if $l (i32.lt_u (local.get $pc) (i32.const 13))))
      (local.get $pc))`);
  const text = printIr(l.machine.code(l.addr("f")));
  assert.match(text, /copy3.call_indirect/);
  assert.match(text, /copy.br_if.i32.lt_u_imm/);
  const model = (a: number, b: number): number => {
    let pc = 0;
    do pc = (pc & 1) === 0 ? pc + a : pc + b; while (pc < 13);
    return pc;
  };
  // (a and b >= 1: the loop ends.)
  for (const [a, b] of [[1, 2], [3, 1], [2, 20], [5, 4]]) {
    assert.deepEqual(l.call("f", a, b), [model(a, b)]);
  }
});
