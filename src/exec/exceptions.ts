/**
 * Exceptions at run time: allocating an exception object for `throw`, and unwinding: the
 * search, frame by frame from the top, for a handler (src/ir/compiled.ts describes the
 * handler records) that catches it, which then receives the exception's values (and its
 * reference) in the handler label's slots.
 *
 * An exception reaching an entry record (the bottom of the current invocation) escapes as a
 * {@linkcode WasmException}; the machine's frames are then restored by `invoke`.
 *
 * @module
 */

import { Trap } from "../errors.ts";
import {
  H_DEPTH,
  H_DST,
  H_END,
  H_EXN,
  H_KIND,
  H_START,
  H_TAG,
  H_TARGET,
  HANDLER_STRIDE,
  HK_CATCH,
  HK_CATCH_ALL_REF,
  HK_CATCH_REF,
  HK_DELEGATE,
  HK_LEGACY_CATCH,
} from "../ir/compiled.ts";
import { allocObject, type ExnObj } from "../runtime/store.ts";
import { F64, type FuncType, I64, V128 } from "../syntax/types.ts";
import { canonType } from "../valid/registry.ts";
import { type Machine, WasmException } from "./machine.ts";
import { type RawValue, readSlot, slotCount, slotViews } from "../runtime/values.ts";

/**
 * Allocates an exception of tag `tag` whose arguments are the `n` slots at Int32 index `at`
 * of the stack; returns its address.
 *
 * The slots are copied whole, but the upper half of a 32-bit value's slot (i32, f32, a
 * reference) is written as zero, as `writeSlot` writes it: on the stack it holds whatever an
 * earlier value left there, which differs between the interpreter and the compiled tier,
 * and the exception's bytes go into snapshots.
 */
export function allocExn(m: Machine, tag: number, at: number, n: number): number {
  const slots = m.u8.slice(at * 4, (at + n * 2) * 4);
  const params = (canonType(m.store.tags[tag].type).comp as FuncType).params;
  let slot = 0;
  for (const t of params) {
    if (t === V128) slot += 2;
    else {
      if (t !== I64 && t !== F64) slots.fill(0, slot * 8 + 4, slot * 8 + 8);
      slot++;
    }
  }
  const exn: ExnObj = { kind: "exn", tag, slots };
  return allocObject(m.store, exn);
}

/** Throws "null exception reference" if `exn` is null. */
export function checkExnRef(exn: number): void {
  if (exn === 0) throw new Trap("null exception reference");
}

/** The arguments of exception `exn`, as raw values. */
export function exnArgs(m: Machine, exn: number): RawValue[] {
  const obj = m.store.objects[exn] as ExnObj;
  const ft = canonType(m.store.tags[obj.tag].type).comp as FuncType;
  const buf = new ArrayBuffer(obj.slots.length + 16);
  new Uint8Array(buf).set(obj.slots);
  const views = slotViews(buf);
  const out: RawValue[] = [];
  let slot = 0;
  for (const t of ft.params) {
    out.push(readSlot(views, slot, t));
    slot += slotCount(t);
  }
  return out;
}

/**
 * Unwinds exception `exn` raised in the current frame at `pc`: on return the current frame
 * (`m.funcAddr`, `m.pc`, `m.fp`, `m.depth`) is the handler's, with the values in place.
 *
 * @throws WasmException when no handler of the current invocation catches it
 */
export function unwind(m: Machine, exn: number, pc: number): void {
  const obj = m.store.objects[exn] as ExnObj;
  for (;;) {
    const cf = m.compiled[m.funcAddr]!;
    const h = cf.handlers;
    let maxDepth = 0x7fffffff;
    for (let i = 0; i < h.length; i += HANDLER_STRIDE) {
      if (pc < h[i + H_START] || pc >= h[i + H_END] || h[i + H_DEPTH] > maxDepth) continue;
      const kind = h[i + H_KIND];
      if (kind === HK_DELEGATE) {
        maxDepth = h[i + H_TAG];
        continue;
      }
      const withValues = kind === HK_CATCH || kind === HK_CATCH_REF || kind === HK_LEGACY_CATCH;
      if (withValues && h[i + H_TAG] !== obj.tag) continue;
      let dst = m.fp + h[i + H_DST];
      if (withValues) {
        m.u8.set(obj.slots, dst * 4);
        dst += obj.slots.length >> 2;
      }
      if (kind === HK_CATCH_REF || kind === HK_CATCH_ALL_REF) {
        m.i32[dst] = exn;
        m.i32[dst + 1] = 0;
      }
      if (h[i + H_EXN] >= 0) {
        m.i32[m.fp + h[i + H_EXN]] = exn;
        m.i32[m.fp + h[i + H_EXN] + 1] = 0;
      }
      m.pc = h[i + H_TARGET];
      return;
    }
    if (m.atEntry()) {
      throw new WasmException(obj.tag, exnArgs(m, exn), exn);
    }
    m.popFrame();
    pc = m.pc - 1;
  }
}
