import assert from "node:assert/strict";
import { readInstrs } from "../../src/binary/code.ts";
import { ParseError } from "../../src/errors.ts";
import type { Expr } from "../../src/syntax/module.ts";
import { OPS } from "../../src/syntax/opcodes.ts";
import {
  BLOCK_EMPTY,
  ExternKind,
  F32,
  FUNCREF,
  HEAP_ANY,
  HEAP_EXN,
  HEAP_FUNC,
  HEAP_STRUCT,
  I16,
  I32,
  I64,
  I8,
  refType,
} from "../../src/syntax/types.ts";
import { parseModule, parseModuleText } from "../../src/text/parse.ts";
import { readSExprs, type SList } from "../../src/text/sexpr.ts";

const KEYS = [
  "index",
  "index2",
  "blockType",
  "align",
  "offset",
  "lane",
  "value",
  "value64",
  "bytes",
  "labels",
  "types",
  "heap",
  "nullable",
  "heap2",
  "nullable2",
  "catches",
];

/** The instructions of an expression as `name {immediates}` strings, final `end` excluded. */
function code(expr: Expr): string[] {
  const out = readInstrs(expr).map((i) => {
    const { op, ...imms } = i;
    const fields = KEYS.map((k) => [k, (imms as Record<string, unknown>)[k]])
      .filter(([, v]) => v !== undefined);
    const text = fields.map(([k, v]) =>
      `${k}=${
        v instanceof Uint8Array ? [...v].join(",") : typeof v === "object" ? JSON.stringify(v) : v
      }`
    ).join(" ");
    return text === "" ? OPS[op].name : `${OPS[op].name} ${text}`;
  });
  assert.equal(out.pop(), "end");
  return out;
}

/** The instructions of function `i` of a module given as text fields. */
function body(text: string, i = 0): string[] {
  return code(parseModuleText(text).funcs[i].body);
}

function fails(text: string, message: string) {
  assert.throws(() => parseModuleText(text), (e: unknown) => {
    assert.ok(e instanceof ParseError, `not a ParseError: ${e}`);
    assert.ok(e.message.startsWith(message), `got "${e.message}", want "${message}"`);
    return true;
  });
}

Deno.test("parse: module forms and names", () => {
  const [list] = readSExprs("(module $m (func $f))") as SList[];
  const m = parseModule(list);
  assert.equal(m.names.module, "m");
  assert.equal(m.names.funcs.get(0), "f");
  assert.equal(parseModuleText("(module)").funcs.length, 0);
  assert.equal(parseModuleText("(func) (func)").funcs.length, 2);
  assert.equal(
    parseModule(readSExprs("(module definition $d (func))")[0] as SList).funcs.length,
    1,
  );
  fails("(module) (func)", "unexpected token");
  fails("func", "unexpected token");
  fails("(module (fnc))", "unknown operator");
});

Deno.test("parse: types, rec groups, subtypes, field names", () => {
  const m = parseModuleText(`
    (type $f (func (param $x i32) (param f32 i64) (result i32)))
    (rec (type $s (sub (struct (field $a i8) (field i16 (mut i32)) (field $b (mut anyref)))))
         (type $t (sub final $s (struct (field $a i8)))))
    (type $a (array (mut (ref null $s))))
  `);
  assert.deepEqual(m.recGroups, [1, 2, 1]);
  assert.deepEqual(m.types[0], {
    final: true,
    supers: [],
    comp: { kind: "func", params: [I32, F32, I64], results: [I32] },
  });
  assert.deepEqual(m.types[1].comp, {
    kind: "struct",
    fields: [
      { type: I8, mutable: false },
      { type: I16, mutable: false },
      { type: I32, mutable: true },
      { type: refType(true, HEAP_ANY), mutable: true },
    ],
  });
  assert.equal(m.types[1].final, false);
  assert.deepEqual(m.types[2].supers, [1]);
  assert.equal(m.types[2].final, true);
  assert.deepEqual(m.types[3].comp, {
    kind: "array",
    field: { type: refType(true, 1), mutable: true },
  });
  assert.deepEqual([...m.names.types], [[0, "f"], [1, "s"], [2, "t"], [3, "a"]]);
  assert.deepEqual([...m.names.fields.get(1)!], [[0, "a"], [3, "b"]]);
  fails("(type $t (func)) (type $t (func))", "duplicate type");
  fails("(type (struct (field $a i32) (field $a i32)))", "duplicate field");
  fails("(type (func (param i32) (result i32) (param i32)))", "unexpected token");
  fails("(type (func (param anyfunc)))", "unknown operator anyfunc");
  fails("(type (func (param $u)))", "unexpected token");
});

