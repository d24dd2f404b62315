/**
 * Table instances (spec §4.2.7 "Table Instances", §4.5.3 "Growing tables"): allocation and
 * growth. Elements are references as i32s (0 null, > 0 an object address, < 0 i31); the
 * backing `Int32Array` may be longer than `size`, leaving room to grow in place.
 *
 * Engine limit: a table holds at most {@linkcode MAX_TABLE_SIZE} elements whatever its type
 * says (growing beyond returns -1, which the spec allows). Nothing here checks bounds of
 * accesses: the interpreter does.
 *
 * @module
 */

import type { TableType } from "../syntax/types.ts";
import type { TableInst } from "./store.ts";

/** The most elements a table can have in this engine. */
export const MAX_TABLE_SIZE = 10_000_000;

/** The most elements a table of type `type` may reach here: its maximum, capped by the engine. */
export function tableSizeLimit(type: TableType): number {
  const max = type.limits.max;
  return max !== null && max < BigInt(MAX_TABLE_SIZE) ? Number(max) : MAX_TABLE_SIZE;
}

/**
 * A new table of type `type`, `type.limits.min` elements, each `init`; or null when the
 * initial size exceeds the engine's limit.
 */
export function tryNewTable(type: TableType, init: number): TableInst | null {
  if (type.limits.min > BigInt(tableSizeLimit(type))) return null;
  const size = Number(type.limits.min);
  const elems = new Int32Array(size);
  if (init !== 0) elems.fill(init);
  return { type, elems, size };
}

/**
 * A new table of type `type` with its minimum size, every element `init`. Assumes the
 * minimum is within the engine's limit (see {@linkcode tryNewTable}); otherwise throws a
 * plain Error.
 */
export function newTable(type: TableType, init: number): TableInst {
  const t = tryNewTable(type, init);
  if (t === null) throw new Error(`cannot allocate a table of ${type.limits.min} elements`);
  return t;
}

/**
 * Grows `table` by `delta` elements set to `init` (spec `growtable`): returns the old size,
 * or -1 (leaving the table unchanged) when the new size would exceed its maximum or the
 * engine's limit. Never throws. Capacity doubles, so repeated growth is amortized.
 */
export function growTable(table: TableInst, delta: number, init: number): number {
  const old = table.size;
  if (!(delta >= 0) || !Number.isFinite(delta)) return -1;
  const size = old + delta;
  if (size > tableSizeLimit(table.type)) return -1;
  if (size > table.elems.length) {
    const cap = Math.min(Math.max(size, table.elems.length * 2, 8), tableSizeLimit(table.type));
    const elems = new Int32Array(cap);
    elems.set(table.elems.subarray(0, old));
    table.elems = elems;
  }
  table.elems.fill(init, old, size);
  table.size = size;
  return old;
}
