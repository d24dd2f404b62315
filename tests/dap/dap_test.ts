import assert from "node:assert/strict";
import { DebugClient } from "@vscode/debugadapter-testsupport";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { root, runSession, startAdapter } from "./adapter.ts";

// `gab dap --port 0` driven by the real DAP client from npm (DebugClient, as VS Code's own
// adapters test themselves) over TCP, on testdata/debug/lines.c (clang -O0 -g). Oracles from
// outside the adapter: the C program's values (it prints where `total` lives; square(i) is
// called with i = 1, 2, 3...; before the third call total is 1 + 4 = 5), its source lines
// (llvm-dwarfdump's table is checked in tests/debug/dwarf_test.ts), the module's bytes.

const program = decodeURIComponent(new URL("testdata/debug/lines.wasm", root).pathname);

Deno.test("gab dap: a C program under DebugClient (entry, breakpoints, steps both ways, memory, travel)", async () => {
  const { child, port } = await startAdapter();
  const input = await Deno.makeTempFile();
  await Deno.writeTextFile(input, "4\n");
  const dc = new DebugClient("unused", "unused", "gab");
  const log: string[] = [];
  const output: string[] = [];
  dc.on("output", (e: DebugProtocol.OutputEvent) => output.push(e.body.output));
  await runSession(dc, child, input, session);
  assert.deepEqual(log, ["ok"]);

  async function session() {
    await dc.start(port);
    // Launch, stopped on entry.
    const [, , entry] = await Promise.all([
      dc.configurationSequence(),
      dc.launch({ program, stdin: input, stopOnEntry: true }),
      dc.waitForEvent("stopped"),
    ]);
    assert.equal(entry.body.reason, "entry");
    assert.equal(output.join(""), "", "nothing has run at the entry");
    // Run to the end (recorded as it runs), then travel back to the start.
    const [, exited, last] = await Promise.all([
      dc.continueRequest({ threadId: 1 }),
      dc.waitForEvent("exited"),
      dc.waitForEvent("stopped"),
    ]);
    assert.equal(exited.body.exitCode, 0);
    assert.equal(last.body.reason, "end");
    const total = Number(/total at (\d+)/.exec(output.join(""))?.[1]);
    assert.ok(total > 0, output.join(""));
    assert.match(output.join(""), /total 30\n/);
    await Promise.all([dc.customRequest("gab/travel", { tick: 0 }), dc.waitForEvent("stopped")]);

    // A breakpoint on a source line, then continue to it.
    const set = await dc.setBreakpointsRequest({
      source: { path: decodeURIComponent(new URL("testdata/debug/lines.c", root).pathname) },
      breakpoints: [{ line: 20 }],
    });
    assert.equal(set.body.breakpoints[0].verified, true);
    const ticks: number[] = [];
    const position = async () =>
      (await dc.customRequest("gab/position")).body as { tick: number; end: number };
    for (let hit = 1; hit <= 3; hit++) {
      const [, stop] = await Promise.all([
        dc.continueRequest({ threadId: 1 }),
        dc.waitForEvent("stopped"),
      ]);
      assert.equal(stop.body.reason, "breakpoint");
      const st = await dc.stackTraceRequest({ threadId: 1 });
      assert.equal(st.body.stackFrames[0].line, 20);
      assert.equal(st.body.stackFrames[0].name, "__original_main");
      assert.match(st.body.stackFrames[0].source!.path!, /lines\.c$/);
      ticks.push((await position()).tick);
    }
    assert.ok(ticks[0] < ticks[1] && ticks[1] < ticks[2]);
    // Third time at line 20 (i = 3): total is 1 + 4 in memory.
    const mem = await dc.send("readMemory", { memoryReference: String(total), count: 4 });
    const bytes = Uint8Array.from(atob(mem.body.data), (c) => c.charCodeAt(0));
    assert.equal(new DataView(bytes.buffer).getInt32(0, true), 5);

    // Step into square: its parameter (wasm local 0 at -O0) is 3.
    const [, stepped] = await Promise.all([
      dc.stepInRequest({ threadId: 1 }),
      dc.waitForEvent("stopped"),
    ]);
    assert.equal(stepped.body.reason, "step");
    let st = await dc.stackTraceRequest({ threadId: 1 });
    assert.equal(st.body.stackFrames[0].name, "square");
    assert.equal(st.body.stackFrames[1].name, "__original_main");
    const scopes = await dc.scopesRequest({ frameId: st.body.stackFrames[0].id });
    const vars = await dc.variablesRequest({
      variablesReference: scopes.body.scopes.find((s) => s.name === "Locals")!.variablesReference,
    });
    assert.equal(vars.body.variables[0].value, "3");
    assert.equal(vars.body.variables[0].type, "i32");
    const ops = scopes.body.scopes.find((s) => s.name === "Operand stack");
    assert.ok(ops !== undefined, "an operand stack scope");
    const opv = await dc.variablesRequest({ variablesReference: ops.variablesReference });
    for (const v of opv.body.variables) {
      assert.match(v.type ?? "", /^(i32|i64|f32|f64|v128|.*ref.*)$/);
    }

    // Step back out of the call: main, line 20 again.
    await Promise.all([dc.stepBackRequest({ threadId: 1 }), dc.waitForEvent("stopped")]);
    st = await dc.stackTraceRequest({ threadId: 1 });
    assert.equal(st.body.stackFrames[0].name, "__original_main");
    assert.equal(st.body.stackFrames[0].line, 20);

    // Reverse-continue: the previous hit of the breakpoint.
    await Promise.all([dc.send("reverseContinue", { threadId: 1 }), dc.waitForEvent("stopped")]);
    assert.equal((await position()).tick, ticks[1]);

    // Disassemble at the frame's instruction: WAT, addressed by module byte offsets.
    st = await dc.stackTraceRequest({ threadId: 1 });
    const ip = st.body.stackFrames[0].instructionPointerReference!;
    const dis = await dc.send("disassemble", { memoryReference: ip, instructionCount: 4 });
    assert.equal(dis.body.instructions[0].address, ip);
    assert.equal(dis.body.instructions.length, 4);
    assert.ok(dis.body.instructions.every((i: { instruction: string }) => i.instruction !== ""));

    // Travel to tick 0 and back to the third hit: the same stack.
    const there = await dc.stackTraceRequest({ threadId: 1 });
    const [, went] = await Promise.all([
      dc.customRequest("gab/travel", { tick: 0 }),
      dc.waitForEvent("stopped"),
    ]);
    assert.equal(went.body.reason, "goto");
    assert.equal((await position()).tick, 0);
    await Promise.all([
      dc.customRequest("gab/travel", { tick: ticks[1] }),
      dc.waitForEvent("stopped"),
    ]);
    assert.deepEqual((await dc.stackTraceRequest({ threadId: 1 })).body, there.body);

    // A data breakpoint on total; from the end, reverse-continue stops before its last write:
    // total is 1 + 4 + 9 there (the write makes it 30).
    await dc.setBreakpointsRequest({ source: set.body.breakpoints[0].source!, breakpoints: [] });
    const info = await dc.send("dataBreakpointInfo", { name: String(total) });
    assert.equal(info.body.dataId, `mem:${total}:4`);
    const data = await dc.send("setDataBreakpoints", {
      breakpoints: [{ dataId: info.body.dataId, accessType: "write" }],
    });
    assert.equal(data.body.breakpoints[0].verified, true);
    await Promise.all([
      dc.customRequest("gab/travel", { tick: 1e12 }),
      dc.waitForEvent("stopped"),
    ]);
    const end = await position();
    assert.equal(end.tick, end.end);
    const [, back] = await Promise.all([
      dc.send("reverseContinue", { threadId: 1 }),
      dc.waitForEvent("stopped"),
    ]);
    assert.equal(back.body.reason, "data breakpoint");
    const word = async () => {
      const r = await dc.send("readMemory", { memoryReference: String(total), count: 4 });
      const b = Uint8Array.from(atob(r.body.data), (c) => c.charCodeAt(0));
      return new DataView(b.buffer).getInt32(0, true);
    };
    assert.equal(await word(), 14);
    st = await dc.stackTraceRequest({ threadId: 1 });
    assert.equal(st.body.stackFrames[0].line, 20, "total += square(i)");
    await Promise.all([
      dc.stepInRequest({ threadId: 1, granularity: "instruction" }),
      dc.waitForEvent("stopped"),
    ]);
    assert.equal(await word(), 30);
    // A conditional function breakpoint: square where its parameter is 2.
    await dc.send("setDataBreakpoints", { breakpoints: [] });
    const fb = await dc.send("setFunctionBreakpoints", {
      breakpoints: [{ name: "square", condition: "$0 == 2" }],
    });
    assert.equal(fb.body.breakpoints[0].verified, true);
    await Promise.all([dc.customRequest("gab/travel", { tick: 0 }), dc.waitForEvent("stopped")]);
    const [, hit] = await Promise.all([
      dc.continueRequest({ threadId: 1 }),
      dc.waitForEvent("stopped"),
    ]);
    assert.equal(hit.body.reason, "function breakpoint");
    st = await dc.stackTraceRequest({ threadId: 1 });
    assert.equal(st.body.stackFrames[0].name, "square");
    const v2 = await dc.variablesRequest({ variablesReference: 1 });
    assert.equal(v2.body.variables[0].value, "2");

    // Answer times (the moves after continue/step/travel answers are the travels themselves):
    // logged, not asserted.
    const { timings } = (await dc.customRequest("gab/timings")).body as {
      timings: { command: string; ms: number; moveMs: number }[];
    };
    const slow = timings.filter((t) => t.command !== "launch" && t.ms > 100);
    const worst = timings.filter((t) => t.command !== "launch").sort((a, b) => b.ms - a.ms)[0];
    const moves = timings.map((t) => t.moveMs).sort((a, b) => b - a);
    console.log(
      `dap timings: ${timings.length} requests, slowest answer ${worst.command} ` +
        `${worst.ms.toFixed(1)} ms, ${slow.length} over 100 ms (launch, which records: ` +
        `${timings.find((t) => t.command === "launch")?.ms.toFixed(0)} ms); slowest move ` +
        `${moves[0].toFixed(1)} ms`,
    );
    log.push("ok");
  }
});

Deno.test("gab dap: on standard input and output (DebugClient spawns the adapter)", async () => {
  const script = decodeURIComponent(new URL("tests/dap/stdio_adapter.sh", root).pathname);
  const dc = new DebugClient("/bin/sh", script, "gab", {
    env: { ...Deno.env.toObject(), DENO: Deno.execPath() },
  });
  dc.defaultTimeout = 60_000;
  await dc.start();
  try {
    const [, , entry] = await Promise.all([
      dc.configurationSequence(),
      dc.launch({ program, stopOnEntry: true }),
      dc.waitForEvent("stopped"),
    ]);
    assert.equal(entry.body.reason, "entry");
    const [, end] = await Promise.all([
      dc.continueRequest({ threadId: 1 }),
      dc.waitForEvent("stopped"),
    ]);
    assert.equal(end.body.reason, "end", "no breakpoints: to the end of the recording");
    const pos = (await dc.customRequest("gab/position")).body as { tick: number; end: number };
    assert.equal(pos.tick, pos.end);
  } finally {
    await dc.stop();
  }
});
