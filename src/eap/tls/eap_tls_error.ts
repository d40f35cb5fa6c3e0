/**
 * The error EAP-TLS framing (RFC 5216 §3.1) throws for bytes that cannot be
 * a fragment of a TLS message, with a reason a server can count.
 *
 * @module
 */
import { RadiusError, type RadiusErrorOptions } from "../../errors.ts";

/**
 * Why an EAP-TLS (or PEAP, TTLS) Type-Data was refused. Stable strings.
 *
 * @example Usage
 * ```ts
 * import type { EapTlsErrorReason } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const reason: EapTlsErrorReason = "tls-length-inconsistent";
 * assert.equal(reason, "tls-length-inconsistent");
 * ```
 */
export type EapTlsErrorReason =
  /** No Flags octet, or the L flag without its 4-octet TLS Message Length (RFC 5216 §3.1). */
  | "tls-frame-truncated"
  /**
   * A TLS Message Length that disagrees with the one of the first fragment,
   * with the octets received, or (unfragmented) with the octets present.
   */
  | "tls-length-inconsistent"
  /** A TLS Message Length, or reassembled octets, beyond the reassembly bound. */
  | "tls-message-too-long"
  /** More fragments than the reassembly bound. */
  | "tls-too-many-fragments"
  /** A fragment that announces more to come (M flag) but carries no TLS data. */
  | "tls-empty-fragment";

/**
 * Every {@linkcode EapTlsErrorReason}, in a stable order, for counters.
 *
 * @example Usage
 * ```ts
 * import { EAP_TLS_ERROR_REASONS } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * assert.ok(EAP_TLS_ERROR_REASONS.includes("tls-message-too-long"));
 * ```
 */
export const EAP_TLS_ERROR_REASONS: readonly EapTlsErrorReason[] = [
  "tls-frame-truncated",
  "tls-length-inconsistent",
  "tls-message-too-long",
  "tls-too-many-fragments",
  "tls-empty-fragment",
];

/**
 * An EAP-TLS Type-Data that is no valid fragment of a TLS message, or one
 * that would break the reassembly bounds. {@linkcode EapTlsError.reason}
 * says which.
 *
 * @example Usage
 * ```ts
 * import { EapTlsError } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const error = new EapTlsError("tls-too-many-fragments", "more than 128 fragments");
 * assert.equal(error.code, "ERR_EAP");
 * assert.equal(error.reason, "tls-too-many-fragments");
 * ```
 */
export class EapTlsError extends RadiusError {
  /** Why the Type-Data was refused. */
  readonly reason: EapTlsErrorReason;

  /**
   * Creates the error.
   *
   * @param reason The stable reason.
   * @param message What is wrong, in words.
   * @param options The underlying `cause`, if any.
   */
  constructor(reason: EapTlsErrorReason, message: string, options?: RadiusErrorOptions) {
    super(message, options, "ERR_EAP");
    this.reason = reason;
  }
}
