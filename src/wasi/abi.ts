/**
 * Constants of the `wasi_snapshot_preview1` ABI besides errnos and rights: file types,
 * descriptor/open/lookup flags, whence, clock ids, time-setting flags, event types, and the
 * sizes of the structures the functions read and write. Preview 0's differing values live in
 * `preview0.ts`.
 *
 * @module
 */

/** `filetype`. */
export const Filetype = {
  UNKNOWN: 0,
  BLOCK_DEVICE: 1,
  CHARACTER_DEVICE: 2,
  DIRECTORY: 3,
  REGULAR_FILE: 4,
  SOCKET_DGRAM: 5,
  SOCKET_STREAM: 6,
  SYMBOLIC_LINK: 7,
} as const;

/** `fdflags`. */
export const Fdflags = { APPEND: 1, DSYNC: 2, NONBLOCK: 4, RSYNC: 8, SYNC: 16 } as const;

/** `oflags` (`path_open`). */
export const Oflags = { CREAT: 1, DIRECTORY: 2, EXCL: 4, TRUNC: 8 } as const;

/** `lookupflags`: follow a final symbolic link. */
export const LOOKUP_SYMLINK_FOLLOW = 1;

/** `whence` (preview 1 order). */
export const Whence = { SET: 0, CUR: 1, END: 2 } as const;

/** `clockid`. */
export const Clock = { REALTIME: 0, MONOTONIC: 1, PROCESS_CPUTIME: 2, THREAD_CPUTIME: 3 } as const;

/** `fstflags` (`*_filestat_set_times`). */
export const Fstflags = { ATIM: 1, ATIM_NOW: 2, MTIM: 4, MTIM_NOW: 8 } as const;

/** `eventtype`. */
export const Eventtype = { CLOCK: 0, FD_READ: 1, FD_WRITE: 2 } as const;

/** `subclockflags`: the timeout is an absolute time. */
export const SUBSCRIPTION_CLOCK_ABSTIME = 1;

/** `eventrwflags`: the peer hung up. */
export const EVENT_FD_READWRITE_HANGUP = 1;

/** `advice` values are 0..5 (`normal` ... `noreuse`). */
export const ADVICE_MAX = 5;

/** `sdflags` (`sock_shutdown`). */
export const Sdflags = { RD: 1, WR: 2 } as const;

/** `riflags` (`sock_recv`). */
export const Riflags = { RECV_PEEK: 1, RECV_WAITALL: 2 } as const;

/** `roflags`: the data was truncated. */
export const RECV_DATA_TRUNCATED = 1;

/** Sizes in bytes of ABI structures (preview 1). */
export const Size = {
  IOVEC: 8,
  FDSTAT: 24,
  FILESTAT: 64,
  DIRENT: 24,
  PRESTAT: 8,
  SUBSCRIPTION: 48,
  EVENT: 32,
} as const;
