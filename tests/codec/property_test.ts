// Property tests: random dictionaries and values round-trip; random and
// mutated datagrams either decode or fail with MalformedPacketError.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Dictionary } from "../../src/dictionary/dictionary.ts";
import { Packet } from "../../src/packet.ts";
import { Code } from "../../src/codec/code.ts";
import { checkRequest, checkResponse } from "../../src/codec/packet_codec.ts";
import { formatIPv4, formatIPv6 } from "../../src/codec/ip.ts";
import { MalformedPacketError } from "../../src/errors.ts";
import { testDictionary } from "./_helpers.ts";

// The heavy run happens on one runtime (Node); the others run a smaller sample.
const isNode = !("Deno" in globalThis) && !("Bun" in globalThis);
const FUZZ_RUNS = isNode ? 100_000 : 10_000;

const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });

/** Arbitrary values per type, in the canonical form decode() returns. */
const valueOf: Record<string, fc.Arbitrary<unknown>> = {
  // RFC 2865 §5: no value is empty.
  string: fc.string({ unit: "grapheme", minLength: 1, maxLength: 60 }).filter((s) =>
    new TextEncoder().encode(s).length <= 240 && s.charCodeAt(0) > 0x1f
  ),
  octets: bytes(1, 200),
  ipaddr: bytes(4, 4).map((b) => formatIPv4(b)),
  ipv6addr: bytes(16, 16).map((b) => formatIPv6(b)),
  integer: fc.integer({ min: 0, max: 0xffffffff }),
  short: fc.integer({ min: 0, max: 0xffff }),
  byte: fc.integer({ min: 0, max: 0xff }),
  signed: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
  integer64: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  date: fc.integer({ min: 0, max: 0xffffffff }).map((s) => new Date(s * 1000)),
  ether: bytes(6, 6).map((b) => [...b].map((x) => x.toString(16).padStart(2, "0")).join(":")),
  ifid: bytes(8, 8).map((b) =>
    [0, 2, 4, 6].map((i) => ((b[i]! << 8) | b[i + 1]!).toString(16)).join(":")
  ),
  ipv6prefix: fc.tuple(bytes(16, 16), fc.integer({ min: 0, max: 128 })).map(([b, bits]) => {
    const masked = b.map((x, i) => x & ((0xff00 >> Math.max(0, Math.min(8, bits - 8 * i))) & 0xff));
    return `${formatIPv6(masked)}/${bits}`;
  }),
  ipv4prefix: fc.tuple(bytes(4, 4), fc.integer({ min: 0, max: 32 })).map(([b, bits]) => {
    const masked = b.map((x, i) => x & ((0xff00 >> Math.max(0, Math.min(8, bits - 8 * i))) & 0xff));
    return `${formatIPv4(masked)}/${bits}`;
  }),
};
const types = Object.keys(valueOf);

const formats = ["1,1", "1,0", "2,1", "2,2", "4,0", "4,1", "4,2", "1,1,c"];

/** A random dictionary: standard, vendor (random format), extended and long-extended attributes. */
const dictionaryArbitrary = fc.record({
  type: fc.constantFrom(...types),
  place: fc.constantFrom("standard", "vendor", "extended", "long-extended", "evs", "tlv"),
  format: fc.constantFrom(...formats),
  code: fc.integer({ min: 1, max: 200 }).filter((c) => c !== 26 && c !== 80),
});

