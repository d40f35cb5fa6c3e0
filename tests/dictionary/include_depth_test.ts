// $INCLUDE chains are bounded: a chain of at most 32 files loads, a deeper
// one is a DictionaryError naming the file and the limit (never a stack
// overflow, even 10,000 files deep), include loops are still reported, and
// Dictionary.load reads no deeper than the parser opens.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Dictionary } from "../../src/dictionary/dictionary.ts";
import { DictionaryError } from "../../src/errors.ts";

const LIMIT = 32;

/** `files` files in all: raddb/dictionary includes d2, d2 includes d3, …; the last defines End. */
function chain(files: number): Map<string, string> {
  const map = new Map<string, string>();
  map.set("raddb/dictionary", files === 1 ? "ATTRIBUTE End 3000 integer\n" : "$INCLUDE d2\n");
  for (let i = 2; i <= files; i++) {
    map.set(`raddb/d${i}`, i === files ? "ATTRIBUTE End 3000 integer\n" : `$INCLUDE d${i + 1}\n`);
  }
  return map;
}

function parse(files: Map<string, string>): Dictionary {
  return Dictionary.parse(files.get("raddb/dictionary")!, {
    filename: "raddb/dictionary",
    include: (name) => files.get(name),
  });
}

/** Dictionary.load over `files`, counting the reads. */
async function load(files: Map<string, string>, reads: string[] = []): Promise<Dictionary> {
  return await Dictionary.load("raddb/dictionary", (path) => {
    reads.push(path);
    const text = files.get(path);
    if (text === undefined) throw new Error(`ENOENT: ${path}`);
    return text;
  });
}

function tooDeep(error: unknown): boolean {
  assert.ok(error instanceof DictionaryError, String(error));
  assert.equal(error.file, `raddb/d${LIMIT}`);
  assert.equal(error.line, 1);
  assert.equal(
    error.message,
    `Cannot parse raddb/d${LIMIT} line 1: $INCLUDE d${LIMIT + 1} nests "raddb/d${LIMIT + 1}" ` +
      `too deep: a chain of $INCLUDEs holds at most ${LIMIT} files (raddb/dictionary -> ... -> ` +
      `raddb/d${LIMIT} -> raddb/d${LIMIT + 1}); include the files from fewer levels`,
  );
  return true;
}

test(`Dictionary.parse() and load() read a chain of ${LIMIT} $INCLUDEd files`, async () => {
  const files = chain(LIMIT);
  assert.equal(parse(files).attribute("End")?.code, 3000);
  assert.equal((await load(files)).attribute("End")?.code, 3000);
});

test(`Dictionary.parse() and load() refuse a chain of ${LIMIT + 1} files`, async () => {
  const files = chain(LIMIT + 1);
  assert.throws(() => parse(files), tooDeep);
  await assert.rejects(load(files), tooDeep);
});

test("a chain of 10,000 files is a DictionaryError, not a stack overflow, and is not all read", async () => {
  const files = chain(10000);
  assert.throws(() => parse(files), tooDeep);
  const reads: string[] = [];
  await assert.rejects(load(files, reads), tooDeep);
  // Only what the parser may open: the files down to the limit.
  assert.equal(reads.length, LIMIT);
});

test("include loops are still reported, by parse() and load()", async () => {
  const files = new Map([
    ["raddb/dictionary", "$INCLUDE d2\n"],
    ["raddb/d2", "$INCLUDE d3\n"],
    ["raddb/d3", "ATTRIBUTE Three 3000 integer\n$INCLUDE d2\n"],
  ]);
  const loop = /include loop: raddb\/d2 -> raddb\/d3 -> raddb\/d2/;
  assert.throws(() => parse(files), loop);
  await assert.rejects(load(files), loop);
});

test("Dictionary.load() reads the includes of a file reached at the limit first, then shallower", async () => {
  // raddb/dictionary includes a slow file that includes shared (depth 3, which
  // includes leaf), and a chain whose last file includes shared at depth 32,
  // where it would open nothing more. The chain is read first.
  const files = new Map([
    ["raddb/dictionary", "$INCLUDE slow\n$INCLUDE c2\n"],
    ["raddb/slow", "$INCLUDE shared\n"],
    ["raddb/shared", "$INCLUDE leaf\n"],
    ["raddb/leaf", "ATTRIBUTE Leaf 3000 integer\n"],
  ]);
  for (let i = 2; i < LIMIT; i++) {
    files.set(`raddb/c${i}`, i === LIMIT - 1 ? "$INCLUDE shared\n" : `$INCLUDE c${i + 1}\n`);
  }
  const dictionary = await Dictionary.load("raddb/dictionary", async (path) => {
    if (path === "raddb/slow") await new Promise((resolve) => setTimeout(resolve, 20));
    const text = files.get(path);
    if (text === undefined) throw new Error(`ENOENT: ${path}`);
    return text;
  });
  assert.equal(dictionary.attribute("Leaf")?.code, 3000);
});
