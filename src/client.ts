/**
 * The RADIUS client: sends Access, Accounting, CoA, Disconnect and
 * Status-Server requests over any `DatagramTransport` (UDP, retransmitted
 * per RFC 5080 §2.2.1) or `StreamTransport` (TCP, RFC 6613; TLS, RFC 6614),
 * fails over between servers, and resolves with the reply only once it
 * verifies.
 *
 * @module
 */
import type { AnyAttributes } from "./attribute_map.ts";
import type { AttributeTypes } from "../dictionaries/attribute_types.ts";
import type { DictionaryView } from "./codec/attribute.ts";
import { Code } from "./codec/code.ts";
import { type AttributesInit, Packet } from "./packet.ts";
import { type PortName, portNameOf } from "./ports.ts";
import { ClientClosedError } from "./client/errors.ts";
import {
  dispatchReply,
  dispatchStreamReply,
  Exchange,
  type ExchangeContext,
  type Transmission,
} from "./client/exchange.ts";
import {
  type ClientOptions,
  type ClientSettings,
  clientSettings,
  DEFAULT_RECEIVE_BUFFER_SIZE,
} from "./client/options.ts";
import { totalWait } from "./client/retry_policy.ts";
import { type ServerEntry, ServerPool } from "./client/server_pool.ts";
import { SocketPool } from "./client/socket_pool.ts";
import { ClientCounters, type ClientStats } from "./client/stats.ts";
import { StreamPool } from "./client/stream_pool.ts";
import { type EapClientOptions, type EapResult, runEap } from "./eap/client/run_eap.ts";

export {
  ClientClosedError,
  MissingMessageAuthenticatorError,
  NameResolutionError,
  RequestTimeoutError,
  ResponseVerificationError,
  ServerConnectionError,
} from "./client/errors.ts";
export type { TimeoutAttempt } from "./client/errors.ts";
export type { BackoffOptions, ClientOptions, RemoteServer } from "./client/options.ts";
export type { ServerPorts } from "./client/server_pool.ts";
export type {
  ClientConnectionCloseReason,
  ClientConnectionStats,
  ClientStats,
  DroppedReplies,
  ServerState,
} from "./client/stats.ts";
export type { ClientTlsOptions, RemoteServerTls } from "./client/tls_options.ts";

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
  port?: PortName;
}

