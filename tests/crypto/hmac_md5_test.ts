import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import fc from "fast-check";
import { HmacMd5, hmacMd5 } from "../../src/crypto/mod.ts";

const text = new TextEncoder();
const hex = (bytes: Uint8Array): string =>
  Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
const nodeHmac = (key: Uint8Array, data: Uint8Array): string =>
  createHmac("md5", key).update(data).digest("hex");
const filled = (length: number, byte: number): Uint8Array => new Uint8Array(length).fill(byte);

function bytes(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) | 0;
    out[i] = state >>> 24;
  }
  return out;
}

// RFC 2202 §2, "Test Cases for HMAC-MD5".
const rfc2202: ReadonlyArray<
  {
    readonly name: string;
    readonly key: Uint8Array;
    readonly data: Uint8Array;
    readonly mac: string;
  }
> = [
  {
    name: "test case 1 (16-byte 0x0b key)",
    key: filled(16, 0x0b),
    data: text.encode("Hi There"),
    mac: "9294727a3638bb1c13f48ef8158bfc9d",
  },
  {
    name: 'test case 2 (key "Jefe")',
    key: text.encode("Jefe"),
    data: text.encode("what do ya want for nothing?"),
    mac: "750c783e6ab0b503eaa86e310a5db738",
  },
  {
    name: "test case 3 (0xaa key, 50 bytes of 0xdd)",
    key: filled(16, 0xaa),
    data: filled(50, 0xdd),
    mac: "56be34521d144c88dbb8c733f0e8b3f6",
  },
  {
    name: "test case 4 (25-byte key 0x01..0x19, 50 bytes of 0xcd)",
    key: Uint8Array.from({ length: 25 }, (_, i) => i + 1),
    data: filled(50, 0xcd),
    mac: "697eaf0aca3a3aea3a75164746ffaa79",
  },
  {
    name: "test case 5 (0x0c key, truncation text)",
    key: filled(16, 0x0c),
    data: text.encode("Test With Truncation"),
    mac: "56461ef2342edc00f9bab995690efd4c",
  },
  {
    name: "test case 6 (80-byte 0xaa key, hashed first)",
    key: filled(80, 0xaa),
    data: text.encode("Test Using Larger Than Block-Size Key - Hash Key First"),
    mac: "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd",
  },
  {
    name: "test case 7 (80-byte 0xaa key, 73-byte data)",
    key: filled(80, 0xaa),
    data: text.encode(
      "Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data",
    ),
    mac: "6f630fad67cda0ee1fb1f562db3aa53e",
  },
];

for (const { name, key, data, mac } of rfc2202) {
  test(`hmacMd5() matches RFC 2202 §2 ${name}`, () => {
    assert.equal(hex(hmacMd5(key, data)), mac);
  });

  test(`HmacMd5 matches RFC 2202 §2 ${name}, twice with reset()`, () => {
    const hmac = new HmacMd5(key);
    for (const byte of data) hmac.update(new Uint8Array([byte]));
    assert.equal(hex(hmac.digest()), mac);
    assert.equal(hex(hmac.reset().update(data).digest()), mac);
  });
}

test("RFC 2202 test case 5 truncated to 96 bits is 56461ef2342edc00f9bab995", () => {
  const mac = hmacMd5(filled(16, 0x0c), text.encode("Test With Truncation"));
  assert.equal(hex(mac.subarray(0, 12)), "56461ef2342edc00f9bab995");
});

test("hmacMd5() and HmacMd5 match node:crypto for every message length 0..2048", () => {
  const source = bytes(2048 + 1, 3);
  const key = text.encode("testing123");
  const hmac = new HmacMd5(key);
  for (let length = 0; length <= 2048; length++) {
    const data = source.subarray(1, 1 + length);
    const expected = nodeHmac(key, data);
    assert.equal(hex(hmacMd5(key, data)), expected, `one-shot, length ${length}`);
    hmac.reset();
    for (let start = 0, step = 1; start < length; start += step, step = (step % 61) + 1) {
      hmac.update(data.subarray(start, start + step));
    }
    assert.equal(hex(hmac.digest()), expected, `incremental, length ${length}`);
  }
});

test("hmacMd5() matches node:crypto for every key length 0..200", () => {
  const source = bytes(200, 17);
  const data = text.encode("Message-Authenticator");
  for (let length = 0; length <= 200; length++) {
    const key = source.subarray(0, length);
    assert.equal(hex(hmacMd5(key, data)), nodeHmac(key, data), `key length ${length}`);
    assert.equal(hex(new HmacMd5(key).update(data).digest()), nodeHmac(key, data));
  }
});

