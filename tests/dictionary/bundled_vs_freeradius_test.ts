// Acceptance (issue 3): radkit's bundled RFC dictionaries agree with the
// dictionaries Debian ships with FreeRADIUS 3.2 on every IETF (vendor-0)
// attribute of the same RFCs: same number, type and flags. Differences are
// either fixed or listed here with the reason (see dictionaries/DIFFERENCES.md).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { assertPeers, needs } from "../_peers.ts";
import { Dictionary } from "../../src/dictionary/mod.ts";
import { bundled as bundledFiles } from "../../dictionaries/bundled.ts";
import type { AttributeDef } from "../../src/dictionary/model.ts";

const DIR = "/usr/share/freeradius";

/** Deliberate differences in vendor-0 attributes: name → reason. Empty: none remain. */
const KNOWN_DIFFERENCES: Record<string, string> = {};

function describe(def: AttributeDef): string {
  const flags = Object.entries(def.flags).filter(([, v]) => v !== false && v !== 0)
    .map(([k, v]) => (v === true ? k : `${k}=${v}`)).join(",");
  const size = def.size === undefined ? "" : `[${def.size}]`;
  return `${def.oid} ${def.type}${size} ${flags}`.trim();
}

test(
  "every vendor-0 attribute of Debian's FreeRADIUS RFC dictionaries matches the bundled one",
  needs("dictionaries"),
  async () => {
    assertPeers("dictionaries");
    const bundled = Dictionary.default();
    const ours = new Set(Object.keys(bundledFiles));
    const read = (path: string) => readFile(path, "utf8");
    const tree = await Dictionary.load(`${DIR}/dictionary`, read);
    const included = await read(`${DIR}/dictionary`);
    // The RFC files radkit bundles, by the names FreeRADIUS uses for them.
    const files = (await readdir(DIR)).filter((name) =>
      ours.has(name) && name.startsWith("dictionary.rfc")
    );
    assert.ok(files.length >= 30, `expected the RFC files, found ${files.join(", ")}`);
    let compared = 0;
    const mismatches: string[] = [];
    for (const file of files) {
      // Files the tree leaves out (dictionary.rfc5090 conflicts with
      // FreeRADIUS's internal Digest-* numbers) are read on top of RFC 2865.
      const debian =
        new RegExp(`^\\$INCLUDE\\s+${file.replaceAll(".", "\\.")}\\s*$`, "m").test(included)
          ? tree
          : await (await Dictionary.load(`${DIR}/dictionary.rfc2865`, read)).extendFile(
            `${DIR}/${file}`,
            read,
          );
      let vendorBlock = false;
      for (const line of (await readFile(`${DIR}/${file}`, "utf8")).split("\n")) {
        const words = line.replace(/#.*/, "").trim().split(/\s+/);
        if (words[0] === "BEGIN-VENDOR") vendorBlock = true;
        if (words[0] === "END-VENDOR") vendorBlock = false;
        if (words[0] !== "ATTRIBUTE" || vendorBlock || words.length < 4) continue;
        if (
          words[4] !== undefined && !words[4].includes("=") &&
          !/^(has_tag|array|concat|virtual|secret)(,|$)/.test(words[4])
        ) {
          continue; // old-style vendor column: not vendor 0
        }
        const name = words[1]!;
        const theirs = debian.attribute(name);
        if (theirs === undefined || theirs.vendor !== undefined || theirs.flags.virtual) continue;
        const mine = bundled.attribute(name);
        compared++;
        if (name in KNOWN_DIFFERENCES) continue;
        if (mine === undefined) {
          mismatches.push(`${file}: ${name} missing from the bundled dictionaries`);
        } else if (describe(mine) !== describe(theirs)) {
          mismatches.push(
            `${file}: ${name}: ours ${describe(mine)}, FreeRADIUS ${describe(theirs)}`,
          );
        }
      }
    }
    console.log(
      `bundled vs FreeRADIUS: ${compared} vendor-0 attributes compared in ${files.length} RFC files`,
    );
    assert.deepEqual(mismatches, []);
    assert.ok(compared > 200, `only ${compared} attributes compared`);
  },
);
