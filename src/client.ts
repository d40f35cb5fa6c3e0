/**
 * The RADIUS client: sends Access, Accounting, CoA, Disconnect and
 * Status-Server requests over any {@linkcode DatagramTransport}, retransmits
 * them per RFC 5080 §2.2.1, fails over between servers, and resolves with the
 * reply only once it verifies.
 *
 * @module
 */
import type { DictionaryView } from "./codec/attribute.ts";
import { Code, codeName } from "./codec/code.ts";
import type { AnyAttributes } from "./attribute_map.ts";
import { checkResponse, type VerificationFailure } from "./codec/packet_codec.ts";
import { randomBytes } from "./crypto/random.ts";
import { Dictionary } from "./dictionary/dictionary.ts";
import { type AttributesInit, decodeOwnedDatagram, Packet, type Secret } from "./packet.ts";
import type { Address, AddressFamily, DatagramSocket, DatagramTransport } from "./transport.ts";
import { ClientClosedError, ResponseVerificationError, TimeoutError } from "./client/errors.ts";
import { IdAllocator } from "./client/id_allocator.ts";
import { DEFAULT_RETRY, type RetryOptions, RetrySchedule } from "./client/retry_policy.ts";
import {
  canonicalHost,
  DEFAULT_PORTS,
  formatEndpoint,
  type PortKind,
  type ServerEntry,
  serverEntry,
  ServerPool,
  type ServerPorts,
} from "./client/server_pool.ts";

export { ClientClosedError, ResponseVerificationError, TimeoutError } from "./client/errors.ts";
export type { TimeoutAttempt } from "./client/errors.ts";
export type { PortKind, ServerPorts } from "./client/server_pool.ts";

/**
 * One RADIUS server, when it differs from the client-wide settings.
 *
 * @example Usage
 * ```ts
 * import { Client, Code, Dictionary, type RemoteServer, Server } from "@radkit/radius";
 * import { MemoryTransport } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * const primary: RemoteServer = { host: "192.0.2.1", secret: "its own secret" }; // down
 * const backup: RemoteServer = { host: "127.0.0.1", ports: { auth: 11812 } };
 * const network = new MemoryTransport();
 * const server = new Server({
 *   transport: network,
 *   dictionary: Dictionary.default(),
 *   clients: [{ address: "127.0.0.1", secret: "s3cret" }],
 * });
 * await server.listen({ hostname: "127.0.0.1", auth: 11812 });
 * const options = { transport: network, secret: "s3cret", timeout: 100, retries: 0 };
 * const client = new Client({ ...options, servers: [primary, backup] });
 * const reply = await client.accessRequest({ "User-Name": "bob" });
 * assert.equal(reply.code, Code.AccessReject);
 * assert.equal(client.stats().failovers, 1);
 * await client.close();
 * await server.close();
 * ```
 */
export interface RemoteServer {
  /** Its IP address: `"192.0.2.1"` or `"2001:db8::1"` (host names are not resolved). */
  host: string;
  /** Its ports; those left out come from `ClientOptions.ports`. */
  ports?: Partial<ServerPorts>;
  /** Its shared secret; `ClientOptions.secret` when left out. */
  secret?: Secret;
}

/**
 * Retransmission limits beyond the first timeout and the retry count
 * (RFC 5080 §2.2.1 MRT, MRD and RAND).
 *
 * @example Usage
 * ```ts
 * import { type BackoffOptions, Client } from "@radkit/radius";
 * import { MemoryTransport } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * // Waits of 10, 20, 40, 40, … ms, but no more than 100 ms in all.
 * const backoff: BackoffOptions = { maxTimeout: 40, maxDuration: 100, jitter: 0 };
 * const client = new Client({
 *   transport: new MemoryTransport(), // nobody answers
 *   server: "192.0.2.1",
 *   secret: "s3cret",
 *   timeout: 10,
 *   retries: 100,
 *   backoff,
 * });
 * await assert.rejects(client.statusServer(), { code: "ERR_TIMEOUT" });
 * assert.ok(client.stats().sent <= 5); // MRD ended it long before 100 retries
 * await client.close();
 * ```
 */
export interface BackoffOptions {
  /** MRT: the longest wait between two transmissions, in ms; default 16000, 0 for no cap. */
  maxTimeout?: number;
  /** MRD: how long one server is tried in all, in ms; default 30000, 0 for no limit. */
  maxDuration?: number;
  /** RAND: every wait is randomised by up to ± this fraction; default 0.1. */
  jitter?: number;
}

/**
 * How to build a {@linkcode Client}.
 *
 * @example Usage
 * ```ts
 * import { Client, type ClientOptions, Dictionary } from "@radkit/radius";
 * import { MemoryTransport } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * const options: ClientOptions = {
 *   transport: new MemoryTransport(),
 *   server: "127.0.0.1",
 *   secret: "s3cret",
 *   timeout: 1000,
 *   retries: 3,
 * };
 * const client = new Client(options);
 * assert.equal(client.dictionary, Dictionary.default());
 * assert.deepEqual(client.stats().servers, [{ host: "127.0.0.1", down: false }]);
 * assert.throws(() => new Client({ ...options, servers: ["127.0.0.2"] }), TypeError);
 * await client.close();
 * ```
 */
