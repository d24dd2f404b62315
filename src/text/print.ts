/**
 * The printer: a {@linkcode Module} as WebAssembly text (spec §6), in the style of
 * `wasm-tools print`: flat (unfolded) instructions, one per line, indented by block depth;
 * every definition carries its index as a comment (`(func $f (;3;) ...)`), blocks say which
 * label they bind (`block ;; label = @1`) and branches which label they target
 * (`br 0 (;@1;)`). Names from `module.names` print as `$name` (quoted as `$"..."` when they are
 * not plain identifier characters); a name that repeats one already used in its index space is
 * dropped there, so that the text parses back.
 *
 * The text parses back (`parse.ts`) to a module that encodes to the same bytes, except for
 * custom sections: they print as `(@custom ...)` annotations, which the parser skips.
 *
 * Function bodies and constant expressions are read with the `CodeReader`; a body that is not
 * well formed throws its `DecodeError`. Nothing is validated: an invalid module prints as
 * well as the text format allows (an index out of range prints as the number).
 *
 * @module
 */

import { CodeReader } from "../binary/code.ts";
import { CatchKind, type Instr } from "../syntax/instr.ts";
import type { Expr, IndirectNameMap, Module, NameMap, Names } from "../syntax/module.ts";
import { Op, OPS } from "../syntax/opcodes.ts";
import {
  BLOCK_EMPTY,
  type BlockType,
  type CompType,
  ExternKind,
  type FieldType,
  type FuncType,
  type GlobalType,
  HEAP_FUNC,
  HEAP_NAMES,
  HEAP_NOEXN,
  HEAP_NOEXTERN,
  HEAP_NOFUNC,
  HEAP_NONE,
  type HeapType,
  isRefType,
  type Limits,
  type MemType,
  NUM_NAMES,
  refHeap,
  refNullable,
  refType,
  type SubType,
  type TableType,
  type ValType,
} from "../syntax/types.ts";
import { formatF32, formatF64 } from "./numbers.ts";

// ---------------------------------------------------------------------------------------------
// Identifiers and strings

/** Whether a character code is an identifier character (spec: idchar). */
function isIdChar(c: number): boolean {
  if (c >= 0x30 && c <= 0x39) return true; // 0-9
  if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) return true; // a-z A-Z
  // ! # $ % & ' * + - . / : < = > ? @ \ ^ _ ` | ~
  return "!#$%&'*+-./:<=>?@\\^_`|~".includes(String.fromCharCode(c)) && c < 0x80;
}

/** `$name`, or `$"name"` when the name has characters that an identifier cannot. */
function formatId(name: string): string {
  for (let i = 0; i < name.length; i++) {
    if (!isIdChar(name.charCodeAt(i))) return "$" + formatName(name);
  }
  return "$" + name;
}

/** How each byte prints inside a string literal. */
const BYTE_TEXT: string[] = Array.from({ length: 256 }, (_, b) => {
  if (b === 0x22) return '\\"';
  if (b === 0x5c) return "\\\\";
  if (b >= 0x20 && b < 0x7f) return String.fromCharCode(b);
  return "\\" + b.toString(16).padStart(2, "0");
});

const HEX_DIGITS = new TextEncoder().encode("0123456789abcdef");
const ascii = new TextDecoder("ascii");

/**
 * A string literal holding these bytes: printable ASCII as is (but `"` and `\` escaped), every
 * other byte as `\hh`.
 */
export function formatBytes(bytes: Uint8Array): string {
  // Written as ASCII bytes first: data segments can be many megabytes.
  const out = new Uint8Array(bytes.length * 3 + 2);
  let n = 0;
  out[n++] = 0x22;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c) {
      out[n++] = b;
    } else if (b === 0x22 || b === 0x5c) {
      out[n++] = 0x5c;
      out[n++] = b;
    } else {
      out[n++] = 0x5c;
      out[n++] = HEX_DIGITS[b >> 4];
      out[n++] = HEX_DIGITS[b & 15];
    }
  }
  out[n++] = 0x22;
  return ascii.decode(out.subarray(0, n));
}

/**
 * A string literal holding a name: characters as is, except control characters (as `\hh`),
 * `"` and `\`.
 */
export function formatName(name: string): string {
  let s = '"';
  for (const ch of name) {
    const c = ch.codePointAt(0)!;
    s += c < 0x80 ? BYTE_TEXT[c] : ch;
  }
  return s + '"';
}

