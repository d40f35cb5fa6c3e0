/**
 * Attributes named by number, `Attr-<oid>`, with raw bytes for a value: the
 * names FreeRADIUS (`dict_unknown_from_str`) and radkit's decoder give an
 * attribute the dictionary lacks, so that such an attribute can be sent
 * (radclient's `Attr-26.9.1 = 0x…`) and a decoded one re-sent as it came.
 *
 * @module
 */
import { RadiusError, ValueError } from "../errors.ts";
import type { AttributeDef } from "../dictionary/model.ts";
import { type Attribute, attribute, type DictionaryView } from "./attribute.ts";

/** `Attr-` and a dotted number path: `Attr-26`, `Attr-241.5`, `Attr-26.9.1`. */
export const RAW_NAME: RegExp = /^Attr-\d+(?:\.\d+)*$/i;

/**
 * What a raw name stands for: a finished attribute (`attribute`), or a value
 * to build as a known attribute (`def`, `value`: for a member the
 * dictionary lacks of a TLV it knows, the top TLV and a value holding it).
 */
export type RawAttribute =
  | { readonly attribute: Attribute }
  | { readonly def: AttributeDef; readonly value: unknown };

const VENDOR_SPECIFIC = 26;
const EVS = 26;

/**
 * Reads `Attr-<oid> = bytes`, as FreeRADIUS 3.2 does:
 * - `Attr-N`: attribute N with the bytes as its whole Value field
 *   (`Attr-26` is a whole Vendor-Specific value, Vendor-Id first).
 * - `Attr-26.V`: a whole Vendor-Specific value of vendor V (Vendor-Id
 *   first), as radkit's decoder names one it cannot split.
 * - `Attr-26.V.T`: vendor V's attribute T, in the vendor's format (RFC 2865
 *   §5.26 `1,1` when the dictionary does not know V).
 * - `Attr-E.T` (E an extended attribute, RFC 6929 §2.1–2.2): extended type T,
 *   the bytes its data; long-extended data is fragmented (§2.2, More flag).
 * - `Attr-E.26.V.T`: Extended-Vendor-Specific (RFC 6929 §2.4).
 * - A number path the dictionary knows is that attribute, the bytes its
 *   Value field as on the wire (tag octet and hidden form included), sent as
 *   they are: how radkit decode prints a value that did not decode as its
 *   type (`Attr-5 = 0x0102`), as FreeRADIUS does. `<tlv oid>.<n>` is an
 *   unknown member of that TLV.
 *
 * @param dictionary The dictionary.
 * @param name The name, `Attr-…`.
 * @param value The raw bytes.
 * @returns The attribute, or the definition and value to build.
 * @throws {ValueError} when the bytes do not fit or the path names nothing placeable.
 */
