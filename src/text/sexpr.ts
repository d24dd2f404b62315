/**
 * S-expressions: the tree that the lexer's tokens form (spec §6.2-6.3), read by the module
 * parser (`parse.ts`) and by the script parser (`src/script`). Comments, white space and
 * annotations `(@id ...)` are gone from the tree; everything else keeps its source position.
 *
 * @module
 */

import { ParseError } from "../errors.ts";
import { decodeSource, Lexer, List, type SExpr, TOK_ATOM, TOK_LPAR, TOK_RPAR } from "./lexer.ts";

export type { Pos, SAtom, SExpr, SList } from "./lexer.ts";

/**
 * Reads source text (or UTF-8 bytes, which must be valid) into its top-level S-expressions.
 * Throws {@linkcode ParseError} for lexical errors ("unclosed string literal", "empty
 * identifier", "unclosed annotation", "malformed UTF-8 encoding", ...) and for unbalanced
 * parentheses ("unexpected token").
 *
 * The nodes are instances of `Atom` and `List` (`lexer.ts`) whose `pos` is a getter computed
 * on access, to keep the trees of large sources small: copy a node with its fields named, not
 * with `{ ...node }` (which loses `pos`).
 */
export function readSExprs(source: string | Uint8Array): SExpr[] {
  const lexer = new Lexer(typeof source === "string" ? source : decodeSource(source));
  // The items of all open lists, one after the other; each list takes an exact-size copy of
  // its own when it closes.
  const pending: SExpr[] = [];
  const open: List[] = [];
  const starts: number[] = [];
  for (;;) {
    const tok = lexer.next();
    if (tok === TOK_ATOM) {
      pending.push(lexer.atom!);
    } else if (tok === TOK_LPAR) {
      const list = new List(lexer.tokenStart, lexer.lines);
      pending.push(list);
      open.push(list);
      starts.push(pending.length);
    } else if (tok === TOK_RPAR) {
      const list = open.pop();
      if (list === undefined) {
        throw new ParseError("unexpected token", lexer.tokenPos.line, lexer.tokenPos.column);
      }
      const start = starts.pop()!;
      list.items = pending.slice(start);
      pending.length = start;
      list.end = lexer.pos;
    } else {
      if (open.length > 0) {
        throw new ParseError("unexpected token", lexer.tokenPos.line, lexer.tokenPos.column);
      }
      return pending;
    }
  }
}
