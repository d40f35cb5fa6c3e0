// Attribute names and values of the bundled dictionaries are typed: `deno
// task check` fails if a @ts-expect-error below stops being an error, and at
// run time the same mistakes throw ValueError.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Code } from "../../src/codec/code.ts";
import { Dictionary } from "../../src/dictionary/dictionary.ts";
import { Packet } from "../../src/packet.ts";
import { ValueError } from "../../src/errors.ts";

const dictionary = Dictionary.default();

test("typed attributes: right values compile and read back with their types", () => {
  const packet = Packet.create(Code.AccessRequest, dictionary, {
    "User-Name": "bob",
    "Service-Type": "Framed-User",
    "NAS-Port": 3,
    "Tunnel-Type": { tag: 1, value: "VLAN" },
    "Event-Timestamp": new Date(0),
  });
  const name: string | Uint8Array | undefined = packet.get("User-Name");
  const port: number | Uint8Array | undefined = packet.get("NAS-Port");
  const timestamp: Date | Uint8Array | undefined = packet.get("Event-Timestamp");
  assert.equal(name, "bob");
  assert.equal(port, 3);
  assert.deepEqual(timestamp, new Date(0));
});

test("typed attributes: wrong values are compile errors and ValueErrors", () => {
  assert.throws(
    // @ts-expect-error NAS-Port is an integer
    () => Packet.create(Code.AccessRequest, dictionary, { "NAS-Port": "three" }),
    ValueError,
  );
  assert.throws(
    // @ts-expect-error not a VALUE name of Service-Type
    () => Packet.create(Code.AccessRequest, dictionary, { "Service-Type": "Framed-Usr" }),
    ValueError,
  );
  const packet = Packet.create(Code.AccessRequest, dictionary);
  // @ts-expect-error Framed-IP-Address is text such as "192.0.2.1"
  assert.throws(() => packet.set("Framed-IP-Address", 42), ValueError);
});
