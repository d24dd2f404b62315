/**
 * gab as an engine of the differential harness (tests/fuzz_harness.ts) that runs every
 * exported function in budgets: each call is an {@linkcode Execution} advanced by `runFor`
 * with budgets drawn from a seeded generator, and between two budgets the runtime is written
 * as snapshot bytes. With `restore` on, the bytes are restored into a fresh runtime (host
 * functions bound again by name) which goes on; with it off, the same runtime goes on (the
 * reference run). Each runtime runs in tier mode `tier` (issue 17).
 *
 * Besides the harness's trace, a {@linkcode BudgetedRun} records the ticks each call took and
 * a digest of every snapshot, so that two runs on the same budgets (the interpreter alone and
 * the tier) can be compared on ticks and on the bits of their snapshots.
 *
 * Nested calls (a host function calling back into the module: `call-export`, `call-ref`) run
 * as plain calls on the current runtime with unbounded fuel, their ticks not counted, so a
 * budget never ends inside one.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { fromRawValue, toRawValue } from "../../src/api/convert.ts";
import { restore } from "../../src/api/restore.ts";
import { Runtime, UncaughtWasmException, type WasmFunction } from "../../src/api/runtime.ts";
import { WasmTag } from "../../src/api/objects.ts";
import { Exhaustion } from "../../src/errors.ts";
import type { Execution } from "../../src/exec/execution.ts";
import { WasmException } from "../../src/exec/machine.ts";
import type { HostBindings } from "../../src/snapshot/restore.ts";
import type { RawValue } from "../../src/runtime/values.ts";
import { ExternKind, type FuncType } from "../../src/syntax/types.ts";
import { canonType } from "../../src/valid/registry.ts";
import { decodeModule } from "../../src/binary/decode.ts";
import { type Engine, gabGlobalType, run, type Trace } from "../fuzz_harness.ts";
import type { TierMode } from "../../src/script/engine.ts";
import { type TierState, tierState } from "../../src/exec/tier.ts";

/** A seeded generator of numbers in [0, 1) (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The most ticks one call may take (as the harness's own gab run): "exhausted" beyond. */
export const MAX_TICKS = 200_000_000;

/**
 * Budgets for slice `slice` of a call: mostly small (a pause every few instructions), some
 * medium and long; after `slices` slices the call runs to its end.
 */
export function budgets(rand: () => number, slices: number): (slice: number) => number {
  return (slice) => {
    if (slice >= slices) return MAX_TICKS;
    const r = rand();
    if (r < 0.5) return Math.floor(rand() * 12);
    if (r < 0.85) return 12 + Math.floor(rand() * 300);
    return 300 + Math.floor(rand() * 20_000);
  };
}

/** Options of {@linkcode runBudgeted}. */
export interface BudgetedOptions {
  /** The tier mode of every runtime (unset: the machine's default). */
  tier?: TierMode;
  /** Every function the tier compiles is cut into its smallest regions (tier_split.ts). */
  split?: boolean;
  /** The "hot" mode's threshold (calls of a function, entries of a region), if not default. */
  threshold?: number;
  /** Restore every snapshot into a fresh runtime and go on there (else go on in place). */
  restore: boolean;
  /** Seed of the budgets. */
  seed: number;
  /** Slices of random budgets per call before it runs to its end (default 24). */
  slices?: number;
}

/** What a budgeted run gives: the harness's trace, ticks per call, snapshot digests. */
export interface BudgetedRun {
  trace: Trace;
  /** Ticks of each top-level call, in order (-1 for one that trapped). */
  ticks: number[];
  /** SHA-1 of each snapshot's bytes, in order, with the tick it was taken at. */
  snapshots: string[];
  /** Functions the tier compiled, summed over the runtimes the run went through. */
  compiled: number;
}

/** Sets the tier mode of `rt`'s machine (a field of the tier's machine), and the split. */
function setTier(rt: Runtime, tier: TierMode | undefined, split = false, threshold?: number) {
  if (tier !== undefined) rt.machine.tier = tier;
  if (threshold !== undefined) rt.machine.tierThreshold = threshold;
  if (split) {
    const state = tierState(rt.machine);
    state.maxCode = 0;
    state.regionCode = 1;
  }
  return rt;
}

