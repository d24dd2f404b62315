/**
 * The module parser of the text format (spec §6.6 "Modules"): from the S-expression of a
 * `(module $id? field*)` (or a bare sequence of fields, as `module quote` holds) to a
 * {@linkcode Module}, with every abbreviation expanded (inline imports and exports, inline
 * element segments of tables and data segments of memories, implicit function types, `offset`
 * and `item` shorthands) and every symbolic index resolved. Identifiers are kept in
 * `module.names` (without `$`).
 *
 * Three passes over the fields: the first binds the identifiers of every index space (so that
 * uses may precede definitions), the second reads the type definitions, the third everything
 * else in order; implicit function types are appended after the explicit ones as they are met.
 * Instructions are read by `parse_instr.ts` and encoded with `encodeInstrs`.
 *
 * Malformed text throws {@linkcode ParseError} with the spec interpreter's messages; nothing
 * here validates (types of instructions, index ranges, limits are the validator's business).
 *
 * @module
 */

import { encodeInstrs } from "../binary/code.ts";
import type { Instr } from "../syntax/instr.ts";
import type { Elem, Expr, LocalRun, Module, NameMap } from "../syntax/module.ts";
import { Op } from "../syntax/opcodes.ts";
import {
  ExternKind,
  HEAP_FUNC,
  type Limits,
  type MemType,
  refType,
  type TableType,
  type ValType,
} from "../syntax/types.ts";
import { Cursor, errorAt, listHead, ModuleCtx, Space, unexpected } from "./parse_ctx.ts";
import { FuncCtx, parseFoldedInstr, parseInstrs } from "./parse_instr.ts";
import {
  isRefTypeNode,
  parseAddrType,
  parseGlobalType,
  parseLimits,
  parseRefType,
  parseSubType,
  parseTypeUse,
  parseValType,
} from "./parse_types.ts";
import { readSExprs, type SAtom, type SExpr, type SList } from "./sexpr.ts";

/**
 * Parses text that is either one `(module ...)` or a sequence of module fields (the contents
 * of `module quote`). Accepts UTF-8 bytes too (which must be valid).
 *
 * @throws ParseError
 */
export function parseModuleText(source: string | Uint8Array): Module {
  const top = readSExprs(source);
  if (top.length > 0 && listHead(top[0]) === "module") {
    if (top.length > 1) throw unexpected(top[1]);
    return parseModule(top[0] as SList);
  }
  for (const item of top) if (item.kind !== "list") throw unexpected(item);
  return parseFields(top as SList[], null);
}

/**
 * Parses a `(module $id? field*)` list (also `(module definition $id? field*)`, a script's
 * module definition).
 *
 * @throws ParseError
 */
export function parseModule(list: SList): Module {
  const cur = new Cursor(list);
  if (!cur.eatKeyword("module")) throw unexpected(list.items[0] ?? list);
  cur.eatKeyword("definition");
  const id = cur.eatId();
  const fields: SList[] = [];
  while (!cur.done()) fields.push(cur.nextList());
  return parseFields(fields, id);
}

/** Names of definitions kinds, for "import after ... definition". */
const DEFINITION_NOUNS: Record<string, string> = {
  func: "function",
  table: "table",
  memory: "memory",
  global: "global",
  tag: "tag",
};

/** What the first pass learned about a field. */
interface FieldInfo {
  list: SList;
  head: string;
  /** The index the field defines or imports in its space (-1 for none). */
  index: number;
}

function parseFields(fields: SList[], moduleId: SAtom | null): Module {
  try {
    return parseFieldsUnguarded(fields, moduleId);
  } catch (e) {
    // Folded instructions nest by recursion: thousands of levels exhaust the stack.
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      throw errorAt(fields[0], "nesting too deep");
    }
    throw e;
  }
}

function parseFieldsUnguarded(fields: SList[], moduleId: SAtom | null): Module {
  const ctx = new ModuleCtx();
  const m = ctx.module;
  if (moduleId !== null) m.names.module = moduleId.text;
  const infos = declare(ctx, fields);
  defineTypes(ctx, infos);
  for (const info of infos) defineField(ctx, info);
  return m;
}

