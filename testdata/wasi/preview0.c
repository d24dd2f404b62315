// WASI test: a preview 0 (`wasi_unstable`) program, freestanding (no libc, which speaks only
// preview 1): the layouts that differ from preview 1 (whence numbering, the 56-byte filestat,
// the 56-byte clock subscription) and a few functions that are the same.
// Build: scripts/build_testdata.sh wasi   (clang-19 --target=wasm32-wasi -O2 -nostdlib)
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;

#define IMPORT(name) __attribute__((import_module("wasi_unstable"), import_name(#name)))
IMPORT(fd_write) u16 fd_write(u32 fd, const void *iovs, u32 n, u32 *written);
IMPORT(fd_read) u16 fd_read(u32 fd, const void *iovs, u32 n, u32 *nread);
IMPORT(fd_seek) u16 fd_seek(u32 fd, long long off, u32 whence, u64 *newoff);
IMPORT(fd_close) u16 fd_close(u32 fd);
IMPORT(fd_filestat_get) u16 fd_filestat_get(u32 fd, void *buf);
IMPORT(path_filestat_get) u16 path_filestat_get(u32 fd, u32 flags, const char *path, u32 len, void *buf);
IMPORT(path_open) u16 path_open(u32 fd, u32 dirflags, const char *path, u32 len, u32 oflags,
                                u64 base, u64 inheriting, u32 fdflags, u32 *out);
IMPORT(poll_oneoff) u16 poll_oneoff(const void *in, void *out, u32 n, u32 *nevents);
IMPORT(proc_exit) void proc_exit(u32 code);

static u32 len(const char *s) { u32 n = 0; while (s[n]) n++; return n; }
static void out(const char *s) {
  struct { const char *p; u32 n; } iov = {s, len(s)};
  u32 w;
  fd_write(1, &iov, 1, &w);
}
static void num(const char *label, u64 v) {
  char buf[24];
  int i = 23;
  buf[i] = 0;
  do { buf[--i] = '0' + v % 10; v /= 10; } while (v);
  out(label);
  out(buf + i);
  out("\n");
}

static u8 stat[64];
static u64 u64at(const u8 *p) { u64 v = 0; for (int i = 7; i >= 0; i--) v = v << 8 | p[i]; return v; }
static u32 u32at(const u8 *p) { return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24; }

void _start(void) {
  u32 fd, n;
  u64 off;
  num("path_open: ", path_open(3, 0, "p0.txt", 6, 1 /* creat */, 0x0fffffff, 0x0fffffff, 0, &fd));
  struct { const char *p; u32 n; } iov = {"preview zero", 12};
  num("fd_write: ", fd_write(fd, &iov, 1, &n));
  num("seek END-4 (whence 1): ", fd_seek(fd, -4, 1, &off));
  num("offset ", off);
  num("seek SET 3 (whence 2): ", fd_seek(fd, 3, 2, &off));
  num("offset ", off);
  num("seek CUR+2 (whence 0): ", fd_seek(fd, 2, 0, &off));
  num("offset ", off);
  num("seek whence 3: ", fd_seek(fd, 0, 3, &off));
  char buf[8] = {0};
  struct { char *p; u32 n; } riov = {buf, 4};
  num("fd_read: ", fd_read(fd, &riov, 1, &n));
  out("read '"); out(buf); out("'\n");
  for (int i = 0; i < 64; i++) stat[i] = 0xee;
  num("fd_filestat_get: ", fd_filestat_get(fd, stat));
  num("filetype ", stat[16]);
  num("nlink ", u32at(stat + 20));
  num("size ", u64at(stat + 24));
  num("byte 56 untouched: ", stat[56] == 0xee);
  for (int i = 0; i < 64; i++) stat[i] = 0xee;
  num("path_filestat_get: ", path_filestat_get(3, 0, "p0.txt", 6, stat));
  num("filetype ", stat[16]);
  num("size ", u64at(stat + 24));
  num("fd_close: ", fd_close(fd));

  // A relative clock subscription, preview 0 layout: userdata, tag, identifier, clock id,
  // timeout, precision, flags.
  u8 sub[56] = {0};
  u8 ev[32] = {0};
  sub[0] = 99;                          // userdata
  sub[8] = 0;                           // clock
  sub[24] = 1;                          // monotonic
  u64 timeout = 1000000;                // 1 ms
  for (int i = 0; i < 8; i++) sub[32 + i] = (u8)(timeout >> (8 * i));
  num("poll_oneoff: ", poll_oneoff(sub, ev, 1, &n));
  num("events ", n);
  num("userdata ", u64at(ev));
  num("error ", ev[8]);
  num("type ", ev[10]);
  proc_exit(5);
}
