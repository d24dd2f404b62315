/**
 * Runs the official WASI preview 1 testsuite (`../shared/wasi-testsuite`, repository
 * WebAssembly/wasi-testsuite) through the `gab` command line, as its `doc/specification.md`
 * says a runner must: every `*.wasm` under the suite's `tests/` is a test; the `.json` beside
 * it (or the default specification) gives its arguments, environment, the directory to
 * preopen as the guest's `/`, and the expected exit code, standard output and error. Each test
 * runs in a new process, `gab run --env K=V --dir ROOT::/ TEST.wasm ARGS...`, on a copy of its
 * fixture directory in a temporary place, from which `*.cleanup` files are removed before and
 * after the run.
 *
 * Each test also runs cut in the middle: its ticks are counted once (in this process, by the
 * library, on a scratch copy of the fixtures), then `gab run --fuel HALF --snapshot-out FILE`
 * must pause (status 75), `gab resume FILE` runs the rest in another process, and the two
 * processes' outputs joined (without gab's own "snapshot written" line) must be what the
 * specification expects.
 *
 * ```sh
 * deno task test:wasi                  # every test, whole and cut
 * deno task test:wasi fd_readdir stdio # the tests whose name contains one of the words
 * deno task test:wasi --mode whole     # only uninterrupted runs (or --mode cut)
 * ```
 *
 * Options: `--mode whole|cut|both`, `-j N` (processes at once; default 2), `--suite DIR`,
 * `--verbose` (the outputs of failing tests). It prints a line per test and mode and a summary;
 * the exit status is 1 when a test fails (a process that takes over two minutes is killed and
 * its test fails) or no test matches the words. `tests/wasi/testsuite_test.ts` runs it under
 * `deno task test`.
 *
 * @module
 */

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Runtime } from "../src/api/runtime.ts";
import { CompiledModule } from "../src/api/module.ts";
import { decodeModule } from "../src/binary/decode.ts";
import { createWasi } from "../src/wasi/api.ts";

/** The shared copy of the suite (`../shared/wasi-testsuite` from the repository). */
export const SUITE_DIR: string = path.resolve(
  decodeURIComponent(new URL("../../shared/wasi-testsuite", import.meta.url).pathname),
);

/** The `gab` command: this checkout's `cli.ts` under the running Deno. */
export const GAB: readonly string[] = [
  Deno.execPath(),
  "run",
  "-A",
  decodeURIComponent(new URL("../cli.ts", import.meta.url).pathname),
];

/** Status of `gab run --snapshot-out` when the fuel ran out and a snapshot was written. */
const STATUS_PAUSED = 75;

/** A test's specification, the legacy form of doc/specification.md with its defaults filled. */
export interface TestSpec {
  /** The program's arguments (after argv[0]). */
  args: string[];
  /** The guest's whole environment. */
  env: Record<string, string>;
  /** The directory to preopen as `/`, absolute, or null. */
  root: string | null;
  /** The expected exit status. */
  exitCode: number;
  /**
   * Expected standard output and error, or null where the specification gives none: then,
   * as the suite's own runner does, the stream is not checked (tests print progress notes).
   */
  stdout: string | null;
  /** Expected standard error, or null (not checked). */
  stderr: string | null;
}

/** One test: its name (`rust/fd_readdir`), module and specification. */
export interface TestCase {
  /** `<language>/<name>`. */
  name: string;
  /** The module's path. */
  wasm: string;
  /** How to run it and what it must give. */
  spec: TestSpec;
}

/** How a test is run: in one process, or cut by a budget and resumed in another. */
export type Mode = "whole" | "cut";

/** What one run of a test gave. */
export interface TestResult {
  /** The test. */
  test: TestCase;
  /** How it ran. */
  mode: Mode;
  /** Why it failed (empty when it passed). */
  failures: string[];
  /** The exit status (of the last process). */
  status: number;
  /** Standard output (of both processes of a cut run). */
  stdout: string;
  /** Standard error (of both processes of a cut run, without gab's "snapshot written"). */
  stderr: string;
  /** For a cut run: the budget of the first process. */
  fuel?: number;
  /** For a cut run: the ticks the whole test takes (counted in this process). */
  ticks?: number;
  /** Wall-clock time of the test, in milliseconds. */
  ms: number;
}

