/**
 * Which TLS client certificates a NAS entry accepts (RFC 6614 §2.3: TLS
 * clients authenticate with certificates; the server checks them against
 * the client's configuration).
 *
 * @module
 */
import { parseIPv4, parseIPv6 } from "../codec/ip.ts";
import type { TlsDetails } from "../stream_transport.ts";
import { normalizeFingerprint } from "../stream/fingerprint.ts";
import type { ConnectionCloseReason } from "./connection_limits.ts";

/**
 * What a NAS's TLS certificate must be, beyond chaining to the listener's
 * `ca`.
 *
 * @example Usage
 * ```ts
 * import type { NasCertificate, NasEntry } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const pinned: NasCertificate = {
 *   fingerprints: ["3A:0F:39:58:FE:6C:A0:5A:7F:80:B5:73:EB:65:FC:9E:79:2B:B7:6B:1B:CA:2A:3E:4F:79:AE:1F:A6:5F:EE:9F"],
 * };
 * const nas: NasEntry = { address: "0.0.0.0/0", certificate: { names: ["nas1.example.org"] } };
 * assert.equal(pinned.fingerprints?.length, 1);
 * assert.equal(nas.secret, undefined); // over TLS: "radsec" (RFC 6614 §2.3)
 * ```
 */
export interface NasCertificate {
  /**
   * SHA-256 fingerprints of the certificates this NAS may present, as
   * `openssl x509 -fingerprint -sha256` prints them (`"3A:0F:…"`; colons
   * and case do not matter). A listed certificate is accepted even when it
   * does not chain to the listener's `ca` (a self-signed one); any other is
   * refused (`"certificate-not-allowed"`).
   */
  readonly fingerprints?: readonly string[];
  /**
   * Names the certificate must carry one of: a subjectAltName DNS name
   * (compared without case), IP address or URI, or else its subject CN
   * (`"certificate-not-allowed"` when none matches).
   */
  readonly names?: readonly string[];
}

/** A {@linkcode NasCertificate} made ready for matching. */
export interface CertificatePolicy {
  /** Upper-case hex, no colons. */
  readonly fingerprints: ReadonlySet<string> | undefined;
  /** Lower-case names; IP literals in canonical form. */
  readonly names: readonly string[] | undefined;
}

/**
 * Checks a NAS's `certificate` settings.
 *
 * @param settings The settings as given.
 * @param nasName The NAS's name, for messages.
 * @returns The policy, or `undefined` when there is none.
 * @throws {TypeError} for a fingerprint that is not 32 hex bytes or a name that is not a non-empty string.
 */
export function certificatePolicy(
  settings: NasCertificate | undefined,
  nasName: string,
): CertificatePolicy | undefined {
  if (settings === undefined) return undefined;
  if (typeof settings !== "object" || settings === null) {
    throw new TypeError(
      `Client "${nasName}" has certificate ${typeof settings}: use { fingerprints: [...] } and/or { names: [...] }`,
    );
  }
  let fingerprints: Set<string> | undefined;
  if (settings.fingerprints !== undefined) {
    if (!Array.isArray(settings.fingerprints)) {
      throw new TypeError(`Client "${nasName}" certificate.fingerprints must be a list of strings`);
    }
    fingerprints = new Set();
    for (const text of settings.fingerprints as unknown[]) {
      const hex = typeof text === "string" ? normalizeFingerprint(text) : undefined;
      if (hex === undefined) {
        throw new TypeError(
          `Client "${nasName}" has certificate fingerprint ${
            JSON.stringify(text)
          }: use the SHA-256 fingerprint as openssl x509 -noout -fingerprint -sha256 prints it`,
        );
      }
      fingerprints.add(hex);
    }
  }
  let names: string[] | undefined;
  if (settings.names !== undefined) {
    if (!Array.isArray(settings.names)) {
      throw new TypeError(`Client "${nasName}" certificate.names must be a list of strings`);
    }
    names = (settings.names as unknown[]).map((name) => {
      if (typeof name !== "string" || name.trim() === "") {
        throw new TypeError(
          `Client "${nasName}" has certificate name ${
            JSON.stringify(name)
          }: use a DNS name, IP address or URI`,
        );
      }
      return canonicalName(name.trim());
    });
  }
  return { fingerprints, names };
}

/**
 * Why a TLS client may not use the NAS entry it matched, if it may not.
 *
 * @param details The handshake's outcome.
 * @param policy The entry's certificate policy.
 * @returns The close reason, or `undefined` to accept.
 */
export function refuseCertificate(
  details: TlsDetails | undefined,
  policy: CertificatePolicy | undefined,
): ConnectionCloseReason | undefined {
  const certificate = details?.peerCertificate;
  if (details === undefined || certificate === undefined) return "no-certificate";
  if (policy?.fingerprints !== undefined) {
    const hex = normalizeFingerprint(certificate.fingerprint256);
    if (hex === undefined || !policy.fingerprints.has(hex)) return "certificate-not-allowed";
  } else if (!details.authorized) {
    return "certificate-unverified";
  }
  if (policy?.names !== undefined) {
    const carried = certificateNames(certificate.subjectAltNames, certificate.commonName);
    if (!policy.names.some((name) => carried.includes(name))) return "certificate-not-allowed";
  }
  return undefined;
}

/** The names a certificate carries, comparable with a policy's (CN only without DNS names). */
function certificateNames(
  subjectAltNames: readonly string[],
  commonName: string | undefined,
): string[] {
  const names: string[] = [];
  let dns = false;
  for (const entry of subjectAltNames) {
    const colon = entry.indexOf(":");
    const kind = entry.slice(0, colon);
    const value = entry.slice(colon + 1);
    if (kind === "DNS") dns = true;
    if (kind === "DNS" || kind === "IP" || kind === "URI") names.push(canonicalName(value));
  }
  // RFC 6125 §6.4.4: the CN only counts when there is no DNS subjectAltName.
  if (!dns && commonName !== undefined) names.push(canonicalName(commonName));
  return names;
}

/** DNS names without case; IP literals in one form (`"::0001"` is `"::1"`). */
function canonicalName(name: string): string {
  const v4 = new Uint8Array(4);
  if (parseIPv4(name, v4, 0)) return v4.join(".");
  const v6 = new Uint8Array(16);
  if (parseIPv6(name, v6, 0)) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(((v6[i]! << 8) | v6[i + 1]!).toString(16));
    return groups.join(":");
  }
  return name.toLowerCase();
}
