/**
 * Instructions in the text format (spec §6.5 "Instructions"): plain and folded forms, blocks
 * with labels and block types, and the immediates of every instruction of the opcode table,
 * including the legacy exception-handling `try`/`catch`/`catch_all`/`delegate`.
 *
 * The opcode table (`opByName`) is the one source of mnemonics: immediates are read by their
 * {@linkcode Imm} kind, with code of its own only for block structure and for the few
 * instructions whose text syntax differs from the kind (`select`, `call_indirect`,
 * `memory.init`, ...). The result is a list of {@linkcode Instr} objects in binary order, which
 * the caller encodes.
 *
 * @module
 */

import type { Catch, Instr } from "../syntax/instr.ts";
import { CatchKind } from "../syntax/instr.ts";
import { Op, opByName, type OpInfo } from "../syntax/opcodes.ts";
import { BLOCK_EMPTY, type BlockType, refHeap, refNullable } from "../syntax/types.ts";
import { NumberLiteralError, parseF32, parseF64, parseInt, parseUint } from "./numbers.ts";
import {
  Cursor,
  errorAt,
  isIndex,
  isKnownKeyword,
  listHead,
  literal,
  type ModuleCtx,
  Space,
  unexpected,
} from "./parse_ctx.ts";
import {
  parseHeapType,
  parseRefType,
  parseSignature,
  parseTypeUse,
  parseValType,
} from "./parse_types.ts";
import type { SAtom, SExpr, SList } from "./sexpr.ts";

/** The state of one function body or constant expression being parsed. */
export class FuncCtx {
  /** Parameters and locals. */
  readonly locals: Space = new Space("local");
  /** Labels of the enclosing blocks, innermost last (null for an unnamed block). */
  readonly labels: (string | null)[] = [];
  /** The instructions read so far. */
  readonly out: Instr[] = [];
  /** The names of labelled blocks, by the blocks' order in the body (for the name section). */
  readonly labelNames: Map<number, string> = new Map();
  /** The number of blocks entered so far. */
  private blocks = 0;

  /** Enters a block (just pushed to `out`) with an optional label. */
  enter(label: string | null): void {
    if (label !== null) this.labelNames.set(this.blocks, label);
    this.blocks++;
    this.labels.push(label);
  }
}

/** Keywords that end an instruction sequence in the plain (unfolded) syntax. */
const TERMINATORS = new Set(["end", "else", "catch", "catch_all", "delegate"]);

/** Keywords that may not head a folded instruction. */
const NOT_FOLDABLE = new Set(["end", "else", "catch", "catch_all", "delegate", "select_t"]);

/**
 * Reads the instructions of `cur` (a function body or a constant expression) to the end of the
 * list, appending them to `f.out` (without the final `end`).
 */
export function parseInstrs(ctx: ModuleCtx, f: FuncCtx, cur: Cursor): void {
  parseSeq(ctx, f, cur);
  cur.expectEnd();
}

/** A plain block whose `end` has not been read yet. */
interface OpenBlock {
  op: number;
  label: string | null;
  /** For `if`: whether `else` was read; for `try`: whether `catch_all` was read. */
  closed: boolean;
  /** For `try`: the number of handlers read. */
  handlers: number;
}

/**
 * Reads instructions until the end of the cursor or a terminator keyword (not read) outside
 * the plain blocks it opens. Plain blocks nest without recursion (generated code nests them
 * deeply), with their own stack here.
 */
function parseSeq(ctx: ModuleCtx, f: FuncCtx, cur: Cursor): void {
  const items = cur.items;
  const open: OpenBlock[] = [];
  for (;;) {
    const item = items[cur.i];
    if (item === undefined) {
      if (open.length === 0) return;
      throw cur.endError();
    }
    if (item.kind === "list") {
      cur.i++;
      parseFolded(ctx, f, item);
      continue;
    }
    if (item.kind !== "keyword") throw unexpected(item);
    if (TERMINATORS.has(item.text)) {
      const top = open[open.length - 1];
      if (top === undefined) return;
      cur.i++;
      if (closeOrContinue(ctx, f, cur, item, top)) open.pop();
      continue;
    }
    cur.i++;
    const info = lookupOp(item);
    if (info.imm !== "block" && info.imm !== "try_table") {
      f.out.push(parseImmediates(ctx, f, info, cur, item));
      continue;
    }
    const label = parseLabel(cur);
    const blockType = parseBlockType(ctx, cur);
    const instr: Instr = { op: info.op, blockType };
    if (info.imm === "try_table") instr.catches = parseCatches(ctx, f, cur);
    f.out.push(instr);
    f.enter(label);
    open.push({ op: info.op, label, closed: false, handlers: 0 });
  }
}

