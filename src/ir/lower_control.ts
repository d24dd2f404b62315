/**
 * Lowering of control instructions: blocks, branches (with the moves that put label values
 * in their slots), returns, conditional branches fused with a preceding compare, and the
 * exception constructs (try_table, legacy try/catch/delegate/rethrow) with their handler
 * records.
 *
 * Invariants: at a block's entry every stack entry is materialized (so that no entry outside
 * a block depends on code inside it); at a block's end its results are in their canonical
 * slots, which are the label's slots.
 *
 * @module
 */

import { CatchKind } from "../syntax/instr.ts";
import { V128 } from "../syntax/types.ts";
import { K_C64, K_I32, K_LOCAL, K_SLOT } from "./builder.ts";
import { E_SLOT, R_BRANCH, R_LOCALS_DEAD } from "./positions.ts";
import { HK_DELEGATE, HK_LEGACY_CATCH, HK_LEGACY_CATCH_ALL } from "./compiled.ts";
import {
  blockParams,
  blockResults,
  C_CATCH,
  C_ELSE,
  C_FUNC,
  C_IF,
  C_LOOP,
  C_TRY,
  C_TRY_TABLE,
  type Frame,
  liveExns,
  type Lowering,
  newFrame,
} from "./lower_ctx.ts";
import { IR, IR_ARITY, IR_OPS, irOp } from "./ops.ts";

const BR = irOp("br");
const BR_IF = irOp("br_if");
const BR_UNLESS = irOp("br_unless");
const RETURN = irOp("return");
/** Instructions with a prefix form that executes the `return` after them. */
const RETURN_PREFIX = new Map<number, number>([
  [irOp("i32.add"), irOp("i32.add.return")],
  [irOp("i32.add_imm"), irOp("i32.add_imm.return")],
]);

/** For a compare op, the fused branch taken when it is true / when it is false (or 0). */
const FUSE_T = new Int32Array(IR_OPS.length);
const FUSE_F = new Int32Array(IR_OPS.length);
{
  const inv: Record<string, string> = {
    eq: "ne",
    ne: "eq",
    lt_s: "ge_s",
    ge_s: "lt_s",
    lt_u: "ge_u",
    ge_u: "lt_u",
    gt_s: "le_s",
    le_s: "gt_s",
    gt_u: "le_u",
    le_u: "gt_u",
  };
  for (const [c, ci] of Object.entries(inv)) {
    FUSE_T[IR[`i32.${c}`]] = IR[`br_if.i32.${c}`];
    FUSE_F[IR[`i32.${c}`]] = IR[`br_if.i32.${ci}`];
    FUSE_T[IR[`i32.${c}_imm`]] = IR[`br_if.i32.${c}_imm`];
    FUSE_F[IR[`i32.${c}_imm`]] = IR[`br_if.i32.${ci}_imm`];
  }
  FUSE_T[IR["i32.eqz"]] = BR_UNLESS;
  FUSE_F[IR["i32.eqz"]] = BR_IF;
  FUSE_T[IR["i32.and_imm"]] = IR["br_if.i32.and_imm"];
}

/** A condition taken off the stack: a fused compare, or a plain i32 operand. */
interface Cond {
  /** The compare op fused (0: plain operand `a`). */
  cmp: number;
  a: number;
  b: number;
  /** The pc of the instruction right before the un-emitted compare (or -1). */
  prev: number;
}

/**
 * For a fused branch op, the branch fused with a preceding `i32.add_imm` / `i32.add` (a
 * loop's counter update and back-edge): `ADD_IMM_BR[br]`, `ADD_BR[br]` (0: none).
 */
const ADD_IMM_BR = new Int32Array(IR_OPS.length);
const ADD_BR = new Int32Array(IR_OPS.length);
const ADD_IMM = irOp("i32.add_imm");
const ADD = irOp("i32.add");
for (const c of ["ne", "lt_s", "lt_u"]) {
  ADD_IMM_BR[IR[`br_if.i32.${c}`]] = IR[`i32.add_imm.br_if.i32.${c}`];
}
for (const c of ["ne", "lt_u"]) ADD_BR[IR[`br_if.i32.${c}`]] = IR[`i32.add.br_if.i32.${c}`];
ADD_IMM_BR[IR["br_if.i32.ne_imm"]] = IR["i32.add_imm.br_if.i32.ne_imm"];

