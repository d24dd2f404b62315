/**
 * `gab debug`: a gdb-like terminal front for the time-travel debugger (src/debug). The
 * program is recorded to its end first (its output appears then; `--fuel N` bounds the
 * recording), then every command travels in the recording: forward and backward steps,
 * continues to breakpoints and watchpoints, jumps to a tick. The program's standard input is
 * `--stdin FILE` (empty without it), so that the debugger's commands can come from standard
 * input: from a pipe for scripts and tests (each command is echoed then, after the prompt), or
 * from a terminal, with line editing and a history kept across sessions (node:readline; see
 * {@linkcode terminalCommands}). An empty line repeats the last command, as in gdb.
 *
 * Positions are C source lines where the module carries DWARF (`.debug_line`: see
 * src/debug/dwarf.ts) and WAT instructions otherwise; `stepi` always moves by one tick.
 * After every move a status line shows the tick, the function and the position.
 *
 * Where the module carries `.debug_info`, `print NAME` reads a C variable (with `.member`,
 * `->member`, `[N]`, `*` and `&`) and `info locals` lists the C variables in scope, through
 * src/debug/dwarf_vars.ts; `$N`/`$name` stay the wasm locals (`info wasm-locals`).
 *
 * @module
 */

import { Recording, type StopReason, type Watchpoint } from "../debug/recording.ts";
import {
  callStack,
  type FrameInfo,
  functionWat,
  locals,
  operandStack,
  wasmOffset,
} from "../debug/inspect.ts";
import { SourceLines, type SourcePos } from "../debug/dwarf.ts";
import { DebugInfo } from "../debug/dwarf_info.ts";
import { cEvaluate, cGlobals, cReadAt, type CValue, cVariables } from "../debug/dwarf_vars.ts";
import type { Machine } from "../exec/machine.ts";
import type { WasmFunc } from "../runtime/store.ts";
import { readSlot, slotViews } from "../runtime/values.ts";
import { ExternKind, type ValType } from "../syntax/types.ts";
import { printValType } from "../text/print.ts";
import { formatResult, wasiOptions } from "./run.ts";
import type { CompiledModule } from "../api/module.ts";
import { Runtime } from "../api/runtime.ts";
import type { WasmFunction } from "../api/convert.ts";
import { createWasi, ProcExit, type Wasi } from "../wasi/api.ts";
import { LinkError } from "../errors.ts";
import * as readline from "node:readline";
import process from "node:process";

/** A position in the recording: the frame depth, the function and where in it. */
interface Where {
  depth: number;
  func: number;
  offset: number | null;
  /** "file:line" with DWARF, else "func@offset"; null where the unit has no position. */
  key: string | null;
}

/** One line of `help`: the command, its short forms and what it does. */
const HELP: [string, string][] = [
  ["run | r", "go to tick 0 and continue"],
  ["continue | c", "run forward to a breakpoint or watchpoint (or the end)"],
  ["reverse-continue | rc", "run backward to a breakpoint or watchpoint (or the start)"],
  ["step | s [N]", "to the next line (WAT instruction without DWARF), into calls"],
  ["next | n [N]", "to the next line in this function, over calls"],
  ["stepi | si [N]", "N ticks forward"],
  ["finish | fin", "out of this function, to its caller"],
  ["reverse-step | rs [N]", "back to the previous line, into calls"],
  ["reverse-next | rn [N]", "back to the previous line in this function, over calls"],
  ["reverse-stepi | rsi [N]", "N ticks back"],
  ["reverse-finish | rf", "back to the call that entered this function"],
  ["goto | g TICK", "travel to tick TICK (negative: from the end)"],
  ["break | b LOC", "breakpoint at FUNC, FILE:LINE, LINE or *OFFSET (a module byte offset)"],
  ["break LOC if A OP B", "stop only where A OP B holds (see condition)"],
  ["condition N [A OP B]", "set (or remove) breakpoint N's condition: C VAR, $LOCAL, *ADDR, N"],
  ["delete | d [N]", "delete breakpoint or watchpoint N (all without N)"],
  ["watch | w ADDR [LEN]", "stop where LEN bytes (default 4) at memory address ADDR change"],
  ["watch VAR", "stop where C variable VAR (a member, an element, *PTR) changes (DWARF)"],
  ["watch global G", "stop where global G (index or $name) changes"],
  [
    "info | i WHAT",
    "frames, locals, variables (C globals), wasm-locals, operands, globals, breakpoints, " +
    "watchpoints, history, line",
  ],
  ["print | p EXPR", "a C variable (NAME, NAME.F, NAME->F, NAME[N], *NAME, &NAME; DWARF)"],
  ["print $L | global G | *ADDR", "a wasm local (index or name), a wasm global, an i32 in memory"],
  ["whatis EXPR", "the C type of a variable (as print takes it)"],
  ["x ADDR [LEN]", "memory in hex (default 64 bytes)"],
  ["list | l", "the source (or WAT) around the position"],
  ["bt | backtrace | where", "the call stack"],
  ["frame | f [N], up [N], down [N]", "select a frame for print, info locals, list (till a move)"],
  ["help | h", "this list"],
  ["quit | q", "leave"],
];

/** One stop point as the user gave it, with the engine's breakpoints it became. */
interface UserStop {
  id: number;
  text: string;
  kind: "break" | "watch";
  /** For breaks: the engine breakpoints' indexes are recomputed from `points`. */
  points: { func: number; offset?: number }[];
  watch?: Watchpoint;
  /** How a watched C variable shows its value (else the watched bytes as an integer). */
  show?: () => string;
  /** A breakpoint's condition as the user wrote it, and its test. */
  condition?: { text: string; test: (r: Recording) => boolean };
}

/** Parses a number: decimal or 0x hex. */
function num(s: string | undefined): number | null {
  if (s === undefined || !/^(0x[0-9a-f]+|-?\d+)$/i.test(s)) return null;
  return Number(s);
}

