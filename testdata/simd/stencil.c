/*
 * stencil: a three-point f64 smoothing pass, y[i] = (x[i-1] + 2 x[i] + x[i+1]) * 0.25, then
 * the arrays swap; overlapping (unaligned) vector loads and f64x2 arithmetic. run(n) does n
 * passes over 8192 doubles and returns the bits of a weighted sum.
 *
 * Returns: i64. Default n = 200.
 * Built twice by scripts/build_testdata.sh (simd):
 *   clang-19 --target=wasm32 -O3 -ffreestanding -nostdlib -Wl,--no-entry [-msimd128]
 */
#include "../kernels/kernel.h"

#define N 8192

static double x[N];
static double y[N];

EXPORT("run") i64 run(i32 n) {
  for (i32 i = 0; i < N; i++) {
    x[i] = (double)((i * 7) % 101) * 0.125 - 3.0;
    y[i] = 0.0;
  }
  double *p = x, *q = y;
  for (i32 r = 0; r < n; r++) {
    q[0] = p[0];
    q[N - 1] = p[N - 1];
    for (i32 i = 1; i < N - 1; i++) q[i] = (p[i - 1] + 2.0 * p[i] + p[i + 1]) * 0.25;
    double *t = p;
    p = q;
    q = t;
  }
  double sum = 0.0;
  for (i32 i = 0; i < N; i++) sum += p[i] * (double)(i % 7 + 1);
  union {
    double d;
    i64 bits;
  } result = {sum};
  return result.bits;
}
