// Malformed dictionaries: each must fail with a DictionaryError that names
// the file and line to fix, and must never leave a half-loaded dictionary.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Dictionary } from "../../src/dictionary/mod.ts";
import { DictionaryError } from "../../src/errors.ts";

interface Case {
  /** What is wrong. */
  readonly name: string;
  /** The files; the first one is the entry file. */
  readonly files: Record<string, string>;
  /** The file and line the error must name. */
  readonly file: string;
  readonly line: number;
  /** What the message must say. */
  readonly message: RegExp;
}

const VENDOR_9 = "VENDOR Cisco 9\n";

const cases: Case[] = [
  {
    name: "unknown type",
    files: { "dictionary.foo": "\n".repeat(11) + "ATTRIBUTE Foo 1 fo0\n" },
    file: "dictionary.foo",
    line: 12,
    message: /^Cannot parse dictionary\.foo line 12: unknown type "fo0"; use one of string/,
  },
  {
    name: "bad attribute number",
    files: { dictionary: "ATTRIBUTE Foo 1x string\n" },
    file: "dictionary",
    line: 1,
    message: /invalid attribute number "1x"/,
  },
  {
    name: "bad dotted number",
    files: { dictionary: "ATTRIBUTE E 241 extended\nATTRIBUTE Foo 241.x integer\n" },
    file: "dictionary",
    line: 2,
    message: /invalid attribute number "241\.x"/,
  },
  {
    name: "negative attribute number",
    files: { dictionary: "ATTRIBUTE Foo -1 string\n" },
    file: "dictionary",
    line: 1,
    message: /invalid attribute number "-1"/,
  },
  {
    name: "attribute 0",
    files: { dictionary: "ATTRIBUTE Foo 0 string\n" },
    file: "dictionary",
    line: 1,
    message: /number 0 is out of range/,
  },
  {
    name: "dotted number whose parent is not defined",
    files: { dictionary: "ATTRIBUTE Foo 241.1 integer\n" },
    file: "dictionary",
    line: 1,
    message: /the parent "241" of attribute number "241\.1" is not defined/,
  },
  {
    name: "dotted number under a non-tlv attribute",
    files: { dictionary: "ATTRIBUTE T 5 string\nATTRIBUTE Foo 5.1 integer\n" },
    file: "dictionary",
    line: 2,
    message: /"5" \(T\) has type string, which cannot have sub-attributes/,
  },
  {
    name: "unknown flag among flags",
    files: { dictionary: "ATTRIBUTE Foo 1 string has_tag,bogus\n" },
    file: "dictionary",
    line: 1,
    message: /unknown flag "bogus"; use has_tag, encrypt=1\|2\|3, array, concat, virtual, secret/,
  },
  {
    name: "unknown single flag that is no vendor either",
    files: { dictionary: "ATTRIBUTE Foo 1 string Nope\n" },
    file: "dictionary",
    line: 1,
    message: /unknown flag or vendor "Nope"/,
  },
  {
    name: "encrypt method out of range",
    files: { dictionary: "ATTRIBUTE Foo 1 string encrypt=4\n" },
    file: "dictionary",
    line: 1,
    message: /invalid flag "encrypt=4"/,
  },
  {
    name: "encrypt=1 on an integer",
    files: { dictionary: "ATTRIBUTE Foo 1 integer encrypt=1\n" },
    file: "dictionary",
    line: 1,
    message: /encrypt=1 is only for string and octets\[N\] attributes, not integer/,
  },
  {
    name: "encrypt=1 on octets without a size",
    files: { dictionary: "ATTRIBUTE Foo 1 octets encrypt=1\n" },
    file: "dictionary",
    line: 1,
    message: /encrypt=1 is only for string and octets\[N\]/,
  },
  {
    name: "encrypt=3 on octets",
    files: { dictionary: "ATTRIBUTE Foo 1 octets encrypt=3\n" },
    file: "dictionary",
    line: 1,
    message: /encrypt=3 is only for string attributes/,
  },
  {
    name: "has_tag on octets",
    files: { dictionary: "ATTRIBUTE Foo 1 octets has_tag\n" },
    file: "dictionary",
    line: 1,
    message: /has_tag is only for string and integer attributes/,
  },
  {
    name: "array on octets",
    files: { dictionary: "ATTRIBUTE Foo 1 octets array\n" },
    file: "dictionary",
    line: 1,
    message: /the array flag is for ipaddr, ipv6addr, byte, short, integer, date and string/,
  },
  {
    name: "concat on a string",
    files: { dictionary: "ATTRIBUTE Foo 1 string concat\n" },
    file: "dictionary",
    line: 1,
    message: /the concat flag is only for octets attributes, not string/,
  },
  {
    name: "concat on a vendor attribute",
    files: { dictionary: VENDOR_9 + "BEGIN-VENDOR Cisco\nATTRIBUTE Foo 1 octets concat\n" },
    file: "dictionary",
    line: 3,
    message: /vendor attributes cannot have the concat flag/,
  },
  {
    name: "virtual on an attribute that goes on the wire",
    files: { dictionary: "ATTRIBUTE Foo 1 string virtual\n" },
    file: "dictionary",
    line: 1,
    message: /only server-internal attributes \(number 256 and above, no vendor\) can be virtual/,
  },
  {
    name: "flags inside an extended attribute",
    files: { dictionary: "ATTRIBUTE E 241 extended\nATTRIBUTE Foo 241.1 string has_tag\n" },
    file: "dictionary",
    line: 2,
    message: /inside an extended attribute \(RFC 6929\) can only have encrypt=2 or secret/,
  },
  {
    name: "flags on a container type",
    files: { dictionary: "ATTRIBUTE Vendor-Specific 26 vsa secret\n" },
    file: "dictionary",
    line: 1,
    message: /type vsa cannot have flags/,
  },
  {
    name: "secret on a type other than string or octets (FreeRADIUS 3.2.9+)",
    files: { dictionary: "ATTRIBUTE Foo 1 integer secret\n" },
    file: "dictionary",
    line: 1,
    message: /the secret flag is only for string and octets attributes, not integer/,
  },
  {
    name: "a bool VALUE other than 0 or 1",
    files: { dictionary: "ATTRIBUTE Foo 1 bool\nVALUE Foo Maybe 2\n" },
    file: "dictionary",
    line: 2,
    message: /VALUE Maybe = 2 does not fit Foo \(bool: 0..1\)/,
  },
  {
    name: "octets[0]",
    files: { dictionary: "ATTRIBUTE Foo 1 octets[0]\n" },
    file: "dictionary",
    line: 1,
    message: /invalid size in "octets\[0\]"; octets\[N\] needs N from 1 to 253/,
  },
  {
    name: "octets[300]",
    files: { dictionary: "ATTRIBUTE Foo 1 octets[300]\n" },
    file: "dictionary",
    line: 1,
    message: /invalid size in "octets\[300\]"/,
  },
  {
    name: "too few columns for ATTRIBUTE",
    files: { dictionary: "ATTRIBUTE Foo 1\n" },
    file: "dictionary",
    line: 1,
    message: /too few columns for ATTRIBUTE; write ATTRIBUTE name number type \[flags\]/,
  },
  {
    name: "too many columns for ATTRIBUTE",
    files: { dictionary: "ATTRIBUTE Foo 1 string has_tag extra\n" },
    file: "dictionary",
    line: 1,
    message: /too many columns for ATTRIBUTE/,
  },
  {
    name: "too few columns for VALUE",
    files: { dictionary: "ATTRIBUTE Foo 1 integer\nVALUE Foo 1\n" },
    file: "dictionary",
    line: 2,
    message: /too few columns for VALUE; write VALUE attribute name number/,
  },
  {
    name: "VALUE with a non-numeric number",
    files: { dictionary: "ATTRIBUTE Foo 1 integer\nVALUE Foo One one\n" },
    file: "dictionary",
    line: 2,
    message: /invalid VALUE number "one" for Foo One/,
  },
  {
    name: "VALUE too big for a byte",
    files: { dictionary: "ATTRIBUTE Foo 1 byte\nVALUE Foo Big 256\n" },
    file: "dictionary",
    line: 2,
    message: /VALUE Big = 256 does not fit Foo \(byte: 0\.\.255\)/,
  },
  {
    name: "VALUE for a string attribute",
    files: { dictionary: "ATTRIBUTE Foo 1 string\nVALUE Foo Bar 1\n" },
    file: "dictionary",
    line: 2,
    message: /attribute "Foo" has type string, which cannot have VALUEs/,
  },
  {
    name: "VALUE name given a second number",
    files: { dictionary: "ATTRIBUTE Foo 1 integer\nVALUE Foo A 1\nVALUE Foo a 2\n" },
    file: "dictionary",
    line: 3,
    message: /VALUE "a" of Foo is already 1 at dictionary line 2; give 2 another name/,
  },
  {
    name: "VALUE for an attribute no file defines (reported at the VALUE's line)",
    files: {
      dictionary: "$INCLUDE dictionary.values\nATTRIBUTE Foo 1 integer\n",
      "dictionary.values": "\nVALUE Fooo Bar 1\n",
    },
    file: "dictionary.values",
    line: 2,
    message: /VALUE "Bar" is for attribute "Fooo", which no file defines/,
  },
  {
    name: "BEGIN-VENDOR never closed",
    files: { dictionary: VENDOR_9 + "BEGIN-VENDOR Cisco\nATTRIBUTE Foo 1 string\n" },
    file: "dictionary",
    line: 2,
    message: /BEGIN-VENDOR Cisco is never closed; add END-VENDOR Cisco before the end of the file/,
  },
  {
    name: "BEGIN-VENDOR closed only in the including file",
    files: {
      dictionary: VENDOR_9 + "$INCLUDE dictionary.cisco\nEND-VENDOR Cisco\n",
      "dictionary.cisco": "BEGIN-VENDOR Cisco\n",
    },
    file: "dictionary.cisco",
    line: 1,
    message: /BEGIN-VENDOR Cisco is never closed/,
  },
  {
    name: "END-VENDOR without BEGIN-VENDOR",
    files: { dictionary: VENDOR_9 + "END-VENDOR Cisco\n" },
    file: "dictionary",
    line: 2,
    message: /END-VENDOR Cisco without BEGIN-VENDOR Cisco/,
  },
  {
    name: "END-VENDOR with the wrong name",
    files: {
      dictionary: VENDOR_9 + "VENDOR Juniper 2636\nBEGIN-VENDOR Cisco\nEND-VENDOR Juniper\n",
    },
    file: "dictionary",
    line: 4,
    message: /END-VENDOR Juniper does not match BEGIN-VENDOR Cisco at line 3/,
  },
  {
    name: "BEGIN-VENDOR inside another",
    files: {
      dictionary: VENDOR_9 + "VENDOR Juniper 2636\nBEGIN-VENDOR Cisco\nBEGIN-VENDOR Juniper\n",
    },
    file: "dictionary",
    line: 4,
    message: /BEGIN-VENDOR Juniper inside the block of vendor Cisco opened at line 3/,
  },
  {
    name: "BEGIN-VENDOR for an unknown vendor",
    files: { dictionary: "BEGIN-VENDOR Cisco\n" },
    file: "dictionary",
    line: 1,
    message: /unknown vendor "Cisco"; define it with VENDOR before BEGIN-VENDOR/,
  },
  {
    name: "BEGIN-VENDOR format naming an attribute that is not evs",
    files: { dictionary: VENDOR_9 + "ATTRIBUTE E 241 extended\nBEGIN-VENDOR Cisco format=E\n" },
    file: "dictionary",
    line: 3,
    message: /BEGIN-VENDOR format "E" is not an attribute of type evs/,
  },
  {
    name: "BEGIN-TLV never closed",
    files: { dictionary: "ATTRIBUTE T 173 tlv\nBEGIN-TLV T\nATTRIBUTE U 1 integer\n" },
    file: "dictionary",
    line: 2,
    message: /BEGIN-TLV T is never closed; add END-TLV T/,
  },
  {
    name: "END-TLV with the wrong name",
    files: { dictionary: "ATTRIBUTE T 173 tlv\nATTRIBUTE U 174 tlv\nBEGIN-TLV T\nEND-TLV U\n" },
    file: "dictionary",
    line: 4,
    message: /END-TLV U does not match BEGIN-TLV T at line 3; write END-TLV T/,
  },
  {
    name: "END-TLV without BEGIN-TLV",
    files: { dictionary: "ATTRIBUTE T 173 tlv\nEND-TLV T\n" },
    file: "dictionary",
    line: 2,
    message: /END-TLV T without BEGIN-TLV T/,
  },
  {
    name: "BEGIN-TLV of an attribute that is no tlv",
    files: { dictionary: "ATTRIBUTE T 173 string\nBEGIN-TLV T\n" },
    file: "dictionary",
    line: 2,
    message: /BEGIN-TLV T: the attribute has type string, not tlv/,
  },
  {
    name: "END-VENDOR inside an open BEGIN-TLV",
    files: {
      dictionary: VENDOR_9 +
        "BEGIN-VENDOR Cisco\nATTRIBUTE T 1 tlv\nBEGIN-TLV T\nEND-VENDOR Cisco\n",
    },
    file: "dictionary",
    line: 5,
    message: /END-VENDOR Cisco inside BEGIN-TLV T \(line 4\); close it with END-TLV T first/,
  },
  {
    name: "include loop",
    files: {
      dictionary: "$INCLUDE dictionary.a\n",
      "dictionary.a": "$INCLUDE dictionary.b\n",
      "dictionary.b": "\n$INCLUDE dictionary.a\n",
    },
    file: "dictionary.b",
    line: 2,
    message: /include loop: dictionary\.a -> dictionary\.b -> dictionary\.a/,
  },
  {
    name: "missing include (names both files)",
    files: { "raddb/dictionary": "\n\n$INCLUDE dictionary.gone\n" },
    file: "raddb/dictionary",
    line: 3,
    message: /^Cannot parse raddb\/dictionary line 3: cannot read "raddb\/dictionary\.gone"/,
  },
  {
    name: "same attribute name, other number",
    files: {
      dictionary: "ATTRIBUTE Foo 1 string\n$INCLUDE dictionary.b\n",
      "dictionary.b": "ATTRIBUTE foo 2 string\n",
    },
    file: "dictionary.b",
    line: 1,
    message: /attribute "foo" is already defined as number 1 at dictionary line 1/,
  },
  {
    name: "same attribute name, other type",
    files: { dictionary: "ATTRIBUTE Foo 1 string\nATTRIBUTE Foo 1 integer\n" },
    file: "dictionary",
    line: 2,
    message: /attribute "Foo" is already defined with type string at dictionary line 1/,
  },
  {
    name: "same attribute name, other flags",
    files: { dictionary: "ATTRIBUTE Foo 1 string\nATTRIBUTE Foo 1 string has_tag\n" },
    file: "dictionary",
    line: 2,
    message: /already defined with type string at dictionary line 1/,
  },
  {
    name: "same attribute name, other vendor",
    files: { dictionary: VENDOR_9 + "ATTRIBUTE Foo 1 string\nATTRIBUTE Foo 1 string Cisco\n" },
    file: "dictionary",
    line: 3,
    message: /attribute "Foo" is already defined as number 1 at dictionary line 2/,
  },
  {
    name: "attribute name of 128 characters",
    files: { dictionary: `ATTRIBUTE ${"A".repeat(128)} 1 string\n` },
    file: "dictionary",
    line: 1,
    message: /attribute name "A{24}\.\.\." is 128 characters long; FreeRADIUS allows at most 127/,
  },
  {
    name: "VALUE name of 200 characters",
    files: { dictionary: `ATTRIBUTE Foo 1 integer\nVALUE Foo ${"B".repeat(200)} 1\n` },
    file: "dictionary",
    line: 2,
    message: /VALUE name "B{24}\.\.\." is 200 characters long/,
  },
  {
    name: "vendor name of 128 characters",
    files: { dictionary: `VENDOR ${"V".repeat(128)} 9\n` },
    file: "dictionary",
    line: 1,
    message: /vendor name "V{24}\.\.\." is 128 characters long/,
  },
  {
    name: "attribute name with a character FreeRADIUS refuses",
    files: { dictionary: "ATTRIBUTE Foo:Bar 1 string\n" },
    file: "dictionary",
    line: 1,
    message: /invalid attribute name "Foo:Bar"/,
  },
  {
    name: "attribute name in the Attr- namespace",
    files: { dictionary: "ATTRIBUTE Attr-26 1 string\n" },
    file: "dictionary",
    line: 1,
    message: /names starting with "Attr-" are reserved/,
  },
  {
    name: "bad vendor format",
    files: { dictionary: "VENDOR Foo 99 format=3,1\n" },
    file: "dictionary",
    line: 1,
    message: /invalid vendor format "format=3,1"; use format=T,L with T 1, 2 or 4 and L 0, 1 or 2/,
  },
  {
    name: "continuation on a format other than 1,1",
    files: { dictionary: "VENDOR Foo 99 format=2,1,c\n" },
    file: "dictionary",
    line: 1,
    message: /only format=1,1 can have the continuation flag ",c"/,
  },
  {
    name: "vendor number 0",
    files: { dictionary: "VENDOR Foo 0\n" },
    file: "dictionary",
    line: 1,
    message: /vendor number 0 is out of range; FreeRADIUS allows 1\.\.16777215/,
  },
  {
    name: "vendor number of 2^24",
    files: { dictionary: "VENDOR Foo 16777216\n" },
    file: "dictionary",
    line: 1,
    message: /vendor number 16777216 is out of range/,
  },
  {
    name: "same vendor name, other number",
    files: { dictionary: "VENDOR Foo 99\nVENDOR foo 98\n" },
    file: "dictionary",
    line: 2,
    message: /vendor "foo" is already defined with number 99 at dictionary line 1/,
  },
  {
    name: "vendor number given another format",
    files: { dictionary: "VENDOR Starent 8164 format=2,2\nVENDOR Starent 8164 format=1,1\n" },
    file: "dictionary",
    line: 2,
    message: /is given format=1,1, but it was defined with format=2,2 as "Starent"/,
  },
  {
    name: "vendor attribute number too big for format 1,1",
    files: { dictionary: VENDOR_9 + "BEGIN-VENDOR Cisco\nATTRIBUTE Foo 256 string\n" },
    file: "dictionary",
    line: 3,
    message: /number 256 does not fit vendor Cisco \(format=1,1\); use 0\.\.255/,
  },
  {
    name: "tlv in a vendor of format 2,1",
    files: {
      dictionary: "VENDOR Lucent 4846 format=2,1\nBEGIN-VENDOR Lucent\nATTRIBUTE T 1 tlv\n",
    },
    file: "dictionary",
    line: 3,
    message: /type tlv needs a vendor with format=1,1, and Lucent has format=2,1/,
  },
  {
    name: "vendor column inside BEGIN-VENDOR",
    files: { dictionary: VENDOR_9 + "BEGIN-VENDOR Cisco\nATTRIBUTE Foo 1 string Cisco\n" },
    file: "dictionary",
    line: 3,
    message: /vendor column "Cisco" is not allowed inside a BEGIN-VENDOR or BEGIN-TLV block/,
  },
  {
    name: "vendor attribute (26.x.y) of a vendor never defined",
    files: { dictionary: "ATTRIBUTE Vendor-Specific 26 vsa\nATTRIBUTE Foo 26.9.1 string\n" },
    file: "dictionary",
    line: 2,
    message: /vendor 9 in "26\.9\.1" is not defined; define it with VENDOR first/,
  },
  {
    name: "extended type outside 241..255",
    files: { dictionary: "ATTRIBUTE Foo 240 extended\n" },
    file: "dictionary",
    line: 1,
    message: /type extended is only for attributes 241\.\.246/,
  },
  {
    name: "evs at a number other than 26",
    files: { dictionary: "ATTRIBUTE E 241 extended\nATTRIBUTE Foo 241.25 evs\n" },
    file: "dictionary",
    line: 2,
    message: /type evs must have number 26/,
  },
  {
    name: "unknown keyword",
    files: { dictionary: "\nPROTOCOL RADIUS 1\n" },
    file: "dictionary",
    line: 2,
    message: /unknown keyword "PROTOCOL"; expected ATTRIBUTE, VALUE, VENDOR/,
  },
  {
    name: "keyword alone",
    files: { dictionary: "VENDOR\n" },
    file: "dictionary",
    line: 1,
    message: /too few columns for VENDOR/,
  },
];

