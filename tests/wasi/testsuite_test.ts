/**
 * The official WASI preview 1 testsuite (`../shared/wasi-testsuite`, 72 programs in C, Rust
 * and AssemblyScript) through the `gab` command line, by `scripts/wasi_testsuite.ts`: every
 * test passes run whole in one process, and run cut by a budget in the middle (`gab run --fuel
 * HALF --snapshot-out`, which must pause, then `gab resume` in another process). wasmtime
 * passes all 72; the expected exit codes and outputs are the suite's own.
 *
 * @module
 */

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as os from "node:os";
import {
  findTests,
  type Mode,
  readSpec,
  resultLine,
  runSuite,
  SUITE_DIR,
  summaryLine,
} from "../../scripts/wasi_testsuite.ts";

/** The number of preview 1 tests in the suite's commit (its README). */
const TESTS = 72;

function suite(mode: Mode) {
  return async () => {
    assert.ok(fs.existsSync(path.join(SUITE_DIR, "tests")), `no WASI testsuite at ${SUITE_DIR}`);
    const tests = findTests();
    assert.equal(tests.length, TESTS);
    const results = await runSuite(tests, [mode], { jobs: 2 });
    const failed = results.filter((r) => r.failures.length > 0);
    console.log(summaryLine(results));
    assert.deepEqual(failed.map(resultLine), []);
    if (mode === "cut") {
      // Each test really paused once: its first process was given half its ticks.
      for (const r of results) assert.ok(r.fuel !== undefined && r.fuel < r.ticks!, r.test.name);
    }
  };
}

Deno.test("WASI testsuite: 72 of 72, each run whole in a new process", suite("whole"));

Deno.test(
  "WASI testsuite: 72 of 72, each cut by a budget and resumed in another process",
  suite("cut"),
);

Deno.test("WASI testsuite specifications: defaults, legacy and operation-based forms", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gab-wasi-spec-"));
  try {
    const write = (name: string, v: unknown) => {
      fs.writeFileSync(path.join(dir, name), JSON.stringify(v));
      return path.join(dir, name);
    };
    const none = { args: [], env: {}, root: null, exitCode: 0, stdout: null, stderr: null };
    assert.deepEqual(readSpec(null), none);
    assert.deepEqual(readSpec(write("a.json", { root: "x.dir", stdout: "hi", exit_code: 3 })), {
      ...none,
      root: path.join(dir, "x.dir"),
      stdout: "hi",
      exitCode: 3,
    });
    const ops = write("b.json", {
      operations: [
        { type: "run", args: ["1"], env: { A: "b" } },
        { type: "read", id: "stderr", payload: "oops" },
        { type: "wait", exit_code: 1 },
      ],
    });
    assert.deepEqual(readSpec(ops), {
      ...none,
      args: ["1"],
      env: { A: "b" },
      stderr: "oops",
      exitCode: 1,
    });
    assert.throws(
      () => readSpec(write("c.json", { operations: [{ type: "connect" }] })),
      /not supported/,
    );
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});
