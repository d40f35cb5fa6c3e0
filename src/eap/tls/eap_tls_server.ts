/**
 * The TLS settings of an `EapServer` (for EAP-TLS, PEAP and EAP-TTLS), and
 * EAP-TLS on the server (RFC 5216, RFC 9190 for TLS 1.3): Start, the
 * handshake in fragments, the client certificate checked against the CA
 * (and an optional hook), the TLS 1.3 end marker, then EAP-Success with
 * the MSK. The machinery is `tls_method_server.ts`.
 *
 * @module
 */
import type { PeerCertificate } from "../../stream_transport.ts";
import { EapType } from "../type.ts";
import type { ServerMethod } from "../methods/method.ts";
import { TLS12_KEY_LABEL } from "./keys.ts";
import type { EapTlsVersion, TlsEngine } from "./tls_engine.ts";
import { tlsMethodServer } from "./tls_method_server.ts";

/**
 * The TLS settings of an `EapServer`: the server's certificate for PEAP,
 * EAP-TTLS and EAP-TLS, and for EAP-TLS the CA client certificates must
 * chain to.
 *
 * @example Usage
 * ```ts
 * import type { EapTlsServerOptions } from "@radkit/radius";
 * import { tlsEngine } from "@radkit/radius/adapters/auto";
 * import assert from "node:assert/strict";
 *
 * const tls: EapTlsServerOptions = {
 *   engine: tlsEngine(),
 *   cert: "-----BEGIN CERTIFICATE-----…",
 *   key: "-----BEGIN PRIVATE KEY-----…",
 *   ca: "-----BEGIN CERTIFICATE-----…",
 *   checkCertificate: (certificate) => certificate.commonName?.endsWith(".example.com") === true,
 * };
 * assert.equal(tls.engine.name, "node:tls");
 * ```
 */
export interface EapTlsServerOptions {
  /** The TLS implementation: `tlsEngine()` from the adapters. */
  readonly engine: TlsEngine;
  /** The server's certificate chain, PEM. */
  readonly cert: string | Uint8Array;
  /** Its private key, PEM. */
  readonly key: string | Uint8Array;
  /** EAP-TLS: the CA certificates a client certificate must chain to, PEM (needed for `"tls"`). */
  readonly ca?: string | Uint8Array;
  /**
   * A further check of a client certificate that chains to `ca` (its
   * subject, its SAN against the EAP identity, …): false refuses it.
   */
  readonly checkCertificate?: (
    certificate: PeerCertificate,
    identity: string,
  ) => boolean | Promise<boolean>;
  /** TLS data octets per EAP-Request (default 1,020; see `fragmentTlsMessage`). */
  readonly fragmentSize?: number;
  /** The oldest TLS version (default `"TLSv1.2"`). */
  readonly minVersion?: EapTlsVersion;
  /** The newest TLS version (default `"TLSv1.3"`). */
  readonly maxVersion?: EapTlsVersion;
  /** The most TLS sessions under way at once; the oldest is dropped first (default 4,096). */
  readonly maxSessions?: number;
  /** Milliseconds a TLS session waits for the peer (default 60,000). */
  readonly sessionTimeout?: number;
  /**
   * TLS session resumption (off by default): peers get session tickets
   * valid `lifetime` seconds (default 3,600) and may skip the certificates
   * and key exchange next time (RFC 5216 §2.1.2). Nothing is stored on the
   * server for it (the ticket keys live in the TLS engine's context). PEAP
   * and TTLS still run their inner authentication on a resumed session;
   * EAP-TLS checks the certificate the session was made with again.
   */
  readonly resumption?: boolean | { readonly lifetime?: number };
}

/** The server side of EAP-TLS, for one `EapServer`. */
export function eapTlsServer(options: EapTlsServerOptions): ServerMethod {
  return tlsMethodServer(
    { name: "tls", type: EapType.TLS, keyLabel: TLS12_KEY_LABEL, phase2: undefined },
    options,
  );
}
