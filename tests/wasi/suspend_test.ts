/**
 * Tests of WASI calls that wait as suspensions of the machine (src/wasi/driver.ts, wait.ts,
 * stdin.ts): the async driver awaits standard input and sleeps without blocking the thread;
 * a drive stopped at a stdin wait is snapshotted with the `fd_read` pending and resumed
 * elsewhere with other input; `gab run --snapshot-on-stdin-wait` and `--fuel N --snapshot-out`
 * cut testdata/wasi/echo.wasm (stdin, stdout, a file) and CPython, and `gab resume` in a new
 * process finishes with exactly the output (and file) of an uninterrupted run.
 *
 * CPython cases need ../shared/programs/cpython (ignored when absent); the CPython stdin wait
 * runs only with GAB_SLOW=1.
 *
 * @module
 */

import assert from "node:assert/strict";
import * as fs from "node:fs";
import { Runtime } from "../../src/api/runtime.ts";
import { resumeSnapshot } from "../../src/cli/slice.ts";
import { createWasi, type StdinSource } from "../../src/wasi/api.ts";
import { initialState } from "../../src/wasi/api.ts";
import { bytesStdin, StdinReader } from "../../src/wasi/stdin.ts";
import { runCli, withTempDir } from "../cli/process.ts";

const ECHO = new URL("../../testdata/wasi/echo.wasm", import.meta.url).pathname;
const SOCKETS = new URL("../../testdata/wasi/sockets.wasm", import.meta.url).pathname;
const CPYTHON = new URL("../../../shared/programs/cpython", import.meta.url).pathname;
const HAVE_CPYTHON = fs.existsSync(`${CPYTHON}/python.wasm`);
const SLOW = Deno.env.get("GAB_SLOW") === "1";

const enc = new TextEncoder(), dec = new TextDecoder();

/** `cat`: copies standard input to standard output, 16 bytes a read. */
const CAT = `(module
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start") (local $n i32)
    (loop $l
      (i32.store (i32.const 0) (i32.const 100))
      (i32.store (i32.const 4) (i32.const 16))
      (drop (call $read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
      (local.set $n (i32.load (i32.const 8)))
      (if (i32.eqz (local.get $n)) (then (return)))
      (i32.store (i32.const 16) (i32.const 100))
      (i32.store (i32.const 20) (local.get $n))
      (drop (call $write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24)))
      (br $l))))`;

/** Sleeps 30 ms with poll_oneoff (a relative monotonic clock), then writes "done". */
const SLEEP = `(module
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 200) "done")
  (func (export "_start")
    (i64.store (i32.const 0) (i64.const 7))
    (i32.store8 (i32.const 8) (i32.const 0))
    (i32.store (i32.const 16) (i32.const 1))
    (i64.store (i32.const 24) (i64.const 30000000))
    (i64.store (i32.const 32) (i64.const 1000))
    (i32.store16 (i32.const 40) (i32.const 0))
    (drop (call $poll (i32.const 0) (i32.const 64) (i32.const 1) (i32.const 120)))
    (i32.store (i32.const 128) (i32.const 200))
    (i32.store (i32.const 132) (i32.const 4))
    (drop (call $write (i32.const 1) (i32.const 128) (i32.const 1) (i32.const 136)))))`;

/** A standard input fed by the test: `push` text, `end` it; reads wait asynchronously. */
function controlled(): { source: StdinSource; push(t: string): void; end(): void } {
  const chunks: Uint8Array[] = [];
  let ended = false;
  let wake: (() => void) | null = null;
  const take = (buf: Uint8Array) => {
    const c = chunks[0];
    const n = Math.min(buf.length, c.length);
    buf.set(c.subarray(0, n));
    if (n === c.length) chunks.shift();
    else chunks[0] = c.subarray(n);
    return n;
  };
  return {
    source: {
      tryRead: (buf) => chunks.length > 0 ? take(buf) : ended ? 0 : null,
      readSync: () => {
        throw new Error("the synchronous path must not read this source");
      },
      async readAsync(buf) {
        while (chunks.length === 0 && !ended) await new Promise<void>((r) => wake = r);
        return chunks.length > 0 ? take(buf) : 0;
      },
    },
    push(t) {
      chunks.push(enc.encode(t));
      wake?.();
    },
    end() {
      ended = true;
      wake?.();
    },
  };
}

