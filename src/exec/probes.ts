/**
 * Probes: exact stops for the debugger's searches, at no cost to the normal path. While a
 * {@linkcode Probes} is armed on a machine, chosen instructions of its compiled code are
 * overwritten in place (as the budget's `pause` is, interp.ts) by one of two ops that are not
 * rows of the IR table (negative numbers: the loop's `default` case runs them):
 *
 * - {@linkcode PROBE_BREAK}: the loop stops *before* the instruction (the machine stands at
 *   it, its tick not taken; `Execution.runFor` answers `paused` with the rest of the budget)
 *   and sets `hit`. Put over breakpoint sites, over writes of a watched global or table slot,
 *   and over the memory writes that {@linkcode Probes.store} does not execute itself.
 * - {@linkcode PROBE_STORE}: over the common memory-0 stores when memory is watched; the loop
 *   calls {@linkcode Probes.store}, which executes the store itself when it writes no watched
 *   byte (and is in bounds), else stops as PROBE_BREAK does.
 *
 * The driver (src/debug/recording.ts) then inspects the machine and, to go on, runs the
 * instruction it stands at with {@linkcode Probes.step}-like care: `unpatch` that pc, run one
 * tick, `repatch`. Functions lowered while armed are patched too (`Machine.probes.lowered`).
 * Only instruction starts are patched, never the instructions a prefix executes itself
 * (`IR_CONSUMES`): the prefix's own site stands for them.
 *
 * Host functions are not probed here: their effects come from outside the loop (the replay
 * log watches them). The compiled tier is off while armed (its code would not see probes).
 *
 * @module
 */

import type { CompiledFunc } from "../ir/compiled.ts";
import { IR, IR_ARITY, IR_CONSUMES } from "../ir/ops.ts";
import type { MemInst } from "../runtime/store.ts";
import { type Machine, PROBE_BREAK, PROBE_STORE, type ProbeHooks } from "./machine.ts";
import { memoryCopy, memoryFill, memoryInit } from "./memory_ops.ts";

export { PROBE_BREAK, PROBE_STORE };

/** What to probe. */
export interface ProbeSpec {
  /** Breakpoint sites: pcs (instruction starts) of the compiled code of function `func`. */
  breaks?: { func: number; pcs: number[] }[];
  /** Watched memory ranges: store memory address, byte address, length. */
  memory?: { memory: number; address: number; length: number }[];
  /** Watched globals (store addresses). */
  globals?: number[];
  /** Tables whose writes stop (store addresses). */
  tables?: number[];
}

/** The memory-0 stores executed by {@linkcode Probes.store}: op -> bytes written. */
const FAST = new Map<number, number>([
  [IR["i32.store"], 4],
  [IR["f32.store"], 4],
  [IR["i64.store32"], 4],
  [IR["i64.store"], 8],
  [IR["f64.store"], 8],
  [IR["i32.store8"], 1],
  [IR["i64.store8"], 1],
  [IR["i32.store16"], 2],
  [IR["i64.store16"], 2],
  [IR["v128.store"], 16],
  [IR["i32.store_imm"], 4],
  [IR["i32.store8_imm"], 1],
  [IR["i32.store16_imm"], 2],
  [IR["i32.store8_imm_idx"], 1],
  [IR["mem.copy8"], 1],
  [IR["mem.copy32"], 4],
  [IR["mem.copy64"], 8],
  [IR["mem.copy8_add"], 1],
  [IR["mem.copy8_add2"], 1],
  [IR["mem.copy32_add2"], 4],
  [IR["mem.copy64_add2"], 8],
  [IR["mem.copy8.x4"], 4],
  [IR["mem.copy32.x4"], 16],
  [IR["f64.add_store"], 8],
  [IR["memory.fill"], -1],
  [IR["memory.copy"], -1],
  [IR["memory.init"], -1],
]);

/** Memory writes that always stop (rare, or not on memory 0). */
const SLOW = new Set<number>([IR["mem.store"], IR["memory.grow"]]);

/** SIMD instruction numbers (after 0xFD) that store: v128.store and the lane stores. */
const SIMD_STORES = new Set<number>([0x0b, 0x58, 0x59, 0x5a, 0x5b]);

/** Writes of globals: op -> the operand position of its `g`. */
const GLOBAL_SETS = new Set<number>([IR["global.set"], IR["global.set64"], IR["global.set_v128"]]);

/** Writes of tables: op -> operand index of its (destination) table. */
const TABLE_WRITES = new Map<number, number>([
  [IR["table.set"], 3],
  [IR["table.grow"], 4],
  [IR["table.fill"], 4],
  [IR["table.copy"], 4],
  [IR["table.init"], 4],
]);

/** Probes armed on a machine (see the module doc). */
export class Probes implements ProbeHooks {
  /** The machine. */
  readonly machine: Machine;
  /** Set by the loop when it stopped at a probe (clear it before running). */
  hit = false;
  /** Original ops of the patched pcs, by code array. */
  private readonly saved = new Map<Int32Array, Map<number, number>>();
  /** Watched ranges as [memory, lo, hi) triples. */
  private readonly ranges: { mem: MemInst; lo: number; hi: number }[];
  private readonly breaks: Map<number, number[]>;
  /** Watched global slots, in Int32 units of `store.globalSlots`. */
  private readonly globalSlots: Set<number>;
  private readonly tables: Set<number>;
  /** The machine's tier setting before `arm`. */
  private tier: Machine["tier"] = "off";

