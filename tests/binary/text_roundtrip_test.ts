/**
 * Modules the text parser builds from the spec testsuite survive an encode/decode round trip.
 * The parser belongs to `src/text`; it is loaded dynamically, and scripts or modules it cannot
 * read are skipped, so that this test checks only the binary format.
 */

import { assertEquals } from "./assert.ts";
import { isDeepStrictEqual } from "node:util";
import { decodeModule } from "../../src/binary/decode.ts";
import { encodeModule } from "../../src/binary/encode.ts";
import type { Module } from "../../src/syntax/module.ts";

const DIR = new URL("../../../shared/testsuite/", import.meta.url);

interface Node {
  kind: string;
  text?: string;
  items?: Node[];
  pos: { line: number };
}

function withoutOffsets(m: Module): Module {
  return { ...m, funcs: m.funcs.map((f) => ({ ...f, offset: 0 })) };
}

Deno.test("text-built testsuite modules round-trip through the binary format", async () => {
  let readSExprs: (source: string) => Node[];
  let parseModule: (list: Node) => Module;
  try {
    const sexprPath = "../../src/text/sexpr.ts";
    const parsePath = "../../src/text/parse.ts";
    readSExprs = (await import(sexprPath)).readSExprs;
    parseModule = (await import(parsePath)).parseModule;
    Deno.readDirSync(DIR);
  } catch {
    console.log("text parser or testsuite not available; skipped");
    return;
  }
  let roundTripped = 0;
  const problems: string[] = [];
  for (const e of [...Deno.readDirSync(DIR)].sort((a, b) => a.name < b.name ? -1 : 1)) {
    if (!e.name.endsWith(".wast")) continue;
    let nodes: Node[];
    try {
      nodes = readSExprs(Deno.readTextFileSync(new URL(e.name, DIR)));
    } catch {
      continue;
    }
    for (const node of nodes) {
      const items = node.items ?? [];
      if (items[0]?.text !== "module") continue;
      if (items.some((i) => i.kind === "keyword" && (i.text === "binary" || i.text === "quote"))) {
        continue;
      }
      let m: Module;
      try {
        m = parseModule(node);
      } catch {
        continue;
      }
      try {
        const again = decodeModule(encodeModule(m));
        if (isDeepStrictEqual(withoutOffsets(again), withoutOffsets(m))) roundTripped++;
        else problems.push(`${e.name}:${node.pos.line}: round trip differs`);
      } catch (err) {
        problems.push(`${e.name}:${node.pos.line}: ${err}`);
      }
    }
  }
  console.log(`text modules round-tripped: ${roundTripped}`);
  assertEquals(problems, []);
});
