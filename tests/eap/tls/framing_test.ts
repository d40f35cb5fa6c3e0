// EAP-TLS framing (RFC 5216 §3.1): Flags and TLS Message Length, fragments
// cut and joined, acknowledgements, and the reassembly bounds.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { EapTlsError, type EapTlsErrorReason } from "../../../src/eap/tls/eap_tls_error.ts";
import {
  decodeEapTlsFrame,
  eapTlsAck,
  encodeEapTlsFrame,
  isEapTlsAck,
} from "../../../src/eap/tls/frame.ts";
import {
  DEFAULT_FRAGMENT_SIZE,
  fragmentSizeOf,
  fragmentTlsMessage,
} from "../../../src/eap/tls/fragment.ts";
import { TlsReassembler } from "../../../src/eap/tls/reassembler.ts";

const isNode = !("Deno" in globalThis) && !("Bun" in globalThis);
const RUNS = isNode ? 1_000 : 200;

function refused(reason: EapTlsErrorReason): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof EapTlsError, String(error));
    assert.equal(error.reason, reason);
    assert.equal(error.code, "ERR_EAP");
    return true;
  };
}

const frame = (fields: Parameters<typeof encodeEapTlsFrame>[0]) =>
  decodeEapTlsFrame(encodeEapTlsFrame(fields));

test("the Flags octet: L 0x80, M 0x40, S 0x20, version in the low three bits", () => {
  assert.deepEqual([...encodeEapTlsFrame({ start: true })], [0x20]);
  assert.deepEqual([...encodeEapTlsFrame({ start: true, version: 1 })], [0x21]);
  assert.deepEqual(
    [...encodeEapTlsFrame({ more: true, messageLength: 0x01020304, data: new Uint8Array([9]) })],
    [0xc0, 1, 2, 3, 4, 9],
  );
  const decoded = decodeEapTlsFrame(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 7]));
  assert.equal(decoded.start, true);
  assert.equal(decoded.more, true);
  assert.equal(decoded.messageLength, 0xffffffff);
  assert.equal(decoded.version, 7);
  assert.deepEqual([...decoded.data], [7]);
  // Reserved bits (0x18) are ignored on receipt.
  assert.deepEqual(decodeEapTlsFrame(new Uint8Array([0x18])), {
    start: false,
    more: false,
    messageLength: undefined,
    version: 0,
    data: new Uint8Array(0),
  });
});

test("a Type-Data without Flags, or with L and a short length, is truncated", () => {
  assert.throws(() => decodeEapTlsFrame(new Uint8Array(0)), refused("tls-frame-truncated"));
  for (let n = 0; n < 4; n++) {
    const bytes = new Uint8Array(1 + n);
    bytes[0] = 0x80;
    assert.throws(() => decodeEapTlsFrame(bytes), refused("tls-frame-truncated"));
  }
});

test("an acknowledgement is the Flags octet alone", () => {
  assert.deepEqual([...eapTlsAck()], [0]);
  assert.deepEqual([...eapTlsAck(1)], [1]);
  assert.equal(isEapTlsAck(decodeEapTlsFrame(eapTlsAck())), true);
  assert.equal(isEapTlsAck(frame({ start: true })), false);
  assert.equal(isEapTlsAck(frame({ data: new Uint8Array([22]) })), false);
});

test("a message that fits is one fragment, without L unless asked", () => {
  const message = new Uint8Array(DEFAULT_FRAGMENT_SIZE).fill(1);
  const [only, ...rest] = fragmentTlsMessage(message);
  assert.equal(rest.length, 0);
  assert.equal(only![0], 0);
  assert.equal(only!.length, 1 + DEFAULT_FRAGMENT_SIZE);
  const [withLength] = fragmentTlsMessage(message, { alwaysIncludeLength: true, version: 2 });
  assert.deepEqual(decodeEapTlsFrame(withLength!).messageLength, DEFAULT_FRAGMENT_SIZE);
  assert.equal(decodeEapTlsFrame(withLength!).version, 2);
  assert.deepEqual(fragmentTlsMessage(new Uint8Array(0)).map((f) => [...f]), [[0]]);
});

test("a longer message: L and the total on the first, M on all but the last", () => {
  const message = Uint8Array.from({ length: 2_500 }, (_, i) => i & 0xff);
  const fragments = fragmentTlsMessage(message, { fragmentSize: 1_000 }).map(decodeEapTlsFrame);
  assert.deepEqual(
    fragments.map((f) => [f.more, f.messageLength, f.data.length]),
    [[true, 2_500, 1_000], [true, undefined, 1_000], [false, undefined, 500]],
  );
});

test("fragmentSize outside 64..3000 is a RangeError that says what to give", () => {
  for (const bad of [0, 63, 3_001, 1.5, Number.NaN]) {
    assert.throws(() => fragmentSizeOf(bad), /fragmentSize must be an integer from 64 to 3000/);
  }
  assert.equal(fragmentSizeOf(undefined), DEFAULT_FRAGMENT_SIZE);
});

