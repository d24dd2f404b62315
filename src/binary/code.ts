/**
 * Instructions in the binary format (spec §5.4): {@linkcode CodeReader} decodes an expression
 * one instruction at a time into its own {@linkcode Instr} fields, {@linkcode encodeInstr}
 * writes one. Both are driven by the opcode table's immediate kinds ({@linkcode Imm}): one
 * codec per kind, none per instruction.
 *
 * The reader checks that the bytes are well formed (opcodes, immediates, block nesting,
 * `else` only in `if`, the legacy `catch`/`catch_all`/`delegate` only in `try`), not that they
 * are valid: indices, types and alignments are the validator's business.
 *
 * @module
 */

import { type Catch, CatchKind, type Imm, type Instr } from "../syntax/instr.ts";
import { Op, OP_BY_BYTE, OP_BY_PREFIXED, OPS } from "../syntax/opcodes.ts";
import type { BlockType, HeapType, ValType } from "../syntax/types.ts";
import { ByteReader } from "./reader.ts";
import {
  readBlockType,
  readHeapType,
  readValType,
  writeBlockType,
  writeHeapType,
  writeValType,
} from "./types.ts";
import { ByteWriter } from "./writer.ts";

// Immediate kinds as small numbers, for the readers' and writers' switches.
const K_NONE = 0;
const K_BLOCK = 1;
const K_INDEX = 2;
const K_INDEX2 = 3;
const K_BR_TABLE = 4;
const K_BR_ON_CAST = 5;
const K_MEMARG = 6;
const K_MEMARG_LANE = 7;
const K_LANE = 8;
const K_SHUFFLE = 9;
const K_I32 = 10;
const K_I64 = 11;
const K_F32 = 12;
const K_F64 = 13;
const K_V128 = 14;
const K_SELECT = 15;
const K_HEAP = 16;
const K_REFTYPE = 17;
const K_TRY_TABLE = 18;

const KIND_OF_IMM: Record<Imm, number> = {
  "": K_NONE,
  block: K_BLOCK,
  label: K_INDEX,
  func: K_INDEX,
  type: K_INDEX,
  local: K_INDEX,
  global: K_INDEX,
  table: K_INDEX,
  memory: K_INDEX,
  tag: K_INDEX,
  data: K_INDEX,
  elem: K_INDEX,
  call_indirect: K_INDEX2,
  field: K_INDEX2,
  fixed: K_INDEX2,
  type_data: K_INDEX2,
  type_elem: K_INDEX2,
  type_type: K_INDEX2,
  data_memory: K_INDEX2,
  memory_memory: K_INDEX2,
  elem_table: K_INDEX2,
  table_table: K_INDEX2,
  br_table: K_BR_TABLE,
  br_on_cast: K_BR_ON_CAST,
  memarg: K_MEMARG,
  memarg_lane: K_MEMARG_LANE,
  lane: K_LANE,
  shuffle: K_SHUFFLE,
  i32: K_I32,
  i64: K_I64,
  f32: K_F32,
  f64: K_F64,
  v128: K_V128,
  select: K_SELECT,
  heap: K_HEAP,
  reftype: K_REFTYPE,
  try_table: K_TRY_TABLE,
};

/** The immediate kind of each op, as a small number. */
const KIND: Uint8Array = Uint8Array.from(OPS, (info) => KIND_OF_IMM[info.imm]);

// Control-structure roles of ops, and the kinds of open blocks on the reader's stack.
const C_NONE = 0;
const C_OPEN = 1; // block, loop, try_table
const C_IF = 2;
const C_TRY = 3;
const C_ELSE = 4;
const C_END = 5;
const C_CATCH = 6;
const C_CATCH_ALL = 7;
const C_DELEGATE = 8;

