// Time to parse the whole Debian FreeRADIUS dictionary tree (225 files
// through /usr/share/freeradius/dictionary), per runtime. Files are read
// first; only parsing is timed. Prints the median of several runs.
//
//   node_modules/.bin/deno run -A bench/dictionary_bench.ts
//   node_modules/.bin/bun bench/dictionary_bench.ts
//   node_modules/.bin/node bench/dictionary_bench.ts
import { readdir, readFile } from "node:fs/promises";
import process from "node:process";
import { Dictionary } from "../src/dictionary/mod.ts";
import { bundled } from "../dictionaries/bundled.ts";

const DIR = "/usr/share/freeradius";
// BENCH_QUICK=1 (scripts/bench_all.mjs --quick): fewer runs.
const WARMUP = 3;
const RUNS = process.env.BENCH_QUICK === "1" ? 5 : 15;

function runtime(): string {
  const g = globalThis as { Deno?: { version: { deno: string } }; Bun?: { version: string } };
  if (g.Deno !== undefined) return `deno ${g.Deno.version.deno}`;
  if (g.Bun !== undefined) return `bun ${g.Bun.version}`;
  return `node ${process.versions.node}`;
}

function median(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function time(parse: () => Dictionary): { ms: number; dictionary: Dictionary } {
  let dictionary = parse();
  for (let i = 1; i < WARMUP; i++) dictionary = parse();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    dictionary = parse();
    times.push(performance.now() - start);
  }
  return { ms: median(times), dictionary };
}

const texts = new Map<string, string>();
const debianPresent = await readdir(DIR).then(() => true, () => false);
for (const name of debianPresent ? await readdir(DIR) : []) {
  if (name.startsWith("dictionary")) {
    texts.set(`${DIR}/${name}`, await readFile(`${DIR}/${name}`, "utf8"));
  }
}
const entry = `${DIR}/dictionary`;
const debian = debianPresent
  ? time(() =>
    Dictionary.parse(texts.get(entry)!, { filename: entry, include: (name) => texts.get(name) })
  )
  : undefined;
const attributes = debian ? [...debian.dictionary.attributes()].length : 0;
const own = time(() =>
  Dictionary.parse(bundled["dictionary"]!, {
    filename: "dictionary",
    include: (name) => bundled[name],
  })
);

const ownAttributes = [...own.dictionary.attributes()].length;
console.log(
  `${runtime()}: Debian FreeRADIUS tree (${attributes} attributes): ` +
    `${debian ? `${debian.ms.toFixed(1)} ms` : `not measured (missing ${DIR})`}; ` +
    `radkit bundled dictionaries (${ownAttributes} attributes): ${own.ms.toFixed(2)} ms ` +
    `(median of ${RUNS} parses, files read beforehand)`,
);
console.log(`BENCH ${
  JSON.stringify({
    bench: "dictionary",
    runtime: runtime(),
    runs: RUNS,
    debianMs: debian?.ms ?? null,
    debianAttributes: attributes,
    bundledMs: own.ms,
    bundledAttributes: ownAttributes,
  })
}`);
