/**
 * The types that tie attribute names to value types. An attribute map is an
 * object type from attribute name to the type of its value, like
 * {@linkcode AttributeTypes} for the bundled dictionaries or a module that
 * `radkit dict --types` writes for any other. `Dictionary`, `Packet`,
 * `Client` and `Server` carry one as their type parameter, so the compiler
 * checks names and values against the dictionary really in use.
 *
 * @module
 */
import type { AttributeValue } from "./codec/values.ts";

/**
 * A tagged attribute value (RFC 2868 §3.1): the tag and the value, for
 * `has_tag` attributes such as Tunnel-Type.
 *
 * @example Usage
 * ```ts
 * import { Code, Dictionary, Packet, type Tagged } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const vlan: Tagged<"VLAN"> = { tag: 1, value: "VLAN" };
 * const request = Packet.create(Code.AccessRequest, Dictionary.default(), {});
 * const accept = request.reply(Code.AccessAccept, {
 *   "Tunnel-Type": vlan,
 *   "Tunnel-Private-Group-Id": { tag: 1, value: "100" },
 * });
 * assert.equal(accept.get("Tunnel-Type"), "VLAN");
 * assert.deepEqual(accept.attributes().map((attribute) => attribute.tag), [1, 1]);
 * ```
 */
export interface Tagged<T = AttributeValue> {
  /** The tag, 0..31; 0 means none. Tunnel attributes with the same tag belong together. */
  readonly tag: number;
  /** The value. */
  readonly value: T;
}

/**
 * The attribute map of a dictionary whose names are not known to the
 * compiler (one loaded at run time without a generated map): any name, any
 * value.
 *
 * @example Usage
 * ```ts
 * import { type AnyAttributes, Code, Dictionary, Packet } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const dictionary: Dictionary<AnyAttributes> = Dictionary.parse(
 *   "ATTRIBUTE Site-Role 3001 string\n",
 * );
 * const request = Packet.create(Code.AccessRequest, dictionary, { "Site-Role": "admin" });
 * assert.equal(request.get("Site-Role"), "admin");
 * ```
 */
export interface AnyAttributes {
  /** Every name maps to any value. */
  readonly [name: string]: AttributeValue | Tagged;
}

/**
 * A name FreeRADIUS gives an attribute its dictionary lacks: `Attr-` and the
 * attribute's number path (`Attr-26.9.1`, `Attr-241.5`, `Attr-26`). Such
 * names are accepted whatever the attribute map, with raw bytes as value.
 *
 * @example Usage
 * ```ts
 * import { Code, Dictionary, Packet, type RawAttributeName } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const ciscoAvPair: RawAttributeName = "Attr-26.9.1";
 * const request = Packet.create(Code.AccessRequest, Dictionary.default(), {
 *   [ciscoAvPair]: new TextEncoder().encode("show"),
 * });
 * assert.deepEqual(request.get(ciscoAvPair), new TextEncoder().encode("show"));
 * ```
 */
export type RawAttributeName = `Attr-${number}` | `Attr-${number}.${string}`;

/**
 * The attribute map a dictionary, packet, client or server was typed with,
 * as a type-only property (it holds nothing at run time). A mapped copy, so
 * that maps declared as interfaces still widen to {@linkcode AnyAttributes}.
 *
 * @example Usage
 * ```ts
 * import type { AttributeMapOf, AttributeTypes } from "@radkit/radius";
 *
 * const mapped: AttributeMapOf<AttributeTypes>["User-Name"] = "bob";
 * ```
 */
export type AttributeMapOf<A> = { readonly [K in keyof A]: A[K] };
