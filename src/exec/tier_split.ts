/**
 * Large functions in the compiled tier: a function whose IR is longer than the tier compiles
 * in one piece (src/exec/tier.ts `MAX_CODE`; V8 optimizes a huge JS function late or never)
 * is cut into regions of consecutive instructions, each compiled as its own JS function that
 * V8 optimizes like a small one, and one dispatcher function, the function's compiled code,
 * that runs the region holding the pc it is entered at, then the region the code jumps to.
 *
 * Regions share the frame's slots in the machine: a region's variables (the slots tier.ts
 * keeps in JS variables) are loaded when it is entered and written back when it is left, so
 * at a region change the machine's slots hold exactly what the interpreter leaves there. A
 * region is left as a compiled function hands its frame back at an entry pc (tier.ts
 * `tierEntries`), but with a status of its own ({@linkcode JUMPED}): the ticks of the run at
 * the target are given back, and the target's region charges them again on arrival, as the
 * interpreter charges a run on arriving at its start. So the ticks, traps and pauses are the
 * whole function's compiled as one.
 *
 * A region starts at an entry pc that nothing falls into in the middle of a run: after an
 * instruction that ends a run (`IR_ENDS`) and is not part of a fused group (prefix ops and
 * the instructions they execute), where the compiled code has charged the next run already
 * (or does not go on). This module only cuts and dispatches; tier.ts writes each region's
 * code (`tierSource` with a region). A region is compiled when it is first entered.
 *
 * @module
 */

import type { CompiledFunc } from "../ir/compiled.ts";
import { IR_ARITY, IR_CONSUMES, IR_ENDS } from "../ir/ops.ts";
import type { Machine } from "./machine.ts";

/** A compiled function or region (tier.ts `TierFn`, repeated here: tier.ts imports this). */
type TierFn = (fp: number, pc: number, k: number, fuel: number) => number;

/**
 * The most IR words of a region where it can be cut: smaller regions cross more often but
 * V8 optimizes them sooner (Flite with the tier on every function: 2.0 s of CPU at 200 words
 * and 100, 2.6 s at 500, 3.0 s at 1,000; CPython "hot": 12.4 s at 200, 13.2 s at 400).
 */
export const REGION_CODE = 200;

/**
 * A region's status: it jumped out of itself; the machine's `pc` is where to go on, its
 * `fuel` the ticks left (tier.ts's statuses: the ticks left when it returned, or -1 when it
 * stopped).
 */
export const JUMPED = -2;

/**
 * The starts of the regions of `cf` (the first is 0), each region at most `max` IR words
 * where a start can be found (a region with no place to cut runs on to the next one);
 * `entries` are the function's entry pcs (tier.ts `tierEntries`).
 */
export function regionStarts(cf: CompiledFunc, entries: Uint8Array, max: number): number[] {
  const code = cf.code;
  const starts = [0];
  let consumed = 0, last = -1;
  for (let pc = 0; pc < code.length;) {
    const op = code[pc];
    const next = pc + 1 + IR_ARITY[op];
    const inGroup = consumed > 0;
    if (inGroup) consumed--;
    consumed += IR_CONSUMES[op];
    // `next` may start a region: the run before it ended here (not in a fused group).
    const cut = !inGroup && IR_CONSUMES[op] === 0 && IR_ENDS[op] === 1 && entries[next] === 1 &&
      next < code.length;
    if (cut) {
      if (next - starts[starts.length - 1] > max && last > starts[starts.length - 1]) {
        starts.push(last);
      }
      last = next;
    }
    pc = next;
  }
  if (code.length - starts[starts.length - 1] > max && last > starts[starts.length - 1]) {
    starts.push(last);
  }
  return starts;
}

/**
 * The compiled function of a large function at store address `addr` cut at `starts` (from
 * {@linkcode regionStarts}; the function is `code` words long): runs the region holding the
 * pc it is entered at, then the region each jump out of a region goes to. A region is
 * compiled (`region(start, end)`) once it has been entered `hot` times: before, its frame is
 * handed to the interpreter there (status -1, as when the fuel cannot pay for a run), which
 * comes back to compiled code at its next call or return; so the parts a program seldom runs
 * cost no compilation.
 */
export function splitFunction(
  m: Machine,
  addr: number,
  code: number,
  starts: readonly number[],
  hot: number,
  region: (start: number, end: number) => TierFn,
  tier: { lim: number },
): TierFn {
  const regions: (TierFn | null)[] = starts.map(() => null);
  const entered = new Int32Array(starts.length);
  // The region of each pc.
  const of = new Uint16Array(code + 1);
  for (let r = 0; r < starts.length; r++) of.fill(r, starts[r]);
  return (fp, pc, k, fuel) => {
    for (;;) {
      const r = of[pc];
      let g = regions[r];
      if (g === null) {
        if (entered[r] < hot) {
          entered[r]++;
          m.funcAddr = addr;
          m.pc = pc;
          m.fp = fp;
          m.fuel = fuel;
          m.depth = tier.lim - k;
          return -1;
        }
        g = region(starts[r], r + 1 < starts.length ? starts[r + 1] : code);
        regions[r] = g;
      }
      const st = g(fp, pc, k, fuel);
      if (st !== JUMPED) return st;
      pc = m.pc;
      fuel = m.fuel;
    }
  };
}
