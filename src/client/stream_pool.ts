/**
 * The client's TCP and TLS connections: one per server and port, opened by
 * the first request that needs it and shared by every request after it;
 * opened again at once when it closes with requests waiting (after it had
 * answered), with a growing delay after attempts that fail (RFC 6614bis:
 * never reconnect at once after a failed attempt). A server whose
 * connection cannot be opened, or that closes it without answering, or
 * whose connection the watchdog finds dead, is marked down.
 *
 * @module
 */
import { formatAddress } from "../address.ts";
import type { AnyAttributes } from "../attribute_map.ts";
import type { DictionaryView } from "../codec/attribute.ts";
import { Code } from "../codec/code.ts";
import { checkResponse } from "../codec/packet_codec.ts";
import type { Logger } from "../logger.ts";
import { Packet } from "../packet.ts";
import type { StreamConnection, StreamTransport, TlsDetails } from "../stream_transport.ts";
import { ClientClosedError, ServerConnectionError } from "./errors.ts";
import type { ServerEntry, ServerPool } from "./server_pool.ts";
import type { ClientConnectionCloseReason, ConnectionCounters } from "./stats.ts";
import { StreamSession } from "./stream_session.ts";
import { refusePeer, refuseProtocol } from "./tls_options.ts";
import { ALPN_RADIUS_1_1 } from "../codec/radius11.ts";
import { encodeRadius11 } from "../radius11.ts";

/** One Identifier on one connection. */
export interface StreamSlot<T> {
  readonly session: StreamSession<T>;
  readonly id: number;
}

/** Why the requests that waited on a connection cannot be sent again on a new one. */
export interface ConnectionFailure {
  /** What happened, naming the server. */
  readonly error: ServerConnectionError;
  /** The watchdog found the server silent: the requests count as unanswered. */
  readonly noReply: boolean;
}

/** How a {@linkcode StreamPool} connects and what it reports to. */
export interface StreamPoolOptions<T> {
  readonly streams: StreamTransport;
  /** `"TCP"` or `"TLS"`, for messages. */
  readonly protocol: "TCP" | "TLS";
  /** The Status-Server watchdog interval in ms; 0 for none. */
  readonly watchdog: number;
  /** How long the watchdog waits for its reply, in ms. */
  readonly watchdogTimeout: number;
  /** How long a connection attempt (TCP and TLS handshake) may take, in ms. */
  readonly connectTimeout: number;
  /** Builds the watchdog's Status-Server. */
  readonly dictionary: DictionaryView<AnyAttributes>;
  /** Whether the watchdog's reply must carry a Message-Authenticator. */
  readonly requireMessageAuthenticator: boolean;
  readonly servers: ServerPool;
  readonly counters: ConnectionCounters;
  readonly logger: Logger;
  /** A framed packet from a connection. */
  reply(session: StreamSession<T>, packet: Uint8Array): void;
  /**
   * A transmission's connection closed before its reply: send it again on a
   * new connection (`failure` undefined), or give the server up.
   */
  lost(transmission: T, failure: ConnectionFailure | undefined): void;
  /** A server was marked down. */
  serverDown(server: ServerEntry): void;
}

/** The connection to one server's port, across reconnects. */
interface Link<T> {
  readonly server: ServerEntry;
  readonly port: number;
  session: StreamSession<T> | undefined;
  connecting: Promise<StreamSession<T>> | undefined;
  /** Attempts that failed in a row. */
  failures: number;
  /** No attempt before this time (ms since the epoch). */
  retryAt: number;
  /** Why the last attempt failed. */
  lastError: ServerConnectionError | undefined;
  /** Connections opened so far. */
  opened: number;
}

/** The first delay after a failed attempt, and the longest. */
const RECONNECT_MIN = 1000;
const RECONNECT_MAX = 30000;

/**
 * How long to wait before the next attempt after `failures` in a row: 0
 * after none (a connection that worked and closed is opened again at once),
 * then 1 s doubling up to 30 s, each ±10 % so that clients do not come back
 * all at once.
 *
 * @param failures Attempts that failed in a row.
 * @param random A source of numbers in [0, 1).
 * @returns Milliseconds.
 */
export function reconnectDelay(failures: number, random: () => number = Math.random): number {
  if (failures <= 0) return 0;
  const base = Math.min(RECONNECT_MAX, RECONNECT_MIN * 2 ** Math.min(failures - 1, 16));
  return Math.round(base * (0.9 + 0.2 * random()));
}

/**
 * The connections of one client.
 *
 * @example Usage
 * ```ts ignore
 * const pool = new StreamPool(options);
 * const slot = await pool.acquire(server, 2083, "192.0.2.1", true);
 * slot.session.register(slot.id, transmission);
 * slot.session.write(bytes);
 * await pool.close();
 * ```
 */