// ---------------------------------------------------------------------------------------------
// Names of indices

/** What an index prints as: `$name` where there is one, else the number. */
class Ids {
  readonly types: Map<number, string>;
  readonly funcs: Map<number, string>;
  readonly tables: Map<number, string>;
  readonly memories: Map<number, string>;
  readonly globals: Map<number, string>;
  readonly tags: Map<number, string>;
  readonly elems: Map<number, string>;
  readonly datas: Map<number, string>;
  private readonly localCache = new Map<number, Map<number, string>>();
  private readonly fieldCache = new Map<number, Map<number, string>>();

  constructor(readonly names: Names | undefined, readonly unique: boolean) {
    this.types = this.ids(names?.types);
    this.funcs = this.ids(names?.funcs);
    this.tables = this.ids(names?.tables);
    this.memories = this.ids(names?.memories);
    this.globals = this.ids(names?.globals);
    this.tags = this.ids(names?.tags);
    this.elems = this.ids(names?.elems);
    this.datas = this.ids(names?.datas);
  }

  /** The identifiers of a name map; with `unique`, a repeated (or empty) name is dropped. */
  private ids(map: NameMap | undefined): Map<number, string> {
    const out = new Map<number, string>();
    if (map === undefined) return out;
    const seen = new Set<string>();
    for (const [index, name] of map) {
      if (name === "" || (this.unique && seen.has(name))) continue;
      seen.add(name);
      out.set(index, formatId(name));
    }
    return out;
  }

  private inner(
    cache: Map<number, Map<number, string>>,
    map: IndirectNameMap | undefined,
    outer: number,
  ): Map<number, string> {
    let ids = cache.get(outer);
    if (ids === undefined) {
      ids = this.ids(map?.get(outer));
      cache.set(outer, ids);
    }
    return ids;
  }

  /** The identifiers of the locals (parameters included) of a function. */
  locals(func: number): Map<number, string> {
    return this.inner(this.localCache, this.names?.locals, func);
  }

  /** The identifiers of the fields of a struct type. */
  fields(type: number): Map<number, string> {
    return this.inner(this.fieldCache, this.names?.fields, type);
  }

  type(i: number): string {
    return this.types.get(i) ?? String(i);
  }
  func(i: number): string {
    return this.funcs.get(i) ?? String(i);
  }
  table(i: number): string {
    return this.tables.get(i) ?? String(i);
  }
  memory(i: number): string {
    return this.memories.get(i) ?? String(i);
  }
  global(i: number): string {
    return this.globals.get(i) ?? String(i);
  }
  tag(i: number): string {
    return this.tags.get(i) ?? String(i);
  }
  elem(i: number): string {
    return this.elems.get(i) ?? String(i);
  }
  data(i: number): string {
    return this.datas.get(i) ?? String(i);
  }
  local(func: number, i: number): string {
    return (func >= 0 ? this.locals(func).get(i) : undefined) ?? String(i);
  }
  field(type: number, i: number): string {
    return this.fields(type).get(i) ?? String(i);
  }
  label(func: number, i: number): string | undefined {
    const name = this.names?.labels.get(func)?.get(i);
    return name === undefined || name === "" ? undefined : formatId(name);
  }
}

// ---------------------------------------------------------------------------------------------
// Types

function heapText(h: HeapType, ids: Ids): string {
  if (h >= 0) return ids.type(h);
  return HEAP_NAMES.get(h) ?? `(;unknown heap type ${h};)`;
}

function refText(nullable: boolean, h: HeapType, ids: Ids): string {
  if (nullable && h < 0) {
    switch (h) {
      case HEAP_NONE:
        return "nullref";
      case HEAP_NOFUNC:
        return "nullfuncref";
      case HEAP_NOEXTERN:
        return "nullexternref";
      case HEAP_NOEXN:
        return "nullexnref";
    }
    const name = HEAP_NAMES.get(h);
    if (name !== undefined) return name + "ref";
  }
  return `(ref ${nullable ? "null " : ""}${heapText(h, ids)})`;
}

function valText(t: ValType, ids: Ids): string {
  if (isRefType(t)) return refText(refNullable(t), refHeap(t), ids);
  return NUM_NAMES.get(t) ?? `(;unknown type ${t};)`;
}

const NO_IDS = new Ids(undefined, false);

