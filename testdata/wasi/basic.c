// WASI test: arguments, environment, clocks, random bytes, standard streams, exit status.
// Build: scripts/build_testdata.sh wasi   (clang-19 --target=wasm32-wasi -O2)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

static void check(const char *what, int err) { printf("%s: %d\n", what, err); }

int main(int argc, char **argv) {
  printf("argc=%d\n", argc);
  for (int i = 1; i < argc; i++) printf("argv[%d]=%s\n", i, argv[i]);
  __wasi_size_t n, size;
  check("args_sizes_get", __wasi_args_sizes_get(&n, &size));
  printf("args count=%u size=%u\n", (unsigned)n, (unsigned)size);
  check("environ_sizes_get", __wasi_environ_sizes_get(&n, &size));
  printf("environ count=%u size=%u\n", (unsigned)n, (unsigned)size);
  printf("GREETING=%s\n", getenv("GREETING") ? getenv("GREETING") : "(unset)");
  printf("EMPTY=[%s]\n", getenv("EMPTY") ? getenv("EMPTY") : "(unset)");
  printf("MISSING=%s\n", getenv("MISSING") ? getenv("MISSING") : "(unset)");

  for (int id = 0; id < 4; id++) {
    __wasi_timestamp_t res = 0, t = 0;
    int e1 = __wasi_clock_res_get(id, &res);
    int e2 = __wasi_clock_time_get(id, 1, &t);
    printf("clock %d: res_err=%d res_pos=%d time_err=%d\n", id, e1, res > 0, e2);
  }
  __wasi_timestamp_t t0, t1, r;
  __wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &t0);
  printf("realtime after 2000: %d\n", t0 > 946684800000000000ull);
  __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t0);
  volatile unsigned x = 0;
  for (unsigned i = 0; i < 100000; i++) x += i;
  __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t1);
  printf("monotonic advances: %d\n", t1 >= t0);
  check("clock_time_get bad id", __wasi_clock_time_get(17, 1, &t0));
  check("clock_res_get bad id", __wasi_clock_res_get(17, &r));

  unsigned char buf[64];
  memset(buf, 0, sizeof buf);
  check("random_get", __wasi_random_get(buf, sizeof buf));
  int nonzero = 0;
  for (unsigned i = 0; i < sizeof buf; i++) nonzero += buf[i] != 0;
  printf("random nonzero bytes > 32: %d\n", nonzero > 32);
  check("random_get 0 bytes", __wasi_random_get(buf, 0));
  check("sched_yield", __wasi_sched_yield());

  // Standard input: read it all.
  char in[256];
  size_t got = fread(in, 1, sizeof in - 1, stdin);
  in[got] = 0;
  printf("stdin %zu bytes: %s\n", got, in);

  fprintf(stderr, "to stderr\n");
  fflush(stdout);
  return argc > 1 ? 3 : 0;
}
