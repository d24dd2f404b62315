/**
 * A profiling aid for the interpreter: runs a benchmark kernel's `run(n)` one tick at a time
 * (fuel 1 per `run` call, so the interpreter loop itself is unchanged) and counts the IR ops
 * and the pairs of consecutive ops executed, to find the sequences worth fusing.
 *
 * ```sh
 * deno run -A scripts/profile.ts fib            # the kernel at its test n
 * deno run -A scripts/profile.ts sieve 20000    # at n = 20000
 * deno run -A scripts/profile.ts loops --ir     # also print the IR of every lowered function
 * ```
 *
 * It does not time anything (stepping is ~100x slower than a real run): `scripts/bench.ts` does.
 *
 * @module
 */

import { decodeModule } from "../src/binary/decode.ts";
import { DONE, run } from "../src/exec/interp.ts";
import { Machine } from "../src/exec/machine.ts";
import { IR_OPS } from "../src/ir/ops.ts";
import { printIr } from "../src/ir/print.ts";
import { instantiate } from "../src/exec/instantiate.ts";
import { newStore } from "../src/runtime/store.ts";
import { validateModule } from "../src/valid/validate.ts";
import { loadKernels, readKernel } from "./bench.ts";

const [name, nArg] = Deno.args.filter((a) => !a.startsWith("--"));
const showIr = Deno.args.includes("--ir");
const kernel = (await loadKernels()).find((k) => k.name === name);
if (kernel === undefined) throw new Error(`no kernel ${name}`);
const n = nArg === undefined ? kernel.testN : Number(nArg);
const module = decodeModule(await readKernel(kernel));
const m = new Machine(newStore());
const inst = m.store.instances[instantiate(m, module, validateModule(module), [])];
const runExport = inst.exports.get("run");
if (runExport?.kind !== "func") throw new Error("no run export");

// Set up the invocation as invoke() does, then step it.
const cf = m.code(runExport.addr);
m.i32[0] = n;
m.i32.fill(0, cf.params * 2, cf.locals * 2);
m.pushFrame(-1, 0, 0, true);
m.funcAddr = runExport.addr;
m.pc = 0;
m.fp = 0;
const ops = new Map<number, number>();
const pairs = new Map<string, number>();
let prev = "";
let ticks = 0;
for (;;) {
  const op = m.compiled[m.funcAddr]!.code[m.pc];
  ops.set(op, (ops.get(op) ?? 0) + 1);
  const opName = IR_OPS[op].name;
  const pair = `${prev} > ${opName}`;
  pairs.set(pair, (pairs.get(pair) ?? 0) + 1);
  prev = opName;
  ticks++;
  m.fuel = 1;
  if (run(m) === DONE) break;
}
console.log(`${kernel.name}(${n}): ${ticks} ticks, result i32 ${m.i32[0]}`);
const top = <K>(map: Map<K, number>, label: (k: K) => string, count: number) => {
  for (const [k, c] of [...map].sort((a, b) => b[1] - a[1]).slice(0, count)) {
    console.log(`${(100 * c / ticks).toFixed(1).padStart(6)}%  ${label(k)}`);
  }
};
console.log("-- ops");
top(ops, (op) => IR_OPS[op].name, 25);
console.log("-- pairs");
top(pairs, (p) => p, 25);
if (showIr) {
  for (const [addr, c] of m.compiled.entries()) {
    if (c !== undefined) console.log(`-- function ${addr}\n${printIr(c)}`);
  }
}
