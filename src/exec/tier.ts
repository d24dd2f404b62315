/**
 * The compiled tier: a lowered function (its IR, src/ir/ops.ts) becomes one JavaScript
 * function, made with `new Function`, that V8 compiles like any other code. It executes the
 * instructions of the interpreter's own cases (src/exec/tier_ops.ts, generated from
 * interp.ts) with their operands pasted in as literals, so it computes exactly what the
 * interpreter computes, on the machine's own stack slots: the machine state is the
 * interpreter's at every instruction boundary, and handing a frame back to the interpreter
 * is writing its `pc`, `fp` and function into the machine.
 *
 * Exactness: ticks are charged as the interpreter charges them (src/ir/ticks.ts), the whole
 * straight-line run on arriving at its start. Where the budget cannot pay a run, at a call
 * of a function that is not compiled (a host function, or one not hot yet), or past
 * {@linkcode JS_DEPTH} compiled frames on the JS stack, the compiled frame gives back the
 * ticks of the rest of its run, writes its position into the machine and unwinds (returns
 * {@linkcode UNWOUND}), and so do its compiled callers, each writing its call-stack record
 * then (a compiled call pushes none: the records below a compiled frame are written only
 * when it stops or fails, as the interpreter would have pushed them), so the interpreter goes
 * on from there (src/exec/interp.ts enters compiled code again at the next call or return
 * into a compiled function). Traps leave the failing frame and the fuel in the machine as
 * the loop does. Compiled calls pass the ticks left as an argument and get them back as the
 * result.
 *
 * An instruction without a template or a case below (throws, tail calls, and what the
 * templates cannot express) hands its frame to the interpreter, which runs it and goes on;
 * exceptions are thrown and caught by the interpreter only. A function larger than
 * {@linkcode MAX_CODE} is compiled in regions (src/exec/tier_split.ts).
 *
 * Not here: the interpreter's hooks (interp.ts), the templates (scripts/tier_ops.ts).
 *
 * @module
 */

import { Exhaustion, Trap } from "../errors.ts";
import type { CompiledFunc } from "../ir/compiled.ts";
import { IR, IR_ARITY, IR_CONSUMES, IR_ENDS, IR_OPS } from "../ir/ops.ts";
import { nullFunc, resolveIndirect } from "./calls.ts";
import { FRAME_STRIDE, type Machine } from "./machine.ts";
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
import { BRANCH, SIMPLE } from "./tier_ops.ts";
import { JUMPED, REGION_CODE, regionStarts, splitFunction } from "./tier_split.ts";

/** Which functions run compiled: none, those called often, or all that can be. */
export type TierMode = "off" | "hot" | "all";

/**
 * A compiled function: runs the frame at `fp` from instruction `pc` (an entry of it, see
 * {@linkcode tierEntries}) with `fuel` ticks left; `k` is how many more compiled frames may
 * go on the JS stack above it (its depth is then `TierState.lim - k`, see there). Returns the
 * ticks left when it returned (results in its frame's first slots), or {@linkcode UNWOUND}.
 */
export type TierFn = (fp: number, pc: number, k: number, fuel: number) => number;

/**
 * A compiled function's status: it stopped; the machine's current frame goes on (the
 * machine's `depth`, `fuel` and current frame are written, and the records of the compiled
 * frames under it).
 */
export const UNWOUND = -1;

/**
 * The largest function compiled in one piece (Int32 words of IR, about 20 characters of
 * JavaScript and 40 bytes of V8 bytecode each); larger ones are compiled in regions
 * (src/exec/tier_split.ts). V8 optimizes a large function late or never (not above 60 KB of
 * bytecode: a 2,500-word one is "too big to be optimized"), and until then it runs slower
 * than the interpreter's loop (measured on SQLite, Flite and CPython).
 */
export const MAX_CODE = 1_000;

/** The most ticks compiled code runs before it hands its frame back (a small integer in V8). */
const SLICE = 0x3fff_ffff;

/** The most compiled frames on the JS stack at once; deeper calls go through the interpreter. */
export const JS_DEPTH = 400;

/** The interpreter's helpers the templates call (lent by interp.ts, which owns them). */
export interface TierHelpers {
  /** Throws Trap(message). */
  trap(message: string): never;
  /** Throws "call stack exhausted". */
  exhausted(): never;
  /** i64 division, remainder and rotations. */
  i64Binary(op: number, a: bigint, b: bigint): bigint;
  /** Trapping, saturating and 64-bit conversions. */
  convert(m: Machine, op: number, d: number, a: number): void;
  /** The condition of a `return_if.*`. */
  returnCond(op: number, a: number, k: number, I32: Int32Array, fp: number): boolean;
  /** After instruction `pc` of `cf` failed: the ticks its run was charged beyond it. */
  ticksAfter(m: Machine, cf: CompiledFunc, pc: number): number;
}

/** The tier's per-machine state (not machine state: derived, never in a snapshot). */
export interface TierState {
  /** Compiled functions by store address: a function, null (stays interpreted), or unknown. */
  fns: (TierFn | null | undefined)[];
  /**
   * Per address, the calls still to go before the function goes through the tier: the
   * interpreter's fast call path counts it down and takes its slow path (src/exec/interp.ts)
   * where it reaches 0; 0 for a compiled function (every call goes through the tier),
   * {@linkcode COLD} for one that stays interpreted. Covers the addresses of the store when
   * the loop starts (see {@linkcode tierHeat}).
   */
  heat: Int32Array;
  /** The machine's tier mode `heat` was set for. */
  mode: TierMode;
  /** Entry pcs per address (1 at an entry). */
  entries: (Uint8Array | undefined)[];
  /**
   * Functions longer than this are compiled in regions of at most `regionCode` IR words
   * ({@linkcode MAX_CODE} and tier_split.ts `REGION_CODE`; tests lower them to split all).
   */
  maxCode: number;
  /** The most IR words of a region (where it can be cut). */
  regionCode: number;
  /**
   * While compiled code runs: the depth below which its calls may go on the JS stack, the
   * lesser of the machine's `maxDepth` and {@linkcode JS_DEPTH} above `base` (a compiled
   * frame's depth is `lim - k`, `k` its {@linkcode TierFn} argument).
   */
  lim: number;
  /** While compiled code runs: the depth of the frame it was entered at. */
  base: number;
  /** The jumps back a compiled call makes before it ends and is called again (SLICE_EDGES). */
  sliceEdges: number;
}

const NAMES = [
  "m",
  "store",
  "CF",
  "J",
  "ensure",
  "H",
  "N",
  "Trap",
  "Exhaustion",
  "oobMemory",
  "memLoad",
  "memStore",
  "memorySize",
  "memoryGrow",
  "memoryFill",
  "memoryCopy",
  "memoryInit",
  "dataDrop",
  "tableGet",
  "tableSet",
  "tableSize",
  "tableGrow",
  "tableFill",
  "tableCopy",
  "tableInit",
  "elemDrop",
  "simdOp",
  "simdMemOp",
  "simdMem0Op",
  "resolveIndirect",
  "nullFunc",
  "S",
  "REC",
];

/** Names a template may use (its locals aside). */
const KNOWN = new Set([
  ...NAMES,
  "I32",
  "F32",
  "F64",
  "I64",
  "U64",
  "SV",
  "DV",
  "U8",
  "memLen",
  "G32",
  "G64",
  "P64",
  "fp",
  "fh",
  "trap",
  "exhausted",
  "i64Binary",
  "convert",
  "returnCond",
  "Math",
  "BigInt",
  "Number",
  "Infinity",
  "NaN",
  "undefined",
  "true",
  "false",
  "const",
  "let",
  "if",
  "else",
  "switch",
  "case",
  "default",
  "break",
  "new",
  "typeof",
  "null",
  "throw",
  "for",
]);

