import assert from "node:assert/strict";
import {
  type LineRow,
  moduleSections,
  parseDebugLine,
  SourceLines,
} from "../../src/debug/dwarf.ts";

// The oracle: llvm-dwarfdump-19 --debug-line, its output committed beside the test programs
// (so CI needs no LLVM): testdata/debug/lines.debug_line.txt is lines.c's unit (at 0x66) of
// lines.wasm (clang-19 -O0 -g: DWARF 4, linked with wasi-libc's own DWARF 4 units), and
// lines.dwarf5.debug_line.txt the whole table of lines.dwarf5.o (the same source compiled with
// -gdwarf-5: a version 5 header with its strings in .debug_line_str).

const dir = new URL("../../testdata/debug/", import.meta.url);

interface DumpRow extends LineRow {}

/** The rows and file names of llvm-dwarfdump's text for one unit. */
function readDump(text: string): { version: number; files: string[]; rows: DumpRow[] } {
  const version = Number(/^\s*version: (\d+)$/m.exec(text)![1]);
  const files = [...text.matchAll(/^file_names\[\s*(\d+)\]:\n\s+name: "([^"]*)"/gm)].map(
    (m) => [Number(m[1]), m[2]] as const,
  );
  const rows = [
    ...text.matchAll(
      /^0x([0-9a-f]{16})\s+(\d+)\s+(\d+)\s+(\d+)\s+\d+\s+\d+\s+\d+\s*([a-z_ ]*)$/gm,
    ),
  ].map((m) => {
    const flags = m[5].trim().split(/\s+/);
    return {
      address: parseInt(m[1], 16),
      line: Number(m[2]),
      column: Number(m[3]),
      file: Number(m[4]),
      isStmt: flags.includes("is_stmt"),
      prologueEnd: flags.includes("prologue_end"),
      endSequence: flags.includes("end_sequence"),
    };
  });
  const names: string[] = [];
  for (const [i, name] of files) names[i] = name;
  return { version, files: names, rows };
}

function sections(name: string) {
  const { customs, codeStart } = moduleSections(Deno.readFileSync(new URL(name, dir)));
  return { customs, codeStart };
}

Deno.test("dwarf: lines.wasm's unit for lines.c is llvm-dwarfdump's (DWARF 4)", () => {
  const dump = readDump(Deno.readTextFileSync(new URL("lines.debug_line.txt", dir)));
  assert.equal(dump.version, 4);
  assert.ok(dump.rows.length > 20);
  const { customs } = sections("lines.wasm");
  const units = parseDebugLine(customs.get(".debug_line")!);
  const unit = units.find((u) => u.offset === 0x66)!;
  assert.equal(unit.version, 4);
  assert.deepEqual(unit.rows, dump.rows);
  assert.equal(unit.files[1], dump.files[1]);
  assert.equal(unit.files[1], "lines.c");
  assert.ok(units.length > 40, "wasi-libc's units decode too");
});

Deno.test("dwarf: a DWARF 5 table (strings in .debug_line_str) is llvm-dwarfdump's", () => {
  const dump = readDump(Deno.readTextFileSync(new URL("lines.dwarf5.debug_line.txt", dir)));
  assert.equal(dump.version, 5);
  const { customs } = sections("lines.dwarf5.o");
  const units = parseDebugLine(customs.get(".debug_line")!, {
    str: customs.get(".debug_str"),
    lineStr: customs.get(".debug_line_str"),
  });
  assert.equal(units.length, 1);
  assert.equal(units[0].version, 5);
  assert.deepEqual(units[0].rows, dump.rows);
  assert.equal(units[0].files[0], dump.files[0]);
});

Deno.test("dwarf: SourceLines maps module offsets to lines and lines to offsets", () => {
  const bytes = Deno.readFileSync(new URL("lines.wasm", dir));
  const { codeStart } = moduleSections(bytes);
  const lines = SourceLines.fromModule(bytes)!;
  const dump = readDump(Deno.readTextFileSync(new URL("lines.debug_line.txt", dir)));
  // Every address inside a row's range maps to that row's line (line 0: no position).
  for (let i = 0; i + 1 < dump.rows.length; i++) {
    const row = dump.rows[i];
    if (row.endSequence) continue;
    for (let a = row.address; a < dump.rows[i + 1].address; a++) {
      const p = lines.lookup(a + codeStart);
      if (row.line === 0) assert.equal(p, null);
      else assert.deepEqual(p, { file: "lines.c", line: row.line, column: row.column });
    }
  }
  // Where each line begins: its statement rows that do not continue the same line.
  const starts = (line: number) => {
    const out: number[] = [];
    dump.rows.forEach((r, i) => {
      const prev = dump.rows[i - 1];
      const cont = prev !== undefined && !prev.endSequence && prev.line === line;
      if (r.line === line && r.isStmt && !r.endSequence && !cont) out.push(r.address + codeStart);
    });
    return out;
  };
  for (const line of [10, 11, 16, 19, 20, 22]) {
    assert.deepEqual(lines.offsetsOf("lines.c", line), starts(line), `line ${line}`);
  }
  assert.ok(lines.offsetsOf("lines.c", 19).length >= 2, "a for loop's line begins twice");
  assert.deepEqual(lines.offsetsOf("lines.c", 14), [], "a blank line has no code");
  assert.deepEqual(lines.offsetsOf("other.c", 11), []);
  assert.equal(lines.lookup(0), null);
  // corrupt.wasm was built without -g: only wasi-libc's units, none for corrupt.c.
  const libcOnly = SourceLines.fromModule(Deno.readFileSync(new URL("corrupt.wasm", dir)));
  assert.ok(libcOnly !== null && !libcOnly.files().some((f) => f.endsWith("corrupt.c")));
  assert.ok(SourceLines.fromModule(Deno.readFileSync(new URL("../hello.wasm", dir))) === null);
});
