/*
 * dot: i32 multiply and add over arrays (with an i16 -> i32 widening), reduced to one sum:
 * the shape of checksums, filters and integer dot products. run(n) fills two i16 arrays of
 * 8192 elements and n times sums x[i] * y[i] + (x[i] ^ r), returning the total.
 *
 * Returns: i32. Default n = 200.
 * Built twice by scripts/build_testdata.sh (simd):
 *   clang-19 --target=wasm32 -O3 -ffreestanding -nostdlib -Wl,--no-entry [-msimd128]
 */
#include "../kernels/kernel.h"

#define N 8192

static short x[N];
static short y[N];

EXPORT("run") i32 run(i32 n) {
  for (i32 i = 0; i < N; i++) {
    x[i] = (short)((i * 7919) % 2003 - 1000);
    y[i] = (short)((i * 104729) % 997 - 500);
  }
  i32 total = 0;
  for (i32 r = 0; r < n; r++) {
    i32 s = 0;
    for (i32 i = 0; i < N; i++) s += (i32)x[i] * (i32)y[i] + (x[i] ^ r);
    total = total * 3 + s;
  }
  return total;
}
