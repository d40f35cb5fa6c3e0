// The client's life cycle: idle sockets do not keep the process alive
// (unref/ref), socket buffer sizes reach the transport (with the ENOTSUP
// fallback for the default only), `await using` closes the client, and
// every Promise-returning method rejects instead of throwing.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Client, ClientClosedError } from "../../src/client.ts";
import { Code } from "../../src/codec/code.ts";
import { UnknownAttributeError, ValueError } from "../../src/errors.ts";
import { Packet } from "../../src/packet.ts";
import { MemoryTransport } from "../../src/testing/memory_transport.ts";
import { codedError, RecordingTransport } from "./_recording.ts";
import { dictionary, responder, SECRET, until } from "./_responder.ts";

const silent = { debug() {}, info() {}, warn() {}, error() {} };

describe("Client and the process lifetime", () => {
  test("a socket is unref'ed while idle and ref'ed while a request waits for its reply", async () => {
    const transport = new RecordingTransport();
    let answer = false;
    const server = await responder(
      transport.network,
      "127.0.0.1",
      1812,
      (request) => answer ? request.reply(Code.AccessAccept) : undefined,
    );
    const client = new Client({ transport, server: "127.0.0.1", secret: SECRET, timeout: 60000 });
    try {
      const pending = client.accessRequest({ "User-Name": "bob" });
      await until(() => server.seen.length === 1, "the request");
      const [socket] = transport.sockets;
      assert.equal(socket?.referenced, true, "referenced while the request waits");
      answer = true;
      server.socket.send(
        server.seen[0]!.packet.reply(Code.AccessAccept).encode(SECRET),
        server.seen[0]!.from,
      );
      await pending;
      assert.equal(socket.referenced, false, "unreferenced once nothing is in flight");
      assert.deepEqual(socket.calls, ["unref", "ref", "unref"]);

      // Two at once: the socket stays referenced until the last one ends.
      await Promise.all([
        client.accessRequest({ "User-Name": "a" }),
        client.accessRequest({ "User-Name": "b" }),
      ]);
      assert.equal(socket.referenced, false);
      assert.deepEqual(socket.calls, ["unref", "ref", "unref", "ref", "unref"]);
    } finally {
      await client.close();
      await server.close();
    }
  });

  test("a Status-Server probe does not keep the socket referenced", async () => {
    const transport = new RecordingTransport();
    const dead = await responder(transport.network, "127.0.0.1", 1812, () => undefined);
    const alive = await responder(
      transport.network,
      "127.0.0.2",
      1812,
      (request) => request.reply(Code.AccessAccept),
    );
    const client = new Client({
      transport,
      servers: ["127.0.0.1", "127.0.0.2"],
      secret: SECRET,
      timeout: 10,
      retries: 0,
      deadTime: 3_600_000,
      probeInterval: 10,
      logger: silent,
    });
    try {
      await client.accessRequest({ "User-Name": "bob" });
      await until(
        () => dead.seen.filter((seen) => seen.packet.code === Code.StatusServer).length >= 2,
        "two probes",
      );
      assert.equal(transport.sockets.length, 1);
      assert.equal(transport.sockets[0]!.referenced, false);
    } finally {
      await client.close();
      await dead.close();
      await alive.close();
    }
  });

  test("await using closes the client at the end of the block", async () => {
    const transport = new RecordingTransport(new MemoryTransport({ loss: 1 }));
    let pending: Promise<unknown> | undefined;
    {
      await using client = new Client({ transport, server: "::1", secret: SECRET });
      pending = client.statusServer().catch((error) => error);
      await until(() => transport.sockets.length === 1, "a socket");
    }
    assert.ok((await pending) instanceof ClientClosedError);
    assert.equal(transport.sockets[0]!.closed, true);
  });
});

