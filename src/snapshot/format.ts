/**
 * The snapshot file format: a fixed binary header, then the body: one msgpack document and
 * the data section (the guest memories' non-zero pages).
 *
 * Header (little-endian, {@linkcode HEADER_SIZE} bytes plus the engine version):
 * - 0: magic `GABSNAP` and a 0 byte ({@linkcode MAGIC});
 * - 8: u32 format version ({@linkcode FORMAT_VERSION}); a reader refuses newer versions;
 * - 12: u32 checksum of everything else, header and body ({@linkcode checksum}: any change
 *   of one aligned 32-bit word is always detected, other changes with probability 1 - 2^-32);
 * - 16: u64 (two u32, low first) body length in bytes (everything after the header);
 * - 24: u32 length E of the engine version, then E bytes of UTF-8 (`deno.json`'s `version`),
 *   zero-padded so that the body starts at a multiple of 8.
 *
 * Body, format version 2: a u64 (two u32, low first), the length D of the msgpack document;
 * the document; zero bytes up to a multiple of 8; the data section, which holds the runs of
 * non-zero pages of every memory, memory by memory, run by run (see `memories`). Memory bytes
 * are never inside the document, so a large memory is written from the guest's buffer and
 * read into the new one without a copy of the whole document in between, and all-zero pages
 * take no room at all.
 *
 * The document: a msgpack map (keys sorted, so equal states give equal bytes; no
 * floats anywhere outside `host`; bigints as extension type 0 with their decimal text; typed
 * arrays as `bin` of their little-endian bytes). `i32s` below means a bin of Int32 words.
 * - `modules`: bin[] — each distinct module's binary (re-decoded and re-validated on restore,
 *   in this order, which is the order of first instantiation);
 * - `types`: typedesc[] — every canonical type the state names, by local id (see below);
 * - `objects`: store.objects, each `[0, instance, funcIndex]` (a wasm function: its type is
 *   its module's), `[1, type, module, name]` (a host function, bound again by name),
 *   `[2, value]` (an externref's host value: nil, bool, string, bigint, or `[f64 bits]`),
 *   `[3, tagAddr, slots bin]` (an exception: its values, 8 bytes each, 16 for v128, 32-bit
 *   values zero-extended), `[4, type, fields i32s]` (a GC struct),
 *   `[5, type, elems i32s]` (a GC array; words as `StructObj`/`ArrayObj` keep them),
 *   `[6]` (a freed address: the collector runs before writing, so only live objects are
 *   written, and the free list is the freed addresses in descending order);
 * - `tables`: `{type: tabletype, size, elems: i32s}`; `memories`: `{type: memtype, pages,
 *   generation, runs: [firstPage, pageCount][]}` (runs of 64 KiB pages in ascending order,
 *   apart, within `pages`; their bytes are in the data section, the other pages are zero);
 *   `globals`: `{type: valtype, mutable, slot}`; `globalSlots`:
 *   `{capacity, count, bytes: bin}`; `tags`: type ids;
 * - `instances`: `{module, funcs, tables, memories, globals, tags: i32s, elems: (i32s|nil)[],
 *   datas: bool[] (dropped)}` — exports are recomputed from the module;
 * - `machine` (format 3; src/snapshot/machine.ts): `{status, fuel: int|nil (nil: Infinity),
 *   maxDepth, frames, hostCall}` — the frames in wasm terms, bottom first, each `{func,
 *   offset, locals: bin, types: valtype numbers, stack: bin, exns: i32s, ir}`: the function's
 *   store address, the byte offset of the wasm instruction where it stands (in the function's
 *   instruction bytes; a caller stands at its call), its locals and operand stack (8 bytes
 *   per value, 16 for v128, 32-bit values zero-extended; a concrete reference type names a
 *   type index of the function's module), `[try index, exnref]` pairs of the open legacy
 *   catches, and `ir`: nil or `[codeHash, pc]`, a hint that a reader whose compiled code of
 *   the function has that hash uses to stand at exactly that pc (tick for tick); others
 *   ignore it. `hostCall`: nil or `{func, args: bin, tail}`, a pending suspending host call;
 * - `gc` (optional: later in format 3): `{allocs, threshold, min}`, the collector's pacing
 *   (`GcPacing`, src/runtime/store.ts), so that the restored store collects at the same
 *   allocations as the writing one; a snapshot without it (written before it was added, by a
 *   writer that restarted its pacing after its collection) restores with the pacing restarted
 *   the same way (`restartPacing`);
 * - `execution`: nil or `{func, at, state}`;
 * - `host`: any plain data the embedder adds (e.g. `{wasi: WasiState}`).
 *
 * Canonical type ids are process-local, so the body never holds one: a `typedesc` is
 * `[0, instance, typeIndex]` (a type its module defines; instances are restored first) or
 * `[1, params, results]` (a host function type with no type indices, re-interned with
 * `canonFuncType`). A `valtype` is its number when it names no type index, otherwise
 * `[nullable, typeId]` (a local type id). Compiled IR is not stored, and nothing in the
 * format depends on how a build lowers: a snapshot resumes on any gab that reads its format.
 *
 * Open maps: a later format may add fields to the top-level map, `machine`, each frame,
 * `hostCall` and `execution` (for example a compiled tier's frame data); readers of this
 * format ignore fields they do not know there. Any other change raises the format version.
 *
 * @module
 */

