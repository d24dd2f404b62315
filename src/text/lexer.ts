/**
 * The lexer of the text format (spec §6.2 "Lexical Format" and §6.3 "Values"): it splits source
 * text into parentheses and atoms ({@linkcode SAtom}), skipping white space, line comments
 * `;; ...`, nested block comments `(; ... ;)` and annotations `(@id ...)`.
 *
 * Tokens follow the longest-match rule: a token is a maximal run of identifier characters and
 * string literals, classified afterwards; a run that is no keyword, number, string or
 * identifier is a `reserved` atom (which the parsers reject with "unknown operator").
 * Strings are decoded into their UTF-8 bytes here; numbers stay text (see `numbers.ts`).
 * Lexical errors throw {@linkcode ParseError} with the reference interpreter's messages.
 *
 * It defines the classes of the tree's nodes ({@linkcode Atom}, {@linkcode List}, whose
 * positions are computed from offsets on demand) but does not assemble the tree (`sexpr.ts`
 * does), nor know any keyword's meaning.
 *
 * @module
 */

import { ParseError } from "../errors.ts";

/** Where a token starts in the source (1-based line and column, 0-based UTF-16 offset). */
export interface Pos {
  line: number;
  column: number;
  offset: number;
}

/**
 * A token that is not a parenthesis.
 * - `keyword`: starts with a lowercase letter (`module`, `i32.add`, `offset=8`, `nan:0x1`).
 * - `id`: a `$name` or `$"quoted name"`; `text` is the name without `$`, decoded.
 * - `number`: starts with a digit, or a sign then a digit, or is `inf`/`nan` with a sign.
 * - `string`: `text` is the raw source between the quotes; `bytes` its decoded value.
 * - `reserved`: any other run of identifier characters (always an error where it is read).
 */
export interface SAtom {
  kind: "keyword" | "id" | "number" | "string" | "reserved";
  text: string;
  /** The decoded bytes of a `string` token. */
  bytes?: Uint8Array;
  pos: Pos;
}

/** A parenthesized list. */
export interface SList {
  kind: "list";
  items: SExpr[];
  pos: Pos;
  /** Source offset just past the closing parenthesis (for `module quote` and error context). */
  end: number;
}

/** A node of the tree. */
export type SExpr = SAtom | SList;

/** Token kinds returned by {@linkcode Lexer.next}. */
export const TOK_LPAR = 0;
/** A closing parenthesis. */
export const TOK_RPAR = 1;
/** An atom, in {@linkcode Lexer.atom}. */
export const TOK_ATOM = 2;
/** The end of the source. */
export const TOK_EOF = 3;

const enum C {
  TAB = 0x09,
  LF = 0x0a,
  CR = 0x0d,
  SPACE = 0x20,
  QUOTE = 0x22,
  DOLLAR = 0x24,
  SQUOTE = 0x27,
  LPAR = 0x28,
  RPAR = 0x29,
  PLUS = 0x2b,
  MINUS = 0x2d,
  SEMI = 0x3b,
  AT = 0x40,
  BACKSLASH = 0x5c,
  LBRACE = 0x7b,
  RBRACE = 0x7d,
  DEL = 0x7f,
}

/** For each ASCII code: 1 if it is an identifier character (spec: idchar). */
const IDCHAR = new Uint8Array(128);
for (let c = 0x30; c <= 0x39; c++) IDCHAR[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) IDCHAR[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) IDCHAR[c] = 1;
for (const ch of "!#$%&'*+-./:<=>?@\\^_`|~") IDCHAR[ch.charCodeAt(0)] = 1;

