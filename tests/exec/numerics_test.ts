/**
 * Tests of src/exec/numerics*.ts: hand-picked edge cases per operator, then the spec
 * testsuite's assertions on every exported function whose body is straight-line code over
 * constants, locals and scalar operators (conversions.wast, i32/i64.wast, f32/f64.wast,
 * *_bitwise.wast, float_misc.wast, int_exprs.wast, float_exprs.wast...), run by a tiny
 * stack evaluator that calls the numerics (and inline JS for the loop's one-liners).
 *
 * @module
 */

import assert from "node:assert/strict";
import * as N from "../../src/exec/numerics.ts";
import { Trap } from "../../src/errors.ts";
import { readInstrs } from "../../src/binary/code.ts";
import { parseModule } from "../../src/text/parse.ts";
import { parseScript } from "../../src/script/parse.ts";
import type { ResultPat, Value } from "../../src/script/ast.ts";
import { OPS } from "../../src/syntax/opcodes.ts";
import { ExternKind, F64, I64 } from "../../src/syntax/types.ts";
import type { Module } from "../../src/syntax/module.ts";

const TESTSUITE = new URL("../../../shared/testsuite/", import.meta.url);

/** Asserts that `f` throws a Trap with exactly `message`. */
function traps(f: () => unknown, message: string): void {
  assert.throws(f, (e: unknown) => e instanceof Trap && e.message === message);
}

const f32 = N.f32FromBits;
const bits32 = N.f32ToBits;
const isNeg0 = (x: number) => x === 0 && 1 / x < 0;
const isPos0 = (x: number) => x === 0 && 1 / x > 0;

// ---------------------------------------------------------------------------------------------
// Hand-picked edge cases.

Deno.test("i32 division and remainder", () => {
  assert.equal(N.i32DivS(7, -2), -3);
  assert.equal(N.i32DivS(-7, 2), -3);
  assert.equal(N.i32DivS(-2147483648, 2), -1073741824);
  assert.equal(N.i32DivS(2147483647, -1), -2147483647);
  traps(() => N.i32DivS(-2147483648, -1), "integer overflow");
  traps(() => N.i32DivS(1, 0), "integer divide by zero");
  assert.equal(N.i32DivU(-1, 2), 0x7fffffff);
  assert.equal(N.i32DivU(-1, 1), -1);
  assert.equal(N.i32DivU(-2147483648, -1), 0);
  traps(() => N.i32DivU(0, 0), "integer divide by zero");
  assert.ok(isPos0(N.i32RemS(-2147483648, -1)));
  assert.equal(N.i32RemS(-7, 2), -1);
  assert.equal(N.i32RemS(7, -2), 1);
  assert.ok(isPos0(N.i32RemS(-4, 2)));
  traps(() => N.i32RemS(1, 0), "integer divide by zero");
  assert.equal(N.i32RemU(-1, 10), 5);
  assert.equal(N.i32RemU(5, -1), 5);
  traps(() => N.i32RemU(1, 0), "integer divide by zero");
});

Deno.test("i32 bit counts, rotations, sign extensions", () => {
  assert.equal(N.i32Clz(0), 32);
  assert.equal(N.i32Clz(-1), 0);
  assert.equal(N.i32Clz(1), 31);
  assert.equal(N.i32Ctz(0), 32);
  assert.equal(N.i32Ctz(-2147483648), 31);
  assert.equal(N.i32Ctz(0x00008000), 15);
  assert.equal(N.i32Popcnt(0), 0);
  assert.equal(N.i32Popcnt(-1), 32);
  assert.equal(N.i32Popcnt(0x55555555), 16);
  assert.equal(N.i32Popcnt(-2147483648), 1);
  assert.equal(N.i32Rotl(0xfe000dc, 4), 0xfe000dc0 | 0);
  assert.equal(N.i32Rotl(0xabcd9876 | 0, 0), 0xabcd9876 | 0);
  assert.equal(N.i32Rotl(1, 32), 1);
  assert.equal(N.i32Rotl(1, -1), -2147483648);
  assert.equal(N.i32Rotr(1, 1), -2147483648);
  assert.equal(N.i32Rotr(0xb0c1d2e3 | 0, 0x0005), 0x1d860e97);
  assert.equal(N.i32Rotr(-1, 17), -1);
  assert.equal(N.i32Extend8S(0x80), -128);
  assert.equal(N.i32Extend8S(0x7f), 127);
  assert.equal(N.i32Extend16S(0x8000), -32768);
  assert.equal(N.i32Extend16S(0x12347fff), 32767);
});

const MIN64 = -0x8000000000000000n;
const MAX64 = 0x7fffffffffffffffn;

