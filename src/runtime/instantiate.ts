/**
 * Module instantiation (spec §4.5.4 "Instantiation"; the reference interpreter's
 * `Eval.init`): checks the imports' types, allocates the module's functions, tables,
 * memories, globals, tags and segments in the store, builds the instance's exports, then
 * initializes active element segments (all, in order) and active data segments (all, in
 * order), and drops active and declarative segments. Running the start function is the
 * engine's: src/exec/instantiate.ts does all three steps (the reference interpreter keeps
 * instantiation in its evaluator for the same reason), so that this folder runs no code.
 *
 * The order of allocation follows the spec: imports, tags, functions, globals (each
 * initializer sees the functions and the earlier globals), tables (their initializers see
 * every global), memories, data and element segments (element items evaluated now), exports.
 * The instance enters `store.instances` before any initializer runs, so that when a segment
 * traps or the start function fails, what it already wrote into imported tables and memories
 * stays valid (functions of the failed instance remain callable, as the spec requires).
 *
 * Not here: resolving import names to external values and "unknown import" (src/api,
 * src/script/engine.ts), and running code (src/exec).
 *
 * @module
 */

import { Exhaustion, LinkError, Trap } from "../errors.ts";
import type { Module } from "../syntax/module.ts";
import { ExternKind } from "../syntax/types.ts";
import { canonValType } from "../valid/match.ts";
import type { ModuleInfo } from "../valid/validate.ts";
import { evalConst } from "./const_eval.ts";
import { allocGlobal } from "./global.ts";
import { checkImport, externKindName } from "./link.ts";
import { tryNewMemory } from "./memory.ts";
import type { ExternVal, Instance, Store } from "./store.ts";
import { tryNewTable } from "./table.ts";

/**
 * Checks the imports, allocates everything the module defines, evaluates the initializers
 * and pushes the instance into `store.instances` (segment initialization is
 * {@linkcode initialize}'s, the start function the engine's). `beforeAllocation` runs after
 * the imports are checked and before anything is allocated: the engine's own check that it
 * can run the module's code.
 */
export function allocateInstance(
  store: Store,
  module: Module,
  info: ModuleInfo,
  imports: readonly ExternVal[],
  beforeAllocation?: () => void,
): Instance {
  const canon = info.types.canon;
  if (imports.length !== module.imports.length) {
    throw new LinkError(
      `wrong number of imports: expected ${module.imports.length}, got ${imports.length}`,
    );
  }
  const funcs: number[] = [], tables: number[] = [], memories: number[] = [];
  const globals: number[] = [], tags: number[] = [];
  for (let i = 0; i < imports.length; i++) {
    const im = module.imports[i], ev = imports[i];
    checkImport(store, canon, im, ev);
    switch (im.desc.kind) {
      case ExternKind.Func:
        funcs.push(ev.addr);
        break;
      case ExternKind.Table:
        tables.push(ev.addr);
        break;
      case ExternKind.Memory:
        memories.push(ev.addr);
        break;
      case ExternKind.Global:
        globals.push(ev.addr);
        break;
      case ExternKind.Tag:
        tags.push(ev.addr);
        break;
    }
  }
  beforeAllocation?.();

  const index = store.instances.length;
  const funcAddrs = new Int32Array(info.funcTypes.length);
  funcAddrs.set(funcs);
  const inst: Instance = {
    module,
    info,
    funcs: funcAddrs,
    tables: new Int32Array(0),
    memories: new Int32Array(0),
    globals: new Int32Array(0),
    tags: new Int32Array(0),
    elems: [],
    datas: [],
    exports: new Map(),
  };
  store.instances.push(inst);

  for (const tag of module.tags) {
    store.tags.push({ type: canon[tag.type] });
    tags.push(store.tags.length - 1);
  }
  inst.tags = Int32Array.from(tags);

  for (let i = funcs.length; i < funcAddrs.length; i++) {
    store.objects.push({ kind: "wasm", type: canon[info.funcTypes[i]], instance: index, index: i });
    funcAddrs[i] = store.objects.length - 1;
  }

  const ctx = { funcs: funcAddrs, globals, types: canon };
  for (const g of module.globals) {
    const value = evalConst(store, ctx, g.init);
    globals.push(allocGlobal(store, canonValType(canon, g.type.type), g.type.mutable, value));
  }
  inst.globals = Int32Array.from(globals);

  for (const t of module.tables) {
    const init = t.init === null ? 0 : evalConst(store, ctx, t.init) as number;
    const table = tryNewTable({ ...t.type, elem: canonValType(canon, t.type.elem) }, init);
    if (table === null) throw new Exhaustion("table allocation failed: too many elements");
    store.tables.push(table);
    tables.push(store.tables.length - 1);
  }
  inst.tables = Int32Array.from(tables);

  for (const m of module.memories) {
    const mem = tryNewMemory(m.type);
    if (mem === null) throw new Exhaustion("memory allocation failed: too many pages");
    store.memories.push(mem);
    memories.push(store.memories.length - 1);
  }
  inst.memories = Int32Array.from(memories);

  for (const d of module.datas) inst.datas.push(d.bytes);
  for (const e of module.elems) {
    const items = new Int32Array(e.init.length);
    for (let i = 0; i < items.length; i++) items[i] = evalConst(store, ctx, e.init[i]) as number;
    inst.elems.push(items);
  }

  for (const ex of module.exports) {
    const space = ex.kind === ExternKind.Func
      ? inst.funcs
      : ex.kind === ExternKind.Table
      ? inst.tables
      : ex.kind === ExternKind.Memory
      ? inst.memories
      : ex.kind === ExternKind.Global
      ? inst.globals
      : inst.tags;
    inst.exports.set(ex.name, { kind: externKindName(ex.kind), addr: space[ex.index] });
  }
  return inst;
}

/** An offset from a constant expression (i32 unsigned, or i64) as a number (>= 2^53: Infinity). */
function offsetOf(v: unknown): number {
  if (typeof v === "bigint") {
    const u = BigInt.asUintN(64, v);
    return u > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : Number(u);
  }
  return (v as number) >>> 0;
}

/**
 * Runs an allocated instance's segment initialization (spec: the instructions `table.init` +
 * `elem.drop` per active element segment, `elem.drop` per declarative one, then
 * `memory.init` + `data.drop` per active data segment); the start function is left to the
 * caller.
 *
 * @throws Trap "out of bounds table access" / "out of bounds memory access".
 */
export function initialize(store: Store, inst: Instance): void {
  const module = inst.module;
  const ctx = { funcs: inst.funcs, globals: inst.globals, types: inst.info.types.canon };
  for (let i = 0; i < module.elems.length; i++) {
    const e = module.elems[i];
    if (e.mode === "passive") continue;
    if (e.mode === "active") {
      const items = inst.elems[i]!;
      const table = store.tables[inst.tables[e.table]];
      const off = offsetOf(evalConst(store, ctx, e.offset!));
      if (off + items.length > table.size) throw new Trap("out of bounds table access");
      table.elems.set(items, off);
    }
    inst.elems[i] = null;
  }
  for (let i = 0; i < module.datas.length; i++) {
    const d = module.datas[i];
    if (d.mode !== "active") continue;
    const mem = store.memories[inst.memories[d.memory]];
    const off = offsetOf(evalConst(store, ctx, d.offset!));
    if (off + d.bytes.length > mem.buffer.byteLength) {
      throw new Trap("out of bounds memory access");
    }
    new Uint8Array(mem.buffer).set(d.bytes, off);
    inst.datas[i] = null;
  }
}
