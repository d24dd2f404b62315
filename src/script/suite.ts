/**
 * Where the spec testsuite is and which of its files gab runs: the `.wast` files at the top
 * level (WebAssembly 3.0) and in `legacy/` (legacy exception handling), named by their path
 * relative to the testsuite's root (`address.wast`, `legacy/throw.wast`).
 *
 * The testsuite is `.cache/testsuite/` when `scripts/fetch_testsuite.ts` has fetched it, else
 * the read-only copy in `../shared/testsuite/`; both are found relative to this file, not to
 * the working directory.
 *
 * @module
 */

/** The repository's root directory (with a trailing slash). */
export const REPO_ROOT: string = decodeURIComponent(new URL("../../", import.meta.url).pathname);

/** Where `scripts/fetch_testsuite.ts` puts the testsuite. */
export const CACHE_SUITE_DIR = `${REPO_ROOT}.cache/testsuite`;

/** The shared read-only copy of the testsuite (`../shared/testsuite` from the repository). */
export const SHARED_SUITE_DIR: string = decodeURIComponent(
  new URL("../../../shared/testsuite", import.meta.url).pathname,
);

/** The subdirectories of the testsuite that are run besides its top level. */
export const SUITE_SUBDIRS: readonly string[] = ["legacy"];

/** The testsuite directory to use: the fetched one if present, else the shared copy. */
export function defaultSuiteDir(): string {
  return isDir(CACHE_SUITE_DIR) ? CACHE_SUITE_DIR : SHARED_SUITE_DIR;
}

/**
 * The `.wast` files of a testsuite directory that gab runs (top level and `legacy/`), as
 * sorted paths relative to `dir`.
 */
export function suiteFiles(dir: string): string[] {
  const out: string[] = [];
  for (const sub of ["", ...SUITE_SUBDIRS]) {
    const d = sub === "" ? dir : `${dir}/${sub}`;
    if (!isDir(d)) continue;
    for (const name of wastFiles(d)) out.push(sub === "" ? name : `${sub}/${name}`);
  }
  return out;
}

/** The names of the `.wast` files directly in a directory, sorted. */
export function wastFiles(dir: string): string[] {
  const names: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    if (e.isFile && e.name.endsWith(".wast")) names.push(e.name);
  }
  return names.sort();
}

/** Reads a script file's bytes (the lexer checks that they are UTF-8). */
export function readScript(path: string): Uint8Array {
  return Deno.readFileSync(path);
}

/** Whether a path is a directory. */
export function isDir(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}
