// The generated TypeScript for the bundled dictionaries (dictionaries/*.ts)
// must match the dictionary texts it is generated from.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { DICTIONARY_DIR, generate, readDictionaryFiles } from "../../scripts/gen_dictionaries.ts";
import { Dictionary } from "../../src/dictionary/mod.ts";
import { bundled } from "../../dictionaries/bundled.ts";
import type { AttributeTypes, AttributeValues } from "../../dictionaries/attribute_types.ts";
import type { AttributeName } from "../../src/packet.ts";

test("dictionaries/bundled.ts and attribute_types.ts are up to date with the dictionary files", async () => {
  const generated = generate(await readDictionaryFiles(DICTIONARY_DIR));
  for (const [name, text] of Object.entries(generated)) {
    const committed = await readFile(`${DICTIONARY_DIR}${name}`, "utf8").catch(() => "");
    assert.ok(
      committed === text,
      `dictionaries/${name} is out of date with the dictionary files: run \`deno task gen\` ` +
        "(node_modules/.bin/deno run -A scripts/gen_dictionaries.ts) and commit the result",
    );
  }
});

test("Dictionary.default() holds every attribute of the bundled dictionary files", async () => {
  const files = await readDictionaryFiles(DICTIONARY_DIR);
  const fromFiles = Dictionary.parse(files.get("dictionary")!, {
    include: (name) => files.get(name),
  });
  const names = (d: Dictionary) => [...d.attributes()].map((a) => `${a.name}=${a.oid}:${a.type}`);
  assert.deepEqual(names(Dictionary.default()), names(fromFiles));
  assert.equal(Object.keys(bundled)[0], "dictionary");
});

test("generate() embeds the included files and types attributes by dictionary type", () => {
  const files = new Map([
    ["dictionary", "$INCLUDE dictionary.a\n"],
    [
      "dictionary.a",
      [
        "ATTRIBUTE User-Name 1 string",
        "ATTRIBUTE Service-Type 6 integer",
        "VALUE Service-Type Login-User 1",
        "VALUE Service-Type Framed-User 2",
        "ATTRIBUTE Tunnel-Type 64 integer has_tag",
        "VALUE Tunnel-Type L2TP 3",
        "ATTRIBUTE Class 25 octets",
        "ATTRIBUTE Event-Timestamp 55 date",
        "ATTRIBUTE Counter 3000 integer64",
        "ATTRIBUTE Prefix 97 ipv6prefix",
        "ATTRIBUTE Config 173 tlv",
        "ATTRIBUTE Config-Len 173.1 byte",
        "ATTRIBUTE Config-Prefix 173.2 ipv6prefix",
        "ATTRIBUTE Empty-Tlv 174 tlv",
        "ATTRIBUTE Note 175 string # with a `backtick` and ${dollar} and \\\\ backslash",
      ].join("\n"),
    ],
    ["dictionary.unused", "ATTRIBUTE Unused 200 string\n"],
  ]);
  const { "bundled.ts": bundledText, "attribute_types.ts": types } = generate(files);
  assert.match(bundledText, /^ {2}"dictionary": `\$INCLUDE dictionary\.a\n`,$/m);
  assert.match(bundledText, /"dictionary\.a": `ATTRIBUTE User-Name 1 string\n/);
  assert.match(bundledText, /with a \\`backtick\\` and \\\${dollar} and \\\\\\\\ backslash/);
  assert.doesNotMatch(bundledText, /Unused/);
  for (
    const line of [
      '  "User-Name": string;',
      '  "Service-Type": AttributeValues["Service-Type"] | number;',
      '  "Tunnel-Type": AttributeValues["Tunnel-Type"] | number | Tagged<AttributeValues["Tunnel-Type"] | number>;',
      '  "Class": Uint8Array;',
      '  "Event-Timestamp": Date;',
      '  "Counter": bigint;',
      '  "Prefix": string;',
      '  "Empty-Tlv": Record<string, unknown>;',
      '    "Config-Len"?: number | number[];',
      '  "Config-Len": number;',
      '    | "Framed-User";',
    ]
  ) assert.ok(types.includes(`${line}\n`), line);
  assert.doesNotMatch(types, /Unused/);
});

test("the generated types list attribute names and VALUE names for editors", () => {
  // Checked by the type checker under `deno test`; the values also run.
  const name: AttributeName = "Framed-IP-Address";
  const serviceType: AttributeTypes["Service-Type"] = "Framed-User";
  const numeric: AttributeTypes["Service-Type"] = 2;
  const value: AttributeValues["Service-Type"] = "Login-User";
  const tunnel: AttributeTypes["Tunnel-Type"] = { tag: 1, value: "L2TP" };
  const address: AttributeTypes["Framed-IP-Address"] = "192.0.2.1";
  const octets: AttributeTypes["Class"] = new Uint8Array(2);
  const dictionary = Dictionary.default();
  assert.equal(dictionary.attribute(name)?.type, "ipaddr");
  assert.equal(
    dictionary.attribute("Service-Type")?.valueNumbers.get(serviceType.toLowerCase()),
    numeric,
  );
  assert.equal(dictionary.attribute("Service-Type")?.valueNumbers.get(value.toLowerCase()), 1);
  assert.equal(typeof tunnel, "object");
  assert.equal(typeof address, "string");
  assert.equal(octets.length, 2);
});
