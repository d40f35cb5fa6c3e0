// The Client over TCP (RFC 6613) and TLS (RFC 6614) against a radkit Server:
// every request kind, one connection shared by many requests, the secret
// "radsec" over TLS, and the options that choose and check the transport.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "../../src/client.ts";
import { Code } from "../../src/codec/code.ts";
import { Packet } from "../../src/packet.ts";
import type { AnyAttributes } from "../../src/attribute_map.ts";
import { Dictionary } from "../../src/dictionary/dictionary.ts";
import { Server } from "../../src/server.ts";
import { MemoryTransport } from "../../src/testing/memory_transport.ts";
import { answering, nasTls, pem, quiet, streams, tcpServer, tlsServer } from "./_stream_setup.ts";

for (const protocol of ["tcp", "tls"] as const) {
  describe(`over ${protocol.toUpperCase()}`, () => {
    async function setup(seen?: Map<string, number>) {
      if (protocol === "tcp") {
        const { server, tcp } = await tcpServer(answering(seen));
        const client = new Client({
          streams: streams(),
          server: `127.0.0.1:${tcp.port}`,
          secret: "s3cret",
          logger: quiet,
        });
        return { server, client };
      }
      const { server, tls } = await tlsServer(answering(seen));
      const client = new Client({
        streams: streams(),
        tls: nasTls(),
        server: `127.0.0.1:${tls.port}`,
        logger: quiet,
      });
      return { server, client };
    }

    test("Access, Accounting, CoA, Disconnect and Status-Server, all on one connection", async () => {
      const { server, client } = await setup();
      try {
        const accept = await client.accessRequest({ "User-Name": "bob", "User-Password": "pw" });
        assert.equal(accept.code, Code.AccessAccept);
        assert.equal(accept.get("User-Name"), undefined);
        const reject = await client.accessRequest({ "User-Name": "bob", "User-Password": "wrong" });
        assert.equal(reject.code, Code.AccessReject);
        const accounting = await client.accountingRequest({
          "User-Name": "bob",
          "Acct-Status-Type": "Start",
          "Acct-Session-Id": "1",
        });
        assert.equal(accounting.code, Code.AccountingResponse);
        assert.equal((await client.coaRequest({ "User-Name": "bob" })).code, Code.CoAACK);
        assert.equal(
          (await client.disconnectRequest({ "User-Name": "bob" })).code,
          Code.DisconnectACK,
        );
        assert.equal((await client.statusServer()).code, Code.AccessAccept);
        const sent = Packet.create(Code.AccessRequest, client.dictionary, { "User-Name": "eve" });
        assert.equal((await client.send(sent)).code, Code.AccessAccept);
        const stats = client.stats();
        assert.equal(stats.replies, 7);
        assert.equal(stats.retransmitted, 0);
        assert.equal(stats.sockets, 1);
        assert.deepEqual(
          { ...stats.connections, closedBy: undefined },
          {
            open: 1,
            opened: 1,
            failed: 0,
            reconnects: 0,
            resent: 0,
            watchdogs: 0,
            closedBy: undefined,
          },
        );
        assert.equal(server.stats().connections.accepted, 1);
      } finally {
        await client.close();
        await server.close();
      }
      assert.equal(client.stats().connections.closedBy["client-closed"], 1);
      assert.equal(client.stats().connections.open, 0);
    });

    test("1,000 requests at once share one connection and each gets its own reply", async () => {
      const seen = new Map<string, number>();
      const { server, client } = await setup(seen);
      try {
        const names = Array.from({ length: 1000 }, (_, i) => `user${i}`);
        const replies = await Promise.all(
          names.map((name) => client.accessRequest({ "User-Name": name, "User-Password": "pw" })),
        );
        assert.ok(replies.every((reply) => reply.code === Code.AccessAccept));
        assert.deepEqual(
          replies.map((reply) => reply.request?.get("User-Name")),
          names,
        );
        assert.equal(server.stats().connections.accepted, 1);
        assert.equal(seen.size, 1000);
        assert.ok([...seen.values()].every((count) => count === 1));
        const stats = client.stats();
        assert.equal(stats.replies, 1000);
        assert.equal(stats.sent, 1000);
        assert.equal(stats.connections.opened, 1);
      } finally {
        await client.close();
        await server.close();
      }
    });
  });
}

