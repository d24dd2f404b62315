/**
 * A recorded run that can be travelled: {@linkcode Recording} drives an {@linkcode Execution}
 * through its API (`runFor` budgets are exact, so a tick count names one machine state),
 * takes checkpoints as it records (checkpoint.ts, kept by decay: history.ts) and logs every
 * host result (hostlog.ts). From then on the run can be visited at any tick:
 *
 * - `travel(tick)` restores the nearest earlier checkpoint and replays forward on a budget to
 *   the exact tick (or just runs forward when the target is ahead of where it stands); on the
 *   way it leaves checkpoints every 2^17 ticks (a grid that doubles when checkpoints are dear)
 *   in the last 10^6 ticks before the target, and after a far jump in the 10^6 after it too,
 *   kept in a small cache outside the history, so that steps near the target replay little;
 * - `stepForward`/`stepBack` by ticks, `stepOutBack` to the call that entered the current
 *   frame, `continue`/`reverseContinue` to the next or previous breakpoint or watchpoint hit;
 * - `goLive` returns to the end of the recording and `record` goes on recording from there.
 *
 * - `branch` (and the writes `writeMemory`, `writeGlobal`, `writeSlot`, which branch first)
 *   starts a new timeline at the current tick ("what if"): the past is shared, the recorded
 *   timeline is kept, `switchTimeline` moves between them. A branch runs live: its host calls
 *   are real (standard input the first timeline consumed is not read again).
 *
 * While travelling the host functions are answered from the log (output is written once).
 * A tick is the state after that many ticks since the recording began (tick 0: the state the
 * execution was in when the recording was made).
 *
 * Breakpoints stop on function entry or at a wasm byte offset, optionally under a condition.
 * Watchpoints stop where a memory range, a global or a table slot changes: going forward,
 * at the first tick whose value differs from the tick before (just after the write); going
 * backward, at the last tick whose value differs from the tick after (just before the
 * write: the machine stands at the writing instruction). Both are exact: a value changed and
 * changed back a tick later is seen (a write of the value already there is not a change).
 *
 * Searches replay at full speed with probes (src/exec/probes.ts) patched into the code: the
 * loop stops only at breakpoint sites and at instructions that may write a watched value
 * (stores that miss the watched bytes run on inside the probe), and a replayed host call
 * whose logged effects change a watched value stops right after it. Backward searches replay
 * the intervals between checkpoints from the newest back, each to its last event.
 *
 * Suspending host functions: `record` returns their `host-call`; once answered (`answer`, or
 * `Execution.answer` before the next `record`) the answered state is a pinned checkpoint at
 * that tick, which replays restore there.
 *
 * Host functions that call back into wasm (`invoke` from inside the host function): while
 * recording, the nested runs are not cut by budgets (a budget may end later than asked, after
 * the host call) and their ticks count like the others; the log keeps each call back and the
 * host code's effects around them (hostlog.ts). While replaying, such a call is driven from
 * its entry: the host code's effects are written back and each call back runs as part of the
 * execution (`Execution.callBack`), so that travel reaches every tick inside the nested runs
 * too. Checkpoints are only taken outside host calls; a branch (and so a write) inside a call
 * back is refused. Not handled:
 * other changes the embedder makes to the machine between budgets (use this class's writes).
 *
 * @example Record a loop, then go back to where a memory word was last written
 * ```ts
 * import { Recording, Runtime, type WasmFunction } from "../../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const runtime = new Runtime();
 * const { exports } = runtime.instantiate(`(module (memory (export "memory") 1)
 *   (func (export "count") (param $n i32) (local $i i32)
 *     (loop $l
 *       (i32.store (i32.const 16) (local.get $i))
 *       (local.set $i (i32.add (local.get $i) (i32.const 1)))
 *       (br_if $l (i32.lt_u (local.get $i) (local.get $n))))))`);
 * const recording = new Recording(runtime.start(exports.count as WasmFunction, [100]));
 * assert.equal(recording.record().status, "complete");
 * const word = () => new DataView(runtime.store.memories[0].buffer).getInt32(16, true);
 * assert.equal(word(), 99);
 *
 * recording.travel(recording.end / 2); // halfway: the loop stored 49 or 50 by then
 * assert.ok(word() === 49 || word() === 50);
 * recording.watchpoints.push({ kind: "memory", address: 16, length: 4 });
 * recording.reverseContinue(); // stops at the store that wrote the value seen there
 * const before = word();
 * recording.stepForward();
 * assert.equal(word(), before + 1);
 * recording.goLive(); // back at the end
 * assert.equal(word(), 99);
 * ```
 *
 * @module
 */

