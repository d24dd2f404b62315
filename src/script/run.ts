/**
 * Runs a parsed script on an {@linkcode Engine} and reports every command as passed, failed
 * (with a reason: expected X, got Y) or unsupported (the engine lacks the capability the
 * command needs, e.g. `assert_return` without an interpreter, `assert_invalid` without a
 * validator).
 *
 * Semantics follow the reference interpreter's script runner (`script/runner.ml`):
 * - A module command parses or decodes its module, validates it, and unless it is a
 *   `definition` instantiates it; the module and the instance are bound under its `$id` and
 *   as the most recent ones. A module that fails is bound as failed, so commands using it fail
 *   with that reason instead of stopping the file; one that cannot be instantiated for lack
 *   of an interpreter makes the commands using it unsupported.
 * - Expected error messages match when the actual message STARTS WITH the expected text.
 * - `assert_malformed`: a `binary` module must fail to decode with a DecodeError, a `quote`
 *   module must fail to parse with a ParseError. The reference interpreter parses a plain
 *   text module when it reads the script, so a malformed one aborts the whole file; the
 *   testsuite therefore never writes one, and this runner (which parses modules lazily)
 *   checks it like a `quote` module.
 * - `assert_invalid`: the module must parse or decode, then fail validation with a
 *   ValidationError.
 * - `assert_unlinkable`: instantiation must throw a LinkError; module-form `assert_trap`
 *   (here `assert_uninstantiable`): a Trap or an uncaught exception.
 * - `thread`, `wait`, meta commands and the custom-section assertions are unsupported.
 *
 * Engines are trusted to throw the typed errors of `src/errors.ts`; any other exception fails
 * the command as a crash and the run goes on.
 *
 * @module
 */

import {
  DecodeError,
  Exhaustion,
  LinkError,
  ParseError,
  Trap,
  ValidationError,
  WasmError,
} from "../errors.ts";
import type { Module } from "../syntax/module.ts";
import type {
  Action,
  Command,
  CommandKind,
  InstanceTarget,
  ModuleDef,
  Script,
  Value,
} from "./ast.ts";
import { type Engine, UncaughtException } from "./engine.ts";
import { formatPatterns, formatValues } from "./format.ts";
import { matchResults } from "./match.ts";
import { parseScript } from "./parse.ts";

/** What became of one command. */
export type Outcome = "passed" | "failed" | "unsupported";

/** The result of one command; `kind` is `"script"` when the script itself did not parse. */
export interface CommandResult {
  line: number;
  kind: CommandKind | "script";
  outcome: Outcome;
  /** Why it failed or is unsupported. */
  reason?: string;
}

/** How many commands of one kind passed, failed, or were unsupported. */
export interface Tally {
  passed: number;
  failed: number;
  unsupported: number;
}

/** Tallies by command kind. */
export type Counts = Record<string, Tally>;

/** Options of {@linkcode runScript}. */
export interface RunOptions {
  /** Stop after the last command that starts at or before this line. */
  stopAfterLine?: number;
}

/**
 * Parses and runs a script source. A script that does not parse gives one failed result of
 * kind `"script"`.
 */
export function runSource<I>(
  source: string | Uint8Array,
  engine: Engine<I>,
  options: RunOptions = {},
): CommandResult[] {
  let script: Script;
  try {
    script = parseScript(source);
  } catch (err) {
    const line = err instanceof ParseError ? err.line : 0;
    return [{ line, kind: "script", outcome: "failed", reason: describeError(err) }];
  }
  return runScript(script, engine, options);
}

/**
 * Runs a script's commands in order, one result per command.
 *
 * @example
 * ```ts
 * import { parseScript } from "./parse.ts";
 * import { runScript } from "./run.ts";
 * const results = runScript(parseScript('(register "m")'), {});
 * console.assert(results[0].outcome === "failed"); // no module defined
 * ```
 */
