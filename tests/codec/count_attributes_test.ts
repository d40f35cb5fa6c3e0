// The attribute-header walk that runs before hashing and decoding, and the
// maxAttributes option of Packet.decode built on it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { countAttributes, countFramed, framingProblem } from "../../src/codec/count_attributes.ts";
import { framedLength, lengthProblem, packetLength } from "../../src/codec/packet_codec.ts";
import { seededRandom } from "../_random.ts";
import { MalformedPacketError } from "../../src/errors.ts";
import { Packet } from "../../src/packet.ts";
import { Code } from "../../src/codec/code.ts";
import { Dictionary } from "../../src/dictionary/dictionary.ts";

const dictionary = Dictionary.default();

/** An Accounting-Request of `count` empty attributes of type 200 (unknown), plus `tail` bytes. */
function emptyAttributes(count: number, tail: number[] = []): Uint8Array {
  const length = 20 + 2 * count + tail.length;
  const packet = new Uint8Array(length);
  packet[0] = Code.AccountingRequest;
  packet[2] = length >> 8;
  packet[3] = length & 0xff;
  for (let i = 0; i < count; i++) packet.set([200, 2], 20 + 2 * i);
  packet.set(tail, 20 + 2 * count);
  return packet;
}

test("countAttributes() counts top-level attributes, not those inside a Vendor-Specific", () => {
  // A Vendor-Specific (vendor 9) holding three sub-attributes, then User-Name.
  const vsa = [26, 14, 0, 0, 0, 9, 1, 3, 97, 1, 3, 98, 2, 2];
  const packet = emptyAttributes(2, [...vsa, 1, 5, 98, 111, 98]);
  assert.equal(countAttributes(packet, packet.length), 4);
  const encoded = Packet.create(Code.AccessRequest, dictionary, { "User-Name": "bob" })
    .encode("s3cret");
  assert.equal(countAttributes(encoded, encoded.length), 2, "Message-Authenticator, User-Name");
  assert.equal(countAttributes(emptyAttributes(0), 20), 0);
  assert.equal(countAttributes(emptyAttributes(2038), 4096), 2038);
});

test("countAttributes() stops at limit + 1 without looking further", () => {
  // Attribute 4 has length 1: only a walk that gets there throws.
  const packet = emptyAttributes(5, [7, 1]);
  assert.equal(countAttributes(packet, packet.length, 3), 4);
  assert.throws(() => countAttributes(packet, packet.length, 5), MalformedPacketError);
});

test("countAttributes() refuses attributes that do not frame", () => {
  const cases: [number[], RegExp][] = [
    [[1], /header is cut off/],
    [[1, 0], /length 0 is below 2/],
    [[1, 1], /length 1 is below 2/],
    [[1, 5, 0], /runs past the packet end/],
  ];
  for (const [tail, message] of cases) {
    const packet = emptyAttributes(3, tail);
    assert.throws(() => countAttributes(packet, packet.length), message);
  }
  // Bytes past the Length field are padding (RFC 2865 §3): not looked at.
  const padded = new Uint8Array([...emptyAttributes(1), 1, 0]);
  assert.equal(countAttributes(padded, 22), 1);
});

test("Packet.decode() with maxAttributes refuses more attributes than that, before decoding", () => {
  const packet = emptyAttributes(201);
  assert.equal(Packet.decode(packet, { dictionary }).attributes().length, 201);
  assert.equal(Packet.decode(packet, { dictionary, maxAttributes: 201 }).attributes().length, 201);
  assert.throws(
    () => Packet.decode(packet, { dictionary, maxAttributes: 200 }),
    (error: unknown) =>
      error instanceof MalformedPacketError &&
      /more than maxAttributes \(200\)/.test(error.message),
  );
});

test("Packet.decode() maxAttributes counts the values inside Vendor-Specific too, and stops there", () => {
  // 16 Vendor-Specific attributes (vendor 9), each with 124 empty
  // sub-attributes: 16 top-level attributes, 1,984 values.
  const vsa = [26, 254, 0, 0, 0, 9];
  for (let i = 0; i < 124; i++) vsa.push(250, 2);
  const packet = emptyAttributes(0, Array.from({ length: 16 }, () => vsa).flat());
  assert.equal(countAttributes(packet, packet.length), 16);
  assert.equal(Packet.decode(packet, { dictionary }).attributes().length, 1984);
  assert.throws(
    () => Packet.decode(packet, { dictionary, maxAttributes: 200 }),
    (error: unknown) =>
      error instanceof MalformedPacketError &&
      /more than maxAttributes \(200\)/.test(error.message) &&
      // Refused after the second Vendor-Specific (248 values), not at the end.
      error.offset === 20 + 2 * 254,
  );
});

test("the checks without exceptions agree with the throwing ones on 20,000 random datagrams", () => {
  const random = seededRandom(20261203);
  const byte = () => Math.floor(random() * 256);
  let framed = 0;
  for (let i = 0; i < 20000; i++) {
    const datagram = Uint8Array.from({ length: Math.floor(random() * 80) }, byte);
    // Mostly plausible Length fields, and attribute lengths that often frame.
    if (datagram.length >= 4 && random() < 0.7) {
      const length = 20 + Math.floor(random() * (datagram.length - 19));
      datagram[2] = length >> 8;
      datagram[3] = length & 0xff;
      for (let p = 20; p + 1 < length; p += Math.max(datagram[p + 1]!, 1)) {
        if (random() < 0.9) datagram[p + 1] = 2 + Math.floor(random() * 6);
      }
    }
    let thrown: Error | undefined;
    let length = -1;
    try {
      length = packetLength(datagram);
    } catch (error) {
      thrown = error as Error;
    }
    assert.equal(framedLength(datagram) < 0, thrown !== undefined);
    const why = lengthProblem(datagram);
    assert.equal(
      why === undefined
        ? undefined
        : `Malformed RADIUS packet at byte ${(thrown as MalformedPacketError).offset}: ${why}`,
      thrown?.message,
    );
    if (thrown !== undefined) continue;
    let count: number | undefined;
    let problem: Error | undefined;
    try {
      count = countAttributes(datagram, length, 3);
    } catch (error) {
      problem = error as Error;
    }
    assert.equal(countFramed(datagram, 20, length, 3), count ?? -1);
    if (problem === undefined) {
      framed++;
      continue;
    }
    const at = framingProblem(datagram, 20, length)!;
    assert.equal(`Malformed RADIUS packet at byte ${at.offset}: ${at.message}`, problem.message);
  }
  assert.ok(framed > 2000, `${framed} datagrams framed: the draw must reach the attribute walk`);
});
