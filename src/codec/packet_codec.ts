/**
 * Packet layer: the header (RFC 2865 §3), Request and Response
 * Authenticators (RFC 2865 §3, RFC 2866 §3, RFC 5176 §2.3) and
 * Message-Authenticator (RFC 2869 §5.14, RFC 3579 §3.2, RFC 5176 §3.5).
 * These work on raw bytes so that a server can verify a datagram before it
 * decodes any attribute.
 *
 * @module
 */
import { HmacMd5 } from "../crypto/hmac_md5.ts";
import { Md5 } from "../crypto/md5.ts";
import { MalformedPacketError } from "../errors.ts";
import { Code } from "./code.ts";
import { scanAttributes } from "./decode_attributes.ts";

/** Code, Identifier, Length, Authenticator. */
export const HEADER_LENGTH = 20;
/** RFC 2865 §3: the maximum length of a packet. */
export const MAX_PACKET_LENGTH = 4096;
/** Attribute number of Message-Authenticator (RFC 2869 §5.14). */
export const MESSAGE_AUTHENTICATOR = 80;
/** Attribute number of Proxy-State (RFC 2865 §5.33). */
export const PROXY_STATE = 33;
/** Attribute number of EAP-Message (RFC 3579 §3.1). */
export const EAP_MESSAGE = 79;

const ZERO_VECTOR = new Uint8Array(16);
const md5 = new Md5();
const savedValue = new Uint8Array(16);
const savedVector = new Uint8Array(16);
const scratchDigest = new Uint8Array(16);
/** Where a received Message-Authenticator's expected value is computed. */
const scratchMac = new Uint8Array(16);

/** HMAC states precomputed per secret (RFC 2104 §4), so a MAC costs two MD5 passes over the data only. */
const hmacs = new WeakMap<Uint8Array, HmacMd5>();
function hmacFor(secret: Uint8Array): HmacMd5 {
  let hmac = hmacs.get(secret);
  if (hmac === undefined) {
    hmac = new HmacMd5(secret);
    hmacs.set(secret, hmac);
  }
  return hmac.reset();
}

/**
 * Checks the header of a datagram and returns the packet length from its
 * Length field. Octets past that length are padding and are ignored
 * (RFC 2865 §3).
 *
 * @throws {MalformedPacketError} for a datagram shorter than 20 bytes or a
 *   Length field outside 20..4096 or longer than the datagram.
 */
export function packetLength(datagram: Uint8Array): number {
  const length = framedLength(datagram);
  if (length < 0) throw new MalformedPacketError(lengthProblem(datagram)!, length === -1 ? 0 : 2);
  return length;
}

/**
 * {@linkcode packetLength} without an exception: the Length field, or -1
 * for a datagram shorter than the header, -2 for a Length field that does
 * not fit it. For checks on every received datagram, where garbage is
 * common and building an Error (with its stack) would cost more than the
 * rest of the check.
 */
export function framedLength(datagram: Uint8Array): number {
  if (datagram.length < HEADER_LENGTH) return -1;
  const length = (datagram[2]! << 8) | datagram[3]!;
  if (length < HEADER_LENGTH || length > MAX_PACKET_LENGTH || length > datagram.length) return -2;
  return length;
}

/** Why {@linkcode framedLength} refused `datagram`, in words; `undefined` if it did not. */
export function lengthProblem(datagram: Uint8Array): string | undefined {
  if (datagram.length < HEADER_LENGTH) {
    return `datagram of ${datagram.length} bytes is shorter than the 20-byte header`;
  }
  const length = (datagram[2]! << 8) | datagram[3]!;
  if (length < HEADER_LENGTH || length > MAX_PACKET_LENGTH) {
    return `length field ${length} is outside 20..4096`;
  }
  if (length > datagram.length) {
    return `length field ${length} exceeds the ${datagram.length}-byte datagram`;
  }
  return undefined;
}

/**
 * Offset of the Value of the first attribute of `type`, or -1. Checks the
 * attribute framing on the way.
 *
 * @throws {MalformedPacketError} if an attribute length is below 2 or runs past `length`.
 */
export function findAttribute(packet: Uint8Array, length: number, type: number): number {
  return scanAttributes(packet, HEADER_LENGTH, length, type);
}

