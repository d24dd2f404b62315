/**
 * The `name` custom section (spec appendix "Name section", with the extended-name-section
 * subsections): decoding its bytes into {@linkcode Names} and encoding them back.
 *
 * Subsection ids: 0 module, 1 functions, 2 locals, 3 labels, 4 types, 5 tables, 6 memories,
 * 7 globals, 8 element segments, 9 data segments, 10 fields, 11 tags. A section that is not
 * exactly well formed (unknown or repeated or unordered subsections, indices not strictly
 * increasing, bad UTF-8, wrong sizes) is not decoded: {@linkcode decodeNames} returns null and
 * the caller keeps it as a raw custom section, so that no bytes are lost.
 *
 * @module
 */

import { emptyNames, type IndirectNameMap, type NameMap, type Names } from "../syntax/module.ts";
import { ByteReader } from "./reader.ts";
import { ByteWriter } from "./writer.ts";

type MapKey = Exclude<keyof Names, "module">;

/** The subsection id of each map of {@linkcode Names}, and whether it is indirect. */
const SUBSECTIONS: readonly [number, MapKey, boolean][] = [
  [1, "funcs", false],
  [2, "locals", true],
  [3, "labels", true],
  [4, "types", false],
  [5, "tables", false],
  [6, "memories", false],
  [7, "globals", false],
  [8, "elems", false],
  [9, "datas", false],
  [10, "fields", true],
  [11, "tags", false],
];

function readNameMap(r: ByteReader): NameMap | null {
  const map: NameMap = new Map();
  const n = r.len32();
  let last = -1;
  for (let i = 0; i < n; i++) {
    const index = r.u32();
    if (index <= last) return null;
    last = index;
    map.set(index, r.name());
  }
  return map;
}

function readIndirectNameMap(r: ByteReader): IndirectNameMap | null {
  const map: IndirectNameMap = new Map();
  const n = r.len32();
  let last = -1;
  for (let i = 0; i < n; i++) {
    const index = r.u32();
    if (index <= last) return null;
    last = index;
    const inner = readNameMap(r);
    if (inner === null) return null;
    map.set(index, inner);
  }
  return map;
}

/**
 * Decodes the contents of a `name` section (the bytes after its name), or returns null if
 * they are not exactly well formed.
 */
export function decodeNames(bytes: Uint8Array): Names | null {
  const names = emptyNames();
  const r = new ByteReader(bytes);
  let lastId = -1;
  try {
    while (!r.eos) {
      const id = r.byte();
      if (id <= lastId || id > 11) return null;
      lastId = id;
      const size = r.len32();
      const end = r.at + size;
      const saved = r.end;
      r.end = end;
      if (id === 0) names.module = r.name();
      else {
        const [, key, indirect] = SUBSECTIONS[id - 1];
        const map = indirect ? readIndirectNameMap(r) : readNameMap(r);
        if (map === null) return null;
        (names as unknown as Record<MapKey, unknown>)[key] = map;
      }
      if (r.at !== end) return null;
      r.end = saved;
    }
  } catch {
    return null;
  }
  return names;
}

/** Whether `names` holds no name at all. */
export function namesEmpty(names: Names): boolean {
  if (names.module !== null) return false;
  for (const [, key] of SUBSECTIONS) if (names[key].size > 0) return false;
  return true;
}

function sortedKeys<V>(map: Map<number, V>): number[] {
  return [...map.keys()].sort((a, b) => a - b);
}

function writeNameMap(w: ByteWriter, map: NameMap): void {
  w.u32(map.size);
  for (const k of sortedKeys(map)) {
    w.u32(k);
    w.name(map.get(k)!);
  }
}

/**
 * Encodes the contents of a `name` section (without its name) with only the non-empty
 * subsections, indices in increasing order.
 */
export function encodeNames(names: Names): Uint8Array {
  const w = new ByteWriter();
  const sub = new ByteWriter();
  const flush = (id: number) => {
    const bytes = sub.finish();
    sub.clear();
    w.byte(id);
    w.byteVec(bytes);
  };
  if (names.module !== null) {
    sub.name(names.module);
    flush(0);
  }
  for (const [id, key, indirect] of SUBSECTIONS) {
    const map = names[key];
    if (map.size === 0) continue;
    if (indirect) {
      const outer = map as IndirectNameMap;
      sub.u32(outer.size);
      for (const k of sortedKeys(outer)) {
        sub.u32(k);
        writeNameMap(sub, outer.get(k)!);
      }
    } else {
      writeNameMap(sub, map as NameMap);
    }
    flush(id);
  }
  return w.finish();
}
