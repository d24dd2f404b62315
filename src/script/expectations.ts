/**
 * The expectations file, `tests/script/expectations.json`: the known failures of the spec
 * testsuite with their reasons. A run must match it exactly: a new failure, a listed failure
 * that now passes, and a failure whose reason changed all count against the run until the file
 * is updated (`deno task test:spec --update-expectations`), so that neither a regression nor a
 * fix goes unnoticed.
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
  /** The testsuite file, relative to the suite's directory. */
  file: string;
  /** The command's line. */
  line: number;
  /** Why it failed (for a fixed entry: the reason listed). */
  reason: string;
}

/** A listed failure that still fails, for another reason. */
export interface ChangedFailure extends Failure {
  /** The reason the expectations file lists. */
  listed: string;
}

/** How a run differs from the expectations; it matches when all three lists are empty. */
export interface Comparison {
  /** Failures not listed. */
  unexpected: Failure[];
  /** Listed failures that did not fail. */
  fixed: Failure[];
  /** Listed failures that failed for another reason. */
  changed: ChangedFailure[];
}

/** A result as the comparison needs it. */
export interface LineOutcome {
  /** The command's line. */
  line: number;
  /** What happened. */
  outcome: "passed" | "failed" | "unsupported";
  /** Why it failed. */
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
 * Compares the results of the files that ran with the known failures (files that did not run
 * are not compared): failures not listed, listed lines that did not fail, and listed lines
 * that failed for another reason.
 */
export function compareFailures(
  results: ReadonlyMap<string, readonly LineOutcome[]>,
  known: FailureMap,
): Comparison {
  const out: Comparison = { unexpected: [], fixed: [], changed: [] };
  for (const [file, rs] of results) {
    const listed = known[file] ?? {};
    const failing = new Set<string>();
    for (const r of rs) {
      if (r.outcome !== "failed") continue;
      const key = String(r.line);
      const reason = r.reason ?? "failed";
      if (failing.has(key)) continue; // the first failure of a line is the one listed
      failing.add(key);
      if (!Object.hasOwn(listed, key)) out.unexpected.push({ file, line: r.line, reason });
      else if (listed[key] !== reason) {
        out.changed.push({ file, line: r.line, reason, listed: listed[key] });
      }
    }
    for (const [key, reason] of Object.entries(listed)) {
      if (!failing.has(key)) out.fixed.push({ file, line: Number(key), reason });
    }
  }
  return out;
}

/**
 * The comparison as lines for people (at most `limit` per kind), empty when the run matches:
 * what to look at, and the command that updates the file once the change is intended.
 */
export function describeComparison(c: Comparison, limit = 30): string[] {
  const lines: string[] = [];
  const section = <T extends Failure>(title: string, list: T[], line: (f: T) => string) => {
    if (list.length === 0) return;
    lines.push(`${title} (${list.length}):`);
    for (const f of list.slice(0, limit)) lines.push(`  ${f.file}:${f.line}: ${line(f)}`);
    if (list.length > limit) lines.push(`  ... and ${list.length - limit} more`);
  };
  section("unexpected failures", c.unexpected, (f) => f.reason);
  section("listed failures that now pass", c.fixed, (f) => `was: ${f.reason}`);
  section(
    "failures whose reason changed",
    c.changed,
    (f) => `${f.reason}\n    listed: ${f.listed}`,
  );
  if (lines.length > 0) {
    lines.push(
      "if these changes are intended: deno task test:spec --update-expectations (and review the diff)",
    );
  }
  return lines;
}

/**
 * The known failures after a run: for the files that ran, exactly the lines that failed, with
 * the reasons they failed for; files that did not run keep their entries.
 */
export function updateFailures(
  known: FailureMap,
  results: ReadonlyMap<string, readonly LineOutcome[]>,
): FailureMap {
  const out: FailureMap = { ...known };
  for (const [file, rs] of results) {
    const lines: Record<string, string> = {};
    for (const r of rs) {
      if (r.outcome !== "failed") continue;
      const key = String(r.line);
      lines[key] ??= r.reason ?? "failed";
    }
    if (Object.keys(lines).length > 0) out[file] = lines;
    else delete out[file];
  }
  return out;
}
