// Client behaviour on the in-memory network (src/testing/memory_transport.ts):
// loss, duplication, identifier pools, cancellation, verification, failover
// and the RFC 5080 / RFC 2866 retransmission rules. Waits poll for a state
// and give up after a while; nothing asserts on timing.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  Client,
  ClientClosedError,
  MissingMessageAuthenticatorError,
  RequestTimeoutError,
  ResponseVerificationError,
} from "../../src/client.ts";
import { Code } from "../../src/codec/code.ts";
import { computeAuthenticator } from "../../src/codec/packet_codec.ts";
import type { Packet } from "../../src/packet.ts";
import { MemoryTransport } from "../../src/testing/memory_transport.ts";
import { responder, SECRET, until } from "./_responder.ts";

const encoder = new TextEncoder();

/** A reply's bytes without its (first) Message-Authenticator, re-signed. */
function withoutMessageAuthenticator(reply: Packet): Uint8Array {
  const bytes = reply.encode(SECRET);
  assert.equal(bytes[20], 80, "Message-Authenticator comes first");
  const out = new Uint8Array(bytes.length - 18);
  out.set(bytes.subarray(0, 20));
  out.set(bytes.subarray(38), 20);
  out[2] = out.length >> 8;
  out[3] = out.length & 0xff;
  computeAuthenticator(
    out,
    out.length,
    reply.request!.authenticator,
    encoder.encode(SECRET),
    out,
    4,
  );
  return out;
}

/** An Accept echoing the User-Name, so each request's reply can be told apart. */
function echo(request: Packet): Packet {
  return request.reply(Code.AccessAccept, { "Reply-Message": `hello ${request.get("User-Name")}` });
}

describe("Client on a lossy network", () => {
  test("completes 10,000 requests with 10% loss and 10% duplication", async () => {
    const network = new MemoryTransport({ loss: 0.1, duplicate: 0.1, seed: 2024 });
    const server = await responder(network, "127.0.0.1", 1812, echo);
    const client = new Client({
      transport: network,
      server: "127.0.0.1",
      secret: SECRET,
      timeout: 100,
      retries: 30,
      backoff: { maxTimeout: 400, maxDuration: 0 },
    });
    try {
      const total = 10000;
      let next = 0;
      let completed = 0;
      const worker = async () => {
        while (next < total) {
          const user = `user-${next++}`;
          const reply = await client.accessRequest({ "User-Name": user, "User-Password": "pw" });
          assert.equal(reply.code, Code.AccessAccept);
          assert.equal(reply.get("Reply-Message"), `hello ${user}`);
          completed++;
        }
      };
      await Promise.all(Array.from({ length: 500 }, worker));
      assert.equal(completed, total);
      const stats = client.stats();
      assert.equal(stats.replies, total);
      assert.equal(stats.timeouts, 0);
      assert.ok(stats.retransmitted > 0, "some requests were lost and retransmitted");
      // A duplicated reply that arrives after its exchange ended meets no
      // exchange, or a newer one that reuses its id and fails its authenticator.
      assert.ok(
        stats.dropped.unexpected + stats.dropped.badAuthenticator > 0,
        "duplicated replies were dropped",
      );
      assert.equal(stats.inFlight, 0);
    } finally {
      await client.close();
      await server.close();
    }
  });
});

