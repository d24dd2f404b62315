/**
 * Lowering of a validated function to IR (see `ops.ts`): one pass over its body with
 * {@linkcode CodeReader}, turning the operand stack into fixed frame slots (register code),
 * forwarding `local.get`s and constants to their consumers, folding `local.set` into the
 * producing instruction (and a single returned value into slot 0), fusing compares into
 * conditional branches, constant operands into `_imm` forms, a load into its consumer
 * (`f64.mul_load`, `f64.add_store`, `mem.copy8`...), `i32.add_imm` into a following load's
 * address, two consecutive `i32.add_imm`s, shifts/rotations into a following xor, and
 * resolving indices to store addresses through the instance. Fusions only look back at the
 * instruction just emitted (never across a label), so they cannot change what a branch
 * target sees.
 *
 * Control flow, branches and exceptions are in `lower_control.ts`; the abstract stack and the
 * code buffer in `builder.ts`.
 *
 * Assumes the function is valid (validation passed): no checks of types or indices here.
 * SIMD instructions are lowered by `lower_simd.ts`, GC instructions by `lower_gc.ts`.
 * Instructions the engine does not run (`RUNS` in `support.ts`) are refused at instantiation;
 * should one reach here, it throws {@linkcode UnsupportedError}.
 *
 * Deterministic: the same function of the same instance always lowers to the same code.
 *
 * @module
 */

import { CodeReader } from "../binary/code.ts";
import { UnsupportedError } from "../errors.ts";
import type { Store, WasmFunc } from "../runtime/store.ts";
import { Op, OPS } from "../syntax/opcodes.ts";
import { F32, F64, type FuncType, I32, I64, V128, type ValType } from "../syntax/types.ts";
import { finishCode } from "./lower_final.ts";
import { copyOp, FuncBuilder, is64, K_C64, K_I32, K_LOCAL, K_SLOT } from "./builder.ts";
import type { CompiledFunc } from "./compiled.ts";
import { type PositionTable, PosRecorder } from "./positions.ts";
import { runTicks } from "./ticks.ts";
import { isSimd, lowerSimd } from "./lower_simd.ts";
import { isGc, lowerGc } from "./lower_gc.ts";
import {
  br,
  brIf,
  brTable,
  delegate,
  elseBranch,
  emitJump,
  emitReturn,
  endBlock,
  endFunction,
  enterBlock,
  enterIf,
  legacyCatch,
  needsMoves,
  rethrow,
} from "./lower_control.ts";
import {
  C_BLOCK,
  C_FUNC,
  C_LOOP,
  C_TRY,
  C_TRY_TABLE,
  liveExns,
  type Lowering,
  newFrame,
} from "./lower_ctx.ts";
import { IR, irOp } from "./ops.ts";

/** For each wasm op with a same-named IR op taking register operands, that IR op (else 0). */
const DIRECT = new Int32Array(OPS.length);
/** The result type of fixed-signature wasm ops (0 = none). */
const RESULT = new Int32Array(OPS.length);
/** The number of operands of fixed-signature wasm ops. */
const NPARAMS = new Int8Array(OPS.length);
/** For i32 binary ops, their `_imm` form when the second operand is a constant (else 0). */
const IMM = new Int32Array(OPS.length);
/** Whether a binary op is commutative (a constant first operand may be swapped). */
const COMMUTES = new Uint8Array(OPS.length);

function letter(c: string): ValType {
  return c === "i" ? I32 : c === "I" ? I64 : c === "f" ? F32 : c === "F" ? F64 : V128;
}

