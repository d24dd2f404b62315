import assert from "node:assert/strict";
import {
  formatF32,
  formatF64,
  NumberLiteralError,
  parseF32,
  parseF64,
  parseInt,
  parseUint,
} from "../../src/text/numbers.ts";

/** The error message of `f()`, which must throw a NumberLiteralError. */
function failure(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof NumberLiteralError, `not a NumberLiteralError: ${e}`);
    return e.message;
  }
  assert.fail("did not throw");
}

// Independent references: the bits of doubles and floats through DataView.
function f64Bits(x: number): bigint {
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat64(0, x);
  return v.getBigUint64(0);
}
function f32Bits(x: number): number {
  const v = new DataView(new ArrayBuffer(4));
  v.setFloat32(0, x);
  return v.getUint32(0);
}
function f32Value(bits: number): number {
  const v = new DataView(new ArrayBuffer(4));
  v.setUint32(0, bits);
  return v.getFloat32(0);
}
function f64Value(bits: bigint): number {
  const v = new DataView(new ArrayBuffer(8));
  v.setBigUint64(0, bits);
  return v.getFloat64(0);
}

/** A deterministic pseudo-random generator (xorshift32). */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

Deno.test("parseInt: values, signs, hex, separators, wrapping", () => {
  const cases: [string, 8 | 16 | 32 | 64, bigint][] = [
    ["0", 32, 0n],
    ["+0", 32, 0n],
    ["-0", 32, 0n],
    ["1_000_000", 32, 1000000n],
    ["0x0123_4567", 32, 0x01234567n],
    ["0xABCdef", 32, 0xabcdefn],
    ["0xffffffff", 32, -1n],
    ["4294967295", 32, -1n],
    ["2147483648", 32, -2147483648n],
    ["-2147483648", 32, -2147483648n],
    ["-0x80000000", 32, -2147483648n],
    ["+0x7fffffff", 32, 2147483647n],
    ["0xffffffffffffffff", 64, -1n],
    ["18446744073709551615", 64, -1n],
    ["-9223372036854775808", 64, -9223372036854775808n],
    ["9223372036854775807", 64, 9223372036854775807n],
    ["0x8000_0000_0000_0000", 64, -9223372036854775808n],
    ["255", 8, -1n],
    ["-128", 8, -128n],
    ["127", 8, 127n],
    ["0xffff", 16, -1n],
    ["-32768", 16, -32768n],
    ["00000000000000000000000000000001", 32, 1n],
  ];
  for (const [text, bits, want] of cases) assert.equal(parseInt(text, bits), want, text);
});

Deno.test("parseInt: out of range", () => {
  const cases: [string, 8 | 16 | 32 | 64][] = [
    ["0x100000000", 32],
    ["-0x80000001", 32],
    ["4294967296", 32],
    ["-2147483649", 32],
    ["0x10000000000000000", 64],
    ["-0x8000000000000001", 64],
    ["18446744073709551616", 64],
    ["-9223372036854775809", 64],
    ["256", 8],
    ["-129", 8],
    ["0x100", 8],
    ["-0x81", 8],
    ["65536", 16],
    ["-32769", 16],
    ["-0xffffffff", 32],
    ["99999999999999999999999999999999999", 32],
  ];
  for (const [text, bits] of cases) {
    assert.equal(failure(() => parseInt(text, bits)), "constant out of range", text);
  }
});

Deno.test("parseInt: malformed", () => {
  const bad = [
    "",
    "+",
    "-",
    "0x",
    "1x",
    "0xg",
    "_1",
    "1_",
    "1__0",
    "0x_1",
    "0x1_",
    "0_x1",
    "+-1",
    "--1",
    "1.0",
    "1e3",
    "0X1",
    " 1",
    "1 ",
    "nan",
    "inf",
    "$1",
  ];
  for (const text of bad) assert.equal(failure(() => parseInt(text, 32)), "unexpected token", text);
});

Deno.test("parseUint: values, no sign, spec messages", () => {
  assert.equal(parseUint("0", 32), 0n);
  assert.equal(parseUint("4294967295", 32), 4294967295n);
  assert.equal(parseUint("0xffff_ffff", 32), 4294967295n);
  assert.equal(parseUint("0xffffffffffffffff", 64), 0xffffffffffffffffn);
  assert.equal(parseUint("255", 8), 255n);
  assert.equal(failure(() => parseUint("0x1_0000_0000", 32)), "i32 constant out of range");
  assert.equal(failure(() => parseUint("256", 8)), "i8 constant out of range");
  assert.equal(
    failure(() => parseUint("0x1_0000_0000_0000_0000", 64)),
    "i64 constant out of range",
  );
  for (const text of ["+1", "-1", "-0", "1_", "0x", "", "1.5"]) {
    assert.equal(failure(() => parseUint(text, 32)), "unexpected token", text);
  }
});

