/**
 * The binary module decoder (spec §5.5 "Modules"): {@linkcode decodeModule} turns the bytes of
 * a `.wasm` file into a {@linkcode Module}, or throws a {@linkcode DecodeError} whose message is
 * the spec testsuite's.
 *
 * Like the reference decoder, it reads each section's contents without stopping at the
 * section's declared end and then checks that it ended there ("section size mismatch"), so
 * that malformed modules give the messages the testsuite expects. Every function body and
 * constant expression is read through a {@linkcode CodeReader}, which checks that it is well
 * formed; the module then keeps its bytes as they are.
 *
 * The module keeps views into `bytes` (bodies, expressions, data, custom sections): the caller
 * must not change `bytes` afterwards. Nothing here validates (indices, types: see `src/valid`).
 *
 * @module
 */

import { DecodeError } from "../errors.ts";
import type {
  Custom,
  Data,
  Elem,
  Export,
  Expr,
  Func,
  Global,
  Import,
  LocalRun,
  Module,
  Table,
  Tag,
} from "../syntax/module.ts";
import { emptyModule } from "../syntax/module.ts";
import { Op } from "../syntax/opcodes.ts";
import {
  type CompType,
  ExternKind,
  type ExternType,
  type FieldType,
  FUNCREF,
  type GlobalType,
  HEAP_FUNC,
  type Limits,
  type MemType,
  refType,
  type SubType,
  type TableType,
  type ValType,
} from "../syntax/types.ts";
import { CodeReader } from "./code.ts";
import { decodeNames } from "./names.ts";
import { ByteReader } from "./reader.ts";
import { readRefType, readStorageType, readValType } from "./types.ts";
import { ByteWriter } from "./writer.ts";

/** `\0asm` read as a little-endian u32. */
const MAGIC = 0x6d736100;
/** The binary format version this decoder reads. */
const VERSION = 1;

/** The position of each known section id (1..13) in the required order; custom (0) has none. */
const RANK = [0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 12, 13, 11, 6];

const REF_FUNC = refType(false, HEAP_FUNC);

/** Decodes a module (spec §5.5), or throws {@linkcode DecodeError}. */
export function decodeModule(bytes: Uint8Array): Module {
  return new Decoder(bytes).module();
}

