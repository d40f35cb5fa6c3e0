import { test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import fc from "fast-check";
import { Md5, md5, md5Concat } from "../../src/crypto/mod.ts";

const text = new TextEncoder();
const hex = (bytes: Uint8Array): string =>
  Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
const nodeMd5 = (data: Uint8Array): string => createHash("md5").update(data).digest("hex");

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

// RFC 1321 appendix A.5, "Test suite".
const rfc1321: ReadonlyArray<readonly [string, string]> = [
  ["", "d41d8cd98f00b204e9800998ecf8427e"],
  ["a", "0cc175b9c0f1b6a831c399e269772661"],
  ["abc", "900150983cd24fb0d6963f7d28e17f72"],
  ["message digest", "f96b697d7cb7938d525a2f31aaf161d0"],
  ["abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"],
  [
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
    "d174ab98d277d9f5a5611c2c9f419d9f",
  ],
  [
    "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
    "57edf4a22be3c955ac49da2e2107b67a",
  ],
];

for (const [message, digest] of rfc1321) {
  test(`md5() matches RFC 1321 A.5 ${JSON.stringify(message)}`, () => {
    assert.equal(hex(md5(text.encode(message))), digest);
  });

  test(`Md5 and md5Concat() match RFC 1321 A.5 ${JSON.stringify(message)}`, () => {
    const data = text.encode(message);
    const hash = new Md5();
    for (const byte of data) hash.update(new Uint8Array([byte]));
    assert.equal(hex(hash.digest()), digest);
    const middle = data.length >> 1;
    assert.equal(hex(md5Concat([data.subarray(0, middle), data.subarray(middle)])), digest);
  });
}

test("md5() matches node:crypto for every length 0..2048, aligned and unaligned", () => {
  const source = bytes(2048 + 3);
  for (let length = 0; length <= 2048; length++) {
    const aligned = source.subarray(0, length);
    assert.equal(hex(md5(aligned)), nodeMd5(aligned), `length ${length}`);
    // A byteOffset that is not a multiple of 4 must not matter.
    const unaligned = source.subarray(3, 3 + length);
    assert.equal(hex(md5(unaligned)), nodeMd5(unaligned), `length ${length} at byteOffset 3`);
  }
});

test("Md5 matches node:crypto for every length 0..2048 fed in uneven chunks", () => {
  const source = bytes(2048, 7);
  const hash = new Md5();
  for (let length = 0; length <= 2048; length++) {
    const data = source.subarray(0, length);
    hash.reset();
    // Chunk sizes cycle through 1..67 so chunks straddle block boundaries.
    for (let start = 0, step = 1; start < length; start += step, step = (step % 67) + 1) {
      hash.update(data.subarray(start, start + step));
    }
    assert.equal(hex(hash.digest()), nodeMd5(data), `length ${length}`);
  }
});

test("md5Concat() matches node:crypto for every length 0..2048 split in three", () => {
  const source = bytes(2048, 11);
  for (let length = 0; length <= 2048; length++) {
    const data = source.subarray(0, length);
    const a = length % 23;
    const b = Math.min(length, a + (length >> 1));
    const parts = [data.subarray(0, a), data.subarray(a, b), data.subarray(b)];
    assert.equal(hex(md5Concat(parts)), nodeMd5(data), `length ${length}`);
  }
});

test("Md5 and md5Concat() match node:crypto for random chunkings (fast-check)", () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 3000 }),
      fc.array(fc.nat({ max: 3000 }), { maxLength: 12 }),
      (data, cuts) => {
        const points = [0, ...cuts.map((cut) => cut % (data.length + 1)).sort((x, y) => x - y)];
        points.push(data.length);
        const parts = points.slice(1).map((end, i) => data.subarray(points[i]!, end));
        const expected = nodeMd5(data);
        const hash = new Md5();
        for (const part of parts) hash.update(part);
        assert.equal(hex(hash.digest()), expected);
        assert.equal(hex(md5Concat(parts)), expected);
        assert.equal(hex(md5(data)), expected);
      },
    ),
    { numRuns: 300 },
  );
});

test("Md5 encodes message lengths of 2^32 bits and more (RFC 1321 §3.2 high word)", () => {
  // 2^29 + 3 bytes is just over 2^32 bits, so the length's high word is 1.
  const chunk = bytes(1 << 20, 3);
  const ours = new Md5();
  const theirs = createHash("md5");
  for (let i = 0; i < 512; i++) {
    ours.update(chunk);
    theirs.update(chunk);
  }
  const tail = chunk.subarray(0, 3);
  assert.equal(hex(ours.update(tail).digest()), theirs.update(tail).digest("hex"));
});

