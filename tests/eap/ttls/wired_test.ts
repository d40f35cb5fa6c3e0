// EAP-TTLS phase 2, peer phase wired to server phase directly (no TLS): every
// inner authentication with the right password, a wrong one, an unknown
// user, cleartext and NT-hash credentials, and the Nak of inner EAP; the
// outer EAP Identifier, which TTLS ignores.
import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeAvps } from "../../../src/eap/ttls/avp.ts";
import { decodeEap, type EapDataPacket } from "../../../src/eap/packet.ts";
import { type TtlsPeerInner, ttlsPeerPhase } from "../../../src/eap/ttls/ttls_peer_phase.ts";
import { ttlsServerPhase } from "../../../src/eap/ttls/ttls_server_phase.ts";
import { converse, fakeExporter, serverContext } from "./_phase2.ts";

const INNERS: readonly TtlsPeerInner[] = [
  "pap",
  "chap",
  "mschap",
  "mschapv2",
  "eap-md5",
  "eap-mschapv2",
  "eap-gtc",
];
const METHOD: Record<TtlsPeerInner, string> = {
  "pap": "ttls/pap",
  "chap": "ttls/chap",
  "mschap": "ttls/mschap",
  "mschapv2": "ttls/mschapv2",
  "eap-md5": "ttls/eap-md5",
  "eap-mschapv2": "ttls/eap-mschapv2",
  "eap-gtc": "ttls/eap-gtc",
};
/** The inner authentications that can check a password known only by its NT hash. */
const WITH_NT_HASH = new Set<TtlsPeerInner>(["pap", "mschap", "mschapv2", "eap-mschapv2"]);

/** The inner EAP methods the server offers for a peer's choice: that one alone. */
function offered(inner: TtlsPeerInner) {
  return inner.startsWith("eap-")
    ? [inner.slice(4) as "md5" | "gtc" | "mschapv2"]
    : ["mschapv2" as const];
}

async function run(
  inner: TtlsPeerInner,
  identity: string,
  password: string,
  handshakeData: "with-first-avps" | "none" = "with-first-avps",
  /** The Identifier of the outer Request that carried the server's last handshake flight. */
  last = 7,
) {
  const exporter = fakeExporter();
  const peer = ttlsPeerPhase({ identity, password, inner })({ exportKeyingMaterial: exporter });
  const server = ttlsServerPhase(serverContext({ exporter, innerMethods: offered(inner) }));
  const result = await converse(peer, server, { handshakeData, last });
  return { ...result, peer };
}

for (const inner of INNERS) {
  test(`${inner}: the right password succeeds with the inner identity and method`, async () => {
    for (const handshakeData of ["with-first-avps", "none"] as const) {
      const { end, peer, transcript } = await run(inner, "bob", "hello", handshakeData);
      assert.deepEqual(end, { next: "success", identity: "bob", method: METHOD[inner] });
      assert.equal(peer.finished, true);
      // PAP, CHAP and MS-CHAP: one message. MS-CHAP v2: AVPs, MS-CHAP2-Success, empty ack.
      const expected = {
        "pap": 1,
        "chap": 1,
        "mschap": 1,
        "mschapv2": 3,
        "eap-md5": 3,
        "eap-gtc": 3,
        "eap-mschapv2": 5,
      }[inner];
      assert.equal(transcript.length, expected);
    }
  });

  test(`${inner}: a credential known only as an NT hash`, async () => {
    const { end, peer } = await run(inner, "carol", "hello");
    if (WITH_NT_HASH.has(inner)) {
      assert.deepEqual(end, { next: "success", identity: "carol", method: METHOD[inner] });
      assert.equal(peer.finished, true);
    } else {
      // CHAP, EAP-MD5 and EAP-GTC need the cleartext.
      assert.deepEqual(end, { next: "failure", reason: "authentication-failed" });
    }
  });

  test(`${inner}: a wrong password fails`, async () => {
    for (const identity of ["bob", "carol"]) {
      const { end, peer } = await run(inner, identity, "hellO");
      assert.deepEqual(end, { next: "failure", reason: "authentication-failed" });
      if (inner === "mschapv2" || inner === "eap-mschapv2") assert.equal(peer.finished, false);
    }
  });

  test(`${inner}: an unknown user fails like a wrong password`, async () => {
    const { end } = await run(inner, "mallory", "hello");
    assert.deepEqual(end, { next: "failure", reason: "authentication-failed" });
  });
}

