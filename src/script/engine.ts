/**
 * The engine a script runs on: the capabilities the runner needs, each optional, so that the
 * runner works with whatever parts of gab exist and counts an assertion as "unsupported" when
 * the capability it needs is missing.
 *
 * - Front end: `parseModule` (a text module's list), `parseModuleText` (a `quote` module),
 *   `decodeModule` (a `binary` module), `encodeModule` (round trips).
 * - `validate`: throws {@linkcode ValidationError} for an invalid module.
 * - Execution: `instantiate`, `invoke`, `get` and `spectest`, for an interpreter to plug in.
 *   The engine converts between its own values and the script's {@linkcode Value}s.
 *
 * {@linkcode defaultEngine} wires gab's front end, validator and interpreter;
 * {@linkcode frontEndEngine} only the front end and validator.
 *
 * The execution hooks ({@linkcode executionHooks}) run every script on one store and one
 * {@linkcode Machine}, made afresh when the runner asks for the `spectest` instance (once per
 * script). Script values convert to raw values and back by the types of the export: a host
 * reference `(ref.host n)` and the external reference `(ref.extern n)` are both one
 * `ExternObj` of the store holding `n` (the same object for the same `n` within a script), read
 * back as `ref.extern` when the type is in the extern hierarchy and as `ref.host` otherwise;
 * function and exception references are opaque (`ref.func`, `ref.exn`).
 *
 * With {@linkcode ExecutionOptions.torture} every invocation runs in small slices with a
 * snapshot and a restore into a fresh machine between slices (the snapshot torture test).
 * Host references hold numbers, which snapshots carry. Not covered: instantiation (start
 * functions and initializers run with plain invocations), and invocations of host functions.
 * With {@linkcode ExecutionOptions.tier} every machine (also each restored one) runs in that
 * mode of the compiled tier.
 *
 * @module
 */

import { decodeModule } from "../binary/decode.ts";
import { encodeModule } from "../binary/encode.ts";
import type { Module } from "../syntax/module.ts";
import { parseModule, parseModuleText } from "../text/parse.ts";
import { type ModuleInfo, validateModule } from "../valid/validate.ts";
import type { SList } from "../text/sexpr.ts";
import type { Ref, Value } from "./ast.ts";
import { LinkError } from "../errors.ts";
import { Execution } from "../exec/execution.ts";
import { invoke } from "../exec/invoke.ts";
import { Machine, WasmException } from "../exec/machine.ts";
import type { TierMode } from "../exec/tier.ts";
import type { HostImpl, RawValue } from "../runtime/values.ts";
import { readGlobal } from "../runtime/global.ts";
import { i31ToRef, refToI31U } from "../runtime/heap.ts";
import { instantiate } from "../exec/instantiate.ts";
import { funcTypeOf } from "../runtime/link.ts";
import { createSpectest } from "../runtime/spectest.ts";
import { type ExternVal, newStore } from "../runtime/store.ts";
import { type HostBindings, restore } from "../snapshot/restore.ts";
import { snapshot } from "../snapshot/snapshot.ts";
import {
  F32,
  F64,
  type FuncType,
  HEAP_EXTERN,
  I32,
  I64,
  refHeap,
  V128,
  type ValType,
} from "../syntax/types.ts";
import { topHeap } from "../valid/match.ts";
import { canonType } from "../valid/registry.ts";

/**
 * An uncaught WebAssembly exception that escaped an invocation or an instantiation (what
 * `assert_exception` expects). Engines throw it with the exception's arguments.
 */
export class UncaughtException extends Error {
  /** The exception's arguments, as script values. */
  readonly values: Value[];
  /** The engine's tag instance, opaque to the runner. */
  readonly tag: unknown;
  constructor(values: Value[] = [], tag: unknown = null) {
    super("uncaught exception");
    this.name = "UncaughtException";
    this.values = values;
    this.tag = tag;
  }
}

/**
 * What the runner can ask of gab. Every hook is optional; `I` is the engine's module instance.
 * Hooks report bad input with the typed errors of `src/errors.ts`.
 */
