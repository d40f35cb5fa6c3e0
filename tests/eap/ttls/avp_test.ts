// Diameter AVPs as EAP-TTLS carries them (RFC 5281 §10.1): byte-exact
// encoding with and without a Vendor-ID, the padding, and every way the
// decoder refuses bytes without throwing.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  type Avp,
  decodeAvps,
  encodeAvps,
  MAX_AVPS,
  MAX_AVPS_LENGTH,
} from "../../../src/eap/ttls/avp.ts";

const hex = (text: string): Uint8Array =>
  Uint8Array.from(text.replace(/\s+/g, "").match(/../g) ?? [], (byte) => parseInt(byte, 16));
const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

function refusal(bytes: Uint8Array): string | undefined {
  const result = decodeAvps(bytes);
  return result.ok ? undefined : result.reason;
}

test("a RADIUS attribute as an AVP: code, M flag, 24-bit length without the padding, zeros to 4 octets", () => {
  const userName: Avp = { code: 1, vendorId: 0, mandatory: true, data: ascii("bob") };
  assert.deepEqual(encodeAvps([userName]), hex("00000001 4000000b 626f6200"));
  const five: Avp = { code: 60, vendorId: 0, mandatory: false, data: ascii("abcde") };
  assert.deepEqual(encodeAvps([five]), hex("0000003c 0000000d 6162636465 000000"));
  const empty: Avp = { code: 2, vendorId: 0, mandatory: true, data: new Uint8Array(0) };
  assert.deepEqual(encodeAvps([empty]), hex("00000002 40000008"));
  const aligned: Avp = { code: 79, vendorId: 0, mandatory: true, data: hex("02000004") };
  assert.deepEqual(encodeAvps([aligned]), hex("0000004f 4000000c 02000004"));
});

test("a vendor AVP: the V flag and the Vendor-ID, counted in the length", () => {
  // MS-CHAP-Challenge (311/11), 16 octets: 12 + 16 = 28, no padding.
  const challenge: Avp = {
    code: 11,
    vendorId: 311,
    mandatory: true,
    data: Uint8Array.from({ length: 16 }, (_, i) => i),
  };
  assert.deepEqual(
    encodeAvps([challenge]),
    hex("0000000b c000001c 00000137 000102030405060708090a0b0c0d0e0f"),
  );
  // MS-CHAP2-Success (311/26), Ident + "S=" + 40 hex: 12 + 43 = 55, one octet of padding.
  const success: Avp = {
    code: 26,
    vendorId: 311,
    mandatory: true,
    data: new Uint8Array([7, ...ascii(`S=${"A".repeat(40)}`)]),
  };
  const bytes = encodeAvps([success]);
  assert.equal(bytes.length, 56);
  assert.deepEqual(bytes.subarray(0, 12), hex("0000001a c0000037 00000137"));
  assert.equal(bytes[55], 0);
  // Without the M flag: V alone.
  const optional: Avp = { code: 2, vendorId: 311, mandatory: false, data: ascii("x") };
  assert.deepEqual(encodeAvps([optional]), hex("00000002 8000000d 00000137 78000000"));
});

test("several AVPs: each starts on a four-octet boundary, and they decode as given", () => {
  const avps: Avp[] = [
    { code: 1, vendorId: 0, mandatory: true, data: ascii("alice") },
    { code: 25, vendorId: 311, mandatory: true, data: new Uint8Array(50).fill(9) },
    { code: 0xffffffff, vendorId: 0xffffffff, mandatory: false, data: new Uint8Array(0) },
    { code: 18, vendorId: 0, mandatory: false, data: ascii("hi") },
  ];
  const bytes = encodeAvps(avps);
  assert.equal(bytes.length, 16 + 64 + 12 + 12);
  assert.deepEqual(bytes.subarray(16, 28), hex("00000019 c000003e 00000137"));
  assert.deepEqual(decodeAvps(bytes), { ok: true, avps });
});

test("decoding: empty is no AVP; the data is a copy; reserved flags are ignored", () => {
  assert.deepEqual(decodeAvps(new Uint8Array(0)), { ok: true, avps: [] });
  const bytes = hex("00000001 7f00000b 626f6200");
  const result = decodeAvps(bytes);
  assert.ok(result.ok);
  // 0x7f: M and every reserved bit; not V (RFC 5281 §10.1: reserved bits are ignored).
  assert.deepEqual(result.avps, [{ code: 1, vendorId: 0, mandatory: true, data: ascii("bob") }]);
  bytes[8] = 0x78;
  assert.deepEqual(result.avps[0]!.data, ascii("bob"));
});

test("decoding: the last AVP may lack its padding, as wpa_supplicant and hostapd accept", () => {
  assert.deepEqual(decodeAvps(hex("00000001 4000000b 626f62")), {
    ok: true,
    avps: [{ code: 1, vendorId: 0, mandatory: true, data: ascii("bob") }],
  });
  // Two of its three padding octets.
  assert.equal(decodeAvps(hex("00000001 4000000d 6162636465 0000")).ok, true);
});

