import assert from "node:assert/strict";
import {
  compareFailures,
  describeComparison,
  formatExpectations,
  type LineOutcome,
  loadExpectations,
  updateFailures,
} from "../../src/script/expectations.ts";

const results = new Map<string, LineOutcome[]>([
  ["a.wast", [
    { line: 3, outcome: "failed", reason: "new reason" },
    { line: 5, outcome: "passed" },
    { line: 9, outcome: "failed", reason: "brand new" },
    { line: 12, outcome: "unsupported", reason: "no interpreter" },
  ]],
  ["b.wast", [{ line: 1, outcome: "passed" }]],
]);

Deno.test("compareFailures finds new failures, fixed lines and changed reasons", () => {
  const known = {
    "a.wast": { "3": "old reason", "5": "was failing", "9": "brand new" },
    "b.wast": { "1": "x" },
    "c.wast": { "7": "not run" },
  };
  assert.deepEqual(compareFailures(results, { ...known, "a.wast": { "3": "new reason" } }), {
    unexpected: [{ file: "a.wast", line: 9, reason: "brand new" }],
    fixed: [{ file: "b.wast", line: 1, reason: "x" }],
    changed: [],
  });
  const c = compareFailures(results, known);
  assert.deepEqual(c, {
    unexpected: [],
    fixed: [
      { file: "a.wast", line: 5, reason: "was failing" },
      { file: "b.wast", line: 1, reason: "x" },
    ],
    changed: [{ file: "a.wast", line: 3, reason: "new reason", listed: "old reason" }],
  });
  const report = describeComparison(c).join("\n");
  assert.ok(report.includes("listed failures that now pass (2):\n  a.wast:5: was: was failing"));
  assert.ok(report.includes("reason changed (1):\n  a.wast:3: new reason\n    listed: old reason"));
  assert.match(report, /--update-expectations/);
  const matching = { "a.wast": { "3": "new reason", "9": "brand new" } };
  assert.deepEqual(describeComparison(compareFailures(results, matching)), []);
});

Deno.test("compareFailures: a listed line that is now unsupported counts as fixed", () => {
  const known = { "a.wast": { "3": "new reason", "9": "brand new", "12": "was failing" } };
  assert.deepEqual(compareFailures(results, known).fixed, [
    { file: "a.wast", line: 12, reason: "was failing" },
  ]);
});

Deno.test("updateFailures takes the new reasons and keeps files not run", () => {
  const known = {
    "a.wast": { "3": "old reason", "5": "was failing" },
    "b.wast": { "1": "x" },
    "c.wast": { "7": "not run" },
  };
  assert.deepEqual(updateFailures(known, results), {
    "a.wast": { "3": "new reason", "9": "brand new" },
    "c.wast": { "7": "not run" },
  });
});

Deno.test("the file format round-trips, lines in numeric order", () => {
  const path = Deno.makeTempFileSync({ suffix: ".json" });
  try {
    const e = {
      spec: { "z.wast": { "100": "b", "20": "a" }, "a.wast": {} },
      roundtrip: { "m.wast": { "4": "differs" } },
    };
    const text = formatExpectations(e);
    assert.ok(text.indexOf('"20"') < text.indexOf('"100"'));
    assert.ok(!text.includes("a.wast"));
    Deno.writeTextFileSync(path, text);
    assert.deepEqual(loadExpectations(path), {
      spec: { "z.wast": { "20": "a", "100": "b" } },
      roundtrip: { "m.wast": { "4": "differs" } },
    });
    assert.deepEqual(loadExpectations(`${path}.missing`), { spec: {}, roundtrip: {} });
  } finally {
    Deno.removeSync(path);
  }
});