test("hmacMd5() and HmacMd5 match node:crypto for random keys and chunkings (fast-check)", () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 200 }),
      fc.uint8Array({ maxLength: 2000 }),
      fc.array(fc.nat({ max: 2000 }), { maxLength: 8 }),
      (key, data, cuts) => {
        const expected = nodeHmac(key, data);
        assert.equal(hex(hmacMd5(key, data)), expected);
        const points = [0, ...cuts.map((cut) => cut % (data.length + 1)).sort((x, y) => x - y)];
        points.push(data.length);
        const hmac = new HmacMd5(key);
        for (let i = 1; i < points.length; i++) {
          hmac.update(data.subarray(points[i - 1]!, points[i]!));
        }
        assert.equal(hex(hmac.digest()), expected);
        assert.equal(hex(hmac.reset().update(data).digest()), expected);
      },
    ),
    { numRuns: 300 },
  );
});

test("HmacMd5.digest() throws on a second call and update() after it, until reset()", () => {
  const hmac = new HmacMd5(text.encode("Jefe"));
  hmac.update(text.encode("what do ya want "));
  hmac.update(text.encode("for nothing?"));
  assert.equal(hex(hmac.digest()), "750c783e6ab0b503eaa86e310a5db738");
  assert.throws(() => hmac.digest(), TypeError);
  assert.throws(() => hmac.update(new Uint8Array(1)), /reset\(\)/);
  hmac.reset();
  assert.equal(hex(hmac.digest()), nodeHmac(text.encode("Jefe"), new Uint8Array(0)));
});

test("HmacMd5.reset() discards input given before it", () => {
  const key = text.encode("Jefe");
  const hmac = new HmacMd5(key).update(bytes(100));
  hmac.reset().update(text.encode("what do ya want for nothing?"));
  assert.equal(hex(hmac.digest()), "750c783e6ab0b503eaa86e310a5db738");
});

test("HmacMd5 is not affected by later changes to its key array", () => {
  const key = text.encode("Jefe");
  const hmac = new HmacMd5(key);
  key.fill(0);
  hmac.update(text.encode("what do ya want for nothing?"));
  assert.equal(hex(hmac.digest()), "750c783e6ab0b503eaa86e310a5db738");
});

test("hmacMd5() and HmacMd5 leave key and message unchanged", () => {
  const key = bytes(80, 2);
  const data = bytes(100, 4);
  const keyCopy = key.slice();
  const dataCopy = data.slice();
  hmacMd5(key, data);
  new HmacMd5(key).update(data).digest();
  assert.deepEqual(key, keyCopy);
  assert.deepEqual(data, dataCopy);
});

test("hmacMd5() and HmacMd5.digest() with into write the MAC at offset and return into", () => {
  const key = text.encode("Jefe");
  const data = text.encode("what do ya want for nothing?");
  const packet = new Uint8Array(40).fill(0xee);
  assert.equal(hmacMd5(key, data, packet, 2), packet);
  assert.equal(hex(packet.subarray(2, 18)), "750c783e6ab0b503eaa86e310a5db738");
  assert.equal(new HmacMd5(key).update(data).digest(packet, 22), packet);
  assert.equal(hex(packet.subarray(22, 38)), "750c783e6ab0b503eaa86e310a5db738");
  assert.deepEqual([packet[0], packet[1], packet[18], packet[38], packet[39]], Array(5).fill(0xee));
});

test("hmacMd5() and HmacMd5 reject bad arguments with TypeError and RangeError", () => {
  const notBytes = "secret" as unknown as Uint8Array;
  assert.throws(() => hmacMd5(notBytes, new Uint8Array(1)), TypeError);
  assert.throws(() => hmacMd5(new Uint8Array(1), notBytes), TypeError);
  assert.throws(() => new HmacMd5(notBytes), TypeError);
  assert.throws(
    () => hmacMd5(new Uint8Array(1), new Uint8Array(1), new Uint8Array(10)),
    RangeError,
  );
  const hmac = new HmacMd5(new Uint8Array(1)).update(new Uint8Array(1));
  assert.throws(() => hmac.digest(new Uint8Array(16), 1), RangeError);
  // A rejected digest() leaves the MAC usable.
  assert.equal(hex(hmac.digest()), nodeHmac(new Uint8Array(1), new Uint8Array(1)));
});
