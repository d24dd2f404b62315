import assert from "node:assert/strict";
import { Runtime } from "../../mod.ts";
import { stackHighWater } from "../../src/debug/checkpoint.ts";

// The value stack's high-water mark (found by halving with native compares) against a byte
// scan from the top (the oracle), on stacks with a few non-zero bytes at random places:
// none, near the bottom, near the top, at the very ends and around the halving points.

Deno.test("stackHighWater finds the last non-zero byte", () => {
  const m = new Runtime().machine;
  const u8 = m.u8;
  const scan = () => {
    let i = u8.length - 1;
    while (i >= 0 && u8[i] === 0) i--;
    return i + 1;
  };
  let x = 7;
  const rnd = () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const places = [0, 1, 4095, 4096, u8.length / 2 - 1, u8.length / 2, u8.length - 1];
  for (let k = 0; k < 200; k++) {
    u8.fill(0);
    if (k < places.length) u8[places[k]] = 1;
    else {
      for (let j = Math.floor(rnd() * 4); j > 0; j--) {
        u8[Math.floor(rnd() ** 3 * u8.length)] = 1 + Math.floor(rnd() * 255);
      }
    }
    assert.equal(stackHighWater(m), scan(), `case ${k}`);
  }
  u8.fill(0);
});
