/**
 * Tests of src/exec/simd*.ts.
 *
 * 1. Differential against V8: one hand-assembled wasm module has a function per SIMD operator
 *    (per lane index for extract/replace_lane, per pattern for shuffle) that loads its operands
 *    from memory offsets 0, 16, 32 and stores its result at 48; every operator runs on random
 *    and edge-case inputs in V8 and in `execSimd`, and the results must agree: bytes exactly,
 *    except NaN lanes of float arithmetic (NaN-ness per lane; ours must also be arithmetic, and
 *    canonical when the NaN inputs are). Relaxed operators must equal V8's run of their
 *    deterministic-profile counterpart (and V8's own relaxed result must be one the spec
 *    allows). Each case also runs with the result aliasing each v128 operand.
 * 2. The spec testsuite's simd_*.wast and relaxed_*.wast assertions on functions that are
 *    straight-line code over locals, constants and memory-free SIMD operators, run by a small
 *    stack evaluator that places values in the engine's slot layout (results over the first
 *    operand, as the interpreter will).
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  execShuffle,
  execSimd,
  isExecSimdOp,
  simdHandler,
  simdViews,
} from "../../src/exec/simd.ts";
import type { SimdViews } from "../../src/exec/simd_views.ts";
import { Op, type OpInfo, OPS } from "../../src/syntax/opcodes.ts";
import { readInstrs } from "../../src/binary/code.ts";
import { parseModule } from "../../src/text/parse.ts";
import { parseScript } from "../../src/script/parse.ts";
import type { ResultPat, Value } from "../../src/script/ast.ts";
import { ExternKind, F32, F64, I32, I64, V128 } from "../../src/syntax/types.ts";
import type { FuncType } from "../../src/syntax/types.ts";
import type { Module } from "../../src/syntax/module.ts";

// ---------------------------------------------------------------------------------------------
// Deterministic randomness and LEB128.

let seed = 0x9e3779b9;
/** xorshift32: a uint32. */
function rnd(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return seed >>> 0;
}
function pick<T>(xs: readonly T[]): T {
  return xs[rnd() % xs.length];
}
function chance(p: number): boolean {
  return rnd() / 4294967296 < p;
}

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

// ---------------------------------------------------------------------------------------------
// The module: one function () -> () per case, operands at 0/16/32, result at 48.

const SIMD_OPS = OPS.filter((o) => o.prefix === 0xfd);
const PURE = SIMD_OPS.filter((o) => isExecSimdOp(o.op));

const LOAD: Record<string, number[]> = {
  v: [0xfd, 0x00, 4, 0],
  i: [0x28, 2, 0],
  I: [0x29, 3, 0],
  f: [0x2a, 2, 0],
  F: [0x2b, 3, 0],
};
const STORE: Record<string, number[]> = {
  v: [0xfd, 0x0b, 4, 0],
  i: [0x36, 2, 0],
  I: [0x37, 3, 0],
  f: [0x38, 2, 0],
  F: [0x39, 3, 0],
};
const WIDTH: Record<string, number> = { v: 16, i: 4, I: 8, f: 4, F: 8 };

/** Loads operand `j` of type letter `t`. */
function ld(j: number, t: string): number[] {
  return [0x41, j * 16, ...LOAD[t]];
}
/** The instruction bytes of `name` (with its lane or shuffle immediate). */
function ins(name: string, imm: number[] = []): number[] {
  const info = OPS[(Op as Record<string, number>)[name]];
  return [0xfd, ...uleb(info.code), ...imm];
}
/** A body computing `code` over operands loaded by the caller, storing a `result` at 48. */
function body(code: number[], result: string): number[] {
  return [0x41, 48, ...code, ...STORE[result], 0x0b];
}
/** The plain body of one operator: load each param, apply, store. */
function opBody(info: OpInfo, imm: number[] = []): number[] {
  const loads = [...info.params!].flatMap((t, j) => ld(j, t));
  return body([...loads, ...ins(info.name, imm)], info.results!);
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}
function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}
function name(s: string): number[] {
  const b = new TextEncoder().encode(s);
  return [...uleb(b.length), ...b];
}