/** A WASI program set up in a runtime, its output captured. */
function setup(source: string, stdin: StdinSource | Uint8Array) {
  const out: number[] = [];
  const wasi = createWasi({ args: ["t"], stdin, stdout: (b) => void out.push(...b) });
  const runtime = new Runtime();
  const instance = runtime.instantiate(source, wasi.imports(source));
  return { wasi, runtime, instance, out: () => dec.decode(new Uint8Array(out)) };
}

Deno.test("driver: a stdin read with no data suspends; the data comes later; same output", async () => {
  const input = controlled();
  const { wasi, instance, runtime, out } = setup(CAT, input.source);
  const done = wasi.run(instance);
  await new Promise((r) => setTimeout(r, 5));
  input.push("hello, ");
  await new Promise((r) => setTimeout(r, 5));
  input.push("world and more than sixteen bytes\n");
  input.end();
  assert.equal(await done, 0);
  assert.equal(out(), "hello, world and more than sixteen bytes\n");
  assert.equal(runtime.machine.suspending.size, 0, "the driver leaves no suspending import");
  // The synchronous path still works on a source that never waits.
  const sync = setup(CAT, enc.encode("sync path"));
  assert.equal(sync.wasi.start(sync.instance), 0);
  assert.equal(sync.out(), "sync path");
});

Deno.test("driver: poll_oneoff sleeps without blocking the thread", async () => {
  const { wasi, instance, out } = setup(SLEEP, new Uint8Array(0));
  let ticked = false;
  setTimeout(() => ticked = true, 5);
  const t0 = performance.now();
  assert.equal(await wasi.run(instance), 0);
  assert.ok(performance.now() - t0 >= 29, "it slept");
  assert.ok(ticked, "a timer fired while the guest slept");
  assert.equal(out(), "done");
  const sync = setup(SLEEP, new Uint8Array(0));
  const t1 = performance.now();
  assert.equal(sync.wasi.start(sync.instance), 0);
  assert.ok(performance.now() - t1 >= 29);
});

Deno.test("driver: stopped in a stdin wait, snapshotted, resumed with other input", async () => {
  const input = controlled();
  const { wasi, instance, runtime, out } = setup(CAT, input.source);
  input.push("before ");
  wasi.bind(instance);
  const execution = runtime.start(instance.exports._start as () => void);
  const r = await wasi.drive(execution, { stopAtWait: (why) => why === "stdin" });
  assert.deepEqual(r, { status: "waiting", reason: "stdin" });
  assert.equal(out(), "before ");
  assert.ok(runtime.machine.hostCallee >= 0, "the fd_read is pending in the machine");
  const bytes = runtime.snapshot({ execution, host: { wasi: wasi.state } });
  // In this process, through the CLI's resume (stdin: bytes)...
  let rest = "";
  const resumed = await resumeSnapshot(bytes, {
    stdio: { stdin: enc.encode("after"), stdout: (b) => void (rest += dec.decode(b)) },
  });
  assert.deepEqual(resumed, { lines: [], status: 0 });
  assert.equal(rest, "after");
  // ...and in a new process, reading its own standard input (a pipe).
  const path = await Deno.makeTempFile({ suffix: ".msgpack" });
  try {
    await Deno.writeFile(path, bytes);
    const p = await runCli(["resume", path], "elsewhere\n");
    assert.deepEqual(p, { status: 0, out: "elsewhere\n", err: "" });
  } finally {
    await Deno.remove(path);
  }
  // The first execution goes on too: the pending read completes from its own source.
  input.push("later");
  input.end();
  const last = await wasi.drive(execution);
  assert.equal(last.status, "complete");
  assert.equal(out(), "before later");
});

