/**
 * Host calls a recording must treat apart: suspending host functions (host calls as
 * suspension points) and host functions that call back into wasm are recorded and replayed
 * exactly.
 *
 * Oracle for the first: a straight run of the same program given the same answers (and the
 * same change the embedder makes to memory while each call is pending), its state hash at
 * random ticks against the recording's after a travel there. For the second: the same host
 * function written once (a generator that yields its call backs), run two ways without a
 * recording: as a real host function calling exports (a straight run, whose budgets cannot
 * stop inside a nested run), and as a suspending one whose call backs the test makes with
 * `Execution.callBack` (stopping at every tick, inside nested runs too); the recording's
 * state hash at random ticks against both.
 *
 * @module
 */

import assert from "node:assert/strict";
import { type Execution, type RunResult, Runtime, Trap, type WasmFunction } from "../../mod.ts";
import { stateHash } from "../../src/debug/hash.ts";
import { Recording } from "../../src/debug/recording.ts";
import { createWasi } from "../../src/wasi/api.ts";

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

// `cb` calls back into wasm (`work`, which may call `cb` again: nested twice; `boom`, which
// traps, caught by the host), writes memory between its call backs and answers from what
// they returned; some calls make no call back.
const CALLING_BACK = `(module
  (import "env" "cb" (func $cb (param i32) (result i32)))
  (memory (export "memory") 1)
  (global $g (mut i32) (i32.const 0))
  (func (export "work") (param $n i32) (result i32) (local $i i32)
    (loop $l
      (global.set $g (i32.add (global.get $g) (local.get $i)))
      (i32.store (i32.shl (i32.and (global.get $g) (i32.const 255)) (i32.const 2)) (local.get $i))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (if (i32.eq (local.get $n) (i32.const 13)) (then (drop (call $cb (i32.const 1000)))))
    (global.get $g))
  (func (export "boom") (param $n i32) (result i32)
    (i32.div_u (local.get $n) (i32.sub (local.get $n) (local.get $n))))
  (func (export "run") (result i32) (local $i i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 31)) (call $cb (local.get $i))))
      (i32.store8 (i32.add (i32.const 2000) (local.get $i)) (local.get $acc))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 60))))
    (local.get $acc)))`;

/** A call back `cb` makes: the export's name and its arguments; answered with its results. */
type Yield = [string, number[]];

/** The host function `cb(i)`: yields its call backs, gets their results (or a thrown error). */
function* cbBody(i: number, mem: () => Uint8Array): Generator<Yield, number, number> {
  if (i === 1000) return 5;
  if (i % 3 === 0) return i;
  mem()[3000 + i] = i;
  let r = yield ["work", [(i % 17) + 1]];
  if (i % 5 === 1) {
    try {
      yield ["boom", [i]];
    } catch {
      r += 100;
    }
  }
  mem()[3100 + i] = r & 255;
  r += yield ["work", [3]];
  return r & 0xffff;
}

function callingBack(suspending: boolean, tier: "off" | "all" = "off") {
  const rt = new Runtime({ tier });
  let calls = 0;
  const mem = () => new Uint8Array(rt.store.memories[0].buffer);
  // deno-lint-ignore prefer-const
  let exports: Record<string, unknown>;
  const cb = (i: number): number => {
    calls++;
    const g = cbBody(i, mem);
    let step = g.next();
    while (!step.done) {
      const [name, args] = step.value;
      try {
        step = g.next((exports[name] as (...a: number[]) => number)(...args));
      } catch (e) {
        step = g.throw(e);
      }
    }
    return step.value;
  };
  const inst = rt.instantiate(CALLING_BACK, { env: { cb } });
  exports = inst.exports;
  if (suspending) rt.machine.suspending.add(rt.store.objects.findIndex((o) => o?.kind === "host"));
  const ex = rt.start(inst.exports.run as WasmFunction);
  const addr = (name: string) => rt.funcAddr(inst.exports[name])!;
  return { rt, ex, mem, addr, calls: () => calls };
}

/**
 * The suspending form driven to tick `t` from `pos` (host steps take no ticks: done at once,
 * also at the end of a budget, as a synchronous host function's are); the tick reached.
 */
