// Soak: steady load against one radkit server per runtime for --minutes,
// with the server's RSS sampled every --sample seconds; writes bench/SOAK.md
// (one table per runtime), bench/soak.svg (RSS over time, a hand-rolled SVG)
// and bench/soak.json (the raw samples; later runs of other runtimes are
// merged into it). Checks that RSS stays flat (target: < 10% growth after
// the warm-up minute).
//
//   node_modules/.bin/node bench/soak.ts [--minutes 10] [--rate 3000]
//     [--runtimes deno,bun,node] [--sample 10] [--server serve|library]
//     [--args "--workers 2"]
//
// The generator is bench/loadgen/radload.c (C, built with gcc on first use,
// pinned to core 0): PAP Access-Requests with Message-Authenticator at
// --rate requests/s (at most 100 in flight), every reply verified.
// --server serve (the default): `radkit serve` with default settings (plus
// --args) and the benchmark users file, RSS read from /proc and summed over
// its process tree. --server library: a radkit Server in
// bench/_server_process.ts, which also samples its event-loop delay (a 10 ms
// setInterval drift probe) and heap.
//
// RSS after 1M requests at full speed is measured by
// `node bench/server_bench.ts --only memory` instead.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import process from "node:process";
import { repoPath, type Runtime, startServerProcess } from "./_proc.ts";
import { type RadloadResult, runRadload } from "./_radload.ts";
import { SECRET, SERVER_RUNTIME_FLAGS, startServer, treeMemory } from "./_servers.ts";

/** One sample of the server. Heap and loop delay only with --server library. */
export interface SoakSample {
  t: number;
  /** RSS, bytes (summed over the process tree for --server serve). */
  rss: number;
  /** Replies the server sent so far (library), or verified by the generator so far (serve). */
  replied: number;
  processes?: number;
  heap?: number;
  p50?: number;
  p99?: number;
  max?: number;
}

export interface SoakRun {
  runtime: Runtime;
  version: string;
  /** "serve" (`radkit serve` + args) or "library" (bench/_server_process.ts). */
  server?: string;
  /** The runtime's own flags (`radkit serve` only), e.g. Deno's `--v8-flags=...`. */
  runtimeFlags?: string[];
  date: string;
  minutes: number;
  rate: number;
  samples: SoakSample[];
  load: { replies: number; lost: number; bad: number; retransmitted?: number };
  loadAverage: number[];
}

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] ?? fallback : fallback;
}

const WARMUP_S = 60;

/**
 * RSS growth after warm-up, in percent. `percent`: the mean RSS of the last
 * minute vs the mean of the minute after warm-up (60-120 s), so one GC
 * sawtooth sample does not decide it; `endPercent`: the last sample vs the
 * first sample after warm-up. Short runs use their halves instead.
 */
export function growth(run: SoakRun): {
  base: number;
  last: number;
  peak: number;
  percent: number;
  endPercent: number;
} {
  const duration = run.minutes * 60;
  const warm = Math.min(WARMUP_S, duration / 2);
  const window = Math.min(60, (duration - warm) / 2);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const after = run.samples.filter((sample) => sample.t >= warm);
  const first = mean(after.filter((s) => s.t < warm + window).map((s) => s.rss));
  const lastMinute = mean(after.filter((s) => s.t > duration - window).map((s) => s.rss));
  const base = after[0]?.rss ?? 0;
  const last = after[after.length - 1]?.rss ?? 0;
  const peak = Math.max(...after.map((sample) => sample.rss));
  return {
    base: first,
    last: lastMinute,
    peak,
    percent: first === 0 ? 0 : (100 * (lastMinute - first)) / first,
    endPercent: base === 0 ? 0 : (100 * (last - base)) / base,
  };
}

/** "Deno 2.9.6", "Bun 1.4.5", "Node 24.21.0" from the runtime and its `--version` line. */
export function label(run: SoakRun): string {
  const name = { deno: "Deno", bun: "Bun", node: "Node" }[run.runtime];
  return `${name} ${/\d+\.\d+\.\d+/.exec(run.version)?.[0] ?? run.version}`;
}

const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);

