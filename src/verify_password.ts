/**
 * One server-side check for whatever password a NAS sends — PAP, CHAP,
 * MS-CHAP v1 or MS-CHAP v2 — against what the server knows of the user's
 * password, returning the attributes the answer carries back.
 *
 * @module
 */
import { verifyChapPassword } from "./chap.ts";
import { sha1 } from "./crypto/sha1.ts";
import { timingSafeEqual } from "./crypto/timing_safe_equal.ts";
import { checkCredential, type PasswordCredential } from "./mschap/credential.ts";
import { ntPasswordHash } from "./mschap/nt_password_hash.ts";
import { verifyMsChapV1, verifyMsChapV2 } from "./mschap/server.ts";
import type { AttributesInit, Packet } from "./packet.ts";

/**
 * The password methods a request can carry: User-Password (PAP,
 * RFC 2865 §5.2), CHAP-Password (RFC 2865 §5.3), MS-CHAP-Response
 * (MS-CHAP v1, RFC 2548 §2.1.3) and MS-CHAP2-Response (MS-CHAP v2,
 * RFC 2548 §2.3.2).
 *
 * @example Usage
 * ```ts
 * import type { PasswordMethod } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const methods: PasswordMethod[] = ["pap", "chap", "mschap", "mschapv2"];
 * assert.equal(methods.length, 4);
 * ```
 */
export type PasswordMethod = "pap" | "chap" | "mschap" | "mschapv2";

/**
 * Why {@linkcode verifyPassword} did not accept a request:
 * - `"no-password"`: the request carries none of the four methods;
 * - `"several-methods"`: it carries more than one (no NAS does that);
 * - `"malformed"`: an attribute has the wrong length, MS-CHAP-Challenge or
 *   (for MS-CHAP v2) User-Name is missing, or User-Password could not be
 *   revealed (the request was decoded without the shared secret);
 * - `"lm-response"`: MS-CHAP v1 with only the LAN Manager response, which
 *   is not checked (RFC 2433 §12: it is weak); peers send the NT response;
 * - `"needs-cleartext"`: CHAP, with only the NT hash known: a CHAP response
 *   can only be checked against the cleartext password (RFC 1994 §4.1);
 * - `"wrong-password"`: the response does not match the password.
 *
 * @example Usage
 * ```ts
 * import { Code, Dictionary, Packet, type PasswordFailure, verifyPassword } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const request = Packet.create(Code.AccessRequest, Dictionary.default(), { "User-Name": "bob" });
 * const result = verifyPassword(request, { password: "hello" });
 * const reason: PasswordFailure | undefined = result.ok ? undefined : result.reason;
 * assert.equal(reason, "no-password");
 * ```
 */
export type PasswordFailure =
  | "no-password"
  | "several-methods"
  | "malformed"
  | "lm-response"
  | "needs-cleartext"
  | "wrong-password";

/**
 * What {@linkcode verifyPassword} decided, with the attributes to put in
 * the answer: for an Access-Accept, MS-CHAP2-Success, the MPPE keys and the
 * encryption policy and types; for an Access-Reject, MS-CHAP-Error. Empty
 * for PAP and CHAP.
 *
 * @example Usage
 * ```ts
 * import { Code, Dictionary, Packet, type PasswordVerification, verifyPassword } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const request = Packet.create(Code.AccessRequest, Dictionary.default(), {
 *   "User-Name": "bob",
 *   "User-Password": "hello",
 * });
 * const result: PasswordVerification = verifyPassword(request, { password: "hello" });
 * assert.deepEqual(result, { ok: true, method: "pap", reply: {} });
 * ```
 */
export type PasswordVerification =
  | {
    readonly ok: true;
    /** The method the request used. */
    readonly method: PasswordMethod;
    /** Attributes to add to the Access-Accept. */
    readonly reply: AttributesInit;
  }
  | {
    readonly ok: false;
    /** The method the request used, when it used exactly one. */
    readonly method: PasswordMethod | undefined;
    /** Why the request is not accepted (never the password or a hash). */
    readonly reason: PasswordFailure;
    /** Attributes to add to the Access-Reject. */
    readonly reply: AttributesInit;
  };

/**
 * Options of {@linkcode verifyPassword}. The defaults are those of
 * FreeRADIUS's mschap module.
 *
 * @example Usage
 * ```ts
 * import { addMsChapV2, Code, Dictionary, Packet, verifyPassword, type VerifyPasswordOptions } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const request = Packet.create(Code.AccessRequest, Dictionary.default(), { "User-Name": "bob" });
 * addMsChapV2(request, { password: "hello" });
 * const options: VerifyPasswordOptions = { requireEncryption: true, requireStrongEncryption: true };
 * const result = verifyPassword(request, { password: "hello" }, options);
 * assert.equal(result.reply["MS-MPPE-Encryption-Policy"], "Encryption-Required");
 * assert.equal(result.reply["MS-MPPE-Encryption-Types"], "RC4-128bit-Allowed");
 * ```
 */
