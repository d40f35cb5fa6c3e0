// Server load: FreeRADIUS 3.2 and `radkit serve` on Deno, Bun and Node,
// measured with the C load generator bench/loadgen/radload.c (built with gcc
// on first use) pinned to core 0:
//
//  - throughput: verified PAP Access-Accepts per second at 100 in flight,
//    with the server pinned to core 1 (`taskset`: one core) and unpinned
//    (whole machine: every core, core 0 shared with the generator), plus the
//    server's CPU time per reply (utime + stime of every thread of every
//    process of its tree, from /proc, over the measured window) and its RSS
//    (summed over its processes) after the run. A fresh server per round;
//    rounds rotate the order; the report gives medians over the rounds.
//  - storm: the same valid stream (no retransmission: a request unanswered
//    for 1 s is lost) while radload sends ~50k garbage datagrams/s to the
//    same port (random bytes, bad lengths, wrong-secret Access-Requests,
//    unknown codes).
//  - memory: a fresh server answers 1M requests (whole machine); RSS is
//    sampled every second.
//
//   node_modules/.bin/node bench/server_bench.ts [--quick]
//     [--runtimes deno,bun,node] [--rounds 3] [--count 200000] [--warmup 20000]
//     [--storm-rate 50000] [--storm-seconds 10] [--memory-requests 1000000]
//     [--in-flight 100] [--sockets 16] [--workers N] [--serve-args "ARGS"]
//     [--no-freeradius] [--freeradius-template DIR]
//     [--only throughput,storm,memory]
//
// Prints a summary on stderr and one `BENCH {...}` JSON line on stdout
// (scripts/bench_all.mjs writes bench/RESULTS.md from it). When `radkit serve
// --help` lists `--workers`, radkit runs as one process (`--workers 1`) on
// one core and on the whole machine, and with `--workers N` (the number of
// cores) on the whole machine; storm uses `radkit serve` with its default
// settings and as one process, memory one process (`--workers 1`).
import { cpus, loadavg } from "node:os";
import process from "node:process";
import { have, type Runtime, RUNTIMES, udpReceiveBufferErrors } from "./_proc.ts";
import { findCompiler, type RadloadResult, runRadload } from "./_radload.ts";
import {
  pinTree,
  type RunningServer,
  SECRET,
  serveHasWorkers,
  SERVER_RUNTIME_FLAGS,
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
const STORM_RATE = Number(option("storm-rate", "50000"));
const STORM_SECONDS = Number(option("storm-seconds", QUICK ? "2" : "10"));
const MEMORY_REQUESTS = Number(option("memory-requests", QUICK ? "100000" : "1000000"));
const CORES = cpus().length;
const WORKERS = Number(option("workers", String(CORES)));
const FREERADIUS = !process.argv.includes("--no-freeradius");
const FREERADIUS_TEMPLATE = option("freeradius-template", "");
/** Arguments added to every `radkit serve` command line (e.g. "--some-flag 1"). */
const SERVE_ARGS = option("serve-args", "").split(" ").filter((arg) => arg !== "");
const PHASES = option("only", "throughput,storm,memory").split(",");
/** The generator's core; a pinned server gets the next one. */
const GENERATOR_CORE = 0;
const SERVER_CORE = 1;
const ALL_CORES = `0-${CORES - 1}`;

type Mode = "pinned" | "whole";

/** A server measured for throughput, in which modes. */
interface Contender {
  spec: ServerSpec;
  modes: Mode[];
}

const RUNTIME_NAMES: Record<Runtime, string> = { deno: "Deno", bun: "Bun", node: "Node" };

/**
 * `radkit serve` on `runtime` with `args`, `--quiet` (FreeRADIUS logs no
 * line per request either) and the runtime's server flags (none with
 * `plainRuntime`).
 */
const radkit = (runtime: Runtime, id: string, args: string[], plainRuntime = false): ServerSpec => {
  const runtimeFlags = plainRuntime ? [] : SERVER_RUNTIME_FLAGS[runtime];
  const serveArgs = ["--quiet", ...args, ...SERVE_ARGS];
  return {
    id,
    name: `radkit serve${serveArgs.map((arg) => ` ${arg}`).join("")} on ${RUNTIME_NAMES[runtime]}${
      runtimeFlags.length > 0 ? ` (${runtimeFlags.join(" ")})` : ""
    }`,
    kind: "radkit",
    runtime,
    args: serveArgs,
    runtimeFlags,
  };
};
const freeradius: ServerSpec = {
  id: "freeradius",
  name: "FreeRADIUS (files, thread pool)",
  kind: "freeradius",
  ...(FREERADIUS_TEMPLATE ? { template: FREERADIUS_TEMPLATE } : {}),
};

const missing: Record<string, string> = {};
const workers = RUNTIMES_USED.length > 0 && serveHasWorkers(RUNTIMES_USED[0]!);
const modes: Mode[] = CORES >= 2 ? ["pinned", "whole"] : ["whole"];
if (CORES < 2) missing.pinned = `one core only: no pinned run (the generator needs core 0)`;

// The contenders, one a line: a new server command line is one more line.
const throughput: Contender[] = [];
const storm: ServerSpec[] = [];
const memory: ServerSpec[] = [];
if (FREERADIUS) {
  if (have("/usr/sbin/freeradius")) {
    throughput.push({ spec: freeradius, modes });
    storm.push(freeradius);
    memory.push(freeradius);
  } else {
    missing.freeradius = "/usr/sbin/freeradius (apt-get install freeradius)";
  }
} else {
  missing.freeradius = "skipped (--no-freeradius)";
}
for (const runtime of RUNTIMES_USED) {
  if (workers) {
    // One process on one core and on the machine; N worker processes on the machine.
    throughput.push({ spec: radkit(runtime, runtime, ["--workers", "1"]), modes });
    if (SERVER_RUNTIME_FLAGS[runtime].length > 0) {
      throughput.push({
        spec: radkit(runtime, `${runtime}-plain`, ["--workers", "1"], true),
        modes,
      });
    }
    throughput.push({
      spec: radkit(runtime, `${runtime}-workers`, ["--workers", String(WORKERS)]),
      modes: ["whole"],
    });
  } else {
    throughput.push({ spec: radkit(runtime, runtime, []), modes });
  }
  // Storm: `radkit serve` as shipped (default settings: one worker per core)
  // and as one process. Memory: one server process (`--workers 1`; N workers
  // are N + 1 processes of the same kind).
  storm.push(radkit(runtime, `${runtime}-default`, []));
  if (workers) storm.push(radkit(runtime, runtime, ["--workers", "1"]));
  memory.push(radkit(runtime, runtime, workers ? ["--workers", "1"] : []));
  if (SERVER_RUNTIME_FLAGS[runtime].length > 0) {
    memory.push(radkit(runtime, `${runtime}-plain`, workers ? ["--workers", "1"] : [], true));
  }
}

/** One measured window of one contender. */
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
  retransmitted: number;
  duplicate: number;
  kernelDrops: number;
  latencyMs: { p50: number; p99: number; max: number };
}

