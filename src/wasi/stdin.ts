/**
 * Standard input: where the guest's `fd_read` on descriptor 0 and `poll_oneoff`'s readiness of
 * it come from, in both forms of `wait.ts` (blocking, or suspendable: "nothing yet" instead of
 * waiting, and an async wait).
 *
 * A {@linkcode StdinSource} reads the bytes; a {@linkcode StdinReader} puts the WASI state's
 * `stdinBuffer` in front of it: bytes taken from the source that the guest has not read yet
 * (an async wait or a `poll_oneoff` looked ahead). That buffer is state, so a snapshot carries
 * them and the resumed guest reads them first; nothing read from the host is ever lost.
 *
 * The process's own standard input ({@linkcode processStdin}): whether a read would wait is
 * known exactly for a regular file (never) and, on Linux, for pipes, FIFOs and terminals: the
 * source opens `/proc/self/fd/0` a second time with O_NONBLOCK and reads there (EAGAIN: nothing
 * yet). Deno does not buffer its standard input, so both descriptions see the same bytes.
 * Elsewhere (sockets, other systems, no read permission) it cannot tell: a suspendable read
 * then always waits asynchronously (`Deno.stdin.read`) and `poll_oneoff` treats the synchronous
 * form as ready (a read then blocks).
 *
 * @module
 */

import * as fs from "node:fs";
import type { WasiState } from "./state.ts";
import { readStdinAsync, readStdinSync } from "./wait.ts";

/** Where standard input's bytes come from. */
export interface StdinSource {
  /**
   * Reads what is there without waiting: the byte count (0 at the end of input), null when
   * nothing is there yet, undefined when this source cannot tell (only the other two read).
   */
  tryRead(buf: Uint8Array): number | null | undefined;
  /** Reads, blocking the thread until data or the end of input is there. */
  readSync(buf: Uint8Array): number;
  /** Reads, resolving when data or the end of input is there. */
  readAsync(buf: Uint8Array): Promise<number>;
}

/** A source that never waits: `read` gives what there is (bytes, or a reader function). */
export function fixedStdin(read: (buf: Uint8Array) => number): StdinSource {
  return { tryRead: read, readSync: read, readAsync: (buf) => Promise.resolve(read(buf)) };
}

/** A source over `bytes`: they, then the end of input. */
export function bytesStdin(bytes: Uint8Array): StdinSource {
  let at = 0;
  return fixedStdin((buf) => {
    const n = Math.min(buf.length, bytes.length - at);
    buf.set(bytes.subarray(at, at + n));
    at += n;
    return n;
  });
}

/** How the process's standard input can be read without waiting (see the module doc). */
let probe: "file" | "probe" | "unknown" | null = null;
let probeFd = -1;

function probeKind(): "file" | "probe" | "unknown" {
  if (probe !== null) return probe;
  probe = "unknown";
  try {
    if (fs.fstatSync(0).isFile()) probe = "file";
    else if (Deno.build.os === "linux") {
      const c = fs.constants;
      probeFd = fs.openSync("/proc/self/fd/0", c.O_RDONLY | c.O_NONBLOCK);
      probe = "probe";
    }
  } catch {
    // a socket (ENXIO), no permission: cannot tell
  }
  return probe;
}

/** The process's own standard input (see the module doc). */
export const processStdin: StdinSource = {
  tryRead(buf) {
    if (buf.length === 0) return 0;
    switch (probeKind()) {
      case "file":
        return readStdinSync(buf);
      case "probe":
        try {
          return fs.readSync(probeFd, buf, 0, buf.length, null);
        } catch (e) {
          if ((e as { code?: string }).code === "EAGAIN") return null;
          throw e;
        }
      default:
        return undefined;
    }
  },
  readSync: readStdinSync,
  readAsync: readStdinAsync,
};

/** The most bytes a look-ahead (`poll_oneoff`, an async wait without a size) takes. */
const LOOKAHEAD = 4096;

/** Standard input of one WASI instance: the state's buffer, then the source. */
export class StdinReader {
  private readonly state: WasiState;
  private readonly source: StdinSource;
  /** The source said "end of input" to a look-ahead; the next read returns 0 once. */
  private eof = false;
  /** The async read under way, if any (its bytes go to the buffer). */
  private inflight: Promise<void> | null = null;

  constructor(state: WasiState, source: StdinSource) {
    this.state = state;
    this.source = source;
  }

  /** Bytes buffered (read from the source, not yet by the guest). */
  get buffered(): number {
    return this.state.stdinBuffer?.length ?? 0;
  }

  /** Takes buffered bytes (or the pending end of input) into `buf`; null if there are none. */
  private take(buf: Uint8Array): number | null {
    const b = this.state.stdinBuffer;
    if (b !== undefined && b.length > 0) {
      const n = Math.min(buf.length, b.length);
      for (let i = 0; i < n; i++) buf[i] = b[i];
      if (n === b.length) delete this.state.stdinBuffer;
      else b.splice(0, n);
      return n;
    }
    if (this.eof) {
      this.eof = false;
      return 0;
    }
    return null;
  }

  private keep(bytes: Uint8Array): void {
    if (bytes.length === 0) {
      this.eof = true;
      return;
    }
    const b = this.state.stdinBuffer ??= [];
    for (let i = 0; i < bytes.length; i++) b.push(bytes[i]);
  }

  /** Reads into `buf`, blocking the thread if nothing is there (the synchronous form). */
  readSync(buf: Uint8Array): number {
    if (buf.length === 0) return 0;
    return this.take(buf) ?? this.source.readSync(buf);
  }

  /**
   * Reads into `buf` without waiting: the count (0 at the end), or null if it would wait.
   * Where the source cannot tell: null, or with `blockIfUnknown` a blocking read.
   */
  tryRead(buf: Uint8Array, blockIfUnknown = false): number | null {
    if (buf.length === 0) return 0;
    const n = this.take(buf);
    if (n !== null) return n;
    if (this.inflight !== null) return null;
    const got = this.source.tryRead(buf);
    if (got !== undefined) return got;
    return blockIfUnknown ? this.source.readSync(buf) : null;
  }

  /**
   * Whether a read would not wait (`poll_oneoff`); may read ahead into the buffer. A source
   * that cannot tell is ready in the synchronous form (a read then blocks) and not ready in
   * the suspendable one (the driver then awaits {@linkcode ready}).
   */
  poll(suspendable: boolean): boolean {
    if (this.buffered > 0 || this.eof) return true;
    if (this.inflight !== null) return false;
    const tmp = new Uint8Array(LOOKAHEAD);
    const n = this.source.tryRead(tmp);
    if (n === undefined) return !suspendable;
    if (n === null) return false;
    this.keep(tmp.subarray(0, n));
    return true;
  }

  /**
   * Resolves when a read will not wait: reads at most `size` bytes (at least 1) from the source
   * asynchronously into the buffer, or joins the read under way.
   */
  ready(size: number = LOOKAHEAD): Promise<void> {
    if (this.buffered > 0 || this.eof) return Promise.resolve();
    if (this.inflight === null) {
      const tmp = new Uint8Array(Math.max(1, size));
      this.inflight = this.source.readAsync(tmp).then(
        (n) => {
          this.inflight = null;
          this.keep(tmp.subarray(0, n));
        },
        (e) => {
          this.inflight = null;
          throw e;
        },
      );
    }
    return this.inflight;
  }
}
