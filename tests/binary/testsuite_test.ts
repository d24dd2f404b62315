/**
 * Every binary module of the spec testsuite's top-level scripts: those outside
 * `assert_malformed` must decode and survive an encode/decode round trip; those inside must
 * fail with the expected message (the testsuite compares messages by prefix).
 */

import { assertEquals } from "./assert.ts";
import { isDeepStrictEqual } from "node:util";
import { decodeModule } from "../../src/binary/decode.ts";
import { encodeModule } from "../../src/binary/encode.ts";
import { DecodeError } from "../../src/errors.ts";
import { wastBinaries } from "./wast_scan.ts";
import type { Module } from "../../src/syntax/module.ts";
import { defaultSuiteDir, isDir } from "../../src/script/suite.ts";

const ROOT = defaultSuiteDir();
const DIRS = ["", "legacy/"];

/** The module with every `Func.offset` set to 0 (offsets depend on the binary's layout). */
function withoutOffsets(m: Module): Module {
  return { ...m, funcs: m.funcs.map((f) => ({ ...f, offset: 0 })) };
}

/** The name of the first field of `a` that differs from `b`, for messages. */
function firstDifference(a: Module, b: Module): string {
  for (const key of Object.keys(a) as (keyof Module)[]) {
    if (key === "funcs") {
      if (!isDeepStrictEqual(withoutOffsets(a).funcs, withoutOffsets(b).funcs)) return key;
    } else if (!isDeepStrictEqual(a[key], b[key])) return key;
  }
  return "?";
}

function scripts(): [string, string][] {
  const out: [string, string][] = [];
  for (const sub of DIRS) {
    const entries = [...Deno.readDirSync(`${ROOT}/${sub}`)];
    for (const e of entries.sort((a, b) => a.name < b.name ? -1 : 1)) {
      if (e.isFile && e.name.endsWith(".wast")) {
        out.push([sub + e.name, Deno.readTextFileSync(`${ROOT}/${sub}${e.name}`)]);
      }
    }
  }
  return out;
}

Deno.test({
  name: "testsuite binary modules decode, round-trip, or fail as expected",
  ignore: !isDir(ROOT),
  fn: checkBinaries,
});

function checkBinaries(): void {
  const files = scripts();
  assertEquals(files.length > 100, true);
  let decoded = 0;
  let roundTripped = 0;
  let malformed = 0;
  let matched = 0;
  const problems: string[] = [];
  for (const [file, source] of files) {
    for (const b of wastBinaries(source)) {
      const where = `${file}:${b.line}`;
      if (b.malformed === null) {
        let m;
        try {
          m = decodeModule(b.bytes);
        } catch (e) {
          problems.push(`${where}: decode failed: ${e}`);
          continue;
        }
        decoded++;
        try {
          const again = decodeModule(encodeModule(m));
          if (isDeepStrictEqual(withoutOffsets(again), withoutOffsets(m))) roundTripped++;
          else problems.push(`${where}: round trip differs: ${firstDifference(again, m)}`);
        } catch (e) {
          problems.push(`${where}: round trip failed: ${e}`);
        }
        continue;
      }
      malformed++;
      try {
        decodeModule(b.bytes);
        problems.push(`${where}: decoded, expected "${b.malformed}"`);
      } catch (e) {
        if (!(e instanceof DecodeError)) problems.push(`${where}: ${e}`);
        else if (!e.message.startsWith(b.malformed)) {
          problems.push(`${where}: "${e.message}", expected "${b.malformed}"`);
        } else matched++;
      }
    }
  }
  console.log(
    `decoded ${decoded}, round-tripped ${roundTripped}, malformed matched ${matched}/${malformed}`,
  );
  assertEquals(problems, []);
}
