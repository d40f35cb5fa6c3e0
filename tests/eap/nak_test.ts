// The Nak Response (RFC 3748 §5.3): the legacy form (Type 3) and the
// Expanded form (Type 254, Vendor-Id 0, Vendor-Type 3).
import { test } from "node:test";
import assert from "node:assert/strict";
import { EapCode } from "../../src/eap/code.ts";
import { EapError } from "../../src/eap/error.ts";
import { decodeNak, encodeNak, isNak } from "../../src/eap/nak.ts";
import { decodeEap, type EapPacket, encodeEap } from "../../src/eap/packet.ts";
import { EapType } from "../../src/eap/type.ts";

function badNak(packet: EapPacket): void {
  assert.throws(() => decodeNak(packet), (error) => {
    assert.ok(error instanceof EapError, String(error));
    assert.equal(error.reason, "eap-bad-nak");
    return true;
  });
}

test("legacy Nak: one octet per desired type, in order of preference", () => {
  const bytes = encodeEap(encodeNak(7, [EapType.MSCHAPv2, EapType.GTC, EapType.MD5Challenge]));
  assert.deepEqual(bytes, new Uint8Array([2, 7, 0, 8, 3, 26, 6, 4]));
  const packet = decodeEap(bytes);
  assert.equal(isNak(packet), true);
  assert.deepEqual(decodeNak(packet), [26, 6, 4]);
});

test("legacy Nak of 0 (no viable alternative) and of 254 (expanded types wanted)", () => {
  assert.deepEqual(decodeNak(decodeEap(new Uint8Array([2, 1, 0, 6, 3, 0]))), [0]);
  assert.deepEqual(decodeNak(decodeEap(new Uint8Array([2, 1, 0, 6, 3, 254]))), [254]);
  assert.deepEqual(encodeEap(encodeNak(1, [0])), new Uint8Array([2, 1, 0, 6, 3, 0]));
});

test("Expanded Nak: 8-octet entries; IETF types come back as numbers, vendor ones as objects", () => {
  const wsc = { vendorId: 0x00372a, vendorType: 1 };
  const nak = encodeNak(4, [EapType.MSCHAPv2, wsc]);
  assert.equal(nak.type, EapType.Expanded);
  assert.equal(nak.vendorId, 0);
  assert.equal(nak.vendorType, 3);
  const bytes = encodeEap(nak);
  assert.deepEqual(
    bytes,
    new Uint8Array([
      ...[2, 4, 0, 28, 254, 0, 0, 0, 0, 0, 0, 3],
      ...[254, 0, 0, 0, 0, 0, 0, 26],
      ...[254, 0x00, 0x37, 0x2a, 0, 0, 0, 1],
    ]),
  );
  const packet = decodeEap(bytes);
  assert.equal(isNak(packet), true);
  assert.deepEqual(decodeNak(packet), [26, wsc]);
  // The expanded form on request, with IETF types only (a reply to a Request of Type 254).
  const expanded = encodeNak(4, [EapType.GTC], { expanded: true });
  assert.deepEqual(decodeNak(decodeEap(encodeEap(expanded))), [6]);
  assert.deepEqual(expanded.data, new Uint8Array([254, 0, 0, 0, 0, 0, 0, 6]));
  // Vendor-Id 0, Vendor-Type 0: no alternative.
  assert.deepEqual(decodeNak(decodeEap(encodeEap(encodeNak(1, [0], { expanded: true })))), [0]);
});

test("isNak: only Responses of Type 3, or 254 with Vendor-Id 0 and Vendor-Type 3", () => {
  const data = new Uint8Array([26]);
  assert.equal(isNak({ code: EapCode.Request, identifier: 1, type: 3, data }), false);
  assert.equal(isNak({ code: EapCode.Response, identifier: 1, type: 26, data }), false);
  assert.equal(isNak({ code: EapCode.Success, identifier: 1 }), false);
  const expanded = { code: EapCode.Response, identifier: 1, type: 254, data } as const;
  assert.equal(isNak({ ...expanded, vendorId: 0, vendorType: 3 }), true);
  assert.equal(isNak({ ...expanded, vendorId: 0, vendorType: 4 }), false);
  assert.equal(isNak({ ...expanded, vendorId: 9, vendorType: 3 }), false);
});

test("a Nak that is no Response, or lists nothing, is refused", () => {
  badNak({ code: EapCode.Request, identifier: 1, type: 3, data: new Uint8Array([4]) });
  badNak({ code: EapCode.Response, identifier: 1, type: 4, data: new Uint8Array([4]) });
  badNak({ code: EapCode.Failure, identifier: 1 });
  badNak(decodeEap(new Uint8Array([2, 1, 0, 5, 3])));
  badNak({
    code: EapCode.Response,
    identifier: 1,
    type: 254,
    vendorId: 0,
    vendorType: 3,
    data: new Uint8Array(),
  });
});

test("a Nak asking for Identity, Notification or Nak is refused (methods are 4 and above)", () => {
  for (const type of [1, 2, 3]) {
    badNak(decodeEap(new Uint8Array([2, 1, 0, 7, 3, 26, type])));
    badNak({
      code: EapCode.Response,
      identifier: 1,
      type: 254,
      vendorId: 0,
      vendorType: 3,
      data: new Uint8Array([254, 0, 0, 0, 0, 0, 0, type]),
    });
  }
});

test("an Expanded Nak whose entries are not 8 octets starting with 254 is refused", () => {
  const expanded = {
    code: EapCode.Response,
    identifier: 1,
    type: 254,
    vendorId: 0,
    vendorType: 3,
  } as const;
  badNak({ ...expanded, data: new Uint8Array([254, 0, 0, 0, 0, 0, 0]) });
  badNak({ ...expanded, data: new Uint8Array([254, 0, 0, 0, 0, 0, 0, 26, 254]) });
  badNak({ ...expanded, data: new Uint8Array([26, 0, 0, 0, 0, 0, 0, 26]) });
  // Vendor-Id 0 names IETF types, which are 0..255.
  badNak({ ...expanded, data: new Uint8Array([254, 0, 0, 0, 0, 0, 1, 0]) });
});

test("encodeNak refuses an empty list and types that are no method", () => {
  assert.throws(() => encodeNak(1, []), { name: "RangeError", message: /give \[0\]/ });
  for (const type of [1, 2, 3, 256, -1, 4.5]) {
    assert.throws(() => encodeNak(1, [type]), RangeError, String(type));
  }
  assert.throws(() => encodeNak(1, [{ vendorId: 0, vendorType: 26 }]), /vendorId must be 1\.\./);
  assert.throws(() => encodeNak(1, [{ vendorId: 1 << 24, vendorType: 1 }]), /vendorId/);
  assert.throws(() => encodeNak(1, [{ vendorId: 1, vendorType: 2 ** 32 }]), /vendorType/);
});