Deno.test("i64 division and remainder", () => {
  assert.equal(N.i64DivS(7n, -2n), -3n);
  assert.equal(N.i64DivS(MIN64, 2n), -0x4000000000000000n);
  assert.equal(N.i64DivS(MAX64, -1n), -MAX64);
  traps(() => N.i64DivS(MIN64, -1n), "integer overflow");
  traps(() => N.i64DivS(1n, 0n), "integer divide by zero");
  assert.equal(N.i64DivU(-1n, 2n), MAX64);
  assert.equal(N.i64DivU(-1n, 1n), -1n);
  assert.equal(N.i64DivU(MIN64, -1n), 0n);
  assert.equal(N.i64DivU(-2n, -1n), 0n);
  assert.equal(N.i64DivU(-1n, -2n), 1n);
  traps(() => N.i64DivU(0n, 0n), "integer divide by zero");
  assert.equal(N.i64RemS(MIN64, -1n), 0n);
  assert.equal(N.i64RemS(-7n, 2n), -1n);
  traps(() => N.i64RemS(1n, 0n), "integer divide by zero");
  assert.equal(N.i64RemU(-1n, 10n), 5n);
  assert.equal(N.i64RemU(5n, -1n), 5n);
  assert.equal(N.i64RemU(MIN64, -1n), MIN64);
  traps(() => N.i64RemU(1n, 0n), "integer divide by zero");
});

Deno.test("i64 bit counts, shifts, rotations, comparisons, extensions", () => {
  assert.equal(N.i64Clz(0n), 64n);
  assert.equal(N.i64Clz(-1n), 0n);
  assert.equal(N.i64Clz(1n), 63n);
  assert.equal(N.i64Clz(0x100000000n), 31n);
  assert.equal(N.i64Ctz(0n), 64n);
  assert.equal(N.i64Ctz(MIN64), 63n);
  assert.equal(N.i64Ctz(0x100000000n), 32n);
  assert.equal(N.i64Popcnt(-1n), 64n);
  assert.equal(N.i64Popcnt(MIN64 + 1n), 2n);
  assert.equal(N.i64ClzWords(0, 0), 64);
  assert.equal(N.i64CtzWords(0, 0), 64);
  assert.equal(N.i64PopcntWords(-1, -1), 64);
  assert.equal(N.i64Shl(1n, 63n), MIN64);
  assert.equal(N.i64Shl(1n, 64n), 1n);
  assert.equal(N.i64Shl(-1n, -1n), MIN64);
  assert.equal(N.i64ShrS(MIN64, 63n), -1n);
  assert.equal(N.i64ShrS(-1n, 65n), -1n);
  assert.equal(N.i64ShrU(MIN64, 63n), 1n);
  assert.equal(N.i64ShrU(-1n, 64n), -1n);
  assert.equal(N.i64ShrU(-1n, 1n), MAX64);
  assert.equal(N.i64Rotl(1n, 63n), MIN64);
  assert.equal(N.i64Rotl(MIN64, 1n), 1n);
  assert.equal(N.i64Rotl(-1n, 1n), -1n);
  assert.equal(
    N.i64Rotl(0xabd1234ef567809cn - (1n << 64n), 0x800000000000003fn - (1n << 64n)),
    0x55e891a77ab3c04en,
  );
  assert.equal(N.i64Rotr(1n, 1n), MIN64);
  assert.equal(N.i64Rotr(1n, 0n), 1n);
  assert.equal(N.i64Rotr(-1n, 1n), -1n);
  assert.equal(N.i64LtU(0n, -1n), 1);
  assert.equal(N.i64LtU(-1n, 0n), 0);
  assert.equal(N.i64LtU(-2n, -1n), 1);
  assert.equal(N.i64LtU(MAX64, MIN64), 1);
  assert.equal(N.i64GtU(MIN64, MAX64), 1);
  assert.equal(N.i64GtU(1n, 1n), 0);
  assert.equal(N.i64LeU(1n, 1n), 1);
  assert.equal(N.i64LeU(-1n, 1n), 0);
  assert.equal(N.i64GeU(-1n, 1n), 1);
  assert.equal(N.i64GeU(0n, MIN64), 0);
  assert.equal(N.i64Extend8S(0x80n), -128n);
  assert.equal(N.i64Extend16S(0xffffn), -1n);
  assert.equal(N.i64Extend32S(0x80000000n), -0x80000000n);
  assert.equal(N.i64Extend32S(0x7fffffffn), 0x7fffffffn);
  assert.equal(N.i64Extend32S(-0x100000000n), 0n);
});

Deno.test("float sign operators on bits keep NaN payloads", () => {
  assert.equal(N.f32Abs(0xffa00001), 0x7fa00001);
  assert.equal(N.f32Abs(0x80000000 | 0), 0);
  assert.equal(N.f32Neg(0x7fa00001), 0xffa00001);
  assert.equal(N.f32Neg(0), 0x80000000);
  assert.equal(N.f32Copysign(0x7fa00001, 0x80000000), 0xffa00001);
  assert.equal(N.f32Copysign(0xffa00001 | 0, 0), 0x7fa00001);
  assert.equal(N.f64Abs(0xfff0000000000001n), 0x7ff0000000000001n);
  assert.equal(N.f64Neg(0x7ff0000000000001n), 0xfff0000000000001n);
  assert.equal(N.f64Neg(0x8000000000000000n), 0n);
  assert.equal(N.f64Copysign(0x7ff4000000000001n, 0x8000000000000000n), 0xfff4000000000001n);
  assert.equal(N.f64AbsHi(0xfff00000 | 0), 0x7ff00000);
  assert.equal(N.f64NegHi(0x7ff00000), 0xfff00000 | 0);
  assert.equal(N.f64CopysignHi(0x7ff00000, -1), 0xfff00000 | 0);
  assert.equal(N.f64CopysignHi(-1, 0), 0x7fffffff);
});