/** A value type (or packed storage type) as text: `i32`, `funcref`, `(ref null $t)`, ... */
export function printValType(t: ValType, names?: Names): string {
  return valText(t, names === undefined ? NO_IDS : new Ids(names, false));
}

/** A heap type as text: `func`, `extern`, `$t` or a type index. */
export function printHeapType(h: HeapType, names?: Names): string {
  return heapText(h, names === undefined ? NO_IDS : new Ids(names, false));
}

/** A reference type as text, using the short forms (`funcref`, `nullref`, ...) where they exist. */
export function printRefType(t: ValType, names?: Names): string {
  return refText(refNullable(t), refHeap(t), names === undefined ? NO_IDS : new Ids(names, false));
}

function fieldTypeText(f: FieldType, ids: Ids): string {
  const t = valText(f.type, ids);
  return f.mutable ? `(mut ${t})` : t;
}

function globalTypeText(g: GlobalType, ids: Ids): string {
  const t = valText(g.type, ids);
  return g.mutable ? `(mut ${t})` : t;
}

function limitsText(l: Limits): string {
  return l.max === null ? `${l.min}` : `${l.min} ${l.max}`;
}

function tableTypeText(t: TableType, ids: Ids): string {
  return `${t.is64 ? "i64 " : ""}${limitsText(t.limits)} ${valText(t.elem, ids)}`;
}

function memTypeText(t: MemType): string {
  return `${t.is64 ? "i64 " : ""}${limitsText(t.limits)}${t.shared ? " shared" : ""}`;
}

/** ` (param a b) (result c)`, with `$name`s for parameters that have one. */
function signatureText(
  f: FuncType,
  ids: Ids,
  paramIds?: Map<number, string>,
): string {
  let s = "";
  let run: string[] = [];
  const flush = () => {
    if (run.length > 0) s += ` (param ${run.join(" ")})`;
    run = [];
  };
  f.params.forEach((t, i) => {
    const id = paramIds?.get(i);
    if (id === undefined) {
      run.push(valText(t, ids));
    } else {
      flush();
      s += ` (param ${id} ${valText(t, ids)})`;
    }
  });
  flush();
  if (f.results.length > 0) s += ` (result ${f.results.map((t) => valText(t, ids)).join(" ")})`;
  return s;
}

function compTypeText(c: CompType, index: number, ids: Ids): string {
  switch (c.kind) {
    case "func":
      return `(func${signatureText(c, ids)})`;
    case "struct": {
      const names = ids.fields(index);
      const fields = c.fields.map((f, i) => {
        const id = names.get(i);
        return ` (field ${id === undefined ? "" : id + " "}${fieldTypeText(f, ids)})`;
      });
      return `(struct${fields.join("")})`;
    }
    case "array":
      return `(array ${fieldTypeText(c.field, ids)})`;
  }
}

function subTypeText(t: SubType, index: number, ids: Ids): string {
  const comp = compTypeText(t.comp, index, ids);
  if (t.final && t.supers.length === 0) return comp;
  const supers = t.supers.map((s) => ids.type(s) + " ").join("");
  return `(sub ${t.final ? "final " : ""}${supers}${comp})`;
}

// ---------------------------------------------------------------------------------------------
// Instructions

/** Where an instruction sits, for names of locals and labels. */
interface InstrContext {
  ids: Ids;
  /** The function whose locals `local.get` names, or -1. */
  func: number;
  /** Number of blocks open around the instruction, or -1 to print no label comments. */
  depth: number;
}

function labelText(label: number, depth: number): string {
  return depth >= 0 && label <= depth ? `${label} (;@${depth - label};)` : `${label}`;
}

function blockTypeText(bt: BlockType, ids: Ids): string {
  if (bt === BLOCK_EMPTY) return "";
  if (bt >= 0) return ` (type ${ids.type(bt)})`;
  return ` (result ${valText(bt, ids)})`;
}

/** An optional memory index and a memarg, with a leading space when not empty. */
function memargText(instr: Instr, ids: Ids): string {
  const info = OPS[instr.op];
  const index = instr.index ?? 0;
  const offset = instr.offset ?? 0n;
  const align = instr.align ?? info.naturalAlign;
  let s = index === 0 ? "" : " " + ids.memory(index);
  if (offset !== 0n) s += ` offset=${offset}`;
  if (align !== info.naturalAlign) s += ` align=${1n << BigInt(align)}`;
  return s;
}

