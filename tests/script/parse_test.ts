import assert from "node:assert/strict";
import { ParseError } from "../../src/errors.ts";
import { parseScript } from "../../src/script/parse.ts";
import type { Command } from "../../src/script/ast.ts";
import { HEAP_ANY, HEAP_EXTERN, HEAP_FUNC, HEAP_I31 } from "../../src/syntax/types.ts";

function one(source: string): Command {
  const { commands } = parseScript(source);
  assert.equal(commands.length, 1);
  return commands[0];
}

Deno.test("module commands keep text, binary and quote sources", () => {
  const { commands } = parseScript(`
(module $m (func))
(module binary "\\00asm" "\\01\\00\\00\\00")
(module $q quote "(func)" " (memory 1)")
(module definition $d (memory 1))
(module instance $i $d)
(module instance $d)
(module instance)
`);
  assert.equal(commands.length, 7);
  const [text, binary, quote, def, inst2, inst1, inst0] = commands;
  assert.ok(text.kind === "module" && text.module.source.kind === "text");
  assert.equal(text.line, 2);
  assert.equal(text.module.id, "m");
  assert.equal(text.module.definition, false);
  assert.ok(binary.kind === "module" && binary.module.source.kind === "binary");
  assert.deepEqual([...binary.module.source.bytes], [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
  assert.ok(quote.kind === "module" && quote.module.source.kind === "quote");
  assert.equal(new TextDecoder().decode(quote.module.source.bytes), "(func) (memory 1)");
  assert.equal(quote.module.id, "q");
  assert.ok(def.kind === "module" && def.module.definition && def.module.id === "d");
  // The list handed to parseModule has no `definition` keyword.
  assert.ok(def.module.source.kind === "text");
  const items = def.module.source.list.items;
  assert.ok(items[0].kind === "keyword" && items[0].text === "module");
  assert.ok(items[1].kind === "id" && items[1].text === "d");
  assert.deepEqual(inst2, { kind: "module_instance", line: 6, instance: "i", module: "d" });
  assert.deepEqual(inst1, { kind: "module_instance", line: 7, instance: null, module: "d" });
  assert.deepEqual(inst0, { kind: "module_instance", line: 8, instance: null, module: null });
});

Deno.test("quote keeps the strings' bytes, invalid UTF-8 included", () => {
  const c = one(`(module quote "(@a \\80)")`);
  assert.ok(c.kind === "module" && c.module.source.kind === "quote");
  assert.deepEqual([...c.module.source.bytes], [...new TextEncoder().encode("(@a "), 0x80, 0x29]);
});

Deno.test("actions and constants", () => {
  const c = one(`(invoke $inst "f\\u{41}" (i32.const -1) (i64.const 0xffff_ffff_ffff_ffff)
    (f32.const -0x1p-1) (f64.const nan:0x1) (ref.null func) (ref.extern 7) (ref.host 3)
    (v128.const i16x8 1 2 3 4 5 6 7 -1))`);
  assert.ok(c.kind === "action" && c.action.kind === "invoke");
  assert.equal(c.action.instance, "inst");
  assert.equal(c.action.name, "fA");
  const [i32, i64, f32, f64, nul, ext, host, v128] = c.action.args;
  assert.deepEqual(i32, { type: "i32", value: -1 });
  assert.deepEqual(i64, { type: "i64", value: -1n });
  assert.deepEqual(f32, { type: "f32", bits: 0xbf000000 });
  assert.deepEqual(f64, { type: "f64", bits: 0x7ff0000000000001n });
  assert.deepEqual(nul, { type: "ref", ref: { kind: "null", heap: HEAP_FUNC } });
  assert.deepEqual(ext, { type: "ref", ref: { kind: "extern", ref: { kind: "host", id: 7 } } });
  assert.deepEqual(host, { type: "ref", ref: { kind: "host", id: 3 } });
  assert.ok(v128.type === "v128");
  assert.deepEqual([...v128.bytes], [1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 0xff, 0xff]);
  const g = one(`(get "g")`);
  assert.deepEqual(g, {
    kind: "action",
    line: 1,
    action: { kind: "get", instance: null, name: "g", line: 1 },
  });
});

Deno.test("result patterns", () => {
  const c = one(`(assert_return (invoke "f")
    (i32.const 1) (f32.const nan:canonical) (f64.const nan:arithmetic) (f64.const -nan)
    (v128.const f32x4 nan:canonical 1 -0 nan:arithmetic)
    (v128.const i8x16 -1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 255)
    (ref.null) (ref.null extern) (ref.extern) (ref.extern 2) (ref.host 1) (ref) (ref.i31)
    (either (i32.const 1) (i32.const 2)))`);
  assert.ok(c.kind === "assert_return");
  const r = c.results;
  assert.deepEqual(r[0], { kind: "value", value: { type: "i32", value: 1 } });
  assert.deepEqual(r[1], { kind: "nan", type: "f32", nan: "canonical" });
  assert.deepEqual(r[2], { kind: "nan", type: "f64", nan: "arithmetic" });
  assert.deepEqual(r[3], { kind: "value", value: { type: "f64", bits: 0xfff8000000000000n } });
  assert.deepEqual(r[4], {
    kind: "v128",
    shape: "f32x4",
    lanes: ["canonical", 0x3f800000n, 0x80000000n, "arithmetic"],
  });
  assert.ok(r[5].kind === "v128");
  assert.equal(r[5].lanes[0], 0xffn);
  assert.equal(r[5].lanes[15], 0xffn);
  assert.deepEqual(r[6], { kind: "ref.null", heap: null });
  assert.deepEqual(r[7], { kind: "ref.null", heap: HEAP_EXTERN });
  assert.deepEqual(r[8], { kind: "ref", heap: HEAP_EXTERN });
  assert.deepEqual(r[9], { kind: "ref.extern", id: 2 });
  assert.deepEqual(r[10], { kind: "ref.host", id: 1 });
  assert.deepEqual(r[11], { kind: "ref", heap: HEAP_ANY });
  assert.deepEqual(r[12], { kind: "ref", heap: HEAP_I31 });
  assert.equal(r[13].kind, "either");
});

Deno.test("assertions", () => {
  const { commands } = parseScript(`
(assert_trap (invoke "f") "unreachable")
(assert_trap (module (start 0)) "out of bounds")
(assert_exhaustion (invoke "f") "call stack exhausted")
(assert_exception (invoke "f"))
(assert_unlinkable (module (import "a" "b" (func))) "unknown import")
(assert_malformed (module binary "") "unexpected end")
(assert_invalid (module quote "(func (i32.add))") "type mismatch")
(register "m" $m)
(register "n")
`);
  assert.deepEqual(
    commands.map((c) => c.kind),
    [
      "assert_trap",
      "assert_uninstantiable",
      "assert_exhaustion",
      "assert_exception",
      "assert_unlinkable",
      "assert_malformed",
      "assert_invalid",
      "register",
      "register",
    ],
  );
  const [trap, uninst] = commands;
  assert.ok(trap.kind === "assert_trap" && trap.message === "unreachable");
  assert.ok(uninst.kind === "assert_uninstantiable" && uninst.target.kind === "module");
  assert.deepEqual(commands[7], { kind: "register", line: 9, name: "m", instance: "m" });
  assert.deepEqual(commands[8], { kind: "register", line: 10, name: "n", instance: null });
});

Deno.test("threads, meta commands and inline modules", () => {
  const { commands } = parseScript(`
(thread $T1 (shared (module $Mem)) (register "mem" $Mem) (invoke "f"))
(wait $T1)
(script $s)
`);
  const [thread, wait, meta] = commands;
  assert.ok(thread.kind === "thread");
  assert.equal(thread.name, "T1");
  assert.deepEqual(thread.shared, ["Mem"]);
  assert.deepEqual(thread.commands.map((c) => c.kind), ["register", "action"]);
  assert.deepEqual(wait, { kind: "wait", line: 3, thread: "T1" });
  assert.deepEqual(meta, { kind: "meta", line: 4, name: "script" });
  const inline = parseScript("(func) (memory 0)");
  assert.equal(inline.commands.length, 1);
  const m = inline.commands[0];
  assert.ok(m.kind === "module" && m.module.source.kind === "text");
  assert.equal(m.module.source.list.items.length, 3);
});

Deno.test("malformed scripts throw ParseError with a position", () => {
  const bad = [
    "(frobnicate)",
    '(assert_return (invoke "f") (i32.const 0x1_0000_0000))',
    '(assert_return (invoke "f") (i32.const))',
    '(invoke "f" (v128.const i32x4 1 2 3))',
    '(invoke "f" (f32.const nan:canonical))',
    '(assert_return (invoke "f") (v128.const i32x4 nan:canonical 0 0 0))',
    "(assert_invalid (module) 42)",
    '(assert_unlinkable (module definition) "x")',
    "(module",
    "atom",
  ];
  for (const source of bad) {
    assert.throws(() => parseScript(source), ParseError, source);
  }
  try {
    parseScript('\n  (assert_return (invoke "f") (i64.const 1x))');
    assert.fail("no error");
  } catch (err) {
    assert.ok(err instanceof ParseError);
    assert.equal(err.line, 2);
  }
});