test("decoding refuses every malformation with a reason, never a throw", () => {
  const cases: Array<[string, string]> = [
    ["avp-truncated", "00"],
    ["avp-truncated", "00000001 400000"],
    // A header's worth, but the V flag wants 4 more octets.
    ["avp-truncated", "0000000b c000001c 0000"],
    ["avp-length-too-short", "00000001 40000007 00"],
    ["avp-length-too-short", "00000001 40000000"],
    ["avp-length-too-short", "0000000b c000000b 00000137"],
    ["avp-overrun", "00000001 4000000c 626f62"],
    ["avp-overrun", "00000001 40ffffff 626f6200"],
    ["avp-bad-padding", "00000001 4000000b 626f6201"],
    ["avp-bad-padding", "00000001 4000000d 6162636465 000100 00000001 40000008"],
    ["avp-bad-vendor", "0000000b c000000c 00000000"],
    // A good AVP, then a truncated one.
    ["avp-truncated", "00000001 4000000b 626f6200 000000"],
  ];
  for (const [reason, bytes] of cases) {
    assert.equal(refusal(hex(bytes)), reason, bytes);
  }
  const result = decodeAvps(hex("00000001 4000000c 626f62"));
  assert.ok(!result.ok);
  assert.match(result.message, /AVP 1 at 0 says it is 12 octets; 11 are left/);
});

test("decoding bounds: at most 64 AVPs and 16 KiB", () => {
  const one = hex("00000012 00000008");
  const avps = (count: number): Uint8Array => {
    const out = new Uint8Array(count * one.length);
    for (let i = 0; i < count; i++) out.set(one, i * one.length);
    return out;
  };
  assert.equal(MAX_AVPS, 64);
  assert.equal(MAX_AVPS_LENGTH, 16384);
  const full = decodeAvps(avps(MAX_AVPS));
  assert.ok(full.ok && full.avps.length === 64);
  assert.equal(refusal(avps(MAX_AVPS + 1)), "avp-too-many");

  const big = (dataLength: number): Uint8Array =>
    encodeAvps([{ code: 79, vendorId: 0, mandatory: true, data: new Uint8Array(dataLength) }]);
  assert.equal(decodeAvps(big(MAX_AVPS_LENGTH - 8)).ok, true);
  assert.equal(refusal(big(MAX_AVPS_LENGTH - 7)), "avp-too-long");
});

test("encoding refuses what no AVP can hold, with a RangeError that says why", () => {
  const data = new Uint8Array(1);
  assert.throws(() => encodeAvps([{ code: -1, vendorId: 0, mandatory: true, data }]), RangeError);
  assert.throws(
    () => encodeAvps([{ code: 2 ** 32, vendorId: 0, mandatory: true, data }]),
    /AVP code must be an integer 0..4294967295/,
  );
  assert.throws(() => encodeAvps([{ code: 1.5, vendorId: 0, mandatory: true, data }]), RangeError);
  assert.throws(
    () => encodeAvps([{ code: 1, vendorId: 2 ** 32, mandatory: true, data }]),
    /AVP Vendor-ID/,
  );
  assert.throws(
    () =>
      encodeAvps([
        { code: 1, vendorId: 0, mandatory: true, data: "bob" as unknown as Uint8Array },
      ]),
    /must be a Uint8Array/,
  );
  const tooLong = new Uint8Array(0xffffff - 7);
  assert.throws(
    () => encodeAvps([{ code: 79, vendorId: 0, mandatory: true, data: tooLong }]),
    /24-bit AVP Length/,
  );
  assert.equal(
    encodeAvps([{ code: 79, vendorId: 0, mandatory: true, data: tooLong.subarray(1) }]).length,
    0x1000000,
  );
});

test("decoding random bytes never throws; what decodes re-encodes to the same AVPs", () => {
  // A small deterministic generator (xorshift32), so a failure can be replayed.
  let seed = 0x2545f491;
  const next = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed >>> 0;
  };
  let decoded = 0;
  for (let round = 0; round < 3000; round++) {
    let bytes: Uint8Array;
    if (round % 2 === 0) {
      bytes = Uint8Array.from({ length: next() % 96 }, () => next() & 0xff);
    } else {
      // Valid AVPs, then one octet changed or the end cut off, half of the time.
      const avps: Avp[] = Array.from({ length: 1 + (next() % 4) }, () => ({
        code: next() % 300,
        vendorId: next() % 3 === 0 ? 311 : 0,
        mandatory: next() % 2 === 0,
        data: Uint8Array.from({ length: next() % 20 }, () => next() & 0xff),
      }));
      bytes = encodeAvps(avps);
      if (next() % 2 === 0) bytes[next() % bytes.length] = next() & 0xff;
      if (next() % 4 === 0) bytes = bytes.subarray(0, next() % bytes.length);
    }
    const result = decodeAvps(bytes);
    if (!result.ok) continue;
    decoded++;
    const again = decodeAvps(encodeAvps(result.avps));
    assert.deepEqual(again, result);
  }
  assert.ok(decoded > 100, `only ${decoded} random inputs decoded`);
});
