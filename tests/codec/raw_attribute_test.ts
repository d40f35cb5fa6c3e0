// Attributes named by number (`Attr-<oid>` with raw bytes), as radclient
// writes them and radkit's decoder names what the dictionary lacks: the
// wire bytes FreeRADIUS 3.2 sends for each form (RFC 2865 §5.26 VSAs in the
// vendor's format, RFC 6929 extended, long-extended and EVS), and decoded
// unknown attributes re-sent byte for byte.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Dictionary } from "../../src/dictionary/dictionary.ts";
import { Packet } from "../../src/packet.ts";
import { Code } from "../../src/codec/code.ts";
import { RadiusError, ValueError } from "../../src/errors.ts";
import { hex, toHex } from "./_helpers.ts";

const dictionary = Dictionary.default().extend(
  readFileSync(new URL("../cli/fixtures/dictionary.wimax-tlv", import.meta.url), "utf8"),
);

function wire(name: string, value: string): string {
  const packet = Packet.create(Code.AccountingRequest, dictionary, {}, { id: 0 });
  packet.add(name, hex(value));
  return toHex(packet.encode("s").subarray(20));
}

test("each Attr-<oid> form goes on the wire as FreeRADIUS sends it", () => {
  // A whole attribute: the bytes are its Value field.
  assert.equal(wire("Attr-200", "0102"), "c8040102");
  assert.equal(wire("Attr-26", "0000270f07040102"), "1a0a0000270f07040102");
  // A whole Vendor-Specific value of vendor 9999 (how radkit's decoder names one).
  assert.equal(wire("Attr-26.9999", "0000270f07040102"), "1a0a0000270f07040102");
  // A vendor attribute: Vendor-Id, then type and length (RFC 2865 §5.26 1,1)...
  assert.equal(wire("Attr-26.9999.7", "0102"), "1a0a0000270f07040102");
  // ...or the vendor's own format: WiMAX 1,1,c has a continuation byte.
  assert.equal(wire("Attr-26.24757.99", "01"), "1a0a000060b563040001");
  // RFC 6929: Extended-Type, Long-Extended-Type, Extended-Vendor-Specific.
  assert.equal(wire("Attr-241.200", "01"), "f104c801");
  assert.equal(wire("Attr-245.7", "01"), "f505070001");
  assert.equal(wire("Attr-245.26.1.6", "01"), "f50a1a00000000010601");
  assert.equal(wire("Attr-241.26.9999.3", "0102"), "f10a1a0000270f030102");
  // A number the dictionary knows is that attribute, the bytes its Value
  // field as on the wire: tag octet included, a hidden value not hidden again.
  assert.equal(wire("Attr-1", "626f62"), "0105626f62");
  assert.equal(wire("Attr-64", "01000003"), "400601000003");
  assert.equal(wire("Attr-69", "010203"), "4505010203");
  assert.equal(wire("Attr-26.311.16", "0102"), "1a0a0000013710040102");
  // An unknown member of a known TLV goes inside that TLV.
  assert.equal(wire("Attr-26.24757.1.9", "0102"), "1a0d000060b501070009040102");
});

test("a long-extended value over 251 octets is fragmented with the More flag (RFC 6929 §2.2)", () => {
  const data = "ab".repeat(300);
  assert.equal(
    wire("Attr-245.7", data),
    `f5ff0780${"ab".repeat(251)}f53507 00${"ab".repeat(49)}`.replace(" ", ""),
  );
});

test("values that cannot be placed are refused with the reason", () => {
  const packet = Packet.create(Code.AccountingRequest, dictionary);
  assert.throws(() => packet.add("Attr-200", "0x01" as never), RadiusError);
  assert.throws(() => packet.add("Attr-200", new Uint8Array(254)), ValueError);
  assert.throws(() => packet.add("Attr-241.5", new Uint8Array(253)), /Extended-Type/);
  assert.throws(() => packet.add("Attr-256", new Uint8Array(1)), /1\.\.255/);
  assert.throws(() => packet.add("Attr-26.9999", hex("00000001")), /Vendor-Id 9999/);
  assert.throws(() => packet.add("Attr-18.1.2", hex("01")), /no attribute radkit can place/);
  assert.equal(packet.attributes().length, 0);
});

test("unknown attributes radkit decodes are re-sent byte for byte under the names it gives them", () => {
  const attributes = "c8040102" + // Attr-200
    "1a0a0000270f07040102" + // Attr-26.9999.7 (a vendor the dictionary lacks, read as format 1,1)
    "1a0a0000013763040102" + // Attr-26.311.99 (a known vendor's unknown type)
    "1a0a000060b563040001" + // Attr-26.24757.99 (WiMAX, 1,1,c)
    "1a0d000060b501070009040102" + // a WiMAX-Capability with an unknown member
    "1a05000001"; // Attr-26 (too short to hold a vendor attribute)
  const original = Packet.create(Code.AccountingRequest, dictionary, {}, { id: 4 });
  const datagram = original.encode("s");
  const full = new Uint8Array(datagram.length + attributes.length / 2);
  full.set(datagram);
  full.set(hex(attributes), datagram.length);
  full[3] = full.length;
  const decoded = Packet.decode(full, { dictionary });
  const names = decoded.attributes().map((attribute) => attribute.name);
  assert.deepEqual(names, [
    "Attr-200",
    "Attr-26.9999.7",
    "Attr-26.311.99",
    "Attr-26.24757.99",
    "WiMAX-Capability",
    "Attr-26",
  ]);
  const again = Packet.create(Code.AccountingRequest, dictionary, {}, { id: 4 });
  for (const attribute of decoded.attributes()) {
    if (attribute.name === "WiMAX-Capability") {
      const [member, value] = Object.entries(attribute.value as Record<string, Uint8Array>)[0]!;
      again.add(member, value);
    } else again.add(attribute.name, attribute.value as Uint8Array);
  }
  assert.equal(toHex(again.encode("s").subarray(20)), attributes);
});

test("unknown extended, long-extended (fragmented) and EVS attributes are re-sent byte for byte", () => {
  for (
    const [name, length] of [["Attr-241.200", 3], ["Attr-245.7", 300], [
      "Attr-245.26.1.6",
      1,
    ]] as const
  ) {
    const original = Packet.create(Code.AccountingRequest, dictionary, {}, { id: 5 });
    original.add(name, new Uint8Array(length).fill(0x5a));
    const datagram = original.encode("s");
    const decoded = Packet.decode(datagram, { dictionary });
    assert.deepEqual(decoded.attributes().map((attribute) => attribute.name), [name]);
    assert.equal((decoded.get(name) as Uint8Array).length, length, "the value is the data alone");
    const again = Packet.create(Code.AccountingRequest, dictionary, {}, { id: 5 });
    for (const attribute of decoded.attributes()) {
      again.add(attribute.name, attribute.value as Uint8Array);
    }
    assert.equal(toHex(again.encode("s")), toHex(datagram));
  }
});
