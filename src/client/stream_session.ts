/**
 * One open TCP or TLS connection of the client: its Identifiers (RFC 6613
 * §2.6.5: 256 per connection), the requests waiting on it, the replies cut
 * out of its byte stream by their Length (RFC 6613 §2.6.4), and its
 * Status-Server watchdog (RFC 3539 §3.4, RFC 6613 §2.4). The connection is
 * unref'ed while no request holds one of its Identifiers, so that it does
 * not keep the process alive.
 *
 * @module
 */
import type { StreamConnection } from "../stream_transport.ts";
import { PacketFramer } from "../stream/packet_framer.ts";
import { radius11Token } from "../codec/radius11.ts";
import { randomBytes } from "../crypto/random.ts";
import { IdAllocator } from "./id_allocator.ts";
import type { ClientConnectionCloseReason } from "./stats.ts";
import { unrefTimer } from "./timers.ts";

/**
 * RFC 6614bis (draft-ietf-radext-radiusdtls-bis, "Detecting Live Servers")
 * recommends keeping Identifier 0 of each connection for Status-Server, so
 * that the watchdog can be sent even when every other Identifier waits.
 */
const WATCHDOG_ID = 0;

/** What a session needs from its pool. */
export interface SessionHooks<T> {
  /** The watchdog interval in ms; 0 for none. */
  readonly watchdog: number;
  /** How long the watchdog waits for its reply, in ms. */
  readonly watchdogTimeout: number;
  /** A framed packet that is not the watchdog's reply. */
  reply(session: StreamSession<T>, packet: Uint8Array): void;
  /** A Status-Server with Identifier 0, and its Request Authenticator. */
  probe(session: StreamSession<T>): {
    readonly bytes: Uint8Array;
    readonly authenticator: Uint8Array;
  };
  /** Whether a reply to the probe verifies. */
  verify(packet: Uint8Array, authenticator: Uint8Array): boolean;
  /** Called once, when the connection has closed, with the transmissions that waited on it. */
  closed(
    session: StreamSession<T>,
    reason: ClientConnectionCloseReason,
    error: unknown,
    pending: T[],
  ): void;
}

interface Waiter {
  readonly hold: boolean;
  resolve(id: number | undefined): void;
}

/**
 * One connection and its Identifiers.
 *
 * @example Usage
 * ```ts ignore
 * const session = new StreamSession(connection, hooks);
 * const id = session.tryAcquire(true) ?? await session.waitForId(true);
 * session.register(id, transmission);
 * session.write(bytes);
 * session.release(id, transmission);
 * ```
 */
export class StreamSession<T> {
  readonly #connection: StreamConnection;
  readonly #hooks: SessionHooks<T>;
  readonly #ids: IdAllocator;
  /** By Identifier: the transmission waiting for its reply. */
  readonly pending: (T | undefined)[] = new Array(256);
  readonly #holds: Uint8Array = new Uint8Array(256);
  #held = 0;
  #waiting = 0;
  #waiters: Waiter[] = [];
  readonly #framer: PacketFramer = new PacketFramer();
  #state: "open" | "closing" | "closed" = "open";
  /** Why this side closed it, when it did. */
  #reason: ClientConnectionCloseReason | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** The last packet received, or the moment requests began to wait. */
  #lastHeard: number;
  /** The last packet received or sent. */
  #lastActivity: number;
  /** The watchdog's Request Authenticator while it waits for its reply. */
  #probe: Uint8Array | undefined;
  #probeSent = 0;
  /** Whether a reply that verified came on this connection. */
  answered = false;
  /**
   * RADIUS/1.1 (RFC 9765) was negotiated: requests carry a Token, whose low
   * octet is the request's slot here (so a reply finds its request at
   * once) and whose upper 24 bits count up per request (§4.2.1: a Token is
   * not reused soon).
   */
  readonly radius11: boolean;
  readonly #tokens: Uint32Array = new Uint32Array(256);
  #counter: number;
  /** Resolves once the connection is closed. */
  readonly gone: Promise<void>;
  #markGone!: () => void;

