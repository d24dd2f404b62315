/**
 * C variables for the debugger, part 1: the DWARF debugging information entries
 * (`.debug_info` with `.debug_abbrev`, `.debug_str`, `.debug_str_offsets`, `.debug_addr`,
 * `.debug_ranges`/`.debug_rnglists` and `.debug_loc`/`.debug_loclists`, versions 4 and 5, as
 * clang writes them for wasm32) decoded into a tree of {@linkcode Die}s, and a
 * {@linkcode DebugInfo} index over it: which subprogram and lexical blocks cover a code
 * address, the variables in scope there with the location expression that applies, the
 * globals of a unit, and C type names.
 *
 * References: DWARF 5 §7.5 (unit headers §7.5.1, abbreviations §7.5.3, attribute forms
 * §7.5.5-6), §2.17 (code addresses and ranges), §2.6.2 and §7.7.3 (location lists), §7.28
 * (range lists). In WebAssembly DWARF (the tool-conventions "DWARF for WebAssembly"
 * convention) a code address is an offset from the start of the code section's contents, and
 * a data address is a linear-memory address. Evaluating location expressions and reading
 * values lives in src/debug/dwarf_expr.ts and src/debug/dwarf_vars.ts.
 *
 * Not read: type units and split DWARF (`.dwo`), 64-bit DWARF in `.debug_info` is read but
 * never produced by wasm32 toolchains, and inlined subroutines are kept as DIEs but their
 * variables are not offered as the frame's.
 *
 * @module
 */

import { moduleSections } from "./dwarf.ts";
import { ByteReader, DwarfError, FORM } from "./dwarf_reader.ts";

/** DW_TAG_* values (DWARF 5 §7.5.3, table 7.3) with the names llvm-dwarfdump prints. */
export const TAG = {
  array_type: 0x01,
  class_type: 0x02,
  enumeration_type: 0x04,
  formal_parameter: 0x05,
  label: 0x0a,
  lexical_block: 0x0b,
  member: 0x0d,
  pointer_type: 0x0f,
  compile_unit: 0x11,
  structure_type: 0x13,
  subroutine_type: 0x15,
  typedef: 0x16,
  union_type: 0x17,
  unspecified_parameters: 0x18,
  inlined_subroutine: 0x1d,
  subrange_type: 0x21,
  base_type: 0x24,
  const_type: 0x26,
  enumerator: 0x28,
  subprogram: 0x2e,
  variable: 0x34,
  volatile_type: 0x35,
  restrict_type: 0x37,
  atomic_type: 0x47,
  call_site: 0x48,
  call_site_parameter: 0x49,
  GNU_call_site: 0x4109,
  GNU_call_site_parameter: 0x410a,
} as const;

const TAG_NAMES = new Map<number, string>(
  Object.entries(TAG).map(([name, value]) => [value, `DW_TAG_${name}`]),
);

/** The name llvm-dwarfdump gives tag `tag` (`DW_TAG_0x…` for one not listed here). */
export function tagName(tag: number): string {
  return TAG_NAMES.get(tag) ?? `DW_TAG_0x${tag.toString(16).padStart(4, "0")}`;
}

/** DW_AT_* values used here (DWARF 5 §7.5.4, table 7.5). */
export const AT = {
  sibling: 0x01,
  location: 0x02,
  name: 0x03,
  byte_size: 0x0b,
  bit_size: 0x0d,
  stmt_list: 0x10,
  low_pc: 0x11,
  high_pc: 0x12,
  language: 0x13,
  comp_dir: 0x1b,
  const_value: 0x1c,
  upper_bound: 0x2f,
  abstract_origin: 0x31,
  count: 0x37,
  data_member_location: 0x38,
  encoding: 0x3e,
  external: 0x3f,
  frame_base: 0x40,
  specification: 0x47,
  type: 0x49,
  ranges: 0x55,
  data_bit_offset: 0x6b,
  str_offsets_base: 0x72,
  addr_base: 0x73,
  rnglists_base: 0x74,
  loclists_base: 0x8c,
} as const;

/**
 * An attribute's value, by class (DWARF 5 §7.5.5): a number (constant, address, flag as 0/1,
 * section offset), a bigint (an 8-byte constant beyond 2^53), a string, the bytes of a block
 * or an expression, or a reference to another DIE (`{ ref }`, its `.debug_info` offset).
 */
