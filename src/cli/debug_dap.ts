/**
 * `gab dap`: the time-travel debugger over the Debug Adapter Protocol, for editors (VS Code,
 * nvim-dap, Emacs dap-mode...), on standard input and output or on a TCP port (`--port N`: one
 * session per connection, the port printed on standard error).
 *
 * `launch` takes `program` (a .wasm WASI command), `args`, `env` (an object), `preopens`
 * (guest path → host path), `stdin` (a file for the program's standard input), `stopOnEntry`,
 * and the recording's bounds `maxTicks` (none by default) and `maxHistoryMiB` (the memory its
 * checkpoints and host log may take, 1024 by default). The program runs as it is recorded:
 * from `configurationDone` (or `continue`) on, in slices of about 20 ms between which the
 * message loop answers requests, so `pause` stops a running program (reason `pause`, at the
 * last tick recorded), and `disconnect`/`terminate` end it. Its output comes as `output`
 * events when a stop first stands past it (once per timeline: travelling replays it silently),
 * its end as `exited` (the status `gab run` gives: a trap is 1).
 * Requests travel in the recording; `continue` runs through it to a hit, and from its end on
 * live; a forward step near the end records a little ahead first. At a bound, the run stops
 * (reason `pause`, with a `console` message), and `continue` records on as much again, as
 * gdb's `record full` stops at its limit. One thread; frames are the call stack
 * with C source lines where the module carries DWARF (else no source: the WAT is given by
 * `disassemble`, addressed by module byte offsets). Steps go by line (by instruction with
 * `granularity: "instruction"`), back and forth: `stepBack`, `reverseContinue`. Scopes: the
 * frame's wasm locals and the module's globals. `readMemory` reads linear memory 0. The custom
 * request `gab/travel` (`{ tick }`) travels to a tick; `gab/position` answers the tick and the
 * recording's end, `gab/timings` how long each request took (its answer, and the move after it).
 * Every travel sends `invalidated` then `stopped`, whose reasons are the spec's: `entry`,
 * `pause`, `step`, `goto`, `breakpoint` (source lines), `function breakpoint`, `instruction
 * breakpoint`, `data breakpoint`, `exception` (the program trapped: the stop is at the trap),
 * and two of ours: `restart` (restartFrame) and `end` (the end of the program, or of the
 * recording reached by a step).
 *
 * Conditions are `A OP B` as in `gab debug` (`$0 == 3`, `*4320 >= 14`). Data breakpoints watch memory ranges (`dataBreakpointInfo` with an address as the name) and
 * globals (by name in the Globals scope); instruction breakpoints go by module byte offset.
 * `gotoTargets` gives where a source line begins (by the line table) and `goto` travels to the
 * next time there (or the last, when it is not reached again); `restartFrame` travels to the
 * frame's entry; `writeMemory` writes memory 0, and in the past branches the timeline there
 * (`continue` runs the new timeline on live; its output comes as events). `setVariable`
 * sets a wasm local of the top frame, a mutable global or a C scalar that lives in memory (the
 * C locals scope), branching the same way; operand stack values are not set. At the end of a
 * trapped run the stack trace is the trap's backtrace.
 *
 * @module
 */

import type { Recording, StopReason } from "../debug/recording.ts";
import type { RunResult } from "../exec/execution.ts";
import { ProcExit } from "../wasi/errno.ts";
import { callStack, functionWat, locals, operandStack } from "../debug/inspect.ts";
import type { Machine } from "../exec/machine.ts";
import { readSlot, slotCount, slotViews } from "../runtime/values.ts";
import { ExternKind, F32, F64, I32, I64, type ValType } from "../syntax/types.ts";
import { printValType } from "../text/print.ts";
import { CompiledModule } from "../api/module.ts";
import type { Wasi } from "../wasi/api.ts";
import { loadModule, readInput } from "./load.ts";
import { formatResult } from "./run.ts";
import { Debugger, recordProgram } from "./debug.ts";
import type { CValue } from "../debug/dwarf_vars.ts";

/** A DAP message as JSON. */
type Message = Record<string, unknown> & { seq?: number; type?: string };

const THREAD = 1;
/** How long a slice of a live run takes (ms) before the message loop is served again. */
const SLICE_MS = 20;
/** Ticks recorded ahead of a forward step from near the end of the recording. */
const LOOKAHEAD = 1_000_000;
/** The default bound of the history's memory (checkpoints and host log), in bytes. */
const DEFAULT_HISTORY_BYTES = 1024 * 2 ** 20;
/** Requests that move the machine: refused while the program runs live. */
const MOVES = new Set([
  "continue",
  "next",
  "stepIn",
  "stepOut",
  "stepBack",
  "reverseContinue",
  "goto",
  "restartFrame",
  "gab/travel",
  "writeMemory",
  "setVariable",
]);
const LOCALS_REF = 1, GLOBALS_REF = 2, OPERANDS_REF = 3;
/** The "C locals" scope of frame N is C_LOCALS_REF + N; struct/array members count from 1000. */
const C_LOCALS_REF = 100, C_CHILDREN_REF = 1000;

/** Reads DAP messages (`Content-Length` framed JSON) from a byte stream. */
export async function* readMessages(
  stream: ReadableStream<Uint8Array>,
): AsyncIterable<Message> {
  let buf = new Uint8Array(0);
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    const next = new Uint8Array(buf.length + chunk.length);
    next.set(buf);
    next.set(chunk, buf.length);
    buf = next;
    for (;;) {
      const text = decoder.decode(buf.subarray(0, Math.min(buf.length, 1024)));
      const end = text.indexOf("\r\n\r\n");
      if (end < 0) break;
      const m = /Content-Length:\s*(\d+)/i.exec(text.slice(0, end));
      if (m === null) throw new Error("DAP: a header without Content-Length");
      const start = new TextEncoder().encode(text.slice(0, end + 4)).length;
      const length = Number(m[1]);
      if (buf.length < start + length) break;
      yield JSON.parse(decoder.decode(buf.subarray(start, start + length)));
      buf = buf.slice(start + length);
    }
  }
}