/**
 * A RADIUS client. Any number of requests may be made at once: up to
 * `maxInFlight` (128) are sent, the others wait their turn; each socket
 * gives 256 Identifiers and more sockets open as needed. A request is
 * retransmitted per RFC 5080 §2.2.1 (same Identifier and authenticator;
 * Accounting-Requests get an updated Acct-Delay-Time and so a new
 * Identifier, RFC 2866 §5.2), moves on to the next server when one does not
 * answer, and resolves with the first reply that verifies. Replies that do
 * not verify are dropped and counted (see {@linkcode Client.stats}).
 *
 * Given `streams` instead of `transport`, the same requests go over TCP
 * (RFC 6613), or over TLS (RadSec, RFC 6614) with `tls`: one connection per
 * server and port, shared by every request, never a retransmission on a
 * live connection, a Status-Server watchdog, and failover as over UDP (see
 * `ClientOptions.streams`, `ClientOptions.tls` and `ClientOptions.watchdog`).
 *
 * Every method that returns a Promise reports every failure (bad attribute
 * names or values, a closed client, …) by rejecting it, never by throwing.
 * Sockets and connections with no request in flight do not keep the process
 * alive, so a script ends once its last reply is in even without
 * {@linkcode Client.close}; `await using client = new Client(…)` closes it
 * at the end of the block.
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
 *
 * @example RadSec with mutual TLS
 * ```ts
 * import { Client, Code, Dictionary, Server } from "@radkit/radius";
 * import { streams } from "@radkit/radius/adapters/node";
 * import { readFileSync } from "node:fs";
 * import assert from "node:assert/strict";
 *
 * const pem = (name: string) => readFileSync(`tests/fixtures/tls/${name}`); // radkit's test PKI
 * const server = new Server({
 *   streams: streams(),
 *   dictionary: Dictionary.default(),
 *   clients: [{ address: "127.0.0.1" }], // certificate from ca.pem, secret "radsec"
 *   handleAccessRequest: (request) => request.reply(Code.AccessAccept),
 * });
 * const { tls } = await server.listen({
 *   hostname: "127.0.0.1",
 *   tls: { port: 0, cert: pem("server.pem"), key: pem("server.key"), ca: pem("ca.pem") },
 * });
 * const client = new Client({
 *   streams: streams(),
 *   tls: { ca: pem("ca.pem"), cert: pem("nas1.pem"), key: pem("nas1.key") },
 *   server: `127.0.0.1:${tls!.port}`, // 2083 when no port is given
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
export class Client<A extends object = AttributeTypes> implements AsyncDisposable {
  readonly #settings: ClientSettings;
  readonly #pool: ServerPool;
  readonly #counters: ClientCounters = new ClientCounters();
  /** Over UDP. */
  readonly #sockets: SocketPool<Transmission> | undefined;
  /** Over TCP and TLS. */
  readonly #streams: StreamPool<Transmission> | undefined;
  readonly #exchanges: ExchangeContext;
  /** Exchanges sent and not settled. */
  readonly #active: Set<Exchange> = new Set();
  /** Exchanges waiting for `maxInFlight`, first in first out; settled ones are skipped. */
  #queue: (Exchange | undefined)[] = [];
  #queueHead = 0;
  /** Exchanges in the queue and not settled. */
  #queued = 0;
  /** Exchanges sent and not settled, probes left out: what `maxInFlight` bounds. */
  #running = 0;
  readonly #probes: Map<ServerEntry, ReturnType<typeof setTimeout>> = new Map();
  #closed = false;
  #closing: Promise<void> | undefined;

  /**
   * Creates a client. No socket is opened and no name resolved until the
   * first request.
   *
   * @param options The transport (or streams and tls), server(s), secret and
   * retransmission settings.
   * @throws {InvalidOptionError} naming the first option that is missing or
   * invalid (`transport`, `secret`, `server`, `servers[1]`, `ports.auth`, …)
   * and saying what to pass.
   */
  constructor(options: ClientOptions<A>) {
    const settings = clientSettings(options);
    this.#settings = settings;
    const { transport, streams, logger } = settings;
    const resolver = transport ?? streams!;
    this.#pool = new ServerPool(
      settings.servers,
      settings.deadTime,
      resolver.lookup === undefined ? undefined : (hostname) => resolver.lookup!(hostname),
    );
    const counters = this.#counters;
    if (transport !== undefined) {
      this.#sockets = new SocketPool<Transmission>(
        {
          transport,
          local: settings.local,
          maxSockets: settings.maxSockets,
          receiveBufferSize: settings.receiveBufferSize,
          defaultReceiveBufferSize: DEFAULT_RECEIVE_BUFFER_SIZE,
          sendBufferSize: settings.sendBufferSize,
          logger,
        },
        (channel, data, from) => dispatchReply(counters, logger, channel, data, from),
      );
    } else {
      this.#streams = new StreamPool<Transmission>({
        streams: streams!,
        protocol: settings.protocol === "tls" ? "TLS" : "TCP",
        watchdog: settings.watchdog,
        watchdogTimeout: settings.retry.initialTimeout,
        connectTimeout: totalWait({ ...settings.retry, jitter: 0 }),
        dictionary: settings.dictionary,
        requireMessageAuthenticator: settings.requireMessageAuthenticator,
        servers: this.#pool,
        counters: counters.connections,
        logger,
        reply: (session, packet) => dispatchStreamReply(counters, logger, session, packet),
        lost: (transmission, failure) =>
          transmission.exchange.connectionLost(transmission, failure),
        serverDown: (server) => this.#startProbing(server),
      });
    }
    this.#exchanges = {
      dictionary: settings.dictionary,
      retry: settings.retry,
      probeInterval: settings.probeInterval,
      requireMessageAuthenticator: settings.requireMessageAuthenticator,
      addMessageAuthenticator: settings.addMessageAuthenticator,
      counters,
      sockets: this.#sockets,
      streams: this.#streams,
      servers: this.#pool,
      logger,
      active: this.#active,
      serverDown: (server) => this.#startProbing(server),
      ended: (exchange) => this.#ended(exchange),
    };
  }

  /** The dictionary requests are built with and replies decoded with. */
  get dictionary(): DictionaryView<A> {
    return this.#settings.dictionary as DictionaryView<A>;
  }

  /**
   * Sends an Access-Request (RFC 2865 §4.1) to the auth port. A
   * Message-Authenticator is added first; User-Password is hidden.
   *
   * @param attributes The request's attributes.
   * @param options An `AbortSignal`.
   * @returns The verified Access-Accept, Access-Reject or Access-Challenge.
   * @throws {RequestTimeoutError} when no server answers.
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
  async accessRequest(
    attributes: AttributesInit<A>,
    options?: RequestOptions,
  ): Promise<Packet<A>> {
    return await this.#request(Code.AccessRequest, attributes, options);
  }

  /**
   * Sends an Accounting-Request (RFC 2866 §4.1) to the acct port.
   * Retransmissions after a second or more carry an updated Acct-Delay-Time
   * and therefore a new Identifier and authenticator (RFC 2866 §5.2).
   *
   * @param attributes The request's attributes, such as Acct-Status-Type.
   * @param options An `AbortSignal`.
   * @returns The verified Accounting-Response.
   * @throws {RequestTimeoutError} when no server answers.
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
  async accountingRequest(
    attributes: AttributesInit<A>,
    options?: RequestOptions,
  ): Promise<Packet<A>> {
    return await this.#request(Code.AccountingRequest, attributes, options);
  }

  /**
   * Sends a CoA-Request (RFC 5176 §2.2) to the coa port.
   *
   * @param attributes The session identification and the changes.
   * @param options An `AbortSignal`.
   * @returns The verified CoA-ACK or CoA-NAK.
   * @throws {RequestTimeoutError} when no server answers.
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
  async coaRequest(
    attributes: AttributesInit<A>,
    options?: RequestOptions,
  ): Promise<Packet<A>> {
    return await this.#request(Code.CoARequest, attributes, options);
  }

  /**
   * Sends a Disconnect-Request (RFC 5176 §2.1) to the coa port.
   *
   * @param attributes The session identification.
   * @param options An `AbortSignal`.
   * @returns The verified Disconnect-ACK or Disconnect-NAK.
   * @throws {RequestTimeoutError} when no server answers.
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
  async disconnectRequest(
    attributes: AttributesInit<A>,
    options?: RequestOptions,
  ): Promise<Packet<A>> {
    return await this.#request(Code.DisconnectRequest, attributes, options);
  }

  /**
   * Sends a Status-Server (RFC 5997) to the auth port, or to the acct port
   * with `{ port: "acct" }`. Each retransmission is a new packet (new
   * Identifier and authenticator), as RFC 5997 asks.
   *
   * @param options An `AbortSignal` and the port.
   * @returns The verified reply: Access-Accept from an auth port,
   * Accounting-Response from an acct port.
   * @throws {RequestTimeoutError} when no server answers.
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
  async statusServer(
    options: RequestOptions & { port?: "auth" | "acct" } = {},
  ): Promise<Packet<A>> {
    this.#open();
    return await this.send(
      Packet.create(Code.StatusServer, this.#settings.dictionary, {}),
      options,
    );
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
   * @throws {RequestTimeoutError} when no server answers in time.
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
  send(packet: Packet<object>, options: SendOptions = {}): Promise<Packet<A>> {
    try {
      this.#open();
      if (!(packet instanceof Packet)) {
        throw new TypeError(
          "send() needs a Packet: build one with Packet.create(code, client.dictionary, attributes)",
        );
      }
      const { signal, port } = options ?? {};
      if (port !== undefined && port !== "auth" && port !== "acct" && port !== "coa") {
        throw new TypeError(`Invalid port ${JSON.stringify(port)}: give "auth", "acct" or "coa"`);
      }
      if (signal?.aborted) return Promise.reject(signal.reason);
      return this.#submit(
        packet as Packet,
        port ?? portNameOf(packet.code),
        undefined,
        signal,
      ) as Promise<Packet<A>>;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Runs a whole EAP conversation (RFC 3579 §2.1): an Access-Request with
   * the EAP-Response/Identity, then one per Access-Challenge, State
   * returned, until an Access-Accept or Access-Reject. A server that
   * proposes another method gets a Nak asking for `method`; for
   * EAP-MSCHAPv2 the server must prove that it knows the password, or the
   * conversation ends in a Reject. A Reject is a result, not an error.
   * EAP-TLS (`"tls"`) takes `tls: { engine: tlsEngine(), cert, key, ca }`
   * instead of a password; its server must have a certificate from `ca`.
   *
   * @param options Identity, method (`"md5"`, `"gtc"`, `"mschapv2"` or
   * `"tls"`), password or TLS settings, more attributes for every request,
   * and an `AbortSignal`.
   * @returns The final reply, whether it authenticated, and the MSK
   * (EAP-MSCHAPv2: 32 octets; EAP-TLS: 64).
   * @throws {EapConversationError} when the server breaks the EAP rules.
   * @throws {TlsExporterUnavailableError} for `"tls"` where the TLS engine
   * has no exporter for the keys (`node:tls` on Deno 2.9), before any TLS.
   * @throws {RequestTimeoutError} when the server stops answering.
   *
   * @example Usage
   * ```ts
   * import { Client, Code, Dictionary, EapServer, Server } from "@radkit/radius";
   * import { MemoryTransport } from "@radkit/radius/testing";
   * import assert from "node:assert/strict";
   *
   * const eap = new EapServer({ credentials: () => ({ password: "hello" }), methods: ["md5"] });
   * const network = new MemoryTransport();
   * const server = new Server({
   *   transport: network,
   *   dictionary: Dictionary.default(),
   *   clients: [{ address: "127.0.0.1", secret: "s3cret" }],
   *   handleAccessRequest: async (request) => await eap.handle(request),
   * });
   * await server.listen({ hostname: "127.0.0.1", auth: 1812 });
   * const client = new Client({ transport: network, server: "127.0.0.1", secret: "s3cret" });
   * // The client wants GTC; the server offers only MD5: its Nak gets an EAP-Failure.
   * const refused = await client.eap({ identity: "bob", method: "gtc", password: "hello" });
   * assert.equal(refused.reply.code, Code.AccessReject);
   * const accepted = await client.eap({ identity: "bob", method: "md5", password: "hello" });
   * assert.equal(accepted.authenticated, true);
   * await client.close();
   * await server.close();
   * ```
   */
  eap(options: EapClientOptions<A>): Promise<EapResult<A>> {
    const signal = options?.signal;
    return runEap(
      (packet) => this.send(packet as Packet<object>, signal === undefined ? {} : { signal }),
      this.dictionary,
      options,
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
    const connections = this.#streams?.size ?? 0;
    return this.#counters.snapshot(
      this.#active.size,
      this.#queued,
      this.#sockets?.size ?? connections,
      this.#pool.servers.map((server) => ({
        host: server.name,
        down: this.#pool.isDown(server, now),
      })),
      connections,
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

  /**
   * Closes the client, as {@linkcode Client.close}, at the end of an
   * `await using` block.
   *
   * @returns A Promise that resolves once every socket is closed.
   *
   * @example Usage
   * ```ts
   * import { Client } from "@radkit/radius";
   * import { MemoryTransport } from "@radkit/radius/testing";
   * import assert from "node:assert/strict";
   *
   * let pending: Promise<unknown>;
   * {
   *   await using client = new Client({ transport: new MemoryTransport(), server: "::1", secret: "s" });
   *   pending = client.statusServer().catch((error) => error.code);
   * }
   * assert.equal(await pending, "ERR_CLIENT_CLOSED");
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #close(): Promise<void> {
    this.#closed = true;
    const error = new ClientClosedError();
    for (const timer of this.#probes.values()) clearTimeout(timer);
    this.#probes.clear();
    const closing = this.#sockets?.close(error) ?? this.#streams!.close();
    const queue = this.#queue.slice(this.#queueHead);
    this.#queue = [];
    this.#queueHead = 0;
    for (const exchange of queue) exchange?.fail(error);
    for (const exchange of [...this.#active]) exchange.fail(error);
    await closing;
  }

  /** Throws ClientClosedError once the client is closed (callers turn it into a rejection). */
  #open(): void {
    if (this.#closed) throw new ClientClosedError();
  }

  /** Builds a request of `code` from typed attributes and sends it (rejecting once closed). */
  #request(
    code: Code,
    attributes: AttributesInit<A>,
    options: RequestOptions | undefined,
  ): Promise<Packet<A>> {
    this.#open();
    const dictionary = this.#settings.dictionary;
    return this.send(
      Packet.create(code, dictionary, attributes as AttributesInit<AnyAttributes>),
      options,
    );
  }

  #submit(
    packet: Packet,
    port: PortName,
    servers: readonly ServerEntry[] | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Packet> {
    return new Promise<Packet>((resolve, reject) => {
      const probe = servers !== undefined;
      const exchange = new Exchange(this.#exchanges, packet, port, probe, resolve, reject);
      this.#counters.requests++;
      if (signal !== undefined) exchange.attach(signal);
      if (probe || this.#running < this.#settings.maxInFlight) {
        this.#begin(exchange, servers);
      } else {
        this.#queue.push(exchange);
        this.#queued++;
      }
    });
  }

  #begin(exchange: Exchange, servers: readonly ServerEntry[] | undefined): void {
    if (!exchange.probe) this.#running++;
    exchange.start(servers ?? this.#pool.order(Date.now()));
  }

  #ended(exchange: Exchange): void {
    if (!exchange.started) {
      this.#queued--;
      return;
    }
    if (exchange.probe) return;
    this.#running--;
    // Sends the requests that waited for room, oldest first.
    const max = this.#settings.maxInFlight;
    const queue = this.#queue;
    while (!this.#closed && this.#running < max && this.#queueHead < queue.length) {
      const next = queue[this.#queueHead]!;
      queue[this.#queueHead++] = undefined;
      if (next.settled) continue;
      this.#queued--;
      this.#begin(next, undefined);
    }
    if (this.#queueHead === queue.length) {
      this.#queue = [];
      this.#queueHead = 0;
    } else if (this.#queueHead > 4096 && this.#queueHead * 2 > queue.length) {
      this.#queue = queue.slice(this.#queueHead);
      this.#queueHead = 0;
    }
  }

  #startProbing(server: ServerEntry): void {
    const interval = this.#settings.probeInterval;
    if (interval === 0 || this.#closed || this.#probes.has(server)) return;
    const timer = setTimeout(() => this.#probe(server), interval);
    // Probing must not keep an otherwise idle process alive (Node, Bun; Deno's timers are numbers).
    (timer as { unref?: () => void }).unref?.();
    this.#probes.set(server, timer);
  }

  #probe(server: ServerEntry): void {
    this.#probes.delete(server);
    if (this.#closed || !this.#pool.isDown(server, Date.now())) return;
    const packet = Packet.create(Code.StatusServer, this.#settings.dictionary, {});
    this.#submit(packet, "auth", [server], undefined).catch(() => {
      if (this.#pool.isDown(server, Date.now())) this.#startProbing(server);
    });
  }
}
