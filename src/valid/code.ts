/**
 * Validation of instruction sequences (spec §3.4 "Instructions" and the appendix's
 * validation algorithm): function bodies and constant expressions, in one linear pass each.
 *
 * The operand stack holds value types (numbers, see `src/syntax/types.ts`) in an
 * `Int32Array`; control frames live in parallel typed arrays. Unknown operands of unreachable
 * code are {@linkcode BOT} and `(ref bot)`. Instructions with a fixed type are checked from
 * the opcode table's signature letters; the others have their own rules below. Local
 * initialization (non-defaultable locals) is tracked with a stack of the locals set since
 * each block began, undone at the block's `else`, `catch` or `end`.
 *
 * Errors are {@linkcode ValidationError}s whose messages start like the spec testsuite's and
 * add the reference interpreter's detail (`type mismatch: instruction requires [i32] but
 * stack has [i64]`); they carry the function index and the byte offset of the instruction
 * (the function's `offset` plus the position in its body).
 *
 * Besides checking, validating a function produces a {@linkcode FuncInfo} for the lowering:
 * its locals, its maximum operand stack height, and the position of every block's `else`
 * and `end`.
 *
 * Not here: module-level rules (`validate.ts`), type definitions (`types.ts`).
 *
 * @module
 */

import { CodeReader } from "../binary/code.ts";
import { ValidationError } from "../errors.ts";
import { CatchKind } from "../syntax/instr.ts";
import { Op, OPS } from "../syntax/opcodes.ts";
import {
  BLOCK_EMPTY,
  type BlockType,
  EXNREF,
  F32,
  F64,
  type FuncType,
  HEAP_ANY,
  HEAP_ARRAY,
  HEAP_EQ,
  HEAP_EXN,
  HEAP_EXTERN,
  HEAP_FUNC,
  HEAP_I31,
  type HeapType,
  I16,
  I32,
  I64,
  I8,
  REF_BASE,
  refType,
  type StorageType,
  type SubType,
  V128,
  type ValType,
} from "../syntax/types.ts";
import { type Context, defaultable, funcTypeAt } from "./context.ts";
import { resultName, valName } from "./format.ts";
import { BOT, HEAP_BOT, matchVal, topHeap } from "./match.ts";

/**
 * What the lowering needs to know of a validated function, so that it need not redo the
 * work of validation.
 */
export interface FuncInfo {
  /** The types of the function's locals: its parameters, then its declared locals. */
  locals: Int32Array;
  /** The number of parameters (the first `params` entries of `locals`). */
  params: number;
  /** The greatest number of values on the operand stack at any point (locals excluded). */
  maxStack: number;
  /**
   * One entry of {@linkcode BLOCK_STRIDE} numbers per block instruction (`block`, `loop`,
   * `if`, `try_table`, legacy `try`), in the order they appear in the body:
   * - `[i + 0]` the position of the block instruction,
   * - `[i + 1]` the position of its `else`, or of the first `catch`/`catch_all`/`delegate` of
   *   a legacy `try`, or -1,
   * - `[i + 2]` the position of its `end` (or `delegate`),
   * - `[i + 3]` the operand stack height below the block's parameters when it is entered.
   * Positions are byte offsets in the function's `body`.
   */
  blocks: Int32Array;
}

/** Numbers per block in {@linkcode FuncInfo.blocks}. */
export const BLOCK_STRIDE = 4;

// Frame kinds.
const F_BLOCK = 0;
const F_LOOP = 1;
const F_IF = 2;
const F_ELSE = 3;
const F_TRY = 4;
const F_CATCH = 5;
const F_CATCH_ALL = 6;
const F_TRY_TABLE = 7;
const F_FUNC = 8;

/** Placeholder for the address type of the memory operand in signatures. */
const ADDR = 2;

const NOT_CONST = "constant expression required";

// Signatures of fixed-type instructions, from the opcode table's letters.
const SIG_NP = new Int8Array(OPS.length).fill(-1);
const SIG_P = new Int32Array(OPS.length * 3);
const SIG_R = new Int32Array(OPS.length);
/** Lanes of a `lane` instruction's shape, or of a `memarg_lane` access. */
const LANES = new Uint8Array(OPS.length);
/** Immediates of fixed-type instructions that need checks. */
const SIG_IMM = new Uint8Array(OPS.length);
const IMM_MEMARG = 1;
const IMM_MEMARG_LANE = 2;
const IMM_LANE = 3;
const IMM_SHUFFLE = 4;
const IS_CONST = new Uint8Array(OPS.length);

function letterType(c: string): ValType {
  switch (c) {
    case "i":
      return I32;
    case "I":
      return I64;
    case "f":
      return F32;
    case "F":
      return F64;
    case "v":
      return V128;
    default:
      return ADDR;
  }
}

for (const info of OPS) {
  if (info.params !== null && info.results !== null) {
    if (info.params.length > 3 || info.results.length > 1) throw new Error(info.name);
    SIG_NP[info.op] = info.params.length;
    for (let i = 0; i < info.params.length; i++) {
      SIG_P[info.op * 3 + i] = letterType(info.params[i]);
    }
    SIG_R[info.op] = info.results.length === 0 ? 0 : letterType(info.results);
  }
  SIG_IMM[info.op] = info.imm === "memarg"
    ? IMM_MEMARG
    : info.imm === "memarg_lane"
    ? IMM_MEMARG_LANE
    : info.imm === "lane"
    ? IMM_LANE
    : info.imm === "shuffle"
    ? IMM_SHUFFLE
    : 0;
  if (info.imm === "lane") {
    const shape = info.name.slice(0, 5);
    LANES[info.op] = shape === "i8x16"
      ? 16
      : shape === "i16x8"
      ? 8
      : shape === "i32x4" || shape === "f32x4"
      ? 4
      : 2;
  } else if (info.imm === "memarg_lane") {
    LANES[info.op] = 16 >> info.naturalAlign;
  }
}
for (
  const name of [
    "i32.const",
    "i64.const",
    "f32.const",
    "f64.const",
    "v128.const",
    "i32.add",
    "i32.sub",
    "i32.mul",
    "i64.add",
    "i64.sub",
    "i64.mul",
    "ref.null",
    "ref.func",
    "ref.i31",
    "struct.new",
    "struct.new_default",
    "array.new",
    "array.new_default",
    "array.new_fixed",
    "any.convert_extern",
    "extern.convert_any",
    "global.get",
    "end",
  ] as const
) IS_CONST[Op[name]] = 1;

