/**
 * CHAP over RADIUS (RFC 2865 §5.3, §5.40; the response is RFC 1994 §4.1):
 * CHAP-Password = CHAP Ident + MD5(Ident + password + challenge), where the
 * challenge is CHAP-Challenge if present, else the Request Authenticator.
 *
 * @module
 */
import { Md5 } from "./crypto/md5.ts";
import { randomByte } from "./crypto/random.ts";
import { timingSafeEqual } from "./crypto/timing_safe_equal.ts";
import type { Packet } from "./packet.ts";

const encoder = new TextEncoder();

function challengeOf(packet: Packet): Uint8Array {
  const challenge = packet.get("CHAP-Challenge");
  return challenge instanceof Uint8Array ? challenge : packet.authenticator;
}

function response(ident: number, password: string | Uint8Array, challenge: Uint8Array): Uint8Array {
  const out = new Uint8Array(17);
  out[0] = ident;
  const secret = typeof password === "string" ? encoder.encode(password) : password;
  out.set(new Md5().update(out.subarray(0, 1)).update(secret).update(challenge).digest(), 1);
  return out;
}

/**
 * Adds a CHAP-Password computed from the clear-text password to an
 * Access-Request, against its CHAP-Challenge (if it has one) or its Request
 * Authenticator (RFC 2865 §2.2).
 *
 * @param packet The Access-Request; its dictionary must define CHAP-Password.
 * @param password The user's password.
 * @param ident The CHAP Identifier, 0..255; random when omitted.
 * @returns The packet.
 *
 * @example Usage
 * ```ts
 * import { addChapPassword, Code, Dictionary, Packet, verifyChapPassword } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const request = Packet.create(Code.AccessRequest, Dictionary.default(), { "User-Name": "bob" });
 * addChapPassword(request, "hello");
 * assert.ok(verifyChapPassword(request, "hello"));
 * assert.ok(!verifyChapPassword(request, "wrong"));
 * ```
 */
export function addChapPassword(
  packet: Packet,
  password: string | Uint8Array,
  ident?: number,
): Packet {
  const id = ident ?? randomByte();
  return packet.set("CHAP-Password", response(id, password, challengeOf(packet)));
}

/**
 * Checks a request's CHAP-Password against the clear-text password, in
 * constant time. `false` when the request has no well-formed CHAP-Password.
 *
 * @param packet The received Access-Request.
 * @param password The password the server knows for the user.
 * @returns Whether the CHAP response matches.
 *
 * @example Usage
 * ```ts
 * import { addChapPassword, Code, Dictionary, Packet, verifyChapPassword } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const request = Packet.create(Code.AccessRequest, Dictionary.default(), {
 *   "CHAP-Challenge": new Uint8Array(16).fill(7),
 * });
 * addChapPassword(request, "hello", 1);
 * assert.equal(verifyChapPassword(request, "hello"), true);
 * ```
 */
export function verifyChapPassword(packet: Packet, password: string | Uint8Array): boolean {
  const chap = packet.get("CHAP-Password");
  if (!(chap instanceof Uint8Array) || chap.length !== 17) return false;
  return timingSafeEqual(response(chap[0]!, password, challengeOf(packet)), chap);
}
