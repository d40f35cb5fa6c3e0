/**
 * The stream transport contract: RADIUS over TCP (RFC 6613) and over TLS
 * (RadSec, RFC 6614; RADIUS/1.1, RFC 9765). As with datagrams, the RADIUS
 * core never touches a socket: it asks a {@linkcode StreamTransport} to
 * listen or connect and reads and writes bytes through a
 * {@linkcode StreamConnection}. Framing (one RADIUS packet per Length
 * field), limits and timeouts are the core's; the transport moves bytes and
 * runs TLS. `streams()` from `@radkit/radius/adapters/deno`, `/bun` and
 * `/node` implements it on each runtime; `@radkit/radius/testing` in memory,
 * with injectable faults.
 *
 * The rules every implementation keeps:
 *
 * - **Ownership.** The `data` passed to `onData` belongs to the receiver.
 *   The transport may read the `data` given to `write` until `write`
 *   returns; after that the caller may reuse it.
 * - **A byte stream.** Writes may arrive split into pieces or joined with
 *   the ones around them, in order, never reordered or duplicated.
 * - **Delivery starts with `start`.** Bytes that arrive before
 *   {@linkcode StreamConnection.start} wait; after `pause()` they wait too
 *   (and the peer's writes back up through TCP) until `resume()`.
 *   `onData` is never called re-entrantly from inside `write`, and not after
 *   `onClose`.
 * - **`onClose` is called exactly once**, after the last `onData`, whoever
 *   closed: the peer (`error` undefined for an orderly end, else the
 *   reset or TLS error), or this side through `end()` or `destroy()`
 *   (`error` undefined). It is called even if `start` never was, once
 *   `start` is.
 * - **Errors never crash the process.** A failed `listen` or `connect`
 *   rejects with the operating system's or the TLS library's error (`code`
 *   kept, such as `"EADDRINUSE"`, `"ECONNREFUSED"`); errors on a live
 *   connection close it and reach `onClose`; errors that belong to no
 *   connection (a failed accept) go to `onError` when one is given.
 * - **Addresses** follow the {@linkcode Address} rules of the datagram
 *   transport: IP literals, IPv6 without brackets.
 *
 * @example Usage
 * ```ts
 * import type { StreamConnection, StreamTransport } from "@radkit/radius";
 * import { streams } from "@radkit/radius/adapters/node";
 * import assert from "node:assert/strict";
 *
 * const transport: StreamTransport = streams();
 * const server = await transport.listen({ hostname: "127.0.0.1", port: 0 }, (connection) => {
 *   connection.start({ onData: (data) => connection.write(data), onClose: () => {} });
 * });
 * const client: StreamConnection = await transport.connect({ hostname: "127.0.0.1", port: server.local.port });
 * const echoed = new Promise<Uint8Array>((resolve) =>
 *   client.start({ onData: resolve, onClose: () => {} })
 * );
 * client.write(new Uint8Array([1, 2, 3]));
 * assert.deepEqual(await echoed, new Uint8Array([1, 2, 3]));
 * client.destroy();
 * await server.close();
 * ```
 *
 * @module
 */
import type { Address, ResolvedAddress } from "./transport.ts";

/**
 * Certificates, keys and CA bundles: PEM text, or PEM bytes as read from a
 * file; a list for several (a chain, several CAs).
 *
 * @example Usage
 * ```ts
 * import type { PemInput } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const cas: PemInput = ["-----BEGIN CERTIFICATE-----\n…", "-----BEGIN CERTIFICATE-----\n…"];
 * assert.equal(Array.isArray(cas), true);
 * ```
 */
export type PemInput = string | Uint8Array | readonly (string | Uint8Array)[];

/**
 * A TLS protocol version radkit allows: TLS 1.2 at least (RFC 6614 §2.3,
 * RFC 9765 §3.1 for RADIUS/1.1: TLS 1.3 or later).
 *
 * @example Usage
 * ```ts
 * import type { TlsVersion } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const minimum: TlsVersion = "TLSv1.3";
 * assert.equal(minimum, "TLSv1.3");
 * ```
 */
export type TlsVersion = "TLSv1.2" | "TLSv1.3";

