/**
 * Tests of src/wasi/program.ts: `resumeWasi` resumes a WASI program's snapshot in one call,
 * in budgets (`paused` hands back the next snapshot), with its standard streams chosen by
 * the resuming code and a preopened directory moved; the joined output and the files written
 * are those of an uninterrupted run (the oracle: the same program run whole with `wasi.run`).
 *
 * @module
 */

import assert from "node:assert/strict";
import { createWasi, resumeWasi, Runtime, WasiConfigError, WasiProgram } from "../../mod.ts";
import type { WasmFunction } from "../../mod.ts";

const ECHO = new URL("../../testdata/wasi/echo.wasm", import.meta.url).pathname;
const dec = new TextDecoder();

/** echo.wasm with /out at `dir` and `input` on stdin, bound; `program()` starts it. */
async function start(dir: string, input: string, out: string[]) {
  const wasm = await Deno.readFile(ECHO);
  const wasi = createWasi({
    args: ["echo"],
    preopens: { "/out": dir },
    stdin: new TextEncoder().encode(input),
    stdout: (b) => void out.push(dec.decode(b)),
  });
  const runtime = new Runtime();
  const instance = runtime.instantiate(wasm, wasi.imports(wasm));
  wasi.bind(instance);
  const program = () =>
    new WasiProgram(runtime, runtime.start(instance.exports._start as WasmFunction), wasi);
  return { wasi, instance, program };
}

Deno.test("resumeWasi: budgets, new stdio, a moved preopen give the whole run's output", async () => {
  const root = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${root}/a`);
    await Deno.mkdir(`${root}/b`);
    await Deno.mkdir(`${root}/whole`);
    // The oracle: the whole run.
    const whole: string[] = [];
    const w = await start(`${root}/whole`, "red\ngreen\nblue\n", whole);
    assert.equal(await w.wasi.run(w.instance), 0);
    // Cut: a start here (log.txt is opened in a/), then the rest in budgets, in b/.
    const first: string[] = [];
    const p = (await start(`${root}/a`, "", first)).program();
    // Small budgets until log.txt exists: paused after its fopen, before the first read.
    const exists = (f: string) => Deno.stat(f).then(() => true, () => false);
    while (!await exists(`${root}/a/log.txt`)) {
      assert.equal((await p.run({ fuel: 200 })).status, "paused");
    }
    let snapshot = p.snapshot();
    p.close();
    await Deno.copyFile(`${root}/a/log.txt`, `${root}/b/log.txt`);
    let out = first.join("");
    let budgets = 0;
    for (;;) {
      const r = await resumeWasi(snapshot, {
        fuel: 100_000,
        stdin: new TextEncoder().encode(budgets === 0 ? "red\ngreen\nblue\n" : ""),
        stdout: (b) => void (out += dec.decode(b)),
        preopens: { "/out": `${root}/b` },
      });
      budgets++;
      if (r.status === "exited") {
        assert.equal(r.code, 0);
        break;
      }
      assert.equal(r.status, "paused");
      snapshot = (r as { snapshot: Uint8Array }).snapshot;
    }
    assert.ok(budgets > 1, "the rest took more than one budget");
    assert.equal(out, whole.join(""));
    assert.equal(
      await Deno.readTextFile(`${root}/b/log.txt`),
      await Deno.readTextFile(`${root}/whole/log.txt`),
    );
    assert.equal(await Deno.readTextFile(`${root}/a/log.txt`), "");
    // A guest name the snapshot does not preopen is a WasiConfigError.
    await assert.rejects(
      () => resumeWasi(snapshot, { preopens: { "/nope": root } }),
      WasiConfigError,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