/** Whether a UTF-16 code unit is an identifier character. */
function isIdChar(c: number): boolean {
  return c < 128 && IDCHAR[c] === 1;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/** The offset after `num` (or `hexnum`) at `p`, or -1 if no digit is there. */
function scanDigits(s: string, p: number, end: number, hex: boolean): number {
  let digits = 0;
  while (p < end) {
    const c = s.charCodeAt(p);
    if (hex ? hexValue(c) >= 0 : c >= 0x30 && c <= 0x39) {
      digits++;
      p++;
    } else if (c === 0x5f && digits > 0 && p + 1 < end) {
      const d = s.charCodeAt(p + 1);
      if (!(hex ? hexValue(d) >= 0 : d >= 0x30 && d <= 0x39)) break;
      p++;
    } else break;
  }
  return digits === 0 ? -1 : p;
}

/**
 * Whether `s[start..end)` is a number literal that does not start with a letter: a signed or
 * unsigned integer, or a float, in decimal or hexadecimal, or a signed `inf`/`nan`/`nan:0x..`.
 */
function isNumberText(s: string, start: number, end: number): boolean {
  let p = start;
  const c0 = s.charCodeAt(p);
  const signed = c0 === C.PLUS || c0 === C.MINUS;
  if (signed) p++;
  if (signed && s.startsWith("inf", p)) return p + 3 === end;
  if (signed && s.startsWith("nan", p)) {
    if (p + 3 === end) return true;
    return s.startsWith(":0x", p + 3) && scanDigits(s, p + 6, end, true) === end;
  }
  const hex = s.charCodeAt(p) === 0x30 && s.charCodeAt(p + 1) === 0x78;
  if (hex) p += 2;
  p = scanDigits(s, p, end, hex);
  if (p < 0) return false;
  if (p < end && s.charCodeAt(p) === 0x2e) {
    p++;
    if (p < end) {
      const q = scanDigits(s, p, end, hex);
      if (q >= 0) p = q;
    }
  }
  if (p < end && (s.charCodeAt(p) | 0x20) === (hex ? 0x70 : 0x65)) {
    p++;
    const c = s.charCodeAt(p);
    if (c === C.PLUS || c === C.MINUS) p++;
    p = scanDigits(s, p, end, false);
    if (p < 0) return false;
  }
  return p === end;
}

/**
 * Decodes UTF-8 source bytes into a string, throwing {@linkcode ParseError}
 * "malformed UTF-8 encoding" (with the position of the first bad byte) if they are not valid.
 */
export function decodeSource(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < bad; i++) {
      if (bytes[i] === C.LF) {
        line++;
        lineStart = i + 1;
      }
    }
    throw new ParseError("malformed UTF-8 encoding", line, bad - lineStart + 1);
  }
}

/** The offset of the first byte that is not part of a valid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(b: Uint8Array, start = 0, end = b.length): number {
  let i = start;
  while (i < end) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c === 0xe0) [n, lo] = [2, 0xa0];
    else if (c === 0xed) [n, hi] = [2, 0x9f];
    else if (c >= 0xe1 && c <= 0xef) n = 2;
    else if (c === 0xf0) [n, lo] = [3, 0x90];
    else if (c === 0xf4) [n, hi] = [3, 0x8f];
    else if (c >= 0xf1 && c <= 0xf3) n = 3;
    else return i;
    if (i + n >= end) return i;
    const b1 = b[i + 1];
    if (b1 < lo || b1 > hi) return i;
    for (let k = 2; k <= n; k++) {
      if ((b[i + k] & 0xc0) !== 0x80) return i;
    }
    i += n + 1;
  }
  return -1;
}

/** Decodes names, keeping a leading U+FEFF (it is a character of the name, not a mark). */
const nameDecoder = new TextDecoder("utf-8", { ignoreBOM: true });

/**
 * Decodes a name (spec §6.3.4): UTF-8 bytes that must be valid; returns null if they are not.
 */
export function decodeName(bytes: Uint8Array): string | null {
  if (firstInvalidUtf8(bytes) >= 0) return null;
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    let s = "";
    for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return s;
  }
  return nameDecoder.decode(bytes);
}

