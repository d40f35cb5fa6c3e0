/**
 * The client's options, and their checks: each bad option throws an
 * {@linkcode InvalidOptionError} that names it (`server`, `servers[2]`,
 * `ports.auth`, …) and says what to pass instead.
 *
 * @module
 */
import { parseHostPort } from "../address.ts";
import type { AnyAttributes } from "../attribute_map.ts";
import type { DictionaryView } from "../codec/attribute.ts";
import type { AttributeTypes } from "../../dictionaries/attribute_types.ts";
import { Dictionary } from "../dictionary/dictionary.ts";
import { InvalidOptionError } from "../errors.ts";
import { consoleWarnings, type Logger } from "../logger.ts";
import type { Secret } from "../packet.ts";
import type { StreamTransport } from "../stream_transport.ts";
import type { AddressFamily, DatagramTransport } from "../transport.ts";
import { DEFAULT_RETRY, type RetryOptions } from "./retry_policy.ts";
import {
  DEFAULT_PORTS,
  literalTarget,
  type ServerEntry,
  serverEntry,
  type ServerPorts,
  TLS_PORTS,
} from "./server_pool.ts";
import {
  checkClientTls,
  checkRemoteServerTls,
  type ClientTlsOptions,
  type RemoteServerTls,
  serverTls,
} from "./tls_options.ts";

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
  /**
   * Its address, as for `ClientOptions.server`: an IP address, a host name
   * (resolved through the transport), optionally with a port
   * (`"192.0.2.1:1812"`, `"[2001:db8::1]:1812"`).
   */
  host: string;
  /** Its ports; those left out come from the port in `host`, then `ClientOptions.ports`. */
  ports?: Partial<ServerPorts>;
  /** Its shared secret; `ClientOptions.secret` when left out. */
  secret?: Secret;
  /** Over TLS: its own expected name and certificate fingerprints. */
  tls?: RemoteServerTls;
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
  /**
   * MRT: the longest wait between two transmissions (milliseconds); 0 for no cap.
   *
   * @default {16000}
   */
  maxTimeout?: number;
  /**
   * MRD: how long one server is tried in all (milliseconds), counted from
   * the first transmission to it; 0 for no limit.
   *
   * @default {30000}
   */
  maxDuration?: number;
  /**
   * RAND: every wait is randomised by up to ± this fraction, 0..1.
   *
   * @default {0.1}
   */
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
 * assert.throws(() => new Client({ ...options, servers: ["127.0.0.2"] }), {
 *   code: "ERR_INVALID_OPTION",
 * });
 * await client.close();
 * ```
 */
export interface ClientOptions<A extends object = AttributeTypes> {
  /**
   * RADIUS over UDP: `udp()` from `@radkit/radius/adapters/deno`, `/bun` or
   * `/node`. Give this or `streams`.
   */
  transport?: DatagramTransport;
  /**
   * RADIUS over TCP (RFC 6613), or over TLS (RadSec, RFC 6614) with `tls`:
   * `streams()` from `@radkit/radius/adapters/deno`, `/bun` or `/node`.
   * Give this or `transport`.
   *
   * Each server gets one connection per port, opened by the first request
   * and shared by all (255 requests at once on it; more wait for an
   * Identifier). A request is never sent twice on a live connection (RFC
   * 6613 §2.6.1): it waits as long as `timeout`, `retries` and `backoff`
   * would have let it wait over UDP, then the server counts as not
   * answering. When the connection closes with requests waiting, it is
   * opened again and they are sent again on it; a server whose connection
   * cannot be opened is down and requests move on to the next one. See
   * `watchdog` for how a silent connection is found out.
   *
   * @example Usage
   * ```ts
   * import { Client, Code, Dictionary, Server } from "@radkit/radius";
   * import { streams } from "@radkit/radius/adapters/node";
   * import assert from "node:assert/strict";
   *
   * const server = new Server({
   *   streams: streams(),
   *   dictionary: Dictionary.default(),
   *   clients: [{ address: "127.0.0.1", secret: "s3cret" }],
   *   handleAccessRequest: (request) => request.reply(Code.AccessAccept),
   * });
   * const { tcp } = await server.listen({ hostname: "127.0.0.1", tcp: { port: 0 } });
   * // RADIUS/TCP: every request kind to this one port (RFC 6613 §2.2 would be 1812, 1813, 3799).
   * const client = new Client({ streams: streams(), server: `127.0.0.1:${tcp!.port}`, secret: "s3cret" });
   * const replies = await Promise.all([1, 2, 3].map(() => client.accessRequest({ "User-Name": "bob" })));
   * assert.ok(replies.every((reply) => reply.code === Code.AccessAccept));
   * assert.equal(client.stats().connections.opened, 1); // one connection for all three
   * await client.close();
   * await server.close();
   * ```
   */
  streams?: StreamTransport;
  /**
   * With `streams`: RADIUS over TLS (RadSec, RFC 6614) instead of TCP. The
   * server's certificate must chain to `tls.ca` or match
   * `tls.fingerprints`; the client's own is `tls.cert`. Ports default to
   * 2083 for every kind of request, and `secret` to `"radsec"` (RFC 6614
   * §2.1, §2.3). See {@linkcode ClientTlsOptions}.
   */
  tls?: ClientTlsOptions;
  /**
   * The server: `"192.0.2.1"`, `"2001:db8::1"`, a host name such as
   * `"radius.example.org"` or `"localhost"`, any of them with a port
   * (`"127.0.0.1:1812"`, `"[::1]:1812"`, `"radius.example.org:1812"`), or a
   * {@linkcode RemoteServer} with its own ports and secret. Give this or
   * `servers`.
   *
   * A port given here is used for every request to this server (auth,
   * accounting and CoA alike, as `radclient host:port` does for its one
   * kind); use `ports` for one port per service.
   *
   * A host name is resolved with the transport's `lookup` (the adapters use
   * the operating system's resolver: `/etc/hosts`, then DNS) when the first
   * request needs it, not in the constructor; the first address returned is
   * used and kept until the server is marked down, after which the next
   * request resolves the name again. A transport without `lookup` takes IP
   * addresses only.
   */
  server?: string | RemoteServer;
  /**
   * Several servers in priority order, each given as for `server`: a
   * request goes to the first one up; a server that does not answer (or
   * whose name does not resolve) is marked down for `deadTime` and the
   * request moves on to the next.
   */
  servers?: readonly (string | RemoteServer)[];
  /**
   * The shared secret (RFC 2865 §3), a non-empty string or bytes. Over TLS
   * it defaults to `"radsec"` (RFC 6614 §2.3); over UDP and TCP it is
   * needed.
   */
  secret?: Secret;
  /**
   * The dictionary naming the attributes; the bundled RFC dictionaries by
   * default. Its attribute map types the client's requests and replies.
   */
  dictionary?: DictionaryView<A>;
  /**
   * IRT: how long to wait for a reply to the first transmission
   * (milliseconds); later waits double. The clock starts when the request
   * is first sent, not while it waits in the `maxInFlight` queue.
   *
   * @default {2000}
   */
  timeout?: number;
  /**
   * MRC: how many times a request is retransmitted to one server.
   *
   * @default {5}
   */
  retries?: number;
  /** MRT, MRD and jitter; RFC 5080 §2.2.1 values by default. */
  backoff?: BackoffOptions;
  /**
   * The servers' ports.
   *
   * @default {{ auth: 1812, acct: 1813, coa: 3799 } over UDP and TCP, 2083 for each over TLS}
   */
  ports?: Partial<ServerPorts>;
  /**
   * Require a Message-Authenticator in replies to Access-Request and
   * Status-Server (the BlastRADIUS defence, CVE-2024-3596). A reply whose
   * Response Authenticator verifies but that has none rejects its request at
   * once with a `MissingMessageAuthenticatorError`. Set `false` only for
   * servers that cannot send one (FreeRADIUS before 3.2.5, for example). A
   * Message-Authenticator that is present is verified either way. Over TLS
   * the default is `false`: TLS authenticates every reply (BlastRADIUS
   * forges UDP and TCP replies), and RadSec servers such as FreeRADIUS 3.2.1
   * send none.
   *
   * @default {true} (over TLS: `false`)
   */
  requireMessageAuthenticator?: boolean;
  /**
   * Also put a Message-Authenticator in Accounting-Request, CoA-Request and
   * Disconnect-Request (RFC 3579 §3.2 and RFC 5176 §3.3 allow it in any
   * packet; it is computed over the packet with a zero Request
   * Authenticator, as FreeRADIUS does, and the Request Authenticator then
   * covers it). Servers and NASes that require one, such as a FreeRADIUS
   * client entry with `require_message_authenticator = yes`, drop these
   * requests without it. Access-Request and Status-Server always carry one.
   *
   * @default {false}
   */
  addMessageAuthenticator?: boolean;
  /**
   * How long a server that timed out is skipped (milliseconds).
   *
   * @default {30000}
   */
  deadTime?: number;
  /**
   * While a server is down, send it a Status-Server (RFC 5997) every this
   * many milliseconds; an answer brings it back before its dead time ends.
   * 0: no probing.
   *
   * @default {0}
   */
  probeInterval?: number;
  /**
   * Over TCP and TLS: when a connection has had no reply for this many
   * milliseconds while requests wait on it, or has carried nothing for as
   * long, a Status-Server (RFC 5997) goes out on it, as the watchdog of RFC
   * 3539 §3.4 that RFC 6613 §2.4 asks for. No reply to it within `timeout`:
   * the connection is taken as dead, closed, its server marked down, and
   * the requests waiting on it move on to the next server. 0: no watchdog.
   * A server that does not answer Status-Server needs 0 here.
   *
   * @default {30000}
   */
  watchdog?: number;
  /**
   * The local addresses to bind (UDP).
   *
   * @default {{ ipv4: "0.0.0.0", ipv6: "::" }}
   */
  localAddress?: { ipv4?: string; ipv6?: string };
  /**
   * The most sockets per address family; each gives 256 Identifiers, so
   * this also bounds the requests in flight per family (further ones wait
   * for a free Identifier).
   *
   * @default {256}
   */
  maxSockets?: number;
  /**
   * The most requests sent and not yet answered at once; further requests
   * wait in a first-in, first-out queue (their timeout starts when they are
   * sent; an `AbortSignal` or `close()` ends them in the queue too).
   * `Infinity` for no limit.
   *
   * A burst larger than the server's socket receive buffer loses datagrams
   * before any code sees them, and each loss costs a full `timeout` before
   * its retransmission: with no limit, 1,000 requests fired at once lose
   * about a fifth of their first transmissions to a server on Linux's
   * default buffer (`net.core.rmem_default`, about 208 KiB, which holds 256
   * small datagrams). 128 leave that buffer half free (for other clients,
   * and for the kernel's accounting while the server reads) and still keep
   * a server busy: on loopback 1,000 or 10,000 requests fired at once then
   * need no retransmission and take no longer than with more in flight
   * (`bench/burst_bench.ts`, bench/RESULTS.md).
   *
   * @default {128}
   */
  maxInFlight?: number;
  /**
   * The receive buffer (`SO_RCVBUF`) each socket asks for (bytes), so that
   * the replies to a burst are not lost before the client reads them. The
   * operating system may grant less (Linux caps it at
   * `net.core.rmem_max`). A transport that cannot set it (Deno's
   * `Deno.listenDatagram`, for one) rejects the bind with `code: "ENOTSUP"`:
   * with this default the client then binds with the system's default
   * buffer (and logs it at debug level); a size given here makes that
   * error reject the request instead.
   *
   * @default {4194304}
   */
  receiveBufferSize?: number;
  /**
   * The send buffer (`SO_SNDBUF`) each socket asks for (bytes), as
   * `receiveBufferSize`. By default the system's.
   */
  sendBufferSize?: number;
  /**
   * Where the client writes retransmissions and dropped replies (debug), a
   * server back up (info), a server marked down, a failover and a server's
   * first reply that fails verification (warn). Never a secret.
   *
   * @default {warnings and errors to console.warn / console.error}
   */
  logger?: Logger;
}

/** The client's options, checked, with defaults applied. */
export interface ClientSettings {
  /** Over UDP. */
  readonly transport: DatagramTransport | undefined;
  /** Over TCP or TLS. */
  readonly streams: StreamTransport | undefined;
  /** `"udp"`, `"tcp"` or `"tls"`. */
  readonly protocol: "udp" | "tcp" | "tls";
  /** The Status-Server watchdog interval over TCP and TLS; 0 for none. */
  readonly watchdog: number;
  readonly dictionary: DictionaryView<AnyAttributes>;
  readonly servers: readonly ServerEntry[];
  readonly retry: RetryOptions;
  readonly deadTime: number;
  readonly probeInterval: number;
  readonly requireMessageAuthenticator: boolean;
  readonly addMessageAuthenticator: boolean;
  readonly local: Readonly<Record<AddressFamily, string>>;
  readonly maxSockets: number;
  readonly maxInFlight: number;
  /** `receiveBufferSize` as given, or `undefined` for the default. */
  readonly receiveBufferSize: number | undefined;
  readonly sendBufferSize: number | undefined;
  readonly logger: Logger;
}

/** The default of `ClientOptions.maxInFlight`. */
export const DEFAULT_MAX_IN_FLIGHT = 128;
/** The default of `ClientOptions.receiveBufferSize`: 4 MiB. */
export const DEFAULT_RECEIVE_BUFFER_SIZE: number = 4 * 1024 * 1024;

const TRANSPORTS = 'udp() from "@radkit/radius/adapters/deno", "/bun" or "/node" ' +
  '(or a MemoryTransport from "@radkit/radius/testing")';
const STREAMS = 'streams() from "@radkit/radius/adapters/deno", "/bun" or "/node"';
/** RFC 6614 §2.3: the shared secret of RADIUS/TLS unless one is configured. */
const RADSEC_SECRET = "radsec";
/** Options that only concern UDP sockets. */
const UDP_ONLY = ["localAddress", "maxSockets", "receiveBufferSize", "sendBufferSize"] as const;

/**
 * Checks the options of `new Client()`.
 *
 * @param options The options as given.
 * @returns The settings.
 * @throws {InvalidOptionError} naming the first bad option.
 */
export function clientSettings(options: ClientOptions<object>): ClientSettings {
  if (typeof options !== "object" || options === null) {
    throw new InvalidOptionError(
      "options",
      "new Client() needs options: { transport, server, secret }",
    );
  }
  const { transport, streams } = options;
  if (transport !== undefined && streams !== undefined) {
    throw new InvalidOptionError(
      "streams",
      "Give the client either transport (RADIUS/UDP) or streams (RADIUS/TCP, and RADIUS/TLS " +
        "with tls), not both: use one Client per transport",
    );
  }
  if (streams === undefined && typeof transport?.bind !== "function") {
    throw new InvalidOptionError(
      "transport",
      `Client needs a transport: pass transport: ${TRANSPORTS} for RADIUS/UDP, ` +
        `or streams: ${STREAMS} for RADIUS/TCP (with tls: { ca, cert, key } for RADIUS/TLS)`,
    );
  }
  if (streams !== undefined && typeof streams?.connect !== "function") {
    throw new InvalidOptionError(
      "streams",
      `Invalid streams: pass streams: ${STREAMS} (or a MemoryStreams from "@radkit/radius/testing")`,
    );
  }
  if (options.tls !== undefined && streams === undefined) {
    throw new InvalidOptionError(
      "tls",
      `tls needs a stream transport: pass streams: ${STREAMS} instead of transport`,
    );
  }
  if (streams !== undefined) {
    for (const name of UDP_ONLY) {
      if (options[name] !== undefined) {
        throw new InvalidOptionError(
          name,
          `${name} concerns UDP sockets only: leave it out with streams`,
        );
      }
    }
  } else if (options.watchdog !== undefined) {
    throw new InvalidOptionError(
      "watchdog",
      "watchdog concerns TCP and TLS connections only: leave it out with transport",
    );
  }
  const tls = options.tls === undefined ? undefined : checkClientTls(options.tls);
  const protocol = streams === undefined ? "udp" : tls === undefined ? "tcp" : "tls";
  const lookup = streams === undefined ? transport!.lookup : streams.lookup;
  const transportName = (streams ?? transport)!.name;
  const { server, servers } = options;
  if (server === undefined && servers === undefined) {
    throw new InvalidOptionError(
      "server",
      'Client needs a server: pass server: "192.0.2.1" (an IP address or host name, ' +
        'optionally with a port: "radius.example.org:1812"), or servers: [...]',
    );
  }
  if (server !== undefined && servers !== undefined) {
    throw new InvalidOptionError(
      "servers",
      "Give the client either server or servers, not both",
    );
  }
  if (servers !== undefined && (!Array.isArray(servers) || servers.length === 0)) {
    throw new InvalidOptionError(
      "servers",
      'Invalid servers: give a non-empty array such as ["192.0.2.1", "192.0.2.2"]',
    );
  }
  const ports = resolvePorts("ports", options.ports, tls === undefined ? DEFAULT_PORTS : TLS_PORTS);
  const list: readonly (string | RemoteServer)[] = server !== undefined ? [server] : servers!;
  const secret = options.secret ?? (tls === undefined ? undefined : RADSEC_SECRET);
  const entries = list.map((item, i) => {
    const option = server !== undefined ? "server" : `servers[${i}]`;
    return entry(option, item, ports, secret, { lookup, name: transportName, tls });
  });
  const backoff = options.backoff ?? {};
  const jitter = backoff.jitter ?? DEFAULT_RETRY.jitter;
  if (!(typeof jitter === "number" && jitter >= 0 && jitter <= 1)) {
    throw new InvalidOptionError(
      "backoff.jitter",
      `Invalid backoff.jitter ${String(jitter)}: must be a fraction 0..1`,
    );
  }
  const retry: RetryOptions = {
    initialTimeout: milliseconds("timeout", options.timeout, DEFAULT_RETRY.initialTimeout),
    maxRetransmissions: count("retries", options.retries, DEFAULT_RETRY.maxRetransmissions, 0),
    maxTimeout: milliseconds("backoff.maxTimeout", backoff.maxTimeout, DEFAULT_RETRY.maxTimeout),
    maxDuration: milliseconds(
      "backoff.maxDuration",
      backoff.maxDuration,
      DEFAULT_RETRY.maxDuration,
    ),
    jitter,
  };
  if (retry.initialTimeout === 0) {
    throw new InvalidOptionError("timeout", "Invalid timeout 0: must be > 0 milliseconds");
  }
  const dictionary = (options.dictionary ?? Dictionary.default()) as DictionaryView<AnyAttributes>;
  if (typeof dictionary?.attribute !== "function") {
    throw new InvalidOptionError(
      "dictionary",
      "Invalid dictionary: pass Dictionary.default() or one loaded with loadDictionary()",
    );
  }
  const maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  if (maxInFlight !== Infinity) count("maxInFlight", maxInFlight, DEFAULT_MAX_IN_FLIGHT, 1);
  return {
    transport,
    streams,
    protocol,
    watchdog: milliseconds("watchdog", options.watchdog, 30000),
    dictionary,
    servers: entries,
    retry,
    deadTime: milliseconds("deadTime", options.deadTime, 30000),
    probeInterval: milliseconds("probeInterval", options.probeInterval, 0),
    requireMessageAuthenticator: flag(
      "requireMessageAuthenticator",
      options.requireMessageAuthenticator,
      options.tls === undefined,
    ),
    addMessageAuthenticator: flag(
      "addMessageAuthenticator",
      options.addMessageAuthenticator,
      false,
    ),
    local: {
      IPv4: localAddress("localAddress.ipv4", options.localAddress?.ipv4, "IPv4", "0.0.0.0"),
      IPv6: localAddress("localAddress.ipv6", options.localAddress?.ipv6, "IPv6", "::"),
    },
    maxSockets: count("maxSockets", options.maxSockets, 256, 1),
    maxInFlight,
    receiveBufferSize: bytes("receiveBufferSize", options.receiveBufferSize),
    sendBufferSize: bytes("sendBufferSize", options.sendBufferSize),
    logger: logger(options.logger),
  };
}

/** What an entry needs to know of the transport. */
interface EntryContext {
  /** Its name lookup, if it has one. */
  readonly lookup: unknown;
  /** Its name, for messages. */
  readonly name: string;
  /** The client-wide TLS settings, over TLS. */
  readonly tls: ClientTlsOptions | undefined;
}

function entry(
  option: string,
  item: string | RemoteServer,
  ports: ServerPorts,
  secret: Secret | undefined,
  transport: EntryContext,
): ServerEntry {
  const remote = typeof item === "string" ? undefined : item;
  const hostOption = remote === undefined ? option : `${option}.host`;
  const text = remote === undefined ? item : remote?.host;
  if (typeof text !== "string") {
    throw new InvalidOptionError(
      option,
      `Invalid ${option}: give a host such as "192.0.2.1" or "radius.example.org:1812", ` +
        "or { host, ports?, secret? }",
    );
  }
  let parsed: { hostname: string; port?: number };
  try {
    parsed = parseHostPort(text);
  } catch (error) {
    throw new InvalidOptionError(
      hostOption,
      `Invalid ${hostOption}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const literal = literalTarget(parsed.hostname) !== undefined;
  if (!literal && typeof transport.lookup !== "function") {
    throw new InvalidOptionError(
      hostOption,
      `Invalid ${hostOption} ${JSON.stringify(text)}: the transport "${transport.name}" ` +
        'cannot resolve host names; give an IP address such as "127.0.0.1" or "::1"',
    );
  }
  const port = parsed.port;
  const own = port === undefined
    ? ports
    : resolvePorts(hostOption, { auth: port, acct: port, coa: port }, ports);
  const serverPorts = resolvePorts(`${option}.ports`, remote?.ports, own);
  const serverSecret = remote?.secret ?? secret;
  const secretOption = remote?.secret !== undefined ? `${option}.secret` : "secret";
  checkSecret(secretOption, serverSecret);
  let tls;
  if (remote?.tls !== undefined) {
    if (transport.tls === undefined) {
      throw new InvalidOptionError(
        `${option}.tls`,
        `${option}.tls needs RADIUS/TLS: give the client tls: { ca, cert, key } and streams`,
      );
    }
    tls = serverTls(
      transport.tls,
      checkRemoteServerTls(`${option}.tls`, remote.tls),
      parsed.hostname,
      literal,
    );
  } else if (transport.tls !== undefined) {
    tls = serverTls(transport.tls, undefined, parsed.hostname, literal);
  }
  return serverEntry(option, parsed.hostname, serverPorts, serverSecret!, tls);
}

