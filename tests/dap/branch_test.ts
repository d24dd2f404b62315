import assert from "node:assert/strict";
import type { DebugClient } from "@vscode/debugadapter-testsupport";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { root, withSession } from "./adapter.ts";

// setVariable (it branches the timeline), the output of a branched timeline, and the stop of a
// trap, through the real DAP client. Oracles from the programs' sources: tests/dap/count.wat
// prints "x\n" $times times (3); tests/dap/trap.wat prints "before\n" then traps in $fail
// (unless its parameter is 0);
// testdata/debug/lines.c (stdin "4") prints "total 30" for 1 + 4 + 9 + 16, so with square's
// x set to 10 in the third call the sum is 1 + 4 + 100 + 16 = 121, and with i set back to 2
// before the last time round its loop (total 105 there) it is 105 + 4 + 9 + 16 = 134.

const path = (p: string) => decodeURIComponent(new URL(p, root).pathname);

/** Sends `request` and waits for the stopped event that follows it. */
async function move(
  dc: DebugClient,
  request: Promise<unknown>,
): Promise<DebugProtocol.StoppedEvent> {
  const [, stop] = await Promise.all([request, dc.waitForEvent("stopped")]);
  return stop as DebugProtocol.StoppedEvent;
}

Deno.test("gab dap: setVariable on a global branches the timeline; its output comes once", async () => {
  await withSession("", async ({ dc, stdout: output, exits }) => {
    const program = path("tests/dap/count.wat");
    const [, , entry] = await Promise.all([
      dc.configurationSequence(),
      dc.launch({ program, stopOnEntry: true }),
      dc.waitForEvent("stopped"),
    ]);
    assert.equal(entry.body.reason, "entry");
    const caps = (await dc.initializeRequest()).body!;
    assert.equal(caps.supportsSetVariable, true);
    let end = await move(dc, dc.continueRequest({ threadId: 1 }));
    assert.equal(end.body.reason, "end");
    assert.equal(output.join(""), "x\n".repeat(3));
    assert.deepEqual(exits, [0]);

    // Back at the start: $times is 3; set it to 5.
    await move(dc, dc.customRequest("gab/travel", { tick: 0 }));
    const globals = async () =>
      Object.fromEntries(
        (await dc.variablesRequest({ variablesReference: 2 })).body.variables.map((
          v,
        ) => [v.name, v.value]),
      );
    assert.deepEqual(await globals(), { times: "3", limit: "10" });
    await assert.rejects(
      dc.setVariableRequest({ variablesReference: 2, name: "limit", value: "1" }),
      /immutable/,
    );
    await assert.rejects(
      dc.setVariableRequest({ variablesReference: 2, name: "times", value: "five" }),
      /not a i32/,
    );
    await assert.rejects(
      dc.setVariableRequest({ variablesReference: 3, name: "[0]", value: "1" }),
      /operand stack/,
    );
    const set = await dc.setVariableRequest({ variablesReference: 2, name: "times", value: "5" });
    assert.equal(set.body.value, "5");
    assert.deepEqual(await globals(), { times: "5", limit: "10" });
    assert.equal((await dc.customRequest("gab/position")).body.end, 0, "a new timeline at 0");

    // The branch runs: its own output (5 lines) comes as events, and its own exit.
    end = await move(dc, dc.continueRequest({ threadId: 1 }));
    assert.equal(end.body.reason, "end");
    assert.equal(output.join(""), "x\n".repeat(3 + 5));
    assert.deepEqual(exits, [0, 0]);
    // Travelling back and running through it again sends nothing again.
    await move(dc, dc.customRequest("gab/travel", { tick: 0 }));
    await move(dc, dc.continueRequest({ threadId: 1 }));
    assert.equal(output.join(""), "x\n".repeat(3 + 5));
    assert.deepEqual(exits, [0, 0]);
  });
});

