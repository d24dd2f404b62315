/**
 * Taking a snapshot: {@linkcode snapshot} writes a machine's whole state (its store, the value
 * and call stacks, the current frame, fuel), an optional {@linkcode Execution} and the host
 * modules' state as bytes in the format of format.ts. Equal states give equal bytes.
 *
 * The machine must be idle or paused (not inside `run`, not inside a host function).
 *
 * @module
 */

import { encodeModule } from "../binary/encode.ts";
import { SnapshotError } from "../errors.ts";
import type { Execution } from "../exec/execution.ts";
import { collect } from "../exec/collect.ts";
import type { Machine } from "../exec/machine.ts";
import type { HeapObj } from "../runtime/store.ts";
import type { Module } from "../syntax/module.ts";
import { wordsBin } from "./check.ts";
import { type SnapshotParts, snapshotParts } from "./format.ts";
import { memoryRuns, runViews } from "./memory.ts";
import { TypeWriter } from "./types.ts";
import { writeMachine } from "./machine.ts";

/** What else goes into a snapshot besides the machine. */
export interface SnapshotExtra {
  /** The execution under way on the machine, if any. */
  execution?: Execution | null;
  /** Host modules' state as plain data (e.g. `{ wasi: wasi.state }`); msgpack-encodable. */
  host?: unknown;
}

/**
 * The state of `m` (and `extra`) as snapshot bytes.
 *
 * @throws SnapshotError when the machine is running, or holds something a snapshot cannot
 *   carry (an externref to a JS object, a type that cannot be described).
 */
export function snapshot(m: Machine, extra: SnapshotExtra = {}): Uint8Array {
  return snapshotOf(m, extra).bytes();
}

/**
 * The state of `m` (and `extra`) as the parts of a snapshot, whose memory runs are views of
 * the live memories (see {@linkcode SnapshotParts}): write them before the machine runs on.
 *
 * @throws SnapshotError as {@linkcode snapshot} does.
 */
export function snapshotOf(m: Machine, extra: SnapshotExtra = {}): SnapshotParts {
  if (m.status === "running") {
    throw new SnapshotError("cannot snapshot a running machine (inside run or a host call)");
  }
  if (m.depth > 1 && m.frames.subarray(3, m.depth * 3).some((f, i) => i % 3 === 0 && f < 0)) {
    throw new SnapshotError("cannot snapshot a machine with a nested invocation");
  }
  const store = m.store;
  // Live objects only: the unreachable ones are freed first (the heap is then the same in
  // this process and in the restored one, free list included; the pacing is written as it is).
  collect(m);
  const tw = new TypeWriter(store.instances);
  const moduleIds = new Map<Module, number>();
  const modules: Uint8Array[] = [];
  const instances = store.instances.map((inst) => {
    let mod = moduleIds.get(inst.module);
    if (mod === undefined) {
      mod = modules.length;
      modules.push(encodeModule(inst.module));
      moduleIds.set(inst.module, mod);
    }
    return {
      module: mod,
      funcs: wordsBin(inst.funcs),
      tables: wordsBin(inst.tables),
      memories: wordsBin(inst.memories),
      globals: wordsBin(inst.globals),
      tags: wordsBin(inst.tags),
      elems: inst.elems.map((e) => e === null ? null : wordsBin(e)),
      datas: inst.datas.map((d) => d === null),
    };
  });
  const objects = store.objects.map((o, i) => object(o, i, tw));
  const tables = store.tables.map((t) => ({
    type: { is64: t.type.is64, limits: limits(t.type.limits), elem: tw.val(t.type.elem) },
    size: t.size,
    elems: wordsBin(t.elems.subarray(0, t.size)),
  }));
  const data: Uint8Array[] = [];
  const memories = store.memories.map((mem) => {
    const runs = memoryRuns(mem.buffer, mem.pages);
    data.push(...runViews(mem.buffer, runs));
    return {
      type: { is64: mem.type.is64, limits: limits(mem.type.limits), shared: mem.type.shared },
      pages: mem.pages,
      generation: mem.generation,
      runs,
    };
  });
  const globals = store.globals.map((g) => ({
    type: tw.val(g.type),
    mutable: g.mutable,
    slot: g.slot,
  }));
  const tags = store.tags.map((t) => tw.type(t.type));
  const ex = extra.execution ?? null;
  if (ex !== null && ex.machine !== m) {
    throw new SnapshotError("the execution does not run on this machine");
  }
  if (ex !== null && ex.callBacks.length > 0) {
    throw new SnapshotError("a call back into wasm is under way (Execution.callBack)");
  }
  const body = {
    modules,
    types: tw.descs,
    objects,
    tables,
    memories,
    globals,
    globalSlots: {
      capacity: store.globalSlots.byteLength,
      count: store.globalSlotCount,
      bytes: new Uint8Array(store.globalSlots, 0, store.globalSlotCount * 8),
    },
    tags,
    instances,
    gc: { allocs: store.gc.allocs, threshold: store.gc.threshold, min: store.gc.min },
    machine: writeMachine(m),
    execution: ex === null ? null : { func: ex.funcAddr, at: ex.at, state: ex.state },
    host: extra.host ?? null,
  };
  const fuel = body.machine.fuel as number | null;
  if (!Number.isSafeInteger(fuel ?? 0) || (fuel ?? 0) < 0) {
    throw new SnapshotError(`fuel ${m.fuel} cannot be written`);
  }
  return snapshotParts(body, data);
}

function limits(l: { min: bigint; max: bigint | null }): { min: bigint; max: bigint | null } {
  return { min: l.min, max: l.max };
}

function object(o: HeapObj, i: number, tw: TypeWriter): unknown[] {
  switch (o.kind) {
    case "wasm":
      return [0, o.instance, o.index];
    case "host":
      return [1, tw.type(o.type), o.module, o.name];
    case "exn":
      return [3, o.tag, o.slots];
    case "extern": {
      const v = o.value;
      if (v === null || typeof v === "boolean" || typeof v === "string" || typeof v === "bigint") {
        return [2, v];
      }
      if (typeof v === "number") {
        const b = new Uint8Array(8);
        new DataView(b.buffer).setFloat64(0, v, true);
        return [2, [b]];
      }
      throw new SnapshotError(`object ${i}: an externref to a ${typeof v} cannot be written`);
    }
    case "struct":
      return [4, tw.type(o.type), wordsBin(Int32Array.from(o.fields))];
    case "array":
      return [5, tw.type(o.type), wordsBin(o.elems)];
    case "free":
      return [6];
  }
}
