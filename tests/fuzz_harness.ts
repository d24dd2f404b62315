/**
 * The differential harness: runs one binaryen fuzz module (`wasm-opt -ttf`) on Deno's own V8
 * and on gab with the same imports, and turns each run into a comparable trace.
 *
 * A run instantiates the module and calls every exported function in export order with
 * default arguments (0, 0n, null), as binaryen's own fuzz shell does. The trace records each
 * call, every value the module logs through its `fuzzing-support` imports, and how the call
 * ended: its result (numbers exactly, NaN as `nan`; references by kind only where V8 shows
 * nothing more), a trap by its kind (V8's and gab's messages mapped to one word each), stack
 * exhaustion, or a host error. Two engines agree on a module when their traces are equal.
 * A trace ends after {@linkcode MAX_TRACE} lines with "trace too long", and the run stops.
 *
 * The `fuzzing-support` imports are defined here, once, for both engines (their meaning
 * follows binaryen's fuzz shell in spirit; exact agreement with it is not the point, the same
 * behaviour on both sides is): `log-*` record a value, `call-export(-catch)` and
 * `call-ref(-catch)` re-enter the module (the `-catch` forms return 1 if the callee threw),
 * `table-get`/`table-set` access the exported table `table`, `sleep` returns its second
 * argument, `throw` throws a host error. Imported `__fuzz_import` globals get fixed values by
 * type (strings for externref).
 *
 * Not a test itself: tests/gc/differential_test.ts and the tier tests use it, and
 * scripts/fuzz_gen.ts makes the modules.
 *
 * @module
 */

import { decodeModule } from "../src/binary/decode.ts";
import { Exhaustion, Trap } from "../src/errors.ts";
import { Runtime, type WasmTag } from "../src/api/runtime.ts";
import type { Module } from "../src/syntax/module.ts";
import {
  ExternKind,
  F32,
  F64,
  HEAP_EXN,
  HEAP_EXTERN,
  HEAP_NOEXN,
  I32,
  I64,
  isRefType,
  refHeap,
  refNullable,
  V128,
  type ValType,
} from "../src/syntax/types.ts";

/** A module's run on one engine: one line per event. */
export type Trace = string[];

/** A host error raised by the harness's imports (the same class on both engines). */
export class HostError extends Error {
  /** A host error with `message`. */
  constructor(message: string) {
    super(message);
    this.name = "HostError";
  }
}

/** The trap kinds both engines' messages map to. */
const V8_TRAPS: [RegExp, string][] = [
  [/unreachable/, "unreachable"],
  [/memory access out of bounds/, "memory-oob"],
  [/divide by zero/, "div-zero"],
  [/remainder by zero/, "div-zero"],
  [/divide result unrepresentable/, "int-overflow"],
  [/float unrepresentable/, "int-overflow"],
  [/table index is out of bounds|table access out of bounds/, "table-oob"],
  [/null function or function signature mismatch|function signature mismatch/, "call-indirect"],
  // call_indirect of a null element (gab: "uninitialized element"); call_ref of null is
  // "dereferencing a null pointer" (gab: "null function reference").
  [/^null function$/, "null-func"],
  [/dereferencing a null pointer|null reference|null function|rethrowing null value/, "null"],
  [/illegal cast/, "cast"],
  [/array element access out of bounds|array (index )?out of bounds/, "array-oob"],
  [/requested new array is too large/, "array-too-large"],
  [/data segment out of bounds|data segment has been dropped/, "data-oob"],
  [/element segment out of bounds|element segment has been dropped/, "elem-oob"],
  [/offset out of bounds/, "segment-oob"],
];

const GAB_TRAPS: [RegExp, string][] = [
  [/^unreachable/, "unreachable"],
  [/out of bounds memory access/, "memory-oob"],
  [/integer divide by zero/, "div-zero"],
  [/integer overflow|invalid conversion to integer/, "int-overflow"],
  [/out of bounds table access/, "table-oob"],
  // call_indirect past the table's end: V8 says "table index is out of bounds".
  [/undefined element/, "table-oob"],
  [/uninitialized element/, "null-func"],
  [/indirect call type mismatch/, "call-indirect"],
  [/null/, "null"],
  [/cast failure|illegal cast/, "cast"],
  [/out of bounds array access/, "array-oob"],
  [/array too large|allocation too large|new array is too large/, "array-too-large"],
  [/out of bounds data segment access|data segment/, "data-oob"],
  [/out of bounds element segment access|element segment/, "elem-oob"],
];

