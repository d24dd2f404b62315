/**
 * Shared helpers of the snapshot tests: load a module (binary or text) into a fresh machine,
 * and run an execution to completion in slices.
 *
 * @module
 */

import { decodeModule } from "../../src/binary/decode.ts";
import { Execution, type RunResult } from "../../src/exec/execution.ts";
import { Machine } from "../../src/exec/machine.ts";
import type { RawValue } from "../../src/runtime/values.ts";
import { instantiate } from "../../src/exec/instantiate.ts";
import { type ExternVal, newStore } from "../../src/runtime/store.ts";
import { parseModuleText } from "../../src/text/parse.ts";
import { validateModule } from "../../src/valid/validate.ts";

/** A machine with one instance. */
export interface Loaded {
  machine: Machine;
  /** The store address of export `name`. */
  addr(name: string): number;
}

/** Instantiates `source` (wasm bytes or WAT) on a fresh machine (lowering with `lowering`). */
export function load(
  source: Uint8Array | string,
  imports: (m: Machine) => ExternVal[] = () => [],
  lowering: { fuse?: boolean } = {},
): Loaded {
  const module = typeof source === "string" ? parseModuleText(source) : decodeModule(source);
  const info = validateModule(module);
  const machine = new Machine(newStore(), undefined, lowering);
  const inst = instantiate(machine, module, info, imports(machine));
  return {
    machine,
    addr(name) {
      const ev = machine.store.instances[inst].exports.get(name);
      if (ev === undefined) throw new Error(`no export ${name}`);
      return ev.addr;
    },
  };
}

/** Reads a kernel's binary from testdata/kernels. */
export function kernel(name: string): Uint8Array {
  return Deno.readFileSync(new URL(`../../testdata/kernels/${name}.wasm`, import.meta.url));
}

/** Runs export `name` uninterrupted; returns its results and the ticks it took. */
export function runWhole(l: Loaded, name: string, args: RawValue[]): {
  results: RawValue[];
  ticks: number;
} {
  const ex = Execution.start(l.machine, l.addr(name), args);
  const budget = Number.MAX_SAFE_INTEGER;
  const r = ex.runFor(budget);
  if (r.status !== "complete") throw new Error(`expected complete, got ${r.status}`);
  return { results: r.results as RawValue[], ticks: budget - l.machine.fuel };
}

/** The final result of a sequence of `runFor` calls. */
export function finalResult(r: RunResult): RawValue[] {
  if (r.status !== "complete") throw new Error(`expected complete, got ${JSON.stringify(r)}`);
  return r.results as RawValue[];
}