Deno.test("parseF32: table of literals", () => {
  const cases: [string, number][] = [
    ["0", 0],
    ["-0", 0x80000000],
    ["+0.0", 0],
    ["-0x0p+0", 0x80000000],
    ["0e999999999999999999", 0],
    ["0x0p-99999999999999999999", 0],
    ["1", 0x3f800000],
    ["1.", 0x3f800000],
    ["1.e0", 0x3f800000],
    ["1E0", 0x3f800000],
    ["0x1", 0x3f800000],
    ["0x1.", 0x3f800000],
    ["0x1P0", 0x3f800000],
    ["0x10", 0x41800000],
    ["-1.5", 0xbfc00000],
    ["0x1.8p1", 0x40400000],
    ["0x1.fp+3", 0x41780000],
    ["1_0.2_5e0_1", f32Bits(102.5)],
    ["0.1", 0x3dcccccd],
    ["1e10", 0x501502f9],
    ["1e-10", 0x2edbe6ff],
    ["3.4028234663852886e+38", 0x7f7fffff],
    ["3.4028235e38", 0x7f7fffff],
    ["0x1.fffffep127", 0x7f7fffff],
    ["0x1.fffffefffffffffp127", 0x7f7fffff],
    // Just below the overflow threshold 2^128 - 2^103 still rounds to the largest float.
    ["340282356779733661637539395458142568447", 0x7f7fffff],
    ["0x1p-126", 0x00800000],
    ["0x1p-149", 0x00000001],
    ["0x1p-150", 0], // tie between 0 and the smallest subnormal: even is 0
    ["0x1.000001p-150", 1],
    ["0x0.8p-149", 0],
    ["0x1.8p-149", 2], // 1.5 ulps: tie, to even (2)
    ["0x1.4p-149", 1],
    ["1.4013e-45", 1],
    ["7.006492321624085e-46", 0], // just below half of the smallest subnormal
    ["7.006492321624087e-46", 1], // just above
    ["1.1754944e-38", 0x00800000],
    ["1.1754942e-38", 0x007fffff],
    ["0x1.fffffcp-127", 0x007fffff],
    ["0x1.fffffep-127", 0x00800000], // subnormal rounding up into the normals
    // Ties in hex, with and without sticky bits far to the right.
    ["0x1.000001p0", 0x3f800000],
    ["0x1.000003p0", 0x3f800002],
    ["0x1.0000010000000000000000000000000000001p0", 0x3f800001],
    ["0x1.00000100000000000p-50", 0x26800000],
    ["+0x1.00000100000000001p-50", 0x26800001],
    ["0x8000_0080_0000p-47", 0x3f800000],
    ["0x8000_0180_0000p-47", 0x3f800002],
    ["0x8000_0100_0000p-47", 0x3f800001],
    // Decimal ties that a double would round first (1 + 2^-24 and neighbours).
    ["1.000000059604644775390625", 0x3f800000],
    ["1.000000059604644775390625000000000000000000000001", 0x3f800001],
    ["1.000000059604644775390624999999999999999999999999", 0x3f800000],
    ["1.00000005960464477539062500001", 0x3f800001],
    ["1.000000178813934326171875", 0x3f800002], // 1 + 3 * 2^-24: tie, to even
    ["inf", 0x7f800000],
    ["+inf", 0x7f800000],
    ["-inf", 0xff800000],
    ["nan", 0x7fc00000],
    ["+nan", 0x7fc00000],
    ["-nan", 0xffc00000],
    ["nan:0x1", 0x7f800001],
    ["nan:0x200000", 0x7fa00000],
    ["-nan:0x7fffff", 0xffffffff],
    ["+nan:0x30_4050", 0x7fb04050],
    ["nan:0x400000", 0x7fc00000],
  ];
  for (const [text, want] of cases) {
    assert.equal(parseF32(text).toString(16), want.toString(16), text);
  }
});