/** Whether a template uses only names the compiled function defines (cached per template). */
const usable = new Map<string, boolean>();
function templateOk(t: string): boolean {
  let ok = usable.get(t);
  if (ok === undefined) {
    ok = true;
    const text = t.replace(/"[^"]*"/g, '""').replace(/\/\/.*$/gm, "");
    const locals = new Set<string>();
    for (const d of text.matchAll(/\b(\w+)\s*=(?!=)|\blet\s+(\w+)\s*;/g)) locals.add(d[1] ?? d[2]);
    for (const mm of text.matchAll(/(?<![.\w$@])[A-Za-z_]\w*/g)) {
      const id = mm[0];
      if (!KNOWN.has(id) && !locals.has(id) && !/^\d/.test(id)) {
        // Object keys and the like do not occur in the templates; an unknown name does.
        ok = false;
        break;
      }
    }
    usable.set(t, ok);
  }
  return ok;
}

/** The ops that execute the instruction after them in their own tick, and their own part. */
const PREFIX: Record<string, string> = {
  "i32.add_imm.call": "i32.add_imm",
  "i32.add.return": "i32.add",
  "i32.add_imm.return": "i32.add_imm",
  "copy3.call_indirect": "copy3",
  "copy.br_if.i32.lt_u_imm": "copy",
  "i32.add_imm2.br_if.i32.ne": "i32.add_imm2",
  "i32.add_imm2.i32.add_imm.br_if.i32.ne": "i32.add_imm2",
};

/**
 * The tier's own code for some ops (template syntax as tier_ops.ts): the same results as the
 * interpreter's cases, written on whole values where those work on 32-bit words or on
 * computed places (which keep a slot out of the variables). Checked like the rest by the spec
 * suite with the tier forced on and by tests/exec/tier_test.ts.
 */
const OVERRIDE: Record<string, readonly [number, string]> = {
  "i64.shr_s_imm": [4, "I64[(fh + $h1)] = I64[(fh + $h2)] >> $b3;"],
  "i64.shr_u_imm": [4, "I64[(fh + $h1)] = BigInt.asUintN(64, I64[(fh + $h2)]) >> $b3;"],
  "i64.xor_shr_s_imm": [5, "I64[(fh + $h1)] = I64[(fh + $h2)] ^ (I64[(fh + $h3)] >> $b4);"],
  // On 32-bit words, as the loop's shifts (a BigInt shift by a variable count is slow in V8,
  // and so is a call with BigInt arguments).
  "i64.rotl": [4, rotate("k")],
  "i64.rotr": [4, rotate("(64 - k) & 63")],
  "select": [5, "I32[fp + $1] = I32[fp + $4] !== 0 ? I32[fp + $2] : I32[fp + $3];"],
  "select64": [5, "I64[(fh + $h1)] = I32[fp + $4] !== 0 ? I64[(fh + $h2)] : I64[(fh + $h3)];"],
  "i32.trunc_f32_s": [3, "I32[fp + $1] = N.i32TruncS(F32[fp + $2]);"],
  "i32.trunc_f32_u": [3, "I32[fp + $1] = N.i32TruncU(F32[fp + $2]);"],
  "i32.trunc_f64_s": [3, "I32[fp + $1] = N.i32TruncS(F64[(fh + $h2)]);"],
  "i32.trunc_f64_u": [3, "I32[fp + $1] = N.i32TruncU(F64[(fh + $h2)]);"],
  "i64.trunc_f32_s": [3, "I64[(fh + $h1)] = N.i64TruncS(F32[fp + $2]);"],
  "i64.trunc_f32_u": [3, "I64[(fh + $h1)] = N.i64TruncU(F32[fp + $2]);"],
  "i64.trunc_f64_s": [3, "I64[(fh + $h1)] = N.i64TruncS(F64[(fh + $h2)]);"],
  "i64.trunc_f64_u": [3, "I64[(fh + $h1)] = N.i64TruncU(F64[(fh + $h2)]);"],
  "f32.convert_i64_s": [3, "F32[fp + $1] = N.f32ConvertI64S(I64[(fh + $h2)]);"],
  "f32.convert_i64_u": [3, "F32[fp + $1] = N.f32ConvertI64U(I64[(fh + $h2)]);"],
  "f64.convert_i64_s": [3, "F64[(fh + $h1)] = N.f64ConvertI64S(I64[(fh + $h2)]);"],
  "f64.convert_i64_u": [3, "F64[(fh + $h1)] = N.f64ConvertI64U(I64[(fh + $h2)]);"],
  "i32.trunc_sat_f32_s": [3, "I32[fp + $1] = N.i32TruncSatS(F32[fp + $2]);"],
  "i32.trunc_sat_f32_u": [3, "I32[fp + $1] = N.i32TruncSatU(F32[fp + $2]);"],
  "i32.trunc_sat_f64_s": [3, "I32[fp + $1] = N.i32TruncSatS(F64[(fh + $h2)]);"],
  "i32.trunc_sat_f64_u": [3, "I32[fp + $1] = N.i32TruncSatU(F64[(fh + $h2)]);"],
  "i64.trunc_sat_f32_s": [3, "I64[(fh + $h1)] = N.i64TruncSatS(F32[fp + $2]);"],
  "i64.trunc_sat_f32_u": [3, "I64[(fh + $h1)] = N.i64TruncSatU(F32[fp + $2]);"],
  "i64.trunc_sat_f64_s": [3, "I64[(fh + $h1)] = N.i64TruncSatS(F64[(fh + $h2)]);"],
  "i64.trunc_sat_f64_u": [3, "I64[(fh + $h1)] = N.i64TruncSatU(F64[(fh + $h2)]);"],
};

/** A rotation left by `count` (a JS expression of the count `k`, 0..63) on 32-bit words. */
function rotate(count: string): string {
  return `const a = fp + $2, k = ${count.replace(/\bk\b/g, "(I32[fp + $3] & 63)")};
const lo = I32[a], hi = I32[a + 1];
let rl = lo, rh = hi;
if (k >= 32) {
rl = hi;
rh = lo;
}
const j = k & 31;
if (j !== 0) {
const l = rl, h = rh;
rl = (l << j) | (h >>> (32 - j));
rh = (h << j) | (l >>> (32 - j));
}
I64[(fh + $h1)] = (BigInt(rh | 0) << 32n) | BigInt(rl >>> 0);`;
}

/**
 * i64 shifts and rotations by a count known where they run (a constant the same run put in
 * the count's slot): their code with the count as a literal, which V8 lowers to one machine
 * instruction. `s` is the operand, `d` the destination (I64 places), `k` the count (0..63).
 */
const CONST_SHIFT: Record<string, (d: string, s: string, k: number) => string> = {
  "i64.shl": (d, s, k) => `${d} = ${s} << ${k}n;`,
  "i64.shr_s": (d, s, k) => `${d} = ${s} >> ${k}n;`,
  "i64.shr_u": (d, s, k) => `${d} = BigInt.asUintN(64, ${s}) >> ${k}n;`,
  "i64.rotl": (d, s, k) =>
    k === 0
      ? `${d} = ${s};`
      : `{ const u = BigInt.asUintN(64, ${s}); ${d} = (u << ${k}n) | (u >> ${64 - k}n); }`,
  "i64.rotr": (d, s, k) => CONST_SHIFT["i64.rotl"](d, s, (64 - k) & 63),
};

const NAME = IR_OPS.map((o) => o.name);

/** The tier state of `m` (made on first use). */
export function tierState(m: Machine): TierState {
  let s = m.tierState as TierState | null;
  if (s === null) {
    s = {
      fns: [],
      heat: new Int32Array(0),
      mode: m.tier,
      entries: [],
      maxCode: MAX_CODE,
      regionCode: REGION_CODE,
      lim: 0,
      base: 0,
      sliceEdges: SLICE_EDGES,
    };
    m.tierState = s;
  }
  return s;
}

