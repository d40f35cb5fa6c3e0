// Differential test against FreeRADIUS 3.2's own codec, through radclient:
// fast-check draws attribute sets over the whole Debian dictionary tree
// (every data type, every VSA format in it, tags, hidden values, TLVs,
// extended, long-extended and Extended-Vendor-Specific attributes, values
// longer than one attribute), and
//  - radkit encodes them in an Access-Accept that radclient decodes: what
//    `radclient -x` prints must be what radkit decodes from the same bytes;
//  - radclient encodes them (from its text form) in an Access-Request that
//    radkit decodes, and decodes them itself from an echo of the same bytes:
//    both must print the same names, tags and values;
//  - neither encodes: raw attributes (unknown IETF, vendor, extended,
//    long-extended and Extended-Vendor-Specific numbers, malformed VSAs,
//    fixed-size values of the wrong length) go into a reply both decode.
// Lines are compared as FreeRADIUS prints them (tests/interop/_freeradius_print.ts).
//
// Reproduce a failure with the seed it prints:
//   RADKIT_DIFF_SEED=<seed> node_modules/.bin/node --test tests/interop/differential_radclient_test.ts
// RADKIT_DIFF_RUNS sets the number of drawn packets per direction (default 400, about 10 s).
import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { assertPeers, needs } from "../_peers.ts";
import { loadDictionary } from "../../adapters/node.ts";
import {
  drawableDefs,
  drawnSet,
  exchange,
  radclientLine,
  rawAttributes,
  TREE,
  unknownAttributes,
} from "./_differential.ts";

// CI draws the same packets every run, so that a red build means a change broke something;
// elsewhere each run draws new ones, to keep finding disagreements (record them as seeds).
const SEED = process.env.RADKIT_DIFF_SEED !== undefined
  ? Number(process.env.RADKIT_DIFF_SEED)
  : process.env.CI === "true"
  ? 20261202
  : Math.floor(Math.random() * 0x7fffffff);
const RUNS = Number(process.env.RADKIT_DIFF_RUNS ?? 400);
const PER_PACKET = 12;

const TITLES = {
  "radkit encodes":
    "radclient -x decodes radkit's encoding of attributes drawn over Debian's dictionary tree as radkit does",
  "radclient encodes":
    "radkit decodes radclient's encoding of attributes drawn over Debian's dictionary tree as radclient -x does",
  "both decode":
    "radkit decodes unknown, unassigned and malformed attributes as radclient -x does (names and values)",
} as const;

for (const direction of ["radkit encodes", "radclient encodes", "both decode"] as const) {
  const what = TITLES[direction];
  test(what, needs("radclient", "dictionaries"), async () => {
    assertPeers("radclient", "dictionaries");
    const dictionary = await loadDictionary(TREE);
    const defs = drawableDefs(dictionary, direction);
    assert.ok(defs.length > 6000, `only ${defs.length} attributes to draw from`);
    // Only radclient can send attributes no dictionary defines (Attr-<oid>).
    const unknown = direction === "radclient encodes" ? unknownAttributes : undefined;
    const draw = direction === "both decode"
      ? fc.array(rawAttributes(dictionary), { minLength: 1, maxLength: 4 })
      : drawnSet(defs, PER_PACKET, unknown);
    const property = fc.asyncProperty(draw, async (drawn) => {
      const result = await exchange(dictionary, direction, drawn);
      if (isDeepStrictEqual(result.radkit, result.radclient)) return;
      // Name the attributes that disagree on their own, for the report.
      const alone: string[] = [];
      for (const one of drawn) {
        const single = await exchange(dictionary, direction, [one]);
        if (!isDeepStrictEqual(single.radkit, single.radclient)) {
          alone.push(`${radclientLine(one)} (datagram ${single.datagram})`);
        }
      }
      assert.deepEqual(
        result.radkit,
        result.radclient,
        `${direction}: radclient input ${JSON.stringify(drawn.map(radclientLine))}\n` +
          `disagreeing on their own: ${JSON.stringify(alone)}\n` +
          `datagram ${result.datagram}\nradclient printed:\n${result.output}`,
      );
    });
    try {
      await fc.assert(property, { seed: SEED, numRuns: RUNS });
    } catch (error) {
      // fast-check's report has the seed, the path and the shrunk
      // counterexample; say how to rerun it.
      if (error instanceof Error) {
        error.message += `\nReproduce with RADKIT_DIFF_SEED=${SEED}`;
      }
      throw error;
    }
  });
}
