/**
 * Executions in the embedding API give JS values, as calls do: `runtime.start(...).runFor`
 * and the execution of the API's `restore` convert results (f32 and f64 as numbers, i64 as
 * bigints, externrefs as the JS values passed in, funcrefs as the exported functions), the
 * same values a plain call of the export returns. The oracle is the plain call (the JS API's
 * conversions, tested against V8 in runtime_test.ts).
 *
 * @module
 */

import assert from "node:assert/strict";
import { restore, Runtime, type WasmFunction } from "../../mod.ts";

const SOURCE = `(module
  (func $id (export "id") (param i32) (result i32) (local.get 0))
  (func (export "many") (param externref) (result f32 f64 i64 i32 externref funcref)
    (f32.const 1.5) (f64.const -0.25) (i64.const -7) (i32.const -1) (local.get 0)
    (ref.func $id))
  (elem declare func $id))`;

Deno.test("runFor results are JS values, as a plain call's are", () => {
  const runtime = new Runtime();
  const { exports } = runtime.instantiate(SOURCE);
  const many = exports.many as WasmFunction;
  const host = { some: "object" };
  const called = many(host) as unknown[];
  const r = runtime.start(many, [host]).runFor(Infinity);
  assert.deepEqual(r, { status: "complete", results: called });
  assert.deepEqual(called.slice(0, 4), [1.5, -0.25, -7n, -1]);
  assert.equal(called[4], host);
  assert.equal(called[5], exports.id);
});

Deno.test("the API's restore gives an execution with JS values, and a runtime", () => {
  const runtime = new Runtime();
  const { exports } = runtime.instantiate(SOURCE);
  const execution = runtime.start(exports.many as WasmFunction, ["text"]);
  assert.equal(execution.runFor(2).status, "paused");
  const back = restore(runtime.snapshot({ execution }));
  const r = back.execution!.runFor(Infinity);
  assert.equal(r.status, "complete");
  const results = (r as { results: unknown[] }).results;
  assert.deepEqual(results.slice(0, 5), [1.5, -0.25, -7n, -1, "text"]);
  const id = results[5] as WasmFunction;
  assert.equal(id, back.runtime.instance(0).exports.id);
  assert.equal(id(42), 42);
});