/**
 * Handles a terminator keyword (read) of the innermost open plain block: `else` of an `if`,
 * `catch`/`catch_all`/`delegate` of a legacy `try`, or `end`. Returns true if the block is
 * closed.
 */
function closeOrContinue(
  ctx: ModuleCtx,
  f: FuncCtx,
  cur: Cursor,
  kw: SAtom,
  top: OpenBlock,
): boolean {
  switch (kw.text) {
    case "end":
      checkEndLabel(cur, top.label);
      f.labels.pop();
      f.out.push({ op: Op.end });
      return true;
    case "else":
      if (top.op !== Op.if || top.closed) throw unexpected(kw);
      checkEndLabel(cur, top.label);
      top.closed = true;
      f.out.push({ op: Op.else });
      return false;
    case "catch":
      if (top.op !== Op.try || top.closed) throw unexpected(kw);
      f.out.push({ op: Op.catch, index: ctx.tags.resolve(cur.next()) });
      top.handlers++;
      return false;
    case "catch_all":
      if (top.op !== Op.try || top.closed) throw unexpected(kw);
      f.out.push({ op: Op.catch_all });
      top.closed = true;
      top.handlers++;
      return false;
    default: // delegate
      if (top.op !== Op.try || top.handlers > 0) throw unexpected(kw);
      f.labels.pop();
      f.out.push({ op: Op.delegate, index: resolveLabel(f, cur.next()) });
      return true;
  }
}

/** The opcode table row of a mnemonic; "unknown operator" if there is none. */
function lookupOp(atom: SExpr): OpInfo {
  if (atom.kind !== "keyword") throw unexpected(atom);
  const info = atom.text === "select_t" ? undefined : opByName(atom.text);
  if (info === undefined) {
    if (isKnownKeyword(atom.text)) throw errorAt(atom, "unexpected token");
    throw errorAt(atom, `unknown operator ${atom.text}`);
  }
  return info;
}

/** Reads an optional block label; returns its name or null. */
function parseLabel(cur: Cursor): string | null {
  const id = cur.eatId();
  return id === null ? null : id.text;
}

/** Checks an optional label after `end` or `else` against the block's label. */
function checkEndLabel(cur: Cursor, label: string | null): void {
  const id = cur.eatId();
  if (id !== null && id.text !== label) throw errorAt(id, "mismatching label");
}

/** Reads a block type: a type use, or inline parameters and results. */
export function parseBlockType(ctx: ModuleCtx, cur: Cursor): BlockType {
  if (cur.peekHead() === "type") return parseTypeUse(ctx, cur, false).type;
  const sig = parseSignature(ctx, cur, false);
  if (sig.params.length === 0) {
    if (sig.results.length === 0) return BLOCK_EMPTY;
    if (sig.results.length === 1) return sig.results[0];
  }
  return ctx.implicitFuncType(sig.params, sig.results);
}

/** Reads the catch clauses of a `try_table` (lists headed `catch`, `catch_ref`, ...). */
function parseCatches(ctx: ModuleCtx, f: FuncCtx, cur: Cursor): Catch[] {
  const catches: Catch[] = [];
  for (;;) {
    const head = cur.peekHead();
    let kind: CatchKind;
    if (head === "catch") kind = CatchKind.Catch;
    else if (head === "catch_ref") kind = CatchKind.CatchRef;
    else if (head === "catch_all") kind = CatchKind.CatchAll;
    else if (head === "catch_all_ref") kind = CatchKind.CatchAllRef;
    else return catches;
    const c = new Cursor(cur.next() as SList, 1);
    const tag = kind === CatchKind.Catch || kind === CatchKind.CatchRef
      ? ctx.tags.resolve(c.next())
      : 0;
    const label = resolveLabel(f, c.next());
    c.expectEnd();
    catches.push({ kind, tag, label });
  }
}

