/**
 * The error EAP decoding and EAP-Message handling throw, with a reason code
 * a server can count drops by.
 *
 * @module
 */
import { RadiusError, type RadiusErrorOptions } from "../errors.ts";

/**
 * Why EAP bytes were refused. Stable strings: a server counts its drops and
 * rejects by them.
 *
 * @example Usage
 * ```ts
 * import { decodeEap, EapError, type EapErrorReason } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const counts = new Map<EapErrorReason, number>();
 * for (const bytes of [new Uint8Array([2, 1, 0]), new Uint8Array([2, 1, 0, 9, 1])]) {
 *   try {
 *     decodeEap(bytes);
 *   } catch (error) {
 *     if (!(error instanceof EapError)) throw error;
 *     counts.set(error.reason, (counts.get(error.reason) ?? 0) + 1);
 *   }
 * }
 * assert.deepEqual([...counts], [["eap-truncated", 1], ["eap-length-mismatch", 1]]);
 * ```
 */
export type EapErrorReason =
  /** Fewer octets than the 4-octet header (RFC 3748 §4). */
  | "eap-truncated"
  /**
   * The Length field differs from the number of octets: those given, or
   * those of the EAP-Message attributes joined (RFC 3748 §4, RFC 3579 §3.1).
   */
  | "eap-length-mismatch"
  /**
   * Longer than a Length field can say (65,535 octets), or than the
   * EAP-Message attributes of one RADIUS packet can carry (4,096 octets,
   * RFC 2865 §3).
   */
  | "eap-too-long"
  /** A Code outside 1..6 (RFC 3748 §4: silently discarded). */
  | "eap-unknown-code"
  /** A Success or Failure longer than its 4-octet header (RFC 3748 §4.2). */
  | "eap-result-with-data"
  /** A Request, Response, Initiate or Finish without its Type octet (RFC 3748 §4.1). */
  | "eap-missing-type"
  /** Type 254 without its 3-octet Vendor-Id and 4-octet Vendor-Type (RFC 3748 §5.7). */
  | "eap-expanded-truncated"
  /**
   * A Nak that is no Response, lists no type, lists a type that is no
   * authentication method, or (expanded) has entries that are not 8 octets
   * each (RFC 3748 §5.3).
   */
  | "eap-bad-nak";

/**
 * Every {@linkcode EapErrorReason}, in a stable order, for counters.
 *
 * @example Usage
 * ```ts
 * import { EAP_ERROR_REASONS } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const counters = Object.fromEntries(EAP_ERROR_REASONS.map((reason) => [reason, 0]));
 * assert.equal(counters["eap-length-mismatch"], 0);
 * ```
 */
export const EAP_ERROR_REASONS: readonly EapErrorReason[] = [
  "eap-truncated",
  "eap-length-mismatch",
  "eap-too-long",
  "eap-unknown-code",
  "eap-result-with-data",
  "eap-missing-type",
  "eap-expanded-truncated",
  "eap-bad-nak",
];

/**
 * EAP bytes that do not decode, or an EAP packet that does not fit where it
 * is put. {@linkcode EapError.reason} says which, as a stable string.
 *
 * @example Usage
 * ```ts
 * import { decodeEap, EapError } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * // A Success (code 3) must be the 4-octet header alone.
 * assert.throws(() => decodeEap(new Uint8Array([3, 1, 0, 5, 0])), (error) => {
 *   assert.ok(error instanceof EapError);
 *   assert.equal(error.code, "ERR_EAP");
 *   assert.equal(error.reason, "eap-result-with-data");
 *   return true;
 * });
 * ```
 */
export class EapError extends RadiusError {
  /** Why the bytes were refused. */
  readonly reason: EapErrorReason;

  /**
   * Creates an EAP error.
   *
   * @param reason The stable reason code.
   * @param message What is wrong, in words.
   * @param options The underlying `cause`, if any.
   */
  constructor(reason: EapErrorReason, message: string, options?: RadiusErrorOptions) {
    super(message, options, "ERR_EAP");
    this.reason = reason;
  }
}