export class StreamPool<T> {
  readonly #options: StreamPoolOptions<T>;
  readonly #links: Map<ServerEntry, Map<number, Link<T>>> = new Map();
  readonly #sessions: Set<StreamSession<T>> = new Set();
  readonly #abort: AbortController = new AbortController();
  #closed = false;

  /**
   * Creates a pool with no connection open.
   *
   * @param options The transport, watchdog settings, and what to report to.
   */
  constructor(options: StreamPoolOptions<T>) {
    this.#options = options;
  }

  /** Connections open now. */
  get size(): number {
    return this.#sessions.size;
  }

  /**
   * A free Identifier on the server's connection: at once when it is open
   * and has one, else once it is connected or an Identifier is freed.
   *
   * @param server The server.
   * @param port Its port for the request.
   * @param hostname Its address (an IP literal) if a connection must be opened.
   * @param hold Whether the connection keeps the process alive while the slot is held.
   * @returns The slot.
   * @throws {ServerConnectionError} when no connection can be had.
   * @throws {ClientClosedError} once the client is closed.
   */
  acquire(
    server: ServerEntry,
    port: number,
    hostname: string,
    hold: boolean,
  ): StreamSlot<T> | Promise<StreamSlot<T>> {
    const link = this.#link(server, port);
    const session = link.session;
    if (session !== undefined) {
      const id = session.tryAcquire(hold);
      if (id !== undefined) return { session, id };
    }
    return this.#acquire(link, hostname, hold);
  }

