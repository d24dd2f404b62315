/**
 * Modules the text parser builds from the spec testsuite survive an encode/decode round trip.
 * Only the binary format is under test here: a top-level module the parser rejects is counted
 * and left out (tests/script/spec_test.ts and roundtrip_test.ts hold the parser to the
 * testsuite), but every script must read as S-expressions and most modules must round-trip.
 */

import { assertEquals } from "./assert.ts";
import assert from "node:assert/strict";
import { isDeepStrictEqual } from "node:util";
import { decodeModule } from "../../src/binary/decode.ts";
import { encodeModule } from "../../src/binary/encode.ts";
import { defaultSuiteDir, isDir } from "../../src/script/suite.ts";
import type { Module } from "../../src/syntax/module.ts";
import { parseModule } from "../../src/text/parse.ts";
import { readSExprs, type SExpr } from "../../src/text/sexpr.ts";

const DIR = defaultSuiteDir();

function withoutOffsets(m: Module): Module {
  return { ...m, funcs: m.funcs.map((f) => ({ ...f, offset: 0 })) };
}

Deno.test({
  name: "text-built testsuite modules round-trip through the binary format",
  ignore: !isDir(DIR),
  fn() {
    let roundTripped = 0, unparsed = 0;
    const problems: string[] = [];
    const files = [...Deno.readDirSync(DIR)].map((e) => e.name).filter((n) => n.endsWith(".wast"))
      .sort();
    for (const name of files) {
      let nodes: SExpr[];
      try {
        nodes = readSExprs(Deno.readTextFileSync(`${DIR}/${name}`));
      } catch (err) {
        problems.push(`${name}: not S-expressions: ${err}`);
        continue;
      }
      for (const node of nodes) {
        if (node.kind !== "list") continue;
        const items = node.items;
        const head = items[0];
        if (head?.kind !== "keyword" || head.text !== "module") continue;
        if (
          items.some((i) => i.kind === "keyword" && (i.text === "binary" || i.text === "quote"))
        ) {
          continue;
        }
        let m: Module;
        try {
          m = parseModule(node);
        } catch {
          unparsed++;
          continue;
        }
        try {
          const again = decodeModule(encodeModule(m));
          if (isDeepStrictEqual(withoutOffsets(again), withoutOffsets(m))) roundTripped++;
          else problems.push(`${name}:${node.pos.line}: round trip differs`);
        } catch (err) {
          problems.push(`${name}:${node.pos.line}: ${err}`);
        }
      }
    }
    console.log(`text modules round-tripped: ${roundTripped} (${unparsed} not parsed)`);
    assertEquals(problems, []);
    assert.ok(roundTripped > 2000, `only ${roundTripped} modules round-tripped`);
  },
});
