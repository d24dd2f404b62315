/// <reference lib="deno.worker" />
// The client of tests/wasi/sockets_test.ts, in a worker (the guest blocks the main thread):
// connects, sends a line, reads the answer to the end, sends a tail, closes; posts what it read.
self.onmessage = async (ev: MessageEvent) => {
  const port = ev.data as number;
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(new TextEncoder().encode("hello world"));
  const chunks: Uint8Array[] = [];
  const buf = new Uint8Array(1024);
  for (;;) {
    const n = await conn.read(buf);
    if (n === null) break;
    chunks.push(buf.slice(0, n));
  }
  await conn.write(new TextEncoder().encode("tail"));
  await conn.closeWrite();
  // Wait for the server to close its end before closing ours.
  await conn.read(buf).catch(() => null);
  conn.close();
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  self.postMessage(new TextDecoder().decode(all));
  self.close();
};