/** Where the lines of a source start, to turn offsets into line and column. */
export class SourceLines {
  /** The offset of the first character of each line (line 1 first). */
  readonly starts: number[] = [0];

  /** The 1-based line and column of an offset. */
  pos(offset: number): Pos {
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo] + 1, offset };
  }
}

/**
 * An atom of the tree. Its position is computed when asked for (`pos` is a getter), which keeps
 * the trees of large sources small.
 */
export class Atom implements SAtom {
  kind: SAtom["kind"];
  text: string;
  bytes: Uint8Array | undefined;
  /** The offset of the token in the source. */
  readonly offset: number;
  private readonly lines: SourceLines;

  constructor(
    kind: SAtom["kind"],
    text: string,
    bytes: Uint8Array | undefined,
    offset: number,
    lines: SourceLines,
  ) {
    this.kind = kind;
    this.text = text;
    this.bytes = bytes;
    this.offset = offset;
    this.lines = lines;
  }

  /** Where the token starts. */
  get pos(): Pos {
    return this.lines.pos(this.offset);
  }
}

/** A list of the tree, with its position computed when asked for (like {@linkcode Atom}). */
export class List implements SList {
  readonly kind = "list";
  items: SExpr[] = EMPTY;
  end = -1;
  /** The offset of the opening parenthesis. */
  readonly offset: number;
  private readonly lines: SourceLines;

  constructor(offset: number, lines: SourceLines) {
    this.offset = offset;
    this.lines = lines;
  }

  /** Where the opening parenthesis is. */
  get pos(): Pos {
    return this.lines.pos(this.offset);
  }
}

const EMPTY: SExpr[] = [];

/**
 * A scanner over source text. Call {@linkcode Lexer.next} until it returns
 * {@linkcode TOK_EOF}; after {@linkcode TOK_ATOM}, the atom is in {@linkcode Lexer.atom}, and
 * {@linkcode Lexer.tokenPos} is where the last token started.
 */
export class Lexer {
  /** The source text. */
  readonly src: string;
  /** The current offset in `src`. */
  pos = 0;
  /** The current 1-based line. */
  line = 1;
  /** The offset where the current line starts. */
  lineStart = 0;
  /** Where each line starts, for positions of tokens. */
  readonly lines: SourceLines = new SourceLines();
  /** The atom read by the last call of `next` that returned {@linkcode TOK_ATOM}. */
  atom: SAtom | null = null;
  /** The offset where the last token started. */
  tokenStart = 0;

  /** Scratch buffer for string bytes. */
  private buf = new Uint8Array(256);
  private len = 0;
  /** One copy of each keyword and identifier text, to keep large trees small. */
  private texts = new Map<string, string>();

  constructor(src: string) {
    this.src = src;
  }

  /** Where the last token started. */
  get tokenPos(): Pos {
    return this.lines.pos(this.tokenStart);
  }

  /** A {@linkcode ParseError} at offset `at` of the source. */
  error(message: string, at: number = this.pos): ParseError {
    const p = this.lines.pos(at);
    return new ParseError(message, p.line, p.column);
  }

  /** Records that a line starts at `p`. */
  private newline(p: number): void {
    this.line++;
    this.lineStart = p;
    this.lines.starts.push(p);
  }

  /** The one copy of a text. */
  private intern(text: string): string {
    const known = this.texts.get(text);
    if (known !== undefined) return known;
    if (this.texts.size < 100_000) this.texts.set(text, text);
    return text;
  }

