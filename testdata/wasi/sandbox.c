// WASI test: escape attempts from the preopened /sandbox (.., absolute paths, symbolic links
// that lead out, link loops), rights enforcement, and bad pointers (EFAULT).
// The fixture (testdata/wasi/cases.json, "escape") holds sub/data.txt, top.txt, links abs ->
// /etc, up -> ../.., upfile -> ../outside.txt, deepup -> sub/deeper/../../.., loop -> loop,
// loop2 <-> loop3, inner -> sub, innerfile -> sub/data.txt, sub/back -> ../top.txt; the file
// outside.txt lies beside the sandbox.
// Build: scripts/build_testdata.sh wasi   (clang-19 --target=wasm32-wasi -O2)
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

#define DIRFD 3
static __wasi_rights_t R = (__wasi_rights_t)0x0fffffff;

static void try_open(const char *path, int follow) {
  __wasi_fd_t fd;
  int e = __wasi_path_open(DIRFD, follow ? __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW : 0, path, 0,
                           __WASI_RIGHTS_FD_READ, 0, 0, &fd);
  char buf[64] = {0};
  if (e == 0) {
    __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf - 1};
    __wasi_size_t n;
    if (__wasi_fd_read(fd, &iov, 1, &n) == 0) buf[n] = 0;
    char *nl = strchr(buf, '\n');
    if (nl) *nl = 0;
    (void)__wasi_fd_close(fd);
  }
  printf("open %-28s follow=%d: %d %s\n", path, follow, e, buf);
}

static void try_stat(const char *path) {
  __wasi_filestat_t st;
  int e = __wasi_path_filestat_get(DIRFD, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, &st);
  printf("stat %-28s: %d\n", path, e);
}

int main(void) {
  const char *paths[] = {"top.txt", "sub/data.txt", "sub/../top.txt", "./sub/./data.txt",
                         "inner/data.txt", "innerfile", "sub/back", "..", "../outside.txt",
                         "sub/../../outside.txt", "sub/deeper/../../../outside.txt",
                         "/etc/passwd", "/sandbox/top.txt", "abs/passwd", "abs", "up/sandbox/top.txt",
                         "upfile", "deepup/outside.txt", "loop", "loop2", "missing/../top.txt"};
  for (unsigned i = 0; i < sizeof paths / sizeof paths[0]; i++) try_open(paths[i], 1);
  try_open("upfile", 0);
  try_open("abs", 0);
  try_stat("..");
  try_stat("up");
  try_stat("abs");
  try_stat("sub/..");
  __wasi_filestat_t st;
  printf("lstat abs: %d\n", __wasi_path_filestat_get(DIRFD, 0, "abs", &st));
  printf("lstat up: %d\n", __wasi_path_filestat_get(DIRFD, 0, "up", &st));

  // Creating things outside.
  printf("mkdir ../x: %d\n", __wasi_path_create_directory(DIRFD, "../x"));
  printf("mkdir up/x: %d\n", __wasi_path_create_directory(DIRFD, "up/x"));
  __wasi_fd_t fd;
  printf("create ../new.txt: %d\n", __wasi_path_open(DIRFD, 0, "../new.txt", __WASI_OFLAGS_CREAT, R, R, 0, &fd));
  printf("create abs/new.txt: %d\n", __wasi_path_open(DIRFD, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "abs/new.txt", __WASI_OFLAGS_CREAT, R, R, 0, &fd));
  printf("rename to ..: %d\n", __wasi_path_rename(DIRFD, "top.txt", DIRFD, "../stolen.txt"));
  printf("rename from ..: %d\n", __wasi_path_rename(DIRFD, "../outside.txt", DIRFD, "got.txt"));
  printf("link from ..: %d\n", __wasi_path_link(DIRFD, 0, "../outside.txt", DIRFD, "got.txt"));
  printf("link through up: %d\n", __wasi_path_link(DIRFD, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "upfile", DIRFD, "got.txt"));
  printf("unlink ../outside.txt: %d\n", __wasi_path_unlink_file(DIRFD, "../outside.txt"));
  printf("unlink up/outside.txt: %d\n", __wasi_path_unlink_file(DIRFD, "up/outside.txt"));
  printf("rmdir ..: %d\n", __wasi_path_remove_directory(DIRFD, ".."));
  printf("set_times ..: %d\n", __wasi_path_filestat_set_times(DIRFD, 0, "../outside.txt", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
  char buf[64];
  __wasi_size_t n;
  printf("readlink ../x: %d\n", __wasi_path_readlink(DIRFD, "../outside.txt", (uint8_t *)buf, sizeof buf, &n));
  printf("symlink abs target: %d\n", __wasi_path_symlink("/etc/passwd", DIRFD, "evil1"));
  printf("symlink .. target: %d\n", __wasi_path_symlink("../outside.txt", DIRFD, "evil2"));
  printf("symlink at ..: %d\n", __wasi_path_symlink("top.txt", DIRFD, "../evil3"));

  // Rights.
  __wasi_fd_t ro;
  printf("open read-only: %d\n", __wasi_path_open(DIRFD, 0, "top.txt", 0, __WASI_RIGHTS_FD_READ, 0, 0, &ro));
  __wasi_ciovec_t civ = {(const uint8_t *)"x", 1};
  printf("write to read-only: %d\n", __wasi_fd_write(ro, &civ, 1, &n));
  __wasi_filesize_t off;
  printf("seek without right: %d\n", __wasi_fd_seek(ro, 0, __WASI_WHENCE_SET, &off));
  printf("set_size without right: %d\n", __wasi_fd_filestat_set_size(ro, 0));
  printf("path op on a file: %d\n", __wasi_path_create_directory(ro, "x"));
  (void)__wasi_fd_close(ro);
  __wasi_fd_t sub;
  printf("open sub without create: %d\n", __wasi_path_open(DIRFD, 0, "sub", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_FD_READDIR, __WASI_RIGHTS_FD_READ, 0, &sub));
  printf("mkdir via sub: %d\n", __wasi_path_create_directory(sub, "x"));
  printf("open via sub: %d\n", __wasi_path_open(sub, 0, "data.txt", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd));
  (void)__wasi_fd_close(fd);
  printf("open via sub too many rights: %d\n", __wasi_path_open(sub, 0, "data.txt", 0, __WASI_RIGHTS_FD_WRITE, 0, 0, &fd));
  printf("escape via sub: %d\n", __wasi_path_open(sub, 0, "../../outside.txt", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd));
  printf("up via sub: %d\n", __wasi_path_open(sub, 0, "../top.txt", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd));
  (void)__wasi_fd_close(fd);
  printf("bad fd: %d\n", __wasi_path_create_directory(42, "x"));

  // Bad pointers.
  __wasi_ciovec_t bad = {(const uint8_t *)0x7ffffff0, 100};
  printf("write bad iovec buffer: %d\n", __wasi_fd_write(1, &bad, 1, &n));
  printf("write bad iovec array: %d\n", __wasi_fd_write(1, (const __wasi_ciovec_t *)0x7ffffff0, 1, &n));
  printf("write bad result pointer: %d\n", __wasi_fd_write(1, &civ, 0, (__wasi_size_t *)0x7ffffffc));
  printf("random_get bad buffer: %d\n", __wasi_random_get((uint8_t *)0x7fffff00, 0x1000));
  printf("args_get bad: %d\n", __wasi_args_get((uint8_t **)0x7ffffff0, (uint8_t *)0x7ffffff0));
  printf("clock bad: %d\n", __wasi_clock_time_get(0, 1, (__wasi_timestamp_t *)0x7ffffffc));
  return 0;
}