/**
 * A debugging session over a {@linkcode Recording}: {@linkcode Debugger.command} runs one
 * command line and returns what to print.
 */
export class Debugger {
  /** The module's source lines, or null without DWARF. */
  readonly lines: SourceLines | null;
  private parsedInfo: DebugInfo | null | undefined;
  /** Why `.debug_info` could not be read (null: it was, or there is none). */
  private infoError: string | null = null;
  private readonly stops: UserStop[] = [];
  private nextId = 1;

  /**
   * A session on `recording` of a program whose module binary is `bytes`; `list` looks for
   * source files as the line table names them, then under each of `sourceDirs`.
   */
  constructor(
    readonly recording: Recording,
    readonly bytes: Uint8Array,
    readonly sourceDirs: readonly string[] = [],
  ) {
    this.lines = SourceLines.fromModule(bytes);
  }

  /**
   * The module's C variables and types (`.debug_info`), or null without them (or when they are
   * malformed: the rest still works). Decoded on first use, so a session that never asks for a
   * C variable does not wait for it.
   */
  get debugInfo(): DebugInfo | null {
    if (this.parsedInfo === undefined) {
      try {
        this.parsedInfo = DebugInfo.fromModule(this.bytes);
      } catch (e) {
        this.parsedInfo = null;
        this.infoError = e instanceof Error ? e.message : String(e);
      }
    }
    return this.parsedInfo;
  }

  /**
   * The C variables in scope in frame `frame` of the call stack (0: the innermost) with their
   * values now, for `info locals` and the DAP's "C locals" scope; empty without DWARF for it.
   */
  cLocals(frame = 0): CValue[] {
    const f = callStack(this.m)[frame];
    return f === undefined || this.debugInfo === null ? [] : cVariables(this.debugInfo, this.m, f);
  }

  /**
   * Evaluates `expr` in frame `frame` (0: the innermost) without moving: a C expression as
   * `print` takes it (a value with its type, members and elements), else what `print` shows
   * for it (`$LOCAL`, `global G`, `*ADDR`). For the DAP's `evaluate` (hovers, watches).
   *
   * @throws Error when `expr` names nothing readable there
   */
  evaluate(expr: string, frame = 0): CValue {
    const text = expr.trim();
    const f = callStack(this.m)[frame] ?? null;
    if (this.debugInfo !== null && /^[*&]*[A-Za-z_]/.test(text)) {
      const v = cEvaluate(this.debugInfo, this.m, f, text);
      if (v !== null) return v;
    }
    const out = this.command(`print ${text}`).trimEnd();
    if (out.startsWith("error: ")) throw new Error(out.slice(7));
    return { name: text, type: "", value: out };
  }

  /** The frame `up`/`down`/`frame N` selected, and the tick and timeline it was selected at. */
  private sel = { index: 0, tick: -1, timeline: -1 };

  /** The index of the selected frame (0, the innermost, once the position moved). */
  get selectedFrame(): number {
    const r = this.recording;
    if (this.sel.tick !== r.tick || this.sel.timeline !== r.timeline) {
      this.sel = { index: 0, tick: r.tick, timeline: r.timeline };
    }
    return this.sel.index;
  }

  /** The selected frame (see `up`, `down`, `frame`), or undefined when idle. */
  private frame(): FrameInfo | undefined {
    const stack = callStack(this.m);
    return stack[Math.min(this.selectedFrame, stack.length - 1)];
  }

  /** `frame [N]`, `up [N]`, `down [N]`: selects a frame, says which. */
  private select(to: number): string {
    const stack = callStack(this.m);
    if (stack.length === 0) return "No frames";
    void this.selectedFrame; // (re)sets the selection to this position
    const index = Math.max(0, Math.min(stack.length - 1, to));
    this.sel.index = index;
    const edge = to < 0
      ? "Bottom (innermost) frame selected\n"
      : to >= stack.length
      ? "Initial frame selected\n"
      : "";
    return `${edge}#${index} ${this.frameText(stack[index])}`;
  }

  /** The number of the last breakpoint or watchpoint added. */
  get lastId(): number {
    return this.nextId - 1;
  }

  private get m(): Machine {
    return this.recording.machine;
  }

  /** The source position of a module byte offset (null without DWARF or line there). */
  source(offset: number | null): SourcePos | null {
    return offset === null || this.lines === null ? null : this.lines.lookup(offset);
  }

  private where(): Where {
    const m = this.m;
    if (m.funcAddr < 0) return { depth: -1, func: -1, offset: null, key: null };
    const offset = wasmOffset(m, m.funcAddr, m.pc);
    let key: string | null;
    if (this.lines !== null) {
      const p = this.source(offset);
      key = p === null ? null : `${p.file}:${p.line}`;
      // A function's prologue is no line to stop at (as in gdb): steps into a call go on past
      // it, steps back through it go on to the caller.
      const end = key === null ? null : this.prologueEnd(m.funcAddr);
      if (end !== null && offset !== null && offset < end) key = null;
    } else key = `${m.funcAddr}@${offset}`;
    return { depth: m.depth, func: m.funcAddr, offset, key };
  }

  private funcName(addr: number): string {
    const o = this.m.store.objects[addr] as WasmFunc;
    if (o?.kind !== "wasm") return `<host ${addr}>`;
    return this.m.store.instances[o.instance].module.names.funcs.get(o.index) ?? `$${o.index}`;
  }

  /** The status line: tick, function and position. */
  status(): string {
    const r = this.recording;
    const head = `[tick ${r.tick}/${r.end}]`;
    const stack = callStack(this.m);
    if (stack.length === 0) {
      return `${head} ${r.tick === r.end ? "program ended" : "not in a function"}`;
    }
    return `${head} ${this.frameText(stack[0])}`;
  }

  private frameText(f: FrameInfo): string {
    const name = f.name ?? `$${f.index}`;
    const at = f.offset === null ? "?" : `@0x${f.offset.toString(16)}`;
    const p = this.source(f.offset);
    return p === null ? `${name} ${at}` : `${name} at ${p.file}:${p.line}:${p.column} (${at})`;
  }

