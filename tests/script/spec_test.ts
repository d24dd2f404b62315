/**
 * Runs the spec testsuite (top level and legacy/) and fails on any failure that
 * tests/script/expectations.json does not list; prints listed failures that now pass
 * (`deno task test:spec --update-expectations` rewrites the file).
 */
import assert from "node:assert/strict";
import { defaultEngine } from "../../src/script/engine.ts";
import { compareFailures, loadExpectations } from "../../src/script/expectations.ts";
import { type CommandResult, countResults, runSource } from "../../src/script/run.ts";
import { defaultSuiteDir, isDir, readScript, suiteFiles } from "../../src/script/suite.ts";

const dir = defaultSuiteDir();

Deno.test({
  name: "spec testsuite: no failures beyond expectations.json",
  ignore: !isDir(dir),
  fn() {
    const engine = defaultEngine();
    const results = new Map<string, CommandResult[]>();
    for (const file of suiteFiles(dir)) {
      results.set(file, runSource(readScript(`${dir}/${file}`), engine));
    }
    assert.ok(results.size > 0, `no .wast files in ${dir}`);
    const { unexpected, fixed } = compareFailures(results, loadExpectations().spec);
    if (fixed.length > 0) {
      console.log(
        `${fixed.length} listed failures now pass (deno task test:spec --update-expectations):`,
      );
      for (const f of fixed) console.log(`  ${f.file}:${f.line}: ${f.reason}`);
    }
    const counts = countResults([...results.values()].flat());
    const failed = Object.values(counts).reduce((n, t) => n + t.failed, 0);
    const passed = Object.values(counts).reduce((n, t) => n + t.passed, 0);
    const unsupported = Object.values(counts).reduce((n, t) => n + t.unsupported, 0);
    console.log(`spec: ${passed} passed, ${failed} failed, ${unsupported} unsupported`);
    const list = unexpected.map((f) => `  ${f.file}:${f.line}: ${f.reason}`).join("\n");
    assert.equal(unexpected.length, 0, `unexpected failures:\n${list}`);
  },
});
