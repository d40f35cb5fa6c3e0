// The RFC 5080 duplicate cache on its own, with an injected clock.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { DuplicateCache, type RequestKey, requestKey } from "../../src/server/duplicate_cache.ts";

const reply = new Uint8Array([2, 7, 0, 20]);

/** The key of a distinct Access-Request per name (up to 16 characters, the authenticator). */
function key(name: string): RequestKey {
  const datagram = new Uint8Array(20);
  datagram[0] = 1;
  datagram.set(new TextEncoder().encode(name), 4);
  return requestKey("auth", "192.0.2.1", 1000, datagram);
}

test("DuplicateCache tracks in flight, then answered, then expires", () => {
  let now = 1000;
  const cache = new DuplicateCache({ ttl: 100 }, () => now);
  assert.equal(cache.check(key("a")).kind, "new");
  cache.begin(key("a"));
  assert.equal(cache.check(key("a")).kind, "in-flight");
  now += 10_000; // in flight never expires by time
  assert.equal(cache.check(key("a")).kind, "in-flight");
  cache.answer(key("a"), reply);
  assert.deepEqual(cache.check(key("a")), { kind: "answered", reply });
  now += 99;
  assert.equal(cache.check(key("a")).kind, "answered");
  now += 1;
  assert.equal(cache.check(key("a")).kind, "new");
  assert.equal(cache.size, 0);
});

test("DuplicateCache.forget() lets a retransmission be handled afresh", () => {
  const cache = new DuplicateCache();
  cache.begin(key("a"));
  cache.forget(key("a"));
  assert.equal(cache.check(key("a")).kind, "new");
});

test("DuplicateCache evicts the oldest answered entry beyond maxEntries", () => {
  const cache = new DuplicateCache({ maxEntries: 3 });
  for (const name of ["a", "b", "c"]) cache.begin(key(name));
  cache.answer(key("b"), reply);
  cache.answer(key("a"), reply);
  assert.equal(cache.begin(key("d")), true);
  assert.equal(cache.size, 3);
  assert.equal(cache.check(key("b")).kind, "new", "answered first, evicted first");
  assert.equal(cache.check(key("a")).kind, "answered");
  assert.equal(cache.check(key("c")).kind, "in-flight", "older, but in flight");
  assert.equal(cache.check(key("d")).kind, "in-flight");
});

test("DuplicateCache never evicts a request in flight: begin() refuses when all are", () => {
  const cache = new DuplicateCache({ maxEntries: 2 });
  assert.equal(cache.begin(key("a")), true);
  assert.equal(cache.begin(key("b")), true);
  assert.equal(cache.begin(key("c")), false);
  assert.equal(cache.size, 2);
  assert.equal(cache.check(key("a")).kind, "in-flight");
  assert.equal(cache.check(key("b")).kind, "in-flight");
  assert.equal(cache.check(key("c")).kind, "new", "refused, not recorded");
  cache.answer(key("a"), reply);
  assert.equal(cache.begin(key("c")), true, "an answered entry makes room");
  assert.equal(cache.check(key("a")).kind, "new");
  cache.forget(key("b"));
  assert.equal(cache.begin(key("d")), true);
});

test("DuplicateCache sweeps expired answers as new requests come in", () => {
  let now = 0;
  const cache = new DuplicateCache({ ttl: 5 }, () => now);
  for (let i = 0; i < 3; i++) {
    cache.begin(key(`k${i}`));
    cache.answer(key(`k${i}`), reply);
  }
  now = 100;
  cache.begin(key("fresh"));
  assert.equal(cache.size, 1);
});

test("DuplicateCache stays correct when a request in flight holds the oldest place", () => {
  // Many begin/answer/forget cycles behind one entry that never gets an
  // answer (the sweep stops at it): the cache must lose neither the old entry
  // nor the new ones, and stays within maxEntries.
  let now = 0;
  const cache = new DuplicateCache({ maxEntries: 15_000, ttl: 10 }, () => now);
  cache.begin(key("stuck"));
  for (let i = 0; i < 20_000; i++) {
    cache.begin(key(`k${i}`));
    if (i % 3 === 0) cache.forget(key(`k${i}`));
    else cache.answer(key(`k${i}`), reply);
    now++;
  }
  assert.equal(cache.check(key("stuck")).kind, "in-flight");
  assert.equal(cache.check(key("k19999")).kind, "answered");
  assert.equal(cache.check(key("k19998")).kind, "new", "forgotten");
  assert.equal(cache.check(key("k10")).kind, "new", "expired or evicted");
  assert.ok(cache.size <= 15_000, `size ${cache.size}`);
});

/**
 * The cache's contract without time, written the obvious way (a list, O(n)
 * per operation): entries in insertion order, answered ones moved to the
 * back; beyond maxEntries the frontmost answered one is evicted, and a new
 * request is refused when every entry is in flight.
 */