for (const info of OPS) {
  if (info.params === null || info.results === null) continue;
  if (info.params.includes("v") || info.results.includes("v")) continue;
  RESULT[info.op] = info.results.length === 0 ? 0 : letter(info.results);
  const ir = IR[info.name];
  if (ir === undefined) continue;
  DIRECT[info.op] = ir;
  RESULT[info.op] = info.results.length === 0 ? 0 : letter(info.results);
  NPARAMS[info.op] = info.params.length;
  const imm = IR[info.name + "_imm"];
  if (imm !== undefined) IMM[info.op] = imm;
}
IMM[Op["i32.sub"]] = IR["i32.add_imm"];
IMM[Op["i64.sub"]] = IR["i64.add_imm"];
for (const n of ["add", "mul", "and", "or", "xor", "eq", "ne"]) {
  COMMUTES[Op[`i32.${n}` as "i32.add"]] = 1;
}
for (const n of ["add", "mul", "and", "or", "xor"]) COMMUTES[Op[`i64.${n}` as "i64.add"]] = 1;
/** i64 shifts: a constant count is stored masked. */
const SHIFT64 = new Uint8Array(OPS.length);
SHIFT64[Op["i64.shl"]] = SHIFT64[Op["i64.shr_s"]] = SHIFT64[Op["i64.shr_u"]] = 1;
/** Binary ops whose second operand may be a load fused in: [op, load, fused]. */
const WITH_LOAD = new Map<number, [number, number]>([
  [Op["f64.add"], [IR["f64.load"], IR["f64.add_load"]]],
  [Op["f64.sub"], [IR["f64.load"], IR["f64.sub_load"]]],
  [Op["f64.mul"], [IR["f64.load"], IR["f64.mul_load"]]],
  [Op["i32.add"], [IR["i32.load"], IR["i32.add_load"]]],
]);
/** For stores: the loads whose value they may move directly, and the fused op. */
const COPY_OF = new Map<number, [number[], number]>([
  [IR["i32.store8"], [[IR["i32.load8_u"], IR["i32.load8_s"]], IR["mem.copy8"]]],
  [IR["i32.store"], [[IR["i32.load"], IR["f32.load"]], IR["mem.copy32"]]],
  [IR["f32.store"], [[IR["i32.load"], IR["f32.load"]], IR["mem.copy32"]]],
  [IR["i64.store"], [[IR["i64.load"], IR["f64.load"]], IR["mem.copy64"]]],
  [IR["f64.store"], [[IR["i64.load"], IR["f64.load"]], IR["mem.copy64"]]],
]);
/** The `_add2` form of each memory-to-memory move. */
const COPY_ADD2 = new Map<number, number>([
  [IR["mem.copy8"], IR["mem.copy8_add2"]],
  [IR["mem.copy32"], IR["mem.copy32_add2"]],
  [IR["mem.copy64"], IR["mem.copy64_add2"]],
]);
/** Binary ops whose second operand may be the fresh result of `d = op(s, imm)`. */
const WITH_IMM_OP = new Map<number, Map<number, number>>([
  [
    Op["i32.xor"],
    new Map([
      [IR["i32.shr_u_imm"], IR["i32.xor_shr_u_imm"]],
    ]),
  ],
  [
    Op["i64.xor"],
    new Map([
      [IR["i64.shr_s_imm"], IR["i64.xor_shr_s_imm"]],
    ]),
  ],
]);
/** Loads with an address `x + k` fused in. */
const LOAD_ADD = new Map<number, number>([
  [IR["i32.load"], IR["i32.load_add"]],
  [IR["i32.load8_u"], IR["i32.load8_u_add"]],
]);
const ADD_IMM = IR["i32.add_imm"];
const ADD = IR["i32.add"];
const I64_ADD_IMM = IR["i64.add_imm"];
/** Instructions with a prefix form that executes the `call` after them. */
const CALL_PREFIX = new Map<number, number>([[IR["i32.add_imm"], IR["i32.add_imm.call"]]]);
const AND_IMM = IR["i32.and_imm"];
const SHR_U_IMM = IR["i32.shr_u_imm"];
const SHR_U_AND_IMM = IR["i32.shr_u_and_imm"];
const I64_MUL_IMM = IR["i64.mul_imm"];
const I64_MUL_ADD_IMM = IR["i64.mul_add_imm"];
/** Loads whose address may be a fused `i32.add` of two operands. */
const LOAD_IDX = new Map<number, number>([
  [IR["i32.load"], IR["i32.load_idx"]],
  [IR["i32.load8_u"], IR["i32.load8_u_idx"]],
]);
const ADD_IMM2 = IR["i32.add_imm2"];
/** i32 stores of a constant value. */
const STORE_IMM = new Int32Array(OPS.length);
STORE_IMM[Op["i32.store"]] = IR["i32.store_imm"];
STORE_IMM[Op["i32.store8"]] = IR["i32.store8_imm"];
STORE_IMM[Op["i32.store16"]] = IR["i32.store16_imm"];

const TWO_32 = 0x1_0000_0000n;

/** Options of the lowering. */
export interface LowerOptions {
  /**
   * Whether to fuse instructions (default true). Without fusions every wasm instruction keeps
   * its own IR boundary (tests lower both ways; restore uses it for frames that stand inside
   * a fused group, see `deopt`).
   */
  fuse?: boolean;
  /**
   * Append an unfused copy of the function after its normal code (`CompiledFunc.unfused` is
   * its first pc): a restored frame can stand at any wasm instruction there and runs on in it
   * until it returns. Ignored without fusions.
   */
  deopt?: boolean;
}

/**
 * Lowers the wasm function at store address `addr` (a {@linkcode WasmFunc}) to IR.
 *
 * @throws UnsupportedError for an instruction the engine does not run yet (unreachable:
 *   instantiation refuses those modules)
 */
export function lowerFunction(
  store: Store,
  addr: number,
  options: LowerOptions = {},
): CompiledFunc {
  return lower(store, addr, options, null);
}

/**
 * Lowers function `addr` as {@linkcode lowerFunction} does with the same `options` (the same
 * code, as lowering is deterministic) and records its position table (positions.ts).
 */
export function lowerWithPositions(
  store: Store,
  addr: number,
  options: LowerOptions = {},
): { func: CompiledFunc; table: PositionTable } {
  const rec = new PosRecorder();
  const func = lower(store, addr, options, rec);
  return { func, table: rec.finish(func.code.length) };
}

