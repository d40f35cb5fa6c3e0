/**
 * Cryptographically strong random bytes from WebCrypto, for RADIUS Request
 * Authenticators (RFC 2865 §3: "unpredictable and unique"), Tunnel-Password
 * salts (RFC 2868 §3.5) and the like.
 *
 * @module
 */

/** The most bytes one `crypto.getRandomValues()` call may fill (WebCrypto §10.1.1). */
const MAX_CHUNK = 65536;

/**
 * Small requests (an authenticator, an id, a salt) are served from a pool
 * refilled 4 KiB at a time: one `getRandomValues()` call costs microseconds
 * on some runtimes, as much as encoding a whole packet. Bytes handed out are
 * wiped from the pool, so each is used once.
 */
const POOL_SIZE = 4096;
const POOLED_MAX = 256;
const pool = new Uint8Array(POOL_SIZE);
let poolOffset = POOL_SIZE;

function fillFromPool(target: Uint8Array): void {
  const length = target.length;
  if (poolOffset + length > POOL_SIZE) {
    crypto.getRandomValues(pool);
    poolOffset = 0;
  }
  for (let i = 0; i < length; i++) {
    target[i] = pool[poolOffset + i]!;
    pool[poolOffset + i] = 0;
  }
  poolOffset += length;
}

/** One random byte from the pool, without allocating (an Identifier, a CHAP Ident). */
export function randomByte(): number {
  if (poolOffset >= POOL_SIZE) {
    crypto.getRandomValues(pool);
    poolOffset = 0;
  }
  const byte = pool[poolOffset]!;
  pool[poolOffset++] = 0;
  return byte;
}

/**
 * Fills `target` with cryptographically strong random bytes, in chunks of
 * at most 65536 bytes (the `crypto.getRandomValues()` limit).
 *
 * @param target The array to fill; it is changed in place.
 * @returns `target`.
 * @throws {TypeError} If `target` is not a `Uint8Array`.
 *
 * @example Usage
 * ```ts
 * import { fillRandom } from "@radkit/radius/crypto";
 * import assert from "node:assert/strict";
 *
 * const packet = new Uint8Array(20);
 * fillRandom(packet.subarray(4, 20)); // a Request Authenticator, in place
 * assert.equal(packet.length, 20);
 * ```
 */
export function fillRandom(target: Uint8Array): Uint8Array {
  if (!(target instanceof Uint8Array)) {
    throw new TypeError("fillRandom() fills a Uint8Array; create one with new Uint8Array(length)");
  }
  const length = target.length;
  if (length <= POOLED_MAX) {
    fillFromPool(target);
    return target;
  }
  // WebCrypto's typings want an ArrayBuffer-backed view; a view of a
  // SharedArrayBuffer is refused at run time with a TypeError either way.
  const bytes = target as Uint8Array<ArrayBuffer>;
  if (length <= MAX_CHUNK) {
    crypto.getRandomValues(bytes);
    return target;
  }
  for (let start = 0; start < length; start += MAX_CHUNK) {
    crypto.getRandomValues(bytes.subarray(start, start + MAX_CHUNK));
  }
  return target;
}

/**
 * Returns `length` cryptographically strong random bytes.
 *
 * @param length How many bytes; a non-negative integer.
 * @returns A new array of `length` random bytes.
 * @throws {RangeError} If `length` is negative, not an integer, or not a safe integer.
 *
 * @example Usage
 * ```ts
 * import { randomBytes } from "@radkit/radius/crypto";
 * import assert from "node:assert/strict";
 *
 * const authenticator = randomBytes(16);
 * assert.equal(authenticator.length, 16);
 * ```
 */
export function randomBytes(length: number): Uint8Array {
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new RangeError(
      `randomBytes() needs a non-negative integer length, got ${String(length)}`,
    );
  }
  return fillRandom(new Uint8Array(length));
}
