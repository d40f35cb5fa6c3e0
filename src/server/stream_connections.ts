/**
 * The server's TCP and TLS connections: accepting them within limits,
 * timing their handshakes, identifying their client once, framing their
 * packets, pacing them, and closing them with a counted reason.
 *
 * @module
 */
import { portNameOf } from "../ports.ts";
import type { PortName } from "../ports.ts";
import type { StreamConnection, TlsDetails } from "../stream_transport.ts";
import { PacketFramer } from "../stream/packet_framer.ts";
import type { Address } from "../transport.ts";
import { refuseCertificate } from "./certificate_policy.ts";
import {
  type CheckedConnectionLimits,
  CONNECTION_CLOSE_REASONS,
  type ConnectionCloseReason,
  type ConnectionStats,
} from "./connection_limits.ts";
import type { Listener, TransportKind } from "./listener.ts";
import { type ResolvedNas, unmapIPv4 } from "./nas_table.ts";
import type { DropReason } from "./stats.ts";
import { ALPN_RADIUS_1_1, radius11Token } from "../codec/radius11.ts";

/**
 * Whether a TLS port speaks RADIUS/1.1 (RFC 9765 §3.3): `"off"` offers no
 * ALPN and speaks RADIUS/1.0 only; `"prefer"` offers `radius/1.1` and
 * `radius/1.0` and speaks whichever the client chose (1.0 when it chose
 * none); `"require"` offers `radius/1.1` only and closes connections that
 * did not negotiate it.
 *
 * @example Usage
 * ```ts
 * import { Dictionary, type Radius11Policy, Server } from "@radkit/radius";
 * import { MemoryStreams } from "@radkit/radius/testing";
 * import { readFileSync } from "node:fs";
 * import assert from "node:assert/strict";
 *
 * const radius11: Radius11Policy = "require"; // RADIUS/1.1 or nothing
 * const server = new Server({
 *   streams: new MemoryStreams(),
 *   dictionary: Dictionary.default(),
 *   clients: [{ address: "192.0.2.0/24" }],
 * });
 * const pki = "tests/fixtures/tls/";
 * const bound = await server.listen({
 *   hostname: "192.0.2.10",
 *   tls: {
 *     port: 2083,
 *     cert: readFileSync(`${pki}server.pem`),
 *     key: readFileSync(`${pki}server.key`),
 *     ca: readFileSync(`${pki}ca.pem`),
 *     radius11,
 *   },
 * });
 * assert.equal(bound.tls?.port, 2083);
 * await server.close();
 * ```
 */
export type Radius11Policy = "off" | "prefer" | "require";

/** How one listening port's connections are served. */
export interface PortPolicy {
  readonly kind: TransportKind;
  readonly radius11: Radius11Policy;
}

/** RFC 6614 §2.3: the shared secret of RADIUS/TLS when none is configured. */
const RADSEC_SECRET = new TextEncoder().encode("radsec");

/**
 * Drops after which a stream cannot be trusted any more (RFC 6613 §2.6.4):
 * the framing may be lost, or the peer does not know the secret.
 */
const INVALID: ReadonlySet<DropReason> = new Set<DropReason>([
  "malformed",
  "too-many-attributes",
  "bad-authenticator",
  "bad-message-authenticator",
  "wrong-port",
]);

/** What the connections need from the server. */
export interface ConnectionHost {
  /** Whether new connections are still welcome. */
  accepting(): boolean;
  /** The client for a source address: found, looked up, or `undefined` (throws for a failed lookup). */
  identify(remote: Address): ResolvedNas | undefined | PromiseLike<ResolvedNas | undefined>;
  /** Runs one framed packet through the pipeline. */
  receive(listener: Listener, packet: Uint8Array, client: ResolvedNas): void;
  /** Debug logging. */
  debug(message: string, fields: Record<string, unknown>): void;
}

