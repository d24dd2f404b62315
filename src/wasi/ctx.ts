/**
 * The context every WASI function works in: the state (plain data), the guest memory, the
 * clocks, the host handles, the standard streams, the descriptor-table helpers, and the
 * `suspendable` flag: whether a call that must wait may throw `WouldBlock` (the async driver,
 * `driver.ts`, sets it around the calls it makes) or blocks the thread (see `wait.ts`).
 *
 * @module
 */

import type { SocketBridge } from "./bridge.ts";
import { Clocks } from "./clock.ts";
import { Errno, WasiError } from "./errno.ts";
import { Handles } from "./handles.ts";
import type { GuestMemory } from "./memory.ts";
import { requireRights } from "./rights.ts";
import type { FdEntry, WasiState } from "./state.ts";
import { StdinReader, type StdinSource } from "./stdin.ts";

/** Where the guest's standard streams come from and go. */
export interface WasiStdio {
  /** Standard input. */
  stdin: StdinSource;
  /** Writes all of `data` to standard output. */
  stdout(data: Uint8Array): void;
  /** Writes all of `data` to standard error. */
  stderr(data: Uint8Array): void;
}

/** The context of one WASI instance. */
export class WasiContext {
  readonly state: WasiState;
  readonly mem: GuestMemory;
  readonly clocks: Clocks;
  readonly handles: Handles = new Handles();
  readonly stdio: WasiStdio;
  /** Standard input with the state's read-ahead buffer in front. */
  readonly stdin: StdinReader;
  /**
   * True while the async driver runs a call: a wait throws `WouldBlock` instead of blocking
   * (`wait.ts`). False otherwise.
   */
  suspendable = false;
  /** The socket bridge, started when the first listener is handed in. */
  sockets: SocketBridge | null = null;
  /** Blocks for `ms` milliseconds (real-time sleeping; see `wait.ts`). */
  readonly sleep: (ms: number) => void;

  constructor(
    state: WasiState,
    mem: GuestMemory,
    ticks: () => number,
    stdio: WasiStdio,
    sleep: (ms: number) => void,
  ) {
    this.state = state;
    this.mem = mem;
    this.clocks = new Clocks(state.clock, ticks);
    this.stdio = stdio;
    this.stdin = new StdinReader(state, stdio.stdin);
    this.sleep = sleep;
  }

  /** The entry of descriptor `fd`; EBADF if it is not open. */
  entry(fd: number): FdEntry {
    const e = fd >= 0 ? this.state.fds[fd] : undefined;
    if (e === undefined || e === null) throw new WasiError(Errno.BADF);
    return e;
  }

  /** The entry of `fd`, which must have the rights `need` (ENOTCAPABLE otherwise). */
  withRights(fd: number, need: number): FdEntry {
    const e = this.entry(fd);
    requireRights(e.rights, need);
    return e;
  }

  /** Puts `e` at the lowest free descriptor number and returns it. */
  allocFd(e: FdEntry): number {
    const fds = this.state.fds;
    let fd = fds.indexOf(null);
    if (fd < 0) fd = fds.length;
    fds[fd] = e;
    return fd;
  }

  /** Frees descriptor `fd` and closes its host handles. */
  freeFd(fd: number): void {
    this.handles.close(fd);
    this.state.fds[fd] = null;
    const fds = this.state.fds;
    while (fds.length > 0 && fds[fds.length - 1] === null) fds.pop();
  }
}
