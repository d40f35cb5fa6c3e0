// Each adapter's one-call dictionary loader, on the runtime it is for.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Dictionary } from "../../src/dictionary/dictionary.ts";
import { DictionaryError } from "../../src/errors.ts";
import { loadDictionary as bunLoad } from "../../adapters/bun.ts";
import { loadDictionary as denoLoad } from "../../adapters/deno.ts";
import { loadDictionary as nodeLoad } from "../../adapters/node.ts";
import { needs } from "../_peers.ts";
import { runtime } from "../_udp.ts";

const load = runtime === "deno" ? denoLoad : runtime === "bun" ? bunLoad : nodeLoad;

test(`loadDictionary() of adapters/${runtime}.ts follows $INCLUDEs relative to each file`, async () => {
  const dir = await mkdtemp(join(tmpdir(), "radkit-dictionary-"));
  try {
    await mkdir(join(dir, "vendors"));
    await writeFile(join(dir, "dictionary"), "$INCLUDE vendors/dictionary.acme\n");
    // Nested $INCLUDE: relative to vendors/, the including file's folder.
    await writeFile(
      join(dir, "vendors", "dictionary.acme"),
      "VENDOR Acme 99999\n$INCLUDE dictionary.acme.values\n",
    );
    await writeFile(
      join(dir, "vendors", "dictionary.acme.values"),
      "ATTRIBUTE Acme-Only 1 string Acme\n",
    );
    const alone = await load(join(dir, "dictionary"));
    assert.equal(alone.attribute("Acme-Only")?.oid, "26.99999.1");
    assert.equal(alone.attribute("User-Name"), undefined);
    const onTop = await load(join(dir, "dictionary"), Dictionary.default());
    assert.equal(onTop.attribute("Acme-Only")?.oid, "26.99999.1");
    assert.equal(onTop.attribute("User-Name")?.code, 1);
    await assert.rejects(load(join(dir, "missing")), DictionaryError);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test(
  `loadDictionary() of adapters/${runtime}.ts loads Debian's FreeRADIUS tree`,
  needs("dictionaries"),
  async () => {
    const dictionary = await load("/usr/share/freeradius/dictionary");
    assert.equal(dictionary.attribute("Cisco-AVPair")?.oid, "26.9.1");
  },
);
