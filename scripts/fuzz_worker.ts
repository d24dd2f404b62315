/**
 * The worker of scripts/fuzz_gen.ts: runs one module on V8 (and on gab when asked) and posts
 * the times and the traces' first difference. A worker, so that a module that never ends can
 * be stopped (terminated) without losing the generator.
 *
 * @module
 */

import { compareTraces, runOnGab, runOnV8 } from "../tests/fuzz_harness.ts";

/** A request: the module's bytes, whether to run gab too, and the V8 time limit. */
interface Request {
  bytes: Uint8Array;
  compare: boolean;
  v8LimitMs: number;
}

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<Request>) => void) | null;
  postMessage(x: unknown): void;
};

scope.onmessage = (e) => {
  const { bytes, compare, v8LimitMs } = e.data;
  let t = performance.now();
  const v8 = runOnV8(bytes);
  const v8ms = performance.now() - t;
  scope.postMessage({ v8ms });
  if (!compare || v8ms > v8LimitMs) return;
  t = performance.now();
  let diff: string | null;
  try {
    diff = compareTraces(v8, runOnGab(bytes));
  } catch (err) {
    diff = `gab threw ${(err as Error).name}: ${(err as Error).message}`;
  }
  scope.postMessage({ gabms: performance.now() - t, diff });
};
