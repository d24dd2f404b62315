import assert from "node:assert/strict";
import { main } from "../../src/cli/main.ts";
import { formatFloat, formatResult, parseArg } from "../../src/cli/run.ts";
import { F32, F64, FUNCREF, I32, I64 } from "../../src/syntax/types.ts";

async function gab(...args: string[]): Promise<{ status: number; out: string; err: string }> {
  let out = "", err = "";
  const status = await main(args, { stdout: (t) => out += t, stderr: (t) => err += t });
  return { status, out, err };
}

async function withModule(text: string, f: (path: string) => Promise<void>): Promise<void> {
  const path = await Deno.makeTempFile({ suffix: ".wat" });
  try {
    await Deno.writeTextFile(path, text);
    await f(path);
  } finally {
    await Deno.remove(path);
  }
}

const PROGRAM = `(module
  (global $g (mut i32) (i32.const 0))
  (func (export "_start") (global.set $g (i32.const 1)))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "wide") (param i64 f32 f64) (result i64 f32 f64)
    local.get 0 local.get 1 local.get 2)
  (func (export "div") (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
  (func (export "spin") (loop $l (br $l))))`;

Deno.test("run: _start runs, nothing printed", async () => {
  await withModule(PROGRAM, async (path) => {
    assert.deepEqual(await gab("run", path), { status: 0, out: "", err: "" });
    assert.deepEqual(await gab(path), { status: 0, out: "", err: "" });
  });
});

Deno.test("run --invoke: arguments by type, results one per line", async () => {
  await withModule(PROGRAM, async (path) => {
    assert.deepEqual(await gab("run", "--invoke", "add", path, "2", "-3"), {
      status: 0,
      out: "-1\n",
      err: "",
    });
    assert.equal((await gab("run", "--invoke", "add", path, "0xffffffff", "0")).out, "-1\n");
    assert.equal(
      (await gab("run", "--invoke", "wide", path, "-9223372036854775808", "1.5", "0.1")).out,
      "-9223372036854775808\n1.5\n0.1\n",
    );
  });
});

Deno.test("run: traps and bad usage", async () => {
  await withModule(PROGRAM, async (path) => {
    const trap = await gab("run", "--invoke", "div", path, "0");
    assert.equal(trap.status, 1);
    // The error, then the wasm backtrace as wasmtime prints it (the module has no names).
    assert.match(
      trap.err,
      /^gab: error: integer divide by zero\nwasm backtrace:\n {4}0: +0x[0-9a-f]+ - <unknown>!<wasm function 3>\n$/,
    );
    const arity = await gab("run", "--invoke", "add", path, "1");
    assert.equal(arity.status, 2);
    assert.match(arity.err, /takes 2 arguments, got 1/);
    const bad = await gab("run", "--invoke", "add", path, "x", "1");
    assert.equal(bad.status, 2);
    assert.match(bad.err, /invalid argument 'x'/);
    const missing = await gab("run", "--invoke", "nope", path);
    assert.equal(missing.status, 2);
  });
});

Deno.test("run --fuel bounds the run", async () => {
  await withModule(PROGRAM, async (path) => {
    const r = await gab("run", "--fuel", "1000", "--invoke", "spin", path);
    assert.equal(r.status, 1);
    assert.match(r.err, /^gab: error: .*fuel/);
    assert.equal(
      (await gab("run", "--fuel", "1000", "--invoke", "add", path, "1", "2")).out,
      "3\n",
    );
  });
});

Deno.test("run: imports other than WASI are unknown", async () => {
  await withModule(`(module (import "env" "f" (func)))`, async (path) => {
    const r = await gab("run", path);
    assert.equal(r.status, 1);
    assert.match(r.err, /unknown import "env" "f"/);
  });
});

Deno.test("run: a WASI import of the wrong type does not link", async () => {
  await withModule(`(module (import "wasi_snapshot_preview1" "fd_write" (func)))`, async (path) => {
    const r = await gab("run", path);
    assert.equal(r.status, 1);
    assert.match(r.err, /incompatible import type/);
  });
});

Deno.test("parseArg and formatResult", () => {
  assert.equal(parseArg("-1", I32), -1);
  assert.equal(parseArg("4294967295", I32), -1);
  assert.equal(parseArg("18446744073709551615", I64), -1n);
  assert.equal(parseArg("inf", F32), 0x7f800000);
  assert.equal(parseArg("-0", F64), 0x8000000000000000n);
  assert.equal(parseArg("null", FUNCREF), 0);
  assert.throws(() => parseArg("4294967296", I32));
  assert.throws(() => parseArg("1.5", I64));
  assert.equal(formatResult(-5, I32), "-5");
  assert.equal(formatResult(0x3dcccccd, F32), "0.1");
  assert.equal(formatResult(0x7fc00000, F32), "NaN");
  assert.equal(formatResult(0xff800000, F32), "-inf");
  assert.equal(formatResult(0, FUNCREF), "<null funcref>");
  assert.equal(formatFloat(1e21, false), "1000000000000000000000");
  assert.equal(formatFloat(1.5e-7, false), "0.00000015");
  assert.equal(formatFloat(1, false), "1");
  assert.equal(formatFloat(-0, false), "-0");
  assert.equal(
    formatFloat(Math.fround(3.4028234663852886e38), true),
    "340282350000000000000000000000000000000",
  );
});
