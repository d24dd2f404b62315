import assert from "node:assert/strict";
import { Runtime, type WasmFunction } from "../../mod.ts";
import { stateHash } from "../../src/debug/hash.ts";
import { Recording, type RecordingOptions } from "../../src/debug/recording.ts";

// Recording and travel on a small module with an embedder host function, checked against a
// straight run of the same program in another runtime (the oracle): the state hash at every
// tick visited, and the host function called exactly as often as the straight run calls it.

const SOURCE = `(module
  (import "env" "next" (func $next (result i32)))
  (memory (export "memory") 1)
  (global $g (export "g") (mut i32) (i32.const 0))
  (table $t 4 funcref)
  (elem declare func $leaf)
  (func $leaf (param i32) (result i32)
    (i32.store (i32.and (i32.mul (local.get 0) (i32.const 4)) (i32.const 1020)) (local.get 0))
    (global.set $g (i32.add (global.get $g) (local.get 0)))
    (i32.xor (local.get 0) (i32.const 7)))
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (loop $l
      (local.set $acc
        (i32.add (local.get $acc) (call $leaf (i32.add (call $next) (local.get $i)))))
      (if (i32.eq (local.get $i) (i32.const 300))
        (then (drop (memory.grow (i32.const 1)))
              (table.set $t (i32.const 2) (ref.func $leaf))))
      (i32.store8
        (select (i32.add (i32.const 70000) (local.get $i)) (i32.add (i32.const 60000) (local.get $i))
          (i32.gt_u (local.get $i) (i32.const 300)))
        (local.get $acc))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $acc)))`;

const N = 600;

function setup() {
  const rt = new Runtime();
  let seed = 1, calls = 0;
  const next = () => {
    calls++;
    seed = (Math.imul(seed, 1103515245) + 12345) | 0;
    return seed >>> 16;
  };
  const inst = rt.instantiate(SOURCE, { env: { next } });
  const ex = rt.start(inst.exports.run as WasmFunction, [N]);
  return { rt, ex, calls: () => calls };
}

/** Hashes of a straight run at each tick of `ticks` (sorted), and its end. */
function oracle(ticks: number[]): { hashes: Map<number, string>; end: number; calls: number } {
  const { rt, ex, calls } = setup();
  const hashes = new Map<number, string>();
  let pos = 0;
  for (const t of ticks) {
    if (t > pos) {
      const r = ex.runFor(t - pos);
      pos += t - pos - ex.fuel;
      assert.ok(r.status === "paused" || (r.status === "complete" && t === ticks.at(-1)));
    }
    hashes.set(t, stateHash(rt.machine, ex, null));
  }
  let end = pos;
  while (ex.state === "running") {
    const r = ex.runFor(1000);
    end += 1000 - ex.fuel;
    if (r.status !== "paused") break;
  }
  return { hashes, end, calls: calls() };
}

function recorded(interval = 500, options: RecordingOptions = {}) {
  const s = setup();
  // Not adaptive: where checkpoints fall must not depend on the machine's speed.
  const rec = new Recording(s.ex, { interval, adaptive: false, ...options });
  const r = rec.record();
  assert.equal(r.status, "complete");
  return { ...s, rec };
}

