/**
 * The IR opcode table: one row per IR instruction (name, operand kinds, doc). The lowering
 * (`lower.ts`) emits rows of it, the interpreter (`src/exec/interp.ts`) executes them (its
 * `case N /* name *\/` labels are numeric literals, checked against this table by
 * tests/ir/ops_test.ts, because V8 builds a jump table only for literal cases) and the
 * printer (`print.ts`) prints them. Numbers are positions: a row added or removed renumbers
 * the ones after it; `deno run -A scripts/ir_labels.ts` then rewrites interp.ts's labels.
 *
 * Every row is produced by the lowering and executed in tests/ir/coverage_test.ts. Fused rows
 * earn their place by profiles of real programs (CPython, SQLite, Flite: counts of executed
 * ops, measured with an instrumented loop); fusions that only the bench kernels produce, or
 * that no real program executes, were removed.
 *
 * Code is an `Int32Array` of `[op, operand...]`; each op has a fixed number of operands, one
 * per letter of its kinds string:
 * - `d` destination slot, `s` source slot: fp-relative, in Int32 units (slot index times 2);
 *   a slot holds 8 bytes (an i32/f32/reference in its low word), a v128 takes two slots.
 * - `i` an i32 immediate; `o` a memory offset (u32 stored as i32); `k` an index into the
 *   constant pool (64-bit entries); `t` a branch target (an absolute pc in the same code);
 *   `b` an index into the function's br_table pool; `n` a number of slots.
 * - `f` a function address (store.objects); `m` a memory address (store.memories); `T` a
 *   table address (store.tables); `g` a global slot in Int32 units of store.globalSlots; `G` a
 *   tag address (store.tags); `y` a canonical type id (a cast's target: also an abstract heap
 *   type's negative code); `x` an element or data segment index of
 *   the function's instance; `w` a wasm opcode (`Op`, for generic helpers).
 *
 * Ticks: every executed IR instruction counts one tick of fuel, however many wasm
 * instructions it stands for (a fused `i32.add_imm` that replaced `local.get; i32.const;
 * i32.add; local.set` is one tick, so is `i32.add_imm2` for two of those, a compare fused
 * with its `br_if`, or a load fused into its consumer; the copies the lowering inserts for
 * branches, block results and returns are one tick each; so is a fused pair such as
 * `copy2` or `i32.add_imm.br_if.i32.ne`, a loop's counter update and back-edge, and a prefix
 * such as `i32.add_imm.call` with the `call` after it, which it executes; likewise a
 * `return_if.*` for a compare-and-branch and the `return` it jumps to). A prefix skips the
 * instructions it executes (`IR_CONSUMES`), which tick only when a branch reaches them
 * (`mem.copy8.x4`/`mem.copy32.x4` near the end of memory do their first copy and let the loop
 * run the other three: still one tick). Which fusions the lowering makes is part of the tick
 * count, so it is deterministic and documented with each fused row. The loop charges ticks by
 * straight-line runs, not one by one, with the same counts: see `ticks.ts`.
 *
 * Values move with the width of their type: 32-bit values as one Int32 word (a slot's upper
 * word is then undefined), 64-bit values as one BigInt64Array element (never as two words:
 * a 64-bit read of two 32-bit writes stalls store forwarding), v128 as two.
 *
 * Numeric rows named like a wasm instruction (`i32.add`) compute exactly that instruction from
 * register operands `d = op(s...)`. Loads and stores named like wasm ones access memory 0 of
 * an i32-addressed memory with the address in a slot plus the offset; any other memory goes
 * through `mem.load`/`mem.store`.
 *
 * @module
 */

/** One row of the IR table. */
export interface IrOpInfo {
  /** Its number (position in the table). */
  readonly op: number;
  readonly name: string;
  /** One letter per operand (see the module doc). */
  readonly kinds: string;
  readonly doc: string;
}

type Row = readonly [string, string, string];