export interface ClientOptions {
  /** The datagram transport: `udp()` from `@radkit/radius/adapters/deno`, `/bun` or `/node`. */
  transport: DatagramTransport;
  /** The server, as an IP address or with its own ports and secret. Give this or `servers`. */
  server?: string | RemoteServer;
  /**
   * Several servers in priority order: a request goes to the first one up;
   * a server that does not answer is marked down for `deadTime` and the
   * request moves on to the next.
   */
  servers?: readonly (string | RemoteServer)[];
  /** The shared secret (RFC 2865 §3). */
  secret: Secret;
  /** The dictionary naming the attributes; the bundled RFC dictionaries by default. */
  dictionary?: DictionaryView;
  /** IRT: how long to wait for a reply to the first transmission, in ms; default 2000. Later waits double. */
  timeout?: number;
  /** MRC: how many times a request is retransmitted to one server; default 5. */
  retries?: number;
  /** MRT, MRD and jitter; RFC 5080 §2.2.1 values by default. */
  backoff?: BackoffOptions;
  /** The servers' ports; default auth 1812, acct 1813, coa 3799. */
  ports?: Partial<ServerPorts>;
  /**
   * Drop replies to Access-Request and Status-Server that carry no
   * Message-Authenticator (the BlastRADIUS defence, CVE-2024-3596). Default
   * `true`; set `false` only for servers that cannot send one (FreeRADIUS
   * before 3.2.5, for example). A Message-Authenticator that is present is
   * verified either way.
   */
  requireMessageAuthenticator?: boolean;
  /** How long a server that timed out is skipped, in ms; default 30000 (one MRD). */
  deadTime?: number;
  /**
   * While a server is down, send it a Status-Server (RFC 5997) every this
   * many ms; an answer brings it back before its dead time ends. Default 0:
   * no probing.
   */
  probeInterval?: number;
  /** The local addresses to bind; default `"0.0.0.0"` and `"::"`. */
  localAddress?: { ipv4?: string; ipv6?: string };
  /**
   * The most sockets per address family; each gives 256 Identifiers, so
   * this bounds the requests in flight (further ones wait). Default 256.
   */
  maxSockets?: number;
}

/**
 * Options of one request.
 *
 * @example Usage
 * ```ts
 * import { Client, type RequestOptions } from "@radkit/radius";
 * import { MemoryTransport } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * const client = new Client({
 *   transport: new MemoryTransport({ loss: 1 }),
 *   server: "127.0.0.1",
 *   secret: "s3cret",
 * });
 * const options: RequestOptions = { signal: AbortSignal.timeout(20) };
 * await assert.rejects(
 *   client.accessRequest({ "User-Name": "bob" }, options),
 *   (error) => error instanceof DOMException && error.name === "TimeoutError",
 * );
 * assert.equal(client.stats().aborted, 1);
 * await client.close();
 * ```
 */
export interface RequestOptions {
  /**
   * Cancels the request: it rejects with `signal.reason` (a `DOMException`
   * named `"AbortError"` unless the caller gave another reason), stops
   * retransmitting and frees its Identifier.
   */
  signal?: AbortSignal;
}

/**
 * Options of {@linkcode Client.send}.
 *
 * @example Usage
 * ```ts
 * import { Client, Code, Packet, type SendOptions } from "@radkit/radius";
 * import { MemoryTransport } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * const client = new Client({ transport: new MemoryTransport(), server: "::1", secret: "s" });
 * const controller = new AbortController();
 * const options: SendOptions = { port: "acct", signal: controller.signal };
 * const reply = client.send(Packet.create(Code.StatusServer, client.dictionary, {}), options);
 * controller.abort(new Error("shutting down"));
 * await assert.rejects(reply, /shutting down/);
 * await client.close();
 * ```
 */
export interface SendOptions extends RequestOptions {
  /** The server port to send to; by default from the packet code (auth, acct or coa). */
  port?: PortKind;
}

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
  /** Its Message-Authenticator does not verify. */
  readonly badMessageAuthenticator: number;
  /** It has no Message-Authenticator though `requireMessageAuthenticator` asks for one. */
  readonly missingMessageAuthenticator: number;
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
 * Counters since the client was created (see {@linkcode Client.stats}).
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
  /** Requests started, Status-Server probes included. */
  readonly requests: number;
  /** Datagrams sent, retransmissions included. */
  readonly sent: number;
  /** Of those, retransmissions (to the same server or, after failover, another). */
  readonly retransmitted: number;
  /** Verified replies that completed a request. */
  readonly replies: number;
  /** Replies dropped while their request kept waiting. */
  readonly dropped: DroppedReplies;
  /** Verified replies that rejected their request with a {@linkcode ResponseVerificationError}. */
  readonly invalidReplies: number;
  /** Requests that rejected with a {@linkcode TimeoutError}. */
  readonly timeouts: number;
  /** Requests cancelled by their `AbortSignal`. */
  readonly aborted: number;
  /** Times a request moved on to the next server. */
  readonly failovers: number;
  /** Sends the transport refused (the request kept its timer, as for a lost datagram). */
  readonly sendErrors: number;
  /** Requests waiting for a reply now. */
  readonly inFlight: number;
  /** Sockets open now. */
  readonly sockets: number;
  /** Every server, in priority order. */
  readonly servers: readonly ServerState[];
}

interface Channel {
  readonly socket: DatagramSocket;
  readonly family: AddressFamily;
  readonly ids: IdAllocator;
  readonly pending: (Transmission | undefined)[];
}

interface Slot {
  readonly channel: Channel;
  readonly id: number;
}