Deno.test("stdin: bytes read ahead live in the state and come first after a restore", () => {
  const state = initialState({});
  const reader = new StdinReader(state, bytesStdin(enc.encode("abc")));
  assert.equal(reader.poll(true), true);
  assert.deepEqual(state.stdinBuffer, [97, 98, 99]);
  const copy = structuredClone(state);
  const again = new StdinReader(copy, bytesStdin(enc.encode("def")));
  const buf = new Uint8Array(2);
  assert.equal(again.tryRead(buf), 2);
  assert.equal(dec.decode(buf), "ab");
  assert.equal(again.readSync(buf), 1);
  assert.equal(dec.decode(buf.subarray(0, 1)), "c");
  assert.equal(copy.stdinBuffer, undefined);
  assert.equal(again.readSync(buf), 2);
  assert.equal(dec.decode(buf), "de");
});

Deno.test("stdin with NONBLOCK: EAGAIN where a read would wait, data once it came", () => {
  const input = controlled();
  const src = `(module
    (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_fdstat_set_flags" (func $flags (param i32 i32) (result i32)))
    (memory (export "memory") 1)
    (func (export "nonblock") (result i32) (call $flags (i32.const 0) (i32.const 4)))
    (func (export "read") (result i32)
      (i32.store (i32.const 0) (i32.const 100))
      (i32.store (i32.const 4) (i32.const 16))
      (i32.store (i32.const 8) (i32.const -1))
      (i32.add (i32.mul (call $read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8))
        (i32.const 1000)) (i32.load (i32.const 8)))))`;
  const { wasi, instance } = setup(src, input.source);
  wasi.bind(instance);
  const call = (name: string) => (instance.exports[name] as () => number)();
  assert.equal(call("nonblock"), 0);
  assert.equal(call("read"), 6000 - 1, "EAGAIN, nothing read");
  input.push("abc");
  assert.equal(call("read"), 3);
  input.end();
  assert.equal(call("read"), 0);
});

/** Runs testdata/wasi/sockets.wasm against the test client, blocking or through the driver. */
async function socketsRun(driven: boolean): Promise<{ out: string; ticks: number }> {
  let out = "";
  const wasi = createWasi({
    args: ["sockets"],
    listeners: ["127.0.0.1:0"],
    stdout: (b) => out += dec.decode(b),
  });
  const client = new Worker(new URL("./sock_client_worker.ts", import.meta.url).href, {
    type: "module",
  });
  const received = new Promise<string>((resolve) => client.onmessage = (e) => resolve(e.data));
  const port = Number(wasi.listenAddress(3)!.split(":")[1]);
  // Driven, the client connects 20 ms late: the guest's accept must wait (a blocked thread
  // would never post it).
  if (driven) setTimeout(() => client.postMessage(port), 20);
  else client.postMessage(port);
  const bytes = Deno.readFileSync(SOCKETS);
  const runtime = new Runtime();
  const instance = runtime.instantiate(bytes, wasi.imports(bytes));
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  try {
    assert.equal(driven ? await wasi.run(instance) : wasi.start(instance), 0);
  } finally {
    clearInterval(timer);
  }
  assert.equal(await received, "HELLO CLIENT\n");
  client.terminate();
  return { out, ticks };
}

Deno.test("driver: socket accepts and receives wait without blocking; same output", async () => {
  const blocking = await socketsRun(false);
  const driven = await socketsRun(true);
  assert.equal(driven.out, blocking.out);
  assert.match(driven.out, /got 11 'hello world'/);
  assert.equal(blocking.ticks, 0, "the blocking run holds the thread");
  assert.ok(driven.ticks > 0, "timers fire while the driven guest waits");
});

const LINES = ["alpha", "beta gamma", "delta", "the last line"];

/** echo.wasm's uninterrupted run over LINES: stdout and out/log.txt. */
async function echoWhole(dir: string): Promise<{ out: string; log: string }> {
  await Deno.mkdir(`${dir}/whole`);
  const r = await runCli(["run", "--dir", `${dir}/whole::/out`, ECHO], LINES.join("\n") + "\n");
  assert.equal(r.status, 0, r.err);
  assert.ok(r.out.includes("4 lines"), r.out);
  return { out: r.out, log: await Deno.readTextFile(`${dir}/whole/log.txt`) };
}

