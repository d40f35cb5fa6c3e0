// RADIUS/1.1 (RFC 9765): the Token header, attributes in the clear, no MD5.
// RFC 9765 gives no example packets; its only byte vectors are the ALPN
// "Id. Sequence"s of §10 (IANA Considerations), checked below. Section
// numbers are RFC 9765's.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Packet } from "../../src/packet.ts";
import { Code } from "../../src/codec/code.ts";
import { checkRequest } from "../../src/codec/packet_codec.ts";
import { Md5 } from "../../src/crypto/md5.ts";
import { addChapPassword, verifyChapPassword } from "../../src/chap.ts";
import { Dictionary } from "../../src/dictionary/dictionary.ts";
import { MalformedPacketError, PacketTooLargeError, ValueError } from "../../src/errors.ts";
import {
  decodeOwnedRadius11,
  decodeRadius11,
  encodeRadius11,
  encodeRadius11Into,
} from "../../src/radius11.ts";
import {
  ALPN_RADIUS_1_0,
  ALPN_RADIUS_1_1,
  radius11Token,
  TokenCounter,
} from "../../src/codec/radius11.ts";
import { ascii, hex, testDictionary, toHex } from "./_helpers.ts";

const dictionary = Dictionary.default();

/** The 20-byte RADIUS/1.1 header as hex: Code, Reserved-1, Length, Token, Reserved-2 (§4.1). */
function header(code: number, length: number, token: number): string {
  return toHex(new Uint8Array([code, 0, length >> 8, length & 0xff])) +
    token.toString(16).padStart(8, "0") + "00".repeat(12);
}

/** A RADIUS/1.1 packet from a header and attribute bytes, with the Length filled in. */
function packet11(code: number, token: number, attributes: string, reserved = "00"): Uint8Array {
  const body = hex(attributes);
  const bytes = new Uint8Array(20 + body.length);
  bytes.set(hex(header(code, bytes.length, token)));
  bytes[1] = parseInt(reserved, 16);
  bytes.set(body, 20);
  return bytes;
}

/** Runs `body` with every MD5 entry point throwing, so that any MD5 use fails the test. */
function withoutMd5<T>(body: () => T): T {
  const prototype = Md5.prototype as unknown as Record<string, unknown>;
  const saved = ["update", "digest", "reset"].map((name) => [name, prototype[name]] as const);
  for (const [name] of saved) {
    prototype[name] = () => {
      throw new Error(`Md5.${name}() called on the RADIUS/1.1 path`);
    };
  }
  try {
    return body();
  } finally {
    for (const [name, method] of saved) prototype[name] = method;
  }
}

test("§10 (IANA Considerations): the ALPN names are the registered Id. Sequences", () => {
  // "Id. Sequence: 0x72 0x61 0x64 0x69 0x75 0x73 0x2f 0x31 0x2e 0x30 ("radius/1.0")"
  assert.equal(toHex(ascii(ALPN_RADIUS_1_0)), "7261646975732f312e30");
  // "Id. Sequence: 0x72 0x61 0x64 0x69 0x75 0x73 0x2f 0x31 0x2e 0x31 ("radius/1.1")"
  assert.equal(toHex(ascii(ALPN_RADIUS_1_1)), "7261646975732f312e31");
});

test("§4.1: the header is Code, Reserved-1 zero, Length, Token, Reserved-2 zero", () => {
  const request = Packet.create(Code.AccessRequest, dictionary, { "User-Name": "bob" }, {
    id: 99,
    authenticator: new Uint8Array(16).fill(0xaa),
  });
  const bytes = encodeRadius11(request, 0x89abcdef);
  assert.equal(toHex(bytes), header(1, 25, 0x89abcdef) + "0105626f62");
  // The Identifier and the authenticator are not on the wire (§4.1, §6.2: no Identifier 0 rule).
  assert.equal(bytes[1], 0);
  assert.equal(toHex(bytes).includes("aaaa"), false);
  // The packet is not changed by encoding.
  assert.equal(request.id, 99);
  assert.deepEqual(request.authenticator, new Uint8Array(16).fill(0xaa));
});

