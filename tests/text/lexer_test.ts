import assert from "node:assert/strict";
import { ParseError } from "../../src/errors.ts";
import { decodeName, decodeSource, firstInvalidUtf8 } from "../../src/text/lexer.ts";
import { readSExprs, type SAtom, type SExpr, type SList } from "../../src/text/sexpr.ts";

function atoms(src: string): [string, string][] {
  const out: [string, string][] = [];
  const walk = (e: SExpr) => {
    if (e.kind === "list") e.items.forEach(walk);
    else out.push([e.kind, e.text]);
  };
  readSExprs(src).forEach(walk);
  return out;
}

function fails(src: string | Uint8Array, message: string) {
  assert.throws(() => readSExprs(src), (e: unknown) => {
    assert.ok(e instanceof ParseError, `not a ParseError: ${e}`);
    assert.ok(e.message.startsWith(message), `got "${e.message}", want "${message}"`);
    return true;
  });
}

Deno.test("lexer: token kinds", () => {
  assert.deepEqual(atoms("module i32.add offset=8 nan:0x1 inf"), [
    ["keyword", "module"],
    ["keyword", "i32.add"],
    ["keyword", "offset=8"],
    ["keyword", "nan:0x1"],
    ["keyword", "inf"],
  ]);
  assert.deepEqual(atoms("0 -1 +0x1_0 1.5e3 -inf +nan:0x3 -nan"), [
    ["number", "0"],
    ["number", "-1"],
    ["number", "+0x1_0"],
    ["number", "1.5e3"],
    ["number", "-inf"],
    ["number", "+nan:0x3"],
    ["number", "-nan"],
  ]);
  assert.deepEqual(atoms('$x $l$l $"a b" $"\\41"'), [
    ["id", "x"],
    ["id", "l$l"],
    ["id", "a b"],
    ["id", "A"],
  ]);
  assert.deepEqual(atoms("1.5e 0x 1__0 1_ 0x1.p 0X1"), [
    ["reserved", "1.5e"],
    ["reserved", "0x"],
    ["reserved", "1__0"],
    ["reserved", "1_"],
    ["reserved", "0x1.p"],
    ["reserved", "0X1"],
  ]);
  assert.deepEqual(atoms("0x1.fp-3 1e+5 0x_1 1.e2 0x1p2"), [
    ["number", "0x1.fp-3"],
    ["number", "1e+5"],
    ["reserved", "0x_1"],
    ["number", "1.e2"],
    ["number", "0x1p2"],
  ]);
  assert.deepEqual(atoms('0$x "a""b" $"l"0 - + , Abc'), [
    ["reserved", "0$x"],
    ["reserved", '"a""b"'],
    ["reserved", '$"l"0'],
    ["reserved", "-"],
    ["reserved", "+"],
    ["reserved", ","],
    ["reserved", "Abc"],
  ]);
});

Deno.test("lexer: strings", () => {
  const [s] = readSExprs('"a\\t\\n\\r\\"\\\'\\\\\\00\\ff\\u{41}\\u{1_F600}é"') as SAtom[];
  assert.equal(s.kind, "string");
  assert.deepEqual(
    [...s.bytes!],
    [0x61, 9, 10, 13, 0x22, 0x27, 0x5c, 0, 0xff, 0x41, 0xf0, 0x9f, 0x98, 0x80, 0xc3, 0xa9],
  );
  fails('"abc', "unclosed string");
  fails('"a\nb"', "unclosed string");
  fails('"a\x01"', "illegal control character");
  fails('"\\q"', "illegal escape");
  fails('"\\u{d800}"', "illegal escape");
});

Deno.test("lexer: comments and annotations", () => {
  assert.deepEqual(atoms('a ;; x\n (; (; nested ;) ;) b (@x (y "s" $z) (; c ;) ;; d\n) c'), [
    ["keyword", "a"],
    ["keyword", "b"],
    ["keyword", "c"],
  ]);
  fails("(; (; ;)", "unclosed comment");
  fails("(@)", "empty annotation id");
  fails("(@ x)", "empty annotation id");
  fails('(@"")', "empty annotation id");
  fails('(@"\\ef")', "malformed UTF-8");
  fails("(@x (y)", "unclosed annotation");
  fails('(@x "', "unclosed string");
  fails("(@a \x01)", "illegal character");
  fails("(@a Heiße)", "illegal character");
  fails("(@x $)", "empty identifier");
  fails("(@x))", "unexpected token");
});

Deno.test("lexer: identifiers and bad characters", () => {
  fails("(func $)", "empty identifier");
  fails('(func $"")', "empty identifier");
  fails('(func $"a\nb")', "empty identifier");
  fails('(func $"\\ef")', "malformed UTF-8");
  fails("(func $(@a))", "empty identifier");
  fails("a \x01", "misplaced control character");
  fails("a é", "misplaced unicode character");
  fails("a \ud800", "malformed UTF-8 encoding");
  fails(new Uint8Array([0x28, 0x80, 0x29]), "malformed UTF-8 encoding");
});

Deno.test("sexpr: tree shape and positions", () => {
  const [m] = readSExprs("(module\n  (func $f (nop)))") as SList[];
  assert.equal(m.kind, "list");
  assert.equal(m.items.length, 2);
  const f = m.items[1] as SList;
  assert.deepEqual(f.pos, { line: 2, column: 3, offset: 10 });
  assert.equal((f.items[1] as SAtom).text, "f");
  assert.equal(m.end, 26);
  fails("(module", "unexpected token");
  fails("())", "unexpected token");
});

Deno.test("utf8 helpers", () => {
  assert.equal(firstInvalidUtf8(new Uint8Array([0x61, 0xc3, 0xa9])), -1);
  assert.equal(firstInvalidUtf8(new Uint8Array([0x61, 0xc0, 0x80])), 1);
  assert.equal(firstInvalidUtf8(new Uint8Array([0xed, 0xa0, 0x80])), 0);
  assert.equal(firstInvalidUtf8(new Uint8Array([0xf4, 0x90, 0x80, 0x80])), 0);
  assert.equal(firstInvalidUtf8(new Uint8Array([0xe0, 0xa0])), 0);
  assert.equal(decodeName(new Uint8Array([0xc3, 0xa9])), "é");
  assert.equal(decodeName(new Uint8Array([0xff])), null);
  assert.equal(decodeSource(new Uint8Array([0x61])), "a");
});
