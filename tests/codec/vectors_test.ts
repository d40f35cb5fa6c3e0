// Known-answer vectors: RFC 2865 §7 and the pyrad/pyrad2 test suites.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Dictionary } from "../../src/dictionary/dictionary.ts";
import { Packet } from "../../src/packet.ts";
import { Code } from "../../src/codec/code.ts";
import { checkRequest, checkResponse, computeAuthenticator } from "../../src/codec/packet_codec.ts";
import { hideUserPassword } from "../../src/codec/hiding.ts";
import { ascii, hex, testDictionary, toHex } from "./_helpers.ts";

const AUTH = ascii("0123456789ABCDEF");

/** Encodes the attributes of a packet and returns the hex after the 20-byte header. */
function attributesHex(
  attributes: Record<string, unknown>,
  dictionary: Dictionary = testDictionary,
): string {
  const packet = Packet.create(Code.AccountingRequest, dictionary, attributes as never, { id: 0 });
  return toHex(packet.encode("secret").subarray(20));
}

function decodeAttributes(attrHex: string, dictionary: Dictionary = testDictionary): Packet {
  const body = hex(attrHex);
  const datagram = new Uint8Array(20 + body.length);
  datagram.set([Code.AccountingRequest, 0, datagram.length >> 8, datagram.length & 0xff]);
  datagram.set(body, 20);
  return Packet.decode(datagram, { dictionary, secret: "secret" });
}

test("Packet.decode() reads the RFC 2865 §7.1 Access-Request and reveals its password", () => {
  const datagram = hex(
    "010000380f403f9473978057bd83d5cb98f4227a01066e656d6f02120dbe708d93d413ce3196e43f782a0aee0406c0a80110050600000003",
  );
  const packet = Packet.decode(datagram, { dictionary: testDictionary, secret: "xyzzy5461" });
  assert.equal(packet.code, Code.AccessRequest);
  assert.equal(packet.id, 0);
  assert.equal(packet.get("User-Name"), "nemo");
  assert.equal(packet.get("User-Password"), "arctangent");
  assert.equal(packet.get("NAS-IP-Address"), "192.168.1.16");
  assert.equal(packet.get("NAS-Port"), 3);
  // Verification without a Message-Authenticator, as RFC 2865 clients send.
  assert.equal(checkRequest(datagram, ascii("xyzzy5461"), false), undefined);
  assert.equal(checkRequest(datagram, ascii("xyzzy5461"), true), "missing-message-authenticator");
});

test("Packet.encode() reproduces the RFC 2865 §7.1 Access-Request byte for byte", () => {
  const request = Packet.create(Code.AccessRequest, testDictionary, {
    "User-Name": "nemo",
    "User-Password": "arctangent",
    "NAS-IP-Address": "192.168.1.16",
    "NAS-Port": 3,
  }, { id: 0, authenticator: hex("0f403f9473978057bd83d5cb98f4227a") });
  const bytes = request.encode("xyzzy5461");
  // radkit puts a Message-Authenticator first; the rest is the RFC's packet.
  assert.equal(toHex(bytes.subarray(20, 22)), "5012");
  assert.equal(
    toHex(bytes.subarray(38)),
    "01066e656d6f02120dbe708d93d413ce3196e43f782a0aee0406c0a80110050600000003",
  );
  assert.equal(checkRequest(bytes, ascii("xyzzy5461"), true), undefined);
});

test("checkResponse() verifies the RFC 2865 §7.1 Access-Accept against its request", () => {
  const requestAuth = hex("0f403f9473978057bd83d5cb98f4227a");
  const accept = hex(
    "0200002686fe220e7624ba2a1005f6bf9b55e0b20606000000010f06000000000e06c0a80103",
  );
  assert.equal(checkResponse(accept, ascii("xyzzy5461"), requestAuth, false), undefined);
  assert.equal(checkResponse(accept, ascii("wrong"), requestAuth, false), "bad-authenticator");
  const request = Packet.create(Code.AccessRequest, testDictionary, {}, {
    id: 0,
    authenticator: requestAuth,
  });
  const packet = Packet.decode(accept, {
    dictionary: testDictionary,
    secret: "xyzzy5461",
    request,
  });
  assert.equal(packet.get("Service-Type"), "Login-User");
  assert.equal(packet.get("Login-Service"), "Telnet");
  assert.equal(packet.get("Login-IP-Host"), "192.168.1.3");
});

