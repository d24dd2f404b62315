import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Runtime } from "../../src/api/runtime.ts";
import { LinkError } from "../../src/errors.ts";
import { createWasi, type WasiOptions } from "../../src/wasi/api.ts";
import { Clocks } from "../../src/wasi/clock.ts";
import { Errno } from "../../src/wasi/errno.ts";
import { PREVIEW0, PREVIEW1 } from "../../src/wasi/host.ts";
import { nextU32, seedRng } from "../../src/wasi/random.ts";
import { cloneState } from "../../src/wasi/state.ts";

const WASI = "wasi_snapshot_preview1";

/** Instantiates `text` with WASI (`options`), binds it, and returns the WASI object and exports. */
function setup(text: string, options: WasiOptions = {}) {
  const wasi = createWasi(options);
  const runtime = new Runtime();
  const instance = runtime.instantiate(text, wasi.imports(text));
  wasi.bind(instance);
  const mem = () => new DataView(runtime.store.memories[0].buffer);
  return { wasi, instance, exports: instance.exports as Record<string, CallableFunction>, mem };
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "gab-wasi-unit-"));
}

Deno.test("46 functions in preview 1, preview 0 aliases them", () => {
  assert.equal(Object.keys(PREVIEW1).length, 46);
  assert.deepEqual(Object.keys(PREVIEW0).sort(), Object.keys(PREVIEW1).sort());
});

Deno.test("imports: signatures are checked, unknown names stay unknown imports", () => {
  const wasi = createWasi();
  assert.throws(
    () => wasi.imports(`(module (import "${WASI}" "fd_write" (func (param i32) (result i32))))`),
    (e) => e instanceof LinkError && /incompatible import type/.test(e.message),
  );
  const text = `(module (import "${WASI}" "no_such_function" (func)))`;
  assert.throws(
    () => new Runtime().instantiate(text, wasi.imports(text)),
    (e) => e instanceof LinkError && /unknown import/.test(e.message),
  );
});

Deno.test("bad pointers give EFAULT, never a JS exception", () => {
  const { exports } = setup(
    `(module
    (import "${WASI}" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
    (import "${WASI}" "args_sizes_get" (func $a (param i32 i32) (result i32)))
    (memory (export "memory") 1)
    (func (export "w") (param i32 i32 i32 i32) (result i32)
      (call $w (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
    (func (export "a") (param i32 i32) (result i32) (call $a (local.get 0) (local.get 1))))`,
    {
      stdout: () => {},
    },
  );
  assert.equal(exports.w(1, 65536, 1, 0), Errno.FAULT);
  assert.equal(exports.w(1, -8, 1, 0), Errno.FAULT);
  assert.equal(exports.w(1, 0, 0x20000000, 0), Errno.FAULT);
  assert.equal(exports.a(65534, 0), Errno.FAULT);
  assert.equal(exports.a(0, 4), 0);
});

Deno.test("no memory export: every pointer faults", () => {
  const { exports } = setup(`(module
    (import "${WASI}" "args_sizes_get" (func $a (param i32 i32) (result i32)))
    (func (export "a") (result i32) (call $a (i32.const 0) (i32.const 4))))`);
  assert.equal(exports.a(), Errno.FAULT);
});

Deno.test("memory growth: the host sees the new buffer", () => {
  const { exports, mem } = setup(
    `(module
    (import "${WASI}" "args_sizes_get" (func $a (param i32 i32) (result i32)))
    (memory (export "memory") 1)
    (func (export "a") (result i32)
      (drop (memory.grow (i32.const 1)))
      (call $a (i32.const 70000) (i32.const 70004))))`,
    { args: ["x", "yz"] },
  );
  assert.equal(exports.a(), 0);
  assert.equal(mem().getUint32(70000, true), 2);
  assert.equal(mem().getUint32(70004, true), 5);
});

Deno.test("proc_exit ends the run with its status; proc_raise is ENOSYS", () => {
  const text = `(module
    (import "${WASI}" "proc_exit" (func $exit (param i32)))
    (import "${WASI}" "proc_raise" (func $raise (param i32) (result i32)))
    (memory (export "memory") 1)
    (global $g (export "g") (mut i32) (i32.const 0))
    (func (export "_start")
      (global.set $g (call $raise (i32.const 9)))
      (call $exit (i32.const 7))
      (global.set $g (i32.const 99))))`;
  const wasi = createWasi();
  const instance = new Runtime().instantiate(text, wasi.imports(text));
  assert.equal(wasi.start(instance), 7);
  assert.equal(wasi.state.exitCode, 7);
  assert.equal((instance.exports.g as { value: number }).value, Errno.NOSYS);
});

Deno.test("poll_oneoff: an absolute deadline in the past fires at once", () => {
  const { exports, mem } = setup(`(module
    (import "${WASI}" "poll_oneoff" (func $p (param i32 i32 i32 i32) (result i32)))
    (memory (export "memory") 1)
    (func (export "p") (result i32)
      (i64.store (i32.const 0) (i64.const 5))
      (i32.store (i32.const 16) (i32.const 0))
      (i64.store (i32.const 24) (i64.const 1))
      (i32.store16 (i32.const 40) (i32.const 1))
      (call $p (i32.const 0) (i32.const 100) (i32.const 1) (i32.const 200))))`);
  const t0 = performance.now();
  assert.equal(exports.p(), 0);
  assert.ok(performance.now() - t0 < 1000);
  assert.equal(mem().getUint32(200, true), 1);
  assert.equal(mem().getBigUint64(100, true), 5n);
});

