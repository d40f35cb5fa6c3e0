// Replays tests/fuzz/regressions.txt: datagrams that once broke (or were
// made to probe) the decoder's invariant. Each must decode or verify, or fail
// with MalformedPacketError, within the fuzz hang bound.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { check, fromHex, SEEDS } from "./_fuzz.ts";

const vectors = readFileSync(new URL("./regressions.txt", import.meta.url), "utf8")
  .split("\n")
  .map((line) => line.trim())
  .filter((line) => line !== "" && !line.startsWith("#"))
  .map((line) => {
    const space = line.indexOf(" ");
    return space === -1
      ? { hex: line, note: "" }
      : { hex: line.slice(0, space), note: line.slice(space + 1) };
  });

test("regressions.txt holds well-formed hex vectors", () => {
  assert.ok(vectors.length > 0);
  for (const { hex, note } of vectors) {
    assert.match(hex, /^([0-9a-f]{2})+$/i, `hex of "${note}"`);
  }
});

for (const { hex, note } of vectors) {
  test(`regression: ${note || hex.slice(0, 40)}`, () => {
    // Each seed's request: a reply vector is checked against the request it answers too.
    for (const seed of [SEEDS[0]!, SEEDS.find((s) => s.request !== undefined)!]) {
      const { failures } = check(fromHex(hex), seed, "regression", 1000);
      assert.deepEqual(failures, [], JSON.stringify(failures));
    }
  });
}