  /** Runs one command line; returns the text to print (ending in a newline, or empty). */
  command(line: string): string {
    const words = line.trim().split(/\s+/).filter((w) => w !== "");
    if (words.length === 0) return "";
    const [cmd, ...args] = words;
    try {
      const out = this.dispatch(cmd, args);
      return out === "" ? "" : out.endsWith("\n") ? out : `${out}\n`;
    } catch (e) {
      return `error: ${e instanceof Error ? e.message : String(e)}\n`;
    }
  }

  private count(args: string[]): number {
    if (args.length === 0) return 1;
    const n = num(args[0]);
    if (n === null || n < 1) throw new Error(`expected a count, not '${args[0]}'`);
    return n;
  }

  private dispatch(cmd: string, args: string[]): string {
    const r = this.recording;
    switch (cmd) {
      case "help":
      case "h": {
        const w = Math.max(...HELP.map(([c]) => c.length));
        return HELP.map(([c, t]) => `${c.padEnd(w)}  ${t}`).join("\n");
      }
      case "run":
      case "r":
        r.travel(0);
        return this.stopped(r.continue());
      case "continue":
      case "c":
        return this.stopped(r.continue());
      case "reverse-continue":
      case "rc":
        return this.stopped(r.reverseContinue());
      case "stepi":
      case "si":
        r.stepForward(this.count(args));
        return this.status();
      case "reverse-stepi":
      case "rsi":
        r.stepBack(this.count(args));
        return this.status();
      case "step":
      case "s":
        for (let i = this.count(args); i > 0; i--) this.stepForward(false);
        return this.status();
      case "next":
      case "n":
        for (let i = this.count(args); i > 0; i--) this.stepForward(true);
        return this.status();
      case "finish":
      case "fin": {
        const d = this.m.depth;
        this.forwardUntil(() => this.m.depth < d || this.m.funcAddr < 0);
        return this.status();
      }
      case "reverse-step":
      case "rs":
        for (let i = this.count(args); i > 0; i--) this.stepBackward(false);
        return this.status();
      case "reverse-next":
      case "rn":
        for (let i = this.count(args); i > 0; i--) this.stepBackward(true);
        return this.status();
      case "reverse-finish":
      case "rf":
        r.stepOutBack();
        return this.status();
      case "goto":
      case "g": {
        const t = num(args[0]);
        if (t === null) throw new Error("goto takes a tick");
        r.travel(t < 0 ? Math.max(0, r.end + t) : Math.min(t, r.end));
        return this.status();
      }
      case "break":
      case "b":
        return this.addBreak(args);
      case "watch":
      case "w":
        return this.addWatch(args);
      case "condition":
        return this.setCondition(args);
      case "delete":
      case "d":
        return this.remove(args);
      case "info":
      case "i":
        return this.info(args[0] ?? "");
      case "print":
      case "p":
        return this.print(args);
      case "frame":
      case "f":
        if (args.length > 0 && (num(args[0]) === null || num(args[0])! < 0)) {
          throw new Error(`frame takes a frame number, not '${args[0]}'`);
        }
        return this.select(args.length === 0 ? this.selectedFrame : num(args[0])!);
      case "up":
        return this.select(this.selectedFrame + this.count(args));
      case "down":
        return this.select(this.selectedFrame - this.count(args));
      case "whatis": {
        if (this.debugInfo === null) throw new Error("whatis needs DWARF (.debug_info)");
        const top = this.frame();
        const v = cEvaluate(this.debugInfo, this.m, top ?? null, args.join(" "));
        if (v === null) throw new Error(`no variable '${args.join(" ")}' in scope`);
        return `type = ${v.type}`;
      }
      case "x":
        return this.examine(args);
      case "list":
      case "l":
        return this.list();
      case "bt":
      case "backtrace":
      case "where":
        return this.info("frames");
      default:
        throw new Error(`unknown command '${cmd}' (try 'help')`);
    }
  }

  /** Steps forward until the tick after which `done` holds, or to the end. */
  forwardUntil(done: () => boolean): void {
    const r = this.recording;
    while (r.tick < r.end) {
      r.travel(r.tick + 1);
      if (done()) return;
    }
  }

  /** `step`/`next`: to the next position (over deeper frames with `over`). */
  stepForward(over: boolean): void {
    const from = this.where();
    this.forwardUntil(() => {
      const w = this.where();
      if (w.depth < from.depth || w.func < 0) return true; // returned out of the frame
      if (over && w.depth > from.depth) return false;
      return w.key !== null && (w.key !== from.key || w.depth !== from.depth);
    });
  }

  /**
   * `reverse-step`/`reverse-next`: back to the start of the previous position (skipping deeper
   * frames with `over`). Scans windows before the current tick, doubling them, since a
   * recording is only read forward.
   */
  stepBackward(over: boolean): void {
    const r = this.recording;
    const from = r.tick;
    const here = this.where();
    for (let size = 256;; size *= 4) {
      const a = Math.max(0, from - size);
      r.travel(a);
      const ws: Where[] = [];
      for (let t = a; t < from; t++) {
        ws.push(this.where());
        r.travel(t + 1);
      }
      // Newest first: the first other position, then back to where that run of it starts.
      let target = -1, key: string | null = null, depth = -1;
      for (let i = ws.length - 1; i >= 0; i--) {
        const w = ws[i];
        if (over && w.depth > here.depth) continue;
        if (target < 0) {
          if (w.depth < here.depth || (w.key !== null && w.key !== here.key)) {
            target = i, key = w.key, depth = w.depth;
          }
          continue;
        }
        if (w.key === key && w.depth === depth) target = i;
        else if (!(over && w.depth > depth)) break;
      }
      const settled = target > 0 || a === 0;
      if (target >= 0 && settled) {
        r.travel(a + target);
        return;
      }
      if (a === 0) {
        r.travel(0);
        return;
      }
    }
  }

