/**
 * SIMD against scalar code: each C kernel of `testdata/simd/` is built twice by clang-19
 * (`NAME.simd.wasm` with `-O3 -msimd128`, the auto-vectorizer on; `NAME.scalar.wasm` with `-O3`
 * alone), and both builds run on V8 and on gab, in turns (see {@linkcode measurePair}). The
 * table shows the four median times and gab's ratio simd/scalar: vectorized code must not be
 * slower than the scalar code it replaces (a ratio above 1 is flagged in the table). Every build must return the checksum of
 * `testdata/simd/simd.json` (V8's); a wrong one fails the run.
 *
 * `deno task bench` runs it after the kernels (unless `--filter` narrows the run), or alone:
 *
 * ```sh
 * deno run -A scripts/bench_simd.ts [--runs N] [--warmup N] [--scale X] [--json]
 * ```
 *
 * It does not build the kernels: `scripts/build_testdata.sh simd` does.
 *
 * @module
 */

import { parseArgs } from "node:util";
import {
  type BenchEngine,
  checksum,
  gabEngine,
  type Kernel,
  median,
  type Outcome,
  type RunFunction,
  scaledN,
  v8Engine,
} from "./bench.ts";

/** The directory of the SIMD kernels (sources, both builds and `simd.json`). */
export const SIMD_DIR: URL = new URL("../testdata/simd/", import.meta.url);

/** The two builds of a SIMD kernel. */
export type Build = "simd" | "scalar";

/** Reads the SIMD kernel list (the same shape as `kernels.json`). */
export async function loadSimdKernels(): Promise<Kernel[]> {
  const text = await Deno.readTextFile(new URL("simd.json", SIMD_DIR));
  return (JSON.parse(text) as { kernels: Kernel[] }).kernels;
}

/** Reads one build of a SIMD kernel. */
export function readSimdKernel(kernel: Kernel, build: Build): Promise<Uint8Array> {
  return Deno.readFile(new URL(`${kernel.name}.${build}.wasm`, SIMD_DIR));
}

/** One SIMD kernel's line of the report. */
export interface SimdRow {
  name: string;
  n: number;
  v8Scalar: Outcome;
  v8Simd: Outcome;
  gabScalar: Outcome;
  gabSimd: Outcome;
  /** gab's time on the SIMD build over its time on the scalar build (null if either failed). */
  ratio: number | null;
  /** What went wrong (a checksum, an engine error), or null. */
  problem: string | null;
}

/** Options of a run (a subset of `deno task bench`'s). */
export interface SimdOptions {
  runs: number;
  warmup: number;
  scale: number;
}

/** Runs both builds of every SIMD kernel on both engines. */
export async function benchSimd(
  options: SimdOptions,
  engines: { v8: BenchEngine; gab: BenchEngine } = { v8: v8Engine, gab: gabEngine() },
  log: (line: string) => void = (line) => console.error(line),
): Promise<SimdRow[]> {
  const rows: SimdRow[] = [];
  for (const kernel of await loadSimdKernels()) {
    const n = scaledN(kernel, options.scale);
    const scalar = await readSimdKernel(kernel, "scalar");
    const simd = await readSimdKernel(kernel, "simd");
    const out: Record<string, Outcome> = {};
    for (const engine of [engines.v8, engines.gab]) {
      log(`simd ${kernel.name} (n = ${n}): ${engine.name}, both builds ...`);
      const [a, b] = await measurePair(engine, scalar, simd, kernel, n, options);
      out[`${engine.name}.scalar`] = a;
      out[`${engine.name}.simd`] = b;
    }
    rows.push(judgeSimd(kernel, n, out));
  }
  return rows;
}

/**
 * Loads both builds of a kernel on one engine, then runs them in turns (scalar, simd, simd,
 * scalar, ...), `warmup` untimed rounds and `runs` timed ones: both builds then see the same
 * engine state (a JIT's type feedback, the warm-up; measured: whichever build ran second in a
 * process was up to 2x slower), and the median time of each is compared side by side.
 */
