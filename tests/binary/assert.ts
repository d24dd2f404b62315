/**
 * The assertions the binary tests use, from `node:assert/strict`, with names that read well.
 *
 * @module
 */

import assertModule from "node:assert/strict";

/** Asserts that `cond` holds. */
export function assert(cond: unknown, message?: string): asserts cond {
  assertModule.ok(cond, message);
}

/** Asserts deep strict equality. */
export function assertEquals<T>(actual: unknown, expected: T, message?: string): void {
  assertModule.deepStrictEqual(actual, expected, message);
}