/** Reads a test's `.json` (legacy or operation-based) into a {@linkcode TestSpec}. */
export function readSpec(jsonPath: string | null): TestSpec {
  const spec: TestSpec = {
    args: [],
    env: {},
    root: null,
    exitCode: 0,
    stdout: null,
    stderr: null,
  };
  if (jsonPath === null) return spec;
  const c = JSON.parse(fs.readFileSync(jsonPath, "utf8"));
  const dir = path.dirname(jsonPath);
  const run = (r: Record<string, unknown>) => {
    if (Array.isArray(r.args)) spec.args = r.args.map(String);
    if (typeof r.env === "object" && r.env !== null) {
      spec.env = Object.fromEntries(
        Object.entries(r.env as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
      );
    }
    if (typeof r.root === "string") spec.root = path.join(dir, r.root);
  };
  if (Array.isArray(c.operations)) {
    for (const op of c.operations as Record<string, unknown>[]) {
      switch (op.type) {
        case "run":
          run(op);
          break;
        case "wait":
          spec.exitCode = typeof op.exit_code === "number" ? op.exit_code : 0;
          break;
        case "read":
          if (op.id === "stderr") spec.stderr = String(op.payload ?? "");
          else spec.stdout = String(op.payload ?? "");
          break;
        default:
          throw new Error(`${jsonPath}: operation '${op.type}' is not supported by this runner`);
      }
    }
    return spec;
  }
  run(c);
  if (typeof c.exit_code === "number") spec.exitCode = c.exit_code;
  if (typeof c.stdout === "string") spec.stdout = c.stdout;
  if (typeof c.stderr === "string") spec.stderr = c.stderr;
  return spec;
}

/** Every test of the suite in `dir` (each `*.wasm` under `tests/`), sorted by name. */
export function findTests(dir: string = SUITE_DIR): TestCase[] {
  const tests: TestCase[] = [];
  const walk = (d: string) => {
    for (
      const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name < b.name ? -1 : 1)
    ) {
      const p = path.join(d, e.name);
      if (e.isDirectory() && !e.name.endsWith(".dir")) walk(p);
      else if (e.isFile() && e.name.endsWith(".wasm")) {
        const json = p.slice(0, -".wasm".length) + ".json";
        const rel = path.relative(path.join(dir, "tests"), p).split(path.sep);
        // tests/<language>/testsuite/<target>/<name>.wasm -> <language>/<name>
        const name = `${rel[0]}/${e.name.slice(0, -".wasm".length)}`;
        tests.push({ name, wasm: p, spec: readSpec(fs.existsSync(json) ? json : null) });
      }
    }
  };
  walk(path.join(dir, "tests"));
  return tests.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/** Removes the `*.cleanup` files and directories under `dir` (symbolic links are left). */
export function removeCleanups(dir: string): void {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isSymbolicLink()) continue;
    if (e.name.endsWith(".cleanup")) fs.rmSync(p, { recursive: true, force: true });
    else if (e.isDirectory()) removeCleanups(p);
  }
}

/** A fresh copy of a test's fixture directory in `tmp` (cleanup files removed), or null. */
function copyRoot(spec: TestSpec, tmp: string, name: string): string | null {
  if (spec.root === null) return null;
  const dest = path.join(tmp, name);
  fs.cpSync(spec.root, dest, { recursive: true, verbatimSymlinks: true });
  removeCleanups(dest);
  return dest;
}

/** The `gab run` options and operands for a test whose root is copied to `root`. */
function runArgs(test: TestCase, root: string | null): string[] {
  const args: string[] = [];
  for (const [k, v] of Object.entries(test.spec.env)) args.push("--env", `${k}=${v}`);
  if (root !== null) args.push("--dir", `${root}::/`);
  return [...args, test.wasm, ...test.spec.args];
}

interface Outcome {
  status: number;
  stdout: string;
  stderr: string;
  /** Whether the process was killed for taking longer than {@linkcode TIMEOUT_MS}. */
  timedOut?: boolean;
}