const CONTROL: Row[] = [
  ["unreachable", "", 'trap "unreachable"'],
  ["nop", "", "nothing"],
  ["br", "t", "jump to t"],
  ["br_if", "st", "jump to t if i32 s != 0"],
  ["br_unless", "st", "jump to t if i32 s == 0"],
  ["br_table", "sb", "jump to the target brTables[b + 1 + min(u32 s, count)]; count = brTables[b]"],
  ["return", "", "pop the frame; results are in slots 0.. of the frame"],
  ["call", "fs", "call function f; arguments (and later results) at slot s"],
  ["call_indirect", "ssTy", "call table T[i32/i64 s2] (type y or subtype) with arguments at s1"],
  ["call_ref", "ss", "call the function reference in s2 with arguments at s1"],
  ["return_call", "fsn", "tail call f: move n arg slots from s down to slot 0 and jump"],
  ["return_call_indirect", "ssTyn", "tail call_indirect"],
  ["return_call_ref", "ssn", "tail call_ref"],
  ["copy", "ds", "copy a 32-bit value (i32, f32, reference)"],
  ["const32", "di", "d = i (a 32-bit value)"],
  ["const64", "dk", "d = constant pool entry k (64 bits)"],
  ["select", "dsss", "d = (i32 s3 != 0) ? s1 : s2 (32-bit values)"],
  ["global.get", "dg", "d = global at g (32-bit value)"],
  ["global.set", "gs", "global at g = s (32-bit value)"],
  ["copy64", "ds", "copy a 64-bit value (i64, f64)"],
  ["select64", "dsss", "d = (i32 s3 != 0) ? s1 : s2 (64-bit values)"],
  ["global.get64", "dg", "d = global at g (64-bit value)"],
  ["global.set64", "gs", "global at g = s (64-bit value)"],
  ["throw", "Gsn", "throw tag G with n argument slots at s"],
  ["throw_ref", "s", "throw the exception reference in s (trap if null)"],
  ["ref.is_null", "ds", "d = (s == null)"],
  ["ref.eq", "dss", "d = (s1 == s2)"],
  ["ref.as_non_null", "s", 'trap "null reference" if s is null'],
  ["br_on_null", "st", "jump to t if s is null"],
  ["br_on_non_null", "st", "jump to t if s is not null"],
  ["copy_v128", "ds", "copy two slots (a v128)"],
];

const LOAD = "dso";
const STORE = "sso";
const MEMORY: Row[] = [
  ...[
    "i32.load",
    "i64.load",
    "f32.load",
    "f64.load",
    "i32.load8_s",
    "i32.load8_u",
    "i32.load16_s",
    "i32.load16_u",
    "i64.load8_s",
    "i64.load8_u",
    "i64.load16_s",
    "i64.load16_u",
    "i64.load32_s",
    "i64.load32_u",
  ].map((n): Row => [n, LOAD, "d = load from memory 0 at u32 s + o"]),
  ...[
    "i32.store",
    "i64.store",
    "f32.store",
    "f64.store",
    "i32.store8",
    "i32.store16",
    "i64.store8",
    "i64.store16",
    "i64.store32",
  ].map((n): Row => [n, STORE, "store s2 into memory 0 at u32 s1 + o"]),
  ["mem.load", "dsmkw", "d = load w from memory m at address s + pool[k] (any memory)"],
  ["mem.store", "ssmkw", "store w of s2 into memory m at address s1 + pool[k]"],
  ["memory.size", "dm", "d = size of memory m in pages"],
  ["memory.grow", "dsm", "d = grow memory m by s pages (old size or -1)"],
  ["memory.fill", "sssm", "fill memory m at s1 with byte s2, s3 bytes"],
  ["memory.copy", "sssmm", "copy s3 bytes from memory m2 at s2 to memory m1 at s1"],
  ["memory.init", "sssmx", "copy s3 bytes of data segment x at s2 to memory m at s1"],
  ["data.drop", "x", "drop data segment x"],
  ["table.get", "dsT", "d = table T[s]"],
  ["table.set", "ssT", "table T[s1] = s2"],
  ["table.size", "dT", "d = size of table T"],
  ["table.grow", "dssT", "d = grow table T by s2 elements of s1 (old size or -1)"],
  ["table.fill", "sssT", "fill table T at s1 with s2, s3 elements"],
  ["table.copy", "sssTT", "copy s3 elements from table T2 at s2 to table T1 at s1"],
  ["table.init", "sssTx", "copy s3 elements of element segment x at s2 to table T at s1"],
  ["elem.drop", "x", "drop element segment x"],
];

