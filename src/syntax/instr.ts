/**
 * One instruction with its immediates (spec §2.4 "Instructions"), in the shape that every stage
 * shares: the code reader fills it from bytes, the text parser builds it, the encoder writes
 * it, the printer prints it, the validator and the lowering read it.
 *
 * Which fields an instruction uses is decided by its row in the opcode table (`opcodes.ts`),
 * through the row's immediate kind ({@linkcode Imm}); the other fields are left as they are.
 * Two indices are stored in the order the binary format writes them: `call_indirect` has the
 * type in `index` and the table in `index2`, `memory.init` the data segment then the memory,
 * `table.init` the element segment then the table, `memory.copy` and `table.copy` the
 * destination then the source.
 *
 * @module
 */

import type { BlockType, HeapType, ValType } from "./types.ts";

/** Kinds of immediates, one per row of the opcode table. */
export type Imm =
  /** none */
  | ""
  /** `blockType` (block, loop, if, legacy try) */
  | "block"
  /** `index`: a label (br, br_if, br_on_null, br_on_non_null, legacy rethrow and delegate) */
  | "label"
  /** `labels` and the default label in `index` */
  | "br_table"
  /** `index` label; `nullable`/`heap` source type; `nullable2`/`heap2` target type */
  | "br_on_cast"
  /** `index`: a function */
  | "func"
  /** `index` type, `index2` table */
  | "call_indirect"
  /** `index`: a type */
  | "type"
  /** `index`: a local */
  | "local"
  /** `index`: a global */
  | "global"
  /** `index`: a table */
  | "table"
  /** `index`: a memory */
  | "memory"
  /** `index`: a tag */
  | "tag"
  /** `index`: a data segment */
  | "data"
  /** `index`: an element segment */
  | "elem"
  /** `align` (log2), `offset`, `index` memory */
  | "memarg"
  /** a memarg and `lane` */
  | "memarg_lane"
  /** `lane` */
  | "lane"
  /** `bytes`: 16 lane indices */
  | "shuffle"
  /** `value`: an i32 */
  | "i32"
  /** `value64`: an i64 */
  | "i64"
  /** `value`: the bits of an f32, as an unsigned 32-bit number */
  | "f32"
  /** `value64`: the bits of an f64, as an unsigned 64-bit bigint */
  | "f64"
  /** `bytes`: 16 bytes, little-endian */
  | "v128"
  /** `types`: the result types of a typed `select` */
  | "select"
  /** `heap` (ref.null) */
  | "heap"
  /** `nullable` and `heap` (ref.test, ref.cast: the binary code is one higher when nullable) */
  | "reftype"
  /** `blockType` and `catches` */
  | "try_table"
  /** `index` type, `index2` field (struct.get, struct.set, ...) */
  | "field"
  /** `index` type, `index2` count (array.new_fixed) */
  | "fixed"
  /** `index` type, `index2` data segment */
  | "type_data"
  /** `index` type, `index2` element segment */
  | "type_elem"
  /** `index` destination type, `index2` source type (array.copy) */
  | "type_type"
  /** `index` data segment, `index2` memory (memory.init) */
  | "data_memory"
  /** `index` destination, `index2` source memory (memory.copy) */
  | "memory_memory"
  /** `index` element segment, `index2` table (table.init) */
  | "elem_table"
  /** `index` destination, `index2` source table (table.copy) */
  | "table_table";

/** Kinds of catch clauses of `try_table`, numbered as in the binary format. */
export enum CatchKind {
  /** `catch x l`: a tag's exception, its values pushed. */
  Catch = 0,
  /** `catch_ref x l`: a tag's exception, its values and the `exnref` pushed. */
  CatchRef = 1,
  /** `catch_all l`: any exception, nothing pushed. */
  CatchAll = 2,
  /** `catch_all_ref l`: any exception, the `exnref` pushed. */
  CatchAllRef = 3,
}

/** A catch clause of `try_table`. */
export interface Catch {
  /** Which of the four clauses it is. */
  kind: CatchKind;
  /** The tag caught (`catch` and `catch_ref` only). */
  tag: number;
  /** The label branched to. */
  label: number;
}

/**
 * An instruction: its opcode (an index into the opcode table) and the immediates its row's
 * {@linkcode Imm} names. Fields an instruction does not use may be absent or hold anything.
 */
export interface Instr {
  /** The opcode: an index into the opcode table (`Op`). */
  op: number;
  /** The first index immediate (function, local, global, type, label, table, memory...). */
  index?: number;
  /** The second index immediate, where the row's {@linkcode Imm} has two. */
  index2?: number;
  /** The block type of `block`, `loop`, `if` and `try_table`. */
  blockType?: BlockType;
  /** log2 of the alignment of a memory access. */
  align?: number;
  /** The static offset of a memory access (u64). */
  offset?: bigint;
  /** The lane index of a SIMD lane instruction. */
  lane?: number;
  /** i32 constants (signed) and f32 bits (unsigned). */
  value?: number;
  /** i64 constants (signed) and f64 bits (unsigned). */
  value64?: bigint;
  /** v128 constants and shuffle lane indices, 16 bytes. */
  bytes?: Uint8Array;
  /** The label table of `br_table` (its default label is in `index`). */
  labels?: number[];
  /** The operand types of a typed `select`. */
  types?: ValType[];
  /** The heap type of `ref.null`, `ref.test`, `ref.cast`, or `br_on_cast`'s source type. */
  heap?: HeapType;
  /** Whether the reference type with `heap` includes null. */
  nullable?: boolean;
  /** The target heap type of `br_on_cast` and `br_on_cast_fail`. */
  heap2?: HeapType;
  /** Whether the target reference type includes null. */
  nullable2?: boolean;
  /** The catch clauses of `try_table`. */
  catches?: Catch[];
}