  /** Reads the next token and returns its kind. */
  next(): number {
    const src = this.src;
    const n = src.length;
    for (;;) {
      let p = this.pos;
      // White space.
      while (p < n) {
        const c = src.charCodeAt(p);
        if (c === C.SPACE || c === C.TAB || c === C.CR) p++;
        else if (c === C.LF) {
          p++;
          this.newline(p);
        } else break;
      }
      this.pos = p;
      if (p >= n) {
        this.tokenStart = p;
        return TOK_EOF;
      }
      const c = src.charCodeAt(p);
      if (c === C.LPAR) {
        const d = src.charCodeAt(p + 1);
        if (d === C.SEMI) {
          this.blockComment();
          continue;
        }
        if (d === C.AT) {
          this.annotation();
          continue;
        }
        this.tokenStart = p;
        this.pos = p + 1;
        return TOK_LPAR;
      }
      if (c === C.RPAR) {
        this.tokenStart = p;
        this.pos = p + 1;
        return TOK_RPAR;
      }
      if (c === C.SEMI && src.charCodeAt(p + 1) === C.SEMI) {
        this.lineComment();
        continue;
      }
      this.tokenStart = p;
      this.atom = this.readAtom();
      return TOK_ATOM;
    }
  }

  /** Skips `;; ...` up to the end of the line (not included). */
  private lineComment(): void {
    const src = this.src;
    let p = this.pos + 2;
    while (p < src.length) {
      const c = src.charCodeAt(p);
      if (c === C.LF || c === C.CR) break;
      if (c >= 0xd800 && c <= 0xdfff) p = this.checkSurrogate(p);
      else p++;
    }
    this.pos = p;
  }

