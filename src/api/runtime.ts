/**
 * The embedding API: a {@linkcode Runtime} (one store and one interpreter machine) in which
 * modules are instantiated with imports from JS, and whose instances' exports are callable JS
 * functions and handles on memories, tables, globals and tags.
 *
 * - Exported functions take and return JS values (see `convert.ts`): i32 as numbers, i64 as
 *   bigints, floats as numbers; no result gives `undefined`, one its value, several an array.
 *   A wrong number or type of arguments throws `TypeError`.
 * - Imported JS functions become host functions of the import's declared type; their
 *   arguments and results convert the same way. An exported function of the same runtime
 *   imports as itself.
 * - Traps throw `Trap`, resource exhaustion `Exhaustion`, a wasm exception that escapes
 *   {@linkcode UncaughtWasmException} (which, thrown back through a host function, re-enters
 *   wasm as the same exception).
 * - Instantiation errors: `LinkError` "unknown import" / "incompatible import type", and those
 *   of `src/exec/instantiate.ts`.
 *
 * {@linkcode instantiate} picks the runtime of the wasm objects among the imports (or a new
 * one), so linking instances together needs no explicit runtime.
 *
 * @example Call an export with numbers and bigints
 * ```ts
 * import { instantiate } from "./runtime.ts";
 * const { exports } = instantiate(`(module
 *   (func (export "add") (param i32 i64) (result i64)
 *     (i64.add (i64.extend_i32_s (local.get 0)) (local.get 1))))`);
 * const add = exports.add as (a: number, b: bigint) => bigint;
 * console.assert(add(-1, 10n) === 9n);
 * ```
 *
 * @example Import a host function
 * ```ts
 * import { instantiate } from "./runtime.ts";
 * const seen: number[] = [];
 * const { exports } = instantiate(
 *   `(module (import "env" "log" (func $log (param i32)))
 *     (func (export "run") (call $log (i32.const 42))))`,
 *   { env: { log: (x: unknown) => void seen.push(x as number) } },
 * );
 * (exports.run as () => void)();
 * console.assert(seen[0] === 42);
 * ```
 *
 * @module
 */

import { LinkError, WasmError } from "../errors.ts";
import { setHostRoots } from "../exec/collect.ts";
import { Execution } from "../exec/execution.ts";
import { invoke } from "../exec/invoke.ts";
import { Machine, WasmException } from "../exec/machine.ts";
import {
  type HostImpl,
  type RawValue,
  slotCount,
  slotViews,
  writeSlot,
} from "../runtime/values.ts";
import { allocGlobal } from "../runtime/global.ts";
import { allocHostFunc, canonFuncType } from "../runtime/host.ts";
import { instantiate as instantiateModule } from "../exec/instantiate.ts";
import { funcTypeOf } from "../runtime/link.ts";
import { tryNewMemory } from "../runtime/memory.ts";
import { type ExternVal, newStore, type Store } from "../runtime/store.ts";
import { tryNewTable } from "../runtime/table.ts";
import { snapshot, type SnapshotExtra } from "../snapshot/snapshot.ts";
import type { Import } from "../syntax/module.ts";
import {
  ExternKind,
  EXTERNREF,
  F32,
  F64,
  FUNCREF,
  type FuncType,
  HEAP_EXN,
  HEAP_EXTERN,
  HEAP_FUNC,
  I32,
  I64,
  isRefType,
  refHeap,
  refType,
  V128,
  type ValType,
} from "../syntax/types.ts";
import { canonValType, topHeap } from "../valid/match.ts";
import { canonType } from "../valid/registry.ts";
import { fromRawValue, toRawValue, type WasmFunction } from "./convert.ts";
import { compile, CompiledModule } from "./module.ts";
import {
  type HandleOwner,
  WasmGcObject,
  WasmGlobal,
  WasmMemory,
  WasmTable,
  WasmTag,
} from "./objects.ts";
import { refTest } from "../runtime/heap.ts";

export type { WasmFunction } from "./convert.ts";
export { WasmGcObject, WasmGlobal, WasmMemory, WasmTable, WasmTag } from "./objects.ts";

