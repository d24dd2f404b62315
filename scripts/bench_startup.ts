/**
 * Start-up cost: the wall time of a new process that runs `gab run testdata/hello.wasm`,
 * beside a `deno run` of an empty script and of a script that only imports `mod.ts` (what
 * loading the engine costs before it does anything). `deno task bench` runs it after the
 * kernels (unless `--filter` narrows the run), or alone:
 *
 * ```sh
 * deno run -A scripts/bench_startup.ts [--runs N] [--json]
 * ```
 *
 * Every process is started the same way (`deno run -A --config deno.json ...`), one kind
 * after the other in each round so that a loaded machine slows all three alike; times are
 * medians over the rounds, after one untimed round (which also fills Deno's compile cache).
 * A process that fails (or a hello that prints something else) is an error, not a time.
 *
 * @module
 */

import * as path from "node:path";
import { parseArgs } from "node:util";

const ROOT = path.resolve(new URL("..", import.meta.url).pathname);

/** One kind of process and its median wall time. */
export interface StartupRow {
  name: string;
  ms: number;
}

/** The result of {@linkcode benchStartup}: the rows, and hello's time over the import's. */
export interface Startup {
  rows: StartupRow[];
  /** `gab run hello.wasm` / `import mod.ts`. */
  ratio: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** Runs `args` under `deno run -A --config deno.json`; returns its wall time in ms. */
async function timed(args: string[], expectOut: string | null): Promise<number> {
  const t0 = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", path.join(ROOT, "deno.json"), ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const ms = performance.now() - t0;
  const stdout = new TextDecoder().decode(out.stdout);
  if (!out.success || (expectOut !== null && stdout !== expectOut)) {
    throw new Error(
      `startup bench: ${args.join(" ")} failed (status ${out.code}): ` +
        new TextDecoder().decode(out.stderr).trim().split("\n")[0],
    );
  }
  return ms;
}

/** Measures the three processes over `runs` rounds (see the module doc). */
export async function benchStartup(runs = 11): Promise<Startup> {
  const dir = await Deno.makeTempDir({ prefix: "gab-startup-" });
  try {
    const empty = path.join(dir, "empty.ts");
    const importOnly = path.join(dir, "import_mod.ts");
    await Deno.writeTextFile(empty, "");
    const modUrl = new URL(`file://${path.join(ROOT, "mod.ts")}`).href;
    await Deno.writeTextFile(importOnly, `import ${JSON.stringify(modUrl)};\n`);
    const kinds: [string, string[], string | null][] = [
      ["deno run (empty script)", [empty], ""],
      ["deno run (import mod.ts)", [importOnly], ""],
      ["gab run testdata/hello.wasm", [
        path.join(ROOT, "cli.ts"),
        "run",
        path.join(ROOT, "testdata", "hello.wasm"),
      ], null],
    ];
    const times: number[][] = kinds.map(() => []);
    for (let round = 0; round <= runs; round++) {
      for (let k = 0; k < kinds.length; k++) {
        const ms = await timed(kinds[k][1], kinds[k][2]);
        if (round > 0) times[k].push(ms);
      }
    }
    const rows = kinds.map(([name], k) => ({ name, ms: Math.round(median(times[k]) * 10) / 10 }));
    return { rows, ratio: rows[2].ms / rows[1].ms };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The report as a table (no trailing newline). */
export function formatStartup(s: Startup): string {
  const width = Math.max(...s.rows.map((r) => r.name.length));
  const lines = [`${"start-up".padEnd(width)}  median ms`];
  for (const r of s.rows) lines.push(`${r.name.padEnd(width)}  ${r.ms.toFixed(1).padStart(9)}`);
  lines.push(`gab run hello / import mod.ts: ${s.ratio.toFixed(2)}`);
  return lines.join("\n");
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { runs: { type: "string", default: "11" }, json: { type: "boolean" } },
  });
  const s = await benchStartup(Number(values.runs));
  console.log(values.json ? JSON.stringify(s, null, 2) : formatStartup(s));
}
