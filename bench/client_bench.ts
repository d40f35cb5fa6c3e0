// Client load: TOTAL Access-Requests (100,000 by default) from IN_FLIGHT
// (1,000) concurrent callers of radkit's Client on the runtime running this
// file (the Client itself sends at most its maxInFlight, 128 by default),
// against radkit's Server in ANOTHER process (bench/_server_process.ts on
// --server's runtime, Bun by default, so client and server never share one
// event loop and every client runtime faces the same server). Every reply is
// verified by the Client (Response Authenticator, Message-Authenticator) and
// then checked here (Access-Accept, Reply-Message). Prints the completion
// rate (must be 100%), requests/s, retransmissions and the client's peak
// RSS (VmHWM), a Markdown line and one `BENCH {...}` JSON line.
//
//   node_modules/.bin/deno run -A --unstable-net bench/client_bench.ts
//   node_modules/.bin/bun bench/client_bench.ts
//   node_modules/.bin/node bench/client_bench.ts
//     [--total 100000] [--in-flight 1000] [--server bun]
//
// With --radclient, sends the same load with FreeRADIUS's `radclient -p
// IN_FLIGHT` instead (packets read from a generated file: User-Name,
// User-Password, Message-Authenticator = 0x00; `-r 10 -t 1`), timed from
// spawn to exit, against the same kind of server.
import { execFile } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { Code, Dictionary } from "../mod.ts";
import { Client } from "../src/client.ts";
import type { DatagramTransport } from "../src/transport.ts";
import { runtimeName } from "./_measure.ts";
import {
  currentRuntime,
  have,
  type Runtime,
  startServerProcess,
  udpReceiveBufferErrors,
} from "./_proc.ts";

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] ?? fallback : fallback;
}

const total = Number(option("total", process.env.TOTAL ?? "100000"));
const inFlight = Number(option("in-flight", process.env.IN_FLIGHT ?? "1000"));
const serverRuntime = option("server", "bun") as Runtime;
const secret = "testing123";
const RADCLIENT = "/usr/bin/radclient";

async function udp(): Promise<DatagramTransport> {
  if ("Deno" in globalThis) return (await import("../adapters/deno.ts")).udp();
  if ("Bun" in globalThis) return (await import("../adapters/bun.ts")).udp();
  return (await import("../adapters/node.ts")).udp();
}

