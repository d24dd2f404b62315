/**
 * Runs the validator over the spec testsuite: every `assert_invalid` module must be rejected
 * with a message that starts with the expected text, and every `module` command's module must
 * be accepted. Skipped (with a message) while the text parser does not exist.
 *
 * `GAB_VALID_VERBOSE=1` prints each failure.
 *
 * @module
 */

import assert from "node:assert/strict";
import { ValidationError } from "../../src/errors.ts";
import type { Module } from "../../src/syntax/module.ts";
import type { Command, ModuleDef } from "../../src/script/ast.ts";
import { validateModule } from "../../src/valid/validate.ts";

const ROOT = new URL("../../../shared/testsuite/", import.meta.url);

interface Front {
  parseModule: (list: import("../../src/text/sexpr.ts").SList) => Module;
  parseModuleText: (source: string | Uint8Array) => Module;
  decodeModule: (bytes: Uint8Array) => Module;
  parseScript: (source: string) => { commands: Command[] };
}

async function loadFront(): Promise<Front | null> {
  try {
    const text = await import("../../src/text/parse.ts");
    const bin = await import("../../src/binary/decode.ts");
    const script = await import("../../src/script/parse.ts");
    return {
      parseModule: text.parseModule,
      parseModuleText: text.parseModuleText,
      decodeModule: bin.decodeModule,
      parseScript: script.parseScript,
    };
  } catch (e) {
    console.log(`testsuite_test: skipped, front end not available (${(e as Error).message})`);
    return null;
  }
}

const front = await loadFront();

function files(): string[] {
  const out: string[] = [];
  for (const dir of ["", "legacy/"]) {
    for (const e of Deno.readDirSync(new URL(dir, ROOT))) {
      if (e.isFile && e.name.endsWith(".wast")) out.push(dir + e.name);
    }
  }
  return out.sort();
}

function load(f: Front, def: ModuleDef): Module {
  const s = def.source;
  if (s.kind === "text") return f.parseModule(s.list);
  if (s.kind === "quote") return f.parseModuleText(s.bytes);
  return f.decodeModule(s.bytes);
}

Deno.test({
  name: "testsuite: assert_invalid and valid modules",
  ignore: front === null,
  fn() {
    const f = front!;
    const verbose = Deno.env.get("GAB_VALID_VERBOSE") === "1";
    let invalidOk = 0, invalidBad = 0, invalidUnparsed = 0;
    let validOk = 0, validRejected = 0, validUnparsed = 0, legacyOk = 0;
    const failures: string[] = [];
    for (const file of files()) {
      let commands: Command[];
      try {
        commands = f.parseScript(Deno.readTextFileSync(new URL(file, ROOT))).commands;
      } catch (e) {
        failures.push(`${file}: script: ${(e as Error).message}`);
        continue;
      }
      for (const cmd of commands) {
        if (cmd.kind === "assert_invalid") {
          let m: Module;
          try {
            m = load(f, cmd.module);
          } catch (e) {
            invalidUnparsed++;
            failures.push(`${file}:${cmd.line}: unparsed: ${(e as Error).message}`);
            continue;
          }
          try {
            validateModule(m);
            invalidBad++;
            failures.push(`${file}:${cmd.line}: accepted, expected "${cmd.message}"`);
          } catch (e) {
            if (e instanceof ValidationError && e.message.startsWith(cmd.message)) {
              invalidOk++;
              if (file.startsWith("legacy/")) legacyOk++;
            } else {
              invalidBad++;
              failures.push(
                `${file}:${cmd.line}: got "${(e as Error).message}", expected "${cmd.message}"`,
              );
            }
          }
        } else if (cmd.kind === "module") {
          let m: Module;
          try {
            m = load(f, cmd.module);
          } catch {
            validUnparsed++;
            continue;
          }
          try {
            validateModule(m);
            validOk++;
          } catch (e) {
            validRejected++;
            failures.push(`${file}:${cmd.line}: valid module rejected: ${(e as Error).message}`);
          }
        }
      }
    }
    if (verbose) { for (const line of failures) console.log(line); }
    console.log(
      `assert_invalid: ${invalidOk} passed (${legacyOk} of them in legacy/), ${invalidBad} ` +
        `failed, ${invalidUnparsed} unparsed; ` +
        `modules: ${validOk} valid, ${validRejected} rejected, ${validUnparsed} unparsed`,
    );
    assert.equal(validRejected, 0, "valid modules rejected");
    assert.equal(invalidBad, 0, "assert_invalid failures");
  },
});
