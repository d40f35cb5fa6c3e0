// radkit serve --eap-cert/--eap-key/--eap-ca answers PEAP, EAP-TTLS and
// EAP-TLS from its users file. wpa_supplicant's eapol_test is the peer and
// NAS: after each Access-Accept it compares the MS-MPPE keys with the MSK it
// derived from its own TLS session ("MPPE keys OK"). radkit send drives the
// same methods, with an anonymous outer identity, and gets the inner user's
// reply items (a VLAN). Where node:tls has no exporter (Deno 2.9) no TLS
// method can produce keys: every conversation fails, and says why.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { TLSSocket } from "node:tls";
import { ntPasswordHash } from "../../mod.ts";
import { assertPeers, needs } from "../_peers.ts";
import { eapolTest } from "../_eapol_test.ts";
import { cli, serve, type Serving } from "./_cli.ts";

const T = { timeout: 120_000 };
const SECRET = "s3cret-wifi";
const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
const fixture = (name: string) =>
  fileURLToPath(new URL(`../fixtures/tls/${name}`, import.meta.url));
const hasExporter = typeof (TLSSocket.prototype as { exportKeyingMaterial?: unknown })
  .exportKeyingMaterial === "function";

/** eapol_test's network block for a tunnel: the CA, the inner method, the TLS versions. */
function tunnel(phase2: string, tls13: boolean): string[] {
  return [
    `ca_cert="${fixture("ca.pem")}"`,
    `phase2="${phase2}"`,
    `phase1="${tls13 ? "tls_disable_tlsv1_3=0" : "tls_disable_tlsv1_3=1"}"`,
  ];
}