export type AttrValue = number | bigint | string | Uint8Array | { ref: number };

/** One attribute of a DIE: its DW_AT_* name, the form it was written in, its value. */
export interface Attr {
  /** The DW_AT_* name. */
  at: number;
  /** The DW_FORM_* it was encoded with (after DW_FORM_indirect). */
  form: number;
  /** The decoded value (strings, addresses and indexes resolved through their sections). */
  value: AttrValue;
}

/** A debugging information entry: its tag, attributes and children. */
export interface Die {
  /** Its offset in `.debug_info`. */
  offset: number;
  /** The DW_TAG_* value. */
  tag: number;
  /** Its attributes in the order written. */
  attrs: Attr[];
  /** Its children (empty when it has none). */
  children: Die[];
  /** The DIE it is a child of (null for a unit's root). */
  parent: Die | null;
  /** The unit it belongs to. */
  unit: Unit;
}

/** A unit of `.debug_info` (DWARF 5 §7.5.1) and the bases its attributes index from. */
export interface Unit {
  /** Its header's offset in `.debug_info`. */
  offset: number;
  /** The DWARF version (2 to 5). */
  version: number;
  /** The size of an address (4 on wasm32). */
  addressSize: number;
  /** The unit's root DIE (DW_TAG_compile_unit for C). */
  root: Die;
  /** The unit's base address (its DW_AT_low_pc, 0 without). */
  base: number;
  /** DW_AT_str_offsets_base, DW_AT_addr_base, DW_AT_rnglists_base, DW_AT_loclists_base. */
  strOffsetsBase: number;
  /** See `strOffsetsBase`. */
  addrBase: number;
  /** See `strOffsetsBase`. */
  rnglistsBase: number;
  /** See `strOffsetsBase`. */
  loclistsBase: number;
}

/** The DWARF sections of a module (custom sections named as in DWARF 5 appendix B). */
export interface DwarfSections {
  /** `.debug_info` (required), and the sections it points into. */
  info: Uint8Array;
  /** See `info`. */
  abbrev: Uint8Array;
  /** See `info`. */
  str?: Uint8Array;
  /** See `info`. */
  lineStr?: Uint8Array;
  /** See `info`. */
  strOffsets?: Uint8Array;
  /** See `info`. */
  addr?: Uint8Array;
  /** See `info`. */
  ranges?: Uint8Array;
  /** See `info`. */
  rnglists?: Uint8Array;
  /** See `info`. */
  loc?: Uint8Array;
  /** See `info`. */
  loclists?: Uint8Array;
}

const utf8 = new TextDecoder();

/** One abbreviation (DWARF 5 §7.5.3): a tag, whether it has children, its attribute specs. */
interface Abbrev {
  tag: number;
  children: boolean;
  specs: { at: number; form: number; implicit: number }[];
}

/** The abbreviation table at `offset` of `.debug_abbrev`, by code. */
function parseAbbrevs(section: Uint8Array, offset: number): Map<number, Abbrev> {
  const r = new ByteReader(section, offset, ".debug_abbrev");
  const table = new Map<number, Abbrev>();
  for (let code = r.uleb(); code !== 0; code = r.uleb()) {
    const tag = r.uleb();
    const children = r.u8() !== 0;
    const specs: Abbrev["specs"] = [];
    for (;;) {
      const at = r.uleb(), form = r.uleb();
      if (at === 0 && form === 0) break;
      specs.push({ at, form, implicit: form === FORM.implicit_const ? r.sleb() : 0 });
    }
    table.set(code, { tag, children, specs });
  }
  return table;
}

/** A value still to resolve once the unit's bases are known (DWARF 5 strx/addrx forms). */
type Pending = { strx: number } | { addrx: number };

/**
 * Decodes every unit of `.debug_info` into DIE trees. Strings, indexed strings and indexed
 * addresses are resolved; references become absolute `.debug_info` offsets.
 */
