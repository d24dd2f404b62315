/**
 * Compiling for the embedding API: bytes or text to a decoded, validated
 * {@linkcode CompiledModule}, with descriptions of its imports and exports.
 *
 * A compiled module is immutable and may be instantiated any number of times, in any
 * runtime. Compilation here is decoding (or parsing) and validation; functions are lowered to
 * the interpreter's IR lazily, on their first call.
 *
 * @module
 */

import { decodeModule } from "../binary/decode.ts";
import { ParseError } from "../errors.ts";
import type { Module } from "../syntax/module.ts";
import type { ExternKind } from "../syntax/types.ts";
import { parseModuleText } from "../text/parse.ts";
import { type ModuleInfo, validateModule } from "../valid/validate.ts";

/** The kind of an import or export. */
export type ExternKindName = "func" | "table" | "memory" | "global" | "tag";

const KIND_NAMES: ExternKindName[] = ["func", "table", "memory", "global", "tag"];

/** The name of an {@linkcode ExternKind}. */
export function kindName(kind: ExternKind): ExternKindName {
  return KIND_NAMES[kind];
}

/** An import of a compiled module. */
export interface ImportDescriptor {
  /** The module name it is imported from. */
  module: string;
  /** The item's name within that module. */
  name: string;
  /** What kind of item it imports. */
  kind: ExternKindName;
}

/** An export of a compiled module. */
export interface ExportDescriptor {
  /** The name it is exported as. */
  name: string;
  /** What kind of item it exports. */
  kind: ExternKindName;
}

/** A decoded and validated module, ready to instantiate. */
export class CompiledModule {
  /** The module's syntax. */
  readonly module: Module;
  /**
   * What validation learned (types, canonical ids...), for the engine.
   *
   * @internal
   */
  readonly info: ModuleInfo;

  /** Validates `module` (throws ValidationError). */
  constructor(module: Module, info: ModuleInfo = validateModule(module)) {
    this.module = module;
    this.info = info;
  }

  /** The module's imports, in order. */
  get imports(): ImportDescriptor[] {
    return this.module.imports.map((im) => ({
      module: im.module,
      name: im.name,
      kind: kindName(im.desc.kind),
    }));
  }

  /** The module's exports, in order. */
  get exports(): ExportDescriptor[] {
    return this.module.exports.map((ex) => ({ name: ex.name, kind: kindName(ex.kind) }));
  }
}

/** Whether `bytes` start with the binary format's magic number. */
function isBinary(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0x61 && bytes[2] === 0x73 &&
    bytes[3] === 0x6d;
}

/**
 * Compiles a module: a binary (bytes starting with `\0asm`) is decoded, text (a string, or
 * bytes in UTF-8) is parsed; then the module is validated.
 *
 * @throws DecodeError, ParseError or ValidationError, with the spec's messages.
 *
 * @example
 * ```ts
 * import { compile } from "./module.ts";
 * const m = compile(`(module (func (export "f") (result i32) i32.const 1))`);
 * console.assert(m.exports[0].name === "f" && m.exports[0].kind === "func");
 * ```
 */
export function compile(
  source: Uint8Array | ArrayBuffer | string | CompiledModule,
): CompiledModule {
  if (source instanceof CompiledModule) return source;
  if (typeof source === "string") return new CompiledModule(parseModuleText(source));
  const bytes = source instanceof Uint8Array ? source : new Uint8Array(source);
  if (isBinary(bytes)) return new CompiledModule(decodeModule(bytes));
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ParseError("malformed UTF-8 encoding", 1, 1);
  }
  return new CompiledModule(parseModuleText(text));
}
