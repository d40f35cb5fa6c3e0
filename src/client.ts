/**
 * The RADIUS client: sends Access, Accounting, CoA, Disconnect and
 * Status-Server requests over any {@linkcode DatagramTransport}, retransmits
 * them per RFC 5080 §2.2.1, fails over between servers, and resolves with the
 * reply only once it verifies.
 *
 * @module
 */
import type { DictionaryView } from "./codec/attribute.ts";
import { Code } from "./codec/code.ts";
import { Dictionary } from "./dictionary/dictionary.ts";
import { type AttributesInit, Packet, type Secret } from "./packet.ts";
import type { DatagramTransport } from "./transport.ts";
import { ClientClosedError } from "./client/errors.ts";
import {
  dispatchReply,
  Exchange,
  type ExchangeContext,
  portKindOf,
  type Transmission,
} from "./client/exchange.ts";
import { count, milliseconds, resolvePorts } from "./client/options.ts";
import { DEFAULT_RETRY } from "./client/retry_policy.ts";
import {
  DEFAULT_PORTS,
  type PortKind,
  type ServerEntry,
  serverEntry,
  ServerPool,
  type ServerPorts,
} from "./client/server_pool.ts";
import { SocketPool } from "./client/socket_pool.ts";
import { ClientCounters, type ClientStats } from "./client/stats.ts";

export { ClientClosedError, ResponseVerificationError, TimeoutError } from "./client/errors.ts";
export type { TimeoutAttempt } from "./client/errors.ts";
export type { PortKind, ServerPorts } from "./client/server_pool.ts";
export type { ClientStats, DroppedReplies, ServerState } from "./client/stats.ts";

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
  readonly #dictionary: DictionaryView;
  readonly #pool: ServerPool;
  readonly #probeInterval: number;
  readonly #counters: ClientCounters = new ClientCounters();
  readonly #sockets: SocketPool<Transmission>;
  readonly #exchanges: ExchangeContext;
  readonly #active: Set<Exchange> = new Set();
  readonly #probes: Map<ServerEntry, ReturnType<typeof setTimeout>> = new Map();
  #closed = false;
  #closing: Promise<void> | undefined;

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
    const dictionary = options.dictionary ?? Dictionary.default();
    const retry = {
      initialTimeout: milliseconds("timeout", options.timeout, DEFAULT_RETRY.initialTimeout),
      maxRetransmissions: count("retries", options.retries, DEFAULT_RETRY.maxRetransmissions, 0),
      maxTimeout: milliseconds("maxTimeout", backoff.maxTimeout, DEFAULT_RETRY.maxTimeout),
      maxDuration: milliseconds("maxDuration", backoff.maxDuration, DEFAULT_RETRY.maxDuration),
      jitter,
    };
    if (retry.initialTimeout === 0) throw new RangeError("Invalid timeout 0: must be > 0");
    this.#dictionary = dictionary;
    this.#pool = new ServerPool(entries, milliseconds("deadTime", options.deadTime, 30000));
    this.#probeInterval = milliseconds("probeInterval", options.probeInterval, 0);
    const counters = this.#counters;
    this.#sockets = new SocketPool<Transmission>(
      {
        transport,
        local: {
          IPv4: options.localAddress?.ipv4 ?? "0.0.0.0",
          IPv6: options.localAddress?.ipv6 ?? "::",
        },
        maxSockets: count("maxSockets", options.maxSockets, 256, 1),
      },
      (channel, data, from) => dispatchReply(counters, channel, data, from),
    );
    this.#exchanges = {
      dictionary,
      retry,
      probeInterval: this.#probeInterval,
      requireMessageAuthenticator: options.requireMessageAuthenticator ?? true,
      counters,
      sockets: this.#sockets,
      servers: this.#pool,
      active: this.#active,
      serverDown: (server) => this.#startProbing(server),
    };
  }

  /** The dictionary requests are built with and replies decoded with. */
  get dictionary(): DictionaryView {
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
    return this.#counters.snapshot(
      this.#active.size,
      this.#sockets.size,
      this.#pool.servers.map((server) => ({
        host: server.host,
        down: this.#pool.isDown(server, now),
      })),
    );
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
    const closing = this.#sockets.close(error);
    for (const exchange of [...this.#active]) exchange.fail(error);
    await closing;
  }

  #exchange(
    packet: Packet,
    kind: PortKind,
    servers: readonly ServerEntry[],
    probe: boolean,
    signal: AbortSignal | undefined,
  ): Promise<Packet> {
    return new Promise<Packet>((resolve, reject) => {
      new Exchange(this.#exchanges, packet, kind, servers, probe, resolve, reject).start(signal);
    });
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