const CONTROL = new Uint8Array(OPS.length);
CONTROL[Op.block] = C_OPEN;
CONTROL[Op.loop] = C_OPEN;
CONTROL[Op.try_table] = C_OPEN;
CONTROL[Op.if] = C_IF;
CONTROL[Op.try] = C_TRY;
CONTROL[Op.else] = C_ELSE;
CONTROL[Op.end] = C_END;
CONTROL[Op.catch] = C_CATCH;
CONTROL[Op.catch_all] = C_CATCH_ALL;
CONTROL[Op.delegate] = C_DELEGATE;

const B_PLAIN = 1; // block, loop, try_table, or an `if` after its `else`
const B_IF = 2; // an `if` before any `else`
const B_TRY = 3; // a legacy `try` before any handler
const B_TRY_CATCH = 4; // a legacy `try` after a `catch`
const B_TRY_CATCH_ALL = 5; // a legacy `try` after its `catch_all`

const FB_OPS = OP_BY_PREFIXED.get(0xfb)!;
const FC_OPS = OP_BY_PREFIXED.get(0xfc)!;
const FD_OPS = OP_BY_PREFIXED.get(0xfd)!;

const EMPTY_BYTES = new Uint8Array(0);

function hex2(n: number): string {
  return n.toString(16).padStart(2, "0");
}

/**
 * Reads one expression (a function body's instructions or a constant expression), one
 * instruction at a time, into its own {@linkcode Instr} fields.
 *
 * @example
 * ```ts
 * import { CodeReader } from "./code.ts";
 * import { Op } from "../syntax/opcodes.ts";
 * const r = new CodeReader(new Uint8Array([0x41, 0x2a, 0x0b])); // i32.const 42 end
 * console.assert(r.next() === Op["i32.const"] && r.value === 42);
 * console.assert(r.next() === Op.end && r.done);
 * ```
 */
export class CodeReader implements Instr {
  /** The op of the last instruction read. */
  op = 0;
  /** See {@linkcode Instr.index} (the fields below hold the last instruction's immediates). */
  index = 0;
  /** See {@linkcode Instr.index2}. */
  index2 = 0;
  /** See {@linkcode Instr.blockType}. */
  blockType: BlockType = 0;
  /** See {@linkcode Instr.align}. */
  align = 0;
  /** See {@linkcode Instr.offset}. */
  offset = 0n;
  /** See {@linkcode Instr.lane}. */
  lane = 0;
  /** See {@linkcode Instr.value}. */
  value = 0;
  /** See {@linkcode Instr.value64}. */
  value64 = 0n;
  /** See {@linkcode Instr.bytes}. */
  bytes: Uint8Array = EMPTY_BYTES;
  /** See {@linkcode Instr.labels}. */
  labels: number[] = [];
  /** See {@linkcode Instr.types}. */
  types: ValType[] = [];
  /** See {@linkcode Instr.heap}. */
  heap: HeapType = 0;
  /** See {@linkcode Instr.nullable}. */
  nullable = false;
  /** See {@linkcode Instr.heap2}. */
  heap2: HeapType = 0;
  /** See {@linkcode Instr.nullable2}. */
  nullable2 = false;
  /** See {@linkcode Instr.catches}. */
  catches: Catch[] = [];
  /** The offset in the bytes where the last instruction read starts. */
  pos: number;
  /** Whether the final `end` (at depth 0) has been read. */
  done = false;
  /** The number of blocks open after the last instruction read. */
  depth = 0;
  /**
   * The byte cursor; `reader.at` is where the next instruction starts.
   *
   * @internal
   */
  readonly reader: ByteReader;
  private stack = new Uint8Array(16);

  /**
   * Reads `bytes[start..end)`; error offsets are `base` plus the position in `bytes`.
   * The expression may end before `end` (see {@linkcode CodeReader.end}).
   */
  constructor(bytes: Uint8Array, start = 0, end: number = bytes.length, base = 0) {
    this.reader = new ByteReader(bytes, start, end, base);
    this.pos = start;
  }

  /** The offset just past the last instruction read (past the final `end` once done). */
  get end(): number {
    return this.reader.at;
  }

