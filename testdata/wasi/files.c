// WASI test: files and directories inside the preopened /sandbox (every fd_* and path_*
// function on regular files and directories, and their error cases).
// Build: scripts/build_testdata.sh wasi   (clang-19 --target=wasm32-wasi -O2)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#define DIRFD 3
static void check(const char *what, int err) { printf("%s: %d\n", what, err); }

static int open_at(int dir, const char *path, int oflags, __wasi_rights_t rights, int fdflags,
                   __wasi_fd_t *fd) {
  return __wasi_path_open(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, oflags, rights, rights,
                          fdflags, fd);
}

static int wr(int fd, const char *s, __wasi_size_t *n) {
  __wasi_ciovec_t iov = {(const uint8_t *)s, strlen(s)};
  return __wasi_fd_write(fd, &iov, 1, n);
}

static int rd(int fd, char *buf, size_t len, __wasi_size_t *n) {
  __wasi_iovec_t iov = {(uint8_t *)buf, len};
  int e = __wasi_fd_read(fd, &iov, 1, n);
  if (e == 0) buf[*n] = 0;
  return e;
}

static int cmp(const void *a, const void *b) { return strcmp(*(char **)a, *(char **)b); }

// Lists directory `fd` with a small buffer, following cookies; prints sorted names.
static void list(int fd) {
  char *names[64];
  int count = 0;
  __wasi_dircookie_t cookie = 0;
  uint8_t buf[40];
  for (;;) {
    __wasi_size_t used;
    int e = __wasi_fd_readdir(fd, buf, sizeof buf, cookie, &used);
    if (e) { check("fd_readdir", e); return; }
    if (used < sizeof(__wasi_dirent_t)) break;
    __wasi_dirent_t d;
    memcpy(&d, buf, sizeof d);
    if (sizeof d + d.d_namlen > used) {
      // the entry did not fit: read it again alone with a bigger buffer
      uint8_t big[300];
      e = __wasi_fd_readdir(fd, big, sizeof big, cookie, &used);
      if (e) { check("fd_readdir big", e); return; }
      memcpy(&d, big, sizeof d);
      char *name = strndup((char *)big + sizeof d, d.d_namlen);
      if (strcmp(name, ".") && strcmp(name, "..")) names[count++] = name;
    } else {
      char *name = strndup((char *)buf + sizeof d, d.d_namlen);
      if (strcmp(name, ".") && strcmp(name, "..")) names[count++] = name;
    }
    cookie = d.d_next;
  }
  qsort(names, count, sizeof names[0], cmp);
  printf("listing:");
  for (int i = 0; i < count; i++) printf(" %s", names[i]);
  printf("\n");
}

