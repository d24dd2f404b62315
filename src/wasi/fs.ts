/**
 * The sandbox: resolving a guest path relative to a directory descriptor to a host path that
 * lies inside the descriptor's preopened directory, and host file metadata as WASI sees it.
 *
 * Resolution walks the path one component at a time from the directory's place inside its
 * preopen, keeping the components in a stack: `.` is skipped, `..` pops (popping above the
 * directory the descriptor names is an escape: a descriptor is a capability for what lies
 * beneath it, as in wasmtime's cap-std), and every symbolic link met on the way (and the final one when
 * following) is read and spliced into the remaining components, so a link cannot lead out
 * either. Absolute paths and absolute link targets are escapes too. Escapes give ENOTCAPABLE
 * (as Node's uvwasi does); more than {@linkcode MAX_SYMLINKS} links give ELOOP. The result has
 * no symbolic link in it except possibly its last component (when not following).
 *
 * Assumption: nobody else changes the directory tree between the walk and the operation (a
 * concurrent rename could race it; the guest alone cannot).
 *
 * @module
 */

import * as fs from "node:fs";
import { Filetype } from "./abi.ts";
import { Errno, WasiError } from "./errno.ts";
import type { FdEntry, WasiState } from "./state.ts";

/** The most symbolic links one resolution follows. */
export const MAX_SYMLINKS = 40;

/** A resolved guest path. */
export interface Resolved {
  /** The host path. */
  host: string;
  /** The preopen it lies under. */
  root: number;
  /** Its components inside the preopen, joined by "/" ("" = the preopen itself). */
  rel: string;
  /** The guest path ended with "/" (the target must be a directory). */
  dirOnly: boolean;
}

/** The lstat of `path`, or null if nothing is there. */
export function lstatOrNull(path: string): fs.Stats | null {
  try {
    return fs.lstatSync(path);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "ENOENT" || code === "ENOTDIR") return null;
    throw e;
  }
}

/**
 * Resolves `path` against directory entry `dir` (see the module doc); `follow` follows a final
 * symbolic link.
 *
 * @throws WasiError ENOTDIR (dir is not a directory), ENOENT (empty path, or a missing or
 *   non-directory middle component: ENOTDIR), ENOTCAPABLE (an escape), ELOOP, EILSEQ (NUL).
 */
export function resolvePath(
  state: WasiState,
  dir: FdEntry,
  path: string,
  follow: boolean,
): Resolved {
  if (dir.kind !== "dir" || dir.root < 0) throw new WasiError(Errno.NOTDIR);
  if (path.length === 0) throw new WasiError(Errno.NOENT);
  if (path.includes("\0")) throw new WasiError(Errno.INVAL);
  if (path.startsWith("/")) throw new WasiError(Errno.NOTCAPABLE);
  const rootHost = state.preopens[dir.root].host;
  const stack = dir.rel === "" ? [] : dir.rel.split("/");
  // A directory descriptor reaches only what lies beneath it (capability semantics).
  const floor = stack.length;
  const dirOnly = path.endsWith("/");
  // Remaining components, in reverse (pop from the end).
  const todo = path.split("/").filter((c) => c !== "").reverse();
  let links = 0;
  const hostOf = (parts: string[]) =>
    parts.length === 0 ? rootHost : rootHost + "/" + parts.join("/");
  while (todo.length > 0) {
    const c = todo.pop()!;
    if (c === ".") continue;
    if (c === "..") {
      if (stack.length <= floor) throw new WasiError(Errno.NOTCAPABLE);
      stack.pop();
      continue;
    }
    stack.push(c);
    const last = todo.length === 0;
    if (last && !follow && !dirOnly) break;
    const st = lstatOrNull(hostOf(stack));
    if (st === null) {
      if (last) break;
      throw new WasiError(Errno.NOENT);
    }
    if (st.isSymbolicLink()) {
      if (++links > MAX_SYMLINKS) throw new WasiError(Errno.LOOP);
      const target = fs.readlinkSync(hostOf(stack));
      if (target.startsWith("/")) throw new WasiError(Errno.NOTCAPABLE);
      stack.pop();
      const parts = target.split("/").filter((p) => p !== "");
      for (let i = parts.length - 1; i >= 0; i--) todo.push(parts[i]);
      continue;
    }
    if (!last && !st.isDirectory()) throw new WasiError(Errno.NOTDIR);
  }
  return { host: hostOf(stack), root: dir.root, rel: stack.join("/"), dirOnly };
}

/** The WASI file type of host metadata. */
export function filetypeOf(st: fs.Stats | fs.BigIntStats): number {
  if (st.isFile()) return Filetype.REGULAR_FILE;
  if (st.isDirectory()) return Filetype.DIRECTORY;
  if (st.isSymbolicLink()) return Filetype.SYMBOLIC_LINK;
  if (st.isCharacterDevice()) return Filetype.CHARACTER_DEVICE;
  if (st.isBlockDevice()) return Filetype.BLOCK_DEVICE;
  if (st.isSocket()) return Filetype.SOCKET_STREAM;
  return Filetype.UNKNOWN;
}

/** File metadata as `filestat` holds it. */
export interface Filestat {
  dev: bigint;
  ino: bigint;
  filetype: number;
  nlink: bigint;
  size: bigint;
  atim: bigint;
  mtim: bigint;
  ctim: bigint;
}

/**
 * The filestat of host metadata (bigint form). The host gives times in milliseconds only:
 * where the guest set a time to the nanosecond and the file still has that millisecond,
 * `state.times` gives the exact time set.
 */
export function filestatOf(st: fs.BigIntStats, state?: WasiState): Filestat {
  const set = state?.times?.[`${st.dev}:${st.ino}`];
  const exact = (host: bigint, ns: string | null | undefined) =>
    ns != null && BigInt(ns) / MS === host / MS ? BigInt(ns) : host;
  return {
    dev: st.dev,
    ino: st.ino,
    filetype: filetypeOf(st),
    nlink: st.nlink,
    size: st.size,
    atim: exact(st.atimeNs, set?.[0]),
    mtim: exact(st.mtimeNs, set?.[1]),
    ctim: st.ctimeNs,
  };
}

const MS = 1_000_000n;

/**
 * Sets the access and modification times of a file (nanoseconds) with `set(atime, mtime)`,
 * a host function taking seconds, and remembers them to the nanosecond in `state.times` for
 * {@linkcode filestatOf}; `stat` gives the file's metadata afterwards.
 */
export function setTimes(
  state: WasiState,
  atim: bigint,
  mtim: bigint,
  set: (atime: number, mtime: number) => void,
  stat: () => fs.BigIntStats,
): void {
  // The host truncates seconds to milliseconds with float arithmetic: half a millisecond
  // more makes it land on the intended one.
  const sec = (ns: bigint) => (Number(ns / MS) + 0.5) / 1000;
  set(sec(atim), sec(mtim));
  const st = stat();
  const times = state.times ??= {};
  times[`${st.dev}:${st.ino}`] = [String(atim), String(mtim)];
}
