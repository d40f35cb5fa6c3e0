// Complete EAP-MSCHAPv2 authentications per second: FreeRADIUS 3.2's eap
// module (tests/freeradius/raddb, the configuration of the interop tests)
// against a radkit Server with EapServer (bench/_eap_server.ts) on Deno, Bun
// and Node, all under the same load: radkit's own Client running 50 EAP
// conversations at once (bench/eap_load.ts, on Node, pinned to core 0).
//
// Both servers hold the same conversation: EAP-Response/Identity, an
// MD5-Challenge proposed (FreeRADIUS's default_eap_type md5; radkit offers
// md5, gtc, mschapv2 in that order), a Nak asking for MSCHAPv2, the
// MSCHAPv2 Challenge and Response, the Success Request and its
// acknowledgement, then the Access-Accept with EAP-Success and the MSK as
// MS-MPPE keys: four Access-Requests each (the load reports how many it
// sent). bob/hello, by his cleartext password on both; each Accept is
// checked by the load (authenticated, and the MS-MPPE keys are the MSK the
// client derived).
//
// As bench/server_bench.ts, in two modes: the server's process tree pinned
// to core 1 (one core) and unpinned (the whole machine, core 0 shared with
// the load); the server's CPU time per authentication (user + system of
// every thread of every process of its tree, from /proc, over the measured
// window) and its RSS after the round. A fresh server per round; rounds
// rotate the order; the report gives medians over the rounds. The load is
// not free: its own CPU per authentication and its share of core 0 are
// reported, and when that share nears 1 the load, not the server, is the
// limit (the server's CPU per authentication still holds).
//
//   node_modules/.bin/node bench/eap_bench.ts [--quick]
//     [--runtimes deno,bun,node] [--rounds 3] [--count 20000] [--warmup 2000]
//     [--in-flight 50] [--radkit-methods md5,gtc,mschapv2] [--no-freeradius]
//     [--method mschapv2|peap] [--resumption]
//
// With --method peap the conversation is PEAPv0 with EAP-MSCHAPv2 inside, a
// full TLS handshake each (no resumption on either side): FreeRADIUS with
// the test PKI (startFreeRadius({ eapTls: true })), radkit offering
// md5, gtc, mschapv2, peap in that order, so that both propose MD5 and get a
// Nak for PEAP. With --resumption (PEAP only) both sides resume TLS 1.3
// sessions from tickets and the inner EAP-MSCHAPv2 still runs: radkit only,
// as FreeRADIUS would skip the inner authentication.
//
// Prints a summary on stderr and one `BENCH {...}` JSON line on stdout
// (scripts/bench_all.mjs --only eap writes its section of bench/RESULTS.md
// from it). Linux only (/proc, taskset).
import { cpus, loadavg } from "node:os";
import process from "node:process";
import { addCleanup, have, Proc, type Runtime, runtimeCommand, RUNTIMES } from "./_proc.ts";
import { pinTree, treeCpuSeconds, type TreeMemory, treeMemory } from "./_servers.ts";
import type { EapLoadJob, EapLoadResult } from "./eap_load.ts";
import { FREERADIUS_SECRET, startFreeRadius } from "../tests/_freeradius.ts";

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] ?? fallback : fallback;
}

const QUICK = process.argv.includes("--quick") || process.env.BENCH_QUICK === "1";
const RUNTIMES_USED = option("runtimes", RUNTIMES.join(",")).split(",") as Runtime[];
const ROUNDS = Number(option("rounds", QUICK ? "1" : "3"));
const COUNT = Number(option("count", QUICK ? "2000" : "20000"));
const WARMUP = Number(option("warmup", QUICK ? "500" : "2000"));
const IN_FLIGHT = Number(option("in-flight", "50"));
/** mschapv2 (EAP-MSCHAPv2) or peap (PEAPv0/EAP-MSCHAPv2: a full TLS handshake each). */
const METHOD = option("method", "mschapv2") as "mschapv2" | "peap";
const PEAP = METHOD === "peap";
const RADKIT_METHODS = option(
  "radkit-methods",
  PEAP ? "md5,gtc,mschapv2,peap" : "md5,gtc,mschapv2",
);
/**
 * PEAP with TLS session resumption on both sides (radkit only: FreeRADIUS
 * skips the inner authentication on a resumed PEAP session, different work).
 */
const RESUMPTION = PEAP && process.argv.includes("--resumption");
const FREERADIUS = !process.argv.includes("--no-freeradius") && !RESUMPTION;
const CORES = cpus().length;
/** The load's core; a pinned server gets the next one. */
const LOAD_CORE = 0;
const SERVER_CORE = 1;
const ALL_CORES = `0-${CORES - 1}`;
const SECRET = FREERADIUS_SECRET;

