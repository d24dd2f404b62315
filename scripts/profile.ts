/**
 * A profiling aid for the interpreter: which IR ops, and which pairs of consecutive ops, a
 * program executes, to find the sequences worth fusing (and the fused ops nothing uses).
 *
 * - A benchmark kernel's `run(n)` is stepped one tick at a time (fuel 1 per `run` call, so the
 *   interpreter loop itself is unchanged): exact counts.
 * - A real program (`--real`: CPython running its smoke test, or a case of
 *   scripts/real_programs.ts such as `sqlite_memory_stdin`, `flite_slt`) is sampled: it runs
 *   through the WASI driver in budgets of a pseudo-random number of ticks (mean `--period`,
 *   default 2000), and at each stop the op about to run, and the one after it (one more tick),
 *   are counted. Shares of the samples estimate shares of the executed ops; `--funcs` also
 *   gives the shares by function, with each one's size against the tier's MAX_CODE.
 *
 * ```sh
 * deno run -A scripts/profile.ts fib            # the kernel at its test n
 * deno run -A scripts/profile.ts sieve 20000    # at n = 20000
 * deno run -A scripts/profile.ts loops --ir     # also print the IR of every lowered function
 * deno run -A scripts/profile.ts --real python  # CPython's test_smoke.py, sampled
 * deno run -A scripts/profile.ts --real sqlite_memory_stdin --period 500
 * ```
 *
 * It does not time anything (stepping and sampling are slower than a real run):
 * `scripts/bench.ts` does.
 *
 * @module
 */

import { parseArgs } from "node:util";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { compile } from "../src/api/module.ts";
import { Runtime, type WasmFunction } from "../src/api/runtime.ts";
import { decodeModule } from "../src/binary/decode.ts";
import { instantiate } from "../src/exec/instantiate.ts";
import { DONE, run } from "../src/exec/interp.ts";
import { Machine } from "../src/exec/machine.ts";
import { IR_OPS } from "../src/ir/ops.ts";
import { printIr } from "../src/ir/print.ts";
import { MAX_CODE } from "../src/exec/tier.ts";
import { newStore } from "../src/runtime/store.ts";
import { validateModule } from "../src/valid/validate.ts";
import { createWasi, ProcExit } from "../src/wasi/api.ts";
import { loadKernels, readKernel } from "./bench.ts";
import { CASES, PROGRAMS } from "./real_programs.ts";

/** Counts of ops and of pairs `a > b` (exact for kernels, samples for real programs). */
interface Profile {
  title: string;
  ops: Map<number, number>;
  pairs: Map<string, number>;
  /** Samples per function (store address). */
  funcs: Map<number, number>;
  total: number;
  machine: Machine;
}

/** Steps kernel `name`'s `run(n)` one tick at a time. */
async function profileKernel(name: string, nArg: string | undefined): Promise<Profile> {
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
  const title = `${kernel.name}(${n}): ${ticks} ticks, result i32 ${m.i32[0]}`;
  return { title, ops, pairs, funcs: new Map(), total: ticks, machine: m };
}

