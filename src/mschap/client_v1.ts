/**
 * MS-CHAP v1 on the client side of RADIUS (RFC 2548 §2.1, RFC 2433): a
 * NAS, or a test client acting as one and as the peer, puts MS-CHAP-Challenge
 * and an NT-only MS-CHAP-Response in the Access-Request. MS-CHAP v1 has no
 * server proof; an Access-Accept's MS-CHAP-MPPE-Keys, when present, shows
 * the server derived the keys from the same password.
 *
 * @module
 */
import { Code } from "../codec/code.ts";
import { fillRandom, randomByte } from "../crypto/random.ts";
import { timingSafeEqual } from "../crypto/timing_safe_equal.ts";
import type { Packet } from "../packet.ts";
import { buildMsChapResponse } from "./attributes.ts";
import { challengeResponse } from "./challenge_response.ts";
import type { MsChapReplyFailure } from "./client_v2.ts";
import { checkCredential, ntHashOf, type PasswordCredential } from "./credential.ts";
import type { MsChapError } from "./ms_chap_error.ts";
import { hashNtPasswordHash } from "./nt_password_hash.ts";
import { readMsChapError, requireIdent, requireUsername } from "./_client.ts";

/**
 * Options of {@linkcode addMsChapV1}: the password (or its NT hash) and,
 * for tests and replays, the values otherwise chosen at random.
 *
 * @example Usage
 * ```ts
 * import { addMsChapV1, Code, Dictionary, type MsChapV1Options, Packet } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const options: MsChapV1Options = { username: "alice", password: "secret", ident: 3 };
 * const request = Packet.create(Code.AccessRequest, Dictionary.default(), {});
 * assert.equal(addMsChapV1(request, options).challenge.length, 8);
 * ```
 */
export type MsChapV1Options = PasswordCredential & {
  /** The user name; set as the request's User-Name when given (MS-CHAP v1 does not hash it). */
  readonly username?: string;
  /** The MS-CHAP Ident, 0..255; random when omitted. */
  readonly ident?: number;
  /** The 8-byte challenge (MS-CHAP-Challenge); random when omitted. */
  readonly challenge?: Uint8Array;
};

/**
 * What {@linkcode addMsChapV1} put in the request, to check the reply
 * against with {@linkcode verifyMsChapV1Reply}. Holds nothing secret.
 *
 * @example Usage
 * ```ts
 * import { addMsChapV1, Code, Dictionary, type MsChapV1Context, Packet } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const request = Packet.create(Code.AccessRequest, Dictionary.default(), { "User-Name": "bob" });
 * const context: MsChapV1Context = addMsChapV1(request, { password: "hello" });
 * assert.equal(context.version, 1);
 * assert.equal(context.ntResponse.length, 24);
 * ```
 */
export interface MsChapV1Context {
  /** MS-CHAP version 1. */
  readonly version: 1;
  /** The MS-CHAP Ident of the response. */
  readonly ident: number;
  /** The 8-byte challenge (MS-CHAP-Challenge). */
  readonly challenge: Uint8Array;
  /** The 24-byte NT-Response. */
  readonly ntResponse: Uint8Array;
}

/** The hash of the NT hash behind each context (the expected NT key), out of the context itself. */
const ntKeys = new WeakMap<MsChapV1Context, Uint8Array>();

/**
 * Adds MS-CHAP v1 to an Access-Request (RFC 2548 §2.1.3): an 8-byte random
 * MS-CHAP-Challenge and an MS-CHAP-Response that carries only the NT-Response
 * (RFC 2433 §A.1), its LM-Response zero and its Flags saying so; replaces
 * any already there. Keep the context to check the reply with
 * {@linkcode verifyMsChapV1Reply}.
 *
 * @param request The Access-Request; its dictionary must define the Microsoft attributes.
 * @param options The password or NT hash, and optionally the user name, Ident and challenge.
 * @returns The context to verify the reply with.
 * @throws {TypeError} If there is no user name (neither `username` nor a User-Name), or no usable password.
 * @throws {RangeError} If the Ident or the challenge is out of range.
 *
 * @example Usage
 * ```ts
 * import { addMsChapV1, Code, Dictionary, Packet, verifyPassword } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const request = Packet.create(Code.AccessRequest, Dictionary.default(), { "User-Name": "bob" });
 * addMsChapV1(request, { password: "hello" });
 * assert.equal(request.get("MS-CHAP-Challenge")?.length, 8);
 * assert.equal(verifyPassword(request, { password: "hello" }).method, "mschap");
 * ```
 */
