/**
 * EAP over RADIUS (RFC 3579 §3.1): an EAP packet travels in EAP-Message
 * attributes (79) of at most 253 octets each, in order, joined back by the
 * receiver; every packet that carries one also carries a
 * Message-Authenticator (§3.2).
 *
 * @module
 */
import type { AnyAttributes } from "../attribute_map.ts";
import { Code } from "../codec/code.ts";
import {
  EAP_MESSAGE,
  HEADER_LENGTH,
  MAX_PACKET_LENGTH,
  MESSAGE_AUTHENTICATOR,
  packetLength,
} from "../codec/packet_codec.ts";
import { MalformedPacketError } from "../errors.ts";
import type { Packet } from "../packet.ts";
import { EapError } from "./error.ts";
import { decodeEap, type EapPacket, encodeEap } from "./packet.ts";

/** RFC 2865 §5: an attribute's Value holds at most 253 octets. */
const FRAGMENT = 253;
/** The Message-Authenticator every packet with EAP-Message carries: 2 + 16 octets. */
const MESSAGE_AUTHENTICATOR_SIZE = 18;

/**
 * The longest EAP packet one RADIUS packet can carry: 4,096 octets (RFC 2865
 * §3) less the header and the Message-Authenticator leave 4,058 octets,
 * which hold 4,026 octets of EAP in 16 EAP-Message attributes (15 of 253
 * and one of 231), and only if the packet carries nothing else.
 *
 * @example Usage
 * ```ts
 * import { MAX_EAP_IN_RADIUS } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * assert.equal(MAX_EAP_IN_RADIUS, 4026);
 * ```
 */
export const MAX_EAP_IN_RADIUS: number = maxEapIn(
  MAX_PACKET_LENGTH - HEADER_LENGTH - MESSAGE_AUTHENTICATOR_SIZE,
);

function maxEapIn(room: number): number {
  const fragments = Math.ceil(room / (FRAGMENT + 2));
  return room - 2 * fragments;
}

/**
 * Puts an EAP packet into a RADIUS packet: replaces any EAP-Message with
 * the packet split into 253-octet EAP-Message attributes, in order and
 * consecutive (RFC 3579 §3.1), where the first one was (else at the end).
 * For a code `Packet.encode` does not give a Message-Authenticator by
 * itself (it does for Access-Request, -Accept, -Reject and -Challenge), one
 * is added, as RFC 3579 §3.2 requires.
 *
 * @param packet The RADIUS packet; its dictionary should define EAP-Message
 * (the bundled one does; without it `Attr-79` is used).
 * @param eap The EAP packet, or its bytes (checked with `decodeEap`).
 * @returns The RADIUS packet.
 * @throws {EapError} for bytes that do not decode, and `eap-too-long` for an
 * EAP packet longer than {@linkcode MAX_EAP_IN_RADIUS}: it cannot fit a
 * RADIUS packet (a shorter one may still not fit with the packet's other
 * attributes: `Packet.encode` then throws `PacketTooLargeError`).
 *
 * @example Usage
 * ```ts
 * import { Code, Dictionary, EapCode, EapType, Packet, setEapMessage } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const request = Packet.create(Code.AccessRequest, Dictionary.default(), { "User-Name": "bob" });
 * setEapMessage(request, {
 *   code: EapCode.Response,
 *   identifier: 0,
 *   type: EapType.Identity,
 *   data: new TextEncoder().encode("bob"),
 * });
 * assert.deepEqual(request.get("EAP-Message"), new Uint8Array([2, 0, 0, 8, 1, 0x62, 0x6f, 0x62]));
 * ```
 */
export function setEapMessage<A extends object>(
  packet: Packet<A>,
  eap: Uint8Array | EapPacket,
): Packet<A> {
  let bytes: Uint8Array;
  if (eap instanceof Uint8Array) {
    decodeEap(eap);
    bytes = eap;
  } else bytes = encodeEap(eap);
  if (bytes.length > MAX_EAP_IN_RADIUS) {
    throw new EapError(
      "eap-too-long",
      `An EAP packet of ${bytes.length} octets cannot fit a RADIUS packet: its EAP-Message attributes hold at most ${MAX_EAP_IN_RADIUS} (RFC 2865 §3, RFC 3579 §3.1)`,
    );
  }
  const fragments: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.length; offset += FRAGMENT) {
    fragments.push(bytes.slice(offset, offset + FRAGMENT));
  }
  const loose = packet as unknown as Packet<AnyAttributes>;
  const def = packet.dictionary.standard(EAP_MESSAGE);
  if (def !== undefined) loose.set(def.name, fragments);
  else {
    loose.delete(`Attr-${EAP_MESSAGE}`);
    loose.add(`Attr-${EAP_MESSAGE}`, fragments);
  }
  if (!encodeAddsMessageAuthenticator(packet.code)) {
    const mac = packet.dictionary.standard(MESSAGE_AUTHENTICATOR);
    const name = mac?.name ?? `Attr-${MESSAGE_AUTHENTICATOR}`;
    // Packet.encode computes a Message-Authenticator the packet holds, and writes it first.
    if (!loose.has(name)) loose.add(name, new Uint8Array(16));
  }
  return packet;
}

/** The codes Packet.encode gives a Message-Authenticator without being asked. */
function encodeAddsMessageAuthenticator(code: number): boolean {
  return code === Code.AccessRequest || code === Code.AccessAccept ||
    code === Code.AccessReject || code === Code.AccessChallenge;
}

