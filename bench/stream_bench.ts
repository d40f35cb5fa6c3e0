// RADIUS over TLS (RFC 6614) under load: FreeRADIUS 3.2's TLS listener and
// `radkit serve --tls-port` on Deno, Bun and Node, and, for the ratio, each
// one's UDP rate, all measured with the C load generator
// bench/loadgen/radload.c pinned to core 0:
//
//  - TLS: verified PAP Access-Accepts per second over ONE mutually
//    authenticated TLS connection (TLS 1.3, the test PKI of
//    tests/fixtures/tls, secret "radsec") with 100 requests in flight on it
//    (Identifiers 0-255), one TLS record per request as NASes and proxies
//    send them; a request unanswered for 1 s is lost, never resent (RFC 6613
//    §2.6.1).
//  - UDP: the same stream of requests over 16 UDP sockets, as
//    bench/server_bench.ts measures it (secret "testing123").
//
// Each in two modes, as bench/server_bench.ts: the server's process tree
// pinned to core 1 (one core) and unpinned (the whole machine, core 0 shared
// with the generator); the server's CPU time per reply (every thread of every
// process of its tree, from /proc, over the measured window) and its RSS
// after the round. A fresh server per round and transport; rounds rotate the
// order; the report gives medians over the rounds.
//
//   node_modules/.bin/node bench/stream_bench.ts [--quick]
//     [--runtimes deno,bun,node] [--rounds 3] [--count 200000] [--warmup 20000]
//     [--in-flight 100] [--sockets 16] [--tls-version 1.3] [--no-freeradius]
//
// Prints a summary on stderr and one `BENCH {...}` JSON line on stdout
// (scripts/bench_all.mjs --only streams writes its section of
// bench/RESULTS.md from it).
import { cpus, loadavg } from "node:os";
import process from "node:process";
import { have, type Runtime, RUNTIMES } from "./_proc.ts";
import { findCompiler, haveOpenSslHeaders, type RadloadResult, runRadload } from "./_radload.ts";
import {
  NAS_TLS,
  pinTree,
  type RunningServer,
  type ServerSpec,
  startServer,
  treeCpuSeconds,
  type TreeMemory,
  treeMemory,
} from "./_servers.ts";

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] ?? fallback : fallback;
}

const QUICK = process.argv.includes("--quick") || process.env.BENCH_QUICK === "1";
const RUNTIMES_USED = option("runtimes", RUNTIMES.join(",")).split(",") as Runtime[];
const ROUNDS = Number(option("rounds", QUICK ? "1" : "3"));
const COUNT = Number(option("count", QUICK ? "20000" : "200000"));
const WARMUP = Number(option("warmup", QUICK ? "5000" : "20000"));
const IN_FLIGHT = Number(option("in-flight", "100"));
const SOCKETS = Number(option("sockets", "16"));
const TLS_VERSION = option("tls-version", "1.3") as "1.2" | "1.3";
const FREERADIUS = !process.argv.includes("--no-freeradius");
const CORES = cpus().length;
/** The generator's core; a pinned server gets the next one. */
const GENERATOR_CORE = 0;
const SERVER_CORE = 1;
const ALL_CORES = `0-${CORES - 1}`;

type Mode = "pinned" | "whole";
type Transport = "tls" | "udp";
const TRANSPORTS: readonly Transport[] = ["tls", "udp"];

const RUNTIME_NAMES: Record<Runtime, string> = { deno: "Deno", bun: "Bun", node: "Node" };

/** A server measured over both transports: a fresh process for each. */
interface Contender {
  id: string;
  name: string;
  kind: ServerSpec["kind"];
  runtime: Runtime | null;
  spec: (transport: Transport) => ServerSpec;
}

const missing: Record<string, string> = {};
const modes: Mode[] = CORES >= 2 ? ["pinned", "whole"] : ["whole"];
if (CORES < 2) missing.pinned = "one core only: no pinned run (the generator needs core 0)";