/**
 * The TLS side of a listening stream socket.
 *
 * @example Usage
 * ```ts
 * import type { TlsServerOptions } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const tls: TlsServerOptions = {
 *   cert: "-----BEGIN CERTIFICATE-----\n…",
 *   key: "-----BEGIN PRIVATE KEY-----\n…",
 *   ca: "-----BEGIN CERTIFICATE-----\n…", // clients must present a certificate it signed
 *   alpnProtocols: ["radius/1.1", "radius/1.0"],
 * };
 * assert.equal(tls.requestCertificate, undefined); // asked for: RFC 6614 §2.3 mutual authentication
 * ```
 */
export interface TlsServerOptions {
  /** This server's certificate, followed by its intermediates. */
  readonly cert: PemInput;
  /** The private key of `cert`. */
  readonly key: PemInput;
  /**
   * The CAs a client certificate must chain to. Without it, a client
   * certificate is still asked for (when `requestCertificate`) and handed
   * over unverified (`authorized: false`), for fingerprint allow-lists.
   */
  readonly ca?: PemInput;
  /**
   * Ask the client for a certificate (RFC 6614 §2.3: mutual authentication).
   * The handshake does not fail without one: whether to accept a client is
   * decided after it, from {@linkcode TlsDetails}.
   *
   * @default {true}
   */
  readonly requestCertificate?: boolean;
  /** ALPN protocols offered, in order of preference (RFC 7301). */
  readonly alpnProtocols?: readonly string[];
  /**
   * The oldest TLS version accepted.
   *
   * @default {"TLSv1.2"}
   */
  readonly minVersion?: TlsVersion;
}

/**
 * The TLS side of an outgoing stream connection.
 *
 * @example Usage
 * ```ts
 * import type { TlsClientOptions } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const tls: TlsClientOptions = {
 *   ca: "-----BEGIN CERTIFICATE-----\n…", // the server's certificate must chain to it
 *   cert: "-----BEGIN CERTIFICATE-----\n…",
 *   key: "-----BEGIN PRIVATE KEY-----\n…",
 *   servername: "radius.example.org",
 * };
 * assert.equal(tls.servername, "radius.example.org");
 * ```
 */
export interface TlsClientOptions {
  /** The client certificate, followed by its intermediates (mutual TLS). */
  readonly cert?: PemInput;
  /** The private key of `cert`. */
  readonly key?: PemInput;
  /**
   * The CAs the server's certificate must chain to; without it, the
   * system's trust store.
   */
  readonly ca?: PemInput;
  /**
   * The name sent as SNI and checked against the server certificate's
   * subjectAltName (or CN); without it, no SNI is sent and the name is
   * checked against the host connected to (an IP literal: its IP SAN).
   */
  readonly servername?: string;
  /**
   * Whether a server certificate that does not verify fails the handshake.
   * `false` only together with a fingerprint pin checked by the caller.
   *
   * @default {true}
   */
  readonly verify?: boolean;
  /** ALPN protocols offered, in order of preference (RFC 7301). */
  readonly alpnProtocols?: readonly string[];
  /**
   * The oldest TLS version accepted.
   *
   * @default {"TLSv1.2"}
   */
  readonly minVersion?: TlsVersion;
}

/**
 * The peer's certificate as a TLS connection presented it.
 *
 * @example Usage
 * ```ts
 * import type { PeerCertificate } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const peer: PeerCertificate = {
 *   der: new Uint8Array([0x30, 0x82]),
 *   fingerprint256: "5D:BF:ED:4D",
 *   commonName: "nas1.example.org",
 *   subjectAltNames: ["DNS:nas1.example.org", "IP:192.0.2.1"],
 * };
 * assert.ok(peer.subjectAltNames.includes("IP:192.0.2.1"));
 * ```
 */
export interface PeerCertificate {
  /** The certificate, DER-encoded. */
  readonly der: Uint8Array;
  /** SHA-256 of `der`: upper-case hex bytes joined by `:`, as OpenSSL prints it. */
  readonly fingerprint256: string;
  /** The subject's CN, if it has one. */
  readonly commonName: string | undefined;
  /**
   * The subjectAltName entries, each prefixed by its kind: `"DNS:…"`,
   * `"IP:…"` (IPv6 in its canonical text), `"URI:…"`, `"email:…"`.
   */
  readonly subjectAltNames: readonly string[];
}

/**
 * What a completed TLS handshake established.
 *
 * @example Usage
 * ```ts
 * import type { TlsDetails } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const details: TlsDetails = {
 *   protocol: "TLSv1.3",
 *   alpnProtocol: "radius/1.1",
 *   peerCertificate: undefined,
 *   authorized: false,
 *   authorizationError: "peer did not present a certificate",
 * };
 * assert.equal(details.alpnProtocol, "radius/1.1");
 * ```
 */
