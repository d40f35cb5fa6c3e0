// The client's building blocks (src/client/*.ts) and its option checks.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Client, type ClientOptions } from "../../src/client.ts";
import { formatAddress, parseHostPort } from "../../src/address.ts";
import { InvalidOptionError } from "../../src/errors.ts";
import type { DatagramTransport } from "../../src/transport.ts";
import { IdAllocator } from "../../src/client/id_allocator.ts";
import { DEFAULT_RETRY, RetrySchedule } from "../../src/client/retry_policy.ts";
import {
  canonicalHost,
  DEFAULT_PORTS,
  serverEntry,
  ServerPool,
} from "../../src/client/server_pool.ts";
import { MemoryTransport } from "../../src/testing/memory_transport.ts";

describe("IdAllocator", () => {
  test("acquire() hands out all 256 ids once, cycling from the start", () => {
    const ids = new IdAllocator(250);
    const got = Array.from({ length: 256 }, () => ids.acquire());
    assert.equal(got[0], 250);
    assert.equal(got[6], 0);
    assert.equal(new Set(got).size, 256);
    assert.equal(ids.acquire(), undefined);
    assert.equal(ids.available, 0);
  });

  test("release() frees an id, reused only after the others", () => {
    const ids = new IdAllocator(0);
    assert.equal(ids.acquire(), 0);
    assert.equal(ids.acquire(), 1);
    assert.equal(ids.release(0), true);
    assert.equal(ids.release(0), false);
    assert.equal(ids.acquire(), 2);
    for (let i = 3; i < 256; i++) ids.acquire();
    assert.equal(ids.acquire(), 0);
  });
});

describe("RetrySchedule", () => {
  test("follows RFC 5080 §2.2.1 with the recommended values: 2, 4, 8, 16 s, then MRD", () => {
    const schedule = new RetrySchedule({ ...DEFAULT_RETRY, jitter: 0 });
    let elapsed = 0;
    const waits: number[] = [];
    for (;;) {
      const wait = schedule.next(elapsed);
      waits.push(wait);
      elapsed += wait;
      if (!schedule.canRetransmit(elapsed)) break;
    }
    assert.deepEqual(waits, [2000, 4000, 8000, 16000]);
    assert.equal(schedule.transmissions, 4);
  });

  test("caps each wait at MRT and stops after MRC retransmissions", () => {
    const schedule = new RetrySchedule({
      initialTimeout: 100,
      maxRetransmissions: 3,
      maxTimeout: 250,
      maxDuration: 0,
      jitter: 0,
    });
    const waits = [schedule.next(0), schedule.next(100), schedule.next(300), schedule.next(550)];
    assert.deepEqual(waits, [100, 200, 250, 250]);
    assert.equal(schedule.canRetransmit(800), false);
  });

  test("jitter stays within ±RAND of each wait", () => {
    const low = new RetrySchedule({ ...DEFAULT_RETRY }, () => 0);
    const high = new RetrySchedule({ ...DEFAULT_RETRY }, () => 0.999999);
    assert.equal(low.next(0), 1800);
    assert.ok(Math.abs(high.next(0) - 2200) < 0.01);
  });
});

describe("ServerPool", () => {
  test("canonicalHost() normalises IPv6 and IPv4-mapped addresses", () => {
    assert.equal(canonicalHost("127.0.0.1"), "127.0.0.1");
    assert.equal(canonicalHost("0:0:0:0:0:0:0:1"), "::1");
    assert.equal(canonicalHost("::FFFF:192.0.2.1"), "192.0.2.1");
    assert.equal(canonicalHost("fe80::1%eth0"), "fe80::1%eth0");
    assert.equal(canonicalHost("localhost"), undefined);
  });

  test("order() skips servers that are down, and tries all when all are", () => {
    const a = serverEntry("servers[0]", "192.0.2.1", DEFAULT_PORTS, "s");
    const b = serverEntry("servers[1]", "192.0.2.2", DEFAULT_PORTS, "s");
    const pool = new ServerPool([a, b], 1000);
    assert.deepEqual(pool.order(0), [a, b]);
    pool.markDown(a, 0);
    assert.deepEqual(pool.order(500), [b]);
    pool.markDown(b, 0);
    assert.deepEqual(pool.order(500), [a, b]);
    assert.deepEqual(pool.order(1000), [a, b]);
    pool.markDown(a, 1000);
    pool.markUp(a);
    assert.equal(pool.isDown(a, 1500), false);
  });
});