describe("a server given by host name", () => {
  test("is resolved with the transport's lookup; over TLS its name is the expected one", async () => {
    const transport = streams();
    const [address] = await transport.lookup!("localhost");
    const server = new Server<AnyAttributes>({
      streams: transport,
      dictionary: Dictionary.default(),
      clients: [{ address: address!.hostname }],
      logger: quiet,
      ...answering(),
    });
    const { tls } = await server.listen({
      hostname: address!.hostname,
      tls: { port: 0, cert: pem("server.pem"), key: pem("server.key"), ca: pem("ca.pem") },
    });
    // server.pem carries DNS:localhost: it is checked against the name given.
    const client = new Client({
      streams: transport,
      tls: nasTls(),
      server: `localhost:${tls!.port}`,
      logger: quiet,
    });
    try {
      assert.equal((await client.accessRequest({ "User-Name": "bob" })).code, Code.AccessAccept);
      assert.deepEqual(client.stats().servers, [{ host: "localhost", down: false }]);
    } finally {
      await client.close();
      await server.close();
    }
  });
});

describe("options", () => {
  test("transport and streams exclude each other; one of them is needed", () => {
    assert.throws(
      () =>
        new Client({
          transport: new MemoryTransport(),
          streams: streams(),
          server: "127.0.0.1",
          secret: "s",
        }),
      { code: "ERR_INVALID_OPTION", option: "streams", message: /either transport .* or streams/ },
    );
    assert.throws(() => new Client({ server: "127.0.0.1", secret: "s" }), {
      code: "ERR_INVALID_OPTION",
      option: "transport",
      message: /streams: streams\(\)/,
    });
    assert.throws(
      () =>
        new Client({
          transport: new MemoryTransport(),
          tls: nasTls(),
          server: "127.0.0.1",
          secret: "s",
        }),
      { option: "tls", message: /needs a stream transport/ },
    );
    assert.throws(
      () => new Client({ streams: streams(), server: "127.0.0.1", secret: "s", maxSockets: 2 }),
      { option: "maxSockets", message: /UDP sockets only/ },
    );
    assert.throws(
      () =>
        new Client({
          transport: new MemoryTransport(),
          server: "127.0.0.1",
          secret: "s",
          watchdog: 1000,
        }),
      { option: "watchdog" },
    );
  });

  test("the secret is needed over TCP; over TLS it defaults to radsec", async () => {
    assert.throws(() => new Client({ streams: streams(), server: "127.0.0.1" }), {
      option: "secret",
    });
    const client = new Client({ streams: streams(), tls: nasTls(), server: "127.0.0.1" });
    await client.close();
  });

  test("TLS settings are checked", () => {
    const base = { streams: streams(), server: "127.0.0.1" };
    assert.throws(() => new Client({ ...base, tls: { cert: nasTls().cert } }), {
      option: "tls.key",
    });
    assert.throws(() => new Client({ ...base, tls: { verify: false } }), {
      option: "tls.verify",
      message: /needs tls.fingerprints/,
    });
    assert.throws(() => new Client({ ...base, tls: { fingerprints: ["AB:CD"] } }), {
      option: "tls.fingerprints[0]",
    });
    assert.throws(
      () => new Client({ ...base, tls: { minVersion: "TLSv1.1" as "TLSv1.2" } }),
      { option: "tls.minVersion" },
    );
    assert.throws(
      () =>
        new Client({ streams: streams(), secret: "s", servers: [{ host: "127.0.0.1", tls: {} }] }),
      { option: "servers[0].tls", message: /needs RADIUS\/TLS/ },
    );
  });

  test("TLS uses port 2083 for every kind of request; TCP the UDP ports", async () => {
    const attempts: number[] = [];
    const recording = {
      ...streams(),
      name: "recording",
      connect(options: { port: number }) {
        attempts.push(options.port);
        return Promise.reject(Object.assign(new Error("refused"), { code: "ECONNREFUSED" }));
      },
    };
    const tls = new Client({
      streams: recording,
      tls: nasTls(),
      server: "127.0.0.1",
      logger: quiet,
    });
    await assert.rejects(tls.accessRequest({ "User-Name": "a" }), {
      code: "ERR_SERVER_CONNECTION",
    });
    await tls.close();
    const tcp = new Client({
      streams: recording,
      servers: ["127.0.0.1", "127.0.0.2", "127.0.0.3"],
      secret: "s",
      logger: quiet,
    });
    await assert.rejects(tcp.accessRequest({ "User-Name": "a" }));
    await assert.rejects(tcp.accountingRequest({ "User-Name": "a" }));
    await assert.rejects(tcp.coaRequest({ "User-Name": "a" }));
    await tcp.close();
    assert.deepEqual(attempts, [2083, 1812, 1812, 1812, 1813, 1813, 1813, 3799, 3799, 3799]);
  });
});