export function addMsChapV1(request: Packet, options: MsChapV1Options): MsChapV1Context {
  checkCredential(options);
  const username = requireUsername(request, options.username);
  const ident = requireIdent(options.ident) ?? randomByte();
  let challenge: Uint8Array;
  if (options.challenge === undefined) challenge = fillRandom(new Uint8Array(8));
  else if (options.challenge instanceof Uint8Array && options.challenge.length === 8) {
    challenge = options.challenge.slice();
  } else throw new RangeError("The MS-CHAP challenge must be a Uint8Array of 8 bytes");
  const passwordHash = ntHashOf(options);
  const ntResponse = challengeResponse(challenge, passwordHash);
  const ntKey = hashNtPasswordHash(passwordHash);
  passwordHash.fill(0);
  if (options.username !== undefined) request.set("User-Name", username);
  request.set("MS-CHAP-Challenge", challenge);
  request.set("MS-CHAP-Response", buildMsChapResponse(ident, ntResponse));
  const context: MsChapV1Context = Object.freeze({ version: 1, ident, challenge, ntResponse });
  ntKeys.set(context, ntKey);
  return context;
}

/**
 * What {@linkcode verifyMsChapV1Reply} found: accepted, with the NT key of
 * the session; or why not.
 *
 * @example Usage
 * ```ts
 * import type { MsChapV1Verification } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const describe = (result: MsChapV1Verification): string =>
 *   result.ok ? `accepted, NT key of ${result.ntKey.length} bytes` : result.reason;
 * assert.equal(describe({ ok: false, reason: "rejected" }), "rejected");
 * ```
 */
export type MsChapV1Verification =
  | {
    readonly ok: true;
    /**
     * The NT key of MS-CHAP-MPPE-Keys (the hash of the NT hash): with the
     * challenge, the start of the link's MPPE keys (RFC 3079 §2.3,
     * {@linkcode msChapV1StartKey}).
     */
    readonly ntKey: Uint8Array;
  }
  | {
    readonly ok: false;
    readonly reason: MsChapReplyFailure;
    /** The reply's MS-CHAP-Error (RFC 2548 §2.1.5), when it has one. */
    readonly error?: MsChapError;
  };

/**
 * Checks the reply to a request built with {@linkcode addMsChapV1}: an
 * Access-Accept whose MS-CHAP-MPPE-Keys, if present, carries the NT key of
 * the password (RFC 2548 §2.4.1). MS-CHAP v1 has no authenticator response:
 * without MS-CHAP-MPPE-Keys an Access-Accept proves nothing beyond the
 * Response Authenticator. Never throws on what the server sent.
 *
 * @param reply The reply, decoded with the shared secret and the request (as the Client does).
 * @param context What {@linkcode addMsChapV1} returned for the request.
 * @returns `ok` with the NT key, or the reason and any MS-CHAP-Error.
 * @throws {TypeError} If `context` did not come from {@linkcode addMsChapV1}.
 *
 * @example Usage
 * ```ts
 * import {
 *   addMsChapV1, Code, Dictionary, Packet, verifyMsChapV1Reply, verifyPassword,
 * } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const dictionary = Dictionary.default();
 * const request = Packet.create(Code.AccessRequest, dictionary, { "User-Name": "bob" });
 * const context = addMsChapV1(request, { password: "hello" });
 * const received = Packet.decode(request.encode("s3cret"), { dictionary, secret: "s3cret" });
 * const result = verifyPassword(received, { password: "wrong" });
 * const answer = received.reply(result.ok ? Code.AccessAccept : Code.AccessReject, result.reply);
 * const reply = Packet.decode(answer.encode("s3cret"), { dictionary, secret: "s3cret", request });
 *
 * const verified = verifyMsChapV1Reply(reply, context);
 * assert.equal(verified.ok, false);
 * if (!verified.ok) assert.equal(verified.error?.code, 691);
 * ```
 */
export function verifyMsChapV1Reply(reply: Packet, context: MsChapV1Context): MsChapV1Verification {
  const ntKey = ntKeys.get(context);
  if (ntKey === undefined) {
    throw new TypeError("verifyMsChapV1Reply() needs the context addMsChapV1() returned");
  }
  if (reply.code === Code.AccessReject) {
    const error = readMsChapError(reply);
    return error === undefined
      ? { ok: false, reason: "rejected" }
      : { ok: false, reason: "rejected", error };
  }
  if (reply.code !== Code.AccessAccept) return { ok: false, reason: "unexpected-code" };
  if (reply.has("MS-CHAP-MPPE-Keys")) {
    // RFC 2548 §2.4.1: 8 octets of LM key, 16 of NT key (then padding).
    const keys = reply.get("MS-CHAP-MPPE-Keys");
    if (
      !(keys instanceof Uint8Array) || keys.length < 24 ||
      !timingSafeEqual(keys.subarray(8, 24), ntKey)
    ) {
      return { ok: false, reason: "wrong-mppe-keys" };
    }
  }
  return { ok: true, ntKey: ntKey.slice() };
}