function v128Text(bytes: Uint8Array): string {
  let s = "i32x4";
  for (let i = 0; i < 16; i += 4) {
    const lane = (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24)) >>>
      0;
    s += " 0x" + lane.toString(16).padStart(8, "0");
  }
  return s;
}

const CATCH_NAMES = ["catch", "catch_ref", "catch_all", "catch_all_ref"];

/** One instruction as text; `label` is a `$name` to bind on a block instruction. */
function instrText(instr: Instr, cx: InstrContext, label?: string): string {
  const info = OPS[instr.op];
  const name = info.name === "select_t" ? "select" : info.name;
  const ids = cx.ids;
  const index = instr.index ?? 0;
  const index2 = instr.index2 ?? 0;
  switch (info.imm) {
    case "":
      return name;
    case "block":
      return name + (label === undefined ? "" : " " + label) +
        blockTypeText(instr.blockType ?? BLOCK_EMPTY, ids);
    case "try_table": {
      let s = name + (label === undefined ? "" : " " + label) +
        blockTypeText(instr.blockType ?? BLOCK_EMPTY, ids);
      for (const c of instr.catches ?? []) {
        const tag = c.kind === CatchKind.Catch || c.kind === CatchKind.CatchRef
          ? ids.tag(c.tag) + " "
          : "";
        s += ` (${CATCH_NAMES[c.kind]} ${tag}${labelText(c.label, cx.depth)})`;
      }
      return s;
    }
    case "label":
      return `${name} ${labelText(index, cx.depth)}`;
    case "br_table": {
      const targets = [...(instr.labels ?? []), index].map((l) => labelText(l, cx.depth));
      return `${name} ${targets.join(" ")}`;
    }
    case "br_on_cast":
      return `${name} ${labelText(index, cx.depth)} ${
        refText(instr.nullable ?? false, instr.heap ?? 0, ids)
      } ${refText(instr.nullable2 ?? false, instr.heap2 ?? 0, ids)}`;
    case "func":
      return `${name} ${ids.func(index)}`;
    case "call_indirect":
      return `${name}${index2 === 0 ? "" : " " + ids.table(index2)} (type ${ids.type(index)})`;
    case "type":
      return `${name} ${ids.type(index)}`;
    case "local":
      return `${name} ${ids.local(cx.func, index)}`;
    case "global":
      return `${name} ${ids.global(index)}`;
    case "table":
      return `${name} ${ids.table(index)}`;
    case "memory":
      return index === 0 ? name : `${name} ${ids.memory(index)}`;
    case "tag":
      return `${name} ${ids.tag(index)}`;
    case "data":
      return `${name} ${ids.data(index)}`;
    case "elem":
      return `${name} ${ids.elem(index)}`;
    case "memarg":
      return name + memargText(instr, ids);
    case "memarg_lane":
      return `${name}${memargText(instr, ids)} ${instr.lane ?? 0}`;
    case "lane":
      return `${name} ${instr.lane ?? 0}`;
    case "shuffle":
      return `${name} ${Array.from(instr.bytes ?? new Uint8Array(16)).join(" ")}`;
    case "i32":
      return `${name} ${(instr.value ?? 0) | 0}`;
    case "i64":
      return `${name} ${BigInt.asIntN(64, instr.value64 ?? 0n)}`;
    case "f32":
      return `${name} ${formatF32(instr.value ?? 0)}`;
    case "f64":
      return `${name} ${formatF64(instr.value64 ?? 0n)}`;
    case "v128":
      return `${name} ${v128Text(instr.bytes ?? new Uint8Array(16))}`;
    case "select":
      return `${name} (result${(instr.types ?? []).map((t) => " " + valText(t, ids)).join("")})`;
    case "heap":
      return `${name} ${heapText(instr.heap ?? 0, ids)}`;
    case "reftype":
      return `${name} ${refText(instr.nullable ?? false, instr.heap ?? 0, ids)}`;
    case "field":
      return `${name} ${ids.type(index)} ${ids.field(index, index2)}`;
    case "fixed":
      return `${name} ${ids.type(index)} ${index2}`;
    case "type_data":
      return `${name} ${ids.type(index)} ${ids.data(index2)}`;
    case "type_elem":
      return `${name} ${ids.type(index)} ${ids.elem(index2)}`;
    case "type_type":
      return `${name} ${ids.type(index)} ${ids.type(index2)}`;
    case "data_memory":
      return `${name}${index2 === 0 ? "" : " " + ids.memory(index2)} ${ids.data(index)}`;
    case "memory_memory":
      return index === 0 && index2 === 0
        ? name
        : `${name} ${ids.memory(index)} ${ids.memory(index2)}`;
    case "elem_table":
      return `${name} ${ids.table(index2)} ${ids.elem(index)}`;
    case "table_table":
      return `${name} ${ids.table(index)} ${ids.table(index2)}`;
  }
}

