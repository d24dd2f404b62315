import { assert, assertEquals } from "./assert.ts";
import { CodeReader, encodeInstr, encodeInstrs, readInstrs } from "../../src/binary/code.ts";
import { ByteWriter } from "../../src/binary/writer.ts";
import { DecodeError } from "../../src/errors.ts";
import { CatchKind, type Instr } from "../../src/syntax/instr.ts";
import { Op, OPS } from "../../src/syntax/opcodes.ts";
import { BLOCK_EMPTY, HEAP_ANY, HEAP_FUNC, I32, refType } from "../../src/syntax/types.ts";

/** A sample instruction for each op, with immediates of its kind (and nothing else). */
function sample(op: number, variant: number): Instr {
  const big = variant === 1;
  switch (OPS[op].imm) {
    case "":
      return { op };
    case "block":
      return { op, blockType: [BLOCK_EMPTY, I32, 200, refType(false, 5)][variant] };
    case "label":
    case "func":
    case "type":
    case "local":
    case "global":
    case "table":
    case "memory":
    case "tag":
    case "data":
    case "elem":
      return { op, index: big ? 0xffffffff : 3 };
    case "call_indirect":
    case "field":
    case "fixed":
    case "type_data":
    case "type_elem":
    case "type_type":
    case "data_memory":
    case "memory_memory":
    case "elem_table":
    case "table_table":
      return { op, index: big ? 70000 : 1, index2: big ? 0xffffffff : 0 };
    case "br_table":
      return { op, labels: big ? [] : [0, 1, 300], index: 2 };
    case "br_on_cast":
      return { op, index: 1, nullable: big, heap: HEAP_ANY, nullable2: !big, heap2: big ? 65 : 7 };
    case "memarg":
      return { op, align: big ? 63 : 2, offset: big ? (1n << 64n) - 1n : 16n, index: big ? 3 : 0 };
    case "memarg_lane":
      return {
        op,
        align: 0,
        offset: big ? 1n << 40n : 0n,
        index: big ? 1 : 0,
        lane: big ? 200 : 7,
      };
    case "lane":
      return { op, lane: big ? 255 : 3 };
    case "shuffle":
    case "v128":
      return { op, bytes: Uint8Array.from({ length: 16 }, (_, i) => big ? 255 - i : i) };
    case "i32":
      return { op, value: big ? -0x80000000 : 42 };
    case "f32":
      return { op, value: big ? 0xffc00001 : 0x3f800000 };
    case "i64":
      return { op, value64: big ? -(1n << 63n) : 1n << 40n };
    case "f64":
      return { op, value64: big ? 0xfff8000000000001n : 1n };
    case "select":
      return { op, types: big ? [] : [I32, refType(true, HEAP_FUNC), refType(false, 9)] };
    case "heap":
      return { op, heap: big ? 100 : HEAP_FUNC };
    case "reftype":
      return { op, nullable: big, heap: big ? HEAP_ANY : 3 };
    case "try_table":
      return {
        op,
        blockType: BLOCK_EMPTY,
        catches: big ? [] : [
          { kind: CatchKind.Catch, tag: 1, label: 0 },
          { kind: CatchKind.CatchRef, tag: 2, label: 1 },
          { kind: CatchKind.CatchAll, tag: 0, label: 2 },
          { kind: CatchKind.CatchAllRef, tag: 0, label: 3 },
        ],
      };
  }
}

/** Wraps an instruction so that it forms a well-nested expression. */
function wrap(instr: Instr): Instr[] {
  const name = OPS[instr.op].name;
  const end = { op: Op.end };
  if (name === "else") return [{ op: Op.if, blockType: BLOCK_EMPTY }, instr, end, end];
  if (name === "catch" || name === "catch_all") {
    return [{ op: Op.try, blockType: BLOCK_EMPTY }, instr, end, end];
  }
  if (name === "delegate") return [{ op: Op.try, blockType: BLOCK_EMPTY }, instr, end];
  if (name === "end") return [{ op: Op.block, blockType: BLOCK_EMPTY }, instr, end];
  if (OPS[instr.op].imm === "block" || name === "try_table") return [instr, end, end];
  return [instr, end];
}

Deno.test("every instruction round-trips through encodeInstr and CodeReader", () => {
  let count = 0;
  for (const info of OPS) {
    for (let variant = 0; variant < 4; variant++) {
      const instrs = wrap(sample(info.op, variant));
      const bytes = encodeInstrs(instrs);
      assertEquals(readInstrs(bytes), instrs, `${info.name} variant ${variant}`);
      count++;
    }
  }
  assert(count === OPS.length * 4);
});

