import assert from "node:assert/strict";
import { createWasi, I32, Recording, Runtime, type WasmFunction } from "../../mod.ts";
import { callStack, functionWat, globals, locals } from "../../src/debug/inspect.ts";

// testdata/debug/corrupt.c: an off-by-one loop in `corrupt` writes over a guard value late in
// the run. From the end, a reverse-continue on a watchpoint over the guard must stop at that
// store: inside `corrupt` (name section), at an i32.store (the module's byte at the wasm
// offset), the guard still 42 there and 48 one tick later.

const url = new URL("../../testdata/debug/corrupt.wasm", import.meta.url);

Deno.test("watchpoint: reverse-continue from the end stops at the store that corrupted", () => {
  const bytes = Deno.readFileSync(url);
  const out: Uint8Array[] = [];
  const wasi = createWasi({ args: ["corrupt"], stdout: (b) => void out.push(b.slice()) });
  const runtime = new Runtime();
  const instance = runtime.instantiate(bytes, wasi.imports(bytes));
  wasi.bind(instance);
  const rec = new Recording(runtime.start(instance.exports._start as WasmFunction), { wasi });
  const r = rec.record();
  assert.equal(r.status, "complete"); // _start returns (main returned 0)
  const text = new TextDecoder().decode(new Uint8Array(out.flatMap((b) => [...b])));
  const at = Number(/guard at (\d+)/.exec(text)![1]);
  assert.match(text, /guard 48\n$/);
  const outputs = out.length;

  const m = rec.machine;
  const guard = () => new DataView(m.store.memories[0].buffer).getInt32(at, true);
  assert.equal(guard(), 48);
  rec.watchpoints.push({ kind: "memory", address: at, length: 4 });
  assert.deepEqual(rec.reverseContinue(), { reason: "watchpoint", index: 0 });
  assert.ok(rec.tick > rec.end / 2, "the corruption happens late");
  assert.equal(guard(), 42);
  const stack = callStack(m);
  assert.equal(stack[0].name, "corrupt");
  assert.deepEqual(stack.map((f) => f.name), [
    "corrupt",
    "__original_main",
    "_start",
    "_start.command_export",
  ]);
  assert.equal(bytes[stack[0].offset!], 0x36, "i32.store at the wasm offset");
  // clang -O1 walks a pointer: it and the value about to be stored are locals (i32) there.
  const ls = locals(m, stack[0]);
  assert.ok(ls.some((l) => l.type === I32 && l.value === at), "the pointer at the guard");
  assert.ok(ls.some((l) => l.type === I32 && l.value === 48), "the value 16 * 3");
  const wat = functionWat(m, stack[0].func, stack[0].offset);
  assert.match(wat, /^\(func \$corrupt /);
  assert.match(wat, /\n=> +i32\.store[^\n]*;; @[0-9a-f]+\n/, wat);
  assert.equal(wat.split("\n").filter((l) => l.startsWith("=>")).length, 1);
  const sp = globals(m).find((g) => g.name === "__stack_pointer");
  assert.ok(sp !== undefined && sp.type === I32 && sp.mutable, "clang's stack pointer global");
  assert.ok(
    (sp.value as number) > 0 && (sp.value as number) <= m.store.memories[0].buffer.byteLength,
  );
  rec.stepForward();
  assert.equal(guard(), 48);
  // Before the store, the guard was never written (42 since the start).
  rec.stepBack();
  assert.deepEqual(rec.reverseContinue(), { reason: "start" });
  assert.equal(rec.tick, 0);
  assert.equal(out.length, outputs, "travelling wrote no output");
});