/** Instantiates a module of `() -> ()` functions exported under their names, plus "mem". */
function instantiate(funcs: Map<string, number[]>): {
  mem: Uint8Array;
  fn: Map<string, () => void>;
} {
  const names = [...funcs.keys()];
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0],
    ...section(1, vec([[0x60, 0, 0]])),
    ...section(3, vec(names.map(() => [0]))),
    ...section(5, vec([[0x00, 1]])),
    ...section(
      7,
      vec([[...name("mem"), 2, 0], ...names.map((n, i) => [...name(n), 0, ...uleb(i)])]),
    ),
    ...section(10, vec(names.map((n) => [...uleb(funcs.get(n)!.length + 1), 0, ...funcs.get(n)!]))),
  ];
  const inst = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(bytes)));
  const ex = inst.exports as Record<string, unknown>;
  const fn = new Map(names.map((n) => [n, ex[n] as () => void]));
  return { mem: new Uint8Array((ex.mem as WebAssembly.Memory).buffer), fn };
}

const LANES: Record<string, number> = {
  i8x16: 16,
  i16x8: 8,
  i32x4: 4,
  i64x2: 2,
  f32x4: 4,
  f64x2: 2,
};
const shapeOf = (n: string) => n.slice(0, 5);

/** A test case: an operator with its lane immediate. */
interface Case {
  key: string;
  info: OpInfo;
  lane: number;
}

const CASES: Case[] = [];
const FUNCS = new Map<string, number[]>();
for (const info of PURE) {
  if (info.imm === "lane") {
    for (let lane = 0; lane < LANES[shapeOf(info.name)]; lane++) {
      const key = `${info.name}/${lane}`;
      CASES.push({ key, info, lane });
      FUNCS.set(key, opBody(info, [lane]));
    }
  } else {
    CASES.push({ key: info.name, info, lane: 0 });
    FUNCS.set(info.name, opBody(info));
  }
}

/** The deterministic-profile counterpart of each relaxed operator, as V8 code. */
const DETERMINISTIC: Record<string, number[]> = {
  "i8x16.relaxed_swizzle": [...ld(0, "v"), ...ld(1, "v"), ...ins("i8x16.swizzle")],
  "i32x4.relaxed_trunc_f32x4_s": [...ld(0, "v"), ...ins("i32x4.trunc_sat_f32x4_s")],
  "i32x4.relaxed_trunc_f32x4_u": [...ld(0, "v"), ...ins("i32x4.trunc_sat_f32x4_u")],
  "i32x4.relaxed_trunc_f64x2_s_zero": [...ld(0, "v"), ...ins("i32x4.trunc_sat_f64x2_s_zero")],
  "i32x4.relaxed_trunc_f64x2_u_zero": [...ld(0, "v"), ...ins("i32x4.trunc_sat_f64x2_u_zero")],
  "i16x8.relaxed_q15mulr_s": [...ld(0, "v"), ...ld(1, "v"), ...ins("i16x8.q15mulr_sat_s")],
};
for (const s of ["f32x4", "f64x2"]) {
  for (const mm of ["min", "max"]) {
    DETERMINISTIC[`${s}.relaxed_${mm}`] = [...ld(0, "v"), ...ld(1, "v"), ...ins(`${s}.${mm}`)];
  }
  const mul = [...ins(`${s}.mul`)], add = ins(`${s}.add`);
  DETERMINISTIC[`${s}.relaxed_madd`] = [
    ...ld(0, "v"),
    ...ld(1, "v"),
    ...mul,
    ...ld(2, "v"),
    ...add,
  ];
  DETERMINISTIC[`${s}.relaxed_nmadd`] = [
    ...ld(0, "v"),
    ...ins(`${s}.neg`),
    ...ld(1, "v"),
    ...mul,
    ...ld(2, "v"),
    ...add,
  ];
}
for (const s of ["i8x16", "i16x8", "i32x4", "i64x2"]) {
  DETERMINISTIC[`${s}.relaxed_laneselect`] = [
    ...ld(0, "v"),
    ...ld(1, "v"),
    ...ld(2, "v"),
    ...ins("v128.bitselect"),
  ];
}
for (const [n, code] of Object.entries(DETERMINISTIC)) FUNCS.set(`det:${n}`, body(code, "v"));

/** Shuffle patterns: fixed ones and random ones. */
const SHUFFLES: Uint8Array[] = [
  Uint8Array.from({ length: 16 }, (_, i) => i),
  Uint8Array.from({ length: 16 }, (_, i) => 31 - i),
  Uint8Array.from({ length: 16 }, (_, i) => 16 + i),
  Uint8Array.from({ length: 16 }, (_, i) => (i * 2) % 32),
  new Uint8Array(16).fill(31),
  ...Array.from({ length: 16 }, () => Uint8Array.from({ length: 16 }, () => rnd() % 32)),
];
SHUFFLES.forEach((lanes, k) => {
  const code = [...ld(0, "v"), ...ld(1, "v"), ...ins("i8x16.shuffle", [...lanes])];
  FUNCS.set(`shuffle/${k}`, body(code, "v"));
});

