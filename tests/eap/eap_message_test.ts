// EAP over RADIUS (RFC 3579 §3.1, §3.2): EAP-Message split at 253 octets and
// joined back through real encoded datagrams, the Length check, many tiny
// fragments, EAP packets too long for a RADIUS packet, and the
// Message-Authenticator every packet with EAP-Message carries.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Code } from "../../src/codec/code.ts";
import { checkRequest, checkResponse } from "../../src/codec/packet_codec.ts";
import { Dictionary } from "../../src/dictionary/dictionary.ts";
import { MalformedPacketError, PacketTooLargeError } from "../../src/errors.ts";
import { Packet } from "../../src/packet.ts";
import { EapCode } from "../../src/eap/code.ts";
import { EapError, type EapErrorReason } from "../../src/eap/error.ts";
import {
  countEapMessageAttributes,
  getEapMessage,
  MAX_EAP_IN_RADIUS,
  readEap,
  setEapMessage,
} from "../../src/eap/eap_message.ts";
import { encodeEap } from "../../src/eap/packet.ts";
import { EapType } from "../../src/eap/type.ts";

const dictionary = Dictionary.default();
const secret = "s3cret";
const secretBytes = new TextEncoder().encode(secret);

/** An EAP-Response/MD5-Challenge of exactly `length` octets whose data counts up, so order shows. */
function eapOfLength(length: number, identifier = 1): Uint8Array {
  const data = Uint8Array.from({ length: length - 5 }, (_, i) => (i * 7 + 3) % 251);
  return encodeEap({ code: EapCode.Response, identifier, type: EapType.MD5Challenge, data });
}

/** The top-level attributes of a datagram as [type, value], in wire order. */
function wireAttributes(datagram: Uint8Array): [number, Uint8Array][] {
  const out: [number, Uint8Array][] = [];
  const end = (datagram[2]! << 8) | datagram[3]!;
  for (let p = 20; p < end; p += datagram[p + 1]!) {
    out.push([datagram[p]!, datagram.subarray(p + 2, p + datagram[p + 1]!)]);
  }
  return out;
}

function refused(fn: () => unknown, reason: EapErrorReason): void {
  assert.throws(fn, (error) => {
    assert.ok(error instanceof EapError, String(error));
    assert.equal(error.reason, reason);
    return true;
  });
}

/** An Access-Request datagram (Message-Authenticator computed) holding `attributes` as given. */
function requestWith(attributes: readonly [string, Uint8Array | string][]): Uint8Array {
  const request = Packet.create(Code.AccessRequest, dictionary, {});
  for (const [name, value] of attributes) request.add(name as "EAP-Message", value as Uint8Array);
  return request.encode(secret);
}

for (
  const [length, sizes] of [
    [253, [253]],
    [254, [253, 1]],
    [506, [253, 253]],
    [507, [253, 253, 1]],
  ] as const
) {
  test(`an EAP packet of ${length} octets goes in EAP-Message attributes of ${sizes.join(" + ")}`, () => {
    const eap = eapOfLength(length);
    const request = Packet.create(Code.AccessRequest, dictionary, {
      "User-Name": "bob",
      "NAS-Identifier": "ap-1",
    });
    setEapMessage(request, eap);
    const datagram = request.encode(secret);
    assert.equal(checkRequest(datagram, secretBytes, true), undefined);

    const wire = wireAttributes(datagram);
    assert.equal(wire[0]![0], 80, "Message-Authenticator first");
    const eapAttributes = wire.filter(([type]) => type === 79);
    assert.deepEqual(eapAttributes.map(([, value]) => value.length), [...sizes]);
    // Consecutive, in order: their values laid end to end are the EAP packet.
    const first = wire.findIndex(([type]) => type === 79);
    assert.deepEqual(
      wire.slice(first, first + sizes.length).map(([type]) => type),
      sizes.map(() => 79),
    );
    assert.deepEqual(Uint8Array.from(eapAttributes.flatMap(([, value]) => [...value])), eap);
    assert.equal(countEapMessageAttributes(datagram), sizes.length);

    const received = Packet.decode(datagram, { dictionary, secret });
    assert.deepEqual(getEapMessage(received), eap);
    assert.deepEqual(readEap(received), {
      code: EapCode.Response,
      identifier: 1,
      type: EapType.MD5Challenge,
      data: eap.subarray(5),
    });
  });
}

test("setEapMessage replaces the EAP-Message attributes where the first one was", () => {
  const request = Packet.create(Code.AccessRequest, dictionary, { "User-Name": "bob" });
  setEapMessage(request, eapOfLength(600));
  request.add("NAS-Identifier", "ap-1");
  setEapMessage(request, eapOfLength(10, 2));
  assert.deepEqual(request.attributes().map((attr) => attr.name), [
    "User-Name",
    "EAP-Message",
    "NAS-Identifier",
  ]);
  assert.equal(readEap(request)?.identifier, 2);
  // A copy is kept: changing the bytes given later changes nothing.
  const eap = eapOfLength(300, 3);
  setEapMessage(request, eap);
  eap[1] = 99;
  assert.equal(readEap(request)?.identifier, 3);
});