export function parseDebugInfo(s: DwarfSections): Unit[] {
  const units: Unit[] = [];
  const r = new ByteReader(s.info);
  const abbrevCache = new Map<number, Map<number, Abbrev>>();
  while (r.pos < s.info.length) {
    const offset = r.pos;
    let length = r.u32();
    let offset64 = false;
    if (length === 0xffffffff) {
      length = Number(r.u64());
      offset64 = true;
    }
    const end = r.pos + length;
    if (end > s.info.length) throw new DwarfError(".debug_info: a unit runs past the section");
    const version = r.u16();
    if (version < 2 || version > 5) {
      throw new DwarfError(`.debug_info: unsupported version ${version}`);
    }
    let addressSize: number, abbrevOffset: number, unitType = 1;
    if (version >= 5) {
      unitType = r.u8();
      addressSize = r.u8();
      abbrevOffset = offset64 ? Number(r.u64()) : r.u32();
      if (unitType === 4 || unitType === 5) r.pos += 8; // skeleton/split: dwo_id
      if (unitType === 2 || unitType === 6) r.pos += 8 + (offset64 ? 8 : 4); // type units
    } else {
      abbrevOffset = offset64 ? Number(r.u64()) : r.u32();
      addressSize = r.u8();
    }
    let abbrevs = abbrevCache.get(abbrevOffset);
    if (abbrevs === undefined) {
      abbrevs = parseAbbrevs(s.abbrev, abbrevOffset);
      abbrevCache.set(abbrevOffset, abbrevs);
    }
    const unit: Unit = {
      offset,
      version,
      addressSize,
      root: null as unknown as Die,
      base: 0,
      strOffsetsBase: 8,
      addrBase: 8,
      rnglistsBase: 0,
      loclistsBase: 0,
    };
    const pending: { attr: Attr; p: Pending }[] = [];
    const stack: Die[] = [];
    while (r.pos < end) {
      const dieOffset = r.pos;
      const code = r.uleb();
      if (code === 0) {
        stack.pop();
        continue;
      }
      const ab = abbrevs.get(code);
      if (ab === undefined) {
        throw new DwarfError(
          `.debug_info: unknown abbreviation ${code} at 0x${dieOffset.toString(16)}`,
        );
      }
      const parent = stack.length > 0 ? stack[stack.length - 1] : null;
      const die: Die = { offset: dieOffset, tag: ab.tag, attrs: [], children: [], parent, unit };
      for (const spec of ab.specs) {
        const attr = readAttr(r, spec.at, spec.form, spec.implicit, unit, offset64, s, pending);
        die.attrs.push(attr);
      }
      if (parent === null) {
        if (unit.root === null) unit.root = die;
      } else parent.children.push(die);
      if (ab.children) stack.push(die);
      if (die === unit.root) {
        for (const a of die.attrs) {
          if (a.at === AT.str_offsets_base) unit.strOffsetsBase = Number(a.value);
          else if (a.at === AT.addr_base) unit.addrBase = Number(a.value);
          else if (a.at === AT.rnglists_base) unit.rnglistsBase = Number(a.value);
          else if (a.at === AT.loclists_base) unit.loclistsBase = Number(a.value);
        }
      }
    }
    r.pos = end;
    if (unit.root === null) continue;
    for (const { attr, p } of pending) {
      if ("strx" in p) {
        attr.value = indexedString(s, unit, p.strx, offset64);
      } else attr.value = indexedAddress(s, unit, p.addrx);
    }
    const low = unit.root.attrs.find((a) => a.at === AT.low_pc);
    unit.base = typeof low?.value === "number" ? low.value : 0;
    units.push(unit);
  }
  return units;
}

/** String `index` of the unit's `.debug_str_offsets` contribution (DWARF 5 §7.26). */
function indexedString(s: DwarfSections, unit: Unit, index: number, offset64: boolean): string {
  if (s.strOffsets === undefined) throw new DwarfError(".debug_str_offsets is missing");
  const size = offset64 ? 8 : 4;
  const r = new ByteReader(s.strOffsets, unit.strOffsetsBase + index * size, ".debug_str_offsets");
  return stringAt(s.str, r.sized(size));
}

/** Address `index` of the unit's `.debug_addr` contribution (DWARF 5 §7.27). */
export function indexedAddress(s: DwarfSections, unit: Unit, index: number): number {
  if (s.addr === undefined) throw new DwarfError(".debug_addr is missing");
  const r = new ByteReader(s.addr, unit.addrBase + index * unit.addressSize, ".debug_addr");
  return r.sized(unit.addressSize);
}

/** Strings already decoded, by section and offset (names repeat across DIEs). */
const stringCache = new WeakMap<Uint8Array, Map<number, string>>();