/**
 * One instruction as text, e.g. `i32.load offset=8`, `call $f`, `br_table 0 1 2`.
 * With `names`, indices print as `$name` where there is one (the locals of function `func`).
 * Labels print as numbers, without the comments `printModule` adds.
 */
export function printInstr(instr: Instr, names?: Names, func = -1): string {
  const ids = names === undefined ? NO_IDS : new Ids(names, false);
  return instrText(instr, { ids, func, depth: -1 });
}

/** The instructions of a constant expression, flat, without the final `end`. */
function constExprText(expr: Expr, ids: Ids): { text: string; count: number } {
  const r = new CodeReader(expr);
  const parts: string[] = [];
  const cx: InstrContext = { ids, func: -1, depth: -1 };
  while (!r.done) {
    r.next();
    if (r.done) break;
    parts.push(instrText(r, cx));
  }
  return { text: parts.join(" "), count: parts.length };
}

/** A constant expression as a folded instruction `(i32.const 0)`, or `(offset ...)`. */
function offsetText(expr: Expr, ids: Ids): string {
  const { text, count } = constExprText(expr, ids);
  return count === 1 ? `(${text})` : `(offset${text === "" ? "" : " " + text})`;
}

/** Whether an expression is exactly `ref.func x end`; returns x, or -1. */
function refFuncIndex(expr: Expr): number {
  const r = new CodeReader(expr);
  if (r.next() !== Op["ref.func"]) return -1;
  const index = r.index;
  return r.next() === Op.end && r.done ? index : -1;
}

const FUNC_REF_NON_NULL = refType(false, HEAP_FUNC);

// ---------------------------------------------------------------------------------------------
// Modules

const INDENTS: string[] = [];

function indent(n: number): string {
  while (INDENTS.length <= n) INDENTS.push("  ".repeat(INDENTS.length));
  return INDENTS[n];
}

/** Names of the known sections, by id, for `(@custom ... (after ...))`. */
const SECTION_NAMES = [
  "",
  "type",
  "import",
  "func",
  "table",
  "memory",
  "global",
  "export",
  "start",
  "elem",
  "code",
  "data",
  "datacount",
  "tag",
];

const KIND_NAMES: Record<ExternKind, string> = {
  [ExternKind.Func]: "func",
  [ExternKind.Table]: "table",
  [ExternKind.Memory]: "memory",
  [ExternKind.Global]: "global",
  [ExternKind.Tag]: "tag",
};

class ModulePrinter {
  private readonly out: string[] = [];
  private readonly ids: Ids;

  constructor(private readonly m: Module) {
    this.ids = new Ids(m.names, true);
  }

