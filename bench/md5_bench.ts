// Compares radkit's pure-TypeScript MD5 and HMAC-MD5 with node:crypto on
// the runtime it is started with, and prints a Markdown table:
//
//   node_modules/.bin/deno run -A bench/md5_bench.ts
//   node_modules/.bin/bun bench/md5_bench.ts
//   node_modules/.bin/node bench/md5_bench.ts
//
// Each case warms both contenders up for WARMUP_MS, then measures them in
// ROUNDS back-to-back pairs of rounds of ROUND_MS each (the order swapped
// every pair). The rates are each one's best round; the ratio is the median of
// the ratios within each pair, which share one spell of this machine's
// drifting speed. Every digest feeds a checksum that is printed at the end, so
// the JIT cannot drop the work.
import { createHash, createHmac } from "node:crypto";
import process from "node:process";
import { HmacMd5, hmacMd5, md5 } from "../src/crypto/mod.ts";
import { pairedRounds } from "./_measure.ts";

// BENCH_QUICK=1 (scripts/bench_all.mjs --quick): shorter rounds.
const quick = process.env.BENCH_QUICK === "1";
const WARMUP_MS = quick ? 100 : 200;
const ROUNDS = quick ? 3 : 9;
const ROUND_MS = quick ? 100 : 150;
const rows: { case: string; radkit: number; nodeCrypto: number; ratio: number; unit: string }[] =
  [];

let sink = 0;

/** Calls `fn` for about `ms` milliseconds and returns calls per second. */
function run(fn: () => Uint8Array, ms: number): number {
  const batch = 8;
  let calls = 0;
  const start = performance.now();
  let now = start;
  do {
    for (let i = 0; i < batch; i++) sink = (sink + fn()[i]!) | 0;
    calls += batch;
    now = performance.now();
  } while (now - start < ms);
  return calls / ((now - start) / 1000);
}

/**
 * Best calls per second of `ours` and `theirs`, measured in back-to-back
 * pairs of rounds, and the median over the pairs of ours / theirs.
 */
function compare(ours: () => Uint8Array, theirs: () => Uint8Array): [number, number, number] {
  run(ours, WARMUP_MS);
  run(theirs, WARMUP_MS);
  const result = pairedRounds(() => run(ours, ROUND_MS), () => run(theirs, ROUND_MS), ROUNDS);
  return [result.ours, result.theirs, result.ratio];
}

function runtime(): string {
  const versions = process.versions as Record<string, string | undefined>;
  if (versions.bun !== undefined) return `Bun ${versions.bun}`;
  if (versions.deno !== undefined) return `Deno ${versions.deno} (V8 ${versions.v8})`;
  return `Node.js ${process.version} (V8 ${versions.v8})`;
}

function input(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + 7) & 0xff;
  return bytes;
}

const calls = (perSecond: number): string =>
  perSecond >= 1e6
    ? `${(perSecond / 1e6).toFixed(2)} M calls/s`
    : `${(perSecond / 1e3).toFixed(0)} k calls/s`;
const times = (ratio: number): string => `${ratio.toFixed(2)}×`;

console.log(`Runtime: ${runtime()}`);
console.log();
console.log("| input | radkit | node:crypto | radkit / node:crypto |");
console.log("| --- | ---: | ---: | ---: |");

for (const size of [16, 64, 128, 1024]) {
  const data = input(size);
  const [ours, theirs, ratio] = compare(
    () => md5(data),
    () => createHash("md5").update(data).digest(),
  );
  console.log(`| md5 ${size} B | ${calls(ours)} | ${calls(theirs)} | ${times(ratio)} |`);
  rows.push({ case: `md5 ${size} B`, radkit: ours, nodeCrypto: theirs, ratio, unit: "calls/s" });
}

{
  const size = 1 << 20;
  const data = input(size);
  const [oursCalls, theirsCalls, ratio] = compare(
    () => md5(data),
    () => createHash("md5").update(data).digest(),
  );
  const ours = (oursCalls * size) / 1e6;
  const theirs = (theirsCalls * size) / 1e6;
  console.log(
    `| md5 1 MiB | ${ours.toFixed(0)} MB/s | ${theirs.toFixed(0)} MB/s | ${times(ratio)} |`,
  );
  rows.push({ case: "md5 1 MiB", radkit: ours, nodeCrypto: theirs, ratio, unit: "MB/s" });
}

{
  const key = input(16);
  const data = input(64);
  const [ours, theirs, ratio] = compare(
    () => hmacMd5(key, data),
    () => createHmac("md5", key).update(data).digest(),
  );
  console.log(`| hmacMd5 64 B | ${calls(ours)} | ${calls(theirs)} | ${times(ratio)} |`);
  rows.push({ case: "hmacMd5 64 B", radkit: ours, nodeCrypto: theirs, ratio, unit: "calls/s" });
  const hmac = new HmacMd5(key);
  const [reused, theirsAgain, reusedRatio] = compare(
    () => hmac.reset().update(data).digest(),
    () => createHmac("md5", key).update(data).digest(),
  );
  console.log(
    `| HmacMd5 64 B, key reused | ${calls(reused)} | ${calls(theirsAgain)} | ${
      times(reusedRatio)
    } |`,
  );
  rows.push({
    case: "HmacMd5 64 B, key reused",
    radkit: reused,
    nodeCrypto: theirsAgain,
    ratio: reusedRatio,
    unit: "calls/s",
  });
}

console.log();
console.log(`(checksum ${sink})`);
console.log(`BENCH ${JSON.stringify({ bench: "md5", runtime: runtime(), rows })}`);
