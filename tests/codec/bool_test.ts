// The bool type of FreeRADIUS 3.2.9+ dictionaries: one octet on the wire,
// 1 or 0 when sent, any non-zero octet true when received (src/lib/radius.c).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Code } from "../../src/codec/code.ts";
import { Dictionary } from "../../src/dictionary/dictionary.ts";
import { ValueError } from "../../src/errors.ts";
import { Packet } from "../../src/packet.ts";
import { formatAttribute } from "../../src/cli/output.ts";

const dictionary = Dictionary.parse(
  "ATTRIBUTE Flag 200 bool\nATTRIBUTE Named 201 bool\nVALUE Named off 0\nVALUE Named on 1\n",
);

function wire(value: unknown): Uint8Array {
  const packet = Packet.create(Code.AccountingRequest, dictionary, {});
  packet.add("Flag", value as boolean);
  return packet.encode("s3cret").subarray(20);
}

test("bool values encode as one octet, 1 or 0, from booleans, 0/1, yes/no and VALUE names", () => {
  for (const truth of [true, 1, "yes", "YES", "true"]) {
    assert.deepEqual(wire(truth), Uint8Array.of(200, 3, 1));
  }
  for (const untruth of [false, 0, "no", "false"]) {
    assert.deepEqual(wire(untruth), Uint8Array.of(200, 3, 0));
  }
  const named = Packet.create(Code.AccountingRequest, dictionary, { Named: "on" });
  assert.deepEqual(named.encode("s3cret").subarray(20), Uint8Array.of(201, 3, 1));
});

test("bool values decode as booleans; any non-zero octet is true; other lengths stay bytes", () => {
  const decode = (attributes: number[]) => {
    const datagram = Packet.create(Code.AccountingRequest, dictionary, {}).encode("s3cret");
    const bytes = Uint8Array.from([...datagram, ...attributes]);
    bytes[3] = bytes.length;
    // A value that is not one octet did not decode: get() skips it, getRaw() has it.
    const packet = Packet.decode(bytes, { dictionary });
    return packet.get("Flag") ?? packet.getRaw("Flag");
  };
  assert.equal(decode([200, 3, 1]), true);
  assert.equal(decode([200, 3, 0]), false);
  assert.equal(decode([200, 3, 0x80]), true);
  assert.deepEqual(decode([200, 4, 1, 1]), Uint8Array.of(1, 1));
});

test("bool refuses anything else with a ValueError that says what it takes", () => {
  for (const bad of [2, "maybe", null, {}]) {
    assert.throws(() => wire(bad), (error: unknown) => {
      assert.ok(error instanceof ValueError);
      assert.match(error.message, /expected a boolean, 0 or 1, or "yes"\/"no"/);
      return true;
    });
  }
});

test("the CLI prints a bool as FreeRADIUS does: yes or no", () => {
  const packet = Packet.create(Code.AccountingRequest, dictionary, { Flag: true });
  packet.add("Named", false);
  assert.deepEqual(packet.attributes().map((attribute) => formatAttribute(attribute)), [
    "Flag = yes",
    "Named = no",
  ]);
});