  /** Starts reading another expression at `bytes[start..end)` with the same reader. */
  reset(start: number, end: number): void {
    this.reader.at = start;
    this.reader.end = end;
    this.pos = start;
    this.done = false;
    this.depth = 0;
  }

  /** Opens a block of `kind` (a `C_*` control kind). */
  private push(kind: number): void {
    if (this.depth === this.stack.length) {
      const next = new Uint8Array(this.stack.length * 2);
      next.set(this.stack);
      this.stack = next;
    }
    this.stack[this.depth++] = kind;
  }

  /** Throws the DecodeError for an unknown opcode `b` (with `n` after a prefix). */
  private illegal(b: number, n = -1): never {
    const text = n < 0 ? hex2(b) : `${hex2(b)} ${hex2(n)}`;
    return this.reader.fail(`illegal opcode ${text}`, this.pos);
  }

  /** Decodes the next instruction into this reader's fields and returns its op. */
  next(): number {
    const r = this.reader;
    const pos = r.at;
    this.pos = pos;
    const b = r.byte();
    let op: number;
    let nullable = false;
    if (b < 0xfb || b > 0xfd) {
      op = OP_BY_BYTE[b];
      if (op < 0) this.illegal(b);
    } else {
      const n = r.u32();
      const table = b === 0xfb ? FB_OPS : b === 0xfc ? FC_OPS : FD_OPS;
      op = n < table.length ? table[n] : -1;
      if (op < 0 && b === 0xfb && (n === 0x15 || n === 0x17)) {
        op = table[n - 1]; // ref.test / ref.cast with a nullable target type
        nullable = true;
      }
      if (op < 0) this.illegal(b, n);
    }
    this.op = op;
    switch (KIND[op]) {
      case K_NONE:
        break;
      case K_BLOCK:
        this.blockType = readBlockType(r);
        break;
      case K_INDEX:
        this.index = r.u32();
        break;
      case K_INDEX2:
        this.index = r.u32();
        this.index2 = r.u32();
        break;
      case K_BR_TABLE: {
        const n = r.len32();
        const labels: number[] = new Array(n);
        for (let i = 0; i < n; i++) labels[i] = r.u32();
        this.labels = labels;
        this.index = r.u32();
        break;
      }
      case K_BR_ON_CAST: {
        const flags = r.byte();
        if ((flags & 0xfc) !== 0) r.fail("malformed br_on_cast flags", r.at - 1);
        this.index = r.u32();
        this.nullable = (flags & 1) !== 0;
        this.heap = readHeapType(r);
        this.nullable2 = (flags & 2) !== 0;
        this.heap2 = readHeapType(r);
        break;
      }
      case K_MEMARG:
        this.memarg(r);
        break;
      case K_MEMARG_LANE:
        this.memarg(r);
        this.lane = r.u8();
        break;
      case K_LANE:
        this.lane = r.u8();
        break;
      case K_SHUFFLE: {
        const lanes = new Uint8Array(16);
        for (let i = 0; i < 16; i++) lanes[i] = r.u8();
        this.bytes = lanes;
        break;
      }
      case K_I32:
        this.value = r.s32();
        break;
      case K_I64:
        this.value64 = r.s64();
        break;
      case K_F32:
        this.value = r.f32bits();
        break;
      case K_F64:
        this.value64 = r.f64bits();
        break;
      case K_V128:
        this.bytes = r.bytesView(16).slice();
        break;
      case K_SELECT: {
        const n = r.len32();
        const types: ValType[] = new Array(n);
        for (let i = 0; i < n; i++) types[i] = readValType(r);
        this.types = types;
        break;
      }
      case K_HEAP:
        this.heap = readHeapType(r);
        break;
      case K_REFTYPE:
        this.nullable = nullable;
        this.heap = readHeapType(r);
        break;
      case K_TRY_TABLE: {
        this.blockType = readBlockType(r);
        const n = r.len32();
        const catches: Catch[] = new Array(n);
        for (let i = 0; i < n; i++) {
          const kind = r.byte();
          if (kind > 3) r.fail("malformed catch clause", r.at - 1);
          const tag = kind <= CatchKind.CatchRef ? r.u32() : 0;
          catches[i] = { kind, tag, label: r.u32() };
        }
        this.catches = catches;
        break;
      }
    }
    const control = CONTROL[op];
    if (control !== C_NONE) this.control(control, pos);
    return op;
  }