Deno.test("float min, max, rounding", () => {
  assert.ok(isNeg0(N.fMin(0, -0)) && isNeg0(N.fMin(-0, 0)));
  assert.ok(isPos0(N.fMax(0, -0)) && isPos0(N.fMax(-0, 0)));
  assert.ok(Number.isNaN(N.fMin(NaN, -Infinity)) && Number.isNaN(N.fMax(Infinity, NaN)));
  assert.equal(N.fNearest(0.5), 0);
  assert.equal(N.fNearest(1.5), 2);
  assert.equal(N.fNearest(2.5), 2);
  assert.equal(N.fNearest(-1.5), -2);
  assert.equal(N.fNearest(-2.5), -2);
  assert.ok(isNeg0(N.fNearest(-0.5)) && isNeg0(N.fNearest(-0)) && isNeg0(N.fNearest(-0.25)));
  assert.equal(N.fNearest(0.49999999999999994), 0);
  assert.equal(N.fNearest(4503599627370495.5), 4503599627370496);
  assert.equal(N.fNearest(-4503599627370495.5), -4503599627370496);
  assert.equal(N.fNearest(4503599627370497), 4503599627370497);
  assert.equal(N.fNearest(f32(0x4afffffd)), 8388606); // 8388606.5: tie to even
  assert.equal(N.fNearest(8388607.5), 8388608);
  assert.equal(N.fNearest(-Infinity), -Infinity);
  assert.ok(Number.isNaN(N.fNearest(NaN)));
  assert.ok(isNeg0(N.fCeil(-0.5)) && isNeg0(N.fTrunc(-0.9)) && isNeg0(N.fFloor(-0)));
  assert.equal(N.fFloor(-0.5), -1);
  assert.ok(isNeg0(N.f64Sqrt(-0)) && Number.isNaN(N.f64Sqrt(-1)));
  assert.ok(isNeg0(N.f32Sqrt(-0)));
  assert.equal(N.f32Sqrt(2), Math.fround(Math.SQRT2));
  assert.equal(N.f32Add(f32(0x3f800000), f32(0x33800000)), 1); // 1 + 2^-24 ties to even
  assert.equal(bits32(N.f32Add(f32(0x3f800000), f32(0x33800001))), 0x3f800001);
  assert.equal(N.f32Mul(3.4028234663852886e38, 2), Infinity);
  assert.equal(N.f32Div(1, 3), Math.fround(1 / 3));
  assert.ok(isNeg0(N.f32Sub(-0, 0)));
});

Deno.test("NaN results stay canonical once V8 optimizes the operators", () => {
  // Optimized code may differ from the interpreter's (V8's optimized Math.min returned an
  // all-ones NaN): run hot enough to tier up, checking every NaN result's bits.
  const nans = [NaN, f64(0x7ff8000000000000n), f64(0xfff8000000000000n)];
  const others = [-0.5, 0, -0, 1.5, Infinity, -Infinity, 3e38];
  const canonical64 = (x: number) => (bits64(x) & 0x7fffffffffffffffn) === 0x7ff8000000000000n;
  const canonical32 = (x: number) => (bits32(x) & 0x7fffffff) === 0x7fc00000;
  for (let k = 0; k < 30000; k++) {
    const n = nans[k % 3];
    const o = others[k % 7];
    for (const r of [N.fMin(o, n), N.fMin(n, o), N.fMax(o, n), N.fMax(n, o)]) {
      assert.ok(canonical64(r) && canonical32(r), `min/max ${k}`);
    }
    for (const r of [N.fNearest(n), N.fCeil(n), N.fFloor(n), N.fTrunc(n), N.f64Sqrt(n)]) {
      assert.ok(canonical64(r), `rounding ${k}`);
    }
    for (const r of [N.f32Add(o, n), N.f32Mul(n, o), N.f32Sqrt(n), N.f32DemoteF64(n)]) {
      assert.ok(canonical32(r), `f32 ${k}`);
    }
    assert.ok(canonical32(N.f32Sub(Infinity, Infinity)) && canonical32(N.f32Div(0, 0)));
  }
});

Deno.test("float bits <-> values", () => {
  assert.equal(N.f32ToBits(1), 0x3f800000);
  assert.equal(N.f32ToBits(-0), 0x80000000);
  assert.equal(N.f32FromBits(0x7f800000), Infinity);
  assert.equal(N.f64ToBits(-2), 0xc000000000000000n);
  // Quiet NaN payloads survive a JS number; signalling ones may be quieted (see f64FromBits).
  const snan = N.f64ToBits(N.f64FromBits(0x7ff0000000000001n));
  assert.ok(snan === 0x7ff0000000000001n || snan === 0x7ff8000000000001n);
  assert.equal(N.f64ToBits(N.f64FromBits(0xfff8000000000123n)), 0xfff8000000000123n);
});

