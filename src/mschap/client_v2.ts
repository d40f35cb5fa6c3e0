/**
 * MS-CHAP v2 on the client side of RADIUS (RFC 2548 §2.3, RFC 2759): a NAS,
 * or a test client acting as one and as the peer, puts MS-CHAP-Challenge
 * and MS-CHAP2-Response in the Access-Request, then checks that the
 * MS-CHAP2-Success of the Access-Accept proves the server knows the password.
 *
 * @module
 */
import { Code } from "../codec/code.ts";
import { fillRandom, randomByte } from "../crypto/random.ts";
import { timingSafeEqual } from "../crypto/timing_safe_equal.ts";
import type { Packet } from "../packet.ts";
import { buildMsChap2Response, parseMsChap2Success } from "./attributes.ts";
import { checkCredential, ntHashOf, type PasswordCredential } from "./credential.ts";
import type { MsChapError } from "./ms_chap_error.ts";
import { type MppeKeys, msChapV2MppeKeys } from "./mppe_keys.ts";
import { checkAuthenticatorResponse, generateNtResponse } from "./mschap_v2.ts";
import { readMsChapError, requireIdent, requireUsername } from "./_client.ts";

/**
 * Options of {@linkcode addMsChapV2}: the password (or its NT hash) and,
 * for tests and replays, the values otherwise chosen at random.
 *
 * @example Usage
 * ```ts
 * import { addMsChapV2, Code, Dictionary, type MsChapV2Options, Packet } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const options: MsChapV2Options = { username: "alice", password: "secret", ident: 9 };
 * const request = Packet.create(Code.AccessRequest, Dictionary.default(), {});
 * assert.equal(addMsChapV2(request, options).ident, 9);
 * ```
 */
export type MsChapV2Options = PasswordCredential & {
  /**
   * The user name; when given it is also set as the request's User-Name.
   * The request's User-Name when omitted.
   */
  readonly username?: string;
  /** The MS-CHAP Ident, 0..255; random when omitted. */
  readonly ident?: number;
  /** The 16-byte authenticator challenge (MS-CHAP-Challenge); random when omitted. */
  readonly authenticatorChallenge?: Uint8Array;
  /** The peer's 16-byte challenge; random when omitted. */
  readonly peerChallenge?: Uint8Array;
};

/**
 * What {@linkcode addMsChapV2} put in the request, to check the reply
 * against with {@linkcode verifyMsChapV2Success}. Holds nothing secret: the
 * NT hash it needs is kept out of sight (so logging the context logs no
 * secret).
 *
 * @example Usage
 * ```ts
 * import { addMsChapV2, Code, Dictionary, type MsChapV2Context, Packet } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const request = Packet.create(Code.AccessRequest, Dictionary.default(), { "User-Name": "bob" });
 * const context: MsChapV2Context = addMsChapV2(request, { password: "hello" });
 * assert.equal(context.username, "bob");
 * assert.equal(context.ntResponse.length, 24);
 * assert.ok(!JSON.stringify(context).includes("hello"));
 * ```
 */
export interface MsChapV2Context {
  /** MS-CHAP version 2. */
  readonly version: 2;
  /** The MS-CHAP Ident of the response. */
  readonly ident: number;
  /** The user name the response was computed for. */
  readonly username: string;
  /** The 16-byte authenticator challenge (MS-CHAP-Challenge). */
  readonly authenticatorChallenge: Uint8Array;
  /** The peer's 16-byte challenge. */
  readonly peerChallenge: Uint8Array;
  /** The 24-byte NT-Response. */
  readonly ntResponse: Uint8Array;
}

/** The NT hash behind each context, out of the context itself. */
const hashes = new WeakMap<MsChapV2Context, Uint8Array>();

function challengeOption(value: Uint8Array | undefined, name: string): Uint8Array {
  if (value === undefined) return fillRandom(new Uint8Array(16));
  if (!(value instanceof Uint8Array) || value.length !== 16) {
    throw new RangeError(`The MS-CHAP v2 ${name} must be a Uint8Array of 16 bytes`);
  }
  return value.slice();
}

