/**
 * The client's step of the Access-Challenge loop (RFC 3579 §2.1, RFC 2865
 * §4.4): each EAP-Response goes in a new Access-Request that repeats the
 * previous one's attributes and returns the challenge's State unmodified.
 *
 * @module
 */
import { type Attribute, isStandardAttribute } from "../codec/attribute.ts";
import { Code } from "../codec/code.ts";
import { EAP_MESSAGE, MESSAGE_AUTHENTICATOR } from "../codec/packet_codec.ts";
import { randomByte, randomBytes } from "../crypto/random.ts";
import { Packet } from "../packet.ts";
import { setEapMessage } from "./eap_message.ts";
import type { EapPacket } from "./packet.ts";

/** RFC 2865 §5.24. */
const STATE = 24;

function isTopLevel(attr: Attribute, code: number): boolean {
  return attr.def !== undefined
    ? isStandardAttribute(attr.def, code)
    : attr.name === `Attr-${code}`;
}

/**
 * Builds the Access-Request that answers an Access-Challenge: the previous
 * request's attributes in order (User-Name, NAS-*, Calling-Station-Id, …;
 * RFC 3579 §2.1 keeps User-Name the same through the conversation) without
 * its EAP-Message, State and Message-Authenticator; then the challenge's
 * State unmodified (RFC 2865 §5.24), if it has one; then the EAP-Response
 * in EAP-Message attributes. The Identifier and Request Authenticator are
 * new and random (the Client assigns its own Identifier when it sends); the
 * Message-Authenticator is added by `Packet.encode`.
 *
 * @param previous The Access-Request the challenge answers.
 * @param challenge The Access-Challenge received.
 * @param eap The EAP-Response, or its bytes.
 * @returns The new Access-Request.
 * @throws {TypeError} when `previous` is no Access-Request or `challenge` no Access-Challenge.
 * @throws {EapError} as `setEapMessage` does.
 *
 * @example Usage
 * ```ts
 * import {
 *   Code,
 *   Dictionary,
 *   EapCode,
 *   EapType,
 *   nextEapRequest,
 *   Packet,
 *   readEap,
 *   setEapMessage,
 * } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const dictionary = Dictionary.default();
 * const identity = new TextEncoder().encode("bob");
 * const first = Packet.create(Code.AccessRequest, dictionary, { "User-Name": "bob" });
 * setEapMessage(first, { code: EapCode.Response, identifier: 0, type: EapType.Identity, data: identity });
 *
 * // The server asks for EAP-MD5 and sets a State.
 * const challenge = first.reply(Code.AccessChallenge, { "State": "0x0a0b" });
 * setEapMessage(challenge, {
 *   code: EapCode.Request,
 *   identifier: 1,
 *   type: EapType.MD5Challenge,
 *   data: new Uint8Array([16, ...new Uint8Array(16)]),
 * });
 *
 * const next = nextEapRequest(first, challenge, {
 *   code: EapCode.Response,
 *   identifier: 1,
 *   type: EapType.MD5Challenge,
 *   data: new Uint8Array([16, ...new Uint8Array(16).fill(9)]),
 * });
 * assert.equal(next.get("User-Name"), "bob");
 * assert.deepEqual(next.get("State"), new Uint8Array([0x0a, 0x0b]));
 * assert.equal(readEap(next)?.identifier, 1);
 * ```
 */
export function nextEapRequest<A extends object>(
  previous: Packet<A>,
  challenge: Packet<A>,
  eap: Uint8Array | EapPacket,
): Packet<A> {
  if (previous.code !== Code.AccessRequest) {
    throw new TypeError(
      `nextEapRequest continues an Access-Request, not a ${previous.codeName}: give the request the challenge answers`,
    );
  }
  if (challenge.code !== Code.AccessChallenge) {
    throw new TypeError(
      `Only an Access-Challenge continues an EAP conversation; this reply is an ${challenge.codeName}`,
    );
  }
  const attributes = previous.attributes().filter((attr) =>
    !isTopLevel(attr, EAP_MESSAGE) && !isTopLevel(attr, STATE) &&
    !isTopLevel(attr, MESSAGE_AUTHENTICATOR)
  );
  const state = challenge.attributes().find((attr) => isTopLevel(attr, STATE));
  if (state !== undefined) attributes.push(state);
  const next = new Packet<A>(
    Code.AccessRequest,
    randomByte(),
    randomBytes(16),
    previous.dictionary,
    attributes,
  );
  return setEapMessage(next, eap);
}
