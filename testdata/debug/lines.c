// A test program for the debugger's fronts (tests/cli/debug_test.ts): -O0 -g keeps every
// variable in memory and a line table (.debug_line) that llvm-dwarfdump-19 checks. It reads a
// number from standard input (5 when there is none), sums the squares 1..n into the global
// `total` and prints where `total` lives, so a test can watch it from outside the debugger.
// Built (needs wasi-libc) with: scripts/build_testdata.sh debug
#include <stdio.h>

int total = 0;

int square(int x) {
  int y = x * x;
  return y;
}

int main(void) {
  int n = 5;
  if (scanf("%d", &n) != 1) n = 5;
  printf("total at %lu\n", (unsigned long)&total);
  for (int i = 1; i <= n; i++) {
    total += square(i);
  }
  printf("total %d\n", total);
  return 0;
}
