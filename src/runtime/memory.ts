/**
 * Memory instances (spec §4.2.8 "Memory Instances", §4.5.3 "Growing memories"): allocation,
 * growth and size helpers. A memory's bytes are one fixed-size `ArrayBuffer` of exactly
 * `pages * 65536` bytes; growing allocates a new buffer, copies, and bumps `generation` so
 * that the interpreter refreshes its views.
 *
 * Engine limits: an i32 memory grows to at most 65536 pages (4 GiB, as its type allows), an
 * i64 memory to {@linkcode MAX_PAGES_64}; and no single buffer may exceed what the JS engine
 * can allocate (an allocation failure makes `memory.grow` return -1, as the spec allows).
 * Nothing here checks bounds of accesses: the interpreter does.
 *
 * @module
 */

import type { MemType } from "../syntax/types.ts";
import type { MemInst } from "./store.ts";

/** Bytes per page. */
export const PAGE_SIZE = 65536;

/** The most pages an i32 memory can have (the address space: 4 GiB). */
export const MAX_PAGES_32 = 65536;

/**
 * The most pages an i64 memory can have in this engine (4 GiB, like i32 memories: beyond
 * that, a JS `ArrayBuffer` is impractical).
 */
export const MAX_PAGES_64 = 65536;

/** The most pages a memory of type `type` may reach here: its maximum, capped by the engine. */
export function memoryPageLimit(type: MemType): number {
  const cap = type.is64 ? MAX_PAGES_64 : MAX_PAGES_32;
  const max = type.limits.max;
  return max !== null && max < BigInt(cap) ? Number(max) : cap;
}

/** Allocates a zeroed buffer of `pages` pages, or null if the host cannot. */
function allocate(pages: number): ArrayBuffer | null {
  try {
    return new ArrayBuffer(pages * PAGE_SIZE);
  } catch {
    return null;
  }
}

/**
 * A new memory of type `type`, `type.limits.min` pages, zeroed.
 *
 * @throws RangeError-free: returns null when the initial size exceeds the engine's limits or
 *   the host cannot allocate it; callers turn that into an Exhaustion or a LinkError.
 */
export function tryNewMemory(type: MemType): MemInst | null {
  const min = type.limits.min;
  if (min > BigInt(memoryPageLimit(type))) return null;
  const pages = Number(min);
  const buffer = allocate(pages);
  if (buffer === null) return null;
  return { type, buffer, pages, generation: 0 };
}

/**
 * A new memory of type `type` with its minimum size, zeroed. Assumes the minimum is within
 * the engine's limits (see {@linkcode tryNewMemory} for the checked form); otherwise throws a
 * plain Error.
 */
export function newMemory(type: MemType): MemInst {
  const mem = tryNewMemory(type);
  if (mem === null) throw new Error(`cannot allocate a memory of ${type.limits.min} pages`);
  return mem;
}

/**
 * Grows `mem` by `deltaPages` pages (spec `growmem`): returns the old size in pages, or -1
 * (leaving the memory unchanged) when the new size would exceed its maximum, its address
 * type's range, the engine's limit, or what the host can allocate. Never throws. A delta of
 * 0 returns the size without replacing the buffer.
 */
export function growMemory(mem: MemInst, deltaPages: number): number {
  const old = mem.pages;
  if (!(deltaPages >= 0) || !Number.isFinite(deltaPages)) return -1;
  if (deltaPages === 0) return old;
  const pages = old + deltaPages;
  if (pages > memoryPageLimit(mem.type)) return -1;
  const buffer = allocate(pages);
  if (buffer === null) return -1;
  new Uint8Array(buffer).set(new Uint8Array(mem.buffer));
  mem.buffer = buffer;
  mem.pages = pages;
  mem.generation++;
  return old;
}

/** The size of `mem` in bytes. */
export function memoryByteLength(mem: MemInst): number {
  return mem.pages * PAGE_SIZE;
}
