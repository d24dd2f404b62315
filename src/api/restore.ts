/**
 * Restoring a snapshot in the embedding API: {@linkcode restore} rebuilds the machine and its
 * execution (src/snapshot/restore.ts) and hands them out with a {@linkcode Runtime} over the
 * restored store, the execution adopted by it (`runFor` results and host-call arguments as JS
 * values, as `Runtime.start` gives them). For raw values, use src/snapshot/restore.ts.
 *
 * @module
 */

import {
  type HostBindings,
  restore as restoreMachine,
  type Restored,
} from "../snapshot/restore.ts";
import { Runtime } from "./runtime.ts";

/** What {@linkcode restore} gives back: the restored state and a runtime over it. */
export interface RestoredRuntime extends Restored {
  /** A runtime over the restored machine; its instances are reached with `instance(i)`. */
  runtime: Runtime;
}

/**
 * Rebuilds the state a snapshot describes; `bindings` provide every host function it names
 * (by import module and name, taking and returning raw values). The execution, if any, gives
 * JS values.
 *
 * @example
 * ```ts
 * import { restore, Runtime, type WasmFunction } from "../../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const runtime = new Runtime();
 * const { exports } = runtime.instantiate(`(module (func (export "half") (param f32) (result f32)
 *   (f32.mul (local.get 0) (f32.const 0.5))))`);
 * const execution = runtime.start(exports.half as WasmFunction, [3]);
 * const { execution: back } = restore(runtime.snapshot({ execution }));
 * assert.deepEqual(back!.runFor(Infinity), { status: "complete", results: [1.5] });
 * ```
 *
 * @throws SnapshotError for a bad snapshot (see src/snapshot/restore.ts).
 */
export function restore(bytes: Uint8Array, bindings: HostBindings = {}): RestoredRuntime {
  const restored = restoreMachine(bytes, bindings);
  const runtime = new Runtime({ machine: restored.machine });
  if (restored.execution !== null) runtime.adopt(restored.execution);
  return { ...restored, runtime };
}
