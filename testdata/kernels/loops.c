/*
 * loops: nested integer loops, i32 arithmetic. run(n) runs an n x n double loop whose body is a
 * chain of dependent i32 multiplies, adds, xors, shifts, a rotate and a data-dependent branch,
 * with locals only (no memory traffic). The chain is nonlinear, so clang cannot fold the loops;
 * the branch is taken one time in 16, so it is mostly predicted and does not dominate.
 *
 * Returns: i32, the final state. Default n = 5000 (25M inner iterations).
 * Built by scripts/build_testdata.sh:
 *   clang-19 --target=wasm32 -O2 -ffreestanding -nostdlib -Wl,--no-entry loops.c -o loops.wasm
 */
#include "kernel.h"

EXPORT("run") i32 run(i32 n) {
  u32 x = 0x12345678u;
  u32 y = 1;
  for (i32 i = 0; i < n; i++) {
    u32 row = (u32)i * 2654435761u;
    for (i32 j = 0; j < n; j++) {
      x = x * 1103515245u + ((u32)j ^ row);
      x ^= x >> 15;
      if ((x & 0xf00u) == 0) {
        y += x;
      } else {
        y = (y << 3 | y >> 29) ^ (u32)j;
      }
    }
    x += y;
  }
  return (i32)(x ^ y);
}
