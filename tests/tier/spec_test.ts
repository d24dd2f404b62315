/**
 * The compiled tier against the spec testsuite (issue 17): a sample of spec files run with the
 * tier forced on for every function (`tier: "all"`) and with the default thresholds
 * (`"hot"`), each compared with tests/script/expectations.json as the plain run is: the tier
 * may not add a failure, fix one, or change a reason. The whole suite runs with
 * `deno task test:spec --tier=all` (minutes).
 *
 * @module
 */

import assert from "node:assert/strict";
import { defaultEngine, type TierMode } from "../../src/script/engine.ts";
import {
  compareFailures,
  describeComparison,
  loadExpectations,
} from "../../src/script/expectations.ts";
import { type CommandResult, runSource } from "../../src/script/run.ts";
import { defaultSuiteDir, isDir, readScript } from "../../src/script/suite.ts";

const dir = defaultSuiteDir();

/**
 * Control flow, calls (direct, indirect, tail), integer and float numerics with their edge
 * cases and NaN bits, conversions, memories (bulk, multi, 64-bit), tables, references,
 * exceptions (both encodings), traps and exhaustion, vectors.
 */
export const TIER_SAMPLE: readonly string[] = [
  "block.wast",
  "br.wast",
  "br_if.wast",
  "br_table.wast",
  "call.wast",
  "call_indirect.wast",
  "call_ref.wast",
  "conversions.wast",
  "f32.wast",
  "f64_bitwise.wast",
  "f64_cmp.wast",
  "fac.wast",
  "float_exprs.wast",
  "float_misc.wast",
  "func_ptrs.wast",
  "global.wast",
  "i32.wast",
  "i64.wast",
  "if.wast",
  "int_exprs.wast",
  "left-to-right.wast",
  "local_tee.wast",
  "loop.wast",
  "memory-multi.wast",
  "memory64.wast",
  "memory_copy.wast",
  "memory_fill.wast",
  "memory_grow.wast",
  "memory_trap.wast",
  "return_call.wast",
  "return_call_indirect.wast",
  "return_call_ref.wast",
  "select.wast",
  "stack.wast",
  "switch.wast",
  "table_fill.wast",
  "table_grow.wast",
  "throw.wast",
  "throw_ref.wast",
  "traps.wast",
  "try_table.wast",
  "unwind.wast",
  "legacy/rethrow.wast",
  "legacy/try_catch.wast",
  "legacy/try_delegate.wast",
  "simd_lane.wast",
  "simd_load.wast",
];

for (const tier of ["all", "hot"] as TierMode[]) {
  Deno.test({
    name: `spec sample with the tier "${tier}": the failures of expectations.json, no other`,
    ignore: !isDir(dir),
    fn() {
      const engine = defaultEngine({ tier });
      const results = new Map<string, CommandResult[]>();
      for (const file of TIER_SAMPLE) {
        results.set(file, runSource(readScript(`${dir}/${file}`), engine));
      }
      const report = describeComparison(compareFailures(results, loadExpectations().spec));
      assert.equal(report.length, 0, report.join("\n"));
    },
  });
}
