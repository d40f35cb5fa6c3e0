// The EAP packet codec (RFC 3748 §4, §5.7): round trips of every code and
// named type, and each strict decode error with its reason.
import { test } from "node:test";
import assert from "node:assert/strict";
import { EapCode, eapCodeName, isEapCode } from "../../src/eap/code.ts";
import { EapType, eapTypeName } from "../../src/eap/type.ts";
import { EAP_ERROR_REASONS, EapError, type EapErrorReason } from "../../src/eap/error.ts";
import { decodeEap, type EapPacket, encodeEap } from "../../src/eap/packet.ts";

const ascii = (text: string) => new TextEncoder().encode(text);

function refused(bytes: Uint8Array | number[], reason: EapErrorReason): void {
  assert.throws(() => decodeEap(Uint8Array.from(bytes)), (error) => {
    assert.ok(error instanceof EapError, String(error));
    assert.equal(error.reason, reason);
    assert.equal(error.code, "ERR_EAP");
    return true;
  });
}

test("every code with a Type round-trips with every named Type", () => {
  const codes = [EapCode.Request, EapCode.Response, EapCode.Initiate, EapCode.Finish] as const;
  const types = Object.values(EapType).filter((type) => type !== EapType.Expanded);
  for (const code of codes) {
    for (const type of types) {
      const packet: EapPacket = { code, identifier: type, type, data: ascii(`data of ${type}`) };
      const bytes = encodeEap(packet);
      assert.equal(bytes.length, 5 + packet.data.length);
      assert.deepEqual([bytes[0], bytes[1], (bytes[2]! << 8) | bytes[3]!, bytes[4]], [
        code,
        type,
        bytes.length,
        type,
      ]);
      assert.deepEqual(decodeEap(bytes), packet);
    }
  }
});

test("Success and Failure are the 4-octet header alone", () => {
  for (const code of [EapCode.Success, EapCode.Failure] as const) {
    for (const identifier of [0, 1, 255]) {
      const bytes = encodeEap({ code, identifier });
      assert.deepEqual(bytes, new Uint8Array([code, identifier, 0, 4]));
      assert.deepEqual(decodeEap(bytes), { code, identifier });
    }
  }
});

test("a Type with no data, and data of every octet value, round-trip", () => {
  const empty = {
    code: EapCode.Request,
    identifier: 9,
    type: EapType.Identity,
    data: new Uint8Array(),
  };
  assert.deepEqual(encodeEap(empty), new Uint8Array([1, 9, 0, 5, 1]));
  assert.deepEqual(decodeEap(encodeEap(empty)), empty);
  const every = Uint8Array.from({ length: 256 }, (_, i) => i);
  const packet = { code: EapCode.Response, identifier: 0, type: 200, data: every };
  assert.deepEqual(decodeEap(encodeEap(packet)), packet);
});

test("expanded types (254): Vendor-Id of 3 octets and Vendor-Type of 4 are parsed", () => {
  const bytes = new Uint8Array([1, 5, 0, 14, 254, 0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0xfa, 0xf9, 1, 2]);
  assert.deepEqual(decodeEap(bytes), {
    code: EapCode.Request,
    identifier: 5,
    type: EapType.Expanded,
    vendorId: 0xfffefd,
    vendorType: 0xfcfbfaf9,
    data: new Uint8Array([1, 2]),
  });
  assert.deepEqual(encodeEap(decodeEap(bytes) as EapPacket), bytes);
  // Nothing after the expanded header is fine: the vendor data may be empty.
  const bare = {
    code: EapCode.Response,
    identifier: 0,
    type: 254,
    vendorId: 0,
    vendorType: 0,
    data: new Uint8Array(),
  };
  assert.deepEqual(encodeEap(bare), new Uint8Array([2, 0, 0, 12, 254, 0, 0, 0, 0, 0, 0, 0]));
  assert.deepEqual(decodeEap(encodeEap(bare)), bare);
});

test("decoded data is a copy: changing the input later changes nothing", () => {
  const bytes = new Uint8Array([2, 1, 0, 8, 1, 0x62, 0x6f, 0x62]);
  const packet = decodeEap(bytes);
  bytes[5] = 0;
  assert.ok("type" in packet);
  assert.deepEqual(packet.data, ascii("bob"));
});

test("a truncated header is refused: eap-truncated", () => {
  refused([], "eap-truncated");
  refused([1], "eap-truncated");
  refused([1, 2, 0], "eap-truncated");
});