/** Pops the i32 condition; if it is the fresh result of a compare, un-emits the compare. */
export function takeCond(L: Lowering): Cond {
  const b = L.b;
  if (b.topIsFresh() && b.lastPc >= 0) {
    const pc = b.lastPc;
    const op = b.code[pc];
    if (FUSE_T[op] !== 0 || FUSE_F[op] !== 0) {
      const prev = b.prevPc;
      const cond: Cond = { cmp: op, a: b.code[pc + 2], b: b.code[pc + 3], prev };
      b.unemit(pc);
      b.sp--;
      return cond;
    }
  }
  return { cmp: 0, a: b.pop(), b: 0, prev: -1 };
}

/**
 * Emits a branch taken when `cond` is true (`onTrue`) or false; returns the code index of
 * its target operand (to patch).
 */
export function emitCond(L: Lowering, cond: Cond, onTrue: boolean): number {
  const b = L.b;
  if (cond.cmp !== 0) {
    const fused = onTrue ? FUSE_T[cond.cmp] : FUSE_F[cond.cmp];
    if (fused !== 0) {
      const prev = cond.prev;
      if (prev >= 0 && prev + 4 === b.n) {
        const pair = b.code[prev] === ADD_IMM
          ? ADD_IMM_BR[fused]
          : b.code[prev] === ADD
          ? ADD_BR[fused]
          : 0;
        if (pair !== 0) {
          // `i32.add(_imm); br_if.i32.<cmp>`: one instruction (the add's operands stay).
          b.rec?.drop(prev);
          b.code[prev] = pair;
          b.arg(cond.a);
          b.arg(cond.b);
          const at = b.arg(-1);
          b.freshEnd = -1;
          b.lastPc = -1;
          b.prevPc = -1;
          return at;
        }
      }
      b.op(fused);
      b.arg(cond.a);
      if (IR_ARITY[fused] === 3) b.arg(cond.b);
      return b.arg(-1);
    }
    // No fused form for this polarity: recompute the compare into its slot.
    const d = b.height() * 2;
    b.op(cond.cmp);
    b.arg(d);
    b.arg(cond.a);
    if (IR_ARITY[cond.cmp] === 3) b.arg(cond.b);
    cond = { cmp: 0, a: d, b: 0, prev: -1 };
    if (b.rec !== null) {
      // The branch after it stands before the wasm branch, the condition in its slot.
      const p = b.describe(L.pos, 0, liveExns(L));
      b.rec.describe({
        ...p,
        types: [...p.types, -1],
        kinds: [...p.kinds, E_SLOT],
        vals: [...p.vals, d >> 1],
      });
    }
  }
  b.op(onTrue ? BR_IF : BR_UNLESS);
  b.arg(cond.a);
  return b.arg(-1);
}

/** The types a branch to `f` carries. */
export function labelTypes(f: Frame): readonly number[] {
  return f.kind === C_LOOP ? f.params : f.results;
}

/** Whether a branch to `f` needs moves (or is a return). */
export function needsMoves(L: Lowering, f: Frame): boolean {
  if (f.kind === C_FUNC) return true;
  const b = L.b;
  const n = labelTypes(f).length;
  let slot = f.slot;
  for (let i = b.sp - n; i < b.sp; i++) {
    if (b.eKind[i] !== K_SLOT || b.ePos[i] !== slot) return true;
    slot += b.eType[i] === V128 ? 2 : 1;
  }
  return false;
}

/** Writes entry `i` to slot `slot` (absolute) without changing the entry. */
function moveTo(L: Lowering, i: number, slot: number): void {
  const b = L.b;
  const kind = b.eKind[i];
  if (kind === K_SLOT && b.ePos[i] === slot) return;
  if (kind === K_LOCAL && b.eVal[i] === slot) return;
  if (kind === K_I32) {
    b.op(irOp("const32"));
    b.arg(slot * 2);
    b.arg(b.eVal[i]);
  } else if (kind === K_C64) {
    b.op(irOp("const64"));
    b.arg(slot * 2);
    b.arg(b.eVal[i]);
  } else {
    b.copy(b.eType[i], slot * 2, kind === K_LOCAL ? b.eVal[i] * 2 : b.ePos[i] * 2);
  }
}