import { decode, encode, ExtensionCodec } from "@msgpack/msgpack";
import { SnapshotError } from "../errors.ts";
import denoJson from "../../deno.json" with { type: "json" };

/** The magic bytes that open every snapshot. */
export const MAGIC: Uint8Array = new TextEncoder().encode("GABSNAP\0");
/** The format version this engine writes (and the newest it reads). */
export const FORMAT_VERSION = 3;
/** The engine version written in every header. */
export const ENGINE_VERSION: string = denoJson.version;
/** Bytes of the header before the engine version. */
export const HEADER_SIZE = 28;

const codec = new ExtensionCodec();
codec.register({
  type: 0,
  encode: (v: unknown) => typeof v === "bigint" ? new TextEncoder().encode(v.toString()) : null,
  decode: (data: Uint8Array) => {
    const s = new TextDecoder().decode(data);
    if (!/^-?[0-9]{1,40}$/.test(s)) throw new SnapshotError("malformed bigint");
    return BigInt(s);
  },
});

/**
 * A checksum of a snapshot's bytes other than the checksum field (12..16): a
 * rotate-xor-multiply chain over little-endian 32-bit words (each step a bijection of the
 * state, so one changed word always changes the result), then the length. `bytes` must hold
 * the whole snapshot; its header is 8-aligned in length, so every region is whole words.
 */
export function checksum(bytes: Uint8Array): number {
  const sum = new Checksum();
  sum.update(bytes);
  return sum.digest();
}

function chain(h: number, bytes: Uint8Array): number {
  const n = bytes.length >>> 2;
  const words = (bytes.byteOffset & 3) === 0
    ? new Uint32Array(bytes.buffer, bytes.byteOffset, n)
    : new Uint32Array(bytes.slice(0, n * 4).buffer);
  for (let i = 0; i < n; i++) {
    h = Math.imul(((h << 5) | (h >>> 27)) ^ words[i], 0x9e3779b1);
  }
  for (let i = n * 4; i < bytes.length; i++) {
    h = Math.imul(((h << 5) | (h >>> 27)) ^ bytes[i], 0x9e3779b1);
  }
  return h;
}

/**
 * A snapshot as a list of byte arrays, in file order: the header with the msgpack document
 * and its padding, then the data section's runs (views of the live guest memories, not
 * copies). Concatenated they are the snapshot; {@linkcode SnapshotParts.bytes} does that, a
 * file writer writes them one after another.
 */
export class SnapshotParts {
  /** The parts, in order; every part but the last has a length that is a multiple of 8. */
  readonly parts: readonly Uint8Array[];
  /** Their total length in bytes. */
  readonly length: number;
  constructor(parts: readonly Uint8Array[]) {
    this.parts = parts;
    this.length = parts.reduce((n, p) => n + p.length, 0);
  }