function parseFiles(files: Record<string, string>): Dictionary {
  const entry = Object.keys(files)[0]!;
  return Dictionary.parse(files[entry]!, { filename: entry, include: (name) => files[name] });
}

test("the malformed-dictionary table covers at least 25 cases", () => {
  assert.ok(cases.length >= 25, `${cases.length} cases`);
});

for (const c of cases) {
  test(`Dictionary.parse() rejects ${c.name} at ${c.file} line ${c.line}`, () => {
    assert.throws(
      () => parseFiles(c.files),
      (error: unknown) => {
        assert.ok(error instanceof DictionaryError, String(error));
        assert.equal(error.code, "ERR_DICTIONARY");
        assert.equal(error.file, c.file, error.message);
        assert.equal(error.line, c.line, error.message);
        assert.match(error.message, c.message);
        assert.ok(error.message.startsWith(`Cannot parse ${c.file} line ${c.line}: `));
        return true;
      },
    );
  });
}

test("Dictionary.parse() names the included file, the includer and the reader's error", () => {
  assert.throws(
    () =>
      Dictionary.parse("$INCLUDE dictionary.gone\n", {
        filename: "/etc/raddb/dictionary",
        include: () => {
          throw new Error("ENOENT: no such file or directory");
        },
      }),
    (error: unknown) => {
      assert.ok(error instanceof DictionaryError);
      assert.equal(
        error.message,
        'Cannot parse /etc/raddb/dictionary line 1: cannot read "/etc/raddb/dictionary.gone" ' +
          "included by $INCLUDE dictionary.gone: ENOENT: no such file or directory",
      );
      assert.ok(error.cause instanceof Error);
      return true;
    },
  );
});

