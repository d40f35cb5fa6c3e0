/**
 * Diameter AVPs as EAP-TTLS carries them inside its tunnel (RFC 5281
 * §10.1): AVP Code (32 bits), AVP Flags (8 bits: V 0x80, M 0x40, the rest
 * reserved), AVP Length (24 bits: header and data, not the padding), a
 * Vendor-ID (32 bits) when V is set, the data, then zeros to a four-octet
 * boundary. RADIUS attributes keep their numbers as AVP Codes 1–255 with no
 * Vendor-ID (§10.2); Microsoft's are Vendor-ID 311.
 *
 * @module
 */

/** RFC 5281 §10.1: the V (vendor-specific) flag, set when a Vendor-ID follows. */
const FLAG_VENDOR = 0x80;
/** RFC 5281 §10.1: the M (mandatory) flag, "support of the AVP is required". */
const FLAG_MANDATORY = 0x40;
/** AVP Code (4), AVP Flags (1), AVP Length (3). */
const HEADER = 8;
/** The header with a Vendor-ID. */
const VENDOR_HEADER = 12;
/** The largest value of the 24-bit AVP Length field. */
const MAX_AVP_LENGTH = 0xffffff;

/** The most AVPs {@linkcode decodeAvps} reads from one plaintext. */
export const MAX_AVPS = 64;
/** The most octets {@linkcode decodeAvps} reads: one phase 2 message holds a few small AVPs. */
export const MAX_AVPS_LENGTH = 16 * 1024;

/** The Vendor-ID of Microsoft's attributes (RFC 2548 §2). */
export const VENDOR_MICROSOFT = 311;

/**
 * The AVPs of EAP-TTLS phase 2 (RFC 5281 §11): RADIUS attributes (Vendor-ID
 * 0) and Microsoft's (Vendor-ID {@linkcode VENDOR_MICROSOFT}).
 *
 * @example Usage
 * ```ts
 * import { TtlsAvp } from "./avp.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(TtlsAvp.MsChap2Success, { code: 26, vendorId: 311 });
 * ```
 */
export const TtlsAvp = {
  /** RFC 2865 §5.1. */
  UserName: { code: 1, vendorId: 0 },
  /** RFC 2865 §5.2; in the tunnel, in clear, NUL-padded (RFC 5281 §11.2.5). */
  UserPassword: { code: 2, vendorId: 0 },
  /** RFC 2865 §5.3: CHAP Ident, then the 16-octet response. */
  ChapPassword: { code: 3, vendorId: 0 },
  /** RFC 2865 §5.18. */
  ReplyMessage: { code: 18, vendorId: 0 },
  /** RFC 2865 §5.40. */
  ChapChallenge: { code: 60, vendorId: 0 },
  /** RFC 3579 §3.1: a whole EAP packet, any length in the tunnel (RFC 5281 §11.2.1). */
  EapMessage: { code: 79, vendorId: 0 },
  /** RFC 2548 §2.1.3. */
  MsChapResponse: { code: 1, vendorId: VENDOR_MICROSOFT },
  /** RFC 2548 §2.1.5. */
  MsChapError: { code: 2, vendorId: VENDOR_MICROSOFT },
  /** RFC 2548 §2.1.1 (8 octets for MS-CHAP v1, 16 for v2). */
  MsChapChallenge: { code: 11, vendorId: VENDOR_MICROSOFT },
  /** RFC 2548 §2.3.2. */
  MsChap2Response: { code: 25, vendorId: VENDOR_MICROSOFT },
  /** RFC 2548 §2.3.3. */
  MsChap2Success: { code: 26, vendorId: VENDOR_MICROSOFT },
} as const;

/**
 * One AVP. `vendorId` 0 means none (no V flag, as for RADIUS attributes);
 * any other value is sent in the Vendor-ID field with the V flag.
 *
 * @example Usage
 * ```ts
 * import { type Avp, encodeAvps } from "./avp.ts";
 * import assert from "node:assert/strict";
 *
 * const userName: Avp = { code: 1, vendorId: 0, mandatory: true, data: new TextEncoder().encode("bob") };
 * assert.equal(encodeAvps([userName]).length, 12);
 * ```
 */
export interface Avp {
  /** The AVP Code, 0..2^32-1. */
  readonly code: number;
  /** The Vendor-ID, 0..2^32-1; 0 for none. */
  readonly vendorId: number;
  /** The M flag: a receiver that does not know the AVP must fail (RFC 5281 §10.1). */
  readonly mandatory: boolean;
  /** The data. */
  readonly data: Uint8Array;
}