function kindOf(table: [RegExp, string][], message: string): string {
  for (const [re, kind] of table) if (re.test(message)) return kind;
  return `other(${message})`;
}

/** One word for how a call ended with `err` (V8's or gab's error). */
function errorWord(err: unknown, v8: boolean): string {
  if (err instanceof HostError) return `host-error ${err.message}`;
  if (v8) {
    if (err instanceof WebAssembly.RuntimeError) return `trap ${kindOf(V8_TRAPS, err.message)}`;
    if (err instanceof RangeError && /call stack/i.test(err.message)) return "exhausted";
    if (err instanceof TypeError) return "type-error";
    const exn = (WebAssembly as unknown as { Exception?: new () => unknown }).Exception;
    if (exn !== undefined && err instanceof exn) return "exception";
  } else {
    if (err instanceof Trap) return `trap ${kindOf(GAB_TRAPS, err.message)}`;
    if (err instanceof Exhaustion) return "exhausted";
    if (err instanceof TypeError) return "type-error";
    if (err instanceof Error && err.name === "UncaughtWasmException") return "exception";
  }
  if (err instanceof Error) return `error ${err.name}: ${err.message.split("\n")[0]}`;
  throw err;
}

/** A JS value as trace text: numbers exactly, references by kind. */
function show(v: unknown): string {
  switch (typeof v) {
    case "number":
      return Number.isNaN(v) ? "nan" : Object.is(v, -0) ? "-0" : String(v);
    case "bigint":
      return `${v}n`;
    case "string":
      return JSON.stringify(v);
    case "undefined":
      return "undefined";
    case "function":
      return "func";
    case "object":
      return v === null ? "null" : Array.isArray(v) ? `[${v.map(show).join(" ")}]` : "object";
    default:
      return typeof v;
  }
}

/** The default argument for a parameter of type `t` (null for references). */
function defaultArg(t: ValType): unknown {
  switch (t) {
    case I32:
    case F32:
    case F64:
      return 0;
    case I64:
      return 0n;
    case V128:
      return new Uint8Array(16);
  }
  return null;
}

/** The parameter types of function `index` of `m` (imports included), or null if unknown. */
function paramsOf(m: Module, index: number): ValType[] | null {
  let typeIdx: number | undefined;
  const funcImports = m.imports.filter((im) => im.desc.kind === ExternKind.Func);
  if (index < funcImports.length) {
    const d = funcImports[index].desc;
    typeIdx = d.kind === ExternKind.Func ? d.type : undefined;
  } else typeIdx = m.funcs[index - funcImports.length]?.type;
  if (typeIdx === undefined) return null;
  const comp = m.types[typeIdx].comp;
  return comp.kind === "func" ? comp.params : null;
}

/** Whether the type of function `index` of `m` has an exnref parameter or result. */
function hasExnRef(m: Module, index: number): boolean {
  const funcImports = m.imports.filter((im) => im.desc.kind === ExternKind.Func);
  const d = funcImports[index]?.desc;
  const typeIdx = d !== undefined
    ? (d.kind === ExternKind.Func ? d.type : undefined)
    : m.funcs[index - funcImports.length]?.type;
  const comp = typeIdx === undefined ? undefined : m.types[typeIdx].comp;
  if (comp?.kind !== "func") return false;
  return [...comp.params, ...comp.results].some((t) =>
    isRefType(t) && (refHeap(t) === HEAP_EXN || refHeap(t) === HEAP_NOEXN)
  );
}

/** What an engine must provide for the harness (tests/tier/fuzz_gab.ts makes another gab one). */
export interface Engine {
  v8: boolean;
  /** A new exception tag whose exceptions carry values of types `params`. */
  tag(params: ("i32" | "externref")[]): unknown;
  /** A new exception of `tag` (from {@linkcode Engine.tag}) with `values`, to throw. */
  exception(tag: unknown, values: unknown[]): unknown;
  /** A global import of type `t` holding `value`. */
  global(t: ValType, value: unknown): unknown;
  /** Instantiates; returns the exports. */
  instantiate(imports: Record<string, Record<string, unknown>>): Record<string, unknown>;
  /** The function index (in the module) of an exported-function object, or null. */
  funcIndex(fn: unknown): number | null;
  /** Called before each top-level call (gab refills its fuel). */
  beforeCall(): void;
}

