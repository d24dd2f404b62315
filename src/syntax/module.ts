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
  /** The module name it is imported from. */
  module: string;
  /** The name of the item within that module. */
  name: string;
  /** What is imported: a function type index, table, memory, global or tag type. */
  desc: ExternType;
}

/** A run of locals of one type, as the binary format groups them. */
export interface LocalRun {
  /** How many locals the run declares. */
  count: number;
  /** Their type. */
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
  /** Its type: limits and element reference type. */
  type: TableType;
  /** The expression each element starts as, or `null` for the default (null references). */
  init: Expr | null;
}

/** A memory defined in the module. */
export interface Memory {
  /** Its type: limits, address type, sharing and page size. */
  type: MemType;
}

/** A global defined in the module. */
export interface Global {
  /** Its value type and mutability. */
  type: GlobalType;
  /** The constant expression of its initial value. */
  init: Expr;
}

/** A tag (exception handling) defined in the module. */
export interface Tag {
  /** Index of its function type; the results must be empty. */
  type: number;
}

/** An export. */
export interface Export {
  /** The name it is exported as. */
  name: string;
  /** What kind of item it exports. */
  kind: ExternKind;
  /** The index of the item in its index space. */
  index: number;
}

/** An element segment. */
export interface Elem {
  /** When the segment applies: on `table.init` (passive), at instantiation, or never. */
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
  /** When the segment applies: on `memory.init` (passive) or at instantiation (active). */
  mode: "passive" | "active";
  /** The memory an active segment initializes (0 otherwise). */
  memory: number;
  /** The offset of an active segment. */
  offset: Expr | null;
  /** The bytes it holds. */
  bytes: Uint8Array;
}

/** A custom section kept as bytes (the `name` section is parsed into {@linkcode Names}). */
export interface Custom {
  /** The section's name. */
  name: string;
  /** Its contents after the name. */
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
  /** The module's own name. */
  module: string | null;
  /** Function names by function index. */
  funcs: NameMap;
  /** Local names by function index, then local index. */
  locals: IndirectNameMap;
  /** Label names by function index, then label index in order of appearance. */
  labels: IndirectNameMap;
  /** Type names by type index. */
  types: NameMap;
  /** Table names by table index. */
  tables: NameMap;
  /** Memory names by memory index. */
  memories: NameMap;
  /** Global names by global index. */
  globals: NameMap;
  /** Element segment names by segment index. */
  elems: NameMap;
  /** Data segment names by segment index. */
  datas: NameMap;
  /** Field names by type index, then field index. */
  fields: IndirectNameMap;
  /** Tag names by tag index. */
  tags: NameMap;
}

/** A module. */
export interface Module {
  /** Every defined type, flat, in index order. */
  types: SubType[];
  /** Sizes of the recursion groups that `types` is split into, in order. */
  recGroups: number[];
  /** The imports, in order; imported items come first in their index spaces. */
  imports: Import[];
  /** The functions defined in the module (after the imported ones in the index space). */
  funcs: Func[];
  /** The tables defined in the module. */
  tables: Table[];
  /** The memories defined in the module. */
  memories: Memory[];
  /** The globals defined in the module. */
  globals: Global[];
  /** The tags defined in the module. */
  tags: Tag[];
  /** The exports, in order. */
  exports: Export[];
  /** The index of the start function, if any. */
  start: number | null;
  /** The element segments. */
  elems: Elem[];
  /** The data segments. */
  datas: Data[];
  /** The custom sections other than `name`. */
  customs: Custom[];
  /** Debug names (the `name` section or the text's identifiers). */
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