Deno.test("parseF64: table of literals", () => {
  const cases: [string, bigint][] = [
    ["0", 0n],
    ["-0", 0x8000000000000000n],
    ["1", 0x3ff0000000000000n],
    ["0x1p0", 0x3ff0000000000000n],
    ["0.1", 0x3fb999999999999an],
    ["-1.5e-7", f64Bits(-1.5e-7)],
    ["99e-1_23", f64Bits(99e-123)],
    ["1e23", 0x44b52d02c7e14af6n],
    ["8.98846567431158e307", 0x7fe0000000000000n],
    ["1.7976931348623157e308", 0x7fefffffffffffffn],
    ["0x1.fffffffffffffp1023", 0x7fefffffffffffffn],
    ["0x1.fffffffffffff7ffffffp1023", 0x7fefffffffffffffn],
    ["4.94066e-324", 1n],
    ["5e-324", 1n],
    ["2.4703282292062327e-324", 0n], // just below half of the smallest subnormal
    ["2.4703282292062328e-324", 1n],
    ["2.2250738585072012e-308", 0x0010000000000000n],
    ["2.2250738585072011e-308", 0x000fffffffffffffn],
    ["0x1p-1022", 0x0010000000000000n],
    ["0x1p-1074", 1n],
    ["0x1p-1075", 0n],
    ["0x1.0000000000000800000000000000001p0", 0x3ff0000000000001n],
    ["0x1.00000000000008p0", 0x3ff0000000000000n],
    ["0x1.00000000000018p0", 0x3ff0000000000002n],
    ["1.00000000000000011102230246251565404236316680908203125", 0x3ff0000000000000n],
    ["1.00000000000000011102230246251565404236316680908203126", 0x3ff0000000000001n],
    ["inf", 0x7ff0000000000000n],
    ["-inf", 0xfff0000000000000n],
    ["nan", 0x7ff8000000000000n],
    ["-nan", 0xfff8000000000000n],
    ["nan:0x1", 0x7ff0000000000001n],
    ["-nan:0xfffffffffffff", 0xffffffffffffffffn],
    ["nan:0x0123456789abc", 0x7ff0123456789abcn],
  ];
  for (const [text, want] of cases) {
    assert.equal(parseF64(text).toString(16), want.toString(16), text);
  }
  // Just below halfway between the largest double and 2^1024.
  assert.equal(parseF64((2n ** 1024n - 2n ** 970n - 1n).toString()), 0x7fefffffffffffffn);
});

Deno.test("parseF32/parseF64: out of range", () => {
  for (
    const text of [
      "0x1p128",
      "-0x1p128",
      "0x1.ffffffp127",
      "-0x1.ffffffp127",
      "1e39",
      "-1e39",
      "340282356779733661637539395458142568448",
      "-340282356779733661637539395458142568448",
      "1e99999999999999999999",
      "0x1p99999999999999999999",
      "nan:0x0",
      "nan:0x80_0000",
      "-nan:0x0",
      "nan:0x1_0000_0000_0000_0000_0000_0000",
    ]
  ) {
    assert.equal(failure(() => parseF32(text)), "constant out of range", text);
  }
  for (
    const text of [
      "0x1p1024",
      "-0x1p1024",
      "0x1.fffffffffffff8p1023",
      "-0x1.fffffffffffff8p1023",
      "1e309",
      "-1e309",
      (2n ** 1024n - 2n ** 970n).toString(), // halfway to 2^1024: ties to even, overflows
      "nan:0x0",
      "nan:0x10_0000_0000_0000",
    ]
  ) {
    assert.equal(failure(() => parseF64(text)), "constant out of range", text);
  }
});

Deno.test("parseF32/parseF64: malformed", () => {
  const bad = [
    "",
    "+",
    ".0",
    ".0e0",
    "0e",
    "0e+",
    "0.0e",
    "0.0e-",
    "0x",
    "1x",
    "0xg",
    "0x.",
    "0x0.g",
    "0x0p",
    "0x0p+",
    "0x0p-",
    "0x0.0p",
    "0x0pA",
    "0x0e1", // valid hex digits, but no exponent: actually 0x0e1 is a hex integer, see below
    "nan:1",
    "nan:0x",
    "nan:0xg",
    "nan:0x_1",
    "nan0x1",
    "infinity",
    "-nan:",
    "1__0",
    "_1",
    "1_",
    "0x_1",
    "1_.0",
    "1._0",
    "1.0_",
    "1.0e_1",
    "1.0e1_",
    "0x1p1_",
    "0x1p_1",
    "1e1e1",
    "1.0.0",
    "--1",
    "+-1",
    "1p1",
  ].filter((s) => s !== "0x0e1");
  for (const text of bad) {
    assert.equal(failure(() => parseF32(text)), "unexpected token", text);
    assert.equal(failure(() => parseF64(text)), "unexpected token", text);
  }
  assert.equal(parseF32("0x0e1"), f32Bits(0xe1));
});

