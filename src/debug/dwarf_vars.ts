/**
 * C variables for the debugger, part 3: the values of a stopped frame's C variables, read
 * through the DWARF of src/debug/dwarf_info.ts and the expressions of src/debug/dwarf_expr.ts
 * from the machine at the recording's current tick (linear memory, the frame's wasm locals and
 * operand stack, the instance's globals, all through src/debug/inspect.ts).
 *
 * {@linkcode cVariables} lists a frame's variables in scope (for `info locals` and the DAP's
 * "C locals" scope), {@linkcode cGlobals} its unit's globals, and {@linkcode cEvaluate} reads
 * a C lvalue expression: a name, then `.member`, `->member`, `[index]`, with prefix `*` and `&`.
 * Values print as gdb prints them: `{x = 10, y = 20, tag = 112 'p', weight = 2.25}`,
 * `{3, 1, 4, 1}`, `0x10ff0` for pointers, `1.5` for a float (its shortest decimal).
 *
 * Not here: C expressions with operators or casts, bit-field members wider than 32 bits,
 * variables of inlined subroutines.
 *
 * @module
 */

import type { Machine } from "../exec/machine.ts";
import type { FrameInfo } from "./inspect.ts";
import { globals, locals, operandStack } from "./inspect.ts";
import { AT, type DebugInfo, type Die, indexedAddress, type ScopeVar, TAG } from "./dwarf_info.ts";
import { bytesToBig, evalLocation, type ExprContext, type Location } from "./dwarf_expr.ts";
import { DwarfError } from "./dwarf_reader.ts";

/** A C variable's value, ready to show. */
export interface CValue {
  /** Its name (a member's or element's for children: `x`, `[2]`). */
  name: string;
  /** Its C type as llvm-dwarfdump names it (`int`, `const point *`, `int[4]`). */
  type: string;
  /** Its value as gdb prints it (`<optimized out>` where DWARF gives no location). */
  value: string;
  /** Its linear-memory address when it lives in memory. */
  address?: number;
  /** Its size in bytes, where the type gives one. */
  size?: number;
  /** A struct's members or an array's elements (absent for scalars). */
  children?: CValue[];
}

/** A place a C value lives, and its type. */
interface Place {
  type: Die | null;
  loc: Location;
}

const ATE = { boolean: 2, float: 4, signed: 5, signedChar: 6, unsigned: 7, unsignedChar: 8 };
/** The most elements of an array read (the rest shown as `...`). */
const MAX_ELEMENTS = 200;

/** Everything reading a frame's values needs. */
class Reader {
  constructor(
    readonly info: DebugInfo,
    readonly m: Machine,
    readonly frame: FrameInfo | null,
    readonly func: Die | null,
    readonly pc: number,
  ) {}

  private wasmLocals: bigint[] | null = null;

  /** The expression context of the frame. */
  context(unit: Die["unit"]): ExprContext {
    const ctx: ExprContext = {
      addressSize: unit.addressSize,
      wasm: (space, index) => this.wasm(space, index),
      memory: (address, size) => this.memory(address, size),
      addrx: (i) => indexedAddress(this.info.sections, unit, i),
    };
    const func = this.func;
    if (func !== null) {
      ctx.frameBase = () => {
        const expr = this.info.frameBase(func, this.pc);
        if (expr === null) throw new DwarfError("no frame base");
        const loc = evalLocation(expr, { ...ctx, frameBase: undefined });
        if (loc.kind === "value") return loc.value;
        if (loc.kind === "wasm") return this.wasm(loc.space, loc.index);
        if (loc.kind === "memory") return BigInt(loc.address);
        throw new DwarfError("unsupported frame base");
      };
    }
    return ctx;
  }

  /** The raw bits of a wasm local, global or operand of the frame. */
  wasm(space: number, index: number): bigint {
    // i32 values signed (so DWARF arithmetic on them is right in 64 bits), floats as bits.
    const bits = (v: number | bigint | Uint8Array): bigint =>
      v instanceof Uint8Array ? bytesToBig(v) : BigInt(v);
    if (space === 1 || space === 3) {
      const g = globals(this.m, this.frame?.instance ?? 0)[index];
      if (g === undefined) throw new DwarfError(`no wasm global ${index}`);
      return bits(g.value);
    }
    if (this.frame === null) throw new DwarfError("no frame");
    if (space === 0) {
      this.wasmLocals ??= locals(this.m, this.frame).map((l) => bits(l.value));
      const v = this.wasmLocals[index];
      if (v === undefined) throw new DwarfError(`no wasm local ${index}`);
      return v;
    }
    if (space === 2) {
      const ops = operandStack(this.m, this.frame);
      const v = ops?.[index];
      if (v === undefined) throw new DwarfError(`no operand-stack entry ${index}`);
      return bits(v.value);
    }
    throw new DwarfError(`unknown DW_OP_WASM_location kind ${space}`);
  }

