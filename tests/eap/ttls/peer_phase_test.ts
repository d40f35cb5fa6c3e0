// EAP-TTLS phase 2 on the peer, fed by hand: the AVPs it sends, the server
// proof it checks (S= wrong: it throws), and what it does with every other
// message (answers, acknowledges, or throws bad-method-data).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { EapConversationError } from "../../../src/eap/conversation_error.ts";
import { EapCode } from "../../../src/eap/code.ts";
import {
  decodeEap,
  type EapDataPacket,
  type EapPacket,
  encodeEap,
} from "../../../src/eap/packet.ts";
import { buildMsChap2Success, parseMsChap2Response } from "../../../src/mschap/attributes.ts";
import {
  generateAuthenticatorResponse,
  generateNtResponse,
} from "../../../src/mschap/mschap_v2.ts";
import { challengeResponse } from "../../../src/mschap/challenge_response.ts";
import { ntPasswordHash } from "../../../src/mschap/nt_password_hash.ts";
import { decodeAvps, encodeAvps, mandatoryAvp, TtlsAvp } from "../../../src/eap/ttls/avp.ts";
import { type TtlsPeerOptions, ttlsPeerPhase } from "../../../src/eap/ttls/ttls_peer_phase.ts";
import { ttlsServerPhase } from "../../../src/eap/ttls/ttls_server_phase.ts";
import { fakeExporter, hex, OUTER, serverContext, toHex } from "./_phase2.ts";

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);
const empty = new Uint8Array(0);

function peer(options: TtlsPeerOptions, exporter = fakeExporter()) {
  return ttlsPeerPhase(options)({ exportKeyingMaterial: exporter });
}

function avpsOf(bytes: Uint8Array) {
  const decoded = decodeAvps(bytes);
  assert.ok(decoded.ok);
  return decoded.avps;
}

/** Whether `run` throws or rejects with an EapConversationError of this reason. */
async function rejectsWith(run: () => unknown, reason: string): Promise<void> {
  await assert.rejects(
    async () => await run(),
    (error: unknown) => error instanceof EapConversationError && error.reason === reason,
  );
}

const eapMessage = (packet: EapPacket | Uint8Array): Uint8Array =>
  encodeAvps([
    mandatoryAvp(TtlsAvp.EapMessage, packet instanceof Uint8Array ? packet : encodeEap(packet)),
  ]);

test("PAP: User-Name and the NUL-padded User-Password, every AVP mandatory; finished once sent", async () => {
  for (
    const [password, padded] of [["", 16], ["hello", 16], ["x".repeat(16), 16], [
      "x".repeat(17),
      32,
    ]] as const
  ) {
    const phase = peer({ identity: "bob", password, inner: "pap" });
    assert.equal(phase.finished, false);
    const avps = avpsOf(await phase.start(empty, OUTER));
    assert.equal(phase.finished, true);
    assert.deepEqual(avps.map((avp) => [avp.code, avp.vendorId, avp.mandatory]), [
      [1, 0, true],
      [2, 0, true],
    ]);
    assert.deepEqual(avps[0]!.data, ascii("bob"));
    assert.equal(avps[1]!.data.length, padded);
    assert.deepEqual(avps[1]!.data.subarray(0, password.length), ascii(password));
    assert.ok(avps[1]!.data.subarray(password.length).every((byte) => byte === 0));
  }
});

test("CHAP: the implicit challenge and Ident, MD5(Ident || password || challenge)", async () => {
  const exporter = fakeExporter();
  const material = exporter(17, "ttls challenge");
  const phase = peer({ identity: "bob", password: "hello", inner: "chap" }, exporter);
  const avps = avpsOf(await phase.start(empty, OUTER));
  assert.deepEqual(avps.map((avp) => avp.code), [1, 60, 3]);
  assert.deepEqual(avps[1]!.data, material.subarray(0, 16));
  const md5 = createHash("md5")
    .update(material.subarray(16))
    .update("hello")
    .update(material.subarray(0, 16))
    .digest();
  assert.deepEqual(avps[2]!.data, new Uint8Array([material[16]!, ...md5]));
  assert.equal(phase.finished, true);
});

test("MS-CHAP v1: an 8-octet implicit challenge, the NT-Response only", async () => {
  const exporter = fakeExporter();
  const material = exporter(9, "ttls challenge");
  const phase = peer({ identity: "bob", password: "hello", inner: "mschap" }, exporter);
  const avps = avpsOf(await phase.start(empty, OUTER));
  assert.deepEqual(avps.map((avp) => [avp.code, avp.vendorId]), [[1, 0], [11, 311], [1, 311]]);
  assert.deepEqual(avps[1]!.data, material.subarray(0, 8));
  const response = avps[2]!.data;
  assert.equal(response.length, 50);
  assert.equal(response[0], material[8]);
  assert.equal(response[1], 1); // use the NT-Response
  assert.deepEqual(response.subarray(2, 26), new Uint8Array(24));
  assert.deepEqual(
    response.subarray(26),
    challengeResponse(material.subarray(0, 8), ntPasswordHash("hello")),
  );
  assert.equal(phase.finished, true);
});

