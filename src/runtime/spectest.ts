/**
 * The `spectest` host module that the spec testsuite imports from (the reference
 * interpreter's `host/spectest.ml`, described in its README): constant globals holding 666
 * (`global_i32`, `global_i64`) and 666.6 (`global_f32`, `global_f64`), a table of 10..20
 * funcrefs (`table`) and its i64-indexed twin (`table64`), a memory of 1..2 pages (`memory`),
 * and print functions `print`, `print_i32`, `print_i64`, `print_f32`, `print_f64`,
 * `print_i32_f32`, `print_f64_f64` that hand their arguments to a sink (ignored by default).
 *
 * Each call of {@linkcode createSpectest} allocates a fresh set in the machine's store.
 *
 * @module
 */

import { F32, F64, FUNCREF, I32, I64, type ValType } from "../syntax/types.ts";
import { allocGlobal } from "./global.ts";
import { allocHostFunc, canonFuncType, type HostBinder } from "./host.ts";
import { newMemory } from "./memory.ts";
import type { ExternVal } from "./store.ts";
import { newTable } from "./table.ts";
import type { RawValue } from "./values.ts";

/** Receives the arguments of a `spectest` print function (raw values, see values.ts). */
export type PrintSink = (name: string, args: RawValue[]) => void;

const PRINTS: [string, ValType[]][] = [
  ["print", []],
  ["print_i32", [I32]],
  ["print_i64", [I64]],
  ["print_f32", [F32]],
  ["print_f64", [F64]],
  ["print_i32_f32", [I32, F32]],
  ["print_f64_f64", [F64, F64]],
];

/**
 * Allocates the `spectest` module's exports in `machine`'s store (its print functions bound
 * on `machine`) and returns them by name.
 */
export function createSpectest(
  machine: HostBinder,
  sink: PrintSink = () => {},
): Map<string, ExternVal> {
  const store = machine.store;
  const exports = new Map<string, ExternVal>();
  for (const [name, params] of PRINTS) {
    const type = canonFuncType(params, []);
    const addr = allocHostFunc(machine, type, "spectest", name, (args) => {
      sink(name, args);
      return [];
    });
    exports.set(name, { kind: "func", addr });
  }
  const f32 = new Float32Array([666.6]);
  const f64 = new Float64Array([666.6]);
  const globals: [string, ValType, RawValue][] = [
    ["global_i32", I32, 666],
    ["global_i64", I64, 666n],
    ["global_f32", F32, new Uint32Array(f32.buffer)[0]],
    ["global_f64", F64, new BigUint64Array(f64.buffer)[0]],
  ];
  for (const [name, type, value] of globals) {
    exports.set(name, { kind: "global", addr: allocGlobal(store, type, false, value) });
  }
  for (const [name, is64] of [["table", false], ["table64", true]] as const) {
    store.tables.push(newTable({ is64, limits: { min: 10n, max: 20n }, elem: FUNCREF }, 0));
    exports.set(name, { kind: "table", addr: store.tables.length - 1 });
  }
  store.memories.push(newMemory({ is64: false, shared: false, limits: { min: 1n, max: 2n } }));
  exports.set("memory", { kind: "memory", addr: store.memories.length - 1 });
  return exports;
}
