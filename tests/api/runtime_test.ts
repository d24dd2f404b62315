import assert from "node:assert/strict";
import { encodeModule } from "../../src/binary/encode.ts";
import { parseModuleText } from "../../src/text/parse.ts";
import { Exhaustion, LinkError, Trap } from "../../src/errors.ts";
import {
  compile,
  instantiate,
  Runtime,
  UncaughtWasmException,
  WasmGlobal,
  WasmMemory,
  type WasmTable,
} from "../../src/api/runtime.ts";

type Fn = (...args: unknown[]) => unknown;

Deno.test("api: values convert both ways", () => {
  const { exports } = instantiate(`(module
    (func (export "i32") (param i32) (result i32) local.get 0)
    (func (export "i64") (param i64) (result i64) local.get 0)
    (func (export "f32") (param f32) (result f32) local.get 0)
    (func (export "f64") (param f64) (result f64) local.get 0)
    (func (export "none"))
    (func (export "two") (result i32 i64) i32.const -1 i64.const 2))`);
  assert.equal((exports.i32 as Fn)(0xffffffff), -1);
  assert.equal((exports.i32 as Fn)(5n), 5);
  assert.equal((exports.i64 as Fn)(-(1n << 63n)), -(1n << 63n));
  assert.equal((exports.i64 as Fn)(7), 7n);
  assert.equal((exports.f32 as Fn)(0.1), Math.fround(0.1));
  assert.equal((exports.f64 as Fn)(0.1), 0.1);
  assert.ok(Number.isNaN((exports.f64 as Fn)(NaN)));
  assert.equal((exports.none as Fn)(), undefined);
  assert.deepEqual((exports.two as Fn)(), [-1, 2n]);
  assert.throws(() => (exports.i32 as Fn)(), TypeError);
  assert.throws(() => (exports.i64 as Fn)(1.5), TypeError);
});

Deno.test("api: traps and exceptions", () => {
  const { exports } = instantiate(`(module
    (tag $t (export "t") (param i32))
    (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
    (func (export "throw") (throw $t (i32.const 42))))`);
  assert.throws(
    () => (exports.div as Fn)(1, 0),
    (e) => e instanceof Trap && e.message === "integer divide by zero",
  );
  assert.throws(
    () => (exports.throw as Fn)(),
    (e) => e instanceof UncaughtWasmException && e.values[0] === 42,
  );
});

Deno.test("api: host functions, multiple results, re-entrance", () => {
  const rt = new Runtime();
  let inner: Fn = () => 0;
  const { exports } = rt.instantiate(
    `(module
      (import "env" "pair" (func $pair (param i32) (result i32 i64)))
      (import "env" "back" (func $back (param i32) (result i32)))
      (func (export "sq") (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
      (func (export "sum") (param i32) (result i64) (local i64)
        (call $pair (local.get 0)) (local.set 1) (i64.extend_i32_s) (local.get 1) (i64.add))
      (func (export "viaHost") (param i32) (result i32) (call $back (local.get 0))))`,
    {
      env: {
        pair: (x: number) => [x + 1, 10n],
        back: (x: number) => inner(x),
      },
    },
  );
  inner = exports.sq as Fn;
  assert.equal((exports.sum as Fn)(4), 15n);
  assert.equal((exports.viaHost as Fn)(9), 81);
});

Deno.test("api: an exception thrown through a host function re-enters wasm", () => {
  const rt = new Runtime();
  const a = rt.instantiate(`(module (tag $t (export "t") (param i32))
    (func (export "throw") (param i32) (throw $t (local.get 0))))`);
  const b = rt.instantiate(
    `(module (import "a" "t" (tag $t (param i32)))
      (import "env" "f" (func $f (param i32)))
      (func (export "catch") (param i32) (result i32)
        (block $h (result i32)
          (try_table (catch $t $h) (call $f (local.get 0)))
          (i32.const -1))))`,
    { a: { t: a.exports.t }, env: { f: a.exports.throw as Fn } },
  );
  assert.equal((b.exports.catch as Fn)(5), 5);
});

Deno.test("api: memories, tables, globals", () => {
  const rt = new Runtime();
  const memory = rt.memory({ initial: 1, maximum: 3 });
  const table = rt.table({ element: "externref", initial: 2 });
  const counter = rt.global({ value: "i32", mutable: true }, 5);
  const { exports } = rt.instantiate(
    `(module
      (import "env" "mem" (memory 1))
      (import "env" "tab" (table 2 externref))
      (import "env" "g" (global $g (mut i32)))
      (import "env" "k" (global $k i64))
      (global (export "k2") i64 (global.get $k))
      (func (export "inc") (global.set $g (i32.add (global.get $g) (i32.const 1))))
      (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
      (func (export "grow") (result i32) (memory.grow (i32.const 1)))
      (func (export "get") (param i32) (result externref) (table.get (local.get 0))))`,
    { env: { mem: memory, tab: table, g: counter, k: 77n } },
  );
  new Uint8Array(memory.buffer)[3] = 200;
  assert.equal((exports.load as Fn)(3), 200);
  assert.equal((exports.grow as Fn)(), 1);
  assert.equal(memory.pages, 2);
  assert.equal(new Uint8Array(memory.buffer)[3], 200);
  const host = { any: "object" };
  table.set(1, host);
  assert.equal((exports.get as Fn)(1), host);
  assert.equal((exports.get as Fn)(0), null);
  (exports.inc as Fn)();
  assert.equal(counter.value, 6);
  counter.value = 10;
  (exports.inc as Fn)();
  assert.equal(counter.value, 11);
  assert.ok(exports.k2 instanceof WasmGlobal);
  assert.equal(exports.k2.value, 77n);
  assert.throws(() => (exports.k2 as WasmGlobal).value = 1n, TypeError);
});

