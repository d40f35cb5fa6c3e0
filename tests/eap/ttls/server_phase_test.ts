// EAP-TTLS phase 2 on the server, fed by hand: the RFC 2759 §9.2 known answer
// through MS-CHAP v2 in AVPs, the AVP rules of RFC 5281, and garbage at every
// step (a failure turn, never a throw).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { ntPasswordHash } from "../../../src/mschap/nt_password_hash.ts";
import { buildMsChap2Response } from "../../../src/mschap/attributes.ts";
import { EapCode } from "../../../src/eap/code.ts";
import { type EapPacket, encodeEap } from "../../../src/eap/packet.ts";
import { TlsExporterUnavailableError } from "../../../src/eap/tls/tls_exporter_error.ts";
import type { TunnelServerPhase, TunnelServerTurn } from "../../../src/eap/tls/tunnel.ts";
import { type Avp, encodeAvps, mandatoryAvp, TtlsAvp } from "../../../src/eap/ttls/avp.ts";
import { ttlsPeerPhase } from "../../../src/eap/ttls/ttls_peer_phase.ts";
import { ttlsServerPhase } from "../../../src/eap/ttls/ttls_server_phase.ts";
import {
  converse,
  type Exporter,
  fakeExporter,
  hex,
  OUTER,
  serverContext,
  toHex,
} from "./_phase2.ts";

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);
const empty = new Uint8Array(0);
const BAD: TunnelServerTurn = { next: "failure", reason: "bad-method-data" };
const DENIED: TunnelServerTurn = { next: "failure", reason: "authentication-failed" };

// RFC 2759 §9.2.
const AUTHENTICATOR_CHALLENGE = hex("5B5D7C7D7B3F2F3E3C2C602132262628");
const PEER_CHALLENGE = hex("21402324255E262A28295F2B3A337C7E");
const NT_RESPONSE = hex("82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF");
const AUTHENTICATOR_RESPONSE = "S=407A5589115FD0D6209F510FE9C04566932CDA56";

/** An exporter whose "ttls challenge" is the RFC 2759 §9.2 challenge, then Ident 0x2a. */
const rfcExporter: Exporter = (length, label) => {
  assert.equal(label, "ttls challenge");
  assert.equal(length, 17);
  return new Uint8Array([...AUTHENTICATOR_CHALLENGE, 0x2a]);
};

function rfcMsChapV2(ident = 0x2a): Uint8Array {
  return encodeAvps([
    mandatoryAvp(TtlsAvp.UserName, ascii("User")),
    mandatoryAvp(TtlsAvp.MsChapChallenge, AUTHENTICATOR_CHALLENGE),
    mandatoryAvp(TtlsAvp.MsChap2Response, buildMsChap2Response(ident, PEER_CHALLENGE, NT_RESPONSE)),
  ]);
}

function pap(userName: string, password: Uint8Array | string, extra: Avp[] = []): Uint8Array {
  return encodeAvps([
    mandatoryAvp(TtlsAvp.UserName, ascii(userName)),
    mandatoryAvp(TtlsAvp.UserPassword, typeof password === "string" ? ascii(password) : password),
    ...extra,
  ]);
}

function eapMessage(packet: EapPacket | Uint8Array, extra: Avp[] = []): Uint8Array {
  const bytes = packet instanceof Uint8Array ? packet : encodeEap(packet);
  return encodeAvps([mandatoryAvp(TtlsAvp.EapMessage, bytes), ...extra]);
}

const identityResponse = (identity: string, identifier = 0): EapPacket => ({
  code: EapCode.Response,
  identifier,
  type: 1,
  data: ascii(identity),
});

function server(options: Parameters<typeof serverContext>[0] = {}): TunnelServerPhase {
  return ttlsServerPhase(serverContext(options));
}

