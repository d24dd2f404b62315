/**
 * Host functions in the store: canonical ids for host-provided function types, and the
 * allocation of a {@linkcode HostFunc} bound to its implementation on a machine.
 *
 * Function types are interned through the validator's own path (a one-type module through
 * `validateTypes`), so a host function's type id equals the id that a module's identical
 * `(func (param ...) (result ...))` type gets, and import matching compares them as usual.
 *
 * @module
 */

import { emptyModule } from "../syntax/module.ts";
import type { ValType } from "../syntax/types.ts";
import { validateTypes } from "../valid/types.ts";
import type { Store } from "./store.ts";
import type { HostImpl } from "./values.ts";

/**
 * Where host functions are bound to their implementations: the engine's machine
 * (src/exec/machine.ts) is one. The store holds that a host function exists and its type;
 * the implementation is not state, so it lives with whoever runs the code.
 */
export interface HostBinder {
  /** The store the host function is allocated in. */
  readonly store: Store;
  /** Binds the host function at `addr` to `impl`. */
  bindHost(addr: number, impl: HostImpl): void;
}

const funcTypeIds = new Map<string, number>();

/**
 * The canonical id of the final function type `[params] -> [results]`. The value types must
 * not name type indices (number, vector and abstract reference types only).
 */
export function canonFuncType(params: readonly ValType[], results: readonly ValType[]): number {
  const key = `${params.join(",")}>${results.join(",")}`;
  let id = funcTypeIds.get(key);
  if (id === undefined) {
    const m = emptyModule();
    m.types.push({
      final: true,
      supers: [],
      comp: { kind: "func", params: [...params], results: [...results] },
    });
    m.recGroups.push(1);
    id = validateTypes(m).canon[0];
    funcTypeIds.set(key, id);
  }
  return id;
}

/**
 * Allocates a host function of canonical type `type`, known as `module`.`name`, binds
 * `impl` to it on `machine` (the engine), and returns its address.
 */
export function allocHostFunc(
  machine: HostBinder,
  type: number,
  module: string,
  name: string,
  impl: HostImpl,
): number {
  const objects = machine.store.objects;
  objects.push({ kind: "host", type, module, name });
  const addr = objects.length - 1;
  machine.bindHost(addr, impl);
  return addr;
}