function version(runtime: Runtime): Promise<string> {
  return new Promise((resolve) => {
    import("node:child_process").then(({ execFile }) => {
      execFile(repoPath(`node_modules/.bin/${runtime}`), ["--version"], (_error, stdout) => {
        resolve(String(stdout).split("\n")[0]!.trim());
      });
    });
  });
}

function progressLine(runtime: Runtime, sample: SoakSample): void {
  const loop = sample.p50 === undefined
    ? ""
    : ` loop p50=${sample.p50.toFixed(2)} max=${(sample.max ?? 0).toFixed(1)} ms`;
  console.error(
    `  ${runtime} t=${sample.t}s rss=${mb(sample.rss)} MB${loop} replied=${sample.replied}`,
  );
}

function generator(port: number, minutes: number, rate: number, progressMs: number) {
  return {
    port,
    secret: SECRET,
    rate,
    inFlight: 100,
    count: 0,
    warmup: 0,
    duration: minutes * 60,
    progress: progressMs,
    core: 0,
  };
}

function loadOf(result: RadloadResult): SoakRun["load"] {
  return {
    replies: result.verified,
    lost: result.lost,
    bad: result.bad,
    retransmitted: result.retransmitted,
  };
}

async function soak(
  runtime: Runtime,
  minutes: number,
  rate: number,
  sampleS: number,
  mode: string,
  args: string[],
): Promise<SoakRun> {
  const samples: SoakSample[] = [];
  const loadAverage = (await import("node:os")).loadavg();
  let result: RadloadResult;
  if (mode === "library") {
    const server = await startServerProcess(runtime, "radkit", sampleS * 1000, (line) => {
      if (line.startsWith("SAMPLE ")) {
        const sample = JSON.parse(line.slice(7)) as SoakSample;
        samples.push(sample);
        progressLine(runtime, sample);
      }
    });
    try {
      // A server that dies fails the soak (the never-printed tag rejects on exit).
      const died = server.proc.next<never>("EXITED", minutes * 60_000 + 120_000);
      died.catch(() => {});
      result = await Promise.race([
        runRadload(generator(server.port, minutes, rate, 0)),
        died,
      ]);
    } finally {
      await server.proc.stop();
    }
  } else {
    const server = await startServer({
      id: runtime,
      name: `radkit serve on ${runtime}`,
      kind: "radkit",
      runtime,
      args,
      runtimeFlags: SERVER_RUNTIME_FLAGS[runtime],
    });
    try {
      result = await runRadload(generator(server.port, minutes, rate, sampleS * 1000), {
        onProgress: (progress) => {
          const memory = treeMemory(server.pid);
          const sample = {
            t: Math.round(progress.t),
            rss: memory.rss,
            processes: memory.processes,
            replied: progress.verified,
          };
          samples.push(sample);
          progressLine(runtime, sample);
        },
      });
    } finally {
      await server.stop();
    }
  }
  return {
    runtime,
    version: await version(runtime),
    server: mode === "library" ? "library" : ["serve", ...args].join(" "),
    ...(mode === "library" ? {} : { runtimeFlags: [...SERVER_RUNTIME_FLAGS[runtime]] }),
    date: new Date().toISOString(),
    minutes,
    rate,
    samples: samples.filter((sample) => sample.t <= minutes * 60 + 1),
    load: loadOf(result),
    loadAverage,
  };
}