describe("radkit serve with PEAP, EAP-TTLS and EAP-TLS", T, () => {
  let server: Serving | undefined;
  let dir = "";
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "radkit-wifi-"));
    writeFileSync(
      join(dir, "users"),
      [
        `bob Cleartext-Password := "hello"`,
        `  Reply-Message := "hi bob",`,
        `  Tunnel-Type:1 := VLAN,`,
        `  Tunnel-Medium-Type:1 := IEEE-802,`,
        `  Tunnel-Private-Group-Id:1 := "100"`,
        ``,
        `carol NT-Password := 0x${hex(ntPasswordHash("s3cr3t"))}`,
        `  Reply-Message := "hi carol"`,
        ``,
        `nas1.test Auth-Type := Accept`,
        `  Reply-Message := "hi certificate"`,
        ``,
      ].join("\n"),
    );
    server = await serve([
      "--secret",
      SECRET,
      "--users",
      join(dir, "users"),
      "--eap-cert",
      fixture("server.pem"),
      "--eap-key",
      fixture("server.key"),
      "--eap-ca",
      fixture("ca.pem"),
      "--workers",
      "1",
    ]);
  }, T);
  after(async () => {
    const stopped = await server?.stop();
    rmSync(dir, { recursive: true, force: true });
    assert.equal(stopped?.code, 0, `${stopped?.stdout}${stopped?.stderr}`);
  }, T);

  const cases = [
    ["PEAP", "auth=MSCHAPV2", "bob", "hello", false],
    ["PEAP", "auth=MSCHAPV2", "bob", "hello", true],
    ["PEAP", "auth=MSCHAPV2", "carol", "s3cr3t", false],
    ["PEAP", "auth=GTC", "bob", "hello", false],
    ["TTLS", "auth=PAP", "bob", "hello", false],
    ["TTLS", "auth=PAP", "bob", "hello", true],
    ["TTLS", "auth=CHAP", "bob", "hello", false],
    ["TTLS", "auth=MSCHAPV2", "bob", "hello", false],
    ["TTLS", "auth=MSCHAPV2", "carol", "s3cr3t", true],
    ["TTLS", "autheap=MSCHAPV2", "bob", "hello", false],
    ["TTLS", "autheap=MD5", "bob", "hello", false],
  ] as const;
  for (const [eap, phase2, identity, password, tls13] of cases) {
    test(
      `eapol_test ${eap}/${phase2} for ${identity} with TLS ${
        tls13 ? "1.3" : "1.2"
      }: accepted with MPPE keys OK, a wrong password refused`,
      { ...T, ...needs("eapol_test") },
      async () => {
        assertPeers("eapol_test");
        const run = (secretWord: string) =>
          eapolTest({
            port: server!.ports.auth,
            secret: SECRET,
            eap,
            identity,
            password: secretWord,
            keyName: true,
            extra: [`anonymous_identity="anonymous@example.org"`, ...tunnel(phase2, tls13)],
          });
        const ok = await run(password);
        if (!hasExporter) {
          assert.notEqual(ok.code, 0, ok.output);
          return;
        }
        assert.equal(ok.code, 0, ok.output);
        assert.match(ok.output, /^SUCCESS$/m);
        assert.match(ok.output, /MPPE keys OK: 1 {2}mismatch: 0/);
        assert.match(ok.output, /Locally derived EAP Session-Id matches EAP-Key-Name from server/);
        assert.match(ok.output, new RegExp(`Using TLS version TLSv1\\.${tls13 ? 3 : 2}`));
        const bad = await run(`${password}-wrong`);
        assert.notEqual(bad.code, 0, bad.output);
        assert.match(bad.output, /FAILURE/);
      },
    );
  }

  for (const tls13 of [false, true]) {
    test(
      `eapol_test EAP-TLS with TLS ${
        tls13 ? "1.3" : "1.2"
      }: the CA's certificate accepted with MPPE keys OK; another CA's and an expired one refused`,
      { ...T, ...needs("eapol_test") },
      async () => {
        assertPeers("eapol_test");
        const run = (client: string) =>
          eapolTest({
            port: server!.ports.auth,
            secret: SECRET,
            eap: "TLS",
            identity: `${client}.test`,
            password: "unused",
            keyName: true,
            extra: [
              `ca_cert="${fixture("ca.pem")}"`,
              `client_cert="${fixture(`${client}.pem`)}"`,
              `private_key="${fixture(`${client}.key`)}"`,
              `phase1="${tls13 ? "tls_disable_tlsv1_3=0" : "tls_disable_tlsv1_3=1"}"`,
            ],
          });
        const ok = await run("nas1");
        if (!hasExporter) {
          assert.notEqual(ok.code, 0, ok.output);
          return;
        }
        assert.equal(ok.code, 0, ok.output);
        assert.match(ok.output, /MPPE keys OK: 1 {2}mismatch: 0/);
        assert.match(ok.output, /Locally derived EAP Session-Id matches EAP-Key-Name from server/);
        for (const refused of ["rogue", "expired"]) {
          const bad = await run(refused);
          assert.notEqual(bad.code, 0, `${refused}: ${bad.output}`);
          assert.match(bad.output, /FAILURE/, refused);
        }
      },
    );
  }

  const sends = [
    ["peap", "bob", "hello"],
    ["peap-gtc", "bob", "hello"],
    ["ttls-pap", "bob", "hello"],
    ["ttls-chap", "bob", "hello"],
    ["ttls-mschapv2", "carol", "s3cr3t"],
    ["ttls-eap-mschapv2", "bob", "hello"],
    ["ttls-eap-md5", "bob", "hello"],
    ["ttls-eap-gtc", "bob", "hello"],
  ] as const;
  for (const [auth, identity, password] of sends) {
    test(
      `radkit send --auth ${auth} with an anonymous outer identity: the inner user's reply items; a wrong password refused`,
      T,
      async () => {
        const send = (secretWord: string) =>
          cli([
            "send",
            "--server",
            `127.0.0.1:${server!.ports.auth}`,
            "--secret",
            SECRET,
            "--auth",
            auth,
            "--eap-ca",
            fixture("ca.pem"),
            "--eap-servername",
            "radius.test",
            "--anonymous-identity",
            "anonymous@example.org",
            `User-Name=${identity}`,
            `User-Password=${secretWord}`,
          ]);
        const ok = await send(password);
        if (!hasExporter) {
          assert.equal(ok.code, 1, ok.stdout + ok.stderr);
          assert.match(ok.stderr, /exportKeyingMaterial/);
          return;
        }
        assert.equal(ok.code, 0, ok.stdout + ok.stderr);
        assert.match(ok.stdout, /Received Access-Accept/);
        assert.match(ok.stdout, new RegExp(`Reply-Message = "hi ${identity}"`));
        assert.match(ok.stdout, /MS-MPPE-Recv-Key = <hidden, 32 bytes>/);
        if (identity === "bob") {
          assert.match(ok.stdout, /Tunnel-Type:1 = VLAN/);
          assert.match(ok.stdout, /Tunnel-Medium-Type:1 = IEEE-802/);
          assert.match(ok.stdout, /Tunnel-Private-Group-Id:1 = "100"/);
        }
        const bad = await send(`${password}-wrong`);
        assert.equal(bad.code, 1, bad.stdout + bad.stderr);
        assert.match(bad.stdout, /Received Access-Reject/);
      },
    );
  }

  test("radkit send --auth eap-tls: accepted with the certificate's reply items", T, async () => {
    const run = (client: string) =>
      cli([
        "send",
        "--server",
        `127.0.0.1:${server!.ports.auth}`,
        "--secret",
        SECRET,
        "--auth",
        "eap-tls",
        "--eap-ca",
        fixture("ca.pem"),
        "--eap-cert",
        fixture(`${client}.pem`),
        "--eap-key",
        fixture(`${client}.key`),
        `User-Name=${client}.test`,
      ]);
    const ok = await run("nas1");
    if (!hasExporter) {
      assert.equal(ok.code, 1, ok.stdout + ok.stderr);
      return;
    }
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /Reply-Message = "hi certificate"/);
    const bad = await run("expired");
    assert.equal(bad.code, 1, bad.stdout + bad.stderr);
  });

  test(
    "radkit send refuses PEAP without --eap-ca, and --eap-ca without a TLS method",
    T,
    async () => {
      const noCa = await cli([
        "send",
        "--server",
        `127.0.0.1:${server!.ports.auth}`,
        "--secret",
        SECRET,
        "--auth",
        "peap",
        "User-Name=bob",
        "User-Password=hello",
      ]);
      assert.equal(noCa.code, 2, noCa.stderr);
      assert.match(noCa.stderr, /--auth peap needs --eap-ca/);
      const stray = await cli([
        "send",
        "--server",
        `127.0.0.1:${server!.ports.auth}`,
        "--secret",
        SECRET,
        "--eap-ca",
        fixture("ca.pem"),
        "User-Name=bob",
        "User-Password=hello",
      ]);
      assert.equal(stray.code, 2, stray.stderr);
      assert.match(stray.stderr, /--eap-ca goes with --auth peap/);
    },
  );
});
