/**
 * The RADIUS server: auth, accounting and dynamic-authorization (CoA,
 * Disconnect) ports over any {@linkcode DatagramTransport}, with per-client
 * secrets by CIDR, BlastRADIUS defaults, RFC 5080 duplicate detection,
 * Status-Server, graceful shutdown and counters.
 *
 * @module
 */
import { Code, codeName } from "./codec/code.ts";
import type { AnyAttributes } from "./attribute_map.ts";
import type { DictionaryView } from "./codec/attribute.ts";
import {
  checkRequest,
  EAP_MESSAGE,
  findAttribute,
  framedLength,
  HEADER_LENGTH,
  lengthProblem,
  MESSAGE_AUTHENTICATOR,
  packetLength,
  PROXY_STATE,
} from "./codec/packet_codec.ts";
import { RadiusError } from "./errors.ts";
import { decodeOwnedDatagram, encodePacketInto, Packet } from "./packet.ts";
import { decodeOwnedRadius11, encodeRadius11Into } from "./radius11.ts";
import { ByteBlocks } from "./server/byte_blocks.ts";
import type {
  Address,
  BindOptions,
  BufferSizes,
  DatagramSocket,
  DatagramTransport,
} from "./transport.ts";
import type { PortName } from "./ports.ts";
import { formatAddress } from "./address.ts";
import {
  type NasEntry,
  type NasLookup,
  type NasSettings,
  NasTable,
  type ResolvedNas,
  resolveNas,
  unmapIPv4,
} from "./server/nas_table.ts";
import {
  DuplicateCache,
  type DuplicateCacheOptions,
  type RequestKey,
  requestKey,
} from "./server/duplicate_cache.ts";
import { consoleWarnLogger, type Logger } from "./server/logger.ts";
import { countFramed, framingProblem, TooManyAttributesError } from "./codec/count_attributes.ts";
import { checkLimits, type Limits } from "./server/limits.ts";
import { ClientLoad } from "./server/client_load.ts";
import { isAsyncFunction, ownBytes } from "./server/request_bytes.ts";
import { LimitedLog } from "./server/log_limiter.ts";
import { DropWarnings } from "./server/warnings.ts";
import { SecretScrubber } from "./secrets.ts";
import { Counters, type DropReason, type ServerStats } from "./server/stats.ts";
import { Context, type HandlerErrorContext, type RequestContext } from "./server/context.ts";
import { LearnedNases } from "./server/learned_nases.ts";
import type { Listener } from "./server/listener.ts";
import { checkConnectionLimits, type ConnectionLimits } from "./server/connection_limits.ts";
import { type Radius11Policy, StreamConnections } from "./server/stream_connections.ts";
import { ALPN_RADIUS_1_0, ALPN_RADIUS_1_1 } from "./codec/radius11.ts";
import type { StreamServer, StreamTransport, TlsServerOptions } from "./stream_transport.ts";

export type { NasEntry, NasLookup, NasSettings } from "./server/nas_table.ts";
export type { PortName } from "./ports.ts";
export type { DuplicateCacheOptions } from "./server/duplicate_cache.ts";
export type { Logger } from "./server/logger.ts";
export type { DropReason, ServerStats } from "./server/stats.ts";
export type { HandlerErrorContext, RequestContext } from "./server/context.ts";
export type {
  ConnectionCloseReason,
  ConnectionLimits,
  ConnectionStats,
} from "./server/connection_limits.ts";
export type { NasCertificate } from "./server/certificate_policy.ts";
export type { Radius11Policy } from "./server/stream_connections.ts";

/**
 * Handles one verified request. Returns the reply, built with
 * `request.reply(code, attributes)` so that it keeps the Identifier, the
 * Proxy-State attributes and the request for the Response Authenticator;
 * or `undefined` to send nothing. May be async: the request then holds a
 * copy of its own bytes. A synchronous handler's request views the bytes
 * the transport handed over (with Deno's adapter, a receive block shared with
 * other datagrams): keep the values it needs rather than the request.
 *
 * @param request The decoded request; hidden attributes (User-Password)
 * already revealed with the client's secret.
 * @param context The client, source address and port.
 * @returns The reply, or `undefined` to drop the request.
 *
 * @example Usage
 * ```ts
 * import { Client, Code, Dictionary, type RequestHandler, Server } from "@radkit/radius";
 * import { MemoryTransport } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * const passwords = new Map([["bob", "hello"]]);
 * const authenticate: RequestHandler = async (request) => {
 *   const expected = passwords.get(String(request.get("User-Name")));
 *   const ok = expected !== undefined && request.get("User-Password") === expected;
 *   return request.reply(ok ? Code.AccessAccept : Code.AccessReject);
 * };
 * const network = new MemoryTransport();
 * const clients = [{ address: "127.0.0.1", secret: "s3cret" }];
 * const server = new Server({
 *   transport: network,
 *   dictionary: Dictionary.default(),
 *   clients,
 *   handleAccessRequest: authenticate,
 * });
 * await server.listen({ hostname: "127.0.0.1", auth: 1812 });
 * const client = new Client({ transport: network, server: "127.0.0.1", secret: "s3cret" });
 * const good = await client.accessRequest({ "User-Name": "bob", "User-Password": "hello" });
 * const bad = await client.accessRequest({ "User-Name": "bob", "User-Password": "guess" });
 * assert.deepEqual([good.code, bad.code], [Code.AccessAccept, Code.AccessReject]);
 * await client.close();
 * await server.close();
 * ```
 */
export type RequestHandler<A extends object = AnyAttributes> = (
  request: Packet<A>,
  context: RequestContext,
) => Packet<object> | undefined | Promise<Packet<object> | undefined>;

/**
 * Options for {@linkcode Server}.
 *
 * @example Usage
 * ```ts
 * import { Client, Code, Dictionary, Server, type ServerOptions } from "@radkit/radius";
 * import { MemoryTransport } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * const network = new MemoryTransport();
 * const options: ServerOptions = {
 *   transport: network,
 *   dictionary: Dictionary.default(),
 *   clients: [{ address: "127.0.0.0/8", secret: "s3cret" }],
 *   handleAccountingRequest: (request) => request.reply(Code.AccountingResponse),
 *   closeTimeout: 1000,
 *   maxInFlight: 1000, // handlers running at once; more are dropped as "overloaded"
 * };
 * const server = new Server(options);
 * await server.listen({ hostname: "127.0.0.1", acct: 1813, coa: 3799 });
 * const client = new Client({ transport: network, server: "127.0.0.1", secret: "s3cret" });
 * const accounted = await client.accountingRequest({ "Acct-Status-Type": "Start" });
 * const refused = await client.coaRequest({ "User-Name": "bob" }); // no handleCoaRequest
 * assert.equal(accounted.code, Code.AccountingResponse);
 * assert.equal(refused.get("Error-Cause"), "Unsupported-Service");
 * await client.close();
 * await server.close();
 * ```
 */