Deno.test("formatF32/formatF64: special values and readable text", () => {
  assert.equal(formatF32(0), "0");
  assert.equal(formatF32(0x80000000), "-0");
  assert.equal(formatF32(0x3fc00000), "1.5");
  assert.equal(formatF32(0x3dcccccd), "0.1");
  assert.equal(formatF32(0x7f7fffff), "3.4028235e+38");
  assert.equal(formatF32(1), "1e-45");
  assert.equal(formatF32(0x7f800000), "inf");
  assert.equal(formatF32(0xff800000), "-inf");
  assert.equal(formatF32(0x7fc00000), "nan");
  assert.equal(formatF32(0xffc00000), "-nan");
  assert.equal(formatF32(0x7fa00000), "nan:0x200000");
  assert.equal(formatF32(0xff800001), "-nan:0x1");
  assert.equal(formatF64(0n), "0");
  assert.equal(formatF64(0x8000000000000000n), "-0");
  assert.equal(formatF64(0x3fb999999999999an), "0.1");
  assert.equal(formatF64(0x7ff0000000000000n), "inf");
  assert.equal(formatF64(0xfff0000000000000n), "-inf");
  assert.equal(formatF64(0x7ff8000000000000n), "nan");
  assert.equal(formatF64(0xfff8000000000000n), "-nan");
  assert.equal(formatF64(0x7ff4000000000000n), "nan:0x4000000000000");
  assert.equal(formatF64(1n), "5e-324");
});

Deno.test("formatF32 -> parseF32 round trips random bits", () => {
  const next = rng(12345);
  for (let i = 0; i < 20000; i++) {
    let bits = next();
    // Also cover subnormals, values near 1, and NaNs often.
    if (i % 4 === 1) bits &= 0x807fffff;
    if (i % 4 === 2) bits = (bits & 0x80ffffff) | 0x3f000000;
    if (i % 8 === 3) bits |= 0x7f800000;
    bits >>>= 0;
    const text = formatF32(bits);
    assert.equal(parseF32(text), bits, `${bits.toString(16)} -> ${text}`);
    const x = f32Value(bits);
    if (!Number.isNaN(x) && Number.isFinite(x) && x !== 0) {
      // Shortest: one digit fewer does not identify the float (when that many exist).
      const digits = text.replace(/^-/, "").replace(/e.*$/, "").replace(".", "")
        .replace(/^0+/, "").replace(/0+$/, "").length;
      if (digits > 1) {
        const shorter = Number(x.toPrecision(digits - 1));
        assert.notEqual(f32Bits(Math.fround(shorter)), bits, `not shortest: ${text}`);
      }
    }
  }
});

Deno.test("formatF64 -> parseF64 round trips random bits", () => {
  const next = rng(987654321);
  for (let i = 0; i < 20000; i++) {
    let bits = (BigInt(next()) << 32n) | BigInt(next());
    if (i % 4 === 1) bits &= 0x800fffffffffffffn;
    if (i % 8 === 3) bits |= 0x7ff0000000000000n;
    const text = formatF64(bits);
    assert.equal(parseF64(text), bits, `${bits.toString(16)} -> ${text}`);
    const x = f64Value(bits);
    if (!Number.isNaN(x)) assert.equal(text, x === 0 ? (bits ? "-0" : "0") : x.toString());
  }
});

Deno.test("parseF64 agrees with Number() on random decimal literals", () => {
  const next = rng(42);
  for (let i = 0; i < 20000; i++) {
    const digits = 1 + (next() % 30);
    let mantissa = "";
    for (let j = 0; j < digits; j++) mantissa += String(next() % 10);
    const point = next() % (digits + 1);
    const exp = (next() % 700) - 350;
    const text = `${mantissa.slice(0, point)}${point === 0 ? "0" : ""}.${
      mantissa.slice(point)
    }e${exp}`;
    const x = Number(text);
    if (!Number.isFinite(x)) {
      assert.equal(failure(() => parseF64(text)), "constant out of range", text);
      continue;
    }
    assert.equal(parseF64(text), f64Bits(x), text);
    // f32: rounding the double is right unless the double is halfway between two floats.
    const r = Math.fround(x);
    if (Number.isFinite(r)) {
      const lo = r <= x ? r : f32Value(f32Bits(r) - 1);
      const hi = r <= x ? f32Value(f32Bits(r) + 1) : r;
      if (x !== (lo + hi) / 2) assert.equal(parseF32(text), f32Bits(r), text);
    }
  }
});

