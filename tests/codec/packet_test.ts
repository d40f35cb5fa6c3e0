import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeOwnedDatagram, Packet } from "../../src/packet.ts";
import { Code } from "../../src/codec/code.ts";
import { checkRequest, checkResponse } from "../../src/codec/packet_codec.ts";
import { addChapPassword, verifyChapPassword } from "../../src/chap.ts";
import {
  MalformedPacketError,
  PacketTooLargeError,
  UnknownAttributeError,
  ValueError,
} from "../../src/errors.ts";
import { ascii, hex, testDictionary as dictionary, toHex } from "./_helpers.ts";
import { Dictionary } from "../../src/dictionary/dictionary.ts";

const SECRET = "s3cret";

function roundTrip(packet: Packet, secret = SECRET): Packet {
  const request = packet.request;
  return Packet.decode(packet.encode(secret), {
    dictionary,
    secret,
    ...(request ? { request } : {}),
  });
}

test("Packet.encode() hides a 128-byte User-Password and decode() reveals it", () => {
  const password = "p".repeat(128);
  const request = Packet.create(Code.AccessRequest, dictionary, { "User-Password": password });
  const bytes = request.encode(SECRET);
  assert.ok(
    !toHex(bytes).includes(toHex(ascii("pppppppp"))),
    "the password must not be on the wire",
  );
  assert.equal(roundTrip(request).get("User-Password"), password);
  assert.throws(() => request.set("User-Password", "p".repeat(129)), ValueError);
});

test("Packet.decode() with the wrong secret yields bytes, not a garbage string", () => {
  const request = Packet.create(Code.AccessRequest, dictionary, { "User-Password": "hello" }, {
    authenticator: new Uint8Array(16).fill(1),
  });
  const decoded = Packet.decode(request.encode("right"), { dictionary, secret: "wrong-secret" });
  const value = decoded.get("User-Password");
  assert.ok(value instanceof Uint8Array, `expected bytes, got ${JSON.stringify(value)}`);
  assert.equal(decoded.attributes().find((a) => a.name === "User-Password")?.raw?.length, 16);
});

test("Tunnel-Password keeps its tag before the salt and round-trips (RFC 2868 §3.5)", () => {
  const request = Packet.create(Code.AccessRequest, dictionary, {});
  const reply = request.reply(Code.AccessAccept, {
    "Tunnel-Type": { tag: 1, value: "L2TP" },
    "Tunnel-Password": { tag: 1, value: "tunnel secret" },
  });
  const bytes = reply.encode(SECRET);
  const attrs = bytes.subarray(38); // after header and Message-Authenticator
  assert.equal(toHex(attrs.subarray(0, 6)), "400601000003"); // Tunnel-Type, tag 1, L2TP
  assert.equal(attrs[6], 69);
  assert.equal(attrs[8], 1, "tag");
  assert.ok((attrs[9]! & 0x80) !== 0, "salt high bit set");
  const decoded = Packet.decode(bytes, { dictionary, secret: SECRET, request });
  const password = decoded.attributes().find((a) => a.name === "Tunnel-Password");
  assert.equal(password?.value, "tunnel secret");
  assert.equal(password?.tag, 1);
  assert.equal(decoded.attributes().find((a) => a.name === "Tunnel-Type")?.tag, 1);
  assert.equal(decoded.get("Tunnel-Type"), "L2TP");
});