const UNARY = "ds";
const BINARY = "dss";
const un = (names: string[]): Row[] => names.map((n) => [n, UNARY, "d = op s"]);
const bin = (names: string[]): Row[] => names.map((n) => [n, BINARY, "d = s1 op s2"]);

const NUMERIC: Row[] = [
  ...un(["i32.eqz"]),
  ...bin([
    "i32.eq",
    "i32.ne",
    "i32.lt_s",
    "i32.lt_u",
    "i32.gt_s",
    "i32.gt_u",
    "i32.le_s",
    "i32.le_u",
    "i32.ge_s",
    "i32.ge_u",
  ]),
  ...un(["i64.eqz"]),
  ...bin([
    "i64.eq",
    "i64.ne",
    "i64.lt_s",
    "i64.lt_u",
    "i64.gt_s",
    "i64.gt_u",
    "i64.le_s",
    "i64.le_u",
    "i64.ge_s",
    "i64.ge_u",
    "f32.eq",
    "f32.ne",
    "f32.lt",
    "f32.gt",
    "f32.le",
    "f32.ge",
    "f64.eq",
    "f64.ne",
    "f64.lt",
    "f64.gt",
    "f64.le",
    "f64.ge",
  ]),
  ...un(["i32.clz", "i32.ctz", "i32.popcnt"]),
  ...bin([
    "i32.add",
    "i32.sub",
    "i32.mul",
    "i32.div_s",
    "i32.div_u",
    "i32.rem_s",
    "i32.rem_u",
    "i32.and",
    "i32.or",
    "i32.xor",
    "i32.shl",
    "i32.shr_s",
    "i32.shr_u",
    "i32.rotl",
    "i32.rotr",
  ]),
  ...un(["i64.clz", "i64.ctz", "i64.popcnt"]),
  ...bin([
    "i64.add",
    "i64.sub",
    "i64.mul",
    "i64.div_s",
    "i64.div_u",
    "i64.rem_s",
    "i64.rem_u",
    "i64.and",
    "i64.or",
    "i64.xor",
    "i64.shl",
    "i64.shr_s",
    "i64.shr_u",
    "i64.rotl",
    "i64.rotr",
  ]),
  ...un(["f32.abs", "f32.neg", "f32.ceil", "f32.floor", "f32.trunc", "f32.nearest", "f32.sqrt"]),
  ...bin(["f32.add", "f32.sub", "f32.mul", "f32.div", "f32.min", "f32.max", "f32.copysign"]),
  ...un(["f64.abs", "f64.neg", "f64.ceil", "f64.floor", "f64.trunc", "f64.nearest", "f64.sqrt"]),
  ...bin(["f64.add", "f64.sub", "f64.mul", "f64.div", "f64.min", "f64.max", "f64.copysign"]),
  ...un([
    "i32.wrap_i64",
    "i32.trunc_f32_s",
    "i32.trunc_f32_u",
    "i32.trunc_f64_s",
    "i32.trunc_f64_u",
    "i64.extend_i32_s",
    "i64.extend_i32_u",
    "i64.trunc_f32_s",
    "i64.trunc_f32_u",
    "i64.trunc_f64_s",
    "i64.trunc_f64_u",
    "f32.convert_i32_s",
    "f32.convert_i32_u",
    "f32.convert_i64_s",
    "f32.convert_i64_u",
    "f32.demote_f64",
    "f64.convert_i32_s",
    "f64.convert_i32_u",
    "f64.convert_i64_s",
    "f64.convert_i64_u",
    "f64.promote_f32",
    "i32.extend8_s",
    "i32.extend16_s",
    "i64.extend8_s",
    "i64.extend16_s",
    "i64.extend32_s",
    "i32.trunc_sat_f32_s",
    "i32.trunc_sat_f32_u",
    "i32.trunc_sat_f64_s",
    "i32.trunc_sat_f64_u",
    "i64.trunc_sat_f32_s",
    "i64.trunc_sat_f32_u",
    "i64.trunc_sat_f64_s",
    "i64.trunc_sat_f64_u",
  ]),
];

