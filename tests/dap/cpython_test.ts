import assert from "node:assert/strict";
import { DebugClient } from "@vscode/debugadapter-testsupport";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { root, runSession, startAdapter } from "./adapter.ts";

// CPython (../shared/programs/cpython) runs under the adapter to its end: a script that reads
// standard input, prints, and exits with status 3. Oracles: what the script's arithmetic gives
// ("HELLO DAP 45"), and the same program run straight by `gab run` (its output and status).
// Skipped when ../shared has no CPython.

const dir = decodeURIComponent(new URL("../shared/programs/cpython/", root).pathname);
let present = true;
try {
  Deno.statSync(`${dir}python.wasm`);
} catch {
  present = false;
}
const SCRIPT = "import sys; l = sys.stdin.readline(); print(l.strip().upper(), sum(range(10))); " +
  "sys.stderr.write('bye\\n'); sys.exit(3)";

Deno.test({
  name: "gab dap: CPython reading standard input runs under the adapter to its end",
  ignore: !present,
  async fn() {
    const input = await Deno.makeTempFile();
    await Deno.writeTextFile(input, "hello dap\nignored\n");
    // The straight run, side by side with the session.
    const straight = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "cli.ts",
        "run",
        "--dir",
        `${dir}::/`,
        "--env",
        "PYTHONHOME=/",
        `${dir}python.wasm`,
        "-c",
        SCRIPT,
      ],
      cwd: root,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const w = straight.stdin.getWriter();
    await w.write(await Deno.readFile(input));
    await w.close();

    const { child, port } = await startAdapter();
    const dc = new DebugClient("unused", "unused", "gab");
    const out = { stdout: [] as string[], stderr: [] as string[] };
    const exits: number[] = [];
    dc.on("output", (e: DebugProtocol.OutputEvent) => {
      if (e.body.category === "stdout" || e.body.category === "stderr") {
        out[e.body.category].push(e.body.output);
      }
    });
    dc.on("exited", (e: DebugProtocol.ExitedEvent) => exits.push(e.body.exitCode));
    const log: string[] = [];
    const running = straight.output();
    await runSession(dc, child, input, async () => {
      await dc.start(port);
      const [, , stop] = await Promise.all([
        dc.configurationSequence(),
        dc.launch({
          program: `${dir}python.wasm`,
          args: ["-c", SCRIPT],
          env: { PYTHONHOME: "/" },
          preopens: { "/": dir },
          stdin: input,
        }),
        dc.waitForEvent("stopped", 110_000),
      ]);
      assert.equal(stop.body.reason, "end");
      const { end } = (await dc.customRequest("gab/position")).body as { end: number };
      console.log(`dap cpython: ${end} ticks recorded`);
      log.push("ok");
    });
    assert.deepEqual(log, ["ok"]);
    const ran = await running;
    assert.equal(out.stdout.join(""), "HELLO DAP 45\n");
    assert.equal(out.stdout.join(""), new TextDecoder().decode(ran.stdout));
    assert.equal(out.stderr.join(""), "bye\n");
    assert.equal(new TextDecoder().decode(ran.stderr), "bye\n");
    assert.deepEqual(exits, [3]);
    assert.equal(ran.code, 3);
  },
});
