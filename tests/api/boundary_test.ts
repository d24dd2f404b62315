/**
 * The JS boundary of the embedding API against Deno's own WebAssembly JS API (V8) as the
 * oracle: the same module and the same JS values, on both; where V8 throws a TypeError gab
 * throws one, and where V8 gives a value gab gives the same one. The one documented
 * difference, v128 as a 16-byte Uint8Array, is checked on its own.
 */

import assert from "node:assert/strict";
import { encodeModule } from "../../src/binary/encode.ts";
import { parseModuleText } from "../../src/text/parse.ts";
import { Exhaustion } from "../../src/errors.ts";
import { Runtime, UncaughtWasmException } from "../../src/api/runtime.ts";

type Fn = (...args: unknown[]) => unknown;

/** The binary of a text module, for V8. */
function binary(text: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(encodeModule(parseModuleText(text)));
}

const MODULE = `(module
  (type $t (func (result i32)))
  (func $f (export "f") (type $t) (i32.const 1))
  (func (export "g") (param i32) (result i32) (local.get 0))
  (func (export "refFunc") (param (ref func)) (result i32) (i32.const 7))
  (func (export "funcref") (param funcref) (result funcref) (local.get 0))
  (func (export "refNullT") (param (ref null $t)) (result i32) (i32.const 7))
  (func (export "refT") (param (ref $t)) (result i32) (i32.const 7))
  (func (export "externref") (param externref) (result externref) (local.get 0))
  (func (export "refExtern") (param (ref extern)) (result i32) (i32.const 7))
  (func (export "nullextern") (param nullexternref) (result i32) (i32.const 7))
  (func (export "refNofunc") (param (ref nofunc)) (result i32) (i32.const 7))
  (func (export "exnParam") (param exnref) (result i32) (i32.const 7))
  (func (export "exnResult") (result exnref) (ref.null exn))
  (func (export "retRefFunc") (result (ref func)) (ref.func $f)))`;

/** What a call gives: its value, or the name of the error it throws. */
function outcome(f: () => unknown): { value: unknown } | { error: string } {
  try {
    return { value: f() };
  } catch (e) {
    return { error: (e as Error).name };
  }
}

function pair(): { gab: Record<string, Fn>; v8: Record<string, Fn> } {
  const gab = new Runtime().instantiate(MODULE).exports as Record<string, Fn>;
  const bytes = binary(MODULE);
  const v8 = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as Record<
    string,
    Fn
  >;
  return { gab, v8 };
}

Deno.test("boundary: parameters of reference types take what V8 takes, and refuse the rest", () => {
  const { gab, v8 } = pair();
  const obj = { x: 1 };
  const plain = () => 1;
  // Arguments by export, `F`/`G` standing for each engine's own exported functions f and g.
  const cases: [string, unknown[]][] = [
    ["refFunc", [null, undefined, "F", plain, 5]],
    ["funcref", [null, undefined, "F", plain]],
    ["refNullT", [null, "F", "G"]],
    ["refT", [null, "F", "G"]],
    ["externref", [null, undefined, 5, obj, "s"]],
    ["refExtern", [null, undefined, 0, obj]],
    ["nullextern", [null, undefined, 5]],
    ["refNofunc", [null, "F"]],
    ["exnParam", [null]],
  ];
  let checked = 0;
  for (const [name, args] of cases) {
    for (const a of args) {
      const arg = (e: Record<string, Fn>) => a === "F" ? e.f : a === "G" ? e.g : a;
      const got = outcome(() => gab[name](arg(gab)));
      const want = outcome(() => v8[name](arg(v8)));
      const show = (o: typeof got) =>
        "error" in o ? o.error : o.value === gab.f || o.value === v8.f ? "F" : o.value;
      assert.deepEqual(show(got), show(want), `${name}(${String(a)})`);
      checked++;
    }
  }
  assert.equal(checked, 30);
});

Deno.test("boundary: results of exnref refuse to cross as in V8; non-null results cross", () => {
  const { gab, v8 } = pair();
  assert.deepEqual(outcome(() => gab.exnResult()), outcome(() => v8.exnResult()));
  assert.deepEqual(outcome(() => gab.exnResult()), { error: "TypeError" });
  assert.equal(gab.retRefFunc(), gab.f);
  assert.equal(v8.retRefFunc(), v8.f);
});

