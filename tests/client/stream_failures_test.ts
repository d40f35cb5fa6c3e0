// The Client over TCP when connections close, servers stay silent or
// misbehave: a connection closed with requests in flight is opened again
// and they are sent again on it (RFC 6613 §2.6.1), a silent server is given
// up after the retransmission schedule without any retransmission on its
// live connection, the Status-Server watchdog finds a dead connection
// (RFC 3539 §3.4), bad framing closes the connection (RFC 6613 §2.6.4), and
// failed attempts are not repeated at once.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "../../src/client.ts";
import { Code } from "../../src/codec/code.ts";
import type { Packet } from "../../src/packet.ts";
import type { StreamTransport } from "../../src/stream_transport.ts";
import { proxy, silentPeer } from "./_stream_peers.ts";
import { answering, quiet, streams, tcpServer } from "./_stream_setup.ts";

/** A Promise and its resolver. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe("a connection that closes with requests in flight", () => {
  test("is opened again and the unanswered requests are sent again on it, once each", async () => {
    const seen = new Map<string, number>();
    const release = gate();
    const arrived = new Map<string, () => void>();
    const handlers = answering(seen);
    const { server, tcp } = await tcpServer({
      handleAccessRequest: async (request, context) => {
        const name = String(request.get("User-Name"));
        if (name.startsWith("slow")) {
          arrived.get(name)?.();
          await release.opened;
        }
        return handlers.handleAccessRequest!(request, context);
      },
    });
    const relay = await proxy(tcp.port);
    const client = new Client({
      streams: streams(),
      server: `127.0.0.1:${relay.port}`,
      secret: "s3cret",
      logger: quiet,
    });
    try {
      const fast = await Promise.all(
        [0, 1, 2].map((i) => client.accessRequest({ "User-Name": `fast${i}` })),
      );
      assert.ok(fast.every((reply) => reply.code === Code.AccessAccept));
      const slowNames = ["slow0", "slow1", "slow2", "slow3"];
      const reached = slowNames.map((name) => {
        const { open, opened } = gate();
        arrived.set(name, open);
        return opened;
      });
      const slow = slowNames.map((name) => client.accessRequest({ "User-Name": name }));
      await Promise.all(reached); // every slow request is in the server's handler
      for (const name of slowNames) arrived.delete(name);
      relay.cut(); // the server side ends the connection with four requests unanswered
      const resent = slowNames.map((name) => {
        const { open, opened } = gate();
        arrived.set(name, open);
        return opened;
      });
      await Promise.all(resent); // all four came again, on a new connection
      release.open();
      const replies = await Promise.all(slow);
      assert.ok(replies.every((reply) => reply.code === Code.AccessAccept));
      assert.deepEqual(replies.map((reply) => reply.request?.get("User-Name")), slowNames);
      // Requests answered before the cut were not sent again.
      for (const i of [0, 1, 2]) assert.equal(seen.get(`fast${i}`), 1);
      for (const name of slowNames) assert.equal(seen.get(name), 2);
      assert.equal(relay.accepted, 2);
      const stats = client.stats();
      assert.equal(stats.replies, 7);
      assert.equal(stats.sent, 11);
      assert.equal(stats.retransmitted, 4);
      assert.equal(stats.timeouts, 0);
      assert.equal(stats.connections.opened, 2);
      assert.equal(stats.connections.reconnects, 1);
      assert.equal(stats.connections.resent, 4);
      assert.equal(stats.connections.failed, 0);
      assert.equal(stats.connections.closedBy["server-closed"], 1);
      assert.deepEqual(stats.servers, [{ host: "127.0.0.1", down: false }]);
    } finally {
      release.open();
      await client.close();
      await relay.close();
      await server.close();
    }
  });

  test("closed by the server before any reply, the server is down and requests fail over", async () => {
    const peer = await silentPeer();
    const { server, tcp } = await tcpServer();
    let refused = 0;
    const closing = streams();
    // A peer that closes every connection as soon as a request arrives.
    const transport: StreamTransport = {
      ...closing,
      async connect(options) {
        const connection = await closing.connect(options);
        if (options.port !== peer.port) return connection;
        return {
          local: connection.local,
          remote: connection.remote,
          handshake: () => connection.handshake(),
          start: (handlers) => connection.start(handlers),
          write(data) {
            refused++;
            const written = connection.write(data);
            connection.end();
            return written;
          },
          pause: () => connection.pause(),
          resume: () => connection.resume(),
          end: () => connection.end(),
          destroy: () => connection.destroy(),
        };
      },
    };
    const client = new Client({
      streams: transport,
      servers: [`127.0.0.1:${peer.port}`, `127.0.0.1:${tcp.port}`],
      secret: "s3cret",
      logger: quiet,
    });
    try {
      const reply = await client.accessRequest({ "User-Name": "bob" });
      assert.equal(reply.code, Code.AccessAccept);
      assert.equal(refused, 1);
      const stats = client.stats();
      assert.equal(stats.failovers, 1);
      assert.equal(stats.connections.failed, 1);
      assert.equal(stats.connections.resent, 0);
      assert.equal(stats.servers[0]!.down, true);
    } finally {
      await client.close();
      await peer.close();
      await server.close();
    }
  });
});

describe("a server that does not answer", () => {
  test("is given up after the schedule, with no retransmission on its live connection", async () => {
    const seen = new Map<string, number>();
    const stuck = await tcpServer({
      ...answering(seen),
      handleAccessRequest: (request) => {
        seen.set(String(request.get("User-Name")), 1 + (seen.get("bob") ?? 0));
        return new Promise<Packet | undefined>(() => {}); // never
      },
      closeTimeout: 0,
    });
    const backup = await tcpServer();
    const client = new Client({
      streams: streams(),
      servers: [`127.0.0.1:${stuck.tcp.port}`, `127.0.0.1:${backup.tcp.port}`],
      secret: "s3cret",
      timeout: 100,
      retries: 2,
      watchdog: 0,
      logger: quiet,
    });
    try {
      const reply = await client.accessRequest({ "User-Name": "bob" });
      assert.equal(reply.code, Code.AccessAccept);
      assert.equal(seen.get("bob"), 1); // sent once to the silent server
      const stats = client.stats();
      assert.equal(stats.sent, 2);
      assert.equal(stats.retransmitted, 1); // the failover
      assert.equal(stats.failovers, 1);
      assert.equal(stats.connections.resent, 0);
      assert.equal(stats.connections.opened, 2);
      assert.deepEqual(stats.servers.map((server) => server.down), [true, false]);
      assert.equal(stuck.server.stats().connections.accepted, 1);
    } finally {
      await client.close();
      await stuck.server.close();
      await backup.server.close();
    }
  });

  test("alone, makes the request time out with one transmission", async () => {
    const peer = await silentPeer();
    const client = new Client({
      streams: streams(),
      server: `127.0.0.1:${peer.port}`,
      secret: "s3cret",
      timeout: 50,
      retries: 1,
      watchdog: 0,
      logger: quiet,
    });
    try {
      await assert.rejects(client.accessRequest({ "User-Name": "bob" }), {
        code: "ERR_TIMEOUT",
        message: /after 1 transmission to 127\.0\.0\.1:\d+/,
      });
      assert.equal(peer.packets.length, 1);
      assert.equal(client.stats().timeouts, 1);
    } finally {
      await client.close();
      await peer.close();
    }
  });
});

describe("the Status-Server watchdog", () => {
  test("finds a connection that stays silent, closes it and fails its requests over", async () => {
    const peer = await silentPeer();
    const backup = await tcpServer();
    const client = new Client({
      streams: streams(),
      servers: [`127.0.0.1:${peer.port}`, `127.0.0.1:${backup.tcp.port}`],
      secret: "s3cret",
      timeout: 100, // the watchdog's wait for its reply
      retries: 30, // the request alone would wait far longer
      backoff: { maxTimeout: 0, maxDuration: 0 },
      watchdog: 100,
      logger: quiet,
    });
    try {
      const reply = await client.accessRequest({ "User-Name": "bob" });
      assert.equal(reply.code, Code.AccessAccept);
      assert.equal(peer.packets.length, 2);
      assert.equal(peer.packets[0]![0], Code.AccessRequest);
      assert.equal(peer.packets[1]![0], Code.StatusServer);
      assert.equal(peer.packets[1]![1], 0); // Identifier 0 is the watchdog's
      const stats = client.stats();
      assert.equal(stats.connections.watchdogs, 1);
      assert.equal(stats.connections.closedBy.watchdog, 1);
      assert.equal(stats.failovers, 1);
      assert.equal(stats.servers[0]!.down, true);
    } finally {
      await client.close();
      await peer.close();
      await backup.server.close();
    }
  });

  test("keeps an idle connection whose server answers Status-Server", async () => {
    const probed = gate();
    let probes = 0;
    const { server, tcp } = await tcpServer({
      handleStatusServer: (request) => {
        if (++probes === 2) probed.open();
        return request.reply(Code.AccessAccept);
      },
    });
    const client = new Client({
      streams: streams(),
      server: `127.0.0.1:${tcp.port}`,
      secret: "s3cret",
      watchdog: 20,
      logger: quiet,
    });
    try {
      await client.accessRequest({ "User-Name": "bob" });
      await probed.opened; // two watchdog rounds on the idle connection
      const stats = client.stats();
      assert.ok(stats.connections.watchdogs >= 2);
      assert.equal(stats.connections.closedBy.watchdog, 0);
      assert.equal(stats.connections.open, 1);
      assert.equal(stats.requests, 1); // the watchdog is no request
      assert.equal((await client.accessRequest({ "User-Name": "bob" })).code, Code.AccessAccept);
      assert.equal(server.stats().connections.accepted, 1);
    } finally {
      await client.close();
      await server.close();
    }
  });
});

describe("a server that breaks the framing", () => {
  test("gets its connection closed, counted, and the request fails", async () => {
    // A reply whose Length says 5: no RADIUS packet is that short.
    const peer = await silentPeer(() => new Uint8Array([2, 0, 0, 5]));
    const client = new Client({
      streams: streams(),
      server: `127.0.0.1:${peer.port}`,
      secret: "s3cret",
      logger: quiet,
    });
    try {
      await assert.rejects(client.accessRequest({ "User-Name": "bob" }), {
        code: "ERR_SERVER_CONNECTION",
        message: /Length out of range/,
      });
      const stats = client.stats();
      assert.equal(stats.connections.closedBy.framing, 1);
      assert.equal(stats.connections.open, 0);
      assert.equal(stats.servers[0]!.down, true);
    } finally {
      await client.close();
      await peer.close();
    }
  });
});

describe("a reply that does not verify", () => {
  test("is dropped and counted; the connection stays open (its Identifier may be reused)", async () => {
    // An Access-Accept with the request's Identifier and a zero authenticator.
    const peer = await silentPeer((packet) => {
      const reply = new Uint8Array(20);
      reply.set([Code.AccessAccept, packet[1]!, 0, 20]);
      return reply;
    });
    const client = new Client({
      streams: streams(),
      server: `127.0.0.1:${peer.port}`,
      secret: "s3cret",
      timeout: 100,
      retries: 0,
      logger: quiet,
    });
    try {
      await assert.rejects(client.accessRequest({ "User-Name": "bob" }), {
        code: "ERR_TIMEOUT",
        message: /dropped 1 bad-authenticator \(check the shared secret\)/,
      });
      const stats = client.stats();
      assert.equal(stats.dropped.badAuthenticator, 1);
      assert.equal(stats.connections.open, 1);
      assert.equal(peer.packets.length, 1);
    } finally {
      await client.close();
      await peer.close();
    }
  });
});

describe("a server that cannot be connected to", () => {
  test("is down, and is not tried again before a delay", async () => {
    let attempts = 0;
    const base = streams();
    const refusing: StreamTransport = {
      ...base,
      connect() {
        attempts++;
        return Promise.reject(
          Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
        );
      },
    };
    const client = new Client({
      streams: refusing,
      server: "127.0.0.1:1",
      secret: "s3cret",
      logger: quiet,
    });
    try {
      await assert.rejects(client.accessRequest({ "User-Name": "bob" }), {
        code: "ERR_SERVER_CONNECTION",
        message: /127\.0\.0\.1:1: connect ECONNREFUSED/,
      });
      await assert.rejects(client.accessRequest({ "User-Name": "bob" }), {
        code: "ERR_SERVER_CONNECTION",
        message: /next attempt in \d+ s/,
      });
      assert.equal(attempts, 1);
      const stats = client.stats();
      assert.equal(stats.connections.failed, 1);
      assert.equal(stats.timeouts, 0);
      assert.deepEqual(stats.servers, [{ host: "127.0.0.1", down: true }]);
    } finally {
      await client.close();
    }
  });

  test("a real refused connection rejects with the system's error", async () => {
    const peer = await silentPeer();
    const port = peer.port;
    await peer.close(); // nobody listens there now
    const client = new Client({
      streams: streams(),
      server: `127.0.0.1:${port}`,
      secret: "s3cret",
      logger: quiet,
    });
    try {
      await assert.rejects(client.accessRequest({ "User-Name": "bob" }), (error: Error) => {
        assert.equal((error as { code?: string }).code, "ERR_SERVER_CONNECTION");
        assert.equal(((error.cause as { code?: string }) ?? {}).code, "ECONNREFUSED");
        return true;
      });
    } finally {
      await client.close();
    }
  });
});

describe("requests end as over UDP", () => {
  test("an abort frees the Identifier; close() rejects those waiting", async () => {
    const peer = await silentPeer();
    const client = new Client({
      streams: streams(),
      server: `127.0.0.1:${peer.port}`,
      secret: "s3cret",
      logger: quiet,
    });
    const controller = new AbortController();
    const aborted = client.accessRequest({ "User-Name": "a" }, { signal: controller.signal });
    const waiting = client.accessRequest({ "User-Name": "b" }).catch((error) => error);
    await peer.received(2);
    controller.abort();
    await assert.rejects(aborted, { name: "AbortError" });
    assert.equal(client.stats().inFlight, 1);
    await client.close();
    assert.equal((await waiting).code, "ERR_CLIENT_CLOSED");
    const stats = client.stats();
    assert.equal(stats.aborted, 1);
    assert.equal(stats.connections.closedBy["client-closed"], 1);
    await peer.close();
  });
});
