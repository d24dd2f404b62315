/**
 * The `gab run` command's work: instantiate a module (with the WASI host when it imports a
 * WASI module; any other import fails with "unknown import"), then call `_start` (the guest's
 * exit status becomes the run's), or with `--invoke NAME ARGS...` the export
 * NAME with ARGS parsed by its parameter types (after a reactor's `_initialize`, as wasmtime
 * calls it), and print its results one per line as
 * `wasmtime run --invoke` does (integers in signed decimal, floats as Rust prints them:
 * shortest round-trip digits without exponent, `NaN`, `inf`; v128 as an unsigned 128-bit
 * decimal; references as `<funcref>`, `<null externref>`...).
 *
 * Errors are typed (LinkError, Trap, Exhaustion...) for `main.ts` to report; a bad argument
 * is a {@linkcode UsageError}.
 *
 * @module
 */

import { type CompiledModule, Runtime } from "../api/runtime.ts";
import { invoke } from "../exec/invoke.ts";
import type { RawValue } from "../runtime/values.ts";
import { LinkError } from "../errors.ts";
import { funcTypeOf } from "../runtime/link.ts";
import {
  F32,
  F64,
  HEAP_EXN,
  HEAP_EXTERN,
  HEAP_FUNC,
  I32,
  I64,
  refHeap,
  V128,
  type ValType,
} from "../syntax/types.ts";
import { topHeap } from "../valid/match.ts";
import { canonType } from "../valid/registry.ts";
import { createWasi, importsWasi, ProcExit, type WasiOptions } from "../wasi/api.ts";
import { UsageError } from "./args.ts";

/** Options of {@linkcode runModule}. */
export interface RunOptions {
  /** The export to call instead of `_start`. */
  invoke?: string;
  /** The most ticks the run may take. */
  fuel?: number;
  /** The program's name (argv[0] for WASI; default "main.wasm"). */
  program?: string;
  /** Preopened directories, as `--dir` gives them: `HOST` or `HOST::GUEST`. */
  dirs?: readonly string[];
  /** Environment variables, as `--env` gives them: `NAME=VALUE`, or `NAME` (the host's value). */
  env?: readonly string[];
  /** Listening sockets to hand in, as `--tcplisten` gives them: `HOST:PORT`. */
  listeners?: readonly string[];
  /** Virtual clocks and seeded randomness. */
  deterministic?: boolean;
  /** WASI's standard streams (default: the process's own). */
  stdio?: Pick<WasiOptions, "stdin" | "stdout" | "stderr">;
}

/** What a run gives: the lines to print (the results of `--invoke`) and the exit status. */
export interface RunResult {
  lines: string[];
  status: number;
}

/** The WASI options for the command-line options `options` and the program's `args`. */
export function wasiOptions(args: readonly string[], options: RunOptions): WasiOptions {
  const preopens: Record<string, string> = {};
  for (const d of options.dirs ?? []) {
    const at = d.indexOf("::");
    const host = at < 0 ? d : d.slice(0, at), guest = at < 0 ? d : d.slice(at + 2);
    if (host === "" || guest === "") throw new UsageError(`--dir takes HOST[::GUEST], not '${d}'`);
    preopens[guest] = host;
  }
  for (const l of options.listeners ?? []) {
    if (!/^[^:]+:\d+$/.test(l)) throw new UsageError(`--tcplisten takes HOST:PORT, not '${l}'`);
  }
  const env: string[] = [];
  for (const e of options.env ?? []) {
    const at = e.indexOf("=");
    if (at === 0) throw new UsageError(`--env takes NAME=VALUE, not '${e}'`);
    if (at > 0) env.push(e);
    else {
      const v = Deno.env.get(e);
      if (v !== undefined) env.push(`${e}=${v}`);
    }
  }
  return {
    args: [options.program ?? "main.wasm", ...args],
    env,
    preopens,
    listeners: [...(options.listeners ?? [])],
    deterministic: options.deterministic ?? false,
    ...options.stdio,
  };
}