export interface TlsDetails {
  /** The protocol version, such as `"TLSv1.3"`. */
  readonly protocol: string;
  /** The ALPN protocol both sides agreed on, if any. */
  readonly alpnProtocol: string | undefined;
  /** The peer's certificate (the leaf), if it sent one. */
  readonly peerCertificate: PeerCertificate | undefined;
  /** Whether `peerCertificate` chains to the configured CAs (and, on a client, matches the name). */
  readonly authorized: boolean;
  /** Why it is not authorized, when it is not. */
  readonly authorizationError: string | undefined;
}

/**
 * Receives what a {@linkcode StreamConnection} delivers.
 *
 * @example Usage
 * ```ts
 * import type { StreamHandlers } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * let received = 0;
 * const handlers: StreamHandlers = {
 *   onData: (data) => void (received += data.length),
 *   onClose: (error) => error && console.error(error.message),
 * };
 * handlers.onData(new Uint8Array(20));
 * assert.equal(received, 20);
 * ```
 */
export interface StreamHandlers {
  /** Bytes received, in order, owned by the callee. */
  onData(data: Uint8Array): void;
  /**
   * The connection is closed; called once, after the last `onData`.
   *
   * @param error Why, if it was not an orderly close.
   */
  onClose(error: Error | undefined): void;
  /** The bytes written are flushed below the high-water mark again (after `write` returned `false`). */
  onDrain?(): void;
}

/**
 * One TCP or TLS connection, accepted or opened.
 *
 * @example Usage
 * ```ts
 * import type { StreamConnection } from "@radkit/radius";
 * import { streams } from "@radkit/radius/adapters/node";
 * import assert from "node:assert/strict";
 *
 * const transport = streams();
 * const accepted = Promise.withResolvers<StreamConnection>();
 * const server = await transport.listen({ hostname: "127.0.0.1", port: 0 }, accepted.resolve);
 * const client = await transport.connect({ hostname: "127.0.0.1", port: server.local.port });
 * const connection = await accepted.promise;
 * assert.equal(await connection.handshake(), undefined); // plain TCP: no TLS details
 * assert.deepEqual(connection.remote, client.local);
 * client.destroy();
 * connection.destroy();
 * await server.close();
 * ```
 */
export interface StreamConnection {
  /** This end of the connection. */
  readonly local: Address;
  /** The other end. */
  readonly remote: Address;
  /**
   * Resolves when the connection is ready for RADIUS: at once over TCP (to
   * `undefined`), when the TLS handshake completes over TLS (to its
   * details). Rejects when the handshake fails or the connection closes
   * first. A connection that `connect` returned is ready already.
   *
   * @returns The TLS details, or `undefined` for plain TCP.
   */
  handshake(): Promise<TlsDetails | undefined>;
  /**
   * Starts delivering bytes and the close to `handlers`. Call it once.
   *
   * @param handlers Where the bytes and the close go.
   */
  start(handlers: StreamHandlers): void;
  /**
   * Queues bytes to send.
   *
   * @param data The bytes; the caller may reuse it once `write` returns.
   * @returns `false` when the queue is above the transport's high-water
   * mark: write no more until `onDrain`. Writing after a close is ignored
   * (it returns `false`).
   */
  write(data: Uint8Array): boolean;
  /** Stops delivering bytes until {@linkcode StreamConnection.resume}; the peer is slowed by TCP. */
  pause(): void;
  /** Delivers bytes again after {@linkcode StreamConnection.pause}. */
  resume(): void;
  /** Sends what is queued, then closes in order (TLS close_notify, TCP FIN). */
  end(): void;
  /** Closes at once, dropping what is queued. Idempotent. */
  destroy(): void;
  /** Lets the process exit while this connection is open (as Node's `socket.unref()`). */
  unref?(): void;
  /** Undoes {@linkcode StreamConnection.unref}. */
  ref?(): void;
}

/**
 * What {@linkcode StreamTransport.listen} binds.
 *
 * @example Usage
 * ```ts
 * import type { StreamListenOptions } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const options: StreamListenOptions = { hostname: "::1", port: 2083 };
 * assert.equal(options.tls, undefined); // plain TCP (RFC 6613)
 * ```
 */
