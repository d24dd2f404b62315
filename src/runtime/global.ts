/**
 * Global instances (spec §4.2.10 "Global Instances"): allocation in the store's slot buffer
 * and reading/writing a global's value as a {@linkcode RawValue}. Values live in
 * `store.globalSlots` (8 bytes a slot, v128 two), so the interpreter reads them like frame
 * slots.
 *
 * Growing the slot buffer replaces `store.globalSlots` (twice the size, contents copied): a
 * holder of views over it must compare the buffer's identity before use (allocation only
 * happens during instantiation, never in the middle of an instruction).
 *
 * A global's type is kept in the canonical space (`canonValType`, src/valid/match.ts): its
 * type index, if any, replaced by a canonical id, so that imports compare across modules.
 *
 * @module
 */

import { type RawValue, readSlot, slotCount, slotViews, writeSlot } from "./values.ts";
import type { ValType } from "../syntax/types.ts";
import type { GlobalInst, Store } from "./store.ts";

/**
 * Allocates a global of (canonical) type `type` with initial value `value` and returns its
 * address in `store.globals`.
 */
export function allocGlobal(
  store: Store,
  type: ValType,
  mutable: boolean,
  value: RawValue,
): number {
  const n = slotCount(type);
  const slot = store.globalSlotCount;
  const need = (slot + n) * 8;
  if (need > store.globalSlots.byteLength) {
    let size = store.globalSlots.byteLength * 2;
    while (size < need) size *= 2;
    const buffer = new ArrayBuffer(size);
    new Uint8Array(buffer).set(new Uint8Array(store.globalSlots));
    store.globalSlots = buffer;
  }
  store.globalSlotCount = slot + n;
  const g: GlobalInst = { type, mutable, slot };
  writeSlot(slotViews(store.globalSlots), slot, type, value);
  store.globals.push(g);
  return store.globals.length - 1;
}

/** The value of the global at address `addr`. */
export function readGlobal(store: Store, addr: number): RawValue {
  const g = store.globals[addr];
  return readSlot(slotViews(store.globalSlots), g.slot, g.type);
}

/**
 * Sets the global at address `addr` to `value` (of its type; mutability is the caller's
 * business).
 */
export function writeGlobal(store: Store, addr: number, value: RawValue): void {
  const g = store.globals[addr];
  writeSlot(slotViews(store.globalSlots), g.slot, g.type, value);
}