test("decode(encode(x)) = x for random dictionaries and values of every type", () => {
  fc.assert(
    fc.property(
      dictionaryArbitrary.chain((shape) =>
        fc.tuple(fc.constant(shape), fc.array(valueOf[shape.type]!, { minLength: 1, maxLength: 3 }))
      ),
      ([shape, values]) => {
        const code = shape.format.startsWith("1") || shape.place !== "vendor"
          ? shape.code
          : shape.code + 256;
        const lines = [
          "ATTRIBUTE Vendor-Specific 26 vsa",
          "ATTRIBUTE Extended-Attribute-1 241 extended",
          "ATTRIBUTE Extended-Vendor-Specific-1 241.26 evs",
          "ATTRIBUTE Extended-Attribute-5 245 long-extended",
          `VENDOR Random 4242 format=${shape.format}`,
          "VENDOR Evs 4343",
        ];
        if (shape.place === "standard") lines.push(`ATTRIBUTE Target ${shape.code} ${shape.type}`);
        if (shape.place === "vendor") {
          lines.push(
            "BEGIN-VENDOR Random",
            `ATTRIBUTE Target ${code} ${shape.type}`,
            "END-VENDOR Random",
          );
        }
        if (shape.place === "extended") {
          lines.push(
            `ATTRIBUTE Target 241.${shape.code} ${shape.type}`,
          );
        }
        if (shape.place === "long-extended") {
          lines.push(
            `ATTRIBUTE Target 245.${shape.code} ${shape.type}`,
          );
        }
        if (shape.place === "evs") {
          lines.push(
            "BEGIN-VENDOR Evs format=Extended-Vendor-Specific-1",
            `ATTRIBUTE Target ${shape.code} ${shape.type}`,
            "END-VENDOR Evs",
          );
        }
        if (shape.place === "tlv") {
          lines.push(
            "ATTRIBUTE Parent 241.30 tlv",
            `ATTRIBUTE Target 241.30.${shape.code} ${shape.type}`,
          );
        }
        const dictionary = Dictionary.parse(lines.join("\n"));
        const packet = Packet.create(Code.AccountingRequest, dictionary, {});
        try {
          packet.add("Target", values as never);
        } catch (error) {
          // Values too long for the chosen framing are refused up front, which is fine.
          if (/longer than/.test(String(error))) return;
          throw error;
        }
        const decoded = Packet.decode(packet.encode("secret"), { dictionary, secret: "secret" });
        const got = shape.place === "tlv"
          ? decoded.getAll("Parent").flatMap((v) => {
            const inner = (v as Record<string, unknown>)["Target"];
            return Array.isArray(inner) ? inner : [inner];
          })
          : decoded.getAll("Target");
        assert.deepEqual(got, values);
      },
    ),
    { numRuns: isNode ? 3000 : 1000 },
  );
});

function expectTypedOutcome(datagram: Uint8Array): void {
  try {
    const packet = Packet.decode(datagram, { dictionary: testDictionary, secret: "secret" });
    packet.toJSON();
    checkRequest(datagram, new TextEncoder().encode("secret"), true);
    checkResponse(datagram, new TextEncoder().encode("secret"), new Uint8Array(16), true);
  } catch (error) {
    if (!(error instanceof MalformedPacketError)) throw error;
  }
}

const seeds: Uint8Array[] = (() => {
  const request = Packet.create(Code.AccessRequest, testDictionary, {
    "User-Name": "bob",
    "User-Password": "hello",
    "Tunnel-Password": { tag: 1, value: "x" },
    "Tunnel-Type": { tag: 2, value: "VLAN" },
    "Cisco-AVPair": "a=b",
    "Test42-Text": "hi",
    "TestV-TLV": { "TestV-TLV-Str": "v", "TestV-TLV-Int": 1 },
    "WiMAX-Capability": "w".repeat(300),
    "Ext-TLV": { "Ext-TLV-Integer": 7 },
    "Long-Octets": new Uint8Array(600),
    "Test-EVS-Text": "e",
    "EAP-Message": new Uint8Array(400),
    "Test-Array-Short": [1, 2, 3],
    "Framed-IPv6-Prefix": "2001:db8::/32",
  });
  return [
    request.encode("secret"),
    request.reply(Code.AccessAccept, { "Reply-Message": "ok" }).encode("secret"),
  ];
})();

test(`Packet.decode() of ${FUZZ_RUNS} random and mutated datagrams throws only MalformedPacketError`, () => {
  const mutated = fc.tuple(
    fc.constantFrom(...seeds),
    fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 8 }),
    fc.nat(),
  )
    .map(([seed, flips, cut]) => {
      const copy = seed.slice(
        0,
        Math.max(0, seed.length - (cut % 8 === 0 ? cut % seed.length : 0)),
      );
      for (const [at, value] of flips) if (copy.length > 0) copy[at % copy.length] = value;
      return copy;
    });
  const lengthLies = fc.tuple(fc.constantFrom(...seeds), fc.nat(4200)).map(([seed, length]) => {
    const copy = seed.slice();
    copy[2] = length >> 8;
    copy[3] = length & 0xff;
    return copy;
  });
  fc.assert(
    fc.property(
      fc.oneof(bytes(0, 300), mutated, lengthLies),
      (datagram) => expectTypedOutcome(datagram),
    ),
    { numRuns: FUZZ_RUNS, seed: 20261125 },
  );
});