interface Waiter {
  resolve(slot: Slot): void;
  reject(error: unknown): void;
}

interface Transmission {
  readonly exchange: Exchange;
  readonly channel: Channel;
  readonly id: number;
  readonly authenticator: Uint8Array;
  readonly server: ServerEntry;
  readonly port: number;
}

interface Attempt {
  readonly server: string;
  transmissions: number;
}

/** One request, from its first transmission to its reply, error or cancellation. */
class Exchange {
  readonly packet: Packet;
  readonly kind: PortKind;
  readonly servers: readonly ServerEntry[];
  readonly probe: boolean;
  readonly resolve: (reply: Packet) => void;
  readonly reject: (error: unknown) => void;
  readonly transmissions: Transmission[] = [];
  readonly attempts: Attempt[] = [];
  readonly dropped: Record<string, number> = {};
  index = -1;
  schedule: RetrySchedule | undefined;
  serverStart = 0;
  firstSent = 0;
  /** Acct-Delay-Time as last sent (RFC 2866 §5.2). */
  delay = 0;
  baseDelay = 0;
  sent = 0;
  current: Transmission | undefined;
  bytes: Uint8Array | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
  settled = false;
  lastError: unknown;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;

  constructor(
    packet: Packet,
    kind: PortKind,
    servers: readonly ServerEntry[],
    probe: boolean,
    resolve: (reply: Packet) => void,
    reject: (error: unknown) => void,
  ) {
    this.packet = packet;
    this.kind = kind;
    this.servers = servers;
    this.probe = probe;
    this.resolve = resolve;
    this.reject = reject;
  }
}

/** The reply codes that answer each request code (RFC 2865 §4, 2866 §4, 5176 §2, 5997 §3, 7930 §4). */
const ANSWERS: ReadonlyMap<number, ReadonlySet<number>> = new Map<number, ReadonlySet<number>>([
  [
    Code.AccessRequest,
    new Set<number>([
      Code.AccessAccept,
      Code.AccessReject,
      Code.AccessChallenge,
      Code.ProtocolError,
    ]),
  ],
  [Code.AccountingRequest, new Set<number>([Code.AccountingResponse, Code.ProtocolError])],
  [
    Code.StatusServer,
    new Set<number>([Code.AccessAccept, Code.AccountingResponse, Code.ProtocolError]),
  ],
  [Code.CoARequest, new Set<number>([Code.CoAACK, Code.CoANAK, Code.ProtocolError])],
  [
    Code.DisconnectRequest,
    new Set<number>([Code.DisconnectACK, Code.DisconnectNAK, Code.ProtocolError]),
  ],
]);

const DROP_KEYS: Readonly<Record<VerificationFailure, keyof DroppedReplies>> = {
  "bad-authenticator": "badAuthenticator",
  "bad-message-authenticator": "badMessageAuthenticator",
  "missing-message-authenticator": "missingMessageAuthenticator",
};

function portKindOf(code: number): PortKind {
  if (code === Code.AccountingRequest) return "acct";
  if (code === Code.CoARequest || code === Code.DisconnectRequest) return "coa";
  return "auth";
}

function milliseconds(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(typeof value === "number" && value >= 0 && Number.isFinite(value))) {
    throw new RangeError(`Invalid ${name} ${value}: must be a finite number of milliseconds >= 0`);
  }
  return value;
}

function count(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!(Number.isInteger(value) && value >= min)) {
    throw new RangeError(`Invalid ${name} ${value}: must be an integer >= ${min}`);
  }
  return value;
}

function resolvePorts(ports: Partial<ServerPorts> | undefined, base: ServerPorts): ServerPorts {
  const out = { ...base, ...ports };
  for (const [kind, port] of Object.entries(out)) {
    if (!(Number.isInteger(port) && port > 0 && port <= 65535)) {
      throw new RangeError(`Invalid ${kind} port ${port}: must be an integer 1..65535`);
    }
  }
  return out;
}

type MutableDropped = { -readonly [K in keyof DroppedReplies]: number };

/**
 * A RADIUS client. Any number of requests may be in flight: each socket
 * gives 256 Identifiers and more sockets open as needed. A request is
 * retransmitted per RFC 5080 §2.2.1 (same Identifier and authenticator;
 * Accounting-Requests get an updated Acct-Delay-Time and so a new
 * Identifier, RFC 2866 §5.2), moves on to the next server when one does not
 * answer, and resolves with the first reply that verifies. Replies that do
 * not verify are dropped and counted (see {@linkcode Client.stats}).
 *
 * @example Usage
 * ```ts
 * import { Client, Code, Packet } from "@radkit/radius";
 * import { MemoryTransport } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * // A tiny server on an in-memory network; use udp() from an adapter for real.
 * const network = new MemoryTransport();
 * const client = new Client({ transport: network, server: "127.0.0.1", secret: "s3cret" });
 * const server = await network.bind({ hostname: "127.0.0.1", port: 1812 }, (data, from) => {
 *   const request = Packet.decode(data, { dictionary: client.dictionary, secret: "s3cret" });
 *   const ok = request.get("User-Password") === "hello";
 *   server.send(request.reply(ok ? Code.AccessAccept : Code.AccessReject).encode("s3cret"), from);
 * });
 * try {
 *   const reply = await client.accessRequest({ "User-Name": "bob", "User-Password": "hello" });
 *   assert.equal(reply.code, Code.AccessAccept);
 * } finally {
 *   await client.close();
 *   await server.close();
 * }
 * ```
 */
