// One conformance suite for the datagram transport contract (src/transport.ts),
// run against the UDP adapter of the runtime executing it (Deno, Bun or
// Node.js) and against the in-memory transport; then the memory transport's
// own fault injection. Only 127.0.0.1 and ::1 are bound, on ports the
// operating system picks, and nothing is sent anywhere else.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type {
  Address,
  BindOptions,
  DatagramSocket,
  DatagramTransport,
} from "../../src/transport.ts";
import { MemoryTransport } from "../../src/testing/memory_transport.ts";
import { udp as bunUdp } from "../../adapters/bun.ts";
import { udp as denoUdp } from "../../adapters/deno.ts";
import { udp as nodeUdp } from "../../adapters/node.ts";

const runtime = "Deno" in globalThis ? "deno" : "Bun" in globalThis ? "bun" : "node";
const nativeUdp = { deno: denoUdp, bun: bunUdp, node: nodeUdp }[runtime];

/** How long to wait for datagrams before failing instead of hanging; not a timing assertion. */
const PATIENCE_MS = 4000;

interface Subject {
  readonly name: string;
  readonly transport: () => DatagramTransport;
  /** Whether `reusePort: true` must work here, rather than reject with a clear Error. */
  readonly reusePort: boolean;
}

const linux = (globalThis as { process?: { platform?: string } }).process?.platform === "linux";
const subjects: Subject[] = [
  // Deno.listenDatagram cannot set SO_REUSEPORT; node:dgram and Bun.udpSocket can on Linux.
  {
    name: `udp() of adapters/${runtime}.ts`,
    transport: nativeUdp,
    reusePort: runtime !== "deno" && linux,
  },
  { name: "MemoryTransport", transport: () => new MemoryTransport(), reusePort: true },
];
if (runtime !== "node") {
  // node:dgram exists in Bun and Deno too; Deno's cannot set SO_REUSEPORT.
  subjects.push({
    name: `udp() of adapters/node.ts on ${runtime}`,
    transport: nodeUdp,
    reusePort: runtime === "bun" && linux,
  });
}

const ipv6 = await (async () => {
  try {
    const socket = await nativeUdp().bind({ hostname: "::1", port: 0 }, () => {});
    await socket.close();
    return true;
  } catch {
    return false;
  }
})();
const noIpv6 = ipv6 ? false : "this host has no IPv6 loopback (::1), so the IPv6 case is skipped";

/** Collects what a socket receives; waits for a count without polling. */
class Inbox {
  readonly messages: { data: Uint8Array; from: Address }[] = [];
  readonly errors: Error[] = [];
  #wake: (() => void) | undefined;

  readonly onMessage = (data: Uint8Array, from: Address): void => {
    this.messages.push({ data, from });
    this.#wake?.();
  };

  readonly onError = (error: Error): void => {
    this.errors.push(error);
  };

  /** Resolves once `count` datagrams are in; rejects after PATIENCE_MS saying how many came. */
  async until(count: number): Promise<void> {
    if (this.messages.length >= count) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        timer = setTimeout(() => {
          reject(new Error(`Received ${this.messages.length} of ${count} datagrams`));
        }, PATIENCE_MS);
        this.#wake = () => {
          if (this.messages.length >= count) resolve();
        };
      });
    } finally {
      clearTimeout(timer);
      this.#wake = undefined;
    }
  }
}

/** Binds sockets for one test and closes every one of them afterwards. */
class Sockets {
  readonly #transport: DatagramTransport;
  readonly #open: DatagramSocket[] = [];

  constructor(transport: DatagramTransport) {
    this.#transport = transport;
  }

  async bind(options: BindOptions, inbox: Inbox = new Inbox()): Promise<DatagramSocket> {
    const socket = await this.#transport.bind(
      { onError: inbox.onError, ...options },
      inbox.onMessage,
    );
    this.#open.push(socket);
    return socket;
  }

  async close(): Promise<void> {
    await Promise.all(this.#open.map((socket) => socket.close()));
  }
}