type Mode = "pinned" | "whole";
const RUNTIME_NAMES: Record<Runtime, string> = { deno: "Deno", bun: "Bun", node: "Node" };

/** A server under test, started afresh for each round. */
interface Contender {
  id: string;
  name: string;
  kind: "freeradius" | "radkit";
  runtime: Runtime | null;
  start: () => Promise<{ port: number; pid: number; stop: () => Promise<void> }>;
}

/** FreeRADIUS with the interop tests' configuration (its eap module, tests/freeradius/raddb). */
async function startFreeRadiusEap() {
  const server = await startFreeRadius({ eapTls: PEAP });
  const remove = addCleanup(() => server.stop());
  return {
    port: server.authPort,
    pid: server.pid!,
    stop: async () => {
      await server.stop();
      remove();
    },
  };
}

/** bench/_eap_server.ts on `runtime`, once it prints READY. */
async function startRadkitEap(runtime: Runtime) {
  const [command, args] = runtimeCommand(
    runtime,
    "bench/_eap_server.ts",
    [RADKIT_METHODS, ...(RESUMPTION ? ["resumption"] : [])],
  );
  const proc = new Proc(command, args);
  const remove = addCleanup(() => proc.stop());
  const ready = await proc.next<{ port: number }>("READY", 60_000);
  return {
    port: ready.port,
    pid: proc.child.pid!,
    stop: async () => {
      await proc.stop();
      remove();
    },
  };
}

const missing: Record<string, string> = {};
const modes: Mode[] = CORES >= 2 ? ["pinned", "whole"] : ["whole"];
if (CORES < 2) missing.pinned = "one core only: no pinned run (the load needs core 0)";

const contenders: Contender[] = [];
if (RESUMPTION) {
  missing.freeradius =
    "not compared with resumption: FreeRADIUS skips PEAP's inner authentication on a resumed session";
} else if (!FREERADIUS) missing.freeradius = "skipped (--no-freeradius)";
else if (!have("/usr/sbin/freeradius")) {
  missing.freeradius = "/usr/sbin/freeradius (apt-get install freeradius)";
} else {
  contenders.push({
    id: "freeradius",
    name: PEAP
      ? "FreeRADIUS (eap module: md5, gtc, mschapv2, tls, peap, ttls)"
      : "FreeRADIUS (eap module: md5, gtc, mschapv2)",
    kind: "freeradius",
    runtime: null,
    start: startFreeRadiusEap,
  });
}
for (const runtime of RUNTIMES_USED) {
  if (PEAP && runtime === "deno") {
    missing.deno = "Deno 2.9's node:tls has no exportKeyingMaterial: PEAP derives no keys there";
    continue;
  }
  contenders.push({
    id: runtime,
    name: `radkit Server + EapServer on ${RUNTIME_NAMES[runtime]}`,
    kind: "radkit",
    runtime,
    start: () => startRadkitEap(runtime),
  });
}

/** One measured window. */
interface Sample {
  round: number;
  perSecond: number;
  authentications: number;
  /** Server CPU per authentication over the window, µs. */
  serverCpuMicros: number;
  /** The load's own CPU per authentication, µs. */
  loadCpuMicros: number;
  /** The load's share of its core (core 0) over the window. */
  loadCoreShare: number;
  requestsPerAuthentication: number;
  retransmitted: number;
  timeouts: number;
  bad: number;
  failed: number;
  latencyMs: { p50: number; p99: number; max: number };
  firstError?: string;
}

interface ContenderResult {
  id: string;
  name: string;
  kind: Contender["kind"];
  runtime: Runtime | null;
  samples: Record<Mode, Sample[]>;
  /** Tree memory after each round, and the conversations that server answered by then. */
  memory: (TreeMemory & { authentications: number })[];
  error?: string;
}

/** One window of the load against a running server, with the server's CPU time over it. */
async function measure(
  server: { port: number; pid: number },
): Promise<{ result: EapLoadResult; serverCpu: number }> {
  const [command, args] = runtimeCommand("node", "bench/eap_load.ts");
  const load = new Proc(command, args);
  try {
    await load.next("READY", 60_000);
    pinTree(load.child.pid!, String(LOAD_CORE));
    const job: EapLoadJob = {
      port: server.port,
      secret: SECRET,
      inFlight: IN_FLIGHT,
      warmup: WARMUP,
      count: COUNT,
      method: METHOD,
      identity: "bob",
      password: "hello",
      ...(PEAP
        ? {
          inner: "mschapv2" as const,
          ca: new URL("../tests/fixtures/tls/ca.pem", import.meta.url).pathname,
          ...(RESUMPTION ? { resumption: true } : {}),
        }
        : {}),
    };
    const measuring = load.next("MEASURING", 600_000);
    const done = load.next<EapLoadResult>("RESULT", 3_600_000);
    load.write(JSON.stringify(job));
    await measuring;
    const cpuAtStart = treeCpuSeconds(server.pid);
    const result = await done;
    return { result, serverCpu: treeCpuSeconds(server.pid) - cpuAtStart };
  } finally {
    await load.stop();
  }
}

