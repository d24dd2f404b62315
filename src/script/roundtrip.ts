/**
 * The round-trip check of the front end over a script's modules: every module that is not
 * meant to be malformed (module commands, and the modules of `assert_invalid`,
 * `assert_unlinkable` and module-form `assert_trap`) must parse (text, quote) or decode
 * (binary), encode, and decode back to an equal module.
 *
 * Equality is `node:util`'s deep strict equality after forgetting where function bodies were
 * in the binary (`Func.offset`), which differs between a text module and its encoding.
 *
 * @module
 */

import { isDeepStrictEqual } from "node:util";
import type { Module } from "../syntax/module.ts";
import type { Command, ModuleDef, Script } from "./ast.ts";
import type { Engine } from "./engine.ts";
import { describeError, type Outcome } from "./run.ts";

/** The round trip of one module. */
export interface RoundtripResult {
  /** The line of the module. */
  line: number;
  outcome: Outcome;
  reason?: string;
}

/** The modules of a script that must be well formed, in order (thread bodies included). */
export function wellFormedModules(script: Script): ModuleDef[] {
  const out: ModuleDef[] = [];
  const visit = (c: Command) => {
    switch (c.kind) {
      case "module":
      case "assert_invalid":
        out.push(c.module);
        break;
      case "assert_unlinkable":
      case "assert_uninstantiable":
        if (c.target.kind === "module") out.push(c.target.module);
        break;
      case "thread":
        c.commands.forEach(visit);
        break;
    }
  };
  script.commands.forEach(visit);
  return out;
}

/** Round-trips every well-formed module of a script. */
export function roundtripScript(script: Script, engine: Engine<unknown>): RoundtripResult[] {
  return wellFormedModules(script).map((def) => roundtripModule(def, engine));
}

/**
 * Loads a module, encodes it and decodes the encoding; passes if the result equals the
 * module. Unsupported when the engine cannot load, encode or decode.
 */
export function roundtripModule(def: ModuleDef, engine: Engine<unknown>): RoundtripResult {
  const line = def.line;
  const { parseModule, parseModuleText, decodeModule, encodeModule } = engine;
  if (decodeModule === undefined || encodeModule === undefined) {
    return { line, outcome: "unsupported", reason: "no binary decoder or encoder" };
  }
  const src = def.source;
  let m: Module;
  try {
    if (src.kind === "binary") m = decodeModule(src.bytes);
    else if (src.kind === "quote" && parseModuleText !== undefined) m = parseModuleText(src.bytes);
    else if (src.kind === "text" && parseModule !== undefined) m = parseModule(src.list);
    else return { line, outcome: "unsupported", reason: "no text parser" };
  } catch (err) {
    return { line, outcome: "failed", reason: `load: ${describeError(err)}` };
  }
  let back: Module;
  try {
    back = decodeModule(encodeModule(m));
  } catch (err) {
    return { line, outcome: "failed", reason: `encode/decode: ${describeError(err)}` };
  }
  const a = withoutOffsets(m);
  const b = withoutOffsets(back);
  if (isDeepStrictEqual(a, b)) return { line, outcome: "passed" };
  return { line, outcome: "failed", reason: `differs at ${firstDifference(a, b, "module")}` };
}

/** A shallow copy of a module whose functions forget their binary offsets. */
function withoutOffsets(m: Module): Module {
  return { ...m, funcs: m.funcs.map((f) => ({ ...f, offset: 0 })) };
}

/** The path of the first difference between two values, e.g. `module.funcs[2].body`. */
export function firstDifference(a: unknown, b: unknown, path: string): string {
  if (isDeepStrictEqual(a, b)) return "";
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return path;
  if (a instanceof Map && b instanceof Map) {
    for (const k of new Set([...a.keys(), ...b.keys()])) {
      if (!isDeepStrictEqual(a.get(k), b.get(k))) {
        return firstDifference(a.get(k), b.get(k), `${path}.get(${JSON.stringify(k)})`);
      }
    }
    return path;
  }
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) return path;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${path}.length`;
    for (let i = 0; i < a.length; i++) {
      if (!isDeepStrictEqual(a[i], b[i])) return firstDifference(a[i], b[i], `${path}[${i}]`);
    }
    return path;
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  for (const k of new Set([...Object.keys(ra), ...Object.keys(rb)])) {
    if (!isDeepStrictEqual(ra[k], rb[k])) return firstDifference(ra[k], rb[k], `${path}.${k}`);
  }
  return path;
}