export interface ServerOptions<A extends object = AnyAttributes> {
  /**
   * Binds the UDP ports: `udp()` from `@radkit/radius/adapters/deno`, `/bun`
   * or `/node`. Needed to listen on `auth`, `acct` or `coa`.
   */
  transport?: DatagramTransport;
  /**
   * Listens for TCP and TLS connections: `streams()` from the same
   * adapters. Needed to listen on `tcp` or `tls`.
   */
  streams?: StreamTransport;
  /** Limits on TCP and TLS connections; see {@linkcode ConnectionLimits}. */
  connections?: ConnectionLimits;
  /** Names the attributes of requests and replies, e.g. `Dictionary.default()`. */
  dictionary: DictionaryView<A>;
  /**
   * Who may send requests: a list matched by longest prefix, or a lookup
   * function. Datagrams from anyone else are dropped unanswered and counted
   * as `"unknown-client"`.
   */
  clients: readonly NasEntry[] | NasLookup;
  /** Access-Request on the auth port. Without it, every Access-Request gets an Access-Reject. */
  handleAccessRequest?: RequestHandler<A>;
  /**
   * Accounting-Request on the acct port. Without it, accounting requests are
   * dropped unanswered and counted as `"no-handler-accounting"`: a server
   * must not acknowledge what it did not record (RFC 2866 §2), so the NAS
   * keeps the records and retries or fails over.
   */
  handleAccountingRequest?: RequestHandler<A>;
  /**
   * CoA-Request on the coa port. Without it: CoA-NAK with Error-Cause 405
   * "Unsupported-Service" (RFC 5176 §3.6).
   */
  handleCoaRequest?: RequestHandler<A>;
  /**
   * Disconnect-Request on the coa port. Without it: Disconnect-NAK with
   * Error-Cause 405 "Unsupported-Service" (RFC 5176 §3.6).
   */
  handleDisconnectRequest?: RequestHandler<A>;
  /**
   * Status-Server (RFC 5997) on the auth or acct port, after its mandatory
   * Message-Authenticator has been verified. Without it: Access-Accept on the
   * auth port, Accounting-Response on the acct port. Status-Server is never
   * answered from the duplicate cache.
   */
  handleStatusServer?: RequestHandler<A>;
  /**
   * Where to log. Default: warnings and errors to `console`, debug and info
   * dropped. Secrets, User-Password and CHAP values are never logged.
   */
  logger?: Logger;
  /** Limits of the RFC 5080 duplicate cache; see {@linkcode DuplicateCacheOptions}. */
  duplicateCache?: DuplicateCacheOptions;
  /**
   * How long {@linkcode Server.close} waits for running handlers before it
   * closes the sockets anyway (milliseconds). Their
   * {@linkcode RequestContext.signal} aborts then.
   *
   * @default {5000}
   */
  closeTimeout?: number;
  /**
   * At most this many requests in flight: handlers (and `clients` lookups)
   * that have not settled. A request that arrives when as many are in
   * flight is dropped unanswered and counted as `"overloaded"` (before its
   * client is looked up when `clients` is a function); the NAS's
   * retransmission is handled as usual once there is room. Requests handled
   * synchronously are never in flight. The default keeps 40,000
   * requests/s with 100 ms handlers going (some 10 MB of requests at most).
   * Each client may have its own limit too: {@linkcode NasSettings.maxInFlight}.
   *
   * @default {4096}
   */
  maxInFlight?: number;
  /**
   * At most this many calls of a `clients` function pending at once (they
   * come before any verification, for datagrams anyone can send); while as
   * many are pending, datagrams are dropped without calling it and counted
   * as `"lookup-overloaded"`.
   *
   * @default {1024}
   */
  maxPendingLookups?: number;
  /**
   * At most this many top-level attributes per packet, counted before
   * anything is hashed or decoded (FreeRADIUS's `max_attributes`); a packet
   * with more is dropped and counted as `"too-many-attributes"`. A packet of
   * 4,096 bytes can carry 2,038 empty attributes, each of which costs
   * decoding.
   *
   * @default {200}
   */
  maxAttributes?: number;
  /**
   * Called when handling a request fails: its handler threw or rejected, or
   * returned something that cannot be encoded as its reply. No reply is
   * sent, the request is counted as `"handler-error"` or `"reply-error"`,
   * and a retransmission of it is handled afresh. With this hook the
   * server does not log those failures itself (it logs them with
   * `logger.error` without one): report them as you like. The error is
   * handed over as thrown, so its message may quote the request's secret
   * values, which the server's own log line hides.
   *
   * Whatever the hook does cannot stop the server: an exception it throws
   * (or a Promise it returns that rejects) is logged with `logger.error`.
   *
   * @param error What the handler threw or rejected with, or the encoding error.
   * @param context The request, its NAS and where it came from.
   */
  onError?: (error: unknown, context: HandlerErrorContext) => void;
}

/**
 * Where and how {@linkcode Server.listen} binds. At least one port is required.
 *
 * @example Usage
 * ```ts
 * import { Dictionary, type ListenOptions, Server } from "@radkit/radius";
 * import { MemoryTransport } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * const server = new Server({
 *   transport: new MemoryTransport(),
 *   dictionary: Dictionary.default(),
 *   clients: [{ address: "127.0.0.1", secret: "s3cret" }],
 * });
 * const options: ListenOptions = { hostname: "127.0.0.1", auth: 0, acct: 0 };
 * const bound = await server.listen(options);
 * assert.equal(bound.auth?.hostname, "127.0.0.1");
 * assert.notEqual(bound.acct?.port, 0); // 0 asked for a free port
 * assert.equal(bound.coa, undefined);
 * await server.close();
 * ```
 */
export interface ListenOptions {
  /**
   * The local IP to bind: `"0.0.0.0"` (default, every IPv4 interface),
   * `"::"` (every IPv6 interface, and IPv4 too where the system makes it
   * dual-stack), or one address such as `"127.0.0.1"` or `"::1"`.
   */
  hostname?: string;
  /** The authentication port, usually 1812; 0 picks a free one. */
  auth?: number;
  /** The accounting port, usually 1813; 0 picks a free one. */
  acct?: number;
  /** The dynamic-authorization (CoA, Disconnect) port, usually 3799; 0 picks a free one. */
  coa?: number;
  /**
   * Sets `SO_REUSEPORT`, so several processes can share the ports; the
   * transport rejects the bind when it cannot (Deno). To run one server on
   * every core, see `@radkit/radius/adapters/workers`.
   */
  reusePort?: boolean;
  /**
   * The receive buffer to ask the operating system for, per port
   * (`SO_RCVBUF`, bytes). Requests that arrive while the buffer is full are
   * lost before the server sees them, and the NAS waits a whole timeout to
   * retransmit. On Linux each queued datagram costs about 830 bytes of
   * buffer however short it is, so the usual default (`rmem_default`, 208
   * KiB) holds 256 requests: a burst of 1,000 from one client loses most of
   * them. 4 MiB (Linux reports twice that, granted) holds about 10,000.
   *
   * Linux grants at most `net.core.rmem_max`, which many systems leave at
   * 208 KiB: raise it (`sysctl -w net.core.rmem_max=4194304`) for the
   * default to take effect. {@linkcode ServerStats.bufferSizes} tells what
   * was granted, where the transport can read it.
   *
   * When the transport cannot set buffer sizes (it rejects the bind with
   * `code: "ENOTSUP"`), the default is dropped and the port bound with the
   * system's size (logged at debug level); a size given here (or a
   * `sendBufferSize`) is never dropped: `listen` rejects with that error.
   *
   * @default {4194304}
   */
  receiveBufferSize?: number;
  /**
   * The send buffer to ask for, per port (`SO_SNDBUF`, bytes; Linux caps
   * it at `net.core.wmem_max`). Without it the system's default is kept:
   * replies leave one at a time as handlers finish. The transport rejects
   * the bind when it cannot set it.
   */
  sendBufferSize?: number;
  /**
   * RADIUS over TCP (RFC 6613): one port that takes every kind of request
   * (Access, Accounting, Status-Server, CoA, Disconnect), framed by their
   * Length; clients are the same, identified by the connection's source
   * address, with the same secret. Only inside a network that is secure
   * without it (RFC 6613 §1).
   */
  tcp?: StreamPortOptions;
  /**
   * RADIUS over TLS (RadSec, RFC 6614), usually on port 2083: one port for
   * every kind of request, clients identified by source address and
   * authenticated by certificate (see {@linkcode NasSettings.certificate});
   * the shared secret is `"radsec"` unless the client entry has one.
   */
  tls?: TlsPortOptions;
  /**
   * Closes the server when it aborts, as {@linkcode Server.close} does
   * (waiting for running handlers up to `closeTimeout`). Already aborted:
   * nothing is bound, the server is closed, and `listen` rejects with the
   * signal's `reason`; if it aborts while the ports are being bound,
   * `listen` rejects with it too.
   */
  signal?: AbortSignal;
}

/**
 * The addresses {@linkcode Server.listen} bound, with the real ports.
 *
 * @example Usage
 * ```ts
 * import { Dictionary, Server, type ServerAddresses } from "@radkit/radius";
 * import { MemoryTransport } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * const server = new Server({
 *   transport: new MemoryTransport(),
 *   dictionary: Dictionary.default(),
 *   clients: [{ address: "::1", secret: "s3cret" }],
 * });
 * const addresses: ServerAddresses = await server.listen({ hostname: "::1", auth: 0, coa: 3799 });
 * assert.equal(addresses.auth?.family, "IPv6");
 * assert.equal(addresses.coa?.port, 3799);
 * assert.equal(addresses.acct, undefined);
 * assert.deepEqual(server.addresses, addresses);
 * await server.close();
 * ```
 */
export interface ServerAddresses {
  /** The authentication port's address, if one was asked for. */
  readonly auth?: Address;
  /** The accounting port's address, if one was asked for. */
  readonly acct?: Address;
  /** The CoA / Disconnect port's address, if one was asked for. */
  readonly coa?: Address;
  /** The TCP port's address, if one was asked for. */
  readonly tcp?: Address;
  /** The TLS port's address, if one was asked for. */
  readonly tls?: Address;
}

/**
 * A TCP port of {@linkcode ListenOptions.tcp}.
 *
 * @example Usage
 * ```ts
 * import { Dictionary, Server, type StreamPortOptions } from "@radkit/radius";
 * import { MemoryStreams } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * const tcp: StreamPortOptions = { port: 1812, hostname: "192.0.2.10" };
 * const server = new Server({
 *   streams: new MemoryStreams(),
 *   dictionary: Dictionary.default(),
 *   clients: [{ address: "192.0.2.0/24", secret: "s3cret" }],
 * });
 * const bound = await server.listen({ tcp });
 * assert.equal(bound.tcp?.hostname, "192.0.2.10");
 * await server.close();
 * ```
 */
