// Compares radkit's pure-TypeScript MD4, SHA-1 and DES — the primitives of
// MS-CHAP — with node:crypto on the runtime it is started with, where that
// offers them, and measures whole MS-CHAP computations. Prints a Markdown
// table:
//
//   node_modules/.bin/deno run -A bench/crypto_bench.ts
//   node_modules/.bin/bun bench/crypto_bench.ts
//   node_modules/.bin/node bench/crypto_bench.ts
//
// Node 24's OpenSSL 3 refuses MD4 and single DES unless its legacy provider
// is loaded (it is not by default): those rows then say so and show radkit
// alone. Method as in bench/md5_bench.ts: warm-up, then back-to-back pairs
// of rounds; rates are each one's best round, the ratio the median of the
// within-pair ratios; every output feeds a printed checksum.
import { createCipheriv, createHash } from "node:crypto";
import process from "node:process";
import { desEncryptBlock, md4, sha1 } from "../src/crypto/mod.ts";
import { Code } from "../src/codec/code.ts";
import { Dictionary } from "../src/dictionary/mod.ts";
import { addMsChapV2, generateNtResponse, ntPasswordHash } from "../src/mschap/mod.ts";
import { Packet } from "../src/packet.ts";
import { verifyPassword } from "../src/verify_password.ts";
import { pairedRounds } from "./_measure.ts";

// BENCH_QUICK=1 (scripts/bench_all.mjs --quick): shorter rounds.
const quick = process.env.BENCH_QUICK === "1";
const WARMUP_MS = quick ? 100 : 200;
const ROUNDS = quick ? 3 : 9;
const ROUND_MS = quick ? 100 : 150;

interface Row {
  case: string;
  radkit: number;
  nodeCrypto: number | null;
  ratio: number | null;
  unit: string;
  note?: string;
}
const rows: Row[] = [];

let sink = 0;

/** Calls `fn` for about `ms` milliseconds and returns calls per second. */
function run(fn: () => Uint8Array, ms: number): number {
  const batch = 8;
  let calls = 0;
  const start = performance.now();
  let now = start;
  do {
    for (let i = 0; i < batch; i++) sink = (sink + fn()[i & 7]!) | 0;
    calls += batch;
    now = performance.now();
  } while (now - start < ms);
  return calls / ((now - start) / 1000);
}

function compare(ours: () => Uint8Array, theirs: () => Uint8Array): [number, number, number] {
  run(ours, WARMUP_MS);
  run(theirs, WARMUP_MS);
  const result = pairedRounds(() => run(ours, ROUND_MS), () => run(theirs, ROUND_MS), ROUNDS);
  return [result.ours, result.theirs, result.ratio];
}

/** Best of ROUNDS rounds of `fn` alone. */
function alone(fn: () => Uint8Array): number {
  run(fn, WARMUP_MS);
  let best = 0;
  for (let r = 0; r < ROUNDS; r++) best = Math.max(best, run(fn, ROUND_MS));
  return best;
}

/** Why node:crypto cannot run `probe`, or undefined when it can. */
function refusal(probe: () => unknown): string | undefined {
  try {
    probe();
    return undefined;
  } catch (error) {
    const code = (error as { code?: string }).code;
    return `refused by node:crypto${code === undefined ? "" : ` (${code})`}`;
  }
}

function runtime(): string {
  const versions = process.versions as Record<string, string | undefined>;
  if (versions.bun !== undefined) return `Bun ${versions.bun}`;
  if (versions.deno !== undefined) return `Deno ${versions.deno} (V8 ${versions.v8})`;
  return `Node.js ${process.version} (V8 ${versions.v8}, OpenSSL ${versions.openssl})`;
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
const megabytes = (perSecond: number, size: number): string =>
  `${((perSecond * size) / 1e6).toFixed(0)} MB/s`;

/** One row: radkit against node:crypto when it has the algorithm, else radkit alone. */
function row(
  name: string,
  size: number,
  ours: () => Uint8Array,
  theirs: () => Uint8Array,
): void {
  const big = size >= 1 << 20;
  const show = (rate: number) => big ? megabytes(rate, size) : calls(rate);
  const unit = big ? "MB/s" : "calls/s";
  const scale = (rate: number) => big ? (rate * size) / 1e6 : rate;
  const refused = refusal(theirs);
  if (refused !== undefined) {
    const rate = alone(ours);
    console.log(`| ${name} | ${show(rate)} | ${refused} | – |`);
    rows.push({
      case: name,
      radkit: scale(rate),
      nodeCrypto: null,
      ratio: null,
      unit,
      note: refused,
    });
    return;
  }
  const [rate, theirRate, ratio] = compare(ours, theirs);
  console.log(`| ${name} | ${show(rate)} | ${show(theirRate)} | ${ratio.toFixed(2)}× |`);
  rows.push({ case: name, radkit: scale(rate), nodeCrypto: scale(theirRate), ratio, unit });
}

console.log(`Runtime: ${runtime()}`);
console.log();
console.log("| input | radkit | node:crypto | radkit / node:crypto |");
console.log("| --- | ---: | ---: | ---: |");

for (const size of [16, 64, 1024, 1 << 20]) {
  const data = input(size);
  const label = size >= 1 << 20 ? "1 MiB" : `${size} B`;
  row(`md4 ${label}`, size, () => md4(data), () => createHash("md4").update(data).digest());
}
for (const size of [16, 64, 1024, 1 << 20]) {
  const data = input(size);
  const label = size >= 1 << 20 ? "1 MiB" : `${size} B`;
  row(`sha1 ${label}`, size, () => sha1(data), () => createHash("sha1").update(data).digest());
}
{
  // One block under a fresh key each time, as MS-CHAP uses DES: key schedule included.
  const key = input(8);
  const block = input(8);
  row(
    "des-ecb 1 block, new key",
    8,
    () => desEncryptBlock(key, block),
    () => createCipheriv("des-ecb", key, null).update(block),
  );
}

// Whole MS-CHAP v2 computations; node:crypto has no counterpart.
{
  const exchange = {
    authenticatorChallenge: input(16),
    peerChallenge: input(16).reverse(),
    username: "alice",
    passwordHash: ntPasswordHash("correct horse battery staple"),
  };
  const nt = alone(() => generateNtResponse(exchange));
  console.log(`| MS-CHAP v2 NT-Response (GenerateNTResponse) | ${calls(nt)} | – | – |`);
  rows.push({
    case: "mschapv2 NT-Response",
    radkit: nt,
    nodeCrypto: null,
    ratio: null,
    unit: "calls/s",
  });

  const dictionary = Dictionary.default();
  const request = Packet.create(Code.AccessRequest, dictionary, { "User-Name": "alice" });
  addMsChapV2(request, { password: "correct horse battery staple" });
  const credential = { password: "correct horse battery staple" };
  const verify = alone(() => {
    const result = verifyPassword(request, credential);
    if (!result.ok) throw new Error("the benchmark's request should verify");
    return result.reply["MS-MPPE-Send-Key"] as Uint8Array;
  });
  console.log(
    `| MS-CHAP v2 server check (verifyPassword: NT hash, response, S=, MPPE keys) | ${
      calls(verify)
    } | – | – |`,
  );
  rows.push({
    case: "mschapv2 verifyPassword",
    radkit: verify,
    nodeCrypto: null,
    ratio: null,
    unit: "calls/s",
  });
}

console.log();
console.log(`(checksum ${sink})`);
console.log(`BENCH ${JSON.stringify({ bench: "crypto", runtime: runtime(), rows })}`);
