/**
 * The EAP server's counters, and why it rejected what it rejected.
 *
 * @module
 */
import { EAP_ERROR_REASONS, type EapErrorReason } from "../error.ts";
import { EAP_TLS_ERROR_REASONS, type EapTlsErrorReason } from "../tls/eap_tls_error.ts";

/**
 * Why an EAP server ended a conversation with an Access-Reject and
 * EAP-Failure: the peer failed to authenticate (`authentication-failed`,
 * `peer-failure`, `no-common-method`), or what arrived was wrong (every
 * other reason, including each {@linkcode EapErrorReason} of an EAP packet
 * that does not decode). Stable strings, for counters.
 *
 * @example Usage
 * ```ts
 * import type { EapRejectReason } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const probes: EapRejectReason[] = ["unknown-state", "identifier-mismatch", "eap-truncated"];
 * assert.equal(probes.length, 3);
 * ```
 */
export type EapRejectReason =
  | EapErrorReason
  /** More than 32 EAP-Message attributes that are not one consecutive run (RFC 3579 §3.1 needs 16 at most). */
  | "too-many-fragments"
  /** An EAP packet that is no Response (RFC 3579 §2.1: the NAS forwards the peer's Responses). */
  | "not-a-response"
  /** A Response other than Identity without the State of an Access-Challenge (RFC 3579 §2.1). */
  | "missing-state"
  /** A State this server never issued, already used, or expired. */
  | "unknown-state"
  /** The Response's Identifier is not that of the last Request (RFC 3748 §4.1). */
  | "identifier-mismatch"
  /** A Response of another Type than the Request's (RFC 3748 §4.1). */
  | "unexpected-type"
  /** A Nak that does not answer a method's first Request (RFC 3748 §5.3.1). */
  | "unexpected-nak"
  /** The peer's Nak lists no method the server offers and has not tried. */
  | "no-common-method"
  /** More Access-Challenges than `maxRounds` in one conversation. */
  | "too-many-rounds"
  /** An identity longer than 253 octets (the most a User-Name holds, RFC 2865 §5.1). */
  | "identity-too-long"
  /** An identity that is not UTF-8 (RFC 3748 §5.1). */
  | "bad-identity"
  /** A method's Response whose Type-Data does not parse. */
  | "bad-method-data"
  /** The peer's answer does not prove the password, or the user is unknown. */
  | "authentication-failed"
  /** The peer refused the server's proof (EAP-MSCHAPv2 Failure after the Success Request). */
  | "peer-failure"
  /** EAP-TLS, PEAP, TTLS: the TLS handshake failed (an alert, bytes that are no TLS, a tunnel closed). */
  | "tls-failed"
  /** EAP-TLS: no client certificate, one that does not chain to the CA, or one the check refused. */
  | "certificate-rejected"
  /** EAP-TLS: the TLS engine has no exporter for the keys (Deno 2.9's `node:tls`). */
  | "tls-exporter-unavailable"
  /** The peer authenticated, and `authorize` refused the user. */
  | "not-authorized"
  /** EAP-TLS: a Type-Data that is no valid fragment (RFC 5216 §3.1), or beyond the bounds. */
  | EapTlsErrorReason;

/**
 * Every {@linkcode EapRejectReason}, in a stable order.
 *
 * @example Usage
 * ```ts
 * import { EAP_REJECT_REASONS } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * assert.ok(EAP_REJECT_REASONS.includes("too-many-rounds"));
 * assert.ok(EAP_REJECT_REASONS.includes("eap-length-mismatch"));
 * ```
 */
export const EAP_REJECT_REASONS: readonly EapRejectReason[] = [
  ...EAP_ERROR_REASONS,
  "too-many-fragments",
  "not-a-response",
  "missing-state",
  "unknown-state",
  "identifier-mismatch",
  "unexpected-type",
  "unexpected-nak",
  "no-common-method",
  "too-many-rounds",
  "identity-too-long",
  "bad-identity",
  "bad-method-data",
  "authentication-failed",
  "peer-failure",
  "tls-failed",
  "certificate-rejected",
  "tls-exporter-unavailable",
  "not-authorized",
  ...EAP_TLS_ERROR_REASONS,
];

/**
 * A snapshot of an EAP server's counters. Every Access-Request with
 * EAP-Message gets exactly one answer: `challenges + accepted + rejected`
 * is their number (less any whose credential lookup or store threw).
 *
 * @example Usage
 * ```ts
 * import { EapServer, type EapServerStats } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const eap = new EapServer({ credentials: () => undefined });
 * const stats: EapServerStats = eap.stats();
 * assert.deepEqual([stats.started, stats.rejected, stats.rejectedBy["unknown-state"]], [0, 0, 0]);
 * ```
 */
export interface EapServerStats {
  /** Conversations begun by an EAP-Response/Identity. */
  readonly started: number;
  /** Access-Challenges sent. */
  readonly challenges: number;
  /** Access-Accepts (EAP-Success) sent. */
  readonly accepted: number;
  /** Access-Rejects (EAP-Failure) sent. */
  readonly rejected: number;
  /** The Access-Rejects by reason; they add up to `rejected`. */
  readonly rejectedBy: Readonly<Record<EapRejectReason, number>>;
}

/** The live counters behind {@linkcode EapServerStats}. */
export class EapCounters {
  started = 0;
  challenges = 0;
  accepted = 0;
  #rejectedBy = Object.fromEntries(EAP_REJECT_REASONS.map((reason) => [reason, 0])) as Record<
    EapRejectReason,
    number
  >;
  #rejected = 0;

  reject(reason: EapRejectReason): void {
    this.#rejectedBy[reason]++;
    this.#rejected++;
  }

  snapshot(): EapServerStats {
    return {
      started: this.started,
      challenges: this.challenges,
      accepted: this.accepted,
      rejected: this.#rejected,
      rejectedBy: { ...this.#rejectedBy },
    };
  }
}
