// The client's building blocks (src/client/*.ts) and its option checks.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "../../src/client.ts";
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
    const a = serverEntry("192.0.2.1", DEFAULT_PORTS, "s");
    const b = serverEntry("192.0.2.2", DEFAULT_PORTS, "s");
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

  test("new Client() wants exactly one of server and servers", () => {
    assert.throws(() => new Client({ transport, secret: "s" }), TypeError);
    assert.throws(
      () => new Client({ transport, secret: "s", server: "127.0.0.1", servers: ["::1"] }),
      TypeError,
    );
    assert.throws(() => new Client({ transport, secret: "s", servers: [] }), TypeError);
  });

  test("new Client() rejects host names, since it does not resolve them", () => {
    assert.throws(
      () => new Client({ transport, secret: "s", server: "localhost" }),
      { name: "TypeError", message: /Invalid RADIUS server "localhost": give an IP address/ },
    );
  });

  test("new Client() rejects out-of-range settings", () => {
    const base = { transport, secret: "s", server: "127.0.0.1" };
    assert.throws(() => new Client({ ...base, timeout: -1 }), RangeError);
    assert.throws(() => new Client({ ...base, timeout: 0 }), RangeError);
    assert.throws(() => new Client({ ...base, retries: 1.5 }), RangeError);
    assert.throws(() => new Client({ ...base, backoff: { jitter: 2 } }), RangeError);
    assert.throws(() => new Client({ ...base, ports: { auth: 70000 } }), RangeError);
    assert.throws(() => new Client({ ...base, maxSockets: 0 }), RangeError);
  });
});