function checkSecret(option: string, secret: Secret | undefined): void {
  const ok = (typeof secret === "string" || secret instanceof Uint8Array) && secret.length > 0;
  if (!ok) {
    throw new InvalidOptionError(
      option,
      secret === undefined
        ? 'Client needs the shared secret: pass secret: "…" (the one the server has for this client)'
        : `Invalid ${option}: the shared secret must be a non-empty string or Uint8Array`,
    );
  }
}

function milliseconds(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(typeof value === "number" && value >= 0 && Number.isFinite(value))) {
    throw new InvalidOptionError(
      name,
      `Invalid ${name} ${String(value)}: must be a finite number of milliseconds >= 0`,
    );
  }
  return value;
}

function count(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!(Number.isInteger(value) && value >= min)) {
    throw new InvalidOptionError(
      name,
      `Invalid ${name} ${String(value)}: must be an integer >= ${min}`,
    );
  }
  return value;
}

function bytes(name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!(Number.isInteger(value) && value > 0 && value <= 2 ** 31 - 1)) {
    throw new InvalidOptionError(
      name,
      `Invalid ${name} ${String(value)}: must be a number of bytes 1..2147483647`,
    );
  }
  return value;
}

function flag(name: string, value: boolean | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") {
    throw new InvalidOptionError(name, `Invalid ${name} ${String(value)}: must be true or false`);
  }
  return value;
}

