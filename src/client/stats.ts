/**
 * The client's counters: every request ends in exactly one outcome (a
 * reply, an invalid reply, a timeout, an abort, or the client closing), and
 * every reply that does not end its request is dropped for one reason.
 *
 * @module
 */
import type { VerificationFailure } from "../codec/packet_codec.ts";

/**
 * Replies dropped without ending a request, by reason.
 *
 * @example Usage
 * ```ts
 * import { Client, Code, type DroppedReplies, Packet } from "@radkit/radius";
 * import { MemoryTransport } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * const network = new MemoryTransport();
 * const client = new Client({
 *   transport: network,
 *   server: "127.0.0.1",
 *   secret: "s3cret",
 *   timeout: 100,
 *   retries: 0,
 * });
 * // A server configured with another secret: its replies never verify.
 * const server = await network.bind({ hostname: "127.0.0.1", port: 1812 }, (data, from) => {
 *   const request = Packet.decode(data, { dictionary: client.dictionary });
 *   server.send(request.reply(Code.AccessAccept).encode("not the secret"), from);
 * });
 * await assert.rejects(client.accessRequest({ "User-Name": "bob" }), /1 bad-authenticator/);
 * const dropped: DroppedReplies = client.stats().dropped;
 * assert.equal(dropped.badAuthenticator, 1);
 * await client.close();
 * await server.close();
 * ```
 */
export interface DroppedReplies {
  /** Shorter than a RADIUS header, or its framing is wrong. */
  readonly malformed: number;
  /** No request waits for its Identifier (a late or duplicated reply). */
  readonly unexpected: number;
  /** It came from another address or port than the request went to. */
  readonly wrongSource: number;
  /** Its Response Authenticator does not verify (wrong secret, or forged). */
  readonly badAuthenticator: number;
  /** Its Message-Authenticator does not verify, or it has two. */
  readonly badMessageAuthenticator: number;
}

/**
 * The state of one server in {@linkcode ClientStats}.
 *
 * @example Usage
 * ```ts
 * import { Client, type ServerState } from "@radkit/radius";
 * import { MemoryTransport } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * const client = new Client({
 *   transport: new MemoryTransport(), // nobody answers
 *   servers: ["192.0.2.1", "192.0.2.2"],
 *   secret: "s3cret",
 *   timeout: 10,
 *   retries: 0,
 * });
 * await assert.rejects(client.statusServer(), { code: "ERR_TIMEOUT" });
 * const states: readonly ServerState[] = client.stats().servers;
 * assert.deepEqual(states, [{ host: "192.0.2.1", down: true }, { host: "192.0.2.2", down: true }]);
 * await client.close();
 * ```
 */
export interface ServerState {
  /** Its address. */
  readonly host: string;
  /** Whether it is marked down. */
  readonly down: boolean;
}

/**
 * Why a client's TCP or TLS connection closed.
 *
 * - `"server-closed"`: the server ended it in order (TCP FIN, TLS
 *   close_notify);
 * - `"reset"`: it broke (a reset, a TLS error);
 * - `"framing"`: the server sent a Length out of range, after which the
 *   stream cannot be read (RFC 6613 §2.6.4);
 * - `"watchdog"`: no reply to the Status-Server watchdog (RFC 3539 §3.4);
 * - `"client-closed"`: `Client.close()`.
 *
 * @example Usage
 * ```ts
 * import type { ClientConnectionCloseReason } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const reason: ClientConnectionCloseReason = "watchdog";
 * assert.equal(reason, "watchdog");
 * ```
 */
export type ClientConnectionCloseReason =
  | "server-closed"
  | "reset"
  | "framing"
  | "watchdog"
  | "client-closed";

/** Every {@linkcode ClientConnectionCloseReason}, in the order `closedBy` lists them. */
export const CLIENT_CONNECTION_CLOSE_REASONS: readonly ClientConnectionCloseReason[] = [
  "server-closed",
  "reset",
  "framing",
  "watchdog",
  "client-closed",
];

