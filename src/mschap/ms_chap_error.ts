/**
 * MS-CHAP-Error (RFC 2548 §2.1.5): the Ident of the response it answers,
 * then the failure text of the MS-CHAP Failure packet, `E=691 R=0 …`
 * (RFC 2433 §5, RFC 2759 §6).
 *
 * @module
 */
import { randomBytes } from "../crypto/random.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** RFC 2433 §5: ERROR_AUTHENTICATION_FAILURE, the error for a wrong password. */
export const AUTHENTICATION_FAILURE = 691;

/**
 * An MS-CHAP-Error as received: the failure text and what it says.
 *
 * @example Usage
 * ```ts
 * import type { MsChapError } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const error: MsChapError = {
 *   ident: 7,
 *   text: "E=691 R=0 C=00000000000000000000000000000000 V=3 M=Authentication failed",
 *   code: 691,
 *   retry: false,
 *   version: 3,
 *   message: "Authentication failed",
 * };
 * assert.equal(error.code, 691); // ERROR_AUTHENTICATION_FAILURE
 * ```
 */
export interface MsChapError {
  /** The Ident of the MS-CHAP response it answers. */
  readonly ident: number;
  /** The whole failure text. */
  readonly text: string;
  /** `E=`: the error code (691: authentication failure, RFC 2433 §5), when given. */
  readonly code?: number;
  /** `R=1`: whether the peer may try again (RFC 2433 §5). */
  readonly retry: boolean;
  /** `V=`: the password change protocol version (RFC 2433 §5, RFC 2759 §6), when given. */
  readonly version?: number;
  /** `M=`: a message for the user (RFC 2759 §6), when given. */
  readonly message?: string;
}

/**
 * The MS-CHAP-Error value a server answers a wrong password with: for
 * MS-CHAP v1 `E=691 R=0` (RFC 2433 §5), for v2 `E=691 R=0 C=<32 hex> V=3
 * M=Authentication failed` with a fresh challenge (RFC 2759 §6; retries
 * are not offered, so the peer does not use it).
 */
export function buildAuthenticationFailure(ident: number, version: 1 | 2): Uint8Array {
  let text = `E=${AUTHENTICATION_FAILURE} R=0`;
  if (version === 2) {
    let challenge = "";
    for (const byte of randomBytes(16)) challenge += byte.toString(16).padStart(2, "0");
    text += ` C=${challenge.toUpperCase()} V=3 M=Authentication failed`;
  }
  const body = encoder.encode(text);
  const value = new Uint8Array(1 + body.length);
  value[0] = ident;
  value.set(body, 1);
  return value;
}

/**
 * Parses an MS-CHAP-Error value: Ident, then `E=… R=… C=… V=… M=…`, each
 * part optional; everything after `M=` is the message. `undefined` when
 * there is no Ident octet.
 */
export function parseMsChapError(value: Uint8Array): MsChapError | undefined {
  if (value.length < 1) return undefined;
  const text = decoder.decode(value.subarray(1));
  const fields: { code?: number; version?: number; message?: string } = {};
  let retry = false;
  const messageAt = text.search(/(^| )M=/);
  const head = messageAt === -1 ? text : text.slice(0, messageAt);
  if (messageAt !== -1) fields.message = text.slice(text.indexOf("M=", messageAt) + 2);
  for (const part of head.split(" ")) {
    const match = /^([ERV])=(\d{1,10})$/.exec(part);
    if (match === null) continue;
    const number = Number(match[2]);
    if (match[1] === "E") fields.code = number;
    else if (match[1] === "R") retry = number === 1;
    else fields.version = number;
  }
  return { ident: value[0]!, text, retry, ...fields };
}
