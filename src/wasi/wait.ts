/**
 * THE BLOCKING PLACES. Every WASI call that must wait for the outside world waits here, and
 * only here: reading standard input when no data is there yet, sleeping (`poll_oneoff` with a
 * clock subscription in real-time mode), and socket accepts and receives.
 *
 * Each place has two forms, chosen by the context's `suspendable` flag (`ctx.ts`):
 * - Synchronous (the flag is off: a plain `instance.exports._start()` from JS, `Wasi.start`,
 *   `gab run`): the thread blocks with Deno's synchronous APIs (`Deno.stdin.readSync`,
 *   `Atomics.wait`), as a native WASI host would.
 * - Suspending (the flag is on: the call was made through the async driver, `driver.ts`, which
 *   turned the blocking WASI functions into suspending host calls of the machine): instead of
 *   blocking, the function throws {@linkcode WouldBlock} BEFORE any side effect (nothing read,
 *   nothing written to the guest). The driver, holding the machine stopped at the call (a
 *   pending host call, which a snapshot carries), awaits {@linkcode WouldBlock.wait} (or
 *   stops there to write a snapshot), then runs the call again ({@linkcode WouldBlock.retry},
 *   or the same call with the same arguments) and answers it.
 *
 * @module
 */

/** What a suspended WASI call waits for. */
export type WaitReason = "stdin" | "sleep" | "socket";

/**
 * Thrown by a WASI function in suspendable mode where it would block (see the module doc).
 * Not an Error: it never escapes the driver.
 */
export class WouldBlock {
  /** What the call waits for. */
  readonly reason: WaitReason;
  /** Resolves when running the call again may make progress (data there, time passed). */
  readonly wait: () => Promise<void>;
  /**
   * Goes on with the call after the wait (returns its errno, or throws WouldBlock again);
   * null: run the same function again with the same arguments.
   */
  readonly retry: (() => number) | null;

  constructor(reason: WaitReason, wait: () => Promise<void>, retry: (() => number) | null = null) {
    this.reason = reason;
    this.wait = wait;
    this.retry = retry;
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Blocks the thread for `ms` milliseconds. */
export function sleepSync(ms: number): void {
  if (ms > 0) Atomics.wait(sleeper, 0, 0, ms);
}

/** Resolves after `ms` milliseconds (rounded up: the deadline has passed when it resolves). */
export function sleepAsync(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.ceil(ms))));
}

/**
 * Resolves when `p` settles or `ms` milliseconds pass (`Infinity`: only `p`), whichever comes
 * first; the timer is cleared either way.
 */
export function raceTimeout(p: Promise<void>, ms: number): Promise<void> {
  if (ms === Infinity) return p;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, Math.ceil(ms)));
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/**
 * Reads from the process's standard input into `buf`, blocking until some data or the end of
 * input is there; returns the byte count (0 at the end).
 */
export function readStdinSync(buf: Uint8Array): number {
  if (buf.length === 0) return 0;
  return Deno.stdin.readSync(buf) ?? 0;
}

/**
 * Reads from the process's standard input into `buf` without blocking the thread; resolves
 * with the byte count (0 at the end).
 */
export async function readStdinAsync(buf: Uint8Array): Promise<number> {
  if (buf.length === 0) return 0;
  return (await Deno.stdin.read(buf)) ?? 0;
}

/**
 * Blocks until the socket worker has answered (`ctl[0]` leaves 1): every bridge request waits
 * here (see `bridge.ts`). In suspendable mode the socket functions first check readiness and
 * throw {@linkcode WouldBlock} instead of sending a request that would wait (`sock.ts`).
 */
export function waitForWorker(ctl: Int32Array): void {
  while (Atomics.load(ctl, 0) === 1) Atomics.wait(ctl, 0, 1, 1000);
}
