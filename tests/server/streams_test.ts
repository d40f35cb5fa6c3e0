// The server over TCP (RFC 6613) and TLS (RFC 6614) on the runtime's own
// stream adapter: the same handlers, clients identified per connection,
// and every kind of abuse closed with a counted reason while valid NASes
// keep being answered.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { streams } from "../../adapters/node.ts";
import { Code } from "../../src/codec/code.ts";
import { Packet } from "../../src/packet.ts";
import {
  type ConnectionLimits,
  type NasEntry,
  type RequestContext,
  Server,
  type ServerOptions,
} from "../../src/server.ts";
import type { ConnectionCloseReason } from "../../src/server/connection_limits.ts";
import { dictionary, gate, until, withoutMessageAuthenticator } from "./_helpers.ts";
import { fingerprint, nasTls, serverTls, StreamPeer } from "./_stream_peer.ts";

const transport = streams();
const SECRET = "s3cret";

interface Rig {
  server: Server;
  tcp: number;
  tls: number;
  contexts: RequestContext[];
}

async function withServer(
  options: {
    clients?: NasEntry[];
    connections?: ConnectionLimits;
    handle?: ServerOptions["handleAccessRequest"];
  },
  run: (rig: Rig) => Promise<void>,
): Promise<void> {
  const contexts: RequestContext[] = [];
  const server = new Server({
    streams: transport,
    dictionary,
    clients: options.clients ?? [{ address: "127.0.0.1", secret: SECRET }],
    ...(options.connections === undefined ? {} : { connections: options.connections }),
    handleAccessRequest: options.handle ?? ((request, context) => {
      contexts.push(context);
      const ok = request.get("User-Password") === "hello";
      return request.reply(ok ? Code.AccessAccept : Code.AccessReject);
    }),
    handleAccountingRequest: (request) => request.reply(Code.AccountingResponse),
  });
  const bound = await server.listen({
    hostname: "127.0.0.1",
    tcp: { port: 0 },
    tls: { port: 0, ...serverTls() },
  });
  try {
    await run({ server, tcp: bound.tcp!.port, tls: bound.tls!.port, contexts });
  } finally {
    await server.close();
  }
}

function accessRequest(secret: string, password = "hello", id = 1): Uint8Array {
  return Packet.create(Code.AccessRequest, dictionary, {
    "User-Name": "bob",
    "User-Password": password,
  }, { id }).encode(secret);
}

async function closedBy(server: Server, reason: ConnectionCloseReason, count = 1): Promise<void> {
  await until(
    server,
    (stats) => stats.connections.closedBy[reason] >= count,
    `${count} connection(s) closed as ${reason}`,
  );
}

function answer(reply: Uint8Array, secret: string, request: Uint8Array): Packet {
  return Packet.decode(reply, {
    dictionary,
    secret,
    request: Packet.decode(request, { dictionary, secret }),
  });
}

