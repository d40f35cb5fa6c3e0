// Client load: 100,000 Access-Requests, 1,000 in flight, against radkit's
// Server on 127.0.0.1 (same process, this runtime's UDP adapter). Prints the
// completion rate (must be 100%), requests/s and peak RSS. Not a test.
//
//   deno run -A --unstable-net bench/client_bench.ts | bun bench/client_bench.ts | node bench/client_bench.ts
//   [TOTAL=100000] [IN_FLIGHT=1000]
import process from "node:process";
import { Code, Dictionary } from "../mod.ts";
import { Client } from "../src/client.ts";
import { Server } from "../src/server.ts";
import type { DatagramTransport } from "../src/transport.ts";
import { runtimeName } from "./_measure.ts";

async function udp(): Promise<DatagramTransport> {
  if ("Deno" in globalThis) return (await import("../adapters/deno.ts")).udp();
  if ("Bun" in globalThis) return (await import("../adapters/bun.ts")).udp();
  return (await import("../adapters/node.ts")).udp();
}

const total = Number(process.env.TOTAL ?? 100_000);
const inFlight = Number(process.env.IN_FLIGHT ?? 1000);
const secret = "testing123";
const dictionary = Dictionary.default();

const server = new Server({
  transport: await udp(),
  dictionary,
  clients: [{ address: "127.0.0.1", secret }],
  handleAccessRequest: (request) =>
    request.reply(
      request.get("User-Password") === "hello" ? Code.AccessAccept : Code.AccessReject,
      { "Reply-Message": `hi ${request.get("User-Name")}` },
    ),
});
const { auth } = await server.listen({ hostname: "127.0.0.1", auth: 0 });
const client = new Client({
  transport: await udp(),
  server: "127.0.0.1",
  ports: { auth: auth!.port },
  secret,
  dictionary,
  timeout: 1000,
  retries: 10,
  backoff: { maxDuration: 0 },
});

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
let next = 0;
let ok = 0;
let wrong = 0;
let failed = 0;
const start = performance.now();
try {
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next < total) {
      const user = `user${next++}`;
      try {
        const reply = await client.accessRequest({ "User-Name": user, "User-Password": "hello" });
        if (reply.code === Code.AccessAccept && reply.get("Reply-Message") === `hi ${user}`) ok++;
        else wrong++;
      } catch {
        failed++;
      }
    }
  }));
} finally {
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const seconds = (performance.now() - start) / 1000;
  const stats = client.stats();
  await client.close();
  await server.close();
  console.log(
    `${runtimeName()}: ${ok}/${total} completed (${((100 * ok) / total).toFixed(2)}%), ` +
      `${wrong} wrong, ${failed} failed, ${Math.round(total / seconds)} requests/s, ` +
      `${stats.retransmitted} retransmitted, ${stats.sockets} sockets, ` +
      `peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB`,
  );
}
