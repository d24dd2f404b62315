/**
 * The warm-up module (src/exec/warmup.ts): its text, built here, and the generator of
 * src/exec/warmup_module.ts, which holds its binary encoding (so that the engine neither
 * parses text nor carries this builder). The module exercises every IR instruction the
 * lowering makes (tests/ir/coverage_test.ts checks that, and tests/exec/warmup_test.ts that
 * it computes what V8 computes).
 *
 * ```sh
 * deno run -A scripts/warmup_module.ts   # after changing the module: rewrite the binary
 * ```
 *
 * @module
 */

import { encodeModule } from "../src/binary/encode.ts";
import { parseModuleText } from "../src/text/parse.ts";

const I32_BIN = [
  "add",
  "sub",
  "mul",
  "and",
  "or",
  "xor",
  "shl",
  "shr_s",
  "shr_u",
  "rotl",
  "rotr",
  "div_s",
  "div_u",
  "rem_s",
  "rem_u",
];
const CMP = ["eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u"];
const F_BIN = ["add", "sub", "mul", "div", "min", "max", "copysign"];
const F_UN = ["abs", "neg", "ceil", "floor", "trunc", "nearest", "sqrt"];
const F_CMP = ["eq", "ne", "lt", "gt", "le", "ge"];
const SIMD_BIN = [
  "v128.and",
  "v128.or",
  "v128.xor",
  "v128.andnot",
  "i8x16.add",
  "i8x16.sub",
  "i8x16.eq",
  "i16x8.add",
  "i16x8.sub",
  "i16x8.mul",
  "i32x4.add",
  "i32x4.sub",
  "i32x4.mul",
  "i32x4.eq",
  "i32x4.gt_s",
  "i32x4.lt_u",
  "i32x4.min_s",
  "i32x4.max_u",
  "i32x4.dot_i16x8_s",
  "i8x16.narrow_i16x8_u",
  "i16x8.narrow_i32x4_s",
  "i64x2.add",
  "f32x4.mul",
  "f32x4.sub",
  "f64x2.add",
  "f64x2.mul",
];
const SIMD_UN = [
  "v128.not",
  "i16x8.extend_low_i8x16_u",
  "i16x8.extend_high_i8x16_s",
  "i32x4.extend_low_i16x8_s",
  "i32x4.extend_high_i16x8_u",
  "f32x4.convert_i32x4_s",
];