const EMPTY: readonly ValType[] = [];
/** More locals than this are refused rather than allocated. */
const MAX_LOCALS = 1 << 24;
const TWO_32 = 0x1_0000_0000n;

/**
 * Keys of {@linkcode CodeValidator.uses} past the opcode table's ops: forms of an instruction
 * that depend on an operand type, which an engine may run or not apart from the instruction.
 */
export const USE_SELECT_V128: number = OPS.length;
/** `global.get` of a v128 global (see {@linkcode USE_SELECT_V128}). */
export const USE_GLOBAL_GET_V128: number = OPS.length + 1;
/** `global.set` of a v128 global (see {@linkcode USE_SELECT_V128}). */
export const USE_GLOBAL_SET_V128: number = OPS.length + 2;
/** The length of {@linkcode CodeValidator.uses}: every op, then the typed forms. */
export const USE_KEYS: number = OPS.length + 3;

/**
 * Validates function bodies and constant expressions of one module. Reuse one instance for
 * all of a module's code: its buffers are kept between calls.
 */
export class CodeValidator {
  private readonly c: Context;
  private readonly canon: Int32Array;
  private readonly types: readonly SubType[];

  /**
   * Where each instruction is first used in a function body: for each op (and each typed form
   * past them, `USE_SELECT_V128`...), 1 + the index of the first function validated that has
   * it, or 0. What an engine runs is checked against it at instantiation, without a pass.
   */
  readonly uses: Int32Array = new Int32Array(USE_KEYS);
  /** For each op, 1 if a constant expression validated so far has it. */
  readonly constUses: Uint8Array = new Uint8Array(OPS.length);

  // Operand stack.
  private vals = new Int32Array(64);
  private sp = 0;
  private max = 0;

  // Control frames.
  private fKind = new Uint8Array(16);
  private fType = new Int32Array(16);
  private fHeight = new Int32Array(16);
  private fUnreach = new Uint8Array(16);
  private fInit = new Int32Array(16);
  private fEntry = new Int32Array(16);
  private depth = 0;

  // Locals and their initialization.
  private locals = new Int32Array(0);
  private init = new Uint8Array(0);
  private inits = new Int32Array(16);
  private initSp = 0;

  // Types an instruction requires, for combined pops and messages.
  private want = new Int32Array(16);
  private nWant = 0;

  // Block side table.
  private blocks = new Int32Array(64);
  private nBlocks = 0;

  // Current expression.
  private r: CodeReader = new CodeReader(new Uint8Array([0x0b]));
  private func: number | null = null;
  private base = 0;
  private numGlobals = 0;
  private inBody = false;
  private resultsType = 0;

  /** A validator for code in context `c`. */
  constructor(c: Context) {
    this.c = c;
    this.canon = c.types.canon;
    this.types = c.types.types;
  }

  /**
   * Validates the body of function `index` (imports included in the numbering) with type
   * index `type`, locals `locals` (parameters excluded), body `body` at byte `offset`.
   *
   * @throws ValidationError
   */
  validateFunc(
    index: number,
    type: number,
    localRuns: readonly { count: number; type: ValType }[],
    body: Uint8Array,
    offset: number,
  ): FuncInfo {
    this.func = index;
    this.r = new CodeReader(body);
    this.base = offset;
    this.inBody = true;
    const ft = funcTypeAt(this.c.types, type);
    let n = ft.params.length;
    for (const run of localRuns) {
      n += run.count;
      if (n > MAX_LOCALS) throw new ValidationError("too many locals", index, offset);
    }
    const locals = new Int32Array(n);
    const init = new Uint8Array(n);
    let i = 0;
    for (const t of ft.params) {
      locals[i] = t;
      init[i++] = 1;
    }
    for (const run of localRuns) {
      this.checkValType(run.type);
      const d = defaultable(run.type) ? 1 : 0;
      for (let k = 0; k < run.count; k++) {
        locals[i] = run.type;
        init[i++] = d;
      }
    }
    this.locals = locals;
    this.init = init;
    this.numGlobals = this.c.globals.length;
    this.run(type);
    return {
      locals,
      params: ft.params.length,
      maxStack: this.max,
      blocks: this.blocks.slice(0, this.nBlocks * BLOCK_STRIDE),
    };
  }

  /**
   * Validates constant expression `expr` of type `t`, which may read the first `numGlobals`
   * globals (immutable ones only).
   *
   * @throws ValidationError "constant expression required", or a type error
   */
  validateConst(expr: Uint8Array, t: ValType, numGlobals: number): void {
    this.func = null;
    this.base = 0;
    this.inBody = false;
    this.numGlobals = numGlobals;
    this.locals = new Int32Array(0);
    this.init = new Uint8Array(0);
    const r = new CodeReader(expr);
    while (!r.done) {
      const op = r.next();
      if (IS_CONST[op] === 0) throw new ValidationError(NOT_CONST);
      if (op === Op["global.get"]) {
        const g = this.global(r.index);
        if (g.mutable) throw new ValidationError(NOT_CONST);
      }
    }
    this.r = new CodeReader(expr);
    this.run(t);
  }

  /** Records a use of typed form `key` in the current function body. */
  private use(key: number): void {
    if (this.inBody && this.uses[key] === 0) this.uses[key] = this.func! + 1;
  }

  // ---------------------------------------------------------------------------------------
  // Errors

