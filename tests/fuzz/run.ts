// The long decoder fuzz run, outside the normal suite: started by
// scripts/fuzz.mjs on Deno, Bun or Node as
//
//   run.ts <count> <seed> [first]
//
// runs inputs first .. first+count of the run <seed> (see _fuzz.ts), prints
// progress (inputs/s, RSS), every broken invariant as a "CRASH" line followed
// by a "HEX" line, and a last "RESULT {json}" line. Exits 1 on any crash.
import process from "node:process";
import { fuzz, type FuzzResult } from "./_fuzz.ts";

const [countArg, seedArg, firstArg] = process.argv.slice(2);
const count = Number(countArg ?? 1_000_000);
const seed = Number(seedArg ?? 1);
const first = Number(firstArg ?? 0);
if (!Number.isSafeInteger(count) || !Number.isSafeInteger(seed) || !Number.isSafeInteger(first)) {
  console.error("usage: run.ts <count> <seed> [first]");
  process.exit(2);
}

const mb = (bytes: number | undefined) =>
  bytes === undefined ? "n/a" : `${(bytes / 1048576).toFixed(0)} MB`;
let reported = 0;
const report = (done: number, result: FuzzResult) => {
  for (const failure of result.failures.slice(reported)) {
    console.log(`CRASH input=${failure.how} op=${failure.operation} ${failure.error}`);
    console.log(`HEX ${failure.hex}`);
  }
  reported = result.failures.length;
  const rate = done / (result.milliseconds / 1000);
  console.log(
    `progress ${done}/${count} ${rate.toFixed(0)} inputs/s rss ${mb(result.rssMax)}`,
  );
};

const result = fuzz({
  seed,
  count,
  first,
  hangMs: 1000,
  maxFailures: 100,
  progressEvery: 50_000,
  onProgress: report,
});
report(result.inputs, result);
console.log(
  `RESULT ${
    JSON.stringify({
      seed,
      first,
      inputs: result.inputs,
      crashes: result.failures.length,
      malformed: result.malformed,
      milliseconds: Math.round(result.milliseconds),
      inputsPerSecond: Math.round(result.inputs / (result.milliseconds / 1000)),
      rssWarm: result.rssWarm,
      rssMax: result.rssMax,
      heapWarm: result.heapWarm,
      heapEnd: result.heapEnd,
      byMutator: result.byMutator,
    })
  }`,
);
process.exit(result.failures.length > 0 ? 1 : 0);
