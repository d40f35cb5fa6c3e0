/**
 * EAP packet codes (RFC 3748 §4, RFC 6696 §5.3 and the IANA "EAP Packet
 * Codes" registry).
 *
 * @module
 */

/**
 * EAP packet codes by name. Initiate and Finish (RFC 6696, re-authentication)
 * are decoded as packets with a Type, like Request and Response; nothing
 * else in radkit interprets them.
 *
 * @example Usage
 * ```ts
 * import { decodeEap, EapCode } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const success = decodeEap(new Uint8Array([3, 7, 0, 4]));
 * assert.equal(success.code, EapCode.Success);
 * assert.equal(EapCode.Request, 1);
 * ```
 */
export const EapCode = {
  Request: 1,
  Response: 2,
  Success: 3,
  Failure: 4,
  Initiate: 5,
  Finish: 6,
} as const;

/**
 * One of the values of {@linkcode EapCode}.
 *
 * @example Usage
 * ```ts
 * import { EapCode } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const final: readonly EapCode[] = [EapCode.Success, EapCode.Failure];
 * assert.ok(final.includes(EapCode.Failure));
 * ```
 */
export type EapCode = (typeof EapCode)[keyof typeof EapCode];

/**
 * The codes whose packets carry a Type (RFC 3748 §4.1, RFC 6696 §5.3).
 *
 * @example Usage
 * ```ts
 * import { type EapDataCode, EapCode } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const code: EapDataCode = EapCode.Response;
 * assert.equal(code, 2);
 * ```
 */
export type EapDataCode =
  | typeof EapCode.Request
  | typeof EapCode.Response
  | typeof EapCode.Initiate
  | typeof EapCode.Finish;

/**
 * The codes whose packets are the 4-octet header alone (RFC 3748 §4.2).
 *
 * @example Usage
 * ```ts
 * import { EapCode, type EapResultCode } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const code: EapResultCode = EapCode.Failure;
 * assert.equal(code, 4);
 * ```
 */
export type EapResultCode = typeof EapCode.Success | typeof EapCode.Failure;

const names: readonly string[] = [
  "",
  "Request",
  "Response",
  "Success",
  "Failure",
  "Initiate",
  "Finish",
];

/**
 * Whether `code` is one of {@linkcode EapCode}'s values.
 *
 * @param code A number from the Code field.
 * @returns `true` for 1..6.
 *
 * @example Usage
 * ```ts
 * import { isEapCode } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isEapCode(2), true);
 * assert.equal(isEapCode(7), false);
 * ```
 */
export function isEapCode(code: number): code is EapCode {
  return Number.isInteger(code) && code >= 1 && code <= 6;
}

/**
 * The name of an EAP code, as RFC 3748 spells it (`"Request"`,
 * `"Success"`, …), or the number as text for one outside the registry.
 *
 * @param code The code.
 * @returns Its name.
 *
 * @example Usage
 * ```ts
 * import { EapCode, eapCodeName } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * assert.equal(eapCodeName(EapCode.Response), "Response");
 * assert.equal(eapCodeName(9), "9");
 * ```
 */
export function eapCodeName(code: number): string {
  return isEapCode(code) ? names[code]! : String(code);
}

/** Whether packets of `code` carry a Type. */
export function hasEapType(code: EapCode): code is EapDataCode {
  return code !== EapCode.Success && code !== EapCode.Failure;
}
