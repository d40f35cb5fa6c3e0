/**
 * Outgoing TLS data cut into EAP-TLS fragments (RFC 5216 §2.1.5, §3.1).
 *
 * @module
 */
import { encodeEapTlsFrame } from "./frame.ts";

/**
 * The default TLS data per EAP packet: 1,020 octets. The EAP packet is then
 * 1,030 octets (EAP header 5, Flags 1, TLS Message Length 4), which becomes
 * five EAP-Message attributes; with the RADIUS header, State and
 * Message-Authenticator the Access-Challenge stays near 1,100 octets, under
 * the 1,232 octets a UDP datagram may carry on an IPv6 minimum-MTU path
 * (1,280 − 40 − 8) — so it is never IP-fragmented between the access point
 * and the server, which firewalls and NATs often break. (hostapd's 1,398
 * fills an Ethernet frame towards the supplicant but not a RADIUS datagram
 * with room to spare; FreeRADIUS uses 1,024 for the same reason as here.)
 */
export const DEFAULT_FRAGMENT_SIZE = 1_020;
/** The smallest fragment size accepted: one TLS record header and then some. */
export const MIN_FRAGMENT_SIZE = 64;
/**
 * The largest: 3,000 octets of TLS data, whose EAP packet (3,010 octets in
 * 12 EAP-Message attributes, 3,034 with their headers) leaves a 4,096-octet
 * RADIUS packet (RFC 2865 §3) room for its header and other attributes.
 */
export const MAX_FRAGMENT_SIZE = 3_000;

/** How {@linkcode fragmentTlsMessage} cuts. */
export interface FragmentOptions {
  /** TLS data octets per EAP packet (default {@linkcode DEFAULT_FRAGMENT_SIZE}). */
  readonly fragmentSize?: number;
  /** The version bits of every Flags octet (PEAP, TTLS; default 0). */
  readonly version?: number;
  /**
   * Whether an unfragmented message carries the L flag and TLS Message
   * Length too (RFC 5216 §3.1 asks it only of the first of several
   * fragments; some peers want it always). Default false.
   */
  readonly alwaysIncludeLength?: boolean;
}

/**
 * A checked fragment size.
 *
 * @throws {RangeError} For anything but an integer from
 * {@linkcode MIN_FRAGMENT_SIZE} to {@linkcode MAX_FRAGMENT_SIZE}.
 */
export function fragmentSizeOf(value: number | undefined): number {
  if (value === undefined) return DEFAULT_FRAGMENT_SIZE;
  if (!Number.isInteger(value) || value < MIN_FRAGMENT_SIZE || value > MAX_FRAGMENT_SIZE) {
    throw new RangeError(
      `fragmentSize must be an integer from ${MIN_FRAGMENT_SIZE} to ${MAX_FRAGMENT_SIZE} ` +
        `(TLS data octets per EAP packet), not ${value}`,
    );
  }
  return value;
}

/**
 * The Type-Data of each EAP packet that carries `message`: one when it
 * fits (an empty message gives a lone Flags octet), else the first with the
 * L flag and the total length, all but the last with the M flag.
 */
export function fragmentTlsMessage(
  message: Uint8Array,
  options: FragmentOptions = {},
): Uint8Array[] {
  const size = fragmentSizeOf(options.fragmentSize);
  const version = options.version ?? 0;
  if (message.length <= size) {
    const messageLength = options.alwaysIncludeLength === true ? message.length : undefined;
    return [
      encodeEapTlsFrame({
        version,
        data: message,
        ...(messageLength === undefined ? {} : { messageLength }),
      }),
    ];
  }
  const fragments: Uint8Array[] = [];
  for (let offset = 0; offset < message.length; offset += size) {
    const data = message.subarray(offset, offset + size);
    const more = offset + size < message.length;
    fragments.push(
      encodeEapTlsFrame(
        offset === 0
          ? { version, more, data, messageLength: message.length }
          : { version, more, data },
      ),
    );
  }
  return fragments;
}
