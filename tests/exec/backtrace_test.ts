/**
 * Wasm backtraces of failed invocations. Oracles: the binary itself (the byte at each frame's
 * offset is the opcode of the instruction it names: the trapping one, then `call`s) and
 * wasmtime's documented backtrace line format (`    0:   0x2a - module!function`).
 */

import assert from "node:assert/strict";
import { decodeModule } from "../../src/binary/decode.ts";
import { encodeModule } from "../../src/binary/encode.ts";
import { Exhaustion, Trap, type WasmError } from "../../src/errors.ts";
import { Runtime, UncaughtWasmException } from "../../src/api/runtime.ts";
import { CompiledModule } from "../../src/api/module.ts";
import { MAX_TRACE } from "../../src/exec/backtrace.ts";
import { parseModuleText } from "../../src/text/parse.ts";

const TEXT = `(module $demo
  (import "env" "host" (func $host (param i32) (result i32)))
  (func $div (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func $middle (param i32) (result i32) (call $div (i32.const 1) (local.get 0)))
  (func (export "main") (param i32) (result i32) (nop) (call $middle (local.get 0)))
  (func (export "viaHost") (param i32) (result i32) (call $host (local.get 0)))
  (tag $oops (param i32))
  (func $thrower (export "throw") (throw $oops (i32.const 42)))
  (func $rec (export "rec") (call $rec)))`;

const BYTES = encodeModule(parseModuleText(TEXT));

/** The module instantiated from its binary (so offsets are the binary's). */
function load(): Record<string, (...a: unknown[]) => unknown> {
  const rt = new Runtime();
  let exports: Record<string, (...a: unknown[]) => unknown> = {};
  exports = rt.instantiate(new CompiledModule(decodeModule(BYTES)), {
    env: { host: (n: unknown) => exports.main(n) },
  }).exports as typeof exports;
  return exports;
}

function failure(f: () => unknown): WasmError {
  try {
    f();
  } catch (e) {
    return e as WasmError;
  }
  assert.fail("no error");
}

const LINE = /^ {0,4}\d+: {0,4}0x[0-9a-f]+ - (<unknown>|[^!\s]+)!(\S+|<wasm function \d+>)$/;

Deno.test("backtrace: a trap names each frame, innermost first, at its instruction", () => {
  const e = failure(() => load().main(0));
  assert.ok(e instanceof Trap);
  assert.equal(e.message, "integer divide by zero");
  assert.deepEqual(e.trace.map((f) => [f.func, f.name, f.module]), [
    [1, "div", "demo"],
    [2, "middle", "demo"],
    [3, null, "demo"],
  ]);
  // The trapping instruction, then the calls.
  assert.deepEqual(e.trace.map((f) => BYTES[f.offset!]), [0x6d, 0x10, 0x10]);
  const lines = e.backtrace();
  assert.equal(lines.length, 3);
  for (const line of lines) assert.match(line, LINE);
  assert.match(lines[0], /^ {4}0: +0x[0-9a-f]+ - demo!div$/);
  assert.match(lines[2], /^ {4}2: +0x[0-9a-f]+ - demo!<wasm function 3>$/);
});

Deno.test("backtrace: through a host function, both invocations' frames", () => {
  const e = failure(() => load().viaHost(0));
  assert.ok(e instanceof Trap);
  assert.deepEqual(e.trace.map((f) => f.name ?? f.func), ["div", "middle", 3, 4]);
  assert.equal(BYTES[e.trace[3].offset!], 0x10);
});

Deno.test("backtrace: an uncaught exception names its tag and where it was thrown", () => {
  const e = failure(() => load().throw());
  assert.ok(e instanceof UncaughtWasmException);
  assert.equal(e.describe(), "uncaught exception of tag $oops");
  assert.deepEqual(e.trace.map((f) => f.name), ["thrower"]);
  assert.equal(BYTES[e.trace[0].offset!], 0x08); // throw
});

Deno.test("backtrace: exhaustion keeps the innermost frames and counts the rest", () => {
  const e = failure(() => load().rec());
  assert.ok(e instanceof Exhaustion);
  assert.equal(e.trace.length, MAX_TRACE);
  assert.ok(e.traceOmitted > 1000, `${e.traceOmitted} omitted`);
  assert.ok(e.trace.every((f) => f.name === "rec"));
  const lines = e.backtrace();
  assert.match(lines[lines.length - 1], new RegExp(`\\.\\.\\. ${e.traceOmitted} more frames$`));
});

Deno.test("backtrace: a runFor execution that traps has one too", () => {
  const rt = new Runtime();
  const { exports } = rt.instantiate(new CompiledModule(decodeModule(BYTES)), {
    env: { host: () => 0 },
  });
  const r = rt.start(exports.main as (...a: unknown[]) => unknown, [0]).runFor(1_000_000);
  assert.equal(r.status, "trapped");
  if (r.status !== "trapped") return;
  assert.deepEqual(r.error.trace.map((f) => f.name ?? f.func), ["div", "middle", 3]);
});
