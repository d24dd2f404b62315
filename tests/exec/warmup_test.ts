import assert from "node:assert/strict";
import { encodeModule } from "../../src/binary/encode.ts";
import { source } from "../../src/exec/warmup.ts";
import { parseModuleText } from "../../src/text/parse.ts";
import { load } from "./harness.ts";

Deno.test("the warm-up module computes what V8 computes", () => {
  const l = load(source());
  const bytes = encodeModule(parseModuleText(source()));
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes as BufferSource));
  const w = instance.exports.w as (n: number) => bigint;
  for (const n of [1, 2, 20]) assert.equal(l.call("w", n)[0], w(n), `w(${n})`);
});
