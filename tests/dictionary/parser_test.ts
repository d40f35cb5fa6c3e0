// Every construct of the FreeRADIUS 3.2 dictionary format, read through
// Dictionary.parse and checked through the lookups the codec uses.
import { test } from "node:test";
import assert from "node:assert/strict";
import { type AttributeType, Dictionary } from "../../src/dictionary/mod.ts";
import { Code } from "../../src/codec/code.ts";
import { Packet } from "../../src/packet.ts";

function files(map: Record<string, string>, entry: string = "dictionary"): Dictionary {
  return Dictionary.parse(map[entry]!, {
    filename: entry,
    include: (name) => map[name],
  });
}

test("parse() reads attribute numbers in decimal, 0x hex and 0o octal", () => {
  const dictionary = Dictionary.parse(
    [
      "ATTRIBUTE Dec 12 string",
      "ATTRIBUTE Hex 0x1A string",
      "ATTRIBUTE Upper-Hex 0X1b string",
      "ATTRIBUTE Oct 0o17 string",
      "VENDOR Big 0x10",
      "ATTRIBUTE Int-Value 40 integer",
      "VALUE Int-Value Dec-Value 10",
      "VALUE Int-Value Hex-Value 0xff",
      "VALUE Int-Value Oct-Value 0o20",
    ].join("\n"),
  );
  assert.equal(dictionary.attribute("Dec")?.code, 12);
  assert.equal(dictionary.attribute("Hex")?.code, 26);
  assert.equal(dictionary.attribute("Upper-Hex")?.code, 27);
  assert.equal(dictionary.attribute("Oct")?.code, 15);
  assert.equal(dictionary.vendor("Big")?.id, 16);
  const values = dictionary.attribute("Int-Value")!.valueNumbers;
  assert.deepEqual([...values], [["dec-value", 10], ["hex-value", 255], ["oct-value", 16]]);
});

test("parse() reads a leading zero as decimal, as FreeRADIUS 3.2 sscanf_i() does", () => {
  const dictionary = Dictionary.parse("ATTRIBUTE Foo 010 integer\nVALUE Foo Ten 010\n");
  assert.equal(dictionary.attribute("Foo")?.code, 10);
  assert.equal(dictionary.attribute("Foo")?.valueNumbers.get("ten"), 10);
});

test("parse() reads dotted numbers for extended, evs and tlv children", () => {
  const dictionary = Dictionary.parse(
    [
      "ATTRIBUTE Extended-Attribute-1 241 extended",
      "ATTRIBUTE Extended-Attribute-5 245 long-extended",
      "ATTRIBUTE Extended-Vendor-Specific-5 245.26 evs",
      "ATTRIBUTE Frag-Status 241.1 integer",
      "ATTRIBUTE IP-Port-Limit-Info 241.5 tlv",
      "ATTRIBUTE IP-Port-Type 241.5.1 integer",
      "ATTRIBUTE IPv6-6rd-Configuration 173 tlv",
      "ATTRIBUTE IPv6-6rd-IPv4MaskLen 173.1 integer",
      "VENDOR FreeRADIUS 11344",
      "ATTRIBUTE FreeRADIUS-EVS-Thing 245.26.11344.7 octets",
    ].join("\n"),
  );
  const extended = dictionary.standard(241)!;
  assert.equal(extended.type, "extended");
  const frag = extended.children.get(1)!;
  assert.equal(frag.name, "Frag-Status");
  assert.equal(frag.parent, extended);
  assert.equal(frag.oid, "241.1");
  const limit = dictionary.byOid("241.5")!;
  assert.equal(limit.children.get(1), dictionary.byOid("241.5.1"));
  assert.equal(dictionary.byOid("241.5.1")?.parent, limit);
  assert.equal(dictionary.standard(173)?.children.get(1)?.name, "IPv6-6rd-IPv4MaskLen");
  assert.equal(dictionary.standard(245)?.children.get(26)?.type, "evs");
  const evs = dictionary.vendor(11344)!.evsAttributes.get(245)!.get(7)!;
  assert.equal(evs.name, "FreeRADIUS-EVS-Thing");
  assert.equal(evs.oid, "245.26.11344.7");
  assert.equal(evs.parent, dictionary.byOid("245.26"));
  assert.equal(evs.vendor, dictionary.vendor("FreeRADIUS"));
});

