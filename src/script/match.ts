/**
 * Matching action results against result patterns, as the reference interpreter's script
 * runner does (`assert_return`): numbers bit for bit, NaN patterns by their bits, v128 lane
 * by lane, references by kind.
 *
 * @module
 */

import {
  HEAP_ANY,
  HEAP_ARRAY,
  HEAP_EQ,
  HEAP_EXN,
  HEAP_EXTERN,
  HEAP_FUNC,
  HEAP_I31,
  HEAP_STRUCT,
} from "../syntax/types.ts";
import type { LanePat, NanKind, Ref, ResultPat, Shape, Value } from "./ast.ts";

/** Lane widths in bits. */
const LANE_BITS: Record<Shape, number> = {
  i8x16: 8,
  i16x8: 16,
  i32x4: 32,
  i64x2: 64,
  f32x4: 32,
  f64x2: 64,
};

/** Whether results match patterns: same count, each value matching its pattern. */
export function matchResults(values: readonly Value[], pats: readonly ResultPat[]): boolean {
  if (values.length !== pats.length) return false;
  for (let i = 0; i < values.length; i++) if (!matchResult(values[i], pats[i])) return false;
  return true;
}

/**
 * Whether one value matches one pattern.
 *
 * @example
 * ```ts
 * import { matchResult } from "./match.ts";
 * const nan = { type: "f32", bits: 0x7fc00000 } as const;
 * console.assert(matchResult(nan, { kind: "nan", type: "f32", nan: "canonical" }));
 * ```
 */
export function matchResult(v: Value, p: ResultPat): boolean {
  switch (p.kind) {
    case "value":
      return sameValue(v, p.value);
    case "nan":
      if (v.type === "f32" && p.type === "f32") return isNan(BigInt(v.bits), 32, p.nan);
      if (v.type === "f64" && p.type === "f64") return isNan(v.bits, 64, p.nan);
      return false;
    case "v128":
      return v.type === "v128" && matchLanes(v.bytes, p.shape, p.lanes);
    case "either":
      return p.alternatives.some((alt) => matchResult(v, alt));
    default:
      return v.type === "ref" && matchRef(v.ref, p);
  }
}

/** Exact equality of numbers (floats by bits). */
function sameValue(v: Value, w: Value): boolean {
  switch (w.type) {
    case "i32":
      return v.type === "i32" && (v.value | 0) === (w.value | 0);
    case "i64":
      return v.type === "i64" && BigInt.asIntN(64, v.value) === BigInt.asIntN(64, w.value);
    case "f32":
      return v.type === "f32" && v.bits >>> 0 === w.bits >>> 0;
    case "f64":
      return v.type === "f64" && BigInt.asUintN(64, v.bits) === BigInt.asUintN(64, w.bits);
    case "v128":
      return v.type === "v128" && v.bytes.every((b, i) => b === w.bytes[i]);
    case "ref":
      return v.type === "ref" && sameRef(v.ref, w.ref);
  }
}

/** Reference equality as the reference interpreter's `eq_ref` for script references. */
function sameRef(a: Ref, b: Ref): boolean {
  if (a.kind === "null" || b.kind === "null") return a.kind === b.kind;
  if (a.kind === "host" && b.kind === "host") return a.id === b.id;
  if (a.kind === "extern" && b.kind === "extern") return sameRef(a.ref, b.ref);
  if (a.kind === "i31" && b.kind === "i31") return a.value === b.value;
  return false;
}

/**
 * A NaN pattern on raw bits of a float `width` wide: canonical is exactly the quiet NaN with
 * an empty payload (either sign); arithmetic is any NaN with the payload's top bit set.
 */
function isNan(bits: bigint, width: 32 | 64, nan: NanKind): boolean {
  const exp = width === 32 ? 0x7f800000n : 0x7ff0000000000000n;
  const quiet = width === 32 ? 0x00400000n : 0x0008000000000000n;
  const magnitude = bits & (width === 32 ? 0x7fffffffn : 0x7fffffffffffffffn);
  if (nan === "canonical") return magnitude === (exp | quiet);
  return (bits & (exp | quiet)) === (exp | quiet);
}

/** Lane by lane: each lane's unsigned bits against its pattern. */
function matchLanes(bytes: Uint8Array, shape: Shape, lanes: readonly LanePat[]): boolean {
  const width = LANE_BITS[shape];
  const size = width / 8;
  if (lanes.length * size !== 16 || bytes.length !== 16) return false;
  for (let i = 0; i < lanes.length; i++) {
    let bits = 0n;
    for (let b = size - 1; b >= 0; b--) bits = (bits << 8n) | BigInt(bytes[i * size + b]);
    const p = lanes[i];
    if (typeof p === "bigint") {
      if (bits !== BigInt.asUintN(width, p)) return false;
    } else if (width < 32 || !isNan(bits, width as 32 | 64, p)) {
      return false;
    }
  }
  return true;
}

/** Reference patterns (the reference interpreter's `assert_ref_pat`). */
function matchRef(r: Ref, p: ResultPat): boolean {
  switch (p.kind) {
    case "ref.null":
      return r.kind === "null";
    case "ref.host":
      return r.kind === "host" && r.id === p.id;
    case "ref.extern":
      return r.kind === "extern" && r.ref.kind === "host" && r.ref.id === p.id;
    case "ref":
      switch (p.heap) {
        case HEAP_ANY:
          return r.kind !== "func";
        case HEAP_EQ:
          return r.kind === "i31" || r.kind === "struct" || r.kind === "array";
        case HEAP_I31:
          return r.kind === "i31";
        case HEAP_STRUCT:
          return r.kind === "struct";
        case HEAP_ARRAY:
          return r.kind === "array";
        case HEAP_FUNC:
          return r.kind === "func";
        case HEAP_EXN:
          return r.kind === "exn";
        case HEAP_EXTERN:
          return true;
      }
      return false;
    default:
      return false;
  }
}