test("§4.1: Reserved-1 and Reserved-2 are ignored when received; the packet has no Identifier", () => {
  const bytes = packet11(Code.AccessRequest, 7, "0105626f62", "ff");
  bytes.fill(0xee, 8, 20); // Reserved-2
  const request = decodeRadius11(bytes, { dictionary });
  assert.equal(request.get("User-Name"), "bob");
  assert.equal(request.id, 0);
  assert.equal(radius11Token(bytes), 7);
  // Its reply still goes out with both reserved fields zero.
  assert.equal(
    toHex(encodeRadius11(request.reply(Code.AccessReject), radius11Token(bytes))),
    header(3, 20, 7),
  );
});

test("round trip: an Access-Request and its Access-Accept keep every attribute", () => {
  const request = Packet.create(Code.AccessRequest, dictionary, {
    "User-Name": "bob@example.org",
    "NAS-IP-Address": "192.0.2.1",
    "NAS-Port": 7,
    "Calling-Station-Id": "00-11-22-33-44-55",
    "Tunnel-Type": { tag: 1, value: "VLAN" },
    "Class": new Uint8Array([1, 2, 3]),
  });
  const received = decodeRadius11(encodeRadius11(request, 1), { dictionary });
  assert.deepEqual(received.toJSON({ reveal: true }).attributes, request.toJSON().attributes);
  const accept = received.reply(Code.AccessAccept, {
    "Framed-IP-Address": "10.0.0.1",
    "Session-Timeout": 3600,
    "Reply-Message": "welcome",
  });
  const reply = decodeRadius11(encodeRadius11(accept, 1), { dictionary, request });
  assert.equal(reply.code, Code.AccessAccept);
  assert.equal(reply.request, request);
  assert.deepEqual(reply.toJSON().attributes, accept.toJSON().attributes);
});

test("§5.1.1: User-Password goes in the clear, 1..128 octets", () => {
  const request = Packet.create(Code.AccessRequest, dictionary, { "User-Password": "arctangent" });
  const bytes = encodeRadius11(request, 2);
  assert.equal(toHex(bytes.subarray(20)), "020c" + toHex(ascii("arctangent")));
  assert.equal(decodeRadius11(bytes, { dictionary }).get("User-Password"), "arctangent");

  const longest = "p".repeat(128);
  const long = Packet.create(Code.AccessRequest, dictionary, { "User-Password": longest });
  assert.equal(
    decodeRadius11(encodeRadius11(long, 3), { dictionary }).get("User-Password"),
    longest,
  );
  // "MUST be at least one octet in length": an empty one is refused, not sent.
  const empty = Packet.create(Code.AccessRequest, dictionary, { "User-Password": "" });
  assert.throws(() => encodeRadius11(empty, 4), ValueError);
  // "MUST NOT be more than 128 octets": received, it is an invalid value, kept as bytes.
  const received = decodeRadius11(
    packet11(Code.AccessRequest, 5, "0283" + "71".repeat(129)),
    { dictionary },
  );
  assert.equal(received.get("User-Password"), undefined);
  assert.equal(received.getRaw("User-Password")?.length, 129);
});

test("§5.1.3: Tunnel-Password is a tagged string like Tunnel-Client-Endpoint: no salt, no length octet", () => {
  const request = Packet.create(Code.AccessRequest, dictionary, {
    "Tunnel-Password": { tag: 1, value: "s3cret" },
    "Tunnel-Client-Endpoint": { tag: 1, value: "s3cret" },
  });
  const body = toHex(encodeRadius11(request, 6).subarray(20));
  const value = "01" + toHex(ascii("s3cret")); // tag, then the password as it is
  assert.equal(body, "4509" + value + "4209" + value);
  const accept = Packet.create(Code.AccessRequest, dictionary, {}).reply(Code.AccessAccept, {
    "Tunnel-Password": [{ tag: 2, value: "vlan-pw" }, "untagged"],
  });
  const reply = decodeRadius11(encodeRadius11(accept, 6), { dictionary });
  assert.deepEqual(
    reply.toJSON({ reveal: true }).attributes,
    [{ name: "Tunnel-Password", value: "vlan-pw", tag: 2 }, {
      name: "Tunnel-Password",
      value: "untagged",
    }],
  );
});

