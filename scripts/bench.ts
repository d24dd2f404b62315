/**
 * Runs the compute kernels of `testdata/kernels/` on Deno's own WebAssembly (V8), on gab's
 * interpreter and on gab with its compiled tier (issue 17), side by side, and prints each
 * kernel's median time on the three, the ratios gab/V8 and gab-tier/V8 and the geometric
 * means of the ratios; then (unless `--filter` narrows the run) the real programs (CPython,
 * SQLite, Flite) on Node, gab and gab-tier, the front end's throughput, the snapshots' cost,
 * time travel's, the SIMD kernels' vectorized against scalar builds, the start-up of a
 * process, and the GC loop's time against V8 and peak RSS (`bench_programs.ts`,
 * `bench_frontend.ts`, `bench_snapshot.ts`, `bench_debug.ts`, `bench_simd.ts`,
 * `bench_startup.ts`, `bench_gc.ts`).
 *
 * ```sh
 * deno task bench                  # every kernel at its default n
 * deno task bench --filter sha     # the kernels whose name contains "sha" (or a,b for two)
 * deno task bench --runs 3         # timed runs per kernel and engine (default 5)
 * deno task bench --warmup 0       # untimed runs before them (default 2)
 * deno task bench --scale 0.1      # a tenth of the work (checksums then compared between engines)
 * deno task bench --json           # one JSON object on stdout instead of the table
 * deno task bench --tier all       # the tier's column with every function compiled (default:
 *                                  # hot, the tier's own thresholds)
 * ```
 *
 * Each kernel exports `run(n)` and returns a checksum (i32 or i64), which must equal the one
 * in `testdata/kernels/kernels.json` (when it lists that n) and V8's. Progress goes to stderr.
 * The exit code is 1 when a checksum is wrong or an engine fails. A kernel that gab refuses
 * with an `UnsupportedError` (it uses instructions the engine does not run yet, e.g. GC) shows
 * `unsupported` in gab's column and is left out of the mean; tests/bench/kernels_test.ts pins
 * which kernels those are, so that a regression cannot hide there. gab is imported statically:
 * if `mod.ts` fails to load, the benchmark fails. The tier's column reads `n/a` while the
 * engine has no compiled tier (its machine has no `tier` mode): {@linkcode tierAvailable}.
 *
 * The engines are behind {@linkcode BenchEngine}; {@linkcode gabEngine} drives `mod.ts`'s
 * `instantiate`. This module also exports the pieces the kernel tests use. It does not build
 * the kernels: `scripts/build_testdata.sh` does.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { instantiate, Runtime, UnsupportedError } from "../mod.ts";
import type { TierMode } from "../src/exec/tier.ts";
import { benchFrontend, formatFrontend } from "./bench_frontend.ts";
import { benchPrograms, formatPrograms } from "./bench_programs.ts";
import { benchSnapshot, formatSnapshot } from "./bench_snapshot.ts";
import { benchDebug, formatDebug } from "./bench_debug.ts";
import { benchSimd, formatSimd } from "./bench_simd.ts";
import { benchStartup, formatStartup } from "./bench_startup.ts";
import { benchGc, formatGc } from "./bench_gc.ts";

/** The directory of the kernels (sources, binaries and `kernels.json`). */
export const KERNELS_DIR: URL = new URL("../testdata/kernels/", import.meta.url);

/** One kernel, as listed in `testdata/kernels/kernels.json`. */
export interface Kernel {
  /** The file name without extension: the source `<name>.c` or `<name>.wat`, `<name>.wasm`. */
  name: string;
  /** What the kernel's time is mostly made of. */
  measures: string;
  /** The type `run` returns. */
  result: "i32" | "i64";
  /** How the work grows with n, for {@linkcode scaledN}. */
  growth: Growth;
  /** The benchmark's n (V8 takes roughly 20-100 ms). */
  n: number;
  /** A small n for the tests. */
  testN: number;
  /** Known checksums by n, in {@linkcode checksum}'s form. */
  expected: Record<string, string>;
}

/** How a kernel's work grows with n: linearly, as a power, or exponentially. */
export type Growth = "n" | "n^2" | "n^3" | "2^n" | "phi^n";

/**
 * The n at which a kernel does `scale` times the work it does at its default n (at least 1).
 * Exponential growth moves n by a logarithm, so a `scale` below 1 may round to the same n.
 */
