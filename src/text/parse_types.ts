/**
 * Types in the text format (spec §6.4 "Types"): value, heap and reference types with their
 * abbreviations (`funcref` = `(ref null func)`, ...), storage and field types, composite and
 * sub types, limits, and the function signatures of type uses (`(param ...)` and
 * `(result ...)` clauses). Type indices are resolved through the module context.
 *
 * Nothing here checks validity (an index may be out of range, a supertype may not match).
 *
 * @module
 */

import type { FieldType, HeapType, Limits, SubType, ValType } from "../syntax/types.ts";
import {
  F32,
  F64,
  HEAP_ANY,
  HEAP_ARRAY,
  HEAP_EQ,
  HEAP_EXN,
  HEAP_EXTERN,
  HEAP_FUNC,
  HEAP_I31,
  HEAP_NOEXN,
  HEAP_NOEXTERN,
  HEAP_NOFUNC,
  HEAP_NONE,
  HEAP_STRUCT,
  I16,
  I32,
  I64,
  I8,
  refType,
  V128,
} from "../syntax/types.ts";
import {
  Cursor,
  errorAt,
  isIndex,
  literal,
  type ModuleCtx,
  type Space,
  unexpected,
} from "./parse_ctx.ts";
import { parseUint } from "./numbers.ts";
import type { SAtom, SExpr, SList } from "./sexpr.ts";

/** Abstract heap types by keyword. */
export const HEAP_KEYWORDS: ReadonlyMap<string, HeapType> = new Map([
  ["any", HEAP_ANY],
  ["eq", HEAP_EQ],
  ["i31", HEAP_I31],
  ["struct", HEAP_STRUCT],
  ["array", HEAP_ARRAY],
  ["none", HEAP_NONE],
  ["func", HEAP_FUNC],
  ["nofunc", HEAP_NOFUNC],
  ["exn", HEAP_EXN],
  ["noexn", HEAP_NOEXN],
  ["extern", HEAP_EXTERN],
  ["noextern", HEAP_NOEXTERN],
]);

/** Value types written as one keyword (number, vector and abbreviated reference types). */
const VALTYPE_KEYWORDS: ReadonlyMap<string, ValType> = new Map([
  ["i32", I32],
  ["i64", I64],
  ["f32", F32],
  ["f64", F64],
  ["v128", V128],
  ["anyref", refType(true, HEAP_ANY)],
  ["eqref", refType(true, HEAP_EQ)],
  ["i31ref", refType(true, HEAP_I31)],
  ["structref", refType(true, HEAP_STRUCT)],
  ["arrayref", refType(true, HEAP_ARRAY)],
  ["nullref", refType(true, HEAP_NONE)],
  ["funcref", refType(true, HEAP_FUNC)],
  ["nullfuncref", refType(true, HEAP_NOFUNC)],
  ["exnref", refType(true, HEAP_EXN)],
  ["nullexnref", refType(true, HEAP_NOEXN)],
  ["externref", refType(true, HEAP_EXTERN)],
  ["nullexternref", refType(true, HEAP_NOEXTERN)],
]);

/** Reads a heap type: an abstract heap type keyword or a type index. */
export function parseHeapType(ctx: ModuleCtx, node: SExpr): HeapType {
  if (node.kind === "keyword") {
    const h = HEAP_KEYWORDS.get(node.text);
    if (h !== undefined) return h;
    throw unexpected(node);
  }
  if (isIndex(node)) return ctx.types.resolve(node);
  throw unexpected(node);
}

/** Whether a node can start a reference type (`(ref ...)` or an abbreviation). */
export function isRefTypeNode(node: SExpr | undefined): boolean {
  if (node === undefined) return false;
  if (node.kind === "list") {
    const head = node.items[0];
    return head !== undefined && head.kind === "keyword" && head.text === "ref";
  }
  if (node.kind !== "keyword") return false;
  const t = VALTYPE_KEYWORDS.get(node.text);
  return t !== undefined && t < -0x100;
}

