/**
 * Instantiation as a whole (spec §4.5.4; the reference interpreter's `Eval.init`): the
 * store's part from src/runtime/instantiate.ts (imports checked, everything allocated,
 * segments initialized), then the start function, run by this engine. The runtime folder
 * holds state and runs no code, so the one step that runs code is here.
 *
 * @module
 */

import { checkRuns } from "../ir/support.ts";
import type { Module } from "../syntax/module.ts";
import type { ModuleInfo } from "../valid/validate.ts";
import { allocateInstance, initialize } from "../runtime/instantiate.ts";
import type { ExternVal } from "../runtime/store.ts";
import { invoke } from "./invoke.ts";
import type { Machine } from "./machine.ts";

/**
 * Instantiates a validated module with external values for its imports (in import order)
 * and returns the new instance's index in `store.instances`.
 *
 * @throws LinkError "incompatible import type" when an import does not match (nothing is
 *   allocated then); UnsupportedError for an instruction this engine does not run yet
 *   (GC; checked after the imports, before anything is allocated);
 *   Exhaustion when a table or memory is too large to allocate; Trap "out of bounds table
 *   access" / "out of bounds memory access" from segment initialization; and whatever the
 *   start function throws (Trap, Exhaustion, WasmException).
 */
export function instantiate(
  machine: Machine,
  module: Module,
  info: ModuleInfo,
  imports: readonly ExternVal[],
): number {
  const store = machine.store;
  const inst = allocateInstance(store, module, info, imports, () => checkRuns(module, info));
  const index = store.instances.length - 1;
  initialize(store, inst);
  if (module.start !== null) invoke(machine, inst.funcs[module.start], []);
  return index;
}
