/**
 * A small scanner that finds the binary modules of `.wast` scripts, for the binary-format
 * tests: each `(module $id? definition? binary "..."*)` with its decoded bytes, and, when it is
 * the module of an `assert_malformed`, the expected message. It reads only what it needs of the
 * script syntax (lists, strings, comments); it is no script parser.
 *
 * @module
 */

/** A binary module found in a script. */
export interface WastBinary {
  /** 1-based line of its `(module`. */
  line: number;
  bytes: Uint8Array;
  /** The expected message when it sits in `assert_malformed`, else null. */
  malformed: string | null;
}

type Node = { list: Node[]; line: number } | { atom: string; str: Uint8Array | null };

const utf8 = new TextEncoder();

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/** Decodes a string literal's body (between the quotes). */
function unescape(src: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < src.length; i++) {
    const c = src.charCodeAt(i);
    if (c !== 0x5c) {
      const cp = src.codePointAt(i)!;
      if (cp > 0xffff) i++;
      out.push(...utf8.encode(String.fromCodePoint(cp)));
      continue;
    }
    const d = src[++i];
    if (d === "n") out.push(10);
    else if (d === "t") out.push(9);
    else if (d === "r") out.push(13);
    else if (d === "\\" || d === "'" || d === '"') out.push(d.charCodeAt(0));
    else if (d === "u") {
      const close = src.indexOf("}", i);
      const cp = parseInt(src.slice(i + 2, close).replaceAll("_", ""), 16);
      out.push(...utf8.encode(String.fromCodePoint(cp)));
      i = close;
    } else {
      out.push(hexDigit(src.charCodeAt(i)) * 16 + hexDigit(src.charCodeAt(i + 1)));
      i++;
    }
  }
  return Uint8Array.from(out);
}

function parse(src: string): Node[] {
  const stack: Node[][] = [[]];
  let line = 1;
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i];
    if (c === "\n") {
      line++;
      i++;
    } else if (c === " " || c === "\t" || c === "\r") i++;
    else if (c === ";" && src[i + 1] === ";") {
      while (i < n && src[i] !== "\n") i++;
    } else if (c === "(" && src[i + 1] === ";") {
      let depth = 0;
      while (i < n) {
        if (src[i] === "(" && src[i + 1] === ";") {
          depth++;
          i += 2;
        } else if (src[i] === ";" && src[i + 1] === ")") {
          depth--;
          i += 2;
          if (depth === 0) break;
        } else {
          if (src[i] === "\n") line++;
          i++;
        }
      }
    } else if (c === "(") {
      const list: Node[] = [];
      stack[stack.length - 1].push({ list, line });
      stack.push(list);
      i++;
    } else if (c === ")") {
      stack.pop();
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (src[j] !== '"') j += src[j] === "\\" ? 2 : 1;
      stack[stack.length - 1].push({
        atom: src.slice(i, j + 1),
        str: unescape(src.slice(i + 1, j)),
      });
      i = j + 1;
    } else {
      let j = i;
      while (j < n && !' \t\r\n()";'.includes(src[j])) j++;
      if (j === i) j++;
      stack[stack.length - 1].push({ atom: src.slice(i, j), str: null });
      i = j;
    }
  }
  return stack[0];
}

/** The text of a keyword or `$id` atom, or null for lists and strings. */
function keyword(node: Node | undefined): string | null {
  return node !== undefined && "atom" in node && node.str === null ? node.atom : null;
}

function binaryOf(node: Node): Uint8Array | null {
  if (!("list" in node)) return null;
  const items = node.list;
  if (keyword(items[0]) !== "module") return null;
  let k = 1;
  for (; k < items.length; k++) {
    const a = keyword(items[k]);
    if (a === null || a === "binary") break;
    if (!a.startsWith("$") && a !== "definition") return null;
  }
  if (keyword(items[k]) !== "binary") return null;
  const parts: Uint8Array[] = [];
  for (const item of items.slice(k + 1)) if ("str" in item && item.str) parts.push(item.str);
  const total = parts.reduce((s, p) => s + p.length, 0);
  const bytes = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    bytes.set(p, off);
    off += p.length;
  }
  return bytes;
}

/** Every binary module of a script, in order. */
export function wastBinaries(source: string): WastBinary[] {
  const out: WastBinary[] = [];
  const visit = (nodes: Node[], parentHead: string | null, parent: Node[] | null) => {
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i];
      if (!("list" in node)) continue;
      const bytes = binaryOf(node);
      if (bytes !== null) {
        let malformed: string | null = null;
        if (parentHead === "assert_malformed" && parent !== null) {
          const msg = parent[i + 1];
          if (msg && "str" in msg && msg.str) malformed = new TextDecoder().decode(msg.str);
        }
        out.push({ line: node.line, bytes, malformed });
        continue;
      }
      visit(node.list, keyword(node.list[0]), node.list);
    }
  };
  visit(parse(source), null, null);
  return out;
}