/** The SVG plot: RSS (MB) over time, one line per runtime. */
export function svg(runs: readonly SoakRun[]): string {
  const width = 720;
  const height = 360;
  const left = 60;
  const right = 130;
  const top = 30;
  const bottom = 45;
  const colors: Record<string, string> = { deno: "#1f77b4", bun: "#d62728", node: "#2ca02c" };
  const tMax = Math.max(60, ...runs.flatMap((run) => run.samples.map((s) => s.t)));
  const yMax = Math.ceil(
    Math.max(10, ...runs.flatMap((run) => run.samples.map((s) => s.rss / 2 ** 20))) / 40,
  ) * 40;
  const round = (n: number) => Math.round(n * 10) / 10;
  const x = (t: number) => round(left + ((width - left - right) * t) / tMax);
  const y = (v: number) => round(top + (height - top - bottom) * (1 - v / yMax));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${
      width / 2
    }" y="18" text-anchor="middle" font-size="14">radkit server RSS under steady load (soak)</text>`,
  ];
  for (let v = 0; v <= yMax; v += yMax / 4) {
    parts.push(
      `<line x1="${left}" y1="${y(v)}" x2="${width - right}" y2="${y(v)}" stroke="#ddd"/>`,
      `<text x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${v.toFixed(0)}</text>`,
    );
  }
  const step = tMax > 300 ? 60 : tMax > 120 ? 30 : 10;
  for (let t = 0; t <= tMax; t += step) {
    parts.push(
      `<line x1="${x(t)}" y1="${top}" x2="${x(t)}" y2="${height - bottom}" stroke="#eee"/>`,
      `<text x="${x(t)}" y="${height - bottom + 16}" text-anchor="middle">${t}</text>`,
    );
  }
  parts.push(
    `<line x1="${left}" y1="${height - bottom}" x2="${width - right}" y2="${
      height - bottom
    }" stroke="black"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${height - bottom}" stroke="black"/>`,
    `<text x="${(left + width - right) / 2}" y="${
      height - 8
    }" text-anchor="middle">time (s)</text>`,
    `<text x="16" y="${
      (top + height - bottom) / 2
    }" text-anchor="middle" transform="rotate(-90 16 ${
      (top + height - bottom) / 2
    })">RSS (MB)</text>`,
  );
  runs.forEach((run, index) => {
    const color = colors[run.runtime] ?? "black";
    const points = run.samples.map((s) => `${x(s.t).toFixed(1)},${y(s.rss / 2 ** 20).toFixed(1)}`)
      .join(" ");
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${points}"/>`);
    const ly = top + 10 + index * 20;
    parts.push(
      `<line x1="${width - right + 10}" y1="${ly}" x2="${
        width - right + 30
      }" y2="${ly}" stroke="${color}" stroke-width="2"/>`,
      `<text x="${width - right + 35}" y="${ly + 4}">${run.runtime} (${run.rate}/s)</text>`,
    );
  });
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}

const ms = (value: number | undefined, digits: number): string =>
  value === undefined ? "-" : value.toFixed(digits);

/** What served the run, for the report. */
function serverLabel(run: SoakRun): string {
  return run.server === undefined || run.server === "library"
    ? "radkit `Server` (bench/_server_process.ts)"
    : `\`radkit ${run.server}\`${
      run.runtimeFlags?.length ? ` with \`${run.runtimeFlags.join(" ")}\`` : ""
    }`;
}

/** bench/SOAK.md from the runs. */
export function markdown(runs: readonly SoakRun[]): string {
  const lines = [
    "# Soak: radkit server under steady load",
    "",
    "Generated by `node_modules/.bin/node bench/soak.ts` from bench/soak.json - do not edit by hand.",
    "",
    "One radkit server per runtime on 127.0.0.1 answers PAP Access-Requests with",
    "Message-Authenticator sent at a fixed rate (at most 100 in flight) by bench/loadgen/radload.c",
    "(C, pinned to core 0), which verifies every reply. With `radkit serve` (default settings, the",
    "benchmark users file) the bench reads the RSS of the server's process tree from /proc every",
    "10 s; with the library server (`--server library`) the server samples its own RSS, heap and",
    "event-loop delay (a 10 ms `setInterval` drift probe: how late each tick fires).",
    "Growth = mean RSS of the last minute vs mean RSS of the minute after the warm-up minute",
    '(60-120 s), target < 10%; "end vs first" compares the single last sample with the first',
    "sample after warm-up (sensitive to where the GC sawtooth happens to be).",
    "",
    "![RSS over time](soak.svg)",
    "",
    "| runtime | server | duration | rate | verified replies | lost | bad | mean RSS 60-120 s | mean RSS last minute | peak after warm-up | growth | end vs first | loop delay p50 (median) | loop delay max |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const run of runs) {
    const g = growth(run);
    const p50s = run.samples.flatMap((sample) => sample.p50 === undefined ? [] : [sample.p50])
      .sort((a, b) => a - b);
    const maxima = run.samples.flatMap((sample) => sample.max === undefined ? [] : [sample.max]);
    lines.push(
      `| ${label(run)} | ${serverLabel(run)} | ${run.minutes} min | ${run.rate}/s | ${
        run.load.replies.toLocaleString("en")
      } | ${run.load.lost} | ${run.load.bad} | ${mb(g.base)} MB | ${mb(g.last)} MB | ${
        mb(g.peak)
      } MB | ${g.percent >= 0 ? "+" : ""}${g.percent.toFixed(1)}% ${
        g.percent < 10 ? "(ok)" : "(**over 10%**)"
      } | ${g.endPercent >= 0 ? "+" : ""}${g.endPercent.toFixed(1)}% | ${
        p50s.length === 0 ? "-" : `${p50s[p50s.length >> 1]!.toFixed(2)} ms`
      } | ${maxima.length === 0 ? "-" : `${Math.max(...maxima).toFixed(0)} ms`} |`,
    );
  }
  for (const run of runs) {
    lines.push(
      "",
      `## ${label(run)}`,
      "",
      `Ended ${run.date}: ${
        serverLabel(run)
      }, ${run.minutes} min at ${run.rate} requests/s, load average at start ${
        run.loadAverage.map((v) => v.toFixed(2)).join(" ")
      }.`,
      "",
      "| time (s) | RSS (MB) | processes | heap used (MB) | loop delay p50 (ms) | p99 (ms) | max (ms) | replies in window |",
      "|---:|---:|---:|---:|---:|---:|---:|---:|",
    );
    let previous = 0;
    for (const sample of run.samples) {
      lines.push(
        `| ${sample.t} | ${mb(sample.rss)} | ${sample.processes ?? 1} | ${
          sample.heap === undefined ? "-" : mb(sample.heap)
        } | ${ms(sample.p50, 2)} | ${ms(sample.p99, 2)} | ${ms(sample.max, 1)} | ${
          sample.replied - previous
        } |`,
      );
      previous = sample.replied;
    }
  }
  return lines.join("\n") + "\n";
}

