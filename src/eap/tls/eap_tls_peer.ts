/**
 * The TLS settings of `Client.eap` (for EAP-TLS, PEAP and EAP-TTLS), and
 * EAP-TLS on the peer (RFC 5216, RFC 9190 for TLS 1.3). The machinery is
 * `tls_method_peer.ts`.
 *
 * @module
 */
import { EapType } from "../type.ts";
import type { PeerMethod } from "../methods/method.ts";
import { TLS12_KEY_LABEL } from "./keys.ts";
import type { EapTlsVersion, TlsEngine } from "./tls_engine.ts";
import { tlsMethodPeer } from "./tls_method_peer.ts";

/**
 * The TLS settings of `Client.eap`: the CA the server's certificate must
 * chain to (and its name), and for EAP-TLS this peer's certificate and key.
 *
 * @example Usage
 * ```ts
 * import type { EapTlsClientOptions } from "@radkit/radius";
 * import { tlsEngine } from "@radkit/radius/adapters/auto";
 * import assert from "node:assert/strict";
 *
 * const tls: EapTlsClientOptions = {
 *   engine: tlsEngine(),
 *   cert: "-----BEGIN CERTIFICATE-----…",
 *   key: "-----BEGIN PRIVATE KEY-----…",
 *   ca: "-----BEGIN CERTIFICATE-----…",
 *   serverName: "radius.example.com",
 * };
 * assert.equal(tls.serverName, "radius.example.com");
 * ```
 */
export interface EapTlsClientOptions {
  /** The TLS implementation: `tlsEngine()` from the adapters. */
  readonly engine: TlsEngine;
  /** EAP-TLS: the peer's certificate chain, PEM (needed for `"tls"`). */
  readonly cert?: string | Uint8Array;
  /** EAP-TLS: its private key, PEM. */
  readonly key?: string | Uint8Array;
  /** The CA certificates the server's certificate must chain to, PEM. */
  readonly ca: string | Uint8Array;
  /** When given, the server's certificate must be for this name. */
  readonly serverName?: string;
  /** TLS data octets per EAP-Response (default 1,020). */
  readonly fragmentSize?: number;
  /** The oldest TLS version (default `"TLSv1.2"`). */
  readonly minVersion?: EapTlsVersion;
  /** The newest TLS version (default `"TLSv1.3"`). */
  readonly maxVersion?: EapTlsVersion;
  /**
   * Offer to resume the last session made with the same engine and
   * settings, from the server's session ticket (off by default; the server
   * needs `tls.resumption`). A resumed session skips the certificates and
   * the key exchange; the server's certificate is the one the first
   * session checked.
   */
  readonly resumption?: boolean;
}

/** The peer side of EAP-TLS, for one conversation. */
export function eapTlsPeer(options: EapTlsClientOptions): PeerMethod {
  return tlsMethodPeer(
    { name: "tls", type: EapType.TLS, keyLabel: TLS12_KEY_LABEL, phase2: undefined },
    options,
  );
}
