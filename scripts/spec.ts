/**
 * Runs spec testsuite scripts (`.wast`) on gab and reports, per file and per command kind, how
 * many commands passed, failed or are unsupported (the capability they need is missing).
 *
 * ```sh
 * deno task test:spec                        # every *.wast at the top level and in legacy/
 * deno task test:spec address.wast i32.wast  # some files (paths, or names in the testsuite)
 * deno task test:spec address.wast:104       # run up to line 104, print that command's details
 * deno task test:spec --json                 # one JSON object: totals and files
 * deno task test:spec --dir DIR              # another testsuite directory
 * deno task test:spec --roundtrip            # also round-trip every module (parse/encode/decode)
 * deno task test:spec --update-expectations  # rewrite tests/script/expectations.json
 * deno task test:spec --tier=all             # with the compiled tier forced on (or hot, off)
 * ```
 *
 * The testsuite is `.cache/testsuite` if `scripts/fetch_testsuite.ts` fetched it, else
 * `../shared/testsuite` (both relative to this repository, not to the working directory). The
 * exit code is 1 unless the failures of the files that ran are exactly those
 * `tests/script/expectations.json` lists, for the reasons it lists: a new failure, a listed one
 * that now passes, and a changed reason all count (a FILE:LINE run checks only that line).
 * `--tier=MODE` runs every machine in that mode of the compiled tier (src/script/engine.ts:
 * `all` compiles every function before it first runs, `hot` uses the default thresholds,
 * `off` is the interpreter alone); the results must be the same, so the run is compared with
 * the same expectations file.
 *
 * @module
 */

import type { Script } from "../src/script/ast.ts";
import { defaultEngine, type Engine, TIER_MODES, type TierMode } from "../src/script/engine.ts";
import {
  compareFailures,
  type Comparison,
  describeComparison,
  EXPECTATIONS_PATH,
  loadExpectations,
  saveExpectations,
  updateFailures,
} from "../src/script/expectations.ts";
import { parseScript } from "../src/script/parse.ts";
import { roundtripScript } from "../src/script/roundtrip.ts";
import type { RoundtripResult } from "../src/script/roundtrip.ts";
import {
  type CommandResult,
  countResults,
  type Counts,
  describeError,
  runScript,
  type Tally,
} from "../src/script/run.ts";
import { defaultSuiteDir, isDir, readScript, suiteFiles } from "../src/script/suite.ts";
import { ParseError } from "../src/errors.ts";

/** The order in which kinds are printed. */
const KIND_ORDER = [
  "script",
  "module",
  "module_instance",
  "register",
  "action",
  "assert_return",
  "assert_trap",
  "assert_exhaustion",
  "assert_exception",
  "assert_uninstantiable",
  "assert_unlinkable",
  "assert_malformed",
  "assert_invalid",
  "assert_malformed_custom",
  "assert_invalid_custom",
  "thread",
  "wait",
  "meta",
];

interface Target {
  /** The file's name in reports and expectations (relative to the testsuite if inside it). */
  name: string;
  path: string;
  /** FILE:LINE: run up to this line and print the command there. */
  line?: number;
}

interface Options {
  json: boolean;
  roundtrip: boolean;
  update: boolean;
  dir: string;
  targets: Target[];
  /** The compiled tier's mode (unset: the engine's default). */
  tier?: TierMode;
}

function usage(message: string): never {
  console.error(`${message}
usage: deno task test:spec [FILE[:LINE]|DIR]... [--json] [--dir DIR] [--roundtrip] [--update-expectations]
                           [--tier=off|hot|all]`);
  Deno.exit(2);
}

function parseArgs(args: string[]): Options {
  let json = false;
  let roundtrip = false;
  let update = false;
  let dir = defaultSuiteDir();
  let tier: TierMode | undefined;
  const positional: string[] = [];
  const tierMode = (v: string | undefined): TierMode =>
    TIER_MODES.includes(v as TierMode)
      ? v as TierMode
      : usage(`--tier takes one of ${TIER_MODES.join(", ")}, not ${JSON.stringify(v ?? "")}`);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--json") json = true;
    else if (a === "--roundtrip") roundtrip = true;
    else if (a === "--update-expectations") update = true;
    else if (a === "--dir") dir = args[++i] ?? usage("--dir needs a directory");
    else if (a.startsWith("--dir=")) dir = a.slice(6);
    else if (a === "--tier") tier = tierMode(args[++i]);
    else if (a.startsWith("--tier=")) tier = tierMode(a.slice(7));
    else if (a === "-h" || a === "--help") usage("Runs .wast scripts.");
    else if (a.startsWith("-")) usage(`unknown option ${a}`);
    else positional.push(a);
  }
  dir = dir.replace(/\/+$/, "");
  if (!isDir(dir)) usage(`no testsuite directory ${dir}`);
  const targets: Target[] = [];
  if (positional.length === 0) {
    for (const name of suiteFiles(dir)) targets.push({ name, path: `${dir}/${name}` });
  }
  for (const p of positional) targets.push(...resolveTarget(p, dir));
  return { json, roundtrip: roundtrip || update, update, dir, targets, tier };
}