export async function measurePair(
  engine: BenchEngine,
  scalarBytes: Uint8Array,
  simdBytes: Uint8Array,
  kernel: Kernel,
  n: number,
  options: { warmup: number; runs: number },
): Promise<[Outcome, Outcome]> {
  const builds = ["scalar", "simd"] as const;
  let runs: RunFunction[];
  try {
    runs = [await engine.load(scalarBytes), await engine.load(simdBytes)];
  } catch (err) {
    const e: Outcome = { error: `${engine.name}: ${describe(err)}` };
    return [e, e];
  }
  const times: number[][] = [[], []];
  const sums: (string | null)[] = [null, null];
  try {
    for (let i = 0; i < options.warmup + options.runs; i++) {
      for (const k of i % 2 === 0 ? [0, 1] : [1, 0]) {
        const start = performance.now();
        const value = runs[k](n);
        const ms = performance.now() - start;
        const got = checksum(value, kernel.result);
        if (sums[k] !== null && got !== sums[k]) {
          const e = {
            error: `${engine.name}: ${builds[k]} run(${n}) returned ${got}, then ${sums[k]}`,
          };
          return [e, e];
        }
        sums[k] = got;
        if (i >= options.warmup) times[k].push(Math.round(ms * 1000) / 1000);
      }
    }
  } catch (err) {
    const e: Outcome = { error: `${engine.name}: ${describe(err)}` };
    return [e, e];
  }
  return [0, 1].map((k) => ({
    ms: median(times[k]),
    times: times[k],
    checksum: sums[k] ?? "",
  })) as [
    Outcome,
    Outcome,
  ];
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/** Compares the four outcomes of one kernel with its checksum; computes gab's ratio. */
export function judgeSimd(kernel: Kernel, n: number, out: Record<string, Outcome>): SimdRow {
  const expected = kernel.expected[String(n)] ?? null;
  const problems: string[] = [];
  let reference: string | null = expected;
  for (const [key, outcome] of Object.entries(out)) {
    if ("error" in outcome) problems.push(outcome.error);
    else if ("checksum" in outcome) {
      reference ??= outcome.checksum;
      if (outcome.checksum !== reference) {
        problems.push(`${key} returned ${outcome.checksum}, expected ${reference}`);
      }
    }
  }
  const scalar = out["gab.scalar"], simd = out["gab.simd"];
  const ratio = problems.length === 0 && scalar !== undefined && simd !== undefined &&
      "ms" in scalar && "ms" in simd && scalar.ms > 0
    ? simd.ms / scalar.ms
    : null;
  return {
    name: kernel.name,
    n,
    v8Scalar: out["v8.scalar"],
    v8Simd: out["v8.simd"],
    gabScalar: scalar,
    gabSimd: simd,
    ratio,
    problem: problems.length === 0 ? null : problems.join("; "),
  };
}

function cell(outcome: Outcome | undefined): string {
  if (outcome === undefined) return "-";
  if ("ms" in outcome) return outcome.ms.toFixed(1);
  if ("unsupported" in outcome) return "unsupported";
  return "error";
}

/** The report as a table (text ending with a newline). */
export function formatSimd(rows: readonly SimdRow[]): string {
  const header = [
    "SIMD kernel",
    "n",
    "V8 scalar ms",
    "V8 simd ms",
    "gab scalar ms",
    "gab simd ms",
    "gab simd/scalar",
  ];
  const lines = rows.map((row) => [
    row.name,
    String(row.n),
    cell(row.v8Scalar),
    cell(row.v8Simd),
    cell(row.gabScalar),
    cell(row.gabSimd),
    row.ratio === null
      ? (row.problem === null ? "-" : "FAILED")
      : `${row.ratio.toFixed(2)}${row.ratio > 1 ? " (slower!)" : ""}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells: string[]) =>
    cells.map((c, i) => i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])).join("  ")
      .trimEnd();
  const out = [format(header), ...lines.map(format)];
  for (const row of rows) {
    if (row.problem !== null) out.push(`${row.name}: ${row.problem}`);
  }
  return out.join("\n") + "\n";
}

async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      runs: { type: "string", default: "5" },
      warmup: { type: "string", default: "2" },
      scale: { type: "string", default: "1" },
      json: { type: "boolean", default: false },
    },
  });
  const options = {
    runs: Number(values.runs),
    warmup: Number(values.warmup),
    scale: Number(values.scale),
  };
  const rows = await benchSimd(options);
  if (values.json) console.log(JSON.stringify(rows, null, 2));
  else console.log(formatSimd(rows).trimEnd());
  return rows.some((row) => row.problem !== null) ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
