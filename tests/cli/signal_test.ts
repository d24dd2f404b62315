/**
 * `gab run --snapshot-out` under SIGINT and SIGTERM, in new processes as a user runs it: the
 * signal stops the run at an instruction boundary, the snapshot is written and the process
 * exits with status 75; `gab resume` then prints the rest, so that the two outputs together
 * are the program's whole output. And an unwritable `--snapshot-out` fails before the
 * program runs (no output at all).
 *
 * @module
 */

import assert from "node:assert/strict";
import { CLI, runCli, withTempDir } from "./process.ts";

/** A WASI program that prints 00..99, one line each, with a busy loop between lines. */
const COUNT = `(module
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\\10\\00\\00\\00\\03\\00\\00\\00")
  (func (export "_start") (local $i i32) (local $j i32)
    (loop $lines
      (i32.store8 (i32.const 16) (i32.add (i32.const 48) (i32.div_u (local.get $i) (i32.const 10))))
      (i32.store8 (i32.const 17) (i32.add (i32.const 48) (i32.rem_u (local.get $i) (i32.const 10))))
      (i32.store8 (i32.const 18) (i32.const 10))
      (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 32)))
      (local.set $j (i32.const 0))
      (loop $busy
        (br_if $busy (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1)))
          (i32.const 600000))))
      (br_if $lines (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
        (i32.const 100))))))`;

/** A WASI program that copies standard input to standard output, read by read. */
const CAT = `(module
  (import "wasi_snapshot_preview1" "fd_read" (func $r (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\\00\\01\\00\\00\\00\\01\\00\\00")
  (func (export "_start")
    (loop $l
      (drop (call $r (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
      (if (i32.load (i32.const 8))
        (then
          (i32.store (i32.const 20) (i32.const 256))
          (i32.store (i32.const 24) (i32.load (i32.const 8)))
          (drop (call $w (i32.const 1) (i32.const 20) (i32.const 1) (i32.const 12)))
          (br $l))))))`;

const WHOLE = Array.from({ length: 100 }, (_, i) => `${String(i).padStart(2, "0")}\n`).join("");

/**
 * Runs `gab run --snapshot-out snap prog` and sends `signal` once it has printed its first
 * line; returns its status, output and error.
 */
async function interrupted(dir: string, signal: Deno.Signal) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, "run", "--snapshot-out", `${dir}/snap`, `${dir}/count.wat`],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const dec = new TextDecoder();
  let out = "";
  const reader = child.stdout.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    out += dec.decode(value, { stream: true });
    if (out.includes("\n") && !out.includes("99\n")) {
      child.kill(signal);
      break;
    }
  }
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    out += dec.decode(value, { stream: true });
  }
  const [status, err] = await Promise.all([
    child.status,
    new Response(child.stderr).text(),
  ]);
  return { status: status.code, out, err };
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.test(`${signal} during run --snapshot-out writes a snapshot that resumes`, async () => {
    await withTempDir("gab-signal-", async (dir) => {
      await Deno.writeTextFile(`${dir}/count.wat`, COUNT);
      const first = await interrupted(dir, signal);
      assert.equal(first.status, 75, first.err);
      assert.match(first.err, new RegExp(`stopped by ${signal}: snapshot written to`));
      assert.ok(first.out.length > 0 && first.out.length < WHOLE.length, first.out);
      const rest = await runCli(["resume", `${dir}/snap`]);
      assert.equal(rest.status, 0, rest.err);
      assert.equal(first.out + rest.out, WHOLE);
    });
  });
}

Deno.test("SIGINT while the program waits for standard input writes a snapshot", async () => {
  await withTempDir("gab-signal-", async (dir) => {
    await Deno.writeTextFile(`${dir}/cat.wat`, CAT);
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", CLI, "run", "--snapshot-out", `${dir}/snap`, `${dir}/cat.wat`],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode("first\n"));
    const reader = child.stdout.getReader();
    const { value } = await reader.read(); // the program echoed it, and waits again
    assert.equal(new TextDecoder().decode(value), "first\n");
    child.kill("SIGINT");
    const [status, err] = await Promise.all([child.status, new Response(child.stderr).text()]);
    reader.releaseLock();
    await child.stdout.cancel();
    await w.close().catch(() => {});
    assert.equal(status.code, 75, err);
    assert.match(err, /stopped by SIGINT: snapshot written/);
    const rest = await runCli(["resume", `${dir}/snap`], "second\n");
    assert.equal(rest.status, 0, rest.err);
    assert.equal(rest.out, "second\n");
  });
});

Deno.test("an unwritable --snapshot-out fails before the program runs", async () => {
  await withTempDir("gab-signal-", async (dir) => {
    await Deno.writeTextFile(`${dir}/count.wat`, COUNT);
    const r = await runCli([
      "run",
      "--snapshot-out",
      `${dir}/no/such/dir/snap`,
      `${dir}/count.wat`,
    ]);
    assert.equal(r.status, 1);
    assert.equal(r.out, "");
    assert.match(r.err, /^gab: error: .*no\/such\/dir\/snap: no such file/);
    // An existing snapshot path is kept as it was (opened, not truncated, until written).
    await Deno.writeTextFile(`${dir}/keep`, "old");
    const ok = await runCli(["run", "--snapshot-out", `${dir}/keep`, `${dir}/count.wat`]);
    assert.equal(ok.status, 0);
    assert.equal(ok.out, WHOLE);
    assert.equal(await Deno.readTextFile(`${dir}/keep`), "old");
  });
});