/** One accepted connection. */
class Served {
  readonly connection: StreamConnection;
  readonly kind: TransportKind;
  readonly policy: PortPolicy;
  /** RADIUS/1.1 negotiated: the Tokens of requests in flight (RFC 9765 §4.2.2). */
  tokens: Set<number> | undefined;
  /** The source address, IPv4-mapped IPv6 unmapped: the per-address count's key. */
  readonly address: string;
  state: "handshake" | "open" | "closed" = "handshake";
  client: ResolvedNas | undefined;
  tls: TlsDetails | undefined;
  readonly framer = new PacketFramer();
  inFlight = 0;
  /** Not reading: too many requests in flight, or replies backed up. */
  heldByRequests = false;
  heldByWrites = false;
  lastActivity = 0;
  timer: ReturnType<typeof setTimeout> | undefined;
  packetTimer: ReturnType<typeof setTimeout> | undefined;
  /** One pipeline listener per port name, sharing the connection's duplicate-cache tag. */
  readonly listeners: Partial<Record<PortName, Listener>> = {};
  /** Resolves once the connection is closed (for a started one: once the transport says so). */
  readonly gone: Promise<void>;
  markGone!: () => void;

  constructor(connection: StreamConnection, policy: PortPolicy) {
    this.connection = connection;
    this.kind = policy.kind;
    this.policy = policy;
    this.address = unmapIPv4(connection.remote.hostname);
    this.gone = new Promise((resolve) => (this.markGone = resolve));
  }
}