/** Which server a result is of: the report's label comes from these. */
interface Contestant {
  id: string;
  name: string;
  kind: ServerSpec["kind"];
  runtime: Runtime | null;
  args: readonly string[];
  runtimeFlags: readonly string[];
}

const contestant = (spec: ServerSpec): Contestant => ({
  id: spec.id,
  name: spec.name,
  kind: spec.kind,
  runtime: spec.runtime ?? null,
  args: spec.args ?? [],
  runtimeFlags: spec.runtimeFlags ?? [],
});

interface ThroughputResult extends Contestant {
  samples: Record<Mode, Sample[]>;
  /** Tree memory after each round's run, and the requests that server answered by then. */
  memory: (TreeMemory & { requests: number })[];
}

/** Pinned: the server's whole tree on core 1; whole: on every core (core 0 shared with the generator). */
function pin(server: RunningServer, mode: Mode): void {
  pinTree(server.pid, mode === "pinned" ? String(SERVER_CORE) : ALL_CORES);
}

/** One radload run against a running server, with its CPU time over the measured window. */
async function measure(
  server: RunningServer,
  options: {
    count: number;
    warmup: number;
    warmupMax?: number;
    duration?: number;
    storm?: number;
    retries?: number;
  },
): Promise<{ result: RadloadResult; serverCpu: number; kernelDrops: number }> {
  let cpuAtStart = 0;
  let dropsAtStart = 0;
  const result = await runRadload({
    port: server.port,
    secret: SECRET,
    inFlight: IN_FLIGHT,
    sockets: SOCKETS,
    count: options.count,
    warmup: options.warmup,
    ...(options.warmupMax === undefined ? {} : { warmupMax: options.warmupMax }),
    ...(options.duration === undefined ? {} : { duration: options.duration }),
    ...(options.storm === undefined ? {} : { storm: options.storm }),
    ...(options.retries === undefined ? {} : { retries: options.retries }),
    core: GENERATOR_CORE,
  }, {
    onMeasuring: () => {
      cpuAtStart = treeCpuSeconds(server.pid);
      dropsAtStart = udpReceiveBufferErrors() ?? 0;
    },
  });
  return {
    result,
    serverCpu: treeCpuSeconds(server.pid) - cpuAtStart,
    kernelDrops: (udpReceiveBufferErrors() ?? 0) - dropsAtStart,
  };
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
    retransmitted: result.retransmitted,
    duplicate: result.duplicate,
    kernelDrops: run.kernelDrops,
    latencyMs: result.latencyMs,
  };
}