  async #acquire(link: Link<T>, hostname: string, hold: boolean): Promise<StreamSlot<T>> {
    for (;;) {
      if (this.#closed) throw new ClientClosedError();
      let session = link.session;
      if (session === undefined || !session.open) {
        link.connecting ??= this.#connect(link, hostname).finally(() => {
          link.connecting = undefined;
        });
        session = await link.connecting;
      }
      const id = session.tryAcquire(hold) ?? await session.waitForId(hold);
      if (id !== undefined) return { session, id };
    }
  }

  /**
   * Closes every connection in order (their queued writes go out first),
   * and stops the attempts under way.
   *
   * @returns A Promise that resolves once they are closed, or after a second
   * (those left are then reset).
   */
  async close(): Promise<void> {
    this.#closed = true;
    this.#abort.abort(new ClientClosedError());
    const sessions = [...this.#sessions];
    for (const session of sessions) session.end();
    const connecting = [...this.#links.values()].flatMap((ports) =>
      [...ports.values()].map((link) => link.connecting)
    );
    await Promise.allSettled(connecting);
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.all(sessions.map((session) => session.gone)),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, 1000))),
    ]);
    clearTimeout(timer);
    for (const session of sessions) session.destroy("client-closed");
  }

  #link(server: ServerEntry, port: number): Link<T> {
    let ports = this.#links.get(server);
    if (ports === undefined) this.#links.set(server, ports = new Map());
    let link = ports.get(port);
    if (link === undefined) {
      link = {
        server,
        port,
        session: undefined,
        connecting: undefined,
        failures: 0,
        retryAt: 0,
        lastError: undefined,
        opened: 0,
      };
      ports.set(port, link);
    }
    return link;
  }

  #label(link: Link<T>): string {
    return formatAddress({ hostname: link.server.name, port: link.port });
  }

  async #connect(link: Link<T>, hostname: string): Promise<StreamSession<T>> {
    const options = this.#options;
    const now = Date.now();
    if (now < link.retryAt && link.lastError !== undefined) {
      // RFC 6614bis: no new attempt before the delay after a failed one;
      // the request moves on to the next server instead.
      throw new ServerConnectionError(
        this.#label(link),
        options.protocol,
        `${link.lastError.reason}; next attempt in ${Math.ceil((link.retryAt - now) / 1000)} s`,
        { cause: link.lastError },
      );
    }
    const server = link.server;
    const tls = server.tls;
    // The attempt ends with the client, or after connectTimeout.
    const attempt = new AbortController();
    const abort = () => attempt.abort(new ClientClosedError());
    this.#abort.signal.addEventListener("abort", abort, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      attempt.abort(new Error(`no connection within ${options.connectTimeout} ms`));
    }, options.connectTimeout);
    let connection: StreamConnection;
    try {
      connection = await options.streams.connect({
        hostname,
        port: link.port,
        ...(tls === undefined ? {} : { tls: tls.connect }),
        signal: attempt.signal,
      });
    } catch (error) {
      if (this.#closed) throw new ClientClosedError();
      throw this.#failed(
        link,
        timedOut ? `no connection within ${options.connectTimeout} ms` : describe(error),
        error,
      );
    } finally {
      clearTimeout(timer);
      this.#abort.signal.removeEventListener("abort", abort);
    }
    if (this.#closed) {
      connection.destroy();
      throw new ClientClosedError();
    }
    let radius11 = false;
    if (tls !== undefined) {
      let details: TlsDetails | undefined;
      try {
        details = await connection.handshake();
      } catch (error) {
        connection.destroy();
        throw this.#failed(link, describe(error), error);
      }
      const refusal = refusePeer(details, tls.pins) ?? refuseProtocol(details, tls.radius11);
      if (refusal !== undefined) {
        connection.destroy();
        throw this.#failed(link, refusal, undefined);
      }
      // RFC 9765 §3.4: RADIUS/1.1 over TLS 1.3 only.
      radius11 = details?.alpnProtocol === ALPN_RADIUS_1_1 && details.protocol === "TLSv1.3";
    }
    const session = this.#session(link, connection, radius11);
    link.session = session;
    this.#sessions.add(session);
    options.counters.opened++;
    if (link.opened++ > 0) options.counters.reconnects++;
    options.logger.debug("connected", { server: this.#label(link), protocol: options.protocol });
    return session;
  }

  #session(link: Link<T>, connection: StreamConnection, radius11: boolean): StreamSession<T> {
    const options = this.#options;
    const server = link.server;
    return new StreamSession<T>(connection, {
      watchdog: options.watchdog,
      watchdogTimeout: options.watchdogTimeout,
      reply: options.reply,
      probe: (session) => {
        options.counters.watchdogs++;
        const packet = Packet.create(Code.StatusServer, options.dictionary, {}, { id: 0 });
        if (session.radius11) {
          const bytes = encodeRadius11(packet, session.token(0));
          return { bytes, authenticator: bytes.slice(4, 8) };
        }
        const bytes = packet.encode(server.secret);
        return { bytes, authenticator: packet.authenticator.slice() };
      },
      verify: (packet, authenticator) => {
        try {
          return checkResponse(
            packet,
            server.secretBytes,
            authenticator,
            options.requireMessageAuthenticator,
          ) === undefined;
        } catch {
          return false;
        }
      },
      closed: (session, reason, error, pending) =>
        this.#closedSession(link, session, reason, error, pending),
    }, radius11);
  }

  #closedSession(
    link: Link<T>,
    session: StreamSession<T>,
    reason: ClientConnectionCloseReason,
    error: unknown,
    pending: T[],
  ): void {
    const options = this.#options;
    options.counters.closedBy[reason]++;
    this.#sessions.delete(session);
    if (link.session === session) link.session = undefined;
    options.logger.debug("connection closed", {
      server: this.#label(link),
      reason,
      ...(error === undefined ? {} : { error: describe(error) }),
    });
    if (reason === "client-closed") return;
    let failure: ConnectionFailure | undefined;
    if (reason === "watchdog") {
      failure = {
        error: this.#failed(
          link,
          `no reply to the Status-Server watchdog within ${options.watchdogTimeout} ms`,
          undefined,
          false,
        ),
        noReply: true,
      };
    } else if (reason === "framing") {
      failure = {
        error: this.#failed(link, "the server sent a packet Length out of range", error, false),
        noReply: false,
      };
    } else if (pending.length > 0 && !session.answered) {
      // Closed before anything it carried was answered: a server that
      // refuses this client (a TLS client certificate it does not accept,
      // for one), not a connection that broke. Sending again would get the
      // same; the server is down.
      const why = error === undefined ? "the server closed the connection" : describe(error);
      failure = {
        error: this.#failed(
          link,
          `${why} before answering anything (does it accept this client, its certificate ` +
            "and its shared secret?)",
          error,
        ),
        noReply: false,
      };
    } else {
      link.failures = 0;
      link.retryAt = 0;
      link.lastError = undefined;
    }
    for (const transmission of pending) options.lost(transmission, failure);
  }

  /**
   * Counts a failed attempt, delays the next one and marks the server down.
   *
   * @returns The error for the requests that waited.
   */
  #failed(
    link: Link<T>,
    reason: string,
    cause: unknown,
    attempt: boolean = true,
  ): ServerConnectionError {
    const options = this.#options;
    const now = Date.now();
    if (attempt) options.counters.failed++;
    link.failures++;
    link.retryAt = now + reconnectDelay(link.failures);
    const error = new ServerConnectionError(
      this.#label(link),
      options.protocol,
      reason,
      cause === undefined ? undefined : { cause },
    );
    link.lastError = error;
    const server = link.server;
    const servers = options.servers;
    const wasDown = servers.isDown(server, now);
    servers.markDown(server, now);
    if (!wasDown) {
      options.logger.warn("server down: its connection failed", {
        server: this.#label(link),
        protocol: options.protocol,
        error: reason,
      });
    }
    options.serverDown(server);
    return error;
  }
}

/** An error's message, or its text. */
function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === "string" && !error.message.includes(code)
      ? `${error.message} (${code})`
      : error.message;
  }
  return String(error);
}
