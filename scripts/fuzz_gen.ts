/**
 * Makes random modules with binaryen's fuzzer (`wasm-opt -ttf`) for the differential tests
 * (tests/fuzz_harness.ts), or runs them once against V8 without keeping them.
 *
 * Each module comes from a seed: a seeded generator makes the random input bytes (1-8 KiB),
 * wasm-opt turns them into a valid module, and the module is kept only if V8 compiles it and
 * the harness can satisfy its imports. Kept modules are written as `<seed>.wasm` in `--out`,
 * so any one can be made again from its name.
 *
 * binaryen 108 (Debian) writes pre-standard GC encodings that V8 rejects; the npm package
 * binaryen@132 writes the final ones. By default this runs its wasm-opt through npx.
 *
 * ```sh
 * deno run -A scripts/fuzz_gen.ts --out testdata/gc --count 600 --seed 1
 * deno run -A scripts/fuzz_gen.ts --check --count 5000 --seed 100000   # compare, keep nothing
 * deno run -A scripts/fuzz_gen.ts --out testdata/fuzz --features mvp   # no GC flags
 * deno run -A scripts/fuzz_gen.ts --out testdata/fuzz/binaryen132 --features eh --count 300
 * deno run -A scripts/fuzz_gen.ts --out testdata/fuzz/binaryen108 --features eh108 \
 *   --wasm-opt wasm-opt --count 250                                      # Debian's binaryen 108
 * ```
 *
 * Options: `--out DIR`, `--count N` (modules to keep), `--seed S` (first seed), `--check`
 * (run each on V8 and gab and count agreements instead of writing), `--features gc|mvp|eh|eh108`,
 * `--wasm-opt "CMD"` (default `npx --yes -p binaryen@132.0.0 wasm-opt`), `--jobs N`.
 * Not run by CI (it needs binaryen); the committed modules are what the tests use.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { decodeModule } from "../src/binary/decode.ts";
import { importsSupported } from "../tests/fuzz_harness.ts";

const FEATURES: Record<string, string[]> = {
  gc: [
    "--enable-gc",
    "--enable-reference-types",
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-multivalue",
  ],
  mvp: [
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-multivalue",
  ],
  // The compiled tier's modules (testdata/fuzz/binaryen132): exceptions (a module binaryen
  // writes with both encodings is translated to the new one: V8 refuses the mix), tail
  // calls, reference types.
  eh: [
    "--enable-multivalue",
    "--enable-bulk-memory",
    "--enable-reference-types",
    "--enable-sign-ext",
    "--enable-nontrapping-float-to-int",
    "--enable-exception-handling",
    "--enable-tail-call",
    "--enable-mutable-globals",
  ],
  // The same without reference types, for binaryen 108 (testdata/fuzz/binaryen108: its
  // reference types predate the standard, its exceptions are the legacy encoding).
  eh108: [
    "--enable-multivalue",
    "--enable-bulk-memory",
    "--enable-sign-ext",
    "--enable-nontrapping-float-to-int",
    "--enable-exception-handling",
    "--enable-tail-call",
    "--enable-mutable-globals",
  ],
};

/** A small seeded generator (xorshift32 after a mixing step), for the input bytes. */
function randomBytes(seed: number): Uint8Array {
  let x = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ 0xc2b2ae35) | 0 || 1;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  const size = 1024 + next() % 7168;
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = next() & 0xff;
  return out;
}

