// RADIUS/1.1 (RFC 9765) on the server's TLS port: ALPN negotiation under
// each policy, Tokens instead of Identifiers, nothing hidden, and what
// openssl s_client sees.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { streams } from "../../adapters/node.ts";
import { Code } from "../../src/codec/code.ts";
import { ALPN_RADIUS_1_0, ALPN_RADIUS_1_1, radius11Token } from "../../src/codec/radius11.ts";
import { Packet } from "../../src/packet.ts";
import { decodeRadius11, encodeRadius11 } from "../../src/radius11.ts";
import { type RequestContext, Server } from "../../src/server.ts";
import type { Radius11Policy } from "../../src/server/stream_connections.ts";
import type { TlsClientOptions } from "../../src/stream_transport.ts";
import { dictionary, until } from "./_helpers.ts";
import { nasTls, pem, serverTls, StreamPeer } from "./_stream_peer.ts";

const transport = streams();

async function withServer(
  radius11: Radius11Policy,
  run: (server: Server, port: number, contexts: RequestContext[]) => Promise<void>,
): Promise<void> {
  const contexts: RequestContext[] = [];
  const server = new Server({
    streams: transport,
    dictionary,
    clients: [{ address: "127.0.0.1" }],
    handleAccessRequest: (request, context) => {
      contexts.push(context);
      const ok = request.get("User-Password") === "hello";
      return request.reply(ok ? Code.AccessAccept : Code.AccessReject, {
        "Reply-Message": `hi ${request.get("User-Name")}`,
      });
    },
  });
  const { tls } = await server.listen({
    hostname: "127.0.0.1",
    tls: { port: 0, ...serverTls(), radius11 },
  });
  try {
    await run(server, tls!.port, contexts);
  } finally {
    await server.close();
  }
}

function offering(...alpnProtocols: string[]): TlsClientOptions {
  return { ...nasTls(), alpnProtocols };
}

function request11(password: string, token: number): Uint8Array {
  const packet = Packet.create(Code.AccessRequest, dictionary, {
    "User-Name": "bob",
    "User-Password": password,
  });
  return encodeRadius11(packet, token);
}

describe("Server RADIUS/1.1", () => {
  for (const policy of ["prefer", "require"] as const) {
    it(`negotiates radius/1.1 under "${policy}" and answers by Token, in the clear`, async () => {
      await withServer(policy, async (_server, port, contexts) => {
        const peer = await StreamPeer.connect(
          transport,
          port,
          offering(ALPN_RADIUS_1_1, ALPN_RADIUS_1_0),
        );
        const first = request11("hello", 0xfffffffe);
        const second = request11("guess", 7);
        // The password travels as itself: RFC 9765 §5.1.1.
        assert.notEqual(Buffer.from(first).indexOf("hello"), -1);
        peer.send(first, second);
        await peer.reply(2);
        const byToken = new Map(peer.replies.map((reply) => [radius11Token(reply), reply]));
        const accept = decodeRadius11(byToken.get(0xfffffffe)!, { dictionary });
        const reject = decodeRadius11(byToken.get(7)!, { dictionary });
        assert.equal(accept.code, Code.AccessAccept);
        assert.equal(reject.code, Code.AccessReject);
        assert.equal(accept.get("Reply-Message"), "hi bob");
        // No Message-Authenticator in 1.1 replies (§5.2), and Reserved-1 is zero (§4.1).
        assert.equal(accept.has("Message-Authenticator"), false);
        assert.equal(byToken.get(7)![1], 0);
        assert.equal(contexts[0]!.tls?.alpnProtocol, ALPN_RADIUS_1_1);
        peer.destroy();
      });
    });
  }

  it('speaks RADIUS/1.0 under "prefer" to a client that offers no ALPN', async () => {
    await withServer("prefer", async (_server, port) => {
      const peer = await StreamPeer.connect(transport, port, nasTls());
      const request = Packet.create(Code.AccessRequest, dictionary, {
        "User-Name": "bob",
        "User-Password": "hello",
      });
      const bytes = request.encode("radsec");
      peer.send(bytes);
      const reply = Packet.decode(await peer.reply(), { dictionary, secret: "radsec", request });
      assert.equal(reply.code, Code.AccessAccept);
      peer.destroy();
    });
  });

  it('refuses a client that offers no ALPN under "require" (alpn-refused)', async () => {
    await withServer("require", async (server, port) => {
      const peer = await StreamPeer.connect(transport, port, nasTls());
      await peer.untilClosed();
      await until(server, (s) => s.connections.closedBy["alpn-refused"] === 1, "alpn-refused");
      assert.equal(server.stats().received, 0);
    });
  });

  it('refuses a downgrade to radius/1.0 under "require": the handshake fails', async () => {
    await withServer("require", async (server, port) => {
      await assert.rejects(StreamPeer.connect(transport, port, offering(ALPN_RADIUS_1_0)));
      await until(
        server,
        (s) => s.connections.closedBy["handshake-failed"] === 1,
        "the handshake failed",
      );
    });
  });

  it('does not offer ALPN under "off": a 1.1 client gets RADIUS/1.0', async () => {
    await withServer("off", async (_server, port) => {
      const connection = await transport.connect({
        hostname: "127.0.0.1",
        port,
        tls: offering(ALPN_RADIUS_1_1),
      });
      assert.equal((await connection.handshake())?.alpnProtocol, undefined);
      connection.destroy();
    });
  });

  it("closes a connection that reuses the Token of a request in flight (RFC 9765 §4.2.2)", async () => {
    const server = new Server({
      streams: transport,
      dictionary,
      clients: [{ address: "127.0.0.1" }],
      handleAccessRequest: () => new Promise(() => {}), // never answers
      closeTimeout: 100,
    });
    const { tls } = await server.listen({
      hostname: "127.0.0.1",
      tls: { port: 0, ...serverTls(), radius11: "require" },
    });
    try {
      const peer = await StreamPeer.connect(transport, tls!.port, offering(ALPN_RADIUS_1_1));
      peer.send(request11("hello", 5), request11("hello", 5));
      await peer.untilClosed();
      await until(server, (s) => s.connections.closedBy["invalid-packet"] === 1, "closed");
    } finally {
      await server.close();
    }
  });

  it("shows openssl s_client -alpn radius/1.1 the negotiated protocol", async () => {
    await withServer("prefer", async (_server, port) => {
      const output = await sClient(port);
      assert.match(output, /ALPN protocol: radius\/1\.1/);
      assert.match(output, /TLSv1\.3/);
      assert.match(output, /Verify return code: 0 \(ok\)/);
    });
  });
});

/** Runs openssl s_client against the port with the NAS certificate and returns what it printed. */
function sClient(port: number): Promise<string> {
  const dir = new URL("../fixtures/tls/", import.meta.url).pathname;
  pem("nas1.pem"); // fails loudly if the fixtures are missing
  return new Promise((resolve, reject) => {
    const child = spawn("openssl", [
      "s_client",
      "-connect",
      `127.0.0.1:${port}`,
      "-alpn",
      "radius/1.1",
      "-cert",
      `${dir}nas1.pem`,
      "-key",
      `${dir}nas1.key`,
      "-CAfile",
      `${dir}ca.pem`,
    ], { stdio: ["pipe", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", reject);
    child.on("close", () => resolve(output));
    // Let the handshake finish, then close stdin: s_client exits.
    setTimeout(() => child.stdin.end(), 500);
  });
}
