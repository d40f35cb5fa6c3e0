import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { Md4, md4 } from "../../src/crypto/mod.ts";
import { needs } from "../_peers.ts";

const text = new TextEncoder();
const hex = (bytes: Uint8Array): string =>
  Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");

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

// RFC 1320 appendix A.5, "Test suite".
const rfc1320: ReadonlyArray<readonly [string, string]> = [
  ["", "31d6cfe0d16ae931b73c59d7e0c089c0"],
  ["a", "bde52cb31de33e46245e05fbdbd6fb24"],
  ["abc", "a448017aaf21d8525fc10ae87aa6729d"],
  ["message digest", "d9130a8164549fe818874806e1c7014b"],
  ["abcdefghijklmnopqrstuvwxyz", "d79e1c308aa5bbcdeea8ed63df412da9"],
  [
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
    "043f8582f241db351ce627e153e7f0e4",
  ],
  [
    "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
    "e33b4ddc9c38f2199c3e7b164fcc0536",
  ],
];

for (const [message, digest] of rfc1320) {
  test(`md4() and Md4 match RFC 1320 A.5 ${JSON.stringify(message)}`, () => {
    const data = text.encode(message);
    assert.equal(hex(md4(data)), digest);
    const hash = new Md4();
    for (let i = 0; i < data.length; i++) hash.update(data, i, i + 1);
    assert.equal(hex(hash.digest()), digest);
  });
}

test("md4() matches OpenSSL's MD4 for lengths 0..1100 and around the in-place threshold", {
  ...needs("openssl"),
}, (t) => {
  const lengths = [...Array(1101).keys(), 2047, 2048, 2049, 4096 + 13, 70000];
  const source = bytes(70000 + 3, 5);
  const dir = mkdtempSync(join(tmpdir(), "radkit-md4-"));
  try {
    const files = lengths.map((length) => {
      const file = join(dir, String(length));
      writeFileSync(file, source.subarray(3, 3 + length));
      return file;
    });
    let output: string;
    try {
      // OpenSSL 3 keeps MD4 in its legacy provider.
      output = execFileSync(
        "openssl",
        ["dgst", "-md4", "-r", "-provider", "legacy", "-provider", "default", ...files],
        { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
      );
    } catch {
      t.skip("this OpenSSL has no legacy provider (MD4)");
      return;
    }
    const digests = output.trim().split("\n").map((line) => line.split(" ")[0]);
    assert.equal(digests.length, lengths.length);
    lengths.forEach((length, i) => {
      // byteOffset 3: unaligned input must not matter.
      assert.equal(hex(md4(source.subarray(3, 3 + length))), digests[i], `length ${length}`);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("Md4 fed in random chunks equals md4() of the whole (fast-check)", () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 3000 }),
      fc.array(fc.nat({ max: 3000 }), { maxLength: 12 }),
      (data, cuts) => {
        const points = [0, ...cuts.map((cut) => cut % (data.length + 1)).sort((x, y) => x - y)];
        points.push(data.length);
        const hash = new Md4();
        for (let i = 1; i < points.length; i++) hash.update(data, points[i - 1], points[i]);
        assert.equal(hex(hash.digest()), hex(md4(data)));
      },
    ),
    { numRuns: 200 },
  );
});

test("Md4.digest() throws on a second call until reset(); reset() discards input", () => {
  const hash = new Md4().update(text.encode("abc"));
  assert.equal(hex(hash.digest()), "a448017aaf21d8525fc10ae87aa6729d");
  assert.throws(() => hash.digest(), TypeError);
  assert.throws(() => hash.update(text.encode("d")), TypeError);
  hash.reset().update(bytes(100)).reset().update(text.encode("a"));
  assert.equal(hex(hash.digest()), "bde52cb31de33e46245e05fbdbd6fb24");
});

test("md4() and Md4.digest() write into a given buffer at an offset", () => {
  const out = new Uint8Array(20).fill(0xee);
  assert.equal(md4(text.encode("abc"), out, 2), out);
  assert.equal(hex(out), "eeee" + "a448017aaf21d8525fc10ae87aa6729d" + "eeee");
  const into = new Uint8Array(16);
  assert.equal(new Md4().update(text.encode("a")).digest(into), into);
  assert.equal(hex(into), "bde52cb31de33e46245e05fbdbd6fb24");
});

test("md4() and Md4 refuse bad arguments with a message that says what to pass", () => {
  const notBytes = "abc" as unknown as Uint8Array;
  assert.throws(() => md4(notBytes), /TextEncoder/);
  assert.throws(() => new Md4().update(notBytes), TypeError);
  assert.throws(() => md4(new Uint8Array(1), new Uint8Array(15)), /at least 16 bytes/);
  assert.throws(() => md4(new Uint8Array(1), new Uint8Array(20), 5), /offset from 0 to 4/);
  assert.throws(() => new Md4().update(new Uint8Array(4), 3, 5), RangeError);
  const hash = new Md4();
  assert.throws(() => hash.digest(new Uint8Array(8)), RangeError);
  // A refused digest() leaves the hash usable.
  assert.equal(hex(hash.digest()), "31d6cfe0d16ae931b73c59d7e0c089c0");
});