const dataFile = repoPath("bench/soak.json");

function loadRuns(): SoakRun[] {
  try {
    return JSON.parse(readFileSync(dataFile, "utf8")) as SoakRun[];
  } catch {
    return [];
  }
}

/** Rewrites SOAK.md and soak.svg from soak.json. */
export function writeReport(runs: readonly SoakRun[]): void {
  const order = ["deno", "bun", "node"];
  const sorted = [...runs].sort((a, b) => order.indexOf(a.runtime) - order.indexOf(b.runtime));
  writeFileSync(dataFile, JSON.stringify(sorted, null, 1) + "\n");
  writeFileSync(repoPath("bench/SOAK.md"), markdown(sorted));
  writeFileSync(repoPath("bench/soak.svg"), svg(sorted));
  // Keep the generated files as `deno fmt --check` (a repository gate) wants them.
  try {
    execFileSync(repoPath("node_modules/.bin/deno"), [
      "fmt",
      "--quiet",
      dataFile,
      repoPath("bench/SOAK.md"),
      repoPath("bench/soak.svg"),
    ]);
  } catch {
    // formatting is cosmetic
  }
}

if (import.meta.main ?? process.argv[1]?.endsWith("soak.ts")) {
  const minutes = Number(option("minutes", "10"));
  const rate = Number(option("rate", "3000"));
  const sample = Number(option("sample", "10"));
  const runtimes = option("runtimes", "deno,bun,node").split(",") as Runtime[];
  const mode = option("server", "serve");
  const args = option("args", "").split(" ").filter((arg) => arg !== "");
  if (mode !== "serve" && mode !== "library") {
    console.error(`--server ${mode}: expected serve or library`);
    process.exit(2);
  }
  if (process.argv.includes("--report")) {
    writeReport(loadRuns());
  } else {
    for (const runtime of runtimes) {
      console.error(`soak: ${runtime}, ${minutes} min at ${rate}/s`);
      const run = await soak(runtime, minutes, rate, sample, mode, args);
      const runs = loadRuns().filter((r) => r.runtime !== runtime);
      runs.push(run);
      writeReport(runs);
      const g = growth(run);
      console.log(
        `SOAK ${
          JSON.stringify({
            runtime,
            minutes,
            rate,
            replies: run.load.replies,
            growthPercent: g.percent,
          })
        }`,
      );
    }
  }
  process.exit(0);
}
