// The EAP TLV Extensions method's Result TLV ([MS-PEAP] §2.2.8.1.2) byte
// for byte, and the TLV list decoded strictly and within bounds.
import { test } from "node:test";
import assert from "node:assert/strict";
import { EapCode } from "../../../src/eap/code.ts";
import { encodeEap } from "../../../src/eap/packet.ts";
import {
  decodeTlvs,
  encodeResultTlv,
  MAX_TLVS,
  readExtensions,
  resultPacket,
} from "../../../src/eap/peap/result_tlv.ts";

const hex = (text: string): Uint8Array =>
  Uint8Array.from(text.split(" ").filter((octet) => octet !== ""), (octet) => parseInt(octet, 16));

/** A Crypto-Binding TLV as hostapd sends it: M bit, Type 12, 56 octets. */
const cryptoBinding = (): Uint8Array => {
  const tlv = new Uint8Array(60);
  tlv.set([0x80, 0x0c, 0x00, 0x38, 0x00, 0x00, 0x00, 0x00]);
  tlv.fill(0xaa, 8);
  return tlv;
};

const join = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
};

test("a Result TLV is M bit, Type 3, Length 2, Status 1 or 2", () => {
  assert.deepEqual(encodeResultTlv("success"), hex("80 03 00 02 00 01"));
  assert.deepEqual(encodeResultTlv("failure"), hex("80 03 00 02 00 02"));
});

test("the Extensions Request with Result Success is 01 id 00 0b 21 80 03 00 02 00 01", () => {
  assert.deepEqual(
    encodeEap(resultPacket(EapCode.Request, 0x2a, "success")),
    hex("01 2a 00 0b 21 80 03 00 02 00 01"),
  );
  assert.deepEqual(
    encodeEap(resultPacket(EapCode.Response, 0x2a, "failure")),
    hex("02 2a 00 0b 21 80 03 00 02 00 02"),
  );
});

test("Result Success and Failure read back", () => {
  for (const result of ["success", "failure"] as const) {
    assert.deepEqual(readExtensions(encodeResultTlv(result)), {
      ok: true,
      result,
      unknownMandatory: undefined,
      cryptoBinding: false,
    });
  }
});

test("a Crypto-Binding TLV, mandatory as hostapd sends it, is recognised and not an unknown mandatory TLV", () => {
  const reading = readExtensions(join(encodeResultTlv("success"), cryptoBinding()));
  assert.deepEqual(reading, {
    ok: true,
    result: "success",
    unknownMandatory: undefined,
    cryptoBinding: true,
  });
  // In either order ([MS-PEAP] §2.2.8.1: the receiver assumes no order).
  assert.deepEqual(readExtensions(join(cryptoBinding(), encodeResultTlv("success"))), reading);
});

test("an unknown optional TLV is ignored; an unknown mandatory one is reported", () => {
  const optional = hex("00 07 00 03 01 02 03");
  assert.deepEqual(readExtensions(join(optional, encodeResultTlv("success"))), {
    ok: true,
    result: "success",
    unknownMandatory: undefined,
    cryptoBinding: false,
  });
  const mandatory = hex("80 07 00 00");
  assert.deepEqual(readExtensions(join(encodeResultTlv("success"), mandatory)), {
    ok: true,
    result: "success",
    unknownMandatory: 7,
    cryptoBinding: false,
  });
  // The R bit is ignored on receipt ([MS-PEAP] §2.2.4): C0 03 is still the Result TLV.
  assert.equal(readExtensions(hex("c0 03 00 02 00 01")).ok, true);
});

test("no TLV at all decodes, with no result", () => {
  assert.deepEqual(readExtensions(new Uint8Array(0)), {
    ok: true,
    result: undefined,
    unknownMandatory: undefined,
    cryptoBinding: false,
  });
});

test("a Length past the end, or 1 to 3 octets left over, is refused", () => {
  assert.deepEqual(readExtensions(hex("80 03 00 03 00 01")), { ok: false, reason: "tlv-overrun" });
  assert.deepEqual(readExtensions(hex("80 03 ff ff")), { ok: false, reason: "tlv-overrun" });
  for (const tail of ["80", "80 03", "80 03 00"]) {
    assert.deepEqual(readExtensions(join(encodeResultTlv("success"), hex(tail))), {
      ok: false,
      reason: "tlv-truncated",
    });
  }
});

test("more than MAX_TLVS TLVs are refused before they are all read", () => {
  const empty = hex("00 07 00 00");
  const most = join(...Array.from({ length: MAX_TLVS }, () => empty));
  assert.equal(decodeTlvs(most).ok, true);
  assert.deepEqual(decodeTlvs(join(most, empty)), { ok: false, reason: "too-many-tlvs" });
  // A megabyte of empty TLVs: refused at the ninth.
  const flood = new Uint8Array(1 << 20).fill(0);
  assert.deepEqual(decodeTlvs(flood), { ok: false, reason: "too-many-tlvs" });
});

test("a Result TLV of another Length or Status, or two of them, is refused", () => {
  assert.deepEqual(readExtensions(hex("80 03 00 01 01")), { ok: false, reason: "bad-result" });
  assert.deepEqual(readExtensions(hex("80 03 00 03 00 01 00")), {
    ok: false,
    reason: "bad-result",
  });
  assert.deepEqual(readExtensions(hex("80 03 00 02 00 00")), { ok: false, reason: "bad-result" });
  assert.deepEqual(readExtensions(hex("80 03 00 02 00 03")), { ok: false, reason: "bad-result" });
  assert.deepEqual(readExtensions(hex("80 03 00 02 01 01")), { ok: false, reason: "bad-result" });
  assert.deepEqual(
    readExtensions(join(encodeResultTlv("success"), encodeResultTlv("success"))),
    { ok: false, reason: "duplicate-result" },
  );
});

test("decodeTlvs gives each TLV's M bit, Type and Value", () => {
  const decoded = decodeTlvs(hex("80 03 00 02 00 01 40 0c 00 01 ff"));
  assert.ok(decoded.ok);
  assert.deepEqual(
    decoded.tlvs.map(({ mandatory, type, value }) => [mandatory, type, [...value]]),
    [[true, 3, [0, 1]], [false, 12, [0xff]]],
  );
});
