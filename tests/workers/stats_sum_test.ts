// sumStats(): the counters of several servers add up field by field, keep
// the invariant received = replied + resent + dropped + inFlight, and take
// the buffer sizes as reported (they are not counters).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Client, Code, Dictionary, Server, type ServerStats } from "../../mod.ts";
import { MemoryTransport } from "../../src/testing/memory_transport.ts";
import { sumStats } from "../../adapters/_stats_sum.ts";

async function served(accepts: number, junk: number): Promise<ServerStats> {
  const network = new MemoryTransport();
  const server = new Server({
    transport: network,
    dictionary: Dictionary.default(),
    clients: [{ address: "127.0.0.1", secret: "s3cret" }],
    handleAccessRequest: (request) => request.reply(Code.AccessAccept),
  });
  const { auth } = await server.listen({ hostname: "127.0.0.1", auth: 1812 });
  const client = new Client({ transport: network, server: "127.0.0.1", secret: "s3cret" });
  for (let i = 0; i < accepts; i++) await client.accessRequest({ "User-Name": "bob" });
  const nas = await network.bind({ hostname: "127.0.0.1", port: 0 }, () => {});
  for (let i = 0; i < junk; i++) await nas.send(new Uint8Array(3), auth!);
  await network.idle();
  await client.close();
  await nas.close();
  await server.close();
  return server.stats();
}

test("sumStats() adds every counter, keyed ones too, and keeps the invariant", async () => {
  const a = await served(3, 1);
  const b = await served(2, 4);
  const sum = sumStats([a, b]);
  assert.equal(sum.received, a.received + b.received);
  assert.equal(sum.replied, 5);
  assert.equal(sum.dropped, 5);
  assert.equal(sum.droppedBy.malformed, 5);
  assert.equal(sum.droppedBy["unknown-client"], 0);
  assert.deepEqual(sum.requests, { "Access-Request": 5 });
  assert.deepEqual(sum.replies, { "Access-Accept": 5 });
  assert.equal(sum.received, sum.replied + sum.resent + sum.dropped + sum.inFlight);
  assert.deepEqual(Object.keys(sum).sort(), Object.keys(a).sort());
});

test("sumStats() of nothing is all zeros; buffer sizes come from the first that has them", () => {
  const zero = sumStats([]);
  assert.equal(zero.received, 0);
  assert.ok(Object.values(zero.droppedBy).every((n) => n === 0));
  const sizes = { receive: 8_388_608, send: 425_984 };
  const one = { ...zero, bufferSizes: { auth: sizes } };
  const other = { ...zero, bufferSizes: { auth: { receive: 1, send: 1 } } };
  assert.deepEqual(sumStats([one, other]).bufferSizes, { auth: sizes });
});