/**
 * Runs a validated module as the `run` command does and returns the lines to print (the
 * results of `--invoke`) and the exit status (the guest's, for a WASI command), or throws.
 */
export function runModule(
  compiled: CompiledModule,
  args: readonly string[],
  options: RunOptions = {},
): RunResult {
  const wasi = importsWasi(compiled)
    ? createWasi(wasiOptions(options.invoke === undefined ? args : [], options))
    : null;
  const runtime = new Runtime({ fuel: options.fuel });
  const instance = runtime.instantiate(compiled, wasi?.imports(compiled) ?? {});
  if (options.invoke !== undefined) {
    wasi?.bind(instance);
    try {
      const exit = initializeReactor(runtime, instance.index);
      if (exit !== null) return { lines: [], status: exit };
      return { lines: invokeExport(runtime, instance.index, options.invoke, args), status: 0 };
    } catch (e) {
      if (e instanceof ProcExit) return { lines: [], status: e.code };
      throw e;
    } finally {
      wasi?.close();
    }
  }
  if (wasi !== null) {
    if (!runtime.store.instances[instance.index].exports.has("_start")) {
      throw new LinkError("the module exports no _start function");
    }
    return { lines: [], status: wasi.start(instance) };
  }
  if (runtime.store.instances[instance.index].exports.has("_start")) {
    invokeExport(runtime, instance.index, "_start", []);
  }
  return { lines: [], status: 0 };
}

const f32buf = new Float32Array(1);
const u32buf = new Uint32Array(f32buf.buffer);
const f64buf = new Float64Array(1);
const u64buf = new BigUint64Array(f64buf.buffer);

/** Parses an integer argument (decimal or 0x hex, signed or unsigned) of `bits` bits. */
function parseInteger(text: string, bits: 32 | 64): bigint | null {
  const m = /^([+-]?)(0x[0-9a-f]+|[0-9]+)$/i.exec(text.replaceAll("_", ""));
  if (m === null) return null;
  let v = BigInt(m[2]);
  if (m[1] === "-") v = -v;
  const lo = -(1n << BigInt(bits - 1)), hi = (1n << BigInt(bits)) - 1n;
  if (v < lo || v > hi) return null;
  return BigInt.asIntN(bits, v);
}

/** Parses a float argument: a JS number literal, `inf`, `-inf`, `nan`. */
function parseFloatArg(text: string): number | null {
  const t = text.toLowerCase();
  if (t === "inf" || t === "+inf" || t === "infinity" || t === "+infinity") return Infinity;
  if (t === "-inf" || t === "-infinity") return -Infinity;
  if (t === "nan" || t === "+nan" || t === "-nan") return NaN;
  if (t.trim() === "" || !/^[+-]?(\d|\.\d)/.test(t)) return null;
  const v = Number(text);
  return Number.isNaN(v) ? null : v;
}

/**
 * Parses a command-line argument as a value of type `t` (canonical): integers (decimal or
 * hex, signed or unsigned in range), floats, or `null` for a nullable reference.
 *
 * @throws UsageError for text that is not a value of that type.
 */
export function parseArg(text: string, t: ValType): RawValue {
  switch (t) {
    case I32: {
      const v = parseInteger(text, 32);
      if (v !== null) return Number(v);
      break;
    }
    case I64: {
      const v = parseInteger(text, 64);
      if (v !== null) return v;
      break;
    }
    case F32: {
      const v = parseFloatArg(text);
      if (v !== null) {
        f32buf[0] = v;
        return u32buf[0];
      }
      break;
    }
    case F64: {
      const v = parseFloatArg(text);
      if (v !== null) {
        f64buf[0] = v;
        return u64buf[0];
      }
      break;
    }
    case V128:
      break;
    default:
      if (text === "null") return 0;
  }
  throw new UsageError(`invalid argument '${text}' for a parameter of type ${typeName(t)}`);
}

function typeName(t: ValType): string {
  switch (t) {
    case I32:
      return "i32";
    case I64:
      return "i64";
    case F32:
      return "f32";
    case F64:
      return "f64";
    case V128:
      return "v128";
    default:
      return "reference";
  }
}

