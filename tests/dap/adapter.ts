/**
 * What the DAP tests share: `gab dap --port 0` started in a new process, and a DebugClient
 * session run against it under a test-wide time limit (in server mode DebugClient waits for
 * events without one), with the adapter, the client and the program's stdin file cleaned up
 * whatever happens.
 *
 * @module
 */

import type { DebugClient } from "@vscode/debugadapter-testsupport";

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
