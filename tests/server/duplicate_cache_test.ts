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

test("DuplicateCache forgets the oldest answer beyond maxEntries, never a request in flight", () => {
  const cache = new DuplicateCache({ maxEntries: 2 });
  for (const name of ["a", "b", "c"]) cache.begin(key(name));
  assert.equal(cache.size, 3, "in flight: bounded by the Server's maxInFlight, not here");
  for (const name of ["a", "b", "c"]) cache.answer(key(name), reply);
  assert.equal(cache.size, 2);
  assert.equal(cache.check(key("a")).kind, "new");
  assert.equal(cache.check(key("b")).kind, "answered");
  cache.begin(key("d"));
  cache.begin(key("e"));
  cache.answer(key("d"), reply);
  assert.equal(cache.check(key("b")).kind, "new");
  assert.equal(cache.check(key("c")).kind, "answered");
  assert.equal(cache.check(key("e")).kind, "in-flight");
});

test("DuplicateCache: a full cache never lets a retransmission of a request in flight through", () => {
  const cache = new DuplicateCache({ maxEntries: 10 });
  cache.begin(key("slow"));
  for (let i = 0; i < 1000; i++) {
    cache.begin(key(`k${i}`));
    cache.answer(key(`k${i}`), reply);
  }
  assert.equal(cache.check(key("slow")).kind, "in-flight");
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
  cache.answer(key("fresh"), reply);
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
  assert.ok(cache.size <= 15_001, `size ${cache.size}`);
});

/**
 * The cache's contract without time, written the obvious way (lists, O(n)
 * per operation): requests in flight kept until answered or forgotten;
 * answers in the order made, the oldest dropped beyond maxEntries.
 */
class ReferenceCache {
  inFlight: string[] = [];
  answers: string[] = [];
  maxEntries: number;
  constructor(maxEntries: number) {
    this.maxEntries = maxEntries;
  }
  get size(): number {
    return this.inFlight.length + this.answers.length;
  }
  check(key: string): string {
    if (this.inFlight.includes(key)) return "in-flight";
    return this.answers.includes(key) ? "answered" : "new";
  }
  begin(key: string): void {
    if (this.inFlight.includes(key)) return;
    this.answers = this.answers.filter((k) => k !== key);
    this.inFlight.push(key);
  }
  answer(key: string): void {
    this.inFlight = this.inFlight.filter((k) => k !== key);
    this.answers = [...this.answers.filter((k) => k !== key), key];
    if (this.answers.length > this.maxEntries) this.answers.shift();
  }
  forget(key: string): void {
    this.inFlight = this.inFlight.filter((k) => k !== key);
    this.answers = this.answers.filter((k) => k !== key);
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
        let pressed = false;
        for (const { op, name } of operations) {
          if (op === "check") {
            const kind = cache.check(keyOf(name)).kind;
            const expected = model.check(name);
            if (expected === "answered" && kind === "new") {
              assert.ok(pressed, `${name} went missing while the cache had room`);
              // Pushed out early: answers removed out of order leave gaps
              // in the ring that count against maxEntries until a quarter
              // of it is gaps. Only ever the oldest answers go.
              model.answers = model.answers.slice(model.answers.indexOf(name) + 1);
            } else {
              assert.equal(kind, expected, name);
            }
          } else if (op === "answer") {
            cache.answer(keyOf(name), reply);
            model.answer(name);
            // Over three quarters full: a gap-free quarter no longer fits.
            if (4 * model.answers.length > 3 * maxEntries) pressed = true;
          } else {
            cache[op](keyOf(name));
            model[op](name);
          }
          assert.ok(cache.size <= model.size, `${cache.size} > ${model.size}`);
          assert.equal(cache.size >= model.inFlight.length, true, "no request in flight lost");
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
  assert.throws(() => new DuplicateCache({ maxBytes: 4095 }), /4096/);
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