  /** Probes of `spec` on `m` (not armed yet). */
  constructor(m: Machine, spec: ProbeSpec) {
    this.machine = m;
    const store = m.store;
    this.ranges = (spec.memory ?? []).map((r) => ({
      mem: store.memories[r.memory],
      lo: r.address,
      hi: r.address + r.length,
    }));
    this.breaks = new Map();
    for (const b of spec.breaks ?? []) {
      this.breaks.set(b.func, [...(this.breaks.get(b.func) ?? []), ...b.pcs]);
    }
    this.globalSlots = new Set((spec.globals ?? []).map((g) => store.globals[g].slot * 2));
    this.tables = new Set(spec.tables ?? []);
  }

  /** Patches every compiled function and makes the machine patch those lowered later. */
  arm(): void {
    if (this.machine.probes !== null) throw new Error("Probes: the machine is already probed");
    this.machine.probes = this;
    // Compiled code (the tier) would not see the probes: off while armed.
    this.tier = this.machine.tier;
    this.machine.tier = "off";
    for (const cf of this.machine.compiled) if (cf !== undefined) this.lowered(cf);
  }

  /** Puts every patched instruction back and detaches from the machine. */
  disarm(): void {
    for (const [code, pcs] of this.saved) for (const [pc, op] of pcs) code[pc] = op;
    this.saved.clear();
    if (this.machine.probes === this) {
      this.machine.probes = null;
      this.machine.tier = this.tier;
    }
  }

  /** Patches function `cf` (called for each function lowered while armed). */
  lowered(cf: CompiledFunc): void {
    const code = cf.code;
    if (this.saved.has(code)) return;
    const pcs = new Map<number, number>();
    const sites = new Set(this.breaks.get(cf.addr) ?? []);
    const watchMem = this.ranges.length > 0;
    for (let pc = 0; pc < code.length;) {
      const op = code[pc];
      let probe = 0;
      if (sites.has(pc)) probe = PROBE_BREAK;
      else if (watchMem && FAST.has(op)) probe = PROBE_STORE;
      else if (watchMem && SLOW.has(op)) probe = PROBE_BREAK;
      else if (
        watchMem && (op === IR["simd.mem"] || op === IR["simd.mem0"]) &&
        SIMD_STORES.has(code[pc + 1] & 0xffff)
      ) probe = PROBE_BREAK;
      else if (GLOBAL_SETS.has(op) && this.globalSlots.has(code[pc + 1])) probe = PROBE_BREAK;
      else if (TABLE_WRITES.has(op) && this.tables.has(code[pc + TABLE_WRITES.get(op)!])) {
        probe = PROBE_BREAK;
      }
      if (probe !== 0) {
        pcs.set(pc, op);
        code[pc] = probe;
      }
      let next = pc + 1 + IR_ARITY[op];
      for (let c = IR_CONSUMES[op]; c > 0; c--) next += 1 + IR_ARITY[code[next]];
      pc = next;
    }
    this.saved.set(code, pcs);
  }

  /** The op the loop sees at `pc` of `code` is patched: the original, else `code[pc]`. */
  opAt(code: Int32Array, pc: number): number {
    return this.saved.get(code)?.get(pc) ?? code[pc];
  }

  /** Whether `pc` of `code` carries a probe. */
  patched(code: Int32Array, pc: number): boolean {
    return this.saved.get(code)?.has(pc) ?? false;
  }

  /** Puts the original instruction back at `pc` of `code` (to run it once). */
  unpatch(code: Int32Array, pc: number): void {
    const op = this.saved.get(code)?.get(pc);
    if (op !== undefined) code[pc] = op;
  }

  /** Puts the probe back at `pc` of `code` after {@linkcode unpatch}. */
  repatch(code: Int32Array, pc: number): void {
    const op = this.saved.get(code)?.get(pc);
    if (op === undefined) return;
    code[pc] = FAST.has(op) && this.ranges.length > 0 ? PROBE_STORE : PROBE_BREAK;
  }

  /** Whether bytes [lo, hi) of `mem` meet a watched range. */
  private watched(mem: MemInst | null, lo: number, hi: number): boolean {
    for (const r of this.ranges) if (r.mem === mem && lo < r.hi && r.lo < hi) return true;
    return false;
  }