function stringAt(section: Uint8Array | undefined, offset: number): string {
  if (section === undefined) throw new DwarfError("a string section is missing");
  let cache = stringCache.get(section);
  if (cache === undefined) stringCache.set(section, cache = new Map());
  let s = cache.get(offset);
  if (s === undefined) {
    const end = section.indexOf(0, offset);
    if (end < 0 || offset < 0) {
      throw new DwarfError(`a string at 0x${offset.toString(16)} runs off`);
    }
    s = utf8.decode(section.subarray(offset, end));
    cache.set(offset, s);
  }
  return s;
}

function readAttr(
  r: ByteReader,
  at: number,
  form: number,
  implicit: number,
  unit: Unit,
  offset64: boolean,
  s: DwarfSections,
  pending: { attr: Attr; p: Pending }[],
): Attr {
  const attr: Attr = { at, form, value: 0 };
  const off = () => offset64 ? Number(r.u64()) : r.u32();
  switch (form) {
    case FORM.addr:
      attr.value = r.sized(unit.addressSize);
      break;
    case FORM.data1:
    case FORM.ref1:
    case FORM.flag:
    case FORM.strx1:
    case FORM.addrx1:
      attr.value = r.u8();
      break;
    case FORM.data2:
    case FORM.ref2:
    case FORM.strx2:
    case FORM.addrx2:
      attr.value = r.u16();
      break;
    case FORM.strx3:
    case FORM.addrx3:
      attr.value = r.u24();
      break;
    case FORM.data4:
    case FORM.ref4:
    case FORM.ref_sup4:
    case FORM.strx4:
    case FORM.addrx4:
      attr.value = r.u32();
      break;
    case FORM.data8:
    case FORM.ref8:
    case FORM.ref_sig8:
    case FORM.ref_sup8:
      attr.value = r.u64();
      break;
    case FORM.data16:
      attr.value = r.take(16);
      break;
    case FORM.sdata:
      attr.value = r.slebExact();
      break;
    case FORM.udata:
      attr.value = r.ulebExact();
      break;
    case FORM.ref_udata:
    case FORM.strx:
    case FORM.addrx:
    case FORM.loclistx:
    case FORM.rnglistx:
      attr.value = r.uleb();
      break;
    case FORM.string:
      attr.value = r.str();
      break;
    case FORM.strp:
      attr.value = stringAt(s.str, off());
      break;
    case FORM.line_strp:
      attr.value = stringAt(s.lineStr, off());
      break;
    case FORM.strp_sup:
    case FORM.sec_offset:
      attr.value = off();
      break;
    case FORM.ref_addr:
      attr.value = unit.version <= 2 ? r.sized(unit.addressSize) : off();
      break;
    case FORM.block1:
      attr.value = r.take(r.u8());
      break;
    case FORM.block2:
      attr.value = r.take(r.u16());
      break;
    case FORM.block4:
      attr.value = r.take(r.u32());
      break;
    case FORM.block:
    case FORM.exprloc:
      attr.value = r.take(r.uleb());
      break;
    case FORM.flag_present:
      attr.value = 1;
      break;
    case FORM.implicit_const:
      attr.value = implicit;
      break;
    case FORM.indirect:
      return readAttr(r, at, r.uleb(), implicit, unit, offset64, s, pending);
    default:
      throw new DwarfError(`.debug_info: unsupported form 0x${form.toString(16)}`);
  }
  switch (form) {
    case FORM.ref1:
    case FORM.ref2:
    case FORM.ref4:
    case FORM.ref8:
    case FORM.ref_udata:
      attr.value = { ref: unit.offset + Number(attr.value) };
      break;
    case FORM.ref_addr:
      attr.value = { ref: Number(attr.value) };
      break;
    case FORM.strx:
    case FORM.strx1:
    case FORM.strx2:
    case FORM.strx3:
    case FORM.strx4:
      pending.push({ attr, p: { strx: Number(attr.value) } });
      break;
    case FORM.addrx:
    case FORM.addrx1:
    case FORM.addrx2:
    case FORM.addrx3:
    case FORM.addrx4:
      pending.push({ attr, p: { addrx: Number(attr.value) } });
      break;
  }
  return attr;
}

