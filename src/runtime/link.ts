/**
 * Import matching (spec §4.5.4 step "external types match", §3.3 "Matching external
 * types"): whether an external value from the store fits the type a module declares for an
 * import. Functions compare canonical type ids by subtyping (`canonSub`), tags by equality,
 * globals, tables and memories by their types in the canonical space, where a table's or
 * memory's actual minimum is its current size (spec: the external type of an instance).
 *
 * Resolving import names to external values ("unknown import") is the caller's job.
 *
 * @module
 */

import { LinkError } from "../errors.ts";
import type { Import } from "../syntax/module.ts";
import { ExternKind, type GlobalType, type MemType, type TableType } from "../syntax/types.ts";
import { canonValType, matchGlobalType, matchMemType, matchTableType } from "../valid/match.ts";
import { canonSub } from "../valid/registry.ts";
import type { ExternVal, Store } from "./store.ts";

const KIND_BY_NAME: Record<ExternVal["kind"], ExternKind> = {
  func: ExternKind.Func,
  table: ExternKind.Table,
  memory: ExternKind.Memory,
  global: ExternKind.Global,
  tag: ExternKind.Tag,
};

/** The {@linkcode ExternKind} of an external value. */
export function externKind(ev: ExternVal): ExternKind {
  return KIND_BY_NAME[ev.kind];
}

/** The kind's name, as external values spell it. */
export function externKindName(kind: ExternKind): ExternVal["kind"] {
  switch (kind) {
    case ExternKind.Func:
      return "func";
    case ExternKind.Table:
      return "table";
    case ExternKind.Memory:
      return "memory";
    case ExternKind.Global:
      return "global";
    default:
      return "tag";
  }
}

/** The current type of a table instance: its type with the current size as minimum. */
export function tableTypeOf(store: Store, addr: number): TableType {
  const t = store.tables[addr];
  return {
    is64: t.type.is64,
    elem: t.type.elem,
    limits: { ...t.type.limits, min: BigInt(t.size) },
  };
}

/** The current type of a memory instance: its type with the current size as minimum. */
export function memTypeOf(store: Store, addr: number): MemType {
  const m = store.memories[addr];
  return { ...m.type, limits: { ...m.type.limits, min: BigInt(m.pages) } };
}

/** The canonical type id of the function at address `addr`. */
export function funcTypeOf(store: Store, addr: number): number {
  const f = store.objects[addr];
  if (f.kind !== "wasm" && f.kind !== "host") throw new Error(`no function at address ${addr}`);
  return f.type;
}

/**
 * Checks that external value `ev` matches import `im` of a module whose type indices map to
 * canonical ids `canon`.
 *
 * @throws LinkError "incompatible import type" (with the import's names) when it does not.
 */
export function checkImport(store: Store, canon: Int32Array, im: Import, ev: ExternVal): void {
  if (!matchImport(store, canon, im, ev)) {
    throw new LinkError(
      `incompatible import type for ${JSON.stringify(im.module)} ${JSON.stringify(im.name)}`,
    );
  }
}

/** Whether external value `ev` matches import `im` (see {@linkcode checkImport}). */
export function matchImport(store: Store, canon: Int32Array, im: Import, ev: ExternVal): boolean {
  const d = im.desc;
  if (externKind(ev) !== d.kind) return false;
  switch (d.kind) {
    case ExternKind.Func:
      return canonSub(funcTypeOf(store, ev.addr), canon[d.type]);
    case ExternKind.Tag:
      return store.tags[ev.addr].type === canon[d.type];
    case ExternKind.Global: {
      const g = store.globals[ev.addr];
      const want: GlobalType = {
        type: canonValType(canon, d.global.type),
        mutable: d.global.mutable,
      };
      return matchGlobalType(null, { type: g.type, mutable: g.mutable }, want);
    }
    case ExternKind.Table: {
      const want: TableType = { ...d.table, elem: canonValType(canon, d.table.elem) };
      return matchTableType(null, tableTypeOf(store, ev.addr), want);
    }
    case ExternKind.Memory:
      return matchMemType(memTypeOf(store, ev.addr), d.memory);
  }
}