test("§5.1.4: MS-MPPE-Send-Key, MS-MPPE-Recv-Key (and MS-CHAP-MPPE-Keys) are plain octets", () => {
  const send = new Uint8Array(32).map((_, i) => i);
  const recv = new Uint8Array(32).map((_, i) => 0xff - i);
  const keys = new Uint8Array(24).fill(0x5a);
  const accept = Packet.create(Code.AccessRequest, dictionary, {}).reply(Code.AccessAccept, {
    "MS-MPPE-Send-Key": send,
    "MS-MPPE-Recv-Key": recv,
    "MS-CHAP-MPPE-Keys": keys,
  });
  const bytes = encodeRadius11(accept, 8);
  // Vendor-Specific, Microsoft (311), type, length, the key itself.
  assert.equal(
    toHex(bytes.subarray(20)),
    "1a2800000137" + "1022" + toHex(send) +
      "1a2800000137" + "1122" + toHex(recv) +
      "1a2000000137" + "0c1a" + toHex(keys),
  );
  const reply = decodeRadius11(bytes, { dictionary });
  assert.deepEqual(reply.get("MS-MPPE-Send-Key"), send);
  assert.deepEqual(reply.get("MS-MPPE-Recv-Key"), recv);
  assert.deepEqual(reply.get("MS-CHAP-MPPE-Keys"), keys);
});

test("§5.1: every encrypt= flag is ignored, Ascend-style encrypt=3 too", () => {
  const packet = Packet.create(Code.AccessRequest, testDictionary, { "Test-Secret3": "abc" });
  const bytes = encodeRadius11(packet, 9);
  assert.equal(toHex(bytes.subarray(20)), "bb05616263");
  assert.equal(decodeRadius11(bytes, { dictionary: testDictionary }).get("Test-Secret3"), "abc");
});

test("no MD5 is computed on the RADIUS/1.1 path, hidden attributes included", () => {
  const request = Packet.create(Code.AccessRequest, dictionary, {
    "User-Name": "bob",
    "User-Password": "hello",
    "CHAP-Password": new Uint8Array(17),
  });
  const accept = request.reply(Code.AccessAccept, {
    "Tunnel-Password": { tag: 1, value: "pw" },
    "MS-MPPE-Send-Key": new Uint8Array(16),
    "MS-CHAP-MPPE-Keys": new Uint8Array(24),
  });
  const accounting = Packet.create(Code.AccountingRequest, dictionary, {
    "Acct-Status-Type": "Start",
  });
  withoutMd5(() => {
    for (const packet of [request, accept, accounting]) {
      const bytes = encodeRadius11(packet, 10);
      decodeRadius11(bytes, { dictionary });
      decodeOwnedRadius11(bytes.slice(), { dictionary, request });
    }
  });
  // The guard does catch the RADIUS/1.0 path.
  assert.throws(() => withoutMd5(() => request.encode("s3cret")), /Md5/);
});

test("§5.2: Message-Authenticator is never sent, even when the packet holds one", () => {
  const request = Packet.create(Code.AccessRequest, dictionary, {
    "User-Name": "bob",
    "Message-Authenticator": new Uint8Array(16),
  });
  assert.equal(toHex(encodeRadius11(request, 11)), header(1, 25, 11) + "0105626f62");
  // RADIUS/1.0 would add one to these codes; RADIUS/1.1 does not.
  for (const code of [Code.AccessRequest, Code.StatusServer]) {
    const bytes = encodeRadius11(Packet.create(code, dictionary, {}), 12);
    assert.equal(toHex(bytes), header(code, 20, 12));
  }
});

test("§5.2: a received Message-Authenticator is an invalid attribute; the packet is still processed", () => {
  const bytes = packet11(Code.AccessRequest, 13, "0105626f62" + "5012" + "ab".repeat(16));
  const request = decodeRadius11(bytes, { dictionary });
  assert.equal(request.get("User-Name"), "bob");
  assert.equal(request.get("Message-Authenticator"), undefined);
  assert.equal(request.has("Message-Authenticator"), true);
  assert.deepEqual(request.getRaw("Message-Authenticator"), new Uint8Array(16).fill(0xab));
  // Forwarded over RADIUS/1.1 it is left out; over RADIUS/1.0 a fresh one is computed.
  assert.equal(toHex(encodeRadius11(request, 13)), header(1, 25, 13) + "0105626f62");
  const udp = request.encode("s3cret");
  assert.equal(checkRequest(udp, ascii("s3cret"), true), undefined);
});

