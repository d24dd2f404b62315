/**
 * Validation of a whole module (spec §3.5 "Modules"): types, imports, tags, functions,
 * memories, tables, globals, data and element segments, function bodies, the start function
 * and exports, in the order of the reference interpreter (so that a module with several
 * errors reports the same one). Function bodies and constant expressions are checked by
 * `code.ts`, type definitions by `types.ts`.
 *
 * The result, {@linkcode ModuleInfo}, keeps what validation learned for the stages after it:
 * the canonical id of every type, the type of every function, global, table, memory, tag and
 * segment, and for each function body a {@linkcode FuncInfo}.
 *
 * @module
 */

import { CodeReader } from "../binary/code.ts";
import { ValidationError } from "../errors.ts";
import type { Expr, Module } from "../syntax/module.ts";
import { Op } from "../syntax/opcodes.ts";
import {
  ExternKind,
  type GlobalType,
  I32,
  I64,
  type Limits,
  type MemType,
  refHeap,
  refNullable,
  refType,
  type TableType,
} from "../syntax/types.ts";
import { CodeValidator, type FuncInfo } from "./code.ts";
import { type Context, funcTypeAt, unknown } from "./context.ts";
import { valName } from "./format.ts";
import { matchVal } from "./match.ts";
import { checkValType, type ModuleTypes, validateTypes } from "./types.ts";

/**
 * What validation learned about a module, for the engine that instantiates it (not a stable
 * API: its shape follows the engine's needs).
 *
 * @internal
 */
export interface ModuleInfo {
  /**
   * The module's types and, in `types.canon`, the canonical id of each type index: equal ids
   * mean equivalent types, in this module or any other; `canonSub` (`registry.ts`) decides
   * subtyping between ids, e.g. for `call_indirect` and for matching imported functions.
   */
  types: ModuleTypes;
  /** The type index of every function, imports first. */
  funcTypes: Int32Array;
  /** The number of imported functions (the first entries of `funcTypes`). */
  importedFuncs: number;
  /** The type of every table, imports first. */
  tables: TableType[];
  /** The type of every memory, imports first. */
  memories: MemType[];
  /** The type of every global, imports first. */
  globals: GlobalType[];
  /** The type index of every tag, imports first. */
  tags: Int32Array;
  /** The reference type of every element segment. */
  elemTypes: Int32Array;
  /** For each function index, 1 if `ref.func` may name it in function bodies. */
  declaredRefs: Uint8Array;
  /** One per function defined in the module (not imported), in order. */
  funcs: FuncInfo[];
  /**
   * Where each instruction is first used in a function body: 1 + function index, or 0, for
   * each op and then each typed form (`USE_SELECT_V128`... in `code.ts`).
   */
  uses: Int32Array;
  /** For each op, 1 if some constant expression of the module has it. */
  constUses: Uint8Array;
}

const MEM32_PAGES = 0x1_0000n;
const MEM64_PAGES = 0x1_0000_0000_0000n;
const TABLE32_SIZE = 0xffff_ffffn;
const TABLE64_SIZE = 0xffff_ffff_ffff_ffffn;

function checkLimits(l: Limits, range: bigint, message: string): void {
  if (l.min > range) throw new ValidationError(message);
  if (l.max !== null) {
    if (l.max > range) throw new ValidationError(message);
    if (l.min > l.max) {
      throw new ValidationError("size minimum must not be greater than maximum");
    }
  }
}

function checkMemType(mt: MemType): void {
  if (mt.is64) {
    checkLimits(mt.limits, MEM64_PAGES, "memory size must be at most 2^48 pages (256 TiB) for i64");
  } else {
    checkLimits(mt.limits, MEM32_PAGES, "memory size must be at most 65536 pages (4GiB)");
  }
  if (mt.shared && mt.limits.max === null) {
    throw new ValidationError("shared memory must have maximum");
  }
}

function checkTableType(tt: TableType, types: ModuleTypes): void {
  checkValType(tt.elem, types.types.length);
  if (tt.is64) checkLimits(tt.limits, TABLE64_SIZE, "table size must be at most 2^64-1 for i64");
  else checkLimits(tt.limits, TABLE32_SIZE, "table size must be at most 2^32-1 for i32");
}

function checkTagType(x: number, types: ModuleTypes): void {
  const ft = funcTypeAt(types, x);
  if (ft.results.length !== 0) throw new ValidationError("non-empty tag result type");
}

/** Marks in `refs` every function that `ref.func` names in `expr`. */
function collectRefs(expr: Expr, refs: Uint8Array): void {
  const r = new CodeReader(expr);
  while (!r.done) {
    if (r.next() === Op["ref.func"] && r.index < refs.length) refs[r.index] = 1;
  }
}

/**
 * Validates a module.
 *
 * @throws ValidationError with the spec testsuite's message (and, for errors in function
 *   bodies, the function index and byte offset)
 */
