/**
 * `wasi_unstable` (preview 0): the same functions under the older module name, with the
 * layouts that differ translated:
 * - `whence`: preview 0 numbers CUR 0, END 1, SET 2 (preview 1: SET 0, CUR 1, END 2);
 * - `filestat`: preview 0's `nlink` is a u32, so the structure is 56 bytes, not 64
 *   (`fd_filestat_get`, `path_filestat_get`);
 * - `subscription`: preview 0's clock variant has an extra u64 `identifier` before the clock
 *   id (56 bytes, not 48) (`poll_oneoff`).
 * `dirent`, `fdstat`, `prestat`, `event`, `iovec` and every errno, right and flag are the same
 * in both versions.
 *
 * @module
 */

import { Whence } from "./abi.ts";
import type { WasiContext } from "./ctx.ts";
import { Errno, WasiError } from "./errno.ts";
import { fd_seek, statFd } from "./fd.ts";
import { writeFilestat0 } from "./layout.ts";
import { path_filestat_get } from "./path.ts";
import { poll_oneoff, type SubscriptionLayout } from "./poll.ts";

/** Preview 0's subscription layout. */
export const SUBSCRIPTION_0: SubscriptionLayout = { size: 56, clockId: 24, timeout: 32, flags: 48 };

/** Preview 0's whence values, by preview 1's. */
const WHENCE_0 = [Whence.CUR, Whence.END, Whence.SET];

/** Preview 0 `fd_seek`. */
export function fd_seek0(
  ctx: WasiContext,
  fd: number,
  offset: bigint,
  whence: number,
  out: number,
): number {
  if (whence < 0 || whence > 2) throw new WasiError(Errno.INVAL);
  return fd_seek(ctx, fd, offset, WHENCE_0[whence], out);
}

/** Preview 0 `fd_filestat_get`. */
export function fd_filestat_get0(ctx: WasiContext, fd: number, out: number): number {
  ctx.mem.check(out, 56);
  writeFilestat0(ctx.mem, out, statFd(ctx, fd));
  return 0;
}

/** Preview 0 `path_filestat_get`. */
export function path_filestat_get0(
  ctx: WasiContext,
  fd: number,
  flags: number,
  path: number,
  len: number,
  out: number,
): number {
  return path_filestat_get(ctx, fd, flags, path, len, out, writeFilestat0);
}

/** Preview 0 `poll_oneoff`. */
export function poll_oneoff0(
  ctx: WasiContext,
  inPtr: number,
  outPtr: number,
  n: number,
  nev: number,
): number {
  return poll_oneoff(ctx, inPtr, outPtr, n, nev, SUBSCRIPTION_0);
}