describe("Client identifiers", () => {
  test("more than 256 concurrent requests never share an id on one socket", async () => {
    const network = new MemoryTransport();
    const server = await responder(network, "127.0.0.1", 1812, () => undefined);
    const client = new Client({
      transport: network,
      server: "127.0.0.1",
      secret: SECRET,
      timeout: 60000,
      maxInFlight: Infinity,
    });
    try {
      const count = 600;
      const replies = Array.from(
        { length: count },
        (_, i) => client.accessRequest({ "User-Name": `user-${i}` }),
      );
      await until(() => server.seen.length >= count, "every request to arrive");
      const inUse = new Set<string>();
      for (const { packet, from } of server.seen) {
        const key = `${from.port}/${packet.id}`;
        assert.ok(!inUse.has(key), `id ${packet.id} used twice on port ${from.port}`);
        inUse.add(key);
      }
      assert.equal(client.stats().sockets, 3);
      for (const { packet, from } of server.seen) {
        server.socket.send(echo(packet).encode(SECRET), from);
      }
      const answered = await Promise.all(replies);
      answered.forEach((reply, i) => assert.equal(reply.get("Reply-Message"), `hello user-${i}`));
    } finally {
      await client.close();
      await server.close();
    }
  });

  test("abort rejects with the signal's reason and frees the id for a waiting request", async () => {
    const network = new MemoryTransport();
    const server = await responder(network, "127.0.0.1", 1812, () => undefined);
    const client = new Client({
      transport: network,
      server: "127.0.0.1",
      secret: SECRET,
      timeout: 60000,
      maxSockets: 1,
      maxInFlight: Infinity,
    });
    const pending: Promise<unknown>[] = [];
    try {
      const controllers = Array.from({ length: 256 }, () => new AbortController());
      const first = controllers.map((controller, i) =>
        client.accessRequest({ "User-Name": `user-${i}` }, { signal: controller.signal })
      );
      pending.push(...first.slice(2).map((p) => p.catch(() => {})));
      await until(() => server.seen.length === 256, "256 requests to arrive");
      // The 257th waits for an identifier: the one socket has none left.
      const waiting = client.accessRequest({ "User-Name": "user-256" });
      pending.push(waiting.catch(() => {}));
      assert.equal(client.stats().inFlight, 257);

      controllers[0]!.abort();
      await assert.rejects(first[0]!, { name: "AbortError" });
      await until(() => server.seen.length === 257, "the waiting request to be sent");
      const freed = server.seen[0]!.packet.id;
      assert.equal(server.seen[256]!.packet.id, freed);
      assert.equal(server.seen[256]!.packet.get("User-Name"), "user-256");

      const reason = new Error("user gave up");
      controllers[1]!.abort(reason);
      await assert.rejects(first[1]!, (error) => error === reason);
      const stats = client.stats();
      assert.equal(stats.aborted, 2);
      assert.equal(stats.sockets, 1);
      assert.equal(stats.inFlight, 255);

      const already = AbortSignal.abort();
      await assert.rejects(client.statusServer({ signal: already }), { name: "AbortError" });
    } finally {
      await client.close();
      await server.close();
      await Promise.all(pending);
    }
  });

  test("close() rejects waiting requests with ClientClosedError, and later ones too", async () => {
    const network = new MemoryTransport({ loss: 1 });
    const client = new Client({ transport: network, server: "127.0.0.1", secret: SECRET });
    const waiting = client.accessRequest({ "User-Name": "bob" });
    await until(() => client.stats().sent === 1, "the request to be sent");
    await client.close();
    await assert.rejects(waiting, ClientClosedError);
    await assert.rejects(client.accessRequest({ "User-Name": "bob" }), {
      code: "ERR_CLIENT_CLOSED",
    });
    assert.equal(client.stats().sockets, 0);
  });
});

