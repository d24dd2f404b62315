/**
 * THE BLOCKING PLACES. Every WASI call that must wait for the outside world waits here, and
 * only here: reading standard input when no data is there yet, and sleeping (`poll_oneoff`
 * with a clock subscription in real-time mode), and socket accepts and receives (the socket
 * worker answers when a connection or data comes). For now they block the thread with Deno's
 * synchronous APIs; a later issue turns each of these into a suspension point of the machine
 * (the interpreter returns, the host awaits, the machine resumes).
 *
 * @module
 */

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Blocks the thread for `ms` milliseconds. */
export function sleepSync(ms: number): void {
  if (ms > 0) Atomics.wait(sleeper, 0, 0, ms);
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
 * Blocks until the socket worker has answered (`ctl[0]` leaves 1): accepting a connection or
 * receiving data waits here (see `bridge.ts`).
 */
export function waitForWorker(ctl: Int32Array): void {
  while (Atomics.load(ctl, 0) === 1) Atomics.wait(ctl, 0, 1, 1000);
}
