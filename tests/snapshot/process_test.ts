/**
 * A snapshot restored in another process (whose canonical type ids differ) continues to the
 * same result as an uninterrupted run, and writes the same bytes when snapshotted there. Spawns `deno run` on tests/snapshot/resume_child.ts.
 *
 * @module
 */

import assert from "node:assert/strict";
import { Execution } from "../../src/exec/execution.ts";
import { snapshot } from "../../src/snapshot/snapshot.ts";
import { load } from "./helpers.ts";

// Types (call_indirect through a table, a typed funcref global) whose canonical ids the
// snapshot must not carry raw.
const PROGRAM = `(module
  (type $bin (func (param i64 i64) (result i64)))
  (table 2 funcref)
  (elem (i32.const 0) $add $mul)
  (global $g (mut (ref null $bin)) (ref.func $mul))
  (tag $t (param i64))
  (func $add (type $bin) (i64.add (local.get 0) (local.get 1)))
  (func $mul (type $bin) (i64.mul (local.get 0) (local.get 1)))
  (func (export "go") (param $n i32) (result i64) (local $acc i64)
    (local.set $acc (i64.const 1))
    (loop $l
      (local.set $acc (call_indirect (type $bin) (local.get $acc) (i64.extend_i32_u (local.get $n))
        (i32.and (local.get $n) (i32.const 1))))
      (local.set $acc (call_ref $bin (local.get $acc) (i64.const 3) (global.get $g)))
      (local.set $acc (block $h (result i64)
        (try_table (catch $t $h) (throw $t (i64.add (local.get $acc) (i64.const 1))))
        (i64.const 0)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (local.get $n)))
    (local.get $acc)))`;

Deno.test("a snapshot continues in another process to the uninterrupted result", async () => {
  const whole = load(PROGRAM);
  const w = Execution.start(whole.machine, whole.addr("go"), [500]).runFor(Infinity);
  assert.equal(w.status, "complete");
  const expected = w.status === "complete" ? String(w.results[0]) : "";

  const l = load(PROGRAM);
  const ex = Execution.start(l.machine, l.addr("go"), [500]);
  assert.equal(ex.runFor(2345).status, "paused");
  const file = await Deno.makeTempFile({ suffix: ".gabsnap" });
  try {
    await Deno.writeFile(file, snapshot(l.machine, { execution: ex }));
    const child = new URL("./resume_child.ts", import.meta.url).pathname;
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-read", "--no-check", child, file],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    assert.deepEqual(JSON.parse(new TextDecoder().decode(out.stdout)), {
      same: true,
      results: [expected],
    });
  } finally {
    await Deno.remove(file);
  }
});
