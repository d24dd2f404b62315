/**
 * Canonical type ids in snapshots. Ids are process-local (src/valid/registry.ts interns types
 * in the order a process meets them), so a snapshot names each type by a description instead
 * (format.ts): `[0, instance, typeIndex]` for a type a module defines, `[1, params, results]`
 * for a host function type without type indices. {@linkcode TypeWriter} gives the state's
 * canonical ids local ids and collects their descriptions; {@linkcode resolveTypes} turns the
 * descriptions back into this process's canonical ids after the modules are validated again.
 *
 * @module
 */

import { SnapshotError } from "../errors.ts";
import { canonFuncType } from "../runtime/host.ts";
import type { Instance } from "../runtime/store.ts";
import type { FuncType, ValType } from "../syntax/types.ts";
import { isRefType, refHeap, refNullable, refType } from "../syntax/types.ts";
import { canonType } from "../valid/registry.ts";
import type { ModuleInfo } from "../valid/validate.ts";
import { arr, bool, int } from "./check.ts";

/** A type description in a snapshot. */
export type TypeDesc = [0, number, number] | [1, ValType[], ValType[]];
/** A value type in a snapshot: its number, or `[nullable, localTypeId]`. */
export type ValDesc = number | [boolean, number];

/** Collects the canonical types a snapshot names (see the module doc). */
export class TypeWriter {
  /** Descriptions by local id. */
  readonly descs: TypeDesc[] = [];
  private readonly local = new Map<number, number>();
  private readonly defined = new Map<number, [number, number]>();

  /** For the instances of a store, in order. */
  constructor(instances: readonly Instance[]) {
    for (let i = instances.length - 1; i >= 0; i--) {
      const canon = instances[i].info.types.canon;
      for (let t = canon.length - 1; t >= 0; t--) this.defined.set(canon[t], [i, t]);
    }
  }

  /** The local id of canonical id `id`. @throws SnapshotError if it cannot be described. */
  type(id: number): number {
    let l = this.local.get(id);
    if (l !== undefined) return l;
    const d = this.defined.get(id);
    let desc: TypeDesc;
    if (d !== undefined) desc = [0, d[0], d[1]];
    else {
      const st = canonType(id);
      const ft = st?.comp as FuncType | undefined;
      if (
        st === undefined || ft?.kind !== "func" || !st.final || st.supers.length > 0 ||
        [...ft.params, ...ft.results].some((t) => isRefType(t) && refHeap(t) >= 0)
      ) {
        throw new SnapshotError(`cannot describe canonical type ${id} in a snapshot`);
      }
      desc = [1, [...ft.params], [...ft.results]];
    }
    l = this.descs.length;
    this.descs.push(desc);
    this.local.set(id, l);
    return l;
  }

  /** A value type's description. */
  val(t: ValType): ValDesc {
    if (!isRefType(t) || refHeap(t) < 0) return t;
    return [refNullable(t), this.type(refHeap(t))];
  }
}

const ABSTRACT_MIN = -0x17, ABSTRACT_MAX = -0x0c;

/** Checks a value type that names no type index. */
export function plainValType(v: unknown, what: string): ValType {
  const t = int(v, -0x1000, -1, what);
  if (t >= -5) return t;
  if (isRefType(t)) {
    const h = refHeap(t);
    if (h >= ABSTRACT_MIN && h <= ABSTRACT_MAX && refType(refNullable(t), h) === t) return t;
  }
  throw new SnapshotError(`${what}: bad value type ${t}`);
}

/** Turns the `types` descriptions into canonical ids of this process. */
export function resolveTypes(
  v: unknown,
  instanceModules: readonly number[],
  infos: readonly ModuleInfo[],
): number[] {
  return arr(v, "types").map((d, i) => {
    const what = `types[${i}]`;
    const a = arr(d, what);
    const kind = int(a[0], 0, 1, what);
    if (kind === 0) {
      if (a.length !== 3) throw new SnapshotError(`${what}: bad description`);
      const inst = int(a[1], 0, instanceModules.length - 1, `${what} instance`);
      const canon = infos[instanceModules[inst]].types.canon;
      return canon[int(a[2], 0, canon.length - 1, `${what} type index`)];
    }
    if (a.length !== 3) throw new SnapshotError(`${what}: bad description`);
    const params = arr(a[1], what).map((t) => plainValType(t, what));
    const results = arr(a[2], what).map((t) => plainValType(t, what));
    return canonFuncType(params, results);
  });
}

/** Reads a value type's description against the resolved `types`. */
export function readValType(v: unknown, types: readonly number[], what: string): ValType {
  if (typeof v === "number") return plainValType(v, what);
  const a = arr(v, what);
  if (a.length !== 2) throw new SnapshotError(`${what}: bad value type`);
  return refType(bool(a[0], what), types[int(a[1], 0, types.length - 1, what)]);
}