/** Skips `$id? (export ...)*` and says whether an inline `(import ...)` follows. */
function hasInlineImport(list: SList): boolean {
  let i = 1;
  if (list.items[i]?.kind === "id") i++;
  while (listHead(list.items[i]) === "export") i++;
  return listHead(list.items[i]) === "import";
}

/** The first pass: binds identifiers in every index space, in order. */
function declare(ctx: ModuleCtx, fields: SList[]): FieldInfo[] {
  const infos: FieldInfo[] = [];
  let lastDefinition: string | null = null;
  const importAfter = (list: SList) => {
    if (lastDefinition !== null) {
      throw errorAt(list, `import after ${DEFINITION_NOUNS[lastDefinition]} definition`);
    }
  };
  for (const list of fields) {
    const headNode = list.items[0];
    if (headNode === undefined || headNode.kind !== "keyword") throw unexpected(headNode ?? list);
    const head = headNode.text;
    const id = list.items[1]?.kind === "id" ? list.items[1] as SAtom : null;
    const info: FieldInfo = { list, head, index: -1 };
    switch (head) {
      case "type":
        info.index = bindType(ctx, list);
        break;
      case "rec":
        for (let i = 1; i < list.items.length; i++) {
          const t = list.items[i];
          if (listHead(t) !== "type") throw unexpected(t);
          bindType(ctx, t as SList);
        }
        break;
      case "func":
      case "table":
      case "memory":
      case "global":
      case "tag": {
        const space = spaceOf(ctx, head);
        if (hasInlineImport(list)) importAfter(list);
        else lastDefinition = head;
        info.index = space.bind(id);
        // An inline element or data segment takes its index here, in order.
        if (head === "table" && hasInlineSegment(list, "elem")) ctx.elems.bind(null);
        if (head === "memory" && hasInlineSegment(list, "data")) ctx.datas.bind(null);
        break;
      }
      case "import": {
        importAfter(list);
        const desc = list.items[3];
        const kind = listHead(desc);
        if (kind === null || !Object.hasOwn(DEFINITION_NOUNS, kind)) {
          // Checked again (with the right error) in the third pass.
          break;
        }
        const d = desc as SList;
        info.index = spaceOf(ctx, kind).bind(
          d.items[1]?.kind === "id" ? d.items[1] as SAtom : null,
        );
        break;
      }
      case "elem":
        info.index = ctx.elems.bind(id);
        break;
      case "data":
        info.index = ctx.datas.bind(id);
        break;
      case "export":
      case "start":
        break;
      default:
        throw unexpected(headNode);
    }
    infos.push(info);
  }
  return infos;
}

/** Binds a `(type $id? ...)` and makes its field name space. */
function bindType(ctx: ModuleCtx, list: SList): number {
  const id = list.items[1]?.kind === "id" ? list.items[1] as SAtom : null;
  const index = ctx.types.bind(id);
  ctx.fields.set(index, new Space("field"));
  return index;
}

/** Whether a table or memory field has an inline `(elem ...)` or `(data ...)`. */
function hasInlineSegment(list: SList, kw: string): boolean {
  const last = list.items[list.items.length - 1];
  return listHead(last) === kw && !hasInlineImport(list);
}

function spaceOf(ctx: ModuleCtx, kind: string): Space {
  switch (kind) {
    case "func":
      return ctx.funcs;
    case "table":
      return ctx.tables;
    case "memory":
      return ctx.memories;
    case "global":
      return ctx.globals;
    default:
      return ctx.tags;
  }
}