/** Runs `bytes` through the harness on gab in budgets (see the module doc). */
export function runBudgeted(bytes: Uint8Array, options: BudgetedOptions): BudgetedRun {
  const m = decodeModule(bytes);
  const budget = budgets(prng(options.seed), options.slices ?? 24);
  const ticks: number[] = [];
  const snapshots: string[] = [];
  let rt = setTier(new Runtime(), options.tier, options.split, options.threshold);
  let instance = -1;
  let active = false;
  let total = 0;
  let compiled = 0;
  /** The harness's JS imports by module and name (bound again after a restore). */
  let jsImports: Record<string, Record<string, unknown>> = {};

  /** Runs `f` with unbounded fuel (a nested call), the budget's fuel put back after. */
  const unmetered = <T>(f: () => T): T => {
    const machine = rt.machine;
    const saved = machine.fuel;
    machine.fuel = Infinity;
    try {
      return f();
    } finally {
      machine.fuel = saved;
    }
  };

  /** Raw host implementations over the current runtime, for restore. */
  const bindings = (): HostBindings => {
    const out: HostBindings = {};
    for (const obj of rt.store.objects) {
      if (obj.kind !== "host") continue;
      const f = jsImports[obj.module]?.[obj.name];
      if (typeof f !== "function") continue;
      const ft = canonType(obj.type).comp as FuncType;
      (out[obj.module] ??= {})[obj.name] = (raw: RawValue[]): RawValue[] => {
        const args = raw.map((r, i) => fromRawValue(rt, r, ft.params[i]));
        let result: unknown;
        try {
          result = f(...args);
        } catch (err) {
          if (err instanceof UncaughtWasmException) throw err.exception;
          throw err;
        }
        if (ft.results.length === 0) return [];
        if (ft.results.length === 1) return [toRawValue(rt, result, ft.results[0])];
        const values = [...(result as Iterable<unknown>)];
        return values.map((v, i) => toRawValue(rt, v, ft.results[i]));
      };
    }
    return out;
  };

  /** The function export `name`, called in budgets (plainly when nested). */
  const budgeted = (name: string) => (...args: unknown[]): unknown => {
    const fn = () => rt.instance(instance).exports[name] as WasmFunction;
    if (active) return unmetered(() => fn()(...args));
    active = true;
    try {
      let ex: Execution = rt.start(fn(), args);
      let used = 0;
      for (let slice = 0;; slice++) {
        const b = Math.min(budget(slice), MAX_TICKS - used);
        const r = ex.runFor(b);
        if (r.status === "trapped") {
          // The fuel left is not defined after a trap (the interpreter does not write it
          // back): the ticks of a trapped call's last slice are not compared.
          ticks.push(-1);
          const e = r.error;
          if (e instanceof WasmException) {
            const ue = new Error("uncaught wasm exception");
            ue.name = "UncaughtWasmException";
            throw ue;
          }
          throw e;
        }
        const spent = b - rt.machine.fuel;
        used += spent;
        total += spent;
        if (r.status === "complete") {
          ticks.push(used);
          const results = r.results;
          return results.length === 0 ? undefined : results.length === 1 ? results[0] : results;
        }
        if (r.status !== "paused") throw new Error(`unexpected ${r.status}`);
        if (used >= MAX_TICKS) {
          ticks.push(used);
          throw new Exhaustion("fuel exhausted");
        }
        const bytes = rt.snapshot({ execution: ex });
        snapshots.push(`${total} ${createHash("sha1").update(bytes).digest("hex")}`);
        if (options.restore) {
          compiled += compiledIn(rt);
          const back = restore(bytes, bindings());
          rt = setTier(back.runtime, options.tier, options.split, options.threshold);
          ex = back.execution!;
        }
      }
    } finally {
      active = false;
    }
  };

  const funcIndex = new Map<unknown, number>();
  const engine: Engine = {
    v8: false,
    tag: (params) => rt.tag({ parameters: params }),
    // The tag's handle belongs to the runtime it was made in: the same tag in the current one.
    exception: (tag, values) => rt.exception(new WasmTag(rt, (tag as WasmTag).addr), values),
    global: (t, value) => {
      const name = gabGlobalType(t);
      return name === null ? value : rt.global({ value: name }, value);
    },
    instantiate: (imports) => {
      // Host functions called by wasm: the calls back into wasm they make (call-export,
      // call-ref) run with unbounded fuel.
      jsImports = {};
      for (const [mod, names] of Object.entries(imports)) {
        jsImports[mod] = {};
        for (const [name, v] of Object.entries(names)) {
          const f = v as (...a: unknown[]) => unknown;
          jsImports[mod][name] = typeof v === "function"
            ? (...a: unknown[]) => active ? unmetered(() => f(...a)) : f(...a)
            : v;
        }
      }
      const inst = rt.instantiate(bytes, jsImports as Parameters<Runtime["instantiate"]>[1]);
      instance = inst.index;
      const view: Record<string, unknown> = {};
      for (const e of m.exports) {
        if (e.kind === ExternKind.Func) {
          const f = budgeted(e.name);
          funcIndex.set(f, e.index);
          Object.defineProperty(view, e.name, { enumerable: true, value: f });
        } else {
          Object.defineProperty(view, e.name, {
            enumerable: true,
            get: () => rt.instance(instance).exports[e.name],
          });
        }
      }
      return view;
    },
    beforeCall: () => {},
    funcIndex: (fn) => {
      const i = funcIndex.get(fn);
      if (i !== undefined) return i;
      // A reference to a function of the module, or to one of its imports (as V8 names it).
      const addr = rt.funcAddr(fn);
      if (addr === undefined) return null;
      const index = rt.store.instances[instance].funcs.indexOf(addr);
      return index < 0 ? null : index;
    },
  };
  const trace = run(m, engine);
  compiled += compiledIn(rt);
  return { trace, ticks, snapshots, compiled };
}

/** How many functions the tier has compiled in `rt`'s machine. */
function compiledIn(rt: Runtime): number {
  const state = rt.machine.tierState as TierState | null;
  return state === null ? 0 : state.fns.filter((f) => typeof f === "function").length;
}
