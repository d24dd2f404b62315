/**
 * Test helpers for the interpreter: instantiate a text module on a fresh store and machine,
 * and call its exports with raw values.
 *
 * @module
 */

import { invoke } from "../../src/exec/invoke.ts";
import { Machine } from "../../src/exec/machine.ts";
import type { RawValue } from "../../src/runtime/values.ts";
import { instantiate } from "../../src/exec/instantiate.ts";
import { type ExternVal, newStore } from "../../src/runtime/store.ts";
import { parseModuleText } from "../../src/text/parse.ts";
import { validateModule } from "../../src/valid/validate.ts";

/** An instantiated test module. */
export interface Loaded {
  machine: Machine;
  instance: number;
  /** Calls export `name` with raw arguments. */
  call(name: string, ...args: RawValue[]): RawValue[];
  /** The store address of export `name`. */
  addr(name: string): number;
}

/**
 * Parses, validates and instantiates `wat` (a module or bare module fields). `imports`
 * makes the import values from the machine (e.g. host functions), in import order.
 */
export function load(wat: string, imports?: (m: Machine) => ExternVal[]): Loaded {
  const module = parseModuleText(wat);
  const info = validateModule(module);
  const machine = new Machine(newStore());
  const instance = instantiate(machine, module, info, imports ? imports(machine) : []);
  const addr = (name: string): number => {
    const ev = machine.store.instances[instance].exports.get(name);
    if (ev === undefined) throw new Error(`no export ${name}`);
    return ev.addr;
  };
  return {
    machine,
    instance,
    addr,
    call: (name, ...args) => invoke(machine, addr(name), args),
  };
}
