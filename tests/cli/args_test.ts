// Attributes as radclient reads them: one per argument with radclient's
// spacing and quoting, several per argument separated by commas, and the
// escapes of FreeRADIUS 3.2's value_data_from_str.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Code, Dictionary, Packet } from "../../mod.ts";
import {
  addAttributes,
  parseAttributeArg,
  parseAttributeArgs,
  unquote,
} from "../../src/cli/args.ts";
import { UsageError } from "../../src/cli/errors.ts";
import { attributeLines, quote } from "../../src/cli/output.ts";

const wimax = await Dictionary.default().extend(
  readFileSync(new URL("./fixtures/dictionary.wimax-tlv", import.meta.url), "utf8"),
);

test("one attribute per argument, with radclient's spacing and quoting", () => {
  const read = (arg: string) => {
    const { name, tag, value } = parseAttributeArg(arg);
    return [name, tag, value];
  };
  assert.deepEqual(read('User-Name = "bob"'), ["User-Name", undefined, "bob"]);
  assert.deepEqual(read("User-Name = bob"), ["User-Name", undefined, "bob"]);
  assert.deepEqual(read("User-Name=bob"), ["User-Name", undefined, "bob"]);
  assert.deepEqual(read('User-Name="bob"'), ["User-Name", undefined, "bob"]);
  assert.deepEqual(read("User-Name = 'bob'"), ["User-Name", undefined, "bob"]);
  assert.deepEqual(read("  NAS-Port = 5  "), ["NAS-Port", undefined, "5"]);
  assert.deepEqual(read("NAS-Port := 5"), ["NAS-Port", undefined, "5"]);
  assert.deepEqual(read('Tunnel-Type:1 = "L2TP"'), ["Tunnel-Type", 1, "L2TP"]);
  assert.deepEqual(read('Reply-Message = "a = b, c"'), ["Reply-Message", undefined, "a = b, c"]);
  assert.deepEqual(read("Reply-Message=Hello, bob"), ["Reply-Message", undefined, "Hello, bob"]);
  assert.deepEqual(read('Reply-Message = ""'), ["Reply-Message", undefined, ""]);
  assert.throws(() => parseAttributeArg('User-Name = "bob'), UsageError);
  assert.throws(() => parseAttributeArg('User-Name = "bob" x'), /after the closing/);
  assert.throws(() => parseAttributeArg("bob"), /Name=value/);
  // A secret attribute's value is not quoted back.
  for (
    const arg of ['User-Password = "s3cr3t', 'User-Password = "s3cr3t" x', "User-Password:x s3cr3t"]
  ) {
    assert.throws(
      () => parseAttributeArg(arg),
      (error: Error) => !error.message.includes("s3cr3t"),
    );
  }
});

test("several comma-separated attributes in one argument, as on a radclient input line", () => {
  assert.deepEqual(
    parseAttributeArgs('User-Name = "bob", NAS-Port = 5,Framed-MTU=1500').map((a) => [
      a.name,
      a.value,
    ]),
    [["User-Name", "bob"], ["NAS-Port", "5"], ["Framed-MTU", "1500"]],
  );
  assert.deepEqual(parseAttributeArgs("Reply-Message=call #5").map((a) => a.value), ["call #5"]);
});

test("escapes read as FreeRADIUS 3.2 reads them, and quote() writes what they read back", () => {
  assert.equal(unquote('a\\"b\\\\c\\n\\r\\t\\101\\d', '"'), 'a"b\\c\n\r\tA\\d');
  assert.equal(unquote("it\\'s \\\\ \\n", "'"), "it's \\ \\n");
  for (const text of ['a"b\\c\n', "tab\there", "\u0001\u001f\u007f", "é ü 日本", "\\101"]) {
    assert.equal(parseAttributeArg(`Reply-Message = ${quote(text)}`).value, text);
  }
});

test("radclient spacing builds the same packet as Name=value", () => {
  const spaced = Packet.create(Code.AccountingRequest, Dictionary.default(), {}, { id: 1 });
  addAttributes(spaced, ['User-Name = "bob"', "NAS-Port = 5"].flatMap(parseAttributeArgs));
  assert.equal(spaced.get("User-Name"), "bob");
  assert.equal(spaced.get("NAS-Port"), 5);
});

test("TLV members print quoted, one per line, and read back into one TLV", () => {
  const packet = Packet.create(Code.AccountingRequest, wimax, {
    "WiMAX-Capability": { "WiMAX-Release": "2.1", "WiMAX-Accounting-Capabilities": 1 },
  }, { id: 9 });
  const decoded = Packet.decode(packet.encode("s"), { dictionary: wimax, secret: "s" });
  const lines = attributeLines(decoded);
  assert.deepEqual(lines, [
    '\tWiMAX-Release = "2.1"',
    "\tWiMAX-Accounting-Capabilities = IP-Session-Based",
  ]);
  const again = Packet.create(Code.AccountingRequest, wimax, {}, { id: 9 });
  addAttributes(again, lines.flatMap(parseAttributeArgs));
  assert.deepEqual(again.encode("s"), packet.encode("s"));
});

