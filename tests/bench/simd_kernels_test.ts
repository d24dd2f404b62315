/**
 * Tests of the SIMD kernels in `testdata/simd/` and of scripts/bench_simd.ts's pieces that do
 * not time anything: `simd.json` lists every source; each kernel's header states its n; both
 * builds exist, the SIMD build uses SIMD instructions and the scalar one none; and at the small
 * n both builds give the listed checksum on V8 and on gab. The timings are not run here.
 *
 * @module
 */

import assert from "node:assert/strict";
import { checksum, gabEngine, v8Engine } from "../../scripts/bench.ts";
import {
  formatSimd,
  judgeSimd,
  loadSimdKernels,
  readSimdKernel,
  SIMD_DIR,
} from "../../scripts/bench_simd.ts";
import { decodeModule } from "../../src/binary/decode.ts";
import { CodeReader } from "../../src/binary/code.ts";
import { OPS } from "../../src/syntax/opcodes.ts";

const kernels = await loadSimdKernels();

/** How many SIMD instructions a module's code holds. */
function simdCount(bytes: Uint8Array): number {
  const m = decodeModule(bytes);
  let n = 0;
  for (const f of m.funcs) {
    const r = new CodeReader(f.body);
    while (!r.done) if (OPS[r.next()].prefix === 0xfd) n++;
  }
  return n;
}

Deno.test("simd.json lists every SIMD kernel source; headers state its n", async () => {
  const sources: string[] = [];
  for await (const e of Deno.readDir(SIMD_DIR)) if (e.name.endsWith(".c")) sources.push(e.name);
  assert.deepEqual(kernels.map((k) => `${k.name}.c`).sort(), sources.sort());
  for (const k of kernels) {
    const text = await Deno.readTextFile(new URL(`${k.name}.c`, SIMD_DIR));
    assert.equal(Number(/Default n = (\d+)/.exec(text)?.[1]), k.n, k.name);
    assert.ok(k.expected[String(k.n)] && k.expected[String(k.testN)], k.name);
  }
});

Deno.test("SIMD kernels: the SIMD build is vectorized, the scalar one is not", async () => {
  for (const k of kernels) {
    assert.ok(simdCount(await readSimdKernel(k, "simd")) > 10, `${k.name}.simd.wasm`);
    assert.equal(simdCount(await readSimdKernel(k, "scalar")), 0, `${k.name}.scalar.wasm`);
  }
});

Deno.test("SIMD kernels: both builds give the listed checksum on V8 and on gab", async () => {
  const gab = gabEngine();
  for (const k of kernels) {
    for (const build of ["simd", "scalar"] as const) {
      const bytes = await readSimdKernel(k, build);
      for (const engine of [v8Engine, gab]) {
        const run = await engine.load(bytes);
        assert.equal(
          checksum(run(k.testN), k.result),
          k.expected[String(k.testN)],
          `${k.name}.${build} on ${engine.name}`,
        );
      }
    }
  }
});

Deno.test("bench_simd: a wrong checksum is a problem; the ratio is gab simd / gab scalar", () => {
  const k = kernels[0];
  const ok = (ms: number) => ({ ms, times: [ms], checksum: k.expected[String(k.n)] });
  const row = judgeSimd(k, k.n, {
    "v8.scalar": ok(2),
    "gab.scalar": ok(100),
    "v8.simd": ok(1),
    "gab.simd": ok(50),
  });
  assert.equal(row.ratio, 0.5);
  assert.equal(row.problem, null);
  const bad = judgeSimd(k, k.n, {
    "v8.scalar": ok(2),
    "gab.scalar": ok(100),
    "v8.simd": ok(1),
    "gab.simd": { ms: 50, times: [50], checksum: "7" },
  });
  assert.equal(bad.ratio, null);
  assert.match(bad.problem!, /gab\.simd returned 7/);
  assert.match(formatSimd([row, bad]), /0\.50\n.*FAILED/s);
});