test("MS-CHAP v2: the response to the implicit challenge; finished only once S= verifies", async () => {
  const exporter = fakeExporter();
  const material = exporter(17, "ttls challenge");
  const phase = peer({ identity: "bob", password: "hello", inner: "mschapv2" }, exporter);
  const avps = avpsOf(await phase.start(empty, OUTER));
  assert.deepEqual(avps.map((avp) => [avp.code, avp.vendorId]), [[1, 0], [11, 311], [25, 311]]);
  assert.deepEqual(avps[1]!.data, material.subarray(0, 16));
  const response = parseMsChap2Response(avps[2]!.data)!;
  assert.equal(response.ident, material[16]);
  const exchange = {
    authenticatorChallenge: material.subarray(0, 16),
    peerChallenge: response.peerChallenge,
    username: "bob",
    passwordHash: ntPasswordHash("hello"),
  };
  assert.deepEqual(response.ntResponse, generateNtResponse(exchange));
  assert.equal(phase.finished, false);
  const proof = generateAuthenticatorResponse(exchange, response.ntResponse);
  const success = encodeAvps([
    mandatoryAvp(TtlsAvp.MsChap2Success, buildMsChap2Success(response.ident, proof)),
  ]);
  assert.deepEqual(await phase.receive(success, OUTER), empty);
  assert.equal(phase.finished, true);
  // Nothing more is expected.
  await rejectsWith(() => phase.receive(success, OUTER), "bad-method-data");
});

test("MS-CHAP v2: a server whose S= is wrong, or for another Ident, is not authenticated", async () => {
  for (const spoil of ["digit", "ident", "short", "lowercase-ok"] as const) {
    const exporter = fakeExporter();
    const phase = peer({ identity: "bob", password: "hello", inner: "mschapv2" }, exporter);
    const avps = avpsOf(await phase.start(empty, OUTER));
    const response = parseMsChap2Response(avps[2]!.data)!;
    const exchange = {
      authenticatorChallenge: avps[1]!.data,
      peerChallenge: response.peerChallenge,
      username: "bob",
      passwordHash: ntPasswordHash("hello"),
    };
    let proof = generateAuthenticatorResponse(exchange, response.ntResponse);
    let ident = response.ident;
    if (spoil === "digit") {
      proof = proof.slice(0, 10) + (proof[10] === "0" ? "1" : "0") + proof.slice(11);
    }
    if (spoil === "ident") ident = (ident + 1) & 0xff;
    if (spoil === "short") proof = proof.slice(0, 41);
    if (spoil === "lowercase-ok") proof = proof.toLowerCase().replace("s=", "S=");
    const success = encodeAvps([
      mandatoryAvp(TtlsAvp.MsChap2Success, buildMsChap2Success(ident, proof)),
    ]);
    if (spoil === "lowercase-ok") {
      assert.deepEqual(await phase.receive(success, OUTER), empty);
      assert.equal(phase.finished, true);
      continue;
    }
    await rejectsWith(() => phase.receive(success, OUTER), "server-not-authenticated");
    assert.equal(phase.finished, false);
  }
});

test("MS-CHAP v2: a server that swaps in its own S= for a wrong password is caught end to end", async () => {
  // A server that knows another password ("hellO") and proves that one.
  const exporter = fakeExporter();
  const phase = peer({ identity: "bob", password: "hello", inner: "mschapv2" }, exporter);
  const first = await phase.start(empty, OUTER);
  const avps = avpsOf(first);
  const response = parseMsChap2Response(avps[2]!.data)!;
  const proof = generateAuthenticatorResponse({
    authenticatorChallenge: avps[1]!.data,
    peerChallenge: response.peerChallenge,
    username: "bob",
    passwordHash: ntPasswordHash("hellO"),
  }, response.ntResponse);
  const success = encodeAvps([
    mandatoryAvp(TtlsAvp.MsChap2Success, buildMsChap2Success(response.ident, proof)),
  ]);
  await rejectsWith(() => phase.receive(success, OUTER), "server-not-authenticated");
});

