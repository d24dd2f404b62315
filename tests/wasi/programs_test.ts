import assert from "node:assert/strict";
import { expected, runCase, SPEC } from "./harness.ts";

// The C test programs of testdata/wasi (and CPython, from the shared folder), compared with the
// output Node's node:wasi gave (scripts/wasi_expected.mjs), with the documented differences
// (cases.json). The slow cases (CPython beyond one -c line) run with GAB_SLOW=1.
const slow = Deno.env.get("GAB_SLOW") === "1";

for (const c of SPEC.cases) {
  const shared = (c.wasm + JSON.stringify(c.preopens ?? {})).includes("@shared/");
  let present = true;
  if (shared) {
    try {
      Deno.statSync(new URL("../../../shared/programs/cpython/python.wasm", import.meta.url));
    } catch {
      present = false;
    }
  }
  Deno.test({
    name: `wasi program ${c.name}`,
    ignore: (c.slow === true && !slow) || !present,
    fn() {
      const t0 = performance.now();
      const got = runCase(c);
      if (c.slow || shared) {
        console.log(`  ${c.name}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      }
      assert.deepEqual(got, expected(c));
    },
  });
}
