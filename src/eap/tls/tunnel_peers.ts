/**
 * The peer sides of PEAPv0 and EAP-TTLSv0: the TLS machinery of
 * `tls_method_peer.ts` with each one's phase 2 and keys.
 *
 * @module
 */
import type { PeerMethod } from "../methods/method.ts";
import { peapPeerPhase } from "../peap/peap_peer_phase.ts";
import { ttlsPeerPhase } from "../ttls/ttls_peer_phase.ts";
import { EapType } from "../type.ts";
import type { EapTlsClientOptions } from "./eap_tls_peer.ts";
import { TLS12_KEY_LABEL, TTLS_KEY_LABEL } from "./keys.ts";
import { tlsMethodPeer } from "./tls_method_peer.ts";

/**
 * The inner methods of PEAP: EAP-MSCHAPv2 (what Windows, Android and iOS
 * use), EAP-GTC, EAP-MD5.
 *
 * @example Usage
 * ```ts
 * import type { PeapInnerMethod } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const inner: PeapInnerMethod = "mschapv2";
 * assert.equal(inner, "mschapv2");
 * ```
 */
export type PeapInnerMethod = "mschapv2" | "gtc" | "md5";

/**
 * The inner authentications of EAP-TTLS (RFC 5281 §11.2): PAP, CHAP,
 * MS-CHAP, MS-CHAPv2 as Diameter AVPs, or an EAP method.
 *
 * @example Usage
 * ```ts
 * import type { TtlsInnerMethod } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const inner: TtlsInnerMethod = "eap-mschapv2";
 * assert.ok(inner.startsWith("eap-"));
 * ```
 */
export type TtlsInnerMethod =
  | "pap"
  | "chap"
  | "mschap"
  | "mschapv2"
  | "eap-md5"
  | "eap-mschapv2"
  | "eap-gtc";

/** Whether a value names an inner method of PEAP. */
export function isPeapInnerMethod(value: unknown): value is PeapInnerMethod {
  return value === "mschapv2" || value === "gtc" || value === "md5";
}

/** Whether a value names an inner authentication of TTLS. */
export function isTtlsInnerMethod(value: unknown): value is TtlsInnerMethod {
  return value === "pap" || value === "chap" || value === "mschap" || value === "mschapv2" ||
    value === "eap-md5" ||
    value === "eap-mschapv2" || value === "eap-gtc";
}

/** The peer side of PEAP, for one conversation. */
export function peapPeer(
  tls: EapTlsClientOptions,
  inner: { identity: string; password: string; method: PeapInnerMethod },
): PeerMethod {
  return tlsMethodPeer(
    { name: "peap", type: EapType.PEAP, keyLabel: TLS12_KEY_LABEL, phase2: peapPeerPhase(inner) },
    tls,
  );
}

/** The peer side of EAP-TTLS, for one conversation. */
export function ttlsPeer(
  tls: EapTlsClientOptions,
  inner: { identity: string; password: string; inner: TtlsInnerMethod },
): PeerMethod {
  return tlsMethodPeer(
    { name: "ttls", type: EapType.TTLS, keyLabel: TTLS_KEY_LABEL, phase2: ttlsPeerPhase(inner) },
    tls,
  );
}
