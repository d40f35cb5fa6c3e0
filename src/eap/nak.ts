/**
 * The Nak Response (RFC 3748 §5.3): the peer refuses the offered method and
 * lists the ones it wants. The legacy Nak (Type 3, §5.3.1) lists one octet
 * per type; the Expanded Nak (Type 254, Vendor-Id 0, Vendor-Type 3,
 * §5.3.2) lists 8-octet expanded types, so vendor methods can be asked for.
 *
 * @module
 */
import { EapCode } from "./code.ts";
import { EapError } from "./error.ts";
import type { EapDataPacket, EapPacket } from "./packet.ts";
import { EapType } from "./type.ts";

/** RFC 3748 §5.3.2: the Expanded Nak is Type 254 with Vendor-Id 0 and Vendor-Type 3. */
const NAK_VENDOR_TYPE = 3;
/** RFC 3748 §5.3.1: "Authentication Types are numbered 4 and above"; 0 means none. */
const FIRST_METHOD = 4;
/** Type 254, Vendor-Id, Vendor-Type: one entry of an Expanded Nak. */
const ENTRY = 8;

/**
 * A method of a vendor (RFC 3748 §5.7): its SMI Private Enterprise Code
 * and its type. An IETF method is a plain number instead.
 *
 * @example Usage
 * ```ts
 * import { type EapExpandedType, encodeNak } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const wsc: EapExpandedType = { vendorId: 0x00372a, vendorType: 1 };
 * assert.equal(encodeNak(2, [wsc]).type, 254);
 * ```
 */
export interface EapExpandedType {
  /** The 3-octet Vendor-Id (not 0: an IETF method is given as a number). */
  vendorId: number;
  /** The 4-octet Vendor-Type. */
  vendorType: number;
}

/**
 * A method a peer asks for in a Nak: an IETF Type number (4..255; 0 means
 * "no viable alternative", RFC 3748 §5.3.1; 254 in a legacy Nak means
 * "an expanded type") or a vendor's {@linkcode EapExpandedType}.
 *
 * @example Usage
 * ```ts
 * import { decodeNak, type EapMethodType, EapType, encodeNak } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const wanted: EapMethodType[] = [EapType.MSCHAPv2, EapType.GTC];
 * assert.deepEqual(decodeNak(encodeNak(5, wanted)), wanted);
 * ```
 */
export type EapMethodType = number | EapExpandedType;

/**
 * Options of {@linkcode encodeNak}.
 *
 * @example Usage
 * ```ts
 * import { EapType, encodeNak, type NakOptions } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const options: NakOptions = { expanded: true };
 * assert.equal(encodeNak(1, [EapType.MD5Challenge], options).vendorType, 3);
 * ```
 */
export interface NakOptions {
  /**
   * Send the Expanded Nak (RFC 3748 §5.3.2), as a peer must in reply to a
   * Request of Type 254. Implied when a vendor method is listed.
   */
  expanded?: boolean;
}

/**
 * Whether a packet is a Nak Response, legacy or expanded.
 *
 * @param packet A decoded EAP packet.
 * @returns `true` for a Response of Type 3, or of Type 254 with Vendor-Id 0 and Vendor-Type 3.
 *
 * @example Usage
 * ```ts
 * import { decodeEap, isNak } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isNak(decodeEap(new Uint8Array([2, 1, 0, 6, 3, 26]))), true);
 * assert.equal(isNak(decodeEap(new Uint8Array([2, 1, 0, 6, 1, 0x61]))), false);
 * ```
 */
export function isNak(packet: EapPacket): boolean {
  if (packet.code !== EapCode.Response) return false;
  return packet.type === EapType.Nak || isExpandedNak(packet);
}

function isExpandedNak(packet: EapDataPacket): boolean {
  return packet.type === EapType.Expanded && packet.vendorId === 0 &&
    packet.vendorType === NAK_VENDOR_TYPE;
}

/**
 * Reads the methods a Nak asks for, in the peer's order of preference. In
 * an Expanded Nak, entries of Vendor-Id 0 are IETF types and come back as
 * numbers.
 *
 * @param packet A decoded EAP packet (see {@linkcode isNak}).
 * @returns The desired methods; `[0]` when the peer has no alternative.
 * @throws {EapError} `eap-bad-nak` when the packet is no Nak Response, lists
 * nothing, lists Identity, Notification or Nak (RFC 3748 §5.3.1: methods are
 * numbered 4 and above; FreeRADIUS refuses these too), or (expanded) holds
 * entries that are not 8 octets each, starting with Type 254.
 *
 * @example Usage
 * ```ts
 * import { decodeEap, decodeNak } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * // A legacy Nak asking for EAP-MSCHAPv2 (26), then GTC (6).
 * assert.deepEqual(decodeNak(decodeEap(new Uint8Array([2, 3, 0, 7, 3, 26, 6]))), [26, 6]);
 * assert.throws(() => decodeNak(decodeEap(new Uint8Array([2, 3, 0, 5, 3]))), {
 *   reason: "eap-bad-nak",
 * });
 * ```
 */