/**
 * Why {@linkcode decodeAvps} refused the bytes. Stable strings.
 *
 * @example Usage
 * ```ts
 * import { type AvpErrorReason, decodeAvps } from "./avp.ts";
 * import assert from "node:assert/strict";
 *
 * const result = decodeAvps(new Uint8Array([0, 0, 0, 1, 0x40, 0, 0]));
 * const reason: AvpErrorReason | undefined = result.ok ? undefined : result.reason;
 * assert.equal(reason, "avp-truncated");
 * ```
 */
export type AvpErrorReason =
  /** Fewer octets left than an AVP header (8, or 12 with the V flag). */
  | "avp-truncated"
  /** An AVP Length shorter than its own header. */
  | "avp-length-too-short"
  /** An AVP Length that runs past the end of the bytes. */
  | "avp-overrun"
  /** Padding that is not zeros (RFC 5281 §10.1: "padded with 0s"). */
  | "avp-bad-padding"
  /** The V flag with Vendor-ID 0, which is no vendor (RFC 5281 §10.1). */
  | "avp-bad-vendor"
  /** More than {@linkcode MAX_AVPS} AVPs. */
  | "avp-too-many"
  /** More than {@linkcode MAX_AVPS_LENGTH} octets. */
  | "avp-too-long";

/**
 * What {@linkcode decodeAvps} read: the AVPs, or why not.
 *
 * @example Usage
 * ```ts
 * import { type AvpDecoding, decodeAvps } from "./avp.ts";
 * import assert from "node:assert/strict";
 *
 * const result: AvpDecoding = decodeAvps(new Uint8Array(0));
 * assert.deepEqual(result, { ok: true, avps: [] });
 * ```
 */
export type AvpDecoding =
  | { readonly ok: true; readonly avps: readonly Avp[] }
  | { readonly ok: false; readonly reason: AvpErrorReason; readonly message: string };

/**
 * Whether an AVP is the one named: same code and Vendor-ID.
 *
 * @example Usage
 * ```ts
 * import { isAvp, TtlsAvp } from "./avp.ts";
 * import assert from "node:assert/strict";
 *
 * const avp = { code: 26, vendorId: 311, mandatory: true, data: new Uint8Array(1) };
 * assert.equal(isAvp(avp, TtlsAvp.MsChap2Success), true);
 * assert.equal(isAvp(avp, TtlsAvp.MsChapError), false);
 * ```
 */
export function isAvp(
  avp: Avp,
  name: { readonly code: number; readonly vendorId: number },
): boolean {
  return avp.code === name.code && avp.vendorId === name.vendorId;
}

/**
 * An AVP of the table {@linkcode TtlsAvp} with the M flag set, as
 * wpa_supplicant and hostapd send every AVP of phase 2.
 *
 * @example Usage
 * ```ts
 * import { mandatoryAvp, TtlsAvp } from "./avp.ts";
 * import assert from "node:assert/strict";
 *
 * const avp = mandatoryAvp(TtlsAvp.UserName, new TextEncoder().encode("bob"));
 * assert.deepEqual([avp.code, avp.vendorId, avp.mandatory], [1, 0, true]);
 * ```
 */
export function mandatoryAvp(
  name: { readonly code: number; readonly vendorId: number },
  data: Uint8Array,
): Avp {
  return { code: name.code, vendorId: name.vendorId, mandatory: true, data };
}

/** The octets of an AVP with its padding. */
function paddedLength(length: number): number {
  return (length + 3) & ~3;
}

/**
 * Writes AVPs, each padded with zeros to a four-octet boundary (the last
 * one too, as wpa_supplicant and hostapd do).
 *
 * @param avps The AVPs, in order.
 * @returns Their bytes.
 * @throws {RangeError} For a code or Vendor-ID outside 0..2^32-1, data that
 * is no `Uint8Array`, or an AVP longer than its 24-bit AVP Length can say.
 *
 * @example Usage
 * ```ts
 * import { encodeAvps } from "./avp.ts";
 * import assert from "node:assert/strict";
 *
 * // User-Name "bob": code 1, flags M, length 11, then one octet of padding.
 * const bytes = encodeAvps([{ code: 1, vendorId: 0, mandatory: true, data: new TextEncoder().encode("bob") }]);
 * assert.deepEqual(bytes, new Uint8Array([0, 0, 0, 1, 0x40, 0, 0, 11, 0x62, 0x6f, 0x62, 0]));
 * ```
 */
