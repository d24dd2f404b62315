/**
 * Real programs on Node's V8 (node:wasi), on gab's interpreter and on gab with its compiled
 * tier (issue 17), side by side in one run: CPython running its smoke script
 * (`../shared/programs/cpython`), the SQLite shell on an in-memory database fed by stdin and
 * Flite synthesizing a sentence (`scripts/real_programs.ts`; `deno task fetch:programs` gets
 * them). Each program runs `--runs` times per engine (the median is shown), the engines in
 * turns; the time is that of `_start` (instantiation excluded), and gab's outputs must be
 * Node's, byte for byte (stdout, stderr, exit status), else the row fails.
 *
 * The tier's column reads `n/a` while the engine has no compiled tier; a program whose files
 * are missing is left out with a note. Node must be Node (not Deno's stand-in): without it the
 * Node column is empty and no ratio is given.
 *
 * `deno task bench` runs it after the kernels (unless `--filter` narrows the run), or alone:
 *
 * ```sh
 * deno run -A scripts/bench_programs.ts [--runs N] [--tier hot|all] [--json]
 * ```
 *
 * @module
 */

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { compile, type CompiledModule } from "../src/api/module.ts";
import type { Runtime } from "../src/api/runtime.ts";
import { createWasi } from "../src/wasi/api.ts";
import { median, tierAvailable, tieredRuntime, type TierMode } from "./bench.ts";
import { CASES, hasNode, PROGRAMS, type Run, runsOnNode } from "./real_programs.ts";

/** The CPython build in the shared folder. */
export const CPYTHON_DIR: string = decodeURIComponent(
  new URL("../../shared/programs/cpython", import.meta.url).pathname,
);

/** One program of the table: a binary, its preopens and one run. */
export interface Program {
  /** The row's name. */
  name: string;
  /** The .wasm file. */
  wasm: string;
  /** Guest name -> host folder; `null` for a fresh temporary folder. */
  preopens: Record<string, string | null>;
  /** The run (arguments with argv[0], environment, standard input). */
  run: Run;
}

/** The programs: CPython's smoke script, SQLite in memory, Flite's slt voice. */
export function programs(): Program[] {
  const real = (name: string): Program => {
    const c = CASES.find((c) => c.name === name)!;
    return {
      name: c.program,
      wasm: PROGRAMS[c.program],
      preopens: c.guestDir === undefined ? {} : { [c.guestDir]: null },
      run: c.runs[0],
    };
  };
  return [
    {
      name: "cpython",
      wasm: `${CPYTHON_DIR}/python.wasm`,
      preopens: { "/": CPYTHON_DIR },
      run: { args: ["python", "test_smoke.py"], env: ["PYTHONHOME=/"] },
    },
    real("sqlite_memory_stdin"),
    real("flite_slt"),
  ];
}

/** What one engine gave on one program. */
export interface ProgramOutcome {
  /** Median milliseconds in `_start`. */
  ms: number;
  /** Status and output of the last run. */
  status: number;
  stdout: string;
  stderr: string;
}

/** A row: the three engines' outcomes (null: not run) and the ratios to Node. */
export interface ProgramRow {
  name: string;
  node: ProgramOutcome | null;
  gab: ProgramOutcome | null;
  tier: ProgramOutcome | null;
  /** gab ms / Node ms. */
  ratio: number | null;
  /** gab-tier ms / Node ms. */
  tierRatio: number | null;
  /** Why the row failed (outputs differ, an engine failed), or a note; null when all is well. */
  problem: string | null;
}

/** Preopens with temporary folders made for the `null` ones; `done` removes those. */
function preopensOf(p: Program): { preopens: Record<string, string>; done: () => void } {
  const made: string[] = [];
  const preopens: Record<string, string> = {};
  for (const [guest, host] of Object.entries(p.preopens)) {
    if (host !== null) preopens[guest] = host;
    else {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `gab-bench-${p.name}-`));
      made.push(dir);
      preopens[guest] = dir;
    }
  }
  return {
    preopens,
    done: () => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })),
  };
}

const decoder = new TextDecoder();

function joined(chunks: Uint8Array[]): string {
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return decoder.decode(all);
}

/** One run of `p` on gab in a runtime from `makeRuntime`. */
export function runOnGab(
  p: Program,
  module: CompiledModule,
  makeRuntime: () => Runtime,
): ProgramOutcome {
  const { preopens, done } = preopensOf(p);
  try {
    const out: Uint8Array[] = [], err: Uint8Array[] = [];
    const wasi = createWasi({
      args: p.run.args,
      env: p.run.env ?? [],
      preopens,
      stdin: new TextEncoder().encode(p.run.stdin ?? ""),
      stdout: (b) => void out.push(b.slice()),
      stderr: (b) => void err.push(b.slice()),
    });
    const instance = makeRuntime().instantiate(module, wasi.imports(module));
    const t0 = performance.now();
    const status = wasi.start(instance);
    const ms = performance.now() - t0;
    return { ms, status, stdout: joined(out), stderr: joined(err) };
  } finally {
    done();
  }
}

