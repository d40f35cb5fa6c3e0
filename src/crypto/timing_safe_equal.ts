/**
 * Comparison of secrets and authenticators without an early exit.
 *
 * @module
 */

/**
 * Compares two byte arrays in time that does not depend on where they
 * differ, so an attacker timing the comparison of a received
 * Message-Authenticator or Response Authenticator (RFC 2865 §3,
 * RFC 3579 §3.2) learns nothing about how many leading bytes were right.
 *
 * Only the contents are protected: arrays of different lengths return
 * `false` at once, so the length itself is not secret. (Lengths in RADIUS
 * are fixed or public.) JavaScript engines make no hard constant-time
 * promise; the loop reads every byte and never branches on the data.
 *
 * @param a The first array.
 * @param b The second array.
 * @returns `true` when `a` and `b` have the same length and bytes.
 * @throws {TypeError} If `a` or `b` is not a `Uint8Array`.
 *
 * @example Usage
 * ```ts
 * import { timingSafeEqual } from "@radkit/radius/crypto";
 * import assert from "node:assert/strict";
 *
 * assert.equal(timingSafeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2])), true);
 * assert.equal(timingSafeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3])), false);
 * assert.equal(timingSafeEqual(new Uint8Array([1]), new Uint8Array([1, 2])), false);
 * ```
 */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array)) {
    throw new TypeError("timingSafeEqual() compares two Uint8Arrays");
  }
  const length = a.length;
  if (length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}
