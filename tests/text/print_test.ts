import assert from "node:assert/strict";
import { encodeInstrs, readInstrs } from "../../src/binary/code.ts";
import { decodeModule } from "../../src/binary/decode.ts";
import { encodeModule } from "../../src/binary/encode.ts";
import { defaultSuiteDir } from "../../src/script/suite.ts";
import { parseModuleText } from "../../src/text/parse.ts";
import { readSExprs } from "../../src/text/sexpr.ts";
import { CatchKind, type Instr } from "../../src/syntax/instr.ts";
import { emptyModule, emptyNames, type Module } from "../../src/syntax/module.ts";
import { Op } from "../../src/syntax/opcodes.ts";
import {
  ANYREF,
  ExternKind,
  EXTERNREF,
  F32,
  FUNCREF,
  HEAP_ANY,
  HEAP_EQ,
  HEAP_EXN,
  HEAP_FUNC,
  HEAP_I31,
  HEAP_NOEXN,
  HEAP_NOEXTERN,
  HEAP_NOFUNC,
  HEAP_NONE,
  HEAP_STRUCT,
  I16,
  I32,
  I64,
  I8,
  refType,
  V128,
} from "../../src/syntax/types.ts";
import {
  formatBytes,
  formatName,
  printHeapType,
  printInstr,
  printModule,
  printRefType,
  printValType,
} from "../../src/text/print.ts";

Deno.test("printValType / printRefType / printHeapType", () => {
  assert.equal(printValType(I32), "i32");
  assert.equal(printValType(I64), "i64");
  assert.equal(printValType(F32), "f32");
  assert.equal(printValType(V128), "v128");
  assert.equal(printValType(I8), "i8");
  assert.equal(printValType(I16), "i16");
  assert.equal(printValType(FUNCREF), "funcref");
  assert.equal(printValType(EXTERNREF), "externref");
  assert.equal(printValType(ANYREF), "anyref");
  assert.equal(printRefType(refType(true, HEAP_EXN)), "exnref");
  assert.equal(printRefType(refType(true, HEAP_I31)), "i31ref");
  assert.equal(printRefType(refType(true, HEAP_EQ)), "eqref");
  assert.equal(printRefType(refType(true, HEAP_STRUCT)), "structref");
  assert.equal(printRefType(refType(true, HEAP_NONE)), "nullref");
  assert.equal(printRefType(refType(true, HEAP_NOFUNC)), "nullfuncref");
  assert.equal(printRefType(refType(true, HEAP_NOEXTERN)), "nullexternref");
  assert.equal(printRefType(refType(true, HEAP_NOEXN)), "nullexnref");
  assert.equal(printRefType(refType(false, HEAP_FUNC)), "(ref func)");
  assert.equal(printRefType(refType(false, HEAP_ANY)), "(ref any)");
  assert.equal(printRefType(refType(true, 3)), "(ref null 3)");
  assert.equal(printRefType(refType(false, 0)), "(ref 0)");
  const names = emptyNames();
  names.types.set(3, "point");
  names.types.set(4, "a b");
  assert.equal(printRefType(refType(true, 3), names), "(ref null $point)");
  assert.equal(printHeapType(4, names), '$"a b"');
  assert.equal(printHeapType(HEAP_FUNC), "func");
  assert.equal(printHeapType(7, names), "7");
});

Deno.test("formatBytes / formatName escape as the text format reads", () => {
  assert.equal(
    formatBytes(new Uint8Array([0x61, 0x00, 0x22, 0x5c, 0x7f, 0xff, 0x20, 0x7e])),
    '"a\\00\\"\\\\\\7f\\ff ~"',
  );
  assert.equal(formatBytes(new Uint8Array()), '""');
  assert.equal(formatName('héllo\n"\\'), '"héllo\\0a\\"\\\\"');
  const big = new Uint8Array(100000).fill(0x41);
  assert.equal(formatBytes(big).length, 100002);
});

/** An instruction of the table by name, with fields. */
function ins(name: keyof typeof Op, fields: Omit<Instr, "op"> = {}): Instr {
  return { op: Op[name], ...fields };
}

