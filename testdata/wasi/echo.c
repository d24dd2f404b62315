// WASI test: reads standard input line by line; for each line does some work (a hash), writes
// a line to stdout and appends one to out/log.txt in the preopened directory; at the end
// prints the file back. Its output does not depend on how the input arrives (in one read or
// many), so a run cut by snapshots (tests/wasi/suspend_test.ts) must print exactly what an
// uninterrupted run prints.
// Build: scripts/build_testdata.sh wasi   (clang-19 --target=wasm32-wasi -O2)
// Run: gab run --dir SANDBOX::/out echo.wasm < input
#include <stdio.h>
#include <string.h>

static unsigned hash(const char *s, unsigned rounds) {
  unsigned h = 2166136261u;
  for (unsigned r = 0; r < rounds; r++) {
    for (const char *p = s; *p; p++) h = (h ^ (unsigned char)*p) * 16777619u;
  }
  return h;
}

int main(void) {
  FILE *log = fopen("/out/log.txt", "w");
  if (log == NULL) {
    perror("fopen /out/log.txt");
    return 1;
  }
  char line[512];
  unsigned n = 0, total = 0;
  while (fgets(line, sizeof line, stdin) != NULL) {
    size_t len = strlen(line);
    if (len > 0 && line[len - 1] == '\n') line[--len] = 0;
    unsigned h = hash(line, 2000);
    n++;
    total += (unsigned)len;
    printf("%u: %s (%zu bytes, hash %08x)\n", n, line, len, h);
    fflush(stdout);
    fprintf(log, "line %u hash %08x\n", n, h);
    fflush(log);
  }
  fclose(log);
  printf("%u lines, %u bytes\n", n, total);
  log = fopen("/out/log.txt", "r");
  if (log == NULL) {
    perror("fopen /out/log.txt again");
    return 1;
  }
  while (fgets(line, sizeof line, log) != NULL) printf("log: %s", line);
  fclose(log);
  return n > 0 ? 0 : 2;
}