class ReferenceCache {
  entries: { key: string; answered: boolean }[] = [];
  maxEntries: number;
  constructor(maxEntries: number) {
    this.maxEntries = maxEntries;
  }
  check(key: string): string {
    const entry = this.entries.find((entry) => entry.key === key);
    return entry === undefined ? "new" : entry.answered ? "answered" : "in-flight";
  }
  begin(key: string): boolean {
    return this.#set(key, false);
  }
  answer(key: string): void {
    this.#set(key, true);
  }
  forget(key: string): void {
    this.entries = this.entries.filter((entry) => entry.key !== key);
  }
  #set(key: string, answered: boolean): boolean {
    this.forget(key);
    if (this.entries.length >= this.maxEntries) {
      const oldest = this.entries.findIndex((entry) => entry.answered);
      if (oldest === -1) return false;
      this.entries.splice(oldest, 1);
    }
    this.entries.push({ key, answered });
    return true;
  }
}

test("DuplicateCache answers check() like a plain list-based model (fast-check)", () => {
  const name = fc.integer({ min: 0, max: 12 }).map((n) => `k${n}`);
  const operation = fc.oneof(
    fc.record({ op: fc.constant("begin" as const), name }),
    fc.record({ op: fc.constant("answer" as const), name }),
    fc.record({ op: fc.constant("forget" as const), name }),
    fc.record({ op: fc.constant("check" as const), name }),
  );
  // Half the keys share one hash, so that chains of colliding keys are
  // built, searched and unlinked at every position.
  const keyOf = (name: string): RequestKey => {
    const real = key(name);
    return Number(name.slice(1)) % 2 === 0 ? { ...real, hash: 7 } : real;
  };
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 8 }),
      fc.array(operation, { maxLength: 300 }),
      (maxEntries, operations) => {
        // A clock that never reaches the TTL: what is compared is the order of
        // eviction and the states, expiry has its own tests above.
        const cache = new DuplicateCache({ maxEntries, ttl: 1_000_000 }, () => 0);
        const model = new ReferenceCache(maxEntries);
        for (const { op, name } of operations) {
          if (op === "check") assert.equal(cache.check(keyOf(name)).kind, model.check(name), name);
          else if (op === "answer") {
            cache.answer(keyOf(name), reply);
            model.answer(name);
          } else if (op === "begin") {
            assert.equal(cache.begin(keyOf(name)), model.begin(name), name);
          } else {
            cache.forget(keyOf(name));
            model.forget(name);
          }
          assert.equal(cache.size, model.entries.length);
        }
      },
    ),
    { numRuns: 300, seed: 5080 },
  );
});

test("DuplicateCache with ttl 0 keeps no answers", () => {
  const cache = new DuplicateCache({ ttl: 0 });
  cache.begin(key("a"));
  cache.answer(key("a"), reply);
  assert.equal(cache.check(key("a")).kind, "new");
});

test("new DuplicateCache() rejects bad limits", () => {
  assert.throws(() => new DuplicateCache({ maxEntries: 0 }), RangeError);
  assert.throws(() => new DuplicateCache({ maxEntries: 1.5 }), RangeError);
  assert.throws(() => new DuplicateCache({ ttl: -1 }), RangeError);
  assert.throws(() => new DuplicateCache({ ttl: Infinity }), RangeError);
});

test("requestKey() differs by port, source, code, id and authenticator", () => {
  const datagram = new Uint8Array(20).fill(9);
  const base = requestKey("auth", "10.0.0.1", 5000, datagram);
  const cache = new DuplicateCache();
  cache.begin(base);
  const known = (other: RequestKey): boolean => cache.check(other).kind === "in-flight";
  assert.deepEqual(requestKey("auth", "10.0.0.1", 5000, datagram.slice()), base);
  assert.ok(known(requestKey("auth", "10.0.0.1", 5000, datagram.slice())));
  assert.ok(!known(requestKey("acct", "10.0.0.1", 5000, datagram)));
  assert.ok(!known(requestKey("auth", "10.0.0.2", 5000, datagram)));
  assert.ok(!known(requestKey("auth", "10.0.0.1", 5001, datagram)));
  for (let index = 0; index < 20; index++) {
    if (index === 2 || index === 3) continue;
    const other = datagram.slice();
    other[index] = 0;
    const otherKey = requestKey("auth", "10.0.0.1", 5000, other);
    assert.ok(!known(otherKey), `byte ${index}`);
    assert.notEqual(otherKey.hash, base.hash, `byte ${index} changes the hash`);
  }
  const length = datagram.slice();
  length[2] = 0;
  assert.ok(known(requestKey("auth", "10.0.0.1", 5000, length)), "the Length is not part of it");
});