/**
 * Trace lines after which a run stops: a module that logs or re-enters itself without end
 * (binaryen's hang limits bound loops, not a tree of calls through `call-ref`), whose trace
 * would otherwise fill the memory.
 */
export const MAX_TRACE = 20_000;

/** The value an imported global of type `t` named `name` gets, or undefined if none fits. */
function importedGlobalValue(t: ValType, name: string): unknown {
  switch (t) {
    case I32:
      return 7;
    case I64:
      return 7n;
    case F32:
    case F64:
      return 0.5;
  }
  if (isRefType(t) && refHeap(t) === HEAP_EXTERN) return `extern:${name}`;
  if (isRefType(t) && refNullable(t)) return null;
  return undefined;
}

/**
 * Whether the harness can satisfy `m`'s imports (fuzzing-support functions and
 * `__fuzz_import` globals of number or extern type); scripts/fuzz_gen.ts keeps only those.
 */
export function importsSupported(m: Module): string | null {
  for (const im of m.imports) {
    if (im.module === "fuzzing-support" && im.desc.kind === ExternKind.Func) continue;
    if (im.module === "fuzzing-support" && TAG_PARAMS[im.name] !== undefined) continue;
    if (im.desc.kind === ExternKind.Global && !im.desc.global.mutable) {
      if (importedGlobalValue(im.desc.global.type, im.name) !== undefined) continue;
    }
    return `unsupported import ${im.module}.${im.name}`;
  }
  return null;
}

/** The `fuzzing-support` tags (exceptions feature): fresh tags of these types on both engines. */
const TAG_PARAMS: Record<string, ("i32" | "externref")[]> = {
  wasmtag: ["i32"],
  jstag: ["externref"],
};

/**
 * Runs module `m` on `engine`: instantiates it with the harness's imports and calls every
 * exported function in export order with default arguments, recording the trace.
 *
 * A module with exception handling (one that defines or imports a tag) gets the harness's
 * host errors (`throw`, an out-of-bounds `table-get`/`table-set`, `call-export` of a missing
 * export, `call-ref` of null) as wasm exceptions of the imported `wasmtag` (else of a tag of
 * the harness's) carrying a code: V8's `catch_all` would catch a JS error, gab's does not.
 */
