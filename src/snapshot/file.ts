/**
 * Snapshots as files, streamed: {@linkcode writeSnapshotFile} writes a snapshot's parts
 * (format.ts) one after another, its memories straight from the guest's buffers, into a
 * temporary file next to the target that is renamed over it once complete (an interrupted
 * write never leaves a half snapshot under the target's name); {@linkcode restoreFile}
 * checks the file's checksum in one pass of fixed-size chunks, then reads the document and
 * reads each memory run straight into the new memory. Neither holds a second copy of the
 * memories, so a snapshot of a large memory costs little more than the memory itself.
 *
 * @module
 */

import { SnapshotError } from "../errors.ts";
import type { Machine } from "../exec/machine.ts";
import {
  Checksum,
  decodeDocument,
  documentLength,
  HEADER_MAX,
  readHeader,
  type SnapshotParts,
} from "./format.ts";
import type { DataReader } from "./memory.ts";
import { type HostBindings, restoreBody, type Restored } from "./restore.ts";
import { type SnapshotExtra, snapshotOf } from "./snapshot.ts";

const CHUNK = 1 << 20;

/**
 * Writes the state of `m` (and `extra`) as a snapshot file at `path` (see the module doc);
 * returns its size in bytes.
 *
 * @throws SnapshotError as `snapshot` does; Deno's errors when the file cannot be written.
 */
export function writeSnapshotFile(path: string, m: Machine, extra: SnapshotExtra = {}): number {
  return writeParts(path, snapshotOf(m, extra));
}

/** Writes `parts` to a temporary file beside `path`, then renames it to `path`. */
export function writeParts(path: string, parts: SnapshotParts): number {
  const tmp = `${path}.${Deno.pid}.tmp`;
  const file = Deno.openSync(tmp, { write: true, create: true, truncate: true });
  try {
    try {
      for (const p of parts.parts) {
        for (let at = 0; at < p.length;) at += file.writeSync(p.subarray(at));
      }
    } finally {
      file.close();
    }
    Deno.renameSync(tmp, path);
  } catch (e) {
    try {
      Deno.removeSync(tmp);
    } catch {
      // Already gone.
    }
    throw e;
  }
  return parts.length;
}

/** Fills `into` from `file` (fewer bytes only at its end); returns how many were read. */
function readFull(file: Deno.FsFile, into: Uint8Array): number {
  let at = 0;
  while (at < into.length) {
    const n = file.readSync(into.subarray(at));
    if (n === null) break;
    at += n;
  }
  return at;
}

/**
 * Restores the snapshot in file `path` as `restore` does, streaming (see the module doc).
 *
 * @throws SnapshotError as `restore` does; Deno's errors when the file cannot be read.
 */
export function restoreFile(path: string, bindings: HostBindings = {}): Restored {
  const file = Deno.openSync(path, { read: true });
  try {
    const size = file.statSync().size;
    // Pass 1: the header and the checksum of the whole file.
    const chunk = new Uint8Array(Math.min(CHUNK, Math.max(size, HEADER_MAX)));
    let n = readFull(file, chunk);
    const header = readHeader(chunk.subarray(0, n), size);
    const sum = new Checksum();
    for (let done = 0; n > 0; n = readFull(file, chunk)) {
      sum.update(chunk.subarray(0, n));
      done += n;
      if (n < chunk.length && done < size) throw new SnapshotError("snapshot truncated while read");
    }
    if (sum.digest() !== header.sum) {
      throw new SnapshotError("snapshot corrupt: checksum mismatch");
    }
    // Pass 2: the document, then the data section into the memories.
    file.seekSync(header.start, Deno.SeekMode.Start);
    const lead = new Uint8Array(8);
    readFull(file, lead);
    const docLength = documentLength(lead, size - header.start);
    const doc = new Uint8Array(docLength);
    if (readFull(file, doc) !== docLength) throw new SnapshotError("snapshot truncated");
    const dataStart = Math.min(size, (header.start + 8 + docLength + 7) & ~7);
    file.seekSync(dataStart, Deno.SeekMode.Start);
    let left = size - dataStart;
    const data: DataReader = {
      get left() {
        return left;
      },
      read(into: Uint8Array) {
        if (into.length > left || readFull(file, into) !== into.length) {
          throw new SnapshotError("data section truncated");
        }
        left -= into.length;
      },
    };
    return restoreBody(decodeDocument(doc), data, bindings, header.engine);
  } finally {
    file.close();
  }
}