test("hidden values are checked at their hidden length when added, not first at encode", () => {
  const request = Packet.create(Code.AccessRequest, dictionary, {});
  // Tag, salt, then length octet + value padded to 16s: 239 bytes take 1 + 2 + 240 = 243 of
  // the 253 an attribute holds; 240 bytes would take 1 + 2 + 256.
  const fits = request.reply(Code.AccessAccept, {
    "Tunnel-Password": { tag: 1, value: "x".repeat(239) },
  });
  const bytes = fits.encode(SECRET);
  const decoded = Packet.decode(bytes, { dictionary, secret: SECRET, request });
  assert.equal(decoded.get("Tunnel-Password"), "x".repeat(239));
  const reply = request.reply(Code.AccessAccept);
  assert.throws(
    () => reply.add("Tunnel-Password", { tag: 1, value: "x".repeat(240) }),
    (error: unknown) => error instanceof ValueError && /Tunnel-Password/.test(error.message),
  );
  assert.equal(reply.has("Tunnel-Password"), false);
  // User-Password pads to 16s, 128 bytes at most (RFC 2865 §5.2).
  assert.throws(
    () => Packet.create(Code.AccessRequest, dictionary, { "User-Password": "p".repeat(129) }),
    (error: unknown) => error instanceof ValueError && /128/.test(error.message),
  );
  const longest = Packet.create(Code.AccessRequest, dictionary, {
    "User-Password": "p".repeat(128),
  });
  const received = Packet.decode(longest.encode(SECRET), { dictionary, secret: SECRET });
  assert.equal(received.get("User-Password"), "p".repeat(128));
});

test("tagged text attributes: tag byte only when tagged or when the value looks like a tag", () => {
  const packet = Packet.create(Code.AccountingRequest, dictionary, {
    "Tunnel-Server-Endpoint": ["10.0.0.1", { tag: 2, value: "10.0.0.2" }, "\u0001odd"],
  });
  const bytes = packet.encode(SECRET);
  assert.equal(toHex(bytes.subarray(20, 30)), "430a31302e302e302e31");
  assert.equal(toHex(bytes.subarray(30, 41)), "430b0231302e302e302e32");
  assert.equal(toHex(bytes.subarray(41, 48)), "43070001" + "6f6464");
  const decoded = Packet.decode(bytes, { dictionary, secret: SECRET });
  assert.deepEqual(decoded.attributes().map((a) => [a.value, a.tag]), [
    ["10.0.0.1", undefined],
    ["10.0.0.2", 2],
    ["\u0001odd", 0],
  ]);
});

test("MS-MPPE-Send-Key (vendor, encrypt=2) is salted with the request authenticator", () => {
  const request = Packet.create(Code.AccessRequest, dictionary, {});
  const key = new Uint8Array(32).map((_, i) => i);
  const reply = request.reply(Code.AccessAccept, { "MS-MPPE-Send-Key": key });
  assert.deepEqual(roundTrip(reply).get("MS-MPPE-Send-Key"), key);
});

test("encrypt=3 values round-trip", () => {
  const request = Packet.create(Code.AccessRequest, dictionary, { "Test-Secret3": "ascend" });
  assert.equal(roundTrip(request).get("Test-Secret3"), "ascend");
});

test("reply(): same id, Proxy-State copied in order, Message-Authenticator first and valid", () => {
  const request = Packet.create(Code.AccessRequest, dictionary, {
    "User-Name": "bob",
    "Proxy-State": [ascii("first"), ascii("second")],
  }, { id: 77 });
  const received = Packet.decode(request.encode(SECRET), { dictionary, secret: SECRET });
  const reply = received.reply(Code.AccessAccept, { "Reply-Message": "hi" });
  const bytes = reply.encode(SECRET);
  assert.equal(bytes[1], 77);
  assert.equal(toHex(bytes.subarray(20, 22)), "5012");
  assert.equal(checkResponse(bytes, ascii(SECRET), request.authenticator, true), undefined);
  assert.equal(
    checkResponse(bytes, ascii("other"), request.authenticator, true),
    "bad-authenticator",
  );
  const decoded = Packet.decode(bytes, { dictionary, secret: SECRET, request });
  assert.deepEqual(decoded.getAll("Proxy-State"), [ascii("first"), ascii("second")]);
});

