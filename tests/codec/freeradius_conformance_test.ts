// Regressions where radkit read or wrote values differently from FreeRADIUS
// 3.2: long encrypt=1 values, zero-length values, unknown RFC 6929
// attributes and IP prefixes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Code } from "../../src/codec/code.ts";
import { Dictionary } from "../../src/dictionary/dictionary.ts";
import { ValueError } from "../../src/errors.ts";
import { Packet } from "../../src/packet.ts";
import { hex, toHex } from "./_helpers.ts";

const SECRET = "s3cret";
const dictionary: Dictionary = Dictionary.default();
const aruba = dictionary.extend(
  "VENDOR Aruba 14823\nBEGIN-VENDOR Aruba\n" +
    "ATTRIBUTE Aruba-MPSK-Lookup-Info 66 string encrypt=1\nEND-VENDOR Aruba\n",
);

/** RFC 2865 §5.2 hiding, written independently of radkit's MD5 and hiding code. */
function referenceHide(plain: Uint8Array, secret: string, vector: Uint8Array): Uint8Array {
  const length = Math.max(16, Math.ceil(plain.length / 16) * 16);
  const out = new Uint8Array(length);
  out.set(plain);
  let previous = vector;
  for (let block = 0; block < length; block += 16) {
    const pad = createHash("md5").update(secret).update(previous).digest();
    for (let i = 0; i < 16; i++) out[block + i]! ^= pad[i]!;
    previous = out.subarray(block, block + 16);
  }
  return out;
}

/** A datagram: `packet`'s header with `attributes` after it. */
function withAttributes(packet: Packet, attributes: Uint8Array): Uint8Array {
  const header = packet.encode(SECRET).subarray(0, 20);
  const datagram = new Uint8Array(20 + attributes.length);
  datagram.set(header);
  datagram.set(attributes, 20);
  datagram[2] = datagram.length >> 8;
  datagram[3] = datagram.length & 0xff;
  return datagram;
}

test("encrypt=1 values over 128 octets are revealed (FreeRADIUS 3.2.4+ sends them)", () => {
  const request = Packet.create(Code.AccessRequest, aruba, {});
  for (const n of [129, 144, 200, 240]) {
    const plain = new TextEncoder().encode("m".repeat(n));
    const hidden = referenceHide(plain, SECRET, request.authenticator);
    const vsa = Uint8Array.of(26, 8 + hidden.length, 0, 0, 0x39, 0xe7, 66, 2 + hidden.length);
    const datagram = withAttributes(request, Uint8Array.from([...vsa, ...hidden]));
    const decoded = Packet.decode(datagram, { dictionary: aruba, secret: SECRET });
    assert.equal(decoded.get("Aruba-MPSK-Lookup-Info"), "m".repeat(n), `${n} bytes`);
  }
});

test("encrypt=1 values other than User-Password may be longer than 128 octets", () => {
  const request = Packet.create(Code.AccessRequest, aruba, {
    "Aruba-MPSK-Lookup-Info": "k".repeat(200),
  });
  const datagram = request.encode(SECRET);
  const hidden = datagram.subarray(datagram.length - 208);
  assert.equal(
    toHex(hidden),
    toHex(referenceHide(new TextEncoder().encode("k".repeat(200)), SECRET, request.authenticator)),
  );
  const decoded = Packet.decode(datagram, { dictionary: aruba, secret: SECRET });
  assert.equal(decoded.get("Aruba-MPSK-Lookup-Info"), "k".repeat(200));
  // One attribute holds at most 240 hidden octets; a VSA a little less.
  assert.throws(
    () => request.set("Aruba-MPSK-Lookup-Info", "k".repeat(241)),
    /limited to 240 bytes/,
  );
  // RFC 2865 §5.2 still limits User-Password itself to 128.
  assert.throws(
    () => Packet.create(Code.AccessRequest, dictionary, { "User-Password": "p".repeat(129) }),
    /RFC 2865 §5.2 allows at most 128/,
  );
});

test("zero-length values are refused when added, with what to do instead (RFC 2865 §5)", () => {
  const request = Packet.create(Code.AccessRequest, dictionary, {});
  for (
    const [name, value] of [
      ["User-Name", ""],
      ["Class", new Uint8Array(0)],
      ["Class", "0x"],
      ["Tunnel-Private-Group-Id", ""],
    ] as const
  ) {
    assert.throws(() => request.add(name, value as string), (error: unknown) => {
      assert.ok(error instanceof ValueError, name);
      assert.match(error.message, /at least one octet \(RFC 2865 §5\); leave the attribute out/);
      return true;
    });
  }
  assert.equal(request.attributes().length, 0);
  // An empty User-Password hides to 16 octets, as FreeRADIUS sends it.
  const empty = Packet.create(Code.AccessRequest, dictionary, { "User-Password": "" });
  assert.equal(empty.encode(SECRET)[21], 18);
});