Deno.test("CodeReader tracks positions, depth and done", () => {
  const bytes = new Uint8Array([
    0x02,
    0x40, // block
    0x04,
    0x7f, // if (result i32)
    0x41,
    0x01, // i32.const 1
    0x05, // else
    0x41,
    0x02, // i32.const 2
    0x0b, // end
    0x1a, // drop
    0x0b, // end
    0x0b, // end
    0x99, // beyond the expression
  ]);
  const r = new CodeReader(bytes);
  const seen: [number, number, number][] = [];
  while (!r.done) {
    const op = r.next();
    seen.push([op, r.pos, r.depth]);
  }
  assertEquals(seen, [
    [Op.block, 0, 1],
    [Op.if, 2, 2],
    [Op["i32.const"], 4, 2],
    [Op.else, 6, 2],
    [Op["i32.const"], 7, 2],
    [Op.end, 9, 1],
    [Op.drop, 10, 1],
    [Op.end, 11, 0],
    [Op.end, 12, 0],
  ]);
  assertEquals(r.end, 13);
  r.reset(4, 7);
  assertEquals(r.next(), Op["i32.const"]);
  assertEquals(r.value, 1);
});

Deno.test("ref.test and ref.cast: the nullable binary codes", () => {
  const nullable = readInstrs(new Uint8Array([0xfb, 0x15, 0x6e, 0xfb, 0x17, 0x00, 0x0b]));
  assertEquals(nullable, [
    { op: Op["ref.test"], nullable: true, heap: HEAP_ANY },
    { op: Op["ref.cast"], nullable: true, heap: 0 },
    { op: Op.end },
  ]);
  const w = new ByteWriter();
  encodeInstr(w, { op: Op["ref.cast"], nullable: false, heap: HEAP_FUNC });
  assertEquals([...w.finish()], [0xfb, 0x16, 0x70]);
});

Deno.test("memarg with a memory index uses flag bit 6", () => {
  const w = new ByteWriter();
  encodeInstr(w, { op: Op["i32.load"], align: 2, offset: 8n, index: 1 });
  assertEquals([...w.finish()], [0x28, 0x42, 0x01, 0x08]);
});

function malformed(bytes: number[], message: string, offset?: number): void {
  try {
    const r = new CodeReader(new Uint8Array(bytes), 0, bytes.length, 100);
    while (!r.done) r.next();
  } catch (e) {
    assert(e instanceof DecodeError, `expected DecodeError, got ${e}`);
    assertEquals(e.message, message);
    if (offset !== undefined) assertEquals(e.offset, offset);
    return;
  }
  throw new Error(`expected "${message}"`);
}

Deno.test("malformed code", () => {
  malformed([0x01, 0xff, 0x0b], "illegal opcode ff", 101);
  malformed([0xfc, 0x7f, 0x0b], "illegal opcode fc 7f", 100);
  malformed([0xfb, 0x80, 0x01, 0x0b], "illegal opcode fb 80");
  malformed([0xfd, 0x9a, 0x01, 0x0b], "illegal opcode fd 9a");
  malformed([0x28, 0x80, 0x01, 0x00, 0x0b], "malformed memop flags", 101);
  malformed([0x01, 0x05, 0x0b], "END opcode expected", 101);
  malformed([0x02, 0x40, 0x05, 0x0b, 0x0b], "END opcode expected", 102);
  malformed([0x04, 0x40, 0x05, 0x05, 0x0b, 0x0b], "END opcode expected", 103);
  malformed([0x07, 0x00, 0x0b], "END opcode expected", 100);
  malformed([0x06, 0x40, 0x19, 0x07, 0x00, 0x0b, 0x0b], "END opcode expected", 103);
  malformed([0x06, 0x40, 0x07, 0x00, 0x18, 0x00, 0x0b], "END opcode expected", 104);
  malformed([0x18, 0x00, 0x0b], "END opcode expected", 100);
  malformed([0x1f, 0x40, 0x01, 0x04, 0x00, 0x0b, 0x0b], "malformed catch clause", 103);
  malformed([0xfb, 0x18, 0x04, 0x00, 0x6e, 0x6e, 0x0b], "malformed br_on_cast flags", 102);
  malformed([0x02, 0x40, 0x0b], "unexpected end of section or function", 103);
  malformed([0x41, 0x80], "unexpected end of section or function", 102);
  malformed([0xd0, 0x60, 0x0b], "malformed heap type", 101);
  malformed([0x1c, 0x01, 0x60, 0x0b], "malformed reference type", 102);
  malformed([0x02, 0x60, 0x0b, 0x0b], "malformed reference type", 101);
  malformed([0x41, 0x80, 0x80, 0x80, 0x80, 0x70, 0x0b], "integer too large", 105);
});
