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
  assert.match(missing.err, /cannot preopen/);
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