/** A value an import may take. */
export type ImportValue =
  // deno-lint-ignore no-explicit-any
  | ((...args: any[]) => unknown)
  | WasmMemory
  | WasmTable
  | WasmGlobal
  | WasmTag
  | number
  | bigint;

/** Imports by module name, then by name. */
export type Imports = Record<string, Record<string, ImportValue>>;

/** An export's value. */
export type ExportValue = WasmFunction | WasmMemory | WasmTable | WasmGlobal | WasmTag;

/**
 * The names of the value types the API creates globals and tags of (text-format names; the
 * non-nullable reference types take no null).
 */
export type ValueTypeName =
  | "i32"
  | "i64"
  | "f32"
  | "f64"
  | "v128"
  | "funcref"
  | "externref"
  | "(ref func)"
  | "(ref extern)";

const VALUE_TYPES: Record<ValueTypeName, ValType> = {
  i32: I32,
  i64: I64,
  f32: F32,
  f64: F64,
  v128: V128,
  funcref: FUNCREF,
  externref: EXTERNREF,
  "(ref func)": refType(false, HEAP_FUNC),
  "(ref extern)": refType(false, HEAP_EXTERN),
};

/** The value type named `name`; TypeError for another name. */
function valueType(name: string): ValType {
  const t = Object.hasOwn(VALUE_TYPES, name) ? VALUE_TYPES[name as ValueTypeName] : undefined;
  if (t === undefined) throw new TypeError(`unknown value type ${JSON.stringify(name)}`);
  return t;
}

/** Whether `t` is an exnref type, which does not cross to or from JS. */
function isExnRef(t: ValType): boolean {
  return isRefType(t) && topHeap(null, refHeap(t)) === HEAP_EXN;
}

/** A wasm exception that escaped to JS, with its tag and its arguments as JS values. */
export class UncaughtWasmException extends WasmError {
  /** The exception's tag. */
  readonly tag: WasmTag;
  /** Its arguments, converted as results are. */
  readonly values: unknown[];
  /**
   * The engine's exception (thrown back into wasm when this passes through a host call).
   *
   * @internal
   */
  readonly exception: WasmException;
  /**
   * The exception `exception` of tag `tag`, its arguments converted to `values`.
   *
   * @internal
   */
  constructor(tag: WasmTag, values: unknown[], exception: WasmException) {
    super("uncaught wasm exception");
    this.name = "UncaughtWasmException";
    this.tag = tag;
    this.values = values;
    this.exception = exception;
  }
  /** "uncaught exception of tag $name" (the tag by its name or index). */
  override describe(): string {
    return this.exception.describe();
  }
}

/** The runtime each exported function belongs to, and its address. */
const exported = new WeakMap<object, { runtime: Runtime; addr: number }>();

/** An instance: its exports by name. */
export class WasmInstance {
  /** The runtime it lives in. */
  readonly runtime: Runtime;
  /** Its index in the store's instances. */
  readonly index: number;
  /** Its exports: functions and handles. */
  readonly exports: Record<string, ExportValue>;
  /**
   * The instance at `index` of `runtime`'s store with its `exports`; instances come from
   * {@linkcode Runtime.instantiate}.
   *
   * @internal
   */
  constructor(runtime: Runtime, index: number, exports: Record<string, ExportValue>) {
    this.runtime = runtime;
    this.index = index;
    this.exports = exports;
  }
}

/**
 * One store and one machine: every instance, memory, table and global made through it lives
 * there, and only objects of the same runtime link together.
 *
 * @example Share a memory between a host and two instances
 * ```ts
 * import { Runtime } from "./runtime.ts";
 * const rt = new Runtime();
 * const memory = rt.memory({ initial: 1 });
 * rt.instantiate(`(module (import "env" "mem" (memory 1))
 *   (func $s (i32.store (i32.const 8) (i32.const 7))) (start $s))`, { env: { mem: memory } });
 * console.assert(new Int32Array(memory.buffer)[2] === 7);
 * ```
 */
