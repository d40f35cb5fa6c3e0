/**
 * What a server knows of a user's password, for every password method:
 * the cleartext, or only its NT hash (what FreeRADIUS calls NT-Password).
 *
 * @module
 */
import { ntPasswordHash } from "./nt_password_hash.ts";

/**
 * A user's password as the server stores it: the cleartext (which every
 * method can check), or only its 16-byte NT hash, MD4 of the UTF-16LE
 * password (which PAP, MS-CHAP v1 and v2 can check, but CHAP cannot: CHAP
 * needs the cleartext). When both are given, the cleartext is used.
 *
 * @example Usage
 * ```ts
 * import { ntPasswordHash, type PasswordCredential } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const cleartext: PasswordCredential = { password: "hello" };
 * // An NT-Password stored as hex, e.g. from a FreeRADIUS users file.
 * const stored = "066ddfd4ef0e9cd7c256fe77191ef43c";
 * const hashOnly: PasswordCredential = {
 *   ntHash: Uint8Array.from(stored.match(/../g)!, (byte) => parseInt(byte, 16)),
 * };
 * assert.deepEqual(hashOnly.ntHash, ntPasswordHash(cleartext.password));
 * ```
 */
export type PasswordCredential =
  | { readonly password: string; readonly ntHash?: Uint8Array }
  | { readonly ntHash: Uint8Array; readonly password?: undefined };

/** The cleartext of a credential, or `undefined` when only the NT hash is known. */
export function cleartextOf(credential: PasswordCredential): string | undefined {
  checkCredential(credential);
  return credential.password;
}

/** The NT hash of a credential (a copy, or computed from the cleartext). */
export function ntHashOf(credential: PasswordCredential): Uint8Array {
  checkCredential(credential);
  return credential.password !== undefined
    ? ntPasswordHash(credential.password)
    : credential.ntHash.slice();
}

/** Throws a programmer error, without echoing the secret, unless the credential is usable. */
export function checkCredential(credential: PasswordCredential): void {
  if (typeof credential !== "object" || credential === null) {
    throw new TypeError("Pass the user's credential as { password } or { ntHash }");
  }
  if (credential.password !== undefined) {
    if (typeof credential.password !== "string") {
      throw new TypeError("The password must be a string; to pass an NT hash use { ntHash }");
    }
    return;
  }
  const ntHash = credential.ntHash as unknown;
  if (!(ntHash instanceof Uint8Array) || ntHash.length !== 16) {
    throw new TypeError(
      "Pass the user's credential as { password: string } or { ntHash: Uint8Array } of 16 bytes " +
        "(MD4 of the UTF-16LE password; a hex NT-Password decodes to it)",
    );
  }
}
