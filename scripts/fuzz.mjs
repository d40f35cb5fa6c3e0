// The long decoder fuzz run (issue 8): 1,000,000 inputs by default, with a
// random seed that is printed so that a run can be repeated. Spawns the
// runtime given on tests/fuzz/run.ts, split into --jobs processes that each
// take a slice of the same input sequence, and prints the time, inputs/s and
// every crash as a hex line. Plain JavaScript so any Node.js can start it.
//
//   node scripts/fuzz.mjs [deno|bun|node] [count] [seed] [--jobs=N]
//
// A crash becomes a regression vector: add its HEX line (and a note) to
// tests/fuzz/regressions.txt, which tests/fuzz/regressions_test.ts replays.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = (name) => `${root}node_modules/.bin/${name}`;
const entry = "tests/fuzz/run.ts";
const commands = {
  deno: [bin("deno"), "run", "-A", entry],
  bun: [bin("bun"), entry],
  node: [bin("node"), entry],
};

const flags = process.argv.slice(2).filter((a) => a.startsWith("--"));
const [runtime = "node", countArg = "1000000", seedArg] = process.argv.slice(2).filter((a) =>
  !a.startsWith("--")
);
const jobsFlag = flags.find((f) => f.startsWith("--jobs="));
const jobs = jobsFlag === undefined ? 1 : Number(jobsFlag.slice("--jobs=".length));
const count = Number(countArg);
const seed = seedArg === undefined ? Math.floor(Math.random() * 0x7fffffff) : Number(seedArg);
if (
  !(runtime in commands) || !Number.isSafeInteger(count) || count < 1 ||
  !Number.isSafeInteger(seed) || !Number.isSafeInteger(jobs) || jobs < 1
) {
  console.error("usage: node scripts/fuzz.mjs [deno|bun|node] [count] [seed] [--jobs=N]");
  process.exit(2);
}
const [command, ...args] = commands[runtime];
if (!existsSync(command)) {
  console.error(`${command} is missing: run "npm ci" first`);
  process.exit(2);
}

console.log(`fuzz: ${runtime}, ${count} inputs, seed ${seed}, ${jobs} job(s)`);
console.log(`repeat with: node scripts/fuzz.mjs ${runtime} ${count} ${seed} --jobs=${jobs}`);

function job(index) {
  const size = Math.ceil(count / jobs);
  const first = index * size;
  const slice = Math.max(0, Math.min(size, count - first));
  return new Promise((resolve) => {
    const child = spawn(command, [...args, String(slice), String(seed), String(first)], {
      cwd: root,
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let result;
    let buffer = "";
    child.stdout.on("data", (chunk) => {
      buffer += chunk;
      const lines = buffer.split("\n");
      buffer = lines.pop();
      for (const line of lines) {
        if (line.startsWith("RESULT ")) result = JSON.parse(line.slice(7));
        else console.log(jobs > 1 ? `[${index}] ${line}` : line);
      }
    });
    child.stderr.on("data", (chunk) => process.stderr.write(chunk));
    child.on("close", (code) => resolve({ code, result }));
  });
}

const start = Date.now();
const results = await Promise.all(Array.from({ length: jobs }, (_, i) => job(i)));
const seconds = (Date.now() - start) / 1000;
let inputs = 0;
let crashes = 0;
let failed = false;
for (const { code, result } of results) {
  if (result === undefined) {
    failed = true;
    continue;
  }
  inputs += result.inputs;
  crashes += result.crashes;
  if (code !== 0) failed = true;
}
const mb = (bytes) => (bytes === undefined ? "n/a" : `${Math.round(bytes / 1048576)} MB`);
console.log(
  `fuzz ${runtime}: ${inputs} inputs in ${seconds.toFixed(1)} s, ${
    Math.round(inputs / seconds)
  } inputs/s, ${crashes} crash(es), seed ${seed}`,
);
for (const [i, { result }] of results.entries()) {
  if (result !== undefined) {
    console.log(
      `  job ${i}: ${result.inputs} inputs, ${result.inputsPerSecond} inputs/s, ${result.malformed} refused as malformed, rss after warm-up ${
        mb(result.rssWarm)
      }, max ${mb(result.rssMax)}; live heap after GC: after warm-up ${
        mb(result.heapWarm)
      }, at the end ${mb(result.heapEnd)}`,
    );
  } else {
    console.log(`  job ${i}: exited without a result`);
  }
}
process.exit(failed || inputs !== count ? 1 : 0);