/** Moves the top values a branch to `f` carries to the label's slots (ascending: safe). */
function emitMoves(L: Lowering, f: Frame): void {
  const b = L.b;
  const n = labelTypes(f).length;
  let slot = f.slot;
  for (let i = b.sp - n; i < b.sp; i++) {
    describeBranch(L, f, i - (b.sp - n));
    moveTo(L, i, slot);
    slot += b.eType[i] === V128 ? 2 : 1;
  }
  describeBranch(L, f, n);
}

/**
 * When recording positions: the state while a branch to `f` moves its values, the first
 * `moved` of them done: the branch target (a loop's start, the instruction after a block's
 * end, or the function returning), the label values where they are now.
 */
function describeBranch(L: Lowering, f: Frame, moved: number): void {
  const b = L.b;
  if (b.rec === null) return;
  if (f.kind === C_FUNC) {
    describeReturn(L, moved);
    return;
  }
  const n = labelTypes(f).length;
  // A loop's label is the start of its body (every value in its slot there).
  const offset = b.rec.offsetOf(-2 - f.id);
  const p = b.describe(offset, R_BRANCH, liveExns(L), f.height);
  const types = p.types as number[], kinds = p.kinds as number[], vals = p.vals as number[];
  let slot = f.slot;
  for (let k = 0, i = b.sp - n; k < n; k++, i++) {
    types.push(b.eType[i]);
    kinds.push(k < moved ? E_SLOT : b.eKind[i]);
    vals.push(k < moved ? slot : b.eKind[i] === K_SLOT ? b.ePos[i] : b.eVal[i]);
    slot += b.eType[i] === V128 ? 2 : 1;
  }
  b.rec.describe(p);
}

/**
 * When recording positions: the state while the function returns its top results, the
 * first `moved` of them in their result slots: at the final `end`, its locals dead.
 */
function describeReturn(L: Lowering, moved: number): void {
  const b = L.b;
  if (b.rec === null) return;
  const n = L.type.results.length;
  const types: number[] = [], kinds: number[] = [], vals: number[] = [];
  let slot = 0;
  for (let k = 0, i = b.sp - n; k < n; k++, i++) {
    types.push(b.eType[i]);
    kinds.push(k < moved ? E_SLOT : b.eKind[i]);
    vals.push(k < moved ? slot : b.eKind[i] === K_SLOT ? b.ePos[i] : b.eVal[i]);
    slot += b.eType[i] === V128 ? 2 : 1;
  }
  b.rec.describe({ offset: L.finalEnd, flags: R_LOCALS_DEAD, types, kinds, vals, live: [] });
}

/** Emits a return of the top results (moves to slots 0.. and `return`). */
export function emitReturn(L: Lowering): void {
  const b = L.b;
  const n = L.type.results.length;
  const first = b.sp - n;
  if (n === 1 && b.topIsFresh()) {
    // The last instruction computed the result: let it write slot 0 directly.
    b.rec?.drop(b.lastPc);
    b.code[b.freshDst] = 0;
    describeReturn(L, 1);
    b.prefix(RETURN_PREFIX);
    b.op(RETURN);
    return;
  }
  if (n > 1) {
    // Sources in locals could be overwritten by earlier moves: copy them up first.
    for (let i = first; i < b.sp; i++) if (b.eKind[i] === K_LOCAL) b.materialize(i);
  }
  let slot = 0;
  for (let i = first; i < b.sp; i++) {
    describeReturn(L, i - first);
    moveTo(L, i, slot);
    slot += b.eType[i] === V128 ? 2 : 1;
  }
  describeReturn(L, n);
  b.prefix(RETURN_PREFIX);
  b.op(RETURN);
}

/** Emits an unconditional jump to frame `fi` (moves included). */
export function emitJump(L: Lowering, fi: number): void {
  const f = L.ctl[fi];
  if (f.kind === C_FUNC) {
    emitReturn(L);
    return;
  }
  emitMoves(L, f);
  L.b.op(BR);
  const at = L.b.arg(f.target);
  if (f.target < 0) f.patches.push(at);
}

