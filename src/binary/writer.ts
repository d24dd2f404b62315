/**
 * A growable byte buffer with the primitive encodings of the binary format (spec §5.2 "Values"):
 * bytes, unsigned and signed LEB128 integers, raw float bits, names.
 *
 * It writes whatever it is given in the shortest LEB128 form; it checks nothing about ranges
 * (callers pass in-range values: `u32` takes 0..2^32-1, `s32` a signed 32-bit number, ...).
 *
 * @module
 */

const encoder = new TextEncoder();

/** A byte buffer that grows as it is written; {@linkcode ByteWriter.finish} returns the bytes. */
export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  /** Number of bytes written so far. */
  length = 0;

  constructor(capacity = 256) {
    this.buf = new Uint8Array(Math.max(16, capacity));
    this.view = new DataView(this.buf.buffer);
  }

  /** Makes room for `n` more bytes. */
  private reserve(n: number): void {
    const need = this.length + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** Writes one byte (the low 8 bits of `b`). */
  byte(b: number): void {
    if (this.length === this.buf.length) this.reserve(1);
    this.buf[this.length++] = b;
  }

  /** Writes an unsigned LEB128 number in 0..2^32-1. */
  u32(v: number): void {
    this.reserve(5);
    const buf = this.buf;
    let n = v >>> 0;
    let p = this.length;
    while (n >= 0x80) {
      buf[p++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    buf[p++] = n;
    this.length = p;
  }

  /** Writes a signed LEB128 number in -2^31..2^31-1. */
  s32(v: number): void {
    this.reserve(5);
    const buf = this.buf;
    let n = v | 0;
    let p = this.length;
    for (;;) {
      const b = n & 0x7f;
      n >>= 7;
      if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
        buf[p++] = b;
        break;
      }
      buf[p++] = b | 0x80;
    }
    this.length = p;
  }

  /** Writes a signed 33-bit LEB128 number (block types), in -2^32..2^32-1. */
  s33(v: number): void {
    if (v >= -0x80000000 && v <= 0x7fffffff) this.s32(v);
    else this.s64(BigInt(v));
  }

  /** Writes a signed LEB128 number in -2^63..2^63-1. */
  s64(v: bigint): void {
    if (v >= -0x80000000n && v <= 0x7fffffffn) {
      this.s32(Number(v));
      return;
    }
    let n = BigInt.asIntN(64, v);
    for (;;) {
      const b = Number(n & 0x7fn);
      n >>= 7n;
      if ((n === 0n && (b & 0x40) === 0) || (n === -1n && (b & 0x40) !== 0)) {
        this.byte(b);
        return;
      }
      this.byte(b | 0x80);
    }
  }

  /** Writes an unsigned LEB128 number in 0..2^64-1. */
  u64(v: bigint): void {
    if (v >= 0n && v <= 0xffffffffn) {
      this.u32(Number(v));
      return;
    }
    let n = BigInt.asUintN(64, v);
    while (n >= 0x80n) {
      this.byte(Number(n & 0x7fn) | 0x80);
      n >>= 7n;
    }
    this.byte(Number(n));
  }

  /** Writes the 32 bits of an f32 (an unsigned 32-bit number), little-endian. */
  f32bits(bits: number): void {
    this.reserve(4);
    this.view.setUint32(this.length, bits >>> 0, true);
    this.length += 4;
  }

  /** Writes the 64 bits of an f64, little-endian. */
  f64bits(bits: bigint): void {
    this.reserve(8);
    this.view.setBigUint64(this.length, BigInt.asUintN(64, bits), true);
    this.length += 8;
  }

  /** Writes raw bytes. */
  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  /** Writes a vector of bytes: its length (u32), then the bytes. */
  byteVec(b: Uint8Array): void {
    this.u32(b.length);
    this.bytes(b);
  }

  /** Writes a name: its UTF-8 length (u32), then its UTF-8 bytes. */
  name(s: string): void {
    let ascii = s.length < 64;
    for (let i = 0; ascii && i < s.length; i++) if (s.charCodeAt(i) >= 0x80) ascii = false;
    if (!ascii) {
      this.byteVec(encoder.encode(s));
      return;
    }
    this.u32(s.length);
    this.reserve(s.length);
    const buf = this.buf;
    let p = this.length;
    for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
    this.length = p;
  }

  /** Forgets what was written, keeping the buffer for reuse. */
  clear(): void {
    this.length = 0;
  }

  /** The bytes written so far (a copy, exactly `length` long). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}
