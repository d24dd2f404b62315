/**
 * Wasm backtraces: when an invocation fails (a trap, exhaustion, an uncaught exception), the
 * frames it had, innermost first, are written into the error's `trace` (src/errors.ts) from
 * the machine's call-stack records, each as its function and the wasm byte offset of the
 * instruction it was at (the IR's `srcMap`). Nested invocations (a host function calling back
 * into wasm) each add their frames as the error passes through them, so the trace runs from
 * the innermost frame to the outermost call.
 *
 * Not here: printing (`WasmError.backtrace`, the CLI). The cost is paid on failure only.
 *
 * @module
 */

import { type TraceFrame, WasmError } from "../errors.ts";
import type { CompiledFunc } from "../ir/compiled.ts";
import { FRAME_STRIDE, type Machine, WasmException } from "./machine.ts";

/** The most frames a trace keeps; deeper ones are counted in `traceOmitted`. */
export const MAX_TRACE = 32;

/**
 * Adds the frames of the invocation whose entry record is at `entry` (records above it, and
 * the current frame) to `e`'s trace, if `e` is a {@linkcode WasmError}. The machine must hold
 * the state where `e` was raised (the loop leaves it there when it throws).
 */
export function recordTrace(m: Machine, e: unknown, entry: number): void {
  if (!(e instanceof WasmError)) return;
  if (e instanceof WasmException && e.tagLabel === null) e.tagLabel = tagLabel(m, e.tag);
  const add = (addr: number, pc: number) => {
    if (e.trace.length >= MAX_TRACE) e.traceOmitted++;
    else {
      const f = frameAt(m, addr, pc);
      if (f !== null) e.trace.push(f);
    }
  };
  if (m.funcAddr >= 0) add(m.funcAddr, m.pc);
  const frames = m.frames;
  let d = m.depth - 1;
  for (; d > entry && e.trace.length < MAX_TRACE; d--) {
    // A caller's record holds its return pc: the call is the instruction before it.
    add(frames[d * FRAME_STRIDE], frames[d * FRAME_STRIDE + 1] - 1);
  }
  if (d > entry) e.traceOmitted += d - entry;
}

/** The frame of the wasm function at `addr` at IR instruction `pc`, or null if not wasm. */
function frameAt(m: Machine, addr: number, pc: number): TraceFrame | null {
  const fn = m.store.objects[addr];
  if (fn === undefined || fn.kind !== "wasm") return null;
  const module = m.store.instances[fn.instance].module;
  const cf = m.compiled[addr];
  return {
    func: fn.index,
    name: module.names.funcs.get(fn.index) ?? null,
    module: module.names.module,
    offset: cf === undefined ? null : byteOffset(cf, pc),
  };
}

/** The wasm byte offset of the IR instruction at or before `pc` (binary search), or null. */
export function byteOffset(cf: CompiledFunc, pc: number): number | null {
  const map = cf.srcMap;
  let lo = 0, hi = (map.length >> 1) - 1, best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (map[mid * 2] <= pc) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best < 0 ? null : map[best * 2 + 1];
}

/** A tag's name for messages: `$name` or `N` by its index in the first instance defining it. */
function tagLabel(m: Machine, tag: number): string {
  for (const inst of m.store.instances) {
    const i = inst.tags.indexOf(tag);
    if (i < 0) continue;
    const name = inst.module.names.tags.get(i);
    return name === undefined ? `${i}` : `$${name}`;
  }
  return `at address ${tag}`;
}
