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

/** A machine with kernel `name` instantiated; the address of its `run`. */
function load(name: string, tier: "off" | "all"): { m: Machine; run: number } {
  const bytes = Deno.readFileSync(new URL(`${name}.wasm`, KERNELS));
  const mod = decodeModule(bytes);
  const m = new Machine(newStore());
  m.tier = tier;
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
function sliced(name: string, n: number, tier: "off" | "all", seed: number, max: number) {
  const { m, run } = load(name, tier);
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
