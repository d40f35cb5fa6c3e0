/**
 * One request of the client, from its first transmission to its reply,
 * error or cancellation: the retransmission state machine of RFC 5080
 * §2.2.1 (same Identifier and authenticator on each retransmission to one
 * server), RFC 2866 §5.2 (Acct-Delay-Time), RFC 5997 (every Status-Server
 * new), failover to the next server, and the reply's verification. Over TCP
 * and TLS, no retransmission on a live connection (RFC 6613 §2.6.1): the
 * request waits as long as the schedule would have lasted, and is sent
 * again only on a new connection when its own closed.
 *
 * @module
 */
import { formatAddress } from "../address.ts";
import type { AnyAttributes } from "../attribute_map.ts";
import type { DictionaryView } from "../codec/attribute.ts";
import { Code, codeName } from "../codec/code.ts";
import { checkResponse, type VerificationFailure } from "../codec/packet_codec.ts";
import { randomBytes } from "../crypto/random.ts";
import type { Logger } from "../logger.ts";
import { decodeOwnedDatagram, type Packet } from "../packet.ts";
import { decodeOwnedRadius11, encodeRadius11 } from "../radius11.ts";
import type { PortName } from "../ports.ts";
import type { Address } from "../transport.ts";
import {
  MissingMessageAuthenticatorError,
  RequestTimeoutError,
  ResponseVerificationError,
  ServerConnectionError,
} from "./errors.ts";
import { withMessageAuthenticator } from "./message_authenticator.ts";
import { type RetryOptions, RetrySchedule, totalWait } from "./retry_policy.ts";
import { canonicalHost, type ServerEntry, type ServerPool, type Target } from "./server_pool.ts";
import type { Channel, SocketPool } from "./socket_pool.ts";
import type { ClientCounters, DropFailure } from "./stats.ts";
import type { ConnectionFailure, StreamPool } from "./stream_pool.ts";
import type { StreamSession } from "./stream_session.ts";

/** One datagram's Identifier and authenticator, and where it went. */
export interface Transmission {
  readonly exchange: Exchange;
  /** The UDP socket it went out on (undefined over TCP and TLS). */
  readonly channel: Channel<Transmission> | undefined;
  /** The TCP or TLS connection it went out on (undefined over UDP). */
  readonly session: StreamSession<Transmission> | undefined;
  readonly id: number;
  readonly authenticator: Uint8Array;
  readonly server: ServerEntry;
  /** The address it went to (canonical), which the reply must come from. */
  readonly hostname: string;
  readonly port: number;
}

/** What every exchange of one client shares. */
export interface ExchangeContext {
  /** Names the attributes of requests and replies. */
  readonly dictionary: DictionaryView<AnyAttributes>;
  /** IRT, MRC, MRT, MRD and RAND for requests. */
  readonly retry: RetryOptions;
  /** The Status-Server probe interval; probes wait no longer than it for their reply. */
  readonly probeInterval: number;
  /** Whether replies to Access-Request and Status-Server must hold a Message-Authenticator. */
  readonly requireMessageAuthenticator: boolean;
  /** Whether Accounting, CoA and Disconnect requests get a Message-Authenticator. */
  readonly addMessageAuthenticator: boolean;
  readonly counters: ClientCounters;
  /** The UDP sockets, over UDP. */
  readonly sockets: SocketPool<Transmission> | undefined;
  /** The TCP or TLS connections, over TCP and TLS. */
  readonly streams: StreamPool<Transmission> | undefined;
  readonly servers: ServerPool;
  readonly logger: Logger;
  /** Exchanges started and not settled. */
  readonly active: Set<Exchange>;
  /** Called when a server is marked down. */
  serverDown(server: ServerEntry): void;
  /** Called once when an exchange ends, whether it was started or still queued. */
  ended(exchange: Exchange): void;
}

