/**
 * PEAPv0's inner EAP packets as they travel in the tunnel ([MS-PEAP]
 * §3.1.5.6, "compression"): without their 4-octet header (Code,
 * Identifier, Length), only Type and Type-Data. The exception is the
 * Extensions method (Type 33, see `result_tlv.ts`), which keeps its full
 * header; hostapd, wpa_supplicant, FreeRADIUS and Windows all send it so.
 *
 * [MS-PEAP] §3.1.5.6 restores a headerless packet with the Code and
 * Identifier of the outer EAP packet that carried it: the caller says
 * which (the tunnel passes the outer Identifier to phase 2).
 *
 * @module
 */
import type { EapDataCode } from "../code.ts";
import { decodeEap, type EapDataPacket, encodeEap } from "../packet.ts";
import { EapType } from "../type.ts";

/** Code, Identifier, Length (RFC 3748 §4). */
const HEADER = 4;
/** The largest value of the 16-bit Length field. */
const MAX_LENGTH = 0xffff;
/**
 * The most plaintext one inner packet may hold here. The largest inner
 * packet PEAP carries is an EAP-MSCHAPv2 Response with a 253-octet name,
 * or an Extensions packet with a Crypto-Binding TLV: well under 1 KiB.
 */
export const MAX_INNER_PLAINTEXT = 16 * 1024;

/**
 * What goes into the tunnel for an inner EAP packet: Type and Type-Data
 * alone, or for an Extensions packet (Type 33) the whole packet.
 *
 * @param packet The inner packet.
 * @returns The plaintext.
 * @throws {RangeError | EapError} for a packet `encodeEap` refuses (a programmer error).
 */
export function stripInnerHeader(packet: EapDataPacket): Uint8Array {
  const bytes = encodeEap(packet);
  return packet.type === EapType.Extensions ? bytes : bytes.subarray(HEADER);
}

/**
 * Whether received plaintext carries its full EAP header. Headerless
 * plaintext starts with the Type, so the two forms can only be told apart
 * by their content. A header is recognised when:
 *
 * - the plaintext has at least 5 octets, its first octet is the Code
 *   expected (Request at the peer, Response at the server), its Length
 *   field equals the plaintext's length and its Type is 33 (Extensions,
 *   which everyone sends with its header); or
 * - it is exactly the 5-octet Identity packet of the expected Code
 *   (`01 id 00 05 01` at the peer): FreeRADIUS sends its inner
 *   EAP-Request/Identity so, and wpa_supplicant accepts it the same way.
 *
 * Headerless plaintext that matches by accident would have to be a packet
 * of Type 1 or 2 (the expected Code read as a Type) whose next three
 * octets spell the Length and 33: an Identity or Notification whose text
 * starts with binary octets. Both forms then name the same Type apart from
 * the Extensions case, whose first octet (1 or 2) is no PEAP inner method.
 *
 * @param plaintext The decrypted phase 2 data.
 * @param code The Code expected.
 * @returns `true` when the plaintext is a whole EAP packet.
 */
export function hasInnerHeader(plaintext: Uint8Array, code: EapDataCode): boolean {
  if (plaintext.length < HEADER + 1 || plaintext[0] !== code) return false;
  const length = (plaintext[2]! << 8) | plaintext[3]!;
  if (length !== plaintext.length) return false;
  const type = plaintext[HEADER];
  return type === EapType.Extensions || (length === HEADER + 1 && type === EapType.Identity);
}

/**
 * The inner EAP packet of received plaintext, in either form (see
 * {@linkcode hasInnerHeader}). Headerless plaintext gets `code` and
 * `identifier`; a whole packet keeps its own Identifier. Never throws.
 *
 * @param plaintext The decrypted phase 2 data.
 * @param code The Code expected: Request at the peer, Response at the server.
 * @param identifier The Identifier to assume for headerless plaintext.
 * @returns The packet, or `undefined` for plaintext that is no inner EAP
 * packet (empty, too long, an Expanded Type without its Vendor-Id and
 * Vendor-Type).
 */
export function restoreInnerHeader(
  plaintext: Uint8Array,
  code: EapDataCode,
  identifier: number,
): EapDataPacket | undefined {
  let bytes: Uint8Array;
  if (hasInnerHeader(plaintext, code)) {
    bytes = plaintext;
  } else {
    if (plaintext.length === 0 || plaintext.length > MAX_LENGTH - HEADER) return undefined;
    const length = plaintext.length + HEADER;
    bytes = new Uint8Array(length);
    bytes[0] = code;
    bytes[1] = identifier & 0xff;
    bytes[2] = length >> 8;
    bytes[3] = length & 0xff;
    bytes.set(plaintext, HEADER);
  }
  try {
    const packet = decodeEap(bytes);
    return "type" in packet ? packet : undefined;
  } catch {
    return undefined;
  }
}
