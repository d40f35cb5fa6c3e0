// unref() lets the process exit with a socket open; ref() undoes it. Each
// scenario runs in a child process on this runtime (tests/adapters/_unref_child.ts)
// that must end by itself, or, for ref(), stay until it gets a datagram.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { MemoryTransport } from "../../src/testing/memory_transport.ts";
import { runChild, runtime, udpSubjects } from "./_subjects.ts";

/** Sends one datagram to 127.0.0.1:port from a throwaway node:dgram socket. */
function poke(port: number): Promise<void> {
  const socket = createSocket("udp4");
  return new Promise<void>((resolve, reject) =>
    socket.send(new Uint8Array([1]), port, "127.0.0.1", (error) => {
      socket.close();
      return error ? reject(error) : resolve();
    })
  );
}

/** Runs the child; when it prints "ready PORT" and `send` is set, sends it a datagram. */
async function scenario(adapter: string, name: string, send: boolean, sized = false) {
  const result = await runChild(
    "_unref_child.ts",
    [adapter, name, ...(sized ? ["sized"] : [])],
    async (line) => {
      const port = /^ready (\d+)$/.exec(line)?.[1];
      if (send && port !== undefined) await poke(Number(port));
    },
  );
  assert.equal(result.timedOut, false, `the child never exited by itself:\n${result.output}`);
  assert.equal(result.code, 0, result.output);
  return result.output;
}

const variants = udpSubjects.flatMap((subject) => [
  { label: subject.name, adapter: subject.adapter!, sized: false },
  // Bun binds through its node:dgram when a buffer size is asked for.
  ...(runtime === "bun" && subject.adapter === "bun"
    ? [{ label: `${subject.name} with receiveBufferSize`, adapter: "bun", sized: true }]
    : []),
]);
variants.push({ label: "udp() of adapters/auto.ts", adapter: "auto", sized: false });

for (const { label, adapter, sized } of variants) {
  describe(label, () => {
    test("unref() lets a process with an open, idle socket exit", async () => {
      assert.match(await scenario(adapter, "unref", false, sized), /^ready \d+$/m);
    });

    test("ref() after unref() keeps the process alive until the socket is closed", async () => {
      const output = await scenario(adapter, "ref", true, sized);
      assert.match(output, /^received$/m, "exited before the datagram came: ref() did not hold");
    });

    test("an unref'd socket still delivers while something else keeps the process alive", async () => {
      assert.match(await scenario(adapter, "unref-receives", true, sized), /^received$/m);
    });

    test("close() of an unref'd socket settles", async () => {
      assert.match(await scenario(adapter, "close-unref", false, sized), /^closed$/m);
    });
  });
}

test("MemoryTransport.referenced counts the open sockets that are not unref'd", async () => {
  const network = new MemoryTransport();
  const first = await network.bind({ hostname: "127.0.0.1", port: 0 }, () => {});
  const second = await network.bind({ hostname: "::1", port: 0 }, () => {});
  assert.equal(network.referenced, 2);
  first.unref!();
  first.unref!();
  assert.equal(network.referenced, 1);
  first.ref!();
  second.unref!();
  assert.equal(network.referenced, 1);
  await first.close();
  assert.equal(network.referenced, 0);
  await second.close();
});