describe("Client reply verification", () => {
  test("a reply with a bad authenticator is dropped and the real reply accepted", async () => {
    const network = new MemoryTransport();
    const server = await responder(network, "127.0.0.1", 1812, (request) => [
      request.reply(Code.AccessAccept).encode("not-the-secret"),
      request.reply(Code.AccessReject, { "Reply-Message": "real" }),
    ]);
    const client = new Client({ transport: network, server: "127.0.0.1", secret: SECRET });
    try {
      const reply = await client.accessRequest({ "User-Name": "bob", "User-Password": "x" });
      assert.equal(reply.code, Code.AccessReject);
      assert.equal(reply.get("Reply-Message"), "real");
      assert.equal(client.stats().dropped.badAuthenticator, 1);
    } finally {
      await client.close();
      await server.close();
    }
  });

  test("a reply from another address or port is dropped", async () => {
    const network = new MemoryTransport();
    const intruder = await network.bind({ hostname: "127.0.0.9", port: 1812 }, () => {});
    const server = await responder(network, "127.0.0.1", 1812, (request, seen) => {
      intruder.send(echo(request).encode(SECRET), seen.from); // right bytes, wrong source
      return echo(request);
    });
    const client = new Client({ transport: network, server: "127.0.0.1", secret: SECRET });
    try {
      await client.accessRequest({ "User-Name": "bob" });
      await network.idle();
      assert.equal(client.stats().dropped.wrongSource, 1);
    } finally {
      await client.close();
      await intruder.close();
      await server.close();
    }
  });

  test("a verified reply without Message-Authenticator rejects at once, unless requireMessageAuthenticator is false", async () => {
    const network = new MemoryTransport();
    const server = await responder(
      network,
      "127.0.0.1",
      1812,
      (request) => withoutMessageAuthenticator(echo(request)),
    );
    const strict = new Client({
      transport: network,
      server: "127.0.0.1",
      secret: SECRET,
      timeout: 60000, // a rejection that waited for the timeout would hang the test
      retries: 5,
    });
    const legacy = new Client({
      transport: network,
      server: "127.0.0.1",
      secret: SECRET,
      requireMessageAuthenticator: false,
    });
    try {
      await assert.rejects(strict.accessRequest({ "User-Name": "bob" }), (error) => {
        assert.ok(error instanceof MissingMessageAuthenticatorError);
        assert.equal(error.code, "ERR_MISSING_MESSAGE_AUTHENTICATOR");
        assert.equal(error.request, "Access-Request");
        assert.equal(error.reply, "Access-Accept");
        assert.equal(error.server, "127.0.0.1:1812");
        assert.match(error.message, /requireMessageAuthenticator: false/);
        return true;
      });
      const stats = strict.stats();
      assert.equal(stats.sent, 1);
      assert.equal(stats.invalidReplies, 1);
      assert.equal(stats.inFlight, 0);
      const reply = await legacy.accessRequest({ "User-Name": "bob" });
      assert.equal(reply.get("Reply-Message"), "hello bob");
    } finally {
      await strict.close();
      await legacy.close();
      await server.close();
    }
  });

  test("a reply without Message-Authenticator and a wrong Response Authenticator is dropped", async () => {
    const network = new MemoryTransport();
    const server = await responder(network, "127.0.0.1", 1812, (request) => {
      const bytes = withoutMessageAuthenticator(echo(request));
      bytes[4] = bytes[4]! ^ 1; // a forgery: it must not end the request
      return [bytes, echo(request)];
    });
    const client = new Client({ transport: network, server: "127.0.0.1", secret: SECRET });
    try {
      const reply = await client.accessRequest({ "User-Name": "bob" });
      assert.equal(reply.get("Reply-Message"), "hello bob");
      assert.equal(client.stats().dropped.badAuthenticator, 1);
    } finally {
      await client.close();
      await server.close();
    }
  });

  test("a bad Message-Authenticator is dropped even when none is required", async () => {
    const network = new MemoryTransport();
    let replies = 0;
    const server = await responder(network, "127.0.0.1", 1812, (request) => {
      const bytes = echo(request).encode(SECRET);
      if (replies++ > 0) return bytes;
      bytes[25] = bytes[25]! ^ 1; // inside the Message-Authenticator
      computeAuthenticator(
        bytes,
        bytes.length,
        request.authenticator,
        encoder.encode(SECRET),
        bytes,
        4,
      );
      return bytes;
    });
    const client = new Client({
      transport: network,
      server: "127.0.0.1",
      secret: SECRET,
      timeout: 10,
      requireMessageAuthenticator: false,
    });
    try {
      const reply = await client.accessRequest({ "User-Name": "bob" });
      assert.equal(reply.get("Reply-Message"), "hello bob");
      assert.equal(client.stats().dropped.badMessageAuthenticator, 1);
    } finally {
      await client.close();
      await server.close();
    }
  });

  test("a verified reply with a code that does not answer the request rejects", async () => {
    const network = new MemoryTransport();
    const server = await responder(
      network,
      "127.0.0.1",
      3799,
      (request) => request.reply(Code.DisconnectACK),
    );
    const client = new Client({ transport: network, server: "127.0.0.1", secret: SECRET });
    try {
      await assert.rejects(client.coaRequest({ "User-Name": "bob" }), (error) => {
        assert.ok(error instanceof ResponseVerificationError);
        assert.equal(error.code, "ERR_RESPONSE_VERIFICATION");
        assert.equal(
          error.message,
          "Invalid reply to CoA-Request: Disconnect-ACK does not answer it",
        );
        return true;
      });
      assert.equal(client.stats().invalidReplies, 1);
    } finally {
      await client.close();
      await server.close();
    }
  });
});