  private stopped(why: StopReason): string {
    let head: string;
    switch (why.reason) {
      case "breakpoint": {
        const stop = this.stopOfBreakpoint(why.index);
        head = `Breakpoint ${stop?.id ?? "?"}, ${stop?.text ?? ""}`;
        break;
      }
      case "watchpoint": {
        const stop = this.stops.filter((s) => s.kind === "watch")[why.index];
        head = `Watchpoint ${stop?.id ?? "?"}: ${stop?.text ?? ""} = ${this.watchText(stop)}`;
        break;
      }
      case "start":
        head = "Reached the start of the recording";
        break;
      case "end": {
        const res = this.recording.result;
        head = `Reached the end of the recording${res === null ? "" : ` (${res.status})`}`;
        break;
      }
    }
    return `${head}\n${this.status()}`;
  }

  private stopOfBreakpoint(index: number): UserStop | undefined {
    let k = 0;
    for (const s of this.stops) {
      if (s.kind !== "break") continue;
      if (index < k + s.points.length) return s;
      k += s.points.length;
    }
    return undefined;
  }

  private watchText(stop: UserStop | undefined): string {
    const w = stop?.watch;
    if (w === undefined) return "?";
    if (stop?.show !== undefined) return stop.show();
    if (w.kind === "memory") return this.memoryWord(w.address, w.length);
    if (w.kind === "global") return this.globalText(w.global);
    return "?";
  }

  private memoryWord(address: number, length: number): string {
    const mem = this.m.store.memories[0];
    if (address + length > mem.buffer.byteLength) return "<out of bounds>";
    const dv = new DataView(mem.buffer);
    if (length === 4) return String(dv.getInt32(address, true));
    if (length === 8) return String(dv.getBigInt64(address, true));
    if (length === 2) return String(dv.getInt16(address, true));
    if (length === 1) return String(dv.getInt8(address));
    return [...new Uint8Array(mem.buffer, address, length)]
      .map((b) => b.toString(16).padStart(2, "0")).join(" ");
  }

  /** The engine's breakpoints from the user's (in order, so an index names its stop). */
  private sync(): void {
    const r = this.recording;
    r.breakpoints.length = 0;
    r.watchpoints.length = 0;
    for (const s of this.stops) {
      if (s.kind === "watch") r.watchpoints.push(s.watch!);
      else {
        for (const p of s.points) {
          r.breakpoints.push({ ...p, ...(s.condition ? { condition: s.condition.test } : {}) });
        }
      }
    }
  }

  /** The main instance's module functions: store addresses by name. */
  private funcByName(name: string): number | null {
    for (const inst of this.m.store.instances) {
      for (const [index, n] of inst.module.names.funcs) {
        if (n === name) return inst.funcs[index];
      }
    }
    return null;
  }

  /** The function containing module byte offset `offset`: its store address. */
  private funcAt(offset: number): number | null {
    for (const inst of this.m.store.instances) {
      const mod = inst.module;
      const nImports = mod.imports.filter((im) => im.desc.kind === ExternKind.Func).length;
      for (let i = 0; i < mod.funcs.length; i++) {
        const b = mod.funcs[i];
        if (offset >= b.offset && offset < b.offset + b.body.length) {
          return inst.funcs[nImports + i];
        }
      }
    }
    return null;
  }

  /** Prologue ends by function store address (see {@linkcode Debugger.prologueEnd}). */
  private readonly prologues = new Map<number, number | null>();

  /**
   * Where function `func`'s prologue ends (a module byte offset of an instruction), as the line
   * table tells; null without DWARF for it. `break FUNC` and `step` into a call stop there, as
   * gdb does, so that the parameters are in their homes when the C variables are read.
   */
  prologueEnd(func: number): number | null {
    if (this.lines === null) return null;
    let at = this.prologues.get(func);
    if (at === undefined) {
      at = null;
      const o = this.m.store.objects[func] as WasmFunc;
      if (o?.kind === "wasm") {
        const mod = this.m.store.instances[o.instance].module;
        const nImports = mod.imports.filter((im) => im.desc.kind === ExternKind.Func).length;
        const body = mod.funcs[o.index - nImports];
        const end = body === undefined ? null : this.lines.prologueEnd(
          body.offset,
          body.offset + body.body.length,
        );
        at = end === null ? null : this.instructionAt(func, end);
      }
      this.prologues.set(func, at);
    }
    return at;
  }

  /** The first instruction offset of function `func` at or after `offset` (srcMap's). */
  private instructionAt(func: number, offset: number): number | null {
    const map = this.m.code(func).srcMap;
    let best: number | null = null;
    for (let i = 1; i < map.length; i += 2) {
      const o = map[i];
      if (o >= offset && (best === null || o < best)) best = o;
    }
    return best;
  }

