// Servers given by host name or with a port: "localhost", "radius.test",
// "127.0.0.1:1812", "[::1]:1812", RemoteServer.host as a name. Names resolve
// through the transport's lookup at first use, once, and again after the
// server was marked down; one that does not resolve fails over, or rejects
// naming its option.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Client, NameResolutionError } from "../../src/client.ts";
import { Code } from "../../src/codec/code.ts";
import type { ResolvedAddress } from "../../src/transport.ts";
import { runtime, udp } from "../_udp.ts";
import { RecordingTransport } from "./_recording.ts";
import { responder, SECRET } from "./_responder.ts";

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const v4 = (hostname: string): ResolvedAddress[] => [{ hostname, family: "IPv4" }];

describe("Client server addresses", () => {
  test("a host name resolves when the first request needs it, once for many requests", async () => {
    const transport = new RecordingTransport(undefined, {
      hosts: { "radius.test": v4("127.0.0.1") },
    });
    const server = await responder(
      transport.network,
      "127.0.0.1",
      1812,
      (request) => request.reply(Code.AccessAccept),
    );
    const client = new Client({ transport, server: "radius.test", secret: SECRET });
    try {
      assert.deepEqual(transport.lookups, [], "the constructor resolves nothing");
      const replies = await Promise.all(
        Array.from({ length: 10 }, () => client.accessRequest({ "User-Name": "bob" })),
      );
      assert.ok(replies.every((reply) => reply.code === Code.AccessAccept));
      await client.accessRequest({ "User-Name": "bob" });
      assert.deepEqual(transport.lookups, ["radius.test"]);
      assert.deepEqual(client.stats().servers, [{ host: "radius.test", down: false }]);
    } finally {
      await client.close();
      await server.close();
    }
  });

  test("a port in the server text is used for every request to it", async () => {
    const transport = new RecordingTransport(undefined, {
      hosts: { "radius.test": v4("127.0.0.1") },
    });
    const v4server = await responder(
      transport.network,
      "127.0.0.1",
      11812,
      (request) =>
        request.reply(
          request.code === Code.AccountingRequest ? Code.AccountingResponse : Code.AccessAccept,
        ),
    );
    const v6server = await responder(
      transport.network,
      "::1",
      11813,
      (request) => request.reply(Code.CoAACK),
    );
    const byName = new Client({ transport, server: "radius.test:11812", secret: SECRET });
    const byLiteral = new Client({ transport, server: "127.0.0.1:11812", secret: SECRET });
    const v6 = new Client({ transport, server: "[::1]:11813", secret: SECRET });
    try {
      for (const client of [byName, byLiteral]) {
        assert.equal((await client.accessRequest({ "User-Name": "bob" })).code, Code.AccessAccept);
        const acct = await client.accountingRequest({ "Acct-Status-Type": "Start" });
        assert.equal(acct.code, Code.AccountingResponse);
      }
      assert.equal((await v6.coaRequest({ "User-Name": "bob" })).code, Code.CoAACK);
      assert.equal(v4server.seen.length, 4);
    } finally {
      await byName.close();
      await byLiteral.close();
      await v6.close();
      await v4server.close();
      await v6server.close();
    }
  });

  test("RemoteServer.host may be a name; its own ports win over the port in the text", async () => {
    const transport = new RecordingTransport(undefined, {
      hosts: { "six.test": [{ hostname: "0:0:0:0:0:0:0:1", family: "IPv6" }] },
    });
    const server = await responder(
      transport.network,
      "::1",
      13799,
      (request) => request.reply(Code.DisconnectACK),
    );
    const client = new Client({
      transport,
      servers: [{ host: "six.test:1", ports: { coa: 13799 } }],
      secret: SECRET,
    });
    try {
      const reply = await client.disconnectRequest({ "User-Name": "bob" });
      assert.equal(reply.code, Code.DisconnectACK);
      assert.equal(server.seen[0]!.packet.get("User-Name"), "bob");
    } finally {
      await client.close();
      await server.close();
    }
  });

  test("a name that does not resolve fails over to the next server", async () => {
    const transport = new RecordingTransport(undefined, { hosts: {} });
    const server = await responder(
      transport.network,
      "127.0.0.1",
      1812,
      (request) => request.reply(Code.AccessAccept),
    );
    const client = new Client({
      transport,
      servers: ["nowhere.test", "127.0.0.1"],
      secret: SECRET,
      logger: silent,
    });
    try {
      assert.equal((await client.accessRequest({ "User-Name": "bob" })).code, Code.AccessAccept);
      const stats = client.stats();
      assert.equal(stats.failovers, 1);
      assert.deepEqual(stats.servers.map((server) => server.down), [true, false]);
    } finally {
      await client.close();
      await server.close();
    }
  });

  test("alone, a name that does not resolve rejects with NameResolutionError naming the option", async () => {
    const transport = new RecordingTransport(undefined, { hosts: {} });
    const client = new Client({
      transport,
      servers: [{ host: "nowhere.test" }],
      secret: SECRET,
      logger: silent,
    });
    try {
      await assert.rejects(client.statusServer(), (error) => {
        assert.ok(error instanceof NameResolutionError);
        assert.equal(error.code, "ERR_NAME_RESOLUTION");
        assert.equal(error.option, "servers[0]");
        assert.equal(error.hostname, "nowhere.test");
        assert.equal(
          error.message,
          'Cannot resolve servers[0] "nowhere.test": getaddrinfo ENOTFOUND nowhere.test',
        );
        assert.equal((error.cause as { code?: string }).code, "ENOTFOUND");
        return true;
      });
      assert.equal(client.stats().sent, 0);
    } finally {
      await client.close();
    }
  });

  test("a name is looked up again once its server was marked down", async () => {
    const hosts: Record<string, ResolvedAddress[]> = { "moving.test": v4("127.0.0.2") };
    const transport = new RecordingTransport(undefined, { hosts });
    const server = await responder(
      transport.network,
      "127.0.0.1",
      1812,
      (request) => request.reply(Code.AccessAccept),
    );
    const client = new Client({
      transport,
      server: "moving.test",
      secret: SECRET,
      timeout: 10,
      retries: 0,
      logger: silent,
    });
    try {
      await assert.rejects(client.accessRequest({ "User-Name": "bob" }), { code: "ERR_TIMEOUT" });
      hosts["moving.test"] = v4("127.0.0.1"); // the server moved
      assert.equal((await client.accessRequest({ "User-Name": "bob" })).code, Code.AccessAccept);
      assert.deepEqual(transport.lookups, ["moving.test", "moving.test"]);
    } finally {
      await client.close();
      await server.close();
    }
  });

  test("a reply must come from the address the name resolved to", async () => {
    const transport = new RecordingTransport(undefined, {
      hosts: { "radius.test": v4("127.0.0.1") },
    });
    const intruder = await transport.network.bind({ hostname: "127.0.0.9", port: 1812 }, () => {});
    const server = await responder(transport.network, "127.0.0.1", 1812, (request, seen) => {
      intruder.send(request.reply(Code.AccessReject).encode(SECRET), seen.from);
      return request.reply(Code.AccessAccept);
    });
    const client = new Client({ transport, server: "radius.test", secret: SECRET });
    try {
      assert.equal((await client.accessRequest({ "User-Name": "bob" })).code, Code.AccessAccept);
      await transport.network.idle();
      assert.equal(client.stats().dropped.wrongSource, 1);
    } finally {
      await client.close();
      await intruder.close();
      await server.close();
    }
  });
});

describe("Client server names through the runtime's adapter", () => {
  const transport = udp();
  const skip = typeof transport.lookup === "function"
    ? false
    : `the ${runtime} adapter has no lookup() yet`;

  test('server: "localhost" reaches a server on what localhost resolves to', { skip }, async () => {
    const [address] = await transport.lookup!("localhost");
    const server = await responder(
      transport,
      address!.hostname,
      0,
      (request) => request.reply(Code.AccessAccept),
    );
    const client = new Client({
      transport,
      server: `localhost:${server.socket.local.port}`,
      secret: SECRET,
      timeout: 1000,
    });
    try {
      assert.equal((await client.accessRequest({ "User-Name": "bob" })).code, Code.AccessAccept);
    } finally {
      await client.close();
      await server.close();
    }
  });
});
