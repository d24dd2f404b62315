/**
 * Reads a `.wast` script (the reference interpreter's README, "Scripts") into the
 * {@linkcode Script} AST, on top of the S-expression reader.
 *
 * Modules are not parsed here: a text module keeps its list, `binary` and `quote` modules
 * their concatenated strings; the runner parses them when their command runs. Constants and
 * result patterns are parsed to raw bits with `src/text/numbers.ts`. A malformed script (not
 * a malformed module inside it) throws a {@linkcode ParseError} at the offending token.
 *
 * @module
 */

import { ParseError } from "../errors.ts";
import { HEAP_ANY, HEAP_NAMES, type HeapType } from "../syntax/types.ts";
import { parseF32, parseF64, parseInt as parseIntLit } from "../text/numbers.ts";
import { readSExprs, type SAtom, type SExpr, type SList } from "../text/sexpr.ts";
import type {
  Action,
  Command,
  InstanceTarget,
  LanePat,
  ModuleDef,
  ResultPat,
  Shape,
  Value,
} from "./ast.ts";
import type { Script } from "./ast.ts";

/** Abstract heap types by keyword. */
const HEAP_BY_NAME: ReadonlyMap<string, HeapType> = new Map(
  [...HEAP_NAMES].map(([code, name]) => [name, code]),
);

/** The reference type patterns `(ref.<name>)` and the heap type each stands for. */
const REF_TYPE_PATS: ReadonlyMap<string, HeapType> = new Map([
  ["ref", HEAP_ANY],
  ["ref.any", HEAP_ANY],
  ["ref.eq", HEAP_BY_NAME.get("eq")!],
  ["ref.i31", HEAP_BY_NAME.get("i31")!],
  ["ref.struct", HEAP_BY_NAME.get("struct")!],
  ["ref.array", HEAP_BY_NAME.get("array")!],
  ["ref.func", HEAP_BY_NAME.get("func")!],
  ["ref.exn", HEAP_BY_NAME.get("exn")!],
  ["ref.extern", HEAP_BY_NAME.get("extern")!],
]);

/** Lane count and lane width in bits of each shape. */
const SHAPES: ReadonlyMap<string, { lanes: number; bits: 8 | 16 | 32 | 64 }> = new Map([
  ["i8x16", { lanes: 16, bits: 8 }],
  ["i16x8", { lanes: 8, bits: 16 }],
  ["i32x4", { lanes: 4, bits: 32 }],
  ["i64x2", { lanes: 2, bits: 64 }],
  ["f32x4", { lanes: 4, bits: 32 }],
  ["f64x2", { lanes: 2, bits: 64 }],
]);

const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });

/**
 * Parses a script.
 *
 * @example
 * ```ts
 * import { parseScript } from "./parse.ts";
 * const script = parseScript('(module) (assert_return (invoke "f") (i32.const 1))');
 * console.assert(script.commands.length === 2);
 * ```
 */
export function parseScript(source: string | Uint8Array): Script {
  const exprs = readSExprs(source);
  const first = exprs[0];
  if (first !== undefined && first.kind === "list" && isModuleField(first)) {
    // A script that is a module's fields is that module (the reference's inline_module1).
    const moduleAtom: SAtom = { kind: "keyword", text: "module", pos: first.pos };
    const list: SList = {
      kind: "list",
      items: [moduleAtom, ...exprs],
      pos: first.pos,
      end: source.length,
    };
    const module: ModuleDef = {
      id: null,
      definition: false,
      source: { kind: "text", list },
      line: first.pos.line,
    };
    return { commands: [{ kind: "module", line: first.pos.line, module }] };
  }
  const commands: Command[] = [];
  for (const e of exprs) commands.push(command(e));
  return { commands };
}

/** The keywords of module fields (spec §6.6.13), for scripts that are one inline module. */
const MODULE_FIELDS = new Set([
  "type",
  "rec",
  "import",
  "func",
  "table",
  "memory",
  "global",
  "tag",
  "export",
  "start",
  "elem",
  "data",
]);

/** Whether a top-level list is a module field rather than a command. */
function isModuleField(l: SList): boolean {
  const head = l.items[0];
  return head !== undefined && head.kind === "keyword" && MODULE_FIELDS.has(head.text);
}

