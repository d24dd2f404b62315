import assert from "node:assert/strict";
import { encodeModule } from "../../src/binary/encode.ts";
import { decodeModule } from "../../src/binary/decode.ts";
import { LinkError, UnsupportedError } from "../../src/errors.ts";
import { Machine } from "../../src/exec/machine.ts";
import { instantiate } from "../../src/exec/instantiate.ts";
import { newStore } from "../../src/runtime/store.ts";
import { CONST_RUNS, RUNS, useName } from "../../src/ir/support.ts";
import { Op, type OpName } from "../../src/syntax/opcodes.ts";
import { USE_GLOBAL_GET_V128, USE_GLOBAL_SET_V128, USE_SELECT_V128 } from "../../src/valid/code.ts";
import { parseModuleText } from "../../src/text/parse.ts";
import { validateModule } from "../../src/valid/validate.ts";

/**
 * Instantiates `wat` (through the binary format, so that offsets are real) with `names`
 * marked as not run (the engine runs every instruction today); the error.
 */
function refusal(wat: string, names: OpName[] = ["struct.new"]): UnsupportedError {
  const saved = names.map((n) => [RUNS[Op[n]], CONST_RUNS[Op[n]]]);
  for (const n of names) RUNS[Op[n]] = CONST_RUNS[Op[n]] = 0;
  try {
    return refused(wat);
  } finally {
    names.forEach((n, i) => [RUNS[Op[n]], CONST_RUNS[Op[n]]] = saved[i]);
  }
}

function refused(wat: string): UnsupportedError {
  const module = decodeModule(encodeModule(parseModuleText(wat)));
  const info = validateModule(module);
  const machine = new Machine(newStore());
  try {
    instantiate(machine, module, info, []);
  } catch (e) {
    assert.ok(e instanceof UnsupportedError, `not an UnsupportedError: ${e}`);
    assert.equal(machine.store.instances.length, 0, "nothing is allocated");
    return e;
  }
  assert.fail("instantiated");
}

Deno.test("support: an instruction not run is refused at instantiation, naming it and its function", () => {
  const wat = `(module (type $s (struct (field i32)))
    (func $ok (export "ok") (result i32) (i32.const 1))
    (func $obj (export "obj") (param i32) (result i32)
      (i32.add (i32.const 1) (struct.get $s 0 (struct.new $s (local.get 0))))))`;
  const e = refusal(wat);
  assert.equal(e.instruction, "struct.new");
  assert.equal(e.func, 1);
  assert.equal(e.funcName, "obj");
  assert.equal(e.message, "struct.new is not supported by this engine yet");
  // The offset is the instruction's in the binary: the byte there is the 0xFB prefix.
  const bytes = encodeModule(parseModuleText(wat));
  assert.equal(bytes[e.offset!], 0xfb);
  assert.equal(
    e.describe(),
    `${e.message} (in function 1 $obj at byte 0x${e.offset!.toString(16)})`,
  );
});

Deno.test("support: the first function that uses one is named", () => {
  const e = refusal(`(module (type $s (struct (field i32)))
    (func (export "a") (result i32) (i32.const 0))
    (func (export "b") (result (ref $s)) (struct.new $s (i32.const 1)))
    (func (export "c") (result v128) (v128.const i64x2 0 0)))`);
  assert.equal(e.instruction, "struct.new");
  assert.equal(e.func, 1);
  assert.equal(e.funcName, null);
  assert.equal(
    e.describe().startsWith(
      "struct.new is not supported by this engine yet (in function 1 at byte 0x",
    ),
    true,
  );
});

Deno.test("support: SIMD, and select and globals over v128 (forms of their own), run", () => {
  assert.equal(useName(USE_SELECT_V128), "select (v128)");
  assert.equal(useName(USE_GLOBAL_GET_V128), "global.get (v128)");
  for (const key of [USE_SELECT_V128, USE_GLOBAL_GET_V128, USE_GLOBAL_SET_V128]) {
    assert.equal(RUNS[key], 1);
  }
  const m = parseModuleText(`(module (memory 1) (global $g (mut v128) (v128.const i64x2 1 2))
    (func $id (param v128) (result v128) (local.get 0))
    (func (export "f") (param v128 i32) (result v128)
      (global.set $g (i32x4.add (global.get $g) (v128.load (local.get 1))))
      (select (call $id (local.get 0)) (global.get $g) (local.get 1))))`);
  instantiate(new Machine(newStore()), m, validateModule(m), []);
});

Deno.test("support: a constant expression not run is refused as unsupported, not as a link error", () => {
  const e = refusal(
    `(module (type $a (array i8))
    (global (ref $a) (array.new_fixed $a 1 (i32.const 7))))`,
    ["array.new_fixed"],
  );
  assert.ok(!(e instanceof LinkError));
  assert.equal(e.instruction, "array.new_fixed");
  assert.equal(e.func, null);
  assert.equal(
    e.describe(),
    "array.new_fixed is not supported by this engine yet (in a constant expression)",
  );
});

Deno.test("support: every instruction runs, GC included", () => {
  assert.deepEqual([...RUNS].flatMap((r, k) => r === 0 ? [useName(k)] : []), []);
  const m = parseModuleText(`(module (type $s (struct (field i32)))
    (global (ref $s) (struct.new $s (i32.const 1)))
    (func (export "f") (result i32) (struct.get $s 0 (struct.new $s (i32.const 2)))))`);
  instantiate(new Machine(newStore()), m, validateModule(m), []);
});