function random(seed: number): () => number {
  let x = seed;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

Deno.test("travel: random ticks give the straight run's state, the host is called once", () => {
  const { rec, calls } = recorded(500, { grid: 64, span: 1024 }); // the travel cache in play
  const rnd = random(7);
  const targets = Array.from({ length: 150 }, () => Math.floor(rnd() * (rec.end + 1)));
  const all = [
    ...new Set(targets.flatMap((t) => [t, Math.max(0, t - 1), Math.min(rec.end, t + 1)])),
  ]
    .sort((a, b) => a - b);
  const o = oracle(all);
  assert.equal(rec.end, o.end);
  assert.equal(calls(), o.calls);
  assert.ok(rec.checkpoints.length > 3);
  for (const t of targets) {
    assert.equal(rec.travel(t), t);
    assert.equal(rec.hash(), o.hashes.get(t), `travel to ${t}`);
    if (t > 0) {
      rec.stepBack();
      assert.equal(rec.hash(), o.hashes.get(t - 1), `step back from ${t}`);
      rec.stepForward();
      assert.equal(rec.hash(), o.hashes.get(t), `step forward to ${t}`);
    }
    if (t < rec.end) {
      rec.stepForward();
      assert.equal(rec.hash(), o.hashes.get(t + 1), `step forward from ${t}`);
    }
  }
  assert.equal(calls(), o.calls, "travel called the host function");
});

Deno.test("travel: the end, going live, recording on", () => {
  const s = setup();
  const rec = new Recording(s.ex, { interval: 500, adaptive: false });
  assert.equal(rec.record(3000).status, "paused");
  assert.equal(rec.end, 3000);
  rec.travel(1234);
  assert.equal(rec.live, false);
  const r = rec.record();
  assert.equal(r.status, "complete");
  const o = oracle([1234, 3000]);
  assert.equal(rec.end, o.end);
  assert.equal(s.calls(), o.calls);
  rec.travel(1234);
  assert.equal(rec.hash(), o.hashes.get(1234));
  rec.travel(3000);
  assert.equal(rec.hash(), o.hashes.get(3000));
  rec.goLive();
  assert.equal(rec.tick, rec.end);
  assert.equal(rec.live, true);
  assert.deepEqual(rec.record(), r);
});

Deno.test("history: decay from the newest end and the memory budget", () => {
  const s = setup();
  const rec = new Recording(s.ex, { interval: 100, fraction: 0.05, adaptive: false });
  rec.record();
  const cps = rec.checkpoints;
  assert.equal(cps[0].tick, 0);
  assert.equal(cps.at(-1)!.tick, rec.end);
  // Any tick is at most max(interval, fraction * age) past a kept checkpoint.
  for (let i = 0; i + 1 < cps.length; i++) {
    const gap = cps[i + 1].tick - cps[i].tick;
    assert.ok(gap <= Math.max(100, 0.05 * (rec.end - cps[i + 1].tick)) + 100, `gap ${gap} at ${i}`);
  }
  // A small budget: the history stays within it.
  const t = setup();
  const tight = new Recording(t.ex, { interval: 100, budget: 600_000, adaptive: false });
  tight.record();
  const st = tight.stats;
  assert.ok(st.checkpointBytes + st.logBytes <= 600_000, JSON.stringify(st));
  tight.travel(777);
  const o = oracle([777]);
  assert.equal(tight.hash(), o.hashes.get(777));
});

/** Per tick of a straight run (single steps): function address, pc, depth, watched values. */
function trace() {
  const { rt, ex } = setup();
  const m = rt.machine;
  const rows: { func: number; pc: number; depth: number; mem: string; g: number; tab: number }[] =
    [];
  const row = () =>
    rows.push({
      func: m.funcAddr,
      pc: m.pc,
      depth: m.depth,
      mem: new Uint8Array(m.store.memories[0].buffer, 40, 4).join(","),
      g: new Int32Array(m.store.globalSlots)[m.store.globals[0].slot * 2],
      tab: m.store.tables[0].elems[2],
    });
  row();
  while (ex.runFor(1).status === "paused") row();
  row(); // the last tick completed the call
  return rows;
}

Deno.test("breakpoints and watchpoints, both directions, against a single-stepped run", () => {
  const rows = trace();
  const { rec, rt } = recorded(700);
  const leaf = rows.find((r) => r.depth === 2)!.func; // $leaf: the first function called
  const run = rows[0].func;
  assert.equal(rec.end, rows.length - 1);
  const start = Math.floor(rec.end * 0.6);

  // Breakpoint on $leaf's entry: the previous and next entries.
  rec.breakpoints.push({ func: leaf });
  const entries = rows.flatMap((r, t) => r.func === leaf && r.pc === 0 ? [t] : []);
  rec.travel(start);
  assert.deepEqual(rec.reverseContinue(), { reason: "breakpoint", index: 0 });
  assert.equal(rec.tick, entries.filter((t) => t < start).at(-1));
  rec.travel(start);
  assert.deepEqual(rec.continue(), { reason: "breakpoint", index: 0 });
  assert.equal(rec.tick, entries.find((t) => t > start));
  // With a condition on the machine (the first argument's slot).
  rec.breakpoints[0].condition = (r) => (r.machine.i32[r.machine.fp] & 1) === 1;
  rec.travel(start);
  rec.reverseContinue();
  const odd = entries.filter((t) => t < start).reverse().find((t) => {
    const s = setup();
    s.ex.runFor(t);
    return (s.rt.machine.i32[s.rt.machine.fp] & 1) === 1;
  });
  assert.equal(rec.tick, odd);
  rec.breakpoints.length = 0;

  // Step out backwards from inside $leaf: to its caller at the call.
  const inside = rows.findIndex((r, t) => t > start && r.func === leaf && r.pc > 0);
  rec.travel(inside);
  rec.stepOutBack();
  const callTick = rows.slice(0, inside).findLastIndex((r) => r.depth < rows[inside].depth);
  assert.equal(rec.tick, callTick);
  assert.equal(rt.machine.funcAddr, run);

  // Watchpoints: memory bytes 40..43, the global, table slot 2.
  const watches = [
    { kind: "memory" as const, address: 40, length: 4, key: "mem" as const },
    { kind: "global" as const, global: 0, key: "g" as const },
    { kind: "table" as const, table: 0, index: 2, key: "tab" as const },
  ];
  for (const w of watches) {
    rec.watchpoints.length = 0;
    rec.watchpoints.push(w);
    const changes = rows.flatMap((r, t) => t > 0 && r[w.key] !== rows[t - 1][w.key] ? [t] : []);
    assert.ok(changes.length > 0, w.kind);
    const from = w.kind === "table" ? rec.end : start;
    rec.travel(from);
    const back = rec.reverseContinue();
    const last = changes.filter((t) => t <= from).at(-1)!;
    assert.deepEqual(back, { reason: "watchpoint", index: 0 }, w.kind);
    assert.equal(rec.tick, last - 1, `${w.kind}: reverse stops before the write`);
    rec.travel(w.kind === "table" ? 0 : start);
    const fwd = rec.continue();
    const next = changes.find((t) => t > (w.kind === "table" ? 0 : start));
    assert.deepEqual(fwd, { reason: "watchpoint", index: 0 }, w.kind);
    assert.equal(rec.tick, next, `${w.kind}: forward stops after the write`);
  }
});

Deno.test("branching: a write in the past starts a timeline, the recorded one stays", () => {
  // Dense checkpoints thinned hard: the branch's own checkpoint must stay (pinned).
  const { rec, rt, calls } = recorded(100, { fraction: 0.5 });
  const end = rec.end;
  const result = rec.result;
  const t = Math.floor(end / 3);
  const o = oracle([t - 5, t, end]);
  const callsBefore = calls();
  rec.travel(t);
  const mem = () => new Uint8Array(rt.store.memories[0].buffer);
  rec.writeMemory(8, Uint8Array.of(0xaa, 0xbb)); // what if these bytes were different here
  rec.writeGlobal(0, 1_000_000);
  assert.equal(rec.timeline, 1);
  assert.equal(rec.timelineCount, 2);
  assert.deepEqual(rec.timelineOrigin(1), { parent: 0, tick: t });
  assert.equal(rec.live, true);
  const r = rec.record();
  assert.equal(r.status, "complete");
  assert.ok(calls() > callsBefore, "the branch calls the host live");
  assert.notDeepEqual(r, result);
  // The shared past is the recorded one; the branch's own tick holds the writes.
  rec.travel(t - 5);
  assert.equal(rec.hash(), o.hashes.get(t - 5));
  rec.travel(t);
  assert.deepEqual([...mem().subarray(8, 10)], [0xaa, 0xbb]);
  // The first timeline is intact, to its end.
  rec.switchTimeline(0);
  assert.equal(rec.tick, t);
  assert.equal(rec.hash(), o.hashes.get(t));
  rec.travel(end);
  assert.equal(rec.end, end);
  assert.equal(rec.hash(), o.hashes.get(end));
  assert.deepEqual(rec.result, result);
  rec.switchTimeline(1);
  assert.deepEqual(rec.result, r);
});

Deno.test("watchpoints: a value written and written back inside one interval is found", () => {
  // At i = 50 the word at 64 becomes 1 and at i = 1500 0 again (some 20,000 ticks later, more
  // than a replay block): equal at the interval's ends, but its page was written.
  const src = `(module (memory 1)
    (func (export "run") (local $i i32)
      (loop $l
        (if (i32.eq (local.get $i) (i32.const 50)) (then (i32.store (i32.const 64) (i32.const 1))))
        (if (i32.eq (local.get $i) (i32.const 1500)) (then (i32.store (i32.const 64) (i32.const 0))))
        (i32.store (i32.const 200) (local.get $i))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (i32.const 2000))))))`;
  const start = () => {
    const rt = new Runtime();
    const inst = rt.instantiate(src);
    return { rt, ex: rt.start(inst.exports.run as WasmFunction) };
  };
  // The oracle: a single-stepped run, the tick before the last change of the word.
  const o = start();
  const word = (rt: Runtime) => new DataView(rt.store.memories[0].buffer).getInt32(64, true);
  let t = 0, lastWrite = -1, prev = word(o.rt);
  while (o.ex.runFor(1).status === "paused") {
    t++;
    if (word(o.rt) !== prev) lastWrite = t - 1;
    prev = word(o.rt);
  }
  const s = start();
  const rec = new Recording(s.ex, { interval: 100_000, adaptive: false });
  rec.record();
  assert.equal(rec.checkpoints.length, 2); // the start and the end: one interval
  rec.watchpoints.push({ kind: "memory", address: 64, length: 4 });
  assert.deepEqual(rec.reverseContinue(), { reason: "watchpoint", index: 0 });
  assert.equal(rec.tick, lastWrite);
  assert.equal(word(s.rt), 1);
  rec.stepForward();
  assert.equal(word(s.rt), 0);
});

Deno.test("recording in budgets: the frontier's checkpoint waits until the machine leaves it", () => {
  const s = setup();
  const rec = new Recording(s.ex, { interval: 500, adaptive: false });
  const stops: number[] = [];
  // Budgets on and off the interval's grid; travels between some of them.
  for (const [k, b] of [500, 700, 300, 500, 1000, 250, 2000].entries()) {
    assert.equal(rec.record(b).status, "paused");
    stops.push(rec.end);
    if (k % 2 === 1) rec.travel(Math.floor(rec.end / 3));
  }
  assert.equal(rec.record().status, "complete");
  const o = oracle([...stops, ...stops.map((t) => t - 1)].sort((a, b) => a - b));
  assert.equal(rec.end, o.end);
  assert.equal(s.calls(), o.calls);
  for (const t of stops) {
    rec.travel(t);
    assert.equal(rec.hash(), o.hashes.get(t), `travel to ${t}`);
    rec.stepBack();
    assert.equal(rec.hash(), o.hashes.get(t - 1), `step back from ${t}`);
  }
});