function driveTo(
  s: ReturnType<typeof callingBack>,
  stack: Generator<Yield, number, number>[],
  pos: number,
  t: number,
): number {
  const ex = s.ex;
  const next = (step: IteratorResult<Yield, number>) => {
    if (step.done) {
      stack.pop();
      ex.answer([step.value]);
    } else ex.callBack(s.addr(step.value[0]), step.value[1]);
  };
  for (;;) {
    const r = ex.runFor(Math.max(0, t - pos));
    pos += Math.max(0, t - pos) - ex.fuel;
    if (r.status === "host-call") {
      const g = cbBody(r.args[0] as number, s.mem);
      stack.push(g);
      next(g.next());
    } else if (r.status === "returned") {
      const g = stack.at(-1)!;
      next(r.results === null ? g.throw(r.error) : g.next(r.results[0] as number));
    } else return pos;
    if (pos >= t) return pos;
  }
}

Deno.test("host functions calling back into wasm: recorded, travelled inside the nested runs", () => {
  // The suspending form, stepped to every tick: results and hashes.
  const b = callingBack(true);
  const stack: Generator<Yield, number, number>[] = [];
  const hashes: string[] = [stateHash(b.rt.machine, b.ex, null)];
  let pos = 0;
  while (b.ex.state === "running") {
    pos = driveTo(b, stack, pos, pos + 1);
    if (b.ex.state === "running") hashes.push(stateHash(b.rt.machine, b.ex, null));
    else assert.equal(pos, hashes.length);
  }
  assert.equal(b.calls(), 0);
  const end = pos;

  // The straight run (real host function), at random budgets: where it stops is a tick the
  // suspending form saw the same way.
  const a = callingBack(false);
  let x = 5, apos = 0, exact = 0, results: unknown[] = [];
  while (a.ex.state === "running") {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const rr = a.ex.runFor(1 + (x % 200));
    apos += 1 + (x % 200) - a.ex.fuel;
    if (rr.status === "paused") {
      assert.equal(stateHash(a.rt.machine, a.ex, null), hashes[apos], `straight run at ${apos}`);
      exact++;
    } else {
      assert.equal(rr.status, "complete");
      results = (rr as { results: unknown[] }).results;
    }
  }
  assert.equal(apos, end);
  assert.ok(exact > 20);
  const calls = a.calls();
  assert.ok(calls > 60, `${calls} calls`);

  for (const tier of ["off", "all"] as const) {
    // Recorded in budgets (each may end late, after a host call), then travelled.
    const s = callingBack(false, tier);
    const rec = new Recording(s.ex, { interval: 300, adaptive: false });
    let r = rec.record(1000);
    for (; r.status === "paused"; r = rec.record(1000));
    assert.deepEqual(r, { status: "complete", results });
    assert.equal(rec.end, end);
    assert.equal(s.calls(), calls);
    // Random ticks, then every tick of a stretch with nested runs, backward.
    const ticks = Array.from({ length: 60 }, () => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return x % end;
    });
    for (const t of ticks) {
      assert.equal(rec.travel(t), t);
      assert.equal(rec.hash(), hashes[t], `tier ${tier}: travel to ${t}`);
    }
    for (let t = 700; t >= 400; t--) {
      rec.travel(t);
      assert.equal(rec.hash(), hashes[t], `tier ${tier}: travel to ${t} (stepping back)`);
    }
    rec.goLive();
    assert.equal(rec.tick, end);
    assert.equal(s.calls(), calls, "the host function is not called again by travel");
  }
});

// `cb` calls back, then throws: a wasm exception its call back threw (caught by `run`'s
// handler) or, at the last call, a Trap that ends the run.
const THROWING = `(module
  (import "env" "cb" (func $cb (param i32) (result i32)))
  (tag $e (export "e") (param i32))
  (memory (export "memory") 1)
  (func (export "work") (param $n i32) (result i32) (local $i i32)
    (loop $l
      (i32.store (i32.shl (i32.and (local.get $i) (i32.const 63)) (i32.const 2)) (local.get $n))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (if (i32.eq (i32.and (local.get $n) (i32.const 3)) (i32.const 3))
      (then (throw $e (local.get $n))))
    (local.get $i))
  (func (export "run") (result i32) (local $i i32) (local $acc i32)
    (loop $l
      (block $caught (result i32)
        (try_table (catch $e $caught)
          (local.set $acc (i32.add (local.get $acc) (call $cb (local.get $i)))))
        (i32.const 0))
      (local.set $acc (i32.add (local.get $acc)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 30))))
    (local.get $acc)))`;

function throwing() {
  const rt = new Runtime();
  // deno-lint-ignore prefer-const
  let exports: Record<string, unknown>;
  const cb = (i: number): number => {
    const r = (exports.work as (n: number) => number)(i + 5);
    if (i === 29) throw new Trap("host gives up");
    return r;
  };
  const inst = rt.instantiate(THROWING, { env: { cb } });
  exports = inst.exports;
  return { rt, ex: rt.start(inst.exports.run as WasmFunction), work: inst.exports.work };
}