test("computeAuthenticator() gives pyrad's reply authenticator of an empty packet", () => {
  const packet = new Uint8Array(20);
  packet[3] = 20;
  assert.equal(
    toHex(
      computeAuthenticator(
        packet,
        20,
        ascii("01234567890ABCDE"),
        ascii("secret"),
        new Uint8Array(16),
        0,
      ),
    ),
    "5596b43997ebf849a01cf88e6c8d15e3",
  );
});

test('hideUserPassword() hides pyrad\'s "Simplon" vector', () => {
  assert.equal(
    toHex(hideUserPassword(ascii("Simplon"), ascii("secret"), ascii("01234567890ABCDE"))),
    "8dbbaad5fce1b2affd739155d20f7ea5",
  );
});

const attributeVectors: [string, Record<string, unknown>, string][] = [
  ["VSA default format (vendor 9)", { "Cisco-AVPair": "hello" }, "1a0d000000090107 68656c6c6f"],
  ["VSA format=4,2 (vendor 100)", { "Test42-Text": "hi" }, "1a0e00000064000000070008 6869"],
  ["vendor TLV (vendor 16, TLV 3)", {
    "TestV-TLV": { "TestV-TLV-Str": "value", "TestV-TLV-Int": 2 },
  }, "1a1500000010030f010776616c756502060000 0002"],
  [
    'concat, 300 × "A"',
    { "EAP-Message": ascii("A".repeat(300)) },
    `4fff${"41".repeat(253)}4f31${"41".repeat(47)}`,
  ],
  ["extended 241.1", { "Ext-Integer": 5 }, "f1070100000005"],
  ["nested extended TLV 241.5.1", { "Ext-TLV": { "Ext-TLV-Integer": 7 } }, "f109050106 00000007"],
  ['long-extended 245.1 "hello"', { "Long-String": "hello" }, "f509010068656c6c6f"],
  ["EVS 241.26, vendor 12345", { "Test-EVS-Text": "hello" }, "f10d1a000030390168656c6c6f"],
  ["WiMAX format=1,1,c", { "WiMAX-Capability": "hello" }, "1a0e000060b501080068656c6c6f"],
  ["ipv4prefix", { "Framed-IPv4-Prefix": "192.0.2.0/24" }, "aa080018c0000200"],
  // Written as FreeRADIUS prints it (%x:%x:%x:%x).
  ["ifid", { "Framed-Interface-Id": "11:2233:4455:6677" }, "600a0011223344556677"],
];

for (const [name, attributes, expected] of attributeVectors) {
  test(`Packet.encode() writes the pyrad vector: ${name}`, () => {
    assert.equal(attributesHex(attributes), expected.replace(/\s+/g, ""));
  });
  test(`Packet.decode() reads the pyrad vector back: ${name}`, () => {
    const packet = decodeAttributes(expected);
    const [[attrName, value]] = Object.entries(attributes) as [[string, unknown]];
    assert.deepEqual(packet.get(attrName), value);
    assert.equal(packet.attributes().length, 1);
  });
}

test("Packet.encode() fragments a 500-byte long-extended value as pyrad does", () => {
  const value = new Uint8Array(500).map((_, i) => i & 0xff);
  const out = attributesHex({ "Long-Octets": value });
  assert.equal(out.slice(0, 8), "f5ff0280");
  assert.equal(out.slice(8 + 251 * 2, 8 + 251 * 2 + 8), "f5fd0200");
  assert.equal(out.length, (4 + 251 + 4 + 249) * 2);
  assert.deepEqual(decodeAttributes(out).get("Long-Octets"), value);
});

test("Packet.encode() writes pyrad's top-level TLV and array vectors", () => {
  const dictionary = Dictionary.parse(
    [
      "ATTRIBUTE Test-Tlv 4 tlv",
      "ATTRIBUTE Test-Tlv-Str 4.1 string",
      "ATTRIBUTE Test-Tlv-Int 4.2 integer",
      "ATTRIBUTE Test-Ip-Array 3 ipaddr array",
    ].join("\n"),
  );
  assert.equal(
    attributesHex({ "Test-Tlv": { "Test-Tlv-Str": "value", "Test-Tlv-Int": 2 } }, dictionary),
    "040f010776616c75650206" + "00000002",
  );
  assert.equal(
    attributesHex({ "Test-Ip-Array": ["10.0.0.1", "10.0.0.2", "10.0.0.3"] }, dictionary),
    "030e0a0000010a0000020a000003",
  );
  assert.deepEqual(
    decodeAttributes("030e0a0000010a0000020a000003", dictionary).getAll("Test-Ip-Array"),
    [
      "10.0.0.1",
      "10.0.0.2",
      "10.0.0.3",
    ],
  );
});

