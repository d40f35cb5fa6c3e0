/**
 * The EAP TLV Extensions method (EAP Type 33, [MS-PEAP] §2.2.8.1; the
 * "EAP-TLV method" of draft-josefsson-pppext-eap-tls-eap-10 §4.2) that
 * ends PEAPv0's phase 2: the server sends a Result TLV saying whether the
 * inner method succeeded, and the peer answers with its own. Each TLV is
 * M (mandatory) and R (reserved) bits, a 14-bit Type, a 16-bit Length and
 * the Value ([MS-PEAP] §2.2.4).
 *
 * @module
 */
import type { EapDataCode } from "../code.ts";
import type { EapDataPacket } from "../packet.ts";
import { EapType } from "../type.ts";

/** The M bit: the recipient must understand the TLV ([MS-PEAP] §2.2.4). */
const MANDATORY = 0x8000;
/** The 14 bits of the TLV Type (the R bit is ignored on receipt, [MS-PEAP] §2.2.4). */
const TYPE_MASK = 0x3fff;
/** M/R/Type (2 octets) and Length (2 octets). */
const TLV_HEADER = 4;
/**
 * The most TLVs one Extensions packet may carry here. Servers send a
 * Result TLV and at most a Crypto-Binding TLV ([MS-PEAP] §2.2.8.1 allows
 * only those and the SoH Response TLV); anything longer is noise.
 */
export const MAX_TLVS = 8;

/** The TLV Types PEAPv0 meets ([MS-PEAP] §2.2.4; draft-josefsson-pppext-eap-tls-eap-10 §4.2). */
export const TlvType = {
  /** Result TLV ([MS-PEAP] §2.2.8.1.2). */
  Result: 3,
  /** NAK TLV (draft-josefsson-pppext-eap-tls-eap-10 §4.2.3), what wpa_supplicant answers an unknown mandatory TLV with. */
  Nak: 4,
  /** Vendor-Specific TLV ([MS-PEAP] §2.2.4; SoH). */
  VendorSpecific: 7,
  /** Cryptobinding TLV ([MS-PEAP] §2.2.8.1.1). */
  CryptoBinding: 12,
} as const;

/** The Status of a Result TLV ([MS-PEAP] §2.2.8.1.2): 1 Success, 2 Failure; others must not be sent. */
const STATUS_SUCCESS = 1;
const STATUS_FAILURE = 2;

/** What a Result TLV says. */
export type PeapResult = "success" | "failure";

/** One TLV as received. */
export interface Tlv {
  /** The M bit. */
  readonly mandatory: boolean;
  /** The 14-bit TLV Type. */
  readonly type: number;
  /** The Value (a view into the packet's data). */
  readonly value: Uint8Array;
}

/** Why a TLV list was refused. */
export type TlvFailure =
  /** Fewer than 4 octets left where a TLV header should start. */
  | "tlv-truncated"
  /** A Length that runs past the end of the data. */
  | "tlv-overrun"
  /** More than {@linkcode MAX_TLVS} TLVs. */
  | "too-many-tlvs"
  /** A Result TLV whose Length is not 2 or whose Status is not 1 or 2 ([MS-PEAP] §2.2.8.1.2). */
  | "bad-result"
  /** Two Result TLVs in one packet. */
  | "duplicate-result";

/** What an Extensions packet's Type-Data says, once decoded. */
export type ExtensionsReading =
  | {
    readonly ok: true;
    /** The Result TLV's status; `undefined` when there is none. */
    readonly result: PeapResult | undefined;
    /** The Type of the first mandatory TLV that is neither Result nor Crypto-Binding, if any. */
    readonly unknownMandatory: number | undefined;
    /** Whether the server offered a Crypto-Binding TLV (which radkit does not answer). */
    readonly cryptoBinding: boolean;
  }
  | { readonly ok: false; readonly reason: TlvFailure };

/**
 * Splits a TLV list, strictly: every octet belongs to a TLV, no Length runs
 * past the end, at most {@linkcode MAX_TLVS} TLVs. Never throws.
 *
 * @param data The Type-Data of an Extensions packet.
 * @returns The TLVs, or why the list does not parse.
 */