Deno.test("trapping truncations: exact boundaries", () => {
  assert.equal(N.i32TruncS(-2147483648.9), -2147483648);
  assert.equal(N.i32TruncS(2147483647.9), 2147483647);
  assert.ok(isPos0(N.i32TruncS(-0.9)));
  traps(() => N.i32TruncS(-2147483649), "integer overflow");
  traps(() => N.i32TruncS(f32(0xcf000001)), "integer overflow"); // -2147483904
  traps(() => N.i32TruncS(2147483648), "integer overflow");
  traps(() => N.i32TruncS(NaN), "invalid conversion to integer");
  traps(() => N.i32TruncS(-Infinity), "integer overflow");
  assert.equal(N.i32TruncU(4294967295.9), -1);
  assert.equal(N.i32TruncU(2147483648), -2147483648);
  assert.ok(isPos0(N.i32TruncU(-0.9)));
  traps(() => N.i32TruncU(-1), "integer overflow");
  traps(() => N.i32TruncU(4294967296), "integer overflow");
  traps(() => N.i32TruncU(NaN), "invalid conversion to integer");
  assert.equal(N.i64TruncS(-9223372036854775808), MIN64);
  assert.equal(N.i64TruncS(9223372036854774784), 0x7ffffffffffffc00n);
  assert.equal(N.i64TruncS(-0.5), 0n);
  traps(() => N.i64TruncS(9223372036854775808), "integer overflow");
  traps(() => N.i64TruncS(-9223372036854777856), "integer overflow");
  traps(() => N.i64TruncS(NaN), "invalid conversion to integer");
  assert.equal(N.i64TruncU(18446744073709549568), -2048n);
  assert.equal(N.i64TruncU(9223372036854775808), MIN64);
  assert.equal(N.i64TruncU(-0.99), 0n);
  traps(() => N.i64TruncU(18446744073709551616), "integer overflow");
  traps(() => N.i64TruncU(-1), "integer overflow");
  traps(() => N.i64TruncU(Infinity), "integer overflow");
  traps(() => N.i64TruncU(NaN), "invalid conversion to integer");
});

Deno.test("saturating truncations", () => {
  assert.equal(N.i32TruncSatS(NaN), 0);
  assert.equal(N.i32TruncSatS(-Infinity), -2147483648);
  assert.equal(N.i32TruncSatS(2147483647.5), 2147483647);
  assert.equal(N.i32TruncSatS(-2147483648.5), -2147483648);
  assert.ok(isPos0(N.i32TruncSatS(-0.5)));
  assert.equal(N.i32TruncSatU(NaN), 0);
  assert.equal(N.i32TruncSatU(-Infinity), 0);
  assert.ok(isPos0(N.i32TruncSatU(-0.5)));
  assert.equal(N.i32TruncSatU(4294967295.5), -1);
  assert.equal(N.i32TruncSatU(Infinity), -1);
  assert.equal(N.i32TruncSatU(3000000000.7), 3000000000 | 0);
  assert.equal(N.i64TruncSatS(NaN), 0n);
  assert.equal(N.i64TruncSatS(1e300), MAX64);
  assert.equal(N.i64TruncSatS(-1e300), MIN64);
  assert.equal(N.i64TruncSatS(-1.5), -1n);
  assert.equal(N.i64TruncSatU(NaN), 0n);
  assert.equal(N.i64TruncSatU(-1e300), 0n);
  assert.equal(N.i64TruncSatU(0.99), 0n);
  assert.equal(N.i64TruncSatU(1e300), -1n);
  assert.equal(N.i64TruncSatU(18446744073709549568), -2048n);
  assert.equal(N.i64TruncSatU(1.5), 1n);
});

/** f32 rounding of an integer by exact reference: nearest of the two neighbouring f32s. */
function refF32OfBigint(a: bigint): number {
  const neg = a < 0n;
  const u = neg ? -a : a;
  const n = u.toString(2).length;
  if (n <= 24) return neg ? -Number(u) : Number(u);
  const shift = BigInt(n - 24);
  let m = u >> shift;
  const rest = u - (m << shift);
  const half = 1n << (shift - 1n);
  if (rest > half || (rest === half && (m & 1n) === 1n)) m += 1n;
  const r = Number(m) * 2 ** Number(shift);
  return neg ? -r : r;
}

