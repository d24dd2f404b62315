// WASI test: proc_exit ends the run with the given status, skipping the rest.
// Build: scripts/build_testdata.sh wasi   (clang-19 --target=wasm32-wasi -O2)
#include <stdio.h>
#include <wasi/api.h>

int main(void) {
  printf("before exit\n");
  fflush(stdout);
  __wasi_proc_exit(42);
  printf("after exit\n");
  return 0;
}
