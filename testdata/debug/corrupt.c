// A test program for watchpoints (tests/debug/watch_test.ts): it keeps a guard value next to a
// buffer, runs a long computation that never touches the guard, and late in the run an
// off-by-one loop in `corrupt` writes one element past the buffer, over the guard. A
// reverse-continue on a watchpoint over the guard, from the end, must stop at that store.
// Built (needs wasi-libc) with: clang-19 --target=wasm32-wasi -O1 corrupt.c -o corrupt.wasm
#include <stdio.h>

struct state {
  int buffer[16];
  int guard;
};

static struct state st = {{0}, 42};

// Sums a pseudo-random walk; touches only `acc`.
__attribute__((noinline)) static unsigned work(unsigned rounds) {
  unsigned acc = 1;
  for (unsigned i = 0; i < rounds; i++) acc = acc * 1103515245u + 12345u + (acc >> 7);
  return acc;
}

// The bug: `<=` writes buffer[16], which is the guard.
__attribute__((noinline)) void corrupt(volatile int *buf, int n) {
  for (int i = 0; i <= n; i++) buf[i] = i * 3;
}

int main(void) {
  printf("guard at %lu\n", (unsigned long)&st.guard);
  unsigned a = work(200000);
  corrupt(st.buffer, 16);
  unsigned b = work(1000);
  printf("work %u %u guard %d\n", a, b, st.guard);
  return 0;
}
