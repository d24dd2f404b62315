import { assert, assertEquals } from "./assert.ts";
import { decodeModule } from "../../src/binary/decode.ts";
import { encodeModule } from "../../src/binary/encode.ts";
import { readInstrs } from "../../src/binary/code.ts";
import { ByteWriter } from "../../src/binary/writer.ts";
import { DecodeError } from "../../src/errors.ts";
import { Op } from "../../src/syntax/opcodes.ts";
import type { Module } from "../../src/syntax/module.ts";
import {
  ExternKind,
  EXTERNREF,
  FUNCREF,
  HEAP_ANY,
  HEAP_FUNC,
  I16,
  I32,
  I64,
  I8,
  refType,
} from "../../src/syntax/types.ts";

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** A section: id, size, contents. */
function section(id: number, ...contents: (number | string)[]): number[] {
  const bytes: number[] = [];
  for (const c of contents) {
    if (typeof c === "number") bytes.push(c);
    else bytes.push(c.length, ...new TextEncoder().encode(c));
  }
  const w = new ByteWriter();
  w.u32(bytes.length);
  return [id, ...w.finish(), ...bytes];
}

function module(...sections: number[][]): Uint8Array {
  return Uint8Array.from([...HEADER, ...sections.flat()]);
}

function malformed(bytes: Uint8Array, message: string): void {
  try {
    decodeModule(bytes);
  } catch (e) {
    assert(e instanceof DecodeError, `expected DecodeError, got ${e}`);
    assertEquals(e.message, message);
    return;
  }
  throw new Error(`expected "${message}"`);
}

function withoutOffsets(m: Module): Module {
  return { ...m, funcs: m.funcs.map((f) => ({ ...f, offset: 0 })) };
}

function roundTrips(m: Module): void {
  assertEquals(withoutOffsets(decodeModule(encodeModule(m))), withoutOffsets(m));
}

