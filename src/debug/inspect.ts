/**
 * Inspection of a machine stopped at a tick: the call stack with function names (the `name`
 * section) and wasm byte offsets, a frame's parameters and locals with their wasm types, and
 * an instance's globals. Reads the machine and the store only; it changes nothing.
 *
 * Positions are mapped from IR pcs to wasm byte offsets (module binary offsets) through the
 * compiled code's `srcMap`; {@linkcode functionWat} prints a function with the instruction at
 * an offset marked. {@linkcode operandStack} gives a frame's wasm operand stack with its wasm
 * types, read in wasm terms through src/exec/wasm_frames.ts (the lowering's position tables),
 * so constants folded into IR operands and values forwarded from locals appear as wasm has them.
 *
 * @module
 */

import type { Machine } from "../exec/machine.ts";
import { FRAME_STRIDE } from "../exec/machine.ts";
import { readSlot, slotCount, type SlotViews, slotViews } from "../runtime/values.ts";
import type { WasmFunc } from "../runtime/store.ts";
import { ExternKind, type ValType } from "../syntax/types.ts";
import { funcTypeOf } from "../exec/calls.ts";
import { CodeReader } from "../binary/code.ts";
import { printInstr } from "../text/print.ts";
import { readWasmFrames } from "../exec/wasm_frames.ts";
import type { RawValue } from "../runtime/values.ts";

/** One frame of the call stack. */
export interface FrameInfo {
  /** The function's store address. */
  func: number;
  /** Its instance and index in its module's function space. */
  instance: number;
  /** See `instance`. */
  index: number;
  /** Its name from the name section, or null. */
  name: string | null;
  /** The IR pc (inside the interpreter's code). */
  pc: number;
  /** The wasm byte offset of the instruction at `pc` (or the one that called), or null. */
  offset: number | null;
  /** The frame pointer (Int32 index into the value stack). */
  fp: number;
}

/** A local or parameter of a frame: its index, type and raw value. */
export interface LocalInfo {
  /** Its index (parameters first). */
  index: number;
  /** Its name from the name section, or null. */
  name: string | null;
  /** Its wasm value type. */
  type: ValType;
  /** Its value (raw: numbers, bigints, v128 bytes, reference addresses). */
  value: number | bigint | Uint8Array;
}