test("zero-length attributes on the wire are left out, as FreeRADIUS does, but for CUI", () => {
  const request = Packet.create(Code.AccessRequest, dictionary, {});
  // User-Name "", Class "", Chargeable-User-Identity "", NAS-Port 5
  const datagram = withAttributes(request, hex("010219025902050600000005"));
  const decoded = Packet.decode(datagram, { dictionary });
  assert.deepEqual(decoded.attributes().map((a) => a.name), [
    "Chargeable-User-Identity",
    "NAS-Port",
  ]);
  // The WiMAX empty CUI can be re-sent (proxied) as FreeRADIUS does.
  assert.ok(toHex(decoded.encode(SECRET)).endsWith("5902" + "050600000005"));
});

test("unknown extended attributes hold their data alone and are re-sent byte for byte", () => {
  const request = Packet.create(Code.AccountingRequest, dictionary, {});
  const cases: [string, string, string][] = [
    // The example: long-extended 245, EVS, vendor 1, vendor type 6, data 01.
    ["f50a1a00000000010601", "Attr-245.26.1.6", "01"],
    ["f1050b0102", "Attr-241.11", "0102"],
    // Long-extended, fragmented over two attributes (RFC 6929 §2.2).
    ["f5078b80010203f5068b000405", "Attr-245.139", "0102030405"],
    ["f50a1a80000000010601f5051a0002", "Attr-245.26.1.6", "0102"],
  ];
  for (const [wire, name, value] of cases) {
    const datagram = withAttributes(request, hex(wire));
    const decoded = Packet.decode(datagram, { dictionary });
    const [attribute] = decoded.attributes();
    assert.equal(attribute?.name, name, wire);
    assert.equal(toHex(attribute?.value as Uint8Array), value, wire);
    assert.equal(toHex(decoded.encode(SECRET).subarray(20)), wire, `${wire} re-encoded`);
  }
});

test("IP prefixes read as FreeRADIUS reads them: Reserved ignored, bits shown as sent", () => {
  const request = Packet.create(Code.AccessRequest, dictionary, {});
  // A prefix that does not decode has no value; its bytes stay reachable through getRaw().
  const read = (wire: string, name: string) => {
    const packet = Packet.decode(withAttributes(request, hex(wire.replaceAll(" ", ""))), {
      dictionary,
    });
    return packet.get(name) ?? packet.getRaw(name);
  };
  // Framed-IPv6-Prefix (97, RFC 3162) and PMIP6-Home-IPv4-HoA (155, RFC 6572).
  assert.equal(read("6108 0020 20010db8", "Framed-IPv6-Prefix"), "2001:db8::/32");
  assert.equal(read("6108 0520 20010db8", "Framed-IPv6-Prefix"), "2001:db8::/32");
  assert.equal(read("610a 0020 20010db8 0001", "Framed-IPv6-Prefix"), "2001:db8:1::/32");
  assert.equal(read("6104 0040", "Framed-IPv6-Prefix"), "::/64");
  assert.ok(read("6108 0081 20010db8", "Framed-IPv6-Prefix") instanceof Uint8Array); // /129
  assert.equal(read("9b08 0018 c0000200", "PMIP6-Home-IPv4-HoA"), "192.0.2.0/24");
  assert.equal(read("9b08 0718 c0000200", "PMIP6-Home-IPv4-HoA"), "192.0.2.0/24");
  assert.equal(read("9b08 0018 c0000207", "PMIP6-Home-IPv4-HoA"), "192.0.2.7/24");
  assert.ok(read("9b08 0021 c0000200", "PMIP6-Home-IPv4-HoA") instanceof Uint8Array); // /33
  // Sent, the Reserved octet is zero and the bits past the length are cleared (RFC 3162 §2.3).
  const sent = Packet.create(Code.AccountingRequest, dictionary, {
    "Framed-IPv6-Prefix": "2001:db8::1/32",
    "PMIP6-Home-IPv4-HoA": "192.0.2.7/24",
  }).encode(SECRET).subarray(20);
  assert.equal(toHex(sent), "6108002020010db8" + "9b080018c0000200");
});