/** Resolves a label index (a number or a `$id` of an enclosing block). */
function resolveLabel(f: FuncCtx, atom: SExpr): number {
  if (atom.kind === "id") {
    const labels = f.labels;
    for (let i = labels.length - 1; i >= 0; i--) {
      if (labels[i] === atom.text) return labels.length - 1 - i;
    }
    throw errorAt(atom, `unknown label $${atom.text}`);
  }
  if (atom.kind !== "number") throw unexpected(atom);
  return literal(atom, (t) => Number(parseUint(t, 32)));
}

/** Reads a folded instruction `( ... )`, appending its operands first, then itself. */
export function parseFoldedInstr(ctx: ModuleCtx, f: FuncCtx, list: SList): void {
  parseFolded(ctx, f, list);
}

function parseFolded(ctx: ModuleCtx, f: FuncCtx, list: SList): void {
  const cur = new Cursor(list);
  const head = cur.next();
  const info = lookupOp(head);
  if (NOT_FOLDABLE.has(info.name)) throw unexpected(head);
  switch (info.imm) {
    case "block":
      if (info.op === Op.if) parseFoldedIf(ctx, f, cur);
      else if (info.op === Op.try) parseFoldedTry(ctx, f, cur);
      else {
        const label = parseLabel(cur);
        f.out.push({ op: info.op, blockType: parseBlockType(ctx, cur) });
        f.enter(label);
        parseInstrs(ctx, f, cur);
        f.labels.pop();
        f.out.push({ op: Op.end });
      }
      return;
    case "try_table": {
      const label = parseLabel(cur);
      const blockType = parseBlockType(ctx, cur);
      const catches = parseCatches(ctx, f, cur);
      f.out.push({ op: info.op, blockType, catches });
      f.enter(label);
      parseInstrs(ctx, f, cur);
      f.labels.pop();
      f.out.push({ op: Op.end });
      return;
    }
  }
  const instr = parseImmediates(ctx, f, info, cur, head as SAtom);
  while (!cur.done()) {
    const item = cur.next();
    if (item.kind !== "list") throw unexpected(item);
    parseFolded(ctx, f, item);
  }
  f.out.push(instr);
}

/** `(if label? blocktype cond* (then instr*) (else instr*)?)` */
function parseFoldedIf(ctx: ModuleCtx, f: FuncCtx, cur: Cursor): void {
  const label = parseLabel(cur);
  const blockType = parseBlockType(ctx, cur);
  for (;;) {
    const item = cur.next();
    if (item.kind !== "list") throw unexpected(item);
    if (listHead(item) === "then") {
      f.out.push({ op: Op.if, blockType });
      f.enter(label);
      parseInstrs(ctx, f, new Cursor(item, 1));
      if (cur.peekHead() === "else") {
        f.out.push({ op: Op.else });
        parseInstrs(ctx, f, new Cursor(cur.next() as SList, 1));
      }
      cur.expectEnd();
      f.labels.pop();
      f.out.push({ op: Op.end });
      return;
    }
    parseFolded(ctx, f, item);
  }
}

/** Legacy `(try label? blocktype (do instr*) (catch x instr*)* (catch_all instr*)?)`. */
function parseFoldedTry(ctx: ModuleCtx, f: FuncCtx, cur: Cursor): void {
  const label = parseLabel(cur);
  f.out.push({ op: Op.try, blockType: parseBlockType(ctx, cur) });
  f.enter(label);
  const body = cur.next();
  if (listHead(body) !== "do") throw unexpected(body);
  parseInstrs(ctx, f, new Cursor(body as SList, 1));
  let handlers = 0;
  while (cur.peekHead() === "catch") {
    const c = new Cursor(cur.next() as SList, 1);
    f.out.push({ op: Op.catch, index: ctx.tags.resolve(c.next()) });
    parseInstrs(ctx, f, c);
    handlers++;
  }
  if (cur.peekHead() === "catch_all") {
    f.out.push({ op: Op.catch_all });
    parseInstrs(ctx, f, new Cursor(cur.next() as SList, 1));
  } else if (cur.peekHead() === "delegate" && handlers === 0) {
    const c = new Cursor(cur.next() as SList, 1);
    f.labels.pop();
    f.out.push({ op: Op.delegate, index: resolveLabel(f, c.next()) });
    c.expectEnd();
    cur.expectEnd();
    return;
  }
  cur.expectEnd();
  f.labels.pop();
  f.out.push({ op: Op.end });
}

