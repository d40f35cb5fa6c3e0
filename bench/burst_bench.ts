// Client bursts: 1,000 and 10,000 Access-Requests fired at once (one
// accessRequest() call each, in one loop, nothing awaited in between) from
// one radkit Client on the runtime running this file, with its default
// options (maxInFlight, receiveBufferSize, timeout 2 s, 5 retries), to
// radkit's Server in ANOTHER process (bench/_server_process.ts on --server's
// runtime, with the Server's default options). Every reply is verified by the
// Client (Response Authenticator, Message-Authenticator) and checked here
// (Access-Accept, Reply-Message).
//
// Per burst size, ROUNDS rounds, each with a fresh Client (its sockets are
// bound by the burst, as in a script that starts and fires), after one
// warm-up burst of 200. Reported per size: the median over the rounds of
// each round's p50 and p99 latency (from the call to the verified reply), the
// worst round's max, the wall time of the median round, and over all rounds:
// requests completed, retransmissions, timeouts, and the datagrams the
// kernel dropped for a full socket receive buffer (RcvbufErrors, system-wide:
// either side). Prints one line per size and one `BENCH {...}` JSON line.
//
//   node_modules/.bin/deno run -A --unstable-net bench/burst_bench.ts
//   node_modules/.bin/bun bench/burst_bench.ts
//   node_modules/.bin/node bench/burst_bench.ts
//     [--server bun] [--sizes 1000,10000] [--rounds 3] [--max-in-flight N|Infinity]
import process from "node:process";
import { Code } from "../mod.ts";
import { Client } from "../src/client.ts";
import type { DatagramTransport } from "../src/transport.ts";
import { runtimeName } from "./_measure.ts";
import {
  currentRuntime,
  type Runtime,
  startServerProcess,
  udpReceiveBufferErrors,
} from "./_proc.ts";

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] ?? fallback : fallback;
}

const serverRuntime = option("server", "bun") as Runtime;
const sizes = option("sizes", "1000,10000").split(",").map(Number);
const rounds = Number(option("rounds", process.env.BENCH_QUICK === "1" ? "1" : "3"));
const maxInFlightOption = option("max-in-flight", "");
const maxInFlight = maxInFlightOption === "" ? undefined : Number(maxInFlightOption);
const secret = "testing123";

async function udp(): Promise<DatagramTransport> {
  if ("Deno" in globalThis) return (await import("../adapters/deno.ts")).udp();
  if ("Bun" in globalThis) return (await import("../adapters/bun.ts")).udp();
  return (await import("../adapters/node.ts")).udp();
}

/** One burst, as measured. */
interface Round {
  size: number;
  completed: number;
  wrong: number;
  timeouts: number;
  failed: number;
  retransmitted: number;
  sent: number;
  p50: number;
  p99: number;
  max: number;
  /** From the first call to the last reply, in ms. */
  wall: number;
  kernelDrops: number | undefined;
  /** The receive buffer the client's socket got, as the kernel reports it (bytes). */
  clientReceiveBuffer: number | undefined;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function burst(size: number, port: number): Promise<Round> {
  const transport = await udp();
  let clientReceiveBuffer: number | undefined;
  // Reads the granted buffer of the client's first socket, where the adapter can tell.
  const observed: DatagramTransport = {
    name: transport.name,
    ...(transport.lookup ? { lookup: (host: string) => transport.lookup!(host) } : {}),
    async bind(options, onMessage) {
      const socket = await transport.bind(options, onMessage);
      clientReceiveBuffer ??= socket.bufferSizes?.()?.receive;
      return socket;
    },
  };
  const client = new Client({
    transport: observed,
    server: `127.0.0.1:${port}`,
    secret,
    ...(maxInFlight === undefined ? {} : { maxInFlight }),
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });
  const latencies: number[] = [];
  let completed = 0;
  let wrong = 0;
  let timeouts = 0;
  let failed = 0;
  const before = udpReceiveBufferErrors();
  const start = performance.now();
  const requests: Promise<void>[] = [];
  for (let i = 0; i < size; i++) {
    const sent = performance.now();
    requests.push(
      client.accessRequest({ "User-Name": "bob", "User-Password": "hello" }).then(
        (reply) => {
          latencies.push(performance.now() - sent);
          if (reply.code === Code.AccessAccept && reply.get("Reply-Message") === "Hello, bob") {
            completed++;
          } else {
            wrong++;
          }
        },
        (error) => {
          if ((error as { code?: string })?.code === "ERR_TIMEOUT") timeouts++;
          else failed++;
        },
      ),
    );
  }
  await Promise.all(requests);
  const wall = performance.now() - start;
  const after = udpReceiveBufferErrors();
  const stats = client.stats();
  await client.close();
  latencies.sort((a, b) => a - b);
  return {
    size,
    completed,
    wrong,
    timeouts,
    failed,
    retransmitted: stats.retransmitted,
    sent: stats.sent,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    max: latencies.at(-1) ?? NaN,
    wall,
    kernelDrops: before !== undefined && after !== undefined ? after - before : undefined,
    clientReceiveBuffer,
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const server = await startServerProcess(serverRuntime, "radkit");
const results: Record<string, unknown>[] = [];
try {
  await burst(200, server.port); // warm-up: JIT on both sides, the server's first sockets
  for (const size of sizes) {
    const measured: Round[] = [];
    for (let round = 0; round < rounds; round++) measured.push(await burst(size, server.port));
    const middle = [...measured].sort((a, b) => a.p50 - b.p50)[measured.length >> 1]!;
    const sum = (key: "completed" | "timeouts" | "failed" | "wrong" | "retransmitted") =>
      measured.reduce((total, round) => total + round[key], 0);
    const drops = measured.every((round) => round.kernelDrops !== undefined)
      ? measured.reduce((total, round) => total + round.kernelDrops!, 0)
      : undefined;
    const result = {
      size,
      rounds,
      requests: size * rounds,
      completed: sum("completed"),
      wrong: sum("wrong"),
      timeouts: sum("timeouts"),
      failed: sum("failed"),
      retransmitted: sum("retransmitted"),
      kernelDrops: drops,
      p50: median(measured.map((round) => round.p50)),
      p99: median(measured.map((round) => round.p99)),
      max: Math.max(...measured.map((round) => round.max)),
      wall: middle.wall,
      clientReceiveBuffer: measured[0]!.clientReceiveBuffer,
      perRound: measured,
    };
    results.push(result);
    console.log(
      `${runtimeName()} → radkit Server on ${serverRuntime}: ${size} at once, ${rounds} round(s): ` +
        `p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, max ${
          result.max.toFixed(0)
        } ms, ` +
        `${result.completed}/${result.requests} completed, ${result.retransmitted} retransmitted, ` +
        `${result.timeouts} timeouts, ${drops ?? "?"} kernel drops (system-wide)`,
    );
  }
  server.proc.write("stats");
  const serverStats = await server.proc.next<Record<string, unknown>>("STATS", 10_000);
  console.log(
    `BENCH ${
      JSON.stringify({
        bench: "burst",
        client: currentRuntime(),
        clientVersion: runtimeName(),
        server: serverRuntime,
        maxInFlight: maxInFlight ?? "default",
        results,
        serverReceived: serverStats.received,
        serverDropped: serverStats.dropped,
        serverBufferSizes: serverStats.bufferSizes,
      })
    }`,
  );
} finally {
  await server.proc.stop();
}
process.exit(0);
