import assert from "node:assert/strict";
import { root, withSession } from "./adapter.ts";

// A program that never ends (tests/dap/loop.wat: `_start` adds 1 to the global $count each
// turn of its loop, and prints "spinning\n" every 2^16 turns) under the real DAP client: the
// adapter records it as it runs, in slices, and answers requests meanwhile (pause, position,
// disconnect). Oracles from the program's source: $count grows by one a turn, so it only grows
// while running, a step back moves it back by at most one, and the output is one "spinning"
// line per 2^16 turns.

const program = decodeURIComponent(new URL("tests/dap/loop.wat", root).pathname);

Deno.test("gab dap: pause a program in an endless loop, travel back, run on, pause again", async () => {
  await withSession("", async ({ dc, stdout: output }) => {
    const log: string[] = [];
    const position = async () =>
      (await dc.customRequest("gab/position")).body as { tick: number; end: number };
    const count = async () => {
      const vars = await dc.variablesRequest({ variablesReference: 2 });
      const v = vars.body.variables.find((x) => x.name === "count");
      assert.ok(v !== undefined, JSON.stringify(vars.body.variables));
      return Number(v.value);
    };
    // Waits until the recording grows past `tick` (the program runs and the adapter answers).
    const runningPast = async (tick: number) => {
      for (let i = 0; i < 2000; i++) {
        const p = await position();
        if (p.end > tick) return p.end;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error("the recording does not grow");
    };
    const pause = async () => {
      const t0 = performance.now();
      let answered = 0;
      const [answer, stop] = await Promise.all([
        dc.pauseRequest({ threadId: 1 }).then((a) => {
          answered = performance.now() - t0;
          return a;
        }),
        dc.waitForEvent("stopped"),
      ]);
      log.push(
        `pause answered in ${answered.toFixed(1)} ms, stopped in ` +
          `${(performance.now() - t0).toFixed(1)} ms`,
      );
      assert.equal(answer.success, true);
      assert.equal(stop.body.reason, "pause");
    };

    await Promise.all([dc.configurationSequence(), dc.launch({ program })]);
    const first = await runningPast(1_000_000);
    // A move while running is refused with a message (the program must be paused first).
    await assert.rejects(dc.stepBackRequest({ threadId: 1 }), /running/);
    await pause();
    let p = await position();
    assert.ok(p.tick === p.end && p.end >= first, JSON.stringify(p));
    let st = await dc.stackTraceRequest({ threadId: 1 });
    assert.equal(st.body.stackFrames.length, 1);
    assert.equal(st.body.stackFrames[0].name, "spin");
    const atPause = await count();
    assert.ok(atPause > 0);
    // The history so far is travellable: a step back, by instruction, takes at most one turn.
    await Promise.all([
      dc.stepBackRequest({ threadId: 1, granularity: "instruction" }),
      dc.waitForEvent("stopped"),
    ]);
    assert.equal((await position()).tick, p.end - 1);
    const back = await count();
    assert.ok(back === atPause || back === atPause - 1, `${back} after ${atPause}`);
    // Halfway: fewer turns, and the output was one line per 2^16 turns up to the pause.
    await Promise.all([
      dc.customRequest("gab/travel", { tick: Math.floor(p.end / 2) }),
      dc.waitForEvent("stopped"),
    ]);
    assert.ok((await count()) < atPause);
    assert.equal(output.join(""), "spinning\n".repeat(Math.floor(atPause / 65536)));

    // Continue: through the recording, then live again; pause again later.
    await dc.continueRequest({ threadId: 1 });
    await runningPast(p.end + 1_000_000);
    await pause();
    const p2 = await position();
    assert.ok(p2.tick === p2.end && p2.end > p.end + 1_000_000, JSON.stringify([p, p2]));
    st = await dc.stackTraceRequest({ threadId: 1 });
    assert.equal(st.body.stackFrames[0].name, "spin");
    const atPause2 = await count();
    assert.ok(atPause2 > atPause + 100_000, `${atPause2} after ${atPause}`);
    assert.equal(output.join(""), "spinning\n".repeat(Math.floor(atPause2 / 65536)));
    p = p2;

    // A pause while stopped is answered (nothing to do).
    assert.equal((await dc.pauseRequest({ threadId: 1 })).success, true);

    // With a breakpoint that never holds (memory at 0 is the iovec's 16), each slice is also
    // searched for hits: the run still answers position requests and stops on pause.
    const fb = await dc.send("setFunctionBreakpoints", {
      breakpoints: [{ name: "spin", condition: "*0 == 12345" }],
    });
    assert.equal(fb.body.breakpoints[0].verified, true);
    await dc.continueRequest({ threadId: 1 });
    await runningPast(p.end + 100_000);
    await pause();
    p = await position();
    assert.equal(p.tick, p.end);
    await dc.send("setFunctionBreakpoints", { breakpoints: [] });

    // Disconnect while it runs: answered.
    await dc.continueRequest({ threadId: 1 });
    await runningPast(p.end + 100_000);
    const t0 = performance.now();
    const bye = await dc.disconnectRequest({});
    assert.equal(bye.success, true);
    console.log(
      `dap live: ${log.join(", ")}, disconnect answered in ` +
        `${(performance.now() - t0).toFixed(1)} ms; ${p2.end} ticks recorded by the second pause`,
    );
  });
});

Deno.test("gab dap: terminate a running program", async () => {
  await withSession("", async ({ dc }) => {
    await Promise.all([dc.configurationSequence(), dc.launch({ program })]);
    for (let i = 0; i < 2000; i++) {
      const { end } = (await dc.customRequest("gab/position")).body as { end: number };
      if (end > 100_000) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const [answer] = await Promise.all([
      dc.terminateRequest({}),
      dc.waitForEvent("terminated"),
    ]);
    assert.equal(answer.success, true);
  });
});

Deno.test("gab dap: a bounded recording stops at its limit with a message, and goes on when told", async () => {
  await withSession("", async ({ dc, console: console_ }) => {
    const position = async () =>
      (await dc.customRequest("gab/position")).body as { tick: number; end: number };
    const [, , stop] = await Promise.all([
      dc.configurationSequence(),
      dc.launch({ program, maxTicks: 500_000 }),
      dc.waitForEvent("stopped"),
    ]);
    assert.equal(stop.body.reason, "pause");
    assert.match(stop.body.description ?? "", /limit/);
    assert.match(console_.join(""), /reached its limit of 500000 ticks \(maxTicks\)/);
    const p = await position();
    assert.deepEqual(p, { tick: 500_000, end: 500_000 });
    // Continue: as much again, then the same stop.
    const again = await Promise.all([
      dc.continueRequest({ threadId: 1 }),
      dc.waitForEvent("stopped"),
    ]);
    assert.equal(again[1].body.reason, "pause");
    const p2 = await position();
    assert.deepEqual(p2, { tick: 1_000_000, end: 1_000_000 });
    // The history stays travellable.
    await Promise.all([dc.customRequest("gab/travel", { tick: 1000 }), dc.waitForEvent("stopped")]);
    assert.equal((await position()).tick, 1000);
    await assert.rejects(dc.launch({ program, maxHistoryMiB: -1 }), /maxHistoryMiB/);
  });
});

Deno.test("gab dap: a recording bounded by its memory stops with a message", async () => {
  await withSession("", async ({ dc, console: console_ }) => {
    // 16 KiB: less than a checkpoint of the program's 64 KiB memory.
    const [, , stop] = await Promise.all([
      dc.configurationSequence(),
      dc.launch({ program, maxHistoryMiB: 1 / 64 }),
      dc.waitForEvent("stopped"),
    ]);
    assert.equal(stop.body.reason, "pause");
    assert.match(
      console_.join(""),
      /reached its limit of 0\.02 MiB of history \(maxHistoryMiB; [\d.]+ MiB taken\)/,
    );
  });
});
