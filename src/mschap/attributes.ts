/**
 * The layouts of the Microsoft MS-CHAP attributes (RFC 2548 §2.1.3, §2.3.2,
 * §2.3.3). Parsers return `undefined` for a value of the wrong length, so
 * that bad input from the network never throws.
 *
 * @module
 */

/** RFC 2548 §2.1.3 / §2.3.2: both response attributes are 50 octets. */
export const RESPONSE_LENGTH = 50;

/** RFC 2548 §2.1.3: the Flags bit that says the NT-Response is to be used. */
export const USE_NT_RESPONSE = 0x01;

/** An MS-CHAP-Response value (RFC 2548 §2.1.3). */
export interface MsChapResponseValue {
  readonly ident: number;
  readonly flags: number;
  readonly lmResponse: Uint8Array;
  readonly ntResponse: Uint8Array;
}

/** Splits an MS-CHAP-Response: Ident, Flags, 24-octet LM-Response, 24-octet NT-Response. */
export function parseMsChapResponse(value: unknown): MsChapResponseValue | undefined {
  if (!(value instanceof Uint8Array) || value.length !== RESPONSE_LENGTH) return undefined;
  return {
    ident: value[0]!,
    flags: value[1]!,
    lmResponse: value.slice(2, 26),
    ntResponse: value.slice(26, 50),
  };
}

/**
 * Builds an MS-CHAP-Response that carries only the NT-Response: the
 * LM-Response is zero and Flags says to use the NT-Response (RFC 2548
 * §2.1.3, RFC 2433 §3.2: "the LM response is not used").
 */
export function buildMsChapResponse(ident: number, ntResponse: Uint8Array): Uint8Array {
  const value = new Uint8Array(RESPONSE_LENGTH);
  value[0] = ident;
  value[1] = USE_NT_RESPONSE;
  value.set(ntResponse, 26);
  return value;
}

/** An MS-CHAP2-Response value (RFC 2548 §2.3.2). */
export interface MsChap2ResponseValue {
  readonly ident: number;
  readonly flags: number;
  readonly peerChallenge: Uint8Array;
  readonly ntResponse: Uint8Array;
}

/**
 * Splits an MS-CHAP2-Response: Ident, Flags, 16-octet Peer-Challenge, 8
 * reserved octets, 24-octet Response.
 */
export function parseMsChap2Response(value: unknown): MsChap2ResponseValue | undefined {
  if (!(value instanceof Uint8Array) || value.length !== RESPONSE_LENGTH) return undefined;
  return {
    ident: value[0]!,
    flags: value[1]!,
    peerChallenge: value.slice(2, 18),
    ntResponse: value.slice(26, 50),
  };
}

/** Builds an MS-CHAP2-Response; Flags and the reserved octets are zero (RFC 2548 §2.3.2). */
export function buildMsChap2Response(
  ident: number,
  peerChallenge: Uint8Array,
  ntResponse: Uint8Array,
): Uint8Array {
  const value = new Uint8Array(RESPONSE_LENGTH);
  value[0] = ident;
  value.set(peerChallenge, 2);
  value.set(ntResponse, 26);
  return value;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Builds an MS-CHAP2-Success: the Ident of the response, then `S=` and 40 hex digits (RFC 2548 §2.3.3). */
export function buildMsChap2Success(ident: number, authenticatorResponse: string): Uint8Array {
  const text = encoder.encode(authenticatorResponse);
  const value = new Uint8Array(1 + text.length);
  value[0] = ident;
  value.set(text, 1);
  return value;
}

/** Splits an MS-CHAP2-Success into its Ident and its text; `undefined` if it has no text. */
export function parseMsChap2Success(
  value: unknown,
): { readonly ident: number; readonly text: string } | undefined {
  if (!(value instanceof Uint8Array) || value.length < 2) return undefined;
  return { ident: value[0]!, text: decoder.decode(value.subarray(1)) };
}