Deno.test("parse: type uses and implicit function types", () => {
  const m = parseModuleText(`
    (type $v (func))
    (func $a (param i32) (result i32) (local.get 0))
    (func $b (type $v))
    (func $c (param i64))
    (func $d (param i32) (result i32) (local.get 0))
    (func (call_indirect (param f32)) (block (param i32) (result i32)))
    (type $late (func (param i64)))
  `);
  // Explicit types first; implicit ones appended in order; equal signatures shared.
  assert.equal(m.types.length, 4);
  assert.deepEqual(m.funcs.map((f) => f.type), [2, 0, 1, 2, 0]);
  assert.deepEqual((m.types[3].comp as { params: number[] }).params, [F32]);
  assert.deepEqual(
    body(`(type $t (func (param i32) (result i32)))
    (func (block (type $t) (param i32) (result i32)) (block (result i32)) (block))`),
    [
      "block blockType=0",
      "end",
      "block blockType=-1",
      "end",
      `block blockType=${BLOCK_EMPTY}`,
      "end",
    ],
  );
  fails(
    "(type $t (func (param i32))) (func (type $t) (param i64))",
    "inline function type",
  );
  fails("(func (type $nope))", "unknown type");
  // Parameters named in a function's own type use become locals.
  const n = parseModuleText(
    "(type $t (func (param i32 i32))) (func (type $t) (local $l i32) (local.get $l))",
  );
  assert.deepEqual(code(n.funcs[0].body), ["local.get index=2"]);
});

Deno.test("parse: locals, parameters, names and runs", () => {
  const m = parseModuleText(`(func $f (param $p i32) (param f32) (local $x i32) (local i32 i64)
    (local $y i64) (local f32) (local.get $p) (local.get $y) drop drop)`);
  const f = m.funcs[0];
  assert.deepEqual(f.locals, [{ count: 2, type: I32 }, { count: 2, type: I64 }, {
    count: 1,
    type: F32,
  }]);
  assert.deepEqual([...m.names.locals.get(0)!], [[0, "p"], [2, "x"], [5, "y"]]);
  assert.deepEqual(code(f.body), ["local.get index=0", "local.get index=5", "drop", "drop"]);
  fails("(func (param $x i32) (local $x i32))", "duplicate local");
  fails("(func (local.get $z))", "unknown local");
});

Deno.test("parse: imports, exports, ordering", () => {
  const m = parseModuleText(`
    (import "m" "f" (func $imp (param i32)))
    (func $g (export "g2") (import "m" "g") (result i32))
    (table $t (import "m" "t") 1 2 funcref)
    (memory (import "m" "mem") i64 1)
    (global $gl (import "m" "gl") (mut i32))
    (tag $e (import "m" "e") (param i32))
    (func $h (export "h") (export "h2") (call $imp (i32.const 1)) (call $h))
    (export "gl" (global $gl))
  `);
  assert.deepEqual(m.imports.map((i) => [i.module, i.name, i.desc.kind]), [
    ["m", "f", ExternKind.Func],
    ["m", "g", ExternKind.Func],
    ["m", "t", ExternKind.Table],
    ["m", "mem", ExternKind.Memory],
    ["m", "gl", ExternKind.Global],
    ["m", "e", ExternKind.Tag],
  ]);
  assert.deepEqual(m.imports[3].desc, {
    kind: ExternKind.Memory,
    memory: { is64: true, limits: { min: 1n, max: null }, shared: false },
  });
  assert.deepEqual(m.exports, [
    { name: "g2", kind: ExternKind.Func, index: 1 },
    { name: "h", kind: ExternKind.Func, index: 2 },
    { name: "h2", kind: ExternKind.Func, index: 2 },
    { name: "gl", kind: ExternKind.Global, index: 0 },
  ]);
  assert.deepEqual(code(m.funcs[0].body), ["i32.const value=1", "call index=0", "call index=2"]);
  assert.equal(m.names.funcs.get(2), "h");
  fails('(func) (import "" "" (func))', "import after function");
  fails('(global i32 (i32.const 0)) (import "" "" (memory 1))', "import after global");
  fails('(func (export "\\ff"))', "malformed UTF-8 encoding");
  fails("(func $f) (func $f)", "duplicate func");
  fails("(start $nope)", "unknown function");
  fails("(func) (start 0) (start 0)", "multiple start sections");
});

