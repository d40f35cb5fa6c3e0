import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FramingError, PacketFramer } from "../../src/stream/packet_framer.ts";
import { seededRandom } from "../_random.ts";

/** A packet of `length` bytes whose header says so and whose body is recognisable. */
function packet(length: number, mark: number): Uint8Array {
  const bytes = new Uint8Array(length);
  bytes[0] = 1;
  bytes[1] = mark & 0xff;
  bytes[2] = length >> 8;
  bytes[3] = length & 0xff;
  for (let i = 4; i < length; i++) bytes[i] = (mark + i) & 0xff;
  return bytes;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

describe("PacketFramer", () => {
  it("hands over packets whole whatever the pieces they arrive in", () => {
    const random = seededRandom(6613);
    for (let round = 0; round < 200; round++) {
      const packets = Array.from(
        { length: 1 + Math.floor(random() * 8) },
        (_, i) => packet(20 + Math.floor(random() * (random() < 0.1 ? 4077 : 200)), round + i),
      );
      const stream = concat(packets);
      const framer = new PacketFramer();
      const out: Uint8Array[] = [];
      let offset = 0;
      while (offset < stream.length) {
        const size = 1 + Math.floor(random() * (random() < 0.5 ? 5 : 600));
        const chunk = stream.slice(offset, offset + size); // the framer owns what it gets
        offset += chunk.length;
        assert.equal(framer.push(chunk, (p) => out.push(p.slice())), undefined);
      }
      assert.deepEqual(out, packets);
      assert.equal(framer.pending, false);
    }
  });

  it("hands over packets inside one chunk as views, without copying", () => {
    const chunk = concat([packet(20, 1), packet(30, 2)]);
    const out: Uint8Array[] = [];
    new PacketFramer().push(chunk, (p) => out.push(p));
    assert.equal(out.length, 2);
    assert.equal(out[0]!.buffer, chunk.buffer);
    assert.equal(out[1]!.byteOffset, 20);
  });

  it("says a partial packet is pending until its last byte", () => {
    const framer = new PacketFramer();
    const whole = packet(100, 7);
    const out: Uint8Array[] = [];
    framer.push(whole.slice(0, 3), (p) => out.push(p));
    assert.equal(framer.pending, true);
    framer.push(whole.slice(3, 99), (p) => out.push(p));
    assert.equal(framer.pending, true);
    framer.push(whole.slice(99), (p) => out.push(p));
    assert.equal(framer.pending, false);
    assert.deepEqual(out, [whole]);
  });

  for (const length of [0, 5, 19, 4097, 65535]) {
    it(`reports a Length of ${length} as lost framing, after the packets before it`, () => {
      const bad = packet(20, 9);
      bad[2] = length >> 8;
      bad[3] = length & 0xff;
      for (const split of [false, true]) {
        const stream = concat([packet(20, 1), bad]);
        const framer = new PacketFramer();
        const out: Uint8Array[] = [];
        let error: FramingError | undefined;
        const chunks = split ? [stream.slice(0, 22), stream.slice(22)] : [stream];
        for (const chunk of chunks) error ??= framer.push(chunk, (p) => out.push(p));
        assert.ok(error instanceof FramingError);
        assert.equal(error.length, length);
        assert.match(error.message, new RegExp(`says ${length}$`));
        assert.equal(out.length, 1);
        assert.equal(framer.pending, false);
      }
    });
  }

  it("accepts a larger maximum when asked (RFC 7930 sized packets)", () => {
    const framer = new PacketFramer(65535);
    const out: Uint8Array[] = [];
    assert.equal(framer.push(packet(5000, 3), (p) => out.push(p)), undefined);
    assert.equal(out[0]!.length, 5000);
  });
});
