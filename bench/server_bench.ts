// Server throughput: verified PAP Access-Request replies per second over
// loopback at a fixed concurrency (100 in flight), for
//   (a) radkit's Server on each runtime (verifies the Message-Authenticator,
//       reveals the password, runs a handler, encodes an Access-Accept with
//       Message-Authenticator, caches the reply for RFC 5080),
//   (b) a bare UDP echo server on the same runtime and adapter (the ceiling),
//   (c) FreeRADIUS 3.2 (tests/freeradius/raddb: `files` user bob/hello, the
//       client entry requires a Message-Authenticator), and
//   (d) a pyrad 2.1 server (bench/pyrad_server.py; checks NO
//       Message-Authenticator, pyrad cannot),
// every server in its own process, against one load generator in another
// process (bench/server_load.ts on Node, which verifies every reply). The
// contenders run in alternating rounds (each round starting one contender
// further on); the table gives each one's best round, and each ratio is the
// median over the rounds of the two rates within a round.
// Then, per runtime, a fresh radkit server answers REQUESTS requests (1M in
// the full run) and its RSS is read from /proc after each quarter.
//
//   node_modules/.bin/node bench/server_bench.ts [--runtimes deno,bun,node]
//     [--seconds 5] [--rounds 3] [--requests 1000000] [--no-peers]
//
// The driver itself may run on any runtime; the servers run on the pinned
// binaries in node_modules/.bin. Prints a Markdown table and one
// `BENCH {...}` JSON line. Without FreeRADIUS or pyrad the table says
// "not measured (missing ...)". The generator shares the 2 cores with the
// server, so absolute numbers are bounded by it too; compare ratios.
import process from "node:process";
import { startFreeRadius } from "../tests/_freeradius.ts";
import {
  addCleanup,
  cpuSecondsOf,
  currentRuntime,
  have,
  type LoadResult,
  peakRssOf,
  Proc,
  repoPath,
  rssOf,
  runLoad,
  type Runtime,
  startLoad,
  startServerProcess,
  udpReceiveBufferErrors,
} from "./_proc.ts";

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] ?? fallback : fallback;
}

const runtimes = option("runtimes", currentRuntime()).split(",") as Runtime[];
const SECONDS = Number(option("seconds", "5"));
/** Seconds of load before each round's count starts (JIT warm-up, socket buffers). */
const WARMUP = 0.5;
const ROUNDS = Number(option("rounds", "3"));
const REQUESTS = Number(option("requests", "1000000"));
const CONCURRENCY = 100;
const PEERS = !process.argv.includes("--no-peers");

interface Contender {
  name: string;
  kind: "echo" | "radkit" | "freeradius" | "pyrad";
  runtime?: Runtime;
  port: number;
  expect: "echo" | "accept";
  stop: () => Promise<void>;
  best?: LoadResult;
  lost: number;
  bad: number;
  kernelDrops: number;
  /** The server's pid when known (for its CPU time). */
  pid?: number | undefined;
  /** Lowest CPU time per verified reply over the rounds, in microseconds. */
  cpuPerReply?: number;
  /** Replies per second in each round, in round order. */
  rates: number[];
}

const FREERADIUS = "/usr/sbin/freeradius";
const PYRAD = "/usr/lib/python3/dist-packages/pyrad/__init__.py";
const PYTHON = "/usr/bin/python3";
const missing: Record<string, string> = {};
const contenders: Contender[] = [];
const load = await startLoad(200_000);

