/**
 * Restoring a snapshot: {@linkcode restore} rebuilds a fresh {@linkcode Machine} (and store)
 * from snapshot bytes, in any process. Modules are decoded and validated again (in their
 * original order), type descriptions re-interned, host functions bound again by
 * `module`/`name`, and every field is checked (shape, range, cross-references) before the
 * machine is handed out: bad input gives a {@linkcode SnapshotError}, never a raw JS
 * exception or a half-restored machine.
 *
 * Not checked: the bits of memories and of the value stack (any bits are a valid memory;
 * the checksum catches corruption of them), and that stack slots holding references name
 * live objects (the slots' types are not known without re-running the validator per pc).
 *
 * @module
 */

import { restartPacing } from "../exec/collect.ts";
import { decodeModule } from "../binary/decode.ts";
import { SnapshotError, WasmError } from "../errors.ts";
import { Execution, type ExecutionState } from "../exec/execution.ts";
import { Machine } from "../exec/machine.ts";
import type { LowerOptions } from "../ir/lower.ts";
import type { HostImpl } from "../runtime/values.ts";
import type {
  ExternVal,
  GcPacing,
  HeapObj,
  Instance,
  MemInst,
  Store,
  TableInst,
} from "../runtime/store.ts";
import { FREE, newStore } from "../runtime/store.ts";
import { gcLayout } from "../runtime/heap.ts";
import { ExternKind, type FuncType, isRefType, type Limits } from "../syntax/types.ts";
import { canonType } from "../valid/registry.ts";
import type { Module } from "../syntax/module.ts";
import { type ModuleInfo, validateModule } from "../valid/validate.ts";
import { externKindName } from "../runtime/link.ts";
import { arr, bin, bool, i32s, int, obj, open, str } from "./check.ts";
import { readSnapshot } from "./format.ts";
import { bytesReader, type DataReader, PAGE, readMemoryBytes, readRuns } from "./memory.ts";
import { readMachine } from "./machine.ts";
import { readValType, resolveTypes } from "./types.ts";
import { slotCount, slotsOf } from "../runtime/values.ts";

/** Host implementations by module and name (what `restore` binds host functions to). */
export type HostBindings = Record<string, Record<string, HostImpl>>;

/** What {@linkcode restore} gives back. */
export interface Restored {
  /**
   * The restored machine (its store holds the instances).
   *
   * @internal
   */
  machine: Machine;
  /** The execution that was under way, or null. */
  execution: Execution | null;
  /** The host modules' state as written (e.g. `{ wasi: WasiState }`). */
  host: unknown;
  /** The engine version that wrote the snapshot. */
  engine: string;
}

const MAX = 2 ** 31 - 1;
/** The largest numbers of allocations the pacing may hold (`setGcThreshold` takes any). */
const MAX_PACING = Number.MAX_SAFE_INTEGER;
const TOP_KEYS = [
  "modules",
  "types",
  "objects",
  "tables",
  "memories",
  "globals",
  "globalSlots",
  "tags",
  "instances",
  "machine",
  "execution",
  "host",
];

/** Options of {@linkcode restore}. */
export interface RestoreOptions {
  /** How the restored machine lowers functions (tests turn fusions off). */
  lowering?: LowerOptions;
}

/**
 * Rebuilds the machine a snapshot describes; `bindings` provide every host function it names.
 *
 * @throws SnapshotError (truncated, corrupt, foreign or newer snapshot, an inconsistent
 *   state, or a host function missing from `bindings`).
 */
export function restore(
  bytes: Uint8Array,
  bindings: HostBindings = {},
  options: RestoreOptions = {},
): Restored {
  const file = readSnapshot(bytes);
  return restoreBody(file.body, bytesReader(file.data), bindings, file.engine, options);
}

/**
 * Rebuilds the machine of a decoded, checksummed snapshot document `body`, its memories read
 * from `data` (the data section). What {@linkcode restore} and `restoreFile` share.
 *
 * @throws SnapshotError as {@linkcode restore} does.
 */
export function restoreBody(
  body: unknown,
  data: DataReader,
  bindings: HostBindings,
  engine: string,
  options: RestoreOptions = {},
): Restored {
  const lowering = options.lowering ?? {};
  try {
    return build(body, data, bindings, engine, lowering);
  } catch (e) {
    if (e instanceof SnapshotError) throw e;
    if (e instanceof WasmError) {
      throw new SnapshotError(`snapshot module is bad: ${e.name}: ${e.message}`);
    }
    throw new SnapshotError(`snapshot is inconsistent: ${(e as Error)?.message ?? e}`);
  }
}

