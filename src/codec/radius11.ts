/**
 * The RADIUS/1.1 header (RFC 9765 §4.1) and its Token (§4.2), the ALPN
 * names that select the protocol (§3.1, §3.3), and the attributes that no
 * longer cross a RADIUS/1.1 connection (§5.2, §5.3, §5.5).
 *
 * ```text
 *  Code (1) | Reserved-1 (1) | Length (2) | Token (4) | Reserved-2 (12) | Attributes …
 * ```
 *
 * @module
 */
import type { AttributeDef } from "../dictionary/model.ts";
import { MalformedPacketError } from "../errors.ts";
import { randomBytes } from "../crypto/random.ts";

/**
 * The ALPN name of historic RADIUS over TLS (RFC 9765 §3.3, §3.4): offering it
 * says "I can negotiate, but speak RADIUS/1.0 here".
 *
 * @example Usage
 * ```ts
 * import { ALPN_RADIUS_1_0, ALPN_RADIUS_1_1 } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * // RFC 9765 §3.3: "1.0, 1.1", the default an implementation of both offers.
 * const offered: string[] = [ALPN_RADIUS_1_0, ALPN_RADIUS_1_1];
 * assert.deepEqual(offered, ["radius/1.0", "radius/1.1"]);
 * ```
 */
export const ALPN_RADIUS_1_0 = "radius/1.0";

/**
 * The ALPN name of RADIUS/1.1 (RFC 9765 §3.1): a connection speaks it only
 * when both ends signalled it and the server chose it.
 *
 * @example Usage
 * ```ts
 * import { ALPN_RADIUS_1_1 } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * // RFC 9765 §10 (IANA Considerations): the ALPN "Id. Sequence" of RADIUS/1.1.
 * const idSequence = [0x72, 0x61, 0x64, 0x69, 0x75, 0x73, 0x2f, 0x31, 0x2e, 0x31];
 * assert.deepEqual([...new TextEncoder().encode(ALPN_RADIUS_1_1)], idSequence);
 * ```
 */
export const ALPN_RADIUS_1_1 = "radius/1.1";

/** Code, Reserved-1, Length, Token, Reserved-2: as long as the RADIUS/1.0 header (RFC 9765 §4.1). */
const HEADER_LENGTH = 20;
const TOKEN_OFFSET = 4;
/** The largest Token: it is four octets (RFC 9765 §4.1). */
const MAX_TOKEN = 0xffffffff;
const MESSAGE_AUTHENTICATOR = 80;
const EXTENDED_ATTRIBUTE_1 = 241;
const ORIGINAL_PACKET_CODE = 4;
const CISCO = 9;
/** RFC 6218 §3.2, §3.3 (Cisco vendor space), known by name: radkit's dictionaries lack them. */
const RFC6218_NAMES = new Set(["message-authentication-code", "mac-randomizer"]);

/**
 * The Token of a RADIUS/1.1 packet (RFC 9765 §4.1): octets 4..8, big-endian,
 * as a number 0..4294967295. A client finds the request a reply answers by
 * it; a server copies it into the reply. It is read before anything is
 * decoded, so a server can look for a duplicate first (§4.2.2).
 *
 * @param datagram A RADIUS/1.1 packet, at least its 20-octet header.
 * @returns The Token.
 * @throws {MalformedPacketError} for fewer than 20 octets.
 *
 * @example Usage
 * ```ts
 * import { Code, Dictionary, encodeRadius11, Packet, radius11Token } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const request = Packet.create(Code.AccessRequest, Dictionary.default(), { "User-Name": "bob" });
 * const bytes = encodeRadius11(request, 0xcafe0001);
 * assert.equal(radius11Token(bytes), 0xcafe0001);
 * ```
 */
