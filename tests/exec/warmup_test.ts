import assert from "node:assert/strict";
import { runWarmup, WARMUP_BUDGETS, WARMUP_CALLS, warmupModule } from "../../src/exec/warmup.ts";
import { WARMUP_MODULE } from "../../src/exec/warmup_module.ts";
import { encode, generated } from "../../scripts/warmup_module.ts";

Deno.test("the embedded warm-up module is the one scripts/warmup_module.ts builds", () => {
  assert.deepEqual(warmupModule(), encode());
  assert.ok(generated(encode()).includes(WARMUP_MODULE.slice(0, 90)));
});

Deno.test("the warm-up computes what V8 computes for the same calls", () => {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(warmupModule() as BufferSource));
  const w = instance.exports.w as (n: number) => bigint;
  let want = 0n;
  for (let i = 0; i < WARMUP_CALLS + WARMUP_BUDGETS.length; i++) want = w(2);
  assert.equal(runWarmup(), want);
});

/** In a new process: short runs, then a long one by `last`; whether warm-up ran after each. */
async function warmups(last: string): Promise<boolean[]> {
  const src = (p: string) => new URL(`../../src/${p}`, import.meta.url).href;
  const code = `
    import { instantiate } from "${src("exec/instantiate.ts")}";
    import { invoke } from "${src("exec/invoke.ts")}";
    import { Execution } from "${src("exec/execution.ts")}";
    import { Machine } from "${src("exec/machine.ts")}";
    import { SLICE } from "${src("exec/interp.ts")}";
    import { newStore } from "${src("runtime/store.ts")}";
    import { parseModuleText } from "${src("text/parse.ts")}";
    import { validateModule } from "${src("valid/validate.ts")}";
    import { warmedUp } from "${src("exec/warmup.ts")}";
    const module = parseModuleText(\`(module (func (export "spin") (param i32)
      (loop (br_if 0 (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))))\`);
    const info = validateModule(module);
    const fresh = () => {
      const m = new Machine(newStore());
      const inst = m.store.instances[instantiate(m, module, info, [])];
      return [m, inst.exports.get("spin").addr];
    };
    const seen = [];
    const [m1, spin1] = fresh();
    invoke(m1, spin1, [1000]);
    seen.push(warmedUp());
    const [m2, spin2] = fresh();
    Execution.start(m2, spin2, [SLICE]).runFor(SLICE - 10);
    seen.push(warmedUp());
    const [m3, spin3] = fresh();
    ${last};
    seen.push(warmedUp());
    console.log(JSON.stringify(seen));
  `;
  const out = await new Deno.Command(Deno.execPath(), { args: ["eval", code] }).output();
  assert.equal(new TextDecoder().decode(out.stderr), "");
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

Deno.test("the warm-up runs only once a run has lasted a slice", async () => {
  assert.deepEqual(await warmups("invoke(m3, spin3, [SLICE])"), [false, false, true]);
  const runFor = "Execution.start(m3, spin3, [SLICE]).runFor(Infinity)";
  assert.deepEqual(await warmups(runFor), [false, false, true]);
});