Deno.test("integer to float conversions round once, to nearest even", () => {
  assert.equal(N.f32ConvertI32S(16777217), 16777216);
  assert.equal(N.f32ConvertI32S(16777219), 16777220);
  assert.equal(N.f32ConvertI32S(-2147483648), -2147483648);
  assert.equal(N.f32ConvertI32U(-1), 4294967296);
  assert.equal(N.f64ConvertI32U(-1), 4294967295);
  assert.equal(N.f64ConvertI32S(-1), -1);
  assert.equal(N.f64ConvertI64S(9007199254740993n), 9007199254740992);
  assert.equal(N.f64ConvertI64S(9007199254740995n), 9007199254740996);
  assert.equal(N.f64ConvertI64U(-1n), 18446744073709551616);
  assert.equal(N.f64ConvertI64U(-0x400n + 1n), 18446744073709551616); // nearer 2^64
  assert.equal(N.f64ConvertI64U(MIN64 + 0x401n), 9223372036854777856);
  // The double-rounding traps: 2^24 + 1 + 2^-k scaled up, where rounding via f64 goes wrong.
  assert.equal(N.f32ConvertI64S(0x20000020000001n), 9007200328482816); // via f64: 9007199254740992
  assert.equal(N.f32ConvertI64S(-0x20000020000001n), -9007200328482816);
  assert.equal(N.f32ConvertI64U(0x8000008000000001n), 9223373136366403584);
  assert.equal(N.f32ConvertI64U(0xfffffe8000000001n - (1n << 64n)), 18446742974197923840);
  assert.equal(N.f32ConvertI64U(-1n), 18446744073709551616);
  assert.equal(N.f32ConvertI64S(MIN64), -9223372036854775808);
  assert.equal(N.f32ConvertI64S(MAX64), 9223372036854775808);
  // Against an exact reference on random and structured values.
  let seed = 12345;
  const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) | 0) >>> 0;
  for (let i = 0; i < 3000; i++) {
    const width = BigInt(1 + (rnd() % 64));
    let v = (BigInt(rnd()) << 32n) | BigInt(rnd());
    v &= (1n << width) - 1n;
    if (i % 3 === 0) v |= 1n; // sticky bits that matter
    if (i % 5 === 0) v = ((v >> 40n) << 40n) | (1n << 39n); // exact ties for wide values
    const s = BigInt.asIntN(64, v);
    assert.equal(N.f32ConvertI64S(s), refF32OfBigint(s), `s ${s}`);
    assert.equal(N.f32ConvertI64U(s), refF32OfBigint(BigInt.asUintN(64, v)), `u ${v}`);
  }
});

Deno.test("width changes, demote, promote", () => {
  assert.equal(N.i32WrapI64(0x1_8000_0000n), -2147483648);
  assert.equal(N.i32WrapI64(-1n), -1);
  assert.equal(N.i64ExtendI32S(-1), -1n);
  assert.equal(N.i64ExtendI32U(-1), 0xffffffffn);
  assert.equal(N.f32DemoteF64(1 + 2 ** -24), 1);
  assert.equal(N.f32DemoteF64(3.4028235677973366e38), Infinity);
  assert.ok(isNeg0(N.f32DemoteF64(-1e-300)));
  assert.equal(N.f64PromoteF32(f32(0x3dcccccd)), 0.10000000149011612);
});

// ---------------------------------------------------------------------------------------------
// The testsuite, through a straight-line stack evaluator.

/** A raw value: i32 signed number, i64 signed bigint, f32 bits (number), f64 bits (bigint). */
type Raw = number | bigint;
type Op = (...args: Raw[]) => Raw;

const f64 = N.f64FromBits;
const bits64 = N.f64ToBits;
const i = (x: Raw) => x as number;
const l = (x: Raw) => x as bigint;
const b = (c: boolean) => c ? 1 : 0;
const u32 = (x: Raw) => (x as number) >>> 0;
const wrap64 = (x: bigint) => BigInt.asIntN(64, x);