try {
  for (const runtime of runtimes) {
    for (const kind of ["echo", "radkit"] as const) {
      const server = await startServerProcess(runtime, kind);
      contenders.push({
        name: `${kind} ${runtime}`,
        kind,
        runtime,
        port: server.port,
        expect: kind === "echo" ? "echo" : "accept",
        pid: server.pid,
        stop: () => server.proc.stop(),
        lost: 0,
        bad: 0,
        kernelDrops: 0,
        rates: [],
      });
    }
  }
  if (PEERS) {
    if (!have(FREERADIUS)) {
      missing.freeradius = `${FREERADIUS} (apt-get install freeradius)`;
    } else {
      const freeradius = await startFreeRadius();
      addCleanup(() => freeradius.stop());
      contenders.push({
        name: "FreeRADIUS",
        kind: "freeradius",
        port: freeradius.authPort,
        expect: "accept",
        pid: freeradius.pid,
        stop: () => freeradius.stop(),
        lost: 0,
        bad: 0,
        kernelDrops: 0,
        rates: [],
      });
    }
    if (!have(PYRAD) || !have(PYTHON)) {
      missing.pyrad = `${PYRAD} (apt-get install python3-pyrad)`;
    } else {
      const pyrad = new Proc(PYTHON, [repoPath("bench/pyrad_server.py"), "testing123"]);
      const { port, pid } = await pyrad.next<{ port: number; pid: number }>("READY", 30_000);
      contenders.push({
        name: "pyrad",
        kind: "pyrad",
        pid,
        port,
        expect: "accept",
        stop: () => pyrad.stop(),
        lost: 0,
        bad: 0,
        kernelDrops: 0,
        rates: [],
      });
    }
  } else {
    missing.freeradius = "skipped (--no-peers)";
    missing.pyrad = "skipped (--no-peers)";
  }

  for (let round = 0; round < ROUNDS; round++) {
    // Each round starts one contender further on, so no contender always
    // follows the same one.
    const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]!);
    for (const contender of order) {
      const before = udpReceiveBufferErrors() ?? 0;
      // CPU time includes the warm-up: replies are counted over it too, below.
      const cpuBefore = contender.pid === undefined ? undefined : cpuSecondsOf(contender.pid);
      const result = await runLoad(load, {
        port: contender.port,
        seconds: SECONDS,
        warmup: WARMUP,
        concurrency: CONCURRENCY,
        expect: contender.expect,
      });
      contender.kernelDrops += (udpReceiveBufferErrors() ?? 0) - before;
      const cpuAfter = contender.pid === undefined ? undefined : cpuSecondsOf(contender.pid);
      if (cpuBefore !== undefined && cpuAfter !== undefined && result.replies > 0) {
        // Replies over the warm-up are estimated at the measured rate.
        const perReply = (1e6 * (cpuAfter - cpuBefore)) /
          (result.replies + result.perSecond * WARMUP);
        contender.cpuPerReply = Math.min(contender.cpuPerReply ?? Infinity, perReply);
      }
      contender.lost += result.lost;
      contender.bad += result.bad;
      contender.rates.push(result.perSecond);
      if (contender.best === undefined || result.perSecond > contender.best.perSecond) {
        contender.best = result;
      }
      console.error(
        `  round ${round + 1}/${ROUNDS} ${contender.name}: ${Math.round(result.perSecond)}/s ` +
          `(lost ${result.lost}, bad ${result.bad})`,
      );
    }
  }
} finally {
  await Promise.all(contenders.map((contender) => contender.stop()));
}

interface RssRun {
  runtime: Runtime;
  requests: number;
  idle: number;
  after: { requests: number; rss: number }[];
  peak: number;
  perSecond: number;
  lost: number;
  bad: number;
}
const rss: RssRun[] = [];
try {
  if (REQUESTS > 0) {
    for (const runtime of runtimes) {
      const server = await startServerProcess(runtime, "radkit");
      try {
        await new Promise((resolve) => setTimeout(resolve, 500));
        const idle = (await rssOf(server.pid)) ?? 0;
        const after: { requests: number; rss: number }[] = [];
        const quarter = Math.ceil(REQUESTS / 4);
        let done = 0;
        let seconds = 0;
        let lost = 0;
        let bad = 0;
        for (let i = 0; i < 4; i++) {
          const result = await runLoad(load, {
            port: server.port,
            requests: quarter,
            warmup: 0,
            concurrency: CONCURRENCY,
            expect: "accept",
          });
          done += result.replies;
          seconds += result.seconds;
          lost += result.lost;
          bad += result.bad;
          after.push({ requests: done, rss: (await rssOf(server.pid)) ?? 0 });
        }
        const peak = (await peakRssOf(server.pid)) ?? 0;
        rss.push({
          runtime,
          requests: done,
          idle,
          after,
          peak,
          perSecond: done / seconds,
          lost,
          bad,
        });
        console.error(
          `  RSS ${runtime}: ${after.map((a) => (a.rss / 2 ** 20).toFixed(0)).join(" → ")} MiB`,
        );
      } finally {
        await server.proc.stop();
      }
    }
  }
} finally {
  await load.stop();
}