export interface StreamPortOptions {
  /** The port; 0 picks a free one. */
  readonly port: number;
  /** The local IP to listen on; default: {@linkcode ListenOptions.hostname}. */
  readonly hostname?: string;
}

/**
 * The TLS port of {@linkcode ListenOptions.tls}: a port and the server's
 * TLS settings.
 *
 * @example Usage
 * ```ts
 * import type { TlsPortOptions } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const tls: TlsPortOptions = {
 *   port: 2083, // RFC 6614 §2.1
 *   cert: "-----BEGIN CERTIFICATE-----\n…", // PEM text, or bytes read from a file
 *   key: "-----BEGIN PRIVATE KEY-----\n…",
 *   ca: "-----BEGIN CERTIFICATE-----\n…", // NAS certificates must chain to it
 *   radius11: "prefer", // RFC 9765 with the NASes that offer it
 * };
 * assert.equal(tls.minVersion, undefined); // TLS 1.2 at least
 * ```
 */
export interface TlsPortOptions extends StreamPortOptions, Omit<TlsServerOptions, "alpnProtocols"> {
  /**
   * RADIUS/1.1 (RFC 9765): `"off"` speaks RADIUS/1.0 only (no ALPN
   * offered); `"prefer"` negotiates `radius/1.1` with clients that offer it
   * and RADIUS/1.0 with the others; `"require"` closes connections that do
   * not negotiate it (`"alpn-refused"`). RADIUS/1.1 needs TLS 1.3 (§3.4).
   *
   * @default {"off"}
   */
  readonly radius11?: Radius11Policy;
}

/** A datagram whose outcome waits on a Promise (client lookup or handler). */
interface Job {
  abandoned: boolean;
  resolve: () => void;
  readonly done: Promise<void>;
  /** The handler's context, once a handler runs: its signal aborts if the job is abandoned. */
  context: Context | undefined;
  /** The client whose `maxInFlight` count holds this job, while it runs a handler. */
  client: ResolvedNas | undefined;
}

type State = "new" | "binding" | "listening" | "closing" | "closed";

const PORTS: readonly PortName[] = ["auth", "acct", "coa"];
const DEFAULT_CLOSE_TIMEOUT = 5000;
/** How long `close()` waits for TCP and TLS connections to end in order before resetting them. */
const CONNECTION_END_TIMEOUT = 1000;
/** See {@linkcode ListenOptions.receiveBufferSize}. */
const DEFAULT_RECEIVE_BUFFER_SIZE = 4 * 1024 * 1024;
/** RFC 5176 §3.6 Error-Cause "Unsupported-Service". */
const UNSUPPORTED_SERVICE = 405;

function accepts(port: PortName, code: number): boolean {
  switch (port) {
    case "auth":
      return code === Code.AccessRequest || code === Code.StatusServer;
    case "acct":
      return code === Code.AccountingRequest || code === Code.StatusServer;
    case "coa":
      return code === Code.CoARequest || code === Code.DisconnectRequest;
  }
}

function isPromiseLike<T>(value: unknown): value is PromiseLike<T> {
  return typeof value === "object" && value !== null &&
    typeof (value as { then?: unknown }).then === "function";
}

/** Options renamed in v2: a clear error instead of a silently ignored setting. */
function renamed(options: object | undefined, old: string, now: string): void {
  if (typeof options === "object" && options !== null && old in options) {
    throw new TypeError(`The option ${old} is now called ${now} (still milliseconds)`);
  }
}

function checkBufferSize(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`Invalid ${name} ${String(value)}: must be a positive integer of bytes`);
  }
  return value;
}

function isAbortSignal(value: unknown): value is AbortSignal {
  return typeof value === "object" && value !== null &&
    typeof (value as AbortSignal).aborted === "boolean" &&
    typeof (value as AbortSignal).addEventListener === "function";
}

/** Calls the user's logger; a logger that throws must not take the server down. */
function safeLogger(logger: Logger): Logger {
  const call = (level: keyof Logger) => (message: string, fields?: Record<string, unknown>) => {
    try {
      if (fields === undefined) logger[level](message);
      else logger[level](message, fields);
    } catch {
      // Nowhere left to report it.
    }
  };
  return { debug: call("debug"), info: call("info"), warn: call("warn"), error: call("error") };
}

function checkPort(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 65535) {
    throw new RangeError(`Invalid ${name} port ${String(value)}: must be an integer 0..65535`);
  }
  return value;
}

/** A TCP or TLS port of `listen()`, checked. */
interface CheckedStreamPort {
  readonly kind: "tcp" | "tls";
  readonly hostname: string;
  readonly port: number;
  readonly tls: TlsServerOptions | undefined;
  readonly radius11: Radius11Policy;
}

function checkStreamPorts(options: ListenOptions, hostname: string): CheckedStreamPort[] {
  const checked: CheckedStreamPort[] = [];
  for (const kind of ["tcp", "tls"] as const) {
    const given: unknown = options[kind];
    if (given === undefined) continue;
    const example = kind === "tcp" ? "{ port: 1812 }" : "{ port: 2083, cert, key, ca }";
    if (typeof given !== "object" || given === null) {
      throw new TypeError(`listen() ${kind} must be an object such as ${example}`);
    }
    const { port, hostname: own, ...rest } = given as TlsPortOptions;
    const number = checkPort(kind, port);
    if (number === undefined) {
      throw new TypeError(
        `listen() ${kind} needs a port, such as ${example} (0 picks a free port)`,
      );
    }
    if (own !== undefined && (typeof own !== "string" || own === "")) {
      throw new TypeError(`Invalid ${kind}.hostname ${String(own)}: use an IP such as "::"`);
    }
    let tls: TlsServerOptions | undefined;
    const { radius11 = "off", ...settings } = rest;
    if (kind === "tls") {
      if (settings.cert === undefined || settings.key === undefined) {
        throw new TypeError(
          "listen() tls needs the server's certificate and key: { port: 2083, cert, key, ca } (PEM text or bytes)",
        );
      }
      if (radius11 !== "off" && radius11 !== "prefer" && radius11 !== "require") {
        throw new TypeError(
          `Invalid tls.radius11 ${JSON.stringify(radius11)}: use "off", "prefer" or "require"`,
        );
      }
      // RFC 9765 §3.3: the server chooses among what the client offers, in its own order.
      const alpnProtocols = radius11 === "off"
        ? undefined
        : radius11 === "prefer"
        ? [ALPN_RADIUS_1_1, ALPN_RADIUS_1_0]
        : [ALPN_RADIUS_1_1];
      tls = alpnProtocols === undefined ? settings : { ...settings, alpnProtocols };
    }
    checked.push({ kind, hostname: own ?? hostname, port: number, tls, radius11 });
  }
  return checked;
}