/**
 * The authenticator that Message-Authenticator is computed with: the packet's
 * own for Access-Request and Status-Server, zeros for the other requests
 * (RFC 5176 §3.5, RFC 3579 §3.2), and the request's for a reply.
 */
export function messageAuthenticatorVector(
  code: number,
  requestAuthenticator: Uint8Array | undefined,
): Uint8Array | undefined {
  if (code === Code.AccessRequest || code === Code.StatusServer) return undefined; // as is
  if (
    code === Code.AccountingRequest || code === Code.CoARequest || code === Code.DisconnectRequest
  ) {
    return ZERO_VECTOR;
  }
  return requestAuthenticator;
}

/**
 * Computes the HMAC-MD5 Message-Authenticator of `packet[0..length)` with
 * the 16 bytes at `offset` taken as zeros and the header's authenticator
 * taken as `vector` (if given). The buffer is restored before returning.
 */
export function computeMessageAuthenticator(
  packet: Uint8Array,
  length: number,
  offset: number,
  secret: Uint8Array,
  vector: Uint8Array | undefined,
  into: Uint8Array,
  intoOffset: number,
): Uint8Array {
  for (let i = 0; i < 16; i++) {
    savedValue[i] = packet[offset + i]!;
    packet[offset + i] = 0;
  }
  if (vector !== undefined) {
    for (let i = 0; i < 16; i++) {
      savedVector[i] = packet[4 + i]!;
      packet[4 + i] = vector[i]!;
    }
  }
  hmacFor(secret).update(packet, 0, length).digest(scratchDigest, 0);
  for (let i = 0; i < 16; i++) packet[offset + i] = savedValue[i]!;
  if (vector !== undefined) { for (let i = 0; i < 16; i++) packet[4 + i] = savedVector[i]!; }
  for (let i = 0; i < 16; i++) into[intoOffset + i] = scratchDigest[i]!;
  return into;
}

/**
 * MD5(Code + Identifier + Length + `vector` + Attributes + secret): the
 * Response Authenticator (vector = the request's, RFC 2865 §3) or the
 * Accounting/CoA/Disconnect Request Authenticator (vector = zeros,
 * RFC 2866 §3, RFC 5176 §2.3).
 */
export function computeAuthenticator(
  packet: Uint8Array,
  length: number,
  vector: Uint8Array,
  secret: Uint8Array,
  into: Uint8Array,
  intoOffset: number,
): Uint8Array {
  return md5.reset()
    .update(packet, 0, 4)
    .update(vector, 0, 16)
    .update(packet, HEADER_LENGTH, length)
    .update(secret, 0, secret.length)
    .digest(into, intoOffset);
}

/**
 * Why a datagram failed verification: a wrong Request/Response
 * Authenticator, a wrong Message-Authenticator, or none where one is required.
 *
 * @example Usage
 * ```ts
 * import { checkResponse, Code, Dictionary, Packet } from "@radkit/radius";
 * import type { VerificationFailure } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * function advice(failure: VerificationFailure): string {
 *   switch (failure) {
 *     case "bad-authenticator":
 *     case "bad-message-authenticator":
 *       return "check the shared secret";
 *     case "missing-message-authenticator":
 *       return "make the server send a Message-Authenticator";
 *   }
 * }
 * const request = Packet.create(Code.AccessRequest, Dictionary.default(), { "User-Name": "bob" });
 * const reply = request.reply(Code.AccessAccept).encode("other secret");
 * const secret = new TextEncoder().encode("s3cret");
 * const failure = checkResponse(reply, secret, request.authenticator, true);
 * assert.equal(failure && advice(failure), "check the shared secret");
 * ```
 */
export type VerificationFailure =
  | "bad-authenticator"
  | "bad-message-authenticator"
  | "missing-message-authenticator";

/**
 * Verifies a request datagram with the shared secret: the Request
 * Authenticator of Accounting, CoA and Disconnect requests, and the
 * Message-Authenticator wherever one is present (and, if `requireMessageAuthenticator`,
 * that one is present).
 *
 * @param datagram The received request.
 * @param secret The client's shared secret as bytes.
 * @param requireMessageAuthenticator Fail when the packet has no Message-Authenticator (BlastRADIUS defence for Access-Request).
 * @returns `undefined` when the datagram verifies, else why it does not.
 * @throws {MalformedPacketError} if the datagram does not frame.
 *
 * @example Usage
 * ```ts
 * import { checkRequest, Code, Dictionary, Packet } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const datagram = Packet.create(Code.AccountingRequest, Dictionary.default(), {
 *   "Acct-Status-Type": "Start",
 * }).encode("testing123");
 * const secret = new TextEncoder().encode("testing123");
 * assert.equal(checkRequest(datagram, secret, false), undefined);
 * assert.equal(checkRequest(datagram, new TextEncoder().encode("wrong"), false), "bad-authenticator");
 * ```
 */