/** The second pass: reads every type definition. */
function defineTypes(ctx: ModuleCtx, infos: FieldInfo[]): void {
  const m = ctx.module;
  const defineOne = (list: SList) => {
    const cur = new Cursor(list, 1);
    const id = cur.eatId();
    const index = m.types.length;
    if (id !== null) m.names.types.set(index, id.text);
    const fieldNames = ctx.fields.get(index)!;
    m.types.push(parseSubType(ctx, cur.next(), fieldNames));
    cur.expectEnd();
    if (fieldNames.names.size > 0) {
      const names: NameMap = new Map();
      for (const [name, i] of fieldNames.names) names.set(i, name);
      m.names.fields.set(index, names);
    }
  };
  for (const info of infos) {
    if (info.head === "type") {
      defineOne(info.list);
      m.recGroups.push(1);
    } else if (info.head === "rec") {
      for (let i = 1; i < info.list.items.length; i++) defineOne(info.list.items[i] as SList);
      m.recGroups.push(info.list.items.length - 1);
    }
  }
}

/** Reads `(export "name")*` clauses at the cursor and adds the exports. */
function inlineExports(ctx: ModuleCtx, cur: Cursor, kind: ExternKind, index: number): void {
  while (cur.peekHead() === "export") {
    const c = new Cursor(cur.next() as SList, 1);
    const name = c.nextName();
    c.expectEnd();
    ctx.module.exports.push({ name, kind, index });
  }
}

/** Reads an inline `(import "module" "name")` if there is one. */
function inlineImport(cur: Cursor): { module: string; name: string } | null {
  if (cur.peekHead() !== "import") return null;
  const c = new Cursor(cur.next() as SList, 1);
  const module = c.nextName();
  const name = c.nextName();
  c.expectEnd();
  return { module, name };
}

/** Encodes instructions and a final `end`. */
function encode(instrs: Instr[]): Expr {
  instrs.push({ op: Op.end });
  return encodeInstrs(instrs);
}

/** Reads the rest of the cursor as a constant expression. */
function constExpr(ctx: ModuleCtx, cur: Cursor): Expr {
  const f = new FuncCtx();
  parseInstrs(ctx, f, cur);
  return encode(f.out);
}

/** `i32.const 0` (or `i64.const 0`) with `end`, the offset of inline segments. */
function zeroOffset(is64: boolean): Expr {
  return encode([is64 ? { op: Op["i64.const"], value64: 0n } : { op: Op["i32.const"], value: 0 }]);
}

/** The third pass: reads one field. */
function defineField(ctx: ModuleCtx, info: FieldInfo): void {
  const m = ctx.module;
  const cur = new Cursor(info.list, 1);
  switch (info.head) {
    case "type":
    case "rec":
      return;
    case "func":
      return defineFunc(ctx, cur, info.index);
    case "table":
      return defineTable(ctx, cur, info);
    case "memory":
      return defineMemory(ctx, cur, info);
    case "global": {
      const id = cur.eatId();
      if (id !== null) m.names.globals.set(info.index, id.text);
      inlineExports(ctx, cur, ExternKind.Global, info.index);
      const imp = inlineImport(cur);
      const type = parseGlobalType(ctx, cur.next());
      if (imp !== null) {
        cur.expectEnd();
        m.imports.push({ ...imp, desc: { kind: ExternKind.Global, global: type } });
      } else {
        m.globals.push({ type, init: constExpr(ctx, cur) });
      }
      return;
    }
    case "tag": {
      const id = cur.eatId();
      if (id !== null) m.names.tags.set(info.index, id.text);
      inlineExports(ctx, cur, ExternKind.Tag, info.index);
      const imp = inlineImport(cur);
      const type = parseTypeUse(ctx, cur, true).type;
      cur.expectEnd();
      if (imp !== null) m.imports.push({ ...imp, desc: { kind: ExternKind.Tag, type } });
      else m.tags.push({ type });
      return;
    }
    case "import":
      return defineImport(ctx, cur, info);
    case "export": {
      const name = cur.nextName();
      const desc = cur.nextList();
      cur.expectEnd();
      const c = new Cursor(desc);
      const kindNode = c.next();
      let kind: ExternKind;
      switch (kindNode.kind === "keyword" ? kindNode.text : "") {
        case "func":
          kind = ExternKind.Func;
          break;
        case "table":
          kind = ExternKind.Table;
          break;
        case "memory":
          kind = ExternKind.Memory;
          break;
        case "global":
          kind = ExternKind.Global;
          break;
        case "tag":
          kind = ExternKind.Tag;
          break;
        default:
          throw unexpected(kindNode);
      }
      const index = spaceOf(ctx, (kindNode as SAtom).text).resolve(c.next());
      c.expectEnd();
      m.exports.push({ name, kind, index });
      return;
    }
    case "start": {
      const index = ctx.funcs.resolve(cur.next());
      cur.expectEnd();
      if (m.start !== null) throw errorAt(info.list, "multiple start sections");
      m.start = index;
      return;
    }
    case "elem":
      return defineElem(ctx, cur, info.index);
    case "data":
      return defineData(ctx, cur, info.index);
  }
}

