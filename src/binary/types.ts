/**
 * Reading and writing the binary encoding of value, heap, reference, storage and block types
 * (spec §5.3 "Types"), shared by the code reader (`code.ts`) and the module decoder and encoder.
 *
 * The error messages follow the reference decoder, which tries the alternatives of a type in
 * order and reports the last one's complaint: a bad value type is "malformed reference type",
 * a bad heap type "malformed heap type", a multi-byte code where a one-byte code belongs
 * "integer representation too long".
 *
 * Composite, sub and recursive types live in `decode.ts`/`encode.ts`.
 *
 * @module
 */

import type { ByteReader } from "./reader.ts";
import type { ByteWriter } from "./writer.ts";
import {
  BLOCK_EMPTY,
  type BlockType,
  type HeapType,
  I16,
  I8,
  isRefType,
  refHeap,
  refNullable,
  refType,
  type StorageType,
  type ValType,
} from "../syntax/types.ts";

/**
 * The largest type index a heap type keeps as read. Larger ones (never valid: a module cannot
 * define that many types) are clamped to it, so that {@linkcode refType}'s packing stays exact
 * and the validator still reports an unknown type.
 */
export const MAX_TYPE_INDEX = 0x0fffffff;

/** Whether byte `b` is the code of an abstract heap type (0x69 exn .. 0x74 noexn). */
function isAbstractHeapByte(b: number): boolean {
  return b >= 0x69 && b <= 0x74;
}

/**
 * Reads a type index written as s33 (in heap types and block types) when the first byte has
 * its continuation bit set; returns -1 when it is not a non-negative 32-bit number or is
 * malformed, and then leaves the reader where it was.
 */
function readMultiByteIndex(r: ByteReader): number {
  const pos = r.at;
  let v: number;
  try {
    v = r.s33();
  } catch {
    r.at = pos;
    return -1;
  }
  if (v < 0 || v > 0x7fffffff) {
    r.at = pos;
    return -1;
  }
  return v > MAX_TYPE_INDEX ? MAX_TYPE_INDEX : v;
}

/** Reads a heap type: an abstract heap type's one-byte code or a type index (s33). */
export function readHeapType(r: ByteReader): HeapType {
  const pos = r.at;
  const b = r.byte();
  if (b < 0x40) return b;
  if (b < 0x80) {
    if (isAbstractHeapByte(b)) return b - 0x80;
    return r.fail("malformed heap type", pos);
  }
  r.at = pos;
  const v = readMultiByteIndex(r);
  if (v >= 0) return v;
  return r.fail("integer representation too long", pos + 1);
}

/** Reads a reference type: a short form (0x69..0x74) or 0x63/0x64 with a heap type. */
export function readRefType(r: ByteReader): ValType {
  const pos = r.at;
  const b = r.byte();
  if (isAbstractHeapByte(b)) return refType(true, b - 0x80);
  if (b === 0x63) return refType(true, readHeapType(r));
  if (b === 0x64) return refType(false, readHeapType(r));
  if (b >= 0x80) return r.fail("integer representation too long", pos + 1);
  return r.fail("malformed reference type", pos);
}

/** Reads a value type: a number type, `v128`, or a reference type. */
export function readValType(r: ByteReader): ValType {
  const b = r.peek();
  if (b >= 0x7b && b <= 0x7f) {
    r.at++;
    return b - 0x80;
  }
  return readRefType(r);
}

/** Reads a storage type: a value type, `i8` (0x78) or `i16` (0x77). */
export function readStorageType(r: ByteReader): StorageType {
  const b = r.peek();
  if (b === 0x78 || b === 0x77) {
    r.at++;
    return b - 0x80;
  }
  const pos = r.at;
  if ((b >= 0x7b && b <= 0x7f) || isAbstractHeapByte(b) || b === 0x63 || b === 0x64) {
    return readValType(r);
  }
  if (b >= 0x80) {
    r.at++;
    return r.fail("integer representation too long", pos + 1);
  }
  if (b < 0) return r.eof();
  return r.fail("malformed storage type", pos);
}

/** Reads a block type: 0x40 (empty), a value type, or a type index (s33). */
export function readBlockType(r: ByteReader): BlockType {
  const b = r.peek();
  if (b >= 0 && b < 0x40) {
    r.at++;
    return b;
  }
  if (b === 0x40) {
    r.at++;
    return BLOCK_EMPTY;
  }
  if (b >= 0x80) {
    const v = readMultiByteIndex(r);
    if (v >= 0) return v;
  }
  return readValType(r);
}

/** Writes a heap type. */
export function writeHeapType(w: ByteWriter, h: HeapType): void {
  if (h < 0) w.byte(h + 0x80);
  else w.s33(h);
}

/** Writes a value type (reference types in their shortest form). */
export function writeValType(w: ByteWriter, t: ValType): void {
  if (!isRefType(t)) {
    w.byte(t + 0x80);
    return;
  }
  const heap = refHeap(t);
  if (refNullable(t)) {
    if (heap < 0) {
      w.byte(heap + 0x80);
      return;
    }
    w.byte(0x63);
  } else {
    w.byte(0x64);
  }
  writeHeapType(w, heap);
}

/** Writes a storage type. */
export function writeStorageType(w: ByteWriter, t: StorageType): void {
  if (t === I8 || t === I16) w.byte(t + 0x80);
  else writeValType(w, t);
}

/** Writes a block type. */
export function writeBlockType(w: ByteWriter, bt: BlockType): void {
  if (bt === BLOCK_EMPTY) w.byte(0x40);
  else if (bt >= 0) w.s33(bt);
  else writeValType(w, bt);
}
