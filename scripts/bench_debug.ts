/**
 * Time travel's cost (src/debug): for a C kernel (sha256) and for CPython, at about 10^6, 10^8
 * and 10^9 ticks of recorded run, how much slower recording is than a plain run of the same
 * ticks, the memory the history takes (checkpoints and log), the time of a first travel to a
 * random tick (from the end: restore and replay) and of a step to a tick within 10^6 of the
 * current one, as p50 and p95 over 20 of each. `deno task bench` runs it after the snapshots
 * (unless `--filter` narrows the run), or alone:
 *
 * ```sh
 * deno run -A scripts/bench_debug.ts [--max 1e8] [--json]
 * ```
 *
 * Recording is timed from `new Recording` on (its first checkpoint, of the whole memory, is
 * part of its cost) to the end of `record(ticks)`; a plain run is the same program from the
 * same start for the same ticks without a recording. The two alternate, each on a fresh
 * instance, in pairs (15 at 10^6 ticks, 3 at 10^8, one at 10^9, after a warm-up of both); the
 * ratio shown is the median over the pairs of recording/plain (the two of a pair share the
 * machine's load at the time), both of wall time and of the process's CPU time, which a busy
 * machine disturbs less (it also counts V8's helper threads: garbage collection, compiling).
 * A full garbage collection precedes each timed run (the last run's garbage is not this one's).
 * The goals (issue 14): recording at most 1.5x a plain run; at 10^9 ticks a first travel
 * within 1 s p95, a near step within 50 ms p95, the history within its 256 MiB budget. CPython
 * needs ../shared/programs/cpython (its rows are left out without it).
 *
 * @module
 */

import { parseArgs } from "node:util";
import process from "node:process";
import v8 from "node:v8";
import vm from "node:vm";
import { fileURLToPath } from "node:url";
import { createWasi, type Execution, Recording, Runtime, type WasmFunction } from "../mod.ts";

/** One measured case. */
export interface DebugRow {
  /** The program. */
  program: string;
  /** Ticks recorded. */
  ticks: number;
  /** ms of a plain run of those ticks (median over `runs`). */
  plainMs: number;
  /** ms of recording them, the recording's set-up included (median over `runs`). */
  recordMs: number;
  /** CPU ms of the process during a plain run (median over `runs`). */
  plainCpuMs: number;
  /** CPU ms of the process while recording (median over `runs`). */
  recordCpuMs: number;
  /** Plain runs and recordings timed (alternating, in pairs). */
  runs: number;
  /** The median over the pairs of recording/plain wall time (pairs share the machine's load). */
  ratio: number;
  /** The same of CPU time. */
  cpuRatio: number;
  /** Checkpoints kept at the end. */
  checkpoints: number;
  /** Bytes of checkpoints and log. */
  historyBytes: number;
  /** First travel to a random tick: p50 and p95 in ms. */
  travelP50: number;
  /** See `travelP50`. */
  travelP95: number;
  /** A step to a tick within 10^6 of the current one: p50 and p95 in ms. */
  stepP50: number;
  /** See `stepP50`. */
  stepP95: number;
}

const CPYTHON = new URL("../../shared/programs/cpython/", import.meta.url);
const SHA = new URL("../testdata/kernels/sha256.wasm", import.meta.url);
const SAMPLES = 20;

function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

interface Program {
  name: string;
  /** A fresh execution (and its WASI host, if any). */
  start(): { ex: Execution; wasi?: ReturnType<typeof createWasi> };
}

const kernel: Program = {
  name: "sha256 (C kernel)",
  start() {
    const rt = new Runtime();
    const inst = rt.instantiate(Deno.readFileSync(SHA));
    return { ex: rt.start(inst.exports.run as WasmFunction, [1 << 30]) };
  },
};

const cpython: Program = {
  name: "CPython loop",
  start() {
    const bytes = Deno.readFileSync(new URL("python.wasm", CPYTHON));
    const wasi = createWasi({
      args: ["python", "-c", "s = 0\nfor i in range(10**9): s += i * i\nprint(s)"],
      env: { PYTHONHOME: "/" },
      preopens: { "/": fileURLToPath(CPYTHON) },
      deterministic: true,
      stdout: () => {},
    });
    const rt = new Runtime();
    const inst = rt.instantiate(bytes, wasi.imports(bytes));
    wasi.bind(inst);
    return { ex: rt.start(inst.exports._start as WasmFunction), wasi };
  },
};

