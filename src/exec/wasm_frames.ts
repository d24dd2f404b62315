/**
 * The machine's frames in wasm terms, and back: {@linkcode readWasmFrames} describes every
 * frame of a paused (or idle) machine as its function, the offset of the wasm instruction
 * where it stands, its locals and its wasm operand stack (typed values), through the position
 * tables the lowering writes (src/ir/positions.ts); {@linkcode placeWasmFrames} lays such
 * frames out on a fresh machine, in whatever lowering that machine uses. A frame that stands
 * where that lowering has no boundary (inside a fused group) moves to the unfused copy of its
 * function (`deopt`), where it runs until it returns.
 *
 * Caller frames stand at their call instruction (their stack holds what lies below the call's
 * arguments); the top frame stands before the instruction at its offset, or, with a suspending
 * host call pending, at that call. This module knows nothing of the snapshot format.
 *
 * @module
 */

import type { CompiledFunc } from "../ir/compiled.ts";
import { lowerFunction, lowerWithPositions } from "../ir/lower.ts";
import { IR_ARITY } from "../ir/ops.ts";
import {
  type CallSite,
  E_C64,
  E_DEAD,
  E_I32,
  E_LOCAL,
  type Position,
  type PositionTable,
  R_LOCALS_DEAD,
} from "../ir/positions.ts";
import type { WasmFunc } from "../runtime/store.ts";
import { F32, F64, I32, I64, REF_BASE, V128, type ValType } from "../syntax/types.ts";
import { funcTypeOf, stackViews } from "./calls.ts";
import { FRAME_STRIDE, type Machine } from "./machine.ts";
import { defaultValue, type RawValue, readSlot, slotCount, writeSlot } from "../runtime/values.ts";

/** One frame in wasm terms. */
export interface WasmFrame {
  /** The function's store address (a wasm function). */
  func: number;
  /** Offset of the wasm instruction where it stands, in the function's body (`Func.body`). */
  offset: number;
  /** Its locals, parameters first (types: the function's). */
  locals: RawValue[];
  /** Its operand stack, bottom first. */
  stack: RawValue[];
  /** The stack's value types (a reference may be the generic -0x100). */
  types: ValType[];
  /** The caught exceptions of open legacy `catch`es: `[try index, exnref]` pairs. */
  exns: [number, number][];
  /**
   * A hint for a machine whose compiled code of the function is the same (equal
   * {@linkcode codeHash}): the exact pc (the return address for a caller), so that such a
   * machine resumes exactly there, tick for tick.
   */
  ir?: { hash: number; pc: number };
}

/** A suspending host call pending on the top frame. */
export interface WasmHostCall {
  /** The host function's store address. */
  func: number;
  /** Its arguments. */
  args: RawValue[];
  /** Whether it was tail-called (its results are then the top frame's). */
  tail: boolean;
}

/** Every frame of a machine (bottom first) and its pending host call. */
export interface WasmFrames {
  frames: WasmFrame[];
  hostCall: WasmHostCall | null;
}

/** An error in frames given to {@linkcode placeWasmFrames} (the caller words it). */
export class FrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FrameError";
  }
}

const tables = new WeakMap<CompiledFunc, PositionTable>();
const hashes = new WeakMap<CompiledFunc, number>();

/**
 * A 32-bit fingerprint of compiled code: its instructions' ops and lengths (not their
 * operands, which hold process-local numbers such as canonical type ids), so that equal
 * lowerings in two processes agree. It only picks among valid places for a frame (a frame is
 * always placed where the reader's own table says), so a collision cannot break a resume.
 */
export function codeHash(cf: CompiledFunc): number {
  let h = hashes.get(cf);
  if (h !== undefined) return h;
  h = 0x811c9dc5;
  const code = cf.code;
  for (let pc = 0; pc < code.length; pc += 1 + IR_ARITY[code[pc]]) {
    h = Math.imul(h ^ code[pc], 16777619);
    if (code[pc] >= IR_ARITY.length) break;
  }
  h = Math.imul(h ^ code.length, 16777619) >>> 0;
  hashes.set(cf, h);
  return h;
}

/**
 * Tables by what determines them: a function's body and the code it lowered to (restored
 * machines lower the same functions again; a snapshot every few ticks must not re-record
 * them). Entries hold both, compared in full; the oldest go first.
 */
const shared = new Map<string, { code: Int32Array; body: Uint8Array; table: PositionTable }>();
const SHARED_MAX = 4096;

