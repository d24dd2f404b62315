import assert from "node:assert/strict";
import { benchStartup, formatStartup } from "../../scripts/bench_startup.ts";

// The figures are the benchmark's (deno task bench); this only checks that the three processes
// run (a failing one is an error) and that the report names them.
Deno.test("the start-up benchmark runs its three processes and reports them", async () => {
  const s = await benchStartup(1);
  assert.deepEqual(s.rows.map((r) => r.name), [
    "deno run (empty script)",
    "deno run (import mod.ts)",
    "gab run testdata/hello.wasm",
  ]);
  for (const r of s.rows) assert.ok(r.ms > 0);
  assert.match(formatStartup(s), /gab run hello \/ import mod.ts: \d+\.\d\d/);
});