  /**
   * Takes an open connection and starts reading it.
   *
   * @param connection The connection, ready and not started.
   * @param hooks What the session reports to, and its watchdog settings.
   */
  constructor(connection: StreamConnection, hooks: SessionHooks<T>, radius11 = false) {
    this.#connection = connection;
    this.#hooks = hooks;
    this.radius11 = radius11;
    const start = randomBytes(3);
    this.#counter = (start[0]! << 16) | (start[1]! << 8) | start[2]!;
    this.gone = new Promise((resolve) => (this.#markGone = resolve));
    if (hooks.watchdog > 0) {
      this.#ids = new IdAllocator(WATCHDOG_ID);
      this.#ids.acquire(); // WATCHDOG_ID, kept
    } else {
      this.#ids = new IdAllocator();
    }
    this.#lastHeard = this.#lastActivity = Date.now();
    connection.start({
      onData: (data) => this.#data(data),
      onClose: (error) => this.#finish(error),
    });
    // Idle until a request holds one of its Identifiers.
    connection.unref?.();
    this.#arm(hooks.watchdog);
  }

  /** Whether it still takes requests. */
  /**
   * A new RADIUS/1.1 Token for the request in slot `id`.
   *
   * @param id The slot, 0..255.
   * @returns The Token to send.
   */
  token(id: number): number {
    this.#counter = (this.#counter + 1) & 0xffffff;
    const token = (this.#counter * 256 + id) >>> 0;
    this.#tokens[id] = token;
    return token;
  }

  /**
   * The slot a reply answers: its Identifier, or over RADIUS/1.1 the low
   * octet of a Token this session gave out.
   *
   * @param packet A framed packet.
   * @returns The slot, or `undefined` for a Token nobody here holds.
   */
  slotOf(packet: Uint8Array): number | undefined {
    if (!this.radius11) return packet[1]!;
    const token = radius11Token(packet);
    const id = token & 0xff;
    return this.#tokens[id] === token ? id : undefined;
  }

  get open(): boolean {
    return this.#state === "open";
  }

  /**
   * A free Identifier, at once.
   *
   * @param hold Whether the connection keeps the process alive while it is held.
   * @returns The Identifier, or `undefined` when all are in use or the session is closing.
   */
  tryAcquire(hold: boolean): number | undefined {
    if (this.#state !== "open") return undefined;
    const id = this.#ids.acquire();
    if (id !== undefined && hold) this.#hold(id);
    return id;
  }

  /**
   * An Identifier once one is freed.
   *
   * @param hold Whether the connection keeps the process alive while it is held.
   * @returns The Identifier, or `undefined` once the session closes first.
   */
  waitForId(hold: boolean): Promise<number | undefined> {
    if (this.#state !== "open") return Promise.resolve(undefined);
    return new Promise((resolve) => this.#waiters.push({ hold, resolve }));
  }

  /**
   * Records what waits for the reply with an Identifier.
   *
   * @param id An Identifier acquired from this session.
   * @param transmission What the reply goes to.
   * @returns `false` when the connection has closed since the Identifier
   * was handed out: nothing will come for it, nor a report of its loss.
   */
  register(id: number, transmission: T): boolean {
    if (this.#state === "closed") return false;
    this.pending[id] = transmission;
    // The watchdog's clock of "no reply while requests wait" starts now.
    if (this.#waiting++ === 0) this.#lastHeard = Date.now();
    return true;
  }

  /**
   * Sends bytes. Never more than 255 requests are written without their
   * replies, so what TCP has not taken yet stays bounded: the high-water
   * mark is not waited for.
   *
   * @param bytes One encoded packet.
   */
  write(bytes: Uint8Array): void {
    if (this.#state !== "open") return;
    this.#lastActivity = Date.now();
    this.#connection.write(bytes);
  }

  /**
   * Frees an Identifier, handing it straight to a request that waits for one.
   *
   * @param id The Identifier.
   * @param owner When given, only if it still waits for this transmission.
   */
  release(id: number, owner?: T): void {
    const pending = this.pending[id];
    if (owner !== undefined && pending !== owner) return;
    if (this.#state === "closed") return;
    if (pending !== undefined) {
      this.pending[id] = undefined;
      this.#waiting--;
    }
    if (this.#holds[id] === 1) {
      this.#holds[id] = 0;
      if (--this.#held === 0) this.#connection.unref?.();
    }
    const waiter = this.#state === "open" ? this.#waiters.shift() : undefined;
    if (waiter !== undefined) {
      if (waiter.hold) this.#hold(id);
      waiter.resolve(id);
    } else {
      this.#ids.release(id);
    }
  }

  /** Closes in order (its queued writes go out first): `Client.close()`. */
  end(): void {
    if (this.#state !== "open") return;
    this.#closing("client-closed");
    this.#connection.end();
  }

  /**
   * Closes at once.
   *
   * @param reason Why, for the counters.
   */
  destroy(reason: ClientConnectionCloseReason): void {
    if (this.#state === "closed") return;
    if (this.#state === "open") this.#closing(reason);
    this.#connection.destroy();
  }

  #closing(reason: ClientConnectionCloseReason): void {
    this.#state = "closing";
    this.#reason = reason;
    this.#stopWatchdog();
    for (const waiter of this.#waiters.splice(0)) waiter.resolve(undefined);
  }

  #hold(id: number): void {
    this.#holds[id] = 1;
    if (this.#held++ === 0) this.#connection.ref?.();
  }

  #data(data: Uint8Array): void {
    if (this.#state !== "open") return;
    const failure = this.#framer.push(data, (packet) => this.#packet(packet));
    if (failure !== undefined) this.destroy("framing");
  }

  #packet(packet: Uint8Array): void {
    if (this.#state !== "open") return;
    const now = Date.now();
    this.#lastHeard = this.#lastActivity = now;
    const probe = this.#probe;
    if (this.slotOf(packet) === WATCHDOG_ID && probe !== undefined && this.#hooks.watchdog > 0) {
      // Over RADIUS/1.1 the Token is the whole check (TLS authenticated the server).
      if (this.radius11 || this.#hooks.verify(packet, probe)) {
        this.#probe = undefined;
        this.answered = true;
        this.#arm(this.#hooks.watchdog);
      }
      return;
    }
    this.#hooks.reply(this, packet);
  }

  /** (Re)starts the watchdog timer. */
  #arm(delay: number): void {
    if (this.#hooks.watchdog === 0 || this.#state !== "open") return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#tick(), Math.max(1, delay));
    // The watchdog alone must not keep the process alive; requests waiting
    // on the connection do (it is ref'ed while they hold an Identifier).
    unrefTimer(this.#timer);
  }

  /**
   * RFC 3539 §3.4: when nothing has been heard for the watchdog interval,
   * send a watchdog request; when nothing at all has been heard since it
   * went out, once its timeout has passed, the connection is dead.
   */
  #tick(): void {
    this.#timer = undefined;
    if (this.#state !== "open") return;
    const now = Date.now();
    const hooks = this.#hooks;
    if (this.#probe !== undefined) {
      if (this.#lastHeard < this.#probeSent) {
        this.destroy("watchdog");
        return;
      }
      // Other replies came: the connection lives, even if the server does
      // not answer Status-Server.
      this.#probe = undefined;
    }
    const since = this.#waiting > 0 ? this.#lastHeard : this.#lastActivity;
    const due = since + hooks.watchdog;
    if (now < due) {
      this.#arm(due - now);
      return;
    }
    const { bytes, authenticator } = hooks.probe(this);
    this.#probe = authenticator;
    this.#probeSent = now;
    this.write(bytes);
    this.#arm(hooks.watchdogTimeout);
  }

  #stopWatchdog(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #finish(error: Error | undefined): void {
    if (this.#state === "closed") return;
    if (this.#state === "open") this.#closing(error === undefined ? "server-closed" : "reset");
    this.#state = "closed";
    const pending: T[] = [];
    for (let id = 0; id < 256; id++) {
      const transmission = this.pending[id];
      if (transmission !== undefined) pending.push(transmission);
      this.pending[id] = undefined;
    }
    this.#waiting = 0;
    this.#markGone();
    this.#hooks.closed(this, this.#reason!, error, pending);
  }
}
