/**
 * The server's answer to an EAP Access-Request (RFC 3579 §2.1, §2.6.3): an
 * EAP-Request goes in an Access-Challenge, an EAP-Success in an
 * Access-Accept, an EAP-Failure in an Access-Reject.
 *
 * @module
 */
import { Code } from "../codec/code.ts";
import type { AttributesInit, Packet } from "../packet.ts";
import { EapCode } from "./code.ts";
import { setEapMessage } from "./eap_message.ts";
import { decodeEap, type EapPacket } from "./packet.ts";

/**
 * Builds the reply that carries an EAP packet: an Access-Challenge for an
 * EAP-Request, an Access-Accept for an EAP-Success, an Access-Reject for an
 * EAP-Failure (RFC 3579 §2.1, §2.6.3), with the EAP packet in EAP-Message
 * attributes and, from `Packet.encode`, a Message-Authenticator (§3.2). An
 * Access-Challenge should carry a State naming the conversation: give it in
 * `attributes`.
 *
 * @param request The Access-Request being answered.
 * @param eap The EAP packet, or its bytes.
 * @param attributes More attributes of the reply (State, Session-Timeout, MS-MPPE keys, …).
 * @returns The reply.
 * @throws {RangeError} for an EAP packet that is no Request, Success or Failure.
 * @throws {EapError} as `setEapMessage` does.
 *
 * @example Usage
 * ```ts
 * import { Code, Dictionary, EapCode, eapReply, EapType, Packet, readEap } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const dictionary = Dictionary.default();
 * const request = Packet.create(Code.AccessRequest, dictionary, { "User-Name": "bob" });
 * const challenge = eapReply(
 *   request,
 *   { code: EapCode.Request, identifier: 1, type: EapType.GTC, data: new Uint8Array() },
 *   { "State": "0x01" },
 * );
 * assert.equal(challenge.code, Code.AccessChallenge);
 * const accept = eapReply(request, { code: EapCode.Success, identifier: 1 });
 * const received = Packet.decode(accept.encode("s3cret"), { dictionary, request });
 * assert.equal(received.code, Code.AccessAccept);
 * assert.equal(received.has("Message-Authenticator"), true);
 * assert.deepEqual(readEap(received), { code: EapCode.Success, identifier: 1 });
 * ```
 */
export function eapReply<A extends object>(
  request: Packet<A>,
  eap: Uint8Array | EapPacket,
  attributes: AttributesInit<A> = {},
): Packet<A> {
  const code = (eap instanceof Uint8Array ? decodeEap(eap) : eap).code;
  const reply = request.reply(replyCode(code), attributes);
  return setEapMessage(reply, eap);
}

function replyCode(code: number): Code {
  switch (code) {
    case EapCode.Request:
      return Code.AccessChallenge;
    case EapCode.Success:
      return Code.AccessAccept;
    case EapCode.Failure:
      return Code.AccessReject;
    default:
      throw new RangeError(
        `A RADIUS server answers with an EAP Request, Success or Failure, not code ${code} (RFC 3579 §2.1)`,
      );
  }
}
