/**
 * An in-memory {@linkcode DatagramTransport} for tests: one simulated network
 * on which any number of sockets bind any IP literal and port, with loss,
 * duplication, latency and reordering injected from a seeded generator, so a
 * failing test fails the same way every run. {@linkcode MemoryStreams} does
 * the same for TCP and TLS connections (a `StreamTransport`).
 *
 * @example Usage
 * ```ts
 * import { MemoryTransport } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * const network = new MemoryTransport({ seed: 7, loss: 0.5 });
 * let received = 0;
 * const server = await network.bind({ hostname: "192.0.2.10", port: 1812 }, () => received++);
 * const client = await network.bind({ hostname: "192.0.2.1", port: 0 }, () => {});
 * for (let i = 0; i < 100; i++) client.send(new Uint8Array([i]), server.local);
 * await network.idle();
 * assert.equal(received, network.stats.delivered);
 * assert.equal(network.stats.sent - network.stats.dropped, received);
 * await client.close();
 * await server.close();
 * ```
 *
 * @module
 */
import { formatAddress } from "../address.ts";
import type {
  Address,
  AddressFamily,
  BindOptions,
  BufferSizes,
  DatagramSocket,
  DatagramTransport,
  MessageHandler,
  ResolvedAddress,
} from "../transport.ts";
import {
  EPHEMERAL_COUNT,
  EPHEMERAL_FIRST,
  familyOf,
  isIpLiteral,
  isWildcard,
  milliseconds,
  port,
  seeded,
  withCode,
} from "./_network.ts";

export {
  type HandshakeFault,
  type HandshakeHook,
  MemoryStreams,
  type MemoryStreamsOptions,
  type MemoryStreamsStats,
  type StallDirection,
} from "./memory_streams.ts";

/**
 * Decides the fate of one datagram before any random fault applies:
 * `"deliver"` lets it through, `"drop"` loses it, a `Uint8Array` is delivered
 * in its place.
 *
 * @param data A copy of the payload, which the hook may keep or change.
 * @param from The sending socket's address.
 * @param to The destination as given to `send`, with its family.
 * @returns What to do with the datagram.
 *
 * @example Usage
 * ```ts
 * import { Client, Code, Dictionary, Server } from "@radkit/radius";
 * import { type InterceptHook, MemoryTransport } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * let replies = 0;
 * const loseFirstReply: InterceptHook = (_data, from) =>
 *   from.port === 1812 && replies++ === 0 ? "drop" : "deliver";
 * const network = new MemoryTransport({ intercept: loseFirstReply });
 * const server = new Server({
 *   transport: network,
 *   dictionary: Dictionary.default(),
 *   clients: [{ address: "127.0.0.1", secret: "s" }],
 * });
 * await server.listen({ hostname: "127.0.0.1", auth: 1812 });
 * const client = new Client({ transport: network, server: "127.0.0.1", secret: "s", timeout: 100 });
 * assert.equal((await client.accessRequest({ "User-Name": "bob" })).code, Code.AccessReject);
 * assert.equal(client.stats().retransmitted, 1);
 * assert.equal(server.stats().resent, 1); // answered again from the duplicate cache
 * await client.close();
 * await server.close();
 * ```
 */
export type InterceptHook = (
  data: Uint8Array,
  from: Address,
  to: Address,
) => "deliver" | "drop" | Uint8Array;

/**
 * The faults a {@linkcode MemoryTransport} injects, and the host names it
 * resolves. Each datagram passes, in order: the intercept hook, loss,
 * duplication, then a delay of `latency` plus a random share of `jitter` per
 * copy.
 *
 * @example Usage
 * ```ts
 * import { MemoryTransport, type MemoryTransportOptions } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * const options: MemoryTransportOptions = { seed: 42, duplicate: 1, latency: 5 };
 * const network = new MemoryTransport(options);
 * let received = 0;
 * const server = await network.bind({ hostname: "127.0.0.1", port: 1812 }, () => received++);
 * const client = await network.bind({ hostname: "127.0.0.1", port: 0 }, () => {});
 * client.send(new Uint8Array(20), server.local);
 * await network.idle();
 * assert.equal(received, 2);
 * await client.close();
 * await server.close();
 * ```
 */
