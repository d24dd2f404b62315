/**
 * The `path_*` functions of WASI preview 1 (all 10). Paths are resolved through the sandbox
 * (`fs.ts`): nothing outside the preopened directories can be named, and links that lead out
 * are refused (ENOTCAPABLE). Creating a symbolic link whose target is absolute, or whose
 * relative target climbs above the preopen from where the link sits, is ENOTCAPABLE too.
 *
 * Removing or renaming a preopened directory itself is EBUSY.
 *
 * @module
 */

import * as fs from "node:fs";
import { Filetype, LOOKUP_SYMLINK_FOLLOW, Oflags } from "./abi.ts";
import type { WasiContext } from "./ctx.ts";
import { Errno, WasiError } from "./errno.ts";
import { timesFor } from "./fd.ts";
import { hostFlags } from "./handles.ts";
import {
  type Filestat,
  filestatOf,
  lstatOrNull,
  type Resolved,
  resolvePath,
  setTimes,
} from "./fs.ts";
import { writeFilestat } from "./layout.ts";
import { DIR_RIGHTS, FILE_RIGHTS, Rights, rightsOf } from "./rights.ts";
import { type FdEntry, fdEntry } from "./state.ts";

/** Resolves the guest path at `ptr`/`len` against directory `fd`, which needs rights `need`. */
function resolve(
  ctx: WasiContext,
  fd: number,
  need: number,
  ptr: number,
  len: number,
  follow: boolean,
): Resolved {
  const dir = ctx.withRights(fd, need);
  if (dir.kind !== "dir") throw new WasiError(Errno.NOTDIR);
  return resolvePath(ctx.state, dir, ctx.mem.string(ptr, len), follow);
}

function hostStat(r: Resolved, follow: boolean): fs.BigIntStats {
  return follow ? fs.statSync(r.host, { bigint: true }) : fs.lstatSync(r.host, { bigint: true });
}

function statPath(ctx: WasiContext, r: Resolved, follow: boolean): Filestat {
  const st = hostStat(r, follow);
  if (r.dirOnly && !st.isDirectory()) throw new WasiError(Errno.NOTDIR);
  return filestatOf(st, ctx.state);
}

/** `path_create_directory(fd, path, path_len)`. */
export function path_create_directory(
  ctx: WasiContext,
  fd: number,
  path: number,
  len: number,
): number {
  const r = resolve(ctx, fd, Rights.PATH_CREATE_DIRECTORY, path, len, false);
  fs.mkdirSync(r.host);
  return 0;
}

/** `path_filestat_get(fd, flags, path, path_len, filestat_ptr)`. */
export function path_filestat_get(
  ctx: WasiContext,
  fd: number,
  flags: number,
  path: number,
  len: number,
  out: number,
  write = writeFilestat,
): number {
  const follow = (flags & LOOKUP_SYMLINK_FOLLOW) !== 0;
  const r = resolve(ctx, fd, Rights.PATH_FILESTAT_GET, path, len, follow);
  ctx.mem.check(out, 56);
  write(ctx.mem, out, statPath(ctx, r, follow));
  return 0;
}

/** `path_filestat_set_times(fd, flags, path, path_len, atim, mtim, fstflags)`. */
export function path_filestat_set_times(
  ctx: WasiContext,
  fd: number,
  flags: number,
  path: number,
  len: number,
  atim: bigint,
  mtim: bigint,
  fst: number,
): number {
  const follow = (flags & LOOKUP_SYMLINK_FOLLOW) !== 0;
  const r = resolve(ctx, fd, Rights.PATH_FILESTAT_SET_TIMES, path, len, follow);
  const [a, m] = timesFor(ctx, atim, mtim, fst, () => statPath(ctx, r, follow));
  const set = follow ? fs.utimesSync : fs.lutimesSync;
  setTimes(ctx.state, a, m, (x, y) => set(r.host, x, y), () => hostStat(r, follow));
  return 0;
}

/** `path_link(old_fd, old_flags, old_path, old_len, new_fd, new_path, new_len)`. */
export function path_link(
  ctx: WasiContext,
  oldFd: number,
  oldFlags: number,
  oldPath: number,
  oldLen: number,
  newFd: number,
  newPath: number,
  newLen: number,
): number {
  const follow = (oldFlags & LOOKUP_SYMLINK_FOLLOW) !== 0;
  const from = resolve(ctx, oldFd, Rights.PATH_LINK_SOURCE, oldPath, oldLen, follow);
  const to = resolve(ctx, newFd, Rights.PATH_LINK_TARGET, newPath, newLen, false);
  if (to.dirOnly) throw new WasiError(Errno.NOENT);
  fs.linkSync(from.host, to.host);
  return 0;
}

