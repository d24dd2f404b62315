/**
 * The abstract syntax of a module (spec §2.5 "Modules"), shared by the binary and text formats.
 *
 * Index spaces follow the spec: imports come first in each space (functions, tables, memories,
 * globals, tags), then the module's own definitions. Function bodies and constant expressions
 * stay in their binary encoding (`Uint8Array`s of instructions ending in `end`), which is
 * compact and is what the validator, the lowering and the printer read, one instruction at a
 * time, through `src/binary/code.ts`. The text parser encodes the instructions it parses.
 *
 * Nothing here checks validity: a `Module` may be invalid until `src/valid` accepts it.
 *
 * @module
 */

import type { ExternType, GlobalType, MemType, SubType, TableType, ValType } from "./types.ts";
import type { ExternKind } from "./types.ts";

/**
 * A constant expression or a function body: instructions in the binary format, ending with
 * the `end` opcode (0x0B).
 */
export type Expr = Uint8Array;

/** An import. */
export interface Import {
  module: string;
  name: string;
  desc: ExternType;
}

/** A run of locals of one type, as the binary format groups them. */
export interface LocalRun {
  count: number;
  type: ValType;
}

/** A function defined in the module. */
export interface Func {
  /** Index of its function type. */
  type: number;
  /** Its locals beyond the parameters, in runs. */
  locals: LocalRun[];
  /** Its instructions, ending with `end`. */
  body: Expr;
  /**
   * Byte offset of `body` in the binary it was decoded from (0 when it came from text), so that
   * errors and debuggers can name positions in the original file.
   */
  offset: number;
}

/** A table defined in the module, with its optional initializer (typed function references). */
export interface Table {
  type: TableType;
  init: Expr | null;
}

/** A memory defined in the module. */
export interface Memory {
  type: MemType;
}

/** A global defined in the module. */
export interface Global {
  type: GlobalType;
  init: Expr;
}

/** A tag (exception handling) defined in the module. */
export interface Tag {
  /** Index of its function type; the results must be empty. */
  type: number;
}

/** An export. */
export interface Export {
  name: string;
  kind: ExternKind;
  index: number;
}

/** An element segment. */
export interface Elem {
  mode: "passive" | "active" | "declarative";
  /** The table an active segment initializes (0 otherwise). */
  table: number;
  /** The offset of an active segment. */
  offset: Expr | null;
  /** The reference type of the elements. */
  type: ValType;
  /** One constant expression per element (`ref.func x end` for function indices). */
  init: Expr[];
}

/** A data segment. */
export interface Data {
  mode: "passive" | "active";
  /** The memory an active segment initializes (0 otherwise). */
  memory: number;
  /** The offset of an active segment. */
  offset: Expr | null;
  bytes: Uint8Array;
}

/** A custom section kept as bytes (the `name` section is parsed into {@linkcode Names}). */
export interface Custom {
  name: string;
  bytes: Uint8Array;
  /**
   * The id of the known section it followed in the binary (0 if it came first), so that the
   * encoder puts it back in place.
   */
  after: number;
}

/** Names from index to name. */
export type NameMap = Map<number, string>;
/** Names of things inside other things (locals of functions, fields of types). */
export type IndirectNameMap = Map<number, NameMap>;

/**
 * Debug names: the `name` custom section (spec appendix 7.4, with the extended-name-section
 * subsections), or the `$identifiers` of a text module. Names are stored without `$`.
 */
export interface Names {
  module: string | null;
  funcs: NameMap;
  locals: IndirectNameMap;
  labels: IndirectNameMap;
  types: NameMap;
  tables: NameMap;
  memories: NameMap;
  globals: NameMap;
  elems: NameMap;
  datas: NameMap;
  fields: IndirectNameMap;
  tags: NameMap;
}

/** A module. */
export interface Module {
  /** Every defined type, flat, in index order. */
  types: SubType[];
  /** Sizes of the recursion groups that `types` is split into, in order. */
  recGroups: number[];
  imports: Import[];
  funcs: Func[];
  tables: Table[];
  memories: Memory[];
  globals: Global[];
  tags: Tag[];
  exports: Export[];
  start: number | null;
  elems: Elem[];
  datas: Data[];
  customs: Custom[];
  names: Names;
}

/** An empty {@linkcode Names}. */
export function emptyNames(): Names {
  return {
    module: null,
    funcs: new Map(),
    locals: new Map(),
    labels: new Map(),
    types: new Map(),
    tables: new Map(),
    memories: new Map(),
    globals: new Map(),
    elems: new Map(),
    datas: new Map(),
    fields: new Map(),
    tags: new Map(),
  };
}

/** An empty module, to be filled in by a decoder or parser. */
export function emptyModule(): Module {
  return {
    types: [],
    recGroups: [],
    imports: [],
    funcs: [],
    tables: [],
    memories: [],
    globals: [],
    tags: [],
    exports: [],
    start: null,
    elems: [],
    datas: [],
    customs: [],
    names: emptyNames(),
  };
}
