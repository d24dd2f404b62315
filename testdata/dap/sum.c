// A test program for `gab dap` (tests/dap/stdin_test.ts), built with -O0 -g: it reads numbers
// from standard input, one a line, adds them into the global `sum` and prints the running
// sum after each line and the count and sum at the end. With the environment variable SPIN
// set it then spins forever (counting in the global `spins`), for a test to pause it. Its
// output goes a line at a time.
// Built (needs wasi-libc) with: scripts/build_testdata.sh dap
#include <stdio.h>
#include <stdlib.h>

long sum = 0;
volatile unsigned spins = 0;

int main(void) {
  char line[64];
  int count = 0;
  setvbuf(stdout, NULL, _IOLBF, 0); // a line at a time, also into a pipe
  while (fgets(line, sizeof line, stdin) != NULL) {
    long x = atol(line);
    sum += x;
    count++;
    printf("%d: %ld\n", count, sum);
  }
  printf("count %d sum %ld\n", count, sum);
  if (getenv("SPIN") != NULL) {
    for (;;) spins++;
  }
  return 0;
}