test("Accounting, CoA and Disconnect requests get computed authenticators; replies verify", () => {
  for (const code of [Code.AccountingRequest, Code.CoARequest, Code.DisconnectRequest]) {
    const request = Packet.create(code, dictionary, {
      "User-Name": "bob",
      "Message-Authenticator": new Uint8Array(16),
    });
    const bytes = request.encode(SECRET);
    assert.equal(checkRequest(bytes, ascii(SECRET), true), undefined, `code ${code}`);
    bytes[bytes.length - 1]! ^= 1;
    assert.notEqual(checkRequest(bytes, ascii(SECRET), false), undefined);
    const reply = request.reply((code + 1) as Code).encode(SECRET);
    assert.equal(checkResponse(reply, ascii(SECRET), request.authenticator, false), undefined);
  }
});

test("unknown attributes survive decode and re-encode byte for byte", () => {
  const unknownAttrs = "c8050102ff" + // attribute 200, not in the dictionary
    "1a0b000003e7" + "0105616263" + // vendor 999, unknown: read as format 1,1 (RFC 2865 §5.26)
    "1a0b00000009" + "6305787979" + // known vendor 9, unknown type 99
    "f1060b010203"; // extended 241.11, unknown child
  const body = hex("0104616c" + unknownAttrs);
  const datagram = new Uint8Array(20 + body.length);
  datagram.set([Code.AccountingRequest, 1, 0, datagram.length]);
  datagram.set(body, 20);
  const packet = Packet.decode(datagram, { dictionary, secret: SECRET });
  assert.deepEqual(packet.attributes().map((a) => a.name), [
    "User-Name",
    "Attr-200",
    "Attr-26.999.1",
    "Attr-26.9.99",
    "Attr-241.11",
  ]);
  assert.deepEqual(packet.get("Attr-26.9.99"), ascii("xyy"));
  const again = packet.encode(SECRET);
  assert.equal(toHex(again.subarray(20)), toHex(body));
});

test("Packet.decode() rejects broken frames with MalformedPacketError and the offset", () => {
  const cases: [string, string, number][] = [
    ["short datagram", "0101000a", 0],
    ["length below 20", "010100100000000000000000000000000000000000", 2],
    ["length past datagram", "0101001600000000000000000000000000000000", 2],
    ["attribute length 0", "0101001600000000000000000000000000000000" + "0100", 20],
    ["attribute length 1", "0101001600000000000000000000000000000000" + "0101", 20],
    ["attribute past end", "0101001700000000000000000000000000000000" + "010561", 20],
  ];
  for (const [name, bytes, offset] of cases) {
    assert.throws(() => Packet.decode(hex(bytes), { dictionary }), (error: unknown) => {
      assert.ok(error instanceof MalformedPacketError, name);
      assert.equal(error.offset, offset, name);
      return true;
    });
  }
});

test("Packet.decode() ignores octets past the Length field (RFC 2865 §3)", () => {
  const bytes = Packet.create(Code.AccountingRequest, dictionary, { "User-Name": "bob" }).encode(
    SECRET,
  );
  const padded = new Uint8Array(bytes.length + 10);
  padded.set(bytes);
  assert.equal(Packet.decode(padded, { dictionary }).get("User-Name"), "bob");
  assert.equal(checkRequest(padded, ascii(SECRET), false), undefined);
});

test("values that do not fit their type decode as raw bytes, not errors", () => {
  const packet = Packet.decode(hex("04010019" + "00".repeat(16) + "0405c0a801"), { dictionary });
  // get() returns only values of the declared type; getRaw() and attributes() have the bytes.
  assert.equal(packet.get("NAS-IP-Address"), undefined);
  assert.deepEqual(packet.getAll("NAS-IP-Address"), []);
  assert.equal(packet.has("NAS-IP-Address"), true);
  assert.deepEqual(packet.getRaw("NAS-IP-Address"), hex("c0a801"));
  const [attribute] = packet.attributes();
  assert.equal(attribute?.verbatim, true);
  assert.deepEqual(attribute?.value, hex("c0a801"));
});

