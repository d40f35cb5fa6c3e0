// BindOptions.receiveBufferSize / sendBufferSize: set and reported where the
// runtime can, rejected with code "ENOTSUP" where it cannot, and what they are
// for: a burst that a default receive buffer loses survives a large one.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { DatagramSocket, DatagramTransport } from "../../src/transport.ts";
import {
  netCore,
  runBlocking,
  runChild,
  runtime,
  type Subject,
  subjects,
  udpSubjects,
} from "./_subjects.ts";

const linux = (globalThis as { process?: { platform?: string } }).process?.platform === "linux";
const MiB = 1_048_576;

/** Binds, runs `body`, closes. */
async function withSocket(
  transport: DatagramTransport,
  options: { receiveBufferSize?: number; sendBufferSize?: number },
  body: (socket: DatagramSocket) => void | Promise<void>,
  onMessage: (data: Uint8Array) => void = () => {},
): Promise<void> {
  const socket = await transport.bind({ hostname: "127.0.0.1", port: 0, ...options }, onMessage);
  try {
    await body(socket);
  } finally {
    await socket.close();
  }
}

/** What Linux grants for a request: twice the size, capped at twice the sysctl maximum. */
function linuxGrant(requested: number, max: number | undefined): number | undefined {
  return max === undefined ? undefined : 2 * Math.min(requested, max);
}

for (const subject of subjects) {
  describe(subject.name, () => {
    test("bind() rejects a buffer size that is not a positive integer with a RangeError", async () => {
      const transport = subject.transport();
      for (const size of [0, -1, 1.5, Number.NaN, 2 ** 31]) {
        await assert.rejects(
          transport.bind({ hostname: "127.0.0.1", port: 0, receiveBufferSize: size }, () => {}),
          (error) => error instanceof RangeError && /receiveBufferSize/.test(error.message),
        );
        await assert.rejects(
          transport.bind({ hostname: "127.0.0.1", port: 0, sendBufferSize: size }, () => {}),
          (error) => error instanceof RangeError && /sendBufferSize/.test(error.message),
        );
      }
    });

    if (subject.bufferSizes === "unsupported") {
      test("bind() with a buffer size rejects with ENOTSUP, saying who cannot and what to do", async () => {
        const transport = subject.transport();
        for (
          const [options, named] of [
            [{ receiveBufferSize: 4 * MiB }, /receiveBufferSize.*Deno.*rmem_default/],
            [{ sendBufferSize: MiB }, /sendBufferSize.*Deno.*wmem_default/],
          ] as const
        ) {
          await assert.rejects(
            transport.bind({ hostname: "127.0.0.1", port: 0, ...options }, () => {}),
            (error: Error & { code?: unknown }) => {
              assert.equal(error.code, "ENOTSUP");
              assert.match(error.message, /^Cannot bind 127\.0\.0\.1:0 with /);
              assert.match(error.message, named);
              assert.match(error.message, /Node\.js or Bun/);
              return true;
            },
          );
        }
      });
    } else {
      test("bind() with buffer sizes gets them, and bufferSizes() reports what was granted", async () => {
        const receive = 2 * MiB;
        const send = MiB;
        await withSocket(
          subject.transport(),
          { receiveBufferSize: receive, sendBufferSize: send },
          (socket) => {
            const granted = socket.bufferSizes?.();
            assert.ok(granted !== undefined, "bufferSizes() must report sizes that were set");
            if (subject.bufferSizes === "as-asked") {
              assert.deepEqual(granted, { receive, send });
            } else if (linux) {
              // Linux doubles the request for its bookkeeping, up to twice net.core.*mem_max.
              assert.equal(granted.receive, linuxGrant(receive, netCore("rmem_max")));
              assert.equal(granted.send, linuxGrant(send, netCore("wmem_max")));
            } else {
              assert.ok(granted.receive > 0 && granted.send > 0);
            }
          },
        );
      });
    }

    test("bind() without buffer sizes keeps the system default", async () => {
      await withSocket(subject.transport(), {}, (socket) => {
        const granted = socket.bufferSizes?.();
        if (!subject.readsDefaultSizes) {
          assert.equal(granted, undefined, `${subject.name} cannot read its sizes`);
          return;
        }
        assert.ok(granted !== undefined);
        if (subject.bufferSizes === "as-asked") {
          assert.deepEqual(granted, { receive: 212_992, send: 212_992 });
        } else if (linux) {
          assert.equal(granted.receive, netCore("rmem_default"));
          assert.equal(granted.send, netCore("wmem_default"));
        }
      });
    });

    test("bufferSizes() after close() does not throw", async () => {
      const socket = await subject.transport().bind({ hostname: "127.0.0.1", port: 0 }, () => {});
      await socket.close();
      socket.bufferSizes?.();
    });
  });
}

// The burst: COUNT datagrams of SIZE bytes sent by a child process while this
// process is blocked in spawnSync, so its socket reads nothing until the
// burst is over and the kernel's receive buffer alone decides what survives.
const COUNT = 3000;
const SIZE = 100;
const MARKER = 0xffffffff;

