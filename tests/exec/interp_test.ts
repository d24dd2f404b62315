import assert from "node:assert/strict";
import { Exhaustion, Trap } from "../../src/errors.ts";
import { invoke } from "../../src/exec/invoke.ts";
import { WasmException } from "../../src/exec/machine.ts";
import { allocHostFunc, canonFuncType } from "../../src/runtime/host.ts";
import type { ExnObj } from "../../src/runtime/store.ts";
import { slotViews, writeSlot } from "../../src/runtime/values.ts";
import { F32, I32, I64 } from "../../src/syntax/types.ts";
import { load } from "./harness.ts";

Deno.test("arithmetic: i32, i64 without precision loss, floats as bits", () => {
  const l = load(`
    (func (export "i32") (param i32 i32) (result i32)
      (i32.add (i32.mul (local.get 0) (local.get 1)) (i32.rotl (local.get 0) (i32.const 8))))
    (func (export "i64") (param i64 i64) (result i64)
      (i64.xor (i64.mul (local.get 0) (local.get 1)) (i64.shr_u (local.get 0) (i64.const 3))))
    (func (export "f64") (param f64 f64) (result f64) (f64.div (local.get 0) (local.get 1)))
    (func (export "f32neg") (param f32) (result f32) (f32.neg (local.get 0)))
    (func (export "f64abs") (param f64) (result f64) (f64.abs (local.get 0)))`);
  const x = 0x12345678, y = -7;
  assert.deepEqual(l.call("i32", x, y), [(Math.imul(x, y) + ((x << 8) | (x >>> 24))) | 0]);
  const a = 0x123456789abcdefn, b = -12345n;
  assert.deepEqual(l.call("i64", a, b), [BigInt.asIntN(64, (a * b) ^ (a >> 3n))]);
  const f = new Float64Array([1, 3]);
  const bits = new BigUint64Array(f.buffer);
  const q = new BigUint64Array(new Float64Array([1 / 3]).buffer)[0];
  assert.deepEqual(l.call("f64", bits[0], bits[1]), [q]);
  // A signalling NaN keeps its payload through neg/abs (bit operations).
  assert.deepEqual(l.call("f32neg", 0x7fa00001), [0xffa00001]);
  assert.deepEqual(l.call("f64abs", 0xfff4000000000001n), [0x7ff4000000000001n]);
});

Deno.test("control flow: loops, br_table, block results, select", () => {
  const l = load(`
    (func (export "sum") (param i32) (result i32) (local i32)
      (block $done (loop $l
        (br_if $done (i32.eqz (local.get 0)))
        (local.set 1 (i32.add (local.get 1) (local.get 0)))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        (br $l)))
      (local.get 1))
    (func (export "switch") (param i32) (result i32)
      (block $d (result i32) (block $c (result i32) (block $b (result i32) (block $a (result i32)
        (i32.const 100) (local.get 0) (br_table $a $b $c $d))
        (i32.add (i32.const 1))) (i32.add (i32.const 2))) (i32.add (i32.const 3))))
    (func (export "max") (param i32 i32) (result i32)
      (select (local.get 0) (local.get 1) (i32.gt_s (local.get 0) (local.get 1))))`);
  assert.deepEqual(l.call("sum", 100), [5050]);
  assert.deepEqual([0, 1, 2, 3, 9].map((i) => l.call("switch", i)[0]), [106, 105, 103, 100, 100]);
  assert.deepEqual(l.call("max", -3, 2), [2]);
});

Deno.test("calls: recursion, call_indirect with type checks, deep recursion exhausts", () => {
  const l = load(`
    (type $ii (func (param i32) (result i32)))
    (table 3 funcref) (elem (i32.const 0) $fac $other)
    (func $fac (type $ii)
      (if (result i32) (i32.le_s (local.get 0) (i32.const 1))
        (then (i32.const 1))
        (else (i32.mul (local.get 0) (call $fac (i32.sub (local.get 0) (i32.const 1)))))))
    (func $other (param i64) (result i64) (local.get 0))
    (func (export "fac") (param i32) (result i32) (call $fac (local.get 0)))
    (func (export "indirect") (param i32 i32) (result i32)
      (call_indirect (type $ii) (local.get 1) (local.get 0)))
    (func $runaway (export "runaway") (param i32) (result i32)
      (i32.add (call $runaway (local.get 0)) (i32.const 1)))`);
  assert.deepEqual(l.call("fac", 10), [3628800]);
  assert.deepEqual(l.call("indirect", 0, 5), [120]);
  assert.throws(() => l.call("indirect", 1, 5), new Trap("indirect call type mismatch"));
  assert.throws(() => l.call("indirect", 2, 5), /uninitialized element/);
  assert.throws(() => l.call("indirect", 3, 5), /undefined element/);
  assert.throws(() => l.call("runaway", 0), new Exhaustion("call stack exhausted"));
  // The machine is usable afterwards.
  assert.deepEqual(l.call("fac", 5), [120]);
});