test("MS-CHAP v2: MS-CHAP-Error is acknowledged with an empty message, not finished", async () => {
  const phase = peer({ identity: "bob", password: "hello", inner: "mschapv2" });
  await phase.start(empty, OUTER);
  const error = encodeAvps([
    mandatoryAvp(TtlsAvp.MsChapError, new Uint8Array([1, ...ascii("E=691 R=0")])),
  ]);
  assert.deepEqual(await phase.receive(error, OUTER), empty);
  assert.equal(phase.finished, false);
});

test("MS-CHAP v2: what is no proof throws bad-method-data", async () => {
  const cases = [
    new Uint8Array([1, 2, 3]),
    encodeAvps([mandatoryAvp(TtlsAvp.EapMessage, hex("01010005 01"))]),
    encodeAvps([{ code: 18, vendorId: 0, mandatory: false, data: ascii("hello") }]),
    encodeAvps([
      mandatoryAvp(TtlsAvp.MsChap2Success, new Uint8Array(43).fill(0x41)),
      mandatoryAvp(TtlsAvp.MsChap2Success, new Uint8Array(43).fill(0x42)),
    ]),
  ];
  for (const bytes of cases) {
    const phase = peer({ identity: "bob", password: "hello", inner: "mschapv2" });
    await phase.start(empty, OUTER);
    await rejectsWith(() => phase.receive(bytes, OUTER), "bad-method-data");
  }
  // An empty message is no answer, and changes nothing.
  const phase = peer({ identity: "bob", password: "hello", inner: "mschapv2" });
  await phase.start(empty, OUTER);
  assert.deepEqual(await phase.receive(empty, OUTER), empty);
  assert.equal(phase.finished, false);
});

test("PAP, CHAP and MS-CHAP expect nothing back; data from the server throws", async () => {
  for (const inner of ["pap", "chap", "mschap"] as const) {
    const phase = peer({ identity: "bob", password: "hello", inner });
    await phase.start(empty, OUTER);
    await rejectsWith(
      () => phase.receive(eapMessage(hex("01010005 01")), OUTER),
      "bad-method-data",
    );
    assert.deepEqual(await phase.receive(empty, OUTER), empty);
  }
  // Nor do they expect the server to speak first.
  const phase = peer({ identity: "bob", password: "hello", inner: "pap" });
  await rejectsWith(() => phase.start(new Uint8Array([1]), OUTER), "bad-method-data");
});

test("inner EAP: starts with the Identity Response (Identifier 0, no User-Name)", async () => {
  const phase = peer({ identity: "bob", password: "hello", inner: "eap-md5" });
  const first = await phase.start(empty, OUTER);
  assert.equal(toHex(first), "0000004f" + "40000010" + "02000008" + "01626f62");
  assert.equal(phase.finished, false);
});

test("inner EAP: answers Identity, Notification, its method; Naks others; acknowledges Success/Failure", async () => {
  const phase = peer({ identity: "bob", password: "hello", inner: "eap-md5" });
  // The outer Requests run from 200 on, apart from the inner Identifiers:
  // an inner packet keeps its own (RFC 5281 §11.3), which EAP-MD5 hashes.
  let outer = 199;
  await phase.start(empty, outer);
  const inner = async (packet: EapPacket): Promise<EapDataPacket | undefined> => {
    outer = (outer + 1) & 0xff;
    const out = await phase.receive(eapMessage(packet), outer);
    if (out.length === 0) return undefined;
    const avps = avpsOf(out);
    assert.equal(avps.length, 1);
    assert.equal(avps[0]!.code, 79);
    assert.equal(avps[0]!.mandatory, true);
    return decodeEap(avps[0]!.data) as EapDataPacket;
  };
  assert.deepEqual(await inner({ code: EapCode.Request, identifier: 9, type: 1, data: empty }), {
    code: EapCode.Response,
    identifier: 9,
    type: 1,
    data: ascii("bob"),
  });
  assert.deepEqual(
    await inner({ code: EapCode.Request, identifier: 10, type: 2, data: ascii("hi") }),
    {
      code: EapCode.Response,
      identifier: 10,
      type: 2,
      data: empty,
    },
  );
  assert.deepEqual(
    await inner({ code: EapCode.Request, identifier: 11, type: 26, data: new Uint8Array(20) }),
    {
      code: EapCode.Response,
      identifier: 11,
      type: 3,
      data: new Uint8Array([4]),
    },
  );
  const expanded = await inner({
    code: EapCode.Request,
    identifier: 12,
    type: 254,
    vendorId: 0x137f,
    vendorType: 1,
    data: empty,
  });
  assert.equal(expanded?.type, 254);
  assert.equal(expanded?.vendorType, 3);
  assert.equal(phase.finished, false);
  const challenge = new Uint8Array(16).fill(3);
  const md5 = await inner({
    code: EapCode.Request,
    identifier: 13,
    type: 4,
    data: new Uint8Array([16, ...challenge]),
  });
  // The inner Identifier 13, not that of outer Request 204.
  assert.equal(outer, 204);
  const value = createHash("md5").update(new Uint8Array([13])).update("hello").update(challenge)
    .digest();
  assert.deepEqual(md5?.data, new Uint8Array([16, ...value]));
  assert.equal(phase.finished, true);
  assert.equal(await inner({ code: EapCode.Success, identifier: 13 }), undefined);
  assert.equal(await inner({ code: EapCode.Failure, identifier: 13 }), undefined);
});

