/**
 * RADIUS/1.1 (RFC 9765): the packets a connection carries once ALPN has
 * chosen `radius/1.1`. The header keeps Code and Length; a 32-bit Token
 * replaces the Identifier and the Authenticator (§4.1). There is no shared
 * secret and no MD5: no authenticator is computed or checked, no
 * Message-Authenticator is sent, and attributes RADIUS/1.0 hides
 * (User-Password, Tunnel-Password, MS-MPPE keys, every `encrypt=` flag) go
 * out as their plain value, protected by TLS (§5.1). Everything else —
 * codes, attributes, tags, Proxy-State, Status-Server, CoA — is RADIUS as
 * before.
 *
 * A client takes each request's Token from a {@linkcode TokenCounter} (one
 * per connection), finds the request a reply answers by
 * {@linkcode radius11Token}, and decodes the reply; a server reads a
 * request's Token, decodes it, and encodes the reply with that Token.
 *
 * @example Usage
 * ```ts
 * import {
 *   Code, decodeRadius11, Dictionary, encodeRadius11, Packet, radius11Token, TokenCounter,
 * } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const dictionary = Dictionary.default();
 * const tokens = new TokenCounter(); // one per connection
 *
 * // Client: a request and its Token.
 * const request = Packet.create(Code.AccessRequest, dictionary, {
 *   "User-Name": "bob",
 *   "User-Password": "hello", // in the clear, inside TLS
 * });
 * const token = tokens.next();
 * const sent = encodeRadius11(request, token);
 *
 * // Server: decode, reply with the same Token.
 * const received = decodeRadius11(sent, { dictionary });
 * assert.equal(received.get("User-Password"), "hello");
 * const accept = received.reply(Code.AccessAccept, { "Reply-Message": "welcome" });
 * const answer = encodeRadius11(accept, radius11Token(sent));
 *
 * // Client: the Token says which request this answers.
 * assert.equal(radius11Token(answer), token);
 * const reply = decodeRadius11(answer, { dictionary, request });
 * assert.equal(reply.get("Reply-Message"), "welcome");
 * ```
 *
 * @module
 */
import { randomBytes } from "./crypto/random.ts";
import { MalformedPacketError, PacketTooLargeError } from "./errors.ts";
import { type Attribute, attribute, type DictionaryView } from "./codec/attribute.ts";
import { Code, codeName, isCode } from "./codec/code.ts";
import { decodeAttributes, invalidAttribute } from "./codec/decode_attributes.ts";
import { encodeAttributes, type EncodeContext } from "./codec/encode_attributes.ts";
import { HEADER_LENGTH, MAX_PACKET_LENGTH, packetLength } from "./codec/packet_codec.ts";
import { checkToken, isRadius10Only, writeRadius11Header } from "./codec/radius11.ts";
import { Writer } from "./codec/writer.ts";
import { Packet } from "./packet.ts";
import type { AnyAttributes } from "./attribute_map.ts";

/**
 * Options for {@linkcode decodeRadius11}. There is no `secret`: RADIUS/1.1
 * has none (RFC 9765 §5.1).
 *
 * @example Usage
 * ```ts
 * import { Code, decodeRadius11, Dictionary, encodeRadius11, Packet } from "@radkit/radius";
 * import type { Radius11DecodeOptions } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const dictionary = Dictionary.default();
 * const bytes = encodeRadius11(Packet.create(Code.AccountingRequest, dictionary, {
 *   "Acct-Status-Type": "Start",
 * }), 1);
 * const options: Radius11DecodeOptions = { dictionary, maxAttributes: 50 };
 * assert.equal(decodeRadius11(bytes, options).get("Acct-Status-Type"), "Start");
 * ```
 */
export interface Radius11DecodeOptions<A extends object = AnyAttributes> {
  /** The dictionary that names the attributes. */
  dictionary: DictionaryView<A>;
  /** For a reply: the request it answers (found by its Token), kept as the reply's `request`. */
  request?: Packet<A>;
  /** Refuses a packet with more attributes than this, as {@linkcode Packet.decode} does. */
  maxAttributes?: number;
}

/** RFC 9765 §5.1: nothing is hidden, so no secret or authenticator is used. */
const UNHIDDEN: EncodeContext = {
  secret: new Uint8Array(0),
  vector: new Uint8Array(16),
  unhidden: true,
};
const ZERO_VECTOR = new Uint8Array(16);
const writer = new Writer(MAX_PACKET_LENGTH);
const CHAP_PASSWORD = 3;
const CHAP_CHALLENGE = 60;

