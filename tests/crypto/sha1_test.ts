import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fc from "fast-check";
import { Sha1, sha1 } from "../../src/crypto/mod.ts";

const text = new TextEncoder();
const hex = (bytes: Uint8Array): string =>
  Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
const nodeSha1 = (data: Uint8Array): string => createHash("sha1").update(data).digest("hex");

/** Deterministic bytes that are not all alike (a 32-bit LCG). */
function bytes(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) | 0;
    out[i] = state >>> 24;
  }
  return out;
}

// RFC 3174 §7.3 (the FIPS 180 examples): TEST1..TEST4 with their repeat counts.
const rfc3174: ReadonlyArray<readonly [string, number, string]> = [
  ["abc", 1, "a9993e364706816aba3e25717850c26c9cd0d89d"],
  [
    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
    1,
    "84983e441c3bd26ebaae4aa1f95129e5e54670f1",
  ],
  ["a", 1000000, "34aa973cd4c4daa4f61eeb2bdbad27316534016f"],
  [
    "0123456701234567012345670123456701234567012345670123456701234567",
    10,
    "dea356a2cddd90c7a7ecedc5ebb563934f460452",
  ],
];

for (const [message, repeat, digest] of rfc3174) {
  test(`sha1() and Sha1 match RFC 3174 §7.3: ${JSON.stringify(message)} × ${repeat}`, () => {
    const chunk = text.encode(message);
    const whole = new Uint8Array(chunk.length * repeat);
    for (let i = 0; i < repeat; i++) whole.set(chunk, i * chunk.length);
    assert.equal(hex(sha1(whole)), digest);
    const hash = new Sha1();
    for (let i = 0; i < repeat; i++) hash.update(chunk);
    assert.equal(hex(hash.digest()), digest);
  });
}

test('sha1("") is da39a3ee5e6b4b0d3255bfef95601890afd80709 (FIPS 180-4)', () => {
  assert.equal(hex(sha1(new Uint8Array(0))), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
});

test("sha1() matches node:crypto for every length 0..2100, aligned and unaligned", () => {
  const source = bytes(2100 + 3);
  for (let length = 0; length <= 2100; length++) {
    const aligned = source.subarray(0, length);
    assert.equal(hex(sha1(aligned)), nodeSha1(aligned), `length ${length}`);
    const unaligned = source.subarray(3, 3 + length);
    assert.equal(hex(sha1(unaligned)), nodeSha1(unaligned), `length ${length} at byteOffset 3`);
  }
});

test("Sha1 matches node:crypto for random chunkings (fast-check)", () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 3000 }),
      fc.array(fc.nat({ max: 3000 }), { maxLength: 12 }),
      (data, cuts) => {
        const points = [0, ...cuts.map((cut) => cut % (data.length + 1)).sort((x, y) => x - y)];
        points.push(data.length);
        const hash = new Sha1();
        for (let i = 1; i < points.length; i++) hash.update(data, points[i - 1], points[i]);
        assert.equal(hex(hash.digest()), nodeSha1(data));
      },
    ),
    { numRuns: 300 },
  );
});

test("Sha1 encodes message lengths of 2^32 bits and more (FIPS 180-4 §5.1.1 high word)", () => {
  const chunk = bytes(1 << 20, 3);
  const ours = new Sha1();
  const theirs = createHash("sha1");
  for (let i = 0; i < 512; i++) {
    ours.update(chunk);
    theirs.update(chunk);
  }
  const tail = chunk.subarray(0, 3);
  assert.equal(hex(ours.update(tail).digest()), theirs.update(tail).digest("hex"));
});

test("Sha1.digest() throws on a second call until reset(); reset() discards input", () => {
  const hash = new Sha1().update(text.encode("abc"));
  assert.equal(hex(hash.digest()), "a9993e364706816aba3e25717850c26c9cd0d89d");
  assert.throws(() => hash.digest(), TypeError);
  assert.throws(() => hash.update(text.encode("d")), TypeError);
  hash.reset().update(bytes(100)).reset();
  assert.equal(hex(hash.digest()), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
});

test("sha1() and Sha1.digest() write 20 bytes into a given buffer at an offset", () => {
  const out = new Uint8Array(24).fill(0xee);
  assert.equal(sha1(text.encode("abc"), out, 2), out);
  assert.equal(hex(out), "eeee" + "a9993e364706816aba3e25717850c26c9cd0d89d" + "eeee");
  const into = new Uint8Array(20);
  assert.equal(new Sha1().update(text.encode("abc")).digest(into), into);
  assert.equal(hex(into), "a9993e364706816aba3e25717850c26c9cd0d89d");
});

test("sha1() and Sha1 refuse bad arguments with a message that says what to pass", () => {
  const notBytes = "abc" as unknown as Uint8Array;
  assert.throws(() => sha1(notBytes), /TextEncoder/);
  assert.throws(() => new Sha1().update(notBytes), TypeError);
  assert.throws(() => sha1(new Uint8Array(1), new Uint8Array(16)), /at least 20 bytes/);
  assert.throws(() => sha1(new Uint8Array(1), new Uint8Array(24), 5), /offset from 0 to 4/);
  assert.throws(() => new Sha1().update(new Uint8Array(4), 3, 5), RangeError);
  const hash = new Sha1();
  assert.throws(() => hash.digest(new Uint8Array(16)), RangeError);
  assert.equal(hex(hash.digest()), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
});