function lower(
  store: Store,
  addr: number,
  options: LowerOptions,
  rec: PosRecorder | null,
): CompiledFunc {
  const fn = store.objects[addr] as WasmFunc;
  const inst = store.instances[fn.instance];
  const module = inst.module, info = inst.info;
  const fi = info.funcs[fn.index - info.importedFuncs];
  const body = module.funcs[fn.index - info.importedFuncs];
  const type = module.types[info.funcTypes[fn.index]].comp as FuncType;

  // Local slots.
  const nLocals = fi.locals.length;
  const localSlot = new Int32Array(nLocals);
  let slots = 0, paramSlots = 0;
  for (let i = 0; i < nLocals; i++) {
    localSlot[i] = slots;
    slots += fi.locals[i] === V128 ? 2 : 1;
    if (i + 1 === fi.params) paramSlots = slots;
  }
  const localSlots = slots;
  // One hidden slot per legacy try.
  let tries = 0;
  for (let i = 0; i < fi.blocks.length; i += 4) if (body.body[fi.blocks[i]] === 0x06) tries++;
  const base = localSlots + tries;

  const b = new FuncBuilder(base);
  b.rec = rec;
  const fuse = options.fuse ?? true;
  const lowering = (): Lowering => ({
    store,
    inst,
    instAddr: fn.instance,
    module,
    info,
    b,
    ctl: [newFrame(C_FUNC, [], type.results, 0, base)],
    reachable: true,
    skip: 0,
    nextExnSlot: localSlots,
    type,
    locals: fi.locals,
    pos: 0,
    finalEnd: body.body.length - 1,
    afterEnd: [],
    nextId: 0,
  });

  b.fuse = fuse;
  lowerBody(lowering(), body.body, body.offset, localSlot);
  if (fuse) finishCode(b.code, b.n);
  let unfused = -1;
  if (fuse && options.deopt === true) {
    // The unfused copy: the same function again, after the normal code.
    unfused = b.label();
    b.fuse = false;
    b.sp = 0;
    lowerBody(lowering(), body.body, body.offset, localSlot);
  }
  if (!b.fuse) {
    // A landing place for a frame restored while it returns: its results in their canonical
    // slots at the function's final `end`.
    const L = lowering();
    b.label();
    b.sp = 0;
    for (const t of type.results) b.push(t, K_SLOT, 0);
    b.startAt(L.finalEnd, []);
    emitReturn(L);
  }

  let results = 0;
  for (const t of type.results) results += t === V128 ? 2 : 1;
  const code = b.code.slice(0, b.n);
  let ticks: Int32Array;
  if (unfused < 0) ticks = runTicks(code);
  else {
    // Each section counts on its own (a run never continues from one into the other).
    ticks = new Int32Array(code.length);
    ticks.set(runTicks(code.subarray(0, unfused)));
    ticks.set(runTicks(code.subarray(unfused)), unfused);
  }
  return {
    code,
    ticks,
    pool: b.pool.slice(0, b.poolN * 2),
    pool64: new BigInt64Array(b.pool.slice(0, b.poolN * 2).buffer),
    brTables: Int32Array.from(b.brTables),
    srcMap: Int32Array.from(b.srcMap),
    handlers: Int32Array.from(b.handlers),
    params: paramSlots,
    results,
    locals: localSlots,
    frameSize: Math.max(b.top, results, base),
    addr,
    type: fn.type,
    instance: fn.instance,
    mem0: inst.memories.length > 0 ? store.memories[inst.memories[0]] : null,
    unfused,
  };
}

/** Lowers a function body (one section of the code). */
function lowerBody(L: Lowering, body: Uint8Array, offset: number, localSlot: Int32Array): void {
  const b = L.b;
  const r = new CodeReader(body);
  while (!r.done) {
    const op = r.next();
    b.offset = offset + r.pos;
    L.pos = r.pos;
    if (b.rec !== null) {
      // The blocks that ended just before this instruction: a branch to them lands here.
      for (const ph of L.afterEnd) b.rec.resolve(ph, r.pos);
      L.afterEnd.length = 0;
      if (L.reachable) b.startAt(r.pos, liveExns(L));
    }
    if (!L.reachable) {
      switch (op) {
        case Op.block:
        case Op.loop:
        case Op.if:
        case Op.try:
        case Op.try_table:
          L.skip++;
          continue;
        case Op.end:
        case Op.delegate:
          if (L.skip > 0) {
            L.skip--;
            continue;
          }
          break;
        case Op.else:
        case Op.catch:
        case Op.catch_all:
          if (L.skip > 0) continue;
          break;
        default:
          continue;
      }
    }
    lowerInstr(L, r, op, localSlot);
  }
}

function notSupported(op: number): never {
  throw new UnsupportedError(OPS[op].name);
}

/** The function type of a type index. */
function funcType(L: Lowering, x: number): FuncType {
  return L.module.types[x].comp as FuncType;
}

/** Materializes the top `n` entries (call arguments); returns their first slot and pops them. */
function takeArgs(L: Lowering, params: readonly ValType[]): number {
  const b = L.b;
  const first = b.sp - params.length;
  b.materializeFrom(first);
  const base = first < b.sp ? b.ePos[first] : b.height();
  b.sp = first;
  return base;
}

function slotsOf(ts: readonly ValType[]): number {
  let n = 0;
  for (const t of ts) n += t === V128 ? 2 : 1;
  return n;
}

/**
 * Records the call just emitted (when recording positions): its arguments start at slot
 * `base`, the stack below them is the builder's.
 */
function callSite(L: Lowering, base: number): void {
  const b = L.b;
  if (b.rec === null) return;
  b.rec.call({
    offset: L.pos,
    retPc: b.n,
    argBase: base,
    below: b.describe(L.pos, 0, liveExns(L)),
  });
}

