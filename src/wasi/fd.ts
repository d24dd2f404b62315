/**
 * The `fd_*` functions of WASI preview 1 (all 21). Each takes the context and the raw
 * arguments (i32 as numbers, i64 as bigints), returns 0, or throws `WasiError` with the errno.
 *
 * Behaviour worth knowing:
 * - Files: every read and write is positioned at the offset kept in the state (the host
 *   descriptor's own position is never used), except appends, which go to the end.
 * - Standard streams: read from / written to the context's stdio (a read of standard input
 *   that would wait blocks, or in suspendable mode throws `WouldBlock` before reading
 *   anything: `wait.ts`; a read that got some bytes never waits for more); they have no seek or tell
 *   rights (ENOTCAPABLE, even when the host's stream is a file), syncing them is EINVAL (as
 *   fsync on a terminal or pipe).
 * - `fd_advise` checks its arguments and rights, then succeeds: advice is a hint that the
 *   spec allows to ignore. `fd_allocate` extends the file to `offset + len` if shorter.
 * - `fd_readdir` lists `.` and `..` first, then the entries sorted by name (a stable order,
 *   so cookies stay valid across calls); a cookie is the index of the next entry.
 * - `fd_renumber` requires both descriptors to be open.
 *
 * @module
 */

import * as fs from "node:fs";
import { ADVICE_MAX, Fdflags, Filetype, Fstflags, Whence } from "./abi.ts";
import type { WasiContext } from "./ctx.ts";
import { Errno, WasiError } from "./errno.ts";
import { type Filestat, filestatOf, filetypeOf, lstatOrNull, setTimes } from "./fs.ts";
import type { DirItem } from "./handles.ts";
import { direntHeader, writeFdstat, writeFilestat } from "./layout.ts";
import { utf8 } from "./memory.ts";
import { Rights, rightsOf } from "./rights.ts";
import type { FdEntry } from "./state.ts";
import { socketClose, socketRead, socketWrite, suspendUnlessReadable } from "./sock.ts";
import { WouldBlock } from "./wait.ts";

const MAX_SIZE = 2 ** 53 - 1;

function isSocket(e: FdEntry): boolean {
  return e.kind === "socket" || e.kind === "listener";
}

/** A u64 argument as a safe offset (EINVAL beyond 2^53 - 1, EOVERFLOW would mislead). */
function offsetArg(v: bigint): number {
  const u = BigInt.asUintN(64, v);
  if (u > BigInt(MAX_SIZE)) throw new WasiError(Errno.INVAL);
  return Number(u);
}

/** The entry of `fd` as a regular file (EISDIR for a directory, ESPIPE for others). */
function fileEntry(ctx: WasiContext, fd: number, need: number): FdEntry {
  const e = ctx.withRights(fd, need);
  if (e.kind === "dir") throw new WasiError(Errno.ISDIR);
  if (e.kind !== "file") throw new WasiError(Errno.SPIPE);
  return e;
}

/** Reads into the iovecs from the file or stream of `e`; returns the byte count. */
function readInto(
  ctx: WasiContext,
  fd: number,
  e: FdEntry,
  iovs: Array<[number, number]>,
  at: number | null,
): number {
  let total = 0;
  for (const [ptr, len] of iovs) {
    if (len === 0) continue;
    const buf = ctx.mem.bytes(ptr, len);
    let n: number;
    if (e.kind === "stdin") {
      const nonblock = (e.fdflags & Fdflags.NONBLOCK) !== 0;
      if (ctx.suspendable || nonblock) {
        const got = ctx.stdin.tryRead(buf, !ctx.suspendable);
        if (got === null) {
          if (total > 0) break;
          if (nonblock) throw new WasiError(Errno.AGAIN);
          throw new WouldBlock("stdin", () => ctx.stdin.ready(len));
        }
        n = got;
      } else n = ctx.stdin.readSync(buf);
    } else if (isSocket(e)) {
      if (total === 0) suspendUnlessReadable(ctx, e);
      n = socketRead(ctx, e, buf, 0);
    } else {
      const pos = (at ?? e.offset) + total;
      n = fs.readSync(ctx.handles.file(fd, e), buf, 0, len, pos);
    }
    total += n;
    if (n < len) break;
  }
  return total;
}

