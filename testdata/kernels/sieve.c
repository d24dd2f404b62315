/*
 * sieve: byte loads and stores in linear memory. run(n) runs the sieve of Eratosthenes over
 * the numbers below n, one byte per number (i32.store8 / i32.load8_u), and hashes the primes
 * it finds. The buffer (n bytes) is taken from memory.grow on the first call and reused; every
 * call sets it again with a byte loop.
 *
 * Returns: i32, a rolling hash of the primes xor their count. Default n = 16,000,000.
 * Built by scripts/build_testdata.sh:
 *   clang-19 --target=wasm32 -O2 -ffreestanding -nostdlib -Wl,--no-entry sieve.c -o sieve.wasm
 */
#include "kernel.h"

static u8 *flags;
static u32 capacity;

EXPORT("run") i32 run(i32 n) {
  u32 limit = n < 2 ? 2 : (u32)n;
  if (capacity < limit) {
    flags = heap_alloc(limit);
    capacity = limit;
  }
  for (u32 i = 0; i < limit; i++) flags[i] = 1;
  flags[0] = 0;
  flags[1] = 0;
  for (u32 i = 2; i * i < limit; i++) {
    if (flags[i]) {
      for (u32 j = i * i; j < limit; j += i) flags[j] = 0;
    }
  }
  u32 count = 0;
  u32 hash = 0;
  for (u32 i = 0; i < limit; i++) {
    if (flags[i]) {
      count++;
      hash = hash * 31u + i;
    }
  }
  return (i32)(hash ^ count);
}
