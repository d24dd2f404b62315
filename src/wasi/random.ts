/**
 * Random bytes for `random_get`: the host's cryptographic generator, or in deterministic mode
 * xoshiro128** seeded through splitmix32, whose four 32-bit words of state live in the WASI
 * state (`state.rng`), so that a restored run continues the same sequence.
 *
 * @module
 */

/** The initial xoshiro128** state for `seed` (any number; its low 32 bits are used). */
export function seedRng(seed: number): number[] {
  let x = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < 4; i++) {
    // splitmix32
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    out.push((z ^ (z >>> 16)) >>> 0);
  }
  if (out.reduce((a, w) => a | w, 0) === 0) out[0] = 1;
  return out;
}

/** The next 32-bit output of xoshiro128**; advances `s` (four u32) in place. */
export function nextU32(s: number[]): number {
  const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
  const t = (s[1] << 9) >>> 0;
  s[2] = (s[2] ^ s[0]) >>> 0;
  s[3] = (s[3] ^ s[1]) >>> 0;
  s[1] = (s[1] ^ s[2]) >>> 0;
  s[0] = (s[0] ^ s[3]) >>> 0;
  s[2] = (s[2] ^ t) >>> 0;
  s[3] = rotl(s[3], 11);
  return result;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Fills `out` from the generator state `s` (deterministic) or the host's generator (null). */
export function fillRandom(s: number[] | null, out: Uint8Array): void {
  if (s === null) {
    for (let i = 0; i < out.length; i += 65536) {
      crypto.getRandomValues(out.subarray(i, Math.min(out.length, i + 65536)));
    }
    return;
  }
  for (let i = 0; i < out.length; i += 4) {
    const w = nextU32(s);
    for (let k = 0; k < 4 && i + k < out.length; k++) out[i + k] = (w >>> (8 * k)) & 0xff;
  }
}
