/**
 * The error the EAP client runner rejects with when the server breaks the
 * protocol (an Access-Reject is no error: it is the result).
 *
 * @module
 */
import { RadiusError, type RadiusErrorOptions } from "../errors.ts";

/**
 * Why an EAP conversation could not go on. Stable strings.
 *
 * @example Usage
 * ```ts
 * import type { EapConversationErrorReason } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const reason: EapConversationErrorReason = "no-eap-message";
 * assert.equal(reason, "no-eap-message");
 * ```
 */
export type EapConversationErrorReason =
  /** An Access-Challenge without EAP-Message (RFC 3579 §2.6.3). */
  | "no-eap-message"
  /** EAP-Message attributes that do not join into a valid EAP packet (the cause is an `EapError`). */
  | "bad-eap"
  /** An Access-Challenge whose EAP packet is no EAP-Request (RFC 3579 §2.6.3). */
  | "unexpected-code"
  /** A Request of the method whose Type-Data does not parse. */
  | "bad-method-data"
  /** More Access-Challenges than the runner's `maxRounds`. */
  | "too-many-rounds"
  /**
   * The server did not prove who it is: its TLS certificate (EAP-TLS) does
   * not chain to the configured CA or carry the expected name.
   */
  | "server-not-authenticated";

/**
 * The server broke the EAP or RADIUS rules during a conversation.
 * {@linkcode EapConversationError.reason} says how.
 *
 * @example Usage
 * ```ts
 * import { EapConversationError } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const error = new EapConversationError("too-many-rounds", "No end after 50 Access-Challenges");
 * assert.equal(error.code, "ERR_EAP");
 * assert.equal(error.reason, "too-many-rounds");
 * ```
 */
export class EapConversationError extends RadiusError {
  /** What went wrong. */
  readonly reason: EapConversationErrorReason;

  /**
   * Creates the error.
   *
   * @param reason The stable reason.
   * @param message What happened, in words.
   * @param options The underlying `cause`, if any.
   */
  constructor(reason: EapConversationErrorReason, message: string, options?: RadiusErrorOptions) {
    super(message, options, "ERR_EAP");
    this.reason = reason;
  }
}