  /** `size` bytes of linear memory at `address`, or null out of bounds. */
  memory(address: number, size: number): Uint8Array | null {
    const mem = this.m.store.memories[this.frame === null ? 0 : this.memoryAddr()];
    if (mem === undefined || address < 0 || address + size > mem.buffer.byteLength) return null;
    return new Uint8Array(mem.buffer, address, size).slice();
  }

  private memoryAddr(): number {
    const inst = this.m.store.instances[this.frame!.instance];
    return inst.memories[0] ?? 0;
  }

  /** The bytes of `size` at `loc` (null: not available). */
  bytes(loc: Location, size: number): Uint8Array | null {
    switch (loc.kind) {
      case "memory":
        return this.memory(loc.address, size);
      case "value":
      case "wasm": {
        let v = loc.kind === "value" ? loc.value : this.wasm(loc.space, loc.index);
        const out = new Uint8Array(size);
        v = BigInt.asUintN(64, v);
        for (let i = 0; i < size && i < 8; i++) {
          out[i] = Number(v & 0xffn);
          v >>= 8n;
        }
        return out;
      }
      case "bytes":
        return loc.bytes.slice(0, size);
      case "pieces": {
        const out = new Uint8Array(size);
        let at = 0;
        for (const p of loc.pieces) {
          if (at >= size) break;
          if (p.loc === null) return null;
          const part = this.bytes(p.loc, p.size);
          if (part === null) return null;
          out.set(part.subarray(0, Math.min(p.size, size - at)), at);
          at += p.size;
        }
        return out;
      }
      case "none":
        return null;
    }
  }

  /** Where variable `v` lives at the frame's pc (null: optimized out). */
  place(v: ScopeVar): Place | null {
    const info = this.info;
    const expr = info.locationAt(v.die, this.pc);
    if (expr !== null) {
      return { type: v.type, loc: evalLocation(expr, this.context(v.die.unit)) };
    }
    const cv = info.attr(v.die, AT.const_value);
    if (cv !== undefined) {
      const value = cv.value;
      if (value instanceof Uint8Array) {
        return { type: v.type, loc: { kind: "bytes", bytes: value } };
      }
      if (typeof value === "number" || typeof value === "bigint") {
        return { type: v.type, loc: { kind: "value", value: BigInt(value) } };
      }
    }
    return null;
  }

