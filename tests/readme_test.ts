/**
 * Runs the commands of README.md as written, in a fresh copy of the repository, so that a reader
 * who follows the README literally gets what it says.
 *
 * What counts as a command:
 * - every line of a fenced `sh` block: with `$ ` prompts, the prompted lines are commands and the
 *   lines up to the next prompt are the output they show; without prompts, every line is a
 *   command. A line ending in `\` or `|` goes on on the next line.
 * - an inline code span in the prose that is a whole `deno` command (`deno SUB ARG...`).
 *
 * Each command runs with `bash -c` in the copy (the git checkout's files, tracked and untracked
 * but not ignored, with `../shared` linked beside it), in document order, with
 * `DENO_INSTALL_ROOT` in a temporary directory (so `deno install -g` installs there, and its
 * `bin` is on `PATH`) and `$?` set to the previous command's status. It must exit with status 0,
 * or with the status that README shows: the output of a following `echo $?`, or `status N` in the
 * output it shows or in a trailing comment. Shown output must appear in order in what the
 * command printed (standard output and error together); a line `...` stands for any lines, and
 * without one the output must be exactly what is shown.
 *
 * Commands that need a network (JSR, npm installs, downloads) are skipped with a message, and so
 * are the long ones listed in `SLOW` (the whole test suite, spec run, benchmarks), which
 * `GAB_README=all` runs too. Skipped commands are still checked statically: every file they
 * name exists and every `deno task` they run is defined.
 *
 * @module
 */

import assert from "node:assert/strict";

const ROOT = decodeURIComponent(new URL("../", import.meta.url).pathname);
const README = `${ROOT}README.md`;
const RUN_ALL = Deno.env.get("GAB_README") === "all";
/** Seconds one command may take. */
const TIMEOUT = Number(Deno.env.get("GAB_README_TIMEOUT") ?? 180);

/** Long commands, each with what covers it in the default test run. */
const SLOW: Record<string, string> = {
  "deno task test": "the whole test suite: the command that runs this test",
  "deno task ok": "fmt, lint, type and doc checks, then the whole test suite",
  "deno task test:spec": "the whole testsuite (tests/script/spec_test.ts compares the same)",
  "deno task test:spec --json": "the whole testsuite (tests/script/spec_test.ts)",
  "deno task test:spec --update-expectations": "the whole testsuite (tests/script/spec_test.ts)",
  "deno task test:wasi": "the whole WASI testsuite (tests/wasi/testsuite_test.ts runs the same)",
  "deno task bench": "every benchmark (tests/bench/kernels_test.ts checks the kernels)",
  "deno run -A scripts/bench.ts --filter fib": "a benchmark (tests/bench/kernels_test.ts)",
  "deno run -A scripts/bench_frontend.ts": "a benchmark of the front end",
  "deno run -A scripts/bench_programs.ts": "a benchmark of the real programs",
  "deno task test:spec --tier=all":
    "the whole testsuite with the tier (tests/tier/spec_test.ts runs a sample)",
  "deno run -A scripts/fuzz_tier.ts testdata/fuzz/binaryen132":
    "the tier's differential run (tests/tier/fuzz_test.ts runs the same modules)",
  "GAB_TORTURE=full deno test -A tests/script/torture_test.ts":
    "the torture test over the whole testsuite (the default run takes a sample)",
};

/** Why a command cannot run here, or null. */
function needsNetwork(command: string): string | null {
  if (/\bjsr:/.test(command)) return "it fetches from JSR";
  if (/\bnpm install\b/.test(command)) return "it installs from the npm registry";
  if (/\bfetch:programs\b|fetch_testsuite\.ts/.test(command)) return "it downloads";
  return null;
}

/** One command of the README, with the output it shows (null: none shown). */
export interface ReadmeCommand {
  /** 1-based line in README.md. */
  line: number;
  /** The command as written (continuation lines joined with newlines). */
  text: string;
  /** The output lines shown after it (`$` blocks only). */
  output: string[] | null;
}

/** The commands of a README text, in order (see the module doc). */
export function readmeCommands(markdown: string): ReadmeCommand[] {
  const lines = markdown.split("\n");
  const out: ReadmeCommand[] = [];
  let i = 0;
  while (i < lines.length) {
    const fence = /^```(\S*)\s*$/.exec(lines[i]);
    if (fence === null) {
      if (!lines[i].startsWith("    ") && !lines[i].startsWith("|")) {
        for (const m of lines[i].matchAll(/`([^`]+)`/g)) {
          if (/^([A-Z_]+=\S+ )*deno [a-z:]+ \S/.test(m[1])) {
            out.push({ line: i + 1, text: m[1], output: null });
          }
        }
      }
      i++;
      continue;
    }
    const start = i + 1;
    let end = start;
    while (end < lines.length && !lines[end].startsWith("```")) end++;
    if (fence[1] === "sh") out.push(...blockCommands(lines.slice(start, end), start + 1));
    i = end + 1;
  }
  return out;
}