/** Binds a receiver, blasts it from a child process, and counts what came through. */
async function burst(subject: Subject, receiveBufferSize: number | undefined) {
  const seen = new Set<number>();
  let markers = 0;
  let wake: (() => void) | undefined;
  const socket = await subject.transport().bind(
    {
      hostname: "127.0.0.1",
      port: 0,
      ...(receiveBufferSize === undefined ? {} : { receiveBufferSize }),
    },
    (data) => {
      const n = new DataView(data.buffer, data.byteOffset).getUint32(0);
      if (n === MARKER) markers++;
      else seen.add(n);
      wake?.();
    },
  );
  const sender = await subject.transport().bind({ hostname: "127.0.0.1", port: 0 }, () => {});
  try {
    runBlocking("_burst_sender.ts", [String(socket.local.port), String(COUNT), String(SIZE)]);
    // Drained when a marker sent now comes back: the socket is FIFO. A marker
    // may itself find the buffer full, so send another until one arrives; then
    // one more, so that datagrams read together with it are counted too.
    const marker = new Uint8Array(SIZE);
    new DataView(marker.buffer).setUint32(0, MARKER);
    for (const wanted of [1, "last"] as const) {
      const target = wanted === 1 ? 1 : markers + 1;
      for (let attempt = 0; markers < target; attempt++) {
        if (attempt === 40) throw new Error(`no marker came back; ${seen.size} datagrams seen`);
        await sender.send(marker, socket.local);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 250);
          wake = () => {
            if (markers >= target) {
              clearTimeout(timer);
              resolve();
            }
          };
        });
      }
    }
    return { received: seen.size, granted: socket.bufferSizes?.()?.receive };
  } finally {
    wake = undefined;
    await sender.close();
    await socket.close();
  }
}

for (const subject of udpSubjects) {
  describe(`${subject.name}: a burst of ${COUNT} datagrams of ${SIZE} bytes into a socket that is not reading`, () => {
    // Each datagram costs the receive buffer more than its payload (Linux: 832 bytes here).
    const lossCertain = (granted: number) => granted + SIZE < COUNT * SIZE;

    test(
      "the default receive buffer loses part of it",
      { skip: !linux && "Linux only" },
      async () => {
        const { received, granted } = await burst(subject, undefined);
        const size = granted ?? netCore("rmem_default")!;
        if (!lossCertain(size)) {
          return; // This system's default is large enough for the burst: nothing to show.
        }
        assert.ok(received < COUNT, `${received} of ${COUNT} arrived through ${size} bytes`);
        assert.ok(received > 0);
      },
    );

    if (subject.bufferSizes === "kernel") {
      test(
        "a 4 MiB receive buffer keeps all of it",
        { skip: !linux && "Linux only" },
        async (t) => {
          const { received, granted } = await burst(subject, 4 * MiB);
          // Even at 2,560 bytes a datagram (a generous truesize) the burst fits in 7.5 MiB.
          if (granted === undefined || granted < COUNT * 2560) {
            t.skip(`net.core.rmem_max grants only ${granted} bytes here`);
            return;
          }
          assert.equal(received, COUNT, `${received} of ${COUNT} arrived through ${granted} bytes`);
        },
      );
    }
  });
}

test(`bufferSizes() is ${runtime === "deno" ? "absent" : "present"} on sockets of adapters/${runtime}.ts bound without sizes`, async () => {
  const socket = await udpSubjects[0]!.transport().bind(
    { hostname: "127.0.0.1", port: 0 },
    () => {},
  );
  try {
    // Deno cannot read SO_RCVBUF; Bun.udpSocket cannot either; node:dgram can.
    assert.equal(typeof socket.bufferSizes, runtime === "node" ? "function" : "undefined");
  } finally {
    await socket.close();
  }
});

// Deno sets the sizes through libc's setsockopt (FFI) on the descriptor it
// finds in /proc, which Deno reads only with --allow-all; without it the
// bind says so.
test(
  "adapters/deno.ts: buffer sizes need -A, and say so without it",
  { skip: (runtime !== "deno" || !linux) && "Deno on Linux only" },
  async () => {
    const outcome = async (permissions: string[]) => {
      const { code, output } = await runChild("_sized_bind_child.ts", [], () => {}, [
        "run",
        "--unstable-net",
        ...permissions,
      ]);
      assert.equal(code, 0, output);
      return JSON.parse(output.trim().split("\n").at(-1)!);
    };
    for (const permissions of [["--allow-net"], ["--allow-net", "--allow-ffi", "--allow-read"]]) {
      const denied = await outcome(permissions);
      assert.equal(denied.code, "ENOTSUP", permissions.join(" "));
      assert.match(denied.message, /takes --allow-all \(-A\)/);
    }
    const granted = await outcome(["-A"]);
    assert.equal(granted.granted.receive, linuxGrant(4 * MiB, netCore("rmem_max")));
  },
);
