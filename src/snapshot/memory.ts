/**
 * Guest memories in snapshots (format.ts, `memories` and the data section): a memory is
 * written as the runs of its pages that hold a non-zero byte, each run's bytes a view of the
 * live buffer (nothing is copied until the output is assembled or written to a file), and
 * read back by allocating a zeroed buffer and filling in the runs from a
 * {@linkcode DataReader}, which copies from snapshot bytes or reads a file straight into the
 * memory. Pages not in a run are never touched, so a large, mostly-zero memory costs the time
 * of one scan for zeros and the room of its written pages.
 *
 * Not here: the rest of the body (snapshot.ts, restore.ts) and the header (format.ts).
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { SnapshotError } from "../errors.ts";
import { arr, int } from "./check.ts";

/** Bytes of a wasm page, the unit of runs. */
export const PAGE = 65536;
const ZERO = new Uint8Array(PAGE);

/**
 * The runs of non-zero pages of a memory: `[firstPage, pageCount]` pairs, ascending. Each
 * page is compared with a zero page by `Buffer.compare` (a native memcmp, ~10 GB/s); the
 * first read of pages the guest never touched costs the kernel's page faults.
 */
export function memoryRuns(buffer: ArrayBuffer, pages: number): [number, number][] {
  const runs: [number, number][] = [];
  let first = -1;
  for (let p = 0; p <= pages; p++) {
    const used = p < pages && Buffer.compare(ZERO, new Uint8Array(buffer, p * PAGE, PAGE)) !== 0;
    if (used && first < 0) first = p;
    else if (!used && first >= 0) {
      runs.push([first, p - first]);
      first = -1;
    }
  }
  return runs;
}

/** The bytes of `runs` of `buffer`, as views (for the data section). */
export function runViews(buffer: ArrayBuffer, runs: readonly [number, number][]): Uint8Array[] {
  return runs.map(([first, count]) => new Uint8Array(buffer, first * PAGE, count * PAGE));
}

/**
 * Checks a memory's `runs` field against its page count; returns the runs and their bytes.
 *
 * @throws SnapshotError for runs out of order, overlapping, touching or beyond `pages`.
 */
export function readRuns(v: unknown, pages: number, what: string): [number, number][] {
  let next = 0;
  return arr(v, what).map((r, i) => {
    const pair = arr(r, `${what}[${i}]`);
    if (pair.length !== 2) throw new SnapshotError(`${what}[${i}]: expected [firstPage, count]`);
    const first = int(pair[0], next, pages - 1, `${what}[${i}] first page`);
    const count = int(pair[1], 1, pages - first, `${what}[${i}] page count`);
    next = first + count + 1;
    return [first, count];
  });
}

/** Where the data section's bytes come from, in order. */
export interface DataReader {
  /** Bytes not yet read. */
  readonly left: number;
  /** Fills `into` with the next `into.length` bytes. */
  read(into: Uint8Array): void;
}

/** A {@linkcode DataReader} over bytes in memory. */
export function bytesReader(data: Uint8Array): DataReader {
  let at = 0;
  return {
    get left() {
      return data.length - at;
    },
    read(into: Uint8Array) {
      if (into.length > data.length - at) throw new SnapshotError("data section truncated");
      into.set(data.subarray(at, at + into.length));
      at += into.length;
    },
  };
}

/** A zeroed memory buffer of `pages` pages with `runs` filled from `data`. */
export function readMemoryBytes(
  pages: number,
  runs: readonly [number, number][],
  data: DataReader,
): ArrayBuffer {
  const buffer = new ArrayBuffer(pages * PAGE);
  for (const [first, count] of runs) data.read(new Uint8Array(buffer, first * PAGE, count * PAGE));
  return buffer;
}
