/**
 * The `gab` command: subcommands, `--help`, `--version`, and the mapping of every error to a
 * one-line message and an exit status (0 success, 1 a failing module or program, 2 bad usage,
 * 75 the fuel ran out and a snapshot was written: `run --snapshot-out`, `resume`).
 * Nothing here knows how modules are decoded or run; it calls the engine's API.
 *
 * @module
 */

import denoJson from "../../deno.json" with { type: "json" };
import { WasmError } from "../errors.ts";
import { encodeModule } from "../binary/encode.ts";
import { printModule } from "../text/print.ts";
import { formatOptions, type OptionSpec, splitArgs, UsageError } from "./args.ts";
import {
  FileError,
  loadModule,
  ModuleFileError,
  osReason,
  readInput,
  writeOutput,
} from "./load.ts";
import { CompiledModule } from "../api/module.ts";
import { fork } from "../api/fork.ts";
import { snapshotInfo } from "./info.ts";
import { runModule, type RunOptions } from "./run.ts";
import { debugProgram, historyFile, readLines, terminalCommands } from "./debug.ts";
import { serveDap } from "./debug_dap.ts";
import { resumeSnapshot, runSliced, type SliceOptions, STATUS_PAUSED } from "./slice.ts";

/** The engine's version, from deno.json. */
export const VERSION: string = denoJson.version;

/** Where the CLI writes; tests replace it to capture output. */
export interface Io {
  /** Writes `text` to standard output. */
  stdout(text: string): void;
  /** Writes `text` to standard error. */
  stderr(text: string): void;
}

const encoder = new TextEncoder();

/** Writes to the process's own standard output and error. */
export const processIo: Io = {
  stdout: (text) => void Deno.stdout.writeSync(encoder.encode(text)),
  stderr: (text) => void Deno.stderr.writeSync(encoder.encode(text)),
};

interface Command {
  summary: string;
  usage: string;
  options: OptionSpec[];
  /** Whether the first positional ends option parsing (the program's own arguments follow). */
  program?: boolean;
  run(
    positionals: string[],
    options: Record<string, unknown>,
    rest: string[],
    io: Io,
  ): Promise<number>;
}

const HELP: OptionSpec = { name: "help", short: "h", help: "Print help" };
/** `--dir`, shared by the commands that run a WASI program. */
const DIR: OptionSpec = {
  name: "dir",
  value: "HOST[::GUEST]",
  multiple: true,
  help: "Give WASI access to directory HOST, as GUEST (default: HOST)",
};
/** `--env`, shared by the commands that run a WASI program. */
const ENV: OptionSpec = {
  name: "env",
  value: "NAME[=VALUE]",
  multiple: true,
  help: "Set a WASI environment variable (NAME alone: the host's value)",
};
/** `--deterministic`, shared by the commands that run a WASI program. */
const DETERMINISTIC: OptionSpec = {
  name: "deterministic",
  help: "Virtual WASI clocks and seeded randomness",
};
const OUTPUT: OptionSpec = { name: "output", short: "o", value: "FILE", help: "Write to FILE" };
const SNAPSHOT_OUT: OptionSpec = {
  name: "snapshot-out",
  value: "FILE",
  help: "When the fuel runs out (or on SIGINT/SIGTERM), write a snapshot to FILE, exit with 75",
};
const SNAPSHOT_ON_STDIN_WAIT: OptionSpec = {
  name: "snapshot-on-stdin-wait",
  help: "Also write the snapshot when the program waits for standard input (no data yet)",
};

const MOVE_DIR: OptionSpec = {
  name: "dir",
  value: "HOST::GUEST",
  multiple: true,
  help: "Move the snapshot's preopened directory GUEST to HOST",
};