const V8 = instantiate(FUNCS);

// ---------------------------------------------------------------------------------------------
// Inputs.

const I8_EDGES = [0, 1, -1, 2, 127, -128, 126, -127, 64, -64, 0x55, 16, 15, 31, 32];
const I16_EDGES = [0, 1, -1, 32767, -32768, 255, 256, -256, 0x4000, -0x4000, 0x7f, 0x80, 16, 15];
const I32_EDGES = [
  0,
  1,
  -1,
  0x7fffffff,
  -0x80000000,
  0xffff,
  0x10000,
  -0x10000,
  0x7fff,
  -0x8000,
  0x8000,
  0x12345678,
];
const I64_EDGES = [
  0n,
  1n,
  -1n,
  0x7fffffffffffffffn,
  -0x8000000000000000n,
  0xffffffffn,
  0x100000000n,
  -0x100000000n,
  0x80000000n,
  -0x80000000n,
];
const F32_EDGES = [
  0,
  0x80000000,
  0x3f800000, // 1
  0xbf800000,
  0x3f000000, // 0.5
  0xbf000000,
  0x3fc00000, // 1.5
  0x40200000, // 2.5
  0xc0200000,
  0x3f7fffff, // just below 1
  0x7f800000,
  0xff800000,
  0x7fc00000,
  0xffc00000,
  0x7fa00000, // signalling
  0xff900001,
  0x7fc00001,
  0x7fffffff,
  0x00000001,
  0x80000001,
  0x007fffff,
  0x00800000,
  0x7f7fffff,
  0xff7fffff,
  0x4f000000, // 2^31
  0xcf000000,
  0x4f800000, // 2^32
  0x4effffff,
  0xcf000001,
  0x4f7fffff,
  0x4b000001, // 2^23 + 1
  0xcb7fffff,
  0x5f000000, // 2^63
];
const F64_EDGES = [
  0n,
  0x8000000000000000n,
  0x3ff0000000000000n, // 1
  0xbff0000000000000n,
  0x3fe0000000000000n, // 0.5
  0xbfe0000000000000n,
  0x3ff8000000000000n, // 1.5
  0x4004000000000000n, // 2.5
  0xc004000000000000n,
  0x7ff0000000000000n,
  0xfff0000000000000n,
  0x7ff8000000000000n,
  0xfff8000000000000n,
  0x7ff0000000000001n, // signalling
  0x7ff4000000000000n,
  0x7ff8000000000001n,
  0xfff0000000000abcn,
  0x0000000000000001n,
  0x8000000000000001n,
  0x000fffffffffffffn,
  0x7fefffffffffffffn,
  0xffefffffffffffffn,
  0x41e0000000000000n, // 2^31
  0xc1e0000000000000n,
  0x41dfffffffc00000n, // 2^31 - 1
  0x41dfffffffe00000n, // 2^31 - 0.5
  0xc1e0000000100000n, // -2^31 - 0.5
  0xc1e0000000200000n, // -2^31 - 1
  0x41f0000000000000n, // 2^32
  0x41efffffffe00000n, // 2^32 - 1
  0x41effffffff00000n, // 2^32 - 0.5
  0x47efffffe0000000n, // f32 max
  0x47efffffefffffffn, // just below the f32 overflow threshold
  0x47effffff0000000n, // the threshold
  0x36a0000000000000n, // 2^-149
  0x3690000000000000n, // 2^-150
  0x4330000000000001n, // 2^52 + 1
];

function f32Bits(x: number): number {
  return new Uint32Array(Float32Array.of(x).buffer)[0];
}
function f64Bits(x: number): bigint {
  return new BigUint64Array(Float64Array.of(x).buffer)[0];
}

/** A random "ordinary" float: small integers, halves, quarters and random magnitudes. */
function ordinary(): number {
  switch (rnd() % 4) {
    case 0:
      return ((rnd() % 64) - 32) / 4;
    case 1:
      return ((rnd() | 0) / 65536) * (chance(0.5) ? 1 : 1e-3);
    case 2:
      return (rnd() | 0) * 2 ** ((rnd() % 80) - 40);
    default:
      return (rnd() | 0) * 4096 + (rnd() % 2 ? 0.5 : 0);
  }
}

