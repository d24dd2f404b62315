/**
 * Bounds-checked access to the guest's memory for the WASI functions. Every pointer the guest
 * passes is an unsigned 32-bit offset; a range outside the memory throws
 * `WasiError(EFAULT)` (the binding returns it), never a JS RangeError.
 *
 * Memories are replaced on grow: the buffer is re-read from the `MemInst` on every access
 * (views are cached per buffer), and a view returned by {@linkcode GuestMemory.bytes} is valid
 * only until the guest runs again.
 *
 * @module
 */

import type { MemInst } from "../runtime/store.ts";
import { Errno, WasiError } from "./errno.ts";

const decoder = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

/** The guest's memory 0 (the export `memory`), found lazily through `get`. */
export class GuestMemory {
  private readonly get: () => MemInst | null;
  private buf: ArrayBuffer | null = null;
  private dv = new DataView(new ArrayBuffer(0));
  private u8 = new Uint8Array(0);
  /**
   * Called with every range the WASI functions check (read or written), or null. The
   * time-travel recorder (src/debug) sets it to log what a call may have written.
   */
  onAccess: ((ptr: number, len: number) => void) | null = null;

  /** `get` returns the memory instance (null before the instance is known: every access faults). */
  constructor(get: () => MemInst | null) {
    this.get = get;
  }

  private refresh(): void {
    const m = this.get();
    if (m === null) throw new WasiError(Errno.FAULT);
    if (m.buffer !== this.buf) {
      this.buf = m.buffer;
      this.dv = new DataView(m.buffer);
      this.u8 = new Uint8Array(m.buffer);
    }
  }

  /** Checks `[ptr, ptr+len)` (ptr as i32, taken unsigned); returns ptr unsigned. */
  check(ptr: number, len: number): number {
    this.refresh();
    const p = ptr >>> 0;
    if (len < 0 || p + len > this.u8.length) throw new WasiError(Errno.FAULT);
    if (this.onAccess !== null) this.onAccess(p, len);
    return p;
  }

  /** A view of `len` bytes at `ptr` (checked; valid until the memory grows). */
  bytes(ptr: number, len: number): Uint8Array {
    const p = this.check(ptr, len);
    return this.u8.subarray(p, p + len);
  }

  /** Reads a u8. */
  u8At(ptr: number): number {
    return this.u8[this.check(ptr, 1)];
  }

  /** Writes a u8. */
  setU8(ptr: number, v: number): void {
    this.u8[this.check(ptr, 1)] = v;
  }

  /** Reads a little-endian u16. */
  u16(ptr: number): number {
    return this.dv.getUint16(this.check(ptr, 2), true);
  }

  /** Writes a little-endian u16. */
  setU16(ptr: number, v: number): void {
    this.dv.setUint16(this.check(ptr, 2), v, true);
  }

  /** Reads a little-endian u32. */
  u32(ptr: number): number {
    return this.dv.getUint32(this.check(ptr, 4), true);
  }

  /** Writes a little-endian u32 (a number, taken modulo 2^32). */
  setU32(ptr: number, v: number): void {
    this.dv.setUint32(this.check(ptr, 4), v >>> 0, true);
  }

  /** Reads a little-endian u64. */
  u64(ptr: number): bigint {
    return this.dv.getBigUint64(this.check(ptr, 8), true);
  }

  /** Writes a little-endian u64 (a bigint modulo 2^64, or a non-negative safe integer). */
  setU64(ptr: number, v: bigint | number): void {
    this.dv.setBigUint64(this.check(ptr, 8), BigInt.asUintN(64, BigInt(v)), true);
  }

  /** Decodes `len` bytes of UTF-8 at `ptr`; EILSEQ if they are not valid UTF-8. */
  string(ptr: number, len: number): string {
    const b = this.bytes(ptr, len);
    try {
      return decoder.decode(b);
    } catch {
      throw new WasiError(Errno.ILSEQ);
    }
  }

  /** The `(buf, len)` pairs of `count` iovecs at `ptr` (each range checked). */
  iovecs(ptr: number, count: number): Array<[number, number]> {
    const n = count >>> 0;
    this.check(ptr, n * 8);
    const out: Array<[number, number]> = [];
    for (let i = 0; i < n; i++) {
      const buf = this.u32(ptr + i * 8), len = this.u32(ptr + i * 8 + 4);
      this.check(buf, len);
      out.push([buf, len]);
    }
    return out;
  }

  /** Copies `data` to `ptr` (checked). */
  write(ptr: number, data: Uint8Array): void {
    this.bytes(ptr, data.length).set(data);
  }
}

/** The UTF-8 bytes of `s`. */
export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}
