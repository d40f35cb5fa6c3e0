/**
 * Certificate fingerprints as people write them and as the transports
 * report them, brought to one form for comparison: the server's NAS pins
 * (`NasCertificate.fingerprints`) and the client's server pins
 * (`ClientTlsOptions.fingerprints`) share it.
 *
 * @module
 */

/**
 * A SHA-256 fingerprint in one form: upper-case hex, no colons.
 *
 * @param text A fingerprint as OpenSSL prints it, or in any case, with or
 * without colons, optionally prefixed `sha256:`.
 * @returns The hex, or `undefined` if it is not 32 bytes of hex.
 */
export function normalizeFingerprint(text: string): string | undefined {
  const hex = text.replace(/^sha256:/i, "").replace(/[:\s]/g, "").toUpperCase();
  return /^[0-9A-F]{64}$/.test(hex) ? hex : undefined;
}
