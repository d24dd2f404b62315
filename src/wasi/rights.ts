/**
 * WASI rights (capabilities on a file descriptor) and the checks the functions make. Rights
 * are 64-bit in the ABI but only bits 0..29 are defined; the state keeps them as numbers
 * (plain data), masked to those bits.
 *
 * A descriptor has base rights (what it may do) and inheriting rights (what descriptors opened
 * through it may get). `path_open` and `fd_fdstat_set_rights` may only drop rights.
 *
 * @module
 */

import { Errno, WasiError } from "./errno.ts";

/** The right bits (`rights` in the spec). */
export const Rights = {
  FD_DATASYNC: 1 << 0,
  FD_READ: 1 << 1,
  FD_SEEK: 1 << 2,
  FD_FDSTAT_SET_FLAGS: 1 << 3,
  FD_SYNC: 1 << 4,
  FD_TELL: 1 << 5,
  FD_WRITE: 1 << 6,
  FD_ADVISE: 1 << 7,
  FD_ALLOCATE: 1 << 8,
  PATH_CREATE_DIRECTORY: 1 << 9,
  PATH_CREATE_FILE: 1 << 10,
  PATH_LINK_SOURCE: 1 << 11,
  PATH_LINK_TARGET: 1 << 12,
  PATH_OPEN: 1 << 13,
  FD_READDIR: 1 << 14,
  PATH_READLINK: 1 << 15,
  PATH_RENAME_SOURCE: 1 << 16,
  PATH_RENAME_TARGET: 1 << 17,
  PATH_FILESTAT_GET: 1 << 18,
  PATH_FILESTAT_SET_SIZE: 1 << 19,
  PATH_FILESTAT_SET_TIMES: 1 << 20,
  FD_FILESTAT_GET: 1 << 21,
  FD_FILESTAT_SET_SIZE: 1 << 22,
  FD_FILESTAT_SET_TIMES: 1 << 23,
  PATH_SYMLINK: 1 << 24,
  PATH_REMOVE_DIRECTORY: 1 << 25,
  PATH_UNLINK_FILE: 1 << 26,
  POLL_FD_READWRITE: 1 << 27,
  SOCK_SHUTDOWN: 1 << 28,
  SOCK_ACCEPT: 1 << 29,
} as const;

/** Every defined right. */
export const ALL_RIGHTS = (1 << 30) - 1;

/** The rights that make sense on a regular file. */
export const FILE_RIGHTS = Rights.FD_DATASYNC | Rights.FD_READ | Rights.FD_SEEK |
  Rights.FD_FDSTAT_SET_FLAGS | Rights.FD_SYNC | Rights.FD_TELL | Rights.FD_WRITE |
  Rights.FD_ADVISE | Rights.FD_ALLOCATE | Rights.FD_FILESTAT_GET |
  Rights.FD_FILESTAT_SET_SIZE | Rights.FD_FILESTAT_SET_TIMES | Rights.POLL_FD_READWRITE;

/** The rights that make sense on a directory. */
export const DIR_RIGHTS = Rights.FD_FDSTAT_SET_FLAGS | Rights.FD_SYNC | Rights.FD_DATASYNC |
  Rights.PATH_CREATE_DIRECTORY | Rights.PATH_CREATE_FILE | Rights.PATH_LINK_SOURCE |
  Rights.PATH_LINK_TARGET | Rights.PATH_OPEN | Rights.FD_READDIR | Rights.PATH_READLINK |
  Rights.PATH_RENAME_SOURCE | Rights.PATH_RENAME_TARGET | Rights.PATH_FILESTAT_GET |
  Rights.PATH_FILESTAT_SET_SIZE | Rights.PATH_FILESTAT_SET_TIMES | Rights.FD_FILESTAT_GET |
  Rights.FD_FILESTAT_SET_TIMES | Rights.PATH_SYMLINK | Rights.PATH_REMOVE_DIRECTORY |
  Rights.PATH_UNLINK_FILE | Rights.POLL_FD_READWRITE;

/** The rights of standard input/output/error (character devices or pipes). */
export const STDIO_RIGHTS = Rights.FD_READ | Rights.FD_WRITE | Rights.FD_FDSTAT_SET_FLAGS |
  Rights.FD_FILESTAT_GET | Rights.POLL_FD_READWRITE | Rights.FD_SYNC | Rights.FD_DATASYNC;

/** The rights of a socket (listener or connection). */
export const SOCKET_RIGHTS = Rights.FD_READ | Rights.FD_WRITE | Rights.FD_FDSTAT_SET_FLAGS |
  Rights.FD_FILESTAT_GET | Rights.POLL_FD_READWRITE | Rights.SOCK_SHUTDOWN | Rights.SOCK_ACCEPT;

/** A 64-bit rights argument as a number of the defined bits. */
export function rightsOf(r: bigint): number {
  return Number(BigInt.asUintN(30, r));
}

/** Throws ENOTCAPABLE unless `have` includes every bit of `need`. */
export function requireRights(have: number, need: number): void {
  if ((have & need) !== need) throw new WasiError(Errno.NOTCAPABLE);
}