test("MS-CHAP v2 known answer (RFC 2759 §9.2): MS-CHAP2-Success carries S=407A…DA56, then the empty ack succeeds", async () => {
  for (const users of [undefined, new Map([["User", { ntHash: ntPasswordHash("clientPass") }]])]) {
    const phase = server({ exporter: rfcExporter, ...(users === undefined ? {} : { users }) });
    const turn = await phase.start(rfcMsChapV2(), OUTER);
    assert.equal(turn.next, "send");
    const plaintext = (turn as { plaintext: Uint8Array }).plaintext;
    // MS-CHAP2-Success (311/26, V and M): Ident 0x2a, then the 42-octet S= text, one octet of padding.
    assert.equal(
      toHex(plaintext),
      "0000001a" + "c0000037" + "00000137" + "2a" + toHex(ascii(AUTHENTICATOR_RESPONSE)) + "00",
    );
    assert.deepEqual(await phase.receive(empty, OUTER), {
      next: "success",
      identity: "User",
      method: "ttls/mschapv2",
    });
  }
});

test("MS-CHAP v2: the Ident must be the implicit one, and the ack must be empty", async () => {
  assert.deepEqual(await server({ exporter: rfcExporter }).start(rfcMsChapV2(0x2b), OUTER), DENIED);
  const phase = server({ exporter: rfcExporter });
  assert.equal((await phase.start(rfcMsChapV2(), OUTER)).next, "send");
  assert.deepEqual(await phase.receive(new Uint8Array(4), OUTER), BAD);
  assert.deepEqual(await phase.receive(empty, OUTER), BAD);
});

test("MS-CHAP v2: a wrong NT-Response fails at once, without MS-CHAP-Error", async () => {
  const wrong = NT_RESPONSE.slice();
  wrong[0]! ^= 1;
  const bytes = encodeAvps([
    mandatoryAvp(TtlsAvp.UserName, ascii("User")),
    mandatoryAvp(TtlsAvp.MsChapChallenge, AUTHENTICATOR_CHALLENGE),
    mandatoryAvp(TtlsAvp.MsChap2Response, buildMsChap2Response(0x2a, PEER_CHALLENGE, wrong)),
  ]);
  assert.deepEqual(await server({ exporter: rfcExporter }).start(bytes, OUTER), DENIED);
});

test("CHAP: MD5(Ident || password || challenge) over the implicit challenge", async () => {
  const exporter = fakeExporter();
  const material = exporter(17, "ttls challenge");
  const challenge = material.subarray(0, 16);
  const ident = material[16]!;
  const answer = (password: string, id = ident) =>
    new Uint8Array([
      id,
      ...createHash("md5").update(new Uint8Array([id])).update(password).update(challenge).digest(),
    ]);
  const chap = (password: string, id?: number, theChallenge = challenge) =>
    encodeAvps([
      mandatoryAvp(TtlsAvp.UserName, ascii("bob")),
      mandatoryAvp(TtlsAvp.ChapChallenge, theChallenge),
      mandatoryAvp(TtlsAvp.ChapPassword, answer(password, id)),
    ]);
  assert.deepEqual(await server({ exporter }).start(chap("hello"), OUTER), {
    next: "success",
    identity: "bob",
    method: "ttls/chap",
  });
  assert.deepEqual(await server({ exporter }).start(chap("hellO"), OUTER), DENIED);
  // The right hash, but over another Ident or another challenge than the tunnel's.
  assert.deepEqual(
    await server({ exporter }).start(chap("hello", (ident + 1) & 0xff), OUTER),
    DENIED,
  );
  const other = challenge.slice();
  other[3]! ^= 0x80;
  assert.deepEqual(await server({ exporter }).start(chap("hello", ident, other), OUTER), DENIED);
});

