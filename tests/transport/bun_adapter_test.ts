// The parts of adapters/bun.ts that loopback cannot provoke (Bun's send
// returning false, a stale ICMP error failing a send), driven through a fake
// `Bun` global. Runs under Deno and Node.js; Bun's own global cannot be
// replaced, and the conformance suite covers the real one there.
import { test } from "node:test";
import assert from "node:assert/strict";
import { udp } from "../../adapters/bun.ts";
import type { Address, DatagramSocket } from "../../src/transport.ts";

const skip = "Bun" in globalThis
  ? "Bun's global cannot be replaced by a fake; the conformance suite tests the real Bun.udpSocket"
  : false;

interface Handler {
  data(socket: unknown, data: Uint8Array, port: number, address: string): void;
  drain(): void;
  error(...args: unknown[]): void;
}

/** Stands in for Bun's `udp.Socket`, recording the first byte of each datagram sent. */
class FakeSocket {
  readonly hostname: string;
  readonly port = 40000;
  readonly handler: Handler;
  readonly sent: number[] = [];
  /** While set, `send` returns false as Bun does when the kernel buffer is full. */
  full = false;
  /** Thrown by the next `send`, as Bun throws an error left by an ICMP message. */
  pendingError: Error | undefined;
  closed = false;

  constructor(options: { hostname: string; socket: Handler }) {
    this.hostname = options.hostname;
    this.handler = options.socket;
  }

  send(data: Uint8Array, _port: number, _address: string): boolean {
    const error = this.pendingError;
    this.pendingError = undefined;
    if (error !== undefined) throw error;
    if (this.full) return false;
    this.sent.push(data[0]!);
    return true;
  }

  close(): void {
    this.closed = true;
  }
}

interface Fixture {
  readonly fake: FakeSocket;
  readonly socket: DatagramSocket;
  readonly errors: unknown[];
  readonly messages: [Uint8Array, Address][];
}

/** Binds through adapters/bun.ts on a fake `Bun` global, then closes and removes both. */
async function withFakeBun(body: (fixture: Fixture) => Promise<void> | void): Promise<void> {
  const global = globalThis as { Bun?: unknown };
  let fake: FakeSocket | undefined;
  global.Bun = {
    udpSocket: (options: { hostname: string; socket: Handler }) => {
      fake = new FakeSocket(options);
      return Promise.resolve(fake);
    },
  };
  try {
    const errors: unknown[] = [];
    const messages: [Uint8Array, Address][] = [];
    const socket = await udp().bind(
      { hostname: "127.0.0.1", port: 0, onError: (error) => errors.push(error) },
      (data, from) => messages.push([data, from]),
    );
    try {
      await body({ fake: fake!, socket, errors, messages });
    } finally {
      await socket.close();
    }
  } finally {
    delete global.Bun;
  }
}

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

const to = { hostname: "127.0.0.1", port: 1812 };

test("udp() of adapters/bun.ts queues datagrams Bun refuses and sends them in order on drain", {
  skip,
}, async () => {
  await withFakeBun(async ({ fake, socket }) => {
    assert.equal(socket.send(new Uint8Array([1]), to), undefined);
    fake.full = true;
    const second = socket.send(new Uint8Array([2]), to);
    fake.full = false;
    const third = socket.send(new Uint8Array([3]), to);
    assert.ok(second instanceof Promise && third instanceof Promise);
    assert.deepEqual(fake.sent, [1]);
    fake.handler.drain();
    await Promise.all([second, third]);
    assert.deepEqual(fake.sent, [1, 2, 3]);
    assert.equal(socket.send(new Uint8Array([4]), to), undefined);
    assert.deepEqual(fake.sent, [1, 2, 3, 4]);
  });
});

test("udp() of adapters/bun.ts close() rejects datagrams still queued", { skip }, async () => {
  await withFakeBun(async ({ fake, socket }) => {
    fake.full = true;
    const queued = Promise.resolve(socket.send(new Uint8Array([1]), to));
    await socket.close();
    await assert.rejects(queued, /closed socket/);
    assert.equal(fake.closed, true);
    assert.deepEqual(fake.sent, []);
  });
});

test(
  "udp() of adapters/bun.ts resends a datagram failed by an earlier one's ICMP error",
  { skip },
  async () => {
    await withFakeBun(async ({ fake, socket, errors }) => {
      const refused = withCode("ECONNREFUSED: connection refused, send", "ECONNREFUSED");
      fake.pendingError = refused;
      assert.equal(socket.send(new Uint8Array([1]), to), undefined);
      assert.deepEqual(fake.sent, [1]);
      assert.deepEqual(errors, [refused]);
      // Any other error is the datagram's own and goes to the caller.
      const tooLong = withCode("EMSGSIZE: message too long, send", "EMSGSIZE");
      fake.pendingError = tooLong;
      await assert.rejects(async () => {
        await socket.send(new Uint8Array([2]), to);
      }, tooLong);
      assert.deepEqual(fake.sent, [1]);
      assert.deepEqual(errors, [refused]);
    });
  },
);

test(
  "udp() of adapters/bun.ts hands errors to onError however Bun passes them",
  { skip },
  async () => {
    await withFakeBun(({ fake, errors }) => {
      const alone = new Error("alone");
      const second = new Error("after the socket");
      fake.handler.error(alone);
      fake.handler.error(fake, second);
      assert.deepEqual(errors, [alone, second]);
    });
  },
);

test("udp() of adapters/bun.ts delivers data with the peer's family, and none after close()", {
  skip,
}, async () => {
  await withFakeBun(async ({ fake, socket, messages }) => {
    fake.handler.data(fake, new Uint8Array([1]), 1812, "::1");
    fake.handler.data(fake, new Uint8Array([2]), 1813, "192.0.2.1");
    await socket.close();
    fake.handler.data(fake, new Uint8Array([3]), 1812, "::1");
    assert.deepEqual(messages, [
      [new Uint8Array([1]), { hostname: "::1", port: 1812, family: "IPv6" }],
      [new Uint8Array([2]), { hostname: "192.0.2.1", port: 1813, family: "IPv4" }],
    ]);
  });
});