export function scaledN(kernel: Kernel, scale: number): number {
  if (scale === 1) return kernel.n;
  let n: number;
  switch (kernel.growth) {
    case "n":
      n = kernel.n * scale;
      break;
    case "n^2":
      n = kernel.n * Math.sqrt(scale);
      break;
    case "n^3":
      n = kernel.n * Math.cbrt(scale);
      break;
    case "2^n":
      n = kernel.n + Math.log2(scale);
      break;
    case "phi^n":
      n = kernel.n + Math.log(scale) / Math.log((1 + Math.sqrt(5)) / 2);
      break;
  }
  return Math.max(1, Math.round(n));
}

/** Reads the kernel list. */
export async function loadKernels(): Promise<Kernel[]> {
  const text = await Deno.readTextFile(new URL("kernels.json", KERNELS_DIR));
  return (JSON.parse(text) as { kernels: Kernel[] }).kernels;
}

/** Reads a kernel's binary. */
export function readKernel(kernel: Kernel): Promise<Uint8Array> {
  return Deno.readFile(new URL(`${kernel.name}.wasm`, KERNELS_DIR));
}

/** A kernel's exported `run`, ready to call. */
export type RunFunction = (n: number) => number | bigint;

/** An engine the kernels run on. */
export interface BenchEngine {
  /** The engine's column name. */
  name: string;
  /**
   * Compiles and instantiates a kernel (it has no imports) and returns its `run` export.
   * Throws gab's `UnsupportedError` for a kernel the engine does not run yet.
   */
  load(bytes: Uint8Array): Promise<RunFunction>;
}

export type { TierMode };

/**
 * Whether the engine has a compiled tier: a machine with a `tier` mode (src/exec/machine.ts).
 * The benchmark's tier columns read `n/a` without one.
 */
export function tierAvailable(): boolean {
  return "tier" in new Runtime().machine;
}

/** A new runtime whose machine runs in tier mode `mode`. */
export function tieredRuntime(mode: TierMode): Runtime {
  const runtime = new Runtime();
  runtime.machine.tier = mode;
  return runtime;
}

/** gab with its compiled tier in mode `mode`: `instantiate` in a {@linkcode tieredRuntime}. */
export function gabTierEngine(mode: TierMode): BenchEngine {
  return gabEngine((bytes) => instantiate(bytes, {}, { runtime: tieredRuntime(mode) }), "gab-tier");
}

/** Deno's own WebAssembly. */
export const v8Engine: BenchEngine = {
  name: "v8",
  async load(bytes) {
    const { instance } = await WebAssembly.instantiate(bytes as BufferSource, {});
    const run = instance.exports.run;
    if (typeof run !== "function") throw new Error("the kernel exports no function run");
    return run as RunFunction;
  },
};

/** What {@linkcode gabEngine} needs: `mod.ts`'s `instantiate` (another one in tests). */
export type Instantiate = (bytes: Uint8Array) => { exports: Record<string, unknown> };

/**
 * gab, through `mod.ts`'s `instantiate(bytes)` and the instance's `exports.run(n)` (`name`:
 * the column's name); by default the interpreter alone (tier "off").
 */
export function gabEngine(
  api: Instantiate = (bytes) => instantiate(bytes, {}, { runtime: tieredRuntime("off") }),
  name = "gab",
): BenchEngine {
  return {
    name,
    load(bytes) {
      const run = api(bytes).exports.run;
      if (typeof run !== "function") throw new Error("the kernel exports no function run");
      return Promise.resolve(run as RunFunction);
    },
  };
}

/**
 * A result as a decimal string in V8's form (signed i32, signed i64), whatever the engine's
 * representation (unsigned, or a bigint for an i32).
 */
export function checksum(value: number | bigint, type: "i32" | "i64"): string {
  if (type === "i32") return String(Number(BigInt.asIntN(32, BigInt(value))));
  return String(BigInt.asIntN(64, BigInt(value)));
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The geometric mean of positive numbers, or null for none. */
export function geomean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let logSum = 0;
  for (const v of values) logSum += Math.log(v);
  return Math.exp(logSum / values.length);
}