test("getRaw() returns the Value field as received, hidden values still hidden", () => {
  const request = Packet.create(Code.AccessRequest, dictionary, {
    "User-Name": "bob",
    "User-Password": "hello",
  });
  assert.equal(request.getRaw("User-Name"), undefined, "built, not received");
  const datagram = request.encode("s3cret");
  const received = Packet.decode(datagram, { dictionary, secret: "s3cret" });
  assert.deepEqual(received.getRaw("User-Name"), new TextEncoder().encode("bob"));
  const hidden = received.getRaw("User-Password")!;
  assert.equal(hidden.length, 16);
  assert.notDeepEqual(hidden.subarray(0, 5), new TextEncoder().encode("hello"));
  assert.equal(received.get("User-Password"), "hello");
  // Without the secret the password does not reveal: no value, the hidden bytes raw.
  const unrevealed = Packet.decode(datagram, { dictionary });
  assert.equal(unrevealed.get("User-Password"), undefined);
  assert.deepEqual(unrevealed.getRaw("User-Password"), hidden);
  assert.equal(received.getRaw("Reply-Message"), undefined);
});

test("programmer errors are typed and say what to do", () => {
  assert.throws(
    () => Packet.create(Code.AccessRequest, dictionary, { "User-Nme": "x" }),
    (error: unknown) => {
      assert.ok(error instanceof UnknownAttributeError);
      assert.match(error.message, /did you mean "User-Name"/);
      return true;
    },
  );
  const bad: [string, unknown, RegExp][] = [
    ["NAS-IP-Address", "10.0.0.256", /NAS-IP-Address \(ipaddr\)/],
    ["NAS-Port", -1, /must be 0\.\.4294967295/],
    ["Service-Type", "Nope", /not a VALUE of Service-Type; known: "Login-User", "Framed-User"/],
    ["Test-Octets-8", new Uint8Array(3), /exactly 8 bytes/],
    ["Reply-Message", "x".repeat(254), /longer than the 253 bytes/],
    ["Framed-IPv6-Prefix", "2001:db8::/129", /prefix length must be 0\.\.128/],
    ["Tunnel-Type", { tag: 40, value: 3 }, /tag must be 0\.\.31/],
  ];
  for (const [name, value, message] of bad) {
    assert.throws(
      () => Packet.create(Code.AccessRequest, dictionary, { [name]: value as never }),
      (error: unknown) => {
        assert.ok(error instanceof ValueError, `${name}: ${error}`);
        assert.match(error.message, message);
        return true;
      },
    );
  }
});

test("array attributes pack consecutive values into one attribute", () => {
  const packet = Packet.create(Code.AccountingRequest, dictionary, {
    "Test-Array-Short": [1, 2, 3],
  });
  const bytes = packet.encode(SECRET);
  assert.equal(toHex(bytes.subarray(20)), "bc08000100020003");
  assert.deepEqual(Packet.decode(bytes, { dictionary }).getAll("Test-Array-Short"), [1, 2, 3]);
});

test("addChapPassword() and verifyChapPassword() use CHAP-Challenge or the authenticator", () => {
  const plain = Packet.create(Code.AccessRequest, dictionary, { "User-Name": "bob" });
  addChapPassword(plain, "hello", 9);
  const received = Packet.decode(plain.encode(SECRET), { dictionary });
  assert.equal(verifyChapPassword(received, "hello"), true);
  assert.equal(verifyChapPassword(received, "hellp"), false);
  const withChallenge = Packet.create(Code.AccessRequest, dictionary, {
    "CHAP-Challenge": ascii("0123456789abcdef"),
  });
  addChapPassword(withChallenge, "hello");
  assert.equal(
    verifyChapPassword(Packet.decode(withChallenge.encode(SECRET), { dictionary }), "hello"),
    true,
  );
});

test("get/set/add/delete/has and iteration follow wire order", () => {
  const packet = Packet.create(Code.AccessRequest, dictionary, {
    "User-Name": "a",
    "Class": ascii("1"),
  });
  packet.add("class", ascii("2"));
  packet.set("user-name", "b");
  assert.deepEqual([...packet].map(([name]) => name), ["User-Name", "Class", "Class"]);
  assert.equal(packet.get("User-Name"), "b");
  assert.equal(packet.has("NAS-Port"), false);
  assert.equal(packet.delete("Class"), true);
  assert.deepEqual(packet.getAll("Class"), []);
  assert.deepEqual(packet.toJSON().attributes, [{ name: "User-Name", value: "b" }]);
});

