/**
 * A run cut into slices of RANDOM lengths, each slice in a NEW process (`deno run cli.ts run
 * --fuel N --snapshot-out F`, then `cli.ts resume --fuel N --snapshot-out F2 F` until the
 * status is not 75), prints exactly what one uninterrupted `cli.ts run` prints and ends with
 * its status: for a compute kernel (`--invoke run`) and for a WASI C program.
 *
 * The cut points come from a seeded PRNG. Each run picks a fresh seed and names it in the
 * test's name (and in every failure); `GAB_SLICE_SEED=1234 deno test -A
 * tests/snapshot/slices_test.ts` replays one. Not here: in-process slicing
 * (snapshot_test.ts) and the CLI's options and messages (tests/cli/snapshot_test.ts).
 *
 * @module
 */

import assert from "node:assert/strict";
import { Runtime, type WasmFunction } from "../../src/api/runtime.ts";
import { createWasi } from "../../src/wasi/api.ts";
import { type Outcome, runCli } from "../cli/process.ts";
import { kernel, load, runWhole } from "./helpers.ts";

const KERNELS = new URL("../../testdata/kernels/", import.meta.url).pathname;
const BASIC = new URL("../../testdata/wasi/basic.wasm", import.meta.url).pathname;
/** Processes per sliced run: at least, and at most (each `deno run` costs ~0.2 s). */
const MIN_SLICES = 6, MAX_SLICES = 9;
/** The message a process that wrote a snapshot adds on stderr. */
const PAUSED_LINE = /^gab: fuel exhausted: snapshot written to .* \(status 75\)\n/m;

/** The seed: `GAB_SLICE_SEED` when set, else a fresh one. */
const SEED = (() => {
  const env = Deno.env.get("GAB_SLICE_SEED");
  if (env !== undefined && env !== "") {
    const s = Number(env);
    if (!Number.isInteger(s) || s < 0 || s >= 2 ** 32) {
      throw new Error(`GAB_SLICE_SEED must be an integer in [0, 2^32), not '${env}'`);
    }
    return s;
  }
  return crypto.getRandomValues(new Uint32Array(1))[0];
})();

/** A small seeded PRNG (mulberry32): uniform 32-bit words. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/**
 * Budgets of ticks for the sliced processes of a run of about `ticks` ticks: between
 * MIN_SLICES - 1 and MAX_SLICES - 1 random cut points, distinct, in (0, ticks); the process
 * after the last cut runs unbounded.
 */
function budgets(ticks: number, random: () => number): number[] {
  const count = MIN_SLICES - 1 + random() % (MAX_SLICES - MIN_SLICES + 1);
  const cuts = new Set<number>();
  while (cuts.size < Math.min(count, ticks - 1)) cuts.add(1 + random() % (ticks - 1));
  const sorted = [...cuts].sort((a, b) => a - b);
  return sorted.map((c, i) => c - (i === 0 ? 0 : sorted[i - 1]));
}

/**
 * Runs `cli.ts run ARGS` once uninterrupted and once in slices of `plan`'s budgets (each in
 * its own process), and checks that the concatenated output and the status agree.
 */
async function compareSliced(args: string[], plan: number[]): Promise<void> {
  const whole = await runCli(["run", ...args]);
  const dir = await Deno.makeTempDir({ prefix: "gab-slices-" });
  const where = `seed ${SEED}, budgets ${JSON.stringify(plan)}`;
  try {
    let out = "", err = "", last: Outcome | null = null, file = "";
    for (let i = 0; i <= plan.length + 1; i++) {
      assert.ok(i <= plan.length, `still status 75 after the last budget (${where})`);
      const next = `${dir}/s${i}`;
      const budget = i < plan.length ? ["--fuel", String(plan[i]), "--snapshot-out", next] : [];
      last = await runCli(i === 0 ? ["run", ...budget, ...args] : ["resume", ...budget, file]);
      out += last.out;
      err += last.err.replace(PAUSED_LINE, "");
      if (last.status !== 75) break;
      assert.match(last.err, PAUSED_LINE, `slice ${i} (${where})`);
      file = next;
    }
    assert.equal(last?.status, whole.status, `exit status (${where}); stderr: ${last?.err}`);
    assert.equal(out, whole.out, `stdout (${where})`);
    assert.equal(err, whole.err, `stderr (${where})`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test(`a kernel sliced at random over new processes prints its result (seed ${SEED})`, async () => {
  const random = prng(SEED);
  const n = 3;
  const { ticks } = runWhole(load(kernel("sha256")), "run", [n]);
  await compareSliced(
    ["--invoke", "run", `${KERNELS}sha256.wasm`, String(n)],
    budgets(ticks, random),
  );
});

Deno.test(`a WASI program sliced at random over new processes (seed ${SEED})`, async () => {
  const random = prng(SEED ^ 0x5bd1e995);
  const args = ["basic.wasm", "one", "two"];
  // Its ticks, in this process (the guest's output is not needed).
  const wasi = createWasi({
    args,
    env: ["GREETING=hi"],
    deterministic: true,
    stdin: new Uint8Array(0),
    stdout: () => {},
    stderr: () => {},
  });
  const runtime = new Runtime();
  const wasm = await Deno.readFile(BASIC);
  const instance = runtime.instantiate(wasm, wasi.imports(wasm));
  wasi.bind(instance);
  const execution = runtime.start(instance.exports._start as WasmFunction);
  const budget = Number.MAX_SAFE_INTEGER;
  const r = execution.runFor(budget);
  assert.notEqual(r.status, "paused");
  // proc_exit is a host call: the machine's fuel is up to date when it ends the run.
  const ticks = Math.max(2, budget - runtime.machine.fuel);
  // Deterministic clocks: in real mode the monotonic clock is `performance.now()` of each
  // process, so it may go back across a resume (basic.c prints whether it advanced).
  await compareSliced(
    ["--deterministic", "--env", "GREETING=hi", BASIC, "one", "two"],
    budgets(ticks, random),
  );
});