  /** Checks a surrogate pair at `p`; returns the offset after it. */
  private checkSurrogate(p: number): number {
    const c = this.src.charCodeAt(p);
    const d = this.src.charCodeAt(p + 1);
    if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) return p + 2;
    throw this.error("malformed UTF-8 encoding", p);
  }

  /** Skips a (nested) block comment starting at `(;`. */
  private blockComment(): void {
    const src = this.src;
    const start = this.pos;
    let p = start + 2;
    let depth = 1;
    while (p < src.length) {
      const c = src.charCodeAt(p);
      if (c === C.LPAR && src.charCodeAt(p + 1) === C.SEMI) {
        depth++;
        p += 2;
      } else if (c === C.SEMI && src.charCodeAt(p + 1) === C.RPAR) {
        p += 2;
        if (--depth === 0) {
          this.pos = p;
          return;
        }
      } else if (c === C.LF) {
        p++;
        this.newline(p);
      } else if (c >= 0xd800 && c <= 0xdfff) {
        p = this.checkSurrogate(p);
      } else p++;
    }
    throw this.error("unclosed comment", start);
  }

  /**
   * Skips an annotation `(@id ...)`, checking that its id is not empty and that its tokens
   * are well formed and balanced.
   */
  private annotation(): void {
    const src = this.src;
    const n = src.length;
    const start = this.pos;
    let p = start + 2;
    // The annotation id: identifier characters or a non-empty string naming valid UTF-8.
    if (isIdChar(src.charCodeAt(p))) {
      while (p < n && isIdChar(src.charCodeAt(p))) p++;
    } else if (src.charCodeAt(p) === C.QUOTE) {
      const q = this.scanString(p, false);
      if (q < 0 || this.len === 0) throw this.error("empty annotation id", start);
      if (decodeName(this.buf.subarray(0, this.len)) === null) {
        throw this.error("malformed UTF-8 encoding", p);
      }
      p = q;
    } else {
      throw this.error("empty annotation id", start);
    }
    let depth = 1;
    while (p < n) {
      const c = src.charCodeAt(p);
      if (c === C.SPACE || c === C.TAB || c === C.CR) {
        p++;
      } else if (c === C.LF) {
        p++;
        this.newline(p);
      } else if (c === C.LPAR) {
        if (src.charCodeAt(p + 1) === C.SEMI) {
          this.pos = p;
          this.blockComment();
          p = this.pos;
        } else {
          depth++;
          p++;
        }
      } else if (c === C.RPAR) {
        p++;
        if (--depth === 0) {
          this.pos = p;
          return;
        }
      } else if (c === C.SEMI && src.charCodeAt(p + 1) === C.SEMI) {
        this.pos = p;
        this.lineComment();
        p = this.pos;
      } else if (c === C.QUOTE) {
        p = this.scanString(p, true);
      } else if (c === C.DOLLAR) {
        const d = src.charCodeAt(p + 1);
        if (isIdChar(d)) {
          p++;
        } else if (d === C.QUOTE) {
          const q = this.scanString(p + 1, false);
          if (q < 0 || this.len === 0) throw this.error("empty identifier", p);
          p = q;
        } else {
          throw this.error("empty identifier", p);
        }
      } else if (
        isIdChar(c) || c === 0x2c || c === C.SEMI || c === 0x5b || c === 0x5d ||
        c === C.LBRACE || c === C.RBRACE
      ) {
        p++;
      } else {
        if (c >= 0xd800 && c <= 0xdfff) this.checkSurrogate(p);
        throw this.error("illegal character", p);
      }
    }
    this.pos = p;
    throw this.error("unclosed annotation", start);
  }

  private push(b: number): void {
    if (this.len === this.buf.length) {
      const bigger = new Uint8Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.len++] = b;
  }

  private pushCodePoint(cp: number): void {
    if (cp < 0x80) this.push(cp);
    else if (cp < 0x800) {
      this.push(0xc0 | (cp >> 6));
      this.push(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      this.push(0xe0 | (cp >> 12));
      this.push(0x80 | ((cp >> 6) & 0x3f));
      this.push(0x80 | (cp & 0x3f));
    } else {
      this.push(0xf0 | (cp >> 18));
      this.push(0x80 | ((cp >> 12) & 0x3f));
      this.push(0x80 | ((cp >> 6) & 0x3f));
      this.push(0x80 | (cp & 0x3f));
    }
  }

  /**
   * Scans a string literal whose opening quote is at `p`, decoding its bytes into the scratch
   * buffer (`buf[0..len)`). Returns the offset after the closing quote. When the literal is
   * malformed, throws if `strict`, else returns -1.
   */
  private scanString(p: number, strict: boolean): number {
    const src = this.src;
    const n = src.length;
    this.len = 0;
    p++;
    for (;;) {
      if (p >= n) {
        if (strict) throw this.error("unclosed string literal", p);
        return -1;
      }
      const c = src.charCodeAt(p);
      if (c === C.QUOTE) return p + 1;
      if (c < 0x80) {
        if (c === C.LF || c === C.CR) {
          if (strict) throw this.error("unclosed string literal", p);
          return -1;
        }
        if (c < 0x20 || c === C.DEL) {
          if (strict) throw this.error("illegal control character in string literal", p);
          return -1;
        }
        if (c !== C.BACKSLASH) {
          this.push(c);
          p++;
          continue;
        }
        const q = this.escape(p);
        if (q < 0) {
          if (strict) throw this.error("illegal escape", p);
          return -1;
        }
        p = q;
        continue;
      }
      if (c >= 0xd800 && c <= 0xdfff) {
        const d = src.charCodeAt(p + 1);
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          this.pushCodePoint(0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00));
          p += 2;
          continue;
        }
        throw this.error("malformed UTF-8 encoding", p);
      }
      this.pushCodePoint(c);
      p++;
    }
  }

  /** Decodes an escape sequence at `p` (a backslash); returns the offset after it or -1. */
  private escape(p: number): number {
    const src = this.src;
    const e = src.charCodeAt(p + 1);
    switch (e) {
      case 0x6e: // n
        this.push(0x0a);
        return p + 2;
      case 0x72: // r
        this.push(0x0d);
        return p + 2;
      case 0x74: // t
        this.push(0x09);
        return p + 2;
      case C.BACKSLASH:
      case C.SQUOTE:
      case C.QUOTE:
        this.push(e);
        return p + 2;
      case 0x75: { // u{hexnum}
        if (src.charCodeAt(p + 2) !== C.LBRACE) return -1;
        let q = p + 3;
        let cp = 0;
        let digits = 0;
        let prevUnderscore = false;
        for (;; q++) {
          const d = src.charCodeAt(q);
          if (d === C.RBRACE) break;
          if (d === 0x5f) {
            if (digits === 0 || prevUnderscore) return -1;
            prevUnderscore = true;
            continue;
          }
          const h = hexValue(d);
          if (h < 0) return -1;
          cp = cp * 16 + h;
          if (cp > 0x10ffff) cp = 0x110000;
          digits++;
          prevUnderscore = false;
        }
        if (digits === 0 || prevUnderscore) return -1;
        if (cp >= 0x110000 || (cp >= 0xd800 && cp < 0xe000)) return -1;
        this.pushCodePoint(cp);
        return q + 1;
      }
      default: {
        const h1 = hexValue(e);
        const h2 = hexValue(src.charCodeAt(p + 2));
        if (h1 < 0 || h2 < 0) return -1;
        this.push(h1 * 16 + h2);
        return p + 3;
      }
    }
  }

  /** Reads an atom at `this.pos` (not a parenthesis, white space or comment). */
  private readAtom(): SAtom {
    const src = this.src;
    const n = src.length;
    const start = this.pos;
    const lines = this.lines;
    const c0 = src.charCodeAt(start);
    // Single-character reserved tokens.
    if (
      c0 === 0x2c || c0 === C.SEMI || c0 === 0x5b || c0 === 0x5d || c0 === C.LBRACE ||
      c0 === C.RBRACE
    ) {
      this.pos = start + 1;
      return new Atom("reserved", src[start], undefined, start, lines);
    }
    if (!isIdChar(c0) && c0 !== C.QUOTE) {
      if (c0 < 0x20 || c0 === C.DEL) throw this.error("misplaced control character", start);
      if (c0 >= 0xd800 && c0 <= 0xdfff) this.checkSurrogate(start);
      throw this.error("misplaced unicode character", start);
    }
    // The maximal run of identifier characters and strings.
    let p = start;
    let strings = 0;
    let firstString = -1;
    let firstStringEnd = -1;
    let bytes: Uint8Array | undefined;
    while (p < n) {
      const c = src.charCodeAt(p);
      if (isIdChar(c)) {
        p++;
      } else if (c === C.QUOTE) {
        // A string at the start of a token must be well formed; later, it ends the run.
        const q = this.scanString(p, p === start);
        if (q < 0) break;
        if (strings++ === 0) {
          firstString = p;
          firstStringEnd = q;
          bytes = this.buf.slice(0, this.len);
        }
        p = q;
      } else break;
    }
    this.pos = p;
    const text = src.slice(start, p);
    if (c0 === C.QUOTE && strings === 1 && firstStringEnd === p) {
      return new Atom("string", src.slice(start + 1, p - 1), bytes, start, lines);
    }
    if (c0 === C.DOLLAR) {
      if (p === start + 1) throw this.error("empty identifier", start);
      if (strings === 0) return new Atom("id", this.intern(text.slice(1)), undefined, start, lines);
      if (strings === 1 && firstString === start + 1 && firstStringEnd === p) {
        if (bytes!.length === 0) throw this.error("empty identifier", start);
        const name = decodeName(bytes!);
        if (name === null) throw this.error("malformed UTF-8 encoding", start);
        return new Atom("id", name, undefined, start, lines);
      }
      return new Atom("reserved", text, undefined, start, lines);
    }
    if (strings > 0) return new Atom("reserved", text, undefined, start, lines);
    if (c0 >= 0x61 && c0 <= 0x7a) {
      return new Atom("keyword", this.intern(text), undefined, start, lines);
    }
    if (isNumberText(src, start, p)) return new Atom("number", text, undefined, start, lines);
    return new Atom("reserved", text, undefined, start, lines);
  }
}