test("PAP: the NUL padding is stripped; the password may come unpadded; NT-hash users too", async () => {
  const padded = new Uint8Array(32);
  padded.set(ascii("hello"));
  for (const [user, password] of [["bob", padded], ["bob", "hello"], ["carol", padded]] as const) {
    assert.deepEqual(await server().start(pap(user, password), OUTER), {
      next: "success",
      identity: user,
      method: "ttls/pap",
    });
  }
  assert.deepEqual(await server().start(pap("bob", "hello\0x"), OUTER), DENIED);
  assert.deepEqual(await server().start(pap("bob", ""), OUTER), DENIED);
  assert.deepEqual(await server().start(pap("bob", new Uint8Array(16)), OUTER), DENIED);
  // A password that is no UTF-8, or longer than RADIUS's 128 octets: not a password radkit stores.
  assert.deepEqual(await server().start(pap("bob", new Uint8Array([0xff, 0xfe])), OUTER), DENIED);
  const long = "x".repeat(129);
  const users = new Map([["bob", { password: long }]]);
  assert.deepEqual(await server({ users }).start(pap("bob", long), OUTER), DENIED);
  assert.equal(
    (await server({ users: new Map([["bob", { password: long.slice(1) }]]) }).start(
      pap("bob", long.slice(1)),
      OUTER,
    )).next,
    "success",
  );
});

test("the AVP rules: unknown mandatory AVPs fail, unknown optional ones are ignored", async () => {
  const unknown = (mandatory: boolean, vendorId = 0): Avp => ({
    code: 4242,
    vendorId,
    mandatory,
    data: ascii("?"),
  });
  assert.deepEqual(await server().start(pap("bob", "hello", [unknown(true)]), OUTER), BAD);
  assert.deepEqual(await server().start(pap("bob", "hello", [unknown(true, 9)]), OUTER), BAD);
  // A Microsoft AVP the server does not take from a peer (MS-CHAP2-Success), mandatory.
  const success = mandatoryAvp(TtlsAvp.MsChap2Success, new Uint8Array(43));
  assert.deepEqual(await server().start(pap("bob", "hello", [success]), OUTER), BAD);
  assert.equal(
    (await server().start(pap("bob", "hello", [unknown(false)]), OUTER)).next,
    "success",
  );
  // Reply-Message is no AVP a peer sends: mandatory, it fails; optional, it is ignored.
  const reply = { code: 18, vendorId: 0, data: ascii("hi") };
  assert.deepEqual(
    await server().start(pap("bob", "hello", [{ ...reply, mandatory: true }]), OUTER),
    BAD,
  );
  assert.equal(
    (await server().start(pap("bob", "hello", [{ ...reply, mandatory: false }]), OUTER)).next,
    "success",
  );
});

test("User-Name: required for PAP, CHAP and MS-CHAP; a second one must be the same", async () => {
  const password = mandatoryAvp(TtlsAvp.UserPassword, ascii("hello"));
  const name = (text: string | Uint8Array) =>
    mandatoryAvp(TtlsAvp.UserName, typeof text === "string" ? ascii(text) : text);
  assert.deepEqual(await server().start(encodeAvps([password]), OUTER), BAD);
  assert.deepEqual(await server().start(encodeAvps([name(""), password]), OUTER), BAD);
  assert.deepEqual(await server().start(encodeAvps([name("b".repeat(254)), password]), OUTER), BAD);
  assert.deepEqual(
    await server().start(encodeAvps([name(new Uint8Array([0xc3])), password]), OUTER),
    BAD,
  );
  assert.deepEqual(
    await server().start(encodeAvps([name("bob"), name("eve"), password]), OUTER),
    BAD,
  );
  assert.equal(
    (await server().start(encodeAvps([name("bob"), name("bob"), password]), OUTER)).next,
    "success",
  );
});

