/**
 * Test helpers that run the `gab` command in a NEW process (`deno run -A cli.ts ARGS`), as a
 * user would, and temporary directories for what those processes write. Shared by the tests
 * of the CLI, of snapshots across processes and of WASI suspension.
 *
 * @module
 */

/** Where the command is. */
export const CLI: string = new URL("../../cli.ts", import.meta.url).pathname;

/** What a process gave: exit status, standard output and error as text. */
export interface Outcome {
  status: number;
  out: string;
  err: string;
}

const enc = new TextEncoder(), dec = new TextDecoder();

/**
 * Runs `deno run -A cli.ts ARGS`. Standard input: none (`null`), or `stdin` written and then
 * closed, or, with `keepOpen`, written and left open (no more data and no end) until the
 * process has exited.
 */
export async function runCli(
  args: string[],
  stdin: string | null = null,
  keepOpen = false,
): Promise<Outcome> {
  const command = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args],
    stdin: stdin === null ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  });
  let o: Deno.CommandOutput;
  if (stdin === null) {
    o = await command.output();
  } else {
    const child = command.spawn();
    const w = child.stdin.getWriter();
    await w.write(enc.encode(stdin));
    if (!keepOpen) await w.close();
    o = await child.output();
    if (keepOpen) await w.close().catch(() => {});
  }
  return { status: o.code, out: dec.decode(o.stdout), err: dec.decode(o.stderr) };
}

/** Calls `f` with a new temporary directory, removed afterwards. */
export async function withTempDir(
  prefix: string,
  f: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix });
  try {
    await f(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
