/**
 * The tier's differential check of one fuzz module (issue 17): the module runs through the
 * harness (tests/fuzz_harness.ts) on V8, on gab's interpreter in budgets with a snapshot
 * between every two (tests/tier/fuzz_gab.ts, going on in place: the reference), and on gab
 * with the compiled tier in each of `tiers`, on the same budgets, every snapshot restored into
 * a fresh runtime that goes on.
 *
 * - V8 and the interpreter must give the same trace (results, logged values, traps).
 * - Each tier run must give the interpreter's trace, the same ticks per call and snapshots
 *   with the same bits at the same ticks.
 *
 * tests/tier/fuzz_test.ts runs it over the committed modules of testdata/fuzz/, and
 * scripts/fuzz_tier.ts over any folder of modules.
 *
 * @module
 */

import { compareTraces, runOnV8 } from "../fuzz_harness.ts";
import { type BudgetedRun, runBudgeted } from "./fuzz_gab.ts";
import type { TierMode } from "../../src/script/engine.ts";

/** What {@linkcode checkModule} found. */
export interface ModuleCheck {
  /** The first difference between V8 and the interpreter, or null. */
  v8: string | null;
  /** The first difference between the interpreter and each tier run (null: none), by mode. */
  tiers: Partial<Record<TierMode, string | null>>;
  /** Functions the tier compiled, by mode (summed over the runtimes of the run). */
  compiled: Partial<Record<TierMode, number>>;
  /** Snapshots taken (and, in the tier runs, restored) per run. */
  snapshots: number;
}

/** Options of {@linkcode checkModule}. */
export interface CheckOptions {
  /** The tier modes to compare with the interpreter. */
  tiers: TierMode[];
  /** Slices of random budgets per call (see tests/tier/fuzz_gab.ts). */
  slices?: number;
}

/** The first difference between a reference run and a tier run, or null. */
export function compareRuns(ref: BudgetedRun, run: BudgetedRun): string | null {
  const trace = compareTraces(ref.trace, run.trace);
  if (trace !== null) {
    return `trace ${trace.replace(/V8 /, "interpreter ").replace(/gab /, "tier ")}`;
  }
  for (let i = 0; i < Math.max(ref.ticks.length, run.ticks.length); i++) {
    if (ref.ticks[i] !== run.ticks[i]) {
      return `ticks of call ${i}: interpreter ${ref.ticks[i]} / tier ${run.ticks[i]}`;
    }
  }
  for (let i = 0; i < Math.max(ref.snapshots.length, run.snapshots.length); i++) {
    if (ref.snapshots[i] !== run.snapshots[i]) {
      return `snapshot ${i}: interpreter ${ref.snapshots[i] ?? "(none)"} / tier ${
        run.snapshots[i] ?? "(none)"
      }`;
    }
  }
  return null;
}

/** Checks module `bytes` (made from `seed`, which also seeds the budgets). */
export function checkModule(bytes: Uint8Array, seed: number, options: CheckOptions): ModuleCheck {
  const v8 = runOnV8(bytes);
  const slices = options.slices;
  const ref = runBudgeted(bytes, { tier: "off", restore: false, seed, slices });
  const out: ModuleCheck = {
    v8: compareTraces(v8, ref.trace),
    tiers: {},
    compiled: {},
    snapshots: ref.snapshots.length,
  };
  for (const tier of options.tiers) {
    const run = runBudgeted(bytes, { tier, restore: true, seed, slices });
    out.tiers[tier] = compareRuns(ref, run);
    out.compiled[tier] = run.compiled;
  }
  return out;
}