/** A command-line file, directory, or FILE:LINE, as targets. */
function resolveTarget(arg: string, dir: string): Target[] {
  let path = arg;
  let line: number | undefined;
  const m = /^(.*):(\d+)$/.exec(arg);
  if (m !== null && !exists(arg)) {
    path = m[1];
    line = Number(m[2]);
  }
  // `deno task` runs in the repository; INIT_CWD is where the command was typed. A name that
  // is nowhere else is looked up in the testsuite.
  const cwd = Deno.env.get("INIT_CWD");
  if (!path.startsWith("/") && cwd !== undefined && exists(`${cwd}/${path}`)) {
    path = `${cwd}/${path}`;
  }
  if (!exists(path) && exists(`${dir}/${path}`)) path = `${dir}/${path}`;
  if (!exists(path)) usage(`no such file ${path}`);
  if (isDir(path)) {
    const base = path.replace(/\/+$/, "");
    return suiteFiles(base).map((f) => ({
      name: nameOf(`${base}/${f}`, dir),
      path: `${base}/${f}`,
    }));
  }
  return [{ name: nameOf(path, dir), path, line }];
}

/** A path relative to the testsuite directory when it is inside it. */
function nameOf(path: string, dir: string): string {
  const abs = Deno.realPathSync(path);
  const root = Deno.realPathSync(dir) + "/";
  return abs.startsWith(root) ? abs.slice(root.length) : path;
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Reads and parses a script; a script that does not parse is one failed "script" result. */
function load(
  path: string,
): { source: Uint8Array; script: Script | null; error?: CommandResult } {
  const source = readScript(path);
  try {
    return { source, script: parseScript(source) };
  } catch (err) {
    const line = err instanceof ParseError ? err.line : 0;
    const error: CommandResult = {
      line,
      kind: "script",
      outcome: "failed",
      reason: describeError(err),
    };
    return { source, script: null, error };
  }
}

/** `assert_return 3/256 (1 failed, 252 unsupported)`. */
function formatTally(kind: string, t: Tally): string {
  const total = t.passed + t.failed + t.unsupported;
  const notes: string[] = [];
  if (t.failed > 0) notes.push(`${t.failed} failed`);
  if (t.unsupported > 0) notes.push(`${t.unsupported} unsupported`);
  return `${kind} ${t.passed}/${total}${notes.length > 0 ? ` (${notes.join(", ")})` : ""}`;
}

function formatCounts(counts: Counts): string {
  const kinds = Object.keys(counts).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return kinds.map((k) => formatTally(k, counts[k])).join("  ");
}

function rank(kind: string): number {
  const i = KIND_ORDER.indexOf(kind);
  return i < 0 ? KIND_ORDER.length : i;
}

/** Prints the command at a line (the last one starting at or before it) with its result. */
function printDetails(
  t: Target,
  source: Uint8Array,
  results: CommandResult[],
  line: number,
): void {
  const at = results.filter((r) => r.line <= line);
  const chosen = at.length === 0 ? [] : at.filter((r) => r.line === at[at.length - 1].line);
  if (chosen.length === 0) {
    console.log(`${t.name}:${line}: no command at or before this line`);
    return;
  }
  const lines = new TextDecoder().decode(source).split("\n");
  const start = chosen[0].line;
  const next = results.find((r) => r.line > start)?.line ?? start + 20;
  const text = lines.slice(start - 1, Math.min(next - 1, start + 19)).join("\n").trimEnd();
  console.log(text);
  for (const r of chosen) {
    console.log(`${t.name}:${r.line}: ${r.kind} ${r.outcome}${r.reason ? `: ${r.reason}` : ""}`);
  }
}

function main(): number {
  const options = parseArgs(Deno.args);
  return run(options);
}

function run(options: Options): number {
  const engine: Engine = defaultEngine({ tier: options.tier });
  const tty = Deno.stderr.isTerminal() && !options.json && options.targets.length > 1;
  const encoder = new TextEncoder();
  const totals: Counts = {};
  const files: Record<string, Counts> = {};
  const specResults = new Map<string, CommandResult[]>();
  const roundtripResults = new Map<string, RoundtripResult[]>();
  const roundtripTotals: Tally = { passed: 0, failed: 0, unsupported: 0 };
  const started = performance.now();
  options.targets.forEach((t, i) => {
    if (tty) {
      const progress = `\r[${i + 1}/${options.targets.length}] ${t.name}`.padEnd(60);
      Deno.stderr.writeSync(encoder.encode(progress));
    }
    const { source, script, error } = load(t.path);
    let results: CommandResult[] = error === undefined ? [] : [error];
    if (script !== null) {
      results = runScript(script, engine, { stopAfterLine: t.line });
      if (options.roundtrip && t.line === undefined) {
        const rts = roundtripScript(script, engine);
        roundtripResults.set(t.name, rts);
        for (const r of rts) roundtripTotals[r.outcome]++;
      }
    }
    if (t.line !== undefined) {
      if (tty) Deno.stderr.writeSync(encoder.encode("\r".padEnd(61) + "\r"));
      printDetails(t, source, results, t.line);
      results = results.filter((r) => r.line === lastLineAtOrBefore(results, t.line!));
    }
    specResults.set(t.name, results);
    const counts = countResults(results);
    files[t.name] = counts;
    countResults(results, totals);
    if (!options.json && t.line === undefined) {
      if (tty) Deno.stderr.writeSync(encoder.encode("\r".padEnd(61) + "\r"));
      console.log(`${t.name}  ${formatCounts(counts)}`);
    }
  });
  if (tty) Deno.stderr.writeSync(encoder.encode("\r".padEnd(61) + "\r"));

  const expectations = loadExpectations();
  const spec = compareFailures(specResults, expectations.spec);
  // A FILE:LINE run says nothing about the file's other lines.
  const partial = new Set(options.targets.filter((t) => t.line !== undefined).map((t) => t.name));
  spec.fixed = spec.fixed.filter((f) => !partial.has(f.file));
  const roundtrip = compareFailures(roundtripResults, expectations.roundtrip);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);

  if (options.json) {
    const json: Record<string, unknown> = { totals, files };
    if (options.roundtrip) json.roundtrip = roundtripTotals;
    console.log(JSON.stringify(json));
  } else {
    const tier = options.tier === undefined ? "" : `, tier ${options.tier}`;
    console.log(
      `total  ${formatCounts(totals)}  (${options.targets.length} files${tier}, ${seconds}s)`,
    );
    if (options.roundtrip) console.log(`roundtrip  ${formatTally("modules", roundtripTotals)}`);
  }
  if (options.update) {
    const singleLines = options.targets.some((t) => t.line !== undefined);
    if (singleLines) usage("--update-expectations runs whole files, not FILE:LINE");
    // The file lists the engine's failures; the tier must not add any (its own are bugs).
    if (options.tier !== undefined && options.tier !== "off") {
      usage("--update-expectations runs with the interpreter alone (no --tier other than off)");
    }
    saveExpectations({
      spec: updateFailures(expectations.spec, specResults),
      roundtrip: updateFailures(expectations.roundtrip, roundtripResults),
    });
    const tally = (c: Comparison) =>
      `${c.unexpected.length} new failures, ${c.fixed.length} fixed, ` +
      `${c.changed.length} changed reasons`;
    console.error(
      `updated ${EXPECTATIONS_PATH}: ${tally(spec)}; round trip ${tally(roundtrip)}`,
    );
    return 0;
  }
  const report = [
    ...describeComparison(spec),
    ...describeComparison(roundtrip).map((l) => `round trip: ${l}`),
  ];
  for (const line of report) console.error(line);
  return report.length > 0 ? 1 : 0;
}

function lastLineAtOrBefore(results: CommandResult[], line: number): number {
  let best = -1;
  for (const r of results) if (r.line <= line) best = r.line;
  return best;
}

if (import.meta.main) {
  Deno.exit(main());
}