  private fail(message: string): never {
    if (!this.inBody) throw new ValidationError(message);
    throw new ValidationError(message, this.func, this.base + this.r.pos);
  }

  private checkValType(t: ValType): void {
    if (t <= REF_BASE) this.checkHeap(((REF_BASE - t) >> 1) - 0x80);
  }

  private checkHeap(h: HeapType): void {
    if (h >= this.types.length) this.fail(`unknown type ${h}`);
  }

  // ---------------------------------------------------------------------------------------
  // Operand stack

  private push(t: ValType): void {
    if (this.sp === this.vals.length) {
      const v = new Int32Array(this.vals.length * 2);
      v.set(this.vals);
      this.vals = v;
    }
    this.vals[this.sp++] = t;
    if (this.sp > this.max) this.max = this.sp;
  }

  private pushAll(ts: ArrayLike<ValType>, n = ts.length): void {
    for (let i = 0; i < n; i++) this.push(ts[i]);
  }

  /** Pops any value (BOT when the stack is polymorphic and empty). */
  private popAny(): ValType {
    const d = this.depth - 1;
    if (this.sp === this.fHeight[d]) {
      if (this.fUnreach[d] === 1) return BOT;
      this.fail("type mismatch: instruction requires [bot] but stack has []");
    }
    return this.vals[--this.sp];
  }

  /** The type `i` places below the top of the stack, or BOT if that is below the frame. */
  private peek(i: number): ValType {
    const d = this.depth - 1;
    const at = this.sp - 1 - i;
    if (at < this.fHeight[d]) return BOT;
    return this.vals[at];
  }

  private match(a: ValType, b: ValType): boolean {
    return a === b || matchVal(this.canon, a, b);
  }

  /** Pops values of types `ts[0..n)` (the last on top), checking each. */
  private popAll(ts: ArrayLike<ValType>, n = ts.length): void {
    const d = this.depth - 1;
    const h = this.fHeight[d];
    const sp0 = this.sp;
    for (let i = n - 1; i >= 0; i--) {
      if (this.sp > h) {
        const a = this.vals[this.sp - 1];
        if (a !== ts[i] && !matchVal(this.canon, a, ts[i])) this.mismatch(ts, n, sp0);
        this.sp--;
      } else if (this.fUnreach[d] === 0) {
        this.mismatch(ts, n, sp0);
      }
    }
  }

  private mismatch(ts: ArrayLike<ValType>, n: number, sp0: number): never {
    const d = this.depth - 1;
    const h = this.fHeight[d];
    const from = Math.max(h, sp0 - n);
    const pad = this.fUnreach[d] === 1 ? Math.max(0, n - (sp0 - from)) : 0;
    const has: ValType[] = new Array<ValType>(pad).fill(BOT);
    for (let i = from; i < sp0; i++) has.push(this.vals[i]);
    this.fail(
      `type mismatch: instruction requires ${resultName(ts, 0, n)} but stack has ${
        resultName(has)
      }`,
    );
  }

  private pop1(t: ValType): void {
    const d = this.depth - 1;
    if (this.sp > this.fHeight[d] && this.vals[this.sp - 1] === t) this.sp--;
    else {
      this.want[0] = t;
      this.popAll(this.want, 1);
    }
  }

  private wantReset(): void {
    this.nWant = 0;
  }

  private wantAdd(t: ValType): void {
    if (this.nWant === this.want.length) {
      const w = new Int32Array(this.want.length * 2);
      w.set(this.want);
      this.want = w;
    }
    this.want[this.nWant++] = t;
  }

  private wantAll(ts: ArrayLike<ValType>, n = ts.length): void {
    for (let i = 0; i < n; i++) this.wantAdd(ts[i]);
  }

  private popWant(): void {
    this.popAll(this.want, this.nWant);
  }

  /** Pops a reference (or unknown) operand and returns its type (`(ref bot)` if unknown). */
  private popRef(): ValType {
    const t = this.popAny();
    if (t === BOT) return refType(false, HEAP_BOT);
    if (t > REF_BASE) {
      this.fail(`type mismatch: instruction requires reference type but stack has ${valName(t)}`);
    }
    return t;
  }

  // ---------------------------------------------------------------------------------------
  // Control frames and block types

  private unreachable(): void {
    const d = this.depth - 1;
    this.sp = this.fHeight[d];
    this.fUnreach[d] = 1;
  }

  private funcTypeOf(x: number): FuncType {
    const comp = this.typeAt(x).comp;
    if (comp.kind !== "func") this.fail(`non-function type ${x}`);
    return comp;
  }

  private checkBlockType(bt: BlockType): void {
    if (bt >= 0) this.funcTypeOf(bt);
    else if (bt !== BLOCK_EMPTY) this.checkValType(bt);
  }

  private params(bt: BlockType): readonly ValType[] {
    return bt >= 0 ? (this.types[bt].comp as FuncType).params : EMPTY;
  }

  private nResults(bt: BlockType): number {
    return bt >= 0 ? (this.types[bt].comp as FuncType).results.length : bt === BLOCK_EMPTY ? 0 : 1;
  }

  private results(bt: BlockType): ArrayLike<ValType> {
    if (bt >= 0) return (this.types[bt].comp as FuncType).results;
    if (bt === BLOCK_EMPTY) return EMPTY;
    this.single[0] = bt;
    return this.single;
  }
  private single = new Int32Array(1);

  private pushFrame(kind: number, bt: BlockType, pos: number): void {
    const d = this.depth;
    if (d === this.fKind.length) this.growFrames();
    this.fKind[d] = kind;
    this.fType[d] = bt;
    this.fHeight[d] = this.sp;
    this.fUnreach[d] = 0;
    this.fInit[d] = this.initSp;
    if (kind === F_FUNC || !this.inBody) this.fEntry[d] = -1;
    else {
      const i = this.nBlocks++ * BLOCK_STRIDE;
      if (i + BLOCK_STRIDE > this.blocks.length) {
        const b = new Int32Array(this.blocks.length * 2);
        b.set(this.blocks);
        this.blocks = b;
      }
      this.blocks[i] = pos;
      this.blocks[i + 1] = -1;
      this.blocks[i + 2] = -1;
      this.blocks[i + 3] = this.sp;
      this.fEntry[d] = i;
    }
    this.depth = d + 1;
  }

