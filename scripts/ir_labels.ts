/**
 * The IR numbers written in the interpreter's source, kept in step with the IR table
 * (src/ir/ops.ts). The loop's `case N /* name *\/` labels are numeric literals on purpose (V8
 * builds a jump table only for literal cases), and so are the few comparisons of an op with a
 * number (`op === 264 /* mem.copy8 *\/`); each carries its op's name in a comment.
 *
 * ```sh
 * deno run -A scripts/ir_labels.ts          # rewrite every `N /* name *\/` to the table's N
 * deno run -A scripts/ir_labels.ts --check  # only report mismatches (exit status 1)
 * ```
 *
 * After a row is added or removed in ops.ts, the rewrite renumbers the labels mechanically;
 * tests/ir/ops_test.ts runs {@linkcode labelProblems} so that a stale or bare number fails.
 *
 * @module
 */

import { IR } from "../src/ir/ops.ts";

/** The source files whose IR numbers are checked and rewritten. */
export const LABELLED_FILES: readonly URL[] = [
  new URL("../src/exec/interp.ts", import.meta.url),
];

/** A number with its op's name in a comment: `298 /* i32.add_imm.return *\/`. */
const LABEL = /\b(\d+) \/\* ([a-z0-9_.]+) \*\//g;

/**
 * A number compared with (or subtracted from) an op without a name comment: `op === 298`,
 * `code[pc] >= 314`, `op - 304`, or a bare `case 7:` in a switch.
 */
const BARE =
  /(?:\b(?:op|code\[pc\])\s*(?:===|!==|==|!=|>=|<=|<|>|-)\s*(\d+)\b(?! \/\*))|(?:\bcase (\d+):)/g;

/** `src` with every labelled number replaced by its op's number in the table. */
export function relabel(src: string): string {
  return src.replace(LABEL, (all, _n: string, name: string) => {
    const op = IR[name];
    return op === undefined ? all : `${op} /* ${name} */`;
  });
}

/**
 * The problems in `src` (one line each): a labelled number that is not its op's number in
 * the table, a label naming no op, a number compared with an op without a label.
 */
export function labelProblems(src: string): string[] {
  const problems: string[] = [];
  const lineOf = (at: number) => src.slice(0, at).split("\n").length;
  for (const m of src.matchAll(LABEL)) {
    const op = IR[m[2]];
    if (op === undefined) problems.push(`line ${lineOf(m.index)}: no IR op named ${m[2]}`);
    else if (op !== Number(m[1])) {
      problems.push(`line ${lineOf(m.index)}: ${m[2]} is ${op}, not ${m[1]}`);
    }
  }
  for (const m of src.matchAll(BARE)) {
    problems.push(`line ${lineOf(m.index)}: bare IR number in \`${m[0]}\``);
  }
  return problems;
}

if (import.meta.main) {
  const check = Deno.args.includes("--check");
  let bad = 0;
  for (const file of LABELLED_FILES) {
    const src = await Deno.readTextFile(file);
    if (check) {
      for (const p of labelProblems(src)) {
        console.log(`${file.pathname}: ${p}`);
        bad++;
      }
    } else {
      const out = relabel(src);
      if (out !== src) {
        await Deno.writeTextFile(file, out);
        console.log(`relabelled ${file.pathname}`);
      }
      for (const p of labelProblems(out)) {
        console.log(`${file.pathname}: ${p}`);
        bad++;
      }
    }
  }
  if (bad > 0) Deno.exit(1);
}
