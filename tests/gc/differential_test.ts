/**
 * The GC differential test: every module of testdata/gc (random GC modules from binaryen's
 * fuzzer, made by scripts/fuzz_gen.ts, named by their seed) runs on Deno's V8 and on gab
 * through tests/fuzz_harness.ts, and their traces (results, logged values, traps) must agree.
 *
 * Known disagreements are listed in testdata/gc/expectations.json (module -> `{diff, why}`:
 * the first difference, exactly, and its explanation): a new disagreement, a changed one, or
 * a listed module that now agrees fails. `GAB_UPDATE_EXPECTATIONS=1 deno test -A
 * tests/gc/differential_test.ts` rewrites the file from the current results (keeping the
 * explanations of entries whose difference did not change; new ones say "unexplained").
 *
 * @module
 */

import { assert, assertEquals } from "../binary/assert.ts";
import { compareTraces, MAX_TRACE, runOnGab, runOnV8 } from "../fuzz_harness.ts";
import { encodeModule } from "../../src/binary/encode.ts";
import { parseModuleText } from "../../src/text/parse.ts";

/** A known difference: the first line where the traces differ, and why. */
interface Expected {
  diff: string;
  why: string;
}

const DIR = new URL("../../testdata/gc/", import.meta.url);
const EXPECTATIONS = new URL("expectations.json", DIR);

/** The module files, by seed. */
function modules(): string[] {
  return [...Deno.readDirSync(DIR)]
    .filter((e) => e.name.endsWith(".wasm"))
    .map((e) => e.name)
    .sort((a, b) => parseInt(a) - parseInt(b));
}

Deno.test("GC fuzz modules run on gab as on V8", () => {
  const names = modules();
  const found: Record<string, string> = {};
  for (const name of names) {
    const bytes = Deno.readFileSync(new URL(name, DIR));
    const diff = compareTraces(runOnV8(bytes), runOnGab(bytes));
    if (diff !== null) found[name] = diff;
  }
  let expected: Record<string, Expected> = {};
  try {
    expected = JSON.parse(Deno.readTextFileSync(EXPECTATIONS));
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  if (Deno.env.get("GAB_UPDATE_EXPECTATIONS") === "1") {
    const out: Record<string, Expected> = {};
    for (const [name, diff] of Object.entries(found)) {
      const why = expected[name]?.diff === diff ? expected[name].why : "unexplained";
      out[name] = { diff, why };
    }
    Deno.writeTextFileSync(EXPECTATIONS, JSON.stringify(out, null, 1) + "\n");
    expected = out;
  }
  assert(names.length >= 500, `only ${names.length} modules in testdata/gc`);
  const problems: string[] = [];
  for (const [name, diff] of Object.entries(found)) {
    if (expected[name] === undefined) problems.push(`${name}: new difference: ${diff}`);
    else if (expected[name].diff !== diff) {
      problems.push(`${name}: difference changed: ${diff} (expected ${expected[name].diff})`);
    }
  }
  for (const name of Object.keys(expected)) {
    if (found[name] === undefined) problems.push(`${name}: agrees now: remove its entry`);
  }
  const agree = names.length - Object.keys(found).length;
  console.log(`GC differential: ${agree}/${names.length} modules agree with V8`);
  assertEquals(problems, []);
});

Deno.test("the harness stops a module that re-enters itself without end, alike on both", () => {
  // A tree of 2^25 calls through the host (binaryen's fuzzer makes such modules: hang limits
  // bound loops, not calls through call-ref): the trace ends at MAX_TRACE and the run stops,
  // on V8 as on gab, instead of running for hours with an ever longer trace.
  const bytes = new Uint8Array(encodeModule(parseModuleText(`(module
    (import "fuzzing-support" "call-ref-catch" (func $call (param funcref) (result i32)))
    (import "fuzzing-support" "log-i32" (func $log (param i32)))
    (global $depth (mut i32) (i32.const 0))
    (elem declare func $f)
    (func $f (export "f")
      (call $log (global.get $depth))
      (if (i32.lt_u (global.get $depth) (i32.const 24))
        (then
          (global.set $depth (i32.add (global.get $depth) (i32.const 1)))
          (drop (call $call (ref.func $f)))
          (drop (call $call (ref.func $f)))
          (global.set $depth (i32.sub (global.get $depth) (i32.const 1)))))))`)));
  const v8 = runOnV8(bytes);
  assertEquals(v8.length, MAX_TRACE + 1);
  assertEquals(v8[MAX_TRACE], "trace too long");
  assertEquals(compareTraces(v8, runOnGab(bytes)), null);
});
