/**
 * The hashing every RADIUS authenticator is built on — MD5, HMAC-MD5,
 * constant-time comparison and random bytes — and what MS-CHAP adds to it:
 * MD4, SHA-1 and single-block DES (RFC 2433, RFC 2759, RFC 3079), which
 * WebCrypto lacks or offers only asynchronously. Runtime-agnostic (Web
 * standard globals only) and synchronous.
 *
 * @module
 */

export { Md5, md5, md5Concat } from "./md5.ts";
export { HmacMd5, hmacMd5 } from "./hmac_md5.ts";
export { Md4, md4 } from "./md4.ts";
export { Sha1, sha1 } from "./sha1.ts";
export { desEncryptBlock } from "./des.ts";
export { timingSafeEqual } from "./timing_safe_equal.ts";
export { fillRandom, randomBytes } from "./random.ts";
