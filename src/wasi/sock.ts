/**
 * Sockets: `sock_accept`, `sock_recv`, `sock_send`, `sock_shutdown`, and the socket side of
 * `fd_read`, `fd_write`, `fd_close` and `poll_oneoff`. WASI preview 1 cannot create sockets:
 * the embedder hands in listening TCP sockets as preopened descriptors (as wasmtime's
 * `--tcplisten`), and the guest accepts connections on them. The sockets live in the socket
 * bridge's worker (`bridge.ts`).
 *
 * Errors: a socket function on a descriptor that is not a socket is ENOTSOCK; accepting on a
 * connection or receiving on a listener is EINVAL / ENOTCONN; unknown flags are EINVAL; a
 * non-blocking descriptor (NONBLOCK in its fdflags or `sock_accept`'s flags) gives EAGAIN where
 * it would wait. In suspendable mode (`wait.ts`) an accept or a receive that would wait first
 * throws WouldBlock (the driver checks readiness again every 10 ms); once data came, a
 * RECV_WAITALL receive that needs more blocks. Connections are not part of the state that can be restored elsewhere: only
 * the listeners are (re-listening on their address).
 *
 * @module
 */

import { Fdflags, Filetype } from "./abi.ts";
import { BRIDGE_BUFFER, SocketBridge } from "./bridge.ts";
import type { WasiContext } from "./ctx.ts";
import { Errno, WasiError } from "./errno.ts";
import { Rights, SOCKET_RIGHTS } from "./rights.ts";
import { type FdEntry, fdEntry } from "./state.ts";
import { sleepAsync, WouldBlock } from "./wait.ts";

/** How often a suspended socket wait checks readiness again (ms). */
const SOCKET_POLL_MS = 10;

/**
 * In suspendable mode (`wait.ts`), throws WouldBlock unless socket or listener `e` can be read
 * from (accepted on) without waiting; a NONBLOCK descriptor never waits (EAGAIN instead).
 */
export function suspendUnlessReadable(ctx: WasiContext, e: FdEntry, flags = 0): void {
  if (!ctx.suspendable || ((e.fdflags | flags) & Fdflags.NONBLOCK) !== 0) return;
  if (e.kind !== "socket" && e.kind !== "listener") return;
  if (socketReady(ctx, e)[0]) return;
  throw new WouldBlock("socket", () => sleepAsync(SOCKET_POLL_MS));
}

function socketEntry(ctx: WasiContext, fd: number, need: number): FdEntry {
  const e = ctx.entry(fd);
  if (e.kind !== "socket" && e.kind !== "listener") throw new WasiError(Errno.NOTSOCK);
  if ((e.rights & need) !== need) throw new WasiError(Errno.NOTCAPABLE);
  return e;
}

function bridge(ctx: WasiContext): SocketBridge {
  if (ctx.sockets === null) throw new WasiError(Errno.BADF);
  return ctx.sockets;
}

/** Starts listening on `addr` (`host:port`; port 0 picks one): the entry of a listener. */
export function listen(ctx: WasiContext, addr: string): FdEntry {
  ctx.sockets ??= new SocketBridge();
  const [id, port] = ctx.sockets.call("listen", 0, 0, 0, addr);
  const host = addr.slice(0, addr.lastIndexOf(":"));
  return fdEntry({
    kind: "listener",
    filetype: Filetype.SOCKET_STREAM,
    hostPath: `${host}:${port}`,
    rights: SOCKET_RIGHTS,
    inheriting: SOCKET_RIGHTS & ~Rights.SOCK_ACCEPT,
    conn: id,
  });
}

/** Reads from connection `e` into `buf` (0 at the end of the stream). */
export function socketRead(ctx: WasiContext, e: FdEntry, buf: Uint8Array, flags: number): number {
  if (e.kind !== "socket") throw new WasiError(Errno.NOTCONN);
  const b = bridge(ctx);
  const nonblock = (e.fdflags & Fdflags.NONBLOCK) !== 0 ? 4 : 0;
  const [n] = b.call("recv", e.conn, Math.min(buf.length, BRIDGE_BUFFER), (flags & 1) | nonblock);
  buf.set(b.data.subarray(0, n));
  return n;
}

/** Writes `data` to connection `e`; returns the count. */
export function socketWrite(ctx: WasiContext, e: FdEntry, data: Uint8Array): number {
  if (e.kind !== "socket") throw new WasiError(Errno.NOTCONN);
  const b = bridge(ctx);
  for (let at = 0; at < data.length; at += BRIDGE_BUFFER) {
    const part = data.subarray(at, at + BRIDGE_BUFFER);
    b.data.set(part);
    b.call("send", e.conn, part.length);
  }
  return data.length;
}