  print(): string {
    const m = this.m;
    const moduleName = m.names.module;
    this.out.push(moduleName === null ? "(module" : `(module ${formatId(moduleName)}`);
    this.printTypes();
    this.printImports();
    const funcBase = this.count(ExternKind.Func);
    m.funcs.forEach((_, i) => this.printFunc(funcBase + i, i));
    const tableBase = this.count(ExternKind.Table);
    m.tables.forEach((t, i) => {
      const index = tableBase + i;
      const init = t.init === null ? "" : " " + constExprText(t.init, this.ids).text;
      this.line(
        1,
        `(table${this.def(this.ids.tables, index)} ${tableTypeText(t.type, this.ids)}${init})`,
      );
    });
    const memBase = this.count(ExternKind.Memory);
    m.memories.forEach((mem, i) => {
      const index = memBase + i;
      this.line(1, `(memory${this.def(this.ids.memories, index)} ${memTypeText(mem.type)})`);
    });
    const tagBase = this.count(ExternKind.Tag);
    m.tags.forEach((tag, i) => {
      const index = tagBase + i;
      this.line(1, `(tag${this.def(this.ids.tags, index)}${this.typeUse(tag.type)})`);
    });
    const globalBase = this.count(ExternKind.Global);
    m.globals.forEach((g, i) => {
      const index = globalBase + i;
      const init = constExprText(g.init, this.ids).text;
      this.line(
        1,
        `(global${this.def(this.ids.globals, index)} ${globalTypeText(g.type, this.ids)}${
          init === "" ? "" : " " + init
        })`,
      );
    });
    for (const e of m.exports) {
      this.line(
        1,
        `(export ${formatName(e.name)} (${KIND_NAMES[e.kind]} ${this.ref(e.kind, e.index)}))`,
      );
    }
    if (m.start !== null) this.line(1, `(start ${this.ids.func(m.start)})`);
    m.elems.forEach((e, i) => this.printElem(e, i));
    m.datas.forEach((d, i) => {
      let mode = "";
      if (d.mode === "active") {
        const memory = d.memory === 0 ? "" : ` (memory ${this.ids.memory(d.memory)})`;
        mode = `${memory} ${offsetText(d.offset ?? EMPTY_EXPR, this.ids)}`;
      }
      this.line(1, `(data${this.def(this.ids.datas, i)}${mode} ${formatBytes(d.bytes)})`);
    });
    for (const c of m.customs) {
      const place = c.after === 0
        ? "(before first)"
        : `(after ${SECTION_NAMES[c.after] ?? "last"})`;
      this.line(1, `(@custom ${formatName(c.name)} ${place} ${formatBytes(c.bytes)})`);
    }
    this.out.push(")");
    return this.out.join("\n") + "\n";
  }

  private line(depth: number, text: string): void {
    this.out.push(indent(depth) + text);
  }

  /** ` $name (;i;)` or ` (;i;)` after the keyword of a definition. */
  private def(ids: Map<number, string>, index: number): string {
    const id = ids.get(index);
    return id === undefined ? ` (;${index};)` : ` ${id} (;${index};)`;
  }

  private count(kind: ExternKind): number {
    let n = 0;
    for (const imp of this.m.imports) if (imp.desc.kind === kind) n++;
    return n;
  }

  private ref(kind: ExternKind, index: number): string {
    switch (kind) {
      case ExternKind.Func:
        return this.ids.func(index);
      case ExternKind.Table:
        return this.ids.table(index);
      case ExternKind.Memory:
        return this.ids.memory(index);
      case ExternKind.Global:
        return this.ids.global(index);
      case ExternKind.Tag:
        return this.ids.tag(index);
    }
  }

  /** The function type at `index`, if it is one. */
  private funcType(index: number): FuncType | null {
    const comp = this.m.types[index]?.comp;
    return comp?.kind === "func" ? comp : null;
  }

  /** ` (type t)` and its parameters and results, for imports and tags. */
  private typeUse(type: number): string {
    const f = this.funcType(type);
    return ` (type ${this.ids.type(type)})${f === null ? "" : signatureText(f, this.ids)}`;
  }

  private printTypes(): void {
    const m = this.m;
    let index = 0;
    const groups = [...m.recGroups];
    let covered = groups.reduce((a, b) => a + b, 0);
    while (covered < m.types.length) {
      groups.push(1);
      covered++;
    }
    for (const size of groups) {
      if (size === 1 && index < m.types.length) {
        this.line(1, this.typeDef(index++));
        continue;
      }
      if (size === 0) {
        this.line(1, "(rec)");
        continue;
      }
      this.line(1, "(rec");
      for (let k = 0; k < size && index < m.types.length; k++) this.line(2, this.typeDef(index++));
      this.line(1, ")");
    }
  }

  private typeDef(index: number): string {
    const t = this.m.types[index];
    return `(type${this.def(this.ids.types, index)} ${subTypeText(t, index, this.ids)})`;
  }

  private printImports(): void {
    const counts = [0, 0, 0, 0, 0];
    for (const imp of this.m.imports) {
      const d = imp.desc;
      const index = counts[d.kind]++;
      let desc: string;
      switch (d.kind) {
        case ExternKind.Func:
          desc = `func${this.def(this.ids.funcs, index)}${this.typeUse(d.type)}`;
          break;
        case ExternKind.Table:
          desc = `table${this.def(this.ids.tables, index)} ${tableTypeText(d.table, this.ids)}`;
          break;
        case ExternKind.Memory:
          desc = `memory${this.def(this.ids.memories, index)} ${memTypeText(d.memory)}`;
          break;
        case ExternKind.Global:
          desc = `global${this.def(this.ids.globals, index)} ${globalTypeText(d.global, this.ids)}`;
          break;
        case ExternKind.Tag:
          desc = `tag${this.def(this.ids.tags, index)}${this.typeUse(d.type)}`;
          break;
      }
      this.line(1, `(import ${formatName(imp.module)} ${formatName(imp.name)} (${desc}))`);
    }
  }

