/*
 * fib: recursive calls. run(n) computes the n-th Fibonacci number the naive way, two calls per
 * call (2 fib(n + 1) - 1 calls in all: 78M at n = 37), so the time is almost all call and
 * return overhead, argument passing and a compare-and-branch. `disable_tail_calls` keeps clang
 * from turning the second call into a loop with an accumulator. (V8's optimizing tier inlines a
 * few levels of the recursion, which makes this its best case.)
 *
 * Returns: i32, fib(n) (wrapping). Default n = 37.
 * Built by scripts/build_testdata.sh:
 *   clang-19 --target=wasm32 -O2 -ffreestanding -nostdlib -Wl,--no-entry fib.c -o fib.wasm
 */
#include "kernel.h"

__attribute__((noinline, disable_tail_calls)) static u32 fib(i32 n) {
  if (n < 2) return (u32)n;
  return fib(n - 1) + fib(n - 2);
}

EXPORT("run") i32 run(i32 n) { return (i32)fib(n); }