/**
 * A RADIUS server. Give it a transport, a dictionary, clients and handlers;
 * {@linkcode Server.listen} binds the ports. Each datagram goes through the
 * cheapest checks first, nothing is hashed before step 7, and nothing
 * throws out of the socket callback:
 *
 * 1. header and Length field, else dropped as `"malformed"`;
 * 2. a code this port serves, else `"wrong-port"`;
 * 3. the attribute headers: framed (else `"malformed"`) and at most
 *    `maxAttributes` of them (else `"too-many-attributes"`);
 * 4. client lookup by source address, else `"unknown-client"`. A `clients`
 *    function is not called while `maxInFlight` requests are in flight
 *    (`"overloaded"`) or `maxPendingLookups` calls are pending
 *    (`"lookup-overloaded"`), though a retransmission of an answered
 *    request still gets its cached reply (step 5);
 * 5. RFC 5080 duplicate detection on (port, source address and port, code,
 *    Identifier, Request Authenticator): a retransmission of a request in
 *    flight is dropped, one of an answered request gets the same reply bytes
 *    again (for `duplicateCache.ttl`);
 * 6. the bounds on work: at most `maxInFlight` requests in flight
 *    (`"overloaded"`) and at most the client's own `maxInFlight`
 *    (`"client-overloaded"`); such a drop leaves no trace, so the NAS's
 *    retransmission is handled as new;
 * 7. verification with the client's secret: the Request Authenticator of
 *    Accounting, CoA and Disconnect requests; the Message-Authenticator
 *    wherever present; required on Access-Request unless the NAS entry sets
 *    `requireMessageAuthenticator: false` (or `"auto"`, until the NAS has
 *    sent one), and always on Status-Server; `limitProxyState`. Failures
 *    are dropped, never answered;
 * 8. decoding, then the handler (or the default answer, see
 *    {@linkcode ServerOptions}); its reply is encoded with the client's
 *    secret (Message-Authenticator first on Access replies and on replies to
 *    Status-Server, Proxy-State copied by `request.reply`), sent and cached.
 *    While the handler runs, the duplicate cache keeps the request as in
 *    flight and never evicts it, so the handler runs once per request.
 *
 * A handler that throws or rejects gets no reply sent; the error is logged
 * (or handed to {@linkcode ServerOptions.onError}) and counted, and the
 * server goes on. A handler that returns `undefined` sends nothing. Neither
 * is cached, so a retransmission is handled afresh.
 *
 * Memory stays bounded under abuse: a request that outlives the socket
 * callback (it waited for an async lookup, or its handler is an `async`
 * function or has returned a Promise before) is decoded from a copy of its
 * own bytes, never holding the transport's receive block or a datagram's
 * padding. Logging is bounded too: warnings about a configured client's
 * setup (wrong secret, BlastRADIUS) are logged once per client, whatever
 * other sources send; warnings anyone can cause (unknown clients,
 * overload) and error lines (failed lookups, handlers, replies, sends) are
 * limited to 10 per minute per kind, the next line (or the last one, at
 * close) saying how many were suppressed.
 *
 * @example Usage
 * ```ts
 * import { Code, Dictionary, Packet, Server } from "@radkit/radius";
 * import { udp } from "@radkit/radius/adapters/node";
 * import { createSocket } from "node:dgram";
 * import assert from "node:assert/strict";
 *
 * const dictionary = Dictionary.default();
 * const server = new Server({
 *   transport: udp(),
 *   dictionary,
 *   clients: [{ address: "127.0.0.0/8", secret: "testing123" }],
 *   handleAccessRequest(request) {
 *     const ok = request.get("User-Name") === "bob" && request.get("User-Password") === "hello";
 *     return request.reply(ok ? Code.AccessAccept : Code.AccessReject, ok ? {
 *       "Service-Type": "Framed-User",
 *       "Framed-IP-Address": "192.168.0.1",
 *     } : {});
 *   },
 * });
 * const { auth } = await server.listen({ hostname: "127.0.0.1", auth: 0 });
 * const socket = createSocket("udp4");
 * try {
 *   const request = Packet.create(Code.AccessRequest, dictionary, {
 *     "User-Name": "bob",
 *     "User-Password": "hello",
 *   });
 *   const answer = new Promise<Uint8Array>((resolve) => socket.once("message", resolve));
 *   socket.send(request.encode("testing123"), auth!.port, "127.0.0.1");
 *   const reply = Packet.decode(await answer, { dictionary, secret: "testing123", request });
 *   assert.equal(reply.code, Code.AccessAccept);
 *   assert.equal(reply.get("Framed-IP-Address"), "192.168.0.1");
 *   assert.equal(server.stats().replied, 1);
 * } finally {
 *   socket.close();
 *   await server.close();
 * }
 * ```
 */
export class Server<A extends object = AnyAttributes> {
  #transport: DatagramTransport | undefined;
  #streams: StreamTransport | undefined;
  #connections: StreamConnections;
  /** Listening TCP and TLS sockets. */
  #streamServers: StreamServer[] = [];
  /** Bound UDP sockets. */
  #sockets: DatagramSocket[] = [];
  #dictionary: DictionaryView<AnyAttributes>;
  #table: NasTable | undefined;
  #lookup: NasLookup | undefined;
  #resolved = new WeakMap<object, ResolvedNas>();
  #handlers: Record<number, RequestHandler | undefined>;
  #logger: Logger;
  #cache: DuplicateCache;
  /** Reply datagrams, a block shared by many (see ByteBlocks). */
  #blocks = new ByteBlocks();
  #replyBytes = (length: number): Uint8Array => this.#blocks.take(length);
  #closeTimeout: number;
  #counters = new Counters();
  #state: State = "new";
  #listeners: Listener[] = [];
  #binding: Promise<unknown> | undefined;
  #closing: Promise<void> | undefined;
  #addresses: ServerAddresses | undefined;
  #jobs = new Set<Job>();
  /** Calls of the `clients` function not settled yet. */
  #lookups = 0;
  #limits: Limits;
  #load = new ClientLoad();
  /**
   * By code: whether its handler is async or has returned a Promise, so
   * that its requests outlive the datagram callback (see request_bytes.ts).
   */
  #outliving: boolean[] = [];
  #sending = 0;
  #sent: (() => void) | undefined;
  /** Error and warning lines anyone can cause, rate-limited per kind. */
  #limited: LimitedLog;
  #warnings: DropWarnings;
  #onError: ((error: unknown, context: HandlerErrorContext) => void) | undefined;
  /** NAS addresses `requireMessageAuthenticator: "auto"` requires a Message-Authenticator from. */
  #learned = new LearnedNases();
  /** What each port's socket was granted, where the transport tells. */
  #bufferSizes: { -readonly [K in PortName]?: BufferSizes } = {};
  /** Removes the abort listener of `listen({ signal })`. */
  #unlisten: (() => void) | undefined;