const contenders: Contender[] = [];
if (FREERADIUS) {
  if (have("/usr/sbin/freeradius")) {
    contenders.push({
      id: "freeradius",
      name: "FreeRADIUS (files, thread pool; TLS listener)",
      kind: "freeradius",
      runtime: null,
      spec: (transport) => ({
        id: `freeradius-${transport}`,
        name: `FreeRADIUS over ${transport.toUpperCase()}`,
        kind: "freeradius",
        tls: transport === "tls",
      }),
    });
  } else {
    missing.freeradius = "/usr/sbin/freeradius (apt-get install freeradius)";
  }
} else {
  missing.freeradius = "skipped (--no-freeradius)";
}
for (const runtime of RUNTIMES_USED) {
  contenders.push({
    id: runtime,
    name: `radkit serve on ${RUNTIME_NAMES[runtime]}`,
    kind: "radkit",
    runtime,
    // One process either way: `--tls-port` is served by one process, and
    // over UDP `--workers 1` is the same single process (server_bench's).
    spec: (transport) =>
      transport === "tls"
        ? {
          id: `${runtime}-tls`,
          name: `radkit serve --tls-port on ${RUNTIME_NAMES[runtime]}`,
          kind: "radkit",
          runtime,
          tls: true,
        }
        : {
          id: `${runtime}-udp`,
          name: `radkit serve --workers 1 on ${RUNTIME_NAMES[runtime]}`,
          kind: "radkit",
          runtime,
          args: ["--workers", "1"],
        },
  });
}

/** One measured window. */
interface Sample {
  round: number;
  perSecond: number;
  replies: number;
  /** Server CPU per verified reply over the window, µs. */
  serverCpuMicros: number;
  /** The generator's own CPU per reply, µs. */
  generatorCpuMicros: number;
  lost: number;
  bad: number;
  connectionsClosed: number;
  latencyMs: { p50: number; p99: number; max: number };
}

interface TransportResult {
  /** The command line or configuration measured. */
  name: string;
  args: readonly string[];
  samples: Record<Mode, Sample[]>;
  /** Tree memory after each round, and the requests that server answered by then. */
  memory: (TreeMemory & { requests: number })[];
  /** TLS: what the connection negotiated. */
  tls: { protocol: string; cipher: string } | null;
  error?: string;
}

interface ContenderResult {
  id: string;
  name: string;
  kind: ServerSpec["kind"];
  runtime: Runtime | null;
  tls: TransportResult;
  udp: TransportResult;
}

function pin(server: RunningServer, mode: Mode): void {
  pinTree(server.pid, mode === "pinned" ? String(SERVER_CORE) : ALL_CORES);
}

/** One radload window against a running server, with the server's CPU time over it. */
async function measure(
  server: RunningServer,
  transport: Transport,
): Promise<{ result: RadloadResult; serverCpu: number }> {
  let cpuAtStart = 0;
  const common = { count: COUNT, warmup: WARMUP, inFlight: IN_FLIGHT, core: GENERATOR_CORE };
  const options = transport === "tls"
    ? {
      ...common,
      port: server.tls!.port,
      secret: server.tls!.secret,
      transport: "tls" as const,
      connections: 1,
      tlsVersion: TLS_VERSION,
      ...NAS_TLS,
    }
    : { ...common, port: server.port, secret: server.secret, sockets: SOCKETS };
  const result = await runRadload(options, {
    onMeasuring: () => {
      cpuAtStart = treeCpuSeconds(server.pid);
    },
  });
  return { result, serverCpu: treeCpuSeconds(server.pid) - cpuAtStart };
}

function sample(round: number, run: Awaited<ReturnType<typeof measure>>): Sample {
  const { result } = run;
  return {
    round,
    perSecond: result.repliesPerSecond,
    replies: result.verified,
    serverCpuMicros: result.verified > 0 ? (1e6 * run.serverCpu) / result.verified : 0,
    generatorCpuMicros: result.cpuMicrosPerReply,
    lost: result.lost,
    bad: result.bad,
    connectionsClosed: result.connectionsClosed,
    latencyMs: result.latencyMs,
  };
}

const fmt = (n: number) => Math.round(n).toLocaleString("en");
const mib = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
const log = (line: string) => console.error(line);

