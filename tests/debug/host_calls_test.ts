/**
 * Host calls a recording must treat apart: suspending host functions (host calls as
 * suspension points) are recorded and replayed exactly, and a host function that calls back
 * into wasm is refused at record time with an error naming it.
 *
 * Oracle for the first: a straight run of the same program given the same answers (and the
 * same change the embedder makes to memory while each call is pending), its state hash at
 * random ticks against the recording's after a travel there.
 *
 * @module
 */

import assert from "node:assert/strict";
import { type Execution, Runtime, type WasmFunction } from "../../mod.ts";
import { stateHash } from "../../src/debug/hash.ts";
import { UnrecordableHostCall } from "../../src/debug/hostlog.ts";
import { Recording } from "../../src/debug/recording.ts";

const ASKING = `(module
  (import "env" "ask" (func $ask (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "run") (result i32) (local $i i32) (local $acc i32) (local $v i32)
    (loop $l
      (local.set $v (call $ask (local.get $i)))
      (i32.store (i32.shl (i32.and (local.get $i) (i32.const 63)) (i32.const 2)) (local.get $v))
      (local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 31))
        (i32.add (local.get $v) (i32.load8_u (i32.const 1000)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 150))))
    (local.get $acc)))`;

function asking() {
  const rt = new Runtime();
  const never = () => {
    throw new Error("a suspending host function is never called");
  };
  const inst = rt.instantiate(ASKING, { env: { ask: never } });
  const ask = rt.store.objects.findIndex((o) => o?.kind === "host");
  rt.machine.suspending.add(ask);
  const ex = rt.start(inst.exports.run as WasmFunction);
  /** The embedder's answer to ask(i), after writing i into memory byte 1000 meanwhile. */
  const reply = (args: unknown[]): number[] => {
    const i = args[0] as number;
    new Uint8Array(rt.store.memories[0].buffer)[1000] = i * 3;
    return [(i * i + 7) | 0];
  };
  return { rt, ex, reply };
}

/** Runs `ex` to tick `t` from `pos`, answering host calls with `reply`; the tick reached. */
function runTo(ex: Execution, pos: number, t: number, reply: (a: unknown[]) => number[]): number {
  while (pos < t) {
    const r = ex.runFor(t - pos);
    pos += t - pos - ex.fuel;
    if (r.status === "host-call") ex.answer(reply(r.args));
    else if (r.status !== "paused") break;
  }
  return pos;
}

Deno.test("suspending host calls: recorded, travelled and replayed exactly", () => {
  const s = asking();
  const rec = new Recording(s.ex, { interval: 500, adaptive: false });
  let calls = 0, r = rec.record();
  for (; r.status === "host-call"; r = rec.record()) {
    calls++;
    if (calls % 2 === 0) rec.answer(s.reply(r.args));
    else s.ex.answer(s.reply(r.args)); // answered past the recording: the next record notices
  }
  assert.equal(calls, 150);
  assert.equal(r.status, "complete");
  const results = (r as { results: unknown[] }).results;

  // The straight run: same answers; its result and hashes at random ticks.
  let x = 9;
  const ticks = Array.from({ length: 40 }, () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x % (rec.end + 1);
  }).sort((a, b) => a - b);
  const o = asking();
  const hashes = new Map<number, string>();
  let pos = 0;
  for (const t of ticks) {
    pos = runTo(o.ex, pos, t, o.reply);
    hashes.set(t, stateHash(o.rt.machine, o.ex, null));
  }
  for (;;) {
    const rr = o.ex.runFor(Infinity);
    if (rr.status === "host-call") o.ex.answer(o.reply(rr.args));
    else {
      assert.deepEqual(rr, { status: "complete", results });
      break;
    }
  }
  // Random travels, in random order, and steps around them.
  for (let k = ticks.length - 1; k >= 0; k -= 3) {
    rec.travel(ticks[k]);
    assert.equal(rec.hash(), hashes.get(ticks[k]), `travel to ${ticks[k]}`);
  }
  for (const t of ticks) {
    rec.travel(t);
    assert.equal(rec.hash(), hashes.get(t), `travel to ${t}`);
  }
  // A watchpoint on the word ask's answers go to: reverse from the end finds the last store.
  rec.goLive();
  rec.watchpoints.push({ kind: "memory", address: 4 * (149 & 63), length: 4 });
  assert.deepEqual(rec.reverseContinue(), { reason: "watchpoint", index: 0 });
  rec.stepForward();
  assert.equal(
    new DataView(s.rt.store.memories[0].buffer).getInt32(4 * (149 & 63), true),
    149 * 149 + 7,
  );
});

const CALLING_BACK = `(module
  (import "env" "cb" (func $cb (param i32) (result i32)))
  (global $g (mut i32) (i32.const 0))
  (func (export "inc") (result i32)
    (global.set $g (i32.add (global.get $g) (i32.const 1)))
    (global.get $g))
  (func (export "run") (result i32) (local $i i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (call $cb (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 2000))))
    (local.get $acc)))`;

Deno.test("a host function calling back into wasm is refused by name at record time", () => {
  for (const callBack of [false, true]) {
    const rt = new Runtime();
    let inc: () => number = () => 0;
    const cb = (i: number) => (callBack && i === 1500 ? inc() : i);
    const inst = rt.instantiate(CALLING_BACK, { env: { cb } });
    inc = inst.exports.inc as () => number;
    const rec = new Recording(rt.start(inst.exports.run as WasmFunction), { interval: 5000 });
    if (!callBack) {
      assert.equal(rec.record().status, "complete");
      continue;
    }
    const before = rec.record(5000);
    assert.equal(before.status, "paused");
    assert.throws(
      () => rec.record(),
      (e) => e instanceof UnrecordableHostCall && e.host === "env.cb" && /env\.cb/.test(e.message),
    );
    // Again on the next try; what was recorded before stays travellable.
    assert.throws(() => rec.record(), UnrecordableHostCall);
    assert.ok(rec.end >= 5000);
    rec.travel(100);
    assert.equal(rec.tick, 100);
  }
});
