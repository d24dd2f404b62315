/**
 * Bad snapshots give a SnapshotError, never a raw JS exception or a half-restored machine:
 * truncations, bit flips, wrong magic, newer format versions, and bodies with a valid
 * checksum but mutated fields (a structural fuzz of the msgpack document).
 *
 * @module
 */

import assert from "node:assert/strict";
import { SnapshotError } from "../../src/errors.ts";
import { Execution } from "../../src/exec/execution.ts";
import {
  ENGINE_VERSION,
  FORMAT_VERSION,
  readSnapshot,
  writeSnapshot,
} from "../../src/snapshot/format.ts";
import { restore } from "../../src/snapshot/restore.ts";
import { snapshot } from "../../src/snapshot/snapshot.ts";
import { kernel, load } from "./helpers.ts";

/** A paused sieve with a few frames, as snapshot bytes. */
function sample(): Uint8Array {
  const l = load(kernel("sieve"));
  const ex = Execution.start(l.machine, l.addr("run"), [100]);
  assert.equal(ex.runFor(500).status, "paused");
  return snapshot(l.machine, { execution: ex });
}

const good = sample();

/** A small deterministic PRNG (xorshift32). */
function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

function rejects(bytes: Uint8Array, pattern?: RegExp): void {
  assert.throws(() => restore(bytes), (e) => {
    assert.ok(e instanceof SnapshotError, `not a SnapshotError: ${e}`);
    if (pattern) assert.match(e.message, pattern);
    return true;
  });
}

Deno.test("the sample restores", () => {
  assert.ok(restore(good).execution !== null);
});

Deno.test("truncations are SnapshotErrors", () => {
  const cuts = new Set([0, 1, 7, 8, 12, 27, 28, 40, good.length - 1]);
  const r = rng(1);
  while (cuts.size < 200) cuts.add(Math.floor(r() * good.length));
  for (const n of cuts) rejects(good.subarray(0, n), /truncated|magic/);
  rejects(good.subarray(0, 20), /truncated/);
  const longer = new Uint8Array(good.length + 3);
  longer.set(good);
  rejects(longer, /trailing/);
});

Deno.test("bit flips anywhere are SnapshotErrors", () => {
  const r = rng(2);
  for (let i = 0; i < 500; i++) {
    const b = good.slice();
    const at = i < 64 ? i * 3 % good.length : Math.floor(r() * good.length);
    b[at] ^= 1 << Math.floor(r() * 8);
    rejects(b);
  }
});

Deno.test("wrong magic, a newer format version, a foreign file", () => {
  const b = good.slice();
  b[0] = 0x00;
  rejects(b, /wrong magic/);
  const v = good.slice();
  new DataView(v.buffer).setUint32(8, FORMAT_VERSION + 1, true);
  // Both versions are named, and the gab that wrote it.
  rejects(
    v,
    new RegExp(
      `format version ${FORMAT_VERSION + 1} \\(written by gab ${ENGINE_VERSION}\\) is newer ` +
        `than this gab \\(${ENGINE_VERSION}\\) reads \\(format ${FORMAT_VERSION}\\)`,
    ),
  );
  // Format 1 held IR positions of the build that wrote it.
  const old = good.slice();
  new DataView(old.buffer).setUint32(8, 1, true);
  rejects(old, /format version 1 \(written by gab .*\) holds frames in the IR .* only that build/);
  rejects(new TextEncoder().encode("\0asm\x01\0\0\0 not a snapshot at all"), /magic/);
  rejects(new Uint8Array(0), /truncated/);
});

type Tree = unknown;

/** Every path (array of keys) to a node of a decoded body. */
function paths(t: Tree, at: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(at);
  if (Array.isArray(t)) t.forEach((v, i) => paths(v, [...at, i], out));
  else if (t !== null && typeof t === "object" && !(t instanceof Uint8Array)) {
    for (const [k, v] of Object.entries(t)) paths(v, [...at, k], out);
  }
  return out;
}

function mutate(t: Tree, path: (string | number)[], r: () => number): Tree {
  if (path.length === 0) {
    const choices: Tree[] = [
      null,
      -1,
      2 ** 31,
      0.5,
      "x",
      true,
      [],
      {},
      new Uint8Array(3),
      typeof t === "number" ? t + 1 + Math.floor(r() * 100) : 7,
      t instanceof Uint8Array ? t.subarray(0, Math.floor(t.length / 2)) : 5n,
    ];
    return choices[Math.floor(r() * choices.length)];
  }
  const [k, ...rest] = path;
  if (Array.isArray(t)) {
    const c = [...t];
    c[k as number] = mutate(t[k as number], rest, r);
    return c;
  }
  const o = { ...(t as Record<string, Tree>) };
  o[k as string] = mutate(o[k as string], rest, r);
  return o;
}

Deno.test("mutated fields with a valid checksum are SnapshotErrors or restore fully", () => {
  const body = readSnapshot(good).body;
  // Skip the module bytes (decoding them is the decoder's business) but keep their nodes.
  const all = paths(body).filter((p) => !(p[0] === "modules" && p.length > 2));
  const r = rng(3);
  let rejected = 0;
  for (let i = 0; i < 400; i++) {
    const p = all[Math.floor(r() * all.length)];
    const bytes = writeSnapshot(mutate(body, p, r));
    try {
      const back = restore(bytes);
      assert.ok(back.machine);
    } catch (e) {
      assert.ok(e instanceof SnapshotError, `${p.join(".")}: ${e}`);
      rejected++;
    }
  }
  assert.ok(rejected > 300, `only ${rejected} rejected`);
});
