// PEAP and EAP-TTLS end to end, radkit's Client against radkit's EapServer
// over a MemoryTransport, with TLS 1.2 and 1.3: every inner method accepted
// with the same 64-octet MSK on both sides and in the MS-MPPE keys, the
// Session-Id as EAP-Key-Name when the NAS asks for it, the inner identity
// handed to `authorize` (which may add a VLAN or refuse), the outer identity
// anonymous; wrong passwords rejected. Where node:tls has no exporter (Deno
// 2.9) the client's promise rejects with TlsExporterUnavailableError.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { TLSSocket } from "node:tls";
import { nodeTlsEngine } from "../../../adapters/_tls_engine_node.ts";
import { Code } from "../../../src/codec/code.ts";
import type { EapClientOptions } from "../../../src/eap/client/run_eap.ts";
import type { EapAuthenticatedUser, EapServerOptions } from "../../../src/eap/server/eap_server.ts";
import { EapServer } from "../../../src/eap/server/eap_server.ts";
import type { EapTlsServerOptions } from "../../../src/eap/tls/eap_tls_server.ts";
import type { EapTlsVersion } from "../../../src/eap/tls/tls_engine.ts";
import { TlsExporterUnavailableError } from "../../../src/eap/tls/tls_exporter_error.ts";
import { type Rig, rig } from "../_rig.ts";

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/tls/${name}`, import.meta.url), "utf8");
const hasExporter = typeof (TLSSocket.prototype as { exportKeyingMaterial?: unknown })
  .exportKeyingMaterial === "function";
const engine = nodeTlsEngine();
const serverTls = (more: Partial<EapTlsServerOptions> = {}): EapTlsServerOptions => ({
  engine,
  cert: fixture("server.pem"),
  key: fixture("server.key"),
  ...more,
});

type Inner = NonNullable<EapClientOptions["inner"]>;
const CASES: readonly (readonly ["peap" | "ttls", Inner, string, string])[] = [
  ["peap", "mschapv2", "bob", "hello"],
  ["peap", "mschapv2", "carol", "s3cret pass"],
  ["peap", "gtc", "bob", "hello"],
  ["peap", "md5", "bob", "hello"],
  ["ttls", "pap", "bob", "hello"],
  ["ttls", "pap", "carol", "s3cret pass"],
  ["ttls", "chap", "bob", "hello"],
  ["ttls", "mschap", "carol", "s3cret pass"],
  ["ttls", "mschapv2", "bob", "hello"],
  ["ttls", "eap-md5", "bob", "hello"],
  ["ttls", "eap-gtc", "bob", "hello"],
  ["ttls", "eap-mschapv2", "carol", "s3cret pass"],
];

async function conversation(
  server: Partial<EapServerOptions>,
  client: Omit<Parameters<Rig["client"]["eap"]>[0], "tls">,
  version: EapTlsVersion = "TLSv1.3",
) {
  const r = await rig({ tls: serverTls(), ...server });
  try {
    const result = await r.client.eap({
      ...client,
      tls: { engine, ca: fixture("ca.pem"), serverName: "radius.test", maxVersion: version },
    });
    return { result, stats: r.eap.stats() };
  } finally {
    await r.close();
  }
}

for (const version of ["TLSv1.2", "TLSv1.3"] as const) {
  for (const [method, inner, identity, password] of CASES) {
    test(`${method}/${inner} for ${identity} with ${version}: accepted, one MSK on both sides; a wrong password rejected`, async () => {
      const users: EapAuthenticatedUser[] = [];
      const run = (secretWord: string) =>
        conversation(
          { authorize: (user) => void users.push(user) },
          {
            identity,
            anonymousIdentity: "anonymous@example.org",
            method,
            inner,
            password: secretWord,
            // RFC 4072 §2.2.2: an (empty) EAP-Key-Name asks for the Session-Id;
            // RADIUS has no empty attributes, so one octet, as eapol_test -e sends.
            attributes: { "EAP-Key-Name": new Uint8Array(1) },
          },
          version,
        );
      if (!hasExporter) {
        await assert.rejects(run(password), TlsExporterUnavailableError);
        return;
      }
      const { result, stats } = await run(password);
      assert.equal(result.reply.code, Code.AccessAccept);
      assert.equal(result.authenticated, true);
      assert.equal(result.msk?.length, 64);
      assert.deepEqual(result.reply.get("MS-MPPE-Recv-Key"), result.msk!.slice(0, 32));
      assert.deepEqual(result.reply.get("MS-MPPE-Send-Key"), result.msk!.slice(32, 64));
      // The Session-Id: the Type, then 64 octets (two randoms, or the TLS 1.3 Method-Id).
      assert.equal(result.sessionId?.length, 65);
      assert.equal(result.sessionId![0], method === "peap" ? 25 : 21);
      assert.deepEqual(result.reply.get("EAP-Key-Name"), result.sessionId);
      assert.deepEqual(users, [{
        identity,
        outerIdentity: "anonymous@example.org",
        method: `${method}/${inner}`,
      }]);
      assert.equal(stats.accepted, 1);

      const refused = await run(`${password}-wrong`);
      assert.equal(refused.result.reply.code, Code.AccessReject);
      assert.equal(refused.result.authenticated, false);
      assert.equal(refused.result.msk, undefined);
      assert.equal(refused.result.reply.get("MS-MPPE-Recv-Key"), undefined);
      assert.equal(users.length, 1, "authorize is not called for a failed authentication");
    });
  }
}

test("authorize adds the VLAN of the inner user, or refuses it (not-authorized)", {
  skip: hasExporter ? false : "no exporter in this runtime's node:tls",
}, async () => {
  const authorize: EapServerOptions["authorize"] = (user, reply) => {
    if (user.identity === "carol") return false;
    // RFC 3580 §3.31: the VLAN, tagged as most access points expect.
    reply.add("Tunnel-Type", { tag: 1, value: "VLAN" })
      .add("Tunnel-Medium-Type", { tag: 1, value: "IEEE-802" })
      .add("Tunnel-Private-Group-Id", { tag: 1, value: "100" });
  };
  const bob = await conversation({ authorize }, {
    identity: "bob",
    method: "peap",
    password: "hello",
  });
  assert.equal(bob.result.reply.code, Code.AccessAccept);
  const tunnel = bob.result.reply.attributes()
    .filter((attribute) => attribute.name.startsWith("Tunnel-"))
    .map(({ name, tag, value }) => [name, tag, value]);
  assert.deepEqual(tunnel, [
    ["Tunnel-Type", 1, "VLAN"],
    ["Tunnel-Medium-Type", 1, "IEEE-802"],
    ["Tunnel-Private-Group-Id", 1, "100"],
  ]);
  const carol = await conversation({ authorize }, {
    identity: "carol",
    method: "ttls",
    inner: "mschapv2",
    password: "s3cret pass",
  });
  assert.equal(carol.result.reply.code, Code.AccessReject);
  assert.equal(carol.stats.rejectedBy["not-authorized"], 1);
});

test("innerMethods: a PEAP peer asking for an inner method not offered is refused", {
  skip: hasExporter ? false : "no exporter in this runtime's node:tls",
}, async () => {
  const { result } = await conversation({ innerMethods: ["mschapv2"] }, {
    identity: "bob",
    method: "peap",
    inner: "gtc",
    password: "hello",
  });
  assert.equal(result.reply.code, Code.AccessReject);
  assert.equal(result.authenticated, false);
});

test("the TLS methods offered: PEAP first, TTLS on a Nak, EAP-TLS only with a CA", () => {
  const credentials = () => undefined;
  assert.throws(
    () => new EapServer({ credentials, methods: ["tls"], tls: serverTls() }),
    /methods include "tls", which needs tls: \{ engine: tlsEngine\(\), cert, key, ca \}/,
  );
  assert.throws(
    () => new EapServer({ credentials, methods: ["peap", "ttls"] }),
    /methods include "peap", "ttls", which need tls: \{ engine: tlsEngine\(\), cert, key \}/,
  );
  assert.throws(
    () => new EapServer({ credentials, innerMethods: ["tls" as "md5"] }),
    /innerMethods must list some of "mschapv2", "gtc", "md5"/,
  );
  assert.throws(
    () => new EapServer({ credentials, authorize: "yes" as unknown as () => boolean }),
    /authorize must be a function/,
  );
  assert.throws(
    () => new EapServer({ credentials, tls: serverTls({ resumption: { lifetime: 0 } }) }),
    /tls\.resumption must be true, false or \{ lifetime: seconds/,
  );
});

test("a TTLS peer Naks PEAP, the server's first choice, and is served TTLS", {
  skip: hasExporter ? false : "no exporter in this runtime's node:tls",
}, async () => {
  const { result, stats } = await conversation({}, {
    identity: "bob",
    method: "ttls",
    inner: "pap",
    password: "hello",
  });
  assert.equal(result.authenticated, true);
  assert.equal(stats.accepted, 1);
});

test("a PEAP server whose certificate does not verify gets no password", {
  skip: hasExporter ? false : "no exporter in this runtime's node:tls",
}, async () => {
  const checked: string[] = [];
  const r = await rig({
    tls: serverTls(),
    credentials: (identity) => {
      checked.push(identity);
      return { password: "hello" };
    },
  });
  try {
    const outcome = await r.client.eap({
      identity: "bob",
      anonymousIdentity: "anonymous",
      method: "peap",
      password: "hello",
      tls: { engine, ca: fixture("other_ca.pem") },
    }).then((result) => result, (error: unknown) => error);
    if (outcome instanceof Error) {
      assert.match(
        String((outcome as { reason?: string }).reason ?? outcome.message),
        /server-not-authenticated|certificate/,
      );
    } else {
      // Bun: the TLS client refuses the certificate with an alert.
      assert.equal((outcome as { authenticated: boolean }).authenticated, false);
    }
    assert.deepEqual(checked, ["anonymous"], "the inner identity never reached the server");
  } finally {
    await r.close();
  }
});