test("one inner authentication per message: two answers, or EAP with a password, fail", async () => {
  const chap = mandatoryAvp(TtlsAvp.ChapPassword, new Uint8Array(17));
  assert.deepEqual(await server().start(pap("bob", "hello", [chap]), OUTER), BAD);
  const twice = pap("bob", "hello", [mandatoryAvp(TtlsAvp.UserPassword, ascii("other"))]);
  assert.deepEqual(await server().start(twice, OUTER), BAD);
  const both = eapMessage(identityResponse("bob"), [
    mandatoryAvp(TtlsAvp.UserPassword, ascii("hello")),
  ]);
  assert.deepEqual(await server().start(both, OUTER), BAD);
  // Nothing to authenticate with.
  assert.deepEqual(
    await server().start(encodeAvps([mandatoryAvp(TtlsAvp.UserName, ascii("bob"))]), OUTER),
    BAD,
  );
});

test("wrong lengths of CHAP and MS-CHAP attributes are malformed", async () => {
  const exporter = fakeExporter();
  const user = mandatoryAvp(TtlsAvp.UserName, ascii("bob"));
  const cases: Avp[][] = [
    [
      mandatoryAvp(TtlsAvp.ChapChallenge, new Uint8Array(15)),
      mandatoryAvp(TtlsAvp.ChapPassword, new Uint8Array(17)),
    ],
    [
      mandatoryAvp(TtlsAvp.ChapChallenge, new Uint8Array(16)),
      mandatoryAvp(TtlsAvp.ChapPassword, new Uint8Array(16)),
    ],
    [mandatoryAvp(TtlsAvp.ChapPassword, new Uint8Array(17))],
    [
      mandatoryAvp(TtlsAvp.MsChapChallenge, new Uint8Array(8)),
      mandatoryAvp(TtlsAvp.MsChap2Response, new Uint8Array(50)),
    ],
    [
      mandatoryAvp(TtlsAvp.MsChapChallenge, new Uint8Array(16)),
      mandatoryAvp(TtlsAvp.MsChap2Response, new Uint8Array(49)),
    ],
    [
      mandatoryAvp(TtlsAvp.MsChapChallenge, new Uint8Array(16)),
      mandatoryAvp(TtlsAvp.MsChapResponse, new Uint8Array(50)),
    ],
    [mandatoryAvp(TtlsAvp.MsChapResponse, new Uint8Array(50))],
  ];
  for (const avps of cases) {
    assert.deepEqual(await server({ exporter }).start(encodeAvps([user, ...avps]), OUTER), BAD);
  }
});

test("MS-CHAP v1: an LM-only response is refused", async () => {
  const exporter = fakeExporter();
  const material = exporter(9, "ttls challenge");
  const response = new Uint8Array(50);
  response[0] = material[8]!;
  response[1] = 0; // Flags: use the LM-Response.
  const bytes = encodeAvps([
    mandatoryAvp(TtlsAvp.UserName, ascii("bob")),
    mandatoryAvp(TtlsAvp.MsChapChallenge, material.subarray(0, 8)),
    mandatoryAvp(TtlsAvp.MsChapResponse, response),
  ]);
  assert.deepEqual(await server({ exporter }).start(bytes, OUTER), DENIED);
});

test("a missing exporter (Deno 2.9) fails CHAP and MS-CHAP with tls-exporter-unavailable; PAP still works", async () => {
  const exporter: Exporter = () => {
    throw new TlsExporterUnavailableError("node:tls on Deno 2.9.6 has no exportKeyingMaterial");
  };
  const peerExporter = fakeExporter();
  for (const inner of ["chap", "mschap", "mschapv2"] as const) {
    const peer = ttlsPeerPhase({ identity: "bob", password: "hello", inner })({
      exportKeyingMaterial: peerExporter,
    });
    assert.deepEqual(await server({ exporter }).start(await peer.start(empty, OUTER), OUTER), {
      next: "failure",
      reason: "tls-exporter-unavailable",
    });
  }
  assert.equal((await server({ exporter }).start(pap("bob", "hello"), OUTER)).next, "success");
  // Any other exporter error is a bug of the tunnel, and is not hidden.
  const broken: Exporter = () => {
    throw new Error("broken exporter");
  };
  const peer = ttlsPeerPhase({ identity: "bob", password: "hello", inner: "chap" })({
    exportKeyingMaterial: peerExporter,
  });
  await assert.rejects(
    server({ exporter: broken }).start(await peer.start(empty, OUTER), OUTER),
    /broken/,
  );
});

