/**
 * The type section of a module (spec §3.2 "Types", §3.5 "Recursive types"): checks each
 * recursion group and gives each defined type its canonical id.
 *
 * A group may refer to itself and to earlier types; a reference past the group's end is an
 * "unknown type". Declared supertypes must precede their subtype, must not be final, and
 * their composite type must be matched by the subtype's. Groups are interned in the global
 * registry (`registry.ts`) so that equivalent types, in this module or any other, share a
 * canonical id.
 *
 * Also here: the check of a value type used anywhere in a module (its type index must
 * exist) and accessors of a module's types for the rest of the validator.
 *
 * @module
 */

import { ValidationError } from "../errors.ts";
import type { Module } from "../syntax/module.ts";
import {
  type CompType,
  type FieldType,
  isRefType,
  refHeap,
  refNullable,
  refType,
  type SubType,
  type ValType,
} from "../syntax/types.ts";
import { matchComp } from "./match.ts";
import { internGroup, KIND_ARRAY, KIND_FUNC, KIND_STRUCT } from "./registry.ts";

/** A module's defined types, with their canonical ids. */
export interface ModuleTypes {
  /** The module's types, by type index. */
  readonly types: readonly SubType[];
  /** For each type index, its canonical id in the global registry. */
  readonly canon: Int32Array;
  /** For each type index, its kind (`KIND_FUNC`, `KIND_STRUCT`, `KIND_ARRAY`). */
  readonly kinds: Uint8Array;
}

/** Throws "unknown type" unless every type index in value type `t` is below `count`. */
export function checkValType(t: ValType, count: number): void {
  if (isRefType(t)) {
    const h = refHeap(t);
    if (h >= count) throw new ValidationError(`unknown type ${h}`);
  }
}

function checkField(f: FieldType, count: number): void {
  checkValType(f.type, count);
}

function checkComp(c: CompType, count: number): void {
  switch (c.kind) {
    case "func":
      for (const t of c.params) checkValType(t, count);
      for (const t of c.results) checkValType(t, count);
      break;
    case "struct":
      for (const f of c.fields) checkField(f, count);
      break;
    case "array":
      checkField(c.field, count);
  }
}

/**
 * Validates the module's type section and interns its recursion groups.
 *
 * @throws ValidationError "unknown type", "sub type ...", "forward use of type ..."
 */
export function validateTypes(m: Module): ModuleTypes {
  const n = m.types.length;
  const canon = new Int32Array(n);
  const kinds = new Uint8Array(n);
  let start = 0;
  const sizes = m.recGroups.length > 0 ? m.recGroups : new Array<number>(n).fill(1);
  let total = 0;
  for (const size of sizes) total += size;
  if (total !== n) throw new ValidationError("type section: recursion groups do not cover types");
  for (const size of sizes) {
    const end = start + size;
    for (let x = start; x < end; x++) {
      const st = m.types[x];
      checkComp(st.comp, end);
      for (const s of st.supers) {
        if (s >= end) throw new ValidationError(`unknown type ${s}`);
        if (s >= x) {
          throw new ValidationError(`forward use of type ${s} in sub type definition`);
        }
      }
      if (st.supers.length > 1) {
        throw new ValidationError(`sub type ${x} has more than one super type`);
      }
    }
    const base = internGroup(groupKey(m.types, start, end, canon), size, (base) => {
      const out: SubType[] = [];
      for (let x = start; x < end; x++) {
        out.push(canonSubType(m.types[x], start, end, base, canon));
      }
      return out;
    });
    for (let x = start; x < end; x++) {
      canon[x] = base + (x - start);
      const kind = m.types[x].comp.kind;
      kinds[x] = kind === "func" ? KIND_FUNC : kind === "struct" ? KIND_STRUCT : KIND_ARRAY;
    }
    for (let x = start; x < end; x++) {
      const st = m.types[x];
      for (const s of st.supers) {
        const sup = m.types[s];
        if (sup.final) throw new ValidationError(`sub type ${x} has final super type ${s}`);
        if (!matchComp(canon, st, sup)) {
          throw new ValidationError(`sub type ${x} does not match super type ${s}`);
        }
      }
    }
    start = end;
  }
  return { types: m.types, canon, kinds };
}

/** A string that identifies the structure of the group `types[start..end)`. */
function groupKey(
  types: readonly SubType[],
  start: number,
  end: number,
  canon: Int32Array,
): string {
  const ref = (h: number) => (h >= start && h < end ? `~${h - start}` : `#${canon[h]}`);
  const val = (t: ValType) =>
    isRefType(t) && refHeap(t) >= 0 ? (refNullable(t) ? "N" : "R") + ref(refHeap(t)) : String(t);
  const field = (f: FieldType) => (f.mutable ? "m" : "c") + val(f.type);
  const parts: string[] = [];
  for (let x = start; x < end; x++) {
    const st = types[x];
    parts.push(st.final ? "F" : "S");
    for (const s of st.supers) parts.push("<" + ref(s));
    const c = st.comp;
    switch (c.kind) {
      case "func":
        parts.push("f" + c.params.map(val).join(",") + ">" + c.results.map(val).join(","));
        break;
      case "struct":
        parts.push("s" + c.fields.map(field).join(","));
        break;
      case "array":
        parts.push("a" + field(c.field));
    }
    parts.push(";");
  }
  return parts.join("");
}

/** `st` with every type index rewritten to a canonical id. */
function canonSubType(
  st: SubType,
  start: number,
  end: number,
  base: number,
  canon: Int32Array,
): SubType {
  const id = (h: number) => (h >= start && h < end ? base + (h - start) : canon[h]);
  const val = (t: ValType) =>
    isRefType(t) && refHeap(t) >= 0 ? refType(refNullable(t), id(refHeap(t))) : t;
  const field = (f: FieldType): FieldType => ({ type: val(f.type), mutable: f.mutable });
  const c = st.comp;
  const comp: CompType = c.kind === "func"
    ? { kind: "func", params: c.params.map(val), results: c.results.map(val) }
    : c.kind === "struct"
    ? { kind: "struct", fields: c.fields.map(field) }
    : { kind: "array", field: field(c.field) };
  return { final: st.final, supers: st.supers.map(id), comp };
}