/** Whether `form` is of the constant class (so DW_AT_high_pc is a length from DW_AT_low_pc). */
function isConstantForm(form: number): boolean {
  return form === FORM.data1 || form === FORM.data2 || form === FORM.data4 ||
    form === FORM.data8 || form === FORM.udata || form === FORM.sdata ||
    form === FORM.implicit_const;
}

/** Whether `form` is a location-list reference (not an expression) for DW_AT_location. */
function isListForm(form: number): boolean {
  return form === FORM.sec_offset || form === FORM.loclistx ||
    form === FORM.data4 || form === FORM.data8;
}

/** One entry of a location list: the code range it applies to and its expression. */
export interface LocEntry {
  /** The range's first code address. */
  start: number;
  /** One past the range's last code address. */
  end: number;
  /** The location expression there. */
  expr: Uint8Array;
}

/** A variable in scope: its DIE, name, type DIE and where it lives. */
export interface ScopeVar {
  /** The DW_TAG_variable or DW_TAG_formal_parameter DIE. */
  die: Die;
  /** Its name. */
  name: string;
  /** Its type's DIE (null: none given). */
  type: Die | null;
  /** Whether it is a parameter. */
  param: boolean;
}

/** A code range [start, end) in code-section offsets. */
export interface CodeRange {
  /** The first address. */
  start: number;
  /** One past the last. */
  end: number;
}

/**
 * A module's `.debug_info`, indexed: DIEs by offset, the subprograms with their code ranges,
 * attribute helpers, scopes at a code address and C type names. Build it with
 * {@linkcode DebugInfo.fromModule}.
 *
 * @example
 * ```ts
 * import { DebugInfo } from "./dwarf_info.ts";
 * const bytes = Deno.readFileSync(new URL("../../testdata/debug/vars.wasm", import.meta.url));
 * const info = DebugInfo.fromModule(bytes)!;
 * const main = info.subprograms().find((d) => info.name(d) === "main")!;
 * console.assert(info.ranges(main).length === 1);
 * ```
 */
export class DebugInfo {
  /** Every unit's DIEs by `.debug_info` offset. */
  private readonly byOffset = new Map<number, Die>();
  private readonly funcs: { die: Die; ranges: CodeRange[] }[] = [];

  /** Indexes `units` decoded from `sections`; `codeStart` is the code section's module offset. */
  constructor(
    readonly units: Unit[],
    readonly sections: DwarfSections,
    readonly codeStart: number,
  ) {
    const walk = (d: Die) => {
      this.byOffset.set(d.offset, d);
      if (d.tag === TAG.subprogram) {
        const ranges = this.ranges(d).filter((x) => x.start !== 0 && x.end > x.start);
        if (ranges.length > 0) this.funcs.push({ die: d, ranges });
      }
      for (const c of d.children) walk(c);
    };
    for (const u of units) walk(u.root);
  }

  /** The debugging information of module `bytes`, or null without `.debug_info`. */
  static fromModule(bytes: Uint8Array): DebugInfo | null {
    const { codeStart, customs } = moduleSections(bytes);
    const info = customs.get(".debug_info"), abbrev = customs.get(".debug_abbrev");
    if (info === undefined || abbrev === undefined || codeStart < 0) return null;
    const sections: DwarfSections = {
      info,
      abbrev,
      str: customs.get(".debug_str"),
      lineStr: customs.get(".debug_line_str"),
      strOffsets: customs.get(".debug_str_offsets"),
      addr: customs.get(".debug_addr"),
      ranges: customs.get(".debug_ranges"),
      rnglists: customs.get(".debug_rnglists"),
      loc: customs.get(".debug_loc"),
      loclists: customs.get(".debug_loclists"),
    };
    return new DebugInfo(parseDebugInfo(sections), sections, codeStart);
  }

  /** The DIE at `.debug_info` offset `offset`, or undefined. */
  die(offset: number): Die | undefined {
    return this.byOffset.get(offset);
  }

  /** Attribute `at` of `d`, or undefined. */
  attr(d: Die, at: number): Attr | undefined {
    return d.attrs.find((a) => a.at === at);
  }

  /** `d`'s DW_AT_name, following DW_AT_abstract_origin and DW_AT_specification. */
  name(d: Die): string | null {
    const a = this.attr(d, AT.name);
    if (typeof a?.value === "string") return a.value;
    const origin = this.origin(d);
    return origin === null ? null : this.name(origin);
  }