/** `(func $id? export* import? typeuse local* instr*)` */
function defineFunc(ctx: ModuleCtx, cur: Cursor, index: number): void {
  const m = ctx.module;
  const id = cur.eatId();
  if (id !== null) m.names.funcs.set(index, id.text);
  inlineExports(ctx, cur, ExternKind.Func, index);
  const imp = inlineImport(cur);
  const use = parseTypeUse(ctx, cur, true);
  if (imp !== null) {
    cur.expectEnd();
    m.imports.push({ ...imp, desc: { kind: ExternKind.Func, type: use.type } });
    return;
  }
  const f = new FuncCtx();
  if (use.sig.params.length > 0 || !use.explicit) {
    for (const pid of use.sig.paramIds) f.locals.bind(pid);
  } else {
    const ft = ctx.funcType(use.type);
    for (let i = 0; ft !== null && i < ft.params.length; i++) f.locals.bind(null);
  }
  const locals: LocalRun[] = [];
  const addLocal = (type: ValType) => {
    const last = locals[locals.length - 1];
    if (last !== undefined && last.type === type) last.count++;
    else locals.push({ count: 1, type });
  };
  while (cur.peekHead() === "local") {
    const c = new Cursor(cur.next() as SList, 1);
    const lid = c.eatId();
    if (lid !== null) {
      f.locals.bind(lid);
      addLocal(parseValType(ctx, c.next()));
      c.expectEnd();
    } else {
      while (!c.done()) {
        f.locals.bind(null);
        addLocal(parseValType(ctx, c.next()));
      }
    }
  }
  parseInstrs(ctx, f, cur);
  if (f.locals.names.size > 0) {
    const names: NameMap = new Map();
    for (const [name, i] of f.locals.names) names.set(i, name);
    m.names.locals.set(index, names);
  }
  if (f.labelNames.size > 0) m.names.labels.set(index, f.labelNames);
  m.funcs.push({ type: use.type, locals, body: encode(f.out), offset: 0 });
}

/** Reads a table type `addrtype? limits reftype`. */
function tableType(ctx: ModuleCtx, cur: Cursor): TableType {
  const is64 = parseAddrType(cur);
  const limits = parseLimits(cur);
  const elem = parseRefType(ctx, cur.next());
  return { is64, limits, elem };
}

/** Reads a memory type `addrtype? limits shared?`. */
function memType(cur: Cursor): MemType {
  const is64 = parseAddrType(cur);
  const limits = parseLimits(cur);
  const shared = cur.eatKeyword("shared");
  return { is64, limits, shared };
}

/** `(table $id? export* import? tabletype)`, with an init expression or inline elements. */
function defineTable(ctx: ModuleCtx, cur: Cursor, info: FieldInfo): void {
  const m = ctx.module;
  const index = info.index;
  const id = cur.eatId();
  if (id !== null) m.names.tables.set(index, id.text);
  inlineExports(ctx, cur, ExternKind.Table, index);
  const imp = inlineImport(cur);
  if (imp !== null) {
    const table = tableType(ctx, cur);
    cur.expectEnd();
    m.imports.push({ ...imp, desc: { kind: ExternKind.Table, table } });
    return;
  }
  const save = cur.i;
  const is64 = parseAddrType(cur);
  if (isRefTypeNode(cur.peek())) {
    // `(table addrtype? reftype (elem ...))`
    const elem = parseRefType(ctx, cur.next());
    const seg = cur.nextList();
    cur.expectEnd();
    if (listHead(seg) !== "elem") throw unexpected(seg);
    const c = new Cursor(seg, 1);
    const init = elemInits(ctx, c, isFuncIndexList(c));
    const size = BigInt(init.length);
    const limits: Limits = { min: size, max: size };
    m.tables.push({ type: { is64, limits, elem }, init: null });
    m.elems.push({ mode: "active", table: index, offset: zeroOffset(is64), type: elem, init });
    return;
  }
  cur.i = save;
  const type = tableType(ctx, cur);
  m.tables.push({ type, init: cur.done() ? null : constExpr(ctx, cur) });
}