/** Every stream connection of one server. */
export class StreamConnections {
  readonly #host: ConnectionHost;
  readonly #limits: CheckedConnectionLimits;
  readonly #open = new Set<Served>();
  readonly #perAddress = new Map<string, number>();
  #accepted = 0;
  readonly #closedBy = Object.fromEntries(
    CONNECTION_CLOSE_REASONS.map((reason) => [reason, 0]),
  ) as Record<ConnectionCloseReason, number>;
  #nextTag = 0;
  /** TLS clients without a secret of their own use "radsec": one derived entry each. */
  readonly #radsec = new WeakMap<ResolvedNas, ResolvedNas>();

  constructor(host: ConnectionHost, limits: CheckedConnectionLimits) {
    this.#host = host;
    this.#limits = limits;
  }

  /** The counters. */
  stats(): ConnectionStats {
    return { accepted: this.#accepted, open: this.#open.size, closedBy: { ...this.#closedBy } };
  }

  /** Takes a connection a stream listener accepted. */
  accept(connection: StreamConnection, policy: PortPolicy): void {
    this.#accepted++;
    const limits = this.#limits;
    let refusal: ConnectionCloseReason | undefined;
    const address = unmapIPv4(connection.remote.hostname);
    if (!this.#host.accepting()) refusal = "server-closing";
    else if (this.#open.size >= limits.maxConnections) refusal = "too-many-connections";
    else if ((this.#perAddress.get(address) ?? 0) >= limits.maxConnectionsPerAddress) {
      refusal = "too-many-from-address";
    }
    if (refusal !== undefined) {
      this.#closedBy[refusal]++;
      this.#host.debug(`refused a connection: ${refusal}`, {
        reason: refusal,
        from: connection.remote,
      });
      connection.destroy();
      return;
    }
    const served = new Served(connection, policy);
    this.#open.add(served);
    this.#perAddress.set(address, (this.#perAddress.get(address) ?? 0) + 1);
    served.timer = setTimeout(
      () => this.#close(served, "handshake-timeout"),
      limits.handshakeTimeout,
    );
    connection.handshake().then(
      (details) => this.#identify(served, details),
      (error) => this.#close(served, "handshake-failed", error),
    );
  }

  #identify(served: Served, details: TlsDetails | undefined): void {
    if (served.state === "closed") return;
    served.tls = details;
    let found: ResolvedNas | undefined | PromiseLike<ResolvedNas | undefined>;
    try {
      found = this.#host.identify(served.connection.remote);
    } catch (error) {
      return this.#close(served, "unknown-client", error);
    }
    if (typeof (found as PromiseLike<unknown> | undefined)?.then === "function") {
      (found as PromiseLike<ResolvedNas | undefined>).then(
        (client) => this.#admit(served, client),
        (error) => this.#close(served, "unknown-client", error),
      );
    } else {
      this.#admit(served, found as ResolvedNas | undefined);
    }
  }

  #admit(served: Served, client: ResolvedNas | undefined): void {
    if (served.state === "closed") return;
    if (client === undefined) return this.#close(served, "unknown-client");
    if (served.kind === "tls") {
      const refusal = refuseCertificate(served.tls, client.certificate);
      if (refusal !== undefined) return this.#close(served, refusal);
      // RFC 9765 §3.4: RADIUS/1.1 runs over TLS 1.3 or later only.
      const radius11 = served.tls?.alpnProtocol === ALPN_RADIUS_1_1 &&
        served.tls.protocol === "TLSv1.3";
      if (radius11) served.tokens = new Set();
      else if (served.policy.radius11 === "require") {
        return this.#close(served, "alpn-refused", undefined, {
          alpn: served.tls?.alpnProtocol,
          protocol: served.tls?.protocol,
        });
      }
      if (client.secret === undefined && !radius11) client = this.#withRadsecSecret(client);
    } else if (client.secret === undefined) {
      return this.#close(served, "no-secret");
    }
    served.client = client;
    served.state = "open";
    clearTimeout(served.timer);
    served.timer = undefined;
    served.lastActivity = Date.now();
    this.#armIdle(served);
    served.connection.start({
      onData: (data) => this.#data(served, data),
      onClose: (error) => {
        this.#close(served, error === undefined ? "peer-closed" : "peer-reset", error);
        served.markGone();
      },
      onDrain: () => {
        served.heldByWrites = false;
        this.#pace(served);
      },
    });
  }

  #withRadsecSecret(client: ResolvedNas): ResolvedNas {
    let derived = this.#radsec.get(client);
    if (derived === undefined) {
      derived = { ...client, secret: RADSEC_SECRET };
      this.#radsec.set(client, derived);
    }
    return derived;
  }

  #data(served: Served, data: Uint8Array): void {
    if (served.state !== "open") return;
    served.lastActivity = Date.now();
    const failure = served.framer.push(data, (packet) => {
      if (served.state !== "open") return;
      const listener = served.tokens === undefined
        ? this.#listener(served, packet[0]!)
        : this.#tokenListener(served, packet);
      if (listener === undefined) return;
      served.inFlight++;
      this.#host.receive(listener, packet, served.client!);
    });
    if (failure !== undefined) {
      return this.#close(served, "bad-length", undefined, { length: failure.length });
    }
    if (served.state !== "open") return;
    if (served.framer.pending) {
      served.packetTimer ??= setTimeout(
        () => this.#close(served, "packet-timeout"),
        this.#limits.packetTimeout,
      );
    } else if (served.packetTimer !== undefined) {
      clearTimeout(served.packetTimer);
      served.packetTimer = undefined;
    }
    if (served.inFlight >= this.#limits.maxInFlightPerConnection) {
      served.heldByRequests = true;
      this.#pace(served);
    }
  }

  /** The pipeline's view of a connection for one kind of request. */
  #listener(served: Served, code: number): Listener {
    const port = portNameOf(code);
    let listener = served.listeners[port];
    if (listener === undefined) {
      const tag = served.listeners.auth?.tag ?? served.listeners.acct?.tag ??
        served.listeners.coa?.tag ?? `${served.kind}#${this.#nextTag++}`;
      const connection = served.connection;
      listener = {
        port,
        tag,
        transport: served.kind,
        tls: served.tls,
        peer: connection.remote,
        early: undefined,
        socket: {
          local: connection.local,
          send: (data) => {
            if (served.state === "closed") return;
            if (!connection.write(data)) {
              served.heldByWrites = true;
              this.#pace(served);
            }
          },
        },
        settled: (reason) => this.#settled(served, reason),
      };
      served.listeners[port] = listener;
    }
    return listener;
  }

  /**
   * A RADIUS/1.1 request's own listener, which carries its Token to the
   * reply and frees the Token when the request settles. A Token reused
   * while its request is outstanding closes the connection (RFC 9765
   * §4.2.2).
   */
  #tokenListener(served: Served, packet: Uint8Array): Listener | undefined {
    const token = radius11Token(packet);
    const tokens = served.tokens!;
    if (tokens.has(token)) {
      this.#close(served, "invalid-packet", undefined, { token, reused: true });
      return undefined;
    }
    tokens.add(token);
    const shared = this.#listener(served, packet[0]!);
    return {
      ...shared,
      radius11: true,
      token,
      settled: (reason) => {
        tokens.delete(token);
        this.#settled(served, reason);
      },
    };
  }

  #settled(served: Served, reason: DropReason | undefined): void {
    served.inFlight--;
    if (served.state !== "open") return;
    served.lastActivity = Date.now();
    if (reason !== undefined && INVALID.has(reason)) {
      return this.#close(served, "invalid-packet", undefined, { drop: reason });
    }
    if (served.heldByRequests && served.inFlight < this.#limits.maxInFlightPerConnection) {
      served.heldByRequests = false;
      this.#pace(served);
    }
  }

  /** Reads or stops reading, as the holds say. */
  #pace(served: Served): void {
    if (served.state !== "open") return;
    if (served.heldByRequests || served.heldByWrites) served.connection.pause();
    else served.connection.resume();
  }

  #armIdle(served: Served): void {
    const idle = this.#limits.idleTimeout;
    if (idle === 0) return;
    const wait = Math.max(1, served.lastActivity + idle - Date.now());
    served.timer = setTimeout(() => {
      served.timer = undefined;
      if (served.state !== "open") return;
      if (served.inFlight === 0 && Date.now() - served.lastActivity >= idle) {
        return this.#close(served, "idle-timeout");
      }
      if (served.inFlight > 0) served.lastActivity = Date.now();
      this.#armIdle(served);
    }, wait);
  }

  #close(
    served: Served,
    reason: ConnectionCloseReason,
    error?: unknown,
    fields?: Record<string, unknown>,
  ): void {
    if (served.state === "closed") return;
    const wasOpen = served.state === "open";
    served.state = "closed";
    clearTimeout(served.timer);
    clearTimeout(served.packetTimer);
    this.#open.delete(served);
    const count = (this.#perAddress.get(served.address) ?? 1) - 1;
    if (count === 0) this.#perAddress.delete(served.address);
    else this.#perAddress.set(served.address, count);
    this.#closedBy[reason]++;
    this.#host.debug(`closed a connection: ${reason}`, {
      reason,
      from: served.connection.remote,
      ...(served.client === undefined ? {} : { client: served.client.name }),
      ...(error === undefined ? {} : { error: (error as Error)?.message ?? String(error) }),
      ...fields,
    });
    if (reason === "server-closing" && wasOpen) served.connection.end();
    else if (reason !== "peer-closed" && reason !== "peer-reset") served.connection.destroy();
    // A started connection is gone when the transport says so (onClose).
    if (!wasOpen) served.markGone();
  }

  /**
   * Ends every connection: in order for those that are open (their replies
   * sent first), at once for those still in their handshake. Resolves when
   * all are closed, or after `wait` milliseconds (the rest are destroyed).
   */
  async closeAll(wait: number): Promise<void> {
    const all = [...this.#open];
    for (const served of all) this.#close(served, "server-closing");
    if (all.length === 0) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.all(all.map((served) => served.gone)),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, wait))),
    ]);
    clearTimeout(timer);
    for (const served of all) served.connection.destroy(); // those that did not end in time
  }
}
