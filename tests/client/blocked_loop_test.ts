// A reply that is already waiting in the socket when the last retransmission
// deadline passes completes its request: when the event loop was blocked
// (synchronous work, a long GC pause) past the deadline, the timer and the
// reply become due in the same turn, and the reply must win. The server runs
// as a child process (tests/client/_marking_server.ts) so that it answers
// while this process is blocked; the test blocks only once the child has
// written that every reply was sent.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { Client, type ClientOptions } from "../../src/client.ts";
import { Code } from "../../src/codec/code.ts";
import type { DatagramTransport } from "../../src/transport.ts";
import { runtime, udp } from "../_udp.ts";

const SECRET = "blocked loop secret";
const script = fileURLToPath(new URL("./_marking_server.ts", import.meta.url));

/** Lines in the child's marker file: replies it has sent. */
function repliesSent(marker: string): number {
  try {
    return readFileSync(marker, "utf8").split("\n").length - 1;
  } catch {
    return 0;
  }
}

/**
 * This runtime's transport, whose sockets block the whole thread once the
 * `requests`-th send has gone out: until `at least` milliseconds have passed
 * and the child has sent every reply.
 */
function blockingTransport(marker: string, requests: number, atLeast: number): DatagramTransport {
  const inner = udp();
  let sends = 0;
  return {
    name: `${inner.name}, blocking`,
    async bind(options, onMessage) {
      const socket = await inner.bind(options, onMessage);
      return {
        get local() {
          return socket.local;
        },
        async send(data, to) {
          await socket.send(data, to);
          if (++sends !== requests) return;
          const start = Date.now();
          // Busy: no timer, no datagram is handled until this returns.
          while (Date.now() - start < atLeast || repliesSent(marker) < requests) {
            if (Date.now() - start > 30000) break; // the assertions below say what is missing
          }
        },
        close: () => socket.close(),
        [Symbol.asyncDispose]: () => socket.close(),
        ...(socket.ref === undefined ? {} : { ref: () => socket.ref!() }),
        ...(socket.unref === undefined ? {} : { unref: () => socket.unref!() }),
      };
    },
  };
}

async function startServer(marker: string) {
  const child = spawn(
    process.execPath,
    runtime === "deno"
      ? ["run", "-A", "--unstable-net", script, marker, SECRET]
      : [script, marker, SECRET],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let output = "";
    child.stdout!.on("data", (chunk: Uint8Array) => {
      output += new TextDecoder().decode(chunk);
      const port = /PORT (\d+)\n/.exec(output)?.[1];
      if (port !== undefined) resolve(Number(port));
    });
    child.once("exit", (code) => reject(new Error(`the server exited with ${code}`)));
  });
  return {
    port,
    async stop() {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.stdin!.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 10000);
      await exited;
      clearTimeout(timer);
    },
  };
}

const cases: {
  name: string;
  requests: number;
  options: Pick<ClientOptions, "timeout" | "retries" | "backoff">;
}[] = [
  { name: "one request, no retransmission", requests: 1, options: { timeout: 100, retries: 0 } },
  {
    name: "one request past its maxDuration",
    requests: 1,
    options: { timeout: 50, retries: 3, backoff: { maxDuration: 150 } },
  },
  { name: "100 requests at once", requests: 100, options: { timeout: 100, retries: 0 } },
];

for (const { name, requests, options } of cases) {
  test(`Client: replies waiting when the event loop unblocks past the deadline win (${name})`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "radkit-blocked-"));
    const marker = join(dir, "sent");
    const server = await startServer(marker);
    const timeout = options.timeout!;
    const client = new Client({
      transport: blockingTransport(marker, requests, timeout * ((options.retries ?? 0) + 1) + 200),
      server: `127.0.0.1:${server.port}`,
      secret: SECRET,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
      ...options,
    });
    try {
      const outcomes = await Promise.allSettled(
        Array.from({ length: requests }, (_, i) => client.accessRequest({ "User-Name": `u${i}` })),
      );
      const stats = client.stats();
      assert.equal(repliesSent(marker), requests, "the server did not answer every request");
      assert.deepEqual(
        outcomes.filter((outcome) => outcome.status === "rejected").map((outcome) =>
          String((outcome as PromiseRejectedResult).reason)
        ),
        [],
      );
      for (const outcome of outcomes) {
        assert.equal(
          (outcome as PromiseFulfilledResult<{ code: number }>).value.code,
          Code.AccessAccept,
        );
      }
      assert.equal(stats.replies, requests);
      assert.equal(stats.timeouts, 0);
      assert.deepEqual(stats.servers.map((server) => server.down), [false]);
    } finally {
      await client.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
