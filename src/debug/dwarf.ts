/**
 * C source lines for the debugger: the DWARF line table (`.debug_line`, versions 2 to 5, as
 * clang `-g` writes it into a custom section) decoded into rows, and a
 * {@linkcode SourceLines} index that maps a module byte offset to its FILE:LINE and a
 * FILE:LINE to the module byte offsets where it begins.
 *
 * In WebAssembly DWARF an address is an offset from the start of the code section's contents
 * (the byte after the section's size); {@linkcode SourceLines} converts to and from the module
 * byte offsets the rest of the debugger uses. Only the line table is read here: no
 * `.debug_info` (variables, types, inlined frames) yet.
 *
 * @module
 */

import { ByteReader, DwarfError, FORM } from "./dwarf_reader.ts";

/** One row of a line table (the state machine's registers when it emitted the row). */
export interface LineRow {
  /** The address: an offset into the code section's contents. */
  address: number;
  /** The file's index in its unit's file table (1-based before version 5). */
  file: number;
  /** The source line (0: no line). */
  line: number;
  /** The column (0: none). */
  column: number;
  /** Whether the row is a recommended breakpoint location. */
  isStmt: boolean;
  /** Whether the row is where a function's prologue ends. */
  prologueEnd: boolean;
  /** Whether the row ends a sequence (its address is one past the sequence's end). */
  endSequence: boolean;
}

/** One line-table unit: its header facts, file names and rows. */
export interface LineUnit {
  /** The unit's offset in `.debug_line`. */
  offset: number;
  /** The DWARF version of its header. */
  version: number;
  /** File paths by file index (`files[i]` for index i; unused indexes are ""). */
  files: string[];
  /** The rows in program order. */
  rows: LineRow[];
}

/** A NUL-terminated string at `offset` of a string section. */
function strAt(section: Uint8Array | undefined, offset: number): string {
  if (section === undefined) throw new DwarfError(".debug_line: a string section is missing");
  return new ByteReader(section, offset, ".debug_line").str();
}

// DW_LNCT_* values used by version 5 entry formats (DWARF 5 §6.2.4.1).
const LNCT_PATH = 1, LNCT_DIRECTORY = 2;

/** Reads one version-5 attribute of form `form`: a string, a number, or null (skipped). */
function readForm(
  r: ByteReader,
  form: number,
  offset64: boolean,
  strs: { str?: Uint8Array; lineStr?: Uint8Array },
): string | number | null {
  switch (form) {
    case FORM.string:
      return r.str();
    case FORM.strp:
      return strAt(strs.str, offset64 ? Number(r.u64()) : r.u32());
    case FORM.line_strp:
      return strAt(strs.lineStr, offset64 ? Number(r.u64()) : r.u32());
    case FORM.udata:
      return r.uleb();
    case FORM.data1:
      return r.u8();
    case FORM.data2:
      return r.u16();
    case FORM.data4:
      return r.u32();
    case FORM.data8:
      return Number(r.u64());
    case FORM.data16:
      r.need(16);
      r.pos += 16;
      return null;
    case FORM.block:
      r.pos += r.uleb();
      return null;
    case FORM.block1:
      r.pos += r.u8();
      return null;
    default:
      throw new DwarfError(`.debug_line: unsupported form 0x${form.toString(16)}`);
  }
}

/** Joins a directory and a file name (a name that is absolute stays as it is). */
function joinPath(dir: string, name: string): string {
  if (name.startsWith("/") || dir === "") return name;
  return `${dir.replace(/\/$/, "")}/${name}`;
}

/**
 * Decodes every unit of a `.debug_line` section. `strings` gives `.debug_str` and
 * `.debug_line_str` for version-5 headers that point into them.
 */