/**
 * The compares that have a `return_if` form, with a constant and with a second slot: those
 * that real programs (CPython, SQLite, Flite) execute as conditional returns, and `lt_s_imm`
 * (a recursion's base case).
 */
export const RETURN_IF_IMM: readonly string[] = ["eq", "ne", "lt_s", "lt_u"];
/** See {@linkcode RETURN_IF_IMM}. */
export const RETURN_IF_REG: readonly string[] = ["eq", "ne", "lt_u", "le_u"];

/** Fused instructions (each one tick). */
const FUSED: Row[] = [
  ["i32.add_imm", "dsi", "d = s + i"],
  ["i32.and_imm", "dsi", "d = s & i"],
  ["i32.or_imm", "dsi", "d = s | i"],
  ["i32.xor_imm", "dsi", "d = s ^ i"],
  ["i32.shl_imm", "dsi", "d = s << i"],
  ["i32.shr_s_imm", "dsi", "d = s >> i"],
  ["i32.shr_u_imm", "dsi", "d = s >>> i"],
  ["i32.mul_imm", "dsi", "d = s * i"],
  ["i32.rotl_imm", "dsi", "d = s rotated left by i (0..31)"],
  ["i32.rotr_imm", "dsi", "d = s rotated right by i (0..31)"],
  ["i32.eq_imm", "dsi", "d = s == i"],
  ["i32.ne_imm", "dsi", "d = s != i"],
  ["i32.lt_s_imm", "dsi", "d = s < i (signed)"],
  ["i32.lt_u_imm", "dsi", "d = s < i (unsigned)"],
  ["i32.gt_s_imm", "dsi", "d = s > i (signed)"],
  ["i32.gt_u_imm", "dsi", "d = s > i (unsigned)"],
  ["i32.le_s_imm", "dsi", "d = s <= i (signed)"],
  ["i32.le_u_imm", "dsi", "d = s <= i (unsigned)"],
  ["i32.ge_s_imm", "dsi", "d = s >= i (signed)"],
  ["i32.ge_u_imm", "dsi", "d = s >= i (unsigned)"],
  ["br_if.i32.eq", "sst", "jump to t if s1 == s2"],
  ["br_if.i32.ne", "sst", "jump to t if s1 != s2"],
  ["br_if.i32.lt_s", "sst", "jump to t if s1 < s2 (signed)"],
  ["br_if.i32.lt_u", "sst", "jump to t if s1 < s2 (unsigned)"],
  ["br_if.i32.gt_s", "sst", "jump to t if s1 > s2 (signed)"],
  ["br_if.i32.gt_u", "sst", "jump to t if s1 > s2 (unsigned)"],
  ["br_if.i32.le_s", "sst", "jump to t if s1 <= s2 (signed)"],
  ["br_if.i32.le_u", "sst", "jump to t if s1 <= s2 (unsigned)"],
  ["br_if.i32.ge_s", "sst", "jump to t if s1 >= s2 (signed)"],
  ["br_if.i32.ge_u", "sst", "jump to t if s1 >= s2 (unsigned)"],
  ["br_if.i32.eq_imm", "sit", "jump to t if s == i"],
  ["br_if.i32.ne_imm", "sit", "jump to t if s != i"],
  ["br_if.i32.lt_s_imm", "sit", "jump to t if s < i (signed)"],
  ["br_if.i32.lt_u_imm", "sit", "jump to t if s < i (unsigned)"],
  ["br_if.i32.gt_s_imm", "sit", "jump to t if s > i (signed)"],
  ["br_if.i32.gt_u_imm", "sit", "jump to t if s > i (unsigned)"],
  ["br_if.i32.le_s_imm", "sit", "jump to t if s <= i (signed)"],
  ["br_if.i32.le_u_imm", "sit", "jump to t if s <= i (unsigned)"],
  ["br_if.i32.ge_s_imm", "sit", "jump to t if s >= i (signed)"],
  ["br_if.i32.ge_u_imm", "sit", "jump to t if s >= i (unsigned)"],
  ["i64.add_imm", "dsk", "d = s + pool[k] (i64)"],
  ["i64.mul_imm", "dsk", "d = s * pool[k] (i64)"],
  ["i64.and_imm", "dsk", "d = s & pool[k] (i64)"],
  ["i64.xor_imm", "dsk", "d = s ^ pool[k] (i64)"],
  ["i64.shl_imm", "dsk", "d = s * pool[k] (i64 shift left: the pool holds 2^count, wrapped)"],
  ["i64.shr_s_imm", "dsi", "d = s >> i (i64, signed; i in 0..63)"],
  ["i64.shr_u_imm", "dsi", "d = s >>> i (i64, unsigned; i in 0..63)"],
  ["br_if.i32.and_imm", "sit", "jump to t if (s & i) != 0"],
  ["i32.store_imm", "sio", "store the constant i into memory 0 at u32 s + o"],
  ["i32.store8_imm", "sio", "store the constant byte i into memory 0 at u32 s + o"],
  ["i32.store16_imm", "sio", "store the constant i (16 bits) into memory 0 at u32 s + o"],
  ["f64.add_load", "dsso", "d = s1 + f64 loaded from memory 0 at u32 s2 + o"],
  ["f64.sub_load", "dsso", "d = s1 - f64 loaded from memory 0 at u32 s2 + o"],
  ["f64.mul_load", "dsso", "d = s1 * f64 loaded from memory 0 at u32 s2 + o"],
  ["i32.add_load", "dsso", "d = s1 + i32 loaded from memory 0 at u32 s2 + o"],
  ["i32.load_add", "dsio", "d = i32 load from memory 0 at u32 (s + i) + o (wrapping add)"],
  ["i32.load8_u_add", "dsio", "d = byte load (unsigned) from memory 0 at u32 (s + i) + o"],
  [
    "mem.copy8",
    "ssoo",
    "memory 0: byte at u32 s1 + o1 = byte at u32 s2 + o2 (a fused load8 + store8)",
  ],
  ["mem.copy32", "ssoo", "memory 0: 4 bytes at s1 + o1 = 4 bytes at s2 + o2 (fused load + store)"],
  ["mem.copy64", "ssoo", "memory 0: 8 bytes at s1 + o1 = 8 bytes at s2 + o2 (fused load + store)"],
  ["i32.add_imm2", "dsidsi", "d1 = s1 + i1, then d2 = s2 + i2 (two consecutive i32.add_imm)"],
  ["mem.copy8_add", "ssioo", "memory 0: byte at u32 s1 + o1 = byte at u32 (s2 + i) + o2"],
  ["i32.xor_shr_u_imm", "dssi", "d = s1 ^ (s2 >>> i) (a fused shr_u + xor)"],
  ["f64.add_store", "sso", "memory 0: f64 at u32 s1 + o += s2 (a fused f64.add_load + f64.store)"],
  // Pairs fused after measuring (scripts/profile.ts): each stands for both instructions.
  ["copy2", "dsds", "d1 = s1, then d2 = s2 (two consecutive `copy`)"],
  ["i32.add_imm.br_if.i32.ne", "dsisst", "d = s + i, then jump to t if s1 != s2"],
  ["i32.add_imm.br_if.i32.lt_s", "dsisst", "d = s + i, then jump to t if s1 < s2 (signed)"],
  ["i32.add_imm.br_if.i32.lt_u", "dsisst", "d = s + i, then jump to t if s1 < s2 (unsigned)"],
  ["i32.add_imm.br_if.i32.ne_imm", "dsisit", "d = s + i1, then jump to t if s1 != i2"],
  ["i32.add.br_if.i32.ne", "dsssst", "d = s1 + s2, then jump to t if s3 != s4"],
  ["i32.add.br_if.i32.lt_u", "dsssst", "d = s1 + s2, then jump to t if s3 < s4 (unsigned)"],
  ["i32.load_idx", "dsso", "d = i32 load from memory 0 at u32 (s1 + s2) + o (a fused i32.add)"],
  ["i32.load8_u_idx", "dsso", "d = byte load (unsigned) from memory 0 at u32 (s1 + s2) + o"],
  ["i32.store8_imm_idx", "ssio", "store the constant byte i into memory 0 at u32 (s1 + s2) + o"],
  ...[8, 32, 64].map((w): Row => [
    `mem.copy${w}_add2`,
    "sisioo",
    `memory 0: ${w / 8} byte(s) at u32 (s1 + i1) + o1 = those at u32 (s2 + i2) + o2 ` +
    "(`i32.add_imm2` of two addresses fused into the `mem.copy${w}` that uses them)",
  ]),
  ["i64.mul_add_imm", "dskk", "d = s * pool[k1] + pool[k2] (i64: a fused mul_imm + add_imm)"],
  ["i64.xor_shr_s_imm", "dssi", "d = s1 ^ (s2 >> i) (i64: a fused shr_s + xor; i in 1..63)"],
  ["i32.shr_u_and_imm", "dsii", "d = (s >>> i1) & i2 (a bit field: a fused shr_u_imm + and_imm)"],
  ["copy3", "dsdsds", "three consecutive `copy` (d1 = s1, d2 = s2, d3 = s3 in order)"],
  // Prefixes: they compute, then execute the instruction after them (a `return` or `call`,
  // still in the code at its own pc) in the same tick, without a second dispatch.
  ["i32.add.return", "dss", "d = s1 + s2, then the `return` that follows"],
  ["i32.add_imm.return", "dsi", "d = s + i, then the `return` that follows"],
  ["i32.add_imm.call", "dsi", "d = s + i, then the `call` that follows"],
  [
    "i32.load_shl_add",
    "dsiio",
    "d = i32 load from memory 0 at u32 ((s << i1) + i2) + o (an array element: a fused " +
    "shl_imm, add_imm and load)",
  ],
  // Conditional returns: a fused compare-and-branch whose target is a `return` (rewritten by
  // the lowering's last pass, in place: t stays the pc of that `return`, which still exists).
  ...RETURN_IF_IMM.map((
    c,
  ): Row => [`return_if.i32.${c}_imm`, "sit", `return (as at t) if s ${c} i`]),
  ...RETURN_IF_REG.map((c): Row => [`return_if.i32.${c}`, "sst", `return (as at t) if s1 ${c} s2`]),
  // Prefixes made by the lowering's last pass (src/ir/lower_final.ts), in place: each
  // executes the instructions after it (still in the code at their own pcs) in the same tick.
  ["i32.add.add", "dss", "d = s1 + s2, then the `i32.add` that follows"],
  [
    "mem.copy8.x4",
    "ssoo",
    "memory 0: the `mem.copy8` (o1 = o2 = 0) and the three `mem.copy8_add2` after it (the " +
    "next 3 bytes of the same addresses), in order; near the end of memory only the first",
  ],
  [
    "mem.copy32.x4",
    "ssoo",
    "memory 0: the `mem.copy32` (o1 = o2 = 0) and the three `mem.copy32_add2` after it (the " +
    "next 3 words of the same addresses), in order; near the end of memory only the first",
  ],
  ...["i32.add_imm.br_if.i32.ne", "br_if.i32.ne"].map((next): Row => [
    `i32.add_imm2.${next}`,
    "dsidsi",
    `d1 = s1 + i1, then d2 = s2 + i2, then the \`${next}\` that follows`,
  ]),
  ["copy3.call_indirect", "dsdsds", "three `copy` (arguments), then the `call_indirect` after"],
  ["copy.br_if.i32.lt_u_imm", "ds", "d = s, then the `br_if.i32.lt_u_imm` that follows"],
  [
    "pause",
    "",
    "the tick budget ends here: written by the loop over the instruction it stops before " +
    "(which it puts back when it gets there), never by the lowering",
  ],
];