test("the peer speaks first: empty plaintexts wait, up to the bound of 16 messages", async () => {
  const phase = server();
  for (let i = 0; i < 16; i++) {
    assert.deepEqual(await (i === 0 ? phase.start(empty, OUTER) : phase.receive(empty, OUTER)), {
      next: "wait",
    });
  }
  assert.deepEqual(await phase.receive(pap("bob", "hello"), OUTER), BAD);
});

test("after the end, anything fails", async () => {
  const phase = server();
  assert.equal((await phase.start(pap("bob", "hello"), OUTER)).next, "success");
  assert.deepEqual(await phase.receive(pap("bob", "hello"), OUTER), BAD);
  assert.deepEqual(await phase.receive(empty, OUTER), BAD);
  const failed = server();
  assert.deepEqual(await failed.start(pap("bob", "nope"), OUTER), DENIED);
  assert.deepEqual(await failed.receive(pap("bob", "hello"), OUTER), BAD);
});

test("a message while the last one is being handled is refused; the first one finishes", async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const context = serverContext();
  const phase = ttlsServerPhase({
    ...context,
    credentials: async (identity) => {
      await gate;
      return await context.credentials(identity);
    },
  });
  const first = phase.start(pap("bob", "hello"), OUTER);
  assert.deepEqual(await phase.receive(pap("bob", "hello"), OUTER), BAD);
  release();
  assert.deepEqual(await first, { next: "success", identity: "bob", method: "ttls/pap" });
});

test("inner EAP: the EAP identity names the user even when a User-Name comes too", async () => {
  const lookups: string[] = [];
  const phase = server({ innerMethods: ["gtc"], lookups });
  const first = eapMessage(identityResponse("bob"), [
    mandatoryAvp(TtlsAvp.UserName, ascii("mallory")),
  ]);
  const turn = await phase.start(first, OUTER);
  assert.equal(turn.next, "send");
  assert.deepEqual(lookups, ["bob"]);
  // A later User-Name must be the first one.
  const answer = eapMessage({
    code: EapCode.Response,
    identifier: 1,
    type: 6,
    data: ascii("hello"),
  }, [
    mandatoryAvp(TtlsAvp.UserName, ascii("bob")),
  ]);
  assert.deepEqual(await phase.receive(answer, OUTER), BAD);

  const again = server({ innerMethods: ["gtc"] });
  await again.start(first, OUTER);
  const same = eapMessage(
    { code: EapCode.Response, identifier: 1, type: 6, data: ascii("hello") },
    [
      mandatoryAvp(TtlsAvp.UserName, ascii("mallory")),
    ],
  );
  assert.deepEqual(await again.receive(same, OUTER), {
    next: "success",
    identity: "bob",
    method: "ttls/eap-gtc",
  });
});

test("inner EAP: the server's Requests, byte for byte (GTC prompt, Identifiers from the peer's + 1)", async () => {
  const phase = server({ innerMethods: ["gtc"] });
  // The inner Identifier follows the peer's inner one, not the outer Request's (9).
  const turn = await phase.start(eapMessage(identityResponse("bob", 41)), 9);
  assert.equal(turn.next, "send");
  const request = encodeEap({
    code: EapCode.Request,
    identifier: 42,
    type: 6,
    data: ascii("Password: "),
  });
  assert.deepEqual((turn as { plaintext: Uint8Array }).plaintext, eapMessage(request));
  // The EAP-Message AVP: code 79, M, 8 + 15 octets, one of padding.
  assert.equal(
    toHex((turn as { plaintext: Uint8Array }).plaintext.subarray(0, 8)),
    "0000004f40000017",
  );
});