Deno.test("parse: tables and element segments", () => {
  const m = parseModuleText(`
    (func $f) (func $g)
    (table $t 2 10 funcref)
    (table i64 funcref (elem $f $g $f))
    (table 1 (ref func) (ref.func $f))
    (elem (i32.const 0) $f $g)
    (elem (table $t) (offset (i32.const 1)) func $g)
    (elem $p funcref (ref.func $f) (item ref.null func))
    (elem declare func $f)
    (elem (i32.const 0) externref (item (ref.null extern)))
  `);
  assert.deepEqual(m.tables[0], {
    type: { is64: false, limits: { min: 2n, max: 10n }, elem: FUNCREF },
    init: null,
  });
  assert.deepEqual(m.tables[1].type, {
    is64: true,
    limits: { min: 3n, max: 3n },
    elem: FUNCREF,
  });
  assert.deepEqual(code(m.tables[2].init!), ["ref.func index=0"]);
  const [inline, mvp, act, passive, decl, ext] = m.elems;
  assert.deepEqual([inline.mode, inline.table, inline.type], ["active", 1, FUNCREF]);
  assert.deepEqual(code(inline.offset!), ["i64.const value64=0"]);
  assert.deepEqual(inline.init.map(code), [["ref.func index=0"], ["ref.func index=1"], [
    "ref.func index=0",
  ]]);
  assert.deepEqual([mvp.mode, mvp.table, mvp.type], ["active", 0, refType(false, HEAP_FUNC)]);
  assert.deepEqual([act.table, act.type], [0, refType(false, HEAP_FUNC)]);
  assert.deepEqual(code(act.offset!), ["i32.const value=1"]);
  assert.deepEqual([passive.mode, passive.type], ["passive", FUNCREF]);
  assert.deepEqual(passive.init.map(code), [["ref.func index=0"], [
    `ref.null heap=${HEAP_FUNC}`,
  ]]);
  assert.equal(m.names.elems.get(3), "p");
  assert.equal(decl.mode, "declarative");
  assert.equal(ext.mode, "active");
  fails("(elem)", "unexpected token");
  fails("(table 1 funcref) (elem (i32.const 0) $nope)", "unknown function");
});

Deno.test("parse: memories and data segments", () => {
  const m = parseModuleText(`
    (memory $m 1 2)
    (memory i64 (data "ab" "c"))
    (memory (data))
    (data (i32.const 8) "x")
    (data $d (memory $m) (offset (i32.const 1)) "\\01\\02")
    (data "passive")
  `);
  assert.deepEqual(m.memories.map((x) => x.type), [
    { is64: false, limits: { min: 1n, max: 2n }, shared: false },
    { is64: true, limits: { min: 1n, max: 1n }, shared: false },
    { is64: false, limits: { min: 0n, max: 0n }, shared: false },
  ]);
  assert.deepEqual(m.datas.map((d) => [d.mode, d.memory, [...d.bytes]]), [
    ["active", 1, [0x61, 0x62, 0x63]],
    ["active", 2, []],
    ["active", 0, [0x78]],
    ["active", 0, [1, 2]],
    ["passive", 0, [0x70, 0x61, 0x73, 0x73, 0x69, 0x76, 0x65]],
  ]);
  assert.deepEqual(code(m.datas[0].offset!), ["i64.const value64=0"]);
  assert.equal(m.names.datas.get(3), "d");
  fails("(memory 1) (memory 1) (memory $a 1) (memory $a 1)", "duplicate memory");
  fails("(memory 0x1_0000_0000_0000_0000)", "i64 constant out of range");
});

Deno.test("parse: globals and tags", () => {
  const m = parseModuleText(`
    (global $a (mut i64) (i64.const -1))
    (global (export "b") f32 (f32.const 1.5))
    (global (ref null func) (ref.null func))
    (tag $e (param i32 f32))
    (tag (type 0))
  `);
  assert.deepEqual(m.globals[0].type, { type: I64, mutable: true });
  assert.deepEqual(code(m.globals[0].init), ["i64.const value64=-1"]);
  assert.deepEqual(code(m.globals[1].init), ["f32.const value=1069547520"]);
  assert.deepEqual(m.tags.map((t) => t.type), [0, 0]);
  assert.equal(m.names.tags.get(0), "e");
  fails("(global $g i32 (i32.const 0)) (global $g i32 (i32.const 0))", "duplicate global");
  fails("(table $t 1 funcref) (table $t 1 funcref)", "duplicate table");
  fails("(global i32 (i32.const 0x1_0000_0000))", "constant out of range");
});