/**
 * Adds MS-CHAP v2 to an Access-Request (RFC 2548 §2.3.2): an
 * MS-CHAP-Challenge of 16 random bytes and an MS-CHAP2-Response computed
 * from the password (RFC 2759 §8.1), replacing any already there. Keep the
 * returned context to check the reply with {@linkcode verifyMsChapV2Success}.
 *
 * @param request The Access-Request; its dictionary must define the Microsoft attributes.
 * @param options The password or NT hash, and optionally the user name, Ident and challenges.
 * @returns The context to verify the reply with.
 * @throws {TypeError} If there is no user name (neither `username` nor a User-Name), or no usable password.
 * @throws {RangeError} If the Ident or a challenge is out of range.
 *
 * @example Usage
 * ```ts
 * import { addMsChapV2, Code, Dictionary, Packet, verifyPassword } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const request = Packet.create(Code.AccessRequest, Dictionary.default(), {});
 * addMsChapV2(request, { username: "alice", password: "secret" });
 * assert.equal(request.get("User-Name"), "alice");
 * assert.equal(request.get("MS-CHAP2-Response")?.length, 50);
 * assert.equal(verifyPassword(request, { password: "secret" }).ok, true);
 * ```
 */
export function addMsChapV2(request: Packet, options: MsChapV2Options): MsChapV2Context {
  checkCredential(options);
  const username = requireUsername(request, options.username);
  const ident = requireIdent(options.ident) ?? randomByte();
  const authenticatorChallenge = challengeOption(
    options.authenticatorChallenge,
    "authenticator challenge",
  );
  const peerChallenge = challengeOption(options.peerChallenge, "peer challenge");
  const passwordHash = ntHashOf(options);
  const ntResponse = generateNtResponse({
    authenticatorChallenge,
    peerChallenge,
    username,
    passwordHash,
  });
  if (options.username !== undefined) request.set("User-Name", username);
  request.set("MS-CHAP-Challenge", authenticatorChallenge);
  request.set("MS-CHAP2-Response", buildMsChap2Response(ident, peerChallenge, ntResponse));
  const context: MsChapV2Context = Object.freeze({
    version: 2,
    ident,
    username,
    authenticatorChallenge,
    peerChallenge,
    ntResponse,
  });
  hashes.set(context, passwordHash);
  return context;
}

/**
 * Why a reply did not prove an MS-CHAP exchange:
 * - `"rejected"`: an Access-Reject (its MS-CHAP-Error, if any, is in `error`);
 * - `"unexpected-code"`: neither an Access-Accept nor an Access-Reject;
 * - `"missing-success"`: an Access-Accept without MS-CHAP2-Success (v2);
 * - `"malformed-success"`: an MS-CHAP2-Success that is not `S=` and 40 hex digits;
 * - `"wrong-ident"`: an MS-CHAP2-Success for another response's Ident;
 * - `"wrong-authenticator-response"`: the `S=` value is not the one the
 *   password gives: the server does not know the password (RFC 2759 §8.8);
 * - `"wrong-mppe-keys"`: the reply's MPPE keys are not those of the password.
 *
 * @example Usage
 * ```ts
 * import type { MsChapReplyFailure } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const reason: MsChapReplyFailure = "wrong-authenticator-response";
 * assert.equal(typeof reason, "string");
 * ```
 */
export type MsChapReplyFailure =
  | "rejected"
  | "unexpected-code"
  | "missing-success"
  | "malformed-success"
  | "wrong-ident"
  | "wrong-authenticator-response"
  | "wrong-mppe-keys";

/**
 * What {@linkcode verifyMsChapV2Success} found: the server proved it knows
 * the password, with the MPPE keys of the session; or why not.
 *
 * @example Usage
 * ```ts
 * import type { MsChapV2Verification } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const describe = (result: MsChapV2Verification): string =>
 *   result.ok ? `proven, ${result.keys.sendKey.length}-byte keys` : result.reason;
 * assert.equal(describe({ ok: false, reason: "wrong-ident" }), "wrong-ident");
 * ```
 */
