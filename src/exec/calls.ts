/**
 * The slow parts of calls, kept out of the interpreter loop: resolving `call_indirect` and
 * `call_ref` targets (with their traps), and calling host functions with raw values.
 *
 * @module
 */

import { Trap } from "../errors.ts";
import type { HostFunc, WasmFunc } from "../runtime/store.ts";
import type { FuncType } from "../syntax/types.ts";
import { canonSub, canonType } from "../valid/registry.ts";
import type { Machine } from "./machine.ts";
import {
  type RawValue,
  readSlot,
  type SlotViews,
  slotViews,
  writeSlot,
} from "../runtime/values.ts";

/**
 * The function address `call_indirect` calls: element `I32/I64[idx]` of table `tableAddr`,
 * whose type must match canonical type `type`.
 *
 * @throws Trap "undefined element", "uninitialized element", "indirect call type mismatch"
 */
export function resolveIndirect(m: Machine, tableAddr: number, idx: number, type: number): number {
  const table = m.store.tables[tableAddr];
  let i: number;
  if (table.type.is64) {
    const v = m.i64[idx >> 1];
    i = v < 0n || v >= BigInt(table.size) ? -1 : Number(v);
  } else i = m.i32[idx] >>> 0;
  if (i < 0 || i >= table.size) {
    throw new Trap(`undefined element ${i < 0 ? BigInt.asUintN(64, m.i64[idx >> 1]) : i}`);
  }
  const f = table.elems[i];
  if (f === 0) throw new Trap(`uninitialized element ${i}`);
  const fn = m.store.objects[f] as WasmFunc | HostFunc;
  if (fn.type !== type && !canonSub(fn.type, type)) {
    throw new Trap("indirect call type mismatch");
  }
  return f;
}

/** Throws "null function reference". */
export function nullFunc(): never {
  throw new Trap("null function reference");
}

let views: SlotViews | null = null;

/** Views over `m`'s stack (cached). */
export function stackViews(m: Machine): SlotViews {
  if (views === null || views.buffer !== m.stack) views = slotViews(m.stack);
  return views;
}

/** The function type of a function object (by its canonical type id). */
export function funcTypeOf(m: Machine, addr: number): FuncType {
  const fn = m.store.objects[addr] as WasmFunc | HostFunc;
  return canonType(fn.type).comp as FuncType;
}

/**
 * Calls host function `addr` with the arguments in the slots at Int32 index `at`, and writes
 * its results there. The machine's current frame must be saved (funcAddr, pc, fp) so that
 * the host may call back into wasm above it.
 */
export function callHost(m: Machine, addr: number, at: number): void {
  const fn = m.store.objects[addr] as HostFunc;
  const impl = m.hosts.get(addr);
  if (impl === undefined) throw new Error(`host function ${fn.module}.${fn.name} is not bound`);
  const ft = canonType(fn.type).comp as FuncType;
  const v = stackViews(m);
  const args: RawValue[] = [];
  let slot = at >> 1;
  for (const t of ft.params) {
    args.push(readSlot(v, slot, t));
    slot += t === -5 ? 2 : 1;
  }
  const results = impl(args);
  slot = at >> 1;
  for (let i = 0; i < ft.results.length; i++) {
    const t = ft.results[i];
    writeSlot(v, slot, t, results[i]);
    slot += t === -5 ? 2 : 1;
  }
}
