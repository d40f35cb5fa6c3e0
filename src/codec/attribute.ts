/**
 * One attribute of a packet, as the codec produces and consumes it.
 *
 * @module
 */
import type { AttributeDef, VendorDef } from "../dictionary/model.ts";
import { inspectWithoutSecrets } from "../secrets.ts";
import type { AttributeValue } from "./values.ts";
import type { AttributeMapOf } from "../attribute_map.ts";

/**
 * An attribute of a packet, in wire order.
 *
 * @example Usage
 * ```ts
 * import { Dictionary, Packet } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const packet = Packet.create("Access-Request", Dictionary.default(), { "User-Name": "bob" });
 * const [first] = packet.attributes();
 * assert.equal(first?.name, "User-Name");
 * assert.equal(first?.value, "bob");
 * ```
 */
export interface Attribute {
  /** The dictionary name, or `Attr-<oid>` (e.g. `Attr-26.9.99`) for an attribute the dictionary lacks. */
  readonly name: string;
  /** The definition, or `undefined` for an unknown attribute. */
  readonly def: AttributeDef | undefined;
  /** The decoded value; raw bytes for unknown attributes and values that do not decode as their type. */
  readonly value: AttributeValue;
  /** The RFC 2868 §3.1 tag (0..31), for `has_tag` attributes that carry one. */
  readonly tag: number | undefined;
  /**
   * The Value field as it was on the wire, for decoded attributes: hidden
   * attributes keep their hidden form here; `concat` and long-extended
   * values are the joined fragments.
   */
  readonly raw: Uint8Array | undefined;
  /** @internal Verbatim wire bytes of an unknown attribute, re-emitted byte-exact. */
  readonly wire: Uint8Array | undefined;
  /**
   * @internal The value did not decode as its type (a wrong length, a hidden
   * value that could not be revealed, …): raw bytes, re-sent as they came.
   */
  readonly verbatim?: boolean;
}

/**
 * What the codec needs from a dictionary. `Dictionary` implements it.
 *
 * @example Usage
 * ```ts
 * import { Dictionary, type DictionaryView } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const view: DictionaryView = Dictionary.default();
 * assert.equal(view.attribute("user-name")?.code, 1);
 * assert.equal(view.standard(4)?.name, "NAS-IP-Address");
 * assert.equal(view.vendor("Microsoft")?.id, 311);
 * assert.deepEqual(view.suggest("User-Nmae", 1), ["User-Name"]);
 * ```
 */
export interface DictionaryView<A extends object = object> {
  /** The attribute map the dictionary is typed with (type-only, see `Dictionary`). */
  readonly "~attributes"?: AttributeMapOf<A>;
  /** A top-level IETF attribute by number. */
  standard(code: number): AttributeDef | undefined;
  /** A vendor by IANA number or name. */
  vendor(nameOrId: string | number): VendorDef | undefined;
  /** An attribute by name, case-insensitive. */
  attribute(name: string): AttributeDef | undefined;
  /** Close attribute names, best first, for error messages. */
  suggest(name: string, max?: number): string[];
}

/** An attribute built by a program or decoded without a dictionary entry. */
class AttributeRecord implements Attribute {
  readonly name: string;
  readonly def: AttributeDef | undefined;
  readonly value: AttributeValue;
  readonly tag: number | undefined;
  readonly raw: Uint8Array | undefined;
  readonly wire: Uint8Array | undefined;
  constructor(
    def: AttributeDef | undefined,
    name: string,
    value: AttributeValue,
    tag: number | undefined,
    raw: Uint8Array | undefined,
    wire: Uint8Array | undefined,
  ) {
    this.name = name;
    this.def = def;
    this.value = value;
    this.tag = tag;
    this.raw = raw;
    this.wire = wire;
  }
}
inspectWithoutSecrets(AttributeRecord.prototype);

/** Creates an attribute record (inspecting it shows no secret value). */
export function attribute(
  def: AttributeDef | undefined,
  name: string,
  value: AttributeValue,
  tag: number | undefined,
  raw: Uint8Array | undefined,
  wire: Uint8Array | undefined,
): Attribute {
  return new AttributeRecord(def, name, value, tag, raw, wire);
}

/**
 * Whether `def` is the top-level IETF attribute numbered `code` (not a vendor,
 * TLV or extended attribute that happens to carry the same number).
 */
export function isStandardAttribute(def: AttributeDef, code: number): boolean {
  return def.code === code && def.vendor === undefined && def.parent === undefined;
}

/** RFC 2865 User-Password, which §5.2 limits to 128 octets. */
export const USER_PASSWORD = 2;
/** RFC 4372 Chargeable-User-Identity, which WiMAX sends empty. */
export const CHARGEABLE_USER_IDENTITY = 89;
/** RFC 4849 NAS-Filter-Rule. */
export const NAS_FILTER_RULE = 92;

/**
 * RFC 4849 §2 NAS-Filter-Rule (92): consecutive rules are one stream, each
 * rule ended by a NUL, split over as many attributes as it takes. FreeRADIUS
 * 3.0.22+ reads them back so; sent one per attribute without the NULs, a
 * FreeRADIUS peer would read "hello", "bob" as the single rule "hellobob".
 */
export function isNasFilterRule(def: AttributeDef): boolean {
  return def.type === "string" && isStandardAttribute(def, NAS_FILTER_RULE);
}
