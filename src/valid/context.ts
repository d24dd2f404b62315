/**
 * The validation context of a module (spec §3.1.1 "Contexts"): what instructions may refer
 * to, gathered by `validate.ts` and read by `code.ts`. Also the lookups that report unknown
 * indices with the reference interpreter's messages ("unknown function 3").
 *
 * @module
 */

import { ValidationError } from "../errors.ts";
import type { FuncType, GlobalType, MemType, TableType, ValType } from "../syntax/types.ts";
import type { ModuleTypes } from "./types.ts";

/** Everything a function body or constant expression may refer to. */
export interface Context {
  /** The module's types with their canonical ids. */
  types: ModuleTypes;
  /** The type index of each function, imports first. */
  funcs: Int32Array;
  tables: TableType[];
  memories: MemType[];
  /** Every global, imports first (a constant expression may see only a prefix). */
  globals: GlobalType[];
  /** The type index of each tag, imports first. */
  tags: Int32Array;
  /** The reference type of each element segment. */
  elems: Int32Array;
  /** The number of data segments. */
  datas: number;
  /**
   * For each function index, 1 if it is declared for `ref.func` in function bodies (it occurs
   * in an element segment, an export, or a global or table initializer).
   */
  refs: Uint8Array;
}

/** Throws "unknown <what> <x>". */
export function unknown(what: string, x: number): never {
  throw new ValidationError(`unknown ${what} ${x >>> 0}`);
}

/**
 * The function type with index `x`.
 *
 * @throws ValidationError "unknown type" or "non-function type"
 */
export function funcTypeAt(types: ModuleTypes, x: number): FuncType {
  if (x < 0 || x >= types.types.length) unknown("type", x);
  const comp = types.types[x].comp;
  if (comp.kind !== "func") throw new ValidationError(`non-function type ${x}`);
  return comp;
}

/** Whether a value type has a default value (numbers, vectors, nullable references). */
export function defaultable(t: ValType): boolean {
  return t > -0x100 || ((-0x100 - t) & 1) === 1;
}