Deno.test("gab: cut in a blocking stdin read, resumed in a new process: same output", async () => {
  await withTempDir("gab-suspend-", async (dir) => {
    const whole = await echoWhole(dir);
    await Deno.mkdir(`${dir}/cut`);
    const snap = `${dir}/s.msgpack`;
    const first = await runCli(
      [
        "run",
        "--snapshot-out",
        snap,
        "--snapshot-on-stdin-wait",
        "--dir",
        `${dir}/cut::/out`,
        ECHO,
      ],
      LINES.slice(0, 2).join("\n") + "\n",
      true,
    );
    assert.equal(first.status, 75, first.err);
    assert.equal(
      first.err,
      `gab: waiting for standard input: snapshot written to ${snap} (status 75)\n`,
    );
    const rest = await runCli(["resume", snap], LINES.slice(2).join("\n") + "\n");
    assert.equal(rest.status, 0, rest.err);
    assert.equal(first.out + rest.out, whole.out);
    assert.equal(await Deno.readTextFile(`${dir}/cut/log.txt`), whole.log);
  });
});

Deno.test("gab: cut by fuel in the middle, resumed in new processes: same output", async () => {
  await withTempDir("gab-suspend-", async (dir) => {
    const whole = await echoWhole(dir);
    await Deno.mkdir(`${dir}/cut`);
    const input = LINES.join("\n") + "\n";
    const first = await runCli([
      "run",
      "--fuel",
      "150000",
      "--snapshot-out",
      `${dir}/a`,
      "--dir",
      `${dir}/cut::/out`,
      ECHO,
    ], input);
    assert.equal(first.status, 75, first.err);
    const second = await runCli(
      ["resume", "--fuel", "150000", "--snapshot-out", `${dir}/b`, `${dir}/a`],
      "",
    );
    assert.equal(second.status, 75, second.err);
    assert.ok(second.out.length > 0, "the middle budget printed something");
    const rest = await runCli(["resume", `${dir}/b`], "");
    assert.equal(rest.status, 0, rest.err);
    assert.equal(first.out + second.out + rest.out, whole.out);
    assert.equal(await Deno.readTextFile(`${dir}/cut/log.txt`), whole.log);
  });
});

const PY_ARGS = ["--dir", `${CPYTHON}::/`, "--env", "PYTHONHOME=/", `${CPYTHON}/python.wasm`];

Deno.test({
  name: "gab: CPython cut by fuel in the middle, resumed in a new process: same output",
  ignore: !HAVE_CPYTHON,
  async fn() {
    await withTempDir("gab-suspend-", async (dir) => {
      const code = "import json, hashlib; s = json.dumps({str(i): i * i for i in range(300)}); " +
        "print(len(s), hashlib.sha256(s.encode()).hexdigest()[:16])";
      // The uninterrupted run's output, computed here (an uninterrupted run takes seconds).
      const text = "{" + Array.from({ length: 300 }, (_, i) => `"${i}": ${i * i}`).join(", ") + "}";
      const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", enc.encode(text)));
      const hex = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
      const whole = { out: `${text.length} ${hex.slice(0, 16)}\n` };
      const first = await runCli(
        ["run", "--fuel", "15000000", "--snapshot-out", `${dir}/py`, ...PY_ARGS, "-c", code],
        "",
      );
      assert.equal(first.status, 75, first.err);
      const rest = await runCli(["resume", `${dir}/py`], "");
      assert.equal(rest.status, 0, rest.err);
      assert.equal(first.out + rest.out, whole.out);
      assert.equal(rest.err, "");
    });
  },
});

Deno.test({
  name: "gab: CPython waiting in input(), snapshotted, answered by a new process",
  ignore: !HAVE_CPYTHON || !SLOW,
  async fn() {
    await withTempDir("gab-suspend-", async (dir) => {
      const code = "import sys; print('ready', flush=True); " +
        "print('got', sys.stdin.readline().strip().upper())";
      const first = await runCli(
        ["run", "--snapshot-out", `${dir}/py`, "--snapshot-on-stdin-wait", ...PY_ARGS, "-c", code],
        "",
        true,
      );
      assert.equal(first.status, 75, first.err);
      assert.equal(first.out, "ready\n");
      const rest = await runCli(["resume", `${dir}/py`], "snapshot\n");
      assert.equal(rest.status, 0, rest.err);
      assert.equal(first.out + rest.out, "ready\ngot SNAPSHOT\n");
    });
  },
});
