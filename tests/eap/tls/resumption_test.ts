// TLS session resumption (EapServer tls.resumption, off by default), with
// wpa_supplicant's eapol_test authenticating three times in a row (-r2):
// with TLS 1.3 its PEAP and EAP-TLS sessions resume from the server's
// session tickets, each authentication ends with the MS-MPPE keys it derived
// ("MPPE keys OK: 3"), and PEAP still runs its inner authentication on a
// resumed session. TTLS is never resumed (peers would skip its inner
// authentication); TLS 1.2 sessions are not resumed (no server-side session
// cache); without the option nothing is. Where node:tls has no exporter
// (Deno 2.9) every conversation fails.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { TLSSocket } from "node:tls";
import { nodeTlsEngine } from "../../../adapters/_tls_engine_node.ts";
import { Code } from "../../../src/codec/code.ts";
import { Client } from "../../../src/client.ts";
import { getEapMessage } from "../../../src/eap/eap_message.ts";
import { eapolTest } from "../../_eapol_test.ts";
import { assertPeers, needs } from "../../_peers.ts";
import { udp } from "../../_udp.ts";
import { secret, withUdpRig } from "../_rig.ts";

const path = (name: string) =>
  fileURLToPath(new URL(`../../fixtures/tls/${name}`, import.meta.url));
const hasExporter = typeof (TLSSocket.prototype as { exportKeyingMaterial?: unknown })
  .exportKeyingMaterial === "function";

function withServer(
  resumption: boolean,
  run: (port: number) => Promise<void>,
  sent?: (eapOctets: number) => void,
): Promise<void> {
  return withUdpRig(
    {
      tls: {
        engine: nodeTlsEngine(),
        cert: readFileSync(path("server.pem"), "utf8"),
        key: readFileSync(path("server.key"), "utf8"),
        ca: readFileSync(path("ca.pem"), "utf8"),
        resumption,
      },
    },
    run,
    (eap) => async (request) => {
      const reply = await eap.handle(request) ?? request.reply(Code.AccessReject);
      sent?.(getEapMessage(reply)?.length ?? 0);
      return reply;
    },
  );
}

const METHODS = {
  PEAP: [`phase2="auth=MSCHAPV2"`],
  TTLS: [`phase2="auth=PAP"`],
  TLS: [`client_cert="${path("nas1.pem")}"`, `private_key="${path("nas1.key")}"`],
} as const;

for (const resumption of [true, false]) {
  for (const tls13 of [true, false]) {
    for (const [eap, lines] of Object.entries(METHODS)) {
      const resumes = resumption && tls13 && eap !== "TTLS";
      test(
        `${eap}, TLS ${tls13 ? "1.3" : "1.2"}, resumption ${
          resumption ? "on" : "off"
        }: three authentications, ${resumes ? "the later two resumed" : "each a full handshake"}`,
        needs("eapol_test"),
        async () => {
          assertPeers("eapol_test");
          await withServer(resumption, async (port) => {
            const result = await eapolTest({
              port,
              secret,
              eap,
              identity: eap === "TLS" ? "nas1.test" : "bob",
              password: "hello",
              reauthentications: 2,
              extra: [
                `ca_cert="${path("ca.pem")}"`,
                `phase1="tls_disable_tlsv1_3=${tls13 ? 0 : 1}"`,
                ...lines,
              ],
            });
            if (!hasExporter) {
              assert.notEqual(result.code, 0, result.output);
              return;
            }
            assert.equal(result.code, 0, result.output);
            assert.match(result.output, /MPPE keys OK: 3 {2}mismatch: 0/);
            const resumed = result.output.match(/resumed=1/g)?.length ?? 0;
            if (resumes) assert.ok(resumed >= 2, `resumed ${resumed} times`);
            else assert.equal(resumed, 0);
          });
        },
      );
    }
  }
}

// radkit's own client resumes too (tls.resumption on both sides): in later
// conversations of the same engine the server sends far fewer EAP octets (no
// certificate again), and the MSK is still the one in its MS-MPPE keys. A
// server certificate from another CA is still refused.
for (const method of ["peap", "tls"] as const) {
  test(
    `radkit Client ${method} with TLS 1.3 resumes its session: no certificate sent again, the keys still agree`,
    { skip: hasExporter ? false : "no exporter in this runtime's node:tls" },
    async () => {
      let octets = 0;
      await withServer(true, async (port) => {
        const client = new Client({
          transport: udp(),
          server: "127.0.0.1",
          ports: { auth: port },
          secret,
        });
        const engine = nodeTlsEngine(); // the sessions to resume live in the engine
        const tls = {
          engine,
          ca: readFileSync(path("ca.pem"), "utf8"),
          serverName: "radius.test",
          resumption: true,
          ...(method === "tls"
            ? {
              cert: readFileSync(path("nas1.pem"), "utf8"),
              key: readFileSync(path("nas1.key"), "utf8"),
            }
            : {}),
        };
        try {
          const sent: number[] = [];
          for (let i = 0; i < 3; i++) {
            const before = octets;
            const result = await client.eap({
              identity: method === "tls" ? "nas1.test" : "bob",
              method,
              password: "hello",
              tls,
            });
            assert.equal(result.authenticated, true);
            assert.deepEqual(result.reply.get("MS-MPPE-Recv-Key"), result.msk!.slice(0, 32));
            assert.deepEqual(result.reply.get("MS-MPPE-Send-Key"), result.msk!.slice(32, 64));
            sent.push(octets - before);
          }
          // The server's certificate (about 600 octets) is not sent again.
          assert.ok(sent[1]! < sent[0]! - 400 && sent[2]! < sent[0]! - 400, `EAP octets ${sent}`);
          const rogue = await client.eap({
            identity: "bob",
            method: "peap",
            password: "hello",
            tls: { ...tls, ca: readFileSync(path("other_ca.pem"), "utf8") },
          }).then((result) => result.authenticated, () => false);
          assert.equal(rogue, false, "a server certificate from another CA is still refused");
        } finally {
          await client.close();
        }
      }, (eapOctets) => (octets += eapOctets));
    },
  );
}
