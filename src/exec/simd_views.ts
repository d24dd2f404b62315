/**
 * The shared vocabulary of the SIMD numerics (`simd*.ts`): the typed views over one slot
 * buffer that every vector operator reads and writes, the handler signature the dispatch
 * table holds, a 16-byte scratch vector for operators whose output lanes depend on other
 * input lanes, and lane-view selection by width and signedness.
 *
 * Layout (ENGINE.md): operands are addressed by BYTE offsets, multiples of 8; a v128 takes 16
 * consecutive bytes, lanes little-endian (the host's typed-array order, little-endian on every
 * host Deno runs on). Every view index is `offset >> log2(element size)`, exact because
 * offsets are 8-byte aligned.
 *
 * This file computes nothing.
 *
 * @module
 */

/** Typed views over one ArrayBuffer (a value stack), built by {@linkcode simdViews}. */
export interface SimdViews {
  readonly buffer: ArrayBufferLike;
  readonly u8: Uint8Array;
  readonly i8: Int8Array;
  readonly u16: Uint16Array;
  readonly i16: Int16Array;
  readonly u32: Uint32Array;
  readonly i32: Int32Array;
  readonly f32: Float32Array;
  readonly f64: Float64Array;
  readonly i64: BigInt64Array;
  readonly u64: BigUint64Array;
}

/**
 * Views over `buffer` (its length a multiple of 8). Make new ones whenever the buffer is
 * replaced (a grown value stack).
 */
export function simdViews(buffer: ArrayBufferLike): SimdViews {
  return {
    buffer,
    u8: new Uint8Array(buffer),
    i8: new Int8Array(buffer),
    u16: new Uint16Array(buffer),
    i16: new Int16Array(buffer),
    u32: new Uint32Array(buffer),
    i32: new Int32Array(buffer),
    f32: new Float32Array(buffer),
    f64: new Float64Array(buffer),
    i64: new BigInt64Array(buffer),
    u64: new BigUint64Array(buffer),
  };
}

/**
 * One vector operator: `d` the result's byte offset, `a`, `b`, `c` the operands' (unused ones
 * ignored), `imm` the lane index of extract/replace_lane.
 *
 * Aliasing contract: a v128 operand either IS the result (`a === d`) or does not overlap it;
 * a scalar operand may overlap the result (it is read before anything is written).
 */
export type SimdHandler = (
  m: SimdViews,
  d: number,
  a: number,
  b: number,
  c: number,
  imm: number,
) => void;

/** An integer lane view. */
export type IntView = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;

/** The integer view of `bits`-wide lanes (8, 16 or 32), signed or unsigned. */
export function intView(m: SimdViews, bits: number, signed: boolean): IntView {
  if (bits === 8) return signed ? m.i8 : m.u8;
  if (bits === 16) return signed ? m.i16 : m.u16;
  return signed ? m.i32 : m.u32;
}

/** log2 of the byte size of a `bits`-wide lane (8 -> 0, 16 -> 1, 32 -> 2, 64 -> 3). */
export function laneShift(bits: number): number {
  return bits === 8 ? 0 : bits === 16 ? 1 : bits === 32 ? 2 : 3;
}

/**
 * The scratch vector at byte offset 0 of its own buffer: operators whose output lanes read
 * other input lanes compute there, then {@linkcode commit} copies the result out, so that
 * `d === a` is safe.
 */
export const SCRATCH: SimdViews = simdViews(new ArrayBuffer(16));

/** Copies the scratch vector to byte offset `d` (as 32-bit words: NaN bits survive). */
export function commit(m: SimdViews, d: number): void {
  const s = SCRATCH.i32, w = m.i32, i = d >> 2;
  w[i] = s[0];
  w[i + 1] = s[1];
  w[i + 2] = s[2];
  w[i + 3] = s[3];
}

/** Writes an i32 scalar result to the slot at byte offset `d` (upper half zeroed). */
export function setI32(m: SimdViews, d: number, x: number): void {
  const i = d >> 2;
  m.i32[i] = x;
  m.i32[i + 1] = 0;
}
