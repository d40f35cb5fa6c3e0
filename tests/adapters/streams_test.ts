// The stream transport (RFC 6613 TCP, RFC 6614 TLS) of the runtime running
// the tests: `streams()` of its adapter, on that runtime's node:net and
// node:tls. Peers that the transport cannot play (a TLS 1.2-only server, a
// client that never handshakes) are node:net and node:tls sockets.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { readFileSync } from "node:fs";
import { type AddressInfo, connect as netConnect, createServer as netServer } from "node:net";
import * as tls from "node:tls";
import type {
  StreamConnection,
  StreamServer,
  StreamTransport,
  TlsClientOptions,
  TlsDetails,
  TlsServerOptions,
} from "../../src/stream_transport.ts";
import { streams as autoStreams } from "../../adapters/auto.ts";
import { streams as bunStreams } from "../../adapters/bun.ts";
import { streams as denoStreams } from "../../adapters/deno.ts";
import { streams as nodeStreams } from "../../adapters/node.ts";
import { NO_CA, NO_PEER_CERTIFICATE, parseSubjectAltNames } from "../../adapters/_tls_details.ts";
import { runtime } from "../_udp.ts";
import { runChild } from "./_subjects.ts";

const transport: StreamTransport = { deno: denoStreams, bun: bunStreams, node: nodeStreams }[
  runtime
]();

// ---- certificates ---------------------------------------------------------