export interface Engine<I = unknown> {
  /** Parses a `(module $id? field*)` list (throws ParseError). */
  parseModule?: (list: SList) => Module;
  /** Parses the text of a `(module quote ...)`: one module, or bare module fields. */
  parseModuleText?: (source: string | Uint8Array) => Module;
  /** Decodes a binary module (throws DecodeError). */
  decodeModule?: (bytes: Uint8Array) => Module;
  /** Encodes a module in the binary format. */
  encodeModule?: (m: Module) => Uint8Array;
  /** Checks that a module is valid (throws ValidationError); the result is ignored. */
  validate?: (m: Module) => unknown;
  /**
   * The predefined `spectest` instance (reference interpreter README, "Spectest host
   * module"); the runner registers it under "spectest" before the first command.
   */
  spectest?: () => I;
  /**
   * Instantiates a valid module. `registry` holds the instances registered so far by name
   * (`(register "name")`), from which imports are resolved. Throws LinkError when an import
   * is missing ("unknown import") or does not match ("incompatible import type"), Trap or
   * {@linkcode UncaughtException} when the start function or an initializer fails,
   * Exhaustion when resources run out.
   */
  instantiate?: (m: Module, registry: ReadonlyMap<string, I>) => I;
  /**
   * Calls an exported function. Throws Trap, Exhaustion or {@linkcode UncaughtException};
   * any other error (no such export, wrong arguments) fails the assertion.
   */
  invoke?: (instance: I, name: string, args: Value[]) => Value[];
  /** Reads an exported global. */
  get?: (instance: I, name: string) => Value;
}

/**
 * The whole engine: the text parser, the binary decoder and encoder, the validator, and the
 * interpreter's execution hooks ({@linkcode executionHooks}).
 */
export function defaultEngine(options: ExecutionOptions = {}): Engine {
  return { ...frontEndEngine(), ...executionHooks(options) } as Engine;
}

/** The engine made of the front end and the validator only (no execution hooks). */
export function frontEndEngine(): Engine {
  return { parseModule, parseModuleText, decodeModule, encodeModule, validate: validateModule };
}

/** Options of the execution hooks. */
export interface ExecutionOptions {
  /**
   * Snapshot torture (issue 5): run every invocation of a wasm function as an
   * {@linkcode Execution} in slices of this many ticks, and between two slices write the whole
   * machine as snapshot bytes and restore them into a fresh machine (the `spectest` host
   * functions bound again by name), which the script then goes on with. Every assertion must
   * give the same result as without. Unset or 0: plain invocations.
   */
  torture?: number;
  /**
   * How many slices of `torture` ticks one invocation gets before each further slice doubles
   * (default 250): a runaway recursion that ends in "call stack exhausted" would otherwise
   * write a snapshot of a deep stack every few ticks for millions of ticks.
   */
  tortureSlices?: number;
  /**
   * With `torture`: restore each slice's snapshot alternately into a machine that lowers
   * without fusions and one that lowers normally (issue 12: snapshots are in wasm terms, so
   * they resume on any lowering). Default: always the normal lowering.
   */
  tortureAlternate?: boolean;
  /**
   * The compiled tier's mode for every machine the hooks make or restore (issue 17): "off"
   * (the interpreter alone), "hot" (functions compiled once they run hot, the default
   * thresholds) or "all" (every function compiled before it first runs). Unset: the machine's
   * default. Results must not depend on it: the spec runner's `--tier` runs the suite with it.
   */
  tier?: TierMode;
}

export type { TierMode };

/** The tier modes, for option parsers. */
export const TIER_MODES: readonly TierMode[] = ["off", "hot", "all"];

/** Sets machine `m`'s tier mode when `tier` is given. */
export function applyTier(m: Machine, tier: TierMode | undefined): Machine {
  if (tier !== undefined) m.tier = tier;
  return m;
}

/** The store and machine one script runs on. */
export class ScriptSession {
  /** The machine (replaced by a restored one between torture slices). */
  machine: Machine;
  /** Store addresses of the ExternObjs standing for host references, by number. */
  readonly hostRefs = new Map<number, number>();
  /** A session on a new machine, in tier mode `tier` (the machine's default if unset). */
  constructor(tier?: TierMode) {
    this.machine = applyTier(new Machine(newStore()), tier);
  }