test("Md5.digest() throws on a second call until reset()", () => {
  const hash = new Md5().update(text.encode("abc"));
  assert.equal(hex(hash.digest()), "900150983cd24fb0d6963f7d28e17f72");
  assert.throws(() => hash.digest(), TypeError);
  assert.throws(() => hash.update(text.encode("d")), TypeError);
  hash.reset();
  assert.equal(hex(hash.digest()), "d41d8cd98f00b204e9800998ecf8427e");
});

test("Md5.reset() discards input given before it", () => {
  const hash = new Md5().update(bytes(100));
  hash.reset().update(text.encode("a"));
  assert.equal(hex(hash.digest()), "0cc175b9c0f1b6a831c399e269772661");
  hash.reset().update(text.encode("message ")).update(text.encode("digest"));
  assert.equal(hex(hash.digest()), "f96b697d7cb7938d525a2f31aaf161d0");
});

test("Md5.copyFrom() and clone() continue from the same state independently", () => {
  const data = bytes(200, 5);
  const prefix = new Md5().update(data.subarray(0, 70));
  const fork = prefix.clone();
  const copy = new Md5().update(text.encode("discarded")).copyFrom(prefix);
  fork.update(data.subarray(70));
  copy.update(data.subarray(70));
  assert.equal(hex(fork.digest()), nodeMd5(data));
  assert.equal(hex(copy.digest()), nodeMd5(data));
  // The source was not changed by either.
  assert.equal(hex(prefix.digest()), nodeMd5(data.subarray(0, 70)));
  assert.equal(prefix.copyFrom(prefix), prefix);
});

test("md5() with into writes the digest at offset, returns into and leaves other bytes", () => {
  const data = text.encode("abc");
  const packet = new Uint8Array(24).fill(0xee);
  assert.equal(md5(data, packet, 4), packet);
  assert.equal(hex(packet.subarray(4, 20)), "900150983cd24fb0d6963f7d28e17f72");
  assert.deepEqual([...packet.subarray(0, 4), ...packet.subarray(20)], Array(8).fill(0xee));
  assert.equal(
    hex(md5Concat([data], packet, 8).subarray(8, 24)),
    "900150983cd24fb0d6963f7d28e17f72",
  );
  const into = new Uint8Array(16);
  assert.equal(new Md5().update(data).digest(into), into);
  assert.equal(hex(into), "900150983cd24fb0d6963f7d28e17f72");
});

test("md5() with into may overwrite its own input", () => {
  const packet = bytes(100, 9);
  const expected = nodeMd5(packet);
  md5(packet, packet, 4);
  assert.equal(hex(packet.subarray(4, 20)), expected);
});

test("md5(), md5Concat() and Md5 reject a digest that does not fit with RangeError", () => {
  const data = new Uint8Array(3);
  assert.throws(() => md5(data, new Uint8Array(15)), RangeError);
  assert.throws(() => md5(data, new Uint8Array(20), 5), RangeError);
  assert.throws(() => md5(data, new Uint8Array(20), -1), RangeError);
  assert.throws(() => md5(data, new Uint8Array(20), 1.5), RangeError);
  assert.throws(() => md5Concat([data], new Uint8Array(16), 1), RangeError);
  const hash = new Md5().update(data);
  assert.throws(() => hash.digest(new Uint8Array(8)), /offset/);
  // A failed digest() leaves the hash usable.
  assert.equal(hex(hash.digest()), nodeMd5(data));
});

test("md5(), md5Concat() and Md5.update() reject non-Uint8Array input with TypeError", () => {
  const notBytes = "abc" as unknown as Uint8Array;
  assert.throws(() => md5(notBytes), TypeError);
  assert.throws(() => md5Concat([new Uint8Array(1), notBytes]), TypeError);
  assert.throws(() => new Md5().update(notBytes), /TextEncoder/);
  assert.throws(() => md5(new Uint8Array(1), [] as unknown as Uint8Array), TypeError);
});

test("md5() accepts Node Buffers and views of larger buffers", () => {
  const data = bytes(300, 13);
  const view = new Uint8Array(data.buffer, 5, 200);
  assert.equal(hex(md5(view)), nodeMd5(view));
  assert.equal(hex(md5(Buffer.from(data))), nodeMd5(data));
});