describe("Client retransmission", () => {
  test("Access-Request retransmissions keep the id and authenticator", async () => {
    const network = new MemoryTransport();
    const server = await responder(
      network,
      "127.0.0.1",
      1812,
      (request, seen) => server.seen.indexOf(seen) < 2 ? undefined : echo(request),
    );
    const client = new Client({
      transport: network,
      server: "127.0.0.1",
      secret: SECRET,
      timeout: 10,
    });
    try {
      const reply = await client.accessRequest({ "User-Name": "bob", "User-Password": "hello" });
      assert.equal(reply.get("Reply-Message"), "hello bob");
      assert.equal(server.seen.length, 3);
      const [first, ...again] = server.seen;
      for (const seen of again) {
        assert.deepEqual(seen.bytes, first!.bytes);
        assert.equal(seen.from.port, first!.from.port);
      }
      assert.equal(client.stats().retransmitted, 2);
    } finally {
      await client.close();
      await server.close();
    }
  });

  test("Accounting-Request retransmissions update Acct-Delay-Time with a new id and authenticator", async () => {
    const network = new MemoryTransport();
    const server = await responder(
      network,
      "127.0.0.1",
      1813,
      (request, seen) =>
        server.seen.indexOf(seen) === 0 ? undefined : request.reply(Code.AccountingResponse),
    );
    const client = new Client({
      transport: network,
      server: "127.0.0.1",
      secret: SECRET,
      timeout: 1200, // the second transmission comes a second or more later
      backoff: { jitter: 0 },
    });
    try {
      const reply = await client.accountingRequest({
        "User-Name": "bob",
        "Acct-Status-Type": "Start",
        "Acct-Session-Id": "s1",
        "Acct-Delay-Time": 5,
      });
      assert.equal(reply.code, Code.AccountingResponse);
      assert.equal(server.seen.length, 2);
      const [first, second] = server.seen.map((seen) => seen.packet);
      assert.equal(first!.get("Acct-Delay-Time"), 5);
      assert.ok((second!.get("Acct-Delay-Time") as number) >= 6);
      assert.notEqual(second!.id, first!.id);
      assert.notDeepEqual(second!.authenticator, first!.authenticator);
      assert.equal(reply.request!.get("Acct-Delay-Time"), second!.get("Acct-Delay-Time"));
    } finally {
      await client.close();
      await server.close();
    }
  });

  test("Accounting-Request retransmitted within the same second is the same packet", async () => {
    const network = new MemoryTransport();
    const server = await responder(
      network,
      "127.0.0.1",
      1813,
      (request, seen) =>
        server.seen.indexOf(seen) === 0 ? undefined : request.reply(Code.AccountingResponse),
    );
    const client = new Client({
      transport: network,
      server: "127.0.0.1",
      secret: SECRET,
      timeout: 10,
    });
    try {
      await client.accountingRequest({ "Acct-Status-Type": "Stop", "Acct-Session-Id": "s1" });
      assert.equal(server.seen.length, 2);
      assert.deepEqual(server.seen[1]!.bytes, server.seen[0]!.bytes);
      assert.equal(server.seen[0]!.packet.has("Acct-Delay-Time"), false);
    } finally {
      await client.close();
      await server.close();
    }
  });

  test("every Status-Server transmission is a new packet", async () => {
    const network = new MemoryTransport();
    const server = await responder(
      network,
      "::1",
      1812,
      (request, seen) =>
        server.seen.indexOf(seen) < 2 ? undefined : request.reply(Code.AccessAccept),
    );
    const client = new Client({ transport: network, server: "::1", secret: SECRET, timeout: 10 });
    try {
      const reply = await client.statusServer();
      assert.equal(reply.code, Code.AccessAccept);
      const ids = new Set(server.seen.map((seen) => seen.packet.id));
      const authenticators = new Set(server.seen.map((seen) => seen.bytes.subarray(4, 20).join()));
      assert.equal(ids.size, 3);
      assert.equal(authenticators.size, 3);
    } finally {
      await client.close();
      await server.close();
    }
  });

  test("RequestTimeoutError says how many datagrams went to which server", async () => {
    const network = new MemoryTransport();
    const client = new Client({
      transport: network,
      servers: ["127.0.0.1", { host: "::1", ports: { auth: 11812 } }],
      secret: SECRET,
      timeout: 5,
      retries: 2,
    });
    try {
      await assert.rejects(client.accessRequest({ "User-Name": "bob" }), (error) => {
        assert.ok(error instanceof RequestTimeoutError);
        assert.equal(error.code, "ERR_TIMEOUT");
        assert.equal(
          error.message,
          "No reply to Access-Request after 3 transmissions to 127.0.0.1:1812 and 3 to [::1]:11812",
        );
        assert.deepEqual(error.attempts, [
          { server: "127.0.0.1:1812", transmissions: 3 },
          { server: "[::1]:11812", transmissions: 3 },
        ]);
        return true;
      });
      const stats = client.stats();
      assert.equal(stats.sent, 6);
      assert.equal(stats.timeouts, 1);
      assert.equal(stats.failovers, 1);
    } finally {
      await client.close();
    }
  });
});

