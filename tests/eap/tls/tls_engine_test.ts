// The node:tls engine for EAP: two sessions, server and client, exchange
// TLS records with no socket between them (as EAP carries them), for TLS
// 1.2 and 1.3: the handshake, the peer's certificate and its check, the
// RFC 9190 end marker, close_notify, garbage, and the MSK/EMSK from the
// exporter — or, where node:tls has no exporter (Deno 2.9), the typed error.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { TLSSocket } from "node:tls";
import { nodeTlsEngine } from "../../../adapters/_tls_engine_node.ts";
import { deriveEapTlsKeys } from "../../../src/eap/tls/keys.ts";
import type {
  EapTlsVersion,
  TlsProgress,
  TlsSession,
  TlsSessionOptions,
} from "../../../src/eap/tls/tls_engine.ts";
import { TlsExporterUnavailableError } from "../../../src/eap/tls/tls_exporter_error.ts";

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/tls/${name}`, import.meta.url), "utf8");
const ca = fixture("ca.pem");
/** Feature detection, as the engine does it: no runtime names. */
const hasExporter = typeof (TLSSocket.prototype as { exportKeyingMaterial?: unknown })
  .exportKeyingMaterial === "function";

const engine = nodeTlsEngine();

function pair(
  version: EapTlsVersion,
  client: Partial<TlsSessionOptions> = {},
): { server: TlsSession; client: TlsSession } {
  return {
    server: engine.open({
      role: "server",
      cert: fixture("server.pem"),
      key: fixture("server.key"),
      ca,
      requestCert: true,
      maxVersion: version,
    }),
    client: engine.open({
      role: "client",
      cert: fixture("nas1.pem"),
      key: fixture("nas1.key"),
      ca,
      maxVersion: version,
      ...client,
    }),
  };
}

/**
 * Runs the handshake as EAP-TLS would: the client's first flight, then
 * turn by turn until both are established and neither has more to say
 * (TLS 1.3 tickets after the server's Finished included).
 */
async function handshake(server: TlsSession, client: TlsSession): Promise<void> {
  let fromClient: TlsProgress = await client.receive(new Uint8Array(0));
  assert.equal(fromClient.records[0], 22, "a ClientHello is a handshake record");
  for (let flights = 1; flights <= 10; flights++) {
    const fromServer = await server.receive(fromClient.records);
    assert.equal(fromServer.failure, undefined);
    if (fromServer.records.length === 0 && fromServer.established && fromClient.established) return;
    fromClient = await client.receive(fromServer.records);
    assert.equal(fromClient.failure, undefined);
    if (fromClient.records.length === 0 && fromServer.established && fromClient.established) return;
  }
  assert.fail("no handshake after 10 flights");
}

for (const version of ["TLSv1.2", "TLSv1.3"] as const) {
  test(`${version}: the handshake completes and each side knows the other's certificate`, async () => {
    const { server, client } = pair(version);
    try {
      await handshake(server, client);
      const atServer = server.details()!;
      assert.equal(atServer.protocol, version);
      assert.equal(atServer.peerCertificate?.commonName, "nas1.test");
      assert.equal(atServer.authorized, true, String(atServer.authorizationError));
      const atClient = client.details()!;
      assert.equal(atClient.peerCertificate?.commonName, "radius.test");
      assert.equal(atClient.authorized, true, String(atClient.authorizationError));
    } finally {
      server.destroy();
      client.destroy();
    }
  });

  test(`${version}: both sides derive the same 64-octet MSK and EMSK, or the typed error`, async () => {
    const { server, client } = pair(version);
    try {
      await handshake(server, client);
      if (!hasExporter) {
        assert.equal(server.exportKeyingMaterial, undefined);
        assert.throws(() => deriveEapTlsKeys(server, 13), (error) => {
          assert.ok(error instanceof TlsExporterUnavailableError);
          assert.equal(error.code, "ERR_EAP");
          assert.match(error.message, /^node:tls on \S+.* has no TLSSocket\.exportKeyingMaterial;/);
          assert.match(error.message, /EAP-TLS, PEAP and TTLS need it for the MSK/);
          return true;
        });
        return;
      }
      const atServer = deriveEapTlsKeys(server, 13);
      const atClient = deriveEapTlsKeys(client, 13);
      assert.equal(atServer.msk.length, 64);
      assert.equal(atServer.emsk.length, 64);
      assert.deepEqual(atServer, atClient);
      assert.notDeepEqual(atServer.msk, atServer.emsk);
      // The TLS 1.3 context is the EAP Type (RFC 9190 §2.3): another Type, other keys.
      if (version === "TLSv1.3") {
        assert.notDeepEqual(deriveEapTlsKeys(server, 25).msk, atServer.msk);
      }
      // Only TLS 1.2 uses the label of RFC 5216 §2.3 (TTLS brings its own).
      const otherLabel = deriveEapTlsKeys(server, 13, "ttls keying material");
      if (version === "TLSv1.2") assert.notDeepEqual(otherLabel.msk, atServer.msk);
      else assert.deepEqual(otherLabel.msk, atServer.msk);
    } finally {
      server.destroy();
      client.destroy();
    }
  });

  test(`${version}: the one-octet end marker and close_notify reach the peer`, async () => {
    const { server, client } = pair(version);
    try {
      await handshake(server, client);
      // RFC 9190 §2.1.1: the server's protected success indication, 0x00.
      const marker = await server.send(new Uint8Array([0]));
      assert.equal(marker.records[0], 23, "application data");
      const received = await client.receive(marker.records);
      assert.deepEqual([...received.applicationData], [0]);
      const closing = await server.close();
      assert.ok(closing.records.length > 0);
      const closed = await client.receive(closing.records);
      assert.equal(closed.peerClosed, true);
      assert.equal(closed.failure, undefined);
    } finally {
      server.destroy();
      client.destroy();
    }
  });
}

