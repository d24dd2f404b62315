/**
 * The WASI host's whole state as plain data (JSON-compatible: strings, numbers, booleans,
 * arrays, null): the descriptor table, preopens, arguments, environment, exit code, clock and
 * random-generator state, standard input read ahead. Open host handles are NOT here: `handles.ts` keeps them in a cache
 * keyed by descriptor and re-opens them from this state (by host path, at the saved offset),
 * so the state can be written to a snapshot and restored in another process.
 *
 * Offsets and times are numbers (exact up to 2^53: 9 PB, 104 days of nanoseconds of virtual
 * time); rights are numbers of the 30 defined bits.
 *
 * @module
 */

/** What a descriptor refers to. */
export type FdKind = "stdin" | "stdout" | "stderr" | "file" | "dir" | "listener" | "socket";

/** One entry of the descriptor table. */
export interface FdEntry {
  /** What it refers to. */
  kind: FdKind;
  /** WASI `filetype`. */
  filetype: number;
  /**
   * Files and directories: the host path (absolute, free of symbolic links: the sandbox
   * resolved it). Sockets: the listener's `host:port`. Stdio: "".
   */
  hostPath: string;
  /** Files and directories: index of the preopen they lie under (-1 for others). */
  root: number;
  /** Files and directories: the path inside that preopen, components joined by "/" ("" = it). */
  rel: string;
  /** Base rights (bits of `Rights`). */
  rights: number;
  /** Inheriting rights. */
  inheriting: number;
  /** `fdflags`. */
  fdflags: number;
  /** The file offset (files). */
  offset: number;
  /** Opened for reading (files: how to re-open the host file). */
  read: boolean;
  /** Opened for writing. */
  write: boolean;
  /** The guest name of a preopened directory, else null. */
  preopen: string | null;
  /** Sockets: the connection's id in the socket bridge (-1 for a listener). */
  conn: number;
}

/** A preopened directory: its guest name and its host path (absolute, real). */
export interface Preopen {
  /** The directory's name as the guest sees it. */
  guest: string;
  /** Its absolute real path on the host. */
  host: string;
}

/** The clock state. */
export interface ClockState {
  /** Virtual clocks (deterministic mode). */
  deterministic: boolean;
  /** Deterministic mode: nanoseconds slept (poll_oneoff) so far, added to the virtual time. */
  sleptNs: number;
  /** Deterministic mode: clock reads so far (each advances the virtual time by 1 ns). */
  reads: number;
  /**
   * Deterministic mode: the machine's fuel when the run started; the ticks executed since are
   * `fuelStart - fuel` (the embedder makes the fuel finite: `Number.MAX_SAFE_INTEGER`).
   */
  fuelStart: number;
  /**
   * Real mode: the last monotonic time the guest was given, in ns (absent before the first
   * read). A restored run's monotonic clock goes on from it, so it never goes backwards
   * across processes (the time between the snapshot and the restore is not counted).
   */
  monotonicNs?: number;
}

/** The whole WASI state. */
export interface WasiState {
  /** The version of this layout. */
  version: 1;
  /** The program's arguments, its name first. */
  args: string[];
  /** `NAME=VALUE` strings, in order. */
  env: string[];
  /** The descriptor table; null marks a free number. */
  fds: (FdEntry | null)[];
  /** The preopened directories (what {@linkcode FdEntry.root} indexes). */
  preopens: Preopen[];
  /** The status given to proc_exit, or null while running / after returning from _start. */
  exitCode: number | null;
  /** The clocks' state. */
  clock: ClockState;
  /** Deterministic mode: the xoshiro128** state (four u32); null: host randomness. */
  rng: number[] | null;
  /**
   * Bytes taken from the host's standard input that the guest has not read yet (an async
   * wait or a `poll_oneoff` read ahead: `stdin.ts`); absent when none. The guest reads them
   * before the host's standard input, also after a restore in another process.
   */
  stdinBuffer?: number[];
  /**
   * Times the guest set (`*_filestat_set_times`) to the nanosecond, by `DEV:INO`: `[atim,
   * mtim]` in decimal ns, or null where it set none. The host's file functions keep only
   * milliseconds, so a stat whose time is still that millisecond reports the exact time set,
   * as a host with nanosecond times would (`fs.ts`). Absent when none was set.
   */
  times?: Record<string, [string | null, string | null]>;
}

/** A descriptor entry with defaults for the fields `init` leaves out. */
export function fdEntry(init: Partial<FdEntry> & Pick<FdEntry, "kind" | "filetype">): FdEntry {
  return {
    hostPath: "",
    root: -1,
    rel: "",
    rights: 0,
    inheriting: 0,
    fdflags: 0,
    offset: 0,
    read: false,
    write: false,
    preopen: null,
    conn: -1,
    ...init,
  };
}

/** A deep copy of `state` (through JSON: it is plain data). */
export function cloneState(state: WasiState): WasiState {
  return JSON.parse(JSON.stringify(state));
}
