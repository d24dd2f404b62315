/**
 * The snapshot file format: a fixed binary header, then one msgpack document (the body).
 *
 * Header (little-endian, {@linkcode HEADER_SIZE} bytes plus the engine version):
 * - 0: magic `GABSNAP` and a 0 byte ({@linkcode MAGIC});
 * - 8: u32 format version ({@linkcode FORMAT_VERSION}); a reader refuses newer versions;
 * - 12: u32 checksum of everything else, header and body ({@linkcode checksum}: any change
 *   of one aligned 32-bit word is always detected, other changes with probability 1 - 2^-32);
 * - 16: u64 (two u32, low first) body length in bytes;
 * - 24: u32 length E of the engine version, then E bytes of UTF-8 (`deno.json`'s `version`),
 *   zero-padded so that the body starts at a multiple of 8.
 *
 * Body, format version 1: a msgpack map (keys sorted, so equal states give equal bytes; no
 * floats anywhere outside `host`; bigints as extension type 0 with their decimal text; typed
 * arrays as `bin` of their little-endian bytes). `i32s` below means a bin of Int32 words.
 * - `modules`: bin[] — each distinct module's binary (re-decoded and re-validated on restore,
 *   in this order, which is the order of first instantiation);
 * - `types`: typedesc[] — every canonical type the state names, by local id (see below);
 * - `objects`: store.objects, each `[0, instance, funcIndex]` (a wasm function: its type is
 *   its module's), `[1, type, module, name]` (a host function, bound again by name),
 *   `[2, value]` (an externref's host value: nil, bool, string, bigint, or `[f64 bits]`),
 *   `[3, tagAddr, slots bin]` (an exception);
 * - `tables`: `{type: tabletype, size, elems: i32s}`; `memories`: `{type: memtype, pages,
 *   generation, bytes: bin}`; `globals`: `{type: valtype, mutable, slot}`; `globalSlots`:
 *   `{capacity, count, bytes: bin}`; `tags`: type ids;
 * - `instances`: `{module, funcs, tables, memories, globals, tags: i32s, elems: (i32s|nil)[],
 *   datas: bool[] (dropped)}` — exports are recomputed from the module;
 * - `machine`: `{funcAddr, pc, fp, depth, frames: i32s, fuel: int|nil (nil: Infinity),
 *   maxDepth, status, stack: bin, hostCallee, hostAt, hostTail}` — `stack` holds the value
 *   stack up to the top of the current frame; `hostCallee` (-1: none), `hostAt`, `hostTail`
 *   describe a pending suspending host call (src/exec/machine.ts);
 * - `execution`: nil or `{func, at, state}`;
 * - `host`: any plain data the embedder adds (e.g. `{wasi: WasiState}`).
 *
 * Canonical type ids are process-local, so the body never holds one: a `typedesc` is
 * `[0, instance, typeIndex]` (a type its module defines; instances are restored first) or
 * `[1, params, results]` (a host function type with no type indices, re-interned with
 * `canonFuncType`). A `valtype` is its number when it names no type index, otherwise
 * `[nullable, typeId]` (a local type id). Compiled IR is not stored: frames hold
 * `(funcAddr, pc)` and lowering is deterministic.
 *
 * @module
 */

import { decode, encode, ExtensionCodec } from "@msgpack/msgpack";
import { SnapshotError } from "../errors.ts";
import denoJson from "../../deno.json" with { type: "json" };

/** The magic bytes that open every snapshot. */
export const MAGIC: Uint8Array = new TextEncoder().encode("GABSNAP\0");
/** The format version this engine writes (and the newest it reads). */
export const FORMAT_VERSION = 1;
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
  let h = 0x811c9dc5;
  h = chain(h, bytes.subarray(0, 12));
  h = chain(h, bytes.subarray(16));
  h = Math.imul(h ^ bytes.length, 0x85ebca6b);
  return (h ^ (h >>> 16)) >>> 0;
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

/** Encodes a body document and wraps it in the header. */
export function writeSnapshot(body: unknown): Uint8Array {
  const doc = encode(body, { sortKeys: true, extensionCodec: codec, initialBufferSize: 1 << 16 });
  const engine = new TextEncoder().encode(ENGINE_VERSION);
  const start = (HEADER_SIZE + engine.length + 7) & ~7;
  const out = new Uint8Array(start + doc.length);
  const dv = new DataView(out.buffer);
  out.set(MAGIC, 0);
  dv.setUint32(8, FORMAT_VERSION, true);
  dv.setUint32(16, doc.length >>> 0, true);
  dv.setUint32(20, Math.floor(doc.length / 2 ** 32), true);
  dv.setUint32(24, engine.length, true);
  out.set(engine, HEADER_SIZE);
  out.set(doc, start);
  dv.setUint32(12, checksum(out), true);
  return out;
}

/** What {@linkcode readSnapshot} finds. */
export interface SnapshotFile {
  version: number;
  engine: string;
  body: unknown;
}

/**
 * Checks the header and the checksum, and decodes the body (not its schema).
 *
 * @throws SnapshotError naming the problem.
 */
export function readSnapshot(bytes: Uint8Array): SnapshotFile {
  if (!(bytes instanceof Uint8Array)) throw new SnapshotError("snapshot is not bytes");
  if (bytes.length < HEADER_SIZE) throw new SnapshotError("snapshot truncated: no header");
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) throw new SnapshotError("not a gab snapshot (wrong magic)");
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = dv.getUint32(8, true);
  if (version > FORMAT_VERSION) {
    throw new SnapshotError(
      `snapshot format version ${version} is newer than this engine reads (${FORMAT_VERSION})`,
    );
  }
  if (version < 1) throw new SnapshotError(`bad snapshot format version ${version}`);
  const sum = dv.getUint32(12, true);
  const length = dv.getUint32(16, true) + dv.getUint32(20, true) * 2 ** 32;
  const elen = dv.getUint32(24, true);
  if (elen > 256) throw new SnapshotError("corrupt header: engine version too long");
  const start = (HEADER_SIZE + elen + 7) & ~7;
  if (bytes.length < start + length) {
    throw new SnapshotError(
      `snapshot truncated: ${bytes.length} bytes, the header announces ${start + length}`,
    );
  }
  if (bytes.length > start + length) {
    throw new SnapshotError(
      `trailing bytes after the snapshot body (${bytes.length - start - length})`,
    );
  }
  let engine: string;
  try {
    engine = new TextDecoder("utf-8", { fatal: true }).decode(
      bytes.subarray(HEADER_SIZE, HEADER_SIZE + elen),
    );
  } catch {
    throw new SnapshotError("corrupt header: engine version is not UTF-8");
  }
  const doc = bytes.subarray(start, start + length);
  if (checksum(bytes) !== sum) throw new SnapshotError("snapshot corrupt: checksum mismatch");
  let body: unknown;
  try {
    body = decode(doc, { extensionCodec: codec });
  } catch (e) {
    if (e instanceof SnapshotError) throw e;
    throw new SnapshotError(`snapshot body is not valid msgpack: ${(e as Error).message}`);
  }
  return { version, engine, body };
}
