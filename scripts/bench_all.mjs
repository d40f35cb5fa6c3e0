// One command for every benchmark on every runtime: runs the codec, MD5,
// dictionary, server, client and client-burst benchmarks on Deno, Bun and Node (the pinned
// binaries in node_modules/.bin, spawned by absolute path), collects the one
// `BENCH {...}` JSON line each prints, and writes bench/RESULTS.md from them
// (every number in it is measured by this run; the soak summary comes from
// bench/soak.json, written by bench/soak.ts).
//
//   node scripts/bench_all.mjs           # full run (~10 min on 2 cores)
//   node scripts/bench_all.mjs --quick   # short budgets (~3 min)
//   [--runtimes deno,bun,node] [--out bench/RESULTS.md]
//
// Peers (FreeRADIUS, pyrad, radclient, the Debian dictionary tree) are
// optional: a missing one is reported as "not measured (missing ...)".
// Plain JavaScript, so any Node.js can run it.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, release, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => join(root, "node_modules", ".bin", name);

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

const quick = process.argv.includes("--quick");
const runtimes = option("runtimes", "deno,bun,node").split(",");
const out = resolve(root, option("out", "bench/RESULTS.md"));
const settings = quick
  ? {
    serverSeconds: 1,
    serverRounds: 3,
    serverRequests: 100_000,
    clientTotal: 20_000,
    clientRounds: 1,
    burstRounds: 1,
  }
  : {
    // Many short rounds: the ratios are medians over the rounds, and this
    // machine's speed drifts over seconds.
    serverSeconds: 2,
    serverRounds: 9,
    serverRequests: 1_000_000,
    clientTotal: 100_000,
    clientRounds: 2,
    burstRounds: 3,
  };

/** The command line that runs a repository script on a runtime. */
function command(runtime, script, args = []) {
  const file = join(root, script);
  if (runtime === "deno") return [bin("deno"), ["run", "-A", "--unstable-net", file, ...args]];
  return [bin(runtime), [file, ...args]];
}

let current;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    // The benches stop their own children (servers, FreeRADIUS, pyrad) on SIGTERM.
    if (current && current.exitCode === null) current.kill("SIGTERM");
    setTimeout(() => process.exit(130), 6000).unref();
    current?.once("exit", () => process.exit(130));
    if (!current) process.exit(130);
  });
}

/** Runs one bench; resolves with its BENCH JSON (or { error }). Echoes its output. */
function run(runtime, script, args = [], label = `${script} on ${runtime}`) {
  const [cmd, argv] = command(runtime, script, args);
  console.error(`\n== ${label}`);
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, {
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, BENCH_QUICK: quick ? "1" : "0", NO_COLOR: "1" },
    });
    current = child;
    let stdout = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      process.stderr.write(chunk);
    });
    child.once("error", (error) => resolve({ error: error.message }));
    child.once("close", (code) => {
      current = undefined;
      const line = stdout.split("\n").find((l) => l.startsWith("BENCH "));
      if (line) resolve(JSON.parse(line.slice(6)));
      else resolve({ error: `exited with ${code} without a BENCH line` });
    });
  });
}