export function parseDebugLine(
  section: Uint8Array,
  strings: { str?: Uint8Array; lineStr?: Uint8Array } = {},
): LineUnit[] {
  const units: LineUnit[] = [];
  const r = new ByteReader(section, 0, ".debug_line");
  while (r.pos < section.length) {
    const offset = r.pos;
    let length = r.u32();
    let offset64 = false;
    if (length === 0xffffffff) {
      length = Number(r.u64());
      offset64 = true;
    }
    const end = r.pos + length;
    if (end > section.length) throw new DwarfError(".debug_line: a unit runs past the section");
    const version = r.u16();
    if (version < 2 || version > 5) {
      throw new DwarfError(`.debug_line: unsupported version ${version}`);
    }
    if (version >= 5) r.pos += 2; // address_size, segment_selector_size
    const headerLength = offset64 ? Number(r.u64()) : r.u32();
    const programStart = r.pos + headerLength;
    const minInst = r.u8();
    if (version >= 4) r.u8(); // maximum_operations_per_instruction (1 outside VLIW)
    const defaultIsStmt = r.u8() !== 0;
    const lineBase = (r.u8() << 24) >> 24;
    const lineRange = r.u8();
    const opcodeBase = r.u8();
    if (lineRange === 0) throw new DwarfError(".debug_line: line_range is 0");
    const opLengths = [0];
    for (let i = 1; i < opcodeBase; i++) opLengths.push(r.u8());
    const files: string[] = [];
    if (version < 5) {
      const dirs = [""];
      for (let d = r.str(); d !== ""; d = r.str()) dirs.push(d);
      files.push("");
      for (let name = r.str(); name !== ""; name = r.str()) {
        const dir = r.uleb();
        r.uleb(); // modification time
        r.uleb(); // length
        files.push(joinPath(dirs[dir] ?? "", name));
      }
    } else {
      const entries = (): Map<number, string | number | null>[] => {
        const format: [number, number][] = [];
        const n = r.u8();
        for (let i = 0; i < n; i++) format.push([r.uleb(), r.uleb()]);
        const count = r.uleb();
        const out: Map<number, string | number | null>[] = [];
        for (let i = 0; i < count; i++) {
          const e = new Map<number, string | number | null>();
          for (const [type, form] of format) e.set(type, readForm(r, form, offset64, strings));
          out.push(e);
        }
        return out;
      };
      const dirs = entries().map((e) => String(e.get(LNCT_PATH) ?? ""));
      for (const e of entries()) {
        const dir = Number(e.get(LNCT_DIRECTORY) ?? 0);
        files.push(joinPath(dir === 0 ? "" : dirs[dir] ?? "", String(e.get(LNCT_PATH) ?? "")));
      }
    }
    r.pos = programStart;
    const rows: LineRow[] = [];
    let address = 0, file = 1, line = 1, column = 0, isStmt = defaultIsStmt;
    let prologueEnd = false;
    const reset = () => {
      address = 0, file = 1, line = 1, column = 0, isStmt = defaultIsStmt, prologueEnd = false;
    };
    const emit = (endSequence: boolean) => {
      rows.push({ address, file, line, column, isStmt, prologueEnd, endSequence });
      prologueEnd = false;
    };
    while (r.pos < end) {
      const op = r.u8();
      if (op >= opcodeBase) {
        const adj = op - opcodeBase;
        address += Math.floor(adj / lineRange) * minInst;
        line += lineBase + (adj % lineRange);
        emit(false);
        continue;
      }
      switch (op) {
        case 0: {
          const len = r.uleb();
          const next = r.pos + len;
          const sub = len > 0 ? r.u8() : -1;
          if (sub === 1) {
            emit(true);
            reset();
          } else if (sub === 2) {
            address = len - 1 === 8 ? Number(r.u64()) : r.u32();
          }
          r.pos = next; // define_file, set_discriminator and unknown ones: skipped
          break;
        }
        case 1:
          emit(false);
          break;
        case 2:
          address += r.uleb() * minInst;
          break;
        case 3:
          line += r.sleb();
          break;
        case 4:
          file = r.uleb();
          break;
        case 5:
          column = r.uleb();
          break;
        case 6:
          isStmt = !isStmt;
          break;
        case 7: // set_basic_block
        case 11: // set_epilogue_begin
          break;
        case 8:
          address += Math.floor((255 - opcodeBase) / lineRange) * minInst;
          break;
        case 9:
          address += r.u16();
          break;
        case 10:
          prologueEnd = true;
          break;
        default:
          for (let i = 0; i < opLengths[op]; i++) r.uleb();
      }
    }
    r.pos = end;
    units.push({ offset, version, files, rows });
  }
  return units;
}

/** A source position: a file, a line and a column. */
export interface SourcePos {
  /** The file's path as the line table names it. */
  file: string;
  /** The line (1-based). */
  line: number;
  /** The column (0: none). */
  column: number;
}

/** The custom sections and the code section's start in a module binary. */
export function moduleSections(
  bytes: Uint8Array,
): { codeStart: number; customs: Map<string, Uint8Array> } {
  const r = new ByteReader(bytes, 8, "module");
  const customs = new Map<string, Uint8Array>();
  let codeStart = -1;
  while (r.pos < bytes.length) {
    const id = r.u8();
    const size = r.uleb();
    const start = r.pos;
    if (id === 0) {
      const n = r.uleb();
      const name = new TextDecoder().decode(bytes.subarray(r.pos, r.pos + n));
      customs.set(name, bytes.subarray(r.pos + n, start + size));
    } else if (id === 10) codeStart = start;
    r.pos = start + size;
  }
  return { codeStart, customs };
}

