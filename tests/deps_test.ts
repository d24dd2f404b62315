/**
 * The import graph of src/: no cycles, and every import points down the layers of the
 * developers' guide: syntax is a leaf; binary, text and valid run nothing; runtime holds state
 * and runs nothing; the IR is lowered from it and exec runs it; snapshot, api, wasi and debug
 * drive the engine; script and the CLI sit on top. Type-only imports count too (a runtime
 * file that names exec's `Machine` depends on exec).
 *
 * @module
 */

import assert from "node:assert/strict";
import * as path from "node:path";

const SRC = path.resolve(new URL("../src", import.meta.url).pathname);

/**
 * Each folder's layer: a file may import from its own folder and from folders of a lower
 * layer only (two folders of one layer know nothing of each other).
 */
const LAYER: Record<string, number> = {
  "errors.ts": 0,
  syntax: 1,
  binary: 2,
  text: 3,
  valid: 3,
  runtime: 4,
  ir: 5,
  exec: 6,
  snapshot: 7,
  api: 8,
  wasi: 9,
  debug: 10,
  script: 10,
  cli: 11,
};

/** Every .ts file under `dir`, as paths relative to src/. */
function files(dir: string): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    const p = path.join(dir, e.name);
    if (e.isDirectory) out.push(...files(p));
    else if (e.name.endsWith(".ts")) out.push(path.relative(SRC, p));
  }
  return out.sort();
}

/** The src/-relative paths that `file` imports (static, re-exports and dynamic imports). */
function importsOf(file: string): string[] {
  const text = Deno.readTextFileSync(path.join(SRC, file));
  const specs = [
    ...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s*"([^"]+)"/gm),
    ...text.matchAll(/^\s*import\s*"([^"]+)"/gm),
    ...text.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g),
  ].map((m) => m[1]);
  return specs.filter((s) => s.startsWith(".")).map((s) =>
    path.relative(SRC, path.resolve(SRC, path.dirname(file), s))
  );
}

/** The folder of a src/-relative path (or the file itself at the top). */
function folder(file: string): string {
  return file.split("/")[0];
}

/** The strongly connected components of more than one file, or with a self-import. */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>(), low = new Map<string, number>();
  const stack: string[] = [], on = new Set<string>(), out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

const GRAPH = new Map(files(SRC).map((f) => [f, importsOf(f)]));

Deno.test("src/ has no import cycle", () => {
  assert.ok(GRAPH.size > 100);
  assert.deepEqual(cycles(GRAPH), []);
});

Deno.test("src/ imports point down the layers (runtime imports nothing from exec)", () => {
  const wrong: string[] = [];
  for (const [file, deps] of GRAPH) {
    const from = folder(file);
    assert.ok(from in LAYER, `${file}: its folder has no layer in this test`);
    for (const dep of deps) {
      // Data from the project's root (deno.json's version): no code.
      if (dep.startsWith("../") && dep.endsWith(".json")) continue;
      const to = folder(dep);
      assert.ok(to in LAYER, `${file} imports ${dep}, outside the known folders`);
      if (to !== from && LAYER[to] >= LAYER[from]) wrong.push(`${file} -> ${dep}`);
    }
  }
  assert.deepEqual(wrong, []);
});

Deno.test("the import checks see cycles and upward imports", () => {
  assert.deepEqual(cycles(new Map([["a", ["b"]], ["b", ["a"]], ["c", ["a"]]])), [["a", "b"]]);
  assert.ok(importsOf("exec/interp.ts").includes("ir/ops.ts"));
  assert.ok(importsOf("exec/interp.ts").includes("errors.ts"));
});