function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/tls/${name}`, import.meta.url), "utf8");
}

const pki = {
  ca: fixture("ca.pem"),
  otherCa: fixture("other_ca.pem"),
  server: { cert: fixture("server.pem"), key: fixture("server.key") },
  nas1: { cert: fixture("nas1.pem"), key: fixture("nas1.key") },
  rogue: { cert: fixture("rogue.pem"), key: fixture("rogue.key") },
  selfsigned: { cert: fixture("selfsigned.pem"), key: fixture("selfsigned.key") },
};

/** SHA-256 fingerprints as `openssl x509 -fingerprint -sha256` printed them. */
const fingerprints = new Map(
  fixture("fingerprints.txt").trim().split("\n").map((line) => {
    const [name, fingerprint] = line.split(" ");
    return [name!, fingerprint!] as const;
  }),
);

function derOf(pem: string): Uint8Array {
  const base64 = pem.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");
  return new Uint8Array(Buffer.from(base64, "base64"));
}

const serverTls: TlsServerOptions = {
  ...pki.server,
  ca: pki.ca,
  alpnProtocols: ["radius/1.1", "radius/1.0"],
};
const clientTls: TlsClientOptions = {
  ...pki.nas1,
  ca: pki.ca,
  servername: "radius.test",
  alpnProtocols: ["radius/1.1"],
};

// ---- harness ---------------------------------------------------------------

type Mode = "tcp" | "tls";

/** Lets pending I/O happen; only ever followed by "nothing happened" assertions. */
function settle(ms = 100): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `done` every 10 ms until it is true; fails after 30 s rather than hang. */
async function until(done: () => boolean, what: string): Promise<void> {
  for (let tries = 0; !done(); tries++) {
    if (tries === 3000) throw new Error(`Gave up waiting for ${what}`);
    await settle(10);
  }
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** Bytes that differ at every offset of a 64 KiB read buffer, so a reused buffer would show. */
function pattern(length: number, from = 0): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const n = from + i;
    bytes[i] = (n ^ (n >>> 8) ^ ((n >>> 16) * 7)) & 0xff;
  }
  return bytes;
}

/** What a started connection received, and waits on it. */
class Receiver {
  readonly chunks: Uint8Array[] = [];
  length = 0;
  closes = 0;
  readonly closed: Promise<Error | undefined>;
  #closed = Promise.withResolvers<Error | undefined>();
  #waiting: { length: number; resolve: (data: Uint8Array) => void; reject: (e: Error) => void }[] =
    [];
  #drains: (() => void)[] = [];

  constructor(connection: StreamConnection, onData?: (data: Uint8Array) => void) {
    this.closed = this.#closed.promise;
    connection.start({
      onData: (data) => {
        assert.equal(this.closes, 0, "onData after onClose");
        this.chunks.push(data);
        this.length += data.length;
        onData?.(data);
        this.#waiting = this.#waiting.filter((waiter) => {
          if (this.length < waiter.length) return true;
          waiter.resolve(concat(this.chunks));
          return false;
        });
      },
      onClose: (error) => {
        this.closes++;
        this.#closed.resolve(error);
        for (const waiter of this.#waiting) {
          waiter.reject(new Error(`closed after ${this.length} bytes (${error?.message})`));
        }
        this.#waiting = [];
      },
      onDrain: () => {
        const drains = this.#drains;
        this.#drains = [];
        for (const drained of drains) drained();
      },
    });
  }

  /** Resolves with all bytes received once there are at least `length`. */
  received(length: number): Promise<Uint8Array> {
    if (this.length >= length) return Promise.resolve(concat(this.chunks));
    return new Promise((resolve, reject) => this.#waiting.push({ length, resolve, reject }));
  }

  drained(): Promise<void> {
    return new Promise((resolve) => this.#drains.push(resolve));
  }
}

interface Pair {
  server: StreamServer;
  /** The connection `connect` opened. */
  client: StreamConnection;
  /** The connection `listen` accepted. */
  accepted: StreamConnection;
  close(): Promise<void>;
}

/** Changes to the default TLS options; `undefined` removes one. */
type Changes<T> = { -readonly [K in keyof T]?: T[K] | undefined };

function change<T extends object>(base: T, changes: Changes<T> | undefined): T {
  const merged = { ...base, ...changes } as Record<string, unknown>;
  for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key];
  return merged as T;
}

interface PairOptions {
  hostname?: string;
  server?: Changes<TlsServerOptions>;
  client?: Changes<TlsClientOptions>;
}

/** A listener and one connection to it, over TCP or TLS. */
async function pair(mode: Mode, options: PairOptions = {}): Promise<Pair> {
  const hostname = options.hostname ?? "127.0.0.1";
  const accepted = Promise.withResolvers<StreamConnection>();
  const server = await transport.listen(
    { hostname, port: 0, ...(mode === "tls" ? { tls: change(serverTls, options.server) } : {}) },
    accepted.resolve,
  );
  try {
    const client = await transport.connect({
      hostname,
      port: server.local.port,
      ...(mode === "tls" ? { tls: change(clientTls, options.client) } : {}),
    });
    const connection = await accepted.promise;
    // The client is ready before the server: under TLS 1.3 the server's
    // handshake ends with the client's Finished, which may still be on its way.
    await connection.handshake();
    return {
      server,
      client,
      accepted: connection,
      async close() {
        client.destroy();
        connection.destroy();
        await server.close();
      },
    };
  } catch (error) {
    await server.close();
    throw error;
  }
}

/** Runs `body` with a pair, closing it afterwards. */
async function withPair(
  mode: Mode,
  body: (pair: Pair) => Promise<void>,
  options: PairOptions = {},
): Promise<void> {
  const opened = await pair(mode, options);
  try {
    await body(opened);
  } finally {
    await opened.close();
  }
}

// ---- tests -----------------------------------------------------------------

test("every adapter's streams() is the node:net transport", () => {
  for (const streams of [nodeStreams, bunStreams, denoStreams, autoStreams]) {
    assert.equal(streams().name, "node:net");
  }
});

for (const mode of ["tcp", "tls"] as const) {
  describe(`streams() of adapters/${runtime}.ts over ${mode.toUpperCase()}`, () => {
    test("echoes bytes; remote and local addresses mirror each other", async () => {
      await withPair(mode, async ({ client, accepted }) => {
        new Receiver(accepted, (data) => accepted.write(data));
        const echoes = new Receiver(client);
        assert.equal(client.write(new Uint8Array([1, 2, 3])), true);
        assert.deepEqual(await echoes.received(3), new Uint8Array([1, 2, 3]));
        assert.deepEqual(accepted.remote, client.local);
        assert.deepEqual(client.remote, accepted.local);
        assert.deepEqual(client.remote.hostname, "127.0.0.1");
        assert.equal(client.remote.family, "IPv4");
      });
    });

    test("works over IPv6 (::1), addresses without brackets", async () => {
      await withPair(mode, async ({ server, client, accepted }) => {
        assert.deepEqual(server.local.hostname, "::1");
        assert.equal(server.local.family, "IPv6");
        assert.deepEqual(accepted.remote, client.local);
        assert.deepEqual(client.remote, {
          hostname: "::1",
          port: server.local.port,
          family: "IPv6",
        });
        new Receiver(accepted, (data) => accepted.write(data));
        const echoes = new Receiver(client);
        client.write(new Uint8Array([9, 8, 7]));
        assert.deepEqual(await echoes.received(3), new Uint8Array([9, 8, 7]));
        if (mode === "tls") {
          // No servername: the server certificate's IP SAN ::1 matched.
          assert.equal((await client.handshake())?.authorized, true);
        }
      }, { hostname: "::1", client: { servername: undefined } });
    });

    test("a write split into single bytes arrives intact, in order", async () => {
      await withPair(mode, async ({ client, accepted }) => {
        const received = new Receiver(accepted);
        new Receiver(client);
        const message = pattern(2000, 12345);
        for (const byte of message) client.write(new Uint8Array([byte]));
        assert.deepEqual(await received.received(message.length), message);
      });
    });

    test("many writes in a row arrive intact, in order, however joined", async () => {
      await withPair(mode, async ({ client, accepted }) => {
        const received = new Receiver(accepted);
        new Receiver(client);
        const buffer = new Uint8Array(100);
        const expected: Uint8Array[] = [];
        for (let i = 0; i < 500; i++) {
          // One buffer reused for every write: write() must not keep it.
          buffer.set(pattern(100, i * 100));
          client.write(buffer);
          expected.push(pattern(100, i * 100));
        }
        assert.deepEqual(await received.received(50_000), concat(expected));
        assert.ok(received.chunks.length <= 500);
      });
    });

    test("1 MiB and more with backpressure: write() false, then onDrain; every chunk kept intact", async () => {
      await withPair(mode, async ({ client, accepted }) => {
        accepted.pause();
        const received = new Receiver(accepted);
        const sender = new Receiver(client);
        // The receiver reads nothing until the sender is told to stop, so the
        // socket buffers fill whatever their size: at least 1 MiB goes through.
        const chunk = 64 * 1024;
        let sent = 0;
        let falses = 0;
        while (sent < 1024 * 1024 || falses === 0) {
          assert.ok(sent < 256 * 1024 * 1024, "write() never returned false");
          const drained = sender.drained();
          if (!client.write(pattern(chunk, sent))) {
            falses++;
            accepted.resume();
            await drained;
          }
          sent += chunk;
        }
        const all = await received.received(sent);
        assert.equal(all.length, sent);
        // Compared only now: a runtime reusing read buffers would have overwritten earlier chunks.
        assert.deepEqual(all, pattern(sent));
        assert.ok(falses >= 1);
      });
    });

    test("bytes that arrive before start() are delivered by it", async () => {
      await withPair(mode, async ({ client, accepted }) => {
        new Receiver(client);
        client.write(new TextEncoder().encode("early"));
        await accepted.handshake();
        await settle();
        const received = new Receiver(accepted);
        assert.equal(new TextDecoder().decode(await received.received(5)), "early");
      });
    });

    test("pause() holds bytes until resume(), before and after start()", async () => {
      await withPair(mode, async ({ client, accepted }) => {
        accepted.pause();
        const received = new Receiver(accepted);
        new Receiver(client);
        client.write(new Uint8Array([1]));
        await settle();
        assert.equal(received.length, 0, "delivered while paused before start()");
        accepted.resume();
        await received.received(1);
        accepted.pause();
        client.write(new Uint8Array([2]));
        await settle();
        assert.equal(received.length, 1, "delivered while paused");
        accepted.resume();
        assert.deepEqual(await received.received(2), new Uint8Array([1, 2]));
      });
    });

    test("a peer reset reaches onClose with the error", async () => {
      await withPair(mode, async ({ client, accepted }) => {
        accepted.pause();
        new Receiver(accepted);
        const sender = new Receiver(client);
        // Fill the receiver's socket, then close it with bytes unread: the kernel resets.
        let sent = 0;
        while (client.write(pattern(64 * 1024, sent))) {
          sent += 64 * 1024;
          assert.ok(sent < 256 * 1024 * 1024, "write() never returned false");
        }
        accepted.destroy();
        // Writing on keeps the reset coming even where the first one raced the FIN.
        await until(() => {
          client.write(new Uint8Array(1024));
          return sender.closes > 0;
        }, "the reset");
        const error = await sender.closed;
        assert.ok(error instanceof Error, `onClose(${error})`);
        assert.ok(
          ["ECONNRESET", "EPIPE"].includes((error as { code?: string }).code ?? ""),
          `code ${(error as { code?: string }).code}: ${error.message}`,
        );
        assert.equal(sender.closes, 1);
      });
    });

    test("end() closes in order: onClose(undefined) on both sides, after the last bytes", async () => {
      await withPair(mode, async ({ client, accepted }) => {
        const received = new Receiver(accepted);
        const sender = new Receiver(client);
        client.write(pattern(100_000));
        client.end();
        assert.equal(await received.closed, undefined);
        assert.equal(await sender.closed, undefined);
        assert.deepEqual(concat(received.chunks), pattern(100_000));
        assert.equal(client.write(new Uint8Array(1)), false);
      });
    });

    test("destroy() closes once: onClose(undefined) here and at the peer; write() then returns false", async () => {
      await withPair(mode, async ({ client, accepted }) => {
        const received = new Receiver(accepted);
        const sender = new Receiver(client);
        client.destroy();
        client.destroy();
        assert.equal(await sender.closed, undefined);
        assert.equal(await received.closed, undefined);
        assert.equal(client.write(new Uint8Array(1)), false);
        client.end();
        client.destroy();
        await settle(20);
        assert.equal(sender.closes, 1);
        assert.equal(received.closes, 1);
      });
    });

    test("a peer's close before start() comes after the bytes it sent, once start() is called", async () => {
      await withPair(mode, async ({ client, accepted }) => {
        client.write(new Uint8Array([5, 6]));
        client.destroy();
        await settle();
        const received = new Receiver(accepted);
        assert.equal(await received.closed, undefined);
        assert.deepEqual(concat(received.chunks), new Uint8Array([5, 6]));
        assert.throws(() => accepted.start({ onData() {}, onClose() {} }), /once/);
      });
    });

    test("destroy() before start(): start() still gets onClose(undefined), once", async () => {
      await withPair(mode, async ({ accepted }) => {
        accepted.destroy();
        await settle();
        const received = new Receiver(accepted);
        assert.equal(await received.closed, undefined);
        await settle(20);
        assert.equal(received.closes, 1);
      });
    });

    test("an exception thrown by onConnection goes to onError and closes that connection", async () => {
      const errors: Error[] = [];
      const server = await transport.listen(
        {
          hostname: "127.0.0.1",
          port: 0,
          ...(mode === "tls" ? { tls: serverTls } : {}),
          onError: (error) => errors.push(error),
        },
        () => {
          throw new Error("no thanks");
        },
      );
      try {
        const closed = Promise.withResolvers<Error | undefined>();
        const client = await transport.connect({
          hostname: "127.0.0.1",
          port: server.local.port,
          ...(mode === "tls" ? { tls: clientTls } : {}),
        }).catch((error: Error) => error);
        // Under TLS the connection may be closed before the handshake ends: connect() rejects.
        if (!(client instanceof Error)) {
          client.start({ onData() {}, onClose: closed.resolve });
          await closed.promise;
        }
        assert.deepEqual(errors.map((error) => error.message), ["no thanks"]);
      } finally {
        await server.close();
      }
    });

    test("an exception thrown by onData closes the connection with it, not the process", async () => {
      await withPair(mode, async ({ client, accepted }) => {
        const closed = Promise.withResolvers<Error | undefined>();
        accepted.start({
          onData: () => {
            throw new Error("handler failed");
          },
          onClose: closed.resolve,
        });
        const sender = new Receiver(client);
        client.write(new Uint8Array(1));
        assert.equal((await closed.promise)?.message, "handler failed");
        assert.equal(await sender.closed, undefined);
      });
    });

    test("listen() on a port in use rejects with EADDRINUSE", async () => {
      const first = await transport.listen({ hostname: "127.0.0.1", port: 0 }, (c) => c.destroy());
      try {
        await assert.rejects(
          transport.listen(
            {
              hostname: "127.0.0.1",
              port: first.local.port,
              ...(mode === "tls" ? { tls: serverTls } : {}),
            },
            (c) => c.destroy(),
          ),
          { code: "EADDRINUSE" },
        );
      } finally {
        await first.close();
      }
    });

    test("close() releases the port at once, leaves accepted connections open, and settles twice", async () => {
      await withPair(mode, async ({ server, client, accepted }) => {
        const port = server.local.port;
        new Receiver(accepted, (data) => accepted.write(data));
        const echoes = new Receiver(client);
        await server.close();
        await server.close();
        const again = await transport.listen({ hostname: "127.0.0.1", port }, (c) => c.destroy());
        await again.close();
        client.write(new Uint8Array([42]));
        assert.deepEqual(await echoes.received(1), new Uint8Array([42]));
      });
    });
  });
}

test("connect() to a closed port rejects with ECONNREFUSED", async () => {
  const server = await transport.listen({ hostname: "127.0.0.1", port: 0 }, (c) => c.destroy());
  const { port } = server.local;
  await server.close();
  await assert.rejects(transport.connect({ hostname: "127.0.0.1", port }), {
    code: "ECONNREFUSED",
  });
  await assert.rejects(
    transport.connect({ hostname: "127.0.0.1", port, tls: clientTls }),
    { code: "ECONNREFUSED" },
  );
});

describe(`TLS of streams() of adapters/${runtime}.ts`, () => {
  test("handshake(): TLS 1.3, ALPN radius/1.1, both certificates, mutual authorization", async () => {
    await withPair("tls", async ({ client, accepted }) => {
      const atServer = await accepted.handshake() as TlsDetails;
      assert.equal(atServer.protocol, "TLSv1.3");
      assert.equal(atServer.alpnProtocol, "radius/1.1");
      assert.equal(atServer.authorized, true);
      assert.equal(atServer.authorizationError, undefined);
      assert.deepEqual(atServer.peerCertificate, {
        der: derOf(pki.nas1.cert),
        fingerprint256: fingerprints.get("nas1"),
        commonName: "nas1.test",
        subjectAltNames: ["DNS:nas1.test", "IP:127.0.0.1", "IP:::1"],
      });
      const atClient = await client.handshake() as TlsDetails;
      assert.equal(atClient.protocol, "TLSv1.3");
      assert.equal(atClient.alpnProtocol, "radius/1.1");
      assert.equal(atClient.authorized, true);
      assert.deepEqual(atClient.peerCertificate, {
        der: derOf(pki.server.cert),
        fingerprint256: fingerprints.get("server"),
        commonName: "radius.test",
        subjectAltNames: ["DNS:radius.test", "DNS:localhost", "IP:127.0.0.1", "IP:::1"],
      });
      assert.equal(Object.getPrototypeOf(atServer.peerCertificate!.der), Uint8Array.prototype);
    });
  });

  test("ALPN: the server's preference among the client's offer; none offered or shared: undefined", async () => {
    const cases: [
      readonly string[] | undefined,
      readonly string[] | undefined,
      string | undefined,
    ][] = [
      [["radius/1.0", "radius/1.1"], ["radius/1.1", "radius/1.0"], "radius/1.1"],
      [["radius/1.0"], ["radius/1.1", "radius/1.0"], "radius/1.0"],
      [undefined, ["radius/1.1", "radius/1.0"], undefined],
      [["radius/1.1"], undefined, undefined],
    ];
    for (const [offered, accepted, chosen] of cases) {
      await withPair("tls", async (pair) => {
        assert.equal((await pair.accepted.handshake())?.alpnProtocol, chosen, `${offered}`);
        assert.equal((await pair.client.handshake())?.alpnProtocol, chosen, `${offered}`);
      }, {
        client: { alpnProtocols: offered },
        server: { alpnProtocols: accepted },
      });
    }
  });

  test("ALPN with nothing in common fails the handshake on both sides (no_application_protocol)", async () => {
    const accepted = Promise.withResolvers<StreamConnection>();
    const server = await transport.listen(
      { hostname: "127.0.0.1", port: 0, tls: { ...serverTls, alpnProtocols: ["radius/1.1"] } },
      accepted.resolve,
    );
    try {
      await assert.rejects(
        transport.connect({
          hostname: "127.0.0.1",
          port: server.local.port,
          tls: { ...clientTls, alpnProtocols: ["radius/1.0"] },
        }),
        { code: "ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL" },
      );
      await assert.rejects((await accepted.promise).handshake(), {
        code: "ERR_SSL_NO_APPLICATION_PROTOCOL",
      });
    } finally {
      await server.close();
    }
  });

  test("a client certificate from another CA, self-signed, or none: handshake completes, not authorized", async () => {
    const cases = [
      ["rogue", pki.rogue, "UNABLE_TO_VERIFY_LEAF_SIGNATURE"],
      ["selfsigned", pki.selfsigned, "DEPTH_ZERO_SELF_SIGNED_CERT"],
      ["none", undefined, NO_PEER_CERTIFICATE],
    ] as const;
    for (const [name, identity, reason] of cases) {
      await withPair("tls", async ({ accepted }) => {
        const details = await accepted.handshake() as TlsDetails;
        assert.equal(details.authorized, false, name);
        assert.equal(details.authorizationError, reason, name);
        assert.equal(details.peerCertificate?.fingerprint256, fingerprints.get(name), name);
      }, { client: identity ?? { cert: undefined, key: undefined } });
    }
  });

  test("a server without ca hands the client certificate over unverified", async () => {
    await withPair("tls", async ({ accepted }) => {
      const details = await accepted.handshake() as TlsDetails;
      assert.equal(details.authorized, false);
      assert.equal(details.authorizationError, NO_CA);
      assert.equal(details.peerCertificate?.commonName, "nas1.test");
    }, { server: { ca: undefined } });
  });

  test("requestCertificate: false asks for no client certificate", async () => {
    await withPair("tls", async ({ accepted }) => {
      const details = await accepted.handshake() as TlsDetails;
      assert.equal(details.peerCertificate, undefined);
      assert.equal(details.authorizationError, NO_PEER_CERTIFICATE);
    }, { server: { requestCertificate: false } });
  });

  test("TLS 1.2 with a peer that offers no more, both ways; minVersion TLSv1.3 refuses it", async () => {
    // A client limited to TLS 1.2 against the transport's server.
    const accepted = Promise.withResolvers<StreamConnection>();
    const server = await transport.listen(
      { hostname: "127.0.0.1", port: 0, tls: serverTls },
      accepted.resolve,
    );
    const old = tls.connect({
      host: "127.0.0.1",
      port: server.local.port,
      ca: pki.ca,
      ...pki.nas1,
      servername: "radius.test",
      maxVersion: "TLSv1.2",
      ALPNProtocols: ["radius/1.1"],
    });
    old.on("error", () => {});
    const connection = await accepted.promise;
    const details = await connection.handshake() as TlsDetails;
    assert.equal(details.protocol, "TLSv1.2");
    assert.equal(details.alpnProtocol, "radius/1.1");
    assert.equal(details.authorized, true);
    old.destroy();
    connection.destroy();
    await server.close();

    // The transport's client against a server limited to TLS 1.2.
    const oldServer = tls.createServer({ ...pki.server, maxVersion: "TLSv1.2" }, (s) => {
      s.on("error", () => {});
      s.end();
    });
    oldServer.on("tlsClientError", () => {});
    await new Promise<void>((resolve) => oldServer.listen(0, "127.0.0.1", resolve));
    const port = (oldServer.address() as AddressInfo).port;
    try {
      const client = await transport.connect({ hostname: "127.0.0.1", port, tls: clientTls });
      assert.equal((await client.handshake())?.protocol, "TLSv1.2");
      client.destroy();
      await assert.rejects(
        transport.connect({
          hostname: "127.0.0.1",
          port,
          tls: { ...clientTls, minVersion: "TLSv1.3" },
        }),
        Error,
      );
    } finally {
      await new Promise((resolve) => oldServer.close(resolve));
    }
  });

  test("a server with minVersion TLSv1.3 refuses a TLS 1.2 client: handshake() rejects", async () => {
    const accepted = Promise.withResolvers<StreamConnection>();
    const server = await transport.listen(
      { hostname: "127.0.0.1", port: 0, tls: { ...serverTls, minVersion: "TLSv1.3" } },
      accepted.resolve,
    );
    const old = tls.connect({
      host: "127.0.0.1",
      port: server.local.port,
      ca: pki.ca,
      maxVersion: "TLSv1.2",
    });
    const failed = new Promise((resolve) => old.on("error", resolve));
    const connection = await accepted.promise;
    await assert.rejects(connection.handshake());
    const closed = Promise.withResolvers<Error | undefined>();
    connection.start({ onData() {}, onClose: closed.resolve });
    assert.ok((await closed.promise) instanceof Error);
    await failed;
    await server.close();
  });

  test("verify: a server certificate from another CA, or not naming the host, rejects connect()", async () => {
    const accepted: StreamConnection[] = [];
    const server = await transport.listen(
      { hostname: "127.0.0.1", port: 0, tls: serverTls },
      (connection) => accepted.push(connection),
    );
    const to = { hostname: "127.0.0.1", port: server.local.port };
    try {
      await assert.rejects(
        transport.connect({ ...to, tls: { ...clientTls, ca: pki.otherCa } }),
        // OpenSSL sends the server's CA along (SELF_SIGNED_CERT_IN_CHAIN) where it can.
        { code: /^(SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE)$/ },
      );
      await assert.rejects(
        transport.connect({ ...to, tls: { ...clientTls, servername: "nas1.test" } }),
        { code: "ERR_TLS_CERT_ALTNAME_INVALID" },
      );
      // An IP literal as servername is checked against the IP SANs (and not sent as SNI).
      await assert.rejects(
        transport.connect({ ...to, tls: { ...clientTls, servername: "192.0.2.1" } }),
        { code: "ERR_TLS_CERT_ALTNAME_INVALID" },
      );
      const trusting = await transport.connect({
        ...to,
        tls: { ...clientTls, ca: pki.otherCa, verify: false },
      });
      const details = await trusting.handshake() as TlsDetails;
      assert.equal(details.authorized, false);
      assert.match(
        details.authorizationError ?? "",
        /^(SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE)$/,
      );
      assert.equal(details.peerCertificate?.fingerprint256, fingerprints.get("server"));
      trusting.destroy();
      for (const name of ["127.0.0.1", "::1"]) {
        const byIp = await transport.connect({ ...to, tls: { ...clientTls, servername: name } });
        assert.equal((await byIp.handshake())?.authorized, true);
        byIp.destroy();
      }
    } finally {
      for (const connection of accepted) connection.destroy();
      await server.close();
    }
  });

  test("SNI carries servername when it is a host name, nothing for an IP", async () => {
    let next = Promise.withResolvers<unknown>();
    const sniServer = tls.createServer({ ...pki.server }, (s) => {
      s.on("error", () => {});
      next.resolve((s as unknown as { servername?: unknown }).servername);
    });
    sniServer.on("tlsClientError", () => {});
    await new Promise<void>((resolve) => sniServer.listen(0, "127.0.0.1", resolve));
    const port = (sniServer.address() as AddressInfo).port;
    try {
      for (const servername of ["radius.test", undefined, "127.0.0.1"]) {
        next = Promise.withResolvers<unknown>();
        const client = await transport.connect({
          hostname: "127.0.0.1",
          port,
          tls: change<TlsClientOptions>({ ca: pki.ca }, { servername }),
        });
        assert.equal((await client.handshake())?.authorized, true);
        const sent = await next.promise;
        client.destroy();
        if (servername === "radius.test") assert.equal(sent, "radius.test");
        // Node.js and Bun say false, Deno null: either way, none was sent.
        else assert.ok(!sent, `SNI ${sent} for servername ${servername}`);
      }
    } finally {
      await new Promise((resolve) => sniServer.close(resolve));
    }
  });

  test("an AbortSignal rejects connect() with its reason, aborted before or during the handshake", async () => {
    // A TCP server that accepts and never answers: the TLS handshake hangs.
    const sockets: { destroy(): void }[] = [];
    const silent = netServer((socket) => {
      socket.on("error", () => {});
      sockets.push(socket);
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as AddressInfo).port;
    try {
      const reason = new Error("given up");
      await assert.rejects(
        transport.connect({
          hostname: "127.0.0.1",
          port,
          tls: clientTls,
          signal: AbortSignal.abort(reason),
        }),
        (error) => error === reason,
      );
      const controller = new AbortController();
      const connecting = transport.connect({
        hostname: "127.0.0.1",
        port,
        tls: clientTls,
        signal: controller.signal,
      });
      await until(() => sockets.length > 0, "the connection");
      controller.abort(reason);
      await assert.rejects(connecting, (error) => error === reason);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  test("a client that never handshakes: handshake() pends until destroy(), then rejects", async () => {
    const accepted = Promise.withResolvers<StreamConnection>();
    const server = await transport.listen(
      { hostname: "127.0.0.1", port: 0, tls: serverTls },
      accepted.resolve,
    );
    const idle = netConnect(server.local.port, "127.0.0.1");
    idle.on("error", () => {});
    try {
      const connection = await accepted.promise;
      let settled = false;
      const handshake = connection.handshake();
      handshake.then(() => (settled = true), () => (settled = true));
      await settle();
      assert.equal(settled, false);
      connection.destroy();
      await assert.rejects(handshake);
    } finally {
      idle.destroy();
      await server.close();
    }
  });

  test("a client that closes, or sends garbage, before the handshake: handshake() rejects", async () => {
    const accepted: StreamConnection[] = [];
    const server = await transport.listen(
      { hostname: "127.0.0.1", port: 0, tls: serverTls },
      (connection) => accepted.push(connection),
    );
    try {
      for (const garbage of [undefined, new TextEncoder().encode("GET / HTTP/1.0\r\n\r\n")]) {
        const peer = netConnect(server.local.port, "127.0.0.1");
        peer.on("error", () => {});
        await new Promise((resolve) => peer.once("connect", resolve));
        await until(() => accepted.length > 0, "the connection");
        const connection = accepted.shift()!;
        if (garbage === undefined) peer.end();
        else peer.write(garbage);
        await assert.rejects(connection.handshake());
        const closed = Promise.withResolvers<Error | undefined>();
        connection.start({ onData: () => assert.fail("no data"), onClose: closed.resolve });
        await closed.promise;
        peer.destroy();
      }
    } finally {
      await server.close();
    }
  });

  test("a client that rejects the server's certificate: its connect() and the server's handshake() reject", async () => {
    const accepted = Promise.withResolvers<StreamConnection>();
    const server = await transport.listen(
      { hostname: "127.0.0.1", port: 0, tls: serverTls },
      accepted.resolve,
    );
    try {
      await assert.rejects(
        transport.connect({
          hostname: "127.0.0.1",
          port: server.local.port,
          tls: { ...clientTls, ca: pki.otherCa },
        }),
      );
      const connection = await accepted.promise;
      await assert.rejects(connection.handshake());
    } finally {
      await server.close();
    }
  });

  test("listen() rejects PEM that does not parse, a key that does not match, a ca without certificates", async () => {
    const broken: Changes<TlsServerOptions>[] = [
      { cert: "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n" },
      { key: "not a key" },
      { key: pki.nas1.key },
      { ca: "not a certificate" },
    ];
    for (const changes of broken) {
      await assert.rejects(
        transport.listen(
          { hostname: "127.0.0.1", port: 0, tls: change(serverTls, changes) },
          (c) => c.destroy(),
        ),
        Error,
        JSON.stringify(changes),
      );
    }
  });

  test("PEM as bytes and as lists works as text does", async () => {
    const bytes = (text: string) => new TextEncoder().encode(text);
    await withPair("tls", async ({ accepted, client }) => {
      assert.equal((await accepted.handshake())?.authorized, true);
      assert.equal((await client.handshake())?.authorized, true);
    }, {
      server: {
        cert: bytes(pki.server.cert),
        key: [bytes(pki.server.key)],
        ca: [pki.otherCa, pki.ca],
      },
      client: { cert: [pki.nas1.cert], key: bytes(pki.nas1.key), ca: bytes(pki.ca) },
    });
  });
});

test("subjectAltName text becomes prefixed entries: IP in RFC 5952 text, quoted values unquoted", () => {
  assert.deepEqual(
    parseSubjectAltNames(
      'DNS:a.test, DNS:"b, c.test", IP Address:192.0.2.1, IP Address:2001:DB8:0:0:0:0:0:1, ' +
        "IP Address:0:0:0:0:0:0:0:1, URI:https://x.test/a, email:ops@x.test, othername:<unsupported>",
    ),
    [
      "DNS:a.test",
      "DNS:b, c.test",
      "IP:192.0.2.1",
      "IP:2001:db8::1",
      "IP:::1",
      "URI:https://x.test/a",
      "email:ops@x.test",
      "othername:<unsupported>",
    ],
  );
  assert.deepEqual(parseSubjectAltNames(""), []);
});

// ---- unref(), in child processes ---------------------------------------------

describe(`unref() of streams() of adapters/${runtime}.ts`, () => {
  /** Runs the child; each "ready" line may be answered. */
  async function child(args: string[], onLine: (line: string) => void | Promise<void> = () => {}) {
    const result = await runChild("_streams_child.ts", args, onLine);
    assert.equal(result.timedOut, false, `the child never exited by itself:\n${result.output}`);
    assert.equal(result.code, 0, result.output);
    return result.output;
  }

  for (const mode of ["tcp", "tls"] as const) {
    test(`an unref'd ${mode} client connection lets the process exit; ref() holds it`, async () => {
      const accepted: StreamConnection[] = [];
      const server = await transport.listen(
        { hostname: "127.0.0.1", port: 0, ...(mode === "tls" ? { tls: serverTls } : {}) },
        (connection) => {
          accepted.push(connection);
          new Receiver(connection);
        },
      );
      try {
        const port = String(server.local.port);
        assert.match(await child(["client", mode, port, "unref"]), /^ready$/m);
        const output = await child(["client", mode, port, "ref"], async (line) => {
          if (line !== "ready") return;
          await until(() => accepted.length >= 2, "the child's connection");
          accepted[1]!.write(new Uint8Array([1]));
        });
        assert.match(output, /^received$/m, "exited before the data came: ref() did not hold");
      } finally {
        for (const connection of accepted) connection.destroy();
        await server.close();
      }
    });

    test(`an unref'd accepted ${mode} connection lets the process exit`, async () => {
      let peer: { destroy(): void } | undefined;
      const output = await child(["accepted", mode], (line) => {
        const port = /^listening (\d+)$/.exec(line)?.[1];
        if (port === undefined) return;
        const options = { host: "127.0.0.1", port: Number(port) };
        const socket = mode === "tls"
          ? tls.connect({ ...options, ca: pki.ca, ...pki.nas1, servername: "radius.test" })
          : netConnect(options);
        socket.on("error", () => {});
        peer = socket;
      });
      peer?.destroy();
      assert.match(output, /^unref$/m);
    });
  }
});