test("§5.5: Original-Packet-Code is neither sent nor used when received", () => {
  const request = Packet.create(Code.AccessRequest, dictionary, {});
  const error = request.reply(Code.ProtocolError, {
    "Error-Cause": "Proxy-Request-Not-Routable",
    "Original-Packet-Code": 1,
  });
  const bytes = encodeRadius11(error, 14);
  assert.equal(toHex(bytes), header(52, 26, 14) + "6506000001f6"); // Error-Cause 502 only
  // 241.4 = Original-Packet-Code, value 1: invalid, kept as bytes.
  const received = decodeRadius11(
    packet11(Code.ProtocolError, 14, "6506000001f6" + "f1070400000001"),
    { dictionary },
  );
  assert.equal(received.get("Error-Cause"), "Proxy-Request-Not-Routable");
  assert.equal(received.get("Original-Packet-Code"), undefined);
  assert.deepEqual(received.getRaw("Original-Packet-Code"), new Uint8Array([0, 0, 0, 1]));
});

test("§3.3.1: a Protocol-Error for an ALPN failure has Token zero and needs no request", () => {
  const error = Packet.create(Code.ProtocolError, dictionary, {
    "Reply-Message": "radius/1.1 is required",
    "Error-Cause": "Unsupported-Extension",
  });
  const bytes = encodeRadius11(error, 0);
  assert.equal(radius11Token(bytes), 0);
  const received = decodeRadius11(bytes, { dictionary });
  assert.equal(received.get("Error-Cause"), "Unsupported-Extension");
  assert.equal(received.get("Reply-Message"), "radius/1.1 is required");
  // RADIUS/1.0 cannot encode a reply without its request.
  assert.throws(() => error.encode("s3cret"), TypeError);
});

test("§4.2: replies are matched to requests by Token, whatever their order and code", () => {
  const tokens = new TokenCounter(0xfffffffe);
  const requests = [
    Packet.create(Code.AccessRequest, dictionary, { "User-Name": "alice" }),
    Packet.create(Code.AccountingRequest, dictionary, { "User-Name": "bob" }),
    Packet.create(Code.StatusServer, dictionary, {}),
  ];
  const outstanding = new Map<number, (typeof requests)[number]>();
  const sent: Uint8Array[] = [];
  for (const request of requests) {
    const token = tokens.next();
    outstanding.set(token, request);
    sent.push(encodeRadius11(request, token));
  }
  // §4.2.1: a counter that wraps without ceremony.
  assert.deepEqual([...outstanding.keys()], [0xfffffffe, 0xffffffff, 0]);
  const replies = sent.reverse().map((bytes) => {
    const received = decodeRadius11(bytes, { dictionary });
    const code = received.code === Code.AccountingRequest
      ? Code.AccountingResponse
      : Code.AccessAccept;
    return encodeRadius11(received.reply(code), radius11Token(bytes));
  });
  for (const bytes of replies) {
    const request = outstanding.get(radius11Token(bytes));
    assert.ok(request !== undefined);
    const reply = decodeRadius11(bytes, { dictionary, request });
    assert.equal(reply.request, request);
    outstanding.delete(radius11Token(bytes));
  }
  assert.equal(outstanding.size, 0);
});

test("a Token out of range is a programmer error that says what to do", () => {
  const request = Packet.create(Code.AccessRequest, dictionary, {});
  for (const token of [-1, 2 ** 32, 1.5, Number.NaN]) {
    assert.throws(() => encodeRadius11(request, token), {
      name: "RangeError",
      message: /Token is four octets .*TokenCounter/,
    });
  }
  assert.throws(() => new TokenCounter(2 ** 32), RangeError);
  assert.equal(radius11Token(encodeRadius11(request, 2 ** 32 - 1)), 2 ** 32 - 1);
});

test("decodeRadius11() refuses a secret: RADIUS/1.1 has none", () => {
  const bytes = encodeRadius11(Packet.create(Code.AccessRequest, dictionary, {}), 1);
  const options = { dictionary, secret: "radsec" };
  assert.throws(() => decodeRadius11(bytes, options), {
    name: "TypeError",
    message: /no shared secret .*leave `secret` out/,
  });
});

