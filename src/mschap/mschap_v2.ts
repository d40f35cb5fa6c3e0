/**
 * MS-CHAP v2's own computations (RFC 2759 §8): the challenge hash, the
 * NT-Response and the authenticator response with which the server proves
 * that it knows the password too.
 *
 * @module
 */
import { requireLength } from "../crypto/_checks.ts";
import { Sha1 } from "../crypto/sha1.ts";
import { timingSafeEqual } from "../crypto/timing_safe_equal.ts";
import { challengeResponse } from "./challenge_response.ts";
import { hashNtPasswordHash } from "./nt_password_hash.ts";

const encoder = new TextEncoder();
/** One SHA-1 reused by every computation here (they are synchronous). */
const sha = new Sha1();

/**
 * One MS-CHAP v2 exchange as both sides see it: the two challenges, the
 * user name the peer presented, and the NT hash of the password.
 *
 * @example Usage
 * ```ts
 * import { generateNtResponse, type MsChapV2Exchange, ntPasswordHash } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const exchange: MsChapV2Exchange = {
 *   authenticatorChallenge: new Uint8Array(16).fill(1),
 *   peerChallenge: new Uint8Array(16).fill(2),
 *   username: "alice",
 *   passwordHash: ntPasswordHash("secret"),
 * };
 * assert.equal(generateNtResponse(exchange).length, 24);
 * ```
 */
export interface MsChapV2Exchange {
  /** The 16-byte challenge of the authenticator (in RADIUS, MS-CHAP-Challenge). */
  readonly authenticatorChallenge: Uint8Array;
  /** The peer's 16-byte challenge (in RADIUS, inside MS-CHAP2-Response). */
  readonly peerChallenge: Uint8Array;
  /**
   * The user name as the peer presented it (in RADIUS, User-Name); a
   * `DOMAIN\` prefix is left out of the hash (RFC 2759 §8.2).
   */
  readonly username: string;
  /** The NT hash of the password ({@linkcode ntPasswordHash}). */
  readonly passwordHash: Uint8Array;
}

/**
 * The user name bytes ChallengeHash() and GenerateAuthenticatorResponse()
 * hash: "excluding any prepended domain name" (RFC 2759 §8.2), that is,
 * what follows the first backslash, as UTF-8.
 */
function hashedUsername(username: string): Uint8Array {
  if (typeof username !== "string") {
    throw new TypeError("The MS-CHAP v2 user name must be a string (the User-Name)");
  }
  const backslash = username.indexOf("\\");
  return encoder.encode(backslash === -1 ? username : username.slice(backslash + 1));
}

function requireChallenges(peerChallenge: Uint8Array, authenticatorChallenge: Uint8Array): void {
  requireLength(peerChallenge, 16, "The MS-CHAP v2 peer challenge");
  requireLength(authenticatorChallenge, 16, "The MS-CHAP v2 authenticator challenge");
}

/**
 * ChallengeHash() (RFC 2759 §8.2): the first 8 bytes of
 * SHA-1(PeerChallenge + AuthenticatorChallenge + UserName), the challenge
 * the NT-Response answers.
 *
 * @param peerChallenge The peer's 16-byte challenge.
 * @param authenticatorChallenge The authenticator's 16-byte challenge.
 * @param username The user name; a `DOMAIN\` prefix is not hashed.
 * @returns The 8-byte challenge.
 * @throws {RangeError} If a challenge is not 16 bytes.
 *
 * @example Usage
 * ```ts
 * import { challengeHash } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const peer = new Uint8Array(16).fill(1);
 * const authenticator = new Uint8Array(16).fill(2);
 * assert.deepEqual(
 *   challengeHash(peer, authenticator, "EXAMPLE\\User"),
 *   challengeHash(peer, authenticator, "User"),
 * );
 * ```
 */
export function challengeHash(
  peerChallenge: Uint8Array,
  authenticatorChallenge: Uint8Array,
  username: string,
): Uint8Array {
  requireChallenges(peerChallenge, authenticatorChallenge);
  const digest = sha.reset()
    .update(peerChallenge)
    .update(authenticatorChallenge)
    .update(hashedUsername(username))
    .digest();
  return digest.slice(0, 8);
}

/**
 * GenerateNTResponse() (RFC 2759 §8.1): the peer's 24-byte NT-Response,
 * {@linkcode challengeResponse} of the {@linkcode challengeHash}. It takes
 * the NT hash where the RFC takes the password, so a server that stores
 * only NT hashes can compute it: pass `ntPasswordHash(password)`.
 *
 * @param exchange The challenges, user name and NT hash.
 * @returns The 24-byte NT-Response.
 * @throws {RangeError} If a challenge is not 16 bytes or the hash not 16.
 *
 * @example Usage
 * ```ts
 * import { generateNtResponse, ntPasswordHash } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const hex = (text: string) => Uint8Array.from(text.match(/../g)!, (b) => parseInt(b, 16));
 * // RFC 2759 §9.2.
 * const response = generateNtResponse({
 *   authenticatorChallenge: hex("5B5D7C7D7B3F2F3E3C2C602132262628"),
 *   peerChallenge: hex("21402324255E262A28295F2B3A337C7E"),
 *   username: "User",
 *   passwordHash: ntPasswordHash("clientPass"),
 * });
 * assert.deepEqual(response, hex("82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF"));
 * ```
 */
export function generateNtResponse(exchange: MsChapV2Exchange): Uint8Array {
  const challenge = challengeHash(
    exchange.peerChallenge,
    exchange.authenticatorChallenge,
    exchange.username,
  );
  return challengeResponse(challenge, exchange.passwordHash);
}

