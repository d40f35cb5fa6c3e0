// An 802.1X / WPA-Enterprise RADIUS server in one file: PEAP (EAP-MSCHAPv2
// inside), EAP-TTLS and EAP-TLS, the user's VLAN in the Access-Accept; then,
// playing an access point and a phone, radkit's own client authenticates
// with each method and prints what the access point would get.
//
//   deno run -A --unstable-net examples/wifi.ts | bun examples/wifi.ts | node examples/wifi.ts
//
// The certificates are the test PKI (tests/fixtures/tls); make your own with
// the openssl commands of the README's "802.1X / Wi-Fi" section. On Deno 2.9,
// whose node:tls cannot export TLS keys, every method stops with
// TlsExporterUnavailableError, which this example prints.
import { readFileSync } from "node:fs";
import process from "node:process";
import { Client, Code, Dictionary, EapServer, Server } from "../mod.ts";
import { tlsEngine, udp } from "../adapters/auto.ts";

const pem = (name: string) =>
  readFileSync(new URL(`../tests/fixtures/tls/${name}`, import.meta.url), "utf8");
const users = new Map([["bob", { password: "hello", vlan: "100" }]]);

// The server: a dozen lines.
const eap = new EapServer({
  credentials: (identity) => {
    const user = users.get(identity);
    return user && { password: user.password };
  },
  tls: { engine: tlsEngine(), cert: pem("server.pem"), key: pem("server.key"), ca: pem("ca.pem") },
  authorize(user, reply) {
    const vlan = users.get(user.identity)?.vlan;
    if (vlan === undefined) return; // a certificate user: the default VLAN
    reply.add("Tunnel-Type", { tag: 1, value: "VLAN" })
      .add("Tunnel-Medium-Type", { tag: 1, value: "IEEE-802" })
      .add("Tunnel-Private-Group-Id", { tag: 1, value: vlan });
  },
});
const server = new Server({
  transport: udp(),
  dictionary: Dictionary.default(),
  clients: [{ address: "127.0.0.1", secret: "wifi-secret" }],
  handleAccessRequest: async (request) =>
    await eap.handle(request) ?? request.reply(Code.AccessReject),
});
const { auth } = await server.listen({ hostname: "127.0.0.1", auth: 0 });

// The access point (and the phone behind it).
const client = new Client({
  transport: udp(),
  server: "127.0.0.1",
  ports: { auth: auth!.port },
  secret: "wifi-secret",
});
const tls = { engine: tlsEngine(), ca: pem("ca.pem"), serverName: "radius.test" };
const attempts: [string, Parameters<Client["eap"]>[0]][] = [
  ["PEAP/MSCHAPv2", {
    identity: "bob",
    anonymousIdentity: "anonymous",
    method: "peap",
    password: "hello",
    tls,
  }],
  ["TTLS/PAP", {
    identity: "bob",
    anonymousIdentity: "anonymous",
    method: "ttls",
    inner: "pap",
    password: "hello",
    tls,
  }],
  ["EAP-TLS", {
    identity: "nas1.test",
    method: "tls",
    tls: { ...tls, cert: pem("nas1.pem"), key: pem("nas1.key") },
  }],
  ["PEAP, wrong password", { identity: "bob", method: "peap", password: "guess", tls }],
];
let status = 0;
for (const [name, options] of attempts) {
  try {
    const { reply, authenticated, msk } = await client.eap(options);
    const vlan = reply.get("Tunnel-Private-Group-Id");
    console.log(
      `${name}: ${reply.codeName}` +
        (authenticated ? `, ${msk?.length}-octet MSK as MS-MPPE keys` : "") +
        (vlan === undefined ? "" : `, VLAN ${vlan}`),
    );
  } catch (error) {
    console.log(`${name}: ${(error as Error).name}: ${(error as Error).message}`);
    status = 1;
  }
}
await client.close();
await server.close();
process.exit(status);