Deno.test("printInstr: every immediate kind", () => {
  const cases: [Instr, string][] = [
    [ins("nop"), "nop"],
    [ins("block", { blockType: -0x40 }), "block"],
    [ins("loop", { blockType: I32 }), "loop (result i32)"],
    [ins("if", { blockType: 2 }), "if (type 2)"],
    [ins("br", { index: 1 }), "br 1"],
    [ins("br_table", { labels: [0, 1, 2], index: 3 }), "br_table 0 1 2 3"],
    [
      ins("br_on_cast", { index: 0, nullable: true, heap: HEAP_ANY, nullable2: false, heap2: 2 }),
      "br_on_cast 0 anyref (ref 2)",
    ],
    [
      ins("br_on_cast_fail", {
        index: 1,
        nullable: false,
        heap: HEAP_EQ,
        nullable2: false,
        heap2: HEAP_I31,
      }),
      "br_on_cast_fail 1 (ref eq) (ref i31)",
    ],
    [ins("call", { index: 5 }), "call 5"],
    [ins("call_indirect", { index: 1, index2: 0 }), "call_indirect (type 1)"],
    [ins("return_call_indirect", { index: 1, index2: 2 }), "return_call_indirect 2 (type 1)"],
    [ins("call_ref", { index: 4 }), "call_ref 4"],
    [ins("local.get", { index: 0 }), "local.get 0"],
    [ins("global.set", { index: 2 }), "global.set 2"],
    [ins("table.get", { index: 0 }), "table.get 0"],
    [ins("memory.size", { index: 0 }), "memory.size"],
    [ins("memory.grow", { index: 1 }), "memory.grow 1"],
    [ins("throw", { index: 0 }), "throw 0"],
    [ins("data.drop", { index: 3 }), "data.drop 3"],
    [ins("elem.drop", { index: 2 }), "elem.drop 2"],
    [ins("i32.load", { align: 2, offset: 0n, index: 0 }), "i32.load"],
    [ins("i64.load", { align: 0, offset: 16n, index: 0 }), "i64.load offset=16 align=1"],
    [
      ins("f32.store", { align: 2, offset: 0xffffffffffffffffn, index: 2 }),
      "f32.store 2 offset=18446744073709551615",
    ],
    [ins("v128.load8_lane", { align: 0, offset: 0n, index: 0, lane: 15 }), "v128.load8_lane 15"],
    [
      ins("v128.store64_lane", { align: 0, offset: 8n, index: 1, lane: 1 }),
      "v128.store64_lane 1 offset=8 align=1 1",
    ],
    [ins("i8x16.extract_lane_s", { lane: 3 }), "i8x16.extract_lane_s 3"],
    [
      ins("i8x16.shuffle", {
        bytes: new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 31]),
      }),
      "i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 31",
    ],
    [ins("i32.const", { value: -1 }), "i32.const -1"],
    [ins("i32.const", { value: 0xffffffff }), "i32.const -1"],
    [ins("i64.const", { value64: 0xffffffffffffffffn }), "i64.const -1"],
    [ins("i64.const", { value64: -9223372036854775808n }), "i64.const -9223372036854775808"],
    [ins("f32.const", { value: 0x3fc00000 }), "f32.const 1.5"],
    [ins("f32.const", { value: 0xff800000 }), "f32.const -inf"],
    [ins("f64.const", { value64: 0x7ff4000000000000n }), "f64.const nan:0x4000000000000"],
    [ins("f64.const", { value64: 0x8000000000000000n }), "f64.const -0"],
    [
      ins("v128.const", {
        bytes: new Uint8Array([1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0x80, 4, 3, 2, 1]),
      }),
      "v128.const i32x4 0x00000001 0xffffffff 0x80000000 0x01020304",
    ],
    [ins("select"), "select"],
    [ins("select_t", { types: [I32] }), "select (result i32)"],
    [ins("ref.null", { heap: HEAP_FUNC }), "ref.null func"],
    [ins("ref.null", { heap: 3 }), "ref.null 3"],
    [ins("ref.test", { nullable: true, heap: HEAP_I31 }), "ref.test i31ref"],
    [ins("ref.cast", { nullable: false, heap: 2 }), "ref.cast (ref 2)"],
    [
      ins("try_table", {
        blockType: I32,
        catches: [
          { kind: CatchKind.Catch, tag: 1, label: 0 },
          { kind: CatchKind.CatchRef, tag: 2, label: 1 },
          { kind: CatchKind.CatchAll, tag: 0, label: 2 },
          { kind: CatchKind.CatchAllRef, tag: 0, label: 3 },
        ],
      }),
      "try_table (result i32) (catch 1 0) (catch_ref 2 1) (catch_all 2) (catch_all_ref 3)",
    ],
    [ins("struct.get", { index: 1, index2: 2 }), "struct.get 1 2"],
    [ins("array.new_fixed", { index: 1, index2: 7 }), "array.new_fixed 1 7"],
    [ins("array.new_data", { index: 1, index2: 0 }), "array.new_data 1 0"],
    [ins("array.init_elem", { index: 1, index2: 3 }), "array.init_elem 1 3"],
    [ins("array.copy", { index: 1, index2: 2 }), "array.copy 1 2"],
    [ins("memory.init", { index: 3, index2: 0 }), "memory.init 3"],
    [ins("memory.init", { index: 3, index2: 1 }), "memory.init 1 3"],
    [ins("memory.copy", { index: 0, index2: 0 }), "memory.copy"],
    [ins("memory.copy", { index: 1, index2: 0 }), "memory.copy 1 0"],
    [ins("memory.fill", { index: 0 }), "memory.fill"],
    [ins("table.init", { index: 4, index2: 1 }), "table.init 1 4"],
    [ins("table.copy", { index: 0, index2: 1 }), "table.copy 0 1"],
    [ins("try", { blockType: -0x40 }), "try"],
    [ins("catch", { index: 2 }), "catch 2"],
    [ins("catch_all"), "catch_all"],
    [ins("delegate", { index: 1 }), "delegate 1"],
    [ins("rethrow", { index: 0 }), "rethrow 0"],
  ];
  for (const [instr, want] of cases) assert.equal(printInstr(instr), want);
});

