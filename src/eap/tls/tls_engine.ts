/**
 * What EAP-TLS, PEAP and EAP-TTLS need of a TLS implementation, so that
 * src/ stays free of any runtime's TLS: a session that takes the peer's TLS
 * bytes and gives back its own, with no socket in between (RFC 5216 §2.1:
 * the TLS records travel in EAP packets). The adapters implement it on
 * `node:tls` (`tlsEngine()` from `@radkit/radius/adapters/node`, `/bun`,
 * `/deno`, `/auto`).
 *
 * @module
 */
import type { TlsDetails } from "../../stream_transport.ts";

/**
 * A TLS protocol version an EAP-TLS session may run.
 *
 * @example Usage
 * ```ts
 * import type { EapTlsVersion } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const newest: EapTlsVersion = "TLSv1.3";
 * assert.equal(newest, "TLSv1.3");
 * ```
 */
export type EapTlsVersion = "TLSv1.2" | "TLSv1.3";

/**
 * What a TLS session of one EAP conversation is opened with.
 *
 * @example Usage
 * ```ts
 * import type { TlsSessionOptions } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const peer: TlsSessionOptions = { role: "client", serverName: "radius.example", minVersion: "TLSv1.2" };
 * assert.equal(peer.role, "client");
 * ```
 */
export interface TlsSessionOptions {
  /** The EAP server is the TLS server; the peer the TLS client. */
  readonly role: "server" | "client";
  /** This side's certificate chain, PEM (a server always has one; an EAP-TLS peer too). */
  readonly cert?: string | Uint8Array;
  /** The private key of `cert`, PEM. */
  readonly key?: string | Uint8Array;
  /** The CA certificates the peer's chain must lead to, PEM. */
  readonly ca?: string | Uint8Array;
  /** A server asks the peer for a certificate (EAP-TLS) or not (PEAP, TTLS). */
  readonly requestCert?: boolean;
  /** A client sends this name (SNI) and, when given, checks the server's certificate against it. */
  readonly serverName?: string;
  /** The oldest version allowed (default `"TLSv1.2"`). */
  readonly minVersion?: EapTlsVersion;
  /** The newest version allowed (default `"TLSv1.3"`). */
  readonly maxVersion?: EapTlsVersion;
  /**
   * A server issues session tickets valid this many seconds, so that a
   * peer may resume the session in a later conversation (RFC 5077, RFC
   * 8446 §4.6.1). Without it no session can be resumed.
   */
  readonly ticketLifetime?: number;
  /**
   * A client keeps the session a server gives it (with its ticket) and
   * offers it when it next opens a session with the same settings, to
   * resume it (RFC 8446 §2.2).
   */
  readonly resume?: boolean;
}

/**
 * What a session did with the bytes it was given.
 *
 * @example Usage
 * ```ts
 * import type { TlsProgress } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const progress: TlsProgress = {
 *   records: new Uint8Array([21, 3, 3, 0, 2, 2, 40]), // a fatal handshake_failure alert
 *   applicationData: new Uint8Array(0),
 *   established: false,
 *   peerClosed: false,
 *   failure: "handshake failure",
 * };
 * assert.equal(progress.records[0], 21);
 * ```
 */
export interface TlsProgress {
  /** TLS records to send to the peer (may be empty). */
  readonly records: Uint8Array;
  /** Application data the peer sent, decrypted (may be empty). */
  readonly applicationData: Uint8Array;
  /** Whether the handshake has completed. */
  readonly established: boolean;
  /** Whether the peer sent close_notify. */
  readonly peerClosed: boolean;
  /**
   * Why the session failed: a fatal alert from the peer, bytes that are no
   * TLS, a certificate that does not verify. `records` may then hold the
   * alert this side sends (RFC 5216 §2.1.3).
   */
  readonly failure: string | undefined;
}

/**
 * One TLS session, fed and drained by an EAP method.
 *
 * @example Usage
 * ```ts
 * import { tlsEngine } from "@radkit/radius/adapters/auto";
 * import type { TlsSession } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const session: TlsSession = tlsEngine().open({ role: "client" });
 * const { records, established } = await session.receive(new Uint8Array(0));
 * assert.ok(records.length > 0);
 * assert.equal(established, false);
 * assert.equal(session.details(), undefined);
 * session.destroy();
 * ```
 */
export interface TlsSession {
  /**
   * Gives the session the peer's TLS bytes (a client starts its handshake
   * with none) and resolves once the engine has done all it will with them.
   */
  receive(records: Uint8Array): Promise<TlsProgress>;
  /** Encrypts application data (PEAP and TTLS inner methods, the TLS 1.3 end marker). */
  send(data: Uint8Array): Promise<TlsProgress>;
  /** Sends close_notify. */
  close(): Promise<TlsProgress>;
  /** The protocol, the peer's certificate and whether it verified, once established. */
  details(): TlsDetails | undefined;
  /**
   * The TLS exporter (RFC 5705, RFC 8446 §7.5), or `undefined` when the
   * engine has none: then {@linkcode TlsSession.exporterMissing} says why.
   */
  readonly exportKeyingMaterial:
    | ((length: number, label: string, context: Uint8Array | undefined) => Uint8Array)
    | undefined;
  /** What is missing when `exportKeyingMaterial` is, in words, naming the runtime. */
  readonly exporterMissing: string | undefined;
  /** Frees the session at once, whatever its state. */
  destroy(): void;
}

/**
 * A TLS implementation for EAP: `tlsEngine()` from the adapters.
 *
 * @example Usage
 * ```ts
 * import type { TlsEngine } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * function describe(engine: TlsEngine): string {
 *   return `TLS for EAP by ${engine.name}`;
 * }
 * assert.equal(describe({ name: "node:tls", open: () => { throw new Error("unused"); } }), "TLS for EAP by node:tls");
 * ```
 */
export interface TlsEngine {
  /** What it runs on, such as `"node:tls"`. */
  readonly name: string;
  /**
   * Opens a session.
   *
   * @throws {Error} For a certificate, key or CA that does not parse.
   */
  open(options: TlsSessionOptions): TlsSession;
}