describe("Client socket buffer sizes", () => {
  test("a 4 MiB receive buffer is asked for by default, and the sizes given otherwise", async () => {
    const transport = new RecordingTransport();
    const server = await responder(
      transport.network,
      "127.0.0.1",
      1812,
      (request) => request.reply(Code.AccessAccept),
    );
    const byDefault = new Client({ transport, server: "127.0.0.1", secret: SECRET });
    const sized = new Client({
      transport,
      server: "127.0.0.1",
      secret: SECRET,
      receiveBufferSize: 1 << 20,
      sendBufferSize: 1 << 19,
    });
    try {
      await byDefault.accessRequest({ "User-Name": "bob" });
      await sized.accessRequest({ "User-Name": "bob" });
      assert.equal(transport.binds[0]!.receiveBufferSize, 4 * 1024 * 1024);
      assert.equal(transport.binds[0]!.sendBufferSize, undefined);
      assert.equal(transport.binds[1]!.receiveBufferSize, 1 << 20);
      assert.equal(transport.binds[1]!.sendBufferSize, 1 << 19);
    } finally {
      await byDefault.close();
      await sized.close();
      await server.close();
    }
  });

  test("when the transport cannot set the default size, the client binds without it, once", async () => {
    const transport = new RecordingTransport(undefined, {
      failBind: (options) =>
        options.receiveBufferSize === undefined
          ? undefined
          : codedError("Cannot set SO_RCVBUF on this runtime", "ENOTSUP"),
    });
    const server = await responder(
      transport.network,
      "127.0.0.1",
      1812,
      (request) => request.reply(Code.AccessAccept),
    );
    const debug: string[] = [];
    const client = new Client({
      transport,
      servers: ["::1", "127.0.0.1"], // nobody at ::1: an IPv6 then an IPv4 socket
      secret: SECRET,
      timeout: 10,
      retries: 0,
      logger: { ...silent, debug: (message) => debug.push(message) },
    });
    try {
      assert.equal((await client.accessRequest({ "User-Name": "bob" })).code, Code.AccessAccept);
      // The IPv4 socket is bound without trying the default again.
      const binds = transport.binds.map((options) => [options.hostname, options.receiveBufferSize]);
      assert.deepEqual(binds, [["::", 4 * 1024 * 1024], ["::", undefined], ["0.0.0.0", undefined]]);
      assert.equal(
        debug.filter((line) => line.includes("cannot set the socket receive buffer")).length,
        1,
      );
    } finally {
      await client.close();
      await server.close();
    }
  });

  test("a size given explicitly that the transport cannot set rejects the request", async () => {
    const refusal = codedError("Cannot set SO_RCVBUF on this runtime", "ENOTSUP");
    const transport = new RecordingTransport(undefined, { failBind: () => refusal });
    const client = new Client({
      transport,
      server: "127.0.0.1",
      secret: SECRET,
      receiveBufferSize: 1 << 20,
    });
    try {
      await assert.rejects(
        client.accessRequest({ "User-Name": "bob" }),
        (error) => error === refusal,
      );
      assert.equal(transport.binds.length, 1);
    } finally {
      await client.close();
    }
  });
});

describe("Client methods reject instead of throwing", () => {
  test("bad attributes, bad values, bad arguments and a closed client all reject", async () => {
    const client = new Client({
      transport: new MemoryTransport(),
      server: "127.0.0.1",
      secret: "s",
    });
    const calls: (() => Promise<unknown>)[] = [
      // Each of these fails to compile too; a program may still build them at run time.
      () => client.accessRequest({ "User-Nmae": "bob" } as never),
      () => client.accountingRequest({ "Acct-Status-Type": "Begin" } as never),
      () => client.coaRequest({ "NAS-Port": "not a number" } as never),
      () => client.disconnectRequest({ "User-Name": 42 as never }),
      () => client.send(undefined as never),
      () => client.send({} as never),
      () => client.statusServer({ port: "radius" as never }),
    ];
    const promises: Promise<unknown>[] = [];
    for (const call of calls) promises.push(call()); // a synchronous throw fails here
    const outcomes = await Promise.allSettled(promises);
    assert.deepEqual(outcomes.map((outcome) => outcome.status), calls.map(() => "rejected"));
    const reasons = outcomes.map((outcome) => (outcome as PromiseRejectedResult).reason);
    assert.ok(reasons[0] instanceof UnknownAttributeError);
    assert.ok(reasons[1] instanceof ValueError);
    assert.ok(reasons[2] instanceof ValueError);
    assert.ok(reasons[3] instanceof ValueError);
    assert.match(String(reasons[4]), /send\(\) needs a Packet/);
    assert.match(String(reasons[6]), /Invalid port "radius"/);

    await client.close();
    const closed = [
      client.accessRequest({ "User-Name": "bob" }),
      client.accessRequest({ "User-Nmae": "bob" } as never),
      client.statusServer(),
      client.send(Packet.create(Code.StatusServer, dictionary, {})),
    ];
    for (const outcome of await Promise.allSettled(closed)) {
      assert.equal(outcome.status, "rejected");
      assert.ok((outcome as PromiseRejectedResult).reason instanceof ClientClosedError);
    }
    let caught: unknown;
    await client.accessRequest({ "User-Nmae": "bob" } as never).catch((error) => (caught = error));
    assert.ok(caught instanceof ClientClosedError);
  });
});
