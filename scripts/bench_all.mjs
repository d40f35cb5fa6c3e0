// One command for every benchmark on every runtime: runs the codec, MD5,
// MS-CHAP crypto (MD4, SHA-1, DES), dictionary, server, streams (TLS), EAP-MSCHAPv2, client and
// client-burst benchmarks on Deno, Bun and Node (the pinned
// binaries in node_modules/.bin, spawned by absolute path), collects the one
// `BENCH {...}` JSON line each prints, and writes bench/RESULTS.md from them
// (every number in it is measured by this run; the soak summary comes from
// bench/soak.json, written by bench/soak.ts).
//
//   node scripts/bench_all.mjs           # full run (~20 min on 2 cores)
//   node scripts/bench_all.mjs --quick   # short budgets (~4 min)
//   node scripts/bench_all.mjs --quick --only server   # smoke test of the server bench (~1 min)
//   node scripts/bench_all.mjs --only streams   # RADIUS over TLS vs FreeRADIUS and vs UDP (~6 min)
//   node scripts/bench_all.mjs --only eap   # EAP-MSCHAPv2 authentications/s vs FreeRADIUS (~6 min)
//   node scripts/bench_all.mjs --only peap   # PEAP/EAP-MSCHAPv2 (full TLS handshakes) vs FreeRADIUS
//   node scripts/bench_all.mjs --only crypto   # MD4, SHA-1, DES vs node:crypto (~2 min)
//   [--runtimes deno,bun,node] [--out bench/RESULTS.md]
//   [--only md5,crypto,codec,dictionary,server,streams,eap,peap,client,burst]
//
// With --only, the sections not listed are copied from the previous
// bench/RESULTS.json and the report says from which run they come.
// The server and streams benches (bench/server_bench.ts, bench/stream_bench.ts)
// need gcc and libssl-dev (they build the C load generator
// bench/loadgen/radload.c) and taskset. Peers (FreeRADIUS, pyrad,
// radclient, the Debian dictionary tree) are optional: a missing one is
// reported as "not measured (missing ...)".
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
const sections = [
  "md5",
  "crypto",
  "codec",
  "dictionary",
  "server",
  "streams",
  "eap",
  "peap",
  "client",
  "burst",
];
const only = option("only", sections.join(",")).split(",");
for (const name of only) {
  if (!sections.includes(name)) {
    console.error(`--only ${name}: expected some of ${sections.join(",")}`);
    process.exit(2);
  }
}
const settings = quick
  ? {
    serverRounds: 1,
    serverCount: 20_000,
    serverWarmup: 5_000,
    stormSeconds: 2,
    memoryRequests: 100_000,
    clientTotal: 20_000,
    clientRounds: 1,
    burstRounds: 1,
    eapRounds: 1,
    eapCount: 2_000,
    eapWarmup: 500,
    peapCount: 500,
    peapWarmup: 100,
  }
  : {
    // Medians over rounds (a fresh server each): this machine's speed drifts over seconds.
    serverRounds: 3,
    serverCount: 200_000,
    serverWarmup: 20_000,
    stormSeconds: 10,
    memoryRequests: 1_000_000,
    clientTotal: 100_000,
    clientRounds: 2,
    burstRounds: 3,
    eapRounds: 3,
    eapCount: 20_000,
    eapWarmup: 2_000,
    peapCount: 3_000,
    peapWarmup: 300,
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
  crypto: {},
  codec: {},
  dictionary: {},
  client: {},
  burst: [],
  server: undefined,
  streams: undefined,
  eap: undefined,
  peap: undefined,
  radclient: undefined,
};
// When each section was measured, and which ones come from an earlier run (--only).
const measuredAt = {};
const carried = {};
const outJson = out.replace(/\.md$/, "") + ".json";
if (only.length < sections.length) {
  let previous;
  try {
    previous = JSON.parse(readFileSync(outJson, "utf8"));
  } catch {
    previous = undefined;
  }
  for (const section of sections) {
    if (only.includes(section)) continue;
    const keys = section === "client" ? ["client", "radclient"] : [section];
    for (const key of keys) results[key] = previous?.results?.[key] ?? results[key];
    // Kept with the date it was measured, through any number of --only runs.
    carried[section] = previous?.measuredAt?.[section] ?? previous?.started ?? "no earlier run";
    measuredAt[section] = carried[section];
  }
}
const runs = (section) => only.includes(section);