  /** The value at `p` as a {@linkcode CValue} named `name`. */
  value(name: string, p: Place | null, type: Die | null, depth = 0): CValue {
    const info = this.info;
    const typeText = info.typeName(type);
    if (p === null) return { name, type: typeText, value: "<optimized out>" };
    const address = p.loc.kind === "memory" ? p.loc.address : undefined;
    const size = info.byteSize(type) ?? undefined;
    const base = {
      name,
      type: typeText,
      ...(address === undefined ? {} : { address }),
      ...(size === undefined ? {} : { size }),
    };
    const t = info.strip(type);
    if (t === null) return { ...base, value: "<void>" };
    if (t.tag === TAG.structure_type || t.tag === TAG.union_type || t.tag === TAG.class_type) {
      const children: CValue[] = [];
      for (const mbr of t.children) {
        if (mbr.tag !== TAG.member) continue;
        const mtype = info.ref(mbr, AT.type);
        children.push(this.value(info.name(mbr) ?? "", this.member(p, mbr), mtype, depth + 1));
      }
      const text = `{${children.map((c) => `${c.name} = ${c.value}`).join(", ")}}`;
      return { ...base, value: text, children };
    }
    if (t.tag === TAG.array_type) {
      const elemType = info.ref(t, AT.type);
      const dims = info.arrayDims(t);
      const elemSize = info.byteSize(elemType) ?? 0;
      const count = dims[0] ?? 0;
      // A multi-dimensional array is an array of the inner dimensions.
      const inner = dims.length > 1 ? { dims: dims.slice(1), of: t } : null;
      const rowSize = inner === null
        ? elemSize
        : inner.dims.reduce<number>((n, d) => n * (d ?? 0), elemSize);
      const elem = info.strip(elemType);
      const isChar = inner === null && elem !== null && elem.tag === TAG.base_type &&
        (info.num(elem, AT.encoding) === ATE.signedChar ||
          info.num(elem, AT.encoding) === ATE.unsignedChar) &&
        elemSize === 1;
      if (isChar) {
        const bytes = this.bytes(p.loc, Math.min(count, MAX_ELEMENTS));
        if (bytes === null) return { ...base, value: "<unavailable>" };
        return { ...base, value: cString(bytes, count > MAX_ELEMENTS) };
      }
      const children: CValue[] = [];
      for (let i = 0; i < Math.min(count, MAX_ELEMENTS); i++) {
        const loc = this.offset(p.loc, i * rowSize, rowSize);
        if (inner === null) {
          children.push(this.value(`[${i}]`, { type: elemType, loc }, elemType, depth + 1));
        } else {
          const sub = this.subArray(`[${i}]`, loc, elemType, inner.dims, depth + 1);
          children.push(sub);
        }
      }
      const more = count > MAX_ELEMENTS ? ", ..." : "";
      return { ...base, value: `{${children.map((c) => c.value).join(", ")}${more}}`, children };
    }
    const bytes = this.bytes(p.loc, size ?? 0);
    if (bytes === null) return { ...base, value: "<unavailable>" };
    return { ...base, value: this.scalar(t, bytes) };
  }

  /** Rows of a multi-dimensional array (`dims`: the inner dimensions). */
  subArray(
    name: string,
    loc: Location,
    elemType: Die | null,
    dims: (number | null)[],
    depth: number,
  ): CValue {
    const elemSize = this.info.byteSize(elemType) ?? 0;
    const rowSize = dims.slice(1).reduce<number>((n, d) => n * (d ?? 0), elemSize);
    const children: CValue[] = [];
    for (let i = 0; i < Math.min(dims[0] ?? 0, MAX_ELEMENTS); i++) {
      const at = this.offset(loc, i * rowSize, rowSize);
      children.push(
        dims.length > 1
          ? this.subArray(`[${i}]`, at, elemType, dims.slice(1), depth + 1)
          : this.value(`[${i}]`, { type: elemType, loc: at }, elemType, depth + 1),
      );
    }
    const type = `${this.info.typeName(elemType)}${dims.map((d) => `[${d ?? ""}]`).join("")}`;
    return { name, type, value: `{${children.map((c) => c.value).join(", ")}}`, children };
  }

  /** The part of `loc` at byte `offset`, `size` bytes long. */
  offset(loc: Location, offset: number, size: number): Location {
    if (loc.kind === "memory") return { kind: "memory", address: loc.address + offset };
    if (loc.kind === "pieces") {
      // The pieces overlapping [offset, offset + size), clipped to it.
      const pieces: { size: number; loc: Location | null }[] = [];
      let at = 0;
      for (const p of loc.pieces) {
        const from = Math.max(at, offset), to = Math.min(at + p.size, offset + size);
        if (from < to) {
          pieces.push({
            size: to - from,
            loc: p.loc === null ? null : this.offset(p.loc, from - at, to - from),
          });
        }
        at += p.size;
      }
      return { kind: "pieces", pieces };
    }
    const bytes = this.bytes(loc, offset + size);
    if (bytes === null) return { kind: "none" };
    return { kind: "bytes", bytes: bytes.slice(offset, offset + size) };
  }

  /** Member `mbr` of the struct at `p`. */
  member(p: Place, mbr: Die): Place | null {
    const info = this.info;
    const mtype = info.ref(mbr, AT.type);
    const offset = info.num(mbr, AT.data_member_location) ?? 0;
    const size = info.byteSize(mtype) ?? 0;
    const bitSize = info.num(mbr, AT.bit_size);
    if (bitSize !== null) {
      // A bit-field (DWARF 5 §5.7.6): DW_AT_data_bit_offset from the struct's start.
      const bitOffset = info.num(mbr, AT.data_bit_offset) ?? offset * 8;
      const first = Math.floor(bitOffset / 8);
      const span = Math.ceil((bitOffset % 8 + bitSize) / 8);
      const bytes = this.bytes(this.offset(p.loc, first, span), span);
      if (bytes === null) return null;
      let v = (bytesToBig(bytes) >> BigInt(bitOffset % 8)) & ((1n << BigInt(bitSize)) - 1n);
      const enc = info.num(info.strip(mtype) ?? mbr, AT.encoding);
      if ((enc === ATE.signed || enc === ATE.signedChar) && v >> BigInt(bitSize - 1)) {
        v -= 1n << BigInt(bitSize);
      }
      return { type: mtype, loc: { kind: "value", value: v } };
    }
    return { type: mtype, loc: this.offset(p.loc, offset, size) };
  }