export interface VerifyPasswordOptions {
  /**
   * Whether an accepted MS-CHAP exchange returns MPPE keys (MS-MPPE-Send-Key
   * and MS-MPPE-Recv-Key for v2, MS-CHAP-MPPE-Keys for v1) and
   * MS-MPPE-Encryption-Policy and -Types (RFC 2548 §2.4). Default `true`.
   */
  readonly mppe?: boolean;
  /** MS-MPPE-Encryption-Policy "Encryption-Required" instead of "Encryption-Allowed". */
  readonly requireEncryption?: boolean;
  /** MS-MPPE-Encryption-Types 128-bit RC4 only instead of 40- or 128-bit. */
  readonly requireStrongEncryption?: boolean;
}

const encoder = new TextEncoder();

function fail(
  method: PasswordMethod | undefined,
  reason: PasswordFailure,
): PasswordVerification {
  return { ok: false, method, reason, reply: {} };
}

/** PAP (RFC 2865 §5.2): the revealed User-Password against the cleartext or the NT hash. */
function verifyPap(request: Packet, credential: PasswordCredential): PasswordVerification {
  const received = request.get("User-Password");
  if (typeof received !== "string") return fail("pap", "malformed");
  let matches: boolean;
  if (credential.password !== undefined) {
    // Compare digests: equal-length inputs, so the comparison's time says
    // nothing about the password's length either.
    matches = timingSafeEqual(
      sha1(encoder.encode(received)),
      sha1(encoder.encode(credential.password)),
    );
  } else matches = timingSafeEqual(ntPasswordHash(received), credential.ntHash);
  return matches ? { ok: true, method: "pap", reply: {} } : fail("pap", "wrong-password");
}

/** CHAP (RFC 2865 §5.3, RFC 1994 §4.1): needs the cleartext. */
function verifyChap(request: Packet, credential: PasswordCredential): PasswordVerification {
  const chap = request.get("CHAP-Password");
  if (!(chap instanceof Uint8Array) || chap.length !== 17) return fail("chap", "malformed");
  if (credential.password === undefined) return fail("chap", "needs-cleartext");
  return verifyChapPassword(request, credential.password)
    ? { ok: true, method: "chap", reply: {} }
    : fail("chap", "wrong-password");
}

/**
 * Checks the password an Access-Request carries, whichever way the NAS sent
 * it — PAP, CHAP, MS-CHAP v1 or MS-CHAP v2 — against the user's cleartext
 * password or NT hash, and returns what to add to the answer. A handler is
 * then two lines (see the example). Malformed or hostile input gives
 * `ok: false` with a reason; it never throws.
 *
 * Accepted MS-CHAP v2 answers carry MS-CHAP2-Success (the server's proof,
 * RFC 2759 §8.7), MS-MPPE-Send-Key and MS-MPPE-Recv-Key (RFC 3079 §3.3;
 * the codec hides them with the shared secret, RFC 2548 §2.4.2) and the
 * encryption policy and types; MS-CHAP v1 answers carry MS-CHAP-MPPE-Keys
 * (RFC 2548 §2.4.1). Rejected MS-CHAP answers carry MS-CHAP-Error
 * `E=691 R=0 …` (RFC 2548 §2.1.5).
 *
 * @param request The received Access-Request, decoded with the shared secret.
 * @param credential The user's `{ password }`, or `{ ntHash }` (16 bytes) when only the NT hash is stored; CHAP needs the cleartext.
 * @param options MPPE options (see {@linkcode VerifyPasswordOptions}).
 * @returns `ok`, the method, the reason when not ok, and the reply attributes.
 * @throws {TypeError} If `credential` is neither a string password nor a 16-byte NT hash (a programmer error).
 *
 * @example Usage
 * ```ts
 * import { addMsChapV2, Code, Dictionary, Packet, verifyPassword } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const request = Packet.create(Code.AccessRequest, Dictionary.default(), { "User-Name": "bob" });
 * addMsChapV2(request, { password: "hello" });
 *
 * // The handler: whatever the NAS sends, two lines.
 * const result = verifyPassword(request, { password: "hello" });
 * const answer = request.reply(result.ok ? Code.AccessAccept : Code.AccessReject, result.reply);
 * assert.equal(answer.codeName, "Access-Accept");
 * assert.equal(answer.has("MS-CHAP2-Success"), true);
 * assert.equal(answer.get("MS-MPPE-Send-Key")?.length, 16);
 * ```
 */
export function verifyPassword(
  request: Packet,
  credential: PasswordCredential,
  options: VerifyPasswordOptions = {},
): PasswordVerification {
  checkCredential(credential);
  const present: PasswordMethod[] = [];
  if (request.has("User-Password")) present.push("pap");
  if (request.has("CHAP-Password")) present.push("chap");
  if (request.has("MS-CHAP-Response")) present.push("mschap");
  if (request.has("MS-CHAP2-Response")) present.push("mschapv2");
  if (present.length === 0) return fail(undefined, "no-password");
  if (present.length > 1) return fail(undefined, "several-methods");
  const method = present[0]!;
  if (method === "pap") return verifyPap(request, credential);
  if (method === "chap") return verifyChap(request, credential);
  const passwordHash = credential.password !== undefined
    ? ntPasswordHash(credential.password)
    : credential.ntHash;
  try {
    return method === "mschap"
      ? verifyMsChapV1(request, passwordHash, options)
      : verifyMsChapV2(request, passwordHash, options);
  } finally {
    if (passwordHash !== credential.ntHash) passwordHash.fill(0);
  }
}
