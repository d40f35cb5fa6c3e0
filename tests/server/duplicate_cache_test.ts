// The RFC 5080 duplicate cache on its own, with an injected clock.
import { test } from "node:test";
import assert from "node:assert/strict";
import { DuplicateCache, requestKey } from "../../src/server/duplicate_cache.ts";

const reply = new Uint8Array([2, 7, 0, 20]);

test("DuplicateCache tracks in flight, then answered, then expires", () => {
  let now = 1000;
  const cache = new DuplicateCache({ ttlMs: 100 }, () => now);
  assert.equal(cache.check("a").kind, "new");
  cache.begin("a");
  assert.equal(cache.check("a").kind, "in-flight");
  now += 10_000; // in flight never expires by time
  assert.equal(cache.check("a").kind, "in-flight");
  cache.answer("a", reply);
  assert.deepEqual(cache.check("a"), { kind: "answered", reply });
  now += 99;
  assert.equal(cache.check("a").kind, "answered");
  now += 1;
  assert.equal(cache.check("a").kind, "new");
  assert.equal(cache.size, 0);
});

test("DuplicateCache.forget() lets a retransmission be handled afresh", () => {
  const cache = new DuplicateCache();
  cache.begin("a");
  cache.forget("a");
  assert.equal(cache.check("a").kind, "new");
});

test("DuplicateCache evicts the oldest entry beyond maxEntries", () => {
  const cache = new DuplicateCache({ maxEntries: 2 });
  cache.begin("a");
  cache.begin("b");
  cache.begin("c");
  assert.equal(cache.size, 2);
  assert.equal(cache.check("a").kind, "new");
  assert.equal(cache.check("b").kind, "in-flight");
  // Answering moves an entry to the back.
  cache.answer("b", reply);
  cache.begin("d");
  assert.equal(cache.check("c").kind, "new");
  assert.equal(cache.check("b").kind, "answered");
});

test("DuplicateCache sweeps expired answers as new requests come in", () => {
  let now = 0;
  const cache = new DuplicateCache({ ttlMs: 5 }, () => now);
  for (let i = 0; i < 3; i++) {
    cache.begin(`k${i}`);
    cache.answer(`k${i}`, reply);
  }
  now = 100;
  cache.begin("fresh");
  assert.equal(cache.size, 1);
});

test("DuplicateCache with ttlMs 0 keeps no answers", () => {
  const cache = new DuplicateCache({ ttlMs: 0 });
  cache.begin("a");
  cache.answer("a", reply);
  assert.equal(cache.check("a").kind, "new");
});

test("new DuplicateCache() rejects bad limits", () => {
  assert.throws(() => new DuplicateCache({ maxEntries: 0 }), RangeError);
  assert.throws(() => new DuplicateCache({ maxEntries: 1.5 }), RangeError);
  assert.throws(() => new DuplicateCache({ ttlMs: -1 }), RangeError);
  assert.throws(() => new DuplicateCache({ ttlMs: Infinity }), RangeError);
});

test("requestKey() differs by port, source, code, id and authenticator", () => {
  const datagram = new Uint8Array(20).fill(9);
  const base = requestKey("auth", "10.0.0.1", 5000, datagram);
  assert.equal(requestKey("auth", "10.0.0.1", 5000, datagram.slice()), base);
  assert.notEqual(requestKey("acct", "10.0.0.1", 5000, datagram), base);
  assert.notEqual(requestKey("auth", "10.0.0.2", 5000, datagram), base);
  assert.notEqual(requestKey("auth", "10.0.0.1", 5001, datagram), base);
  for (const index of [0, 1, 4, 19]) {
    const other = datagram.slice();
    other[index] = 0;
    assert.notEqual(requestKey("auth", "10.0.0.1", 5000, other), base, `byte ${index}`);
  }
  const length = datagram.slice();
  length[2] = 0;
  assert.equal(requestKey("auth", "10.0.0.1", 5000, length), base, "the Length is not part of it");
});
