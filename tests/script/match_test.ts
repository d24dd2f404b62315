import assert from "node:assert/strict";
import type { ResultPat, Value } from "../../src/script/ast.ts";
import { matchResult, matchResults } from "../../src/script/match.ts";
import { resultPat } from "../../src/script/parse.ts";
import { readSExprs } from "../../src/text/sexpr.ts";

const pat = (text: string): ResultPat => resultPat(readSExprs(text)[0]);
const i32 = (value: number): Value => ({ type: "i32", value });
const f32 = (bits: number): Value => ({ type: "f32", bits });
const f64 = (bits: bigint): Value => ({ type: "f64", bits });
const v128 = (...bytes: number[]): Value => ({ type: "v128", bytes: new Uint8Array(bytes) });

Deno.test("numbers match bit for bit", () => {
  assert.ok(matchResult(i32(-1), pat("(i32.const 0xffffffff)")));
  assert.ok(!matchResult(i32(1), pat("(i32.const 2)")));
  assert.ok(!matchResult(i32(1), pat("(i64.const 1)")));
  assert.ok(matchResult({ type: "i64", value: -1n }, pat("(i64.const 0xffff_ffff_ffff_ffff)")));
  assert.ok(matchResult(f32(0x80000000), pat("(f32.const -0)")));
  assert.ok(!matchResult(f32(0), pat("(f32.const -0)")));
  assert.ok(matchResult(f64(0x7ff0000000000001n), pat("(f64.const nan:0x1)")));
  assert.ok(!matchResult(f64(0x7ff8000000000000n), pat("(f64.const nan:0x1)")));
});

Deno.test("NaN patterns", () => {
  const canonical = pat("(f32.const nan:canonical)");
  const arithmetic = pat("(f32.const nan:arithmetic)");
  assert.ok(matchResult(f32(0x7fc00000), canonical));
  assert.ok(matchResult(f32(0xffc00000), canonical));
  assert.ok(!matchResult(f32(0x7fc00001), canonical));
  assert.ok(!matchResult(f32(0x7f800001), canonical));
  assert.ok(matchResult(f32(0x7fc00001), arithmetic));
  assert.ok(matchResult(f32(0xffc00000), arithmetic));
  assert.ok(!matchResult(f32(0x7fa00000), arithmetic));
  assert.ok(!matchResult(f64(0x7ff8000000000000n), canonical));
  assert.ok(matchResult(f64(0xfff8000000000000n), pat("(f64.const nan:canonical)")));
  assert.ok(matchResult(f64(0x7ffc000000000000n), pat("(f64.const nan:arithmetic)")));
  assert.ok(!matchResult(f64(0x7ffc000000000000n), pat("(f64.const nan:canonical)")));
});

Deno.test("v128 lanes", () => {
  const ones = v128(...new Array(16).fill(0xff));
  assert.ok(
    matchResult(
      ones,
      pat("(v128.const i8x16 -1 -1 -1 -1 -1 -1 -1 -1 255 255 255 255 -1 -1 -1 -1)"),
    ),
  );
  assert.ok(matchResult(ones, pat("(v128.const i64x2 -1 0xffffffffffffffff)")));
  assert.ok(!matchResult(ones, pat("(v128.const i32x4 -1 -1 -1 0)")));
  const nans = v128(0, 0, 0xc0, 0x7f, 1, 0, 0xc0, 0x7f, 0, 0, 0x80, 0x3f, 0, 0, 0, 0);
  assert.ok(matchResult(nans, pat("(v128.const f32x4 nan:canonical nan:arithmetic 1 0)")));
  assert.ok(!matchResult(nans, pat("(v128.const f32x4 nan:canonical nan:canonical 1 0)")));
  assert.ok(!matchResult(i32(0), pat("(v128.const i32x4 0 0 0 0)")));
});

Deno.test("reference patterns", () => {
  const ref = (r: Value & { type: "ref" }) => r;
  const nul = ref({ type: "ref", ref: { kind: "null", heap: -0x10 } });
  const host1 = ref({ type: "ref", ref: { kind: "host", id: 1 } });
  const ext1 = ref({ type: "ref", ref: { kind: "extern", ref: { kind: "host", id: 1 } } });
  const func = ref({ type: "ref", ref: { kind: "func" } });
  const i31 = ref({ type: "ref", ref: { kind: "i31", value: 5 } });
  const struct = ref({ type: "ref", ref: { kind: "struct" } });
  assert.ok(matchResult(nul, pat("(ref.null)")));
  assert.ok(matchResult(nul, pat("(ref.null any)")));
  assert.ok(!matchResult(func, pat("(ref.null func)")));
  assert.ok(matchResult(host1, pat("(ref.host 1)")));
  assert.ok(!matchResult(host1, pat("(ref.host 2)")));
  assert.ok(!matchResult(host1, pat("(ref.extern 1)")));
  assert.ok(matchResult(ext1, pat("(ref.extern 1)")));
  assert.ok(matchResult(ext1, pat("(ref.extern)")));
  assert.ok(matchResult(func, pat("(ref.func)")));
  assert.ok(!matchResult(func, pat("(ref)")));
  assert.ok(matchResult(i31, pat("(ref)")));
  assert.ok(matchResult(i31, pat("(ref.eq)")));
  assert.ok(matchResult(i31, pat("(ref.i31)")));
  assert.ok(!matchResult(i31, pat("(ref.struct)")));
  assert.ok(matchResult(struct, pat("(ref.eq)")));
  assert.ok(!matchResult(struct, pat("(ref.array)")));
  assert.ok(!matchResult(i32(0), pat("(ref.null)")));
});

Deno.test("either and result lists", () => {
  const p = pat("(either (i32.const 1) (i32.const 2))");
  assert.ok(matchResult(i32(2), p));
  assert.ok(!matchResult(i32(3), p));
  assert.ok(matchResults([i32(1), i32(2)], [pat("(i32.const 1)"), pat("(i32.const 2)")]));
  assert.ok(!matchResults([i32(1)], [pat("(i32.const 1)"), pat("(i32.const 2)")]));
  assert.ok(matchResults([], []));
});
