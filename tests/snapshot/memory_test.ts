/**
 * Memories in snapshots (src/snapshot/memory.ts, file.ts): only pages holding a non-zero byte
 * are written (a byte anywhere in a page, or a page that is zero as doubles but holds -0's
 * sign bit, counts), memories come back bit-identical from bytes and from a streamed file,
 * the file writer gives the same bytes as `snapshot()`, and a data section that does not fit
 * the memories' runs is a SnapshotError even with a valid checksum.
 *
 * @module
 */

import assert from "node:assert/strict";
import { SnapshotError } from "../../src/errors.ts";
import { Execution } from "../../src/exec/execution.ts";
import { readSnapshot, writeSnapshot } from "../../src/snapshot/format.ts";
import { restoreFile, writeSnapshotFile } from "../../src/snapshot/file.ts";
import { memoryRuns, PAGE } from "../../src/snapshot/memory.ts";
import { restore } from "../../src/snapshot/restore.ts";
import { snapshot } from "../../src/snapshot/snapshot.ts";
import { load } from "./helpers.ts";

/** A machine paused in a loop, with two memories of 64 and 3 pages, some bytes written. */
function sample() {
  const l = load(`(module (memory (export "a") 64) (memory (export "b") 3)
    (func (export "spin") (loop $l (br $l))))`);
  const ex = Execution.start(l.machine, l.addr("spin"), []);
  assert.equal(ex.runFor(100).status, "paused");
  const [a, b] = l.machine.store.memories.map((m) => new Uint8Array(m.buffer));
  a[0] = 1; // page 0
  a[PAGE + PAGE - 1] = 2; // the last byte of page 1: run [0, 2]
  new DataView(a.buffer).setFloat64(5 * PAGE + 8, -0, true); // page 5: only a sign bit
  a.fill(7, 10 * PAGE + 100, 13 * PAGE); // pages 10..12
  a[63 * PAGE + 5] = 9; // the last page
  b[2 * PAGE] = 3; // the last page of the second memory
  return { l, ex };
}

Deno.test("memoryRuns: runs of pages with a non-zero byte", () => {
  const { l } = sample();
  const [a, b] = l.machine.store.memories;
  assert.deepEqual(memoryRuns(a.buffer, a.pages), [[0, 2], [5, 1], [10, 3], [63, 1]]);
  assert.deepEqual(memoryRuns(b.buffer, b.pages), [[2, 1]]);
  assert.deepEqual(memoryRuns(new ArrayBuffer(0), 0), []);
});

Deno.test("only written pages are in the snapshot; memories restore bit for bit", () => {
  const { l, ex } = sample();
  const bytes = snapshot(l.machine, { execution: ex });
  const pagesWritten = 2 + 1 + 3 + 1 + 1;
  assert.ok(bytes.length >= pagesWritten * PAGE && bytes.length < (pagesWritten + 1) * PAGE);
  for (const back of [restore(bytes)]) {
    back.machine.store.memories.forEach((m, i) => {
      const orig = l.machine.store.memories[i];
      assert.equal(m.pages, orig.pages);
      assert.deepEqual(new Uint8Array(m.buffer), new Uint8Array(orig.buffer));
    });
    assert.equal(back.execution!.runFor(10).status, "paused");
  }
});

Deno.test("a streamed file has the bytes of snapshot() and restores the same", () => {
  const { l, ex } = sample();
  const bytes = snapshot(l.machine, { execution: ex });
  const dir = Deno.makeTempDirSync();
  try {
    const path = `${dir}/s.gabsnap`;
    assert.equal(writeSnapshotFile(path, l.machine, { execution: ex }), bytes.length);
    assert.deepEqual(Deno.readFileSync(path), bytes);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["s.gabsnap"]);
    const back = restoreFile(path);
    back.machine.store.memories.forEach((m, i) => {
      assert.deepEqual(
        new Uint8Array(m.buffer),
        new Uint8Array(l.machine.store.memories[i].buffer),
      );
    });
    assert.deepEqual(snapshot(back.machine, { execution: back.execution }), bytes);
    // A cut or flipped file is a SnapshotError, as with bytes.
    for (const bad of [bytes.subarray(0, bytes.length - 8), flip(bytes, bytes.length - 100)]) {
      Deno.writeFileSync(path, bad);
      assert.throws(() => restoreFile(path), SnapshotError);
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

function flip(bytes: Uint8Array, at: number): Uint8Array {
  const b = bytes.slice();
  b[at] ^= 0x10;
  return b;
}

Deno.test("a data section that does not fit the runs is a SnapshotError", () => {
  const { l, ex } = sample();
  const file = readSnapshot(snapshot(l.machine, { execution: ex }));
  const short = writeSnapshot(file.body, [file.data.subarray(0, file.data.length - PAGE)]);
  assert.throws(() => restore(short), { name: "SnapshotError", message: /data section/ });
  const long = writeSnapshot(file.body, [file.data, new Uint8Array(PAGE)]);
  assert.throws(() => restore(long), { name: "SnapshotError", message: /data section/ });
});