test("parse() resolves every type name and alias of the Debian dictionaries, ignoring case", () => {
  const cases: [string, AttributeType][] = [
    ["string", "string"],
    ["String", "string"],
    ["octets", "octets"],
    ["ipaddr", "ipaddr"],
    ["ipv4prefix", "ipv4prefix"],
    ["cidr", "ipv4prefix"],
    ["ipv6addr", "ipv6addr"],
    ["ipv6prefix", "ipv6prefix"],
    ["ifid", "ifid"],
    ["ether", "ether"],
    ["integer", "integer"],
    ["INTEGER", "integer"],
    ["uint32", "integer"],
    ["signed", "signed"],
    ["int32", "signed"],
    ["short", "short"],
    ["uint16", "short"],
    ["byte", "byte"],
    ["uint8", "byte"],
    ["integer64", "integer64"],
    ["uint64", "integer64"],
    ["date", "date"],
    ["combo-ip", "combo-ip"],
    ["abinary", "abinary"],
    ["tlv", "tlv"],
  ];
  const text = cases.map(([type], i) => `ATTRIBUTE T${i} ${i + 1} ${type}`).join("\n");
  const dictionary = Dictionary.parse(text);
  cases.forEach(([written, type], i) => {
    const def = dictionary.attribute(`T${i}`)!;
    assert.equal(def.type, type, written);
    assert.equal(def.size, undefined);
  });
  const containers = Dictionary.parse(
    [
      "ATTRIBUTE Vendor-Specific 26 vsa",
      "ATTRIBUTE Extended-Attribute-1 241 Extended",
      "ATTRIBUTE Extended-Attribute-6 246 long-extended",
      "ATTRIBUTE Extended-Vendor-Specific-1 241.26 evs",
      "ATTRIBUTE Fixed 100 octets[16]",
    ].join("\n"),
  );
  assert.equal(containers.standard(26)?.type, "vsa");
  assert.equal(containers.standard(241)?.type, "extended");
  assert.equal(containers.standard(246)?.type, "long-extended");
  assert.equal(containers.byOid("241.26")?.type, "evs");
  assert.equal(containers.standard(100)?.type, "octets");
  assert.equal(containers.standard(100)?.size, 16);
});

test("parse() reads every flag, and encrypt implies secret as in FreeRADIUS", () => {
  const dictionary = Dictionary.parse(
    [
      "ATTRIBUTE User-Password 2 string encrypt=1",
      "ATTRIBUTE Tunnel-Type 64 integer has_tag",
      "ATTRIBUTE Tunnel-Password 69 string has_tag,encrypt=2",
      "ATTRIBUTE Ascend-Send-Secret 214 string encrypt=3",
      "ATTRIBUTE MS-Keys 215 octets[24] encrypt=1",
      "ATTRIBUTE DNS-Servers 216 ipaddr array",
      "ATTRIBUTE EAP-Message 79 octets concat",
      "ATTRIBUTE Packet-Type 1047 integer virtual",
      "ATTRIBUTE Client-Secret 1048 string secret",
      "ATTRIBUTE Tagged-Once 217 string has_tag=1,",
    ].join("\n"),
  );
  const flags = (name: string) => dictionary.attribute(name)!.flags;
  assert.deepEqual(flags("User-Password"), {
    hasTag: false,
    encrypt: 1,
    array: false,
    concat: false,
    virtual: false,
    secret: true,
  });
  assert.equal(flags("Tunnel-Type").hasTag, true);
  assert.equal(flags("Tunnel-Type").secret, false);
  assert.equal(flags("Tunnel-Password").hasTag, true);
  assert.equal(flags("Tunnel-Password").encrypt, 2);
  assert.equal(flags("Ascend-Send-Secret").encrypt, 3);
  assert.equal(flags("MS-Keys").encrypt, 1);
  assert.equal(flags("DNS-Servers").array, true);
  assert.equal(flags("EAP-Message").concat, true);
  assert.equal(flags("Packet-Type").virtual, true);
  assert.equal(flags("Client-Secret").secret, true);
  assert.equal(flags("Tagged-Once").hasTag, true);
  assert.equal(dictionary.byOid("1047")?.name, "Packet-Type");
  assert.equal(dictionary.standard(1047), undefined);
});

