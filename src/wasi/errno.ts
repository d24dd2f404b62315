/**
 * WASI preview 1 error numbers (`errno`), the internal error that carries one out of a deep
 * helper ({@linkcode WasiError}), {@linkcode ProcExit} (how `proc_exit` ends a run), and the
 * mapping from host (Node-style `code`) errors to errnos.
 *
 * Every WASI function returns an errno: 0 on success. Helpers throw `WasiError` and the
 * bindings (`host.ts`) turn it into the function's result, so no JS exception escapes a WASI
 * call except `ProcExit` and `Trap`.
 *
 * @module
 */

import { WasmError } from "../errors.ts";

/** The errno values of `wasi_snapshot_preview1` (same numbers in `wasi_unstable`). */
export const Errno = {
  SUCCESS: 0,
  TOOBIG: 1,
  ACCES: 2,
  ADDRINUSE: 3,
  ADDRNOTAVAIL: 4,
  AFNOSUPPORT: 5,
  AGAIN: 6,
  ALREADY: 7,
  BADF: 8,
  BADMSG: 9,
  BUSY: 10,
  CANCELED: 11,
  CHILD: 12,
  CONNABORTED: 13,
  CONNREFUSED: 14,
  CONNRESET: 15,
  DEADLK: 16,
  DESTADDRREQ: 17,
  DOM: 18,
  DQUOT: 19,
  EXIST: 20,
  FAULT: 21,
  FBIG: 22,
  HOSTUNREACH: 23,
  IDRM: 24,
  ILSEQ: 25,
  INPROGRESS: 26,
  INTR: 27,
  INVAL: 28,
  IO: 29,
  ISCONN: 30,
  ISDIR: 31,
  LOOP: 32,
  MFILE: 33,
  MLINK: 34,
  MSGSIZE: 35,
  MULTIHOP: 36,
  NAMETOOLONG: 37,
  NETDOWN: 38,
  NETRESET: 39,
  NETUNREACH: 40,
  NFILE: 41,
  NOBUFS: 42,
  NODEV: 43,
  NOENT: 44,
  NOEXEC: 45,
  NOLCK: 46,
  NOLINK: 47,
  NOMEM: 48,
  NOMSG: 49,
  NOPROTOOPT: 50,
  NOSPC: 51,
  NOSYS: 52,
  NOTCONN: 53,
  NOTDIR: 54,
  NOTEMPTY: 55,
  NOTRECOVERABLE: 56,
  NOTSOCK: 57,
  NOTSUP: 58,
  NOTTY: 59,
  NXIO: 60,
  OVERFLOW: 61,
  OWNERDEAD: 62,
  PERM: 63,
  PIPE: 64,
  PROTO: 65,
  RANGE: 66,
  ROFS: 67,
  SPIPE: 68,
  SRCH: 69,
  STALE: 70,
  TIMEDOUT: 71,
  TXTBSY: 72,
  XDEV: 73,
  NOTCAPABLE: 76,
} as const;

/** A WASI function's failure: the errno it returns. Thrown by helpers, caught by bindings. */
export class WasiError extends Error {
  /** The errno (never 0). */
  readonly errno: number;
  constructor(errno: number) {
    super(`wasi errno ${errno}`);
    this.name = "WasiError";
    this.errno = errno;
  }
}

/**
 * The guest called `proc_exit(code)`: the run ends cleanly with that exit status. Not a trap:
 * embedders (the CLI) catch it and use `code`.
 */
export class ProcExit extends WasmError {
  /** The exit status the guest gave. */
  readonly code: number;
  /** The exit of the guest with status `code`. */
  constructor(code: number) {
    super(`exit with status ${code}`);
    this.name = "ProcExit";
    this.code = code;
  }
}

const BY_CODE: Record<string, number> = {
  E2BIG: Errno.TOOBIG,
  EACCES: Errno.ACCES,
  EADDRINUSE: Errno.ADDRINUSE,
  EADDRNOTAVAIL: Errno.ADDRNOTAVAIL,
  EAGAIN: Errno.AGAIN,
  EBADF: Errno.BADF,
  EBUSY: Errno.BUSY,
  ECONNREFUSED: Errno.CONNREFUSED,
  ECONNRESET: Errno.CONNRESET,
  EEXIST: Errno.EXIST,
  EFBIG: Errno.FBIG,
  EINTR: Errno.INTR,
  EINVAL: Errno.INVAL,
  EIO: Errno.IO,
  EISDIR: Errno.ISDIR,
  ELOOP: Errno.LOOP,
  EMFILE: Errno.MFILE,
  EMLINK: Errno.MLINK,
  ENAMETOOLONG: Errno.NAMETOOLONG,
  ENFILE: Errno.NFILE,
  ENODEV: Errno.NODEV,
  ENOENT: Errno.NOENT,
  ENOMEM: Errno.NOMEM,
  ENOSPC: Errno.NOSPC,
  ENOSYS: Errno.NOSYS,
  ENOTCONN: Errno.NOTCONN,
  ENOTDIR: Errno.NOTDIR,
  ENOTEMPTY: Errno.NOTEMPTY,
  ENOTSUP: Errno.NOTSUP,
  EOPNOTSUPP: Errno.NOTSUP,
  ENOTTY: Errno.NOTTY,
  ENXIO: Errno.NXIO,
  EPERM: Errno.PERM,
  EPIPE: Errno.PIPE,
  EROFS: Errno.ROFS,
  ESPIPE: Errno.SPIPE,
  ETIMEDOUT: Errno.TIMEDOUT,
  ETXTBSY: Errno.TXTBSY,
  EXDEV: Errno.XDEV,
};

/**
 * The errno for a host error: a `WasiError`'s own, a Node-style error's `code`, a Deno error
 * class; EIO for anything else that is an `Error`. Rethrows what is not an error of the host
 * (`ProcExit`, `Trap` and other wasm errors).
 */
export function errnoOf(e: unknown): number {
  if (e instanceof WasiError) return e.errno;
  if (e instanceof WasmError) throw e;
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === "string" && code in BY_CODE) return BY_CODE[code];
  if (e instanceof Deno.errors.NotFound) return Errno.NOENT;
  if (e instanceof Deno.errors.PermissionDenied) return Errno.ACCES;
  if (e instanceof Deno.errors.AlreadyExists) return Errno.EXIST;
  if (e instanceof Deno.errors.NotADirectory) return Errno.NOTDIR;
  if (e instanceof Deno.errors.IsADirectory) return Errno.ISDIR;
  if (e instanceof Error) return Errno.IO;
  throw e;
}
