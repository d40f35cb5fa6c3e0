/**
 * One request of the client, from its first transmission to its reply,
 * error or cancellation: the retransmission state machine of RFC 5080
 * §2.2.1 (same Identifier and authenticator on each retransmission to one
 * server), RFC 2866 §5.2 (Acct-Delay-Time), RFC 5997 (every Status-Server
 * new), failover to the next server, and the reply's verification.
 *
 * @module
 */
import type { DictionaryView } from "../codec/attribute.ts";
import { Code, codeName } from "../codec/code.ts";
import { checkResponse, type VerificationFailure } from "../codec/packet_codec.ts";
import { randomBytes } from "../crypto/random.ts";
import { decodeOwnedDatagram, type Packet } from "../packet.ts";
import type { Address } from "../transport.ts";
import { ResponseVerificationError, TimeoutError } from "./errors.ts";
import { type RetryOptions, RetrySchedule } from "./retry_policy.ts";
import {
  canonicalHost,
  formatEndpoint,
  type PortKind,
  type ServerEntry,
  type ServerPool,
} from "./server_pool.ts";
import type { Channel, SocketPool } from "./socket_pool.ts";
import type { ClientCounters } from "./stats.ts";

/** One datagram's Identifier and authenticator, and where it went. */
export interface Transmission {
  readonly exchange: Exchange;
  readonly channel: Channel<Transmission>;
  readonly id: number;
  readonly authenticator: Uint8Array;
  readonly server: ServerEntry;
  readonly port: number;
}

/** What every exchange of one client shares. */
export interface ExchangeContext {
  /** Names the attributes of requests and replies. */
  readonly dictionary: DictionaryView;
  /** IRT, MRC, MRT, MRD and RAND for requests. */
  readonly retry: RetryOptions;
  /** The Status-Server probe interval; probes wait no longer than it for their reply. */
  readonly probeInterval: number;
  /** Whether replies to Access-Request and Status-Server must hold a Message-Authenticator. */
  readonly requireMessageAuthenticator: boolean;
  readonly counters: ClientCounters;
  readonly sockets: SocketPool<Transmission>;
  readonly servers: ServerPool;
  /** Exchanges started and not settled. */
  readonly active: Set<Exchange>;
  /** Called when a server timed out and is marked down. */
  serverDown(server: ServerEntry): void;
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

/**
 * The port a request code goes to by default.
 *
 * @param code The request's code.
 * @returns `"acct"` for Accounting-Request, `"coa"` for CoA and Disconnect, else `"auth"`.
 */
export function portKindOf(code: number): PortKind {
  if (code === Code.AccountingRequest) return "acct";
  if (code === Code.CoARequest || code === Code.DisconnectRequest) return "coa";
  return "auth";
}

/**
 * One request, from its first transmission to its reply, error or
 * cancellation.
 *
 * @example Usage
 * ```ts ignore
 * new Exchange(context, packet, "auth", servers, false, resolve, reject).start(signal);
 * ```
 */
export class Exchange {
  readonly #context: ExchangeContext;
  readonly packet: Packet;
  readonly #kind: PortKind;
  readonly #servers: readonly ServerEntry[];
  readonly #probe: boolean;
  readonly #resolve: (reply: Packet) => void;
  readonly #reject: (error: unknown) => void;
  /** Every Identifier this exchange used, so that settling frees those still held. */
  readonly #transmissions: Transmission[] = [];
  readonly #attempts: Attempt[] = [];
  /** Replies dropped for this exchange, by reason, for the TimeoutError. */
  readonly #dropped: Record<string, number> = {};
  #index = -1;
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
  #settled = false;
  #lastError: unknown;
  #signal: AbortSignal | undefined;
  #onAbort: (() => void) | undefined;