/**
 * The TCP and TLS connections of a client (all 0 over UDP).
 *
 * @example Usage
 * ```ts
 * import { Client, type ClientConnectionStats, Code, Dictionary, Server } from "@radkit/radius";
 * import { streams } from "@radkit/radius/adapters/node";
 * import assert from "node:assert/strict";
 *
 * const server = new Server({
 *   streams: streams(),
 *   dictionary: Dictionary.default(),
 *   clients: [{ address: "127.0.0.1", secret: "s3cret" }],
 * });
 * const { tcp } = await server.listen({ hostname: "127.0.0.1", tcp: { port: 0 } });
 * const client = new Client({ streams: streams(), server: `127.0.0.1:${tcp!.port}`, secret: "s3cret" });
 * await client.statusServer();
 * const connections: ClientConnectionStats = client.stats().connections;
 * assert.deepEqual([connections.open, connections.opened, connections.failed], [1, 1, 0]);
 * await client.close();
 * assert.equal(client.stats().connections.closedBy["client-closed"], 1);
 * await server.close();
 * ```
 */
export interface ClientConnectionStats {
  /** Connections open now. */
  readonly open: number;
  /** Connections opened: connected and, over TLS, the server's certificate accepted. */
  readonly opened: number;
  /**
   * Attempts that failed: refused, unreachable, timed out, a TLS handshake
   * that failed or a server certificate refused, or a connection the
   * server closed before it answered anything while requests waited.
   */
  readonly failed: number;
  /** Connections opened to a server and port that had one before. */
  readonly reconnects: number;
  /**
   * Requests sent again on a new connection because theirs closed before
   * their reply (RFC 6613 §2.6.1: the only retransmission over TCP and
   * TLS; also counted in `retransmitted`).
   */
  readonly resent: number;
  /** Status-Server watchdog probes sent (not counted in `requests` or `sent`). */
  readonly watchdogs: number;
  /** Connections closed, by why. */
  readonly closedBy: Readonly<Record<ClientConnectionCloseReason, number>>;
}

/**
 * Counters since the client was created (see `Client.stats`).
 *
 * @example Usage
 * ```ts
 * import { Client, type ClientStats, Code, Dictionary, Server } from "@radkit/radius";
 * import { MemoryTransport } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * const network = new MemoryTransport();
 * const server = new Server({
 *   transport: network,
 *   dictionary: Dictionary.default(),
 *   clients: [{ address: "127.0.0.1", secret: "s3cret" }],
 * });
 * await server.listen({ hostname: "127.0.0.1", auth: 1812 });
 * const client = new Client({ transport: network, server: "127.0.0.1", secret: "s3cret" });
 * await client.accessRequest({ "User-Name": "bob" });
 * const stats: ClientStats = client.stats();
 * assert.deepEqual([stats.requests, stats.sent, stats.replies, stats.inFlight], [1, 1, 1, 0]);
 * assert.equal(stats.sockets, 1);
 * await client.close();
 * await server.close();
 * ```
 */
export interface ClientStats {
  /** Requests made, Status-Server probes included (queued ones too). */
  readonly requests: number;
  /** Datagrams sent, retransmissions included. */
  readonly sent: number;
  /** Of those, retransmissions (to the same server or, after failover, another). */
  readonly retransmitted: number;
  /** Verified replies that completed a request. */
  readonly replies: number;
  /** Replies dropped while their request kept waiting. */
  readonly dropped: DroppedReplies;
  /**
   * Replies whose Response Authenticator verified but that rejected their
   * request: with a `ResponseVerificationError` (a code that does not
   * answer it, attributes that do not decode) or a
   * `MissingMessageAuthenticatorError`.
   */
  readonly invalidReplies: number;
  /** Requests that rejected with a `RequestTimeoutError`. */
  readonly timeouts: number;
  /** Requests cancelled by their `AbortSignal`. */
  readonly aborted: number;
  /** Times a request moved on to the next server. */
  readonly failovers: number;
  /** Sends the transport refused (the request kept its timer, as for a lost datagram). */
  readonly sendErrors: number;
  /** Requests sent and waiting for a reply now. */
  readonly inFlight: number;
  /** Requests waiting in the `maxInFlight` queue now, not sent yet. */
  readonly queued: number;
  /** UDP sockets open now; over TCP and TLS, connections open now. */
  readonly sockets: number;
  /** Every server, in priority order. */
  readonly servers: readonly ServerState[];
  /** The TCP and TLS connections (all 0 over UDP). */
  readonly connections: ClientConnectionStats;
}