/** The process's CPU time in ms (user and system, every thread). */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * A full garbage collection (V8's `gc`, exposed through node:v8 flags), run before each timed
 * run: the garbage an earlier run left (a recording's history) is not collected during this
 * one. A no-op where the flag cannot be set.
 */
const collect: () => void = (() => {
  try {
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as unknown;
    if (typeof gc === "function") return () => void gc();
  } catch { /* not available */ }
  return () => {};
})();

/** Runs `ex` for `ticks` ticks (or to its end), in budgets. */
function runTicks(ex: Execution, ticks: number): void {
  for (let left = ticks; left > 0;) {
    const r = ex.runFor(Math.min(left, 1 << 24));
    left -= Math.min(left, 1 << 24) - ex.fuel;
    if (r.status !== "paused") break;
  }
}

/** Wall and CPU ms of a plain run of `ticks` ticks of `p` (from a fresh start). */
function plainRun(p: Program, ticks: number): [number, number] {
  const { ex } = p.start();
  collect();
  const c0 = cpuMs(), t0 = performance.now();
  runTicks(ex, ticks);
  return [performance.now() - t0, cpuMs() - c0];
}

/** Wall and CPU ms of recording `ticks` ticks of `p` (from a fresh start), and the recording. */
function recordRun(p: Program, ticks: number): [number, number, Recording] {
  const { ex, wasi } = p.start();
  collect();
  const c0 = cpuMs(), t0 = performance.now();
  const rec = new Recording(ex, { wasi });
  rec.record(ticks);
  return [performance.now() - t0, cpuMs() - c0, rec];
}

function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

function measure(p: Program, ticks: number, rnd: () => number): DebugRow {
  const runs = ticks <= 1e6 ? 15 : ticks <= 1e8 ? 3 : 1;
  const plain: [number, number][] = [], recorded: [number, number][] = [];
  let rec: Recording | null = null;
  for (let i = 0; i < runs; i++) {
    // Alternating which goes first, so that neither always follows the other's garbage.
    if (i % 2 === 0) plain.push(plainRun(p, ticks));
    rec = null; // the last recording's history may go before this one is made
    const [wall, cpu, r] = recordRun(p, ticks);
    recorded.push([wall, cpu]);
    rec = r;
    if (i % 2 === 1) plain.push(plainRun(p, ticks));
  }
  if (rec === null) throw new Error("no recording");
  let t0 = 0;
  const travels: number[] = [], steps: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    rec.travel(rec.end);
    const target = Math.floor(rnd() * rec.end);
    t0 = performance.now();
    rec.travel(target);
    travels.push(performance.now() - t0);
    const near = Math.max(0, Math.min(rec.end, target + Math.floor((rnd() * 2 - 1) * 1e6)));
    t0 = performance.now();
    rec.travel(near);
    steps.push(performance.now() - t0);
  }
  const st = rec.stats;
  return {
    program: p.name,
    ticks: rec.end,
    plainMs: median(plain.map((x) => x[0])),
    recordMs: median(recorded.map((x) => x[0])),
    plainCpuMs: median(plain.map((x) => x[1])),
    recordCpuMs: median(recorded.map((x) => x[1])),
    runs,
    ratio: median(recorded.map((x, i) => x[0] / plain[i][0])),
    cpuRatio: median(recorded.map((x, i) => x[1] / plain[i][1])),
    checkpoints: st.checkpoints,
    historyBytes: st.checkpointBytes + st.logBytes,
    travelP50: quantile(travels, 0.5),
    travelP95: quantile(travels, 0.95),
    stepP50: quantile(steps, 0.5),
    stepP95: quantile(steps, 0.95),
  };
}

/** Runs the cases up to `max` ticks (progress on stderr). */
export function benchDebug(max = 1e9): DebugRow[] {
  let x = 42;
  const rnd = () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const programs = [kernel];
  try {
    Deno.statSync(new URL("python.wasm", CPYTHON));
    programs.push(cpython);
  } catch { /* not there */ }
  const rows: DebugRow[] = [];
  for (const p of programs) {
    // Warm-up: V8 optimizes the interpreter's paths for this program (a plain run long
    // enough for the optimizing compiler, then the recorder's code).
    plainRun(p, 2e7);
    recordRun(p, 2e7);
    measure(p, 2e5, rnd);
    for (const ticks of [1e6, 1e8, 1e9]) {
      if (ticks > max) continue;
      console.error(`bench debug: ${p.name}, ${ticks.toExponential()} ticks`);
      rows.push(measure(p, ticks, rnd));
    }
  }
  return rows;
}

/** The rows as a table. */
export function formatDebug(rows: readonly DebugRow[]): string {
  const head = [
    "time travel",
    "ticks",
    "record/plain wall, cpu",
    "history MiB",
    "checkpoints",
    "travel p50/p95 ms",
    "near step p50/p95 ms",
  ];
  const body = rows.map((r) => [
    r.program,
    r.ticks.toExponential(1),
    `${r.ratio.toFixed(2)}x, ${r.cpuRatio.toFixed(2)}x`,
    (r.historyBytes / 2 ** 20).toFixed(1),
    String(r.checkpoints),
    `${r.travelP50.toFixed(0)} / ${r.travelP95.toFixed(0)}`,
    `${r.stepP50.toFixed(0)} / ${r.stepP95.toFixed(0)}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  return [head, ...body].map((r) => r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd())
    .join("\n");
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { max: { type: "string" }, json: { type: "boolean" } },
  });
  const rows = benchDebug(values.max === undefined ? 1e9 : Number(values.max));
  console.log(values.json ? JSON.stringify(rows, null, 2) : formatDebug(rows));
}