/**
 * Vectors (v128): the moves the main loop executes itself (constants, select, globals, loads
 * and stores of whole vectors on memory 0), and two generic rows that hand every other SIMD
 * instruction to the SIMD dispatch (src/exec/interp_simd.ts), so that the main loop's size
 * does not grow with the ~240 SIMD instructions. `w` is the instruction's number after the
 * 0xFD prefix (the binary format's, stable), with a lane index above it for lane loads/stores.
 */
const SIMD: Row[] = [
  ["v128.const", "dk", "d = the 16 bytes of pool entries k, k + 1"],
  ["select_v128", "dsss", "d = (i32 s3 != 0) ? s1 : s2 (v128 values)"],
  ["global.get_v128", "dg", "d = global at g (a v128)"],
  ["global.set_v128", "gs", "global at g = s (a v128)"],
  ["v128.load", "dso", "d = 16 bytes loaded from memory 0 at u32 s + o"],
  ["v128.store", "sso", "store the 16 bytes of s2 into memory 0 at u32 s1 + o"],
  [
    "simd",
    "wdsssi",
    "d = SIMD instruction 0xFD w of s1, s2, s3 (unused ones ignored) with lane index i (for " +
    "i8x16.shuffle: i is the pool entry of its 16 lane indices)",
  ],
  [
    "simd.mem",
    "wdssmk",
    "SIMD memory instruction 0xFD (w & 0xffff) on memory m at address s1 + pool[k]: d = the " +
    "result of a load, s2 the vector of a store or a lane load/store; the lane index is " +
    "w >> 16",
  ],
  [
    "simd.mem0",
    "wdsso",
    "as `simd.mem` on memory 0 (i32 addresses) with the offset o inline (the common case)",
  ],
  // The hottest SIMD instructions of vectorized loops, in the main loop itself: a call to the
  // SIMD dispatch costs more than their lanes (measured: ~10 ns against ~4 ns for f64x2.add),
  // because the loop's live state is saved around it.
  ["i32x4.add", "dss", "d = s1 + s2 (4 x i32)"],
  ["i32x4.sub", "dss", "d = s1 - s2 (4 x i32)"],
  ["i32x4.mul", "dss", "d = s1 * s2 (4 x i32, wrapping)"],
  ["v128.and", "dss", "d = s1 & s2"],
  ["v128.or", "dss", "d = s1 | s2"],
  ["v128.xor", "dss", "d = s1 ^ s2"],
  ["f32x4.add", "dss", "d = s1 + s2 (4 x f32)"],
  ["f32x4.mul", "dss", "d = s1 * s2 (4 x f32)"],
  ["f64x2.add", "dss", "d = s1 + s2 (2 x f64)"],
  ["f64x2.mul", "dss", "d = s1 * s2 (2 x f64)"],
  ...["v128.load8x8_s", "v128.load8x8_u", "v128.load16x4_s", "v128.load16x4_u"].map((
    n,
  ): Row => [n, "dso", "d = 8 bytes loaded from memory 0 at u32 s + o, lanes extended"]),
  ["v128.load32_zero", "dso", "d = 4 bytes loaded from memory 0 at u32 s + o, zero-extended"],
  ["v128.load64_zero", "dso", "d = 8 bytes loaded from memory 0 at u32 s + o, zero-extended"],
  [
    "i8x16.shuffle_words",
    "dssi",
    "an `i8x16.shuffle` of whole 32-bit words: word j of d is word (i >> 3j) & 7 of s1 ++ s2",
  ],
];