/** Gathers the iovecs' bytes into one copy. */
function gather(ctx: WasiContext, iovs: Array<[number, number]>): Uint8Array {
  let size = 0;
  for (const [, len] of iovs) size += len;
  const out = new Uint8Array(size);
  let at = 0;
  for (const [ptr, len] of iovs) {
    out.set(ctx.mem.bytes(ptr, len), at);
    at += len;
  }
  return out;
}

/** Writes `data` to the file or stream of `e` (at `at` or its offset); returns the count. */
function writeOut(
  ctx: WasiContext,
  fd: number,
  e: FdEntry,
  data: Uint8Array,
  at: number | null,
): number {
  if (e.kind === "stdout") ctx.stdio.stdout(data);
  else if (e.kind === "stderr") ctx.stdio.stderr(data);
  else if (e.kind === "stdin") throw new WasiError(Errno.BADF);
  else if (isSocket(e)) return socketWrite(ctx, e, data);
  else {
    const h = ctx.handles.file(fd, e);
    const append = at === null && (e.fdflags & Fdflags.APPEND) !== 0;
    const pos = append ? fs.fstatSync(h).size : at ?? e.offset;
    let done = 0;
    while (done < data.length) {
      done += fs.writeSync(h, data, done, data.length - done, pos + done);
    }
    if (append) e.offset = pos + done;
  }
  return data.length;
}

/** `fd_read(fd, iovs, iovs_len, nread_ptr)`. */
export function fd_read(
  ctx: WasiContext,
  fd: number,
  iovs: number,
  n: number,
  out: number,
): number {
  const e = ctx.withRights(fd, Rights.FD_READ);
  if (e.kind === "dir") throw new WasiError(Errno.ISDIR);
  const v = ctx.mem.iovecs(iovs, n);
  ctx.mem.check(out, 4);
  const count = readInto(ctx, fd, e, v, null);
  if (e.kind === "file") e.offset += count;
  ctx.mem.setU32(out, count);
  return 0;
}

/** `fd_pread(fd, iovs, iovs_len, offset, nread_ptr)`. */
export function fd_pread(
  ctx: WasiContext,
  fd: number,
  iovs: number,
  n: number,
  offset: bigint,
  out: number,
): number {
  const e = fileEntry(ctx, fd, Rights.FD_READ | Rights.FD_SEEK);
  const v = ctx.mem.iovecs(iovs, n);
  ctx.mem.check(out, 4);
  ctx.mem.setU32(out, readInto(ctx, fd, e, v, offsetArg(offset)));
  return 0;
}

/** `fd_write(fd, iovs, iovs_len, nwritten_ptr)`. */
export function fd_write(
  ctx: WasiContext,
  fd: number,
  iovs: number,
  n: number,
  out: number,
): number {
  const e = ctx.withRights(fd, Rights.FD_WRITE);
  if (e.kind === "dir") throw new WasiError(Errno.ISDIR);
  const data = gather(ctx, ctx.mem.iovecs(iovs, n));
  ctx.mem.check(out, 4);
  const count = writeOut(ctx, fd, e, data, null);
  if (e.kind === "file" && (e.fdflags & Fdflags.APPEND) === 0) e.offset += count;
  ctx.mem.setU32(out, count);
  return 0;
}

/** `fd_pwrite(fd, iovs, iovs_len, offset, nwritten_ptr)`. */
export function fd_pwrite(
  ctx: WasiContext,
  fd: number,
  iovs: number,
  n: number,
  offset: bigint,
  out: number,
): number {
  const e = fileEntry(ctx, fd, Rights.FD_WRITE | Rights.FD_SEEK);
  const data = gather(ctx, ctx.mem.iovecs(iovs, n));
  ctx.mem.check(out, 4);
  ctx.mem.setU32(out, writeOut(ctx, fd, e, data, offsetArg(offset)));
  return 0;
}

/** The size of the file of `e`. */
function fileSize(ctx: WasiContext, fd: number, e: FdEntry): number {
  return fs.fstatSync(ctx.handles.file(fd, e)).size;
}

/**
 * `fd_seek(fd, offset, whence, newoffset_ptr)` with preview 1's whence (SET 0, CUR 1, END 2).
 * A resulting negative offset is EINVAL.
 */