  /** A scalar (base type, pointer, enum) from its bytes. */
  scalar(t: Die, bytes: Uint8Array): string {
    const info = this.info;
    const raw = bytesToBig(bytes);
    if (t.tag === TAG.pointer_type || t.tag === TAG.subroutine_type) {
      const target = info.strip(info.ref(t, AT.type));
      const text = `0x${raw.toString(16)}`;
      if (raw === 0n) return text;
      if (target !== null && target.tag === TAG.base_type && info.byteSize(target) === 1) {
        const enc = info.num(target, AT.encoding);
        if (enc === ATE.signedChar || enc === ATE.unsignedChar) {
          const s = this.memory(Number(raw), 1) === null ? null : this.cStringAt(Number(raw));
          return s === null ? text : `${text} ${s}`;
        }
      }
      return text;
    }
    if (t.tag === TAG.enumeration_type) {
      const signed = raw >> BigInt(bytes.length * 8 - 1)
        ? BigInt.asIntN(bytes.length * 8, raw)
        : raw;
      for (const e of t.children) {
        if (e.tag !== TAG.enumerator) continue;
        const v = info.attr(e, AT.const_value)?.value;
        if (v !== undefined && BigInt(v as number) === signed) return info.name(e) ?? String(v);
      }
      return String(signed);
    }
    const enc = info.num(t, AT.encoding);
    const bits = bytes.length * 8;
    switch (enc) {
      case ATE.boolean:
        return raw === 0n ? "false" : "true";
      case ATE.float:
        if (bytes.length === 4) {
          return shortestF32(new DataView(bytes.buffer, bytes.byteOffset).getFloat32(0, true));
        }
        if (bytes.length === 8) {
          return String(new DataView(bytes.buffer, bytes.byteOffset).getFloat64(0, true));
        }
        return `0x${raw.toString(16)}`;
      case ATE.signed:
        return String(BigInt.asIntN(bits, raw));
      case ATE.signedChar: {
        const v = Number(BigInt.asIntN(bits, raw));
        return `${v} ${charLiteral(v & 0xff)}`;
      }
      case ATE.unsignedChar:
        return `${raw} ${charLiteral(Number(raw) & 0xff)}`;
      default:
        return String(raw);
    }
  }

  /** The C string at `address` as a quoted literal (up to 200 bytes). */
  private cStringAt(address: number): string | null {
    const out: number[] = [];
    for (let i = 0; i < MAX_ELEMENTS; i++) {
      const b = this.memory(address + i, 1);
      if (b === null || b[0] === 0) return cString(Uint8Array.from(out), false);
      out.push(b[0]);
    }
    return cString(Uint8Array.from(out), true);
  }
}

/** A byte as a C character literal, as gdb prints it: `'p'`, `'\n'`, `'\377'`. */
function charLiteral(b: number): string {
  return `'${escapeByte(b, "'")}'`;
}

function escapeByte(b: number, quote: string): string {
  const named: Record<number, string> = {
    0: "\\000",
    7: "\\a",
    8: "\\b",
    9: "\\t",
    10: "\\n",
    11: "\\v",
    12: "\\f",
    13: "\\r",
    27: "\\033",
    92: "\\\\",
  };
  if (named[b] !== undefined) return named[b];
  if (String.fromCharCode(b) === quote) return `\\${quote}`;
  if (b >= 0x20 && b < 0x7f) return String.fromCharCode(b);
  return `\\${b.toString(8).padStart(3, "0")}`;
}

/** Bytes of a char array as a quoted string, up to its first NUL. */
function cString(bytes: Uint8Array, more: boolean): string {
  const end = bytes.indexOf(0);
  const s = [...bytes.subarray(0, end < 0 ? bytes.length : end)].map((b) => escapeByte(b, '"'))
    .join("");
  return `"${s}"${more && end < 0 ? "..." : ""}`;
}