export function run(m: Module, engine: Engine): Trace {
  const trace: Trace = [];
  /** Whether the trace is full: the run is stopping (see `add`). */
  let full = false;
  /**
   * Adds `line` to the trace. Past {@linkcode MAX_TRACE} lines the trace ends with "trace too
   * long" and the run stops: every host function then fails at once (without re-entering the
   * module or tracing more), and no more exports are called. Both engines stop alike, and the
   * work left is bounded (the module's own loops are, by its hang limits).
   */
  const add = (line: string): void => {
    if (full) return;
    if (trace.length >= MAX_TRACE) {
      full = true;
      trace.push("trace too long");
      return;
    }
    trace.push(line);
  };
  const tags = new Map<string, unknown>();
  for (const im of m.imports) {
    if (im.module === "fuzzing-support" && im.desc.kind === ExternKind.Tag) {
      tags.set(im.name, engine.tag(TAG_PARAMS[im.name]));
    }
  }
  const exceptions = tags.size > 0 || m.tags.length > 0;
  const failTag = exceptions ? tags.get("wasmtag") ?? engine.tag(["i32"]) : null;
  /** A host error: a wasm exception carrying `code` where the module handles exceptions. */
  const fail: (code: number, message: string) => never = (code, message) => {
    if (failTag !== null) throw engine.exception(failTag, [code]);
    throw new HostError(message);
  };
  let exports: Record<string, unknown> | null = null;
  const funcExports = (): [string, unknown][] =>
    exports === null ? [] : Object.entries(exports).filter(([, v]) => typeof v === "function");
  const paramsOfFn = (fn: unknown): ValType[] | null => {
    const idx = engine.funcIndex(fn);
    return idx === null ? null : paramsOf(m, idx);
  };
  const callWithDefaults = (fn: unknown): unknown => {
    // A function whose type has an exnref is not called from JS, on either engine: V8 throws
    // a TypeError before the call for a single exnref result but runs the callee first when
    // the exnref is among several results (gab: always before), which is no engine's bug.
    const idx = engine.funcIndex(fn);
    if (idx !== null && hasExnRef(m, idx)) throw new TypeError("an exnref does not cross to JS");
    const params = paramsOfFn(fn);
    const args = params === null ? [] : params.map(defaultArg);
    return (fn as (...a: unknown[]) => unknown)(...args);
  };
  const log = (kind: string) => (...args: unknown[]) => {
    add(`log-${kind} ${args.map(show).join(" ")}`);
  };
  const table = () => {
    const t = exports?.table as WebAssembly.Table | undefined;
    if (t === undefined || typeof t !== "object") fail(-1, "no table");
    return t;
  };
  /**
   * A call back into the module from a host function: a wasm exception goes on as it is,
   * any other failure (a trap, a TypeError) becomes the harness's host error (see `fail`).
   */
  const nested = (fn: unknown): unknown => {
    try {
      return callWithDefaults(fn);
    } catch (err) {
      if (failTag === null || errorWord(err, engine.v8) === "exception") throw err;
      add(`nested ${errorWord(err, engine.v8)}`);
      return fail(-6, "nested call failed");
    }
  };
  const callExport = (i: number): unknown => {
    const list = funcExports();
    const e = list[i >>> 0];
    if (e === undefined) fail(-2, "no such export");
    add(`call-export ${e[0]}`);
    return nested(e[1]);
  };
  const callRef = (fn: unknown): unknown => {
    if (typeof fn !== "function") fail(-3, "call-ref of null");
    add("call-ref");
    return nested(fn);
  };
  const catching = (f: () => unknown) => {
    try {
      f();
      return 0;
    } catch (err) {
      add(`caught ${errorWord(err, engine.v8)}`);
      return 1;
    }
  };
  const support: Record<string, unknown> = {
    "log-i32": log("i32"),
    "log-i64": log("i64"),
    "log-f32": log("f32"),
    "log-f64": log("f64"),
    "log-anyref": log("anyref"),
    "log-funcref": log("funcref"),
    "log-externref": log("externref"),
    "log-branch": log("branch"),
    "call-export": (i: number) => void callExport(i),
    "call-export-catch": (i: number) => catching(() => callExport(i)),
    "call-ref": (fn: unknown) => void callRef(fn),
    "call-ref-catch": (fn: unknown) => catching(() => callRef(fn)),
    "table-get": (i: number) => {
      const t = table();
      if (i >>> 0 >= t.length) fail(-4, "table-get out of bounds");
      return t.get(i >>> 0);
    },
    "table-set": (i: number, v: unknown) => {
      const t = table();
      if (i >>> 0 >= t.length) fail(-5, "table-set out of bounds");
      t.set(i >>> 0, v as null);
    },
    "sleep": (_ms: number, id: number) => id,
    "throw": (code: unknown) => fail(typeof code === "number" ? code : 0, "thrown"),
  };
  for (const [name, f] of Object.entries(support)) {
    const impl = f as (...a: unknown[]) => unknown;
    support[name] = (...a: unknown[]) => full ? fail(-7, "trace too long") : impl(...a);
  }
  for (const [name, tag] of tags) support[name] = tag;
  const imports: Record<string, Record<string, unknown>> = { "fuzzing-support": support };
  for (const im of m.imports) {
    if (im.desc.kind !== ExternKind.Global) continue;
    const t = im.desc.global.type;
    (imports[im.module] ??= {})[im.name] = engine.global(t, importedGlobalValue(t, im.name));
  }
  try {
    exports = engine.instantiate(imports);
  } catch (err) {
    add(`instantiate: ${errorWord(err, engine.v8)}`);
    return trace;
  }
  for (const [name, fn] of funcExports()) {
    if (full) break;
    add(`call ${name}`);
    engine.beforeCall();
    try {
      add(`=> ${show(callWithDefaults(fn))}`);
    } catch (err) {
      add(errorWord(err, engine.v8));
    }
  }
  return trace;
}