export function runScript<I>(
  script: Script,
  engine: Engine<I>,
  options: RunOptions = {},
): CommandResult[] {
  const runner = new Runner(engine);
  const results: CommandResult[] = [];
  for (const c of script.commands) {
    if (options.stopAfterLine !== undefined && c.line > options.stopAfterLine) break;
    results.push(runner.run(c));
  }
  return results;
}

/** Adds up results by command kind. */
export function countResults(results: readonly CommandResult[], into: Counts = {}): Counts {
  for (const r of results) {
    const t = into[r.kind] ??= { passed: 0, failed: 0, unsupported: 0 };
    t[r.outcome]++;
  }
  return into;
}

/** A command failed (thrown inside the runner). */
class Failed extends Error {}
/** A command needs a capability the engine lacks (thrown inside the runner). */
class Unsupported extends Error {}

/** A module or an instance, or why there is none. */
type Slot<T> =
  | { ok: true; value: T }
  | { ok: false; outcome: "failed" | "unsupported"; reason: string };

/** The state of one script run. */
class Runner<I> {
  readonly engine: Engine<I>;
  /** Modules and instances by `$id`; `""` is the most recent. */
  readonly modules = new Map<string, Slot<Module>>();
  readonly instances = new Map<string, Slot<I>>();
  /** Registered instances by name, and the working ones as the engine sees them. */
  readonly registry = new Map<string, Slot<I>>();
  readonly linkable = new Map<string, I>();

  constructor(engine: Engine<I>) {
    this.engine = engine;
    if (engine.spectest !== undefined) {
      const s = slot(() => engine.spectest!());
      this.registry.set("spectest", s);
      if (s.ok) this.linkable.set("spectest", s.value);
    }
  }

  /** Runs one command; never throws. */
  run(c: Command): CommandResult {
    try {
      this.command(c);
      return { line: c.line, kind: c.kind, outcome: "passed" };
    } catch (err) {
      const outcome = err instanceof Unsupported ? "unsupported" : "failed";
      const reason = err instanceof Failed || err instanceof Unsupported
        ? err.message
        : `crash: ${describeError(err)}`;
      return { line: c.line, kind: c.kind, outcome, reason };
    }
  }

  command(c: Command): void {
    switch (c.kind) {
      case "module":
        return this.moduleCommand(c.module);
      case "module_instance": {
        const m = this.lookup(this.modules, c.module, "module");
        const inst = m.ok ? slot(() => this.instantiate(m.value)) : m;
        this.bind(this.instances, c.instance, inst, c.line);
        unwrap(inst);
        return;
      }
      case "register": {
        const inst = this.lookup(this.instances, c.instance, "instance");
        this.registry.set(c.name, inst);
        if (inst.ok) this.linkable.set(c.name, inst.value);
        else this.linkable.delete(c.name);
        unwrap(inst);
        return;
      }
      case "action":
        this.action(c.action);
        return;
      case "assert_return": {
        const vs = this.expectValues(c.action, formatPatterns(c.results));
        if (!matchResults(vs, c.results)) {
          throw new Failed(`expected ${formatPatterns(c.results)}, got ${formatValues(vs)}`);
        }
        return;
      }
      case "assert_trap":
        return this.expectThrow(() => this.action(c.action), "trap", c.message, [Trap]);
      case "assert_exhaustion":
        return this.expectThrow(() => this.action(c.action), "exhaustion", c.message, [
          Exhaustion,
        ]);
      case "assert_exception":
        return this.expectThrow(() => this.action(c.action), "exception", "", [
          UncaughtException,
        ]);
      case "assert_uninstantiable":
        return this.expectThrow(
          () => this.instantiate(this.target(c.target)),
          "trap",
          c.message,
          [Trap, UncaughtException],
          "an instance",
        );
      case "assert_unlinkable":
        return this.expectThrow(
          () => this.instantiate(this.target(c.target)),
          "link error",
          c.message,
          [LinkError],
          "an instance",
        );
      case "assert_malformed":
        return this.assertMalformed(c.module, c.message);
      case "assert_invalid":
        return this.assertInvalid(c.module, c.message);
      case "assert_malformed_custom":
      case "assert_invalid_custom":
        throw new Unsupported("custom sections and annotations are not checked");
      case "thread":
      case "wait":
        throw new Unsupported("threads are not supported");
      case "meta":
        throw new Unsupported(`meta command ${c.name} is not supported`);
    }
  }