/** The shortest decimal that reads back as the same f32 (`1.5`, `0.1`). */
function shortestF32(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  for (let p = 1; p <= 9; p++) {
    const s = Number(x.toPrecision(p));
    if (Math.fround(s) === x) return String(s);
  }
  return String(x);
}

/** The subprogram and code address (an offset in the code section) of frame `f`, if any. */
function frameScope(info: DebugInfo, f: FrameInfo | null): { func: Die | null; pc: number } {
  if (f === null || f.offset === null) return { func: null, pc: -1 };
  const pc = f.offset - info.codeStart;
  return { func: info.subprogramAt(pc), pc };
}

/**
 * The C variables in scope in frame `f` of machine `m` (parameters, then locals, innermost
 * blocks last), with their values at the machine's current state. Empty when DWARF does not
 * describe the frame's code.
 */
export function cVariables(info: DebugInfo, m: Machine, f: FrameInfo): CValue[] {
  const { func, pc } = frameScope(info, f);
  if (func === null) return [];
  const rd = new Reader(info, m, f, func, pc);
  const vars = info.scopeVars(func, pc);
  // A name declared again in an inner block shadows the outer one: keep the innermost.
  const last = new Map(vars.map((v, i) => [v.name, i]));
  return vars.filter((v, i) => last.get(v.name) === i).map((v) => readVar(rd, v));
}

/** The global variables of the unit of frame `f`'s code (all units' when `f` has none). */
export function cGlobals(info: DebugInfo, m: Machine, f: FrameInfo | null): CValue[] {
  const { func, pc } = frameScope(info, f);
  const rd = new Reader(info, m, f, func, pc);
  const roots = func === null ? info.units.map((u) => u.root) : [func.unit.root];
  return roots.flatMap((root) => info.unitVars(root)).map((v) => readVar(rd, v));
}

function readVar(rd: Reader, v: ScopeVar): CValue {
  try {
    return rd.value(v.name, rd.place(v), v.type);
  } catch (e) {
    return {
      name: v.name,
      type: rd.info.typeName(v.type),
      value: `<error: ${(e as Error).message}>`,
    };
  }
}

/** The description of frame `f`'s function: its C name, or null when DWARF has none. */
export function cFunction(info: DebugInfo, f: FrameInfo): string | null {
  const { func } = frameScope(info, f);
  return func === null ? null : info.name(func);
}

/**
 * Evaluates C lvalue expression `text` in frame `f` (null: globals only): a variable name
 * (the innermost in scope, else a global of the frame's unit, else of any unit), then any of
 * `.member`, `->member`, `[index]`, with prefixes `*` (dereference) and `&` (address of).
 *
 * @returns the value, or null when no variable of that name is in scope
 * @throws Error for a malformed expression or an operation its type does not allow
 */