/** 16 bytes of lanes of `shape`, mostly edge cases. */
function genV128(shape: string): Uint8Array {
  const out = new Uint8Array(16);
  if (chance(0.15)) {
    for (let i = 0; i < 16; i++) out[i] = rnd();
    return out;
  }
  const dv = new DataView(out.buffer);
  const edge = chance(0.7) ? 0.7 : 0.2;
  for (let l = 0; l < LANES[shape]; l++) {
    const e = chance(edge);
    switch (shape) {
      case "i8x16":
        dv.setInt8(l, e ? pick(I8_EDGES) : rnd());
        break;
      case "i16x8":
        dv.setInt16(2 * l, e ? pick(I16_EDGES) : rnd(), true);
        break;
      case "i32x4":
        dv.setInt32(4 * l, e ? pick(I32_EDGES) : rnd(), true);
        break;
      case "i64x2":
        dv.setBigInt64(8 * l, e ? pick(I64_EDGES) : BigInt(rnd()) << 32n | BigInt(rnd()), true);
        break;
      case "f32x4":
        dv.setUint32(4 * l, e ? pick(F32_EDGES) : f32Bits(ordinary()), true);
        break;
      default:
        dv.setBigUint64(8 * l, e ? pick(F64_EDGES) : f64Bits(ordinary()), true);
    }
  }
  return out;
}

const SHIFTS = [0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, -1, 0x7fffffff, -0x80000000];

/** An 8-byte slot holding a scalar of type letter `t` (garbage in the unused upper half). */
function genScalar(t: string): Uint8Array {
  const out = new Uint8Array(8);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) out[i] = rnd();
  if (t === "i") dv.setInt32(0, chance(0.6) ? pick(SHIFTS) : pick(I32_EDGES), true);
  else if (t === "I") dv.setBigInt64(0, chance(0.5) ? pick(I64_EDGES) : dv.getBigInt64(0), true);
  else if (t === "f") dv.setUint32(0, chance(0.7) ? pick(F32_EDGES) : f32Bits(ordinary()), true);
  else dv.setBigUint64(0, chance(0.7) ? pick(F64_EDGES) : f64Bits(ordinary()), true);
  return out;
}

/** The lane shape an operator reads its vector operands as. */
function inputShape(opName: string): string {
  const m = /_(i8x16|i16x8|i32x4|i64x2|f32x4|f64x2)/.exec(opName);
  return m !== null ? m[1] : opName.startsWith("v128") ? pick(Object.keys(LANES)) : shapeOf(opName);
}

// ---------------------------------------------------------------------------------------------
// Running and comparing.

/** Float arithmetic whose NaN results may be any (arithmetic) NaN. */
const ARITH =
  /^(f32x4|f64x2)\.(add|sub|mul|div|min|max|sqrt|ceil|floor|trunc|nearest|relaxed_madd|relaxed_nmadd|relaxed_min|relaxed_max|demote_f64x2_zero|promote_low_f32x4)$/;

/** Runs V8's function `key` on operands; returns the result's `width` bytes. */
function runV8(key: string, ops: Uint8Array[], width: number): Uint8Array {
  const mem = V8.mem;
  mem.fill(0, 0, 64);
  ops.forEach((o, j) => mem.set(o, j * 16));
  V8.fn.get(key)!();
  return mem.slice(48, 48 + width);
}

const BASE = 8; // operands at 8, 24, 40 (8-aligned, not 16-aligned), result at 56
const ours = simdViews(new ArrayBuffer(96));

/** Runs `execSimd` with the result at BASE + 48, or over operand `alias`. */
function runOurs(c: Case, ops: Uint8Array[], width: number, alias = -1): Uint8Array {
  ours.u8.fill(0xcc);
  ops.forEach((o, j) => ours.u8.set(o, BASE + j * 16));
  const d = BASE + (alias < 0 ? 48 : alias * 16);
  // Operands the instruction does not have get offsets far outside the buffer.
  const at = (j: number) => j < ops.length ? BASE + 16 * j : 1 << 20;
  execSimd(c.info.op, ours, d, at(0), at(1), at(2), c.lane);
  return ours.u8.slice(d, d + width);
}

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

/** Lane `l` of a float vector as a NaN class: 0 not NaN, 1 canonical, 2 other NaN. */
function nanClass(v: Uint8Array, f64: boolean, l: number): number {
  const dv = new DataView(v.buffer, v.byteOffset);
  if (f64) {
    const x = dv.getBigUint64(8 * l, true) & 0x7fffffffffffffffn;
    return x <= 0x7ff0000000000000n ? 0 : x === 0x7ff8000000000000n ? 1 : 2;
  }
  const x = dv.getUint32(4 * l, true) & 0x7fffffff;
  return x <= 0x7f800000 ? 0 : x === 0x7fc00000 ? 1 : 2;
}
function isQuiet(v: Uint8Array, f64: boolean, l: number): boolean {
  return f64 ? (v[8 * l + 6] & 0x08) !== 0 : (v[4 * l + 2] & 0x40) !== 0;
}

