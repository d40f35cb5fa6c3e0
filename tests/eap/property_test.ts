// Property tests: random EAP packets round-trip, alone and through RADIUS
// datagrams; random and mutated bytes either decode to what re-encodes to
// them or fail with an EapError.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Code } from "../../src/codec/code.ts";
import { Dictionary } from "../../src/dictionary/dictionary.ts";
import { Packet } from "../../src/packet.ts";
import { EapCode } from "../../src/eap/code.ts";
import { EapError } from "../../src/eap/error.ts";
import {
  getEapMessage,
  MAX_EAP_IN_RADIUS,
  readEap,
  setEapMessage,
} from "../../src/eap/eap_message.ts";
import { decodeNak, encodeNak, isNak } from "../../src/eap/nak.ts";
import { decodeEap, type EapPacket, encodeEap } from "../../src/eap/packet.ts";

// The heavy run happens on one runtime (Node); the others run a smaller sample.
const isNode = !("Deno" in globalThis) && !("Bun" in globalThis);
const RUNS = isNode ? 5_000 : 1_000;

const dictionary = Dictionary.default();
const secret = "s3cret";

const identifier = fc.integer({ min: 0, max: 255 });
const data = (max: number) => fc.uint8Array({ maxLength: max });

/** Random EAP packets of every code, with expanded types (254) among the types. */
const eapPacket = (maxData: number): fc.Arbitrary<EapPacket> =>
  fc.oneof(
    fc.record({ code: fc.constantFrom(EapCode.Success, EapCode.Failure), identifier }),
    fc.record({
      code: fc.constantFrom(EapCode.Request, EapCode.Response, EapCode.Initiate, EapCode.Finish),
      identifier,
      type: fc.integer({ min: 0, max: 253 }).filter((type) => type !== 254),
      data: data(maxData),
    }),
    fc.record({
      code: fc.constantFrom(EapCode.Request, EapCode.Response),
      identifier,
      type: fc.constant(254),
      vendorId: fc.integer({ min: 0, max: 0xffffff }),
      vendorType: fc.integer({ min: 0, max: 0xffffffff }),
      data: data(maxData),
    }),
  ).map((packet): EapPacket => ({ ...packet })); // plain objects, as decodeEap returns

test("decodeEap(encodeEap(x)) = x for random EAP packets", () => {
  fc.assert(
    fc.property(eapPacket(600), (packet) => {
      const bytes = encodeEap(packet);
      assert.deepEqual(decodeEap(bytes), packet);
      assert.deepEqual(encodeEap(decodeEap(bytes)), bytes);
    }),
    { numRuns: RUNS },
  );
});

test("random EAP packets survive EAP-Message split, RADIUS encode with a secret, and decode", () => {
  fc.assert(
    fc.property(eapPacket(MAX_EAP_IN_RADIUS - 12), identifier, (packet, id) => {
      const request = Packet.create(Code.AccessRequest, dictionary, {}, { id });
      setEapMessage(request, packet);
      const received = Packet.decode(request.encode(secret), { dictionary, secret });
      assert.deepEqual(readEap(received), packet);
    }),
    { numRuns: isNode ? 1_000 : 200 },
  );
});

test("EAP bytes split anywhere into EAP-Message values are joined back in order", () => {
  fc.assert(
    fc.property(
      eapPacket(1000),
      fc.array(fc.integer({ min: 1, max: 253 }), { minLength: 1, maxLength: 40 }),
      (packet, sizes) => {
        const bytes = encodeEap(packet);
        const fragments: Uint8Array[] = [];
        for (let offset = 0, i = 0; offset < bytes.length; i++) {
          const size = sizes[i % sizes.length]!;
          fragments.push(bytes.slice(offset, offset + size));
          offset += size;
        }
        const request = Packet.create(Code.AccessRequest, dictionary, {})
          .add("EAP-Message", fragments);
        assert.deepEqual(getEapMessage(request), bytes);
        const received = Packet.decode(request.encode(secret), { dictionary });
        assert.deepEqual(getEapMessage(received), bytes);
      },
    ),
    { numRuns: isNode ? 1_000 : 200 },
  );
});

test("random and mutated bytes decode to what re-encodes to them, or fail with an EapError", () => {
  const mutated = fc.tuple(
    eapPacket(40),
    fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 3 }),
  )
    .map(([packet, edits]) => {
      const bytes = encodeEap(packet);
      for (const [at, value] of edits) bytes[at % bytes.length] = value;
      return bytes;
    });
  fc.assert(
    fc.property(fc.oneof(fc.uint8Array({ maxLength: 40 }), mutated), (bytes) => {
      let packet: EapPacket;
      try {
        packet = decodeEap(bytes);
      } catch (error) {
        assert.ok(error instanceof EapError, String(error));
        return;
      }
      assert.deepEqual(encodeEap(packet), bytes);
      if (isNak(packet)) {
        try {
          decodeNak(packet);
        } catch (error) {
          assert.ok(error instanceof EapError, String(error));
        }
      }
    }),
    { numRuns: RUNS },
  );
});

test("decodeNak(encodeNak(x)) = x for random lists of desired methods, in both forms", () => {
  const method = fc.oneof(
    fc.integer({ min: 4, max: 255 }),
    fc.record({
      vendorId: fc.integer({ min: 1, max: 0xffffff }),
      vendorType: fc.integer({ min: 0, max: 0xffffffff }),
    }).map((method) => ({ ...method })),
  );
  fc.assert(
    fc.property(
      identifier,
      fc.array(method, { minLength: 1, maxLength: 20 }),
      fc.boolean(),
      (id, desired, expanded) => {
        const nak = encodeNak(id, desired, { expanded });
        assert.deepEqual(decodeNak(decodeEap(encodeEap(nak))), desired);
      },
    ),
    { numRuns: RUNS },
  );
});