test("§6.2: Status-Server takes any Token and carries no Message-Authenticator", () => {
  const status = Packet.create(Code.StatusServer, dictionary, { "NAS-Identifier": "nas1" });
  const bytes = encodeRadius11(status, 0);
  assert.equal(toHex(bytes), header(12, 26, 0) + "20066e617331");
  const received = decodeRadius11(bytes, { dictionary });
  const answer = encodeRadius11(received.reply(Code.AccessAccept), 0);
  assert.equal(toHex(answer), header(2, 20, 0));
});

test("CoA and Disconnect: no authenticator is computed, the Token is all", () => {
  for (
    const [code, ack] of [[Code.CoARequest, Code.CoAACK], [
      Code.DisconnectRequest,
      Code.DisconnectACK,
    ]] as const
  ) {
    const request = Packet.create(code, dictionary, {
      "User-Name": "bob",
      "Acct-Session-Id": "abc",
    });
    const bytes = encodeRadius11(request, 0x10203040);
    assert.equal(toHex(bytes), header(code, 30, 0x10203040) + "0105626f62" + "2c05616263");
    const received = decodeRadius11(bytes, { dictionary });
    assert.equal(received.get("Acct-Session-Id"), "abc");
    const reply = encodeRadius11(received.reply(ack), radius11Token(bytes));
    assert.equal(toHex(reply), header(ack, 20, 0x10203040));
  }
});

test("Proxy-State is copied into the reply and sent in order, as in RADIUS/1.0", () => {
  const bytes = packet11(Code.AccessRequest, 21, "2105010203" + "0105626f62" + "2103ff");
  const request = decodeRadius11(bytes, { dictionary });
  const reply = encodeRadius11(request.reply(Code.AccessReject), 21);
  assert.equal(toHex(reply), header(3, 28, 21) + "2105010203" + "2103ff");
});

test("§5.1.2: CHAP-Challenge is sent with every CHAP-Password", () => {
  const authenticator = new Uint8Array(16).fill(0x42);
  const request = Packet.create(Code.AccessRequest, dictionary, { "User-Name": "bob" }, {
    authenticator,
  });
  addChapPassword(request, "hello", 1); // computed against the authenticator
  const bytes = encodeRadius11(request, 22);
  assert.equal(request.has("CHAP-Challenge"), false); // the packet itself is not changed
  const received = decodeRadius11(bytes, { dictionary });
  assert.deepEqual(received.get("CHAP-Challenge"), authenticator);
  assert.equal(verifyChapPassword(received, "hello"), true);
  assert.equal(verifyChapPassword(received, "wrong"), false);
  // One that has a CHAP-Challenge keeps it, and it is not doubled.
  const challenged = decodeRadius11(encodeRadius11(received, 23), { dictionary });
  assert.equal(challenged.getAll("CHAP-Challenge").length, 1);
  // Received without one, there is no Request Authenticator to fall back on.
  const bare = packet11(
    Code.AccessRequest,
    24,
    "0105626f62" + "0313" + toHex(received.getRaw("CHAP-Password")!),
  );
  assert.equal(verifyChapPassword(decodeRadius11(bare, { dictionary }), "hello"), false);
});

test("a hidden value received without its secret cannot be forwarded over RADIUS/1.1", () => {
  const udp = Packet.create(Code.AccessRequest, dictionary, { "User-Password": "hello" })
    .encode("s3cret");
  const hidden = Packet.decode(udp, { dictionary }); // no secret: the password stays hidden
  assert.throws(() => encodeRadius11(hidden, 25), (error: unknown) => {
    assert.ok(error instanceof ValueError);
    assert.match(error.message, /User-Password.*decode the packet with its secret/);
    assert.doesNotMatch(error.message, /hello/);
    return true;
  });
  // Revealed with the secret, it goes through in the clear.
  const revealed = Packet.decode(udp, { dictionary, secret: "s3cret" });
  const forwarded = decodeRadius11(encodeRadius11(revealed, 25), { dictionary });
  assert.equal(forwarded.get("User-Password"), "hello");
});