test("parse() reads every vendor format FreeRADIUS allows", () => {
  const formats: [string, number, number, boolean][] = [
    ["format=1,0", 1, 0, false],
    ["format=1,1", 1, 1, false],
    ["format=2,1", 2, 1, false],
    ["format=2,2", 2, 2, false],
    ["format=4,0", 4, 0, false],
    ["format=4,1", 4, 1, false],
    ["format=4,2", 4, 2, false],
    ["format=1,1,c", 1, 1, true],
    ["FORMAT=2,1", 2, 1, false],
  ];
  const text = formats.map(([format], i) => `VENDOR V${i} ${1000 + i} ${format}`).join("\n");
  const dictionary = Dictionary.parse(text);
  formats.forEach(([format, typeLength, lengthLength, continuation], i) => {
    const vendor = dictionary.vendor(1000 + i)!;
    assert.equal(vendor.name, `V${i}`);
    assert.deepEqual(
      [vendor.typeLength, vendor.lengthLength, vendor.continuation],
      [typeLength, lengthLength, continuation],
      format,
    );
  });
});

test("parse() gives USR, Lucent and Starent FreeRADIUS's built-in formats when none is written", () => {
  const dictionary = Dictionary.parse(
    "VENDOR USR 429\nVENDOR Lucent 4846\nVENDOR Starent 8164\nVENDOR Cisco 9\n",
  );
  const format = (id: number) => {
    const vendor = dictionary.vendor(id)!;
    return `${vendor.typeLength},${vendor.lengthLength}`;
  };
  assert.equal(format(429), "4,0");
  assert.equal(format(4846), "2,1");
  assert.equal(format(8164), "2,2");
  assert.equal(format(9), "1,1");
});

test("parse() puts vendor attributes under their vendor, with the type range of its format", () => {
  const dictionary = Dictionary.parse(
    [
      "VENDOR Cisco 9",
      "VENDOR USR 429 format=4,0",
      "VENDOR Lucent 4846 format=2,1",
      "BEGIN-VENDOR Cisco",
      "ATTRIBUTE Cisco-AVPair 1 string",
      "ATTRIBUTE Cisco-Zero 0 string",
      "END-VENDOR Cisco",
      "BEGIN-VENDOR USR",
      "ATTRIBUTE USR-Big 0x9008 integer",
      "END-VENDOR USR",
      "BEGIN-VENDOR Lucent",
      "ATTRIBUTE Lucent-Max 65535 integer",
      "END-VENDOR Lucent",
      "ATTRIBUTE Cisco-Old-Style 2 string Cisco",
    ].join("\n"),
  );
  const avpair = dictionary.attribute("Cisco-AVPair")!;
  assert.equal(avpair.vendor, dictionary.vendor(9));
  assert.equal(avpair.parent, undefined);
  assert.equal(avpair.oid, "26.9.1");
  assert.equal(dictionary.vendor(9)?.attributes.get(1), avpair);
  assert.equal(dictionary.byOid("26.9.1"), avpair);
  assert.equal(dictionary.byOid("26.9.0")?.name, "Cisco-Zero");
  assert.equal(dictionary.byOid("26.429.36872")?.name, "USR-Big");
  assert.equal(dictionary.byOid("26.4846.65535")?.name, "Lucent-Max");
  assert.equal(dictionary.vendor("Cisco")?.attributes.get(2)?.name, "Cisco-Old-Style");
  assert.equal(dictionary.standard(1), undefined);
});

test("parse() nests vendor TLVs by dotted number and by BEGIN-TLV blocks", () => {
  const dictionary = Dictionary.parse(
    [
      "VENDOR WiMAX 24757 format=1,1,c",
      "BEGIN-VENDOR WiMAX",
      "ATTRIBUTE WiMAX-Capability 1 tlv",
      "ATTRIBUTE WiMAX-Release 1.1 string",
      "ATTRIBUTE WiMAX-Packet-Flow 2 tlv",
      "BEGIN-TLV WiMAX-Packet-Flow",
      "ATTRIBUTE WiMAX-PFD-Id 1 short",
      "ATTRIBUTE WiMAX-Classifier 2 tlv",
      "BEGIN-TLV WiMAX-Classifier",
      "ATTRIBUTE WiMAX-Classifier-Id 1 byte",
      "END-TLV WiMAX-Classifier",
      "END-TLV WiMAX-Packet-Flow",
      "END-VENDOR WiMAX",
    ].join("\n"),
  );
  const capability = dictionary.vendor(24757)!.attributes.get(1)!;
  const release = capability.children.get(1)!;
  assert.equal(release.name, "WiMAX-Release");
  assert.equal(release.oid, "26.24757.1.1");
  assert.equal(release.parent, capability);
  assert.equal(release.vendor?.name, "WiMAX");
  const classifier = dictionary.attribute("WiMAX-Classifier")!;
  assert.equal(classifier.oid, "26.24757.2.2");
  assert.equal(classifier.parent, dictionary.attribute("WiMAX-Packet-Flow"));
  assert.equal(classifier.children.get(1)?.oid, "26.24757.2.2.1");
  assert.equal(dictionary.byOid("26.24757.2.1")?.name, "WiMAX-PFD-Id");
});

