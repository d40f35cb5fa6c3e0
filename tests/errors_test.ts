import { test } from "node:test";
import assert from "node:assert/strict";
import {
  DictionaryError,
  InvalidOptionError,
  MalformedPacketError,
  RadiusError,
  UnknownAttributeError,
  ValueError,
} from "../src/errors.ts";

test("RadiusError carries a stable code, its cause and its class name", () => {
  const cause = new Error("inner");
  const error = new RadiusError("outer", { cause });
  assert.equal(error.code, "ERR_RADIUS");
  assert.equal(error.cause, cause);
  assert.equal(error.name, "RadiusError");
  assert.ok(error instanceof Error);
});

test("DictionaryError names file and line in its message", () => {
  const error = new DictionaryError('unknown type "fo0"', { file: "dictionary.foo", line: 12 });
  assert.equal(error.message, 'Cannot parse dictionary.foo line 12: unknown type "fo0"');
  assert.equal(error.code, "ERR_DICTIONARY");
  assert.equal(error.name, "DictionaryError");
  assert.equal(error.file, "dictionary.foo");
  assert.equal(error.line, 12);
  assert.ok(error instanceof RadiusError);
});

test("DictionaryError without a line names only the file", () => {
  const error = new DictionaryError('VALUE for missing attribute "Foo"', {
    file: "dictionary",
    line: 0,
  });
  assert.equal(error.message, 'Cannot parse dictionary: VALUE for missing attribute "Foo"');
});

test("MalformedPacketError keeps the byte offset", () => {
  const error = new MalformedPacketError("length field 9 is below 20", 2);
  assert.equal(error.offset, 2);
  assert.equal(error.code, "ERR_MALFORMED_PACKET");
  assert.match(error.message, /at byte 2: length field 9/);
});

test("UnknownAttributeError suggests names, or says to load a dictionary", () => {
  assert.match(
    new UnknownAttributeError("User-Nam", ["User-Name", "User-Password"]).message,
    /^Unknown attribute "User-Nam"; did you mean "User-Name" or "User-Password"\?$/,
  );
  assert.match(new UnknownAttributeError("Foo").message, /load a dictionary that defines it/);
});

test("ValueError names attribute, type and value", () => {
  const error = new ValueError("NAS-Port", "integer", -1, "must be 0..4294967295");
  assert.equal(error.message, "Invalid value -1 for NAS-Port (integer): must be 0..4294967295");
  assert.equal(error.attribute, "NAS-Port");
  assert.equal(
    new ValueError("X", "integer64", 5n, "r").message,
    "Invalid value 5n for X (integer64): r",
  );
  assert.equal(
    new ValueError("X", "octets", new Uint8Array(3), "r").message,
    "Invalid value <3 bytes> for X (octets): r",
  );
});

test("InvalidOptionError names the option and has its code", () => {
  const error = new InvalidOptionError("servers[2]", "Invalid servers[2]");
  assert.equal(error.code, "ERR_INVALID_OPTION");
  assert.equal(error.option, "servers[2]");
  assert.equal(error.name, "InvalidOptionError");
});