export function checkRequest(
  datagram: Uint8Array,
  secret: Uint8Array,
  requireMessageAuthenticator: boolean,
): VerificationFailure | undefined {
  const length = packetLength(datagram);
  const code = datagram[0]!;
  if (
    code === Code.AccountingRequest || code === Code.CoARequest || code === Code.DisconnectRequest
  ) {
    const expected = computeAuthenticator(datagram, length, ZERO_VECTOR, secret, scratchDigest, 0);
    if (!equal16(expected, datagram, 4)) return "bad-authenticator";
  }
  return checkMessageAuthenticator(
    datagram,
    length,
    secret,
    undefined,
    requireMessageAuthenticator,
  );
}

/**
 * Verifies a reply datagram against the request it answers: the Response
 * Authenticator (RFC 2865 §3) and the Message-Authenticator (required when
 * `requireMessageAuthenticator`).
 *
 * @param datagram The received reply.
 * @param secret The server's shared secret as bytes.
 * @param requestAuthenticator The Request Authenticator of the request it answers.
 * @param requireMessageAuthenticator Fail when the reply has no Message-Authenticator.
 * @returns `undefined` when the datagram verifies, else why it does not.
 * @throws {MalformedPacketError} if the datagram does not frame.
 *
 * @example Usage
 * ```ts
 * import { checkResponse, Code, Dictionary, Packet } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const request = Packet.create(Code.AccessRequest, Dictionary.default(), { "User-Name": "bob" });
 * const datagram = request.reply(Code.AccessAccept).encode("testing123");
 * const secret = new TextEncoder().encode("testing123");
 * assert.equal(checkResponse(datagram, secret, request.authenticator, true), undefined);
 * ```
 */
export function checkResponse(
  datagram: Uint8Array,
  secret: Uint8Array,
  requestAuthenticator: Uint8Array,
  requireMessageAuthenticator: boolean,
): VerificationFailure | undefined {
  const length = packetLength(datagram);
  const expected = computeAuthenticator(
    datagram,
    length,
    requestAuthenticator,
    secret,
    scratchDigest,
    0,
  );
  if (!equal16(expected, datagram, 4)) return "bad-authenticator";
  return checkMessageAuthenticator(
    datagram,
    length,
    secret,
    requestAuthenticator,
    requireMessageAuthenticator,
  );
}

function checkMessageAuthenticator(
  datagram: Uint8Array,
  length: number,
  secret: Uint8Array,
  requestAuthenticator: Uint8Array | undefined,
  required: boolean,
): VerificationFailure | undefined {
  const offset = findAttribute(datagram, length, MESSAGE_AUTHENTICATOR);
  if (offset === -1) return required ? "missing-message-authenticator" : undefined;
  if (datagram[offset - 1] !== 18) return "bad-message-authenticator";
  // RFC 3579 §3.2 allows one; FreeRADIUS drops a packet with two, even when
  // the first verifies (the second would go unchecked).
  if (scanAttributes(datagram, offset + 16, length, MESSAGE_AUTHENTICATOR) !== -1) {
    return "bad-message-authenticator";
  }
  const vector = messageAuthenticatorVector(datagram[0]!, requestAuthenticator);
  const mac = computeMessageAuthenticator(
    datagram,
    length,
    offset,
    secret,
    vector,
    scratchMac,
    0,
  );
  return equal16(mac, datagram, offset) ? undefined : "bad-message-authenticator";
}

/** Constant-time comparison of 16 bytes against `bytes[offset..offset+16)`, without a view. */
function equal16(expected: Uint8Array, bytes: Uint8Array, offset: number): boolean {
  let difference = 0;
  for (let i = 0; i < 16; i++) difference |= expected[i]! ^ bytes[offset + i]!;
  return difference === 0;
}
