/**
 * EAP method types (RFC 3748 §5 and the IANA "Method Types" registry).
 *
 * @module
 */

/**
 * EAP Types by name: the special types of RFC 3748 §5 (Identity,
 * Notification, Nak, Expanded) and the methods radkit or its users meet most.
 * Any other number 0..255 decodes as a number.
 *
 * @example Usage
 * ```ts
 * import { EapType } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * assert.equal(EapType.MD5Challenge, 4);
 * assert.equal(EapType.MSCHAPv2, 26);
 * assert.equal(EapType.Expanded, 254);
 * ```
 */
export const EapType = {
  /** RFC 3748 §5.1. */
  Identity: 1,
  /** RFC 3748 §5.2. */
  Notification: 2,
  /** RFC 3748 §5.3.1, the legacy Nak (Response only). */
  Nak: 3,
  /** RFC 3748 §5.4. */
  MD5Challenge: 4,
  /** RFC 3748 §5.6, Generic Token Card. */
  GTC: 6,
  /** RFC 5216. */
  TLS: 13,
  /** RFC 5281. */
  TTLS: 21,
  /** draft-josefsson-pppext-eap-tls-eap. */
  PEAP: 25,
  /** draft-kamath-pppext-eap-mschapv2. */
  MSCHAPv2: 26,
  /**
   * The EAP TLV Extensions method ([MS-PEAP] §2.2.8.1; "EAP-TLV" of
   * draft-josefsson-pppext-eap-tls-eap-10 §4.2): the Result TLV that ends
   * PEAP's phase 2. IANA calls it MS-Authentication-TLV.
   */
  Extensions: 33,
  /** RFC 3748 §5.7: a Vendor-Id and a Vendor-Type follow. */
  Expanded: 254,
} as const;

/**
 * One of the values of {@linkcode EapType}.
 *
 * @example Usage
 * ```ts
 * import { EapType } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const offered: readonly EapType[] = [EapType.MSCHAPv2, EapType.MD5Challenge];
 * assert.equal(offered[0], 26);
 * ```
 */
export type EapType = (typeof EapType)[keyof typeof EapType];

const names: ReadonlyMap<number, string> = new Map([
  [1, "Identity"],
  [2, "Notification"],
  [3, "Nak"],
  [4, "MD5-Challenge"],
  [6, "GTC"],
  [13, "TLS"],
  [21, "TTLS"],
  [25, "PEAP"],
  [26, "MSCHAPv2"],
  [33, "MS-Authentication-TLV"],
  [254, "Expanded"],
]);

/**
 * The name of an EAP Type as the IANA registry and FreeRADIUS spell it
 * (`"MD5-Challenge"`, `"MSCHAPv2"`, …), or the number as text for a type
 * {@linkcode EapType} does not name.
 *
 * @param type The Type.
 * @returns Its name.
 *
 * @example Usage
 * ```ts
 * import { EapType, eapTypeName } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * assert.equal(eapTypeName(EapType.MD5Challenge), "MD5-Challenge");
 * assert.equal(eapTypeName(52), "52");
 * ```
 */
export function eapTypeName(type: number): string {
  return names.get(type) ?? String(type);
}