export function fd_seek(
  ctx: WasiContext,
  fd: number,
  offset: bigint,
  whence: number,
  out: number,
): number {
  const e = ctx.entry(fd);
  const tellOnly = whence === Whence.CUR && offset === 0n;
  if ((e.rights & Rights.FD_SEEK) === 0 && !(tellOnly && (e.rights & Rights.FD_TELL) !== 0)) {
    throw new WasiError(Errno.NOTCAPABLE);
  }
  if (e.kind !== "file") throw new WasiError(e.kind === "dir" ? Errno.BADF : Errno.SPIPE);
  ctx.mem.check(out, 8);
  const delta = Number(BigInt.asIntN(64, offset));
  let base: number;
  if (whence === Whence.SET) base = 0;
  else if (whence === Whence.CUR) base = e.offset;
  else if (whence === Whence.END) base = fileSize(ctx, fd, e);
  else throw new WasiError(Errno.INVAL);
  const next = base + delta;
  if (next < 0 || next > MAX_SIZE) throw new WasiError(Errno.INVAL);
  e.offset = next;
  ctx.mem.setU64(out, next);
  return 0;
}

/** `fd_tell(fd, offset_ptr)`. */
export function fd_tell(ctx: WasiContext, fd: number, out: number): number {
  const e = ctx.withRights(fd, Rights.FD_TELL);
  if (e.kind !== "file") throw new WasiError(e.kind === "dir" ? Errno.BADF : Errno.SPIPE);
  ctx.mem.setU64(out, e.offset);
  return 0;
}

/** `fd_close(fd)`. */
export function fd_close(ctx: WasiContext, fd: number): number {
  const e = ctx.entry(fd);
  if (isSocket(e)) socketClose(ctx, e);
  ctx.freeFd(fd);
  return 0;
}

/** `fd_renumber(from, to)`: `to` is closed and replaced by `from`; both must be open. */
export function fd_renumber(ctx: WasiContext, from: number, to: number): number {
  const e = ctx.entry(from);
  const old = ctx.entry(to);
  if (from === to) return 0;
  if (isSocket(old)) socketClose(ctx, old);
  ctx.handles.move(from, to);
  ctx.state.fds[to] = e;
  ctx.state.fds[from] = null;
  const fds = ctx.state.fds;
  while (fds.length > 0 && fds[fds.length - 1] === null) fds.pop();
  return 0;
}

/** `fd_fdstat_get(fd, fdstat_ptr)`. */
export function fd_fdstat_get(ctx: WasiContext, fd: number, out: number): number {
  const e = ctx.entry(fd);
  writeFdstat(ctx.mem, out, e.filetype, e.fdflags, e.rights, e.inheriting);
  return 0;
}

/**
 * `fd_fdstat_set_flags(fd, flags)`: every flag is kept and applied (a file is re-opened with
 * O_APPEND, O_DSYNC, O_SYNC for RSYNC and SYNC). NONBLOCK takes effect on sockets and on
 * standard input (EAGAIN where a read would wait; where the host cannot tell, as for a socket
 * as standard input, a read blocks, or under the async driver gives EAGAIN until a
 * `poll_oneoff` saw data: `stdin.ts`); files never wait.
 * Anything beyond the five flags is EINVAL.
 */
export function fd_fdstat_set_flags(ctx: WasiContext, fd: number, flags: number): number {
  const e = ctx.withRights(fd, Rights.FD_FDSTAT_SET_FLAGS);
  if ((flags & ~0x1f) !== 0) throw new WasiError(Errno.INVAL);
  const changed = (e.fdflags ^ flags) & ~Fdflags.NONBLOCK;
  e.fdflags = flags;
  if (changed && e.kind === "file") ctx.handles.close(fd);
  return 0;
}

/** `fd_fdstat_set_rights(fd, base, inheriting)`: rights may only shrink (ENOTCAPABLE). */
export function fd_fdstat_set_rights(
  ctx: WasiContext,
  fd: number,
  base: bigint,
  inh: bigint,
): number {
  const e = ctx.entry(fd);
  const b = BigInt.asUintN(64, base), i = BigInt.asUintN(64, inh);
  if ((b & ~BigInt(e.rights)) !== 0n || (i & ~BigInt(e.inheriting)) !== 0n) {
    throw new WasiError(Errno.NOTCAPABLE);
  }
  e.rights = rightsOf(b);
  e.inheriting = rightsOf(i);
  return 0;
}

const fstat = (h: number) => fs.fstatSync(h, { bigint: true });
const stat = (p: string) => fs.statSync(p, { bigint: true });

