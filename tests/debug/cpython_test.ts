import assert from "node:assert/strict";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createWasi, Recording, Runtime, stateHash, type WasmFunction } from "../../mod.ts";
import { wasiHostState } from "../../src/debug/hostlog.ts";

// CPython (../shared/programs/cpython) runs a script that reads a file and standard input,
// recorded to its end. Random travels, and a step back and forward from each, must give the
// state (memory, stacks, globals, tables, WASI state) whose hash equals the hash at the same
// tick of a straight run in another runtime (same files, whose times the guest sees: a file it
// created would have another inode and times there). The output is written once, and the files are not read
// again: they are deleted before the travels. GAB_SLOW=1 makes it the full 10,000 travels
// (GAB_TRAVELS=N: N of them).

const dir = new URL("../../../shared/programs/cpython/", import.meta.url);
let present = true;
try {
  Deno.statSync(new URL("python.wasm", dir));
} catch {
  present = false;
}
const TRAVELS = Number(
  Deno.env.get("GAB_TRAVELS") ?? (Deno.env.get("GAB_SLOW") === "1" ? 10_000 : 8),
);

const SCRIPT = `import sys
data = open("/work/data.txt").read().split()
line = sys.stdin.readline().strip()
total = sum(int(x) for x in data)
print(line.upper(), total, len(data))
`;

function setup(work: string, out: Uint8Array[]) {
  const bytes = Deno.readFileSync(new URL("python.wasm", dir));
  const wasi = createWasi({
    args: ["python", "/work/script.py"],
    env: { PYTHONHOME: "/" },
    preopens: { "/": `${work}/root`, "/work": `${work}/work` },
    deterministic: true,
    stdin: new TextEncoder().encode("hello travel\nignored\n"),
    stdout: (b) => void out.push(b.slice()),
  });
  const runtime = new Runtime();
  const instance = runtime.instantiate(bytes, wasi.imports(bytes));
  wasi.bind(instance);
  return { wasi, runtime, ex: runtime.start(instance.exports._start as WasmFunction) };
}

/**
 * The guest's files, in a fresh temporary tree: the standard library copied from ../shared and
 * the script with its data. The guest stats what it opens, so both runs must see the same
 * access times: each entry's access time is set after its modification and change times (an
 * hour ahead; setting times is itself a change), so that a `relatime` mount (the usual one)
 * does not update it when a run reads it. (../shared is
 * written anew for each session, its access times equal to its modification times: the first
 * read after that would update them between the two runs.)
 */
function workDir(): string {
  const top = Deno.makeTempDirSync({ prefix: "gab-tt-" });
  const lib = fileURLToPath(new URL("lib/", dir));
  for (const rel of ["python311.zip", "python3.11/lib-dynload/.empty"]) {
    Deno.mkdirSync(dirname(`${top}/root/lib/${rel}`), { recursive: true });
    Deno.copyFileSync(`${lib}/${rel}`, `${top}/root/lib/${rel}`);
  }
  Deno.mkdirSync(`${top}/work`);
  Deno.writeTextFileSync(`${top}/work/script.py`, SCRIPT);
  Deno.writeTextFileSync(`${top}/work/data.txt`, "1 2 3 4 5 6 7 8 9 10\n");
  const now = Date.now() / 1000;
  const settle = (path: string) => {
    for (const e of Deno.readDirSync(path)) {
      if (e.isDirectory) settle(`${path}/${e.name}`);
      else Deno.utimeSync(`${path}/${e.name}`, now + 3600, now - 3600);
    }
    Deno.utimeSync(path, now + 3600, now - 3600);
  };
  settle(top);
  return top;
}

Deno.test({
  name: `cpython: ${TRAVELS} random travels match a straight run, output written once`,
  ignore: !present,
  fn() {
    const work = workDir();
    const out: Uint8Array[] = [];
    const a = setup(work, out);
    const rec = new Recording(a.ex, { wasi: a.wasi });
    const t0 = performance.now();
    const r = rec.record();
    const recordMs = performance.now() - t0;
    assert.equal(r.status, "complete");
    const text = () => new TextDecoder().decode(new Uint8Array(out.flatMap((b) => [...b])));
    assert.equal(text(), "HELLO TRAVEL 55 10\n");

    let x = 12345;
    const rnd = () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    const targets = Array.from({ length: TRAVELS }, () => 1 + Math.floor(rnd() * (rec.end - 1)));
    const ticks = [...new Set(targets.flatMap((t) => [t - 1, t, t + 1]))].sort((p, q) => p - q);

    // The straight run, in another runtime.
    const out2: Uint8Array[] = [];
    const b = setup(work, out2);
    const host = wasiHostState(b.wasi);
    const want = new Map<number, string>();
    let pos = 0;
    for (const t of ticks) {
      if (t > pos) {
        b.wasi.state.clock.fuelStart = t; // the clock counts true ticks, as the recording's
        assert.equal(b.ex.runFor(t - pos).status, "paused");
        pos = t;
      }
      want.set(t, stateHash(b.runtime.machine, b.ex, host.get()));
    }

    Deno.removeSync(work, { recursive: true }); // travelling must not read them again
    const t1 = performance.now();
    for (const [i, t] of targets.entries()) {
      if (i > 0 && i % 500 === 0) console.log(`  ${i} travels ok`);
      rec.travel(t);
      assert.equal(rec.hash(), want.get(t), `travel to ${t}`);
      rec.stepBack();
      assert.equal(rec.hash(), want.get(t - 1), `step back from ${t}`);
      rec.stepForward(2);
      assert.equal(rec.hash(), want.get(t + 1), `step forward to ${t + 1}`);
    }
    const travelMs = performance.now() - t1;
    rec.goLive();
    assert.equal(text(), "HELLO TRAVEL 55 10\n", "output written once");
    console.log(
      `  cpython: ${rec.end} ticks recorded in ${(recordMs / 1000).toFixed(1)} s, ` +
        `${rec.stats.checkpoints} checkpoints, ${TRAVELS} travels (3 moves each) in ` +
        `${(travelMs / 1000).toFixed(1)} s`,
    );
  },
});
