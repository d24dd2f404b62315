/**
 * Arguments, environment, clocks, randomness and the process functions: `args_get`,
 * `args_sizes_get`, `environ_get`, `environ_sizes_get`, `clock_res_get`, `clock_time_get`,
 * `random_get`, `proc_exit`, `proc_raise`, `sched_yield`.
 *
 * `proc_raise` is ENOSYS: a sandboxed guest has no signals to raise (the function was removed
 * from later WASI versions for that reason). `sched_yield` succeeds: nothing else runs.
 *
 * @module
 */

import type { WasiContext } from "./ctx.ts";
import { Errno, ProcExit, WasiError } from "./errno.ts";
import { utf8 } from "./memory.ts";
import { fillRandom } from "./random.ts";

/** Writes NUL-terminated `strings` at `buf` and their addresses at `ptrs`. */
function putStrings(ctx: WasiContext, strings: string[], ptrs: number, buf: number): number {
  const encoded = strings.map((s) => utf8(s));
  let size = 0;
  for (const b of encoded) size += b.length + 1;
  ctx.mem.check(ptrs, encoded.length * 4);
  ctx.mem.check(buf, size);
  let at = buf >>> 0;
  for (let i = 0; i < encoded.length; i++) {
    ctx.mem.setU32(ptrs + i * 4, at);
    ctx.mem.write(at, encoded[i]);
    ctx.mem.setU8(at + encoded[i].length, 0);
    at += encoded[i].length + 1;
  }
  return 0;
}

function putSizes(ctx: WasiContext, strings: string[], countPtr: number, sizePtr: number) {
  let size = 0;
  for (const s of strings) size += utf8(s).length + 1;
  ctx.mem.check(countPtr, 4);
  ctx.mem.check(sizePtr, 4);
  ctx.mem.setU32(countPtr, strings.length);
  ctx.mem.setU32(sizePtr, size);
  return 0;
}

/** `args_get(argv, argv_buf)`. */
export function args_get(ctx: WasiContext, argv: number, buf: number): number {
  return putStrings(ctx, ctx.state.args, argv, buf);
}

/** `args_sizes_get(argc_ptr, argv_buf_size_ptr)`. */
export function args_sizes_get(ctx: WasiContext, count: number, size: number): number {
  return putSizes(ctx, ctx.state.args, count, size);
}

/** `environ_get(environ, environ_buf)`. */
export function environ_get(ctx: WasiContext, env: number, buf: number): number {
  return putStrings(ctx, ctx.state.env, env, buf);
}

/** `environ_sizes_get(count_ptr, buf_size_ptr)`. */
export function environ_sizes_get(ctx: WasiContext, count: number, size: number): number {
  return putSizes(ctx, ctx.state.env, count, size);
}

/** `clock_res_get(id, resolution_ptr)`. */
export function clock_res_get(ctx: WasiContext, id: number, out: number): number {
  ctx.mem.check(out, 8);
  ctx.mem.setU64(out, ctx.clocks.resolution(id));
  return 0;
}

/** `clock_time_get(id, precision, time_ptr)` (the precision is a hint: ignored). */
export function clock_time_get(
  ctx: WasiContext,
  id: number,
  _precision: bigint,
  out: number,
): number {
  ctx.mem.check(out, 8);
  ctx.mem.setU64(out, ctx.clocks.now(id));
  return 0;
}

/** `random_get(buf, buf_len)`. */
export function random_get(ctx: WasiContext, buf: number, len: number): number {
  fillRandom(ctx.state.rng, ctx.mem.bytes(buf, len >>> 0));
  return 0;
}

/** `proc_exit(code)`: records the status and ends the run with {@linkcode ProcExit}. */
export function proc_exit(ctx: WasiContext, code: number): never {
  ctx.state.exitCode = code >>> 0;
  throw new ProcExit(code >>> 0);
}

/** `proc_raise(sig)`: EINVAL for a signal number beyond the spec's list, else ENOSYS. */
export function proc_raise(_ctx: WasiContext, sig: number): number {
  if (sig < 0 || sig > 30) throw new WasiError(Errno.INVAL);
  throw new WasiError(Errno.NOSYS);
}

/** `sched_yield()`. */
export function sched_yield(_ctx: WasiContext): number {
  return 0;
}
