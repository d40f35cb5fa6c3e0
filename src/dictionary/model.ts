/**
 * The shape of a loaded dictionary: what an attribute, a vendor and an
 * enumerated value are. The parser builds these; the codec reads them.
 *
 * @module
 */

/**
 * Every data type a FreeRADIUS 3.2 dictionary can give an attribute, after
 * aliases are resolved (`uint8` → `byte`, `uint16` → `short`, `uint32` →
 * `integer`, `uint64` → `integer64`, `int32` → `signed`; names are
 * case-insensitive in files and lower-case here).
 *
 * @example Usage
 * ```ts
 * import { type AttributeType, Dictionary } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const dictionary = Dictionary.parse(`
 * ATTRIBUTE Port-Limit 62 uint32
 * ATTRIBUTE Prefix     97 ipv6prefix
 * `);
 * const types: (AttributeType | undefined)[] = [
 *   dictionary.attribute("Port-Limit")?.type,
 *   dictionary.attribute("Prefix")?.type,
 * ];
 * assert.deepEqual(types, ["integer", "ipv6prefix"]); // uint32 is an alias of integer
 * ```
 */
export type AttributeType =
  | "string"
  | "octets"
  | "ipaddr"
  | "ipv4prefix"
  | "ipv6addr"
  | "ipv6prefix"
  | "ifid"
  | "ether"
  | "integer"
  | "signed"
  | "short"
  | "byte"
  | "integer64"
  | "bool"
  | "date"
  | "combo-ip"
  | "abinary"
  | "tlv"
  | "vsa"
  | "extended"
  | "long-extended"
  | "evs";

/**
 * How an attribute's value is hidden on the wire, from the `encrypt=N` flag:
 * 0 none, 1 User-Password (RFC 2865 §5.2), 2 salted (RFC 2868 §3.5),
 * 3 Ascend-Send-Secret.
 *
 * @example Usage
 * ```ts
 * import { Dictionary, type EncryptMethod } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const hiding: Record<EncryptMethod, string> = {
 *   0: "none",
 *   1: "User-Password (RFC 2865 §5.2)",
 *   2: "salted (RFC 2868 §3.5)",
 *   3: "Ascend-Send-Secret",
 * };
 * const method = Dictionary.default().attribute("Tunnel-Password")?.flags.encrypt;
 * assert.equal(method === undefined ? undefined : hiding[method], "salted (RFC 2868 §3.5)");
 * ```
 */
export type EncryptMethod = 0 | 1 | 2 | 3;

/**
 * The flags column of an `ATTRIBUTE` line.
 *
 * @example Usage
 * ```ts
 * import { type AttributeFlags, Dictionary } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const dictionary = Dictionary.default();
 * const flags = (name: string): AttributeFlags | undefined => dictionary.attribute(name)?.flags;
 * assert.equal(flags("User-Password")?.encrypt, 1);
 * assert.equal(flags("Tunnel-Password")?.encrypt, 2);
 * assert.equal(flags("Tunnel-Password")?.hasTag, true);
 * assert.equal(flags("User-Name")?.hasTag, false);
 * ```
 */
export interface AttributeFlags {
  /** `has_tag`: RFC 2868 §3.1 tag byte before the value. */
  readonly hasTag: boolean;
  /** `encrypt=N`: how the value is hidden on the wire. */
  readonly encrypt: EncryptMethod;
  /** `array`: several fixed-size values in one attribute (RFC 8044 §3.8). */
  readonly array: boolean;
  /** `concat`: a long value split over consecutive attributes. */
  readonly concat: boolean;
  /** `virtual`: server-internal, never on the wire. */
  readonly virtual: boolean;
  /** `secret`: never printed in logs. */
  readonly secret: boolean;
}

