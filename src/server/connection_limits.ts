/**
 * The bounds a server keeps on TCP and TLS connections, and why it closes
 * them: anyone who can reach the port can open connections, start a
 * handshake and never finish it, or send half a packet and stall.
 *
 * @module
 */
import { positive } from "./limits.ts";

/**
 * Limits on the server's TCP and TLS connections (RFC 6613, RFC 6614).
 *
 * @example Usage
 * ```ts
 * import { Dictionary, Server, type ConnectionLimits } from "@radkit/radius";
 * import { MemoryTransport, MemoryStreams } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * const connections: ConnectionLimits = { maxConnections: 100, idleTimeout: 60_000 };
 * const server = new Server({
 *   transport: new MemoryTransport(),
 *   streams: new MemoryStreams(),
 *   dictionary: Dictionary.default(),
 *   clients: [{ address: "192.0.2.0/24", secret: "s3cret" }],
 *   connections,
 * });
 * const bound = await server.listen({ hostname: "192.0.2.10", tcp: { port: 1812 } });
 * assert.equal(bound.tcp?.port, 1812);
 * await server.close();
 * ```
 */
export interface ConnectionLimits {
  /**
   * At most this many connections open at once, handshakes included; more
   * are closed as soon as they are accepted (`"too-many-connections"`).
   *
   * @default {1024}
   */
  readonly maxConnections?: number;
  /**
   * At most this many connections open at once from one IP address
   * (`"too-many-from-address"`). A NAS needs one; a proxy a few.
   *
   * @default {32}
   */
  readonly maxConnectionsPerAddress?: number;
  /**
   * Milliseconds from accepting a connection to a finished TLS handshake and
   * a known client (`"handshake-timeout"`).
   *
   * @default {10000}
   */
  readonly handshakeTimeout?: number;
  /**
   * Milliseconds without a byte received and without a request in flight
   * after which a connection is closed (`"idle-timeout"`); 0 never closes.
   * FreeRADIUS closes idle TLS clients after 30 s as well.
   *
   * @default {30000}
   */
  readonly idleTimeout?: number;
  /**
   * Milliseconds a packet may take from its first byte to its last
   * (`"packet-timeout"`): a peer that sends half a packet and stalls holds
   * a connection for no more than this.
   *
   * @default {10000}
   */
  readonly packetTimeout?: number;
  /**
   * At most this many requests of one connection in flight; beyond it the
   * server stops reading that connection (TCP slows the peer down) until
   * one settles. RADIUS/1.0 has 256 Identifiers per connection (RFC 6613
   * §2.6.5).
   *
   * @default {256}
   */
  readonly maxInFlightPerConnection?: number;
}

/** {@linkcode ConnectionLimits} with every default applied. */
export interface CheckedConnectionLimits {
  readonly maxConnections: number;
  readonly maxConnectionsPerAddress: number;
  readonly handshakeTimeout: number;
  readonly idleTimeout: number;
  readonly packetTimeout: number;
  readonly maxInFlightPerConnection: number;
}

/**
 * Why the server closed (or refused) a connection.
 *
 * @example Usage
 * ```ts
 * import type { ConnectionCloseReason } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const slowloris: ConnectionCloseReason = "packet-timeout";
 * assert.equal(slowloris, "packet-timeout");
 * ```
 */
export type ConnectionCloseReason =
  /** The peer closed it in order (TCP FIN, TLS close_notify). */
  | "peer-closed"
  /** The peer reset it, or it failed (an error from the network or TLS). */
  | "peer-reset"
  /** The server was closing: refused when accepted, or ended after the last reply. */
  | "server-closing"
  /** `maxConnections` were open already. */
  | "too-many-connections"
  /** `maxConnectionsPerAddress` were open from the same address already. */
  | "too-many-from-address"
  /** The TLS handshake (and the client's identification) took longer than `handshakeTimeout`. */
  | "handshake-timeout"
  /** The TLS handshake failed (no common version or cipher, a bad certificate, garbage). */
  | "handshake-failed"
  /** The source address matches no client, or the client lookup failed. */
  | "unknown-client"
  /** The client is a RadSec-only entry (no `secret`) and connected over plain TCP. */
  | "no-secret"
  /** A TLS client sent no certificate (RFC 6614 §2.3: mutual authentication). */
  | "no-certificate"
  /** The client certificate does not chain to the listener's `ca` (and its client pins none). */
  | "certificate-unverified"
  /** The client certificate is not one the client's `certificate` settings allow. */
  | "certificate-not-allowed"
  /** The peer did not negotiate RADIUS/1.1 under `radius11: "require"` (RFC 9765 §3.2). */
  | "alpn-refused"
  /** A Length field out of range: the stream cannot be framed any more (RFC 6613 §2.6.4). */
  | "bad-length"
  /** A malformed packet, or one that failed authentication (RFC 6613 §2.6.4). */
  | "invalid-packet"
  /** A packet started but did not complete within `packetTimeout`. */
  | "packet-timeout"
  /** Nothing received and nothing in flight for `idleTimeout`. */
  | "idle-timeout";