Deno.test("a hand-built module with every section decodes", () => {
  const bytes = module(
    section(0, "first", 1, 2, 3),
    section(
      1,
      3,
      0x4e,
      2,
      0x50,
      0,
      0x5f,
      2,
      0x78,
      1,
      0x63,
      0x6e,
      0,
      0x4f,
      1,
      0,
      0x5e,
      0x77,
      0,
      0x60,
      2,
      0x7f,
      0x7e,
      1,
      0x64,
      0x70,
      0x60,
      0,
      0,
    ),
    section(0, "after types"),
    section(
      2,
      5,
      "m",
      "f",
      0x00,
      3,
      "m",
      "t",
      0x01,
      0x6f,
      0x05,
      1,
      2,
      "m",
      "mem",
      0x02,
      0x03,
      1,
      4,
      "m",
      "g",
      0x03,
      0x7e,
      0x01,
      "m",
      "tag",
      0x04,
      0x00,
      3,
    ),
    section(3, 2, 3, 2),
    section(4, 2, 0x70, 0x00, 1, 0x40, 0x00, 0x64, 0x70, 0x00, 1, 0xd2, 0x00, 0x0b),
    section(5, 1, 0x04, 0x80, 0x80, 0x04),
    section(13, 1, 0x00, 3),
    section(0, "after tags"),
    section(6, 1, 0x7f, 0x00, 0x41, 0x2a, 0x0b),
    section(7, 2, "f", 0x00, 1, "m", 0x02, 1),
    section(8, 1),
    section(
      9,
      8,
      0x00,
      0x41,
      0x00,
      0x0b,
      2,
      0,
      1,
      0x01,
      0x00,
      1,
      1,
      0x02,
      1,
      0x41,
      0x00,
      0x0b,
      0x00,
      1,
      0,
      0x03,
      0x00,
      1,
      0,
      0x04,
      0x41,
      0x00,
      0x0b,
      1,
      0xd0,
      0x70,
      0x0b,
      0x05,
      0x6e,
      1,
      0xd0,
      0x6e,
      0x0b,
      0x06,
      1,
      0x41,
      0x00,
      0x0b,
      0x70,
      1,
      0xd2,
      0x01,
      0x0b,
      0x07,
      0x70,
      1,
      0xd2,
      0x00,
      0x0b,
    ),
    section(12, 3),
    section(
      10,
      2,
      6,
      1,
      2,
      0x7f,
      0x01,
      0x01,
      0x0b,
      12,
      0,
      0x41,
      0x00,
      0x41,
      0x00,
      0x41,
      0x00,
      0xfc,
      0x08,
      2,
      0,
      0x0b,
    ),
    section(11, 3, 0x00, 0x41, 0x00, 0x0b, "ab", 0x01, "", 0x02, 1, 0x41, 0x08, 0x0b, "c"),
    section(0, "name", 0, 4, "mod", 1, 7, 2, 0, "f", 1, "g", 2, 6, 1, 1, 1, 0, "x"),
    section(0, "last"),
  );
  const m = decodeModule(bytes);
  assertEquals(m.recGroups, [2, 1, 1]);
  assertEquals(m.types[0], {
    final: false,
    supers: [],
    comp: {
      kind: "struct",
      fields: [{ type: I8, mutable: true }, { type: refType(true, HEAP_ANY), mutable: false }],
    },
  });
  assertEquals(m.types[1], {
    final: true,
    supers: [0],
    comp: { kind: "array", field: { type: I16, mutable: false } },
  });
  assertEquals(m.types[2], {
    final: true,
    supers: [],
    comp: { kind: "func", params: [I32, I64], results: [refType(false, HEAP_FUNC)] },
  });
  assertEquals(m.imports.map((i) => i.desc), [
    { kind: ExternKind.Func, type: 3 },
    {
      kind: ExternKind.Table,
      table: { is64: true, limits: { min: 1n, max: 2n }, elem: EXTERNREF },
    },
    {
      kind: ExternKind.Memory,
      memory: { is64: false, limits: { min: 1n, max: 4n }, shared: true },
    },
    { kind: ExternKind.Global, global: { type: I64, mutable: true } },
    { kind: ExternKind.Tag, type: 3 },
  ]);
  assertEquals(m.funcs.map((f) => f.type), [3, 2]);
  assertEquals(m.funcs[0].locals, [{ count: 2, type: I32 }]);
  assertEquals([...m.funcs[0].body], [0x01, 0x01, 0x0b]);
  assertEquals(bytes[m.funcs[0].offset], 0x01);
  assertEquals(m.tables[0], {
    type: { is64: false, limits: { min: 1n, max: null }, elem: FUNCREF },
    init: null,
  });
  assertEquals(readInstrs(m.tables[1].init!), [{ op: Op["ref.func"], index: 0 }, { op: Op.end }]);
  assertEquals(m.memories[0].type, {
    is64: true,
    limits: { min: 0x10000n, max: null },
    shared: false,
  });
  assertEquals(m.tags, [{ type: 3 }]);
  assertEquals(m.exports, [
    { name: "f", kind: ExternKind.Func, index: 1 },
    { name: "m", kind: ExternKind.Memory, index: 1 },
  ]);
  assertEquals(m.start, 1);
  assertEquals(
    m.elems.map((e) => [e.mode, e.table, e.type, e.init.length]),
    [
      ["active", 0, refType(false, HEAP_FUNC), 2],
      ["passive", 0, refType(false, HEAP_FUNC), 1],
      ["active", 1, refType(false, HEAP_FUNC), 1],
      ["declarative", 0, refType(false, HEAP_FUNC), 1],
      ["active", 0, FUNCREF, 1],
      ["passive", 0, refType(true, HEAP_ANY), 1],
      ["active", 1, FUNCREF, 1],
      ["declarative", 0, FUNCREF, 1],
    ],
  );
  assertEquals([...m.elems[0].init[1]], [0xd2, 0x01, 0x0b]);
  assertEquals(m.datas.map((d) => [d.mode, d.memory, new TextDecoder().decode(d.bytes)]), [
    ["active", 0, "ab"],
    ["passive", 0, ""],
    ["active", 1, "c"],
  ]);
  assertEquals(m.customs.map((c) => [c.name, c.after, [...c.bytes]]), [
    ["first", 0, [1, 2, 3]],
    ["after types", 1, []],
    ["after tags", 13, []],
    ["last", 11, []],
  ]);
  assertEquals(m.names.module, "mod");
  assertEquals(m.names.funcs, new Map([[0, "f"], [1, "g"]]));
  assertEquals(m.names.locals, new Map([[1, new Map([[0, "x"]])]]));
  roundTrips(m);
});

