/**
 * Raw values: the engine-internal, bit-exact form of a WebAssembly value outside the value
 * stack, and the helpers that move them in and out of 8-byte slots (frames, globals, exception
 * payloads all use the same slot layout).
 *
 * A {@linkcode RawValue} is:
 * - i32: a signed number (`x | 0`);
 * - i64: a signed bigint (`BigInt.asIntN(64, x)`);
 * - f32: its 32 bits as an unsigned number (`>>> 0`), so NaN payloads survive;
 * - f64: its 64 bits as an unsigned bigint (`BigInt.asUintN(64, x)`);
 * - v128: a `Uint8Array` of 16 bytes (little-endian lanes);
 * - a reference: a number (0 null, > 0 an address in `store.objects`, < 0 an i31 value).
 *
 * A slot is 8 bytes; every value takes one slot except v128, which takes two consecutive
 * slots. Values are stored little-endian (the platform's typed-array order is assumed to be
 * little-endian, as on every host Deno runs on).
 *
 * This file does not interpret values (no arithmetic) and knows nothing about frames.
 *
 * @module
 */

import { F32, F64, I32, I64, V128, type ValType } from "../syntax/types.ts";

/** A wasm value in its engine-internal form (see the module doc). */
export type RawValue = number | bigint | Uint8Array;

/**
 * A host function's implementation: raw arguments in, raw results out (as many as its type
 * says, in order). May throw a `Trap` or any error; a JS exception escapes the invocation.
 */
export type HostImpl = (args: RawValue[]) => RawValue[];

/** Typed views over one slot buffer (a value stack, `store.globalSlots`, ...). */
export interface SlotViews {
  buffer: ArrayBuffer;
  i32: Int32Array;
  u32: Uint32Array;
  i64: BigInt64Array;
  u64: BigUint64Array;
  u8: Uint8Array;
}

/** Views over `buffer` (whose length must be a multiple of 8). */
export function slotViews(buffer: ArrayBuffer): SlotViews {
  return {
    buffer,
    i32: new Int32Array(buffer),
    u32: new Uint32Array(buffer),
    i64: new BigInt64Array(buffer),
    u64: new BigUint64Array(buffer),
    u8: new Uint8Array(buffer),
  };
}

/** The number of 8-byte slots a value of type `t` takes (2 for v128, otherwise 1). */
export function slotCount(t: ValType): number {
  return t === V128 ? 2 : 1;
}

/** The total number of slots of a sequence of value types. */
export function slotsOf(types: readonly ValType[]): number {
  let n = 0;
  for (const t of types) n += t === V128 ? 2 : 1;
  return n;
}

/** Reads the value of type `t` at slot index `slot` (8-byte units). */
export function readSlot(v: SlotViews, slot: number, t: ValType): RawValue {
  switch (t) {
    case I32:
      return v.i32[slot * 2];
    case I64:
      return v.i64[slot];
    case F32:
      return v.u32[slot * 2];
    case F64:
      return v.u64[slot];
    case V128:
      return v.u8.slice(slot * 8, slot * 8 + 16);
    default: // a reference
      return v.i32[slot * 2];
  }
}

/**
 * Writes `value` (of type `t`, in the form the module doc describes) at slot index `slot`.
 * A 32-bit value also clears the slot's upper half, so slots compare bytewise.
 */
export function writeSlot(v: SlotViews, slot: number, t: ValType, value: RawValue): void {
  switch (t) {
    case I64:
      v.i64[slot] = BigInt.asIntN(64, value as bigint);
      return;
    case F64:
      v.u64[slot] = BigInt.asUintN(64, value as bigint);
      return;
    case V128:
      v.u8.set((value as Uint8Array).subarray(0, 16), slot * 8);
      return;
    default: // i32, f32, references
      v.i32[slot * 2] = value as number;
      v.i32[slot * 2 + 1] = 0;
  }
}

/** The default value of a defaultable type (zero; null for nullable references). */
export function defaultValue(t: ValType): RawValue {
  switch (t) {
    case I64:
    case F64:
      return 0n;
    case V128:
      return new Uint8Array(16);
    default:
      return 0;
  }
}
