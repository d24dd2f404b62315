/*
 * blend: bytes (an image's pixels) mixed with a weight: out[i] = (a[i] * w + b[i] * (256 - w))
 * >> 8, then the bytes above a threshold counted; widening u8 -> u16 multiplies, narrowing
 * back, byte compares. run(n) does n rounds over 16384 bytes with changing weights.
 *
 * Returns: i32. Default n = 100.
 * Built twice by scripts/build_testdata.sh (simd):
 *   clang-19 --target=wasm32 -O3 -ffreestanding -nostdlib -Wl,--no-entry [-msimd128]
 */
#include "../kernels/kernel.h"

#define N 16384

static u8 a[N];
static u8 b[N];
static u8 out[N];

EXPORT("run") i32 run(i32 n) {
  for (i32 i = 0; i < N; i++) {
    a[i] = (u8)(i * 13 + (i >> 7));
    b[i] = (u8)(255 - i * 5);
  }
  u32 count = 0;
  for (i32 r = 0; r < n; r++) {
    u32 w = (u32)(r * 37) & 255;
    for (i32 i = 0; i < N; i++) out[i] = (u8)((a[i] * w + b[i] * (256 - w)) >> 8);
    for (i32 i = 0; i < N; i++) count += out[i] > 127;
    a[r & (N - 1)] ^= out[(r * 7) & (N - 1)];
  }
  return (i32)count;
}