export class Runtime implements HandleOwner {
  /**
   * The interpreter machine (its store is {@linkcode store}): the engine's state, for the
   * engine's own drivers (snapshots, WASI, the debugger).
   *
   * @internal
   */
  readonly machine: Machine;
  private readonly funcs = new Map<number, WasmFunction>();
  private readonly externs = new Map<unknown, number>();
  /**
   * The handles of GC objects given to JS, by address (one per object, so that JS identity
   * is wasm identity). Weak: an object whose handle JS still holds is a root of the
   * collector ({@linkcode setHostRoots}); once JS drops the handle, the object may go.
   */
  private readonly gcObjects = new Map<number, WeakRef<WasmGcObject>>();

  /**
   * A new runtime; `fuel` bounds the ticks all its invocations may take together; `tier`
   * picks the functions that run compiled (see `Machine.tier`; default "off"). With
   * `machine` (e.g. one restored from a snapshot) the runtime works on that machine and its
   * store instead of a new one; its instances are reached with {@linkcode instance}.
   */
  constructor(
    options: { fuel?: number; machine?: Machine; tier?: "off" | "hot" | "all" } = {},
  ) {
    this.machine = options.machine ?? new Machine(newStore());
    if (options.fuel !== undefined) this.machine.fuel = options.fuel;
    if (options.tier !== undefined) this.machine.tier = options.tier;
    const handles = this.gcObjects;
    setHostRoots(this.machine.store, function* () {
      for (const [addr, ref] of handles) {
        if (ref.deref() !== undefined) yield addr;
        else handles.delete(addr);
      }
    });
  }

  /** The instance at `index` in the store (with handles on its exports). */
  instance(index: number): WasmInstance {
    const inst = this.store.instances[index];
    if (inst === undefined) throw new RangeError(`no instance ${index}`);
    const exports: Record<string, ExportValue> = Object.create(null);
    for (const [name, ev] of inst.exports) exports[name] = this.handle(ev);
    return new WasmInstance(this, index, exports);
  }

  /**
   * Ticks of execution left (one per interpreter instruction; `Infinity` by default). An
   * invocation that runs out throws Exhaustion "fuel exhausted".
   */
  get fuel(): number {
    return this.machine.fuel;
  }

  set fuel(ticks: number) {
    this.machine.fuel = ticks;
  }

  /**
   * Called from inside a host function while an execution runs under `runFor`: the execution
   * pauses right after that host function returns (`runFor` answers `paused`, the rest of its
   * budget unspent), and a later `runFor` goes on from there. Ignored by plain calls of
   * exported functions.
   *
   * @example
   * ```ts
   * import { Runtime, type WasmFunction } from "../../mod.ts";
   * import assert from "node:assert/strict";
   *
   * const runtime = new Runtime();
   * let calls = 0;
   * const { exports } = runtime.instantiate(
   *   `(module (import "env" "tick" (func $tick))
   *      (func (export "go") (result i32) (call $tick) (call $tick) (i32.const 7)))`,
   *   { env: { tick: () => void (++calls === 1 && runtime.requestPause()) } },
   * );
   * const execution = runtime.start(exports.go as WasmFunction);
   * assert.equal(execution.runFor(Infinity).status, "paused"); // after the first tick()
   * assert.deepEqual(execution.runFor(Infinity), { status: "complete", results: [7] });
   * assert.equal(calls, 2);
   * ```
   */
  requestPause(): void {
    this.machine.requestPause();
  }

  /**
   * The store: every instance, function, memory, table, global and object of the runtime.
   *
   * @internal
   */
  get store(): Store {
    return this.machine.store;
  }

  /**
   * Instantiates a module (compiled, binary or text) with `imports`; runs its start function.
   *
   * @throws LinkError, Trap, Exhaustion, UncaughtWasmException, or the compile errors.
   */
  instantiate(
    source: CompiledModule | Uint8Array | ArrayBuffer | string,
    imports: Imports = {},
  ): WasmInstance {
    const compiled = compile(source);
    const m = compiled.module;
    const values = m.imports.map((im) => lookup(im, imports));
    const canon = compiled.info.types.canon;
    const evs = m.imports.map((im, i) => this.externValue(canon, im, values[i]));
    const index = this.guard(() => instantiateModule(this.machine, m, compiled.info, evs));
    return this.instance(index);
  }