test("Packet.encode() refuses a packet over 4096 bytes", () => {
  const packet = Packet.create(Code.AccountingRequest, dictionary, {
    "Class": Array(20).fill(new Uint8Array(250)),
  });
  assert.throws(() => packet.encode(SECRET), (error: unknown) => {
    assert.ok(error instanceof PacketTooLargeError);
    assert.equal(error.code, "ERR_PACKET_TOO_LARGE");
    assert.equal(error.length, 20 + 20 * 252);
    return true;
  });
});

test("Packet.encode() refuses an empty secret, as the Server does (RFC 2865 §3)", () => {
  const packet = Packet.create(Code.AccountingRequest, dictionary, { "User-Name": "bob" });
  assert.throws(() => packet.encode(""), /empty shared secret/);
  assert.throws(() => packet.encode(new Uint8Array(0)), /empty shared secret/);
});

test("codes outside the registry are refused: a typed error from the network, TypeError from code", () => {
  const datagram = Packet.create(Code.AccessRequest, dictionary, {}).encode(SECRET);
  datagram[0] = 99;
  assert.throws(() => Packet.decode(datagram, { dictionary }), (error: unknown) => {
    assert.ok(error instanceof MalformedPacketError);
    assert.match(error.message, /code 99 is not in the RADIUS packet type registry/);
    return true;
  });
  assert.throws(() => Packet.create(99 as Code, dictionary), TypeError);
  assert.throws(
    // @ts-expect-error a misspelled code name does not compile
    () => Packet.create("Acess-Request", dictionary),
    /Unknown packet code "Acess-Request"/,
  );
  const reply = Packet.create("Access-Request", dictionary).reply("Access-Accept");
  assert.equal(reply.code, Code.AccessAccept);
  assert.throws(
    () => Packet.create(Code.AccessAccept, dictionary).encode(SECRET),
    /^TypeError: An Access-Accept needs the request it answers/,
  );
});

test("internal attributes (numbers above 255, virtual) never go on the wire", () => {
  const dictionary = Dictionary.parse(
    "ATTRIBUTE User-Name 1 string\nATTRIBUTE Cleartext-Password 1100 string\nATTRIBUTE Virt 1101 string virtual\n",
  );
  const packet = Packet.create(Code.AccountingRequest, dictionary, {
    "User-Name": "bob",
    "Cleartext-Password": "hello",
    "Virt": "x",
  });
  const bytes = packet.encode(SECRET);
  assert.equal(toHex(bytes.subarray(20)), "0105626f62");
  assert.equal(packet.get("Cleartext-Password"), "hello", "kept in the packet for server-side use");
});

test("octets given as text are stored and read back as bytes", () => {
  const packet = Packet.create(Code.AccountingRequest, dictionary, { "Class": ["ab", "0x0102"] });
  assert.deepEqual(packet.getAll("Class"), [ascii("ab"), hex("0102")]);
});

test("a decoded packet re-encodes as it came: raw wrong-size values, untagged salts, unknown TLV children", () => {
  // NAS-IP-Address of 3 bytes, Tunnel-Password whose first octet is no tag,
  // and a vendor TLV with a child the dictionary lacks.
  const body = hex(
    "0405c0a801" + "4515" + "80".repeat(19) + "1a1000000010030a0105616263 0903ff",
  );
  const datagram = new Uint8Array(20 + body.length);
  datagram.set([Code.AccountingRequest, 1, 0, datagram.length]);
  datagram.set(body, 20);
  const packet = Packet.decode(datagram, { dictionary, secret: SECRET });
  assert.deepEqual(packet.getRaw("NAS-IP-Address"), hex("c0a801"));
  const tlv = packet.get("TestV-TLV") as Record<string, unknown>;
  assert.equal(tlv["TestV-TLV-Str"], "abc");
  assert.deepEqual(tlv["Attr-26.16.3.9"], hex("ff"));
  const again = Packet.decode(packet.encode(SECRET), { dictionary, secret: SECRET });
  assert.deepEqual(again.getRaw("NAS-IP-Address"), hex("c0a801"));
  assert.deepEqual(again.get("TestV-TLV"), tlv);
});

