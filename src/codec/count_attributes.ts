/**
 * A cheap walk over a packet's attribute headers, before anything is
 * hashed or decoded: checks their framing and counts them, as FreeRADIUS's
 * `rad_packet_ok()` does for its `max_attributes` limit (src/lib/radius.c).
 *
 * @module
 */
import { MalformedPacketError } from "../errors.ts";

/** RFC 2865 §3: attributes start after the 20-byte header. */
const FIRST_ATTRIBUTE = 20;

/**
 * Counts the top-level attributes of `packet[20..length)` (those of the
 * packet itself; the sub-attributes of a Vendor-Specific or a TLV are not
 * counted, as in FreeRADIUS), checking that each is framed (RFC 2865 §5:
 * a length of at least 2 that stays inside the packet).
 *
 * @param packet The datagram.
 * @param length The packet's Length field, already checked against the datagram.
 * @param limit Stop counting past this many: the result is then `limit + 1`
 *   and the rest of the packet is not looked at.
 * @returns The number of attributes, at most `limit + 1`.
 * @throws {MalformedPacketError} at the first attribute that does not frame
 *   (within the first `limit + 1`).
 */
export function countAttributes(
  packet: Uint8Array,
  length: number,
  limit: number = Infinity,
): number {
  return walkAttributes(packet, FIRST_ATTRIBUTE, length, limit);
}

/**
 * {@linkcode countAttributes} over `bytes[start..end)`: checks the framing
 * of each attribute and counts them, up to `limit + 1`.
 *
 * @param bytes The bytes holding the attributes.
 * @param start Where the first attribute starts.
 * @param end Where the attributes end.
 * @param limit Stop counting past this many.
 * @returns The number of attributes, at most `limit + 1`.
 * @throws {MalformedPacketError} at the first attribute that does not frame.
 */
export function walkAttributes(
  bytes: Uint8Array,
  start: number,
  end: number,
  limit: number,
): number {
  const count = countFramed(bytes, start, end, limit);
  if (count >= 0) return count;
  const problem = framingProblem(bytes, start, end)!;
  throw new MalformedPacketError(problem.message, problem.offset);
}

/**
 * The first attribute of `bytes[start..end)` that does not frame, and why
 * (the message of {@linkcode walkAttributes}'s error), or `undefined`.
 *
 * @param bytes The bytes holding the attributes.
 * @param start Where the first attribute starts.
 * @param end Where the attributes end.
 * @returns Where and why, or `undefined` when every attribute frames.
 */
export function framingProblem(
  bytes: Uint8Array,
  start: number,
  end: number,
): { message: string; offset: number } | undefined {
  for (let p = start; p < end;) {
    if (p + 2 > end) return { message: "attribute header is cut off", offset: p };
    const size = bytes[p + 1]!;
    if (size < 2) return { message: `attribute length ${size} is below 2`, offset: p };
    if (p + size > end) {
      return { message: `attribute length ${size} runs past the packet end`, offset: p };
    }
    p += size;
  }
  return undefined;
}

/**
 * {@linkcode walkAttributes} without an exception: the count, at most
 * `limit + 1`, or -1 when an attribute does not frame (RFC 2865 §5). The
 * Server runs it on every datagram before any hashing, where garbage is
 * common and an Error (with its stack) would cost more than the walk.
 *
 * @param bytes The bytes holding the attributes.
 * @param start Where the first attribute starts.
 * @param end Where the attributes end.
 * @param limit Stop counting past this many.
 * @returns The number of attributes, at most `limit + 1`, or -1.
 */
export function countFramed(bytes: Uint8Array, start: number, end: number, limit: number): number {
  let count = 0;
  for (let p = start; p < end;) {
    if (count > limit) return count;
    if (p + 2 > end) return -1;
    const size = bytes[p + 1]!;
    if (size < 2 || p + size > end) return -1;
    p += size;
    count++;
  }
  return count;
}

/**
 * More attributes than `maxAttributes`: top-level ones counted before
 * decoding, or decoded values (the sub-attributes of Vendor-Specific and
 * TLVs included), counted as they are decoded, as FreeRADIUS's
 * `rad_decode()` does ("Possible DoS attack ... Too many attributes").
 * A {@linkcode MalformedPacketError} to callers; the Server counts it apart.
 */
export class TooManyAttributesError extends MalformedPacketError {
  /**
   * @param max The limit.
   * @param offset Where counting passed it.
   */
  constructor(max: number, offset: number) {
    super(`more than maxAttributes (${max}) attributes`, offset);
  }
}