export function validateModule(m: Module): ModuleInfo {
  const types = validateTypes(m);
  const nTypes = m.types.length;

  let nFuncs = m.funcs.length, nTags = m.tags.length;
  for (const im of m.imports) {
    if (im.desc.kind === ExternKind.Func) nFuncs++;
    else if (im.desc.kind === ExternKind.Tag) nTags++;
  }
  const funcs = new Int32Array(nFuncs);
  const tags = new Int32Array(nTags);
  const tables: TableType[] = [];
  const memories: MemType[] = [];
  const globals: GlobalType[] = [];
  let fi = 0, ti = 0;

  for (const im of m.imports) {
    const d = im.desc;
    switch (d.kind) {
      case ExternKind.Func:
        funcTypeAt(types, d.type);
        funcs[fi++] = d.type;
        break;
      case ExternKind.Table:
        checkTableType(d.table, types);
        tables.push(d.table);
        break;
      case ExternKind.Memory:
        checkMemType(d.memory);
        memories.push(d.memory);
        break;
      case ExternKind.Global:
        checkValType(d.global.type, nTypes);
        globals.push(d.global);
        break;
      case ExternKind.Tag:
        checkTagType(d.type, types);
        tags[ti++] = d.type;
        break;
    }
  }
  const importedFuncs = fi;
  for (const tag of m.tags) {
    checkTagType(tag.type, types);
    tags[ti++] = tag.type;
  }
  for (const f of m.funcs) {
    funcTypeAt(types, f.type);
    funcs[fi++] = f.type;
  }

  // Functions that bodies may take references to (spec: C.refs).
  const refs = new Uint8Array(nFuncs);
  for (const g of m.globals) collectRefs(g.init, refs);
  for (const t of m.tables) if (t.init !== null) collectRefs(t.init, refs);
  for (const e of m.elems) {
    for (const init of e.init) collectRefs(init, refs);
    if (e.offset !== null) collectRefs(e.offset, refs);
  }
  for (const d of m.datas) if (d.offset !== null) collectRefs(d.offset, refs);
  for (const ex of m.exports) {
    if (ex.kind === ExternKind.Func && ex.index < nFuncs) refs[ex.index] = 1;
  }

  const c: Context = {
    types,
    funcs,
    tables,
    memories,
    globals,
    tags,
    elems: new Int32Array(m.elems.length),
    datas: m.datas.length,
    refs,
  };
  const code = new CodeValidator(c);

  for (const mem of m.memories) {
    checkMemType(mem.type);
    memories.push(mem.type);
  }
  for (const t of m.tables) {
    checkTableType(t.type, types);
    if (t.init !== null) code.validateConst(t.init, t.type.elem, globals.length);
    else if (!refNullable(t.type.elem)) {
      const nullRef = refType(true, refHeap(t.type.elem));
      throw new ValidationError(
        `type mismatch: instruction requires [${valName(t.type.elem)}] but stack has [${
          valName(nullRef)
        }]`,
      );
    }
    tables.push(t.type);
  }
  for (const g of m.globals) {
    checkValType(g.type.type, nTypes);
    code.validateConst(g.init, g.type.type, globals.length);
    globals.push(g.type);
  }
  for (const d of m.datas) {
    if (d.mode !== "active") continue;
    if (d.memory >= memories.length) unknown("memory", d.memory);
    code.validateConst(d.offset!, memories[d.memory].is64 ? I64 : I32, globals.length);
  }
  m.elems.forEach((e, i) => {
    checkValType(e.type, nTypes);
    for (const init of e.init) code.validateConst(init, e.type, globals.length);
    if (e.mode === "active") {
      if (e.table >= tables.length) unknown("table", e.table);
      const tt = tables[e.table];
      if (!matchVal(types.canon, e.type, tt.elem)) {
        throw new ValidationError(
          `type mismatch: element segment's type ${
            valName(e.type)
          } does not match table's element type ${valName(tt.elem)}`,
        );
      }
      code.validateConst(e.offset!, tt.is64 ? I64 : I32, globals.length);
    }
    c.elems[i] = e.type;
  });

  const infos: FuncInfo[] = [];
  m.funcs.forEach((f, i) => {
    infos.push(code.validateFunc(importedFuncs + i, f.type, f.locals, f.body, f.offset));
  });

  if (m.start !== null) {
    if (m.start >= nFuncs) unknown("function", m.start);
    const ft = funcTypeAt(types, funcs[m.start]);
    if (ft.params.length !== 0 || ft.results.length !== 0) {
      throw new ValidationError("start function must not have parameters or results");
    }
  }

  const names = new Set<string>();
  for (const ex of m.exports) {
    const x = ex.index;
    switch (ex.kind) {
      case ExternKind.Func:
        if (x >= nFuncs) unknown("function", x);
        break;
      case ExternKind.Table:
        if (x >= tables.length) unknown("table", x);
        break;
      case ExternKind.Memory:
        if (x >= memories.length) unknown("memory", x);
        break;
      case ExternKind.Global:
        if (x >= globals.length) unknown("global", x);
        break;
      case ExternKind.Tag:
        if (x >= nTags) unknown("tag", x);
        break;
    }
  }
  for (const ex of m.exports) {
    if (names.has(ex.name)) {
      throw new ValidationError(`duplicate export name "${escapeName(ex.name)}"`);
    }
    names.add(ex.name);
  }

  return {
    types,
    funcTypes: funcs,
    importedFuncs,
    tables,
    memories,
    globals,
    tags,
    elemTypes: c.elems,
    declaredRefs: refs,
    funcs: infos,
    uses: code.uses,
    constUses: code.constUses,
  };
}

/** A name as the reference interpreter prints it in messages. */
function escapeName(name: string): string {
  let out = "";
  for (const ch of name) {
    const u = ch.codePointAt(0)!;
    if (u < 0x20 || u >= 0x7f) out += `\\u{${u.toString(16).padStart(2, "0")}}`;
    else if (ch === '"' || ch === "\\") out += "\\" + ch;
    else out += ch;
  }
  return out;
}