  private growFrames(): void {
    const n = this.fKind.length * 2;
    const k = new Uint8Array(n), t = new Int32Array(n), h = new Int32Array(n);
    const u = new Uint8Array(n), i = new Int32Array(n), e = new Int32Array(n);
    k.set(this.fKind);
    t.set(this.fType);
    h.set(this.fHeight);
    u.set(this.fUnreach);
    i.set(this.fInit);
    e.set(this.fEntry);
    this.fKind = k;
    this.fType = t;
    this.fHeight = h;
    this.fUnreach = u;
    this.fInit = i;
    this.fEntry = e;
  }

  /** Checks that the stack holds exactly the current frame's results. */
  private checkFrameEnd(): void {
    const d = this.depth - 1;
    const bt = this.fType[d];
    const sp0 = this.sp;
    const rs = this.results(bt);
    this.popAll(rs);
    if (this.sp !== this.fHeight[d]) {
      this.fail(
        `type mismatch: block requires ${resultName(rs)} but stack has ${
          resultName(this.vals, this.fHeight[d], sp0)
        }`,
      );
    }
  }

  /** Undoes the initialization of locals set since the current frame began. */
  private resetInits(): void {
    const to = this.fInit[this.depth - 1];
    while (this.initSp > to) this.init[this.inits[--this.initSp]] = 0;
  }

  /** Starts the next part of a frame (else, catch) with the frame's stack reset. */
  private restart(kind: number): void {
    this.checkFrameEnd();
    this.resetInits();
    const d = this.depth - 1;
    this.fKind[d] = kind;
    this.fUnreach[d] = 0;
    this.sp = this.fHeight[d];
    const e = this.fEntry[d];
    if (e >= 0 && this.blocks[e + 1] < 0) this.blocks[e + 1] = this.r.pos;
  }

  /** Ends the current frame, pushing its results. */
  private endFrame(): void {
    const d = this.depth - 1;
    if (this.fKind[d] === F_IF) {
      // An `if` without `else`: the empty else branch must turn the params into the results.
      this.checkFrameEnd();
      this.resetInits();
      this.pushAll(this.params(this.fType[d]));
      this.fUnreach[d] = 0;
      this.checkFrameEnd();
    } else {
      this.checkFrameEnd();
      this.resetInits();
    }
    const e = this.fEntry[d];
    if (e >= 0) this.blocks[e + 2] = this.r.pos;
    this.depth = d;
    if (d > 0) this.pushAll(this.results(this.fType[d]));
  }

  /** Checks that label `l` exists and returns the depth of its frame. */
  private label(l: number): number {
    if (l >= this.depth) this.fail(`unknown label ${l >>> 0}`);
    return this.depth - 1 - l;
  }

  /** The types a branch to the frame at depth `d` carries. */
  private labelTypes(d: number): ArrayLike<ValType> {
    const bt = this.fType[d];
    return this.fKind[d] === F_LOOP ? this.params(bt) : this.results(bt);
  }

  private labelArity(d: number): number {
    const bt = this.fType[d];
    return this.fKind[d] === F_LOOP ? this.params(bt).length : this.nResults(bt);
  }

  // ---------------------------------------------------------------------------------------
  // Lookups

  private global(x: number) {
    if (x >= this.numGlobals) this.fail(`unknown global ${x >>> 0}`);
    return this.c.globals[x];
  }

  private table(x: number) {
    if (x >= this.c.tables.length) this.fail(`unknown table ${x >>> 0}`);
    return this.c.tables[x];
  }

  private memAddr(x: number): ValType {
    if (x >= this.c.memories.length) this.fail(`unknown memory ${x >>> 0}`);
    return this.c.memories[x].is64 ? I64 : I32;
  }

  private funcType(x: number): FuncType {
    if (x >= this.c.funcs.length) this.fail(`unknown function ${x >>> 0}`);
    return this.types[this.c.funcs[x]].comp as FuncType;
  }

  private tagType(x: number): FuncType {
    if (x >= this.c.tags.length) this.fail(`unknown tag ${x >>> 0}`);
    return this.types[this.c.tags[x]].comp as FuncType;
  }

  private elem(x: number): ValType {
    if (x >= this.c.elems.length) this.fail(`unknown elem segment ${x >>> 0}`);
    return this.c.elems[x];
  }

  private data(x: number): void {
    if (x >= this.c.datas) this.fail(`unknown data segment ${x >>> 0}`);
  }

  private typeAt(x: number): SubType {
    if (x >= this.types.length) this.fail(`unknown type ${x >>> 0}`);
    return this.types[x];
  }

  private structFields(x: number) {
    const st = this.typeAt(x);
    if (st.comp.kind !== "struct") this.fail(`non-structure type ${x}`);
    return st.comp.fields;
  }

  private arrayField(x: number) {
    const st = this.typeAt(x);
    if (st.comp.kind !== "array") this.fail(`non-array type ${x}`);
    return st.comp.field;
  }

  // ---------------------------------------------------------------------------------------
  // The pass

  /** Validates the expression `this.r` reads, whose frame has block type `type`. */
  private run(type: BlockType): void {
    const r = this.r;
    this.sp = 0;
    this.max = 0;
    this.depth = 0;
    this.initSp = 0;
    this.nBlocks = 0;
    this.resultsType = type;
    this.pushFrame(F_FUNC, type, 0);
    try {
      if (this.inBody) {
        const uses = this.uses, mark = this.func! + 1;
        while (this.depth > 0) {
          const op = r.next();
          if (uses[op] === 0) uses[op] = mark;
          this.step(op);
        }
      } else {
        const uses = this.constUses;
        while (this.depth > 0) {
          const op = r.next();
          uses[op] = 1;
          this.step(op);
        }
      }
    } catch (e) {
      if (e instanceof ValidationError && e.offset === null) this.fail(e.message);
      throw e;
    }
  }