/** The decoder's state: a reader over the whole module and what has been read so far. */
class Decoder {
  private readonly bytes: Uint8Array;
  private readonly r: ByteReader;
  private readonly code: CodeReader;
  private readonly m: Module = emptyModule();
  private funcTypes: number[] = [];
  private dataCount = -1;
  private usesDataCount = false;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.r = new ByteReader(bytes);
    this.code = new CodeReader(bytes);
  }

  private fail(message: string, pos: number): never {
    throw new DecodeError(message, pos);
  }

  module(): Module {
    const r = this.r;
    const m = this.m;
    const len = this.bytes.length;
    if (len < 4) r.eof();
    if (this.word32() !== MAGIC) this.fail("magic header not detected", 0);
    if (len < 8) r.eof();
    if (this.word32() !== VERSION) this.fail("unknown binary version", 4);
    let lastRank = 0;
    let lastId = 0;
    let nameSections = 0;
    const customs: Custom[] = [];
    while (!r.eos) {
      const idPos = r.at;
      const id = r.byte();
      if (id > 13) this.fail("malformed section id", idPos);
      if (id !== 0) {
        if (RANK[id] <= lastRank) this.fail("unexpected content after last section", len);
        lastRank = RANK[id];
        lastId = id;
      }
      const size = r.len32();
      const start = r.at;
      if (id === 0) {
        const name = r.name();
        const n = size - (r.at - start);
        if (n < 0) r.eof();
        customs.push({ name, bytes: r.bytesView(n), after: lastId });
        if (name === "name") nameSections++;
      } else {
        this.section(id);
      }
      if (r.at !== start + size) this.fail("section size mismatch", start);
    }
    if (this.funcTypes.length !== m.funcs.length) {
      this.fail("function and code section have inconsistent lengths", len);
    }
    if (this.dataCount >= 0 && this.dataCount !== m.datas.length) {
      this.fail("data count and data section have inconsistent lengths", len);
    }
    if (this.dataCount < 0 && this.usesDataCount) this.fail("data count section required", len);
    for (let i = 0; i < m.funcs.length; i++) m.funcs[i].type = this.funcTypes[i];
    for (const c of customs) {
      if (c.name === "name" && nameSections === 1) {
        const names = decodeNames(c.bytes);
        if (names !== null) {
          m.names = names;
          continue;
        }
      }
      m.customs.push(c);
    }
    return m;
  }

  private word32(): number {
    const b = this.bytes;
    const p = this.r.at;
    this.r.at += 4;
    return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
  }

  private section(id: number): void {
    const r = this.r;
    const m = this.m;
    switch (id) {
      case 1:
        this.typeSection();
        return;
      case 2:
        for (let n = r.len32(); n > 0; n--) m.imports.push(this.import());
        return;
      case 3:
        for (let n = r.len32(); n > 0; n--) this.funcTypes.push(r.u32());
        return;
      case 4:
        for (let n = r.len32(); n > 0; n--) m.tables.push(this.table());
        return;
      case 5:
        for (let n = r.len32(); n > 0; n--) m.memories.push({ type: this.memType() });
        return;
      case 13:
        for (let n = r.len32(); n > 0; n--) m.tags.push(this.tag());
        return;
      case 6:
        for (let n = r.len32(); n > 0; n--) m.globals.push(this.global());
        return;
      case 7:
        for (let n = r.len32(); n > 0; n--) m.exports.push(this.export());
        return;
      case 8:
        m.start = r.u32();
        return;
      case 9:
        for (let n = r.len32(); n > 0; n--) m.elems.push(this.elem());
        return;
      case 12:
        this.dataCount = r.u32();
        return;
      case 10:
        for (let n = r.len32(); n > 0; n--) m.funcs.push(this.func());
        return;
      case 11:
        for (let n = r.len32(); n > 0; n--) m.datas.push(this.data());
        return;
    }
  }

  // Types

  private typeSection(): void {
    const r = this.r;
    const m = this.m;
    for (let n = r.len32(); n > 0; n--) {
      if (r.peek() === 0x4e) {
        r.at++;
        const size = r.len32();
        for (let i = 0; i < size; i++) m.types.push(this.subType());
        m.recGroups.push(size);
      } else {
        m.types.push(this.subType());
        m.recGroups.push(1);
      }
    }
  }

  private typeIndex(): number {
    const pos = this.r.at;
    const x = this.r.u32();
    if (x > 0x7fffffff) this.fail("malformed type index", pos);
    return x;
  }

  private subType(): SubType {
    const r = this.r;
    const b = r.peek();
    if (b === 0x50 || b === 0x4f) {
      r.at++;
      const supers: number[] = [];
      for (let n = r.len32(); n > 0; n--) supers.push(this.typeIndex());
      return { final: b === 0x4f, supers, comp: this.compType() };
    }
    return { final: true, supers: [], comp: this.compType() };
  }

  private compType(): CompType {
    const r = this.r;
    const pos = r.at;
    const b = r.byte();
    switch (b) {
      case 0x60: {
        const params = this.resultType();
        return { kind: "func", params, results: this.resultType() };
      }
      case 0x5f: {
        const fields: FieldType[] = [];
        for (let n = r.len32(); n > 0; n--) fields.push(this.fieldType());
        return { kind: "struct", fields };
      }
      case 0x5e:
        return { kind: "array", field: this.fieldType() };
    }
    if (b >= 0x80) return r.fail("integer representation too long", pos + 1);
    return r.fail("malformed definition type", pos);
  }

  private resultType(): ValType[] {
    const r = this.r;
    const n = r.len32();
    const types: ValType[] = new Array(n);
    for (let i = 0; i < n; i++) types[i] = readValType(r);
    return types;
  }

  private fieldType(): FieldType {
    const type = readStorageType(this.r);
    return { type, mutable: this.mutability() };
  }

  private mutability(): boolean {
    const b = this.r.byte();
    if (b > 1) this.fail("malformed mutability", this.r.at - 1);
    return b === 1;
  }

  private limits(shareable: boolean): { limits: Limits; is64: boolean; shared: boolean } {
    const r = this.r;
    const flags = r.byte();
    if ((flags & (shareable ? 0xf8 : 0xfa)) !== 0) this.fail("malformed limits flags", r.at - 1);
    const min = r.u64();
    const max = (flags & 1) !== 0 ? r.u64() : null;
    return { limits: { min, max }, is64: (flags & 4) !== 0, shared: (flags & 2) !== 0 };
  }

  private tableType(): TableType {
    const elem = readRefType(this.r);
    const { limits, is64 } = this.limits(false);
    return { is64, limits, elem };
  }

  private memType(): MemType {
    const { limits, is64, shared } = this.limits(true);
    return { is64, limits, shared };
  }

  private globalType(): GlobalType {
    const type = readValType(this.r);
    return { type, mutable: this.mutability() };
  }

  private tagType(): number {
    const r = this.r;
    if (r.byte() !== 0) this.fail("zero byte expected", r.at - 1);
    return this.typeIndex();
  }

  // Imports, definitions, exports

  private import(): Import {
    const r = this.r;
    const module = r.name();
    const name = r.name();
    const kind = r.byte();
    let desc: ExternType;
    switch (kind) {
      case ExternKind.Func:
        desc = { kind, type: this.typeIndex() };
        break;
      case ExternKind.Table:
        desc = { kind, table: this.tableType() };
        break;
      case ExternKind.Memory:
        desc = { kind, memory: this.memType() };
        break;
      case ExternKind.Global:
        desc = { kind, global: this.globalType() };
        break;
      case ExternKind.Tag:
        desc = { kind, type: this.tagType() };
        break;
      default:
        return this.fail("malformed import kind", r.at - 1);
    }
    return { module, name, desc };
  }

  private table(): Table {
    const r = this.r;
    if (r.peek() !== 0x40) return { type: this.tableType(), init: null };
    const pos = r.at;
    r.at++;
    if (r.byte() !== 0x00) this.fail("malformed reference type", pos);
    const type = this.tableType();
    return { type, init: this.constExpr() };
  }

  private tag(): Tag {
    return { type: this.tagType() };
  }

  private global(): Global {
    const type = this.globalType();
    return { type, init: this.constExpr() };
  }

  private export(): Export {
    const r = this.r;
    const name = r.name();
    const kind = r.byte();
    if (kind > 4) this.fail("malformed export kind", r.at - 1);
    return { name, kind, index: r.u32() };
  }

  // Code

  /** Reads a constant expression (up to its `end`) and returns its bytes. */
  private constExpr(): Expr {
    const r = this.r;
    const code = this.code;
    const start = r.at;
    code.reset(start, this.bytes.length);
    while (!code.done) code.next();
    r.at = code.end;
    return this.bytes.subarray(start, r.at);
  }

  private func(): Func {
    const r = this.r;
    const size = r.len32();
    const start = r.at;
    const localsPos = r.at;
    const locals: LocalRun[] = [];
    let total = 0;
    for (let n = r.len32(); n > 0; n--) {
      const count = r.u32();
      total += count;
      locals.push({ count, type: readValType(r) });
    }
    if (total > 0xffffffff) this.fail("too many locals", localsPos);
    const bodyStart = r.at;
    const code = this.code;
    code.reset(bodyStart, this.bytes.length);
    let usesData = false;
    while (!code.done) {
      const op = code.next();
      if (
        op === Op["memory.init"] || op === Op["data.drop"] || op === Op["array.new_data"] ||
        op === Op["array.init_data"]
      ) usesData = true;
    }
    if (usesData) this.usesDataCount = true;
    r.at = code.end;
    if (r.at !== start + size) this.fail("section size mismatch", start);
    return { type: -1, locals, body: this.bytes.subarray(bodyStart, r.at), offset: bodyStart };
  }

  // Segments

  private elemKind(): ValType {
    const r = this.r;
    if (r.byte() !== 0x00) this.fail("malformed element kind", r.at - 1);
    return REF_FUNC;
  }

  /** Reads a vector of function indices as `ref.func x end` expressions. */
  private funcIndices(): Expr[] {
    const r = this.r;
    const n = r.len32();
    const w = new ByteWriter(n * 4);
    const ends = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      w.byte(0xd2);
      w.u32(r.u32());
      w.byte(0x0b);
      ends[i] = w.length;
    }
    const all = w.finish();
    const exprs: Expr[] = new Array(n);
    for (let i = 0; i < n; i++) exprs[i] = all.subarray(i === 0 ? 0 : ends[i - 1], ends[i]);
    return exprs;
  }

  private exprs(): Expr[] {
    const n = this.r.len32();
    const exprs: Expr[] = new Array(n);
    for (let i = 0; i < n; i++) exprs[i] = this.constExpr();
    return exprs;
  }

  private elem(): Elem {
    const r = this.r;
    const flags = r.u32();
    switch (flags) {
      case 0: {
        const offset = this.constExpr();
        return { mode: "active", table: 0, offset, type: REF_FUNC, init: this.funcIndices() };
      }
      case 1: {
        const type = this.elemKind();
        return { mode: "passive", table: 0, offset: null, type, init: this.funcIndices() };
      }
      case 2: {
        const table = r.u32();
        const offset = this.constExpr();
        const type = this.elemKind();
        return { mode: "active", table, offset, type, init: this.funcIndices() };
      }
      case 3: {
        const type = this.elemKind();
        return { mode: "declarative", table: 0, offset: null, type, init: this.funcIndices() };
      }
      case 4: {
        const offset = this.constExpr();
        return { mode: "active", table: 0, offset, type: FUNCREF, init: this.exprs() };
      }
      case 5: {
        const type = readRefType(r);
        return { mode: "passive", table: 0, offset: null, type, init: this.exprs() };
      }
      case 6: {
        const table = r.u32();
        const offset = this.constExpr();
        const type = readRefType(r);
        return { mode: "active", table, offset, type, init: this.exprs() };
      }
      case 7: {
        const type = readRefType(r);
        return { mode: "declarative", table: 0, offset: null, type, init: this.exprs() };
      }
    }
    return this.fail("malformed elements segment kind", r.at - 1);
  }

  private data(): Data {
    const r = this.r;
    const flags = r.u32();
    switch (flags) {
      case 0: {
        const offset = this.constExpr();
        return { mode: "active", memory: 0, offset, bytes: r.byteVec() };
      }
      case 1:
        return { mode: "passive", memory: 0, offset: null, bytes: r.byteVec() };
      case 2: {
        const memory = r.u32();
        const offset = this.constExpr();
        return { mode: "active", memory, offset, bytes: r.byteVec() };
      }
    }
    return this.fail("malformed data segment kind", r.at - 1);
  }
}