/** The filestat of descriptor `fd`. */
export function statFd(ctx: WasiContext, fd: number): Filestat {
  const e = ctx.withRights(fd, Rights.FD_FILESTAT_GET);
  if (e.kind === "file") return filestatOf(fstat(ctx.handles.file(fd, e)), ctx.state);
  if (e.kind === "dir") return filestatOf(stat(e.hostPath), ctx.state);
  return {
    dev: 0n,
    ino: 0n,
    filetype: e.filetype,
    nlink: 1n,
    size: 0n,
    atim: 0n,
    mtim: 0n,
    ctim: 0n,
  };
}

/** `fd_filestat_get(fd, filestat_ptr)`. */
export function fd_filestat_get(ctx: WasiContext, fd: number, out: number): number {
  ctx.mem.check(out, 64);
  writeFilestat(ctx.mem, out, statFd(ctx, fd));
  return 0;
}

/** `fd_filestat_set_size(fd, size)`. */
export function fd_filestat_set_size(ctx: WasiContext, fd: number, size: bigint): number {
  const e = fileEntry(ctx, fd, Rights.FD_FILESTAT_SET_SIZE);
  fs.ftruncateSync(ctx.handles.file(fd, e), offsetArg(size));
  return 0;
}

/**
 * The access and modification times (nanoseconds) that `fstflags` asks for, given
 * the current ones; EINVAL for a time both given and `_NOW`, or unknown flags.
 */
export function timesFor(
  ctx: WasiContext,
  atim: bigint,
  mtim: bigint,
  flags: number,
  current: () => Filestat,
): [bigint, bigint] {
  if ((flags & ~0xf) !== 0) throw new WasiError(Errno.INVAL);
  if ((flags & Fstflags.ATIM) && (flags & Fstflags.ATIM_NOW)) throw new WasiError(Errno.INVAL);
  if ((flags & Fstflags.MTIM) && (flags & Fstflags.MTIM_NOW)) throw new WasiError(Errno.INVAL);
  const cur = (flags & (Fstflags.ATIM | Fstflags.ATIM_NOW)) !== 0 &&
      (flags & (Fstflags.MTIM | Fstflags.MTIM_NOW)) !== 0
    ? null
    : current();
  const now = () => BigInt(ctx.clocks.now(0));
  const a = flags & Fstflags.ATIM
    ? BigInt.asUintN(64, atim)
    : flags & Fstflags.ATIM_NOW
    ? now()
    : cur!.atim;
  const m = flags & Fstflags.MTIM
    ? BigInt.asUintN(64, mtim)
    : flags & Fstflags.MTIM_NOW
    ? now()
    : cur!.mtim;
  return [a, m];
}

/** `fd_filestat_set_times(fd, atim, mtim, fstflags)`. */
export function fd_filestat_set_times(
  ctx: WasiContext,
  fd: number,
  atim: bigint,
  mtim: bigint,
  flags: number,
): number {
  const e = ctx.withRights(fd, Rights.FD_FILESTAT_SET_TIMES);
  if (e.kind !== "file" && e.kind !== "dir") throw new WasiError(Errno.BADF);
  const [a, m] = timesFor(ctx, atim, mtim, flags, () => statFd(ctx, fd));
  if (e.kind === "file") {
    const h = ctx.handles.file(fd, e);
    setTimes(ctx.state, a, m, (x, y) => fs.futimesSync(h, x, y), () => fstat(h));
  } else {
    setTimes(ctx.state, a, m, (x, y) => fs.utimesSync(e.hostPath, x, y), () => stat(e.hostPath));
  }
  return 0;
}

/** `fd_advise(fd, offset, len, advice)`: checked, then ignored (advice is a hint). */
export function fd_advise(
  ctx: WasiContext,
  fd: number,
  offset: bigint,
  len: bigint,
  advice: number,
): number {
  fileEntry(ctx, fd, Rights.FD_ADVISE);
  offsetArg(offset);
  offsetArg(len);
  if (advice < 0 || advice > ADVICE_MAX) throw new WasiError(Errno.INVAL);
  return 0;
}

/** `fd_allocate(fd, offset, len)`: extends the file to `offset + len` bytes if shorter. */
export function fd_allocate(ctx: WasiContext, fd: number, offset: bigint, len: bigint): number {
  const e = fileEntry(ctx, fd, Rights.FD_ALLOCATE);
  const end = offsetArg(offset) + offsetArg(len);
  if (end > MAX_SIZE) throw new WasiError(Errno.FBIG);
  const h = ctx.handles.file(fd, e);
  if (fs.fstatSync(h).size < end) fs.ftruncateSync(h, end);
  return 0;
}

