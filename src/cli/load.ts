/**
 * Reads a module file for the CLI: a binary (`\0asm` magic) is decoded, anything else is
 * parsed as the text format, as wasmtime and wasm-tools accept both. Errors stay typed
 * (DecodeError, ParseError); a missing or unreadable file becomes a {@linkcode FileError}.
 *
 * @module
 */

import { decodeModule } from "../binary/decode.ts";
import { ParseError } from "../errors.ts";
import { encodeModule } from "../binary/encode.ts";
import type { Module } from "../syntax/module.ts";
import { parseModuleText } from "../text/parse.ts";

/** A file could not be read. */
export class FileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FileError";
  }
}

/** A module as loaded: its syntax and its binary encoding (encoded from text if need be). */
export interface LoadedModule {
  module: Module;
  bytes: Uint8Array;
  /** Whether the file was in the text format. */
  fromText: boolean;
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
    if (e instanceof Deno.errors.NotFound) throw new FileError(`${path}: no such file`);
    if (e instanceof Deno.errors.IsADirectory) throw new FileError(`${path}: is a directory`);
    if (e instanceof Deno.errors.PermissionDenied) {
      throw new FileError(`${path}: permission denied`);
    }
    throw new FileError(`${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Loads a module from a `.wasm` or `.wat` file. */
export async function loadModule(path: string): Promise<LoadedModule> {
  const bytes = await readInput(path);
  if (isBinary(bytes)) return { module: decodeModule(bytes), bytes, fromText: false };
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ParseError("malformed UTF-8 encoding", 1, 1);
  }
  const module = parseModuleText(text);
  return { module, bytes: encodeModule(module), fromText: true };
}