Deno.test("a malformed name section is kept as a custom section", () => {
  const m = decodeModule(module(section(0, "name", 1, 3, 2, 0, "f")));
  assertEquals(m.names.funcs.size, 0);
  assertEquals(m.customs.map((c) => c.name), ["name"]);
  roundTrips(m);
  // indices out of order
  const n = decodeModule(module(section(0, "name", 1, 7, 2, 1, "f", 0, "g")));
  assertEquals(n.customs.length, 1);
  roundTrips(n);
});

Deno.test("malformed modules give the spec's messages", () => {
  malformed(new Uint8Array([0x00, 0x61, 0x73]), "unexpected end of section or function");
  malformed(new Uint8Array([0x00, 0x61, 0x73, 0x6e, 1, 0, 0, 0]), "magic header not detected");
  malformed(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 2, 0, 0, 0]), "unknown binary version");
  malformed(module([14, 0]), "malformed section id");
  malformed(module(section(3, 0), section(1, 0)), "unexpected content after last section");
  malformed(module(section(1, 0), section(1, 0)), "unexpected content after last section");
  malformed(module(section(12, 0), section(13, 0)), "unexpected content after last section");
  malformed(module(section(1, 1, 0x60, 0, 0, 0)), "section size mismatch");
  malformed(module([1, 9, 0]), "length out of bounds");
  malformed(module(section(1, 1, 0x61, 0, 0)), "malformed definition type");
  malformed(module(section(1, 1, 0x5e, 0x60, 0)), "malformed storage type");
  malformed(module(section(1, 1, 0x5e, 0x7f, 2)), "malformed mutability");
  malformed(module(section(1, 1, 0x60, 1, 0x60, 0)), "malformed reference type");
  malformed(module(section(1, 1, 0x60, 1, 0x63, 0x60, 0)), "malformed heap type");
  malformed(module(section(2, 1, "m", "n", 5, 0)), "malformed import kind");
  malformed(module(section(2, 1, "m", "n", 4, 1, 0)), "zero byte expected");
  malformed(module(section(5, 1, 0x08, 0)), "malformed limits flags");
  malformed(module(section(4, 1, 0x70, 0x02, 0)), "malformed limits flags");
  malformed(module(section(7, 1, "e", 5, 0)), "malformed export kind");
  malformed(module(section(9, 1, 8)), "malformed elements segment kind");
  malformed(module(section(9, 1, 1, 1, 0)), "malformed element kind");
  malformed(module(section(11, 1, 3)), "malformed data segment kind");
  malformed(module(section(6, 1, 0x7f, 0, 0x41, 0)), "unexpected end of section or function");
  malformed(module(section(3, 1, 0)), "function and code section have inconsistent lengths");
  malformed(
    module(section(10, 1, 2, 0, 0x0b)),
    "function and code section have inconsistent lengths",
  );
  malformed(module(section(12, 1)), "data count and data section have inconsistent lengths");
  malformed(
    module(section(1, 1, 0x60, 0, 0), section(3, 1, 0), section(10, 1, 5, 0, 0xfc, 9, 0, 0x0b)),
    "data count section required",
  );
  malformed(
    module(section(1, 1, 0x60, 0, 0), section(3, 1, 0), section(10, 1, 3, 0, 0x0b, 0x0b)),
    "section size mismatch",
  );
  malformed(
    module(
      section(1, 1, 0x60, 0, 0),
      section(3, 1, 0),
      section(10, 1, 10, 2, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x7f, 0x02, 0x7e, 0x0b),
    ),
    "too many locals",
  );
  malformed(module(section(0, "a", 1), [0, 1, 5]), "length out of bounds");
  malformed(module([0, 2, 5, 0x61]), "length out of bounds");
  malformed(module([0, 1, 1, 0x61]), "unexpected end of section or function");
});