export class Client {
  readonly #transport: DatagramTransport;
  readonly #dictionary: DictionaryView<AnyAttributes>;
  readonly #pool: ServerPool;
  readonly #retry: RetryOptions;
  readonly #requireMessageAuthenticator: boolean;
  readonly #probeInterval: number;
  readonly #local: Readonly<Record<AddressFamily, string>>;
  readonly #maxSockets: number;
  readonly #channels: Record<AddressFamily, Channel[]> = { IPv4: [], IPv6: [] };
  readonly #binding: Map<AddressFamily, Promise<void>> = new Map();
  readonly #waiters: Record<AddressFamily, Waiter[]> = { IPv4: [], IPv6: [] };
  readonly #active: Set<Exchange> = new Set();
  readonly #probes: Map<ServerEntry, ReturnType<typeof setTimeout>> = new Map();
  #closed = false;
  #closing: Promise<void> | undefined;
  #requests = 0;
  #sent = 0;
  #retransmitted = 0;
  #replies = 0;
  #invalidReplies = 0;
  #timeouts = 0;
  #aborted = 0;
  #failovers = 0;
  #sendErrors = 0;
  readonly #dropped: MutableDropped = {
    malformed: 0,
    unexpected: 0,
    wrongSource: 0,
    badAuthenticator: 0,
    badMessageAuthenticator: 0,
    missingMessageAuthenticator: 0,
  };

  /**
   * Creates a client. No socket is opened until the first request.
   *
   * @param options The transport, server(s), secret and retransmission settings.
   * @throws {TypeError} without a server, with both `server` and `servers`,
   * or for a server that is not an IP address.
   * @throws {RangeError} for an out-of-range timeout, count or port.
   */
  constructor(options: ClientOptions) {
    const { transport, server, servers, secret } = options;
    if ((server === undefined) === (servers === undefined)) {
      throw new TypeError("Give the client either a server or a list of servers");
    }
    const list = server !== undefined ? [server] : servers!;
    if (list.length === 0) throw new TypeError("Give the client at least one server");
    const ports = resolvePorts(options.ports, DEFAULT_PORTS);
    const entries = list.map((item) => {
      const spec = typeof item === "string" ? { host: item } : item;
      return serverEntry(spec.host, resolvePorts(spec.ports, ports), spec.secret ?? secret);
    });
    const backoff = options.backoff ?? {};
    const jitter = backoff.jitter ?? DEFAULT_RETRY.jitter;
    if (!(jitter >= 0 && jitter <= 1)) {
      throw new RangeError(`Invalid jitter ${jitter}: must be a fraction 0..1`);
    }
    this.#transport = transport;
    this.#dictionary = (options.dictionary ?? Dictionary.default()) as DictionaryView<
      AnyAttributes
    >;
    this.#retry = {
      initialTimeout: milliseconds("timeout", options.timeout, DEFAULT_RETRY.initialTimeout),
      maxRetransmissions: count("retries", options.retries, DEFAULT_RETRY.maxRetransmissions, 0),
      maxTimeout: milliseconds("maxTimeout", backoff.maxTimeout, DEFAULT_RETRY.maxTimeout),
      maxDuration: milliseconds("maxDuration", backoff.maxDuration, DEFAULT_RETRY.maxDuration),
      jitter,
    };
    if (this.#retry.initialTimeout === 0) throw new RangeError("Invalid timeout 0: must be > 0");
    this.#pool = new ServerPool(entries, milliseconds("deadTime", options.deadTime, 30000));
    this.#requireMessageAuthenticator = options.requireMessageAuthenticator ?? true;
    this.#probeInterval = milliseconds("probeInterval", options.probeInterval, 0);
    this.#local = {
      IPv4: options.localAddress?.ipv4 ?? "0.0.0.0",
      IPv6: options.localAddress?.ipv6 ?? "::",
    };
    this.#maxSockets = count("maxSockets", options.maxSockets, 256, 1);
  }

  /** The dictionary requests are built with and replies decoded with. */
  get dictionary(): DictionaryView<AnyAttributes> {
    return this.#dictionary;
  }

  /**
   * Sends an Access-Request (RFC 2865 §4.1) to the auth port. A
   * Message-Authenticator is added first; User-Password is hidden.
   *
   * @param attributes The request's attributes.
   * @param options An `AbortSignal`.
   * @returns The verified Access-Accept, Access-Reject or Access-Challenge.
   * @throws {TimeoutError} when no server answers.
   *
   * @example Usage
   * ```ts
   * import { Client, Code } from "@radkit/radius";
   * import { udp } from "@radkit/radius/adapters/node";
   * import assert from "node:assert/strict";
   *
   * const client = new Client({
   *   transport: udp(),
   *   server: "127.0.0.1",
   *   ports: { auth: 9 }, // discard: nobody answers
   *   secret: "testing123",
   *   timeout: 50,
   *   retries: 1,
   * });
   * try {
   *   await assert.rejects(
   *     client.accessRequest({ "User-Name": "bob", "User-Password": "hello" }),
   *     { code: "ERR_TIMEOUT", message: /after 2 transmissions to 127\.0\.0\.1:9/ },
   *   );
   * } finally {
   *   await client.close();
   * }
   * ```
   */
  accessRequest(attributes: AttributesInit, options?: RequestOptions): Promise<Packet> {
    return this.send(Packet.create(Code.AccessRequest, this.#dictionary, attributes), options);
  }

  /**
   * Sends an Accounting-Request (RFC 2866 §4.1) to the acct port.
   * Retransmissions after a second or more carry an updated Acct-Delay-Time
   * and therefore a new Identifier and authenticator (RFC 2866 §5.2).
   *
   * @param attributes The request's attributes, such as Acct-Status-Type.
   * @param options An `AbortSignal`.
   * @returns The verified Accounting-Response.
   * @throws {TimeoutError} when no server answers.
   *
   * @example Usage
   * ```ts
   * import { Client, Code, Packet } from "@radkit/radius";
   * import { MemoryTransport } from "@radkit/radius/testing";
   * import assert from "node:assert/strict";
   *
   * const network = new MemoryTransport();
   * const client = new Client({ transport: network, server: "127.0.0.1", secret: "s3cret" });
   * const server = await network.bind({ hostname: "127.0.0.1", port: 1813 }, (data, from) => {
   *   const request = Packet.decode(data, { dictionary: client.dictionary, secret: "s3cret" });
   *   server.send(request.reply(Code.AccountingResponse).encode("s3cret"), from);
   * });
   * try {
   *   const reply = await client.accountingRequest({
   *     "User-Name": "bob",
   *     "Acct-Status-Type": "Start",
   *     "Acct-Session-Id": "1",
   *   });
   *   assert.equal(reply.codeName, "Accounting-Response");
   * } finally {
   *   await client.close();
   *   await server.close();
   * }
   * ```
   */
  accountingRequest(attributes: AttributesInit, options?: RequestOptions): Promise<Packet> {
    return this.send(Packet.create(Code.AccountingRequest, this.#dictionary, attributes), options);
  }

  /**
   * Sends a CoA-Request (RFC 5176 §2.2) to the coa port.
   *
   * @param attributes The session identification and the changes.
   * @param options An `AbortSignal`.
   * @returns The verified CoA-ACK or CoA-NAK.
   * @throws {TimeoutError} when no server answers.
   *
   * @example Usage
   * ```ts
   * import { Client, Code, Packet } from "@radkit/radius";
   * import { MemoryTransport } from "@radkit/radius/testing";
   * import assert from "node:assert/strict";
   *
   * const network = new MemoryTransport();
   * const client = new Client({ transport: network, server: "127.0.0.1", secret: "s3cret" });
   * const nas = await network.bind({ hostname: "127.0.0.1", port: 3799 }, (data, from) => {
   *   const request = Packet.decode(data, { dictionary: client.dictionary, secret: "s3cret" });
   *   nas.send(request.reply(Code.CoAACK).encode("s3cret"), from);
   * });
   * try {
   *   const reply = await client.coaRequest({ "User-Name": "bob", "Session-Timeout": 60 });
   *   assert.equal(reply.code, Code.CoAACK);
   * } finally {
   *   await client.close();
   *   await nas.close();
   * }
   * ```
   */
  coaRequest(attributes: AttributesInit, options?: RequestOptions): Promise<Packet> {
    return this.send(Packet.create(Code.CoARequest, this.#dictionary, attributes), options);
  }

  /**
   * Sends a Disconnect-Request (RFC 5176 §2.1) to the coa port.
   *
   * @param attributes The session identification.
   * @param options An `AbortSignal`.
   * @returns The verified Disconnect-ACK or Disconnect-NAK.
   * @throws {TimeoutError} when no server answers.
   *
   * @example Usage
   * ```ts
   * import { Client, Code, Packet } from "@radkit/radius";
   * import { MemoryTransport } from "@radkit/radius/testing";
   * import assert from "node:assert/strict";
   *
   * const network = new MemoryTransport();
   * const client = new Client({ transport: network, server: "127.0.0.1", secret: "s3cret" });
   * const nas = await network.bind({ hostname: "127.0.0.1", port: 3799 }, (data, from) => {
   *   const request = Packet.decode(data, { dictionary: client.dictionary, secret: "s3cret" });
   *   nas.send(request.reply(Code.DisconnectNAK, { "Error-Cause": 503 }).encode("s3cret"), from);
   * });
   * try {
   *   const reply = await client.disconnectRequest({ "User-Name": "bob" });
   *   assert.equal(reply.codeName, "Disconnect-NAK");
   * } finally {
   *   await client.close();
   *   await nas.close();
   * }
   * ```
   */
  disconnectRequest(attributes: AttributesInit, options?: RequestOptions): Promise<Packet> {
    return this.send(Packet.create(Code.DisconnectRequest, this.#dictionary, attributes), options);
  }

  /**
   * Sends a Status-Server (RFC 5997) to the auth port, or to the acct port
   * with `{ port: "acct" }`. Each retransmission is a new packet (new
   * Identifier and authenticator), as RFC 5997 asks.
   *
   * @param options An `AbortSignal` and the port.
   * @returns The verified reply: Access-Accept from an auth port,
   * Accounting-Response from an acct port.
   * @throws {TimeoutError} when no server answers.
   *
   * @example Usage
   * ```ts
   * import { Client, Code, Packet } from "@radkit/radius";
   * import { MemoryTransport } from "@radkit/radius/testing";
   * import assert from "node:assert/strict";
   *
   * const network = new MemoryTransport();
   * const client = new Client({ transport: network, server: "::1", secret: "s3cret" });
   * const server = await network.bind({ hostname: "::1", port: 1812 }, (data, from) => {
   *   const request = Packet.decode(data, { dictionary: client.dictionary, secret: "s3cret" });
   *   server.send(request.reply(Code.AccessAccept).encode("s3cret"), from);
   * });
   * try {
   *   assert.equal((await client.statusServer()).code, Code.AccessAccept);
   * } finally {
   *   await client.close();
   *   await server.close();
   * }
   * ```
   */
  statusServer(options: RequestOptions & { port?: "auth" | "acct" } = {}): Promise<Packet> {
    return this.send(Packet.create(Code.StatusServer, this.#dictionary, {}), options);
  }

  /**
   * Sends any request packet and waits for its verified reply. The client
   * sets the packet's Identifier (and, for Accounting, CoA and Disconnect,
   * its authenticator) on each transmission, so the packet must not be sent
   * twice at once. The reply's `request` is this packet as last answered.
   *
   * @param packet The request, e.g. from `Packet.create` with CHAP added.
   * @param options An `AbortSignal`, and the port to override the one the code implies.
   * @returns The verified reply.
   * @throws {TimeoutError} when no server answers in time.
   * @throws {ResponseVerificationError} for a verified reply that does not
   * answer the request (wrong code) or does not decode.
   * @throws {ClientClosedError} when the client is or gets closed.
   * @throws The signal's `reason` when the signal aborts.
   *
   * @example Usage
   * ```ts
   * import { addChapPassword, Client, Code, Packet } from "@radkit/radius";
   * import { MemoryTransport } from "@radkit/radius/testing";
   * import assert from "node:assert/strict";
   *
   * const network = new MemoryTransport({ loss: 1 }); // every datagram lost
   * const client = new Client({ transport: network, server: "127.0.0.1", secret: "s3cret" });
   * try {
   *   const request = Packet.create(Code.AccessRequest, client.dictionary, { "User-Name": "bob" });
   *   addChapPassword(request, "hello");
   *   const controller = new AbortController();
   *   const reply = client.send(request, { signal: controller.signal });
   *   controller.abort();
   *   await assert.rejects(reply, { name: "AbortError" });
   * } finally {
   *   await client.close();
   * }
   * ```
   */
  send(packet: Packet, options: SendOptions = {}): Promise<Packet> {
    if (this.#closed) return Promise.reject(new ClientClosedError());
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return this.#exchange(
      packet,
      options.port ?? portKindOf(packet.code),
      this.#pool.order(Date.now()),
      false,
      signal,
    );
  }

  /**
   * The counters so far, as a snapshot.
   *
   * @returns Requests, datagrams, replies, drops by reason, timeouts and more.
   *
   * @example Usage
   * ```ts
   * import { Client } from "@radkit/radius";
   * import { MemoryTransport } from "@radkit/radius/testing";
   * import assert from "node:assert/strict";
   *
   * const client = new Client({
   *   transport: new MemoryTransport(),
   *   server: "127.0.0.1",
   *   secret: "s3cret",
   *   timeout: 10,
   *   retries: 2,
   * });
   * try {
   *   await assert.rejects(client.statusServer(), { code: "ERR_TIMEOUT" });
   *   const stats = client.stats();
   *   assert.equal(stats.sent, 3);
   *   assert.equal(stats.retransmitted, 2);
   *   assert.equal(stats.timeouts, 1);
   * } finally {
   *   await client.close();
   * }
   * ```
   */
  stats(): ClientStats {
    const now = Date.now();
    return {
      requests: this.#requests,
      sent: this.#sent,
      retransmitted: this.#retransmitted,
      replies: this.#replies,
      dropped: { ...this.#dropped },
      invalidReplies: this.#invalidReplies,
      timeouts: this.#timeouts,
      aborted: this.#aborted,
      failovers: this.#failovers,
      sendErrors: this.#sendErrors,
      inFlight: this.#active.size,
      sockets: this.#channels.IPv4.length + this.#channels.IPv6.length,
      servers: this.#pool.servers.map((server) => ({
        host: server.host,
        down: this.#pool.isDown(server, now),
      })),
    };
  }

  /**
   * Closes the client: requests still waiting reject with
   * {@linkcode ClientClosedError}, probing stops and every socket closes.
   * Calling it again returns the same Promise.
   *
   * @returns A Promise that resolves once every socket is closed.
   *
   * @example Usage
   * ```ts
   * import { Client } from "@radkit/radius";
   * import { MemoryTransport } from "@radkit/radius/testing";
   * import assert from "node:assert/strict";
   *
   * const client = new Client({ transport: new MemoryTransport(), server: "127.0.0.1", secret: "s" });
   * const pending = client.statusServer();
   * await client.close();
   * await assert.rejects(pending, { code: "ERR_CLIENT_CLOSED" });
   * ```
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#closed = true;
    const error = new ClientClosedError();
    for (const timer of this.#probes.values()) clearTimeout(timer);
    this.#probes.clear();
    for (const family of ["IPv4", "IPv6"] as const) {
      for (const waiter of this.#waiters[family].splice(0)) waiter.reject(error);
    }
    for (const exchange of [...this.#active]) {
      this.#settle(exchange);
      exchange.reject(error);
    }
    await Promise.allSettled(this.#binding.values());
    const channels = [...this.#channels.IPv4, ...this.#channels.IPv6];
    this.#channels.IPv4 = [];
    this.#channels.IPv6 = [];
    await Promise.allSettled(channels.map((channel) => channel.socket.close()));
  }

  #exchange(
    packet: Packet,
    kind: PortKind,
    servers: readonly ServerEntry[],
    probe: boolean,
    signal: AbortSignal | undefined,
  ): Promise<Packet> {
    return new Promise<Packet>((resolve, reject) => {
      const exchange = new Exchange(packet, kind, servers, probe, resolve, reject);
      if (packet.code === Code.AccountingRequest) {
        const delay = packet.get("Acct-Delay-Time");
        exchange.baseDelay = exchange.delay = typeof delay === "number" ? delay : 0;
      }
      if (signal !== undefined) {
        exchange.signal = signal;
        exchange.onAbort = () => {
          if (exchange.settled) return;
          this.#aborted++;
          this.#settle(exchange);
          reject(signal.reason);
        };
        signal.addEventListener("abort", exchange.onAbort, { once: true });
      }
      this.#active.add(exchange);
      this.#requests++;
      exchange.firstSent = Date.now();
      this.#toServer(exchange, 0);
    });
  }

  #toServer(exchange: Exchange, index: number): void {
    const server = exchange.servers[index]!;
    exchange.index = index;
    exchange.schedule = new RetrySchedule(
      exchange.probe
        ? {
          initialTimeout: Math.min(this.#retry.initialTimeout, this.#probeInterval),
          maxRetransmissions: 0,
          maxTimeout: 0,
          maxDuration: 0,
          jitter: 0,
        }
        : this.#retry,
    );
    exchange.serverStart = Date.now();
    exchange.attempts.push({
      server: formatEndpoint(server.host, server.ports[exchange.kind]),
      transmissions: 0,
    });
    this.#run(exchange, true);
  }

  #run(exchange: Exchange, fresh: boolean): void {
    this.#transmit(exchange, fresh).catch((error) => this.#fail(exchange, error));
  }

  async #transmit(exchange: Exchange, fresh: boolean): Promise<void> {
    const server = exchange.servers[exchange.index]!;
    const port = server.ports[exchange.kind];
    const packet = exchange.packet;
    // RFC 5080 §2.2.1: a retransmission to the same server is the same packet,
    // unless its content changes. RFC 5997 wants every Status-Server new.
    let renew = fresh || exchange.current === undefined || packet.code === Code.StatusServer;
    if (packet.code === Code.AccountingRequest && exchange.sent > 0) {
      // RFC 2866 §5.2: Acct-Delay-Time counts the seconds spent trying; a new
      // value makes a new packet, so a new Identifier and authenticator.
      const delay = exchange.baseDelay + Math.floor((Date.now() - exchange.firstSent) / 1000);
      if (delay !== exchange.delay && this.#dictionary.attribute("Acct-Delay-Time") !== undefined) {
        packet.set("Acct-Delay-Time", delay);
        exchange.delay = delay;
        renew = true;
      }
    }
    if (renew) {
      const slot = this.#tryAcquire(server.family) ?? await this.#acquire(server.family);
      if (exchange.settled) {
        this.#release(slot.channel, slot.id);
        return;
      }
      if (packet.code === Code.StatusServer && exchange.sent > 0) {
        packet.authenticator = randomBytes(16);
      }
      packet.id = slot.id;
      let bytes: Uint8Array;
      try {
        bytes = packet.encode(server.secret);
      } catch (error) {
        this.#release(slot.channel, slot.id);
        throw error;
      }
      const transmission: Transmission = {
        exchange,
        channel: slot.channel,
        id: slot.id,
        authenticator: packet.authenticator.slice(),
        server,
        port,
      };
      slot.channel.pending[slot.id] = transmission;
      exchange.transmissions.push(transmission);
      exchange.current = transmission;
      exchange.bytes = bytes;
    }
    const transmission = exchange.current!;
    this.#sent++;
    if (exchange.sent++ > 0) this.#retransmitted++;
    exchange.attempts.at(-1)!.transmissions++;
    const wait = exchange.schedule!.next(Date.now() - exchange.serverStart);
    exchange.timer = setTimeout(() => this.#expire(exchange), wait);
    try {
      await transmission.channel.socket.send(exchange.bytes!, { hostname: server.host, port });
    } catch (error) {
      // Treated as a lost datagram: the timer retransmits or gives up.
      this.#sendErrors++;
      exchange.lastError = error;
    }
  }

  #expire(exchange: Exchange): void {
    exchange.timer = undefined;
    if (exchange.settled) return;
    const now = Date.now();
    if (exchange.schedule!.canRetransmit(now - exchange.serverStart)) {
      this.#run(exchange, false);
      return;
    }
    if (!exchange.probe) {
      const server = exchange.servers[exchange.index]!;
      this.#pool.markDown(server, now);
      this.#startProbing(server);
    }
    if (exchange.index + 1 < exchange.servers.length) {
      this.#failovers++;
      this.#toServer(exchange, exchange.index + 1);
      return;
    }
    this.#timeouts++;
    this.#fail(
      exchange,
      new TimeoutError(codeName(exchange.packet.code), exchange.attempts, exchange.dropped, {
        cause: exchange.lastError,
      }),
    );
  }

  #fail(exchange: Exchange, error: unknown): void {
    if (exchange.settled) return;
    this.#settle(exchange);
    exchange.reject(error);
  }

  /** Ends an exchange: stops its timer and frees its Identifiers. */
  #settle(exchange: Exchange): void {
    exchange.settled = true;
    if (exchange.timer !== undefined) clearTimeout(exchange.timer);
    exchange.timer = undefined;
    for (const transmission of exchange.transmissions) {
      if (transmission.channel.pending[transmission.id] === transmission) {
        this.#release(transmission.channel, transmission.id);
      }
    }
    if (exchange.onAbort !== undefined) {
      exchange.signal?.removeEventListener("abort", exchange.onAbort);
    }
    this.#active.delete(exchange);
  }

  #receive(channel: Channel, data: Uint8Array, from: Address): void {
    const dropped = this.#dropped;
    if (data.length < 20) {
      dropped.malformed++;
      return;
    }
    const transmission = channel.pending[data[1]!];
    if (transmission === undefined) {
      dropped.unexpected++;
      return;
    }
    // RFC 2865 §3 / RFC 5080 §2.2.1: replies match by source address, port and Identifier.
    const server = transmission.server;
    if (
      from.port !== transmission.port ||
      (from.hostname !== server.host && canonicalHost(from.hostname) !== server.host)
    ) {
      dropped.wrongSource++;
      return;
    }
    const exchange = transmission.exchange;
    const request = exchange.packet.code;
    let failure: VerificationFailure | undefined;
    try {
      failure = checkResponse(
        data,
        server.secretBytes,
        transmission.authenticator,
        this.#requireMessageAuthenticator &&
          (request === Code.AccessRequest || request === Code.StatusServer),
      );
    } catch {
      dropped.malformed++;
      exchange.dropped.malformed = (exchange.dropped.malformed ?? 0) + 1;
      return;
    }
    if (failure !== undefined) {
      dropped[DROP_KEYS[failure]]++;
      exchange.dropped[failure] = (exchange.dropped[failure] ?? 0) + 1;
      return;
    }
    // Verified: only the server (or someone with the secret) sent it.
    this.#pool.markUp(server);
    const name = codeName(request);
    const answers = ANSWERS.get(request);
    if (answers !== undefined && !answers.has(data[0]!)) {
      this.#invalidReplies++;
      this.#fail(
        exchange,
        new ResponseVerificationError(name, `${codeName(data[0]!)} does not answer it`),
      );
      return;
    }
    exchange.packet.id = transmission.id;
    exchange.packet.authenticator = transmission.authenticator;
    let reply: Packet;
    try {
      // The transport hands `data` over (DatagramTransport contract): no copy.
      reply = decodeOwnedDatagram(data, {
        dictionary: this.#dictionary,
        secret: server.secret,
        request: exchange.packet,
      });
    } catch (error) {
      this.#invalidReplies++;
      this.#fail(
        exchange,
        new ResponseVerificationError(name, `its attributes do not decode: ${error}`, {
          cause: error,
        }),
      );
      return;
    }
    this.#replies++;
    this.#settle(exchange);
    exchange.resolve(reply);
  }

  #tryAcquire(family: AddressFamily): Slot | undefined {
    for (const channel of this.#channels[family]) {
      const id = channel.ids.acquire();
      if (id !== undefined) return { channel, id };
    }
    return undefined;
  }

  /** A free Identifier: on an open socket, a new socket, or once one is freed. */
  async #acquire(family: AddressFamily): Promise<Slot> {
    for (;;) {
      if (this.#closed) throw new ClientClosedError();
      const slot = this.#tryAcquire(family);
      if (slot !== undefined) return slot;
      const binding = this.#binding.get(family);
      if (binding !== undefined) {
        await binding;
        continue;
      }
      if (this.#channels[family].length < this.#maxSockets) {
        const bound = this.#bind(family);
        this.#binding.set(family, bound);
        try {
          await bound;
        } finally {
          this.#binding.delete(family);
        }
        continue;
      }
      return await new Promise<Slot>((resolve, reject) => {
        this.#waiters[family].push({ resolve, reject });
      });
    }
  }

  async #bind(family: AddressFamily): Promise<void> {
    // The handler runs only after bind resolves, once `bound.channel` is set.
    const bound: { channel?: Channel } = {};
    const socket = await this.#transport.bind(
      { hostname: this.#local[family], port: 0 },
      (data, from) => {
        if (bound.channel !== undefined) this.#receive(bound.channel, data, from);
      },
    );
    if (this.#closed) {
      await socket.close();
      throw new ClientClosedError();
    }
    const channel: Channel = { socket, family, ids: new IdAllocator(), pending: new Array(256) };
    bound.channel = channel;
    this.#channels[family].push(channel);
  }

  #release(channel: Channel, id: number): void {
    channel.pending[id] = undefined;
    channel.ids.release(id);
    const waiter = this.#waiters[channel.family].shift();
    if (waiter !== undefined) waiter.resolve({ channel, id: channel.ids.acquire()! });
  }

  #startProbing(server: ServerEntry): void {
    if (this.#probeInterval === 0 || this.#closed || this.#probes.has(server)) return;
    this.#probes.set(server, setTimeout(() => this.#probe(server), this.#probeInterval));
  }

  #probe(server: ServerEntry): void {
    this.#probes.delete(server);
    if (this.#closed || !this.#pool.isDown(server, Date.now())) return;
    const packet = Packet.create(Code.StatusServer, this.#dictionary, {});
    this.#exchange(packet, "auth", [server], true, undefined).catch(() => {
      if (this.#pool.isDown(server, Date.now())) this.#startProbing(server);
    });
  }
}