/** The next item if it is a keyword starting with `prefix` (read), else null. */
function eatPrefixed(cur: Cursor, prefix: string): SAtom | null {
  const item = cur.peek();
  if (item !== undefined && item.kind === "keyword" && item.text.startsWith(prefix)) {
    cur.i++;
    return item;
  }
  return null;
}

/** Reads `offset=N`? `align=N`? of a memory access into `instr`. */
function parseMemargTail(cur: Cursor, info: OpInfo, instr: Instr): void {
  const off = eatPrefixed(cur, "offset=");
  instr.offset = off === null ? 0n : natInKeyword(off, 7);
  const al = eatPrefixed(cur, "align=");
  if (al === null) instr.align = info.naturalAlign;
  else {
    const n = natInKeyword(al, 6);
    if (n === 0n || (n & (n - 1n)) !== 0n) {
      throw errorAt(al, "alignment must be a power of two");
    }
    instr.align = n.toString(2).length - 1;
  }
}

/** The u64 after `key=` in a keyword atom. */
function natInKeyword(atom: SAtom, skip: number): bigint {
  if (!isKnownKeyword(atom.text)) throw unexpected(atom);
  try {
    return parseUint(atom.text.slice(skip), 64);
  } catch (e) {
    if (e instanceof NumberLiteralError) throw errorAt(atom, e.message);
    throw e;
  }
}

/** Reads a lane index (u8). */
function laneIndex(atom: SExpr): number {
  if (atom.kind !== "number") throw unexpected(atom);
  return Number(literal(atom, (t) => parseUint(t, 8)));
}

/** Whether a node is a number literal token (including `inf` and `nan` keywords). */
function isNumLiteral(node: SExpr | undefined): node is SAtom {
  if (node === undefined) return false;
  if (node.kind === "number") return true;
  // A malformed literal (a reserved token) is reported as "unknown operator" when read.
  if (node.kind === "reserved") throw unexpected(node);
  if (node.kind === "keyword" && !isKnownKeyword(node.text)) throw unexpected(node);
  return node.kind === "keyword" &&
    (node.text === "inf" || node.text === "nan" || node.text.startsWith("nan:0x"));
}

/** Lane shapes of `v128.const`: lane count and width in bytes. */
const SHAPES: ReadonlyMap<string, { lanes: number; float: boolean }> = new Map([
  ["i8x16", { lanes: 16, float: false }],
  ["i16x8", { lanes: 8, float: false }],
  ["i32x4", { lanes: 4, float: false }],
  ["i64x2", { lanes: 2, float: false }],
  ["f32x4", { lanes: 4, float: true }],
  ["f64x2", { lanes: 2, float: true }],
]);

/** Reads `shape lane*` of a `v128.const` into 16 little-endian bytes. */
function parseV128(cur: Cursor, at: SExpr): Uint8Array {
  const shapeNode = cur.next();
  const shape = shapeNode.kind === "keyword" ? SHAPES.get(shapeNode.text) : undefined;
  if (shape === undefined) throw unexpected(shapeNode);
  const lanes: SAtom[] = [];
  while (isNumLiteral(cur.peek())) lanes.push(cur.next() as SAtom);
  if (lanes.length !== shape.lanes) throw errorAt(at, "wrong number of lane literals");
  const bytes = new Uint8Array(16);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < lanes.length; i++) {
    const lane = lanes[i];
    switch (shape.lanes) {
      case 16:
        if (shape.float) break;
        view.setInt8(i, Number(literal(lane, (t) => parseInt(t, 8))));
        break;
      case 8:
        view.setInt16(i * 2, Number(literal(lane, (t) => parseInt(t, 16))), true);
        break;
      case 4:
        if (shape.float) view.setUint32(i * 4, literal(lane, parseF32), true);
        else view.setInt32(i * 4, Number(literal(lane, (t) => parseInt(t, 32))), true);
        break;
      case 2:
        if (shape.float) view.setBigUint64(i * 8, literal(lane, parseF64), true);
        else view.setBigInt64(i * 8, literal(lane, (t) => parseInt(t, 64)), true);
        break;
    }
  }
  return bytes;
}