test("parse() counts dotted numbers inside BEGIN-TLV from the TLV", () => {
  const dictionary = Dictionary.parse(
    [
      "ATTRIBUTE Outer 173 tlv",
      "BEGIN-TLV Outer",
      "ATTRIBUTE Inner 1 tlv",
      "ATTRIBUTE Inner-Leaf 1.2 integer",
      "END-TLV Outer",
    ].join("\n"),
  );
  assert.equal(dictionary.attribute("Inner-Leaf")?.oid, "173.1.2");
});

test("parse() reads Extended-Vendor-Specific blocks into VendorDef.evsAttributes", () => {
  const dictionary = Dictionary.parse(
    [
      "ATTRIBUTE Extended-Attribute-5 245 long-extended",
      "ATTRIBUTE Extended-Vendor-Specific-5 245.26 evs",
      "VENDOR FreeRADIUS 11344",
      "BEGIN-VENDOR FreeRADIUS format=Extended-Vendor-Specific-5",
      "ATTRIBUTE FreeRADIUS-802.1X-Anonce 1 octets",
      "ATTRIBUTE FreeRADIUS-Group 2 tlv",
      "ATTRIBUTE FreeRADIUS-Group-Member 2.1 string",
      "END-VENDOR FreeRADIUS",
    ].join("\n"),
  );
  const vendor = dictionary.vendor("freeradius")!;
  assert.equal(vendor.attributes.size, 0);
  const anonce = vendor.evsAttributes.get(245)!.get(1)!;
  assert.equal(anonce.name, "FreeRADIUS-802.1X-Anonce");
  assert.equal(anonce.oid, "245.26.11344.1");
  assert.equal(anonce.parent, dictionary.attribute("Extended-Vendor-Specific-5"));
  assert.equal(anonce.vendor, vendor);
  assert.equal(dictionary.byOid("245.26.11344.2.1")?.name, "FreeRADIUS-Group-Member");
  assert.equal(dictionary.attribute("FreeRADIUS-Group-Member")?.parent?.name, "FreeRADIUS-Group");
});

test("parse() reads $INCLUDE relative to the including file and passes both paths", () => {
  const calls: string[] = [];
  const map: Record<string, string> = {
    "raddb/dictionary": "$INCLUDE sub/dictionary.a\n$INCLUDE /abs/dictionary.c\n",
    "raddb/sub/dictionary.a": "ATTRIBUTE A 1 string\n$INCLUDE ../dictionary.b\n",
    "raddb/dictionary.b": "ATTRIBUTE B 2 string\n",
    "/abs/dictionary.c": "ATTRIBUTE C 3 string\n",
  };
  const dictionary = Dictionary.parse(map["raddb/dictionary"]!, {
    filename: "raddb/dictionary",
    include: (name, from) => {
      calls.push(`${from} -> ${name}`);
      return map[name];
    },
  });
  assert.deepEqual(calls, [
    "raddb/dictionary -> raddb/sub/dictionary.a",
    "raddb/sub/dictionary.a -> raddb/dictionary.b",
    "raddb/dictionary -> /abs/dictionary.c",
  ]);
  assert.deepEqual([...dictionary.attributes()].map((a) => a.name), ["A", "B", "C"]);
});

test("parse() skips a missing $INCLUDE- file (and $-INCLUDE), but reads one that exists", () => {
  const dictionary = files({
    dictionary: "$INCLUDE- dictionary.missing\n$-INCLUDE dictionary.gone\n" +
      "$include- dictionary.local\n",
    "dictionary.local": "ATTRIBUTE Local 3000 string\n",
  });
  assert.equal(dictionary.attribute("Local")?.code, 3000);
  const thrower = Dictionary.parse("$INCLUDE- dictionary.x\n", {
    include: () => {
      throw new Error("EACCES");
    },
  });
  assert.equal([...thrower.attributes()].length, 0);
  assert.equal([...Dictionary.parse("$INCLUDE- x\n").attributes()].length, 0);
});

