/**
 * Shared machinery of the text-format module parser (`parse.ts`, `parse_types.ts`,
 * `parse_instr.ts`): a cursor over the items of an S-expression list, errors with the spec
 * interpreter's messages at a node's position, literal conversion, and the module context
 * (symbolic names of every index space, the types defined so far, implicit function types).
 *
 * It does not parse any production of the grammar itself.
 *
 * @module
 */

import { ParseError } from "../errors.ts";
import { emptyModule, type Module } from "../syntax/module.ts";
import { OPS } from "../syntax/opcodes.ts";
import type { FuncType, SubType, ValType } from "../syntax/types.ts";
import { decodeName } from "./lexer.ts";
import { NumberLiteralError, parseUint } from "./numbers.ts";
import type { SAtom, SExpr, SList } from "./sexpr.ts";

/** A {@linkcode ParseError} at a node (or at the start of the source when there is none). */
export function errorAt(node: SExpr | null | undefined, message: string): ParseError {
  // A node copied with `{ ...node }` has lost its `pos` getter: report line 0 rather than fail.
  const pos = node?.pos;
  return pos ? new ParseError(message, pos.line, pos.column) : new ParseError(message, 0, 0);
}

/** Keywords of the text format that are no instruction mnemonic (spec and script grammar). */
// deno-fmt-ignore
const OTHER_KEYWORDS = [
  "i8", "i16", "i8x16", "i16x8", "i32x4", "i64x2", "f32x4", "f64x2",
  "any", "anyref", "none", "nullref", "eq", "eqref", "i31", "i31ref", "structref", "arrayref",
  "nofunc", "funcref", "nullfuncref", "exn", "noexn", "exnref", "nullexnref", "extern",
  "noextern", "externref", "nullexternref", "ref", "null", "array", "struct", "field", "mut",
  "sub", "final", "rec", "then", "catch_ref", "catch_all_ref", "ref.struct", "ref.array",
  "ref.exn", "ref.extern", "ref.host", "type", "tag", "global", "memory", "table", "func",
  "param", "result", "local", "data", "elem", "declare", "offset", "item", "start", "import",
  "export", "module", "binary", "quote", "definition", "instance", "script", "register",
  "invoke", "get", "assert_malformed", "assert_invalid", "assert_malformed_custom",
  "assert_invalid_custom", "assert_unlinkable", "assert_return", "assert_trap",
  "assert_exception", "assert_exhaustion", "nan:canonical", "nan:arithmetic", "either", "input",
  "output", "i32", "i64", "f32", "f64", "v128", "shared", "do", "inf", "nan",
] as const;

const KNOWN_KEYWORDS = new Set<string>(OTHER_KEYWORDS);
for (const info of OPS) if (info.name !== "select_t") KNOWN_KEYWORDS.add(info.name);

/** Whether `s` is a `nat` literal (decimal or hex, `_` between digits). */
function isNat(s: string, start: number): boolean {
  try {
    parseUint(s.slice(start), 64);
    return true;
  } catch (e) {
    return e instanceof NumberLiteralError && e.message !== "unexpected token";
  }
}

/**
 * Whether a keyword atom is one the spec's lexer knows; an unknown one is reported as
 * "unknown operator" wherever it appears, as the reference interpreter does.
 */
export function isKnownKeyword(text: string): boolean {
  if (KNOWN_KEYWORDS.has(text)) return true;
  if (text.startsWith("offset=")) return isNat(text, 7);
  if (text.startsWith("align=")) return isNat(text, 6);
  if (text.startsWith("nan:0x")) return isNat(text, 4);
  return false;
}

/**
 * The error for a node that is not what the grammar expects here: "unknown operator ..." for
 * reserved tokens and unknown keywords, "unexpected token" otherwise.
 */
export function unexpected(node: SExpr | null | undefined): ParseError {
  if (node && node.kind === "reserved") return errorAt(node, `unknown operator ${node.text}`);
  if (node && node.kind === "keyword" && !isKnownKeyword(node.text)) {
    return errorAt(node, `unknown operator ${node.text}`);
  }
  return errorAt(node, "unexpected token");
}

/** Runs a number conversion, turning its {@linkcode NumberLiteralError} into a ParseError. */
export function literal<T>(atom: SExpr, convert: (text: string) => T): T {
  if (atom.kind !== "number" && atom.kind !== "keyword") throw unexpected(atom);
  if (atom.kind === "keyword" && !isKnownKeyword(atom.text)) throw unexpected(atom);
  try {
    return convert(atom.text);
  } catch (e) {
    if (e instanceof NumberLiteralError) throw errorAt(atom, e.message);
    throw e;
  }
}

/** A cursor over the items of a list (from a start index). */
export class Cursor {
  /** The list (for error positions at its end). */
  readonly list: SList;
  readonly items: readonly SExpr[];
  /** The index of the next item. */
  i: number;

  constructor(list: SList, start = 0) {
    this.list = list;
    this.items = list.items;
    this.i = start;
  }

  /** Whether every item has been read. */
  done(): boolean {
    return this.i >= this.items.length;
  }

  /** The next item, or undefined. */
  peek(): SExpr | undefined {
    return this.items[this.i];
  }

  /** The next item; "unexpected token" at the list's end if there is none. */
  next(): SExpr {
    const item = this.items[this.i];
    if (item === undefined) throw this.endError();
    this.i++;
    return item;
  }