/** The type name the JS API gives `t` for a global, or null when it has none. */
function jsTypeName(t: ValType): "i32" | "i64" | "f32" | "f64" | "externref" | null {
  switch (t) {
    case I32:
      return "i32";
    case I64:
      return "i64";
    case F32:
      return "f32";
    case F64:
      return "f64";
  }
  return isRefType(t) && refHeap(t) === HEAP_EXTERN ? "externref" : null;
}

/** The JS API's exception handling classes, which TypeScript's lib does not declare. */
const JsApi = WebAssembly as unknown as {
  Tag: new (type: { parameters: string[] }) => unknown;
  Exception: new (tag: unknown, values: unknown[]) => unknown;
};

/** The name gab's API gives a global's type `t` (as the JS API's, and "(ref extern)"), or null. */
export function gabGlobalType(
  t: ValType,
): "i32" | "i64" | "f32" | "f64" | "externref" | "(ref extern)" | null {
  const name = jsTypeName(t);
  return name === "externref" && !refNullable(t) ? "(ref extern)" : name;
}

/** Runs `bytes` on Deno's V8. */
export function runOnV8(bytes: Uint8Array): Trace {
  const m = decodeModule(bytes);
  const compiled = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
  return run(m, {
    v8: true,
    tag: (params) => new JsApi.Tag({ parameters: params }),
    exception: (tag, values) => new JsApi.Exception(tag, values),
    global: (t, value) => {
      const name = jsTypeName(t);
      // A non-nullable extern global takes a plain value (V8 checks it against the import).
      if (name === null || !refNullable(t) && name === "externref") return value;
      return new WebAssembly.Global({ value: name } as WebAssembly.GlobalDescriptor, value);
    },
    instantiate: (imports) =>
      new WebAssembly.Instance(compiled, imports as WebAssembly.Imports).exports,
    funcIndex: (fn) => {
      const n = Number((fn as { name: string }).name);
      return Number.isInteger(n) ? n : null;
    },
    beforeCall: () => {},
  });
}

/** Options of a gab run. */
export interface GabRunOptions {
  /** Makes the runtime to instantiate in (a new default `Runtime` otherwise). */
  runtime?: () => Runtime;
  /** Ticks each top-level call may take (a module that V8 runs in seconds fits easily). */
  fuel?: number;
}

/** The default fuel of a gab call: "exhausted" in the trace shows a gab hang. */
const DEFAULT_FUEL = 200_000_000;

/** Runs `bytes` on gab. */
export function runOnGab(bytes: Uint8Array, options: GabRunOptions = {}): Trace {
  const m = decodeModule(bytes);
  const runtime = options.runtime?.() ?? new Runtime();
  return run(m, {
    v8: false,
    tag: (params) => runtime.tag({ parameters: params }),
    exception: (tag, values) => runtime.exception(tag as WasmTag, values),
    global: (t, value) => {
      const name = gabGlobalType(t);
      return name === null ? value : runtime.global({ value: name }, value);
    },
    instantiate: (imports) =>
      runtime.instantiate(bytes, imports as Parameters<Runtime["instantiate"]>[1]).exports,
    funcIndex: (fn) => {
      const addr = runtime.funcAddr(fn);
      if (addr === undefined) return null;
      const obj = runtime.store.objects[addr];
      if (obj.kind === "wasm") return obj.index;
      // A host function (an import of the module): its index among the module's functions.
      const inst = runtime.store.instances[runtime.store.instances.length - 1];
      const i = inst === undefined ? -1 : inst.funcs.indexOf(addr);
      return i < 0 ? null : i;
    },
    beforeCall: () => {
      runtime.fuel = options.fuel ?? DEFAULT_FUEL;
    },
  });
}

/** The first difference of two traces as one line, or null when they are equal. */
export function compareTraces(v8: Trace, gab: Trace): string | null {
  const n = Math.max(v8.length, gab.length);
  for (let i = 0; i < n; i++) {
    if (v8[i] !== gab[i]) {
      return `at ${i}: V8 ${v8[i] ?? "(end)"} / gab ${gab[i] ?? "(end)"}`;
    }
  }
  return null;
}
