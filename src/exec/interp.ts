/**
 * The interpreter loop: one function, {@linkcode run}, that executes IR (src/ir/ops.ts) from
 * the machine's current frame and returns one of four statuses: {@linkcode DONE} (the
 * invocation's entry record was popped), {@linkcode PAUSED} (a slice of {@linkcode SLICE}
 * ticks or the fuel ran out), {@linkcode HOST_CALL} (a suspending host function was called)
 * or {@linkcode YIELDED} (a host function asked for a pause, or a debugger's probe stopped
 * the loop before an instruction: src/exec/probes.ts). Except after DONE, every bit of
 * state is back in the machine, so that another `run` continues exactly there; a trap
 * throws.
 *
 * Hot state lives in locals: `pc`, `fp`, `code`, the stack views, memory 0's views of the
 * current instance (refreshed when the function or the memory's buffer changes), the
 * globals' view, and `fuel`. A case that goes on at the next instruction ends in `continue`;
 * one that may go on elsewhere (a branch, a return: `IR_ENDS`) ends in `break charge`, to the
 * place that takes the ticks of the straight-line run it arrives at from the budget (see
 * src/ir/ticks.ts: there are no per-instruction fuel checks; a budget that ends inside a run
 * stops at a `pause` written over the instruction where it ends, put back when reached, or
 * by `run`'s `finally` after a trap); calls `break` to the shared call sequence after the
 * switch, and the prefix ops (`i32.add_imm.call`, `i32.add.return`,
 * `i32.add_imm2.br_if.i32.ne`...) fall through into the case of the instruction they precede
 * (`return_if.*` share the `return` case). Rare and large
 * operations are helpers in other files (tables, non-fast memory accesses, exceptions, host
 * calls) so that this function stays small enough for V8 to optimize (61,440 bytes of
 * bytecode).
 *
 * Case labels are numeric literals (V8 builds a jump table only for those); each carries the
 * IR op's name, and tests/ir/ops_test.ts checks them against the table (and that no op
 * number appears without its name): to add an op, add its row to src/ir/ops.ts, write
 * `case 0 /* name *\/` here and run `deno run -A scripts/ir_labels.ts`, which renumbers.
 *
 * V8 notes (measured): 64-bit values move as BigInt64Array elements (V8 lowers those to
 * machine int64; writing two 32-bit halves and reading 64 bits stalls store forwarding);
 * BigInt shifts by a non-constant amount are slow, so i64 shifts work on 32-bit words; no
 * loop may sit inside the dispatch loop (V8 would OSR into it); `run` returns every
 * {@linkcode SLICE} ticks so that V8 enters its newest optimized code; `warmup.ts` gives
 * every case type feedback once a run has lasted a slice.
 *
 * Traps throw {@linkcode Trap}; the machine's frames are then restored by `invoke`. A run
 * that fails (a trap, exhaustion, an exception that escapes) leaves in `fuel` exactly the
 * ticks of the instructions it executed, the failing one included: the ticks its straight-line
 * run was charged beyond that instruction are given back, so that a failing run counts as a
 * run stepped one tick at a time counts (a recording can travel to every tick before it).
 *
 * @module
 */

import { Exhaustion, Trap } from "../errors.ts";
import type { CompiledFunc } from "../ir/compiled.ts";
import { IR } from "../ir/ops.ts";
import { pcAfterTicks, tickStart } from "../ir/ticks.ts";
import type { ArrayObj, MemInst, StructObj } from "../runtime/store.ts";
import { callHost, nullFunc, resolveIndirect } from "./calls.ts";
import { allocExn, checkExnRef, unwind } from "./exceptions.ts";
import { FRAME_STRIDE, type Machine, PROBE_BREAK, PROBE_STORE, WasmException } from "./machine.ts";
import { enterTier, tierHeat, type TierHelpers } from "./tier.ts";
import {
  dataDrop,
  memLoad,
  memoryCopy,
  memoryFill,
  memoryGrow,
  memoryInit,
  memorySize,
  memStore,
  oobMemory,
} from "./memory_ops.ts";
import * as N from "./numerics.ts";
import { simdMem0Op, simdMemOp, simdOp } from "./interp_simd.ts";
import { gcOp } from "./interp_gc.ts";
import { refTest } from "../runtime/heap.ts";
import {
  elemDrop,
  tableCopy,
  tableFill,
  tableGet,
  tableGrow,
  tableInit,
  tableSet,
  tableSize,
} from "./table_ops.ts";

/** {@linkcode run}'s status: the invocation finished (results in its entry frame's slots). */
export const DONE = 0;
/**
 * {@linkcode run}'s status: a slice ended (the machine's `fuel` is then still > 0) or fuel ran
 * out (`fuel` is 0); the machine holds the state to resume.
 */
export const PAUSED = 1;
/**
 * {@linkcode run}'s status: a suspending host function (`machine.suspending`) was called; the
 * machine holds the pending call (`hostCallee`, `hostAt`, `hostTail`) and the state after
 * the call instruction. The embedder answers it (Execution.answer) before running on.
 */
export const HOST_CALL = 2;
/**
 * {@linkcode run}'s status: a host function asked the machine to pause
 * (`Machine.requestPause`); the machine holds the state after its call, the rest of the
 * budget is still in `fuel`.
 */
export const YIELDED = 3;

/**
 * The most ticks one call of {@linkcode run} executes before it returns PAUSED: returning now
 * and then lets V8 enter the newest optimized code of `run` (not only on-stack replacement).
 */
export const SLICE = 1 << 22;

/**
 * After compiled code handed its frame back inside its function, the ticks the loop runs
 * (past the run where it stopped) before it gives compiled code that frame again, at the
 * start of a straight-line run (with the tier on).
 */
const TIER_RETRY = 1_000;

const NO_HEAT = new Int32Array(0);

/**
 * Taken from the loop's fuel to ask for the tier at the next run's start (the fuel check is
 * there anyway: no cost when not asked); far below any slice, still a small integer.
 */
const TIER_ASK = 1 << 29;

const EMPTY = new ArrayBuffer(0);
const PAUSE = IR.pause;

function trap(message: string): never {
  throw new Trap(message);
}

function exhausted(): never {
  throw new Exhaustion("call stack exhausted");
}

/**
 * Calls host function `callee` with arguments at `at` from the frame saved in the machine;
 * a wasm exception it throws is unwound from the call. For a tail call, then returns from
 * the current frame; returns true if that ended the invocation.
 */
function hostCall(m: Machine, callee: number, at: number, tail: boolean): boolean {
  try {
    callHost(m, callee, at);
  } catch (e) {
    if (!(e instanceof WasmException)) throw e;
    if (tail) {
      // The exception is raised in the caller of the tail-calling frame.
      if (m.atEntry()) throw e;
      m.popFrame();
    }
    unwind(m, e.exn, m.pc - 1);
    return false;
  }
  return tail ? m.popFrame() : false;
}

/**
 * Executes from the machine's current frame (see the module doc); returns DONE, PAUSED or
 * HOST_CALL.
 */
export function run(m: Machine): number {
  try {
    return loop(m);
  } finally {
    // A trap inside the straight-line run where the budget ends: take the pause away.
    if (m.pauseCode !== null) clearPause(m);
  }
}

/**
 * Makes the loop stop after exactly `k` more ticks (0 < k < the ticks of the straight-line
 * run at `pc`): writes a `pause` over the instruction where they end (src/ir/ticks.ts).
 */
function placePause(m: Machine, code: Int32Array, pc: number, k: number): void {
  const p = m.probes;
  const at = p === null ? pcAfterTicks(code, pc, k) : pcAfterTicks(code, pc, k, p.opAt.bind(p));
  m.pauseCode = code;
  m.pausePc = at;
  m.pauseOp = code[at];
  code[at] = PAUSE;
}

/**
 * After instruction `pc` of `cf` failed: the ticks its straight-line run was charged beyond
 * it (up to a pause placed in the run, which is taken away: src/ir/ticks.ts).
 */
function ticksAfter(m: Machine, cf: CompiledFunc, pc: number): number {
  const pauseAt = m.pauseCode === cf.code ? m.pausePc : -1;
  unpause(m);
  const p = m.probes;
  const start = p === null ? tickStart(cf.code, pc) : tickStart(cf.code, pc, p.opAt.bind(p));
  return cf.ticks[start] - 1 - (pauseAt > start ? cf.ticks[pauseAt] : 0);
}

/** Takes away a pause placed in the run (see {@linkcode placePause}); 0. */
function unpause(m: Machine): number {
  if (m.pauseCode !== null) clearPause(m);
  return 0;
}

/** Puts back the instruction a pause was written over. */
function clearPause(m: Machine): void {
  m.pauseCode![m.pausePc] = m.pauseOp;
  m.pauseCode = null;
}

