// adapters/auto.ts: the adapter of the runtime it runs on, picked without
// touching another runtime's globals at import time.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Dictionary } from "../../src/dictionary/dictionary.ts";
import { loadDictionary, udp } from "../../adapters/auto.ts";
import { runChild, runtime } from "./_subjects.ts";

const expectedName = { deno: "deno", bun: "bun", node: "node:dgram" }[runtime];

test(`udp() of adapters/auto.ts is adapters/${runtime}.ts here`, async () => {
  const transport = udp();
  assert.equal(transport.name, expectedName);
  const { promise, resolve } = Promise.withResolvers<Uint8Array>();
  const receiver = await transport.bind({ hostname: "127.0.0.1", port: 0 }, resolve);
  const sender = await transport.bind({ hostname: "127.0.0.1", port: 0 }, () => {});
  try {
    await sender.send(new Uint8Array([7, 8]), receiver.local);
    assert.deepEqual(await promise, new Uint8Array([7, 8]));
  } finally {
    await sender.close();
    await receiver.close();
  }
});

test("loadDictionary() of adapters/auto.ts reads with this runtime's file API", async () => {
  const dir = await mkdtemp(join(tmpdir(), "radkit-auto-"));
  try {
    await writeFile(
      join(dir, "dictionary"),
      "VENDOR Acme 99999\nATTRIBUTE Acme-Level 1 integer Acme\n",
    );
    const dictionary = await loadDictionary(join(dir, "dictionary"), Dictionary.default());
    assert.equal(dictionary.attribute("Acme-Level")?.oid, "26.99999.1");
    assert.equal(dictionary.attribute("User-Name")?.code, 1);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("importing the adapters reads no other runtime's global", async () => {
  const { code, output, timedOut } = await runChild("_auto_child.ts", ["import"]);
  assert.equal(timedOut, false, output);
  assert.equal(code, 0, output);
  assert.match(output, /^imported$/m);
});

test(
  "udp() of adapters/auto.ts on Deno without --unstable-net falls back to Deno's node:dgram",
  { skip: runtime !== "deno" && "Deno only" },
  async () => {
    const { code, output, timedOut } = await runChild(
      "_auto_child.ts",
      ["udp"],
      () => {},
      ["run", "-A"],
    );
    assert.equal(timedOut, false, output);
    assert.equal(code, 0, output);
    assert.match(output, /^name node:dgram$/m);
    assert.match(output, /^round trip$/m);
  },
);