/**
 * The median over the rounds of `a`'s rate / `b`'s rate in the same round.
 * This machine's speed drifts by up to 2× over seconds; rates from one round
 * (all contenders within a minute) share more of that drift than two best
 * rounds do, which may come from different spells.
 */
function roundRatio(a: Contender, b: Contender): number {
  const ratios = a.rates.map((rate, round) => rate / b.rates[round]!).sort((x, y) => x - y);
  const middle = ratios.length >> 1;
  return ratios.length % 2 === 1 ? ratios[middle]! : (ratios[middle - 1]! + ratios[middle]!) / 2;
}

const fmt = (n: number) => Math.round(n).toLocaleString("en");
const mib = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
const byKind = (kind: Contender["kind"], runtime?: Runtime) =>
  contenders.find((c) => c.kind === kind && c.runtime === runtime);
const freeradius = byKind("freeradius");
const pyrad = byKind("pyrad");
console.log(
  `# server: verified PAP Access-Accepts/s, ${CONCURRENCY} in flight, best of ${ROUNDS} × ${SECONDS} s; ratios: median over the rounds`,
);
console.log(
  "| runtime | bare UDP echo | radkit Server | radkit / echo | radkit / FreeRADIUS | radkit / pyrad | server CPU µs/reply (echo, radkit) |",
);
console.log("|---|---:|---:|---:|---:|---:|---:|");
for (const runtime of runtimes) {
  const echo = byKind("echo", runtime)!;
  const ours = byKind("radkit", runtime)!;
  console.log(
    `| ${runtime} | ${fmt(echo.best!.perSecond)} | ${fmt(ours.best!.perSecond)} | ${
      roundRatio(ours, echo).toFixed(2)
    }× | ${freeradius ? `${roundRatio(ours, freeradius).toFixed(2)}×` : "-"} | ${
      pyrad ? `${roundRatio(ours, pyrad).toFixed(2)}×` : "-"
    } | ${byKind("echo", runtime)!.cpuPerReply?.toFixed(0) ?? "?"}, ${
      byKind("radkit", runtime)!.cpuPerReply?.toFixed(0) ?? "?"
    } |`,
  );
}
console.log(
  `FreeRADIUS: ${
    freeradius
      ? `${fmt(freeradius.best!.perSecond)}/s`
      : `not measured (missing ${missing.freeradius})`
  }`,
);
console.log(
  `pyrad: ${pyrad ? `${fmt(pyrad.best!.perSecond)}/s` : `not measured (missing ${missing.pyrad})`}`,
);
for (const run of rss) {
  console.log(
    `RSS ${run.runtime} after ${fmt(run.requests)} requests: ${mib(run.idle)} idle → ${
      run.after.map((a) => mib(a.rss)).join(" → ")
    } (peak ${mib(run.peak)})`,
  );
}
console.log(`BENCH ${
  JSON.stringify({
    bench: "server",
    concurrency: CONCURRENCY,
    seconds: SECONDS,
    warmup: WARMUP,
    rounds: ROUNDS,
    results: contenders.map((c) => ({
      name: c.name,
      kind: c.kind,
      runtime: c.runtime ?? null,
      perSecond: c.best?.perSecond ?? 0,
      rates: c.rates,
      replies: c.best?.replies ?? 0,
      withMessageAuthenticator: c.best?.withMessageAuthenticator ?? 0,
      lost: c.lost,
      bad: c.bad,
      kernelDrops: c.kernelDrops,
      cpuMicrosPerReply: c.cpuPerReply ?? null,
    })),
    missing,
    rss,
  })
}`);
process.exit(0);