function build(
  body: unknown,
  data: DataReader,
  bindings: HostBindings,
  engine: string,
  lowering: LowerOptions,
): Restored {
  const top = open(body, TOP_KEYS, "snapshot");
  const modules: Module[] = [];
  const infos: ModuleInfo[] = [];
  arr(top.modules, "modules").forEach((b, i) => {
    const m = decodeModule(bin(b, `modules[${i}]`));
    infos.push(validateModule(m));
    modules.push(m);
  });
  const rawInstances = arr(top.instances, "instances").map((v, i) =>
    obj(
      v,
      ["module", "funcs", "tables", "memories", "globals", "tags", "elems", "datas"],
      `instances[${i}]`,
    )
  );
  const instModules = rawInstances.map((r, i) =>
    int(r.module, 0, modules.length - 1, `instances[${i}].module`)
  );
  const types = resolveTypes(top.types, instModules, infos);

  const store: Store = newStore();
  const machine = new Machine(store, undefined, lowering);
  const rawObjects = arr(top.objects, "objects");
  if (rawObjects.length < 1 || rawObjects.length > MAX) {
    throw new SnapshotError("objects: bad count");
  }
  store.objects = rawObjects.map((v, i) =>
    readObject(v, i, types, instModules, infos, bindings, machine)
  );
  const first = store.objects[0];
  if (first.kind !== "extern" || first.value !== null) {
    throw new SnapshotError("objects[0] must be the null placeholder");
  }
  const nobj = store.objects.length;

  store.tags = arr(top.tags, "tags").map((t, i) => ({
    type: types[int(t, 0, types.length - 1, `tags[${i}]`)],
  }));
  for (let i = 1; i < nobj; i++) {
    const o = store.objects[i];
    if (o.kind === "exn") {
      if (o.tag >= store.tags.length) throw new SnapshotError(`objects[${i}]: unknown tag`);
      const ft = canonType(store.tags[o.tag].type)?.comp as FuncType | undefined;
      if (ft?.kind !== "func" || o.slots.length !== slotsOf(ft.params) * 8) {
        throw new SnapshotError(`objects[${i}]: its arguments do not fit its tag's type`);
      }
    }
  }
  checkHeap(store);
  if (top.gc === undefined) restartPacing(store); // written before the pacing was
  else store.gc = readPacing(top.gc);
  store.tables = arr(top.tables, "tables").map((v, i) => readTable(v, i, types, nobj));
  const heads = arr(top.memories, "memories").map((v, i) => readMemoryHead(v, i));
  const need = heads.reduce((n, h) => n + h.runs.reduce((k, r) => k + r[1] * PAGE, 0), 0);
  if (need !== data.left) {
    throw new SnapshotError(`data section: ${data.left} bytes, the memories' runs need ${need}`);
  }
  store.memories = heads.map((h, i) => readMemory(h, i, data));
  const gs = obj(top.globalSlots, ["capacity", "count", "bytes"], "globalSlots");
  const capacity = int(gs.capacity, 8, MAX, "globalSlots.capacity");
  const count = int(gs.count, 0, capacity >> 3, "globalSlots.count");
  if (capacity % 8 !== 0) throw new SnapshotError("globalSlots.capacity: not a multiple of 8");
  store.globalSlots = new ArrayBuffer(capacity);
  new Uint8Array(store.globalSlots).set(bin(gs.bytes, "globalSlots.bytes", 1, count * 8));
  store.globalSlotCount = count;
  store.globals = arr(top.globals, "globals").map((v, i) => {
    const what = `globals[${i}]`;
    const g = obj(v, ["type", "mutable", "slot"], what);
    const type = readValType(g.type, types, `${what}.type`);
    const slot = int(g.slot, 0, count - 1, `${what}.slot`);
    if (slot + slotCount(type) > count) throw new SnapshotError(`${what}.slot: out of range`);
    if (isRefType(type)) {
      const ref = new Int32Array(store.globalSlots)[slot * 2];
      if (ref >= nobj) throw new SnapshotError(`${what}: reference to no object (${ref})`);
    }
    return { type, mutable: bool(g.mutable, `${what}.mutable`), slot };
  });

  store.instances = rawInstances.map((r, i) =>
    readInstance(r, i, modules[instModules[i]], infos[instModules[i]], store)
  );
  for (let i = 1; i < nobj; i++) {
    const o = store.objects[i];
    if (o.kind === "wasm" && store.instances[o.instance].funcs[o.index] !== i) {
      throw new SnapshotError(`objects[${i}]: not its instance's function ${o.index}`);
    }
  }

  readMachine(top.machine, machine);
  const execution = readExecution(top.execution, machine);
  return { machine, execution, host: top.host, engine };
}