  /** The address of the ExternObj for host reference `id` (allocated on first use). */
  hostRef(id: number): number {
    let addr = this.hostRefs.get(id);
    if (addr === undefined) {
      const objects = this.machine.store.objects;
      objects.push({ kind: "extern", value: id });
      addr = objects.length - 1;
      this.hostRefs.set(id, addr);
    }
    return addr;
  }
}

/** An instance as the execution hooks see it: its session and its exports. */
export interface ScriptInstance {
  session: ScriptSession;
  exports: ReadonlyMap<string, ExternVal>;
}

/**
 * The execution hooks: `spectest`, `instantiate`, `invoke` and `get`, plus a `validate`
 * that keeps each module's {@linkcode ModuleInfo} for `instantiate`.
 */
export function executionHooks(options: ExecutionOptions = {}): Engine<ScriptInstance> {
  const torture = options.torture ?? 0;
  const slices = options.tortureSlices ?? 250;
  const alternate = options.tortureAlternate ?? false;
  const tier = options.tier;
  const infos = new WeakMap<Module, ModuleInfo>();
  let session: ScriptSession | null = null;
  const infoOf = (m: Module): ModuleInfo => {
    let info = infos.get(m);
    if (info === undefined) infos.set(m, info = validateModule(m));
    return info;
  };
  return {
    validate: infoOf,
    spectest() {
      session = new ScriptSession(tier);
      return { session, exports: createSpectest(session.machine) };
    },
    instantiate(m, registry) {
      const s = registry.values().next().value?.session ?? (session ??= new ScriptSession(tier));
      const imports: ExternVal[] = [];
      for (const im of m.imports) {
        const ev = registry.get(im.module)?.exports.get(im.name);
        if (ev === undefined) {
          throw new LinkError(
            `unknown import ${JSON.stringify(im.module)} ${JSON.stringify(im.name)}`,
          );
        }
        imports.push(ev);
      }
      const index = withExceptions(s, () => instantiate(s.machine, m, infoOf(m), imports));
      return { session: s, exports: s.machine.store.instances[index].exports };
    },
    invoke(inst, name, args) {
      const ev = inst.exports.get(name);
      if (ev === undefined || ev.kind !== "func") throw new Error(`no function export "${name}"`);
      const s = inst.session;
      const ft = funcType(funcTypeOf(s.machine.store, ev.addr));
      if (args.length !== ft.params.length) {
        throw new Error(`"${name}" takes ${ft.params.length} arguments, got ${args.length}`);
      }
      const raw = args.map((v) => toRaw(s, v));
      const results = withExceptions(
        s,
        () =>
          torture > 0 && s.machine.store.objects[ev.addr].kind === "wasm"
            ? tortured(s, ev.addr, raw, torture, slices, alternate, tier)
            : invoke(s.machine, ev.addr, raw),
      );
      return results.map((r, i) => fromRaw(s, r, ft.results[i]));
    },
    get(inst, name) {
      const ev = inst.exports.get(name);
      if (ev === undefined || ev.kind !== "global") throw new Error(`no global export "${name}"`);
      const store = inst.session.machine.store;
      return fromRaw(inst.session, readGlobal(store, ev.addr), store.globals[ev.addr].type);
    },
  };
}

/** The host functions a script's machine may hold: `spectest`'s prints, which do nothing. */
const SPECTEST_BINDINGS: HostBindings = {
  spectest: Object.fromEntries(
    ["print", "print_i32", "print_i64", "print_f32", "print_f64", "print_i32_f32", "print_f64_f64"]
      .map((name): [string, HostImpl] => [name, () => []]),
  ),
};

/**
 * Invokes the wasm function at `addr` in slices of `ticks` (`slices` of them, then doubling),
 * through snapshot bytes and a restore into a fresh machine between slices (see
 * {@linkcode ExecutionOptions.torture}).
 * The session goes on with the last machine; its fuel is unbounded again afterwards.
 *
 * @throws what the invocation throws (Trap, Exhaustion, WasmException).
 */
