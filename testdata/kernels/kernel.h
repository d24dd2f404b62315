/*
 * kernel.h: what the benchmark kernels share. They are freestanding C (no libc, no imports):
 * fixed-width types, the export attribute, and a bump allocator on the module's own memory.
 *
 * Built with every kernel by scripts/build_testdata.sh (see there for the flags).
 */
#ifndef KERNEL_H
#define KERNEL_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef int i32;
typedef unsigned int u32;
typedef long long i64;
typedef unsigned long long u64;
typedef unsigned long usize; /* wasm32: 32 bits */

/* Exports a function under `name` (the kernels export `run`). */
#define EXPORT(name) __attribute__((export_name(name)))

/* The first free byte after the static data and the stack (defined by wasm-ld). */
extern u8 __heap_base;

/*
 * Returns `size` bytes at a 16-byte aligned address, growing the memory when needed; the bytes
 * are zero the first time. Nothing is ever freed, so a kernel allocates its buffers once (on
 * the first call, or when a call asks for more) and keeps them across calls. Traps when the
 * memory cannot grow.
 */
static void *heap_alloc(usize size) {
  static u64 top;
  if (top == 0) top = ((u64)(usize)&__heap_base + 15) & ~(u64)15;
  u64 start = top;
  top = (start + size + 15) & ~(u64)15;
  u64 have = (u64)__builtin_wasm_memory_size(0) * 65536;
  if (top > have) {
    if (top > 0xFFFF0000ull) __builtin_trap();
    usize pages = (usize)((top - have + 65535) / 65536);
    if (__builtin_wasm_memory_grow(0, pages) == (usize)-1) __builtin_trap();
  }
  return (void *)(usize)start;
}

#endif
