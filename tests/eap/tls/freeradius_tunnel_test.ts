// The radkit Client's PEAP and EAP-TTLS against FreeRADIUS 3.2's eap module
// (peap and ttls sub-modules on the test PKI, the inner authentication in the
// eap-inner virtual server: tests/freeradius/raddb/eap/). FreeRADIUS proposes
// MD5-Challenge; the client Naks for its method. Inner MSCHAPv2 (PEAP, TTLS
// as AVPs and as EAP), PAP and CHAP with an anonymous outer identity: each is
// accepted, and the 64-octet MSK the client derived is the
// MS-MPPE-Recv-Key || MS-MPPE-Send-Key FreeRADIUS sends; a wrong password is
// rejected. Where node:tls has no exporter (Deno 2.9) the client's promise
// rejects with TlsExporterUnavailableError before any TLS.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { TLSSocket } from "node:tls";
import { nodeTlsEngine } from "../../../adapters/_tls_engine_node.ts";
import { Client } from "../../../src/client.ts";
import { Code } from "../../../src/codec/code.ts";
import type { EapClientOptions } from "../../../src/eap/client/run_eap.ts";
import type { EapTlsVersion } from "../../../src/eap/tls/tls_engine.ts";
import { TlsExporterUnavailableError } from "../../../src/eap/tls/tls_exporter_error.ts";
import { type FreeRadius, FREERADIUS_SECRET, startFreeRadius } from "../../_freeradius.ts";
import { assertPeers, needs } from "../../_peers.ts";
import { udp } from "../../_udp.ts";

const fixture = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../../fixtures/tls/${name}`, import.meta.url)), "utf8");
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

const CASES = [
  ["peap", "mschapv2", "bob", "hello"],
  ["peap", "mschapv2", "carol", "carolpass"],
  ["peap", "gtc", "bob", "hello"],
  ["ttls", "pap", "bob", "hello"],
  ["ttls", "pap", "carol", "carolpass"],
  ["ttls", "chap", "bob", "hello"],
  ["ttls", "mschapv2", "bob", "hello"],
  ["ttls", "eap-mschapv2", "bob", "hello"],
  ["ttls", "eap-md5", "bob", "hello"],
] as const;

for (const [method, inner, identity, password] of CASES) {
  for (const version of ["TLSv1.2"] as const satisfies EapTlsVersion[]) {
    test(
      `${method}/${inner} for ${identity} with ${version}: accepted with the MSK as MS-MPPE keys; a wrong password rejected`,
      needs("freeradius"),
      async () => {
        const run = (secretWord: string) =>
          client!.eap({
            identity,
            anonymousIdentity: "anonymous@example.org",
            method,
            inner: inner as NonNullable<EapClientOptions["inner"]>,
            password: secretWord,
            tls: {
              engine: nodeTlsEngine(),
              ca: fixture("ca.pem"),
              serverName: "radius.test",
              minVersion: version,
              maxVersion: version,
            },
          });
        if (!hasExporter) {
          await assert.rejects(run(password), (error) => {
            assert.ok(error instanceof TlsExporterUnavailableError, String(error));
            return true;
          });
          return;
        }
        const ok = await run(password);
        assert.equal(ok.reply.code, Code.AccessAccept, freeradius!.log());
        assert.equal(ok.authenticated, true);
        assert.equal(ok.msk?.length, 64);
        assert.deepEqual(ok.reply.get("MS-MPPE-Recv-Key"), ok.msk!.slice(0, 32));
        assert.deepEqual(ok.reply.get("MS-MPPE-Send-Key"), ok.msk!.slice(32, 64));
        const bad = await run(`${password}-wrong`);
        assert.equal(bad.reply.code, Code.AccessReject);
        assert.equal(bad.authenticated, false);
        assert.equal(bad.msk, undefined);
      },
    );
  }
}
