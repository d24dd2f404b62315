/**
 * The socket bridge: Deno has no synchronous socket API, so the sockets live in a worker
 * (`sock_worker.ts`) and the WASI functions, which must answer synchronously, post a request
 * and block until the worker's answer is in a shared control array (the wait is in `wait.ts`).
 * Payloads travel through a shared buffer of {@linkcode BRIDGE_BUFFER} bytes.
 *
 * The bridge is started only when the embedder hands in listening sockets; `close` ends the
 * worker (and every socket).
 *
 * @module
 */

import { WasiError } from "./errno.ts";
import { waitForWorker } from "./wait.ts";

/** The most bytes one request carries. */
export const BRIDGE_BUFFER = 65536;

/** The main thread's end of the bridge. */
export class SocketBridge {
  private readonly worker: Worker;
  private readonly ctl = new Int32Array(new SharedArrayBuffer(12));
  /** The shared payload buffer. */
  readonly data: Uint8Array = new Uint8Array(new SharedArrayBuffer(BRIDGE_BUFFER));

  constructor() {
    this.worker = new Worker(new URL("./sock_worker.ts", import.meta.url).href, {
      type: "module",
    });
    this.request({ op: "init", ctl: this.ctl.buffer, data: this.data.buffer });
  }

  private request(msg: Record<string, unknown>): [number, number] {
    Atomics.store(this.ctl, 0, 1);
    this.worker.postMessage(msg);
    waitForWorker(this.ctl);
    return [Atomics.load(this.ctl, 1), Atomics.load(this.ctl, 2)];
  }

  /**
   * Calls `op` on socket `id` with size `n` and `flags`; returns the result and the extra
   * value, or throws the errno the worker answered.
   */
  call(op: string, id: number, n = 0, flags = 0, addr?: string): [number, number] {
    const r = this.request({ op, id, n, flags, addr });
    if (r[0] < 0) throw new WasiError(-r[0]);
    return r;
  }

  /** Ends the worker and every socket. */
  close(): void {
    this.worker.terminate();
  }
}