  /**
   * The PROBE_STORE at `pc` of `cf` with frame `fp`: executes the original store when it
   * writes no watched byte and stays in bounds, and returns the pc after it; else -1 (stop).
   */
  store(cf: CompiledFunc, pc: number, fp: number): number {
    const m = this.machine, code = cf.code, I32 = m.i32;
    const op = this.saved.get(code)!.get(pc)!;
    const mem = cf.mem0;
    const size = FAST.get(op)!;
    if (size < 0) return this.bulk(cf, op, pc, fp);
    if (mem === null) return -1;
    const len = mem.buffer.byteLength;
    let dst: number, src = -1, imm = 0, next = pc + 1 + IR_ARITY[op];
    switch (op) {
      case IR["i32.store8_imm_idx"]:
        dst = ((I32[fp + code[pc + 1]] + I32[fp + code[pc + 2]]) >>> 0) + (code[pc + 4] >>> 0);
        imm = code[pc + 3];
        break;
      case IR["i32.store_imm"]:
      case IR["i32.store8_imm"]:
      case IR["i32.store16_imm"]:
        dst = (I32[fp + code[pc + 1]] >>> 0) + (code[pc + 3] >>> 0);
        imm = code[pc + 2];
        break;
      case IR["mem.copy8"]:
      case IR["mem.copy32"]:
      case IR["mem.copy64"]:
        dst = (I32[fp + code[pc + 1]] >>> 0) + (code[pc + 3] >>> 0);
        src = (I32[fp + code[pc + 2]] >>> 0) + (code[pc + 4] >>> 0);
        break;
      case IR["mem.copy8_add"]:
        dst = (I32[fp + code[pc + 1]] >>> 0) + (code[pc + 4] >>> 0);
        src = ((I32[fp + code[pc + 2]] + code[pc + 3]) >>> 0) + (code[pc + 5] >>> 0);
        break;
      case IR["mem.copy8_add2"]:
      case IR["mem.copy32_add2"]:
      case IR["mem.copy64_add2"]:
        dst = ((I32[fp + code[pc + 1]] + code[pc + 2]) >>> 0) + (code[pc + 5] >>> 0);
        src = ((I32[fp + code[pc + 3]] + code[pc + 4]) >>> 0) + (code[pc + 6] >>> 0);
        break;
      case IR["mem.copy8.x4"]:
      case IR["mem.copy32.x4"]:
        // The four copies at once (in order), only when all are in bounds.
        dst = I32[fp + code[pc + 1]] >>> 0;
        src = I32[fp + code[pc + 2]] >>> 0;
        for (let c = IR_CONSUMES[op]; c > 0; c--) next += 1 + IR_ARITY[code[next]];
        break;
      default:
        // The plain stores (and f64.add_store): address s1 + o, value s2.
        dst = (I32[fp + code[pc + 1]] >>> 0) + (code[pc + 3] >>> 0);
    }
    if (dst + size > len || (src >= 0 && src + size > len)) return -1;
    if (this.watched(mem, dst, dst + size)) return -1;
    const u8 = new Uint8Array(mem.buffer);
    switch (op) {
      case IR["i32.store_imm"]:
      case IR["i32.store8_imm"]:
      case IR["i32.store16_imm"]:
      case IR["i32.store8_imm_idx"]:
        for (let i = 0; i < size; i++) u8[dst + i] = imm >> (8 * i);
        break;
      case IR["f64.add_store"]: {
        const dv = new DataView(mem.buffer);
        dv.setFloat64(dst, m.f64[(fp + code[pc + 2]) >> 1] + dv.getFloat64(dst, true), true);
        break;
      }
      default:
        if (src >= 0) {
          // In order, byte by byte within each copy unit: as the loop's copies.
          if (op === IR["mem.copy8.x4"] || op === IR["mem.copy32.x4"]) {
            const w = size / 4;
            for (let k = 0; k < 4; k++) {
              u8.set(u8.slice(src + k * w, src + (k + 1) * w), dst + k * w);
            }
          } else u8.set(u8.slice(src, src + size), dst);
        } else {
          // A value in the stack slot(s) at s2: its low `size` bytes (little-endian both).
          const at = (fp + code[pc + 2]) * 4;
          u8.set(m.u8.subarray(at, at + size), dst);
        }
    }
    return next;
  }

  /** memory.fill/copy/init under a PROBE_STORE (i32 memories only; others stop). */
  private bulk(cf: CompiledFunc, op: number, pc: number, fp: number): number {
    const m = this.machine, code = cf.code, I32 = m.i32;
    const mem = m.store.memories[code[pc + 4]];
    if (mem.type.is64) return -1;
    const dst = I32[fp + code[pc + 1]] >>> 0, n = I32[fp + code[pc + 3]] >>> 0;
    if (dst + n > mem.buffer.byteLength || this.watched(mem, dst, dst + n)) return -1;
    if (op === IR["memory.fill"]) {
      memoryFill(m, code[pc + 4], fp + code[pc + 1], fp + code[pc + 2], fp + code[pc + 3]);
    } else if (op === IR["memory.copy"]) {
      const sm = m.store.memories[code[pc + 5]];
      if (sm.type.is64) return -1;
      memoryCopy(
        m,
        code[pc + 4],
        code[pc + 5],
        fp + code[pc + 1],
        fp + code[pc + 2],
        fp + code[pc + 3],
      );
    } else {
      memoryInit(
        m,
        cf.instance,
        code[pc + 4],
        code[pc + 5],
        fp + code[pc + 1],
        fp + code[pc + 2],
        fp + code[pc + 3],
      );
    }
    return pc + 1 + IR_ARITY[op];
  }
}