import type { Execution, RunResult } from "../exec/execution.ts";
import type { Machine } from "../exec/machine.ts";
import { Probes, type ProbeSpec } from "../exec/probes.ts";
import { slotCount, slotViews, writeSlot } from "../runtime/values.ts";
import type { ValType } from "../syntax/types.ts";
import type { WasmFunc } from "../runtime/store.ts";
import type { Wasi } from "../wasi/api.ts";
import { type Checkpoint, restoreCheckpoint, takeCheckpoint } from "./checkpoint.ts";
import { stateHash } from "./hash.ts";
import { historyBytes, thin } from "./history.ts";
import { HostLog, type LogEntry, ReplayDivergence } from "./hostlog.ts";
import { WasmException } from "../exec/machine.ts";

/** Options of a {@linkcode Recording}. */
export interface RecordingOptions {
  /** The WASI host the program runs with: its calls and state are logged and replayed. */
  wasi?: Wasi;
  /** Memory the history may take, in bytes (checkpoints and log); default 256 MiB. */
  budget?: number;
  /** Ticks between checkpoints while recording; default 1,000,000. */
  interval?: number;
  /** Ticks between the travel cache's checkpoints (see `travel`); default 2^17. */
  grid?: number;
  /** Ticks around a travel's target that the travel cache covers; default 10^6. */
  span?: number;
  /** Whether the interval grows when checkpoints cost too much (see `interval`); default true. */
  adaptive?: boolean;
  /** The decay fraction (see history.ts); default 0.01. */
  fraction?: number;
  /** Host functions (`module.name`) that write no guest memory (faster to log). */
  pure?: string[];
}

/** A place to stop: a function's entry or a wasm byte offset in it. */
export interface Breakpoint {
  /** The function's store address. */
  func: number;
  /** The wasm byte offset of an instruction in it (module binary offsets); absent: entry. */
  offset?: number;
  /** Stops only where this holds (it may inspect the recording's machine). */
  condition?: (r: Recording) => boolean;
}

/** What a watchpoint watches. */
export type Watchpoint =
  | { kind: "memory"; memory?: number; address: number; length: number }
  | { kind: "global"; global: number }
  | { kind: "table"; table: number; index: number };

/** An event a probed scan meets (see `probedScan`). */
type ScanEvent = { kind: "break" | "watch"; tick: number; index: number };

/** Why a search stopped. */
export type StopReason =
  | { reason: "breakpoint"; index: number }
  | { reason: "watchpoint"; index: number }
  | { reason: "start" }
  | { reason: "end" };

/** A timeline: the history of one run, the first or a branch of another at `start`. */
interface Timeline {
  checkpoints: Checkpoint[];
  entries: LogEntry[];
  logBytes: number;
  frontier: number;
  last: RunResult | null;
  lastCheckpoint: Checkpoint;
  parent: number;
  start: number;
}

/** How far before its target a travel leaves checkpoints on the grid (for near steps). */
const SPAN = 1_000_000;
/** The most checkpoints the travel cache keeps. */
const CACHE_MAX = 32;

/** A recorded run (see the module doc). */
export class Recording {
  /** The execution recorded. */
  readonly execution: Execution;
  /** Its machine. */
  readonly machine: Machine;
  /** The host log. */
  readonly log: HostLog = new HostLog();
  /** Breakpoints (edit freely between moves). */
  readonly breakpoints: Breakpoint[] = [];
  /** Watchpoints (edit freely between moves). */
  readonly watchpoints: Watchpoint[] = [];
  /** The checkpoints kept, by tick (those of the current timeline). */
  checkpoints: Checkpoint[] = [];
  /** The memory budget in bytes. */
  readonly budget: number;
  /**
   * Ticks between checkpoints while recording: the option, doubled while taking a checkpoint
   * costs on average (over the last few) more than a quarter of running the interval (a large
   * memory), so that checkpoints keep recording within about 1.25x of a plain run.
   */
  interval: number;
  /** The decay fraction now in force (grows when the budget is tight). */
  fraction: number;
  private readonly wasi: Wasi | null;
  private pos = 0;
  private frontier = 0;
  private last: RunResult | null = null;
  private lastCheckpoint: Checkpoint;
  /** Checkpoints outside the history near where travel went lately, by tick (on the grid). */
  private readonly cache = new Map<number, Checkpoint>();
  /** Ticks between the travel cache's checkpoints. */
  private grid: number;
  private readonly span: number;
  /** Searches under way (they travel much: no look-ahead for them). */
  private scans = 0;
  /** ms per tick measured while recording (0 before any). */
  private tickMs = 0;
  /** Every timeline (the current one's entry is stale while it is current). */
  private readonly timelines: Timeline[] = [];
  private current = 0;

  /**
   * Starts recording `execution` (running, paused between budgets) from its current state,
   * tick 0. Wraps the host functions bound to its machine (see hostlog.ts).
   */
  constructor(execution: Execution, options: RecordingOptions = {}) {
    if (execution.state !== "running") throw new Error("Recording: the execution is over");
    this.execution = execution;
    this.machine = execution.machine;
    this.wasi = options.wasi ?? null;
    this.budget = options.budget ?? 256 * 2 ** 20;
    this.interval = options.interval ?? 1_000_000;
    this.fraction = options.fraction ?? 0.01;
    this.adaptive = options.adaptive ?? true;
    this.grid = options.grid ?? 1 << 17;
    this.span = options.span ?? SPAN;
    this.log.install(this.machine, this.wasi, options.pure);
    this.lastCheckpoint = this.checkpoint();
    this.timelines.push(this.saveTimeline(-1, 0));
  }