export interface StreamListenOptions {
  /** The local IP literal to listen on (`"0.0.0.0"`, `"::"`, `"127.0.0.1"`…). */
  readonly hostname: string;
  /** The local port; 0 lets the operating system pick a free one. */
  readonly port: number;
  /** TLS on every accepted connection; without it, plain TCP. */
  readonly tls?: TlsServerOptions;
  /** Receives errors that belong to no connection. */
  readonly onError?: (error: Error) => void;
}

/**
 * Where {@linkcode StreamTransport.connect} connects.
 *
 * @example Usage
 * ```ts
 * import type { StreamConnectOptions } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const options: StreamConnectOptions = {
 *   hostname: "192.0.2.10",
 *   port: 2083,
 *   tls: { servername: "radius.example.org", alpnProtocols: ["radius/1.1"] },
 *   signal: AbortSignal.timeout(5000),
 * };
 * assert.equal(options.port, 2083);
 * ```
 */
export interface StreamConnectOptions {
  /** The peer's IP literal. */
  readonly hostname: string;
  /** The peer's port. */
  readonly port: number;
  /** TLS over the connection; without it, plain TCP. */
  readonly tls?: TlsClientOptions;
  /** Aborts the attempt (TCP connect and TLS handshake): `connect` rejects with its reason. */
  readonly signal?: AbortSignal;
}

/**
 * A listening stream socket.
 *
 * @example Usage
 * ```ts
 * import type { StreamServer } from "@radkit/radius";
 * import { streams } from "@radkit/radius/adapters/node";
 * import assert from "node:assert/strict";
 *
 * const server: StreamServer = await streams().listen({ hostname: "127.0.0.1", port: 0 }, (c) => c.destroy());
 * assert.ok(server.local.port > 0);
 * await server.close();
 * ```
 */
export interface StreamServer {
  /** The bound address; `port` is the real one when 0 was asked for. */
  readonly local: Address;
  /**
   * Stops accepting and releases the port. Connections already accepted
   * stay open: the caller ends them. Calling it again returns the same outcome.
   *
   * @returns A Promise that resolves when the port is released.
   */
  close(): Promise<void>;
}

/**
 * Listens for and opens TCP and TLS connections: what the RADIUS core asks
 * of a runtime for RADIUS over streams.
 *
 * @example Usage
 * ```ts
 * import type { StreamTransport } from "@radkit/radius";
 * import { streams } from "@radkit/radius/adapters/node";
 * import assert from "node:assert/strict";
 *
 * const transport: StreamTransport = streams();
 * await assert.rejects(transport.connect({ hostname: "127.0.0.1", port: 1 }), { code: "ECONNREFUSED" });
 * ```
 */
export interface StreamTransport {
  /** A short name for logs, such as `"node:net"` or `"memory"`. */
  readonly name: string;
  /**
   * Listens, and hands over each accepted connection at once (before any
   * TLS handshake, so that the caller can time it out and count it).
   *
   * @param options The address, port and TLS settings.
   * @param onConnection Called once per accepted connection.
   * @returns The listening socket; rejects with the operating system's error
   * (`code` kept, such as `"EADDRINUSE"`) or, for unusable TLS settings (a
   * key that does not match, PEM that does not parse), the TLS library's.
   */
  listen(
    options: StreamListenOptions,
    onConnection: (connection: StreamConnection) => void,
  ): Promise<StreamServer>;
  /**
   * Opens a connection and, with `tls`, completes the handshake.
   *
   * @param options The peer, TLS settings and an AbortSignal.
   * @returns The ready connection (not started yet); rejects with the
   * operating system's error (`code` kept, such as `"ECONNREFUSED"`), the
   * TLS error (a certificate that does not verify, no common protocol), or
   * the signal's reason.
   */
  connect(options: StreamConnectOptions): Promise<StreamConnection>;
  /**
   * Resolves a host name to IP addresses, as
   * `DatagramTransport.lookup` does: `connect` takes IP literals
   * only, so a client given a server by name resolves it first. Without
   * it, servers must be given as IP addresses.
   *
   * @param hostname A host name, such as `"radius.example.org"`.
   * @returns The addresses, in the resolver's order of preference; rejects
   * (with the resolver's `code`, such as `"ENOTFOUND"`) when it does not
   * resolve.
   */
  lookup?(hostname: string): Promise<readonly ResolvedAddress[]>;
}