/** Every {@linkcode ConnectionCloseReason}, in a stable order. */
export const CONNECTION_CLOSE_REASONS: readonly ConnectionCloseReason[] = [
  "peer-closed",
  "peer-reset",
  "server-closing",
  "too-many-connections",
  "too-many-from-address",
  "handshake-timeout",
  "handshake-failed",
  "unknown-client",
  "no-secret",
  "no-certificate",
  "certificate-unverified",
  "certificate-not-allowed",
  "alpn-refused",
  "bad-length",
  "invalid-packet",
  "packet-timeout",
  "idle-timeout",
];

/**
 * Counters of the server's TCP and TLS connections.
 *
 * @example Usage
 * ```ts
 * import { Dictionary, Server, type ConnectionStats } from "@radkit/radius";
 * import { MemoryStreams } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * const server = new Server({
 *   streams: new MemoryStreams(),
 *   dictionary: Dictionary.default(),
 *   clients: [{ address: "192.0.2.0/24", secret: "s3cret" }],
 * });
 * await server.listen({ hostname: "192.0.2.10", tcp: { port: 1812 } });
 * const connections: ConnectionStats = server.stats().connections;
 * assert.equal(connections.open, 0);
 * assert.equal(connections.closedBy["idle-timeout"], 0);
 * await server.close();
 * ```
 */
export interface ConnectionStats {
  /** Connections accepted, refused ones included. */
  readonly accepted: number;
  /** Connections open now (handshaking or identified). */
  readonly open: number;
  /** Connections closed or refused, by reason; every reason is present. */
  readonly closedBy: Readonly<Record<ConnectionCloseReason, number>>;
}

/** Connection counters of a server that has none. */
export function emptyConnectionStats(): ConnectionStats {
  return {
    accepted: 0,
    open: 0,
    closedBy: Object.fromEntries(CONNECTION_CLOSE_REASONS.map((reason) => [reason, 0])) as Record<
      ConnectionCloseReason,
      number
    >,
  };
}

/**
 * Checks {@linkcode ConnectionLimits} and applies the defaults.
 *
 * @throws {RangeError} for a count that is not a positive integer or a
 *   timeout that is not a finite number of milliseconds >= 0 (> 0 for the
 *   handshake and packet timeouts).
 */
export function checkConnectionLimits(
  limits: ConnectionLimits | undefined,
): CheckedConnectionLimits {
  if (limits !== undefined && (typeof limits !== "object" || limits === null)) {
    throw new TypeError("connections must be an object such as { maxConnections: 1024 }");
  }
  return {
    maxConnections: positive("connections.maxConnections", limits?.maxConnections) ?? 1024,
    maxConnectionsPerAddress:
      positive("connections.maxConnectionsPerAddress", limits?.maxConnectionsPerAddress) ?? 32,
    handshakeTimeout: milliseconds("handshakeTimeout", limits?.handshakeTimeout, false) ?? 10_000,
    idleTimeout: milliseconds("idleTimeout", limits?.idleTimeout, true) ?? 30_000,
    packetTimeout: milliseconds("packetTimeout", limits?.packetTimeout, false) ?? 10_000,
    maxInFlightPerConnection:
      positive("connections.maxInFlightPerConnection", limits?.maxInFlightPerConnection) ?? 256,
  };
}

function milliseconds(name: string, value: unknown, zero: boolean): number | undefined {
  if (value === undefined) return undefined;
  if (
    typeof value !== "number" || !Number.isFinite(value) || value < 0 || (!zero && value === 0) ||
    value > 2_147_483_647
  ) {
    throw new RangeError(
      `Invalid connections.${name} ${String(value)}: must be milliseconds, ${
        zero ? "0 (never)" : "1"
      } to 2147483647`,
    );
  }
  return value;
}