export function encodeAvps(avps: readonly Avp[]): Uint8Array {
  let total = 0;
  for (const avp of avps) {
    checkUint32("code", avp.code);
    checkUint32("Vendor-ID", avp.vendorId);
    if (!(avp.data instanceof Uint8Array)) {
      throw new RangeError(`The data of AVP ${avp.code} must be a Uint8Array`);
    }
    const length = (avp.vendorId === 0 ? HEADER : VENDOR_HEADER) + avp.data.length;
    if (length > MAX_AVP_LENGTH) {
      throw new RangeError(
        `AVP ${avp.code} would be ${length} octets; its 24-bit AVP Length says at most ${MAX_AVP_LENGTH}`,
      );
    }
    total += paddedLength(length);
  }
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const avp of avps) {
    const vendor = avp.vendorId !== 0;
    const header = vendor ? VENDOR_HEADER : HEADER;
    const length = header + avp.data.length;
    const flags = (vendor ? FLAG_VENDOR : 0) | (avp.mandatory ? FLAG_MANDATORY : 0);
    view.setUint32(offset, avp.code);
    view.setUint32(offset + 4, ((flags << 24) | length) >>> 0);
    if (vendor) view.setUint32(offset + 8, avp.vendorId);
    out.set(avp.data, offset + header);
    offset += paddedLength(length);
  }
  return out;
}

/**
 * Reads AVPs, strictly but without throwing: every AVP Length must cover
 * its header and stay within the bytes, padding must be zeros, and there
 * may be at most {@linkcode MAX_AVPS} AVPs in at most
 * {@linkcode MAX_AVPS_LENGTH} octets. The reserved flag bits are ignored
 * (RFC 5281 §10.1: "MUST be ignored by the receiver"); the last AVP may
 * lack its padding (wpa_supplicant and hostapd accept that too). The data
 * of each AVP is a copy.
 *
 * @param bytes The plaintext of one phase 2 message.
 * @returns `{ ok: true, avps }`, or `{ ok: false, reason, message }`.
 *
 * @example Usage
 * ```ts
 * import { decodeAvps, encodeAvps } from "./avp.ts";
 * import assert from "node:assert/strict";
 *
 * const challenge = { code: 11, vendorId: 311, mandatory: true, data: new Uint8Array(16).fill(7) };
 * assert.deepEqual(decodeAvps(encodeAvps([challenge])), { ok: true, avps: [challenge] });
 * const overrun = decodeAvps(new Uint8Array([0, 0, 0, 1, 0x40, 0, 0, 20, 0x62]));
 * assert.equal(overrun.ok ? undefined : overrun.reason, "avp-overrun");
 * ```
 */
export function decodeAvps(bytes: Uint8Array): AvpDecoding {
  if (bytes.length > MAX_AVPS_LENGTH) {
    return refuse(
      "avp-too-long",
      `${bytes.length} octets of AVPs; at most ${MAX_AVPS_LENGTH} are read`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const avps: Avp[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (avps.length === MAX_AVPS) {
      return refuse("avp-too-many", `more than ${MAX_AVPS} AVPs`);
    }
    const left = bytes.length - offset;
    if (left < HEADER) {
      return refuse("avp-truncated", `${left} octets left at ${offset}, short of an AVP header`);
    }
    const code = view.getUint32(offset);
    const flags = bytes[offset + 4]!;
    const length = view.getUint32(offset + 4) & MAX_AVP_LENGTH;
    const vendor = (flags & FLAG_VENDOR) !== 0;
    const header = vendor ? VENDOR_HEADER : HEADER;
    if (left < header) {
      return refuse(
        "avp-truncated",
        `${left} octets left at ${offset}, short of the header of a vendor AVP`,
      );
    }
    if (length < header) {
      return refuse(
        "avp-length-too-short",
        `AVP ${code} at ${offset} says it is ${length} octets, less than its ${header}-octet header`,
      );
    }
    if (length > left) {
      return refuse(
        "avp-overrun",
        `AVP ${code} at ${offset} says it is ${length} octets; ${left} are left`,
      );
    }
    const vendorId = vendor ? view.getUint32(offset + 8) : 0;
    if (vendor && vendorId === 0) {
      return refuse("avp-bad-vendor", `AVP ${code} at ${offset} has the V flag and Vendor-ID 0`);
    }
    const end = Math.min(offset + paddedLength(length), bytes.length);
    for (let p = offset + length; p < end; p++) {
      if (bytes[p] !== 0) {
        return refuse("avp-bad-padding", `the padding of AVP ${code} at ${offset} is not zeros`);
      }
    }
    avps.push({
      code,
      vendorId,
      mandatory: (flags & FLAG_MANDATORY) !== 0,
      data: bytes.slice(offset + header, offset + length),
    });
    offset = end;
  }
  return { ok: true, avps };
}

function refuse(reason: AvpErrorReason, message: string): AvpDecoding {
  return { ok: false, reason, message: `Bad EAP-TTLS AVPs: ${message}` };
}

function checkUint32(name: string, value: number): void {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(`An AVP ${name} must be an integer 0..4294967295, got ${String(value)}`);
  }
}