function peakRss(): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
    if (match) return Number(match[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.memoryUsage().rss;
}

interface ClientResult {
  client: string;
  runtime: string;
  total: number;
  inFlight: number;
  completed: number;
  wrong: number;
  failed: number;
  seconds: number;
  perSecond: number;
  retransmitted: number;
  peakRss: number;
  sockets?: number;
  missing?: string;
  /** UDP datagrams the kernel dropped for a full receive buffer during the run (system-wide). */
  kernelDrops?: number;
}

async function radkitClient(port: number): Promise<ClientResult> {
  const dictionary = Dictionary.default();
  const client = new Client({
    transport: await udp(),
    server: "127.0.0.1",
    ports: { auth: port },
    secret,
    dictionary,
    timeout: 1000,
    retries: 10,
    backoff: { maxDuration: 0 },
  });
  let next = 0;
  let ok = 0;
  let wrong = 0;
  let failed = 0;
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const start = performance.now();
  try {
    await Promise.all(Array.from({ length: inFlight }, async () => {
      while (next < total) {
        next++;
        try {
          const reply = await client.accessRequest({
            "User-Name": "bob",
            "User-Password": "hello",
          });
          if (reply.code === Code.AccessAccept && reply.get("Reply-Message") === "Hello, bob") ok++;
          else wrong++;
        } catch {
          failed++;
        }
      }
    }));
  } finally {
    clearInterval(sampler);
  }
  const seconds = (performance.now() - start) / 1000;
  const stats = client.stats();
  await client.close();
  return {
    client: "radkit",
    runtime: runtimeName(),
    total,
    inFlight,
    completed: ok,
    wrong,
    failed,
    seconds,
    perSecond: ok / seconds,
    retransmitted: stats.retransmitted,
    peakRss: Math.max(peak, peakRss()),
    sockets: stats.sockets,
  };
}

function radclient(port: number): Promise<ClientResult> {
  const dir = join(tmpdir(), `radkit-radclient-${process.pid}`);
  const file = `${dir}.txt`;
  writeFileSync(
    file,
    'User-Name = "bob"\nUser-Password = "hello"\nMessage-Authenticator = 0x00\n\n'.repeat(total),
  );
  const start = performance.now();
  return new Promise<ClientResult>((resolve, reject) => {
    // GNU time reports the peak RSS (%M, KiB) on stderr.
    execFile(
      "/usr/bin/time",
      [
        "-f",
        "MAXRSS %M",
        RADCLIENT,
        "-q",
        "-s",
        "-p",
        String(inFlight),
        "-r",
        "10",
        "-t",
        "1",
        "-f",
        file,
        `127.0.0.1:${port}`,
        "auth",
        secret,
      ],
      { maxBuffer: 64 * 2 ** 20 },
      (error, stdout, stderr) => {
        const seconds = (performance.now() - start) / 1000;
        rmSync(file, { force: true });
        const text = `${stdout}\n${stderr}`;
        // "Packet summary:\n\tAccepted      : N\n\tRejected      : N\n\tLost          : N"
        const count = (label: string) =>
          Number(new RegExp(`${label}\\s*:\\s*(\\d+)`).exec(text)?.[1] ?? 0);
        const approved = count("Accepted");
        const denied = count("Rejected");
        const lost = count("Lost");
        if (error && approved === 0) {
          reject(new Error(`radclient failed: ${text.slice(-2000)}`));
          return;
        }
        resolve({
          client: "radclient -p",
          runtime: "radclient (FreeRADIUS 3.2)",
          total,
          inFlight,
          completed: approved,
          wrong: denied,
          failed: lost,
          seconds,
          perSecond: approved / seconds,
          retransmitted: -1,
          peakRss: Number(/MAXRSS (\d+)/.exec(text)?.[1] ?? 0) * 1024,
        });
      },
    );
  });
}

const useRadclient = process.argv.includes("--radclient");
let result: ClientResult;
if (useRadclient && !have(RADCLIENT)) {
  result = {
    client: "radclient -p",
    runtime: "radclient",
    total,
    inFlight,
    completed: 0,
    wrong: 0,
    failed: 0,
    seconds: 0,
    perSecond: 0,
    retransmitted: 0,
    peakRss: 0,
    missing: `${RADCLIENT} (apt-get install freeradius-utils)`,
  };
} else {
  // --port N: an already running server (e.g. started by hand for an experiment).
  const external = Number(option("port", "0"));
  const server = external > 0
    ? { port: external, proc: { stop: () => Promise.resolve() } }
    : await startServerProcess(serverRuntime, "radkit");
  try {
    const before = udpReceiveBufferErrors();
    result = useRadclient ? await radclient(server.port) : await radkitClient(server.port);
    const after = udpReceiveBufferErrors();
    if (before !== undefined && after !== undefined) result.kernelDrops = after - before;
  } finally {
    await server.proc.stop();
  }
}

const mib = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
if (result.missing) {
  console.log(`radclient: not measured (missing ${result.missing})`);
} else {
  console.log(
    `${result.runtime} (${result.client}) → radkit Server on ${serverRuntime}: ` +
      `${result.completed}/${total} completed (${
        ((100 * result.completed) / total).toFixed(2)
      }%), ` +
      `${result.wrong} wrong, ${result.failed} failed, ${
        Math.round(result.perSecond)
      } requests/s, ` +
      `${result.retransmitted < 0 ? "?" : result.retransmitted} retransmitted, ` +
      `peak RSS ${mib(result.peakRss)}, ${
        result.kernelDrops ?? "?"
      } datagrams dropped by the kernel ` +
      `(full receive buffer, system-wide)`,
  );
}
console.log(
  `BENCH ${
    JSON.stringify({ bench: "client", server: serverRuntime, ...result, driver: currentRuntime() })
  }`,
);
process.exit(0);