/** A function's heat (see {@linkcode TierState.heat}) when it stays interpreted. */
const COLD = 0x7fff_ffff;

/**
 * The heat counters of `m` (see {@linkcode TierState.heat}), covering every address of its
 * store: for the interpreter's loop, which counts calls down in them.
 */
export function tierHeat(m: Machine): Int32Array {
  const s = tierState(m);
  const n = m.store.objects.length;
  let heat = s.heat;
  if (heat.length < n || s.mode !== m.tier) {
    const fresh = m.tier === "all" ? 1 : Math.max(1, m.tierThreshold);
    const old = s.mode === m.tier ? heat.length : 0;
    if (heat.length < n) {
      const h = new Int32Array(Math.max(n, 2 * heat.length));
      h.set(heat);
      s.heat = heat = h;
    }
    s.mode = m.tier;
    for (let a = old; a < heat.length; a++) {
      const f = s.fns[a];
      heat[a] = f === undefined ? fresh : f === null ? COLD : 0;
    }
  }
  return heat;
}

/**
 * The pcs where compiled code of `cf` may be entered: the function's start, branch targets,
 * every instruction after one that ends a straight-line run, and after a prefix's group.
 */
export function tierEntries(cf: CompiledFunc): Uint8Array {
  const code = cf.code;
  const e = new Uint8Array(code.length + 1);
  e[0] = 1;
  for (let pc = 0; pc < code.length; pc += 1 + IR_ARITY[code[pc]]) {
    const op = code[pc];
    const kinds = IR_OPS[op].kinds;
    for (let k = 0; k < kinds.length; k++) {
      if (kinds[k] === "t") e[code[pc + 1 + k]] = 1;
      if (kinds[k] === "b") {
        const b = code[pc + 1 + k], n = cf.brTables[b];
        for (let j = 0; j <= n; j++) e[cf.brTables[b + 1 + j]] = 1;
      }
    }
    let next = pc + 1 + IR_ARITY[op];
    if (IR_ENDS[op] === 1) e[next] = 1;
    if (IR_CONSUMES[op] > 0) {
      // A prefix goes on after the instructions it executes (a jump in the compiled code).
      for (let k = IR_CONSUMES[op]; k > 0; k--) next += 1 + IR_ARITY[code[next]];
      e[next] = 1;
    }
  }
  return e;
}

function lit(v: number): string {
  return v < 0 ? `(${v})` : String(v);
}

/** `t` with the operands of the instruction at `pc` pasted in. */
function paste(t: string, code: Int32Array, pc: number): string {
  return t
    .replace(/\$h(\d)/g, (_, k) => lit(code[pc + Number(k)] >> 1))
    .replace(/\$pc/g, String(pc))
    .replace(/\$b(\d)/g, (_, k) => `${code[pc + Number(k)] & 63}n`)
    .replace(/\$(\d)/g, (_, k) => lit(code[pc + Number(k)]))
    .replace(/@([\w.]+)@/g, (_, n) => String(IR[n]));
}

/** A slot view a template may name at a constant place (see {@linkcode promote}). */
type View = "I32" | "I64" | "F64" | "other";

const ACCESS = /\b(I32|F32)\[fp \+ (-?\d+)\]|\b(I64|F64|U64)\[\(fh \+ (-?\d+)\)\]/g;

/** Every constant slot access of `t`: [slot (8-byte units), view, is it the hi word or F32]. */
function accesses(t: string): [number, View][] {
  const r: [number, View][] = [];
  const nanPath = /\bN\.(nan64|unaryNan64|demoteNan|promoteNan|DEFAULT_NAN64)\b/.test(t);
  for (const a of t.matchAll(ACCESS)) {
    if (a[1] !== undefined) {
      const n = Number(a[2]);
      r.push([n >> 1, a[1] === "I32" && (n & 1) === 0 ? "I32" : "other"]);
    } else {
      // Bits through U64 in a NaN result's code do not decide: such a slot held in a variable
      // is an f64 (read and written through N.f64ToBits / N.f64FromBits; V8 may quiet a NaN
      // in a JS number, but only quiet NaNs are made there, and a NaN result is quieted).
      if (a[3] === "U64" && nanPath) continue;
      r.push([Number(a[4]), a[3] === "F64" ? "F64" : "I64"]);
    }
  }
  return r;
}

/** Whether `t` reaches slots other than through constant accesses (a computed place). */
function opaque(t: string): boolean {
  return /\bfp\b|\bfh\b|\bCF\b/.test(t.replace(ACCESS, ""));
}

/** One instruction's code before promotion: its text and the slots (8-byte) it names. */
interface Piece {
  text: string;
  slots: number[];
}

/**
 * The JavaScript source of the compiled function of `cf`, or null when it is larger than
 * {@linkcode MAX_CODE}; with `region` (`[start, end)`, src/exec/tier_split.ts), that of the
 * region's function, which leaves with status `JUMPED` where the code goes on outside it
 * (`entries`: the function's {@linkcode tierEntries}); a call ends after `sliceEdges` jumps
 * back to loop headers, to be called again there (V8 then enters its newest code).
 *
 * Slots that every instruction of the function names at a constant place and through one
 * view (i32 words or f64 slots; i64 values stay in the BigInt64Array, where V8 keeps them
 * unboxed) live in JS variables (`r<slot>`, which V8 keeps in registers); the machine's slots
 * get their values wherever other code may read them (an instruction that computes its
 * places, a call's arguments, a return's results, a hand-back to the interpreter, a trap), and
 * take them back after such an instruction or call, so that the slots hold at those places
 * exactly what the interpreter leaves there.
 */
