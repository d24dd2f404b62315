/**
 * Script values and result patterns as `.wast` text, for failure reasons ("expected
 * (i32.const 1), got (i32.const 2)"). Floats print as JS numbers, or `nan:0x...` with their
 * payload, so that the text is readable; it is not meant to be parsed back.
 *
 * @module
 */

import { HEAP_ANY, HEAP_NAMES } from "../syntax/types.ts";
import type { LanePat, Ref, ResultPat, Value } from "./ast.ts";

const view = new DataView(new ArrayBuffer(8));

/** A float of `width` bits as text: a number, `inf`, or `nan:0x<payload>` with its sign. */
export function formatFloatBits(bits: bigint, width: 32 | 64): string {
  const mantBits = width === 32 ? 23n : 52n;
  const expMask = width === 32 ? 0xffn : 0x7ffn;
  const sign = (bits >> BigInt(width - 1)) & 1n ? "-" : "";
  const exp = (bits >> mantBits) & expMask;
  const mant = bits & ((1n << mantBits) - 1n);
  if (exp === expMask) return mant === 0n ? `${sign}inf` : `${sign}nan:0x${mant.toString(16)}`;
  let n: number;
  if (width === 32) {
    view.setUint32(0, Number(bits));
    n = view.getFloat32(0);
  } else {
    view.setBigUint64(0, bits);
    n = view.getFloat64(0);
  }
  return Object.is(n, -0) ? "-0" : String(n);
}

/** A value as a constant: `(i32.const 1)`, `(ref.extern 2)`, `(v128.const i32x4 ...)`. */
export function formatValue(v: Value): string {
  switch (v.type) {
    case "i32":
      return `(i32.const ${v.value | 0})`;
    case "i64":
      return `(i64.const ${v.value})`;
    case "f32":
      return `(f32.const ${formatFloatBits(BigInt(v.bits >>> 0), 32)})`;
    case "f64":
      return `(f64.const ${formatFloatBits(BigInt.asUintN(64, v.bits), 64)})`;
    case "v128": {
      const words: string[] = [];
      const view = new DataView(v.bytes.buffer, v.bytes.byteOffset, 16);
      for (let i = 0; i < 4; i++) words.push(`0x${view.getUint32(i * 4, true).toString(16)}`);
      return `(v128.const i32x4 ${words.join(" ")})`;
    }
    case "ref":
      return formatRef(v.ref);
  }
}

/** A reference: `(ref.null)`, `(ref.host 1)`, `(ref.extern 1)`, `(ref.i31 5)`, `(ref.func)`. */
export function formatRef(r: Ref): string {
  switch (r.kind) {
    case "null":
      return `(ref.null ${HEAP_NAMES.get(r.heap) ?? r.heap})`;
    case "host":
      return `(ref.host ${r.id})`;
    case "extern":
      return r.ref.kind === "host"
        ? `(ref.extern ${r.ref.id})`
        : `(ref.extern ${formatRef(r.ref)})`;
    case "i31":
      return `(ref.i31 ${r.value})`;
    default:
      return `(ref.${r.kind})`;
  }
}

/** A list of values, space-separated (`(no values)` when empty). */
export function formatValues(vs: readonly Value[]): string {
  return vs.length === 0 ? "(no values)" : vs.map(formatValue).join(" ");
}

/** A result pattern as the script writes it. */
export function formatPattern(p: ResultPat): string {
  switch (p.kind) {
    case "value":
      return formatValue(p.value);
    case "nan":
      return `(${p.type}.const nan:${p.nan})`;
    case "v128": {
      const width = p.shape === "i8x16"
        ? 8
        : p.shape === "i16x8"
        ? 16
        : p.shape.endsWith("x4")
        ? 32
        : 64;
      const isFloat = p.shape.startsWith("f");
      const lane = (l: LanePat) =>
        typeof l !== "bigint"
          ? `nan:${l}`
          : isFloat
          ? formatFloatBits(l, width as 32 | 64)
          : String(BigInt.asIntN(width, l));
      return `(v128.const ${p.shape} ${p.lanes.map(lane).join(" ")})`;
    }
    case "ref.null":
      return p.heap === null ? "(ref.null)" : `(ref.null ${HEAP_NAMES.get(p.heap)})`;
    case "ref.host":
      return `(ref.host ${p.id})`;
    case "ref.extern":
      return `(ref.extern ${p.id})`;
    case "ref":
      return p.heap === HEAP_ANY ? "(ref)" : `(ref.${HEAP_NAMES.get(p.heap)})`;
    case "either":
      return `(either ${p.alternatives.map(formatPattern).join(" ")})`;
  }
}

/** A list of patterns, space-separated (`(no values)` when empty). */
export function formatPatterns(ps: readonly ResultPat[]): string {
  return ps.length === 0 ? "(no values)" : ps.map(formatPattern).join(" ");
}
