/**
 * Front-end throughput: how fast gab decodes and validates real modules, in MB/s, at several
 * sizes, so that linear behaviour shows as a flat MB/s column. `deno task bench` runs it after
 * the kernels (unless `--filter` narrows the run), or alone:
 *
 * ```sh
 * deno run -A scripts/bench_frontend.ts [--runs N] [--json]
 * ```
 *
 * The modules: every kernel of testdata/kernels together (small), CPython from
 * ../shared/programs/cpython (7.4 MB, skipped with a note when absent), and CPython's code
 * repeated 2x and 4x in one module (up to ~25 MB of code). Times are medians.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { decodeModule } from "../src/binary/decode.ts";
import { encodeModule } from "../src/binary/encode.ts";
import type { Module } from "../src/syntax/module.ts";
import { validateModule } from "../src/valid/validate.ts";

const here = new URL(".", import.meta.url);
const PYTHON = new URL("../../shared/programs/cpython/python.wasm", here);
const KERNELS = new URL("../testdata/kernels/", here);

/** One module's measurements. */
export interface Row {
  name: string;
  bytes: number;
  codeBytes: number;
  decodeMs: number;
  validateMs: number;
  decodeMBs: number;
  validateMBs: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function time(f: () => void): number {
  const t = performance.now();
  f();
  return performance.now() - t;
}

/** A module whose defined functions are `m`'s, `times` times over (indices stay valid). */
function repeatCode(m: Module, times: number): Module {
  const funcs = [];
  for (let i = 0; i < times; i++) funcs.push(...m.funcs);
  return { ...m, funcs, exports: m.exports, start: null };
}

function measure(name: string, bytes: Uint8Array, runs: number): Row {
  const first = decodeModule(bytes);
  const codeBytes = first.funcs.reduce((n, f) => n + f.body.length, 0);
  validateModule(first);
  const decode: number[] = [];
  const validate: number[] = [];
  for (let i = 0; i < runs; i++) {
    let m: Module = first;
    decode.push(time(() => m = decodeModule(bytes)));
    validate.push(time(() => validateModule(m)));
  }
  const decodeMs = median(decode);
  const validateMs = median(validate);
  return {
    name,
    bytes: bytes.length,
    codeBytes,
    decodeMs,
    validateMs,
    decodeMBs: bytes.length / 1e6 / (decodeMs / 1000),
    validateMBs: codeBytes / 1e6 / (validateMs / 1000),
  };
}

async function modules(): Promise<[string, Uint8Array][]> {
  const out: [string, Uint8Array][] = [];
  const kernels: Module[] = [];
  for await (const e of Deno.readDir(KERNELS)) {
    if (e.name.endsWith(".wasm")) {
      kernels.push(decodeModule(await Deno.readFile(new URL(e.name, KERNELS))));
    }
  }
  // The kernels one after the other, each measured as its own module, add up to "kernels".
  for (const k of kernels) out.push([`kernel`, encodeModule(k)]);
  let python: Uint8Array | null = null;
  try {
    python = await Deno.readFile(PYTHON);
  } catch {
    console.error(`note: ${PYTHON.pathname} not found; CPython rows skipped`);
  }
  if (python !== null) {
    out.push(["cpython", python]);
    const m = decodeModule(python);
    out.push(["cpython x2", encodeModule(repeatCode(m, 2))]);
    out.push(["cpython x4", encodeModule(repeatCode(m, 4))]);
  }
  return out;
}

/** Runs the front-end benchmark; returns its rows. */
export async function benchFrontend(runs = 5): Promise<Row[]> {
  const rows: Row[] = [];
  const all = await modules();
  const kernels = all.filter(([name]) => name === "kernel");
  if (kernels.length > 0) {
    const each = kernels.map(([, bytes]) => measure("kernel", bytes, runs));
    const sum = (f: (r: Row) => number) => each.reduce((n, r) => n + f(r), 0);
    const decodeMs = sum((r) => r.decodeMs);
    const validateMs = sum((r) => r.validateMs);
    rows.push({
      name: `${each.length} kernels`,
      bytes: sum((r) => r.bytes),
      codeBytes: sum((r) => r.codeBytes),
      decodeMs,
      validateMs,
      decodeMBs: sum((r) => r.bytes) / 1e6 / (decodeMs / 1000),
      validateMBs: sum((r) => r.codeBytes) / 1e6 / (validateMs / 1000),
    });
  }
  for (const [name, bytes] of all) {
    if (name === "kernel") continue;
    console.error(`measuring ${name} (${(bytes.length / 1e6).toFixed(1)} MB)...`);
    rows.push(measure(name, bytes, runs));
  }
  return rows;
}

/** The front-end rows as a table with a title line. */
export function formatFrontend(rows: Row[]): string {
  return `Front end: decode (whole module) and validate (code section) throughput\n${table(rows)}`;
}

function table(rows: Row[]): string {
  const head = [
    "module",
    "size MB",
    "code MB",
    "decode ms",
    "decode MB/s",
    "validate ms",
    "validate MB/s",
  ];
  const body = rows.map((r) => [
    r.name,
    (r.bytes / 1e6).toFixed(2),
    (r.codeBytes / 1e6).toFixed(2),
    r.decodeMs.toFixed(1),
    r.decodeMBs.toFixed(0),
    r.validateMs.toFixed(1),
    r.validateMBs.toFixed(0),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(head), ...body.map(line)].join("\n");
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { runs: { type: "string", default: "5" }, json: { type: "boolean" } },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) {
    console.error("bench_frontend: --runs takes a whole number >= 1");
    Deno.exit(2);
  }
  const rows = await benchFrontend(runs);
  if (values.json) console.log(JSON.stringify({ frontend: rows }));
  else console.log(formatFrontend(rows));
}