/** The exact decimal expansion of a finite positive double. */
function exactDecimal(x: number): string {
  const bits = f64Bits(x);
  const e = Number((bits >> 52n) & 0x7ffn);
  const m = (bits & 0xfffffffffffffn) | (e === 0 ? 0n : 1n << 52n);
  const exp2 = (e === 0 ? 1 : e) - 1075;
  if (exp2 >= 0) return (m << BigInt(exp2)).toString();
  const scaled = (m * 5n ** BigInt(-exp2)).toString().padStart(-exp2 + 1, "0");
  return `${scaled.slice(0, scaled.length + exp2)}.${scaled.slice(scaled.length + exp2)}`;
}

Deno.test("parseF32: decimal ties and near-ties between adjacent floats", () => {
  const next = rng(777);
  for (let i = 0; i < 3000; i++) {
    let bits = next() & 0x7f7fffff;
    if (i % 3 === 0) bits &= 0x007fffff; // subnormals
    if (bits === 0x7f7fffff) bits--;
    const lo = f32Value(bits);
    const hi = f32Value(bits + 1);
    const mid = exactDecimal((lo + hi) / 2); // exact: the midpoint is a double
    const even = (bits & 1) === 0 ? bits : bits + 1;
    assert.equal(parseF32(mid), even, mid);
    const point = mid.includes(".") ? "" : ".";
    assert.equal(parseF32(mid + point + "000000000000000000000001"), bits + 1, mid + "+");
    // Just below the midpoint: subtract one unit in a far decimal place.
    const below = mid.includes(".") ? decrementDecimal(mid + "0000000000000000000000000") : mid;
    if (below !== mid) assert.equal(parseF32(below), bits, below);
  }
});

/** Subtracts one unit in the last place of a decimal string with a point and no sign. */
function decrementDecimal(s: string): string {
  const chars = s.split("");
  for (let i = chars.length - 1; i >= 0; i--) {
    if (chars[i] === ".") continue;
    if (chars[i] === "0") {
      chars[i] = "9";
    } else {
      chars[i] = String(Number(chars[i]) - 1);
      break;
    }
  }
  return chars.join("");
}

Deno.test("parseF32/parseF64: hex ties and near-ties between adjacent floats", () => {
  const next = rng(31337);
  for (let i = 0; i < 5000; i++) {
    let bits = next() & 0x7f7fffff;
    if (i % 3 === 0) bits &= 0x007fffff;
    if (bits === 0x7f7fffff) bits--;
    const e = bits >>> 23;
    const sig = BigInt((bits & 0x7fffff) | (e === 0 ? 0 : 0x800000));
    const q = (e === 0 ? 1 : e) - 150;
    const mid = 2n * sig + 1n; // (sig + 1/2) * 2^q = mid * 2^(q-1)
    const even = (bits & 1) === 0 ? bits : bits + 1;
    assert.equal(parseF32(`0x${mid.toString(16)}p${q - 1}`), even);
    assert.equal(parseF32(`0x${(mid * 256n + 1n).toString(16)}p${q - 9}`), bits + 1);
    assert.equal(
      parseF32(`-0x${(mid * 256n - 1n).toString(16)}p${q - 9}`),
      (bits | 0x80000000) >>> 0,
    );
  }
  for (let i = 0; i < 5000; i++) {
    let bits = ((BigInt(next()) << 32n) | BigInt(next())) & 0x7fefffffffffffffn;
    if (i % 3 === 0) bits &= 0x000fffffffffffffn;
    if (bits === 0x7fefffffffffffffn) bits--;
    const e = Number(bits >> 52n);
    const sig = (bits & 0xfffffffffffffn) | (e === 0 ? 0n : 1n << 52n);
    const q = (e === 0 ? 1 : e) - 1075;
    const mid = 2n * sig + 1n;
    const even = (bits & 1n) === 0n ? bits : bits + 1n;
    assert.equal(parseF64(`0x${mid.toString(16)}p${q - 1}`), even);
    assert.equal(parseF64(`0x${(mid * 256n + 1n).toString(16)}p${q - 9}`), bits + 1n);
    assert.equal(parseF64(`0x${(mid * 256n - 1n).toString(16)}p${q - 9}`), bits);
    // The double itself, written as an exact decimal, reads back exactly.
    assert.equal(parseF64(exactDecimal(f64Value(bits) || 0)), bits);
  }
});