/** `--dir HOST::GUEST` values of `resume`/`fork` as preopen moves (guest → host). */
function dirMoves(v: unknown): Record<string, string> | undefined {
  if (!Array.isArray(v) || v.length === 0) return undefined;
  const moves: Record<string, string> = {};
  for (const d of v as string[]) {
    const at = d.indexOf("::");
    if (at <= 0 || at + 2 >= d.length) throw new UsageError(`--dir takes HOST::GUEST, not '${d}'`);
    moves[d.slice(at + 2)] = d.slice(0, at);
  }
  return moves;
}

/**
 * What the children of `fork` read by default: a copy of this process's standard input, read
 * to its end (none when it is a terminal, or when `io` is not the process's own).
 */
async function parentStdin(io: Io): Promise<Uint8Array | undefined> {
  if (io !== processIo || Deno.stdin.isTerminal()) return undefined;
  return new Uint8Array(await new Response(Deno.stdin.readable).arrayBuffer());
}

/** The value of `--fuel`: a whole number of ticks, or undefined. */
function fuelOption(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(String(v)) || !Number.isSafeInteger(Number(v))) {
    throw new UsageError(`--fuel takes a whole number, not '${v}'`);
  }
  return Number(v);
}

/** WASI's standard streams for `io` (the process's own, or captured ones for tests). */
function stdio(io: Io): RunOptions["stdio"] {
  if (io === processIo) return {};
  const decoders = [new TextDecoder(), new TextDecoder()];
  return {
    stdin: new Uint8Array(0),
    stdout: (b) => io.stdout(decoders[0].decode(b, { stream: true })),
    stderr: (b) => io.stderr(decoders[1].decode(b, { stream: true })),
  };
}

/** `--snapshot-out`, `--snapshot-on-stdin-wait`, and the stderr line naming the snapshot. */
function sliceOptions(options: Record<string, unknown>, io: Io): SliceOptions {
  const out = options["snapshot-out"];
  const onWait = options["snapshot-on-stdin-wait"] === true;
  if (onWait && typeof out !== "string") {
    throw new UsageError("--snapshot-on-stdin-wait needs --snapshot-out FILE");
  }
  return {
    snapshotOut: typeof out === "string" ? out : undefined,
    snapshotOnStdinWait: onWait,
    onSnapshot: (path, why) =>
      io.stderr(
        `gab: ${
          why === "fuel"
            ? "fuel exhausted"
            : why === "stdin"
            ? "waiting for standard input"
            : `stopped by ${why}`
        }: snapshot written to ${path} (status ${STATUS_PAUSED})\n`,
      ),
  };
}

