// PEAPv0's inner EAP header quirk: packets travel without Code,
// Identifier and Length, except Extensions (Type 33) packets; received
// plaintext is accepted in either form.
import { test } from "node:test";
import assert from "node:assert/strict";
import { EapCode } from "../../../src/eap/code.ts";
import { type EapDataPacket, encodeEap } from "../../../src/eap/packet.ts";
import {
  hasInnerHeader,
  MAX_INNER_PLAINTEXT,
  restoreInnerHeader,
  stripInnerHeader,
} from "../../../src/eap/peap/inner_eap.ts";
import { resultPacket } from "../../../src/eap/peap/result_tlv.ts";
import { EapType } from "../../../src/eap/type.ts";

const hex = (text: string): Uint8Array =>
  Uint8Array.from(text.split(" ").filter((octet) => octet !== ""), (octet) => parseInt(octet, 16));

test("the inner Identity Request travels as the single octet 01", () => {
  const identity: EapDataPacket = {
    code: EapCode.Request,
    identifier: 0,
    type: EapType.Identity,
    data: new Uint8Array(0),
  };
  assert.deepEqual(stripInnerHeader(identity), hex("01"));
});

test("an inner method packet travels as Type and Type-Data", () => {
  const gtc: EapDataPacket = {
    code: EapCode.Response,
    identifier: 9,
    type: EapType.GTC,
    data: new TextEncoder().encode("hello"),
  };
  assert.deepEqual(stripInnerHeader(gtc), hex("06 68 65 6c 6c 6f"));
});

test("an Extensions packet keeps its whole header", () => {
  assert.deepEqual(
    stripInnerHeader(resultPacket(EapCode.Request, 7, "success")),
    hex("01 07 00 0b 21 80 03 00 02 00 01"),
  );
  assert.deepEqual(
    stripInnerHeader(resultPacket(EapCode.Response, 7, "success")),
    hex("02 07 00 0b 21 80 03 00 02 00 01"),
  );
});

test("headerless plaintext is given the Code and Identifier to assume", () => {
  assert.deepEqual(restoreInnerHeader(hex("01"), EapCode.Request, 5), {
    code: EapCode.Request,
    identifier: 5,
    type: EapType.Identity,
    data: new Uint8Array(0),
  });
  assert.deepEqual(restoreInnerHeader(hex("06 68 69"), EapCode.Response, 255), {
    code: EapCode.Response,
    identifier: 255,
    type: EapType.GTC,
    data: hex("68 69"),
  });
});

test("a whole Extensions packet keeps its own Identifier", () => {
  const full = hex("01 2a 00 0b 21 80 03 00 02 00 01");
  assert.equal(hasInnerHeader(full, EapCode.Request), true);
  assert.deepEqual(restoreInnerHeader(full, EapCode.Request, 3), {
    code: EapCode.Request,
    identifier: 0x2a,
    type: EapType.Extensions,
    data: hex("80 03 00 02 00 01"),
  });
});

test("a headerless Extensions packet is accepted too", () => {
  assert.deepEqual(restoreInnerHeader(hex("21 80 03 00 02 00 01"), EapCode.Response, 4), {
    code: EapCode.Response,
    identifier: 4,
    type: EapType.Extensions,
    data: hex("80 03 00 02 00 01"),
  });
});

test("FreeRADIUS's whole 5-octet Identity Request is recognised", () => {
  const freeradius = hex("01 09 00 05 01");
  assert.equal(hasInnerHeader(freeradius, EapCode.Request), true);
  assert.deepEqual(restoreInnerHeader(freeradius, EapCode.Request, 0), {
    code: EapCode.Request,
    identifier: 9,
    type: EapType.Identity,
    data: new Uint8Array(0),
  });
});

test("a header is recognised only with the expected Code, an exact Length and Type 33", () => {
  // The Code of the other direction: headerless, so Type 2 (Notification) with 10 octets of data.
  const response = hex("02 07 00 0b 21 80 03 00 02 00 01");
  assert.equal(hasInnerHeader(response, EapCode.Request), false);
  const asRequest = restoreInnerHeader(response, EapCode.Request, 1);
  assert.equal(asRequest?.type, 2);
  assert.equal(asRequest?.identifier, 1);
  // Length one short, one long.
  assert.equal(hasInnerHeader(hex("01 07 00 0a 21 80 03 00 02 00 01"), EapCode.Request), false);
  assert.equal(hasInnerHeader(hex("01 07 00 0c 21 80 03 00 02 00 01"), EapCode.Request), false);
  // Another Type with a header that would fit: headerless.
  assert.equal(hasInnerHeader(hex("01 07 00 06 1a 00"), EapCode.Request), false);
  assert.equal(hasInnerHeader(hex("01 07 00 06 01 00"), EapCode.Request), false);
  // Too short to hold a header and a Type.
  assert.equal(hasInnerHeader(hex("01 07 00 04"), EapCode.Request), false);
});

test("strip then restore gives the packet back, for every form", () => {
  const packets: EapDataPacket[] = [
    { code: EapCode.Request, identifier: 0, type: EapType.Identity, data: new Uint8Array(0) },
    { code: EapCode.Request, identifier: 1, type: EapType.MSCHAPv2, data: hex("01 01 00 06 10") },
    { code: EapCode.Response, identifier: 2, type: EapType.Nak, data: hex("1a") },
    resultPacket(EapCode.Request, 3, "failure"),
    resultPacket(EapCode.Response, 3, "success"),
    {
      code: EapCode.Response,
      identifier: 4,
      type: EapType.Expanded,
      vendorId: 0,
      vendorType: 3,
      data: hex("fe 00 00 00 00 00 00 1a"),
    },
  ];
  for (const packet of packets) {
    assert.deepEqual(
      restoreInnerHeader(stripInnerHeader(packet), packet.code, packet.identifier),
      packet,
    );
  }
});

test("plaintext that is no inner packet gives undefined, never an exception", () => {
  assert.equal(restoreInnerHeader(new Uint8Array(0), EapCode.Request, 0), undefined);
  // An Expanded Type without its Vendor-Id and Vendor-Type (RFC 3748 §5.7).
  assert.equal(restoreInnerHeader(hex("fe 00 00"), EapCode.Request, 0), undefined);
  // More than a Length field can say once the header is put back.
  assert.equal(restoreInnerHeader(new Uint8Array(0xfffc).fill(6), EapCode.Request, 0), undefined);
  assert.equal(restoreInnerHeader(new Uint8Array(0xfffb).fill(6), EapCode.Request, 0)?.type, 6);
  assert.ok(MAX_INNER_PLAINTEXT < 0xfffb);
});

test("the Identifier to assume is taken modulo 256", () => {
  assert.equal(restoreInnerHeader(hex("01"), EapCode.Request, 256)?.identifier, 0);
});

test("a restored packet does not share the plaintext's memory", () => {
  const plaintext = hex("06 68 69");
  const packet = restoreInnerHeader(plaintext, EapCode.Response, 0)!;
  plaintext[1] = 0;
  assert.deepEqual(packet.data, hex("68 69"));
  const full = hex("01 2a 00 0b 21 80 03 00 02 00 01");
  const extensions = restoreInnerHeader(full, EapCode.Request, 0)!;
  full[10] = 2;
  assert.deepEqual(encodeEap(extensions), hex("01 2a 00 0b 21 80 03 00 02 00 01"));
});