  /** A new memory of `initial` pages (at most `maximum`), i64-addressed with `memory64`. */
  memory(desc: { initial: number; maximum?: number; memory64?: boolean }): WasmMemory {
    const mem = tryNewMemory({
      is64: desc.memory64 ?? false,
      shared: false,
      limits: {
        min: BigInt(desc.initial),
        max: desc.maximum === undefined ? null : BigInt(desc.maximum),
      },
    });
    if (mem === null) throw new RangeError(`cannot allocate ${desc.initial} pages`);
    this.store.memories.push(mem);
    return new WasmMemory(this, this.store.memories.length - 1);
  }

  /** A new table of `initial` elements (at most `maximum`) set to `init`. */
  table(
    desc: { element: "funcref" | "externref"; initial: number; maximum?: number },
    init: unknown = null,
  ): WasmTable {
    const elem = VALUE_TYPES[desc.element];
    const t = tryNewTable({
      is64: false,
      elem,
      limits: {
        min: BigInt(desc.initial),
        max: desc.maximum === undefined ? null : BigInt(desc.maximum),
      },
    }, toRawValue(this, init, elem) as number);
    if (t === null) throw new RangeError(`cannot allocate ${desc.initial} elements`);
    this.store.tables.push(t);
    return new WasmTable(this, this.store.tables.length - 1);
  }

  /**
   * A new global of type `desc.value` (immutable unless `desc.mutable`) holding `value`.
   *
   * @throws TypeError when `value` is not one of that type (`null` for `(ref func)`...)
   */
  global(desc: { value: ValueTypeName; mutable?: boolean }, value: unknown): WasmGlobal {
    const type = valueType(desc.value);
    const raw = toRawValue(this, value, type);
    return new WasmGlobal(this, allocGlobal(this.store, type, desc.mutable ?? false, raw));
  }

  /**
   * A new exception tag whose exceptions carry values of types `desc.parameters` (the JS
   * API's `new WebAssembly.Tag`): a module may import it, and {@linkcode exception} makes
   * exceptions of it.
   *
   * @example Throw a wasm exception from a host function, caught in wasm
   * ```ts
   * import { Runtime } from "./runtime.ts";
   * const rt = new Runtime();
   * const tag = rt.tag({ parameters: ["i32"] });
   * const { exports } = rt.instantiate(
   *   `(module (import "env" "tag" (tag $t (param i32)))
   *     (import "env" "fail" (func $fail))
   *     (func (export "run") (result i32)
   *       (block $h (result i32) (try_table (catch $t $h) (call $fail)) (i32.const 0))))`,
   *   { env: { tag, fail: () => { throw rt.exception(tag, [42]); } } },
   * );
   * console.assert((exports.run as () => number)() === 42);
   * ```
   */
  tag(desc: { parameters: readonly ValueTypeName[] }): WasmTag {
    const params = desc.parameters.map(valueType);
    this.store.tags.push({ type: canonFuncType(params, []) });
    return new WasmTag(this, this.store.tags.length - 1);
  }

  /**
   * A new wasm exception of `tag` with `values` (the JS API's `new WebAssembly.Exception`).
   * Thrown from a host function, it is raised in wasm at the call, where a handler of its tag
   * catches it; escaping to JS, it is thrown as it is.
   *
   * @throws TypeError for a tag of another runtime, or values that do not match its type
   */
  exception(tag: WasmTag, values: readonly unknown[]): UncaughtWasmException {
    if (tag.owner !== this) throw new TypeError("the tag belongs to another runtime");
    const params = funcType(this.store.tags[tag.addr].type).params;
    if (values.length !== params.length) {
      throw new TypeError(`the tag takes ${params.length} values, got ${values.length}`);
    }
    const raw = values.map((v, i) => toRawValue(this, v, params[i]));
    let n = 0;
    for (const t of params) n += slotCount(t);
    const views = slotViews(new ArrayBuffer(n * 8));
    let slot = 0;
    params.forEach((t, i) => {
      writeSlot(views, slot, t, raw[i]);
      slot += slotCount(t);
    });
    this.store.objects.push({ kind: "exn", tag: tag.addr, slots: views.u8 });
    const exn = new WasmException(tag.addr, raw, this.store.objects.length - 1);
    return new UncaughtWasmException(tag, [...values], exn);
  }

