import assert from "node:assert/strict";
import {
  growMemory,
  MAX_PAGES_32,
  memoryByteLength,
  memoryPageLimit,
  newMemory,
  PAGE_SIZE,
  tryNewMemory,
} from "../../src/runtime/memory.ts";

const mt = (min: bigint, max: bigint | null, is64 = false) => ({
  is64,
  shared: false,
  limits: { min, max },
});

Deno.test("newMemory allocates min pages, zeroed", () => {
  const m = newMemory(mt(2n, 5n));
  assert.equal(m.pages, 2);
  assert.equal(m.buffer.byteLength, 2 * PAGE_SIZE);
  assert.equal(memoryByteLength(m), 2 * PAGE_SIZE);
  assert.ok(new Uint8Array(m.buffer).every((b) => b === 0));
});

Deno.test("growMemory returns the old size and keeps contents", () => {
  const m = newMemory(mt(1n, 3n));
  new Uint8Array(m.buffer)[100] = 7;
  const gen = m.generation;
  assert.equal(growMemory(m, 1), 1);
  assert.equal(m.pages, 2);
  assert.equal(m.buffer.byteLength, 2 * PAGE_SIZE);
  assert.equal(new Uint8Array(m.buffer)[100], 7);
  assert.equal(m.generation, gen + 1);
  assert.equal(growMemory(m, 0), 2);
  assert.equal(m.generation, gen + 1);
  assert.equal(growMemory(m, 2), -1);
  assert.equal(m.pages, 2);
  assert.equal(growMemory(m, 1), 2);
  assert.equal(growMemory(m, 1), -1);
});

Deno.test("growMemory fails beyond the engine and address limits", () => {
  const m = newMemory(mt(0n, null));
  assert.equal(memoryPageLimit(m.type), MAX_PAGES_32);
  assert.equal(growMemory(m, MAX_PAGES_32 + 1), -1);
  assert.equal(growMemory(m, -1), -1);
  assert.equal(growMemory(m, Infinity), -1);
  assert.equal(m.pages, 0);
});

Deno.test("tryNewMemory refuses an initial size beyond the engine limit", () => {
  assert.equal(tryNewMemory(mt(0x1_0000_0000n, null, true)), null);
  assert.throws(() => newMemory(mt(0x1_0000_0000n, null, true)));
});