function tryRun(file, args) {
  try {
    return execFileSync(file, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  } catch (error) {
    return String(error.stdout ?? "").trim() || undefined;
  }
}

function machine() {
  let cpu = cpus()[0]?.model ?? "unknown CPU";
  try {
    const info = readFileSync("/proc/cpuinfo", "utf8");
    cpu = /model name\s*:\s*(.*)/.exec(info)?.[1]?.trim() ?? cpu;
  } catch {
    // not Linux
  }
  return {
    cpu,
    cores: cpus().length,
    ram: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    kernel: `${process.platform} ${release()}`,
  };
}

function versions() {
  const first = (text) => text?.split("\n")[0]?.trim();
  const freeradius = existsSync("/usr/sbin/freeradius")
    ? /Version ([\d.]+)/.exec(tryRun("/usr/sbin/freeradius", ["-v"]) ?? "")?.[1]
    : undefined;
  const pyrad = existsSync("/usr/lib/python3/dist-packages/pyrad/__init__.py")
    ? tryRun("dpkg-query", ["-W", "-f=${Version}", "python3-pyrad"]) ?? "installed"
    : undefined;
  const radclient = existsSync("/usr/bin/radclient")
    ? /version ([\d.]+)/i.exec(tryRun("/usr/bin/radclient", ["-v"]) ?? "")?.[1] ?? "installed"
    : undefined;
  let nodeRadius;
  try {
    nodeRadius =
      JSON.parse(readFileSync(join(root, "node_modules/radius/package.json"), "utf8")).version;
  } catch {
    // missing
  }
  return {
    deno: /deno ([\d.]+)/.exec(tryRun(bin("deno"), ["--version"]) ?? "")?.[1],
    bun: first(tryRun(bin("bun"), ["--version"])),
    node: first(tryRun(bin("node"), ["--version"]))?.replace(/^v/, ""),
    freeradius,
    pyrad,
    radclient,
    nodeRadius,
    python: first(tryRun("/usr/bin/python3", ["--version"])),
  };
}

// ---- run everything --------------------------------------------------------

const started = new Date();
const loadAtStart = loadavg();
const info = machine();
const version = versions();
const results = {
  md5: {},
  codec: {},
  dictionary: {},
  client: {},
  burst: [],
  server: undefined,
  radclient: undefined,
};

for (const runtime of runtimes) {
  results.md5[runtime] = await run(runtime, "bench/md5_bench.ts");
  results.codec[runtime] = await run(runtime, "bench/codec_bench.ts");
  results.dictionary[runtime] = await run(runtime, "bench/dictionary_bench.ts");
}
results.server = await run("node", "bench/server_bench.ts", [
  "--runtimes",
  runtimes.join(","),
  "--seconds",
  String(settings.serverSeconds),
  "--rounds",
  String(settings.serverRounds),
  "--requests",
  String(settings.serverRequests),
], "server_bench.ts (all runtimes, FreeRADIUS, pyrad)");

// Client: rounds alternate the runtimes (and radclient); best requests/s is
// kept, the completion reported is the worst round's.
const clientRounds = { radclient: [] };
for (const runtime of runtimes) clientRounds[runtime] = [];
const clientArgs = [
  "--total",
  String(settings.clientTotal),
  "--in-flight",
  "1000",
  "--server",
  "bun",
];
for (let round = 0; round < settings.clientRounds; round++) {
  for (const runtime of runtimes) {
    clientRounds[runtime].push(await run(runtime, "bench/client_bench.ts", clientArgs));
  }
  clientRounds.radclient.push(
    await run(
      "node",
      "bench/client_bench.ts",
      [...clientArgs, "--radclient"],
      "client_bench.ts --radclient",
    ),
  );
}
function combine(rounds) {
  const ok = rounds.filter((r) => !r.error && !r.missing);
  if (ok.length === 0) return rounds[0];
  const best = ok.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
  const worst = ok.reduce((a, b) => (b.completed < a.completed ? b : a));
  return {
    ...best,
    rounds: rounds.length,
    worstCompleted: worst.completed,
    retransmittedMax: Math.max(...ok.map((r) => r.retransmitted)),
    peakRssMax: Math.max(...ok.map((r) => r.peakRss)),
    kernelDropsMax: ok.some((r) => r.kernelDrops === undefined)
      ? undefined
      : Math.max(...ok.map((r) => r.kernelDrops)),
  };
}
for (const runtime of runtimes) results.client[runtime] = combine(clientRounds[runtime]);
results.radclient = combine(clientRounds.radclient);

// Client bursts: every client runtime against every server runtime (quick:
// each runtime against itself, and Node against Bun).
const burstPairs = quick
  ? [...runtimes.map((runtime) => [runtime, runtime]), ["node", "bun"]].filter(
    ([client, server]) => runtimes.includes(client) && runtimes.includes(server),
  )
  : runtimes.flatMap((client) => runtimes.map((server) => [client, server]));
for (const [client, server] of burstPairs) {
  results.burst.push(
    await run(
      client,
      "bench/burst_bench.ts",
      ["--server", server, "--sizes", "1000,10000", "--rounds", String(settings.burstRounds)],
      `burst_bench.ts on ${client}, server on ${server}`,
    ),
  );
}
const finished = new Date();
const loadAtEnd = loadavg();

// ---- write bench/RESULTS.md ------------------------------------------------

const names = {
  deno: `Deno ${version.deno?.replace(/^deno /, "") ?? "?"}`,
  bun: `Bun ${version.bun ?? "?"}`,
  node: `Node ${version.node ?? "?"}`,
};
const int = (n) => Math.round(n).toLocaleString("en");
const x = (n) => `${n.toFixed(2)}×`;
const us = (n) => (n === null || n === undefined ? "?" : `${n.toFixed(0)} µs`);
const mib = (n) => `${(n / 2 ** 20).toFixed(0)} MiB`;
const misses = [];
const lines = [];
const p = (...text) => lines.push(...text);

p(
  "# radkit benchmark results",
  "",
  `Generated by \`node scripts/bench_all.mjs${
    quick ? " --quick" : ""
  }\` — every number below is measured by that run`,
  "and written by the script; do not edit by hand.",
  "",
  `- Date: ${started.toISOString()} → ${finished.toISOString()} (${
    ((finished - started) / 60000).toFixed(1)
  } min, ${quick ? "quick" : "full"} run)`,
  `- Machine: ${info.cpu}, ${info.cores} cores, ${info.ram} RAM, ${info.kernel}`,
  `- Load average (1/5/15 min) at start: ${
    loadAtStart.map((v) => v.toFixed(2)).join(" / ")
  }; at end: ${loadAtEnd.map((v) => v.toFixed(2)).join(" / ")}`,
  `- Versions: ${names.deno}, ${names.bun}, ${names.node}; FreeRADIUS ${
    version.freeradius ?? "missing"
  }; radclient ${version.radclient ?? "missing"}; pyrad ${version.pyrad ?? "missing"} (${
    version.python ?? "python3 missing"
  }); node-radius (npm \`radius\`) ${version.nodeRadius ?? "missing"}`,
  "- Method: contenders run in alternating rounds and each keeps its best round, so a burst of",
  "  background load hits all alike; on a small shared machine compare the ratios, not the absolute",
  "  numbers. Every network benchmark runs server and load generator in separate processes.",
  "",
);

// Codec
p(
  "## Codec: Access-Request + Access-Accept round trip (target ≥ 5× node-radius)",
  "",
  "Encode a typical Access-Request (User-Name, User-Password, NAS-IP-Address, NAS-Port,",
  "Called/Calling-Station-Id, a VSA, Message-Authenticator), verify + decode it, build + encode the",
  "Access-Accept, verify + decode that; node-radius doing the same in the same process. The two",
  `run in ${quick ? 7 : 25} back-to-back pairs of 200 ms rounds; round trips/s is each one's best`,
  "round, and the ratio is the median of the ratios within each pair (this machine's speed",
  "drifts by up to 2× over seconds, and a pair shares one spell of it).",
  "",
  "| runtime | radkit round trips/s | node-radius round trips/s | radkit / node-radius |",
  "|---|---:|---:|---:|",
);
for (const runtime of runtimes) {
  const r = results.codec[runtime];
  if (r.error) {
    p(`| ${names[runtime]} | failed: ${r.error} | | |`);
    continue;
  }
  p(`| ${names[runtime]} | ${int(r.radkit)} | ${int(r.nodeRadius)} | ${x(r.ratio)} |`);
  if (r.ratio < 5) {
    misses.push(`codec on ${names[runtime]}: ${x(r.ratio)} node-radius (target ≥ 5×)`);
  }
}
p("");

// MD5
p(
  "## MD5 / HMAC-MD5: pure TypeScript vs node:crypto (targets: small inputs ≥ 1.0×, 1 MiB ≥ 0.5×)",
  "",
  "Rates are each one's best round; the ratio is the median of the ratios within back-to-back round",
  "pairs, as for the codec.",
  "",
  "| runtime | input | radkit | node:crypto | radkit / node:crypto |",
  "|---|---|---:|---:|---:|",
);
const rate = (
  v,
  unit,
) => (unit === "MB/s"
  ? `${v.toFixed(0)} MB/s`
  : v >= 1e6
  ? `${(v / 1e6).toFixed(2)} M calls/s`
  : `${(v / 1e3).toFixed(0)} k calls/s`);
for (const runtime of runtimes) {
  const r = results.md5[runtime];
  if (r.error) {
    p(`| ${names[runtime]} | failed: ${r.error} | | | |`);
    continue;
  }
  for (const row of r.rows) {
    const ratio = row.ratio ?? row.radkit / row.nodeCrypto;
    p(`| ${names[runtime]} | ${row.case} | ${rate(row.radkit, row.unit)} | ${
      rate(row.nodeCrypto, row.unit)
    } | ${x(ratio)} |`);
    const target = row.unit === "MB/s" ? 0.5 : 1.0;
    if (ratio < target) {
      misses.push(
        `${row.case} on ${names[runtime]}: ${x(ratio)} node:crypto (target ≥ ${target}×)`,
      );
    }
  }
}
p("");

// Dictionary
p(
  "## Dictionary parsing (median parse time, files read beforehand)",
  "",
  "| runtime | Debian FreeRADIUS tree | radkit bundled dictionaries |",
  "|---|---:|---:|",
);
for (const runtime of runtimes) {
  const r = results.dictionary[runtime];
  if (r.error) {
    p(`| ${names[runtime]} | failed: ${r.error} | |`);
    continue;
  }
  p(
    `| ${names[runtime]} | ${
      r.debianMs === null
        ? "not measured (missing /usr/share/freeradius)"
        : `${r.debianMs.toFixed(1)} ms (${int(r.debianAttributes)} attributes)`
    } | ${r.bundledMs.toFixed(2)} ms (${int(r.bundledAttributes)} attributes) |`,
  );
}
p("");

// Server
const s = results.server;
p(
  "## Server: verified PAP Access-Accepts per second at 100 in flight (targets: ≥ 0.6× the bare UDP echo, ahead of FreeRADIUS and pyrad)",
  "",
);
if (s.error) {
  p(`Server benchmark failed: ${s.error}`, "");
} else {
  const find = (kind, runtime = null) =>
    s.results.find((r) => r.kind === kind && r.runtime === runtime);
  const fr = find("freeradius");
  const py = find("pyrad");
  // The median over the rounds of a's rate / b's rate in the same round.
  const ratio = (a, b) => {
    const ratios = a.rates.map((rate, round) => rate / b.rates[round]).sort((m, n) => m - n);
    const middle = ratios.length >> 1;
    return ratios.length % 2 === 1 ? ratios[middle] : (ratios[middle - 1] + ratios[middle]) / 2;
  };
  p(
    `One load generator (\`bench/server_load.ts\`, Node, its own process) keeps 100 PAP Access-Requests`,
    "with Message-Authenticator in flight over 127.0.0.1 and verifies every reply (Identifier, Response",
    "Authenticator, Message-Authenticator when present; echo: identical bytes) before counting it. For",
    "the echo it also spends the same hashing on each datagram, so that every contender loads the",
    "generator alike (on 2 shared cores the generator's cost otherwise favours the echo).",
    `${s.rounds} rounds of ${s.seconds} s (after ${s.warmup} s of warm-up) per contender; each round runs every`,
    "contender once, starting one contender further on than the round before. Replies/s is each",
    "contender's best round. Each ratio is the median over the rounds of the two rates within one",
    "round: this machine's speed drifts by up to 2× over seconds, and one round's rates share more of",
    "that drift than two best rounds from different spells do.",
    "",
    "| runtime | bare UDP echo (ceiling) | radkit Server | radkit / echo | radkit / FreeRADIUS | radkit / pyrad | server CPU per reply: echo, radkit |",
    "|---|---:|---:|---:|---:|---:|---:|",
  );
  for (const runtime of runtimes) {
    const echo = find("echo", runtime);
    const ours = find("radkit", runtime);
    if (!echo || !ours) continue;
    const toEcho = ratio(ours, echo);
    const toFreeRadius = fr ? ratio(ours, fr) : undefined;
    const toPyrad = py ? ratio(ours, py) : undefined;
    p(
      `| ${names[runtime]} | ${int(echo.perSecond)} | ${int(ours.perSecond)} | ${x(toEcho)} | ${
        toFreeRadius !== undefined ? x(toFreeRadius) : "not measured"
      } | ${toPyrad !== undefined ? x(toPyrad) : "not measured"} | ${us(echo.cpuMicrosPerReply)}, ${
        us(ours.cpuMicrosPerReply)
      } |`,
    );
    if (toEcho < 0.6) {
      misses.push(`server on ${names[runtime]}: ${x(toEcho)} the bare UDP echo (target ≥ 0.6×)`);
    }
    if (toFreeRadius !== undefined && toFreeRadius < 1) {
      misses.push(`server on ${names[runtime]}: behind FreeRADIUS (${x(toFreeRadius)})`);
    }
    if (toPyrad !== undefined && toPyrad < 1) {
      misses.push(`server on ${names[runtime]}: behind pyrad (${x(toPyrad)})`);
    }
  }
  p(
    "",
    "CPU per reply: user + system CPU time of the server process (/proc, all its threads) over a round",
    "divided by the replies, the lowest over the rounds (lower is better; it does not depend on how",
    "the 2 cores are shared, unlike replies/s).",
    "",
    "| peer | verified replies/s | replies with Message-Authenticator | checks the request's Message-Authenticator | CPU per reply |",
    "|---|---:|---:|---|---:|",
    `| FreeRADIUS ${
      version.freeradius ?? ""
    } (\`files\` user, \`require_message_authenticator = yes\`) | ${
      fr ? int(fr.perSecond) : `not measured (missing ${s.missing.freeradius})`
    } | ${
      fr ? `${((100 * fr.withMessageAuthenticator) / Math.max(1, fr.replies)).toFixed(0)}%` : "-"
    } | yes | ${fr ? us(fr.cpuMicrosPerReply) : "-"} (all threads) |`,
    `| pyrad ${version.pyrad ?? ""} (\`bench/pyrad_server.py\`) | ${
      py ? int(py.perSecond) : `not measured (missing ${s.missing.pyrad})`
    } | ${
      py ? `${((100 * py.withMessageAuthenticator) / Math.max(1, py.replies)).toFixed(0)}%` : "-"
    } | **no** (pyrad 2.1 cannot) | ${py ? us(py.cpuMicrosPerReply) : "-"} |`,
    "",
  );
  const bad = s.results.filter((r) => r.bad > 0 || r.lost > 0);
  p(
    bad.length === 0
      ? "No reply failed verification and no request was lost in any round."
      : `Unverified replies / lost requests over all rounds: ${
        bad.map((r) => `${r.name} ${r.bad} bad, ${r.lost} lost`).join("; ")
      }.`,
    "",
  );
  if (s.rss?.length) {
    p(
      `### radkit server RSS while answering ${
        int(s.rss[0].requests)
      } requests (fresh process per runtime, read from /proc)`,
      "",
      `| runtime | idle | ${
        s.rss[0].after.map((a) => `after ${int(a.requests)}`).join(" | ")
      } | peak (VmHWM) | replies/s | lost |`,
      `|---|---:|${s.rss[0].after.map(() => "---:").join("|")}|---:|---:|---:|`,
    );
    for (const r of s.rss) {
      p(`| ${names[r.runtime]} | ${mib(r.idle)} | ${r.after.map((a) => mib(a.rss)).join(" | ")} | ${
        mib(r.peak)
      } | ${int(r.perSecond)} | ${r.lost} |`);
    }
    p("");
  }
}

// Client
p(
  `## Client: ${
    int(settings.clientTotal)
  } Access-Requests at 1,000 in flight (target: 100% completed)`,
  "",
  "Against radkit's Server on Bun in another process (the same server for every client). radkit's",
  "Client verifies every reply (Response Authenticator, Message-Authenticator) and the bench checks the",
  "Access-Accept and its Reply-Message; `radclient -p 1000 -r 10 -t 1` reads the same packets from a",
  `file and is timed from spawn to exit. Best of ${settings.clientRounds} round(s); completion is the worst round's.`,
  "",
  "| client | completed | requests/s | retransmissions | kernel drops (full receive buffer) | peak RSS | vs radclient -p |",
  "|---|---:|---:|---:|---:|---:|---:|",
);
const rc = results.radclient;
const rcOk = rc && !rc.error && !rc.missing;
for (const runtime of runtimes) {
  const r = results.client[runtime];
  if (r.error) {
    p(`| radkit on ${names[runtime]} | failed: ${r.error} | | | | | |`);
    continue;
  }
  const percent = (100 * r.worstCompleted) / r.total;
  p(
    `| radkit on ${names[runtime]} | ${int(r.worstCompleted)}/${int(r.total)} (${
      percent.toFixed(2)
    }%) | ${int(r.perSecond)} | ${int(r.retransmittedMax)} | ${r.kernelDropsMax ?? "?"} | ${
      mib(r.peakRssMax)
    } | ${rcOk ? x(r.perSecond / rc.perSecond) : "-"} |`,
  );
  if (percent < 100) {
    misses.push(`client on ${names[runtime]}: ${percent.toFixed(2)}% completed (target 100%)`);
  }
}
if (rc?.missing) p(`| radclient -p 1000 | not measured (missing ${rc.missing}) | | | | | |`);
else if (rc?.error) p(`| radclient -p 1000 | failed: ${rc.error} | | | | | |`);
else {p(
    `| radclient ${version.radclient ?? ""} -p 1000 | ${int(rc.worstCompleted)}/${int(rc.total)} (${
      ((100 * rc.worstCompleted) / rc.total).toFixed(2)
    }%) | ${int(rc.perSecond)} | n/a | ${rc.kernelDropsMax ?? "?"} | ${
      mib(rc.peakRssMax)
    } | 1.00× |`,
  );}
p("");

// Client bursts
p(
  "## Client bursts: 1,000 and 10,000 requests fired at once (targets: p50 under 50 ms for 1,000, no retransmission)",
  "",
  "One radkit Client, default options (at most 128 in flight, the rest queued; 4 MiB receive buffer;",
  "timeout 2 s), calls accessRequest() 1,000 or 10,000 times in one loop against radkit's Server (default",
  "options) in another process on 127.0.0.1; each reply is verified and checked. Latency runs from the",
  "call to the verified reply, so it includes the wait in the client's queue. A fresh Client per burst",
  `(its sockets bound by the burst), ${settings.burstRounds} burst(s) per size after a warm-up of 200;`,
  "p50 and p99 are the medians over the bursts, max the worst; retransmissions, timeouts and kernel",
  "drops (UDP RcvbufErrors, system-wide: either side, or another program) are summed over the bursts.",
  "",
  "| client → server | burst | p50 | p99 | max | completed | retransmissions | timeouts | kernel drops |",
  "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
);
for (const r of results.burst) {
  if (r.error) {
    p(`| ${r.error} | | | | | | | | |`);
    continue;
  }
  const pair = `${names[r.client]} → ${names[r.server]}`;
  for (const b of r.results) {
    const ms = (v) => `${v.toFixed(v < 100 ? 1 : 0)} ms`;
    p(
      `| ${pair} | ${int(b.size)} | ${ms(b.p50)} | ${ms(b.p99)} | ${ms(b.max)} | ${
        int(b.completed)
      }/${int(b.requests)} | ${int(b.retransmitted)} | ${int(b.timeouts)} | ${
        b.kernelDrops ?? "?"
      } |`,
    );
    if (b.size === 1000 && b.p50 >= 50) {
      misses.push(`burst of 1,000 ${pair}: p50 ${ms(b.p50)} (target < 50 ms)`);
    }
    if (b.retransmitted > 0) {
      misses.push(`burst of ${int(b.size)} ${pair}: ${b.retransmitted} retransmissions (target 0)`);
    }
    if (b.completed < b.requests) {
      misses.push(`burst of ${int(b.size)} ${pair}: ${b.completed}/${b.requests} completed`);
    }
  }
}
p("");

// Soak (from bench/soak.json)
const soakFile = join(root, "bench/soak.json");
if (existsSync(soakFile)) {
  const runs = JSON.parse(readFileSync(soakFile, "utf8"));
  p(
    "## Soak (from bench/soak.json, written by `node bench/soak.ts`; details in [SOAK.md](SOAK.md))",
    "",
    "| runtime | ended | duration | rate | verified replies | lost | mean RSS 60-120 s → last minute | growth (target < 10%) | loop delay p50 (median of samples) | worst loop delay |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  );
  for (const run of runs) {
    // As bench/soak.ts: mean RSS of the last minute vs the minute after warm-up.
    const duration = run.minutes * 60;
    const warm = Math.min(60, duration / 2);
    const window = Math.min(60, (duration - warm) / 2);
    const mean = (xs) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const base = mean(
      run.samples.filter((v) => v.t >= warm && v.t < warm + window).map((v) => v.rss),
    );
    const last = mean(run.samples.filter((v) => v.t > duration - window).map((v) => v.rss));
    const growth = base ? (100 * (last - base)) / base : 0;
    const p50s = run.samples.map((sample) => sample.p50).sort((a, b) => a - b);
    const median = p50s[p50s.length >> 1] ?? 0;
    const worst = Math.max(...run.samples.map((sample) => sample.max));
    p(
      `| ${names[run.runtime] ?? run.version} | ${
        run.date.slice(0, 16)
      } | ${run.minutes} min | ${run.rate}/s | ${int(run.load.replies)} | ${run.load.lost} | ${
        mib(base)
      } → ${mib(last)} | ${growth >= 0 ? "+" : ""}${growth.toFixed(1)}% | ${
        median.toFixed(2)
      } ms | ${worst.toFixed(0)} ms |`,
    );
    if (growth >= 10) {
      misses.push(
        `soak on ${names[run.runtime] ?? run.version}: RSS grew ${
          growth.toFixed(1)
        }% after warm-up (target < 10%)`,
      );
    }
  }
  p("");
}

p("## Behind a target in this run", "");
if (misses.length === 0) p("None.");
else for (const miss of misses) p(`- ${miss}`);
p("");

writeFileSync(out, lines.join("\n") + "\n");
// The raw BENCH lines of this run, next to the report.
writeFileSync(
  out.replace(/\.md$/, "") + ".json",
  JSON.stringify(
    { started, finished, loadAtStart, loadAtEnd, info, version, settings, results },
    null,
    1,
  ) + "\n",
);
try {
  // Keep it as `deno fmt --check` (a repository gate) wants it.
  execFileSync(bin("deno"), ["fmt", "--quiet", out, out.replace(/\.md$/, "") + ".json"]);
} catch {
  // formatting is cosmetic
}
console.error(`\nwrote ${out}`);
