/**
 * Runs the spec testsuite (top level and legacy/) and compares every failure with
 * tests/script/expectations.json: a failure it does not list, a listed failure that now passes,
 * and a failure whose reason differs from the listed one all fail the test (after an intended
 * change: `deno task test:spec --update-expectations`, then review the diff). The engine must be
 * complete: no command may be unsupported for want of a part of gab.
 */
import assert from "node:assert/strict";
import { defaultEngine } from "../../src/script/engine.ts";
import {
  compareFailures,
  describeComparison,
  loadExpectations,
} from "../../src/script/expectations.ts";
import { type CommandResult, countResults, runSource } from "../../src/script/run.ts";
import { defaultSuiteDir, isDir, readScript, suiteFiles } from "../../src/script/suite.ts";

const dir = defaultSuiteDir();

Deno.test({
  name: "spec testsuite: the failures are exactly those of expectations.json, for its reasons",
  ignore: !isDir(dir),
  fn() {
    const engine = defaultEngine();
    const results = new Map<string, CommandResult[]>();
    for (const file of suiteFiles(dir)) {
      results.set(file, runSource(readScript(`${dir}/${file}`), engine));
    }
    assert.ok(results.size > 0, `no .wast files in ${dir}`);
    const counts = countResults([...results.values()].flat());
    const failed = Object.values(counts).reduce((n, t) => n + t.failed, 0);
    const passed = Object.values(counts).reduce((n, t) => n + t.passed, 0);
    const unsupported = Object.values(counts).reduce((n, t) => n + t.unsupported, 0);
    console.log(`spec: ${passed} passed, ${failed} failed, ${unsupported} unsupported`);
    const missing = [...results].flatMap(([file, rs]) =>
      rs.filter((r) => r.outcome === "unsupported" && /^no /.test(r.reason ?? ""))
        .map((r) => `${file}:${r.line}: ${r.reason}`)
    );
    assert.deepEqual(missing.slice(0, 10), [], "the default engine lacks a part");
    const report = describeComparison(compareFailures(results, loadExpectations().spec));
    assert.equal(report.length, 0, report.join("\n"));
  },
});
