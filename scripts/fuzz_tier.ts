/**
 * Runs the compiled tier's differential check (tests/tier/differential.ts) over folders of
 * fuzz modules named `<seed>.wasm` (scripts/fuzz_gen.ts makes them): V8 against gab's
 * interpreter, and the interpreter against the tier forced on (`all`) and with its default
 * thresholds (`hot`), on random budgets with snapshots restored between them. Prints each
 * module that disagrees, then the counts. The committed modules run in `deno task test`
 * (tests/tier/fuzz_test.ts); this is for many more, once, by hand.
 *
 * ```sh
 * deno run -A scripts/fuzz_tier.ts testdata/fuzz/binaryen108          # a folder (or several)
 * deno run -A scripts/fuzz_tier.ts --tiers all --slices 40 DIR          # one mode, more pauses
 * ```
 *
 * The exit code is 1 when a module disagrees.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { checkModule } from "../tests/tier/differential.ts";
import type { TierMode } from "../src/script/engine.ts";

const { values, positionals } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: {
    tiers: { type: "string", default: "all,hot" },
    slices: { type: "string", default: "24" },
  },
});
const tiers = values.tiers.split(",") as TierMode[];
const slices = Number(values.slices);
if (positionals.length === 0 || tiers.some((t) => !["off", "hot", "all"].includes(t))) {
  console.error("usage: deno run -A scripts/fuzz_tier.ts [--tiers all,hot] [--slices N] DIR...");
  Deno.exit(2);
}
let modules = 0, v8Differ = 0, tierDiffer = 0, withCompiled = 0, snapshots = 0;
const started = performance.now();
for (const dir of positionals) {
  const names = [...Deno.readDirSync(dir)].filter((e) => /^\d+\.wasm$/.test(e.name))
    .map((e) => e.name).sort((a, b) => parseInt(a) - parseInt(b));
  for (const name of names) {
    const bytes = Deno.readFileSync(`${dir}/${name}`);
    const check = checkModule(bytes, parseInt(name), { tiers, slices });
    modules++;
    snapshots += check.snapshots;
    if ((check.compiled[tiers[0]] ?? 0) > 0) withCompiled++;
    if (check.v8 !== null) {
      v8Differ++;
      console.log(`${dir}/${name}: V8/gab: ${check.v8}`);
    }
    for (const [tier, diff] of Object.entries(check.tiers)) {
      if (diff === null) continue;
      tierDiffer++;
      console.log(`${dir}/${name}: tier ${tier}: ${diff}`);
    }
    if (modules % 100 === 0) console.error(`${modules} modules ...`);
  }
}
const seconds = ((performance.now() - started) / 1000).toFixed(0);
console.log(
  `${modules} modules (${snapshots} snapshots, ${withCompiled} with functions compiled): ` +
    `${v8Differ} differ between V8 and gab, ${tierDiffer} tier runs differ from the ` +
    `interpreter (${seconds} s)`,
);
Deno.exit(v8Differ + tierDiffer > 0 ? 1 : 0);