for (const runtime of runtimes) {
  if (runs("md5")) results.md5[runtime] = await run(runtime, "bench/md5_bench.ts");
  if (runs("crypto")) results.crypto[runtime] = await run(runtime, "bench/crypto_bench.ts");
  if (runs("codec")) results.codec[runtime] = await run(runtime, "bench/codec_bench.ts");
  if (runs("dictionary")) {
    results.dictionary[runtime] = await run(runtime, "bench/dictionary_bench.ts");
  }
}
for (const section of ["md5", "crypto", "codec", "dictionary"]) {
  if (runs(section)) measuredAt[section] = new Date().toISOString();
}
if (runs("server")) {
  results.server = await run("node", "bench/server_bench.ts", [
    "--runtimes",
    runtimes.join(","),
    "--rounds",
    String(settings.serverRounds),
    "--count",
    String(settings.serverCount),
    "--warmup",
    String(settings.serverWarmup),
    "--storm-seconds",
    String(settings.stormSeconds),
    "--memory-requests",
    String(settings.memoryRequests),
  ], "server_bench.ts (radkit serve on every runtime, FreeRADIUS; C load generator)");
  measuredAt.server = new Date().toISOString();
}
if (runs("streams")) {
  results.streams = await run(
    "node",
    "bench/stream_bench.ts",
    [
      "--runtimes",
      runtimes.join(","),
      "--rounds",
      String(settings.serverRounds),
      "--count",
      String(settings.serverCount),
      "--warmup",
      String(settings.serverWarmup),
    ],
    "stream_bench.ts (radkit serve --tls-port on every runtime, FreeRADIUS TLS; UDP for the ratio)",
  );
  measuredAt.streams = new Date().toISOString();
}
if (runs("eap")) {
  results.eap = await run(
    "node",
    "bench/eap_bench.ts",
    [
      "--runtimes",
      runtimes.join(","),
      "--rounds",
      String(settings.eapRounds),
      "--count",
      String(settings.eapCount),
      "--warmup",
      String(settings.eapWarmup),
    ],
    "eap_bench.ts (EAP-MSCHAPv2: radkit Server + EapServer on every runtime, FreeRADIUS's eap module; radkit Client as load)",
  );
  measuredAt.eap = new Date().toISOString();
}
if (runs("peap")) {
  results.peap = await run(
    "node",
    "bench/eap_bench.ts",
    [
      "--method",
      "peap",
      "--runtimes",
      runtimes.join(","),
      "--rounds",
      String(settings.eapRounds),
      "--count",
      String(settings.peapCount),
      "--warmup",
      String(settings.peapWarmup),
    ],
    "eap_bench.ts --method peap (PEAPv0/EAP-MSCHAPv2, a full TLS handshake each: radkit Server + EapServer on every runtime, FreeRADIUS's eap module; radkit Client as load)",
  );
  results.peap = results.peap ?? {};
  results.peap.resumed = await run(
    "node",
    "bench/eap_bench.ts",
    [
      "--method",
      "peap",
      "--resumption",
      "--runtimes",
      runtimes.join(","),
      "--rounds",
      String(settings.eapRounds),
      "--count",
      String(settings.peapCount),
      "--warmup",
      String(settings.peapWarmup),
    ],
    "eap_bench.ts --method peap --resumption (TLS 1.3 session tickets on both sides, radkit only)",
  );
  results.peap.halfOpen = {};
  for (const runtime of runtimes) {
    results.peap.halfOpen[runtime] = await run(
      runtime,
      "bench/eap_half_open.ts",
      ["--count", quick ? "2000" : "10000"],
      `eap_half_open.ts on ${runtime} (PEAP conversations left after their ClientHello)`,
    );
  }
  measuredAt.peap = new Date().toISOString();
}

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
for (let round = 0; runs("client") && round < settings.clientRounds; round++) {
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
if (runs("client")) {
  for (const runtime of runtimes) results.client[runtime] = combine(clientRounds[runtime]);
  results.radclient = combine(clientRounds.radclient);
  measuredAt.client = new Date().toISOString();
}

// Client bursts: every client runtime against every server runtime (quick:
// each runtime against itself, and Node against Bun).
const burstPairs = quick
  ? [...runtimes.map((runtime) => [runtime, runtime]), ["node", "bun"]].filter(
    ([client, server]) => runtimes.includes(client) && runtimes.includes(server),
  )
  : runtimes.flatMap((client) => runtimes.map((server) => [client, server]));
if (runs("burst")) measuredAt.burst = new Date().toISOString();
for (const [client, server] of runs("burst") ? burstPairs : []) {
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
const mib = (n) => `${(n / 2 ** 20).toFixed(0)} MiB`;
const misses = [];
const lines = [];
const p = (...text) => lines.push(...text);
/** A section heading, and a note when the section comes from an earlier run (--only). */
const heading = (section, title) => {
  p(title, "");
  if (carried[section]) {
    p(
      `_Not measured by this run: copied from the run of ${
        carried[section]
      } (bench/RESULTS.json)._`,
      "",
    );
  }
};

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
  "- Method: contenders run in alternating rounds and each keeps its best round (the server",
  "  benchmark: medians over its rounds), so a burst of background load hits all alike; on a small",
  "  shared machine compare the ratios, not the absolute numbers. Every network benchmark runs",
  "  server and load generator in separate processes.",
  ...(only.length < sections.length
    ? [`- Sections measured by this run: ${only.join(", ")} (\`--only\`); the others are copied.`]
    : []),
  "",
);

// Codec
heading("codec", "## Codec: Access-Request + Access-Accept round trip (target ≥ 5× node-radius)");
p(
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
  const r = results.codec[runtime] ?? { error: "not measured" };
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
heading(
  "md5",
  "## MD5 / HMAC-MD5: pure TypeScript vs node:crypto (targets: small inputs ≥ 1.0×, 1 MiB ≥ 0.5×)",
);
p(
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
  const r = results.md5[runtime] ?? { error: "not measured" };
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

// MS-CHAP crypto (bench/crypto_bench.ts: MD4, SHA-1, DES; whole MS-CHAP v2 computations)
heading(
  "crypto",
  "## MD4 / SHA-1 / DES for MS-CHAP: pure TypeScript vs node:crypto where it offers them",
);
p(
  "The primitives of MS-CHAP (RFC 2759, RFC 3079) in radkit's pure TypeScript, against node:crypto on",
  "the same runtime when it has the algorithm (Node 24's OpenSSL 3 refuses MD4 and single DES without",
  "its legacy provider: those rows say so and give radkit alone). DES is one 8-octet block under a",
  "fresh key, key schedule included, as MS-CHAP uses it. The last two rows are whole MS-CHAP v2",
  "computations, radkit alone: the peer's NT-Response, and the server's whole check of an Access-Request",
  "(`verifyPassword`: NT hash, response, S= authenticator response, MPPE keys). Method as for MD5.",
  "",
  "| runtime | input | radkit | node:crypto | radkit / node:crypto |",
  "|---|---|---:|---:|---:|",
);
for (const runtime of runtimes) {
  const r = results.crypto[runtime] ?? { error: "not measured" };
  if (r.error) {
    p(`| ${names[runtime]} | failed: ${r.error} | | | |`);
    continue;
  }
  for (const row of r.rows) {
    const perCall = row.unit === "calls/s" && row.nodeCrypto === null && row.note === undefined
      ? ` (${(1e6 / row.radkit).toFixed(1)} µs)`
      : "";
    p(
      `| ${names[runtime]} | ${row.case} | ${rate(row.radkit, row.unit)}${perCall} | ${
        row.nodeCrypto === null ? (row.note ?? "–") : rate(row.nodeCrypto, row.unit)
      } | ${row.ratio === null ? "–" : x(row.ratio)} |`,
    );
  }
}
p("");

// Dictionary
heading("dictionary", "## Dictionary parsing (median parse time, files read beforehand)");
p(
  "| runtime | Debian FreeRADIUS tree | radkit bundled dictionaries |",
  "|---|---:|---:|",
);
for (const runtime of runtimes) {
  const r = results.dictionary[runtime] ?? { error: "not measured" };
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

/** The runtime's own flags a radkit server ran with, for a label (" with `--flag`"). */
const withFlags = (flags) => (flags?.length ? ` with \`${flags.join(" ")}\`` : "");

// Server (bench/server_bench.ts: C load generator, radkit serve, FreeRADIUS)
const s = results.server;
heading(
  "server",
  "## Server: `radkit serve` and FreeRADIUS under a C load generator (targets: ahead of FreeRADIUS on the whole machine, CPU per reply ≤ FreeRADIUS's, storm throughput ≥ FreeRADIUS's, RSS ≤ 128 MiB after 1M requests)",
);
if (!s || s.error || !s.throughput) {
  p(`Server benchmark ${s?.error ? `failed: ${s.error}` : "not measured"}.`, "");
} else {
  const median = (values) => {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = sorted.length >> 1;
    if (sorted.length === 0) return undefined;
    return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  };
  const sum = (values) => values.reduce((a, b) => a + b, 0);
  const label = (r) =>
    r.kind === "freeradius"
      ? `FreeRADIUS ${version.freeradius ?? ""} (\`files\`, thread pool)`
      : `\`radkit serve${r.args.length ? ` ${r.args.join(" ")}` : ""}\` on ${names[r.runtime]}${
        withFlags(r.runtimeFlags)
      }`;
  const stat = (r, mode, key) => median((r.samples[mode] ?? []).map((sample) => sample[key]));
  const range = (r, mode) => {
    const rates = (r.samples[mode] ?? []).map((sample) => sample.perSecond);
    if (rates.length === 0) return "-";
    const text = int(median(rates));
    return rates.length > 1
      ? `${text} (${int(Math.min(...rates))}–${int(Math.max(...rates))})`
      : text;
  };
  const micros = (v) => (v === undefined ? "-" : `${v.toFixed(1)} µs`);
  const fr = s.throughput.find((r) => r.kind === "freeradius");
  const cores = s.cores;
  p(
    "**Method.** The load generator is `bench/loadgen/radload.c`: C, libc only (its own MD5 and",
    "HMAC-MD5), one thread, compiled with `gcc -O2` by the bench and pinned to core 0 (`taskset -c 0`).",
    `It keeps ${s.inFlight} PAP Access-Requests in flight (User-Name, User-Password hidden as RFC 2865`,
    `§5.2 says, NAS-IP-Address, Message-Authenticator first) over ${s.sockets} UDP sockets, so that a server`,
    "with several reusePort processes sees as many flows; it verifies every reply (Identifier, Response",
    "Authenticator, Message-Authenticator when present) before counting it, retransmits after 1 s (3",
    "times) and counts what is lost. Its own CPU time per reply is in the tables: that much of core 0",
    "it takes from a server running there.",
    "",
    `- **FreeRADIUS ${
      version.freeradius ?? ""
    }**: the interop tests' configuration (\`tests/freeradius/raddb\`: \`files\` and`,
    "  `pap` in authorize, a thread pool of 2–8 threads, `require_message_authenticator = yes`, no",
    "  per-request logging).",
    "- **`radkit serve`** on each runtime: `--secret testing123 --users tests/freeradius/raddb/users`",
    "  (the same users file: bob/hello gets an Access-Accept with the same three attributes) `--quiet`",
    "  (no log line per request, as FreeRADIUS here), default settings otherwise (Message-Authenticator",
    "  required). On Deno with `--v8-flags=--max-semi-space-size=4` and on Node.js with",
    "  `--max-semi-space-size=4`, as README's \"Memory\" recommends for a long-running server (V8's",
    "  young generation otherwise grows to its maximum under load), and once without.",
    "- **One core**: the server's whole process tree pinned to core 1 (`taskset -a -p -c 1`), the",
    "  generator on core 0: nothing else shares the server's core. This is the per-core figure.",
    `- **Whole machine**: the server may run on every core (${cores} here), core 0 included, where the`,
    `  generator runs. On a ${cores}-core machine that is one core of its own plus whatever the generator`,
    "  leaves of core 0. A server with several threads (FreeRADIUS) or processes (`--workers`) can use",
    "  that second share; a single-threaded one cannot.",
    "- **Server CPU per reply**: user + system time of every thread of every process of the server's",
    "  tree (/proc/PID/stat) over the measured window, divided by the verified replies. It does not",
    "  depend on how the cores are shared, unlike replies/s.",
    `- A fresh server per round; before each measured window of ${
      int(s.count)
    } verified replies, a warm-up of`,
    `  ${
      int(s.warmup)
    }. ${s.rounds} round(s); the order of the servers rotates from round to round;`,
    "  figures are medians over the rounds (replies/s: median, and the range over the rounds).",
    "- RSS: VmRSS summed over the server's processes, read after its round (it had answered both",
    "  windows and warm-ups by then).",
    "",
  );
  if (s.missing && Object.keys(s.missing).length > 0) {
    p(
      `Not measured: ${Object.entries(s.missing).map(([k, v]) => `${k} (${v})`).join("; ")}.`,
      "",
    );
  }
  p(
    "| server | replies/s, whole machine | replies/s, one core | whole machine vs FreeRADIUS | one core vs FreeRADIUS | server CPU per reply, whole / one core | generator CPU per reply | RSS after the round | lost / bad replies |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  );
  const frWhole = fr ? stat(fr, "whole", "perSecond") : undefined;
  const frPinned = fr ? stat(fr, "pinned", "perSecond") : undefined;
  const frCpu = {
    whole: fr ? stat(fr, "whole", "serverCpuMicros") : undefined,
    pinned: fr ? stat(fr, "pinned", "serverCpuMicros") : undefined,
  };
  for (const r of s.throughput) {
    const whole = stat(r, "whole", "perSecond");
    const pinned = stat(r, "pinned", "perSecond");
    const all = [...(r.samples.whole ?? []), ...(r.samples.pinned ?? [])];
    const rss = median(r.memory.map((m) => m.rss));
    const processes = Math.max(...r.memory.map((m) => m.processes), 1);
    const vs = (ours, theirs) =>
      ours === undefined || theirs === undefined || r === fr ? "" : x(ours / theirs);
    p(
      `| ${label(r)} | ${range(r, "whole")} | ${range(r, "pinned")} | ${vs(whole, frWhole)} | ${
        vs(pinned, frPinned)
      } | ${micros(stat(r, "whole", "serverCpuMicros"))} / ${
        micros(stat(r, "pinned", "serverCpuMicros"))
      } | ${micros(median(all.map((sample) => sample.generatorCpuMicros)))} | ${
        rss === undefined ? "-" : `${mib(rss)}${processes > 1 ? ` (${processes} processes)` : ""}`
      } | ${sum(all.map((sample) => sample.lost))} / ${sum(all.map((sample) => sample.bad))} |`,
    );
  }
  p("");
  // Targets: each runtime's best whole-machine figure ahead of FreeRADIUS's; CPU per
  // reply at most FreeRADIUS's in the same mode.
  if (fr) {
    for (const runtime of runtimes) {
      const ours = s.throughput.filter((r) => r.runtime === runtime);
      const best = Math.max(...ours.map((r) => stat(r, "whole", "perSecond") ?? 0));
      if (ours.length > 0 && frWhole !== undefined && best < frWhole) {
        misses.push(
          `server on ${names[runtime]}, whole machine: ${int(best)}/s, behind FreeRADIUS's ${
            int(frWhole)
          }/s (${x(best / frWhole)})`,
        );
      }
      for (const r of ours) {
        for (const mode of ["whole", "pinned"]) {
          const cpu = stat(r, mode, "serverCpuMicros");
          if (cpu !== undefined && frCpu[mode] !== undefined && cpu > frCpu[mode]) {
            misses.push(
              `${label(r)}, ${mode === "whole" ? "whole machine" : "one core"}: ${
                micros(cpu)
              } CPU per reply, FreeRADIUS ${micros(frCpu[mode])}`,
            );
          }
        }
      }
    }
  }
  const bad = s.throughput.filter((r) =>
    [...(r.samples.whole ?? []), ...(r.samples.pinned ?? [])].some((x) => x.bad > 0)
  );
  for (const r of bad) misses.push(`${label(r)}: replies that failed verification`);

  // Storm
  if (s.stormResults?.length) {
    const frStorm = s.stormResults.find((r) => r.kind === "freeradius");
    p(
      `### Storm: valid throughput under ~${
        int(s.storm.rate)
      } garbage datagrams/s on the same port (target ≥ FreeRADIUS)`,
      "",
      "Whole machine. While the valid stream above runs (100 in flight, but no retransmission: a",
      "request unanswered after 1 s counts as lost), the same generator sends garbage to the same port",
      "from 4 other sockets of 127.0.0.1 (the client's address) in equal parts: random bytes of random",
      "length; bad lengths (datagrams shorter than 20 bytes, or a Length field beyond the datagram or",
      "below 20); well-formed Access-Requests under a wrong secret (a fresh authenticator and",
      "Message-Authenticator each); packets with codes an authentication port does not serve. A fresh",
      `server each (\`radkit serve\` with its default settings, one worker per core, and as one process), ${s.storm.seconds} s measured after the warm-up; kernel drops are`,
      "UDP receive-buffer overflows (RcvbufErrors) over the window, system-wide.",
      "",
      "| server | valid replies/s | vs FreeRADIUS | lost | garbage sent/s | kernel drops |",
      "|---|---:|---:|---:|---:|---:|",
    );
    for (const r of s.stormResults) {
      const percent = (100 * r.lost) / Math.max(1, r.sent);
      p(
        `| ${label(r)} | ${int(r.perSecond)} | ${
          frStorm && r !== frStorm ? x(r.perSecond / frStorm.perSecond) : ""
        } | ${int(r.lost)} (${percent.toFixed(2)}%) | ${int(r.stormPerSecond)} | ${
          int(r.kernelDrops)
        } |`,
      );
      if (frStorm && r !== frStorm && r.perSecond < frStorm.perSecond) {
        misses.push(
          `storm, ${label(r)}: ${int(r.perSecond)} valid replies/s, FreeRADIUS ${
            int(frStorm.perSecond)
          }/s`,
        );
      }
    }
    p("");
  }

  // Memory
  if (s.memory?.length) {
    const requests = s.memoryRequests;
    const quarters = [1, 2, 3, 4].map((q) => Math.round((q * requests) / 4));
    p(
      `### Memory: RSS while answering ${
        int(requests)
      } requests (target: radkit ≤ 128 MiB after 1M at the default duplicate-cache size)`,
      "",
      "A fresh server each (radkit: one process, `--workers 1`; N workers are N + 1 such processes),",
      "whole machine, 100 in flight, no warm-up; VmRSS summed over the server's",
      "processes, read once a second (the column gives the first reading at or after that many",
      "replies), and peak: VmHWM summed over the processes.",
      "",
      `| server | idle | ${
        quarters.map((q) => `after ${int(q)}`).join(" | ")
      } | peak | processes | replies/s | lost |`,
      `|---|---:|${quarters.map(() => "---:").join("|")}|---:|---:|---:|---:|`,
    );
    for (const r of s.memory) {
      const at = (count) => r.samples.find((sample) => sample.requests >= count)?.rss;
      const cells = quarters.map((q) => {
        const v = at(q);
        return v === undefined ? "-" : mib(v);
      });
      p(
        `| ${label(r)} | ${mib(r.idle.rss)} | ${cells.join(" | ")} | ${
          mib(r.end.peak)
        } | ${r.end.processes} | ${int(r.perSecond)} | ${r.lost} |`,
      );
      if (r.kind === "radkit" && requests >= 1_000_000 && r.end.rss > 128 * 2 ** 20) {
        misses.push(
          `memory, ${label(r)}: ${mib(r.end.rss)} after ${
            int(r.requests)
          } requests (target ≤ 128 MiB)`,
        );
      }
    }
    p("");
  }
}

// Streams (bench/stream_bench.ts: one TLS connection, radkit serve --tls-port, FreeRADIUS)
const st = results.streams;
heading(
  "streams",
  "## RADIUS over TLS: one connection, 100 in flight, `radkit serve --tls-port` and FreeRADIUS (targets: ahead of FreeRADIUS's TLS listener; TLS ≥ 0.7× radkit's own UDP rate)",
);
if (!st || st.error || !st.results) {
  p(`Streams benchmark ${st?.error ? `failed: ${st.error}` : "not measured"}.`, "");
} else {
  const median = (values) => {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = sorted.length >> 1;
    if (sorted.length === 0) return undefined;
    return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  };
  const sum = (values) => values.reduce((a, b) => a + b, 0);
  const modes = ["pinned", "whole"];
  const modeName = { pinned: "one core", whole: "whole machine" };
  const stat = (t, mode, key) => median((t.samples[mode] ?? []).map((sample) => sample[key]));
  const range = (t, mode) => {
    const rates = (t.samples[mode] ?? []).map((sample) => sample.perSecond);
    if (rates.length === 0) return "-";
    const text = int(median(rates));
    return rates.length > 1
      ? `${text} (${int(Math.min(...rates))}–${int(Math.max(...rates))})`
      : text;
  };
  const micros = (v) => (v === undefined ? "-" : `${v.toFixed(1)} µs`);
  const ratio = (a, b) => (a === undefined || b === undefined || b === 0 ? "-" : x(a / b));
  const label = (r) =>
    r.kind === "freeradius"
      ? `FreeRADIUS ${version.freeradius ?? ""}`
      : `\`radkit serve\` on ${names[r.runtime]}`;
  const fr = st.results.find((r) => r.kind === "freeradius");
  const tlsInfo = st.results.map((r) => r.tls.tls).find((t) => t);
  p(
    "**Method.** The same generator as the server benchmark, `bench/loadgen/radload.c` (C, one thread,",
    "pinned to core 0), in its TLS mode: OpenSSL, one TLS connection with mutual authentication",
    `(the test PKI of tests/fixtures/tls: the NAS presents nas1.pem, the server server.pem, both chain to ca.pem), TLS ${st.tlsVersion}${
      tlsInfo ? ` (${tlsInfo.protocol}, ${tlsInfo.cipher})` : ""
    },`,
    `secret "radsec" (RFC 6614 §2.3). It keeps ${st.inFlight} PAP Access-Requests in flight on that one connection`,
    "(Identifiers 0–255), each in a TLS record of its own as NASes and proxies send them (FreeRADIUS",
    "3.2's listener closes a connection whose record holds more than one packet), all the requests",
    "of one turn of its loop in one send(). It frames the replies by their Length field and verifies",
    "each (Identifier, Response Authenticator, Message-Authenticator when present) before counting it;",
    "a request unanswered for 1 s is lost, never sent again on the live connection (RFC 6613 §2.6.1).",
    `For the TLS/UDP ratio the same generator sends the same requests over ${st.sockets} UDP sockets`,
    "(secret testing123), as in the server benchmark above.",
    "",
    `- **FreeRADIUS ${
      version.freeradius ?? ""
    }**: the interop tests' configuration with its TLS listener`,
    "  (`tests/freeradius/raddb/stream/listen_tls.conf`: `proto = tcp` + `tls`, `require_client_cert`,",
    "  the thread pool of 2–8 threads, `files` + `pap`); over UDP its plain configuration.",
    "- **`radkit serve`** on each runtime, one process, `--users tests/freeradius/raddb/users`, its one",
    "  log line per request to /dev/null: over TLS with",
    "  `--tls-port P --cert server.pem --key server.key --ca ca.pem --secret radsec`, over UDP with",
    "  `--workers 1` (the one-process row of the server benchmark).",
    "- **One core**: the server's process tree pinned to core 1 (`taskset -a -p -c 1`), the generator on",
    `  core 0. **Whole machine**: the server may use every core (${st.cores} here), core 0 included.`,
    "- Server CPU per reply: user + system time of every thread of the server's tree over the measured",
    "  window, divided by the verified replies. RSS: VmRSS of the tree after its round. The generator",
    "  spends less CPU per reply over TLS (one send() per turn of its loop) than over UDP (sendmmsg",
    "  batches of datagrams): on the whole machine, where it shares core 0 with the server, that",
    "  leaves the server more of core 0 over TLS; the one-core figures do not depend on it.",
    `- A fresh server per round and transport; a warm-up of ${
      int(st.warmup)
    } verified replies, then ${int(st.count)} measured;`,
    `  ${st.rounds} round(s), the order rotating; medians over the rounds (and their range).`,
    "",
  );
  if (st.missing && Object.keys(st.missing).length > 0) {
    p(
      `Not measured: ${Object.entries(st.missing).map(([k, v]) => `${k} (${v})`).join("; ")}.`,
      "",
    );
  }
  p(
    "| server | transport | replies/s, one core | replies/s, whole machine | TLS vs FreeRADIUS TLS, one core / whole | TLS / UDP, one core / whole | server CPU per reply, one core / whole | generator CPU per reply | RSS after the round | lost / bad |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  );
  const frTls = Object.fromEntries(
    modes.map((mode) => [mode, fr && stat(fr.tls, mode, "perSecond")]),
  );
  for (const r of st.results) {
    for (const transport of ["tls", "udp"]) {
      const t = r[transport];
      if (t.error && !modes.some((mode) => t.samples[mode]?.length)) {
        p(`| ${label(r)} | ${transport.toUpperCase()} | failed: ${
          t.error.slice(0, 200)
        } | | | | | | | |`);
        misses.push(
          `streams, ${label(r)} over ${transport.toUpperCase()}: failed (${t.error.slice(0, 200)})`,
        );
        continue;
      }
      const rate = (mode) => stat(t, mode, "perSecond");
      const udpRate = (mode) => stat(r.udp, mode, "perSecond");
      const all = modes.flatMap((mode) => t.samples[mode] ?? []);
      const rss = median(t.memory.map((m) => m.rss));
      const vsFr = transport === "tls" && r !== fr
        ? modes.map((mode) => ratio(rate(mode), frTls[mode])).join(" / ")
        : "";
      const vsUdp = transport === "tls"
        ? modes.map((mode) => ratio(rate(mode), udpRate(mode))).join(" / ")
        : "";
      p(
        `| ${label(r)} | ${transport.toUpperCase()} | ${range(t, "pinned")} | ${
          range(t, "whole")
        } | ${vsFr} | ${vsUdp} | ${micros(stat(t, "pinned", "serverCpuMicros"))} / ${
          micros(stat(t, "whole", "serverCpuMicros"))
        } | ${micros(median(all.map((sample) => sample.generatorCpuMicros)))} | ${
          rss === undefined ? "-" : mib(rss)
        } | ${sum(all.map((sample) => sample.lost))} / ${sum(all.map((sample) => sample.bad))} |`,
      );
      if (all.some((sample) => sample.bad > 0 || sample.connectionsClosed > 0)) {
        misses.push(
          `streams, ${
            label(r)
          } over ${transport.toUpperCase()}: replies that failed verification or a closed connection`,
        );
      }
      if (transport !== "tls" || r.kind !== "radkit") continue;
      for (const mode of modes) {
        const ours = rate(mode);
        if (ours === undefined) continue;
        if (frTls[mode] !== undefined && ours < frTls[mode]) {
          misses.push(
            `streams, ${label(r)} over TLS, ${modeName[mode]}: ${
              int(ours)
            }/s, behind FreeRADIUS's TLS listener (${int(frTls[mode])}/s, ${
              x(ours / frTls[mode])
            })`,
          );
        }
        const udp = udpRate(mode);
        if (udp !== undefined && ours < 0.7 * udp) {
          misses.push(
            `streams, ${label(r)}, ${modeName[mode]}: TLS ${int(ours)}/s is ${
              x(ours / udp)
            } its UDP rate (${int(udp)}/s; target ≥ 0.70×)`,
          );
        }
      }
    }
  }
  p("");
}

// EAP (bench/eap_bench.ts: EAP-MSCHAPv2 conversations, and PEAP with
// EAP-MSCHAPv2 inside, radkit Client as load)
function eapSection(section, ep) {
  const peap = section === "peap";
  const resumed = ep?.resumption === true;
  const what = peap ? "PEAP/EAP-MSCHAPv2" : "EAP-MSCHAPv2";
  heading(
    section,
    resumed
      ? `### ${what} with TLS session resumption: radkit's EapServer`
      : `## ${what}: complete authentications/s, radkit's EapServer and FreeRADIUS's eap module`,
  );
  if (!ep || ep.error || !ep.results) {
    p(`EAP benchmark ${ep?.error ? `failed: ${ep.error}` : "not measured"}.`, "");
  } else {
    const median = (values) => {
      const sorted = [...values].sort((a, b) => a - b);
      const middle = sorted.length >> 1;
      if (sorted.length === 0) return undefined;
      return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    };
    const sum = (values) => values.reduce((a, b) => a + b, 0);
    const modes = ["pinned", "whole"];
    const stat = (r, mode, key) => median((r.samples[mode] ?? []).map((sample) => sample[key]));
    const range = (r, mode) => {
      const rates = (r.samples[mode] ?? []).map((sample) => sample.perSecond);
      if (rates.length === 0) return "-";
      const text = int(median(rates));
      return rates.length > 1
        ? `${text} (${int(Math.min(...rates))}–${int(Math.max(...rates))})`
        : text;
    };
    const micros = (v) => (v === undefined ? "-" : `${v.toFixed(0)} µs`);
    const percent = (v) => (v === undefined ? "-" : `${(100 * v).toFixed(0)}%`);
    const ratio = (a, b) => (a === undefined || b === undefined || b === 0 ? "-" : x(a / b));
    const label = (r) =>
      r.kind === "freeradius"
        ? `FreeRADIUS ${version.freeradius ?? ""} (eap module)`
        : `radkit Server + EapServer on ${names[r.runtime]}`;
    const fr = ep.results.find((r) => r.kind === "freeradius");
    p(
      "**Method.** The load is radkit's own Client (`bench/eap_load.ts` on Node, one process pinned to",
      `core 0), running ${ep.inFlight} ${what} conversations at once with \`client.eap()\` (closed loop: each`,
      "starts the next when it ends), one UDP socket, Message-Authenticator required in every reply. An",
      "authentication counts when it ends in an Access-Accept with EAP-Success after the server proved it",
      "knows the password, and MS-MPPE-Recv-Key and MS-MPPE-Send-Key are the halves of the MSK the client",
      "derived. (eapol_test would be an independent peer, but it is one process per authentication: far",
      "heavier as load.)",
      "",
      `- **FreeRADIUS ${
        version.freeradius ?? ""
      }**: the interop tests' configuration (\`tests/freeradius/raddb\`: \`eap\` with`,
      peap
        ? "  `default_eap_type = md5` and md5, gtc, mschapv2, tls, peap, ttls on the test PKI (`eap/eap_tls.conf`, no session cache), the inner EAP-MSCHAPv2 in the `eap-inner` server; `files` with the users file; thread pool of 2–8"
        : "  `default_eap_type = md5` and md5, gtc, mschapv2; `files` with the users file; thread pool of 2–8",
      "  threads; no per-request logging).",
      "- **radkit**: `bench/_eap_server.ts` on each runtime, one process: a `Server` whose handler is an",
      `  \`EapServer\` (methods offered in the order ${ep.radkitMethods}) and \`verifyPassword\` for other requests, the`,
      "  same users (bob/hello) and reply attributes; nothing logged per request.",
      ...(peap
        ? [
          ...(resumed
            ? [
              "- **Resumption**: the server with `tls.resumption`, the load's client with `tls.resumption` and one",
              "  TLS engine for all its conversations, so that after the first each resumes a TLS 1.3 session",
              "  from a ticket (no certificate, no signature); the inner EAP-MSCHAPv2 still runs. FreeRADIUS",
              "  is not in this table: on a resumed PEAP session it skips the inner authentication.",
            ]
            : [
              "- Both hold the same conversation: Identity, MD5-Challenge proposed, a Nak for PEAP, a full TLS",
              "  handshake (ECDHE with the P-256 server certificate; no resumption, no session tickets used), the",
              "  inner Identity, MSCHAPv2 Challenge, Response, Success, the Result TLV, Access-Accept: the",
              "  requests/auth column shows it.",
            ]),
        ]
        : [
          "- Both hold the same conversation: Identity, MD5-Challenge proposed, a Nak for MSCHAPv2, Challenge",
          "  and Response, Success and its acknowledgement, Access-Accept: the requests/auth column shows it.",
        ]),
      "- **One core**: the server's process tree pinned to core 1, the load on core 0. **Whole machine**:",
      `  the server may use every core (${ep.cores} here), core 0 included.`,
      "- Server CPU per authentication: user + system time of every thread of the server's tree over the",
      "  measured window, divided by the authentications. The load's share of core 0 is given: near 100%",
      "  the load, not the server, is the limit of that row (its CPU per authentication still holds).",
      `- A fresh server per round; a warm-up of ${int(ep.warmup)} conversations, then ${
        int(ep.count)
      } measured; ${ep.rounds} round(s),`,
      "  the order rotating; medians over the rounds (and their range). RSS: VmRSS of the server's tree",
      "  after its round.",
      "",
    );
    if (ep.missing && Object.keys(ep.missing).length > 0) {
      p(
        `Not measured: ${Object.entries(ep.missing).map(([k, v]) => `${k} (${v})`).join("; ")}.`,
        "",
      );
    }
    p(
      "| server | auths/s, one core | auths/s, whole machine | vs FreeRADIUS, one core / whole | server CPU per auth, one core / whole | load CPU per auth (share of core 0), one core / whole | requests/auth | p50 / p99 latency (whole) | RSS after the round | bad / failed |",
      "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    );
    for (const r of ep.results) {
      const all = modes.flatMap((mode) => r.samples[mode] ?? []);
      if (r.error && all.length === 0) {
        p(`| ${label(r)} | failed: ${r.error.slice(0, 200)} | | | | | | | | |`);
        misses.push(`${section}, ${label(r)}: failed (${r.error.slice(0, 200)})`);
        continue;
      }
      const rate = (mode) => stat(r, mode, "perSecond");
      const rss = median(r.memory.map((m) => m.rss));
      const vsFr = r === fr
        ? ""
        : modes.map((mode) => ratio(rate(mode), fr && stat(fr, mode, "perSecond"))).join(" / ");
      const load = modes.map((mode) =>
        `${micros(stat(r, mode, "loadCpuMicros"))} (${percent(stat(r, mode, "loadCoreShare"))})`
      ).join(" / ");
      const latency = (key) => {
        const v = median((r.samples.whole ?? []).map((sample) => sample.latencyMs[key]));
        return v === undefined ? "-" : `${v.toFixed(1)} ms`;
      };
      p(
        `| ${label(r)} | ${range(r, "pinned")} | ${range(r, "whole")} | ${vsFr} | ${
          micros(stat(r, "pinned", "serverCpuMicros"))
        } / ${micros(stat(r, "whole", "serverCpuMicros"))} | ${load} | ${
          median(all.map((sample) => sample.requestsPerAuthentication))?.toFixed(2) ?? "-"
        } | ${latency("p50")} / ${latency("p99")} | ${rss === undefined ? "-" : mib(rss)} | ${
          sum(all.map((sample) => sample.bad))
        } / ${sum(all.map((sample) => sample.failed))} |`,
      );
      if (all.some((sample) => sample.bad > 0 || sample.failed > 0)) {
        misses.push(
          `${section}, ${label(r)}: conversations that did not authenticate (bad or failed)`,
        );
      }
    }
    p("");
  }
}
eapSection("eap", results.eap);
eapSection("peap", results.peap);
if (results.peap?.resumed) eapSection("peap", results.peap.resumed);
halfOpenSection(results.peap?.halfOpen);

/** bench/eap_half_open.ts: what conversations left after their ClientHello cost. */
function halfOpenSection(runs) {
  if (!runs) return;
  p(
    "### Half-open PEAP conversations",
    "",
    "`bench/eap_half_open.ts`, in one process per runtime, no network: conversations begun and sent a",
    "ClientHello, then abandoned (each holds a server TLS session that has sent its ServerHello flight),",
    "with the default bound of live TLS sessions (`maxSessions`; the oldest is dropped first). RSS is",
    "measured after the warm-up and after the last conversation; the RSS per session held divides the",
    "growth by the sessions alive at the end, and so also carries the conversations' store entries (kept",
    "until `conversationTimeout`) and the sessions dropped but not yet collected.",
    "",
    "| runtime | conversations | Access-Challenges / Rejects | TLS sessions held (bound) | RSS before → after | RSS per session held | CPU per conversation |",
    "|---|---:|---:|---:|---:|---:|---:|",
  );
  for (const [runtime, r] of Object.entries(runs)) {
    if (!r || r.error) {
      p(`| ${names[runtime]} | failed: ${String(r?.error).slice(0, 200)} | | | | | |`);
      misses.push(`peap half-open, ${names[runtime]}: failed`);
      continue;
    }
    const held = r.challenged > 0 ? Math.min(r.count, r.maxSessions) : 0;
    const reasons = Object.entries(r.rejectedBy ?? {}).map(([k, v]) => `${k} ${int(v)}`).join(", ");
    p(
      `| ${names[runtime]} | ${int(r.count)} | ${int(r.challenged)} / ${int(r.rejected)}${
        reasons ? ` (${reasons})` : ""
      } | ${int(held)} (${int(r.maxSessions)}) | ${r.rssBeforeMiB.toFixed(0)} → ${
        r.rssAfterMiB.toFixed(0)
      } MiB | ${held > 0 ? `${r.rssPerHeldKiB.toFixed(1)} KiB` : "-"} | ${
        r.cpuMicrosPerConversation.toFixed(0)
      } µs |`,
    );
  }
  p("");
}

// Client
const clientTotal = Object.values(results.client).find((r) => r?.total)?.total ??
  settings.clientTotal;
heading(
  "client",
  `## Client: ${int(clientTotal)} Access-Requests at 1,000 in flight (target: 100% completed)`,
);
p(
  "Against radkit's Server on Bun in another process (the same server for every client). 1,000 callers",
  "each await one request after another; radkit's Client sends at most 128 at once (its default",
  "maxInFlight) and queues the rest. It verifies every reply (Response Authenticator, Message-Authenticator) and the bench checks the",
  "Access-Accept and its Reply-Message; `radclient -p 1000 -r 10 -t 1` reads the same packets from a",
  `file and is timed from spawn to exit. Best of ${
    Object.values(results.client).find((r) => r?.rounds)?.rounds ?? settings.clientRounds
  } round(s); completion is the worst round's.`,
  "",
  "| client | completed | requests/s | retransmissions | kernel drops (full receive buffer) | peak RSS | vs radclient -p |",
  "|---|---:|---:|---:|---:|---:|---:|",
);
const rc = results.radclient;
const rcOk = rc && !rc.error && !rc.missing;
for (const runtime of runtimes) {
  const r = results.client[runtime] ?? { error: "not measured" };
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
heading(
  "burst",
  "## Client bursts: 1,000 and 10,000 requests fired at once (targets: p50 under 50 ms for 1,000, no retransmission)",
);
p(
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
    "| runtime | server | ended | duration | rate | verified replies | lost | mean RSS 60-120 s → last minute | growth (target < 10%) | loop delay p50 (median of samples) | worst loop delay |",
    "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
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
    // Loop delay: sampled by the library server only (bench/soak.ts --server library).
    const p50s = run.samples.flatMap((sample) => sample.p50 ?? []).sort((a, b) => a - b);
    const maxima = run.samples.flatMap((sample) => sample.max ?? []);
    const server = run.server === undefined || run.server === "library"
      ? "library `Server`"
      : `\`radkit ${run.server}\`${withFlags(run.runtimeFlags)}`;
    p(
      `| ${names[run.runtime] ?? run.version} | ${server} | ${
        run.date.slice(0, 16)
      } | ${run.minutes} min | ${run.rate}/s | ${int(run.load.replies)} | ${run.load.lost} | ${
        mib(base)
      } → ${mib(last)} | ${growth >= 0 ? "+" : ""}${growth.toFixed(1)}% | ${
        p50s.length ? `${p50s[p50s.length >> 1].toFixed(2)} ms` : "-"
      } | ${maxima.length ? `${Math.max(...maxima).toFixed(0)} ms` : "-"} |`,
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
    {
      started,
      finished,
      loadAtStart,
      loadAtEnd,
      info,
      version,
      settings,
      only,
      measuredAt,
      carried,
      results,
    },
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