/** The warm-up module's text: its export `w(n)` runs every op n times. */
export function source(): string {
  const body: string[] = [];
  const i32 = (e: string) => body.push(`(local.set $r (i32.xor (local.get $r) ${e}))`);
  const i64 = (e: string) => body.push(`(local.set $q (i64.xor (local.get $q) ${e}))`);
  for (const op of I32_BIN) {
    i32(`(i32.${op} (local.get $a) (local.get $b))`);
    if (!op.startsWith("div") && !op.startsWith("rem")) {
      i32(`(i32.${op} (local.get $a) (i32.const 5))`);
      i64(`(i64.${op} (local.get $x) (local.get $y))`);
      i64(`(i64.${op} (local.get $x) (i64.const 7))`);
    } else {
      i64(`(i64.${op} (local.get $x) (local.get $y))`);
    }
  }
  for (const op of CMP) {
    i32(`(i32.${op} (local.get $a) (local.get $b))`);
    i32(`(i32.${op} (local.get $a) (i32.const 9))`);
    i32(`(i64.${op} (local.get $x) (local.get $y))`);
    body.push(
      `(if (i32.${op} (local.get $a) (local.get $b)) (then (local.set $r (i32.add (local.get $r) (i32.const 1)))))`,
    );
    body.push(
      `(if (i32.${op} (local.get $a) (i32.const 3)) (then (local.set $r (i32.add (local.get $r) (i32.const 1)))))`,
    );
    body.push(
      `(block (br_if 0 (i32.${op} (local.get $a) (local.get $b))) (local.set $r (i32.add (local.get $r) (i32.const 2))))`,
    );
    body.push(
      `(block (br_if 0 (i32.${op} (local.get $a) (i32.const 3))) (local.set $r (i32.add (local.get $r) (i32.const 2))))`,
    );
  }
  body.push(
    `(block (br_if 0 (i32.eqz (local.get $a))) (local.set $r (i32.add (local.get $r) (i32.const 2))))`,
  );
  body.push(
    `(block (br_if 0 (i64.eqz (local.get $x))) (local.set $r (i32.add (local.get $r) (i32.const 2))))`,
  );
  for (const u of ["clz", "ctz", "popcnt", "eqz", "extend8_s", "extend16_s"]) {
    i32(`(i32.${u} (local.get $a))`);
    if (u !== "eqz") i64(`(i64.${u} (local.get $x))`);
    else i32(`(i64.eqz (local.get $x))`);
  }
  i64(`(i64.extend32_s (local.get $x))`);
  for (const t of ["f32", "f64"]) {
    const v = t === "f32" ? "$f" : "$d";
    for (const op of F_BIN) {
      body.push(`(local.set ${v} (${t}.${op} (local.get ${v}) (${t}.const 1.5)))`);
    }
    for (const op of F_UN) body.push(`(local.set ${v} (${t}.${op} (local.get ${v})))`);
    for (const op of F_CMP) i32(`(${t}.${op} (local.get ${v}) (${t}.const 2.5))`);
  }
  const conv = [
    "(i32.wrap_i64 (local.get $x))",
    "(i32.trunc_f32_s (f32.const 3.5))",
    "(i32.trunc_f32_u (f32.const 3.5))",
    "(i32.trunc_f64_s (f64.const 3.5))",
    "(i32.trunc_f64_u (f64.const 3.5))",
    "(i32.trunc_sat_f32_s (local.get $f))",
    "(i32.trunc_sat_f32_u (local.get $f))",
    "(i32.trunc_sat_f64_s (local.get $d))",
    "(i32.trunc_sat_f64_u (local.get $d))",
    "(i32.reinterpret_f32 (local.get $f))",
  ];
  for (const c of conv) i32(c);
  const conv64 = [
    "(i64.extend_i32_s (local.get $a))",
    "(i64.extend_i32_u (local.get $a))",
    "(i64.trunc_f32_s (f32.const 3.5))",
    "(i64.trunc_f32_u (f32.const 3.5))",
    "(i64.trunc_f64_s (f64.const 3.5))",
    "(i64.trunc_f64_u (f64.const 3.5))",
    "(i64.trunc_sat_f32_s (local.get $f))",
    "(i64.trunc_sat_f32_u (local.get $f))",
    "(i64.trunc_sat_f64_s (local.get $d))",
    "(i64.trunc_sat_f64_u (local.get $d))",
    "(i64.reinterpret_f64 (local.get $d))",
  ];
  for (const c of conv64) i64(c);
  for (
    const c of [
      "(f32.convert_i32_s (local.get $a))",
      "(f32.convert_i32_u (local.get $a))",
      "(f32.convert_i64_s (local.get $x))",
      "(f32.convert_i64_u (local.get $x))",
      "(f32.demote_f64 (local.get $d))",
      "(f32.reinterpret_i32 (local.get $a))",
    ]
  ) body.push(`(local.set $f (f32.add (local.get $f) ${c}))`);
  for (
    const c of [
      "(f64.convert_i32_s (local.get $a))",
      "(f64.convert_i32_u (local.get $a))",
      "(f64.convert_i64_s (local.get $x))",
      "(f64.convert_i64_u (local.get $x))",
      "(f64.promote_f32 (local.get $f))",
      "(f64.reinterpret_i64 (local.get $x))",
    ]
  ) body.push(`(local.set $d (f64.add (local.get $d) ${c}))`);
  // Memory.
  const addr = "(i32.and (local.get $a) (i32.const 1023))";
  for (const l of ["load", "load8_s", "load8_u", "load16_s", "load16_u"]) {
    i32(`(i32.${l} offset=4 ${addr})`);
    i64(`(i64.${l} offset=4 ${addr})`);
  }
  i64(`(i64.load32_s ${addr})`);
  i64(`(i64.load32_u ${addr})`);
  body.push(`(local.set $f (f32.add (local.get $f) (f32.load ${addr})))`);
  body.push(`(local.set $d (f64.add (local.get $d) (f64.load ${addr})))`);
  body.push(`(local.set $d (f64.sub (local.get $d) (f64.load ${addr})))`);
  body.push(`(local.set $d (f64.mul (local.get $d) (f64.load ${addr})))`);
  body.push(`(local.set $p ${addr})`);
  body.push(
    `(f64.store offset=8 (local.get $p) (f64.add (local.get $d) (f64.load offset=8 (local.get $p))))`,
  );
  i32(`(i32.add (local.get $b) (i32.load ${addr}))`);
  body.push(`(local.set $d (f64.load offset=16 ${addr}))`);
  i32(`(i32.load (i32.add ${addr} (i32.const 4)))`);
  i32(`(i32.load8_u (i32.add ${addr} (i32.const 4)))`);
  i32(`(i32.load ${addr})`);
  body.push(`(i32.store8 offset=32 ${addr} (i32.load8_u ${addr}))`);
  body.push(`(i32.store8 offset=32 ${addr} (i32.load8_u (i32.add ${addr} (i32.const 3))))`);
  i32(`(i32.xor (local.get $b) (i32.shr_u (local.get $a) (i32.const 7)))`);
  i32(`(i32.add (local.get $b) (i32.rotl (local.get $a) (i32.const 7)))`);
  body.push(`(local.set $b (i32.rotl (local.get $b) (i32.const 3)))`);
  body.push(`(local.set $b (i32.shr_u (local.get $b) (i32.const 1)))`);
  body.push(`(local.set $y (i64.shl (local.get $y) (i64.const 1)))`);
  body.push(`(local.set $y (i64.shr_u (local.get $y) (i64.const 1)))`);
  body.push(`(local.set $a (i32.add (local.get $a) (i32.const 1)))`);
  body.push(`(local.set $b (i32.add (local.get $b) (i32.const 8)))`);
  body.push(`(i32.store offset=32 ${addr} (i32.load ${addr}))`);
  body.push(`(i64.store offset=32 ${addr} (i64.load ${addr}))`);
  i32(`(i32.load8_u ${addr})`);
  body.push(`(if (i64.eqz (local.get $x)) (then (local.set $r (i32.const 5))))`);
  for (const s of ["store", "store8", "store16"]) {
    body.push(`(i32.${s} offset=8 ${addr} (local.get $r))`);
    body.push(`(i64.${s} offset=8 ${addr} (local.get $q))`);
  }
  body.push(`(i64.store32 ${addr} (local.get $q))`);
  for (const s of ["store", "store8", "store16"]) {
    body.push(`(i32.${s} offset=8 ${addr} (i32.const 7))`);
  }
  body.push(`(if (i32.and (local.get $a) (i32.const 4)) (then (local.set $r (i32.const 1))))`);
  body.push(
    `(block (br_if 0 (i32.and (local.get $a) (i32.const 4))) (local.set $r (i32.const 1)))`,
  );
  body.push(`(f32.store ${addr} (local.get $f))`);
  body.push(`(f64.store ${addr} (local.get $d))`);
  body.push(`(i32.store $m1 ${addr} (local.get $r))`);
  i32(`(i32.load $m1 ${addr})`);
  i32(`(memory.size)`);
  i32(`(memory.grow (i32.const 0))`);
  body.push(`(memory.fill (i32.const 2048) (local.get $a) (i32.const 16))`);
  body.push(`(memory.copy (i32.const 4096) (i32.const 2048) (i32.const 16))`);
  // Fused pairs: copies, counter updates with a loop's back-edge (3 iterations each).
  body.push(`(local.set $c (local.get $a)) (local.set $e (local.get $b))`);
  body.push(`(local.set $y (local.get $x)) (local.set $q (local.get $y))`);
  body.push(`(local.set $e (i32.const 1)) (local.set $l (i32.const 3))`);
  for (const c of ["ne", "lt_s", "lt_u"]) {
    for (const step of ["(i32.const 1)", "(local.get $e)"]) {
      for (const limit of ["(i32.const 3)", "(local.get $l)"]) {
        body.push(
          `(local.set $c (i32.const 0)) (loop $k (local.set $c (i32.add (local.get $c) ${step})) (br_if $k (i32.${c} (local.get $c) ${limit})))`,
        );
      }
    }
  }
  i32(`(i32.load (i32.add (local.get $e) ${addr}))`);
  i32(`(i32.load8_u (i32.add (local.get $e) ${addr}))`);
  body.push(`(i32.store8 (i32.add (local.get $e) ${addr}) (i32.const 7))`);
  body.push(`(local.set $p ${addr})`);
  for (const [l, st] of [["i32.load8_u", "i32.store8"], ["i32.load", "i32.store"]]) {
    body.push(
      `(${st} offset=2 (i32.add (local.get $p) (i32.const 1)) (${l} offset=1 (i32.add (local.get $p) (i32.const 3))))`,
    );
  }
  body.push(
    `(i64.store (i32.add (local.get $p) (i32.const 8)) (i64.load (i32.add (local.get $p) (i32.const 16))))`,
  );
  i64(`(i64.add (i64.mul (local.get $x) (i64.const 0x5851f42d4c957f2d)) (i64.const 11))`);
  i64(`(i64.xor (local.get $y) (i64.shr_s (local.get $x) (i64.const 17)))`);
  i64(`(i64.xor (local.get $y) (i64.shr_s (local.get $x) (i64.const 40)))`);
  i32(`(i32.and (i32.shr_u (local.get $b) (i32.const 6)) (i32.const 28))`);
  body.push(
    `(local.set $c (local.get $a)) (local.set $e (local.get $b)) (local.set $l (local.get $r))`,
  );
  body.push(`(local.set $e (i32.const 1)) (local.set $l (i32.const 3))`);
  i32(`(call $same (i32.add (local.get $a) (i32.const 1)))`);
  i32(`(call $sum (local.get $a) (local.get $b))`);
  i32(
    `(i32.load offset=4 (i32.add (i32.shl (i32.and (local.get $a) (i32.const 63)) (i32.const 2)) (i32.const 64)))`,
  );
  i32(`(i32.add (local.get $b) (i32.add (local.get $a) (local.get $r)))`);
  // SIMD: the loop's v128 rows and the SIMD dispatch's written-out cases (interp_simd.ts).
  body.push(`(local.set $v (i32x4.add (v128.load ${addr}) (local.get $v)))`);
  body.push(`(v128.store offset=16 ${addr} (local.get $v))`);
  body.push(`(global.set $gv (select (local.get $v) (global.get $gv) (local.get $a)))`);
  for (const op of SIMD_BIN) {
    body.push(`(local.set $v (${op} (local.get $v) (global.get $gv)))`);
  }
  for (const op of SIMD_UN) body.push(`(local.set $v (${op} (local.get $v)))`);
  for (const op of ["i8x16.shl", "i8x16.shr_u", "i16x8.shl", "i16x8.shr_s", "i16x8.shr_u"]) {
    body.push(`(local.set $v (${op} (local.get $v) (local.get $a)))`);
  }
  for (const op of ["i32x4.shl", "i32x4.shr_s", "i32x4.shr_u"]) {
    body.push(`(local.set $v (${op} (local.get $v) (local.get $a)))`);
  }
  for (const t of ["i8x16", "i16x8", "i32x4"]) {
    body.push(`(local.set $v (${t}.splat (local.get $b)))`);
    body.push(`(local.set $v (${t}.replace_lane 1 (local.get $v) (local.get $a)))`);
  }
  for (const e of ["i8x16.extract_lane_u", "i16x8.extract_lane_s", "i32x4.extract_lane"]) {
    i32(`(${e} 2 (local.get $v))`);
  }
  i32(`(v128.any_true (local.get $v))`);
  body.push(`(local.set $v (v128.bitselect (local.get $v) (global.get $gv) (local.get $v)))`);
  body.push(
    `(local.set $v (i8x16.shuffle 0 17 2 19 4 21 6 23 8 25 10 27 12 29 14 31 (local.get $v) (v128.load32_zero ${addr})))`,
  );
  body.push(`(local.set $v (f32x4.add (local.get $v) (v128.const f32x4 1 2 3 4)))`);
  body.push(`(local.set $v (v128.load64_splat $m1 ${addr}))`);
  for (const l of ["load8x8_s", "load8x8_u", "load16x4_s", "load16x4_u", "load64_zero"]) {
    body.push(`(local.set $v (i32x4.add (local.get $v) (v128.${l} offset=8 ${addr})))`);
  }
  body.push(`(local.set $v (v128.load8_lane 3 ${addr} (local.get $v)))`);
  body.push(
    `(local.set $v (i8x16.shuffle 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 (local.get $v) (global.get $gv)))`,
  );
  // Globals, select, calls, tables, references, branches, exceptions.
  body.push(`(global.set $g (i32.add (global.get $g) (local.get $r)))`);
  body.push(`(global.set $h (i64.add (global.get $h) (local.get $q)))`);
  i32(`(select (local.get $a) (local.get $b) (local.get $r))`);
  i64(`(select (local.get $x) (local.get $y) (local.get $r))`);
  i32(`(call $id (local.get $a))`);
  i32(`(call_indirect (type $t) (local.get $a) (i32.const 0))`);
  i32(`(call_ref $t (local.get $a) (ref.func $id))`);
  i32(`(call $tail (local.get $a))`);
  i32(`(table.size)`);
  i32(`(ref.is_null (table.get (i32.const 0)))`);
  i32(`(ref.eq (ref.null eq) (ref.null eq))`);
  body.push(`(table.set (i32.const 1) (ref.func $id))`);
  body.push(`(drop (ref.as_non_null (ref.func $id)))`);
  body.push(
    `(block $z (br_on_null $z (ref.func $id)) (drop)) (drop (block $w (result funcref) (br_on_non_null $w (ref.func $id)) (ref.null func)))`,
  );
  body.push(
    `(block $c (block $b (block $a (br_table $a $b $c (i32.and (local.get $a) (i32.const 3))))) (local.set $r (i32.add (local.get $r) (i32.const 1))))`,
  );
  i32(`(block $h (result i32) (try_table (catch $e $h) (throw $e (local.get $a))) (i32.const 0))`);
  i32(`(call $same (local.get $a))`);
  i32(`(call $tails (local.get $a))`);
  i32(`(if (result i32) (local.get $a) (then (local.get $b)) (else (i32.const 3)))`);
  i32(`(block $o (result i32) (br_if $o (local.get $a) (local.get $a)) (drop) (i32.const 1))`);
  body.push(
    `(drop (block $o (result exnref) (try_table (catch_all_ref $o) (throw_ref (block $i (result exnref) (try_table (catch_all_ref $i) (throw $e (local.get $a))) (unreachable)))) (unreachable)))`,
  );
  // GC: the GC dispatch (interp_gc.ts) and the casting branches.
  i32(`(struct.get $gs 0 (struct.new $gs (local.get $a) (local.get $x)))`);
  i32(`(array.len (array.new $ga (local.get $b) (i32.const 2)))`);
  i64(`(struct.get $gs 1 (struct.new $gs (local.get $a) (local.get $x)))`);
  i32(`(array.get $ga (array.new $ga (local.get $b) (i32.const 2)) (i32.const 1))`);
  body.push(`(struct.set $gs 0 (struct.new_default $gs) (local.get $a))`);
  body.push(`(array.set $ga (array.new_default $ga (i32.const 3)) (i32.const 2) (local.get $b))`);
  i32(`(i31.get_s (ref.i31 (local.get $b)))`);
  i32(
    `(ref.test (ref i31) (block $bc (result anyref) (drop (br_on_cast $bc anyref (ref i31) (ref.i31 (local.get $a)))) (ref.null any)))`,
  );
  i32(
    `(ref.is_null (block $bf (result anyref) (drop (br_on_cast_fail $bf anyref (ref $gs) (struct.new_default $gs))) (ref.null any)))`,
  );
  body.push(`(memory.init $d (i32.const 0) (i32.const 0) (i32.const 1))`);
  body.push(`(table.fill (i32.const 2) (ref.null func) (i32.const 1))`);
  body.push(`(table.copy (i32.const 2) (i32.const 0) (i32.const 1))`);
  body.push(`(table.init $s (i32.const 3) (i32.const 0) (i32.const 1))`);
  i32(`(table.grow (ref.null func) (i32.const 0))`);
  // An unrolled copy loop's body (i32.add.add, mem.copy8.x4, mem.copy32.x4).
  body.push(`(local.set $p ${addr})`);
  body.push(`(local.set $c (i32.add (local.get $p) (i32.const 32)))`);
  for (const [l, st, w] of [["i32.load8_u", "i32.store8", 1], ["i32.load", "i32.store", 4]]) {
    body.push(
      `(local.set $e (i32.add (local.get $p) (local.get $l))) (local.set $b (i32.add (local.get $c) (local.get $l)))`,
    );
    body.push(`(${st} (local.get $e) (${l} (local.get $b)))`);
    for (const k of [1, 2, 3]) {
      const o = `(i32.const ${k * (w as number)})`;
      body.push(
        `(${st} (i32.add (local.get $e) ${o}) (${l} (i32.add (local.get $b) ${o})))`,
      );
    }
  }
  // Conditional returns (return_if.*) taken and not taken.
  i32(`(call $ri (local.get $a) (local.get $b))`);
  i32(`(call $ri (i32.const 1) (local.get $b))`);
  i32(`(call $ri (local.get $b) (i32.const -1))`);
  i32(`(call $ri2 (local.get $a) (local.get $b))`);
  i32(`(call $ri2 (i32.const 7) (local.get $b))`);
  i32(`(call $ri2 (i32.const 200) (i32.const 200))`);
  i32(`(call $ri2 (i32.const 100) (i32.const 100))`);
  i32(`(call $ri2 (i32.const 100) (i32.const 99))`);
  i32(`(call $ri2 (i32.const 100) (i32.const 101))`);
  // Prefixes: three argument copies before a call_indirect, a copy before a fused branch,
  // two counter updates before a read-modify-write or a loop's back-edge.
  i32(`(call $c3 (i32.const 0) (local.get $a) (local.get $b) (local.get $r))`);
  i32(`(call $cb (local.get $a) (local.get $b))`);
  i32(`(call $loop2 (i32.const 64) (i32.const 128) (i32.const 3))`);
  i32(`(call $axpy (i32.const 256) (i32.const 512) (local.get $d))`);
  body.push(`(local.set $y (i64.shr_s (local.get $y) (i64.const 1)))`);
  body.push(`(call $v128)`);
  body.push(`(data.drop $d2) (elem.drop $s2)`);
  return `(module
    (type $t (func (param i32) (result i32)))
    (type $gs (struct (field (mut i32)) (field i64)))
    (type $ga (array (mut i32)))
    (tag $e (param i32))
    (memory $m0 1) (memory $m1 1)
    (table 4 funcref)
    (table 1 funcref)
    (elem (i32.const 0) $id)
    (elem declare func $id)
    (global $g (mut i32) (i32.const 0))
    (global $h (mut i64) (i64.const 0))
    (global $gv (mut v128) (v128.const i32x4 3 -5 7 0x10001))
    (func $id (type $t) (local.get 0))
    (func $tail (type $t) (return_call $id (local.get 0)))
    (func $same (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
    (func $sum (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
    (func $tails (param i32) (result i32)
      (if (result i32) (i32.and (local.get 0) (i32.const 1))
        (then (return_call_indirect (type $t) (local.get 0) (i32.const 0)))
        (else (return_call_ref $t (local.get 0) (ref.func $id)))))
    (func $ri (param i32 i32) (result i32)
      (block
        (br_if 0 (i32.lt_s (local.get 0) (i32.const 2)))
        (br_if 0 (i32.lt_u (local.get 0) (local.get 1)))
        (local.set 0 (i32.add (local.get 0) (local.get 1))))
      (local.get 0))
    (type $t3 (func (param i32 i32 i32) (result i32)))
    (func $f3 (type $t3) (i32.add (local.get 0) (local.get 2)))
    (elem (table 1) (i32.const 0) func $f3)
    (func $ri2 (param i32 i32) (result i32)
      (block
        (br_if 0 (i32.eq (local.get 0) (i32.const 7)))
        (br_if 0 (i32.ne (local.get 0) (i32.const 100)))
        (br_if 0 (i32.lt_u (local.get 0) (i32.const 2)))
        (br_if 0 (i32.eq (local.get 0) (local.get 1)))
        (br_if 0 (i32.le_u (local.get 0) (local.get 1)))
        (br_if 0 (i32.ne (local.get 0) (local.get 1)))
        (local.set 0 (i32.add (local.get 0) (local.get 1))))
      (local.get 0))
    (func $c3 (param i32 i32 i32 i32) (result i32)
      (call_indirect 1 (type $t3) (local.get 1) (local.get 2) (local.get 3) (local.get 0)))
    (func $cb (param i32 i32) (result i32)
      (local $c i32)
      (block
        (local.set $c (local.get 1))
        (br_if 0 (i32.lt_u (local.get 0) (i32.const 10)))
        (local.set $c (i32.const 3)))
      (local.get $c))
    (func $loop2 (param $p i32) (param $q i32) (param $n i32) (result i32)
      (local $i i32)
      (loop $l
        (f64.store (local.get $p)
          (f64.add (f64.load (local.get $p)) (f64.mul (f64.const 2) (f64.load (local.get $q)))))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (local.set $q (i32.add (local.get $q) (i32.const 8)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.ne (local.get $i) (local.get $n))))
      (local.set $n (i32.add (local.get $p) (i32.const 24)))
      (loop $m
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (local.set $q (i32.add (local.get $q) (i32.const 8)))
        (br_if $m (i32.ne (local.get $p) (local.get $n))))
      (local.get $i))
    (func $axpy (param $p i32) (param $q i32) (param $a f64) (result i32)
      (local.set $p (i32.add (local.get $p) (i32.const 8)))
      (local.set $q (i32.add (local.get $q) (i32.const 8)))
      (f64.store (local.get $p)
        (f64.add (f64.mul (local.get $a) (f64.load (local.get $q))) (f64.load (local.get $p))))
      (local.get $p))
    (func $v128 (local v128 v128) (local.set 1 (local.get 0)))
    (data $d "x")
    (data $d2 "y")
    (elem $s2 func $id)
    (elem $s func $id)
    (func (export "w") (param $n i32) (result i64)
      (local $a i32) (local $b i32) (local $r i32) (local $x i64) (local $y i64) (local $q i64)
      (local $f f32) (local $d f64) (local $p i32) (local $c i32) (local $e i32) (local $l i32)
      (local $v v128)
      (local.set $b (i32.const 0x7654321))
      (local.set $y (i64.const 0x123456789))
      (local.set $f (f32.const 1.25))
      (local.set $d (f64.const 1.25))
      (loop $l
        (local.set $a (i32.mul (local.get $n) (i32.const 0x9e3779b1)))
        (local.set $x (i64.mul (i64.extend_i32_u (local.get $a)) (i64.const 0x9e3779b97f4a7c15)))
        (local.set $b (i32.or (i32.add (local.get $b) (local.get $a)) (i32.const 1)))
        (local.set $y (i64.or (i64.add (local.get $y) (local.get $x)) (i64.const 1)))
        ${body.join("\n        ")}
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br_if $l (i32.gt_s (local.get $n) (i32.const 0))))
      (i64.add (local.get $q) (i64.extend_i32_u (local.get $r)))))`;
}

/** The binary encoding of {@linkcode source}'s module. */
export function encode(): Uint8Array {
  return encodeModule(parseModuleText(source()));
}

/** The text of src/exec/warmup_module.ts for `bytes`. */
export function generated(bytes: Uint8Array): string {
  const b64 = btoa(String.fromCharCode(...bytes));
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 90) lines.push(`  "${b64.slice(i, i + 90)}",`);
  return `/**
 * The warm-up module's binary (base64), generated by scripts/warmup_module.ts from the text
 * built there: do not edit by hand (tests/exec/warmup_test.ts checks that it is current).
 *
 * @module
 */

/** The module's bytes in base64. */
export const WARMUP_MODULE: string = [
${lines.join("\n")}
].join("");
`;
}

/** Where the generated file lives. */
export const GENERATED: URL = new URL("../src/exec/warmup_module.ts", import.meta.url);

if (import.meta.main) {
  await Deno.writeTextFile(GENERATED, generated(encode()));
  console.log(`wrote ${GENERATED.pathname}`);
}
