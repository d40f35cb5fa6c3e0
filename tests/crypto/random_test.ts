import { test } from "node:test";
import assert from "node:assert/strict";
import { fillRandom, randomBytes } from "../../src/crypto/mod.ts";

test("randomBytes() returns a new Uint8Array of the requested length", () => {
  for (const length of [0, 1, 16, 4096]) {
    const bytes = randomBytes(length);
    assert.ok(bytes instanceof Uint8Array);
    assert.equal(bytes.length, length);
  }
});

test("randomBytes() returns different bytes on each call", () => {
  // Two equal 16-byte draws happen with probability 2^-128.
  assert.notDeepEqual(randomBytes(16), randomBytes(16));
});

test("randomBytes() fills lengths above the 65536-byte getRandomValues() limit", () => {
  const length = 65536 * 3 + 100;
  const bytes = randomBytes(length);
  assert.equal(bytes.length, length);
  // Every chunk, including the short last one, must have been filled: a
  // 100-byte run of zeros is practically impossible for random bytes.
  for (const start of [0, 65536, 131072, 196608]) {
    const chunk = bytes.subarray(start, start + 100);
    assert.ok(chunk.some((byte) => byte !== 0), `chunk at ${start} looks unfilled`);
  }
});

test("randomBytes() rejects negative, fractional and non-finite lengths with RangeError", () => {
  for (const length of [-1, 1.5, Number.NaN, Infinity, 2 ** 53]) {
    assert.throws(() => randomBytes(length), RangeError, String(length));
  }
  assert.throws(() => randomBytes(-1), /non-negative integer/);
});

test("fillRandom() fills the given view in place and returns it", () => {
  const packet = new Uint8Array(20);
  const authenticator = packet.subarray(4, 20);
  assert.equal(fillRandom(authenticator), authenticator);
  assert.deepEqual([...packet.subarray(0, 4)], [0, 0, 0, 0]);
  assert.ok(authenticator.some((byte) => byte !== 0));
});

test("fillRandom() fills a view larger than 65536 bytes completely", () => {
  const target = new Uint8Array(70000);
  fillRandom(target);
  assert.ok(target.subarray(65536).some((byte) => byte !== 0));
});

test("fillRandom() rejects a non-Uint8Array with TypeError", () => {
  assert.throws(() => fillRandom([0, 0] as unknown as Uint8Array), TypeError);
});