/** Reads the 16 lane indices of `i8x16.shuffle`. */
function parseShuffle(cur: Cursor, at: SExpr): Uint8Array {
  const lanes: SAtom[] = [];
  while (isNumLiteral(cur.peek())) lanes.push(cur.next() as SAtom);
  if (lanes.length !== 16) throw errorAt(at, "invalid lane length");
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 16; i++) {
    bytes[i] = Number(literal(lanes[i], (t) => {
      try {
        return parseUint(t, 8);
      } catch {
        throw new NumberLiteralError("i8 constant out of range");
      }
    }));
  }
  return bytes;
}

/** Whether the memarg of a lane instruction starts with a memory index (not the lane). */
function laneHasMemory(cur: Cursor): boolean {
  const first = cur.peek();
  if (first === undefined) return false;
  if (first.kind === "id") return true;
  if (first.kind !== "number") return false;
  let j = cur.i + 1;
  const items = cur.items;
  while (j < items.length) {
    const item = items[j];
    if (
      item.kind === "keyword" && (item.text.startsWith("offset=") || item.text.startsWith("align="))
    ) j++;
    else break;
  }
  return items[j]?.kind === "number";
}

/** Reads the immediates of a non-block instruction whose mnemonic `kw` has been read. */
function parseImmediates(
  ctx: ModuleCtx,
  f: FuncCtx,
  info: OpInfo,
  cur: Cursor,
  kw: SAtom,
): Instr {
  const instr: Instr = { op: info.op };
  switch (info.imm) {
    case "":
      if (info.op === Op.select) {
        // `select (result t*)*` is the typed select.
        if (cur.peekHead() === "result") {
          const types = [];
          while (cur.peekHead() === "result") {
            const c = new Cursor(cur.next() as SList, 1);
            while (!c.done()) types.push(parseValType(ctx, c.next()));
          }
          instr.op = Op.select_t;
          instr.types = types;
        }
      }
      break;
    case "label":
      instr.index = resolveLabel(f, cur.next());
      break;
    case "br_table": {
      const labels: number[] = [resolveLabel(f, cur.next())];
      while (isIndex(cur.peek())) labels.push(resolveLabel(f, cur.next()));
      instr.index = labels.pop();
      instr.labels = labels;
      break;
    }
    case "br_on_cast": {
      instr.index = resolveLabel(f, cur.next());
      const t1 = parseRefType(ctx, cur.next());
      const t2 = parseRefType(ctx, cur.next());
      instr.nullable = refNullable(t1);
      instr.heap = refHeap(t1);
      instr.nullable2 = refNullable(t2);
      instr.heap2 = refHeap(t2);
      break;
    }
    case "func":
      instr.index = ctx.funcs.resolve(cur.next());
      break;
    case "call_indirect": {
      const table = isIndex(cur.peek()) ? ctx.tables.resolve(cur.next()) : 0;
      instr.index = parseTypeUse(ctx, cur, false).type;
      instr.index2 = table;
      break;
    }
    case "type":
      instr.index = ctx.types.resolve(cur.next());
      break;
    case "local":
      instr.index = f.locals.resolve(cur.next());
      break;
    case "global":
      instr.index = ctx.globals.resolve(cur.next());
      break;
    case "table":
      instr.index = isIndex(cur.peek()) ? ctx.tables.resolve(cur.next()) : 0;
      break;
    case "memory":
      instr.index = isIndex(cur.peek()) ? ctx.memories.resolve(cur.next()) : 0;
      break;
    case "tag":
      instr.index = ctx.tags.resolve(cur.next());
      break;
    case "data":
      instr.index = ctx.datas.resolve(cur.next());
      break;
    case "elem":
      instr.index = ctx.elems.resolve(cur.next());
      break;
    case "memarg":
      instr.index = isIndex(cur.peek()) ? ctx.memories.resolve(cur.next()) : 0;
      parseMemargTail(cur, info, instr);
      break;
    case "memarg_lane":
      instr.index = laneHasMemory(cur) ? ctx.memories.resolve(cur.next()) : 0;
      parseMemargTail(cur, info, instr);
      instr.lane = laneIndex(cur.next());
      break;
    case "lane":
      instr.lane = laneIndex(cur.next());
      break;
    case "shuffle":
      instr.bytes = parseShuffle(cur, kw);
      break;
    case "i32":
      instr.value = Number(literal(cur.next(), (t) => parseInt(t, 32)));
      break;
    case "i64":
      instr.value64 = literal(cur.next(), (t) => parseInt(t, 64));
      break;
    case "f32":
      instr.value = literal(cur.next(), parseF32);
      break;
    case "f64":
      instr.value64 = literal(cur.next(), parseF64);
      break;
    case "v128":
      instr.bytes = parseV128(cur, kw);
      break;
    case "heap":
      instr.heap = parseHeapType(ctx, cur.next());
      break;
    case "reftype": {
      const t = parseRefType(ctx, cur.next());
      instr.nullable = refNullable(t);
      instr.heap = refHeap(t);
      break;
    }
    case "field": {
      const type = ctx.types.resolve(cur.next());
      instr.index = type;
      const fieldNode = cur.next();
      if (fieldNode.kind === "id") {
        const fields = ctx.fields.get(type);
        const index = fields?.names.get(fieldNode.text);
        if (index === undefined) throw errorAt(fieldNode, `unknown field $${fieldNode.text}`);
        instr.index2 = index;
      } else {
        instr.index2 = literal(fieldNode, (t) => Number(parseUint(t, 32)));
        if (fieldNode.kind !== "number") throw unexpected(fieldNode);
      }
      break;
    }
    case "fixed": {
      instr.index = ctx.types.resolve(cur.next());
      const n = cur.next();
      if (n.kind !== "number") throw unexpected(n);
      instr.index2 = literal(n, (t) => Number(parseUint(t, 32)));
      break;
    }
    case "type_data":
      instr.index = ctx.types.resolve(cur.next());
      instr.index2 = ctx.datas.resolve(cur.next());
      break;
    case "type_elem":
      instr.index = ctx.types.resolve(cur.next());
      instr.index2 = ctx.elems.resolve(cur.next());
      break;
    case "type_type":
      instr.index = ctx.types.resolve(cur.next());
      instr.index2 = ctx.types.resolve(cur.next());
      break;
    case "data_memory": {
      // memory.init memory? data
      const first = cur.next();
      if (isIndex(cur.peek())) {
        instr.index2 = ctx.memories.resolve(first);
        instr.index = ctx.datas.resolve(cur.next());
      } else {
        instr.index2 = 0;
        instr.index = ctx.datas.resolve(first);
      }
      break;
    }
    case "elem_table": {
      // table.init table? elem
      const first = cur.next();
      if (isIndex(cur.peek())) {
        instr.index2 = ctx.tables.resolve(first);
        instr.index = ctx.elems.resolve(cur.next());
      } else {
        instr.index2 = 0;
        instr.index = ctx.elems.resolve(first);
      }
      break;
    }
    case "memory_memory":
      if (isIndex(cur.peek())) {
        instr.index = ctx.memories.resolve(cur.next());
        instr.index2 = ctx.memories.resolve(cur.next());
      } else {
        instr.index = 0;
        instr.index2 = 0;
      }
      break;
    case "table_table":
      if (isIndex(cur.peek())) {
        instr.index = ctx.tables.resolve(cur.next());
        instr.index2 = ctx.tables.resolve(cur.next());
      } else {
        instr.index = 0;
        instr.index2 = 0;
      }
      break;
    case "select":
    case "block":
    case "try_table":
      throw unexpected(kw);
  }
  return instr;
}
