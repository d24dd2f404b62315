/**
 * Tests of `gab run --fuel N --snapshot-out FILE`, `gab resume` (in a NEW process: `deno run
 * cli.ts resume`), `gab snapshot info` and `gab fork`: the output of a run cut by snapshots
 * equals an uninterrupted run's, for a kernel via `--invoke` and for WASI programs.
 *
 * @module
 */

import assert from "node:assert/strict";
import { main } from "../../src/cli/main.ts";
import { FORMAT_VERSION } from "../../src/snapshot/format.ts";
import { runCli, withTempDir } from "./process.ts";

const KERNELS = new URL("../../testdata/kernels/", import.meta.url).pathname;
const HELLO = new URL("../../testdata/hello.wasm", import.meta.url).pathname;
const BASIC = new URL("../../testdata/wasi/basic.wasm", import.meta.url).pathname;

async function gab(...args: string[]): Promise<{ status: number; out: string; err: string }> {
  let out = "", err = "";
  const status = await main(args, { stdout: (t) => out += t, stderr: (t) => err += t });
  return { status, out, err };
}

Deno.test("run --snapshot-out, then resume in new processes: a kernel's result", async () => {
  await withTempDir("gab-snap-", async (dir) => {
    const fib = `${KERNELS}fib.wasm`;
    const whole = await gab("run", "--invoke", "run", fib, "20");
    assert.deepEqual(whole, { status: 0, out: "6765\n", err: "" });
    const first = await gab(
      "run",
      "--fuel",
      "20000",
      "--snapshot-out",
      `${dir}/a`,
      "--invoke",
      "run",
      fib,
      "20",
    );
    assert.equal(first.status, 75);
    assert.equal(first.out, "");
    assert.equal(first.err, `gab: fuel exhausted: snapshot written to ${dir}/a (status 75)\n`);
    // Another budget that runs out again, then the rest: results print once, at the end.
    const second = await runCli([
      "resume",
      "--fuel",
      "30000",
      "--snapshot-out",
      `${dir}/b`,
      `${dir}/a`,
    ]);
    assert.equal(second.status, 75, second.err);
    assert.equal(second.out, "");
    assert.match(second.err, /snapshot written to .*\/b/);
    const third = await runCli(["resume", `${dir}/b`]);
    assert.deepEqual(third, { status: 0, out: "6765\n", err: "" });
    // Without --snapshot-out, running out is an error.
    const short = await gab("resume", "--fuel", "10", `${dir}/b`);
    assert.deepEqual(short, { status: 1, out: "", err: "gab: error: fuel exhausted\n" });
    const plain = await gab("run", "--fuel", "10", "--invoke", "run", fib, "20");
    assert.deepEqual(plain, { status: 1, out: "", err: "gab: error: fuel exhausted\n" });
  });
});

Deno.test("run --snapshot-out, then resume: a WASI program's output and status", async () => {
  await withTempDir("gab-snap-", async (dir) => {
    const stdin = "line one\nline two\n";
    const args = ["--env", "GREETING=hi", BASIC, "one", "two"];
    const whole = await runCli(["run", ...args], stdin);
    assert.equal(whole.status, 3);
    const first = await runCli(["run", "--fuel", "20000", "--snapshot-out", `${dir}/w`, ...args]);
    assert.equal(first.status, 75, first.err);
    assert.ok(first.out.length > 0, "some output before the snapshot");
    const rest = await runCli(["resume", `${dir}/w`], stdin);
    assert.equal(rest.status, 3, rest.err);
    assert.equal(first.out + rest.out, whole.out);
    assert.equal(
      first.err.replace(/gab: fuel exhausted.*\n/, "") + rest.err,
      whole.err,
    );
  });
});

Deno.test("hello.wasm: a snapshot before its only write writes once", async () => {
  await withTempDir("gab-snap-", async (dir) => {
    const first = await gab("run", "--fuel", "3", "--snapshot-out", `${dir}/h`, HELLO);
    assert.equal(first.status, 75);
    assert.equal(first.out, "");
    const rest = await runCli(["resume", `${dir}/h`]);
    assert.deepEqual(rest, { status: 0, out: "Hello, world!\n", err: "" });
  });
});

Deno.test("snapshot info: modules, instances, memories, the paused frame, host state", async () => {
  await withTempDir("gab-snap-", async (dir) => {
    await gab("run", "--fuel", "20000", "--snapshot-out", `${dir}/w`, BASIC, "x");
    const r = await gab("snapshot", "info", `${dir}/w`);
    assert.equal(r.status, 0, r.err);
    const lines = r.out.split("\n");
    assert.equal(lines[0], `format: ${FORMAT_VERSION}`);
    assert.match(lines[1], /^engine: \d+\.\d+\.\d+/);
    assert.match(r.out, /\nmodules: 1\n {2}module 0: \d+ bytes\n/);
    assert.match(r.out, /\ninstances: 1\n {2}instance 0: \d+ functions \(\d+ imported\)/);
    assert.match(r.out, /\n {2}memory 0: \d+ pages \(\d+ bytes\)\n/);
    assert.match(r.out, /\nexecution: running, called \$_start/);
    assert.match(r.out, /\npaused in: .* at wasm byte 0x[0-9a-f]+ \(pc \d+\)\n/);
    assert.match(r.out, /\nfuel: 0\n/);
    assert.match(r.out, /\nhost: wasi\n {2}wasi: args \[".*basic.wasm","x"\]/);
  });
});