Deno.test("api: exported tables hold exported functions", () => {
  const { exports } = instantiate(`(module (table (export "t") 1 funcref)
    (func $f (result i32) i32.const 3) (elem (i32.const 0) $f))`);
  const t = exports.t as WasmTable;
  assert.equal((t.get(0) as Fn)(), 3);
  assert.equal(t.grow(1), 1);
  assert.equal(t.get(1), null);
  assert.throws(() => t.get(2), RangeError);
});

Deno.test("api: link errors", () => {
  assert.throws(
    () => instantiate(`(module (import "env" "f" (func)))`),
    (e) => e instanceof LinkError && e.message.startsWith("unknown import"),
  );
  assert.throws(
    () => instantiate(`(module (import "env" "f" (func)))`, { env: { f: 1 } }),
    (e) => e instanceof LinkError && e.message.startsWith("incompatible import type"),
  );
  const other = new Runtime().memory({ initial: 1 });
  assert.throws(
    () =>
      new Runtime().instantiate(`(module (import "env" "m" (memory 1)))`, { env: { m: other } }),
    LinkError,
  );
  const m = compile(`(module (import "env" "m" (memory 1)) (export "m" (memory 0)))`);
  assert.deepEqual(m.imports, [{ module: "env", name: "m", kind: "memory" }]);
  const inst = instantiate(m, { env: { m: other } });
  assert.ok(inst.exports.m instanceof WasmMemory);
  assert.equal(inst.runtime, other.owner);
});

Deno.test("api: fuel bounds execution", () => {
  const rt = new Runtime({ fuel: 1000 });
  const { exports } = rt.instantiate(`(module (func (export "spin") (loop $l (br $l)))
    (func (export "one") (result i32) i32.const 1))`);
  assert.throws(() => (exports.spin as Fn)(), (e) => e instanceof Exhaustion);
  rt.fuel = 100;
  assert.equal((exports.one as Fn)(), 1);
  assert.ok(rt.fuel < 100);
});

Deno.test("api: v128 crosses as 16 bytes (arguments, results, host calls, globals)", async () => {
  const wat = `(module
    (import "env" "twist" (func $twist (param v128 i32) (result v128)))
    (import "env" "g" (global $g (mut v128)))
    (func (export "f") (param v128 v128) (result v128 i32)
      (global.set $g (i32x4.mul (local.get 0) (local.get 1)))
      (call $twist (i16x8.add (local.get 0) (global.get $g)) (i32.const 3))
      (i8x16.extract_lane_u 5 (local.get 1))))`;
  const seen: Uint8Array[] = [];
  const twist = (v: unknown, n: unknown) => {
    seen.push(v as Uint8Array);
    return (v as Uint8Array).map((x) => x ^ (n as number));
  };
  const rt = new Runtime();
  const g = rt.global({ value: "v128", mutable: true }, new Uint8Array(16));
  const { exports } = rt.instantiate(wat, { env: { twist, g } });
  const a = Uint8Array.from({ length: 16 }, (_, i) => i * 29 + 3);
  const b = Uint8Array.from({ length: 16 }, (_, i) => 250 - i * 7);
  const [r, lane] = (exports.f as Fn)(a, b) as [Uint8Array, number];
  // V8 is the oracle: the same computation (JS can't pass a v128 to V8's exports or host
  // functions, so the vectors go through its memory).
  const v8seen: Uint8Array[] = [];
  const probe = `(module
    (import "env" "twist" (func $twist (param i32) (result i32)))
    (memory (export "mem") 1)
    (global $g (mut v128) (v128.const i64x2 0 0))
    (func $twist16 (param v128 i32) (result v128)
      (v128.store (i32.const 64) (local.get 0)) (drop (call $twist (local.get 1)))
      (v128.load (i32.const 96)))
    (func (export "f")
      (global.set $g (i32x4.mul (v128.load (i32.const 0)) (v128.load (i32.const 16))))
      (v128.store (i32.const 32)
        (call $twist16 (i16x8.add (v128.load (i32.const 0)) (global.get $g)) (i32.const 3)))
      (i32.store (i32.const 48) (i8x16.extract_lane_u 5 (v128.load (i32.const 16))))
      (v128.store (i32.const 128) (global.get $g))))`;
  let mem: Uint8Array = new Uint8Array(0);
  const v8 = await WebAssembly.instantiate(
    new WebAssembly.Module(new Uint8Array(encodeModule(parseModuleText(probe)))),
    {
      env: {
        twist: (n: number) => {
          const v = mem.slice(64, 80);
          v8seen.push(v);
          mem.set(v.map((x) => x ^ n), 96);
          return 0;
        },
      },
    },
  );
  mem = new Uint8Array((v8.exports.mem as WebAssembly.Memory).buffer);
  mem.set(a, 0);
  mem.set(b, 16);
  (v8.exports.f as () => void)();
  assert.deepEqual([...r], [...mem.subarray(32, 48)]);
  assert.equal(lane, mem[48]);
  assert.deepEqual(seen.map((v) => [...v]), v8seen.map((v) => [...v]));
  assert.deepEqual([...(g.value as Uint8Array)], [...mem.subarray(128, 144)]);
  assert.throws(() => (exports.f as Fn)(a, new Uint8Array(15)), TypeError);
});
