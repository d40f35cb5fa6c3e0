/**
 * The server's counters. Every received datagram ends in exactly one
 * outcome: replied, resent (a retransmission answered from the duplicate
 * cache), or dropped for one reason; until then it is in flight. So
 * `received === replied + resent + dropped + inFlight` at any time.
 *
 * @module
 */
import { codeName } from "../codec/code.ts";
import type { PortName } from "../ports.ts";
import type { BufferSizes } from "../transport.ts";
import { type ConnectionStats, emptyConnectionStats } from "./connection_limits.ts";

/**
 * Why the server dropped a datagram without answering it.
 *
 * @example Usage
 * ```ts
 * import { Code, Dictionary, type DropReason, Packet, Server } from "@radkit/radius";
 * import { MemoryTransport } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * const network = new MemoryTransport();
 * const dictionary = Dictionary.default();
 * const clients = [{ address: "127.0.0.1", secret: "s3cret" }];
 * const server = new Server({ transport: network, dictionary, clients });
 * const { auth } = await server.listen({ hostname: "127.0.0.1", auth: 1812 });
 * const nas = await network.bind({ hostname: "127.0.0.1", port: 0 }, () => {});
 * await nas.send(new Uint8Array(3), auth!);
 * await nas.send(Packet.create(Code.AccountingRequest, dictionary, {}).encode("s3cret"), auth!);
 * await network.idle();
 * const reasons: DropReason[] = ["malformed", "wrong-port", "unknown-client"];
 * assert.deepEqual(reasons.map((reason) => server.stats().droppedBy[reason]), [1, 1, 0]);
 * await nas.close();
 * await server.close();
 * ```
 */
export type DropReason =
  /** The source address matches no client. */
  | "unknown-client"
  /** The client has no `secret` (it may use TLS only) and the request came over UDP. */
  | "no-secret"
  /** The client lookup function threw, rejected or returned something unusable. */
  | "client-lookup-error"
  /** Shorter than a header, a Length field out of range, or attributes that do not frame. */
  | "malformed"
  /** A code this port does not serve (e.g. Accounting-Request on the auth port, or a reply). */
  | "wrong-port"
  /** More top-level attributes than `maxAttributes` (FreeRADIUS's `max_attributes`). */
  | "too-many-attributes"
  /**
   * `maxInFlight` requests were in flight (handlers and client lookups not
   * settled): the server took no more. A retransmission is handled as usual
   * once there is room.
   */
  | "overloaded"
  /** The client had its own `maxInFlight` requests in flight (see `NasSettings`). */
  | "client-overloaded"
  /** `maxPendingLookups` calls of the `clients` function were pending: it was not called. */
  | "lookup-overloaded"
  /** A retransmission of a request still being handled (RFC 5080 §2.2.2). */
  | "duplicate-in-flight"
  /** The Request Authenticator does not verify: most likely a wrong shared secret. */
  | "bad-authenticator"
  /**
   * The Message-Authenticator does not verify (most likely a wrong shared
   * secret), or there are two (RFC 3579 §3.2 allows one).
   */
  | "bad-message-authenticator"
  /** No Message-Authenticator where one is required (BlastRADIUS; Status-Server). */
  | "missing-message-authenticator"
  /** Proxy-State without Message-Authenticator, under `limitProxyState`. */
  | "proxy-state-without-message-authenticator"
  /** An Access-Request with EAP-Message but no Message-Authenticator (RFC 3579 §3.2). */
  | "eap-without-message-authenticator"
  /** The handler threw or rejected. */
  | "handler-error"
  /** The handler returned `undefined`. */
  | "handler-dropped"
  /** An Accounting-Request, and no `handleAccountingRequest` (RFC 2866 §2: no record, no answer). */
  | "no-handler-accounting"
  /** The handler's reply could not be encoded (e.g. not built with `request.reply()`). */
  | "reply-error"
  /** The datagram arrived while the server was closing. */
  | "closing"
  /** The handler was still running when `close()` gave up waiting for it. */
  | "close-timeout";

/** Every {@linkcode DropReason}, in a stable order. */
export const DROP_REASONS: readonly DropReason[] = [
  "unknown-client",
  "no-secret",
  "client-lookup-error",
  "malformed",
  "wrong-port",
  "too-many-attributes",
  "overloaded",
  "client-overloaded",
  "lookup-overloaded",
  "duplicate-in-flight",
  "bad-authenticator",
  "bad-message-authenticator",
  "missing-message-authenticator",
  "proxy-state-without-message-authenticator",
  "eap-without-message-authenticator",
  "handler-error",
  "handler-dropped",
  "no-handler-accounting",
  "reply-error",
  "closing",
  "close-timeout",
];