/** The access a `path_open` gives the host file, from the granted rights. */
function accessOf(rights: number): { read: boolean; write: boolean } {
  return {
    read: (rights & (Rights.FD_READ | Rights.FD_READDIR)) !== 0,
    write: (rights &
      (Rights.FD_WRITE | Rights.FD_ALLOCATE | Rights.FD_FILESTAT_SET_SIZE |
        Rights.FD_DATASYNC)) !== 0,
  };
}

/**
 * `path_open(fd, dirflags, path, path_len, oflags, rights_base, rights_inheriting, fdflags,
 * fd_ptr)`. Requesting rights beyond the directory's inheriting rights is ENOTCAPABLE (as
 * uvwasi; wasi-libc asks within them); the new descriptor gets the requested rights that its
 * file type supports.
 */
export function path_open(
  ctx: WasiContext,
  fd: number,
  dirflags: number,
  path: number,
  len: number,
  oflags: number,
  base: bigint,
  inheriting: bigint,
  fdflags: number,
  out: number,
): number {
  const creat = (oflags & Oflags.CREAT) !== 0;
  const trunc = (oflags & Oflags.TRUNC) !== 0;
  let need = Rights.PATH_OPEN;
  if (creat) need |= Rights.PATH_CREATE_FILE;
  if (trunc) need |= Rights.PATH_FILESTAT_SET_SIZE;
  if ((oflags & ~0xf) !== 0 || (fdflags & ~0x1f) !== 0) throw new WasiError(Errno.INVAL);
  const follow = (dirflags & LOOKUP_SYMLINK_FOLLOW) !== 0;
  const r = resolve(ctx, fd, need, path, len, follow);
  const dir = ctx.entry(fd);
  ctx.mem.check(out, 4);
  const rights = rightsOf(BigInt.asUintN(64, base));
  const inh = rightsOf(BigInt.asUintN(64, inheriting));
  if ((rights & ~dir.inheriting) !== 0 || (inh & ~dir.inheriting) !== 0) {
    throw new WasiError(Errno.NOTCAPABLE);
  }
  const st = lstatOrNull(r.host);
  if (st !== null) {
    if (creat && (oflags & Oflags.EXCL)) throw new WasiError(Errno.EXIST);
    if (st.isSymbolicLink()) throw new WasiError(Errno.LOOP);
    if (st.isDirectory()) {
      // As wasmtime: rights a directory cannot use (FD_DATASYNC, FD_ALLOCATE...) are dropped,
      // not a reason to refuse it; only asking to write to it (or truncate it) is EISDIR.
      if ((rights & Rights.FD_WRITE) !== 0 || trunc) throw new WasiError(Errno.ISDIR);
      const e = fdEntry({
        kind: "dir",
        filetype: Filetype.DIRECTORY,
        hostPath: r.host,
        root: r.root,
        rel: r.rel,
        rights: rights & DIR_RIGHTS,
        inheriting: inh,
        fdflags,
        read: true,
      });
      ctx.mem.setU32(out, ctx.allocFd(e));
      return 0;
    }
    if ((oflags & Oflags.DIRECTORY) || r.dirOnly) throw new WasiError(Errno.NOTDIR);
  } else {
    if (!creat) throw new WasiError(Errno.NOENT);
    if ((oflags & Oflags.DIRECTORY) || r.dirOnly) throw new WasiError(Errno.INVAL);
  }
  const { read } = accessOf(rights);
  // Creating or truncating a file takes a host descriptor open for writing (the host's open
  // refuses them read-only, and truncation with append), also when the guest gets no right
  // to write: its rights, not the host descriptor, decide what it may do.
  const write = accessOf(rights).write || creat || trunc;
  const c = fs.constants;
  let flags = read && write ? c.O_RDWR : write ? c.O_WRONLY : c.O_RDONLY;
  if (creat) flags |= c.O_CREAT;
  if (oflags & Oflags.EXCL) flags |= c.O_EXCL;
  flags |= hostFlags(fdflags);
  if (!follow) flags |= c.O_NOFOLLOW;
  const h = fs.openSync(r.host, flags, 0o666);
  let e: FdEntry;
  try {
    const hst = fs.fstatSync(h);
    if (trunc && hst.isFile()) fs.ftruncateSync(h, 0);
    e = fdEntry({
      kind: "file",
      filetype: hst.isFile() ? Filetype.REGULAR_FILE : Filetype.UNKNOWN,
      hostPath: r.host,
      root: r.root,
      rel: r.rel,
      rights: rights & FILE_RIGHTS,
      inheriting: inh,
      fdflags,
      read,
      write,
    });
  } catch (err) {
    fs.closeSync(h);
    throw err;
  }
  const newFd = ctx.allocFd(e);
  ctx.handles.adopt(newFd, h);
  ctx.mem.setU32(out, newFd);
  return 0;
}

