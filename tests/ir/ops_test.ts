import assert from "node:assert/strict";
import { IR, IR_ARITY, IR_OPS, irOp } from "../../src/ir/ops.ts";
import { LABELLED_FILES, labelProblems } from "../../scripts/ir_labels.ts";

Deno.test("IR table: unique names, arity from kinds", () => {
  assert.equal(new Set(IR_OPS.map((o) => o.name)).size, IR_OPS.length);
  for (const o of IR_OPS) {
    assert.equal(IR[o.name], o.op);
    assert.equal(IR_ARITY[o.op], o.kinds.length);
    assert.match(o.kinds, /^[dsiokktbnfmTgGyxw]*$/);
  }
  assert.throws(() => irOp("no.such.op"));
});

Deno.test("interp.ts case labels match the IR table", async () => {
  const src = await Deno.readTextFile(new URL("../../src/exec/interp.ts", import.meta.url));
  const cases = [...src.matchAll(/case (\d+) \/\* ([a-z0-9_.]+) \*\//g)];
  assert.ok(cases.length > 200);
  const handled = new Set<string>();
  for (const [, n, name] of cases) {
    assert.equal(IR_OPS[Number(n)]?.name, name, `case ${n} is labelled ${name}`);
    handled.add(name);
  }
  // Every op is handled somewhere (the dispatch loop or a helper switch).
  const missing = IR_OPS.filter((o) => !handled.has(o.name) && o.name !== "nop");
  assert.deepEqual(missing.map((o) => o.name), []);
});

Deno.test("every IR number in the interpreter is labelled and matches the table", async () => {
  for (const file of LABELLED_FILES) {
    const src = await Deno.readTextFile(file);
    assert.deepEqual(
      labelProblems(src),
      [],
      `${file.pathname} (fix: deno run -A scripts/ir_labels.ts)`,
    );
  }
});

Deno.test("the label check catches stale, unknown and bare numbers", () => {
  const call = IR["call"];
  assert.deepEqual(labelProblems(`case ${call} /* call */:`), []);
  assert.equal(labelProblems(`case ${call + 1} /* call */:`).length, 1);
  assert.equal(labelProblems("case 3 /* no.such.op */:").length, 1);
  assert.equal(labelProblems("if (code[pc] === 298) x();").length, 1);
  assert.equal(labelProblems("switch (op >= 314 ? op - 314 : op - 304) { case 0: }").length, 4);
});
