import assert from "node:assert/strict";
import { CatchKind } from "../../src/syntax/instr.ts";
import {
  ANYREF,
  BLOCK_EMPTY,
  EXNREF,
  ExternKind,
  EXTERNREF,
  F32,
  FUNCREF,
  HEAP_ANY,
  HEAP_EXTERN,
  HEAP_FUNC,
  HEAP_I31,
  HEAP_NONE,
  I16,
  I32,
  I64,
  I8,
  refType,
  V128,
} from "../../src/syntax/types.ts";
import { BLOCK_STRIDE } from "../../src/valid/code.ts";
import { validateModule } from "../../src/valid/validate.ts";
import { fn, funcType, ins, invalid, mod, valid } from "./build.ts";

const c32 = (value: number) => ins("i32.const", { value });
const c64 = (value64: bigint) => ins("i64.const", { value64 });
const mem = {
  memories: [{ type: { is64: false, limits: { min: 1n, max: null }, shared: false } }],
};
const mem64 = {
  memories: [{ type: { is64: true, limits: { min: 1n, max: null }, shared: false } }],
};

Deno.test("numeric instructions and stack mismatches", () => {
  valid(fn([], [I32], [c32(1), c32(2), ins("i32.add")]));
  invalid(
    fn([], [I32], [c64(1n), c32(2), ins("i32.add")]),
    "type mismatch: instruction requires [i32 i32] but stack has [i64 i32]",
  );
  invalid(fn([], [I32], [ins("i32.add")]), "type mismatch: instruction requires [i32 i32]");
  invalid(fn([], [], [c32(1)]), "type mismatch: block requires [] but stack has [i32]");
  invalid(fn([], [I32], []), "type mismatch: instruction requires [i32] but stack has []");
});

Deno.test("unreachable code is stack-polymorphic", () => {
  valid(fn([], [I32], [ins("unreachable"), ins("i32.add")]));
  valid(fn([], [I32], [ins("unreachable"), ins("select")]));
  invalid(fn([], [I32], [ins("unreachable"), c64(0n), ins("i32.add")]), "type mismatch");
  valid(fn([], [], [ins("unreachable"), ins("br_on_null", { index: 0 }), ins("drop")]));
  invalid(
    fn([], [], [ins("unreachable"), ins("ref.as_non_null"), ins("i32.eqz"), ins("drop")]),
    "type mismatch",
  );
});

Deno.test("blocks, branches and br_table", () => {
  valid(
    fn([], [I32], [ins("block", { blockType: I32 }), c32(1), ins("br", { index: 0 }), ins("end")]),
  );
  valid(fn([], [I32], [ins("loop", { blockType: I32 }), c32(1), ins("end")]));
  invalid(fn([], [], [ins("br", { index: 1 })]), "unknown label 1");
  invalid(
    fn([I32], [], [
      ins("block", { blockType: BLOCK_EMPTY }),
      ins("block", { blockType: I32 }),
      c32(0),
      ins("local.get", { index: 0 }),
      ins("br_table", { labels: [0], index: 1 }),
      ins("end"),
      ins("drop"),
      ins("end"),
    ]),
    "type mismatch",
  );
  valid(fn([I32], [I32], [
    ins("block", { blockType: I32 }),
    c32(0),
    ins("local.get", { index: 0 }),
    ins("br_table", { labels: [0, 0], index: 1 }),
    ins("end"),
  ]));
  // if without else must map params to results
  invalid(
    fn([I32], [I32], [
      ins("local.get", { index: 0 }),
      ins("if", { blockType: I32 }),
      c32(1),
      ins("end"),
    ]),
    "type mismatch",
  );
  valid(fn([I32], [I32], [
    ins("local.get", { index: 0 }),
    ins("if", { blockType: I32 }),
    c32(1),
    ins("else"),
    c32(2),
    ins("end"),
  ]));
});

Deno.test("side table of blocks and max stack", () => {
  const m = fn([I32], [I32], [
    ins("local.get", { index: 0 }),
    ins("if", { blockType: I32 }),
    c32(1),
    ins("else"),
    c32(2),
    c32(3),
    ins("i32.add"),
    ins("end"),
  ]);
  const info = validateModule(m).funcs[0];
  assert.equal(info.maxStack, 2);
  assert.equal(info.blocks.length, BLOCK_STRIDE);
  const body = m.funcs[0].body;
  assert.equal(body[info.blocks[0]], 0x04); // if
  assert.equal(body[info.blocks[1]], 0x05); // else
  assert.equal(body[info.blocks[2]], 0x0b); // end
  assert.equal(info.blocks[3], 0);
});