function blockCommands(body: string[], firstLine: number): ReadmeCommand[] {
  const prompted = body.some((l) => l.startsWith("$ "));
  const out: ReadmeCommand[] = [];
  let i = 0;
  while (i < body.length) {
    const l = body[i];
    const isCommand = prompted ? l.startsWith("$ ") : l.trim() !== "" && !l.startsWith("#");
    if (!isCommand) {
      if (prompted && out.length > 0) out[out.length - 1].output!.push(l);
      i++;
      continue;
    }
    const parts = [prompted ? l.slice(2) : l];
    const line = firstLine + i;
    while (/(\\|\|)\s*$/.test(parts[parts.length - 1]) && i + 1 < body.length) {
      parts.push(body[++i]);
    }
    out.push({ line, text: parts.join("\n"), output: prompted ? [] : null });
    i++;
  }
  return out;
}

/** The status a command must end with (see the module doc). */
function expectedStatus(c: ReadmeCommand, next: ReadmeCommand | undefined): number {
  if (next?.text.trim() === "echo $?" && next.output !== null) {
    const shown = next.output.find((l) => l.trim() !== "");
    if (shown !== undefined && /^\d+$/.test(shown.trim())) return Number(shown.trim());
  }
  const comment = /#.*\bstatus (\d+)/.exec(c.text);
  if (comment !== null) return Number(comment[1]);
  for (const l of c.output ?? []) {
    const m = /\bstatus (\d+)\b/.exec(l);
    if (m !== null) return Number(m[1]);
  }
  return 0;
}

