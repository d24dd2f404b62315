/**
 * The snapshot torture test (issue 5): spec scripts run with every invocation cut into slices
 * of K ticks, with snapshot -> bytes -> restore into a fresh machine between slices
 * (`defaultEngine({ torture: K })`, src/script/engine.ts), give the same result for every
 * command as a plain run.
 *
 * By default a sample of files runs (a few seconds). The whole testsuite runs with
 * `GAB_TORTURE=full deno test -A tests/script/torture_test.ts` (minutes); `GAB_TORTURE_TICKS=K`
 * sets K (default 7).
 *
 * The compiled tier (issue 17): the sample runs a second time with the tier forced on for
 * every function (`tier: "all"`, also in each restored machine), against the same plain run
 * (the interpreter alone), so that compiled frames must stop at every K-th tick, be written
 * in wasm terms and resume. `GAB_TORTURE_TIER=all|hot|off` picks the tier of the one tortured
 * run instead (with `GAB_TORTURE=full`: the whole suite with the tier).
 *
 * @module
 */

import assert from "node:assert/strict";
import { defaultEngine, TIER_MODES, type TierMode } from "../../src/script/engine.ts";
import { runSource } from "../../src/script/run.ts";
import { defaultSuiteDir, isDir, readScript, suiteFiles } from "../../src/script/suite.ts";

const dir = defaultSuiteDir();
const full = Deno.env.get("GAB_TORTURE") === "full";
const ticks = Number(Deno.env.get("GAB_TORTURE_TICKS") ?? 7);
const tierEnv = Deno.env.get("GAB_TORTURE_TIER");
/** The tiers of the tortured runs: the interpreter's default, then the tier forced on. */
const tiers: (TierMode | undefined)[] = tierEnv !== undefined
  ? [tierEnv as TierMode]
  : [undefined, "all"];

/** Files with calls, loops, recursion, traps, exceptions, memory, tables and vectors. */
const SAMPLE = [
  "fac.wast",
  "br_table.wast",
  "if.wast",
  "local_tee.wast",
  "loop.wast",
  "left-to-right.wast",
  "func_ptrs.wast",
  "global.wast",
  "memory_grow.wast",
  "throw.wast",
  "try_table.wast",
  "legacy/try_catch.wast",
  // v128 values in frames, locals, globals and memory.
  "simd_lane.wast",
  "simd_load.wast",
  "simd_select.wast",
  "simd_linking.wast",
  "simd_load8_lane.wast",
  "simd_store16_lane.wast",
  "relaxed_laneselect.wast",
  // GC: structs, arrays, i31 and casts in frames, globals and tables; every snapshot collects
  // first (src/exec/collect.ts), so the heap is collected and restored between any two slices.
  "struct.wast",
  "array.wast",
  "array_copy.wast",
  "array_fill.wast",
  "array_init_elem.wast",
  "array_new_data.wast",
  "i31.wast",
  "ref_cast.wast",
  "ref_test.wast",
  "br_on_cast.wast",
  "br_on_cast_fail.wast",
  "ref_eq.wast",
  "extern.wast",
  "type-subtyping.wast",
];

for (const tier of tiers) {
  Deno.test({
    name: `snapshot torture (every ${ticks} ticks${
      tier === undefined ? "" : `, tier ${tier}`
    }): same results as a plain run`,
    ignore: !isDir(dir),
    fn() {
      assert.ok(Number.isSafeInteger(ticks) && ticks > 0, "GAB_TORTURE_TICKS: a positive integer");
      assert.ok(tier === undefined || TIER_MODES.includes(tier), "GAB_TORTURE_TIER: off|hot|all");
      const files = full ? suiteFiles(dir) : SAMPLE;
      const differences: string[] = [];
      for (const file of files) {
        const source = readScript(`${dir}/${file}`);
        const plain = runSource(source, defaultEngine({ tier: "off" }));
        const tortured = runSource(source, defaultEngine({ torture: ticks, tier }));
        assert.equal(tortured.length, plain.length, file);
        for (let i = 0; i < plain.length; i++) {
          const a = plain[i], b = tortured[i];
          if (a.outcome !== b.outcome || a.reason !== b.reason) {
            differences.push(
              `${file}:${a.line}: ${a.outcome} ${a.reason ?? ""} / tortured: ${b.outcome} ${
                b.reason ?? ""
              }`,
            );
          }
        }
      }
      assert.deepEqual(differences, []);
    },
  });
}