/**
 * A module's source lines: from module byte offsets to FILE:LINE and back. Build it with
 * {@linkcode SourceLines.fromModule} (null when the module carries no `.debug_line`).
 *
 * @example
 * ```ts
 * import { SourceLines } from "./dwarf.ts";
 * const bytes = Deno.readFileSync(new URL("../../testdata/debug/lines.wasm", import.meta.url));
 * const lines = SourceLines.fromModule(bytes)!;
 * const [at] = lines.offsetsOf("lines.c", 11); // `int y = x * x;` in square
 * console.assert(lines.lookup(at)?.line === 11);
 * ```
 */
export class SourceLines {
  /** Rows that begin a range (no end rows), by address, and where each range ends. */
  private readonly starts: { row: LineRow; unit: LineUnit; end: number }[] = [];

  /** Indexes `units` whose addresses count from `codeStart` (a module byte offset). */
  constructor(readonly units: LineUnit[], readonly codeStart: number) {
    for (const unit of units) {
      let seq: LineRow[] = [];
      for (const row of unit.rows) {
        if (!row.endSequence) {
          seq.push(row);
          continue;
        }
        // A sequence of a function the linker dropped starts at a tombstone (0 or -1).
        const live = seq.length > 0 && seq[0].address !== 0xffffffff && seq[0].address !== 0;
        for (let i = 0; live && i < seq.length; i++) {
          const end = i + 1 < seq.length ? seq[i + 1].address : row.address;
          if (end > seq[i].address) this.starts.push({ row: seq[i], unit, end });
        }
        seq = [];
      }
    }
    this.starts.sort((a, b) => a.row.address - b.row.address);
  }

  /** The source lines of module `bytes`, or null without a `.debug_line` section. */
  static fromModule(bytes: Uint8Array): SourceLines | null {
    const { codeStart, customs } = moduleSections(bytes);
    const section = customs.get(".debug_line");
    if (section === undefined || codeStart < 0) return null;
    const units = parseDebugLine(section, {
      str: customs.get(".debug_str"),
      lineStr: customs.get(".debug_line_str"),
    });
    return new SourceLines(units, codeStart);
  }

  /** The row covering module byte offset `offset`, or null. */
  row(offset: number): { row: LineRow; unit: LineUnit } | null {
    const a = offset - this.codeStart;
    let lo = 0, hi = this.starts.length - 1, best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid].row.address <= a) {
        best = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (best < 0 || a >= this.starts[best].end) return null;
    return this.starts[best];
  }

  /** The source position of module byte offset `offset` (null: none, or line 0). */
  lookup(offset: number): SourcePos | null {
    const hit = this.row(offset);
    if (hit === null || hit.row.line === 0) return null;
    return {
      file: hit.unit.files[hit.row.file] ?? "?",
      line: hit.row.line,
      column: hit.row.column,
    };
  }

  /**
   * The module byte offsets where line `line` of `file` begins (statement rows, one per
   * stretch of code for it, lowest first). `file` matches a path or its last components.
   */
  offsetsOf(file: string, line: number): number[] {
    const out: number[] = [];
    let prev: { row: LineRow; unit: LineUnit; end: number } | null = null;
    for (const s of this.starts) {
      const path = s.unit.files[s.row.file] ?? "";
      const match = s.row.line === line && s.row.isStmt && sameFile(path, file);
      const continues = prev !== null && prev.unit === s.unit && prev.row.line === line &&
        prev.row.file === s.row.file && prev.end === s.row.address;
      if (match && !continues) out.push(s.row.address + this.codeStart);
      prev = s;
    }
    return out;
  }

  /**
   * Where the prologue of the function whose code is [`start`, `end`) (module byte offsets)
   * ends: the first row flagged prologue_end in it, else the second line's first row (gdb's
   * rule: where a breakpoint on the function goes, once the frame is set up and the parameters
   * stored); null when the line table has no row there or only one line.
   */
  prologueEnd(start: number, end: number): number | null {
    const a = start - this.codeStart, b = end - this.codeStart;
    let first: LineRow | null = null, second: LineRow | null = null;
    for (const s of this.starts) {
      const at = s.row.address;
      if (at < a || at >= b) continue;
      if (s.row.prologueEnd) return at + this.codeStart;
      if (first === null) first = s.row;
      else if (second === null && s.row.line !== first.line && s.row.line !== 0) second = s.row;
    }
    return second === null ? null : second.address + this.codeStart;
  }

  /** The distinct file paths with rows. */
  files(): string[] {
    return [...new Set(this.starts.map((s) => s.unit.files[s.row.file] ?? ""))];
  }
}

/** Whether a line table's `path` names `file` (the same path, or ending with it). */
function sameFile(path: string, file: string): boolean {
  return path === file || path.endsWith(`/${file.replace(/^\.\//, "")}`);
}