export interface MemoryTransportOptions {
  /** Seeds the generator behind loss, duplication and jitter. Default 1. */
  seed?: number;
  /** The probability, 0 to 1, that a datagram is lost. Default 0. */
  loss?: number;
  /** The probability, 0 to 1, that a datagram arrives twice. Default 0. */
  duplicate?: number;
  /** Milliseconds every datagram takes. Default 0: the next timer turn. */
  latency?: number;
  /**
   * Up to this many milliseconds added at random to each copy's latency,
   * which reorders datagrams. Default 0: arrival in sending order.
   */
  jitter?: number;
  /**
   * Sees every datagram first; see {@linkcode InterceptHook}. Passing
   * `undefined` to {@linkcode MemoryTransport.configure} removes it.
   */
  intercept?: InterceptHook | undefined;
  /**
   * The names {@linkcode MemoryTransport.lookup} resolves, as `/etc/hosts`
   * would, each to one IP literal or several in order of preference; names
   * match without regard to case. `localhost` resolves to `127.0.0.1` and
   * `::1` unless listed here. Given to
   * {@linkcode MemoryTransport.configure}, it replaces the previous table.
   */
  hosts?: Readonly<Record<string, string | readonly string[]>>;
}

/**
 * Counters of a {@linkcode MemoryTransport}, since it was created.
 *
 * @example Usage
 * ```ts
 * import { MemoryTransport, type MemoryTransportStats } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * const network = new MemoryTransport({ seed: 3, loss: 0.3, duplicate: 0.3 });
 * const server = await network.bind({ hostname: "127.0.0.1", port: 1812 }, () => {});
 * const client = await network.bind({ hostname: "127.0.0.1", port: 0 }, () => {});
 * for (let i = 0; i < 50; i++) client.send(new Uint8Array([i]), server.local);
 * await network.idle();
 * const { sent, delivered, dropped, duplicated }: MemoryTransportStats = network.stats;
 * assert.equal(sent, 50);
 * assert.equal(delivered, sent - dropped + duplicated);
 * await client.close();
 * await server.close();
 * ```
 */
export interface MemoryTransportStats {
  /** Datagrams accepted by `send`. */
  readonly sent: number;
  /** Calls of a message handler (duplicates count each time). */
  readonly delivered: number;
  /**
   * Datagrams lost: by the loss probability, by the intercept hook, for want
   * of a socket at the destination, or because it closed before arrival.
   */
  readonly dropped: number;
  /** Extra copies made by the duplication probability. */
  readonly duplicated: number;
}

/** Largest UDP payloads: 65535 minus the IP and UDP headers. */
const MAX_PAYLOAD: Record<AddressFamily, number> = { IPv4: 65507, IPv6: 65527 };

interface Endpoint {
  readonly local: Address;
  readonly reusePort: boolean;
  readonly onMessage: MessageHandler;
  readonly onError: ((error: Error) => void) | undefined;
  /** Timers of datagrams on their way to this socket. */
  readonly inbound: Set<ReturnType<typeof setTimeout>>;
  readonly bufferSizes: BufferSizes;
  closed: boolean;
  /** Whether it would keep a real process alive: not unref'd. */
  referenced: boolean;
}

/** What Linux grants a socket by default (`net.core.rmem_default`, `wmem_default`). */
const DEFAULT_BUFFER_SIZE = 212_992;
/** `SO_RCVBUF` and `SO_SNDBUF` take a C `int`. */
const MAX_BUFFER_SIZE = 2_147_483_647;
const DEFAULT_HOSTS: ReadonlyMap<string, readonly ResolvedAddress[]> = new Map([
  ["localhost", [{ hostname: "127.0.0.1", family: "IPv4" }, { hostname: "::1", family: "IPv6" }]],
]);