  /** The error for a missing item: at the closing parenthesis of the list. */
  endError(): ParseError {
    return errorAt(this.list, "unexpected token");
  }

  /** Throws "unexpected token" unless every item has been read. */
  expectEnd(): void {
    if (this.i < this.items.length) throw unexpected(this.items[this.i]);
  }

  /** The text of the next item if it is a keyword atom, else null. */
  peekKeyword(): string | null {
    const item = this.items[this.i];
    return item !== undefined && item.kind === "keyword" ? item.text : null;
  }

  /** If the next item is the keyword `kw`, reads it and returns true. */
  eatKeyword(kw: string): boolean {
    const item = this.items[this.i];
    if (item !== undefined && item.kind === "keyword" && item.text === kw) {
      this.i++;
      return true;
    }
    return false;
  }

  /** The head keyword of the next item if it is a list starting with a keyword, else null. */
  peekHead(): string | null {
    return listHead(this.items[this.i]);
  }

  /** The next item if it is an `id` atom (read), else null. */
  eatId(): SAtom | null {
    const item = this.items[this.i];
    if (item !== undefined && item.kind === "id") {
      this.i++;
      return item;
    }
    return null;
  }

  /** Reads a list item; "unexpected token" otherwise. */
  nextList(): SList {
    const item = this.next();
    if (item.kind !== "list") throw unexpected(item);
    return item;
  }

  /** Reads a string atom and returns its bytes; "unexpected token" otherwise. */
  nextString(): Uint8Array {
    const item = this.next();
    if (item.kind !== "string") throw unexpected(item);
    return item.bytes!;
  }

  /** Reads a string atom that must be a valid UTF-8 name. */
  nextName(): string {
    const item = this.next();
    if (item.kind !== "string") throw unexpected(item);
    const name = decodeName(item.bytes!);
    if (name === null) throw errorAt(item, "malformed UTF-8 encoding");
    return name;
  }
}

/** The head keyword of a list node, or null. */
export function listHead(node: SExpr | undefined): string | null {
  if (node === undefined || node.kind !== "list") return null;
  const head = node.items[0];
  return head !== undefined && head.kind === "keyword" ? head.text : null;
}

/** Reads an unsigned 32-bit literal (an index, a count). */
export function u32(atom: SExpr): number {
  if (atom.kind !== "number") throw unexpected(atom);
  return Number(literal(atom, (t) => parseUint(t, 32)));
}

/** An index space: symbolic names to indices, and the number of entries so far. */
export class Space {
  /** The noun used in error messages ("function", "type", ...). */
  readonly noun: string;
  readonly names = new Map<string, number>();
  count = 0;

  constructor(noun: string) {
    this.noun = noun;
  }

  /** Adds an entry, binding `id` to it if given; "duplicate <noun>" if it is bound already. */
  bind(id: SAtom | null): number {
    const index = this.count++;
    if (id !== null) {
      if (this.names.has(id.text)) throw errorAt(id, `duplicate ${this.noun} $${id.text}`);
      this.names.set(id.text, index);
    }
    return index;
  }

  /** Resolves an index (a number or a `$id`); "unknown <noun>" for an unbound id. */
  resolve(atom: SExpr): number {
    if (atom.kind === "id") {
      const index = this.names.get(atom.text);
      if (index === undefined) throw errorAt(atom, `unknown ${this.noun} $${atom.text}`);
      return index;
    }
    return u32(atom);
  }
}

/** Whether a node can be an index (a number or an id). */
export function isIndex(node: SExpr | undefined): node is SAtom {
  return node !== undefined && (node.kind === "id" || node.kind === "number");
}

/** The parser's state for one module. */
export class ModuleCtx {
  readonly module: Module = emptyModule();
  readonly types = new Space("type");
  readonly funcs = new Space("function");
  readonly tables = new Space("table");
  readonly memories = new Space("memory");
  readonly globals = new Space("global");
  readonly tags = new Space("tag");
  readonly elems = new Space("elem segment");
  readonly datas = new Space("data segment");
  /** Field names of each struct type, by type index. */
  readonly fields = new Map<number, Space>();

  /**
   * The index of a function type equal to `params -> results` that is alone in its recursion
   * group, final and without supertypes; when there is none, appends one (spec §6.6.5
   * "Type Uses": the implicit type is inserted at the end of the module's types).
   */
  implicitFuncType(params: ValType[], results: ValType[]): number {
    const types = this.module.types;
    const groups = this.module.recGroups;
    let index = 0;
    for (const size of groups) {
      if (size === 1) {
        const st = types[index];
        if (
          st.final && st.supers.length === 0 && st.comp.kind === "func" &&
          sameTypes(st.comp.params, params) && sameTypes(st.comp.results, results)
        ) {
          return index;
        }
      }
      index += size;
    }
    const st: SubType = { final: true, supers: [], comp: { kind: "func", params, results } };
    types.push(st);
    groups.push(1);
    this.types.count++;
    return types.length - 1;
  }

  /** The function type at `index`, or null if there is none. */
  funcType(index: number): FuncType | null {
    const st = this.module.types[index];
    return st !== undefined && st.comp.kind === "func" ? st.comp : null;
  }
}

/** Whether two lists of value types are equal. */
export function sameTypes(a: readonly ValType[], b: readonly ValType[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
