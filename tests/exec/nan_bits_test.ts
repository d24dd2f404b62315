/**
 * NaN results are deterministic and V8's: each float op's result bits in gab (tests/exec/
 * nan_cases.ts) equal those of V8's compiled wasm (the oracle: Deno's own WebAssembly, which
 * follows x86: the first NaN operand quieted, else the default NaN), interpreter and tier,
 * both in a child process where V8 does not optimize gab's code and in one where it does
 * after many repetitions (V8's JS arithmetic gives a NaN's bits differently in the two).
 *
 * @module
 */

import assert from "node:assert/strict";
import { encodeModule } from "../../src/binary/encode.ts";
import { parseModuleText } from "../../src/text/parse.ts";
import { calls, results, WAT } from "./nan_cases.ts";

const want = results(
  new WebAssembly.Instance(
    new WebAssembly.Module(encodeModule(parseModuleText(WAT)) as Uint8Array<ArrayBuffer>),
  ).exports,
);

/** gab's results from a child process run with `flags`. */
async function child(flags: string[], tier: string, reps: number): Promise<string[]> {
  const script = new URL("./nan_cases.ts", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", ...flags, script, tier, String(reps)],
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

function same(got: string[], what: string): void {
  const cs = calls();
  const bad = got.flatMap((g, k) =>
    g === want[k]
      ? []
      : [`${cs[k][0]}(${
        cs[k][1].map((v) =>
          typeof v === "bigint" ? BigInt.asUintN(64, v).toString(16) : (v >>> 0).toString(16)
        )
      }) = ${g}, V8 ${want[k]}`]
  );
  assert.deepEqual(bad.slice(0, 10), [], `${what}: ${bad.length} results differ from V8's`);
}

for (const tier of ["off", "all"]) {
  Deno.test(`NaN bits as V8's, tier ${tier}, V8 not optimizing gab`, async () => {
    same(await child(["--v8-flags=--no-opt,--no-sparkplug,--no-maglev"], tier, 2), tier);
  });
  Deno.test(`NaN bits as V8's, tier ${tier}, after V8 optimizes gab`, async () => {
    same(await child([], tier, 150), tier);
  });
}