/**
 * A `VENDOR` definition and its wire format (`format=t,l[,c]`).
 *
 * @example Usage
 * ```ts
 * import { Dictionary, type VendorDef } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const microsoft: VendorDef | undefined = Dictionary.default().vendor("Microsoft");
 * assert.equal(microsoft?.id, 311);
 * assert.equal(microsoft?.typeLength, 1);
 * assert.equal(microsoft?.lengthLength, 1);
 * assert.equal(microsoft?.attributes.get(11)?.name, "MS-CHAP-Challenge");
 * ```
 */
export interface VendorDef {
  /** The vendor name as written in the dictionary. */
  readonly name: string;
  /** The IANA Private Enterprise Number. */
  readonly id: number;
  /** Bytes of the sub-attribute type field: 1, 2 or 4. */
  readonly typeLength: 1 | 2 | 4;
  /** Bytes of the sub-attribute length field: 0, 1 or 2. */
  readonly lengthLength: 0 | 1 | 2;
  /** WiMAX-style continuation byte after the length (`,c`). */
  readonly continuation: boolean;
  /** Top-level attributes of this vendor inside Vendor-Specific (26), by type. */
  readonly attributes: ReadonlyMap<number, AttributeDef>;
  /**
   * Attributes of this vendor inside an RFC 6929 Extended-Vendor-Specific
   * attribute, keyed by the extended attribute number (241..246), then by
   * type (`BEGIN-VENDOR name format=Extended-Vendor-Specific-N`).
   */
  readonly evsAttributes: ReadonlyMap<number, ReadonlyMap<number, AttributeDef>>;
}

/**
 * One attribute definition.
 *
 * @example Usage
 * ```ts
 * import { type AttributeDef, Dictionary } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const dictionary = Dictionary.default();
 * const tunnelType: AttributeDef | undefined = dictionary.attribute("tunnel-type");
 * assert.equal(tunnelType?.name, "Tunnel-Type");
 * assert.equal(tunnelType?.oid, "64");
 * assert.equal(tunnelType?.valueNumbers.get("vlan"), 13);
 * const challenge = dictionary.attribute("MS-CHAP-Challenge");
 * assert.equal(challenge?.oid, "26.311.11");
 * assert.equal(challenge?.vendor?.name, "Microsoft");
 * ```
 */
export interface AttributeDef {
  /** The name as written in the dictionary (lookups ignore case). */
  readonly name: string;
  /** The number inside its container (the last part of {@linkcode oid}). */
  readonly code: number;
  /** The resolved data type. */
  readonly type: AttributeType;
  /** The fixed length of an `octets[N]` attribute, else `undefined`. */
  readonly size: number | undefined;
  /** The flags column. */
  readonly flags: AttributeFlags;
  /** The owning vendor, or `undefined` for IETF attributes. */
  readonly vendor: VendorDef | undefined;
  /**
   * The container this attribute sits in: a `tlv` parent, an `extended` /
   * `long-extended` parent (241..246), or the `evs` attribute (e.g. 241.26)
   * for extended vendor attributes. `undefined` for top-level IETF
   * attributes and top-level vendor attributes inside Vendor-Specific.
   */
  readonly parent: AttributeDef | undefined;
  /** Children of a `tlv`, `extended` or `long-extended` attribute, by code. */
  readonly children: ReadonlyMap<number, AttributeDef>;
  /**
   * Dotted number path as FreeRADIUS prints it: `"1"`, `"241.1"`,
   * `"26.9.1"` (vendor 9, type 1), `"241.26.12345.1"`, `"26.311.5.1"`.
   */
  readonly oid: string;
  /** `VALUE` names by number (names as written). */
  readonly valueNames: ReadonlyMap<number | bigint, string>;
  /** `VALUE` numbers by lower-cased name. */
  readonly valueNumbers: ReadonlyMap<string, number | bigint>;
  /**
   * Every `VALUE` name as written, aliases included (`Alive` and
   * `Interim-Update` both name Acct-Status-Type 3), in definition order.
   */
  readonly valueAliases: readonly string[];
}