interface Attempt {
  readonly server: string;
  transmissions: number;
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

/** Whether the Request Authenticator of a code is computed over the packet. */
function hasComputedAuthenticator(code: number): boolean {
  return code === Code.AccountingRequest || code === Code.CoARequest ||
    code === Code.DisconnectRequest;
}

/**
 * How many turns of the event loop at most a request whose last deadline
 * passed waits while the client's sockets keep delivering datagrams (see
 * `Exchange.#drain`). Node reads 32 datagrams per socket per turn (libuv),
 * so 64 turns read a backlog of 2,048 replies per socket; and a flood of
 * datagrams delays a timeout by no more than 64 short timers.
 */
const MAX_DRAIN_TURNS = 64;

/** Lets the process exit while only this timer is pending, where the runtime can (Node, Bun). */
function unrefTimer(timer: ReturnType<typeof setTimeout>): void {
  (timer as { unref?: () => void }).unref?.();
}

/**
 * One request, from its first transmission to its reply, error or
 * cancellation.
 *
 * @example Usage
 * ```ts ignore
 * const exchange = new Exchange(context, packet, "auth", false, resolve, reject);
 * exchange.attach(signal);
 * exchange.start(servers);
 * ```
 */
export class Exchange {
  readonly #context: ExchangeContext;
  readonly packet: Packet;
  readonly #port: PortName;
  readonly #probe: boolean;
  readonly #resolve: (reply: Packet) => void;
  readonly #reject: (error: unknown) => void;
  /** Every Identifier this exchange used, so that settling frees those still held. */
  readonly #transmissions: Transmission[] = [];
  readonly #attempts: Attempt[] = [];
  /** Replies dropped for this exchange, by reason, for the RequestTimeoutError. */
  readonly #dropped: Record<string, number> = {};
  #servers: readonly ServerEntry[] = [];
  #index = -1;
  /** Where the transmissions to the current server go. */
  #target: Target | undefined;
  #schedule: RetrySchedule | undefined;
  #serverStart = 0;
  #firstSent = 0;
  /** Acct-Delay-Time as last sent (RFC 2866 §5.2). */
  #delay = 0;
  #baseDelay = 0;
  #sent = 0;
  #current: Transmission | undefined;
  #bytes: Uint8Array | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Over TCP and TLS: how long the current server has to answer, from the first transmission. */
  #wait = 0;
  /** Counts the moves to a server: a transmission that awaited past one is dropped. */
  #epoch = 0;
  #started = false;
  #settled = false;
  #lastError: unknown;
  #signal: AbortSignal | undefined;
  #onAbort: (() => void) | undefined;

  /**
   * Creates an exchange; {@linkcode Exchange.start} sends it.
   *
   * @param context What the client's exchanges share.
   * @param packet The request.
   * @param port The server port it goes to.
   * @param probe A Status-Server probe of a server that is down.
   * @param resolve Called with the verified reply.
   * @param reject Called with the error.
   */
  constructor(
    context: ExchangeContext,
    packet: Packet,
    port: PortName,
    probe: boolean,
    resolve: (reply: Packet) => void,
    reject: (error: unknown) => void,
  ) {
    this.#context = context;
    this.packet = packet;
    this.#port = port;
    this.#probe = probe;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  /** Whether the exchange has ended. */
  get settled(): boolean {
    return this.#settled;
  }

  /** Whether {@linkcode Exchange.start} was called. */
  get started(): boolean {
    return this.#started;
  }

  /** Whether this is a Status-Server probe of a server that is down. */
  get probe(): boolean {
    return this.#probe;
  }

  /**
   * Lets a signal cancel the exchange, queued or started.
   *
   * @param signal The signal; it must not be aborted yet.
   */
  attach(signal: AbortSignal): void {
    this.#signal = signal;
    this.#onAbort = () => {
      if (this.#settled) return;
      this.#context.counters.aborted++;
      this.#settle();
      this.#reject(signal.reason);
    };
    signal.addEventListener("abort", this.#onAbort, { once: true });
  }

  /**
   * Sends the first transmission.
   *
   * @param servers The servers to try, in order.
   */
  start(servers: readonly ServerEntry[]): void {
    const context = this.#context;
    const packet = this.packet;
    this.#started = true;
    this.#servers = servers;
    if (packet.code === Code.AccountingRequest) {
      const delay = packet.get("Acct-Delay-Time");
      this.#baseDelay = this.#delay = typeof delay === "number" ? delay : 0;
    }
    context.active.add(this);
    this.#toServer(0);
  }

  /**
   * Ends the exchange with an error, unless it has ended.
   *
   * @param error What the request rejects with.
   */
  fail(error: unknown): void {
    if (this.#settled) return;
    this.#settle();
    this.#reject(error);
  }

  /**
   * Handles a reply to one of this exchange's transmissions, from its
   * server: verifies it and ends the exchange, or drops it.
   *
   * @param transmission The transmission whose Identifier it carries.
   * @param data The datagram.
   */
  receive(transmission: Transmission, data: Uint8Array): void {
    if (transmission.session?.radius11 === true) return this.#receive11(transmission, data);
    const context = this.#context;
    const server = transmission.server;
    const request = this.packet.code;
    const requireMessageAuthenticator = context.requireMessageAuthenticator &&
      (request === Code.AccessRequest || request === Code.StatusServer);
    let failure: VerificationFailure | undefined;
    try {
      failure = checkResponse(
        data,
        server.secretBytes,
        transmission.authenticator,
        requireMessageAuthenticator,
      );
    } catch {
      this.#drop(transmission, "malformed");
      return;
    }
    const name = codeName(request);
    if (failure === "missing-message-authenticator") {
      // The Response Authenticator verified: the server (or a BlastRADIUS
      // forger) answered, and every retransmission would get the same answer.
      context.counters.invalidReplies++;
      this.fail(
        new MissingMessageAuthenticatorError(
          name,
          codeName(data[0]!),
          formatAddress({ hostname: server.name, port: transmission.port }),
        ),
      );
      return;
    }
    if (failure !== undefined) {
      this.#drop(transmission, failure);
      return;
    }
    // Verified: only the server (or someone with the secret) sent it.
    if (transmission.session !== undefined) transmission.session.answered = true;
    this.#markUp(server);
    this.packet.id = transmission.id;
    this.packet.authenticator = transmission.authenticator;
    // The transport hands `data` over (DatagramTransport contract), and the
    // reply keeps views into it for as long as the caller keeps the reply. A
    // datagram that is a view into a larger buffer (the Deno adapter's
    // receive blocks of 128 KiB, shared by many datagrams) or that is longer
    // than its packet is copied, so that a kept reply holds its packet only.
    const length = (data[2]! << 8) | data[3]!;
    const owned = data.byteOffset === 0 && data.buffer.byteLength === length
      ? data
      : data.slice(0, length);
    this.#accept(data[0]!, () =>
      decodeOwnedDatagram(owned, {
        dictionary: context.dictionary,
        secret: server.secret,
        request: this.packet,
      }));
  }

  /**
   * A RADIUS/1.1 reply (RFC 9765): its Token matched the request's, TLS
   * authenticated the server, and nothing in it is hidden.
   */
  #receive11(transmission: Transmission, data: Uint8Array): void {
    const context = this.#context;
    transmission.session!.answered = true;
    this.#markUp(transmission.server);
    this.#accept(
      data[0]!,
      () =>
        decodeOwnedRadius11(data.slice(), { dictionary: context.dictionary, request: this.packet }),
    );
  }