const COMMANDS: Record<string, Command> = {
  run: {
    summary: "Run a WebAssembly module",
    usage: "gab run [OPTIONS] <MODULE> [ARGS...]",
    program: true,
    options: [
      { name: "invoke", value: "NAME", help: "Call the export NAME with ARGS instead of _start" },
      { name: "fuel", value: "N", help: "Stop after N ticks of execution" },
      SNAPSHOT_OUT,
      SNAPSHOT_ON_STDIN_WAIT,
      DIR,
      ENV,
      {
        name: "tcplisten",
        value: "HOST:PORT",
        multiple: true,
        help: "Hand WASI a listening TCP socket (after the --dir descriptors)",
      },
      DETERMINISTIC,
      HELP,
    ],
    async run([path], options, rest, io) {
      if (path === undefined) throw new UsageError("missing <MODULE>");
      const fuel = fuelOption(options.fuel);
      const { module, info } = await loadModule(path, { validate: true });
      const compiled = new CompiledModule(module, info ?? undefined);
      const list = (v: unknown) => Array.isArray(v) ? v as string[] : [];
      const runOptions = {
        invoke: typeof options.invoke === "string" ? options.invoke : undefined,
        fuel,
        program: path,
        dirs: list(options.dir),
        env: list(options.env),
        listeners: list(options.tcplisten),
        deterministic: options.deterministic === true,
        stdio: stdio(io),
      };
      const slice = sliceOptions(options, io);
      const { lines, status } = slice.snapshotOut !== undefined
        ? await runSliced(compiled, rest, { ...runOptions, ...slice })
        : runModule(compiled, rest, runOptions);
      for (const line of lines) io.stdout(`${line}\n`);
      return status;
    },
  },
  debug: {
    summary: "Record a WASI program, then travel in it with gdb-like commands",
    usage: "gab debug [OPTIONS] <MODULE> [ARGS...]   (commands on standard input)",
    program: true,
    options: [
      {
        name: "stdin",
        value: "FILE",
        help: "The program's standard input (default: empty; the debugger reads its own)",
      },
      { name: "fuel", value: "N", help: "Record at most N ticks" },
      DIR,
      ENV,
      DETERMINISTIC,
      HELP,
    ],
    async run([path], options, rest, io) {
      if (path === undefined) throw new UsageError("missing <MODULE>");
      const fuel = fuelOption(options.fuel);
      const { module, info, bytes } = await loadModule(path, { validate: true });
      const compiled = new CompiledModule(module, info ?? undefined);
      const list = (v: unknown) => Array.isArray(v) ? v as string[] : [];
      const stdin = typeof options.stdin === "string" ? await readInput(options.stdin) : undefined;
      const streams = stdio(io);
      const terminal = io === processIo && Deno.stdin.isTerminal();
      return await debugProgram(
        compiled,
        bytes,
        rest,
        {
          program: path,
          dirs: list(options.dir),
          env: list(options.env),
          deterministic: options.deterministic === true,
          stdin,
          stdout: streams?.stdout,
          stderr: streams?.stderr,
          fuel,
          echo: !terminal,
          sourceDirs: [path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "."],
        },
        terminal ? terminalCommands(historyFile()) : readLines(Deno.stdin.readable),
        io.stdout,
      );
    },
  },
  dap: {
    summary: "The debugger over the Debug Adapter Protocol (stdio, or TCP with --port)",
    usage: "gab dap [--port N]",
    options: [
      { name: "port", value: "N", help: "Listen on TCP port N (0: any; printed on stderr)" },
      HELP,
    ],
    async run(_positionals, options, _rest, io) {
      if (options.port === undefined) {
        const out = Deno.stdout.writable.getWriter();
        await serveDap(Deno.stdin.readable, (b) => out.write(b));
        return 0;
      }
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new UsageError(`--port takes a port number, not '${options.port}'`);
      }
      const listener = Deno.listen({ hostname: "127.0.0.1", port });
      io.stderr(`gab dap: listening on 127.0.0.1:${(listener.addr as Deno.NetAddr).port}\n`);
      for await (const conn of listener) {
        const w = conn.writable.getWriter();
        serveDap(conn.readable, (b) => w.write(b)).catch((e) =>
          io.stderr(`gab dap: ${e instanceof Error ? e.message : e}\n`)
        ).finally(() => {
          try {
            conn.close();
          } catch {
            // already closed by the client
          }
        });
      }
      return 0;
    },
  },
  resume: {
    summary: "Go on with a run from a snapshot",
    usage: "gab resume [--fuel N --snapshot-out FILE2] [--dir HOST::GUEST] <FILE>",
    options: [
      { name: "fuel", value: "N", help: "Stop after N more ticks of execution" },
      SNAPSHOT_OUT,
      SNAPSHOT_ON_STDIN_WAIT,
      MOVE_DIR,
      HELP,
    ],
    async run(positionals, options, _rest, io) {
      if (positionals.length !== 1) throw new UsageError("expected one snapshot <FILE>");
      const path = positionals[0];
      const source = path === "-" ? await readInput(path) : path;
      const { lines, status } = await resumeSnapshot(source, {
        fuel: fuelOption(options.fuel),
        stdio: stdio(io),
        preopens: dirMoves(options.dir),
        ...sliceOptions(options, io),
      });
      for (const line of lines) io.stdout(`${line}\n`);
      return status;
    },
  },
  snapshot: {
    summary: "Inspect a snapshot (gab snapshot info FILE)",
    usage: "gab snapshot info <FILE>",
    options: [HELP],
    async run(positionals, _options, _rest, io) {
      if (positionals[0] !== "info" || positionals.length !== 2) {
        throw new UsageError("expected: snapshot info <FILE>");
      }
      const bytes = await readInput(positionals[1]);
      for (const line of snapshotInfo(bytes)) io.stdout(`${line}\n`);
      return 0;
    },
  },
  fork: {
    summary: "Resume a snapshot in N child processes at once",
    usage: "gab fork [-n N] [--fuel N] [--dir HOST::GUEST] [--stdin FILE | --no-stdin] <FILE>",
    options: [
      { name: "count", short: "n", value: "N", help: "How many children (default 1)" },
      { name: "fuel", value: "N", help: "Each child's budget of ticks" },
      { ...MOVE_DIR, help: `${MOVE_DIR.help}; {i} in HOST is the child's number` },
      { name: "stdin", value: "FILE", help: "Each child reads FILE (default: a copy of stdin)" },
      { name: "no-stdin", help: "The children's standard input is empty" },
      HELP,
    ],
    async run(positionals, options, _rest, io) {
      if (positionals.length !== 1) throw new UsageError("expected one snapshot <FILE>");
      const count = options.count === undefined ? 1 : Number(options.count);
      if (!Number.isSafeInteger(count) || count < 1 || count > 1000) {
        throw new UsageError(`-n takes a count from 1 to 1000, not '${options.count}'`);
      }
      if (options["no-stdin"] === true && typeof options.stdin === "string") {
        throw new UsageError("--stdin and --no-stdin exclude each other");
      }
      const bytes = await readInput(positionals[0]);
      const fuel = fuelOption(options.fuel);
      const stdin = options["no-stdin"] === true
        ? undefined
        : typeof options.stdin === "string"
        ? await readInput(options.stdin)
        : await parentStdin(io);
      const dirs = Array.isArray(options.dir) ? options.dir as string[] : [];
      const children = Array.from({ length: count }, (_, i) =>
        fork(bytes, {
          fuel,
          stdin,
          preopens: dirMoves(dirs.map((d) => d.replaceAll("{i}", String(i)))),
        }));
      let status = 0;
      const decoder = new TextDecoder();
      for (const [i, child] of children.entries()) {
        const [s, out, err] = await Promise.all([child.status, child.stdout, child.stderr]);
        io.stdout(`== child ${i} (pid ${child.pid}): status ${s.code}\n${decoder.decode(out)}`);
        if (err.length > 0) io.stderr(decoder.decode(err));
        if (status === 0) status = s.code;
      }
      return status;
    },
  },
  validate: {
    summary: "Check that a module is valid",
    usage: "gab validate <MODULE>",
    options: [HELP],
    async run(positionals) {
      if (positionals.length !== 1) throw new UsageError("expected one <MODULE>");
      await loadModule(positionals[0], { validate: true });
      return 0;
    },
  },
  print: {
    summary: "Print a module in the text format",
    usage: "gab print [-o FILE] <MODULE>",
    options: [OUTPUT, HELP],
    async run(positionals, options, _rest, io) {
      if (positionals.length !== 1) throw new UsageError("expected one <MODULE>");
      const { module } = await loadModule(positionals[0]);
      const text = printModule(module);
      if (typeof options.output === "string") await writeOutput(options.output, text);
      else io.stdout(text);
      return 0;
    },
  },
  parse: {
    summary: "Translate a text module to the binary format",
    usage: "gab parse -o FILE <MODULE>",
    options: [OUTPUT, HELP],
    async run(positionals, options) {
      if (positionals.length !== 1) throw new UsageError("expected one <MODULE>");
      if (typeof options.output !== "string") throw new UsageError("missing -o FILE");
      const { module } = await loadModule(positionals[0]);
      await writeOutput(options.output, encodeModule(module));
      return 0;
    },
  },
};