/** Frames a DAP message. */
export function frame(message: Message): Uint8Array {
  const body = new TextEncoder().encode(JSON.stringify(message));
  const head = new TextEncoder().encode(`Content-Length: ${body.length}\r\n\r\n`);
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

/** One debugging session: answers requests, sends events through `send`. */
export class DapSession {
  private seq = 1;
  private dbg: Debugger | null = null;
  private wasi: Wasi | null = null;
  private stopOnEntry = false;
  private programPath = "";
  /** Breakpoint ids by source path (the user's numbering in the Debugger). */
  private readonly sourceBreaks = new Map<string, number[]>();
  /** Whether the session has ended (disconnect). */
  done = false;
  /** The live run under way (recording in slices), or null while stopped. */
  private running: Promise<void> | null = null;
  /** Set by `terminate`: the program runs no more. */
  private terminated = false;
  /** Set by `pause` while running: the run stops at its next slice. */
  private pauseRequested = false;
  /** Ticks recorded per slice of a live run (tuned to about {@linkcode SLICE_MS}). */
  private slice = 10_000;
  /** Whether the `exited` event was sent (once per timeline). */
  private exitSent = new Set<number>();
  /** The recording's bounds: ticks and history bytes (see `launch`); raised by continue. */
  private limit = { ticks: Infinity, bytes: DEFAULT_HISTORY_BYTES };
  /** What the user's breakpoints are, by engine breakpoint key (func:offset). */
  private readonly kinds = new Map<string, "instruction breakpoint" | "function breakpoint">();

  /** A session that writes its messages with `send`. */
  constructor(private readonly send: (m: Message) => void) {}

  private event(event: string, body: unknown = {}): void {
    this.send({ seq: this.seq++, type: "event", event, body });
  }

  private get m(): Machine {
    return this.dbg!.recording.machine;
  }

  /** Handles one request (responses and events go through `send`). */
  async handle(req: Message): Promise<void> {
    const command = String(req.command);
    const args = (req.arguments ?? {}) as Record<string, unknown>;
    const respond = (body: unknown = {}, success = true, message?: string) =>
      this.send({
        seq: this.seq++,
        type: "response",
        request_seq: req.seq,
        command,
        success,
        ...(message === undefined ? {} : { message }),
        body,
      });
    const t0 = performance.now();
    try {
      const body = await this.request(command, args);
      respond(body ?? {});
      const t1 = performance.now();
      this.after(command);
      this.timings.push({ command, ms: t1 - t0, moveMs: performance.now() - t1 });
    } catch (e) {
      respond({}, false, e instanceof Error ? e.message : String(e));
    }
  }

  /**
   * How long each request took to answer (`ms`) and the move it started after its response
   * (`moveMs`: a travel, step or continue), in order; the custom request `gab/timings` gives it.
   */
  readonly timings: { command: string; ms: number; moveMs: number }[] = [];

  private deferred: (() => void) | null = null;

  /** Runs `f` after the current request's response is sent (a move and its events). */
  private defer(f: () => void): void {
    this.deferred = f;
  }

  /** Events that follow a request's response. */
  private after(command: string): void {
    const f = this.deferred;
    this.deferred = null;
    f?.();
    if (command === "launch") this.event("initialized");
    if (command === "configurationDone") {
      if (this.stopOnEntry) this.stopped("entry");
      else this.runLive();
    }
  }

  /** The recording. */
  private get rec(): Recording {
    return this.dbg!.recording;
  }

  /**
   * Runs forward: through the recording to a breakpoint hit, or on from its end live (see
   * {@linkcode runLive}) while the program has not ended.
   */
  private forward(): void {
    const r = this.rec;
    if (r.tick < r.end) {
      const why = r.continue();
      if (why.reason !== "end" || r.result !== null) return this.moved(why);
    }
    if (r.result !== null) return this.moved({ reason: "end" });
    // Continuing at a limit the recording reached goes on for as much again (as gdb's
    // "record full" goes on when told to at its limit).
    if (this.atLimit()) {
      if (r.end >= this.limit.ticks) this.limit.ticks += this.limit.ticks;
      const bytes = this.historyBytes();
      if (bytes >= this.limit.bytes) this.limit.bytes = bytes + this.limit.bytes;
    }
    this.runLive();
  }

  /**
   * Starts the live run: the program runs on from the end of the recording, recorded in
   * slices of about SLICE_MS between which the message loop answers requests (`pause`,
   * `disconnect`, `terminate`, breakpoint changes). After each slice the ticks just recorded
   * are searched for breakpoint and data breakpoint hits. Ends at a hit, a pause, the
   * program's end or the recording's limit, with a `stopped` event.
   */
  private runLive(): void {
    this.pauseRequested = false;
    this.running = this.live().catch((e) => {
      this.event("output", {
        category: "console",
        output: `gab: the run failed: ${e instanceof Error ? e.message : String(e)}\n`,
      });
      this.stopped("exception", { description: "the run failed" });
    }).finally(() => this.running = null);
  }

  /** {@linkcode runLive}'s loop. */
  private async live(): Promise<void> {
    const r = this.rec;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (this.done || this.terminated) return;
      if (this.pauseRequested) {
        this.pauseRequested = false;
        return this.stopped("pause");
      }
      const from = r.end;
      const t0 = performance.now();
      const result = r.record(Math.max(1, Math.min(this.slice, this.limit.ticks - r.end)));
      if (r.end > from && (r.breakpoints.length > 0 || r.watchpoints.length > 0)) {
        r.travel(from);
        const why = r.continue();
        if (why.reason !== "end") return this.moved(why);
      }
      // The next slice's size, for SLICE_MS of recording and searching together.
      const ms = performance.now() - t0;
      this.slice = Math.max(
        1000,
        Math.min(1e8, Math.round(this.slice * Math.min(4, SLICE_MS / Math.max(ms, 0.1)))),
      );
      if (result.status !== "paused") return this.moved({ reason: "end" });
      this.flushOutput();
      if (this.atLimit()) {
        const bytes = this.historyBytes();
        const what = r.end >= this.limit.ticks
          ? `${this.limit.ticks} ticks (maxTicks)`
          : `${+(this.limit.bytes / 2 ** 20).toFixed(2)} MiB of history (maxHistoryMiB; ` +
            `${+(bytes / 2 ** 20).toFixed(2)} MiB taken)`;
        this.event("output", {
          category: "console",
          output: `gab: the recording reached its limit of ${what} at tick ${r.end}: the ` +
            `program is stopped there; continue records on as much again\n`,
        });
        return this.stopped("pause", { description: "Paused at the recording's limit" });
      }
    }
  }

  /** The bytes the history holds (checkpoints and host log). */
  private historyBytes(): number {
    const s = this.rec.stats;
    return s.checkpointBytes + s.logBytes;
  }

  /** Whether the recording reached its tick or memory bound. */
  private atLimit(): boolean {
    return this.rec.end >= this.limit.ticks || this.historyBytes() >= this.limit.bytes;
  }

  /**
   * Sends the program's output that the current position has passed: what it wrote is kept
   * with the host log entry of its write (in its timeline) until a stop stands after that
   * entry, so output comes once, in order, as the run passes it (not as a slice or a step's
   * look-ahead records it), and a travel back does not send it again.
   */
  private flushOutput(): void {
    const r = this.rec;
    const cursor = r.log.cursor;
    let k = 0;
    for (const o of this.pending) {
      if (o.timeline === r.timeline && o.index >= cursor) break;
      if (o.timeline === r.timeline) {
        this.event("output", { category: o.category, output: o.output });
      }
      k++;
    }
    this.pending.splice(0, k);
  }

  /** The program's output not sent yet (see {@linkcode flushOutput}). */
  private readonly pending: {
    timeline: number;
    index: number;
    category: "stdout" | "stderr";
    output: string;
  }[] = [];

  /** How a run ended, in words. */
  private how(result: RunResult): string {
    switch (result.status) {
      case "complete":
        return `the program returned (tick ${this.rec.end})`;
      case "trapped":
        return result.error instanceof ProcExit
          ? `the program exited with status ${result.error.code} (tick ${this.rec.end})`
          : `the program trapped: ${result.error.message} (tick ${this.rec.end})`;
      case "host-call":
        return `the program called ${result.module}.${result.name}, a suspending host ` +
          `function the recording cannot replay (tick ${this.rec.end})`;
      default:
        return `the program stopped (tick ${this.rec.end})`;
    }
  }

  private stopped(reason: string, extra: Record<string, unknown> = {}): void {
    this.flushOutput();
    const r = this.rec;
    if (r.result !== null && r.tick === r.end && !this.exitSent.has(r.timeline)) {
      this.exitSent.add(r.timeline);
      this.event("output", { category: "console", output: `gab: ${this.how(r.result)}\n` });
      this.event("exited", { exitCode: exitCode(r.result) });
    }
    this.event("invalidated", { areas: ["stacks", "variables"], threadId: THREAD });
    this.event("stopped", { reason, threadId: THREAD, allThreadsStopped: true, ...extra });
  }

  private moved(why: StopReason): void {
    const r = this.rec;
    switch (why.reason) {
      case "breakpoint": {
        const b = r.breakpoints[why.index];
        const kind = b === undefined ? undefined : this.kinds.get(`${b.func}:${b.offset}`);
        return this.stopped(kind ?? "breakpoint");
      }
      case "watchpoint":
        return this.stopped("data breakpoint");
      case "start":
        return this.stopped("entry", { description: "the start of the recording" });
      case "end": {
        if (r.tick < r.end) return this.stopped("step");
        const res = r.result;
        if (res?.status === "trapped" && !(res.error instanceof ProcExit)) {
          // The machine is idle after a trap: the stack trace there is the trap's backtrace.
          return this.stopped("exception", {
            description: `Paused on a trap: ${res.error.message}`,
            text: res.error.message,
          });
        }
        this.stopped("end", {
          description: res === null ? "the end of the recording" : "the end of the program",
        });
      }
    }
  }

  private async request(command: string, args: Record<string, unknown>): Promise<unknown> {
    if (this.running !== null && MOVES.has(command)) {
      throw new Error(`the program is running: pause it before '${command}'`);
    }
    if (this.terminated && MOVES.has(command)) throw new Error("the program was terminated");
    switch (command) {
      case "initialize":
        return {
          supportsConfigurationDoneRequest: true,
          supportsStepBack: true,
          supportsSteppingGranularity: true,
          supportsFunctionBreakpoints: true,
          supportsConditionalBreakpoints: true,
          supportsReadMemoryRequest: true,
          supportsDisassembleRequest: true,
          supportsTerminateRequest: true,
          supportsDataBreakpoints: true,
          supportsGotoTargetsRequest: true,
          supportsRestartFrame: true,
          supportsWriteMemoryRequest: true,
          supportsInstructionBreakpoints: true,
          supportsSetVariable: true,
          supportsEvaluateForHovers: true,
        };
      case "launch":
        return await this.launch(args);
      case "setBreakpoints":
        return this.setBreakpoints(args);
      case "setFunctionBreakpoints": {
        const bps = (args.breakpoints ?? []) as { name: string; condition?: string }[];
        const key = "<functions>";
        for (const id of this.sourceBreaks.get(key) ?? []) this.dbg!.remove([String(id)]);
        const ids: number[] = [];
        const out = bps.map((b) => {
          try {
            this.dbg!.addBreak([b.name, ...(b.condition ? ["if", b.condition] : [])]);
            ids.push(this.dbg!.lastId);
            this.kind(this.rec.breakpoints.at(-1)!, "function breakpoint");
            return { verified: true, id: this.dbg!.lastId };
          } catch (e) {
            return { verified: false, message: (e as Error).message };
          }
        });
        this.sourceBreaks.set(key, ids);
        return { breakpoints: out };
      }
      case "dataBreakpointInfo":
        return this.dataBreakpointInfo(args);
      case "setDataBreakpoints": {
        const d = this.dbg!;
        const key = "<data>";
        for (const id of this.sourceBreaks.get(key) ?? []) d.remove([String(id)]);
        const ids: number[] = [];
        const out = ((args.breakpoints ?? []) as { dataId: string }[]).map((b) => {
          const m = /^(mem):(\d+):(\d+)$|^(global):(.+)$/.exec(b.dataId);
          if (m === null) return { verified: false, message: `bad dataId '${b.dataId}'` };
          try {
            d.addWatch(m[1] === "mem" ? [m[2], m[3]] : ["global", m[5]]);
            ids.push(d.lastId);
            return { verified: true, id: d.lastId };
          } catch (e) {
            return { verified: false, message: (e as Error).message };
          }
        });
        this.sourceBreaks.set(key, ids);
        return { breakpoints: out };
      }
      case "setInstructionBreakpoints": {
        const d = this.dbg!;
        const key = "<instructions>";
        for (const id of this.sourceBreaks.get(key) ?? []) d.remove([String(id)]);
        const ids: number[] = [];
        const bps = (args.breakpoints ?? []) as {
          instructionReference: string;
          offset?: number;
          condition?: string;
        }[];
        const out = bps.map((b) => {
          try {
            const at = Number(b.instructionReference) + Number(b.offset ?? 0);
            if (!Number.isSafeInteger(at) || at < 0) throw new Error("bad instruction reference");
            d.addBreak([`*${at}`, ...(b.condition ? ["if", b.condition] : [])]);
            ids.push(d.lastId);
            const offset = d.recording.breakpoints[d.recording.breakpoints.length - 1].offset!;
            this.kind(d.recording.breakpoints.at(-1)!, "instruction breakpoint");
            return {
              id: d.lastId,
              verified: true,
              instructionReference: `0x${offset.toString(16)}`,
            };
          } catch (e) {
            return { verified: false, message: (e as Error).message };
          }
        });
        this.sourceBreaks.set(key, ids);
        return { breakpoints: out };
      }
      case "gotoTargets":
        return this.gotoTargets(args);
      case "goto": {
        const at = Number(args.targetId);
        const why = this.travelToOffset(at);
        if (why === null) throw new Error(`no tick of the recording is at 0x${at.toString(16)}`);
        this.defer(() => this.stopped("goto"));
        return {};
      }
      case "restartFrame": {
        const r = this.dbg!.recording;
        const depth = Number(args.frameId);
        if (!(depth >= 1 && depth <= callStack(this.m).length)) throw new Error("no such frame");
        // Back out of the frame (and the ones above it) to its call, then one tick into it.
        for (let i = 0; i < depth; i++) r.stepOutBack();
        if (this.m.funcAddr >= 0 && r.tick > 0) r.stepForward(1);
        this.defer(() => this.stopped("restart"));
        return {};
      }
      case "writeMemory":
        return this.writeMemory(args);
      case "setVariable":
        return this.setVariable(args);
      case "setExceptionBreakpoints":
        return { breakpoints: [] };
      case "configurationDone":
        return {};
      case "threads":
        return { threads: [{ id: THREAD, name: "main" }] };
      case "stackTrace":
        return this.stackTrace();
      case "evaluate": {
        // C expressions (and $LOCAL, global G, *ADDR) in the given frame; nothing moves.
        const v = this.dbg!.evaluate(String(args.expression ?? ""), Number(args.frameId ?? 1) - 1);
        const kids = v.children === undefined
          ? 0
          : C_CHILDREN_REF + this.cChildren.push(v.children) - 1;
        const mem = v.address === undefined ? {} : { memoryReference: String(v.address) };
        return { result: v.value, type: v.type, variablesReference: kids, ...mem };
      }
      case "scopes": {
        const frame = Math.max(0, Number(args.frameId ?? 1) - 1);
        this.cChildren = [];
        const c = this.dbg!.cLocals(frame).length > 0
          ? [{ name: "C locals", variablesReference: C_LOCALS_REF + frame, expensive: false }]
          : [];
        return {
          scopes: [
            ...c,
            { name: "Locals", variablesReference: LOCALS_REF, expensive: false },
            { name: "Globals", variablesReference: GLOBALS_REF, expensive: false },
            { name: "Operand stack", variablesReference: OPERANDS_REF, expensive: false },
          ],
        };
      }
      case "variables":
        return { variables: this.variables(Number(args.variablesReference)) };
      case "continue":
        this.defer(() => this.forward());
        return { allThreadsContinued: true };
      case "reverseContinue":
        this.defer(() => this.moved(this.dbg!.recording.reverseContinue()));
        return {};
      case "next":
      case "stepIn":
      case "stepOut":
      case "stepBack": {
        const d = this.dbg!;
        const instruction = args.granularity === "instruction";
        this.defer(() => {
          if (command !== "stepBack") this.lookahead();
          if (command === "stepOut") {
            const depth = this.m.depth;
            d.forwardUntil(() => this.m.depth < depth || this.m.funcAddr < 0);
          } else if (command === "stepBack") {
            if (instruction) d.recording.stepBack();
            else d.stepBackward(true);
          } else if (instruction) d.recording.stepForward();
          else d.stepForward(command === "next");
          this.stopped("step");
        });
        return {};
      }
      case "gab/travel": {
        const r = this.dbg!.recording;
        const t = Number(args.tick);
        if (!Number.isSafeInteger(t) || t < 0) throw new Error("gab/travel takes a tick >= 0");
        r.travel(Math.min(t, r.end));
        this.defer(() => this.stopped("goto"));
        return { tick: r.tick, end: r.end };
      }
      case "gab/timings":
        return { timings: this.timings };
      case "gab/position": {
        const r = this.dbg!.recording;
        return { tick: r.tick, end: r.end };
      }
      case "readMemory":
        return this.readMemory(args);
      case "disassemble":
        return this.disassemble(args);
      case "pause":
        // Stopped already: nothing to do (the spec's answer to a pause of a stopped thread).
        if (this.running !== null) this.pauseRequested = true;
        return {};
      case "terminate":
        // The program ends (a live run stops at its next slice); the session goes on until
        // the client disconnects, as the spec has it.
        this.terminated = true;
        this.wasi?.close();
        this.defer(() => this.event("terminated"));
        return {};
      case "disconnect":
        this.wasi?.close();
        this.done = true;
        return {};
      default:
        throw new Error(`unsupported request '${command}'`);
    }
  }

  private async launch(args: Record<string, unknown>): Promise<unknown> {
    const program = args.program;
    if (typeof program !== "string") throw new Error("launch needs 'program' (a .wasm file)");
    this.programPath = program;
    const { module, info, bytes } = await loadModule(program, { validate: true });
    const compiled = new CompiledModule(module, info ?? undefined);
    const env = Object.entries((args.env ?? {}) as Record<string, string>).map(([k, v]) =>
      `${k}=${v}`
    );
    const dirs = Object.entries((args.preopens ?? {}) as Record<string, string>).map((
      [guest, host],
    ) => `${host}::${guest}`);
    const stdin = typeof args.stdin === "string" ? await readInput(args.stdin) : undefined;
    const decoder = [new TextDecoder(), new TextDecoder()];
    const limit = (name: string, scale: number, dflt: number) => {
      const v = args[name];
      if (v === undefined) return dflt;
      if (typeof v !== "number" || !(v > 0)) throw new Error(`launch: '${name}' must be > 0`);
      return v * scale;
    };
    this.limit = {
      ticks: limit("maxTicks", 1, Infinity),
      bytes: limit("maxHistoryMiB", 2 ** 20, DEFAULT_HISTORY_BYTES),
    };
    // Nothing is recorded yet (fuel 0): the program runs, recorded, from configurationDone.
    const { recording, wasi } = recordProgram(
      compiled,
      ((args.args ?? []) as unknown[]).map(String),
      {
        program,
        env,
        dirs,
        stdin,
        fuel: 0,
        stdout: (b) => this.wrote("stdout", decoder[0].decode(b, { stream: true })),
        stderr: (b) => this.wrote("stderr", decoder[1].decode(b, { stream: true })),
      },
    );
    this.wasi = wasi;
    const dir = program.includes("/") ? program.slice(0, program.lastIndexOf("/")) : ".";
    this.dbg = new Debugger(recording, bytes, [dir]);
    this.stopOnEntry = args.stopOnEntry === true;
    return {};
  }

  /** Keeps what the program writes (while recording) for {@linkcode flushOutput}. */
  private wrote(category: "stdout" | "stderr", output: string): void {
    const r = this.dbg?.recording;
    // The write's log entry is the next one (it is logged when the call returns).
    const index = r === undefined ? 0 : r.log.entries.length;
    if (output !== "") this.pending.push({ timeline: r?.timeline ?? 0, index, category, output });
  }

  /** Notes what kind of breakpoint the engine's breakpoint `b` is (for `stopped` reasons). */
  private kind(
    b: { func: number; offset?: number },
    kind: "instruction breakpoint" | "function breakpoint",
  ): void {
    this.kinds.set(`${b.func}:${b.offset}`, kind);
  }

  /**
   * Before a forward step near the end of the recording of a program still running: records
   * LOOKAHEAD ticks more (as the step would run them), then comes back.
   */
  private lookahead(): void {
    const r = this.rec;
    if (r.result !== null || r.end - r.tick >= LOOKAHEAD) return;
    const t = r.tick;
    r.record(LOOKAHEAD - (r.end - t));
    r.travel(t);
  }

  /** The source path a line table's file stands for (relative to the program's directory). */
  private sourcePath(file: string): string {
    if (file.startsWith("/")) return file;
    const dir = this.programPath.includes("/")
      ? this.programPath.slice(0, this.programPath.lastIndexOf("/"))
      : ".";
    return `${dir}/${file}`;
  }

  private setBreakpoints(args: Record<string, unknown>): unknown {
    const d = this.dbg;
    if (d === null) throw new Error("launch first");
    const path = String((args.source as { path?: string })?.path ?? "");
    for (const id of this.sourceBreaks.get(path) ?? []) d.remove([String(id)]);
    const file = path.slice(path.lastIndexOf("/") + 1);
    const ids: number[] = [];
    const bps = ((args.breakpoints ?? []) as { line: number; condition?: string }[]).map((b) => {
      try {
        d.addBreak([`${file}:${b.line}`, ...(b.condition ? ["if", b.condition] : [])]);
        ids.push(d.lastId);
        return { id: d.lastId, verified: true, line: b.line, source: { path } };
      } catch (e) {
        return { verified: false, line: b.line, message: (e as Error).message };
      }
    });
    this.sourceBreaks.set(path, ids);
    return { breakpoints: bps };
  }

  private stackTrace(): unknown {
    let stack: { name: string | null; index: number; offset: number | null }[] = callStack(
      this.m,
    );
    const r = this.rec;
    const res = r.result;
    if (
      stack.length === 0 && r.tick === r.end && res?.status === "trapped" &&
      !(res.error instanceof ProcExit)
    ) {
      // At the end of a trapped run: where it trapped (its backtrace; no values there).
      stack = res.error.trace.map((t) => ({ name: t.name, index: t.func, offset: t.offset }));
    }
    const frames = stack.map((f, i) => {
      const p = this.dbg!.source(f.offset);
      return {
        id: i + 1,
        name: f.name ?? `$${f.index}`,
        line: p?.line ?? 0,
        column: p?.column ?? 0,
        ...(p === null ? {} : { source: { name: p.file, path: this.sourcePath(p.file) } }),
        ...(f.offset === null ? {} : { instructionPointerReference: `0x${f.offset.toString(16)}` }),
      };
    });
    return { stackFrames: frames, totalFrames: frames.length };
  }

  /** Members of C structs and arrays shown since the last move, by variablesReference. */
  private cChildren: CValue[][] = [];

  private variables(ref: number): unknown[] {
    const m = this.m;
    if (ref >= C_LOCALS_REF) {
      const vars = ref >= C_CHILDREN_REF
        ? this.cChildren[ref - C_CHILDREN_REF] ?? []
        : this.dbg!.cLocals(ref - C_LOCALS_REF);
      return vars.map((v) => {
        const kids = v.children === undefined
          ? 0
          : C_CHILDREN_REF + this.cChildren.push(v.children) - 1;
        const mem = v.address === undefined ? {} : { memoryReference: String(v.address) };
        return { name: v.name, value: v.value, type: v.type, variablesReference: kids, ...mem };
      });
    }
    if (ref === LOCALS_REF) {
      const [top] = callStack(m);
      if (top === undefined) return [];
      return locals(m, top).map((l) => ({
        name: l.name ?? `$${l.index}`,
        value: formatResult(l.value, l.type),
        type: printValType(l.type),
        variablesReference: 0,
      }));
    }
    if (ref === OPERANDS_REF) {
      const [top] = callStack(m);
      return (top === undefined ? null : operandStack(m, top))?.map((o, i) => ({
        name: `[${i}]`,
        value: formatResult(o.value, o.type),
        type: printValType(o.type),
        variablesReference: 0,
      })) ?? [];
    }
    if (ref === GLOBALS_REF) {
      const inst = m.store.instances[m.store.instances.length - 1];
      const out: unknown[] = [];
      for (let i = 0; i < inst.globals.length; i++) {
        const g = m.store.globals[inst.globals[i]];
        const v = readSlot(slotViews(m.store.globalSlots), g.slot, g.type);
        out.push({
          name: inst.module.names.globals.get(i) ?? `$${i}`,
          value: formatResult(v, g.type),
          type: printValType(g.type),
          variablesReference: 0,
        });
      }
      return out;
    }
    return [];
  }

  /**
   * What can be watched: a global of the Globals scope by name, or (`asAddress`, or a name that
   * is a number) `bytes` (default 4) of memory at an address.
   */
  private dataBreakpointInfo(args: Record<string, unknown>): unknown {
    const name = String(args.name ?? "");
    const address = /^(0x[0-9a-f]+|\d+)$/i.test(name) ? Number(name) : null;
    if (address !== null) {
      const bytes = Number(args.bytes ?? 4);
      return {
        dataId: `mem:${address}:${bytes}`,
        description: `${bytes} bytes at ${name}`,
        accessTypes: ["write"],
      };
    }
    if (Number(args.variablesReference) === GLOBALS_REF) {
      return { dataId: `global:${name}`, description: `global ${name}`, accessTypes: ["write"] };
    }
    return { dataId: null, description: "only memory addresses and globals can be watched" };
  }

  /**
   * Where line `line` of `source` begins: one target per stretch of code (its id is the module
   * byte offset of its first instruction, as `instructionPointerReference`).
   */
  private gotoTargets(args: Record<string, unknown>): unknown {
    const d = this.dbg!;
    if (d.lines === null) throw new Error("the module has no line table (.debug_line)");
    const path = String((args.source as { path?: string })?.path ?? "");
    const file = path.slice(path.lastIndexOf("/") + 1);
    const line = Number(args.line);
    const targets = d.lines.offsetsOf(file, line).map((off) => {
      const ip = `0x${off.toString(16)}`;
      return { id: off, label: `${file}:${line} @${ip}`, line, instructionPointerReference: ip };
    });
    return { targets };
  }

  /**
   * Travels to the next tick at the instruction at module byte offset `offset` (or, when it is
   * not reached again, the last one before); null (and back where it was) if it never is.
   */
  private travelToOffset(offset: number): number | null {
    const r = this.dbg!.recording;
    const from = r.tick;
    const saved = { b: [...r.breakpoints], w: [...r.watchpoints] };
    const func = this.funcAt(offset);
    if (func === null) return null;
    r.breakpoints.length = 0;
    r.watchpoints.length = 0;
    // The first instruction at or after `offset` (a line row may start before one).
    const map = this.m.code(func).srcMap;
    let at: number | null = null;
    for (let i = 1; i < map.length; i += 2) {
      if (map[i] >= offset && (at === null || map[i] < at)) at = map[i];
    }
    if (at === null) return null;
    r.breakpoints.push({ func, offset: at });
    try {
      if (r.continue().reason === "breakpoint") return r.tick;
      r.travel(from);
      if (r.reverseContinue().reason === "breakpoint") return r.tick;
      r.travel(from);
      return null;
    } finally {
      r.breakpoints.length = 0;
      r.breakpoints.push(...saved.b);
      r.watchpoints.length = 0;
      r.watchpoints.push(...saved.w);
    }
  }

  /** The store address of the function holding module byte offset `offset`. */
  private funcAt(offset: number): number | null {
    const inst = this.m.store.instances[this.m.store.instances.length - 1];
    const nImports = inst.module.imports.filter((im) => im.desc.kind === ExternKind.Func).length;
    const k = inst.module.funcs.findIndex((b) =>
      offset >= b.offset && offset < b.offset + b.body.length
    );
    return k < 0 ? null : inst.funcs[nImports + k];
  }

  /** Writes bytes into linear memory 0: in the past, the timeline branches there. */
  private writeMemory(args: Record<string, unknown>): unknown {
    const base = Number(args.memoryReference) + Number(args.offset ?? 0);
    const bytes = Uint8Array.from(atob(String(args.data ?? "")), (c) => c.charCodeAt(0));
    if (!Number.isSafeInteger(base) || base < 0) throw new Error("bad memory reference");
    const size = this.m.store.memories[0].buffer.byteLength;
    const n = args.allowPartial === true
      ? Math.max(0, Math.min(bytes.length, size - base))
      : bytes.length;
    const r = this.dbg!.recording;
    const tick = r.tick;
    r.writeMemory(base, bytes.subarray(0, n));
    // The new timeline starts here: continue runs it on live (its output comes as events).
    r.travel(tick);
    this.defer(() => {
      this.event("memory", {
        memoryReference: String(args.memoryReference),
        offset: Number(args.offset ?? 0),
        count: n,
      });
      this.event("invalidated", { areas: ["variables"], threadId: THREAD });
    });
    return { bytesWritten: n };
  }

  /**
   * Sets a variable of the Locals (the top frame's wasm locals), Globals (mutable ones) or C
   * locals scope (scalars that live in memory): like writeMemory, in the past it branches the
   * timeline. Operand stack values are not set (they may be constants folded into the code).
   */
  private setVariable(args: Record<string, unknown>): unknown {
    const ref = Number(args.variablesReference);
    const name = String(args.name ?? "");
    const text = String(args.value ?? "").trim();
    const r = this.rec;
    const m = this.m;
    const tick = r.tick;
    let shown: { value: string; type: string };
    if (ref === LOCALS_REF) {
      const [top] = callStack(m);
      const all = top === undefined ? [] : locals(m, top);
      let slot = 0;
      const k = all.findIndex((l) => {
        if ((l.name ?? `$${l.index}`) === name) return true;
        slot += slotCount(l.type);
        return false;
      });
      if (k < 0) throw new Error(`no local '${name}' in this frame`);
      const value = parseWasmValue(text, all[k].type);
      r.writeSlot(top.fp, slot, all[k].type, value);
      shown = { value: formatResult(value, all[k].type), type: printValType(all[k].type) };
    } else if (ref === GLOBALS_REF) {
      const inst = m.store.instances[m.store.instances.length - 1];
      let i = 0;
      while (i < inst.globals.length && (inst.module.names.globals.get(i) ?? `$${i}`) !== name) i++;
      const g = m.store.globals[inst.globals[i]];
      if (g === undefined) throw new Error(`no global '${name}'`);
      if (!g.mutable) throw new Error(`global '${name}' is immutable`);
      const value = parseWasmValue(text, g.type);
      r.writeGlobal(inst.globals[i], value);
      shown = { value: formatResult(value, g.type), type: printValType(g.type) };
    } else if (ref >= C_LOCALS_REF) {
      const vars = ref >= C_CHILDREN_REF
        ? this.cChildren[ref - C_CHILDREN_REF] ?? []
        : this.dbg!.cLocals(ref - C_LOCALS_REF);
      const v = vars.find((x) => x.name === name);
      if (v === undefined) throw new Error(`no C variable '${name}' here`);
      if (v.address === undefined || v.children !== undefined) {
        throw new Error(`'${name}' is not a scalar in memory: it cannot be set`);
      }
      r.writeMemory(v.address, cScalarBytes(text, v.type));
      const again = (ref >= C_CHILDREN_REF ? [] : this.dbg!.cLocals(ref - C_LOCALS_REF))
        .find((x) => x.name === name);
      shown = { value: again?.value ?? text, type: v.type };
    } else if (ref === OPERANDS_REF) {
      throw new Error("operand stack values cannot be set (they may be folded into the code)");
    } else throw new Error("no such scope");
    r.travel(tick);
    this.defer(() => this.event("invalidated", { areas: ["variables"], threadId: THREAD }));
    return shown;
  }

  private readMemory(args: Record<string, unknown>): unknown {
    const base = Number(args.memoryReference) + Number(args.offset ?? 0);
    const count = Number(args.count ?? 0);
    const mem = this.m.store.memories[0];
    if (!Number.isSafeInteger(base) || base < 0) throw new Error("bad memory reference");
    const end = Math.min(mem.buffer.byteLength, base + count);
    const bytes = base < end ? new Uint8Array(mem.buffer, base, end - base) : new Uint8Array(0);
    let bin = "";
    for (const b of bytes) bin += String.fromCharCode(b);
    return {
      address: `0x${base.toString(16)}`,
      data: btoa(bin),
      ...(bytes.length < count ? { unreadableBytes: count - bytes.length } : {}),
    };
  }

  /** WAT instructions by module byte offset around `memoryReference` (an offset). */
  private disassemble(args: Record<string, unknown>): unknown {
    const m = this.m;
    const at = Number(args.memoryReference) + Number(args.offset ?? 0);
    const count = Number(args.instructionCount ?? 0);
    const skip = Number(args.instructionOffset ?? 0);
    // Every instruction of every function, in offset order.
    const all: { address: number; instruction: string }[] = [];
    const inst = m.store.instances[m.store.instances.length - 1];
    const nImports = inst.module.imports.filter((im) => im.desc.kind === ExternKind.Func).length;
    // The function holding `at` and its neighbours (for instruction offsets around it).
    const funcs = inst.module.funcs;
    let k = funcs.findIndex((b) => at >= b.offset && at < b.offset + b.body.length);
    if (k < 0) k = funcs.findIndex((b) => b.offset > at);
    if (k < 0) k = funcs.length - 1;
    for (let i = Math.max(0, k - 1); i <= Math.min(funcs.length - 1, k + 1); i++) {
      const addr = inst.funcs[nImports + i];
      for (const line of functionWat(m, addr).split("\n").slice(1)) {
        const hit = /^\s*(.*?)\s*;; @([0-9a-f]+)$/.exec(line.slice(2));
        if (hit !== null) {
          all.push({ address: parseInt(hit[2], 16), instruction: hit[1] });
        }
      }
    }
    all.sort((a, b) => a.address - b.address);
    let i = all.findIndex((x) => x.address >= at);
    if (i < 0) i = all.length;
    const out: unknown[] = [];
    for (let k = i + skip; k < i + skip + count; k++) {
      const x = all[k];
      if (x === undefined) {
        out.push({ address: "0x0", instruction: "", presentationHint: "invalid" });
        continue;
      }
      const p = this.dbg!.source(x.address);
      out.push({
        address: `0x${x.address.toString(16)}`,
        instruction: x.instruction,
        ...(p === null ? {} : { line: p.line, location: { path: this.sourcePath(p.file) } }),
      });
    }
    return { instructions: out };
  }
}

