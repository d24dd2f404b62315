// Produces the expected outputs of the WASI test programs (testdata/wasi/expected/NAME.json:
// exit status, stdout, stderr) by running each case of testdata/wasi/cases.json under Node's
// node:wasi. Run once after changing a test program; gab's tests compare with these files, so
// neither CI nor a developer needs Node otherwise.
//
// Usage: node scripts/wasi_expected.mjs [NAME...]   (default: every case)
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { WASI } from "node:wasi";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const dir = path.join(root, "testdata/wasi");
const spec = JSON.parse(fs.readFileSync(path.join(dir, "cases.json"), "utf8"));
const only = process.argv.slice(2);
/** A case's path: "@shared/..." lies in the shared folder beside the repository. */
const resolve = (p) =>
  p.startsWith("@shared/") ? path.join(root, "..", "shared", p.slice(8)) : path.join(dir, p);

/** Builds fixture `f` in a new temp folder; returns [the folder, the sandbox inside it]. */
function makeSandbox(f) {
  const top = fs.mkdtempSync(path.join(os.tmpdir(), "gab-wasi-"));
  const sandbox = path.join(top, "sandbox");
  fs.mkdirSync(sandbox);
  if (f) {
    for (const d of f.dirs ?? []) fs.mkdirSync(path.join(sandbox, d), { recursive: true });
    for (const [p, text] of Object.entries(f.files ?? {})) {
      fs.writeFileSync(path.join(sandbox, p), text);
    }
    for (const [p, target] of Object.entries(f.symlinks ?? {})) {
      fs.symlinkSync(target, path.join(sandbox, p));
    }
    for (const [p, text] of Object.entries(f.outside ?? {})) {
      fs.writeFileSync(path.join(top, p), text);
    }
  }
  return [top, sandbox];
}

fs.mkdirSync(path.join(dir, "expected"), { recursive: true });
for (const c of spec.cases) {
  if (only.length > 0 && !only.includes(c.name)) continue;
  // A reviewed case's expected output is gab's, checked by hand: Node is no reference there
  // (for the sandbox escapes, uvwasi follows links out: never run those under Node).
  if (c.reference === "reviewed") continue;
  const [top, sandbox] = makeSandbox(c.fixture ? spec.fixtures[c.fixture] : null);
  const io = ["stdin", "stdout", "stderr"].map((n) => path.join(top, n));
  fs.writeFileSync(io[0], c.stdin ?? "");
  const fds = [fs.openSync(io[0], "r"), fs.openSync(io[1], "w"), fs.openSync(io[2], "w")];
  const env = Object.fromEntries(
    (c.env ?? []).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]),
  );
  const wasi = new WASI({
    version: c.version ?? "preview1",
    args: c.args,
    env,
    preopens: {
      ...(c.sandbox ? { "/sandbox": sandbox } : {}),
      ...Object.fromEntries(Object.entries(c.preopens ?? {}).map(([g, h]) => [g, resolve(h)])),
    },
    stdin: fds[0],
    stdout: fds[1],
    stderr: fds[2],
    returnOnExit: true,
  });
  const module = await WebAssembly.compile(fs.readFileSync(resolve(c.wasm)));
  const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
  const status = wasi.start(instance);
  for (const fd of fds) {
    try {
      fs.closeSync(fd);
    } catch {
      // node:wasi may have closed it already (the guest closed its stdio)
    }
  }
  const result = {
    status,
    stdout: fs.readFileSync(io[1], "utf8"),
    stderr: fs.readFileSync(io[2], "utf8"),
  };
  fs.writeFileSync(
    path.join(dir, "expected", `${c.name}.json`),
    JSON.stringify(result, null, 2) + "\n",
  );
  fs.rmSync(top, { recursive: true, force: true });
  console.log(`${c.name}: status ${status}`);
}
