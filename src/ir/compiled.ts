/**
 * The shape of a lowered function ({@linkcode CompiledFunc}) and of its side tables. A
 * compiled function is derived data: lowering the same function of the same instance always
 * gives the same code, so that a pc saved in a frame stays meaningful.
 *
 * Frame layout (slots of 8 bytes, fp-relative): `[0, params)` parameters, `[params, locals)`
 * declared locals (zeroed on entry), `[locals, operandBase)` hidden slots (one per legacy `try`,
 * holding the caught exception for `rethrow`), then the operand stack, whose every position is
 * a fixed slot. Results are written to slots `[0, results)` before `return`.
 *
 * @module
 */

import type { MemInst } from "../runtime/store.ts";

/** Numbers per record of {@linkcode CompiledFunc.handlers}. */
export const HANDLER_STRIDE = 8;
/** Offsets in a handler record. */
export const H_START = 0, H_END = 1, H_KIND = 2, H_TAG = 3, H_TARGET = 4, H_DST = 5;
/** Offsets in a handler record (continued). */
export const H_EXN = 6, H_DEPTH = 7;

/** Handler kinds: try_table's four catch clauses (binary numbering), then the legacy ones. */
export const HK_CATCH = 0, HK_CATCH_REF = 1, HK_CATCH_ALL = 2, HK_CATCH_ALL_REF = 3;
/** Legacy `catch x` / `catch_all` (the exception also goes to the record's hidden slot). */
export const HK_LEGACY_CATCH = 4, HK_LEGACY_CATCH_ALL = 5;
/** Legacy `delegate`: continue the search with handlers of depth <= the record's target. */
export const HK_DELEGATE = 6;

/** A function lowered to IR. */
export interface CompiledFunc {
  /** `[op, operand...]*` (see src/ir/ops.ts). */
  code: Int32Array;
  /** Constant pool: 64-bit entries as pairs of Int32 words (little-endian). */
  pool: Int32Array;
  /** The same pool as i64s. */
  pool64: BigInt64Array;
  /** br_table pool: at each br_table's index, the count, the targets, then the default. */
  brTables: Int32Array;
  /**
   * At each instruction start, the ticks from there through the end of its straight-line run
   * (`ticks.ts`): what the loop takes from the budget on arriving there.
   */
  ticks: Int32Array;
  /** Pairs `(pc, wasm byte offset)` for each IR instruction, in pc order. */
  srcMap: Int32Array;
  /**
   * Exception handlers, {@linkcode HANDLER_STRIDE} numbers each, innermost first:
   * `[start, end)` the pc range covered, kind (`HK_*`), tag address (-1 for catch-all kinds;
   * for `HK_DELEGATE` the target depth), target pc, destination slot (Int32 units) of the
   * values, the hidden slot (Int32 units) receiving the exnref for legacy catches (-1), and
   * the control depth of the construct (for delegate).
   */
  handlers: Int32Array;
  /** Slots of parameters. */
  params: number;
  /** Slots of results. */
  results: number;
  /** Slots of parameters and locals. */
  locals: number;
  /** Total slots the frame uses (locals, hidden slots, operand stack). */
  frameSize: number;
  /** The function's store address. */
  addr: number;
  /** Its canonical type id (as `WasmFunc.type`; the fast path of `call_indirect` compares it). */
  type: number;
  /** The owning instance (index in store.instances). */
  instance: number;
  /** Memory 0 of the instance, or null (derived: for the interpreter's fast path). */
  mem0: MemInst | null;
  /**
   * The first pc of the unfused copy of the function appended to its code (a frame restored
   * inside a fused group runs there until it returns; src/ir/lower.ts `deopt`), or -1.
   */
  unfused: number;
}