  /**
   * The handle or function for an external value of this runtime.
   *
   * @internal
   */
  handle(ev: ExternVal): ExportValue {
    switch (ev.kind) {
      case "func":
        return this.funcObject(ev.addr);
      case "memory":
        return new WasmMemory(this, ev.addr);
      case "table":
        return new WasmTable(this, ev.addr);
      case "global":
        return new WasmGlobal(this, ev.addr);
      case "tag":
        return new WasmTag(this, ev.addr);
    }
  }

  /** Calls the function at `addr` with JS arguments (see the module doc for the results). */
  call(addr: number, args: readonly unknown[]): unknown {
    const ft = funcType(funcTypeOf(this.store, addr));
    if (args.length !== ft.params.length) {
      throw new TypeError(`expected ${ft.params.length} arguments, got ${args.length}`);
    }
    checkCrossing(ft);
    const raw = args.map((a, i) => toRawValue(this, a, ft.params[i]));
    const results = this.guard(() => invoke(this.machine, addr, raw));
    if (results.length === 0) return undefined;
    if (results.length === 1) return fromRawValue(this, results[0], ft.results[0]);
    return results.map((r, i) => fromRawValue(this, r, ft.results[i]));
  }

  /**
   * Starts a call of wasm function `fn` (an export of this runtime) with JS arguments as an
   * {@linkcode Execution} that runs in budgets: `runFor(ticks)` returns `complete` (its
   * results as JS values, converted as a call's are), `paused`, `trapped` or `host-call`. Between budgets the runtime can be written with
   * {@linkcode snapshot}, and the snapshot resumed in another process (`gab resume`,
   * `fork` of src/api/fork.ts). The machine must be idle.
   *
   * @throws TypeError for a function of another runtime, a host function or wrong arguments.
   */
  start(fn: WasmFunction, args: readonly unknown[] = []): Execution {
    const addr = this.funcAddr(fn);
    if (addr === undefined || this.store.objects[addr].kind !== "wasm") {
      throw new TypeError("start: not a wasm function of this runtime");
    }
    const ft = funcType(funcTypeOf(this.store, addr));
    if (args.length !== ft.params.length) {
      throw new TypeError(`expected ${ft.params.length} arguments, got ${args.length}`);
    }
    const execution = Execution.start(
      this.machine,
      addr,
      args.map((a, i) => toRawValue(this, a, ft.params[i])),
    );
    return this.adopt(execution);
  }

  /**
   * Makes `execution` (one on this runtime's machine, e.g. restored from a snapshot) give
   * and take JS values as this runtime's exported functions do: `runFor` results and
   * host-call arguments converted from raw values, `answer` results converted to them.
   * Returns it.
   *
   * @throws TypeError for an execution on another machine.
   */
  adopt(execution: Execution): Execution {
    if (execution.machine !== this.machine) {
      throw new TypeError("adopt: the execution runs on another machine");
    }
    execution.values = {
      out: (raw, t) => fromRawValue(this, raw, t),
      into: (value, t) => toRawValue(this, value, t),
    };
    return execution;
  }

  /**
   * The runtime's whole state as snapshot bytes (src/snapshot/format.ts), with the execution
   * under way and the host state (`{ wasi: wasi.state }` for a WASI program: what `gab resume`
   * and `fork` expect).
   *
   * @throws SnapshotError inside a call, or for an externref to a JS object.
   */
  snapshot(extra: SnapshotExtra = {}): Uint8Array {
    return snapshot(this.machine, extra);
  }

