import assert from "node:assert/strict";
import { encodeModule } from "../../src/binary/encode.ts";
import { printIr } from "../../src/ir/print.ts";
import { parseModuleText } from "../../src/text/parse.ts";
import { load } from "../exec/harness.ts";
import { instantiate } from "../../src/api/runtime.ts";

/** The IR of export "f" of `wat`. */
function ir(wat: string): string {
  const l = load(wat);
  return printIr(l.machine.code(l.addr("f")));
}

Deno.test("lowering: local.get forwarding, local.set folding, constants, add+compare+branch", () => {
  assert.equal(
    ir(`(func (export "f") (param i32 i32) (result i32) (local i32)
      (local.set 2 (i32.add (local.get 0) (i32.const 1)))
      (block (br_if 0 (i32.lt_s (local.get 2) (local.get 1))) (local.set 2 (i32.const 7)))
      (i32.mul (local.get 2) (local.get 0)))`),
    [
      // The add and the compare-and-branch right after it fuse (one tick).
      "0: i32.add_imm.br_if.i32.lt_s d2 s0 1 s2 s1 @10",
      "7: const32 d2 7",
      "10: i32.mul d0 s2 s0",
      "14: return",
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
      "0: i64.eqz d1 s0",
      "3: br_unless s1 @11",
      "6: const64 d1 #5",
      "9: br @18",
      "11: i64.add_imm d1 s0 #-1",
      "15: call f1 s1",
      "18: copy64 d0 s1",
      "21: return",
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

Deno.test("lowering: GC goes to the GC rows; results as V8's", async () => {
  const wat = `(type $s (struct (field (mut i32)) (field i8)))
    (type $a (array (mut i64)))
    (func (export "f") (param i32) (result i32) (local (ref null $s))
      (local.set 1 (struct.new $s (local.get 0) (i32.const -1)))
      (struct.set $s 0 (local.get 1) (i32.add (struct.get $s 0 (local.get 1)) (i32.const 5)))
      (block $l (result anyref)
        (br_on_cast $l anyref (ref $s) (local.get 1))
        (return (i32.const -9)))
      (ref.cast (ref $s))
      (struct.get_s $s 1)
      (i32.add (struct.get $s 0 (local.get 1)))
      (i32.add (i32.wrap_i64 (array.get $a (array.new $a (i64.const 3) (i32.const 2)) (i32.const 1)))))`;
  const text = ir(wat);
  // struct.new of fields in consecutive slots, its result folded into the local.
  assert.match(text, /^\d+: gc\.alloc 0 d1 s2 /m);
  // The branch moves its value: the opposite test skips the moves and the jump.
  assert.match(text, /: br_on_cast_fail s1 \d+ 0 @\d+$/m);
  assert.match(text, /: gc 22 /m); // ref.cast
  const bytes = new Uint8Array(encodeModule(parseModuleText(`(module ${wat})`)));
  const v8 = (await WebAssembly.instantiate(new WebAssembly.Module(bytes))).exports;
  const l = load(wat);
  for (const x of [0, 7, -5]) {
    assert.deepEqual(l.call("f", x), [(v8.f as (x: number) => number)(x)]);
  }
});

Deno.test("lowering: SIMD goes to the SIMD rows; results as V8's", async () => {
  const wat = `(memory (export "mem") 1) (global $g (mut v128) (v128.const i64x2 7 8))
    (func $f (export "f") (param i32 i32) (result v128) (local v128)
      (local.set 2 (i32x4.add (v128.load (local.get 0)) (v128.load offset=16 (local.get 0))))
      (v128.store (local.get 0) (local.get 2))
      (global.set $g (i8x16.shuffle 0 17 2 19 4 21 6 23 8 25 10 27 12 29 14 31
        (local.get 2) (v128.load8_splat (local.get 0))))
      (local.set 2 (f64x2.mul (f32x4.add (local.get 2) (global.get $g))
        (i8x16.shuffle 8 9 10 11 12 13 14 15 28 29 30 31 0 1 2 3
          (f64x2.add (local.get 2) (local.get 2)) (f32x4.mul (local.get 2) (global.get $g)))))
      (v128.store offset=96 (i32.const 0) (local.get 2))
      (select (global.get $g) (v128.const i32x4 1 2 3 4) (local.get 1)))
    (func (export "g") (param i32 i32)
      (v128.store offset=64 (i32.const 0) (call $f (local.get 0) (local.get 1))))`;
  const text = ir(wat);
  assert.match(text, /^0: v128\.load d\d+ s0 0$/m);
  assert.match(text, /: i32x4\.add d2 s\d+ s\d+$/m); // a row of its own, into the local
  assert.match(text, /: v128\.store s0 s2 0$/m);
  assert.match(text, /: simd 13 /m); // i8x16.shuffle
  assert.match(text, /: i8x16\.shuffle_words d\d+ s\d+ s\d+ 474$/m); // words 2, 3, 7, 0
  assert.match(text, /: f64x2\.mul d2 /m);
  assert.match(text, /: simd\.mem0 \d+ /m); // v128.load8_splat
  assert.match(text, /: global\.set_v128 /m);
  assert.match(text, /: select_v128 /m);
  // V8 is the oracle: the same module on Deno's own WebAssembly (JS can't take a v128
  // result, so export "g" stores it to memory at 64).
  const bytes = new Uint8Array(encodeModule(parseModuleText(wat)));
  const init = (m: Uint8Array) => {
    for (let i = 0; i < 32; i++) m[i] = (i * 37 + 11) & 255;
  };
  for (const sel of [0, 1]) {
    const v8 = (await WebAssembly.instantiate(new WebAssembly.Module(bytes))).exports;
    const v8mem = new Uint8Array((v8.mem as WebAssembly.Memory).buffer);
    init(v8mem);
    (v8.g as (a: number, b: number) => void)(0, sel);
    const l = load(wat);
    const mem = new Uint8Array(l.machine.store.memories[0].buffer);
    init(mem);
    const [got] = l.call("f", 0, sel) as Uint8Array[];
    assert.deepEqual([...got], [...v8mem.subarray(64, 80)]);
    assert.deepEqual([...mem.subarray(0, 32)], [...v8mem.subarray(0, 32)]);
    assert.deepEqual([...mem.subarray(96, 112)], [...v8mem.subarray(96, 112)]);
  }
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
  // The load into the multiply; the add of the other load into the store (a read-modify-write).
  assert.match(text, /^0: f64\.mul_load d\d+ s1 s0 8\n\d+: f64\.add_store s0 s\d+ 0\n/);
  const bits = (x: number) => new BigUint64Array(new Float64Array([x]).buffer)[0];
  l.call("init", 16, bits(1.5), bits(2.25));
  assert.deepEqual(l.call("f", 16, bits(4)), [bits(4 * 2.25 + 1.5)]);
  assert.throws(() => l.call("f", 65530, bits(1)), /out of bounds memory access/);
  assert.throws(() => l.call("f", 65528, bits(1)), /out of bounds memory access/);
});

Deno.test("lowering: measured pair fusions compute what the unfused code does", () => {
  const l = load(`(memory 1)
    (func $inc (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
    (func (export "f") (param $n i32) (param $b i32) (result i32)
      (local $i i32) (local $x i32) (local $y i32) (local $z i32) (local $s i32)
      (local.set $x (i32.const 1)) (local.set $y (i32.const 2)) (local.set $z (i32.const 3))
      (loop $l
        (local.set $s (local.get $x)) (local.set $x (local.get $y)) (local.set $y (local.get $z))
        (local.set $z (i32.add (local.get $s)
          (i32.xor (i32.rotl (local.get $y) (i32.const 7)) (i32.rotl (local.get $y) (i32.const 19)))))
        (i32.store8 (i32.add (local.get $b) (local.get $i)) (i32.const 9))
        (local.set $s (i32.add (local.get $s) (i32.load8_u (i32.add (local.get $b) (local.get $i)))))
        (local.set $z (i32.add (local.get $z)
          (i32.and (i32.shr_u (local.get $x) (i32.const 3)) (i32.const 0xff))))
        (local.set $z (i32.add (local.get $z)
          (i32.load offset=4 (i32.add (i32.shl (i32.and (local.get $i) (i32.const 7)) (i32.const 2))
            (i32.const 64)))))
        (local.set $z (call $inc (i32.add (local.get $z) (i32.const 5))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
      (i32.add (local.get $z) (i32.add (local.get $x) (local.get $y))))
    (func (export "g") (param $p i32) (param $q i32) (param $c i32)
      (loop $l
        (i32.store8 (i32.add (local.get $p) (i32.const 1))
          (i32.load8_u (i32.add (local.get $q) (i32.const 1))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (local.set $c (i32.sub (local.get $c) (i32.const 1)))
        (br_if $l (local.get $c))))
    (func (export "h") (param $x i64) (result i64)
      (i64.xor (i64.add (i64.mul (local.get $x) (i64.const 6364136223846793005))
                        (i64.const 1442695040888963407))
               (i64.shr_s (local.get $x) (i64.const 17))))`);
  const text = printIr(l.machine.code(l.addr("f")));
  for (const op of ["copy3", "i32.store8_imm_idx", "i32.load8_u_idx"]) {
    assert.match(text, new RegExp(`: ${op.replace(/\./g, "\\.")} `));
  }
  for (const op of ["i32.shr_u_and_imm", "i32.load_shl_add", "i32.add_imm.call"]) {
    assert.match(text, new RegExp(`: ${op.replace(/\./g, "\\.")} `));
  }
  assert.match(text, /: i32\.add_imm\.br_if\.i32\.lt_u /);
  // The same computation in JS.
  const mem = new Uint8Array(65536);
  const dv = new DataView(mem.buffer);
  const rotl = (v: number, k: number) => (v << k) | (v >>> (32 - k));
  const f = (n: number, b: number) => {
    let x = 1, y = 2, z = 3, s = 0, i = 0;
    do {
      s = x, x = y, y = z;
      z = (s + (rotl(y, 7) ^ rotl(y, 19))) | 0;
      mem[(b + i) >>> 0] = 9;
      s = (s + mem[(b + i) >>> 0]) | 0;
      z = (z + ((x >>> 3) & 0xff)) | 0;
      z = (z + dv.getInt32((((i & 7) << 2) + 64) + 4, true)) | 0;
      z = (z + 5 + 1) | 0;
      i = (i + 1) | 0;
    } while ((i >>> 0) < (n >>> 0));
    return (z + ((x + y) | 0)) | 0;
  };
  assert.deepEqual(l.call("f", 10, 100), [f(10, 100)]);
  assert.deepEqual(l.call("f", 40, 60), [f(40, 60)]);
  assert.throws(() => l.call("f", 2, 65535), /out of bounds memory access/);
  assert.throws(() => l.call("f", 2, -1), /out of bounds memory access/);
  const g = printIr(l.machine.code(l.addr("g")));
  assert.match(g, /mem\.copy8/);
  l.call("g", 200, 100, 3);
  assert.throws(() => l.call("g", 65534, 100, 3), /out of bounds memory access/);
  const h = printIr(l.machine.code(l.addr("h")));
  assert.match(h, /i64\.mul_add_imm/);
  assert.match(h, /i64\.xor_shr_s_imm/);
  const x = -0x123456789abcdefn;
  const want = BigInt.asIntN(
    64,
    (x * 6364136223846793005n + 1442695040888963407n) ^ (x >> 17n),
  );
  assert.deepEqual(l.call("h", x), [want]);
});

Deno.test("lowering: i64.add of a fresh i64.xor stays two ops (no kernel-only fusion)", () => {
  const wat = `(func (export "f") (param i64 i64 i64) (result i64)
    (i64.add (local.get 0) (i64.xor (local.get 1) (local.get 2))))`;
  assert.match(ir(wat), /^0: i64\.xor d\d+ s1 s2\n\d+: i64\.add d0 s0 s\d+$/m);
  const l = load(wat);
  const cases: [bigint, bigint, bigint][] = [
    [1n, 2n, 3n],
    [-1n, 0x7fffffffffffffffn, -0x8000000000000000n],
    [0x123456789abcdefn, -5n, 77n],
  ];
  for (const [a, b, c] of cases) {
    assert.deepEqual(l.call("f", a, b, c), [BigInt.asIntN(64, a + (b ^ c))]);
  }
});

Deno.test("lowering: v128 constants from a Node Buffer (whose slice is a view) lower", async () => {
  const { Buffer } = await import("node:buffer");
  const wat = `(func (export "f") (result i32)
    (i32x4.extract_lane 2 (i8x16.shuffle 0 1 2 3 20 21 22 23 8 9 10 11 12 13 14 15
      (v128.const i32x4 1 2 3 4) (v128.const i32x4 5 6 7 8))))`;
  const bytes = encodeModule(parseModuleText(wat));
  // A buffer whose underlying ArrayBuffer has a length no multiple of 4, as fs.readFileSync's.
  const backing = new ArrayBuffer(
    bytes.length + (bytes.length % 4 === 3 ? 2 : 3 - bytes.length % 4),
  );
  new Uint8Array(backing).set(bytes);
  const buf = Buffer.from(backing, 0, bytes.length);
  const { exports } = instantiate(buf);
  assert.equal((exports.f as () => number)(), 3);
});
