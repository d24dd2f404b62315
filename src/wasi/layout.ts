/**
 * Writing the ABI's structures into guest memory: `fdstat`, `filestat` (preview 1 and
 * preview 0 layouts), `dirent`, `prestat`.
 *
 * @module
 */

import type { Filestat } from "./fs.ts";
import type { GuestMemory } from "./memory.ts";

/** Writes a preview 1 `filestat` (64 bytes) at `ptr`. */
export function writeFilestat(mem: GuestMemory, ptr: number, st: Filestat): void {
  mem.check(ptr, 64);
  mem.setU64(ptr, st.dev);
  mem.setU64(ptr + 8, st.ino);
  mem.bytes(ptr + 16, 8).fill(0);
  mem.setU8(ptr + 16, st.filetype);
  mem.setU64(ptr + 24, st.nlink);
  mem.setU64(ptr + 32, st.size);
  mem.setU64(ptr + 40, st.atim);
  mem.setU64(ptr + 48, st.mtim);
  mem.setU64(ptr + 56, st.ctim);
}

/**
 * Writes a preview 0 (`wasi_unstable`) `filestat` (56 bytes) at `ptr`: `nlink` is a u32 at
 * offset 20, so size and the times sit 8 bytes lower than in preview 1.
 */
export function writeFilestat0(mem: GuestMemory, ptr: number, st: Filestat): void {
  mem.check(ptr, 56);
  mem.setU64(ptr, st.dev);
  mem.setU64(ptr + 8, st.ino);
  mem.bytes(ptr + 16, 4).fill(0);
  mem.setU8(ptr + 16, st.filetype);
  mem.setU32(ptr + 20, Number(BigInt.asUintN(32, st.nlink)));
  mem.setU64(ptr + 24, st.size);
  mem.setU64(ptr + 32, st.atim);
  mem.setU64(ptr + 40, st.mtim);
  mem.setU64(ptr + 48, st.ctim);
}

/** Writes an `fdstat` (24 bytes) at `ptr`. */
export function writeFdstat(
  mem: GuestMemory,
  ptr: number,
  filetype: number,
  fdflags: number,
  rights: number,
  inheriting: number,
): void {
  mem.check(ptr, 24);
  mem.bytes(ptr, 8).fill(0);
  mem.setU8(ptr, filetype);
  mem.setU16(ptr + 2, fdflags);
  mem.setU64(ptr + 8, rights);
  mem.setU64(ptr + 16, inheriting);
}

/** The 24-byte `dirent` header (same layout in preview 0 and 1). */
export function direntHeader(next: bigint, ino: bigint, namlen: number, type: number): Uint8Array {
  const b = new Uint8Array(24);
  const dv = new DataView(b.buffer);
  dv.setBigUint64(0, next, true);
  dv.setBigUint64(8, ino, true);
  dv.setUint32(16, namlen, true);
  dv.setUint8(20, type);
  return b;
}