/** One engine's outcome on one kernel. */
export type Outcome =
  | { ms: number; times: number[]; checksum: string }
  | { unsupported: string }
  | { error: string }
  | {
    /** Why the engine did not run at all (the tier not built yet). */
    unavailable: string;
  };

/** The outcome of an engine that is not there (see {@linkcode tierAvailable}). */
export const TIER_UNAVAILABLE: Outcome = { unavailable: "the engine has no compiled tier yet" };

/**
 * Loads a kernel on an engine, calls `run(n)` `warmup` times untimed, then `runs` times timed;
 * gives the median time and the checksum (the same on every call, else an error).
 */
export async function measure(
  engine: BenchEngine,
  bytes: Uint8Array,
  kernel: Kernel,
  n: number,
  options: { warmup: number; runs: number },
): Promise<Outcome> {
  try {
    const run = await engine.load(bytes);
    let sum: string | null = null;
    const times: number[] = [];
    for (let i = 0; i < options.warmup + options.runs; i++) {
      const start = performance.now();
      const value = run(n);
      const ms = performance.now() - start;
      const got = checksum(value, kernel.result);
      if (sum !== null && got !== sum) {
        return { error: `${engine.name}: run(${n}) returned ${got}, then ${sum}` };
      }
      sum = got;
      if (i >= options.warmup) times.push(Math.round(ms * 1000) / 1000);
    }
    return { ms: median(times), times, checksum: sum ?? "" };
  } catch (err) {
    // An instruction the engine does not run yet (GC) is a known gap, not a failure.
    if (err instanceof UnsupportedError) return { unsupported: err.describe() };
    return { error: `${engine.name}: ${describe(err)}` };
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/** A kernel's line of the report. */
export interface Row {
  name: string;
  n: number;
  /** The checksum expected at this n, when kernels.json lists one. */
  expected: string | null;
  v8: Outcome;
  gab: Outcome;
  /** gab with its compiled tier. */
  tier: Outcome;
  /** gab ms / V8 ms, when both ran and agree. */
  ratio: number | null;
  /** gab-tier ms / V8 ms, when both ran and agree. */
  tierRatio: number | null;
  /** What went wrong (a wrong checksum, an engine's error), or null. */
  problem: string | null;
}

/**
 * Compares the outcomes of one kernel (V8, gab, gab with its tier) and computes the ratios.
 */
export function judge(
  kernel: Kernel,
  n: number,
  v8: Outcome,
  gab: Outcome,
  tier: Outcome = TIER_UNAVAILABLE,
): Row {
  const expected = kernel.expected[String(n)] ?? null;
  const problems: string[] = [];
  for (const outcome of [v8, gab, tier]) {
    if ("error" in outcome) problems.push(outcome.error);
  }
  if ("unsupported" in v8) problems.push(`v8: ${v8.unsupported}`);
  if ("checksum" in v8 && expected !== null && v8.checksum !== expected) {
    problems.push(`v8: checksum ${v8.checksum}, expected ${expected}`);
  }
  const reference = expected ?? ("checksum" in v8 ? v8.checksum : null);
  for (const [name, outcome] of [["gab", gab], ["gab-tier", tier]] as const) {
    if ("checksum" in outcome && reference !== null && outcome.checksum !== reference) {
      problems.push(`${name}: checksum ${outcome.checksum}, expected ${reference}`);
    }
  }
  const ratioOf = (o: Outcome) =>
    problems.length === 0 && "ms" in v8 && "ms" in o && v8.ms > 0 ? o.ms / v8.ms : null;
  return {
    name: kernel.name,
    n,
    expected,
    v8,
    gab,
    tier,
    ratio: ratioOf(gab),
    tierRatio: ratioOf(tier),
    problem: problems.join("; ") || null,
  };
}

/** The command-line options. */
export interface Options {
  /** Run only the kernels whose name contains this (or one of its comma-separated parts). */
  filter: string | null;
  /** Timed runs per kernel and engine; the median is reported. */
  runs: number;
  /** Untimed runs before them (V8 tiers up from Liftoff to TurboFan meanwhile). */
  warmup: number;
  /** The work per kernel relative to its default n (see {@linkcode scaledN}). */
  scale: number;
  /** Print one JSON object instead of the table. */
  json: boolean;
  /** Print the usage and stop. */
  help: boolean;
  /** The tier's mode for its column (default "hot"). */
  tier: TierMode;
}

const USAGE =
  "usage: deno task bench [--filter NAME] [--runs N] [--warmup N] [--scale X] [--json] [--tier hot|all]";

/** Parses the command line; throws an Error that ends with the usage for a bad one. */
export function parseOptions(args: string[]): Options {
  const { values } = parseArgs({
    args,
    options: {
      filter: { type: "string" },
      runs: { type: "string", default: "5" },
      warmup: { type: "string", default: "2" },
      scale: { type: "string", default: "1" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
      tier: { type: "string", default: "hot" },
    },
  });
  if (values.tier !== "hot" && values.tier !== "all") {
    throw new Error(`--tier must be hot or all\n${USAGE}`);
  }
  const runs = Number(values.runs), warmup = Number(values.warmup), scale = Number(values.scale);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be >= 1\n${USAGE}`);
  if (!Number.isInteger(warmup) || warmup < 0) throw new Error(`--warmup must be >= 0\n${USAGE}`);
  if (!(scale > 0)) throw new Error(`--scale must be > 0\n${USAGE}`);
  return {
    filter: values.filter ?? null,
    runs,
    warmup,
    scale,
    json: values.json,
    help: values.help,
    tier: values.tier,
  };
}

/**
 * The kernels whose name contains `filter` (or one of its comma-separated parts), all for null.
 * Throws when none matches.
 */
export async function selectKernels(filter: string | null): Promise<Kernel[]> {
  const all = await loadKernels();
  if (filter === null) return all;
  const parts = filter.split(",").filter((part) => part !== "");
  const kernels = all.filter((k) => parts.some((part) => k.name.includes(part)));
  if (kernels.length === 0) {
    throw new Error(
      `no kernel matches "${filter}" (kernels: ${all.map((k) => k.name).join(", ")})`,
    );
  }
  return kernels;
}

/** Runs the benchmark over the kernels the options select. */
export async function runBench(
  options: Options,
  engines: { v8: BenchEngine; gab: BenchEngine; tier?: BenchEngine | null } = {
    v8: v8Engine,
    gab: gabEngine(),
    tier: tierAvailable() ? gabTierEngine(options.tier) : null,
  },
  log: (line: string) => void = (line) => console.error(line),
): Promise<Row[]> {
  const kernels = await selectKernels(options.filter);
  const rows: Row[] = [];
  for (const kernel of kernels) {
    const n = scaledN(kernel, options.scale);
    const bytes = await readKernel(kernel);
    log(`${kernel.name} (n = ${n}): v8 ...`);
    const v8 = await measure(engines.v8, bytes, kernel, n, options);
    log(`${kernel.name}: v8 ${formatOutcome(v8)}; gab ...`);
    const gab = await measure(engines.gab, bytes, kernel, n, options);
    log(`${kernel.name}: gab ${formatOutcome(gab)}`);
    const tier = engines.tier
      ? await measure(engines.tier, bytes, kernel, n, options)
      : TIER_UNAVAILABLE;
    log(`${kernel.name}: gab-tier ${formatOutcome(tier)}`);
    const row = judge(kernel, n, v8, gab, tier);
    if (row.problem !== null) log(`${kernel.name}: ${row.problem}`);
    rows.push(row);
  }
  return rows;
}

function formatOutcome(outcome: Outcome): string {
  if ("ms" in outcome) return `${outcome.ms.toFixed(1)} ms`;
  if ("unsupported" in outcome) return `unsupported: ${outcome.unsupported}`;
  if ("unavailable" in outcome) return `not available: ${outcome.unavailable}`;
  return "error";
}

/** The report as a table (text ending with a newline). */
export function formatTable(rows: readonly Row[]): string {
  const header = ["kernel", "n", "V8 ms", "gab ms", "gab/V8", "gab-tier ms", "gab-tier/V8"];
  const ratioCell = (ratio: number | null, o: Outcome, problem: string | null) =>
    ratio !== null
      ? ratio.toFixed(2)
      : "unavailable" in o
      ? "n/a"
      : problem === null
      ? "-"
      : "FAILED";
  const lines = rows.map((row) => [
    row.name,
    String(row.n),
    cell(row.v8),
    cell(row.gab),
    ratioCell(row.ratio, row.gab, row.problem),
    cell(row.tier),
    ratioCell(row.tierRatio, row.tier, row.problem),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells: string[]) =>
    cells.map((c, i) => i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])).join("  ")
      .trimEnd();
  const out = [format(header), ...lines.map(format)];
  for (const [name, list] of [["gab", ratios(rows)], ["gab-tier", tierRatios(rows)]] as const) {
    const mean = geomean(list);
    const count = list.length;
    out.push(
      mean === null
        ? `geometric mean ${name}/V8: - (${name} ran no kernel)`
        : `geometric mean ${name}/V8: ${mean.toFixed(2)} (over ${count} kernel${
          count === 1 ? "" : "s"
        })`,
    );
  }
  for (const row of rows) {
    if (row.problem !== null) out.push(`${row.name}: ${row.problem}`);
  }
  return out.join("\n") + "\n";
}

function cell(outcome: Outcome): string {
  if ("ms" in outcome) return outcome.ms.toFixed(1);
  if ("unsupported" in outcome) return "unsupported";
  if ("unavailable" in outcome) return "n/a";
  return "error";
}

function ratios(rows: readonly Row[]): number[] {
  return rows.flatMap((row) => row.ratio === null ? [] : [row.ratio]);
}

function tierRatios(rows: readonly Row[]): number[] {
  return rows.flatMap((row) => row.tierRatio === null ? [] : [row.tierRatio]);
}

/** The report as one JSON-ready object. */
export function toJson(rows: readonly Row[], options: Options): Record<string, unknown> {
  return {
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    runs: options.runs,
    warmup: options.warmup,
    scale: options.scale,
    kernels: rows,
    tierMode: options.tier,
    geomean: geomean(ratios(rows)),
    geomeanOver: ratios(rows).length,
    tierGeomean: geomean(tierRatios(rows)),
    tierGeomeanOver: tierRatios(rows).length,
  };
}

async function main(args: string[]): Promise<number> {
  let options: Options;
  try {
    options = parseOptions(args);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    console.error(message.endsWith(USAGE) ? message : `${message}\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  let rows: Row[];
  try {
    rows = await runBench(options);
  } catch (err) {
    console.error(`bench: ${describe(err)}`);
    return 2;
  }
  // The real programs on Node, gab and gab-tier follow (scripts/bench_programs.ts), unless the
  // run was narrowed to some kernels: at most 3 runs each (CPython takes seconds).
  const programs = options.filter === null
    ? await benchPrograms({ runs: Math.min(options.runs, 3), tier: options.tier })
    : [];
  // Then the front end's throughput, likewise.
  const frontend = options.filter === null ? await benchFrontend() : [];
  // Then the snapshots' cost (scripts/bench_snapshot.ts), likewise.
  const snapshots = options.filter === null ? await benchSnapshot() : [];
  // Then time travel's (scripts/bench_debug.ts), likewise.
  const debug = options.filter === null ? benchDebug() : [];
  // Then vectorized against scalar builds of the SIMD kernels (scripts/bench_simd.ts).
  const simd = options.filter === null ? await benchSimd(options) : [];
  // And the start-up of a process (scripts/bench_startup.ts).
  const startup = options.filter === null ? await benchStartup() : null;
  // And the GC loop: time against V8 and peak RSS at a tenth and the whole (scripts/bench_gc.ts).
  const gc = options.filter === null || options.filter.includes("gc") ? await benchGc() : [];
  if (options.json) {
    console.log(
      JSON.stringify(
        { ...toJson(rows, options), programs, frontend, snapshots, debug, simd, startup, gc },
        null,
        2,
      ),
    );
  } else {
    console.log(formatTable(rows).trimEnd());
    if (programs.length > 0) console.log(`\n${formatPrograms(programs)}`);
    if (frontend.length > 0) console.log(`\n${formatFrontend(frontend)}`);
    if (snapshots.length > 0) console.log(`\n${formatSnapshot(snapshots)}`);
    if (debug.length > 0) console.log(`\n${formatDebug(debug)}`);
    if (simd.length > 0) console.log(`\n${formatSimd(simd).trimEnd()}`);
    if (startup !== null) console.log(`\n${formatStartup(startup)}`);
    if (gc.length > 0) console.log(`\n${formatGc(gc)}`);
  }
  const failed = [...rows, ...simd, ...programs].some((row) => row.problem !== null);
  return failed ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