Deno.test("tail calls run in constant stack space", () => {
  const l = load(`
    (func $loop (export "count") (param i32 i64) (result i64)
      (if (result i64) (i32.eqz (local.get 0))
        (then (local.get 1))
        (else (return_call $loop (i32.sub (local.get 0) (i32.const 1))
                                 (i64.add (local.get 1) (i64.const 2))))))`);
  assert.deepEqual(l.call("count", 1_000_000, 0n), [2_000_000n]);
  assert.equal(l.machine.depth, 0);
});

Deno.test("traps carry the testsuite's messages", () => {
  const l = load(`(memory 1)
    (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
    (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
    (func (export "unreachable") (unreachable))
    (func (export "trunc") (param f64) (result i32) (i32.trunc_f64_s (local.get 0)))
    (func (export "callnull") (call_ref $t (ref.null $t)))
    (type $t (func))`);
  assert.throws(() => l.call("div", 1, 0), new Trap("integer divide by zero"));
  assert.throws(() => l.call("div", -0x80000000, -1), new Trap("integer overflow"));
  assert.throws(() => l.call("load", 65533), new Trap("out of bounds memory access"));
  assert.throws(() => l.call("load", -1), new Trap("out of bounds memory access"));
  assert.deepEqual(l.call("load", 65532), [0]);
  assert.throws(() => l.call("unreachable"), new Trap("unreachable"));
  assert.throws(
    () => l.call("trunc", 0x7ff8000000000000n),
    new Trap("invalid conversion to integer"),
  );
  assert.throws(() => l.call("callnull"), new Trap("null function reference"));
});

Deno.test("exceptions: try_table catches, legacy try/catch, rethrow, escape", () => {
  const l = load(`
    (tag $e (param i32))
    (func $thrower (param i32) (throw $e (local.get 0)))
    (func (export "catch") (param i32) (result i32)
      (block $h (result i32)
        (try_table (catch $e $h) (call $thrower (local.get 0)))
        (i32.const -1)))
    (func (export "legacy") (param i32) (result i32)
      (try (result i32)
        (do (try (result i32) (do (call $thrower (local.get 0)) (i32.const 0))
              (catch_all (rethrow 0))))
        (catch $e (i32.add (i32.const 1)))))
    (func (export "escape") (param i32) (call $thrower (local.get 0)))`);
  assert.deepEqual(l.call("catch", 42), [42]);
  assert.deepEqual(l.call("legacy", 41), [42]);
  assert.throws(() => l.call("escape", 7), (e: unknown) => {
    assert.ok(e instanceof WasmException);
    assert.deepEqual(e.args, [7]);
    return true;
  });
  assert.equal(l.machine.depth, 0);
});

Deno.test("an exception's slots hold its values only: 32-bit values zero-extended", () => {
  // The i64 sums leave all-ones bits in the operand slots the thrown i32 then takes: its
  // upper half must not carry them into the exception (snapshots hold its bytes, and the
  // compiled tier leaves other bits there than the interpreter).
  const l = load(`
    (tag $e (param i32 f32 i64 i32))
    (func (export "throw") (param i64 i32)
      (drop (i64.add (local.get 0) (i64.const 0)))
      (throw $e (i32.add (local.get 1) (i32.const 1)) (f32.const 1) (local.get 0)
        (local.get 1)))`);
  assert.throws(() => l.call("throw", -1n, 5), (e: unknown) => {
    assert.ok(e instanceof WasmException);
    const want = new Uint8Array(32);
    const views = slotViews(want.buffer);
    writeSlot(views, 0, I32, 6);
    writeSlot(views, 1, F32, 0x3f800000);
    writeSlot(views, 2, I64, -1n);
    writeSlot(views, 3, I32, 5);
    assert.deepEqual((l.machine.store.objects[e.exn] as ExnObj).slots, want);
    return true;
  });
});