/**
 * The decimal text of a finite number without exponent, from JS's shortest round-trip text
 * `s` (which may use `e` notation).
 */
function plainDecimal(s: string): string {
  const neg = s.startsWith("-");
  if (neg) s = s.slice(1);
  const [mant, expText] = s.split("e");
  const exp = expText === undefined ? 0 : Number(expText);
  const [intPart, fracPart = ""] = mant.split(".");
  const digits = intPart + fracPart;
  const point = intPart.length + exp;
  let out: string;
  if (point <= 0) out = "0." + "0".repeat(-point) + digits;
  else if (point >= digits.length) out = digits + "0".repeat(point - digits.length);
  else out = digits.slice(0, point) + "." + digits.slice(point);
  out = out.replace(/^0+(?=\d)/, "");
  if (out.includes(".")) out = out.replace(/\.?0+$/, "");
  return (neg ? "-" : "") + out;
}

/** A float as Rust's `{}` prints it (shortest round-trip digits, no exponent). */
export function formatFloat(x: number, single: boolean): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  let s = String(x);
  if (single) {
    for (let p = 1; p <= 9; p++) {
      const t = x.toPrecision(p);
      if (Math.fround(Number(t)) === x) {
        s = String(Number(t));
        break;
      }
    }
  }
  return plainDecimal(s);
}

/** A result of type `t` (canonical) as `wasmtime run --invoke` prints it. */
export function formatResult(r: RawValue, t: ValType): string {
  switch (t) {
    case I32:
    case I64:
      return String(r);
    case F32:
      u32buf[0] = r as number;
      return formatFloat(f32buf[0], true);
    case F64:
      u64buf[0] = r as bigint;
      return formatFloat(f64buf[0], false);
    case V128: {
      let v = 0n;
      const bytes = r as Uint8Array;
      for (let i = 15; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]);
      return String(v);
    }
  }
  const top = topHeap(null, refHeap(t));
  const name = top === HEAP_FUNC
    ? "funcref"
    : top === HEAP_EXTERN
    ? "externref"
    : top === HEAP_EXN
    ? "exnref"
    : "anyref";
  return r === 0 ? `<null ${name}>` : `<${name}>`;
}

/**
 * Calls a reactor's `_initialize` (an exported function of no parameters and results), as
 * wasmtime does before `--invoke` calls an export: null when there is none or it returned,
 * else the exit status it gave to WASI's `proc_exit`.
 */
export function initializeReactor(runtime: Runtime, index: number): number | null {
  const ev = runtime.store.instances[index].exports.get("_initialize");
  if (ev === undefined || ev.kind !== "func") return null;
  const comp = canonType(funcTypeOf(runtime.store, ev.addr)).comp;
  if (comp.kind !== "func" || comp.params.length !== 0 || comp.results.length !== 0) return null;
  try {
    invoke(runtime.machine, ev.addr, []);
  } catch (e) {
    if (e instanceof ProcExit) return e.code;
    throw e;
  }
  return null;
}

/** Calls export `name` of the instance at `index` with text arguments; returns its lines. */
export function invokeExport(
  runtime: Runtime,
  index: number,
  name: string,
  args: readonly string[],
): string[] {
  const store = runtime.store;
  const ev = store.instances[index].exports.get(name);
  if (ev === undefined || ev.kind !== "func") {
    throw new UsageError(`the module has no exported function '${name}'`);
  }
  const comp = canonType(funcTypeOf(store, ev.addr)).comp;
  if (comp.kind !== "func") throw new UsageError(`'${name}' is not a function`);
  if (args.length !== comp.params.length) {
    throw new UsageError(
      `'${name}' takes ${comp.params.length} argument${comp.params.length === 1 ? "" : "s"}, ` +
        `got ${args.length}`,
    );
  }
  const raw = args.map((a, i) => parseArg(a, comp.params[i]));
  const results = invoke(runtime.machine, ev.addr, raw);
  return results.map((r, i) => formatResult(r, comp.results[i]));
}
