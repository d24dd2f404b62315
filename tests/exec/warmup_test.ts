import assert from "node:assert/strict";
import { source } from "../../src/exec/warmup.ts";
import { load } from "./harness.ts";

Deno.test("the warm-up module is valid and runs without trapping", () => {
  const l = load(source());
  const [r] = l.call("w", 20);
  assert.equal(typeof r, "bigint");
});