  /** The snapshot in one array (the one copy of the data section). */
  bytes(): Uint8Array {
    if (this.parts.length === 1) return this.parts[0];
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

/**
 * Encodes a body document, wraps it in the header and appends the data section `data`
 * (see the module doc): the snapshot as parts, its checksum set.
 */
export function snapshotParts(body: unknown, data: readonly Uint8Array[] = []): SnapshotParts {
  const doc = encode(body, { sortKeys: true, extensionCodec: codec, initialBufferSize: 1 << 16 });
  const engine = new TextEncoder().encode(ENGINE_VERSION);
  const start = (HEADER_SIZE + engine.length + 7) & ~7;
  const head = new Uint8Array((start + 8 + doc.length + 7) & ~7);
  const dataLength = data.reduce((n, d) => n + d.length, 0);
  const bodyLength = head.length - start + dataLength;
  const dv = new DataView(head.buffer);
  head.set(MAGIC, 0);
  dv.setUint32(8, FORMAT_VERSION, true);
  dv.setUint32(16, bodyLength >>> 0, true);
  dv.setUint32(20, Math.floor(bodyLength / 2 ** 32), true);
  dv.setUint32(24, engine.length, true);
  head.set(engine, HEADER_SIZE);
  dv.setUint32(start, doc.length >>> 0, true);
  dv.setUint32(start + 4, Math.floor(doc.length / 2 ** 32), true);
  head.set(doc, start + 8);
  const parts = [head, ...data.filter((d) => d.length > 0)];
  const sum = new Checksum();
  for (const p of parts) sum.update(p);
  dv.setUint32(12, sum.digest(), true);
  return new SnapshotParts(parts);
}

/** Encodes a body document with its data section as snapshot bytes (see the module doc). */
export function writeSnapshot(body: unknown, data: readonly Uint8Array[] = []): Uint8Array {
  return snapshotParts(body, data).bytes();
}

/**
 * {@linkcode checksum} computed over a snapshot's bytes given in pieces, in order (a file
 * read in chunks, or {@linkcode SnapshotParts}): every piece but the last must have a length
 * that is a multiple of 4, and the first must hold the first 16 bytes.
 */
export class Checksum {
  private h = 0x811c9dc5;
  private n = 0;

  /** Adds the next piece. */
  update(piece: Uint8Array): void {
    if (this.n === 0) {
      if (piece.length < 16) throw new RangeError("Checksum: the first piece holds the header");
      this.h = chain(this.h, piece.subarray(0, 12));
      this.h = chain(this.h, piece.subarray(16));
    } else this.h = chain(this.h, piece);
    this.n += piece.length;
  }

  /** The checksum of all pieces added. */
  digest(): number {
    const h = Math.imul(this.h ^ this.n, 0x85ebca6b);
    return (h ^ (h >>> 16)) >>> 0;
  }
}

/** What {@linkcode readSnapshot} finds. */
export interface SnapshotFile {
  /** The format version. */
  version: number;
  /** The writer's engine version. */
  engine: string;
  /** The decoded msgpack document (its schema not checked). */
  body: unknown;
  /** The data section: the memories' non-zero runs (see the module doc). */
  data: Uint8Array;
}

/** A snapshot's header, checked against the file's length (see {@linkcode readHeader}). */
export interface SnapshotHeader {
  /** The format version. */
  version: number;
  /** The writer's engine version. */
  engine: string;
  /** The checksum recorded in the header. */
  sum: number;
  /** Where the body starts (its first 8 bytes: the msgpack document's length). */
  start: number;
}

/** Bytes a reader must have from a file's start to read its header. */
export const HEADER_MAX = HEADER_SIZE + 256 + 8;

/**
 * Checks a snapshot's header: `head` holds the first bytes of the file (at least
 * {@linkcode HEADER_MAX}, or the whole file if shorter), `fileLength` the file's length.
 *
 * @throws SnapshotError naming the problem.
 */
export function readHeader(head: Uint8Array, fileLength: number): SnapshotHeader {
  if (!(head instanceof Uint8Array)) throw new SnapshotError("snapshot is not bytes");
  if (fileLength < HEADER_SIZE) throw new SnapshotError("snapshot truncated: no header");
  for (let i = 0; i < MAGIC.length; i++) {
    if (head[i] !== MAGIC[i]) throw new SnapshotError("not a gab snapshot (wrong magic)");
  }
  const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const version = dv.getUint32(8, true);
  const sum = dv.getUint32(12, true);
  const length = dv.getUint32(16, true) + dv.getUint32(20, true) * 2 ** 32;
  const elen = dv.getUint32(24, true);
  if (elen > 256) throw new SnapshotError("corrupt header: engine version too long");
  if (fileLength < HEADER_SIZE + elen || head.length < HEADER_SIZE + elen) {
    throw new SnapshotError("snapshot truncated: no header");
  }
  let engine: string;
  try {
    engine = new TextDecoder("utf-8", { fatal: true }).decode(
      head.subarray(HEADER_SIZE, HEADER_SIZE + elen),
    );
  } catch {
    throw new SnapshotError("corrupt header: engine version is not UTF-8");
  }
  // The first 28 bytes and the engine version keep their layout in every format, so that
  // any reader can say which gab wrote a snapshot it cannot read.
  const writer = `gab ${engine.length > 40 ? engine.slice(0, 40) + "..." : engine}`;
  if (version > FORMAT_VERSION) {
    throw new SnapshotError(
      `snapshot format version ${version} (written by ${writer}) is newer than this gab ` +
        `(${ENGINE_VERSION}) reads (format ${FORMAT_VERSION}): resume it with ${writer} or later`,
    );
  }
  if (version < 1) throw new SnapshotError(`bad snapshot format version ${version}`);
  if (version < FORMAT_VERSION) {
    throw new SnapshotError(
      `snapshot format version ${version} (written by ${writer}) ` +
        (version === 1
          ? "holds frames in the IR of the build that wrote it: only that build can resume it "
          : "is older than this gab reads: resume it with the gab that wrote it ") +
        `(this gab, ${ENGINE_VERSION}, reads format ${FORMAT_VERSION})`,
    );
  }
  const start = (HEADER_SIZE + elen + 7) & ~7;
  if (fileLength < start + length) {
    throw new SnapshotError(
      `snapshot truncated: ${fileLength} bytes, the header announces ${start + length}`,
    );
  }
  if (fileLength > start + length) {
    throw new SnapshotError(
      `trailing bytes after the snapshot body (${fileLength - start - length})`,
    );
  }
  if (length < 8) throw new SnapshotError("snapshot truncated: no body");
  return { version, engine, sum, start };
}

/**
 * The length of the msgpack document of a body whose first 8 bytes are `lead`, checked to
 * fit in `bodyLength` bytes.
 */
export function documentLength(lead: Uint8Array, bodyLength: number): number {
  const dv = new DataView(lead.buffer, lead.byteOffset, 8);
  const n = dv.getUint32(0, true) + dv.getUint32(4, true) * 2 ** 32;
  if (8 + n > bodyLength) throw new SnapshotError("corrupt body: document longer than the body");
  return n;
}

/** Decodes the msgpack document `doc`. @throws SnapshotError when it is not valid msgpack. */
export function decodeDocument(doc: Uint8Array): unknown {
  try {
    return decode(doc, { extensionCodec: codec });
  } catch (e) {
    if (e instanceof SnapshotError) throw e;
    throw new SnapshotError(`snapshot body is not valid msgpack: ${(e as Error).message}`);
  }
}

/**
 * Checks the header and the checksum, and decodes the body (not its schema).
 *
 * @throws SnapshotError naming the problem.
 */
export function readSnapshot(bytes: Uint8Array): SnapshotFile {
  const { version, engine, sum, start } = readHeader(bytes, bytes?.length ?? 0);
  if (checksum(bytes) !== sum) throw new SnapshotError("snapshot corrupt: checksum mismatch");
  const n = documentLength(bytes.subarray(start, start + 8), bytes.length - start);
  const body = decodeDocument(bytes.subarray(start + 8, start + 8 + n));
  const data = bytes.subarray(Math.min(bytes.length, (start + 8 + n + 7) & ~7));
  return { version, engine, body, data };
}
