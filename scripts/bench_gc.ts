/**
 * The GC benchmark (issue 16): a loop that allocates short-lived structs and arrays (10^7
 * objects in all: a struct and an array per iteration) while it keeps a small live set (a
 * ring of 1,024 recent structs), on V8 and on gab, each in its own process so that its peak
 * RSS (VmHWM) is its own. Run at a tenth of the work and at the whole, each after the same
 * warm-up call ({@linkcode GC_WARMUP}): with a collector that works, gab's peak RSS is flat
 * (about the same at both sizes) and its checksum equals V8's.
 *
 * ```sh
 * deno run -A scripts/bench_gc.ts            # the table (also part of `deno task bench`)
 * deno run -A scripts/bench_gc.ts --json
 * deno run -A scripts/bench_gc.ts --concurrent-jit   # V8's default background compilation
 * ```
 *
 * @module
 */

import { Runtime } from "../src/api/runtime.ts";
import { encodeModule } from "../src/binary/encode.ts";
import { gcStats } from "../src/exec/collect.ts";
import { parseModuleText } from "../src/text/parse.ts";

/** The benchmark's module: `run(n)` makes n structs and n arrays, returns a checksum. */
export const GC_LOOP = `(module
  (type $pair (struct (field i32) (field (ref null $pair))))
  (type $arr (array (mut i32)))
  (type $ring (array (mut (ref null $pair))))
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $p (ref null $pair)) (local $a (ref $arr)) (local $sum i32)
    (local $ring (ref $ring))
    (local.set $ring (array.new_default $ring (i32.const 1024)))
    (loop $l
      (local.set $p (struct.new $pair (local.get $i)
        (array.get $ring (local.get $ring) (i32.and (local.get $i) (i32.const 1023)))))
      (local.set $a (array.new $arr (local.get $i) (i32.const 8)))
      (array.set $arr (local.get $a) (i32.const 7) (i32.mul (local.get $i) (i32.const 3)))
      (if (i32.eqz (i32.and (local.get $i) (i32.const 15)))
        (then (array.set $ring (local.get $ring)
          (i32.and (i32.shr_u (local.get $i) (i32.const 4)) (i32.const 1023)) (local.get $p))))
      (local.set $sum (i32.add (local.get $sum)
        (i32.xor (struct.get $pair 0 (local.get $p))
          (array.get $arr (local.get $a) (i32.const 7)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $sum)))`;

/** Iterations of the whole run: a struct and an array each, 10^7 objects. */
export const GC_N = 5_000_000;

/**
 * Iterations of the warm-up call that each engine makes before the timed one (the same at
 * both sizes): V8 compiles gab's interpreter loop once a run lasts (src/exec/warmup.ts), and
 * that compilation takes tens of MiB for a while whatever the program; after the warm-up both
 * sizes start from the same compiled engine, so a difference in their peaks is the heap's.
 */
export const GC_WARMUP = 1_000_000;

/** One engine's run at one n. */
export interface GcRun {
  engine: "V8" | "gab";
  n: number;
  ms: number;
  checksum: number;
  /** Peak resident set of the process (warm-up included), MiB. */
  peakMiB: number;
  /** Resident set when the timed run started (after the warm-up), MiB. */
  startMiB: number;
  /** gab: collections and objects freed. */
  collections?: number;
  freed?: number;
}

function peakMiB(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  const m = /VmHWM:\s+(\d+) kB/.exec(status);
  return m === null ? Deno.memoryUsage().rss / 2 ** 20 : Number(m[1]) / 1024;
}