describe("Client options", () => {
  const transport = new MemoryTransport();
  /** A transport that cannot resolve names (no `lookup`). */
  const literalOnly: DatagramTransport = {
    name: "literal-only",
    bind: (options, onMessage) => transport.bind(options, onMessage),
  };

  /** Asserts that `options` make new Client() throw an InvalidOptionError for `option`. */
  function refuses(options: unknown, option: string, message?: RegExp): void {
    assert.throws(() => new Client(options as ClientOptions), (error) => {
      assert.ok(error instanceof InvalidOptionError, `an InvalidOptionError, got ${error}`);
      assert.equal(error.code, "ERR_INVALID_OPTION");
      assert.equal(error.option, option);
      if (message !== undefined) assert.match(error.message, message);
      return true;
    });
  }

  test("new Client() says what to pass for a missing transport, secret or server", () => {
    refuses(undefined, "options", /needs options/);
    refuses({ server: "127.0.0.1", secret: "s" }, "transport", /adapters\/deno/);
    refuses({ transport: {}, server: "127.0.0.1", secret: "s" }, "transport");
    refuses({ transport, server: "127.0.0.1" }, "secret", /pass secret:/);
    refuses({ transport, server: "127.0.0.1", secret: "" }, "secret", /non-empty/);
    refuses(
      { transport, servers: [{ host: "::1", secret: "" }], secret: "s" },
      "servers[0].secret",
    );
    refuses({ transport, secret: "s" }, "server", /pass server:/);
  });

  test("new Client() wants exactly one of server and servers, and at least one server", () => {
    refuses({ transport, secret: "s", server: "127.0.0.1", servers: ["::1"] }, "servers");
    refuses({ transport, secret: "s", servers: [] }, "servers");
  });

  test("a bad server names its option", () => {
    const base = { transport, secret: "s" };
    refuses({ ...base, server: "[::1" }, "server", /Invalid server: Invalid address "\[::1"/);
    refuses({ ...base, servers: ["127.0.0.1", "::1", "a b"] }, "servers[2]");
    refuses({ ...base, servers: ["::1", { host: "127.0.0.1:http" }] }, "servers[1].host");
    refuses({ ...base, server: "127.0.0.1:0" }, "server", /1\.\.65535/);
    refuses({ ...base, server: "127.0.0.1", ports: { auth: 70000 } }, "ports.auth");
    refuses({ ...base, servers: [{ host: "::1", ports: { coa: -1 } }] }, "servers[0].ports.coa");
    refuses({ ...base, servers: [42] }, "servers[0]");
  });

  test("host names need a transport that can resolve them", () => {
    refuses(
      { transport: literalOnly, secret: "s", servers: ["127.0.0.1", "localhost"] },
      "servers[1]",
      /transport "literal-only" cannot resolve host names; give an IP address/,
    );
    const client = new Client({ transport: literalOnly, secret: "s", server: "[::1]:11812" });
    assert.deepEqual(client.stats().servers, [{ host: "::1", down: false }]);
  });

  test("new Client() refuses out-of-range settings, naming each", () => {
    const base = { transport, secret: "s", server: "127.0.0.1" };
    refuses({ ...base, timeout: -1 }, "timeout");
    refuses({ ...base, timeout: 0 }, "timeout");
    refuses({ ...base, retries: 1.5 }, "retries");
    refuses({ ...base, backoff: { jitter: 2 } }, "backoff.jitter");
    refuses({ ...base, backoff: { maxDuration: -1 } }, "backoff.maxDuration");
    refuses({ ...base, maxSockets: 0 }, "maxSockets");
    refuses({ ...base, maxInFlight: 0 }, "maxInFlight");
    refuses({ ...base, receiveBufferSize: 0 }, "receiveBufferSize");
    refuses({ ...base, sendBufferSize: 1.5 }, "sendBufferSize");
    refuses({ ...base, localAddress: { ipv4: "::" } }, "localAddress.ipv4");
    refuses({ ...base, logger: { debug() {} } }, "logger", /logger\.info must be a function/);
    refuses({ ...base, requireMessageAuthenticator: "yes" }, "requireMessageAuthenticator");
    assert.ok(new Client({ ...base, maxInFlight: Infinity }));
  });
});

describe("formatAddress() and parseHostPort()", () => {
  test("formatAddress() puts IPv6 in brackets", () => {
    assert.equal(formatAddress({ hostname: "::1", port: 1812 }), "[::1]:1812");
    assert.equal(formatAddress({ hostname: "fe80::1%eth0", port: 1 }), "[fe80::1%eth0]:1");
    assert.equal(formatAddress({ hostname: "127.0.0.1", port: 1813 }), "127.0.0.1:1813");
    assert.equal(
      formatAddress({ hostname: "radius.example.org", port: 3799 }),
      "radius.example.org:3799",
    );
  });

  test("parseHostPort() reads host, host:port, [v6]:port, [v6] and v6", () => {
    assert.deepEqual(parseHostPort("localhost"), { hostname: "localhost" });
    assert.deepEqual(parseHostPort("radius.example.org"), { hostname: "radius.example.org" });
    assert.deepEqual(parseHostPort("127.0.0.1:1812"), { hostname: "127.0.0.1", port: 1812 });
    assert.deepEqual(parseHostPort("[::1]:1812"), { hostname: "::1", port: 1812 });
    assert.deepEqual(parseHostPort("[::1]"), { hostname: "::1" });
    assert.deepEqual(parseHostPort("::1"), { hostname: "::1" });
    assert.deepEqual(parseHostPort("fe80::1%eth0"), { hostname: "fe80::1%eth0" });
    assert.deepEqual(parseHostPort("::ffff:192.0.2.1"), { hostname: "::ffff:192.0.2.1" });
    assert.deepEqual(parseHostPort("host:0"), { hostname: "host", port: 0 });
  });

  test("parseHostPort() refuses what is none of those forms, quoting it", () => {
    for (
      const text of [
        "",
        "[::1",
        "[::1]1812",
        "[localhost]:1",
        "a b",
        "host:",
        "host:65536",
        "host:-1",
        "host:http",
        "-host",
        "a/b",
        "[]:1",
      ]
    ) {
      assert.throws(() => parseHostPort(text), (error) => {
        assert.ok(error instanceof SyntaxError, text);
        assert.ok(
          error.message.startsWith(`Invalid address ${JSON.stringify(text)}`),
          error.message,
        );
        return true;
      });
    }
  });
});