function sample(round: number, run: Awaited<ReturnType<typeof measure>>): Sample {
  const { result } = run;
  return {
    round,
    perSecond: result.perSecond,
    authentications: result.authentications,
    serverCpuMicros: result.authentications > 0
      ? (1e6 * run.serverCpu) / result.authentications
      : 0,
    loadCpuMicros: result.clientCpuMicros,
    loadCoreShare: result.clientCoreShare,
    requestsPerAuthentication: result.requestsPerAuthentication,
    retransmitted: result.retransmitted,
    timeouts: result.timeouts,
    bad: result.bad,
    failed: result.failed,
    latencyMs: result.latencyMs,
    ...(result.firstError === undefined ? {} : { firstError: result.firstError }),
  };
}

const fmt = (n: number) => Math.round(n).toLocaleString("en");
const mib = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
const log = (line: string) => console.error(line);

const started = new Date();
const loadAtStart = loadavg();
const results: ContenderResult[] = contenders.map((contender) => ({
  id: contender.id,
  name: contender.name,
  kind: contender.kind,
  runtime: contender.runtime,
  samples: { pinned: [], whole: [] },
  memory: [],
}));

for (let round = 0; round < ROUNDS; round++) {
  // Each round starts one contender further on, and swaps the order of the modes.
  const order = contenders.map((_, i) => (i + round) % contenders.length);
  for (const index of order) {
    const contender = contenders[index]!;
    const record = results[index]!;
    let server: Awaited<ReturnType<Contender["start"]>>;
    try {
      server = await contender.start();
    } catch (error) {
      record.error = (error as Error).message.slice(0, 2000);
      log(`  ${contender.name}: could not start: ${record.error}`);
      continue;
    }
    try {
      let authentications = 0;
      for (const mode of round % 2 === 0 ? modes : [...modes].reverse()) {
        pinTree(server.pid, mode === "pinned" ? String(SERVER_CORE) : ALL_CORES);
        const run = await measure(server);
        authentications += run.result.warmup.authentications + run.result.authentications;
        const s = sample(round, run);
        record.samples[mode].push(s);
        log(
          `  round ${round + 1}/${ROUNDS} ${contender.name}, ${mode}: ${
            fmt(s.perSecond)
          } auths/s, server ${s.serverCpuMicros.toFixed(0)} µs/auth, load ${
            s.loadCpuMicros.toFixed(0)
          } µs/auth (${(100 * s.loadCoreShare).toFixed(0)}% of core ${LOAD_CORE}), ${
            s.requestsPerAuthentication.toFixed(2)
          } requests/auth, p50 ${
            s.latencyMs.p50.toFixed(1)
          } ms (bad ${s.bad}, failed ${s.failed}, retransmitted ${s.retransmitted})${
            s.firstError ? `: ${s.firstError}` : ""
          }`,
        );
      }
      const memory = treeMemory(server.pid);
      record.memory.push({ ...memory, authentications });
      log(`    RSS after ${fmt(authentications)} authentications: ${mib(memory.rss)}`);
    } catch (error) {
      record.error = (error as Error).message.slice(0, 2000);
      log(`  ${contender.name}: failed: ${record.error}`);
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
for (const record of results) {
  const parts = modes.filter((mode) => record.samples[mode].length > 0).map((mode) => {
    const samples = record.samples[mode];
    return `${mode} ${fmt(median(samples.map((s) => s.perSecond)))} auths/s, ${
      median(samples.map((s) => s.serverCpuMicros)).toFixed(0)
    } µs/auth`;
  });
  if (parts.length > 0) log(`${record.name}: ${parts.join("; ")}`);
}

console.log(`BENCH ${
  JSON.stringify({
    bench: "eap",
    load: "bench/eap_load.ts (radkit Client.eap on Node)",
    method: METHOD,
    resumption: RESUMPTION,
    radkitMethods: RADKIT_METHODS,
    started,
    finished: new Date(),
    loadAtStart,
    loadAtEnd: loadavg(),
    cores: CORES,
    loadCore: LOAD_CORE,
    serverCore: SERVER_CORE,
    inFlight: IN_FLIGHT,
    count: COUNT,
    warmup: WARMUP,
    rounds: ROUNDS,
    missing,
    results,
  })
}`);
process.exit(0);