function pushAll(L: Lowering, ts: readonly ValType[]): void {
  for (const t of ts) L.b.pushResult(t);
}

function lowerInstr(L: Lowering, r: CodeReader, op: number, localSlot: Int32Array): void {
  const b = L.b;
  const direct = DIRECT[op];
  if (direct !== 0) {
    if (OPS[op].imm === "memarg") {
      memAccess(L, r, op, direct);
      return;
    }
    numeric(L, op, direct);
    return;
  }
  switch (op) {
    case Op.unreachable:
      b.op(irOp("unreachable"));
      L.reachable = false;
      return;
    case Op.nop:
      return;
    case Op.block:
      enterBlock(L, C_BLOCK, r.blockType);
      return;
    case Op.loop:
      enterBlock(L, C_LOOP, r.blockType);
      return;
    case Op.if:
      enterIf(L, r.blockType);
      return;
    case Op.else:
      elseBranch(L);
      return;
    case Op.end:
      if (L.ctl.length === 1) endFunction(L);
      else endBlock(L);
      return;
    case Op.try_table: {
      const f = enterBlock(L, C_TRY_TABLE, r.blockType);
      f.catches = r.catches.slice();
      return;
    }
    case Op.try:
      enterBlock(L, C_TRY, r.blockType);
      return;
    case Op.catch:
      legacyCatch(L, r.index);
      return;
    case Op.catch_all:
      legacyCatch(L, -1);
      return;
    case Op.delegate:
      delegate(L, r.index);
      return;
    case Op.rethrow:
      rethrow(L, r.index);
      return;
    case Op.throw: {
      const ft = funcType(L, L.info.tags[r.index]);
      const base = takeArgs(L, ft.params);
      b.op(irOp("throw"));
      b.arg(L.inst.tags[r.index]);
      b.arg(base * 2);
      b.arg(slotsOf(ft.params));
      L.reachable = false;
      return;
    }
    case Op.throw_ref: {
      const s = b.pop();
      b.op(irOp("throw_ref"));
      b.arg(s);
      L.reachable = false;
      return;
    }
    case Op.br:
      br(L, r.index);
      return;
    case Op.br_if:
      brIf(L, r.index);
      return;
    case Op.br_table:
      brTable(L, r.labels, r.index);
      return;
    case Op.return:
      emitReturn(L);
      L.reachable = false;
      return;
    case Op.call: {
      const ft = funcType(L, L.info.funcTypes[r.index]);
      const base = takeArgs(L, ft.params);
      b.prefix(CALL_PREFIX);
      b.op(irOp("call"));
      b.arg(L.inst.funcs[r.index]);
      b.arg(base * 2);
      callSite(L, base);
      pushAll(L, ft.results);
      return;
    }
    case Op.call_indirect:
    case Op.return_call_indirect: {
      const ft = funcType(L, r.index);
      const idx = b.pop();
      const base = takeArgs(L, ft.params);
      const tail = op === Op.return_call_indirect;
      b.op(irOp(tail ? "return_call_indirect" : "call_indirect"));
      b.arg(base * 2);
      b.arg(idx);
      b.arg(L.inst.tables[r.index2]);
      b.arg(L.info.types.canon[r.index]);
      if (tail) {
        b.arg(slotsOf(ft.params));
        L.reachable = false;
      } else {
        callSite(L, base);
        pushAll(L, ft.results);
      }
      return;
    }
    case Op.call_ref:
    case Op.return_call_ref: {
      const ft = funcType(L, r.index);
      const ref = b.pop();
      const base = takeArgs(L, ft.params);
      const tail = op === Op.return_call_ref;
      b.op(irOp(tail ? "return_call_ref" : "call_ref"));
      b.arg(base * 2);
      b.arg(ref);
      if (tail) {
        b.arg(slotsOf(ft.params));
        L.reachable = false;
      } else {
        callSite(L, base);
        pushAll(L, ft.results);
      }
      return;
    }
    case Op.return_call: {
      const ft = funcType(L, L.info.funcTypes[r.index]);
      const base = takeArgs(L, ft.params);
      b.op(irOp("return_call"));
      b.arg(L.inst.funcs[r.index]);
      b.arg(base * 2);
      b.arg(slotsOf(ft.params));
      L.reachable = false;
      return;
    }
    case Op.drop:
      b.sp--;
      return;
    case Op.select:
    case Op.select_t: {
      const t = b.eType[b.sp - 2];
      const c = b.pop();
      const v2 = b.pop();
      const v1 = b.pop();
      const d = b.pushResult(t);
      b.op(irOp(t === V128 ? "select_v128" : is64(t) ? "select64" : "select"));
      const at = b.arg(d);
      b.arg(v1);
      b.arg(v2);
      b.arg(c);
      b.fresh(at);
      return;
    }
    case Op["local.get"]:
      b.push(L.locals[r.index], K_LOCAL, localSlot[r.index]);
      return;
    case Op["local.set"]:
    case Op["local.tee"]:
      setLocal(L, localSlot[r.index], L.locals[r.index], op === Op["local.tee"]);
      return;
    case Op["global.get"]: {
      const g = L.store.globals[L.inst.globals[r.index]];
      const d = b.pushResult(g.type);
      b.op(
        irOp(g.type === V128 ? "global.get_v128" : is64(g.type) ? "global.get64" : "global.get"),
      );
      const at = b.arg(d);
      b.arg(g.slot * 2);
      b.fresh(at);
      return;
    }
    case Op["global.set"]: {
      const g = L.store.globals[L.inst.globals[r.index]];
      const s = b.pop();
      b.op(
        irOp(g.type === V128 ? "global.set_v128" : is64(g.type) ? "global.set64" : "global.set"),
      );
      b.arg(g.slot * 2);
      b.arg(s);
      return;
    }
    case Op["i32.reinterpret_f32"]:
    case Op["f32.reinterpret_i32"]:
    case Op["i64.reinterpret_f64"]:
    case Op["f64.reinterpret_i64"]: {
      const s = b.pop();
      const d = b.pushResult(RESULT[op]);
      b.op(copyOp(RESULT[op]));
      const at = b.arg(d);
      b.arg(s);
      b.fresh(at);
      return;
    }
    case Op["i32.const"]:
      b.push(I32, K_I32, r.value | 0);
      return;
    case Op["f32.const"]:
      b.push(F32, K_I32, r.value | 0);
      return;
    case Op["i64.const"]:
      b.push(I64, K_C64, b.constBig(r.value64));
      return;
    case Op["f64.const"]:
      b.push(F64, K_C64, b.constBig(r.value64));
      return;
    case Op["ref.null"]:
      b.push(-0x100, K_I32, 0);
      return;
    case Op["ref.func"]:
      b.push(-0x100, K_I32, L.inst.funcs[r.index]);
      return;
    case Op["ref.is_null"]: {
      const s = b.pop();
      const d = b.pushResult(I32);
      b.op(irOp("ref.is_null"));
      const at = b.arg(d);
      b.arg(s);
      b.fresh(at);
      return;
    }
    case Op["ref.eq"]: {
      const s2 = b.pop();
      const s1 = b.pop();
      const d = b.pushResult(I32);
      b.op(irOp("ref.eq"));
      const at = b.arg(d);
      b.arg(s1);
      b.arg(s2);
      b.fresh(at);
      return;
    }
    case Op["ref.as_non_null"]: {
      const s = b.read(b.sp - 1);
      b.op(irOp("ref.as_non_null"));
      b.arg(s);
      return;
    }
    case Op.br_on_null:
    case Op.br_on_non_null:
      brOnNull(L, r.index, op === Op.br_on_null);
      return;
    case Op["memory.size"]: {
      const d = b.pushResult(L.info.memories[r.index].is64 ? I64 : I32);
      b.op(irOp("memory.size"));
      b.arg(d);
      b.arg(L.inst.memories[r.index]);
      return;
    }
    case Op["memory.grow"]: {
      const s = b.pop();
      const d = b.pushResult(L.info.memories[r.index].is64 ? I64 : I32);
      b.op(irOp("memory.grow"));
      b.arg(d);
      b.arg(s);
      b.arg(L.inst.memories[r.index]);
      return;
    }
    case Op["memory.fill"]:
      three(L, "memory.fill", L.inst.memories[r.index]);
      return;
    case Op["memory.copy"]:
      three(L, "memory.copy", L.inst.memories[r.index], L.inst.memories[r.index2]);
      return;
    case Op["memory.init"]:
      three(L, "memory.init", L.inst.memories[r.index2], r.index);
      return;
    case Op["data.drop"]:
      b.op(irOp("data.drop"));
      b.arg(r.index);
      return;
    case Op["table.get"]: {
      const s = b.pop();
      const d = b.pushResult(L.info.tables[r.index].elem);
      b.op(irOp("table.get"));
      b.arg(d);
      b.arg(s);
      b.arg(L.inst.tables[r.index]);
      return;
    }
    case Op["table.set"]: {
      const v = b.pop();
      const i = b.pop();
      b.op(irOp("table.set"));
      b.arg(i);
      b.arg(v);
      b.arg(L.inst.tables[r.index]);
      return;
    }
    case Op["table.size"]: {
      const d = b.pushResult(L.info.tables[r.index].is64 ? I64 : I32);
      b.op(irOp("table.size"));
      b.arg(d);
      b.arg(L.inst.tables[r.index]);
      return;
    }
    case Op["table.grow"]: {
      const n = b.pop();
      const v = b.pop();
      const d = b.pushResult(L.info.tables[r.index].is64 ? I64 : I32);
      b.op(irOp("table.grow"));
      b.arg(d);
      b.arg(v);
      b.arg(n);
      b.arg(L.inst.tables[r.index]);
      return;
    }
    case Op["table.fill"]:
      three(L, "table.fill", L.inst.tables[r.index]);
      return;
    case Op["table.copy"]:
      three(L, "table.copy", L.inst.tables[r.index], L.inst.tables[r.index2]);
      return;
    case Op["table.init"]:
      three(L, "table.init", L.inst.tables[r.index2], r.index);
      return;
    case Op["elem.drop"]:
      b.op(irOp("elem.drop"));
      b.arg(r.index);
      return;
    default:
      if (isSimd(op)) lowerSimd(L, r, op);
      else if (isGc(op)) lowerGc(L, r, op);
      else notSupported(op);
  }
}