test("a Length field that differs from the octets is refused: eap-length-mismatch", () => {
  refused([1, 1, 0, 6, 1], "eap-length-mismatch"); // says 6, has 5
  refused([1, 1, 0, 5, 1, 0], "eap-length-mismatch"); // says 5, has 6: no padding over RADIUS
  refused([3, 1, 0, 3], "eap-length-mismatch"); // below the header
  refused([3, 1, 0, 0], "eap-length-mismatch");
  refused([1, 1, 0xff, 0xff, 1], "eap-length-mismatch");
});

test("more than 65,535 octets is refused: eap-too-long", () => {
  const bytes = new Uint8Array(65536);
  bytes.set([2, 1, 0xff, 0xff, 1]);
  refused(bytes, "eap-too-long");
  // The largest packet a Length field can describe decodes.
  const largest = bytes.subarray(0, 65535);
  const packet = decodeEap(largest);
  assert.ok("type" in packet && packet.data.length === 65530);
  assert.throws(
    () =>
      encodeEap({ code: EapCode.Response, identifier: 1, type: 1, data: new Uint8Array(65531) }),
    { reason: "eap-too-long" },
  );
});

test("codes outside 1..6 are refused: eap-unknown-code", () => {
  for (const code of [0, 7, 255]) refused([code, 1, 0, 5, 1], "eap-unknown-code");
});

test("a Success or Failure with data is refused: eap-result-with-data", () => {
  refused([3, 1, 0, 5, 0], "eap-result-with-data");
  refused([4, 1, 0, 6, 1, 2], "eap-result-with-data");
});

test("a Request, Response, Initiate or Finish without a Type is refused: eap-missing-type", () => {
  for (const code of [1, 2, 5, 6]) refused([code, 1, 0, 4], "eap-missing-type");
});

test("Type 254 without its 7-octet expanded header is refused: eap-expanded-truncated", () => {
  refused([1, 1, 0, 5, 254], "eap-expanded-truncated");
  refused([1, 1, 0, 11, 254, 0, 0, 0, 0, 0, 0], "eap-expanded-truncated");
});

test("every reason is listed once in EAP_ERROR_REASONS", () => {
  assert.equal(new Set(EAP_ERROR_REASONS).size, EAP_ERROR_REASONS.length);
  assert.equal(EAP_ERROR_REASONS.length, 8);
});

test("encodeEap refuses what it cannot write, saying what to do", () => {
  const data = new Uint8Array();
  const bad: [unknown, RegExp][] = [
    [{ code: 7, identifier: 0 }, /EapCode/],
    [{ code: 1, identifier: 256, type: 1, data }, /Identifier must be an integer 0\.\.255/],
    [{ code: 1, identifier: -1, type: 1, data }, /Identifier/],
    [{ code: 1, identifier: 1.5, type: 1, data }, /Identifier/],
    [{ code: 1, identifier: 0, type: 256, data }, /Type must be/],
    [{ code: 1, identifier: 0, type: 1 }, /Uint8Array/],
    [{ code: 1, identifier: 0, type: 254, data }, /vendorId/],
    [{ code: 1, identifier: 0, type: 254, vendorId: 1 << 24, vendorType: 0, data }, /vendorId/],
    [{ code: 1, identifier: 0, type: 254, vendorId: 0, vendorType: 2 ** 32, data }, /vendorType/],
    [{ code: 1, identifier: 0, type: 4, vendorId: 0, vendorType: 3, data }, /Only EAP Type 254/],
    [{ code: 3, identifier: 0, data: new Uint8Array([1]) }, /header alone/],
    [{ code: 4, identifier: 0, type: 1 }, /header alone/],
  ];
  for (const [packet, message] of bad) {
    assert.throws(() => encodeEap(packet as EapPacket), (error) => {
      assert.ok(error instanceof RangeError, String(error));
      assert.match(error.message, message);
      return true;
    });
  }
});

test("codes and types have names; other numbers are shown as numbers", () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6].map(eapCodeName), [
    "Request",
    "Response",
    "Success",
    "Failure",
    "Initiate",
    "Finish",
  ]);
  assert.equal(eapCodeName(0), "0");
  assert.equal(isEapCode(6), true);
  assert.equal(isEapCode(0), false);
  assert.equal(isEapCode(1.5), false);
  assert.deepEqual(Object.values(EapType).map(eapTypeName), [
    "Identity",
    "Notification",
    "Nak",
    "MD5-Challenge",
    "GTC",
    "TLS",
    "TTLS",
    "PEAP",
    "MSCHAPv2",
    "MS-Authentication-TLV",
    "Expanded",
  ]);
  assert.equal(eapTypeName(52), "52");
});