export function decodeNak(packet: EapPacket): EapMethodType[] {
  if (!isNak(packet)) throw badNak("the packet is no Nak Response (RFC 3748 §5.3)");
  const { data } = packet as EapDataPacket;
  if (data.length === 0) throw badNak("the Nak lists no type (RFC 3748 §5.3)");
  const desired: EapMethodType[] = [];
  if ((packet as EapDataPacket).type === EapType.Nak) {
    for (const type of data) desired.push(checkDesired(type));
    return desired;
  }
  if (data.length % ENTRY !== 0) {
    throw badNak(
      `an Expanded Nak's ${data.length} octets are not 8-octet entries (RFC 3748 §5.3.2)`,
    );
  }
  for (let p = 0; p < data.length; p += ENTRY) {
    if (data[p] !== EapType.Expanded) {
      throw badNak(`an Expanded Nak entry starts with Type ${data[p]}, not 254 (RFC 3748 §5.3.2)`);
    }
    const vendorId = (data[p + 1]! << 16) | (data[p + 2]! << 8) | data[p + 3]!;
    const vendorType =
      ((data[p + 4]! << 24) | (data[p + 5]! << 16) | (data[p + 6]! << 8) | data[p + 7]!) >>> 0;
    if (vendorId !== 0) desired.push({ vendorId, vendorType });
    else if (vendorType > 0xff) throw badNak(`IETF type ${vendorType} is not 0..255`);
    else desired.push(checkDesired(vendorType));
  }
  return desired;
}

/**
 * Builds a Nak Response asking for other methods: the legacy Nak, or the
 * Expanded Nak when a vendor method is listed or `expanded` is set.
 *
 * @param identifier The Identifier of the Request it answers.
 * @param desired The methods wanted, most wanted first; `[0]` for none.
 * @param options Whether to send the Expanded form.
 * @returns The packet, for `encodeEap` or `setEapMessage`.
 * @throws {RangeError} for an empty list, or an IETF type that is not 0 or 4..255.
 *
 * @example Usage
 * ```ts
 * import { EapCode, EapType, encodeEap, encodeNak } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const nak = encodeNak(9, [EapType.MD5Challenge]);
 * assert.equal(nak.code, EapCode.Response);
 * assert.deepEqual(encodeEap(nak), new Uint8Array([2, 9, 0, 6, 3, 4]));
 * ```
 */
export function encodeNak(
  identifier: number,
  desired: readonly EapMethodType[],
  options: NakOptions = {},
): EapDataPacket {
  if (desired.length === 0) {
    throw new RangeError("A Nak lists at least one type: give [0] for no alternative");
  }
  for (const method of desired) {
    if (typeof method === "number") checkMethod(method);
  }
  const expanded = options.expanded === true || desired.some((m) => typeof m !== "number");
  if (!expanded) {
    return {
      code: EapCode.Response,
      identifier,
      type: EapType.Nak,
      data: Uint8Array.from(desired as readonly number[]),
    };
  }
  const data = new Uint8Array(desired.length * ENTRY);
  const view = new DataView(data.buffer);
  desired.forEach((method, index) => {
    const p = index * ENTRY;
    if (typeof method !== "number") checkVendorMethod(method);
    // Vendor-Id 0 and the type number stand for an IETF method (RFC 3748 §5.3.2).
    view.setUint32(p, typeof method === "number" ? 0 : method.vendorId);
    view.setUint32(p + 4, typeof method === "number" ? method : method.vendorType);
    data[p] = EapType.Expanded;
  });
  return {
    code: EapCode.Response,
    identifier,
    type: EapType.Expanded,
    vendorId: 0,
    vendorType: NAK_VENDOR_TYPE,
    data,
  };
}

function checkDesired(type: number): number {
  if (type !== 0 && type < FIRST_METHOD) {
    throw badNak(
      `a Nak may not ask for Type ${type}: methods are numbered 4 and above (RFC 3748 §5.3.1)`,
    );
  }
  return type;
}

function checkMethod(type: number): void {
  if (!Number.isInteger(type) || type > 0xff || type !== 0 && type < FIRST_METHOD) {
    throw new RangeError(`A Nak asks for Type 0 (none) or a method 4..255, got ${type}`);
  }
}

function checkVendorMethod(method: EapExpandedType): void {
  const { vendorId, vendorType } = method;
  if (!Number.isInteger(vendorId) || vendorId < 1 || vendorId > 0xffffff) {
    throw new RangeError(
      `A vendor method's vendorId must be 1..16777215 (an IETF method is a number), got ${vendorId}`,
    );
  }
  if (!Number.isInteger(vendorType) || vendorType < 0 || vendorType > 0xffffffff) {
    throw new RangeError(`A vendor method's vendorType must be 0..4294967295, got ${vendorType}`);
  }
}

function badNak(why: string): EapError {
  return new EapError("eap-bad-nak", `Bad EAP Nak: ${why}`);
}
