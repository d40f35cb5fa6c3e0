/**
 * The hashing every RADIUS authenticator is built on: MD5, HMAC-MD5,
 * constant-time comparison and random bytes. Runtime-agnostic (Web
 * standard globals only).
 *
 * @module
 */

export { Md5, md5, md5Concat } from "./md5.ts";
export { HmacMd5, hmacMd5 } from "./hmac_md5.ts";
export { timingSafeEqual } from "./timing_safe_equal.ts";
export { fillRandom, randomBytes } from "./random.ts";
