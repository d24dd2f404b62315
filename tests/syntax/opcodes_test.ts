import assert from "node:assert/strict";
import { Op, OP_BY_BYTE, OP_BY_PREFIXED, opByName, OPS } from "../../src/syntax/opcodes.ts";

Deno.test("opcode table: names and opcodes are unique", () => {
  const names = new Set<string>();
  const codes = new Set<number>();
  for (const info of OPS) {
    assert.ok(!names.has(info.name), `duplicate name ${info.name}`);
    names.add(info.name);
    const key = info.prefix * 0x10000 + info.code;
    assert.ok(!codes.has(key), `duplicate opcode for ${info.name}`);
    codes.add(key);
  }
});

Deno.test("opcode table: lookups agree with the rows", () => {
  for (const info of OPS) {
    assert.equal(opByName(info.name), info);
    assert.equal(Op[info.name], info.op);
    const byCode = info.prefix === 0
      ? OP_BY_BYTE[info.code]
      : OP_BY_PREFIXED.get(info.prefix)![info.code];
    assert.equal(byCode, info.op, info.name);
  }
  assert.equal(opByName("get_local"), undefined);
});

Deno.test("opcode table: signatures use only known letters", () => {
  for (const info of OPS) {
    if (info.params === null) continue;
    assert.match(info.params + info.results!, /^[iIfFva]*$/, info.name);
    const isAccess = info.imm === "memarg" || info.imm === "memarg_lane";
    assert.equal(info.naturalAlign >= 0, isAccess, info.name);
  }
});

Deno.test("opcode table: spot checks against the binary format", () => {
  assert.equal(OPS[Op["i32.add"]].code, 0x6a);
  assert.equal(OPS[Op["i64.extend32_s"]].code, 0xc4);
  assert.equal(OPS[Op["memory.fill"]].prefix, 0xfc);
  assert.equal(OPS[Op["memory.fill"]].code, 0x0b);
  assert.equal(OPS[Op["i32x4.relaxed_dot_i8x16_i7x16_add_s"]].code, 0x113);
  assert.equal(OPS[Op["i31.get_u"]].code, 0x1e);
  assert.equal(OPS[Op["v128.load64_lane"]].naturalAlign, 3);
});