describe("Server over TCP", () => {
  it("answers requests framed on one connection, several per write and split across writes", async () => {
    await withServer({}, async ({ server, tcp, contexts }) => {
      const peer = await StreamPeer.connect(transport, tcp);
      const requests = [1, 2, 3].map((id) =>
        accessRequest(SECRET, id === 2 ? "guess" : "hello", id)
      );
      const joined = new Uint8Array(requests.reduce((n, r) => n + r.length, 0));
      let offset = 0;
      for (const request of requests) {
        joined.set(request, offset);
        offset += request.length;
      }
      peer.send(joined.subarray(0, 7));
      peer.send(joined.subarray(7, 50), joined.subarray(50));
      await peer.reply(3);
      const byId = new Map(peer.replies.map((reply) => [reply[1], reply]));
      assert.equal(answer(byId.get(1)!, SECRET, requests[0]!).code, Code.AccessAccept);
      assert.equal(answer(byId.get(2)!, SECRET, requests[1]!).code, Code.AccessReject);
      assert.equal(answer(byId.get(3)!, SECRET, requests[2]!).code, Code.AccessAccept);
      assert.equal(contexts[0]!.transport, "tcp");
      assert.equal(contexts[0]!.tls, undefined);
      assert.equal(contexts[0]!.port, "auth");
      const stats = server.stats();
      assert.equal(stats.connections.accepted, 1);
      assert.equal(stats.connections.open, 1);
      assert.equal(stats.replied, 3);
      peer.destroy();
      await closedBy(server, "peer-reset", 0);
      await until(server, (s) => s.connections.open === 0, "the connection closed");
    });
  });

  it("takes accounting and Status-Server on the same connection", async () => {
    await withServer({}, async ({ tcp }) => {
      const peer = await StreamPeer.connect(transport, tcp);
      const accounting = Packet.create(Code.AccountingRequest, dictionary, {
        "Acct-Status-Type": "Start",
        "Acct-Session-Id": "s1",
      }, { id: 9 }).encode(SECRET);
      const status = Packet.create(Code.StatusServer, dictionary, {}, { id: 10 }).encode(SECRET);
      peer.send(accounting, status);
      await peer.reply(2);
      const codes = peer.replies.map((reply) => reply[0]).sort();
      assert.deepEqual(codes, [Code.AccessAccept, Code.AccountingResponse].sort());
      peer.destroy();
    });
  });

  it("handles a repeated request once per connection and resends the cached reply", async () => {
    let calls = 0;
    await withServer({
      handle: (request) => {
        calls++;
        return request.reply(Code.AccessAccept);
      },
    }, async ({ server, tcp }) => {
      const peer = await StreamPeer.connect(transport, tcp);
      const request = accessRequest(SECRET);
      peer.send(request, request);
      await peer.reply(2);
      assert.equal(calls, 1);
      assert.deepEqual(peer.replies[0], peer.replies[1]);
      assert.equal(server.stats().resent, 1);
      peer.destroy();
    });
  });

  for (const length of [5, 19, 4097, 65535]) {
    it(`closes a connection whose Length field says ${length}, and goes on answering others`, async () => {
      await withServer({}, async ({ server, tcp }) => {
        const bad = await StreamPeer.connect(transport, tcp);
        const good = await StreamPeer.connect(transport, tcp);
        bad.send(new Uint8Array([1, 1, length >> 8, length & 0xff, ...new Uint8Array(30)]));
        await bad.untilClosed();
        await closedBy(server, "bad-length");
        good.send(accessRequest(SECRET));
        assert.equal((await good.reply())[0], Code.AccessAccept);
        good.destroy();
      });
    });
  }

  it("closes a connection that sends a request with the wrong secret (RFC 6613 §2.6.4)", async () => {
    await withServer({}, async ({ server, tcp }) => {
      const peer = await StreamPeer.connect(transport, tcp);
      peer.send(accessRequest("not-the-secret"));
      await peer.untilClosed();
      await closedBy(server, "invalid-packet");
      assert.equal(server.stats().droppedBy["bad-message-authenticator"], 1);
      assert.equal(peer.replies.length, 0);
    });
  });

  it("closes a connection that sends a reply code instead of a request", async () => {
    await withServer({}, async ({ server, tcp }) => {
      const peer = await StreamPeer.connect(transport, tcp);
      const reply = accessRequest(SECRET);
      reply[0] = Code.AccessAccept;
      peer.send(reply);
      await peer.untilClosed();
      await closedBy(server, "invalid-packet");
      assert.equal(server.stats().droppedBy["wrong-port"], 1);
    });
  });

  it("refuses connections from unknown addresses and TCP from a client without a secret", async () => {
    await withServer(
      { clients: [{ address: "10.0.0.1", secret: SECRET }] },
      async ({ server, tcp }) => {
        const peer = await StreamPeer.connect(transport, tcp);
        await peer.untilClosed();
        await closedBy(server, "unknown-client");
      },
    );
    await withServer({ clients: [{ address: "127.0.0.1" }] }, async ({ server, tcp }) => {
      const peer = await StreamPeer.connect(transport, tcp);
      await peer.untilClosed();
      await closedBy(server, "no-secret");
    });
  });

  it("closes a connection that stalls in the middle of a packet (slowloris)", async () => {
    await withServer({ connections: { packetTimeout: 100 } }, async ({ server, tcp }) => {
      const peer = await StreamPeer.connect(transport, tcp);
      peer.send(accessRequest(SECRET).subarray(0, 30));
      await peer.untilClosed();
      await closedBy(server, "packet-timeout");
    });
  });

  it("closes idle connections, but not while a request is in flight", async () => {
    const held = gate();
    await withServer({
      connections: { idleTimeout: 100 },
      handle: async (request) => {
        await held.promise;
        return request.reply(Code.AccessAccept);
      },
    }, async ({ server, tcp }) => {
      const idle = await StreamPeer.connect(transport, tcp);
      const busy = await StreamPeer.connect(transport, tcp);
      busy.send(accessRequest(SECRET));
      await idle.untilClosed();
      await closedBy(server, "idle-timeout");
      await new Promise((resolve) => setTimeout(resolve, 250));
      assert.equal(busy.isClosed, false);
      held.open();
      assert.equal((await busy.reply())[0], Code.AccessAccept);
      await busy.untilClosed();
      await closedBy(server, "idle-timeout", 2);
    });
  });

  it("limits connections in all and per address, counting each refusal", async () => {
    await withServer({
      connections: { maxConnections: 5, maxConnectionsPerAddress: 3 },
    }, async ({ server, tcp }) => {
      const peers = await Promise.all([1, 2, 3, 4].map(() => StreamPeer.connect(transport, tcp)));
      await closedBy(server, "too-many-from-address");
      const refused = await Promise.race(
        peers.map((peer, i) => peer.closed.then(() => i)),
      );
      assert.equal(server.stats().connections.open, 3);
      for (const [i, peer] of peers.entries()) if (i !== refused) peer.destroy();
    });
  });

  it("paces a connection with more requests in flight than allowed, and answers them all", async () => {
    let running = 0;
    let most = 0;
    await withServer({
      connections: { maxInFlightPerConnection: 4 },
      handle: async (request) => {
        most = Math.max(most, ++running);
        await new Promise((resolve) => setTimeout(resolve, 2));
        running--;
        return request.reply(Code.AccessAccept);
      },
    }, async ({ tcp }) => {
      const peer = await StreamPeer.connect(transport, tcp);
      // One write per request: the pause takes effect between reads.
      for (let id = 0; id < 200; id++) peer.send(accessRequest(SECRET, "hello", id));
      await peer.reply(200);
      assert.equal(new Set(peer.replies.map((reply) => reply[1])).size, 200);
      assert.ok(most >= 1);
      peer.destroy();
    });
  });

  it("keeps answering with 1,000 idle connections open", async () => {
    await withServer({
      connections: { maxConnections: 2000, maxConnectionsPerAddress: 2000 },
    }, async ({ server, tcp }) => {
      const idle: StreamPeer[] = [];
      for (let i = 0; i < 1000; i += 100) {
        idle.push(
          ...await Promise.all(
            Array.from({ length: 100 }, () => StreamPeer.connect(transport, tcp)),
          ),
        );
      }
      await until(server, (s) => s.connections.open === 1000, "1,000 connections open");
      const peer = await StreamPeer.connect(transport, tcp);
      peer.send(accessRequest(SECRET));
      assert.equal((await peer.reply())[0], Code.AccessAccept);
      for (const connection of [...idle, peer]) connection.destroy();
      await until(server, (s) => s.connections.open === 0, "every connection closed");
    });
  });

  it("ends its connections in order on close(), after the replies in flight", async () => {
    const held = gate();
    const contexts: RequestContext[] = [];
    const server = new Server({
      streams: transport,
      dictionary,
      clients: [{ address: "127.0.0.1", secret: SECRET }],
      handleAccessRequest: async (request, context) => {
        contexts.push(context);
        await held.promise;
        return request.reply(Code.AccessAccept);
      },
    });
    const { tcp } = await server.listen({ hostname: "127.0.0.1", tcp: { port: 0 } });
    const peer = await StreamPeer.connect(transport, tcp!.port);
    peer.send(accessRequest(SECRET));
    await until(server, (s) => s.inFlight === 1, "the request in flight");
    const closing = server.close();
    held.open();
    await closing;
    assert.equal(peer.replies.length, 1);
    assert.equal(await peer.untilClosed(), undefined);
    assert.equal(server.stats().connections.closedBy["server-closing"], 1);
    await assert.rejects(StreamPeer.connect(transport, tcp!.port), { code: "ECONNREFUSED" });
  });
});

