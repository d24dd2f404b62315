/**
 * Forking a paused execution into another process (issue 5): {@linkcode fork} takes a
 * snapshot's bytes, writes them to a temporary file, and starts `gab resume FILE` in a new
 * process: `deno run` on this package's `cli.ts` (found through `import.meta.url`, so it works
 * from a checkout and from a published copy), or, in a binary made by `deno compile`, the
 * binary itself ({@linkcode gabCommand} decides). The caller goes on at once; the returned {@linkcode ForkHandle} gives the
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
  /**
   * Preopened directories moved for the child: guest name → host directory (`resume --dir
   * HOST::GUEST`), so that children of one snapshot work on their own copies of a directory.
   */
  preopens?: Record<string, string>;
  /** Deno permission flags of the child (default `["-A"]`; unused by a compiled gab). */
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

/** How to start a gab process: the program and the arguments before gab's own. */
export interface GabCommand {
  /** The executable. */
  command: string;
  /** Its arguments before the gab command line (`run -A .../cli.ts`, or none). */
  prefix: string[];
}

/**
 * How this process starts another gab: a binary made by `deno compile` (its modules are in
 * the binary, under a `deno-compile-` directory) runs itself, `execPath` with gab's
 * arguments; otherwise `execPath` is deno and runs `cli.ts` with `permissions`.
 * The parameters default to this process's.
 */
export function gabCommand(
  permissions: readonly string[] = ["-A"],
  execPath: string = Deno.execPath(),
  cli: URL = CLI,
): GabCommand {
  const compiled = cli.protocol === "file:" && /[\\/]deno-compile-[^\\/]+[\\/]/.test(
    decodeURIComponent(cli.pathname),
  );
  if (compiled) return { command: execPath, prefix: [] };
  return { command: execPath, prefix: ["run", ...permissions, cli.href] };
}

/**
 * Starts a new process that restores snapshot `bytes` and runs on (see the module doc).
 *
 * @throws Deno.errors.PermissionDenied without `--allow-run` / `--allow-write`.
 */
export function fork(bytes: Uint8Array, options: ForkOptions = {}): ForkHandle {
  const file = Deno.makeTempFileSync({ prefix: "gab-fork-", suffix: ".gabsnap" });
  try {
    Deno.writeFileSync(file, bytes);
    const gab = gabCommand(options.permissions ?? ["-A"]);
    const args = [...gab.prefix, "resume"];
    if (options.fuel !== undefined) args.push("--fuel", String(options.fuel));
    if (options.snapshotOut !== undefined) args.push("--snapshot-out", options.snapshotOut);
    for (const [guest, host] of Object.entries(options.preopens ?? {})) {
      args.push("--dir", `${host}::${guest}`);
    }
    args.push(file);
    const child = new Deno.Command(gab.command, {
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