  /**
   * Creates a server; nothing is bound until {@linkcode Server.listen}.
   *
   * @param options Transport, dictionary, clients, handlers and limits.
   * @throws {TypeError} for a missing transport, dictionary or clients, a
   *   client address that is not an IP or CIDR network, a client without a
   *   secret, a network listed twice, a handler or `onError` that is not a
   *   function, or an option that v2 renamed (`closeTimeoutMs`).
   * @throws {RangeError} for a prefix length, cache limit or timeout out of
   *   range; a `maxInFlight` (the server's or a client's), `maxPendingLookups`
   *   or `maxAttributes` that is not a positive integer.
   */
  constructor(options: ServerOptions<A>) {
    if (typeof options !== "object" || options === null) {
      throw new TypeError("new Server() needs options: { transport, dictionary, clients }");
    }
    const { transport, streams, dictionary, clients } = options;
    if (transport !== undefined && typeof transport?.bind !== "function") {
      throw new TypeError(
        'Server transport must be a DatagramTransport: pass udp() from "@radkit/radius/adapters/deno", "/bun" or "/node"',
      );
    }
    if (
      streams !== undefined &&
      (typeof streams?.listen !== "function" || typeof streams.connect !== "function")
    ) {
      throw new TypeError(
        'Server streams must be a StreamTransport: pass streams() from "@radkit/radius/adapters/deno", "/bun" or "/node"',
      );
    }
    if (transport === undefined && streams === undefined) {
      throw new TypeError(
        'Server needs a transport: pass udp() (and/or streams() for TCP and TLS) from "@radkit/radius/adapters/deno", "/bun" or "/node"',
      );
    }
    if (typeof dictionary?.attribute !== "function") {
      throw new TypeError("Server needs a dictionary: pass Dictionary.default() or your own");
    }
    if (typeof clients === "function") {
      this.#lookup = clients;
    } else if (Array.isArray(clients)) {
      this.#table = new NasTable(clients);
    } else {
      throw new TypeError(
        'Server needs clients: a list such as [{ address: "10.0.0.0/8", secret: "..." }] or a function (address) => client',
      );
    }
    // Handlers see requests typed with the dictionary's map; inside, packets are untyped.
    const handlers = {
      handleAccessRequest: options.handleAccessRequest,
      handleAccountingRequest: options.handleAccountingRequest,
      handleCoaRequest: options.handleCoaRequest,
      handleDisconnectRequest: options.handleDisconnectRequest,
      handleStatusServer: options.handleStatusServer,
    } as Record<string, RequestHandler | undefined>;
    for (const [name, handler] of Object.entries(handlers) as [string, unknown][]) {
      if (handler !== undefined && typeof handler !== "function") {
        throw new TypeError(`${name} must be a function (request, context) => reply`);
      }
    }
    this.#handlers = {
      [Code.AccessRequest]: handlers.handleAccessRequest,
      [Code.AccountingRequest]: handlers.handleAccountingRequest,
      [Code.CoARequest]: handlers.handleCoaRequest,
      [Code.DisconnectRequest]: handlers.handleDisconnectRequest,
      [Code.StatusServer]: handlers.handleStatusServer,
    };
    for (const [code, handler] of Object.entries(this.#handlers)) {
      if (isAsyncFunction(handler)) this.#outliving[Number(code)] = true;
    }
    const logger = options.logger ?? consoleWarnLogger;
    for (const level of ["debug", "info", "warn", "error"] as const) {
      if (typeof logger[level] !== "function") {
        throw new TypeError(`logger.${level} must be a function (message, fields) => void`);
      }
    }
    this.#logger = safeLogger(logger);
    this.#limited = new LimitedLog(this.#logger);
    this.#warnings = new DropWarnings(this.#limited);
    if (options.onError !== undefined && typeof options.onError !== "function") {
      throw new TypeError("onError must be a function (error, context) => void");
    }
    this.#onError = options.onError;
    renamed(options, "closeTimeoutMs", "closeTimeout");
    renamed(options.duplicateCache, "ttlMs", "duplicateCache.ttl");
    this.#cache = new DuplicateCache(options.duplicateCache);
    this.#limits = checkLimits(options);
    const closeTimeout = options.closeTimeout ?? DEFAULT_CLOSE_TIMEOUT;
    if (!(Number.isFinite(closeTimeout) && closeTimeout >= 0)) {
      throw new RangeError(
        `Invalid closeTimeout ${closeTimeout}: must be a finite number of milliseconds >= 0`,
      );
    }
    this.#closeTimeout = closeTimeout;
    this.#transport = transport;
    this.#streams = streams;
    this.#connections = new StreamConnections({
      accepting: () => this.#state === "listening" || this.#state === "binding",
      identify: (remote) => this.#identify(remote),
      receive: (listener, packet, client) => this.#receiveStream(listener, packet, client),
      debug: (message, fields) => this.#logger.debug(message, fields),
    }, checkConnectionLimits(options.connections));
    this.#dictionary = dictionary as DictionaryView<AnyAttributes>;
  }

  /**
   * Binds the ports asked for and starts answering. A Server listens once.
   * Like every method that returns a Promise, it never throws: a mistake
   * in the options rejects the Promise.
   *
   * @param options The hostname, the ports (at least one), socket buffer
   * sizes and an AbortSignal that closes the server.
   * @returns The bound addresses, with the real port where 0 was asked for.
   * Rejects with a TypeError when no port is given or an option has the
   * wrong type; a RangeError for a port outside 0..65535 or a buffer size
   * that is not a positive integer; a RadiusError when called twice or
   * after {@linkcode Server.close}; the signal's `reason` when it is (or
   * gets) aborted before the ports are bound; the transport's error (e.g.
   * `code: "EADDRINUSE"`) when a bind fails, after closing the ports
   * already bound.
   *
   * @example Usage
   * ```ts
   * import { Dictionary, Server } from "@radkit/radius";
   * import { udp } from "@radkit/radius/adapters/node";
   * import assert from "node:assert/strict";
   *
   * const server = new Server({
   *   transport: udp(),
   *   dictionary: Dictionary.default(),
   *   clients: [{ address: "::1", secret: "testing123" }],
   * });
   * try {
   *   const bound = await server.listen({ hostname: "::1", auth: 0, acct: 0 });
   *   assert.equal(bound.auth?.family, "IPv6");
   *   assert.ok(bound.acct!.port > 0);
   *   assert.equal(bound.coa, undefined);
   * } finally {
   *   await server.close();
   * }
   * ```
   */
  async listen(options: ListenOptions): Promise<ServerAddresses> {
    if (this.#state !== "new") {
      throw new RadiusError(
        this.#state === "closing" || this.#state === "closed"
          ? "Cannot listen: this Server was closed; create a new Server"
          : "Cannot listen twice: this Server already listens; create another Server for other ports",
      );
    }
    if (typeof options !== "object" || options === null) {
      throw new TypeError("listen() needs options such as { auth: 1812, acct: 1813, coa: 3799 }");
    }
    const hostname = options.hostname ?? "0.0.0.0";
    if (typeof hostname !== "string" || hostname === "") {
      throw new TypeError(
        `Invalid hostname ${String(hostname)}: use an IP such as "0.0.0.0" or "::"`,
      );
    }
    const ports: [PortName, number][] = [];
    for (const name of PORTS) {
      const port = checkPort(name, options[name]);
      if (port !== undefined) ports.push([name, port]);
    }
    const streamPorts = checkStreamPorts(options, hostname);
    if (ports.length === 0 && streamPorts.length === 0) {
      throw new TypeError(
        "listen() needs at least one port: { auth: 1812 }, { acct: 1813 }, { coa: 3799 }, { tcp: { port: 1812 } } and/or { tls: { port: 2083, cert, key, ca } } (0 picks a free port)",
      );
    }
    if (ports.length > 0 && this.#transport === undefined) {
      throw new TypeError(
        `listen() on the ${
          ports.map(([name]) => name).join(", ")
        } port needs a UDP transport: new Server({ transport: udp(), ... })`,
      );
    }
    if (streamPorts.length > 0 && this.#streams === undefined) {
      throw new TypeError(
        "listen() on tcp or tls needs a stream transport: new Server({ streams: streams(), ... })",
      );
    }
    const receiveBufferSize = checkBufferSize("receiveBufferSize", options.receiveBufferSize);
    const sendBufferSize = checkBufferSize("sendBufferSize", options.sendBufferSize);
    const { signal } = options;
    if (signal !== undefined && !isAbortSignal(signal)) {
      throw new TypeError(
        "listen() signal must be an AbortSignal, e.g. AbortSignal.timeout(60000)",
      );
    }
    if (signal?.aborted) {
      await this.close();
      throw signal.reason;
    }
    if (signal !== undefined) {
      const onAbort = () => void this.close();
      signal.addEventListener("abort", onAbort, { once: true });
      this.#unlisten = () => signal.removeEventListener("abort", onAbort);
    }
    this.#state = "binding";
    const binding = this.#bind(
      hostname,
      ports,
      {
        ...(options.reusePort === true ? { reusePort: true } : {}),
        ...(sendBufferSize === undefined ? {} : { sendBufferSize }),
      },
      receiveBufferSize,
      streamPorts,
    );
    this.#binding = binding.catch(() => {});
    let addresses: ServerAddresses;
    try {
      addresses = await binding;
    } catch (error) {
      this.#unlisten?.();
      this.#unlisten = undefined;
      throw error;
    }
    if (signal?.aborted) throw signal.reason;
    return addresses;
  }

  async #bind(
    hostname: string,
    ports: readonly [PortName, number][],
    common: Pick<BindOptions, "reusePort" | "sendBufferSize">,
    receiveBufferSize: number | undefined,
    streamPorts: readonly CheckedStreamPort[],
  ): Promise<ServerAddresses> {
    const addresses: { -readonly [K in PortName | "tcp" | "tls"]?: Address } = {};
    // Dropped, for the ports still to bind, once the transport said it cannot set sizes.
    let defaultReceive: number | undefined = receiveBufferSize === undefined
      ? DEFAULT_RECEIVE_BUFFER_SIZE
      : undefined;
    try {
      for (const [name, port] of ports) {
        const listener: Listener = {
          port: name,
          tag: name,
          transport: "udp",
          socket: undefined,
          early: undefined,
        };
        const bind = (size: number | undefined) =>
          this.#transport!.bind({
            hostname,
            port,
            ...common,
            ...(size === undefined ? {} : { receiveBufferSize: size }),
            onError: (error) =>
              this.#logger.debug("socket error", { port: name, error: error.message }),
          }, (data, from) => {
            if (listener.socket === undefined) (listener.early ??= []).push([data, from]);
            else this.#receive(listener, data, from);
          });
        let socket: DatagramSocket;
        try {
          socket = await bind(receiveBufferSize ?? defaultReceive);
        } catch (error) {
          // A default the transport cannot apply is not worth failing for;
          // a size the caller asked for is (BindOptions: never ignored).
          if (
            defaultReceive === undefined || common.sendBufferSize !== undefined ||
            (error as { code?: unknown })?.code !== "ENOTSUP"
          ) {
            throw error;
          }
          this.#logger.debug("the transport cannot set socket buffer sizes: using the system's", {
            transport: this.#transport!.name,
            error: (error as Error).message,
          });
          defaultReceive = undefined;
          socket = await bind(undefined);
        }
        listener.socket = socket;
        this.#sockets.push(socket);
        this.#listeners.push(listener);
        addresses[name] = socket.local;
        this.#granted(name, socket, receiveBufferSize);
        const early = listener.early;
        listener.early = undefined;
        for (const [data, from] of early ?? []) this.#receive(listener, data, from);
      }
      for (const { kind, hostname, port, tls, radius11 } of streamPorts) {
        const server = await this.#streams!.listen({
          hostname,
          port,
          ...(tls === undefined ? {} : { tls }),
          onError: (error) =>
            this.#logger.debug("socket error", { port: kind, error: error.message }),
        }, (connection) => this.#connections.accept(connection, { kind, radius11 }));
        this.#streamServers.push(server);
        addresses[kind] = server.local;
      }
    } catch (error) {
      const sockets = this.#sockets;
      const servers = this.#streamServers;
      this.#listeners = [];
      this.#sockets = [];
      this.#streamServers = [];
      this.#bufferSizes = {};
      await Promise.all([
        ...sockets.map((socket) => socket.close().catch(() => {})),
        ...servers.map((server) => server.close().catch(() => {})),
      ]);
      if (this.#state === "binding") this.#state = "new";
      throw error;
    }
    if (this.#state === "binding") this.#state = "listening";
    this.#addresses = addresses;
    this.#logger.info(
      "listening",
      Object.fromEntries([
        ...ports.map(([name]) => [name, {
          ...addresses[name],
          ...(this.#bufferSizes[name] === undefined
            ? {}
            : { bufferSizes: this.#bufferSizes[name] }),
        }]),
        ...streamPorts.map(({ kind }) => [kind, addresses[kind]]),
      ]),
    );
    return addresses;
  }

  /** Records the buffer sizes a socket got; warns when an explicit size was cut down. */
  #granted(name: PortName, socket: DatagramSocket, asked: number | undefined): void {
    let sizes: BufferSizes | undefined;
    try {
      sizes = socket.bufferSizes?.();
    } catch {
      sizes = undefined; // Optional information: a transport that fails to tell has nothing to say.
    }
    if (sizes === undefined) return;
    this.#bufferSizes[name] = sizes;
    if (asked !== undefined && sizes.receive < asked) {
      this.#logger.warn(
        "the system granted a smaller receive buffer than receiveBufferSize asked for: bursts may be lost (on Linux, raise net.core.rmem_max)",
        { port: name, asked, granted: sizes.receive },
      );
    }
  }

  /**
   * The addresses bound by {@linkcode Server.listen}, or `undefined` before.
   *
   * @example Usage
   * ```ts
   * import { Dictionary, Server } from "@radkit/radius";
   * import { udp } from "@radkit/radius/adapters/node";
   * import assert from "node:assert/strict";
   *
   * const server = new Server({
   *   transport: udp(),
   *   dictionary: Dictionary.default(),
   *   clients: [{ address: "127.0.0.1", secret: "testing123" }],
   * });
   * const before = server.addresses;
   * const { coa } = await server.listen({ hostname: "127.0.0.1", coa: 0 });
   * assert.equal(before, undefined);
   * assert.deepEqual(server.addresses, { coa });
   * await server.close();
   * ```
   */
  get addresses(): ServerAddresses | undefined {
    return this.#addresses;
  }

  /**
   * A snapshot of the counters, readable at any time. Every received
   * datagram is counted once as replied, resent or dropped (by reason), or
   * is still in flight.
   *
   * @returns The counters.
   *
   * @example Usage
   * ```ts
   * import { Dictionary, Server } from "@radkit/radius";
   * import { udp } from "@radkit/radius/adapters/node";
   * import assert from "node:assert/strict";
   *
   * const server = new Server({
   *   transport: udp(),
   *   dictionary: Dictionary.default(),
   *   clients: [{ address: "127.0.0.1", secret: "testing123" }],
   * });
   * const stats = server.stats();
   * assert.equal(stats.received, stats.replied + stats.resent + stats.dropped + stats.inFlight);
   * assert.equal(stats.droppedBy["unknown-client"], 0);
   * ```
   */
  stats(): ServerStats {
    return this.#counters.snapshot(this.#bufferSizes, this.#connections.stats());
  }

  /**
   * Stops accepting requests (later datagrams are dropped as `"closing"`),
   * waits for running handlers (at most `closeTimeout`; the rest are
   * counted as `"close-timeout"`, their {@linkcode RequestContext.signal}
   * aborts and their replies are never sent), sends their replies, closes
   * the sockets and resolves. Calling it again returns the same Promise;
   * calling it before `listen` just prevents listening. It never rejects.
   *
   * @returns A Promise that resolves when every socket is closed.
   *
   * @example Usage
   * ```ts
   * import { Dictionary, Server } from "@radkit/radius";
   * import { udp } from "@radkit/radius/adapters/node";
   * import assert from "node:assert/strict";
   *
   * const server = new Server({
   *   transport: udp(),
   *   dictionary: Dictionary.default(),
   *   clients: [{ address: "127.0.0.1", secret: "testing123" }],
   * });
   * await server.listen({ hostname: "127.0.0.1", auth: 0 });
   * await server.close();
   * await server.close(); // idempotent
   * await assert.rejects(server.listen({ auth: 0 }), /closed/);
   * ```
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  /**
   * Closes the server, as {@linkcode Server.close}, at the end of the block
   * that declared it with `await using`.
   *
   * @returns A Promise that resolves when every socket is closed.
   *
   * @example Usage
   * ```ts
   * import { Dictionary, Server } from "@radkit/radius";
   * import { MemoryTransport } from "@radkit/radius/testing";
   * import assert from "node:assert/strict";
   *
   * const network = new MemoryTransport();
   * let escaped: Server;
   * {
   *   await using server = new Server({
   *     transport: network,
   *     dictionary: Dictionary.default(),
   *     clients: [{ address: "127.0.0.1", secret: "s3cret" }],
   *   });
   *   await server.listen({ hostname: "127.0.0.1", auth: 1812 });
   *   escaped = server;
   * }
   * // Closed at the end of the block: listening again is refused.
   * await assert.rejects(escaped.listen({ auth: 1812 }), /was closed/);
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #shutdown(): Promise<void> {
    const wasListening = this.#state !== "new";
    this.#state = "closing";
    this.#unlisten?.();
    this.#unlisten = undefined;
    await this.#binding;
    // No new connections; those open finish their requests and end below.
    const stopped = Promise.all(
      this.#streamServers.map((server) => server.close().catch(() => {})),
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.#closeTimeout);
    });
    try {
      if (this.#jobs.size > 0) {
        await Promise.race([Promise.all([...this.#jobs].map((job) => job.done)), deadline]);
        const reason = new DOMException(
          `The server closed after waiting closeTimeout (${this.#closeTimeout} ms) for this request's handler`,
          "AbortError",
        );
        for (const job of this.#jobs) {
          job.abandoned = true;
          this.#counters.drop("close-timeout");
          job.context?.abandon(reason);
        }
        if (this.#jobs.size > 0) {
          this.#logger.warn("closed with handlers still running after closeTimeout", {
            abandoned: this.#jobs.size,
            closeTimeout: this.#closeTimeout,
          });
        }
        this.#jobs.clear();
      }
      if (this.#sending > 0) {
        await Promise.race([new Promise<void>((resolve) => (this.#sent = resolve)), deadline]);
      }
    } finally {
      clearTimeout(timer);
    }
    await Promise.all([
      ...this.#sockets.map((socket) => socket.close().catch(() => {})),
      stopped,
      this.#connections.closeAll(CONNECTION_END_TIMEOUT),
    ]);
    this.#limited.flush();
    this.#state = "closed";
    if (wasListening) this.#logger.info("closed", {});
  }

  /**
   * The client of a TCP or TLS connection, by its source address: found
   * once per connection, not per packet. Throws (or rejects) when a
   * `clients` function fails.
   */
  #identify(remote: Address): ResolvedNas | undefined | PromiseLike<ResolvedNas | undefined> {
    if (this.#table !== undefined) return this.#table.find(remote.hostname);
    const found = this.#lookup!(unmapIPv4(remote.hostname), remote);
    const resolve = (result: unknown) =>
      result === undefined || result === null ? undefined : this.#resolve(result, remote);
    return isPromiseLike(found) ? found.then(resolve) : resolve(found);
  }

  /**
   * Steps 1 to 3 for a packet framed out of a TCP or TLS connection, whose
   * client is known (step 4 ran when it connected), then the rest.
   */
  #receiveStream(listener: Listener, data: Uint8Array, client: ResolvedNas): void {
    this.#counters.received++;
    const from = listener.peer!;
    if (this.#state === "closing" || this.#state === "closed") {
      return this.#drop(undefined, "closing", from, undefined, listener);
    }
    const code = data[0]!;
    if (!accepts(listener.port, code)) {
      return this.#drop(undefined, "wrong-port", from, { code: codeName(code) }, listener);
    }
    if (!this.#attributesFit(listener, data, data.length, from)) return;
    this.#process(listener, data, data.length, from, client, undefined);
  }

  /**
   * Step 3: the attribute headers frame (RFC 2865 §5) and there are at most
   * `maxAttributes` of them; else the datagram is dropped and `false`.
   */
  #attributesFit(listener: Listener, data: Uint8Array, length: number, from: Address): boolean {
    const { maxAttributes } = this.#limits;
    const count = countFramed(data, HEADER_LENGTH, length, maxAttributes);
    if (count < 0) {
      const error = framingProblem(data, HEADER_LENGTH, length)!.message;
      this.#drop(undefined, "malformed", from, { error }, listener);
      return false;
    }
    if (count > maxAttributes) {
      this.#drop(undefined, "too-many-attributes", from, { maxAttributes }, listener);
      return false;
    }
    return true;
  }

  /** Steps 1 to 4: what the bytes alone tell, then the client. */
  #receive(listener: Listener, data: Uint8Array, from: Address): void {
    this.#counters.received++;
    if (this.#state === "closing" || this.#state === "closed") {
      return this.#drop(undefined, "closing", from);
    }
    // Garbage is common here: the checks up to the lookup build no Error.
    const length = framedLength(data);
    if (length < 0) {
      return this.#drop(undefined, "malformed", from, { error: lengthProblem(data) });
    }
    const code = data[0]!;
    if (!accepts(listener.port, code)) {
      return this.#drop(undefined, "wrong-port", from, {
        code: codeName(code),
        port: listener.port,
      });
    }
    if (!this.#attributesFit(listener, data, length, from)) return;
    const table = this.#table;
    if (table !== undefined) {
      return this.#process(listener, data, length, from, table.find(from.hostname), undefined);
    }
    // The lookup may be async: it is a request in flight from the call on.
    const { maxInFlight, maxPendingLookups } = this.#limits;
    const full = this.#jobs.size >= maxInFlight;
    if (full || this.#lookups >= maxPendingLookups) {
      // A retransmission needs no lookup to be answered from the cache.
      if (this.#answeredFromCache(listener, data, from)) return;
      return full
        ? this.#drop(undefined, "overloaded", from, { maxInFlight })
        : this.#drop(undefined, "lookup-overloaded", from, { maxPendingLookups });
    }
    let found: unknown;
    try {
      found = this.#lookup!(unmapIPv4(from.hostname), from);
    } catch (error) {
      return this.#lookupFailed(undefined, from, error);
    }
    if (!isPromiseLike(found)) {
      return this.#fromLookup(listener, data, length, from, found, undefined);
    }
    const job = this.#startJob();
    this.#lookups++;
    // The datagram waits for the lookup: it must not hold the transport's block.
    const bytes = ownBytes(data, length);
    found.then(
      (result) => {
        this.#lookups--;
        if (!job.abandoned) this.#fromLookup(listener, bytes, length, from, result, job);
      },
      (error) => {
        this.#lookups--;
        this.#lookupFailed(job, from, error);
      },
    );
  }

  /**
   * Step 5 ahead of a full server's client lookup: a retransmission of an
   * answered request gets its cached reply (RFC 5080 §2.2.2), as it would
   * with room to spare. The key holds the source and the Request
   * Authenticator, so the bytes go only where the original reply went.
   */
  #answeredFromCache(listener: Listener, data: Uint8Array, from: Address): boolean {
    if (listener.radius11 === true || data[0] === Code.StatusServer) return false;
    const state = this.#cache.check(requestKey(listener.tag, from.hostname, from.port, data));
    if (state.kind !== "answered") return false;
    this.#send(undefined, listener, from, state.reply, true);
    return true;
  }

  #fromLookup(
    listener: Listener,
    data: Uint8Array,
    length: number,
    from: Address,
    found: unknown,
    job: Job | undefined,
  ): void {
    if (found === undefined || found === null) {
      return this.#process(listener, data, length, from, undefined, job);
    }
    let client: ResolvedNas;
    try {
      client = this.#resolve(found, from);
    } catch (error) {
      return this.#lookupFailed(job, from, error);
    }
    this.#process(listener, data, length, from, client, job);
  }

  #resolve(found: unknown, from: Address): ResolvedNas {
    const name = unmapIPv4(from.hostname);
    if (typeof found === "string") return resolveNas({ secret: found }, name);
    if (typeof found !== "object" || found === null) {
      throw new TypeError(`the client lookup returned ${typeof found}, not a client or a secret`);
    }
    let client = this.#resolved.get(found);
    if (client === undefined) {
      client = found instanceof Uint8Array
        ? resolveNas({ secret: found }, name)
        : resolveNas(found as NasSettings, name);
      this.#resolved.set(found, client);
    }
    return client;
  }

  #lookupFailed(job: Job | undefined, from: Address, error: unknown): void {
    if (!this.#settle(job)) return;
    this.#counters.drop("client-lookup-error");
    this.#limited.log("error", "client-lookup-error", "client lookup failed", () => ({
      from: formatAddress(from),
      error,
    }));
  }

  /** Steps 5 to 8. */
  #process(
    listener: Listener,
    data: Uint8Array,
    length: number,
    from: Address,
    client: ResolvedNas | undefined,
    job: Job | undefined,
  ): void {
    if (client === undefined) return this.#drop(job, "unknown-client", from, undefined, listener);
    if (listener.radius11 === true) return this.#process11(listener, data, from, client);
    const secret = client.secret;
    if (secret === undefined) {
      return this.#drop(job, "no-secret", from, { client: client.name }, listener);
    }
    const code = data[0]!;
    let key: RequestKey | undefined;
    if (code !== Code.StatusServer) {
      key = requestKey(listener.tag, from.hostname, from.port, data);
      const state = this.#cache.check(key);
      if (state.kind === "in-flight") {
        return this.#drop(job, "duplicate-in-flight", from, undefined, listener);
      }
      if (state.kind === "answered") return this.#send(job, listener, from, state.reply, true);
    }
    // A job (an async lookup) holds its place in flight already.
    if (job === undefined && this.#jobs.size >= this.#limits.maxInFlight) {
      return this.#drop(
        job,
        "overloaded",
        from,
        { maxInFlight: this.#limits.maxInFlight },
        listener,
      );
    }
    if (!this.#load.admits(client)) {
      return this.#drop(job, "client-overloaded", from, {
        client: client.name,
        maxInFlight: client.maxInFlight,
      }, listener);
    }
    // Status-Server always needs one (RFC 5997 §3); Access-Request by the NAS's policy.
    let required = code === Code.StatusServer;
    let learning: string | undefined;
    // Over TLS every packet is authenticated already: BlastRADIUS forges
    // UDP and TCP replies, not TLS ones, so a NAS entry that does not say
    // otherwise needs no Message-Authenticator there.
    const overTls = listener.transport === "tls" &&
      client.settings.requireMessageAuthenticator === undefined;
    if (code === Code.AccessRequest && !overTls) {
      const policy = client.requireMessageAuthenticator;
      if (policy === true) required = true;
      else if (policy === "auto") {
        const source = unmapIPv4(from.hostname);
        required = this.#learned.has(source);
        if (!required) learning = source;
      }
    }
    let failure: DropReason | undefined;
    let request: Packet;
    try {
      failure = checkRequest(data, secret, required);
      if (failure === undefined && code === Code.AccessRequest && !required) {
        failure = overTls
          ? eapWithoutMessageAuthenticator(data)
          : this.#unrequired(data, client, learning);
      }
      if (failure !== undefined) {
        return this.#drop(job, failure, from, { client: client.name }, listener);
      }
      // The transport hands `data` over (DatagramTransport contract): decoded
      // in place, unless the request will outlive this callback (a job's
      // bytes are its own already).
      const bytes = job === undefined && this.#outliving[code] ? ownBytes(data, length) : data;
      request = decodeOwnedDatagram(bytes, {
        dictionary: this.#dictionary,
        secret: secret,
        maxAttributes: this.#limits.maxAttributes,
      });
    } catch (error) {
      if (error instanceof TooManyAttributesError) {
        return this.#drop(job, "too-many-attributes", from, {
          maxAttributes: this.#limits.maxAttributes,
        }, listener);
      }
      return this.#drop(job, "malformed", from, { error: (error as Error).message }, listener);
    }
    if (key !== undefined) this.#cache.begin(key);
    this.#handle(job, listener, client, key, request, from);
  }

  /** Step 8: the handler (or the default answer), then the reply. */
  #handle(
    job: Job | undefined,
    listener: Listener,
    client: ResolvedNas,
    key: RequestKey | undefined,
    request: Packet,
    from: Address,
  ): void {
    const code = request.code;
    this.#counters.request(code);
    const context = new Context(
      client.settings,
      client.name,
      from,
      listener.port,
      listener.socket!.local,
      request,
      listener.transport,
      listener.tls,
    );
    const handler = this.#handlers[code];
    let result: Packet<object> | undefined | PromiseLike<Packet<object> | undefined>;
    try {
      result = handler !== undefined
        ? handler(request, context)
        : this.#defaultReply(listener.port, request);
    } catch (error) {
      return this.#handlerFailed(job, listener, key, context, error);
    }
    if (!isPromiseLike(result)) {
      return this.#reply(job, listener, client, key, context, result, handler !== undefined);
    }
    const pending = job ?? this.#startJob();
    pending.context = context;
    if (this.#load.add(client)) pending.client = client;
    // Its next requests are copied out of the transport's block (request_bytes.ts).
    this.#outliving[code] = true;
    result.then(
      (reply) => this.#reply(pending, listener, client, key, context, reply, true),
      (error) => this.#handlerFailed(pending, listener, key, context, error),
    );
  }

  /**
   * Steps 6 to 8 for RADIUS/1.1 (RFC 9765): TLS authenticated the peer, so
   * there is nothing to verify; no duplicate cache (§4.2.2: a Token is
   * never reused for a new request while one is outstanding, and the
   * connection checks that).
   */
  #process11(listener: Listener, data: Uint8Array, from: Address, client: ResolvedNas): void {
    if (this.#jobs.size >= this.#limits.maxInFlight) {
      return this.#drop(undefined, "overloaded", from, {
        maxInFlight: this.#limits.maxInFlight,
      }, listener);
    }
    if (!this.#load.admits(client)) {
      return this.#drop(undefined, "client-overloaded", from, {
        client: client.name,
        maxInFlight: client.maxInFlight,
      }, listener);
    }
    const code = data[0]!;
    let request: Packet;
    try {
      request = decodeOwnedRadius11(this.#outliving[code] ? ownBytes(data, data.length) : data, {
        dictionary: this.#dictionary,
        maxAttributes: this.#limits.maxAttributes,
      });
    } catch (error) {
      if (error instanceof TooManyAttributesError) {
        return this.#drop(undefined, "too-many-attributes", from, {
          maxAttributes: this.#limits.maxAttributes,
        }, listener);
      }
      return this.#drop(undefined, "malformed", from, {
        error: (error as Error).message,
      }, listener);
    }
    this.#handle(undefined, listener, client, undefined, request, from);
  }

  /**
   * The checks on a verified Access-Request whose NAS need not send a
   * Message-Authenticator (`false`, or `"auto"` not yet learned), and the
   * learning of `"auto"`.
   *
   * @returns Why to drop it, if it must be dropped.
   */
  #unrequired(
    data: Uint8Array,
    client: ResolvedNas,
    learning: string | undefined,
  ): DropReason | undefined {
    const length = packetLength(data);
    const eap = findAttribute(data, length, EAP_MESSAGE) !== -1;
    if (findAttribute(data, length, MESSAGE_AUTHENTICATOR) !== -1) {
      // checkRequest verified it. With EAP-Message it is mandatory anyway
      // (RFC 3579 §3.2) and says nothing about the NAS, so FreeRADIUS does
      // not learn from it either (listen.c, blastradius_checks).
      if (learning !== undefined && !eap && this.#learned.learn(learning)) {
        this.#logger.warn(
          'This NAS sends a valid Message-Authenticator: requiring one in its Access-Requests from now on (requireMessageAuthenticator "auto"); set requireMessageAuthenticator: true for it to keep that after a restart',
          { client: client.name, address: learning },
        );
      }
      return undefined;
    }
    // FreeRADIUS 3.2.5+ limit_proxy_state: Proxy-State is what BlastRADIUS forges.
    if (client.limitProxyState && findAttribute(data, length, PROXY_STATE) !== -1) {
      return "proxy-state-without-message-authenticator";
    }
    // RFC 3579 §3.2: an Access-Request with EAP-Message and no
    // Message-Authenticator MUST be silently discarded, whatever the NAS's settings.
    return eap ? "eap-without-message-authenticator" : undefined;
  }

  /** The answer when no handler is set; see {@linkcode ServerOptions}. */
  #defaultReply(port: PortName, request: Packet): Packet | undefined {
    switch (request.code) {
      case Code.AccessRequest:
        return request.reply(Code.AccessReject);
      case Code.StatusServer:
        return request.reply(port === "auth" ? Code.AccessAccept : Code.AccountingResponse);
      case Code.CoARequest:
        return nak(request, Code.CoANAK);
      case Code.DisconnectRequest:
        return nak(request, Code.DisconnectNAK);
      default:
        return undefined; // Accounting-Request: RFC 2866 §2, no record, no answer.
    }
  }

  #reply(
    job: Job | undefined,
    listener: Listener,
    client: ResolvedNas,
    key: RequestKey | undefined,
    context: Context,
    reply: unknown,
    handled: boolean,
  ): void {
    if (job?.abandoned) return;
    const { request, from } = context;
    if (reply === undefined || reply === null) {
      if (key !== undefined) this.#cache.forget(key);
      return this.#drop(
        job,
        handled ? "handler-dropped" : "no-handler-accounting",
        from,
        { code: request.codeName },
        listener,
      );
    }
    let bytes: Uint8Array;
    try {
      if (typeof (reply as Packet).encode !== "function") {
        throw new TypeError(
          `the handler returned ${typeof reply}, not a Packet: return request.reply(code, attributes) or undefined`,
        );
      }
      bytes = listener.radius11 === true
        ? encodeRadius11Into(reply as Packet, listener.token!, this.#replyBytes)
        : reply instanceof Packet
        ? encodePacketInto(reply, client.secret!, this.#replyBytes)
        : (reply as Packet).encode(client.secret!); // a Packet of another copy of radkit
    } catch (error) {
      if (key !== undefined) this.#cache.forget(key);
      if (!this.#settle(job)) return;
      this.#counters.drop("reply-error");
      listener.settled?.("reply-error");
      const attributes = reply instanceof Packet
        ? [...request.attributes(), ...reply.attributes()]
        : request.attributes();
      this.#failed("reply-error", "could not encode the reply", error, context, attributes);
      return;
    }
    if (key !== undefined) this.#cache.answer(key, bytes);
    this.#send(job, listener, from, bytes, false);
  }

  #handlerFailed(
    job: Job | undefined,
    listener: Listener,
    key: RequestKey | undefined,
    context: Context,
    error: unknown,
  ): void {
    if (key !== undefined) this.#cache.forget(key);
    if (!this.#settle(job)) return;
    this.#counters.drop("handler-error");
    this.#counters.handlerErrors++;
    listener.settled?.("handler-error");
    // A handler's own message may quote the request: its secret values are hidden.
    this.#failed("handler-error", "handler failed", error, context, context.request.attributes());
  }

  /**
   * Reports a request whose handling failed: to `onError` if set, else to
   * the log (rate-limited per kind), with the secret values of `attributes`
   * hidden in the error.
   */
  #failed(
    kind: "handler-error" | "reply-error",
    message: string,
    error: unknown,
    context: Context,
    attributes: ConstructorParameters<typeof SecretScrubber>[0],
  ): void {
    const onError = this.#onError;
    const fields = () => ({
      request: context.request.codeName,
      id: context.request.id,
      client: context.nasName,
      from: formatAddress(context.from),
    });
    if (onError === undefined) {
      this.#limited.log("error", kind, message, () => ({
        ...fields(),
        error: new SecretScrubber(attributes).scrubError(error),
      }));
      return;
    }
    const hookFailed = (hookError: unknown) =>
      this.#limited.log("error", "onError-error", "onError failed", () => ({
        ...fields(),
        error: new SecretScrubber(attributes).scrubError(hookError),
      }));
    try {
      const result: unknown = onError(error, context);
      if (isPromiseLike(result)) result.then(undefined, hookFailed);
    } catch (hookError) {
      hookFailed(hookError);
    }
  }

  #send(
    job: Job | undefined,
    listener: Listener,
    to: Address,
    bytes: Uint8Array,
    resent: boolean,
  ): void {
    if (!this.#settle(job)) return;
    listener.settled?.(undefined);
    const counters = this.#counters;
    if (resent) counters.resent++;
    else counters.replied++;
    counters.reply(bytes[0]!);
    try {
      const sending = listener.socket!.send(bytes, to);
      if (sending !== undefined) {
        this.#sending++;
        sending.then(() => this.#sendSettled(), (error) => {
          this.#sendSettled();
          this.#sendFailed(to, error);
        });
      }
    } catch (error) {
      this.#sendFailed(to, error);
    }
  }

  #sendSettled(): void {
    if (--this.#sending === 0 && this.#sent !== undefined) {
      const resolve = this.#sent;
      this.#sent = undefined;
      resolve();
    }
  }

  #sendFailed(to: Address, error: unknown): void {
    this.#counters.sendErrors++;
    this.#limited.log("warn", "send-error", "could not send a reply", () => ({
      to: formatAddress(to),
      error,
    }));
  }

  #drop(
    job: Job | undefined,
    reason: DropReason,
    from: Address,
    fields?: Record<string, unknown>,
    listener?: Listener,
  ): void {
    if (!this.#settle(job)) return;
    this.#counters.drop(reason);
    listener?.settled?.(reason);
    const where = formatAddress(from);
    this.#logger.debug(`dropped a datagram: ${reason}`, { reason, from: where, ...fields });
    this.#warnings.dropped(
      reason,
      fields?.client as string | undefined,
      () => ({ reason, from: where, ...fields }),
    );
  }

  #startJob(): Job {
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    const job: Job = { abandoned: false, resolve, done, context: undefined, client: undefined };
    this.#jobs.add(job);
    return job;
  }

  /** Ends a job; `false` if `close()` already gave up on it (and counted it). */
  #settle(job: Job | undefined): boolean {
    if (job === undefined) return true;
    if (job.abandoned) return false;
    this.#jobs.delete(job);
    if (job.client !== undefined) this.#load.remove(job.client);
    job.resolve();
    return true;
  }
}

/**
 * RFC 3579 §3.2: an Access-Request with EAP-Message and no
 * Message-Authenticator MUST be silently discarded, over any transport.
 */
function eapWithoutMessageAuthenticator(data: Uint8Array): DropReason | undefined {
  const length = packetLength(data);
  return findAttribute(data, length, EAP_MESSAGE) !== -1 &&
      findAttribute(data, length, MESSAGE_AUTHENTICATOR) === -1
    ? "eap-without-message-authenticator"
    : undefined;
}

function nak(request: Packet, code: Code): Packet {
  try {
    return request.reply(code, { "Error-Cause": UNSUPPORTED_SERVICE });
  } catch {
    // A dictionary without Error-Cause: the NAK alone still says no.
    return request.reply(code);
  }
}