describe("Client failover", () => {
  test("moves to the second server, and back once the dead time is over", async () => {
    const network = new MemoryTransport();
    let primaryUp = false;
    const primary = await responder(
      network,
      "127.0.0.1",
      1812,
      (request) =>
        primaryUp ? request.reply(Code.AccessAccept, { "Reply-Message": "primary" }) : undefined,
    );
    const secondary = await responder(
      network,
      "127.0.0.2",
      1812,
      (request) => request.reply(Code.AccessAccept, { "Reply-Message": "secondary" }),
    );
    const client = new Client({
      transport: network,
      servers: ["127.0.0.1", "127.0.0.2"],
      secret: SECRET,
      timeout: 10,
      retries: 1,
      deadTime: 300,
    });
    try {
      const first = await client.accessRequest({ "User-Name": "bob" });
      assert.equal(first.get("Reply-Message"), "secondary");
      assert.equal(primary.seen.length, 2);
      assert.deepEqual(client.stats().servers.map((server) => server.down), [true, false]);

      const second = await client.accessRequest({ "User-Name": "bob" });
      assert.equal(second.get("Reply-Message"), "secondary");
      assert.equal(primary.seen.length, 2, "a down server is skipped");

      primaryUp = true;
      await until(() => !client.stats().servers[0]!.down, "the dead time to end");
      const third = await client.accessRequest({ "User-Name": "bob" });
      assert.equal(third.get("Reply-Message"), "primary");
      assert.equal(client.stats().failovers, 1);
    } finally {
      await client.close();
      await primary.close();
      await secondary.close();
    }
  });

  test("Status-Server probes bring a down server back", async () => {
    const network = new MemoryTransport();
    let primaryUp = false;
    const primary = await responder(
      network,
      "127.0.0.1",
      1812,
      (request) =>
        primaryUp ? request.reply(Code.AccessAccept, { "Reply-Message": "primary" }) : undefined,
    );
    const secondary = await responder(
      network,
      "127.0.0.2",
      1812,
      (request) => request.reply(Code.AccessAccept, { "Reply-Message": "secondary" }),
    );
    const client = new Client({
      transport: network,
      servers: ["127.0.0.1", "127.0.0.2"],
      secret: SECRET,
      timeout: 10,
      retries: 1,
      deadTime: 3_600_000,
      probeInterval: 10,
    });
    try {
      const first = await client.accessRequest({ "User-Name": "bob" });
      assert.equal(first.get("Reply-Message"), "secondary");
      await until(
        () => primary.seen.some((seen) => seen.packet.code === Code.StatusServer),
        "a probe",
      );
      assert.equal(client.stats().servers[0]!.down, true);
      primaryUp = true;
      await until(() => !client.stats().servers[0]!.down, "a probe to be answered");
      const second = await client.accessRequest({ "User-Name": "bob" });
      assert.equal(second.get("Reply-Message"), "primary");
    } finally {
      await client.close();
      await primary.close();
      await secondary.close();
    }
  });
});
