import { assert, assertEquals } from "./assert.ts";
import { decodeModule } from "../../src/binary/decode.ts";
import { encodeModule } from "../../src/binary/encode.ts";
import { encodeInstrs } from "../../src/binary/code.ts";
import { emptyModule, type Expr, type Module } from "../../src/syntax/module.ts";
import { Op } from "../../src/syntax/opcodes.ts";
import {
  ExternKind,
  FUNCREF,
  HEAP_FUNC,
  HEAP_STRUCT,
  I32,
  I64,
  refType,
} from "../../src/syntax/types.ts";

const REF_FUNC = refType(false, HEAP_FUNC);
const END = { op: Op.end };

function i32(v: number): Expr {
  return encodeInstrs([{ op: Op["i32.const"], value: v }, END]);
}

function refFunc(x: number): Expr {
  return encodeInstrs([{ op: Op["ref.func"], index: x }, END]);
}

function withoutOffsets(m: Module): Module {
  return { ...m, funcs: m.funcs.map((f) => ({ ...f, offset: 0 })) };
}

function roundTrip(m: Module): Module {
  const again = decodeModule(encodeModule(m));
  assertEquals(withoutOffsets(again), withoutOffsets(m));
  return again;
}

/** A module as a text parser would build it. */
function sample(): Module {
  const m = emptyModule();
  m.types.push(
    { final: true, supers: [], comp: { kind: "func", params: [I32], results: [I64] } },
    { final: true, supers: [], comp: { kind: "func", params: [], results: [] } },
    { final: false, supers: [], comp: { kind: "struct", fields: [] } },
    {
      final: true,
      supers: [2],
      comp: { kind: "struct", fields: [{ type: refType(true, 3), mutable: true }] },
    },
  );
  m.recGroups.push(1, 1, 0, 2);
  m.imports.push({ module: "env", name: "f", desc: { kind: ExternKind.Func, type: 1 } });
  m.funcs.push({
    type: 0,
    locals: [{ count: 3, type: I64 }, { count: 1, type: refType(true, HEAP_STRUCT) }],
    body: encodeInstrs([
      { op: Op["local.get"], index: 0 },
      { op: Op["i64.extend_i32_u"] },
      { op: Op["memory.init"], index: 0, index2: 0 },
      END,
    ]),
    offset: 0,
  });
  m.tables.push(
    { type: { is64: false, limits: { min: 2n, max: null }, elem: FUNCREF }, init: null },
    {
      type: { is64: true, limits: { min: 1n, max: 1n << 40n }, elem: REF_FUNC },
      init: refFunc(0),
    },
  );
  m.memories.push({ type: { is64: true, limits: { min: 1n, max: 1n << 48n }, shared: false } });
  m.tags.push({ type: 1 });
  m.globals.push({ type: { type: I32, mutable: false }, init: i32(7) });
  m.exports.push({ name: "run", kind: ExternKind.Func, index: 1 });
  m.start = 0;
  m.datas.push(
    { mode: "active", memory: 0, offset: i32(0), bytes: new Uint8Array([1, 2]) },
    { mode: "passive", memory: 0, offset: null, bytes: new Uint8Array(0) },
  );
  m.names.module = "sample";
  m.names.funcs.set(1, "run").set(0, "env.f");
  m.names.locals.set(1, new Map([[0, "x"], [1, "y"]]));
  m.names.fields.set(3, new Map([[0, "next"]]));
  m.names.types.set(3, "node");
  m.names.tags.set(0, "oops");
  m.names.labels.set(1, new Map());
  return m;
}

Deno.test("a parser-built module round-trips", () => {
  roundTrip(sample());
});

Deno.test("an empty module is just the header", () => {
  assertEquals([...encodeModule(emptyModule())], [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
  roundTrip(emptyModule());
});

Deno.test("element segments keep their type and expressions in the compact forms", () => {
  const m = sample();
  const padded = new Uint8Array([0xd2, 0x80, 0x00, 0x0b]); // ref.func 0, padded LEB
  m.elems.push(
    { mode: "active", table: 0, offset: i32(0), type: REF_FUNC, init: [refFunc(0), refFunc(1)] },
    { mode: "active", table: 0, offset: i32(0), type: FUNCREF, init: [refFunc(0)] },
    { mode: "active", table: 1, offset: i32(1), type: REF_FUNC, init: [refFunc(200)] },
    { mode: "active", table: 1, offset: i32(1), type: FUNCREF, init: [refFunc(0)] },
    { mode: "passive", table: 0, offset: null, type: REF_FUNC, init: [] },
    { mode: "passive", table: 0, offset: null, type: REF_FUNC, init: [padded] },
    { mode: "declarative", table: 0, offset: null, type: REF_FUNC, init: [refFunc(1)] },
    {
      mode: "declarative",
      table: 0,
      offset: null,
      type: refType(true, 1),
      init: [encodeInstrs([{ op: Op["ref.null"], heap: 1 }, END])],
    },
    { mode: "passive", table: 0, offset: null, type: FUNCREF, init: [refFunc(0x10000)] },
  );
  roundTrip(m);
  const bytes = encodeModule(m);
  // the first segment uses form 0: flags, offset, two function indices
  const at = findSequence(bytes, [0x00, 0x41, 0x00, 0x0b, 0x02, 0x00, 0x01]);
  assert(at > 0, "form 0 expected");
});

function findSequence(haystack: Uint8Array, needle: number[]): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

Deno.test("custom sections go back after the section they followed", () => {
  const m = sample();
  for (const after of [0, 1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11]) {
    m.customs.push({ name: `after ${after}`, bytes: new Uint8Array([after]), after });
  }
  roundTrip(m);
  // and empty sections are written when a custom section must follow them
  const e = emptyModule();
  e.customs.push({ name: "x", bytes: new Uint8Array(0), after: 9 });
  e.customs.push({ name: "y", bytes: new Uint8Array(0), after: 12 });
  roundTrip(e);
});

Deno.test("a binary's layout survives decode and encode", () => {
  const first = encodeModule(sample());
  const again = encodeModule(decodeModule(first));
  assertEquals(again, first);
});
