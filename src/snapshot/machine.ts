/**
 * The `machine` part of a snapshot (format 2): the machine's frames in wasm terms
 * (src/exec/wasm_frames.ts), so that a snapshot resumes on any build, however it lowers.
 * {@linkcode writeMachine} describes a paused or idle machine; {@linkcode readMachine} checks
 * such a description and lays its frames out on a fresh machine.
 *
 * Values are written as in a slot: 8 bytes little-endian each (a 32-bit value zero-extended,
 * a reference as its object address), 16 for a v128; a sequence of values is the
 * concatenation, typed by what it belongs to (a frame's locals by its function, its stack by
 * `types`, a host call's arguments by the host function's type).
 *
 * @module
 */

import { SnapshotError } from "../errors.ts";
import { type Machine, STACK_SLOTS } from "../exec/machine.ts";
import type { RawValue } from "../runtime/values.ts";
import {
  FrameError,
  placeWasmFrames,
  readWasmFrames,
  type WasmFrame,
  type WasmHostCall,
} from "../exec/wasm_frames.ts";
import { funcTypeOf } from "../exec/calls.ts";
import type { WasmFunc } from "../runtime/store.ts";
import { F32, F64, I64, V128, type ValType } from "../syntax/types.ts";
import { arr, bin, bool, i32s, int, open, str } from "./check.ts";

const MAX = 2 ** 31 - 1;
const NO_BYTES = new Uint8Array(0);

/** The bytes of `values` of `types` (see the module doc). */
export function valueBytes(types: ArrayLike<ValType>, values: readonly RawValue[]): Uint8Array {
  let n = 0;
  for (let i = 0; i < types.length; i++) n += types[i] === V128 ? 16 : 8;
  const out = new Uint8Array(n);
  if (n === 0) return out;
  const dv = new DataView(out.buffer);
  let at = 0;
  for (let i = 0; i < types.length; i++) {
    const t = types[i], v = values[i];
    if (t === I64 || t === F64) dv.setBigUint64(at, BigInt.asUintN(64, v as bigint), true);
    else if (t === V128) {
      out.set((v as Uint8Array).subarray(0, 16), at);
      at += 8;
    } else dv.setUint32(at, (v as number) >>> 0, true);
    at += 8;
  }
  return out;
}

/** The values of `types` in `bytes` (checked to have the right length). */
export function bytesValues(types: ArrayLike<ValType>, v: unknown, what: string): RawValue[] {
  let n = 0;
  for (let i = 0; i < types.length; i++) n += types[i] === V128 ? 16 : 8;
  const b = bin(v, what, 1, n);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: RawValue[] = [];
  let at = 0;
  for (let i = 0; i < types.length; i++) {
    const t = types[i];
    if (t === I64) out.push(dv.getBigInt64(at, true));
    else if (t === F64) out.push(dv.getBigUint64(at, true));
    else if (t === V128) {
      out.push(b.slice(at, at + 16));
      at += 8;
    } else {
      if (dv.getInt32(at + 4, true) !== 0) throw new SnapshotError(`${what}: bad 32-bit value`);
      out.push(t === F32 ? dv.getUint32(at, true) : dv.getInt32(at, true));
    }
    at += 8;
  }
  return out;
}

/** The local types of wasm function `addr`. */
function localTypes(m: Machine, addr: number): ArrayLike<ValType> {
  const fn = m.store.objects[addr] as WasmFunc;
  const info = m.store.instances[fn.instance].info;
  return info.funcs[fn.index - info.importedFuncs].locals;
}

/** The `machine` map of a snapshot of `m` (idle or paused). */
export function writeMachine(m: Machine): Record<string, unknown> {
  const { frames, hostCall } = readWasmFrames(m);
  return {
    status: m.status,
    fuel: m.fuel === Infinity ? null : m.fuel,
    maxDepth: m.maxDepth,
    frames: frames.map((f) => ({
      func: f.func,
      offset: f.offset,
      locals: valueBytes(localTypes(m, f.func), f.locals),
      types: f.types,
      stack: valueBytes(f.types, f.stack),
      exns: f.exns.length === 0 ? NO_BYTES : new Uint8Array(Int32Array.from(f.exns.flat()).buffer),
      ir: f.ir === undefined ? null : [f.ir.hash, f.ir.pc],
    })),
    hostCall: hostCall === null ? null : {
      func: hostCall.func,
      args: valueBytes(funcTypeOf(m, hostCall.func).params, hostCall.args),
      tail: hostCall.tail,
    },
  };
}