Deno.test("parse: blocks, labels and branches", () => {
  assert.deepEqual(
    body(`(func (block $a (loop $b (br $a) (br $b) (br 1) (br_table $a $b 0)))
      block $c br $c end $c
      (if $d (i32.const 1) (then (br $d)) (else (br_if $d (i32.const 0))))
      i32.const 1 if $e else $e br $e end $e)`),
    [
      `block blockType=${BLOCK_EMPTY}`,
      `loop blockType=${BLOCK_EMPTY}`,
      "br index=1",
      "br index=0",
      "br index=1",
      "br_table index=0 labels=[1,0]",
      "end",
      "end",
      `block blockType=${BLOCK_EMPTY}`,
      "br index=0",
      "end",
      "i32.const value=1",
      `if blockType=${BLOCK_EMPTY}`,
      "br index=0",
      "else",
      "i32.const value=0",
      "br_if index=0",
      "end",
      "i32.const value=1",
      `if blockType=${BLOCK_EMPTY}`,
      "else",
      "br index=0",
      "end",
    ],
  );
  fails("(func block $a end $b)", "mismatching label");
  fails("(func block end $b)", "mismatching label");
  fails("(func i32.const 0 if $a else $b end)", "mismatching label");
  fails("(func (br $nope))", "unknown label");
  fails("(func block)", "unexpected token");
  fails("(func end)", "unexpected token");
  fails("(func (block end))", "unexpected token");
  fails("(func (if (then) (i32.const 0)))", "unexpected token");
});

Deno.test("parse: calls, select, references", () => {
  assert.deepEqual(
    body(`(type $t (func (param i32)))
      (table $tb 1 funcref)
      (func (call_indirect $tb (type $t) (i32.const 0) (i32.const 0))
        call_indirect (param i32)
        return_call_indirect (type $t)
        (select (result i32) (i32.const 1) (i32.const 2) (i32.const 3))
        select
        (ref.null $t) (ref.null extern) ref.func 0
        (ref.test (ref null $t) (ref.cast (ref struct) (local.get 0))))`),
    [
      "i32.const value=0",
      "i32.const value=0",
      "call_indirect index=0 index2=0",
      "call_indirect index=0 index2=0",
      "return_call_indirect index=0 index2=0",
      "i32.const value=1",
      "i32.const value=2",
      "i32.const value=3",
      "select_t types=[-1]",
      "select",
      "ref.null heap=0",
      "ref.null heap=-17",
      "ref.func index=0",
      "local.get index=0",
      `ref.cast heap=${HEAP_STRUCT} nullable=false`,
      "ref.test heap=0 nullable=true",
    ],
  );
  fails("(func (call_indirect (param $x i32)))", "unexpected token");
  fails("(func (get_local 0))", "unknown operator get_local");
  fails("(func i32.wrap/i64)", "unknown operator");
  fails("(func (select_t))", "unknown operator");
});

Deno.test("parse: memory instructions", () => {
  assert.deepEqual(
    body(`(memory 1) (memory $m 1) (data $d "")
      (func i32.load i64.load8_s offset=4 align=1 f32.store $m offset=0x10
        i32.load 1 align=2 memory.size memory.grow $m
        memory.init $d memory.init $m $d memory.copy memory.copy $m 0 memory.fill 1
        data.drop $d
        v128.load8_lane 1 v128.load8_lane $m 2 v128.store16_lane 1 0 v128.load32_lane align=4 3
        v128.load64_lane offset=8 1)`),
    [
      "i32.load index=0 align=2 offset=0",
      "i64.load8_s index=0 align=0 offset=4",
      "f32.store index=1 align=2 offset=16",
      "i32.load index=1 align=1 offset=0",
      "memory.size index=0",
      "memory.grow index=1",
      "memory.init index=0 index2=0",
      "memory.init index=0 index2=1",
      "memory.copy index=0 index2=0",
      "memory.copy index=1 index2=0",
      "memory.fill index=1",
      "data.drop index=0",
      "v128.load8_lane index=0 align=0 offset=0 lane=1",
      "v128.load8_lane index=1 align=0 offset=0 lane=2",
      "v128.store16_lane index=1 align=1 offset=0 lane=0",
      "v128.load32_lane index=0 align=2 offset=0 lane=3",
      "v128.load64_lane index=0 align=3 offset=8 lane=1",
    ],
  );
  fails("(memory 1) (func i32.load align=3)", "alignment");
  fails("(memory 1) (func i32.load align=0)", "alignment");
  fails("(memory 1) (func i32.load offset=-1)", "unknown operator");
  fails("(memory 1) (func i32.load $nope)", "unknown memory");
});

