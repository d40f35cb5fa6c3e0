// A RADIUS server (or a bare UDP echo) in its own process, for the server,
// client and soak benchmarks, on whichever runtime starts it:
//
//   node_modules/.bin/deno run -A --unstable-net bench/_server_process.ts radkit|echo [SAMPLE_MS]
//   node_modules/.bin/bun bench/_server_process.ts radkit|echo [SAMPLE_MS]
//   node_modules/.bin/node bench/_server_process.ts radkit|echo [SAMPLE_MS]
//
// Binds 127.0.0.1 on a free port and prints `READY {"port": N, "pid": N}`.
// radkit: secret "testing123", bob/hello gets an Access-Accept with
// Framed-IP-Address and Reply-Message (the handler the benches verify),
// anything else an Access-Reject.
//
// stdin commands, one a line: `stats` prints `STATS {...}` (RSS, heap, the
// server's counters); closing stdin (or `quit`) closes the server and exits,
// so the process never outlives its parent.
//
// With SAMPLE_MS > 0, an event-loop drift probe (a 10 ms setInterval; the
// delay is how late each tick fires) runs, and every SAMPLE_MS it prints
// `SAMPLE {"t": s, "rss": bytes, "heap": bytes, "p50": ms, "p99": ms,
// "max": ms, "replied": n}` over that window.
import process from "node:process";
import { Code, Dictionary } from "../mod.ts";
import { Server } from "../src/server.ts";
import type { DatagramSocket, DatagramTransport } from "../src/transport.ts";

const mode = process.argv[2] ?? "radkit";
const sampleMs = Number(process.argv[3] ?? 0);

async function udp(): Promise<DatagramTransport> {
  if ("Deno" in globalThis) return (await import("../adapters/deno.ts")).udp();
  if ("Bun" in globalThis) return (await import("../adapters/bun.ts")).udp();
  return (await import("../adapters/node.ts")).udp();
}

let close: () => Promise<void>;
let port: number;
let counters: () => Record<string, unknown> = () => ({});

if (mode === "echo") {
  const box: { socket?: DatagramSocket } = {};
  let echoed = 0;
  const socket = await (await udp()).bind({ hostname: "127.0.0.1", port: 0 }, (data, from) => {
    try {
      const sent = box.socket!.send(data, from);
      echoed++;
      if (sent instanceof Promise) sent.catch(() => {});
    } catch {
      // A full send buffer: the generator resends after its timeout.
    }
  });
  box.socket = socket;
  port = socket.local.port;
  close = () => socket.close();
  counters = () => ({ replied: echoed });
} else {
  const server = new Server({
    transport: await udp(),
    dictionary: Dictionary.default(),
    clients: [{ address: "127.0.0.1", secret: "testing123" }],
    handleAccessRequest(request) {
      return request.get("User-Name") === "bob" && request.get("User-Password") === "hello"
        ? request.reply(Code.AccessAccept, {
          "Framed-IP-Address": "192.168.0.1",
          "Reply-Message": "Hello, bob",
        })
        : request.reply(Code.AccessReject);
    },
  });
  const { auth } = await server.listen({ hostname: "127.0.0.1", auth: 0 });
  port = auth!.port;
  close = () => server.close();
  counters = () => ({ ...server.stats() });
}

let probe: ReturnType<typeof setInterval> | undefined;
let sampler: ReturnType<typeof setInterval> | undefined;
if (sampleMs > 0) {
  const TICK = 10;
  let delays: number[] = [];
  let last = performance.now();
  probe = setInterval(() => {
    const now = performance.now();
    delays.push(Math.max(0, now - last - TICK));
    last = now;
  }, TICK);
  const started = performance.now();
  sampler = setInterval(() => {
    const window = delays.sort((a, b) => a - b);
    delays = [];
    const at = (q: number) =>
      window[Math.min(window.length - 1, Math.floor(q * window.length))] ?? 0;
    const memory = process.memoryUsage();
    const stats = counters();
    console.log(`SAMPLE ${
      JSON.stringify({
        t: Math.round((performance.now() - started) / 1000),
        rss: memory.rss,
        heap: memory.heapUsed,
        p50: at(0.5),
        p99: at(0.99),
        max: window[window.length - 1] ?? 0,
        replied: stats.replied ?? 0,
      })
    }`);
  }, sampleMs);
}

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  clearInterval(probe);
  clearInterval(sampler);
  await close();
  process.exit(0);
}

let pending = "";
process.stdin.on("data", (chunk: Uint8Array | string) => {
  pending += typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
  let newline;
  while ((newline = pending.indexOf("\n")) >= 0) {
    const line = pending.slice(0, newline).trim();
    pending = pending.slice(newline + 1);
    if (line === "stats") {
      const memory = process.memoryUsage();
      console.log(
        `STATS ${
          JSON.stringify({
            rss: memory.rss,
            heap: memory.heapUsed,
            heapTotal: memory.heapTotal,
            external: memory.external,
            arrayBuffers: memory.arrayBuffers,
            ...counters(),
          })
        }`,
      );
    } else if (line === "quit") {
      void stop();
    }
  }
});
process.stdin.on("end", () => void stop());
process.stdin.on("close", () => void stop());
console.log(`READY ${JSON.stringify({ port, pid: process.pid })}`);