Deno.test("printInstr: names", () => {
  const names = emptyNames();
  names.funcs.set(0, "main");
  names.types.set(1, "point");
  names.fields.set(1, new Map([[0, "x"]]));
  names.locals.set(0, new Map([[1, "tmp"]]));
  names.globals.set(0, "sp");
  names.memories.set(1, "heap");
  names.tags.set(0, "oops");
  assert.equal(printInstr(ins("call", { index: 0 }), names), "call $main");
  assert.equal(
    printInstr(ins("struct.get", { index: 1, index2: 0 }), names),
    "struct.get $point $x",
  );
  assert.equal(printInstr(ins("local.get", { index: 1 }), names, 0), "local.get $tmp");
  assert.equal(printInstr(ins("local.get", { index: 1 }), names), "local.get 1");
  assert.equal(printInstr(ins("global.get", { index: 0 }), names), "global.get $sp");
  assert.equal(
    printInstr(ins("i32.load", { align: 2, offset: 4n, index: 1 }), names),
    "i32.load $heap offset=4",
  );
  assert.equal(printInstr(ins("throw", { index: 0 }), names), "throw $oops");
  assert.equal(printInstr(ins("catch", { index: 0 }), names), "catch $oops");
});

const BODY_END = 0x0b;

/** A module with a bit of everything, built by hand. */
function sampleModule(): Module {
  const m = emptyModule();
  m.types.push(
    { final: true, supers: [], comp: { kind: "func", params: [I32, I64], results: [I32] } },
    { final: false, supers: [], comp: { kind: "struct", fields: [{ type: I8, mutable: true }] } },
    { final: true, supers: [1], comp: { kind: "struct", fields: [{ type: I8, mutable: true }] } },
    { final: true, supers: [], comp: { kind: "array", field: { type: FUNCREF, mutable: false } } },
    { final: true, supers: [], comp: { kind: "func", params: [], results: [] } },
  );
  m.recGroups.push(1, 2, 1, 1, 0);
  m.imports.push(
    { module: "env", name: "f", desc: { kind: ExternKind.Func, type: 4 } },
    {
      module: "env",
      name: "t",
      desc: {
        kind: ExternKind.Table,
        table: { is64: false, limits: { min: 1n, max: null }, elem: FUNCREF },
      },
    },
    {
      module: "env",
      name: "m",
      desc: {
        kind: ExternKind.Memory,
        memory: { is64: true, limits: { min: 1n, max: 2n }, shared: true },
      },
    },
    {
      module: "env",
      name: "g",
      desc: { kind: ExternKind.Global, global: { type: I32, mutable: true } },
    },
    { module: "env", name: "e\u00e9", desc: { kind: ExternKind.Tag, type: 4 } },
  );
  m.funcs.push({
    type: 0,
    locals: [{ count: 2, type: I32 }, { count: 1, type: F32 }],
    // block (result i32) local.get 0 br_if 0 (i32.const 7) end local.get 2 drop end
    body: new Uint8Array([
      0x02,
      0x7f,
      0x20,
      0x00,
      0x0d,
      0x00,
      0x41,
      0x07,
      0x0b,
      0x20,
      0x02,
      0x1a,
      BODY_END,
    ]),
    offset: 0,
  }, { type: 4, locals: [], body: new Uint8Array([BODY_END]), offset: 0 });
  m.tables.push({
    type: { is64: true, limits: { min: 0n, max: 10n }, elem: refType(false, HEAP_FUNC) },
    init: new Uint8Array([0xd2, 0x01, BODY_END]),
  });
  m.memories.push({ type: { is64: false, limits: { min: 1n, max: null }, shared: false } });
  m.tags.push({ type: 4 });
  m.globals.push({
    type: { type: I64, mutable: false },
    init: new Uint8Array([0x42, 0x7f, BODY_END]),
  });
  m.exports.push({ name: "main", kind: ExternKind.Func, index: 1 }, {
    name: "mem",
    kind: ExternKind.Memory,
    index: 1,
  });
  m.start = 2;
  m.elems.push(
    {
      mode: "active",
      table: 0,
      offset: new Uint8Array([0x41, 0x00, BODY_END]),
      type: refType(false, HEAP_FUNC),
      init: [new Uint8Array([0xd2, 0x01, BODY_END]), new Uint8Array([0xd2, 0x02, BODY_END])],
    },
    {
      mode: "passive",
      table: 0,
      offset: null,
      type: FUNCREF,
      init: [new Uint8Array([0xd2, 0x01, BODY_END]), new Uint8Array([0xd0, 0x70, BODY_END])],
    },
    {
      mode: "active",
      table: 1,
      offset: new Uint8Array([0x42, 0x01, 0x42, 0x02, 0x7c, BODY_END]),
      type: refType(false, HEAP_FUNC),
      init: [],
    },
    {
      mode: "declarative",
      table: 0,
      offset: null,
      type: refType(false, HEAP_FUNC),
      init: [new Uint8Array([0xd2, 0x00, BODY_END])],
    },
  );
  m.datas.push(
    {
      mode: "active",
      memory: 0,
      offset: new Uint8Array([0x42, 0x08, BODY_END]),
      bytes: new Uint8Array([0x68, 0x69, 0x0a]),
    },
    { mode: "passive", memory: 0, offset: null, bytes: new Uint8Array([0x00, 0x22]) },
    {
      mode: "active",
      memory: 1,
      offset: new Uint8Array([0x41, 0x00, BODY_END]),
      bytes: new Uint8Array(),
    },
  );
  m.customs.push({ name: "hello", bytes: new Uint8Array([1, 2]), after: 10 }, {
    name: "first",
    bytes: new Uint8Array(),
    after: 0,
  });
  m.names.module = "sample";
  m.names.funcs.set(1, "main");
  m.names.funcs.set(2, "main"); // a duplicate: dropped
  m.names.locals.set(1, new Map([[0, "a"], [3, "x"]]));
  m.names.types.set(1, "base");
  m.names.fields.set(1, new Map([[0, "f"]]));
  m.names.globals.set(1, "k k");
  return m;
}