/** Parses one command (exported for tests and for `thread` bodies). */
export function command(e: SExpr): Command {
  const l = list(e, "a command");
  const head = keywordAt(l, 0);
  const line = l.pos.line;
  switch (head) {
    case "module":
      if (l.items.length > 1 && isKeyword(l.items[1], "instance")) {
        const ids = l.items.slice(2).map((x) => id(x));
        if (ids.length > 2) throw unexpected(l.items[4]);
        return {
          kind: "module_instance",
          line,
          instance: ids.length === 2 ? ids[0] : null,
          module: ids.length === 2 ? ids[1] : ids.length === 1 ? ids[0] : null,
        };
      }
      return { kind: "module", line, module: moduleDef(l) };
    case "register": {
      expectLength(l, 2, 3);
      const instance = l.items.length === 3 ? id(l.items[2]) : null;
      return { kind: "register", line, name: name(l.items[1]), instance };
    }
    case "invoke":
    case "get":
      return { kind: "action", line, action: action(l) };
    case "assert_return": {
      const act = action(l.items[1] ?? missing(l, "an action"));
      const results = l.items.slice(2).map(resultPat);
      return { kind: "assert_return", line, action: act, results };
    }
    case "assert_exception":
      expectLength(l, 2, 2);
      return { kind: "assert_exception", line, action: action(l.items[1]) };
    case "assert_exhaustion":
      expectLength(l, 3, 3);
      return {
        kind: "assert_exhaustion",
        line,
        action: action(l.items[1]),
        message: text(l.items[2]),
      };
    case "assert_trap": {
      expectLength(l, 3, 3);
      const message = text(l.items[2]);
      const target = list(l.items[1], "an action or a module");
      if (keywordAt(target, 0) === "module") {
        return { kind: "assert_uninstantiable", line, target: instanceTarget(target), message };
      }
      return { kind: "assert_trap", line, action: action(target), message };
    }
    case "assert_unlinkable":
      expectLength(l, 3, 3);
      return {
        kind: "assert_unlinkable",
        line,
        target: instanceTarget(list(l.items[1], "a module")),
        message: text(l.items[2]),
      };
    case "assert_malformed":
    case "assert_invalid":
    case "assert_malformed_custom":
    case "assert_invalid_custom": {
      expectLength(l, 3, 3);
      const m = list(l.items[1], "a module");
      if (keywordAt(m, 0) !== "module") throw unexpected(m.items[0]);
      return { kind: head, line, module: moduleDef(m), message: text(l.items[2]) };
    }
    case "thread":
      return thread(l);
    case "wait":
      expectLength(l, 2, 2);
      return { kind: "wait", line, thread: id(l.items[1]) };
    case "script":
    case "input":
    case "output":
      return { kind: "meta", line, name: head };
    default:
      throw new ParseError(`unknown command ${head}`, l.pos.line, l.pos.column);
  }
}

/** `(module definition? $id? (binary|quote)? ...)`. */
function moduleDef(l: SList): ModuleDef {
  let i = 1;
  let definition = false;
  if (isKeyword(l.items[i], "definition")) {
    definition = true;
    i++;
  }
  let name: string | null = null;
  const idAtom = l.items[i];
  if (idAtom !== undefined && idAtom.kind === "id") {
    name = idAtom.text;
    i++;
  }
  const line = l.pos.line;
  const mode = l.items[i];
  if (isKeyword(mode, "binary") || isKeyword(mode, "quote")) {
    const parts = l.items.slice(i + 1).map(bytes);
    let size = 0;
    for (const p of parts) size += p.length;
    const all = new Uint8Array(size);
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    const source = (mode as SAtom).text === "binary"
      ? { kind: "binary" as const, bytes: all }
      : { kind: "quote" as const, bytes: all };
    return { id: name, definition, source, line };
  }
  // A text module: hand `parseModule` the list as `(module $id? field*)`.
  const items = definition ? [l.items[0], ...l.items.slice(2)] : l.items;
  const moduleList: SList = definition ? { ...l, items } : l;
  return { id: name, definition, source: { kind: "text", list: moduleList }, line };
}

/** The module of `assert_unlinkable` and module-form `assert_trap`. */
function instanceTarget(l: SList): InstanceTarget {
  const c = command(l);
  if (c.kind === "module_instance") {
    return { kind: "instance", instance: c.instance, module: c.module };
  }
  if (c.kind !== "module") throw unexpected(l);
  if (c.module.definition) {
    throw new ParseError("misplaced module definition", l.pos.line, l.pos.column);
  }
  return { kind: "module", module: c.module };
}

/** `(thread $t (shared (module $m))* cmd*)`. */
function thread(l: SList): Command {
  const name = id(l.items[1] ?? missing(l, "a thread name"));
  const shared: string[] = [];
  let i = 2;
  for (; i < l.items.length; i++) {
    const item = l.items[i];
    if (item.kind !== "list" || keywordAt(item, 0) !== "shared") break;
    expectLength(item, 2, 2);
    const m = list(item.items[1], "(module $id)");
    if (keywordAt(m, 0) !== "module") throw unexpected(m.items[0]);
    expectLength(m, 2, 2);
    shared.push(id(m.items[1]));
  }
  const commands = l.items.slice(i).map(command);
  return { kind: "thread", line: l.pos.line, name, shared, commands };
}

