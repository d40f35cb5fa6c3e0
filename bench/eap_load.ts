// The load of the EAP benchmark (bench/eap_bench.ts): radkit's own Client
// running whole EAP conversations (`client.eap()`), many at once, in a
// process of its own on Node.js 24 (node_modules/.bin/node, type stripping)
// whatever the server runs on, so that every server faces the same client.
//
//   node_modules/.bin/node bench/eap_load.ts
//
// Prints `READY`, then runs one job per stdin line (JSON) and prints
// `MEASURING` when its warm-up is done and `RESULT {...}` at the end:
//
//   { "port": N, "secret": "testing123", "inFlight": 50, "warmup": N, "count": N,
//     "method": "mschapv2", "identity": "bob", "password": "hello" }
//
// (PEAP: "method": "peap", "inner": "mschapv2", "ca": "<path of the CA's PEM>").
//
// `inFlight` conversations run at once, each starting the next when it ends
// (closed loop). Conversations count by when they end: the window runs from
// the `warmup`-th to the `warmup` + `count`-th, the load unchanged to its
// end (the conversations still running then are not counted). One Client
// (one UDP socket of 127.0.0.1 while 256 Identifiers suffice; timeout 1 s,
// 3 retransmissions), Message-Authenticator required in every reply. A
// conversation counts as an authentication only if it ends in an
// Access-Accept with EAP-Success after the method did its part (for
// EAP-MSCHAPv2 the server proved it knows the password) and, for
// EAP-MSCHAPv2 and PEAP, MS-MPPE-Recv-Key and MS-MPPE-Send-Key are the two
// halves of the MSK the client derived; anything else is `bad`, and a conversation
// that throws (a timeout after the retransmissions) is `failed`.
import process from "node:process";
import { Client } from "../src/client.ts";
import type { EapMethodName } from "../src/eap/methods/method.ts";
import { readFileSync } from "node:fs";
import { tlsEngine, udp } from "../adapters/node.ts";
import type { PeapInnerMethod } from "../src/eap/tls/tunnel_peers.ts";

/** One job. */
export interface EapLoadJob {
  port: number;
  secret: string;
  inFlight: number;
  warmup: number;
  count: number;
  method: EapMethodName;
  identity: string;
  password: string;
  /** PEAP's inner method. */
  inner?: PeapInnerMethod;
  /** PEAP: the CA the server's certificate must chain to (a PEM file). */
  ca?: string;
  /** PEAP: resume TLS sessions (one engine for the job, its sessions shared by the conversations). */
  resumption?: boolean;
}

/** What one job measured over its window. */
export interface EapLoadResult {
  /** Verified authentications in the window. */
  authentications: number;
  /** Of those, per second of the window. */
  perSecond: number;
  seconds: number;
  /** Access-Requests sent per authentication (the conversation's rounds), retransmissions not counted. */
  requestsPerAuthentication: number;
  retransmitted: number;
  timeouts: number;
  bad: number;
  failed: number;
  /** The client process's own CPU (user + system) per authentication over the window, µs. */
  clientCpuMicros: number;
  /** Its share of one core over the window (1 = a whole core: the load is the limit). */
  clientCoreShare: number;
  latencyMs: { p50: number; p99: number; max: number };
  /** Of the warm-up: authentications, bad and failed. */
  warmup: { authentications: number; bad: number; failed: number };
  firstError?: string;
}

