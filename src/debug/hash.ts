/**
 * A hash of a machine's whole state, to check that travelling gives the very state a straight
 * run had at the same tick: memories (size and bytes), the value stack up to the current
 * frame's top, the call stack, the current frame, the status and pending host call, globals,
 * tables, the heap-object count, the GC heap (each struct's and array's address, type and
 * words, freed addresses and the free list, whose order decides the next addresses), the
 * execution's state and the host state (WASI's, given as JSON; its `clock.fuelStart`, budget
 * bookkeeping rather than guest state, is left out).
 *
 * SHA-256 through node:crypto (native). Not hashed: the code (derived), memory `generation`
 * (a cache key for views).
 *
 * @module
 */

import { createHash } from "node:crypto";
import type { Execution } from "../exec/execution.ts";
import type { Machine } from "../exec/machine.ts";
import { FRAME_STRIDE } from "../exec/machine.ts";

/** The state hash of `m` (with `ex` and the host state `host`, JSON or null), hex. */
export function stateHash(m: Machine, ex: Execution | null, host: string | null): string {
  const h = createHash("sha256");
  const store = m.store;
  const top = m.funcAddr < 0 ? 0 : m.top();
  h.update(JSON.stringify([
    m.funcAddr,
    m.pc,
    m.fp,
    m.depth,
    m.status,
    m.hostCallee,
    m.hostAt,
    m.hostTail,
    store.objects.length,
    ex?.state ?? null,
    store.memories.map((mm) => mm.pages),
    store.tables.map((t) => t.size),
    top,
  ]));
  for (const mm of store.memories) h.update(new Uint8Array(mm.buffer));
  h.update(m.u8.subarray(0, top * 4));
  h.update(new Uint8Array(m.frames.buffer, 0, m.depth * FRAME_STRIDE * 4));
  h.update(new Uint8Array(store.globalSlots, 0, store.globalSlotCount * 8));
  for (const t of store.tables) {
    h.update(new Uint8Array(t.elems.buffer, t.elems.byteOffset, t.size * 4));
  }
  hashHeap(h, m);
  if (host !== null) {
    const st = JSON.parse(host);
    if (st?.clock !== undefined) delete st.clock.fuelStart;
    h.update(JSON.stringify(st));
  }
  return h.digest("hex");
}

/** Adds the GC heap of `m`'s store to `h` (nothing for a program without GC objects). */
function hashHeap(h: ReturnType<typeof createHash>, m: Machine): void {
  const objects = m.store.objects;
  const head = new Int32Array(3);
  for (let a = 0; a < objects.length; a++) {
    const o = objects[a];
    if (o === undefined) continue;
    if (o.kind === "struct") {
      head.set([a, 1, o.type]);
      h.update(new Uint8Array(head.buffer));
      h.update(new Uint8Array(Int32Array.from(o.fields).buffer));
    } else if (o.kind === "array") {
      head.set([a, 2, o.type]);
      h.update(new Uint8Array(head.buffer));
      h.update(new Uint8Array(o.elems.buffer, o.elems.byteOffset, o.elems.byteLength));
    } else if (o.kind === "free") {
      head.set([a, 3, 0]);
      h.update(new Uint8Array(head.buffer));
    }
  }
  h.update(JSON.stringify(m.store.free));
}
