// The C load generator's stream modes (bench/loadgen/radload.c --tls, --tcp)
// against a real radkit Server on this runtime's stream adapter: over one
// TLS connection with mutual authentication (tests/fixtures/tls) every reply
// verifies, nothing is retransmitted (RFC 6613 §2.6.1) and the counters add
// up; a wrong CA, a wrong secret or a missing client certificate make it
// fail with a message that says so. Without gcc or libssl-dev the tests are
// skipped loudly; under CI=true they fail.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { streams } from "../../adapters/auto.ts";
import { Code } from "../../src/codec/code.ts";
import { Dictionary } from "../../src/dictionary/dictionary.ts";
import { Server } from "../../src/server.ts";
import { type RadloadOptions, type RadloadResult, runRadload } from "../../bench/_radload.ts";
import { serverTls } from "../server/_stream_peer.ts";
import { needsRadload } from "./_needs_radload.ts";

const SECRET = "radsec-bench";
const pki = (name: string) => fileURLToPath(new URL(`../fixtures/tls/${name}`, import.meta.url));
const NAS = { cert: pki("nas1.pem"), key: pki("nas1.key"), ca: pki("ca.pem") };
const requirements = { ...needsRadload(), timeout: 60_000 };

/** A radkit Server on 127.0.0.1 over TLS (mutual, the test PKI) and TCP that accepts bob/hello. */
async function startServer() {
  const server = new Server({
    streams: streams(),
    dictionary: Dictionary.default(),
    clients: [{ address: "127.0.0.1", secret: SECRET }],
    handleAccessRequest(request) {
      const ok = request.get("User-Name") === "bob" && request.get("User-Password") === "hello";
      return request.reply(ok ? Code.AccessAccept : Code.AccessReject, {
        "Reply-Message": ok ? "Hello, bob" : "Denied",
      });
    },
  });
  const { tls, tcp } = await server.listen({
    hostname: "127.0.0.1",
    tls: { port: 0, ...serverTls() },
    tcp: { port: 0 },
  });
  return { server, tlsPort: tls!.port, tcpPort: tcp!.port };
}

/** A short run: long timeouts, so that a loaded machine loses nothing and each reply counts once. */
const brief: Partial<RadloadOptions> = { count: 300, warmup: 50, timeout: 20_000 };

function assertAllVerified(result: RadloadResult, count: number): void {
  assert.equal(result.bad, 0);
  assert.equal(result.duplicate, 0);
  assert.equal(result.lost, 0);
  assert.equal(result.retransmitted, 0);
  assert.equal(result.connectionsClosed, 0);
  assert.equal(result.received, result.verified);
  assert.ok(result.verified >= count, `verified ${result.verified}`);
  assert.equal(result.accepted, result.verified);
  // radkit signs its replies to requests that carry a Message-Authenticator.
  assert.equal(result.withMessageAuthenticator, result.verified);
  // Requests: those in flight at the start plus those sent are answered, lost or still in flight.
  assert.equal(
    result.inFlightStart + result.sent,
    result.verified + result.lost + result.inFlightEnd,
  );
}

test(
  "radload --tls: 100 in flight over one mutually authenticated TLS 1.3 connection, every reply verified",
  requirements,
  async () => {
    const { server, tlsPort } = await startServer();
    try {
      const result = await runRadload({
        ...brief,
        port: tlsPort,
        transport: "tls",
        ...NAS,
        secret: SECRET,
        inFlight: 100,
      });
      assertAllVerified(result, 300);
      assert.equal(result.transport, "tls");
      assert.equal(result.tls?.protocol, "TLSv1.3");
      assert.equal(result.options.connections, 1);
      assert.ok(result.warmup.verified >= 50);
      const stats = server.stats();
      assert.equal(stats.connections.accepted, 1);
      assert.ok(stats.replied >= result.warmup.verified + result.verified);
      assert.equal(stats.dropped, 0);
      console.log(
        `radload --tls smoke: ${Math.round(result.repliesPerSecond)} replies/s, ` +
          `${result.cpuMicrosPerReply.toFixed(1)} µs generator CPU per reply (not a benchmark)`,
      );
    } finally {
      await server.close();
    }
  },
);

test(
  "radload --tls-version 1.2 over two connections, --coalesce, and --tcp: every reply verified",
  requirements,
  async () => {
    const { server, tlsPort, tcpPort } = await startServer();
    try {
      const tls12 = await runRadload({
        ...brief,
        port: tlsPort,
        transport: "tls",
        tlsVersion: "1.2",
        connections: 2,
        ...NAS,
        secret: SECRET,
        inFlight: 40,
      });
      assertAllVerified(tls12, 300);
      assert.equal(tls12.tls?.protocol, "TLSv1.2");
      assert.equal(tls12.options.connections, 2);

      // Many requests in one TLS record: RADIUS over TLS is a byte stream framed by Length (RFC 6614).
      const coalesced = await runRadload({
        ...brief,
        port: tlsPort,
        transport: "tls",
        coalesce: true,
        ...NAS,
        secret: SECRET,
        inFlight: 100,
      });
      assertAllVerified(coalesced, 300);
      assert.equal(coalesced.options.coalesce, true);

      const tcp = await runRadload({
        ...brief,
        port: tcpPort,
        transport: "tcp",
        secret: SECRET,
        inFlight: 40,
      });
      assertAllVerified(tcp, 300);
      assert.equal(tcp.transport, "tcp");
      assert.equal(tcp.tls, null);
      assert.equal(server.stats().connections.accepted, 4);
    } finally {
      await server.close();
    }
  },
);

test(
  "radload --tls refuses a server certificate that does not chain to --ca, before sending",
  requirements,
  async () => {
    const { server, tlsPort } = await startServer();
    try {
      await assert.rejects(
        runRadload({
          ...brief,
          port: tlsPort,
          transport: "tls",
          ...NAS,
          ca: pki("other_ca.pem"),
          secret: SECRET,
        }),
        /exited with 1: radload: connection 1 to 127\.0\.0\.1 port \d+ \(tls\): TLS handshake: the server's certificate: .*certificate verify failed/,
      );
      assert.equal(server.stats().received, 0);
    } finally {
      await server.close();
    }
  },
);

test(
  "radload --tls under a wrong secret fails: the server closes the connection, no reply verified",
  requirements,
  async () => {
    const { server, tlsPort } = await startServer();
    try {
      await assert.rejects(
        runRadload({
          ...brief,
          warmup: 0,
          port: tlsPort,
          transport: "tls",
          ...NAS,
          secret: "not-the-secret",
          inFlight: 10,
        }),
        /exited with 3: radload: connection 1 to 127\.0\.0\.1 port \d+ closed: .*no reply verified, so maybe the server does not share --secret/,
      );
      // RFC 6613 §2.6.4: a packet that fails authentication ends the connection.
      const stats = server.stats();
      assert.equal(stats.replied, 0);
      assert.ok(stats.connections.closedBy["invalid-packet"] >= 1, JSON.stringify(stats));
    } finally {
      await server.close();
    }
  },
);

test(
  "radload --tls without a client certificate fails: the server refuses the connection",
  requirements,
  async () => {
    const { server, tlsPort } = await startServer();
    try {
      await assert.rejects(
        runRadload({
          ...brief,
          warmup: 0,
          port: tlsPort,
          transport: "tls",
          ca: NAS.ca,
          secret: SECRET,
          inFlight: 10,
        }),
        /exited with [13]: radload: connection 1 to 127\.0\.0\.1 port \d+ .*(handshake|closed)/,
      );
      assert.equal(server.stats().replied, 0);
    } finally {
      await server.close();
    }
  },
);