  /** A module command: define, validate, and unless a definition, instantiate. */
  moduleCommand(def: ModuleDef): void {
    const defined = slot(() => this.define(def));
    const m: Slot<Module> = defined.ok ? { ok: true, value: defined.value.module } : defined;
    this.bind(this.modules, def.id, m, def.line);
    let inst: Slot<I> | null = null;
    if (!def.definition) {
      inst = m.ok ? slot(() => this.instantiate(m.value)) : m;
      this.bind(this.instances, def.id, inst, def.line);
    }
    unwrap(defined);
    if (inst !== null) unwrap(inst);
    if (defined.ok && !defined.value.validated) throw new Unsupported("no validator");
  }

  /** Parses or decodes a module and validates it when the engine can. */
  define(def: ModuleDef): { module: Module; validated: boolean } {
    let m: Module;
    try {
      m = this.load(def);
    } catch (err) {
      if (isControl(err)) throw err;
      throw new Failed(describeError(err));
    }
    if (this.engine.validate === undefined) return { module: m, validated: false };
    try {
      this.engine.validate(m);
    } catch (err) {
      throw new Failed(describeError(err));
    }
    return { module: m, validated: true };
  }

  /** Parses (text, quote) or decodes (binary) a module; throws the front end's errors. */
  load(def: ModuleDef): Module {
    const e = this.engine;
    const src = def.source;
    switch (src.kind) {
      case "text":
        if (e.parseModule === undefined) throw new Unsupported("no text parser");
        return e.parseModule(src.list);
      case "quote":
        if (e.parseModuleText === undefined) throw new Unsupported("no text parser");
        return e.parseModuleText(src.bytes);
      case "binary":
        if (e.decodeModule === undefined) throw new Unsupported("no binary decoder");
        return e.decodeModule(src.bytes);
    }
  }

  /** Instantiates a module against the registry. */
  instantiate(m: Module): I {
    const e = this.engine;
    if (e.instantiate === undefined) throw new Unsupported("no interpreter (instantiate)");
    for (const imp of m.imports) {
      const reg = this.registry.get(imp.module);
      if (reg !== undefined && !reg.ok) unwrap(reg);
    }
    return e.instantiate(m, this.linkable);
  }

  /** The module an `assert_unlinkable` or module-form `assert_trap` instantiates. */
  target(t: InstanceTarget): Module {
    if (t.kind === "instance") return unwrap(this.lookup(this.modules, t.module, "module"));
    const defined = slot(() => this.define(t.module));
    const m: Slot<Module> = defined.ok ? { ok: true, value: defined.value.module } : defined;
    this.bind(this.modules, null, m, t.module.line);
    return unwrap(m);
  }

  /** Performs an action. */
  action(a: Action): Value[] {
    const e = this.engine;
    if (a.kind === "invoke") {
      if (e.invoke === undefined) throw new Unsupported("no interpreter (invoke)");
      const inst = unwrap(this.lookup(this.instances, a.instance, "instance"));
      return e.invoke(inst, a.name, a.args);
    }
    if (e.get === undefined) throw new Unsupported("no interpreter (get)");
    const inst = unwrap(this.lookup(this.instances, a.instance, "instance"));
    return [e.get(inst, a.name)];
  }

  /** Performs an action that must return; anything it throws fails the command. */
  expectValues(a: Action, expected: string): Value[] {
    try {
      return this.action(a);
    } catch (err) {
      if (isControl(err)) throw err;
      throw new Failed(`expected ${expected}, got ${describeError(err)}`);
    }
  }

