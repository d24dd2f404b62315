import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../src/cli/main.ts";
import { DIR } from "./harness.ts";

async function gab(...args: string[]): Promise<{ status: number; out: string; err: string }> {
  let out = "", err = "";
  const status = await main(args, { stdout: (t) => out += t, stderr: (t) => err += t });
  return { status, out, err };
}

const HELLO = new URL("../../testdata/hello.wasm", import.meta.url).pathname;

Deno.test("gab run: the README's hello world", async () => {
  assert.deepEqual(await gab("run", HELLO), { status: 0, out: "Hello, world!\n", err: "" });
  assert.deepEqual(await gab(HELLO), { status: 0, out: "Hello, world!\n", err: "" });
});

Deno.test("gab run: proc_exit's status is the run's", async () => {
  const r = await gab("run", path.join(DIR, "exit.wasm"));
  assert.deepEqual(r, { status: 42, out: "before exit\n", err: "" });
});

Deno.test("gab run: arguments, --env, --dir, --deterministic", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gab-wasi-cli-"));
  try {
    const basic = path.join(DIR, "basic.wasm");
    const r = await gab("run", "--env", "GREETING=hi there", "--env", "EMPTY=", basic, "a", "-b");
    assert.equal(r.status, 3);
    assert.match(r.out, /^argc=3\nargv\[1\]=a\nargv\[2\]=-b\n/);
    assert.match(r.out, /GREETING=hi there\nEMPTY=\[\]\n/);
    assert.equal(r.err, "to stderr\n");
    const d1 = await gab("run", "--deterministic", basic);
    const d2 = await gab("run", "--deterministic", basic);
    assert.deepEqual(d1, d2);
    const files = await gab("run", "--dir", `${dir}::/sandbox`, path.join(DIR, "files.wasm"));
    assert.equal(files.status, 0);
    assert.match(files.out, /preopen \/sandbox \(8\)/);
    const none = await gab("run", path.join(DIR, "files.wasm"));
    assert.match(none.out, /fd_prestat_get: 8/);
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});

Deno.test("gab run: bad --dir, other imports still unknown", async () => {
  const bad = await gab("run", "--dir", "::/x", HELLO);
  assert.equal(bad.status, 2);
  const missing = await gab("run", "--dir", "/no/such/dir", HELLO);
  assert.equal(missing.status, 1);
  assert.equal(missing.err, "gab: error: cannot preopen '/no/such/dir': it does not exist\n");
  const file = await gab("run", "--dir", HELLO, HELLO);
  assert.equal(file.err, `gab: error: cannot preopen '${HELLO}': not a directory\n`);
  const wat = path.join(os.tmpdir(), `gab-wasi-cli-${Date.now()}.wat`);
  fs.writeFileSync(
    wat,
    `(module (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
      (import "env" "f" (func)) (memory (export "memory") 1) (func (export "_start")))`,
  );
  try {
    const r = await gab("run", wat);
    assert.equal(r.status, 1);
    assert.match(r.err, /unknown import "env" "f"/);
  } finally {
    fs.rmSync(wat);
  }
});

Deno.test("gab resume: a preopened directory that is gone is an error naming it", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gab-wasi-cli-"));
  const sandbox = path.join(dir, "sandbox"), snap = path.join(dir, "files.msgpack");
  fs.mkdirSync(sandbox);
  try {
    const files = path.join(DIR, "files.wasm");
    const r = await gab("run", "--fuel", "20", "--snapshot-out", snap, "--dir", sandbox, files);
    assert.equal(r.status, 75);
    fs.rmSync(sandbox, { recursive: true });
    const gone = await gab("resume", snap);
    assert.deepEqual(gone, {
      status: 1,
      out: "",
      err: `gab: error: cannot restore preopened directory '${fs.realpathSync(dir)}/sandbox' ` +
        `(the guest's '${sandbox}'): it does not exist\n`,
    });
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});

Deno.test("gab run --invoke: a reactor's _initialize runs first, as in wasmtime", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gab-wasi-cli-"));
  const wat = path.join(dir, "reactor.wat");
  fs.writeFileSync(
    wat,
    `(module
      (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (global $g (mut i32) (i32.const 0))
      (func (export "_initialize") (global.set $g (i32.add (global.get $g) (i32.const 41))))
      (func (export "get") (result i32) (i32.add (global.get $g) (i32.const 1))))`,
  );
  try {
    assert.deepEqual(await gab("run", "--invoke", "get", wat), { status: 0, out: "42\n", err: "" });
    const snap = path.join(dir, "r.msgpack");
    const budget = await gab(
      "run",
      "--fuel",
      "1000",
      "--snapshot-out",
      snap,
      "--invoke",
      "get",
      wat,
    );
    assert.deepEqual(budget, { status: 0, out: "42\n", err: "" });
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});