/** The wasm byte offset of IR instruction `pc` of function `addr` (the last at or before). */
export function wasmOffset(m: Machine, addr: number, pc: number): number | null {
  const map = m.code(addr).srcMap;
  let lo = 0, hi = map.length / 2 - 1, best: number | null = null;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (map[mid * 2] <= pc) {
      best = map[mid * 2 + 1];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}

function frame(m: Machine, func: number, pc: number, fp: number, caller: boolean): FrameInfo {
  const o = m.store.objects[func] as WasmFunc;
  const inst = m.store.instances[o.instance];
  return {
    func,
    instance: o.instance,
    index: o.index,
    name: inst.module.names.funcs.get(o.index) ?? null,
    pc,
    offset: wasmOffset(m, func, caller && pc > 0 ? pc - 1 : pc),
    fp,
  };
}

/** The call stack, innermost first (empty when the machine is idle). */
export function callStack(m: Machine): FrameInfo[] {
  const out: FrameInfo[] = [];
  if (m.funcAddr < 0) return out;
  out.push(frame(m, m.funcAddr, m.pc, m.fp, false));
  for (let d = m.depth - 1; d >= 0; d--) {
    const at = d * FRAME_STRIDE;
    const a = m.frames[at];
    const func = a < 0 ? -2 - a : a;
    if (func < 0) break; // an entry record of an idle machine
    out.push(frame(m, func, m.frames[at + 1], m.frames[at + 2], true));
  }
  return out;
}

/** The parameters and locals of `f` (a frame of {@linkcode callStack}) with their values. */
export function locals(m: Machine, f: FrameInfo): LocalInfo[] {
  const inst = m.store.instances[f.instance];
  const mod = inst.module;
  const nImports = mod.imports.filter((im) => im.desc.kind === ExternKind.Func).length;
  const body = mod.funcs[f.index - nImports];
  const types: ValType[] = [...funcTypeOf(m, f.func).params];
  for (const l of body?.locals ?? []) for (let i = 0; i < l.count; i++) types.push(l.type);
  const names = mod.names.locals.get(f.index);
  const views: SlotViews = slotViews(m.stack);
  let slot = f.fp >> 1;
  return types.map((type, index) => {
    const value = readSlot(views, slot, type);
    slot += slotCount(type);
    return { index, name: names?.get(index) ?? null, type, value };
  });
}

/** A value of a frame's wasm operand stack: its wasm type and raw value. */
export interface OperandInfo {
  /** Its wasm value type (a reference may be the generic -0x100, `REF_BASE`). */
  type: ValType;
  /**
   * Its value, raw: i32 a signed number, i64 a bigint, f32 and f64 their bit patterns (a number
   * and a bigint, so NaN payloads are kept), v128 16 bytes, a reference its address.
   */
  value: RawValue;
}

/**
 * The wasm operand stack of `f` (a frame of {@linkcode callStack}), bottom first, with wasm
 * types: what the wasm semantics has on the stack before the instruction at the frame's
 * offset (for a caller frame: what lies under the arguments of its call; for a frame paused
 * at a suspending host call: under that call's arguments). A frame standing inside a fused
 * group (resumed from a snapshot of another lowering) reads in the unfused copy it runs in.
 *
 * @returns the stack, or null when it cannot be read in wasm terms (the machine is not running
 * one execution: a nested invocation, from a host function, is on its stack).
 */
export function operandStack(m: Machine, f: FrameInfo): OperandInfo[] | null {
  const stack = callStack(m);
  const i = stack.findIndex((g) => g.func === f.func && g.pc === f.pc && g.fp === f.fp);
  if (i < 0) return null;
  if (m.depth < 1 || m.frames[0] !== -1) return null;
  for (let d = 1; d < m.depth; d++) if (m.frames[d * FRAME_STRIDE] < 0) return null;
  const frames = readWasmFrames(m).frames;
  const w = frames[frames.length - 1 - i];
  if (w === undefined || w.func !== f.func) return null;
  return w.types.map((type, k) => ({ type, value: w.stack[k] }));
}

/**
 * Function `addr` as WAT instructions (flat, one per line, indented by block depth), its
 * header first, the instruction at wasm byte offset `mark` (if any) prefixed with `=>`.
 */
export function functionWat(m: Machine, addr: number, mark: number | null = null): string {
  const o = m.store.objects[addr] as WasmFunc;
  const mod = m.store.instances[o.instance].module;
  const nImports = mod.imports.filter((im) => im.desc.kind === ExternKind.Func).length;
  const body = mod.funcs[o.index - nImports];
  const name = mod.names.funcs.get(o.index);
  const lines = [`(func ${name === undefined ? "" : `$${name} `}(;${o.index};)`];
  const r = new CodeReader(body.body, 0, body.body.length, body.offset);
  while (!r.done) {
    const before = r.depth;
    r.next();
    const at = body.offset + r.pos;
    const indent = "  ".repeat(1 + Math.min(before, r.depth));
    const text = r.done ? ")" : printInstr(r, mod.names, o.index);
    lines.push(`${at === mark ? "=>" : "  "}${indent}${text}  ;; @${at.toString(16)}`);
  }
  return lines.join("\n");
}

/** A global of an instance: its index, name, type, mutability and value. */
export interface GlobalInfo {
  /** Its index in the instance's global space (imports first). */
  index: number;
  /** Its name from the name section, or null. */
  name: string | null;
  /** Its wasm value type. */
  type: ValType;
  /** Whether it is mutable. */
  mutable: boolean;
  /** Its value (raw, as for locals). */
  value: number | bigint | Uint8Array;
}

/** The globals of instance `instance` (default 0) with their values. */
export function globals(m: Machine, instance = 0): GlobalInfo[] {
  const store = m.store;
  const inst = store.instances[instance];
  const views = slotViews(store.globalSlots);
  return [...inst.globals].map((addr, index) => {
    const g = store.globals[addr];
    return {
      index,
      name: inst.module.names.globals.get(index) ?? null,
      type: g.type,
      mutable: g.mutable,
      value: readSlot(views, g.slot, g.type),
    };
  });
}