test("a client certificate from another CA completes the handshake unauthorized", async () => {
  const { server, client } = pair("TLSv1.3", {
    cert: fixture("rogue.pem"),
    key: fixture("rogue.key"),
  });
  try {
    await handshake(server, client);
    const details = server.details()!;
    assert.equal(details.peerCertificate?.commonName, "rogue.test");
    assert.equal(details.authorized, false);
    assert.ok(details.authorizationError);
  } finally {
    server.destroy();
    client.destroy();
  }
});

test("a server certificate from no configured CA: the client refuses it", async () => {
  const server = engine.open({
    role: "server",
    cert: fixture("selfsigned.pem"),
    key: fixture("selfsigned.key"),
  });
  const client = engine.open({ role: "client", ca });
  try {
    let fromClient = await client.receive(new Uint8Array(0));
    for (let flight = 0; flight < 4 && fromClient.failure === undefined; flight++) {
      const fromServer = await server.receive(fromClient.records);
      fromClient = await client.receive(fromServer.records);
      if (fromClient.established) break;
    }
    // Bun fails the handshake itself; Node.js and Deno complete it, and say why it is not trusted.
    if (fromClient.failure === undefined) {
      assert.equal(fromClient.established, true);
      assert.equal(client.details()!.authorized, false);
      assert.ok(client.details()!.authorizationError);
    }
  } finally {
    server.destroy();
    client.destroy();
  }
});

test("a client checks the server's name when given one", async () => {
  for (const [serverName, authorized] of [["radius.test", true], ["other.test", false]] as const) {
    const { server, client } = pair("TLSv1.2", { serverName });
    try {
      await handshake(server, client);
      assert.equal(client.details()!.authorized, authorized, serverName);
    } finally {
      server.destroy();
      client.destroy();
    }
  }
});

test("garbage instead of a ClientHello fails the server session, not the process", async () => {
  const { server, client } = pair("TLSv1.3");
  try {
    const progress = await server.receive(new TextEncoder().encode("GET / HTTP/1.1\r\n\r\n"));
    assert.equal(progress.established, false);
    assert.equal(typeof progress.failure, "string");
    // Later input is ignored.
    const after = await server.receive(new Uint8Array([22, 3, 1, 0, 1, 0]));
    assert.equal(after.established, false);
    assert.equal(server.details(), undefined);
  } finally {
    server.destroy();
    client.destroy();
  }
});
