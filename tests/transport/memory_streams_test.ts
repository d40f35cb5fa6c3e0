// MemoryStreams, the in-memory stream transport: first the rules of the
// stream transport contract (src/stream_transport.ts), then each fault it
// injects, then TLS as it plays it with the test PKI of tests/fixtures/tls/.
// Every wait is on network.idle() or on a callback, never on the clock.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type {
  StreamConnection,
  StreamHandlers,
  StreamListenOptions,
  StreamServer,
  TlsClientOptions,
  TlsServerOptions,
} from "../../src/stream_transport.ts";
import { MemoryStreams, type MemoryStreamsOptions } from "../../src/testing/memory_transport.ts";

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/tls/${name}`, import.meta.url), "utf8");
const FINGERPRINTS = new Map(
  fixture("fingerprints.txt").trim().split("\n").map((line) => {
    const [name, fingerprint] = line.split(" ");
    return [name!, fingerprint!];
  }),
);

/** Records what a connection delivers, in order. */
class Recorder implements StreamHandlers {
  readonly chunks: Uint8Array[] = [];
  readonly closes: (Error | undefined)[] = [];
  readonly events: string[] = [];
  drains = 0;

  readonly onData = (data: Uint8Array): void => {
    if (this.closes.length > 0) this.events.push("data after close");
    this.chunks.push(data);
    this.events.push(`data ${data.length}`);
  };

  readonly onClose = (error: Error | undefined): void => {
    this.closes.push(error);
    this.events.push(error === undefined ? "close" : `close ${codeOf(error)}`);
  };

  readonly onDrain = (): void => {
    this.drains++;
    this.events.push("drain");
  };

  get bytes(): Uint8Array {
    return concat(this.chunks);
  }

  get sizes(): number[] {
    return this.chunks.map((chunk) => chunk.length);
  }
}

interface Pair {
  readonly network: MemoryStreams;
  readonly listener: StreamServer;
  readonly client: StreamConnection;
  readonly server: StreamConnection;
}

/** A listener on 127.0.0.1 and one connection to it, both ends not started. */
async function pair(
  options: MemoryStreamsOptions = {},
  network: MemoryStreams = new MemoryStreams(options),
): Promise<Pair> {
  const accepted: StreamConnection[] = [];
  const listener = await network.listen(
    { hostname: "127.0.0.1", port: 0 },
    (c) => accepted.push(c),
  );
  const client = await network.connect({ hostname: "127.0.0.1", port: listener.local.port });
  assert.equal(accepted.length, 1);
  return { network, listener, client, server: accepted[0]! };
}

/** Both ends started with recorders. */
async function started(options: MemoryStreamsOptions = {}) {
  const p = await pair(options);
  const atClient = new Recorder();
  const atServer = new Recorder();
  p.client.start(atClient);
  p.server.start(atServer);
  return { ...p, atClient, atServer };
}

function pattern(size: number, seed = 0): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed) & 0xff;
  return bytes;
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

function codeOf(error: unknown): string | undefined {
  return (error as { code?: string } | undefined)?.code;
}

/** bytesWritten = bytesDelivered + bytesDropped + what still waits. */
function assertAccounted(network: MemoryStreams, waiting: number): void {
  const { bytesWritten, bytesDelivered, bytesDropped } = network.stats;
  assert.equal(bytesWritten, bytesDelivered + bytesDropped + waiting);
}

const serverTls: TlsServerOptions = {
  cert: fixture("server.pem"),
  key: fixture("server.key"),
  ca: fixture("ca.pem"),
  alpnProtocols: ["radius/1.1", "radius/1.0"],
};
const nasTls = (name = "nas1", extra: Partial<TlsClientOptions> = {}): TlsClientOptions => ({
  cert: fixture(`${name}.pem`),
  key: fixture(`${name}.key`),
  ca: fixture("ca.pem"),
  ...extra,
});

/** A TLS listener whose accepted connections are kept, not started. */
async function tlsListener(
  network: MemoryStreams,
  tls: TlsServerOptions = serverTls,
  extra: Partial<StreamListenOptions> = {},
) {
  const accepted: StreamConnection[] = [];
  const listener = await network.listen(
    { hostname: "127.0.0.1", port: 2083, tls, ...extra },
    (connection) => accepted.push(connection),
  );
  return { listener, accepted };
}

describe("MemoryStreams: the stream transport contract", () => {
  test("listen() and connect() give each end the other's address; port 0 takes a free one", async () => {
    const network = new MemoryStreams();
    const { listener, client, server } = await pair({}, network);
    assert.deepEqual(listener.local, { hostname: "127.0.0.1", port: 49152, family: "IPv4" });
    assert.deepEqual(client.remote, listener.local);
    assert.deepEqual(server.local, listener.local);
    assert.deepEqual(server.remote, client.local);
    assert.equal(client.local.hostname, "127.0.0.1");
    assert.notEqual(client.local.port, listener.local.port);
    assert.equal(await client.handshake(), undefined);
    assert.equal(await server.handshake(), undefined);
    const second = await network.connect({ hostname: "127.0.0.1", port: listener.local.port });
    assert.notEqual(second.local.port, client.local.port);
    assert.equal(network.stats.opened, 2);
    await listener.close();
  });

  test("a wildcard listener accepts for every address of its family", async () => {
    const network = new MemoryStreams();
    const accepted: StreamConnection[] = [];
    await network.listen({ hostname: "::", port: 2083 }, (c) => accepted.push(c));
    await network.connect({ hostname: "2001:db8::7", port: 2083 });
    await network.connect({ hostname: "::1", port: 2083 });
    assert.deepEqual(accepted.map((c) => c.local.hostname), ["2001:db8::7", "::1"]);
    assert.deepEqual(accepted[0]!.local, { hostname: "2001:db8::7", port: 2083, family: "IPv6" });
    assert.equal(accepted[0]!.remote.hostname, "::1");
    await assert.rejects(network.connect({ hostname: "192.0.2.1", port: 2083 }), {
      code: "ECONNREFUSED",
    });
  });

  test("listen() rejects an address in use with EADDRINUSE, and a name with a TypeError", async () => {
    const network = new MemoryStreams();
    const listener = await network.listen({ hostname: "127.0.0.1", port: 1812 }, () => {});
    await assert.rejects(network.listen({ hostname: "127.0.0.1", port: 1812 }, () => {}), {
      code: "EADDRINUSE",
    });
    await assert.rejects(network.listen({ hostname: "0.0.0.0", port: 1812 }, () => {}), {
      code: "EADDRINUSE",
    });
    const v6 = await network.listen({ hostname: "::1", port: 1812 }, () => {}); // another family
    await assert.rejects(network.listen({ hostname: "localhost", port: 1 }, () => {}), TypeError);
    await assert.rejects(
      network.listen({ hostname: "127.0.0.1", port: 70000 }, () => {}),
      RangeError,
    );
    await listener.close();
    await v6.close();
    await network.listen({ hostname: "0.0.0.0", port: 1812 }, () => {});
  });

  test("connect() rejects with ECONNREFUSED, its code kept, when nobody listens", async () => {
    const network = new MemoryStreams();
    const error = await network.connect({ hostname: "127.0.0.1", port: 2083 }).catch((e) => e);
    assert.ok(error instanceof Error);
    assert.equal(codeOf(error), "ECONNREFUSED");
    assert.match(error.message, /127\.0\.0\.1:2083/);
    await assert.rejects(network.connect({ hostname: "localhost", port: 2083 }), TypeError);
    assert.equal(network.stats.refused, 1);
  });

  test("close() stops accepting, returns the same outcome again, and leaves accepted connections open", async () => {
    const { network, listener, client, server } = await pair();
    const atServer = new Recorder();
    server.start(atServer);
    client.start(new Recorder());
    const closing = listener.close();
    assert.equal(listener.close(), closing);
    await closing;
    await assert.rejects(
      network.connect({ hostname: "127.0.0.1", port: listener.local.port }),
      { code: "ECONNREFUSED" },
    );
    client.write(new Uint8Array([7]));
    await network.idle();
    assert.deepEqual(atServer.bytes, new Uint8Array([7]));
    // The port is free again.
    await network.listen({ hostname: "127.0.0.1", port: listener.local.port }, () => {});
  });

  test("a connection that arrives while the listener closes is refused", async () => {
    const network = new MemoryStreams({ latency: 1 });
    const listener = await network.listen({ hostname: "127.0.0.1", port: 0 }, () => {});
    const connecting = network.connect({ hostname: "127.0.0.1", port: listener.local.port });
    await listener.close();
    await assert.rejects(connecting, { code: "ECONNREFUSED" });
    assert.equal(network.stats.opened, 0);
  });

  test("nothing is delivered before start(); then everything, in order", async () => {
    const { network, client, server } = await pair();
    client.write(pattern(10, 1));
    client.write(pattern(5, 2));
    await network.idle();
    const atServer = new Recorder();
    server.start(atServer);
    assert.deepEqual(atServer.chunks, []); // not from inside start()
    await network.idle();
    assert.deepEqual(atServer.bytes, concat([pattern(10, 1), pattern(5, 2)]));
    assert.deepEqual(atServer.sizes, [10, 5]); // no fault: one chunk per write
  });

  test("start() twice throws", async () => {
    const { client } = await pair();
    client.start(new Recorder());
    assert.throws(() => client.start(new Recorder()), /once/);
  });

  test("pause() holds bytes back until resume()", async () => {
    const { network, client, server, atServer } = await started();
    server.pause();
    client.write(pattern(8));
    await network.idle(); // what pause holds does not keep the network busy
    assert.deepEqual(atServer.chunks, []);
    server.resume();
    assert.deepEqual(atServer.chunks, []); // not from inside resume()
    await network.idle();
    assert.deepEqual(atServer.bytes, pattern(8));
  });

  test("pause() from inside onData stops the next chunk", async () => {
    const { network, client, server } = await pair();
    const sizes: number[] = [];
    server.start({
      onData: (data) => {
        sizes.push(data.length);
        server.pause();
      },
      onClose: () => {},
    });
    client.write(new Uint8Array(1));
    client.write(new Uint8Array(2));
    client.write(new Uint8Array(3));
    await network.idle();
    assert.deepEqual(sizes, [1]);
    server.resume();
    await network.idle();
    assert.deepEqual(sizes, [1, 2]);
    server.resume();
    await network.idle();
    assert.deepEqual(sizes, [1, 2, 3]);
  });

  test("onData is never called from inside write()", async () => {
    const { network, client, server } = await pair();
    let writing = false;
    let inside = 0;
    let echoed = 0;
    const guard = (write: () => void) => {
      writing = true;
      write();
      writing = false;
    };
    server.start({
      onData: (data) => {
        if (writing) inside++;
        guard(() => server.write(data));
      },
      onClose: () => {},
    });
    client.start({
      onData: (data) => {
        if (writing) inside++;
        echoed += data.length;
        if (echoed < 100) guard(() => client.write(data));
      },
      onClose: () => {},
    });
    guard(() => client.write(new Uint8Array(10)));
    await network.idle();
    assert.equal(echoed, 100);
    assert.equal(inside, 0);
  });

  test("end() delivers what is queued, then the peer's onClose(undefined); the peer closes back", async () => {
    const { network, client, server, atClient, atServer } = await started({ latency: 2 });
    server.write(pattern(3, 9)); // the server's bytes still reach the client after the end
    client.write(pattern(100, 1));
    client.write(pattern(50, 2));
    client.end();
    assert.equal(client.write(new Uint8Array(1)), false); // after end()
    await network.idle();
    assert.deepEqual(atServer.bytes, concat([pattern(100, 1), pattern(50, 2)]));
    assert.deepEqual(atServer.events, ["data 100", "data 50", "close"]);
    assert.deepEqual(atClient.events, ["data 3", "close"]);
    assert.deepEqual(atClient.bytes, pattern(3, 9));
    assert.equal(server.write(new Uint8Array(1)), false); // closed in turn
    assert.equal(network.stats.closed, 1);
    assert.equal(network.stats.bytesDropped, 0);
    client.end(); // again: nothing
    client.destroy(); // after the close: nothing
    await network.idle();
    assert.equal(atClient.closes.length, 1);
  });

  test("end() on both sides at once closes both, each after the other's bytes", async () => {
    const { network, client, server, atClient, atServer } = await started();
    client.write(pattern(4));
    server.write(pattern(6));
    client.end();
    server.end();
    await network.idle();
    assert.deepEqual(atServer.events, ["data 4", "close"]);
    assert.deepEqual(atClient.events, ["data 6", "close"]);
  });

  test("destroy() closes at once: queued bytes are dropped, the peer sees an orderly close", async () => {
    const { network, client, server, atClient, atServer } = await started();
    network.stall(client, "send");
    client.write(pattern(30));
    client.destroy();
    client.destroy(); // idempotent
    assert.equal(client.write(new Uint8Array(1)), false);
    network.release(client);
    await network.idle();
    assert.deepEqual(atServer.events, ["close"]);
    assert.deepEqual(atClient.events, ["close"]);
    assert.equal(network.stats.bytesDropped, 30);
    assert.equal(server.write(new Uint8Array(1)), false);
    assertAccounted(network, 0);
  });

  test("bytes written to a destroyed peer before the close arrives are lost, not delivered", async () => {
    const { network, client, server, atClient } = await started({ latency: 1 });
    client.destroy();
    assert.equal(server.write(pattern(5)), true); // TCP cannot know yet
    await network.idle();
    assert.deepEqual(atClient.events, ["close"]);
    assert.equal(network.stats.bytesDropped, 5);
  });

  test("onClose comes once, after start, even when the close came first", async () => {
    const { network, client, server } = await pair();
    client.start(new Recorder());
    client.destroy();
    await network.idle();
    const atServer = new Recorder();
    server.start(atServer);
    await network.idle();
    assert.deepEqual(atServer.events, ["close"]);
    assert.equal(network.referenced, 1); // the listener only
  });

  test("write() returns false at the high-water mark and onDrain follows once delivered", async () => {
    const { network, client, server, atClient, atServer } = await started({ highWaterMark: 10 });
    server.pause();
    assert.equal(client.write(new Uint8Array(6)), true);
    assert.equal(client.write(new Uint8Array(6)), false);
    assert.equal(client.write(new Uint8Array(6)), false); // still accepted
    await network.idle();
    assert.equal(atClient.drains, 0);
    server.resume();
    await network.idle();
    assert.equal(atServer.bytes.length, 18);
    assert.equal(atClient.drains, 1);
    assert.equal(client.write(new Uint8Array(6)), true);
  });

  test("the default high-water mark is 64 KiB of undelivered bytes", async () => {
    const { network, client, server } = await started();
    server.pause();
    assert.equal(client.write(new Uint8Array(65535)), true);
    assert.equal(client.write(new Uint8Array(1)), false);
    server.resume();
    await network.idle();
  });

  test("delivered bytes are the receiver's own; the writer may reuse its buffer", async () => {
    const network = new MemoryStreams();
    const [first, second] = [await pair({}, network), await pair({}, network)];
    const atFirst = new Recorder();
    const atSecond = new Recorder();
    first.server.start(atFirst);
    second.server.start(atSecond);
    const buffer = pattern(16);
    first.client.write(buffer);
    second.client.write(buffer);
    buffer.fill(0);
    await network.idle();
    assert.deepEqual(atFirst.bytes, pattern(16));
    assert.notEqual(atFirst.chunks[0]!.buffer, buffer.buffer);
    assert.notEqual(atFirst.chunks[0]!.buffer, atSecond.chunks[0]!.buffer);
    atFirst.chunks[0]!.fill(1);
    assert.deepEqual(atSecond.bytes, pattern(16));
  });

  test("a handler that throws resets its connection; its end closes with what it threw", async () => {
    const { network, client, server } = await pair();
    const atClient = new Recorder();
    const closes: (Error | undefined)[] = [];
    const thrown = new Error("handler bug");
    server.start({
      onData: () => {
        throw thrown;
      },
      onClose: (error) => closes.push(error),
    });
    client.start(atClient);
    client.write(new Uint8Array(3));
    client.write(new Uint8Array(4));
    await network.idle();
    assert.deepEqual(closes, [thrown]);
    assert.deepEqual(atClient.events, ["close ECONNRESET"]);
    assert.equal(network.stats.reset, 1);
    assertAccounted(network, 0);
  });

  test("a TCP connection refused by onConnection is connected, then closed (a connection limit)", async () => {
    const network = new MemoryStreams();
    const listener = await network.listen({ hostname: "127.0.0.1", port: 0 }, (c) => c.destroy());
    const client = await network.connect({ hostname: "127.0.0.1", port: listener.local.port });
    const atClient = new Recorder();
    client.start(atClient);
    await network.idle();
    assert.deepEqual(atClient.events, ["close"]);
    assert.equal(network.stats.closed, 1);
  });

  test("a TLS connection closed by onConnection fails connect() with ECONNRESET", async () => {
    const network = new MemoryStreams();
    await network.listen({ hostname: "127.0.0.1", port: 2083, tls: serverTls }, (c) => c.destroy());
    await assert.rejects(network.connect({ hostname: "127.0.0.1", port: 2083, tls: nasTls() }), {
      code: "ECONNRESET",
    });
    assert.equal(network.stats.closed, 1);
  });

  test("what onConnection throws goes to onError; the connection stays", async () => {
    const network = new MemoryStreams();
    const errors: Error[] = [];
    const listener = await network.listen({
      hostname: "127.0.0.1",
      port: 0,
      onError: (error) => errors.push(error),
    }, () => {
      throw new Error("accept bug");
    });
    const client = await network.connect({ hostname: "127.0.0.1", port: listener.local.port });
    assert.deepEqual(errors.map((error) => error.message), ["accept bug"]);
    assert.equal(client.write(new Uint8Array(1)), true);
  });

  test("idle() does not wait for bytes an end not started holds", async () => {
    const { network, client } = await pair({ latency: 3 });
    client.write(pattern(4));
    await network.idle();
    assert.equal(network.stats.bytesDelivered, 0);
    assertAccounted(network, 4);
  });

  test("idle() waits for replies and closes caused by deliveries", async () => {
    const network = new MemoryStreams({ latency: 3 });
    const listener = await network.listen({ hostname: "127.0.0.1", port: 0 }, (connection) => {
      connection.start({
        onData: (data) => {
          connection.write(data);
          connection.end();
        },
        onClose: () => {},
      });
    });
    const client = await network.connect({ hostname: "127.0.0.1", port: listener.local.port });
    const atClient = new Recorder();
    client.start(atClient);
    client.write(pattern(4));
    await network.idle();
    assert.deepEqual(atClient.events, ["data 4", "close"]);
    assert.equal(network.stats.closed, 1);
  });

  test("referenced counts listeners and open ends that are not unref'd", async () => {
    const { network, listener, client, server } = await pair();
    assert.equal(network.referenced, 3);
    client.unref?.();
    server.unref?.();
    assert.equal(network.referenced, 1);
    client.ref?.();
    assert.equal(network.referenced, 2);
    client.destroy();
    server.destroy();
    assert.equal(network.referenced, 1);
    await listener.close();
    assert.equal(network.referenced, 0);
  });

  test("connect() rejects with the reason of an aborted signal", async () => {
    const network = new MemoryStreams();
    await network.listen({ hostname: "127.0.0.1", port: 2083 }, () => {});
    const reason = new Error("gave up");
    await assert.rejects(
      network.connect({ hostname: "127.0.0.1", port: 2083, signal: AbortSignal.abort(reason) }),
      (error) => error === reason,
    );
    assert.equal(network.stats.opened, 0);
  });

  test("connections come from sourceAddress when set", async () => {
    const network = new MemoryStreams({ sourceAddress: "192.0.2.1" });
    const { client, server } = await pair({}, network);
    assert.equal(client.local.hostname, "192.0.2.1");
    assert.deepEqual(server.remote, client.local);
    await assert.rejects(network.connect({ hostname: "::1", port: 1 }), { code: "EAFNOSUPPORT" });
    network.configure({ sourceAddress: undefined });
    const other = await network.connect({ hostname: "127.0.0.1", port: client.remote.port });
    assert.equal(other.local.hostname, "127.0.0.1");
    assert.throws(() => network.configure({ sourceAddress: "nas.example.org" }), TypeError);
  });

  test("configure() rejects values out of range and changes nothing then", () => {
    const network = new MemoryStreams();
    assert.throws(() => network.configure({ split: 0 }), RangeError);
    assert.throws(() => network.configure({ split: 1.5 }), RangeError);
    assert.throws(() => network.configure({ latency: -1 }), RangeError);
    assert.throws(() => network.configure({ highWaterMark: 0 }), RangeError);
    assert.throws(() => network.configure({ resetAfter: 0 }), RangeError);
    assert.throws(() => network.configure({ latency: 5, highWaterMark: -1 }), RangeError);
    assert.throws(() => network.configure({ handshake: "later" as "stall" }), RangeError);
    assert.throws(() => network.configure({ tlsVersion: "TLSv1.1" as "TLSv1.2" }), RangeError);
  });

  test("reset(), stall() and release() refuse a connection of another network", async () => {
    const { client } = await pair();
    const other = new MemoryStreams();
    assert.throws(() => other.reset(client), TypeError);
    assert.throws(() => other.stall(client), TypeError);
    assert.throws(() => other.release(client), TypeError);
  });
});

describe("MemoryStreams: faults", () => {
  test("split: true delivers writes in random pieces, in order, the same for the same seed", async () => {
    const run = async (seed: number) => {
      const { network, client, atServer } = await started({ seed, split: true });
      client.write(pattern(200, 1));
      client.write(pattern(200, 2));
      await network.idle();
      assert.deepEqual(atServer.bytes, concat([pattern(200, 1), pattern(200, 2)]));
      return atServer.sizes;
    };
    const sizes = await run(5);
    assert.ok(sizes.length > 2, `${sizes}`);
    assert.deepEqual(await run(5), sizes);
    assert.notDeepEqual(await run(6), sizes);
  });

  test("split: n delivers pieces of at most n bytes; split: 1 byte by byte", async () => {
    for (const split of [1, 7]) {
      const { network, client, atServer } = await started({ split });
      client.write(pattern(64));
      await network.idle();
      assert.ok(atServer.sizes.every((size) => size >= 1 && size <= split), `${atServer.sizes}`);
      assert.deepEqual(atServer.bytes, pattern(64));
      if (split === 1) assert.equal(atServer.chunks.length, 64);
    }
  });

  test("coalesce joins the writes that arrive together into one chunk", async () => {
    const { network, client, atServer } = await started({ coalesce: true });
    client.write(pattern(3, 1));
    client.write(pattern(4, 2));
    client.write(pattern(5, 3));
    await network.idle();
    client.write(pattern(6, 4));
    await network.idle();
    assert.deepEqual(atServer.sizes, [12, 6]);
    assert.deepEqual(
      atServer.bytes,
      concat([pattern(3, 1), pattern(4, 2), pattern(5, 3), pattern(6, 4)]),
    );
  });

  test("coalesce and split together cut the joined bytes anywhere", async () => {
    const { network, client, atServer } = await started({ coalesce: true, split: 5, seed: 9 });
    const writes = [pattern(3, 1), pattern(9, 2), pattern(1, 3), pattern(7, 4)];
    for (const write of writes) client.write(write);
    await network.idle();
    assert.deepEqual(atServer.bytes, concat(writes));
    assert.ok(atServer.sizes.every((size) => size <= 5));
    // Some piece spans the boundary between two writes.
    const boundaries = [3, 12, 13];
    let start = 0;
    const spanning = atServer.sizes.filter((size) => {
      const end = start + size;
      const spans = boundaries.some((boundary) => start < boundary && boundary < end);
      start = end;
      return spans;
    });
    assert.ok(spanning.length > 0, `${atServer.sizes}`);
  });

  test("latency delays delivery by timer, never reordering bytes when it changes", async () => {
    const { network, client, atServer } = await started({ latency: 40 });
    client.write(pattern(2, 1));
    network.configure({ latency: 0 });
    client.write(pattern(2, 2));
    // A 0 ms timer set now fires before the 40 ms one: the first write has not arrived.
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.deepEqual(atServer.chunks, []);
    await network.idle();
    assert.deepEqual(atServer.bytes, concat([pattern(2, 1), pattern(2, 2)]));
  });

  test("latency applies to accepting: connect() waits for it", async () => {
    const network = new MemoryStreams({ latency: 30 });
    let accepted = 0;
    await network.listen({ hostname: "127.0.0.1", port: 2083 }, () => accepted++);
    const connecting = network.connect({ hostname: "127.0.0.1", port: 2083 });
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.equal(accepted, 0);
    await connecting;
    assert.equal(accepted, 1);
  });

  test("resetAfter resets a connection once it carried that many bytes, cutting the delivery", async () => {
    const { network, client, server, atClient, atServer } = await started({ resetAfter: 10 });
    server.write(pattern(4, 7));
    await network.idle();
    client.write(pattern(25, 1));
    await network.idle();
    assert.deepEqual(atClient.bytes, pattern(4, 7));
    assert.deepEqual(atServer.bytes, pattern(6, 1)); // 4 + 6 = 10 bytes carried
    assert.deepEqual(atServer.events, ["data 6", "close ECONNRESET"]);
    assert.deepEqual(atClient.events, ["data 4", "close ECONNRESET"]);
    assert.equal(client.write(new Uint8Array(1)), false);
    assert.equal(network.stats.reset, 1);
    assert.equal(network.stats.closed, 1);
    assert.equal(network.stats.bytesDropped, 19);
    assertAccounted(network, 0);
  });

  test("resetAfter: undefined turns it off again", async () => {
    const network = new MemoryStreams({ resetAfter: 5 });
    network.configure({ resetAfter: undefined });
    const { client, server } = await pair({}, network);
    const atServer = new Recorder();
    server.start(atServer);
    client.write(pattern(50));
    await network.idle();
    assert.deepEqual(atServer.events, ["data 50"]);
  });

  test("reset() closes both ends with ECONNRESET, drops what is queued, and reaches a paused end", async () => {
    const { network, client, server, atClient, atServer } = await started({ latency: 1 });
    server.pause();
    client.write(pattern(20));
    server.write(pattern(5));
    network.reset(server);
    await network.idle();
    assert.deepEqual(atServer.events, ["close ECONNRESET"]);
    assert.deepEqual(atClient.events, ["close ECONNRESET"]);
    assert.notEqual(atServer.closes[0], atClient.closes[0]);
    assert.equal(network.stats.bytesDropped, 25);
    assert.equal(client.write(new Uint8Array(1)), false);
    network.reset(client); // again: nothing more to close
    await network.idle();
    assert.equal(atClient.closes.length, 1);
    assert.equal(network.stats.closed, 1);
    assert.equal(network.stats.reset, 1);
  });

  test("reset() of an end not started yet reaches it at start", async () => {
    const { network, client, server } = await pair();
    network.reset(client);
    await network.idle();
    const atServer = new Recorder();
    server.start(atServer);
    await network.idle();
    assert.deepEqual(atServer.events, ["close ECONNRESET"]);
  });

  test("stall() holds one direction; writes back up to the high-water mark; release() delivers", async () => {
    const { network, client, server, atClient, atServer } = await started({ highWaterMark: 8 });
    network.stall(client, "send");
    assert.equal(client.write(pattern(5, 1)), true);
    assert.equal(client.write(pattern(5, 2)), false);
    server.write(pattern(3, 3)); // the other way still flows
    await network.idle();
    assert.deepEqual(atServer.chunks, []);
    assert.deepEqual(atClient.bytes, pattern(3, 3));
    assertAccounted(network, 10);
    network.release(client);
    await network.idle();
    assert.deepEqual(atServer.bytes, concat([pattern(5, 1), pattern(5, 2)]));
    assert.equal(atClient.drains, 1);
  });

  test("stall() of the receiving side and of both sides", async () => {
    const { network, client, server, atClient, atServer } = await started();
    network.stall(server, "receive");
    client.write(pattern(2));
    server.write(pattern(3));
    await network.idle();
    assert.deepEqual(atServer.chunks, []);
    assert.deepEqual(atClient.sizes, [3]);
    network.release(server, "receive");
    await network.idle();
    assert.deepEqual(atServer.sizes, [2]);
    network.stall(client); // both ways
    client.write(pattern(4));
    server.write(pattern(5));
    await network.idle();
    assert.deepEqual(atServer.sizes, [2]);
    assert.deepEqual(atClient.sizes, [3]);
    network.release(client);
    await network.idle();
    assert.deepEqual(atServer.sizes, [2, 4]);
    assert.deepEqual(atClient.sizes, [3, 5]);
  });

  test("a stall holds the orderly close behind its bytes, not a reset", async () => {
    const { network, client, atServer } = await started();
    network.stall(client, "send");
    client.write(pattern(4));
    client.end();
    await network.idle();
    assert.deepEqual(atServer.events, []);
    network.release(client);
    await network.idle();
    assert.deepEqual(atServer.events, ["data 4", "close"]);
    const second = await started();
    second.network.stall(second.client);
    second.network.reset(second.client);
    await second.network.idle();
    assert.deepEqual(second.atServer.events, ["close ECONNRESET"]);
  });

  test("a partial packet then silence: the receiver sees the piece and nothing more (slowloris)", async () => {
    const { network, client, server, atServer } = await started();
    client.write(new Uint8Array([1, 7, 0, 20, 9])); // a RADIUS header announcing 20 bytes, then 1 of 16
    await network.idle();
    assert.deepEqual(atServer.sizes, [5]);
    server.destroy(); // what a partial-packet timeout does
    await network.idle();
    assert.deepEqual(atServer.events, ["data 5", "close"]);
    assert.equal(client.write(new Uint8Array(1)), false);
  });
});

describe("MemoryStreams: TLS", () => {
  test("a mutual TLS handshake gives both sides TLSv1.3, ALPN and the other's certificate", async () => {
    const network = new MemoryStreams();
    const { accepted } = await tlsListener(network);
    const client = await network.connect({
      hostname: "127.0.0.1",
      port: 2083,
      tls: nasTls("nas1", { alpnProtocols: ["radius/1.0", "radius/1.1"] }),
    });
    const server = accepted[0]!;
    const atServer = await server.handshake();
    const atClient = await client.handshake();
    assert.ok(atServer && atClient);
    assert.equal(atServer.protocol, "TLSv1.3");
    assert.equal(atClient.protocol, "TLSv1.3");
    assert.equal(atServer.alpnProtocol, "radius/1.1");
    assert.equal(atClient.alpnProtocol, "radius/1.1");
    assert.equal(atServer.authorized, true);
    assert.equal(atServer.authorizationError, undefined);
    assert.equal(atServer.peerCertificate?.commonName, "nas1.test");
    assert.equal(atServer.peerCertificate?.fingerprint256, FINGERPRINTS.get("nas1"));
    assert.deepEqual(atServer.peerCertificate?.subjectAltNames, [
      "DNS:nas1.test",
      "IP:127.0.0.1",
      "IP:::1",
    ]);
    assert.equal(atClient.authorized, true);
    assert.equal(atClient.peerCertificate?.commonName, "radius.test");
    assert.equal(atClient.peerCertificate?.fingerprint256, FINGERPRINTS.get("server"));
    // The DER is the PEM's base64, decoded.
    const base64 = fixture("server.pem").split("\n").filter((line) => !line.startsWith("-----"))
      .join("");
    assert.deepEqual(
      atClient.peerCertificate?.der,
      Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)),
    );
    // Bytes flow once both sides start.
    const recorded = new Recorder();
    server.start(recorded);
    client.start(new Recorder());
    client.write(pattern(20));
    await network.idle();
    assert.deepEqual(recorded.bytes, pattern(20));
  });

  test("the server's accepted connection comes before the handshake, and its writes wait for it", async () => {
    const network = new MemoryStreams({ handshake: "stall" });
    const { accepted } = await tlsListener(network);
    const connecting = network.connect({ hostname: "127.0.0.1", port: 2083, tls: nasTls() });
    await network.idle();
    const server = accepted[0]!;
    assert.ok(server);
    server.start(new Recorder());
    server.write(pattern(3));
    await network.idle();
    network.release(server);
    const client = await connecting;
    const atClient = new Recorder();
    client.start(atClient);
    await network.idle();
    assert.deepEqual(atClient.bytes, pattern(3));
  });

  test("authorized is true for nas1.pem against ca.pem, false for rogue.pem and selfsigned.pem", async () => {
    const network = new MemoryStreams();
    const { accepted } = await tlsListener(network);
    const expected: [string, boolean, string | undefined][] = [
      ["nas1", true, undefined],
      ["rogue", false, "UNABLE_TO_VERIFY_LEAF_SIGNATURE"],
      ["selfsigned", false, "DEPTH_ZERO_SELF_SIGNED_CERT"],
    ];
    for (const [index, [name, authorized, why]] of expected.entries()) {
      await network.connect({ hostname: "127.0.0.1", port: 2083, tls: nasTls(name) });
      const details = await accepted[index]!.handshake();
      assert.equal(details?.authorized, authorized, name);
      assert.equal(details?.authorizationError, why, name);
      assert.equal(details?.peerCertificate?.fingerprint256, FINGERPRINTS.get(name), name);
    }
  });

  test("a server without ca hands the client certificate over, not authorized", async () => {
    const network = new MemoryStreams();
    const { accepted } = await tlsListener(network, { cert: serverTls.cert, key: serverTls.key });
    await network.connect({ hostname: "127.0.0.1", port: 2083, tls: nasTls() });
    const details = await accepted[0]!.handshake();
    assert.equal(details?.authorized, false);
    assert.equal(details?.authorizationError, "no ca configured: the certificate was not verified");
    assert.equal(details?.peerCertificate?.commonName, "nas1.test");
  });

  test("without a client certificate, or when not asked for one, the server sees none", async () => {
    const network = new MemoryStreams();
    const { accepted } = await tlsListener(network);
    await network.connect({ hostname: "127.0.0.1", port: 2083, tls: { ca: fixture("ca.pem") } });
    const details = await accepted[0]!.handshake();
    assert.equal(details?.peerCertificate, undefined);
    assert.equal(details?.authorized, false);
    assert.equal(details?.authorizationError, "peer did not present a certificate");
    const other = await tlsListener(network, { ...serverTls, requestCertificate: false }, {
      port: 2084,
    });
    await network.connect({ hostname: "127.0.0.1", port: 2084, tls: nasTls() });
    assert.equal((await other.accepted[0]!.handshake())?.peerCertificate, undefined);
  });

  test("ALPN: undefined when either side offers none; a failed handshake when they share none", async () => {
    const network = new MemoryStreams();
    const { accepted } = await tlsListener(network);
    const cases: [string[] | undefined, string | undefined][] = [
      [undefined, undefined],
      [["radius/1.0"], "radius/1.0"],
    ];
    for (const [index, [offer, expected]] of cases.entries()) {
      const client = await network.connect({
        hostname: "127.0.0.1",
        port: 2083,
        tls: nasTls("nas1", offer === undefined ? {} : { alpnProtocols: offer }),
      });
      assert.equal((await client.handshake())?.alpnProtocol, expected);
      assert.equal((await accepted[index]!.handshake())?.alpnProtocol, expected);
    }
    await assert.rejects(
      network.connect({
        hostname: "127.0.0.1",
        port: 2083,
        tls: nasTls("nas1", { alpnProtocols: ["radius/2.0"] }),
      }),
      { code: "ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL" },
    );
    await assert.rejects(accepted[2]!.handshake(), { code: "ERR_SSL_NO_APPLICATION_PROTOCOL" });
    assert.equal(network.stats.handshakesFailed, 1);
    const plain = await tlsListener(network, { cert: serverTls.cert, key: serverTls.key }, {
      port: 2084,
    });
    const client = await network.connect({
      hostname: "127.0.0.1",
      port: 2084,
      tls: nasTls("nas1", { alpnProtocols: ["radius/1.1"] }),
    });
    assert.equal((await client.handshake())?.alpnProtocol, undefined);
    assert.equal(plain.accepted.length, 1);
  });

  test("connect() rejects a server it does not authorize unless verify is false", async () => {
    const network = new MemoryStreams();
    const { accepted } = await tlsListener(network);
    // The server's ca holds its issuer, so it sends that CA along, as OpenSSL does.
    await assert.rejects(
      network.connect({ hostname: "127.0.0.1", port: 2083, tls: { ca: fixture("other_ca.pem") } }),
      { code: "SELF_SIGNED_CERT_IN_CHAIN" },
    );
    await assert.rejects(accepted[0]!.handshake(), { code: "ECONNRESET" });
    await assert.rejects(
      network.connect({
        hostname: "127.0.0.1",
        port: 2083,
        tls: { ca: fixture("ca.pem"), servername: "nas1.test" },
      }),
      { code: "ERR_TLS_CERT_ALTNAME_INVALID" },
    );
    await assert.rejects(
      network.connect({ hostname: "127.0.0.1", port: 2083, tls: {} }),
      { code: "SELF_SIGNED_CERT_IN_CHAIN", message: /no system trust store/ },
    );
    const lenient = await network.connect({
      hostname: "127.0.0.1",
      port: 2083,
      tls: { ca: fixture("other_ca.pem"), verify: false },
    });
    const details = await lenient.handshake();
    assert.equal(details?.authorized, false);
    assert.equal(details?.authorizationError, "SELF_SIGNED_CERT_IN_CHAIN");
    assert.equal(details?.peerCertificate?.fingerprint256, FINGERPRINTS.get("server"));
    assert.equal(network.stats.handshakesFailed, 3);
    // A failed handshake closes the server's end, with the error, once started.
    const atServer = new Recorder();
    accepted[0]!.start(atServer);
    await network.idle();
    assert.deepEqual(atServer.events, ["close ECONNRESET"]);
  });

  test("servername and IP literals are checked against the server certificate", async () => {
    const network = new MemoryStreams();
    await network.listen({ hostname: "0.0.0.0", port: 2083, tls: serverTls }, () => {});
    await network.listen({ hostname: "::", port: 2083, tls: serverTls }, () => {});
    const ca = fixture("ca.pem");
    await network.connect({ hostname: "127.0.0.1", port: 2083, tls: { ca } });
    await network.connect({ hostname: "::1", port: 2083, tls: { ca } });
    await network.connect({
      hostname: "192.0.2.10",
      port: 2083,
      tls: { ca, servername: "radius.test" },
    });
    await assert.rejects(network.connect({ hostname: "192.0.2.10", port: 2083, tls: { ca } }), {
      code: "ERR_TLS_CERT_ALTNAME_INVALID",
    });
  });

  test("tlsVersion sets the protocol; a minVersion above it fails the handshake", async () => {
    const network = new MemoryStreams({ tlsVersion: "TLSv1.2" });
    const { accepted } = await tlsListener(network);
    const client = await network.connect({ hostname: "127.0.0.1", port: 2083, tls: nasTls() });
    assert.equal((await client.handshake())?.protocol, "TLSv1.2");
    assert.equal((await accepted[0]!.handshake())?.protocol, "TLSv1.2");
    await assert.rejects(
      network.connect({
        hostname: "127.0.0.1",
        port: 2083,
        tls: nasTls("nas1", { minVersion: "TLSv1.3" }),
      }),
      { code: "ERR_SSL_UNSUPPORTED_PROTOCOL" },
    );
    await assert.rejects(accepted[1]!.handshake(), { code: "ERR_SSL_UNSUPPORTED_PROTOCOL" });
  });

  test('handshake: "fail" fails both sides; the server\'s end closes with the error', async () => {
    const network = new MemoryStreams({ handshake: "fail" });
    const { accepted } = await tlsListener(network);
    await assert.rejects(network.connect({ hostname: "127.0.0.1", port: 2083, tls: nasTls() }), {
      code: "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE",
    });
    const server = accepted[0]!;
    const atServer = new Recorder();
    server.start(atServer);
    await assert.rejects(server.handshake(), { code: "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE" });
    await network.idle();
    assert.deepEqual(atServer.events, ["close ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE"]);
    assert.equal(network.stats.handshakesFailed, 1);
    assert.equal(network.stats.closed, 1);
  });

  test('handshake: "stall" never completes; the server giving up fails connect() with ECONNRESET', async () => {
    const network = new MemoryStreams({ handshake: "stall" });
    const { accepted } = await tlsListener(network);
    let settled = false;
    const connecting = network.connect({ hostname: "127.0.0.1", port: 2083, tls: nasTls() });
    connecting.then(() => (settled = true), () => (settled = true));
    const handshake = accepted.length === 0 ? undefined : accepted[0]!.handshake();
    assert.equal(handshake, undefined); // accepted by timer, not inside connect()
    await network.idle(); // a stalled handshake does not keep the network busy
    assert.equal(settled, false);
    const server = accepted[0]!;
    const atServer = new Recorder();
    server.start(atServer);
    server.destroy(); // what a handshake timeout does
    await assert.rejects(connecting, { code: "ECONNRESET" });
    await assert.rejects(server.handshake(), { code: "ECONNRESET" });
    await network.idle();
    assert.deepEqual(atServer.events, ["close"]);
    assert.equal(network.stats.closed, 1);
  });

  test("a stalled handshake ends with the client's signal, or with reset()", async () => {
    const network = new MemoryStreams({ handshake: "stall" });
    const { accepted } = await tlsListener(network);
    const controller = new AbortController();
    const connecting = network.connect({
      hostname: "127.0.0.1",
      port: 2083,
      tls: nasTls(),
      signal: controller.signal,
    });
    await network.idle();
    const atServer = new Recorder();
    accepted[0]!.start(atServer);
    const reason = new Error("handshake timeout");
    controller.abort(reason);
    await assert.rejects(connecting, (error) => error === reason);
    await network.idle();
    assert.deepEqual(atServer.events, ["close ECONNRESET"]);
    const second = network.connect({ hostname: "127.0.0.1", port: 2083, tls: nasTls() });
    await network.idle();
    network.reset(accepted[1]!);
    await assert.rejects(second, { code: "ECONNRESET" });
    await assert.rejects(accepted[1]!.handshake(), { code: "ECONNRESET" });
  });

  test("a handshake hook decides per connection, from the addresses", async () => {
    const seen: string[] = [];
    const network = new MemoryStreams({
      handshake: (client, server) => {
        seen.push(`${client.hostname}->${server.hostname}:${server.port}`);
        return client.hostname === "192.0.2.66" ? "fail" : "complete";
      },
    });
    await tlsListener(network, serverTls, { hostname: "0.0.0.0" });
    const ca = fixture("ca.pem");
    await network.connect({ hostname: "127.0.0.1", port: 2083, tls: { ca } });
    network.configure({ sourceAddress: "192.0.2.66" });
    await assert.rejects(network.connect({ hostname: "127.0.0.1", port: 2083, tls: { ca } }), {
      code: "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE",
    });
    assert.deepEqual(seen, ["127.0.0.1->127.0.0.1:2083", "192.0.2.66->127.0.0.1:2083"]);
    // A hook that throws fails the handshake with what it threw.
    network.configure({
      handshake: () => {
        throw new Error("hook bug");
      },
    });
    await assert.rejects(
      network.connect({ hostname: "127.0.0.1", port: 2083, tls: { ca } }),
      /hook bug/,
    );
  });

  test("TLS and plain TCP do not meet: EPROTO", async () => {
    const network = new MemoryStreams();
    const plainAccepted: StreamConnection[] = [];
    await network.listen({ hostname: "127.0.0.1", port: 1812 }, (c) => plainAccepted.push(c));
    await assert.rejects(network.connect({ hostname: "127.0.0.1", port: 1812, tls: nasTls() }), {
      code: "EPROTO",
    });
    const atPlain = new Recorder();
    plainAccepted[0]!.start(atPlain);
    assert.equal(await plainAccepted[0]!.handshake(), undefined);
    await network.idle();
    assert.deepEqual(atPlain.events, ["close"]);

    const { accepted } = await tlsListener(network);
    const client = await network.connect({ hostname: "127.0.0.1", port: 2083 });
    await assert.rejects(accepted[0]!.handshake(), { code: "EPROTO" });
    const atClient = new Recorder();
    client.start(atClient);
    await network.idle();
    assert.deepEqual(atClient.events, ["close"]);
  });

  test("listen() and connect() refuse PEM that does not hold what TLS needs", async () => {
    const network = new MemoryStreams();
    await assert.rejects(
      network.listen({
        hostname: "127.0.0.1",
        port: 2083,
        tls: { cert: "garbage", key: fixture("server.key") },
      }, () => {}),
      { code: "ERR_OSSL_PEM_NO_START_LINE" },
    );
    await assert.rejects(
      network.listen({
        hostname: "127.0.0.1",
        port: 2083,
        tls: { cert: fixture("server.pem"), key: "" },
      }, () => {}),
      { code: "ERR_OSSL_PEM_NO_START_LINE" },
    );
    await tlsListener(network);
    await assert.rejects(
      network.connect({ hostname: "127.0.0.1", port: 2083, tls: { cert: fixture("nas1.pem") } }),
      TypeError,
    );
  });
});