Deno.test("parseF32/parseF64: hex digits split around the point and long fractions", () => {
  assert.equal(parseF32("0x123.456p4"), f32Bits(0x123456 / 0x100));
  assert.equal(parseF64("0x123.456p4"), f64Bits(0x123456 / 0x100));
  assert.equal(parseF64("0x0.0000000000000000000000000000001p+128"), f64Bits(2 ** 4));
  assert.equal(parseF64("0x1_0000_0000_0000_0000_0000_0000_0000_0000p-128"), f64Bits(1));
  assert.equal(parseF64("0.000000000000000000000000000000000000000001e42"), f64Bits(1));
  assert.equal(parseF64("1" + "0".repeat(400) + "e-400"), f64Bits(1));
  assert.equal(parseF32("1" + "0".repeat(400) + "e-400"), 0x3f800000);
});

Deno.test("parseF32: literals of const.wast with their expected values", () => {
  // From the testsuite: each literal and the float it must read as (exact hex).
  const cases: [string, string][] = [
    ["+0x1.00000100000000000p-50", "+0x1.000000p-50"],
    ["-0x1.00000100000000000p-50", "-0x1.000000p-50"],
    ["+0x1.00000100000000001p-50", "+0x1.000002p-50"],
    ["+0x1.000001fffffffffffp-50", "+0x1.000002p-50"],
    ["+0x1.00000500000000001p-50", "+0x1.000006p-50"],
    ["+0x4000.004000001p-64", "+0x1.000002p-50"],
    ["+0x1.000000fffffffffffp-50", "+0x1.000000p-50"],
    ["+0x1.fffffe8p127", "+0x1.fffffep127"],
    ["+0x1.fffffefffffffffffp127", "+0x1.fffffep127"],
    ["+1.00000005960464477550", "+0x1.000002p+0"],
    ["+1.00000017881393432617187499", "+0x1.000002p+0"],
    ["+1.00000017881393432617187500", "+0x1.000004p+0"],
    ["+4.7019774032891500318749461488889827112746622270883500860350068251e-38", "+0x1p-124"],
    ["+5.8774717541114375398436826861112283890933277838604376075437585313920e-39", "+0x1p-127"],
    ["+1.4012984643248170709237295832899161312802619418765e-45", "+0x0.000002p-126"],
    ["+7.0064923216240853546186479164495806564013097093825e-46", "+0x0.000000p-126"],
    ["+7.0064923216240853546186479164495806564013097093826e-46", "+0x0.000002p-126"],
    ["+340282356779733623858607532500980858880", "+0x1.fffffep127"],
    ["+340282356779733642999999999999999999999", "+0x1.fffffep127"],
  ];
  for (const [text, want] of cases) assert.equal(parseF32(text), parseF32(want), text);
});

const CONST_WAST = new URL("../../../shared/testsuite/const.wast", import.meta.url);
const haveConstWast = (() => {
  try {
    return Deno.statSync(CONST_WAST).isFile;
  } catch {
    return false;
  }
})();

Deno.test({
  name: "parseF32/parseF64: every literal/result pair of the testsuite's const.wast",
  ignore: !haveConstWast,
  fn() {
    const source = Deno.readTextFileSync(CONST_WAST);
    const pair = new RegExp(
      String
        .raw`\(module \(func \(export "f"\) \(result (f32|f64)\) \(f(?:32|64)\.const ([^)\s]+)\)\)\)` +
        String.raw`\s*\(assert_return \(invoke "f"\) \(f(?:32|64)\.const ([^)\s]+)\)\)`,
      "g",
    );
    let count = 0;
    for (const [, type, literal, result] of source.matchAll(pair)) {
      const parse = type === "f32" ? parseF32 : parseF64;
      assert.equal(parse(literal), parse(result), literal);
      count++;
    }
    assert.ok(count > 200, `only ${count} pairs found`);
  },
});
