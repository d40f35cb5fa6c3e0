// The radkit Client's EAP-TLS against FreeRADIUS 3.2's eap module with its
// tls sub-module (tests/freeradius/raddb/eap/eap_tls.conf, an EAP-TLS
// implementation independent of radkit's, on OpenSSL). FreeRADIUS proposes
// MD5-Challenge first; the client answers with a Nak for TLS (RFC 3748
// §5.3.1). With TLS 1.2 and TLS 1.3 the client certificate from the CA is
// accepted and the 64-octet MSK is the MS-MPPE-Recv-Key || MS-MPPE-Send-Key
// FreeRADIUS sends (RFC 5216 §2.3, RFC 9190 §2.3); a client certificate from
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
import { type FreeRadius, FREERADIUS_SECRET, startFreeRadius } from "../../_freeradius.ts";
import { assertPeers, needs } from "../../_peers.ts";
import { udp } from "../../_udp.ts";

const path = (name: string) =>
  fileURLToPath(new URL(`../../fixtures/tls/${name}`, import.meta.url));
const fixture = (name: string) => readFileSync(path(name), "utf8");
const hasExporter = typeof (TLSSocket.prototype as { exportKeyingMaterial?: unknown })
  .exportKeyingMaterial === "function";
let freeradius: FreeRadius | undefined;
let client: Client | undefined;

before(async () => {
  if (needs("freeradius").skip !== false) return;
  assertPeers("freeradius");
  freeradius = await startFreeRadius({ eapTls: true });
  client = new Client({
    transport: udp(),
    server: "127.0.0.1",
    ports: { auth: freeradius.authPort },
    secret: FREERADIUS_SECRET,
    timeout: 2000,
    retries: 1,
  });
});

after(async () => {
  await client?.close();
  await freeradius?.stop();
});

/** EAP-TLS as `name` with its certificate and key, in exactly this TLS `version`. */
function eapTls(name: string, version: EapTlsVersion) {
  return client!.eap({
    identity: `${name}.test`,
    method: "tls",
    tls: {
      engine: nodeTlsEngine(),
      cert: fixture(`${name}.pem`),
      key: fixture(`${name}.key`),
      ca: fixture("ca.pem"),
      serverName: "radius.test",
      // Both bounds: the handshake fails unless FreeRADIUS speaks this version.
      minVersion: version,
      maxVersion: version,
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
    `FreeRADIUS: EAP-TLS with ${version} accepted, MSK = its MS-MPPE keys`,
    needs("freeradius"),
    async () => {
      const run = eapTls("nas1", version);
      if (!hasExporter) return await rejectsWithoutExporter(run);
      const result = await run;
      assert.equal(result.reply.code, Code.AccessAccept, freeradius!.log().slice(-3000));
      assert.equal(result.authenticated, true);
      assert.equal(result.msk?.length, 64);
      // RFC 5216 §2.3 / RFC 2548: the MSK's halves are the Recv and Send keys.
      assert.deepEqual(result.reply.get("MS-MPPE-Recv-Key"), result.msk!.slice(0, 32));
      assert.deepEqual(result.reply.get("MS-MPPE-Send-Key"), result.msk!.slice(32, 64));
      assert.equal(result.reply.get("Reply-Message"), "Hello, nas1.test");
    },
  );
}

test(
  "FreeRADIUS: EAP-TLS with a client certificate from another CA rejected",
  needs("freeradius"),
  async () => {
    const run = eapTls("rogue", "TLSv1.3");
    if (!hasExporter) return await rejectsWithoutExporter(run);
    const result = await run;
    assert.equal(result.reply.code, Code.AccessReject, freeradius!.log().slice(-3000));
    assert.equal(result.authenticated, false);
    assert.equal(result.msk, undefined);
    // FreeRADIUS refused the certificate itself, with an alert (RFC 5216 §2.1.3).
    assert.match(freeradius!.log(), /eap_tls:.*unable to get local issuer certificate/);
    assert.match(freeradius!.log(), /eap_tls:.*Alert write:fatal:unknown CA/);
  },
);