Deno.test("a corrupt or missing snapshot: one line, status 1", async () => {
  await withTempDir("gab-snap-", async (dir) => {
    const fib = `${KERNELS}fib.wasm`;
    await gab("run", "--fuel", "500", "--snapshot-out", `${dir}/s`, "--invoke", "run", fib, "15");
    const bytes = await Deno.readFile(`${dir}/s`);
    bytes[bytes.length - 3] ^= 0x40;
    await Deno.writeFile(`${dir}/bad`, bytes);
    for (const cmd of [["resume"], ["snapshot", "info"]]) {
      const r = await gab(...cmd, `${dir}/bad`);
      assert.deepEqual(r, {
        status: 1,
        out: "",
        err: "gab: error: snapshot corrupt: checksum mismatch\n",
      });
    }
    await Deno.writeFile(`${dir}/short`, bytes.subarray(0, 10));
    assert.deepEqual(await gab("resume", `${dir}/short`), {
      status: 1,
      out: "",
      err: "gab: error: snapshot truncated: no header\n",
    });
    const missing = await gab("resume", `${dir}/nope`);
    assert.equal(missing.status, 1);
    assert.equal(missing.err.split("\n").length, 2);
    assert.equal((await gab("snapshot", "list", `${dir}/s`)).status, 2);
  });
});

Deno.test("gab fork -n 2: two children resume the same snapshot", async () => {
  await withTempDir("gab-snap-", async (dir) => {
    const fib = `${KERNELS}fib.wasm`;
    await gab("run", "--fuel", "500", "--snapshot-out", `${dir}/s`, "--invoke", "run", fib, "15");
    const r = await gab("fork", "-n", "2", `${dir}/s`);
    assert.equal(r.status, 0, r.err);
    assert.match(
      r.out,
      /^== child 0 \(pid \d+\): status 0\n610\n== child 1 \(pid \d+\): status 0\n610\n$/,
    );
  });
});

Deno.test("gab fork: children get a copy of stdin and their own preopened directories", async () => {
  await withTempDir("gab-snap-", async (dir) => {
    const echo = new URL("../../testdata/wasi/echo.wasm", import.meta.url).pathname;
    await Deno.mkdir(`${dir}/base`);
    // Snapshot at the first wait for stdin: /out/log.txt is open (created in base).
    const first = await runCli(
      [
        "run",
        "--snapshot-out",
        `${dir}/s`,
        "--snapshot-on-stdin-wait",
        "--dir",
        `${dir}/base::/out`,
        echo,
      ],
      "",
      true,
    );
    assert.equal(first.status, 75, first.err);
    for (const i of [0, 1]) {
      await Deno.mkdir(`${dir}/out-${i}`);
      await Deno.copyFile(`${dir}/base/log.txt`, `${dir}/out-${i}/log.txt`);
    }
    const r = await runCli(
      ["fork", "-n", "2", "--dir", `${dir}/out-{i}::/out`, `${dir}/s`],
      "red\ngreen\n",
    );
    assert.equal(r.status, 0, r.err);
    const children = r.out.split(/^== child \d+ \(pid \d+\): status 0\n/m).slice(1);
    assert.equal(children.length, 2, r.out);
    assert.equal(children[0], children[1]);
    assert.match(children[0], /^1: red .*\n2: green .*\n2 lines, 8 bytes\nlog: line 1 hash/);
    for (const i of [0, 1]) {
      assert.match(await Deno.readTextFile(`${dir}/out-${i}/log.txt`), /^line 1 .*\nline 2 /);
    }
    assert.equal(await Deno.readTextFile(`${dir}/base/log.txt`), "");
    // --no-stdin: the children read end of file at once (no lines: status 2).
    const none = await runCli(
      ["fork", "--no-stdin", "--dir", `${dir}/out-0::/out`, `${dir}/s`],
      "ignored\n",
    );
    assert.match(none.out, /^== child 0 \(pid \d+\): status 2\n0 lines, 0 bytes\n/);
  });
});

Deno.test("deterministic WASI clocks count the ticks of every budget", async () => {
  const clock = `(module
    (import "wasi_snapshot_preview1" "clock_time_get" (func $t (param i32 i64 i32) (result i32)))
    (memory (export "memory") 1)
    (func (export "t") (result i64) (local $i i32)
      (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (i32.const 1000))))
      (drop (call $t (i32.const 1) (i64.const 1) (i32.const 0)))
      (i64.load (i32.const 0))))`;
  await withTempDir("gab-snap-", async (dir) => {
    await Deno.writeTextFile(`${dir}/clock.wat`, clock);
    const det = ["--deterministic", "--invoke", "t", `${dir}/clock.wat`];
    const whole = await gab("run", ...det);
    assert.equal(whole.status, 0);
    const a = await gab("run", "--fuel", "700", "--snapshot-out", `${dir}/a`, ...det);
    assert.equal(a.status, 75);
    assert.equal(
      (await gab("resume", "--fuel", "900", "--snapshot-out", `${dir}/b`, `${dir}/a`)).status,
      75,
    );
    assert.deepEqual(await gab("resume", `${dir}/b`), whole);
  });
});