/** Compares ours with V8's result; for float arithmetic, NaN lanes by class (see module doc). */
function check(c: Case, ops: Uint8Array[], mine: Uint8Array, theirs: Uint8Array, what: string) {
  const n = c.info.name;
  const msg = () =>
    `${what} ${c.key}(${ops.map(hex).join(", ")}): ours ${hex(mine)} V8 ${hex(theirs)}`;
  if (!ARITH.test(n)) {
    assert.equal(hex(mine), hex(theirs), msg());
    return;
  }
  const f64 = n.startsWith("f64x2"), lanes = f64 ? 2 : 4, w = f64 ? 8 : 4;
  const inF64 = inputShape(n) === "f64x2";
  for (let l = 0; l < lanes; l++) {
    const mc = nanClass(mine, f64, l), tc = nanClass(theirs, f64, l);
    if (mc === 0 || tc === 0) {
      assert.equal(hex(mine.slice(l * w, l * w + w)), hex(theirs.slice(l * w, l * w + w)), msg());
      continue;
    }
    assert.ok(isQuiet(mine, f64, l), `not an arithmetic NaN: ${msg()}`);
    const canonicalIn = ops.every((o) => o.length !== 16 || nanClass(o, inF64, l) !== 2);
    if (canonicalIn) assert.equal(mc, 1, `not the canonical NaN: ${msg()}`);
  }
}

/** Operands for a case. */
function operands(info: OpInfo): Uint8Array[] {
  const shape = inputShape(info.name);
  return [...info.params!].map((t) => t === "v" ? genV128(shape) : genScalar(t));
}

const ROUNDS = 250;

Deno.test("every memory-free SIMD operator is covered", () => {
  const missing = SIMD_OPS.filter((o) =>
    !isExecSimdOp(o.op) && o.imm !== "memarg" && o.imm !== "memarg_lane"
  ).map((o) => o.name);
  assert.deepEqual(missing, ["v128.const", "i8x16.shuffle"]);
  const memory = SIMD_OPS.filter((o) => o.imm === "memarg" || o.imm === "memarg_lane").length;
  assert.equal(PURE.length, SIMD_OPS.length - memory - 2);
  assert.equal(simdHandler(Op["v128.load"]), undefined);
  assert.equal(simdHandler(Op["i32.add"]), undefined);
  assert.equal(typeof simdHandler(Op["i32x4.add"]), "function");
  assert.throws(() => execSimd(Op["v128.load"], ours, 0, 0, 0, 0, 0));
  assert.throws(() => execSimd(Op["i32.add"], ours, 0, 0, 0, 0, 0));
});

Deno.test("execSimd agrees with V8 (non-relaxed operators)", () => {
  for (const c of CASES) {
    if (c.info.name.includes("relaxed")) continue;
    const width = WIDTH[c.info.results!];
    for (let r = 0; r < ROUNDS; r++) {
      const ops = operands(c.info);
      const theirs = runV8(c.key, ops, width);
      check(c, ops, runOurs(c, ops, width), theirs, "fresh");
      [...c.info.params!].forEach((t, j) => {
        if (t === "v") check(c, ops, runOurs(c, ops, width, j), theirs, `result over operand ${j}`);
      });
    }
  }
});

