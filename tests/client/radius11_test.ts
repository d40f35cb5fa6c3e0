// The Client over RADIUS/1.1 (RFC 9765): ALPN under each policy against the
// radkit Server, Tokens instead of Identifiers (more than one connection's
// worth of requests), the watchdog, a refused downgrade; and every pair of
// runtimes: this runtime's Client against `radkit serve --radius11 require`
// running on Deno, Bun and Node in turn.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { streams } from "../../adapters/node.ts";
import { Client, ServerConnectionError } from "../../src/client.ts";
import { Code } from "../../src/codec/code.ts";
import { type RequestContext, Server } from "../../src/server.ts";
import type { Radius11Policy } from "../../src/server/stream_connections.ts";
import { dictionary } from "../server/_helpers.ts";
import { pem, serverTls } from "../server/_stream_peer.ts";
import process from "node:process";
import { root } from "../cli/_cli.ts";

type Policy = "off" | "prefer" | "require";

const nas = { ca: pem("ca.pem"), cert: pem("nas1.pem"), key: pem("nas1.key") };

async function withServer(
  policy: Radius11Policy,
  run: (port: number, seen: RequestContext[], server: Server) => Promise<void>,
): Promise<void> {
  const seen: RequestContext[] = [];
  const server = new Server({
    streams: streams(),
    dictionary,
    clients: [{ address: "127.0.0.1" }],
    handleAccessRequest: (request, context) => {
      seen.push(context);
      const ok = request.get("User-Password") === "hello";
      return request.reply(ok ? Code.AccessAccept : Code.AccessReject, {
        "Reply-Message": `password ${request.get("User-Password")}`,
      });
    },
    handleAccountingRequest: (request) => request.reply(Code.AccountingResponse),
  });
  const { tls } = await server.listen({
    hostname: "127.0.0.1",
    tls: { port: 0, ...serverTls(), radius11: policy },
  });
  try {
    await run(tls!.port, seen, server);
  } finally {
    await server.close();
  }
}

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function client(port: number, radius11: Policy, watchdog = 0): Client {
  return new Client({
    streams: streams(),
    logger: quiet,
    server: `127.0.0.1:${port}`,
    tls: { ...nas, radius11 },
    watchdog,
    timeout: 1000,
    retries: 1,
  });
}

describe("Client over RADIUS/1.1", () => {
  const pairs: [Policy, Radius11Policy, string | undefined][] = [
    ["require", "require", "radius/1.1"],
    ["require", "prefer", "radius/1.1"],
    ["prefer", "prefer", "radius/1.1"],
    ["prefer", "require", "radius/1.1"],
    ["prefer", "off", undefined],
    ["off", "prefer", undefined],
  ];
  for (const [mine, theirs, expected] of pairs) {
    it(`client "${mine}" with server "${theirs}" speaks ${expected ?? "RADIUS/1.0"}`, async () => {
      await withServer(theirs, async (port, seen) => {
        await using radkit = client(port, mine);
        const accept = await radkit.accessRequest({ "User-Name": "bob", "User-Password": "hello" });
        const reject = await radkit.accessRequest({ "User-Name": "bob", "User-Password": "x" });
        assert.equal(accept.code, Code.AccessAccept);
        assert.equal(reject.code, Code.AccessReject);
        assert.equal(accept.get("Reply-Message"), "password hello");
        assert.equal(seen[0]!.tls?.alpnProtocol, expected);
        const accounting = await radkit.accountingRequest({ "Acct-Status-Type": "Start" });
        assert.equal(accounting.code, Code.AccountingResponse);
      });
    });
  }

  it('refuses a server that will not speak RADIUS/1.1 under "require" (no downgrade)', async () => {
    await withServer("off", async (port, seen) => {
      await using radkit = client(port, "require");
      await assert.rejects(
        radkit.accessRequest({ "User-Name": "bob", "User-Password": "hello" }),
        (error: unknown) =>
          error instanceof ServerConnectionError &&
          /did not negotiate RADIUS\/1\.1/.test(error.message),
      );
      assert.equal(seen.length, 0);
    });
  });

  it("keeps 1,000 requests in flight over one connection, matched by Token", async () => {
    await withServer("require", async (port, _seen, server) => {
      await using radkit = new Client({
        streams: streams(),
        server: `127.0.0.1:${port}`,
        tls: { ...nas, radius11: "require" },
        maxInFlight: 1000,
      });
      const replies = await Promise.all(
        Array.from({ length: 1000 }, (_, i) =>
          radkit.accessRequest({
            "User-Name": "bob",
            "User-Password": i % 2 === 0 ? "hello" : `no${i}`,
          })),
      );
      for (const [i, reply] of replies.entries()) {
        assert.equal(reply.code, i % 2 === 0 ? Code.AccessAccept : Code.AccessReject);
        assert.equal(reply.get("Reply-Message"), `password ${i % 2 === 0 ? "hello" : `no${i}`}`);
      }
      assert.equal(server.stats().connections.accepted, 1);
      assert.equal(radkit.stats().retransmitted, 0);
    });
  });

  it("runs its Status-Server watchdog over RADIUS/1.1", async () => {
    await withServer("require", async (port, _seen, server) => {
      await using radkit = client(port, "require", 50);
      await radkit.accessRequest({ "User-Name": "bob", "User-Password": "hello" });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const stats = radkit.stats();
      assert.ok(stats.connections.watchdogs >= 2, JSON.stringify(stats.connections));
      assert.equal(stats.connections.closedBy.watchdog, 0);
      assert.ok((server.stats().requests["Status-Server"] ?? 0) >= 2);
    });
  });
});

