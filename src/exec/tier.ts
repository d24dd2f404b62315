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
 * {@linkcode UNWOUND}), and so do its compiled callers: their call-stack records are pushed
 * at each call as the interpreter pushes them, so the interpreter goes on from there
 * (src/exec/interp.ts enters compiled code again at the next call or return into a compiled
 * function). Traps leave the failing frame in the machine as the loop does.
 *
 * A function is compiled when every instruction of it has a template or a case below and it
 * has no exception handlers; any other function stays interpreted (the fallback is per
 * function).
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

/** Which functions run compiled: none, those called often, or all that can be. */
export type TierMode = "off" | "hot" | "all";

/**
 * A compiled function: runs the frame at `fp` from instruction `pc` (an entry of it, see
 * {@linkcode tierEntries}); `jd` counts the compiled frames under it on the JS stack. Returns
 * {@linkcode RETURNED} (results in its frame's first slots) or {@linkcode UNWOUND}.
 */
export type TierFn = (fp: number, pc: number, jd: number) => number;

/** A compiled function's status: it returned. */
export const RETURNED = 0;
/** A compiled function's status: it stopped; the machine's current frame goes on. */
export const UNWOUND = 1;

/** The most compiled frames on the JS stack at once; deeper calls go through the interpreter. */
export const JS_DEPTH = 400;

/** Calls of a function before the "hot" tier compiles it. */
export const HOT_CALLS = 2;

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
}

