import assert from "node:assert/strict";
import { callStack, operandStack } from "../../mod.ts";
import { Execution } from "../../src/exec/execution.ts";
import { readWasmFrames } from "../../src/exec/wasm_frames.ts";
import { CodeReader } from "../../src/binary/code.ts";
import type { Machine } from "../../src/exec/machine.ts";
import type { WasmFunc } from "../../src/runtime/store.ts";
import type { RawValue } from "../../src/runtime/values.ts";
import { restore } from "../../src/snapshot/restore.ts";
import { snapshot } from "../../src/snapshot/snapshot.ts";
import { F32, I32, I64, V128, type ValType } from "../../src/syntax/types.ts";
import { load } from "../snapshot/helpers.ts";

// The operand stack of a paused frame, checked against the wasm semantics (the oracle): for
// each instruction of the functions below, the stack before it is written out by hand, and
// the machine is paused at every tick (without fusions, and resumed inside a fused group on a
// machine with fusions); wherever it stands, the frame's operand stack must be that one.

const SRC = `(module
  (func $inc (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func (export "run") (param $p i32) (result i32) (local $x f32) (local $r i32)
    i32.const 7
    i32.const 5
    f32.const nan:0x200001
    v128.const i32x4 1 2 3 4
    i64.const -3
    local.get $p
    call $inc
    local.get $p
    i32.const 3
    i32.shr_u
    i32.const 7
    i32.and
    i32.add
    local.set $r
    drop
    drop
    local.set $x
    i32.add
    local.get $r
    i32.add))`;

const P = 0x1234;
const R = P + 1 + ((P >>> 3) & 7);
const NAN = 0x7fa00001; // f32 bits of nan:0x200001 (a payload no float conversion keeps)
const V = new Uint8Array([1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0]);

type Entry = [ValType, RawValue];
const base: Entry[] = [[I32, 7], [I32, 5], [F32, NAN], [V128, V], [I64, -3n]];
/** The stack before each instruction of `run` (the last: before its `end`). */
const RUN: Entry[][] = [
  [],
  base.slice(0, 1),
  base.slice(0, 2),
  base.slice(0, 3),
  base.slice(0, 4),
  base,
  [...base, [I32, P]],
  [...base, [I32, P + 1]],
  [...base, [I32, P + 1], [I32, P]],
  [...base, [I32, P + 1], [I32, P], [I32, 3]],
  [...base, [I32, P + 1], [I32, P >>> 3]],
  [...base, [I32, P + 1], [I32, P >>> 3], [I32, 7]],
  [...base, [I32, P + 1], [I32, (P >>> 3) & 7]],
  [...base, [I32, R]],
  base,
  base.slice(0, 4),
  base.slice(0, 3),
  base.slice(0, 2),
  [[I32, 12]],
  [[I32, 12], [I32, R]],
  [[I32, 12 + R]],
];
/** The same for `$inc` called with P. */
const INC: Entry[][] = [[], [[I32, P]], [[I32, P], [I32, 1]], [[I32, P + 1]]];

/** Body-relative offsets of a function's instructions, in order (its `end` last). */
function offsets(m: Machine, addr: number): number[] {
  const o = m.store.objects[addr] as WasmFunc;
  const mod = m.store.instances[o.instance].module;
  const body = mod.funcs[o.index];
  const r = new CodeReader(body.body, 0, body.body.length, body.offset);
  const out: number[] = [];
  while (!r.done) {
    out.push(r.end);
    r.next();
  }
  return out;
}

/** Checks every frame of `m` against the oracle; returns the top frame's instruction index. */
function check(m: Machine, run: number, inc: number, what: string): number {
  const frames = callStack(m);
  const wasm = readWasmFrames(m).frames.reverse();
  let top = -1;
  frames.forEach((f, i) => {
    const offs = offsets(m, f.func);
    const k = offs.indexOf(wasm[i].offset);
    assert.ok(k >= 0, `${what}: frame ${i} stands at an instruction`);
    let want = f.func === run ? RUN[k] : f.func === inc ? INC[k] : null;
    // a caller stands at its call: its stack is what lies under the argument (one, of `$inc`)
    if (i > 0) want = want!.slice(0, -1);
    const got = operandStack(m, f)!.map((o): Entry => [o.type, o.value]);
    assert.deepEqual(got, want, `${what}: frame ${i} at instruction ${k}`);
    if (i === 0) top = f.func === run ? k : 100 + k;
  });
  if (frames.length === 2) assert.equal(frames[1].func, run);
  return top;
}

Deno.test("operand stack: every tick without fusions matches the wasm semantics", () => {
  const seen = new Set<number>();
  for (let k = 0;; k++) {
    const l = load(SRC, undefined, { fuse: false });
    const run = l.addr("run");
    const ex = Execution.start(l.machine, run, [P]);
    const r = ex.runFor(k);
    if (r.status === "complete") {
      assert.deepEqual(r.results, [12 + R]);
      break;
    }
    seen.add(check(l.machine, run, run - 1, `tick ${k}`));
  }
  // stops with the v128 and the NaN on the stack, inside the callee (caller below its
  // argument), and in the middle of the `(p >>> 3) & 7` group
  // stops with the NaN (4) and the v128 (6, the call) on the stack, inside the callee (100,
  // 103: the caller below its argument) and in the middle of the `(p >>> 3) & 7` group (10)
  for (const k of [4, 6, 10, 12, 100, 103]) assert.ok(seen.has(k), `stood at ${k}`);
});

Deno.test("operand stack: a frame resumed inside a fused group reads in wasm terms", () => {
  const deopts = new Set<number>();
  for (let k = 0;; k++) {
    const l = load(SRC, undefined, { fuse: false });
    const run = l.addr("run");
    const ex = Execution.start(l.machine, run, [P]);
    if (ex.runFor(k).status !== "paused") break;
    const back = restore(snapshot(l.machine, { execution: ex }));
    const m = back.machine;
    const cf = m.compiled[run]!;
    const at = check(m, run, run - 1, `resumed after tick ${k}`);
    if (cf.unfused >= 0 && m.funcAddr === run && m.pc >= cf.unfused) {
      deopts.add(at);
    }
    assert.deepEqual(back.execution!.runFor(Infinity), { status: "complete", results: [12 + R] });
  }
  // after `i32.shr_u`, inside the fused `(p >>> 3) & 7`
  assert.ok(deopts.has(10), "a cut stood inside the fused group");
});
