/**
 * The GC benchmark (issue 16): a loop that allocates short-lived structs and arrays (10^7
 * objects in all: a struct and an array per iteration) while it keeps a small live set (a
 * ring of 1,024 recent structs), on V8 and on gab, each in its own process so that its peak
 * RSS (VmHWM) is its own. Run at a tenth of the work and at the whole: with a collector that
 * works, gab's peak RSS is flat (about the same at both sizes) and its checksum equals V8's.
 *
 * ```sh
 * deno run -A scripts/bench_gc.ts            # the table (also part of `deno task bench`)
 * deno run -A scripts/bench_gc.ts --json
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

/** One engine's run at one n. */
export interface GcRun {
  engine: "V8" | "gab";
  n: number;
  ms: number;
  checksum: number;
  /** Peak resident set of the process, MiB. */
  peakMiB: number;
  /** gab: collections and objects freed. */
  collections?: number;
  freed?: number;
}

function peakMiB(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  const m = /VmHWM:\s+(\d+) kB/.exec(status);
  return m === null ? Deno.memoryUsage().rss / 2 ** 20 : Number(m[1]) / 1024;
}

/** The child's part: one run, printed as JSON. */
function child(engine: "V8" | "gab", n: number): GcRun {
  const module = parseModuleText(GC_LOOP);
  if (engine === "V8") {
    const bytes = encodeModule(module) as Uint8Array<ArrayBuffer>;
    const run = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.run as (
      n: number,
    ) => number;
    const t = performance.now();
    const checksum = run(n);
    return { engine, n, ms: performance.now() - t, checksum, peakMiB: peakMiB() };
  }
  const rt = new Runtime();
  const run = rt.instantiate(GC_LOOP).exports.run as (n: number) => number;
  const t = performance.now();
  const checksum = run(n);
  const ms = performance.now() - t;
  const s = gcStats(rt.store);
  return {
    engine,
    n,
    ms,
    checksum,
    peakMiB: peakMiB(),
    collections: s.collections,
    freed: s.freed,
  };
}

/** Runs the benchmark (each engine and size in a child process). */
export async function benchGc(n = GC_N): Promise<GcRun[]> {
  const runs: GcRun[] = [];
  for (const size of [Math.floor(n / 10), n]) {
    for (const engine of ["V8", "gab"] as const) {
      console.error(`gc loop: ${engine} n=${size}`);
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", import.meta.filename!, "--child", engine, String(size)],
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
    "GC loop (a struct + an array per iteration, 1,024 kept): n, engine, ms, peak RSS",
  ];
  for (const r of runs) {
    const extra = r.collections === undefined
      ? ""
      : `  ${r.collections} collections, ${r.freed} freed`;
    lines.push(
      `  ${String(r.n).padStart(9)}  ${r.engine.padEnd(4)} ${r.ms.toFixed(0).padStart(8)} ms` +
        `  ${r.peakMiB.toFixed(0).padStart(5)} MiB  checksum ${r.checksum}${extra}`,
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
    const runs = await benchGc(args.includes("--small") ? GC_N / 10 : GC_N);
    console.log(args.includes("--json") ? JSON.stringify(runs, null, 1) : formatGc(runs));
  }
}