Deno.test("locals and initialization", () => {
  const nonNull = refType(false, HEAP_FUNC);
  invalid(fn([], [], [ins("local.get", { index: 2 })]), "unknown local 2");
  invalid(
    fn([], [], [ins("local.get", { index: 0 }), ins("drop")], {}, [nonNull]),
    "uninitialized local",
  );
  valid(fn(
    [],
    [],
    [
      ins("ref.func", { index: 0 }),
      ins("local.set", { index: 0 }),
      ins("local.get", { index: 0 }),
      ins("drop"),
    ],
    { exports: [{ name: "f", kind: 0, index: 0 }] },
    [nonNull],
  ));
  // Initialization inside a block does not survive its end.
  invalid(
    fn(
      [],
      [],
      [
        ins("block", { blockType: BLOCK_EMPTY }),
        ins("ref.func", { index: 0 }),
        ins("local.set", { index: 0 }),
        ins("end"),
        ins("local.get", { index: 0 }),
        ins("drop"),
      ],
      { exports: [{ name: "f", kind: 0, index: 0 }] },
      [nonNull],
    ),
    "uninitialized local",
  );
});

Deno.test("select", () => {
  valid(fn([], [I32], [c32(1), c32(2), c32(0), ins("select")]));
  invalid(fn([], [I32], [c32(1), c64(2n), c32(0), ins("select")]), "type mismatch");
  invalid(
    fn([], [], [
      ins("ref.null", { heap: HEAP_FUNC }),
      ins("ref.null", { heap: HEAP_FUNC }),
      c32(0),
      ins("select"),
      ins("drop"),
    ]),
    "type mismatch",
  );
  valid(
    fn([], [FUNCREF], [
      ins("ref.null", { heap: HEAP_FUNC }),
      ins("ref.null", { heap: HEAP_FUNC }),
      c32(0),
      ins("select_t", { types: [FUNCREF] }),
    ]),
  );
  invalid(
    fn([], [], [c32(1), c32(2), c32(0), ins("select_t", { types: [I32, I32] })]),
    "invalid result arity",
  );
});

Deno.test("memory instructions", () => {
  valid(fn([], [I32], [c32(0), ins("i32.load", { align: 2, offset: 0n, index: 0 })], mem));
  invalid(
    fn([], [I32], [c32(0), ins("i32.load", { align: 3, offset: 0n, index: 0 })], mem),
    "alignment must not be larger than natural",
  );
  invalid(
    fn([], [I32], [c32(0), ins("i32.load", { align: 0, offset: 0n, index: 0 })]),
    "unknown memory 0",
  );
  invalid(
    fn([], [I32], [c32(0), ins("i32.load", { align: 0, offset: 1n << 32n, index: 0 })], mem),
    "offset out of range",
  );
  valid(
    fn([], [I32], [c64(0n), ins("i32.load", { align: 0, offset: 1n << 32n, index: 0 })], mem64),
  );
  invalid(
    fn([], [I32], [c32(0), ins("i32.load", { align: 0, offset: 0n, index: 0 })], mem64),
    "type mismatch",
  );
  valid(fn([], [I64], [ins("memory.size", { index: 0 })], mem64));
  invalid(fn([], [], [ins("data.drop", { index: 0 })], mem), "unknown data segment 0");
});

Deno.test("vector lanes", () => {
  const v = ins("v128.const", { bytes: new Uint8Array(16) });
  valid(fn([], [I32], [v, ins("i8x16.extract_lane_s", { lane: 15 })]));
  invalid(fn([], [I32], [v, ins("i8x16.extract_lane_s", { lane: 16 })]), "invalid lane index");
  invalid(fn([], [I64], [v, ins("i64x2.extract_lane", { lane: 2 })]), "invalid lane index");
  const lanes = new Uint8Array(16);
  lanes[3] = 32;
  invalid(fn([], [V128], [v, v, ins("i8x16.shuffle", { bytes: lanes })]), "invalid lane index");
  invalid(
    fn([], [V128], [
      c32(0),
      v,
      ins("v128.load32_lane", { align: 2, offset: 0n, index: 0, lane: 4 }),
    ], mem),
    "invalid lane index",
  );
});