  /** `break LOC`: adds a breakpoint, returns the line that says where. */
  addBreak(args: string[]): string {
    const ifAt = args.indexOf("if");
    const condition = ifAt < 0 ? undefined : this.condition(args.slice(ifAt + 1).join(" "));
    if (ifAt >= 0) args = args.slice(0, ifAt);
    const loc = args[0];
    if (loc === undefined) {
      throw new Error("break takes a location (FUNC, FILE:LINE, LINE, *OFFSET)");
    }
    const points: { func: number; offset?: number }[] = [];
    let text = loc;
    if (loc.startsWith("*")) {
      const off = num(loc.slice(1));
      if (off === null) throw new Error(`bad offset '${loc.slice(1)}'`);
      const func = this.funcAt(off);
      const at = func === null ? null : this.instructionAt(func, off);
      if (func === null || at === null) throw new Error(`no instruction at offset ${loc.slice(1)}`);
      points.push({ func, offset: at });
      text = `${this.funcName(func)} @0x${at.toString(16)}`;
    } else if (/^(.+:)?\d+$/.test(loc)) {
      if (this.lines === null) throw new Error("the module has no line table (.debug_line)");
      const colon = loc.lastIndexOf(":");
      let file = colon < 0 ? "" : loc.slice(0, colon);
      const line = Number(loc.slice(colon + 1));
      if (file === "") {
        const here = this.source(this.where().offset);
        if (here === null) throw new Error("no current file: give FILE:LINE");
        file = here.file;
      }
      for (const off of this.lines.offsetsOf(file, line)) {
        const func = this.funcAt(off);
        const at = func === null ? null : this.instructionAt(func, off);
        if (func !== null && at !== null) points.push({ func, offset: at });
      }
      if (points.length === 0) throw new Error(`no code at ${file}:${line}`);
      // One stop per function: its lowest address (as gdb does).
      const seen = new Set<number>();
      for (let i = 0; i < points.length; i++) {
        if (seen.has(points[i].func)) points.splice(i--, 1);
        else seen.add(points[i].func);
      }
      text = `${file}:${line}`;
    } else {
      const func = this.funcByName(loc.replace(/^\$/, ""));
      if (func === null) throw new Error(`no function '${loc}'`);
      const at = this.prologueEnd(func);
      points.push(at === null ? { func } : { func, offset: at });
      text = loc;
    }
    const id = this.nextId++;
    this.stops.push({ id, text, kind: "break", points, condition });
    this.sync();
    const where = points.map((p) =>
      p.offset === undefined
        ? `${this.funcName(p.func)} entry`
        : `${this.funcName(p.func)} @0x${p.offset.toString(16)}`
    );
    return `Breakpoint ${id} at ${where.join(", ")}${condition ? ` if ${condition.text}` : ""}`;
  }

  /**
   * A condition `A OP B` (OP: == != < <= > >=; A and B: a C variable (as `print` reads it,
   * with DWARF), a wasm local `$N` or `$name` of the stopped frame, `*ADDR` an i32 in memory,
   * `global G`, or a number) as a test.
   */
  private condition(text: string): { text: string; test: (r: Recording) => boolean } {
    const m = /^\s*(.+?)\s*(==|!=|<=|>=|<|>)\s*(.+?)\s*$/.exec(text);
    if (m === null) throw new Error(`a condition is A OP B (OP: == != < <= > >=), not '${text}'`);
    const operand = (x: string): () => number => {
      const n = num(x);
      if (n !== null) return () => n;
      if (/^[*&]*[A-Za-z_]/.test(x) && this.debugInfo !== null) {
        const info = this.debugInfo;
        return () => {
          const [top] = callStack(this.m);
          try {
            const v = cEvaluate(info, this.m, top ?? null, x);
            return v === null ? NaN : cNumber(v.value);
          } catch {
            return NaN; // not readable here (no such variable in this frame): the test fails
          }
        };
      }
      if (x.startsWith("*")) {
        const a = num(x.slice(1));
        if (a === null) throw new Error(`bad address '${x}'`);
        return () => Number(this.memoryWord(a, 4));
      }
      if (x.startsWith("global ")) {
        const g = this.globalIndex(x.slice(7).trim());
        return () => Number(this.globalText(g));
      }
      if (x.startsWith("$")) {
        const name = x.slice(1);
        return () => {
          const [top] = callStack(this.m);
          const l = top === undefined
            ? undefined
            : locals(this.m, top).find((l) => String(l.index) === name || l.name === name);
          return l === undefined ? NaN : Number(l.value);
        };
      }
      throw new Error(`bad operand '${x}' ($LOCAL, *ADDR, global G or a number)`);
    };
    const a = operand(m[1]), b = operand(m[3]), op = m[2];
    const test = () => {
      const x = a(), y = b();
      switch (op) {
        case "==":
          return x === y;
        case "!=":
          return x !== y;
        case "<":
          return x < y;
        case "<=":
          return x <= y;
        case ">":
          return x > y;
        default:
          return x >= y;
      }
    };
    return { text: `${m[1]} ${op} ${m[3]}`, test };
  }

  /** `condition N [EXPR]`: sets (or without EXPR removes) breakpoint N's condition. */
  private setCondition(args: string[]): string {
    const stop = this.stops.find((s) => s.kind === "break" && s.id === num(args[0]));
    if (stop === undefined) throw new Error(`no breakpoint ${args[0] ?? ""}`);
    stop.condition = args.length > 1 ? this.condition(args.slice(1).join(" ")) : undefined;
    this.sync();
    return stop.condition
      ? `Breakpoint ${stop.id} stops if ${stop.condition.text}`
      : `Breakpoint ${stop.id} stops always`;
  }

  private globalIndex(g: string): number {
    const n = num(g.replace(/^\$/, ""));
    const inst = this.m.store.instances[this.m.store.instances.length - 1];
    if (n !== null) {
      if (n < 0 || n >= inst.globals.length) throw new Error(`no global ${g}`);
      return inst.globals[n];
    }
    for (const [i, name] of inst.module.names.globals) {
      if (name === g.replace(/^\$/, "")) return inst.globals[i];
    }
    throw new Error(`no global '${g}'`);
  }

  private globalText(addr: number): string {
    const store = this.m.store;
    const g = store.globals[addr];
    return formatResult(readSlot(slotViews(store.globalSlots), g.slot, g.type), g.type);
  }

