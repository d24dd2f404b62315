/**
 * The state shared by the lowering's parts (`lower.ts`, `lower_control.ts`): the function
 * being lowered, its instance, the builder, and the control stack of open blocks.
 *
 * @module
 */

import type { Instance, Store } from "../runtime/store.ts";
import type { Catch } from "../syntax/instr.ts";
import type { Module } from "../syntax/module.ts";
import { BLOCK_EMPTY, type BlockType, type FuncType, type ValType } from "../syntax/types.ts";
import type { ModuleInfo } from "../valid/validate.ts";
import type { FuncBuilder } from "./builder.ts";

/** Kinds of control frames. */
export const C_FUNC = 0, C_BLOCK = 1, C_LOOP = 2, C_IF = 3, C_ELSE = 4;
/** Kinds of control frames (exceptions). */
export const C_TRY_TABLE = 5, C_TRY = 6, C_CATCH = 7;

/** An open block. */
export interface Frame {
  kind: number;
  params: readonly ValType[];
  results: readonly ValType[];
  /** The number of stack entries below the block's parameters. */
  height: number;
  /** The canonical slot of the first label value (absolute, in slots). */
  slot: number;
  /** The branch target pc if known (loops), else -1 until the end. */
  target: number;
  /** Code indices, br_table pool indices and handler indices waiting for the end pc. */
  patches: number[];
  tablePatches: number[];
  handlerPatches: number[];
  /** Code index of an `if`'s branch to its `else` (or end), or -1. */
  elsePatch: number;
  /** The pc where a try_table's or legacy try's body starts. */
  bodyStart: number;
  /** The pc where a legacy try's body ends (its first handler), or -1. */
  bodyEnd: number;
  /** A legacy try's hidden exception slot (absolute), or -1. */
  exnSlot: number;
  /** A try_table's catch clauses. */
  catches: readonly Catch[];
  /** Whether the code after the block's end is reached by some branch or fallthrough. */
  reachable: boolean;
  /** A number naming the block in position records (positions.ts), unique in its function. */
  id: number;
  /** The body offset of the block instruction. */
  pos: number;
}

/** Everything the lowering of one function needs. */
export interface Lowering {
  store: Store;
  inst: Instance;
  instAddr: number;
  module: Module;
  info: ModuleInfo;
  b: FuncBuilder;
  ctl: Frame[];
  /** Whether the current code is reachable. */
  reachable: boolean;
  /** Nesting depth of blocks inside the unreachable code being skipped. */
  skip: number;
  /** Hidden slots of legacy trys, in order of appearance. */
  nextExnSlot: number;
  /** The function's type. */
  type: FuncType;
  /** The types of its locals (parameters first). */
  locals: Int32Array;
  /** The body offset of the instruction being lowered. */
  pos: number;
  /** The body offset of the function's final `end`. */
  finalEnd: number;
  /**
   * Position placeholders (`-2 - id`) of the blocks that ended since the last instruction
   * started: the next instruction's offset is where a branch to them lands.
   */
  afterEnd: number[];
  /** The next block id. */
  nextId: number;
}

/** The hidden slots of the legacy `catch`es open now (their caught exception is live). */
export function liveExns(L: Lowering): readonly number[] {
  let live: number[] | null = null;
  for (const f of L.ctl) {
    if (f.kind === C_CATCH && f.exnSlot >= 0) (live ??= []).push(f.exnSlot);
  }
  return live ?? NO_SLOTS;
}

const NO_SLOTS: readonly number[] = [];

const EMPTY: readonly ValType[] = [];

/** The parameter types of block type `bt`. */
export function blockParams(m: Module, bt: BlockType): readonly ValType[] {
  return bt >= 0 ? (m.types[bt].comp as FuncType).params : EMPTY;
}

/** The result types of block type `bt`. */
export function blockResults(m: Module, bt: BlockType): readonly ValType[] {
  if (bt >= 0) return (m.types[bt].comp as FuncType).results;
  return bt === BLOCK_EMPTY ? EMPTY : [bt];
}

/** A new frame. */
export function newFrame(
  kind: number,
  params: readonly ValType[],
  results: readonly ValType[],
  height: number,
  slot: number,
): Frame {
  return {
    kind,
    params,
    results,
    height,
    slot,
    target: -1,
    patches: [],
    tablePatches: [],
    handlerPatches: [],
    elsePatch: -1,
    bodyStart: -1,
    bodyEnd: -1,
    exnSlot: -1,
    catches: EMPTY as unknown as Catch[],
    reachable: false,
    id: 0,
    pos: 0,
  };
}
