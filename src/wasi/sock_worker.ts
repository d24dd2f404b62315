/**
 * The socket bridge's worker (see `bridge.ts`): it owns the listening sockets and their
 * connections, accepts and reads in the background into queues, and serves one request at a
 * time from the main thread (which blocks until the answer is in the shared control array).
 *
 * Request: a message `{ op, id, n, flags }`; payload bytes in the shared data buffer. Answer:
 * `ctl[1]` the result (>= 0) or a negated errno, `ctl[2]` an extra value, then `ctl[0] = 2`
 * and a notify.
 *
 * @module
 */

/// <reference lib="deno.worker" />

interface Listening {
  listener: Deno.Listener;
  queue: Deno.Conn[];
}

interface Connection {
  conn: Deno.Conn;
  chunks: Uint8Array[];
  eof: boolean;
  readShut: boolean;
}

const listeners = new Map<number, Listening>();
const conns = new Map<number, Connection>();
let nextId = 1;
let ctl = new Int32Array(new SharedArrayBuffer(12));
let data = new Uint8Array(0);
let waiters: (() => void)[] = [];

function wake(): void {
  const w = waiters;
  waiters = [];
  for (const f of w) f();
}

function change(): Promise<void> {
  return new Promise((resolve) => waiters.push(resolve));
}

// errnos (WASI numbering)
const E = {
  AGAIN: 6,
  BADF: 8,
  CONNRESET: 15,
  INVAL: 28,
  IO: 29,
  NOTCONN: 53,
  PIPE: 64,
  ADDRINUSE: 3,
};

function errnoOf(e: unknown): number {
  if (e instanceof Deno.errors.ConnectionReset) return E.CONNRESET;
  if (e instanceof Deno.errors.BrokenPipe) return E.PIPE;
  if (e instanceof Deno.errors.AddrInUse) return E.ADDRINUSE;
  if (e instanceof Deno.errors.NotConnected) return E.NOTCONN;
  if (e instanceof Deno.errors.BadResource) return E.BADF;
  return E.IO;
}

async function acceptLoop(l: Listening): Promise<void> {
  try {
    for await (const c of l.listener) {
      l.queue.push(c);
      wake();
    }
  } catch {
    // closed
  }
}

async function readLoop(c: Connection): Promise<void> {
  const buf = new Uint8Array(65536);
  try {
    for (;;) {
      const n = await c.conn.read(buf);
      if (n === null) break;
      c.chunks.push(buf.slice(0, n));
      wake();
    }
  } catch {
    // reset or closed: the end of the stream
  }
  c.eof = true;
  wake();
}

function buffered(c: Connection): number {
  let n = 0;
  for (const ch of c.chunks) n += ch.length;
  return n;
}

/** Copies up to `max` buffered bytes into `data`; consumes them unless peeking. */
function take(c: Connection, max: number, peek: boolean): number {
  let n = 0;
  let i = 0;
  while (n < max && i < c.chunks.length) {
    const ch = c.chunks[i];
    const k = Math.min(ch.length, max - n);
    data.set(ch.subarray(0, k), n);
    n += k;
    if (!peek) {
      if (k === ch.length) c.chunks.shift();
      else {
        c.chunks[0] = ch.subarray(k);
        i++;
      }
    } else i++;
    if (!peek && k < ch.length) break;
  }
  return n;
}

interface Request {
  op: string;
  id: number;
  n: number;
  flags: number;
  addr?: string;
}

async function handle(m: Request): Promise<[number, number]> {
  switch (m.op) {
    case "listen": {
      const at = m.addr!.lastIndexOf(":");
      const listener = Deno.listen({
        hostname: m.addr!.slice(0, at),
        port: Number(m.addr!.slice(at + 1)),
      });
      const l: Listening = { listener, queue: [] };
      const id = nextId++;
      listeners.set(id, l);
      void acceptLoop(l);
      return [id, (listener.addr as Deno.NetAddr).port];
    }
    case "accept": {
      const l = listeners.get(m.id);
      if (l === undefined) return [-E.BADF, 0];
      while (l.queue.length === 0) {
        if (m.flags & 4) return [-E.AGAIN, 0];
        await change();
      }
      const c: Connection = { conn: l.queue.shift()!, chunks: [], eof: false, readShut: false };
      const id = nextId++;
      conns.set(id, c);
      void readLoop(c);
      return [id, 0];
    }
    case "recv": {
      const c = conns.get(m.id);
      if (c === undefined) return [-E.BADF, 0];
      if (c.readShut) return [0, 0];
      while (c.chunks.length === 0 && !c.eof) {
        if (m.flags & 4) return [-E.AGAIN, 0];
        await change();
      }
      return [take(c, Math.min(m.n, data.length), (m.flags & 1) !== 0), 0];
    }
    case "send": {
      const c = conns.get(m.id);
      if (c === undefined) return [-E.BADF, 0];
      const bytes = data.slice(0, m.n);
      let done = 0;
      while (done < bytes.length) done += await c.conn.write(bytes.subarray(done));
      return [done, 0];
    }
    case "shutdown": {
      const c = conns.get(m.id);
      if (c === undefined) return [-E.BADF, 0];
      if (m.flags & 1) c.readShut = true;
      if (m.flags & 2) await c.conn.closeWrite();
      return [0, 0];
    }
    case "ready": {
      // bit 0: readable (a connection waiting, data, or the end); bit 1: writable
      const l = listeners.get(m.id);
      if (l !== undefined) return [l.queue.length > 0 ? 1 : 0, 0];
      const c = conns.get(m.id);
      if (c === undefined) return [-E.BADF, 0];
      return [(c.chunks.length > 0 || c.eof || c.readShut ? 1 : 0) | 2, buffered(c)];
    }
    case "close": {
      const l = listeners.get(m.id);
      if (l !== undefined) {
        listeners.delete(m.id);
        l.listener.close();
        for (const c of l.queue) c.close();
        return [0, 0];
      }
      const c = conns.get(m.id);
      if (c === undefined) return [-E.BADF, 0];
      conns.delete(m.id);
      try {
        c.conn.close();
      } catch {
        // already closed
      }
      return [0, 0];
    }
  }
  return [-E.INVAL, 0];
}

self.onmessage = async (ev: MessageEvent) => {
  const m = ev.data;
  if (m.op === "init") {
    ctl = new Int32Array(m.ctl);
    data = new Uint8Array(m.data);
  } else {
    let r: [number, number];
    try {
      r = await handle(m);
    } catch (e) {
      r = [-errnoOf(e), 0];
    }
    Atomics.store(ctl, 1, r[0]);
    Atomics.store(ctl, 2, r[1]);
  }
  Atomics.store(ctl, 0, 2);
  Atomics.notify(ctl, 0);
};