/** The child's part: the warm-up, then one timed run, printed as JSON. */
function child(engine: "V8" | "gab", n: number): GcRun {
  const module = parseModuleText(GC_LOOP);
  let run: (n: number) => number;
  let rt: Runtime | null = null;
  if (engine === "V8") {
    const bytes = encodeModule(module) as Uint8Array<ArrayBuffer>;
    run = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.run as (
      n: number,
    ) => number;
  } else {
    rt = new Runtime();
    run = rt.instantiate(GC_LOOP).exports.run as (n: number) => number;
  }
  run(GC_WARMUP);
  const before = rt === null ? null : { ...gcStats(rt.store) };
  const startMiB = Deno.memoryUsage().rss / 2 ** 20;
  const t = performance.now();
  const checksum = run(n);
  const ms = performance.now() - t;
  const r: GcRun = { engine, n, ms, checksum, peakMiB: peakMiB(), startMiB };
  if (rt !== null && before !== null) {
    const s = gcStats(rt.store);
    r.collections = s.collections - before.collections;
    r.freed = s.freed - before.freed;
  }
  return r;
}

/**
 * The V8 flag of the children: V8 compiles optimized code on the main thread. With its
 * default (on background threads, whenever they get to it) the compilations of gab's
 * interpreter loop, about 100 MiB for a while when two run at once, fall into a run or not
 * depending on the machine's load, and the peaks then measure that (seen on a loaded machine:
 * 174 MiB at n = 5e5, 217 at 5e6, both 126 with this flag). Both engines get it.
 */
export const SERIAL_JIT = "--no-concurrent-recompilation";

/**
 * Runs the benchmark (each engine and size in a child process; `concurrentJit`: with V8's
 * default background compilation, see {@linkcode SERIAL_JIT}).
 */
export async function benchGc(n = GC_N, concurrentJit = false): Promise<GcRun[]> {
  const runs: GcRun[] = [];
  for (const size of [Math.floor(n / 10), n]) {
    for (const engine of ["V8", "gab"] as const) {
      console.error(`gc loop: ${engine} n=${size}`);
      const out = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          ...(concurrentJit ? [] : [`--v8-flags=${SERIAL_JIT}`]),
          import.meta.filename!,
          "--child",
          engine,
          String(size),
        ],
        stdout: "piped",
        stderr: "inherit",
      }).output();
      if (!out.success) throw new Error(`gc loop on ${engine} failed`);
      runs.push(JSON.parse(new TextDecoder().decode(out.stdout)) as GcRun);
    }
  }
  return runs;
}

/** The runs as a table. */
export function formatGc(runs: readonly GcRun[]): string {
  const lines = [
    "GC loop (a struct + an array per iteration, 1,024 kept), after a warm-up call of " +
    `${GC_WARMUP} (V8 ${SERIAL_JIT} unless --concurrent-jit):`,
    "  n, engine, ms, peak RSS (RSS when the timed call started)",
  ];
  for (const r of runs) {
    const extra = r.collections === undefined
      ? ""
      : `  ${r.collections} collections, ${r.freed} freed`;
    lines.push(
      `  ${String(r.n).padStart(9)}  ${r.engine.padEnd(4)} ${r.ms.toFixed(0).padStart(8)} ms` +
        `  ${r.peakMiB.toFixed(0).padStart(5)} MiB (${r.startMiB.toFixed(0).padStart(4)})` +
        `  checksum ${r.checksum}${extra}`,
    );
  }
  for (const n of new Set(runs.map((r) => r.n))) {
    const v8 = runs.find((r) => r.n === n && r.engine === "V8");
    const gab = runs.find((r) => r.n === n && r.engine === "gab");
    if (v8 && gab) {
      lines.push(
        `  n=${n}: gab/V8 ${(gab.ms / v8.ms).toFixed(1)}x` +
          (gab.checksum === v8.checksum ? "" : "  CHECKSUMS DIFFER"),
      );
    }
  }
  return lines.join("\n");
}

if (import.meta.main) {
  const args = Deno.args;
  if (args[0] === "--child") {
    console.log(JSON.stringify(child(args[1] as "V8" | "gab", Number(args[2]))));
  } else {
    const runs = await benchGc(
      args.includes("--small") ? GC_N / 10 : GC_N,
      args.includes("--concurrent-jit"),
    );
    console.log(args.includes("--json") ? JSON.stringify(runs, null, 1) : formatGc(runs));
  }
}
