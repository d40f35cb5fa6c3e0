/**
 * The MS-CHAP response: the 8-byte challenge encrypted with DES under three
 * keys cut from the zero-padded NT hash (RFC 2433 §A.5, RFC 2759 §8.5).
 * MS-CHAP v1 answers the authenticator's challenge with it directly; v2
 * answers a hash of both sides' challenges and the user name.
 *
 * @module
 */
import { requireLength } from "../crypto/_checks.ts";
import { encryptWithKey7 } from "../crypto/des.ts";
import { ntPasswordHash } from "./nt_password_hash.ts";

/** The NT hash, zero-padded to 21 bytes: three 7-byte DES keys. */
const paddedHash = new Uint8Array(21);

/**
 * ChallengeResponse() (RFC 2433 §A.5, RFC 2759 §8.5): the 24-byte response
 * to an 8-byte challenge, from the NT password hash.
 *
 * @param challenge The 8-byte challenge.
 * @param passwordHash The 16-byte NT hash ({@linkcode ntPasswordHash}).
 * @returns The 24-byte response.
 * @throws {TypeError} If an argument is not a `Uint8Array`.
 * @throws {RangeError} If the challenge is not 8 bytes or the hash not 16.
 *
 * @example Usage
 * ```ts
 * import { challengeResponse, ntPasswordHash } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * // RFC 2433 §B.2: "MyPw" against the challenge 102DB5DF085D3041.
 * const challenge = new Uint8Array([0x10, 0x2d, 0xb5, 0xdf, 0x08, 0x5d, 0x30, 0x41]);
 * const response = challengeResponse(challenge, ntPasswordHash("MyPw"));
 * assert.equal(response.length, 24);
 * assert.equal(response[0], 0x4e); // 4E9D3C8F9CFD385D5BF4D3246791956CA4C351AB409A3D61
 * ```
 */
export function challengeResponse(challenge: Uint8Array, passwordHash: Uint8Array): Uint8Array {
  requireLength(challenge, 8, "The MS-CHAP challenge");
  requireLength(passwordHash, 16, "The NT password hash");
  const response = new Uint8Array(24);
  paddedHash.set(passwordHash);
  encryptWithKey7(paddedHash, 0, challenge, response, 0);
  encryptWithKey7(paddedHash, 7, challenge, response, 8);
  encryptWithKey7(paddedHash, 14, challenge, response, 16);
  paddedHash.fill(0);
  return response;
}

/**
 * NtChallengeResponse() (RFC 2433 §A.1): the MS-CHAP v1 NT-Response, the
 * {@linkcode challengeResponse} of the password's NT hash.
 *
 * @param challenge The authenticator's 8-byte challenge (MS-CHAP-Challenge).
 * @param password The cleartext password.
 * @returns The 24-byte NT-Response.
 * @throws {RangeError} If the challenge is not 8 bytes.
 *
 * @example Usage
 * ```ts
 * import { challengeResponse, ntChallengeResponse, ntPasswordHash } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const challenge = new Uint8Array(8).fill(7);
 * assert.deepEqual(
 *   ntChallengeResponse(challenge, "MyPw"),
 *   challengeResponse(challenge, ntPasswordHash("MyPw")),
 * );
 * ```
 */
export function ntChallengeResponse(challenge: Uint8Array, password: string): Uint8Array {
  const hash = ntPasswordHash(password);
  try {
    return challengeResponse(challenge, hash);
  } finally {
    hash.fill(0);
  }
}
