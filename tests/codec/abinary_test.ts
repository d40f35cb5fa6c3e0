// Ascend binary filters (abinary): filter text compiled to the bytes
// FreeRADIUS 3.2 sends and printed as FreeRADIUS prints them. The ip and
// generic vectors are what radclient 3.2.1 sent for the same text
// (tests/interop/abinary_radclient_test.ts checks many more against it live).
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Dictionary } from "../../src/dictionary/dictionary.ts";
import { Packet } from "../../src/packet.ts";
import { Code } from "../../src/codec/code.ts";
import { ValueError } from "../../src/errors.ts";
import { compileFilter, decodeFilter, printFilter } from "../../src/codec/abinary.ts";
import { hex, toHex } from "./_helpers.ts";
import { anyCase, genericText, ipText } from "./_abinary_texts.ts";
import { formatAttribute } from "../../src/cli/output.ts";

// From FreeRADIUS's dictionary.ascend (CC-BY-4.0).
const dictionary = Dictionary.default().extend(`
VENDOR Ascend 529
BEGIN-VENDOR Ascend
ATTRIBUTE Ascend-Data-Filter 242 abinary
ATTRIBUTE Ascend-Call-Filter 243 abinary
END-VENDOR Ascend
`);

const SECRET = "s3cret";

/** Compiles text through the packet API and returns the Value field sent. */
function sent(text: string | Uint8Array): Uint8Array {
  const wire = Packet.create(Code.AccountingRequest, dictionary, { "Ascend-Data-Filter": text })
    .encode(SECRET);
  // 20-octet header, then 1a len 00000211 f2 len value
  assert.equal(wire[20], 26);
  assert.equal(wire[26], 242);
  return wire.subarray(28, 20 + wire[21]!);
}

/** What a decoded packet holds for a received Value field. */
function received(value: Uint8Array): string | Uint8Array {
  const attribute = new Uint8Array([26, value.length + 8, 0, 0, 2, 17, 242, value.length + 2]);
  const body = new Uint8Array([...attribute, ...value]);
  const datagram = new Uint8Array([4, 1, 0, 20 + body.length, ...new Uint8Array(16), ...body]);
  const packet = Packet.decode(datagram, { dictionary });
  // Bytes that print as no filter did not decode: get() skips them, getRaw() has them.
  return (packet.get("Ascend-Data-Filter") as string | undefined) ??
    packet.getRaw("Ascend-Data-Filter")!;
}

// Text, the bytes radclient 3.2.1 sent for it, and the text it printed.
const RADCLIENT_VECTORS: [string, string, string][] = [
  [
    "ip in drop tcp dstport > 1023",
    "01000100 00000000 00000000 0000 06 00 0000 03ff 00 03 00000000 000000000000",
    "ip in drop tcp dstport > 1023",
  ],
  [
    "ip out forward srcip 10.1.2.3 dstip 192.168.0.0/16 17 srcport = www est",
    "01010000 0a010203 c0a80000 08 10 11 01 0050 0000 02 00 00000000 000000000000",
    "ip out forward srcip 10.1.2.3/8 dstip 192.168.0.0/16 udp srcport = 80 est",
  ],
];

test("compileFilter() gives the bytes radclient sends and printFilter() the text it prints", () => {
  for (const [text, bytes, printed] of RADCLIENT_VECTORS) {
    assert.equal(toHex(compileFilter(text)), toHex(hex(bytes)), text);
    assert.equal(printFilter(hex(bytes)), printed);
    assert.equal(decodeFilter(hex(bytes)), printed);
  }
});

test("Ascend-Data-Filter text goes on the wire compiled, as FreeRADIUS sends it (issue 13 item 6)", () => {
  const wire = Packet.create(Code.AccountingRequest, dictionary, {
    "Ascend-Data-Filter": "ip in drop tcp dstport > 1023",
  }).encode(SECRET);
  // Vendor-Specific, length 40, Ascend (529), type 242, length 34, then the filter.
  assert.equal(
    toHex(wire.subarray(20)),
    "1a28000002" + "11f222" + "01000100" + "0".repeat(20) + "0600000003ff0003" + "0".repeat(20),
  );
  assert.equal(toHex(wire.subarray(20, 32)), "1a2800000211f22201000100");
});

