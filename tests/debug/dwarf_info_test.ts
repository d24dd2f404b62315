import assert from "node:assert/strict";
import { AT, DebugInfo, type Die, tagName } from "../../src/debug/dwarf_info.ts";
import { evalLocation, formatExpr } from "../../src/debug/dwarf_expr.ts";

// The oracle: llvm-dwarfdump-19 --debug-info, committed beside the test program (so CI needs no
// LLVM): testdata/debug/vars.c built at -O0 with DWARF 4 (clang's default for wasm32), at -O0
// with -gdwarf-5 (indexed strings and addresses, range lists) and at -O1 (location lists,
// pieces, constant values, inlined subroutines), each linked with wasi-libc's own DWARF 4
// units; VARIANT.debug_info.txt is the dump of vars.c's unit (scripts/build_testdata.sh debug).

const dir = new URL("../../testdata/debug/", import.meta.url);
const VARIANTS = ["vars", "vars.dwarf5", "vars.O1"];

/** One DIE of llvm-dwarfdump's text: offset, depth, tag and attribute texts by DW_AT_ name. */
interface DumpDie {
  offset: number;
  depth: number;
  tag: string;
  attrs: Map<string, string>;
}

/** The DIEs of a dump (NULL entries left out), attribute values with whitespace collapsed. */
function readDump(text: string): DumpDie[] {
  const out: DumpDie[] = [];
  let cur: DumpDie | null = null;
  let attr: [string, string] | null = null;
  const flush = () => {
    if (cur !== null && attr !== null) {
      cur.attrs.set(attr[0], attr[1].replace(/\s+/g, " ").trim().replace(/\)$/, ""));
    }
    attr = null;
  };
  for (const line of text.split("\n")) {
    const die = /^0x([0-9a-f]{8}):( +)(DW_TAG_\w+|NULL)$/.exec(line);
    if (die !== null) {
      flush();
      cur = null;
      if (die[3] !== "NULL") {
        cur = {
          offset: parseInt(die[1], 16),
          depth: (die[2].length - 1) / 2,
          tag: die[3],
          attrs: new Map(),
        };
        out.push(cur);
      }
      continue;
    }
    const at = /^\s+(DW_AT_\w+)\t\((.*)$/.exec(line);
    if (at !== null && cur !== null) {
      flush();
      attr = [at[1], at[2]];
    } else if (attr !== null && line.trim() !== "") attr[1] += ` ${line.trim()}`;
    else flush();
  }
  flush();
  return out;
}

const hex8 = (n: number) => `0x${n.toString(16).padStart(8, "0")}`;

/** Our DIEs of `unit` in the dump's order, with their depth. */
function flatten(root: Die): { die: Die; depth: number }[] {
  const out: { die: Die; depth: number }[] = [];
  const walk = (d: Die, depth: number) => {
    out.push({ die: d, depth });
    for (const c of d.children) walk(c, depth + 1);
  };
  walk(root, 0);
  return out;
}

for (const variant of VARIANTS) {
  Deno.test(`dwarf_info: ${variant}.wasm's unit of vars.c matches llvm-dwarfdump (tags, names, types, locations)`, () => {
    const info = DebugInfo.fromModule(Deno.readFileSync(new URL(`${variant}.wasm`, dir)))!;
    assert.ok(info !== null);
    const dump = readDump(Deno.readTextFileSync(new URL(`${variant}.debug_info.txt`, dir)));
    const unit = info.units.find((u) => info.name(u.root) === "vars.c");
    assert.ok(unit !== undefined, "vars.c's unit");
    assert.equal(info.units.length, 35, "vars.c's unit and wasi-libc's 34");
    const ours = flatten(unit.root);
    assert.deepEqual(
      ours.map(({ die, depth }) => `${hex8(die.offset)} ${depth} ${tagName(die.tag)}`),
      dump.map((d) => `${hex8(d.offset)} ${d.depth} ${d.tag}`),
      "the DIE tree: offsets, nesting, tags",
    );
    let locations = 0, lists = 0;
    for (let i = 0; i < ours.length; i++) {
      const { die } = ours[i];
      const want = dump[i].attrs;
      const where = `${variant} DIE ${hex8(die.offset)}`;
      const name = info.attr(die, AT.name)?.value;
      assert.equal(name === undefined ? undefined : `"${name}"`, want.get("DW_AT_name"), where);
      const type = info.ref(die, AT.type);
      const wantType = want.get("DW_AT_type");
      if (info.attr(die, AT.type) !== undefined) {
        const [, off, tname] = /^(0x[0-9a-f]{8}) "(.*)"$/.exec(wantType!)!;
        assert.equal(hex8(type!.offset), off, `${where} type`);
        // (llvm-dwarfdump-19 names a restrict-qualified pointer "restrict ")
        if (!tname.includes("restrict")) assert.equal(info.typeName(type), tname, `${where} type`);
      } else assert.equal(wantType, undefined, where);
      for (
        const [at, label] of [[AT.location, "DW_AT_location"], [
          AT.frame_base,
          "DW_AT_frame_base",
        ]] as const
      ) {
        const loc = info.locations(die, at);
        const text = want.get(label);
        if (loc === null) {
          assert.equal(text, undefined, `${where} ${label}`);
          continue;
        }
        locations++;
        if (loc instanceof Uint8Array) {
          assert.equal(formatExpr(loc), text, `${where} ${label}`);
        } else {
          lists++;
          const entries = loc.map((e) =>
            `[${hex8(e.start)}, ${hex8(e.end)}): ${formatExpr(e.expr)}`
          );
          assert.equal(
            text!.replace(/^0x[0-9a-f]+: /, ""),
            entries.join(" "),
            `${where} ${label}`,
          );
        }
      }
      const ranges = info.ranges(die).map((r) => `[${hex8(r.start)}, ${hex8(r.end)})`);
      if (want.has("DW_AT_high_pc")) {
        assert.deepEqual(ranges, [
          `[${want.get("DW_AT_low_pc")}, ${want.get("DW_AT_high_pc")})`,
        ], `${where} pc range`);
      } else if (want.has("DW_AT_ranges")) {
        const listed = want.get("DW_AT_ranges")!.match(/\[0x[0-9a-f]+, 0x[0-9a-f]+\)/g);
        assert.deepEqual(ranges, listed, `${where} ranges`);
      }
      const cv = info.attr(die, AT.const_value);
      if (cv !== undefined) assert.equal(`${cv.value}`, want.get("DW_AT_const_value"), where);
      for (
        const [at, label] of [[AT.byte_size, "DW_AT_byte_size"], [AT.count, "DW_AT_count"], [
          AT.data_member_location,
          "DW_AT_data_member_location",
        ]] as const
      ) {
        const v = info.num(die, at);
        const text = want.get(label);
        assert.equal(
          v === null ? undefined : `0x${v.toString(16).padStart(2, "0")}`,
          text,
          `${where} ${label}`,
        );
      }
    }
    assert.ok(
      locations >= (variant === "vars.O1" ? 8 : 15),
      `${variant}: ${locations} locations compared`,
    );
    if (variant === "vars.O1") assert.ok(lists >= 4, `${lists} location lists compared`);
  });
}