test("inner EAP: a server that opens with its own Identity Request is answered", async () => {
  const phase = peer({ identity: "bob", password: "hello", inner: "eap-gtc" });
  const first = await phase.start(
    eapMessage({ code: EapCode.Request, identifier: 5, type: 1, data: empty }),
    OUTER,
  );
  assert.deepEqual(decodeEap(avpsOf(first)[0]!.data), {
    code: EapCode.Response,
    identifier: 5,
    type: 1,
    data: ascii("bob"),
  });
});

test("inner EAP: what does not parse throws bad-method-data", async () => {
  const cases = [
    new Uint8Array([0, 0, 0]),
    encodeAvps([{ code: 4242, vendorId: 0, mandatory: true, data: empty }]),
    encodeAvps([{ code: 18, vendorId: 0, mandatory: false, data: ascii("no EAP here") }]),
    eapMessage(hex("01010009 04")), // Length says 9
    eapMessage({ code: EapCode.Response, identifier: 1, type: 4, data: new Uint8Array(17) }),
    eapMessage({ code: EapCode.Request, identifier: 1, type: 4, data: new Uint8Array([0]) }), // MD5 without a challenge
    eapMessage({ code: EapCode.Request, identifier: 1, type: 26, data: new Uint8Array(2) }), // (for EAP-MSCHAPv2) no header
  ];
  for (const [index, bytes] of cases.entries()) {
    const inner = index === cases.length - 1 ? "eap-mschapv2" : "eap-md5";
    const phase = peer({ identity: "bob", password: "hello", inner });
    await phase.start(empty, OUTER);
    await rejectsWith(() => phase.receive(bytes, OUTER), "bad-method-data");
  }
});

test("inner EAP-MSCHAPv2 against a server that fakes its S=: the peer answers Failure and is not finished", async () => {
  const exporter = fakeExporter();
  const server = ttlsServerPhase(serverContext({ exporter, innerMethods: ["mschapv2"] }));
  const phase = peer({ identity: "bob", password: "hello", inner: "eap-mschapv2" }, exporter);
  let turn = await server.start(await phase.start(empty, OUTER), OUTER);
  turn = await server.receive(
    await phase.receive((turn as { plaintext: Uint8Array }).plaintext, OUTER),
    OUTER,
  );
  // The Success Request, with one digit of S= changed.
  const avps = avpsOf((turn as { plaintext: Uint8Array }).plaintext);
  const packet = decodeEap(avps[0]!.data) as EapDataPacket;
  const data = packet.data.slice();
  data[4 + 2] = data[4 + 2] === 0x30 ? 0x31 : 0x30;
  const answer = avpsOf(await phase.receive(eapMessage({ ...packet, data }), OUTER));
  assert.deepEqual((decodeEap(answer[0]!.data) as EapDataPacket).data, new Uint8Array([4]));
  assert.equal(phase.finished, false);
  assert.deepEqual(await server.receive(eapMessage(answer[0]!.data), OUTER), {
    next: "failure",
    reason: "peer-failure",
  });
});

test("options are checked when the phase is made", () => {
  const make = (options: unknown) => () => ttlsPeerPhase(options as TtlsPeerOptions);
  assert.throws(make(undefined), TypeError);
  assert.throws(make({ identity: "bob", password: "hello", inner: "peap" }), /one of pap, chap/);
  assert.throws(make({ identity: 7, password: "hello", inner: "pap" }), /identity/);
  assert.throws(make({ identity: "b".repeat(254), password: "hello", inner: "pap" }), /253 octets/);
  assert.throws(make({ identity: "bob", password: undefined, inner: "pap" }), /password/);
  assert.doesNotThrow(make({ identity: "b".repeat(253), password: "", inner: "pap" }));
});

test("start() once", async () => {
  for (const inner of ["pap", "eap-md5"] as const) {
    const phase = peer({ identity: "bob", password: "hello", inner });
    await phase.start(empty, OUTER);
    await assert.rejects(async () => await phase.start(empty, OUTER), /already started/);
  }
});