async function withSockets(
  subject: Subject,
  body: (sockets: Sockets, transport: DatagramTransport) => Promise<void>,
): Promise<void> {
  const transport = subject.transport();
  const sockets = new Sockets(transport);
  try {
    await body(sockets, transport);
  } finally {
    await sockets.close();
  }
}

/** Sends and waits for whatever `send` returns, turning a synchronous throw into a rejection. */
async function send(socket: DatagramSocket, data: Uint8Array, to: Address): Promise<void> {
  await socket.send(data, to);
}

function pattern(size: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed) & 0xff;
  return bytes;
}

/** Waits until `done()` holds; fails after PATIENCE_MS instead of hanging. */
async function waitUntil(done: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !done(); waited += 5) {
    if (waited >= PATIENCE_MS) throw new Error(`Gave up waiting: ${what}`);
    await pause(5);
  }
}

/** Gives a wrongly delivered datagram the chance to show up. */
function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// The largest payloads: 65535 minus the IPv4 (20) or IPv6 (40) header and UDP's 8.
const families = [
  { family: "IPv4", hostname: "127.0.0.1", skip: false, largest: 65507 },
  { family: "IPv6", hostname: "::1", skip: noIpv6, largest: 65527 },
] as const;

for (const subject of subjects) {
  describe(subject.name, () => {
    for (const { family, hostname, skip, largest } of families) {
      test(
        `bind() on ${hostname} port 0 reports the real port and family ${family}`,
        { skip },
        async () => {
          await withSockets(subject, async (sockets) => {
            const socket = await sockets.bind({ hostname, port: 0 });
            assert.equal(socket.local.hostname, hostname);
            assert.equal(socket.local.family, family);
            assert.ok(Number.isInteger(socket.local.port));
            assert.ok(socket.local.port > 0 && socket.local.port < 65536);
          });
        },
      );

      test(
        `send() delivers 0 to ${largest} bytes byte-exact over ${family}, from the sender's address`,
        { skip },
        async () => {
          await withSockets(subject, async (sockets) => {
            const inbox = new Inbox();
            const receiver = await sockets.bind({ hostname, port: 0 }, inbox);
            const sender = await sockets.bind({ hostname, port: 0 });
            const sizes = [0, 1, 20, 4096, largest];
            for (const [i, size] of sizes.entries()) {
              await send(sender, pattern(size, i), receiver.local);
              await inbox.until(i + 1);
            }
            assert.deepEqual(inbox.messages.map(({ data }) => data.byteLength), sizes);
            for (const [i, { data, from }] of inbox.messages.entries()) {
              assert.ok(data instanceof Uint8Array);
              assert.deepEqual(data, pattern(sizes[i]!, i));
              assert.deepEqual(from, sender.local);
            }
          });
        },
      );
    }

    test("onMessage data is owned by the receiver: later datagrams and sender reuse leave it alone", async () => {
      await withSockets(subject, async (sockets) => {
        const inbox = new Inbox();
        const receiver = await sockets.bind({ hostname: "127.0.0.1", port: 0 }, inbox);
        const sender = await sockets.bind({ hostname: "127.0.0.1", port: 0 });
        const buffer = new Uint8Array(64);
        for (let i = 0; i < 20; i++) {
          buffer.fill(i);
          await send(sender, buffer, receiver.local);
        }
        await inbox.until(20);
        for (const [i, { data }] of inbox.messages.entries()) {
          assert.deepEqual(data, new Uint8Array(64).fill(i));
        }
        inbox.messages[0]!.data.fill(0xff);
        assert.deepEqual(inbox.messages[1]!.data, new Uint8Array(64).fill(1));
      });
    });

    test("send() of a 2,000 datagram burst over loopback delivers every one", async () => {
      await withSockets(subject, async (sockets) => {
        const inbox = new Inbox();
        const receiver = await sockets.bind({ hostname: "127.0.0.1", port: 0 }, inbox);
        const sender = await sockets.bind({ hostname: "127.0.0.1", port: 0 });
        const count = 2000;
        // In windows of 100, so a receiver on the sender's own thread gets to read
        // before the kernel's receive buffer (about 200 KiB by default) overflows.
        for (let first = 0; first < count; first += 100) {
          for (let i = first; i < first + 100; i++) {
            const data = new Uint8Array(20);
            new DataView(data.buffer).setUint32(0, i);
            await send(sender, data, receiver.local);
          }
          await inbox.until(first + 100);
        }
        const seen = new Set(
          inbox.messages.map(({ data }) => new DataView(data.buffer, data.byteOffset).getUint32(0)),
        );
        assert.equal(seen.size, count);
        assert.equal(inbox.messages.length, count);
      });
    });

    test("send() to a closed port neither throws nor crashes the process", async () => {
      await withSockets(subject, async (sockets) => {
        const gone = await sockets.bind({ hostname: "127.0.0.1", port: 0 });
        await gone.close();
        const senderInbox = new Inbox();
        const sender = await sockets.bind({ hostname: "127.0.0.1", port: 0 }, senderInbox);
        const inbox = new Inbox();
        const witness = await sockets.bind({ hostname: "127.0.0.1", port: 0 }, inbox);
        for (let i = 0; i < 5; i++) {
          await send(sender, new Uint8Array(20), gone.local);
          // Must arrive even where the ICMP error the previous datagram caused
          // fails the next send, whatever its destination (Bun: IP_RECVERR).
          await send(sender, new Uint8Array([i]), witness.local);
          await inbox.until(i + 1);
        }
        // Bun reports ECONNREFUSED to onError; Deno and Node.js stay silent.
        for (const error of senderInbox.errors) assert.ok(error instanceof Error);
      });
    });

    test("send() of an oversized datagram fails with EMSGSIZE", async () => {
      await withSockets(subject, async (sockets) => {
        const receiver = await sockets.bind({ hostname: "127.0.0.1", port: 0 });
        const sender = await sockets.bind({ hostname: "127.0.0.1", port: 0 });
        await assert.rejects(send(sender, new Uint8Array(65508), receiver.local), {
          code: "EMSGSIZE",
        });
      });
    });

    test("close() is idempotent and stops delivery, even of datagrams already queued", async () => {
      await withSockets(subject, async (sockets) => {
        const inbox = new Inbox();
        const receiver = await sockets.bind({ hostname: "127.0.0.1", port: 0 }, inbox);
        const sender = await sockets.bind({ hostname: "127.0.0.1", port: 0 });
        await send(sender, new Uint8Array([0]), receiver.local);
        await inbox.until(1);
        for (let i = 1; i <= 5; i++) await send(sender, new Uint8Array([i]), receiver.local);
        const closing = receiver.close();
        const atClose = inbox.messages.length;
        await Promise.all([closing, receiver.close()]);
        await receiver.close();
        await send(sender, new Uint8Array([6]), receiver.local);
        await pause(50);
        assert.equal(inbox.messages.length, atClose);
      });
    });

    test("send() after close() fails with an Error saying the socket is closed", async () => {
      await withSockets(subject, async (sockets) => {
        const receiver = await sockets.bind({ hostname: "127.0.0.1", port: 0 });
        const sender = await sockets.bind({ hostname: "127.0.0.1", port: 0 });
        await sender.close();
        await assert.rejects(send(sender, new Uint8Array(20), receiver.local), (error) => {
          assert.ok(error instanceof Error);
          assert.match(error.message, /closed socket/);
          return true;
        });
      });
    });

    test("onMessage exceptions go to onError and delivery continues", async () => {
      await withSockets(subject, async (sockets, transport) => {
        const errors: Error[] = [];
        const seen: number[] = [];
        const receiver = await transport.bind(
          { hostname: "127.0.0.1", port: 0, onError: (error) => errors.push(error) },
          (data) => {
            seen.push(data[0]!);
            if (data[0] === 1) throw new Error("handler failed");
          },
        );
        try {
          const inbox = new Inbox();
          const sender = await sockets.bind({ hostname: "127.0.0.1", port: 0 }, inbox);
          for (let i = 1; i <= 3; i++) await send(sender, new Uint8Array([i]), receiver.local);
          await waitUntil(() => seen.length === 3, `3 datagrams, ${seen.length} handled`);
          assert.deepEqual(seen, [1, 2, 3]);
          assert.equal(errors.length, 1);
          assert.equal(errors[0]!.message, "handler failed");
        } finally {
          await receiver.close();
        }
      });
    });

    test("bind() of a port in use without reusePort fails with EADDRINUSE", async () => {
      await withSockets(subject, async (sockets) => {
        const first = await sockets.bind({ hostname: "127.0.0.1", port: 0 });
        await assert.rejects(
          sockets.bind({ hostname: "127.0.0.1", port: first.local.port }),
          { code: "EADDRINUSE" },
        );
      });
    });

    test("bind() with reusePort lets two sockets share a port, or rejects saying it cannot", async (t) => {
      await withSockets(subject, async (sockets) => {
        const options = { hostname: "127.0.0.1", port: 0, reusePort: true };
        if (!subject.reusePort) {
          await assert.rejects(sockets.bind(options), /reusePort: .*SO_REUSEPORT/);
          t.skip(
            `${subject.name} cannot share ports on ${runtime}: bind rejects with a clear Error`,
          );
          return;
        }
        const inboxes = [new Inbox(), new Inbox()];
        const first = await sockets.bind(options, inboxes[0]);
        const second = await sockets.bind({ ...options, port: first.local.port }, inboxes[1]);
        assert.equal(second.local.port, first.local.port);
        // Each peer reaches one of them; together they get everything, and
        // both get some (all 40 peers hashed to one socket: odds 2 in 2^40).
        const peers = 40;
        for (let i = 0; i < peers; i++) {
          const peer = await sockets.bind({ hostname: "127.0.0.1", port: 0 });
          await send(peer, new Uint8Array([i]), first.local);
        }
        const total = () => inboxes[0]!.messages.length + inboxes[1]!.messages.length;
        await waitUntil(() => total() === peers, `${peers} datagrams, ${total()} received`);
        assert.ok(
          inboxes.every((inbox) => inbox.messages.length > 0),
          `spread: ${inboxes.map((inbox) => inbox.messages.length).join(" + ")}`,
        );
      });
    });
  });
}

