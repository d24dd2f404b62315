/**
 * Large functions in the compiled tier (src/exec/tier_split.ts): the committed fuzz modules
 * (testdata/fuzz/) with every function the tier compiles cut into regions at every place
 * where one can start, so that each jump between regions, each region entered in a budget's
 * middle and each snapshot taken inside a region is exercised on small functions: with the
 * tier on every function ("all"), and "hot" with a threshold of 3 (a function compiled at its
 * third call, a region at its third entry: before, the frame goes on in the interpreter). Each
 * run
 * must give the interpreter's trace, ticks per call and snapshot bits (tests/tier/
 * differential.ts), on the same random budgets, every snapshot restored into a fresh runtime.
 * The modules known to disagree with the tier forced on (testdata/fuzz/expectations.json,
 * "all" or "hot") are left out.
 *
 * @module
 */

import assert from "node:assert/strict";
import { compareRuns } from "./differential.ts";
import { runBudgeted } from "./fuzz_gab.ts";

const DIR = new URL("../../testdata/fuzz/", import.meta.url);

const expected: Record<string, Record<string, string>> = JSON.parse(
  Deno.readTextFileSync(new URL("expectations.json", DIR)),
);

Deno.test("fuzz modules: the tier in regions = interpreter on budgets and snapshots", () => {
  const problems: string[] = [];
  let modules = 0, compiled = 0, compiledHot = 0;
  for (const folder of [...Deno.readDirSync(DIR)].filter((e) => e.isDirectory)) {
    for (const e of Deno.readDirSync(new URL(`${folder.name}/`, DIR))) {
      const name = `${folder.name}/${e.name}`;
      const listed = expected[name] ?? {};
      if (!/^\d+\.wasm$/.test(e.name) || listed.all !== undefined || listed.hot !== undefined) {
        continue;
      }
      const bytes = Deno.readFileSync(new URL(name, DIR));
      const seed = parseInt(e.name);
      const ref = runBudgeted(bytes, { tier: "off", restore: false, seed });
      const all = runBudgeted(bytes, { tier: "all", split: true, restore: true, seed });
      const hot = runBudgeted(bytes, {
        tier: "hot",
        split: true,
        threshold: 3,
        restore: true,
        seed,
      });
      for (const [mode, run] of [["all", all], ["hot", hot]] as const) {
        const diff = compareRuns(ref, run);
        if (diff !== null) problems.push(`${name} (${mode}): ${diff}`);
      }
      modules++;
      if (all.compiled > 0) compiled++;
      if (hot.compiled > 0) compiledHot++;
    }
  }
  assert.deepEqual(problems, []);
  assert.ok(modules >= 200, `only ${modules} modules`);
  assert.ok(compiled >= modules / 2, `the tier compiled functions in only ${compiled}`);
  assert.ok(compiledHot >= modules / 4, `"hot" compiled functions in only ${compiledHot}`);
});