Deno.test("host functions may call back into wasm (re-entrant invoke)", () => {
  let inner = 0;
  const l = load(
    `(import "h" "f" (func $h (param i32) (result i32)))
     (func (export "twice") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
     (func (export "outer") (param i32) (result i32)
       (i32.add (call $h (local.get 0)) (i32.const 1)))`,
    (m) => [{
      kind: "func",
      addr: allocHostFunc(m, canonFuncType([I32], [I32]), "h", "f", (args) => {
        inner = invoke(m, twice, [args[0]])[0] as number;
        return [inner + 100];
      }),
    }],
  );
  const twice = l.addr("twice");
  assert.deepEqual(l.call("outer", 5), [111]);
  assert.equal(inner, 10);
});

Deno.test("fuel bounds a run", () => {
  const l = load(`(func (export "spin") (loop (br 0)))`);
  l.machine.fuel = 10_000;
  assert.throws(() => l.call("spin"), new Exhaustion("fuel exhausted"));
  assert.equal(l.machine.depth, 0);
});

Deno.test("i64 shifts and rotations by constants and variables match BigInt semantics", () => {
  const counts = [0, 1, 5, 31, 32, 33, 63, 64, 100];
  const ops = ["shl", "shr_s", "shr_u", "rotl", "rotr"];
  let wat = "";
  for (const op of ops) {
    wat +=
      `(func (export "${op}") (param i64 i64) (result i64) (i64.${op} (local.get 0) (local.get 1)))`;
    for (const c of counts) {
      wat +=
        `(func (export "${op}${c}") (param i64) (result i64) (i64.${op} (local.get 0) (i64.const ${c})))`;
    }
  }
  const l = load(wat);
  const M = (1n << 64n) - 1n;
  const ref = (op: string, x: bigint, c: bigint): bigint => {
    const k = c & 63n, u = x & M;
    switch (op) {
      case "shl":
        return BigInt.asIntN(64, u << k);
      case "shr_s":
        return BigInt.asIntN(64, x >> k);
      case "shr_u":
        return BigInt.asIntN(64, u >> k);
      case "rotl":
        return BigInt.asIntN(64, (u << k) | (u >> ((64n - k) & 63n)));
      default:
        return BigInt.asIntN(64, (u >> k) | (u << ((64n - k) & 63n)));
    }
  };
  for (const x of [0x8123456789abcdefn - (1n << 64n), 0x0123456789abcdefn, -1n, 1n]) {
    for (const op of ops) {
      for (const c of counts) {
        const want = ref(op, x, BigInt(c));
        assert.deepEqual(l.call(`${op}${c}`, x), [want], `${op} ${x} ${c}`);
        assert.deepEqual(l.call(op, x, BigInt(c)), [want], `${op} ${x} ${c} (variable)`);
      }
    }
  }
});

Deno.test("fused shift/rotate + xor/add forms compute the unfused result", () => {
  const l = load(`
    (func (export "x64") (param i64) (result i64) (local i64)
      (local.set 1 (local.get 0))
      (local.set 1 (i64.xor (local.get 1) (i64.shl (local.get 1) (i64.const 13))))
      (local.set 1 (i64.xor (local.get 1) (i64.shr_u (local.get 1) (i64.const 7))))
      (local.set 1 (i64.xor (local.get 1) (i64.shr_u (local.get 1) (i64.const 40))))
      (local.get 1))
    (func (export "x32") (param i32) (result i32)
      (i32.add (i32.xor (i32.xor (local.get 0) (i32.rotl (local.get 0) (i32.const 7)))
                        (i32.shr_u (local.get 0) (i32.const 3)))
               (i32.rotl (local.get 0) (i32.const 30))))`);
  const M = (1n << 64n) - 1n;
  let x = 0x9e3779b97f4a7c15n;
  const x0 = BigInt.asIntN(64, x);
  x = (x ^ (x << 13n)) & M;
  x = (x ^ (x >> 7n)) & M;
  x = (x ^ (x >> 40n)) & M;
  assert.deepEqual(l.call("x64", x0), [BigInt.asIntN(64, x)]);
  const a = 0x89abcdef | 0;
  const rotl = (v: number, k: number) => (v << k) | (v >>> (32 - k));
  assert.deepEqual(l.call("x32", a), [((a ^ rotl(a, 7) ^ (a >>> 3)) + rotl(a, 30)) | 0]);
});
