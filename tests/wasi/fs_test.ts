import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Filetype } from "../../src/wasi/abi.ts";
import { Errno, WasiError } from "../../src/wasi/errno.ts";
import { resolvePath } from "../../src/wasi/fs.ts";
import { fdEntry, type WasiState } from "../../src/wasi/state.ts";

function fixture(): [string, WasiState] {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "gab-wasi-fs-")));
  fs.mkdirSync(path.join(root, "a/b"), { recursive: true });
  fs.writeFileSync(path.join(root, "a/f"), "");
  fs.symlinkSync("b", path.join(root, "a/lb"));
  fs.symlinkSync("../..", path.join(root, "a/out"));
  fs.symlinkSync("/tmp", path.join(root, "abs"));
  fs.symlinkSync("self", path.join(root, "self"));
  const state = { preopens: [{ guest: "/", host: root }] } as WasiState;
  return [root, state];
}

function errno(f: () => unknown): number {
  try {
    f();
  } catch (e) {
    if (e instanceof WasiError) return e.errno;
    throw e;
  }
  return 0;
}

Deno.test("resolvePath: inside the preopen, links spliced, escapes refused", () => {
  const [root, state] = fixture();
  try {
    const top = fdEntry({ kind: "dir", filetype: Filetype.DIRECTORY, root: 0, rel: "" });
    const sub = fdEntry({ kind: "dir", filetype: Filetype.DIRECTORY, root: 0, rel: "a" });
    assert.equal(resolvePath(state, top, "a/lb/../f", true).host, `${root}/a/f`);
    assert.equal(resolvePath(state, top, "a/lb", true).rel, "a/b");
    assert.equal(resolvePath(state, top, "a/lb", false).rel, "a/lb");
    assert.equal(resolvePath(state, top, "./a//b/", true).dirOnly, true);
    assert.equal(resolvePath(state, top, "new", true).rel, "new");
    assert.equal(resolvePath(state, sub, "b/..", true).rel, "a");
    assert.equal(errno(() => resolvePath(state, top, "..", true)), Errno.NOTCAPABLE);
    assert.equal(errno(() => resolvePath(state, top, "/x", true)), Errno.NOTCAPABLE);
    assert.equal(errno(() => resolvePath(state, top, "a/out/x", true)), Errno.NOTCAPABLE);
    assert.equal(errno(() => resolvePath(state, top, "abs/x", true)), Errno.NOTCAPABLE);
    assert.equal(errno(() => resolvePath(state, sub, "../f", true)), Errno.NOTCAPABLE);
    assert.equal(errno(() => resolvePath(state, top, "self", true)), Errno.LOOP);
    assert.equal(errno(() => resolvePath(state, top, "a/f/x", true)), Errno.NOTDIR);
    assert.equal(errno(() => resolvePath(state, top, "nope/x", true)), Errno.NOENT);
    assert.equal(errno(() => resolvePath(state, top, "", true)), Errno.NOENT);
    const file = fdEntry({ kind: "file", filetype: Filetype.REGULAR_FILE, root: 0, rel: "a/f" });
    assert.equal(errno(() => resolvePath(state, file, "x", true)), Errno.NOTDIR);
  } finally {
    fs.rmSync(root, { recursive: true });
  }
});