/**
 * The EAP packet a RADIUS packet carries: its EAP-Message attributes joined
 * in order (RFC 3579 §3.1), checked against the EAP Length field. Attributes
 * that are not consecutive are joined in order too, as FreeRADIUS
 * (`eap_vp2packet`) and hostapd (`radius_msg_get_eap`) do; the
 * Message-Authenticator covers the whole packet, so nothing can be slipped
 * in between. The work is linear in the packet's size. Empty EAP-Message
 * attributes are left out when a packet is decoded (RFC 2865 §5: no value
 * is empty; FreeRADIUS does the same): a packet of only empty ones carries
 * no EAP packet here, though its datagram has EAP-Message (see
 * {@linkcode countEapMessageAttributes}).
 *
 * @param packet A RADIUS packet, received or built.
 * @returns The EAP packet's bytes (a copy), or `undefined` without EAP-Message.
 * @throws {EapError} `eap-truncated` when the joined octets are fewer than an
 * EAP header, `eap-too-long` when more than a Length field can say, and
 * `eap-length-mismatch` when they differ from the Length field.
 *
 * @example Usage
 * ```ts
 * import { Code, Dictionary, getEapMessage, Packet } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const dictionary = Dictionary.default();
 * const challenge = Packet.create(Code.AccessRequest, dictionary, {})
 *   .reply(Code.AccessChallenge, { "EAP-Message": new Uint8Array([1, 2, 0, 5, 1]) });
 * assert.deepEqual(getEapMessage(challenge), new Uint8Array([1, 2, 0, 5, 1]));
 *
 * // The Length field says 9 octets; the attribute holds 5.
 * challenge.set("EAP-Message", new Uint8Array([1, 2, 0, 9, 1]));
 * assert.throws(() => getEapMessage(challenge), { reason: "eap-length-mismatch" });
 * ```
 */
export function getEapMessage<A extends object>(packet: Packet<A>): Uint8Array | undefined {
  const loose = packet as unknown as Packet<AnyAttributes>;
  const name = packet.dictionary.standard(EAP_MESSAGE)?.name ?? `Attr-${EAP_MESSAGE}`;
  const fragments = loose.getAll(name).filter((value) => value instanceof Uint8Array);
  if (fragments.length === 0) return undefined;
  // Sized before anything is copied, as FreeRADIUS's eap_vp2packet does.
  let total = 0;
  for (const fragment of fragments) total += fragment.length;
  if (total < 4) {
    throw new EapError(
      "eap-truncated",
      `The EAP-Message attributes hold ${total} octets, fewer than an EAP header (RFC 3748 §4)`,
    );
  }
  if (total > 0xffff) {
    throw new EapError(
      "eap-too-long",
      `The EAP-Message attributes hold ${total} octets, more than an EAP Length field can say`,
    );
  }
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const fragment of fragments) {
    joined.set(fragment, offset);
    offset += fragment.length;
  }
  const length = (joined[2]! << 8) | joined[3]!;
  if (length !== total) {
    throw new EapError(
      "eap-length-mismatch",
      `The EAP Length field says ${length} octets; the EAP-Message attributes hold ${total} (RFC 3579 §3.1)`,
    );
  }
  return joined;
}

/**
 * {@linkcode getEapMessage}, decoded with `decodeEap`.
 *
 * @param packet A RADIUS packet, received or built.
 * @returns The EAP packet, or `undefined` without EAP-Message.
 * @throws {EapError} for EAP-Message attributes that do not join into a
 * valid EAP packet; {@linkcode EapError.reason} says why.
 *
 * @example Usage
 * ```ts
 * import { Code, Dictionary, EapCode, Packet, readEap } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const dictionary = Dictionary.default();
 * const request = Packet.create(Code.AccessRequest, dictionary, {});
 * const accept = request.reply(Code.AccessAccept, { "EAP-Message": new Uint8Array([3, 4, 0, 4]) });
 * const received = Packet.decode(accept.encode("s3cret"), { dictionary, request });
 * assert.deepEqual(readEap(received), { code: EapCode.Success, identifier: 4 });
 * assert.equal(readEap(request), undefined);
 * ```
 */
export function readEap<A extends object>(packet: Packet<A>): EapPacket | undefined {
  const bytes = getEapMessage(packet);
  return bytes === undefined ? undefined : decodeEap(bytes);
}

/**
 * Counts the EAP-Message attributes of a datagram as they are on the wire,
 * before it is decoded (a decoded packet joins consecutive ones into one
 * value). An EAP packet split at 253 octets (RFC 3579 §3.1, as FreeRADIUS
 * and hostapd split) needs at most 16 to fill a RADIUS packet; a datagram
 * of 4,096 octets can hold about 2,000 empty ones, which a server may drop
 * on sight. The walk is linear and checks the framing of every attribute.
 *
 * @param datagram A RADIUS datagram.
 * @returns The number of EAP-Message attributes.
 * @throws {MalformedPacketError} if the datagram does not frame as a RADIUS packet.
 *
 * @example Usage
 * ```ts
 * import { Code, countEapMessageAttributes, Dictionary, Packet, setEapMessage } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const request = Packet.create(Code.AccessRequest, Dictionary.default(), {});
 * setEapMessage(request, new Uint8Array([2, 1, 0, 254, 4, ...new Uint8Array(249)]));
 * assert.equal(countEapMessageAttributes(request.encode("s3cret")), 2);
 * ```
 */
export function countEapMessageAttributes(datagram: Uint8Array): number {
  const end = packetLength(datagram);
  let count = 0;
  for (let p = HEADER_LENGTH; p < end;) {
    if (p + 2 > end) throw new MalformedPacketError("attribute header is cut off", p);
    const size = datagram[p + 1]!;
    if (size < 2) throw new MalformedPacketError(`attribute length ${size} is below 2`, p);
    if (p + size > end) {
      throw new MalformedPacketError(`attribute length ${size} runs past the packet end`, p);
    }
    if (datagram[p] === EAP_MESSAGE) count++;
    p += size;
  }
  return count;
}
