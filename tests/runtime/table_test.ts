import assert from "node:assert/strict";
import { growTable, MAX_TABLE_SIZE, newTable, tryNewTable } from "../../src/runtime/table.ts";
import { FUNCREF } from "../../src/syntax/types.ts";

const tt = (min: bigint, max: bigint | null) => ({
  is64: false,
  limits: { min, max },
  elem: FUNCREF,
});

Deno.test("newTable fills with the initial reference", () => {
  const t = newTable(tt(3n, null), 5);
  assert.equal(t.size, 3);
  assert.deepEqual([...t.elems.subarray(0, 3)], [5, 5, 5]);
});

Deno.test("growTable grows within the maximum and fills new elements", () => {
  const t = newTable(tt(1n, 10n), 0);
  assert.equal(growTable(t, 2, 9), 1);
  assert.equal(t.size, 3);
  assert.deepEqual([...t.elems.subarray(0, 3)], [0, 9, 9]);
  assert.equal(growTable(t, 8, 0), -1);
  assert.equal(t.size, 3);
  assert.equal(growTable(t, 7, 4), 3);
  assert.equal(t.size, 10);
  assert.equal(t.elems[9], 4);
  assert.equal(growTable(t, 0, 0), 10);
  assert.equal(growTable(t, 1, 0), -1);
});

Deno.test("growTable amortizes capacity and respects the engine limit", () => {
  const t = newTable(tt(0n, null), 0);
  for (let i = 0; i < 100; i++) assert.equal(growTable(t, 1, i + 1), i);
  assert.equal(t.size, 100);
  assert.equal(t.elems[99], 100);
  assert.equal(growTable(t, MAX_TABLE_SIZE, 0), -1);
  assert.equal(tryNewTable(tt(BigInt(MAX_TABLE_SIZE) + 1n, null), 0), null);
});
