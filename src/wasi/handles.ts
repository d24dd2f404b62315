/**
 * The open host handles of a WASI instance, kept OUT of the state: host file descriptors
 * (node:fs numbers) by guest descriptor, and directory listings being read by `fd_readdir`.
 * Everything here can be rebuilt from the state: a file is re-opened by its host path with the
 * access its entry records (the offset lives in the state and every read and write is
 * positioned, so the host descriptor's own position never matters).
 *
 * @module
 */

import * as fs from "node:fs";
import { Fdflags } from "./abi.ts";
import type { FdEntry } from "./state.ts";

/** A directory entry as `fd_readdir` reports it. */
export interface DirItem {
  name: string;
  ino: bigint;
  filetype: number;
}

/** The host open flags for WASI `fdflags` (APPEND, DSYNC, SYNC and RSYNC as O_SYNC). */
export function hostFlags(fdflags: number): number {
  const c = fs.constants;
  let flags = 0;
  if (fdflags & Fdflags.APPEND) flags |= c.O_APPEND;
  if (fdflags & Fdflags.DSYNC) flags |= c.O_DSYNC;
  if (fdflags & (Fdflags.SYNC | Fdflags.RSYNC)) flags |= c.O_SYNC;
  return flags;
}

/** Host handles by guest descriptor. */
export class Handles {
  private readonly files = new Map<number, number>();
  /** Listings of directories being read, by descriptor (rebuilt at cookie 0). */
  readonly listings: Map<number, DirItem[]> = new Map();

  /** The host descriptor of file `fd` (entry `e`), opening it by path if it is not open. */
  file(fd: number, e: FdEntry): number {
    let h = this.files.get(fd);
    if (h === undefined) {
      const c = fs.constants;
      let flags = e.read && e.write ? c.O_RDWR : e.write ? c.O_WRONLY : c.O_RDONLY;
      flags |= hostFlags(e.fdflags);
      h = fs.openSync(e.hostPath, flags);
      this.files.set(fd, h);
    }
    return h;
  }

  /** Adopts an already open host descriptor `h` for `fd`. */
  adopt(fd: number, h: number): void {
    this.close(fd);
    this.files.set(fd, h);
  }

  /** Closes what `fd` holds (nothing if nothing is open). */
  close(fd: number): void {
    const h = this.files.get(fd);
    if (h !== undefined) {
      this.files.delete(fd);
      try {
        fs.closeSync(h);
      } catch {
        // already gone: nothing to release
      }
    }
    this.listings.delete(fd);
  }

  /** Moves the handles of `from` to `to` (closing what `to` held). */
  move(from: number, to: number): void {
    this.close(to);
    const h = this.files.get(from);
    if (h !== undefined) this.files.set(to, h);
    this.files.delete(from);
    this.listings.delete(from);
  }

  /** Closes every handle. */
  closeAll(): void {
    for (const fd of [...this.files.keys()]) this.close(fd);
    this.listings.clear();
  }
}