/** The inner EAP packet in an EAP-Message AVP. */
function innerPacket(bytes: Uint8Array): EapDataPacket {
  const decoded = decodeAvps(bytes);
  assert.ok(decoded.ok);
  return decodeEap(decoded.avps[0]!.data) as EapDataPacket;
}

/** The inner authentications with no random challenge: the same plaintext every run. */
const DETERMINISTIC = new Set<TtlsPeerInner>(["pap", "chap", "mschap", "eap-gtc"]);

test("the outer Identifier, from 7 or wrapping past 255, changes nothing inside the tunnel", async () => {
  for (const inner of INNERS) {
    const from7 = await run(inner, "bob", "hello", "with-first-avps", 7);
    const wrapping = await run(inner, "bob", "hello", "with-first-avps", 254);
    for (const { end, peer } of [from7, wrapping]) {
      assert.deepEqual(end, { next: "success", identity: "bob", method: METHOD[inner] }, inner);
      assert.equal(peer.finished, true);
    }
    // The first AVPs in Response 7, then one round trip per outer Identifier.
    const outers = (last: number) =>
      from7.transcript.map((_, i) => (last + Math.floor((i + 1) / 2)) & 0xff);
    assert.deepEqual(from7.outers, outers(7));
    assert.deepEqual(wrapping.outers, outers(254));
    assert.equal(wrapping.transcript.length, from7.transcript.length);
    if (DETERMINISTIC.has(inner)) {
      assert.deepEqual(wrapping.transcript, from7.transcript, inner);
    }
    if (inner.startsWith("eap-")) {
      // Inner EAP keeps its own Identifiers, whatever the outer ones.
      const identifiers = (transcript: Uint8Array[]) =>
        transcript.map((bytes) => innerPacket(bytes).identifier);
      assert.deepEqual(identifiers(wrapping.transcript), identifiers(from7.transcript));
    }
  }
  // Inner EAP-MSCHAPv2 crosses from 255 to 0; with no AVPs in the handshake,
  // they come in the Response to the empty Request that follows.
  const { outers } = await run("eap-mschapv2", "bob", "hello", "with-first-avps", 254);
  assert.deepEqual(outers, [254, 255, 255, 0, 0]);
  assert.deepEqual((await run("eap-mschapv2", "bob", "hello", "none", 254)).outers, [
    255,
    0,
    0,
    1,
    1,
  ]);
});

test("inner EAP: the server offers the first method the credential can check", async () => {
  // bob has a cleartext password: EAP-MSCHAPv2, the first offered, can check it.
  const exporter = fakeExporter();
  const lookups: string[] = [];
  const server = ttlsServerPhase(serverContext({ exporter, lookups }));
  const peer = ttlsPeerPhase({ identity: "bob", password: "hello", inner: "eap-mschapv2" })({
    exportKeyingMaterial: exporter,
  });
  const { end, transcript } = await converse(peer, server);
  assert.deepEqual(end, { next: "success", identity: "bob", method: "ttls/eap-mschapv2" });
  assert.deepEqual(lookups.slice(0, 1), ["bob"]);
  // The inner Identifiers: the Identity Response's is 0; the server's Requests are 1, then 2.
  const inner = (bytes: Uint8Array): EapDataPacket => {
    const decoded = decodeAvps(bytes);
    assert.ok(decoded.ok);
    return decodeEap(decoded.avps[0]!.data) as EapDataPacket;
  };
  assert.deepEqual(transcript.map((bytes) => inner(bytes).identifier), [0, 1, 1, 2, 2]);
  assert.deepEqual(transcript.map((bytes) => inner(bytes).code), [2, 1, 2, 1, 2]);
});