  /** `watch ADDR [LEN]` or `watch global G`: adds a watchpoint, returns the line that says so. */
  addWatch(args: string[]): string {
    let watch: Watchpoint, text: string;
    let show: (() => string) | undefined;
    if (args[0] === "global") {
      if (args[1] === undefined) throw new Error("watch global takes an index or $name");
      watch = { kind: "global", global: this.globalIndex(args[1]) };
      text = `global ${args[1]}`;
    } else if (
      args[0] !== undefined && /^[*&]*[A-Za-z_]/.test(args[0]) && this.debugInfo !== null
    ) {
      // A C variable (or member, element, pointee): the bytes where it lives, as gdb's watch.
      const top = this.frame();
      const v = cEvaluate(this.debugInfo, this.m, top ?? null, args.join(" "));
      if (v === null) throw new Error(`no variable '${args.join(" ")}'`);
      if (v.address === undefined || v.size === undefined || v.size < 1) {
        throw new Error(`'${v.name}' does not live in memory here`);
      }
      watch = { kind: "memory", address: v.address, length: v.size };
      text = v.name;
      const info = this.debugInfo, address = v.address;
      show = () => cReadAt(info, this.m, v, address).value;
    } else {
      const address = num(args[0]?.replace(/^\*/, ""));
      const length = args[1] === undefined ? 4 : num(args[1]);
      if (address === null || address < 0) throw new Error("watch takes ADDR [LEN] or global G");
      if (length === null || length < 1) throw new Error(`bad length '${args[1]}'`);
      watch = { kind: "memory", address, length };
      text = `*${address}${length === 4 ? "" : `,${length}`}`;
    }
    const id = this.nextId++;
    this.stops.push({ id, text, kind: "watch", points: [], watch, show });
    this.sync();
    return `Watchpoint ${id}: ${text} = ${this.watchText(this.stops[this.stops.length - 1])}`;
  }

  /** `delete [N]`: removes a breakpoint or watchpoint (all without N). */
  remove(args: string[]): string {
    if (args.length === 0) {
      const n = this.stops.length;
      this.stops.length = 0;
      this.sync();
      return `Deleted ${n}`;
    }
    const id = num(args[0]);
    const i = this.stops.findIndex((s) => s.id === id);
    if (i < 0) throw new Error(`no breakpoint or watchpoint ${args[0]}`);
    this.stops.splice(i, 1);
    this.sync();
    return `Deleted ${args[0]}`;
  }

  private info(what: string): string {
    const m = this.m;
    switch (what) {
      case "frames":
      case "frame":
      case "f":
      case "stack": {
        const stack = callStack(m);
        if (stack.length === 0) return "No frames";
        return stack.map((f, i) => `#${i} ${this.frameText(f)}`).join("\n");
      }
      case "locals":
      case "l":
      case "args": {
        if (callStack(m).length === 0) return "No frame";
        const vars = this.cLocals(this.selectedFrame);
        if (vars.length > 0) return vars.map((v) => `${v.name} = ${clip(v.value)}`).join("\n");
        return this.info("wasm-locals");
      }
      case "variables":
      case "v": {
        if (this.debugInfo === null) return "No C variables (the module has no .debug_info)";
        const top = this.frame();
        const vars = cGlobals(this.debugInfo, m, top ?? null);
        return vars.length === 0
          ? "No C globals"
          : vars.map((v) => `${v.name} = ${clip(v.value)}`).join("\n");
      }
      case "wasm-locals":
      case "wl": {
        const top = this.frame();
        if (top === undefined) return "No frame";
        return locals(m, top).map((l) =>
          `${l.name === null ? `$${l.index}` : `$${l.name}`} ${typeName(l.type)} = ${
            formatResult(l.value, l.type)
          }`
        ).join("\n");
      }
      case "operands":
      case "o": {
        const top = this.frame();
        const ops = top === undefined ? null : operandStack(m, top);
        if (ops === null) return "No frame";
        if (ops.length === 0) return "Empty operand stack";
        return ops.map((o, i) => `[${i}] ${typeName(o.type)} = ${formatResult(o.value, o.type)}`)
          .join("\n");
      }
      case "globals":
      case "g": {
        const inst = m.store.instances[m.store.instances.length - 1];
        const out: string[] = [];
        for (let i = 0; i < inst.globals.length; i++) {
          const name = inst.module.names.globals.get(i);
          const g = m.store.globals[inst.globals[i]];
          out.push(
            `${name === undefined ? `$${i}` : `$${name}`} ${typeName(g.type)} = ${
              this.globalText(inst.globals[i])
            }`,
          );
        }
        return out.length === 0 ? "No globals" : out.join("\n");
      }
      case "breakpoints":
      case "b":
      case "watchpoints":
      case "w":
        return this.stops.length === 0
          ? "No breakpoints or watchpoints"
          : this.stops.map((s) =>
            `${s.id} ${s.kind === "break" ? "breakpoint" : "watchpoint"} ${s.text}${
              s.condition ? ` if ${s.condition.text}` : ""
            }`
          ).join("\n");
      case "history":
      case "h": {
        const r = this.recording;
        const st = r.stats;
        const res = r.result;
        return [
          `ticks: ${r.end} recorded${res === null ? " (recording bounded)" : `, ${res.status}`}`,
          `at tick: ${r.tick}`,
          `checkpoints: ${st.checkpoints} (${st.checkpointBytes} bytes)`,
          `host log: ${st.logBytes} bytes`,
          `timeline: ${r.timeline} of ${r.timelineCount}`,
        ].join("\n");
      }
      case "line": {
        const p = this.source(this.where().offset);
        return p === null ? "No line" : `${p.file}:${p.line}:${p.column}`;
      }
      default:
        throw new Error(
          "info takes frames, locals, variables, wasm-locals, operands, globals, breakpoints, " +
            "watchpoints, history or line",
        );
    }
  }