describe("Server over TLS", () => {
  it("answers a NAS with a certificate from the CA, with the RadSec secret by default", async () => {
    await withServer({ clients: [{ address: "127.0.0.1" }] }, async ({ server, tls, contexts }) => {
      const peer = await StreamPeer.connect(transport, tls, nasTls());
      const request = accessRequest("radsec");
      peer.send(request);
      assert.equal(answer(await peer.reply(), "radsec", request).code, Code.AccessAccept);
      const context = contexts[0]!;
      assert.equal(context.transport, "tls");
      assert.equal(context.tls?.peerCertificate?.commonName, "nas1.test");
      assert.match(context.tls?.protocol ?? "", /^TLSv1\.[23]$/);
      assert.equal(server.stats().connections.accepted, 1);
      peer.destroy();
    });
  });

  it("uses the client's own secret over TLS when it has one", async () => {
    await withServer({}, async ({ tls }) => {
      const peer = await StreamPeer.connect(transport, tls, nasTls());
      const request = accessRequest(SECRET);
      peer.send(request);
      assert.equal(answer(await peer.reply(), SECRET, request).code, Code.AccessAccept);
      peer.destroy();
    });
  });

  const refusals: [string, NasEntry, string | undefined, ConnectionCloseReason][] = [
    ["a certificate from another CA", { address: "127.0.0.1" }, "rogue", "certificate-unverified"],
    ["a self-signed certificate", { address: "127.0.0.1" }, "selfsigned", "certificate-unverified"],
    ["no certificate", { address: "127.0.0.1" }, undefined, "no-certificate"],
    [
      "a certificate whose fingerprint is not pinned",
      { address: "127.0.0.1", certificate: { fingerprints: [fingerprint("selfsigned")] } },
      "nas1",
      "certificate-not-allowed",
    ],
    [
      "a certificate without the expected name",
      { address: "127.0.0.1", certificate: { names: ["nas2.test"] } },
      "nas1",
      "certificate-not-allowed",
    ],
  ];
  for (const [what, client, certificate, reason] of refusals) {
    it(`closes a connection with ${what} as ${reason}`, async () => {
      await withServer({ clients: [client] }, async ({ server, tls }) => {
        const options = certificate === undefined
          ? { ca: nasTls().ca!, servername: "radius.test" }
          : nasTls(certificate);
        // TLS 1.3 finishes the client's side before the server has read its
        // certificate: the refusal shows as a close (or a failed connect).
        const peer = await StreamPeer.connect(transport, tls, options).catch(() => undefined);
        if (peer !== undefined) {
          peer.send(accessRequest("radsec"));
          await peer.untilClosed();
          assert.equal(peer.replies.length, 0);
        }
        await closedBy(server, reason);
        assert.equal(server.stats().received, 0);
      });
    });
  }

  const accepted: [string, NasEntry, string][] = [
    [
      "a pinned self-signed certificate",
      { address: "127.0.0.1", certificate: { fingerprints: [fingerprint("selfsigned")] } },
      "selfsigned",
    ],
    [
      "a pinned fingerprint written in lower case without colons",
      {
        address: "127.0.0.1",
        certificate: { fingerprints: [fingerprint("nas1").replaceAll(":", "").toLowerCase()] },
      },
      "nas1",
    ],
    [
      "a certificate with the expected DNS name",
      { address: "127.0.0.1", certificate: { names: ["NAS1.test"] } },
      "nas1",
    ],
    [
      "a certificate with the expected IP address",
      { address: "127.0.0.1", certificate: { names: ["::1", "127.0.0.1"] } },
      "nas1",
    ],
  ];
  for (const [what, client, certificate] of accepted) {
    it(`accepts ${what}`, async () => {
      await withServer({ clients: [client] }, async ({ tls }) => {
        const peer = await StreamPeer.connect(transport, tls, nasTls(certificate));
        peer.send(accessRequest("radsec"));
        assert.equal((await peer.reply())[0], Code.AccessAccept);
        peer.destroy();
      });
    });
  }

  it("needs no Message-Authenticator over TLS unless the NAS entry asks for one", async () => {
    const bare = withoutMessageAuthenticator(accessRequest("radsec"));
    await withServer({ clients: [{ address: "127.0.0.1" }] }, async ({ server, tls }) => {
      const peer = await StreamPeer.connect(transport, tls, nasTls());
      peer.send(bare);
      assert.equal((await peer.reply())[0], Code.AccessAccept);
      // RFC 3579 §3.2 holds over any transport: EAP-Message needs one.
      const eap = Packet.create(Code.AccessRequest, dictionary, {
        "User-Name": "bob",
        "EAP-Message": new Uint8Array([2, 1, 0, 5, 1]),
      }, { id: 2 }).encode("radsec");
      peer.send(withoutMessageAuthenticator(eap));
      await until(
        server,
        (s) => s.droppedBy["eap-without-message-authenticator"] === 1,
        "the EAP request dropped",
      );
      peer.destroy();
    });
    await withServer({
      clients: [{ address: "127.0.0.1", requireMessageAuthenticator: true }],
    }, async ({ server, tls }) => {
      const peer = await StreamPeer.connect(transport, tls, nasTls());
      peer.send(bare);
      await until(
        server,
        (s) => s.droppedBy["missing-message-authenticator"] === 1,
        "the request dropped",
      );
      peer.destroy();
    });
  });

  it("closes a connection whose handshake never starts, and one that sends garbage", async () => {
    await withServer({ connections: { handshakeTimeout: 100 } }, async ({ server, tls }) => {
      // Plain TCP to the TLS port: no ClientHello ever comes.
      const silent = await StreamPeer.connect(transport, tls);
      await silent.untilClosed();
      await closedBy(server, "handshake-timeout");
      const garbage = await StreamPeer.connect(transport, tls);
      garbage.send(accessRequest(SECRET)); // RADIUS where a ClientHello should be
      await garbage.untilClosed();
      await closedBy(server, "handshake-failed");
      const peer = await StreamPeer.connect(transport, tls, nasTls());
      peer.send(accessRequest(SECRET));
      assert.equal((await peer.reply())[0], Code.AccessAccept);
      peer.destroy();
    });
  });

  it("rejects listen() without a certificate, with a message that says what to pass", async () => {
    const server = new Server({ streams: transport, dictionary, clients: [] });
    await assert.rejects(
      server.listen({ tls: { port: 0 } as never }),
      { name: "TypeError", message: /certificate and key/ },
    );
    await server.close();
  });

  it("needs a stream transport for tcp and tls, and a UDP one for the UDP ports", async () => {
    const udpOnly = new Server({
      transport: { name: "x", bind: () => Promise.reject(new Error("unused")) },
      dictionary,
      clients: [],
    });
    await assert.rejects(udpOnly.listen({ tcp: { port: 0 } }), /streams: streams\(\)/);
    await udpOnly.close();
    const streamOnly = new Server({ streams: transport, dictionary, clients: [] });
    await assert.rejects(streamOnly.listen({ auth: 0 }), /transport: udp\(\)/);
    await streamOnly.close();
    assert.throws(
      () => new Server({ dictionary, clients: [] } as never),
      /needs a transport/,
    );
  });
});