  /**
   * Runs `f`, which must throw one of `types` with a message starting with `message`;
   * `success` describes what `f` returning means (its values when it returns an array).
   */
  expectThrow(
    f: () => unknown,
    what: string,
    message: string,
    // deno-lint-ignore no-explicit-any
    types: (new (...args: any[]) => Error)[],
    success = "success",
  ): void {
    let result: unknown;
    try {
      result = f();
    } catch (err) {
      if (isControl(err)) throw err;
      if (!types.some((t) => err instanceof t)) {
        throw new Failed(`expected ${what} "${message}", got ${describeError(err)}`);
      }
      checkMessage((err as Error).message, message, what);
      return;
    }
    const got = Array.isArray(result) ? formatValues(result as Value[]) : success;
    throw new Failed(`expected ${what} "${message}", got ${got}`);
  }

  /** `assert_malformed`: decoding (binary) or parsing (quote, text) must fail as expected. */
  assertMalformed(def: ModuleDef, message: string): void {
    const want = def.source.kind === "binary" ? DecodeError : ParseError;
    this.expectThrow(() => this.load(def), "malformed", message, [want], "a module");
  }

  /** `assert_invalid`: the module must load, then fail validation as expected. */
  assertInvalid(def: ModuleDef, message: string): void {
    let m: Module;
    try {
      m = this.load(def);
    } catch (err) {
      if (isControl(err)) throw err;
      throw new Failed(`expected invalid "${message}", got ${describeError(err)}`);
    }
    const validate = this.engine.validate;
    if (validate === undefined) throw new Unsupported("no validator");
    this.expectThrow(() => validate(m), "invalid", message, [ValidationError], "a module");
  }

  /** Looks up a module or an instance by `$id`, or the most recent one. */
  lookup<T>(map: Map<string, Slot<T>>, id: string | null, what: string): Slot<T> {
    const s = map.get(id ?? "");
    if (s !== undefined) return s;
    const reason = id === null ? `no ${what} defined` : `unknown ${what} $${id}`;
    return { ok: false, outcome: "failed", reason };
  }

  /**
   * Binds a slot under an `$id` (if any) and as the most recent one; a failure is kept with
   * the line of the module it comes from, for the commands that use it.
   */
  bind<T>(map: Map<string, Slot<T>>, id: string | null, s: Slot<T>, line: number): void {
    const kept: Slot<T> = s.ok || s.outcome === "unsupported" || s.reason.startsWith("module at")
      ? s
      : { ...s, reason: `module at line ${line}: ${s.reason}` };
    if (id !== null) map.set(id, kept);
    map.set("", kept);
  }
}

/** Runs `f` and keeps its result, or why there is none. */
function slot<T>(f: () => T): Slot<T> {
  try {
    return { ok: true, value: f() };
  } catch (err) {
    if (err instanceof Unsupported) {
      return { ok: false, outcome: "unsupported", reason: err.message };
    }
    const reason = err instanceof Failed ? err.message : describeError(err);
    return { ok: false, outcome: "failed", reason };
  }
}

/** The value of a slot, or the Failed/Unsupported it stands for. */
function unwrap<T>(s: Slot<T>): T {
  if (s.ok) return s.value;
  throw s.outcome === "unsupported" ? new Unsupported(s.reason) : new Failed(s.reason);
}

function isControl(err: unknown): boolean {
  return err instanceof Failed || err instanceof Unsupported;
}

/** Prefix matching of error messages, as the reference interpreter's `assert_message`. */
function checkMessage(actual: string, expected: string, what: string): void {
  if (!actual.startsWith(expected)) {
    throw new Failed(`expected ${what} "${expected}", got "${actual}"`);
  }
}

/** An error as a reason: `ParseError "unknown operator" (3:7)`, or a crash's name and message. */
export function describeError(err: unknown): string {
  if (err instanceof ParseError) return `ParseError "${err.message}" (${err.line}:${err.column})`;
  if (err instanceof WasmError) {
    const where = err.describe();
    const loc = where.startsWith(err.message) ? where.slice(err.message.length).trim() : "";
    return `${err.name} "${err.message}"${loc === "" ? "" : ` ${loc}`}`;
  }
  if (err instanceof UncaughtException) return `uncaught exception ${formatValues(err.values)}`;
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