export function radius11Token(datagram: Uint8Array): number {
  if (datagram.length < HEADER_LENGTH) {
    throw new MalformedPacketError(
      `datagram of ${datagram.length} bytes is shorter than the 20-byte header`,
      0,
    );
  }
  return ((datagram[TOKEN_OFFSET]! << 24) | (datagram[TOKEN_OFFSET + 1]! << 16) |
    (datagram[TOKEN_OFFSET + 2]! << 8) | datagram[TOKEN_OFFSET + 3]!) >>> 0;
}

/**
 * Refuses a Token that four octets cannot hold.
 *
 * @throws {RangeError} unless `token` is an integer 0..4294967295.
 */
export function checkToken(token: number): void {
  if (!Number.isInteger(token) || token < 0 || token > MAX_TOKEN) {
    throw new RangeError(
      `A RADIUS/1.1 Token is four octets (RFC 9765 §4.1), an integer 0..4294967295, got ${token}: ` +
        "take requests' Tokens from a TokenCounter, and give a reply its request's Token",
    );
  }
}

/**
 * Writes the RADIUS/1.1 header into `buf[0..20)`: Code, Reserved-1 zero,
 * Length, Token, Reserved-2 zero (RFC 9765 §4.1: reserved octets "MUST be
 * set to zero when sending").
 */
export function writeRadius11Header(
  buf: Uint8Array,
  code: number,
  length: number,
  token: number,
): void {
  buf[0] = code;
  buf[1] = 0;
  buf[2] = length >> 8;
  buf[3] = length & 0xff;
  buf[4] = token >>> 24;
  buf[5] = (token >>> 16) & 0xff;
  buf[6] = (token >>> 8) & 0xff;
  buf[7] = token & 0xff;
  for (let i = 8; i < HEADER_LENGTH; i++) buf[i] = 0;
}

/**
 * Attributes that "MUST NOT be sent over a RADIUS/1.1 connection" and are
 * an "invalid attribute" (RFC 6929 §2.8) when received: Message-Authenticator
 * (RFC 9765 §5.2), Original-Packet-Code (§5.5), and RFC 6218's
 * Message-Authentication-Code and MAC-Randomizer (§5.3), which are Cisco
 * vendor attributes recognised by name, as no bundled dictionary defines them.
 */
export function isRadius10Only(def: AttributeDef): boolean {
  const parent = def.parent;
  const vendor = def.vendor;
  if (parent === undefined) {
    if (vendor === undefined) return def.code === MESSAGE_AUTHENTICATOR;
    return vendor.id === CISCO && RFC6218_NAMES.has(def.name.toLowerCase());
  }
  return def.code === ORIGINAL_PACKET_CODE && vendor === undefined &&
    parent.code === EXTENDED_ATTRIBUTE_1 && parent.parent === undefined &&
    parent.vendor === undefined;
}

/**
 * Tokens for the requests sent over one RADIUS/1.1 connection, as RFC 9765
 * §4.2.1 mandates: a 32-bit counter, started at a random value when the
 * connection opens and incremented for every new request, wrapping from
 * 4294967295 to 0. Use one per connection; a retransmission over DTLS keeps
 * its Token, any other new packet takes the next.
 *
 * @example Usage
 * ```ts
 * import { TokenCounter } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const tokens = new TokenCounter(0xffffffff);
 * assert.deepEqual([tokens.next(), tokens.next(), tokens.next()], [0xffffffff, 0, 1]);
 * const random = new TokenCounter(); // a new connection: a random start
 * assert.ok(Number.isInteger(random.next()));
 * ```
 */
export class TokenCounter {
  #next: number;

  /**
   * Starts a counter.
   *
   * @param start The first Token; random when omitted (RFC 9765 §4.2.1 "SHOULD be initialized to a random value").
   * @throws {RangeError} for a start outside 0..4294967295.
   */
  constructor(start?: number) {
    if (start === undefined) {
      const bytes = randomBytes(4);
      start = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
    }
    checkToken(start);
    this.#next = start;
  }

  /**
   * The Token for the next new packet.
   *
   * @returns A Token 0..4294967295.
   */
  next(): number {
    const token = this.#next;
    this.#next = (token + 1) >>> 0;
    return token;
  }
}