Deno.test("calls and tail calls", () => {
  const types = [funcType([I32], [I64])];
  const imports = [{ module: "m", name: "f", desc: { kind: ExternKind.Func, type: 0 } as const }];
  valid(fn([], [I64], [c32(1), ins("call", { index: 0 })], { types, imports }));
  invalid(fn([], [], [ins("call", { index: 7 })]), "unknown function 7");
  invalid(
    fn([], [I32], [c32(1), ins("return_call", { index: 0 })], { types, imports }),
    "type mismatch",
  );
  valid(fn([], [I64], [c32(1), ins("return_call", { index: 0 })], { types, imports }));
  const table = {
    tables: [{ type: { is64: false, limits: { min: 1n, max: null }, elem: FUNCREF }, init: null }],
  };
  valid(
    fn([], [I64], [c32(1), c32(0), ins("call_indirect", { index: 0, index2: 0 })], {
      types,
      ...table,
    }),
  );
  invalid(
    fn([], [I64], [c32(1), c32(0), ins("call_indirect", { index: 0, index2: 0 })], { types }),
    "unknown table 0",
  );
  const externTable = {
    tables: [{
      type: { is64: false, limits: { min: 1n, max: null }, elem: EXTERNREF },
      init: null,
    }],
  };
  invalid(
    fn([], [I64], [c32(1), c32(0), ins("call_indirect", { index: 0, index2: 0 })], {
      types,
      ...externTable,
    }),
    "type mismatch",
  );
  valid(
    fn([refType(true, 0)], [I64], [
      c32(1),
      ins("local.get", { index: 0 }),
      ins("call_ref", { index: 0 }),
    ], { types }),
  );
});

Deno.test("exceptions", () => {
  const tagT = { types: [funcType([I32], [])], tags: [{ type: 0 }] };
  valid(fn([], [], [c32(1), ins("throw", { index: 0 })], tagT));
  invalid(
    fn([], [], [ins("throw", { index: 0 })], tagT),
    "type mismatch: instruction requires [i32] but stack has []",
  );
  invalid(fn([], [], [ins("throw", { index: 0 })]), "unknown tag 0");
  valid(fn([], [I32], [
    ins("block", { blockType: I32 }),
    ins("try_table", {
      blockType: BLOCK_EMPTY,
      catches: [{ kind: CatchKind.Catch, tag: 0, label: 0 }],
    }),
    ins("end"),
    ins("unreachable"),
    ins("end"),
  ], tagT));
  invalid(
    fn([], [], [
      ins("try_table", {
        blockType: BLOCK_EMPTY,
        catches: [{ kind: CatchKind.Catch, tag: 0, label: 0 }],
      }),
      ins("end"),
    ], tagT),
    "type mismatch",
  );
  valid(fn([], [EXNREF], [
    ins("block", { blockType: refType(false, -0x17) }),
    ins("try_table", {
      blockType: BLOCK_EMPTY,
      catches: [{ kind: CatchKind.CatchAllRef, tag: 0, label: 0 }],
    }),
    ins("end"),
    ins("unreachable"),
    ins("end"),
  ]));
  // legacy
  invalid(fn([], [], [ins("rethrow", { index: 0 })]), "invalid rethrow label");
  valid(
    fn([], [], [
      ins("try", { blockType: BLOCK_EMPTY }),
      ins("catch", { index: 0 }),
      ins("drop"),
      ins("rethrow", { index: 0 }),
      ins("end"),
    ], tagT),
  );
  invalid(
    fn([], [], [ins("try", { blockType: BLOCK_EMPTY }), ins("catch_all"), c32(42), ins("end")]),
    "type mismatch: block requires [] but stack has [i32]",
  );
  invalid(
    fn([], [], [ins("try", { blockType: BLOCK_EMPTY }), ins("delegate", { index: 1 })]),
    "unknown label",
  );
  valid(fn([], [], [ins("try", { blockType: BLOCK_EMPTY }), ins("delegate", { index: 0 })]));
});

Deno.test("references and casts", () => {
  valid(fn([], [I32], [ins("ref.null", { heap: HEAP_ANY }), ins("ref.is_null")]));
  invalid(fn([], [I32], [c32(0), ins("ref.is_null")]), "type mismatch");
  invalid(
    fn([], [], [ins("ref.func", { index: 0 }), ins("drop")]),
    "undeclared function reference",
  );
  valid(fn([], [refType(false, HEAP_I31)], [c32(0), ins("ref.i31")]));
  valid(
    fn([ANYREF], [I32], [
      ins("local.get", { index: 0 }),
      ins("ref.test", { nullable: false, heap: HEAP_I31 }),
    ]),
  );
  invalid(
    fn([EXTERNREF], [I32], [
      ins("local.get", { index: 0 }),
      ins("ref.test", { nullable: false, heap: HEAP_I31 }),
    ]),
    "type mismatch",
  );
  valid(fn([EXTERNREF], [ANYREF], [ins("local.get", { index: 0 }), ins("any.convert_extern")]));
  valid(fn([ANYREF], [ANYREF], [
    ins("block", { blockType: refType(false, HEAP_I31) }),
    ins("local.get", { index: 0 }),
    ins("br_on_cast", {
      index: 0,
      nullable: true,
      heap: HEAP_ANY,
      nullable2: false,
      heap2: HEAP_I31,
    }),
    ins("return"),
    ins("end"),
    ins("drop"),
    ins("ref.null", { heap: HEAP_NONE }),
  ]));
  invalid(
    fn([EXTERNREF], [], [
      ins("block", { blockType: refType(false, HEAP_I31) }),
      ins("local.get", { index: 0 }),
      ins("br_on_cast", {
        index: 0,
        nullable: true,
        heap: HEAP_EXTERN,
        nullable2: false,
        heap2: HEAP_I31,
      }),
      ins("drop"),
      ins("unreachable"),
      ins("end"),
      ins("drop"),
    ]),
    "type mismatch",
  );
});

