// radkit dict: counts and look-ups in the bundled dictionaries and in the
// Debian FreeRADIUS tree.
import { test } from "node:test";
import assert from "node:assert/strict";
import { assertPeers, needs } from "../_peers.ts";
import { cli } from "./_cli.ts";

const T = { timeout: 60000 };
const DEBIAN = "/usr/share/freeradius/dictionary";

test("dict --stats counts the bundled dictionaries", T, async () => {
  const result = await cli(["dict", "--stats", "--json"]);
  assert.equal(result.code, 0, result.stderr);
  const stats = JSON.parse(result.stdout);
  assert.ok(stats.attributes > 200, result.stdout);
  assert.ok(stats.values > 100);
  assert.equal(stats.files, 0);
  assert.equal(stats.bundled, true);
  const text = await cli(["dict", "--stats"]);
  assert.match(text.stdout, /^attributes\s+\d+/m);
  assert.match(text.stdout, /^vendors\s+\d+/m);
});

test("dict --stats on the Debian FreeRADIUS tree", { ...T, ...needs("dictionaries") }, async () => {
  assertPeers("dictionaries");
  const result = await cli(["dict", "--dict", DEBIAN, "--stats", "--json"]);
  assert.equal(result.code, 0, result.stderr);
  const stats = JSON.parse(result.stdout);
  assert.ok(stats.attributes > 5000, result.stdout);
  assert.ok(stats.vendors > 100);
  assert.ok(stats.files > 100);
  assert.equal(stats.bundled, false);
  const cisco = await cli(["dict", "--dict", DEBIAN, "26.9.1"]);
  assert.equal(cisco.code, 0, cisco.stderr);
  assert.match(cisco.stdout, /^Cisco-AVPair$/m);
  assert.match(cisco.stdout, /vendor\s+Cisco \(9\)/);
});

test("dict User-Name prints its definition", T, async () => {
  const result = await cli(["dict", "User-Name"]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^User-Name$/m);
  assert.match(result.stdout, /oid\s+1$/m);
  assert.match(result.stdout, /type\s+string$/m);
  const json = JSON.parse((await cli(["dict", "user-name", "--json"])).stdout);
  assert.deepEqual(
    { name: json.name, oid: json.oid, type: json.type, vendor: json.vendor },
    { name: "User-Name", oid: "1", type: "string", vendor: null },
  );
});

test("dict by number: 26.311.1 and a VALUE list", T, async () => {
  const result = await cli(["dict", "26.311.1"]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^MS-CHAP-Response$/m);
  assert.match(result.stdout, /vendor\s+Microsoft \(311\)/);
  const service = JSON.parse((await cli(["dict", "6", "--json"])).stdout);
  assert.equal(service.name, "Service-Type");
  assert.equal(service.values["Framed-User"], 2);
});

test("dict of an unknown name exits 1 with a suggestion", T, async () => {
  const result = await cli(["dict", "Framed-IP-Adress"]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /did you mean "Framed-IP-Address"/);
  const missing = await cli(["dict", "--dict", "/nonexistent/dictionary", "--stats"]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /nonexistent/);
});
