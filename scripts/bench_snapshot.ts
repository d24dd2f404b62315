/**
 * Snapshot cost: how long writing a snapshot (`snapshot()`, bytes in memory, no file) and
 * restoring it (`restore()`) take, and how big it is, against the size of the guest's memory,
 * so that it shows whether the cost tracks the memory or its content. `deno task bench` runs it
 * after the front end (unless `--filter` narrows the run), or alone:
 *
 * ```sh
 * deno run -A scripts/bench_snapshot.ts [--runs N] [--json]
 * ```
 *
 * Cases: a tiny snapshot (the fib kernel paused 16 calls deep, 128 KiB of memory) written and
 * restored 300 times in this process (median, and the restores' mean, which includes the
 * garbage collections that freeing machines costs) and restored once in each of 3 new
 * processes (cold: the time of the first `restore` call, which includes compiling gab's
 * decoder, validator and lowering); a recursion paused 10000 calls deep (restore checks every
 * frame); a machine paused inside a loop with 1, 16, 64 and 256 MiB of memory filled with
 * pseudo-random words (incompressible), and 64 MiB that are 99% zeros. Times are medians.
 *
 * Last, in a new process of its own (so that its peak resident memory is its own): a 1 GiB
 * memory of which 1 MiB is written (16 pages spread over it), snapshotted to a file and
 * restored from it (streamed: `writeSnapshotFile`, `restoreFile`), once each; the row gives
 * the process's peak resident set size (`VmHWM`) after both.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { decodeModule } from "../src/binary/decode.ts";
import { Execution } from "../src/exec/execution.ts";
import { Machine } from "../src/exec/machine.ts";
import { instantiate } from "../src/exec/instantiate.ts";
import { newStore } from "../src/runtime/store.ts";
import { restoreFile, writeSnapshotFile } from "../src/snapshot/file.ts";
import { restore } from "../src/snapshot/restore.ts";
import { snapshot } from "../src/snapshot/snapshot.ts";
import type { Module } from "../src/syntax/module.ts";
import { parseModuleText } from "../src/text/parse.ts";
import { validateModule } from "../src/valid/validate.ts";

const MIB = 1 << 20;
const FIB = new URL("../testdata/kernels/fib.wasm", import.meta.url);

/** One case's measurements. */
export interface SnapshotRow {
  /** What the case is. */
  name: string;
  /** Bytes of guest memory. */
  memoryBytes: number;
  /** Bytes of the snapshot. */
  snapshotBytes: number;
  /** Median ms of `snapshot()`. */
  writeMs: number;
  /** Median ms of `restore()` in this process, warm. */
  restoreMs: number;
  /** Mean ms of `restore()` in this process (with the GC it causes), when measured. */
  restoreMeanMs: number | null;
  /** Median ms of the first `restore()` in a new process, when measured. */
  coldRestoreMs: number | null;
  /** Peak resident memory of the process that measured the row, in bytes, when measured. */
  peakRss?: number | null;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[s.length >> 1] : (s[(s.length >> 1) - 1] + s[s.length >> 1]) / 2;
}

function time(f: () => void): number {
  const t = performance.now();
  f();
  return performance.now() - t;
}

/** A machine with one instance of `module` and a started execution of its export `name`. */
function started(module: Module, name: string, args: number[]): Execution {
  const machine = new Machine(newStore());
  const inst = instantiate(machine, module, validateModule(module), []);
  const ev = machine.store.instances[inst].exports.get(name);
  if (ev === undefined) throw new Error(`no export ${name}`);
  return Execution.start(machine, ev.addr, args);
}

/** A machine paused in a loop, its memory of `mib` MiB holding `fill`'s data. */
function pausedWithMemory(mib: number, fill: (words: Uint32Array) => void): Execution {
  const module = parseModuleText(`(module (memory (export "memory") ${mib * 16})
    (func (export "spin") (param i32) (result i32)
      (loop $l (local.set 0 (i32.add (local.get 0) (i32.const 1))) (br $l))
      (local.get 0)))`);
  const ex = started(module, "spin", [0]);
  fill(new Uint32Array(ex.machine.store.memories[0].buffer));
  if (ex.runFor(1000).status !== "paused") throw new Error("the loop did not pause");
  return ex;
}

/** Pseudo-random words everywhere (xorshift32). */
function randomFill(words: Uint32Array): void {
  let x = 0x9e3779b9;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x;
  }
}

