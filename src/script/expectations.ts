/**
 * The expectations file, `tests/script/expectations.json`: the known failures of the spec
 * testsuite, so that a new failure stands out and a fixed one is noticed.
 *
 * On disk it is one JSON object: each testsuite file (`"address.wast"`,
 * `"legacy/throw.wast"`) maps the line of each failing command to its reason, and the key
 * `"roundtrip"` holds the same kind of map for the round-trip check of the modules
 * (`src/script/roundtrip.ts`). Unsupported commands are not listed: they are counted.
 *
 * @module
 */

import { REPO_ROOT } from "./suite.ts";

/** Known failures: file, then line (as a string), then reason. */
export type FailureMap = Record<string, Record<string, string>>;

/** The two sections of the expectations file. */
export interface Expectations {
  /** Failing script commands. */
  spec: FailureMap;
  /** Failing module round trips. */
  roundtrip: FailureMap;
}

/** One failure, or one expected failure that did not happen. */
export interface Failure {
  file: string;
  line: number;
  reason: string;
}

/** A result as the comparison needs it. */
export interface LineOutcome {
  line: number;
  outcome: "passed" | "failed" | "unsupported";
  reason?: string;
}

/** The key of the round-trip section. */
const ROUNDTRIP = "roundtrip";

/** Where the expectations file is. */
export const EXPECTATIONS_PATH = `${REPO_ROOT}tests/script/expectations.json`;

/** Reads the expectations file; a missing file expects nothing. */
export function loadExpectations(path: string = EXPECTATIONS_PATH): Expectations {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return { spec: {}, roundtrip: {} };
    throw err;
  }
  const json = JSON.parse(text) as Record<string, Record<string, unknown>>;
  const spec: FailureMap = {};
  for (const [file, lines] of Object.entries(json)) {
    if (file !== ROUNDTRIP) spec[file] = lines as Record<string, string>;
  }
  return { spec, roundtrip: (json[ROUNDTRIP] ?? {}) as FailureMap };
}

/** The expectations as the file's text: files sorted, lines in numeric order. */
export function formatExpectations(e: Expectations): string {
  const sorted = (m: FailureMap) => {
    const out: FailureMap = {};
    for (const file of Object.keys(m).sort()) {
      if (Object.keys(m[file]).length > 0) out[file] = m[file];
    }
    return out;
  };
  return JSON.stringify({ ...sorted(e.spec), [ROUNDTRIP]: sorted(e.roundtrip) }, null, 2) + "\n";
}

/** Writes the expectations file. */
export function saveExpectations(e: Expectations, path: string = EXPECTATIONS_PATH): void {
  Deno.writeTextFileSync(path, formatExpectations(e));
}

/**
 * Compares the results of the files that ran with the known failures: `unexpected` are
 * failures not listed, `fixed` are listed lines that did not fail.
 */
export function compareFailures(
  results: ReadonlyMap<string, readonly LineOutcome[]>,
  known: FailureMap,
): { unexpected: Failure[]; fixed: Failure[] } {
  const unexpected: Failure[] = [];
  const fixed: Failure[] = [];
  for (const [file, rs] of results) {
    const listed = known[file] ?? {};
    const failing = new Set<string>();
    for (const r of rs) {
      if (r.outcome !== "failed") continue;
      const key = String(r.line);
      failing.add(key);
      if (!(key in listed)) unexpected.push({ file, line: r.line, reason: r.reason ?? "" });
    }
    for (const [key, reason] of Object.entries(listed)) {
      if (!failing.has(key)) fixed.push({ file, line: Number(key), reason });
    }
  }
  return { unexpected, fixed };
}

/**
 * The known failures after a run: for the files that ran, exactly the lines that failed
 * (keeping the listed reason of a line that still fails, taking the new reason otherwise);
 * files that did not run keep their entries.
 */
export function updateFailures(
  known: FailureMap,
  results: ReadonlyMap<string, readonly LineOutcome[]>,
): FailureMap {
  const out: FailureMap = { ...known };
  for (const [file, rs] of results) {
    const listed = known[file] ?? {};
    const lines: Record<string, string> = {};
    for (const r of rs) {
      if (r.outcome !== "failed") continue;
      const key = String(r.line);
      lines[key] ??= listed[key] ?? r.reason ?? "failed";
    }
    if (Object.keys(lines).length > 0) out[file] = lines;
    else delete out[file];
  }
  return out;
}