test("inner EAP: the EAP-Message may come in several AVPs, joined", async () => {
  const bytes = encodeEap(identityResponse("bob"));
  const split = encodeAvps([
    mandatoryAvp(TtlsAvp.EapMessage, bytes.subarray(0, 3)),
    mandatoryAvp(TtlsAvp.EapMessage, bytes.subarray(3)),
  ]);
  assert.equal((await server().start(split, OUTER)).next, "send");
});

test("inner EAP: every malformed or unexpected packet fails", async () => {
  const md5Response = (identifier: number): EapPacket => ({
    code: EapCode.Response,
    identifier,
    type: 4,
    data: new Uint8Array([16, ...new Uint8Array(16)]),
  });
  const firsts: Array<EapPacket | Uint8Array> = [
    md5Response(0), // not the Identity
    { code: EapCode.Request, identifier: 0, type: 1, data: ascii("bob") },
    { code: EapCode.Success, identifier: 0 },
    identityResponse("b".repeat(254)),
    { code: EapCode.Response, identifier: 0, type: 1, data: new Uint8Array([0xff]) },
    new Uint8Array([2, 0, 0, 9, 1]), // Length says 9
    new Uint8Array([2, 0]),
  ];
  for (const first of firsts) assert.deepEqual(await server().start(eapMessage(first), OUTER), BAD);
  // No inner method offered.
  assert.deepEqual(
    await server({ innerMethods: [] }).start(eapMessage(identityResponse("bob")), OUTER),
    BAD,
  );

  // After the Identity (the server sends EAP-MD5 Request 1):
  const seconds: Array<EapPacket | Uint8Array> = [
    md5Response(2), // another Identifier
    identityResponse("bob", 1), // the Identity again
    { code: EapCode.Response, identifier: 1, type: 26, data: new Uint8Array([2]) }, // not EAP-MD5
    { code: EapCode.Response, identifier: 1, type: 3, data: new Uint8Array(0) }, // an empty Nak
    { code: EapCode.Response, identifier: 1, type: 3, data: new Uint8Array([1]) }, // a Nak for Identity
    { code: EapCode.Request, identifier: 1, type: 4, data: new Uint8Array(17) },
    new Uint8Array(3),
  ];
  for (const second of seconds) {
    const phase = server({ innerMethods: ["md5", "gtc"] });
    assert.equal((await phase.start(eapMessage(identityResponse("bob")), OUTER)).next, "send");
    assert.deepEqual(await phase.receive(eapMessage(second), OUTER), BAD);
  }
  // AVPs with no EAP-Message in the middle of inner EAP.
  const phase = server({ innerMethods: ["md5"] });
  await phase.start(eapMessage(identityResponse("bob")), OUTER);
  assert.deepEqual(await phase.receive(pap("bob", "hello"), OUTER), BAD);
  const emptied = server({ innerMethods: ["md5"] });
  await emptied.start(eapMessage(identityResponse("bob")), OUTER);
  assert.deepEqual(await emptied.receive(empty, OUTER), BAD);
});