function readObject(
  v: unknown,
  i: number,
  types: readonly number[],
  instModules: readonly number[],
  infos: readonly ModuleInfo[],
  bindings: HostBindings,
  machine: Machine,
): HeapObj {
  const what = `objects[${i}]`;
  const a = arr(v, what);
  switch (int(a[0], 0, 6, what)) {
    case 0: {
      const instance = int(a[1], 0, instModules.length - 1, `${what}.instance`);
      const info = infos[instModules[instance]];
      const index = int(a[2], info.importedFuncs, info.funcTypes.length - 1, `${what}.index`);
      return { kind: "wasm", type: info.types.canon[info.funcTypes[index]], instance, index };
    }
    case 1: {
      const type = types[int(a[1], 0, types.length - 1, `${what}.type`)];
      const module = str(a[2], `${what}.module`), name = str(a[3], `${what}.name`);
      const impl = Object.hasOwn(bindings, module) && Object.hasOwn(bindings[module], name)
        ? bindings[module][name]
        : undefined;
      if (typeof impl !== "function") {
        throw new SnapshotError(`host function ${module}.${name} is not bound`);
      }
      machine.bindHost(i, impl);
      return { kind: "host", type, module, name };
    }
    case 2: {
      let value = a[1];
      if (Array.isArray(value)) {
        const b = bin(value[0], `${what}.value`, 1, 8);
        value = new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, true);
      } else if (
        value !== null && typeof value !== "boolean" && typeof value !== "string" &&
        typeof value !== "bigint"
      ) throw new SnapshotError(`${what}: bad extern value`);
      return { kind: "extern", value };
    }
    case 3: {
      const tag = int(a[1], 0, MAX, `${what}.tag`);
      return { kind: "exn", tag, slots: bin(a[2], `${what}.slots`, 8).slice() };
    }
    case 4:
    case 5: {
      const array = a[0] === 5;
      const type = types[int(a[1], 0, types.length - 1, `${what}.type`)];
      const comp = canonType(type)?.comp;
      if (comp?.kind !== (array ? "array" : "struct")) {
        throw new SnapshotError(`${what}: its type is not ${array ? "an array" : "a struct"} type`);
      }
      const words = i32s(a[2], `${what}.words`, -(2 ** 31), 2 ** 31 - 1);
      const layout = gcLayout(type);
      if (array ? words.length % layout.elemWords !== 0 : words.length !== layout.words) {
        throw new SnapshotError(`${what}: ${words.length} words do not fit its type`);
      }
      return array
        ? { kind: "array", type, elems: words }
        : { kind: "struct", type, fields: Array.from(words) };
    }
    default:
      return FREE;
  }
}

/** The collector's pacing (`gc`). */
function readPacing(v: unknown): GcPacing {
  const g = obj(v, ["allocs", "threshold", "min"], "gc");
  const min = int(g.min, 1, MAX_PACING, "gc.min");
  const threshold = int(g.threshold, min, MAX_PACING, "gc.threshold");
  return { allocs: int(g.allocs, 0, threshold, "gc.allocs"), threshold, min };
}

/** Checks that the references inside GC objects point to objects; rebuilds the free list. */
function checkHeap(store: Store): void {
  const objects = store.objects;
  const n = objects.length;
  const ref = (r: number, i: number) => {
    if (r >= n || objects[r]?.kind === "free") {
      throw new SnapshotError(`objects[${i}]: reference to no object (${r})`);
    }
  };
  const free: number[] = [];
  for (let i = n - 1; i > 0; i--) {
    const o = objects[i];
    if (o.kind === "free") free.push(i);
    else if (o.kind === "struct") {
      for (const w of gcLayout(o.type).refWords) ref(o.fields[w], i);
    } else if (o.kind === "array" && gcLayout(o.type).ref) {
      for (const r of o.elems) ref(r, i);
    }
  }
  store.free = free;
}

function readLimits(v: unknown, what: string): Limits {
  const l = obj(v, ["min", "max"], what);
  const big = (x: unknown, w: string) => {
    if (typeof x !== "bigint" || x < 0n || x >= 1n << 64n) {
      throw new SnapshotError(`${w}: expected a u64`);
    }
    return x;
  };
  return { min: big(l.min, `${what}.min`), max: l.max === null ? null : big(l.max, `${what}.max`) };
}

function readTable(v: unknown, i: number, types: readonly number[], nobj: number): TableInst {
  const what = `tables[${i}]`;
  const t = obj(v, ["type", "size", "elems"], what);
  const ty = obj(t.type, ["is64", "limits", "elem"], `${what}.type`);
  const size = int(t.size, 0, MAX, `${what}.size`);
  const elems = i32s(t.elems, `${what}.elems`, -(2 ** 31), nobj - 1);
  if (elems.length !== size) throw new SnapshotError(`${what}.elems: ${elems.length} != size`);
  return {
    type: {
      is64: bool(ty.is64, `${what}.is64`),
      limits: readLimits(ty.limits, `${what}.limits`),
      elem: readValType(ty.elem, types, `${what}.elem`),
    },
    elems,
    size,
  };
}