  /** Reads a memory argument (alignment, memory index, offset) into the fields. */
  private memarg(r: ByteReader): void {
    const at = r.at;
    const flags = r.u32();
    if (flags >= 0x80) r.fail("malformed memop flags", at);
    this.align = flags & 0x3f;
    this.index = (flags & 0x40) !== 0 ? r.u32() : 0;
    this.offset = r.u64();
  }

  /** Updates the block stack for a control instruction at `pos`. */
  private control(control: number, pos: number): void {
    const top = this.depth > 0 ? this.stack[this.depth - 1] : 0;
    switch (control) {
      case C_OPEN:
        this.push(B_PLAIN);
        return;
      case C_IF:
        this.push(B_IF);
        return;
      case C_TRY:
        this.push(B_TRY);
        return;
      case C_END:
        if (this.depth === 0) this.done = true;
        else this.depth--;
        return;
      case C_ELSE:
        if (top !== B_IF) this.reader.fail("END opcode expected", pos);
        this.stack[this.depth - 1] = B_PLAIN;
        return;
      case C_CATCH:
        if (top !== B_TRY && top !== B_TRY_CATCH) this.reader.fail("END opcode expected", pos);
        this.stack[this.depth - 1] = B_TRY_CATCH;
        return;
      case C_CATCH_ALL:
        if (top !== B_TRY && top !== B_TRY_CATCH) this.reader.fail("END opcode expected", pos);
        this.stack[this.depth - 1] = B_TRY_CATCH_ALL;
        return;
      case C_DELEGATE:
        if (top !== B_TRY) this.reader.fail("END opcode expected", pos);
        this.depth--;
        return;
    }
  }

  /** A copy of the last instruction read, with only the fields its immediate kind uses. */
  copy(): Instr {
    const op = this.op;
    switch (KIND[op]) {
      case K_NONE:
        return { op };
      case K_BLOCK:
        return { op, blockType: this.blockType };
      case K_INDEX:
        return { op, index: this.index };
      case K_INDEX2:
        return { op, index: this.index, index2: this.index2 };
      case K_BR_TABLE:
        return { op, labels: this.labels.slice(), index: this.index };
      case K_BR_ON_CAST:
        return {
          op,
          index: this.index,
          nullable: this.nullable,
          heap: this.heap,
          nullable2: this.nullable2,
          heap2: this.heap2,
        };
      case K_MEMARG:
        return { op, align: this.align, offset: this.offset, index: this.index };
      case K_MEMARG_LANE:
        return { op, align: this.align, offset: this.offset, index: this.index, lane: this.lane };
      case K_LANE:
        return { op, lane: this.lane };
      case K_SHUFFLE:
      case K_V128:
        return { op, bytes: this.bytes.slice() };
      case K_I32:
      case K_F32:
        return { op, value: this.value };
      case K_I64:
      case K_F64:
        return { op, value64: this.value64 };
      case K_SELECT:
        return { op, types: this.types.slice() };
      case K_HEAP:
        return { op, heap: this.heap };
      case K_REFTYPE:
        return { op, nullable: this.nullable, heap: this.heap };
      case K_TRY_TABLE:
        return {
          op,
          blockType: this.blockType,
          catches: this.catches.map((c) => ({ kind: c.kind, tag: c.tag, label: c.label })),
        };
    }
    throw new Error(`unreachable: imm kind of op ${op}`);
  }
}

