/**
 * Which checkpoints to keep: exponential decay counted from the newest end. A checkpoint
 * between two kept neighbours is dropped when replaying from the older one to the newer one
 * costs at most `max(minGap, fraction * age)` ticks, the age being that of the newer
 * neighbour (ticks from it to the newest end): recent history stays dense, old history grows
 * sparse, and any tick is reached by replaying at most `max(minGap, fraction * its age)`
 * ticks from a kept checkpoint. The first (the recording's start), the newest and pinned ones
 * (where a branch's writes are) are always kept. Over the memory budget, the fraction doubles until the history fits.
 *
 * Pages are shared between neighbouring checkpoints (checkpoint.ts): dropping one hands the
 * pages it introduced that the newer neighbour still uses over to that neighbour.
 *
 * @module
 */

import { type Checkpoint, PAGE, ZERO_PAGE } from "./checkpoint.ts";

/** Drops `c` (`cps[i]`, not the first or last) from `cps`, moving its shared pages on. */
function drop(cps: Checkpoint[], i: number): void {
  const o = cps[i - 1], c = cps[i], n = cps[i + 1];
  let inherited = 0;
  c.memories.forEach((img, k) => {
    const ot = o.memories[k]?.table, nt = n.memories[k]?.table;
    if (nt === undefined) return;
    const t = img.table;
    for (let p = 0; p < t.length; p++) {
      const pg = t[p];
      if (pg !== ZERO_PAGE && nt[p] === pg && (ot === undefined || ot[p] !== pg)) inherited++;
    }
  });
  n.ownBytes += inherited * PAGE;
  cps.splice(i, 1);
}

/** Bytes the checkpoints hold. */
export function historyBytes(cps: readonly Checkpoint[]): number {
  let b = 0;
  for (const c of cps) b += c.ownBytes;
  return b;
}

/**
 * Thins `cps` (sorted by tick) in place for the newest end `now` (see the module doc);
 * returns the number dropped.
 */
export function thin(cps: Checkpoint[], now: number, minGap: number, fraction: number): number {
  let dropped = 0;
  // From the newest end back: cps[i] sits between cps[i - 1] (older) and cps[i + 1] (newer).
  for (let i = cps.length - 2; i >= 1; i--) {
    if (cps[i].pinned === true) continue;
    const older = cps[i - 1], newer = cps[i + 1];
    const allowed = Math.max(minGap, fraction * (now - newer.tick));
    if (newer.tick - older.tick <= allowed) {
      drop(cps, i);
      dropped++;
    }
  }
  return dropped;
}