async function generate(
  seed: number,
  cmd: string[],
  features: string[],
): Promise<Uint8Array | null> {
  const dir = await Deno.makeTempDir({ prefix: "fuzz_gen" });
  try {
    const input = `${dir}/in.dat`;
    const output = `${dir}/out.wasm`;
    await Deno.writeFile(input, randomBytes(seed));
    const opt = async (extra: string[]) => {
      const out = await new Deno.Command(cmd[0], {
        args: [...cmd.slice(1), input, "-ttf", ...features, ...extra, "-o", output],
        stdout: "null",
        stderr: "piped",
      }).output();
      return out.success ? await Deno.readFile(output) : null;
    };
    const bytes = await opt([]);
    // binaryen may mix the legacy and the new exception instructions, which V8 refuses:
    // then the same module with the legacy ones translated.
    if (bytes !== null && /mix of legacy and new/.test(rejection(bytes) ?? "")) {
      return await opt(["--translate-to-exnref"]);
    }
    return bytes;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** V8 runs of a kept module must end within this time (binaryen bounds most loops). */
const V8_LIMIT_MS = 3000;
/** A module's whole check (V8 and gab, in a worker) is stopped after this time. */
const CHECK_LIMIT_MS = 30_000;

/** What the worker reports about one module. */
interface OneResult {
  v8ms: number;
  gabms?: number;
  diff?: string | null;
}

/** A worker that runs modules (scripts/fuzz_worker.ts), replaced when one does not end. */
class Checker {
  private worker = this.spawn();

  /** Ends the worker. */
  close(): void {
    this.worker.terminate();
  }

  private spawn(): Worker {
    return new Worker(new URL("./fuzz_worker.ts", import.meta.url), { type: "module" });
  }

  /** Runs `bytes` on V8 (and gab with `compare`); a string when the check did not end. */
  check(bytes: Uint8Array, compare: boolean): Promise<OneResult | string> {
    return new Promise((resolve) => {
      const result: Partial<OneResult> = {};
      const timer = setTimeout(() => {
        this.worker.terminate();
        this.worker = this.spawn();
        // No V8 time: V8 itself did not finish (a module to drop, not a gab failure).
        resolve(result.v8ms === undefined ? { v8ms: Infinity } : "gab did not finish");
      }, CHECK_LIMIT_MS);
      this.worker.onmessage = (e: MessageEvent<OneResult>) => {
        Object.assign(result, e.data);
        if (!compare || result.v8ms! > V8_LIMIT_MS || "diff" in result) {
          clearTimeout(timer);
          resolve(result as OneResult);
        }
      };
      this.worker.onerror = (e) => {
        e.preventDefault();
        clearTimeout(timer);
        this.worker.terminate();
        this.worker = this.spawn();
        resolve(`worker failed: ${e.message}`);
      };
      this.worker.postMessage({ bytes, compare, v8LimitMs: V8_LIMIT_MS });
    });
  }
}

/** Why `bytes` is not kept, or null to keep it. */
function rejection(bytes: Uint8Array): string | null {
  try {
    new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
  } catch (err) {
    return `V8 rejects it: ${(err as Error).message}`;
  }
  return importsSupported(decodeModule(bytes));
}

async function main() {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      out: { type: "string", default: "testdata/gc" },
      count: { type: "string", default: "600" },
      seed: { type: "string", default: "1" },
      check: { type: "boolean", default: false },
      features: { type: "string", default: "gc" },
      "wasm-opt": { type: "string", default: "npx --yes -p binaryen@132.0.0 wasm-opt" },
      jobs: { type: "string", default: "2" },
    },
  });
  const cmd = values["wasm-opt"].split(/\s+/);
  const features = FEATURES[values.features];
  if (features === undefined) throw new Error(`unknown --features ${values.features}`);
  const count = Number(values.count);
  let seed = Number(values.seed);
  if (!values.check) await Deno.mkdir(values.out, { recursive: true });
  let kept = 0, rejected = 0, agree = 0;
  const differ = new Map<string, number[]>();
  const checkers: Checker[] = [];
  const worker = async () => {
    const checker = new Checker();
    checkers.push(checker);
    while (kept < count) {
      const s = seed++;
      const bytes = await generate(s, cmd, features);
      const why = bytes === null ? "wasm-opt failed" : rejection(bytes);
      if (why !== null || bytes === null) {
        rejected++;
        continue;
      }
      const res = await checker.check(bytes, values.check);
      if (typeof res !== "string" && res.v8ms > V8_LIMIT_MS) {
        rejected++;
        continue;
      }
      if (kept >= count) break;
      kept++;
      if (values.check) {
        const diff = typeof res === "string" ? `gab: ${res}` : res.diff;
        if (diff === null || diff === undefined) agree++;
        else {
          const key = diff.replace(/^at \d+: /, "");
          differ.set(key, [...(differ.get(key) ?? []), s]);
        }
      } else if (typeof res === "string") {
        rejected++;
        kept--;
      } else await Deno.writeFile(`${values.out}/${s}.wasm`, bytes);
      if (kept % 50 === 0) {
        console.error(
          `${kept}/${count} (rejected ${rejected}, agree ${agree}, differ ${kept - agree})`,
        );
        if (values.check) {
          for (const [k, v] of differ) console.error(`  ${v.length}\t${k}\t${v.slice(0, 3)}`);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Number(values.jobs) }, worker));
  for (const c of checkers) c.close();
  console.log(`${kept} modules kept, ${rejected} rejected, seeds up to ${seed - 1}`);
  if (values.check) {
    console.log(`${agree}/${kept} agree with V8`);
    for (const [k, seeds] of [...differ].sort((a, b) => b[1].length - a[1].length)) {
      console.log(`${seeds.length}\t${k}\t(seeds ${seeds.slice(0, 5).join(", ")})`);
    }
  }
}

if (import.meta.main) await main();
