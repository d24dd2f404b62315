/**
 * The scalar numerics of the interpreter (spec §4.3): every integer, float and conversion
 * operator that is more than one JS expression, gathered from `numerics_int.ts` (division,
 * bit counts, rotations, 64-bit shifts and unsigned comparisons), `numerics_float.ts` (min,
 * max, rounding, sign operators on bits, f32 arithmetic, bits <-> values) and
 * `numerics_conv.ts` (truncations, integer-to-float conversions, width changes).
 *
 * Representation (the engine's): i32 a signed number, i64 a signed bigint in range, f32/f64
 * arithmetic on JS numbers, f32/f64 sign operators on bits. Traps are `Trap` errors with the
 * testsuite's messages. Nothing here allocates except BigInts where an i64 result needs one.
 *
 * @module
 */

export * from "./numerics_int.ts";
export * from "./numerics_float.ts";
export * from "./numerics_conv.ts";