/** Samples real program `which` (see the module doc) every `period` ticks on average. */
async function profileReal(which: string, period: number): Promise<Profile> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gab-profile-"));
  let wasm: string, args: string[], stdin = "", preopens: Record<string, string> = {};
  const env: string[] = [];
  if (which === "python") {
    const py = path.resolve(new URL("../../shared/programs/cpython", import.meta.url).pathname);
    wasm = path.join(py, "python.wasm");
    args = ["python", "/test_smoke.py"];
    preopens = { "/": py };
    env.push("PYTHONHOME=/");
  } else {
    const c = CASES.find((c) => c.name === which);
    if (c === undefined) throw new Error(`no real program case ${which}`);
    const r = c.runs[c.runs.length - 1];
    wasm = PROGRAMS[c.program];
    args = r.args;
    stdin = r.stdin ?? "";
    for (const [name, text] of Object.entries(c.files ?? {})) {
      fs.writeFileSync(path.join(dir, name), text);
    }
    if (c.guestDir !== undefined) preopens = { [c.guestDir]: dir };
  }
  const module = compile(fs.readFileSync(wasm));
  const wasi = createWasi({
    args,
    env,
    preopens,
    stdin: new TextEncoder().encode(stdin),
    stdout: () => {},
    stderr: () => {},
  });
  const runtime = new Runtime();
  const instance = runtime.instantiate(module, wasi.imports(module));
  wasi.bind(instance);
  const ex = runtime.start(instance.exports._start as WasmFunction);
  const m = ex.machine;
  const ops = new Map<number, number>();
  const pairs = new Map<string, number>();
  const funcs = new Map<number, number>();
  let seed = 12345, samples = 0, status = "";
  const ended = (r: { status: string; error?: unknown }) =>
    r.status === "trapped" && r.error instanceof ProcExit ? `exit ${r.error.code}` : r.status;
  const opAt = () => m.compiled[m.funcAddr]!.code[m.pc];
  try {
    for (;;) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const r = await wasi.drive(ex, { fuel: 1 + (seed % (2 * period)) });
      if (r.status !== "paused") {
        status = ended(r);
        break;
      }
      const op = opAt();
      funcs.set(m.funcAddr, (funcs.get(m.funcAddr) ?? 0) + 1);
      const r2 = await wasi.drive(ex, { fuel: 1 });
      if (r2.status !== "paused") {
        status = ended(r2);
        break;
      }
      ops.set(op, (ops.get(op) ?? 0) + 1);
      const pair = `${IR_OPS[op].name} > ${IR_OPS[opAt()].name}`;
      pairs.set(pair, (pairs.get(pair) ?? 0) + 1);
      samples++;
    }
  } finally {
    wasi.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const title = `${which}: ${samples} samples (every ${period} ticks on average), ${status}`;
  return { title, ops, pairs, funcs, total: samples, machine: m };
}

const USAGE = "usage: deno run -A scripts/profile.ts (KERNEL [N] [--ir] | --real PROGRAM " +
  "[--period N] [--all] [--funcs])";
const { values, positionals } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: {
    ir: { type: "boolean" },
    real: { type: "string" },
    period: { type: "string", default: "2000" },
    all: { type: "boolean" },
    funcs: { type: "boolean" },
  },
});
if (values.real === undefined && positionals.length === 0) throw new Error(USAGE);
const p = values.real !== undefined
  ? await profileReal(values.real, Number(values.period))
  : await profileKernel(positionals[0], positionals[1]);
console.log(p.title);
const top = <K>(map: Map<K, number>, label: (k: K) => string, count: number) => {
  for (const [k, c] of [...map].sort((a, b) => b[1] - a[1]).slice(0, count)) {
    console.log(`${(100 * c / p.total).toFixed(2).padStart(6)}%  ${label(k)}`);
  }
};
console.log("-- ops");
top(p.ops, (op) => IR_OPS[op].name, values.all ? IR_OPS.length : 25);
console.log("-- pairs");
top(p.pairs, (pair) => pair, 25);
if (values.all) {
  const unseen = IR_OPS.filter((o) => !p.ops.has(o.op)).map((o) => o.name);
  console.log(`-- never seen (${unseen.length}): ${unseen.join(" ")}`);
}
if (values.funcs) {
  // Where the ticks go by function, with its size against the tier's MAX_CODE.
  console.log(`-- functions (IR words; the tier compiles up to ${MAX_CODE})`);
  let big = 0;
  for (const [addr, c] of p.funcs) if (p.machine.code(addr).code.length > MAX_CODE) big += c;
  console.log(`${(100 * big / p.total).toFixed(2).padStart(6)}%  in functions over MAX_CODE`);
  top(p.funcs, (addr) => {
    const o = p.machine.store.objects[addr];
    const name = o?.kind === "wasm"
      ? p.machine.store.instances[o.instance].module.names.funcs.get(o.index) ?? `#${o.index}`
      : "?";
    return `${name} (${p.machine.code(addr).code.length} words)`;
  }, 30);
}
if (values.ir) {
  for (const [addr, c] of p.machine.compiled.entries()) {
    if (c !== undefined) console.log(`-- function ${addr}\n${printIr(c)}`);
  }
}
