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
  Catch = 0,
  CatchRef = 1,
  CatchAll = 2,
  CatchAllRef = 3,
}

/** A catch clause of `try_table`. */
export interface Catch {
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
  op: number;
  index?: number;
  index2?: number;
  blockType?: BlockType;
  /** log2 of the alignment of a memory access. */
  align?: number;
  /** The static offset of a memory access (u64). */
  offset?: bigint;
  lane?: number;
  /** i32 constants (signed) and f32 bits (unsigned). */
  value?: number;
  /** i64 constants (signed) and f64 bits (unsigned). */
  value64?: bigint;
  /** v128 constants and shuffle lane indices, 16 bytes. */
  bytes?: Uint8Array;
  labels?: number[];
  types?: ValType[];
  heap?: HeapType;
  nullable?: boolean;
  heap2?: HeapType;
  nullable2?: boolean;
  catches?: Catch[];
}