/** `(memory $id? export* import? memtype)` or `(memory addrtype? (data "..."*))`. */
function defineMemory(ctx: ModuleCtx, cur: Cursor, info: FieldInfo): void {
  const m = ctx.module;
  const index = info.index;
  const id = cur.eatId();
  if (id !== null) m.names.memories.set(index, id.text);
  inlineExports(ctx, cur, ExternKind.Memory, index);
  const imp = inlineImport(cur);
  if (imp !== null) {
    const memory = memType(cur);
    cur.expectEnd();
    m.imports.push({ ...imp, desc: { kind: ExternKind.Memory, memory } });
    return;
  }
  const save = cur.i;
  const is64 = parseAddrType(cur);
  if (cur.peekHead() === "data") {
    const c = new Cursor(cur.next() as SList, 1);
    cur.expectEnd();
    const bytes = strings(c);
    const pages = BigInt(Math.ceil(bytes.length / 65536));
    m.memories.push({ type: { is64, limits: { min: pages, max: pages }, shared: false } });
    m.datas.push({ mode: "active", memory: index, offset: zeroOffset(is64), bytes });
    return;
  }
  cur.i = save;
  const type = memType(cur);
  cur.expectEnd();
  m.memories.push({ type });
}

/** Reads the rest of the cursor as strings, concatenated. */
function strings(cur: Cursor): Uint8Array {
  const parts: Uint8Array[] = [];
  let length = 0;
  while (!cur.done()) {
    const s = cur.nextString();
    parts.push(s);
    length += s.length;
  }
  if (parts.length === 1) return parts[0];
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return bytes;
}

/** `(import "module" "name" externtype)` */
function defineImport(ctx: ModuleCtx, cur: Cursor, info: FieldInfo): void {
  const m = ctx.module;
  const module = cur.nextName();
  const name = cur.nextName();
  const desc = cur.nextList();
  cur.expectEnd();
  const c = new Cursor(desc);
  const kindNode = c.next();
  const kind = kindNode.kind === "keyword" ? kindNode.text : "";
  if (!Object.hasOwn(DEFINITION_NOUNS, kind)) throw unexpected(kindNode);
  const id = c.eatId();
  const index = info.index;
  switch (kind) {
    case "func": {
      if (id !== null) m.names.funcs.set(index, id.text);
      const type = parseTypeUse(ctx, c, true).type;
      c.expectEnd();
      m.imports.push({ module, name, desc: { kind: ExternKind.Func, type } });
      return;
    }
    case "tag": {
      if (id !== null) m.names.tags.set(index, id.text);
      const type = parseTypeUse(ctx, c, true).type;
      c.expectEnd();
      m.imports.push({ module, name, desc: { kind: ExternKind.Tag, type } });
      return;
    }
    case "table": {
      if (id !== null) m.names.tables.set(index, id.text);
      const table = tableType(ctx, c);
      c.expectEnd();
      m.imports.push({ module, name, desc: { kind: ExternKind.Table, table } });
      return;
    }
    case "memory": {
      if (id !== null) m.names.memories.set(index, id.text);
      const memory = memType(c);
      c.expectEnd();
      m.imports.push({ module, name, desc: { kind: ExternKind.Memory, memory } });
      return;
    }
    case "global": {
      if (id !== null) m.names.globals.set(index, id.text);
      const global = parseGlobalType(ctx, c.next());
      c.expectEnd();
      m.imports.push({ module, name, desc: { kind: ExternKind.Global, global } });
      return;
    }
  }
}

