/**
 * The EAP packet (RFC 3748 §4): Code, Identifier, Length, and for
 * Request/Response (and RFC 6696 Initiate/Finish) a Type and its data;
 * Type 254 carries a Vendor-Id and a Vendor-Type first (§5.7).
 *
 * @module
 */
import { EapCode, type EapDataCode, type EapResultCode, hasEapType, isEapCode } from "./code.ts";
import { EapError } from "./error.ts";
import { EapType } from "./type.ts";

/** Code, Identifier, Length (RFC 3748 §4). */
const HEADER = 4;
/** The largest value of the 16-bit Length field. */
const MAX_LENGTH = 0xffff;
/** Type 254: Vendor-Id (3 octets) and Vendor-Type (4 octets) follow (RFC 3748 §5.7). */
const EXPANDED_HEADER = 7;

/**
 * A Request, Response, Initiate or Finish: a packet with a Type (RFC 3748
 * §4.1). For Type 254 (Expanded, §5.7) `vendorId` and `vendorType` are set
 * and `data` is what follows them; for other types they are absent.
 *
 * @example Usage
 * ```ts
 * import { decodeEap, EapCode, type EapDataPacket, encodeEap, EapType } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const identity: EapDataPacket = {
 *   code: EapCode.Response,
 *   identifier: 1,
 *   type: EapType.Identity,
 *   data: new TextEncoder().encode("bob"),
 * };
 * assert.deepEqual(decodeEap(encodeEap(identity)), identity);
 * ```
 */
export interface EapDataPacket {
  /** Request, Response, Initiate or Finish. */
  code: EapDataCode;
  /** The Identifier, 0..255: a Response echoes its Request's (RFC 3748 §4). */
  identifier: number;
  /** The Type, 0..255 (see {@linkcode EapType}). */
  type: number;
  /** For Type 254: the 3-octet Vendor-Id (0 for the IETF, else an SMI Network Management Private Enterprise Code). */
  vendorId?: number;
  /** For Type 254: the 4-octet Vendor-Type. */
  vendorType?: number;
  /** The Type-Data (for Type 254, the Vendor data). */
  data: Uint8Array;
}

/**
 * A Success or Failure: the 4-octet header alone (RFC 3748 §4.2).
 *
 * @example Usage
 * ```ts
 * import { EapCode, type EapResultPacket, encodeEap } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const success: EapResultPacket = { code: EapCode.Success, identifier: 7 };
 * assert.deepEqual(encodeEap(success), new Uint8Array([3, 7, 0, 4]));
 * ```
 */
export interface EapResultPacket {
  /** Success or Failure. */
  code: EapResultCode;
  /** The Identifier of the Response it answers (RFC 3748 §4.2). */
  identifier: number;
}

/**
 * An EAP packet. `"type" in packet` narrows it to an
 * {@linkcode EapDataPacket} (so does `packet.code === EapCode.Request`, or
 * any other code with a Type) or else an {@linkcode EapResultPacket}.
 *
 * @example Usage
 * ```ts
 * import { decodeEap, EapCode, type EapPacket, EapType } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * function summary(packet: EapPacket): string {
 *   if (!("type" in packet)) return packet.code === EapCode.Success ? "success" : "failure";
 *   return packet.type === EapType.Identity ? "identity" : `type ${packet.type}`;
 * }
 * assert.equal(summary(decodeEap(new Uint8Array([1, 0, 0, 5, 1]))), "identity");
 * assert.equal(summary(decodeEap(new Uint8Array([4, 0, 0, 4]))), "failure");
 * ```
 */
export type EapPacket = EapDataPacket | EapResultPacket;

/**
 * Reads an EAP packet, strictly: the bytes must be exactly what the Length
 * field says (no padding: over RADIUS there is no link layer to add any,
 * and RFC 3579 §3.1 / FreeRADIUS compare the two exactly), a Success or
 * Failure must be the header alone, every other code must carry a Type, and
 * Type 254 its Vendor-Id and Vendor-Type. `data` is a copy.
 *
 * @param bytes One EAP packet (for one carried over RADIUS, see `readEap`).
 * @returns The packet.
 * @throws {EapError} with the {@linkcode EapError.reason} of the first
 * problem found: `eap-truncated`, `eap-too-long`, `eap-length-mismatch`,
 * `eap-unknown-code`, `eap-result-with-data`, `eap-missing-type` or
 * `eap-expanded-truncated`.
 *
 * @example Usage
 * ```ts
 * import { decodeEap, EapCode, EapType } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * // An EAP-Request/Identity with Identifier 1.
 * const request = decodeEap(new Uint8Array([1, 1, 0, 5, 1]));
 * assert.equal(request.code, EapCode.Request);
 * assert.ok("type" in request && request.type === EapType.Identity);
 * assert.throws(() => decodeEap(new Uint8Array([1, 1, 0, 4])), { reason: "eap-missing-type" });
 * ```
 */