/** `br l`. */
export function br(L: Lowering, l: number): void {
  emitJump(L, L.ctl.length - 1 - l);
  L.reachable = false;
}

/** `br_if l`. */
export function brIf(L: Lowering, l: number): void {
  const fi = L.ctl.length - 1 - l;
  const f = L.ctl[fi];
  const cond = takeCond(L);
  if (!needsMoves(L, f)) {
    const at = emitCond(L, cond, true);
    if (f.target >= 0) L.b.code[at] = f.target;
    else f.patches.push(at);
    return;
  }
  const skip = emitCond(L, cond, false);
  emitJump(L, fi);
  L.b.code[skip] = L.b.label();
}

/** `br_table labels default`. */
export function brTable(L: Lowering, labels: readonly number[], def: number): void {
  const b = L.b;
  const idx = b.pop();
  const all = [...labels, def];
  const k = b.brTables.length;
  b.brTables.push(labels.length);
  for (let i = 0; i < all.length; i++) b.brTables.push(-1);
  b.op(irOp("br_table"));
  b.arg(idx);
  b.arg(k);
  const tramp = new Map<number, number>();
  for (let i = 0; i < all.length; i++) {
    const fi = L.ctl.length - 1 - all[i];
    const f = L.ctl[fi];
    const at = k + 1 + i;
    if (!needsMoves(L, f)) {
      if (f.target >= 0) b.brTables[at] = f.target;
      else f.tablePatches.push(at);
      continue;
    }
    let pc = tramp.get(fi);
    if (pc === undefined) {
      pc = b.label();
      emitJump(L, fi);
      tramp.set(fi, pc);
    }
    b.brTables[at] = pc;
  }
  L.reachable = false;
}

/** Opens a block of kind `kind` (block, loop, try_table, legacy try) with block type `bt`. */
export function enterBlock(L: Lowering, kind: number, bt: number): Frame {
  const b = L.b;
  b.materializeFrom(0);
  const params = blockParams(L.module, bt);
  const height = b.sp - params.length;
  const slot = params.length > 0 ? b.ePos[height] : b.height();
  const f = newFrame(kind, params, blockResults(L.module, bt), height, slot);
  f.id = L.nextId++;
  f.pos = L.pos;
  if (kind === C_LOOP) {
    f.target = b.label();
    // A branch to the loop lands at the first instruction of its body.
    if (b.rec !== null) L.afterEnd.push(-2 - f.id);
  } else if (kind === C_TRY_TABLE || kind === C_TRY) f.bodyStart = b.label();
  if (kind === C_TRY) f.exnSlot = L.nextExnSlot++;
  L.ctl.push(f);
  return f;
}

/** `if bt`. */
export function enterIf(L: Lowering, bt: number): void {
  const b = L.b;
  const cond = takeCond(L);
  b.materializeFrom(0);
  const params = blockParams(L.module, bt);
  const height = b.sp - params.length;
  const slot = params.length > 0 ? b.ePos[height] : b.height();
  const f = newFrame(C_IF, params, blockResults(L.module, bt), height, slot);
  f.id = L.nextId++;
  f.pos = L.pos;
  f.elsePatch = emitCond(L, cond, false);
  L.ctl.push(f);
}

/** Resets the stack to `f`'s height plus `types` in their canonical slots. */
function resetStack(L: Lowering, f: Frame, types: readonly number[]): void {
  const b = L.b;
  b.sp = f.height;
  for (const t of types) b.push(t, K_SLOT, 0);
}

/** Ends the current part of `f` (body, then-branch, catch): results in place, jump to end. */
function finishPart(L: Lowering, f: Frame): void {
  if (!L.reachable) return;
  L.b.materializeFrom(f.height);
  L.b.op(BR);
  f.patches.push(L.b.arg(-1));
}

/** `else`. */
export function elseBranch(L: Lowering): void {
  const f = L.ctl[L.ctl.length - 1];
  finishPart(L, f);
  L.b.code[f.elsePatch] = L.b.label();
  f.elsePatch = -1;
  f.kind = C_ELSE;
  resetStack(L, f, f.params);
  L.reachable = true;
}

