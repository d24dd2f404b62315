import assert from "node:assert/strict";
import { readTar } from "../../scripts/fetch_testsuite.ts";

/** A tar header block for one entry (no checksum: the reader does not check it). */
function header(name: string, size: number, flag: string): Uint8Array {
  const h = new Uint8Array(512);
  const put = (at: number, s: string) => h.set(new TextEncoder().encode(s), at);
  put(0, name);
  put(124, size.toString(8).padStart(11, "0"));
  put(156, flag);
  put(257, "ustar\u000000");
  return h;
}

function tar(entries: [string, string, string][]): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const [name, flag, content] of entries) {
    const data = new TextEncoder().encode(content);
    blocks.push(header(name, data.length, flag));
    const padded = new Uint8Array(Math.ceil(data.length / 512) * 512);
    padded.set(data);
    blocks.push(padded);
  }
  blocks.push(new Uint8Array(1024));
  const out = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of blocks) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

Deno.test("readTar reads files, directories and pax long names", () => {
  const long = `top/${"x".repeat(120)}.wast`;
  const entries = readTar(tar([
    ["pax_global_header", "g", "52 comment=193e551ff22663995b1ac95dc62344133669e14b\n"],
    ["top/", "5", ""],
    ["top/a.wast", "0", "(module)"],
    ["PaxHeader", "x", `${long.length + 11} path=${long}\n`],
    ["ignored", "0", "x".repeat(600)],
  ]));
  assert.deepEqual(entries.map((e) => [e.path, e.type, e.data.length]), [
    ["top/", "dir", 0],
    ["top/a.wast", "file", 8],
    [long, "file", 600],
  ]);
  assert.equal(new TextDecoder().decode(entries[1].data), "(module)");
});
