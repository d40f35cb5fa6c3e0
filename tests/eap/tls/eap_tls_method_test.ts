// EAP-TLS end to end: radkit's Client against radkit's EapServer over a
// MemoryTransport, with TLS 1.2 and TLS 1.3: accepted with the client
// certificate from the CA, the 64-octet MSK the same on both sides and in
// the MS-MPPE keys; a certificate from another CA, one the check hook
// refuses, and garbage instead of TLS rejected with their reasons. Where
// node:tls has no exporter (Deno 2.9) the same conversations end in the
// typed error: the server rejects with "tls-exporter-unavailable", the
// client's promise rejects with TlsExporterUnavailableError.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { TLSSocket } from "node:tls";
import { nodeTlsEngine } from "../../../adapters/_tls_engine_node.ts";
import { Code } from "../../../src/codec/code.ts";
import type { EapServerOptions } from "../../../src/eap/server/eap_server.ts";
import type { EapTlsClientOptions } from "../../../src/eap/tls/eap_tls_peer.ts";
import type { EapTlsServerOptions } from "../../../src/eap/tls/eap_tls_server.ts";
import type { EapTlsVersion } from "../../../src/eap/tls/tls_engine.ts";
import { TlsExporterUnavailableError } from "../../../src/eap/tls/tls_exporter_error.ts";
import { EapConversationError } from "../../../src/eap/conversation_error.ts";
import { rig } from "../_rig.ts";
import { EapServer } from "../../../src/eap/server/eap_server.ts";
import type { Packet } from "../../../src/packet.ts";
import { EapType } from "../../../src/eap/type.ts";
import { readEap } from "../../../src/eap/eap_message.ts";
import { encodeEapTlsFrame } from "../../../src/eap/tls/frame.ts";
import { answer as answerByHand, begin as beginByHand } from "./_by_hand.ts";

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/tls/${name}`, import.meta.url), "utf8");
const hasExporter = typeof (TLSSocket.prototype as { exportKeyingMaterial?: unknown })
  .exportKeyingMaterial === "function";
const engine = nodeTlsEngine();

const serverTls = (more: Partial<EapTlsServerOptions> = {}): EapTlsServerOptions => ({
  engine,
  cert: fixture("server.pem"),
  key: fixture("server.key"),
  ca: fixture("ca.pem"),
  ...more,
});
const clientTls = (more: Partial<EapTlsClientOptions> = {}): EapTlsClientOptions => ({
  engine,
  cert: fixture("nas1.pem"),
  key: fixture("nas1.key"),
  ca: fixture("ca.pem"),
  ...more,
});

/** Where node:tls has no exporter, the client's promise rejects with the typed error at the Start. */
async function runOrMissingExporter(
  server: Partial<EapServerOptions>,
  client: EapTlsClientOptions,
): Promise<Awaited<ReturnType<typeof run>> | undefined> {
  if (hasExporter) return await run(server, client);
  await assert.rejects(run(server, client), (error) => {
    assert.ok(error instanceof TlsExporterUnavailableError, String(error));
    assert.match(
      error.message,
      /has no TLSSocket\.exportKeyingMaterial; EAP-TLS, PEAP and TTLS need it/,
    );
    return true;
  });
  return undefined;
}

async function run(
  server: Partial<EapServerOptions>,
  client: EapTlsClientOptions,
) {
  const r = await rig({ methods: ["tls"], ...server });
  try {
    const result = await r.client.eap({ identity: "nas1.test", method: "tls", tls: client });
    return { result, stats: r.eap.stats() };
  } finally {
    await r.close();
  }
}

for (const version of ["TLSv1.2", "TLSv1.3"] as const satisfies EapTlsVersion[]) {
  for (const fragmentSize of [1_020, 200]) {
    test(`${version}, ${fragmentSize}-octet fragments: accepted, the same MSK on both sides`, async () => {
      const server = { tls: serverTls({ maxVersion: version, fragmentSize }) };
      const client = clientTls({ maxVersion: version, fragmentSize, serverName: "radius.test" });
      const ran = await runOrMissingExporter(server, client);
      if (ran === undefined) return;
      const { result, stats } = ran;
      assert.equal(result.reply.code, Code.AccessAccept);
      assert.equal(result.authenticated, true);
      assert.equal(result.msk?.length, 64);
      // RFC 2548 via RFC 5216 §2.3: the MSK's halves are the Recv and Send keys.
      assert.deepEqual(result.reply.get("MS-MPPE-Recv-Key"), result.msk!.slice(0, 32));
      assert.deepEqual(result.reply.get("MS-MPPE-Send-Key"), result.msk!.slice(32, 64));
      assert.equal(stats.accepted, 1);
      assert.equal(stats.rejected, 0);
    });
  }
}

/** A conversation driven by hand: Identity sent, the server's Start received. */
const begin = (eap: EapServer) => beginByHand(eap, "nas1.test");

/** The EAP-TLS Response with this Type-Data to the Request of `challenge`. */
const answer = (eap: EapServer, challenge: Packet, typeData: Uint8Array) =>
  answerByHand(eap, challenge, EapType.TLS, typeData, "nas1.test");

test("the server answers a ClientHello, or rejects it at once where node:tls has no exporter", async () => {
  // A peer driven by hand, so that the server's side is seen even where the
  // client's would stop: Identity, the Start, then a real ClientHello.
  const eap = new EapServer({ credentials: () => undefined, methods: ["tls"], tls: serverTls() });
  const start = await begin(eap);
  const startEap = readEap(start)!;
  assert.ok("type" in startEap && startEap.type === EapType.TLS);
  assert.deepEqual([...startEap.data], [0x20], "the S flag alone");
  const peer = engine.open({ role: "client", ca: fixture("ca.pem") });
  try {
    const hello = await peer.receive(new Uint8Array(0));
    const reply = await answer(eap, start, encodeEapTlsFrame({ data: hello.records }));
    if (hasExporter) {
      assert.equal(reply.code, Code.AccessChallenge);
      const serverHello = readEap(reply)!;
      assert.ok("data" in serverHello && serverHello.data.length > 1);
    } else {
      assert.equal(reply.code, Code.AccessReject);
      assert.equal(eap.stats().rejectedBy["tls-exporter-unavailable"], 1);
    }
  } finally {
    peer.destroy();
  }
});

test("garbage instead of TLS, and inconsistent fragments, are rejected with their reasons", {
  skip: hasExporter ? false : "the server stops before any TLS where node:tls has no exporter",
}, async () => {
  const eap = new EapServer({ credentials: () => undefined, methods: ["tls"], tls: serverTls() });
  const garbage = new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  const refused = await answer(eap, await begin(eap), encodeEapTlsFrame({ data: garbage }));
  // The server's alert goes to the peer first (RFC 5216 §2.1.3), then the EAP-Failure.
  const final = refused.code === Code.AccessChallenge
    ? await answer(eap, refused, encodeEapTlsFrame({}))
    : refused;
  assert.equal(final.code, Code.AccessReject);
  assert.equal(eap.stats().rejectedBy["tls-failed"], 1);

  const first = await answer(
    eap,
    await begin(eap),
    encodeEapTlsFrame({ more: true, messageLength: 300, data: new Uint8Array(100) }),
  );
  assert.equal(first.code, Code.AccessChallenge);
  assert.deepEqual([...(readEap(first) as { data: Uint8Array }).data], [0], "an acknowledgement");
  const second = await answer(
    eap,
    first,
    encodeEapTlsFrame({ more: true, messageLength: 301, data: new Uint8Array(100) }),
  );
  assert.equal(second.code, Code.AccessReject);
  assert.equal(eap.stats().rejectedBy["tls-length-inconsistent"], 1);
});

test("past maxSessions the oldest TLS session is dropped, and its conversation fails", {
  skip: hasExporter ? false : "the server stops before any TLS where node:tls has no exporter",
}, async () => {
  const eap = new EapServer({
    credentials: () => undefined,
    methods: ["tls"],
    tls: serverTls({ maxSessions: 1 }),
  });
  const peers = [0, 1].map(() => engine.open({ role: "client", ca: fixture("ca.pem") }));
  try {
    const hellos = await Promise.all(peers.map((peer) => peer.receive(new Uint8Array(0))));
    // One conversation half-open (its ClientHello fragmented: an acknowledgement is due)…
    const records = hellos[0]!.records;
    const halfOpen = await answer(
      eap,
      await begin(eap),
      encodeEapTlsFrame({
        more: true,
        messageLength: records.length,
        data: records.subarray(0, 100),
      }),
    );
    assert.equal(halfOpen.code, Code.AccessChallenge);
    // …then another begins, and takes its place.
    const other = await answer(
      eap,
      await begin(eap),
      encodeEapTlsFrame({ data: hellos[1]!.records }),
    );
    assert.equal(other.code, Code.AccessChallenge);
    const late = await answer(eap, halfOpen, encodeEapTlsFrame({ data: records.subarray(100) }));
    assert.equal(late.code, Code.AccessReject);
    assert.equal(eap.stats().rejectedBy["tls-failed"], 1);
  } finally {
    for (const peer of peers) peer.destroy();
  }
});

test("a client certificate from another CA is rejected: certificate-rejected", async () => {
  const ran = await runOrMissingExporter(
    { tls: serverTls() },
    clientTls({ cert: fixture("rogue.pem"), key: fixture("rogue.key") }),
  );
  if (ran === undefined) return;
  const { result, stats } = ran;
  assert.equal(result.reply.code, Code.AccessReject);
  assert.equal(result.authenticated, false);
  assert.equal(stats.rejectedBy["certificate-rejected"], 1);
});

test("the check hook sees the certificate and the identity, and may refuse", async () => {
  const seen: string[] = [];
  const ran = await runOrMissingExporter(
    {
      tls: serverTls({
        checkCertificate: (certificate, identity) => {
          seen.push(`${certificate.commonName} ${identity}`);
          return false;
        },
      }),
    },
    clientTls(),
  );
  if (ran === undefined) return;
  const { result, stats } = ran;
  assert.deepEqual(seen, ["nas1.test nas1.test"]);
  assert.equal(result.reply.code, Code.AccessReject);
  assert.equal(stats.rejectedBy["certificate-rejected"], 1);
});

test("a server certificate from no configured CA never ends in an authentication", async () => {
  const outcome = await run({ tls: serverTls() }, clientTls({ ca: fixture("other_ca.pem") }))
    .then((ran) => ran, (error: unknown) => error);
  if (!hasExporter) {
    assert.ok(outcome instanceof TlsExporterUnavailableError, String(outcome));
  } else if (outcome instanceof Error) {
    // Node.js and Deno: the handshake completes unauthorized and the client stops there.
    assert.ok(outcome instanceof EapConversationError, String(outcome));
    assert.equal(outcome.reason, "server-not-authenticated");
    assert.match(outcome.message, /server's TLS certificate did not verify/);
  } else {
    // Bun: the client's TLS refuses the certificate with an alert; the server rejects.
    const { result } = outcome as Awaited<ReturnType<typeof run>>;
    assert.equal(result.authenticated, false);
    assert.equal(result.reply.code, Code.AccessReject);
  }
});

test("EapServer refuses tls without settings, and a bad engine, with a TypeError saying what to pass", () => {
  assert.throws(
    () => new EapServer({ credentials: () => undefined, methods: ["tls"] }),
    /methods include "tls", which needs tls: \{ engine: tlsEngine\(\), cert, key, ca \}/,
  );
  assert.throws(
    () =>
      new EapServer({
        credentials: () => undefined,
        tls: { ...serverTls(), engine: {} as EapTlsServerOptions["engine"] },
      }),
    /tls\.engine must be a TlsEngine/,
  );
});
