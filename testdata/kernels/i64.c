/*
 * i64: 64-bit integer arithmetic. Each of run(n)'s n steps advances a PCG generator (i64.mul,
 * i64.add) and an xorshift64* generator (i64 shifts, xors and a multiply), mixes their outputs
 * with a rotate and an arithmetic shift, and every 16th step takes an i64.rem_u. Everything
 * stays in i64 locals.
 *
 * Returns: i64, the accumulated mix. Default n = 20,000,000.
 * Built by scripts/build_testdata.sh:
 *   clang-19 --target=wasm32 -O2 -ffreestanding -nostdlib -Wl,--no-entry i64.c -o i64.wasm
 */
#include "kernel.h"

EXPORT("run") i64 run(i32 n) {
  u64 state = 0x853c49e6748fea9bull;
  u64 x = 88172645463325252ull;
  u64 acc = 0;
  for (i32 i = 0; i < n; i++) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    u64 pcg = (state ^ (state >> 22)) >> (22 + (u32)(state >> 61));
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    u64 star = x * 0x2545f4914f6cdd1dull;
    acc += pcg ^ star;
    acc = acc << 5 | acc >> 59;
    acc ^= (u64)((i64)star >> 17);
    if ((i & 15) == 0) acc += star % (pcg | 1);
  }
  return (i64)acc;
}
