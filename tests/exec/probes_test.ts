/**
 * Probes (src/exec/probes.ts) change nothing but where the loop stops: the warm-up module,
 * which runs every IR op, is run plainly and again with probes armed (watching a memory range,
 * all of memory, or breaking at every instruction start), stepping over each stop as the
 * debugger does, under budgets of varied sizes. The oracle is the plain run (the loop's own
 * cases, which the probes' store path does not share): the same tick count, memory, globals
 * and results; and each stop stands at an instruction that the plain run reaches at that tick.
 *
 * @module
 */

import assert from "node:assert/strict";
import { Execution } from "../../src/exec/execution.ts";
import { Probes, type ProbeSpec } from "../../src/exec/probes.ts";
import { IR_ARITY, IR_CONSUMES } from "../../src/ir/ops.ts";
import { source } from "../../scripts/warmup_module.ts";
import { load } from "./harness.ts";

interface Outcome {
  ticks: number;
  memory: Uint8Array;
  globals: Uint8Array;
  results: unknown[];
  stops: [number, number, number][];
}

function runWarmup(spec: ((addr: (n: string) => number) => ProbeSpec) | null, seed = 1): Outcome {
  const l = load(source());
  const m = l.machine;
  const ex = Execution.start(m, l.addr("w"), [2]);
  let probes: Probes | null = null;
  let ticks = 0;
  let x = seed;
  const stops: [number, number, number][] = [];
  const budget = () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return 1 + (x % 3000);
  };
  for (;;) {
    if (spec !== null && probes === null) {
      // Arm once the first function is lowered (and again lowered ones get patched).
      probes = new Probes(m, spec(l.addr));
      probes.arm();
    }
    let r;
    const code = m.funcAddr >= 0 ? m.code(m.funcAddr).code : null;
    if (probes !== null && code !== null && probes.patched(code, m.pc)) {
      // Standing at a probe: run that instruction itself for one tick.
      stops.push([ticks, m.funcAddr, m.pc]);
      probes.unpatch(code, m.pc);
      const pc = m.pc;
      r = ex.runFor(1);
      probes.repatch(code, pc);
      ticks += 1 - ex.fuel;
    } else {
      if (probes !== null) probes.hit = false;
      const b = budget();
      r = ex.runFor(b);
      ticks += b - ex.fuel;
    }
    if (r.status === "complete") {
      probes?.disarm();
      const mem = m.store.memories[0];
      return {
        ticks,
        memory: new Uint8Array(mem.buffer.slice(0)),
        globals: new Uint8Array(m.store.globalSlots.slice(0)),
        results: r.results,
        stops,
      };
    }
    assert.equal(r.status, "paused");
  }
}

/** The (funcAddr, pc) at each tick of the plain run, stepping tick by tick. */
function plainPositions(): Map<number, string> {
  const l = load(source());
  const m = l.machine;
  const ex = Execution.start(m, l.addr("w"), [2]);
  const at = new Map<number, string>();
  for (let t = 0;; t++) {
    at.set(t, `${m.funcAddr}:${m.pc}`);
    if (ex.runFor(1).status === "complete") return at;
  }
}

Deno.test("probes: watching memory changes no state and no tick count", () => {
  const plain = runWarmup(null);
  const positions = plainPositions();
  for (
    const [name, spec] of [
      ["a few bytes", () => ({ memory: [{ memory: 0, address: 16, length: 8 }] })],
      ["all memory", () => ({ memory: [{ memory: 0, address: 0, length: 1 << 30 }] })],
    ] as const
  ) {
    for (const seed of [1, 7]) {
      const o = runWarmup(spec, seed);
      assert.equal(o.ticks, plain.ticks, name);
      assert.deepEqual(o.memory, plain.memory, name);
      assert.deepEqual(o.globals, plain.globals, name);
      assert.deepEqual(o.results, plain.results, name);
      for (const [t, f, pc] of o.stops) assert.equal(positions.get(t), `${f}:${pc}`, name);
      if (name === "all memory") assert.ok(o.stops.length > 50, `${o.stops.length} stops`);
    }
  }
});

Deno.test("probes: a break at every instruction start stops at each tick the plain run has", () => {
  const plain = runWarmup(null);
  const positions = plainPositions();
  const l0 = load(source());
  const o = runWarmup(() => {
    // Every instruction start of every function of the module (not consumed ones).
    const breaks: { func: number; pcs: number[] }[] = [];
    const m = l0.machine;
    for (let f = 0; f < m.store.objects.length; f++) {
      const o = m.store.objects[f];
      if (o?.kind !== "wasm") continue;
      const code = m.code(f).code;
      const pcs: number[] = [];
      for (let pc = 0; pc < code.length;) {
        pcs.push(pc);
        let next = pc + 1 + IR_ARITY[code[pc]];
        for (let c = IR_CONSUMES[code[pc]]; c > 0; c--) next += 1 + IR_ARITY[code[next]];
        pc = next;
      }
      breaks.push({ func: f, pcs });
    }
    return { breaks };
  });
  assert.equal(o.ticks, plain.ticks);
  assert.deepEqual(o.memory, plain.memory);
  assert.deepEqual(o.results, plain.results);
  // Every tick but those inside a prefix's consumed instructions is a stop.
  assert.ok(o.stops.length > plain.ticks * 0.9, `${o.stops.length} of ${plain.ticks}`);
  for (const [t, f, pc] of o.stops) assert.equal(positions.get(t), `${f}:${pc}`);
});