  private print(args: string[]): string {
    const x = args[0];
    if (x === undefined) throw new Error("print takes a C variable, $LOCAL, global G or *ADDR");
    if (x === "global") return this.globalText(this.globalIndex(args[1] ?? ""));
    if (!x.startsWith("$") && num(x.slice(1)) === null && this.debugInfo !== null) {
      const top = this.frame();
      const v = cEvaluate(this.debugInfo, this.m, top ?? null, args.join(" "));
      if (v !== null) return cValueText(v);
      if (!/^[*&]*\w+$/.test(args.join(""))) throw new Error(`no variable '${args.join(" ")}'`);
    }
    if (x.startsWith("*")) {
      const a = num(x.slice(1));
      if (a === null) throw new Error(`bad address '${x.slice(1)}'`);
      return this.memoryWord(a, 4);
    }
    const top = this.frame();
    if (top === undefined) throw new Error("no frame");
    const name = x.replace(/^\$/, "");
    const l = locals(this.m, top).find((l) =>
      String(l.index) === name || (l.name !== null && l.name === name)
    );
    if (l === undefined) {
      if (this.infoError !== null) {
        throw new Error(`no local '${x}' (no C variables: ${this.infoError})`);
      }
      throw new Error(this.debugInfo === null ? `no local '${x}'` : `no variable '${x}' in scope`);
    }
    return formatResult(l.value, l.type);
  }

  private examine(args: string[]): string {
    const a = num(args[0]?.replace(/^\*/, ""));
    const n = args[1] === undefined ? 64 : num(args[1]);
    if (a === null || a < 0 || n === null || n < 1) throw new Error("x takes ADDR [LEN]");
    const mem = this.m.store.memories[0];
    const end = Math.min(a + n, mem.buffer.byteLength);
    const bytes = new Uint8Array(mem.buffer);
    const out: string[] = [];
    for (let p = a; p < end; p += 16) {
      const row = [...bytes.subarray(p, Math.min(p + 16, end))];
      out.push(
        `0x${p.toString(16).padStart(8, "0")}: ${
          row.map((b) => b.toString(16).padStart(2, "0")).join(" ")
        }`,
      );
    }
    return out.length === 0 ? "<out of bounds>" : out.join("\n");
  }

  private list(): string {
    const top = this.frame();
    if (top === undefined) return "No frame";
    const p = this.source(top.offset);
    if (p !== null) {
      let text: string | null = null;
      const tries = [p.file, ...this.sourceDirs.map((d) => `${d}/${p.file}`)];
      for (const path of p.file.startsWith("/") ? [p.file] : tries) {
        try {
          text = Deno.readTextFileSync(path);
          break;
        } catch {
          text = null;
        }
      }
      if (text !== null) {
        const lines = text.split("\n");
        const from = Math.max(1, p.line - 4), to = Math.min(lines.length, p.line + 4);
        const out: string[] = [];
        for (let n = from; n <= to; n++) {
          out.push(`${n === p.line ? "=>" : "  "}${String(n).padStart(5)}  ${lines[n - 1]}`);
        }
        return out.join("\n");
      }
    }
    const wat = functionWat(this.m, top.func, top.offset).split("\n");
    const at = wat.findIndex((l) => l.startsWith("=>"));
    const mid = at < 0 ? 0 : at;
    return wat.slice(Math.max(0, mid - 5), mid + 6).join("\n");
  }
}

/** A value's text cut to one screen line's worth in listings (`print` shows it whole). */
function clip(text: string): string {
  return text.length <= 200 ? text : `${text.slice(0, 200)}...`;
}

/** The number a C scalar's text starts with (`103 'g'`: 103, `0x10`: 16), else NaN. */
function cNumber(text: string): number {
  const m = /^(-?0x[0-9a-f]+|-?\d+(\.\d+)?(e[-+]?\d+)?|-?Infinity|NaN|true|false)/i.exec(text);
  if (m === null) return NaN;
  return m[1] === "true" ? 1 : m[1] === "false" ? 0 : Number(m[1]);
}

/** A C value as `print` shows it: `(TYPE) VALUE` for pointers (as gdb does), else the value. */
function cValueText(v: CValue): string {
  return v.type.endsWith("*") ? `(${v.type}) ${v.value}` : v.value;
}

function typeName(t: ValType): string {
  return printValType(t);
}

/** Options of {@linkcode debugProgram} (those of `gab run` that apply, and the debugger's). */
export interface DebugOptions {
  /** The program's name (argv[0]). */
  program?: string;
  /** Preopened directories (`HOST[::GUEST]`). */
  dirs?: readonly string[];
  /** Environment variables (`NAME=VALUE` or `NAME`). */
  env?: readonly string[];
  /** Virtual clocks and seeded randomness. */
  deterministic?: boolean;
  /** The program's standard input (default: empty). */
  stdin?: Uint8Array;
  /** The program's standard output and error (default: the process's). */
  stdout?: (bytes: Uint8Array) => void;
  /** See `stdout`. */
  stderr?: (bytes: Uint8Array) => void;
  /** The most ticks to record (default: to the end of the run). */
  fuel?: number;
  /** Whether to echo each command after the prompt (when commands do not come from a terminal). */
  echo?: boolean;
  /** Where `list` looks for source files (besides the paths the line table gives). */
  sourceDirs?: readonly string[];
}

/**
 * Instantiates the WASI command `compiled` with `args` and records it to its end (or
 * `options.fuel` ticks): the recording, its WASI host (close it when done) and how the run
 * ended, in words.
 */
export function recordProgram(
  compiled: CompiledModule,
  args: readonly string[],
  options: DebugOptions,
): { recording: Recording; wasi: Wasi; how: string } {
  const wasiOpts = wasiOptions(args, {
    program: options.program,
    dirs: options.dirs,
    env: options.env,
    deterministic: options.deterministic,
  });
  const wasi = createWasi({
    ...wasiOpts,
    stdin: options.stdin ?? new Uint8Array(0),
    ...(options.stdout === undefined ? {} : { stdout: options.stdout }),
    ...(options.stderr === undefined ? {} : { stderr: options.stderr }),
  });
  const runtime = new Runtime();
  const instance = runtime.instantiate(compiled, wasi.imports(compiled));
  wasi.bind(instance);
  const start = instance.exports._start;
  if (typeof start !== "function") throw new LinkError("the module exports no _start function");
  const recording = new Recording(runtime.start(start as WasmFunction), { wasi });
  const result = recording.record(options.fuel ?? Infinity);
  const how = result.status === "trapped"
    ? result.error instanceof ProcExit
      ? `exit status ${result.error.code}`
      : `trap: ${result.error.message}`
    : result.status === "complete"
    ? "returned"
    : "recording stopped by --fuel";
  return { recording, wasi, how };
}

