/**
 * `deno doc --lint mod.ts cli.ts` reports nothing: every export of the public API has JSDoc and
 * an explicit type, and no public type refers to a private one (engine internals are marked
 * `@internal`). `deno task ok` runs the same command; this test makes `deno task test` see it.
 *
 * @module
 */

import assert from "node:assert/strict";

const ROOT = decodeURIComponent(new URL("../", import.meta.url).pathname);

Deno.test("deno doc --lint mod.ts cli.ts is clean", async () => {
  const o = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--lint", "mod.ts", "cli.ts"],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(o.stdout) + new TextDecoder().decode(o.stderr);
  assert.equal(o.code, 0, `deno doc --lint mod.ts cli.ts:\n${text}`);
});
