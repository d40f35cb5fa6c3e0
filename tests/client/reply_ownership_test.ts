// A reply the caller keeps holds its own packet's bytes only: a datagram
// handed over as a view into a larger buffer (as the Deno adapter hands them,
// inside 128 KiB receive blocks shared by many datagrams) or longer than its
// packet is copied, so that keeping replies does not keep whole blocks alive.
// The blocks are simulated over the memory transport, so that every runtime
// runs the same case.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "../../src/client.ts";
import { Code } from "../../src/codec/code.ts";
import type { Packet } from "../../src/packet.ts";
import { MemoryTransport } from "../../src/testing/memory_transport.ts";
import type { DatagramTransport } from "../../src/transport.ts";
import { responder, SECRET } from "./_responder.ts";

const BLOCK = 128 * 1024;

/** The network seen through receive blocks: each datagram arrives as a view into a fresh block. */
function blocks(network: MemoryTransport): DatagramTransport {
  return {
    name: "memory, in blocks",
    bind: (options, onMessage) =>
      network.bind(options, (data, from) => {
        const block = new Uint8Array(BLOCK);
        block.set(data, 1000);
        onMessage(block.subarray(1000, 1000 + data.length), from);
      }),
  };
}

test("Client: a kept reply holds its packet's bytes, not the receive block it came in", async () => {
  const network = new MemoryTransport();
  const server = await responder(
    network,
    "127.0.0.1",
    1812,
    (request: Packet) => request.reply(Code.AccessAccept, { "Class": new Uint8Array([1, 2, 3]) }),
  );
  const client = new Client({ transport: blocks(network), server: "127.0.0.1", secret: SECRET });
  try {
    const reply = await client.accessRequest({ "User-Name": "bob" });
    assert.equal(reply.code, Code.AccessAccept);
    const klass = reply.get("Class") as Uint8Array;
    assert.deepEqual(klass, new Uint8Array([1, 2, 3]));
    // Views into the packet's own bytes at most (the largest packet is 4,096 bytes).
    assert.ok(
      reply.authenticator.buffer.byteLength <= 4096,
      `${reply.authenticator.buffer.byteLength}`,
    );
    assert.ok(klass.buffer.byteLength <= 4096, `${klass.buffer.byteLength}`);
  } finally {
    await client.close();
    await server.close();
  }
});

test("Client: a reply padded past its Length keeps none of the padding", async () => {
  const network = new MemoryTransport();
  const server = await responder(network, "127.0.0.1", 1812, (request: Packet) => {
    const bytes = request.reply(Code.AccessAccept).encode(SECRET);
    // RFC 2865 §3: octets past the Length field are padding, to be ignored.
    const padded = new Uint8Array(60000);
    padded.set(bytes);
    return padded;
  });
  const client = new Client({ transport: network, server: "127.0.0.1", secret: SECRET });
  try {
    const reply = await client.accessRequest({ "User-Name": "bob" });
    assert.equal(reply.code, Code.AccessAccept);
    assert.ok(
      reply.authenticator.buffer.byteLength <= 4096,
      `${reply.authenticator.buffer.byteLength}`,
    );
  } finally {
    await client.close();
    await server.close();
  }
});