/** How long one process of a test may take (the suite's own runner has a timeout too). */
export const TIMEOUT_MS = 120_000;

const dec = new TextDecoder();

/** Runs the gab command `gab` with `args` in a new process (no standard input). */
async function spawn(gab: readonly string[], args: string[]): Promise<Outcome> {
  const signal = AbortSignal.timeout(TIMEOUT_MS);
  const o = await new Deno.Command(gab[0], {
    args: [...gab.slice(1), ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
    signal,
  }).output();
  const out = { status: o.code, stdout: dec.decode(o.stdout), stderr: dec.decode(o.stderr) };
  return signal.aborted ? { ...out, timedOut: true } : out;
}

/**
 * The ticks a test takes, counted by the library in this process (instantiation included, as
 * `gab run --fuel` counts them), on a scratch copy of its fixtures.
 */
export function countTicks(test: TestCase, tmp: string): number {
  const root = copyRoot(test.spec, tmp, "count");
  try {
    const compiled = new CompiledModule(decodeModule(fs.readFileSync(test.wasm)));
    const wasi = createWasi({
      args: [test.wasm, ...test.spec.args],
      env: test.spec.env,
      preopens: root === null ? {} : { "/": root },
      stdin: new Uint8Array(0),
      stdout: () => {},
      stderr: () => {},
    });
    const start = Number.MAX_SAFE_INTEGER;
    const runtime = new Runtime({ fuel: start });
    const instance = runtime.instantiate(compiled, wasi.imports(compiled));
    wasi.start(instance);
    return start - runtime.fuel;
  } finally {
    if (root !== null) fs.rmSync(root, { recursive: true, force: true });
  }
}

/** The line gab prints on stderr when it writes a snapshot. */
const SNAPSHOT_LINE = /^gab: fuel exhausted: snapshot written to .* \(status 75\)\n/m;

/** Options of {@linkcode runTest} and {@linkcode runSuite}. */
export interface RunnerOptions {
  /** The gab command (default {@linkcode GAB}). */
  gab?: readonly string[];
}

/** Runs one test in one mode and checks it against its specification. */
export async function runTest(
  test: TestCase,
  mode: Mode,
  options: RunnerOptions = {},
): Promise<TestResult> {
  const gab = options.gab ?? GAB;
  const began = performance.now();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "gab-wasi-suite-"));
  const failures: string[] = [];
  let outcome: Outcome = { status: -1, stdout: "", stderr: "" };
  let fuel: number | undefined, ticks: number | undefined;
  try {
    if (mode === "whole") {
      const root = copyRoot(test.spec, tmp, "root");
      outcome = await spawn(gab, ["run", ...runArgs(test, root)]);
      if (root !== null) removeCleanups(root);
    } else {
      ticks = countTicks(test, tmp);
      fuel = Math.floor(ticks / 2);
      const root = copyRoot(test.spec, tmp, "root");
      const snap = path.join(tmp, "cut.msgpack");
      const first = await spawn(gab, [
        "run",
        "--fuel",
        String(fuel),
        "--snapshot-out",
        snap,
        ...runArgs(test, root),
      ]);
      if (first.status !== STATUS_PAUSED || !SNAPSHOT_LINE.test(first.stderr)) {
        failures.push(`did not pause with --fuel ${fuel} of ${ticks} ticks`);
        outcome = first;
      } else {
        const second = await spawn(gab, ["resume", snap]);
        outcome = {
          status: second.status,
          stdout: first.stdout + second.stdout,
          stderr: first.stderr.replace(SNAPSHOT_LINE, "") + second.stderr,
        };
      }
      if (root !== null) removeCleanups(root);
    }
  } catch (e) {
    failures.push(`runner error: ${(e as Error)?.message ?? e}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  if (outcome.timedOut) failures.push(`killed after ${TIMEOUT_MS / 1000} s`);
  if (failures.length === 0) {
    const s = test.spec;
    if (outcome.status !== s.exitCode) {
      failures.push(`exit code ${outcome.status}, expected ${s.exitCode}`);
    }
    if (s.stdout !== null && outcome.stdout !== s.stdout) {
      failures.push(
        `stdout ${JSON.stringify(outcome.stdout)}, expected ${JSON.stringify(s.stdout)}`,
      );
    }
    if (s.stderr !== null && outcome.stderr !== s.stderr) {
      failures.push(
        `stderr ${JSON.stringify(outcome.stderr)}, expected ${JSON.stringify(s.stderr)}`,
      );
    }
  }
  return { test, mode, failures, ...outcome, fuel, ticks, ms: performance.now() - began };
}

/** The line printed for a result: `ok   whole rust/fd_readdir (812 ms)`, or `FAIL ...: why`. */
export function resultLine(r: TestResult): string {
  const cut = r.mode === "cut" && r.fuel !== undefined ? `, cut at ${r.fuel}/${r.ticks}` : "";
  const head = `${r.failures.length === 0 ? "ok  " : "FAIL"} ${r.mode.padEnd(5)} ${r.test.name}`;
  const tail = ` (${Math.round(r.ms)} ms${cut})`;
  return r.failures.length === 0 ? head + tail : `${head}${tail}: ${r.failures.join("; ")}`;
}

/**
 * Runs `tests` in each of `modes`, `jobs` at once, telling `onResult` of each as it ends;
 * returns the results in the order of tests, then modes.
 */
export async function runSuite(
  tests: readonly TestCase[],
  modes: readonly Mode[],
  options: RunnerOptions & { jobs?: number; onResult?: (r: TestResult) => void } = {},
): Promise<TestResult[]> {
  const work = tests.flatMap((t) => modes.map((m) => ({ t, m })));
  const results: TestResult[] = new Array(work.length);
  let next = 0;
  const worker = async () => {
    while (next < work.length) {
      const i = next++;
      results[i] = await runTest(work[i].t, work[i].m, options);
      options.onResult?.(results[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.jobs ?? 2) }, worker));
  return results;
}

/** The summary line: `wasi-testsuite: 144 of 144 passed (72 whole, 72 cut)`. */
export function summaryLine(results: readonly TestResult[]): string {
  const passed = results.filter((r) => r.failures.length === 0).length;
  const per = (["whole", "cut"] as const)
    .map((m) => [m, results.filter((r) => r.mode === m)] as const)
    .filter(([, rs]) => rs.length > 0)
    .map(([m, rs]) => `${m} ${rs.filter((r) => r.failures.length === 0).length}/${rs.length}`);
  return `wasi-testsuite: ${passed} of ${results.length} passed (${per.join(", ")})`;
}

async function main(argv: string[]): Promise<number> {
  let modes: Mode[] = ["whole", "cut"], jobs = 2, suite = SUITE_DIR, verbose = false;
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--mode") {
      const m = argv[++i];
      if (m === "both") modes = ["whole", "cut"];
      else if (m === "whole" || m === "cut") modes = [m];
      else throw new Error(`--mode takes whole, cut or both, not '${m}'`);
    } else if (a === "-j" || a === "--jobs") jobs = Number(argv[++i]);
    else if (a === "--suite") suite = path.resolve(argv[++i]);
    else if (a === "--verbose" || a === "-v") verbose = true;
    else if (a.startsWith("-")) throw new Error(`unknown option '${a}'`);
    else words.push(a);
  }
  if (!fs.existsSync(path.join(suite, "tests"))) {
    console.error(`no WASI testsuite at ${suite}`);
    return 1;
  }
  const tests = findTests(suite).filter((t) =>
    words.length === 0 || words.some((w) => t.name.includes(w))
  );
  if (tests.length === 0) {
    console.error(`no test's name holds ${words.map((w) => `'${w}'`).join(" or ")}`);
    return 1;
  }
  const results = await runSuite(tests, modes, {
    jobs,
    onResult: (r) => {
      console.log(resultLine(r));
      if (verbose && r.failures.length > 0) {
        console.log(`  status ${r.status}\n  stdout ${JSON.stringify(r.stdout)}`);
        console.log(`  stderr ${JSON.stringify(r.stderr)}`);
      }
    },
  });
  console.log(summaryLine(results));
  return results.every((r) => r.failures.length === 0) ? 0 : 1;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
