/*
 * sha256: i32 bit operations (rotates, shifts, and, xor, not, add) over a buffer. run(n)
 * hashes a 16 KiB buffer with SHA-256 (FIPS 180-4) n times; after each hash the digest is
 * written into the buffer at a moving offset, so every hash depends on the one before. Message
 * words are read big-endian byte by byte, the schedule lives in a 64-word stack array.
 *
 * Returns: i32, the xor of the last digest's eight words. Default n = 800 (13.1 MB hashed).
 * Built by scripts/build_testdata.sh:
 *   clang-19 --target=wasm32 -O2 -ffreestanding -nostdlib -Wl,--no-entry sha256.c -o sha256.wasm
 */
#include "kernel.h"

#define BUFFER_SIZE 16384u

static const u32 K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
    0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
    0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
    0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
    0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
    0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2,
};

static u32 rotr(u32 x, u32 k) { return x >> k | x << (32 - k); }

/* Runs the compression function on one 64-byte block. */
static void compress(u32 state[8], const u8 *block) {
  u32 w[64];
  for (u32 t = 0; t < 16; t++) {
    const u8 *p = block + 4 * t;
    w[t] = (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | (u32)p[3];
  }
  for (u32 t = 16; t < 64; t++) {
    u32 s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ w[t - 15] >> 3;
    u32 s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ w[t - 2] >> 10;
    w[t] = w[t - 16] + s0 + w[t - 7] + s1;
  }
  u32 a = state[0], b = state[1], c = state[2], d = state[3];
  u32 e = state[4], f = state[5], g = state[6], h = state[7];
  for (u32 t = 0; t < 64; t++) {
    u32 t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t];
    u32 t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  state[0] += a;
  state[1] += b;
  state[2] += c;
  state[3] += d;
  state[4] += e;
  state[5] += f;
  state[6] += g;
  state[7] += h;
}

/* Hashes `len` bytes at `data` into `digest` (eight words, the big-endian digest's words). */
static void sha256(const u8 *data, u32 len, u32 digest[8]) {
  digest[0] = 0x6a09e667;
  digest[1] = 0xbb67ae85;
  digest[2] = 0x3c6ef372;
  digest[3] = 0xa54ff53a;
  digest[4] = 0x510e527f;
  digest[5] = 0x9b05688c;
  digest[6] = 0x1f83d9ab;
  digest[7] = 0x5be0cd19;
  u32 done = 0;
  for (; done + 64 <= len; done += 64) compress(digest, data + done);
  u8 tail[128];
  u32 rest = len - done;
  for (u32 i = 0; i < rest; i++) tail[i] = data[done + i];
  tail[rest] = 0x80;
  u32 tail_len = rest + 9 <= 64 ? 64 : 128;
  for (u32 i = rest + 1; i < tail_len - 8; i++) tail[i] = 0;
  u64 bits = (u64)len * 8;
  for (u32 i = 0; i < 8; i++) tail[tail_len - 1 - i] = (u8)(bits >> (8 * i));
  compress(digest, tail);
  if (tail_len == 128) compress(digest, tail + 64);
}

static u8 *buffer;

EXPORT("run") i32 run(i32 n) {
  if (!buffer) buffer = heap_alloc(BUFFER_SIZE);
  u32 seed = 0x9e3779b9u;
  for (u32 i = 0; i < BUFFER_SIZE; i++) {
    seed = seed * 1664525u + 1013904223u;
    buffer[i] = (u8)(seed >> 24);
  }
  u32 digest[8] = {0};
  for (i32 r = 0; r < n; r++) {
    sha256(buffer, BUFFER_SIZE, digest);
    u8 *at = buffer + ((u32)r * 32u) % BUFFER_SIZE;
    for (u32 i = 0; i < 8; i++) {
      at[4 * i] = (u8)(digest[i] >> 24);
      at[4 * i + 1] = (u8)(digest[i] >> 16);
      at[4 * i + 2] = (u8)(digest[i] >> 8);
      at[4 * i + 3] = (u8)digest[i];
    }
  }
  u32 x = 0;
  for (u32 i = 0; i < 8; i++) x ^= digest[i];
  return (i32)x;
}