function localAddress(
  name: string,
  value: string | undefined,
  family: AddressFamily,
  fallback: string,
): string {
  if (value === undefined) return fallback;
  const target = typeof value === "string" ? literalTarget(value) : undefined;
  if (target?.family !== family) {
    throw new InvalidOptionError(
      name,
      `Invalid ${name} ${JSON.stringify(value)}: give an ${family} address such as "${fallback}"`,
    );
  }
  return value;
}

const LEVELS = ["debug", "info", "warn", "error"] as const;

/** The logger to use: the user's, each call guarded (a logger that throws must not break a request), or the default. */
function logger(value: Logger | undefined): Logger {
  if (value === undefined) return consoleWarnings("radkit client");
  for (const level of LEVELS) {
    if (typeof value?.[level] !== "function") {
      throw new InvalidOptionError(
        "logger",
        `Invalid logger: logger.${level} must be a function (message, fields) => void`,
      );
    }
  }
  const guarded = {} as Logger;
  for (const level of LEVELS) {
    guarded[level] = (message, fields) => {
      try {
        if (fields === undefined) value[level](message);
        else value[level](message, fields);
      } catch {
        // Logging is best effort.
      }
    };
  }
  return guarded;
}

/** `base` with the ports given, each checked; `name` is the option, for messages. */
function resolvePorts(
  name: string,
  ports: Partial<ServerPorts> | undefined,
  base: ServerPorts,
): ServerPorts {
  if (ports !== undefined && (typeof ports !== "object" || ports === null)) {
    throw new InvalidOptionError(name, `Invalid ${name}: give { auth?, acct?, coa? }`);
  }
  const out = { ...base, ...ports };
  for (const [kind, port] of Object.entries(out)) {
    if (!(Number.isInteger(port) && port > 0 && port <= 65535)) {
      const option = name === "ports" || name.endsWith(".ports") ? `${name}.${kind}` : name;
      throw new InvalidOptionError(
        option,
        `Invalid ${option} ${String(port)}: must be an integer 1..65535`,
      );
    }
  }
  return out;
}
