// wpa_supplicant's eapol_test (an independent EAP-TLS peer and NAS) against
// a radkit Server answering with EapServer: EAP-TLS with TLS 1.2 and 1.3
// succeeds with the client certificate from the CA, and the MS-MPPE keys of
// the Access-Accept are the MSK eapol_test derived ("MPPE keys OK"); a
// client certificate from another CA fails. Where node:tls has no exporter
// (Deno 2.9) every conversation fails, counted as "tls-exporter-unavailable".
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { TLSSocket } from "node:tls";
import { nodeTlsEngine } from "../../../adapters/_tls_engine_node.ts";
import type { EapServer } from "../../../src/eap/server/eap_server.ts";
import { eapolTest } from "../../_eapol_test.ts";
import { assertPeers, needs } from "../../_peers.ts";
import { secret, withUdpRig } from "../_rig.ts";

const path = (name: string) =>
  fileURLToPath(new URL(`../../fixtures/tls/${name}`, import.meta.url));
const hasExporter = typeof (TLSSocket.prototype as { exportKeyingMaterial?: unknown })
  .exportKeyingMaterial === "function";

function withServer(run: (port: number, eap: EapServer) => Promise<void>): Promise<void> {
  return withUdpRig({
    credentials: () => undefined,
    methods: ["tls"],
    tls: {
      engine: nodeTlsEngine(),
      cert: readFileSync(path("server.pem"), "utf8"),
      key: readFileSync(path("server.key"), "utf8"),
      ca: readFileSync(path("ca.pem"), "utf8"),
    },
  }, run);
}

const tls = (client: string, phase1?: string) => [
  `ca_cert="${path("ca.pem")}"`,
  `client_cert="${path(`${client}.pem`)}"`,
  `private_key="${path(`${client}.key`)}"`,
  ...(phase1 === undefined ? [] : [`phase1="${phase1}"`]),
];

for (
  const [version, phase1] of [
    ["TLS 1.2", "tls_disable_tlsv1_3=1"],
    ["TLS 1.3", "tls_disable_tlsv1_3=0"],
  ] as const
) {
  test(
    `eapol_test eap=TLS with ${version}: accepted, MPPE keys OK`,
    needs("eapol_test"),
    async () => {
      assertPeers("eapol_test");
      await withServer(async (port, eap) => {
        const result = await eapolTest({
          port,
          secret,
          eap: "TLS",
          identity: "nas1.test",
          password: "unused",
          extra: tls("nas1", phase1),
        });
        if (!hasExporter) {
          assert.notEqual(result.code, 0, result.output);
          assert.equal(eap.stats().rejectedBy["tls-exporter-unavailable"], 1);
          return;
        }
        assert.equal(result.code, 0, result.output);
        assert.match(result.output, /^SUCCESS$/m);
        assert.match(result.output, /MPPE keys OK: 1 {2}mismatch: 0/);
        const used = version === "TLS 1.3" ? "TLSv1.3" : "TLSv1.2";
        assert.match(
          result.output,
          new RegExp(`SSL: Using TLS version ${used.replace(".", "\\.")}`),
        );
        assert.equal(eap.stats().accepted, 1);
      });
    },
  );
}

test(
  "eapol_test eap=TLS with a client certificate from another CA: rejected",
  needs("eapol_test"),
  async () => {
    assertPeers("eapol_test");
    await withServer(async (port, eap) => {
      const result = await eapolTest({
        port,
        secret,
        eap: "TLS",
        identity: "rogue.test",
        password: "unused",
        extra: tls("rogue", "tls_disable_tlsv1_3=0"),
      });
      assert.notEqual(result.code, 0, result.output);
      assert.match(result.output, /EAP Failure|CTRL-EVENT-EAP-FAILURE/);
      assert.equal(eap.stats().accepted, 0);
      const reason = hasExporter ? "certificate-rejected" : "tls-exporter-unavailable";
      assert.equal(eap.stats().rejectedBy[reason], 1, JSON.stringify(eap.stats().rejectedBy));
    });
  },
);