/** Reads a reference type: `(ref null? ht)` or an abbreviation such as `funcref`. */
export function parseRefType(ctx: ModuleCtx, node: SExpr): ValType {
  if (node.kind === "list") {
    const cur = new Cursor(node);
    if (!cur.eatKeyword("ref")) throw unexpected(node.items[0] ?? node);
    const nullable = cur.eatKeyword("null");
    const heap = parseHeapType(ctx, cur.next());
    cur.expectEnd();
    return refType(nullable, heap);
  }
  if (node.kind === "keyword") {
    const t = VALTYPE_KEYWORDS.get(node.text);
    if (t !== undefined && t < -0x100) return t;
  }
  throw unexpected(node);
}

/** Reads a value type. */
export function parseValType(ctx: ModuleCtx, node: SExpr): ValType {
  if (node.kind === "keyword") {
    const t = VALTYPE_KEYWORDS.get(node.text);
    if (t !== undefined) return t;
    throw unexpected(node);
  }
  return parseRefType(ctx, node);
}

/** Reads a storage type: a value type, `i8` or `i16`. */
function parseStorageType(ctx: ModuleCtx, node: SExpr): ValType {
  if (node.kind === "keyword") {
    if (node.text === "i8") return I8;
    if (node.text === "i16") return I16;
  }
  return parseValType(ctx, node);
}

/** Reads a field type: a storage type or `(mut storagetype)`. */
function parseFieldType(ctx: ModuleCtx, node: SExpr): FieldType {
  if (node.kind === "list" && node.items[0]?.kind === "keyword" && node.items[0].text === "mut") {
    const cur = new Cursor(node, 1);
    const type = parseStorageType(ctx, cur.next());
    cur.expectEnd();
    return { type, mutable: true };
  }
  return { type: parseStorageType(ctx, node), mutable: false };
}

/** Reads a global type: a value type or `(mut valtype)`. */
export function parseGlobalType(ctx: ModuleCtx, node: SExpr): { type: ValType; mutable: boolean } {
  if (node.kind === "list" && node.items[0]?.kind === "keyword" && node.items[0].text === "mut") {
    const cur = new Cursor(node, 1);
    const type = parseValType(ctx, cur.next());
    cur.expectEnd();
    return { type, mutable: true };
  }
  return { type: parseValType(ctx, node), mutable: false };
}

/** A function signature read from `(param ...)` and `(result ...)` clauses. */
export interface Signature {
  params: ValType[];
  results: ValType[];
  /** The `$id` of each parameter (null where it has none). */
  paramIds: (SAtom | null)[];
}

/**
 * Reads `(param ...)*` then `(result ...)*` clauses at the cursor. Named parameters
 * (`(param $x t)`) are allowed only if `namedParams`; a parameter after a result is an
 * "unexpected token".
 */
export function parseSignature(ctx: ModuleCtx, cur: Cursor, namedParams: boolean): Signature {
  const sig: Signature = { params: [], results: [], paramIds: [] };
  while (cur.peekHead() === "param") {
    const list = cur.next() as SList;
    const c = new Cursor(list, 1);
    const id = c.eatId();
    if (id !== null) {
      if (!namedParams) throw unexpected(id);
      sig.params.push(parseValType(ctx, c.next()));
      sig.paramIds.push(id);
      c.expectEnd();
    } else {
      while (!c.done()) {
        sig.params.push(parseValType(ctx, c.next()));
        sig.paramIds.push(null);
      }
    }
  }
  while (cur.peekHead() === "result") {
    const list = cur.next() as SList;
    const c = new Cursor(list, 1);
    while (!c.done()) sig.results.push(parseValType(ctx, c.next()));
  }
  if (cur.peekHead() === "param") throw unexpected(cur.peek());
  return sig;
}

/**
 * Reads a type use at the cursor: `(type x)?` then parameters and results, and returns the
 * type index: `x` (whose signature must equal the inline one if there is one: "inline
 * function type"), or the implicit function type of the inline signature.
 */