/** `(invoke $inst? "name" const*)` or `(get $inst? "name")`. */
function action(e: SExpr): Action {
  const l = list(e, "an action");
  const head = keywordAt(l, 0);
  if (head !== "invoke" && head !== "get") throw unexpected(l.items[0]);
  let i = 1;
  let instance: string | null = null;
  const first = l.items[i];
  if (first !== undefined && first.kind === "id") {
    instance = first.text;
    i++;
  }
  const exportName = name(l.items[i] ?? missing(l, "an export name"));
  i++;
  const line = l.pos.line;
  if (head === "get") {
    if (i < l.items.length) throw unexpected(l.items[i]);
    return { kind: "get", instance, name: exportName, line };
  }
  const args = l.items.slice(i).map(constant);
  return { kind: "invoke", instance, name: exportName, args, line };
}

/** An argument: `(t.const n)`, `(v128.const shape n*)`, `(ref.null ht)`, `(ref.extern n)`, `(ref.host n)`. */
export function constant(e: SExpr): Value {
  const l = list(e, "a constant");
  const head = keywordAt(l, 0);
  switch (head) {
    case "i32.const":
    case "i64.const":
    case "f32.const":
    case "f64.const":
      expectLength(l, 2, 2);
      return num(head, l.items[1]);
    case "v128.const": {
      const shape = shapeOf(l);
      const lanes = l.items.slice(2).map((x) => lane(shape, x));
      return { type: "v128", bytes: laneBytes(shape, lanes as bigint[], l) };
    }
    case "ref.null":
      expectLength(l, 2, 2);
      return { type: "ref", ref: { kind: "null", heap: heapType(l.items[1]) } };
    case "ref.extern":
      expectLength(l, 2, 2);
      return { type: "ref", ref: { kind: "extern", ref: { kind: "host", id: nat32(l.items[1]) } } };
    case "ref.host":
      expectLength(l, 2, 2);
      return { type: "ref", ref: { kind: "host", id: nat32(l.items[1]) } };
    default:
      throw unexpected(l.items[0]);
  }
}

/** A result pattern (spec script grammar: result_pat). */
export function resultPat(e: SExpr): ResultPat {
  const l = list(e, "a result");
  const head = keywordAt(l, 0);
  switch (head) {
    case "i32.const":
    case "i64.const":
      expectLength(l, 2, 2);
      return { kind: "value", value: num(head, l.items[1]) };
    case "f32.const":
    case "f64.const": {
      expectLength(l, 2, 2);
      const nan = nanKind(l.items[1]);
      if (nan !== null) return { kind: "nan", type: head === "f32.const" ? "f32" : "f64", nan };
      return { kind: "value", value: num(head, l.items[1]) };
    }
    case "v128.const": {
      const shape = shapeOf(l);
      const lanes = l.items.slice(2).map((x) => lane(shape, x));
      if (lanes.length !== SHAPES.get(shape)!.lanes) {
        throw new ParseError("wrong number of lane literals", l.pos.line, l.pos.column);
      }
      return { kind: "v128", shape, lanes };
    }
    case "ref.null":
      expectLength(l, 1, 2);
      return { kind: "ref.null", heap: l.items.length === 2 ? heapType(l.items[1]) : null };
    case "ref.host":
      expectLength(l, 2, 2);
      return { kind: "ref.host", id: nat32(l.items[1]) };
    case "ref.extern":
      if (l.items.length === 2) return { kind: "ref.extern", id: nat32(l.items[1]) };
      break;
    case "either":
      if (l.items.length < 2) throw missing(l, "a result");
      return { kind: "either", alternatives: l.items.slice(1).map(resultPat) };
  }
  const heap = REF_TYPE_PATS.get(head);
  if (heap === undefined) throw unexpected(l.items[0]);
  expectLength(l, 1, 1);
  return { kind: "ref", heap };
}

/** A number constant of an `xx.const` keyword. */
function num(head: string, e: SExpr): Value {
  const a = numberAtom(e);
  return wrapNumber(a, () => {
    switch (head) {
      case "i32.const":
        return { type: "i32", value: Number(parseIntLit(a.text, 32)) };
      case "i64.const":
        return { type: "i64", value: parseIntLit(a.text, 64) };
      case "f32.const":
        return { type: "f32", bits: parseF32(a.text) };
      default:
        return { type: "f64", bits: parseF64(a.text) };
    }
  });
}