  /** The DIE `d` takes its description from (DW_AT_abstract_origin / specification). */
  private origin(d: Die): Die | null {
    const a = this.attr(d, AT.abstract_origin) ?? this.attr(d, AT.specification);
    return a !== undefined && typeof a.value === "object" && "ref" in a.value
      ? this.die(a.value.ref) ?? null
      : null;
  }

  /** The DIE that attribute `at` of `d` refers to (following an abstract origin), or null. */
  ref(d: Die, at: number): Die | null {
    const a = this.attr(d, at);
    if (a !== undefined && typeof a.value === "object" && "ref" in a.value) {
      return this.die(a.value.ref) ?? null;
    }
    const origin = this.origin(d);
    return origin === null ? null : this.ref(origin, at);
  }

  /** A number-valued attribute of `d`, or null. */
  num(d: Die, at: number): number | null {
    const a = this.attr(d, at);
    return typeof a?.value === "number" ? a.value : null;
  }

  /** Every subprogram with code, with its ranges. */
  subprograms(): Die[] {
    return this.funcs.map((f) => f.die);
  }

  /**
   * The code ranges of `d` (DWARF 5 §2.17): DW_AT_low_pc with DW_AT_high_pc (an address, or a
   * length in a constant form), or DW_AT_ranges (`.debug_ranges` before version 5,
   * `.debug_rnglists` from it). Empty when it has none.
   */
  ranges(d: Die): CodeRange[] {
    const low = this.attr(d, AT.low_pc), high = this.attr(d, AT.high_pc);
    if (low !== undefined && high !== undefined) {
      const start = Number(low.value);
      const end = isConstantForm(high.form) ? start + Number(high.value) : Number(high.value);
      return [{ start, end }];
    }
    const ranges = this.attr(d, AT.ranges);
    if (ranges === undefined) return [];
    return this.rangeList(d.unit, ranges);
  }

  /** The range list attribute `a` points to (DWARF 5 §2.17.3). */
  private rangeList(unit: Unit, a: Attr): CodeRange[] {
    const out: CodeRange[] = [];
    let base = unit.base;
    const s = this.sections;
    if (unit.version < 5) {
      if (s.ranges === undefined) throw new DwarfError(".debug_ranges is missing");
      const r = new ByteReader(s.ranges, Number(a.value), ".debug_ranges");
      const max = unit.addressSize === 4 ? 0xffffffff : Number.MAX_SAFE_INTEGER;
      for (;;) {
        const start = r.sized(unit.addressSize), end = r.sized(unit.addressSize);
        if (start === 0 && end === 0) break;
        if (start === max) base = end;
        else out.push({ start: base + start, end: base + end });
      }
      return out;
    }
    if (s.rnglists === undefined) throw new DwarfError(".debug_rnglists is missing");
    let offset = Number(a.value);
    if (a.form === FORM.rnglistx) {
      const r = new ByteReader(s.rnglists, unit.rnglistsBase + offset * 4, ".debug_rnglists");
      offset = unit.rnglistsBase + r.u32();
    }
    const r = new ByteReader(s.rnglists, offset, ".debug_rnglists");
    const addrx = (i: number) => indexedAddress(s, unit, i);
    // DW_RLE_* (DWARF 5 §7.25).
    for (;;) {
      const kind = r.u8();
      if (kind === 0) break; // end_of_list
      switch (kind) {
        case 1: // base_addressx
          base = addrx(r.uleb());
          break;
        case 2: { // startx_endx
          const start = addrx(r.uleb());
          out.push({ start, end: addrx(r.uleb()) });
          break;
        }
        case 3: { // startx_length
          const start = addrx(r.uleb());
          out.push({ start, end: start + r.uleb() });
          break;
        }
        case 4: { // offset_pair
          const start = r.uleb();
          out.push({ start: base + start, end: base + r.uleb() });
          break;
        }
        case 5: // base_address
          base = r.sized(unit.addressSize);
          break;
        case 6: { // start_end
          const start = r.sized(unit.addressSize);
          out.push({ start, end: r.sized(unit.addressSize) });
          break;
        }
        case 7: { // start_length
          const start = r.sized(unit.addressSize);
          out.push({ start, end: start + r.uleb() });
          break;
        }
        default:
          throw new DwarfError(`.debug_rnglists: unknown entry kind ${kind}`);
      }
    }
    return out;
  }