test("abinary: generic filters compile as radclient does and print as FreeRADIUS 4 does", () => {
  const text = "generic in forward 12 ffffffffffff 080000000000 != more";
  const bytes = hex("00010100 000c 0006 0001 ffffffffffff 080000000000 01 000000 000000000000");
  assert.equal(toHex(compileFilter(text)), toHex(bytes));
  assert.equal(toHex(sent(text)), toHex(bytes));
  // FreeRADIUS 3.2 prints only "generic in forward" here (an off-by-one on the
  // mask length); FreeRADIUS 4 prints the whole filter, which compiles back.
  assert.equal(received(bytes), text);
  assert.equal(
    decodeFilter(compileFilter("GENERIC OUT DROP 0 00ff00ff00ff 0A0B0C0D0E0F")),
    "generic out drop 0 00ff00ff00ff 0a0b0c0d0e0f ==",
  );
  assert.equal(
    decodeFilter(compileFilter("generic in forward 65535 ffffffffffff 000000000000 more ==")),
    "generic in forward 65535 ffffffffffff 000000000000 == more",
  );
});

test("abinary: ipv6 filters compile to 48 octets and print back", () => {
  const text = "ipv6 in forward srcip 2001:db8::1/32 dstip ::ffff:1.2.3.4 udp dstport != 53";
  const bytes = hex(
    "03010100" + "20010db8" + "0".repeat(24) + "00000000000000000000ffff01020304" +
      "20 80 11 00 0000 0035 00 04 0000",
  );
  assert.equal(toHex(compileFilter(text)), toHex(bytes));
  assert.equal(
    received(bytes),
    "ipv6 in forward srcip 2001:db8::/32 dstip ::ffff:1.2.3.4/128 udp dstport != 53",
  );
  assert.equal(received(compileFilter("ipv6 out drop")), "ipv6 out drop 0");
  assert.deepEqual(
    received(compileFilter("ipv6 out drop dstip * srcip fe80::1:2/64 tcp srcport < 1024 est")),
    // "*" is the zero address with prefix 128, which prints as nothing: kept as bytes
    compileFilter("ipv6 out drop dstip * srcip fe80::1:2/64 tcp srcport < 1024 est"),
  );
  assert.equal(
    received(
      compileFilter("ipv6 out drop srcip fe80::1:2/64 dstip ::1.2.3.4 6 srcport < 1024 est"),
    ),
    "ipv6 out drop srcip fe80::/64 dstip ::1.2.3.4/128 tcp srcport < 1024 est",
  );
});

test("abinary: text is read as FreeRADIUS reads it (case, order, names, default masks)", () => {
  const cases: [string, string][] = [
    ["IP IN DROP TCP DSTPORT > 1023", "ip in drop tcp dstport > 1023"],
    ["ip\tin  drop\n est dstport = ftp-data icmp", "ip in drop icmp dstport = 20 est"],
    ["ip out forward dstip 10.1.2.3/0", "ip out forward dstip 10.1.2.3/8 0"],
    ["ip out forward dstip 172.16.0.1", "ip out forward dstip 172.16.0.1/16 0"],
    ["ip out forward dstip 192.0.2.1", "ip out forward dstip 192.0.2.1/24 0"],
    ["ip out forward dstip 224.0.0.1", "ip out forward dstip 224.0.0.1/32 0"],
    ["ip out forward dstip 10/8", "ip out forward dstip 10.0.0.0/8 0"],
    ["ip out forward dstip 10.1/", "ip out forward dstip 10.1.0.0/8 0"],
    ["ip out forward dstip 1.2.3./24", "ip out forward dstip 1.2.3.0/24 0"],
    ["ip out forward srcip 0.0.0.0 0", "ip out forward 0"],
    ["ip in forward ospf srcport != kerberos", "ip in forward ospf srcport != 88"],
    ["ip in forward", "ip in forward 0"],
    // fr_hex2bin reads 6 octets and FreeRADIUS ignores the rest of the word
    [
      "generic in drop 1 ffffffffffffXYZ 0102030405069",
      "generic in drop 1 ffffffffffff 010203040506 ==",
    ],
  ];
  for (const [text, printed] of cases) assert.equal(received(sent(text)), printed, text);
  // And what the packet holds when built is what a decoded one holds.
  const packet = Packet.create(Code.AccountingRequest, dictionary, {
    "Ascend-Data-Filter": ["IP IN DROP TCP DSTPORT > 1023", "ip out forward 0"],
  });
  assert.deepEqual(packet.getAll("Ascend-Data-Filter"), [
    "ip in drop tcp dstport > 1023",
    "ip out forward 0",
  ]);
});

test("abinary: 0x hex and Uint8Array values are sent as they are", () => {
  const [, bytes] = RADCLIENT_VECTORS[0]!;
  assert.equal(toHex(sent(`0x${toHex(hex(bytes))}`)), toHex(hex(bytes)));
  assert.equal(toHex(sent(`0X${toHex(hex(bytes)).toUpperCase()}`)), toHex(hex(bytes)));
  assert.equal(toHex(sent(hex("0102"))), "0102");
  assert.equal(toHex(sent("0x0102")), "0102");
  // Text that is a filter is held as its text, bytes that are not as bytes.
  const packet = Packet.create(Code.AccountingRequest, dictionary, {
    "Ascend-Data-Filter": `0x${toHex(hex(bytes))}`,
    "Ascend-Call-Filter": "0x0102",
  });
  assert.equal(packet.get("Ascend-Data-Filter"), "ip in drop tcp dstport > 1023");
  assert.deepEqual(packet.get("Ascend-Call-Filter"), hex("0102"));
});

