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
 * {@linkcode defaultEngine} wires gab's front end and validator; an interpreter adds the
 * execution hooks by spreading it: `{ ...defaultEngine(), ...hooks }`.
 *
 * @module
 */

import { decodeModule } from "../binary/decode.ts";
import { encodeModule } from "../binary/encode.ts";
import type { Module } from "../syntax/module.ts";
import { parseModule, parseModuleText } from "../text/parse.ts";
import { validateModule } from "../valid/validate.ts";
import type { SList } from "../text/sexpr.ts";
import type { Value } from "./ast.ts";

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
 * The engine made of the parts of gab that exist: the text parser, the binary decoder and
 * encoder, and the validator. An interpreter adds the execution hooks:
 * `{ ...defaultEngine(), instantiate, invoke, get, spectest }`.
 */
export function defaultEngine(): Engine {
  return { parseModule, parseModuleText, decodeModule, encodeModule, validate: validateModule };
}