/**
 * A simulated network that implements {@linkcode DatagramTransport}. Sockets
 * bind any IP literal (`"192.0.2.1"` stands for another host) or a wildcard
 * (`"0.0.0.0"`, `"::"`) that receives for every address of its family; what
 * a wildcard socket sends comes from the loopback address of its family.
 * Port 0 takes the next free port from 49152. Delivery is always
 * asynchronous, by timer, and each receiver gets its own copy of the bytes.
 * Families do not mix: an IPv4 socket cannot send to an IPv6 address.
 * Buffers never overflow: a socket accepts any `receiveBufferSize` and
 * `sendBufferSize` and reports them as asked for. `unref()` and `ref()` only
 * change {@linkcode MemoryTransport.referenced}, since no timer of the
 * network outlives the datagrams in flight. {@linkcode MemoryTransport.lookup}
 * resolves from the `hosts` option, never through DNS.
 *
 * @example Usage
 * ```ts
 * import { MemoryTransport } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * const network = new MemoryTransport({
 *   intercept: (data) => data[0] === 0 ? "drop" : "deliver",
 * });
 * const received: number[] = [];
 * const server = await network.bind({ hostname: "::1", port: 1812 }, (data) => received.push(data[0]!));
 * const client = await network.bind({ hostname: "::1", port: 0 }, () => {});
 * client.send(new Uint8Array([0]), server.local);
 * client.send(new Uint8Array([1]), server.local);
 * await network.idle();
 * assert.deepEqual(received, [1]);
 * assert.deepEqual(network.stats, { sent: 2, delivered: 1, dropped: 1, duplicated: 0 });
 * await client.close();
 * await server.close();
 * ```
 */
export class MemoryTransport implements DatagramTransport {
  /** `"memory"`, for logs. */
  readonly name: string = "memory";

  #loss = 0;
  #duplicate = 0;
  #latency = 0;
  #jitter = 0;
  #intercept: InterceptHook | undefined;
  #hosts: ReadonlyMap<string, readonly ResolvedAddress[]> = DEFAULT_HOSTS;
  #random: () => number = seeded(1);
  #endpoints: Endpoint[] = [];
  #nextPort = 0;
  #inFlight = 0;
  #idleWaiters: (() => void)[] = [];
  #sent = 0;
  #delivered = 0;
  #dropped = 0;
  #duplicated = 0;

  /**
   * Creates a network with no sockets.
   *
   * @param options The faults to inject; none by default.
   */
  constructor(options: MemoryTransportOptions = {}) {
    this.configure(options);
  }

  /**
   * Changes the faults from now on; options left out keep their value. A
   * `seed` restarts the generator.
   *
   * @param options The faults to change.
   *
   * @example Usage
   * ```ts
   * import { MemoryTransport } from "@radkit/radius/testing";
   * import assert from "node:assert/strict";
   *
   * const network = new MemoryTransport();
   * let received = 0;
   * const server = await network.bind({ hostname: "127.0.0.1", port: 1812 }, () => received++);
   * const client = await network.bind({ hostname: "127.0.0.1", port: 0 }, () => {});
   * network.configure({ loss: 1 });
   * client.send(new Uint8Array(20), server.local);
   * network.configure({ loss: 0 });
   * client.send(new Uint8Array(20), server.local);
   * await network.idle();
   * assert.equal(received, 1);
   * await client.close();
   * await server.close();
   * ```
   */
  configure(options: MemoryTransportOptions): void {
    const { seed, loss, duplicate, latency, jitter } = options;
    if (loss !== undefined) this.#loss = probability("loss", loss);
    if (duplicate !== undefined) this.#duplicate = probability("duplicate", duplicate);
    if (latency !== undefined) this.#latency = milliseconds("latency", latency);
    if (jitter !== undefined) this.#jitter = milliseconds("jitter", jitter);
    if ("intercept" in options) this.#intercept = options.intercept;
    if (seed !== undefined) this.#random = seeded(seed);
    if (options.hosts !== undefined) this.#hosts = hostTable(options.hosts);
  }

