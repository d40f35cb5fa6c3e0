// The radkit EAP server the EAP benchmark measures (bench/eap_bench.ts), in
// its own process on whichever runtime starts it:
//
//   node_modules/.bin/deno run -A --unstable-net bench/_eap_server.ts [METHODS]
//   node_modules/.bin/bun bench/_eap_server.ts [METHODS]
//   node_modules/.bin/node bench/_eap_server.ts [METHODS]
//
// A Server on 127.0.0.1 (a free port, secret "testing123", Message-
// Authenticator required) whose handler is an EapServer and, for requests
// without EAP-Message, verifyPassword(): the users of
// tests/freeradius/raddb/users, bob/hello by his cleartext password and
// carol/carolpass by her NT hash, with the same reply attributes on an
// Access-Accept, anyone else rejected. METHODS (default "md5,gtc,mschapv2")
// are offered in that order, so that by default the conversation is
// FreeRADIUS's: MD5-Challenge proposed, a Nak asking for MSCHAPv2. Nothing
// is logged per request. With "peap" among METHODS the EapServer has the
// test PKI's server certificate (tests/fixtures/tls) for PEAP; a second
// argument "resumption" turns TLS session resumption on.
//
// Prints `READY {"port": N, "pid": N}`; `stats` on stdin prints
// `STATS {...}` (RSS, heap used, the server's and the EAP server's
// counters); closing stdin
// (or `quit`) closes the server and exits, so the process never outlives its
// parent.
import { readFileSync } from "node:fs";
import process from "node:process";
import { Code, Dictionary, EapServer, ntPasswordHash, Server, verifyPassword } from "../mod.ts";
import type { EapMethodName } from "../src/eap/methods/method.ts";
import type { PasswordCredential } from "../src/mschap/credential.ts";
import type { AttributesInit } from "../src/packet.ts";
import type { DatagramTransport } from "../src/transport.ts";

const methods = (process.argv[2] ?? "md5,gtc,mschapv2").split(",") as EapMethodName[];
/** `resumption` as the second argument: TLS session tickets (tls.resumption). */
const resumption = process.argv[3] === "resumption";

async function adapter() {
  if ("Deno" in globalThis) return await import("../adapters/deno.ts");
  if ("Bun" in globalThis) return await import("../adapters/bun.ts");
  return await import("../adapters/node.ts");
}
async function udp(): Promise<DatagramTransport> {
  return (await adapter()).udp();
}
const fixture = (name: string) =>
  readFileSync(new URL(`../tests/fixtures/tls/${name}`, import.meta.url), "utf8");

/** What tests/freeradius/raddb/users says of each user. */
const users = new Map<string, { credential: PasswordCredential; reply: AttributesInit }>([
  ["bob", {
    credential: { password: "hello" },
    reply: {
      "Reply-Message": "Hello, bob",
      "Service-Type": "Framed-User",
      "Framed-IP-Address": "192.0.2.10",
    },
  }],
  ["carol", {
    credential: { ntHash: ntPasswordHash("carolpass") },
    reply: { "Reply-Message": "Hello, carol" },
  }],
]);

const eap = new EapServer({
  credentials: (identity) => users.get(identity)?.credential,
  methods,
  ...(methods.includes("peap")
    ? {
      tls: {
        engine: (await adapter()).tlsEngine(),
        cert: fixture("server.pem"),
        key: fixture("server.key"),
        resumption,
      },
    }
    : {}),
});
const server = new Server({
  transport: await udp(),
  dictionary: Dictionary.default(),
  clients: [{ address: "127.0.0.1", secret: "testing123" }],
  async handleAccessRequest(request) {
    const user = users.get(String(request.get("User-Name")));
    const answer = await eap.handle(request);
    if (answer !== undefined) {
      if (answer.code === Code.AccessAccept && user !== undefined) answer.update(user.reply);
      return answer;
    }
    if (user === undefined) return request.reply(Code.AccessReject);
    const result = verifyPassword(request, user.credential);
    return result.ok
      ? request.reply(Code.AccessAccept, { ...result.reply, ...user.reply })
      : request.reply(Code.AccessReject, result.reply);
  },
});
const { auth } = await server.listen({ hostname: "127.0.0.1", auth: 0 });

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await server.close();
  process.exit(0);
}

let pending = "";
process.stdin.on("data", (chunk: Uint8Array | string) => {
  pending += typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
  let newline;
  while ((newline = pending.indexOf("\n")) >= 0) {
    const line = pending.slice(0, newline).trim();
    pending = pending.slice(newline + 1);
    if (line === "stats") {
      const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
      console.log(
        `STATS ${
          JSON.stringify({
            rss,
            heapUsed,
            external,
            arrayBuffers,
            server: server.stats(),
            eap: eap.stats(),
          })
        }`,
      );
    } else if (line === "quit") {
      void stop();
    }
  }
});
process.stdin.on("end", () => void stop());
process.stdin.on("close", () => void stop());
console.log(`READY ${JSON.stringify({ port: auth!.port, pid: process.pid })}`);