Deno.test("GC structs and arrays", () => {
  const types = [
    {
      final: true,
      supers: [],
      comp: {
        kind: "struct" as const,
        fields: [{ type: I32, mutable: false }, { type: I8, mutable: true }],
      },
    },
    {
      final: true,
      supers: [],
      comp: { kind: "array" as const, field: { type: ANYREF, mutable: true } },
    },
    {
      final: true,
      supers: [],
      comp: { kind: "array" as const, field: { type: I16, mutable: false } },
    },
  ];
  const s = refType(true, 0);
  valid(
    fn([s], [I32], [ins("local.get", { index: 0 }), ins("struct.get", { index: 0, index2: 0 })], {
      types,
    }),
  );
  valid(
    fn([s], [I32], [ins("local.get", { index: 0 }), ins("struct.get_s", { index: 0, index2: 1 })], {
      types,
    }),
  );
  invalid(
    fn([s], [I32], [ins("local.get", { index: 0 }), ins("struct.get", { index: 0, index2: 1 })], {
      types,
    }),
    "field is packed",
  );
  invalid(
    fn([s], [], [
      ins("local.get", { index: 0 }),
      c32(1),
      ins("struct.set", { index: 0, index2: 0 }),
    ], { types }),
    "immutable field",
  );
  invalid(
    fn([s], [I32], [ins("local.get", { index: 0 }), ins("struct.get", { index: 0, index2: 5 })], {
      types,
    }),
    "unknown field",
  );
  invalid(
    fn([], [], [c32(0), c32(0), ins("array.new_data", { index: 1, index2: 0 }), ins("drop")], {
      types,
      datas: [{ mode: "passive", memory: 0, offset: null, bytes: new Uint8Array() }],
    }),
    "array type is not numeric or vector",
  );
  valid(
    fn([], [refType(false, 2)], [c32(0), c32(0), ins("array.new_fixed", { index: 2, index2: 2 })], {
      types,
    }),
  );
  invalid(
    fn([refType(true, 2)], [], [
      ins("local.get", { index: 0 }),
      c32(0),
      c32(0),
      ins("array.set", { index: 2 }),
    ], { types }),
    "immutable array",
  );
  invalid(
    fn([], [], [
      ins("ref.null", { heap: 1 }),
      c32(0),
      ins("ref.null", { heap: 2 }),
      c32(0),
      c32(0),
      ins("array.copy", { index: 1, index2: 2 }),
    ], { types }),
    "array types do not match",
  );
  invalid(
    fn([], [], [ins("struct.new_default", { index: 9 }), ins("drop")], { types }),
    "unknown type",
  );
});

Deno.test("constant expressions", () => {
  const g = (init: Uint8Array, mutable = false) => ({ type: { type: I32, mutable }, init });
  const { expr } = { expr: (xs: ReturnType<typeof ins>[]) => encode(xs) };
  valid(mod({ globals: [g(expr([c32(1), c32(2), ins("i32.add")]))] }));
  invalid(mod({ globals: [g(expr([c32(1), ins("i32.eqz")]))] }), "constant expression required");
  invalid(
    mod({ globals: [g(expr([c32(1)]), true), g(expr([ins("global.get", { index: 0 })]))] }),
    "constant expression required",
  );
  valid(mod({ globals: [g(expr([c32(1)])), g(expr([ins("global.get", { index: 0 })]))] }));
  invalid(
    mod({ globals: [g(expr([ins("global.get", { index: 1 })])), g(expr([c32(1)]))] }),
    "unknown global 1",
  );
  invalid(mod({ globals: [g(expr([c64(1n)]))] }), "type mismatch");
  invalid(
    mod({ globals: [{ type: { type: F32, mutable: false }, init: expr([]) }] }),
    "type mismatch",
  );
});

import { encodeInstrs } from "../../src/binary/code.ts";
function encode(xs: ReturnType<typeof ins>[]): Uint8Array {
  return encodeInstrs([...xs, ins("end")]);
}