export function decodeEap(bytes: Uint8Array): EapPacket {
  if (bytes.length < HEADER) {
    throw new EapError(
      "eap-truncated",
      `An EAP packet of ${bytes.length} octets is shorter than the 4-octet header (RFC 3748 §4)`,
    );
  }
  if (bytes.length > MAX_LENGTH) {
    throw new EapError(
      "eap-too-long",
      `An EAP packet of ${bytes.length} octets is longer than its Length field can say (65535)`,
    );
  }
  const length = (bytes[2]! << 8) | bytes[3]!;
  if (length !== bytes.length) {
    throw new EapError(
      "eap-length-mismatch",
      `The EAP Length field says ${length} octets; the packet has ${bytes.length} (RFC 3748 §4)`,
    );
  }
  const code = bytes[0]!;
  const identifier = bytes[1]!;
  if (!isEapCode(code)) {
    throw new EapError("eap-unknown-code", `EAP code ${code} is not 1..6 (RFC 3748 §4)`);
  }
  if (!hasEapType(code)) {
    if (length !== HEADER) {
      throw new EapError(
        "eap-result-with-data",
        `An EAP-${
          code === EapCode.Success ? "Success" : "Failure"
        } is 4 octets; this one has ${length} (RFC 3748 §4.2)`,
      );
    }
    return { code, identifier };
  }
  if (length === HEADER) {
    throw new EapError(
      "eap-missing-type",
      `An EAP packet of code ${code} has no Type (RFC 3748 §4.1)`,
    );
  }
  const type = bytes[HEADER]!;
  if (type !== EapType.Expanded) {
    return { code, identifier, type, data: bytes.slice(HEADER + 1) };
  }
  if (length < HEADER + 1 + EXPANDED_HEADER) {
    throw new EapError(
      "eap-expanded-truncated",
      `An EAP packet of Type 254 needs a 3-octet Vendor-Id and a 4-octet Vendor-Type; it has ${
        length - HEADER - 1
      } octets after the Type (RFC 3748 §5.7)`,
    );
  }
  const vendorId = (bytes[5]! << 16) | (bytes[6]! << 8) | bytes[7]!;
  const vendorType = ((bytes[8]! << 24) | (bytes[9]! << 16) | (bytes[10]! << 8) | bytes[11]!) >>> 0;
  return {
    code,
    identifier,
    type,
    vendorId,
    vendorType,
    data: bytes.slice(HEADER + 1 + EXPANDED_HEADER),
  };
}

/**
 * Writes an EAP packet: the Length field is computed.
 *
 * @param packet The packet.
 * @returns Its bytes.
 * @throws {RangeError} for a code outside 1..6, an Identifier or Type
 * outside 0..255, Type 254 without `vendorId` (0..2^24-1) and `vendorType`
 * (0..2^32-1) or another Type with them, or a Success/Failure with data.
 * @throws {EapError} `eap-too-long` for more than 65,535 octets.
 *
 * @example Usage
 * ```ts
 * import { EapCode, encodeEap, EapType } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const bytes = encodeEap({
 *   code: EapCode.Request,
 *   identifier: 2,
 *   type: EapType.Expanded,
 *   vendorId: 0x00137f,
 *   vendorType: 1,
 *   data: new Uint8Array([0xaa]),
 * });
 * assert.deepEqual(bytes, new Uint8Array([1, 2, 0, 13, 254, 0x00, 0x13, 0x7f, 0, 0, 0, 1, 0xaa]));
 * ```
 */
export function encodeEap(packet: EapPacket): Uint8Array {
  const { code, identifier } = packet;
  if (!isEapCode(code)) {
    throw new RangeError(`EAP code ${code} is not 1..6: use one of EapCode's values`);
  }
  checkOctet("Identifier", identifier);
  if (!hasEapType(code)) {
    const data = (packet as { data?: Uint8Array }).data;
    if (data !== undefined && data.length > 0 || "type" in packet) {
      throw new RangeError(
        "An EAP-Success or EAP-Failure is the 4-octet header alone: give no type or data",
      );
    }
    return new Uint8Array([code, identifier, 0, HEADER]);
  }
  const { type, vendorId, vendorType, data } = packet as EapDataPacket;
  checkOctet("Type", type);
  if (!(data instanceof Uint8Array)) {
    throw new RangeError(
      `An EAP packet of code ${code} needs its data as a Uint8Array (empty for none)`,
    );
  }
  const expanded = type === EapType.Expanded;
  if (expanded) {
    checkInteger("vendorId", vendorId, 0xffffff);
    checkInteger("vendorType", vendorType, 0xffffffff);
  } else if (vendorId !== undefined || vendorType !== undefined) {
    throw new RangeError(
      `Only EAP Type 254 (Expanded) has a vendorId and vendorType; this is Type ${type}`,
    );
  }
  const start = HEADER + 1 + (expanded ? EXPANDED_HEADER : 0);
  const length = start + data.length;
  if (length > MAX_LENGTH) {
    throw new EapError(
      "eap-too-long",
      `The EAP packet would be ${length} octets; its Length field says at most 65535`,
    );
  }
  const out = new Uint8Array(length);
  out[0] = code;
  out[1] = identifier;
  out[2] = length >> 8;
  out[3] = length & 0xff;
  out[4] = type;
  if (expanded) {
    const id = vendorId!;
    const vt = vendorType!;
    out[5] = id >> 16;
    out[6] = (id >> 8) & 0xff;
    out[7] = id & 0xff;
    out[8] = vt >>> 24;
    out[9] = (vt >>> 16) & 0xff;
    out[10] = (vt >>> 8) & 0xff;
    out[11] = vt & 0xff;
  }
  out.set(data, start);
  return out;
}

function checkOctet(name: string, value: number): void {
  checkInteger(name, value, 0xff);
}

function checkInteger(name: string, value: number | undefined, max: number): void {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`The EAP ${name} must be an integer 0..${max}, got ${String(value)}`);
  }
}