  /**
   * The location of `d` (its DW_AT_location, or `at`): one expression for every address, or a
   * location list (DWARF 5 §2.6.2; `.debug_loc` before version 5, `.debug_loclists` from it),
   * or null without the attribute.
   */
  locations(d: Die, at: number = AT.location): Uint8Array | LocEntry[] | null {
    const a = this.attr(d, at);
    if (a === undefined) return null;
    if (a.value instanceof Uint8Array) return a.value;
    if (!isListForm(a.form)) return null;
    return this.locList(d.unit, a);
  }

  /** The location list attribute `a` points to (DWARF 5 §2.6.2). */
  private locList(unit: Unit, a: Attr): LocEntry[] {
    const out: LocEntry[] = [];
    let base = unit.base;
    const s = this.sections;
    if (unit.version < 5) {
      if (s.loc === undefined) throw new DwarfError(".debug_loc is missing");
      const r = new ByteReader(s.loc, Number(a.value), ".debug_loc");
      const max = unit.addressSize === 4 ? 0xffffffff : Number.MAX_SAFE_INTEGER;
      for (;;) {
        const start = r.sized(unit.addressSize), end = r.sized(unit.addressSize);
        if (start === 0 && end === 0) break;
        if (start === max) {
          base = end;
          continue;
        }
        out.push({ start: base + start, end: base + end, expr: r.take(r.u16()) });
      }
      return out;
    }
    if (s.loclists === undefined) throw new DwarfError(".debug_loclists is missing");
    let offset = Number(a.value);
    if (a.form === FORM.loclistx) {
      const r = new ByteReader(s.loclists, unit.loclistsBase + offset * 4, ".debug_loclists");
      offset = unit.loclistsBase + r.u32();
    }
    const r = new ByteReader(s.loclists, offset, ".debug_loclists");
    const addrx = (i: number) => indexedAddress(s, unit, i);
    const expr = () => r.take(r.uleb());
    // DW_LLE_* (DWARF 5 §7.7.3).
    for (;;) {
      const kind = r.u8();
      if (kind === 0) break; // end_of_list
      switch (kind) {
        case 1: // base_addressx
          base = addrx(r.uleb());
          break;
        case 2: { // startx_endx
          const start = addrx(r.uleb()), end = addrx(r.uleb());
          out.push({ start, end, expr: expr() });
          break;
        }
        case 3: { // startx_length
          const start = addrx(r.uleb());
          const end = start + r.uleb();
          out.push({ start, end, expr: expr() });
          break;
        }
        case 4: { // offset_pair
          const start = base + r.uleb(), end = base + r.uleb();
          out.push({ start, end, expr: expr() });
          break;
        }
        case 5: // default_location
          out.push({ start: 0, end: Number.MAX_SAFE_INTEGER, expr: expr() });
          break;
        case 6: // base_address
          base = r.sized(unit.addressSize);
          break;
        case 7: { // start_end
          const start = r.sized(unit.addressSize), end = r.sized(unit.addressSize);
          out.push({ start, end, expr: expr() });
          break;
        }
        case 8: { // start_length
          const start = r.sized(unit.addressSize);
          const end = start + r.uleb();
          out.push({ start, end, expr: expr() });
          break;
        }
        default:
          throw new DwarfError(`.debug_loclists: unknown entry kind ${kind}`);
      }
    }
    return out;
  }

  /** The expression of `d`'s location that applies at code address `pc`, or null. */
  locationAt(d: Die, pc: number, at: number = AT.location): Uint8Array | null {
    const loc = this.locations(d, at);
    if (loc === null || loc instanceof Uint8Array) return loc;
    return loc.find((e) => e.start <= pc && pc < e.end)?.expr ?? null;
  }

  /** The subprogram whose code covers code address `pc` (the innermost: fewest bytes), or null. */
  subprogramAt(pc: number): Die | null {
    let best: Die | null = null, size = Infinity;
    for (const f of this.funcs) {
      for (const r of f.ranges) {
        if (r.start <= pc && pc < r.end && r.end - r.start < size) {
          best = f.die;
          size = r.end - r.start;
        }
      }
    }
    return best;
  }