test("property: fragments of any message at any size reassemble to it", () => {
  fc.assert(
    fc.property(
      // A length drawn over the whole range (fast-check's arrays stay short),
      // so that most messages need several fragments.
      fc.integer({ min: 0, max: 9_000 }),
      fc.integer({ min: 0, max: 255 }),
      fc.integer({ min: 64, max: 3_000 }),
      fc.integer({ min: 0, max: 7 }),
      fc.boolean(),
      (length, seed, fragmentSize, version, alwaysIncludeLength) => {
        const message = Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);
        const fragments = fragmentTlsMessage(message, {
          fragmentSize,
          version,
          alwaysIncludeLength,
        });
        assert.equal(fragments.length, Math.max(1, Math.ceil(message.length / fragmentSize)));
        // 9,000 octets in fragments of 64 are 141 fragments: more than the default 128.
        const reassembler = new TlsReassembler({ maxFragments: 141 });
        let whole: Uint8Array | undefined;
        fragments.forEach((bytes, index) => {
          assert.ok(bytes.length <= fragmentSize + 5);
          const decoded = decodeEapTlsFrame(bytes);
          assert.equal(decoded.version, version);
          whole = reassembler.push(decoded);
          assert.equal(whole === undefined, index < fragments.length - 1);
        });
        assert.deepEqual(whole, message);
        assert.equal(reassembler.pending, false);
      },
    ),
    { numRuns: RUNS },
  );
});

test("property: any Type-Data decodes or is truncated, and re-encodes to itself", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
      let decoded;
      try {
        decoded = decodeEapTlsFrame(bytes);
      } catch (error) {
        assert.ok(error instanceof EapTlsError && error.reason === "tls-frame-truncated");
        return;
      }
      const again = encodeEapTlsFrame({
        start: decoded.start,
        more: decoded.more,
        version: decoded.version,
        data: decoded.data,
        ...(decoded.messageLength === undefined ? {} : { messageLength: decoded.messageLength }),
      });
      // Equal but for the reserved bits, which a sender sets to zero.
      assert.deepEqual(again.subarray(1), bytes.subarray(1));
      assert.equal(again[0], bytes[0]! & 0xe7);
    }),
    { numRuns: RUNS },
  );
});

test("property: a random stream of frames never breaks the bounds, only throws EapTlsError", () => {
  const randomFrame = fc.record({
    more: fc.boolean(),
    messageLength: fc.option(fc.integer({ min: 0, max: 70_000 }), { nil: undefined }),
    data: fc.uint8Array({ maxLength: 3_000 }),
  });
  fc.assert(
    fc.property(fc.array(randomFrame, { maxLength: 60 }), (frames) => {
      const reassembler = new TlsReassembler({ maxMessageLength: 20_000, maxFragments: 16 });
      for (const f of frames) {
        try {
          const whole = reassembler.push({ ...f, start: false, version: 0 });
          if (whole !== undefined) assert.ok(whole.length <= 20_000);
        } catch (error) {
          assert.ok(error instanceof EapTlsError, String(error));
          assert.equal(reassembler.pending, false);
        }
      }
    }),
    { numRuns: RUNS },
  );
});

test("inconsistent TLS Message Lengths are refused with a reason", () => {
  const data = new Uint8Array(100);
  // A later fragment says another total.
  let r = new TlsReassembler();
  r.push(frame({ more: true, messageLength: 300, data }));
  assert.throws(
    () => r.push(frame({ more: true, messageLength: 301, data })),
    refused("tls-length-inconsistent"),
  );
  // More octets than announced.
  r = new TlsReassembler();
  r.push(frame({ more: true, messageLength: 150, data }));
  assert.throws(() => r.push(frame({ data })), refused("tls-length-inconsistent"));
  // The last fragment ends short of the total.
  r = new TlsReassembler();
  r.push(frame({ more: true, messageLength: 300, data }));
  assert.throws(() => r.push(frame({ data })), refused("tls-length-inconsistent"));
  // An unfragmented message whose length disagrees with its data.
  assert.throws(
    () => new TlsReassembler().push(frame({ messageLength: 99, data })),
    refused("tls-length-inconsistent"),
  );
  // After the error the reassembler starts afresh.
  assert.equal(r.pending, false);
  assert.deepEqual(r.push(frame({ data })), data);
});

test("the same total repeated on every fragment, or none on the first, is accepted", () => {
  const data = new Uint8Array(10).fill(3);
  const r = new TlsReassembler();
  assert.equal(r.push(frame({ more: true, messageLength: 20, data })), undefined);
  assert.deepEqual(r.push(frame({ messageLength: 20, data }))!.length, 20);
  assert.equal(r.push(frame({ more: true, data })), undefined);
  assert.deepEqual(r.push(frame({ data }))!.length, 20);
});

test("the size and count bounds: a flood of fragments is refused", () => {
  const r = new TlsReassembler({ maxMessageLength: 1_000, maxFragments: 4 });
  assert.throws(
    () => r.push(frame({ more: true, messageLength: 1_001, data: new Uint8Array(1) })),
    refused("tls-message-too-long"),
  );
  for (let i = 0; i < 4; i++) r.push(frame({ more: true, data: new Uint8Array(1) }));
  assert.throws(
    () => r.push(frame({ more: true, data: new Uint8Array(1) })),
    refused("tls-too-many-fragments"),
  );
  for (let i = 0; i < 3; i++) r.push(frame({ more: true, data: new Uint8Array(300) }));
  assert.throws(
    () => r.push(frame({ data: new Uint8Array(101) })),
    refused("tls-message-too-long"),
  );
  assert.throws(
    () => r.push(frame({ more: true, data: new Uint8Array(0) })),
    refused("tls-empty-fragment"),
  );
  // The default bounds: 64 KiB and 128 fragments.
  const big = new TlsReassembler();
  assert.throws(
    () => big.push(frame({ more: true, messageLength: 65_537, data: new Uint8Array(1) })),
    refused("tls-message-too-long"),
  );
  for (let i = 0; i < 128; i++) big.push(frame({ more: true, data: new Uint8Array(1) }));
  assert.throws(
    () => big.push(frame({ data: new Uint8Array(1) })),
    refused("tls-too-many-fragments"),
  );
});