Deno.test("parse: table instructions", () => {
  assert.deepEqual(
    body(`(table $a 1 funcref) (table $b 1 funcref) (elem $e func)
      (func table.get table.set $b table.size table.grow $a table.fill 1
        table.copy table.copy $a $b table.init $e table.init $b $e elem.drop $e)`),
    [
      "table.get index=0",
      "table.set index=1",
      "table.size index=0",
      "table.grow index=0",
      "table.fill index=1",
      "table.copy index=0 index2=0",
      "table.copy index=0 index2=1",
      "table.init index=0 index2=0",
      "table.init index=0 index2=1",
      "elem.drop index=0",
    ],
  );
});

Deno.test("parse: numeric and vector constants", () => {
  assert.deepEqual(
    body(`(func i32.const 0xffffffff i64.const -0x8000000000000000 f32.const -inf
      f64.const nan:0x1 v128.const i8x16 -1 0 1 2 3 4 5 6 7 8 9 10 11 12 13 255
      v128.const i16x8 1 -1 0 0 0 0 0 0x8000 v128.const i32x4 1 2 3 -1
      v128.const i64x2 1 -1 v128.const f32x4 1 -0 inf nan v128.const f64x2 1 nan:0x8
      i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 31 i8x16.extract_lane_s 15)`),
    [
      "i32.const value=-1",
      "i64.const value64=-9223372036854775808",
      "f32.const value=4286578688",
      "f64.const value64=9218868437227405313",
      "v128.const bytes=255,0,1,2,3,4,5,6,7,8,9,10,11,12,13,255",
      "v128.const bytes=1,0,255,255,0,0,0,0,0,0,0,0,0,0,0,128",
      "v128.const bytes=1,0,0,0,2,0,0,0,3,0,0,0,255,255,255,255",
      "v128.const bytes=1,0,0,0,0,0,0,0,255,255,255,255,255,255,255,255",
      "v128.const bytes=0,0,128,63,0,0,0,128,0,0,128,127,0,0,192,127",
      "v128.const bytes=0,0,0,0,0,0,240,63,8,0,0,0,0,0,240,127",
      "i8x16.shuffle bytes=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,31",
      "i8x16.extract_lane_s lane=15",
    ],
  );
  fails("(func i32.const 0x1_0000_0000)", "constant out of range");
  fails("(func v128.const i32x4 1 2 3)", "wrong number of lane literals");
  fails("(func v128.const i32x4 1 2 3 4 5)", "wrong number of lane literals");
  fails("(func i8x16.shuffle 1 2 3)", "invalid lane length");
  fails("(func i8x16.extract_lane_s 256)", "i8 constant out of range");
  fails("(func i8x16.extract_lane_s -1)", "unexpected token");
  fails("(func v128.const i32x4 0 0 0 0$x)", "unknown operator");
});

Deno.test("parse: GC instructions", () => {
  assert.deepEqual(
    body(`(type $s (struct (field $x i32) (field $y (mut i64))))
      (type $a (array i8)) (data $d "") (elem $e funcref)
      (func (struct.get $s $y (local.get 0)) struct.set $s 0 struct.get_u $s $x
        struct.new $s struct.new_default $s array.new_fixed $a 3 array.new_data $a $d
        array.new_elem $a $e array.copy $a $a array.get_s $a array.len ref.i31 i31.get_u
        (block $l (result anyref) (br_on_cast $l anyref (ref $s) (local.get 0))
          br_on_cast_fail 0 (ref null $s) (ref null $s))
        any.convert_extern)`),
    [
      "local.get index=0",
      "struct.get index=0 index2=1",
      "struct.set index=0 index2=0",
      "struct.get_u index=0 index2=0",
      "struct.new index=0",
      "struct.new_default index=0",
      "array.new_fixed index=1 index2=3",
      "array.new_data index=1 index2=0",
      "array.new_elem index=1 index2=0",
      "array.copy index=1 index2=1",
      "array.get_s index=1",
      "array.len",
      "ref.i31",
      "i31.get_u",
      `block blockType=${refType(true, HEAP_ANY)}`,
      "local.get index=0",
      `br_on_cast index=0 heap=${HEAP_ANY} nullable=true heap2=0 nullable2=false`,
      "br_on_cast_fail index=0 heap=0 nullable=true heap2=0 nullable2=true",
      "end",
      "any.convert_extern",
    ],
  );
  fails("(type $s (struct)) (func struct.get $s $nope)", "unknown field");
});

