/**
 * The collector (src/exec/collect.ts): programs that allocate without end run in a bounded
 * heap and compute what V8 computes; references held only on the operand stack, in locals
 * of callers, in globals, tables and host handles survive collections; snapshots write live
 * objects only and restore them exactly (here and in another process).
 *
 * @module
 */

import assert from "node:assert/strict";
import { Runtime } from "../../src/api/runtime.ts";
import { encodeModule } from "../../src/binary/encode.ts";
import { collect, gcStats, setGcThreshold } from "../../src/exec/collect.ts";
import { Execution } from "../../src/exec/execution.ts";
import { restore } from "../../src/snapshot/restore.ts";
import { snapshot } from "../../src/snapshot/snapshot.ts";
import { parseModuleText } from "../../src/text/parse.ts";
import { load } from "../snapshot/helpers.ts";

/** Allocates two short-lived objects per iteration and keeps one in 1024 in a global list. */
const LOOP = `(module
  (type $pair (struct (field (mut i32)) (field (mut (ref null $pair)))))
  (type $arr (array (mut i32)))
  (global $keep (mut (ref null $pair)) (ref.null $pair))
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $p (ref null $pair)) (local $a (ref null $arr)) (local $sum i32)
    (loop $l
      (local.set $p (struct.new $pair (local.get $i) (global.get $keep)))
      (local.set $a (array.new $arr (local.get $i) (i32.const 4)))
      (if (i32.eqz (i32.and (local.get $i) (i32.const 1023)))
        (then (global.set $keep (struct.new $pair (local.get $i) (global.get $keep)))))
      (local.set $sum (i32.add (local.get $sum)
        (i32.add (struct.get $pair 0 (local.get $p)) (array.get $arr (local.get $a) (i32.const 3)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $sum))
  (func (export "kept") (result i32) (local $p (ref null $pair)) (local $n i32)
    (local.set $p (global.get $keep))
    (block $done (loop $l
      (br_if $done (ref.is_null (local.get $p)))
      (local.set $n (i32.add (local.get $n) (struct.get $pair 0 (local.get $p))))
      (local.set $p (struct.get $pair 1 (local.get $p)))
      (br $l)))
    (local.get $n)))`;

/**
 * Builds a binary tree by recursion (a left subtree waits on the caller's operand stack while
 * the right one is built; garbage arrays are made at every node), then sums it.
 */
const TREE = `(module
  (type $node (struct (field (ref null $node)) (field (ref null $node)) (field i32)))
  (type $junk (array (mut i64)))
  (table $t 1 anyref)
  (func $build (param $d i32) (result (ref null $node))
    (drop (array.new_default $junk (i32.const 3)))
    (if (result (ref null $node)) (i32.eqz (local.get $d))
      (then (ref.null $node))
      (else
        (struct.new $node
          (call $build (i32.sub (local.get $d) (i32.const 1)))
          (call $build (i32.sub (local.get $d) (i32.const 1)))
          (local.get $d)))))
  (func $sum (param $n (ref null $node)) (result i32)
    (if (result i32) (ref.is_null (local.get $n))
      (then (i32.const 0))
      (else (i32.add (struct.get $node 2 (local.get $n))
        (i32.add (call $sum (struct.get $node 0 (local.get $n)))
                 (call $sum (struct.get $node 1 (local.get $n))))))))
  (func (export "go") (param $d i32) (result i32)
    (table.set $t (i32.const 0) (call $build (local.get $d)))
    (drop (call $build (local.get $d)))
    (call $sum (ref.cast (ref null $node) (table.get $t (i32.const 0)))))
  (func (export "make") (param $v i32) (result anyref)
    (struct.new $node (ref.null $node) (ref.null $node) (local.get $v)))
  (func (export "value") (param $n anyref) (result i32)
    (struct.get $node 2 (ref.cast (ref $node) (local.get $n))))
  (func (export "churn") (param $n i32)
    (loop $l
      (drop (array.new_default $junk (i32.const 2)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (local.get $n)))))`;

function onV8(src: string): WebAssembly.Exports {
  const bytes = encodeModule(parseModuleText(src)) as Uint8Array<ArrayBuffer>;
  return new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports;
}

Deno.test("an endless allocator runs in a bounded heap, as on V8", () => {
  const rt = new Runtime();
  setGcThreshold(rt.store, 5000);
  const { exports } = rt.instantiate(LOOP);
  const n = 60_000;
  const v8 = onV8(LOOP);
  assert.equal((exports.run as (n: number) => number)(n), (v8.run as (n: number) => number)(n));
  assert.equal((exports.kept as () => number)(), (v8.kept as () => number)());
  const s = gcStats(rt.store);
  assert.ok(s.collections >= 20, `${s.collections} collections`);
  assert.equal(s.aborted, 0);
  // 120,000+ objects were made; the store never held more than a threshold's worth.
  assert.ok(rt.store.objects.length < 5000 + 200, `${rt.store.objects.length} objects`);
});

Deno.test("references on the operand stack, in callers' locals and tables survive", () => {
  const rt = new Runtime();
  setGcThreshold(rt.store, 50);
  const { exports } = rt.instantiate(TREE);
  const v8 = onV8(TREE);
  for (const d of [1, 5, 9]) {
    assert.equal((exports.go as (d: number) => number)(d), (v8.go as (d: number) => number)(d));
  }
  assert.ok(gcStats(rt.store).collections > 10);
});

Deno.test("host handles keep their objects alive while held", () => {
  const rt = new Runtime();
  setGcThreshold(rt.store, 10);
  const { exports } = rt.instantiate(TREE);
  const handles = [1, 2, 3].map((v) => (exports.make as (v: number) => unknown)(v));
  (exports.churn as (n: number) => void)(1000);
  assert.ok(gcStats(rt.store).collections > 10);
  assert.deepEqual(handles.map((h) => (exports.value as (h: unknown) => number)(h)), [1, 2, 3]);
  // The same object gives the same handle.
  assert.equal((exports.make as (v: number) => unknown)(4) === handles[0], false);
});

Deno.test("snapshots write live objects only and restore the heap exactly", () => {
  const whole = load(TREE);
  const w = Execution.start(whole.machine, whole.addr("go"), [8]).runFor(Infinity);
  assert.equal(w.status, "complete");
  const expected = w.status === "complete" ? w.results : [];
  for (const cut of [1, 777, 2500, 6000]) {
    const l = load(TREE);
    const ex = Execution.start(l.machine, l.addr("go"), [8]);
    assert.equal(ex.runFor(cut).status, "paused");
    const bytes = snapshot(l.machine, { execution: ex });
    // Collected first: nothing unreachable is left in the store.
    const objs = l.machine.store.objects;
    const live = objs.filter((o) => o.kind === "struct" || o.kind === "array").length;
    assert.ok(collect(l.machine));
    assert.equal(objs.filter((o) => o.kind === "struct" || o.kind === "array").length, live);
    const r = restore(bytes);
    assert.deepEqual(r.machine.store.objects, l.machine.store.objects);
    assert.deepEqual(r.machine.store.free, l.machine.store.free);
    assert.deepEqual(snapshot(r.machine, { execution: r.execution! }), bytes);
    const done = (r.execution as Execution).runFor(Infinity);
    assert.equal(done.status, "complete");
    assert.deepEqual(done.status === "complete" ? done.results : null, expected);
  }
});