const RUNTIMES = {
  deno: [`${root}node_modules/.bin/deno`, "run", "-A", "--unstable-net"],
  bun: [`${root}node_modules/.bin/bun`],
  node: [`${root}node_modules/.bin/node`],
} as const;

for (const [name, command] of Object.entries(RUNTIMES)) {
  describe(`Client on this runtime, radkit serve on ${name}, RADIUS/1.1 required`, {
    timeout: 60000,
  }, () => {
    let child: ChildProcess | undefined;
    let port = 0;
    let output = "";
    before(async () => {
      const pki = `${root}tests/fixtures/tls/`;
      child = spawn(command[0], [
        ...command.slice(1),
        `${root}src/cli/main.ts`,
        "serve",
        "--secret",
        "unused-over-radius11",
        "--auth-port",
        "0",
        "--acct-port",
        "0",
        "--coa-port",
        "0",
        "--tls-port",
        "0",
        "--cert",
        `${pki}server.pem`,
        "--key",
        `${pki}server.key`,
        "--ca",
        `${pki}ca.pem`,
        "--radius11",
        "require",
      ], { cwd: root, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
      port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no tls port:\n${output}`)), 30000);
        const look = (chunk: Uint8Array) => {
          output += new TextDecoder().decode(chunk);
          const match = output.match(/tls 127\.0\.0\.1:(\d+)/);
          if (match) {
            clearTimeout(timer);
            resolve(Number(match[1]));
          }
        };
        child!.stdout!.on("data", look);
        child!.stderr!.on("data", look);
        child!.once("close", (code) => {
          clearTimeout(timer);
          reject(new Error(`serve exited with ${code}:\n${output}`));
        });
      });
    });
    after(async () => {
      if (child !== undefined && child.exitCode === null) {
        const closed = new Promise((resolve) => child!.once("close", resolve));
        child.kill("SIGTERM");
        await closed;
      }
    });

    it("negotiates RADIUS/1.1 and is answered", async () => {
      await using radkit = client(port, "require");
      const reply = await radkit.accessRequest({ "User-Name": "bob", "User-Password": "hello" });
      // No users file: radkit serve rejects every user, over RADIUS/1.1 here.
      assert.equal(reply.code, Code.AccessReject);
      const status = await radkit.statusServer();
      assert.equal(status.code, Code.AccessAccept);
    });

    it("is refused by it when offering RADIUS/1.0 only", async () => {
      await using radkit = client(port, "off");
      await assert.rejects(radkit.accessRequest({ "User-Name": "bob", "User-Password": "x" }));
    });
  });
}
