/**
 * The NT password hash, MD4 of the password in UTF-16LE (RFC 2433 §A.2,
 * RFC 2759 §8.3), and the hash of that hash that keys MPPE (RFC 2759 §8.4).
 * A server that stores only NT hashes can run every MS-CHAP check from them.
 *
 * @module
 */
import { requireLength } from "../crypto/_checks.ts";
import { md4 } from "../crypto/md4.ts";

/**
 * NtPasswordHash() (RFC 2759 §8.3): MD4 of the password's UTF-16
 * little-endian code units ("Unicode"). JavaScript strings are UTF-16
 * already, so every password, ASCII or not, hashes as Windows hashes it.
 *
 * @param password The cleartext password.
 * @returns The 16-byte NT hash (what FreeRADIUS calls NT-Password).
 * @throws {TypeError} If `password` is not a string.
 *
 * @example Usage
 * ```ts
 * import { ntPasswordHash } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * // RFC 2759 §9.2: "clientPass" hashes to 44EBBA8D5312B8D611474411F56989AE.
 * const hash = ntPasswordHash("clientPass");
 * assert.equal(hash.length, 16);
 * assert.equal(hash[0], 0x44);
 * ```
 */
export function ntPasswordHash(password: string): Uint8Array {
  if (typeof password !== "string") {
    throw new TypeError("ntPasswordHash() hashes a password given as a string");
  }
  const unicode = new Uint8Array(password.length * 2);
  for (let i = 0; i < password.length; i++) {
    const unit = password.charCodeAt(i);
    unicode[2 * i] = unit;
    unicode[2 * i + 1] = unit >>> 8;
  }
  const hash = md4(unicode);
  unicode.fill(0);
  return hash;
}

/**
 * HashNtPasswordHash() (RFC 2759 §8.4): MD4 of the NT hash. It keys the
 * MS-CHAP v2 authenticator response and every MPPE key (RFC 3079 §2.3,
 * §3.3), and is what MS-CHAP-MPPE-Keys carries as the "NT key".
 *
 * @param passwordHash The 16-byte NT hash.
 * @returns The 16-byte hash of it.
 * @throws {TypeError} If `passwordHash` is not a `Uint8Array`.
 * @throws {RangeError} If it is not 16 bytes.
 *
 * @example Usage
 * ```ts
 * import { hashNtPasswordHash, ntPasswordHash } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * // RFC 2759 §9.2: PasswordHashHash = 41C00C584BD2D91C4017A2A12FA59F3F.
 * const hashHash = hashNtPasswordHash(ntPasswordHash("clientPass"));
 * assert.equal(hashHash[0], 0x41);
 * ```
 */
export function hashNtPasswordHash(passwordHash: Uint8Array): Uint8Array {
  requireLength(passwordHash, 16, "The NT password hash");
  return md4(passwordHash);
}