/** A memory's fields, checked, before its bytes are read. */
interface MemoryHead {
  fields: Record<string, unknown>;
  pages: number;
  runs: [number, number][];
}

function readMemoryHead(v: unknown, i: number): MemoryHead {
  const what = `memories[${i}]`;
  const fields = obj(v, ["type", "pages", "generation", "runs"], what);
  const pages = int(fields.pages, 0, 2 ** 20, `${what}.pages`);
  return { fields, pages, runs: readRuns(fields.runs, pages, `${what}.runs`) };
}

function readMemory(head: MemoryHead, i: number, data: DataReader): MemInst {
  const what = `memories[${i}]`;
  const m = head.fields, pages = head.pages;
  const ty = obj(m.type, ["is64", "limits", "shared"], `${what}.type`);
  const buffer = readMemoryBytes(pages, head.runs, data);
  return {
    type: {
      is64: bool(ty.is64, `${what}.is64`),
      limits: readLimits(ty.limits, `${what}.limits`),
      shared: bool(ty.shared, `${what}.shared`),
    },
    buffer,
    pages,
    generation: int(m.generation, 0, Number.MAX_SAFE_INTEGER, `${what}.generation`),
  };
}

function readInstance(
  r: Record<string, unknown>,
  i: number,
  module: Module,
  info: ModuleInfo,
  store: Store,
): Instance {
  const what = `instances[${i}]`;
  const space = (key: string, n: number, count: number) => {
    const a = i32s(r[key], `${what}.${key}`, 0, n - 1);
    if (a.length !== count) throw new SnapshotError(`${what}.${key}: ${a.length} != ${count}`);
    return a;
  };
  const funcs = space("funcs", store.objects.length, info.funcTypes.length);
  for (const f of funcs) {
    const k = store.objects[f].kind;
    if (f === 0 || (k !== "wasm" && k !== "host")) {
      throw new SnapshotError(`${what}.funcs: ${f} is not a function`);
    }
  }
  const inst: Instance = {
    module,
    info,
    funcs,
    tables: space("tables", store.tables.length, info.tables.length),
    memories: space("memories", store.memories.length, info.memories.length),
    globals: space("globals", store.globals.length, info.globals.length),
    tags: space("tags", store.tags.length, info.tags.length),
    elems: arr(r.elems, `${what}.elems`).map((e, j) =>
      e === null ? null : i32s(e, `${what}.elems[${j}]`, -(2 ** 31), store.objects.length - 1)
    ),
    datas: arr(r.datas, `${what}.datas`).map((d, j) =>
      bool(d, `${what}.datas[${j}]`) ? null : module.datas[j]?.bytes ?? null
    ),
    exports: new Map<string, ExternVal>(),
  };
  if (inst.elems.length !== module.elems.length || inst.datas.length !== module.datas.length) {
    throw new SnapshotError(`${what}: segment counts differ from its module's`);
  }
  for (const ex of module.exports) {
    const sp = ex.kind === ExternKind.Func
      ? inst.funcs
      : ex.kind === ExternKind.Table
      ? inst.tables
      : ex.kind === ExternKind.Memory
      ? inst.memories
      : ex.kind === ExternKind.Global
      ? inst.globals
      : inst.tags;
    inst.exports.set(ex.name, { kind: externKindName(ex.kind), addr: sp[ex.index] });
  }
  return inst;
}

function readExecution(v: unknown, m: Machine): Execution | null {
  if (v === null) return null;
  const r = open(v, ["func", "at", "state"], "execution");
  const state = str(r.state, "execution.state") as ExecutionState;
  if (state !== "running" && state !== "complete" && state !== "trapped") {
    throw new SnapshotError("execution.state: unknown state");
  }
  const func = int(r.func, 1, m.store.objects.length - 1, "execution.func");
  if (m.store.objects[func].kind !== "wasm") throw new SnapshotError("execution.func: not wasm");
  const at = int(r.at, 0, m.stackLimit, "execution.at");
  if (at !== 0) throw new SnapshotError("execution.at: only top-level executions (at 0)");
  if (state === "running") {
    if (m.status !== "paused" || m.depth < 1 || m.frames[0] !== -1) {
      throw new SnapshotError("execution: a running execution needs a paused machine");
    }
  }
  return Execution.resume(m, func, at, state);
}