/** Whether the rest of the cursor is a list of function indices (no lists). */
function isFuncIndexList(cur: Cursor): boolean {
  for (let i = cur.i; i < cur.items.length; i++) {
    if (cur.items[i].kind === "list") return false;
  }
  return true;
}

/**
 * Reads element initializers to the end of the cursor: function indices (as `ref.func x`) if
 * `indices`, else `(item instr*)` or single folded instructions.
 */
function elemInits(ctx: ModuleCtx, cur: Cursor, indices: boolean): Expr[] {
  const init: Expr[] = [];
  if (indices) {
    while (!cur.done()) {
      const index = ctx.funcs.resolve(cur.next());
      init.push(encode([{ op: Op["ref.func"], index }]));
    }
    return init;
  }
  while (!cur.done()) {
    const item = cur.nextList();
    if (listHead(item) === "item") init.push(constExpr(ctx, new Cursor(item, 1)));
    else {
      const f = new FuncCtx();
      parseFoldedInstr(ctx, f, item);
      init.push(encode(f.out));
    }
  }
  return init;
}

/** Reads an offset: `(offset instr*)` or one folded instruction. */
function offsetExpr(ctx: ModuleCtx, node: SExpr): Expr {
  if (node.kind !== "list") throw unexpected(node);
  if (listHead(node) === "offset") return constExpr(ctx, new Cursor(node, 1));
  const f = new FuncCtx();
  parseFoldedInstr(ctx, f, node);
  return encode(f.out);
}

/** `(elem $id? mode? elemlist)` in all its forms. */
function defineElem(ctx: ModuleCtx, cur: Cursor, index: number): void {
  const m = ctx.module;
  const id = cur.eatId();
  if (id !== null) m.names.elems.set(index, id.text);
  const elem: Elem = { mode: "passive", table: 0, offset: null, type: 0, init: [] };
  let abbreviated = false;
  if (cur.eatKeyword("declare")) elem.mode = "declarative";
  else if (cur.peekHead() === "table") {
    const c = new Cursor(cur.next() as SList, 1);
    elem.table = ctx.tables.resolve(c.next());
    c.expectEnd();
    elem.mode = "active";
    elem.offset = offsetExpr(ctx, cur.next());
  } else if (cur.peek()?.kind === "list" && !isRefTypeNode(cur.peek())) {
    elem.mode = "active";
    elem.offset = offsetExpr(ctx, cur.next());
    abbreviated = true;
  }
  const funcRef = refType(false, HEAP_FUNC);
  if (cur.eatKeyword("func")) {
    elem.type = funcRef;
    elem.init = elemInits(ctx, cur, true);
  } else if (isRefTypeNode(cur.peek())) {
    elem.type = parseRefType(ctx, cur.next());
    elem.init = elemInits(ctx, cur, false);
  } else if (abbreviated) {
    elem.type = funcRef;
    elem.init = elemInits(ctx, cur, true);
  } else {
    throw cur.done() ? cur.endError() : unexpected(cur.peek());
  }
  m.elems.push(elem);
}

/** `(data $id? ((memory x)? offset)? string*)` */
function defineData(ctx: ModuleCtx, cur: Cursor, index: number): void {
  const m = ctx.module;
  const id = cur.eatId();
  if (id !== null) m.names.datas.set(index, id.text);
  let memory = 0;
  let offset: Expr | null = null;
  if (cur.peekHead() === "memory") {
    const c = new Cursor(cur.next() as SList, 1);
    memory = ctx.memories.resolve(c.next());
    c.expectEnd();
    offset = offsetExpr(ctx, cur.next());
  } else if (cur.peek()?.kind === "list") {
    offset = offsetExpr(ctx, cur.next());
  }
  const bytes = strings(cur);
  m.datas.push({ mode: offset === null ? "passive" : "active", memory, offset, bytes });
}