  /**
   * The variables and parameters in scope at code address `pc` of subprogram `func`: its own,
   * then those of each lexical block covering `pc`, innermost last (so a later one with the
   * same name shadows an earlier one).
   */
  scopeVars(func: Die, pc: number): ScopeVar[] {
    const out: ScopeVar[] = [];
    const visit = (d: Die) => {
      for (const c of d.children) {
        if (c.tag === TAG.variable || c.tag === TAG.formal_parameter) {
          const name = this.name(c);
          if (name !== null) {
            out.push({
              die: c,
              name,
              type: this.ref(c, AT.type),
              param: c.tag === TAG.formal_parameter,
            });
          }
        }
      }
      for (const c of d.children) {
        if (c.tag !== TAG.lexical_block) continue;
        const rs = this.ranges(c);
        if (rs.length === 0 || rs.some((r) => r.start <= pc && pc < r.end)) visit(c);
      }
    };
    visit(func);
    return out;
  }

  /** The variables at the top level of `func`'s unit (C globals and file-scope statics). */
  unitVars(func: Die): ScopeVar[] {
    return func.unit.root.children
      .filter((c) => c.tag === TAG.variable && this.attr(c, AT.location) !== undefined)
      .flatMap((c) => {
        const name = this.name(c);
        return name === null ? [] : [{ die: c, name, type: this.ref(c, AT.type), param: false }];
      });
  }

  /** The frame base expression of `func` at `pc` (DW_AT_frame_base), or null. */
  frameBase(func: Die, pc: number): Uint8Array | null {
    return this.locationAt(func, pc, AT.frame_base);
  }

  /**
   * The C name of type `t` as llvm-dwarfdump prints it: `int`, `count_t`, `const point *`,
   * `int[4]`, `point` (a struct by its tag name); `void` for null.
   */
  typeName(t: Die | null): string {
    if (t === null) return "void";
    const inner = () => this.ref(t, AT.type);
    switch (t.tag) {
      case TAG.pointer_type: {
        const base = this.typeName(inner());
        return base.endsWith("*") ? `${base}*` : `${base} *`;
      }
      case TAG.const_type:
      case TAG.volatile_type:
      case TAG.restrict_type: {
        const q = t.tag === TAG.const_type
          ? "const"
          : t.tag === TAG.volatile_type
          ? "volatile"
          : "restrict";
        const base = this.typeName(inner());
        return base.endsWith("*") ? `${base} ${q}` : `${q} ${base}`;
      }
      case TAG.array_type: {
        const dims = this.arrayDims(t).map((n) => `[${n ?? ""}]`).join("");
        return `${this.typeName(inner())}${dims}`;
      }
      case TAG.subroutine_type:
        return `${this.typeName(inner())} (*)()`;
      default:
        return this.name(t) ??
          (t.tag === TAG.structure_type
            ? "struct <anonymous>"
            : t.tag === TAG.union_type
            ? "union <anonymous>"
            : "<unknown>");
    }
  }

  /** The element counts of array type `t`'s dimensions (null: unknown). */
  arrayDims(t: Die): (number | null)[] {
    return t.children.filter((c) => c.tag === TAG.subrange_type).map((c) => {
      const count = this.num(c, AT.count);
      if (count !== null) return count;
      const upper = this.num(c, AT.upper_bound);
      return upper === null ? null : upper + 1;
    });
  }

  /** `t` without typedefs and qualifiers (const, volatile, restrict, atomic). */
  strip(t: Die | null): Die | null {
    while (
      t !== null &&
      (t.tag === TAG.typedef || t.tag === TAG.const_type || t.tag === TAG.volatile_type ||
        t.tag === TAG.restrict_type || t.tag === TAG.atomic_type)
    ) t = this.ref(t, AT.type);
    return t;
  }

  /** The size in bytes of type `t` (pointers: the unit's address size), or null. */
  byteSize(t: Die | null): number | null {
    const s = this.strip(t);
    if (s === null) return null;
    const size = this.num(s, AT.byte_size);
    if (size !== null) return size;
    if (s.tag === TAG.pointer_type) return s.unit.addressSize;
    if (s.tag === TAG.array_type) {
      const elem = this.byteSize(this.ref(s, AT.type));
      const dims = this.arrayDims(s);
      if (elem === null || dims.some((d) => d === null)) return null;
      return dims.reduce<number>((n, d) => n * d!, elem);
    }
    return null;
  }
}