test("abinary: text that does not compile is a ValueError saying why, never ASCII on the wire", () => {
  const bad: [string, RegExp][] = [
    ["ip in", /expected "ip\|ipv6\|generic in\|out forward\|drop/],
    ["", /expected "ip/],
    ["tcp in drop", /unknown filter type "tcp"; expected ip, ipv6 or generic/],
    ["ipx in drop", /IPX filters are not supported/],
    ["ip sideways drop", /unknown direction "sideways"/],
    ["ip in allow", /unknown action "allow"; expected forward or drop/],
    ["ip in drop gre", /unknown protocol "gre"/],
    ["ip in drop 256", /unknown protocol "256"/],
    ["ip in drop tcp udp", /unexpected "udp" \(the protocol is already given\)/],
    ["ip in drop dstport > 1023 tcp", /./], // accepted below: order is free
    ["ip in drop tcp dstport >= 1023", /unknown comparison ">=" after dstport/],
    ["ip in drop tcp dstport > 65536", /bad port "65536" after dstport/],
    ["ip in drop tcp dstport > http", /bad port "http"/],
    ["ip in drop tcp dstport >", /"dstport" needs a comparison and a port/],
    ["ip in drop srcip", /"srcip" needs an address/],
    ["ip in drop srcip 1.2.3.4 srcip 1.2.3.4", /"srcip" given twice/],
    ["ip in drop est est", /"est" given twice/],
    ["ip in drop srcip 1.2.3", /bad IPv4 address "1.2.3": fewer than four parts and no \/len/],
    ["ip in drop srcip 1.2.3.4.5", /more than four parts/],
    ["ip in drop srcip 1.2.3.256", /256 is over 255/],
    ["ip in drop srcip 1.2.3.4/33", /the mask length is over 32/],
    ["ip in drop srcip 1.2.3.4/-1", /is not a mask length/],
    ["ip in drop srcip 1.2.3.x", /is not a number/],
    ["ipv6 in drop srcip 1.2.3.4", /bad IPv6 address "1.2.3.4"/],
    ["ipv6 in drop srcip ::1/129", /the prefix length is over 128/],
    ["ipv6 in drop srcip */64", /bad IPv6 address/],
    ["generic in drop 1 ff", /a generic filter needs an offset, a mask and a value/],
    ["generic in drop 65536 ffffffffffff 000000000000", /bad offset "65536"/],
    ["generic in drop x ffffffffffff 000000000000", /bad offset "x"/],
    ["generic in drop 1 ffff 0000", /bad mask "ffff"; expected 6 octets as 12 hex digits/],
    ["generic in drop 1 ffffffffffff 00000000000g", /bad value "00000000000g"/],
    ["generic in drop 1 ffffffffffff 000000000000 == !=", /the comparison is already given/],
    ["generic in drop 1 ffffffffffff 000000000000 more more", /"more" given twice/],
    [
      "generic in drop 1 ffffffffffff 000000000000 less",
      /unexpected "less"; expected ==, != or more/,
    ],
    ["generic in drop 1 ffffffffffff 000000000000 == more x", /unexpected "x" after the generic/],
    ["0x123", /0x must be followed by an even number of hex digits/],
  ];
  for (const [text, reason] of bad) {
    if (text === "ip in drop dstport > 1023 tcp") {
      assert.equal(received(sent(text)), "ip in drop tcp dstport > 1023");
      continue;
    }
    const packet = Packet.create(Code.AccountingRequest, dictionary);
    assert.throws(
      () => packet.add("Ascend-Data-Filter", text),
      (error: unknown) => {
        assert.ok(error instanceof ValueError, String(error));
        assert.match(error.message, /^Invalid value ".*" for Ascend-Data-Filter \(abinary\): /);
        assert.match(error.message, reason, text);
        return true;
      },
    );
    assert.equal(packet.get("Ascend-Data-Filter"), undefined);
  }
  assert.throws(
    () => Packet.create(Code.AccountingRequest, dictionary, { "Ascend-Data-Filter": 5 as never }),
    /expected filter text such as "ip in drop tcp dstport > 1023", 0x… hex or a Uint8Array/,
  );
});

test("abinary: bytes FreeRADIUS would not print as a filter come back as bytes, re-sent as they came", () => {
  const ip = compileFilter("ip in drop tcp dstport > 1023");
  const variants: Uint8Array[] = [
    ip.subarray(0, 31), // too short
    new Uint8Array([...ip, 0]), // too long
    Uint8Array.from(ip, (b, i) => (i === 0 ? 2 : b)), // IPX
    Uint8Array.from(ip, (b, i) => (i === 0 ? 4 : b)), // no such type
    Uint8Array.from(ip, (b, i) => (i === 0 ? 3 : b)), // ipv6 needs 48 octets
    Uint8Array.from(ip, (b, i) => (i === 14 ? 47 : b)), // a protocol FreeRADIUS prints as "??"
    Uint8Array.from(ip, (b, i) => (i === 21 ? 5 : b)), // a comparison it prints as "??"
    Uint8Array.from(ip, (b, i) => (i === 1 ? 2 : b)), // forward 2 prints as drop
    Uint8Array.from(ip, (b, i) => (i === 3 || i === 31 ? 1 : b)), // fill that prints as nothing
    Uint8Array.from(ip, (b, i) => (i === 12 ? 24 : b)), // a mask for no address
    compileFilter("ip in drop srcip 0.0.0.0/24"),
    compileFilter("generic in forward"), // prints "generic in forward 0   ==", which does not compile
    Uint8Array.from(
      compileFilter("generic in drop 1 ffffffffffff 000000000000"),
      (b, i) => i === 7 ? 7 : b,
    ), // a mask longer than 6
  ];
  // No value is empty (RFC 2865 §5): an empty one is left out when received and refused when sent.
  assert.equal(received(new Uint8Array(0)), undefined);
  for (const bytes of variants) {
    assert.deepEqual(received(bytes), bytes, toHex(bytes));
    const wire = Packet.create(Code.AccountingRequest, dictionary, { "Ascend-Data-Filter": bytes })
      .encode(SECRET);
    assert.equal(toHex(wire.subarray(28)), toHex(bytes));
  }
  // A decoded packet re-encodes byte for byte.
  const datagram = Packet.create(Code.AccountingRequest, dictionary, {
    "Ascend-Data-Filter": variants,
  }).encode(SECRET);
  assert.equal(
    toHex(Packet.decode(datagram, { dictionary }).encode(SECRET)),
    toHex(datagram),
  );
});

/** A filter built from small field domains, so that many are ones FreeRADIUS prints. */
const structured = fc.tuple(
  fc.constantFrom(0, 1, 3),
  fc.array(fc.constantFrom(0, 0, 0, 1, 2, 6, 17, 24, 32, 47, 89, 128, 255), {
    minLength: 48,
    maxLength: 48,
  }),
).map(([type, fields]) => {
  const bytes = Uint8Array.from(fields);
  bytes[0] = type;
  return type === 3 ? bytes : bytes.subarray(0, 32);
});

test("abinary: arbitrary values never throw on decode, and printed text compiles back to them", () => {
  fc.assert(
    fc.property(
      fc.oneof(fc.uint8Array({ minLength: 1, maxLength: 60 }), structured),
      (bytes) => {
        const value = received(bytes);
        if (value instanceof Uint8Array) {
          assert.deepEqual(value, bytes);
        } else {
          assert.equal(value, printFilter(bytes));
          assert.equal(toHex(compileFilter(value)), toHex(bytes));
        }
      },
    ),
    { numRuns: 2000, seed: 20261202 },
  );
});

test("abinary: every filter text compiles, and what decodes compiles back to the same bytes", () => {
  fc.assert(
    fc.property(fc.oneof(ipText(false), ipText(true), genericText), fc.nat(), (text, seed) => {
      const bytes = compileFilter(anyCase(text, seed));
      assert.equal(bytes.length, text.startsWith("ipv6") ? 48 : 32);
      assert.deepEqual(compileFilter(text), bytes);
      const value = received(bytes);
      if (typeof value === "string") {
        assert.deepEqual(compileFilter(value), bytes, `${text} printed as ${value}`);
        assert.deepEqual(received(sent(value)), value);
      } else {
        assert.deepEqual(value, bytes);
      }
      // generic filters and ip filters with known names always print back
      if (text.startsWith("generic")) assert.equal(typeof value, "string", text);
    }),
    { numRuns: 1000, seed: 20261202 },
  );
});

test("formatAttribute() quotes filter text as radclient prints it, and shows other bytes as 0x", () => {
  const packet = Packet.create(Code.AccountingRequest, dictionary, {
    "Ascend-Data-Filter": "ip in drop tcp dstport > 1023",
    "Ascend-Call-Filter": "0x0102",
  });
  assert.deepEqual(packet.attributes().map((a) => formatAttribute(a)), [
    'Ascend-Data-Filter = "ip in drop tcp dstport > 1023"',
    "Ascend-Call-Filter = 0x0102",
  ]);
});