Deno.test("host functions that call back, then throw: replayed as they threw", () => {
  // The straight run, stepped by budgets of 1 (each ends late when it meets a host call).
  const a = throwing();
  const hashes = new Map<number, string>();
  let pos = 0;
  let last: RunResult = { status: "paused" };
  while (a.ex.state === "running") {
    last = a.ex.runFor(1);
    pos += 1 - a.ex.fuel;
    if (last.status === "paused") hashes.set(pos, stateHash(a.rt.machine, a.ex, null));
  }
  assert.equal(last.status, "trapped");
  assert.match(last.status === "trapped" ? last.error.message : "", /host gives up/);
  const s = throwing();
  const rec = new Recording(s.ex, { interval: 200, adaptive: false });
  const r = rec.record();
  assert.equal(r.status, "trapped");
  assert.equal(rec.end, pos);
  const ticks = [...hashes.keys()];
  for (let k = ticks.length - 1; k >= 0; k -= 2) {
    rec.travel(ticks[k]);
    assert.equal(rec.hash(), hashes.get(ticks[k]), `travel to ${ticks[k]}`);
  }
  // Inside a nested run: a watchpoint on the word `work` writes stops there, both ways.
  rec.travel(0);
  rec.watchpoints.push({ kind: "memory", address: 8, length: 4 });
  assert.deepEqual(rec.continue(), { reason: "watchpoint", index: 0 });
  const first = rec.tick;
  // In `work` (called back: the entry records of `run` and of the call back below it).
  assert.equal(rec.machine.funcAddr, s.rt.funcAddr(s.work));
  assert.equal(rec.machine.depth, 2);
  assert.throws(() => rec.writeMemory(0, new Uint8Array(1)), /inside a host function's call back/);
  assert.deepEqual(rec.continue(), { reason: "watchpoint", index: 0 });
  const second = rec.tick;
  assert.ok(second > first);
  // Backward: at the writing instructions (the tick before each change).
  assert.deepEqual(rec.reverseContinue(), { reason: "watchpoint", index: 0 });
  assert.equal(rec.tick, second - 1);
  assert.deepEqual(rec.reverseContinue(), { reason: "watchpoint", index: 0 });
  assert.equal(rec.tick, first - 1);
  assert.equal(rec.machine.funcAddr, s.rt.funcAddr(s.work));
});

// A deterministic clock read inside a call back, under budgets smaller than the nested run.
const CLOCKED = `(module
  (import "wasi_snapshot_preview1" "clock_time_get" (func $time (param i32 i64 i32) (result i32)))
  (import "env" "cb" (func $cb (result i32)))
  (memory (export "memory") 1)
  (func (export "inner") (result i32) (local $i i32)
    (drop (call $time (i32.const 1) (i64.const 1) (i32.const 8)))
    (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 1000))))
    (drop (call $time (i32.const 1) (i64.const 1) (i32.const 16)))
    (i32.const 0))
  (func (export "_start")
    (drop (call $time (i32.const 1) (i64.const 1) (i32.const 0)))
    (drop (call $cb))
    (drop (call $time (i32.const 1) (i64.const 1) (i32.const 24)))))`;

Deno.test("a deterministic clock read in a call back counts the ticks, whatever the budgets", () => {
  const readings = (interval: number) => {
    const wasi = createWasi({ deterministic: true });
    const rt = new Runtime();
    // deno-lint-ignore prefer-const
    let inner: () => number;
    const inst = rt.instantiate(CLOCKED, { ...wasi.imports(CLOCKED), env: { cb: () => inner() } });
    inner = inst.exports.inner as () => number;
    wasi.bind(inst);
    const rec = new Recording(rt.start(inst.exports._start as WasmFunction), { wasi, interval });
    assert.equal(rec.record().status, "complete");
    const dv = new DataView(rt.store.memories[0].buffer);
    return [0, 8, 16, 24].map((at) => dv.getBigUint64(at, true));
  };
  const whole = readings(1e9);
  // In order, and the nested loop's 2000 ticks are 20 us of virtual time.
  for (let k = 1; k < 4; k++) assert.ok(whole[k] > whole[k - 1], `${whole}`);
  assert.ok(whole[2] - whole[1] >= 20_000n, `${whole}`);
  assert.deepEqual(readings(100), whole);
});