Deno.test("parse: exception handling", () => {
  assert.deepEqual(
    body(`(tag $e (param i32))
      (func (block $out (result exnref)
        (try_table $t (catch $e 0) (catch_ref $e $out) (catch_all 0) (catch_all_ref $out)
          (throw $e (i32.const 1)))
        try_table (result i32) (catch $e 0) i32.const 2 end drop
        ref.null exn) throw_ref)`),
    [
      `block blockType=${refType(true, HEAP_EXN)}`,
      `try_table blockType=${BLOCK_EMPTY} catches=${
        JSON.stringify([
          { kind: 0, tag: 0, label: 0 },
          { kind: 1, tag: 0, label: 0 },
          { kind: 2, tag: 0, label: 0 },
          { kind: 3, tag: 0, label: 0 },
        ])
      }`,
      "i32.const value=1",
      "throw index=0",
      "end",
      `try_table blockType=-1 catches=${JSON.stringify([{ kind: 0, tag: 0, label: 0 }])}`,
      "i32.const value=2",
      "end",
      "drop",
      "ref.null heap=-23",
      "end",
      "throw_ref",
    ],
  );
  // Legacy exception handling.
  assert.deepEqual(
    body(`(tag $e)
      (func (block $b (try $t (do (throw $e)) (catch $e (rethrow $t)) (catch_all)))
        try $u nop catch $e rethrow $u catch_all end $u
        (try (do) (delegate 0)) block $w try delegate $w end)`),
    [
      `block blockType=${BLOCK_EMPTY}`,
      `try blockType=${BLOCK_EMPTY}`,
      "throw index=0",
      "catch index=0",
      "rethrow index=0",
      "catch_all",
      "end",
      "end",
      `try blockType=${BLOCK_EMPTY}`,
      "nop",
      "catch index=0",
      "rethrow index=0",
      "catch_all",
      "end",
      `try blockType=${BLOCK_EMPTY}`,
      "delegate index=0",
      `block blockType=${BLOCK_EMPTY}`,
      `try blockType=${BLOCK_EMPTY}`,
      "delegate index=0",
      "end",
    ],
  );
  fails("(func try $v delegate $v)", "unknown label");
  fails("(tag $e) (func (try (do) (catch $e) (delegate 0)))", "unexpected token");
});

Deno.test("parse: lexical errors surface as ParseError", () => {
  fails('(func (export "a', "unclosed string");
  fails("(func $)", "empty identifier");
  fails("(@", "empty annotation id");
  assert.equal(parseModuleText("(func (@a) (nop) (@b x y (z)))").funcs.length, 1);
  assert.equal(
    parseModuleText(new TextEncoder().encode('(func (export "é"))')).exports[0].name,
    "é",
  );
});

Deno.test("parse: deep nesting", () => {
  const n = 20000;
  const plain = parseModuleText("(func " + "block ".repeat(n) + "end ".repeat(n) + ")");
  assert.equal(plain.funcs[0].body.length, 3 * n + 1);
  fails("(func " + "(block ".repeat(n) + ")".repeat(n) + ")", "nesting too deep");
});

Deno.test("parse: odd keywords are no import kinds", () => {
  fails('(import "a" "b" (constructor))', "unknown operator");
  fails('(import "a" "b" (toString))', "unknown operator");
  fails('(export "a" (constructor 0))', "unknown operator");
});

Deno.test("parse: label names by block order", () => {
  const m = parseModuleText(`(func $f (block $a (loop (if $c (i32.const 0) (then))))
    block $d end try_table $e end)`);
  assert.deepEqual([...m.names.labels.get(0)!], [[0, "a"], [2, "c"], [3, "d"], [4, "e"]]);
});
