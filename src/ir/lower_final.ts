/**
 * The lowering's last pass over a function's finished code: in-place rewrites that need the
 * whole code (they look at the instruction at a branch's target, or across a label), and that
 * never move an instruction, so the side tables (source map, handlers, br_table targets) stay
 * valid:
 * - a fused compare-and-branch whose target is a `return` becomes the matching
 *   `return_if.*` (its target operand keeps naming that `return`);
 * - an `i32.add` / `i32.add_imm` directly followed by a `return` (or an `i32.add_imm` by a
 *   `call`, an `i32.add` by an `i32.add`, an `i32.add_imm2` by a loop's back-edge, a `copy3`
 *   by a `call_indirect`, a `copy` by a
 *   `br_if.i32.lt_u_imm`) becomes its prefix form, also when the next
 *   instruction is a branch target (a prefix executes the instruction after it, which stays
 *   at its own pc for the branches);
 * - a `mem.copy8` / `mem.copy32` at offsets 0 followed by the three `_add2` copies of the
 *   next 3 bytes / words of the same two addresses (an unrolled copy loop's body) becomes
 *   `mem.copy8.x4` / `mem.copy32.x4`, which executes all four.
 *
 * Deterministic (a pure function of the code), so the same function always lowers to the same
 * code. It does not fuse anything new otherwise: the emitters do that as they go.
 *
 * @module
 */

import { IR, IR_ARITY, IR_OPS, irOp, RETURN_IF_IMM, RETURN_IF_REG } from "./ops.ts";

const RETURN = irOp("return");
const CALL = irOp("call");

/** For a fused branch op, its `return_if` form (0: none). */
const RETURN_IF = new Int32Array(IR_OPS.length);
for (const c of RETURN_IF_IMM) RETURN_IF[IR[`br_if.i32.${c}_imm`]] = IR[`return_if.i32.${c}_imm`];
for (const c of RETURN_IF_REG) RETURN_IF[IR[`br_if.i32.${c}`]] = IR[`return_if.i32.${c}`];

/** Prefix forms before a `return` / a `call` (0: none). */
const BEFORE_RETURN = new Int32Array(IR_OPS.length);
BEFORE_RETURN[irOp("i32.add")] = irOp("i32.add.return");
BEFORE_RETURN[irOp("i32.add_imm")] = irOp("i32.add_imm.return");
const BEFORE_CALL = new Int32Array(IR_OPS.length);
BEFORE_CALL[irOp("i32.add_imm")] = irOp("i32.add_imm.call");
/** Prefix forms of `i32.add_imm2` by the instruction after it (0: none). */
const AFTER_ADD_IMM2 = new Int32Array(IR_OPS.length);
for (const next of ["i32.add_imm.br_if.i32.ne", "br_if.i32.ne"]) {
  AFTER_ADD_IMM2[irOp(next)] = irOp(`i32.add_imm2.${next}`);
}
const ADD_IMM2 = irOp("i32.add_imm2");
const COPY = irOp("copy");
const COPY3 = irOp("copy3");
const CALL_INDIRECT = irOp("call_indirect");
const COPY3_CALL_INDIRECT = irOp("copy3.call_indirect");
const BR_LT_U_IMM = irOp("br_if.i32.lt_u_imm");
const COPY_BR_LT_U_IMM = irOp("copy.br_if.i32.lt_u_imm");
const ADD = irOp("i32.add");
const ADD_ADD = irOp("i32.add.add");

/** `[copy, its _add2 form, the x4 form, the width]` of the unrolled copies. */
const COPIES: readonly (readonly [number, number, number, number])[] = [
  [irOp("mem.copy8"), irOp("mem.copy8_add2"), irOp("mem.copy8.x4"), 1],
  [irOp("mem.copy32"), irOp("mem.copy32_add2"), irOp("mem.copy32.x4"), 4],
];

/** Whether the copy at `pc` (offsets 0) is followed by its three `_add2` continuations. */
function unrolledCopy(code: Int32Array, n: number, pc: number, add2: number, w: number): boolean {
  if (code[pc + 3] !== 0 || code[pc + 4] !== 0 || pc + 26 > n) return false;
  for (let k = 1; k <= 3; k++) {
    const q = pc + 5 + 7 * (k - 1);
    if (
      code[q] !== add2 || code[q + 1] !== code[pc + 1] || code[q + 2] !== k * w ||
      code[q + 3] !== code[pc + 2] || code[q + 4] !== k * w || code[q + 5] !== 0 ||
      code[q + 6] !== 0
    ) return false;
  }
  return true;
}

/** Rewrites `code` (`n` words of IR) in place (see the module doc). */
export function finishCode(code: Int32Array, n: number): void {
  for (let pc = 0; pc < n; pc += 1 + IR_ARITY[code[pc]]) {
    const op = code[pc];
    const r = RETURN_IF[op];
    if (r !== 0 && code[code[pc + 3]] === RETURN) {
      code[pc] = r;
      continue;
    }
    const next = pc + 1 + IR_ARITY[op];
    if (next >= n) continue;
    if (code[next] === RETURN && BEFORE_RETURN[op] !== 0) code[pc] = BEFORE_RETURN[op];
    else if (code[next] === CALL && BEFORE_CALL[op] !== 0) code[pc] = BEFORE_CALL[op];
    else if (op === ADD && code[next] === ADD) code[pc] = ADD_ADD;
    else if (op === ADD_IMM2 && AFTER_ADD_IMM2[code[next]] !== 0) {
      code[pc] = AFTER_ADD_IMM2[code[next]];
    } else if (op === COPY3 && code[next] === CALL_INDIRECT) code[pc] = COPY3_CALL_INDIRECT;
    else if (op === COPY && code[next] === BR_LT_U_IMM) code[pc] = COPY_BR_LT_U_IMM;
    else {
      for (const [copy, add2, x4, w] of COPIES) {
        if (op === copy && unrolledCopy(code, n, pc, add2, w)) code[pc] = x4;
      }
    }
  }
}