/**
 * GC (structs, arrays, i31, casts): two generic rows that hand every GC instruction to the GC
 * dispatch (src/exec/interp_gc.ts, which documents each instruction's operands), so that the
 * main loop's size does not grow with them, the two casting branches, and the one-word
 * struct and array accesses. `w` is the instruction's number after the 0xFB prefix (the
 * binary format's, stable); an instruction with more than three operands (struct.new,
 * array.new_fixed, array.fill/copy/init_*) has them in consecutive slots from s1.
 */
const GC: Row[] = [
  [
    "gc",
    "wdsssii",
    "GC instruction 0xFB w: d = its result (if any), s1..s3 its operands, i1 i2 its " +
    "immediates (a type id, a field's word offset and storage type, a segment, a count)",
  ],
  [
    "gc.alloc",
    "wdsssii",
    "as `gc`, for the instructions that allocate (struct.new*, array.new*): the loop saves " +
    "its state in the machine first, so that a collection can walk the stack",
  ],
  ["br_on_cast", "syit", "jump to t if s has type (ref null? y), nullable if i != 0"],
  ["br_on_cast_fail", "syit", "jump to t unless s has type (ref null? y), nullable if i != 0"],
  // The commonest accesses, in the main loop itself (a call to the GC dispatch costs more
  // than they do): fields and elements of one 32-bit word (i32, f32, a reference; a packed
  // one only when read zero-extended).
  [
    "struct.get32",
    "dsi",
    "d = word i of the struct that s refers to (`struct.get`/`struct.get_u` of a one-word " +
    "field at word offset i; trap on null)",
  ],
  [
    "struct.set32",
    "ssi",
    "word i of the struct that s1 refers to = s2 (`struct.set` of an i32, f32 or reference " +
    "field at word offset i; trap on null)",
  ],
  [
    "array.get32",
    "dss",
    "d = element s2 of the array that s1 refers to (`array.get`/`array.get_u` of one-word " +
    "elements; trap on null or out of bounds)",
  ],
  [
    "array.set32",
    "sss",
    "element s2 of the array that s1 refers to = s3 (`array.set` of i32, f32 or reference " +
    "elements; trap on null or out of bounds)",
  ],
];