/** Operator implementations by name: the numerics, plus inline one-liners of the loop. */
const IMPL: Record<string, Op> = {
  "i32.eqz": (a) => b(a === 0),
  "i32.eq": (x, y) => b(x === y),
  "i32.ne": (x, y) => b(x !== y),
  "i32.lt_s": (x, y) => b(x < y),
  "i32.lt_u": (x, y) => b(u32(x) < u32(y)),
  "i32.gt_s": (x, y) => b(x > y),
  "i32.gt_u": (x, y) => b(u32(x) > u32(y)),
  "i32.le_s": (x, y) => b(x <= y),
  "i32.le_u": (x, y) => b(u32(x) <= u32(y)),
  "i32.ge_s": (x, y) => b(x >= y),
  "i32.ge_u": (x, y) => b(u32(x) >= u32(y)),
  "i32.add": (x, y) => (i(x) + i(y)) | 0,
  "i32.sub": (x, y) => (i(x) - i(y)) | 0,
  "i32.mul": (x, y) => Math.imul(i(x), i(y)),
  "i32.and": (x, y) => i(x) & i(y),
  "i32.or": (x, y) => i(x) | i(y),
  "i32.xor": (x, y) => i(x) ^ i(y),
  "i32.shl": (x, y) => i(x) << i(y),
  "i32.shr_s": (x, y) => i(x) >> i(y),
  "i32.shr_u": (x, y) => (i(x) >>> i(y)) | 0,
  "i32.div_s": (x, y) => N.i32DivS(i(x), i(y)),
  "i32.div_u": (x, y) => N.i32DivU(i(x), i(y)),
  "i32.rem_s": (x, y) => N.i32RemS(i(x), i(y)),
  "i32.rem_u": (x, y) => N.i32RemU(i(x), i(y)),
  "i32.clz": (x) => N.i32Clz(i(x)),
  "i32.ctz": (x) => N.i32Ctz(i(x)),
  "i32.popcnt": (x) => N.i32Popcnt(i(x)),
  "i32.rotl": (x, y) => N.i32Rotl(i(x), i(y)),
  "i32.rotr": (x, y) => N.i32Rotr(i(x), i(y)),
  "i32.extend8_s": (x) => N.i32Extend8S(i(x)),
  "i32.extend16_s": (x) => N.i32Extend16S(i(x)),
  "i64.eqz": (a) => b(a === 0n),
  "i64.eq": (x, y) => b(x === y),
  "i64.ne": (x, y) => b(x !== y),
  "i64.lt_s": (x, y) => b(x < y),
  "i64.gt_s": (x, y) => b(x > y),
  "i64.le_s": (x, y) => b(x <= y),
  "i64.ge_s": (x, y) => b(x >= y),
  "i64.lt_u": (x, y) => N.i64LtU(l(x), l(y)),
  "i64.gt_u": (x, y) => N.i64GtU(l(x), l(y)),
  "i64.le_u": (x, y) => N.i64LeU(l(x), l(y)),
  "i64.ge_u": (x, y) => N.i64GeU(l(x), l(y)),
  "i64.add": (x, y) => wrap64(l(x) + l(y)),
  "i64.sub": (x, y) => wrap64(l(x) - l(y)),
  "i64.mul": (x, y) => wrap64(l(x) * l(y)),
  "i64.and": (x, y) => l(x) & l(y),
  "i64.or": (x, y) => l(x) | l(y),
  "i64.xor": (x, y) => l(x) ^ l(y),
  "i64.shl": (x, y) => N.i64Shl(l(x), l(y)),
  "i64.shr_s": (x, y) => N.i64ShrS(l(x), l(y)),
  "i64.shr_u": (x, y) => N.i64ShrU(l(x), l(y)),
  "i64.rotl": (x, y) => N.i64Rotl(l(x), l(y)),
  "i64.rotr": (x, y) => N.i64Rotr(l(x), l(y)),
  "i64.div_s": (x, y) => N.i64DivS(l(x), l(y)),
  "i64.div_u": (x, y) => N.i64DivU(l(x), l(y)),
  "i64.rem_s": (x, y) => N.i64RemS(l(x), l(y)),
  "i64.rem_u": (x, y) => N.i64RemU(l(x), l(y)),
  "i64.clz": (x) => N.i64Clz(l(x)),
  "i64.ctz": (x) => N.i64Ctz(l(x)),
  "i64.popcnt": (x) => N.i64Popcnt(l(x)),
  "i64.extend8_s": (x) => N.i64Extend8S(l(x)),
  "i64.extend16_s": (x) => N.i64Extend16S(l(x)),
  "i64.extend32_s": (x) => N.i64Extend32S(l(x)),
  "f32.eq": (x, y) => b(f32(i(x)) === f32(i(y))),
  "f32.ne": (x, y) => b(f32(i(x)) !== f32(i(y))),
  "f32.lt": (x, y) => b(f32(i(x)) < f32(i(y))),
  "f32.gt": (x, y) => b(f32(i(x)) > f32(i(y))),
  "f32.le": (x, y) => b(f32(i(x)) <= f32(i(y))),
  "f32.ge": (x, y) => b(f32(i(x)) >= f32(i(y))),
  "f32.abs": (x) => N.f32Abs(i(x)),
  "f32.neg": (x) => N.f32Neg(i(x)),
  "f32.copysign": (x, y) => N.f32Copysign(i(x), i(y)),
  "f32.ceil": (x) => bits32(N.fCeil(f32(i(x)))),
  "f32.floor": (x) => bits32(N.fFloor(f32(i(x)))),
  "f32.trunc": (x) => bits32(N.fTrunc(f32(i(x)))),
  "f32.nearest": (x) => bits32(N.fNearest(f32(i(x)))),
  "f32.sqrt": (x) => bits32(N.f32Sqrt(f32(i(x)))),
  "f32.add": (x, y) => bits32(N.f32Add(f32(i(x)), f32(i(y)))),
  "f32.sub": (x, y) => bits32(N.f32Sub(f32(i(x)), f32(i(y)))),
  "f32.mul": (x, y) => bits32(N.f32Mul(f32(i(x)), f32(i(y)))),
  "f32.div": (x, y) => bits32(N.f32Div(f32(i(x)), f32(i(y)))),
  "f32.min": (x, y) => bits32(N.fMin(f32(i(x)), f32(i(y)))),
  "f32.max": (x, y) => bits32(N.fMax(f32(i(x)), f32(i(y)))),
  "f64.eq": (x, y) => b(f64(l(x)) === f64(l(y))),
  "f64.ne": (x, y) => b(f64(l(x)) !== f64(l(y))),
  "f64.lt": (x, y) => b(f64(l(x)) < f64(l(y))),
  "f64.gt": (x, y) => b(f64(l(x)) > f64(l(y))),
  "f64.le": (x, y) => b(f64(l(x)) <= f64(l(y))),
  "f64.ge": (x, y) => b(f64(l(x)) >= f64(l(y))),
  "f64.abs": (x) => N.f64Abs(l(x)),
  "f64.neg": (x) => N.f64Neg(l(x)),
  "f64.copysign": (x, y) => N.f64Copysign(l(x), l(y)),
  "f64.ceil": (x) => bits64(N.fCeil(f64(l(x)))),
  "f64.floor": (x) => bits64(N.fFloor(f64(l(x)))),
  "f64.trunc": (x) => bits64(N.fTrunc(f64(l(x)))),
  "f64.nearest": (x) => bits64(N.fNearest(f64(l(x)))),
  "f64.sqrt": (x) => bits64(N.f64Sqrt(f64(l(x)))),
  "f64.add": (x, y) => bits64(f64(l(x)) + f64(l(y))),
  "f64.sub": (x, y) => bits64(f64(l(x)) - f64(l(y))),
  "f64.mul": (x, y) => bits64(f64(l(x)) * f64(l(y))),
  "f64.div": (x, y) => bits64(f64(l(x)) / f64(l(y))),
  "f64.min": (x, y) => bits64(N.fMin(f64(l(x)), f64(l(y)))),
  "f64.max": (x, y) => bits64(N.fMax(f64(l(x)), f64(l(y)))),
  "i32.wrap_i64": (x) => N.i32WrapI64(l(x)),
  "i32.trunc_f32_s": (x) => N.i32TruncS(f32(i(x))),
  "i32.trunc_f32_u": (x) => N.i32TruncU(f32(i(x))),
  "i32.trunc_f64_s": (x) => N.i32TruncS(f64(l(x))),
  "i32.trunc_f64_u": (x) => N.i32TruncU(f64(l(x))),
  "i64.extend_i32_s": (x) => N.i64ExtendI32S(i(x)),
  "i64.extend_i32_u": (x) => N.i64ExtendI32U(i(x)),
  "i64.trunc_f32_s": (x) => N.i64TruncS(f32(i(x))),
  "i64.trunc_f32_u": (x) => N.i64TruncU(f32(i(x))),
  "i64.trunc_f64_s": (x) => N.i64TruncS(f64(l(x))),
  "i64.trunc_f64_u": (x) => N.i64TruncU(f64(l(x))),
  "i32.trunc_sat_f32_s": (x) => N.i32TruncSatS(f32(i(x))),
  "i32.trunc_sat_f32_u": (x) => N.i32TruncSatU(f32(i(x))),
  "i32.trunc_sat_f64_s": (x) => N.i32TruncSatS(f64(l(x))),
  "i32.trunc_sat_f64_u": (x) => N.i32TruncSatU(f64(l(x))),
  "i64.trunc_sat_f32_s": (x) => N.i64TruncSatS(f32(i(x))),
  "i64.trunc_sat_f32_u": (x) => N.i64TruncSatU(f32(i(x))),
  "i64.trunc_sat_f64_s": (x) => N.i64TruncSatS(f64(l(x))),
  "i64.trunc_sat_f64_u": (x) => N.i64TruncSatU(f64(l(x))),
  "f32.convert_i32_s": (x) => bits32(N.f32ConvertI32S(i(x))),
  "f32.convert_i32_u": (x) => bits32(N.f32ConvertI32U(i(x))),
  "f32.convert_i64_s": (x) => bits32(N.f32ConvertI64S(l(x))),
  "f32.convert_i64_u": (x) => bits32(N.f32ConvertI64U(l(x))),
  "f32.demote_f64": (x) => bits32(N.f32DemoteF64(f64(l(x)))),
  "f64.convert_i32_s": (x) => bits64(N.f64ConvertI32S(i(x))),
  "f64.convert_i32_u": (x) => bits64(N.f64ConvertI32U(i(x))),
  "f64.convert_i64_s": (x) => bits64(N.f64ConvertI64S(l(x))),
  "f64.convert_i64_u": (x) => bits64(N.f64ConvertI64U(l(x))),
  "f64.promote_f32": (x) => bits64(N.f64PromoteF32(f32(i(x)))),
  "i32.reinterpret_f32": (x) => i(x) | 0,
  "i64.reinterpret_f64": (x) => BigInt.asIntN(64, l(x)),
  "f32.reinterpret_i32": (x) => i(x) >>> 0,
  "f64.reinterpret_i64": (x) => BigInt.asUintN(64, l(x)),
};