/** The loop of {@linkcode run}. */
function loop(m: Machine): number {
  const store = m.store;
  const compiled = m.compiled;
  const I32 = m.i32, F32 = m.f32, F64 = m.f64, I64 = m.i64, U64 = m.u64, SV = m.simd;
  // Ticks left in this slice; the slice's start is `sliceStart` (see SLICE). An int32 (the
  // catch reads it: a double there costs V8 about 10% on call-heavy code, measured).
  let fuel = (m.fuel > SLICE ? SLICE : m.fuel) | 0;
  let sliceStart = fuel;
  let cf: CompiledFunc = m.code(m.funcAddr);
  let pc = m.pc, fp = m.fp;
  let code = cf.code;
  let ticks = cf.ticks;
  let P64 = cf.pool64;
  let mem: MemInst | null = null;
  let buf = EMPTY;
  let DV = new DataView(EMPTY);
  let U8 = new Uint8Array(EMPTY);
  let memLen = 0;
  let gbuf = store.globalSlots;
  let G32 = new Int32Array(gbuf);
  let G64 = new BigInt64Array(gbuf);
  let callee = 0, nfp = 0, tail = 0, calling = 0;
  let frames = m.frames, depth = m.depth;
  const maxDepth = m.maxDepth, stackLimit = m.stackLimit;
  // A call's record index `at` needs a new record (slow path) when `at >= frameLim`: depth at
  // maxDepth, or no room left in `frames` (recomputed whenever `frames` is reloaded).
  let frameLim = 0;
  // With the compiled tier on, a call takes the slow path, where the tier may run the callee,
  // when the callee's heat (src/exec/tier.ts tierHeat) counts down to 0, as it does at every
  // call of a compiled function; so does a return into a compiled function. `skipTier` after
  // the tier handed a frame back (it goes on here); `retry`: give it back at the end of this
  // (short) slice.
  const tierOn = m.tier !== "off";
  const heat = tierOn ? tierHeat(m) : NO_HEAT;
  let skipTier = false, resumed = true, inTier = false, retry = false;
  try {
    outer: for (;;) {
      frames = m.frames;
      frameLim = Math.min(maxDepth * FRAME_STRIDE, frames.length - FRAME_STRIDE + 1);
      depth = m.depth;
      code = cf.code;
      ticks = cf.ticks;
      P64 = cf.pool64;
      if (cf.mem0 !== mem || (mem !== null && mem.buffer !== buf)) {
        mem = cf.mem0;
        buf = mem === null ? EMPTY : mem.buffer;
        DV = new DataView(buf);
        U8 = new Uint8Array(buf);
        memLen = buf.byteLength;
      }
      if (store.globalSlots !== gbuf) {
        gbuf = store.globalSlots;
        G32 = new Int32Array(gbuf);
        G64 = new BigInt64Array(gbuf);
      }
      if (tierOn) {
        if (skipTier) skipTier = false;
        else {
          // Compiled code runs this frame if it can (src/exec/tier.ts).
          m.depth = depth;
          m.funcAddr = cf.addr;
          m.pc = pc;
          m.fp = fp;
          m.fuel -= sliceStart - fuel;
          // An error in compiled code left its own frame in the machine (see the catch).
          inTier = true;
          const st = enterTier(m, TIER_HELPERS, resumed);
          inTier = false;
          resumed = false;
          if (st === DONE) return DONE;
          fuel = (m.fuel > SLICE ? SLICE : m.fuel) | 0;
          sliceStart = fuel;
          retry = false;
          if (st > 0) {
            cf = compiled[m.funcAddr]!;
            pc = m.pc;
            fp = m.fp;
            skipTier = true;
            // Stopped inside compiled code: back to it after a short while (at a run start).
            if (st === 2 && fuel > TIER_RETRY + cf.ticks[pc]) {
              fuel = sliceStart = TIER_RETRY + cf.ticks[pc];
              retry = true;
            }
            continue outer;
          }
        }
      }
      // Arriving at pc: take the ticks of the rest of its straight-line run (src/ir/ticks.ts).
      fuel -= ticks[pc];
      if (fuel < 0) {
        fuel += ticks[pc];
        // With the tier on, a slice (not the budget) ending in this run ends before it, at
        // a place where compiled code can take over when `run` is called again.
        if (fuel === 0 || (tierOn && m.fuel - sliceStart + fuel >= ticks[pc])) {
          m.depth = depth;
          m.funcAddr = cf.addr;
          m.pc = pc;
          m.fp = fp;
          m.fuel -= sliceStart - fuel;
          return PAUSED;
        }
        placePause(m, code, pc, fuel);
        fuel = 0;
      }
      for (;;) {
        charge: {
          switch (code[pc]) {
            case 0 /* unreachable */:
              throw new Trap("unreachable");
            case 1 /* nop */:
              pc += 1;
              continue;
            case 302 /* pause */:
              // The budget ends here (see placePause); the instruction goes back in its place.
              code[pc] = m.pauseOp;
              m.pauseCode = null;
              m.depth = depth;
              m.funcAddr = cf.addr;
              m.pc = pc;
              m.fp = fp;
              m.fuel -= sliceStart - fuel;
              return PAUSED;
            case 2 /* br */:
              pc = code[pc + 1];
              break charge;
            case 3 /* br_if */:
              pc = I32[fp + code[pc + 1]] !== 0 ? code[pc + 2] : pc + 3;
              break charge;
            case 4 /* br_unless */:
              pc = I32[fp + code[pc + 1]] === 0 ? code[pc + 2] : pc + 3;
              break charge;
            case 5 /* br_table */: {
              const b = code[pc + 2];
              const n = cf.brTables[b];
              const i = I32[fp + code[pc + 1]] >>> 0;
              pc = cf.brTables[b + 1 + (i < n ? i : n)];
              break charge;
            }
            case 289 /* return_if.i32.lt_s_imm */: {
              // The recursion base case (fib): its own copy of the return, no returnCond dispatch.
              if (I32[fp + code[pc + 1]] >= code[pc + 2]) {
                pc += 4;
                break charge;
              }
              const at = --depth * FRAME_STRIDE;
              const f = frames[at];
              if (f < 0) {
                m.depth = depth;
                m.funcAddr = -2 - f;
                m.pc = frames[at + 1];
                m.fp = frames[at + 2];
                m.fuel -= sliceStart - fuel;
                return DONE;
              }
              pc = frames[at + 1];
              fp = frames[at + 2];
              if (f !== cf.addr) {
                // Returning to another function (a recursive caller keeps cf, code and mem).
                cf = compiled[f]!;
                code = cf.code;
                ticks = cf.ticks;
                P64 = cf.pool64;
                if (cf.mem0 !== mem) {
                  mem = cf.mem0;
                  buf = mem === null ? EMPTY : mem.buffer;
                  DV = new DataView(buf);
                  U8 = new Uint8Array(buf);
                  memLen = buf.byteLength;
                }
                // Into a compiled function: the tier goes on with it (see TIER_ASK).
                if (tierOn && heat[f] <= 0) fuel -= TIER_ASK;
              }
              break charge;
            }
            case 283 /* i32.add.return */:
            case 284 /* i32.add_imm.return */:
              I32[fp + code[pc + 1]] = (I32[fp + code[pc + 2]] +
                (code[pc] === 284 /* i32.add_imm.return */
                  ? code[pc + 3]
                  : I32[fp + code[pc + 3]])) |
                0;
              pc += 4;
            // falls through: the `return` after the prefix, in the same tick
            case 6 /* return */:
            case 287 /* return_if.i32.eq_imm */:
            case 288 /* return_if.i32.ne_imm */:
            case 290 /* return_if.i32.lt_u_imm */:
            case 291 /* return_if.i32.eq */:
            case 292 /* return_if.i32.ne */:
            case 293 /* return_if.i32.lt_u */:
            case 294 /* return_if.i32.le_u */: {
              const op = code[pc];
              if (
                op !== 6 /* return */ &&
                !returnCond(op, I32[fp + code[pc + 1]], code[pc + 2], I32, fp)
              ) {
                pc += 4;
                break charge;
              }
              const at = --depth * FRAME_STRIDE;
              const f = frames[at];
              if (f < 0) {
                m.depth = depth;
                m.funcAddr = -2 - f;
                m.pc = frames[at + 1];
                m.fp = frames[at + 2];
                m.fuel -= sliceStart - fuel;
                return DONE;
              }
              pc = frames[at + 1];
              fp = frames[at + 2];
              if (f !== cf.addr) {
                // Returning to another function (a recursive caller keeps cf, code and mem).
                cf = compiled[f]!;
                code = cf.code;
                ticks = cf.ticks;
                P64 = cf.pool64;
                if (cf.mem0 !== mem) {
                  mem = cf.mem0;
                  buf = mem === null ? EMPTY : mem.buffer;
                  DV = new DataView(buf);
                  U8 = new Uint8Array(buf);
                  memLen = buf.byteLength;
                }
                // Into a compiled function: the tier goes on with it (see TIER_ASK).
                if (tierOn && heat[f] <= 0) fuel -= TIER_ASK;
              }
              break charge;
            }
            case 285 /* i32.add_imm.call */:
              I32[fp + code[pc + 1]] = (I32[fp + code[pc + 2]] + code[pc + 3]) | 0;
              pc += 4;
            // falls through: the `call` after the prefix, in the same tick
            case 7 /* call */: {
              // Fast path: a wasm callee already lowered, room on both stacks.
              const self = code[pc + 1] === cf.addr;
              const ncf = self ? cf : compiled[code[pc + 1]];
              nfp = fp + code[pc + 2];
              const at = depth * FRAME_STRIDE;
              if (
                ncf === undefined || at >= frameLim || nfp + ncf.frameSize * 2 > stackLimit ||
                (tierOn && --heat[code[pc + 1]] <= 0)
              ) {
                callee = code[pc + 1];
                pc += 3;
                tail = -1;
                break;
              }
              frames[at] = cf.addr;
              frames[at + 1] = pc + 3;
              frames[at + 2] = fp;
              depth++;
              if (ncf.locals > ncf.params) {
                I64.fill(0n, (nfp >> 1) + ncf.params, (nfp >> 1) + ncf.locals);
              }
              fp = nfp;
              pc = 0;
              if (!self) {
                // A recursive call keeps cf, code and mem.
                cf = ncf;
                code = cf.code;
                ticks = cf.ticks;
                P64 = cf.pool64;
                if (cf.mem0 !== mem) {
                  mem = cf.mem0;
                  buf = mem === null ? EMPTY : mem.buffer;
                  DV = new DataView(buf);
                  U8 = new Uint8Array(buf);
                  memLen = buf.byteLength;
                }
              }
              break charge;
            }
            case 300 /* copy3.call_indirect */:
              I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]];
              I32[fp + code[pc + 3]] = I32[fp + code[pc + 4]];
              I32[fp + code[pc + 5]] = I32[fp + code[pc + 6]];
              pc += 7;
            // falls through: the `call_indirect` after the prefix, in the same tick
            case 8 /* call_indirect */: {
              // Fast path: a 32-bit table, an element in range whose lowered callee has exactly
              // the expected type, room on both stacks. Anything else goes through resolveIndirect.
              const tab = store.tables[code[pc + 3]];
              const i = I32[fp + code[pc + 2]] >>> 0;
              const f = tab.type.is64 || i >= tab.size ? 0 : tab.elems[i];
              const ncf = f === 0 ? undefined : compiled[f];
              nfp = fp + code[pc + 1];
              const at = depth * FRAME_STRIDE;
              if (
                ncf === undefined || ncf.type !== code[pc + 4] || at >= frameLim ||
                nfp + ncf.frameSize * 2 > stackLimit || (tierOn && --heat[f] <= 0)
              ) {
                callee = resolveIndirect(m, code[pc + 3], fp + code[pc + 2], code[pc + 4]);
                pc += 5;
                tail = -1;
                break;
              }
              frames[at] = cf.addr;
              frames[at + 1] = pc + 5;
              frames[at + 2] = fp;
              depth++;
              if (ncf.locals > ncf.params) {
                I64.fill(0n, (nfp >> 1) + ncf.params, (nfp >> 1) + ncf.locals);
              }
              fp = nfp;
              cf = ncf;
              pc = 0;
              code = cf.code;
              ticks = cf.ticks;
              P64 = cf.pool64;
              if (cf.mem0 !== mem) {
                mem = cf.mem0;
                buf = mem === null ? EMPTY : mem.buffer;
                DV = new DataView(buf);
                U8 = new Uint8Array(buf);
                memLen = buf.byteLength;
              }
              break charge;
            }
            case 9 /* call_ref */:
              callee = I32[fp + code[pc + 2]];
              if (callee === 0) nullFunc();
              nfp = fp + code[pc + 1];
              pc += 3;
              tail = -1;
              break;
            case 10 /* return_call */:
              callee = code[pc + 1];
              nfp = fp + code[pc + 2];
              tail = code[pc + 3];
              break;
            case 11 /* return_call_indirect */:
              callee = resolveIndirect(m, code[pc + 3], fp + code[pc + 2], code[pc + 4]);
              nfp = fp + code[pc + 1];
              tail = code[pc + 5];
              break;
            case 12 /* return_call_ref */:
              callee = I32[fp + code[pc + 2]];
              if (callee === 0) nullFunc();
              nfp = fp + code[pc + 1];
              tail = code[pc + 3];
              break;
            case 13 /* copy */:
              I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]];
              pc += 3;
              continue;
            case 19 /* copy64 */:
              I64[(fp + code[pc + 1]) >> 1] = I64[(fp + code[pc + 2]) >> 1];
              pc += 3;
              continue;
            case 30 /* copy_v128 */: {
              const d = (fp + code[pc + 1]) >> 1, s = (fp + code[pc + 2]) >> 1;
              I64[d] = I64[s];
              I64[d + 1] = I64[s + 1];
              pc += 3;
              continue;
            }
            case 303 /* v128.const */: {
              const d = (fp + code[pc + 1]) >> 1, k = code[pc + 2];
              I64[d] = P64[k];
              I64[d + 1] = P64[k + 1];
              pc += 3;
              continue;
            }
            case 304 /* select_v128 */: {
              const d = (fp + code[pc + 1]) >> 1;
              const s = (fp + (I32[fp + code[pc + 4]] !== 0 ? code[pc + 2] : code[pc + 3])) >> 1;
              I64[d] = I64[s];
              I64[d + 1] = I64[s + 1];
              pc += 5;
              continue;
            }
            case 305 /* global.get_v128 */: {
              const d = (fp + code[pc + 1]) >> 1, g = code[pc + 2] >> 1;
              I64[d] = G64[g];
              I64[d + 1] = G64[g + 1];
              pc += 3;
              continue;
            }
            case 306 /* global.set_v128 */: {
              const g = code[pc + 1] >> 1, s = (fp + code[pc + 2]) >> 1;
              G64[g] = I64[s];
              G64[g + 1] = I64[s + 1];
              pc += 3;
              continue;
            }
            case 307 /* v128.load */: {
              const ea = (I32[fp + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0);
              if (ea + 16 > memLen) oobMemory();
              const d = (fp + code[pc + 1]) >> 1;
              I64[d] = DV.getBigInt64(ea, true);
              I64[d + 1] = DV.getBigInt64(ea + 8, true);
              pc += 4;
              continue;
            }
            case 308 /* v128.store */: {
              const ea = (I32[fp + code[pc + 1]] >>> 0) + (code[pc + 3] >>> 0);
              if (ea + 16 > memLen) oobMemory();
              const s = (fp + code[pc + 2]) >> 1;
              DV.setBigInt64(ea, I64[s], true);
              DV.setBigInt64(ea + 8, I64[s + 1], true);
              pc += 4;
              continue;
            }
            case 322 /* v128.load8x8_s */:
            case 323 /* v128.load8x8_u */:
            case 324 /* v128.load16x4_s */:
            case 325 /* v128.load16x4_u */:
            case 327 /* v128.load64_zero */: {
              const ea = (I32[fp + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0);
              if (ea + 8 > memLen) oobMemory();
              const d = fp + code[pc + 1], op = code[pc];
              const x = DV.getInt32(ea, true), y = DV.getInt32(ea + 4, true);
              if (op === 327 /* v128.load64_zero */) {
                I32[d] = x;
                I32[d + 1] = y;
                I32[d + 2] = I32[d + 3] = 0;
              } else if (op === 324 /* v128.load16x4_s */) {
                I32[d] = (x << 16) >> 16;
                I32[d + 1] = x >> 16;
                I32[d + 2] = (y << 16) >> 16;
                I32[d + 3] = y >> 16;
              } else if (op === 325 /* v128.load16x4_u */) {
                I32[d] = x & 0xffff;
                I32[d + 1] = x >>> 16;
                I32[d + 2] = y & 0xffff;
                I32[d + 3] = y >>> 16;
              } else if (op === 322 /* v128.load8x8_s */) {
                I32[d] = (((x << 24) >> 24) & 0xffff) | (((x << 16) >> 24) << 16);
                I32[d + 1] = (((x << 8) >> 24) & 0xffff) | ((x >> 24) << 16);
                I32[d + 2] = (((y << 24) >> 24) & 0xffff) | (((y << 16) >> 24) << 16);
                I32[d + 3] = (((y << 8) >> 24) & 0xffff) | ((y >> 24) << 16);
              } else {
                I32[d] = (x & 0xff) | ((x & 0xff00) << 8);
                I32[d + 1] = ((x >>> 16) & 0xff) | ((x >>> 8) & 0xff0000);
                I32[d + 2] = (y & 0xff) | ((y & 0xff00) << 8);
                I32[d + 3] = ((y >>> 16) & 0xff) | ((y >>> 8) & 0xff0000);
              }
              pc += 4;
              continue;
            }
            case 326 /* v128.load32_zero */: {
              const ea = (I32[fp + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0);
              if (ea + 4 > memLen) oobMemory();
              const d = fp + code[pc + 1];
              I32[d] = DV.getInt32(ea, true);
              I32[d + 1] = I32[d + 2] = I32[d + 3] = 0;
              pc += 4;
              continue;
            }
            case 329 /* gc */:
              gcOp(m, cf, pc, fp);
              pc += 8;
              continue;
            case 330 /* gc.alloc */:
              // A collection may walk the stack from here.
              m.depth = depth;
              m.funcAddr = cf.addr;
              m.pc = pc;
              m.fp = fp;
              gcOp(m, cf, pc, fp);
              pc += 8;
              continue;
            case 331 /* br_on_cast */:
            case 332 /* br_on_cast_fail */:
              pc = refTest(store, I32[fp + code[pc + 1]], code[pc + 2], code[pc + 3] !== 0) ===
                  (code[pc] === 331 /* br_on_cast */)
                ? code[pc + 4]
                : pc + 5;
              break charge;
            case 333 /* struct.get32 */: {
              const r = I32[fp + code[pc + 2]];
              if (r === 0) trap("null structure reference");
              I32[fp + code[pc + 1]] = (store.objects[r] as StructObj).fields[code[pc + 3]];
              pc += 4;
              continue;
            }
            case 334 /* struct.set32 */: {
              const r = I32[fp + code[pc + 1]];
              if (r === 0) trap("null structure reference");
              (store.objects[r] as StructObj).fields[code[pc + 3]] = I32[fp + code[pc + 2]];
              pc += 4;
              continue;
            }
            case 335 /* array.get32 */: {
              const r = I32[fp + code[pc + 2]];
              if (r === 0) trap("null array reference");
              const e = (store.objects[r] as ArrayObj).elems, i = I32[fp + code[pc + 3]] >>> 0;
              if (i >= e.length) trap("out of bounds array access");
              I32[fp + code[pc + 1]] = e[i];
              pc += 4;
              continue;
            }
            case 336 /* array.set32 */: {
              const r = I32[fp + code[pc + 1]];
              if (r === 0) trap("null array reference");
              const e = (store.objects[r] as ArrayObj).elems, i = I32[fp + code[pc + 2]] >>> 0;
              if (i >= e.length) trap("out of bounds array access");
              e[i] = I32[fp + code[pc + 3]];
              pc += 4;
              continue;
            }
            case 309 /* simd */:
              simdOp(SV, cf, pc, fp);
              pc += 7;
              continue;
            case 310 /* simd.mem */:
              simdMemOp(m, cf, pc, fp);
              pc += 7;
              continue;
            case 311 /* simd.mem0 */:
              simdMem0Op(m, cf, pc, fp);
              pc += 6;
              continue;
            case 312 /* i32x4.add */:
            case 313 /* i32x4.sub */:
            case 314 /* i32x4.mul */:
            case 315 /* v128.and */:
            case 316 /* v128.or */:
            case 317 /* v128.xor */: {
              const d = fp + code[pc + 1], a = fp + code[pc + 2], b = fp + code[pc + 3];
              const x0 = I32[a], x1 = I32[a + 1], x2 = I32[a + 2], x3 = I32[a + 3];
              const y0 = I32[b], y1 = I32[b + 1], y2 = I32[b + 2], y3 = I32[b + 3];
              switch (code[pc]) {
                case 312 /* i32x4.add */:
                  I32[d] = x0 + y0;
                  I32[d + 1] = x1 + y1;
                  I32[d + 2] = x2 + y2;
                  I32[d + 3] = x3 + y3;
                  break;
                case 313 /* i32x4.sub */:
                  I32[d] = x0 - y0;
                  I32[d + 1] = x1 - y1;
                  I32[d + 2] = x2 - y2;
                  I32[d + 3] = x3 - y3;
                  break;
                case 314 /* i32x4.mul */:
                  I32[d] = Math.imul(x0, y0);
                  I32[d + 1] = Math.imul(x1, y1);
                  I32[d + 2] = Math.imul(x2, y2);
                  I32[d + 3] = Math.imul(x3, y3);
                  break;
                case 315 /* v128.and */:
                  I32[d] = x0 & y0;
                  I32[d + 1] = x1 & y1;
                  I32[d + 2] = x2 & y2;
                  I32[d + 3] = x3 & y3;
                  break;
                case 316 /* v128.or */:
                  I32[d] = x0 | y0;
                  I32[d + 1] = x1 | y1;
                  I32[d + 2] = x2 | y2;
                  I32[d + 3] = x3 | y3;
                  break;
                default: // v128.xor
                  I32[d] = x0 ^ y0;
                  I32[d + 1] = x1 ^ y1;
                  I32[d + 2] = x2 ^ y2;
                  I32[d + 3] = x3 ^ y3;
              }
              pc += 4;
              continue;
            }
            case 318 /* f32x4.add */:
            case 319 /* f32x4.mul */: {
              const d = fp + code[pc + 1], a = fp + code[pc + 2], b = fp + code[pc + 3];
              const x0 = F32[a], x1 = F32[a + 1], x2 = F32[a + 2], x3 = F32[a + 3];
              const y0 = F32[b], y1 = F32[b + 1], y2 = F32[b + 2], y3 = F32[b + 3];
              if (code[pc] === 318 /* f32x4.add */) {
                F32[d] = x0 + y0;
                F32[d + 1] = x1 + y1;
                F32[d + 2] = x2 + y2;
                F32[d + 3] = x3 + y3;
              } else {
                F32[d] = x0 * y0;
                F32[d + 1] = x1 * y1;
                F32[d + 2] = x2 * y2;
                F32[d + 3] = x3 * y3;
              }
              pc += 4;
              continue;
            }
            case 320 /* f64x2.add */: {
              const d = (fp + code[pc + 1]) >> 1, a = (fp + code[pc + 2]) >> 1;
              const b = (fp + code[pc + 3]) >> 1;
              const x0 = F64[a], x1 = F64[a + 1], y0 = F64[b], y1 = F64[b + 1];
              F64[d] = x0 + y0;
              F64[d + 1] = x1 + y1;
              pc += 4;
              continue;
            }
            case 321 /* f64x2.mul */: {
              const d = (fp + code[pc + 1]) >> 1, a = (fp + code[pc + 2]) >> 1;
              const b = (fp + code[pc + 3]) >> 1;
              const x0 = F64[a], x1 = F64[a + 1], y0 = F64[b], y1 = F64[b + 1];
              F64[d] = x0 * y0;
              F64[d + 1] = x1 * y1;
              pc += 4;
              continue;
            }
            case 328 /* i8x16.shuffle_words */: {
              const d = fp + code[pc + 1], a = fp + code[pc + 2], b = fp + code[pc + 3];
              const k = code[pc + 4];
              const k0 = k & 7, k1 = (k >> 3) & 7, k2 = (k >> 6) & 7, k3 = k >> 9;
              const w0 = k0 < 4 ? I32[a + k0] : I32[b + k0 - 4];
              const w1 = k1 < 4 ? I32[a + k1] : I32[b + k1 - 4];
              const w2 = k2 < 4 ? I32[a + k2] : I32[b + k2 - 4];
              const w3 = k3 < 4 ? I32[a + k3] : I32[b + k3 - 4];
              I32[d] = w0;
              I32[d + 1] = w1;
              I32[d + 2] = w2;
              I32[d + 3] = w3;
              pc += 5;
              continue;
            }
            case 14 /* const32 */:
              I32[fp + code[pc + 1]] = code[pc + 2];
              pc += 3;
              continue;
            case 15 /* const64 */:
              I64[(fp + code[pc + 1]) >> 1] = P64[code[pc + 2]];
              pc += 3;
              continue;
            case 16 /* select */:
              I32[fp + code[pc + 1]] =
                I32[fp + (I32[fp + code[pc + 4]] !== 0 ? code[pc + 2] : code[pc + 3])];
              pc += 5;
              continue;
            case 20 /* select64 */:
              I64[(fp + code[pc + 1]) >> 1] =
                I64[(fp + (I32[fp + code[pc + 4]] !== 0 ? code[pc + 2] : code[pc + 3])) >> 1];
              pc += 5;
              continue;
            case 17 /* global.get */:
              I32[fp + code[pc + 1]] = G32[code[pc + 2]];
              pc += 3;
              continue;
            case 18 /* global.set */:
              G32[code[pc + 1]] = I32[fp + code[pc + 2]];
              pc += 3;
              continue;
            case 21 /* global.get64 */:
              I64[(fp + code[pc + 1]) >> 1] = G64[code[pc + 2] >> 1];
              pc += 3;
              continue;
            case 22 /* global.set64 */:
              G64[code[pc + 1] >> 1] = I64[(fp + code[pc + 2]) >> 1];
              pc += 3;
              continue;
            case 23 /* throw */:
            case 24 /* throw_ref */: {
              let exn: number;
              if (code[pc] === 23 /* throw */) {
                exn = allocExn(m, code[pc + 1], fp + code[pc + 2], code[pc + 3]);
              } else {
                exn = I32[fp + code[pc + 1]];
                checkExnRef(exn);
              }
              m.funcAddr = cf.addr;
              m.fp = fp;
              m.depth = depth;
              unwind(m, exn, pc);
              cf = compiled[m.funcAddr]!;
              pc = m.pc;
              fp = m.fp;
              continue outer;
            }
            case 25 /* ref.is_null */:
              I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] === 0 ? 1 : 0;
              pc += 3;
              continue;
            case 26 /* ref.eq */:
              I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] === I32[fp + code[pc + 3]] ? 1 : 0;
              pc += 4;
              continue;
            case 27 /* ref.as_non_null */:
              if (I32[fp + code[pc + 1]] === 0) trap("null reference");
              pc += 2;
              continue;
            case 28 /* br_on_null */:
              pc = I32[fp + code[pc + 1]] === 0 ? code[pc + 2] : pc + 3;
              break charge;
            case 29 /* br_on_non_null */:
              pc = I32[fp + code[pc + 1]] !== 0 ? code[pc + 2] : pc + 3;
              break charge;

            // Memory 0 (i32 addresses), offset folded.
            case 31 /* i32.load */:
            case 33 /* f32.load */: {
              const ea = (I32[fp + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0);
              if (ea + 4 > memLen) oobMemory();
              I32[fp + code[pc + 1]] = DV.getInt32(ea, true);
              pc += 4;
              continue;
            }
            case 32 /* i64.load */:
            case 34 /* f64.load */: {
              const ea = (I32[fp + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0);
              if (ea + 8 > memLen) oobMemory();
              I64[(fp + code[pc + 1]) >> 1] = DV.getBigInt64(ea, true);
              pc += 4;
              continue;
            }
            case 35 /* i32.load8_s */: {
              const ea = (I32[fp + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0);
              if (ea + 1 > memLen) oobMemory();
              I32[fp + code[pc + 1]] = (U8[ea] << 24) >> 24;
              pc += 4;
              continue;
            }
            case 36 /* i32.load8_u */: {
              const ea = (I32[fp + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0);
              if (ea + 1 > memLen) oobMemory();
              I32[fp + code[pc + 1]] = U8[ea];
              pc += 4;
              continue;
            }
            case 37 /* i32.load16_s */: {
              const ea = (I32[fp + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0);
              if (ea + 2 > memLen) oobMemory();
              I32[fp + code[pc + 1]] = DV.getInt16(ea, true);
              pc += 4;
              continue;
            }
            case 38 /* i32.load16_u */: {
              const ea = (I32[fp + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0);
              if (ea + 2 > memLen) oobMemory();
              I32[fp + code[pc + 1]] = DV.getUint16(ea, true);
              pc += 4;
              continue;
            }
            case 39 /* i64.load8_s */:
            case 40 /* i64.load8_u */:
            case 41 /* i64.load16_s */:
            case 42 /* i64.load16_u */:
            case 43 /* i64.load32_s */:
            case 44 /* i64.load32_u */: {
              const op = code[pc];
              const size = op <= 40 /* i64.load8_u */ ? 1 : op <= 42 /* i64.load16_u */ ? 2 : 4;
              const ea = (I32[fp + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0);
              if (ea + size > memLen) oobMemory();
              let v: number;
              if (op === 39 /* i64.load8_s */) v = (U8[ea] << 24) >> 24;
              else if (op === 40 /* i64.load8_u */) v = U8[ea];
              else if (op === 41 /* i64.load16_s */) v = DV.getInt16(ea, true);
              else if (op === 42 /* i64.load16_u */) v = DV.getUint16(ea, true);
              else if (op === 43 /* i64.load32_s */) v = DV.getInt32(ea, true);
              else v = DV.getUint32(ea, true);
              I64[(fp + code[pc + 1]) >> 1] = BigInt(v);
              pc += 4;
              continue;
            }
            case 45 /* i32.store */:
            case 47 /* f32.store */: {
              const ea = (I32[fp + code[pc + 1]] >>> 0) + (code[pc + 3] >>> 0);
              if (ea + 4 > memLen) oobMemory();
              DV.setInt32(ea, I32[fp + code[pc + 2]], true);
              pc += 4;
              continue;
            }
            case 46 /* i64.store */:
            case 48 /* f64.store */: {
              const ea = (I32[fp + code[pc + 1]] >>> 0) + (code[pc + 3] >>> 0);
              if (ea + 8 > memLen) oobMemory();
              DV.setBigInt64(ea, I64[(fp + code[pc + 2]) >> 1], true);
              pc += 4;
              continue;
            }
            case 49 /* i32.store8 */:
            case 51 /* i64.store8 */: {
              const ea = (I32[fp + code[pc + 1]] >>> 0) + (code[pc + 3] >>> 0);
              if (ea + 1 > memLen) oobMemory();
              U8[ea] = I32[fp + code[pc + 2]];
              pc += 4;
              continue;
            }
            case 50 /* i32.store16 */:
            case 52 /* i64.store16 */: {
              const ea = (I32[fp + code[pc + 1]] >>> 0) + (code[pc + 3] >>> 0);
              if (ea + 2 > memLen) oobMemory();
              DV.setInt16(ea, I32[fp + code[pc + 2]], true);
              pc += 4;
              continue;
            }
            case 53 /* i64.store32 */: {
              const ea = (I32[fp + code[pc + 1]] >>> 0) + (code[pc + 3] >>> 0);
              if (ea + 4 > memLen) oobMemory();
              DV.setInt32(ea, I32[fp + code[pc + 2]], true);
              pc += 4;
              continue;
            }
            case 54 /* mem.load */:
              memLoad(
                m,
                code[pc + 5],
                code[pc + 3],
                fp + code[pc + 2],
                BigInt.asUintN(64, P64[code[pc + 4]]),
                fp + code[pc + 1],
              );
              pc += 6;
              continue;
            case 55 /* mem.store */:
              memStore(
                m,
                code[pc + 5],
                code[pc + 3],
                fp + code[pc + 1],
                BigInt.asUintN(64, P64[code[pc + 4]]),
                fp + code[pc + 2],
              );
              pc += 6;
              continue;
            case 56 /* memory.size */:
              memorySize(m, code[pc + 2], fp + code[pc + 1]);
              pc += 3;
              continue;
            case 57 /* memory.grow */:
              memoryGrow(m, code[pc + 3], fp + code[pc + 1], fp + code[pc + 2]);
              pc += 4;
              m.depth = depth;
              continue outer;
            case 58 /* memory.fill */:
              memoryFill(m, code[pc + 4], fp + code[pc + 1], fp + code[pc + 2], fp + code[pc + 3]);
              pc += 5;
              continue;
            case 59 /* memory.copy */:
              memoryCopy(
                m,
                code[pc + 4],
                code[pc + 5],
                fp + code[pc + 1],
                fp + code[pc + 2],
                fp + code[pc + 3],
              );
              pc += 6;
              continue;
            case 60 /* memory.init */:
              memoryInit(
                m,
                cf.instance,
                code[pc + 4],
                code[pc + 5],
                fp + code[pc + 1],
                fp + code[pc + 2],
                fp + code[pc + 3],
              );
              pc += 6;
              continue;
            case 61 /* data.drop */:
              dataDrop(m, cf.instance, code[pc + 1]);
              pc += 2;
              continue;
            case 62 /* table.get */:
              tableGet(m, code[pc + 3], fp + code[pc + 1], fp + code[pc + 2]);
              pc += 4;
              continue;
            case 63 /* table.set */:
              tableSet(m, code[pc + 3], fp + code[pc + 1], fp + code[pc + 2]);
              pc += 4;
              continue;
            case 64 /* table.size */:
              tableSize(m, code[pc + 2], fp + code[pc + 1]);
              pc += 3;
              continue;
            case 65 /* table.grow */:
              tableGrow(m, code[pc + 4], fp + code[pc + 1], fp + code[pc + 2], fp + code[pc + 3]);
              pc += 5;
              continue;
            case 66 /* table.fill */:
              tableFill(m, code[pc + 4], fp + code[pc + 1], fp + code[pc + 2], fp + code[pc + 3]);
              pc += 5;
              continue;
            case 67 /* table.copy */:
              tableCopy(
                m,
                code[pc + 4],
                code[pc + 5],
                fp + code[pc + 1],
                fp + code[pc + 2],
                fp + code[pc + 3],
              );
              pc += 6;
              continue;
            case 68 /* table.init */:
              tableInit(
                m,
                cf.instance,
                code[pc + 4],
                code[pc + 5],
                fp + code[pc + 1],
                fp + code[pc + 2],
                fp + code[pc + 3],
              );
              pc += 6;
              continue;
            case 69 /* elem.drop */:
              elemDrop(m, cf.instance, code[pc + 1]);
              pc += 2;
              continue;

            // i32
            case 70 /* i32.eqz */:
              I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] === 0 ? 1 : 0;
              pc += 3;
              continue;
            case 71 /* i32.eq */:
              I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] === I32[fp + code[pc + 3]] ? 1 : 0;
              pc += 4;
              continue;
            case 72 /* i32.ne */:
              I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] !== I32[fp + code[pc + 3]] ? 1 : 0;
              pc += 4;
              continue;
            case 73 /* i32.lt_s */:
              I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] < I32[fp + code[pc + 3]] ? 1 : 0;
              pc += 4;
              continue;
            case 74 /* i32.lt_u */:
              I32[fp + code[pc + 1]] =
                (I32[fp + code[pc + 2]] >>> 0) < (I32[fp + code[pc + 3]] >>> 0) ? 1 : 0;
              pc += 4;
              continue;
            case 75 /* i32.gt_s */:
              I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] > I32[fp + code[pc + 3]] ? 1 : 0;
              pc += 4;
              continue;
            case 76 /* i32.gt_u */:
              I32[fp + code[pc + 1]] =
                (I32[fp + code[pc + 2]] >>> 0) > (I32[fp + code[pc + 3]] >>> 0) ? 1 : 0;
              pc += 4;
              continue;
            case 77 /* i32.le_s */:
              I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] <= I32[fp + code[pc + 3]] ? 1 : 0;
              pc += 4;
              continue;
            case 78 /* i32.le_u */:
              I32[fp + code[pc + 1]] =
                (I32[fp + code[pc + 2]] >>> 0) <= (I32[fp + code[pc + 3]] >>> 0) ? 1 : 0;
              pc += 4;
              continue;
            case 79 /* i32.ge_s */:
              I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] >= I32[fp + code[pc + 3]] ? 1 : 0;
              pc += 4;
              continue;
            case 80 /* i32.ge_u */:
              I32[fp + code[pc + 1]] =
                (I32[fp + code[pc + 2]] >>> 0) >= (I32[fp + code[pc + 3]] >>> 0) ? 1 : 0;
              pc += 4;
              continue;
            case 104 /* i32.clz */:
              I32[fp + code[pc + 1]] = Math.clz32(I32[fp + code[pc + 2]]);
              pc += 3;
              continue;
            case 105 /* i32.ctz */:
              I32[fp + code[pc + 1]] = N.i32Ctz(I32[fp + code[pc + 2]]);
              pc += 3;
              continue;
            case 106 /* i32.popcnt */:
              I32[fp + code[pc + 1]] = N.i32Popcnt(I32[fp + code[pc + 2]]);
              pc += 3;
              continue;
            case 107 /* i32.add */:
              I32[fp + code[pc + 1]] = (I32[fp + code[pc + 2]] + I32[fp + code[pc + 3]]) | 0;
              pc += 4;
              continue;
            case 108 /* i32.sub */:
              I32[fp + code[pc + 1]] = (I32[fp + code[pc + 2]] - I32[fp + code[pc + 3]]) | 0;
              pc += 4;
              continue;
            case 109 /* i32.mul */:
              I32[fp + code[pc + 1]] = Math.imul(I32[fp + code[pc + 2]], I32[fp + code[pc + 3]]);
              pc += 4;
              continue;
            case 110 /* i32.div_s */:
              I32[fp + code[pc + 1]] = N.i32DivS(I32[fp + code[pc + 2]], I32[fp + code[pc + 3]]);
              pc += 4;
              continue;
            case 111 /* i32.div_u */:
              I32[fp + code[pc + 1]] = N.i32DivU(I32[fp + code[pc + 2]], I32[fp + code[pc + 3]]);
              pc += 4;
              continue;
            case 112 /* i32.rem_s */:
              I32[fp + code[pc + 1]] = N.i32RemS(I32[fp + code[pc + 2]], I32[fp + code[pc + 3]]);
              pc += 4;
              continue;
            case 113 /* i32.rem_u */:
              I32[fp + code[pc + 1]] = N.i32RemU(I32[fp + code[pc + 2]], I32[fp + code[pc + 3]]);
              pc += 4;
              continue;
            case 114 /* i32.and */:
              I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] & I32[fp + code[pc + 3]];
              pc += 4;
              continue;
            case 115 /* i32.or */:
              I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] | I32[fp + code[pc + 3]];
              pc += 4;
              continue;
            case 116 /* i32.xor */:
              I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] ^ I32[fp + code[pc + 3]];
              pc += 4;
              continue;
            case 117 /* i32.shl */:
              I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] << I32[fp + code[pc + 3]];
              pc += 4;
              continue;
            case 118 /* i32.shr_s */:
              I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] >> I32[fp + code[pc + 3]];
              pc += 4;
              continue;
            case 119 /* i32.shr_u */:
              I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] >>> I32[fp + code[pc + 3]];
              pc += 4;
              continue;
            case 120 /* i32.rotl */:
              I32[fp + code[pc + 1]] = N.i32Rotl(I32[fp + code[pc + 2]], I32[fp + code[pc + 3]]);
              pc += 4;
              continue;
            case 121 /* i32.rotr */:
              I32[fp + code[pc + 1]] = N.i32Rotr(I32[fp + code[pc + 2]], I32[fp + code[pc + 3]]);
              pc += 4;
              continue;

            // i32 with a constant operand
            case 202 /* i32.add_imm */:
              I32[fp + code[pc + 1]] = (I32[fp + code[pc + 2]] + code[pc + 3]) | 0;
              pc += 4;
              continue;
            case 209 /* i32.mul_imm */:
              I32[fp + code[pc + 1]] = Math.imul(I32[fp + code[pc + 2]], code[pc + 3]);
              pc += 4;
              continue;
            case 210 /* i32.rotl_imm */: {
              const x = I32[fp + code[pc + 2]], k = code[pc + 3];
              I32[fp + code[pc + 1]] = (x << k) | (x >>> (32 - k));
              pc += 4;
              continue;
            }
            case 211 /* i32.rotr_imm */: {
              const x = I32[fp + code[pc + 2]], k = code[pc + 3];
              I32[fp + code[pc + 1]] = (x >>> k) | (x << (32 - k));
              pc += 4;
              continue;
            }
            case 203 /* i32.and_imm */:
              I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] & code[pc + 3];
              pc += 4;
              continue;
            case 204 /* i32.or_imm */:
              I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] | code[pc + 3];
              pc += 4;
              continue;
            case 205 /* i32.xor_imm */:
              I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] ^ code[pc + 3];
              pc += 4;
              continue;
            case 206 /* i32.shl_imm */:
              I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] << code[pc + 3];
              pc += 4;
              continue;
            case 207 /* i32.shr_s_imm */:
              I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] >> code[pc + 3];
              pc += 4;
              continue;
            case 208 /* i32.shr_u_imm */:
              I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] >>> code[pc + 3];
              pc += 4;
              continue;
            case 212 /* i32.eq_imm */:
              I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] === code[pc + 3] ? 1 : 0;
              pc += 4;
              continue;
            case 213 /* i32.ne_imm */:
              I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] !== code[pc + 3] ? 1 : 0;
              pc += 4;
              continue;
            case 214 /* i32.lt_s_imm */:
              I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] < code[pc + 3] ? 1 : 0;
              pc += 4;
              continue;
            case 215 /* i32.lt_u_imm */:
              I32[fp + code[pc + 1]] = (I32[fp + code[pc + 2]] >>> 0) < (code[pc + 3] >>> 0)
                ? 1
                : 0;
              pc += 4;
              continue;
            case 216 /* i32.gt_s_imm */:
              I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] > code[pc + 3] ? 1 : 0;
              pc += 4;
              continue;
            case 217 /* i32.gt_u_imm */:
              I32[fp + code[pc + 1]] = (I32[fp + code[pc + 2]] >>> 0) > (code[pc + 3] >>> 0)
                ? 1
                : 0;
              pc += 4;
              continue;
            case 218 /* i32.le_s_imm */:
              I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] <= code[pc + 3] ? 1 : 0;
              pc += 4;
              continue;
            case 219 /* i32.le_u_imm */:
              I32[fp + code[pc + 1]] = (I32[fp + code[pc + 2]] >>> 0) <= (code[pc + 3] >>> 0)
                ? 1
                : 0;
              pc += 4;
              continue;
            case 220 /* i32.ge_s_imm */:
              I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] >= code[pc + 3] ? 1 : 0;
              pc += 4;
              continue;
            case 221 /* i32.ge_u_imm */:
              I32[fp + code[pc + 1]] = (I32[fp + code[pc + 2]] >>> 0) >= (code[pc + 3] >>> 0)
                ? 1
                : 0;
              pc += 4;
              continue;

            // Compare and branch
            case 222 /* br_if.i32.eq */:
              pc = I32[fp + code[pc + 1]] === I32[fp + code[pc + 2]] ? code[pc + 3] : pc + 4;
              break charge;
            case 299 /* i32.add_imm2.br_if.i32.ne */:
              I32[fp + code[pc + 1]] = (I32[fp + code[pc + 2]] + code[pc + 3]) | 0;
              I32[fp + code[pc + 4]] = (I32[fp + code[pc + 5]] + code[pc + 6]) | 0;
              pc += 7;
            // falls through: the instruction after the prefix, in the same tick
            case 223 /* br_if.i32.ne */:
              pc = I32[fp + code[pc + 1]] !== I32[fp + code[pc + 2]] ? code[pc + 3] : pc + 4;
              break charge;
            case 224 /* br_if.i32.lt_s */:
              pc = I32[fp + code[pc + 1]] < I32[fp + code[pc + 2]] ? code[pc + 3] : pc + 4;
              break charge;
            case 225 /* br_if.i32.lt_u */:
              pc = (I32[fp + code[pc + 1]] >>> 0) < (I32[fp + code[pc + 2]] >>> 0)
                ? code[pc + 3]
                : pc + 4;
              break charge;
            case 226 /* br_if.i32.gt_s */:
              pc = I32[fp + code[pc + 1]] > I32[fp + code[pc + 2]] ? code[pc + 3] : pc + 4;
              break charge;
            case 227 /* br_if.i32.gt_u */:
              pc = (I32[fp + code[pc + 1]] >>> 0) > (I32[fp + code[pc + 2]] >>> 0)
                ? code[pc + 3]
                : pc + 4;
              break charge;
            case 228 /* br_if.i32.le_s */:
              pc = I32[fp + code[pc + 1]] <= I32[fp + code[pc + 2]] ? code[pc + 3] : pc + 4;
              break charge;
            case 229 /* br_if.i32.le_u */:
              pc = (I32[fp + code[pc + 1]] >>> 0) <= (I32[fp + code[pc + 2]] >>> 0)
                ? code[pc + 3]
                : pc + 4;
              break charge;
            case 230 /* br_if.i32.ge_s */:
              pc = I32[fp + code[pc + 1]] >= I32[fp + code[pc + 2]] ? code[pc + 3] : pc + 4;
              break charge;
            case 231 /* br_if.i32.ge_u */:
              pc = (I32[fp + code[pc + 1]] >>> 0) >= (I32[fp + code[pc + 2]] >>> 0)
                ? code[pc + 3]
                : pc + 4;
              break charge;
            case 232 /* br_if.i32.eq_imm */:
              pc = I32[fp + code[pc + 1]] === code[pc + 2] ? code[pc + 3] : pc + 4;
              break charge;
            case 233 /* br_if.i32.ne_imm */:
              pc = I32[fp + code[pc + 1]] !== code[pc + 2] ? code[pc + 3] : pc + 4;
              break charge;
            case 234 /* br_if.i32.lt_s_imm */:
              pc = I32[fp + code[pc + 1]] < code[pc + 2] ? code[pc + 3] : pc + 4;
              break charge;
            case 301 /* copy.br_if.i32.lt_u_imm */:
              I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]];
              pc += 3;
            // falls through: the branch after the prefix, in the same tick
            case 235 /* br_if.i32.lt_u_imm */:
              pc = (I32[fp + code[pc + 1]] >>> 0) < (code[pc + 2] >>> 0) ? code[pc + 3] : pc + 4;
              break charge;
            case 236 /* br_if.i32.gt_s_imm */:
              pc = I32[fp + code[pc + 1]] > code[pc + 2] ? code[pc + 3] : pc + 4;
              break charge;
            case 237 /* br_if.i32.gt_u_imm */:
              pc = (I32[fp + code[pc + 1]] >>> 0) > (code[pc + 2] >>> 0) ? code[pc + 3] : pc + 4;
              break charge;
            case 238 /* br_if.i32.le_s_imm */:
              pc = I32[fp + code[pc + 1]] <= code[pc + 2] ? code[pc + 3] : pc + 4;
              break charge;
            case 239 /* br_if.i32.le_u_imm */:
              pc = (I32[fp + code[pc + 1]] >>> 0) <= (code[pc + 2] >>> 0) ? code[pc + 3] : pc + 4;
              break charge;
            case 240 /* br_if.i32.ge_s_imm */:
              pc = I32[fp + code[pc + 1]] >= code[pc + 2] ? code[pc + 3] : pc + 4;
              break charge;
            case 241 /* br_if.i32.ge_u_imm */:
              pc = (I32[fp + code[pc + 1]] >>> 0) >= (code[pc + 2] >>> 0) ? code[pc + 3] : pc + 4;
              break charge;
            case 249 /* br_if.i32.and_imm */:
              pc = (I32[fp + code[pc + 1]] & code[pc + 2]) !== 0 ? code[pc + 3] : pc + 4;
              break charge;
            case 250 /* i32.store_imm */: {
              const ea = (I32[fp + code[pc + 1]] >>> 0) + (code[pc + 3] >>> 0);
              if (ea + 4 > memLen) oobMemory();
              DV.setInt32(ea, code[pc + 2], true);
              pc += 4;
              continue;
            }
            case 251 /* i32.store8_imm */: {
              const ea = (I32[fp + code[pc + 1]] >>> 0) + (code[pc + 3] >>> 0);
              if (ea + 1 > memLen) oobMemory();
              U8[ea] = code[pc + 2];
              pc += 4;
              continue;
            }
            case 252 /* i32.store16_imm */: {
              const ea = (I32[fp + code[pc + 1]] >>> 0) + (code[pc + 3] >>> 0);
              if (ea + 2 > memLen) oobMemory();
              DV.setInt16(ea, code[pc + 2], true);
              pc += 4;
              continue;
            }
            case 253 /* f64.add_load */:
            case 254 /* f64.sub_load */:
            case 255 /* f64.mul_load */: {
              const ea = (I32[fp + code[pc + 3]] >>> 0) + (code[pc + 4] >>> 0);
              if (ea + 8 > memLen) oobMemory();
              const x = F64[(fp + code[pc + 2]) >> 1], y = DV.getFloat64(ea, true);
              const op = code[pc];
              const r = op === 253 /* f64.add_load */
                ? x + y
                : op === 254 /* f64.sub_load */
                ? x - y
                : x * y;
              // A NaN's bits from the operands' (read before the result may overwrite one).
              if (r !== r) {
                U64[(fp + code[pc + 1]) >> 1] = N.nan64(
                  U64[(fp + code[pc + 2]) >> 1],
                  DV.getBigUint64(ea, true),
                );
              } else F64[(fp + code[pc + 1]) >> 1] = r;
              pc += 5;
              continue;
            }
            case 256 /* i32.add_load */: {
              const ea = (I32[fp + code[pc + 3]] >>> 0) + (code[pc + 4] >>> 0);
              if (ea + 4 > memLen) oobMemory();
              I32[fp + code[pc + 1]] = (I32[fp + code[pc + 2]] + DV.getInt32(ea, true)) | 0;
              pc += 5;
              continue;
            }
            case 257 /* i32.load_add */: {
              const ea = ((I32[fp + code[pc + 2]] + code[pc + 3]) >>> 0) + (code[pc + 4] >>> 0);
              if (ea + 4 > memLen) oobMemory();
              I32[fp + code[pc + 1]] = DV.getInt32(ea, true);
              pc += 5;
              continue;
            }
            case 258 /* i32.load8_u_add */: {
              const ea = ((I32[fp + code[pc + 2]] + code[pc + 3]) >>> 0) + (code[pc + 4] >>> 0);
              if (ea + 1 > memLen) oobMemory();
              I32[fp + code[pc + 1]] = U8[ea];
              pc += 5;
              continue;
            }
            case 259 /* mem.copy8 */:
            case 260 /* mem.copy32 */:
            case 261 /* mem.copy64 */: {
              const op = code[pc];
              const size = op === 259 /* mem.copy8 */ ? 1 : op === 260 /* mem.copy32 */ ? 4 : 8;
              const src = (I32[fp + code[pc + 2]] >>> 0) + (code[pc + 4] >>> 0);
              if (src + size > memLen) oobMemory();
              const dst = (I32[fp + code[pc + 1]] >>> 0) + (code[pc + 3] >>> 0);
              if (dst + size > memLen) oobMemory();
              if (size === 1) U8[dst] = U8[src];
              else if (size === 4) DV.setInt32(dst, DV.getInt32(src, true), true);
              else DV.setBigInt64(dst, DV.getBigInt64(src, true), true);
              pc += 5;
              continue;
            }
            case 296 /* mem.copy8.x4 */:
            case 297 /* mem.copy32.x4 */: {
              const w = code[pc] === 296 /* mem.copy8.x4 */ ? 1 : 4;
              const src = I32[fp + code[pc + 2]] >>> 0, dst = I32[fp + code[pc + 1]] >>> 0;
              if (src + 4 * w <= memLen && dst + 4 * w <= memLen) {
                // In order: the same bytes as the four copies, also when the ranges overlap.
                if (w === 1) {
                  U8[dst] = U8[src];
                  U8[dst + 1] = U8[src + 1];
                  U8[dst + 2] = U8[src + 2];
                  U8[dst + 3] = U8[src + 3];
                } else {
                  DV.setInt32(dst, DV.getInt32(src, true), true);
                  DV.setInt32(dst + 4, DV.getInt32(src + 4, true), true);
                  DV.setInt32(dst + 8, DV.getInt32(src + 8, true), true);
                  DV.setInt32(dst + 12, DV.getInt32(src + 12, true), true);
                }
                pc += 26;
                continue;
              }
              // Near the end of memory: the first copy only (the next ones run as themselves).
              if (src + w > memLen || dst + w > memLen) oobMemory();
              if (w === 1) U8[dst] = U8[src];
              else DV.setInt32(dst, DV.getInt32(src, true), true);
              pc += 5;
              continue;
            }
            case 295 /* i32.add.add */:
              I32[fp + code[pc + 1]] = (I32[fp + code[pc + 2]] + I32[fp + code[pc + 3]]) | 0;
              I32[fp + code[pc + 5]] = (I32[fp + code[pc + 6]] + I32[fp + code[pc + 7]]) | 0;
              pc += 8;
              continue;
            case 262 /* i32.add_imm2 */:
              I32[fp + code[pc + 1]] = (I32[fp + code[pc + 2]] + code[pc + 3]) | 0;
              I32[fp + code[pc + 4]] = (I32[fp + code[pc + 5]] + code[pc + 6]) | 0;
              pc += 7;
              continue;
            case 263 /* mem.copy8_add */: {
              const src = ((I32[fp + code[pc + 2]] + code[pc + 3]) >>> 0) + (code[pc + 5] >>> 0);
              if (src + 1 > memLen) oobMemory();
              const dst = (I32[fp + code[pc + 1]] >>> 0) + (code[pc + 4] >>> 0);
              if (dst + 1 > memLen) oobMemory();
              U8[dst] = U8[src];
              pc += 6;
              continue;
            }
            case 264 /* i32.xor_shr_u_imm */:
              I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] ^
                (I32[fp + code[pc + 3]] >>> code[pc + 4]);
              pc += 5;
              continue;
            case 265 /* f64.add_store */: {
              const ea = (I32[fp + code[pc + 1]] >>> 0) + (code[pc + 3] >>> 0);
              if (ea + 8 > memLen) oobMemory();
              const r = F64[(fp + code[pc + 2]) >> 1] + DV.getFloat64(ea, true);
              // A NaN's bits from the operands' (the slot's value is the first one).
              if (r !== r) {
                DV.setBigUint64(
                  ea,
                  N.nan64(U64[(fp + code[pc + 2]) >> 1], DV.getBigUint64(ea, true)),
                  true,
                );
              } else DV.setFloat64(ea, r, true);
              pc += 4;
              continue;
            }
            case 266 /* copy2 */:
              I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]];
              I32[fp + code[pc + 3]] = I32[fp + code[pc + 4]];
              pc += 5;
              continue;
            case 298 /* i32.add_imm2.i32.add_imm.br_if.i32.ne */:
              I32[fp + code[pc + 1]] = (I32[fp + code[pc + 2]] + code[pc + 3]) | 0;
              I32[fp + code[pc + 4]] = (I32[fp + code[pc + 5]] + code[pc + 6]) | 0;
              pc += 7;
            // falls through: the instruction after the prefix, in the same tick
            case 267 /* i32.add_imm.br_if.i32.ne */:
              I32[fp + code[pc + 1]] = (I32[fp + code[pc + 2]] + code[pc + 3]) | 0;
              pc = I32[fp + code[pc + 4]] !== I32[fp + code[pc + 5]] ? code[pc + 6] : pc + 7;
              break charge;
            case 268 /* i32.add_imm.br_if.i32.lt_s */:
              I32[fp + code[pc + 1]] = (I32[fp + code[pc + 2]] + code[pc + 3]) | 0;
              pc = I32[fp + code[pc + 4]] < I32[fp + code[pc + 5]] ? code[pc + 6] : pc + 7;
              break charge;
            case 269 /* i32.add_imm.br_if.i32.lt_u */:
              I32[fp + code[pc + 1]] = (I32[fp + code[pc + 2]] + code[pc + 3]) | 0;
              pc = (I32[fp + code[pc + 4]] >>> 0) < (I32[fp + code[pc + 5]] >>> 0)
                ? code[pc + 6]
                : pc + 7;
              break charge;
            case 270 /* i32.add_imm.br_if.i32.ne_imm */:
              I32[fp + code[pc + 1]] = (I32[fp + code[pc + 2]] + code[pc + 3]) | 0;
              pc = I32[fp + code[pc + 4]] !== code[pc + 5] ? code[pc + 6] : pc + 7;
              break charge;
            case 271 /* i32.add.br_if.i32.ne */:
              I32[fp + code[pc + 1]] = (I32[fp + code[pc + 2]] + I32[fp + code[pc + 3]]) | 0;
              pc = I32[fp + code[pc + 4]] !== I32[fp + code[pc + 5]] ? code[pc + 6] : pc + 7;
              break charge;
            case 273 /* i32.load_idx */: {
              const ea = ((I32[fp + code[pc + 2]] + I32[fp + code[pc + 3]]) >>> 0) +
                (code[pc + 4] >>> 0);
              if (ea + 4 > memLen) oobMemory();
              I32[fp + code[pc + 1]] = DV.getInt32(ea, true);
              pc += 5;
              continue;
            }
            case 274 /* i32.load8_u_idx */: {
              const ea = ((I32[fp + code[pc + 2]] + I32[fp + code[pc + 3]]) >>> 0) +
                (code[pc + 4] >>> 0);
              if (ea + 1 > memLen) oobMemory();
              I32[fp + code[pc + 1]] = U8[ea];
              pc += 5;
              continue;
            }
            case 275 /* i32.store8_imm_idx */: {
              const ea = ((I32[fp + code[pc + 1]] + I32[fp + code[pc + 2]]) >>> 0) +
                (code[pc + 4] >>> 0);
              if (ea + 1 > memLen) oobMemory();
              U8[ea] = code[pc + 3];
              pc += 5;
              continue;
            }
            case 276 /* mem.copy8_add2 */:
            case 277 /* mem.copy32_add2 */:
            case 278 /* mem.copy64_add2 */: {
              const op = code[pc];
              const size = op === 276 /* mem.copy8_add2 */
                ? 1
                : op === 277 /* mem.copy32_add2 */
                ? 4
                : 8;
              const src = ((I32[fp + code[pc + 3]] + code[pc + 4]) >>> 0) + (code[pc + 6] >>> 0);
              if (src + size > memLen) oobMemory();
              const dst = ((I32[fp + code[pc + 1]] + code[pc + 2]) >>> 0) + (code[pc + 5] >>> 0);
              if (dst + size > memLen) oobMemory();
              if (size === 1) U8[dst] = U8[src];
              else if (size === 4) DV.setInt32(dst, DV.getInt32(src, true), true);
              else DV.setBigInt64(dst, DV.getBigInt64(src, true), true);
              pc += 7;
              continue;
            }
            case 279 /* i64.mul_add_imm */:
              I64[(fp + code[pc + 1]) >> 1] = I64[(fp + code[pc + 2]) >> 1] *
                  P64[code[pc + 3]] + P64[code[pc + 4]];
              pc += 5;
              continue;
            case 280 /* i64.xor_shr_s_imm */: {
              const a = fp + code[pc + 3], k = code[pc + 4];
              const lo = I32[a], hi = I32[a + 1];
              let rl: number, rh: number;
              if (k < 32) {
                rl = (lo >>> k) | (hi << (32 - k));
                rh = hi >> k;
              } else {
                rl = hi >> (k - 32);
                rh = hi >> 31;
              }
              I64[(fp + code[pc + 1]) >> 1] = I64[(fp + code[pc + 2]) >> 1] ^
                ((BigInt(rh) << 32n) | BigInt(rl >>> 0));
              pc += 5;
              continue;
            }
            case 281 /* i32.shr_u_and_imm */:
              I32[fp + code[pc + 1]] = (I32[fp + code[pc + 2]] >>> code[pc + 3]) & code[pc + 4];
              pc += 5;
              continue;
            case 282 /* copy3 */:
              I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]];
              I32[fp + code[pc + 3]] = I32[fp + code[pc + 4]];
              I32[fp + code[pc + 5]] = I32[fp + code[pc + 6]];
              pc += 7;
              continue;
            case 286 /* i32.load_shl_add */: {
              const ea = (((I32[fp + code[pc + 2]] << code[pc + 3]) + code[pc + 4]) >>> 0) +
                (code[pc + 5] >>> 0);
              if (ea + 4 > memLen) oobMemory();
              I32[fp + code[pc + 1]] = DV.getInt32(ea, true);
              pc += 6;
              continue;
            }
            case 272 /* i32.add.br_if.i32.lt_u */:
              I32[fp + code[pc + 1]] = (I32[fp + code[pc + 2]] + I32[fp + code[pc + 3]]) | 0;
              pc = (I32[fp + code[pc + 4]] >>> 0) < (I32[fp + code[pc + 5]] >>> 0)
                ? code[pc + 6]
                : pc + 7;
              break charge;

            // i64 (compares on words, arithmetic on BigInt64Array elements)
            case 81 /* i64.eqz */:
              I32[fp + code[pc + 1]] = I64[(fp + code[pc + 2]) >> 1] === 0n ? 1 : 0;
              pc += 3;
              continue;
            case 82 /* i64.eq */:
              I32[fp + code[pc + 1]] =
                I64[(fp + code[pc + 2]) >> 1] === I64[(fp + code[pc + 3]) >> 1] ? 1 : 0;
              pc += 4;
              continue;
            case 83 /* i64.ne */:
              I32[fp + code[pc + 1]] =
                I64[(fp + code[pc + 2]) >> 1] !== I64[(fp + code[pc + 3]) >> 1] ? 1 : 0;
              pc += 4;
              continue;
            case 84 /* i64.lt_s */:
              I32[fp + code[pc + 1]] = I64[(fp + code[pc + 2]) >> 1] < I64[(fp + code[pc + 3]) >> 1]
                ? 1
                : 0;
              pc += 4;
              continue;
            case 85 /* i64.lt_u */:
              I32[fp + code[pc + 1]] = U64[(fp + code[pc + 2]) >> 1] < U64[(fp + code[pc + 3]) >> 1]
                ? 1
                : 0;
              pc += 4;
              continue;
            case 86 /* i64.gt_s */:
              I32[fp + code[pc + 1]] = I64[(fp + code[pc + 2]) >> 1] > I64[(fp + code[pc + 3]) >> 1]
                ? 1
                : 0;
              pc += 4;
              continue;
            case 87 /* i64.gt_u */:
              I32[fp + code[pc + 1]] = U64[(fp + code[pc + 2]) >> 1] > U64[(fp + code[pc + 3]) >> 1]
                ? 1
                : 0;
              pc += 4;
              continue;
            case 88 /* i64.le_s */:
              I32[fp + code[pc + 1]] =
                I64[(fp + code[pc + 2]) >> 1] <= I64[(fp + code[pc + 3]) >> 1] ? 1 : 0;
              pc += 4;
              continue;
            case 89 /* i64.le_u */:
              I32[fp + code[pc + 1]] =
                U64[(fp + code[pc + 2]) >> 1] <= U64[(fp + code[pc + 3]) >> 1] ? 1 : 0;
              pc += 4;
              continue;
            case 90 /* i64.ge_s */:
              I32[fp + code[pc + 1]] =
                I64[(fp + code[pc + 2]) >> 1] >= I64[(fp + code[pc + 3]) >> 1] ? 1 : 0;
              pc += 4;
              continue;
            case 91 /* i64.ge_u */:
              I32[fp + code[pc + 1]] =
                U64[(fp + code[pc + 2]) >> 1] >= U64[(fp + code[pc + 3]) >> 1] ? 1 : 0;
              pc += 4;
              continue;
            case 122 /* i64.clz */:
            case 123 /* i64.ctz */:
            case 124 /* i64.popcnt */: {
              const a = fp + code[pc + 2];
              const op = code[pc];
              I64[(fp + code[pc + 1]) >> 1] = BigInt(
                op === 122 /* i64.clz */
                  ? N.i64ClzWords(I32[a], I32[a + 1])
                  : op === 123 /* i64.ctz */
                  ? N.i64CtzWords(I32[a], I32[a + 1])
                  : N.i64PopcntWords(I32[a], I32[a + 1]),
              );
              pc += 3;
              continue;
            }
            case 125 /* i64.add */:
              I64[(fp + code[pc + 1]) >> 1] = I64[(fp + code[pc + 2]) >> 1] +
                I64[(fp + code[pc + 3]) >> 1];
              pc += 4;
              continue;
            case 242 /* i64.add_imm */:
              I64[(fp + code[pc + 1]) >> 1] = I64[(fp + code[pc + 2]) >> 1] + P64[code[pc + 3]];
              pc += 4;
              continue;
            case 243 /* i64.mul_imm */:
              I64[(fp + code[pc + 1]) >> 1] = I64[(fp + code[pc + 2]) >> 1] * P64[code[pc + 3]];
              pc += 4;
              continue;
            case 244 /* i64.and_imm */:
              I64[(fp + code[pc + 1]) >> 1] = I64[(fp + code[pc + 2]) >> 1] & P64[code[pc + 3]];
              pc += 4;
              continue;
            case 245 /* i64.xor_imm */:
              I64[(fp + code[pc + 1]) >> 1] = I64[(fp + code[pc + 2]) >> 1] ^ P64[code[pc + 3]];
              pc += 4;
              continue;
            case 126 /* i64.sub */:
              I64[(fp + code[pc + 1]) >> 1] = I64[(fp + code[pc + 2]) >> 1] -
                I64[(fp + code[pc + 3]) >> 1];
              pc += 4;
              continue;
            case 127 /* i64.mul */:
              I64[(fp + code[pc + 1]) >> 1] = I64[(fp + code[pc + 2]) >> 1] *
                I64[(fp + code[pc + 3]) >> 1];
              pc += 4;
              continue;
            case 132 /* i64.and */:
              I64[(fp + code[pc + 1]) >> 1] = I64[(fp + code[pc + 2]) >> 1] &
                I64[(fp + code[pc + 3]) >> 1];
              pc += 4;
              continue;
            case 133 /* i64.or */:
              I64[(fp + code[pc + 1]) >> 1] = I64[(fp + code[pc + 2]) >> 1] |
                I64[(fp + code[pc + 3]) >> 1];
              pc += 4;
              continue;
            case 134 /* i64.xor */:
              I64[(fp + code[pc + 1]) >> 1] = I64[(fp + code[pc + 2]) >> 1] ^
                I64[(fp + code[pc + 3]) >> 1];
              pc += 4;
              continue;
            case 246 /* i64.shl_imm */:
              I64[(fp + code[pc + 1]) >> 1] = I64[(fp + code[pc + 2]) >> 1] * P64[code[pc + 3]];
              pc += 4;
              continue;
            case 137 /* i64.shr_u */:
            case 248 /* i64.shr_u_imm */: {
              // On 32-bit words (BigInt shifts by a variable count are slow in V8).
              const a = fp + code[pc + 2];
              const k = code[pc] === 248 /* i64.shr_u_imm */
                ? code[pc + 3]
                : I32[fp + code[pc + 3]] & 63;
              const lo = I32[a], hi = I32[a + 1];
              let rl = lo, rh = hi;
              if (k >= 32) {
                rl = hi >>> (k - 32);
                rh = 0;
              } else if (k !== 0) {
                rl = (lo >>> k) | (hi << (32 - k));
                rh = hi >>> k;
              }
              I64[(fp + code[pc + 1]) >> 1] = (BigInt(rh | 0) << 32n) | BigInt(rl >>> 0);
              pc += 4;
              continue;
            }
            case 135 /* i64.shl */:
            case 136 /* i64.shr_s */:
            case 247 /* i64.shr_s_imm */: {
              // On 32-bit words, as above.
              const op = code[pc];
              const a = fp + code[pc + 2];
              const k = op === 135 /* i64.shl */ || op === 136 /* i64.shr_s */
                ? I32[fp + code[pc + 3]] & 63
                : code[pc + 3];
              const lo = I32[a], hi = I32[a + 1];
              let rl = lo, rh = hi;
              if (k !== 0) {
                if (op === 135 /* i64.shl */) {
                  if (k < 32) {
                    rh = (hi << k) | (lo >>> (32 - k));
                    rl = lo << k;
                  } else {
                    rh = lo << (k - 32);
                    rl = 0;
                  }
                } else if (op === 136 /* i64.shr_s */ || op === 247 /* i64.shr_s_imm */) {
                  if (k < 32) {
                    rl = (lo >>> k) | (hi << (32 - k));
                    rh = hi >> k;
                  } else {
                    rl = hi >> (k - 32);
                    rh = hi >> 31;
                  }
                } else if (k < 32) {
                  rl = (lo << k) | (hi >>> (32 - k));
                  rh = (hi << k) | (lo >>> (32 - k));
                } else if (k === 32) {
                  rl = hi;
                  rh = lo;
                } else {
                  rl = (hi << (k - 32)) | (lo >>> (64 - k));
                  rh = (lo << (k - 32)) | (hi >>> (64 - k));
                }
              }
              I64[(fp + code[pc + 1]) >> 1] = (BigInt(rh | 0) << 32n) | BigInt(rl >>> 0);
              pc += 4;
              continue;
            }
            case 128 /* i64.div_s */:
            case 129 /* i64.div_u */:
            case 130 /* i64.rem_s */:
            case 131 /* i64.rem_u */:
            case 138 /* i64.rotl */:
            case 139 /* i64.rotr */:
              I64[(fp + code[pc + 1]) >> 1] = i64Binary(
                code[pc],
                I64[(fp + code[pc + 2]) >> 1],
                I64[(fp + code[pc + 3]) >> 1],
              );
              pc += 4;
              continue;

            // f32 (arithmetic on Float32Array elements, sign operators on bits)
            case 92 /* f32.eq */:
              I32[fp + code[pc + 1]] = F32[fp + code[pc + 2]] === F32[fp + code[pc + 3]] ? 1 : 0;
              pc += 4;
              continue;
            case 93 /* f32.ne */:
              I32[fp + code[pc + 1]] = F32[fp + code[pc + 2]] !== F32[fp + code[pc + 3]] ? 1 : 0;
              pc += 4;
              continue;
            case 94 /* f32.lt */:
              I32[fp + code[pc + 1]] = F32[fp + code[pc + 2]] < F32[fp + code[pc + 3]] ? 1 : 0;
              pc += 4;
              continue;
            case 95 /* f32.gt */:
              I32[fp + code[pc + 1]] = F32[fp + code[pc + 2]] > F32[fp + code[pc + 3]] ? 1 : 0;
              pc += 4;
              continue;
            case 96 /* f32.le */:
              I32[fp + code[pc + 1]] = F32[fp + code[pc + 2]] <= F32[fp + code[pc + 3]] ? 1 : 0;
              pc += 4;
              continue;
            case 97 /* f32.ge */:
              I32[fp + code[pc + 1]] = F32[fp + code[pc + 2]] >= F32[fp + code[pc + 3]] ? 1 : 0;
              pc += 4;
              continue;
            case 147 /* f32.add */: {
              const r = F32[fp + code[pc + 2]] + F32[fp + code[pc + 3]];
              // A NaN's bits from the operands' (read before the result may overwrite one).
              if (r !== r) {
                I32[fp + code[pc + 1]] = N.nan32(I32[fp + code[pc + 2]], I32[fp + code[pc + 3]]);
              } else F32[fp + code[pc + 1]] = r;
              pc += 4;
              continue;
            }
            case 148 /* f32.sub */: {
              const r = F32[fp + code[pc + 2]] - F32[fp + code[pc + 3]];
              // A NaN's bits from the operands' (read before the result may overwrite one).
              if (r !== r) {
                I32[fp + code[pc + 1]] = N.nan32(I32[fp + code[pc + 2]], I32[fp + code[pc + 3]]);
              } else F32[fp + code[pc + 1]] = r;
              pc += 4;
              continue;
            }
            case 149 /* f32.mul */: {
              const r = F32[fp + code[pc + 2]] * F32[fp + code[pc + 3]];
              // A NaN's bits from the operands' (read before the result may overwrite one).
              if (r !== r) {
                I32[fp + code[pc + 1]] = N.nan32(I32[fp + code[pc + 2]], I32[fp + code[pc + 3]]);
              } else F32[fp + code[pc + 1]] = r;
              pc += 4;
              continue;
            }
            case 150 /* f32.div */: {
              const r = F32[fp + code[pc + 2]] / F32[fp + code[pc + 3]];
              // A NaN's bits from the operands' (read before the result may overwrite one).
              if (r !== r) {
                I32[fp + code[pc + 1]] = N.nan32(I32[fp + code[pc + 2]], I32[fp + code[pc + 3]]);
              } else F32[fp + code[pc + 1]] = r;
              pc += 4;
              continue;
            }
            case 151 /* f32.min */: {
              const r = N.fMin(F32[fp + code[pc + 2]], F32[fp + code[pc + 3]]);
              // x86's default NaN, as V8's compiled wasm gives it.
              if (r !== r) I32[fp + code[pc + 1]] = 0xffc00000 | 0;
              else F32[fp + code[pc + 1]] = r;
              pc += 4;
              continue;
            }
            case 152 /* f32.max */: {
              const r = N.fMax(F32[fp + code[pc + 2]], F32[fp + code[pc + 3]]);
              // x86's default NaN, as V8's compiled wasm gives it.
              if (r !== r) I32[fp + code[pc + 1]] = 0xffc00000 | 0;
              else F32[fp + code[pc + 1]] = r;
              pc += 4;
              continue;
            }
            case 153 /* f32.copysign */:
              I32[fp + code[pc + 1]] = (I32[fp + code[pc + 2]] & 0x7fffffff) |
                (I32[fp + code[pc + 3]] & -0x80000000);
              pc += 4;
              continue;
            case 140 /* f32.abs */:
              I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] & 0x7fffffff;
              pc += 3;
              continue;
            case 141 /* f32.neg */:
              I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] ^ -0x80000000;
              pc += 3;
              continue;
            case 142 /* f32.ceil */: {
              const r = N.fCeil(F32[fp + code[pc + 2]]);
              if (r !== r) I32[fp + code[pc + 1]] = N.unaryNan32(I32[fp + code[pc + 2]]);
              else F32[fp + code[pc + 1]] = r;
              pc += 3;
              continue;
            }
            case 143 /* f32.floor */: {
              const r = N.fFloor(F32[fp + code[pc + 2]]);
              if (r !== r) I32[fp + code[pc + 1]] = N.unaryNan32(I32[fp + code[pc + 2]]);
              else F32[fp + code[pc + 1]] = r;
              pc += 3;
              continue;
            }
            case 144 /* f32.trunc */: {
              const r = N.fTrunc(F32[fp + code[pc + 2]]);
              if (r !== r) I32[fp + code[pc + 1]] = N.unaryNan32(I32[fp + code[pc + 2]]);
              else F32[fp + code[pc + 1]] = r;
              pc += 3;
              continue;
            }
            case 145 /* f32.nearest */: {
              const r = N.fNearest(F32[fp + code[pc + 2]]);
              if (r !== r) I32[fp + code[pc + 1]] = N.unaryNan32(I32[fp + code[pc + 2]]);
              else F32[fp + code[pc + 1]] = r;
              pc += 3;
              continue;
            }
            case 146 /* f32.sqrt */: {
              const r = N.f64Sqrt(F32[fp + code[pc + 2]]);
              if (r !== r) I32[fp + code[pc + 1]] = N.unaryNan32(I32[fp + code[pc + 2]]);
              else F32[fp + code[pc + 1]] = r;
              pc += 3;
              continue;
            }

            // f64
            case 98 /* f64.eq */:
              I32[fp + code[pc + 1]] =
                F64[(fp + code[pc + 2]) >> 1] === F64[(fp + code[pc + 3]) >> 1] ? 1 : 0;
              pc += 4;
              continue;
            case 99 /* f64.ne */:
              I32[fp + code[pc + 1]] =
                F64[(fp + code[pc + 2]) >> 1] !== F64[(fp + code[pc + 3]) >> 1] ? 1 : 0;
              pc += 4;
              continue;
            case 100 /* f64.lt */:
              I32[fp + code[pc + 1]] = F64[(fp + code[pc + 2]) >> 1] < F64[(fp + code[pc + 3]) >> 1]
                ? 1
                : 0;
              pc += 4;
              continue;
            case 101 /* f64.gt */:
              I32[fp + code[pc + 1]] = F64[(fp + code[pc + 2]) >> 1] > F64[(fp + code[pc + 3]) >> 1]
                ? 1
                : 0;
              pc += 4;
              continue;
            case 102 /* f64.le */:
              I32[fp + code[pc + 1]] =
                F64[(fp + code[pc + 2]) >> 1] <= F64[(fp + code[pc + 3]) >> 1] ? 1 : 0;
              pc += 4;
              continue;
            case 103 /* f64.ge */:
              I32[fp + code[pc + 1]] =
                F64[(fp + code[pc + 2]) >> 1] >= F64[(fp + code[pc + 3]) >> 1] ? 1 : 0;
              pc += 4;
              continue;
            case 161 /* f64.add */: {
              const r = F64[(fp + code[pc + 2]) >> 1] + F64[(fp + code[pc + 3]) >> 1];
              // A NaN's bits from the operands' (read before the result may overwrite one).
              if (r !== r) {
                U64[(fp + code[pc + 1]) >> 1] = N.nan64(
                  U64[(fp + code[pc + 2]) >> 1],
                  U64[(fp + code[pc + 3]) >> 1],
                );
              } else F64[(fp + code[pc + 1]) >> 1] = r;
              pc += 4;
              continue;
            }
            case 162 /* f64.sub */: {
              const r = F64[(fp + code[pc + 2]) >> 1] - F64[(fp + code[pc + 3]) >> 1];
              // A NaN's bits from the operands' (read before the result may overwrite one).
              if (r !== r) {
                U64[(fp + code[pc + 1]) >> 1] = N.nan64(
                  U64[(fp + code[pc + 2]) >> 1],
                  U64[(fp + code[pc + 3]) >> 1],
                );
              } else F64[(fp + code[pc + 1]) >> 1] = r;
              pc += 4;
              continue;
            }
            case 163 /* f64.mul */: {
              const r = F64[(fp + code[pc + 2]) >> 1] * F64[(fp + code[pc + 3]) >> 1];
              // A NaN's bits from the operands' (read before the result may overwrite one).
              if (r !== r) {
                U64[(fp + code[pc + 1]) >> 1] = N.nan64(
                  U64[(fp + code[pc + 2]) >> 1],
                  U64[(fp + code[pc + 3]) >> 1],
                );
              } else F64[(fp + code[pc + 1]) >> 1] = r;
              pc += 4;
              continue;
            }
            case 164 /* f64.div */: {
              const r = F64[(fp + code[pc + 2]) >> 1] / F64[(fp + code[pc + 3]) >> 1];
              // A NaN's bits from the operands' (read before the result may overwrite one).
              if (r !== r) {
                U64[(fp + code[pc + 1]) >> 1] = N.nan64(
                  U64[(fp + code[pc + 2]) >> 1],
                  U64[(fp + code[pc + 3]) >> 1],
                );
              } else F64[(fp + code[pc + 1]) >> 1] = r;
              pc += 4;
              continue;
            }
            case 165 /* f64.min */: {
              const r = N.fMin(F64[(fp + code[pc + 2]) >> 1], F64[(fp + code[pc + 3]) >> 1]);
              // x86's default NaN, as V8's compiled wasm gives it.
              if (r !== r) U64[(fp + code[pc + 1]) >> 1] = N.DEFAULT_NAN64;
              else F64[(fp + code[pc + 1]) >> 1] = r;
              pc += 4;
              continue;
            }
            case 166 /* f64.max */: {
              const r = N.fMax(F64[(fp + code[pc + 2]) >> 1], F64[(fp + code[pc + 3]) >> 1]);
              // x86's default NaN, as V8's compiled wasm gives it.
              if (r !== r) U64[(fp + code[pc + 1]) >> 1] = N.DEFAULT_NAN64;
              else F64[(fp + code[pc + 1]) >> 1] = r;
              pc += 4;
              continue;
            }
            case 167 /* f64.copysign */:
              I64[(fp + code[pc + 1]) >> 1] =
                (I64[(fp + code[pc + 2]) >> 1] & 0x7fffffffffffffffn) |
                (I64[(fp + code[pc + 3]) >> 1] & -0x8000000000000000n);
              pc += 4;
              continue;
            case 154 /* f64.abs */:
              I64[(fp + code[pc + 1]) >> 1] = I64[(fp + code[pc + 2]) >> 1] & 0x7fffffffffffffffn;
              pc += 3;
              continue;
            case 155 /* f64.neg */:
              I64[(fp + code[pc + 1]) >> 1] = I64[(fp + code[pc + 2]) >> 1] ^ -0x8000000000000000n;
              pc += 3;
              continue;
            case 156 /* f64.ceil */: {
              const r = N.fCeil(F64[(fp + code[pc + 2]) >> 1]);
              if (r !== r) {
                U64[(fp + code[pc + 1]) >> 1] = N.unaryNan64(U64[(fp + code[pc + 2]) >> 1]);
              } else F64[(fp + code[pc + 1]) >> 1] = r;
              pc += 3;
              continue;
            }
            case 157 /* f64.floor */: {
              const r = N.fFloor(F64[(fp + code[pc + 2]) >> 1]);
              if (r !== r) {
                U64[(fp + code[pc + 1]) >> 1] = N.unaryNan64(U64[(fp + code[pc + 2]) >> 1]);
              } else F64[(fp + code[pc + 1]) >> 1] = r;
              pc += 3;
              continue;
            }
            case 158 /* f64.trunc */: {
              const r = N.fTrunc(F64[(fp + code[pc + 2]) >> 1]);
              if (r !== r) {
                U64[(fp + code[pc + 1]) >> 1] = N.unaryNan64(U64[(fp + code[pc + 2]) >> 1]);
              } else F64[(fp + code[pc + 1]) >> 1] = r;
              pc += 3;
              continue;
            }
            case 159 /* f64.nearest */: {
              const r = N.fNearest(F64[(fp + code[pc + 2]) >> 1]);
              if (r !== r) {
                U64[(fp + code[pc + 1]) >> 1] = N.unaryNan64(U64[(fp + code[pc + 2]) >> 1]);
              } else F64[(fp + code[pc + 1]) >> 1] = r;
              pc += 3;
              continue;
            }
            case 160 /* f64.sqrt */: {
              const r = N.f64Sqrt(F64[(fp + code[pc + 2]) >> 1]);
              if (r !== r) {
                U64[(fp + code[pc + 1]) >> 1] = N.unaryNan64(U64[(fp + code[pc + 2]) >> 1]);
              } else F64[(fp + code[pc + 1]) >> 1] = r;
              pc += 3;
              continue;
            }

            // Conversions
            case 168 /* i32.wrap_i64 */:
              I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]];
              pc += 3;
              continue;
            case 173 /* i64.extend_i32_s */:
              I64[(fp + code[pc + 1]) >> 1] = BigInt(I32[fp + code[pc + 2]]);
              pc += 3;
              continue;
            case 174 /* i64.extend_i32_u */:
              I64[(fp + code[pc + 1]) >> 1] = BigInt(I32[fp + code[pc + 2]] >>> 0);
              pc += 3;
              continue;
            case 189 /* i32.extend8_s */:
              I32[fp + code[pc + 1]] = (I32[fp + code[pc + 2]] << 24) >> 24;
              pc += 3;
              continue;
            case 190 /* i32.extend16_s */:
              I32[fp + code[pc + 1]] = (I32[fp + code[pc + 2]] << 16) >> 16;
              pc += 3;
              continue;
            case 191 /* i64.extend8_s */:
            case 192 /* i64.extend16_s */:
            case 193 /* i64.extend32_s */: {
              const a = I32[fp + code[pc + 2]];
              const op = code[pc];
              I64[(fp + code[pc + 1]) >> 1] = BigInt(
                op === 191 /* i64.extend8_s */
                  ? (a << 24) >> 24
                  : op === 192 /* i64.extend16_s */
                  ? (a << 16) >> 16
                  : a,
              );
              pc += 3;
              continue;
            }
            case 183 /* f32.demote_f64 */: {
              const r = F64[(fp + code[pc + 2]) >> 1];
              if (r !== r) I32[fp + code[pc + 1]] = N.demoteNan(U64[(fp + code[pc + 2]) >> 1]);
              else F32[fp + code[pc + 1]] = r;
              pc += 3;
              continue;
            }
            case 188 /* f64.promote_f32 */: {
              const r = F32[fp + code[pc + 2]];
              if (r !== r) U64[(fp + code[pc + 1]) >> 1] = N.promoteNan(I32[fp + code[pc + 2]]);
              else F64[(fp + code[pc + 1]) >> 1] = r;
              pc += 3;
              continue;
            }
            case 179 /* f32.convert_i32_s */:
              F32[fp + code[pc + 1]] = I32[fp + code[pc + 2]];
              pc += 3;
              continue;
            case 180 /* f32.convert_i32_u */:
              F32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] >>> 0;
              pc += 3;
              continue;
            case 184 /* f64.convert_i32_s */:
              F64[(fp + code[pc + 1]) >> 1] = I32[fp + code[pc + 2]];
              pc += 3;
              continue;
            case 185 /* f64.convert_i32_u */:
              F64[(fp + code[pc + 1]) >> 1] = I32[fp + code[pc + 2]] >>> 0;
              pc += 3;
              continue;
            case 169 /* i32.trunc_f32_s */:
            case 170 /* i32.trunc_f32_u */:
            case 171 /* i32.trunc_f64_s */:
            case 172 /* i32.trunc_f64_u */:
            case 175 /* i64.trunc_f32_s */:
            case 176 /* i64.trunc_f32_u */:
            case 177 /* i64.trunc_f64_s */:
            case 178 /* i64.trunc_f64_u */:
            case 181 /* f32.convert_i64_s */:
            case 182 /* f32.convert_i64_u */:
            case 186 /* f64.convert_i64_s */:
            case 187 /* f64.convert_i64_u */:
            case 194 /* i32.trunc_sat_f32_s */:
            case 195 /* i32.trunc_sat_f32_u */:
            case 196 /* i32.trunc_sat_f64_s */:
            case 197 /* i32.trunc_sat_f64_u */:
            case 198 /* i64.trunc_sat_f32_s */:
            case 199 /* i64.trunc_sat_f32_u */:
            case 200 /* i64.trunc_sat_f64_s */:
            case 201 /* i64.trunc_sat_f64_u */:
              convert(m, code[pc], fp + code[pc + 1], fp + code[pc + 2]);
              pc += 3;
              continue;
            default: {
              // A debugger's probe (src/exec/probes.ts): a store it runs, or a stop before pc.
              const p = m.probes, op = code[pc];
              if (p === null || (op !== PROBE_BREAK && op !== PROBE_STORE)) {
                throw new Error(`bad IR op ${op} at pc ${pc}`);
              }
              if (op === PROBE_STORE) {
                const next = p.store(cf, pc, fp);
                if (next >= 0) {
                  pc = next;
                  continue;
                }
              }
              // Give back the ticks taken for the rest of the run (up to a pause placed in it).
              const rest = ticks[pc] - (m.pauseCode === null ? 0 : ticks[m.pausePc]);
              p.hit = true;
              m.depth = depth;
              m.funcAddr = cf.addr;
              m.pc = pc;
              m.fp = fp;
              m.fuel -= sliceStart - fuel - rest;
              return YIELDED;
            }
          }
          // A call: `callee`, its frame at `nfp`, `tail` = -1 or the argument slots of a tail call.
          // `pc` is past the call now: an error in the call sequence is the call's (see catch).
          calling = 1;
          let ncf = compiled[callee];
          if (tail >= 0) {
            // No loops inside the dispatch loop: V8 would OSR into them.
            I64.copyWithin(fp >> 1, nfp >> 1, (nfp >> 1) + tail);
            nfp = fp;
          }
          if (ncf === undefined) {
            if (store.objects[callee].kind === "host") {
              m.funcAddr = cf.addr;
              m.pc = pc;
              m.fp = fp;
              m.fuel -= sliceStart - fuel;
              sliceStart = fuel;
              m.depth = depth;
              if (m.suspending.has(callee)) {
                m.hostCallee = callee;
                m.hostAt = nfp;
                m.hostTail = tail >= 0 ? 1 : 0;
                return HOST_CALL;
              }
              if (hostCall(m, callee, nfp, tail >= 0)) return DONE;
              if (m.pauseRequested) {
                m.pauseRequested = false;
                return YIELDED;
              }
              fuel = (m.fuel > SLICE ? SLICE : m.fuel) | 0;
              sliceStart = fuel;
              cf = compiled[m.funcAddr]!;
              pc = m.pc;
              fp = m.fp;
              calling = 0;
              skipTier = false;
              continue outer;
            }
            ncf = m.code(callee);
          }
          if (tail < 0) {
            if (depth >= maxDepth) exhausted();
            const at = depth * FRAME_STRIDE;
            if (at + FRAME_STRIDE > frames.length) {
              m.depth = depth;
              m.pushFrame(cf.addr, pc, fp, false);
              frames = m.frames;
              frameLim = Math.min(maxDepth * FRAME_STRIDE, frames.length - FRAME_STRIDE + 1);
            } else {
              frames[at] = cf.addr;
              frames[at + 1] = pc;
              frames[at + 2] = fp;
            }
            depth++;
          }
          if (nfp + ncf.frameSize * 2 > stackLimit) exhausted();
          if (ncf.locals > ncf.params) {
            I64.fill(0n, (nfp >> 1) + ncf.params, (nfp >> 1) + ncf.locals);
          }
          fp = nfp;
          cf = ncf;
          pc = 0;
          calling = 0;
          code = cf.code;
          ticks = cf.ticks;
          P64 = cf.pool64;
          if (cf.mem0 !== mem) {
            mem = cf.mem0;
            buf = mem === null ? EMPTY : mem.buffer;
            DV = new DataView(buf);
            U8 = new Uint8Array(buf);
            memLen = buf.byteLength;
          }
          // Into a compiled function (or one that just got hot): the tier goes on with it.
          if (tierOn && !(--heat[cf.addr] > 0)) fuel -= TIER_ASK;
        }
        // Arrived at pc by a branch, call or return: take the ticks of its straight-line run.
        fuel -= ticks[pc];
        if (fuel < 0) {
          fuel += ticks[pc];
          // The tier asked for this frame (fuel < 0 only then), or a short slice after it
          // handed the frame back ends here: compiled code goes on with it if it can. Here,
          // not through `continue outer`, which would leave V8's code for this inner loop.
          if (
            fuel < 0 || (retry && fuel < ticks[pc] && m.fuel - sliceStart + fuel >= ticks[pc])
          ) {
            if (fuel < 0) fuel += TIER_ASK;
            m.depth = depth;
            m.funcAddr = cf.addr;
            m.pc = pc;
            m.fp = fp;
            m.fuel -= sliceStart - fuel;
            inTier = true;
            const st = enterTier(m, TIER_HELPERS, false);
            inTier = false;
            if (st === DONE) return DONE;
            fuel = m.fuel > SLICE ? SLICE : m.fuel;
            sliceStart = fuel;
            retry = false;
            if (st > 0) {
              cf = compiled[m.funcAddr]!;
              pc = m.pc;
              fp = m.fp;
              depth = m.depth;
              frames = m.frames;
              frameLim = Math.min(maxDepth * FRAME_STRIDE, frames.length - FRAME_STRIDE + 1);
              code = cf.code;
              ticks = cf.ticks;
              P64 = cf.pool64;
              if (cf.mem0 !== mem || (mem !== null && mem.buffer !== buf)) {
                mem = cf.mem0;
                buf = mem === null ? EMPTY : mem.buffer;
                DV = new DataView(buf);
                U8 = new Uint8Array(buf);
                memLen = buf.byteLength;
              }
              if (store.globalSlots !== gbuf) {
                gbuf = store.globalSlots;
                G32 = new Int32Array(gbuf);
                G64 = new BigInt64Array(gbuf);
              }
              if (st === 2 && fuel > TIER_RETRY + ticks[pc]) {
                fuel = sliceStart = TIER_RETRY + ticks[pc];
                retry = true;
              }
            }
            fuel -= ticks[pc];
            if (fuel >= 0) continue;
            fuel += ticks[pc];
          }
          // With the tier on, a slice (not the budget) ending in this run ends before it, at
          // a place where compiled code can take over when `run` is called again.
          if (fuel === 0 || (tierOn && m.fuel - sliceStart + fuel >= ticks[pc])) {
            m.depth = depth;
            m.funcAddr = cf.addr;
            m.pc = pc;
            m.fp = fp;
            m.fuel -= sliceStart - fuel;
            return PAUSED;
          }
          placePause(m, code, pc, fuel);
          fuel = 0;
        }
      }
    }
  } catch (e) {
    // Leave the state where it failed in the machine: the frames of the error's backtrace
    // (invoke and Execution read them, then restore the state before the call). Compiled
    // code leaves its own.
    if (!inTier) {
      m.depth = depth;
      m.funcAddr = cf.addr;
      m.pc = pc - calling;
      m.fp = fp;
      // The budget pays for the instructions executed, the failing one included (a call's
      // failure is the call's: it ends its run).
      m.fuel -= sliceStart - fuel - (calling === 1 ? unpause(m) : ticksAfter(m, cf, pc));
    }
    throw e;
  }
}