const ROWS: readonly Row[] = [...CONTROL, ...MEMORY, ...NUMERIC, ...FUSED, ...SIMD, ...GC];

/** Every IR instruction, indexed by its number. */
export const IR_OPS: readonly IrOpInfo[] = ROWS.map(([name, kinds, doc], op) => ({
  op,
  name,
  kinds,
  doc,
}));

/** IR op numbers by name. */
export const IR: Readonly<Record<string, number>> = Object.fromEntries(
  IR_OPS.map((info) => [info.name, info.op]),
);

/** The number of operands of each IR op. */
export const IR_ARITY: Uint8Array = Uint8Array.from(IR_OPS, (info) => info.kinds.length);

/**
 * The instructions that end a straight-line run of code (see `ticks.ts`): every one that may
 * go on elsewhere than at the next instruction (branches, calls, returns, throws) or that
 * makes the loop reload its state (`memory.grow`). A new instruction of that kind must be
 * listed here, or tick budgets stop at the wrong place.
 */
const ENDERS: readonly string[] = [
  "unreachable",
  "br",
  "br_if",
  "br_unless",
  "br_table",
  "return",
  "call",
  "call_indirect",
  "call_ref",
  "return_call",
  "return_call_indirect",
  "return_call_ref",
  "throw",
  "throw_ref",
  "br_on_null",
  "br_on_non_null",
  "br_on_cast",
  "br_on_cast_fail",
  "memory.grow",
  "pause",
  ...IR_OPS.map((i) => i.name).filter((n) =>
    n.startsWith("br_if.") || n.startsWith("br_unless.") || n.startsWith("return_if.") ||
    n.includes(".br_if.") || n.endsWith(".return") || n.endsWith(".call") ||
    n.endsWith(".call_indirect")
  ),
];