  /**
   * The address of `fn` if it is an exported function of this runtime.
   *
   * @internal
   */
  funcAddr(fn: unknown): number | undefined {
    if (typeof fn !== "function") return undefined;
    const e = exported.get(fn);
    return e !== undefined && e.runtime === this ? e.addr : undefined;
  }

  /**
   * The JS function of the wasm function at `addr` (one per address).
   *
   * @internal
   */
  funcObject(addr: number): WasmFunction {
    let fn = this.funcs.get(addr);
    if (fn === undefined) {
      fn = (...args: unknown[]) => this.call(addr, args);
      exported.set(fn, { runtime: this, addr });
      this.funcs.set(addr, fn);
    }
    return fn;
  }

  /**
   * The canonical type id of the function at `addr`.
   *
   * @internal
   */
  funcTypeId(addr: number): number {
    return funcTypeOf(this.store, addr);
  }

  /**
   * The address of the extern object that holds `value` (one per value).
   *
   * @internal
   */
  externAddr(value: unknown): number {
    let addr = this.externs.get(value);
    if (addr === undefined) {
      this.store.objects.push({ kind: "extern", value });
      addr = this.store.objects.length - 1;
      this.externs.set(value, addr);
    }
    return addr;
  }

  /**
   * The JS value of the object at `addr`.
   *
   * @internal
   */
  objectValue(addr: number): unknown {
    const obj = this.store.objects[addr];
    switch (obj.kind) {
      case "extern":
        return obj.value;
      case "exn":
        return obj;
      case "struct":
      case "array": {
        let h = this.gcObjects.get(addr)?.deref();
        if (h === undefined) {
          h = new WasmGcObject(this, addr);
          this.gcObjects.set(addr, new WeakRef(h));
        }
        return h;
      }
      default:
        return this.funcObject(addr);
    }
  }

  /**
   * The address of the GC object behind handle `v`, if it is one of this runtime's.
   *
   * @internal
   */
  gcAddr(v: unknown): number | undefined {
    return v instanceof WasmGcObject && v.owner === this ? v.addr : undefined;
  }

  /**
   * Whether reference `ref` (not null) has heap type `heap`.
   *
   * @internal
   */
  refHasType(ref: number, heap: number): boolean {
    return refTest(this.store, ref, heap, false);
  }

  /** Runs `f`, turning an escaping wasm exception into an {@linkcode UncaughtWasmException}. */
  private guard<T>(f: () => T): T {
    try {
      return f();
    } catch (err) {
      if (!(err instanceof WasmException)) throw err;
      const params = funcType(this.store.tags[err.tag].type).params;
      // An exnref argument does not cross to JS: undefined stands for it.
      const values = err.args.map((r, i) =>
        isExnRef(params[i]) ? undefined : fromRawValue(this, r, params[i])
      );
      const ue = new UncaughtWasmException(new WasmTag(this, err.tag), values, err);
      ue.trace = err.trace;
      ue.traceOmitted = err.traceOmitted;
      throw ue;
    }
  }

  /** The external value for import `im` given `v` (types are checked by instantiation). */
  private externValue(canon: Int32Array, im: Import, v: ImportValue): ExternVal {
    const incompatible = () =>
      new LinkError(
        `incompatible import type for ${JSON.stringify(im.module)} ${JSON.stringify(im.name)}`,
      );
    const mine = (h: { owner: HandleOwner; addr: number }) => {
      if (h.owner !== this) throw new LinkError("an import belongs to another runtime");
      return h.addr;
    };
    const d = im.desc;
    if (typeof v === "function") {
      if (d.kind !== ExternKind.Func) throw incompatible();
      const e = exported.get(v);
      if (e !== undefined) {
        if (e.runtime !== this) throw new LinkError("an import belongs to another runtime");
        return { kind: "func", addr: e.addr };
      }
      const type = canon[d.type];
      return {
        kind: "func",
        addr: allocHostFunc(this.machine, type, im.module, im.name, this.hostImpl(type, v)),
      };
    }
    if (v instanceof WasmMemory) return { kind: "memory", addr: mine(v) };
    if (v instanceof WasmTable) return { kind: "table", addr: mine(v) };
    if (v instanceof WasmGlobal) return { kind: "global", addr: mine(v) };
    if (v instanceof WasmTag) return { kind: "tag", addr: mine(v) };
    if ((typeof v === "number" || typeof v === "bigint") && d.kind === ExternKind.Global) {
      if (d.global.mutable) throw incompatible();
      const type = canonValType(canon, d.global.type);
      return {
        kind: "global",
        addr: allocGlobal(this.store, type, false, toRawValue(this, v, type)),
      };
    }
    throw incompatible();
  }