export function parseTypeUse(
  ctx: ModuleCtx,
  cur: Cursor,
  namedParams: boolean,
): { type: number; sig: Signature; explicit: boolean } {
  let explicit = -1;
  let at: SExpr | undefined;
  if (cur.peekHead() === "type") {
    const list = cur.next() as SList;
    const c = new Cursor(list, 1);
    at = c.next();
    explicit = ctx.types.resolve(at);
    c.expectEnd();
  }
  const sig = parseSignature(ctx, cur, namedParams);
  if (explicit < 0) {
    return { type: ctx.implicitFuncType(sig.params, sig.results), sig, explicit: false };
  }
  checkInline(ctx, explicit, sig, at!);
  return { type: explicit, sig, explicit: true };
}

/** Checks that an inline signature (if not empty) equals that of type `index`. */
export function checkInline(ctx: ModuleCtx, index: number, sig: Signature, at: SExpr): void {
  if (sig.params.length === 0 && sig.results.length === 0) return;
  const ft = ctx.funcType(index);
  if (ft === null) {
    if (index >= ctx.module.types.length) throw errorAt(at, `unknown type ${index}`);
    throw errorAt(at, `non-function type ${index}`);
  }
  if (!sameList(ft.params, sig.params) || !sameList(ft.results, sig.results)) {
    throw errorAt(at, "inline function type does not match explicit type");
  }
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Reads the definition inside `(type $id? ...)`: a composite type, or `(sub final? x* comp)`.
 * Field names of a struct are bound in `fieldNames` (which the caller made for this type).
 */
export function parseSubType(ctx: ModuleCtx, node: SExpr, fieldNames: Space): SubType {
  if (node.kind !== "list") throw unexpected(node);
  const cur = new Cursor(node);
  if (cur.eatKeyword("sub")) {
    const final = cur.eatKeyword("final");
    const supers: number[] = [];
    while (isIndex(cur.peek())) supers.push(ctx.types.resolve(cur.next()));
    const comp = parseCompType(ctx, cur.next(), fieldNames);
    cur.expectEnd();
    return { final, supers, comp };
  }
  return { final: true, supers: [], comp: parseCompType(ctx, node, fieldNames) };
}

function parseCompType(ctx: ModuleCtx, node: SExpr, fieldNames: Space): SubType["comp"] {
  if (node.kind !== "list") throw unexpected(node);
  const cur = new Cursor(node);
  const head = cur.next();
  if (head.kind !== "keyword") throw unexpected(head);
  switch (head.text) {
    case "func": {
      const sig = parseSignature(ctx, cur, true);
      cur.expectEnd();
      return { kind: "func", params: sig.params, results: sig.results };
    }
    case "struct": {
      const fields: FieldType[] = [];
      while (!cur.done()) {
        const f = cur.nextList();
        const c = new Cursor(f);
        if (!c.eatKeyword("field")) throw unexpected(f.items[0] ?? f);
        const id = c.eatId();
        if (id !== null) {
          fieldNames.bind(id);
          fields.push(parseFieldType(ctx, c.next()));
          c.expectEnd();
        } else {
          while (!c.done()) {
            fieldNames.bind(null);
            fields.push(parseFieldType(ctx, c.next()));
          }
        }
      }
      return { kind: "struct", fields };
    }
    case "array": {
      const field = parseFieldType(ctx, cur.next());
      cur.expectEnd();
      return { kind: "array", field };
    }
  }
  throw unexpected(head);
}

/** Reads limits `min max?` (u64 numbers). */
export function parseLimits(cur: Cursor): Limits {
  const minNode = cur.next();
  if (minNode.kind !== "number") throw unexpected(minNode);
  const min = literal(minNode, (t) => parseUint(t, 64));
  let max: bigint | null = null;
  if (cur.peek()?.kind === "number") max = literal(cur.next(), (t) => parseUint(t, 64));
  return { min, max };
}

/** Reads an optional address type (`i32` or `i64`); true for i64. */
export function parseAddrType(cur: Cursor): boolean {
  if (cur.eatKeyword("i64")) return true;
  cur.eatKeyword("i32");
  return false;
}