Deno.test("state is plain data; files re-open from it at the saved offset", () => {
  const dir = tempDir();
  try {
    fs.writeFileSync(path.join(dir, "f.txt"), "0123456789");
    const { wasi, exports, mem } = setup(
      `(module
      (import "${WASI}" "path_open"
        (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
      (import "${WASI}" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (data (i32.const 0) "f.txt")
      (func (export "open") (result i32)
        (call $open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 5) (i32.const 0)
          (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 16)))
      (func (export "read") (param i32) (result i32)
        (i32.store (i32.const 32) (i32.const 64))
        (i32.store (i32.const 36) (i32.const 3))
        (call $read (local.get 0) (i32.const 32) (i32.const 1) (i32.const 40))))`,
      {
        preopens: { "/d": dir },
      },
    );
    assert.equal(exports.open(), 0);
    const fd = mem().getUint32(16, true);
    assert.equal(exports.read(fd), 0);
    const json = JSON.parse(JSON.stringify(wasi.state));
    assert.deepEqual(json, wasi.state);
    assert.deepEqual(cloneState(wasi.state), wasi.state);
    assert.equal(wasi.state.fds[fd]!.offset, 3);
    wasi.close(); // drop every host handle: the next read re-opens by path
    assert.equal(exports.read(fd), 0);
    const text = new TextDecoder().decode(new Uint8Array(mem().buffer, 64, 3));
    assert.equal(text, "345");
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});

Deno.test("xoshiro128**: seeded, reproducible", () => {
  const a = seedRng(1), b = seedRng(1), c = seedRng(2);
  const xs = [nextU32(a), nextU32(a)], ys = [nextU32(b), nextU32(b)];
  assert.deepEqual(xs, ys);
  assert.notEqual(nextU32(c), xs[0]);
  assert.ok(xs.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32));
});

Deno.test("preopen of a missing directory is a clear error", () => {
  assert.throws(() => createWasi({ preopens: { "/": "/no/such/dir" } }), /cannot preopen/);
});

Deno.test("fdstat flags, stdio seeking and syncing", () => {
  const dir = tempDir();
  try {
    const { exports, mem } = setup(
      `(module
      (import "${WASI}" "fd_fdstat_get" (func $get (param i32 i32) (result i32)))
      (import "${WASI}" "fd_fdstat_set_flags" (func $set (param i32 i32) (result i32)))
      (import "${WASI}" "fd_seek" (func $seek (param i32 i64 i32 i32) (result i32)))
      (import "${WASI}" "fd_sync" (func $sync (param i32) (result i32)))
      (import "${WASI}" "fd_tell" (func $tell (param i32 i32) (result i32)))
      (memory (export "memory") 1)
      (func (export "get") (param i32) (result i32) (call $get (local.get 0) (i32.const 0)))
      (func (export "set") (param i32 i32) (result i32) (call $set (local.get 0) (local.get 1)))
      (func (export "seek") (param i32) (result i32)
        (call $seek (local.get 0) (i64.const 0) (i32.const 1) (i32.const 64)))
      (func (export "tell") (param i32) (result i32) (call $tell (local.get 0) (i32.const 64)))
      (func (export "sync") (param i32) (result i32) (call $sync (local.get 0))))`,
      {
        preopens: { "/d": dir },
        terminal: true,
      },
    );
    assert.equal(exports.get(1), 0);
    assert.equal(mem().getUint8(0), 2); // character device (terminal: true)
    assert.equal(exports.set(1, 4 /* NONBLOCK */), 0);
    assert.equal(exports.get(1), 0);
    assert.equal(mem().getUint16(2, true), 4);
    assert.equal(exports.set(1, 64), Errno.INVAL);
    assert.equal(exports.seek(1), Errno.NOTCAPABLE); // stdio has no seek rights
    assert.equal(exports.tell(0), Errno.NOTCAPABLE);
    assert.equal(exports.sync(1), Errno.INVAL);
    assert.equal(exports.sync(3), 0);
    assert.equal(exports.get(3), 0);
    assert.equal(mem().getUint8(0), 3); // directory
    assert.equal(exports.get(4), Errno.BADF);
    assert.equal(exports.get(-1), Errno.BADF);
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});

Deno.test("stdio given as bytes or functions is not a terminal; terminal: true makes it one", () => {
  const quiet = { stdin: new Uint8Array(0), stdout: () => {}, stderr: () => {} };
  const plain = createWasi(quiet);
  assert.deepEqual(plain.state.fds.slice(0, 3).map((e) => e!.filetype), [0, 0, 0]);
  const tty = createWasi({ ...quiet, terminal: true });
  assert.deepEqual(tty.state.fds.slice(0, 3).map((e) => e!.filetype), [2, 2, 2]);
  // A restored state takes the streams of its new host.
  const again = createWasi({ ...quiet, state: tty.state });
  assert.deepEqual(again.state.fds.slice(0, 3).map((e) => e!.filetype), [0, 0, 0]);
});

Deno.test("the real monotonic clock goes on from a restored state's time", () => {
  const state = {
    deterministic: false,
    sleptNs: 0,
    reads: 0,
    fuelStart: 0,
    monotonicNs: 9e15, // far beyond this process's performance.now()
  };
  const clocks = new Clocks(state, () => 0);
  const a = clocks.now(1), b = clocks.now(1);
  assert.ok(a >= 9_000_000_000_000_000n && b >= a);
  assert.equal(BigInt(state.monotonicNs), b);
});