export function cEvaluate(
  info: DebugInfo,
  m: Machine,
  f: FrameInfo | null,
  text: string,
): CValue | null {
  const { func, pc } = frameScope(info, f);
  const rd = new Reader(info, m, f, func, pc);
  const tokens = text.match(/->|[A-Za-z_]\w*|\d+|0x[0-9a-fA-F]+|\S/g) ?? [];
  let i = 0;
  const prefixes: string[] = [];
  while (tokens[i] === "*" || tokens[i] === "&") prefixes.push(tokens[i++]);
  const name = tokens[i++];
  if (name === undefined || !/^[A-Za-z_]\w*$/.test(name)) {
    throw new Error(`expected a variable name in '${text}'`);
  }
  const scope = func === null ? [] : info.scopeVars(func, pc);
  let v = scope.filter((s) => s.name === name).pop();
  if (v === undefined && func !== null) {
    v = info.unitVars(func.unit.root).find((s) => s.name === name);
  }
  if (v === undefined) {
    v = info.units.flatMap((u) => info.unitVars(u.root)).find((s) => s.name === name);
  }
  if (v === undefined) return null;
  let place = rd.place(v);
  let type = v.type;
  let label = name;
  /** Inside a multi-dimensional array `type`: the dimensions left to index (else null). */
  let rows: (number | null)[] | null = null;
  const need = (): Place => {
    if (place === null) throw new Error(`'${label}' is optimized out`);
    return place;
  };
  const deref = (): void => {
    const t = info.strip(type);
    if (t === null || (t.tag !== TAG.pointer_type && t.tag !== TAG.array_type)) {
      throw new Error(`'${label}' is not a pointer`);
    }
    const target = info.ref(t, AT.type);
    if (t.tag === TAG.array_type) {
      const dims: (number | null)[] = rows ?? info.arrayDims(t);
      if (dims.length > 1) {
        // The first row of a multi-dimensional array.
        rows = dims.slice(1);
        const rowSize = rows.reduce<number>((n, d) => n * (d ?? 0), info.byteSize(target) ?? 0);
        place = { type, loc: rd.offset(need().loc, 0, rowSize) };
        return;
      }
      rows = null;
      type = target;
      place = { type, loc: rd.offset(need().loc, 0, info.byteSize(target) ?? 0) };
      return;
    }
    const bytes = rd.bytes(need().loc, info.byteSize(t) ?? 4);
    if (bytes === null) throw new Error(`'${label}' is not available`);
    type = target;
    place = { type, loc: { kind: "memory", address: Number(bytesToBig(bytes)) } };
  };
  const memberOf = (field: string): void => {
    const t = info.strip(type);
    const mbr = t?.children.find((c) => c.tag === TAG.member && info.name(c) === field);
    if (t === null || mbr === undefined) throw new Error(`'${label}' has no member '${field}'`);
    place = rd.member(need(), mbr);
    type = info.ref(mbr, AT.type);
  };
  while (i < tokens.length) {
    const tok = tokens[i++];
    if (tok === "." || tok === "->") {
      if (tok === "->") deref();
      const field = tokens[i++];
      if (field === undefined) throw new Error(`expected a member name after '${tok}'`);
      memberOf(field);
      label += `${tok}${field}`;
    } else if (tok === "[") {
      const index = Number(tokens[i++]);
      if (!Number.isInteger(index) || tokens[i++] !== "]") {
        throw new Error(`expected [NUMBER] in '${text}'`);
      }
      const t = info.strip(type);
      if (t === null || (t.tag !== TAG.pointer_type && t.tag !== TAG.array_type)) {
        throw new Error(`'${label}' is not an array or a pointer`);
      }
      const elem = info.ref(t, AT.type);
      const size = info.byteSize(elem) ?? 0;
      if (t.tag === TAG.array_type) {
        // A row of a multi-dimensional array is an array of the remaining dimensions.
        const dims: (number | null)[] = rows ?? info.arrayDims(t);
        const rowSize = dims.slice(1).reduce<number>((n, d) => n * (d ?? 0), size);
        place = { type: elem, loc: rd.offset(need().loc, index * rowSize, rowSize) };
        label += `[${index}]`;
        if (dims.length > 1) {
          rows = dims.slice(1);
          continue;
        }
        rows = null;
      } else {
        deref();
        const at = place!.loc as { kind: "memory"; address: number };
        place = { type: elem, loc: { kind: "memory", address: at.address + index * size } };
      }
      if (t.tag !== TAG.array_type) label += `[${index}]`;
      type = elem;
    } else throw new Error(`unexpected '${tok}' in '${text}'`);
  }
  for (const p of prefixes.reverse()) {
    if (p === "*") {
      deref();
      label = `*${label}`;
    } else {
      const loc = need().loc;
      if (loc.kind !== "memory") throw new Error(`'${label}' has no address`);
      return {
        name: `&${label}`,
        type: `${info.typeName(type)} *`,
        value: `0x${loc.address.toString(16)}`,
      };
    }
  }
  if (rows !== null) {
    return rd.subArray(label, need().loc, info.ref(info.strip(type)!, AT.type), rows, 0);
  }
  const value = rd.value(label, place, type);
  typeOf.set(value, type);
  return value;
}

/** The type DIE of each value {@linkcode cEvaluate} returned (for {@linkcode cReadAt}). */
const typeOf = new WeakMap<CValue, Die | null>();

/**
 * Reads again, now (at the machine's current state), the value of the type `like` has (a value
 * {@linkcode cEvaluate} returned) at linear-memory address `address`, named `name`: what a
 * watchpoint on a C variable shows when it stops in another frame.
 */
export function cReadAt(
  info: DebugInfo,
  m: Machine,
  like: CValue,
  address: number,
  name: string = like.name,
): CValue {
  const type = typeOf.get(like) ?? null;
  const rd = new Reader(info, m, null, null, -1);
  return rd.value(name, { type, loc: { kind: "memory", address } }, type);
}
