/**
 * RADIUS dictionaries: the FreeRADIUS 3.2 text format, parsed into
 * attribute, vendor and VALUE definitions with O(1) lookups.
 *
 * @example Usage
 * ```ts
 * import { Dictionary } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const dictionary = Dictionary.parse("ATTRIBUTE User-Name 1 string\n");
 * assert.equal(dictionary.standard(1)?.name, "User-Name");
 * ```
 *
 * @module
 */
export { Dictionary } from "./dictionary.ts";
export type { ParseOptions, ReadText } from "./dictionary.ts";
export type { AttributeTypes, AttributeValues } from "../../dictionaries/attribute_types.ts";
export type {
  AttributeDef,
  AttributeFlags,
  AttributeType,
  EncryptMethod,
  VendorDef,
} from "./model.ts";