  /**
   * Resolves a host name from the `hosts` option, in its order; an IP
   * literal resolves to itself (an IPv6 one may come in brackets).
   *
   * @param hostname A name such as `"localhost"` or `"radius.example.org"`.
   * @returns The addresses; rejects with an Error whose `code` is
   * `"ENOTFOUND"` and that names the host when it is not listed.
   *
   * @example Usage
   * ```ts
   * import { MemoryTransport } from "@radkit/radius/testing";
   * import assert from "node:assert/strict";
   *
   * const network = new MemoryTransport({ hosts: { "radius.example.org": "192.0.2.10" } });
   * assert.deepEqual(await network.lookup("RADIUS.example.org"), [
   *   { hostname: "192.0.2.10", family: "IPv4" },
   * ]);
   * await assert.rejects(network.lookup("no-such-host.invalid"), /no-such-host\.invalid/);
   * ```
   */
  lookup(hostname: string): Promise<readonly ResolvedAddress[]> {
    const name = hostname.startsWith("[") && hostname.endsWith("]")
      ? hostname.slice(1, -1)
      : hostname;
    if (isIpLiteral(name)) return Promise.resolve([{ hostname: name, family: familyOf(name) }]);
    const addresses = this.#hosts.get(name.toLowerCase());
    if (addresses !== undefined) return Promise.resolve(addresses);
    return Promise.reject(
      withCode(
        new Error(
          `Cannot resolve host "${hostname}": ENOTFOUND (not in the MemoryTransport's hosts)`,
        ),
        "ENOTFOUND",
      ),
    );
  }

  /**
   * How many open sockets are referenced (not unref'd): those that would
   * keep a real process alive.
   *
   * @returns The count of open, referenced sockets.
   *
   * @example Usage
   * ```ts
   * import { MemoryTransport } from "@radkit/radius/testing";
   * import assert from "node:assert/strict";
   *
   * const network = new MemoryTransport();
   * const socket = await network.bind({ hostname: "127.0.0.1", port: 0 }, () => {});
   * assert.equal(network.referenced, 1);
   * socket.unref?.();
   * assert.equal(network.referenced, 0);
   * await socket.close();
   * ```
   */
  get referenced(): number {
    return this.#endpoints.filter((endpoint) => endpoint.referenced).length;
  }

  /**
   * The counters so far, as a snapshot.
   *
   * @returns Sent, delivered, dropped and duplicated datagrams.
   *
   * @example Usage
   * ```ts
   * import { MemoryTransport } from "@radkit/radius/testing";
   * import assert from "node:assert/strict";
   *
   * const network = new MemoryTransport();
   * const socket = await network.bind({ hostname: "127.0.0.1", port: 0 }, () => {});
   * socket.send(new Uint8Array(1), { hostname: "127.0.0.1", port: 9 }); // nobody there
   * assert.deepEqual(network.stats, { sent: 1, delivered: 0, dropped: 1, duplicated: 0 });
   * await socket.close();
   * ```
   */
  get stats(): MemoryTransportStats {
    return {
      sent: this.#sent,
      delivered: this.#delivered,
      dropped: this.#dropped,
      duplicated: this.#duplicated,
    };
  }

