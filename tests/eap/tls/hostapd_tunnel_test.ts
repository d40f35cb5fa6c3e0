// The radkit Client's PEAP and EAP-TTLS against hostapd's integrated EAP
// server (driver=none; an implementation independent of radkit's and of
// FreeRADIUS's). The outer identity is anonymous; the inner one is checked
// against hostapd's phase 2 users. PEAP/MSCHAPv2, PEAP/GTC, TTLS/PAP,
// TTLS/CHAP, TTLS/MSCHAPv2 and TTLS/EAP-MSCHAPv2 are accepted, the 64-octet
// MSK the client derived is the MS-MPPE-Recv-Key || MS-MPPE-Send-Key hostapd
// sends and the key its debug output shows; a wrong password is rejected.
// Where node:tls has no exporter (Deno 2.9) the client's promise rejects
// with TlsExporterUnavailableError before any TLS.
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
    users: [
      // Phase 1: any outer identity may begin PEAP or TTLS…
      `*\tPEAP,TTLS`,
      // …phase 2 ([2]): bob's inner methods and password.
      `"bob"\tMSCHAPV2,GTC,MD5,TTLS-PAP,TTLS-CHAP,TTLS-MSCHAPV2\t"hello"\t[2]`,
    ],
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

const CASES = [
  ["peap", "mschapv2", "TLSv1.2"],
  ["peap", "gtc", "TLSv1.2"],
  ["ttls", "pap", "TLSv1.2"],
  ["ttls", "pap", "TLSv1.3"],
  ["ttls", "chap", "TLSv1.2"],
  ["ttls", "mschapv2", "TLSv1.2"],
  ["ttls", "eap-mschapv2", "TLSv1.2"],
] as const satisfies readonly (readonly [string, string, EapTlsVersion])[];

for (const [method, inner, version] of CASES) {
  test(
    `hostapd: ${method}/${inner} with ${version} accepted, MSK = hostapd's MS-MPPE keys; a wrong password rejected`,
    needs("hostapd"),
    async () => {
      const run = (password: string) =>
        client!.eap({
          identity: "bob",
          anonymousIdentity: "anonymous@example.org",
          method,
          inner: inner as NonNullable<EapClientOptions["inner"]>,
          password,
          tls: {
            engine: nodeTlsEngine(),
            ca: fixture("ca.pem"),
            serverName: "radius.test",
            maxVersion: version,
          },
        });
      if (!hasExporter) {
        await assert.rejects(run("hello"), (error) => {
          assert.ok(error instanceof TlsExporterUnavailableError, String(error));
          return true;
        });
        return;
      }
      const logged = hostapd!.log().length;
      const result = await run("hello");
      const log = hostapd!.log().slice(logged);
      assert.equal(result.reply.code, Code.AccessAccept, log.slice(-4000));
      assert.equal(result.authenticated, true);
      assert.equal(result.msk?.length, 64);
      assert.deepEqual(result.reply.get("MS-MPPE-Recv-Key"), result.msk!.slice(0, 32));
      assert.deepEqual(result.reply.get("MS-MPPE-Send-Key"), result.msk!.slice(32, 64));
      assert.match(log, new RegExp(`SSL: Using TLS version ${version.replace(".", "\\.")}\n`));
      assert.match(log, new RegExp(`Derived key - hexdump\\(len=64\\): ${spaced(result.msk!)}`));
      const bad = await run("guess");
      assert.equal(bad.reply.code, Code.AccessReject);
      assert.equal(bad.authenticated, false);
    },
  );
}
