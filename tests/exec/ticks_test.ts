/**
 * Tick counts are part of the engine's contract (budgets, deterministic clocks, snapshots at
 * a given tick): these are the counts of the kernels at small sizes, and a digest of where a
 * run stepped one tick at a time stands after every tick (function, pc, call depth). The
 * figures were taken from the interpreter that counted a tick per dispatch; any change to how
 * ticks are counted (or to which fusions the lowering makes) shows up here and must be
 * deliberate: then update the figures and say so in the commit.
 *
 * @module
 */

import assert from "node:assert/strict";
import { Execution } from "../../src/exec/execution.ts";
import { kernel, load, runWhole } from "../snapshot/helpers.ts";

/** kernel -> [n, ticks of run(n), steps digested, digest of the first `steps` positions]. */
const EXPECTED: Record<string, [number, number, number, number]> = {
  fib: [12, 1165, 1164, 540009877],
  loops: [20, 3286, 3285, 2228180484],
  sieve: [3000, 32163, 20000, 2558832582],
  matmul: [8, 4391, 4390, 2568313508],
  sha256: [1, 945369, 20000, 2687795442],
  memcpy: [300, 1246074, 20000, 4222893847],
  dispatch: [2000, 353645, 20000, 2376614840],
  i64: [500, 10135, 10134, 4134064579],
};

/** FNV-1a over 32-bit words. */
function mix(h: number, x: number): number {
  for (let i = 0; i < 4; i++) h = Math.imul(h ^ ((x >>> (8 * i)) & 255), 16777619);
  return h >>> 0;
}

function measure(name: string, n: number, steps: number): [number, number, number, number] {
  const total = runWhole(load(kernel(name)), "run", [n]).ticks;
  const l = load(kernel(name));
  const ex = Execution.start(l.machine, l.addr("run"), [n]);
  const m = l.machine;
  let h = 2166136261, k = 0;
  for (; k < steps; k++) {
    if (ex.runFor(1).status !== "paused") break;
    h = mix(mix(mix(h, m.funcAddr), m.pc), m.depth);
  }
  return [n, total, k, h];
}

const SIZES: Record<string, number> = {
  fib: 12,
  loops: 20,
  sieve: 3000,
  matmul: 8,
  sha256: 1,
  memcpy: 300,
  dispatch: 2000,
  i64: 500,
};

if (Deno.env.get("GAB_TICKS_PRINT") === "1") {
  for (const [name, n] of Object.entries(SIZES)) {
    console.log(`  ${name}: ${JSON.stringify(measure(name, n, 20000))},`);
  }
}

for (const [name, want] of Object.entries(EXPECTED)) {
  Deno.test(`tick count and single-step positions of kernel ${name}`, () => {
    assert.deepEqual(measure(name, want[0], want[2]), want);
  });
}
