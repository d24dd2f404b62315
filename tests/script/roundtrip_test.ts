/**
 * Every well-formed module of the spec testsuite parses or decodes, encodes, and decodes back
 * to an equal module; the failures must be exactly those listed under "roundtrip" in
 * tests/script/expectations.json, for the reasons listed.
 */
import assert from "node:assert/strict";
import { defaultEngine } from "../../src/script/engine.ts";
import {
  compareFailures,
  describeComparison,
  loadExpectations,
} from "../../src/script/expectations.ts";
import { parseScript } from "../../src/script/parse.ts";
import { roundtripModule, roundtripScript } from "../../src/script/roundtrip.ts";
import type { RoundtripResult } from "../../src/script/roundtrip.ts";
import { defaultSuiteDir, isDir, readScript, suiteFiles } from "../../src/script/suite.ts";

const dir = defaultSuiteDir();
const engine = defaultEngine();

Deno.test({
  name: "spec testsuite: modules round-trip through the binary format",
  ignore: !isDir(dir),
  fn() {
    const results = new Map<string, RoundtripResult[]>();
    for (const file of suiteFiles(dir)) {
      let script;
      try {
        script = parseScript(readScript(`${dir}/${file}`));
      } catch {
        continue; // spec_test reports scripts that do not parse
      }
      results.set(file, roundtripScript(script, engine));
    }
    const report = describeComparison(compareFailures(results, loadExpectations().roundtrip));
    assert.equal(report.length, 0, `round trips:\n${report.join("\n")}`);
  },
});

Deno.test({
  name: "roundtripModule reports the first difference",
  fn() {
    const script = parseScript('(module (func (export "f") (result i32) (i32.const 1)))');
    const def = script.commands[0].kind === "module" ? script.commands[0].module : null;
    assert.ok(def !== null);
    assert.equal(roundtripModule(def, engine).outcome, "passed");
    const broken = {
      ...engine,
      encodeModule: () => new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]),
    };
    const r = roundtripModule(def, broken);
    assert.equal(r.outcome, "failed");
    assert.match(r.reason ?? "", /^differs at module\.(types|funcs|exports)/);
    assert.equal(roundtripModule(def, {}).outcome, "unsupported");
  },
});
