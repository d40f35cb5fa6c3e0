/**
 * Reading one EAP-TTLS phase 2 message, the same way on both sides: the
 * AVPs decoded, any mandatory AVP the receiver does not know refused
 * (RFC 5281 §10.1), single AVPs picked out, and the EAP-Message AVPs
 * joined into one EAP packet.
 *
 * @module
 */
import { type Avp, decodeAvps, isAvp, TtlsAvp } from "./avp.ts";

/** An AVP's name: its code and Vendor-ID (see {@linkcode TtlsAvp}). */
export type AvpName = { readonly code: number; readonly vendorId: number };

/**
 * One message read, or why it cannot be used.
 *
 * @example Usage
 * ```ts
 * import { readPhase2, type Phase2Reading } from "./phase2_avps.ts";
 * import assert from "node:assert/strict";
 *
 * const reading: Phase2Reading = readPhase2(new Uint8Array(3), []);
 * assert.equal(reading.ok, false);
 * ```
 */
export type Phase2Reading =
  | { readonly ok: true; readonly avps: readonly Avp[] }
  | { readonly ok: false; readonly message: string };

/**
 * Decodes the AVPs of one phase 2 message and refuses it when it holds a
 * mandatory AVP that is not among `known`: "the receiving party MUST fail
 * the negotiation if it does not understand the AVP" (RFC 5281 §10.1).
 * Unknown AVPs without the M flag are kept (and then ignored).
 *
 * @param plaintext The decrypted message.
 * @param known The AVPs the receiver understands.
 * @returns The AVPs, or a message that says what is wrong.
 *
 * @example Usage
 * ```ts
 * import { encodeAvps, TtlsAvp } from "./avp.ts";
 * import { readPhase2 } from "./phase2_avps.ts";
 * import assert from "node:assert/strict";
 *
 * const unknown = encodeAvps([{ code: 4242, vendorId: 0, mandatory: true, data: new Uint8Array(1) }]);
 * assert.equal(readPhase2(unknown, [TtlsAvp.EapMessage]).ok, false);
 * ```
 */
export function readPhase2(plaintext: Uint8Array, known: readonly AvpName[]): Phase2Reading {
  const decoded = decodeAvps(plaintext);
  if (!decoded.ok) return { ok: false, message: decoded.message };
  for (const avp of decoded.avps) {
    if (avp.mandatory && !known.some((name) => isAvp(avp, name))) {
      return {
        ok: false,
        message: `mandatory AVP ${avp.code} of vendor ${avp.vendorId} is not understood ` +
          "(RFC 5281 §10.1)",
      };
    }
  }
  return { ok: true, avps: decoded.avps };
}

/** Whether an AVP of this name is present. */
export function hasAvp(avps: readonly Avp[], name: AvpName): boolean {
  return avps.some((avp) => isAvp(avp, name));
}

/**
 * The data of the AVP of this name: `undefined` when absent, `"several"`
 * when it comes more than once with different data (a single-valued
 * attribute given twice, RFC 2865 §5.44).
 */
export function singleAvp(
  avps: readonly Avp[],
  name: AvpName,
): Uint8Array | undefined | "several" {
  let found: Uint8Array | undefined;
  for (const avp of avps) {
    if (!isAvp(avp, name)) continue;
    if (found !== undefined && !sameBytes(found, avp.data)) return "several";
    found = avp.data;
  }
  return found;
}

/**
 * The EAP-Message AVPs joined in order, as RADIUS joins its EAP-Message
 * attributes (RFC 3579 §3.1) and hostapd and wpa_supplicant join them in
 * the tunnel; `undefined` when there is none.
 */
export function eapMessageOf(avps: readonly Avp[]): Uint8Array | undefined {
  const parts = avps.filter((avp) => isAvp(avp, TtlsAvp.EapMessage));
  if (parts.length === 0) return undefined;
  if (parts.length === 1) return parts[0]!.data;
  let length = 0;
  for (const part of parts) length += part.data.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part.data, offset);
    offset += part.data.length;
  }
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