/** A feature that a later version provides; reported like an error, with status 1. */
class NotYet extends Error {}

function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) =>
    `  ${name.padEnd(width)}  ${c.summary}`
  );
  return [
    `gab ${VERSION}: a WebAssembly interpreter whose whole state is data`,
    "",
    "Usage: gab [COMMAND] [OPTIONS] <MODULE> [ARGS...]",
    "       gab <MODULE> [ARGS...]   (same as gab run)",
    "",
    "Commands:",
    ...lines,
    "",
    "Options:",
    "  -h, --help     Print help (gab help COMMAND for a command's options)",
    "  -V, --version  Print the version",
    "",
  ].join("\n");
}

function commandHelp(name: string): string {
  const c = COMMANDS[name];
  return `${c.summary}\n\nUsage: ${c.usage}\n\nOptions:\n${formatOptions(c.options)}\n`;
}

/**
 * Runs the CLI with `args` (without the program name) and returns the exit status.
 *
 * @example
 * ```ts
 * import { main } from "./main.ts";
 * let out = "";
 * const status = await main(["--version"], { stdout: (t) => out += t, stderr: () => {} });
 * console.assert(status === 0 && out.startsWith("gab "));
 * ```
 */
export async function main(args: readonly string[], io: Io = processIo): Promise<number> {
  const [first, ...others] = args;
  if (first === undefined || first === "-h" || first === "--help") {
    io.stdout(mainHelp());
    return first === undefined ? 2 : 0;
  }
  if (first === "-V" || first === "--version") {
    io.stdout(`gab ${VERSION}\n`);
    return 0;
  }
  if (first === "help") {
    const topic = others[0];
    if (topic === undefined) io.stdout(mainHelp());
    else if (topic in COMMANDS) io.stdout(commandHelp(topic));
    else return usageError(io, `unknown command '${topic}'`);
    return 0;
  }
  const name = first in COMMANDS ? first : "run";
  const command = COMMANDS[name];
  const rest = name === first ? others : args;
  try {
    const parsed = splitArgs(rest, command.options, command.program ?? false);
    if (parsed.options.help) {
      io.stdout(commandHelp(name));
      return 0;
    }
    return await command.run(parsed.positionals, parsed.options, parsed.rest, io);
  } catch (e) {
    if (e instanceof UsageError) return usageError(io, e.message, name);
    if (e instanceof WasmError) {
      io.stderr(`gab: error: ${e.describe()}\n`);
      const trace = e.backtrace();
      if (trace.length > 0) io.stderr(`wasm backtrace:\n${trace.join("\n")}\n`);
      return 1;
    }
    if (e instanceof FileError || e instanceof ModuleFileError || e instanceof NotYet) {
      io.stderr(`gab: error: ${e.message}\n`);
      return 1;
    }
    if (e instanceof Deno.errors.PermissionDenied || e instanceof Deno.errors.NotFound) {
      io.stderr(`gab: error: ${osReason(e)}\n`);
      return 1;
    }
    // A fault of gab's own: still one line, but marked as such (GAB_BACKTRACE=1 shows where).
    const text = e instanceof Error ? `${e.name}: ${e.message.split("\n")[0]}` : String(e);
    io.stderr(`gab: internal error: ${text}\n`);
    if (backtraceWanted() && e instanceof Error && e.stack) io.stderr(`${e.stack}\n`);
    return 70;
  }
}

/** Whether `GAB_BACKTRACE=1` asks for the JS stack of an internal error. */
function backtraceWanted(): boolean {
  try {
    return Deno.env.get("GAB_BACKTRACE") === "1";
  } catch {
    return false;
  }
}

function usageError(io: Io, message: string, command?: string): number {
  const hint = command ? `gab help ${command}` : "gab --help";
  io.stderr(`gab: ${message}\n(see '${hint}')\n`);
  return 2;
}
