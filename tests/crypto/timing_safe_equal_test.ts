import { test } from "node:test";
import assert from "node:assert/strict";
import { timingSafeEqual } from "../../src/crypto/mod.ts";

test("timingSafeEqual() returns true for equal contents", () => {
  assert.equal(timingSafeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3])), true);
  const a = Uint8Array.from({ length: 300 }, (_, i) => i);
  assert.equal(timingSafeEqual(a, a.slice()), true);
  assert.equal(timingSafeEqual(a, a), true);
});

test("timingSafeEqual() returns true for two empty arrays", () => {
  assert.equal(timingSafeEqual(new Uint8Array(0), new Uint8Array(0)), true);
});

test("timingSafeEqual() returns false when any single byte differs", () => {
  const a = Uint8Array.from({ length: 16 }, (_, i) => i * 17);
  for (let i = 0; i < a.length; i++) {
    for (const bit of [0x01, 0x80]) {
      const b = a.slice();
      b[i] = b[i]! ^ bit;
      assert.equal(timingSafeEqual(a, b), false, `byte ${i}, bit ${bit}`);
    }
  }
});

test("timingSafeEqual() returns false for different lengths, even with a common prefix", () => {
  assert.equal(timingSafeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 3])), false);
  assert.equal(timingSafeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2])), false);
  assert.equal(timingSafeEqual(new Uint8Array(0), new Uint8Array(1)), false);
});

test("timingSafeEqual() compares views by their own bytes only", () => {
  const buffer = new Uint8Array([9, 1, 2, 3, 9]);
  assert.equal(timingSafeEqual(buffer.subarray(1, 4), new Uint8Array([1, 2, 3])), true);
});

test("timingSafeEqual() rejects non-Uint8Array arguments with TypeError", () => {
  const notBytes = [1, 2] as unknown as Uint8Array;
  assert.throws(() => timingSafeEqual(notBytes, new Uint8Array(2)), TypeError);
  assert.throws(() => timingSafeEqual(new Uint8Array(2), notBytes), TypeError);
});