describe("MemoryTransport faults", () => {
  async function blast(
    network: MemoryTransport,
    count: number,
  ): Promise<{ received: number[]; close: () => Promise<void> }> {
    const received: number[] = [];
    const receiver = await network.bind(
      { hostname: "192.0.2.10", port: 1812 },
      (data) => received.push(new DataView(data.buffer, data.byteOffset).getUint32(0)),
    );
    const sender = await network.bind({ hostname: "192.0.2.1", port: 0 }, () => {});
    for (let i = 0; i < count; i++) {
      const data = new Uint8Array(20);
      new DataView(data.buffer).setUint32(0, i);
      sender.send(data, receiver.local);
    }
    await network.idle();
    return {
      received,
      close: async () => {
        await sender.close();
        await receiver.close();
      },
    };
  }

  test("MemoryTransport loses about the configured share of datagrams, and counts them", async () => {
    const network = new MemoryTransport({ seed: 42, loss: 0.1 });
    const { received, close } = await blast(network, 5000);
    await close();
    const { sent, delivered, dropped, duplicated } = network.stats;
    assert.equal(sent, 5000);
    assert.equal(delivered, received.length);
    assert.equal(delivered, sent - dropped);
    assert.equal(duplicated, 0);
    assert.ok(dropped > 400 && dropped < 600, `dropped ${dropped} of 5000 at loss 0.1`);
  });

  test("MemoryTransport with the same seed loses the same datagrams", async () => {
    const runs: number[][] = [];
    for (const seed of [7, 7, 8]) {
      const network = new MemoryTransport({ seed, loss: 0.3 });
      const { received, close } = await blast(network, 200);
      await close();
      runs.push(received);
    }
    assert.deepEqual(runs[0], runs[1]);
    assert.notDeepEqual(runs[0], runs[2]);
  });

  test("MemoryTransport duplicates about the configured share, each copy its own buffer", async () => {
    const network = new MemoryTransport({ seed: 3, duplicate: 0.2 });
    const copies: Uint8Array[] = [];
    const receiver = await network.bind({ hostname: "::1", port: 0 }, (data) => copies.push(data));
    const sender = await network.bind({ hostname: "::1", port: 0 }, () => {});
    for (let i = 0; i < 1000; i++) sender.send(new Uint8Array([i & 0xff, i >> 8]), receiver.local);
    await network.idle();
    const { sent, delivered, dropped, duplicated } = network.stats;
    assert.equal(delivered, sent - dropped + duplicated);
    assert.ok(duplicated > 150 && duplicated < 250, `duplicated ${duplicated} of 1000 at 0.2`);
    const twins = copies.findIndex((data, i) =>
      i > 0 && data[0] === copies[i - 1]![0] && data[1] === copies[i - 1]![1]
    );
    assert.ok(twins > 0);
    copies[twins]!.fill(0xee);
    assert.notEqual(copies[twins - 1]![0], 0xee);
    await sender.close();
    await receiver.close();
  });

  test("MemoryTransport jitter reorders datagrams and still delivers all of them", async () => {
    const network = new MemoryTransport({ seed: 5, jitter: 20 });
    const { received, close } = await blast(network, 200);
    await close();
    assert.equal(received.length, 200);
    assert.notDeepEqual(received, [...received].sort((a, b) => a - b));
    assert.deepEqual([...received].sort((a, b) => a - b), Array.from({ length: 200 }, (_, i) => i));
  });

  test("MemoryTransport latency without jitter keeps the sending order", async () => {
    const network = new MemoryTransport({ latency: 5 });
    const { received, close } = await blast(network, 100);
    await close();
    assert.deepEqual(received, Array.from({ length: 100 }, (_, i) => i));
  });

  test("MemoryTransport intercept drops, replaces or delivers, seeing both addresses", async () => {
    const seen: [number, Address, Address][] = [];
    const network = new MemoryTransport({
      intercept: (data, from, to) => {
        seen.push([data[0]!, from, to]);
        if (data[0] === 1) return "drop";
        if (data[0] === 2) return new Uint8Array([9, 9]);
        return "deliver";
      },
    });
    const received: Uint8Array[] = [];
    const receiver = await network.bind(
      { hostname: "127.0.0.1", port: 1812 },
      (d) => received.push(d),
    );
    const sender = await network.bind({ hostname: "127.0.0.1", port: 0 }, () => {});
    for (const first of [1, 2, 3]) sender.send(new Uint8Array([first]), receiver.local);
    await network.idle();
    assert.deepEqual(received, [new Uint8Array([9, 9]), new Uint8Array([3])]);
    assert.deepEqual(seen.map(([first]) => first), [1, 2, 3]);
    assert.deepEqual(seen[0]![1], sender.local);
    assert.deepEqual(seen[0]![2], receiver.local);
    assert.deepEqual(network.stats, { sent: 3, delivered: 2, dropped: 1, duplicated: 0 });
    network.configure({ intercept: undefined });
    sender.send(new Uint8Array([1]), receiver.local);
    await network.idle();
    assert.equal(received.length, 3);
    await sender.close();
    await receiver.close();
  });

  test("MemoryTransport delivers asynchronously, never inside send()", async () => {
    const network = new MemoryTransport();
    const order: string[] = [];
    const receiver = await network.bind({ hostname: "127.0.0.1", port: 0 }, (_data, from) => {
      order.push("receive");
      receiver.send(new Uint8Array([2]), from);
      order.push("replied");
    });
    const sender = await network.bind(
      { hostname: "127.0.0.1", port: 0 },
      () => order.push("reply"),
    );
    sender.send(new Uint8Array([1]), receiver.local);
    order.push("sent");
    await Promise.resolve();
    order.push("microtask");
    await network.idle();
    assert.deepEqual(order, ["sent", "microtask", "receive", "replied", "reply"]);
    await sender.close();
    await receiver.close();
  });

  test("MemoryTransport close() drops datagrams still on their way, and idle() resolves", async () => {
    const network = new MemoryTransport({ latency: 1000 });
    let received = 0;
    const receiver = await network.bind({ hostname: "127.0.0.1", port: 0 }, () => received++);
    const sender = await network.bind({ hostname: "127.0.0.1", port: 0 }, () => {});
    for (let i = 0; i < 5; i++) sender.send(new Uint8Array(20), receiver.local);
    const idle = network.idle();
    await receiver.close();
    await idle;
    assert.equal(received, 0);
    assert.deepEqual(network.stats, { sent: 5, delivered: 0, dropped: 5, duplicated: 0 });
    await sender.close();
  });

  test("MemoryTransport wildcard sockets receive for every address of their family", async () => {
    const network = new MemoryTransport();
    const received: Address[] = [];
    const server = await network.bind(
      { hostname: "0.0.0.0", port: 1812 },
      (_d, from) => received.push(from),
    );
    const client = await network.bind({ hostname: "0.0.0.0", port: 0 }, () => {});
    client.send(new Uint8Array(20), { hostname: "192.0.2.10", port: 1812 });
    client.send(new Uint8Array(20), { hostname: "127.0.0.1", port: 1812 });
    await network.idle();
    assert.deepEqual(received, [
      { hostname: "127.0.0.1", port: client.local.port, family: "IPv4" },
      { hostname: "127.0.0.1", port: client.local.port, family: "IPv4" },
    ]);
    await assert.rejects(network.bind({ hostname: "127.0.0.1", port: 1812 }, () => {}), {
      code: "EADDRINUSE",
    });
    await client.close();
    await server.close();
  });

  test("MemoryTransport reusePort keeps each peer on one socket", async () => {
    const network = new MemoryTransport();
    const hits = [new Set<number>(), new Set<number>()];
    const options = { hostname: "127.0.0.1", port: 1812, reusePort: true };
    const first = await network.bind(options, (_d, from) => hits[0]!.add(from.port));
    const second = await network.bind(options, (_d, from) => hits[1]!.add(from.port));
    const peers: DatagramSocket[] = [];
    for (let i = 0; i < 8; i++) {
      peers.push(await network.bind({ hostname: "127.0.0.1", port: 0 }, () => {}));
    }
    for (let round = 0; round < 3; round++) {
      for (const peer of peers) peer.send(new Uint8Array(20), first.local);
    }
    await network.idle();
    assert.equal(hits[0]!.size + hits[1]!.size, 8);
    assert.ok(hits[0]!.size > 0 && hits[1]!.size > 0);
    await Promise.all([first, second, ...peers].map((socket) => socket.close()));
  });

  test("MemoryTransport rejects mixed families, bad ports and bad probabilities", async () => {
    const network = new MemoryTransport();
    const socket = await network.bind({ hostname: "127.0.0.1", port: 0 }, () => {});
    assert.throws(() => socket.send(new Uint8Array(1), { hostname: "::1", port: 1812 }), {
      code: "EAFNOSUPPORT",
    });
    assert.throws(
      () => socket.send(new Uint8Array(1), { hostname: "127.0.0.1", port: 70000 }),
      RangeError,
    );
    await assert.rejects(network.bind({ hostname: "127.0.0.1", port: -1 }, () => {}), RangeError);
    assert.throws(() => new MemoryTransport({ loss: 1.5 }), RangeError);
    assert.throws(() => new MemoryTransport({ jitter: Number.NaN }), RangeError);
    await socket.close();
  });

  test("MemoryTransport counts datagrams to an unbound port as dropped", async () => {
    const network = new MemoryTransport();
    const socket = await network.bind({ hostname: "127.0.0.1", port: 0 }, () => {});
    socket.send(new Uint8Array(20), { hostname: "127.0.0.1", port: 9 });
    await network.idle();
    assert.deepEqual(network.stats, { sent: 1, delivered: 0, dropped: 1, duplicated: 0 });
    await socket.close();
  });
});