  /**
   * Settles with a verified reply: one whose code answers the request, and
   * whose attributes decode.
   *
   * @param code The reply's code.
   * @param decode Decodes the reply (it may throw).
   */
  #accept(code: number, decode: () => Packet): void {
    const context = this.#context;
    const name = codeName(this.packet.code);
    const answers = ANSWERS.get(this.packet.code);
    if (answers !== undefined && !answers.has(code)) {
      context.counters.invalidReplies++;
      this.fail(new ResponseVerificationError(name, `${codeName(code)} does not answer it`));
      return;
    }
    let reply: Packet;
    try {
      reply = decode();
    } catch (error) {
      context.counters.invalidReplies++;
      this.fail(
        new ResponseVerificationError(name, `its attributes do not decode: ${error}`, {
          cause: error,
        }),
      );
      return;
    }
    context.counters.replies++;
    this.#settle();
    this.#resolve(reply);
  }

  /**
   * The connection a transmission went out on closed before its reply: it
   * is sent again on a new connection, the only retransmission over TCP and
   * TLS (RFC 6613 §2.6.1), or the server is given up.
   *
   * @param transmission The transmission that waited.
   * @param failure Why the server is given up, or `undefined` to send again.
   */
  connectionLost(transmission: Transmission, failure: ConnectionFailure | undefined): void {
    if (this.#settled || transmission !== this.#current) return;
    if (failure === undefined) {
      this.#run(true);
      return;
    }
    this.#lastError = failure.error;
    this.#serverFailed(
      this.#servers[this.#index]!,
      Date.now(),
      failure.noReply ? undefined : failure.error,
    );
  }

