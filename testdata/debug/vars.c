// A test program for C variables in the debugger (tests/debug/dwarf_info_test.ts,
// tests/cli/debug_test.ts, tests/dap/c_vars_test.ts): locals, parameters, globals, structs, a
// bit-field, arrays (one of two dimensions), a pointer, a string, an enum, a bool, a float, a
// double, a char and lexical blocks. At each printf marked CHECK it prints the values the
// debugger must show there (its committed output, vars.out, is the oracle).
// Built (needs wasi-libc) with: scripts/build_testdata.sh debug
#include <stdio.h>

typedef unsigned int count_t;

struct point {
  int x;
  short y;
  char tag;
  double weight;
};

enum color { RED, GREEN = 5, BLUE };

struct flags {
  unsigned ready : 1;
  int level : 4;
};

int counter = 7;
struct point origin = {1, -2, 'o', 0.5};

static double scale(const struct point *p, float factor) {
  double w = p->weight * factor;
  printf("CHECK scale p->x=%d factor=%g w=%g\n", p->x, factor, w);
  return w;
}

int main(void) {
  int numbers[4] = {3, 1, 4, 1};
  struct point pt = {10, 20, 'p', 2.25};
  count_t n = 4;
  char letter = 'g';
  float ratio = 1.5f;
  long long big = -1234567890123LL;
  int *first = &numbers[0];
  for (count_t i = 0; i < n; i++) {
    int sq = numbers[i] * numbers[i];
    counter += sq;
  }
  double s = scale(&pt, ratio) + scale(&origin, 2.0f);
  printf("CHECK main numbers={%d,%d,%d,%d} pt={%d,%d,%c,%g} n=%u letter=%c ratio=%g big=%lld *first=%d counter=%d s=%g\n",
         numbers[0], numbers[1], numbers[2], numbers[3], pt.x, pt.y, pt.tag, pt.weight, n, letter,
         ratio, big, *first, counter, s);
  int grid[2][3] = {{1, 2, 3}, {4, 5, 6}};
  enum color hue = GREEN;
  const char *name = "gab";
  struct flags fl = {1, -3};
  _Bool ok = n > 3;
  printf("CHECK more grid={{%d,%d,%d},{%d,%d,%d}} hue=%d name=%s fl={%u,%d} ok=%d\n", grid[0][0],
         grid[0][1], grid[0][2], grid[1][0], grid[1][1], grid[1][2], hue, name, fl.ready, fl.level,
         ok);
  return 0;
}