/** Instructions with three popped operands and one or two trailing immediates. */
function three(L: Lowering, name: string, x: number, y?: number): void {
  const b = L.b;
  const s3 = b.pop();
  const s2 = b.pop();
  const s1 = b.pop();
  b.op(irOp(name));
  b.arg(s1);
  b.arg(s2);
  b.arg(s3);
  b.arg(x);
  if (y !== undefined) b.arg(y);
}

/** A numeric instruction with register operands (and `_imm` forms). */
function numeric(L: Lowering, op: number, ir: number): void {
  const b = L.b;
  const np = NPARAMS[op];
  const rt = RESULT[op];
  if (np === 1) {
    const s = b.pop();
    const d = b.pushResult(rt);
    b.op(ir);
    const at = b.arg(d);
    b.arg(s);
    b.fresh(at);
    return;
  }
  const imm = IMM[op];
  if (imm !== 0) {
    // The constant kind this op's `_imm` form takes: i32 inline, i64 in the pool.
    const ck = rt === I64 ? K_C64 : K_I32;
    let k: number | null = null;
    if (b.eKind[b.sp - 1] === ck) {
      k = b.eVal[b.sp - 1];
      b.sp--;
    } else if (COMMUTES[op] === 1 && b.eKind[b.sp - 2] === ck) {
      k = b.eVal[b.sp - 2];
      // Swap: the non-constant operand becomes the first.
      const i = b.sp - 2;
      b.eType[i] = b.eType[i + 1];
      b.eKind[i] = b.eKind[i + 1];
      b.eVal[i] = b.eVal[i + 1];
      b.ePos[i] = b.ePos[i + 1]; // popped right away: only its location matters
      b.sp--;
    }
    if (k !== null) {
      if (op === Op["i32.sub"]) k = -k | 0;
      else if (op === Op["i32.rotl"] || op === Op["i32.rotr"]) k &= 31;
      else if (op === Op["i64.sub"]) k = b.constBig(-b.poolValue(k));
      else if (SHIFT64[op] === 1) {
        // Shift left multiplies by 2^count (pool); the others take the count inline.
        const c = b.poolValue(k) & 63n;
        k = op === Op["i64.shl"] ? b.constBig(1n << c) : Number(c);
      }
      const s = b.pop();
      const d = b.pushResult(rt);
      const prev = b.lastPc;
      if (
        b.fuse && imm === ADD_IMM && prev >= 0 && prev + 4 === b.n && b.code[prev] === ADD_IMM
      ) {
        // Two additions in a row (loop counters, pointers): one instruction.
        b.rec?.drop(prev);
        b.reserve(3);
        b.code[prev] = ADD_IMM2;
        b.arg(d);
        const at = b.arg(s);
        b.arg(k);
        b.fresh(at - 1);
        // Still the last instruction (a later fusion may take it whole).
        b.lastPc = prev;
        return;
      }
      if (
        b.fuse && imm === AND_IMM && prev >= 0 && prev + 4 === b.n &&
        b.code[prev] === SHR_U_IMM && b.code[prev + 1] === s && s >= b.base * 2
      ) {
        // `(x >>> k) & mask` with the shift in an operand-stack temporary: one instruction.
        b.rec?.drop(prev);
        b.reserve(1);
        b.code[prev] = SHR_U_AND_IMM;
        b.code[prev + 1] = d;
        b.arg(k);
        b.fresh(prev + 1);
        b.lastPc = prev;
        return;
      }
      if (
        b.fuse && imm === I64_ADD_IMM && prev >= 0 && prev + 4 === b.n &&
        b.code[prev] === I64_MUL_IMM && b.code[prev + 1] === s && s >= b.base * 2
      ) {
        // `x * k1 + k2` (a linear congruential step) with the product in an operand-stack
        // temporary (dead after): one instruction.
        b.rec?.drop(prev);
        b.reserve(1);
        b.code[prev] = I64_MUL_ADD_IMM;
        b.code[prev + 1] = d;
        b.arg(k);
        b.fresh(prev + 1);
        b.lastPc = prev;
        return;
      }
      b.op(imm);
      const at = b.arg(d);
      b.arg(s);
      b.arg(k);
      b.fresh(at);
      return;
    }
  }
  if (COMMUTES[op] === 1 && !b.topIsFresh() && b.belowTopIsFresh()) {
    // `(fresh) op (local)`: swap, so that the fresh operand can fuse as the second one.
    b.swapTop();
  }
  const withImm = WITH_IMM_OP.get(op);
  if (withImm !== undefined && b.topIsFresh() && b.lastPc >= 0) {
    const pc = b.lastPc;
    const fused = withImm.get(b.code[pc]);
    // (A shift by 0 is left alone: the i64 word form needs a count in 1..63.)
    if (fused !== undefined && b.code[pc + 3] !== 0) {
      const src = b.code[pc + 2], k = b.code[pc + 3];
      b.unemit(pc);
      b.sp--;
      const s1 = b.pop();
      const d = b.pushResult(rt);
      b.op(fused);
      const at = b.arg(d);
      b.arg(s1);
      b.arg(src);
      b.arg(k);
      b.fresh(at);
      return;
    }
  }
  const withLoad = WITH_LOAD.get(op);
  if (withLoad !== undefined && b.topIsFresh() && b.code[b.lastPc] === withLoad[0]) {
    // `load; op` where the load's result is the second operand: one instruction.
    const pc = b.lastPc;
    const addr = b.code[pc + 2], off = b.code[pc + 3];
    b.unemit(pc);
    b.sp--;
    const s1 = b.pop();
    const d = b.pushResult(rt);
    b.op(withLoad[1]);
    const at = b.arg(d);
    b.arg(s1);
    b.arg(addr);
    b.arg(off);
    b.fresh(at);
    return;
  }
  const s2 = b.pop();
  const s1 = b.pop();
  const d = b.pushResult(rt);
  b.op(ir);
  const at = b.arg(d);
  b.arg(s1);
  b.arg(s2);
  b.fresh(at);
}

