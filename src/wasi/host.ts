/**
 * The bindings: every function of `wasi_snapshot_preview1` (46) and of `wasi_unstable` by
 * name, with its wasm signature, as raw host implementations over a {@linkcode WasiContext}.
 * A binding turns a `WasiError` (or a host error) into the errno it returns; `ProcExit` and
 * traps pass through.
 *
 * @module
 */

import type { HostImpl, RawValue } from "../runtime/values.ts";
import type { WasiContext } from "./ctx.ts";
import { errnoOf } from "./errno.ts";
import * as fd from "./fd.ts";
import * as path from "./path.ts";
import { poll_oneoff } from "./poll.ts";
import * as p0 from "./preview0.ts";
import * as proc from "./proc.ts";
import * as sock from "./sock.ts";

/** A WASI function: its parameter types (`i` i32, `I` i64), whether it returns an errno. */
export interface WasiFunction {
  params: string;
  /** True for every function but `proc_exit`: one i32 result (the errno). */
  result: boolean;
  // deno-lint-ignore no-explicit-any
  fn: (ctx: WasiContext, ...args: any[]) => number;
}

function f(params: string, fn: WasiFunction["fn"], result = true): WasiFunction {
  return { params, result, fn };
}

/** The functions of `wasi_snapshot_preview1`, by name. */
export const PREVIEW1: Readonly<Record<string, WasiFunction>> = {
  args_get: f("ii", proc.args_get),
  args_sizes_get: f("ii", proc.args_sizes_get),
  environ_get: f("ii", proc.environ_get),
  environ_sizes_get: f("ii", proc.environ_sizes_get),
  clock_res_get: f("ii", proc.clock_res_get),
  clock_time_get: f("iIi", proc.clock_time_get),
  fd_advise: f("iIIi", fd.fd_advise),
  fd_allocate: f("iII", fd.fd_allocate),
  fd_close: f("i", fd.fd_close),
  fd_datasync: f("i", fd.fd_datasync),
  fd_fdstat_get: f("ii", fd.fd_fdstat_get),
  fd_fdstat_set_flags: f("ii", fd.fd_fdstat_set_flags),
  fd_fdstat_set_rights: f("iII", fd.fd_fdstat_set_rights),
  fd_filestat_get: f("ii", fd.fd_filestat_get),
  fd_filestat_set_size: f("iI", fd.fd_filestat_set_size),
  fd_filestat_set_times: f("iIIi", fd.fd_filestat_set_times),
  fd_pread: f("iiiIi", fd.fd_pread),
  fd_prestat_get: f("ii", fd.fd_prestat_get),
  fd_prestat_dir_name: f("iii", fd.fd_prestat_dir_name),
  fd_pwrite: f("iiiIi", fd.fd_pwrite),
  fd_read: f("iiii", fd.fd_read),
  fd_readdir: f("iiiIi", fd.fd_readdir),
  fd_renumber: f("ii", fd.fd_renumber),
  fd_seek: f("iIii", fd.fd_seek),
  fd_sync: f("i", fd.fd_sync),
  fd_tell: f("ii", fd.fd_tell),
  fd_write: f("iiii", fd.fd_write),
  path_create_directory: f("iii", path.path_create_directory),
  path_filestat_get: f("iiiii", (ctx, a, b, c, d, e) => path.path_filestat_get(ctx, a, b, c, d, e)),
  path_filestat_set_times: f("iiiiIIi", path.path_filestat_set_times),
  path_link: f("iiiiiii", path.path_link),
  path_open: f("iiiiiIIii", path.path_open),
  path_readlink: f("iiiiii", path.path_readlink),
  path_remove_directory: f("iii", path.path_remove_directory),
  path_rename: f("iiiiii", path.path_rename),
  path_symlink: f("iiiii", path.path_symlink),
  path_unlink_file: f("iii", path.path_unlink_file),
  poll_oneoff: f("iiii", (ctx, a, b, c, d) => poll_oneoff(ctx, a, b, c, d)),
  proc_exit: f("i", proc.proc_exit, false),
  proc_raise: f("i", proc.proc_raise),
  sched_yield: f("", proc.sched_yield),
  random_get: f("ii", proc.random_get),
  sock_accept: f("iii", sock.sock_accept),
  sock_recv: f("iiiiii", sock.sock_recv),
  sock_send: f("iiiii", sock.sock_send),
  sock_shutdown: f("ii", sock.sock_shutdown),
};

/** The functions of `wasi_unstable` (preview 0), by name. */
export const PREVIEW0: Readonly<Record<string, WasiFunction>> = {
  ...PREVIEW1,
  fd_seek: f("iIii", p0.fd_seek0),
  fd_filestat_get: f("ii", p0.fd_filestat_get0),
  path_filestat_get: f("iiiii", p0.path_filestat_get0),
  poll_oneoff: f("iiii", p0.poll_oneoff0),
};

/** The WASI module names and their functions. */
export const WASI_MODULES: Readonly<Record<string, Readonly<Record<string, WasiFunction>>>> = {
  wasi_snapshot_preview1: PREVIEW1,
  wasi_unstable: PREVIEW0,
};

const ERRNO_RESULT: RawValue[] = [0];

/** The raw host implementation of `w` over `ctx`. */
export function bind(ctx: WasiContext, w: WasiFunction): HostImpl {
  const fn = w.fn;
  if (!w.result) {
    return (args) => {
      fn(ctx, ...args);
      return [];
    };
  }
  return (args) => {
    let errno: number;
    try {
      errno = fn(ctx, ...args);
    } catch (e) {
      errno = errnoOf(e);
    }
    if (errno === 0) return ERRNO_RESULT;
    return [errno];
  };
}