/** A wasm value of type `type` from what the user typed (decimal or 0x hex; floats). */
function parseWasmValue(text: string, type: ValType): number | bigint {
  const bad = () => new Error(`'${text}' is not a ${printValType(type)}`);
  switch (type) {
    case I32: {
      if (!/^-?(0x[0-9a-f]+|\d+)$/i.test(text)) throw bad();
      return Number(BigInt.asIntN(32, BigInt(text.replace(/^-(0x.*)$/i, "-$1"))));
    }
    case I64:
      if (!/^-?(0x[0-9a-f]+|\d+)$/i.test(text)) throw bad();
      return BigInt.asIntN(64, text.startsWith("-") ? -BigInt(text.slice(1)) : BigInt(text));
    case F32:
    case F64: {
      const x = Number(text);
      if (text === "" || (Number.isNaN(x) && !/^[+-]?nan$/i.test(text))) throw bad();
      if (type === F32) return new Uint32Array(new Float32Array([x]).buffer)[0] | 0;
      return new BigUint64Array(new Float64Array([x]).buffer)[0];
    }
    default:
      throw new Error(`values of type ${printValType(type)} cannot be set`);
  }
}

/** The little-endian bytes of a C scalar of type `type` (wasm32 sizes) from `text`. */
function cScalarBytes(text: string, type: string): Uint8Array {
  const t = type.replace(/\b(const|volatile|signed)\b/g, "").trim();
  const dv = new DataView(new ArrayBuffer(8));
  if (t.endsWith("*")) {
    if (!/^(0x[0-9a-f]+|\d+)$/i.test(text)) throw new Error(`'${text}' is not an address`);
    dv.setUint32(0, Number(text), true);
    return new Uint8Array(dv.buffer, 0, 4);
  }
  if (t === "float" || t === "double") {
    const x = Number(text);
    if (text === "" || Number.isNaN(x)) throw new Error(`'${text}' is not a ${t}`);
    if (t === "float") dv.setFloat32(0, x, true);
    else dv.setFloat64(0, x, true);
    return new Uint8Array(dv.buffer, 0, t === "float" ? 4 : 8);
  }
  const size: Record<string, number> = {
    char: 1,
    "unsigned char": 1,
    _Bool: 1,
    bool: 1,
    short: 2,
    "unsigned short": 2,
    int: 4,
    "unsigned int": 4,
    unsigned: 4,
    long: 4,
    "unsigned long": 4,
    "long long": 8,
    "unsigned long long": 8,
  };
  const n = size[t.replace(/\s+/g, " ")];
  if (n === undefined) throw new Error(`values of C type '${type}' cannot be set`);
  const c = /^'(.)'$/.exec(text);
  if (c === null && !/^-?(0x[0-9a-f]+|\d+)$/i.test(text)) {
    throw new Error(`'${text}' is not a ${type}`);
  }
  const big = c !== null
    ? BigInt(c[1].charCodeAt(0))
    : text.startsWith("-")
    ? -BigInt(text.slice(1))
    : BigInt(text);
  dv.setBigUint64(0, BigInt.asUintN(64, big), true);
  return new Uint8Array(dv.buffer, 0, n);
}

/** The exit status of a run that ended with `result` (as `gab run` gives it). */
function exitCode(result: RunResult): number {
  if (result.status === "complete") return 0;
  if (result.status === "trapped" && result.error instanceof ProcExit) return result.error.code;
  return 1;
}

/** Serves one session over a reader and a writer until it disconnects. */
export async function serveDap(
  input: ReadableStream<Uint8Array>,
  write: (bytes: Uint8Array) => Promise<void> | void,
): Promise<void> {
  const queue: Uint8Array[] = [];
  let flushing: Promise<void> = Promise.resolve();
  const session = new DapSession((m) => {
    queue.push(frame(m));
    flushing = flushing.then(async () => {
      while (queue.length > 0) await write(queue.shift()!);
    });
  });
  for await (const message of readMessages(input)) {
    if (message.type !== "request") continue;
    await session.handle(message);
    // The answers written before the input is let go of (that may close a socket).
    if (session.done) {
      await flushing;
      break;
    }
  }
  await flushing;
}