test("inner EAP: a Nak only answers a method's first Request; one with no acceptable method fails", async () => {
  // EAP-MSCHAPv2: Challenge (1), Response; Success Request (2); a Nak now is out of place.
  const exporter = fakeExporter();
  const phase = server({ exporter, innerMethods: ["mschapv2", "gtc"] });
  const peer = ttlsPeerPhase({ identity: "bob", password: "hello", inner: "eap-mschapv2" })({
    exportKeyingMaterial: exporter,
  });
  let turn = await phase.start(await peer.start(empty, OUTER), OUTER);
  turn = await phase.receive(
    await peer.receive((turn as { plaintext: Uint8Array }).plaintext, OUTER),
    OUTER,
  );
  assert.equal(turn.next, "send");
  const nak = (identifier: number, types: number[]) =>
    eapMessage({ code: EapCode.Response, identifier, type: 3, data: Uint8Array.from(types) });
  assert.deepEqual(await phase.receive(nak(2, [6]), OUTER), BAD);

  // A Nak for methods not offered, already tried, or none at all.
  for (const types of [[13], [26], [0], [21, 25]]) {
    const fresh = server({ innerMethods: ["mschapv2", "gtc"] });
    await fresh.start(eapMessage(identityResponse("bob")), OUTER);
    assert.deepEqual(await fresh.receive(nak(1, types), OUTER), DENIED, String(types));
  }
  // The second method's first Request may be Nak'd too, but not back to the first.
  const twice = server({ innerMethods: ["mschapv2", "gtc", "md5"] });
  await twice.start(eapMessage(identityResponse("bob")), OUTER);
  assert.equal((await twice.receive(nak(1, [6]), OUTER)).next, "send");
  assert.equal((await twice.receive(nak(2, [4]), OUTER)).next, "send");
  assert.deepEqual(await twice.receive(nak(3, [26, 6]), OUTER), DENIED);
});

test("garbage at every step of every inner authentication: a failure turn, never a throw", async () => {
  let seed = 0x9e3779b9;
  const next = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed >>> 0;
  };
  const garbage = (original: Uint8Array): Uint8Array => {
    switch (next() % 4) {
      case 0:
        return Uint8Array.from({ length: next() % 64 }, () => next() & 0xff);
      case 1: {
        const changed = original.slice();
        if (changed.length > 0) changed[next() % changed.length] = next() & 0xff;
        return changed;
      }
      case 2:
        return original.subarray(0, original.length === 0 ? 0 : next() % original.length);
      default: {
        const longer = new Uint8Array(original.length + 1 + (next() % 8));
        longer.set(original);
        longer.fill(next() & 0xff, original.length);
        return longer;
      }
    }
  };
  const inners = [
    "pap",
    "chap",
    "mschap",
    "mschapv2",
    "eap-md5",
    "eap-mschapv2",
    "eap-gtc",
  ] as const;
  let turns = 0;
  for (let round = 0; round < 60; round++) {
    for (const inner of inners) {
      const exporter = fakeExporter();
      const peer = ttlsPeerPhase({ identity: "bob", password: "hello", inner })({
        exportKeyingMaterial: exporter,
      });
      const phase = server({ exporter });
      // A clean run to learn how many peer messages there are, then one spoiled.
      const clean = await converse(peer, server({ exporter }));
      const peerMessages = clean.transcript.filter((_, i) => i % 2 === 0);
      const spoil = next() % peerMessages.length;
      for (let i = 0; i <= spoil; i++) {
        const message = i === spoil ? garbage(peerMessages[i]!) : peerMessages[i]!;
        const turn = await (i === 0 ? phase.start(message, OUTER) : phase.receive(message, OUTER));
        turns++;
        assert.ok(["send", "wait", "success", "failure"].includes(turn.next));
        if (turn.next !== "send" && turn.next !== "wait") break;
      }
    }
  }
  assert.ok(turns > 400);
});

test("the PAP exchange, byte for byte", async () => {
  const exporter = fakeExporter();
  const peer = ttlsPeerPhase({ identity: "bob", password: "hello", inner: "pap" })({
    exportKeyingMaterial: exporter,
  });
  const first = await peer.start(empty, OUTER);
  assert.equal(
    toHex(first),
    "00000001" + "4000000b" + "626f6200" + // User-Name "bob", one octet of padding
      "00000002" + "40000018" + "68656c6c6f" + "00".repeat(11), // User-Password, NULs to 16
  );
  assert.deepEqual(await server({ exporter }).start(first, OUTER), {
    next: "success",
    identity: "bob",
    method: "ttls/pap",
  });
});
