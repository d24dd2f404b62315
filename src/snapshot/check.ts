/**
 * Checked reads of a decoded snapshot body: each helper returns the value if it has the
 * expected shape and range, and throws a {@linkcode SnapshotError} naming the field otherwise.
 *
 * @module
 */

import { SnapshotError } from "../errors.ts";

/** An integer in `[min, max]`. */
export function int(v: unknown, min: number, max: number, what: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw new SnapshotError(`${what}: expected an integer in [${min}, ${max}], got ${show(v)}`);
  }
  return v;
}

/** A boolean. */
export function bool(v: unknown, what: string): boolean {
  if (typeof v !== "boolean") throw new SnapshotError(`${what}: expected a boolean`);
  return v;
}

/** A string. */
export function str(v: unknown, what: string): string {
  if (typeof v !== "string") throw new SnapshotError(`${what}: expected a string`);
  return v;
}

/** An array. */
export function arr(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v)) throw new SnapshotError(`${what}: expected an array`);
  return v;
}

/** A map (plain object) with exactly the keys `keys`. */
export function obj(v: unknown, keys: readonly string[], what: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v) || v instanceof Uint8Array) {
    throw new SnapshotError(`${what}: expected a map`);
  }
  const o = v as Record<string, unknown>;
  for (const k of keys) {
    if (!(k in o)) throw new SnapshotError(`${what}: missing field ${k}`);
  }
  for (const k of Object.keys(o)) {
    if (!keys.includes(k)) throw new SnapshotError(`${what}: unknown field ${k}`);
  }
  return o;
}

/**
 * An open map (plain object): the keys `keys` must be there; others are fields a later format
 * version added, which this reader ignores (format.ts lists the open maps).
 */
export function open(v: unknown, keys: readonly string[], what: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v) || v instanceof Uint8Array) {
    throw new SnapshotError(`${what}: expected a map`);
  }
  const o = v as Record<string, unknown>;
  for (const k of keys) {
    if (!(k in o)) throw new SnapshotError(`${what}: missing field ${k}`);
  }
  return o;
}

/** Bytes, optionally of an exact length or a multiple of `unit`. */
export function bin(v: unknown, what: string, unit = 1, length = -1): Uint8Array {
  if (!(v instanceof Uint8Array)) throw new SnapshotError(`${what}: expected bytes`);
  if (v.length % unit !== 0 || (length >= 0 && v.length !== length)) {
    throw new SnapshotError(`${what}: bad length ${v.length}`);
  }
  return v;
}

/** Int32 words (a fresh, aligned copy), all in `[min, max]`. */
export function i32s(v: unknown, what: string, min = -(2 ** 31), max = 2 ** 31 - 1): Int32Array {
  const b = bin(v, what, 4);
  const a = new Int32Array(b.slice().buffer);
  for (let i = 0; i < a.length; i++) {
    if (a[i] < min || a[i] > max) {
      throw new SnapshotError(`${what}[${i}]: ${a[i]} out of range [${min}, ${max}]`);
    }
  }
  return a;
}

/** The bytes of an Int32Array (a view, little-endian). */
export function wordsBin(a: Int32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function show(v: unknown): string {
  if (typeof v === "number" || typeof v === "boolean" || v === null) return String(v);
  if (typeof v === "string") return JSON.stringify(v.slice(0, 40));
  return typeof v;
}