/** A straight-line function: its instructions as closures over the stack and locals. */
type Body = { locals: Raw[]; steps: ((stack: Raw[], locals: Raw[]) => void)[] };

/** Compiles a function body if it is straight-line code over what IMPL knows, else null. */
function compileBody(m: Module, funcIndex: number): Body | null {
  const func = m.funcs[funcIndex];
  if (func === undefined) return null;
  const locals: Raw[] = [];
  for (const run of func.locals) {
    const zero = run.type === I64 || run.type === F64 ? 0n : 0;
    for (let k = 0; k < run.count; k++) locals.push(zero);
  }
  const steps: Body["steps"] = [];
  const instrs = readInstrs(func.body);
  for (let k = 0; k < instrs.length - 1; k++) {
    const ins = instrs[k];
    const name = OPS[ins.op].name;
    const ix = ins.index ?? 0;
    if (name === "local.get") steps.push((s, ls) => s.push(ls[ix]));
    else if (name === "local.set") steps.push((s, ls) => (ls[ix] = s.pop()!));
    else if (name === "local.tee") steps.push((s, ls) => (ls[ix] = s[s.length - 1]));
    else if (name === "drop") steps.push((s) => s.pop());
    else if (name === "i32.const" || name === "f32.const") {
      const v = name === "f32.const" ? ins.value! >>> 0 : ins.value! | 0;
      steps.push((s) => s.push(v));
    } else if (name === "i64.const" || name === "f64.const") {
      const v = ins.value64!;
      steps.push((s) => s.push(v));
    } else {
      const impl = IMPL[name];
      if (impl === undefined) return null;
      const arity = OPS[ins.op].params!.length;
      steps.push((s) => s.push(impl(...s.splice(s.length - arity, arity))));
    }
  }
  return { locals, steps };
}

