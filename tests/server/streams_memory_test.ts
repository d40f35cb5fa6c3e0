// The server's stream side on MemoryStreams, with the network's faults:
// writes split into pieces or joined, latency, a reset in the middle of a
// request, a handshake that stalls; the same seed fails the same way.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Code } from "../../src/codec/code.ts";
import { Packet } from "../../src/packet.ts";
import { Server } from "../../src/server.ts";
import { MemoryStreams, type MemoryStreamsOptions } from "../../src/testing/memory_transport.ts";
import { dictionary, gate, until } from "./_helpers.ts";
import { seededRandom } from "../_random.ts";
import { nasTls, serverTls, StreamPeer } from "./_stream_peer.ts";

const SECRET = "s3cret";
const HOST = "192.0.2.10";

async function withServer(
  faults: MemoryStreamsOptions,
  run: (
    server: Server,
    network: MemoryStreams,
    ports: { tcp: number; tls: number },
  ) => Promise<void>,
  handle?: () => Promise<void>,
): Promise<void> {
  const network = new MemoryStreams({ seed: 6614, sourceAddress: "192.0.2.1", ...faults });
  const server = new Server({
    streams: network,
    dictionary,
    clients: [{ address: "192.0.2.0/24", secret: SECRET }],
    connections: { handshakeTimeout: 100, packetTimeout: 200 },
    closeTimeout: 100,
    handleAccessRequest: async (request) => {
      await handle?.();
      return request.reply(Code.AccessAccept);
    },
  });
  const bound = await server.listen({
    hostname: HOST,
    tcp: { port: 1812 },
    tls: { port: 2083, ...serverTls() },
  });
  try {
    await run(server, network, { tcp: bound.tcp!.port, tls: bound.tls!.port });
  } finally {
    await server.close();
  }
}

function requests(count: number): Uint8Array[] {
  return Array.from(
    { length: count },
    (_, id) =>
      Packet.create(Code.AccessRequest, dictionary, { "User-Name": `u${id}` }, { id }).encode(
        SECRET,
      ),
  );
}

describe("Server on MemoryStreams with faults", () => {
  const faults: [string, MemoryStreamsOptions][] = [
    ["writes split in random pieces", { split: true }],
    ["writes split in 3-byte pieces", { split: 3 }],
    ["writes joined", { coalesce: true }],
    ["latency", { latency: 5, split: true }],
  ];
  for (const [what, options] of faults) {
    for (const kind of ["tcp", "tls"] as const) {
      it(`answers 100 requests over ${kind.toUpperCase()} with ${what}`, async () => {
        await withServer(options, async (server, network, ports) => {
          const peer = await StreamPeer.connect(
            network,
            ports[kind],
            kind === "tls" ? nasTls() : undefined,
            HOST,
          );
          peer.send(...requests(100));
          await peer.reply(100);
          assert.equal(new Set(peer.replies.map((reply) => reply[1])).size, 100);
          assert.equal(server.stats().replied, 100);
          peer.destroy();
        });
      });
    }
  }

  it("survives a reset in the middle of requests in flight, and answers the next connection", async () => {
    const held = gate();
    await withServer({}, async (server, network, ports) => {
      const peer = await StreamPeer.connect(network, ports.tcp, undefined, HOST);
      peer.send(...requests(10));
      await until(server, (s) => s.inFlight === 10, "10 requests in flight");
      network.reset(peer.connection);
      await until(server, (s) => s.connections.closedBy["peer-reset"] === 1, "the reset");
      held.open();
      await until(server, (s) => s.inFlight === 0, "the handlers settled");
      const next = await StreamPeer.connect(network, ports.tcp, undefined, HOST);
      next.send(...requests(1));
      assert.equal((await next.reply())[0], Code.AccessAccept);
      next.destroy();
    }, () => held.promise);
  });

  it("closes 200 connections of random garbage with counted reasons, and keeps answering", async () => {
    const random = seededRandom(2083);
    await withServer({ split: true }, async (server, network, ports) => {
      const valid = requests(1)[0]!;
      for (let i = 0; i < 200; i++) {
        const peer = await StreamPeer.connect(network, ports.tcp, undefined, HOST);
        // Garbage that sometimes starts like a packet: a valid header with a random body.
        const garbage = Uint8Array.from(
          { length: 20 + Math.floor(random() * 300) },
          () => Math.floor(random() * 256),
        );
        if (i % 2 === 0) garbage.set(valid.subarray(0, 4));
        peer.send(garbage);
        if (i % 3 === 0) peer.destroy(); // some leave at once, some wait to be closed
      }
      // Garbage whose Length asks for more bytes than come is ended by packetTimeout.
      await until(
        server,
        (s) => s.connections.open === 0,
        "every garbage connection closed",
        20000,
      );
      const stats = server.stats();
      const closed = stats.connections.closedBy;
      assert.equal(
        closed["bad-length"] + closed["invalid-packet"] + closed["packet-timeout"] +
          closed["peer-closed"] + closed["peer-reset"],
        200,
        JSON.stringify(closed),
      );
      assert.equal(stats.replied, 0);
      const peer = await StreamPeer.connect(network, ports.tcp, undefined, HOST);
      peer.send(valid);
      assert.equal((await peer.reply())[0], Code.AccessAccept);
      peer.destroy();
    });
  });

  it("closes a TLS connection whose handshake stalls (handshake-timeout)", async () => {
    await withServer({ handshake: "stall" }, async (server, network, ports) => {
      const outcome = network.connect({ hostname: HOST, port: ports.tls, tls: nasTls() })
        .then(() => undefined, (error: Error) => error);
      await until(server, (s) => s.connections.closedBy["handshake-timeout"] === 1, "the timeout");
      assert.match(String((await outcome)?.message), /reset/i);
    });
  });
});
