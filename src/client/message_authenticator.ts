/**
 * A Message-Authenticator for the requests whose Request Authenticator is
 * computed over the packet: Accounting-Request, CoA-Request and
 * Disconnect-Request.
 *
 * @module
 */
import {
  computeAuthenticator,
  computeMessageAuthenticator,
  findAttribute,
  HEADER_LENGTH,
  MAX_PACKET_LENGTH,
  MESSAGE_AUTHENTICATOR,
  packetLength,
} from "../codec/packet_codec.ts";

const ZERO_VECTOR = new Uint8Array(16);

/**
 * Returns the encoded request with a Message-Authenticator first among its
 * attributes. RFC 3579 §3.2 allows one in any packet and RFC 5176 §3.3 in
 * CoA and Disconnect requests; for these codes it is the HMAC-MD5 of the
 * packet with the Request Authenticator taken as 16 zero octets (RFC 5176
 * §3.3; FreeRADIUS signs and verifies Accounting-Request the same way,
 * src/lib/radius.c rad_sign() and rad_verify()). The Request Authenticator
 * (RFC 2866 §3, RFC 5176 §2.3) is then computed again, over the packet
 * with the Message-Authenticator in it.
 *
 * @param datagram An encoded Accounting-Request, CoA-Request or
 * Disconnect-Request.
 * @param secret The shared secret as bytes.
 * @returns `datagram` itself when it holds a Message-Authenticator already
 * (the encoder computed it), else a new datagram 18 bytes longer.
 * @throws {RangeError} when the packet would exceed 4096 bytes.
 *
 * @example Usage
 * ```ts ignore
 * const bytes = withMessageAuthenticator(packet.encode(secret), secretBytes);
 * assert.equal(checkRequest(bytes, secretBytes, true), undefined);
 * ```
 */
export function withMessageAuthenticator(datagram: Uint8Array, secret: Uint8Array): Uint8Array {
  const length = packetLength(datagram);
  if (findAttribute(datagram, length, MESSAGE_AUTHENTICATOR) !== -1) return datagram;
  const total = length + 18;
  if (total > MAX_PACKET_LENGTH) {
    throw new RangeError(
      `The request is ${total} bytes with its Message-Authenticator; RADIUS allows ` +
        `${MAX_PACKET_LENGTH} (RFC 2865 §3): send fewer attributes`,
    );
  }
  const out = new Uint8Array(total);
  out.set(datagram.subarray(0, HEADER_LENGTH));
  out[2] = total >> 8;
  out[3] = total & 0xff;
  out[HEADER_LENGTH] = MESSAGE_AUTHENTICATOR;
  out[HEADER_LENGTH + 1] = 18;
  out.set(datagram.subarray(HEADER_LENGTH, length), HEADER_LENGTH + 18);
  const at = HEADER_LENGTH + 2;
  computeMessageAuthenticator(out, total, at, secret, ZERO_VECTOR, out, at);
  computeAuthenticator(out, total, ZERO_VECTOR, secret, out, 4);
  return out;
}