  /**
   * Waits until no datagram is on its way: every one sent so far has been
   * delivered or dropped, including replies sent by handlers meanwhile.
   *
   * @returns A Promise that resolves when the network is idle.
   *
   * @example Usage
   * ```ts
   * import { MemoryTransport } from "@radkit/radius/testing";
   * import assert from "node:assert/strict";
   *
   * const network = new MemoryTransport({ latency: 5 });
   * const received: Uint8Array[] = [];
   * const server = await network.bind({ hostname: "127.0.0.1", port: 1812 }, (d) => received.push(d));
   * const client = await network.bind({ hostname: "127.0.0.1", port: 0 }, () => {});
   * client.send(new Uint8Array([42]), server.local);
   * assert.equal(received.length, 0);
   * await network.idle();
   * assert.deepEqual(received, [new Uint8Array([42])]);
   * await client.close();
   * await server.close();
   * ```
   */
  idle(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /**
   * Binds a socket on the simulated network.
   *
   * @param options The address and port (0 for the next free one),
   * `reusePort`, which here spreads peers over the sockets by a hash of their
   * address, and buffer sizes, which are only reported back.
   * @param onMessage Called once per datagram that arrives, with its own copy.
   * @returns The bound socket; rejects with an error whose `code` is
   * `"EADDRINUSE"` when the address is taken.
   *
   * @example Usage
   * ```ts
   * import { MemoryTransport } from "@radkit/radius/testing";
   * import assert from "node:assert/strict";
   *
   * const network = new MemoryTransport();
   * const socket = await network.bind({ hostname: "127.0.0.1", port: 0 }, () => {});
   * assert.equal(socket.local.port, 49152);
   * await assert.rejects(
   *   network.bind({ hostname: "127.0.0.1", port: 49152 }, () => {}),
   *   { code: "EADDRINUSE" },
   * );
   * await socket.close();
   * ```
   */
  bind(options: BindOptions, onMessage: MessageHandler): Promise<DatagramSocket> {
    try {
      return Promise.resolve(this.#bind(options, onMessage));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #bind(options: BindOptions, onMessage: MessageHandler): DatagramSocket {
    const { hostname } = options;
    const family = familyOf(hostname);
    const reusePort = options.reusePort === true;
    port("port", options.port);
    const bufferSizes: BufferSizes = {
      receive: bufferSize("receiveBufferSize", options.receiveBufferSize),
      send: bufferSize("sendBufferSize", options.sendBufferSize),
    };
    let bindPort = options.port;
    if (bindPort === 0) {
      bindPort = this.#freePort(hostname, family);
    } else if (this.#conflicts(hostname, family, bindPort, reusePort)) {
      throw withCode(
        new Error(
          `Cannot bind ${formatAddress({ hostname, port: bindPort })}: address already in use`,
        ),
        "EADDRINUSE",
      );
    }
    const endpoint: Endpoint = {
      local: { hostname, port: bindPort, family },
      reusePort,
      onMessage,
      onError: options.onError,
      inbound: new Set(),
      bufferSizes,
      closed: false,
      referenced: true,
    };
    this.#endpoints.push(endpoint);
    const close = (): Promise<void> => {
      this.#close(endpoint);
      return Promise.resolve();
    };
    return {
      local: endpoint.local,
      send: (data, to) => this.#send(endpoint, data, to),
      close,
      unref: () => {
        endpoint.referenced = false;
      },
      ref: () => {
        endpoint.referenced = true;
      },
      bufferSizes: () => endpoint.bufferSizes,
      [Symbol.asyncDispose]: close,
    };
  }

  #freePort(hostname: string, family: AddressFamily): number {
    for (let i = 0; i < EPHEMERAL_COUNT; i++) {
      const candidate = EPHEMERAL_FIRST + (this.#nextPort++ % EPHEMERAL_COUNT);
      if (!this.#conflicts(hostname, family, candidate, false)) return candidate;
    }
    throw withCode(
      new Error(`Cannot bind ${formatAddress({ hostname, port: 0 })}: no free port`),
      "EADDRINUSE",
    );
  }

  #conflicts(hostname: string, family: AddressFamily, port: number, reusePort: boolean): boolean {
    return this.#endpoints.some(({ local, reusePort: shared }) =>
      local.port === port && local.family === family &&
      (local.hostname === hostname || isWildcard(local.hostname) || isWildcard(hostname)) &&
      !(reusePort && shared)
    );
  }

  #send(
    source: Endpoint,
    payload: Uint8Array,
    destination: { readonly hostname: string; readonly port: number },
  ): void {
    const local = source.local;
    if (source.closed) {
      throw new Error(`Cannot send on a closed socket (${formatAddress(local)})`);
    }
    const to: Address = {
      hostname: destination.hostname,
      port: port("destination port", destination.port),
      family: familyOf(destination.hostname),
    };
    if (to.family !== local.family) {
      throw withCode(
        new Error(`Cannot send from ${local.family} socket to ${to.family} address ${to.hostname}`),
        "EAFNOSUPPORT",
      );
    }
    if (payload.byteLength > MAX_PAYLOAD[local.family]) {
      throw withCode(
        new Error(
          `Cannot send ${payload.byteLength} bytes: ${local.family} datagrams hold at most ${
            MAX_PAYLOAD[local.family]
          }`,
        ),
        "EMSGSIZE",
      );
    }
    this.#sent++;
    // The OS copies on send; so do we, so the caller may reuse its buffer at once.
    let data: Uint8Array = payload.slice();
    const from: Address = isWildcard(local.hostname)
      ? {
        hostname: local.family === "IPv6" ? "::1" : "127.0.0.1",
        port: local.port,
        family: local.family,
      }
      : local;
    if (this.#intercept !== undefined) {
      const verdict = this.#intercept(data, from, to);
      if (verdict === "drop") return void this.#dropped++;
      if (verdict !== "deliver") data = verdict;
    }
    const target = this.#route(from, to);
    if (target === undefined) return void this.#dropped++;
    if (this.#loss > 0 && this.#random() < this.#loss) return void this.#dropped++;
    let copies = 1;
    if (this.#duplicate > 0 && this.#random() < this.#duplicate) {
      copies = 2;
      this.#duplicated++;
    }
    for (let i = 0; i < copies; i++) {
      const bytes = i === 0 ? data : data.slice();
      const delay = this.#latency + (this.#jitter > 0 ? this.#random() * this.#jitter : 0);
      this.#inFlight++;
      const timer = setTimeout(() => {
        target.inbound.delete(timer);
        this.#arrive(target, bytes, from);
      }, delay);
      target.inbound.add(timer);
    }
  }

  /** The socket a datagram to `to` reaches: an exact bind first, then a wildcard. */
  #route(from: Address, to: Address): Endpoint | undefined {
    let candidates = this.#endpoints.filter(({ local }) =>
      local.port === to.port && local.family === to.family && local.hostname === to.hostname
    );
    if (candidates.length === 0) {
      candidates = this.#endpoints.filter(({ local }) =>
        local.port === to.port && local.family === to.family && isWildcard(local.hostname)
      );
    }
    if (candidates.length <= 1) return candidates[0];
    // reusePort: like the kernel, one peer keeps reaching the same socket.
    return candidates[hash(`${from.hostname}|${from.port}`) % candidates.length];
  }

  #arrive(target: Endpoint, data: Uint8Array, from: Address): void {
    if (target.closed) {
      this.#dropped++;
      return this.#settle(1);
    }
    this.#delivered++;
    try {
      target.onMessage(data, from);
    } catch (error) {
      try {
        target.onError?.(error instanceof Error ? error : new Error(String(error)));
      } catch {
        // The contract ignores exceptions from onError.
      }
    }
    this.#settle(1);
  }

  #close(endpoint: Endpoint): void {
    if (endpoint.closed) return;
    endpoint.closed = true;
    this.#endpoints = this.#endpoints.filter((other) => other !== endpoint);
    const lost = endpoint.inbound.size;
    for (const timer of endpoint.inbound) clearTimeout(timer);
    endpoint.inbound.clear();
    this.#dropped += lost;
    this.#settle(lost);
  }

  #settle(count: number): void {
    this.#inFlight -= count;
    if (this.#inFlight > 0 || this.#idleWaiters.length === 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

function hostTable(
  hosts: Readonly<Record<string, string | readonly string[]>>,
): ReadonlyMap<string, readonly ResolvedAddress[]> {
  const table = new Map(DEFAULT_HOSTS);
  for (const [name, value] of Object.entries(hosts)) {
    const literals: readonly string[] = typeof value === "string" ? [value] : value;
    if (literals.length === 0 || !literals.every(isIpLiteral)) {
      throw new TypeError(
        `Invalid hosts entry "${name}": give one IP literal or more, such as "192.0.2.10" or "::1"`,
      );
    }
    table.set(
      name.toLowerCase(),
      literals.map((hostname) => ({ hostname, family: familyOf(hostname) })),
    );
  }
  return table;
}

function bufferSize(what: string, value: number | undefined): number {
  if (value === undefined) return DEFAULT_BUFFER_SIZE;
  if (!Number.isInteger(value) || value < 1 || value > MAX_BUFFER_SIZE) {
    throw new RangeError(
      `Invalid ${what} ${value}: must be an integer number of bytes from 1 to ${MAX_BUFFER_SIZE}`,
    );
  }
  return value;
}

function probability(what: string, value: number): number {
  if (!(value >= 0 && value <= 1)) {
    throw new RangeError(`Invalid ${what} ${value}: must be a probability 0..1`);
  }
  return value;
}

/** FNV-1a, to spread reusePort peers deterministically. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
