// The small pure helpers under the parser: include paths, numbers, flags,
// and the "did you mean" ranking.
import { test } from "node:test";
import assert from "node:assert/strict";
import { normalize, resolveInclude } from "../../src/dictionary/_path.ts";
import { parseBigNumber, parseNumber } from "../../src/dictionary/_number.ts";
import { parseFlagsColumn } from "../../src/dictionary/_flags.ts";
import { closestNames } from "../../src/dictionary/_suggest.ts";
import { Lines } from "../../src/dictionary/_lines.ts";

function readAll(text: string): string[] {
  const lines = new Lines(text);
  const out: string[] = [];
  for (let fields = lines.next(); fields !== undefined; fields = lines.next()) {
    out.push(`${lines.line}:${fields.join("|")}`);
  }
  return out;
}

test("Lines splits on spaces, tabs and CR, cuts at #, and numbers lines from 1", () => {
  assert.deepEqual(
    readAll("\uFEFF# comment\r\nATTRIBUTE\tA  1 string\r\n\n  \t \nVALUE A B 1#x\n#\nEND"),
    ["2:ATTRIBUTE|A|1|string", "5:VALUE|A|B|1", "7:END"],
  );
  assert.deepEqual(readAll(""), []);
  assert.deepEqual(readAll("\n\n# only comments\n"), []);
  assert.deepEqual(readAll("a#b#c\nd # e\n#f\ng"), ["1:a", "2:d", "4:g"]);
});

test("resolveInclude() resolves relative to the including file's directory", () => {
  assert.equal(resolveInclude("dictionary.rfc2865", "dictionary"), "dictionary.rfc2865");
  assert.equal(
    resolveInclude("dictionary.cisco", "/usr/share/freeradius/dictionary"),
    "/usr/share/freeradius/dictionary.cisco",
  );
  assert.equal(
    resolveInclude("../local/dictionary.x", "/etc/raddb/dictionary"),
    "/etc/local/dictionary.x",
  );
  assert.equal(resolveInclude("./sub/./d", "a/b/dictionary"), "a/b/sub/d");
  assert.equal(resolveInclude("/abs/dictionary", "/etc/raddb/dictionary"), "/abs/dictionary");
  assert.equal(resolveInclude("../x", "dictionary"), "../x");
});

test("normalize() removes dot segments and doubled slashes", () => {
  assert.equal(normalize("/a//b/../c/./d"), "/a/c/d");
  assert.equal(normalize("/../a"), "/a");
  assert.equal(normalize("a/../../b"), "../b");
  assert.equal(normalize("a/.."), ".");
  assert.equal(normalize("/"), "/");
});

test("parseNumber() reads decimal, hex and 0o octal, and rejects everything else", () => {
  assert.equal(parseNumber("0"), 0);
  assert.equal(parseNumber("42"), 42);
  assert.equal(parseNumber("010"), 10);
  assert.equal(parseNumber("0x1F"), 31);
  assert.equal(parseNumber("0XfF"), 255);
  assert.equal(parseNumber("0o17"), 15);
  for (const bad of ["", "-1", "+1", "1.5", "0x", "0xg", "0o8", "1e3", " 1", "١"]) {
    assert.equal(parseNumber(bad), undefined, bad);
  }
  assert.equal(parseNumber("9007199254740993"), undefined);
});

test("parseBigNumber() reads any size and a leading minus", () => {
  assert.equal(parseBigNumber("18446744073709551615"), 18446744073709551615n);
  assert.equal(parseBigNumber("0xFFFFFFFFFFFFFFFF"), 18446744073709551615n);
  assert.equal(parseBigNumber("-2147483648"), -2147483648n);
  assert.equal(parseBigNumber("0o777"), 511n);
  assert.equal(parseBigNumber("one"), undefined);
  assert.equal(parseBigNumber("--1"), undefined);
});

test("parseFlagsColumn() tells flags, a vendor name and a bad column apart", () => {
  assert.deepEqual(parseFlagsColumn("has_tag,encrypt=2"), {
    kind: "flags",
    flags: {
      hasTag: true,
      encrypt: 2,
      array: false,
      concat: false,
      virtual: false,
      secret: false,
    },
  });
  assert.deepEqual(parseFlagsColumn("Cisco"), { kind: "vendor", name: "Cisco" });
  assert.equal(parseFlagsColumn("Cisco,has_tag").kind, "error");
  assert.equal(parseFlagsColumn("encrypt=x").kind, "error");
  assert.equal(parseFlagsColumn(",has_tag").kind, "error");
  assert.equal(parseFlagsColumn("has_tag,").kind, "flags");
});

test("closestNames() ranks typos, then names containing the input", () => {
  const names = [
    "User-Name",
    "User-Password",
    "Framed-IP-Address",
    "Framed-IP-Netmask",
    "NAS-Port",
  ];
  assert.deepEqual(closestNames("User-Nmae", names, 3), ["User-Name"]);
  assert.deepEqual(closestNames("user-name", names, 3), ["User-Name"]);
  assert.deepEqual(closestNames("Framed-IP", names, 3), ["Framed-IP-Address", "Framed-IP-Netmask"]);
  assert.deepEqual(closestNames("Framed-IP", names, 1), ["Framed-IP-Address"]);
  assert.deepEqual(closestNames("Completely-Different", names, 3), []);
  assert.deepEqual(closestNames("NAS-Prot", names, 0), []);
});