/** The tier's per-machine state (not machine state: derived, never in a snapshot). */
export interface TierState {
  /** Compiled functions by store address: a function, null (stays interpreted), or unknown. */
  fns: (TierFn | null | undefined)[];
  /** Calls seen per address (the "hot" mode). */
  calls: number[];
  /** Entry pcs per address (1 at an entry). */
  entries: (Uint8Array | undefined)[];
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

const NAME = IR_OPS.map((o) => o.name);

/** The tier state of `m` (made on first use). */
export function tierState(m: Machine): TierState {
  let s = m.tierState as TierState | null;
  if (s === null) {
    s = { fns: [], calls: [], entries: [] };
    m.tierState = s;
  }
  return s;
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
    .replace(/\$(\d)/g, (_, k) => lit(code[pc + Number(k)]))
    .replace(/@([\w.]+)@/g, (_, n) => String(IR[n]));
}

/**
 * The JavaScript source of the compiled function of `cf` (store address `addr`), or null
 * when an instruction has neither template nor case here.
 */
export function tierSource(cf: CompiledFunc): string | null {
  if (cf.handlers.length > 0) return null;
  const code = cf.code, ticks = cf.ticks, addr = cf.addr;
  const entries = tierEntries(cf);
  const out: string[] = [];
  // Leave at `x` (an instruction start whose run is paid): give back the rest of the run.
  const leave = (x: string, refund: string) =>
    `{ m.fuel = F + ${refund}; m.funcAddr = ${addr}; m.pc = ${x}; m.fp = fp; return 1; }`;
  const charge = (x: number) => `if ((F -= ${ticks[x]}) < 0) ${leave(String(x), String(ticks[x]))}`;
  const jump = (x: number) => `{ pc = ${x}; ${charge(x)} continue; }`;
  const refresh = "if (MEM !== null && MEM.buffer !== BUF || store.globalSlots !== GB) refresh();";
  // A call at `pc` (return pc `ret`), callee address in the JS expression `callee`.
  const call = (pc: number, ret: number, callee: string, argSlot: number, direct: boolean) => {
    const s: string[] = [`P = ${pc};`, `{ const f = ${callee};`];
    if (direct) s.push(`let g = J[f]; if (g === undefined) g = ensure(f);`);
    else s.push(`let g = J[f]; if (g === undefined) g = ensure(f);`);
    s.push(`if (g === null || jd >= ${JS_DEPTH}) ${leave(String(pc), String(ticks[pc]))}`);
    s.push(`const ncf = m.compiled[f], nfp = fp + ${argSlot};`);
    s.push(`if (nfp + ncf.frameSize * 2 > m.stackLimit) H.exhausted();`);
    s.push(
      `if (ncf.locals > ncf.params) I64.fill(0n, (nfp >> 1) + ncf.params, (nfp >> 1) + ncf.locals);`,
    );
    s.push(`m.pushFrame(${addr}, ${ret}, fp, false);`);
    s.push(`m.fuel = F;`);
    s.push(`if (g(nfp, 0, jd + 1) !== 0) return 1;`);
    s.push(`m.depth--; F = m.fuel; ${refresh} }`);
    return s.join("\n");
  };
  let pc = 0;
  while (pc < code.length) {
    const op = code[pc];
    const name = NAME[op];
    const len = 1 + IR_ARITY[op];
    if (entries[pc] === 1) out.push(`case ${pc}:`);
    const simple = SIMPLE[name];
    const branch = BRANCH[name];
    const prefix = PREFIX[name];
    if (simple !== undefined) {
      if (!templateOk(simple[1])) return null;
      // Ops that may trap or call out record the pc first (for the backtrace).
      if (/[A-Za-z_]\(/.test(simple[1].replace(/Math\.\w+\(|BigInt\(/g, ""))) {
        out.push(`P = ${pc};`);
      }
      out.push(`{ ${paste(simple[1], code, pc)} }`);
      if (name === "memory.grow") out.push(refresh);
      if (simple[0] !== len) {
        if (IR_CONSUMES[op] === 0 && simple[0] < len) return null;
        out.push(`pc = ${pc + simple[0]}; continue;`);
      }
    } else if (branch !== undefined) {
      if (!templateOk(branch[1]) || !templateOk(branch[2])) return null;
      const target = code[pc + branch[3]];
      out.push(`${paste(branch[1], code, pc)}`);
      out.push(`if (${paste(branch[2], code, pc)}) ${jump(target)}`);
      out.push(charge(pc + branch[0]));
    } else if (prefix !== undefined) {
      const t = SIMPLE[prefix];
      if (t === undefined || !templateOk(t[1])) return null;
      out.push(`{ ${paste(t[1], code, pc)} }`);
      // The instruction after it follows (an entry: the prefix ends a run), in the same tick.
    } else {
      switch (name) {
        case "nop":
          break;
        case "unreachable":
          out.push(`P = ${pc}; throw new Trap("unreachable");`);
          break;
        case "br":
          out.push(jump(code[pc + 1]));
          break;
        case "br_table": {
          const b = code[pc + 2], n = cf.brTables[b];
          out.push(`{ const i = I32[fp + ${code[pc + 1]}] >>> 0;`);
          out.push(`pc = BT[${b + 1} + (i < ${n} ? i : ${n})];`);
          out.push(`if ((F -= TK[pc]) < 0) ${leave("pc", "TK[pc]")} continue; }`);
          break;
        }
        case "return":
          out.push(`m.fuel = F; return 0;`);
          break;
        case "return_if.i32.lt_s_imm":
          out.push(
            `if (I32[fp + ${code[pc + 1]}] < ${lit(code[pc + 2])}) { m.fuel = F; return 0; }`,
          );
          out.push(charge(pc + len));
          break;
        case "return_if.i32.eq_imm":
        case "return_if.i32.ne_imm":
        case "return_if.i32.lt_u_imm":
        case "return_if.i32.eq":
        case "return_if.i32.ne":
        case "return_if.i32.lt_u":
        case "return_if.i32.le_u":
          out.push(
            `if (H.returnCond(${op}, I32[fp + ${code[pc + 1]}], ${
              lit(code[pc + 2])
            }, I32, fp)) { m.fuel = F; return 0; }`,
          );
          out.push(charge(pc + len));
          break;
        case "call":
          out.push(call(pc, pc + len, String(code[pc + 1]), code[pc + 2], true));
          out.push(charge(pc + len));
          break;
        case "call_indirect":
          out.push(
            `P = ${pc};`,
            call(
              pc,
              pc + len,
              `resolveIndirect(m, ${code[pc + 3]}, fp + ${code[pc + 2]}, ${code[pc + 4]})`,
              code[pc + 1],
              false,
            ),
          );
          out.push(charge(pc + len));
          break;
        case "call_ref":
          out.push(
            `P = ${pc};`,
            call(
              pc,
              pc + len,
              `I32[fp + ${code[pc + 2]}] || nullFunc()`,
              code[pc + 1],
              false,
            ),
          );
          out.push(charge(pc + len));
          break;
        case "mem.copy8.x4":
        case "mem.copy32.x4": {
          // Four copies at once when all are in bounds, else the first (as the loop does).
          const w = name === "mem.copy8.x4" ? 1 : 4;
          let after = pc + len;
          for (let k = IR_CONSUMES[op]; k > 0; k--) after += 1 + IR_ARITY[code[after]];
          const one = (k: number) =>
            w === 1
              ? `U8[dst + ${k}] = U8[src + ${k}];`
              : `DV.setInt32(dst + ${k}, DV.getInt32(src + ${k}, true), true);`;
          out.push(
            `P = ${pc}; { const src = I32[fp + ${code[pc + 2]}] >>> 0, dst = I32[fp + ${
              code[pc + 1]
            }] >>> 0;`,
            `if (src + ${4 * w} <= memLen && dst + ${4 * w} <= memLen) {`,
            `${one(0)} ${one(w)} ${one(2 * w)} ${one(3 * w)} pc = ${after}; continue; }`,
            `if (src + ${w} > memLen || dst + ${w} > memLen) oobMemory();`,
            `${one(0)} }`,
          );
          break;
        }
        case "memory.grow":
          out.push(
            `P = ${pc}; memoryGrow(m, ${code[pc + 3]}, fp + ${code[pc + 1]}, fp + ${
              code[pc + 2]
            });`,
          );
          out.push(refresh);
          out.push(charge(pc + len));
          break;
        default:
          return null;
      }
    }
    pc += len;
  }
  return [
    `let MEM = CF.mem0, BUF = null, DV = null, U8 = null, memLen = 0, GB = null, G32 = null, G64 = null;`,
    `const I32 = m.i32, F32 = m.f32, F64 = m.f64, I64 = m.i64, U64 = m.u64, SV = m.simd;`,
    `const P64 = CF.pool64, TK = CF.ticks, BT = CF.brTables;`,
    `const trap = H.trap, exhausted = H.exhausted, i64Binary = H.i64Binary, convert = H.convert, returnCond = H.returnCond;`,
    `function refresh() {`,
    `  if (MEM !== null) { BUF = MEM.buffer; DV = new DataView(BUF); U8 = new Uint8Array(BUF); memLen = BUF.byteLength; }`,
    `  GB = store.globalSlots; G32 = new Int32Array(GB); G64 = new BigInt64Array(GB);`,
    `}`,
    `return function f${addr}(fp, pc, jd) {`,
    `  ${refresh}`,
    `  const fh = fp >> 1, d0 = m.depth;`,
    `  let F = m.fuel, P = pc;`,
    `  if ((F -= TK[pc]) < 0) ${leave("pc", "TK[pc]")}`,
    `  try {`,
    `    for (;;) {`,
    `      switch (pc) {`,
    ...out,
    `      default: throw new Error("tier: bad entry " + pc);`,
    `      }`,
    `    }`,
    `  } catch (e) {`,
    `    if (m.depth === d0) { m.funcAddr = ${addr}; m.pc = P; m.fp = fp; }`,
    `    throw e;`,
    `  }`,
    `};`,
  ].join("\n");
}

/**
 * The compiled function at store address `addr` of `m`: compiles it on first use (or after
 * {@linkcode HOT_CALLS} calls in the "hot" mode); null for a host function or one that stays
 * interpreted.
 */
export function tierFunction(m: Machine, addr: number, H: TierHelpers): TierFn | null {
  const s = tierState(m);
  const known = s.fns[addr];
  if (known !== undefined) return known;
  if (m.store.objects[addr]?.kind !== "wasm") {
    s.fns[addr] = null;
    return null;
  }
  if (m.tier === "hot") {
    const c = (s.calls[addr] ?? 0) + 1;
    s.calls[addr] = c;
    if (c < m.tierThreshold) return null;
  }
  const cf = m.code(addr);
  let fn: TierFn | null = null;
  const src = tierSource(cf);
  if (src !== null) {
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
    ];
    fn = new Function(...NAMES, src)(...env) as TierFn;
    s.entries[addr] = tierEntries(cf);
  }
  s.fns[addr] = fn;
  return fn;
}

/**
 * Runs compiled code from the machine's current frame while it can: the frame's function is
 * compiled, its pc is an entry and the fuel pays the run there. Returns -1 when it ran
 * nothing, 0 (interp.ts DONE) when the invocation's entry record was popped, 1 when it ran
 * (the machine then holds the frame to go on with, to be interpreted at least until its next
 * call or return).
 */
export function enterTier(m: Machine, H: TierHelpers): number {
  let ran = -1;
  for (;;) {
    const fn = tierFunction(m, m.funcAddr, H);
    if (fn === null) return ran;
    const cf = m.compiled[m.funcAddr]!;
    const pc = m.pc;
    if (tierState(m).entries[m.funcAddr]![pc] !== 1 || m.fuel < cf.ticks[pc]) return ran;
    const st = fn(m.fp, pc, 0);
    if (st === UNWOUND) return 1;
    ran = 1;
    // It returned: pop the caller's record, as the loop's `return` does.
    const at = (m.depth - 1) * FRAME_STRIDE;
    if (m.frames[at] < 0) {
      m.popFrame();
      return 0;
    }
    m.popFrame();
  }
}
