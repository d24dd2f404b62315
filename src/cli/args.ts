/**
 * Command-line argument handling shared by the subcommands: options are declared once, in a
 * table per command, and that table drives both parsing (`node:util` parseArgs) and `--help`.
 *
 * Like wasmtime, options come before the program; everything after the program's path belongs
 * to the program (`gab run --fuel 100 prog.wasm --its-own-flag`).
 *
 * @module
 */

import { parseArgs } from "node:util";

/** Bad command-line usage; the CLI prints the message and exits with status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** One option of a command. */
export interface OptionSpec {
  /** Long name without dashes. */
  name: string;
  /** A one-letter alias. */
  short?: string;
  /** Whether the option takes a value (`--fuel 100`); otherwise it is a flag. */
  value?: string;
  /** Whether the option may be given more than once (values collect into an array). */
  multiple?: boolean;
  /** One line for `--help`. */
  help: string;
}

/** Parsed options: flags are booleans, single values strings, repeated values string arrays. */
export type Options = Record<string, string | boolean | string[] | undefined>;

/** The result of {@linkcode splitArgs}. */
export interface SplitArgs {
  options: Options;
  /** Positionals before the first one that ends option parsing. */
  positionals: string[];
  /** Everything after the first positional when `stopAtPositional` is set. */
  rest: string[];
}

/**
 * Parses `args` against `specs`. With `stopAtPositional`, the first positional argument ends
 * option parsing: it and what follows go to `positionals[0]` and `rest`.
 *
 * @example
 * ```ts
 * import { splitArgs } from "./args.ts";
 * const r = splitArgs(["--fuel", "9", "p.wasm", "-x"], [
 *   { name: "fuel", value: "N", help: "" },
 * ], true);
 * console.assert(r.options.fuel === "9" && r.positionals[0] === "p.wasm" && r.rest[0] === "-x");
 * ```
 */
export function splitArgs(
  args: readonly string[],
  specs: readonly OptionSpec[],
  stopAtPositional: boolean,
): SplitArgs {
  let head = args.length;
  if (stopAtPositional) {
    for (let i = 0; i < args.length; i++) {
      const arg = args[i];
      if (arg === "--") {
        head = i;
        break;
      }
      if (!arg.startsWith("-") || arg === "-") {
        head = i;
        break;
      }
      const name = arg.replace(/^--?/, "").split("=")[0];
      const spec = specs.find((s) => s.name === name || s.short === name);
      if (spec?.value !== undefined && !arg.includes("=")) i++;
    }
  }
  const options: Record<
    string,
    { type: "string" | "boolean"; short?: string; multiple?: boolean }
  > = {};
  for (const spec of specs) {
    options[spec.name] = {
      type: spec.value === undefined ? "boolean" : "string",
      ...(spec.short ? { short: spec.short } : {}),
      ...(spec.multiple ? { multiple: true } : {}),
    };
  }
  // A value that starts with a dash (`--fuel -5`) is the option's value, not another option
  // (parseArgs would call it "ambiguous"): pass it as `--fuel=-5`.
  const head_: string[] = [];
  for (let i = 0; i < head; i++) {
    const arg = args[i];
    const spec = arg.startsWith("-") && !arg.includes("=")
      ? specs.find((s) => arg === `--${s.name}` || (s.short !== undefined && arg === `-${s.short}`))
      : undefined;
    if (spec?.value !== undefined && i + 1 < head && args[i + 1].startsWith("-")) {
      head_.push(`--${spec.name}=${args[++i]}`);
    } else head_.push(arg);
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: head_,
      options,
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError(usageMessage(e, specs));
  }
  const tail = args.slice(head);
  const rest = tail[0] === "--" ? tail.slice(1) : tail;
  return {
    options: parsed.values as Options,
    positionals: stopAtPositional
      ? [...parsed.positionals, ...rest.slice(0, 1)]
      : parsed.positionals,
    rest: stopAtPositional ? rest.slice(1) : [],
  };
}

/** parseArgs's error as one short line of our own (its texts run on, with stray quotes). */
function usageMessage(e: unknown, specs: readonly OptionSpec[]): string {
  const message = e instanceof Error ? e.message : String(e);
  const option = /Option '(?:-\w, )?(--?[^' ]+)/i.exec(message)?.[1] ?? "";
  const code = (e as { code?: string }).code;
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return `unknown option '${option}'`;
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    const name = option.replace(/^--?/, "");
    const spec = specs.find((s) => s.name === name || s.short === name);
    if (spec?.value !== undefined) return `option '--${spec.name}' needs a value <${spec.value}>`;
    return `option '${option}' takes no value`;
  }
  return message.split("\n")[0].replace(/[.]$/, "");
}

/** Formats the options table of a command for `--help`. */
export function formatOptions(specs: readonly OptionSpec[]): string {
  const rows = specs.map((s) => {
    const flag = `${s.short ? `-${s.short}, ` : "    "}--${s.name}${
      s.value ? ` <${s.value}>` : ""
    }`;
    return [flag, s.help] as const;
  });
  const width = Math.max(0, ...rows.map(([flag]) => flag.length));
  return rows.map(([flag, help]) => `  ${flag.padEnd(width)}  ${help}`).join("\n");
}