/** The helpers the compiled tier's code calls (src/exec/tier.ts). */
const TIER_HELPERS: TierHelpers = {
  trap,
  exhausted,
  i64Binary: (op, a, b) => i64Binary(op, a, b),
  convert: (m, op, d, a) => convert(m, op, d, a),
  returnCond: (op, a, k, I32, fp) => returnCond(op, a, k, I32, fp),
  ticksAfter: (m, cf, pc) => ticksAfter(m, cf, pc),
};

/**
 * The condition of a `return_if.*` op other than `return_if.i32.lt_s_imm` (which has its own
 * case): `a` is its first operand's value, `k` its second operand (a constant for the `_imm`
 * forms, else the slot of the second value).
 */
function returnCond(op: number, a: number, k: number, I32: Int32Array, fp: number): boolean {
  switch (op) {
    case 287 /* return_if.i32.eq_imm */:
      return a === k;
    case 288 /* return_if.i32.ne_imm */:
      return a !== k;
    case 290 /* return_if.i32.lt_u_imm */:
      return a >>> 0 < k >>> 0;
    case 291 /* return_if.i32.eq */:
      return a === I32[fp + k];
    case 292 /* return_if.i32.ne */:
      return a !== I32[fp + k];
    case 293 /* return_if.i32.lt_u */:
      return a >>> 0 < I32[fp + k] >>> 0;
    case 294 /* return_if.i32.le_u */:
      return a >>> 0 <= I32[fp + k] >>> 0;
    default:
      throw new Error(`not a return_if op: ${op}`);
  }
}

