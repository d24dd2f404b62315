/**
 * The binary module encoder (spec §5.5 "Modules"): {@linkcode encodeModule} writes a
 * {@linkcode Module} as the bytes of a `.wasm` file, such that `decodeModule` reads back an
 * equal module.
 *
 * Choices the format leaves open: sections go in the required order and are left out when
 * empty (unless a custom section must follow them); a data count section is written whenever
 * there are data segments or a body names one; a recursion group of one type is written without `rec`; element
 * segments take the most compact of the eight forms that decodes to the same segment; the
 * names go into a `name` section at the end; other custom sections go back after the section
 * they followed. Function bodies and expressions are copied as they are.
 *
 * It does not validate; it assumes what it writes fits the format (indices are u32, ...).
 *
 * @module
 */

import type { Custom, Elem, Expr, Module } from "../syntax/module.ts";
import {
  ExternKind,
  type FieldType,
  FUNCREF,
  HEAP_FUNC,
  type Limits,
  refType,
  type SubType,
  type TableType,
} from "../syntax/types.ts";
import { Op } from "../syntax/opcodes.ts";
import { CodeReader } from "./code.ts";
import { encodeNames, namesEmpty } from "./names.ts";
import { writeStorageType, writeValType } from "./types.ts";
import { ByteWriter } from "./writer.ts";

/** Known section ids in the order the format requires. */
const SECTION_ORDER = [1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11];

const REF_FUNC = refType(false, HEAP_FUNC);

/** Encodes a module as a binary (version 1). */
export function encodeModule(m: Module): Uint8Array {
  const out = new ByteWriter(1024);
  out.bytes(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]));
  const body = new ByteWriter(1024);
  const pinned = new Set(m.customs.map((c) => c.after));
  writeCustoms(out, m.customs, 0);
  for (const id of SECTION_ORDER) {
    if (id === 8 ? m.start !== null : !sectionEmpty(m, id) || pinned.has(id)) {
      body.clear();
      writeSection(body, m, id);
      out.byte(id);
      out.byteVec(body.finish());
    }
    writeCustoms(out, m.customs, id);
  }
  if (!namesEmpty(m.names)) {
    body.clear();
    body.name("name");
    body.bytes(encodeNames(m.names));
    out.byte(0);
    out.byteVec(body.finish());
  }
  return out.finish();
}

function writeCustoms(w: ByteWriter, customs: readonly Custom[], after: number): void {
  const body = new ByteWriter();
  for (const c of customs) {
    if (c.after !== after) continue;
    body.clear();
    body.name(c.name);
    body.bytes(c.bytes);
    w.byte(0);
    w.byteVec(body.finish());
  }
}

function sectionEmpty(m: Module, id: number): boolean {
  switch (id) {
    case 1:
      return m.types.length === 0;
    case 2:
      return m.imports.length === 0;
    case 3:
    case 10:
      return m.funcs.length === 0;
    case 4:
      return m.tables.length === 0;
    case 5:
      return m.memories.length === 0;
    case 13:
      return m.tags.length === 0;
    case 6:
      return m.globals.length === 0;
    case 7:
      return m.exports.length === 0;
    case 9:
      return m.elems.length === 0;
    case 11:
      return m.datas.length === 0;
    case 12:
      return m.datas.length === 0 && !mentionsDataSegments(m);
  }
  return true;
}

const DATA_OPS = new Set([
  Op["memory.init"],
  Op["data.drop"],
  Op["array.new_data"],
  Op["array.init_data"],
]);

/**
 * Whether a function body names a data segment, which the binary format allows only after a
 * data count section (even when there are no segments and the module is invalid).
 */
function mentionsDataSegments(m: Module): boolean {
  for (const func of m.funcs) {
    const reader = new CodeReader(func.body);
    while (!reader.done) if (DATA_OPS.has(reader.next())) return true;
  }
  return false;
}

function writeSection(w: ByteWriter, m: Module, id: number): void {
  switch (id) {
    case 1:
      writeTypes(w, m);
      return;
    case 2:
      w.u32(m.imports.length);
      for (const imp of m.imports) {
        w.name(imp.module);
        w.name(imp.name);
        const d = imp.desc;
        w.byte(d.kind);
        switch (d.kind) {
          case ExternKind.Func:
            w.u32(d.type);
            break;
          case ExternKind.Table:
            writeTableType(w, d.table);
            break;
          case ExternKind.Memory:
            writeLimits(w, d.memory.limits, d.memory.is64, d.memory.shared);
            break;
          case ExternKind.Global:
            writeValType(w, d.global.type);
            w.byte(d.global.mutable ? 1 : 0);
            break;
          case ExternKind.Tag:
            w.byte(0);
            w.u32(d.type);
            break;
        }
      }
      return;
    case 3:
      w.u32(m.funcs.length);
      for (const f of m.funcs) w.u32(f.type);
      return;
    case 4:
      w.u32(m.tables.length);
      for (const t of m.tables) {
        if (t.init === null) writeTableType(w, t.type);
        else {
          w.byte(0x40);
          w.byte(0x00);
          writeTableType(w, t.type);
          w.bytes(t.init);
        }
      }
      return;
    case 5:
      w.u32(m.memories.length);
      for (const mem of m.memories) writeLimits(w, mem.type.limits, mem.type.is64, mem.type.shared);
      return;
    case 13:
      w.u32(m.tags.length);
      for (const t of m.tags) {
        w.byte(0);
        w.u32(t.type);
      }
      return;
    case 6:
      w.u32(m.globals.length);
      for (const g of m.globals) {
        writeValType(w, g.type.type);
        w.byte(g.type.mutable ? 1 : 0);
        w.bytes(g.init);
      }
      return;
    case 7:
      w.u32(m.exports.length);
      for (const e of m.exports) {
        w.name(e.name);
        w.byte(e.kind);
        w.u32(e.index);
      }
      return;
    case 8:
      w.u32(m.start ?? 0);
      return;
    case 9:
      w.u32(m.elems.length);
      for (const e of m.elems) writeElem(w, e);
      return;
    case 12:
      w.u32(m.datas.length);
      return;
    case 10: {
      w.u32(m.funcs.length);
      const f = new ByteWriter();
      for (const func of m.funcs) {
        f.clear();
        f.u32(func.locals.length);
        for (const run of func.locals) {
          f.u32(run.count);
          writeValType(f, run.type);
        }
        w.u32(f.length + func.body.length);
        w.bytes(f.finish());
        w.bytes(func.body);
      }
      return;
    }
    case 11:
      w.u32(m.datas.length);
      for (const d of m.datas) {
        if (d.mode === "passive") w.byte(1);
        else if (d.memory === 0) {
          w.byte(0);
          w.bytes(d.offset!);
        } else {
          w.byte(2);
          w.u32(d.memory);
          w.bytes(d.offset!);
        }
        w.byteVec(d.bytes);
      }
      return;
  }
}

