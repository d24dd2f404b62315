import assert from "node:assert/strict";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { root, withSession } from "./adapter.ts";

// A C program reading standard input (testdata/dap/sum.c, clang -O0 -g: it adds the numbers
// of its input lines into `sum`, prints the running sum, then with SPIN set spins forever)
// under the real DAP client: source breakpoints, C locals, output as the run passes it, a step,
// a data breakpoint found backwards, readMemory, disassemble, travel, then pause of the
// endless loop it ends in. Oracles: the source (line 19 is `sum += x;`, 20 `count++;`, 25 the
// endless loop) and its arithmetic on the input 10, 20, 30.

const program = decodeURIComponent(new URL("testdata/dap/sum.wasm", root).pathname);
const source = decodeURIComponent(new URL("testdata/dap/sum.c", root).pathname);

Deno.test("gab dap: a C program reading standard input, then spinning: breakpoints, travel, pause", async () => {
  await withSession("10\n20\n30\n", async ({ dc, input, stdout: output }) => {
    const move = async (request: Promise<unknown>) => {
      const [, stop] = await Promise.all([request, dc.waitForEvent("stopped")]);
      return (stop as DebugProtocol.StoppedEvent).body;
    };
    const top = async () => (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0];
    const cLocals = async () => {
      const scopes = await dc.scopesRequest({ frameId: (await top()).id });
      const c = scopes.body.scopes.find((s) => s.name === "C locals");
      assert.ok(c !== undefined, JSON.stringify(scopes.body.scopes));
      const vars = await dc.variablesRequest({ variablesReference: c.variablesReference });
      return new Map(vars.body.variables.map((v) => [v.name, v]));
    };
    const position = async () =>
      (await dc.customRequest("gab/position")).body as { tick: number; end: number };

    const [, , entry] = await Promise.all([
      dc.configurationSequence(),
      dc.launch({ program, stdin: input, env: { SPIN: "1" }, stopOnEntry: true }),
      dc.waitForEvent("stopped"),
    ]);
    assert.equal(entry.body.reason, "entry");

    // Line 19 (`sum += x;`) once per input line: x is the line's number, count the lines
    // before it, and the output is the running sums printed so far (no more).
    const set = await dc.setBreakpointsRequest({
      source: { path: source },
      breakpoints: [{ line: 19 }],
    });
    assert.equal(set.body.breakpoints[0].verified, true);
    const sums = ["", "1: 10\n", "1: 10\n2: 30\n"];
    for (const [k, x] of [10, 20, 30].entries()) {
      const stop = await move(dc.continueRequest({ threadId: 1 }));
      assert.equal(stop.reason, "breakpoint");
      const f = await top();
      assert.equal(f.line, 19);
      assert.match(f.source?.path ?? "", /sum\.c$/);
      const vars = await cLocals();
      assert.equal(vars.get("x")?.value, String(x));
      assert.equal(vars.get("count")?.value, String(k));
      assert.equal(output.join(""), sums[k]);
    }
    const third = (await position()).tick;
    // The line buffer holds the third input line.
    const buf = (await cLocals()).get("line")!;
    assert.ok(buf.memoryReference !== undefined);
    const mem = await dc.send("readMemory", { memoryReference: buf.memoryReference, count: 3 });
    assert.equal(atob(mem.body.data), "30\n");

    // A step: line 20.
    assert.equal((await move(dc.nextRequest({ threadId: 1 }))).reason, "step");
    assert.equal((await top()).line, 20);
    // count in memory: a data breakpoint; backwards from here it stops at its last write
    // (count++ of the second line: 1 there, 2 after the write).
    const countAt = (await cLocals()).get("count")!.memoryReference!;
    await dc.setBreakpointsRequest({ source: { path: source }, breakpoints: [] });
    const info = await dc.send("dataBreakpointInfo", { name: countAt });
    await dc.send("setDataBreakpoints", {
      breakpoints: [{ dataId: info.body.dataId, accessType: "write" }],
    });
    const back = await move(dc.send("reverseContinue", { threadId: 1 }));
    assert.equal(back.reason, "data breakpoint");
    assert.equal((await top()).line, 20);
    assert.equal((await cLocals()).get("count")?.value, "1");
    assert.ok((await position()).tick < third);
    await dc.send("setDataBreakpoints", { breakpoints: [] });

    // Disassemble at the frame's instruction; travel to the start and back.
    const here = await dc.stackTraceRequest({ threadId: 1 });
    const ip = here.body.stackFrames[0].instructionPointerReference!;
    const dis = await dc.send("disassemble", { memoryReference: ip, instructionCount: 3 });
    assert.equal(dis.body.instructions[0].address, ip);
    assert.equal(dis.body.instructions[0].line, 20);
    const tick = (await position()).tick;
    await move(dc.customRequest("gab/travel", { tick: 0 }));
    await move(dc.customRequest("gab/travel", { tick }));
    assert.deepEqual((await dc.stackTraceRequest({ threadId: 1 })).body, here.body);

    // Run on: the rest of the output, then the endless loop (line 25); pause it there.
    await dc.continueRequest({ threadId: 1 });
    for (let i = 0; i < 2000 && (await position()).end < 300_000; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const pause = await move(dc.pauseRequest({ threadId: 1 }));
    assert.equal(pause.reason, "pause");
    assert.equal(output.join(""), "1: 10\n2: 30\n3: 60\ncount 3 sum 60\n");
    // The loop: line 25 (`spins++`), and its branch back, which the line table gives line 24
    // (llvm-dwarfdump-19: code 0x1db to 0x20a).
    let f = await top();
    assert.equal(f.name, "__original_main");
    assert.ok(f.line === 24 || f.line === 25, String(f.line));
    assert.equal((await cLocals()).get("count")?.value, "3");
    const p = await position();
    await move(dc.stepBackRequest({ threadId: 1, granularity: "instruction" }));
    f = await top();
    assert.ok(f.line === 24 || f.line === 25, String(f.line));
    assert.ok((await position()).tick < p.tick);
    await dc.continueRequest({ threadId: 1 });
    for (let i = 0; i < 2000 && (await position()).end < p.end + 300_000; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal((await move(dc.pauseRequest({ threadId: 1 }))).reason, "pause");
    assert.ok((await position()).tick > p.tick);
    assert.ok([24, 25].includes((await top()).line));
  });
});