const SAMPLE_TEXT = `(module $sample
  (type (;0;) (func (param i32 i64) (result i32)))
  (rec
    (type $base (;1;) (sub (struct (field $f (mut i8)))))
    (type (;2;) (sub final $base (struct (field (mut i8)))))
  )
  (type (;3;) (array funcref))
  (type (;4;) (func))
  (rec)
  (import "env" "f" (func (;0;) (type 4)))
  (import "env" "t" (table (;0;) 1 funcref))
  (import "env" "m" (memory (;0;) i64 1 2 shared))
  (import "env" "g" (global (;0;) (mut i32)))
  (import "env" "e\u00e9" (tag (;0;) (type 4)))
  (func $main (;1;) (type 0) (param $a i32) (param i64) (result i32)
    (local i32) (local $x i32) (local f32)
    block (result i32) ;; label = @1
      local.get $a
      br_if 0 (;@1;)
      i32.const 7
    end
    local.get 2
    drop
  )
  (func (;2;) (type 4))
  (table (;1;) i64 0 10 (ref func) ref.func $main)
  (memory (;1;) 1)
  (tag (;1;) (type 4))
  (global $"k k" (;1;) i64 i64.const -1)
  (export "main" (func $main))
  (export "mem" (memory 1))
  (start 2)
  (elem (;0;) (i32.const 0) func $main 2)
  (elem (;1;) funcref (ref.func $main) (ref.null func))
  (elem (;2;) (table 1) (offset i64.const 1 i64.const 2 i64.add) func)
  (elem (;3;) declare func 0)
  (data (;0;) (i64.const 8) "hi\\0a")
  (data (;1;) "\\00\\"")
  (data (;2;) (memory 1) (i32.const 0) "")
  (@custom "hello" (after code) "\\01\\02")
  (@custom "first" (before first) "")
)
`;