/** Loads and stores. */
function memAccess(L: Lowering, r: CodeReader, op: number, ir: number): void {
  const b = L.b;
  const mt = L.info.memories[r.index];
  const fast = r.index === 0 && !mt.is64 && r.offset < TWO_32;
  const store = RESULT[op] === 0;
  if (store) {
    if (fast && STORE_IMM[op] !== 0 && b.topIsConst()) {
      const k = b.eVal[b.sp - 1];
      b.sp--;
      if (op === Op["i32.store8"] && b.topIsFresh() && b.code[b.lastPc] === ADD) {
        // `i32.add; i32.store8 (const)`: the address addition folded into the store.
        const pc = b.lastPc;
        const x = b.code[pc + 2], y = b.code[pc + 3];
        b.unemit(pc);
        b.sp--;
        b.op(IR["i32.store8_imm_idx"]);
        b.arg(x);
        b.arg(y);
        b.arg(k);
        b.arg(Number(r.offset) | 0);
        return;
      }
      const a = b.pop();
      b.op(STORE_IMM[op]);
      b.arg(a);
      b.arg(k);
      b.arg(Number(r.offset) | 0);
      return;
    }
    if (
      fast && ir === IR["i32.store8"] && b.topIsFresh() &&
      b.code[b.lastPc] === IR["i32.load8_u_add"]
    ) {
      const pc = b.lastPc;
      const src = b.code[pc + 2], k = b.code[pc + 3], srcOff = b.code[pc + 4];
      b.unemit(pc);
      b.sp--;
      const a = b.pop();
      b.op(IR["mem.copy8_add"]);
      b.arg(a);
      b.arg(src);
      b.arg(k);
      b.arg(Number(r.offset) | 0);
      b.arg(srcOff);
      return;
    }
    if (fast && ir === IR["f64.store"] && b.topIsFresh() && b.lastPc >= 0) {
      const pc = b.lastPc;
      const ai = b.sp - 2;
      const aKind = b.eKind[ai];
      const aSlot = aKind === K_LOCAL ? b.eVal[ai] * 2 : b.ePos[ai] * 2;
      if (
        b.code[pc] === IR["f64.add_load"] && (aKind === K_LOCAL || aKind === K_SLOT) &&
        b.code[pc + 3] === aSlot && b.code[pc + 4] === (Number(r.offset) | 0)
      ) {
        // `m[a] = x + m[a]`: one read-modify-write.
        const x = b.code[pc + 2];
        b.unemit(pc);
        b.sp -= 2;
        b.op(IR["f64.add_store"]);
        b.arg(aSlot);
        b.arg(x);
        b.arg(Number(r.offset) | 0);
        return;
      }
    }
    const copy = fast ? COPY_OF.get(ir) : undefined;
    if (copy !== undefined && b.topIsFresh() && copy[0].includes(b.code[b.lastPc])) {
      // `load; store` of the loaded value: a memory-to-memory move.
      const pc = b.lastPc;
      const src = b.code[pc + 2], srcOff = b.code[pc + 3];
      const pp = b.prevPc, ai = b.sp - 2, c = b.code;
      if (
        pp >= 0 && pp + 7 === pc && c[pp] === ADD_IMM2 && b.eKind[ai] === K_SLOT &&
        c[pp + 1] === b.ePos[ai] * 2 && c[pp + 4] === src && c[pp + 5] !== c[pp + 1] &&
        c[pp + 1] >= b.base * 2 && src >= b.base * 2
      ) {
        // `i32.add_imm2` computing both addresses into operand-stack temporaries (dead
        // after the move): the additions fold into it.
        const s1 = c[pp + 2], i1 = c[pp + 3], s2 = c[pp + 5], i2 = c[pp + 6];
        b.unemit(pc);
        b.unemit(pp);
        b.sp -= 2;
        b.op(COPY_ADD2.get(copy[1])!);
        b.arg(s1);
        b.arg(i1);
        b.arg(s2);
        b.arg(i2);
        b.arg(Number(r.offset) | 0);
        b.arg(srcOff);
        return;
      }
      b.unemit(pc);
      b.sp--;
      const a = b.pop();
      b.op(copy[1]);
      b.arg(a);
      b.arg(src);
      b.arg(Number(r.offset) | 0);
      b.arg(srcOff);
      return;
    }
    const v = b.pop();
    const a = b.pop();
    if (fast) {
      b.op(ir);
      b.arg(a);
      b.arg(v);
      b.arg(Number(r.offset) | 0);
    } else {
      b.op(irOp("mem.store"));
      b.arg(a);
      b.arg(v);
      b.arg(L.inst.memories[r.index]);
      b.arg(b.constBig(r.offset));
      b.arg(op);
    }
    return;
  }
  const idx = fast ? LOAD_IDX.get(ir) : undefined;
  if (idx !== undefined && b.topIsFresh() && b.code[b.lastPc] === ADD) {
    // `i32.add; load`: the address addition of two operands folded into the load.
    const pc = b.lastPc;
    const x = b.code[pc + 2], y = b.code[pc + 3];
    b.unemit(pc);
    b.sp--;
    const d = b.pushResult(RESULT[op]);
    b.op(idx);
    const at = b.arg(d);
    b.arg(x);
    b.arg(y);
    b.arg(Number(r.offset) | 0);
    b.fresh(at);
    return;
  }
  const addImm = fast ? LOAD_ADD.get(ir) : undefined;
  if (addImm !== undefined && b.topIsFresh() && b.code[b.lastPc] === ADD_IMM) {
    // `i32.add_imm; load`: the (wrapping) address addition folded into the load.
    const pc = b.lastPc;
    const x = b.code[pc + 2], k = b.code[pc + 3];
    const pp = b.prevPc;
    if (
      ir === IR["i32.load"] && pp >= 0 && pp + 4 === pc && b.code[pp] === IR["i32.shl_imm"] &&
      b.code[pp + 1] === x && x >= b.base * 2
    ) {
      // ... of a shifted index in an operand-stack temporary (dead after): `base[i]`.
      const s = b.code[pp + 2], sh = b.code[pp + 3];
      b.unemit(pc);
      b.unemit(pp);
      b.sp--;
      const d = b.pushResult(RESULT[op]);
      b.op(IR["i32.load_shl_add"]);
      const at = b.arg(d);
      b.arg(s);
      b.arg(sh);
      b.arg(k);
      b.arg(Number(r.offset) | 0);
      b.fresh(at);
      return;
    }
    b.unemit(pc);
    b.sp--;
    const d = b.pushResult(RESULT[op]);
    b.op(addImm);
    const at = b.arg(d);
    b.arg(x);
    b.arg(k);
    b.arg(Number(r.offset) | 0);
    b.fresh(at);
    return;
  }
  const a = b.pop();
  const d = b.pushResult(RESULT[op]);
  let at: number;
  if (fast) {
    b.op(ir);
    at = b.arg(d);
    b.arg(a);
    b.arg(Number(r.offset) | 0);
  } else {
    b.op(irOp("mem.load"));
    at = b.arg(d);
    b.arg(a);
    b.arg(L.inst.memories[r.index]);
    b.arg(b.constBig(r.offset));
    b.arg(op);
  }
  b.fresh(at);
}