  private step(op: number): void {
    const r = this.r;
    const np = SIG_NP[op];
    if (np >= 0) {
      this.fixed(op, np);
      return;
    }
    switch (op) {
      case Op.unreachable:
        this.unreachable();
        return;
      case Op.nop:
        return;
      case Op.block:
      case Op.loop:
      case Op.if:
      case Op.try: {
        const bt = r.blockType;
        this.checkBlockType(bt);
        this.wantReset();
        this.wantAll(this.params(bt));
        if (op === Op.if) this.wantAdd(I32);
        this.popWant();
        this.pushFrame(
          op === Op.block ? F_BLOCK : op === Op.loop ? F_LOOP : op === Op.if ? F_IF : F_TRY,
          bt,
          r.pos,
        );
        this.pushAll(this.params(bt));
        return;
      }
      case Op.try_table: {
        const bt = r.blockType;
        this.checkBlockType(bt);
        for (const c of r.catches) this.checkCatch(c.kind, c.tag, c.label);
        const ps = this.params(bt);
        this.popAll(ps);
        this.pushFrame(F_TRY_TABLE, bt, r.pos);
        this.pushAll(ps);
        return;
      }
      case Op.else:
        this.restart(F_ELSE);
        this.pushAll(this.params(this.fType[this.depth - 1]));
        return;
      case Op.end:
        this.endFrame();
        return;
      case Op.catch: {
        const tt = this.tagType(r.index);
        this.restart(F_CATCH);
        this.pushAll(tt.params);
        return;
      }
      case Op.catch_all:
        this.restart(F_CATCH_ALL);
        return;
      case Op.delegate: {
        const d = this.depth - 1;
        this.checkFrameEnd();
        this.resetInits();
        const e = this.fEntry[d];
        if (e >= 0) {
          if (this.blocks[e + 1] < 0) this.blocks[e + 1] = r.pos;
          this.blocks[e + 2] = r.pos;
        }
        this.depth = d;
        this.label(r.index);
        this.pushAll(this.results(this.fType[d]));
        return;
      }
      case Op.rethrow: {
        const d = this.label(r.index);
        const k = this.fKind[d];
        if (k !== F_CATCH && k !== F_CATCH_ALL) this.fail("invalid rethrow label");
        this.unreachable();
        return;
      }
      case Op.throw:
        this.popAll(this.tagType(r.index).params);
        this.unreachable();
        return;
      case Op.throw_ref:
        this.pop1(EXNREF);
        this.unreachable();
        return;
      case Op.br:
        this.popAll(this.labelTypes(this.label(r.index)));
        this.unreachable();
        return;
      case Op.br_if: {
        const ts = this.labelTypes(this.label(r.index));
        this.wantReset();
        this.wantAll(ts);
        this.wantAdd(I32);
        this.popWant();
        this.pushAll(this.want, this.nWant - 1);
        return;
      }
      case Op.br_table:
        this.brTable(r.labels, r.index);
        return;
      case Op.return:
        this.popAll(this.results(this.resultsType));
        this.unreachable();
        return;
      case Op.call: {
        const ft = this.funcType(r.index);
        this.popAll(ft.params);
        this.pushAll(ft.results);
        return;
      }
      case Op.return_call: {
        const ft = this.funcType(r.index);
        this.checkTailResults(ft);
        this.popAll(ft.params);
        this.unreachable();
        return;
      }
      case Op.call_indirect:
      case Op.return_call_indirect: {
        const tt = this.table(r.index2);
        const ft = this.funcTypeOf(r.index);
        if (!matchVal(this.canon, tt.elem, refType(true, HEAP_FUNC))) {
          this.fail(
            `type mismatch: instruction requires table of function type but table has element type ${
              valName(tt.elem)
            }`,
          );
        }
        if (op === Op.return_call_indirect) this.checkTailResults(ft);
        this.wantReset();
        this.wantAll(ft.params);
        this.wantAdd(tt.is64 ? I64 : I32);
        this.popWant();
        if (op === Op.call_indirect) this.pushAll(ft.results);
        else this.unreachable();
        return;
      }
      case Op.call_ref:
      case Op.return_call_ref: {
        const ft = this.funcTypeOf(r.index);
        if (op === Op.return_call_ref) this.checkTailResults(ft);
        this.wantReset();
        this.wantAll(ft.params);
        this.wantAdd(refType(true, r.index));
        this.popWant();
        if (op === Op.call_ref) this.pushAll(ft.results);
        else this.unreachable();
        return;
      }
      case Op.drop:
        this.popAny();
        return;
      case Op.select: {
        this.pop1(I32);
        const t1 = this.popAny();
        const t2 = this.popAny();
        const num1 = t1 === BOT || t1 > REF_BASE, num2 = t2 === BOT || t2 > REF_BASE;
        if (!num1 || !num2) {
          this.fail(
            `type mismatch: instruction requires numeric or vector type but stack has ${
              valName(num1 ? t2 : t1)
            }`,
          );
        }
        if (t1 === V128 || t2 === V128) this.use(USE_SELECT_V128);
        if (t1 !== t2 && t1 !== BOT && t2 !== BOT) {
          this.fail(
            `type mismatch: instruction requires [${valName(t2)} ${
              valName(t2)
            } i32] but stack has [${valName(t2)} ${valName(t1)} i32]`,
          );
        }
        this.push(t1 === BOT ? t2 : t1);
        return;
      }
      case Op.select_t: {
        const ts = r.types;
        if (ts.length !== 1) this.fail("invalid result arity other than 1 is not (yet) allowed");
        const t = ts[0];
        this.checkValType(t);
        if (t === V128) this.use(USE_SELECT_V128);
        this.wantReset();
        this.wantAdd(t);
        this.wantAdd(t);
        this.wantAdd(I32);
        this.popWant();
        this.push(t);
        return;
      }
      case Op["local.get"]: {
        const x = r.index;
        if (x >= this.locals.length) this.fail(`unknown local ${x >>> 0}`);
        if (this.init[x] === 0) this.fail("uninitialized local");
        this.push(this.locals[x]);
        return;
      }
      case Op["local.set"]:
      case Op["local.tee"]: {
        const x = r.index;
        if (x >= this.locals.length) this.fail(`unknown local ${x >>> 0}`);
        const t = this.locals[x];
        this.pop1(t);
        if (this.init[x] === 0) {
          this.init[x] = 1;
          if (this.initSp === this.inits.length) {
            const s = new Int32Array(this.inits.length * 2);
            s.set(this.inits);
            this.inits = s;
          }
          this.inits[this.initSp++] = x;
        }
        if (op === Op["local.tee"]) this.push(t);
        return;
      }
      case Op["global.get"]: {
        const t = this.global(r.index).type;
        if (t === V128 && this.inBody) this.use(USE_GLOBAL_GET_V128);
        this.push(t);
        return;
      }
      case Op["global.set"]: {
        const g = this.global(r.index);
        if (!g.mutable) this.fail("immutable global");
        if (g.type === V128) this.use(USE_GLOBAL_SET_V128);
        this.pop1(g.type);
        return;
      }
      case Op["table.get"]: {
        const tt = this.table(r.index);
        this.pop1(tt.is64 ? I64 : I32);
        this.push(tt.elem);
        return;
      }
      case Op["table.set"]: {
        const tt = this.table(r.index);
        this.pop2(tt.is64 ? I64 : I32, tt.elem);
        return;
      }
      case Op["table.size"]:
        this.push(this.table(r.index).is64 ? I64 : I32);
        return;
      case Op["table.grow"]: {
        const tt = this.table(r.index);
        const at = tt.is64 ? I64 : I32;
        this.pop2(tt.elem, at);
        this.push(at);
        return;
      }
      case Op["table.fill"]: {
        const tt = this.table(r.index);
        const at = tt.is64 ? I64 : I32;
        this.pop3(at, tt.elem, at);
        return;
      }
      case Op["table.copy"]: {
        const dst = this.table(r.index), src = this.table(r.index2);
        if (!this.match(src.elem, dst.elem)) {
          this.fail(
            `type mismatch: source element type ${
              valName(src.elem)
            } does not match destination element type ${valName(dst.elem)}`,
          );
        }
        const a1 = dst.is64 ? I64 : I32, a2 = src.is64 ? I64 : I32;
        this.pop3(a1, a2, dst.is64 && src.is64 ? I64 : I32);
        return;
      }
      case Op["table.init"]: {
        const tt = this.table(r.index2);
        const et = this.elem(r.index);
        if (!this.match(et, tt.elem)) {
          this.fail(
            `type mismatch: element segment's type ${
              valName(et)
            } does not match table's element type ${valName(tt.elem)}`,
          );
        }
        this.pop3(tt.is64 ? I64 : I32, I32, I32);
        return;
      }
      case Op["elem.drop"]:
        this.elem(r.index);
        return;
      case Op["memory.size"]:
        this.push(this.memAddr(r.index));
        return;
      case Op["memory.grow"]: {
        const at = this.memAddr(r.index);
        this.pop1(at);
        this.push(at);
        return;
      }
      case Op["memory.fill"]: {
        const at = this.memAddr(r.index);
        this.pop3(at, I32, at);
        return;
      }
      case Op["memory.copy"]: {
        const a1 = this.memAddr(r.index), a2 = this.memAddr(r.index2);
        this.pop3(a1, a2, a1 === I64 && a2 === I64 ? I64 : I32);
        return;
      }
      case Op["memory.init"]: {
        const at = this.memAddr(r.index2);
        this.data(r.index);
        this.pop3(at, I32, I32);
        return;
      }
      case Op["data.drop"]:
        this.data(r.index);
        return;
      case Op["ref.null"]:
        this.checkHeap(r.heap);
        this.push(refType(true, r.heap));
        return;
      case Op["ref.is_null"]:
        this.popRef();
        this.push(I32);
        return;
      case Op["ref.as_non_null"]: {
        const t = this.popRef();
        this.push(refType(false, refHeapOf(t)));
        return;
      }
      case Op["ref.func"]: {
        const x = r.index;
        if (x >= this.c.funcs.length) this.fail(`unknown function ${x >>> 0}`);
        if (this.inBody && this.c.refs[x] === 0) {
          this.fail(`undeclared function reference ${x}`);
        }
        this.push(refType(false, this.c.funcs[x]));
        return;
      }
      case Op["ref.eq"]: {
        const eq = refType(true, HEAP_EQ);
        this.pop2(eq, eq);
        this.push(I32);
        return;
      }
      case Op.br_on_null: {
        const ts = this.labelTypes(this.label(r.index));
        const t = this.popRef();
        this.popAll(ts);
        this.pushAll(ts);
        this.push(refType(false, refHeapOf(t)));
        return;
      }
      case Op.br_on_non_null: {
        const ts = this.labelTypes(this.label(r.index));
        const n = ts.length;
        if (n === 0 || ts[n - 1] > REF_BASE) {
          this.fail(
            `type mismatch: instruction requires reference type but label has ${resultName(ts)}`,
          );
        }
        this.wantReset();
        this.wantAll(ts, n - 1);
        this.wantAdd(refType(true, refHeapOf(ts[n - 1])));
        this.popWant();
        this.pushAll(this.want, n - 1);
        return;
      }
      case Op.br_on_cast:
      case Op.br_on_cast_fail:
        this.brOnCast(op === Op.br_on_cast);
        return;
      case Op["ref.test"]:
      case Op["ref.cast"]: {
        const h = r.heap;
        this.checkHeap(h);
        this.pop1(refType(true, topHeap(this.canon, h)));
        this.push(op === Op["ref.test"] ? I32 : refType(r.nullable, h));
        return;
      }
      case Op["ref.i31"]:
        this.pop1(I32);
        this.push(refType(false, HEAP_I31));
        return;
      case Op["i31.get_s"]:
      case Op["i31.get_u"]:
        this.pop1(refType(true, HEAP_I31));
        this.push(I32);
        return;
      case Op["any.convert_extern"]:
      case Op["extern.convert_any"]: {
        const top = this.peek(0);
        const nul = top !== BOT && top <= REF_BASE && ((REF_BASE - top) & 1) === 1;
        const into = op === Op["any.convert_extern"];
        this.pop1(refType(nul, into ? HEAP_EXTERN : HEAP_ANY));
        this.push(refType(nul, into ? HEAP_ANY : HEAP_EXTERN));
        return;
      }
      default:
        this.gc(op);
    }
  }