  /** The current tick. */
  get tick(): number {
    return this.pos;
  }

  /** The last tick recorded. */
  get end(): number {
    return this.frontier;
  }

  /** How the recorded run ended (`complete`/`trapped`), or null while it can go on. */
  get result(): RunResult | null {
    return this.last;
  }

  /** Whether the machine stands at the end of the recording, recording (not replaying). */
  get live(): boolean {
    return this.log.mode === "record";
  }

  /** History size: checkpoints, their bytes and the log's. */
  get stats(): { checkpoints: number; checkpointBytes: number; logBytes: number } {
    return {
      checkpoints: this.checkpoints.length,
      checkpointBytes: historyBytes(this.checkpoints),
      logBytes: this.log.bytes,
    };
  }

  /**
   * Records up to `ticks` more ticks (default: to the end of the run), going live first if
   * travelling. Returns how the budget ended: `paused`, `complete`, `trapped` or `host-call`
   * (a suspending host function: {@linkcode answer} it, then record on). Paused at the end
   * of `ticks`, the machine stands live at the frontier without a checkpoint there: it is
   * taken when the machine first leaves (a travel, `goLive`, a branch), so recording in
   * budgets costs no checkpoint per budget.
   *
   * A host function that calls back into wasm runs its nested calls to their end: the budget
   * may then end after `ticks`, right after that host call.
   */
  record(ticks = Infinity): RunResult {
    if (!this.live) this.goLive();
    this.settle(null);
    if (this.last !== null) return this.last;
    // The periodic checkpoint the last call left pending at its end (see below).
    if (this.frontierPending && this.pos >= this.lastCheckpoint.tick + this.interval) {
      this.lastCheckpoint = this.checkpoint();
      this.runMs = 0;
    }
    let left = ticks;
    for (;;) {
      const next = this.lastCheckpoint.tick + this.interval;
      const budget = Math.max(0, Math.min(left, next - this.pos));
      const t0 = performance.now();
      const r = this.runBudget(budget);
      const ms = performance.now() - t0;
      this.runMs += ms;
      if (this.lastRun >= 100_000) this.tickMs = ms / this.lastRun;
      left -= this.lastRun;
      this.frontier = this.pos;
      if (r.status === "complete" || r.status === "trapped") {
        this.last = r;
        this.lastCheckpoint = this.checkpoint();
        return r;
      }
      if (this.pos >= next && !(left <= 0 && r.status === "paused")) {
        const t1 = performance.now();
        this.lastCheckpoint = this.checkpoint();
        // Averages over several checkpoints: one garbage collection must not double it.
        this.costAvg = 0.75 * this.costAvg + 0.25 * (performance.now() - t1);
        this.runAvg = 0.75 * this.runAvg + 0.25 * this.runMs;
        if (
          this.adaptive && ++this.samples >= 4 && this.costAvg > 0.25 * this.runAvg &&
          this.interval < 2 ** 40
        ) {
          this.samples = 0;
          this.interval *= 2;
        }
        this.runMs = 0;
      }
      if (r.status !== "paused" || left <= 0) {
        // Paused live at the frontier: its checkpoint waits until the machine leaves it
        // (`settleFrontier`), so that recording in budgets costs no checkpoint per budget.
        if (this.lastCheckpoint.tick !== this.pos) {
          if (r.status === "paused") this.frontierPending = true;
          else this.lastCheckpoint = this.checkpoint();
        }
        if (r.status === "host-call") this.pendingAt = this.pos;
        return r;
      }
    }
  }

  /** Whether the live frontier has no checkpoint yet (see `record`). */
  private frontierPending = false;

  /** Takes the frontier's checkpoint if `record` left it pending (before the machine moves). */
  private settleFrontier(): void {
    if (!this.frontierPending) return;
    this.frontierPending = false;
    if (this.live && this.pos === this.frontier && this.lastCheckpoint.tick !== this.pos) {
      this.lastCheckpoint = this.checkpoint();
    }
  }

  /** The tick where a suspending host call waits for its answer (-1: none). */
  private pendingAt = -1;

  /**
   * Answers the suspending host call that `record` returned (`host-call`) with `results`, as
   * `Execution.answer` does (which may be called directly too: the next `record` notices).
   * The answered state is kept in a pinned checkpoint at that tick, which replays restore
   * when they reach the call: the answer, and whatever the embedder changed in the machine
   * while the call was pending, are replayed exactly. Returns what `Execution.answer` does.
   */
  answer(results: readonly unknown[]): RunResult | null {
    if (!this.live) this.goLive();
    const r = this.execution.answer(results);
    this.settle(r);
    return r;
  }

