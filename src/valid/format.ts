/**
 * Type names in validation error messages, written like the reference interpreter writes them
 * (`i32`, `(ref null func)`, `(ref 3)`, `[i32 i64]`), so that messages whose detail the spec
 * testsuite spells out come out the same. Concrete heap types print as type indices.
 *
 * @module
 */

import {
  HEAP_NAMES,
  type HeapType,
  isRefType,
  NUM_NAMES,
  refHeap,
  refNullable,
} from "../syntax/types.ts";
import type { ValType } from "../syntax/types.ts";
import { BOT, HEAP_BOT } from "./match.ts";

/** The name of a heap type. */
export function heapName(h: HeapType): string {
  if (h >= 0) return String(h);
  if (h === HEAP_BOT) return "something";
  return HEAP_NAMES.get(h) ?? `heap(${h})`;
}

/** The name of a value (or storage) type. */
export function valName(t: ValType): string {
  if (t === BOT) return "bot";
  if (isRefType(t)) return `(ref ${refNullable(t) ? "null " : ""}${heapName(refHeap(t))})`;
  return NUM_NAMES.get(t) ?? `type(${t})`;
}

/** The name of a result type, `[t*]`. */
export function resultName(ts: ArrayLike<ValType>, from = 0, to = ts.length): string {
  const names: string[] = [];
  for (let i = from; i < to; i++) names.push(valName(ts[i]));
  return `[${names.join(" ")}]`;
}