  private pop2(a: ValType, b: ValType): void {
    this.wantReset();
    this.wantAdd(a);
    this.wantAdd(b);
    this.popWant();
  }

  private pop3(a: ValType, b: ValType, c: ValType): void {
    this.wantReset();
    this.wantAdd(a);
    this.wantAdd(b);
    this.wantAdd(c);
    this.popWant();
  }

  /** Instructions with a fixed signature, after their immediates are checked. */
  private fixed(op: number, np: number): void {
    const r = this.r;
    let at = I32;
    switch (SIG_IMM[op]) {
      case IMM_MEMARG:
      case IMM_MEMARG_LANE: {
        at = this.memAddr(r.index);
        if (r.align > OPS[op].naturalAlign) {
          this.fail("alignment must not be larger than natural");
        }
        if (at === I32 && r.offset >= TWO_32) this.fail("offset out of range");
        if (SIG_IMM[op] === IMM_MEMARG_LANE && r.lane >= LANES[op]) {
          this.fail("invalid lane index");
        }
        break;
      }
      case IMM_LANE:
        if (r.lane >= LANES[op]) this.fail("invalid lane index");
        break;
      case IMM_SHUFFLE:
        for (let i = 0; i < 16; i++) if (r.bytes[i] >= 32) this.fail("invalid lane index");
        break;
    }
    const base = op * 3;
    const d = this.depth - 1;
    const vals = this.vals;
    // Fast paths: the operands are on the stack with exactly the required types.
    if (np === 0) {
      // nothing to pop
    } else if (np === 1 && this.sp > this.fHeight[d] && vals[this.sp - 1] === SIG_P[base]) {
      this.sp--;
    } else if (
      np === 2 && this.sp - 1 > this.fHeight[d] && vals[this.sp - 1] === SIG_P[base + 1] &&
      vals[this.sp - 2] === SIG_P[base]
    ) {
      this.sp -= 2;
    } else {
      this.wantReset();
      for (let i = 0; i < np; i++) {
        const t = SIG_P[base + i];
        this.wantAdd(t === ADDR ? at : t);
      }
      this.popWant();
    }
    const res = SIG_R[op];
    if (res !== 0) this.push(res === ADDR ? at : res);
  }