test("bad input from the network is a MalformedPacketError", () => {
  const cases: Uint8Array[] = [
    new Uint8Array(19), // shorter than the header
    packet11(Code.AccessRequest, 1, "").subarray(0, 19),
    (() => {
      const bytes = packet11(Code.AccessRequest, 1, "0105626f62");
      bytes[3] = 5; // Length below 20
      return bytes;
    })(),
    (() => {
      const bytes = packet11(Code.AccessRequest, 1, "0105626f62");
      bytes[3] = 30; // Length past the bytes
      return bytes;
    })(),
    packet11(0, 1, ""), // code 0 is in no registry
    packet11(Code.AccessRequest, 1, "0101"), // attribute length below 2
    packet11(Code.AccessRequest, 1, "0109626f62"), // attribute past the end
  ];
  for (const bytes of cases) {
    assert.throws(() => decodeRadius11(bytes, { dictionary }), MalformedPacketError);
  }
  assert.throws(() => radius11Token(new Uint8Array(10)), MalformedPacketError);
  // Octets past Length are ignored (RFC 2865 §3).
  const padded = new Uint8Array(30);
  padded.set(packet11(Code.AccessRequest, 1, "0105626f62"));
  assert.equal(decodeRadius11(padded, { dictionary }).get("User-Name"), "bob");
  // maxAttributes applies as it does to RADIUS/1.0.
  const many = packet11(Code.AccessRequest, 1, "0103aa".repeat(5));
  assert.throws(
    () => decodeRadius11(many, { dictionary, maxAttributes: 4 }),
    MalformedPacketError,
  );
});

test("over 4096 bytes is a PacketTooLargeError", () => {
  const request = Packet.create(Code.AccessRequest, dictionary, {
    "Class": Array.from({ length: 17 }, () => new Uint8Array(253)),
  });
  assert.throws(() => encodeRadius11(request, 1), PacketTooLargeError);
});

test("encodeRadius11Into() writes the same bytes into memory it is given", () => {
  const request = Packet.create(Code.AccessRequest, dictionary, { "User-Password": "pw" });
  const block = new Uint8Array(100);
  const bytes = encodeRadius11Into(request, 26, (length) => block.subarray(10, 10 + length));
  assert.equal(bytes.buffer, block.buffer);
  assert.deepEqual(bytes, encodeRadius11(request, 26));
});

test("RADIUS/1.0 encoding is unchanged, byte for byte", () => {
  // RFC 2865 §7.1's Access-Request and Access-Accept (secret "xyzzy5461"),
  // with radkit's Message-Authenticator, and an Accounting-Request: the bytes
  // radkit wrote before RADIUS/1.1 existed.
  const request = Packet.create(Code.AccessRequest, dictionary, {
    "User-Name": "nemo",
    "User-Password": "arctangent",
    "NAS-IP-Address": "192.168.1.16",
    "NAS-Port": 3,
  }, { id: 0, authenticator: hex("0f403f9473978057bd83d5cb98f4227a") });
  assert.equal(
    toHex(request.encode("xyzzy5461")),
    "0100004a0f403f9473978057bd83d5cb98f4227a50128f16b45f90d3494989a4f14f4421c618" +
      "01066e656d6f02120dbe708d93d413ce3196e43f782a0aee0406c0a80110050600000003",
  );
  const accept = request.reply(Code.AccessAccept, {
    "Service-Type": "Framed-User",
    "Framed-Protocol": "PPP",
    "Framed-IP-Address": "255.255.255.254",
  });
  assert.equal(
    toHex(accept.encode("xyzzy5461")),
    "02000038544286f997f3d85a605b7ee0eadb8715501293caf599e290b33ff07169857b167b2d" +
      "0606000000020706000000010806fffffffe",
  );
  const accounting = Packet.create(Code.AccountingRequest, dictionary, {
    "User-Name": "nemo",
    "Acct-Status-Type": "Start",
    "Acct-Session-Id": "abc",
  }, { id: 7 });
  assert.equal(
    toHex(accounting.encode("xyzzy5461")),
    "04070025c79ea39fc67dbf7bda69c7d3fe47275501066e656d6f2806000000012c05616263",
  );
  // And RADIUS/1.0 still hides what RADIUS/1.1 sends in the clear.
  const decoded = Packet.decode(request.encode("xyzzy5461"), { dictionary });
  assert.equal(decoded.get("User-Password"), undefined);
});
