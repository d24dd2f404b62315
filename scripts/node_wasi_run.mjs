// Runs a WASI command one or more times under Node's node:wasi, for comparison with gab
// (tests/wasi/real_programs_test.ts and scripts/fetch_programs.ts use it through
// scripts/real_programs.ts). It does not judge anything: it reports what the runs gave.
//
// Input: one JSON job on standard input,
//   { "wasm": PATH, "preopens": { GUEST: HOST, ... },
//     "runs": [ { "args": [...], "env": ["NAME=VALUE", ...], "stdin": TEXT }, ... ] }
// The module is compiled once; every run gets a fresh instance and a fresh WASI (as a new
// process would), in order, so a later run sees the files an earlier one left in a preopen.
// Standard input, output and error are temporary files (so the guest sees regular files there,
// never a terminal).
//
// Output: one JSON line on standard output,
//   { "compileMs": N, "runs": [ { "status": N, "stdout": BASE64, "stderr": BASE64, "ms": N } ] }
//
// Usage: node --no-warnings scripts/node_wasi_run.mjs < job.json
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { WASI } from "node:wasi";

const job = JSON.parse(fs.readFileSync(0, "utf8"));
const t0 = performance.now();
const module = await WebAssembly.compile(fs.readFileSync(job.wasm));
const compileMs = performance.now() - t0;
const results = [];
for (const run of job.runs) {
  const top = fs.mkdtempSync(path.join(os.tmpdir(), "gab-node-wasi-"));
  try {
    const io = ["stdin", "stdout", "stderr"].map((n) => path.join(top, n));
    fs.writeFileSync(io[0], run.stdin ?? "");
    const fds = [fs.openSync(io[0], "r"), fs.openSync(io[1], "w"), fs.openSync(io[2], "w")];
    const env = Object.fromEntries(
      (run.env ?? []).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]),
    );
    const wasi = new WASI({
      version: "preview1",
      args: run.args,
      env,
      preopens: job.preopens ?? {},
      stdin: fds[0],
      stdout: fds[1],
      stderr: fds[2],
      returnOnExit: true,
    });
    const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
    const t1 = performance.now();
    const status = wasi.start(instance);
    const ms = performance.now() - t1;
    for (const fd of fds) {
      try {
        fs.closeSync(fd);
      } catch {
        // the guest closed its stdio itself
      }
    }
    results.push({
      status,
      stdout: fs.readFileSync(io[1]).toString("base64"),
      stderr: fs.readFileSync(io[2]).toString("base64"),
      ms,
    });
  } finally {
    fs.rmSync(top, { recursive: true, force: true });
  }
}
process.stdout.write(JSON.stringify({ compileMs, runs: results }) + "\n");