/** Shown output without trailing comments and blank lines at the ends. */
function shownLines(output: string[]): string[] {
  const lines = output.map((l) => l.replace(/\s{2,}#.*$/, "").trimEnd());
  while (lines.length > 0 && lines[0] === "") lines.shift();
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** Why `actual` does not match the shown output, or null. */
export function outputMismatch(shown: string[], actual: string): string | null {
  const want = shownLines(shown);
  if (want.length === 0) return null;
  const got = actual.split("\n").map((l) => l.trimEnd());
  while (got.length > 0 && got[got.length - 1] === "") got.pop();
  if (!want.includes("...")) {
    return got.join("\n") === want.join("\n") ? null : "output differs from what README shows";
  }
  let at = 0;
  for (const w of want) {
    if (w === "...") continue;
    while (at < got.length && got[at] !== w) at++;
    if (at === got.length) return `output lacks the line ${JSON.stringify(w)} (in order)`;
    at++;
  }
  return null;
}

/** Files a command names (relative paths with a known extension) that the copy lacks. */
function missingFiles(command: string, dir: string): string[] {
  const missing: string[] = [];
  const path = /(?:^|[\s=])((?:[\w.-]+\/)*[\w.-]+\.(?:ts|wasm|wat|json|c|sh))\b/g;
  for (const m of command.matchAll(path)) {
    if (m[1].startsWith("-")) continue;
    try {
      Deno.statSync(`${dir}/${m[1]}`);
    } catch {
      missing.push(m[1]);
    }
  }
  return missing;
}

/** Tasks a command runs that deno.json does not define. */
function missingTasks(command: string, dir: string): string[] {
  const tasks = JSON.parse(Deno.readTextFileSync(`${dir}/deno.json`)).tasks ?? {};
  return [...command.matchAll(/\bdeno task ([\w:-]+)/g)].map((m) => m[1])
    .filter((t) => !(t in tasks));
}

/**
 * The checkout's files (tracked and untracked, not ignored) by `git ls-files`; outside a git
 * checkout, every file but `.git`, `.cache` and `node_modules`.
 */
async function checkoutFiles(): Promise<string[]> {
  try {
    const git = await new Deno.Command("git", {
      args: ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
      cwd: ROOT,
      stdout: "piped",
      stderr: "null",
    }).output();
    if (git.code === 0) {
      return new TextDecoder().decode(git.stdout).split("\0").filter((f) => f !== "");
    }
  } catch { /* no git: walk the tree */ }
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of Deno.readDirSync(`${ROOT}${rel}`)) {
      if ([".git", ".cache", "node_modules"].includes(e.name)) continue;
      if (e.isDirectory) walk(`${rel}${e.name}/`);
      else if (e.isFile) out.push(`${rel}${e.name}`);
    }
  };
  walk("");
  return out;
}

/** Copies the checkout's files into `dest`. */
async function copyCheckout(dest: string): Promise<void> {
  for (const f of await checkoutFiles()) {
    let info: Deno.FileInfo;
    try {
      info = Deno.lstatSync(`${ROOT}${f}`);
    } catch {
      continue; // deleted in the work tree
    }
    if (!info.isFile) continue;
    const slash = f.lastIndexOf("/");
    if (slash > 0) Deno.mkdirSync(`${dest}/${f.slice(0, slash)}`, { recursive: true });
    Deno.copyFileSync(`${ROOT}${f}`, `${dest}/${f}`);
  }
}

Deno.test("readmeCommands reads sh blocks, prompts, output and inline deno commands", () => {
  const md = [
    "Run `deno run -A cli.ts x.wasm` or `deno run` alone.",
    "```sh",
    "$ echo a \\",
    "    b",
    "a b",
    "...",
    "$ echo $?",
    "0",
    "```",
    "```sh",
    "ls   # a comment",
    "```",
    "```",
    "gab run X   (not sh)",
    "```",
  ].join("\n");
  assert.deepEqual(readmeCommands(md), [
    { line: 1, text: "deno run -A cli.ts x.wasm", output: null },
    { line: 3, text: "echo a \\\n    b", output: ["a b", "..."] },
    { line: 7, text: "echo $?", output: ["0"] },
    { line: 11, text: "ls   # a comment", output: null },
  ]);
  assert.equal(outputMismatch(["x", "...", "z"], "x\ny\nz\n"), null);
  assert.notEqual(outputMismatch(["x", "...", "z"], "z\nx\n"), null);
  assert.equal(outputMismatch(["42   # the answer"], "42\n"), null);
  assert.notEqual(outputMismatch(["42"], "42\n43\n"), null);
});

Deno.test({
  name: "README.md: every command runs as written on a fresh copy of the repository",
  sanitizeResources: false,
  async fn() {
    const commands = readmeCommands(Deno.readTextFileSync(README));
    assert.ok(commands.length > 10, `only ${commands.length} commands found in README.md`);
    const tmp = await Deno.makeTempDir({ prefix: "gab_readme_" });
    try {
      const dir = `${tmp}/gab`;
      Deno.mkdirSync(dir);
      await copyCheckout(dir);
      try {
        Deno.symlinkSync(Deno.realPathSync(`${ROOT}../shared`), `${tmp}/shared`);
      } catch { /* no ../shared: commands that need the testsuite say so */ }
      const installRoot = `${tmp}/deno_install`;
      const env = {
        NO_COLOR: "1",
        DENO_INSTALL_ROOT: installRoot,
        PATH: `${installRoot}/bin:${Deno.env.get("PATH") ?? ""}`,
      };
      const failures: string[] = [];
      let previous = 0;
      for (const [k, c] of commands.entries()) {
        const where = `README.md:${c.line}: ${c.text.split("\n")[0]}`;
        const key = c.text.replace(/\s+#.*$/, "").trim();
        const statics = [
          ...missingFiles(key, dir).map((f) => `names ${f}, which does not exist`),
          ...missingTasks(key, dir).map((t) => `runs the task ${t}, which deno.json lacks`),
        ];
        for (const s of statics) failures.push(`${where}: ${s}`);
        const network = needsNetwork(key);
        if (network !== null) {
          console.log(`skipped (needs a network: ${network}): ${where}`);
          continue;
        }
        if (key in SLOW && !RUN_ALL) {
          console.log(`skipped (slow: ${SLOW[key]}; GAB_README=all runs it): ${where}`);
          continue;
        }
        const want = expectedStatus(c, commands[k + 1]);
        // setsid: the command and its children form a process group that a timeout kills.
        const child = new Deno.Command("setsid", {
          args: ["bash", "-c", `(exit ${previous}); { ${c.text}\n} 2>&1`],
          cwd: dir,
          env,
          stdin: "null",
          stdout: "piped",
          stderr: "piped",
        }).spawn();
        const timer = setTimeout(() => Deno.kill(-child.pid, "SIGKILL"), TIMEOUT * 1000);
        const o = await child.output();
        clearTimeout(timer);
        previous = o.code;
        const text = new TextDecoder().decode(o.stdout) + new TextDecoder().decode(o.stderr);
        const tail = text.split("\n").slice(-15).join("\n");
        if (o.signal !== null) {
          failures.push(`${where}: killed after ${TIMEOUT} s\n${tail}`);
        } else if (o.code !== want) {
          failures.push(`${where}: exit status ${o.code}, README says ${want}\n${tail}`);
        } else if (c.output !== null) {
          const why = outputMismatch(c.output, text);
          if (why !== null) failures.push(`${where}: ${why}\n${text}`);
        }
      }
      assert.deepEqual(failures, [], failures.join("\n\n"));
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