function syncFd(ctx: WasiContext, fd: number, right: number, data: boolean) {
  const e = ctx.withRights(fd, right);
  if (e.kind === "file") {
    const h = ctx.handles.file(fd, e);
    if (data) fs.fdatasyncSync(h);
    else fs.fsyncSync(h);
  } else if (e.kind === "dir") {
    const h = fs.openSync(e.hostPath, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
    try {
      fs.fsyncSync(h);
    } finally {
      fs.closeSync(h);
    }
  } else throw new WasiError(Errno.INVAL);
  return 0;
}

/** `fd_sync(fd)`. */
export function fd_sync(ctx: WasiContext, fd: number): number {
  return syncFd(ctx, fd, Rights.FD_SYNC, false);
}

/** `fd_datasync(fd)`. */
export function fd_datasync(ctx: WasiContext, fd: number): number {
  return syncFd(ctx, fd, Rights.FD_DATASYNC, true);
}

/** `fd_prestat_get(fd, prestat_ptr)`: EBADF unless `fd` is a preopened directory. */
export function fd_prestat_get(ctx: WasiContext, fd: number, out: number): number {
  const e = ctx.entry(fd);
  if (e.preopen === null) throw new WasiError(Errno.BADF);
  ctx.mem.check(out, 8);
  ctx.mem.setU32(out, 0);
  ctx.mem.setU32(out + 4, utf8(e.preopen).length);
  return 0;
}

/** `fd_prestat_dir_name(fd, path, path_len)`: ENAMETOOLONG if the buffer is too small. */
export function fd_prestat_dir_name(
  ctx: WasiContext,
  fd: number,
  path: number,
  len: number,
): number {
  const e = ctx.entry(fd);
  if (e.preopen === null) throw new WasiError(Errno.BADF);
  const name = utf8(e.preopen);
  if ((len >>> 0) < name.length) throw new WasiError(Errno.NAMETOOLONG);
  ctx.mem.write(path, name);
  return 0;
}

/** The listing of directory `e` (".", "..", then sorted entries). */
function listing(ctx: WasiContext, e: FdEntry): DirItem[] {
  const items: DirItem[] = [];
  const self = fs.statSync(e.hostPath, { bigint: true });
  items.push({ name: ".", ino: self.ino, filetype: Filetype.DIRECTORY });
  const parent = e.rel === "" ? self : fs.statSync(e.hostPath + "/..", { bigint: true });
  items.push({ name: "..", ino: parent.ino, filetype: Filetype.DIRECTORY });
  const names = fs.readdirSync(e.hostPath).sort();
  for (const name of names) {
    const st = lstatOrNull(e.hostPath + "/" + name);
    if (st === null) continue;
    items.push({ name, ino: BigInt(st.ino), filetype: filetypeOf(st) });
  }
  void ctx;
  return items;
}

/** `fd_readdir(fd, buf, buf_len, cookie, bufused_ptr)` (see the module doc). */
export function fd_readdir(
  ctx: WasiContext,
  fd: number,
  buf: number,
  bufLen: number,
  cookie: bigint,
  out: number,
): number {
  const e = ctx.withRights(fd, Rights.FD_READDIR);
  if (e.kind !== "dir") throw new WasiError(Errno.NOTDIR);
  const len = bufLen >>> 0;
  ctx.mem.check(buf, len);
  ctx.mem.check(out, 4);
  let items = ctx.handles.listings.get(fd);
  if (items === undefined || cookie === 0n) {
    items = listing(ctx, e);
    ctx.handles.listings.set(fd, items);
  }
  const start = BigInt.asUintN(64, cookie);
  let used = 0;
  for (let i = Number(start > BigInt(items.length) ? items.length : start); i < items.length; i++) {
    const it = items[i];
    const name = utf8(it.name);
    const entry = new Uint8Array(24 + name.length);
    entry.set(direntHeader(BigInt(i + 1), it.ino, name.length, it.filetype));
    entry.set(name, 24);
    const n = Math.min(entry.length, len - used);
    ctx.mem.write(buf + used, entry.subarray(0, n));
    used += n;
    if (used >= len) break;
  }
  ctx.mem.setU32(out, used);
  return 0;
}
