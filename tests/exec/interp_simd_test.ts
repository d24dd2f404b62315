/**
 * Tests of the SIMD dispatch (src/exec/interp_simd.ts): its case labels are the opcode table's
 * 0xFD numbers, and every instruction it writes out gives, on random vectors and scalars and
 * with the result in a fresh slot or over either operand, the bits of the handler table of
 * `simd.ts` (whose semantics tests/exec/simd_test.ts checks against V8).
 *
 * @module
 */

import assert from "node:assert/strict";
import { simdOp } from "../../src/exec/interp_simd.ts";
import { execShuffle, execSimd, simdViews } from "../../src/exec/simd.ts";
import type { CompiledFunc } from "../../src/ir/compiled.ts";
import { IR } from "../../src/ir/ops.ts";
import { Op, OPS } from "../../src/syntax/opcodes.ts";

const source = Deno.readTextFileSync(new URL("../../src/exec/interp_simd.ts", import.meta.url));
const simdOps = source.slice(source.indexOf("export function simdOp"));
const body = simdOps.slice(0, simdOps.indexOf("\n}\n"));
/** The written-out cases of simdOp: [0xFD number, name]. */
const CASES = [...body.matchAll(/case (\d+) \/\* ([A-Za-z0-9_.]+) \*\//g)].map((
  m,
) => [Number(m[1]), m[2]] as const);

Deno.test("SIMD dispatch: case labels are the opcode table's 0xFD numbers", () => {
  assert.ok(CASES.length > 60);
  for (const [code, name] of CASES) {
    const info = OPS[Op[name as "i32x4.add"]];
    assert.ok(info !== undefined && info.prefix === 0xfd, `${name} is a SIMD instruction`);
    assert.equal(info.code, code, `case ${code} is labelled ${name}`);
  }
});

/** A 32-bit random word (xorshift, seeded). */
function words(seed: number): () => number {
  let x = seed | 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x | 0;
  };
}

/**
 * Runs one `simd` IR instruction through simdOp on a frame of 16 words: a at words 0-3, b at
 * 4-7, c at 8-11, a scratch result at 12-15 (or over a or b).
 */
function viaDispatch(w: number, init: Int32Array, d: number, imm: number, pool: Int32Array) {
  const V = simdViews(new ArrayBuffer(64));
  V.i32.set(init);
  const cf = {
    code: Int32Array.of(IR.simd, w, d, 0, 4, 8, imm),
    pool,
  } as unknown as CompiledFunc;
  simdOp(V, cf, 0, 0);
  return V.i32;
}

function viaTable(op: number, init: Int32Array, d: number, imm: number, lanes?: Uint8Array) {
  const V = simdViews(new ArrayBuffer(64));
  V.i32.set(init);
  if (lanes) execShuffle(V, d * 4, 0, 16, lanes);
  else execSimd(op, V, d * 4, 0, 16, 32, imm);
  return V.i32;
}

Deno.test("SIMD dispatch: written-out instructions give the handler table's bits", () => {
  const next = words(0x9e3779b9);
  for (const [code, name] of CASES) {
    if (name === "i8x16.shuffle") continue;
    const info = OPS[Op[name as "i32x4.add"]];
    const lanes = info.imm === "lane" ? 16 >> Math.log2(shapeBytes(name)) : 1;
    const vectorOperands = info.params!.split("").filter((c) => c === "v").length;
    for (let trial = 0; trial < 200; trial++) {
      const init = Int32Array.from({ length: 16 }, next);
      if (trial % 4 === 0) init.set([init[0], init[0], init[2], init[2]], 4); // equal lanes
      if (trial % 5 === 0) init[4] = trial; // small shift counts and scalars
      const imm = info.imm === "lane" ? trial % lanes : 0;
      // The result in its own slot, or over a (and over b when b is a vector).
      const dests = vectorOperands >= 2 ? [12, 0, 4] : vectorOperands === 1 ? [12, 0] : [12];
      for (const d of dests) {
        const got = viaDispatch(code, init, d, imm, new Int32Array(0));
        const want = viaTable(info.op, init, d, imm);
        assert.deepEqual([...got], [...want], `${name} trial ${trial} result at word ${d}`);
      }
    }
  }
});

Deno.test("SIMD dispatch: shuffles (lanes from the pool) as the table's", () => {
  const next = words(12345);
  for (let trial = 0; trial < 300; trial++) {
    const init = Int32Array.from({ length: 16 }, next);
    const lanes = Uint8Array.from({ length: 16 }, () => (next() >>> 0) % 32);
    const pool = new Int32Array(lanes.slice().buffer);
    for (const d of [12, 0, 4]) {
      const got = viaDispatch(13, init, d, 0, pool);
      const want = viaTable(Op["i8x16.shuffle"], init, d, 0, lanes);
      assert.deepEqual([...got], [...want], `shuffle trial ${trial} at word ${d}`);
    }
  }
});

/** The lane width in bytes of an instruction's shape (`i8x16.` 1 ... `f64x2.` 8). */
function shapeBytes(name: string): number {
  const lanes = Number(/x(\d+)\./.exec(name)?.[1] ?? 16);
  return 16 / lanes;
}