export type MsChapV2Verification =
  | {
    readonly ok: true;
    /** The MS-MPPE-Send-Key and MS-MPPE-Recv-Key of this exchange (RFC 3079 §3.3). */
    readonly keys: MppeKeys;
  }
  | {
    readonly ok: false;
    readonly reason: MsChapReplyFailure;
    /** The reply's MS-CHAP-Error (RFC 2548 §2.1.5), when it has one. */
    readonly error?: MsChapError;
  };

/** Whether the reply's `name` key, if it carries one the codec revealed, starts with `expected`. */
function keyMatches(reply: Packet, name: string, expected: Uint8Array): boolean {
  if (!reply.has(name)) return true;
  const value = reply.get(name);
  if (!(value instanceof Uint8Array)) return false;
  return value.length >= expected.length &&
    timingSafeEqual(value.subarray(0, expected.length), expected);
}

/**
 * Checks the reply to a request built with {@linkcode addMsChapV2}: an
 * Access-Accept whose MS-CHAP2-Success carries the authenticator response
 * that only a server knowing the password can compute (RFC 2759 §8.8,
 * RFC 2548 §2.3.3), and whose MS-MPPE-Send-Key and MS-MPPE-Recv-Key, if
 * present, are the keys of the password (RFC 3079 §3.3). Never throws on
 * what the server sent.
 *
 * @param reply The reply, decoded with the shared secret and the request (as the Client does).
 * @param context What {@linkcode addMsChapV2} returned for the request.
 * @returns `ok` with the MPPE keys, or the reason and any MS-CHAP-Error.
 * @throws {TypeError} If `context` did not come from {@linkcode addMsChapV2}.
 *
 * @example Usage
 * ```ts
 * import {
 *   addMsChapV2, Code, Dictionary, Packet, verifyMsChapV2Success, verifyPassword,
 * } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const dictionary = Dictionary.default();
 * const request = Packet.create(Code.AccessRequest, dictionary, { "User-Name": "alice" });
 * const context = addMsChapV2(request, { password: "secret" });
 * const wire = request.encode("s3cret");
 *
 * // The server's side, over the wire and back.
 * const received = Packet.decode(wire, { dictionary, secret: "s3cret" });
 * const result = verifyPassword(received, { password: "secret" });
 * const answer = received.reply(result.ok ? Code.AccessAccept : Code.AccessReject, result.reply);
 * const reply = Packet.decode(answer.encode("s3cret"), { dictionary, secret: "s3cret", request });
 *
 * const verified = verifyMsChapV2Success(reply, context);
 * assert.equal(verified.ok, true);
 * if (verified.ok) assert.deepEqual(reply.get("MS-MPPE-Send-Key"), verified.keys.sendKey);
 * ```
 */
export function verifyMsChapV2Success(
  reply: Packet,
  context: MsChapV2Context,
): MsChapV2Verification {
  const passwordHash = hashes.get(context);
  if (passwordHash === undefined) {
    throw new TypeError("verifyMsChapV2Success() needs the context addMsChapV2() returned");
  }
  if (reply.code === Code.AccessReject) {
    const error = readMsChapError(reply);
    return error === undefined
      ? { ok: false, reason: "rejected" }
      : { ok: false, reason: "rejected", error };
  }
  if (reply.code !== Code.AccessAccept) return { ok: false, reason: "unexpected-code" };
  if (!reply.has("MS-CHAP2-Success")) return { ok: false, reason: "missing-success" };
  const success = parseMsChap2Success(reply.get("MS-CHAP2-Success"));
  if (success === undefined || !/^S=[0-9A-Fa-f]{40}( |$)/.test(success.text)) {
    return { ok: false, reason: "malformed-success" };
  }
  if (success.ident !== context.ident) return { ok: false, reason: "wrong-ident" };
  const exchange = { ...context, passwordHash };
  if (!checkAuthenticatorResponse(exchange, context.ntResponse, success.text)) {
    return { ok: false, reason: "wrong-authenticator-response" };
  }
  const keys = msChapV2MppeKeys(passwordHash, context.ntResponse);
  if (
    !keyMatches(reply, "MS-MPPE-Send-Key", keys.sendKey) ||
    !keyMatches(reply, "MS-MPPE-Recv-Key", keys.recvKey)
  ) {
    return { ok: false, reason: "wrong-mppe-keys" };
  }
  return { ok: true, keys };
}
