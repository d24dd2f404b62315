// WASI test: poll_oneoff (clock subscriptions, file readiness, errors) and the socket
// functions on descriptors that are not sockets.
// Build: scripts/build_testdata.sh wasi   (clang-19 --target=wasm32-wasi -O2)
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

#define DIRFD 3

static __wasi_timestamp_t now(void) {
  __wasi_timestamp_t t = 0;
  (void)__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t);
  return t;
}

int main(void) {
  __wasi_subscription_t subs[3];
  __wasi_event_t evs[3];
  __wasi_size_t n = 0;
  memset(subs, 0, sizeof subs);
  memset(evs, 0, sizeof evs);

  // Sleep 20 ms with a relative clock subscription.
  subs[0].userdata = 7;
  subs[0].u.tag = __WASI_EVENTTYPE_CLOCK;
  subs[0].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  subs[0].u.u.clock.timeout = 20000000;
  __wasi_timestamp_t t0 = now();
  printf("poll clock: %d\n", __wasi_poll_oneoff(subs, evs, 1, &n));
  __wasi_timestamp_t t1 = now();
  printf("events %u userdata %llu error %d type %d slept >= 20ms: %d\n", (unsigned)n,
         (unsigned long long)evs[0].userdata, evs[0].error, evs[0].type, t1 - t0 >= 20000000);

  // Two clocks: the shorter one fires.
  subs[1] = subs[0];
  subs[1].userdata = 8;
  subs[1].u.u.clock.timeout = 1000000;
  subs[0].u.u.clock.timeout = 5000000000ull;
  printf("poll two clocks: %d\n", __wasi_poll_oneoff(subs, evs, 2, &n));
  printf("events %u first userdata %llu\n", (unsigned)n, (unsigned long long)evs[0].userdata);

  // A zero timeout fires at once. (Absolute deadlines are tested in tests/wasi: node:wasi
  // never wakes from one.)
  subs[0].u.u.clock.timeout = 0;
  printf("poll zero timeout: %d events %u\n", __wasi_poll_oneoff(subs, evs, 1, &n), (unsigned)n);

  // A file is ready to read: nbytes is what is left.
  __wasi_fd_t fd;
  __wasi_rights_t r = (__wasi_rights_t)0x0fffffff;
  (void)__wasi_path_open(DIRFD, 0, "p.txt", __WASI_OFLAGS_CREAT, r, r, 0, &fd);
  __wasi_ciovec_t iov = {(const uint8_t *)"0123456789", 10};
  (void)__wasi_fd_write(fd, &iov, 1, &n);
  __wasi_filesize_t off;
  (void)__wasi_fd_seek(fd, 4, __WASI_WHENCE_SET, &off);
  memset(subs, 0, sizeof subs);
  subs[0].userdata = 1;
  subs[0].u.tag = __WASI_EVENTTYPE_FD_READ;
  subs[0].u.u.fd_read.file_descriptor = fd;
  subs[1].userdata = 2;
  subs[1].u.tag = __WASI_EVENTTYPE_CLOCK;
  subs[1].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  subs[1].u.u.clock.timeout = 5000000000ull;
  printf("poll file: %d\n", __wasi_poll_oneoff(subs, evs, 2, &n));
  printf("events %u userdata %llu error %d type %d nbytes %llu\n", (unsigned)n,
         (unsigned long long)evs[0].userdata, evs[0].error, evs[0].type,
         (unsigned long long)evs[0].fd_readwrite.nbytes);
  subs[0].u.tag = __WASI_EVENTTYPE_FD_WRITE;
  printf("poll file write: %d\n", __wasi_poll_oneoff(subs, evs, 1, &n));
  printf("events %u error %d type %d\n", (unsigned)n, evs[0].error, evs[0].type);
  printf("poll nothing: %d\n", __wasi_poll_oneoff(subs, evs, 0, &n));

  // Sockets: these descriptors are not sockets.
  __wasi_fd_t s;
  printf("sock_accept on a dir: %d\n", __wasi_sock_accept(DIRFD, 0, &s));
  printf("sock_accept on a file: %d\n", __wasi_sock_accept(fd, 0, &s));
  __wasi_iovec_t riov = {(uint8_t *)0, 0};
  __wasi_size_t len;
  __wasi_roflags_t ro;
  printf("sock_recv on a file: %d\n", __wasi_sock_recv(fd, &riov, 1, 0, &len, &ro));
  printf("sock_send on a file: %d\n", __wasi_sock_send(fd, &iov, 1, 0, &len));
  printf("sock_shutdown on a file: %d\n", __wasi_sock_shutdown(fd, __WASI_SDFLAGS_RD));
  printf("sock_accept on a bad fd: %d\n", __wasi_sock_accept(77, 0, &s));
  (void)__wasi_fd_close(fd);
  return 0;
}