/** `runs` runs of `p` on Node's node:wasi (one process, a fresh instance per run). */
export async function runOnNode(p: Program, runs: number): Promise<ProgramOutcome> {
  const { preopens, done } = preopensOf(p);
  try {
    const got = await runsOnNode(
      p.name,
      p.wasm,
      preopens,
      Array.from({ length: runs }, () => p.run),
    );
    const last = got[got.length - 1];
    return {
      ms: median(got.map((r) => r.ms)),
      status: last.status,
      stdout: last.stdout,
      stderr: last.stderr,
    };
  } finally {
    done();
  }
}

/** The options of {@linkcode benchPrograms}. */
export interface ProgramOptions {
  /** Runs per program and engine (the median is reported). */
  runs: number;
  /** The tier's mode for its column. */
  tier: TierMode;
}

/** Runs every present program on the three engines. */
export async function benchPrograms(
  options: ProgramOptions,
  log: (line: string) => void = (line) => console.error(line),
): Promise<ProgramRow[]> {
  const rows: ProgramRow[] = [];
  const node = hasNode();
  const tier = tierAvailable();
  for (const p of programs()) {
    if (!fs.existsSync(p.wasm)) {
      log(`${p.name}: ${p.wasm} is missing (deno task fetch:programs); left out`);
      continue;
    }
    const row: ProgramRow = {
      name: p.name,
      node: null,
      gab: null,
      tier: null,
      ratio: null,
      tierRatio: null,
      problem: null,
    };
    const problems: string[] = [];
    try {
      const module = compile(fs.readFileSync(p.wasm));
      if (node) {
        log(`${p.name}: node ...`);
        row.node = await runOnNode(p, options.runs);
      }
      const engines: [string, () => Runtime][] = [["gab", () => tieredRuntime("off")]];
      if (tier) engines.push(["gab-tier", () => tieredRuntime(options.tier)]);
      const times: Record<string, number[]> = { gab: [], "gab-tier": [] };
      const last: Record<string, ProgramOutcome> = {};
      for (let i = 0; i < options.runs; i++) {
        for (const [name, make] of engines) {
          log(`${p.name}: ${name} run ${i + 1}/${options.runs} ...`);
          const o = runOnGab(p, module, make);
          times[name].push(o.ms);
          last[name] = o;
        }
      }
      for (const [name] of engines) {
        const o = { ...last[name], ms: median(times[name]) };
        if (name === "gab") row.gab = o;
        else row.tier = o;
        const ref = row.node ?? (name === "gab-tier" ? row.gab : null);
        if (ref !== null && !sameOutput(ref, o)) {
          problems.push(`${name}: output differs from ${row.node !== null ? "node" : "gab"}'s`);
        }
      }
    } catch (err) {
      problems.push(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
    }
    if (problems.length === 0 && row.node !== null && row.node.ms > 0) {
      if (row.gab !== null) row.ratio = row.gab.ms / row.node.ms;
      if (row.tier !== null) row.tierRatio = row.tier.ms / row.node.ms;
    }
    row.problem = problems.join("; ") || null;
    if (row.problem !== null) log(`${p.name}: ${row.problem}`);
    rows.push(row);
  }
  return rows;
}

function sameOutput(a: ProgramOutcome, b: ProgramOutcome): boolean {
  return a.status === b.status && a.stdout === b.stdout && a.stderr === b.stderr;
}

/** The rows as a table (no trailing newline). */
export function formatPrograms(rows: readonly ProgramRow[]): string {
  const header = ["program", "Node ms", "gab ms", "gab/Node", "gab-tier ms", "gab-tier/Node"];
  const ms = (o: ProgramOutcome | null, missing: string) => o === null ? missing : o.ms.toFixed(0);
  const ratio = (r: number | null, row: ProgramRow, missing: string) =>
    r !== null ? r.toFixed(2) : row.problem !== null ? "FAILED" : missing;
  const lines = rows.map((row) => [
    row.name,
    ms(row.node, "-"),
    ms(row.gab, "-"),
    ratio(row.ratio, row, "-"),
    ms(row.tier, "n/a"),
    ratio(row.tierRatio, row, row.tier === null ? "n/a" : "-"),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells: string[]) =>
    cells.map((c, i) => i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])).join("  ")
      .trimEnd();
  const out = [format(header), ...lines.map(format)];
  for (const row of rows) if (row.problem !== null) out.push(`${row.name}: ${row.problem}`);
  return out.join("\n");
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      runs: { type: "string", default: "3" },
      tier: { type: "string", default: "hot" },
      json: { type: "boolean", default: false },
    },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || (values.tier !== "hot" && values.tier !== "all")) {
    console.error(
      "usage: deno run -A scripts/bench_programs.ts [--runs N] [--tier hot|all] [--json]",
    );
    Deno.exit(2);
  }
  const rows = await benchPrograms({ runs, tier: values.tier as TierMode });
  console.log(values.json ? JSON.stringify(rows, null, 2) : formatPrograms(rows));
  Deno.exit(rows.some((r) => r.problem !== null) ? 1 : 0);
}
