import assert from "node:assert/strict";
import { root, withSession } from "./adapter.ts";
import { moduleSections } from "../../src/debug/dwarf.ts";

// goto/gotoTargets, restartFrame, instruction breakpoints and writeMemory through the real DAP
// client (DebugClient) on testdata/debug/lines.c (clang -O0 -g, standard input "4"). Oracles
// from outside the adapter: llvm-dwarfdump-19's line table (testdata/debug/lines.debug_line.txt:
// line 20 begins at code address 0x153, square's line 11 at 0x3b, its entry row line 10), and
// the C program's values (total is 0 before the loop, 1 + 4 = 5 before the third square call,
// 30 at line 22; with total set to 100 there the rest adds 9 + 16).

const program = decodeURIComponent(new URL("testdata/debug/lines.wasm", root).pathname);
const source = decodeURIComponent(new URL("testdata/debug/lines.c", root).pathname);

Deno.test("gab dap: goto targets, restartFrame, instruction breakpoints, writeMemory", async () => {
  const { codeStart } = moduleSections(await Deno.readFile(program));
  await withSession("4\n", async ({ dc, input, stdout: output }) => {
    await Promise.all([
      dc.configurationSequence(),
      dc.launch({ program, stdin: input, stopOnEntry: true }),
      dc.waitForEvent("stopped"),
    ]);
    // Recorded to its end (the program runs as it is recorded), then back at the start.
    await Promise.all([dc.continueRequest({ threadId: 1 }), dc.waitForEvent("exited")]);
    await Promise.all([dc.customRequest("gab/travel", { tick: 0 }), dc.waitForEvent("stopped")]);
    // The capabilities (the adapter answers initialize the same at any time).
    const caps = (await dc.initializeRequest()).body!;
    assert.equal(caps.supportsGotoTargetsRequest, true);
    assert.equal(caps.supportsRestartFrame, true);
    assert.equal(caps.supportsWriteMemoryRequest, true);
    assert.equal(caps.supportsInstructionBreakpoints, true);
    const total = Number(/total at (\d+)/.exec(output.join(""))?.[1]);
    const word = async () => {
      const r = await dc.send("readMemory", { memoryReference: String(total), count: 4 });
      const b = Uint8Array.from(atob(r.body.data), (c) => c.charCodeAt(0));
      return new DataView(b.buffer).getInt32(0, true);
    };
    const top = async () => (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0];
    const hex = (n: number) => `0x${n.toString(16)}`;
    // The engine stops at the first instruction it keeps at or after a row's address (some,
    // such as a local.get, fuse with the next): within the row's range of the line table.
    const within = (ip: string | undefined, lo: number, hi: number) =>
      assert.ok(Number(ip) >= codeStart + lo && Number(ip) < codeStart + hi, ip);

    // gotoTargets: line 20 begins at 0x153 of the code section (llvm-dwarfdump).
    const gt = await dc.send("gotoTargets", { source: { path: source }, line: 20 });
    assert.equal(gt.body.targets.length, 1);
    assert.equal(gt.body.targets[0].instructionPointerReference, hex(codeStart + 0x153));
    const [, g] = await Promise.all([
      dc.send("goto", { threadId: 1, targetId: gt.body.targets[0].id }),
      dc.waitForEvent("stopped"),
    ]);
    assert.equal(g.body.reason, "goto");
    let f = await top();
    assert.equal(f.line, 20);
    within(f.instructionPointerReference, 0x153, 0x15a);
    assert.equal(await word(), 0, "the first time at line 20: total is 0");
    // Line 22 is reached once, after the loop: total is 1 + 4 + 9 + 16.
    const g22 = await dc.send("gotoTargets", { source: { path: source }, line: 22 });
    await Promise.all([
      dc.send("goto", { threadId: 1, targetId: g22.body.targets[0].id }),
      dc.waitForEvent("stopped"),
    ]);
    assert.equal((await top()).line, 22);
    assert.equal(await word(), 30);
    // Back to line 20 from there: no later time, so the last one (before the fourth call).
    await Promise.all([
      dc.send("goto", { threadId: 1, targetId: gt.body.targets[0].id }),
      dc.waitForEvent("stopped"),
    ]);
    assert.equal((await top()).line, 20);
    assert.equal(await word(), 14);

    // An instruction breakpoint at square's line 11 (0x3b): the next call, square(1).
    await Promise.all([dc.customRequest("gab/travel", { tick: 0 }), dc.waitForEvent("stopped")]);
    const ib = await dc.send("setInstructionBreakpoints", {
      breakpoints: [{ instructionReference: hex(codeStart + 0x3b) }],
    });
    assert.equal(ib.body.breakpoints[0].verified, true);
    within(ib.body.breakpoints[0].instructionReference, 0x3b, 0x42);
    for (const x of ["1", "2"]) {
      const [, hit] = await Promise.all([
        dc.continueRequest({ threadId: 1 }),
        dc.waitForEvent("stopped"),
      ]);
      assert.equal(hit.body.reason, "instruction breakpoint");
      f = await top();
      assert.equal(f.name, "square");
      assert.equal(f.line, 11);
      assert.equal(f.instructionPointerReference, ib.body.breakpoints[0].instructionReference);
      const v = await dc.variablesRequest({ variablesReference: 1 });
      assert.equal(v.body.variables[0].value, x);
    }
    await dc.send("setInstructionBreakpoints", { breakpoints: [] });

    // restartFrame on square(2): back to its entry (line 10), its parameter still 2; one
    // instruction back is main at the call (line 20).
    const st = await dc.stackTraceRequest({ threadId: 1 });
    const [, rs] = await Promise.all([
      dc.send("restartFrame", { frameId: st.body.stackFrames[0].id }),
      dc.waitForEvent("stopped"),
    ]);
    assert.equal(rs.body.reason, "restart");
    f = await top();
    assert.equal(f.name, "square");
    assert.equal(f.line, 10);
    assert.equal(
      (await dc.variablesRequest({ variablesReference: 1 })).body.variables[0].value,
      "2",
    );
    await Promise.all([
      dc.stepBackRequest({ threadId: 1, granularity: "instruction" }),
      dc.waitForEvent("stopped"),
    ]);
    f = await top();
    assert.equal(f.name, "__original_main");
    assert.equal(f.line, 20);

    // writeMemory in the past: before the third call (total 5) total becomes 100; the
    // timeline branches and the program runs on from there: 100 + 9 + 16.
    await Promise.all([
      dc.send("goto", { threadId: 1, targetId: gt.body.targets[0].id }),
      dc.waitForEvent("stopped"),
    ]);
    assert.equal(await word(), 5);
    const w = await dc.send("writeMemory", {
      memoryReference: String(total),
      data: btoa(String.fromCharCode(100, 0, 0, 0)),
    });
    assert.equal(w.body.bytesWritten, 4);
    assert.equal(await word(), 100);
    output.length = 0;
    await Promise.all([dc.continueRequest({ threadId: 1 }), dc.waitForEvent("stopped")]);
    assert.equal(await word(), 125);
    // The branch's own output, once (the first timeline printed "total 30").
    assert.equal(output.join(""), "total 125\n");
  });
});
