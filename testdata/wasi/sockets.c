// WASI test: a server on a listening socket handed in at descriptor 3 (no preopened
// directory): polls the listener, accepts one connection, reads a line with sock_recv (peeking
// first), answers with sock_send and fd_write, shuts down, closes. tests/wasi/sockets_test.ts
// is the client.
// Build: scripts/build_testdata.sh wasi   (clang-19 --target=wasm32-wasi -O2)
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

int main(void) {
  __wasi_fdstat_t st;
  printf("fdstat: %d type %d\n", __wasi_fd_fdstat_get(3, &st), st.fs_filetype);
  __wasi_fd_t c;
  __wasi_subscription_t sub;
  __wasi_event_t ev;
  __wasi_size_t n;
  memset(&sub, 0, sizeof sub);
  sub.userdata = 3;
  sub.u.tag = __WASI_EVENTTYPE_FD_READ;
  sub.u.u.fd_read.file_descriptor = 3;
  printf("poll listener: %d events %u type %d\n", __wasi_poll_oneoff(&sub, &ev, 1, &n), (unsigned)n, ev.type);
  printf("accept: %d\n", __wasi_sock_accept(3, 0, &c));
  __wasi_fd_t none;
  printf("accept nonblock (no second client): %d\n", __wasi_sock_accept(3, __WASI_FDFLAGS_NONBLOCK, &none));
  printf("accept bad flags: %d\n", __wasi_sock_accept(3, 1, &c));
  printf("accept on connection: %d\n", __wasi_sock_accept(c, 0, &c));
  char buf[64] = {0};
  __wasi_iovec_t iov = {(uint8_t *)buf, 5};
  __wasi_roflags_t ro;
  printf("recv peek: %d\n", __wasi_sock_recv(c, &iov, 1, __WASI_RIFLAGS_RECV_PEEK, &n, &ro));
  printf("peeked %u '%.*s'\n", (unsigned)n, (int)n, buf);
  iov.buf_len = 11;
  printf("recv waitall: %d\n", __wasi_sock_recv(c, &iov, 1, __WASI_RIFLAGS_RECV_WAITALL, &n, &ro));
  printf("got %u '%.*s'\n", (unsigned)n, (int)n, buf);
  __wasi_ciovec_t out = {(const uint8_t *)"HELLO ", 6};
  printf("send: %d\n", __wasi_sock_send(c, &out, 1, 0, &n));
  printf("sent %u\n", (unsigned)n);
  printf("send bad flags: %d\n", __wasi_sock_send(c, &out, 1, 1, &n));
  out.buf = (const uint8_t *)"CLIENT\n";
  out.buf_len = 7;
  printf("fd_write: %d\n", __wasi_fd_write(c, &out, 1, &n));
  printf("shutdown bad: %d\n", __wasi_sock_shutdown(c, 0));
  printf("shutdown write: %d\n", __wasi_sock_shutdown(c, __WASI_SDFLAGS_WR));
  printf("shutdown listener: %d\n", __wasi_sock_shutdown(3, __WASI_SDFLAGS_WR));
  iov.buf_len = sizeof buf;
  printf("fd_read rest: %d\n", __wasi_fd_read(c, &iov, 1, &n));
  printf("rest %u '%.*s'\n", (unsigned)n, (int)n, buf);
  printf("recv at end: %d\n", __wasi_sock_recv(c, &iov, 1, 0, &n, &ro));
  printf("end %u\n", (unsigned)n);
  printf("recv on listener: %d\n", __wasi_sock_recv(3, &iov, 1, 0, &n, &ro));
  printf("close: %d\n", __wasi_fd_close(c));
  printf("recv closed: %d\n", __wasi_sock_recv(c, &iov, 1, 0, &n, &ro));
  return 0;
}