test("Dictionary.parse() without an include function refuses $INCLUDE", () => {
  assert.throws(
    () => Dictionary.parse("$INCLUDE dictionary.rfc2865\n"),
    /cannot read "dictionary\.rfc2865" included by \$INCLUDE dictionary\.rfc2865: no include function/,
  );
});

test("a failed extend() leaves the dictionary it extends untouched", () => {
  const base = Dictionary.parse(
    "VENDOR Cisco 9\nATTRIBUTE Service-Type 6 integer\nVALUE Service-Type Login-User 1\n",
  );
  const before = JSON.stringify([...base.attributes()].map((a) => [a.name, [...a.valueNames]]));
  // The bad line comes after good definitions of every kind, so a parser that
  // wrote into the live dictionary would leave them behind.
  const bad = [
    "ATTRIBUTE New-Attr 7 string",
    "VALUE Service-Type Framed-User 2",
    "VENDOR Juniper 2636",
    "BEGIN-VENDOR Cisco",
    "ATTRIBUTE Cisco-AVPair 1 string",
    "END-VENDOR Cisco",
    "ATTRIBUTE Broken 8 fo0",
  ].join("\n");
  assert.throws(() => base.extend(bad, { filename: "dictionary.bad" }), /dictionary\.bad line 7/);
  assert.throws(() => base.extend("VALUE Nope X 1\n"), /no file defines/);
  assert.equal(base.attribute("New-Attr"), undefined);
  assert.equal(base.attribute("Service-Type")?.valueNames.get(2), undefined);
  assert.equal(base.vendor("Juniper"), undefined);
  assert.equal(base.vendor(9)?.attributes.size, 0);
  assert.equal(
    JSON.stringify([...base.attributes()].map((a) => [a.name, [...a.valueNames]])),
    before,
  );
  // And the same extension without the bad line works on the untouched base.
  const good = base.extend(bad.split("\n").slice(0, -1).join("\n"));
  assert.equal(good.attribute("Cisco-AVPair")?.oid, "26.9.1");
  assert.equal(good.attribute("Service-Type")?.valueNames.get(2), "Framed-User");
});

test("a failed load() or parse() produces no dictionary and leaves default() intact", async () => {
  const before = [...Dictionary.default().attributes()].length;
  await assert.rejects(
    Dictionary.load(
      "dictionary",
      (path) =>
        path === "dictionary"
          ? "ATTRIBUTE User-Name 1 string\n$INCLUDE dictionary.bad\n"
          : "ATTRIBUTE User-Name 1 integer\n",
    ),
    /dictionary\.bad line 1: attribute "User-Name" is already defined with type string/,
  );
  assert.throws(() => Dictionary.default().extend("ATTRIBUTE User-Name 1 integer\n"));
  assert.equal([...Dictionary.default().attributes()].length, before);
  assert.equal(Dictionary.default().attribute("User-Name")?.type, "string");
});
