// The answered-request ring: what goes in comes out byte for byte until it
// expires or is pushed out, only the oldest answers are pushed out, and the
// arrays stay within the limits.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { RequestKey } from "../../src/server/duplicate_cache.ts";
import { ReplyRing } from "../../src/server/reply_ring.ts";

function key(n: number, hostname = "192.0.2.1", listener = "auth"): RequestKey {
  return {
    listener,
    hostname,
    port: 1000 + (n % 50),
    codeAndId: (1 << 8) | (n & 0xff),
    a0: n,
    a1: n * 7,
    a2: -n,
    a3: n ^ 0x5a5a,
    // Few distinct hashes, so that probing and backward-shift deletion run.
    hash: n % 13,
  };
}

const reply = (n: number, length: number) =>
  Uint8Array.from({ length }, (_, i) => (n * 31 + i) & 0xff);

test("an answer comes back byte for byte until it expires, and after delete() not at all", () => {
  let now = 0;
  const ring = new ReplyRing({ maxEntries: 100, maxBytes: 1 << 20 }, () => now);
  ring.add(key(1), reply(1, 20), 5000);
  ring.add(key(2, "2001:db8::1"), reply(2, 300), 6000);
  assert.deepEqual(ring.find(key(1)), reply(1, 20));
  assert.deepEqual(ring.find(key(2, "2001:db8::1")), reply(2, 300));
  assert.equal(ring.find(key(2, "2001:db8::2")), undefined, "another source address");
  assert.equal(ring.find(key(1, "192.0.2.1", "acct")), undefined, "another listener");
  ring.delete(key(1));
  assert.equal(ring.find(key(1)), undefined);
  now = 6000;
  assert.equal(ring.find(key(2, "2001:db8::1")), undefined, "expired");
  assert.equal(ring.size, 0);
});

test("a new answer for the same request replaces the old one", () => {
  const ring = new ReplyRing({ maxEntries: 10, maxBytes: 1 << 16 }, () => 0);
  ring.add(key(3), reply(3, 40), 100);
  ring.add(key(3), reply(4, 60), 100);
  assert.deepEqual(ring.find(key(3)), reply(4, 60));
  assert.equal(ring.size, 1);
});

test("full: the oldest answers make room, whatever filled it (slots or bytes)", () => {
  const ring = new ReplyRing({ maxEntries: 300, maxBytes: 64 * 1024 }, () => 0);
  for (let n = 0; n < 1000; n++) ring.add(key(n), reply(n, 100 + (n % 7) * 150), 1e9);
  assert.ok(ring.size <= 300);
  const kept = Array.from({ length: 1000 }, (_, n) => ring.find(key(n)) !== undefined);
  const first = kept.indexOf(true);
  assert.ok(first > 0);
  assert.ok(kept.slice(first).every(Boolean), "every answer newer than the oldest kept is kept");
  for (let n = first; n < 1000; n++) {
    assert.deepEqual(ring.find(key(n)), reply(n, 100 + (n % 7) * 150));
  }
  assert.ok(ring.footprint < 64 * 1024 + 300 * 80, `footprint ${ring.footprint}`);
});

test("a reply of 4096 octets always fits, even in the smallest ring", () => {
  const ring = new ReplyRing({ maxEntries: 2, maxBytes: 4096 }, () => 0);
  ring.add(key(1), reply(1, 4096), 10);
  ring.add(key(2), reply(2, 4096), 10);
  assert.equal(ring.find(key(1)), undefined);
  assert.deepEqual(ring.find(key(2)), reply(2, 4096));
  assert.equal(ring.add(key(3), reply(3, 4097), 10), false);
});

test("property: the ring agrees with a model that forgets only the oldest answers", () => {
  type Op =
    | { op: "add"; n: number; length: number }
    | { op: "find"; n: number }
    | { op: "delete"; n: number }
    | { op: "tick"; ms: number };
  const ops = fc.array(
    fc.oneof(
      {
        weight: 6,
        arbitrary: fc.record({
          op: fc.constant("add" as const),
          n: fc.nat(80),
          length: fc.integer({ min: 1, max: 4096 }),
        }),
      },
      { weight: 4, arbitrary: fc.record({ op: fc.constant("find" as const), n: fc.nat(80) }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant("delete" as const), n: fc.nat(80) }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant("tick" as const), ms: fc.nat(400) }) },
    ),
    { maxLength: 400 },
  );
  fc.assert(
    fc.property(ops, fc.integer({ min: 1, max: 64 }), (list: Op[], maxEntries) => {
      let now = 0;
      const ttl = 1000;
      const ring = new ReplyRing({ maxEntries, maxBytes: 16 * 1024 }, () => now);
      // The model: answers in the order made, each with its bytes and expiry.
      let model: { n: number; bytes: Uint8Array; expires: number }[] = [];
      let version = 0;
      // Whether the ring may have had to push answers out: the unexpired
      // ones reached the entry limit, or half the bytes (the rest is slack
      // for the tail left unused when writing wraps).
      let pressed = false;
      for (const step of list) {
        if (step.op === "tick") now += step.ms;
        else if (step.op === "delete") {
          ring.delete(key(step.n));
          model = model.filter((entry) => entry.n !== step.n);
        } else if (step.op === "add") {
          const bytes = reply(version++, step.length);
          ring.add(key(step.n), bytes, now + ttl);
          model = model.filter((entry) => entry.n !== step.n);
          model.push({ n: step.n, bytes, expires: now + ttl });
          const live = model.filter((entry) => entry.expires > now);
          const bytesLive = live.reduce((sum, entry) => sum + entry.bytes.length, 0);
          if (live.length > maxEntries || bytesLive > 8 * 1024) pressed = true;
        } else {
          const found = ring.find(key(step.n));
          const index = model.findIndex((entry) => entry.n === step.n);
          const entry = model[index];
          if (entry === undefined || entry.expires <= now) {
            assert.equal(found, undefined);
          } else if (found === undefined) {
            assert.ok(pressed, "an answer went missing while the ring had room");
            // Pushed out for room: then every older answer is gone too.
            model = model.slice(index + 1);
          } else {
            assert.deepEqual(found, entry.bytes);
          }
        }
        assert.ok(ring.size <= maxEntries);
      }
    }),
    { numRuns: 300 },
  );
});