/** Closes socket `e` in the bridge. */
export function socketClose(ctx: WasiContext, e: FdEntry): void {
  if (ctx.sockets !== null) {
    try {
      ctx.sockets.call("close", e.conn);
    } catch {
      // already gone
    }
  }
}

/** Readiness of socket `e`: [readable, writable, bytes buffered]. */
export function socketReady(ctx: WasiContext, e: FdEntry): [boolean, boolean, number] {
  const [bits, n] = bridge(ctx).call("ready", e.conn);
  return [(bits & 1) !== 0, (bits & 2) !== 0, n];
}

/** `sock_accept(fd, flags, fd_ptr)`: flags may only be NONBLOCK. */
export function sock_accept(ctx: WasiContext, fd: number, flags: number, out: number): number {
  const e = socketEntry(ctx, fd, Rights.SOCK_ACCEPT);
  if (e.kind !== "listener") throw new WasiError(Errno.INVAL);
  if ((flags & ~Fdflags.NONBLOCK) !== 0) throw new WasiError(Errno.INVAL);
  ctx.mem.check(out, 4);
  suspendUnlessReadable(ctx, e, flags);
  const nonblock = (flags | e.fdflags) & Fdflags.NONBLOCK;
  const [id] = bridge(ctx).call("accept", e.conn, 0, nonblock ? 4 : 0);
  const c = fdEntry({
    kind: "socket",
    filetype: Filetype.SOCKET_STREAM,
    hostPath: e.hostPath,
    rights: e.inheriting & ~Rights.SOCK_ACCEPT,
    inheriting: 0,
    fdflags: flags & Fdflags.NONBLOCK,
    conn: id,
  });
  ctx.mem.setU32(out, ctx.allocFd(c));
  return 0;
}

/**
 * `sock_recv(fd, ri_data, ri_data_len, ri_flags, ro_datalen_ptr, ro_flags_ptr)`: flags
 * RECV_PEEK (look without consuming) and RECV_WAITALL (fill every buffer unless the stream
 * ends).
 */
export function sock_recv(
  ctx: WasiContext,
  fd: number,
  iovs: number,
  n: number,
  flags: number,
  outLen: number,
  outFlags: number,
): number {
  const e = socketEntry(ctx, fd, Rights.FD_READ);
  if ((flags & ~3) !== 0) throw new WasiError(Errno.INVAL);
  const v = ctx.mem.iovecs(iovs, n);
  ctx.mem.check(outLen, 4);
  ctx.mem.check(outFlags, 2);
  let capacity = 0;
  for (const [, len] of v) capacity += len;
  const got = new Uint8Array(capacity);
  let total = 0;
  if (e.kind === "socket" && capacity > 0) suspendUnlessReadable(ctx, e);
  do {
    const k = socketRead(ctx, e, got.subarray(total), flags & 1);
    total += k;
    if (k === 0 || (flags & 1)) break;
  } while ((flags & 2) && total < capacity);
  let at = 0;
  for (const [ptr, len] of v) {
    if (at >= total) break;
    const k = Math.min(len, total - at);
    ctx.mem.write(ptr, got.subarray(at, at + k));
    at += k;
  }
  ctx.mem.setU32(outLen, total);
  ctx.mem.setU16(outFlags, 0);
  return 0;
}

/** `sock_send(fd, si_data, si_data_len, si_flags, so_datalen_ptr)`: no flags are defined. */
export function sock_send(
  ctx: WasiContext,
  fd: number,
  iovs: number,
  n: number,
  flags: number,
  out: number,
): number {
  const e = socketEntry(ctx, fd, Rights.FD_WRITE);
  if (flags !== 0) throw new WasiError(Errno.INVAL);
  const v = ctx.mem.iovecs(iovs, n);
  ctx.mem.check(out, 4);
  let size = 0;
  for (const [, len] of v) size += len;
  const data = new Uint8Array(size);
  let at = 0;
  for (const [ptr, len] of v) {
    data.set(ctx.mem.bytes(ptr, len), at);
    at += len;
  }
  ctx.mem.setU32(out, socketWrite(ctx, e, data));
  return 0;
}

/** `sock_shutdown(fd, how)`: how is RD (1), WR (2) or both. */
export function sock_shutdown(ctx: WasiContext, fd: number, how: number): number {
  const e = socketEntry(ctx, fd, Rights.SOCK_SHUTDOWN);
  if (e.kind !== "socket") throw new WasiError(Errno.NOTCONN);
  if (how < 1 || how > 3) throw new WasiError(Errno.INVAL);
  bridge(ctx).call("shutdown", e.conn, 0, how);
  return 0;
}