test("NAS-Filter-Rule values are packed with a NUL between rules, as FreeRADIUS sends them", () => {
  const packet = Packet.create(Code.AccountingRequest, dictionary, {
    "NAS-Filter-Rule": ["hello", "bob"],
  });
  const datagram = packet.encode(SECRET);
  assert.equal(toHex(datagram.subarray(20)), "5c0b68656c6c6f00626f62"); // RFC 4849 §2
  assert.deepEqual(Packet.decode(datagram, { dictionary }).getAll("NAS-Filter-Rule"), [
    "hello",
    "bob",
  ]);
  // A rule over 253 octets spans attributes; the next rule follows its NUL.
  const long = ["r".repeat(300), "s".repeat(250), "t"];
  const packed = Packet.create(Code.AccountingRequest, dictionary, { "NAS-Filter-Rule": long })
    .encode(SECRET);
  const lengths = [];
  for (let p = 20; p < packed.length; p += packed[p + 1]!) {
    assert.equal(packed[p], 92);
    lengths.push(packed[p + 1]);
  }
  assert.deepEqual(lengths, [255, 255, 49]); // 300 + 1 + 250 + 1 + 1 = 553 = 253 + 253 + 47
  assert.deepEqual(Packet.decode(packed, { dictionary }).getAll("NAS-Filter-Rule"), long);
});

test("NAS-Filter-Rule: consecutive attributes are one stream of rules when read", () => {
  const request = Packet.create(Code.AccountingRequest, dictionary, {});
  const read = (wire: string) =>
    Packet.decode(withAttributes(request, hex(wire)), { dictionary }).getAll("NAS-Filter-Rule");
  // One rule per attribute without NULs (older radkit, pyrad) is one rule to FreeRADIUS.
  assert.deepEqual(read("5c0768656c6c6f5c05626f62"), ["hellobob"]);
  // Empty rules (consecutive or trailing NULs) are skipped.
  assert.deepEqual(read("5c08610000620000"), ["a", "b"]);
  // Another attribute in between starts a new stream.
  assert.deepEqual(read("5c0361" + "0506" + "00000001" + "5c0362"), ["a", "b"]);
});

test("NAS-Filter-Rule refuses a NUL inside a rule, which would end it", () => {
  assert.throws(
    () => Packet.create(Code.AccountingRequest, dictionary, { "NAS-Filter-Rule": "a\0b" }),
    /cannot hold a NUL, which ends a rule \(RFC 4849 §2\)/,
  );
});

test("every leaf of nested TLVs is read, where FreeRADIUS 3.2 loses one (DIFFERENCES.md)", () => {
  const wimax = dictionary.extend(
    "VENDOR WiMAX 24757 format=1,1,c\nBEGIN-VENDOR WiMAX\n" +
      "ATTRIBUTE WiMAX-PFDv2 84 tlv\n" +
      "ATTRIBUTE WiMAX-PFDv2-Classifier 84.9 tlv\n" +
      "ATTRIBUTE WiMAX-PFDv2-Src-Spec 84.9.5 tlv\n" +
      "ATTRIBUTE WiMAX-PFDv2-Src-IP-Address 84.9.5.1 combo-ip\n" +
      "ATTRIBUTE WiMAX-PFDv2-Src-MAC-Address 84.9.5.8 ether\n" +
      "ATTRIBUTE WiMAX-PFDv2-Classifier-Eth-Option 84.9.9 tlv\n" +
      "ATTRIBUTE WiMAX-PFDv2-Eth-VLAN-Id 84.9.9.2 tlv\n" +
      "ATTRIBUTE WiMAX-PFDv2-Eth-VLAN-Id-C-VID 84.9.9.2.2 integer\n" +
      "END-VENDOR WiMAX\n",
  );
  // What radclient 3.2.1 sends for the three leaves; it prints the same bytes
  // back without Src-IP-Address (rad_data2vp_tlvs advances its tail by one
  // pair after the Src-Spec child, which decoded to two).
  const vsa = hex("1a25000060b5541f00091c05100808000000000000010600000000090a020802060000000a");
  const datagram = withAttributes(Packet.create(Code.AccountingRequest, wimax, {}), vsa);
  const decoded = Packet.decode(datagram, { dictionary: wimax });
  const pfd = decoded.get("WiMAX-PFDv2") as Record<string, unknown> | undefined;
  assert.deepEqual(pfd?.["WiMAX-PFDv2-Classifier"], {
    "WiMAX-PFDv2-Src-Spec": {
      "WiMAX-PFDv2-Src-MAC-Address": "00:00:00:00:00:00",
      "WiMAX-PFDv2-Src-IP-Address": "0.0.0.0",
    },
    "WiMAX-PFDv2-Classifier-Eth-Option": {
      "WiMAX-PFDv2-Eth-VLAN-Id": { "WiMAX-PFDv2-Eth-VLAN-Id-C-VID": 10 },
    },
  });
  assert.equal(toHex(decoded.encode("x").subarray(20)), toHex(vsa));
});