  /** {@linkcode answer} by raising exception `exn` at the call (`Execution.answerThrow`). */
  answerThrow(exn: Parameters<Execution["answerThrow"]>[0]): RunResult | null {
    if (!this.live) this.goLive();
    const r = this.execution.answerThrow(exn);
    this.settle(r);
    return r;
  }

  /**
   * After a pending host call was answered (`r`: the answer's result, null if unknown): the
   * checkpoint at its tick becomes the answered state, pinned.
   */
  private settle(r: RunResult | null): void {
    if (this.pendingAt < 0 || this.pendingAt !== this.pos || this.machine.hostCallee >= 0) return;
    this.pendingAt = -1;
    if (r !== null) this.last = r;
    else if (this.execution.state === "complete") this.last = { status: "complete", results: [] };
    this.lastCheckpoint = this.checkpoint();
    this.lastCheckpoint.pinned = true;
  }

  /** Ticks the last `runBudget` executed. */
  private lastRun = 0;
  private readonly adaptive: boolean;
  /** ms spent running since the last checkpoint. */
  private runMs = 0;
  /** Moving averages of a checkpoint's ms and of the ms run between two (see `interval`). */
  private costAvg = 0;
  /** See `costAvg`. */
  private runAvg = 0;
  /** Checkpoints since the interval last changed. */
  private samples = 0;

  /**
   * Runs `budget` ticks (deterministic WASI clocks count true ticks). While replaying, a
   * suspending host call is answered by restoring the pinned checkpoint of its answered
   * state (see {@linkcode answer}), and the budget goes on.
   */
  private runBudget(budget: number): RunResult {
    const ex = this.execution;
    const clock = this.wasi?.state.clock;
    const total = budget === Infinity ? Number.MAX_SAFE_INTEGER : budget;
    let used = 0;
    this.log.syncSuspending(this.machine);
    for (;;) {
      const b = Math.max(0, total - used);
      if (clock !== undefined && clock.deterministic) clock.fuelStart = this.pos + b;
      const r = ex.runFor(b);
      used += b - ex.fuel;
      this.pos += b - ex.fuel;
      this.lastRun = used;
      if (
        this.log.mode === "replay" &&
        (r.status === "returned" ||
          (r.status === "host-call" && this.log.reentering.has(this.machine.hostCallee)))
      ) {
        // A host call that called back into wasm: its steps take no ticks, done at once.
        const end = this.drive(r);
        if (end !== null) return end;
        if (used >= total) return { status: "paused" };
        continue;
      }
      if (r.status !== "host-call" || this.log.mode !== "replay") return r;
      const c = this.checkpoints[this.checkpointBefore(this.pos)];
      if (c.tick !== this.pos || c.hostCallee >= 0) return r;
      this.restore(c);
      if (used >= total) return { status: "paused" };
    }
  }

  /** Replayed host calls that call back into wasm, innermost last: entry, call backs made. */
  private scripts: { entry: LogEntry; k: number }[] = [];

  /**
   * Drives the replay of a host call that called back into wasm (`r`: the call, or the end of
   * one of its call backs), from its log entry: writes back the effects of its host code up
   * to the next call back and starts that (null: run on), or those after the last one and
   * answers the call as it was answered (null to run on, or the run's end).
   */
  private drive(r: RunResult): RunResult | null {
    const ex = this.execution, m = this.machine;
    if (r.status === "host-call") this.scripts.push({ entry: this.log.take(m.hostCallee), k: 0 });
    else if (r.status === "returned") {
      const s = this.scripts.at(-1)!;
      if ((r.results === null) !== s.entry.calls![s.k - 1].failed) {
        throw new ReplayDivergence("replay diverged: a call back into wasm ended otherwise");
      }
    }
    const s = this.scripts.at(-1)!;
    const calls = s.entry.calls ?? [];
    if (s.k < calls.length) {
      const c = calls[s.k++];
      this.log.apply(m, c);
      ex.callBack(c.func, c.args);
      return null;
    }
    this.scripts.pop();
    this.log.apply(m, s.entry);
    if (s.entry.results !== undefined) return ex.answer(s.entry.results, true);
    const e = s.entry.error;
    return e instanceof WasmException ? ex.answerThrow(e) : ex.answerError(e);
  }

  /** A checkpoint of the current tick, sharing unchanged pages with `base`. */
  private snap(base: Checkpoint | null): Checkpoint {
    return takeCheckpoint(
      this.machine,
      this.execution,
      this.pos,
      this.log.cursor,
      this.log.hostState(),
      base,
    );
  }

  /** Takes a checkpoint at the current tick (replacing one taken at the same tick). */
  private checkpoint(): Checkpoint {
    this.frontierPending = false;
    const c = this.snap(this.checkpoints.at(-1) ?? null);
    if (this.checkpoints.length > 0 && this.checkpoints.at(-1)!.tick === c.tick) {
      this.checkpoints[this.checkpoints.length - 1] = c;
    } else this.checkpoints.push(c);
    this.retain();
    return c;
  }

