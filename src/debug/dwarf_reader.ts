/**
 * The byte reader every DWARF decoder here shares (`.debug_line` in dwarf.ts, `.debug_info`
 * and its companions in dwarf_info.ts, location expressions in dwarf_expr.ts): little-endian
 * fixed-size values, LEB128 (DWARF 5 §7.6) as numbers or exact bigints, NUL-terminated strings,
 * {@linkcode DwarfError} for what is malformed, and the attribute form codes both decoders
 * read ({@linkcode FORM}). It decodes no DWARF structure itself.
 *
 * @module
 */

/** Malformed DWARF: the message names the section and what is wrong. */
export class DwarfError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DwarfError";
  }
}

/** DW_FORM_* values (DWARF 5 §7.5.6, table 7.6). */
export const FORM = {
  addr: 0x01,
  block2: 0x03,
  block4: 0x04,
  data2: 0x05,
  data4: 0x06,
  data8: 0x07,
  string: 0x08,
  block: 0x09,
  block1: 0x0a,
  data1: 0x0b,
  flag: 0x0c,
  sdata: 0x0d,
  strp: 0x0e,
  udata: 0x0f,
  ref_addr: 0x10,
  ref1: 0x11,
  ref2: 0x12,
  ref4: 0x13,
  ref8: 0x14,
  ref_udata: 0x15,
  indirect: 0x16,
  sec_offset: 0x17,
  exprloc: 0x18,
  flag_present: 0x19,
  strx: 0x1a,
  addrx: 0x1b,
  ref_sup4: 0x1c,
  strp_sup: 0x1d,
  data16: 0x1e,
  line_strp: 0x1f,
  ref_sig8: 0x20,
  implicit_const: 0x21,
  loclistx: 0x22,
  rnglistx: 0x23,
  ref_sup8: 0x24,
  strx1: 0x25,
  strx2: 0x26,
  strx3: 0x27,
  strx4: 0x28,
  addrx1: 0x29,
  addrx2: 0x2a,
  addrx3: 0x2b,
  addrx4: 0x2c,
} as const;

const utf8 = new TextDecoder();

/** A little-endian cursor over a section, with DWARF's LEB128 forms. */
export class ByteReader {
  /** The read position. */
  pos: number;
  private readonly view: DataView;
  /** A reader of `bytes` from `pos`; `what` names the section in errors. */
  constructor(readonly bytes: Uint8Array, pos = 0, readonly what = ".debug_info") {
    this.pos = pos;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  /** Throws unless `n` more bytes are there. */
  need(n: number): void {
    if (this.pos + n > this.bytes.length || this.pos < 0) {
      throw new DwarfError(`${this.what}: unexpected end at 0x${this.pos.toString(16)}`);
    }
  }
  /** An unsigned byte. */
  u8(): number {
    this.need(1);
    return this.bytes[this.pos++];
  }
  /** A 2-byte unsigned. */
  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  /** A 3-byte unsigned. */
  u24(): number {
    const lo = this.u16();
    return lo + this.u8() * 0x10000;
  }
  /** A 4-byte unsigned. */
  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  /** An 8-byte unsigned (a number when exact, else a bigint). */
  u64(): number | bigint {
    this.need(8);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }
  /** An unsigned of `size` bytes (1, 2, 4 or 8). */
  sized(size: number): number {
    switch (size) {
      case 1:
        return this.u8();
      case 2:
        return this.u16();
      case 4:
        return this.u32();
      default:
        return Number(this.u64());
    }
  }
  /** An unsigned LEB128 as a bigint (exact to any width). */
  ulebBig(): bigint {
    let result = 0n, shift = 0n, b: number;
    do {
      b = this.u8();
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
    } while (b & 0x80);
    return result;
  }
  /** A signed LEB128 as a bigint. */
  slebBig(): bigint {
    let result = 0n, shift = 0n, b: number;
    do {
      b = this.u8();
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
    } while (b & 0x80);
    return b & 0x40 ? result - (1n << shift) : result;
  }
  /** An unsigned LEB128 (a number: exact below 2^53). */
  uleb(): number {
    let result = 0, scale = 1, b: number;
    do {
      b = this.u8();
      result += (b & 0x7f) * scale;
      scale *= 128;
    } while (b & 0x80);
    return result;
  }
  /** A signed LEB128 (a number: exact within ±2^53). */
  sleb(): number {
    let result = 0, scale = 1, b: number;
    do {
      b = this.u8();
      result += (b & 0x7f) * scale;
      scale *= 128;
    } while (b & 0x80);
    return b & 0x40 ? result - scale : result;
  }
  /** Whether the LEB128 at the read position has more than 7 bytes (more than 49 bits). */
  private wideLeb(): boolean {
    for (let i = 0; i < 7; i++) if (!(this.bytes[this.pos + i] & 0x80)) return false;
    return true;
  }
  /** An unsigned LEB128: a number when exact, else a bigint. */
  ulebExact(): number | bigint {
    return this.wideLeb() ? safe(this.ulebBig()) : this.uleb();
  }
  /** A signed LEB128: a number when exact, else a bigint. */
  slebExact(): number | bigint {
    return this.wideLeb() ? safe(this.slebBig()) : this.sleb();
  }
  /** A NUL-terminated UTF-8 string. */
  str(): string {
    const end = this.bytes.indexOf(0, this.pos);
    if (end < 0) throw new DwarfError(`${this.what}: unterminated string`);
    const s = utf8.decode(this.bytes.subarray(this.pos, end));
    this.pos = end + 1;
    return s;
  }
  /** The next `n` bytes. */
  take(n: number): Uint8Array {
    this.need(n);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

/** `v` as a number when that is exact, else as it is. */
function safe(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(v)
    : v;
}
