/**
 * The compiled tier's differential test (issue 17) over the committed fuzz modules of
 * testdata/fuzz/ (binaryen's `wasm-opt -ttf`, each named by its seed; testdata/fuzz/README.md
 * says how they were made): every module runs on V8, on gab's interpreter in random budgets
 * with a snapshot between every two, and on gab with the tier forced on (`all`) and with its
 * default thresholds (`hot`) on the same budgets, each snapshot restored into a fresh runtime
 * (tests/tier/differential.ts). V8 and the interpreter must agree on results, logged values
 * and traps; each tier run must give the interpreter's trace, ticks and snapshot bits.
 *
 * Known disagreements are listed in testdata/fuzz/expectations.json (module -> "v8" / "all"
 * / "hot" -> the reason): a module that disagrees without being listed fails the test, and so
 * does a listed one that now agrees (take it off the list). The tier must compile functions in
 * most modules, or the test could pass with a tier that never runs.
 *
 * @module
 */

import assert from "node:assert/strict";
import { checkModule } from "./differential.ts";
import type { TierMode } from "../../src/script/engine.ts";

const DIR = new URL("../../testdata/fuzz/", import.meta.url);

/** The committed modules: `<folder>/<seed>.wasm` under testdata/fuzz/, in seed order. */
function corpus(): { name: string; seed: number; bytes: Uint8Array }[] {
  const out: { name: string; seed: number; bytes: Uint8Array }[] = [];
  for (
    const folder of [...Deno.readDirSync(DIR)].filter((e) => e.isDirectory).map((e) => e.name)
      .sort()
  ) {
    const names = [...Deno.readDirSync(new URL(`${folder}/`, DIR))]
      .filter((e) => /^\d+\.wasm$/.test(e.name)).map((e) => e.name)
      .sort((a, b) => parseInt(a) - parseInt(b));
    for (const name of names) {
      out.push({
        name: `${folder}/${name}`,
        seed: parseInt(name),
        bytes: Deno.readFileSync(new URL(`${folder}/${name}`, DIR)),
      });
    }
  }
  return out;
}

/** Known disagreements: module -> what disagrees ("v8", "all", "hot") -> why. */
type Expectations = Record<string, Partial<Record<"v8" | TierMode, string>>>;

const expected: Expectations = JSON.parse(
  Deno.readTextFileSync(new URL("expectations.json", DIR)),
);

Deno.test("fuzz modules: V8 = interpreter = tier (all, hot) on budgets and snapshots", () => {
  const modules = corpus();
  assert.ok(modules.length >= 200, `only ${modules.length} modules in testdata/fuzz`);
  const problems: string[] = [];
  let compiled = 0, snapshots = 0;
  for (const { name, seed, bytes } of modules) {
    const check = checkModule(bytes, seed, { tiers: ["all", "hot"] });
    snapshots += check.snapshots;
    if ((check.compiled.all ?? 0) > 0) compiled++;
    const listed = expected[name] ?? {};
    const found: Partial<Record<"v8" | TierMode, string>> = {};
    if (check.v8 !== null) found.v8 = check.v8;
    for (const [tier, diff] of Object.entries(check.tiers)) {
      if (diff !== null) found[tier as TierMode] = diff;
    }
    for (const what of ["v8", "all", "hot"] as const) {
      if (found[what] !== undefined && listed[what] === undefined) {
        problems.push(`${name}: ${what === "v8" ? "V8/gab" : `tier ${what}`}: ${found[what]}`);
      } else if (found[what] === undefined && listed[what] !== undefined) {
        problems.push(`${name}: ${what} agrees now; take it off testdata/fuzz/expectations.json`);
      }
    }
  }
  console.log(
    `${modules.length} modules, ${snapshots} snapshots each run, the tier compiled functions ` +
      `in ${compiled}`,
  );
  assert.deepEqual(problems, []);
  assert.ok(compiled >= modules.length / 2, `the tier compiled functions in only ${compiled}`);
});

Deno.test("the fuzz expectations name committed modules and say why", () => {
  const names = new Set(corpus().map((m) => m.name));
  for (const [name, entries] of Object.entries(expected)) {
    assert.ok(names.has(name), `${name} is not a committed module`);
    for (const [what, reason] of Object.entries(entries)) {
      assert.ok(["v8", "all", "hot"].includes(what), `${name}: ${what}`);
      assert.ok(typeof reason === "string" && reason.length > 10, `${name}: ${what}: no reason`);
    }
  }
});