  private printFunc(index: number, defined: number): void {
    const ids = this.ids;
    const f = this.m.funcs[defined];
    const type = this.funcType(f.type);
    const localIds = ids.locals(index);
    let head = `(func${this.def(ids.funcs, index)} (type ${ids.type(f.type)})`;
    if (type !== null) head += signatureText(type, ids, localIds);
    const nparams = type === null ? 0 : type.params.length;

    // Locals: unnamed runs together, named ones alone.
    let locals = "";
    let run: string[] = [];
    const flush = () => {
      if (run.length > 0) locals += ` (local ${run.join(" ")})`;
      run = [];
    };
    let local = nparams;
    for (const { count, type: t } of f.locals) {
      const text = valText(t, ids);
      for (let k = 0; k < count; k++, local++) {
        const id = localIds.get(local);
        if (id === undefined) {
          run.push(text);
        } else {
          flush();
          locals += ` (local ${id} ${text})`;
        }
      }
    }
    flush();

    const body = this.bodyLines(f.body, index);
    if (locals === "" && body.length === 0) {
      this.line(1, head + ")");
      return;
    }
    this.line(1, head);
    if (locals !== "") this.line(2, locals.slice(1));
    for (const line of body) this.out.push(line);
    this.line(1, ")");
  }

  /** The lines of a function body, indented, without the final `end`. */
  private bodyLines(body: Expr, func: number): string[] {
    const lines: string[] = [];
    const r = new CodeReader(body);
    const cx: InstrContext = { ids: this.ids, func, depth: 0 };
    let labels = 0;
    while (!r.done) {
      const op = r.next();
      if (r.done) break;
      const name = OPS[op].name;
      switch (name) {
        case "block":
        case "loop":
        case "if":
        case "try":
        case "try_table": {
          const label = this.ids.label(func, labels++);
          lines.push(
            indent(cx.depth + 2) + instrText(r, cx, label) + ` ;; label = @${cx.depth + 1}`,
          );
          cx.depth++;
          break;
        }
        case "else":
        case "catch":
        case "catch_all":
          lines.push(indent(cx.depth + 1) + instrText(r, { ...cx, depth: cx.depth - 1 }));
          break;
        case "end":
          cx.depth--;
          lines.push(indent(cx.depth + 2) + "end");
          break;
        case "delegate":
          cx.depth--;
          lines.push(indent(cx.depth + 2) + instrText(r, cx));
          break;
        default:
          lines.push(indent(cx.depth + 2) + instrText(r, cx));
      }
    }
    return lines;
  }

  private printElem(e: Module["elems"][number], index: number): void {
    const ids = this.ids;
    let mode = "";
    if (e.mode === "declarative") mode = " declare";
    if (e.mode === "active") {
      const table = e.table === 0 ? "" : ` (table ${ids.table(e.table)})`;
      mode = `${table} ${offsetText(e.offset ?? EMPTY_EXPR, ids)}`;
    }
    let list: string;
    const funcs = e.type === FUNC_REF_NON_NULL ? e.init.map(refFuncIndex) : [];
    if (e.type === FUNC_REF_NON_NULL && funcs.every((f) => f >= 0)) {
      list = "func" + funcs.map((f) => " " + ids.func(f)).join("");
    } else {
      list = valText(e.type, ids);
      for (const item of e.init) {
        const { text, count } = constExprText(item, ids);
        list += count === 1 ? ` (${text})` : ` (item${text === "" ? "" : " " + text})`;
      }
    }
    this.line(1, `(elem${this.def(ids.elems, index)}${mode} ${list})`);
  }
}

const EMPTY_EXPR: Expr = new Uint8Array([0x0b]);

/**
 * The module as WebAssembly text, in the style of `wasm-tools print`, ending with a newline.
 *
 * @example
 * ```ts
 * import { emptyModule } from "../syntax/module.ts";
 * import { printModule } from "./print.ts";
 * console.assert(printModule(emptyModule()) === "(module\n)\n");
 * ```
 */
export function printModule(m: Module): string {
  return new ModulePrinter(m).print();
}