test("parse() reads a file included twice only once, as FreeRADIUS does", () => {
  let reads = 0;
  const dictionary = Dictionary.parse(
    "$INCLUDE dictionary.a\n$INCLUDE dictionary.b\n$INCLUDE ./dictionary.a\n",
    {
      include: (name) => {
        reads++;
        return name === "dictionary.a" ? "ATTRIBUTE A 1 string\n" : "$INCLUDE dictionary.a\n";
      },
    },
  );
  assert.equal(reads, 2);
  assert.equal(dictionary.attribute("A")?.code, 1);
});

test("parse() accepts a VALUE before its ATTRIBUTE, even in another file", () => {
  const dictionary = files({
    dictionary: "VALUE Early-Attr Early 1\n$INCLUDE dictionary.late\nVALUE Early-Attr Later 2\n",
    "dictionary.late": "ATTRIBUTE Early-Attr 80 integer\n",
  });
  const def = dictionary.attribute("Early-Attr")!;
  assert.equal(def.valueNames.get(1), "Early");
  assert.equal(def.valueNames.get(2), "Later");
  assert.equal(def.valueNumbers.get("early"), 1);
});

test("parse(): a VALUE read before its ATTRIBUTE never renames a number named after it", () => {
  // dictionary.compat's aliases come first in FreeRADIUS's main dictionary;
  // FreeRADIUS prints the RFC names (radclient -D file -x: Framed-User).
  const dictionary = Dictionary.parse(
    [
      "VALUE Service-Type Framed 2",
      "VALUE Service-Type Old-Login 1",
      "VALUE Service-Type Older-Login 1",
      "VALUE Service-Type Only-Early 9",
      "ATTRIBUTE Service-Type 6 integer",
      "VALUE Service-Type Framed-User 2",
    ].join("\n"),
  );
  const service = dictionary.attribute("Service-Type")!;
  assert.equal(service.valueNames.get(2), "Framed-User");
  assert.equal(service.valueNumbers.get("framed"), 2); // the old name still parses
  // Among waiting VALUEs of one number, the one read last names it (FreeRADIUS
  // resolves them last-read first).
  assert.equal(service.valueNames.get(1), "Older-Login");
  assert.equal(service.valueNumbers.get("old-login"), 1);
  assert.equal(service.valueNames.get(9), "Only-Early");
  // A name the bundled types do not know: the dictionary here is the parsed one.
  const given: Record<string, string> = { "Service-Type": "Framed" };
  const datagram = Packet.create(Code.AccessRequest, dictionary, given).encode("s3cret");
  assert.equal(Packet.decode(datagram, { dictionary }).get("Service-Type"), "Framed-User");
});

test("parse() keeps VALUE names by lower-cased name and numbers by value", () => {
  const dictionary = Dictionary.parse(
    [
      "ATTRIBUTE Service-Type 6 integer",
      "VALUE Service-Type Login-User 1",
      "VALUE Service-Type Framed-User 2",
      "VALUE Service-Type Framed-User 2",
      "VALUE service-type Old-Framed 2",
      "ATTRIBUTE Big 3001 integer64",
      "VALUE Big Huge 18446744073709551615",
      "ATTRIBUTE Offset 3002 signed",
      "VALUE Offset Minus-One -1",
      "ATTRIBUTE Small 3003 byte",
      "VALUE Small Max 255",
      "ATTRIBUTE Medium 3004 short",
      "VALUE Medium Max 65535",
      "ATTRIBUTE Cable 3005 octets",
      "VALUE Cable Mode 3",
      "VALUE Server-Config Ignored 1",
    ].join("\n"),
  );
  const service = dictionary.attribute("Service-Type")!;
  assert.equal(service.valueNumbers.get("framed-user"), 2);
  assert.equal(service.valueNumbers.get("old-framed"), 2);
  // A later name for the same number is the one printed (FreeRADIUS values_byvalue).
  assert.equal(service.valueNames.get(2), "Old-Framed");
  assert.equal(service.valueNames.get(1), "Login-User");
  assert.equal(dictionary.attribute("Big")?.valueNames.get(18446744073709551615n), "Huge");
  assert.equal(dictionary.attribute("Big")?.valueNumbers.get("huge"), 18446744073709551615n);
  assert.equal(dictionary.attribute("Offset")?.valueNumbers.get("minus-one"), -1);
  assert.equal(dictionary.attribute("Small")?.valueNumbers.get("max"), 255);
  assert.equal(dictionary.attribute("Medium")?.valueNumbers.get("max"), 65535);
  assert.equal(dictionary.attribute("Cable")?.valueNumbers.get("mode"), 3);
});