/** `local.set` / `local.tee` of the local at `slot`. */
function setLocal(L: Lowering, slot: number, t: ValType, tee: boolean): void {
  const b = L.b;
  const top = b.sp - 1;
  b.releaseLocal(slot, top);
  if (b.topIsFresh()) {
    b.rec?.drop(b.lastPc);
    b.code[b.freshDst] = slot * 2;
    b.freshEnd = -1;
  } else {
    const kind = b.eKind[top];
    if (!(kind === K_LOCAL && b.eVal[top] === slot)) {
      if (kind === K_I32) {
        b.op(irOp("const32"));
        b.arg(slot * 2);
        b.arg(b.eVal[top]);
      } else if (kind === K_C64) {
        b.op(irOp("const64"));
        b.arg(slot * 2);
        b.arg(b.eVal[top]);
      } else {
        const s = b.read(top);
        b.copy(t, slot * 2, s);
      }
    }
  }
  b.sp--;
  if (tee) b.push(t, K_LOCAL, slot);
}

/** `br_on_null l` (`onNull`) or `br_on_non_null l`. */
function brOnNull(L: Lowering, l: number, onNull: boolean): void {
  const b = L.b;
  const fi = L.ctl.length - 1 - l;
  const f = L.ctl[fi];
  const ref = b.read(b.sp - 1);
  if (onNull) {
    // Branch carries the values below the reference.
    b.sp--;
    const moves = needsMovesOf(L, fi);
    b.sp++;
    if (!moves) {
      b.op(irOp("br_on_null"));
      b.arg(ref);
      const at = b.arg(f.target);
      if (f.target < 0) f.patches.push(at);
      return;
    }
    b.op(irOp("br_on_non_null"));
    b.arg(ref);
    const skip = b.arg(-1);
    b.sp--;
    emitJump(L, fi);
    b.sp++;
    b.code[skip] = b.label();
    return;
  }
  if (!needsMovesOf(L, fi)) {
    b.op(irOp("br_on_non_null"));
    b.arg(ref);
    const at = b.arg(f.target);
    if (f.target < 0) f.patches.push(at);
  } else {
    b.op(irOp("br_on_null"));
    b.arg(ref);
    const skip = b.arg(-1);
    emitJump(L, fi);
    b.code[skip] = b.label();
  }
  b.sp--;
}

function needsMovesOf(L: Lowering, fi: number): boolean {
  return needsMoves(L, L.ctl[fi]);
}
