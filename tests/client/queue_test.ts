// ClientOptions.maxInFlight: requests beyond it wait in a first-in,
// first-out queue; an abort or close() ends queued requests; a queued
// request's retransmission clock starts when it is first sent.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Client, ClientClosedError, RequestTimeoutError } from "../../src/client.ts";
import { Code } from "../../src/codec/code.ts";
import type { Packet } from "../../src/packet.ts";
import { MemoryTransport } from "../../src/testing/memory_transport.ts";
import { responder, SECRET, until } from "./_responder.ts";

function accept(request: Packet): Packet {
  return request.reply(Code.AccessAccept, { "Reply-Message": `hello ${request.get("User-Name")}` });
}

describe("Client maxInFlight", () => {
  test("requests beyond maxInFlight wait, and go out first in, first out", async () => {
    const network = new MemoryTransport();
    const server = await responder(network, "127.0.0.1", 1812, () => undefined);
    const client = new Client({
      transport: network,
      server: "127.0.0.1",
      secret: SECRET,
      timeout: 60000,
      maxInFlight: 3,
    });
    try {
      const replies = Array.from(
        { length: 7 },
        (_, i) => client.accessRequest({ "User-Name": `user-${i}` }),
      );
      await until(() => server.seen.length === 3, "3 requests sent");
      await network.idle();
      assert.equal(server.seen.length, 3);
      let stats = client.stats();
      assert.deepEqual([stats.requests, stats.inFlight, stats.queued], [7, 3, 4]);
      // Each answer lets the oldest waiting request go.
      for (let answered = 0; answered < 7; answered++) {
        const { packet, from } = server.seen[answered]!;
        server.socket.send(accept(packet).encode(SECRET), from);
        await until(() => server.seen.length === Math.min(7, answered + 4), "the next request");
      }
      const names = server.seen.map((seen) => seen.packet.get("User-Name"));
      assert.deepEqual(names, Array.from({ length: 7 }, (_, i) => `user-${i}`));
      const answered = await Promise.all(replies);
      answered.forEach((reply, i) => assert.equal(reply.get("Reply-Message"), `hello user-${i}`));
      stats = client.stats();
      assert.deepEqual([stats.replies, stats.inFlight, stats.queued, stats.sent], [7, 0, 0, 7]);
    } finally {
      await client.close();
      await server.close();
    }
  });

  test("the default lets 128 requests out at once and queues the rest", async () => {
    const network = new MemoryTransport();
    const server = await responder(network, "127.0.0.1", 1812, () => undefined);
    const client = new Client({
      transport: network,
      server: "127.0.0.1",
      secret: SECRET,
      timeout: 60000,
    });
    const pending = Array.from(
      { length: 200 },
      (_, i) => client.accessRequest({ "User-Name": `user-${i}` }).catch((error) => error),
    );
    try {
      await until(() => server.seen.length === 128, "128 requests sent");
      await network.idle();
      const stats = client.stats();
      assert.deepEqual([server.seen.length, stats.inFlight, stats.queued], [128, 128, 72]);
    } finally {
      await client.close();
      await server.close();
    }
    for (const outcome of await Promise.all(pending)) {
      assert.ok(outcome instanceof ClientClosedError);
    }
  });

  test("an abort or close() ends a queued request, which is never sent", async () => {
    const network = new MemoryTransport();
    const server = await responder(network, "127.0.0.1", 1812, () => undefined);
    const client = new Client({
      transport: network,
      server: "127.0.0.1",
      secret: SECRET,
      timeout: 60000,
      maxInFlight: 1,
    });
    const first = client.accessRequest({ "User-Name": "first" });
    const controller = new AbortController();
    const aborted = client.accessRequest({ "User-Name": "aborted" }, { signal: controller.signal });
    const closed = client.accessRequest({ "User-Name": "closed" });
    await until(() => server.seen.length === 1, "the first request");
    assert.equal(client.stats().queued, 2);

    const reason = new Error("no longer needed");
    controller.abort(reason);
    await assert.rejects(aborted, (error) => error === reason);
    let stats = client.stats();
    assert.deepEqual([stats.aborted, stats.queued, stats.inFlight], [1, 1, 1]);

    await client.close();
    await assert.rejects(first, ClientClosedError);
    await assert.rejects(closed, ClientClosedError);
    stats = client.stats();
    assert.deepEqual([stats.queued, stats.inFlight], [0, 0]);
    await network.idle();
    assert.deepEqual(server.seen.map((seen) => seen.packet.get("User-Name")), ["first"]);
    await server.close();
  });

  test("an aborted queued request makes room for none: the next one still waits its turn", async () => {
    const network = new MemoryTransport();
    const server = await responder(network, "127.0.0.1", 1812, () => undefined);
    const client = new Client({
      transport: network,
      server: "127.0.0.1",
      secret: SECRET,
      timeout: 60000,
      maxInFlight: 1,
    });
    try {
      const first = client.accessRequest({ "User-Name": "first" });
      const controller = new AbortController();
      const aborted = client.accessRequest({ "User-Name": "x" }, { signal: controller.signal });
      const third = client.accessRequest({ "User-Name": "third" });
      await until(() => server.seen.length === 1, "the first request");
      controller.abort();
      await assert.rejects(aborted, { name: "AbortError" });
      await network.idle();
      assert.equal(server.seen.length, 1, "the third request still waits for the first");
      const { packet, from } = server.seen[0]!;
      server.socket.send(accept(packet).encode(SECRET), from);
      await first;
      await until(() => server.seen.length === 2, "the third request");
      assert.equal(server.seen[1]!.packet.get("User-Name"), "third");
      server.socket.send(accept(server.seen[1]!.packet).encode(SECRET), server.seen[1]!.from);
      assert.equal((await third).get("Reply-Message"), "hello third");
    } finally {
      await client.close();
      await server.close();
    }
  });

  test("a queued request's retransmission clock starts when it is first sent", async () => {
    const network = new MemoryTransport(); // nobody answers
    const client = new Client({
      transport: network,
      server: "127.0.0.1",
      secret: SECRET,
      timeout: 40,
      retries: 5,
      // MRD ends each request after its second transmission (at 40 of 100 ms
      // a doubled wait would pass 100): a request whose clock had started
      // while it waited would have no time left for a second one.
      backoff: { maxDuration: 100, jitter: 0 },
      maxInFlight: 1,
    });
    try {
      const outcomes = await Promise.allSettled([
        client.accessRequest({ "User-Name": "first" }),
        client.accessRequest({ "User-Name": "queued" }),
      ]);
      for (const outcome of outcomes) {
        assert.equal(outcome.status, "rejected");
        const error = (outcome as PromiseRejectedResult).reason;
        assert.ok(error instanceof RequestTimeoutError);
        // At least two: a clock started in the queue would leave time for one only. (A loaded
        // machine may fire a timer late and fit a third before MRD: no exact count.)
        assert.equal(error.attempts.length, 1);
        assert.ok(error.attempts[0]!.transmissions >= 2, JSON.stringify(error.attempts));
      }
    } finally {
      await client.close();
    }
  });
});
