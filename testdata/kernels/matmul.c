/*
 * matmul: f64 arithmetic and f64 loads and stores. run(n) fills two n x n matrices of doubles
 * (values like k / 7.0, so the products round), multiplies them in i-k-j order (C += a * B row,
 * one f64.mul and one f64.add per step, no fused multiply-add in wasm) and sums the result with
 * weights. The three matrices (24 n^2 bytes) come from memory.grow on the first call.
 *
 * Returns: i64, the bits of the f64 checksum, so engines must round identically.
 * Default n = 450 (91M multiply-adds).
 * Built by scripts/build_testdata.sh:
 *   clang-19 --target=wasm32 -O2 -ffreestanding -nostdlib -Wl,--no-entry matmul.c -o matmul.wasm
 */
#include "kernel.h"

static double *a;
static double *b;
static double *c;
static u32 capacity;

EXPORT("run") i64 run(i32 n) {
  u32 m = n < 1 ? 1 : (u32)n;
  if (m > 4096) __builtin_trap(); /* 24 n^2 bytes must fit in a 32-bit memory */
  u32 cells = m * m;
  if (capacity < cells) {
    a = heap_alloc(cells * sizeof(double));
    b = heap_alloc(cells * sizeof(double));
    c = heap_alloc(cells * sizeof(double));
    capacity = cells;
  }
  for (u32 i = 0; i < m; i++) {
    for (u32 j = 0; j < m; j++) {
      a[i * m + j] = (double)((i * 7 + j * 3) % 17) / 7.0 - 1.0;
      b[i * m + j] = (double)((i * 5 + j * 11) % 13) / 3.0 + 0.5;
      c[i * m + j] = 0.0;
    }
  }
  for (u32 i = 0; i < m; i++) {
    double *ci = c + i * m;
    for (u32 k = 0; k < m; k++) {
      double aik = a[i * m + k];
      double *bk = b + k * m;
      for (u32 j = 0; j < m; j++) ci[j] += aik * bk[j];
    }
  }
  double sum = 0.0;
  for (u32 x = 0; x < cells; x++) sum += c[x] * (double)(x % 5 + 1);
  union {
    double d;
    i64 bits;
  } result = {sum};
  return result.bits;
}