function sameWords(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The position table of `m`'s compiled code of function `addr` (made on first use). */
export function positionsOf(m: Machine, addr: number): PositionTable {
  const cf = m.code(addr);
  let t = tables.get(cf);
  if (t !== undefined) return t;
  const fn = m.store.objects[addr] as WasmFunc;
  const inst = m.store.instances[fn.instance];
  const body = inst.module.funcs[fn.index - inst.info.importedFuncs].body;
  let h = 0x811c9dc5;
  for (let i = 0; i < body.length; i++) h = Math.imul(h ^ body[i], 16777619);
  const key = `${codeHash(cf)}:${h >>> 0}:${body.length}:${cf.code.length}`;
  const hit = shared.get(key);
  if (hit !== undefined && sameWords(hit.code, cf.code) && sameWords(hit.body, body)) {
    t = hit.table;
  } else {
    const deopt = cf.unfused >= 0;
    t = lowerWithPositions(m.store, addr, { ...m.lowering, deopt }).table;
    if (shared.size >= SHARED_MAX) shared.delete(shared.keys().next().value!);
    shared.set(key, { code: cf.code.slice(), body: body.slice(), table: t });
  }
  tables.set(cf, t);
  return t;
}

const localSlots = new WeakMap<Int32Array, number[]>();

/** The local types of wasm function `addr` and their slots. */
function localsOf(m: Machine, addr: number): { types: Int32Array; slots: number[] } {
  const fn = m.store.objects[addr] as WasmFunc;
  const info = m.store.instances[fn.instance].info;
  const types = info.funcs[fn.index - info.importedFuncs].locals;
  let slots = localSlots.get(types);
  if (slots === undefined) {
    slots = [];
    let s = 0;
    for (let i = 0; i < types.length; i++) {
      slots.push(s);
      s += slotCount(types[i]);
    }
    localSlots.set(types, slots);
  }
  return { types, slots };
}

/** The value of a constant stack entry of type `t`. */
function constValue(cf: CompiledFunc, t: ValType, kind: number, val: number): RawValue {
  if (kind === E_I32) return t === F32 ? val >>> 0 : val | 0;
  const v = cf.pool64[val];
  return t === F64 ? BigInt.asUintN(64, v) : v;
}

/**
 * The frames of `m` in wasm terms. The machine must be idle or paused (not inside `run`).
 *
 * @throws Error when a frame stands where its function's table has no position (a bug).
 */
export function readWasmFrames(m: Machine): WasmFrames {
  const frames: WasmFrame[] = [];
  if (m.funcAddr < 0) return { frames, hostCall: null };
  const views = stackViews(m);
  const f = m.frames;
  const read = (addr: number, pc: number, fp: number, atCall: boolean, dead: boolean) => {
    const cf = m.code(addr);
    const table = positionsOf(m, addr);
    let pos: Position | null;
    let offset: number;
    if (atCall) {
      const site = table.callSite(pc);
      if (site === null) throw new Error(`no call site returns to pc ${pc} of function ${addr}`);
      pos = site.below;
      offset = site.offset;
    } else {
      pos = table.at(pc);
      if (pos === null) throw new Error(`no position at pc ${pc} of function ${addr}`);
      offset = pos.offset;
    }
    if (offset < 0) throw new Error(`unresolved position at pc ${pc} of function ${addr}`);
    const base = fp >> 1;
    const { types, slots } = localsOf(m, addr);
    const localsDead = dead || (pos.flags & R_LOCALS_DEAD) !== 0;
    const locals: RawValue[] = [];
    for (let i = 0; i < types.length; i++) {
      locals.push(localsDead ? defaultValue(types[i]) : readSlot(views, base + slots[i], types[i]));
    }
    const stack: RawValue[] = [];
    for (let i = 0; i < pos.types.length; i++) {
      const t = pos.types[i], k = pos.kinds[i], v = pos.vals[i];
      if (k === E_DEAD) stack.push(defaultValue(t));
      else if (k === E_I32 || k === E_C64) stack.push(constValue(cf, t, k, v));
      else stack.push(readSlot(views, base + v, t));
    }
    const exns: [number, number][] = [];
    for (const s of pos.live) exns.push([s - cf.locals, m.i32[fp + s * 2]]);
    frames.push({
      func: addr,
      offset,
      locals,
      stack,
      types: [...pos.types],
      exns,
      ir: { hash: codeHash(cf), pc },
    });
  };
  if (m.depth < 1 || f[0] !== -1) throw new Error("readWasmFrames: not an execution's stack");
  for (let d = 1; d < m.depth; d++) {
    const at = d * FRAME_STRIDE;
    if (f[at] < 0) throw new Error("readWasmFrames: a nested invocation is on the stack");
    read(f[at], f[at + 1], f[at + 2], true, false);
  }
  let hostCall: WasmHostCall | null = null;
  if (m.hostCallee >= 0) {
    const args: RawValue[] = [];
    let slot = m.hostAt >> 1;
    for (const t of funcTypeOf(m, m.hostCallee).params) {
      args.push(readSlot(views, slot, t));
      slot += slotCount(t);
    }
    hostCall = { func: m.hostCallee, args, tail: m.hostTail === 1 };
  }
  read(m.funcAddr, m.pc, m.fp, hostCall !== null && !hostCall.tail, hostCall?.tail ?? false);
  return { frames, hostCall };
}

/** Whether two value types are of the same kind (numbers exactly; any two references). */
function sameKind(a: ValType, b: ValType): boolean {
  return a === b || (a <= REF_BASE && b <= REF_BASE);
}

/** Whether `v` is a well-formed raw value of type `t`. */
function wellFormed(t: ValType, v: RawValue): boolean {
  switch (t) {
    case I32:
      return typeof v === "number" && (v | 0) === v;
    case F32:
      return typeof v === "number" && v >>> 0 === v;
    case I64:
    case F64:
      return typeof v === "bigint";
    case V128:
      return v instanceof Uint8Array && v.length === 16;
    default:
      return typeof v === "number" && (v | 0) === v;
  }
}

/** Whether the raw values `a` and `b` of type `t` have the same bits. */
function sameBits(t: ValType, a: RawValue, b: RawValue): boolean {
  if (t === I64 || t === F64) {
    return BigInt.asUintN(64, a as bigint) === BigInt.asUintN(64, b as bigint);
  }
  if (t === V128) {
    const x = a as Uint8Array, y = b as Uint8Array;
    return x.every((byte, i) => byte === y[i]);
  }
  return ((a as number) | 0) === ((b as number) | 0);
}

/**
 * Lays `frames` (bottom first) out on `m`, which must be fresh (idle, no frames), as the
 * frames of a paused execution whose entry frame is at stack index 0, with `hostCall`
 * pending; deoptimizes a function whose normal code has no boundary where its frame stands.
 *
 * @throws FrameError when a frame does not fit its function (offset, counts, types, values).
 */
export function placeWasmFrames(
  m: Machine,
  frames: WasmFrame[],
  hostCall: WasmHostCall | null,
): void {
  if (frames.length === 0) {
    if (hostCall !== null) throw new FrameError("a host call is pending without a frame");
    return;
  }
  const views = stackViews(m);
  m.pushFrame(-1, 0, 0, true);
  let fp = 0;
  for (let i = 0; i < frames.length; i++) {
    const fr = frames[i];
    const what = `frame ${i}`;
    const top = i === frames.length - 1;
    const fn = m.store.objects[fr.func];
    if (fn === undefined || fn.kind !== "wasm") {
      throw new FrameError(`${what}: not a wasm function`);
    }
    const atCall = !top || (hostCall !== null && !hostCall.tail);
    let cf = m.code(fr.func);
    let table = positionsOf(m, fr.func);
    let site: CallSite | null = null;
    let found: { pc: number; pos: Position } | null = null;
    const look = (from: number, to: number) => {
      if (atCall) {
        site = table.callAt(fr.offset, from, to);
        if (site !== null) found = { pc: site.retPc, pos: site.below };
      } else found = table.start(fr.offset, from, to);
    };
    if (fr.ir !== undefined && fr.ir.hash === codeHash(cf)) {
      // The same code as the writer's: exactly where it stood.
      const fits = (p: Position) =>
        p.offset === fr.offset && p.types.length === fr.types.length &&
        p.types.every((t, k) => sameKind(t, fr.types[k]));
      if (atCall) {
        site = table.callSite(fr.ir.pc);
        if (site !== null && fits(site.below)) found = { pc: site.retPc, pos: site.below };
        else site = null;
      } else {
        const pos = table.at(fr.ir.pc);
        if (pos !== null && fits(pos)) found = { pc: fr.ir.pc, pos };
      }
    }
    if (found === null) look(0, cf.unfused < 0 ? Infinity : cf.unfused);
    if (found === null && cf.unfused >= 0) look(cf.unfused, Infinity);
    if (found === null && (m.lowering.fuse ?? true) && cf.unfused < 0) {
      // No boundary there in the normal code: the frame runs in an unfused copy.
      cf = lowerFunction(m.store, fr.func, { ...m.lowering, deopt: true });
      m.compiled[fr.func] = cf;
      table = positionsOf(m, fr.func);
      look(cf.unfused, Infinity);
    }
    if (found === null) {
      throw new FrameError(
        `${what}: function ${fr.func} has no ${
          atCall ? "call" : "instruction"
        } at offset ${fr.offset}`,
      );
    }
    const { pc, pos } = found as { pc: number; pos: Position };
    if (fp + cf.frameSize * 2 > m.stackLimit) throw new FrameError(`${what}: beyond the stack`);
    const { types, slots } = localsOf(m, fr.func);
    if (fr.locals.length !== types.length) {
      throw new FrameError(`${what}: ${fr.locals.length} locals, the function has ${types.length}`);
    }
    const base = fp >> 1;
    for (let k = 0; k < types.length; k++) {
      if (!wellFormed(types[k], fr.locals[k])) throw new FrameError(`${what}: bad local ${k}`);
      writeSlot(views, base + slots[k], types[k], fr.locals[k]);
    }
    for (const [t, exn] of fr.exns) {
      const s = cf.locals + t;
      if (!Number.isInteger(t) || t < 0 || s >= cf.frameSize) {
        throw new FrameError(`${what}: no legacy try ${t}`);
      }
      m.i32[fp + s * 2] = exn;
    }
    if (fr.stack.length !== pos.types.length || fr.types.length !== pos.types.length) {
      throw new FrameError(
        `${what}: ${fr.stack.length} stack values at offset ${fr.offset}, expected ${pos.types.length}`,
      );
    }
    const localsDead = (pos.flags & R_LOCALS_DEAD) !== 0;
    for (let k = 0; k < pos.types.length; k++) {
      const t = pos.types[k], kind = pos.kinds[k], v = fr.stack[k];
      if (!sameKind(t, fr.types[k]) || !wellFormed(t, v)) {
        throw new FrameError(`${what}: stack value ${k} has the wrong type`);
      }
      if (kind === E_DEAD) continue;
      if (kind === E_I32 || kind === E_C64) {
        if (!sameBits(t, v, constValue(cf, t, kind, pos.vals[k]))) {
          throw new FrameError(`${what}: stack value ${k} differs from the constant there`);
        }
        continue;
      }
      if (kind === E_LOCAL && !localsDead) {
        if (!sameBits(t, v, readSlot(views, base + pos.vals[k], t))) {
          throw new FrameError(`${what}: stack value ${k} differs from the local it copies`);
        }
        continue;
      }
      writeSlot(views, base + pos.vals[k], t, v);
    }
    if (!top) {
      const s = site as CallSite | null;
      m.pushFrame(fr.func, pc, fp, false);
      fp += s!.argBase * 2;
      continue;
    }
    m.funcAddr = fr.func;
    m.pc = pc;
    m.fp = fp;
    if (hostCall !== null) {
      const hf = m.store.objects[hostCall.func];
      if (hf === undefined || hf.kind !== "host") {
        throw new FrameError("host call: not a host function");
      }
      const ft = funcTypeOf(m, hostCall.func);
      const at = hostCall.tail ? fp : fp + (site as CallSite | null)!.argBase * 2;
      if (hostCall.args.length !== ft.params.length) {
        throw new FrameError("host call: bad arguments");
      }
      let slot = at >> 1;
      for (let k = 0; k < ft.params.length; k++) {
        if (!wellFormed(ft.params[k], hostCall.args[k])) {
          throw new FrameError("host call: bad argument");
        }
        writeSlot(views, slot, ft.params[k], hostCall.args[k]);
        slot += slotCount(ft.params[k]);
      }
      let need = 0;
      for (const t of [...ft.params]) need += slotCount(t);
      let needR = 0;
      for (const t of ft.results) needR += slotCount(t);
      if (at + 2 * Math.max(need, needR) > m.stackLimit) {
        throw new FrameError("host call: beyond the stack");
      }
      m.hostCallee = hostCall.func;
      m.hostAt = at;
      m.hostTail = hostCall.tail ? 1 : 0;
    }
  }
}
