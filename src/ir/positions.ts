/**
 * Position tables: where a lowered function's IR stands in wasm terms. At every IR instruction
 * start the lowering records the wasm state there (the offset of the next wasm instruction and
 * where each wasm operand-stack value is), and at every call the caller's state while the
 * callee runs, so that a frame can be written in wasm terms (a snapshot, a debugger) and
 * placed back into any lowering of the same function, however it fuses.
 *
 * Offsets are relative to the start of the function's instruction bytes (`Func.body`); the
 * module offset is `Func.offset` plus that. Stack entries are `(type, kind, val)`, bottom
 * first: {@linkcode E_SLOT} (the value is in frame slot `val`, fp-relative, 8-byte slots),
 * {@linkcode E_LOCAL} (the same, for a forwarded `local.get`: `val` is the local's slot, whose
 * value it equals), {@linkcode E_I32} (the constant `val`), {@linkcode E_C64} (the constant
 * `pool64[val]`) or {@linkcode E_DEAD} (no longer held: the frame is returning).
 *
 * How the lowering keeps them right (`builder.ts`, `lower*.ts`): at the start of every wasm
 * instruction its abstract stack is a true description of the machine state at the current
 * code position (a "start" record); IR emitted later inside the same wasm instruction carries
 * the current description (which stays true across materializations: a move into a canonical
 * slot leaves the source in place), or an explicit one (a branch's moves describe the state at
 * the branch target, a return's the returning function). A fusion that rewrites or removes the
 * last instruction removes the records past its start (those boundaries are gone). Tables are
 * made on demand by lowering again with recording on: lowering is deterministic, so the code
 * is the same.
 *
 * @module
 */

/** Stack entry kinds (the first four are the builder's `K_*`). */
export const E_SLOT = 0, E_LOCAL = 1, E_I32 = 2, E_C64 = 3, E_DEAD = 4;
/** Record flags: a wasm instruction starts here (the reverse mapping uses only these). */
export const R_START = 1;
/** Record flags: the frame is returning; its locals may be overwritten (written as zero). */
export const R_LOCALS_DEAD = 2;
/**
 * Record flags: a branch to the position is under way (moving its values); a reader placing
 * a frame at that offset prefers the position itself.
 */
export const R_BRANCH = 4;

/** A wasm-terms description of one IR position. */
export interface Position {
  /** Offset of the next wasm instruction in the function's body. */
  offset: number;
  /** `R_*` flags. */
  flags: number;
  /** Stack entries: types, kinds, values (see the module doc). */
  types: readonly number[];
  kinds: readonly number[];
  vals: readonly number[];
  /** The hidden slots (legacy `try`) live here. */
  live: readonly number[];
}

/** A call site: the caller's state while its callee runs. */
export interface CallSite {
  /** The call instruction's offset. */
  offset: number;
  /** The pc after the call (the return address). */
  retPc: number;
  /** The slot where the arguments start (the callee's frame base), fp-relative. */
  argBase: number;
  /** The stack below the arguments. */
  below: Position;
}

const NONE: readonly number[] = [];

/** Collects records while a function is lowered (see the module doc). */
export class PosRecorder {
  private pc: number[] = [];
  private recs: Position[] = [];
  private calls: CallSite[] = [];
  /** Record indices whose offset is a placeholder (< 0), by placeholder. */
  private pending = new Map<number, number[]>();
  /** Placeholders resolved. */
  private known = new Map<number, number>();

  /** The offset placeholder `ph` stands for, if known yet (else `ph`). */
  offsetOf(ph: number): number {
    return this.known.get(ph) ?? ph;
  }
  /** The current description. */
  w: Position = { offset: 0, flags: 0, types: NONE, kinds: NONE, vals: NONE, live: NONE };

  /** Sets the current description. */
  describe(p: Position): void {
    this.w = p;
  }

  /** A start record at `pc` with description `p` (which becomes the current one). */
  start(pc: number, p: Position): void {
    this.w = p;
    this.push(pc, p);
  }

  /** Called for each emitted instruction at `pc`: records the current description there. */
  emit(pc: number): void {
    const n = this.pc.length;
    if (n > 0 && this.pc[n - 1] === pc) return;
    const w = this.w;
    this.push(pc, w.flags & R_START ? { ...w, flags: w.flags & ~R_START } : w);
  }

  private push(pc: number, p: Position): void {
    if (p.offset < 0) {
      let l = this.pending.get(p.offset);
      if (l === undefined) this.pending.set(p.offset, l = []);
      l.push(this.recs.length);
    }
    this.pc.push(pc);
    this.recs.push(p);
  }