/** Runs a compiled body on arguments; returns the stack. */
function runBody(body: Body, args: Raw[]): Raw[] {
  const locals = [...args, ...body.locals];
  const stack: Raw[] = [];
  for (const step of body.steps) step(stack, locals);
  return stack;
}

function rawOf(v: Value): Raw {
  switch (v.type) {
    case "i32":
      return v.value;
    case "i64":
      return v.value;
    case "f32":
      return v.bits;
    case "f64":
      return v.bits;
    default:
      throw new Error(`unsupported value ${v.type}`);
  }
}

/** Whether a raw result matches a pattern (floats bit for bit, NaN patterns by class). */
function matches(r: Raw, p: ResultPat): boolean {
  if (p.kind === "value") {
    const want = rawOf(p.value);
    if (p.value.type === "f32") return typeof r === "number" && r >>> 0 === (want as number);
    return r === want;
  }
  if (p.kind === "nan") {
    if (p.type === "f32") {
      const x = typeof r === "number" ? r >>> 0 : -1;
      if ((x & 0x7f800000) !== 0x7f800000 || (x & 0x7fffff) === 0) return false;
      return p.nan === "canonical" ? (x & 0x7fffffff) === 0x7fc00000 : (x & 0x400000) !== 0;
    }
    if (typeof r !== "bigint") return false;
    const mag = r & 0x7fffffffffffffffn;
    if (mag <= 0x7ff0000000000000n) return false;
    return p.nan === "canonical" ? mag === 0x7ff8000000000000n : (mag & (1n << 51n)) !== 0n;
  }
  if (p.kind === "either") return p.alternatives.some((a) => matches(r, a));
  return false;
}

/** Runs a wast file's assertions on the straight-line functions; returns how many were run. */
function runWast(file: string): number {
  const script = parseScript(Deno.readTextFileSync(new URL(file, TESTSUITE)));
  let bodies = new Map<string, Body | null>();
  let count = 0;
  for (const c of script.commands) {
    if (c.kind === "module") {
      bodies = new Map();
      if (c.module.source.kind !== "text") continue;
      const m = parseModule(c.module.source.list);
      const imported = m.imports.filter((im) => im.desc.kind === ExternKind.Func).length;
      for (const e of m.exports) {
        if (e.kind !== ExternKind.Func) continue;
        bodies.set(e.name, compileBody(m, e.index - imported));
      }
      continue;
    }
    if (c.kind !== "assert_return" && c.kind !== "assert_trap") continue;
    const a = c.action;
    if (a.kind !== "invoke" || a.instance !== null) continue;
    const body = bodies.get(a.name);
    if (!body) continue;
    if (a.args.some((v) => v.type === "v128" || v.type === "ref")) continue;
    const where = `${file}:${c.line} ${a.name}`;
    const args = a.args.map(rawOf);
    count++;
    if (c.kind === "assert_trap") {
      traps(() => runBody(body, args), c.message);
      continue;
    }
    const stack = runBody(body, args);
    assert.equal(stack.length, c.results.length, where);
    c.results.forEach((p, k) => {
      assert.ok(
        matches(stack[k], p),
        `${where}: got ${stack[k]}, want ${
          JSON.stringify(p, (_, v) => typeof v === "bigint" ? v.toString(16) : v)
        }`,
      );
    });
  }
  return count;
}

/**
 * Each file and the number of its assertions the evaluator reaches (all of them but those on
 * functions with control flow or memory: float_exprs, float_literals).
 */
const FILES: [string, number][] = [
  ["conversions.wast", 593],
  ["i32.wast", 374],
  ["i64.wast", 384],
  ["f32.wast", 2500],
  ["f64.wast", 2500],
  ["f32_bitwise.wast", 360],
  ["f64_bitwise.wast", 360],
  ["f32_cmp.wast", 2400],
  ["f64_cmp.wast", 2400],
  ["float_misc.wast", 470],
  ["int_exprs.wast", 89],
  ["float_exprs.wast", 651],
  ["float_literals.wast", 98],
];

for (const [file, least] of FILES) {
  Deno.test(`testsuite ${file}`, () => {
    // Three rounds: the later ones run the numerics as V8's optimized code.
    const n = runWast(file);
    runWast(file);
    runWast(file);
    assert.ok(n >= least, `${file}: only ${n} assertions reached (want >= ${least})`);
  });
}
