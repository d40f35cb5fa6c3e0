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
  /** Sockets open now. */
  readonly sockets: number;
  /** Every server, in priority order. */
  readonly servers: readonly ServerState[];
}

type MutableDropped = { -readonly [K in keyof DroppedReplies]: number };

/** A verification failure that drops a reply (a missing Message-Authenticator rejects instead). */
export type DropFailure = Exclude<VerificationFailure, "missing-message-authenticator">;

/** The {@linkcode DroppedReplies} key of each verification failure. */
const DROP_KEYS: Readonly<Record<DropFailure, keyof DroppedReplies>> = {
  "bad-authenticator": "badAuthenticator",
  "bad-message-authenticator": "badMessageAuthenticator",
};

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
  /** Datagrams handed to the client by its sockets, whatever became of them (not in the snapshot). */
  datagrams = 0;
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
   */
  snapshot(
    inFlight: number,
    queued: number,
    sockets: number,
    servers: readonly ServerState[],
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
    };
  }
}
