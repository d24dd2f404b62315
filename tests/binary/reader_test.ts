import { assert, assertEquals } from "./assert.ts";
import { ByteReader } from "../../src/binary/reader.ts";
import { ByteWriter } from "../../src/binary/writer.ts";
import { DecodeError } from "../../src/errors.ts";

function reader(...bytes: number[]): ByteReader {
  return new ByteReader(new Uint8Array(bytes));
}

function fails(f: () => unknown, message: string, offset?: number): void {
  try {
    f();
  } catch (e) {
    assert(e instanceof DecodeError, `expected DecodeError, got ${e}`);
    assertEquals(e.message, message);
    if (offset !== undefined) assertEquals(e.offset, offset);
    return;
  }
  throw new Error(`expected failure "${message}"`);
}

Deno.test("u32: shortest, padded and maximal encodings", () => {
  assertEquals(reader(0x00).u32(), 0);
  assertEquals(reader(0x7f).u32(), 127);
  assertEquals(reader(0x80, 0x01).u32(), 128);
  assertEquals(reader(0x80, 0x80, 0x80, 0x80, 0x00).u32(), 0);
  assertEquals(reader(0xff, 0xff, 0xff, 0xff, 0x0f).u32(), 0xffffffff);
  const r = reader(0x83, 0x80, 0x00, 0x05);
  assertEquals(r.u32(), 3);
  assertEquals(r.at, 3);
});

Deno.test("u32: malformed", () => {
  fails(() => reader(0xff, 0xff, 0xff, 0xff, 0x1f).u32(), "integer too large", 4);
  fails(() => reader(0xff, 0xff, 0xff, 0xff, 0x4f).u32(), "integer too large", 4);
  fails(
    () => reader(0x80, 0x80, 0x80, 0x80, 0x80, 0x00).u32(),
    "integer representation too long",
    5,
  );
  fails(() => reader(0x80, 0x80).u32(), "unexpected end of section or function", 2);
  fails(() => reader().u32(), "unexpected end of section or function", 0);
});

Deno.test("s32: sign extension and limits", () => {
  assertEquals(reader(0x7f).s32(), -1);
  assertEquals(reader(0x3f).s32(), 63);
  assertEquals(reader(0x40).s32(), -64);
  assertEquals(reader(0xc0, 0x00).s32(), 64);
  assertEquals(reader(0xff, 0x7f).s32(), -1);
  assertEquals(reader(0x80, 0x80, 0x80, 0x80, 0x78).s32(), -0x80000000);
  assertEquals(reader(0xff, 0xff, 0xff, 0xff, 0x07).s32(), 0x7fffffff);
  assertEquals(reader(0xff, 0xff, 0xff, 0xff, 0x7f).s32(), -1);
  fails(() => reader(0xff, 0xff, 0xff, 0xff, 0x0f).s32(), "integer too large", 4);
  fails(() => reader(0x80, 0x80, 0x80, 0x80, 0x70).s32(), "integer too large", 4);
  fails(
    () => reader(0xff, 0xff, 0xff, 0xff, 0xff, 0x7f).s32(),
    "integer representation too long",
    5,
  );
});

Deno.test("s33: the full range", () => {
  assertEquals(reader(0x40).s33(), -64);
  assertEquals(reader(0xff, 0xff, 0xff, 0xff, 0x0f).s33(), 0xffffffff);
  assertEquals(reader(0x80, 0x80, 0x80, 0x80, 0x70).s33(), -0x100000000);
  fails(() => reader(0xff, 0xff, 0xff, 0xff, 0x1f).s33(), "integer too large", 4);
});