/** Defines `f`'s end label here: patches every branch and handler waiting for it. */
function closeLabel(L: Lowering, f: Frame): void {
  const b = L.b;
  const pc = b.label();
  if (b.rec !== null && f.kind !== C_FUNC) L.afterEnd.push(-2 - f.id);
  for (const at of f.patches) b.code[at] = pc;
  for (const at of f.tablePatches) b.brTables[at] = pc;
  for (const at of f.handlerPatches) b.handlers[at] = pc;
}

/** Adds a handler record; its target is frame `ti`'s label. */
function addHandler(
  L: Lowering,
  start: number,
  end: number,
  kind: number,
  tag: number,
  ti: number,
  exn: number,
  depth: number,
): void {
  const h = L.b.handlers;
  const tf = L.ctl[ti];
  const at = h.length + 4;
  h.push(start, end, kind, tag, tf.target, tf.slot * 2, exn, depth);
  if (tf.target < 0) tf.handlerPatches.push(at);
}

/** `end` of a block (not the function's). */
export function endBlock(L: Lowering): void {
  const b = L.b;
  const fi = L.ctl.length - 1;
  const f = L.ctl[fi];
  if (L.reachable) b.materializeFrom(f.height);
  if (f.kind === C_TRY_TABLE) {
    const end = b.n;
    for (const c of f.catches) {
      const tag = c.kind === CatchKind.Catch || c.kind === CatchKind.CatchRef
        ? L.inst.tags[c.tag]
        : -1;
      addHandler(L, f.bodyStart, end, c.kind, tag, fi - 1 - c.label, -1, fi);
    }
  }
  if (f.elsePatch >= 0) f.patches.push(f.elsePatch);
  if (f.kind !== C_LOOP) closeLabel(L, f);
  L.ctl.pop();
  resetStack(L, f, f.results);
  L.reachable = true;
}

/** Legacy `catch x` (`tag` >= 0) or `catch_all` (`tag` = -1) of the current try. */
export function legacyCatch(L: Lowering, tag: number): void {
  const b = L.b;
  const fi = L.ctl.length - 1;
  const f = L.ctl[fi];
  finishPart(L, f);
  if (f.kind === C_TRY) f.bodyEnd = b.n;
  const target = b.label();
  const tagAddr = tag >= 0 ? L.inst.tags[tag] : -1;
  b.handlers.push(
    f.bodyStart,
    f.bodyEnd,
    tag >= 0 ? HK_LEGACY_CATCH : HK_LEGACY_CATCH_ALL,
    tagAddr,
    target,
    f.slot * 2,
    f.exnSlot * 2,
    fi,
  );
  f.kind = C_CATCH;
  if (tag >= 0) {
    const ft = L.module.types[L.info.tags[tag]].comp as { params: number[] };
    resetStack(L, f, ft.params);
  } else resetStack(L, f, []);
  L.reachable = true;
}

/** Legacy `delegate l`: ends the current try, whose body's exceptions go to label `l`. */
export function delegate(L: Lowering, l: number): void {
  const b = L.b;
  const fi = L.ctl.length - 1;
  const f = L.ctl[fi];
  if (L.reachable) b.materializeFrom(f.height);
  b.handlers.push(f.bodyStart, b.n, HK_DELEGATE, fi - 1 - l, -1, -1, -1, fi);
  closeLabel(L, f);
  L.ctl.pop();
  resetStack(L, f, f.results);
  L.reachable = true;
}

/** Legacy `rethrow l`. */
export function rethrow(L: Lowering, l: number): void {
  const f = L.ctl[L.ctl.length - 1 - l];
  if (f.kind !== C_CATCH) throw new Error("rethrow: not a catch label");
  L.b.op(irOp("throw_ref"));
  L.b.arg(f.exnSlot * 2);
  L.reachable = false;
}

/** The function's final `end`: return, then the exit that handlers targeting it use. */
export function endFunction(L: Lowering): void {
  const f = L.ctl[0];
  if (L.reachable) emitReturn(L);
  if (f.handlerPatches.length > 0) {
    closeLabel(L, f);
    resetStack(L, f, f.results);
    emitReturn(L);
  }
  L.ctl.pop();
}
