/**
 * Every IR instruction is produced by the lowering and executed by the interpreter in a test:
 * the warm-up's module (scripts/warmup_module.ts, which exercises every op) is lowered and
 * run one tick at a time, and the op at each instruction boundary is recorded. An op that no
 * wasm code lowers to, or that never runs, fails here: then either add code to the module
 * that makes it, or remove the row from src/ir/ops.ts.
 *
 * @module
 */

import assert from "node:assert/strict";
import { Execution } from "../../src/exec/execution.ts";
import { source } from "../../scripts/warmup_module.ts";
import { IR_ARITY, IR_OPS } from "../../src/ir/ops.ts";
import { load } from "../exec/harness.ts";

/** Ops exempt, with the reason. */
const EXEMPT: Record<string, string> = {
  nop: "the lowering emits nothing for a wasm nop; the op pads code that is rewritten in place",
};

Deno.test("every IR op is produced by the lowering and executed", () => {
  const l = load(source());
  const m = l.machine;
  const ex = Execution.start(m, l.addr("w"), [2]);
  const ran = new Set<number>();
  let steps = 0;
  for (;;) {
    ran.add(m.compiled[m.funcAddr]!.code[m.pc]);
    const r = ex.runFor(1);
    steps++;
    if (r.status === "complete") break;
    assert.equal(r.status, "paused");
  }
  assert.ok(steps > 1000);
  // The op that only traps.
  const t = load(`(func (export "t") unreachable)`);
  const trapped = Execution.start(t.machine, t.addr("t"), []);
  ran.add(t.machine.compiled[t.addr("t")]!.code[0]);
  assert.equal(trapped.runFor(1).status, "trapped");
  const produced = new Set<number>();
  for (const cf of m.compiled) {
    if (cf === undefined) continue;
    for (let pc = 0; pc < cf.code.length; pc += 1 + IR_ARITY[cf.code[pc]]) {
      produced.add(cf.code[pc]);
    }
  }
  const notProduced = IR_OPS.filter((o) =>
    !produced.has(o.op) && !(o.name in EXEMPT) && o.name !== "pause"
  );
  assert.deepEqual(notProduced.map((o) => o.name), []);
  const notRun = IR_OPS.filter((o) => !ran.has(o.op) && !(o.name in EXEMPT) && o.name !== "pause");
  assert.deepEqual(notRun.map((o) => o.name), []);
});
