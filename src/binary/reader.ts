/**
 * A cursor over bytes that reads the primitive encodings of the binary format (spec §5.2
 * "Values"): bytes, LEB128 integers of each width, raw float bits, lengths and names. Each
 * malformed encoding throws a {@linkcode DecodeError} with the spec testsuite's message
 * ("integer representation too long", "integer too large", "unexpected end of section or
 * function", "length out of bounds", "malformed UTF-8 encoding") and the offset
 * `base + position`.
 *
 * It knows nothing of types, instructions or sections (see `types.ts`, `code.ts`,
 * `decode.ts`).
 *
 * @module
 */

import { DecodeError } from "../errors.ts";

/** The message for reading past the end of the bytes (the testsuite also accepts its prefix). */
export const UNEXPECTED_END = "unexpected end of section or function";

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** BigInts for small numbers, so that common offsets and constants do not allocate. */
const SMALL_BIGINT_MIN = -256;
const SMALL_BIGINTS: bigint[] = [];
for (let i = SMALL_BIGINT_MIN; i < 1024; i++) SMALL_BIGINTS.push(BigInt(i));

/** `BigInt(n)` for a safe integer `n`, without allocating when `n` is small. */
export function smallBigInt(n: number): bigint {
  return n >= SMALL_BIGINT_MIN && n < 1024 ? SMALL_BIGINTS[n - SMALL_BIGINT_MIN] : BigInt(n);
}

