// `await using socket = await transport.bind(…)` closes the socket at the end
// of its block, on every transport.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { DatagramSocket } from "../../src/transport.ts";
import { subjects } from "./_subjects.ts";

for (const subject of subjects) {
  describe(subject.name, () => {
    test("await using closes the socket when its block ends", async () => {
      const transport = subject.transport();
      let kept: DatagramSocket | undefined;
      const received: number[] = [];
      await using receiver = await transport.bind(
        { hostname: "127.0.0.1", port: 0 },
        (data) => received.push(data[0]!),
      );
      {
        await using socket = await transport.bind({ hostname: "127.0.0.1", port: 0 }, () => {});
        kept = socket;
        await socket.send(new Uint8Array([1]), receiver.local);
      }
      await assert.rejects(
        async () => await kept!.send(new Uint8Array([2]), receiver.local),
        /closed socket/,
      );
      // The port is free again.
      const again = await transport.bind(
        { hostname: "127.0.0.1", port: kept.local.port },
        () => {},
      );
      await again.close();
    });

    test("[Symbol.asyncDispose]() is close(): idempotent, and fine after close()", async () => {
      const socket = await subject.transport().bind({ hostname: "127.0.0.1", port: 0 }, () => {});
      await socket[Symbol.asyncDispose]();
      await socket.close();
      await socket[Symbol.asyncDispose]();
    });
  });
}