test("setEapMessage checks bytes as decodeEap does", () => {
  const request = Packet.create(Code.AccessRequest, dictionary, {});
  refused(() => setEapMessage(request, new Uint8Array([2, 1, 0, 9, 1])), "eap-length-mismatch");
  refused(() => setEapMessage(request, new Uint8Array([3, 1, 0, 5, 0])), "eap-result-with-data");
  assert.equal(request.has("EAP-Message"), false);
});

test("getEapMessage: no EAP-Message gives undefined", () => {
  const request = Packet.create(Code.AccessRequest, dictionary, { "User-Name": "bob" });
  assert.equal(getEapMessage(request), undefined);
  assert.equal(readEap(Packet.decode(request.encode(secret), { dictionary })), undefined);
});

test("a Length field that differs from the joined EAP-Message attributes: eap-length-mismatch", () => {
  const eap = eapOfLength(400);
  // One attribute short: the Length field says 400, the attributes hold 253.
  const short = requestWith([["EAP-Message", eap.subarray(0, 253)]]);
  refused(() => getEapMessage(Packet.decode(short, { dictionary })), "eap-length-mismatch");
  // One octet too many.
  const long = requestWith([["EAP-Message", eap.subarray(0, 253)], [
    "EAP-Message",
    Uint8Array.from([...eap.subarray(253), 0]),
  ]]);
  refused(() => readEap(Packet.decode(long, { dictionary })), "eap-length-mismatch");
  // Fewer than a header.
  const tiny = requestWith([["EAP-Message", new Uint8Array([2, 1, 0])]]);
  refused(() => getEapMessage(Packet.decode(tiny, { dictionary })), "eap-truncated");
});

test("EAP-Message attributes that are not consecutive are joined in order, as FreeRADIUS does", () => {
  const eap = eapOfLength(300);
  const datagram = requestWith([
    ["EAP-Message", eap.subarray(0, 100)],
    ["NAS-Identifier", "ap-1"],
    ["EAP-Message", eap.subarray(100, 299)],
    ["User-Name", "bob"],
    ["EAP-Message", eap.subarray(299)],
  ]);
  assert.equal(checkRequest(datagram, secretBytes, true), undefined);
  assert.equal(countEapMessageAttributes(datagram), 3);
  assert.deepEqual(getEapMessage(Packet.decode(datagram, { dictionary })), eap);
});

test("1,000 one-octet EAP-Message attributes fit a datagram: counted on the wire, joined in linear time", () => {
  // 20 + 18 + 1000 × 3 = 3,038 octets: a valid RADIUS packet.
  const eap = eapOfLength(1000);
  const fragments = [...eap].map((octet) => new Uint8Array([octet]));
  const request = Packet.create(Code.AccessRequest, dictionary, {}).add("EAP-Message", fragments);
  const datagram = request.encode(secret);
  assert.equal(datagram.length, 3038);
  assert.equal(checkRequest(datagram, secretBytes, true), undefined);
  assert.equal(countEapMessageAttributes(datagram), 1000);
  // Decoding joins the consecutive run into one value; its Length checks out.
  const received = Packet.decode(datagram, { dictionary });
  assert.equal(received.getAll("EAP-Message").length, 1);
  assert.deepEqual(getEapMessage(received), eap);
  // The same fragments with one missing no longer match the Length field.
  const lacking = Packet.create(Code.AccessRequest, dictionary, {})
    .add("EAP-Message", fragments.slice(0, 999))
    .encode(secret);
  refused(() => getEapMessage(Packet.decode(lacking, { dictionary })), "eap-length-mismatch");
});

test("about 2,000 empty EAP-Message attributes, or 600 interleaved with others: bounded, typed errors", () => {
  // 2,029 empty EAP-Message attributes after a Message-Authenticator fill 4,096 octets.
  // Empty values are left out when decoding (RFC 2865 §5, as FreeRADIUS
  // does): such a packet carries no EAP packet.
  const empties = new Uint8Array(4096);
  empties.set([Code.AccessRequest, 1, 0x10, 0x00]);
  empties.set([80, 18], 20);
  for (let p = 38; p < 4096; p += 2) empties.set([79, 2], p);
  assert.equal(countEapMessageAttributes(empties), 2029);
  assert.equal(getEapMessage(Packet.decode(empties, { dictionary })), undefined);
  // One of them holding two octets: fewer than an EAP header.
  empties.set([79, 4, 2, 1], 38);
  for (let p = 42; p < 4096; p += 2) empties.set([79, 2], p);
  assert.equal(countEapMessageAttributes(empties), 2028);
  refused(() => getEapMessage(Packet.decode(empties, { dictionary })), "eap-truncated");

  // 600 one-octet EAP-Message attributes, each followed by a NAS-Port-Id.
  const header = eapOfLength(600);
  const interleaved: [string, Uint8Array | string][] = [];
  for (let i = 0; i < 599; i++) {
    interleaved.push(["EAP-Message", header.subarray(i, i + 1)], ["NAS-Port-Id", "p"]);
  }
  const datagram = requestWith(interleaved);
  assert.equal(countEapMessageAttributes(datagram), 599);
  const decoded = Packet.decode(datagram, { dictionary });
  assert.equal(decoded.getAll("EAP-Message").length, 599);
  refused(() => getEapMessage(decoded), "eap-length-mismatch");
});