Deno.test("gab dap: a trap stops with reason exception; setVariable on a wasm local avoids it", async () => {
  await withSession("", async ({ dc, stdout: output, exits }) => {
    const [, , stop] = await Promise.all([
      dc.configurationSequence(),
      dc.launch({ program: path("tests/dap/trap.wat") }),
      dc.waitForEvent("stopped"),
    ]);
    assert.equal(stop.body.reason, "exception");
    assert.match(stop.body.text ?? "", /unreachable/);
    assert.equal(output.join(""), "before\n");
    assert.deepEqual(exits, [1], "a trap's status, as gab run gives it");
    const st = await dc.stackTraceRequest({ threadId: 1 });
    assert.deepEqual(st.body.stackFrames.map((f) => f.name), ["fail", "main"]);

    // At $fail's entry its wasm local $bad is 1: set to 0, the branch returns instead.
    await dc.send("setFunctionBreakpoints", { breakpoints: [{ name: "fail" }] });
    await move(dc, dc.customRequest("gab/travel", { tick: 0 }));
    assert.equal(
      (await move(dc, dc.continueRequest({ threadId: 1 }))).body.reason,
      "function breakpoint",
    );
    const locals = await dc.variablesRequest({ variablesReference: 1 });
    assert.deepEqual(locals.body.variables.map((v) => [v.name, v.value]), [
      ["bad", "1"],
      ["i", "0"],
    ]);
    const set = await dc.setVariableRequest({ variablesReference: 1, name: "bad", value: "0" });
    assert.equal(set.body.value, "0");
    await dc.send("setFunctionBreakpoints", { breakpoints: [] });
    assert.equal((await move(dc, dc.continueRequest({ threadId: 1 }))).body.reason, "end");
    assert.deepEqual(exits, [1, 0]);
    assert.equal(output.join(""), "before\n", "the shared past is not printed again");
  });
});

Deno.test("gab dap: setVariable on C locals changes what the program prints", async () => {
  await withSession("4\n", async ({ dc, stdout: output, exits, input: stdin }) => {
    const source = path("testdata/debug/lines.c");
    await Promise.all([
      dc.configurationSequence(),
      dc.launch({ program: path("testdata/debug/lines.wasm"), stdin, stopOnEntry: true }),
      dc.waitForEvent("stopped"),
    ]);
    // square(3) (past its prologue, which copies the parameter into memory): the program runs
    // live to the hit; its output so far is only the first line. x = 10 in the C locals.
    await dc.send("setFunctionBreakpoints", {
      breakpoints: [{ name: "square", condition: "$0 == 3" }],
    });
    const hit = await move(dc, dc.continueRequest({ threadId: 1 }));
    assert.equal(hit.body.reason, "function breakpoint");
    assert.match(output.join(""), /^total at \d+\n$/, "the sum is printed later");
    const cScope = async () => {
      const st = await dc.stackTraceRequest({ threadId: 1 });
      const scopes = await dc.scopesRequest({ frameId: st.body.stackFrames[0].id });
      const c = scopes.body.scopes.find((s) => s.name === "C locals");
      assert.ok(c !== undefined, JSON.stringify(scopes.body.scopes));
      return c.variablesReference;
    };
    const sq = await cScope();
    const xs = await dc.variablesRequest({ variablesReference: sq });
    assert.equal(xs.body.variables.find((v) => v.name === "x")?.value, "3");
    const set = await dc.setVariableRequest({ variablesReference: sq, name: "x", value: "10" });
    assert.equal(set.body.value, "10");
    await dc.send("setFunctionBreakpoints", { breakpoints: [] });
    const end = await move(dc, dc.continueRequest({ threadId: 1 }));
    assert.equal(end.body.reason, "end");
    assert.match(output.join(""), /\ntotal 121\n$/);
    assert.deepEqual(exits, [0]);

    // The last time at line 20 (i = 4, total 1 + 4 + 100): i back to 2 in the C locals.
    const gt = await dc.send("gotoTargets", { source: { path: source }, line: 20 });
    const g = await move(dc, dc.send("goto", { threadId: 1, targetId: gt.body.targets[0].id }));
    assert.equal(g.body.reason, "goto");
    const main = await cScope();
    const cv = await dc.variablesRequest({ variablesReference: main });
    assert.equal(cv.body.variables.find((v) => v.name === "i")?.value, "4");
    const si = await dc.setVariableRequest({ variablesReference: main, name: "i", value: "2" });
    assert.equal(si.body.value, "2");
    await move(dc, dc.continueRequest({ threadId: 1 }));
    assert.match(output.join(""), /\ntotal 121\ntotal 134\n$/);
    assert.deepEqual(exits, [0, 0]);
  });
});
