/**
 * Runs the WASI test programs of testdata/wasi/cases.json under gab, the way
 * scripts/wasi_expected.mjs runs them under Node (same fixture, same preopen, same stdin), and
 * reads the expected results that script wrote.
 *
 * @module
 */

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Runtime } from "../../src/api/runtime.ts";
import { createWasi } from "../../src/wasi/api.ts";

/** The folder of the test programs. */
export const DIR: string = new URL("../../testdata/wasi", import.meta.url).pathname;

/** A fixture: a tree the sandbox starts with, and files beside it (outside the sandbox). */
export interface Fixture {
  dirs?: string[];
  files?: Record<string, string>;
  symlinks?: Record<string, string>;
  outside?: Record<string, string>;
}

/** A test case. */
export interface Case {
  name: string;
  wasm: string;
  args: string[];
  env?: string[];
  stdin?: string;
  sandbox?: boolean;
  /** More preopens: guest name -> path ("@shared/..." lies in the shared folder). */
  preopens?: Record<string, string>;
  /** Slow (CPython): run only with GAB_SLOW=1. */
  slow?: boolean;
  fixture?: string;
  version?: string;
  /** Where gab deliberately differs from Node's node:wasi: text replaced in the expected stdout. */
  differences?: { node: string; gab: string; why: string }[];
}

/** What a run gives (and what the expected files hold). */
export interface Outcome {
  status: number;
  stdout: string;
  stderr: string;
}

/** A case's path: "@shared/..." lies in the shared folder beside the repository. */
export function casePath(p: string): string {
  return p.startsWith("@shared/")
    ? new URL("../../../shared/" + p.slice(8), import.meta.url).pathname
    : path.join(DIR, p);
}

/** The cases and fixtures. */
export const SPEC: { fixtures: Record<string, Fixture>; cases: Case[] } = JSON.parse(
  fs.readFileSync(path.join(DIR, "cases.json"), "utf8"),
);

/** Builds fixture `f` in a new temp folder; returns [the folder, the sandbox inside it]. */
export function makeSandbox(f: Fixture | null): [string, string] {
  const top = fs.mkdtempSync(path.join(os.tmpdir(), "gab-wasi-"));
  const sandbox = path.join(top, "sandbox");
  fs.mkdirSync(sandbox);
  if (f) {
    for (const d of f.dirs ?? []) fs.mkdirSync(path.join(sandbox, d), { recursive: true });
    for (const [p, text] of Object.entries(f.files ?? {})) {
      fs.writeFileSync(path.join(sandbox, p), text);
    }
    for (const [p, target] of Object.entries(f.symlinks ?? {})) {
      fs.symlinkSync(target, path.join(sandbox, p));
    }
    for (const [p, text] of Object.entries(f.outside ?? {})) {
      fs.writeFileSync(path.join(top, p), text);
    }
  }
  return [top, sandbox];
}

/** The expected outcome of case `c`: Node's, with the case's documented differences applied. */
export function expected(c: Case): Outcome {
  const o: Outcome = JSON.parse(
    fs.readFileSync(path.join(DIR, "expected", `${c.name}.json`), "utf8"),
  );
  for (const d of c.differences ?? []) {
    if (!o.stdout.includes(d.node)) throw new Error(`${c.name}: no '${d.node}' in Node's output`);
    o.stdout = o.stdout.replace(d.node, d.gab);
  }
  return o;
}

/** Runs case `c` under gab (with extra WASI options) and returns its outcome. */
export function runCase(c: Case, extra: { deterministic?: boolean } = {}): Outcome {
  const [top, sandbox] = makeSandbox(c.fixture ? SPEC.fixtures[c.fixture] : null);
  try {
    const out: number[] = [], err: number[] = [];
    const wasi = createWasi({
      args: c.args,
      env: c.env ?? [],
      preopens: {
        ...(c.sandbox ? { "/sandbox": sandbox } : {}),
        ...Object.fromEntries(
          Object.entries(c.preopens ?? {}).map(([g, h]) => [g, casePath(h)]),
        ),
      },
      stdin: new TextEncoder().encode(c.stdin ?? ""),
      stdout: (b) => void out.push(...b),
      stderr: (b) => void err.push(...b),
      ...extra,
    });
    const bytes = fs.readFileSync(casePath(c.wasm));
    const runtime = new Runtime();
    const instance = runtime.instantiate(bytes, wasi.imports(bytes));
    const status = wasi.start(instance);
    const text = (b: number[]) => new TextDecoder().decode(new Uint8Array(b));
    return { status, stdout: text(out), stderr: text(err) };
  } finally {
    fs.rmSync(top, { recursive: true, force: true });
  }
}
