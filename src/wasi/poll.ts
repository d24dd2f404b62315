/**
 * `poll_oneoff`: clock subscriptions (relative or absolute timeouts on any clock) and
 * descriptor readiness.
 *
 * Readiness: regular files are always ready (reading: `nbytes` is what is left after the
 * offset); standard output and error are ready; standard input is ready when bytes or the end
 * of input are there (`stdin.ts` reads ahead into the state's buffer; `nbytes` is what it
 * holds) or when the host cannot tell (then a read blocks); sockets are ready when a
 * connection, data or the end of the stream is there (reading) and always for writing; other
 * descriptors give their event an error (EBADF for a closed descriptor or a directory,
 * ENOTCAPABLE without POLL_FD_READWRITE). When descriptor events are ready, clocks that have
 * expired are reported with them and nothing waits. Otherwise the call waits: for the shortest
 * clock timeout (really, or virtually in deterministic mode), checking pending descriptors
 * every 10 ms, and reports what is ready then.
 *
 * Suspendable mode (`wait.ts`): a real wait throws WouldBlock instead ("sleep" for clocks,
 * "stdin" when standard input alone is pending: the driver awaits data or the timeout;
 * "socket": 10 ms). Deadlines are computed once, so the retry goes on with the same ones.
 * Deterministic clocks never wait (virtual time passes at once).
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
import { raceTimeout, sleepAsync, WouldBlock } from "./wait.ts";

/** While descriptors are pending, how long one wait lasts at most (10 ms, in ns). */
const POLL_NS = 10_000_000n;

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
  // One round: report what is ready, or wait (blocking, or WouldBlock with this as the retry).
  const round = (): number => {
    for (;;) {
      let waiting = false, sockets = false;
      for (const s of fds) {
        const ev = fdEvent(ctx, s.userdata, s.type, s.fd);
        if (ev !== null) events.push(ev);
        else {
          waiting = true;
          if (ctx.state.fds[s.fd]?.kind !== "stdin") sockets = true;
        }
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
      const deterministic = ctx.state.clock.deterministic;
      if (waiting && (wait < 0n || wait > POLL_NS)) {
        if (ctx.suspendable) {
          // Standard input alone: wait for it (or the timeout); sockets: check again in 10 ms.
          const ms = sockets || deterministic ? 10 : wait < 0n ? Infinity : Number(wait) / 1e6;
          const stdin = fds.some((s) => ctx.state.fds[s.fd]?.kind === "stdin");
          throw new WouldBlock(
            sockets ? "socket" : "stdin",
            () => stdin ? raceTimeout(ctx.stdin.ready(), ms) : sleepAsync(ms),
            () => {
              if (deterministic) ctx.clocks.pass(POLL_NS, ctx.sleep);
              return round();
            },
          );
        }
        // Descriptors change in real time: wait really, also in deterministic mode.
        if (deterministic) ctx.sleep(10);
        ctx.clocks.pass(POLL_NS, ctx.sleep);
        continue;
      }
      if (ctx.suspendable && !deterministic && wait > 0n) {
        throw new WouldBlock("sleep", () => sleepAsync(Number(wait) / 1e6), round);
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
  };
  return round();
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
  } else if (e.kind === "stdin") {
    if (!ctx.stdin.poll(ctx.suspendable)) return null;
    ev.nbytes = BigInt(ctx.stdin.buffered);
  }
  return ev;
}