  /** Thins the history for the newest end, within the budget. */
  private retain(): void {
    thin(this.checkpoints, this.frontier, this.interval, this.fraction);
    while (
      historyBytes(this.checkpoints) + this.log.bytes > this.budget && this.checkpoints.length > 2
    ) {
      this.fraction *= 2;
      if (thin(this.checkpoints, this.frontier, this.interval, this.fraction) === 0) {
        if (this.fraction > 1e6) break;
      }
    }
  }

  /** Index of the last checkpoint at or before `tick`. */
  private checkpointBefore(tick: number): number {
    const cps = this.checkpoints;
    let lo = 0, hi = cps.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (cps[mid].tick <= tick) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Restores checkpoint `c` and enters replay. */
  private restore(c: Checkpoint): void {
    restoreCheckpoint(this.machine, this.execution, c);
    this.scripts = [];
    this.execution.dropCallBacks();
    this.log.setHostState(c.host);
    this.log.cursor = c.logIndex;
    this.log.mode = "replay";
    this.pos = c.tick;
  }

  /**
   * Travels to `tick` (clamped to the recording): the machine then holds exactly the state
   * the recorded run had there. Returns the tick reached.
   */
  travel(tick: number): number {
    this.settleFrontier();
    const t = Math.max(0, Math.min(Math.floor(tick), this.frontier));
    if (t === this.pos) return t;
    if (t === this.frontier && this.checkpoints.at(-1)!.tick === t) {
      this.restore(this.checkpoints.at(-1)!);
      return t;
    }
    const start = this.pos;
    const c = this.bestBefore(t);
    if (!(this.pos <= t && this.pos >= c.tick && this.execution.state === "running")) {
      this.restore(c);
    }
    this.log.mode = "replay";
    const span = Math.max(this.span, 8 * this.grid);
    if (!this.replayTo(t, t - span, c)) return this.pos;
    if (Math.abs(t - start) > span && this.scans === 0) {
      // A far jump: cover the ticks just after the target too, then come back to it.
      const ahead = Math.min(this.frontier - 1, t + span);
      if (ahead > t + this.grid) {
        this.replayTo(ahead, t, c);
        const back = this.bestBefore(t);
        this.restore(back);
        this.replayTo(t, t, back);
      }
    }
    return this.pos;
  }

  /** The checkpoint (history or travel cache) nearest before or at `t`. */
  private bestBefore(t: number): Checkpoint {
    let c = this.checkpoints[this.checkpointBefore(t)];
    for (const k of this.cache.values()) if (k.tick <= t && k.tick > c.tick) c = k;
    return c;
  }

  /**
   * Replays to `t`, leaving travel-cache checkpoints on the grid from tick `from` on (sharing
   * pages with `base`); false (at the end state) if the run ended on the way.
   */
  private replayTo(t: number, from: number, base: Checkpoint): boolean {
    while (this.pos < t) {
      let g = (Math.floor(this.pos / this.grid) + 1) * this.grid;
      if (g < from) g = Math.ceil(from / this.grid) * this.grid;
      if (g >= t) return this.runTo(t);
      if (!this.runTo(g)) return false;
      if (!this.cache.has(g) && this.checkpoints[this.checkpointBefore(g)].tick !== g) {
        this.cacheHere(base, g);
      }
    }
    return true;
  }

  /**
   * Adds a checkpoint of the current tick to the travel cache (sharing pages with `base`),
   * dropping the one farthest from `target` beyond CACHE_MAX; the grid doubles while a
   * checkpoint costs more than replaying half a grid step.
   */
  private cacheHere(base: Checkpoint, target: number): void {
    // Checkpoints are taken outside host calls only.
    if (this.scripts.length > 0) return;
    const t0 = performance.now();
    const c = this.snap(base);
    this.cache.set(c.tick, c);
    if (this.cache.size > CACHE_MAX) {
      let far = -1;
      for (const k of this.cache.keys()) {
        if (far < 0 || Math.abs(k - target) > Math.abs(far - target)) far = k;
      }
      this.cache.delete(far);
    }
    const cost = performance.now() - t0;
    const replay = this.lastRunMs(this.grid);
    if (this.adaptive && cost > replay / 2 && this.grid < 2 ** 40) this.grid *= 2;
  }

  /** An estimate of the ms to replay `ticks` (from the recording's speed), or Infinity. */
  private lastRunMs(ticks: number): number {
    return this.tickMs === 0 ? Infinity : ticks * this.tickMs;
  }

  /** Replays forward to `t`; false (at the end state) if the run ended on the way. */
  private runTo(t: number): boolean {
    while (this.pos < t) {
      const r = this.runBudget(t - this.pos);
      if (r.status !== "paused") {
        // The run ended on the way (a trap counted at its last saved tick): the end state.
        this.restore(this.checkpoints.at(-1)!);
        return false;
      }
    }
    return true;
  }

  /** Goes back to the end of the recording and records from there on. */
  goLive(): void {
    this.settleFrontier();
    this.restore(this.checkpoints.at(-1)!);
    this.log.mode = "record";
    this.log.cursor = this.log.entries.length;
  }

  /** The current timeline's number (0: the first recording; see {@linkcode branch}). */
  get timeline(): number {
    return this.current;
  }

  /** How many timelines there are. */
  get timelineCount(): number {
    return this.timelines.length;
  }

  /** Where timeline `k` came from: its parent timeline (-1 for the first) and the tick. */
  timelineOrigin(k: number): { parent: number; tick: number } {
    const t = this.timelines[k];
    if (t === undefined) throw new RangeError(`no timeline ${k}`);
    return { parent: t.parent, tick: t.start };
  }

  /** The current timeline's fields, as a {@linkcode Timeline}. */
  private saveTimeline(parent: number, start: number): Timeline {
    return {
      checkpoints: this.checkpoints,
      entries: this.log.entries,
      logBytes: this.log.bytes,
      frontier: this.frontier,
      last: this.last,
      lastCheckpoint: this.lastCheckpoint,
      parent,
      start,
    };
  }

  /** Makes `t` the current timeline's fields. */
  private loadTimeline(t: Timeline): void {
    this.checkpoints = t.checkpoints;
    this.log.entries = t.entries;
    this.log.bytes = t.logBytes;
    this.frontier = t.frontier;
    this.last = t.last;
    this.lastCheckpoint = t.lastCheckpoint;
    this.cache.clear();
  }

  /**
   * Starts a new timeline at the current tick ("what if"): the history up to here is shared
   * with the current timeline, which is kept as it was; from here on the run is live again
   * (host functions are called, WASI descriptors re-open from the state). Returns its number.
   * {@linkcode writeMemory}, {@linkcode writeGlobal} and {@linkcode writeSlot} branch first.
   */
  branch(): number {
    if (this.scripts.length > 0) {
      throw new Error("branch: the machine stands inside a host function's call back into wasm");
    }
    this.settleFrontier();
    const t = this.pos;
    const cur = this.timelines[this.current];
    this.timelines[this.current] = { ...this.saveTimeline(cur.parent, cur.start) };
    const keep = this.checkpoints.filter((c) => c.tick <= t);
    this.checkpoints = keep;
    this.log.entries = this.log.entries.slice(0, this.log.cursor);
    this.log.bytes = 0;
    this.frontier = t;
    this.last = this.execution.state === "running" ? null : this.last;
    this.cache.clear();
    this.log.mode = "record";
    this.wasi?.close();
    this.lastCheckpoint = this.checkpoint();
    const k = this.timelines.length;
    this.timelines.push(this.saveTimeline(this.current, t));
    this.current = k;
    return k;
  }

  /** Switches to timeline `k` at the same tick (or its end, if it ends before). */
  switchTimeline(k: number): number {
    this.settleFrontier();
    const t = this.timelines[k];
    if (t === undefined) throw new RangeError(`no timeline ${k}`);
    if (k === this.current) return this.pos;
    const cur = this.timelines[this.current];
    this.timelines[this.current] = this.saveTimeline(cur.parent, cur.start);
    this.loadTimeline(t);
    this.current = k;
    const tick = Math.min(this.pos, this.frontier);
    this.wasi?.close();
    this.restore(this.checkpoints[this.checkpointBefore(tick)]);
    this.runTo(tick);
    return this.pos;
  }

  /** Ends a change made by a write: branches unless this is a fresh branch's own tick. */
  private beforeWrite(): void {
    const cur = this.timelines[this.current];
    if (!(this.live && this.pos === this.frontier && cur.start === this.pos && this.current > 0)) {
      this.branch();
    }
  }

  /** After a write: the branch's checkpoint at this tick holds it (pinned: no replay can). */
  private afterWrite(): void {
    this.lastCheckpoint = this.checkpoint();
    this.lastCheckpoint.pinned = true;
    this.timelines[this.current] = this.saveTimeline(
      this.timelines[this.current].parent,
      this.timelines[this.current].start,
    );
  }

  /** Writes `bytes` at `address` of memory `memory` (default 0) in a new timeline. */
  writeMemory(address: number, bytes: Uint8Array, memory = 0): void {
    const mem = this.machine.store.memories[memory];
    if (mem === undefined || address < 0 || address + bytes.length > mem.buffer.byteLength) {
      throw new RangeError("writeMemory: out of bounds");
    }
    this.beforeWrite();
    new Uint8Array(this.machine.store.memories[memory].buffer).set(bytes, address);
    this.afterWrite();
  }

  /** Sets global `global` (store index) to the raw value `value` in a new timeline. */
  writeGlobal(global: number, value: number | bigint | Uint8Array): void {
    const store = this.machine.store;
    const g = store.globals[global];
    if (g === undefined) throw new RangeError(`writeGlobal: no global ${global}`);
    this.beforeWrite();
    writeSlot(slotViews(store.globalSlots), g.slot, g.type, value);
    this.afterWrite();
  }

  /**
   * Sets the value-stack slot `slot` (8-byte slots from the frame pointer `fp` of a frame of
   * the call stack: a local's slot) to `value` of type `type`, in a new timeline.
   */
  writeSlot(fp: number, slot: number, type: ValType, value: number | bigint | Uint8Array): void {
    this.beforeWrite();
    writeSlot(slotViews(this.machine.stack), (fp >> 1) + slot, type, value);
    this.afterWrite();
  }

  /** Steps `n` ticks forward (not past the end). */
  stepForward(n = 1): number {
    return this.travel(this.pos + n);
  }

  /** Steps `n` ticks back (not before the start). */
  stepBack(n = 1): number {
    return this.travel(this.pos - n);
  }

  /**
   * Steps back out of the current function: to the tick where its caller stood at the call
   * instruction. At the outermost frame, to the start.
   */
  stepOutBack(): number {
    return this.scan(() => {
      const depth = this.machine.depth;
      const hit = this.searchBack((m) => m.depth < depth || m.funcAddr < 0);
      return this.travel(hit ?? 0);
    });
  }

  /** Runs search `f` (its travels leave no look-ahead). */
  private scan<T>(f: () => T): T {
    this.scans++;
    try {
      return f();
    } finally {
      this.scans--;
    }
  }

  /** Runs forward to the next breakpoint or watchpoint hit, or to the end. */
  continue(): StopReason {
    return this.scan(() => this.forward());
  }

  /** {@linkcode continue}'s search. */
  private forward(): StopReason {
    if (this.breakpoints.length === 0 && this.watchpoints.length === 0) {
      this.travel(this.frontier);
      return { reason: "end" };
    }
    let why: StopReason = { reason: "end" };
    const stopped = this.probedScan(this.frontier, false, (e) => {
      why = { reason: e.kind === "break" ? "breakpoint" : "watchpoint", index: e.index };
      return true;
    });
    if (!stopped) this.travel(this.frontier);
    return why;
  }

  /** Runs backward to the previous breakpoint or watchpoint hit, or to the start. */
  reverseContinue(): StopReason {
    return this.scan(() => this.backward());
  }

  /**
   * {@linkcode reverseContinue}'s search: the intervals between checkpoints from the newest
   * back, each replayed with probes (at replay speed) to its last event before the current
   * tick.
   */
  private backward(): StopReason {
    const from = this.pos;
    if (this.breakpoints.length > 0 || this.watchpoints.length > 0) {
      const cps = this.checkpoints;
      for (let i = this.checkpointBefore(from === 0 ? 0 : from - 1); i >= 0; i--) {
        const a = cps[i].tick;
        if (a >= from) continue;
        const b = i + 1 < cps.length ? Math.min(cps[i + 1].tick, from) : from;
        this.travel(a);
        let last: ScanEvent | null = null;
        this.probedScan(b, true, (e) => {
          // In tick order; at one tick a breakpoint (before the instruction) wins.
          if (last === null || e.tick > last.tick) last = e;
          return false;
        });
        if (last !== null) {
          const e = last as ScanEvent;
          this.travel(e.tick);
          return { reason: e.kind === "break" ? "breakpoint" : "watchpoint", index: e.index };
        }
      }
    }
    this.travel(0);
    return { reason: "start" };
  }

  /** What the probes of the breakpoints and watchpoints are (exec/probes.ts). */
  private probeSpec(): ProbeSpec {
    const spec: Required<ProbeSpec> = { breaks: [], memory: [], globals: [], tables: [] };
    for (const b of this.breakpoints) {
      if (this.machine.store.objects[b.func]?.kind !== "wasm") continue;
      spec.breaks.push({ func: b.func, pcs: b.offset === undefined ? [0] : [...this.pcsAt(b)] });
    }
    for (const w of this.watchpoints) {
      if (w.kind === "memory") {
        spec.memory.push({ memory: w.memory ?? 0, address: w.address, length: w.length });
      } else if (w.kind === "global") spec.globals.push(w.global);
      else spec.tables.push(w.table);
    }
    return spec;
  }

  /**
   * Replays from the current tick up to tick `limit` with probes armed (src/exec/probes.ts:
   * the loop stops only at breakpoint sites and at instructions that may write a watched
   * value), calling `on` with each event in tick order: a breakpoint whose site and condition
   * hold at `tick` (the machine stands there), or a watched value changed by the instruction
   * at `tick` (the machine stands at `tick + 1`); host calls are watched through the log's
   * replay. Stops early, where the event left the machine, when `on` returns true (returns
   * true then). `first`: whether a breakpoint at the starting tick counts.
   */
  private probedScan(limit: number, first: boolean, on: (e: ScanEvent) => boolean): boolean {
    const m = this.machine;
    const probes = new Probes(m, this.probeSpec());
    let vals = this.watchpoints.map((w) => this.watchValue(w));
    /** The first watchpoint whose value changed since the last look, or -1. */
    const changed = (): number => {
      let k = -1;
      const now = this.watchpoints.map((w) => this.watchValue(w));
      for (let i = 0; i < now.length && k < 0; i++) if (now[i] !== vals[i]) k = i;
      vals = now;
      return k;
    };
    let hostHit = false;
    if (this.watchpoints.length > 0) {
      this.log.afterReplay = () => {
        if (this.watchpoints.some((w, i) => this.watchValue(w) !== vals[i])) {
          hostHit = true;
          m.requestPause();
        }
      };
    }
    probes.arm();
    try {
      let atStart = true;
      while (this.pos < limit) {
        const code = m.funcAddr >= 0 ? m.code(m.funcAddr).code : null;
        if (code !== null && probes.patched(code, m.pc)) {
          if (!atStart || first) {
            const b = this.breakpointAt(m);
            if (b >= 0 && on({ kind: "break", tick: this.pos, index: b })) return true;
          }
          // Run the instruction under the probe itself, one tick.
          const t = this.pos, pc = m.pc;
          probes.unpatch(code, pc);
          let r: RunResult;
          try {
            hostHit = false;
            r = this.runBudget(1);
          } finally {
            probes.repatch(code, pc);
          }
          if (r.status !== "paused") return this.ended();
          const k = changed();
          if (k >= 0 && on({ kind: "watch", tick: t, index: k })) return true;
        } else {
          probes.hit = false;
          hostHit = false;
          const r = this.runBudget(limit - this.pos);
          if (r.status !== "paused") return this.ended();
          if (hostHit) {
            // A replayed host call changed a watched value: it was the call at the tick before.
            const k = changed();
            if (k >= 0 && on({ kind: "watch", tick: this.pos - 1, index: k })) return true;
          }
        }
        atStart = false;
      }
      return false;
    } finally {
      probes.disarm();
      this.log.afterReplay = null;
    }
  }

  /** The run ended while replaying (a trap counted at its last saved tick): the end state. */
  private ended(): false {
    this.restore(this.checkpoints.at(-1)!);
    return false;
  }

  /**
   * The last tick before the current one where `pred` holds of the machine, found by stepping
   * through the intervals between checkpoints from the newest back; null if none.
   */
  private searchBack(pred: (m: Machine) => boolean): number | null {
    const from = this.pos;
    let i = this.checkpointBefore(from === 0 ? 0 : from - 1);
    for (; i >= 0; i--) {
      const a = this.checkpoints[i].tick;
      const b = i + 1 < this.checkpoints.length
        ? Math.min(this.checkpoints[i + 1].tick, from)
        : from;
      if (a >= from) continue;
      this.travel(a);
      let found: number | null = null;
      while (this.pos < b) {
        const t = this.pos;
        const hit = pred(this.machine);
        this.travel(t + 1);
        if (this.pos !== t + 1) break;
        if (hit) found = t;
      }
      if (found !== null) return found;
    }
    return null;
  }

  /** A watched value now, as a string key. */
  private watchValue(w: Watchpoint): string {
    const store = this.machine.store;
    switch (w.kind) {
      case "memory": {
        const mem = store.memories[w.memory ?? 0];
        if (w.address + w.length > mem.buffer.byteLength) return "out";
        return new Uint8Array(mem.buffer, w.address, w.length).join(",");
      }
      case "global": {
        const g = store.globals[w.global];
        return new Uint8Array(store.globalSlots, g.slot * 8, slotCount(g.type) * 8).join(",");
      }
      case "table": {
        const t = store.tables[w.table];
        return w.index < t.size ? String(t.elems[w.index]) : "out";
      }
    }
  }

  /** The index of a breakpoint matching the machine's position, or -1. */
  private breakpointAt(m: Machine): number {
    if (m.funcAddr < 0) return -1;
    for (let i = 0; i < this.breakpoints.length; i++) {
      const b = this.breakpoints[i];
      if (b.func !== m.funcAddr) continue;
      if (b.offset === undefined ? m.pc !== 0 : !this.pcsAt(b).has(m.pc)) continue;
      if (b.condition !== undefined && !b.condition(this)) continue;
      return i;
    }
    return -1;
  }

  private readonly pcCache = new Map<string, Set<number>>();

  /** The IR pcs of breakpoint `b`'s wasm offset. */
  private pcsAt(b: Breakpoint): Set<number> {
    const key = `${b.func}:${b.offset}`;
    let s = this.pcCache.get(key);
    if (s === undefined) {
      s = new Set();
      const map = this.machine.code(b.func).srcMap;
      for (let i = 0; i + 1 < map.length; i += 2) if (map[i + 1] === b.offset) s.add(map[i]);
      this.pcCache.set(key, s);
    }
    return s;
  }

  /** The hash of the state now (see hash.ts). */
  hash(): string {
    return stateHash(this.machine, this.execution, this.log.hostState());
  }

  /** The function index (in its module) and instance of the function at store address `addr`. */
  funcOf(addr: number): { instance: number; index: number } | null {
    const o = this.machine.store.objects[addr];
    return o?.kind === "wasm" ? { instance: (o as WasmFunc).instance, index: o.index } : null;
  }
}
