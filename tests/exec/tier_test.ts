/**
 * Tests of the compiled tier (src/exec/tier.ts) against the interpreter, the oracle: the
 * benchmark kernels (checksums from V8, in testdata/kernels/kernels.json) give the same
 * results with the tier forced on, and under random tick budgets they pause at exactly the
 * same places with the same fuel and the same whole state (the debugger's state hash: stack
 * bytes, dead slots included, memories, globals, tables), whatever the tier; the
 * generated templates are in step with the interpreter's cases.
 *
 * @module
 */

import assert from "node:assert/strict";
import { decodeModule } from "../../src/binary/decode.ts";
import { Execution } from "../../src/exec/execution.ts";
import { Machine } from "../../src/exec/machine.ts";
import { instantiate } from "../../src/exec/instantiate.ts";
import { newStore } from "../../src/runtime/store.ts";
import { validateModule } from "../../src/valid/validate.ts";
import { extract } from "../../scripts/tier_ops.ts";
import { BRANCH, SIMPLE } from "../../src/exec/tier_ops.ts";
import { tierState } from "../../src/exec/tier.ts";
import { stateHash } from "../../src/debug/hash.ts";
import { Runtime } from "../../src/api/runtime.ts";

const KERNELS = new URL("../../testdata/kernels/", import.meta.url);
const list = JSON.parse(Deno.readTextFileSync(new URL("kernels.json", KERNELS))).kernels as {
  name: string;
  testN: number;
  result: string;
  expected: Record<string, string>;
}[];

/**
 * A machine with kernel `name` instantiated; the address of its `run`. `sliceEdges`: the
 * tier's compiled calls end after that many jumps back (tier.ts SLICE_EDGES).
 */
function load(name: string, tier: "off" | "all", sliceEdges?: number): { m: Machine; run: number } {
  const bytes = Deno.readFileSync(new URL(`${name}.wasm`, KERNELS));
  const mod = decodeModule(bytes);
  const m = new Machine(newStore());
  m.tier = tier;
  if (sliceEdges !== undefined) tierState(m).sliceEdges = sliceEdges;
  const inst = instantiate(m, mod, validateModule(mod), []);
  const ev = m.store.instances[inst].exports.get("run")!;
  return { m, run: ev.addr };
}