const fmt = (n: number) => Math.round(n).toLocaleString("en");
const mib = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
const log = (line: string) => console.error(line);

if (findCompiler() === undefined) {
  console.log(`BENCH ${JSON.stringify({ bench: "server", error: "no gcc to build radload" })}`);
  process.exit(0);
}

const started = new Date();
const loadAtStart = loadavg();
const throughputResults: ThroughputResult[] = throughput.map(({ spec }) => ({
  ...contestant(spec),
  samples: { pinned: [], whole: [] },
  memory: [],
}));

if (PHASES.includes("throughput")) {
  for (let round = 0; round < ROUNDS; round++) {
    // Each round starts one contender further on, and swaps the order of the modes.
    const order = throughput.map((_, i) => (i + round) % throughput.length);
    for (const index of order) {
      const contender = throughput[index]!;
      const record = throughputResults[index]!;
      const server = await startServer(contender.spec);
      try {
        const modeOrder = round % 2 === 0 ? contender.modes : [...contender.modes].reverse();
        let requests = 0;
        for (const mode of modeOrder) {
          pin(server, mode);
          const run = await measure(server, { count: COUNT, warmup: WARMUP });
          requests += run.result.warmup.verified + run.result.verified;
          const s = sample(round, run);
          record.samples[mode].push(s);
          log(
            `  round ${round + 1}/${ROUNDS} ${contender.spec.name}, ${mode}: ${
              fmt(s.perSecond)
            }/s, ` +
              `server ${s.serverCpuMicros.toFixed(1)} µs/reply, generator ${
                s.generatorCpuMicros.toFixed(1)
              } µs/reply (lost ${s.lost}, bad ${s.bad}, retransmitted ${s.retransmitted})`,
          );
        }
        const memory = treeMemory(server.pid);
        record.memory.push({ ...memory, requests });
        log(
          `    RSS after ${fmt(requests)} requests: ${
            mib(memory.rss)
          } (${memory.processes} processes)`,
        );
      } finally {
        await server.stop();
      }
    }
  }
}