  #drop(transmission: Transmission, reason: DropFailure | "malformed"): void {
    const context = this.#context;
    if (reason === "malformed") context.counters.drop("malformed");
    else context.counters.dropUnverified(reason);
    this.#dropped[reason] = (this.#dropped[reason] ?? 0) + 1;
    const server = transmission.server;
    const fields = {
      reason,
      server: formatAddress({ hostname: server.name, port: transmission.port }),
      id: transmission.id,
    };
    if (reason === "bad-authenticator" && !server.warned) {
      server.warned = true;
      context.logger.warn("reply dropped: wrong shared secret, or forged", fields);
    } else {
      context.logger.debug("reply dropped", fields);
    }
  }

  #markUp(server: ServerEntry): void {
    const servers = this.#context.servers;
    if (server.downUntil !== 0) {
      const down = servers.isDown(server, Date.now());
      servers.markUp(server);
      if (down) this.#context.logger.info("server up", { server: server.name });
    }
  }

  #toServer(index: number): void {
    const server = this.#servers[index]!;
    const retry = this.#context.retry;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#epoch++;
    this.#index = index;
    this.#target = undefined;
    this.#current = undefined;
    const schedule: RetryOptions = this.#probe
      ? {
        initialTimeout: Math.min(retry.initialTimeout, this.#context.probeInterval),
        maxRetransmissions: 0,
        maxTimeout: 0,
        maxDuration: 0,
        jitter: 0,
      }
      : retry;
    this.#schedule = new RetrySchedule(schedule);
    if (this.#context.streams !== undefined) this.#wait = totalWait(schedule);
    this.#attempts.push({
      server: formatAddress({ hostname: server.name, port: server.ports[this.#port] }),
      transmissions: 0,
    });
    this.#run(true);
  }

  #run(fresh: boolean): void {
    this.#transmit(fresh).catch((error) => this.fail(error));
  }

  async #transmit(fresh: boolean): Promise<void> {
    const context = this.#context;
    const server = this.#servers[this.#index]!;
    const port = server.ports[this.#port];
    const packet = this.packet;
    const epoch = this.#epoch;
    if (this.#target === undefined) {
      const pending = context.servers.target(server);
      try {
        this.#target = pending instanceof Promise ? await pending : pending;
      } catch (error) {
        this.#unreachable(server, error);
        return;
      }
      if (this.#settled || epoch !== this.#epoch) return;
    }
    const target = this.#target;
    // RFC 5080 §2.2.1: a retransmission to the same server is the same packet,
    // unless its content changes. RFC 5997 wants every Status-Server new.
    let renew = fresh || this.#current === undefined || packet.code === Code.StatusServer;
    if (packet.code === Code.AccountingRequest && this.#sent > 0) {
      // RFC 2866 §5.2: Acct-Delay-Time counts the seconds spent trying; a new
      // value makes a new packet, so a new Identifier and authenticator.
      const delay = this.#baseDelay + Math.floor((Date.now() - this.#firstSent) / 1000);
      if (
        delay !== this.#delay && context.dictionary.attribute("Acct-Delay-Time") !== undefined
      ) {
        packet.set("Acct-Delay-Time", delay);
        this.#delay = delay;
        renew = true;
      }
    }
    if (renew) {
      const hold = !this.#probe;
      let channel: Channel<Transmission> | undefined;
      let session: StreamSession<Transmission> | undefined;
      let id: number;
      if (context.streams === undefined) {
        const sockets = context.sockets!;
        const slot = sockets.tryAcquire(target.family, hold) ??
          await sockets.acquire(target.family, hold);
        if (this.#settled) {
          sockets.release(slot.channel, slot.id);
          return;
        }
        ({ channel, id } = slot);
      } else {
        try {
          const pending = context.streams.acquire(server, port, target.hostname, hold);
          ({ session, id } = pending instanceof Promise ? await pending : pending);
        } catch (error) {
          if (!(error instanceof ServerConnectionError)) throw error;
          if (!this.#settled && epoch === this.#epoch) this.#connectionFailed(server, error);
          return;
        }
        if (this.#settled || epoch !== this.#epoch) {
          session.release(id);
          return;
        }
      }
      if (packet.code === Code.StatusServer && this.#sent > 0) {
        packet.authenticator = randomBytes(16);
      }
      packet.id = id;
      let bytes: Uint8Array;
      try {
        if (session?.radius11 === true) {
          // RFC 9765: a Token, no authenticators, nothing hidden, no MD5.
          bytes = encodeRadius11(packet, session.token(id));
        } else {
          bytes = packet.encode(server.secret);
          if (context.addMessageAuthenticator && hasComputedAuthenticator(packet.code)) {
            bytes = withMessageAuthenticator(bytes, server.secretBytes);
            packet.authenticator = bytes.slice(4, 20);
          }
        }
      } catch (error) {
        if (channel !== undefined) context.sockets!.release(channel, id);
        else session!.release(id);
        throw error;
      }
      const transmission: Transmission = {
        exchange: this,
        channel,
        session,
        id,
        authenticator: packet.authenticator.slice(),
        server,
        hostname: target.hostname,
        port,
      };
      if (channel !== undefined) {
        channel.pending[id] = transmission;
      } else if (!session!.register(id, transmission)) {
        // Its connection closed in the meantime: on to a new one.
        this.#run(true);
        return;
      }
      this.#transmissions.push(transmission);
      this.#current = transmission;
      this.#bytes = bytes;
    }
    const transmission = this.#current!;
    const attempt = this.#attempts.at(-1)!;
    const now = Date.now();
    // The clocks start with the first transmission, not while the request
    // waited for an Identifier or a name lookup.
    if (this.#sent === 0) this.#firstSent = now;
    const first = attempt.transmissions === 0;
    if (first) this.#serverStart = now;
    context.counters.sent++;
    if (this.#sent++ > 0) {
      context.counters.retransmitted++;
      context.logger.debug("retransmitting", {
        request: codeName(packet.code),
        id: transmission.id,
        server: attempt.server,
        transmission: attempt.transmissions + 1,
      });
    }
    attempt.transmissions++;
    const session = transmission.session;
    if (session !== undefined) {
      // RFC 6613 §2.6.1: no retransmission on a live connection; the server
      // has as long as the schedule lasts, from the first transmission to it.
      if (first) {
        const seen = context.counters.datagrams;
        this.#timer = setTimeout(() => {
          this.#timer = undefined;
          if (!this.#settled) this.#drain(seen, 1);
        }, this.#wait);
        if (this.#probe) unrefTimer(this.#timer);
      } else {
        context.counters.connections.resent++;
      }
      session.write(this.#bytes!);
      return;
    }
    const wait = this.#schedule!.next(now - this.#serverStart);
    this.#timer = setTimeout(() => this.#expire(), wait);
    // A probe must not keep an otherwise idle process alive.
    if (this.#probe) unrefTimer(this.#timer);
    try {
      await transmission.channel!.socket.send(this.#bytes!, { hostname: target.hostname, port });
    } catch (error) {
      // Treated as a lost datagram: the timer retransmits or gives up.
      context.counters.sendErrors++;
      this.#lastError = error;
    }
  }

  /** No connection to the current server could be had: it counts as down. */
  #connectionFailed(server: ServerEntry, error: ServerConnectionError): void {
    this.#lastError = error;
    // Nothing reached it: it is no attempt to list in a RequestTimeoutError.
    if (this.#attempts.at(-1)?.transmissions === 0) this.#attempts.pop();
    this.#serverFailed(server, Date.now(), error);
  }

  /** The current server's name did not resolve: it counts as down. */
  #unreachable(server: ServerEntry, error: unknown): void {
    if (this.#settled) return;
    this.#lastError = error;
    this.#attempts.pop();
    this.#serverFailed(server, Date.now(), error);
  }

  #expire(): void {
    this.#timer = undefined;
    if (this.#settled) return;
    const now = Date.now();
    if (this.#schedule!.canRetransmit(now - this.#serverStart)) {
      this.#run(false);
      return;
    }
    this.#drain(this.#context.counters.datagrams, 1);
  }

  /**
   * The last deadline for this server has passed, but its reply may already
   * wait in a socket: when the event loop was blocked past the deadline
   * (synchronous work, a long pause), the timer and the datagram are due in
   * the same turn, and timers run first (Node's timers phase precedes its
   * poll phase; Deno and Bun alike). So the server is given up only after a
   * turn of the event loop in which no datagram arrived, which reads what
   * the sockets hold (a runtime reads a bounded number per turn, hence
   * several turns for a backlog), and after at most
   * {@linkcode MAX_DRAIN_TURNS} turns.
   *
   * @param seen The count of received datagrams when this turn began.
   * @param turns The turns waited so far, this one included.
   */
  #drain(seen: number, turns: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#settled) return;
      const received = this.#context.counters.datagrams;
      if (received !== seen && turns < MAX_DRAIN_TURNS) {
        this.#drain(received, turns + 1);
        return;
      }
      this.#serverFailed(this.#servers[this.#index]!, Date.now(), undefined);
    }, 0);
    if (this.#probe) unrefTimer(this.#timer);
  }

  /** Marks the current server down and moves on to the next, or fails. */
  #serverFailed(server: ServerEntry, now: number, error: unknown): void {
    const context = this.#context;
    if (!this.#probe) {
      const wasDown = context.servers.isDown(server, now);
      context.servers.markDown(server, now);
      if (!wasDown) {
        context.logger.warn(
          error === undefined
            ? "server down: no reply"
            : error instanceof ServerConnectionError
            ? "server down: its connection failed"
            : "server down: its name does not resolve",
          error === undefined
            ? { server: server.name, request: codeName(this.packet.code) }
            : { server: server.name, error: (error as Error).message },
        );
      }
      context.serverDown(server);
    }
    const next = this.#servers[this.#index + 1];
    if (next !== undefined) {
      context.counters.failovers++;
      context.logger.debug("failover", { from: server.name, to: next.name });
      this.#toServer(this.#index + 1);
      return;
    }
    // A connection that failed says more than a timeout would.
    if (
      error !== undefined &&
      (this.#attempts.length === 0 || error instanceof ServerConnectionError)
    ) {
      this.fail(error);
      return;
    }
    context.counters.timeouts++;
    this.fail(
      new RequestTimeoutError(codeName(this.packet.code), this.#attempts, this.#dropped, {
        cause: this.#lastError,
      }),
    );
  }

  /** Ends the exchange: stops its timer and frees its Identifiers. */
  #settle(): void {
    this.#settled = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const transmission of this.#transmissions) {
      const channel = transmission.channel;
      if (channel === undefined) {
        transmission.session!.release(transmission.id, transmission);
      } else if (channel.pending[transmission.id] === transmission) {
        this.#context.sockets!.release(channel, transmission.id);
      }
    }
    if (this.#onAbort !== undefined) {
      this.#signal?.removeEventListener("abort", this.#onAbort);
    }
    this.#context.active.delete(this);
    this.#context.ended(this);
  }
}

/**
 * Hands a datagram that arrived on a client socket to the exchange waiting
 * for it, or counts it dropped.
 *
 * @param counters Where drops are counted.
 * @param logger Where drops are logged.
 * @param channel The socket it arrived on.
 * @param data The datagram.
 * @param from Its source.
 */
export function dispatchReply(
  counters: ClientCounters,
  logger: Logger,
  channel: Channel<Transmission>,
  data: Uint8Array,
  from: Address,
): void {
  counters.datagrams++;
  if (data.length < 20) {
    counters.drop("malformed");
    logger.debug("reply dropped", { reason: "malformed", from: formatAddress(from) });
    return;
  }
  const transmission = channel.pending[data[1]!];
  if (transmission === undefined) {
    counters.drop("unexpected");
    logger.debug("reply dropped", { reason: "unexpected", from: formatAddress(from), id: data[1] });
    return;
  }
  // RFC 2865 §3 / RFC 5080 §2.2.1: replies match by source address, port and Identifier.
  if (
    from.port !== transmission.port ||
    (from.hostname !== transmission.hostname &&
      canonicalHost(from.hostname) !== transmission.hostname)
  ) {
    counters.drop("wrongSource");
    logger.debug("reply dropped", {
      reason: "wrong-source",
      from: formatAddress(from),
      id: data[1],
    });
    return;
  }
  transmission.exchange.receive(transmission, data);
}

/**
 * Hands a packet that arrived on a TCP or TLS connection to the exchange
 * waiting for its Identifier there, or counts it dropped. The connection is
 * the source (RFC 6613 §2.6.5: Identifiers are per connection), so no
 * address is checked. A reply that fails verification is dropped and
 * counted, the connection kept: RFC 6613 §2.6.4 would close it, but an
 * Identifier given up on (a request that timed out or was aborted) is
 * reused on the same connection, and the late reply to the old request
 * then fails the new one's authenticator through no fault of the server.
 *
 * @param counters Where drops are counted.
 * @param logger Where drops are logged.
 * @param session The connection it arrived on.
 * @param packet The packet, framed by its Length (20 bytes at least).
 */
export function dispatchStreamReply(
  counters: ClientCounters,
  logger: Logger,
  session: StreamSession<Transmission>,
  packet: Uint8Array,
): void {
  counters.datagrams++;
  const slot = session.slotOf(packet);
  const transmission = slot === undefined ? undefined : session.pending[slot];
  if (transmission === undefined) {
    counters.drop("unexpected");
    logger.debug("reply dropped", { reason: "unexpected", id: packet[1] });
    return;
  }
  transmission.exchange.receive(transmission, packet);
}
