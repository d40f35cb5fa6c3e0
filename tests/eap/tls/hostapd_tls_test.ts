// The radkit Client's EAP-TLS against hostapd's RADIUS server and integrated
// EAP server (an EAP-TLS implementation independent of radkit's, on
// OpenSSL): with TLS 1.2 and TLS 1.3 the client certificate from the CA is
// accepted and the 64-octet MSK is the MS-MPPE-Recv-Key || MS-MPPE-Send-Key
// hostapd sends (RFC 5216 §2.3, RFC 9190 §2.3); a client certificate from
// another CA is rejected. Where node:tls has no exporter (Deno 2.9) the
// client's promise rejects with TlsExporterUnavailableError before any TLS.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { TLSSocket } from "node:tls";
import { nodeTlsEngine } from "../../../adapters/_tls_engine_node.ts";
import { Client } from "../../../src/client.ts";
import { Code } from "../../../src/codec/code.ts";
import type { EapTlsVersion } from "../../../src/eap/tls/tls_engine.ts";
import { TlsExporterUnavailableError } from "../../../src/eap/tls/tls_exporter_error.ts";
import { type Hostapd, startHostapd } from "../../_hostapd.ts";
import { assertPeers, needs } from "../../_peers.ts";
import { udp } from "../../_udp.ts";

const secret = "s3cret";
const path = (name: string) =>
  fileURLToPath(new URL(`../../fixtures/tls/${name}`, import.meta.url));
const fixture = (name: string) => readFileSync(path(name), "utf8");
const hasExporter = typeof (TLSSocket.prototype as { exportKeyingMaterial?: unknown })
  .exportKeyingMaterial === "function";
const spaced = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
let hostapd: Hostapd | undefined;
let client: Client | undefined;

before(async () => {
  if (needs("hostapd").skip !== false) return;
  assertPeers("hostapd");
  hostapd = await startHostapd({
    secret,
    users: [`"nas1.test"\tTLS`, `"rogue.test"\tTLS`],
    tls: {
      caCert: path("ca.pem"),
      serverCert: path("server.pem"),
      privateKey: path("server.key"),
      flags: "[ENABLE-TLSv1.3]",
    },
  });
  client = new Client({
    transport: udp(),
    server: "127.0.0.1",
    ports: { auth: hostapd.port },
    secret,
    timeout: 2000,
    retries: 1,
  });
});

after(async () => {
  await client?.close();
  await hostapd?.stop();
});

/** EAP-TLS as `name` with its certificate and key, at most `maxVersion`. */
function eapTls(name: string, maxVersion: EapTlsVersion) {
  return client!.eap({
    identity: `${name}.test`,
    method: "tls",
    tls: {
      engine: nodeTlsEngine(),
      cert: fixture(`${name}.pem`),
      key: fixture(`${name}.key`),
      ca: fixture("ca.pem"),
      serverName: "radius.test",
      maxVersion,
    },
  });
}

/** Where node:tls has no exporter, the conversation stops with the typed error. */
async function rejectsWithoutExporter(run: Promise<unknown>): Promise<void> {
  await assert.rejects(run, (error) => {
    assert.ok(error instanceof TlsExporterUnavailableError, String(error));
    return true;
  });
}

for (const version of ["TLSv1.2", "TLSv1.3"] as const satisfies EapTlsVersion[]) {
  test(
    `hostapd: EAP-TLS with ${version} accepted, MSK = hostapd's MS-MPPE keys`,
    needs("hostapd"),
    async () => {
      const logged = hostapd!.log().length;
      const run = eapTls("nas1", version);
      if (!hasExporter) return await rejectsWithoutExporter(run);
      const result = await run;
      const log = hostapd!.log().slice(logged);
      assert.equal(result.reply.code, Code.AccessAccept, log.slice(-3000));
      assert.equal(result.authenticated, true);
      assert.equal(result.msk?.length, 64);
      // RFC 5216 §2.3 / RFC 2548: hostapd sends the MSK's halves as Recv and Send keys.
      assert.deepEqual(result.reply.get("MS-MPPE-Recv-Key"), result.msk!.slice(0, 32));
      assert.deepEqual(result.reply.get("MS-MPPE-Send-Key"), result.msk!.slice(32, 64));
      // …and its debug output names the version and the key it derived.
      assert.match(log, new RegExp(`SSL: Using TLS version ${version.replace(".", "\\.")}\n`));
      assert.match(
        log,
        new RegExp(`EAP-TLS: Derived key - hexdump\\(len=64\\): ${spaced(result.msk!)}`),
      );
    },
  );
}

test(
  "hostapd: EAP-TLS with a client certificate from another CA rejected",
  needs("hostapd"),
  async () => {
    const logged = hostapd!.log().length;
    const run = eapTls("rogue", "TLSv1.3");
    if (!hasExporter) return await rejectsWithoutExporter(run);
    const result = await run;
    assert.equal(result.reply.code, Code.AccessReject);
    assert.equal(result.authenticated, false);
    assert.equal(result.msk, undefined);
    // hostapd refused the certificate itself, with an alert (RFC 5216 §2.1.3).
    const log = hostapd!.log().slice(logged);
    assert.match(log, /TLS: Certificate verification failed.*'\/CN=rogue\.test'/);
    assert.match(log, /local TLS alert: unknown CA/);
  },
);
