/**
 * The clocks of `clock_time_get`, `clock_res_get` and `poll_oneoff`, in nanoseconds (bigint).
 *
 * Real mode: realtime is the host's wall clock, monotonic is `performance.now()` (since the
 * process started) plus, after a restore, the monotonic time the run had reached
 * (`ClockState.monotonicNs`), so it never goes backwards across processes; the CPU-time clocks are the monotonic clock (Deno exposes no per-process
 * CPU time). Every resolution is reported as 1 µs (what `performance.now()` gives at best).
 *
 * Deterministic mode: every clock is virtual. Time advances with executed ticks (the machine's
 * fuel spent since the run started, `ClockState.fuelStart - fuel`: {@linkcode VIRTUAL_NS_PER_TICK} ns a tick), by 1 ns per
 * clock read (so two reads always differ), and by whatever `poll_oneoff` slept (without really
 * sleeping). Realtime starts at {@linkcode VIRTUAL_EPOCH_NS} (2000-01-01T00:00:00Z); the
 * monotonic and CPU clocks start at 0. Same program, same inputs: same times, bit for bit.
 *
 * @module
 */

import { Clock } from "./abi.ts";
import { Errno, WasiError } from "./errno.ts";
import type { ClockState } from "./state.ts";

/** Virtual nanoseconds per executed tick (deterministic mode). */
export const VIRTUAL_NS_PER_TICK = 10;
/** The virtual realtime clock's start: 2000-01-01T00:00:00Z in ns since the Unix epoch. */
export const VIRTUAL_EPOCH_NS = 946_684_800_000_000_000n;

/** The clocks of one WASI instance. */
export class Clocks {
  private readonly state: ClockState;
  private readonly ticks: () => number;
  /** Real mode: ns added to `performance.now()` for the monotonic clock. */
  private readonly monotonicBase: number;

  /** `ticks` returns the ticks executed since the run started (deterministic mode reads it). */
  constructor(state: ClockState, ticks: () => number) {
    this.state = state;
    this.ticks = ticks;
    const last = state.monotonicNs ?? 0;
    this.monotonicBase = Math.max(0, last - Math.floor(performance.now() * 1e6));
  }

  /** The virtual time since the run started, in ns (deterministic mode). */
  private virtualNs(): bigint {
    const s = this.state;
    const ticks = Math.max(0, this.ticks());
    return BigInt(ticks) * BigInt(VIRTUAL_NS_PER_TICK) + BigInt(s.sleptNs) + BigInt(s.reads);
  }

  /** The resolution of clock `id` in ns; EINVAL for an unknown clock. */
  resolution(id: number): bigint {
    if (id < Clock.REALTIME || id > Clock.THREAD_CPUTIME) throw new WasiError(Errno.INVAL);
    return this.state.deterministic ? 1n : 1000n;
  }

  /** The time of clock `id` in ns; EINVAL for an unknown clock. */
  now(id: number): bigint {
    if (id < Clock.REALTIME || id > Clock.THREAD_CPUTIME) throw new WasiError(Errno.INVAL);
    if (this.state.deterministic) {
      this.state.reads++;
      const t = this.virtualNs();
      return id === Clock.REALTIME ? VIRTUAL_EPOCH_NS + t : t;
    }
    if (id === Clock.REALTIME) {
      const ms = performance.timeOrigin + performance.now();
      const whole = Math.floor(ms);
      return BigInt(whole) * 1_000_000n + BigInt(Math.floor((ms - whole) * 1e6));
    }
    const ns = Math.max(
      this.monotonicBase + Math.floor(performance.now() * 1e6),
      this.state.monotonicNs ?? 0,
    );
    this.state.monotonicNs = ns;
    return BigInt(ns);
  }

  /**
   * Lets `ns` nanoseconds pass: virtually (deterministic mode) or really, by blocking the
   * thread through `sleep` (the one place a real wait happens for clocks).
   */
  pass(ns: bigint, sleep: (ms: number) => void): void {
    if (ns <= 0n) return;
    if (this.state.deterministic) {
      this.state.sleptNs += Number(ns);
      return;
    }
    sleep(Number(ns) / 1e6);
  }
}