export function tierSource(
  cf: CompiledFunc,
  lookup: (addr: number) => CompiledFunc | undefined = () => undefined,
  region?: readonly [number, number],
  entries: Uint8Array = tierEntries(cf),
  sliceEdges: number = SLICE_EDGES,
): string | null {
  if (region === undefined && cf.code.length > MAX_CODE) return null;
  const code = cf.code, ticks = cf.ticks, addr = cf.addr;
  const pieces: (Piece | string)[] = [];
  // Leave at `x` (an instruction start): `refund` = the ticks of its run already taken.
  const leave = (x: string, refund: string) => `{ F += ${refund}; X = ${x}; break exit; }`;
  const charge = (x: number) => `if ((F -= ${ticks[x]}) < 0) ${leave(String(x), String(ticks[x]))}`;
  // A jump to `x` (see `structure` for what `@GOTO x@` becomes where).
  const jump = (x: number) => `{ ${charge(x)} @GOTO ${x}@ }`;
  // After code that may grow a memory or add globals: the views again (in locals, which V8
  // keeps in registers; the shared copies are the closure's).
  // (Only where the function uses them, see assemble; a call cannot add globals.)
  const refresh = "@REFRESH@";
  // A call at `pc` (return pc `ret`) of the callee whose address the JS statements `find`
  // leave in `f`; `known`: the callee's lowered code when the call is direct (its frame's
  // sizes are then constants). Its record is written only if it stops (see tierSource's doc).
  const calls: [number, number, number][] = [];
  const call = (
    pc: number,
    ret: number,
    find: string,
    argSlot: number,
    known?: CompiledFunc,
  ) => {
    calls.push([pc, argSlot, ret]);
    const size = known ? String(known.frameSize * 2) : "ncf.frameSize * 2";
    let zero = `if (ncf.locals > ncf.params) I64.fill(0n, nfh + ncf.params, nfh + ncf.locals);`;
    if (known) {
      zero = "";
      for (let s = known.params; s < known.locals; s++) zero += `I64[nfh + ${s}] = 0n; `;
      if (known.locals - known.params > 8) {
        zero = `I64.fill(0n, nfh + ${known.params}, nfh + ${known.locals});`;
      }
    }
    // A call of itself needs no look-up: this function is compiled.
    // (Not by its own name: a function with loops is called through a wrapper, SLICE_EDGES.)
    const self = false;
    return [
      `P = ${pc};`,
      `@FLUSH_GE ${argSlot}@`,
      `{ ${find}`,
      self ? `const g = f${addr};` : `let g = J[f]; if (g === undefined) g = ensure(f);`,
      self ? "" : `if (g === null) ${leave(String(pc), String(ticks[pc]))}`,
      // Past the depth the JS stack or the machine allows: the interpreter's call, or exhausted.
      `if (k <= 0) { if (S.lim - k - S.base >= ${JS_DEPTH}) ${
        leave(String(pc), String(ticks[pc]))
      } H.exhausted(); }`,
      known ? "" : `const ncf = CFS[f];`,
      `const nfp = fp + ${argSlot}, nfh = nfp >> 1;`,
      `if (nfp + ${size} > STK) H.exhausted();`,
      zero,
      `const r = g(nfp, 0, k - 1, F);`,
      // The callee stopped (its frame is the machine's now): this frame's record and its part
      // of the slots.
      `if (r < 0) { @FLUSH_LT ${argSlot}@ REC(S.lim - k, ${addr}, ${ret}, fp); return -1; }`,
      `F = r; @REFRESH_MEM@ }`,
      `@RELOAD_GE ${argSlot}@`,
    ].join("\n");
  };
  const ret = `@FLUSH_RESULTS@ return F;`;
  // The constants the current run put in slots (Int32 place -> value), for CONST_SHIFT.
  const known = new Map<number, bigint>();
  // A region of a large function (src/exec/tier_split.ts): its instructions only.
  let pc = region === undefined ? 0 : region[0];
  const end = region === undefined ? code.length : region[1];
  while (pc < end) {
    const op = code[pc];
    const name = NAME[op];
    const kinds = IR_OPS[op].kinds;
    const len = 1 + IR_ARITY[op];
    const slots: number[] = [];
    for (let k = 0; k < kinds.length; k++) {
      if (kinds[k] === "s" || kinds[k] === "d") {
        slots.push(code[pc + 1 + k] >> 1, (code[pc + 1 + k] >> 1) + 1);
      }
    }
    const emit = (text: string) => pieces.push({ text, slots });
    pieces.push(`@AT ${pc}@`);
    if (entries[pc] === 1) known.clear();
    // A shift or rotation by a count the run set as a constant.
    const count = CONST_SHIFT[name] !== undefined ? known.get(code[pc + 3]) : undefined;
    track(known, code, pc, cf);
    if (count !== undefined) {
      const at = (k: number) => `I64[(fh + ${lit(code[pc + k] >> 1)})]`;
      emit(CONST_SHIFT[name](at(1), at(2), Number(count & 63n)));
      pc += len;
      continue;
    }
    const simple = OVERRIDE[name] ?? SIMPLE[name];
    const branch = BRANCH[name];
    const prefix = PREFIX[name];
    // An instruction without code here hands the frame to the interpreter, which runs it.
    const byLoop = `P = ${pc}; ${leave(String(pc), String(ticks[pc]))}`;
    if (
      simple !== undefined && templateOk(simple[1]) &&
      !(IR_CONSUMES[op] === 0 && simple[0] < len)
    ) {
      // Ops that may trap or call out record the pc first (for the backtrace).
      if (/[A-Za-z_]\(/.test(simple[1].replace(/Math\.\w+\(|BigInt(\.as[IU]intN)?\(/g, ""))) {
        pieces.push(`P = ${pc};`);
      }
      emit(`{ ${paste(simple[1], code, pc)} }`);
      if (simple[0] !== len) {
        pieces.push(`@GOTO ${pc + simple[0]}@`);
      }
    } else if (branch !== undefined && templateOk(branch[1]) && templateOk(branch[2])) {
      const target = code[pc + branch[3]];
      emit(`${paste(branch[1], code, pc)}`);
      emit(`if (${paste(branch[2], code, pc)}) ${jump(target)}`);
      pieces.push(charge(pc + branch[0]));
    } else if (
      prefix !== undefined && SIMPLE[prefix] !== undefined && templateOk(SIMPLE[prefix][1])
    ) {
      const t = SIMPLE[prefix];
      emit(`{ ${paste(t[1], code, pc)} }`);
      // The instruction after it follows (an entry: the prefix ends a run), in the same tick.
    } else {
      const a = `I32[fp + ${code[pc + 1]}]`, k = lit(code[pc + 2]);
      const b = `I32[fp + ${code[pc + 2]}]`;
      const cond: Record<string, string> = {
        "return_if.i32.lt_s_imm": `${a} < ${k}`,
        "return_if.i32.eq_imm": `${a} === ${k}`,
        "return_if.i32.ne_imm": `${a} !== ${k}`,
        "return_if.i32.lt_u_imm": `(${a} >>> 0) < (${k} >>> 0)`,
        "return_if.i32.eq": `${a} === ${b}`,
        "return_if.i32.ne": `${a} !== ${b}`,
        "return_if.i32.lt_u": `(${a} >>> 0) < (${b} >>> 0)`,
        "return_if.i32.le_u": `(${a} >>> 0) <= (${b} >>> 0)`,
      };
      if (cond[name] !== undefined) {
        emit(`if (${cond[name]}) { ${ret} }`);
        pieces.push(charge(pc + len));
        pc += len;
        continue;
      }
      switch (name) {
        case "nop":
          break;
        case "unreachable":
          pieces.push(`P = ${pc}; throw new Trap("unreachable");`);
          break;
        case "br":
          pieces.push(jump(code[pc + 1]));
          break;
        case "br_table": {
          const bt = code[pc + 2], n = cf.brTables[bt];
          emit(`{ const i = I32[fp + ${code[pc + 1]}] >>> 0;
pc = BT[${bt + 1} + (i < ${n} ? i : ${n})];
if ((F -= TK[pc]) < 0) ${leave("pc", "TK[pc]")} continue exit; }`);
          break;
        }
        case "return":
          pieces.push(ret);
          break;
        case "call":
          pieces.push(
            call(pc, pc + len, `const f = ${code[pc + 1]};`, code[pc + 2], lookup(code[pc + 1])),
          );
          pieces.push(charge(pc + len));
          break;
        case "call_indirect":
          // The index slot is above the arguments: flushed with them.
          if (code[pc + 2] < code[pc + 1]) {
            pieces.push(byLoop);
            break;
          }
          // Fast path as the loop's: a 32-bit table, an element in range whose lowered callee
          // has exactly the expected type; anything else goes through resolveIndirect.
          pieces.push(
            call(
              pc,
              pc + len,
              `const tab = store.tables[${code[pc + 3]}], i = I32[fp + ${code[pc + 2]}] >>> 0;
let f = tab.type.is64 || i >= tab.size ? 0 : tab.elems[i];
const fcf = f === 0 ? undefined : CFS[f];
if (fcf === undefined || fcf.type !== ${code[pc + 4]}) f = resolveIndirect(m, ${
                code[pc + 3]
              }, fp + ${code[pc + 2]}, ${code[pc + 4]});`,
              code[pc + 1],
            ),
          );
          pieces.push(charge(pc + len));
          break;
        case "call_ref":
          if (code[pc + 2] < code[pc + 1]) {
            pieces.push(byLoop);
            break;
          }
          pieces.push(
            call(pc, pc + len, `const f = I32[fp + ${code[pc + 2]}] || nullFunc();`, code[pc + 1]),
          );
          pieces.push(charge(pc + len));
          break;
        case "mem.copy8.x4":
        case "mem.copy32.x4": {
          // Four copies at once when all are in bounds, else the first (as the loop does).
          const w = name === "mem.copy8.x4" ? 1 : 4;
          let after = pc + len;
          for (let c = IR_CONSUMES[op]; c > 0; c--) after += 1 + IR_ARITY[code[after]];
          const one = (c: number) =>
            w === 1
              ? `U8[dst + ${c}] = U8[src + ${c}];`
              : `DV.setInt32(dst + ${c}, DV.getInt32(src + ${c}, true), true);`;
          pieces.push(`P = ${pc};`);
          emit(
            `{ const src = I32[fp + ${code[pc + 2]}] >>> 0, dst = I32[fp + ${code[pc + 1]}] >>> 0;
if (src + ${4 * w} <= memLen && dst + ${4 * w} <= memLen) {
${one(0)} ${one(w)} ${one(2 * w)} ${one(3 * w)} @GOTO ${after}@ }
if (src + ${w} > memLen || dst + ${w} > memLen) oobMemory();
${one(0)} }`,
          );
          break;
        }
        case "memory.grow":
          pieces.push(`P = ${pc};`);
          emit(`memoryGrow(m, ${code[pc + 3]}, fp + ${code[pc + 1]}, fp + ${code[pc + 2]});`);
          pieces.push(refresh);
          pieces.push(charge(pc + len));
          break;
        default:
          pieces.push(byLoop);
      }
    }
    pc += len;
  }
  return assemble(cf, pieces, calls, entries, region, sliceEdges);
}

/**
 * The constants in slots after the instruction at `pc` (Int32 place -> value, in `known`):
 * a `const32` or `const64` sets one; any other instruction forgets the slots it writes, and
 * one that is not straight-line code here forgets them all.
 */
function track(known: Map<number, bigint>, code: Int32Array, pc: number, cf: CompiledFunc) {
  const op = code[pc], name = NAME[op], kinds = IR_OPS[op].kinds;
  if (name === "const32") {
    known.set(code[pc + 1], BigInt(code[pc + 2]));
    return;
  }
  if (name === "const64") {
    known.set(code[pc + 1], cf.pool64[code[pc + 2]]);
    return;
  }
  if (SIMPLE[name] === undefined && BRANCH[name] === undefined || IR_CONSUMES[op] > 0) {
    known.clear();
    return;
  }
  for (let k = 0; k < kinds.length; k++) {
    if (kinds[k] === "d") {
      // A v128 takes two slots.
      known.delete(code[pc + 1 + k]);
      known.delete(code[pc + 1 + k] + 2);
    }
  }
}

/**
 * Where the expression of `t` that starts at `from` ends: at the first `;`, `,` or closing
 * bracket outside the brackets it opens (or at the end of `t`).
 */
function exprEnd(t: string, from: number): number {
  let depth = 0, j = from;
  for (; j < t.length; j++) {
    const c = t[j];
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") {
      if (depth === 0) break;
      depth--;
    } else if ((c === ";" || c === ",") && depth === 0) break;
  }
  return j;
}

/**
 * `t` with each assignment to a variable-held slot wrapped as the typed array's store would
 * wrap it (`| 0` for an i32 word, `BigInt.asIntN(64, ...)` for an i64).
 */
function wrapStores(t: string, promoted: Map<number, View>): string {
  let out = "";
  let i = 0;
  for (const a of t.matchAll(/\br(\d+) = (?!=)/g)) {
    const v = promoted.get(Number(a[1]));
    if (v === "F64" || a.index! < i) continue;
    const from = a.index! + a[0].length;
    const j = exprEnd(t, from);
    const expr = t.slice(from, j);
    out += t.slice(i, from) + (v === "I32" ? `(${expr}) | 0` : `BigInt.asIntN(64, ${expr})`);
    i = j;
  }
  return out + t.slice(i);
}

/** `t` with each store of bits through U64 to a variable-held (f64) slot made an f64's. */
function bitsStores(t: string, promoted: Map<number, View>): string {
  let out = "";
  let i = 0;
  for (const a of t.matchAll(/\bU64\[\(fh \+ (-?\d+)\)\] = (?!=)/g)) {
    const s = Number(a[1]);
    if (!promoted.has(s) || a.index! < i) continue;
    const from = a.index! + a[0].length;
    const j = exprEnd(t, from);
    out += t.slice(i, a.index!) + `r${s} = N.f64FromBits(${t.slice(from, j)})`;
    i = j;
  }
  return out + t.slice(i);
}

/** The function's text from its pieces, with the slots that can live in variables there. */
function assemble(
  cf: CompiledFunc,
  pieces: (Piece | string)[],
  calls: [number, number, number][],
  entries: Uint8Array,
  region: readonly [number, number] | undefined,
  sliceEdges: number,
): string {
  const addr = cf.addr;
  // Which view each slot is named through, where places are constant.
  const views = new Map<number, View>();
  for (const p of pieces) {
    if (typeof p === "string" || opaque(p.text)) continue;
    for (const [s, v] of accesses(p.text)) {
      const old = views.get(s);
      views.set(s, old === undefined || old === v ? v : "other");
    }
  }
  const promoted = new Map<number, View>();
  for (const [s, v] of views) if ((v === "I32" || v === "F64") && s >= 0) promoted.set(s, v);
  const rewrite = (t: string) =>
    t.replace(ACCESS, (all, v32, n32, v64, n64) => {
      if (v32 !== undefined) {
        const n = Number(n32);
        return v32 === "I32" && (n & 1) === 0 && promoted.has(n >> 1) ? `r${n >> 1}` : all;
      }
      const s = Number(n64);
      if (!promoted.has(s)) return all;
      return v64 === "U64" ? `N.f64ToBits(r${s})` : `r${s}`;
    });
  const body: string[] = [];
  const written = new Set<number>();
  const texts: string[] = [];
  for (const p of pieces) {
    if (typeof p === "string") {
      texts.push(p);
      continue;
    }
    if (opaque(p.text)) {
      const whole = /\bCF\b/.test(p.text);
      const near = whole ? [...promoted.keys()] : p.slots.filter((s) => promoted.has(s));
      texts.push(`@FLUSH ${near.join(",")}@ ${p.text} @RELOAD ${near.join(",")}@`);
    } else {
      const t = wrapStores(rewrite(bitsStores(p.text, promoted)), promoted);
      for (const w of t.matchAll(/\br(\d+)\s*=(?!=)/g)) written.add(Number(w[1]));
      texts.push(t);
    }
  }
  // The memory's and globals' views, in locals, where the function uses them.
  const code = texts.join("\n");
  const usesMem = /\b(DV|U8|memLen)\b/.test(code), usesG = /\b(G32|G64)\b/.test(code);
  const refreshMem =
    "if (MEM !== null && MEM.buffer !== BUF) { refresh(); DV = DV0; U8 = U80; memLen = ML0; }";
  const refreshAll = "if (MEM !== null && MEM.buffer !== BUF || store.globalSlots !== GB) " +
    "{ refresh(); DV = DV0; U8 = U80; memLen = ML0; G32 = G320; G64 = G640; }";
  const store1 = (s: number) => {
    const v = promoted.get(s)!;
    return v === "I32" ? `I32[fp + ${2 * s}] = r${s};` : `${v}[fh + ${s}] = r${s};`;
  };
  const load1 = (s: number) => {
    const v = promoted.get(s)!;
    return v === "I32" ? `r${s} = I32[fp + ${2 * s}];` : `r${s} = ${v}[fh + ${s}];`;
  };
  const flush = (ss: Iterable<number>) =>
    [...ss].filter((s) => written.has(s)).map(store1).join(" ");
  const reload = (ss: Iterable<number>) =>
    [...ss].filter((s) => promoted.has(s)).map(load1).join(" ");
  const all = [...promoted.keys()].sort((a, b) => a - b);
  for (const t of texts) {
    body.push(
      t
        .replace(/@FLUSH ([\d,]*)@/g, (_, l) => flush(l === "" ? [] : l.split(",").map(Number)))
        .replace(/@RELOAD ([\d,]*)@/g, (_, l) => reload(l === "" ? [] : l.split(",").map(Number)))
        .replace(/@FLUSH_GE (-?\d+)@/g, (_, a) => flush(all.filter((s) => 2 * s >= Number(a))))
        .replace(/@RELOAD_GE (-?\d+)@/g, (_, a) => reload(all.filter((s) => 2 * s >= Number(a))))
        .replace(/@FLUSH_LT (-?\d+)@/g, (_, a) => flush(all.filter((s) => 2 * s < Number(a))))
        // All of them, not only the results: the slots then hold what the loop leaves there.
        .replace(/@FLUSH_RESULTS@/g, () => flush(all))
        .replace(/@REFRESH_MEM@/g, usesMem ? refreshMem : "")
        .replace(/@REFRESH@/g, usesMem || usesG ? refreshAll : ""),
    );
  }
  const init = (s: number) => `r${s} = 0`;
  const check = [
    usesMem ? "MEM !== null && MEM.buffer !== BUF" : "",
    usesG ? "store.globalSlots !== GB" : "",
  ]
    .filter((c) => c !== "").join(" || ");
  const cases = structure(
    body,
    entries,
    region === undefined ? cf.code.length : region[1],
    cf.ticks,
  );
  // Whether it has loops that end a call after a slice (SLICE_EDGES).
  const loops = cases.some((t) => t.includes("--SL < 0"));
  const inner = [
    `  if ((F -= TK[pc]) < 0) { m.fuel = F + TK[pc]; m.funcAddr = ${addr}; m.pc = pc; m.fp = fp; m.depth = S.lim - k; return -1; }`,
    all.length > 0 ? `  let ${all.map(init).join(", ")};` : "",
    // All of them, dead ones too: what goes back to the slots is then what the loop leaves.
    `  ${reload(all)}`,
    `  try {`,
    `    exit: for (;;) {`,
    `      switch (pc) {`,
    ...cases,
    // A region's jump out of itself: the run there is charged again where it goes on.
    ...(region && region[1] < cf.code.length ? [`pc = ${region[1]}; continue exit;`] : []),
    region
      ? `      default: F += TK[pc]; X = pc; ST = ${JUMPED}; break exit;`
      : `      default: throw new Error("tier: bad entry " + pc);`,
    `      }`,
    `    }`,
    `  } catch (e) {`,
    // The machine's slots get this frame's values (under a callee's frame: its part only, and
    // its record; the frame where the error arose is the machine's, m.depth its depth).
    `    const d = S.lim - k;`,
    `    switch (P) {`,
    ...calls.map(([c, a, r]) =>
      `      case ${c}: ${
        flush(all.filter((s) => 2 * s < a))
      } if (m.depth > d) { REC(d, ${addr}, ${r}, fp); throw e; } break;`
    ),
    `      default: ${flush(all)}`,
    `    }`,
    // Failed in this frame: the fuel as the loop leaves it (the failing instruction paid).
    `    m.depth = d; m.funcAddr = ${addr}; m.pc = P; m.fp = fp; m.fuel = F + H.ticksAfter(m, CF, P);`,
    `    throw e;`,
    `  }`,
    `  ${flush(all)}`,
    // (A jump out of this call, to another region or to the same function called again, goes
    // on in this frame: the machine's depth stays that of the frame where compiled code was
    // entered until one stops or fails, see the catch.)
    `  m.fuel = F; m.funcAddr = ${addr}; m.pc = X; m.fp = fp; if (ST !== ${JUMPED}) m.depth = S.lim - k;`,
    `  return ST;`,
    `};`,
  ];
  const [outerViews, innerViews] = frameViews(cf, inner);
  return [
    `let MEM = CF.mem0, BUF = null, DV0 = null, U80 = null, ML0 = 0, GB = null, G320 = null, G640 = null;`,
    `const I32 = m.i32, F32 = m.f32, F64 = m.f64, I64 = m.i64, U64 = m.u64, SV = m.simd;`,
    `const P64 = CF.pool64, TK = CF.ticks, BT = CF.brTables;`,
    `const trap = H.trap, exhausted = H.exhausted, i64Binary = H.i64Binary, convert = H.convert, returnCond = H.returnCond;`,
    outerViews,
    `function refresh() {`,
    `  if (MEM !== null) { BUF = MEM.buffer; DV0 = new DataView(BUF); U80 = new Uint8Array(BUF); ML0 = BUF.byteLength; }`,
    `  GB = store.globalSlots; G320 = new Int32Array(GB); G640 = new BigInt64Array(GB);`,
    `}`,
    `const STK = m.stackLimit, CFS = m.compiled;`,
    // A function with loops is called again after a slice (see SLICE_EDGES); a region's
    // caller does that (src/exec/tier_split.ts).
    loops && !region
      ? `const f = function w${addr}(fp, pc, k, F) { for (;;) { const st = g(fp, pc, k, F); ` +
        `if (st !== ${JUMPED}) return st; pc = m.pc; F = m.fuel; } };`
      : "",
    `${loops && !region ? "const g =" : "return"} function f${addr}(fp, pc, k, F) {`,
    check === "" ? "" : `  if (${check}) refresh();`,
    `  let DV = DV0, U8 = U80, memLen = ML0, G32 = G320, G64 = G640;`,
    `  const fh = fp >> 1;`,
    `  let P = pc, X = 0, ST = -1, SL = ${sliceEdges};`,
    innerViews,
    ...inner,
    loops && !region ? "return f;" : "",
  ].join("\n");
}

/** An instruction's code in {@linkcode structure}: its pc, the next one's, its text, its jumps. */
interface Item {
  pc: number;
  end: number;
  text: string;
  gotos: number[];
}

/** A loop: its header (the target of jumps back), the end of its last jump back. */
interface Loop {
  h: number;
  end: number;
}

/** An enclosing construct of structured code: a loop, or a block ending at `end`. */
type Construct = { loop: true; h: number; end: number } | { loop: false; end: number };

/**
 * The body of the dispatch `switch` from the instructions' code (`texts`: each instruction's
 * after its `@AT pc@`): loops as JS loops where it can (V8 optimizes a loop it sees far
 * better than jumps through the `switch`: 3x on the matmul kernel), the rest as cases.
 *
 * A loop (a header and the jumps back to it) becomes `L<h>: for (;;) { ... }` inside the case
 * of its header, with the loops nested in it, and blocks `B<x>: { ... }` for its jumps
 * forward to a place in it (`break B<x>`); a jump back to an enclosing loop's header is
 * `continue L<h>`, one to its end `break L<h>`, any other `pc = x; continue exit` through
 * the `switch`. The places compiled code may be entered at (`entries`) inside a loop keep
 * their cases in a second, flat copy of the loop from the first of them (its own loops
 * structured again), which the loop skips with a jump to its end. Ticks are charged by the
 * same code, only the jumps differ. Loops whose regions cross stay jumps, and so do the
 * outer ones while the text would grow past {@linkcode STRUCTURE_GROWTH}.
 */
function structure(
  texts: string[],
  entries: Uint8Array,
  length: number,
  ticks: Int32Array,
): string[] {
  const items: Item[] = [];
  const index = new Map<number, number>();
  let cur: Item | null = null;
  for (const t of texts) {
    const at = /^@AT (\d+)@$/.exec(t);
    if (at !== null) {
      if (cur !== null) cur.end = Number(at[1]);
      cur = { pc: Number(at[1]), end: length, text: "", gotos: [] };
      index.set(cur.pc, items.length);
      items.push(cur);
    } else if (cur !== null) {
      cur.text += t + "\n";
      for (const g of t.matchAll(/@GOTO (\d+)@/g)) cur.gotos.push(Number(g[1]));
    }
  }
  // Loops: each jump back (or to itself) makes one, those to one header are one.
  const ends = new Map<number, number>();
  for (const it of items) {
    for (const x of it.gotos) {
      if (x <= it.pc && index.has(x)) ends.set(x, Math.max(ends.get(x) ?? 0, it.end));
    }
  }
  const firstEntry = (l: Loop) => {
    for (let i = index.get(l.h)! + 1; i < items.length && items[i].pc < l.end; i++) {
      if (entries[items[i].pc] === 1) return items[i].pc;
    }
    return -1;
  };
  let loops: Loop[] = [];
  const open: Loop[] = [];
  for (const [h, end] of [...ends].sort((a, b) => a[0] - b[0])) {
    while (open.length > 0 && open[open.length - 1].end <= h) open.pop();
    if (open.length > 0 && end > open[open.length - 1].end) continue; // crossing
    const l = { h, end };
    // The jump over its flat copy goes to its end, which needs a case.
    if (firstEntry(l) >= 0 && (end >= length || entries[end] !== 1)) continue;
    loops.push(l);
    open.push(l);
  }
  const flatSize = texts.reduce((n, t) => n + t.length, 0);
  for (;;) {
    const out = emitStructured(items, index, loops, entries, firstEntry, ticks);
    const size = out.reduce((n, t) => n + t.length, 0);
    if (size <= flatSize * STRUCTURE_GROWTH || loops.length === 0) return out;
    // Too long: the largest loop stays jumps (the outer loops copy the inner ones most).
    let big = 0;
    for (let i = 1; i < loops.length; i++) {
      if (loops[i].end - loops[i].h > loops[big].end - loops[big].h) big = i;
    }
    loops = loops.filter((_, i) => i !== big);
  }
}

/**
 * A compiled call ends after this many jumps back to a loop's header, at the header, and the
 * function is called again there (a region by tier_split.ts's dispatcher, a whole function
 * by its own wrapper). V8 runs a call on the code it entered: once a function's first
 * optimized code (on-stack replacement into the loop) is dropped, a new call enters Maglev's
 * code, which allocates a heap BigInt per i64 operation and is not replaced while the call
 * lasts (two calls of the i64 kernel took 14 s each instead of 0.2 s). Ticks are as if
 * nothing happened: the header's run is given back and charged again on the way in.
 */
const SLICE_EDGES = 1 << 17;

/** How much longer than the flat code {@linkcode structure} may make a function's text. */
const STRUCTURE_GROWTH = 2.5;

/** The text of {@linkcode structure} for the loops `loops` (properly nested). */
function emitStructured(
  items: Item[],
  index: Map<number, number>,
  loops: Loop[],
  entries: Uint8Array,
  firstEntry: (l: Loop) => number,
  ticks: Int32Array,
): string[] {
  const out: string[] = [];
  const loopAt = new Map(loops.map((l) => [l.h, l]));
  const resolve = (it: Item, stack: Construct[]) =>
    it.text.replace(/@GOTO (\d+)@/g, (_, n) => {
      const x = Number(n);
      for (let i = stack.length - 1; i >= 0; i--) {
        const c = stack[i];
        if (c.loop && c.h === x && x <= it.pc) {
          // Every SLICE_EDGES jumps back, a new call (see SLICE_EDGES).
          return `if (--SL < 0) { F += ${ticks[x]}; X = ${x}; ST = ${JUMPED}; break exit; } ` +
            `continue L${x};`;
        }
        if (!c.loop && c.end === x) return `break B${x};`;
        if (c.loop && c.end === x) return `break L${c.h};`;
      }
      return `pc = ${x}; continue exit;`;
    });
  // The loop nested directly in the region [from, to) that contains pc, or null.
  const outermost = (pc: number, from: number, to: number): Loop | null => {
    let best: Loop | null = null;
    for (const l of loops) {
      if (l.h > from && l.end <= to && l.h <= pc && pc < l.end) {
        if (best === null || l.h < best.h) best = l;
      }
    }
    return best;
  };
  const structured = (l: Loop, stack: Construct[]) => {
    out.push(`L${l.h}: for (;;) {`);
    stack.push({ loop: true, h: l.h, end: l.end });
    body(l.h, l.end, stack);
    stack.pop();
    out.push(`break L${l.h}; }`);
  };
  // The code of [from, to) inside the loop with header `from`: its blocks, its loops.
  const body = (from: number, to: number, stack: Construct[]) => {
    // Blocks: [start, x) for jumps forward to x at this level, starts lifted to this level.
    const starts = new Map<number, number>();
    for (let i = index.get(from)!; i < items.length && items[i].pc < to; i++) {
      const it = items[i];
      for (const x of it.gotos) {
        if (x <= it.pc || x <= from || x >= to || !index.has(x)) continue;
        const inner = outermost(x, from, to);
        if (inner !== null && inner.h !== x) continue; // into a loop: through the switch
        const n = outermost(it.pc, from, to);
        const s = n === null ? it.pc : n.h;
        starts.set(x, Math.min(starts.get(x) ?? s, s));
      }
    }
    // Blocks must nest: one that starts inside another and ends after it starts with it.
    for (let changed = true; changed;) {
      changed = false;
      for (const [xa, sa] of starts) {
        for (const [xb, sb] of starts) {
          if (sa < sb && sb < xa && xa < xb) {
            starts.set(xb, sa);
            changed = true;
          }
        }
      }
    }
    const blocks = [...starts].sort((a, b) => b[0] - a[0]); // the longest opens first
    let i = index.get(from)!;
    while (i < items.length && items[i].pc < to) {
      const pc = items[i].pc;
      while (
        stack.length > 0 && !stack[stack.length - 1].loop && stack[stack.length - 1].end === pc
      ) {
        stack.pop();
        out.push("}");
      }
      for (const [x, s] of blocks) {
        if (s === pc) {
          out.push(`B${x}: {`);
          stack.push({ loop: false, end: x });
        }
      }
      const l = loopAt.get(pc);
      if (l !== undefined && pc !== from) {
        structured(l, stack);
        i = index.get(l.end) ?? items.length;
      } else {
        out.push(resolve(items[i], stack));
        i++;
      }
    }
  };
  // Top-level code [from, to): cases at the entries.
  const flat = (from: number, to: number) => {
    let i = index.get(from)!;
    while (i < items.length && items[i].pc < to) {
      const pc = items[i].pc;
      if (entries[pc] === 1) out.push(`case ${pc}:`);
      const l = loopAt.get(pc);
      if (l !== undefined) {
        structured(l, []);
        const y = firstEntry(l);
        if (y >= 0) {
          out.push(`pc = ${l.end}; continue exit;`);
          flat(y, l.end);
        }
        i = index.get(l.end) ?? items.length;
      } else {
        out.push(resolve(items[i], []));
        i++;
      }
    }
  };
  if (items.length > 0) flat(items[0].pc, Infinity);
  return out;
}

/** The slot views a frame view stands for: its name, the view's Int32 words per element. */
const FRAME_VIEWS = [["I32", 1], ["F32", 1], ["I64", 2], ["F64", 2], ["U64", 2]] as const;

/**
 * For a function with a loop: its frame's constant slot places in `body` (the compiled
 * function's lines) rewritten in place to views of the frame (`L<view>`, subarrays of the
 * stack made when the function is entered at another frame than the last time); returns
 * their declarations (the closure's, the function's). V8 checks the bounds of `I64[fh + 7]` at each
 * access and of `L64[7]` hardly at all (2x on the i64 kernel). A function without a loop runs
 * too briefly to pay for the views.
 */
function frameViews(cf: CompiledFunc, body: string[]): [string, string] {
  const code = cf.code;
  let loop = false;
  for (let pc = 0; pc < code.length && !loop; pc += 1 + IR_ARITY[code[pc]]) {
    const kinds = IR_OPS[code[pc]].kinds;
    for (let k = 0; k < kinds.length; k++) {
      if (kinds[k] === "t" && code[pc + 1 + k] <= pc || kinds[k] === "b") loop = true;
    }
  }
  if (!loop) return ["", ""];
  const words = cf.frameSize * 2;
  const used = new Set<string>();
  const place = (all: string, v: string, n: string) => {
    const w = v === "I32" || v === "F32" ? 1 : 2, k = Number(n);
    if (k < 0 || k * w >= words) return all;
    used.add(v);
    return `L${v}[${k}]`;
  };
  const rewrite = (t: string) =>
    t.replace(/\b(I32|F32)\[fp \+ (-?\d+)\]/g, place)
      .replace(/\b(I64|F64|U64)\[\(?fh \+ (-?\d+)\)?\]/g, place);
  for (let i = 0; i < body.length; i++) body[i] = rewrite(body[i]);
  if (used.size === 0) return ["", ""];
  const kept = FRAME_VIEWS.filter(([v]) => used.has(v));
  const make = kept.map(([v, w]) =>
    `V${v} = ${v}.subarray(${w === 1 ? "fp" : "fh"}, ${w === 1 ? "fp" : "fh"} + ${words / w});`
  );
  return [
    `let VFP = -1, ${kept.map(([v]) => `V${v} = null`).join(", ")};`,
    `  if (fp !== VFP) { VFP = fp; ${make.join(" ")} }\n` +
    `  const ${kept.map(([v]) => `L${v} = V${v}`).join(", ")};`,
  ];
}

/**
 * The compiled function at store address `addr` of `m`: compiles it on first use (or, in the
 * "hot" mode, once its calls reach `m.tierThreshold`, each counting `weight`); null for a host
 * function or one that stays interpreted.
 */
export function tierFunction(
  m: Machine,
  addr: number,
  H: TierHelpers,
  weight = 1,
): TierFn | null {
  const s = tierState(m);
  const heat = s.heat;
  const known = s.fns[addr];
  if (known !== undefined) {
    // (The loop's fast path counted it down: set it back.)
    if (addr < heat.length) heat[addr] = known === null ? COLD : 0;
    return known;
  }
  if (m.store.objects[addr]?.kind !== "wasm") {
    s.fns[addr] = null;
    if (addr < heat.length) heat[addr] = COLD;
    return null;
  }
  if (m.tier === "hot") {
    // (One made since the loop started is counted from the loop's next start.)
    if (addr >= heat.length) return null;
    const h = heat[addr] - weight;
    heat[addr] = h > 0 ? h : 0;
    if (h > 0) return null;
  }
  const cf = m.code(addr);
  let fn: TierFn | null = null;
  const lookup = (f: number) => m.store.objects[f]?.kind === "wasm" ? m.code(f) : undefined;
  const build = (src: string) => {
    const ensure = (f: number) => tierFunction(m, f, H);
    // deno-lint-ignore no-explicit-any
    const env: any[] = [
      m,
      m.store,
      cf,
      s.fns,
      ensure,
      H,
      N,
      Trap,
      Exhaustion,
      oobMemory,
      memLoad,
      memStore,
      memorySize,
      memoryGrow,
      memoryFill,
      memoryCopy,
      memoryInit,
      dataDrop,
      tableGet,
      tableSet,
      tableSize,
      tableGrow,
      tableFill,
      tableCopy,
      tableInit,
      elemDrop,
      simdOp,
      simdMemOp,
      simdMem0Op,
      resolveIndirect,
      nullFunc,
      s,
      (d: number, f: number, pc: number, fp: number) => record(m, d, f, pc, fp),
    ];
    return new Function(...NAMES, src)(...env) as TierFn;
  };
  const entries = tierEntries(cf);
  if (cf.code.length <= s.maxCode) {
    fn = build(tierSource(cf, lookup, undefined, entries, s.sliceEdges)!);
  } else {
    // In regions, each compiled when first entered or, "hot", entered often (tier_split.ts).
    const starts = regionStarts(cf, entries, s.regionCode);
    // "hot": a region once entered as often as a function is called before it is compiled.
    const hot = m.tier === "hot" ? m.tierThreshold : 0;
    fn = splitFunction(m, addr, cf.code.length, starts, hot, (lo, hi) => {
      return build(tierSource(cf, lookup, [lo, hi], entries, s.sliceEdges)!);
    }, s);
  }
  s.entries[addr] = entries;
  s.fns[addr] = fn;
  if (addr < heat.length) heat[addr] = fn === null ? COLD : 0;
  return fn;
}

/**
 * Writes the call-stack record of a compiled caller at depth `d` (its function `f`, the pc
 * its call returns to and its frame): compiled calls push no records, a compiled frame writes
 * its own when a callee stops or fails under it.
 */
function record(m: Machine, d: number, f: number, pc: number, fp: number): void {
  let fr = m.frames;
  const at = d * FRAME_STRIDE;
  if (at + FRAME_STRIDE > fr.length) {
    const g = new Int32Array(Math.max(fr.length * 2, at + FRAME_STRIDE));
    g.set(fr);
    m.frames = fr = g;
  }
  fr[at] = f;
  fr[at + 1] = pc;
  fr[at + 2] = fp;
}

/**
 * Runs compiled code from the machine's current frame while it can: the frame's function is
 * compiled, its pc is an entry and the fuel pays the run there. Returns -1 when it ran
 * nothing, 0 (interp.ts DONE) when the invocation's entry record was popped, 1 when it ran
 * and returned into a function that is not compiled, 2 when compiled code stopped inside its
 * function (the machine then holds the frame to go on with, in the interpreter).
 * `resumed`: the loop was called again (this frame ran a long time).
 */
export function enterTier(m: Machine, H: TierHelpers, resumed: boolean): number {
  let ran = -1;
  const s = tierState(m);
  for (;;) {
    // A run resumed inside a function (after a slice of the loop) makes it hot at once.
    const fn = tierFunction(m, m.funcAddr, H, resumed && m.pc !== 0 ? m.tierThreshold : 1);
    resumed = false;
    if (fn === null) return ran;
    const cf = m.compiled[m.funcAddr]!;
    const pc = m.pc;
    if (s.entries[m.funcAddr]![pc] !== 1 || m.fuel < cf.ticks[pc]) return ran;
    const d = m.depth;
    s.base = d;
    s.lim = Math.min(m.maxDepth, d + JS_DEPTH);
    // Compiled code counts ticks in a small integer (V8 keeps it unboxed): at most SLICE of
    // them, the rest of the fuel stays here (an exhausted slice unwinds, exactly).
    const fuel = m.fuel, slice = fuel > SLICE ? SLICE : fuel;
    let left: number;
    try {
      left = fn(m.fp, pc, s.lim - d, slice);
    } catch (e) {
      m.fuel = fuel - (slice - m.fuel);
      throw e;
    }
    if (left === UNWOUND) {
      m.fuel = fuel - (slice - m.fuel);
      return 2;
    }
    m.fuel = fuel - (slice - left);
    ran = 1;
    // It returned: pop the caller's record, as the loop's `return` does.
    m.depth = d;
    const at = (d - 1) * FRAME_STRIDE;
    if (m.frames[at] < 0) {
      m.popFrame();
      return 0;
    }
    m.popFrame();
  }
}