  /** Wraps a JS function as a host function of canonical type `type`. */
  private hostImpl(type: number, fn: (...args: unknown[]) => unknown): HostImpl {
    const ft = funcType(type);
    return (raw: RawValue[]): RawValue[] => {
      checkCrossing(ft);
      const args = raw.map((r, i) => fromRawValue(this, r, ft.params[i]));
      let result: unknown;
      try {
        result = fn(...args);
      } catch (err) {
        if (err instanceof UncaughtWasmException && err.tag.owner === this) throw err.exception;
        throw err;
      }
      const n = ft.results.length;
      if (n === 0) return [];
      if (n === 1) return [toRawValue(this, result, ft.results[0])];
      const values = [...(result as Iterable<unknown>)];
      if (values.length !== n) throw new TypeError(`expected ${n} results, got ${values.length}`);
      return values.map((v, i) => toRawValue(this, v, ft.results[i]));
    };
  }
}

/**
 * A call between JS and wasm of type `ft` cannot happen when an exnref is among its
 * parameters or results (TypeError, as the JS API throws before the call).
 */
function checkCrossing(ft: FuncType): void {
  if (ft.params.some(isExnRef) || ft.results.some(isExnRef)) {
    throw new TypeError("an exnref parameter or result cannot cross to or from JS");
  }
}

/** The value `imports` gives for import `im`; LinkError "unknown import" if none. */
function lookup(im: Import, imports: Imports): ImportValue {
  const names = Object.hasOwn(imports, im.module) ? imports[im.module] : undefined;
  if (names === undefined || !Object.hasOwn(names, im.name) || names[im.name] === undefined) {
    throw new LinkError(`unknown import ${JSON.stringify(im.module)} ${JSON.stringify(im.name)}`);
  }
  return names[im.name];
}

/** The function type of canonical type id `id`. */
function funcType(id: number): FuncType {
  const comp = canonType(id).comp;
  if (comp.kind !== "func") throw new TypeError(`type ${id} is not a function type`);
  return comp;
}

/** The runtime that the wasm objects among `imports` belong to, if any. */
function runtimeOf(imports: Imports): Runtime | undefined {
  for (const names of Object.values(imports)) {
    for (const v of Object.values(names)) {
      if (typeof v === "function") {
        const e = exported.get(v);
        if (e !== undefined) return e.runtime;
      } else if (
        typeof v === "object" && v !== null && "owner" in v && v.owner instanceof Runtime
      ) {
        return v.owner;
      }
    }
  }
  return undefined;
}

/**
 * Instantiates a module (compiled, binary or text) with `imports`, in `options.runtime`, or
 * else in the runtime of the wasm objects among the imports, or else in a new runtime.
 *
 * @example Link two instances through an exported function
 * ```ts
 * import { instantiate } from "./runtime.ts";
 * const a = instantiate(`(module (func (export "two") (result i32) i32.const 2))`);
 * const b = instantiate(
 *   `(module (import "a" "two" (func $two (result i32)))
 *     (func (export "four") (result i32) (i32.mul (call $two) (i32.const 2))))`,
 *   { a: { two: a.exports.two } },
 * );
 * console.assert(b.runtime === a.runtime && (b.exports.four as () => number)() === 4);
 * ```
 */
export function instantiate(
  source: CompiledModule | Uint8Array | ArrayBuffer | string,
  imports: Imports = {},
  options: { runtime?: Runtime } = {},
): WasmInstance {
  const runtime = options.runtime ?? runtimeOf(imports) ?? new Runtime();
  return runtime.instantiate(source, imports);
}

export { compile, CompiledModule };
