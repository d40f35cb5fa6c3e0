/**
 * Cuts a byte stream into RADIUS packets by their Length field (RFC 6613
 * §2.6.4: over TCP and TLS the Length field is the only framing; a Length
 * out of range means the framing is lost and the connection must be
 * closed). Bytes arrive in any pieces: a packet may come in several
 * chunks, or several packets in one chunk. At most one partial packet
 * (4,095 bytes) is ever buffered.
 *
 * @module
 */
import { HEADER_LENGTH, MAX_PACKET_LENGTH } from "../codec/packet_codec.ts";

/**
 * Why the stream can no longer be framed: its Length field, as read.
 */
export class FramingError extends Error {
  /** The Length field that was out of range. */
  readonly length: number;

  /** @param length The Length field read from the stream. */
  constructor(length: number) {
    super(
      `a RADIUS packet's Length must be ${HEADER_LENGTH}..${MAX_PACKET_LENGTH}, the stream says ${length}`,
    );
    this.name = "FramingError";
    this.length = length;
  }
}

/** Frames one direction of one connection. */
export class PacketFramer {
  /** The start of a packet not complete yet; allocated on first need. */
  #partial: Uint8Array | undefined;
  #filled = 0;
  readonly #maxLength: number;

  /** @param maxLength The largest Length accepted (RFC 2865 §3: 4096). */
  constructor(maxLength: number = MAX_PACKET_LENGTH) {
    this.#maxLength = maxLength;
  }

  /** Whether part of a packet is waiting for the rest (for a slow-sender timeout). */
  get pending(): boolean {
    return this.#filled > 0;
  }

  /**
   * Takes the next chunk of the stream and hands over each packet it
   * completes, whole and exactly `Length` bytes long. A packet handed over
   * is owned by the callee: either a view into `chunk` (which the framer
   * got ownership of) or a fresh copy.
   *
   * @param chunk The bytes received, owned by the framer from now on.
   * @param onPacket Called once per complete packet, in stream order.
   * @returns A FramingError once a Length field is out of range (the
   * packets before it have been handed over; the stream is lost from there
   * on and nothing more may be pushed), else `undefined`.
   */
  push(chunk: Uint8Array, onPacket: (packet: Uint8Array) => void): FramingError | undefined {
    let offset = 0;
    if (this.#filled > 0) {
      const partial = this.#partial!;
      // The header first, if it is still incomplete: its Length says how much to wait for.
      if (this.#filled < 4) {
        const take = Math.min(4 - this.#filled, chunk.length);
        partial.set(chunk.subarray(0, take), this.#filled);
        this.#filled += take;
        offset = take;
        if (this.#filled < 4) return undefined;
      }
      const length = (partial[2]! << 8) | partial[3]!;
      if (length < HEADER_LENGTH || length > this.#maxLength) return this.#lost(length);
      const take = Math.min(length - this.#filled, chunk.length - offset);
      partial.set(chunk.subarray(offset, offset + take), this.#filled);
      this.#filled += take;
      offset += take;
      if (this.#filled < length) return undefined;
      this.#filled = 0;
      onPacket(partial.slice(0, length));
    }
    // Whole packets inside the chunk are handed over without a copy.
    while (chunk.length - offset >= 4) {
      const length = (chunk[offset + 2]! << 8) | chunk[offset + 3]!;
      if (length < HEADER_LENGTH || length > this.#maxLength) return this.#lost(length);
      if (chunk.length - offset < length) break;
      onPacket(chunk.subarray(offset, offset + length));
      offset += length;
    }
    if (offset < chunk.length) {
      this.#partial ??= new Uint8Array(this.#maxLength);
      this.#partial.set(chunk.subarray(offset), 0);
      this.#filled = chunk.length - offset;
    }
    return undefined;
  }

  #lost(length: number): FramingError {
    this.#filled = 0;
    this.#partial = undefined;
    return new FramingError(length);
  }
}
