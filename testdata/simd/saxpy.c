/*
 * saxpy: f32 multiply-add over arrays, the loop every vectorizer is built for. run(n) fills
 * two arrays of 4096 floats, then n times computes y[i] = a * x[i] + y[i] (a changes each
 * round so nothing folds) and returns a weighted sum of y's bits.
 *
 * Returns: i32. Default n = 400.
 * Built twice by scripts/build_testdata.sh (simd):
 *   clang-19 --target=wasm32 -O3 -ffreestanding -nostdlib -Wl,--no-entry [-msimd128]
 */
#include "../kernels/kernel.h"

#define N 4096

static float x[N];
static float y[N];

EXPORT("run") i32 run(i32 n) {
  for (i32 i = 0; i < N; i++) {
    x[i] = (float)(i % 31) * 0.25f - 3.0f;
    y[i] = (float)(i % 17) * 0.5f;
  }
  for (i32 r = 0; r < n; r++) {
    float a = (r & 1) ? 0.5f : -0.25f;
    for (i32 i = 0; i < N; i++) y[i] = a * x[i] + y[i];
  }
  u32 h = 0;
  for (i32 i = 0; i < N; i++) {
    union {
      float f;
      u32 u;
    } v = {y[i]};
    h = h * 31 + v.u;
  }
  return (i32)h;
}
