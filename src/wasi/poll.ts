/**
 * `poll_oneoff`: clock subscriptions (relative or absolute timeouts on any clock) and
 * descriptor readiness.
 *
 * Readiness: regular files are always ready (reading: `nbytes` is what is left after the
 * offset); standard streams are reported ready (Deno cannot ask a stream whether a read would
 * block: a read then blocks in `wait.ts`); sockets are ready when a connection, data or the
 * end of the stream is there (reading) and always for writing; other descriptors give their
 * event an error (EBADF for a closed descriptor or a directory, ENOTCAPABLE without
 * POLL_FD_READWRITE). When descriptor events are ready, clocks that have expired are reported
 * with them and nothing waits. Otherwise the call waits: for the shortest clock timeout
 * (really, or virtually in deterministic mode), checking pending sockets every 10 ms, and
 * reports what is ready then.
 *
 * The subscription layout is preview 1's (48 bytes, clock fields at 16) unless the caller
 * gives preview 0's (56 bytes: an extra 8-byte identifier before the clock id).
 *
 * @module
 */

import * as fs from "node:fs";
import { Eventtype, SUBSCRIPTION_CLOCK_ABSTIME } from "./abi.ts";
import type { WasiContext } from "./ctx.ts";
import { Errno, errnoOf, WasiError } from "./errno.ts";
import { Rights } from "./rights.ts";
import { socketReady } from "./sock.ts";

/** Where a subscription's fields are. */
export interface SubscriptionLayout {
  size: number;
  /** Offsets of the clock variant's fields. */
  clockId: number;
  timeout: number;
  flags: number;
}

/** Preview 1's subscription layout. */
export const SUBSCRIPTION_1: SubscriptionLayout = { size: 48, clockId: 16, timeout: 24, flags: 40 };

interface Event {
  userdata: bigint;
  error: number;
  type: number;
  nbytes: bigint;
  flags: number;
}

interface FdSub {
  userdata: bigint;
  type: number;
  fd: number;
}

interface ClockSub {
  userdata: bigint;
  id: number;
  deadline: bigint;
}

/** `poll_oneoff(in, out, nsubscriptions, nevents_ptr)`. */
export function poll_oneoff(
  ctx: WasiContext,
  inPtr: number,
  outPtr: number,
  nsubs: number,
  neventsPtr: number,
  layout: SubscriptionLayout = SUBSCRIPTION_1,
): number {
  const n = nsubs >>> 0;
  if (n === 0) throw new WasiError(Errno.INVAL);
  const mem = ctx.mem;
  mem.check(inPtr, n * layout.size);
  mem.check(outPtr, n * 32);
  mem.check(neventsPtr, 4);
  const events: Event[] = [];
  const clocks: ClockSub[] = [];
  const fds: FdSub[] = [];
  for (let i = 0; i < n; i++) {
    const at = (inPtr >>> 0) + i * layout.size;
    const userdata = mem.u64(at);
    const type = mem.u8At(at + 8);
    if (type === Eventtype.CLOCK) {
      const id = mem.u32(at + layout.clockId);
      const timeout = mem.u64(at + layout.timeout);
      const flags = mem.u16(at + layout.flags);
      try {
        const now = ctx.clocks.now(id);
        const deadline = flags & SUBSCRIPTION_CLOCK_ABSTIME ? timeout : now + timeout;
        clocks.push({ userdata, id, deadline });
      } catch (e) {
        events.push({ userdata, error: errnoOf(e), type, nbytes: 0n, flags: 0 });
      }
    } else if (type === Eventtype.FD_READ || type === Eventtype.FD_WRITE) {
      fds.push({ userdata, type, fd: mem.u32(at + 16) });
    } else {
      events.push({ userdata, error: Errno.INVAL, type, nbytes: 0n, flags: 0 });
    }
  }
  const expired = () => {
    for (const c of clocks) {
      if (c.deadline <= ctx.clocks.now(c.id)) {
        events.push({
          userdata: c.userdata,
          error: 0,
          type: Eventtype.CLOCK,
          nbytes: 0n,
          flags: 0,
        });
      }
    }
  };
  for (;;) {
    let waiting = false;
    for (const s of fds) {
      const ev = fdEvent(ctx, s.userdata, s.type, s.fd);
      if (ev === null) waiting = true;
      else events.push(ev);
    }
    if (events.length > 0) {
      expired();
      break;
    }
    if (clocks.length === 0 && !waiting) break;
    // Nothing ready: let the shortest timeout pass (sockets pending: at most 10 ms at a time).
    let wait = -1n, first = -1;
    for (let i = 0; i < clocks.length; i++) {
      const c = clocks[i];
      let left = c.deadline - ctx.clocks.now(c.id);
      if (left < 0n) left = 0n;
      if (wait < 0n || left < wait) [wait, first] = [left, i];
    }
    if (waiting && (wait < 0n || wait > 10_000_000n)) {
      // Sockets change in real time: wait really, also in deterministic mode.
      if (ctx.state.clock.deterministic) ctx.sleep(10);
      ctx.clocks.pass(10_000_000n, ctx.sleep);
      continue;
    }
    ctx.clocks.pass(wait, ctx.sleep);
    for (let i = 0; i < clocks.length; i++) {
      const c = clocks[i];
      if (i === first || c.deadline - ctx.clocks.now(c.id) <= 0n) {
        events.push({
          userdata: c.userdata,
          error: 0,
          type: Eventtype.CLOCK,
          nbytes: 0n,
          flags: 0,
        });
      }
    }
    break;
  }
  for (let i = 0; i < events.length; i++) {
    const at = (outPtr >>> 0) + i * 32;
    const ev = events[i];
    mem.bytes(at, 32).fill(0);
    mem.setU64(at, ev.userdata);
    mem.setU16(at + 8, ev.error);
    mem.setU8(at + 10, ev.type);
    mem.setU64(at + 16, ev.nbytes);
    mem.setU16(at + 24, ev.flags);
  }
  mem.setU32(neventsPtr, events.length);
  return 0;
}

/** The event of a descriptor subscription, or null while a socket is not ready. */
function fdEvent(ctx: WasiContext, userdata: bigint, type: number, fd: number): Event | null {
  const ev: Event = { userdata, error: 0, type, nbytes: 0n, flags: 0 };
  const e = ctx.state.fds[fd];
  if (e === undefined || e === null) ev.error = Errno.BADF;
  else if ((e.rights & Rights.POLL_FD_READWRITE) === 0) ev.error = Errno.NOTCAPABLE;
  else if (e.kind === "file") {
    if (type === Eventtype.FD_READ) {
      try {
        const size = fs.fstatSync(ctx.handles.file(fd, e)).size;
        ev.nbytes = BigInt(Math.max(0, size - e.offset));
      } catch (err) {
        ev.error = errnoOf(err);
      }
    }
  } else if (e.kind === "dir") ev.error = Errno.BADF;
  else if (e.kind === "socket" || e.kind === "listener") {
    try {
      const [readable, writable, n] = socketReady(ctx, e);
      if (type === Eventtype.FD_READ ? !readable : !writable) return null;
      ev.nbytes = BigInt(type === Eventtype.FD_READ ? n : 0);
    } catch (err) {
      ev.error = errnoOf(err);
    }
  } else if (e.kind === "stdin" ? type !== Eventtype.FD_READ : type !== Eventtype.FD_WRITE) {
    ev.error = Errno.BADF;
  }
  return ev;
}