Deno.test("u64 and s64", () => {
  const max = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
  assertEquals(reader(...max).u64(), 0xffffffffffffffffn);
  assertEquals(reader(...max.slice(0, 9), 0x00).u64(), 0x7fffffffffffffffn);
  fails(() => reader(...max.slice(0, 9), 0x02).u64(), "integer too large", 9);
  fails(() => reader(...max.slice(0, 9), 0x81, 0x00).u64(), "integer representation too long", 10);
  assertEquals(reader(...max.slice(0, 9), 0x7f).s64(), -1n);
  assertEquals(reader(...max.slice(0, 9), 0x00).s64(), 0x7fffffffffffffffn);
  assertEquals(
    reader(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f).s64(),
    -(1n << 63n),
  );
  fails(() => reader(...max.slice(0, 9), 0x01).s64(), "integer too large", 9);
  fails(() => reader(...max.slice(0, 9), 0x3f).s64(), "integer too large", 9);
  assertEquals(reader(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40).s64(), -(1n << 48n));
  assertEquals(reader(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40).s64(), -(1n << 55n));
});

Deno.test("LEB128 round trips through ByteWriter", () => {
  const u32s = [0, 1, 63, 64, 127, 128, 16383, 16384, 0x7fffffff, 0x80000000, 0xffffffff];
  const s32s = [0, 1, -1, 63, 64, -64, -65, 8191, -8192, 0x7fffffff, -0x80000000];
  const s33s = [-0x100000000, 0xffffffff, -64, 63, 0x80000000];
  const i64s = [
    0n,
    -1n,
    1n << 62n,
    -(1n << 63n),
    (1n << 63n) - 1n,
    0x123456789abcdefn,
    -(1n << 48n),
  ];
  const u64s = [0n, 0x80n, 1n << 49n, 1n << 56n, (1n << 64n) - 1n, 0xffffffffn, 0x100000000n];
  const w = new ByteWriter(1);
  for (const v of u32s) w.u32(v);
  for (const v of s32s) w.s32(v);
  for (const v of s33s) w.s33(v);
  for (const v of i64s) w.s64(v);
  for (const v of u64s) w.u64(v);
  w.f32bits(0x7fc00001);
  w.f64bits(0xfff0000000000001n);
  w.name("héllo $ 𝄞");
  w.name("");
  const r = new ByteReader(w.finish());
  for (const v of u32s) assertEquals(r.u32(), v);
  for (const v of s32s) assertEquals(r.s32(), v);
  for (const v of s33s) assertEquals(r.s33(), v);
  for (const v of i64s) assertEquals(r.s64(), v);
  for (const v of u64s) assertEquals(r.u64(), v);
  assertEquals(r.f32bits(), 0x7fc00001);
  assertEquals(r.f64bits(), 0xfff0000000000001n);
  assertEquals(r.name(), "héllo $ 𝄞");
  assertEquals(r.name(), "");
  assert(r.eos);
});

Deno.test("names: lengths and UTF-8", () => {
  assertEquals(reader(2, 0x61, 0x62).name(), "ab");
  assertEquals(reader(3, 0xef, 0xbb, 0xbf).name(), "\ufeff");
  fails(() => reader(4, 0x61, 0x62).name(), "length out of bounds", 0);
  fails(() => reader(3, 0x61, 0x62).name(), "unexpected end of section or function", 3);
  fails(() => reader(1, 0x80).name(), "malformed UTF-8 encoding", 0);
  fails(() => reader(2, 0xc0, 0x80).name(), "malformed UTF-8 encoding"); // overlong
  fails(() => reader(3, 0xed, 0xa0, 0x80).name(), "malformed UTF-8 encoding"); // surrogate
  fails(() => reader(4, 0xf4, 0x90, 0x80, 0x80).name(), "malformed UTF-8 encoding"); // > 10FFFF
});

Deno.test("u8 lane indices", () => {
  assertEquals(reader(0x0f).u8(), 15);
  assertEquals(reader(0xff, 0x01).u8(), 255);
  fails(() => reader(0xff, 0x02).u8(), "integer too large", 1);
  fails(() => reader(0x80, 0x80, 0x00).u8(), "integer representation too long", 2);
});