/**
 * Encodes a packet for a RADIUS/1.1 connection (RFC 9765 §4.1): Reserved-1
 * and Reserved-2 zero, the Token in place of the Authenticator, attributes
 * as RADIUS/1.0 writes them except that nothing is hidden (§5.1). Leaves
 * out what RADIUS/1.1 does not send: Message-Authenticator (§5.2),
 * Original-Packet-Code (§5.5), Message-Authentication-Code and
 * MAC-Randomizer (§5.3). An Access-Request with a CHAP-Password but no
 * CHAP-Challenge gets one holding its authenticator, the challenge the
 * CHAP-Password was computed with (§5.1.2). The packet itself is not
 * changed. No MD5 is computed.
 *
 * @param packet The packet; a reply needs no `request` here, only its Token.
 * @param token A request's Token (see {@linkcode TokenCounter}), or for a
 *   reply the Token of the request it answers (§4.2).
 * @returns The bytes to write to the connection.
 * @throws {RangeError} for a Token outside 0..4294967295.
 * @throws {PacketTooLargeError} if the packet exceeds 4096 bytes.
 * @throws {ValueError} for an empty User-Password (§5.1.1: at least one
 *   octet), or a hidden value that was received and never revealed (decode
 *   RADIUS/1.0 packets with their secret before forwarding them).
 *
 * @example Usage
 * ```ts
 * import { Code, Dictionary, encodeRadius11, Packet } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const request = Packet.create(Code.AccessRequest, Dictionary.default(), {
 *   "User-Password": "hello",
 * }, { id: 99 });
 * const bytes = encodeRadius11(request, 0x01020304);
 * assert.deepEqual(
 *   bytes,
 *   new Uint8Array([
 *     1, 0, 0, 27, // Code, Reserved-1, Length
 *     1, 2, 3, 4, // Token
 *     0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // Reserved-2
 *     2, 7, 0x68, 0x65, 0x6c, 0x6c, 0x6f, // User-Password "hello", not hidden
 *   ]),
 * );
 * ```
 */
export function encodeRadius11<A extends object>(packet: Packet<A>, token: number): Uint8Array {
  return encode(packet, token, undefined);
}

/**
 * {@linkcode encodeRadius11} into bytes from `allocate` (given the length),
 * as {@linkcode encodePacketInto} does for RADIUS/1.0: how a server writes
 * replies into blocks shared by many.
 */
export function encodeRadius11Into<A extends object>(
  packet: Packet<A>,
  token: number,
  allocate: (length: number) => Uint8Array,
): Uint8Array {
  return encode(packet, token, allocate);
}

function encode<A extends object>(
  packet: Packet<A>,
  token: number,
  allocate: ((length: number) => Uint8Array) | undefined,
): Uint8Array {
  checkToken(token);
  const attributes = sendable(packet);
  const out = writer;
  out.pos = 0;
  out.ensure(HEADER_LENGTH);
  out.pos = HEADER_LENGTH;
  encodeAttributes(attributes, out, UNHIDDEN);
  const length = out.pos;
  if (length > MAX_PACKET_LENGTH) throw new PacketTooLargeError(codeName(packet.code), length);
  writeRadius11Header(out.buf, packet.code, length, token);
  if (allocate === undefined) return out.copy();
  const datagram = allocate(length);
  datagram.set(out.buf.subarray(0, length));
  return datagram;
}

/**
 * The packet's attributes as RADIUS/1.1 sends them: without the RADIUS/1.0
 * only ones, and with a CHAP-Challenge where §5.1.2 asks for one.
 */
function sendable<A extends object>(packet: Packet<A>): Attribute[] {
  const attributes = packet.attributes(); // a copy: filtered in place
  let chapPassword = false;
  let chapChallenge = false;
  let kept = 0;
  for (let i = 0; i < attributes.length; i++) {
    const attr = attributes[i]!;
    const def = attr.def;
    if (def === undefined ? isUnknownRadius10Only(attr.name) : isRadius10Only(def)) continue;
    if (def !== undefined && def.parent === undefined && def.vendor === undefined) {
      if (def.code === CHAP_PASSWORD) chapPassword = true;
      else if (def.code === CHAP_CHALLENGE) chapChallenge = true;
    }
    attributes[kept++] = attr;
  }
  attributes.length = kept;
  if (chapPassword && !chapChallenge && packet.code === Code.AccessRequest) {
    // RFC 9765 §5.1.2: the Request Authenticator can no longer be the challenge.
    const challenge = packet.authenticator.slice();
    const wire = new Uint8Array(2 + challenge.length);
    wire[0] = CHAP_CHALLENGE;
    wire[1] = wire.length;
    wire.set(challenge, 2);
    attributes.push(attribute(undefined, "CHAP-Challenge", challenge, undefined, undefined, wire));
  }
  return attributes;
}