  /**
   * Creates an exchange; {@linkcode Exchange.start} sends it.
   *
   * @param context What the client's exchanges share.
   * @param packet The request.
   * @param kind The server port it goes to.
   * @param servers The servers to try, in order.
   * @param probe A Status-Server probe of a server that is down.
   * @param resolve Called with the verified reply.
   * @param reject Called with the error.
   */
  constructor(
    context: ExchangeContext,
    packet: Packet,
    kind: PortKind,
    servers: readonly ServerEntry[],
    probe: boolean,
    resolve: (reply: Packet) => void,
    reject: (error: unknown) => void,
  ) {
    this.#context = context;
    this.packet = packet;
    this.#kind = kind;
    this.#servers = servers;
    this.#probe = probe;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  /** Whether the exchange has ended. */
  get settled(): boolean {
    return this.#settled;
  }

  /**
   * Sends the first transmission.
   *
   * @param signal Cancels the exchange.
   */
  start(signal: AbortSignal | undefined): void {
    const context = this.#context;
    const packet = this.packet;
    if (packet.code === Code.AccountingRequest) {
      const delay = packet.get("Acct-Delay-Time");
      this.#baseDelay = this.#delay = typeof delay === "number" ? delay : 0;
    }
    if (signal !== undefined) {
      this.#signal = signal;
      this.#onAbort = () => {
        if (this.#settled) return;
        context.counters.aborted++;
        this.#settle();
        this.#reject(signal.reason);
      };
      signal.addEventListener("abort", this.#onAbort, { once: true });
    }
    context.active.add(this);
    context.counters.requests++;
    this.#firstSent = Date.now();
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
    const context = this.#context;
    const server = transmission.server;
    const request = this.packet.code;
    let failure: VerificationFailure | undefined;
    try {
      failure = checkResponse(
        data,
        server.secretBytes,
        transmission.authenticator,
        context.requireMessageAuthenticator &&
          (request === Code.AccessRequest || request === Code.StatusServer),
      );
    } catch {
      context.counters.drop("malformed");
      this.#dropped.malformed = (this.#dropped.malformed ?? 0) + 1;
      return;
    }
    if (failure !== undefined) {
      context.counters.dropUnverified(failure);
      this.#dropped[failure] = (this.#dropped[failure] ?? 0) + 1;
      return;
    }
    // Verified: only the server (or someone with the secret) sent it.
    context.servers.markUp(server);
    const name = codeName(request);
    const answers = ANSWERS.get(request);
    if (answers !== undefined && !answers.has(data[0]!)) {
      context.counters.invalidReplies++;
      this.fail(new ResponseVerificationError(name, `${codeName(data[0]!)} does not answer it`));
      return;
    }
    this.packet.id = transmission.id;
    this.packet.authenticator = transmission.authenticator;
    let reply: Packet;
    try {
      // The transport hands `data` over (DatagramTransport contract): no copy.
      reply = decodeOwnedDatagram(data, {
        dictionary: context.dictionary,
        secret: server.secret,
        request: this.packet,
      });
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

  #toServer(index: number): void {
    const server = this.#servers[index]!;
    const retry = this.#context.retry;
    this.#index = index;
    this.#schedule = new RetrySchedule(
      this.#probe
        ? {
          initialTimeout: Math.min(retry.initialTimeout, this.#context.probeInterval),
          maxRetransmissions: 0,
          maxTimeout: 0,
          maxDuration: 0,
          jitter: 0,
        }
        : retry,
    );
    this.#serverStart = Date.now();
    this.#attempts.push({
      server: formatEndpoint(server.host, server.ports[this.#kind]),
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
    const port = server.ports[this.#kind];
    const packet = this.packet;
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
      const sockets = context.sockets;
      const slot = sockets.tryAcquire(server.family) ?? await sockets.acquire(server.family);
      if (this.#settled) {
        sockets.release(slot.channel, slot.id);
        return;
      }
      if (packet.code === Code.StatusServer && this.#sent > 0) {
        packet.authenticator = randomBytes(16);
      }
      packet.id = slot.id;
      let bytes: Uint8Array;
      try {
        bytes = packet.encode(server.secret);
      } catch (error) {
        sockets.release(slot.channel, slot.id);
        throw error;
      }
      const transmission: Transmission = {
        exchange: this,
        channel: slot.channel,
        id: slot.id,
        authenticator: packet.authenticator.slice(),
        server,
        port,
      };
      slot.channel.pending[slot.id] = transmission;
      this.#transmissions.push(transmission);
      this.#current = transmission;
      this.#bytes = bytes;
    }
    const transmission = this.#current!;
    context.counters.sent++;
    if (this.#sent++ > 0) context.counters.retransmitted++;
    this.#attempts.at(-1)!.transmissions++;
    const wait = this.#schedule!.next(Date.now() - this.#serverStart);
    this.#timer = setTimeout(() => this.#expire(), wait);
    try {
      await transmission.channel.socket.send(this.#bytes!, { hostname: server.host, port });
    } catch (error) {
      // Treated as a lost datagram: the timer retransmits or gives up.
      context.counters.sendErrors++;
      this.#lastError = error;
    }
  }

  #expire(): void {
    this.#timer = undefined;
    if (this.#settled) return;
    const context = this.#context;
    const now = Date.now();
    if (this.#schedule!.canRetransmit(now - this.#serverStart)) {
      this.#run(false);
      return;
    }
    if (!this.#probe) {
      const server = this.#servers[this.#index]!;
      context.servers.markDown(server, now);
      context.serverDown(server);
    }
    if (this.#index + 1 < this.#servers.length) {
      context.counters.failovers++;
      this.#toServer(this.#index + 1);
      return;
    }
    context.counters.timeouts++;
    this.fail(
      new TimeoutError(codeName(this.packet.code), this.#attempts, this.#dropped, {
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
      if (transmission.channel.pending[transmission.id] === transmission) {
        this.#context.sockets.release(transmission.channel, transmission.id);
      }
    }
    if (this.#onAbort !== undefined) {
      this.#signal?.removeEventListener("abort", this.#onAbort);
    }
    this.#context.active.delete(this);
  }
}

/**
 * Hands a datagram that arrived on a client socket to the exchange waiting
 * for it, or counts it dropped.
 *
 * @param counters Where drops are counted.
 * @param channel The socket it arrived on.
 * @param data The datagram.
 * @param from Its source.
 */
export function dispatchReply(
  counters: ClientCounters,
  channel: Channel<Transmission>,
  data: Uint8Array,
  from: Address,
): void {
  if (data.length < 20) {
    counters.drop("malformed");
    return;
  }
  const transmission = channel.pending[data[1]!];
  if (transmission === undefined) {
    counters.drop("unexpected");
    return;
  }
  // RFC 2865 §3 / RFC 5080 §2.2.1: replies match by source address, port and Identifier.
  const server = transmission.server;
  if (
    from.port !== transmission.port ||
    (from.hostname !== server.host && canonicalHost(from.hostname) !== server.host)
  ) {
    counters.drop("wrongSource");
    return;
  }
  transmission.exchange.receive(transmission, data);
}
