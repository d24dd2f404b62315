/**
 * Fetches the WebAssembly/testsuite repository, at the commit that
 * `../shared/testsuite/README.md` names, into the git-ignored `.cache/testsuite/`, where
 * `scripts/spec.ts` and the tests prefer it to the shared copy.
 *
 * ```sh
 * deno run -A scripts/fetch_testsuite.ts            # fetch the README's commit
 * deno run -A scripts/fetch_testsuite.ts <commit>   # fetch another commit
 * ```
 *
 * It downloads GitHub's tarball of the commit with `fetch()` and unpacks it itself (gzip by
 * `DecompressionStream`, tar by the small reader below). Without a network it says so and
 * leaves things as they are: the runner then uses `../shared/testsuite`. Paths are relative
 * to this repository, not to the working directory.
 *
 * @module
 */

import { CACHE_SUITE_DIR, isDir, SHARED_SUITE_DIR } from "../src/script/suite.ts";

/** The file in the cache that records which commit it holds. */
const COMMIT_FILE = `${CACHE_SUITE_DIR}/.commit`;

/** The commit named in the shared testsuite's README. */
function readmeCommit(): string | null {
  try {
    const readme = Deno.readTextFileSync(`${SHARED_SUITE_DIR}/README.md`);
    return /\b([0-9a-f]{40})\b/.exec(readme)?.[1] ?? null;
  } catch {
    return null;
  }
}

/** One file of a tar archive. */
interface TarEntry {
  path: string;
  type: "file" | "dir" | "other";
  data: Uint8Array;
}

/** Reads a (ustar, pax or GNU) tar archive's regular files and directories. */
export function readTar(tar: Uint8Array): TarEntry[] {
  const text = new TextDecoder();
  const field = (at: number, len: number) => {
    const bytes = tar.subarray(at, at + len);
    const nul = bytes.indexOf(0);
    return text.decode(nul < 0 ? bytes : bytes.subarray(0, nul));
  };
  const entries: TarEntry[] = [];
  let longName: string | null = null;
  let pos = 0;
  while (pos + 512 <= tar.length) {
    if (tar[pos] === 0) break; // the end-of-archive blocks
    const size = parseInt(field(pos + 124, 12).trim() || "0", 8);
    const flag = String.fromCharCode(tar[pos + 156] || 0x30);
    const prefix = field(pos + 345, 155);
    const name = prefix === "" ? field(pos, 100) : `${prefix}/${field(pos, 100)}`;
    const data = tar.subarray(pos + 512, pos + 512 + size);
    pos += 512 + Math.ceil(size / 512) * 512;
    if (flag === "x") {
      const path = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(text.decode(data))?.[1];
      if (path !== undefined) longName = path;
      continue;
    }
    if (flag === "L") {
      longName = text.decode(data).replace(/\0+$/, "");
      continue;
    }
    if (flag === "g") continue; // pax global header (GitHub puts the commit there)
    const path = longName ?? name;
    longName = null;
    const type = flag === "0" || flag === "7" ? "file" : flag === "5" ? "dir" : "other";
    entries.push({ path, type, data });
  }
  return entries;
}

async function download(commit: string): Promise<Uint8Array> {
  const url = `https://codeload.github.com/WebAssembly/testsuite/tar.gz/${commit}`;
  const response = await fetch(url, { signal: AbortSignal.timeout(120_000) });
  if (!response.ok || response.body === null) {
    throw new Error(`${url}: HTTP ${response.status}`);
  }
  const stream = response.body.pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function unpack(entries: TarEntry[], into: string): number {
  let files = 0;
  for (const e of entries) {
    // Drop the archive's top directory (testsuite-<commit>/); refuse paths that climb out.
    const rel = e.path.split("/").slice(1).join("/");
    if (rel === "" || rel.split("/").includes("..")) continue;
    if (e.type === "dir") Deno.mkdirSync(`${into}/${rel}`, { recursive: true });
    if (e.type !== "file") continue;
    const dir = rel.includes("/") ? rel.slice(0, rel.lastIndexOf("/")) : "";
    if (dir !== "") Deno.mkdirSync(`${into}/${dir}`, { recursive: true });
    Deno.writeFileSync(`${into}/${rel}`, e.data);
    files++;
  }
  return files;
}

async function main(): Promise<number> {
  const commit = Deno.args[0] ?? readmeCommit();
  if (commit === null || !/^[0-9a-f]{7,40}$/.test(commit)) {
    console.error(`no commit given and none found in ${SHARED_SUITE_DIR}/README.md`);
    return 2;
  }
  try {
    if (Deno.readTextFileSync(COMMIT_FILE).trim() === commit) {
      console.log(`${CACHE_SUITE_DIR} already holds testsuite ${commit}`);
      return 0;
    }
  } catch {
    // Not fetched yet.
  }
  let tar: Uint8Array;
  try {
    tar = await download(commit);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    const fallback = isDir(CACHE_SUITE_DIR) ? CACHE_SUITE_DIR : SHARED_SUITE_DIR;
    console.error(`could not fetch the testsuite (${why}); the runner uses ${fallback}`);
    return 0;
  }
  const tmp = `${CACHE_SUITE_DIR}.tmp`;
  if (isDir(tmp)) Deno.removeSync(tmp, { recursive: true });
  Deno.mkdirSync(tmp, { recursive: true });
  const files = unpack(readTar(tar), tmp);
  Deno.writeTextFileSync(`${tmp}/.commit`, `${commit}\n`);
  if (isDir(CACHE_SUITE_DIR)) Deno.removeSync(CACHE_SUITE_DIR, { recursive: true });
  Deno.renameSync(tmp, CACHE_SUITE_DIR);
  console.log(`fetched testsuite ${commit} into ${CACHE_SUITE_DIR} (${files} files)`);
  return 0;
}

if (import.meta.main) {
  Deno.exit(await main());
}