  private brTable(labels: readonly number[], def: number): void {
    this.pop1(I32);
    const dd = this.label(def);
    const n = this.labelArity(dd);
    const d = this.depth - 1;
    const avail = this.sp - this.fHeight[d];
    for (let k = 0; k <= labels.length; k++) {
      const ld = k === labels.length ? dd : this.label(labels[k]);
      const ts = this.labelTypes(ld);
      if (ts.length !== n) {
        this.fail(
          `type mismatch: instruction requires ${resultName(ts)} but stack has ${
            resultName(this.vals, this.sp - Math.min(n, avail), this.sp)
          }`,
        );
      }
      for (let i = 0; i < n; i++) {
        const t = this.peek(n - 1 - i);
        if (n - i > avail && this.fUnreach[d] === 0) this.mismatch(ts, n, this.sp);
        if (!this.match(t, ts[i])) this.mismatch(ts, n, this.sp);
      }
    }
    this.unreachable();
  }

  private brOnCast(onCast: boolean): void {
    const r = this.r;
    const h1 = r.heap, h2 = r.heap2;
    this.checkHeap(h1);
    this.checkHeap(h2);
    const rt1 = refType(r.nullable, h1), rt2 = refType(r.nullable2, h2);
    if (!this.match(rt2, rt1)) {
      this.fail(`type mismatch on cast: type ${valName(rt2)} does not match ${valName(rt1)}`);
    }
    // The type that remains when the cast fails: rt1 minus null if rt2 includes null.
    const diff = refType(r.nullable && !r.nullable2, h1);
    const ts = this.labelTypes(this.label(r.index));
    const n = ts.length;
    const branch = onCast ? rt2 : diff;
    if (n === 0 || !this.match(branch, ts[n - 1])) {
      this.fail(
        `type mismatch: instruction requires type ${valName(branch)} but label has ${
          resultName(ts)
        }`,
      );
    }
    this.wantReset();
    this.wantAll(ts, n - 1);
    this.wantAdd(rt1);
    this.popWant();
    this.pushAll(this.want, n - 1);
    this.push(onCast ? diff : rt2);
  }

  private checkTailResults(ft: FuncType): void {
    const own = this.results(this.resultsType);
    let ok = ft.results.length === own.length;
    for (let i = 0; ok && i < own.length; i++) ok = this.match(ft.results[i], own[i]);
    if (!ok) {
      this.fail(
        `type mismatch: current function requires result type ${
          resultName(own)
        } but callee returns ${resultName(ft.results)}`,
      );
    }
  }

