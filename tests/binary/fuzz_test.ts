/**
 * Fuzzing the decoder (and the validator) with mutated binaries: modules of the spec testsuite
 * (binary modules as written, text modules encoded) with bits flipped, bytes inserted,
 * deleted or overwritten, LEB128 numbers extended, and truncated. Each mutant must decode to a
 * module or throw a DecodeError; a decoded mutant must validate or throw a ValidationError.
 * Any other exception fails. The PRNG is seeded, so every run tries the same mutants.
 */
import assert from "node:assert/strict";
import { DecodeError, ValidationError } from "../../src/errors.ts";
import { defaultEngine } from "../../src/script/engine.ts";
import { parseScript } from "../../src/script/parse.ts";
import { wellFormedModules } from "../../src/script/roundtrip.ts";
import { defaultSuiteDir, isDir, readScript, suiteFiles } from "../../src/script/suite.ts";

const engine = defaultEngine();
const dir = defaultSuiteDir();

/** A small seeded PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Encoded modules of the testsuite: every `step`-th well-formed module up to `maxSize` bytes. */
function corpus(step: number, maxSize: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let n = 0;
  for (const file of suiteFiles(dir)) {
    let defs;
    try {
      defs = wellFormedModules(parseScript(readScript(`${dir}/${file}`)));
    } catch {
      continue;
    }
    for (const def of defs) {
      if (n++ % step !== 0) continue;
      try {
        const src = def.source;
        const bytes = src.kind === "binary" ? src.bytes : engine.encodeModule!(
          src.kind === "text" ? engine.parseModule!(src.list) : engine.parseModuleText!(src.bytes),
        );
        if (bytes.length <= maxSize) out.push(bytes);
      } catch {
        // Modules that do not load are the spec and round-trip tests' business.
      }
    }
  }
  return out;
}

/** One random mutation of a binary. */
function mutate(b: Uint8Array, rand: () => number): Uint8Array {
  const at = (n: number) => Math.floor(rand() * n);
  const pos = at(b.length + 1);
  switch (at(7)) {
    case 0: { // flip one to three bits
      const out = b.slice();
      for (let k = 1 + at(3); k > 0; k--) {
        const i = at(out.length);
        out[i] ^= 1 << at(8);
      }
      return out;
    }
    case 1: { // insert a byte
      const out = new Uint8Array(b.length + 1);
      out.set(b.subarray(0, pos));
      out[pos] = at(256);
      out.set(b.subarray(pos), pos + 1);
      return out;
    }
    case 2: { // delete a byte
      if (b.length === 0) return b;
      const i = at(b.length);
      const out = new Uint8Array(b.length - 1);
      out.set(b.subarray(0, i));
      out.set(b.subarray(i + 1), i);
      return out;
    }
    case 3: { // extend a LEB128 number: b -> b|0x80, 0x80*, 0x00
      const i = at(b.length);
      const pad = 1 + at(5);
      const out = new Uint8Array(b.length + pad);
      out.set(b.subarray(0, i));
      out[i] = b[i] | 0x80;
      for (let k = 1; k < pad; k++) out[i + k] = 0x80;
      out[i + pad] = b[i] & 0x80 ? 0x80 : 0;
      out.set(b.subarray(i + 1), i + pad + 1);
      return out;
    }
    case 4: { // overwrite a byte with an extreme value
      const out = b.slice();
      out[at(out.length)] = [0x00, 0x7f, 0x80, 0xff][at(4)];
      return out;
    }
    case 5: // truncate
      return b.slice(0, at(b.length));
    default: { // duplicate a slice (repeated sections, runs of instructions)
      const len = at(Math.min(16, b.length - pos) + 1);
      const out = new Uint8Array(b.length + len);
      out.set(b.subarray(0, pos + len));
      out.set(b.subarray(pos), pos + len);
      return out;
    }
  }
}

Deno.test({
  name: "decoding mutated modules gives a module or a DecodeError, never a crash",
  ignore: !isDir(dir),
  fn() {
    const modules = corpus(3, 4096);
    assert.ok(modules.length > 100, `only ${modules.length} modules`);
    const rand = prng(0x9ab);
    const decode = engine.decodeModule!;
    const validate = engine.validate;
    const crashes: string[] = [];
    let decoded = 0;
    let tried = 0;
    const started = performance.now();
    for (let round = 0; round < 24; round++) {
      for (let m = 0; m < modules.length; m++) {
        const bytes = mutate(modules[m], rand);
        tried++;
        let module;
        try {
          module = decode(bytes);
          decoded++;
        } catch (err) {
          if (!(err instanceof DecodeError)) crashes.push(report("decode", m, bytes, err));
          continue;
        }
        if (validate === undefined) continue;
        try {
          validate(module);
        } catch (err) {
          if (!(err instanceof ValidationError)) crashes.push(report("validate", m, bytes, err));
        }
      }
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(`fuzz: ${tried} mutants, ${decoded} decoded, ${seconds.toFixed(1)}s`);
    assert.deepEqual(crashes.slice(0, 20), [], `${crashes.length} crashes`);
  },
});

function report(stage: string, m: number, bytes: Uint8Array, err: unknown): string {
  const hex = [...bytes].map((x) => x.toString(16).padStart(2, "0")).join("");
  const what = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return `${stage} of a mutant of module #${m}: ${what}\n    ${hex.slice(0, 400)}`;
}