int main(void) {
  __wasi_prestat_t ps;
  check("fd_prestat_get", __wasi_fd_prestat_get(DIRFD, &ps));
  char pname[64] = {0};
  check("fd_prestat_dir_name", __wasi_fd_prestat_dir_name(DIRFD, (uint8_t *)pname, ps.u.dir.pr_name_len));
  printf("preopen %s (%u)\n", pname, (unsigned)ps.u.dir.pr_name_len);
  check("fd_prestat_get stdout", __wasi_fd_prestat_get(1, &ps));
  check("fd_prestat_get closed", __wasi_fd_prestat_get(99, &ps));

  __wasi_fd_t fd, fd2;
  __wasi_size_t n;
  __wasi_filesize_t off;
  char buf[128];
  __wasi_rights_t all = (__wasi_rights_t)0x0fffffff;
  check("open create", open_at(DIRFD, "f.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, all, 0, &fd));
  check("write", wr(fd, "hello world", &n));
  printf("wrote %u\n", (unsigned)n);
  check("tell", __wasi_fd_tell(fd, &off));
  printf("tell %llu\n", (unsigned long long)off);
  check("seek set", __wasi_fd_seek(fd, 6, __WASI_WHENCE_SET, &off));
  check("read", rd(fd, buf, 64, &n));
  printf("read %u '%s'\n", (unsigned)n, buf);
  check("seek end", __wasi_fd_seek(fd, -5, __WASI_WHENCE_END, &off));
  printf("offset %llu\n", (unsigned long long)off);
  check("seek cur", __wasi_fd_seek(fd, 2, __WASI_WHENCE_CUR, &off));
  printf("offset %llu\n", (unsigned long long)off);
  check("seek negative", __wasi_fd_seek(fd, -100, __WASI_WHENCE_CUR, &off));
  check("seek bad whence", __wasi_fd_seek(fd, 0, 7, &off));
  {
    __wasi_ciovec_t iov = {(const uint8_t *)"HELLO", 5};
    check("pwrite", __wasi_fd_pwrite(fd, &iov, 1, 0, &n));
    __wasi_iovec_t iov2[2] = {{(uint8_t *)buf, 3}, {(uint8_t *)buf + 3, 4}};
    check("pread", __wasi_fd_pread(fd, iov2, 2, 2, &n));
    buf[n] = 0;
    printf("pread %u '%s'\n", (unsigned)n, buf);
    check("tell after pread", __wasi_fd_tell(fd, &off));
    printf("tell %llu\n", (unsigned long long)off);
  }
  __wasi_filestat_t st;
  check("fd_filestat_get", __wasi_fd_filestat_get(fd, &st));
  printf("size %llu type %d nlink %llu\n", (unsigned long long)st.size, st.filetype, (unsigned long long)st.nlink);
  check("set_size", __wasi_fd_filestat_set_size(fd, 5));
  check("allocate", __wasi_fd_allocate(fd, 0, 20));
  __wasi_fd_filestat_get(fd, &st);
  printf("size %llu\n", (unsigned long long)st.size);
  check("allocate smaller", __wasi_fd_allocate(fd, 0, 3));
  __wasi_fd_filestat_get(fd, &st);
  printf("size %llu\n", (unsigned long long)st.size);
  check("advise", __wasi_fd_advise(fd, 0, 10, __WASI_ADVICE_SEQUENTIAL));
  check("sync", __wasi_fd_sync(fd));
  check("datasync", __wasi_fd_datasync(fd));
  check("set_times", __wasi_fd_filestat_set_times(fd, 1000000000000ull, 2000000000000ull,
                                                  __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
  __wasi_fd_filestat_get(fd, &st);
  printf("atim %llu mtim %llu\n", (unsigned long long)(st.atim / 1000000000ull), (unsigned long long)(st.mtim / 1000000000ull));
  check("set_times both", __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW));

  __wasi_fdstat_t fs;
  check("fdstat_get", __wasi_fd_fdstat_get(fd, &fs));
  printf("filetype %d append %d\n", fs.fs_filetype, fs.fs_flags & __WASI_FDFLAGS_APPEND);
  check("set_flags append", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND));
  __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &off);
  check("append write", wr(fd, "END", &n));
  __wasi_fd_filestat_get(fd, &st);
  printf("size %llu\n", (unsigned long long)st.size);
  check("set_flags none", __wasi_fd_fdstat_set_flags(fd, 0));

  check("set_rights", __wasi_fd_fdstat_set_rights(fd, __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK, 0));
  check("read without right", rd(fd, buf, 10, &n));
  check("grow rights", __wasi_fd_fdstat_set_rights(fd, all, 0));

  check("open again", open_at(DIRFD, "f.txt", 0, all, 0, &fd2));
  check("read whole", rd(fd2, buf, 100, &n));
  printf("content %u\n", (unsigned)n);
  check("renumber", __wasi_fd_renumber(fd2, fd));
  check("read renumbered", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &off));
  check("read renumbered", rd(fd, buf, 5, &n));
  printf("got '%s'\n", buf);
  check("close old number", __wasi_fd_close(fd2));
  check("renumber to closed", __wasi_fd_renumber(fd, 77));
  check("close", __wasi_fd_close(fd));
  check("close again", __wasi_fd_close(fd));

  // Directories.
  check("mkdir d", __wasi_path_create_directory(DIRFD, "d"));
  check("mkdir d again", __wasi_path_create_directory(DIRFD, "d"));
  check("mkdir d/e", __wasi_path_create_directory(DIRFD, "d/e"));
  for (int i = 0; i < 5; i++) {
    char name[32];
    snprintf(name, sizeof name, "d/file-with-a-long-name-%d", i);
    check("create", open_at(DIRFD, name, __WASI_OFLAGS_CREAT, all, 0, &fd));
    __wasi_fd_close(fd);
  }
  check("open dir", __wasi_path_open(DIRFD, 0, "d", __WASI_OFLAGS_DIRECTORY, all & ~(__WASI_RIGHTS_FD_WRITE|__WASI_RIGHTS_FD_ALLOCATE|__WASI_RIGHTS_FD_FILESTAT_SET_SIZE|__WASI_RIGHTS_FD_DATASYNC), all, 0, &fd));
  __wasi_fd_fdstat_get(fd, &fs);
  printf("dir filetype %d\n", fs.fs_filetype);
  list(fd);
  check("readdir on file", ({ __wasi_fd_t f3; open_at(DIRFD, "f.txt", 0, all, 0, &f3); __wasi_size_t u; int e = __wasi_fd_readdir(f3, (uint8_t *)buf, 64, 0, &u); __wasi_fd_close(f3); e; }));
  check("read dir", rd(fd, buf, 10, &n));
  check("open file in d via dir fd", open_at(fd, "e/../file-with-a-long-name-1", 0, all, 0, &fd2));
  __wasi_fd_close(fd2);
  check("dir filestat", __wasi_fd_filestat_get(fd, &st));
  printf("dir type %d\n", st.filetype);
  __wasi_fd_close(fd);

  check("open missing", open_at(DIRFD, "missing.txt", 0, all, 0, &fd));
  check("open excl existing", open_at(DIRFD, "f.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, all, 0, &fd));
  check("open file as dir", open_at(DIRFD, "f.txt", __WASI_OFLAGS_DIRECTORY, all, 0, &fd));
  check("open missing parent", open_at(DIRFD, "nope/x.txt", __WASI_OFLAGS_CREAT, all, 0, &fd));
  check("open dir for writing", open_at(DIRFD, "d", 0, all, 0, &fd));
  check("open through file", open_at(DIRFD, "f.txt/x", 0, all, 0, &fd));

  check("rename", __wasi_path_rename(DIRFD, "f.txt", DIRFD, "d/g.txt"));
  check("rename missing", __wasi_path_rename(DIRFD, "f.txt", DIRFD, "h.txt"));
  check("link", __wasi_path_link(DIRFD, 0, "d/g.txt", DIRFD, "h.txt"));
  check("link exists", __wasi_path_link(DIRFD, 0, "d/g.txt", DIRFD, "h.txt"));
  check("path_filestat_get", __wasi_path_filestat_get(DIRFD, 0, "h.txt", &st));
  printf("nlink %llu size %llu type %d\n", (unsigned long long)st.nlink, (unsigned long long)st.size, st.filetype);
  check("symlink", __wasi_path_symlink("d/g.txt", DIRFD, "s"));
  check("symlink exists", __wasi_path_symlink("d/g.txt", DIRFD, "s"));
  check("path_filestat_get nofollow", __wasi_path_filestat_get(DIRFD, 0, "s", &st));
  printf("type %d\n", st.filetype);
  check("path_filestat_get follow", __wasi_path_filestat_get(DIRFD, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "s", &st));
  printf("type %d size %llu\n", st.filetype, (unsigned long long)st.size);
  check("readlink", __wasi_path_readlink(DIRFD, "s", (uint8_t *)buf, sizeof buf, &n));
  buf[n] = 0;
  printf("link '%s' (%u)\n", buf, (unsigned)n);
  check("readlink short", __wasi_path_readlink(DIRFD, "s", (uint8_t *)buf, 3, &n));
  printf("short %u\n", (unsigned)n);
  check("readlink file", __wasi_path_readlink(DIRFD, "h.txt", (uint8_t *)buf, sizeof buf, &n));
  check("open via symlink", open_at(DIRFD, "s", 0, all, 0, &fd));
  check("read via symlink", rd(fd, buf, 100, &n));
  printf("%u bytes\n", (unsigned)n);
  __wasi_fd_close(fd);
  check("open symlink nofollow", __wasi_path_open(DIRFD, 0, "s", 0, all, all, 0, &fd));
  check("path set_times", __wasi_path_filestat_set_times(DIRFD, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "h.txt", 3000000000000ull, 4000000000000ull, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
  __wasi_path_filestat_get(DIRFD, 0, "h.txt", &st);
  printf("atim %llu mtim %llu\n", (unsigned long long)(st.atim / 1000000000ull), (unsigned long long)(st.mtim / 1000000000ull));
  check("path set_times mtime only", __wasi_path_filestat_set_times(DIRFD, 0, "h.txt", 0, 5000000000000ull, __WASI_FSTFLAGS_MTIM));
  __wasi_path_filestat_get(DIRFD, 0, "h.txt", &st);
  printf("atim %llu mtim %llu\n", (unsigned long long)(st.atim / 1000000000ull), (unsigned long long)(st.mtim / 1000000000ull));
  check("path_filestat_get missing", __wasi_path_filestat_get(DIRFD, 0, "zzz", &st));

  check("unlink dir", __wasi_path_unlink_file(DIRFD, "d"));
  check("rmdir nonempty", __wasi_path_remove_directory(DIRFD, "d"));
  check("rmdir file", __wasi_path_remove_directory(DIRFD, "h.txt"));
  check("unlink s", __wasi_path_unlink_file(DIRFD, "s"));
  check("unlink h", __wasi_path_unlink_file(DIRFD, "h.txt"));
  check("unlink h again", __wasi_path_unlink_file(DIRFD, "h.txt"));
  check("rmdir d/e", __wasi_path_remove_directory(DIRFD, "d/e"));
  // libc on top: stdio, opendir, stat.
  FILE *f = fopen("/sandbox/d/g.txt", "r");
  printf("fopen: %s\n", f ? "ok" : "failed");
  if (f) {
    char line[64] = {0};
    fgets(line, sizeof line, f);
    printf("line '%s'\n", line);
    fclose(f);
  }
  f = fopen("/sandbox/new.txt", "w");
  fprintf(f, "%d lines\n", 42);
  fclose(f);
  f = fopen("/sandbox/new.txt", "a+");
  fprintf(f, "more\n");
  fseek(f, 0, SEEK_SET);
  char all_text[64] = {0};
  fread(all_text, 1, sizeof all_text - 1, f);
  fclose(f);
  printf("new.txt: %s", all_text);
  printf("remove: %d\n", remove("/sandbox/new.txt"));
  return 0;
}