/** 1 for the instructions that end a straight-line run (see `ENDERS`), else 0. */
export const IR_ENDS: Uint8Array = new Uint8Array(IR_OPS.length);
for (const name of ENDERS) IR_ENDS[irOp(name)] = 1;

/**
 * For a prefix, how many of the instructions after it it executes in its own tick (they stay
 * in the code at their own pcs for branches that reach them); 0 for every other instruction.
 */
export const IR_CONSUMES: Uint8Array = new Uint8Array(IR_OPS.length);
for (
  const name of [
    "i32.add.return",
    "i32.add_imm.return",
    "i32.add_imm.call",
    "i32.add.add",
    "i32.add_imm2.i32.add_imm.br_if.i32.ne",
    "i32.add_imm2.br_if.i32.ne",
    "copy3.call_indirect",
    "copy.br_if.i32.lt_u_imm",
  ]
) IR_CONSUMES[irOp(name)] = 1;
IR_CONSUMES[irOp("mem.copy8.x4")] = 3;
IR_CONSUMES[irOp("mem.copy32.x4")] = 3;

/** The IR op number of `name`; throws for an unknown name (a bug in the lowering). */
export function irOp(name: string): number {
  const op = IR[name];
  if (op === undefined) throw new Error(`unknown IR op ${name}`);
  return op;
}