/** Pseudo-random words in 1% of the memory (the first pages), zeros elsewhere. */
function mostlyZeros(words: Uint32Array): void {
  randomFill(words.subarray(0, Math.ceil(words.length / 100)));
}

/**
 * Measures writing and restoring the snapshot of `ex` over `runs` runs (after `warmup`
 * untimed ones); with `mean`, also the restores' mean time.
 */
function measure(name: string, ex: Execution, runs: number, warmup = 1, mean = false): SnapshotRow {
  const m = ex.machine;
  let bytes = snapshot(m, { execution: ex });
  for (let i = 0; i < warmup; i++) restore(snapshot(m, { execution: ex }));
  const write: number[] = [], read: number[] = [];
  for (let i = 0; i < runs; i++) {
    write.push(time(() => bytes = snapshot(m, { execution: ex })));
    read.push(time(() => restore(bytes)));
  }
  return {
    name,
    memoryBytes: m.store.memories.reduce((n, mem) => n + mem.buffer.byteLength, 0),
    snapshotBytes: bytes.length,
    writeMs: median(write),
    restoreMs: median(read),
    restoreMeanMs: mean ? read.reduce((a, b) => a + b, 0) / read.length : null,
    coldRestoreMs: null,
  };
}

/** A machine paused `depth` calls deep in a recursive function, without memory. */
function pausedDeep(depth: number): Execution {
  const module = parseModuleText(`(module
    (func $down (export "down") (param i32) (result i32)
      (if (result i32) (local.get 0)
        (then (i32.add (call $down (i32.sub (local.get 0) (i32.const 1))) (i32.const 1)))
        (else (loop $l (br $l)) (i32.const 0)))))`);
  const ex = started(module, "down", [depth]);
  if (ex.runFor(depth * 10 + 1000).status !== "paused") throw new Error("down did not pause");
  return ex;
}

/** The tiny snapshot: fib(20) paused 5000 ticks in (16 calls deep). */
async function tinySnapshot(): Promise<{ ex: Execution; bytes: Uint8Array }> {
  const ex = started(decodeModule(await Deno.readFile(FIB)), "run", [20]);
  if (ex.runFor(5000).status !== "paused") throw new Error("fib did not pause");
  return { ex, bytes: snapshot(ex.machine, { execution: ex }) };
}

/** The first restore of `file` in a new process (this script with `--cold FILE`), in ms. */
async function coldRestore(file: string): Promise<number> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(import.meta.url).pathname, "--cold", file],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (out.code !== 0) throw new Error(`the cold restore failed (status ${out.code})`);
  return Number(new TextDecoder().decode(out.stdout));
}

/** Pseudo-random words in 16 pages spread over the memory (1 MiB), zeros elsewhere. */
function spreadMiB(words: Uint32Array): void {
  const pageWords = 16384, stride = Math.floor(words.length / pageWords / 16) * pageWords;
  for (let i = 0; i < 16; i++) randomFill(words.subarray(i * stride, i * stride + pageWords));
}

/** This process's peak resident set size in bytes (Linux; null elsewhere). */
function peakRss(): number | null {
  try {
    const m = /VmHWM:\s*(\d+) kB/.exec(Deno.readTextFileSync("/proc/self/status"));
    return m === null ? null : Number(m[1]) * 1024;
  } catch {
    return null;
  }
}

/**
 * The sparse case, in this process (the child of {@linkcode sparseRow}): a 1 GiB memory with
 * 1 MiB written, written to a snapshot file and restored from it.
 */
function sparseCase(): SnapshotRow {
  const ex = pausedWithMemory(1024, spreadMiB);
  const file = Deno.makeTempFileSync({ suffix: ".gabsnap" });
  try {
    const m = ex.machine;
    let size = 0;
    const writeMs = time(() => size = writeSnapshotFile(file, m, { execution: ex }));
    let back: ReturnType<typeof restoreFile> | null = null;
    const restoreMs = time(() => back = restoreFile(file));
    const a = new Uint8Array(m.store.memories[0].buffer);
    const b = new Uint8Array(back!.machine.store.memories[0].buffer);
    for (let i = 0; i < a.length; i += 4093) {
      if (a[i] !== b[i]) throw new Error(`restored memory differs at ${i}`);
    }
    return {
      name: "1 GiB, 1 MiB written (file, own process)",
      memoryBytes: a.length,
      snapshotBytes: size,
      writeMs,
      restoreMs,
      restoreMeanMs: null,
      coldRestoreMs: null,
      peakRss: peakRss(),
    };
  } finally {
    Deno.removeSync(file);
  }
}

