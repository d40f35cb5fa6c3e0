// The small pieces of the client's TCP and TLS side: the time a server is
// given over a connection, the reconnect delays, and fingerprint notation.
import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_RETRY, totalWait } from "../../src/client/retry_policy.ts";
import { reconnectDelay } from "../../src/client/stream_pool.ts";
import { normalizeFingerprint } from "../../src/stream/fingerprint.ts";

test("a server is given the whole retransmission schedule over a connection", () => {
  const exact = { ...DEFAULT_RETRY, jitter: 0 };
  assert.equal(totalWait(exact), 30000); // 2 + 4 + 8 + 16, cut at MRD
  assert.equal(totalWait({ ...exact, maxRetransmissions: 0 }), 2000);
  assert.equal(totalWait({ ...exact, maxRetransmissions: 2, maxDuration: 0 }), 14000);
  assert.equal(
    totalWait({ ...exact, maxRetransmissions: 3, maxTimeout: 3000, maxDuration: 0 }),
    11000,
  );
  // No MRD and no MRT: capped at what a timer can wait.
  const endless = { ...exact, maxRetransmissions: 10_000, maxTimeout: 0, maxDuration: 0 };
  assert.equal(totalWait(endless), 2 ** 31 - 1);
  // MRD bounds it whatever the jitter; without MRD, RAND moves it.
  assert.equal(totalWait(DEFAULT_RETRY, () => 0), 30000);
  assert.equal(totalWait(DEFAULT_RETRY, () => 0.999999), 30000);
  const once = { ...DEFAULT_RETRY, maxRetransmissions: 0, maxDuration: 0 };
  assert.equal(totalWait(once, () => 0), 1800);
  assert.equal(Math.round(totalWait(once, () => 0.999999)), 2200);
});

test("reconnect delays: none after a connection that worked, then 1 s doubling to 30 s", () => {
  assert.equal(reconnectDelay(0), 0);
  assert.equal(reconnectDelay(1, () => 0.5), 1000);
  assert.equal(reconnectDelay(2, () => 0.5), 2000);
  assert.equal(reconnectDelay(5, () => 0.5), 16000);
  assert.equal(reconnectDelay(6, () => 0.5), 30000);
  assert.equal(reconnectDelay(1000, () => 0.5), 30000);
  assert.equal(reconnectDelay(1, () => 0), 900);
  assert.equal(reconnectDelay(1, () => 0.999999), 1100);
});

test("fingerprints compare in any case, with or without colons or a sha256: prefix", () => {
  const hex = "A6499E63FADBE4740F5333EFFE409CBD9FDAB265E35F2252CC3BD13955504AD9";
  for (
    const text of [
      "A6:49:9E:63:FA:DB:E4:74:0F:53:33:EF:FE:40:9C:BD:9F:DA:B2:65:E3:5F:22:52:CC:3B:D1:39:55:50:4A:D9",
      hex.toLowerCase(),
      `sha256:${hex}`,
    ]
  ) {
    assert.equal(normalizeFingerprint(text), hex);
  }
  assert.equal(normalizeFingerprint("A6:49"), undefined);
  assert.equal(normalizeFingerprint(`${hex}00`), undefined);
  assert.equal(normalizeFingerprint("zz".repeat(32)), undefined);
});