Deno.test("i8x16.shuffle agrees with V8", () => {
  const info = OPS[Op["i8x16.shuffle"]];
  SHUFFLES.forEach((lanes, k) => {
    for (let r = 0; r < 40; r++) {
      const ops = [genV128("i8x16"), genV128("i8x16")];
      const theirs = runV8(`shuffle/${k}`, ops, 16);
      for (const alias of [-1, 0, 1]) {
        ours.u8.fill(0xcc);
        ops.forEach((o, j) => ours.u8.set(o, BASE + j * 16));
        const d = BASE + (alias < 0 ? 48 : alias * 16);
        execShuffle(ours, d, BASE, BASE + 16, lanes);
        const mine = ours.u8.slice(d, d + 16);
        assert.equal(hex(mine), hex(theirs), `shuffle ${lanes} ${ops.map(hex)} (${info.name})`);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Relaxed SIMD.

/** The spec's allowed results of V8's relaxed operators, lane by lane (a sanity check). */
function v8Allowed(n: string, ops: Uint8Array[], r: Uint8Array): boolean {
  const [a, b, c] = ops.map((o) => new DataView(o.buffer));
  const res = new DataView(r.buffer);
  if (n === "i8x16.relaxed_swizzle") {
    return ops[1].every((j, i) => {
      const x = r[i];
      if (j < 16) return x === ops[0][j];
      if (j >= 128) return x === 0;
      return x === 0 || x === ops[0][j % 16];
    });
  }
  if (n.endsWith("relaxed_laneselect")) {
    const bytes = LANES[shapeOf(n)] === 16 ? 1 : 16 / LANES[shapeOf(n)];
    for (let l = 0; l < 16 / bytes; l++) {
      // V8 on x86-64 selects i16x8 lanes by each BYTE's top bit (pblendvb), which the spec's
      // per-lane rule does not list; accept it as a third reading.
      let bitwise = true, top = true, byteTop = true;
      const topSet = (ops[2][l * bytes + bytes - 1] & 0x80) !== 0;
      for (let k = l * bytes; k < l * bytes + bytes; k++) {
        const m = ops[2][k];
        if (r[k] !== ((ops[0][k] & m) | (ops[1][k] & ~m & 0xff))) bitwise = false;
        if (r[k] !== (topSet ? ops[0][k] : ops[1][k])) top = false;
        if (r[k] !== (m & 0x80 ? ops[0][k] : ops[1][k])) byteTop = false;
      }
      if (!bitwise && !top && !byteTop) return false;
    }
    return true;
  }
  if (n === "i16x8.relaxed_q15mulr_s") {
    for (let l = 0; l < 8; l++) {
      const x = a.getInt16(2 * l, true),
        y = b.getInt16(2 * l, true),
        got = res.getInt16(2 * l, true);
      const want = x === -32768 && y === -32768 ? [32767, -32768] : [
        Math.min(32767, Math.floor((x * y + 0x4000) / 32768)),
      ];
      if (!want.includes(got)) return false;
    }
    return true;
  }
  if (n === "i16x8.relaxed_dot_i8x16_i7x16_s" || n === "i32x4.relaxed_dot_i8x16_i7x16_add_s") {
    // The spec saturates the i16 pair sums; the testsuite (and V8 with VNNI) also accept the
    // exact sums; the second operand may be read signed or unsigned.
    const dots = (unsigned: boolean, sat: boolean) =>
      Array.from({ length: 8 }, (_, l) => {
        const y = (k: number) => unsigned ? b.getUint8(k) : b.getInt8(k);
        const s = a.getInt8(2 * l) * y(2 * l) + a.getInt8(2 * l + 1) * y(2 * l + 1);
        return sat ? Math.max(-32768, Math.min(32767, s)) : s;
      });
    const readings = [[false, true], [true, true], [false, false], [true, false]];
    if (n.startsWith("i16x8")) {
      const got = Array.from({ length: 8 }, (_, l) => res.getInt16(2 * l, true));
      return readings.some(([u, s]) => dots(u, s).every((x, l) => (x << 16 >> 16) === got[l]));
    }
    const got = Array.from({ length: 4 }, (_, l) => res.getInt32(4 * l, true));
    return readings.some(([u, s]) => {
      const d = dots(u, s);
      return got.every((x, l) => x === ((d[2 * l] + d[2 * l + 1] + c.getInt32(4 * l, true)) | 0));
    });
  }
  return true; // trunc (any value allowed when out of range), madd, min/max: not modelled here
}

Deno.test("relaxed operators: the deterministic profile, and V8's choices are allowed", () => {
  for (const c of CASES) {
    const n = c.info.name;
    if (!n.includes("relaxed")) continue;
    for (let r = 0; r < ROUNDS; r++) {
      const ops = operands(c.info);
      const mine = runOurs(c, ops, 16);
      for (let j = 0; j < ops.length; j++) {
        check(c, ops, runOurs(c, ops, 16, j), mine, `result over operand ${j} vs fresh`);
      }
      const v8 = runV8(c.key, ops, 16);
      assert.ok(v8Allowed(n, ops, v8), `V8's ${n}(${ops.map(hex)}) = ${hex(v8)} not allowed?`);
      if (n.includes("relaxed_dot")) {
        // No non-relaxed counterpart: the signed, saturating reading must be what V8's
        // allowed-set model accepts for our result too.
        assert.ok(v8Allowed(n, ops, mine), `ours ${n}(${ops.map(hex)}) = ${hex(mine)}`);
        continue;
      }
      check(c, ops, mine, runV8(`det:${n}`, ops, 16), "deterministic profile");
    }
  }
});

Deno.test("relaxed dot: saturating signed reading", () => {
  const m = simdViews(new ArrayBuffer(64));
  m.i8.fill(-128, 0, 32);
  m.i32.fill(0, 8, 12);
  execSimd(Op["i16x8.relaxed_dot_i8x16_i7x16_s"], m, 48, 0, 16, 32, 0);
  assert.deepEqual([...m.i16.slice(24, 32)], new Array(8).fill(32767));
  execSimd(Op["i32x4.relaxed_dot_i8x16_i7x16_add_s"], m, 48, 0, 16, 32, 0);
  assert.deepEqual([...m.i32.slice(12, 16)], new Array(4).fill(65534));
});

// ---------------------------------------------------------------------------------------------
// The spec testsuite.

const TESTSUITE = new URL("../../../shared/testsuite/", import.meta.url);

/** A straight-line body: its instructions and local layout, or null. */
interface Body {
  params: number[];
  results: number[];
  localTypes: number[];
  instrs: ReturnType<typeof readInstrs>;
}

const SCALAR_CONST = new Set(["i32.const", "i64.const", "f32.const", "f64.const", "v128.const"]);
const LOCAL_OPS = new Set(["local.get", "local.set", "local.tee", "drop"]);

function compileBody(m: Module, funcIndex: number): Body | null {
  const func = m.funcs[funcIndex];
  if (func === undefined) return null;
  const type = m.types[func.type].comp as FuncType;
  const instrs = readInstrs(func.body);
  for (const i of instrs.slice(0, -1)) {
    const n = OPS[i.op].name;
    if (!(isExecSimdOp(i.op) || SCALAR_CONST.has(n) || LOCAL_OPS.has(n) || n === "i8x16.shuffle")) {
      return null;
    }
  }
  const localTypes = [...type.params];
  for (const run of func.locals) for (let k = 0; k < run.count; k++) localTypes.push(run.type);
  return { params: type.params, results: type.results, localTypes, instrs };
}

const SIZE = (t: number) => t === V128 ? 16 : 8;
const LETTER_SIZE = (t: string) => t === "v" ? 16 : 8;

/** Runs a body with `args` in a fresh slot buffer; returns each result's bytes. */
function runBody(body: Body, args: Value[]): Uint8Array[] {
  const m: SimdViews = simdViews(new ArrayBuffer(4096));
  const localOff: number[] = [];
  let sp = 0;
  for (const t of body.localTypes) {
    localOff.push(sp);
    sp += SIZE(t);
  }
  args.forEach((v, k) => writeValue(m, localOff[k], v));
  const stack: [number, number][] = []; // [offset, size]
  const push = (size: number) => {
    const at = stack.length === 0 ? sp : stack[stack.length - 1][0] + stack[stack.length - 1][1];
    stack.push([at, size]);
    return at;
  };
  for (const ins of body.instrs.slice(0, -1)) {
    const info = OPS[ins.op];
    switch (info.name) {
      case "local.get": {
        const k = ins.index!, size = SIZE(body.localTypes[k]), at = push(size);
        m.u8.copyWithin(at, localOff[k], localOff[k] + size);
        break;
      }
      case "local.set":
      case "local.tee": {
        const k = ins.index!, [at, size] = stack[stack.length - 1];
        m.u8.copyWithin(localOff[k], at, at + size);
        if (info.name === "local.set") stack.pop();
        break;
      }
      case "drop":
        stack.pop();
        break;
      case "i32.const":
      case "f32.const":
        m.i32[push(8) >> 2] = ins.value!;
        break;
      case "i64.const":
      case "f64.const":
        m.i64[push(8) >> 3] = BigInt.asIntN(64, ins.value64!);
        break;
      case "v128.const":
        m.u8.set(ins.bytes!, push(16));
        break;
      case "i8x16.shuffle": {
        const [b] = stack.pop()!, [a] = stack.pop()!;
        execShuffle(m, a, a, b, ins.bytes!);
        push(16);
        break;
      }
      default: {
        const n = info.params!.length;
        const offs = stack.splice(stack.length - n, n).map(([at]) => at);
        const d = offs[0];
        execSimd(ins.op, m, d, offs[0], offs[1] ?? 0, offs[2] ?? 0, ins.lane ?? 0);
        push(LETTER_SIZE(info.results!));
      }
    }
  }
  return stack.map(([at, size]) => m.u8.slice(at, at + size));
}

function writeValue(m: SimdViews, at: number, v: Value): void {
  switch (v.type) {
    case "i32":
      m.i32[at >> 2] = v.value;
      break;
    case "i64":
      m.i64[at >> 3] = v.value;
      break;
    case "f32":
      m.u32[at >> 2] = v.bits;
      break;
    case "f64":
      m.u64[at >> 3] = v.bits;
      break;
    case "v128":
      m.u8.set(v.bytes, at);
      break;
    default:
      throw new Error("unsupported argument");
  }
}

/** Whether the lane bits `x` (unsigned, `bits` wide) are the NaN pattern `nan`. */
function nanMatches(x: bigint, bits: number, nan: string): boolean {
  const mant = bits === 32 ? 23n : 52n;
  const expMask = ((1n << (BigInt(bits) - 1n)) - 1n) ^ ((1n << mant) - 1n);
  const frac = x & ((1n << mant) - 1n);
  if ((x & expMask) !== expMask || frac === 0n) return false;
  const quiet = 1n << (mant - 1n);
  return nan === "canonical" ? frac === quiet : (frac & quiet) !== 0n;
}

function lanesOf(bytes: Uint8Array, bits: number): bigint[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset);
  const out: bigint[] = [];
  for (let o = 0; o < 16; o += bits / 8) {
    out.push(
      bits === 8
        ? BigInt(dv.getUint8(o))
        : bits === 16
        ? BigInt(dv.getUint16(o, true))
        : bits === 32
        ? BigInt(dv.getUint32(o, true))
        : dv.getBigUint64(o, true),
    );
  }
  return out;
}

function matches(r: Uint8Array, type: number, p: ResultPat): boolean {
  const dv = new DataView(r.buffer, r.byteOffset);
  switch (p.kind) {
    case "either":
      return p.alternatives.some((a) => matches(r, type, a));
    case "nan":
      return p.type === "f32"
        ? nanMatches(BigInt(dv.getUint32(0, true)), 32, p.nan)
        : nanMatches(dv.getBigUint64(0, true), 64, p.nan);
    case "v128": {
      const bits = 128 / p.lanes.length;
      const got = lanesOf(r, bits);
      return p.lanes.every((lp, l) =>
        typeof lp === "bigint" ? got[l] === lp : nanMatches(got[l], bits, lp)
      );
    }
    case "value": {
      const v = p.value;
      if (v.type === "i32") return type === I32 && dv.getInt32(0, true) === v.value;
      if (v.type === "i64") return type === I64 && dv.getBigInt64(0, true) === v.value;
      if (v.type === "f32") return type === F32 && dv.getUint32(0, true) === v.bits;
      if (v.type === "f64") return type === F64 && dv.getBigUint64(0, true) === v.bits;
      if (v.type === "v128") return hex(r) === hex(v.bytes);
      return false;
    }
    default:
      return false;
  }
}

/** Runs one wast file's reachable assertions; returns how many ran. */
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
        if (e.kind === ExternKind.Func) bodies.set(e.name, compileBody(m, e.index - imported));
      }
      continue;
    }
    if (c.kind !== "assert_return") continue;
    const a = c.action;
    if (a.kind !== "invoke" || a.instance !== null) continue;
    const body = bodies.get(a.name);
    if (!body || a.args.some((v) => v.type === "ref")) continue;
    const got = runBody(body, a.args);
    const where = `${file}:${c.line} ${a.name}`;
    assert.equal(got.length, c.results.length, where);
    c.results.forEach((p, k) => {
      assert.ok(
        matches(got[k], body.results[k], p),
        `${where}: got ${hex(got[k])}, want ${
          JSON.stringify(p, (_, v) => typeof v === "bigint" ? v.toString(16) : v)
        }`,
      );
    });
    count++;
  }
  return count;
}

const WAST_FILES = [...Deno.readDirSync(TESTSUITE)]
  .map((e) => e.name)
  .filter((n) =>
    /^(simd_.*|relaxed_.*|i16x8_relaxed.*|i32x4_relaxed.*|i8x16_relaxed.*)\.wast$/.test(n)
  )
  .sort();

Deno.test("spec testsuite: simd_*.wast and relaxed_*.wast assertions", () => {
  const counts: Record<string, number> = {};
  let total = 0;
  for (const f of WAST_FILES) {
    const n = runWast(f);
    runWast(f); // again, once V8 has optimized the handlers
    counts[f] = n;
    total += n;
  }
  // 23,599 when written: all but those on functions with memory, control flow or scalar code.
  assert.ok(total >= 23500, `only ${total} assertions reached: ${JSON.stringify(counts)}`);
});
