import assert from "node:assert/strict";
import { check, modulesOf, type Outcome, wastFiles } from "./wast_corpus.ts";

/** Runs the parser over every module of the testsuite, once for all the tests below. */
function outcomes(): Outcome[] {
  const all: Outcome[] = [];
  for (const file of wastFiles()) for (const m of modulesOf(file)) all.push(check(m));
  return all;
}

const results = outcomes();

function report(list: Outcome[]): string {
  return list.slice(0, 20).map((o) =>
    `${o.found.file.replace(/.*testsuite\//, "")}:${o.found.line}: want ${
      o.found.malformed === null ? "success" : JSON.stringify(o.found.malformed)
    }, got ${o.error === null ? "success" : JSON.stringify(o.error)}`
  ).join("\n");
}

Deno.test("testsuite: every well-formed text module parses", () => {
  const valid = results.filter((o) => o.found.malformed === null);
  const bad = valid.filter((o) => !o.ok);
  console.log(`well-formed modules parsed: ${valid.length - bad.length}/${valid.length}`);
  assert.ok(valid.length > 5000);
  assert.equal(bad.length, 0, report(bad));
});

Deno.test("testsuite: every assert_malformed quote module fails with the expected message", () => {
  const malformed = results.filter((o) => o.found.malformed !== null);
  const bad = malformed.filter((o) => !o.ok);
  console.log(
    `malformed modules rejected as expected: ${malformed.length - bad.length}/${malformed.length}`,
  );
  assert.ok(malformed.length > 1000);
  assert.equal(bad.length, 0, report(bad));
});