interface StormResult extends Contestant {
  perSecond: number;
  sent: number;
  replies: number;
  lost: number;
  bad: number;
  stormRate: number;
  stormPerSecond: number;
  stormReplies: number;
  kernelDrops: number;
  seconds: number;
}
const stormResults: StormResult[] = [];
if (PHASES.includes("storm") && STORM_RATE > 0) {
  for (const spec of storm) {
    const server = await startServer(spec);
    try {
      pin(server, "whole");
      const run = await measure(server, {
        count: 0,
        // Under the storm valid replies come a few thousand a second: a shorter warm-up.
        warmup: Math.min(WARMUP, 5000),
        warmupMax: 10,
        duration: STORM_SECONDS,
        storm: STORM_RATE,
        retries: 0,
      });
      const r = run.result;
      stormResults.push({
        ...contestant(spec),
        perSecond: r.repliesPerSecond,
        sent: r.sent,
        replies: r.verified,
        lost: r.lost,
        bad: r.bad,
        stormRate: STORM_RATE,
        stormPerSecond: r.storm.perSecond,
        stormReplies: r.storm.replies,
        kernelDrops: run.kernelDrops,
        seconds: r.wallSeconds,
      });
      log(
        `  storm ${spec.name}: ${fmt(r.repliesPerSecond)} valid replies/s under ${
          fmt(r.storm.perSecond)
        } garbage/s; lost ${r.lost} of ${r.sent} (${
          (100 * r.lost / Math.max(1, r.sent)).toFixed(2)
        }%), ` +
          `kernel drops ${run.kernelDrops}`,
      );
    } finally {
      await server.stop();
    }
  }
}

interface MemoryResult extends Contestant {
  requests: number;
  idle: TreeMemory;
  /** One sample a second: seconds, replies so far, tree memory. */
  samples: { t: number; requests: number; rss: number; pss: number }[];
  end: TreeMemory;
  perSecond: number;
  lost: number;
  bad: number;
}
const memoryResults: MemoryResult[] = [];
if (PHASES.includes("memory") && MEMORY_REQUESTS > 0) {
  for (const spec of memory) {
    const server = await startServer(spec);
    try {
      pin(server, "whole");
      await new Promise((resolve) => setTimeout(resolve, 500));
      const idle = treeMemory(server.pid);
      const samples: MemoryResult["samples"] = [];
      const result = await runRadload({
        port: server.port,
        secret: SECRET,
        inFlight: IN_FLIGHT,
        sockets: SOCKETS,
        count: MEMORY_REQUESTS,
        warmup: 0,
        progress: 1000,
        core: GENERATOR_CORE,
      }, {
        onProgress: (progress) => {
          const memory = treeMemory(server.pid);
          samples.push({
            t: progress.t,
            requests: progress.verified,
            rss: memory.rss,
            pss: memory.pss,
          });
        },
      });
      const end = treeMemory(server.pid);
      samples.push({
        t: result.wallSeconds,
        requests: result.verified,
        rss: end.rss,
        pss: end.pss,
      });
      memoryResults.push({
        ...contestant(spec),
        requests: result.verified,
        idle,
        samples,
        end,
        perSecond: result.repliesPerSecond,
        lost: result.lost,
        bad: result.bad,
      });
      log(
        `  memory ${spec.name}: ${mib(idle.rss)} idle → ${mib(end.rss)} after ${
          fmt(result.verified)
        } requests (peak ${mib(end.peak)}, ${end.processes} processes)`,
      );
    } finally {
      await server.stop();
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
for (const record of throughputResults) {
  const parts = (["whole", "pinned"] as const).filter((mode) => record.samples[mode].length > 0)
    .map((mode) => {
      const samples = record.samples[mode];
      return `${mode} ${fmt(median(samples.map((s) => s.perSecond)))}/s, ${
        median(samples.map((s) => s.serverCpuMicros)).toFixed(1)
      } µs/reply`;
    });
  if (parts.length > 0) log(`${record.name}: ${parts.join("; ")}`);
}

console.log(`BENCH ${
  JSON.stringify({
    bench: "server",
    generator: "bench/loadgen/radload.c",
    started,
    finished: new Date(),
    loadAtStart,
    loadAtEnd: loadavg(),
    cores: CORES,
    generatorCore: GENERATOR_CORE,
    serverCore: SERVER_CORE,
    inFlight: IN_FLIGHT,
    sockets: SOCKETS,
    count: COUNT,
    warmup: WARMUP,
    rounds: ROUNDS,
    workersFlag: workers,
    workers: WORKERS,
    storm: { rate: STORM_RATE, seconds: STORM_SECONDS },
    memoryRequests: MEMORY_REQUESTS,
    missing,
    throughput: throughputResults,
    stormResults,
    memory: memoryResults,
  })
}`);
process.exit(0);