Deno.test("boundary: host functions whose values do not cross are not called, as in V8", () => {
  const text = `(module
    (import "m" "exn" (func $exn (param exnref)))
    (import "m" "nonNull" (func $nonNull (result (ref func))))
    (func (export "callExn") (call $exn (ref.null exn)))
    (func (export "callNonNull") (drop (call $nonNull))))`;
  const run = (
    instantiate: (imports: WebAssembly.Imports) => Record<string, Fn>,
  ): [unknown, unknown, boolean] => {
    let called = false;
    const e = instantiate({
      m: {
        exn: () => {
          called = true;
        },
        nonNull: () => null,
      },
    });
    const a = outcome(() => e.callExn());
    const b = outcome(() => e.callNonNull());
    return [a, b, called];
  };
  const rt = new Runtime();
  const got = run((imports) =>
    rt.instantiate(text, imports as never).exports as Record<string, Fn>
  );
  const bytes = binary(text);
  const want = run((imports) =>
    new WebAssembly.Instance(new WebAssembly.Module(bytes), imports).exports as Record<string, Fn>
  );
  assert.deepEqual(got, want);
  assert.deepEqual(got, [{ error: "TypeError" }, { error: "TypeError" }, false]);
});

Deno.test("boundary: v128 crosses as 16 bytes (documented), any other shape is a TypeError", () => {
  const rt = new Runtime();
  const e = rt.instantiate(`(module
    (func (export "id") (param v128) (result v128) (local.get 0)))`).exports as Record<string, Fn>;
  const bytes = new Uint8Array(16).map((_, i) => i);
  assert.deepEqual(e.id(bytes), bytes);
  for (const bad of [new Uint8Array(15), new Uint8Array(17), [1, 2], 5, null]) {
    assert.throws(() => e.id(bad), TypeError);
  }
});

Deno.test("boundary: a global of a non-nullable reference type, created from the host", () => {
  const rt = new Runtime();
  const e = rt.instantiate(`(module (func (export "f") (result i32) (i32.const 3)))`).exports;
  assert.throws(() => rt.global({ value: "(ref func)" }, null), TypeError);
  assert.throws(() => rt.global({ value: "(ref extern)" }, null), TypeError);
  const g = rt.global({ value: "(ref func)", mutable: true }, e.f);
  assert.throws(() => (g.value = null), TypeError);
  const { exports } = rt.instantiate(
    `(module (import "env" "g" (global $g (mut (ref func))))
      (type $t (func (result i32))) (table 1 funcref)
      (func (export "call") (result i32)
        (table.set (i32.const 0) (global.get $g))
        (call_indirect (type $t) (i32.const 0))))`,
    { env: { g } },
  );
  assert.equal((exports.call as () => number)(), 3);
  // A nullable global does not link where a non-nullable one is imported.
  const nullable = rt.global({ value: "funcref", mutable: true }, e.f);
  assert.throws(() =>
    rt.instantiate(`(module (import "env" "g" (global (mut (ref func)))))`, {
      env: { g: nullable },
    })
  );
});

Deno.test("boundary: a host function throws a wasm exception of a host tag, as in V8", () => {
  const text = `(module (import "env" "tag" (tag $t (param i32 i64)))
    (import "env" "fail" (func $fail (param i32)))
    (func (export "run") (param i32) (result i64) (local $x i64)
      (block $h (result i32 i64)
        (try_table (catch $t $h) (call $fail (local.get 0)))
        (return (i64.const -1)))
      (local.set $x)
      (i64.add (i64.extend_i32_s) (local.get $x)))
    (func (export "rethrow") (param i32) (call $fail (local.get 0))))`;
  const rt = new Runtime();
  const tag = rt.tag({ parameters: ["i32", "i64"] });
  const gab = rt.instantiate(text, {
    env: {
      tag,
      fail: (n: unknown) => {
        if (n !== 0) throw rt.exception(tag, [n, 100n]);
      },
    },
  }).exports as Record<string, Fn>;
  // deno-lint-ignore no-explicit-any
  const W = WebAssembly as any;
  const vtag = new W.Tag({ parameters: ["i32", "i64"] });
  const v8 = new WebAssembly.Instance(new WebAssembly.Module(binary(text)), {
    env: {
      tag: vtag,
      fail: (n: number) => {
        if (n !== 0) throw new W.Exception(vtag, [n, 100n]);
      },
    },
  }).exports as Record<string, Fn>;
  assert.equal(gab.run(5), v8.run(5));
  assert.equal(gab.run(5), 105n);
  assert.equal(gab.run(0), v8.run(0));
  // Not caught in wasm: it escapes as the exception, with its tag and values.
  const e = outcome(() => gab.rethrow(9));
  assert.deepEqual(e, { error: "UncaughtWasmException" });
  try {
    gab.rethrow(9);
  } catch (err) {
    assert.ok(err instanceof UncaughtWasmException);
    assert.equal(err.tag.addr, tag.addr);
    assert.deepEqual(err.values, [9, 100n]);
  }
  try {
    v8.rethrow(9);
  } catch (err) {
    // deno-lint-ignore no-explicit-any
    const x = err as any;
    assert.ok(x instanceof W.Exception && x.is(vtag));
    assert.equal(x.getArg(vtag, 0), 9);
  }
  assert.throws(() => rt.exception(tag, [1]), TypeError);
  assert.throws(() => new Runtime().exception(tag, [1, 2n]), TypeError);
});