/** Message-Authenticator or Original-Packet-Code received with a dictionary that lacks them. */
function isUnknownRadius10Only(name: string): boolean {
  return name === "Attr-80" || name === "Attr-241.4";
}

/**
 * Reads a packet received over a RADIUS/1.1 connection (RFC 9765 §4.1).
 * Reserved-1 and Reserved-2 are ignored, as the RFC requires; the Token is
 * read with {@linkcode radius11Token}. Attributes RADIUS/1.0 hides are read
 * as their plain value (§5.1). A Message-Authenticator,
 * Original-Packet-Code, Message-Authentication-Code or MAC-Randomizer is
 * an "invalid attribute" (§5.2, §5.3, §5.5; RFC 6929 §2.8): kept as its
 * bytes, which `get()` skips, and never re-sent over RADIUS/1.1.
 *
 * The packet's `id` is 0 (there is no Identifier). Its `authenticator` is
 * not on the wire either: an Access-Request or Status-Server gets a fresh
 * random one, as {@linkcode Packet.create} gives, so that it can be
 * forwarded over RADIUS/1.0; other codes get zeros. So `verifyChapPassword`
 * succeeds only against a CHAP-Challenge, which a RADIUS/1.1 client must
 * send (§5.1.2).
 *
 * @param datagram The packet's bytes (octets past its Length are ignored).
 * @param options The dictionary and, for a reply, the request it answers.
 * @returns The packet.
 * @throws {MalformedPacketError} if the bytes do not frame as a RADIUS
 *   packet or its code is not in the registry.
 * @throws {TypeError} if `options` holds a `secret`: RADIUS/1.1 has none.
 *
 * @example Usage
 * ```ts
 * import { decodeRadius11, Dictionary } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * // An Access-Request, Token 7, Reserved-2 not zero (ignored), a
 * // User-Password in the clear and a Message-Authenticator.
 * const bytes = new Uint8Array([
 *   1, 0, 0, 45, 0, 0, 0, 7, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9,
 *   2, 7, 0x68, 0x65, 0x6c, 0x6c, 0x6f,
 *   80, 18, ...new Uint8Array(16),
 * ]);
 * const request = decodeRadius11(bytes, { dictionary: Dictionary.default() });
 * assert.equal(request.get("User-Password"), "hello");
 * assert.equal(request.get("Message-Authenticator"), undefined); // invalid: not used
 * ```
 */
export function decodeRadius11<A extends object>(
  datagram: Uint8Array,
  options: Radius11DecodeOptions<A>,
): Packet<A> {
  return decode(datagram, options, false);
}

/**
 * {@linkcode decodeRadius11} for bytes the caller hands over, as
 * `decodeOwnedDatagram` is for RADIUS/1.0: byte values may be views into
 * `datagram`, which must not be changed afterwards.
 */
export function decodeOwnedRadius11<A extends object>(
  datagram: Uint8Array,
  options: Radius11DecodeOptions<A>,
): Packet<A> {
  return decode(datagram, options, true);
}

function decode<A extends object>(
  datagram: Uint8Array,
  options: Radius11DecodeOptions<A>,
  owned: boolean,
): Packet<A> {
  if ((options as { secret?: unknown }).secret !== undefined) {
    throw new TypeError(
      "RADIUS/1.1 has no shared secret (RFC 9765 §5.1): hidden attributes arrive in the clear; " +
        "leave `secret` out of the options of decodeRadius11",
    );
  }
  const length = packetLength(datagram);
  const code = datagram[0]!;
  if (!isCode(code)) {
    throw new MalformedPacketError(`code ${code} is not in the RADIUS packet type registry`, 0);
  }
  const attributes: Attribute[] = [];
  decodeAttributes(datagram, HEADER_LENGTH, length, {
    dictionary: options.dictionary,
    secret: undefined,
    vector: ZERO_VECTOR,
    owned,
    maxAttributes: options.maxAttributes,
    unhidden: true,
  }, attributes);
  for (let i = 0; i < attributes.length; i++) {
    const attr = attributes[i]!;
    const def = attr.def;
    if (def !== undefined && isRadius10Only(def)) attributes[i] = invalidAttribute(attr, def);
  }
  const authenticator = code === Code.AccessRequest || code === Code.StatusServer
    ? randomBytes(16)
    : new Uint8Array(16);
  return new Packet<A>(code, 0, authenticator, options.dictionary, attributes, options.request);
}