test("countEapMessageAttributes refuses a datagram that does not frame", () => {
  const datagram = requestWith([["EAP-Message", eapOfLength(10)]]);
  const cut = datagram.slice();
  cut[datagram.length - 11] = 200; // the EAP-Message's length runs past the end
  assert.throws(() => countEapMessageAttributes(cut), MalformedPacketError);
  assert.throws(() => countEapMessageAttributes(new Uint8Array(10)), MalformedPacketError);
});

test(`an EAP packet longer than ${MAX_EAP_IN_RADIUS} octets cannot fit a RADIUS packet: eap-too-long`, () => {
  assert.equal(MAX_EAP_IN_RADIUS, 4026);
  // A 10 kB identity.
  const request = Packet.create(Code.AccessRequest, dictionary, {});
  const identity = new TextEncoder().encode("x".repeat(10_000));
  refused(
    () =>
      setEapMessage(request, {
        code: EapCode.Response,
        identifier: 0,
        type: EapType.Identity,
        data: identity,
      }),
    "eap-too-long",
  );
  refused(() => setEapMessage(request, eapOfLength(MAX_EAP_IN_RADIUS + 1)), "eap-too-long");
  assert.equal(request.has("EAP-Message"), false);

  // The longest one fits a packet that carries nothing else, to the last octet.
  const longest = eapOfLength(MAX_EAP_IN_RADIUS);
  setEapMessage(request, longest);
  const datagram = request.encode(secret);
  assert.equal(datagram.length, 4096);
  assert.equal(countEapMessageAttributes(datagram), 16);
  assert.deepEqual(getEapMessage(Packet.decode(datagram, { dictionary })), longest);

  // With other attributes it no longer does: the encoder says so.
  request.add("User-Name", "bob");
  assert.throws(() => request.encode(secret), PacketTooLargeError);
});

test("every Access-Request and reply with EAP-Message carries a Message-Authenticator that verifies", () => {
  const request = setEapMessage(
    Packet.create(Code.AccessRequest, dictionary, { "User-Name": "bob" }),
    eapOfLength(20),
  );
  const datagram = request.encode(secret);
  assert.equal(wireAttributes(datagram)[0]![0], 80);
  assert.equal(checkRequest(datagram, secretBytes, true), undefined);
  const received = Packet.decode(datagram, { dictionary, secret });
  for (
    const [code, eap] of [
      [Code.AccessChallenge, eapOfLength(700)],
      [Code.AccessAccept, encodeEap({ code: EapCode.Success, identifier: 1 })],
      [Code.AccessReject, encodeEap({ code: EapCode.Failure, identifier: 1 })],
    ] as const
  ) {
    const reply = setEapMessage(received.reply(code), eap).encode(secret);
    assert.equal(wireAttributes(reply)[0]![0], 80, `${code}: Message-Authenticator first`);
    assert.equal(checkResponse(reply, secretBytes, request.authenticator, true), undefined);
    assert.deepEqual(getEapMessage(Packet.decode(reply, { dictionary, request })), eap);
  }
});

test("for other codes setEapMessage adds the Message-Authenticator RFC 3579 §3.2 requires", () => {
  const accounting = setEapMessage(
    Packet.create(Code.AccountingRequest, dictionary, { "Acct-Status-Type": "Start" }),
    eapOfLength(8),
  );
  assert.equal(accounting.has("Message-Authenticator"), true);
  setEapMessage(accounting, eapOfLength(9));
  assert.equal(
    accounting.attributes().filter((attr) => attr.name === "Message-Authenticator").length,
    1,
  );
  const datagram = accounting.encode(secret);
  assert.equal(wireAttributes(datagram).filter(([type]) => type === 80).length, 1);
  assert.equal(checkRequest(datagram, secretBytes, true), undefined);
  // Access-Request: Packet.encode adds it; the packet holds none of its own.
  const request = setEapMessage(Packet.create(Code.AccessRequest, dictionary, {}), eapOfLength(8));
  assert.equal(request.has("Message-Authenticator"), false);
});

test("with a dictionary that lacks EAP-Message, Attr-79 carries it", () => {
  const bare = Dictionary.parse("");
  const request = setEapMessage(Packet.create(Code.AccessRequest, bare, {}), eapOfLength(300));
  assert.deepEqual(getEapMessage(request), eapOfLength(300));
  const datagram = request.encode(secret);
  assert.equal(countEapMessageAttributes(datagram), 2);
  assert.deepEqual(getEapMessage(Packet.decode(datagram, { dictionary: bare })), eapOfLength(300));
  assert.deepEqual(getEapMessage(Packet.decode(datagram, { dictionary })), eapOfLength(300));
});