test("inner EAP: a Nak picks another offered method, in the peer's order", async () => {
  for (const inner of ["eap-gtc", "eap-md5"] as const) {
    const exporter = fakeExporter();
    const server = ttlsServerPhase(serverContext({ exporter }));
    const peer = ttlsPeerPhase({ identity: "bob", password: "hello", inner })({
      exportKeyingMaterial: exporter,
    });
    const { end, transcript } = await converse(peer, server);
    assert.deepEqual(end, { next: "success", identity: "bob", method: `ttls/${inner}` });
    // Identity; EAP-MSCHAPv2 Challenge; Nak; the Nak'd method's Request; Response.
    assert.equal(transcript.length, 5);
    const nak = decodeAvps(transcript[2]!);
    assert.ok(nak.ok);
    const packet = decodeEap(nak.avps[0]!.data) as EapDataPacket;
    assert.equal(packet.type, 3);
    assert.equal(packet.identifier, 1);
    assert.deepEqual(packet.data, new Uint8Array([inner === "eap-gtc" ? 6 : 4]));
  }
});

test("inner EAP: a Nak for a method the credential cannot check fails", async () => {
  // carol has only an NT hash: EAP-MD5 cannot check it, whatever the peer asks.
  const exporter = fakeExporter();
  const server = ttlsServerPhase(serverContext({ exporter }));
  const peer = ttlsPeerPhase({ identity: "carol", password: "hello", inner: "eap-md5" })({
    exportKeyingMaterial: exporter,
  });
  const { end } = await converse(peer, server);
  assert.deepEqual(end, { next: "failure", reason: "authentication-failed" });
});

test("inner EAP: an unknown user is offered the first method and fails", async () => {
  const exporter = fakeExporter();
  const server = ttlsServerPhase(serverContext({ exporter, innerMethods: ["gtc", "md5"] }));
  const peer = ttlsPeerPhase({ identity: "nobody", password: "hello", inner: "eap-gtc" })({
    exportKeyingMaterial: exporter,
  });
  const { end, transcript } = await converse(peer, server);
  assert.deepEqual(end, { next: "failure", reason: "authentication-failed" });
  assert.equal(transcript.length, 3);
});

test("CHAP, MS-CHAP and MS-CHAP v2 answer the tunnel's challenge: another tunnel's is refused", async () => {
  for (const inner of ["chap", "mschap", "mschapv2"] as const) {
    const peerExporter = fakeExporter("tunnel-1");
    const serverExporter = fakeExporter("tunnel-2");
    const peer = ttlsPeerPhase({ identity: "bob", password: "hello", inner })({
      exportKeyingMaterial: peerExporter,
    });
    const server = ttlsServerPhase(serverContext({ exporter: serverExporter }));
    const { end } = await converse(peer, server);
    assert.deepEqual(end, { next: "failure", reason: "authentication-failed" }, inner);
    // Both derived it as RFC 5281 §11.1 says: length + 1 octets, label "ttls challenge".
    const length = inner === "mschap" ? 9 : 17;
    assert.deepEqual(peerExporter.calls, [`${length}:ttls challenge`]);
    assert.deepEqual(serverExporter.calls, [`${length}:ttls challenge`]);
  }
});

test("PAP and inner EAP use no exporter", async () => {
  for (const inner of ["pap", "eap-md5"] as const) {
    const exporter = fakeExporter();
    const peer = ttlsPeerPhase({ identity: "bob", password: "hello", inner })({
      exportKeyingMaterial: exporter,
    });
    const server = ttlsServerPhase(serverContext({ exporter, innerMethods: ["md5"] }));
    assert.equal((await converse(peer, server)).end.next, "success");
    assert.deepEqual(exporter.calls, []);
  }
});