test("Packet.decode() copies what it keeps; decodeOwnedDatagram() keeps views of a handed-over datagram", () => {
  const dictionary = Dictionary.default();
  const datagram = Packet.create(Code.AccessRequest, dictionary, { "Class": "0x0102" })
    .encode("s3cret");
  const authenticator = datagram.slice(4, 20);
  const messageAuthenticator = datagram.slice(22, 38); // the first attribute's value
  const decoded = Packet.decode(datagram, { dictionary });
  const owned = decodeOwnedDatagram(datagram, { dictionary });
  datagram.fill(0xee, 4); // the caller reuses its buffer
  assert.deepEqual(decoded.authenticator, authenticator);
  assert.deepEqual(decoded.get("Class"), new Uint8Array([1, 2]));
  assert.deepEqual(decoded.get("Message-Authenticator"), messageAuthenticator);
  // The owned decode made no copies: its views see the change.
  assert.deepEqual(owned.authenticator, new Uint8Array(16).fill(0xee));
  assert.deepEqual(owned.get("Class"), new Uint8Array([0xee, 0xee]));
});

test("add() with several values adds all of them or, when one does not fit, none", () => {
  const packet = Packet.create(Code.AccessRequest, Dictionary.default(), { "User-Name": "bob" });
  assert.throws(() => packet.add("NAS-Port", [1, 2, 2 ** 32]), ValueError);
  assert.deepEqual(packet.getAll("NAS-Port"), []);
  packet.add("NAS-Port", [1, 2]);
  assert.deepEqual(packet.getAll("NAS-Port"), [1, 2]);
});

test("only the top-level attribute 80 is Message-Authenticator: an extended 241.80 is sent as it is", () => {
  const extended = Dictionary.parse(
    "ATTRIBUTE Message-Authenticator 80 octets\n" +
      "ATTRIBUTE Extended-Attribute-1 241 extended\n" +
      "ATTRIBUTE Example-Eighty 241.80 string\n",
  );
  const packet = Packet.create(Code.AccountingRequest, extended, { "Example-Eighty": "hello" });
  const bytes = packet.encode(SECRET);
  // Header, then 241 / length 8 / extended type 80 / "hello"; no Message-Authenticator.
  assert.equal(toHex(bytes.subarray(20)), "f1085068656c6c6f");
  const decoded = Packet.decode(bytes, { dictionary: extended, secret: SECRET });
  assert.equal(decoded.get("Example-Eighty"), "hello");
  assert.equal(checkRequest(bytes, ascii(SECRET), false), undefined);
});

test("a salted value inside a TLV round-trips when hiding it outgrows the TLV's buffer", () => {
  const vendor = Dictionary.parse(
    "ATTRIBUTE Message-Authenticator 80 octets\n" +
      "ATTRIBUTE Vendor-Specific 26 vsa\n" +
      "VENDOR Example 32473\n" +
      "BEGIN-VENDOR Example\n" +
      "ATTRIBUTE Example-Group 1 tlv\n" +
      "ATTRIBUTE Example-Key 1.1 octets encrypt=2\n" +
      "END-VENDOR Example\n",
  );
  const request = Packet.create(Code.AccessRequest, vendor, {});
  for (const length of [1, 60, 100, 120, 200]) {
    const key = Uint8Array.from({ length }, (_, i) => (i * 7 + 1) & 0xff);
    const reply = request.reply(Code.AccessAccept, { "Example-Group": { "Example-Key": key } });
    const decoded = Packet.decode(reply.encode(SECRET), {
      dictionary: vendor,
      secret: SECRET,
      request,
    });
    assert.deepEqual(decoded.get("Example-Group"), { "Example-Key": key }, `${length} bytes`);
  }
});
