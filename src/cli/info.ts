/**
 * `gab snapshot info FILE`: what a snapshot holds, as lines of text — format and engine
 * version, modules with their sizes, instances, memories and tables with sizes, the paused
 * execution (its function, by name when the module names it, and the wasm byte offset of the
 * paused instruction), fuel, and a summary of the host state (WASI's arguments and
 * descriptors). The snapshot is fully restored first (host functions bound to stubs), so a
 * bad one gives the SnapshotError that `resume` would give.
 *
 * @module
 */

import type { Machine } from "../exec/machine.ts";
import type { HostImpl } from "../runtime/values.ts";
import { readSnapshot } from "../snapshot/format.ts";
import { type HostBindings, restore } from "../snapshot/restore.ts";
import type { WasiState } from "../wasi/api.ts";

/** Bindings that bind every `module`/`name` to a function that must not be called. */
function stubBindings(): HostBindings {
  const stub: HostImpl = () => {
    throw new Error("snapshot info: host functions are not callable");
  };
  const names = new Proxy({}, {
    getOwnPropertyDescriptor: () => ({ value: stub, configurable: true, enumerable: true }),
    get: () => stub,
  });
  return new Proxy({}, {
    getOwnPropertyDescriptor: () => ({ value: names, configurable: true, enumerable: true }),
    get: () => names,
  }) as HostBindings;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** The name of the function at store address `addr`: `$name`, an export name, or its index. */
function funcName(m: Machine, addr: number): string {
  const o = m.store.objects[addr];
  if (o?.kind === "host") return `host ${o.module}.${o.name}`;
  if (o?.kind !== "wasm") return `object ${addr}`;
  const inst = m.store.instances[o.instance];
  const name = inst.module.names.funcs.get(o.index);
  if (name !== undefined) return `$${name} (func ${o.index} of instance ${o.instance})`;
  for (const [ex, ev] of inst.exports) {
    if (ev.kind === "func" && ev.addr === addr) {
      return `export "${ex}" (func ${o.index} of instance ${o.instance})`;
    }
  }
  return `func ${o.index} of instance ${o.instance}`;
}

/** The wasm byte offset of IR instruction `pc` of the function at `addr`, or null. */
function byteOffset(m: Machine, addr: number, pc: number): number | null {
  const map = m.code(addr).srcMap;
  let best: number | null = null;
  for (let i = 0; i + 1 < map.length; i += 2) {
    if (map[i] > pc) break;
    best = map[i + 1];
  }
  return best;
}

function hostSummary(host: unknown): string[] {
  if (host === null || host === undefined) return ["host: none"];
  if (typeof host !== "object") return [`host: ${typeof host}`];
  const lines = [`host: ${Object.keys(host).join(", ") || "(empty)"}`];
  const wasi = (host as { wasi?: WasiState }).wasi;
  if (typeof wasi === "object" && wasi !== null && Array.isArray(wasi.fds)) {
    const open = wasi.fds.filter((f) => f !== null);
    lines.push(`  wasi: args ${JSON.stringify(wasi.args)}, ${plural(wasi.env.length, "env var")}`);
    lines.push(
      `  wasi: ${plural(open.length, "open descriptor")}, ${
        plural(wasi.preopens.length, "preopen")
      }${wasi.preopens.map((p) => ` ${p.guest}=${p.host}`).join("")}`,
    );
    const files = open.filter((f) => f.kind === "file");
    for (const f of files) lines.push(`  wasi: file ${f.hostPath} at offset ${f.offset}`);
    if (wasi.clock.deterministic) lines.push("  wasi: deterministic clocks");
  }
  return lines;
}

/**
 * The lines `gab snapshot info` prints for snapshot `bytes`.
 *
 * @throws SnapshotError for a bad snapshot.
 */
export function snapshotInfo(bytes: Uint8Array): string[] {
  const file = readSnapshot(bytes);
  const { machine: m, execution, host } = restore(bytes, stubBindings());
  const s = m.store;
  const lines = [
    `format: ${file.version}`,
    `engine: ${file.engine}`,
    `size: ${bytes.length} bytes`,
  ];
  const modules = (file.body as { modules: Uint8Array[] }).modules;
  lines.push(`modules: ${modules.length}`);
  modules.forEach((b, i) => lines.push(`  module ${i}: ${b.length} bytes`));
  lines.push(`instances: ${s.instances.length}`);
  s.instances.forEach((inst, i) => {
    const mod = s.instances.findIndex((j) => j.module === inst.module);
    const imports = inst.module.imports.length;
    lines.push(
      `  instance ${i}: ${plural(inst.funcs.length, "function")} (${imports} imported), ` +
        `${plural(inst.exports.size, "export")}${mod === i ? "" : ` (module of instance ${mod})`}`,
    );
  });
  lines.push(`memories: ${s.memories.length}`);
  s.memories.forEach((mem, i) => {
    lines.push(`  memory ${i}: ${plural(mem.pages, "page")} (${mem.buffer.byteLength} bytes)`);
  });
  lines.push(`tables: ${s.tables.length}`);
  s.tables.forEach((t, i) => lines.push(`  table ${i}: ${plural(t.size, "element")}`));
  lines.push(`globals: ${s.globals.length}`);
  const hosts = s.objects.filter((o) => o.kind === "host").length;
  lines.push(`host functions: ${hosts}`);
  if (execution === null) lines.push("execution: none");
  else {
    lines.push(`execution: ${execution.state}, called ${funcName(m, execution.funcAddr)}`);
  }
  if (m.funcAddr >= 0) {
    const at = byteOffset(m, m.funcAddr, m.pc);
    const where = at === null ? "" : ` at wasm byte 0x${at.toString(16)}`;
    lines.push(`paused in: ${funcName(m, m.funcAddr)}${where} (pc ${m.pc})`);
    lines.push(`call depth: ${m.depth}`);
  }
  lines.push(`fuel: ${m.fuel === Infinity ? "unbounded" : m.fuel}`);
  lines.push(...hostSummary(host));
  return lines;
}