type MutableDropped = { -readonly [K in keyof DroppedReplies]: number };

/** A verification failure that drops a reply (a missing Message-Authenticator rejects instead). */
export type DropFailure = Exclude<VerificationFailure, "missing-message-authenticator">;

/** The {@linkcode DroppedReplies} key of each verification failure. */
const DROP_KEYS: Readonly<Record<DropFailure, keyof DroppedReplies>> = {
  "bad-authenticator": "badAuthenticator",
  "bad-message-authenticator": "badMessageAuthenticator",
};

/** The mutable counters behind {@linkcode ClientConnectionStats}. */
export class ConnectionCounters {
  opened = 0;
  failed = 0;
  reconnects = 0;
  resent = 0;
  watchdogs = 0;
  readonly closedBy: Record<ClientConnectionCloseReason, number> = Object.fromEntries(
    CLIENT_CONNECTION_CLOSE_REASONS.map((reason) => [reason, 0]),
  ) as Record<ClientConnectionCloseReason, number>;

  /**
   * A snapshot.
   *
   * @param open Connections open now.
   */
  snapshot(open: number): ClientConnectionStats {
    return {
      open,
      opened: this.opened,
      failed: this.failed,
      reconnects: this.reconnects,
      resent: this.resent,
      watchdogs: this.watchdogs,
      closedBy: { ...this.closedBy },
    };
  }
}

/** The mutable counters behind {@linkcode ClientStats}. */
export class ClientCounters {
  requests = 0;
  sent = 0;
  retransmitted = 0;
  replies = 0;
  invalidReplies = 0;
  timeouts = 0;
  aborted = 0;
  failovers = 0;
  sendErrors = 0;
  /**
   * Datagrams handed to the client by its sockets, or packets by its
   * connections, whatever became of them (not in the snapshot).
   */
  datagrams = 0;
  readonly connections: ConnectionCounters = new ConnectionCounters();
  readonly #dropped: MutableDropped = {
    malformed: 0,
    unexpected: 0,
    wrongSource: 0,
    badAuthenticator: 0,
    badMessageAuthenticator: 0,
  };

  /** Counts a dropped reply. */
  drop(reason: keyof DroppedReplies): void {
    this.#dropped[reason]++;
  }

  /** Counts a reply dropped because it failed verification. */
  dropUnverified(failure: DropFailure): void {
    this.#dropped[DROP_KEYS[failure]]++;
  }

  /**
   * A snapshot, with the gauges the counters do not hold.
   *
   * @param inFlight Requests waiting for a reply now.
   * @param queued Requests waiting to be sent now.
   * @param sockets Sockets open now.
   * @param servers Every server's state, in priority order.
   * @param connections TCP and TLS connections open now.
   */
  snapshot(
    inFlight: number,
    queued: number,
    sockets: number,
    servers: readonly ServerState[],
    connections: number,
  ): ClientStats {
    return {
      requests: this.requests,
      sent: this.sent,
      retransmitted: this.retransmitted,
      replies: this.replies,
      dropped: { ...this.#dropped },
      invalidReplies: this.invalidReplies,
      timeouts: this.timeouts,
      aborted: this.aborted,
      failovers: this.failovers,
      sendErrors: this.sendErrors,
      inFlight,
      queued,
      sockets,
      servers,
      connections: this.connections.snapshot(connections),
    };
  }
}