/** Reads every instruction of an expression (its final `end` included) into fresh objects. */
export function readInstrs(expr: Uint8Array): Instr[] {
  const r = new CodeReader(expr);
  const out: Instr[] = [];
  while (!r.done) {
    r.next();
    out.push(r.copy());
  }
  return out;
}

function writeMemarg(w: ByteWriter, instr: Instr): void {
  const index = instr.index ?? 0;
  const align = instr.align ?? 0;
  if (index === 0) w.u32(align);
  else {
    w.u32(align | 0x40);
    w.u32(index);
  }
  w.u64(instr.offset ?? 0n);
}

/**
 * Writes one instruction. Fields its immediate kind uses but the instruction lacks are
 * written as 0 (or empty).
 */
export function encodeInstr(w: ByteWriter, instr: Instr): void {
  const op = instr.op;
  const info = OPS[op];
  const kind = KIND[op];
  if (info.prefix === 0) w.byte(info.code);
  else {
    w.byte(info.prefix);
    w.u32(kind === K_REFTYPE && instr.nullable ? info.code + 1 : info.code);
  }
  switch (kind) {
    case K_NONE:
      return;
    case K_BLOCK:
      writeBlockType(w, instr.blockType ?? -0x40);
      return;
    case K_INDEX:
      w.u32(instr.index ?? 0);
      return;
    case K_INDEX2:
      w.u32(instr.index ?? 0);
      w.u32(instr.index2 ?? 0);
      return;
    case K_BR_TABLE: {
      const labels = instr.labels ?? [];
      w.u32(labels.length);
      for (const l of labels) w.u32(l);
      w.u32(instr.index ?? 0);
      return;
    }
    case K_BR_ON_CAST:
      w.byte((instr.nullable ? 1 : 0) | (instr.nullable2 ? 2 : 0));
      w.u32(instr.index ?? 0);
      writeHeapType(w, instr.heap ?? 0);
      writeHeapType(w, instr.heap2 ?? 0);
      return;
    case K_MEMARG:
      writeMemarg(w, instr);
      return;
    case K_MEMARG_LANE:
      writeMemarg(w, instr);
      w.u32(instr.lane ?? 0);
      return;
    case K_LANE:
      w.u32(instr.lane ?? 0);
      return;
    case K_SHUFFLE: {
      const lanes = instr.bytes ?? EMPTY_BYTES;
      for (let i = 0; i < 16; i++) w.u32(lanes[i] ?? 0);
      return;
    }
    case K_I32:
      w.s32(instr.value ?? 0);
      return;
    case K_I64:
      w.s64(instr.value64 ?? 0n);
      return;
    case K_F32:
      w.f32bits(instr.value ?? 0);
      return;
    case K_F64:
      w.f64bits(instr.value64 ?? 0n);
      return;
    case K_V128: {
      const bytes = instr.bytes ?? EMPTY_BYTES;
      for (let i = 0; i < 16; i++) w.byte(bytes[i] ?? 0);
      return;
    }
    case K_SELECT: {
      const types = instr.types ?? [];
      w.u32(types.length);
      for (const t of types) writeValType(w, t);
      return;
    }
    case K_HEAP:
    case K_REFTYPE:
      writeHeapType(w, instr.heap ?? 0);
      return;
    case K_TRY_TABLE: {
      writeBlockType(w, instr.blockType ?? -0x40);
      const catches = instr.catches ?? [];
      w.u32(catches.length);
      for (const c of catches) {
        w.byte(c.kind);
        if (c.kind === CatchKind.Catch || c.kind === CatchKind.CatchRef) w.u32(c.tag);
        w.u32(c.label);
      }
      return;
    }
  }
}

/** Encodes instructions as given (the caller includes the final `end`). */
export function encodeInstrs(instrs: readonly Instr[]): Uint8Array {
  const w = new ByteWriter(instrs.length * 3 + 16);
  for (const instr of instrs) encodeInstr(w, instr);
  return w.finish();
}