test("parse() makes a new name for a defined number an alias; lookups by number answer the last", () => {
  const dictionary = Dictionary.parse(
    [
      "ATTRIBUTE X-Ascend-Modem-PortNo 120 integer",
      "VALUE X-Ascend-Modem-PortNo Nothing 0",
      "ATTRIBUTE Old-Name 1 string",
      "ATTRIBUTE User-Name 1 string",
      "ATTRIBUTE Modem-Port 120 integer",
    ].join("\n"),
  );
  assert.equal(dictionary.standard(1)?.name, "User-Name");
  assert.equal(dictionary.byOid("1")?.name, "User-Name");
  assert.equal(dictionary.attribute("Old-Name")?.code, 1);
  assert.equal(dictionary.attribute("Old-Name")?.oid, "1");
  assert.equal(dictionary.standard(120)?.name, "Modem-Port");
  // VALUEs belong to the number, as in FreeRADIUS.
  assert.equal(dictionary.standard(120)?.valueNumbers.get("nothing"), 0);
  assert.deepEqual([...dictionary.attributes()].map((a) => a.name), [
    "X-Ascend-Modem-PortNo",
    "Old-Name",
    "User-Name",
    "Modem-Port",
  ]);
});

test("parse() allows an identical re-definition, which makes that name the printed one again", () => {
  const dictionary = Dictionary.parse(
    [
      "ATTRIBUTE User-Name 1 string",
      "ATTRIBUTE Old-Name 1 string",
      "ATTRIBUTE user-name 1 String",
      "VENDOR Cisco 9",
      "VENDOR Cisco 9 format=1,1",
    ].join("\n"),
  );
  assert.equal(dictionary.standard(1)?.name, "User-Name");
  assert.equal([...dictionary.vendors()].length, 1);
});

test("parse() lets several vendor names share a number; lookups by number answer the last", () => {
  const dictionary = Dictionary.parse(
    [
      "VENDOR Altiga 3076",
      "BEGIN-VENDOR Altiga",
      "ATTRIBUTE Altiga-Access-Hours 1 string",
      "END-VENDOR Altiga",
      "VENDOR Cisco-VPN3000 3076",
      "BEGIN-VENDOR Cisco-VPN3000",
      "ATTRIBUTE CVPN3000-Simultaneous-Logins 2 integer",
      "END-VENDOR Altiga",
    ].join("\n"),
  );
  assert.equal(dictionary.vendor(3076)?.name, "Cisco-VPN3000");
  assert.equal(dictionary.vendor("altiga")?.id, 3076);
  assert.equal(
    dictionary.vendor("Altiga")?.attributes.get(2)?.name,
    "CVPN3000-Simultaneous-Logins",
  );
  assert.equal(dictionary.attribute("Altiga-Access-Hours")?.vendor?.name, "Cisco-VPN3000");
  assert.deepEqual([...dictionary.vendors()].map((v) => v.name), ["Altiga", "Cisco-VPN3000"]);
});

test("parse() ignores comments anywhere, blank lines, CRLF and keyword case", () => {
  const dictionary = Dictionary.parse(
    "# heading\r\n\r\n   \t\r\nattribute\tService-Type\t6\tinteger # trailing\r\n" +
      "Value Service-Type Bob 1#no space\r\n  ATTRIBUTE Indented 2 string\n# last line",
  );
  assert.equal(dictionary.attribute("Service-Type")?.code, 6);
  assert.equal(dictionary.attribute("Service-Type")?.valueNumbers.get("bob"), 1);
  assert.equal(dictionary.attribute("Indented")?.code, 2);
});

test("attribute() and vendor() ignore case, as FreeRADIUS does", () => {
  const dictionary = Dictionary.parse("VENDOR Cisco 9\nATTRIBUTE Cisco-AVPair 1 string Cisco\n");
  assert.equal(dictionary.attribute("cisco-avpair")?.name, "Cisco-AVPair");
  assert.equal(dictionary.attribute("CISCO-AVPAIR")?.name, "Cisco-AVPair");
  assert.equal(dictionary.vendor("CISCO")?.name, "Cisco");
  assert.equal(dictionary.vendor("Juniper"), undefined);
  assert.equal(dictionary.vendor(2636), undefined);
});