  /** Removes the records past `pc` (the boundaries a fusion took away). */
  drop(pc: number): void {
    while (this.pc.length > 0 && this.pc[this.pc.length - 1] > pc) {
      this.pc.pop();
      this.recs.pop();
    }
    while (this.calls.length > 0 && this.calls[this.calls.length - 1].retPc > pc) {
      this.calls.pop();
    }
  }

  /** Like {@linkcode drop}, and the description at `pc` becomes the current one. */
  reopen(pc: number): void {
    this.drop(pc);
    const n = this.pc.length;
    if (n > 0 && this.pc[n - 1] === pc) {
      const r = this.recs[n - 1];
      this.w = r.flags & R_START ? { ...r, flags: r.flags & ~R_START } : r;
    }
  }

  /**
   * Entry `i` of the current description (when it is an instruction's) was just written to
   * its canonical slot `slot`: later IR finds it there.
   */
  materialized(i: number, type: number, slot: number): void {
    const w = this.w;
    if ((w.flags & (R_BRANCH | R_LOCALS_DEAD)) !== 0 || i >= w.types.length) return;
    if (w.types[i] !== type) return;
    const kinds = w.kinds.slice(), vals = w.vals.slice();
    kinds[i] = E_SLOT;
    vals[i] = slot;
    this.w = { ...w, kinds, vals };
  }

  /** Records a call site. */
  call(site: CallSite): void {
    this.calls.push(site);
  }

  /** Gives placeholder offset `ph` its value. */
  resolve(ph: number, offset: number): void {
    this.known.set(ph, offset);
    const l = this.pending.get(ph);
    if (l === undefined) return;
    this.pending.delete(ph);
    for (const i of l) {
      const r = this.recs[i];
      if (r !== undefined && r.offset === ph) this.recs[i] = { ...r, offset };
    }
  }

  /** The finished table for code of `n` words. */
  finish(n: number): PositionTable {
    return new PositionTable(n, this.pc, this.recs, this.calls);
  }
}

/** A function's position table (see the module doc). */
export class PositionTable {
  private readonly byPc: Int32Array;
  private readonly pcs: readonly number[];
  private readonly recs: readonly Position[];
  /** Records that are not branches under way, by offset (indices, in pc order). */
  private readonly byOffset = new Map<number, number[]>();
  private readonly sitesByRet = new Map<number, CallSite>();
  private readonly sitesByOffset = new Map<number, CallSite[]>();

  /** A table from records (`pcs[i]`, `recs[i]`) in pc order and call sites. */
  constructor(n: number, pcs: readonly number[], recs: readonly Position[], calls: CallSite[]) {
    this.byPc = new Int32Array(n + 1).fill(-1);
    this.pcs = pcs;
    this.recs = recs;
    for (let i = pcs.length - 1; i >= 0; i--) this.byPc[pcs[i]] = i;
    for (let i = 0; i < pcs.length; i++) {
      const r = recs[i];
      if ((r.flags & R_BRANCH) !== 0) continue;
      let l = this.byOffset.get(r.offset);
      if (l === undefined) this.byOffset.set(r.offset, l = []);
      l.push(i);
    }
    for (const c of calls) {
      this.sitesByRet.set(c.retPc, c);
      let l = this.sitesByOffset.get(c.offset);
      if (l === undefined) this.sitesByOffset.set(c.offset, l = []);
      l.push(c);
    }
  }

  /** The description at instruction start `pc`, or null (not an instruction start). */
  at(pc: number): Position | null {
    const i = pc >= 0 && pc < this.byPc.length ? this.byPc[pc] : -1;
    return i < 0 ? null : this.recs[i];
  }

  /** The call site whose return address is `retPc`, or null. */
  callSite(retPc: number): CallSite | null {
    return this.sitesByRet.get(retPc) ?? null;
  }

  /**
   * Where a frame standing before the wasm instruction at `offset` goes, in pcs `[from, to)`
   * (a section: the normal code or the unfused copy), or null when the section has no such
   * boundary (the offset is inside a fused group, or not an instruction). Of the positions
   * with that offset it takes the furthest along the instruction's own code (its operands
   * already in their slots), so that a frame moved between lowerings always makes progress.
   */
  start(offset: number, from = 0, to = this.byPc.length): { pc: number; pos: Position } | null {
    let best = -1;
    for (const i of this.byOffset.get(offset) ?? []) {
      const pc = this.pcs[i];
      if (pc >= from && pc < to) best = i;
    }
    return best < 0 ? null : { pc: this.pcs[best], pos: this.recs[best] };
  }

  /** The call site of the call instruction at `offset`, in pcs `[from, to)`, or null. */
  callAt(offset: number, from = 0, to = this.byPc.length): CallSite | null {
    for (const c of this.sitesByOffset.get(offset) ?? []) {
      if (c.retPc >= from && c.retPc < to) return c;
    }
    return null;
  }
}
