/*
 * memcpy: copying memory three ways. Each of run(n)'s n rounds copies a few KiB between two
 * 64 KiB buffers (lengths and offsets vary per round, so most copies are misaligned):
 *   1. a hand-written byte loop (i32.load8_u / i32.store8),
 *   2. a hand-written 32-bit word loop (i32.load / i32.store),
 *   3. __builtin_memcpy, which -mbulk-memory turns into one memory.copy instruction.
 * -ffreestanding keeps clang from rewriting the two loops into memory.copy itself. After each
 * round a few copied bytes are mixed into a hash and the source is perturbed, so no copy is
 * dead.
 *
 * Returns: i32, the hash. Default n = 40,000.
 * Built by scripts/build_testdata.sh:
 *   clang-19 --target=wasm32 -O2 -ffreestanding -nostdlib -Wl,--no-entry -mbulk-memory \
 *     memcpy.c -o memcpy.wasm
 */
#include "kernel.h"

#define BUFFER_SIZE 65536u
#define MASK (BUFFER_SIZE - 1)

static u8 *source;
static u8 *target;

__attribute__((noinline)) static void copy_bytes(u8 *to, const u8 *from, u32 len) {
  for (u32 i = 0; i < len; i++) to[i] = from[i];
}

/* Assumes 4-byte aligned `to` and `from`. */
__attribute__((noinline)) static void copy_words(u32 *to, const u32 *from, u32 words) {
  for (u32 i = 0; i < words; i++) to[i] = from[i];
}

static u32 mix(u32 hash, const u8 *at, u32 len, u32 round) {
  hash = (hash ^ at[0]) * 16777619u;
  hash = (hash ^ at[len - 1]) * 16777619u;
  return (hash ^ at[(round * 2654435761u) % len]) * 16777619u;
}

EXPORT("run") i32 run(i32 n) {
  if (!source) {
    source = heap_alloc(BUFFER_SIZE);
    target = heap_alloc(BUFFER_SIZE);
  }
  u32 seed = 12345;
  for (u32 i = 0; i < BUFFER_SIZE; i++) {
    seed = seed * 1103515245u + 12345u;
    source[i] = (u8)(seed >> 16);
    target[i] = 0;
  }
  u32 hash = 2166136261u;
  for (i32 r = 0; r < n; r++) {
    u32 round = (u32)r;
    u32 len = 1024 + (round * 977u) % 3072u;
    u32 from = (round * 131u) % (BUFFER_SIZE - 8192);
    u32 to = (round * 71u + 3) % (BUFFER_SIZE - 8192);

    copy_bytes(target + to, source + from, len);
    hash = mix(hash, target + to, len, round);

    u32 words = len / 4;
    u32 from4 = from & ~3u, to4 = (to + 1024) & ~3u;
    copy_words((u32 *)(target + to4), (const u32 *)(source + from4), words);
    hash = mix(hash, target + to4, words * 4, round);

    u32 big = len * 2;
    __builtin_memcpy(target + ((to + 7) & MASK & ~8191u), source + from, big);
    hash = mix(hash, target + ((to + 7) & MASK & ~8191u), big, round);

    source[(round * 40503u) & MASK] ^= (u8)hash;
  }
  return (i32)hash;
}