Deno.test("dwarf_info: wasi-libc's units parse too, and every subprogram's locations decode", () => {
  for (const variant of VARIANTS) {
    const info = DebugInfo.fromModule(Deno.readFileSync(new URL(`${variant}.wasm`, dir)))!;
    let exprs = 0;
    const walk = (d: Die) => {
      for (const at of [AT.location, AT.frame_base]) {
        const loc = info.locations(d, at);
        if (loc instanceof Uint8Array) formatExpr(loc), exprs++;
        else if (loc !== null) { for (const e of loc) formatExpr(e.expr), exprs++; }
      }
      d.children.forEach(walk);
    };
    info.units.forEach((u) => walk(u.root));
    assert.ok(exprs > 100, `${variant}: ${exprs} expressions`);
    assert.ok(info.subprograms().length > 20);
  }
});

Deno.test("dwarf_expr: evaluation of the expressions clang writes for wasm", () => {
  const wasm = (space: number, index: number) => BigInt(space * 1000 + index);
  const ctx = {
    addressSize: 4,
    wasm,
    memory: () => null,
    frameBase: () => 0x10000n,
  };
  // DW_OP_fbreg +144: memory at frame base + 144
  assert.deepEqual(evalLocation(Uint8Array.of(0x91, 0x90, 0x01), ctx), {
    kind: "memory",
    address: 0x10090,
  });
  // DW_OP_WASM_location 0x0 0x2, DW_OP_stack_value: the value of local 2
  assert.deepEqual(evalLocation(Uint8Array.of(0xed, 0, 2, 0x9f), ctx), {
    kind: "value",
    value: 2n,
  });
  // DW_OP_WASM_location 0x3 <u32 0>: global 0 (fixed-width index), as a home
  assert.deepEqual(evalLocation(Uint8Array.of(0xed, 3, 0, 0, 0, 0), ctx), {
    kind: "wasm",
    space: 3,
    index: 0,
  });
  // the -O1 induction variable: (local 3 - (-16)) / 4 + 1
  const i = Uint8Array.of(0xed, 0, 3, 0x11, 0x70, 0x1c, 0x11, 4, 0x1b, 0x11, 1, 0x22, 0x9f);
  assert.equal(
    formatExpr(i),
    "DW_OP_WASM_location 0x0 0x3, DW_OP_consts -16, DW_OP_minus, DW_OP_consts +4, DW_OP_div, DW_OP_consts +1, DW_OP_plus, DW_OP_stack_value",
  );
  assert.deepEqual(evalLocation(i, ctx), { kind: "value", value: 5n });
  // DW_OP_addr 0xe00
  assert.deepEqual(evalLocation(Uint8Array.of(3, 0, 0xe, 0, 0), ctx), {
    kind: "memory",
    address: 0xe00,
  });
  // pieces: lit10 stack_value piece 4, (empty) piece 1
  assert.deepEqual(evalLocation(Uint8Array.of(0x3a, 0x9f, 0x93, 4, 0x93, 1), ctx), {
    kind: "pieces",
    pieces: [{ size: 4, loc: { kind: "value", value: 10n } }, { size: 1, loc: null }],
  });
  assert.deepEqual(evalLocation(new Uint8Array(0), ctx), { kind: "none" });
});