export function rawAttribute(
  dictionary: DictionaryView,
  name: string,
  value: unknown,
): RawAttribute {
  if (!(value instanceof Uint8Array)) {
    throw new RadiusError(
      `Cannot add "${name}": an attribute named by number takes raw bytes (a Uint8Array)`,
    );
  }
  const oid = name.slice(5).split(".").map(Number);
  const fail = (reason: string): never => {
    throw new ValueError(name, "octets", value, reason);
  };
  if (oid.some((n) => !Number.isSafeInteger(n) || n > 0xffffffff)) fail("the numbers do not fit");
  const top = oid[0]!;
  if (top < 1 || top > 255) fail("an attribute type is 1..255 (RFC 2865 §5)");

  const known = defByOid(dictionary, oid);
  if (known !== undefined && !isContainer(known)) {
    return { attribute: verbatim(known, value, fail) };
  }
  if (known === undefined && oid.length > 1) {
    // `<tlv>.<n>`: a member the dictionary lacks of a TLV it knows.
    const parent = defByOid(dictionary, oid.slice(0, -1));
    if (parent?.type === "tlv") return tlvMember(parent, `Attr-${oid.join(".")}`, value, fail);
  }

  const container = dictionary.standard(top);
  const canonical = `Attr-${oid.join(".")}`;
  if (oid.length === 1) return unknown(canonical, [top], value, fail);
  if (top === VENDOR_SPECIFIC) {
    const vendorId = oid[1]!;
    if (oid.length === 2) {
      if (value.length < 4 || readU32(value) !== vendorId) {
        fail(
          `the value of a whole Vendor-Specific attribute starts with its Vendor-Id ${vendorId}`,
        );
      }
      return unknown(canonical, [top], value, fail);
    }
    if (oid.length === 3) {
      return vendorAttribute(dictionary, canonical, vendorId, oid[2]!, value, fail);
    }
  }
  const kind = container?.type ??
    (top >= 241 && top <= 244
      ? "extended"
      : top >= 245 && top <= 246
      ? "long-extended"
      : undefined);
  if (kind === "extended" || kind === "long-extended") {
    const extType = oid[1]!;
    if (extType > 255) fail("an extended type is 0..255 (RFC 6929 §2.1)");
    if (oid.length === 2) return extended(canonical, top, kind, extType, value, value, fail);
    if (extType === EVS && oid.length === 4) {
      if (oid[3]! > 255) fail("an Extended-Vendor-Specific type is 0..255 (RFC 6929 §2.4)");
      const data = new Uint8Array(5 + value.length);
      writeU32(data, 0, oid[2]!);
      data[4] = oid[3]!;
      data.set(value, 5);
      return extended(canonical, top, kind, EVS, data, value, fail);
    }
  }
  return fail(
    "this number path names no attribute radkit can place: use Attr-N, Attr-26.VENDOR.TYPE, " +
      "Attr-E.TYPE or Attr-E.26.VENDOR.TYPE (E an extended attribute), or a member of a known TLV",
  );
}

/** A known attribute whose Value field is given as it goes on the wire. */
function verbatim(
  def: AttributeDef,
  value: Uint8Array,
  fail: (reason: string) => never,
): Attribute {
  // The encoder frames it (and fragments concat, long-extended and WiMAX values).
  let long = def.flags.concat || def.vendor?.continuation === true;
  for (let at = def.parent; at !== undefined; at = at.parent) {
    if (at.type === "long-extended") long = true;
  }
  if (value.length > 253 && !long) fail(`${value.length} octets do not fit in one attribute`);
  return {
    name: def.name,
    def,
    value,
    tag: undefined,
    raw: value,
    wire: undefined,
    verbatim: true,
  };
}

function isContainer(def: AttributeDef): boolean {
  return def.type === "tlv" || def.type === "vsa" || def.type === "extended" ||
    def.type === "long-extended" || def.type === "evs";
}

/** The attribute with this number path, walking the dictionary the way the decoder does. */
export function defByOid(
  dictionary: DictionaryView,
  oid: readonly number[],
): AttributeDef | undefined {
  let def = dictionary.standard(oid[0]!);
  let rest = oid.slice(1);
  if (oid[0] === VENDOR_SPECIFIC && oid.length >= 3) {
    def = dictionary.vendor(oid[1]!)?.attributes.get(oid[2]!);
    rest = oid.slice(3);
  } else if (def !== undefined && (def.type === "extended" || def.type === "long-extended")) {
    const inner = def.children.get(oid[1]!);
    if (inner?.type === "evs" && oid.length >= 4) {
      def = dictionary.vendor(oid[2]!)?.evsAttributes.get(oid[0]!)?.get(oid[3]!);
      rest = oid.slice(4);
    } else {
      def = inner;
      rest = oid.slice(2);
    }
  }
  for (const number of rest) def = def?.children.get(number);
  return def;
}

