/**
 * MS-CHAP v1 and v2 on the server side of RADIUS (RFC 2548 §2.1, §2.3,
 * §2.4): checks the response in an Access-Request against the NT hash and
 * builds what the Access-Accept or Access-Reject carries back. Reached
 * through {@linkcode verifyPassword}.
 *
 * @module
 */
import { timingSafeEqual } from "../crypto/timing_safe_equal.ts";
import type { AttributesInit, Packet } from "../packet.ts";
import type { PasswordVerification, VerifyPasswordOptions } from "../verify_password.ts";
import {
  buildMsChap2Success,
  parseMsChap2Response,
  parseMsChapResponse,
  USE_NT_RESPONSE,
} from "./attributes.ts";
import { challengeResponse } from "./challenge_response.ts";
import { buildAuthenticationFailure } from "./ms_chap_error.ts";
import { msChapV1MppeKeys, msChapV2MppeKeys } from "./mppe_keys.ts";
import { generateAuthenticatorResponse, generateNtResponse } from "./mschap_v2.ts";

/** The MS-CHAP-Challenge, if it is a byte string of `length` bytes. */
function challengeOf(request: Packet, length: number): Uint8Array | undefined {
  const challenge = request.get("MS-CHAP-Challenge");
  return challenge instanceof Uint8Array && challenge.length === length ? challenge : undefined;
}

/**
 * MS-MPPE-Encryption-Policy and -Types (RFC 2548 §2.4.4–2.4.5), as
 * FreeRADIUS's mschap module sends them: encryption allowed (or required),
 * 40- or 128-bit RC4 (or 128-bit only).
 */
function encryptionAttributes(options: VerifyPasswordOptions): AttributesInit {
  return {
    "MS-MPPE-Encryption-Policy": options.requireEncryption === true
      ? "Encryption-Required"
      : "Encryption-Allowed",
    "MS-MPPE-Encryption-Types": options.requireStrongEncryption === true
      ? "RC4-128bit-Allowed"
      : "RC4-40or128-bit-Allowed",
  };
}

/**
 * Checks an MS-CHAP v1 request (RFC 2433 §A.1, RFC 2548 §2.1.3): an 8-byte
 * MS-CHAP-Challenge and an MS-CHAP-Response whose NT-Response is the
 * challenge response of the NT hash. Responses that ask for their
 * LM-Response to be used are refused (LAN Manager hashes are not kept).
 */
export function verifyMsChapV1(
  request: Packet,
  passwordHash: Uint8Array,
  options: VerifyPasswordOptions,
): PasswordVerification {
  const response = parseMsChapResponse(request.get("MS-CHAP-Response"));
  const challenge = challengeOf(request, 8);
  if (response === undefined || challenge === undefined) {
    return { ok: false, method: "mschap", reason: "malformed", reply: {} };
  }
  if ((response.flags & USE_NT_RESPONSE) === 0) {
    return {
      ok: false,
      method: "mschap",
      reason: "lm-response",
      reply: { "MS-CHAP-Error": buildAuthenticationFailure(response.ident, 1) },
    };
  }
  const expected = challengeResponse(challenge, passwordHash);
  if (!timingSafeEqual(expected, response.ntResponse)) {
    return {
      ok: false,
      method: "mschap",
      reason: "wrong-password",
      reply: { "MS-CHAP-Error": buildAuthenticationFailure(response.ident, 1) },
    };
  }
  const reply: AttributesInit = options.mppe === false ? {} : {
    "MS-CHAP-MPPE-Keys": msChapV1MppeKeys(passwordHash),
    ...encryptionAttributes(options),
  };
  return { ok: true, method: "mschap", reply };
}

/**
 * Checks an MS-CHAP v2 request (RFC 2759 §8.1, RFC 2548 §2.3.2): a 16-byte
 * MS-CHAP-Challenge and an MS-CHAP2-Response whose Response is the NT
 * response of the NT hash for the User-Name. Accepted, the reply carries
 * MS-CHAP2-Success with the authenticator response (RFC 2759 §8.7) and the
 * MPPE keys (RFC 3079 §3.3); rejected, an MS-CHAP-Error.
 */
export function verifyMsChapV2(
  request: Packet,
  passwordHash: Uint8Array,
  options: VerifyPasswordOptions,
): PasswordVerification {
  const response = parseMsChap2Response(request.get("MS-CHAP2-Response"));
  const authenticatorChallenge = challengeOf(request, 16);
  const username = request.get("User-Name");
  if (
    response === undefined || authenticatorChallenge === undefined ||
    typeof username !== "string"
  ) {
    return { ok: false, method: "mschapv2", reason: "malformed", reply: {} };
  }
  const exchange = {
    authenticatorChallenge,
    peerChallenge: response.peerChallenge,
    username,
    passwordHash,
  };
  const expected = generateNtResponse(exchange);
  if (!timingSafeEqual(expected, response.ntResponse)) {
    return {
      ok: false,
      method: "mschapv2",
      reason: "wrong-password",
      reply: { "MS-CHAP-Error": buildAuthenticationFailure(response.ident, 2) },
    };
  }
  const authenticatorResponse = generateAuthenticatorResponse(exchange, response.ntResponse);
  let reply: AttributesInit = {
    "MS-CHAP2-Success": buildMsChap2Success(response.ident, authenticatorResponse),
  };
  if (options.mppe !== false) {
    const keys = msChapV2MppeKeys(passwordHash, response.ntResponse);
    reply = {
      ...reply,
      "MS-MPPE-Recv-Key": keys.recvKey,
      "MS-MPPE-Send-Key": keys.sendKey,
      ...encryptionAttributes(options),
    };
  }
  return { ok: true, method: "mschapv2", reply };
}
