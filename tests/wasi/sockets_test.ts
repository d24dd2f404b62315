import assert from "node:assert/strict";
import * as path from "node:path";
import { Runtime } from "../../src/api/runtime.ts";
import { createWasi } from "../../src/wasi/api.ts";
import { DIR } from "./harness.ts";

// No Node reference here (node:wasi has no sockets): the expected output is written out.
const EXPECTED = `fdstat: 0 type 6
poll listener: 0 events 1 type 1
accept: 0
accept nonblock (no second client): 6
accept bad flags: 28
accept on connection: 76
recv peek: 0
peeked 5 'hello'
recv waitall: 0
got 11 'hello world'
send: 0
sent 6
send bad flags: 28
fd_write: 0
shutdown bad: 28
shutdown write: 0
shutdown listener: 53
fd_read rest: 0
rest 4 'tail'
recv at end: 0
end 0
recv on listener: 53
close: 0
recv closed: 8
`;

Deno.test("sockets: a guest server accepts, receives, sends, shuts down", async () => {
  let out = "";
  const wasi = createWasi({
    args: ["sockets"],
    listeners: ["127.0.0.1:0"],
    stdout: (b) => out += new TextDecoder().decode(b),
  });
  const address = wasi.listenAddress(3)!;
  assert.match(address, /^127\.0\.0\.1:\d+$/);
  const client = new Worker(new URL("./sock_client_worker.ts", import.meta.url).href, {
    type: "module",
  });
  const received = new Promise<string>((resolve) => client.onmessage = (e) => resolve(e.data));
  client.postMessage(Number(address.split(":")[1]));
  const bytes = Deno.readFileSync(path.join(DIR, "sockets.wasm"));
  const runtime = new Runtime();
  const instance = runtime.instantiate(bytes, wasi.imports(bytes));
  assert.equal(wasi.start(instance), 0);
  assert.equal(await received, "HELLO CLIENT\n");
  client.terminate();
  assert.equal(out, EXPECTED);
});