Deno.test("boundary: recursion through a host function ends in Exhaustion, as wasm recursion", () => {
  const rt = new Runtime();
  let f: Fn = () => 0;
  let depth = 0;
  f = rt.instantiate(
    `(module (import "m" "h" (func $h (param i32) (result i32)))
      (func (export "f") (param i32) (result i32) (call $h (local.get 0))))`,
    { m: { h: (n: unknown) => (depth++, f((n as number) + 1)) } },
  ).exports.f as Fn;
  assert.throws(() => f(0), (e) => e instanceof Exhaustion && e.message === "call stack exhausted");
  assert.ok(depth > 100, `${depth} re-entries`);
  // Plain wasm recursion gives the same error (the oracle for its type and message).
  const r = rt.instantiate(`(module (func $r (export "r") (call $r)))`).exports.r as Fn;
  assert.throws(() => r(), (e) => e instanceof Exhaustion && e.message === "call stack exhausted");
  // The runtime is usable afterwards.
  depth = -1e9;
  assert.equal(
    (rt.instantiate(`(module (func (export "k") (result i32) (i32.const 4)))`).exports
      .k as Fn)(),
    4,
  );
});

const GC_MODULE = `(module
  (type $p (struct (field i32)))
  (type $q (array i8))
  (func (export "mk") (param i32) (result anyref) (struct.new $p (local.get 0)))
  (func (export "mkArr") (result (ref $q)) (array.new_default $q (i32.const 2)))
  (func (export "i31") (param i32) (result i31ref) (ref.i31 (local.get 0)))
  (func $kind (export "kind") (param anyref) (result i32)
    (if (ref.is_null (local.get 0)) (then (return (i32.const 0))))
    (if (ref.test (ref i31) (local.get 0)) (then (return (i32.const 1))))
    (if (ref.test (ref $p) (local.get 0)) (then (return (i32.const 2))))
    (if (ref.test (ref $q) (local.get 0)) (then (return (i32.const 3))))
    (i32.const 4))
  (func (export "get") (param (ref $p)) (result i32) (struct.get $p 0 (local.get 0)))
  (func (export "eq") (param eqref) (result i32) (i32.const 7))
  (func (export "i31v") (param i31ref) (result i32) (i31.get_s (local.get 0)))
  (func (export "ext") (param anyref) (result externref) (extern.convert_any (local.get 0)))
  (func (export "int") (param externref) (result anyref) (any.convert_extern (local.get 0)))
  (func (export "extKind") (param externref) (result i32)
    (call $kind (any.convert_extern (local.get 0)))))`;

Deno.test("boundary: GC values (anyref, i31, structs, arrays) cross as in V8", () => {
  const gab = new Runtime().instantiate(GC_MODULE).exports as Record<string, Fn>;
  const v8 = new WebAssembly.Instance(new WebAssembly.Module(binary(GC_MODULE))).exports as Record<
    string,
    Fn
  >;
  const values = (e: Record<string, Fn>): unknown[] => [
    null,
    0,
    5,
    -5,
    2 ** 30 - 1,
    2 ** 30,
    -(2 ** 30),
    -(2 ** 30) - 1,
    -0,
    1.5,
    "s",
    { x: 1 },
    undefined,
    e.mk(3),
    e.mkArr(),
    e.int("t"),
  ];
  const [gv, vv] = [values(gab), values(v8)];
  let checked = 0;
  for (let i = 0; i < gv.length; i++) {
    for (const name of ["kind", "get", "eq", "i31v", "extKind"]) {
      // A trap is a Trap in gab, a RuntimeError in V8.
      const trap = (o: ReturnType<typeof outcome>) =>
        "error" in o && (o.error === "Trap" || o.error === "RuntimeError") ? "trap" : o;
      const got = outcome(() => gab[name](gv[i])), want = outcome(() => v8[name](vv[i]));
      assert.deepEqual(trap(got), trap(want), `${name}(value ${i})`);
      checked++;
    }
    // Through extern and back: the same value (the same handle for an object).
    const back = (e: Record<string, Fn>, v: unknown) => e.int(e.ext(v));
    assert.equal(back(gab, gv[i]), gv[i], `ext/int value ${i}`);
    assert.equal(back(v8, vv[i]), vv[i]);
    assert.equal(gab.ext(gv[i]), gv[i]);
  }
  assert.equal(checked, 80);
  for (const x of [0, -1, 0x3fff_ffff, 0x4000_0000, 0x7fff_ffff, -0x8000_0000]) {
    assert.equal(gab.i31(x), v8.i31(x), `i31(${x})`);
  }
  assert.equal(gab.get(gab.mk(42)), 42);
  assert.equal(typeof gab.mk(1), typeof v8.mk(1));
});