/** A cursor over `bytes[start..end)`. */
export class ByteReader {
  /** The bytes read (the whole module, usually). */
  readonly bytes: Uint8Array;
  /** The current position in `bytes`. */
  at: number;
  /** The position reading must not pass. */
  end: number;
  /** Added to positions in error offsets (where `bytes` sits in the original file). */
  readonly base: number;
  private readonly view: DataView;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length, base = 0) {
    this.bytes = bytes;
    this.at = start;
    this.end = end;
    this.base = base;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Throws a {@linkcode DecodeError} at position `pos` of `bytes`. */
  fail(message: string, pos: number = this.at): never {
    throw new DecodeError(message, this.base + pos);
  }

  /** Throws "unexpected end of section or function" at the end. */
  eof(): never {
    throw new DecodeError(UNEXPECTED_END, this.base + this.end);
  }

  /** Whether the cursor is at the end. */
  get eos(): boolean {
    return this.at >= this.end;
  }

  /** The next byte, not consumed, or -1 at the end. */
  peek(): number {
    return this.at < this.end ? this.bytes[this.at] : -1;
  }

  /** Reads one byte. */
  byte(): number {
    if (this.at >= this.end) this.eof();
    return this.bytes[this.at++];
  }

  /** Skips `n` bytes. */
  skip(n: number): void {
    if (n < 0 || this.at + n > this.end) this.eof();
    this.at += n;
  }

  /** Reads an unsigned LEB128 number of at most 32 bits. */
  u32(): number {
    const bytes = this.bytes;
    let p = this.at;
    if (p >= this.end) this.eof();
    let b = bytes[p++];
    if (b < 0x80) {
      this.at = p;
      return b;
    }
    let result = b & 0x7f;
    for (let shift = 7; shift < 28; shift += 7) {
      if (p >= this.end) this.eof();
      b = bytes[p++];
      result |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.at = p;
        return result >>> 0;
      }
    }
    if (p >= this.end) this.eof();
    b = bytes[p++];
    if ((b & 0x70) !== 0) this.fail("integer too large", p - 1);
    if ((b & 0x80) !== 0) this.fail("integer representation too long", p);
    this.at = p;
    return ((result >>> 0) + b * 0x10000000) >>> 0;
  }

  /** Reads a signed LEB128 number of at most 32 bits. */
  s32(): number {
    const bytes = this.bytes;
    let p = this.at;
    if (p >= this.end) this.eof();
    let b = bytes[p++];
    if (b < 0x80) {
      this.at = p;
      return (b << 25) >> 25;
    }
    let result = b & 0x7f;
    for (let shift = 7; shift < 28; shift += 7) {
      if (p >= this.end) this.eof();
      b = bytes[p++];
      result |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.at = p;
        const unused = 25 - shift;
        return (result << unused) >> unused;
      }
    }
    if (p >= this.end) this.eof();
    b = bytes[p++];
    const top = b & 0x78;
    if (top !== 0 && top !== 0x78) this.fail("integer too large", p - 1);
    if ((b & 0x80) !== 0) this.fail("integer representation too long", p);
    this.at = p;
    return result | (b << 28);
  }

  /** Reads a signed LEB128 number of at most 33 bits (block types, heap types), as a number. */
  s33(): number {
    const bytes = this.bytes;
    let p = this.at;
    if (p >= this.end) this.eof();
    let b = bytes[p++];
    if (b < 0x80) {
      this.at = p;
      return (b << 25) >> 25;
    }
    let result = b & 0x7f;
    for (let shift = 7; shift < 28; shift += 7) {
      if (p >= this.end) this.eof();
      b = bytes[p++];
      result |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.at = p;
        const unused = 25 - shift;
        return (result << unused) >> unused;
      }
    }
    if (p >= this.end) this.eof();
    b = bytes[p++];
    const top = b & 0x70;
    if (top !== 0 && top !== 0x70) this.fail("integer too large", p - 1);
    if ((b & 0x80) !== 0) this.fail("integer representation too long", p);
    this.at = p;
    // bits 28..32 from b; bit 32 (b & 0x10) is the sign
    return (result >>> 0) + (b & 0x0f) * 0x10000000 - ((b & 0x10) !== 0 ? 0x100000000 : 0);
  }

  /** Reads an unsigned LEB128 number of at most 64 bits. */
  u64(): bigint {
    const bytes = this.bytes;
    let p = this.at;
    // Fast path: up to 7 bytes (49 bits) fit a double exactly.
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 7; i++) {
      if (p >= this.end) this.eof();
      const b = bytes[p++];
      result += (b & 0x7f) * scale;
      if (b < 0x80) {
        this.at = p;
        return smallBigInt(result);
      }
      scale *= 0x80;
    }
    let big = BigInt(result);
    let shift = 49n;
    for (let i = 7; i < 9; i++) {
      if (p >= this.end) this.eof();
      const b = bytes[p++];
      big |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) {
        this.at = p;
        return big;
      }
      shift += 7n;
    }
    if (p >= this.end) this.eof();
    const b = bytes[p++];
    if ((b & 0x7e) !== 0) this.fail("integer too large", p - 1);
    if ((b & 0x80) !== 0) this.fail("integer representation too long", p);
    this.at = p;
    return big | (BigInt(b) << 63n);
  }

  /** Reads a signed LEB128 number of at most 64 bits. */
  s64(): bigint {
    const bytes = this.bytes;
    let p = this.at;
    if (p >= this.end) this.eof();
    let b = bytes[p++];
    if (b < 0x80) {
      this.at = p;
      return smallBigInt((b << 25) >> 25);
    }
    // Fast path: up to 7 bytes (49 bits) fit a double exactly.
    let result = b & 0x7f;
    let scale = 0x80;
    for (let i = 1; i < 7; i++) {
      if (p >= this.end) this.eof();
      b = bytes[p++];
      result += (b & 0x7f) * scale;
      scale *= 0x80;
      if (b < 0x80) {
        this.at = p;
        if ((b & 0x40) !== 0) result -= scale;
        return smallBigInt(result);
      }
    }
    let big = BigInt(result);
    let shift = 49n;
    for (let i = 7; i < 9; i++) {
      if (p >= this.end) this.eof();
      b = bytes[p++];
      big |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if (b < 0x80) {
        this.at = p;
        return (b & 0x40) !== 0 ? big - (1n << shift) : big;
      }
    }
    if (p >= this.end) this.eof();
    b = bytes[p++];
    const top = b & 0x7f;
    if (top !== 0 && top !== 0x7f) this.fail("integer too large", p - 1);
    if ((b & 0x80) !== 0) this.fail("integer representation too long", p);
    this.at = p;
    return BigInt.asIntN(64, big | (BigInt(b & 1) << 63n));
  }

  /** Reads an unsigned LEB128 number of at most 8 bits (lane indices). */
  u8(): number {
    const b = this.byte();
    if (b < 0x80) return b;
    const c = this.byte();
    if ((c & 0x7e) !== 0) this.fail("integer too large", this.at - 1);
    if ((c & 0x80) !== 0) this.fail("integer representation too long", this.at);
    return (b & 0x7f) | (c << 7);
  }

  /** Reads the 32 bits of an f32, little-endian, as an unsigned number. */
  f32bits(): number {
    if (this.at + 4 > this.end) this.eof();
    const v = this.view.getUint32(this.at, true);
    this.at += 4;
    return v;
  }

  /** Reads the 64 bits of an f64, little-endian, as an unsigned bigint. */
  f64bits(): bigint {
    if (this.at + 8 > this.end) this.eof();
    const lo = this.view.getUint32(this.at, true);
    const hi = this.view.getUint32(this.at + 4, true);
    this.at += 8;
    return hi === 0 ? smallBigInt(lo) : this.view.getBigUint64(this.at - 8, true);
  }

  /**
   * Reads a length or count (u32) that must not exceed the bytes left counted from the start of
   * the length itself ("length out of bounds"), as the reference decoder counts them.
   */
  len32(): number {
    const pos = this.at;
    const n = this.u32();
    if (n > this.end - pos) this.fail("length out of bounds", pos);
    return n;
  }

  /** Reads `n` raw bytes, as a view into `bytes` (not a copy). */
  bytesView(n: number): Uint8Array {
    if (n < 0 || this.at + n > this.end) this.eof();
    const v = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return v;
  }

  /** Reads a vector of bytes (a length, then the bytes), as a view into `bytes`. */
  byteVec(): Uint8Array {
    return this.bytesView(this.len32());
  }

  /** Reads a name: a vector of bytes that must be valid UTF-8. */
  name(): string {
    const pos = this.at;
    const n = this.len32();
    const bytes = this.bytes;
    const start = this.at;
    const stop = start + n;
    if (stop > this.end) this.eof();
    this.at = stop;
    if (n <= 32) {
      let s = "";
      let i = start;
      for (; i < stop; i++) {
        const b = bytes[i];
        if (b >= 0x80) break;
        s += String.fromCharCode(b);
      }
      if (i === stop) return s;
    }
    try {
      return decoder.decode(bytes.subarray(start, stop));
    } catch {
      return this.fail("malformed UTF-8 encoding", pos);
    }
  }
}