/** `path_readlink(fd, path, path_len, buf, buf_len, bufused_ptr)`: truncates to the buffer. */
export function path_readlink(
  ctx: WasiContext,
  fd: number,
  path: number,
  len: number,
  buf: number,
  bufLen: number,
  out: number,
): number {
  const r = resolve(ctx, fd, Rights.PATH_READLINK, path, len, false);
  ctx.mem.check(buf, bufLen >>> 0);
  ctx.mem.check(out, 4);
  const st = lstatOrNull(r.host);
  if (st === null) throw new WasiError(Errno.NOENT);
  if (!st.isSymbolicLink()) throw new WasiError(Errno.INVAL);
  const target = fs.readlinkSync(r.host, { encoding: "buffer" }) as unknown as Uint8Array;
  const n = Math.min(target.length, bufLen >>> 0);
  ctx.mem.write(buf, target.subarray(0, n));
  ctx.mem.setU32(out, n);
  return 0;
}

/** `path_remove_directory(fd, path, path_len)`. */
export function path_remove_directory(
  ctx: WasiContext,
  fd: number,
  path: number,
  len: number,
): number {
  const r = resolve(ctx, fd, Rights.PATH_REMOVE_DIRECTORY, path, len, false);
  if (r.rel === "") throw new WasiError(Errno.BUSY);
  const st = lstatOrNull(r.host);
  if (st === null) throw new WasiError(Errno.NOENT);
  if (!st.isDirectory()) throw new WasiError(Errno.NOTDIR);
  fs.rmdirSync(r.host);
  return 0;
}

/** `path_rename(fd, old_path, old_len, new_fd, new_path, new_len)`. */
export function path_rename(
  ctx: WasiContext,
  oldFd: number,
  oldPath: number,
  oldLen: number,
  newFd: number,
  newPath: number,
  newLen: number,
): number {
  const from = resolve(ctx, oldFd, Rights.PATH_RENAME_SOURCE, oldPath, oldLen, false);
  const to = resolve(ctx, newFd, Rights.PATH_RENAME_TARGET, newPath, newLen, false);
  if (from.rel === "" || to.rel === "") throw new WasiError(Errno.BUSY);
  const st = lstatOrNull(from.host);
  if (st === null) throw new WasiError(Errno.NOENT);
  if ((from.dirOnly || to.dirOnly) && !st.isDirectory()) throw new WasiError(Errno.NOTDIR);
  fs.renameSync(from.host, to.host);
  return 0;
}

/** `path_symlink(old_path, old_len, fd, new_path, new_len)` (see the module doc). */
export function path_symlink(
  ctx: WasiContext,
  oldPath: number,
  oldLen: number,
  fd: number,
  newPath: number,
  newLen: number,
): number {
  const target = ctx.mem.string(oldPath, oldLen);
  const r = resolve(ctx, fd, Rights.PATH_SYMLINK, newPath, newLen, false);
  if (target.length === 0) throw new WasiError(Errno.NOENT);
  if (target.startsWith("/") || target.includes("\0")) throw new WasiError(Errno.NOTCAPABLE);
  // Where the link's target lands, lexically, from the link's directory inside the preopen.
  const at = r.rel === "" ? [] : r.rel.split("/");
  at.pop();
  for (const c of target.split("/")) {
    if (c === "" || c === ".") continue;
    if (c === "..") {
      if (at.length === 0) throw new WasiError(Errno.NOTCAPABLE);
      at.pop();
    } else at.push(c);
  }
  if (r.dirOnly) throw new WasiError(Errno.NOENT);
  fs.symlinkSync(target, r.host);
  return 0;
}

/** `path_unlink_file(fd, path, path_len)`: EISDIR for a directory. */
export function path_unlink_file(ctx: WasiContext, fd: number, path: number, len: number): number {
  const r = resolve(ctx, fd, Rights.PATH_UNLINK_FILE, path, len, false);
  const st = lstatOrNull(r.host);
  if (st === null) throw new WasiError(Errno.NOENT);
  if (st.isDirectory()) throw new WasiError(Errno.ISDIR);
  if (r.dirOnly) throw new WasiError(Errno.NOTDIR);
  fs.unlinkSync(r.host);
  return 0;
}