function equal(a: unknown, b: Uint8Array): boolean {
  if (!(a instanceof Uint8Array) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

async function run(job: EapLoadJob): Promise<EapLoadResult> {
  const client = new Client({
    transport: udp(),
    server: "127.0.0.1",
    ports: { auth: job.port },
    secret: job.secret,
    timeout: 1000,
    retries: 3,
  });
  const warmup = { authentications: 0, bad: 0, failed: 0 };
  const window = { authentications: 0, bad: 0, failed: 0 };
  let firstError: string | undefined;
  const latencies: number[] = [];
  const snapshot = () => ({
    time: performance.now(),
    cpu: process.cpuUsage(),
    stats: client.stats(),
  });
  let windowStart: ReturnType<typeof snapshot> | undefined;
  let windowEnd: ReturnType<typeof snapshot> | undefined;
  if (job.warmup === 0) {
    windowStart = snapshot();
    console.log("MEASURING");
  }

  const options = {
    identity: job.identity,
    method: job.method,
    password: job.password,
    ...(job.inner === undefined ? {} : { inner: job.inner }),
    ...(job.ca === undefined ? {} : {
      tls: {
        engine: tlsEngine(),
        ca: readFileSync(job.ca, "utf8"),
        serverName: "radius.test",
        ...(job.resumption === true ? { resumption: true } : {}),
      },
    }),
  };
  const keyed = job.method === "mschapv2" || job.method === "peap";
  // Each conversation is counted by when it ends; the window closes at the
  // count-th, while the others still run: the load stays the same to the end.
  async function conversation(): Promise<void> {
    while (windowEnd === undefined) {
      const began = performance.now();
      let outcome: "authentications" | "bad" | "failed";
      try {
        const result = await client.eap(options);
        const msk = result.msk;
        const half = (msk?.length ?? 0) >> 1;
        const ok = result.authenticated &&
          (!keyed ||
            (msk !== undefined &&
              equal(result.reply.get("MS-MPPE-Recv-Key"), msk.subarray(0, half)) &&
              equal(result.reply.get("MS-MPPE-Send-Key"), msk.subarray(half))));
        outcome = ok ? "authentications" : "bad";
        if (!ok) firstError ??= `not authenticated: ${result.reply.codeName}`;
      } catch (error) {
        outcome = "failed";
        firstError ??= (error as Error).message;
      }
      if (windowEnd !== undefined) return;
      if (windowStart === undefined) {
        warmup[outcome]++;
        if (warmup.authentications + warmup.bad + warmup.failed >= job.warmup) {
          windowStart = snapshot();
          console.log("MEASURING");
        }
        continue;
      }
      window[outcome]++;
      latencies.push(performance.now() - began);
      if (window.authentications + window.bad + window.failed >= job.count) windowEnd = snapshot();
    }
  }
  await Promise.all(Array.from({ length: job.inFlight }, conversation));
  const start = windowStart!;
  const end = windowEnd!;
  const seconds = (end.time - start.time) / 1000;
  const cpu = { user: end.cpu.user - start.cpu.user, system: end.cpu.system - start.cpu.system };
  const stats = end.stats;
  const windowStats = start.stats;
  await client.close();
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const sorted = latencies.sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const done = window.authentications;
  return {
    authentications: done,
    perSecond: done / seconds,
    seconds,
    requestsPerAuthentication: (stats.requests - windowStats.requests) /
      Math.max(1, done + window.bad + window.failed),
    retransmitted: stats.retransmitted - windowStats.retransmitted,
    timeouts: stats.timeouts - windowStats.timeouts,
    bad: window.bad,
    failed: window.failed,
    clientCpuMicros: done > 0 ? (1e6 * cpuSeconds) / done : 0,
    clientCoreShare: cpuSeconds / seconds,
    latencyMs: { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? 0 },
    warmup,
    ...(firstError === undefined ? {} : { firstError }),
  };
}

let pending = "";
let queue = Promise.resolve();
process.stdin.on("data", (chunk: Uint8Array | string) => {
  pending += typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
  let newline;
  while ((newline = pending.indexOf("\n")) >= 0) {
    const line = pending.slice(0, newline).trim();
    pending = pending.slice(newline + 1);
    if (line === "") continue;
    const job = JSON.parse(line) as EapLoadJob;
    queue = queue.then(async () => {
      console.log(`RESULT ${JSON.stringify(await run(job))}`);
    });
  }
});
process.stdin.on("end", () => void queue.then(() => process.exit(0)));
console.log("READY");