  private checkCatch(kind: CatchKind, tag: number, label: number): void {
    const ts: ValType[] = [];
    if (kind === CatchKind.Catch || kind === CatchKind.CatchRef) {
      ts.push(...this.tagType(tag).params);
    }
    if (kind === CatchKind.CatchRef || kind === CatchKind.CatchAllRef) {
      ts.push(refType(false, HEAP_EXN));
    }
    const lt = this.labelTypes(this.label(label));
    let ok = lt.length === ts.length;
    for (let i = 0; ok && i < ts.length; i++) ok = this.match(ts[i], lt[i]);
    if (!ok) {
      this.fail(
        `type mismatch: catch handler requires ${resultName(lt)} but label has ${resultName(ts)}`,
      );
    }
  }

  /** GC instructions on structs and arrays. */
  private gc(op: number): void {
    const r = this.r;
    const x = r.index;
    switch (op) {
      case Op["struct.new"]: {
        const fields = this.structFields(x);
        this.wantReset();
        for (const f of fields) this.wantAdd(unpacked(f.type));
        this.popWant();
        this.push(refType(false, x));
        return;
      }
      case Op["struct.new_default"]: {
        const fields = this.structFields(x);
        for (const f of fields) {
          if (!defaultable(unpacked(f.type))) this.fail("field type is not defaultable");
        }
        this.push(refType(false, x));
        return;
      }
      case Op["struct.get"]:
      case Op["struct.get_s"]:
      case Op["struct.get_u"]:
      case Op["struct.set"]: {
        const fields = this.structFields(x);
        const i = r.index2;
        if (i >= fields.length) this.fail(`unknown field ${i >>> 0}`);
        const f = fields[i];
        const packed = f.type === I8 || f.type === I16;
        if (op === Op["struct.set"]) {
          if (!f.mutable) this.fail("immutable field");
          this.pop2(refType(true, x), unpacked(f.type));
          return;
        }
        if (packed !== (op !== Op["struct.get"])) {
          this.fail(packed ? "field is packed" : "field is unpacked");
        }
        this.pop1(refType(true, x));
        this.push(unpacked(f.type));
        return;
      }
      case Op["array.new"]: {
        const f = this.arrayField(x);
        this.pop2(unpacked(f.type), I32);
        this.push(refType(false, x));
        return;
      }
      case Op["array.new_default"]: {
        const f = this.arrayField(x);
        if (!defaultable(unpacked(f.type))) this.fail("array type is not defaultable");
        this.pop1(I32);
        this.push(refType(false, x));
        return;
      }
      case Op["array.new_fixed"]: {
        const f = this.arrayField(x);
        const n = r.index2 >>> 0;
        const t = unpacked(f.type);
        const d = this.depth - 1;
        for (let i = 0; i < n; i++) {
          if (this.sp === this.fHeight[d] && this.fUnreach[d] === 1) break;
          this.pop1(t);
        }
        this.push(refType(false, x));
        return;
      }
      case Op["array.new_data"]:
      case Op["array.init_data"]: {
        const f = this.arrayField(x);
        const init = op === Op["array.init_data"];
        if (init && !f.mutable) this.fail("immutable array");
        this.data(r.index2);
        const t = unpacked(f.type);
        if (t <= REF_BASE) this.fail("array type is not numeric or vector");
        if (init) {
          this.wantReset();
          this.wantAdd(refType(true, x));
          this.wantAdd(I32);
          this.wantAdd(I32);
          this.wantAdd(I32);
          this.popWant();
        } else {
          this.pop2(I32, I32);
          this.push(refType(false, x));
        }
        return;
      }
      case Op["array.new_elem"]:
      case Op["array.init_elem"]: {
        const f = this.arrayField(x);
        const init = op === Op["array.init_elem"];
        if (init && !f.mutable) this.fail("immutable array");
        const et = this.elem(r.index2);
        if (!this.match(et, f.type)) {
          this.fail(
            `type mismatch: element segment's type ${
              valName(et)
            } does not match array's field type ${valName(f.type)}`,
          );
        }
        if (init) {
          this.wantReset();
          this.wantAdd(refType(true, x));
          this.wantAdd(I32);
          this.wantAdd(I32);
          this.wantAdd(I32);
          this.popWant();
        } else {
          this.pop2(I32, I32);
          this.push(refType(false, x));
        }
        return;
      }
      case Op["array.get"]:
      case Op["array.get_s"]:
      case Op["array.get_u"]: {
        const f = this.arrayField(x);
        const packed = f.type === I8 || f.type === I16;
        if (packed !== (op !== Op["array.get"])) {
          this.fail(packed ? "array is packed" : "array is unpacked");
        }
        this.pop2(refType(true, x), I32);
        this.push(unpacked(f.type));
        return;
      }
      case Op["array.set"]: {
        const f = this.arrayField(x);
        if (!f.mutable) this.fail("immutable array");
        this.pop3(refType(true, x), I32, unpacked(f.type));
        return;
      }
      case Op["array.len"]:
        this.pop1(refType(true, HEAP_ARRAY));
        this.push(I32);
        return;
      case Op["array.fill"]: {
        const f = this.arrayField(x);
        if (!f.mutable) this.fail("immutable array");
        this.wantReset();
        this.wantAdd(refType(true, x));
        this.wantAdd(I32);
        this.wantAdd(unpacked(f.type));
        this.wantAdd(I32);
        this.popWant();
        return;
      }
      case Op["array.copy"]: {
        const fd = this.arrayField(x);
        const fs = this.arrayField(r.index2);
        if (!fd.mutable) this.fail("immutable array");
        if (!this.match(fs.type, fd.type)) this.fail("array types do not match");
        this.wantReset();
        this.wantAdd(refType(true, x));
        this.wantAdd(I32);
        this.wantAdd(refType(true, r.index2));
        this.wantAdd(I32);
        this.wantAdd(I32);
        this.popWant();
        return;
      }
    }
    this.fail(`unexpected instruction ${OPS[op]?.name ?? op}`);
  }
}

/** The value type of a storage type: packed types read as i32. */
function unpacked(t: StorageType): ValType {
  return t === I8 || t === I16 ? I32 : t;
}

/** The heap type of a reference type. */
function refHeapOf(t: ValType): HeapType {
  return ((REF_BASE - t) >> 1) - 0x80;
}
