/**
 * The implicit challenge of EAP-TTLS phase 2 (RFC 5281 §11.1): CHAP and
 * MS-CHAP need a challenge from the server, but the peer speaks first, so
 * both sides derive it from the tunnel's TLS exporter with the label
 * "ttls challenge": the challenge, then one more octet, the Ident.
 *
 * @module
 */

/** RFC 5281 §11.1: the exporter label of the implicit challenge. */
export const TTLS_CHALLENGE_LABEL = "ttls challenge";

/**
 * A challenge and the Ident that goes with it.
 *
 * @example Usage
 * ```ts
 * import type { ImplicitChallenge } from "./implicit_challenge.ts";
 * import assert from "node:assert/strict";
 *
 * const chap: ImplicitChallenge = { challenge: new Uint8Array(16), ident: 7 };
 * assert.equal(chap.challenge.length, 16);
 * ```
 */
export interface ImplicitChallenge {
  /** The challenge: 16 octets for CHAP (§11.2.2) and MS-CHAP v2 (§11.2.4), 8 for MS-CHAP v1 (§11.2.3). */
  readonly challenge: Uint8Array;
  /** The octet after it: the CHAP Ident, or the Ident of the MS-CHAP response. */
  readonly ident: number;
}

/**
 * Derives the implicit challenge of `length` octets and its Ident from the
 * tunnel's exporter (`length + 1` octets with label "ttls challenge", no
 * context), as RFC 5281 §11.1 and wpa_supplicant and hostapd do.
 *
 * @param exportKeyingMaterial The tunnel's TLS exporter.
 * @param length 16 for CHAP and MS-CHAP v2, 8 for MS-CHAP v1.
 * @returns The challenge and the Ident.
 * @throws Whatever the exporter throws (a `TlsExporterUnavailableError` on Deno 2.9).
 *
 * @example Usage
 * ```ts
 * import { implicitChallenge } from "./implicit_challenge.ts";
 * import assert from "node:assert/strict";
 *
 * const exporter = (length: number) => Uint8Array.from({ length }, (_, i) => i);
 * const { challenge, ident } = implicitChallenge(exporter, 16);
 * assert.equal(challenge.length, 16);
 * assert.equal(ident, 16);
 * ```
 */
export function implicitChallenge(
  exportKeyingMaterial: (length: number, label: string) => Uint8Array,
  length: 8 | 16,
): ImplicitChallenge {
  const material = exportKeyingMaterial(length + 1, TTLS_CHALLENGE_LABEL);
  if (!(material instanceof Uint8Array) || material.length !== length + 1) {
    throw new RangeError(
      `The TLS exporter returned ${
        material instanceof Uint8Array ? material.length : "no"
      } octets for ${length + 1} asked`,
    );
  }
  return { challenge: material.slice(0, length), ident: material[length]! };
}
