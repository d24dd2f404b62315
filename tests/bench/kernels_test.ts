/**
 * Tests of the benchmark kernels in `testdata/kernels/` and of the pieces of `scripts/bench.ts`
 * that do not time anything: every kernel listed in `kernels.json` has its source and binary,
 * imports nothing, exports `run` (and its memory, if it has one) and gives the listed checksum
 * on V8 at its small n; gab gives the same checksums through the benchmark's adapter, except on
 * the kernels listed in `UNSUPPORTED` (which it must refuse with an UnsupportedError, until the
 * engine runs them and the list shrinks). The benchmark itself (the timings) is not run here.
 *
 * @module
 */

import assert from "node:assert/strict";
import { UnsupportedError } from "../../mod.ts";
import {
  checksum,
  gabEngine,
  gabTierEngine,
  geomean,
  judge,
  type Kernel,
  KERNELS_DIR,
  loadKernels,
  measure,
  median,
  parseOptions,
  readKernel,
  scaledN,
  v8Engine,
} from "../../scripts/bench.ts";

const kernels = await loadKernels();
const fib: Kernel = kernels.find((k) => k.name === "fib")!;

/** The kernels' source files (`.c` or `.wat`) by kernel name. */
const sources = new Map<string, string>();
for await (const entry of Deno.readDir(KERNELS_DIR)) {
  const match = /^(.+)\.(c|wat)$/.exec(entry.name);
  if (match) sources.set(match[1], entry.name);
}

Deno.test("kernels.json lists every kernel source, and the issue's eight", () => {
  const names = [...sources.keys()];
  assert.deepEqual(kernels.map((k) => k.name).sort(), names.sort());
  for (const name of ["fib", "loops", "sieve", "matmul", "sha256", "memcpy", "dispatch", "i64"]) {
    assert.equal(sources.get(name), `${name}.c`);
  }
});

Deno.test("each kernel's header states its default n as kernels.json does", async () => {
  for (const kernel of kernels) {
    const file = sources.get(kernel.name)!;
    const source = await Deno.readTextFile(new URL(file, KERNELS_DIR));
    const match = /Default n = ([0-9,]+)/.exec(source);
    assert.ok(match, `${file} has no "Default n = ..."`);
    assert.equal(Number(match[1].replaceAll(",", "")), kernel.n, kernel.name);
    assert.ok(kernel.expected[String(kernel.n)], `${kernel.name}: no checksum for n`);
    assert.ok(kernel.expected[String(kernel.testN)], `${kernel.name}: no checksum for testN`);
  }
});

Deno.test("each kernel binary imports nothing and exports run (and its memory)", async () => {
  for (const kernel of kernels) {
    const module = new WebAssembly.Module(await readKernel(kernel) as BufferSource);
    assert.deepEqual(WebAssembly.Module.imports(module), [], kernel.name);
    const exports = WebAssembly.Module.exports(module).map((e) => `${e.name}:${e.kind}`).sort();
    // wasm-ld always exports the memory; a WAT kernel may have none (trees: GC structs only).
    const c = sources.get(kernel.name)!.endsWith(".c");
    const want = c || exports.length === 2 ? ["memory:memory", "run:function"] : ["run:function"];
    assert.deepEqual(exports, want, kernel.name);
  }
});

Deno.test("each kernel gives its checksum on V8 at its small n, the same when called again", async () => {
  for (const kernel of kernels) {
    const run = await v8Engine.load(await readKernel(kernel));
    const value = run(kernel.testN);
    assert.equal(typeof value, kernel.result === "i64" ? "bigint" : "number", kernel.name);
    const want = kernel.expected[String(kernel.testN)];
    assert.equal(checksum(value, kernel.result), want, kernel.name);
    assert.equal(checksum(run(kernel.testN), kernel.result), want, `${kernel.name} again`);
  }
});

Deno.test("checksum writes i32 and i64 results as V8 returns them, signed", () => {
  assert.equal(checksum(-1, "i32"), "-1");
  assert.equal(checksum(0xffffffff, "i32"), "-1");
  assert.equal(checksum(0x80000000n, "i32"), "-2147483648");
  assert.equal(checksum(0xffffffffffffffffn, "i64"), "-1");
  assert.equal(checksum(-5n, "i64"), "-5");
  assert.equal(checksum(7, "i64"), "7");
});

Deno.test("median and geomean", () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(geomean([]), null);
  assert.ok(Math.abs(geomean([2, 8])! - 4) < 1e-12);
});

Deno.test("scaledN scales the work, not n", () => {
  const at = (growth: Kernel["growth"], n: number): Kernel => ({ ...fib, growth, n });
  assert.equal(scaledN(at("n", 1000), 1), 1000);
  assert.equal(scaledN(at("n", 1000), 0.1), 100);
  assert.equal(scaledN(at("n^2", 1000), 0.01), 100);
  assert.equal(scaledN(at("n^3", 1000), 0.001), 100);
  assert.equal(scaledN(at("2^n", 14), 0.25), 12);
  assert.equal(scaledN(at("phi^n", 37), ((Math.sqrt(5) - 1) / 2) ** 5), 32);
  assert.equal(scaledN(at("n", 10), 1e-9), 1);
  for (const kernel of kernels) {
    assert.ok(["n", "n^2", "n^3", "2^n", "phi^n"].includes(kernel.growth), kernel.name);
  }
});