/**
 * A snapshot of the server's counters.
 *
 * @example Usage
 * ```ts
 * import { Client, Code, Dictionary, Server, type ServerStats } from "@radkit/radius";
 * import { MemoryTransport } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * const network = new MemoryTransport();
 * const server = new Server({
 *   transport: network,
 *   dictionary: Dictionary.default(),
 *   clients: [{ address: "127.0.0.1", secret: "s3cret" }],
 *   handleAccessRequest: (request) => request.reply(Code.AccessAccept),
 * });
 * await server.listen({ hostname: "127.0.0.1", auth: 1812 });
 * const client = new Client({ transport: network, server: "127.0.0.1", secret: "s3cret" });
 * await client.accessRequest({ "User-Name": "bob" }).finally(() => client.close());
 * const stats: ServerStats = server.stats();
 * assert.deepEqual(stats.requests, { "Access-Request": 1 });
 * assert.deepEqual(stats.replies, { "Access-Accept": 1 });
 * assert.equal(stats.received, stats.replied + stats.resent + stats.dropped + stats.inFlight);
 * await server.close();
 * ```
 */
export interface ServerStats {
  /** Datagrams received. */
  readonly received: number;
  /** Replies sent for requests handled (not counting {@linkcode ServerStats.resent}). */
  readonly replied: number;
  /** Cached replies sent again for retransmissions of answered requests (RFC 5080). */
  readonly resent: number;
  /** Datagrams dropped, all reasons together. */
  readonly dropped: number;
  /** Datagrams received whose outcome is still pending (lookup or handler running). */
  readonly inFlight: number;
  /** Retransmissions recognised: `resent` plus those dropped as `"duplicate-in-flight"`. */
  readonly duplicates: number;
  /** Handlers that threw or rejected (also counted in `droppedBy["handler-error"]`). */
  readonly handlerErrors: number;
  /** Replies the transport failed to send (counted in `replied` or `resent` too). */
  readonly sendErrors: number;
  /** Dropped datagrams by reason; every reason is present, 0 when none. */
  readonly droppedBy: Readonly<Record<DropReason, number>>;
  /** Verified requests passed on for handling, by code name (`"Access-Request"`: 3). */
  readonly requests: Readonly<Record<string, number>>;
  /** Replies sent (fresh and resent), by code name (`"Access-Accept"`: 2). */
  readonly replies: Readonly<Record<string, number>>;
  /**
   * The socket buffer sizes the operating system granted each port, as the
   * transport reports them (Linux: twice the size set, bookkeeping
   * included); ports whose transport cannot tell are absent. Compare with
   * {@linkcode ListenOptions.receiveBufferSize} when bursts are lost.
   */
  readonly bufferSizes: Readonly<Partial<Record<PortName, BufferSizes>>>;
  /** TCP and TLS connections: accepted, open, and closed by reason. */
  readonly connections: ConnectionStats;
}

/** The mutable counters behind {@linkcode ServerStats}. */
export class Counters {
  received = 0;
  replied = 0;
  resent = 0;
  dropped = 0;
  handlerErrors = 0;
  sendErrors = 0;
  #droppedBy: Record<DropReason, number> = Object.fromEntries(
    DROP_REASONS.map((reason) => [reason, 0]),
  ) as Record<DropReason, number>;
  #requests = new Uint32Array(256);
  #replies = new Uint32Array(256);

  /** Counts a drop. */
  drop(reason: DropReason): void {
    this.dropped++;
    this.#droppedBy[reason]++;
  }

  /** Counts a request that passed verification. */
  request(code: number): void {
    this.#requests[code & 0xff]! += 1;
  }

  /** Counts a reply sent, by its code (the first byte of the datagram). */
  reply(code: number): void {
    this.#replies[code & 0xff]! += 1;
  }

  /**
   * A snapshot.
   *
   * @param bufferSizes What each port's socket was granted.
   */
  snapshot(
    bufferSizes: Partial<Record<PortName, BufferSizes>> = {},
    connections: ConnectionStats = emptyConnectionStats(),
  ): ServerStats {
    const droppedBy = { ...this.#droppedBy };
    return {
      received: this.received,
      replied: this.replied,
      resent: this.resent,
      dropped: this.dropped,
      inFlight: this.received - this.replied - this.resent - this.dropped,
      duplicates: this.resent + droppedBy["duplicate-in-flight"],
      handlerErrors: this.handlerErrors,
      sendErrors: this.sendErrors,
      droppedBy,
      requests: byName(this.#requests),
      replies: byName(this.#replies),
      bufferSizes: { ...bufferSizes },
      connections,
    };
  }
}

function byName(counts: Uint32Array): Record<string, number> {
  const out: Record<string, number> = {};
  for (let code = 0; code < counts.length; code++) {
    if (counts[code] !== 0) out[codeName(code)] = counts[code]!;
  }
  return out;
}