test("Packet.decode() keeps pyrad's short ipv4prefix as bytes, as FreeRADIUS 3.2 does (RFC 8044 §3.11: 6 octets)", () => {
  assert.deepEqual(
    decodeAttributes("aa0600100a01").getRaw("Framed-IPv4-Prefix"),
    Uint8Array.of(0, 0x10, 0x0a, 0x01),
  );
});

test('pyrad full packets (secret "secret") decode and verify', () => {
  const secret = ascii("secret");
  const request = hex(
    "0101003f303132333435363738394142434445460107616c696365 02128dbd471f66396f860f0f1f0c39946490 501274420184130f8c87be2b540a42428793",
  );
  assert.equal(checkRequest(request, secret, true), undefined);
  const decoded = Packet.decode(request, { dictionary: testDictionary, secret });
  assert.equal(decoded.get("User-Name"), "alice");
  assert.equal(decoded.get("User-Password"), "hunter2");

  const accept = hex(
    "0201002ac0aca7a19a59c1feae5aae845d59fafd12046f6b5012132e337f9538446aab3e0ed521fe577c",
  );
  assert.equal(checkResponse(accept, secret, AUTH, true), undefined);
  assert.equal(
    Packet.decode(accept, { dictionary: testDictionary, request: decoded }).get("Reply-Message"),
    "ok",
  );

  const status = hex(
    "0c02002630313233343536373839414243444546 50127e413f69130eb845d1c441aa8b0312f8",
  );
  assert.equal(checkRequest(status, secret, true), undefined);
  const bare = hex("0c01001430313233343536373839414243444546");
  assert.equal(checkRequest(bare, secret, true), "missing-message-authenticator");

  const accounting = hex("0403002180a39f1505a55012095f78dbbb920b080107616c696365280600000001");
  assert.equal(checkRequest(accounting, secret, false), undefined);
  const ours = Packet.create(Code.AccountingRequest, testDictionary, {
    "User-Name": "alice",
    "Acct-Status-Type": "Start",
  }, { id: 3 });
  assert.equal(toHex(ours.encode("secret")), toHex(accounting));
});

test("RFC 2865 §7.2 CHAP Access-Request decodes", () => {
  const request = hex(
    "010100472aee86f08d0d55969ca5978e0d3367a2" + "0108666c6f707379" +
      "031316e97557c316185895f293ff6344077275" +
      "0406c0a80110" + "050600000014" + "060600000002" + "070600000001",
  );
  const packet = Packet.decode(request, { dictionary: testDictionary, secret: "xyzzy5461" });
  assert.equal(packet.get("User-Name"), "flopsy");
  assert.deepEqual(packet.get("CHAP-Password"), hex("16e97557c316185895f293ff6344077275"));
  assert.equal(packet.get("NAS-IP-Address"), "192.168.1.16");
  assert.equal(packet.get("NAS-Port"), 20);
  assert.equal(packet.get("Service-Type"), "Framed-User");
  assert.equal(packet.attributes().length, 6);
});

test("RFC 2865 §7.3 Access-Challenge decodes", () => {
  const challenge = hex(
    "0b02004e36f3c8764ae8c71157403c0c71ff9c45" +
      "1230" +
      "4368616c6c656e6765203332373639343330 2e2020456e74657220726573706f6e73652061742070726f6d70742e" +
      "180a" + "3332373639343330",
  );
  const request = Packet.create("Access-Request", testDictionary, {}, { id: 2 });
  const packet = Packet.decode(challenge, { dictionary: testDictionary, request });
  assert.equal(packet.codeName, "Access-Challenge");
  assert.equal(packet.get("Reply-Message"), "Challenge 32769430.  Enter response at prompt.");
  assert.deepEqual(packet.get("State"), ascii("32769430"));
});
