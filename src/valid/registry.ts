/**
 * The global table of canonical defined types (spec §3.1.2 "Type equivalence" and the
 * iso-recursive semantics of recursion groups).
 *
 * Every recursion group that any module defines is interned here once: two groups with the
 * same structure (after replacing references into the group by their relative position and
 * references out of the group by the canonical ids of the types they name) get the same
 * canonical ids. A canonical id is thus valid across modules: two defined types are
 * equivalent exactly when their canonical ids are equal, and the validator, the runtime's
 * import matching and `call_indirect` compare types by id.
 *
 * The table is, in effect, one global module whose type indices are canonical ids: each
 * interned group occupies consecutive ids, and {@linkcode canonType} gives a type with every
 * concrete heap type inside it rewritten to a canonical id. Declared supertypes are canonical
 * ids too, so subtyping between defined types is a walk up {@linkcode canonSuper}.
 *
 * Interning does not validate: the caller (`types.ts`) checks that indices are in range and
 * that supertypes precede their subtypes before it interns a group, so the super chains here
 * are acyclic. Entries are never removed.
 *
 * @module
 */

import type { SubType } from "../syntax/types.ts";

/** The kind of a composite type: {@linkcode KIND_FUNC}, {@linkcode KIND_STRUCT}, {@linkcode KIND_ARRAY}. */
export type CompKind = 0 | 1 | 2;
/** A function type. */
export const KIND_FUNC = 0;
/** A struct type. */
export const KIND_STRUCT = 1;
/** An array type. */
export const KIND_ARRAY = 2;

const types: SubType[] = [];
let supers = new Int32Array(256);
let kinds = new Uint8Array(256);
const groups = new Map<string, number>();

/** Number of canonical types interned so far. */
export function canonCount(): number {
  return types.length;
}

/**
 * The canonical type with id `id`: its supertypes and every concrete heap type in it are
 * canonical ids.
 */
export function canonType(id: number): SubType {
  return types[id];
}

/** The canonical id of the declared supertype of canonical type `id`, or -1. */
export function canonSuper(id: number): number {
  return supers[id];
}

/** The {@linkcode CompKind} of canonical type `id`. */
export function canonKind(id: number): CompKind {
  return kinds[id] as CompKind;
}

/** Whether canonical type `a` is a subtype of canonical type `b` (declared-super chain). */
export function canonSub(a: number, b: number): boolean {
  while (a >= 0) {
    if (a === b) return true;
    a = supers[a];
  }
  return false;
}

/**
 * Interns a recursion group. `key` must describe the group's structure completely (see
 * `types.ts`); `make(base)` builds the canonical types of the group given the id of its first
 * type, and is only called when the group is new. Returns the id of the group's first type.
 */
export function internGroup(key: string, size: number, make: (base: number) => SubType[]): number {
  const known = groups.get(key);
  if (known !== undefined) return known;
  const base = types.length;
  const made = make(base);
  if (made.length !== size) throw new Error("internGroup: size mismatch");
  const need = base + size;
  if (need > supers.length) {
    let cap = supers.length;
    while (cap < need) cap *= 2;
    const s = new Int32Array(cap);
    s.set(supers);
    supers = s;
    const k = new Uint8Array(cap);
    k.set(kinds);
    kinds = k;
  }
  for (let i = 0; i < size; i++) {
    const st = made[i];
    types.push(st);
    supers[base + i] = st.supers.length > 0 ? st.supers[0] : -1;
    kinds[base + i] = st.comp.kind === "func"
      ? KIND_FUNC
      : st.comp.kind === "struct"
      ? KIND_STRUCT
      : KIND_ARRAY;
  }
  groups.set(key, base);
  return base;
}