/** RFC 2759 §8.7: "Magic server to client signing constant". */
const MAGIC1 = encoder.encode("Magic server to client signing constant");
/** RFC 2759 §8.7: "Pad to make it do more than one iteration". */
const MAGIC2 = encoder.encode("Pad to make it do more than one iteration");

/** The 20-byte digest behind the authenticator response (RFC 2759 §8.7). */
function authenticatorDigest(exchange: MsChapV2Exchange, ntResponse: Uint8Array): Uint8Array {
  requireLength(ntResponse, 24, "The MS-CHAP v2 NT-Response");
  const hashHash = hashNtPasswordHash(exchange.passwordHash);
  const first = sha.reset().update(hashHash).update(ntResponse).update(MAGIC1).digest();
  hashHash.fill(0);
  const challenge = challengeHash(
    exchange.peerChallenge,
    exchange.authenticatorChallenge,
    exchange.username,
  );
  const digest = sha.reset().update(first).update(challenge).update(MAGIC2).digest();
  first.fill(0);
  return digest;
}

const HEX = "0123456789ABCDEF";

/**
 * GenerateAuthenticatorResponse() (RFC 2759 §8.7): the server's proof that
 * it knows the password, `"S="` and 40 uppercase hex digits, sent to the
 * peer in the Success packet (in RADIUS, in MS-CHAP2-Success).
 *
 * @param exchange The challenges, user name and NT hash.
 * @param ntResponse The 24-byte NT-Response the peer sent.
 * @returns The 42-character authenticator response.
 * @throws {RangeError} If the NT-Response is not 24 bytes, a challenge not 16 or the hash not 16.
 *
 * @example Usage
 * ```ts
 * import { generateAuthenticatorResponse, generateNtResponse, ntPasswordHash } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const hex = (text: string) => Uint8Array.from(text.match(/../g)!, (b) => parseInt(b, 16));
 * // RFC 2759 §9.2.
 * const exchange = {
 *   authenticatorChallenge: hex("5B5D7C7D7B3F2F3E3C2C602132262628"),
 *   peerChallenge: hex("21402324255E262A28295F2B3A337C7E"),
 *   username: "User",
 *   passwordHash: ntPasswordHash("clientPass"),
 * };
 * assert.equal(
 *   generateAuthenticatorResponse(exchange, generateNtResponse(exchange)),
 *   "S=407A5589115FD0D6209F510FE9C04566932CDA56",
 * );
 * ```
 */
export function generateAuthenticatorResponse(
  exchange: MsChapV2Exchange,
  ntResponse: Uint8Array,
): string {
  const digest = authenticatorDigest(exchange, ntResponse);
  let text = "S=";
  for (const byte of digest) text += HEX[byte >> 4]! + HEX[byte & 15]!;
  return text;
}

/** The 20 bytes of an `S=` + 40 hex digits string (either case), or undefined. */
function parseAuthenticatorResponse(text: string): Uint8Array | undefined {
  if (text.length < 42 || text[0] !== "S" || text[1] !== "=") return undefined;
  // RFC 2759 §5: " M=<message>" may follow the authenticator response.
  if (text.length > 42 && text[42] !== " ") return undefined;
  const out = new Uint8Array(20);
  for (let i = 0; i < 20; i++) {
    const high = parseInt(text[2 + 2 * i]!, 16);
    const low = parseInt(text[3 + 2 * i]!, 16);
    if (Number.isNaN(high) || Number.isNaN(low)) return undefined;
    out[i] = (high << 4) | low;
  }
  return out;
}

/**
 * CheckAuthenticatorResponse() (RFC 2759 §8.8): whether the server's
 * `S=…` string proves that it knows the password, compared in constant
 * time. A `" M=<message>"` after the 42 characters is allowed (RFC 2759
 * §5); the hex digits may be in either case.
 *
 * @param exchange The challenges, user name and NT hash.
 * @param ntResponse The 24-byte NT-Response the peer sent.
 * @param received The authenticator response received from the server.
 * @returns Whether it is the expected one.
 * @throws {TypeError} If `received` is not a string.
 * @throws {RangeError} If the NT-Response is not 24 bytes, a challenge not 16 or the hash not 16.
 *
 * @example Usage
 * ```ts
 * import { checkAuthenticatorResponse, generateNtResponse, ntPasswordHash } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const hex = (text: string) => Uint8Array.from(text.match(/../g)!, (b) => parseInt(b, 16));
 * const exchange = {
 *   authenticatorChallenge: hex("5B5D7C7D7B3F2F3E3C2C602132262628"),
 *   peerChallenge: hex("21402324255E262A28295F2B3A337C7E"),
 *   username: "User",
 *   passwordHash: ntPasswordHash("clientPass"),
 * };
 * const ntResponse = generateNtResponse(exchange);
 * const good = "S=407A5589115FD0D6209F510FE9C04566932CDA56 M=Welcome";
 * assert.equal(checkAuthenticatorResponse(exchange, ntResponse, good), true);
 * assert.equal(checkAuthenticatorResponse(exchange, ntResponse, good.replace("40", "41")), false);
 * ```
 */
export function checkAuthenticatorResponse(
  exchange: MsChapV2Exchange,
  ntResponse: Uint8Array,
  received: string,
): boolean {
  if (typeof received !== "string") {
    throw new TypeError("checkAuthenticatorResponse() checks the received S= string");
  }
  const expected = authenticatorDigest(exchange, ntResponse);
  const got = parseAuthenticatorResponse(received);
  return got !== undefined && timingSafeEqual(got, expected);
}