if (findCompiler() === undefined || !haveOpenSslHeaders()) {
  const error = findCompiler() === undefined
    ? "no gcc to build radload"
    : "no OpenSSL headers to build radload (apt-get install libssl-dev)";
  console.log(`BENCH ${JSON.stringify({ bench: "streams", error })}`);
  process.exit(0);
}

const started = new Date();
const loadAtStart = loadavg();
const transportResult = (spec: ServerSpec): TransportResult => ({
  name: spec.name,
  args: spec.args ?? [],
  samples: { pinned: [], whole: [] },
  memory: [],
  tls: null,
});
const results: ContenderResult[] = contenders.map((contender) => ({
  id: contender.id,
  name: contender.name,
  kind: contender.kind,
  runtime: contender.runtime,
  tls: transportResult(contender.spec("tls")),
  udp: transportResult(contender.spec("udp")),
}));

for (let round = 0; round < ROUNDS; round++) {
  // Each round starts one contender further on, and swaps the order of transports and modes.
  const order = contenders.map((_, i) => (i + round) % contenders.length);
  const transports = round % 2 === 0 ? TRANSPORTS : [...TRANSPORTS].reverse();
  for (const index of order) {
    const contender = contenders[index]!;
    for (const transport of transports) {
      const record = results[index]![transport];
      const spec = contender.spec(transport);
      let server: RunningServer;
      try {
        server = await startServer(spec);
      } catch (error) {
        record.error = (error as Error).message.slice(0, 2000);
        log(`  ${spec.name}: could not start: ${record.error}`);
        continue;
      }
      try {
        let requests = 0;
        for (const mode of round % 2 === 0 ? modes : [...modes].reverse()) {
          pin(server, mode);
          const run = await measure(server, transport);
          requests += run.result.warmup.verified + run.result.verified;
          if (run.result.tls) {
            record.tls = { protocol: run.result.tls.protocol, cipher: run.result.tls.cipher };
          }
          const s = sample(round, run);
          record.samples[mode].push(s);
          log(
            `  round ${round + 1}/${ROUNDS} ${spec.name}, ${mode}: ${fmt(s.perSecond)}/s, ` +
              `server ${s.serverCpuMicros.toFixed(1)} µs/reply, generator ${
                s.generatorCpuMicros.toFixed(1)
              } µs/reply (lost ${s.lost}, bad ${s.bad}, p50 ${s.latencyMs.p50} ms)`,
          );
        }
        const memory = treeMemory(server.pid);
        record.memory.push({ ...memory, requests });
        log(`    RSS after ${fmt(requests)} requests: ${mib(memory.rss)}`);
      } catch (error) {
        record.error = (error as Error).message.slice(0, 2000);
        log(`  ${spec.name}: failed: ${record.error}`);
      } finally {
        await server.stop();
      }
    }
  }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length === 0
    ? 0
    : sorted.length % 2 === 1
    ? sorted[middle]!
    : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
for (const record of results) {
  for (const mode of modes) {
    const tls = median(record.tls.samples[mode].map((s) => s.perSecond));
    const udp = median(record.udp.samples[mode].map((s) => s.perSecond));
    log(
      `${record.name}, ${mode}: TLS ${fmt(tls)}/s, UDP ${fmt(udp)}/s, TLS/UDP ${
        udp > 0 ? (tls / udp).toFixed(2) : "-"
      }`,
    );
  }
}

console.log(`BENCH ${
  JSON.stringify({
    bench: "streams",
    generator: "bench/loadgen/radload.c",
    started,
    finished: new Date(),
    loadAtStart,
    loadAtEnd: loadavg(),
    cores: CORES,
    generatorCore: GENERATOR_CORE,
    serverCore: SERVER_CORE,
    inFlight: IN_FLIGHT,
    connections: 1,
    sockets: SOCKETS,
    tlsVersion: TLS_VERSION,
    count: COUNT,
    warmup: WARMUP,
    rounds: ROUNDS,
    missing,
    results,
  })
}`);
process.exit(0);