Deno.test("printModule: a module with a bit of everything", () => {
  assert.equal(printModule(sampleModule()), SAMPLE_TEXT);
});

Deno.test("printModule: empty module and empty function", () => {
  assert.equal(printModule(emptyModule()), "(module\n)\n");
});

Deno.test("printModule: nested blocks, else, try_table, legacy try", () => {
  const m = emptyModule();
  m.types.push({ final: true, supers: [], comp: { kind: "func", params: [], results: [] } });
  m.recGroups.push(1);
  m.tags.push({ type: 0 });
  const body = encodeInstrs([
    ins("block", { blockType: -0x40 }),
    ins("loop", { blockType: -0x40 }),
    ins("i32.const", { value: 1 }),
    ins("if", { blockType: -0x40 }),
    ins("br", { index: 2 }),
    ins("else"),
    ins("br_table", { labels: [0, 1], index: 2 }),
    ins("end"),
    ins("end"),
    ins("try_table", { blockType: -0x40, catches: [{ kind: CatchKind.Catch, tag: 0, label: 0 }] }),
    ins("end"),
    ins("end"),
    ins("try", { blockType: -0x40 }),
    ins("throw", { index: 0 }),
    ins("catch", { index: 0 }),
    ins("rethrow", { index: 0 }),
    ins("catch_all"),
    ins("end"),
    ins("try", { blockType: -0x40 }),
    ins("nop"),
    ins("delegate", { index: 0 }),
    ins("end"),
  ]);
  m.funcs.push({ type: 0, locals: [], body, offset: 0 });
  assert.equal(
    printModule(m),
    `(module
  (type (;0;) (func))
  (func (;0;) (type 0)
    block ;; label = @1
      loop ;; label = @2
        i32.const 1
        if ;; label = @3
          br 2 (;@1;)
        else
          br_table 0 (;@3;) 1 (;@2;) 2 (;@1;)
        end
      end
      try_table (catch 0 0 (;@1;)) ;; label = @2
      end
    end
    try ;; label = @1
      throw 0
    catch 0
      rethrow 0 (;@1;)
    catch_all
    end
    try ;; label = @1
      nop
    delegate 0 (;@0;)
  )
  (tag (;0;) (type 0))
)
`,
  );
});

// ---------------------------------------------------------------------------------------------
// Round trips through the text parser and the binary codec.

/**
 * The module with its expressions re-encoded and its locals in merged runs: what the text
 * format can express (it has no non-minimal LEB128 numbers nor empty runs of locals).
 */
function normalize(m: Module): Module {
  const expr = (e: Uint8Array) => encodeInstrs(readInstrs(e));
  for (const f of m.funcs) {
    f.body = expr(f.body);
    const runs: typeof f.locals = [];
    for (const run of f.locals) {
      if (run.count === 0) continue;
      const last = runs[runs.length - 1];
      if (last !== undefined && last.type === run.type) last.count += run.count;
      else runs.push({ ...run });
    }
    f.locals = runs;
  }
  for (const t of m.tables) if (t.init !== null) t.init = expr(t.init);
  for (const g of m.globals) g.init = expr(g.init);
  for (const e of m.elems) {
    if (e.offset !== null) e.offset = expr(e.offset);
    e.init = e.init.map(expr);
  }
  for (const d of m.datas) if (d.offset !== null) d.offset = expr(d.offset);
  m.customs = [];
  return m;
}

