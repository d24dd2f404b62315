/**
 * Runs the validator over the spec testsuite: every `assert_invalid` module must be rejected
 * with a message that starts with the expected text, and every `module` command's module must
 * be accepted. Ignored where the testsuite is missing.
 *
 * `GAB_VALID_VERBOSE=1` prints each failure.
 *
 * @module
 */

import assert from "node:assert/strict";
import { decodeModule } from "../../src/binary/decode.ts";
import { ValidationError } from "../../src/errors.ts";
import type { Command, ModuleDef } from "../../src/script/ast.ts";
import { parseScript } from "../../src/script/parse.ts";
import { defaultSuiteDir, isDir } from "../../src/script/suite.ts";
import type { Module } from "../../src/syntax/module.ts";
import { parseModule, parseModuleText } from "../../src/text/parse.ts";
import { validateModule } from "../../src/valid/validate.ts";

const ROOT = `${defaultSuiteDir()}/`;

function files(): string[] {
  const out: string[] = [];
  for (const dir of ["", "legacy/"]) {
    for (const e of Deno.readDirSync(`${ROOT}${dir}`)) {
      if (e.isFile && e.name.endsWith(".wast")) out.push(dir + e.name);
    }
  }
  return out.sort();
}

function load(def: ModuleDef): Module {
  const s = def.source;
  if (s.kind === "text") return parseModule(s.list);
  if (s.kind === "quote") return parseModuleText(s.bytes);
  return decodeModule(s.bytes);
}

Deno.test({
  name: "testsuite: assert_invalid and valid modules",
  ignore: !isDir(ROOT),
  fn() {
    const verbose = Deno.env.get("GAB_VALID_VERBOSE") === "1";
    let invalidOk = 0, invalidBad = 0, invalidUnparsed = 0;
    let validOk = 0, validRejected = 0, validUnparsed = 0, legacyOk = 0;
    const failures: string[] = [];
    for (const file of files()) {
      let commands: Command[];
      try {
        commands = parseScript(Deno.readTextFileSync(`${ROOT}${file}`)).commands;
      } catch (e) {
        failures.push(`${file}: script: ${(e as Error).message}`);
        continue;
      }
      for (const cmd of commands) {
        if (cmd.kind === "assert_invalid") {
          let m: Module;
          try {
            m = load(cmd.module);
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
            m = load(cmd.module);
          } catch (e) {
            validUnparsed++;
            failures.push(`${file}:${cmd.line}: unparsed: ${(e as Error).message}`);
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
    assert.equal(invalidUnparsed + validUnparsed, 0, "modules that do not parse");
    assert.equal(invalidBad, 0, "assert_invalid failures");
    assert.equal(failures.length, 0, failures.slice(0, 20).join("\n"));
  },
});