test("nested TLV members and unknown members read back byte for byte", () => {
  const packet = Packet.create(Code.AccountingRequest, wimax, {
    "WiMAX-Packet-Flow-Descriptor": {
      "WiMAX-Packet-Data-Flow-Id": 5,
      "WiMAX-Classifier": { "WiMAX-ClassifierID": 7 },
      "Attr-26.24757.28.99": new Uint8Array([1, 2]),
    },
  }, { id: 3 });
  const decoded = Packet.decode(packet.encode("s"), { dictionary: wimax, secret: "s" });
  const lines = attributeLines(decoded);
  assert.deepEqual(lines, [
    "\tWiMAX-Packet-Data-Flow-Id = 5",
    "\tWiMAX-ClassifierID = 7",
    "\tAttr-26.24757.28.99 = 0x0102",
  ]);
  const again = Packet.create(Code.AccountingRequest, wimax, {}, { id: 3 });
  addAttributes(again, lines.flatMap(parseAttributeArgs));
  assert.deepEqual(again.encode("s"), packet.encode("s"));
});

test("a hidden TLV member prints as <hidden, N bytes> where secrets are hidden", () => {
  const dictionary = Dictionary.default().extend(
    "ATTRIBUTE Test-Tlv 250 tlv\nATTRIBUTE Test-Name 250.1 string\n" +
      "ATTRIBUTE Test-Key 250.2 string encrypt=2\n",
  );
  const packet = Packet.create(Code.AccessAccept, dictionary, {
    "Test-Tlv": { "Test-Name": "visible", "Test-Key": "k3y-value" },
  });
  assert.deepEqual(attributeLines(packet, true), [
    '\tTest-Name = "visible"',
    "\tTest-Key = <hidden, 9 bytes>",
  ]);
  assert.deepEqual(attributeLines(packet), ['\tTest-Name = "visible"', '\tTest-Key = "k3y-value"']);
});

test("a TLV whose content did not decode prints as its bytes and is re-sent as they are", () => {
  const packet = Packet.create(Code.AccountingRequest, wimax, {}, { id: 2 });
  packet.add("WiMAX-Capability", new Uint8Array([1, 5, 0x32])); // a member longer than the TLV
  const decoded = Packet.decode(packet.encode("s"), { dictionary: wimax, secret: "s" });
  const lines = attributeLines(decoded);
  // Named by number, as FreeRADIUS prints a value that did not decode as its type.
  assert.deepEqual(lines, ["\tAttr-26.24757.1 = 0x010532"]);
  const again = Packet.create(Code.AccountingRequest, wimax, {}, { id: 2 });
  addAttributes(again, lines.flatMap(parseAttributeArgs));
  assert.deepEqual(again.encode("s"), packet.encode("s"));
  assert.throws(
    () => addAttributes(again, parseAttributeArgs("WiMAX-Capability = text")),
    /give the attributes inside it/,
  );
});

test("values that did not decode as their type print so that send re-sends them byte for byte", () => {
  const dictionary = Dictionary.default();
  // NAS-Port of 2 octets, Tunnel-Private-Group-Id (tag 1) that is not UTF-8,
  // Tunnel-Password too short to reveal, Framed-IP-Address of 3 octets.
  const attributes = "05040102" + "510501fffe" + "450501020" + "3" + "0805010203";
  const base = Packet.create(Code.AccountingRequest, Dictionary.default(), {}, { id: 6 })
    .encode("s");
  const datagram = new Uint8Array(base.length + attributes.length / 2);
  datagram.set(base);
  datagram.set(Uint8Array.from(attributes.match(/../g)!, (h) => parseInt(h, 16)), base.length);
  datagram[3] = datagram.length;
  const decoded = Packet.decode(datagram, { dictionary, secret: "s" });
  const lines = attributeLines(decoded);
  assert.deepEqual(lines, [
    "\tAttr-5 = 0x0102",
    '\tTunnel-Private-Group-Id:1 = "\\377\\376"',
    "\tAttr-69 = 0x010203",
    "\tAttr-8 = 0x010203",
  ]);
  const again = Packet.create(Code.AccountingRequest, dictionary, {}, { id: 6 });
  addAttributes(again, lines.flatMap(parseAttributeArgs));
  const bytes = again.encode("s");
  assert.equal(
    Array.from(bytes.subarray(20), (b) => b.toString(16).padStart(2, "0")).join(""),
    attributes,
  );
});

test("a container attribute given a value says which kind of container it is, with its article", () => {
  const packet = Packet.create(Code.AccessRequest, Dictionary.default());
  assert.throws(() => addAttributes(packet, parseAttributeArgs("Extended-Attribute-1=0x01")), {
    name: "UsageError",
    message: "Extended-Attribute-1 is an extended container: give the attributes inside it instead",
  });
});