/** Encodes `m`, then decodes, prints, parses and encodes it again: the same bytes. */
function roundTrip(m: Module, where: string): void {
  const bytes = encodeModule(normalize(m));
  const text = printModule(decodeModule(bytes));
  let again: Uint8Array;
  try {
    again = encodeModule(parseModuleText(text));
  } catch (e) {
    assert.fail(`${where}: printed text does not parse: ${e}\n${text}`);
  }
  assert.deepEqual(again, bytes, `${where}: bytes differ\n${text}`);
}

Deno.test({
  name: "printModule round trip: the sample module",
  fn() {
    const m = sampleModule();
    m.names.funcs.delete(2); // the duplicate name does not survive, by design
    roundTrip(m, "sample");
  },
});

Deno.test({
  name: "printModule: custom sections print as annotations that the parser skips",
  fn() {
    const m = sampleModule();
    const text = printModule(m);
    assert.ok(text.includes('(@custom "hello" (after code) "\\01\\02")'));
    const parsed = parseModuleText(text);
    assert.equal(parsed.customs.length, 0);
    assert.equal(parsed.funcs.length, 2);
  },
});

const TESTSUITE = defaultSuiteDir();

function wastFiles(dir: string): string[] {
  try {
    return [...Deno.readDirSync(dir)].filter((e) => e.isFile && e.name.endsWith(".wast"))
      .map((e) => `${dir}/${e.name}`).sort();
  } catch {
    return []; // no testsuite here: the test says it is ignored
  }
}

Deno.test({
  name: "printModule round trip: every module of the testsuite that parses or decodes",
  ignore: wastFiles(TESTSUITE).length === 0,
  fn() {
    let count = 0;
    const files = [...wastFiles(TESTSUITE), ...wastFiles(`${TESTSUITE}/legacy`)];
    for (const file of files) {
      const source = Deno.readTextFileSync(file);
      for (const top of readSExprs(source)) {
        if (top.kind !== "list") continue;
        const [head, second, third] = top.items;
        if (head?.kind !== "keyword" || head.text !== "module") continue;
        const kw = second?.kind === "id" ? third : second;
        let m: Module;
        try {
          if (kw?.kind === "keyword" && kw.text === "binary") {
            const parts = top.items.slice(top.items.indexOf(kw) + 1).map((a) =>
              a.kind === "string" ? a.bytes! : new Uint8Array()
            );
            const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
            let at = 0;
            for (const p of parts) {
              bytes.set(p, at);
              at += p.length;
            }
            m = decodeModule(bytes);
          } else if (kw?.kind === "keyword") {
            continue; // quote, definition, instance
          } else {
            m = parseModuleText(source.slice(top.pos.offset, top.end));
          }
        } catch {
          continue; // not for this test: a module the parser or decoder rejects
        }
        roundTrip(m, `${file.split("/").slice(-2).join("/")}:${top.pos.line}`);
        count++;
      }
    }
    assert.ok(count > 1000, `only ${count} modules`);
  },
});

Deno.test({
  name: "printModule: repeated and unusual names still parse back",
  fn() {
    const m = emptyModule();
    m.types.push({ final: true, supers: [], comp: { kind: "func", params: [I32], results: [] } });
    m.recGroups.push(1);
    // local.get 0 drop end
    const body = new Uint8Array([0x20, 0x00, 0x1a, 0x0b]);
    m.funcs.push(
      { type: 0, locals: [{ count: 2, type: I64 }], body, offset: 0 },
      { type: 0, locals: [], body, offset: 0 },
    );
    m.names.funcs.set(0, "f").set(1, "f");
    m.names.locals.set(0, new Map([[0, "x"], [1, "x"], [2, 'a "quoted" (name)']]));
    m.names.types.set(0, "");
    const text = printModule(m);
    assert.ok(text.includes("(func $f (;0;) (type 0) (param $x i32)\n"), text);
    assert.ok(text.includes('(local i64) (local $"a \\"quoted\\" (name)" i64)'), text);
    assert.ok(text.includes("(func (;1;) (type 0) (param i32)\n"), text);
    const parsed = parseModuleText(text);
    assert.equal(parsed.funcs.length, 2);
    assert.equal(parsed.names.funcs.get(0), "f");
    assert.equal(parsed.names.locals.get(0)?.get(2), 'a "quoted" (name)');
  },
});
