import assert from "node:assert/strict";
import { evalConst } from "../../src/runtime/const_eval.ts";
import { allocGlobal, readGlobal, writeGlobal } from "../../src/runtime/global.ts";
import { newStore } from "../../src/runtime/store.ts";
import { parseModuleText } from "../../src/text/parse.ts";
import { validateModule } from "../../src/valid/validate.ts";
import { F64, I32, I64, V128 } from "../../src/syntax/types.ts";

const expr = (...bytes: number[]) => new Uint8Array([...bytes, 0x0b]);

Deno.test("evalConst: constants", () => {
  const store = newStore();
  const ctx = { funcs: new Int32Array([7]), globals: [] };
  assert.equal(evalConst(store, ctx, expr(0x41, 0x7f)), -1);
  assert.equal(evalConst(store, ctx, expr(0x42, 0x7f)), -1n);
  assert.equal(evalConst(store, ctx, expr(0x43, 0, 0, 0xc0, 0x7f)), 0x7fc00000);
  assert.equal(
    evalConst(store, ctx, expr(0x44, 0, 0, 0, 0, 0, 0, 0xf8, 0xff)),
    0xfff8000000000000n,
  );
  assert.equal(evalConst(store, ctx, expr(0xd0, 0x70)), 0);
  assert.equal(evalConst(store, ctx, expr(0xd2, 0)), 7);
});

Deno.test("evalConst: extended constants wrap", () => {
  const store = newStore();
  const ctx = { funcs: new Int32Array(0), globals: [] };
  // i32.const 0x7fffffff i32.const 1 i32.add
  assert.equal(
    evalConst(store, ctx, expr(0x41, 0xff, 0xff, 0xff, 0xff, 0x07, 0x41, 1, 0x6a)),
    -0x80000000,
  );
  // i32.const 3 i32.const 5 i32.sub i32.const 7 i32.mul
  assert.equal(evalConst(store, ctx, expr(0x41, 3, 0x41, 5, 0x6b, 0x41, 7, 0x6c)), -14);
  // i64.const -1 i64.const 1 i64.add
  assert.equal(evalConst(store, ctx, expr(0x42, 0x7f, 0x42, 1, 0x7c)), 0n);
});

Deno.test("evalConst: global.get reads the store", () => {
  const store = newStore();
  const g0 = allocGlobal(store, I32, false, 42);
  const g1 = allocGlobal(store, I64, true, -5n);
  const ctx = { funcs: new Int32Array(0), globals: [g0, g1] };
  assert.equal(evalConst(store, ctx, expr(0x23, 0)), 42);
  assert.equal(evalConst(store, ctx, expr(0x23, 1)), -5n);
  writeGlobal(store, g1, 9n);
  assert.equal(readGlobal(store, g1), 9n);
});

Deno.test("allocGlobal grows the slot buffer, v128 takes two slots", () => {
  const store = newStore();
  const addrs: number[] = [];
  for (let i = 0; i < 300; i++) addrs.push(allocGlobal(store, F64, false, BigInt(i)));
  const v = new Uint8Array(16).map((_, i) => i);
  const gv = allocGlobal(store, V128, false, v);
  assert.equal(store.globalSlotCount, 302);
  assert.equal(readGlobal(store, addrs[299]), 299n);
  assert.deepEqual(readGlobal(store, gv), v);
});

Deno.test("evalConst: GC constants allocate; i31 and the conversions", () => {
  const store = newStore();
  // Type 0 of a module: (array i8); the registry gives its canonical id.
  const m = parseModuleText(`(module (type (array (mut i8))) (type (struct (field i64 i16))))`);
  const types = validateModule(m).types.canon;
  const ctx = { funcs: new Int32Array(0), globals: [], types };
  assert.equal(evalConst(store, ctx, expr(0x41, 1, 0xfb, 0x1c)), 1 | 0x8000_0000);
  assert.equal(evalConst(store, ctx, expr(0x41, 0, 0xfb, 0x1c)), -0x8000_0000); // not null
  assert.equal(evalConst(store, ctx, expr(0xd0, 0x6e, 0xfb, 0x1b)), 0);
  // array.new_fixed 0 2 of 0x1ff (packed) and 7.
  const a = evalConst(store, ctx, expr(0x41, 0xff, 0x03, 0x41, 7, 0xfb, 0x08, 0, 2)) as number;
  assert.deepEqual(store.objects[a], {
    kind: "array",
    type: types[0],
    elems: Int32Array.of(0xff, 7),
  });
  // struct.new 1 of i64 -1 and i16 0x12345.
  const s = evalConst(
    store,
    ctx,
    expr(0x42, 0x7f, 0x41, 0xc5, 0xc6, 0x04, 0xfb, 0x00, 1),
  ) as number;
  assert.deepEqual(store.objects[s], {
    kind: "struct",
    type: types[1],
    fields: [-1, -1, 0x2345],
  });
});
