/**
 * Reads a module file for the CLI: a binary (`\0asm` magic) is decoded, anything else is
 * parsed as the text format, as wasmtime and wasm-tools accept both. Errors stay typed
 * (DecodeError, ParseError); a missing or unreadable file becomes a {@linkcode FileError}.
 *
 * @module
 */

import { decodeModule } from "../binary/decode.ts";
import { ParseError, WasmError } from "../errors.ts";
import { encodeModule } from "../binary/encode.ts";
import type { Module } from "../syntax/module.ts";
import { parseModuleText } from "../text/parse.ts";
import { type ModuleInfo, validateModule } from "../valid/validate.ts";

/** A file could not be read. */
export class FileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FileError";
  }
}

/**
 * A module file was malformed or invalid: the typed error, with the file's path for the
 * message.
 */
export class ModuleFileError extends Error {
  readonly path: string;
  readonly error: WasmError;
  constructor(path: string, error: WasmError) {
    super(`${path}: ${error.describe()}`);
    this.name = "ModuleFileError";
    this.path = path;
    this.error = error;
  }
}

/** A module as loaded: its syntax and its binary encoding (encoded from text if need be). */
export interface LoadedModule {
  module: Module;
  bytes: Uint8Array;
  /** Whether the file was in the text format. */
  fromText: boolean;
  /** What validation learned, when {@linkcode LoadOptions.validate} asked for it. */
  info: ModuleInfo | null;
}

/** Options of {@linkcode loadModule}. */
export interface LoadOptions {
  /** Validate the module too (errors then name the file as well). */
  validate?: boolean;
}

/** Whether `bytes` start with the binary format's magic number. */
export function isBinary(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0x61 && bytes[2] === 0x73 &&
    bytes[3] === 0x6d;
}

/** Reads a whole file, or standard input for `-`. */
export async function readInput(path: string): Promise<Uint8Array> {
  try {
    if (path === "-") return new Uint8Array(await new Response(Deno.stdin.readable).arrayBuffer());
    return await Deno.readFile(path);
  } catch (e) {
    throw fileError(path, e);
  }
}

/** The {@linkcode FileError} for `e`, thrown by an operation on file `path`. */
export function fileError(path: string, e: unknown): FileError {
  if (e instanceof Deno.errors.NotFound) return new FileError(`${path}: no such file`);
  if (e instanceof Deno.errors.IsADirectory) return new FileError(`${path}: is a directory`);
  if (e instanceof Deno.errors.PermissionDenied) return new FileError(`${path}: permission denied`);
  return new FileError(`${path}: ${osReason(e)}`);
}

/**
 * Writes a whole file (text as UTF-8); a failure is a {@linkcode FileError} naming the path
 * and the reason in a few words, not the operating system's raw message.
 */
export async function writeOutput(path: string, data: Uint8Array | string): Promise<void> {
  try {
    if (typeof data === "string") await Deno.writeTextFile(path, data);
    else await Deno.writeFile(path, data);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new FileError(`${path}: cannot write: no such directory`);
    }
    throw new FileError(`${path}: cannot write: ${osReason(e)}`);
  }
}

/** A file-system error in a few words ("permission denied", "is a directory"...). */
export function osReason(e: unknown): string {
  if (e instanceof Deno.errors.NotFound) return "no such file or directory";
  if (e instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (e instanceof Deno.errors.IsADirectory) return "is a directory";
  if (e instanceof Deno.errors.NotADirectory) return "not a directory";
  if (e instanceof Deno.errors.AlreadyExists) return "already exists";
  if (e instanceof Error && e.name !== "Error") {
    return e.name.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
  }
  return "input/output error";
}

/**
 * Loads a module from a `.wasm` or `.wat` file (`-` reads standard input). Malformed and,
 * with `validate`, invalid modules throw {@linkcode ModuleFileError}.
 */
export async function loadModule(path: string, options: LoadOptions = {}): Promise<LoadedModule> {
  const source = await readInput(path);
  try {
    const fromText = !isBinary(source);
    const bytes = fromText ? encodeModule(parseModuleText(decodeText(source))) : source;
    // A text module is run as its binary, so that byte offsets (backtraces, errors) are the
    // binary's, as wasmtime reports them for text.
    const module = decodeModule(bytes);
    const info = options.validate ? validateModule(module) : null;
    return { module, bytes, fromText, info };
  } catch (e) {
    if (e instanceof WasmError) throw new ModuleFileError(path, e);
    throw e;
  }
}

function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ParseError("malformed UTF-8 encoding", 1, 1);
  }
}