Deno.test("parseOptions reads the flags and rejects bad values", () => {
  assert.deepEqual(parseOptions([]), {
    filter: null,
    runs: 5,
    warmup: 2,
    scale: 1,
    json: false,
    help: false,
    tier: "hot",
  });
  assert.deepEqual(parseOptions(["--filter", "fib", "--runs", "3", "--json", "--scale", "0.5"]), {
    filter: "fib",
    runs: 3,
    warmup: 2,
    scale: 0.5,
    json: true,
    help: false,
    tier: "hot",
  });
  assert.equal(parseOptions(["--tier", "all"]).tier, "all");
  assert.throws(() => parseOptions(["--tier", "warm"]), /--tier/);
  assert.equal(parseOptions(["-h"]).help, true);
  assert.throws(() => parseOptions(["--runs", "0"]), /--runs/);
  assert.throws(() => parseOptions(["--scale", "x"]), /--scale/);
});

/** Kernels gab refuses with an UnsupportedError: they use instructions it does not run yet. */
const UNSUPPORTED = new Set<string>([]);

for (const engine of [gabEngine(), gabTierEngine("all")]) {
  Deno.test(`${engine.name} runs every kernel at its small n with its checksum (or refuses the listed ones)`, async () => {
    const problems: string[] = [];
    for (const kernel of kernels) {
      const bytes = await readKernel(kernel);
      const outcome = await measure(engine, bytes, kernel, kernel.testN, { warmup: 0, runs: 1 });
      if (UNSUPPORTED.has(kernel.name)) {
        if (!("unsupported" in outcome)) {
          problems.push(
            `${kernel.name}: runs now (${JSON.stringify(outcome)}); take it off UNSUPPORTED`,
          );
        }
      } else if (!("checksum" in outcome)) {
        problems.push(`${kernel.name}: ${JSON.stringify(outcome)}`);
      } else if (outcome.checksum !== kernel.expected[String(kernel.testN)]) {
        problems.push(`${kernel.name}: checksum ${outcome.checksum}`);
      }
    }
    assert.deepEqual(problems, []);
  });
}

Deno.test("the gab adapter drives an instantiate and checks its checksums", async () => {
  // A stand-in for gab's instantiate, on V8, returning unsigned i32s.
  const engine = gabEngine((bytes) => {
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes as BufferSource));
    const run = exports.run as (n: number) => number;
    return { exports: { run: (n: number) => run(n) >>> 0 } };
  });
  const bytes = await readKernel(fib);
  const gab = await measure(engine, bytes, fib, fib.testN, { warmup: 1, runs: 3 });
  const v8 = await measure(v8Engine, bytes, fib, fib.testN, { warmup: 1, runs: 3 });
  assert.ok("ms" in gab && "ms" in v8);
  assert.equal(gab.times.length, 3);
  assert.equal(gab.checksum, "6765");
  assert.equal(judge(fib, fib.testN, v8, gab).problem, null);
  const timed = judge(fib, fib.testN, { ...v8, ms: 2 }, { ...gab, ms: 3 });
  assert.equal(timed.ratio, 1.5);
  const wrong = judge(fib, fib.testN, v8, { ms: 1, times: [1], checksum: "1" });
  assert.match(wrong.problem ?? "", /gab: checksum 1, expected 6765/);
  assert.equal(wrong.ratio, null);
  // The tier's column: its own ratio, its checksum checked, n/a while there is no tier.
  const tiered = judge(fib, fib.testN, { ...v8, ms: 2 }, { ...gab, ms: 3 }, { ...gab, ms: 5 });
  assert.equal(tiered.tierRatio, 2.5);
  assert.equal(timed.tierRatio, null);
  assert.ok("unavailable" in timed.tier);
  const badTier = judge(fib, fib.testN, v8, gab, { ms: 1, times: [1], checksum: "2" });
  assert.match(badTier.problem ?? "", /gab-tier: checksum 2, expected 6765/);
});

Deno.test("a failure to load is an error; only an UnsupportedError is a known gap", async () => {
  const boom = gabEngine(() => {
    throw new Error("boom");
  });
  const bytes = await readKernel(fib);
  const failed = await measure(boom, bytes, fib, fib.testN, { warmup: 0, runs: 1 });
  assert.deepEqual(failed, { error: "gab: Error: boom" });
  assert.match(
    judge(fib, fib.testN, { ms: 1, times: [1], checksum: "6765" }, failed).problem!,
    /boom/,
  );
  const refused = gabEngine(() => {
    throw new UnsupportedError("struct.new", 0, "make", 0x2a);
  });
  const gap = await measure(refused, bytes, fib, fib.testN, { warmup: 0, runs: 1 });
  assert.ok("unsupported" in gap && gap.unsupported.startsWith("struct.new is not supported"));
  const row = judge(fib, fib.testN, { ms: 1, times: [1], checksum: "6765" }, gap);
  assert.equal(row.problem, null);
  assert.equal(row.ratio, null);
});