/** Runs {@linkcode sparseCase} in a new process (this script with `--sparse`). */
async function sparseRow(): Promise<SnapshotRow> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(import.meta.url).pathname, "--sparse"],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (out.code !== 0) throw new Error(`the sparse case failed (status ${out.code})`);
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

/** Runs the snapshot benchmark; returns its rows (progress goes to stderr). */
export async function benchSnapshot(runs = 3): Promise<SnapshotRow[]> {
  const rows: SnapshotRow[] = [];
  console.error("snapshot: tiny (fib, 16 frames deep)...");
  const tiny = await tinySnapshot();
  const row = measure("tiny (fib paused 16 calls deep)", tiny.ex, 300, 20, true);
  const file = await Deno.makeTempFile({ suffix: ".gabsnap" });
  try {
    await Deno.writeFile(file, tiny.bytes);
    const cold: number[] = [];
    for (let i = 0; i < 3; i++) cold.push(await coldRestore(file));
    row.coldRestoreMs = median(cold);
  } finally {
    await Deno.remove(file);
  }
  rows.push(row);
  console.error("snapshot: 10000 calls deep...");
  rows.push(measure("deep (10000 calls, no memory)", pausedDeep(10_000), 30, 5, true));
  for (const mib of [1, 16, 64, 256]) {
    console.error(`snapshot: ${mib} MiB of random data...`);
    rows.push(measure(`${mib} MiB random`, pausedWithMemory(mib, randomFill), runs));
  }
  console.error("snapshot: 64 MiB, 99% zeros...");
  rows.push(measure("64 MiB, 99% zeros", pausedWithMemory(64, mostlyZeros), runs));
  console.error("snapshot: 1 GiB, 1 MiB written (own process)...");
  rows.push(await sparseRow());
  return rows;
}

/** The snapshot rows as a table with a title line. */
export function formatSnapshot(rows: readonly SnapshotRow[]): string {
  const head = [
    "case",
    "memory MiB",
    "snapshot MiB",
    "write ms",
    "write MB/s",
    "restore ms",
    "restore MB/s",
    "mean ms",
    "cold ms",
    "peak RSS MiB",
  ];
  const rate = (bytes: number, ms: number) => ms > 0 ? (bytes / 1e6 / (ms / 1000)).toFixed(0) : "-";
  const body = rows.map((r) => [
    r.name,
    (r.memoryBytes / MIB).toFixed(2),
    (r.snapshotBytes / MIB).toFixed(2),
    r.writeMs.toFixed(2),
    rate(r.snapshotBytes, r.writeMs),
    r.restoreMs.toFixed(2),
    rate(r.snapshotBytes, r.restoreMs),
    r.restoreMeanMs === null ? "-" : r.restoreMeanMs.toFixed(2),
    r.coldRestoreMs === null ? "-" : r.coldRestoreMs.toFixed(1),
    r.peakRss == null ? "-" : (r.peakRss / MIB).toFixed(0),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [
    "Snapshots: write (snapshot()) and restore (restore()) in memory, against memory size",
    line(head),
    ...body.map(line),
    "(mean: in-process restores including GC; cold: the first restore in a new process;",
    " peak RSS: of the process that measured the row, when it had one of its own)",
  ].join("\n");
}

async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      runs: { type: "string", default: "3" },
      json: { type: "boolean", default: false },
      cold: { type: "string" },
      sparse: { type: "boolean", default: false },
    },
  });
  if (values.sparse) {
    // The child of sparseRow: the sparse case's row on stdout.
    console.log(JSON.stringify(sparseCase()));
    return;
  }
  if (values.cold !== undefined) {
    // The child of coldRestore: one restore, its time on stdout.
    const bytes = await Deno.readFile(values.cold);
    console.log(String(time(() => restore(bytes))));
    return;
  }
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs must be >= 1");
  const rows = await benchSnapshot(runs);
  console.log(values.json ? JSON.stringify(rows, null, 2) : formatSnapshot(rows));
}

if (import.meta.main) await main(Deno.args);