/** i64 operators that trap or need shifting (through the numerics). */
function i64Binary(op: number, a: bigint, b: bigint): bigint {
  switch (op) {
    case 128 /* i64.div_s */:
      return N.i64DivS(a, b);
    case 129 /* i64.div_u */:
      return N.i64DivU(a, b);
    case 130 /* i64.rem_s */:
      return N.i64RemS(a, b);
    case 131 /* i64.rem_u */:
      return N.i64RemU(a, b);
    case 138 /* i64.rotl */:
      return N.i64Rotl(a, b);
    default:
      return N.i64Rotr(a, b);
  }
}

/** Trapping, saturating and 64-bit conversions (slot `a` to slot `d`, Int32 indices). */
function convert(m: Machine, op: number, d: number, a: number): void {
  const I32 = m.i32, F32 = m.f32, F64 = m.f64, I64 = m.i64;
  switch (op) {
    case 169 /* i32.trunc_f32_s */:
      I32[d] = N.i32TruncS(F32[a]);
      return;
    case 170 /* i32.trunc_f32_u */:
      I32[d] = N.i32TruncU(F32[a]);
      return;
    case 171 /* i32.trunc_f64_s */:
      I32[d] = N.i32TruncS(F64[a >> 1]);
      return;
    case 172 /* i32.trunc_f64_u */:
      I32[d] = N.i32TruncU(F64[a >> 1]);
      return;
    case 175 /* i64.trunc_f32_s */:
      I64[d >> 1] = N.i64TruncS(F32[a]);
      return;
    case 176 /* i64.trunc_f32_u */:
      I64[d >> 1] = N.i64TruncU(F32[a]);
      return;
    case 177 /* i64.trunc_f64_s */:
      I64[d >> 1] = N.i64TruncS(F64[a >> 1]);
      return;
    case 178 /* i64.trunc_f64_u */:
      I64[d >> 1] = N.i64TruncU(F64[a >> 1]);
      return;
    case 181 /* f32.convert_i64_s */:
      F32[d] = N.f32ConvertI64S(I64[a >> 1]);
      return;
    case 182 /* f32.convert_i64_u */:
      F32[d] = N.f32ConvertI64U(I64[a >> 1]);
      return;
    case 186 /* f64.convert_i64_s */:
      F64[d >> 1] = N.f64ConvertI64S(I64[a >> 1]);
      return;
    case 187 /* f64.convert_i64_u */:
      F64[d >> 1] = N.f64ConvertI64U(I64[a >> 1]);
      return;
    case 194 /* i32.trunc_sat_f32_s */:
      I32[d] = N.i32TruncSatS(F32[a]);
      return;
    case 195 /* i32.trunc_sat_f32_u */:
      I32[d] = N.i32TruncSatU(F32[a]);
      return;
    case 196 /* i32.trunc_sat_f64_s */:
      I32[d] = N.i32TruncSatS(F64[a >> 1]);
      return;
    case 197 /* i32.trunc_sat_f64_u */:
      I32[d] = N.i32TruncSatU(F64[a >> 1]);
      return;
    case 198 /* i64.trunc_sat_f32_s */:
      I64[d >> 1] = N.i64TruncSatS(F32[a]);
      return;
    case 199 /* i64.trunc_sat_f32_u */:
      I64[d >> 1] = N.i64TruncSatU(F32[a]);
      return;
    case 200 /* i64.trunc_sat_f64_s */:
      I64[d >> 1] = N.i64TruncSatS(F64[a >> 1]);
      return;
    default:
      I64[d >> 1] = N.i64TruncSatU(F64[a >> 1]);
  }
}