/** One lane of a `v128.const`: its unsigned lane-wide bits, or a NaN pattern. */
function lane(shape: Shape, e: SExpr): LanePat {
  const nan = nanKind(e);
  if (nan !== null) {
    if (shape !== "f32x4" && shape !== "f64x2") {
      throw new ParseError("invalid vector constant", e.pos.line, e.pos.column);
    }
    return nan;
  }
  const a = numberAtom(e);
  return wrapNumber(a, () => {
    switch (shape) {
      case "f32x4":
        return BigInt(parseF32(a.text));
      case "f64x2":
        return parseF64(a.text);
      default: {
        const bits = SHAPES.get(shape)!.bits;
        return BigInt.asUintN(bits, parseIntLit(a.text, bits));
      }
    }
  });
}

/** The 16 bytes of a `v128.const` argument. */
function laneBytes(shape: Shape, lanes: bigint[], l: SList): Uint8Array {
  const { lanes: count, bits } = SHAPES.get(shape)!;
  if (lanes.length !== count) {
    throw new ParseError("wrong number of lane literals", l.pos.line, l.pos.column);
  }
  const out = new Uint8Array(16);
  const size = bits / 8;
  for (let i = 0; i < count; i++) {
    let v = lanes[i];
    for (let b = 0; b < size; b++) {
      out[i * size + b] = Number(v & 0xffn);
      v >>= 8n;
    }
  }
  return out;
}

/** The shape keyword of a `v128.const` list. */
function shapeOf(l: SList): Shape {
  const s = l.items[1] ?? missing(l, "a vector shape");
  if (s.kind !== "keyword" || !SHAPES.has(s.text)) throw unexpected(s);
  return s.text as Shape;
}

/** `nan:canonical` or `nan:arithmetic`, else null. */
function nanKind(e: SExpr): "canonical" | "arithmetic" | null {
  if (e.kind !== "keyword") return null;
  if (e.text === "nan:canonical") return "canonical";
  if (e.text === "nan:arithmetic") return "arithmetic";
  return null;
}

/** Runs a number parser, turning its errors into a ParseError at the literal. */
function wrapNumber<T>(a: SAtom, f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof ParseError) throw err;
    const message = err instanceof Error ? err.message : "unexpected token";
    throw new ParseError(message, a.pos.line, a.pos.column);
  }
}

/** A number literal atom (numbers, and keywords such as `inf`, `nan`, `nan:0x1`). */
function numberAtom(e: SExpr): SAtom {
  if (e.kind === "number" || e.kind === "keyword") return e;
  throw unexpected(e);
}

/** A u32 literal (host reference numbers). */
function nat32(e: SExpr): number {
  const a = numberAtom(e);
  return wrapNumber(a, () => {
    const v = BigInt.asUintN(32, parseIntLit(a.text, 32));
    if (a.text.startsWith("-")) throw new ParseError("unexpected token", a.pos.line, a.pos.column);
    return Number(v);
  });
}

/** An abstract heap type keyword. */
function heapType(e: SExpr): HeapType {
  if (e.kind === "keyword") {
    const h = HEAP_BY_NAME.get(e.text);
    if (h !== undefined) return h;
  }
  throw unexpected(e);
}

/** A string atom's decoded bytes. */
function bytes(e: SExpr): Uint8Array {
  if (e.kind !== "string") throw expected(e, "a string");
  return e.bytes ?? new Uint8Array();
}

/** A string atom as text (failure messages). */
function text(e: SExpr): string {
  return utf8.decode(bytes(e));
}

/** A name (export or registration), decoded from UTF-8. */
function name(e: SExpr): string {
  return utf8.decode(bytes(e));
}

/** A `$id`, without `$`. */
function id(e: SExpr): string {
  if (e.kind !== "id") throw expected(e, "an identifier");
  return e.text;
}

function list(e: SExpr, what: string): SList {
  if (e.kind !== "list") throw expected(e, what);
  return e;
}

/** The keyword at position `i` of a list ("" when there is none). */
function keywordAt(l: SList, i: number): string {
  const a = l.items[i];
  if (a === undefined) throw missing(l, "a keyword");
  if (a.kind !== "keyword") throw unexpected(a);
  return a.text;
}

function isKeyword(e: SExpr | undefined, word: string): boolean {
  return e !== undefined && e.kind === "keyword" && e.text === word;
}

function expectLength(l: SList, min: number, max: number): void {
  if (l.items.length < min) throw missing(l, "more arguments");
  if (l.items.length > max) throw unexpected(l.items[max]);
}

function unexpected(e: SExpr): ParseError {
  return new ParseError("unexpected token", e.pos.line, e.pos.column);
}

function expected(e: SExpr, what: string): ParseError {
  return new ParseError(`unexpected token, expected ${what}`, e.pos.line, e.pos.column);
}

function missing(l: SList, what: string): never {
  throw new ParseError(`unexpected end of list, expected ${what}`, l.pos.line, l.pos.column);
}