/** A small deterministic random generator (xorshift32). */
function rng(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** Runs `run(n)` in slices of random budgets; the pauses and the result. */
function sliced(
  name: string,
  n: number,
  tier: "off" | "all",
  seed: number,
  max: number,
  sliceEdges?: number,
) {
  const { m, run } = load(name, tier, sliceEdges);
  const ex = Execution.start(m, run, [n]);
  const pauses: string[] = [];
  const next = rng(seed);
  for (let i = 0; i < 1_000_000; i++) {
    const budget = 1 + Math.floor(next() * max);
    const r = ex.runFor(budget);
    if (r.status !== "paused") {
      return { pauses, result: JSON.stringify(r, (_, v) => typeof v === "bigint" ? `${v}` : v), m };
    }
    // The whole state (stack bytes, dead slots included, memory, globals...) and the fuel.
    pauses.push(`${m.funcAddr}:${m.pc}:${m.fuel}:${stateHash(m, ex, null)}`);
  }
  throw new Error("did not finish");
}

const kernels = list.filter((k) => k.name !== "trees");

Deno.test("tier all: each kernel's checksum at its test n, and its functions compiled", () => {
  for (const k of kernels) {
    const { m, run } = load(k.name, "all");
    const ex = Execution.start(m, run, [k.testN]);
    const r = ex.runFor(Infinity);
    assert.equal(r.status, "complete", k.name);
    const got = (r as { results: unknown[] }).results[0];
    const want = k.result === "i64" ? BigInt.asIntN(64, BigInt(got as bigint)) : got;
    assert.equal(String(want), k.expected[String(k.testN)], k.name);
    assert.ok(tierState(m).fns.some((f) => typeof f === "function"), `${k.name}: none compiled`);
  }
});

Deno.test("tier all: under random budgets, the same pauses, states, fuel and result as the interpreter", () => {
  for (const k of kernels) {
    const n = Math.max(1, Math.floor(k.testN / 4));
    for (const [seed, max] of [[1, 50], [7, 3000]]) {
      const a = sliced(k.name, n, "off", seed, max);
      const b = sliced(k.name, n, "all", seed, max);
      assert.equal(b.result, a.result, `${k.name} result`);
      assert.equal(b.pauses.length, a.pauses.length, `${k.name} pauses (seed ${seed})`);
      assert.deepEqual(b.pauses, a.pauses, `${k.name} (seed ${seed})`);
    }
  }
});

Deno.test("tier all: compiled calls cut every few jumps back: the same pauses, states and result", () => {
  for (const k of kernels) {
    const n = Math.max(1, Math.floor(k.testN / 4));
    const a = sliced(k.name, n, "off", 3, 500);
    for (const edges of [0, 3]) {
      const b = sliced(k.name, n, "all", 3, 500, edges);
      assert.equal(b.result, a.result, `${k.name} result (slices of ${edges})`);
      assert.deepEqual(b.pauses, a.pauses, `${k.name} (slices of ${edges})`);
    }
  }
});

Deno.test("src/exec/tier_ops.ts is generated from the interpreter's current cases", () => {
  const src = Deno.readTextFileSync(new URL("../../src/exec/interp.ts", import.meta.url));
  const { simple, branch } = extract(src);
  const stale = "stale: run deno run -A scripts/tier_ops.ts";
  assert.deepEqual(SIMPLE, simple, stale);
  assert.deepEqual(BRANCH, branch, stale);
});

Deno.test("tier all: deep recursion goes on in the interpreter past the JS depth, no JS stack overflow", () => {
  const wat = `(module (func $d (export "d") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $d (i32.sub (local.get 0) (i32.const 1))))))))`;
  for (const tier of ["off", "all"] as const) {
    const rt = new Runtime({ tier });
    const d = rt.instantiate(wat).exports.d as (n: number) => number;
    assert.equal(d(40_000), 40_000, tier);
    assert.throws(() => d(60_000), /call stack exhausted/, tier);
  }
});

Deno.test("tier all: i64 shifts and rotations by a constant count and by a variable one", () => {
  const ops = ["shl", "shr_s", "shr_u", "rotl", "rotr"];
  const counts = [0, 1, 5, 31, 32, 33, 63, 64, 100, -1];
  let wat = "(module";
  for (const op of ops) {
    // The count set as a constant in the same straight-line run (tier.ts CONST_SHIFT).
    for (const k of counts) {
      wat += ` (func (export "${op}${k}") (param i64) (result i64) (local i64)
        (local.set 1 (i64.const ${k})) (i64.${op} (local.get 0) (local.get 1)))`;
    }
    wat += ` (func (export "${op}") (param i64 i64) (result i64)
      (i64.${op} (local.get 0) (local.get 1)))`;
  }
  wat += ")";
  // The oracle: the spec's definitions on BigInts.
  const spec = (op: string, x: bigint, k: number): bigint => {
    const n = BigInt(k & 63), u = BigInt.asUintN(64, x);
    const rotl = (c: bigint) => BigInt.asIntN(64, (u << c) | (u >> ((64n - c) & 63n)));
    switch (op) {
      case "shl":
        return BigInt.asIntN(64, x << n);
      case "shr_s":
        return BigInt.asIntN(64, x) >> n;
      case "shr_u":
        return BigInt.asIntN(64, u >> n);
      case "rotl":
        return n === 0n ? x : rotl(n);
      default:
        return n === 0n ? x : rotl(64n - n);
    }
  };
  const xs = [0n, 1n, -1n, 0x0123456789abcdefn, -0x7edcba9876543211n, 1n << 63n, 0x80000000n];
  for (const tier of ["off", "all"] as const) {
    const e = new Runtime({ tier }).instantiate(wat).exports;
    for (const op of ops) {
      for (const x of xs.map((v) => BigInt.asIntN(64, v))) {
        for (const k of counts) {
          const c = e[`${op}${k}`] as (x: bigint) => bigint;
          const v = e[op] as (x: bigint, k: bigint) => bigint;
          const want = spec(op, x, k);
          assert.equal(BigInt.asIntN(64, c(x)), want, `${tier} ${op} ${x} by constant ${k}`);
          assert.equal(BigInt.asIntN(64, v(x, BigInt(k))), want, `${tier} ${op} ${x} by ${k}`);
        }
      }
    }
  }
});
