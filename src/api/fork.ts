/**
 * Forking a paused execution into another process (issue 5): {@linkcode fork} takes a
 * snapshot's bytes, writes them to a temporary file, and starts `deno run` on this package's
 * `cli.ts resume FILE` (found through `import.meta.url`, so it works from a checkout and from
 * a published copy). The caller goes on at once; the returned {@linkcode ForkHandle} gives the
 * child's pid, its exit status and its whole standard output and error. The temporary file is
 * removed when the child has exited.
 *
 * The child resumes as `gab resume` does (src/cli/slice.ts): a WASI program gets its WASI
 * state back from the snapshot's host state `{ wasi }`; other host functions cannot be bound
 * there. Its results (an invoked export's) print on its stdout, one per line; it exits with
 * the program's status, 75 if its own budget ran out (with `snapshotOut`), or 1 on an error.
 *
 * The parent needs `--allow-run` and `--allow-write` (for the temporary file); the child runs
 * with the permissions in {@linkcode ForkOptions.permissions} (default `-A`).
 *
 * @example Fork a snapshot written by `gab run --fuel N --snapshot-out s.gabsnap prog.wasm`
 * ```ts ignore
 * import { fork } from "./fork.ts";
 * const bytes = await Deno.readFile("s.gabsnap");
 * const child = fork(bytes, { stdin: new TextEncoder().encode("input\n") });
 * const [status, out] = await Promise.all([child.status, child.stdout]);
 * console.log(child.pid, status.code, new TextDecoder().decode(out));
 * ```
 *
 * @module
 */

/** Options of {@linkcode fork}. */
export interface ForkOptions {
  /** The child's budget of ticks (`resume --fuel`; default unbounded). */
  fuel?: number;
  /** Where the child writes a snapshot if its budget runs out (`resume --snapshot-out`). */
  snapshotOut?: string;
  /** Bytes for the child's standard input (default: none, the guest reads end of file). */
  stdin?: Uint8Array;
  /** Deno permission flags of the child (default `["-A"]`). */
  permissions?: string[];
  /** The child's working directory (default: the parent's). */
  cwd?: string;
}

/** A forked child: it runs on while the parent goes on. */
export interface ForkHandle {
  /** The child's process id. */
  readonly pid: number;
  /** Its exit status, once it has exited. */
  readonly status: Promise<Deno.CommandStatus>;
  /** Everything it wrote to its standard output. */
  readonly stdout: Promise<Uint8Array>;
  /** Everything it wrote to its standard error. */
  readonly stderr: Promise<Uint8Array>;
}

/** This package's command-line entry point, next to mod.ts. */
const CLI = new URL("../../cli.ts", import.meta.url);

/**
 * Starts a new process that restores snapshot `bytes` and runs on (see the module doc).
 *
 * @throws Deno.errors.PermissionDenied without `--allow-run` / `--allow-write`.
 */
export function fork(bytes: Uint8Array, options: ForkOptions = {}): ForkHandle {
  const file = Deno.makeTempFileSync({ prefix: "gab-fork-", suffix: ".gabsnap" });
  try {
    Deno.writeFileSync(file, bytes);
    const args = ["run", ...(options.permissions ?? ["-A"]), CLI.href, "resume"];
    if (options.fuel !== undefined) args.push("--fuel", String(options.fuel));
    if (options.snapshotOut !== undefined) args.push("--snapshot-out", options.snapshotOut);
    args.push(file);
    const child = new Deno.Command(Deno.execPath(), {
      args,
      cwd: options.cwd,
      stdin: options.stdin === undefined ? "null" : "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    if (options.stdin !== undefined) feed(child.stdin, options.stdin);
    const output = child.output().finally(() => Deno.remove(file).catch(() => {}));
    return {
      pid: child.pid,
      status: output.then(({ code, success, signal }) => ({ code, success, signal })),
      stdout: output.then((o) => o.stdout),
      stderr: output.then((o) => o.stderr),
    };
  } catch (e) {
    Deno.removeSync(file);
    throw e;
  }
}

/** Writes `bytes` to the child's stdin and closes it (a child that exits early is fine). */
async function feed(stream: WritableStream<Uint8Array>, bytes: Uint8Array): Promise<void> {
  const w = stream.getWriter();
  try {
    await w.write(bytes);
    await w.close();
  } catch {
    // The child stopped reading: what it did not read does not matter.
  }
}