/** A TLV member the dictionary lacks: the top TLV, with the member under its TLVs. */
function tlvMember(
  parent: AttributeDef,
  name: string,
  value: Uint8Array,
  fail: (reason: string) => never,
): RawAttribute {
  if (value.length > 253) fail("a TLV member holds at most 253 octets");
  let nested: unknown = { [name]: value };
  let top = parent;
  for (let at: AttributeDef | undefined = parent; at?.type === "tlv"; at = at.parent) {
    top = at;
    if (at.parent?.type === "tlv") nested = { [at.name]: nested };
  }
  return { def: top, value: nested };
}

function unknown(
  name: string,
  header: readonly number[],
  value: Uint8Array,
  fail: (reason: string) => never,
): RawAttribute {
  const length = 1 + header.length + value.length;
  if (length > 255) {
    fail(`${value.length} octets do not fit in one attribute (at most ${254 - header.length})`);
  }
  const wire = new Uint8Array(length);
  wire[0] = header[0]!;
  wire[1] = length;
  wire.set(header.slice(1), 2);
  wire.set(value, 1 + header.length);
  return { attribute: attribute(undefined, name, value, undefined, value, wire) };
}

/** RFC 2865 §5.26: Vendor-Id, then the sub-attribute in the vendor's format. */
function vendorAttribute(
  dictionary: DictionaryView,
  name: string,
  vendorId: number,
  type: number,
  value: Uint8Array,
  fail: (reason: string) => never,
): RawAttribute {
  const vendor = dictionary.vendor(vendorId);
  const t = vendor?.typeLength ?? 1;
  const l = vendor?.lengthLength ?? 1;
  const c = vendor?.continuation === true ? 1 : 0;
  if (type >= 2 ** (8 * t)) fail(`vendor ${vendorId}'s types are ${t} octet(s) wide`);
  const sub = t + l + c + value.length;
  if (6 + sub > 255) fail(`${value.length} octets do not fit in one Vendor-Specific attribute`);
  const wire = new Uint8Array(6 + sub);
  wire[0] = VENDOR_SPECIFIC;
  wire[1] = wire.length;
  writeU32(wire, 2, vendorId);
  let p = 6;
  for (let i = t - 1; i >= 0; i--) wire[p++] = Math.floor(type / 2 ** (8 * i)) & 0xff;
  if (l === 2) wire[p++] = sub >> 8;
  if (l >= 1) wire[p++] = sub & 0xff;
  if (c === 1) wire[p++] = 0; // WiMAX continuation byte: not continued
  wire.set(value, p);
  return { attribute: attribute(undefined, name, value, undefined, value, wire) };
}

/** RFC 6929 §2.1 Extended-Type, §2.2 Long-Extended-Type (fragmented with the More flag). */
function extended(
  name: string,
  type: number,
  kind: "extended" | "long-extended",
  extType: number,
  data: Uint8Array,
  value: Uint8Array,
  fail: (reason: string) => never,
): RawAttribute {
  const header = kind === "long-extended" ? 4 : 3;
  const room = 255 - header;
  if (kind === "extended" && data.length > room) {
    fail(`${data.length} octets do not fit in one Extended-Type attribute (at most ${room})`);
  }
  const chunks = Math.max(1, Math.ceil(data.length / room));
  const wire = new Uint8Array(chunks * header + data.length);
  let p = 0;
  for (let i = 0; i < chunks; i++) {
    const part = data.subarray(i * room, (i + 1) * room);
    wire[p] = type;
    wire[p + 1] = header + part.length;
    wire[p + 2] = extType;
    if (header === 4) wire[p + 3] = i < chunks - 1 ? 0x80 : 0;
    wire.set(part, p + header);
    p += header + part.length;
  }
  return { attribute: attribute(undefined, name, value, undefined, value, wire) };
}

function readU32(bytes: Uint8Array): number {
  return ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
}

function writeU32(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value >>> 24;
  bytes[offset + 1] = (value >>> 16) & 0xff;
  bytes[offset + 2] = (value >>> 8) & 0xff;
  bytes[offset + 3] = value & 0xff;
}
