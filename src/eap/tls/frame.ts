/**
 * The Type-Data of an EAP-TLS packet (RFC 5216 §3.1, §3.2), shared by PEAP
 * and EAP-TTLS (RFC 5281 §9.1): a Flags octet, the TLS Message Length when
 * the L flag is set, then TLS data.
 *
 * ```
 *  0 1 2 3 4 5 6 7
 * +-+-+-+-+-+-+-+-+
 * |L M S R R V V V|   L length included, M more fragments, S start,
 * +-+-+-+-+-+-+-+-+   V version (PEAP, TTLS; reserved, zero, in EAP-TLS)
 * ```
 *
 * @module
 */
import { EapTlsError } from "./eap_tls_error.ts";

/** The L flag: a 4-octet TLS Message Length follows (RFC 5216 §3.1). */
export const FLAG_LENGTH_INCLUDED = 0x80;
/** The M flag: more fragments of this TLS message follow. */
export const FLAG_MORE_FRAGMENTS = 0x40;
/** The S flag: the server's EAP-TLS Start (RFC 5216 §3.1). */
export const FLAG_START = 0x20;
/** The version bits PEAP and TTLS use (RFC 5281 §9.1); reserved in EAP-TLS. */
export const VERSION_MASK = 0x07;

/** One EAP-TLS Type-Data, decoded. */
export interface EapTlsFrame {
  /** The S flag. */
  readonly start: boolean;
  /** The M flag. */
  readonly more: boolean;
  /** The TLS Message Length, when the L flag is set. */
  readonly messageLength: number | undefined;
  /** The low three bits of the Flags octet (PEAP and TTLS version). */
  readonly version: number;
  /** The TLS data (may be empty: an acknowledgement, a Start). */
  readonly data: Uint8Array;
}

/**
 * Decodes a Type-Data. The reserved bits are ignored, as RFC 5216 §3.1
 * asks of a receiver.
 *
 * @throws {EapTlsError} `tls-frame-truncated` without Flags octet, or with
 * the L flag and fewer than 4 octets after it.
 */
export function decodeEapTlsFrame(typeData: Uint8Array): EapTlsFrame {
  const flags = typeData[0];
  if (flags === undefined) throw new EapTlsError("tls-frame-truncated", "no Flags octet");
  let offset = 1;
  let messageLength: number | undefined;
  if ((flags & FLAG_LENGTH_INCLUDED) !== 0) {
    if (typeData.length < 5) {
      throw new EapTlsError(
        "tls-frame-truncated",
        `the L flag is set but only ${typeData.length - 1} octets follow the Flags octet`,
      );
    }
    messageLength = ((typeData[1]! << 24) >>> 0) + (typeData[2]! << 16) + (typeData[3]! << 8) +
      typeData[4]!;
    offset = 5;
  }
  return {
    start: (flags & FLAG_START) !== 0,
    more: (flags & FLAG_MORE_FRAGMENTS) !== 0,
    messageLength,
    version: flags & VERSION_MASK,
    data: typeData.subarray(offset),
  };
}

/** What {@linkcode encodeEapTlsFrame} builds. */
export interface EapTlsFrameFields {
  /** The S flag (default false). */
  readonly start?: boolean;
  /** The M flag (default false). */
  readonly more?: boolean;
  /** The TLS Message Length; sets the L flag when given. */
  readonly messageLength?: number;
  /** The version bits (default 0). */
  readonly version?: number;
  /** The TLS data (default none). */
  readonly data?: Uint8Array;
}

/** Encodes a Type-Data: Flags, the TLS Message Length if given, the TLS data. */
export function encodeEapTlsFrame(fields: EapTlsFrameFields): Uint8Array {
  const data = fields.data ?? new Uint8Array(0);
  const length = fields.messageLength;
  const header = length === undefined ? 1 : 5;
  const out = new Uint8Array(header + data.length);
  let flags = (fields.version ?? 0) & VERSION_MASK;
  if (fields.start === true) flags |= FLAG_START;
  if (fields.more === true) flags |= FLAG_MORE_FRAGMENTS;
  if (length !== undefined) {
    flags |= FLAG_LENGTH_INCLUDED;
    out[1] = length >>> 24;
    out[2] = (length >>> 16) & 0xff;
    out[3] = (length >>> 8) & 0xff;
    out[4] = length & 0xff;
  }
  out[0] = flags;
  out.set(data, header);
  return out;
}

/**
 * The acknowledgement of a fragment: a Type-Data of the Flags octet alone
 * (RFC 5216 §2.1.5, §3.2: "no data").
 */
export function eapTlsAck(version = 0): Uint8Array {
  return new Uint8Array([version & VERSION_MASK]);
}

/** Whether a decoded frame is an acknowledgement: no flag but the version, no data. */
export function isEapTlsAck(frame: EapTlsFrame): boolean {
  return !frame.start && !frame.more && frame.messageLength === undefined &&
    frame.data.length === 0;
}