function tortured(
  s: ScriptSession,
  addr: number,
  args: RawValue[],
  ticks: number,
  slices: number,
  alternate: boolean,
  tier: TierMode | undefined,
): RawValue[] {
  let ex = Execution.start(s.machine, addr, args);
  try {
    for (let n = 0;; n++) {
      const r = ex.runFor(n < slices ? ticks : ticks * 2 ** Math.min(n - slices + 1, 40));
      if (r.status === "complete") return r.results as RawValue[]; // no conversion set
      if (r.status === "trapped") throw r.error;
      const lowering = alternate ? { fuse: s.machine.lowering.fuse === false } : {};
      const back = restore(snapshot(s.machine, { execution: ex }), SPECTEST_BINDINGS, { lowering });
      if (back.execution === null) throw new Error("torture: the snapshot lost its execution");
      s.machine = applyTier(back.machine, tier);
      ex = back.execution;
    }
  } finally {
    s.machine.fuel = Infinity;
  }
}

/** The function type of canonical type id `id`. */
function funcType(id: number): FuncType {
  const comp = canonType(id).comp;
  if (comp.kind !== "func") throw new Error(`type ${id} is not a function type`);
  return comp;
}

/** Runs `f`, turning a wasm exception that escapes it into an {@linkcode UncaughtException}. */
function withExceptions<T>(s: ScriptSession, f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (!(err instanceof WasmException)) throw err;
    const store = s.machine.store;
    const params = funcType(store.tags[err.tag].type).params;
    throw new UncaughtException(err.args.map((r, i) => fromRaw(s, r, params[i])), err.tag);
  }
}

/** A script value as a raw value. */
export function toRaw(s: ScriptSession, v: Value): RawValue {
  switch (v.type) {
    case "i32":
      return v.value | 0;
    case "i64":
      return BigInt.asIntN(64, v.value);
    case "f32":
      return v.bits >>> 0;
    case "f64":
      return BigInt.asUintN(64, v.bits);
    case "v128":
      return v.bytes.slice();
    case "ref":
      return refToRaw(s, v.ref);
  }
}

function refToRaw(s: ScriptSession, r: Ref): number {
  switch (r.kind) {
    case "null":
      return 0;
    case "host":
      return s.hostRef(r.id);
    case "extern":
      return refToRaw(s, r.ref);
    case "i31":
      return i31ToRef(r.value);
    default:
      if (typeof r.object !== "number") throw new Error(`cannot pass a ${r.kind} reference`);
      return r.object;
  }
}

/** A raw value of (canonical) type `t` as a script value. */
export function fromRaw(s: ScriptSession, r: RawValue, t: ValType): Value {
  switch (t) {
    case I32:
      return { type: "i32", value: r as number };
    case I64:
      return { type: "i64", value: r as bigint };
    case F32:
      return { type: "f32", bits: r as number };
    case F64:
      return { type: "f64", bits: r as bigint };
    case V128:
      return { type: "v128", bytes: r as Uint8Array };
  }
  const addr = r as number;
  const heap = refHeap(t);
  if (addr === 0) return { type: "ref", ref: { kind: "null", heap } };
  const inExtern = topHeap(null, heap) === HEAP_EXTERN;
  if (addr < 0) {
    const ref: Ref = { kind: "i31", value: refToI31U(addr) };
    return { type: "ref", ref: inExtern ? { kind: "extern", ref } : ref };
  }
  const obj = s.machine.store.objects[addr];
  switch (obj.kind) {
    case "struct":
    case "array": {
      const ref: Ref = { kind: obj.kind, object: addr };
      return { type: "ref", ref: inExtern ? { kind: "extern", ref } : ref };
    }
    case "extern": {
      const host: Ref = { kind: "host", id: obj.value as number };
      const ref: Ref = inExtern ? { kind: "extern", ref: host } : host;
      return { type: "ref", ref };
    }
    case "exn":
      return { type: "ref", ref: { kind: "exn", object: addr } };
    default:
      return { type: "ref", ref: { kind: "func", object: addr } };
  }
}
