/**
 * Helpers for the text-parser tests that run over the spec testsuite: finding the modules of
 * every `.wast` file (text modules, `module quote` modules, and the malformed ones with their
 * expected messages), and checking them with the module parser.
 *
 * @module
 */

import { ParseError } from "../../src/errors.ts";
import { parseModule, parseModuleText } from "../../src/text/parse.ts";
import { readSExprs, type SExpr, type SList } from "../../src/text/sexpr.ts";

/** The testsuite directory (shared, read-only). */
export const TESTSUITE = "/work/shared/testsuite";

/** The `.wast` files of the testsuite (top level and legacy/). */
export function wastFiles(): string[] {
  const files: string[] = [];
  for (const dir of [TESTSUITE, `${TESTSUITE}/legacy`]) {
    for (const entry of Deno.readDirSync(dir)) {
      if (entry.isFile && entry.name.endsWith(".wast")) files.push(`${dir}/${entry.name}`);
    }
  }
  return files.sort();
}

/** A module found in a script. */
export interface FoundModule {
  file: string;
  line: number;
  /** A text module list, or the bytes of a `module quote`. */
  module: SList | Uint8Array;
  /** For a module inside `assert_malformed`, the expected message. */
  malformed: string | null;
}

function head(node: SExpr | undefined): string | null {
  if (node === undefined || node.kind !== "list") return null;
  const h = node.items[0];
  return h !== undefined && h.kind === "keyword" ? h.text : null;
}

function concatStrings(items: SExpr[]): Uint8Array {
  const parts = items.map((s) => s.kind === "string" ? s.bytes! : new Uint8Array());
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Classifies a `(module ...)` node: text list, quote bytes, or null (binary, instance). */
function moduleOf(node: SList): SList | Uint8Array | null {
  let i = 1;
  const kw = (j: number) => {
    const a = node.items[j];
    return a !== undefined && a.kind === "keyword" ? a.text : null;
  };
  if (kw(i) === "definition") i++;
  if (node.items[i]?.kind === "id") i++;
  if (kw(i) === "binary" || kw(i) === "instance") return null;
  if (kw(i) === "quote") return concatStrings(node.items.slice(i + 1));
  return node;
}

/** Every module of a script file. */
export function modulesOf(file: string): FoundModule[] {
  const found: FoundModule[] = [];
  for (const cmd of readSExprs(Deno.readFileSync(file))) {
    if (cmd.kind !== "list") continue;
    const h = head(cmd);
    const line = cmd.pos.line;
    if (h === "module") {
      const m = moduleOf(cmd);
      if (m !== null) found.push({ file, line, module: m, malformed: null });
    } else if (
      h === "assert_invalid" || h === "assert_unlinkable" || h === "assert_trap" ||
      h === "assert_malformed"
    ) {
      const arg = cmd.items[1];
      if (head(arg) !== "module") continue;
      const m = moduleOf(arg as SList);
      if (m === null) continue;
      const msg = cmd.items[2];
      const expected = msg?.kind === "string" ? new TextDecoder().decode(msg.bytes) : "";
      found.push({ file, line, module: m, malformed: h === "assert_malformed" ? expected : null });
    }
  }
  return found;
}

/** Parses a found module: a text list, or the bytes of a `module quote`. */
function parseFound(m: SList | Uint8Array) {
  return m instanceof Uint8Array ? parseModuleText(m) : parseModule(m);
}

/** The outcome of parsing one found module. */
export interface Outcome {
  found: FoundModule;
  ok: boolean;
  /** The error message, if parsing failed. */
  error: string | null;
}

/** Parses a found module and says whether the outcome is the expected one. */
export function check(found: FoundModule): Outcome {
  try {
    parseFound(found.module);
    return { found, ok: found.malformed === null, error: null };
  } catch (e) {
    if (!(e instanceof ParseError)) {
      return { found, ok: false, error: `${(e as Error).name}: ${(e as Error).message}` };
    }
    const ok = found.malformed !== null && e.message.startsWith(found.malformed);
    return { found, ok, error: e.message };
  }
}