function writeTypes(w: ByteWriter, m: Module): void {
  w.u32(m.recGroups.length);
  let next = 0;
  for (const size of m.recGroups) {
    if (size !== 1) {
      w.byte(0x4e);
      w.u32(size);
    }
    for (let i = 0; i < size; i++) writeSubType(w, m.types[next++]);
  }
}

function writeSubType(w: ByteWriter, t: SubType): void {
  if (!t.final || t.supers.length > 0) {
    w.byte(t.final ? 0x4f : 0x50);
    w.u32(t.supers.length);
    for (const s of t.supers) w.u32(s);
  }
  const c = t.comp;
  switch (c.kind) {
    case "func":
      w.byte(0x60);
      w.u32(c.params.length);
      for (const p of c.params) writeValType(w, p);
      w.u32(c.results.length);
      for (const r of c.results) writeValType(w, r);
      return;
    case "struct":
      w.byte(0x5f);
      w.u32(c.fields.length);
      for (const f of c.fields) writeFieldType(w, f);
      return;
    case "array":
      w.byte(0x5e);
      writeFieldType(w, c.field);
      return;
  }
}

function writeFieldType(w: ByteWriter, f: FieldType): void {
  writeStorageType(w, f.type);
  w.byte(f.mutable ? 1 : 0);
}

function writeLimits(w: ByteWriter, limits: Limits, is64: boolean, shared: boolean): void {
  w.byte((limits.max !== null ? 1 : 0) | (shared ? 2 : 0) | (is64 ? 4 : 0));
  w.u64(limits.min);
  if (limits.max !== null) w.u64(limits.max);
}

function writeTableType(w: ByteWriter, t: TableType): void {
  writeValType(w, t.elem);
  writeLimits(w, t.limits, t.is64, false);
}

/**
 * The function index of an expression that is exactly `ref.func x end` with `x` in its
 * shortest LEB128 form (what the function-index forms of an element segment decode to), or -1.
 */
function refFuncIndex(e: Expr): number {
  if (e.length < 3 || e.length > 7 || e[0] !== 0xd2 || e[e.length - 1] !== 0x0b) return -1;
  let x = 0;
  let scale = 1;
  for (let i = 1; i < e.length - 1; i++) {
    const b = e[i];
    const last = i === e.length - 2;
    if (last !== (b < 0x80)) return -1;
    x += (b & 0x7f) * scale;
    scale *= 0x80;
  }
  if (x > 0xffffffff) return -1;
  // shortest form: a last byte of 0 is padding unless it is the only one
  if (e.length > 3 && e[e.length - 2] === 0) return -1;
  return x;
}

function writeElem(w: ByteWriter, e: Elem): void {
  let indices: number[] | null = null;
  if (e.type === REF_FUNC) {
    indices = [];
    for (const init of e.init) {
      const x = refFuncIndex(init);
      if (x < 0) {
        indices = null;
        break;
      }
      indices.push(x);
    }
  }
  if (indices !== null) {
    if (e.mode === "active" && e.table === 0) {
      w.byte(0);
      w.bytes(e.offset!);
    } else if (e.mode === "active") {
      w.byte(2);
      w.u32(e.table);
      w.bytes(e.offset!);
      w.byte(0x00);
    } else {
      w.byte(e.mode === "passive" ? 1 : 3);
      w.byte(0x00);
    }
    w.u32(indices.length);
    for (const x of indices) w.u32(x);
    return;
  }
  if (e.mode === "active" && e.table === 0 && e.type === FUNCREF) {
    w.byte(4);
    w.bytes(e.offset!);
  } else if (e.mode === "active") {
    w.byte(6);
    w.u32(e.table);
    w.bytes(e.offset!);
    writeValType(w, e.type);
  } else {
    w.byte(e.mode === "passive" ? 5 : 7);
    writeValType(w, e.type);
  }
  w.u32(e.init.length);
  for (const init of e.init) w.bytes(init);
}
