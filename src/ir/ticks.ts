/**
 * Where ticks are counted. A tick is one executed IR instruction (a prefix and the
 * instructions it executes count one), but the loop does not count them one by one: code is
 * cut into straight-line runs, each ending at the first instruction that may go on elsewhere
 * (`IR_ENDS` in ops.ts: branches, calls, returns, throws, `memory.grow`), and on arriving at
 * an instruction the loop takes from the budget, at once, the ticks from there to the end of
 * its run. Those counts are precomputed per instruction ({@linkcode runTicks}). When the budget
 * cannot pay for a whole run, the loop stops exactly inside it: it places a `pause` over the
 * instruction that {@linkcode pcAfterTicks} names, and puts the instruction back when it gets
 * there. So the tick count of a run is the same as counting each instruction, and a budget
 * stops at the same instruction boundary.
 *
 * This module only computes; the loop (src/exec/interp.ts) charges and places pauses.
 *
 * @module
 */

import { IR_ARITY, IR_CONSUMES, IR_ENDS } from "./ops.ts";

/**
 * For every instruction start `pc` of `code`, the ticks from `pc` through the end of its
 * straight-line run (at least 1); 0 at operand positions.
 *
 * @example
 * ```ts
 * import { IR } from "./ops.ts";
 * import { runTicks } from "./ticks.ts";
 * import assert from "node:assert/strict";
 *
 * // const32 d0 1; copy d2 s0; return
 * const code = Int32Array.of(IR.const32, 0, 1, IR.copy, 2, 0, IR.return);
 * assert.deepEqual([...runTicks(code)], [3, 0, 0, 2, 0, 0, 1]);
 * ```
 */
export function runTicks(code: Int32Array): Int32Array {
  const n = code.length;
  const ticks = new Int32Array(n);
  // The instruction starts, in order; then a backward pass.
  const starts: number[] = [];
  for (let pc = 0; pc < n; pc += 1 + IR_ARITY[code[pc]]) starts.push(pc);
  for (let i = starts.length - 1; i >= 0; i--) {
    const pc = starts[i];
    let end = IR_ENDS[code[pc]] === 1;
    let next = pc + 1 + IR_ARITY[code[pc]];
    for (let k = IR_CONSUMES[code[pc]]; k > 0 && next < n; k--) {
      if (IR_ENDS[code[next]] === 1) end = true;
      next += 1 + IR_ARITY[code[next]];
    }
    ticks[pc] = end || next >= n ? 1 : 1 + ticks[next];
  }
  return ticks;
}

/**
 * The pc reached after executing `k` ticks from instruction `pc` without leaving its
 * straight-line run (`0 <= k < runTicks(code)[pc]`): where a budget of `k` ticks stops.
 * `opAt` gives the op at a pc where the code is patched (a debugger's probes).
 */
export function pcAfterTicks(
  code: Int32Array,
  pc: number,
  k: number,
  opAt?: (code: Int32Array, pc: number) => number,
): number {
  for (; k > 0; k--) pc = afterTick(code, pc, opAt === undefined ? code[pc] : opAt(code, pc));
  return pc;
}

/** The pc after the tick of op `op` at `pc`: past it and the instructions a prefix executes. */
function afterTick(code: Int32Array, pc: number, op: number): number {
  let next = pc + 1 + IR_ARITY[op];
  for (let c = IR_CONSUMES[op]; c > 0; c--) next += 1 + IR_ARITY[code[next]];
  return next;
}

/**
 * The instruction start of the tick that `pc` lies in: the last instruction at or before `pc`
 * in a walk from the function's start that takes a prefix and the instructions it executes
 * (`IR_CONSUMES`) as one. Where an instruction fails (a trap), the ticks its run was charged
 * beyond it are `runTicks(code)[start] - 1`. (A branch may reach an instruction a prefix
 * executes directly; the walk then still names the prefix: only a trap in the last three
 * copies of a `mem.copy*.x4` reached that way is then counted differently.) `opAt` as in
 * {@linkcode pcAfterTicks}.
 *
 * @example
 * ```ts
 * import { IR } from "./ops.ts";
 * import { tickStart } from "./ticks.ts";
 * import assert from "node:assert/strict";
 *
 * // const32 d0 1; copy d2 s0; return
 * const code = Int32Array.of(IR.const32, 0, 1, IR.copy, 2, 0, IR.return);
 * assert.equal(tickStart(code, 4), 3);
 * ```
 */
export function tickStart(
  code: Int32Array,
  pc: number,
  opAt?: (code: Int32Array, pc: number) => number,
): number {
  let at = 0;
  for (;;) {
    const next = afterTick(code, at, opAt === undefined ? code[at] : opAt(code, at));
    if (pc < next || next >= code.length) return at;
    at = next;
  }
}
