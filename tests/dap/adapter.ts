/**
 * What the DAP tests share: `gab dap --port 0` started in a new process, and a DebugClient
 * session run against it under a test-wide time limit (in server mode DebugClient waits for
 * events without one), with the adapter, the client and the program's stdin file cleaned up
 * whatever happens; {@linkcode withSession} puts the three together with the events a test reads.
 *
 * @module
 */

import assert from "node:assert/strict";
import { DebugClient } from "@vscode/debugadapter-testsupport";
import type { DebugProtocol } from "@vscode/debugprotocol";

/** The repository root. */
export const root: URL = new URL("../../", import.meta.url);

/** Starts `gab dap --port 0` and returns the process and the port it listens on. */
export async function startAdapter(): Promise<{ child: Deno.ChildProcess; port: number }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "cli.ts", "dap", "--port", "0"],
    cwd: root,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!/listening on [\d.]+:(\d+)/.test(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`gab dap ended: ${text}`);
    text += value;
  }
  reader.releaseLock();
  return { child, port: Number(/listening on [\d.]+:(\d+)/.exec(text)![1]) };
}

/**
 * Runs `session` against `child` through `dc` within 120 s, then stops the client and the
 * adapter and removes `input`, whether the session succeeded or not.
 */
export async function runSession(
  dc: DebugClient,
  child: Deno.ChildProcess,
  input: string,
  session: () => Promise<void>,
): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("the DAP session took over 120 s")), 120_000);
  });
  try {
    await Promise.race([limit, session()]);
  } finally {
    clearTimeout(timer);
    // stop() disconnects, and waits for an answer that a session the test disconnected
    // itself never gives: a second at most.
    let wait: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([dc.stop(), new Promise((r) => wait = setTimeout(r, 1000))]);
    clearTimeout(wait);
    child.kill();
    await child.status;
    await Deno.remove(input);
  }
}

/** A session of {@linkcode withSession}: the client, the stdin file and what events brought. */
export interface Session {
  dc: DebugClient;
  /** The file holding the program's standard input. */
  input: string;
  /** The text of `output` events, by category. */
  stdout: string[];
  stderr: string[];
  console: string[];
  /** The exit codes of `exited` events. */
  exits: number[];
}

/**
 * Runs `session` with a DebugClient connected to a new adapter (see {@linkcode runSession}),
 * `stdin` in the file `input`, and checks that it ran to its end.
 */
export async function withSession(
  stdin: string,
  session: (s: Session) => Promise<void>,
): Promise<void> {
  const { child, port } = await startAdapter();
  const input = await Deno.makeTempFile();
  await Deno.writeTextFile(input, stdin);
  const dc = new DebugClient("unused", "unused", "gab");
  const s: Session = { dc, input, stdout: [], stderr: [], console: [], exits: [] };
  dc.on("output", (e: DebugProtocol.OutputEvent) => {
    const c = e.body.category;
    if (c === "stdout" || c === "stderr" || c === "console") s[c].push(e.body.output);
  });
  dc.on("exited", (e: DebugProtocol.ExitedEvent) => s.exits.push(e.body.exitCode));
  const log: string[] = [];
  await runSession(dc, child, input, async () => {
    await dc.start(port);
    await session(s);
    log.push("ok");
  });
  assert.deepEqual(log, ["ok"]);
}