export function decodeTlvs(
  data: Uint8Array,
): { readonly ok: true; readonly tlvs: Tlv[] } | {
  readonly ok: false;
  readonly reason: TlvFailure;
} {
  const tlvs: Tlv[] = [];
  let offset = 0;
  while (offset < data.length) {
    if (tlvs.length === MAX_TLVS) return { ok: false, reason: "too-many-tlvs" };
    if (data.length - offset < TLV_HEADER) return { ok: false, reason: "tlv-truncated" };
    const head = (data[offset]! << 8) | data[offset + 1]!;
    const length = (data[offset + 2]! << 8) | data[offset + 3]!;
    const start = offset + TLV_HEADER;
    if (length > data.length - start) return { ok: false, reason: "tlv-overrun" };
    tlvs.push({
      mandatory: (head & MANDATORY) !== 0,
      type: head & TYPE_MASK,
      value: data.subarray(start, start + length),
    });
    offset = start + length;
  }
  return { ok: true, tlvs };
}

/**
 * Reads an Extensions packet's Type-Data: its Result TLV, and whether it
 * holds a mandatory TLV this implementation does not know. Never throws.
 *
 * A Crypto-Binding TLV ([MS-PEAP] §2.2.8.1.1) is recognised and ignored,
 * even with its M bit set (as hostapd sends it): binding the inner method
 * to the tunnel is optional in hostapd's default (`crypto_binding`
 * "optional"), in FreeRADIUS (which never sends it) and in Windows unless
 * configured otherwise, and a peer that answers without one is accepted.
 * A server that requires binding will refuse radkit's peer.
 *
 * @param data The Type-Data of an Extensions packet.
 * @returns What it says, or why it does not parse.
 */
export function readExtensions(data: Uint8Array): ExtensionsReading {
  const decoded = decodeTlvs(data);
  if (!decoded.ok) return decoded;
  let result: PeapResult | undefined;
  let unknownMandatory: number | undefined;
  let cryptoBinding = false;
  for (const tlv of decoded.tlvs) {
    switch (tlv.type) {
      case TlvType.Result: {
        if (result !== undefined) return { ok: false, reason: "duplicate-result" };
        const status = tlv.value.length === 2 ? (tlv.value[0]! << 8) | tlv.value[1]! : 0;
        if (status === STATUS_SUCCESS) result = "success";
        else if (status === STATUS_FAILURE) result = "failure";
        else return { ok: false, reason: "bad-result" };
        break;
      }
      case TlvType.CryptoBinding:
        cryptoBinding = true;
        break;
      default:
        // [MS-PEAP] §2.2.4: an unknown optional TLV is ignored; an unknown
        // mandatory one makes the packet unacceptable.
        if (tlv.mandatory && unknownMandatory === undefined) unknownMandatory = tlv.type;
    }
  }
  return { ok: true, result, unknownMandatory, cryptoBinding };
}

/**
 * The Result TLV: M bit set, Type 3, Length 2, Status ([MS-PEAP]
 * §2.2.8.1.2). Success is `80 03 00 02 00 01`.
 *
 * @param result Success or failure.
 * @returns The 6 octets.
 */
export function encodeResultTlv(result: PeapResult): Uint8Array {
  const status = result === "success" ? STATUS_SUCCESS : STATUS_FAILURE;
  return new Uint8Array([
    (MANDATORY | TlvType.Result) >> 8,
    TlvType.Result,
    0,
    2,
    0,
    status,
  ]);
}

/**
 * An Extensions packet carrying only a Result TLV: what the server sends
 * after the inner method, and what the peer answers. It travels with its
 * full EAP header (see `inner_eap.ts`).
 *
 * @param code Request (server) or Response (peer).
 * @param identifier Its Identifier (a Response echoes the Request's).
 * @param result Success or failure.
 * @returns The packet.
 */
export function resultPacket(
  code: EapDataCode,
  identifier: number,
  result: PeapResult,
): EapDataPacket {
  return { code, identifier, type: EapType.Extensions, data: encodeResultTlv(result) };
}
