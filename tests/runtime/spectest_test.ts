import assert from "node:assert/strict";
import { invoke } from "../../src/exec/invoke.ts";
import { Machine } from "../../src/exec/machine.ts";
import type { RawValue } from "../../src/runtime/values.ts";
import { readGlobal } from "../../src/runtime/global.ts";
import { createSpectest } from "../../src/runtime/spectest.ts";
import { newStore } from "../../src/runtime/store.ts";

Deno.test("spectest: globals, table, memory", () => {
  const machine = new Machine(newStore());
  const s = createSpectest(machine);
  const store = machine.store;
  assert.equal(readGlobal(store, s.get("global_i32")!.addr), 666);
  assert.equal(readGlobal(store, s.get("global_i64")!.addr), 666n);
  assert.equal(readGlobal(store, s.get("global_f32")!.addr), 0x4426a666);
  assert.equal(readGlobal(store, s.get("global_f64")!.addr), 0x4084d4cccccccccdn);
  const table = store.tables[s.get("table")!.addr];
  assert.equal(table.size, 10);
  assert.equal(table.type.limits.max, 20n);
  assert.equal(store.tables[s.get("table64")!.addr].type.is64, true);
  const mem = store.memories[s.get("memory")!.addr];
  assert.equal(mem.pages, 1);
  assert.equal(mem.type.limits.max, 2n);
});

Deno.test("spectest: print functions call the sink", () => {
  const machine = new Machine(newStore());
  const seen: [string, RawValue[]][] = [];
  const s = createSpectest(machine, (name, args) => seen.push([name, args]));
  assert.deepEqual(invoke(machine, s.get("print_i32_f32")!.addr, [1, 0x3f800000]), []);
  assert.deepEqual(seen, [["print_i32_f32", [1, 0x3f800000]]]);
});