/** Reads a `machine` map into the fresh machine `m` (its store restored). */
export function readMachine(v: unknown, m: Machine): void {
  const r = open(v, ["status", "fuel", "maxDepth", "frames", "hostCall"], "machine");
  const status = str(r.status, "machine.status");
  if (status !== "idle" && status !== "paused") {
    throw new SnapshotError(`machine.status: ${JSON.stringify(status)} cannot be restored`);
  }
  m.maxDepth = int(r.maxDepth, 1, 10_000_000, "machine.maxDepth");
  const nobj = m.store.objects.length;
  const rawFrames = arr(r.frames, "machine.frames");
  if (rawFrames.length + 1 > m.maxDepth + 1 || rawFrames.length > STACK_SLOTS) {
    throw new SnapshotError("machine.frames: deeper than maxDepth");
  }
  const frames: WasmFrame[] = rawFrames.map((fv, i) => {
    const what = `machine.frames[${i}]`;
    const f = open(fv, ["func", "offset", "locals", "types", "stack", "exns"], what);
    const func = int(f.func, 1, nobj - 1, `${what}.func`);
    if (m.store.objects[func].kind !== "wasm") {
      throw new SnapshotError(`${what}.func: ${func} is not a wasm function`);
    }
    const types = arr(f.types, `${what}.types`).map((t) =>
      int(t, -(2 ** 31), -1, `${what}.types`) as ValType
    );
    const ex = i32s(f.exns, `${what}.exns`);
    if (ex.length % 2 !== 0) throw new SnapshotError(`${what}.exns: odd length`);
    const exns: [number, number][] = [];
    for (let k = 0; k < ex.length; k += 2) {
      if (ex[k] < 0 || ex[k + 1] < 0 || ex[k + 1] >= nobj) {
        throw new SnapshotError(`${what}.exns: bad entry`);
      }
      exns.push([ex[k], ex[k + 1]]);
    }
    let ir: { hash: number; pc: number } | undefined;
    if (f.ir !== undefined && f.ir !== null) {
      const h = arr(f.ir, `${what}.ir`);
      if (h.length !== 2) throw new SnapshotError(`${what}.ir: bad hint`);
      ir = { hash: int(h[0], 0, 2 ** 32 - 1, `${what}.ir`), pc: int(h[1], 0, MAX, `${what}.ir`) };
    }
    return {
      ir,
      func,
      offset: int(f.offset, 0, MAX, `${what}.offset`),
      locals: bytesValues(localTypes(m, func), f.locals, `${what}.locals`),
      types,
      stack: bytesValues(types, f.stack, `${what}.stack`),
      exns,
    };
  });
  let hostCall: WasmHostCall | null = null;
  if (r.hostCall !== null) {
    const h = open(r.hostCall, ["func", "args", "tail"], "machine.hostCall");
    const func = int(h.func, 1, nobj - 1, "machine.hostCall.func");
    if (m.store.objects[func].kind !== "host") {
      throw new SnapshotError("machine.hostCall.func: not a host function");
    }
    hostCall = {
      func,
      args: bytesValues(funcTypeOf(m, func).params, h.args, "machine.hostCall.args"),
      tail: bool(h.tail, "machine.hostCall.tail"),
    };
  }
  if ((status === "idle") !== (frames.length === 0)) {
    throw new SnapshotError(`machine: a ${status} machine with ${frames.length} frames`);
  }
  try {
    placeWasmFrames(m, frames, hostCall);
  } catch (e) {
    if (e instanceof FrameError) throw new SnapshotError(`machine.${e.message}`);
    throw e;
  }
  m.fuel = r.fuel === null ? Infinity : int(r.fuel, 0, Number.MAX_SAFE_INTEGER, "machine.fuel");
  m.status = status;
}