/**
 * Where the debugger's commands come from: {@linkcode pipeCommands} (a script, a test) or
 * {@linkcode terminalCommands} (a person at a terminal, with line editing and history).
 */
export interface CommandSource {
  /** Shows `prompt` and returns the next command line (null at the end of the input). */
  read(prompt: string): Promise<string | null>;
  /** Releases the input (and saves the history, for a terminal). */
  close(): void;
}

/**
 * Commands from `lines` (a pipe): the prompt is written with `write`, and with `echo` each
 * command after it, so a transcript reads as a terminal session would.
 */
export function pipeCommands(
  lines: AsyncIterable<string>,
  write: (text: string) => void,
  echo = false,
): CommandSource {
  const it = lines[Symbol.asyncIterator]();
  return {
    async read(prompt) {
      write(prompt);
      const next = await it.next();
      if (next.done) return null;
      if (echo) write(`${next.value}\n`);
      return next.value;
    },
    close() {
      it.return?.();
    },
  };
}

/**
 * Where a terminal session keeps its command history: `$GAB_HISTORY` (empty: nowhere), else
 * `~/.gab_history`; undefined without a home or without permission to read the environment.
 */
export function historyFile(): string | undefined {
  try {
    const env = Deno.env.get("GAB_HISTORY");
    if (env !== undefined) return env === "" ? undefined : env;
    const home = Deno.env.get("HOME") ?? Deno.env.get("USERPROFILE");
    return home === undefined ? undefined : `${home}/.gab_history`;
  } catch {
    return undefined;
  }
}

/** The most history lines kept (in memory and in the history file). */
const HISTORY_SIZE = 1000;

/**
 * Commands from the terminal on the process's standard input, through node:readline: line
 * editing (arrows, Home/End, Ctrl-A/E/K/U/W), the history of earlier commands (up and down;
 * kept in `historyFile` across sessions when given), Ctrl-C drops the line being typed (as in
 * gdb), Ctrl-D at an empty prompt ends the session.
 */
export function terminalCommands(historyFile?: string): CommandSource {
  let history: string[] = [];
  if (historyFile !== undefined) {
    try {
      history = Deno.readTextFileSync(historyFile).split("\n").filter((l) => l.trim() !== "")
        .slice(-HISTORY_SIZE).reverse();
    } catch {
      history = []; // no history yet (or unreadable): start empty
    }
  }
  const rl = readline.createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: true,
    historySize: HISTORY_SIZE,
    history,
  } as readline.ReadLineOptions);
  let closed = false;
  rl.on("close", () => closed = true);
  rl.on("SIGINT", () => {
    process.stdout.write("^C\n");
    rl.write(null, { ctrl: true, name: "u" });
    rl.prompt();
  });
  return {
    read(prompt) {
      if (closed) return Promise.resolve(null);
      return new Promise((resolve) => {
        const onClose = () => resolve(null);
        rl.once("close", onClose);
        rl.question(prompt, (line) => {
          rl.off("close", onClose);
          resolve(line);
        });
      });
    },
    close() {
      const lines = (rl as unknown as { history?: string[] }).history ?? [];
      if (!closed) rl.close();
      if (historyFile === undefined) return;
      try {
        Deno.writeTextFileSync(historyFile, [...lines].reverse().join("\n") + "\n");
      } catch {
        // a history that cannot be saved is not worth failing the session for
      }
    },
  };
}

/** Commands an empty line does not repeat (as in gdb: they would do harm or nothing new). */
const NO_REPEAT = new Set([
  "run",
  "r",
  "break",
  "b",
  "watch",
  "w",
  "delete",
  "d",
  "condition",
  "goto",
  "g",
]);

/**
 * Records the WASI command `compiled` (module binary `bytes`) with `args`, then runs the
 * debugger's `commands` one by one, writing their output with `write`. An empty line repeats
 * the last command (as in gdb; not `run`, `break`, `watch`, `delete`, `condition`, `goto`).
 * `commands` given as lines are read as {@linkcode pipeCommands} (echoed with `options.echo`).
 * Returns 0 (the debugger's status, not the program's).
 */
export async function debugProgram(
  compiled: CompiledModule,
  bytes: Uint8Array,
  args: readonly string[],
  options: DebugOptions,
  commands: CommandSource | AsyncIterable<string>,
  write: (text: string) => void,
): Promise<number> {
  const source = "read" in commands ? commands : pipeCommands(commands, write, options.echo);
  const { recording, wasi, how } = recordProgram(compiled, args, options);
  recording.travel(0);
  const dbg = new Debugger(recording, bytes, options.sourceDirs);
  write(
    `Recorded ${recording.end} ticks (${how})${
      dbg.lines === null ? "" : `; source lines from ${dbg.lines.files().length} files`
    }\n${dbg.status()}\n`,
  );
  try {
    let last: string | null = null;
    for (;;) {
      const line = await source.read("(gab) ");
      if (line === null) break;
      let cmd = line.trim();
      if (cmd === "") {
        if (last === null) continue;
        cmd = last;
      } else last = NO_REPEAT.has(cmd.split(/\s+/)[0]) ? null : cmd;
      if (cmd === "quit" || cmd === "q") return 0;
      write(dbg.command(cmd));
    }
    write("\n");
  } finally {
    source.close();
    wasi.close();
  }
  return 0;
}

/** The lines of a byte stream (without their line ends). */
export async function* readLines(stream: ReadableStream<Uint8Array>): AsyncIterable<string> {
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of stream) {
    buffered += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      yield buffered.slice(0, nl).replace(/\r$/, "");
      buffered = buffered.slice(nl + 1);
    }
  }
  buffered += decoder.decode();
  if (buffered !== "") yield buffered;
}
