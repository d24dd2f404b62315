import assert from "node:assert/strict";
import { LinkError, Trap } from "../../src/errors.ts";
import { invoke } from "../../src/exec/invoke.ts";
import { Machine } from "../../src/exec/machine.ts";
import { readGlobal } from "../../src/runtime/global.ts";
import { instantiate } from "../../src/exec/instantiate.ts";
import { createSpectest } from "../../src/runtime/spectest.ts";
import { type ExternVal, newStore } from "../../src/runtime/store.ts";
import { parseModuleText } from "../../src/text/parse.ts";
import { validateModule } from "../../src/valid/validate.ts";

function setup(): { machine: Machine; spectest: Map<string, ExternVal> } {
  const machine = new Machine(newStore());
  return { machine, spectest: createSpectest(machine) };
}

function inst(machine: Machine, text: string, imports: ExternVal[] = []): number {
  const m = parseModuleText(text);
  return instantiate(machine, m, validateModule(m), imports);
}

function exp(machine: Machine, index: number, name: string): ExternVal {
  const ev = machine.store.instances[index].exports.get(name);
  assert.ok(ev !== undefined, `no export ${name}`);
  return ev;
}

Deno.test("instantiate: globals, extended constants, exports", () => {
  const { machine, spectest } = setup();
  const i = inst(
    machine,
    `(module (import "spectest" "global_i32" (global $g i32))
      (global $h i32 (i32.add (global.get $g) (i32.const 1)))
      (global (export "k") i64 (i64.mul (i64.const 3) (i64.const -2)))
      (global (export "h") i32 (global.get $h)))`,
    [spectest.get("global_i32")!],
  );
  assert.equal(readGlobal(machine.store, exp(machine, i, "h").addr), 667);
  assert.equal(readGlobal(machine.store, exp(machine, i, "k").addr), -6n);
});

Deno.test("instantiate: incompatible import types", () => {
  const { machine, spectest } = setup();
  const bad: [string, string][] = [
    [`(module (import "spectest" "print_i32" (func (param i64))))`, "print_i32"],
    [`(module (import "spectest" "global_i32" (global i64)))`, "global_i32"],
    [`(module (import "spectest" "global_i32" (global (mut i32))))`, "global_i32"],
    [`(module (import "spectest" "memory" (memory 3)))`, "memory"],
    [`(module (import "spectest" "memory" (memory 1 1)))`, "memory"],
    [`(module (import "spectest" "table" (table 10 15 funcref)))`, "table"],
    [`(module (import "spectest" "table" (table 10 externref)))`, "table"],
    [`(module (import "spectest" "table" (memory 1)))`, "table"],
  ];
  for (const [text, name] of bad) {
    assert.throws(
      () => inst(machine, text, [spectest.get(name)!]),
      (e) => e instanceof LinkError && e.message.startsWith("incompatible import type"),
      text,
    );
  }
  inst(machine, `(module (import "spectest" "memory" (memory 0 3)))`, [spectest.get("memory")!]);
  inst(machine, `(module (import "spectest" "table" (table 5 25 funcref)))`, [
    spectest.get("table")!,
  ]);
});

Deno.test("instantiate: segments, their bounds, and partial initialization", () => {
  const { machine } = setup();
  const a = inst(
    machine,
    `(module (memory (export "mem") 1) (table (export "tab") 3 funcref)
      (func (export "f") (result i32) i32.const 9)
      (elem (i32.const 1) func 0)
      (data (i32.const 65534) "ab"))`,
  );
  const mem = machine.store.memories[exp(machine, a, "mem").addr];
  assert.equal(new Uint8Array(mem.buffer)[65535], 0x62);
  const tab = machine.store.tables[exp(machine, a, "tab").addr];
  assert.equal(tab.elems[1], exp(machine, a, "f").addr);
  // The element segment is written before the failing data segment, and stays.
  assert.throws(
    () =>
      inst(
        machine,
        `(module (import "a" "tab" (table 3 funcref)) (import "a" "mem" (memory 1))
        (func $g (result i32) i32.const 7)
        (elem (i32.const 2) func $g)
        (data (i32.const 65535) "xy"))`,
        [exp(machine, a, "tab"), exp(machine, a, "mem")],
      ),
    (e) => e instanceof Trap && e.message === "out of bounds memory access",
  );
  assert.deepEqual(invoke(machine, tab.elems[2], []), [7]);
  assert.throws(
    () =>
      inst(
        machine,
        `(module (import "a" "tab" (table 3 funcref)) (func $g) (elem (i32.const 3) func $g))`,
        [exp(machine, a, "tab")],
      ),
    (e) => e instanceof Trap && e.message === "out of bounds table access",
  );
});

Deno.test("instantiate: the start function runs last", () => {
  const { machine } = setup();
  const i = inst(
    machine,
    `(module (global $g (export "g") (mut i32) (i32.const 1)) (memory 1)
      (data (i32.const 0) "\\05")
      (func $s (global.set $g (i32.add (global.get $g) (i32.load8_u (i32.const 0)))))
      (start $s))`,
  );
  assert.equal(readGlobal(machine.store, exp(machine, i, "g").addr), 6);
  assert.throws(
    () => inst(machine, `(module (func $s unreachable) (start $s))`),
    (e) => e instanceof Trap && e.message === "unreachable",
  );
});

Deno.test("instantiate: passive and declarative segments", () => {
  const { machine } = setup();
  const i = inst(
    machine,
    `(module (memory 1) (table 1 funcref) (func $f)
      (elem declare func $f) (elem $p func $f) (data $d "x") (data (i32.const 0) "y"))`,
  );
  const instance = machine.store.instances[i];
  assert.equal(instance.elems[0], null);
  assert.equal(instance.elems[1]!.length, 1);
  assert.deepEqual(instance.datas[0], new TextEncoder().encode("x"));
  assert.equal(instance.datas[1], null);
});

Deno.test("instantiate: imported functions match by subtyping", () => {
  const { machine } = setup();
  const a = inst(
    machine,
    `(module (type $t (sub (func))) (type $u (sub $t (func)))
      (func (export "sub") (type $u)) (func (export "super") (type $t)))`,
  );
  const sub = exp(machine, a, "sub"), sup = exp(machine, a, "super");
  inst(machine, `(module (type $t (sub (func))) (import "a" "f" (func (type $t))))`, [sub]);
  inst(machine, `(module (type $t (sub (func))) (import "a" "f" (func (type $t))))`, [sup]);
  assert.throws(
    () =>
      inst(
        machine,
        `(module (type $t (sub (func))) (type $u (sub $t (func))) (import "a" "f" (func (type $u))))`,
        [sup],
      ),
    LinkError,
  );
  assert.throws(() => inst(machine, `(module (import "a" "f" (func)))`, [sup]), LinkError);
});
