/**
 * An in-memory {@linkcode StreamTransport} for tests: one simulated network
 * on which listeners take any IP literal and port and connections carry
 * bytes, with the faults of real streams injected from a seeded generator —
 * writes split into pieces or joined, latency, resets, stalls, TLS
 * handshakes that never finish or fail — so a failing test fails the same
 * way every run.
 *
 * @example Usage
 * ```ts
 * import { MemoryStreams } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * const network = new MemoryStreams({ seed: 7, split: true });
 * const received: Uint8Array[] = [];
 * const server = await network.listen({ hostname: "127.0.0.1", port: 2083 }, (connection) => {
 *   connection.start({ onData: (data) => received.push(data), onClose: () => {} });
 * });
 * const client = await network.connect({ hostname: "127.0.0.1", port: 2083 });
 * client.start({ onData: () => {}, onClose: () => {} });
 * client.write(new Uint8Array(20).fill(1));
 * await network.idle();
 * assert.ok(received.length > 1); // in pieces
 * assert.equal(received.reduce((sum, piece) => sum + piece.length, 0), 20);
 * client.destroy();
 * await server.close();
 * ```
 *
 * @module
 */
import { formatAddress } from "../address.ts";
import type {
  StreamConnection,
  StreamConnectOptions,
  StreamHandlers,
  StreamListenOptions,
  StreamServer,
  StreamTransport,
  TlsDetails,
  TlsVersion,
} from "../stream_transport.ts";
import type { Address, AddressFamily } from "../transport.ts";
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
import {
  negotiateTls,
  readTlsClientOptions,
  readTlsServerOptions,
  type TlsClientSide,
  type TlsServerSide,
} from "./memory_tls.ts";

/**
 * How a TLS handshake on a {@linkcode MemoryStreams} network ends:
 * `"complete"` plays it out (it may still fail on certificates or
 * versions), `"stall"` leaves it unfinished until
 * {@linkcode MemoryStreams.release} (a peer that never answers),
 * `"fail"` fails it on both sides.
 *
 * @example Usage
 * ```ts
 * import { type HandshakeFault, MemoryStreams } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * const fault: HandshakeFault = "stall";
 * const network = new MemoryStreams({ handshake: fault });
 * assert.equal(network.name, "memory");
 * ```
 */
export type HandshakeFault = "complete" | "stall" | "fail";

/**
 * Decides the fate of each TLS handshake, from the two ends' addresses.
 *
 * @param client The connecting end's address.
 * @param server The accepting end's address.
 * @returns What to do with this handshake.
 *
 * @example Usage
 * ```ts
 * import { type HandshakeHook, MemoryStreams } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * let handshakes = 0;
 * const firstNeverFinishes: HandshakeHook = () => handshakes++ === 0 ? "stall" : "complete";
 * const network = new MemoryStreams({ handshake: firstNeverFinishes });
 * assert.equal(network.stats.handshakesFailed, 0);
 * ```
 */
export type HandshakeHook = (client: Address, server: Address) => HandshakeFault;

/**
 * Which way a stall stops bytes, seen from the connection it is applied
 * to: what it sends, what it receives, or both.
 *
 * @example Usage
 * ```ts
 * import { MemoryStreams, type StallDirection } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * const network = new MemoryStreams();
 * const server = await network.listen({ hostname: "127.0.0.1", port: 0 }, () => {});
 * const client = await network.connect({ hostname: "127.0.0.1", port: server.local.port });
 * const direction: StallDirection = "send";
 * network.stall(client, direction);
 * client.write(new Uint8Array(10));
 * await network.idle();
 * assert.equal(network.stats.bytesDelivered, 0);
 * client.destroy();
 * await server.close();
 * ```
 */
export type StallDirection = "send" | "receive" | "both";

/**
 * The faults a {@linkcode MemoryStreams} network injects, and its limits.
 * Every option applies from the moment it is set, to connections already
 * open too.
 *
 * @example Usage
 * ```ts
 * import { MemoryStreams, type MemoryStreamsOptions } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * const options: MemoryStreamsOptions = { seed: 3, split: 4, latency: 1, highWaterMark: 1024 };
 * const network = new MemoryStreams(options);
 * const received: number[] = [];
 * const server = await network.listen({ hostname: "::1", port: 0 }, (connection) => {
 *   connection.start({ onData: (data) => received.push(data.length), onClose: () => {} });
 * });
 * const client = await network.connect({ hostname: "::1", port: server.local.port });
 * client.write(new Uint8Array(20));
 * await network.idle();
 * assert.ok(received.every((length) => length <= 4));
 * client.destroy();
 * await server.close();
 * ```
 */
export interface MemoryStreamsOptions {
  /** Seeds the generator behind split sizes. Default 1. */
  seed?: number;
  /**
   * Deliver each chunk in pieces of random size: `true` for any size, a
   * number for pieces of at most that many bytes (1: byte by byte).
   * Default `false`: each write arrives as one chunk.
   */
  split?: boolean | number;
  /**
   * Deliver the writes that have arrived together (the same latency turn,
   * or released from a stall) as one chunk. Default `false`.
   */
  coalesce?: boolean;
  /**
   * Milliseconds every write, accept, handshake and end takes to reach the
   * other side. Default 0: the next timer turn.
   */
  latency?: number;
  /**
   * The bytes a connection may have written and not yet delivered before
   * `write` returns `false` (and `onDrain` follows once fewer are). Default
   * 65536.
   */
  highWaterMark?: number;
  /**
   * Reset each connection once it has carried this many bytes, both ways
   * together, cutting the delivery that reaches the count. `undefined`
   * (the default) never resets.
   */
  resetAfter?: number | undefined;
  /** How TLS handshakes end; see {@linkcode HandshakeFault}. Default `"complete"`. */
  handshake?: HandshakeFault | HandshakeHook;
  /**
   * The protocol every TLS handshake settles on. A side whose `minVersion`
   * is above it fails the handshake. Default `"TLSv1.3"`.
   */
  tlsVersion?: TlsVersion;
  /**
   * The IP literal connections come from, such as `"192.0.2.1"` for a NAS.
   * Default (`undefined`): the loopback address of the destination's family.
   */
  sourceAddress?: string | undefined;
}

/**
 * Counters of a {@linkcode MemoryStreams} network, since it was created.
 * Every byte written is delivered, dropped or still queued:
 * `bytesWritten - bytesDelivered - bytesDropped` bytes wait somewhere.
 *
 * @example Usage
 * ```ts
 * import { MemoryStreams, type MemoryStreamsStats } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * const network = new MemoryStreams();
 * await assert.rejects(network.connect({ hostname: "127.0.0.1", port: 2083 }), { code: "ECONNREFUSED" });
 * const stats: MemoryStreamsStats = network.stats;
 * assert.equal(stats.refused, 1);
 * assert.equal(stats.opened, 0);
 * ```
 */
export interface MemoryStreamsStats {
  /** Connections accepted by a listener. */
  readonly opened: number;
  /** Connections closed at both ends, however (resets and failed handshakes included). */
  readonly closed: number;
  /** Connections reset: by {@linkcode MemoryStreams.reset}, `resetAfter`, or a handler that threw. */
  readonly reset: number;
  /** Connection attempts that found nobody listening. */
  readonly refused: number;
  /** TLS handshakes that failed (by the `handshake` option, versions or certificates). */
  readonly handshakesFailed: number;
  /** Bytes accepted by `write`. */
  readonly bytesWritten: number;
  /** Bytes handed to `onData`. */
  readonly bytesDelivered: number;
  /** Bytes written and never delivered, lost to a destroy or a reset. */
  readonly bytesDropped: number;
}

type Timer = ReturnType<typeof setTimeout>;

/** Bytes on their way, with the time they arrive. */
interface Segment {
  readonly bytes: Uint8Array;
  readonly readyAt: number;
}

/** One direction of a connection. */
interface Pipe {
  segments: Segment[];
  /** Bytes written and not yet delivered. */
  queued: number;
  /** The writer has ended: an orderly close follows the segments. */
  finished: boolean;
  stalled: boolean;
}

interface Deferred<T> {
  readonly promise: Promise<T>;
  readonly resolve: (value: T) => void;
  readonly reject: (error: Error) => void;
}

/** One end of a connection. */
interface End {
  readonly link: Link;
  readonly local: Address;
  readonly remote: Address;
  readonly inbound: Pipe;
  readonly outbound: Pipe;
  readonly handshake: Deferred<TlsDetails | undefined>;
  api: StreamConnection;
  handlers: StreamHandlers | undefined;
  paused: boolean;
  writable: boolean;
  destroyed: boolean;
  needDrain: boolean;
  /** No byte will be delivered any more; `onClose(closeError)` is due. */
  closed: boolean;
  closeError: Error | undefined;
  closeDelivered: boolean;
  referenced: boolean;
  pump: { readonly timer: Timer; readonly dueAt: number } | undefined;
}

/** A connection: its two ends and where its opening stands. */
interface Link {
  readonly ends: [client: End, server: End];
  /** TCP connected and, over TLS, the handshake done: bytes may flow. */
  ready: boolean;
  /** Bytes delivered both ways, for `resetAfter`. */
  carried: number;
  /** The client's pending `connect`, until it settles. */
  connecting: Deferred<StreamConnection> | undefined;
  /** Accept and handshake timers. */
  readonly timers: Set<Timer>;
  /** Finishes a stalled handshake, on {@linkcode MemoryStreams.release}. */
  stalledHandshake: (() => void) | undefined;
  accepted: boolean;
  countedClosed: boolean;
}

interface Listener {
  readonly local: Address;
  readonly tls: TlsServerSide | undefined;
  readonly onConnection: (connection: StreamConnection) => void;
  readonly onError: ((error: Error) => void) | undefined;
  closed: boolean;
}

const DEFAULT_HIGH_WATER_MARK = 65536;

/**
 * A simulated network that implements {@linkcode StreamTransport}, for
 * testing RADIUS over TCP (RFC 6613) and TLS (RFC 6614) without sockets.
 *
 * Listeners take any IP literal (`"192.0.2.10"` stands for another host) or
 * a wildcard (`"0.0.0.0"`, `"::"`) that accepts for every address of its
 * family; port 0 takes the next free port from 49152. A connection comes
 * from the `sourceAddress` option, else from the loopback address of its
 * destination's family, on a port from 49152 on. Everything happens by
 * timer, never inside the call that caused it, and each receiver gets its
 * own copy of the bytes.
 *
 * The ends keep the {@linkcode StreamConnection} rules: nothing is delivered
 * before `start` or while paused (the writer's queue then grows, and `write`
 * returns `false` above the high-water mark until `onDrain`); `end()`
 * delivers what is queued, then the peer's `onClose(undefined)`, and the
 * peer closes its side in turn (as a Node.js socket without
 * `allowHalfOpen`); `destroy()` drops what is queued and the peer sees an
 * orderly close; a reset closes both ends with an Error whose `code` is
 * `"ECONNRESET"`, even paused. `onClose` comes once, after the last
 * `onData`. A handler that throws resets its connection, and its own end
 * closes with what it threw.
 *
 * TLS is played, not run, to the outcomes and error codes the `node:tls`
 * adapter reports (see `memory_tls.ts`). In short, the protocol is the
 * `tlsVersion` option; ALPN is the server's most preferred protocol that the
 * client offers, `undefined` when either offers none, and a failed handshake
 * when both offer and share none (RFC 7301 §3.2); each side sees the other's
 * leaf certificate; a certificate is authorized when its issuer Name is the
 * subject Name of one of the receiver's `ca` certificates (and, on the
 * client, it names the host) — **signatures, validity dates and
 * intermediates are not checked**. A TLS client meeting a plain listener,
 * or the reverse, fails with `"EPROTO"`.
 *
 * `unref()` and `ref()` only change {@linkcode MemoryStreams.referenced}.
 *
 * @example Usage
 * ```ts
 * import { MemoryStreams } from "@radkit/radius/testing";
 * import { readFileSync } from "node:fs";
 * import assert from "node:assert/strict";
 *
 * const pem = (name: string) => readFileSync(`tests/fixtures/tls/${name}`, "utf8");
 * const network = new MemoryStreams();
 * const server = await network.listen({
 *   hostname: "0.0.0.0",
 *   port: 2083,
 *   tls: { cert: pem("server.pem"), key: pem("server.key"), ca: pem("ca.pem"), alpnProtocols: ["radius/1.1"] },
 * }, async (connection) => {
 *   const details = await connection.handshake();
 *   assert.equal(details?.peerCertificate?.commonName, "nas1.test");
 *   assert.equal(details?.authorized, true);
 *   connection.start({ onData: (data) => connection.write(data), onClose: () => {} });
 * });
 * const client = await network.connect({
 *   hostname: "127.0.0.1",
 *   port: 2083,
 *   tls: { cert: pem("nas1.pem"), key: pem("nas1.key"), ca: pem("ca.pem"), alpnProtocols: ["radius/1.1"] },
 * });
 * assert.equal((await client.handshake())?.alpnProtocol, "radius/1.1");
 * const echoed = new Promise<Uint8Array>((resolve) => client.start({ onData: resolve, onClose: () => {} }));
 * client.write(new Uint8Array([1, 2, 3]));
 * assert.deepEqual(await echoed, new Uint8Array([1, 2, 3]));
 * client.end();
 * await network.idle();
 * assert.equal(network.stats.closed, 1);
 * await server.close();
 * ```
 */
export class MemoryStreams implements StreamTransport {
  /** `"memory"`, for logs. */
  readonly name: string = "memory";

  #split = 0;
  #coalesce = false;
  #latency = 0;
  #highWaterMark = DEFAULT_HIGH_WATER_MARK;
  #resetAfter: number | undefined;
  #handshake: HandshakeFault | HandshakeHook = "complete";
  #tlsVersion: TlsVersion = "TLSv1.3";
  #sourceAddress: string | undefined;
  #random: () => number = seeded(1);
  #listeners: Listener[] = [];
  /** Ends handed out and not closed yet. */
  #ends = new Set<End>();
  #byApi = new WeakMap<StreamConnection, End>();
  #nextPort = 0;
  #timers = new Set<Timer>();
  /** Listens and connects still reading their TLS options. */
  #preparing = 0;
  #idleWaiters: (() => void)[] = [];
  #opened = 0;
  #closed = 0;
  #reset = 0;
  #refused = 0;
  #handshakesFailed = 0;
  #bytesWritten = 0;
  #bytesDelivered = 0;
  #bytesDropped = 0;

  /**
   * Creates a network with no listeners.
   *
   * @param options The faults to inject; none by default.
   */
  constructor(options: MemoryStreamsOptions = {}) {
    this.configure(options);
  }

  /**
   * Changes the faults from now on; options left out keep their value. A
   * `seed` restarts the generator.
   *
   * @param options The faults to change.
   * @throws {RangeError} When a value is out of range; nothing is changed then.
   *
   * @example Usage
   * ```ts
   * import { MemoryStreams } from "@radkit/radius/testing";
   * import assert from "node:assert/strict";
   *
   * const network = new MemoryStreams();
   * const chunks: number[] = [];
   * const server = await network.listen({ hostname: "127.0.0.1", port: 0 }, (connection) => {
   *   connection.start({ onData: (data) => chunks.push(data.length), onClose: () => {} });
   * });
   * const client = await network.connect({ hostname: "127.0.0.1", port: server.local.port });
   * network.configure({ coalesce: true });
   * client.write(new Uint8Array(3));
   * client.write(new Uint8Array(4));
   * await network.idle();
   * network.configure({ coalesce: false });
   * client.write(new Uint8Array(3));
   * client.write(new Uint8Array(4));
   * await network.idle();
   * assert.deepEqual(chunks, [7, 3, 4]);
   * client.destroy();
   * await server.close();
   * ```
   */
  configure(options: MemoryStreamsOptions): void {
    const { seed, split, coalesce, latency, highWaterMark, handshake, tlsVersion } = options;
    const checked = {
      split: split === undefined ? this.#split : splitSize(split),
      latency: latency === undefined ? this.#latency : milliseconds("latency", latency),
      highWaterMark: highWaterMark === undefined
        ? this.#highWaterMark
        : positiveInteger("highWaterMark", highWaterMark),
      resetAfter: "resetAfter" in options && options.resetAfter !== undefined
        ? positiveInteger("resetAfter", options.resetAfter)
        : undefined,
    };
    if (handshake !== undefined && typeof handshake !== "function" && !FAULTS.includes(handshake)) {
      throw new RangeError(
        `Invalid handshake "${handshake}": use "complete", "stall", "fail" or a function`,
      );
    }
    if (tlsVersion !== undefined && tlsVersion !== "TLSv1.2" && tlsVersion !== "TLSv1.3") {
      throw new RangeError(`Invalid tlsVersion "${tlsVersion}": use "TLSv1.2" or "TLSv1.3"`);
    }
    if (options.sourceAddress !== undefined && !isIpLiteral(options.sourceAddress)) {
      throw new TypeError(
        `Invalid sourceAddress "${options.sourceAddress}": give an IP literal, such as "192.0.2.1"`,
      );
    }
    this.#split = checked.split;
    this.#latency = checked.latency;
    this.#highWaterMark = checked.highWaterMark;
    if ("resetAfter" in options) this.#resetAfter = checked.resetAfter;
    if (coalesce !== undefined) this.#coalesce = coalesce;
    if (handshake !== undefined) this.#handshake = handshake;
    if (tlsVersion !== undefined) this.#tlsVersion = tlsVersion;
    if ("sourceAddress" in options) this.#sourceAddress = options.sourceAddress;
    if (seed !== undefined) this.#random = seeded(seed);
  }

  /**
   * The counters so far, as a snapshot.
   *
   * @returns Connections opened, closed, reset and refused, failed
   * handshakes, and bytes written, delivered and dropped.
   *
   * @example Usage
   * ```ts
   * import { MemoryStreams } from "@radkit/radius/testing";
   * import assert from "node:assert/strict";
   *
   * const network = new MemoryStreams();
   * const server = await network.listen({ hostname: "127.0.0.1", port: 0 }, (connection) => {
   *   connection.start({ onData: () => {}, onClose: () => {} });
   * });
   * const client = await network.connect({ hostname: "127.0.0.1", port: server.local.port });
   * client.start({ onData: () => {}, onClose: () => {} });
   * client.write(new Uint8Array(20));
   * client.end();
   * await network.idle();
   * assert.deepEqual(network.stats, {
   *   opened: 1, closed: 1, reset: 0, refused: 0, handshakesFailed: 0,
   *   bytesWritten: 20, bytesDelivered: 20, bytesDropped: 0,
   * });
   * await server.close();
   * ```
   */
  get stats(): MemoryStreamsStats {
    return {
      opened: this.#opened,
      closed: this.#closed,
      reset: this.#reset,
      refused: this.#refused,
      handshakesFailed: this.#handshakesFailed,
      bytesWritten: this.#bytesWritten,
      bytesDelivered: this.#bytesDelivered,
      bytesDropped: this.#bytesDropped,
    };
  }

  /**
   * How many open listeners and connection ends are referenced (not
   * unref'd): those that would keep a real process alive.
   *
   * @returns The count.
   *
   * @example Usage
   * ```ts
   * import { MemoryStreams } from "@radkit/radius/testing";
   * import assert from "node:assert/strict";
   *
   * const network = new MemoryStreams();
   * const server = await network.listen({ hostname: "127.0.0.1", port: 0 }, () => {});
   * const client = await network.connect({ hostname: "127.0.0.1", port: server.local.port });
   * assert.equal(network.referenced, 3); // the listener and both ends
   * client.unref?.();
   * assert.equal(network.referenced, 2);
   * await server.close();
   * assert.equal(network.referenced, 1);
   * ```
   */
  get referenced(): number {
    let count = this.#listeners.length;
    for (const end of this.#ends) if (end.referenced) count++;
    return count;
  }

  /**
   * Waits until nothing is on its way: every byte, close, accept and
   * handshake that can happen without the test's help has happened,
   * including what handlers caused meanwhile. Bytes held by `pause`, a
   * connection not started yet or a stall do not count, nor do stalled
   * handshakes.
   *
   * @returns A Promise that resolves when the network is idle.
   *
   * @example Usage
   * ```ts
   * import { MemoryStreams } from "@radkit/radius/testing";
   * import assert from "node:assert/strict";
   *
   * const network = new MemoryStreams({ latency: 5 });
   * let received = 0;
   * const server = await network.listen({ hostname: "127.0.0.1", port: 0 }, (connection) => {
   *   connection.start({ onData: (data) => void (received += data.length), onClose: () => {} });
   * });
   * const client = await network.connect({ hostname: "127.0.0.1", port: server.local.port });
   * client.write(new Uint8Array(20));
   * assert.equal(received, 0);
   * await network.idle();
   * assert.equal(received, 20);
   * client.destroy();
   * await server.close();
   * ```
   */
  idle(): Promise<void> {
    if (this.#timers.size === 0 && this.#preparing === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /**
   * Resets a connection from the network: both ends drop what is queued and
   * close with an Error whose `code` is `"ECONNRESET"` (after `start`, even
   * paused). A handshake or `connect` under way fails with it.
   *
   * @param connection Either end of the connection.
   * @throws {TypeError} When `connection` is not from this network.
   *
   * @example Usage
   * ```ts
   * import { MemoryStreams } from "@radkit/radius/testing";
   * import assert from "node:assert/strict";
   *
   * const network = new MemoryStreams();
   * const closed = Promise.withResolvers<Error | undefined>();
   * const server = await network.listen({ hostname: "127.0.0.1", port: 0 }, (connection) => {
   *   connection.start({ onData: () => {}, onClose: closed.resolve });
   * });
   * const client = await network.connect({ hostname: "127.0.0.1", port: server.local.port });
   * client.start({ onData: () => {}, onClose: () => {} });
   * network.reset(client);
   * assert.equal(((await closed.promise) as { code?: string }).code, "ECONNRESET");
   * assert.equal(client.write(new Uint8Array(1)), false);
   * await server.close();
   * ```
   */
  reset(connection: StreamConnection): void {
    this.#resetLink(this.#endOf(connection).link);
  }

  /**
   * Stops delivering bytes one way or both, as a network path that goes
   * silent: writes are still accepted, and back up to the high-water mark.
   * A stalled direction also holds back the orderly close behind its bytes;
   * resets still go through.
   *
   * @param connection Either end of the connection.
   * @param direction Which way, seen from `connection`. Default `"both"`.
   * @throws {TypeError} When `connection` is not from this network.
   *
   * @example Usage
   * ```ts
   * import { MemoryStreams } from "@radkit/radius/testing";
   * import assert from "node:assert/strict";
   *
   * const network = new MemoryStreams({ coalesce: true });
   * const chunks: number[] = [];
   * const server = await network.listen({ hostname: "127.0.0.1", port: 0 }, (connection) => {
   *   connection.start({ onData: (data) => chunks.push(data.length), onClose: () => {} });
   * });
   * const client = await network.connect({ hostname: "127.0.0.1", port: server.local.port });
   * network.stall(client, "send");
   * client.write(new Uint8Array(2));
   * await network.idle();
   * client.write(new Uint8Array(3));
   * await network.idle();
   * assert.deepEqual(chunks, []);
   * network.release(client);
   * await network.idle();
   * assert.deepEqual(chunks, [5]);
   * client.destroy();
   * await server.close();
   * ```
   */
  stall(connection: StreamConnection, direction: StallDirection = "both"): void {
    const end = this.#endOf(connection);
    if (direction !== "receive") end.outbound.stalled = true;
    if (direction !== "send") end.inbound.stalled = true;
  }

  /**
   * Undoes {@linkcode MemoryStreams.stall}, and finishes a handshake that
   * the `handshake` option stalled (as if it had been `"complete"`).
   *
   * @param connection Either end of the connection.
   * @param direction Which way, seen from `connection`. Default `"both"`.
   * @throws {TypeError} When `connection` is not from this network.
   *
   * @example Usage
   * ```ts
   * import { type StreamConnection } from "@radkit/radius";
   * import { MemoryStreams } from "@radkit/radius/testing";
   * import { readFileSync } from "node:fs";
   * import assert from "node:assert/strict";
   *
   * const pem = (name: string) => readFileSync(`tests/fixtures/tls/${name}`, "utf8");
   * const network = new MemoryStreams({ handshake: "stall" });
   * const accepted = Promise.withResolvers<StreamConnection>();
   * const server = await network.listen(
   *   { hostname: "127.0.0.1", port: 0, tls: { cert: pem("server.pem"), key: pem("server.key") } },
   *   accepted.resolve,
   * );
   * const connecting = network.connect({ hostname: "127.0.0.1", port: server.local.port, tls: { ca: pem("ca.pem") } });
   * const connection = await accepted.promise;
   * await network.idle(); // the handshake hangs
   * network.release(connection);
   * assert.equal((await connection.handshake())?.protocol, "TLSv1.3");
   * (await connecting).destroy();
   * connection.destroy();
   * await server.close();
   * ```
   */
  release(connection: StreamConnection, direction: StallDirection = "both"): void {
    const end = this.#endOf(connection);
    if (direction !== "receive") end.outbound.stalled = false;
    if (direction !== "send") end.inbound.stalled = false;
    const finish = end.link.stalledHandshake;
    end.link.stalledHandshake = undefined;
    finish?.();
    this.#wake(end, 0);
    this.#wake(this.#peerOf(end), 0);
  }

  /**
   * Listens on the simulated network.
   *
   * @param options The address (an IP literal), the port (0 for the next
   * free one), TLS settings and `onError`, which receives what
   * `onConnection` throws.
   * @param onConnection Called once per accepted connection, before its
   * TLS handshake.
   * @returns The listener; rejects with an Error whose `code` is
   * `"EADDRINUSE"` when the address is taken, or `"ERR_OSSL_PEM_NO_START_LINE"`
   * when `tls.cert` or `tls.key` holds no PEM block of its kind.
   *
   * @example Usage
   * ```ts
   * import { MemoryStreams } from "@radkit/radius/testing";
   * import assert from "node:assert/strict";
   *
   * const network = new MemoryStreams();
   * const server = await network.listen({ hostname: "127.0.0.1", port: 0 }, () => {});
   * assert.equal(server.local.port, 49152);
   * await assert.rejects(
   *   network.listen({ hostname: "0.0.0.0", port: 49152 }, () => {}),
   *   { code: "EADDRINUSE" },
   * );
   * await server.close();
   * ```
   */
  listen(
    options: StreamListenOptions,
    onConnection: (connection: StreamConnection) => void,
  ): Promise<StreamServer> {
    return this.#busy(() => this.#listen(options, onConnection));
  }

  async #listen(
    options: StreamListenOptions,
    onConnection: (connection: StreamConnection) => void,
  ): Promise<StreamServer> {
    const { hostname } = options;
    ipLiteral("hostname", hostname);
    port("port", options.port);
    const tls = options.tls === undefined ? undefined : await readTlsServerOptions(options.tls);
    const family = familyOf(hostname);
    let listenPort = options.port;
    if (listenPort === 0) {
      listenPort = this.#freePort(hostname, family);
    } else if (this.#conflicts(hostname, family, listenPort)) {
      throw withCode(
        new Error(
          `Cannot listen on ${
            formatAddress({ hostname, port: listenPort })
          }: address already in use`,
        ),
        "EADDRINUSE",
      );
    }
    const listener: Listener = {
      local: { hostname, port: listenPort, family },
      tls,
      onConnection,
      onError: options.onError,
      closed: false,
    };
    this.#listeners.push(listener);
    const closed = Promise.resolve();
    return {
      local: listener.local,
      close: () => {
        listener.closed = true;
        this.#listeners = this.#listeners.filter((other) => other !== listener);
        return closed;
      },
    };
  }

  /**
   * Connects to a listener on the simulated network and, with `tls`, plays
   * the handshake.
   *
   * @param options The listener's address, TLS settings and an AbortSignal.
   * @returns The connection, ready and not started; rejects with an Error
   * whose `code` is `"ECONNREFUSED"` when nobody listens there, the TLS
   * error (such as `"UNABLE_TO_VERIFY_LEAF_SIGNATURE"` or
   * `"ERR_TLS_CERT_ALTNAME_INVALID"` when the server is not authorized and
   * `verify` is not `false`), `"ECONNRESET"` when the server closes first,
   * or the signal's reason.
   *
   * @example Usage
   * ```ts
   * import { MemoryStreams } from "@radkit/radius/testing";
   * import { readFileSync } from "node:fs";
   * import assert from "node:assert/strict";
   *
   * const pem = (name: string) => readFileSync(`tests/fixtures/tls/${name}`, "utf8");
   * const network = new MemoryStreams();
   * const server = await network.listen(
   *   { hostname: "127.0.0.1", port: 2083, tls: { cert: pem("server.pem"), key: pem("server.key") } },
   *   (connection) => connection.handshake().catch(() => connection.destroy()),
   * );
   * await assert.rejects(
   *   network.connect({ hostname: "127.0.0.1", port: 2083, tls: { ca: pem("other_ca.pem") } }),
   *   { code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" },
   * );
   * await assert.rejects(
   *   network.connect({ hostname: "127.0.0.1", port: 2083, tls: { ca: pem("ca.pem"), servername: "other.test" } }),
   *   { code: "ERR_TLS_CERT_ALTNAME_INVALID" },
   * );
   * await assert.rejects(network.connect({ hostname: "127.0.0.1", port: 1812 }), { code: "ECONNREFUSED" });
   * await server.close();
   * ```
   */
  async connect(options: StreamConnectOptions): Promise<StreamConnection> {
    const connecting = await this.#busy(() => this.#connect(options));
    return await connecting.promise;
  }

  /** Starts connecting; what it returns settles when the connection is ready or fails. */
  async #connect(options: StreamConnectOptions): Promise<Deferred<StreamConnection>> {
    const { hostname, signal } = options;
    ipLiteral("hostname", hostname);
    port("port", options.port);
    signal?.throwIfAborted();
    const tls = options.tls === undefined ? undefined : await readTlsClientOptions(options.tls);
    signal?.throwIfAborted();
    const to: Address = { hostname, port: options.port, family: familyOf(hostname) };
    const source = this.#sourceAddress ?? (to.family === "IPv6" ? "::1" : "127.0.0.1");
    if (familyOf(source) !== to.family) {
      throw withCode(
        new Error(
          `Cannot connect from ${source} to ${formatAddress(to)}: the address families differ`,
        ),
        "EAFNOSUPPORT",
      );
    }
    const listener = this.#route(to);
    if (listener === undefined) throw this.#refuse(to);
    const from: Address = {
      hostname: source,
      port: this.#freePort(source, to.family),
      family: to.family,
    };
    const link = this.#link(from, to);
    const connecting = link.connecting!;
    if (signal !== undefined) {
      const abort = () => this.#abortConnect(link, toError(signal.reason));
      signal.addEventListener("abort", abort, { once: true });
      const forget = () => signal.removeEventListener("abort", abort);
      connecting.promise.then(forget, forget);
    }
    this.#later(link, this.#latency, () => this.#accept(link, listener, tls));
    return connecting;
  }

  // ---- opening ----

  #link(from: Address, to: Address): Link {
    const link: Link = {
      ends: [] as unknown as Link["ends"], // filled below: each end points back to the link
      ready: false,
      carried: 0,
      connecting: deferred<StreamConnection>(),
      timers: new Set(),
      stalledHandshake: undefined,
      accepted: false,
      countedClosed: false,
    };
    const upstream = pipe();
    const downstream = pipe();
    link.ends[0] = this.#end(link, from, to, downstream, upstream);
    link.ends[1] = this.#end(link, to, from, upstream, downstream);
    return link;
  }

  #end(link: Link, local: Address, remote: Address, inbound: Pipe, outbound: Pipe): End {
    const end: End = {
      link,
      local,
      remote,
      inbound,
      outbound,
      handshake: deferred<TlsDetails | undefined>(),
      api: undefined!,
      handlers: undefined,
      paused: false,
      writable: true,
      destroyed: false,
      needDrain: false,
      closed: false,
      closeError: undefined,
      closeDelivered: false,
      referenced: true,
      pump: undefined,
    };
    end.api = {
      local,
      remote,
      handshake: () => end.handshake.promise,
      start: (handlers) => this.#start(end, handlers),
      write: (data) => this.#write(end, data),
      pause: () => {
        end.paused = true;
      },
      resume: () => {
        if (!end.paused) return;
        end.paused = false;
        this.#wake(end, 0);
      },
      end: () => this.#endWriting(end),
      destroy: () => this.#destroy(end, undefined),
      unref: () => {
        end.referenced = false;
      },
      ref: () => {
        end.referenced = true;
      },
    };
    this.#byApi.set(end.api, end);
    return end;
  }

  #accept(link: Link, listener: Listener, tls: TlsClientSide | undefined): void {
    const [client, server] = link.ends;
    if (listener.closed) {
      link.connecting?.reject(this.#refuse(server.local));
      link.connecting = undefined;
      return;
    }
    link.accepted = true;
    this.#opened++;
    this.#ends.add(server);
    // A TCP client is connected once accepted, whatever the listener then does with it.
    const tcpClientAtTls = tls === undefined && listener.tls !== undefined
      ? protocolError("the client did not start TLS")
      : undefined;
    if (tcpClientAtTls !== undefined) server.handshake.reject(tcpClientAtTls);
    if (tls === undefined) this.#established(link, undefined, undefined);
    try {
      listener.onConnection(server.api);
    } catch (error) {
      try {
        listener.onError?.(toError(error));
      } catch {
        // The contract ignores exceptions from onError.
      }
    }
    if (tcpClientAtTls !== undefined) {
      // The server's TLS stack reads no ClientHello and closes.
      return this.#destroy(server, tcpClientAtTls);
    }
    // Plain TCP is connected already; a TLS connection may have been closed by onConnection.
    if (tls === undefined || link.connecting === undefined) return;
    if (listener.tls === undefined) {
      // A TLS client at a TCP listener: no ServerHello comes back; the server saw a TCP connection.
      link.ready = true;
      server.handshake.resolve(undefined);
      this.#handshakeFailed(link, protocolError("the server does not speak TLS"), undefined);
      return;
    }
    const serverTls = listener.tls;
    let fault: HandshakeFault;
    try {
      fault = typeof this.#handshake === "function"
        ? this.#handshake(client.local, server.local)
        : this.#handshake;
    } catch (error) {
      return this.#handshakeFailed(link, toError(error), toError(error));
    }
    const finish = () =>
      this.#later(link, this.#latency, () => this.#finishHandshake(link, tls, serverTls));
    if (fault === "complete") return finish();
    if (fault === "stall") {
      link.stalledHandshake = finish;
      return;
    }
    const error = () =>
      withCode(
        new Error(
          "TLS handshake failed: handshake failure (the memory network's handshake option)",
        ),
        "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE",
      );
    this.#handshakeFailed(link, error(), error());
  }

  #finishHandshake(link: Link, client: TlsClientSide, server: TlsServerSide): void {
    if (link.connecting === undefined) return;
    const outcome = negotiateTls(client, server, {
      hostname: link.ends[1].local.hostname,
      version: this.#tlsVersion,
    });
    if (!outcome.ok) return this.#handshakeFailed(link, outcome.clientError, outcome.serverError);
    this.#established(link, outcome.client, outcome.server);
  }

  /** The connection is ready: `connect` resolves, bytes may flow. */
  #established(
    link: Link,
    clientDetails: TlsDetails | undefined,
    serverDetails: TlsDetails | undefined,
  ): void {
    const [client, server] = link.ends;
    link.ready = true;
    client.handshake.resolve(clientDetails);
    server.handshake.resolve(serverDetails);
    this.#ends.add(client);
    link.connecting?.resolve(client.api);
    link.connecting = undefined;
    this.#wake(client, 0);
    this.#wake(server, 0);
  }

  /** Fails a handshake: `connect` rejects, the server end closes with `serverError`. */
  #handshakeFailed(link: Link, clientError: Error, serverError: Error | undefined): void {
    const [client, server] = link.ends;
    this.#handshakesFailed++;
    link.connecting?.reject(clientError);
    link.connecting = undefined;
    client.handshake.reject(clientError);
    this.#destroy(client, undefined);
    if (serverError !== undefined) {
      server.handshake.reject(serverError);
      this.#destroy(server, serverError);
    }
  }

  #abortConnect(link: Link, reason: Error): void {
    const connecting = link.connecting;
    if (connecting === undefined) return;
    link.connecting = undefined;
    connecting.reject(reason);
    for (const timer of link.timers) this.#cancel(timer);
    link.timers.clear();
    link.stalledHandshake = undefined;
    const [client, server] = link.ends;
    this.#destroy(client, undefined);
    if (link.accepted) this.#close(server, resetError("the client gave up connecting"));
  }

  #refuse(to: Address): Error {
    this.#refused++;
    return withCode(
      new Error(
        `Cannot connect to ${
          formatAddress(to)
        }: ECONNREFUSED (nothing listens there on this MemoryStreams network)`,
      ),
      "ECONNREFUSED",
    );
  }

  // ---- the ends ----

  #start(end: End, handlers: StreamHandlers): void {
    if (end.handlers !== undefined) {
      throw new Error("Cannot start a stream connection twice: call start() once");
    }
    end.handlers = handlers;
    this.#wake(end, 0);
  }

  #write(end: End, data: Uint8Array): boolean {
    if (!end.writable) return false;
    const length = data.byteLength;
    const pipe = end.outbound;
    this.#bytesWritten += length;
    if (this.#peerOf(end).destroyed) {
      // The peer is gone and this end has not heard yet: TCP takes the bytes and loses them.
      this.#bytesDropped += length;
      return true;
    }
    if (length > 0) {
      // Copied now: the caller may reuse `data` once write returns.
      pipe.segments.push({ bytes: data.slice(), readyAt: now() + this.#latency });
      pipe.queued += length;
      this.#wake(this.#peerOf(end), this.#latency);
    }
    if (pipe.queued < this.#highWaterMark) return true;
    end.needDrain = true;
    return false;
  }

  #endWriting(end: End): void {
    if (!end.writable) return;
    end.writable = false;
    end.needDrain = false;
    end.outbound.finished = true;
    this.#wake(this.#peerOf(end), this.#latency);
  }

  /** Closes `end` at once: what it had queued is lost; the peer sees an orderly close. */
  #destroy(end: End, error: Error | undefined): void {
    if (end.destroyed) return;
    end.destroyed = true;
    end.writable = false;
    end.needDrain = false;
    this.#drop(end.outbound);
    end.outbound.finished = true;
    this.#drop(end.inbound);
    this.#close(end, error);
    const link = end.link;
    if (link.connecting !== undefined && end === link.ends[1]) {
      // The server gave up during the handshake.
      this.#abortConnect(link, resetError("the server closed the connection during the handshake"));
    }
    this.#wake(this.#peerOf(end), this.#latency);
  }

  /** Marks `end` closed with `error` (if not already) and has the close delivered. */
  #close(end: End, error: Error | undefined): void {
    end.writable = false;
    if (!end.closed) {
      end.closed = true;
      end.closeError = error;
      this.#drop(end.inbound);
      end.handshake.reject(
        error ?? resetError("the connection closed before the TLS handshake completed"),
      );
      this.#ends.delete(end);
      const link = end.link;
      if (link.accepted && !link.countedClosed && link.ends.every((each) => each.closed)) {
        link.countedClosed = true;
        this.#closed++;
      }
    }
    this.#wake(end, 0);
  }

  #resetLink(link: Link): void {
    if (link.connecting === undefined && link.ends.every((end) => end.closed)) return;
    this.#reset++;
    for (const end of link.ends) {
      end.needDrain = false;
      this.#drop(end.outbound);
      this.#close(end, resetError("the network reset the connection"));
    }
    this.#abortConnect(link, resetError("the network reset the connection"));
  }

  /** A handler of `end` threw: `end` closes with it, the peer sees a reset. */
  #fail(end: End, error: Error): void {
    this.#reset++;
    for (const each of end.link.ends) this.#drop(each.outbound);
    this.#close(end, error);
    this.#close(this.#peerOf(end), resetError("the peer failed"));
  }

  #drop(pipe: Pipe): void {
    this.#bytesDropped += pipe.queued;
    pipe.segments = [];
    pipe.queued = 0;
  }

  /** Delivers what `end` can receive now: bytes, then the orderly close, or the close it is due. */
  #pump(end: End): void {
    const handlers = end.handlers;
    if (handlers === undefined) return;
    if (end.closed) return this.#deliverClose(end, handlers);
    const pipe = end.inbound;
    const link = end.link;
    if (!link.ready) return;
    const time = now();
    while (!end.closed && !end.paused && !pipe.stalled) {
      const head = pipe.segments[0];
      if (head === undefined) break;
      if (head.readyAt > time) {
        this.#wake(end, Math.max(1, Math.ceil(head.readyAt - time)));
        break;
      }
      let chunk = this.#take(pipe, time);
      const limit = this.#resetAfter;
      if (limit !== undefined && link.carried + chunk.length > limit) {
        const allowed = Math.max(0, limit - link.carried);
        pipe.segments.unshift({ bytes: chunk.subarray(allowed), readyAt: time });
        chunk = chunk.slice(0, allowed);
      }
      pipe.queued -= chunk.length;
      link.carried += chunk.length;
      if (chunk.length > 0) {
        this.#bytesDelivered += chunk.length;
        try {
          handlers.onData(chunk);
        } catch (error) {
          return this.#fail(end, toError(error));
        }
      }
      if (limit !== undefined && link.carried >= limit) return this.#resetLink(link);
    }
    this.#drain(this.#peerOf(end));
    if (end.closed || end.paused || pipe.stalled) return;
    if (pipe.segments.length === 0 && pipe.finished) {
      // The peer's orderly close, after its last byte. This side closes in
      // turn, sending what it still has queued (no half-open connections).
      this.#endWriting(end);
      this.#close(end, undefined);
    }
  }

  /** The next chunk to deliver: the head write, or all ready ones joined; then maybe a piece of it. */
  #take(pipe: Pipe, time: number): Uint8Array {
    let count = 1;
    if (this.#coalesce) {
      while (count < pipe.segments.length && pipe.segments[count]!.readyAt <= time) count++;
    }
    const taken = pipe.segments.splice(0, count);
    let chunk = taken.length === 1 ? taken[0]!.bytes : concat(taken);
    if (this.#split > 0 && chunk.length > 1) {
      const size = 1 + Math.floor(this.#random() * Math.min(this.#split, chunk.length));
      if (size < chunk.length) {
        pipe.segments.unshift({ bytes: chunk.subarray(size), readyAt: time });
        chunk = chunk.slice(0, size);
      }
    }
    return chunk;
  }

  #drain(writer: End): void {
    const handlers = writer.handlers;
    if (!writer.needDrain || writer.outbound.queued >= this.#highWaterMark) return;
    if (handlers === undefined || !writer.writable) return;
    writer.needDrain = false;
    try {
      handlers.onDrain?.();
    } catch (error) {
      this.#fail(writer, toError(error));
    }
  }

  #deliverClose(end: End, handlers: StreamHandlers): void {
    if (end.closeDelivered) return;
    end.closeDelivered = true;
    try {
      handlers.onClose(end.closeError);
    } catch {
      // Nothing is left to tell: the connection is closed already.
    }
  }

  // ---- timers ----

  /** Runs `end`'s pump after `delay` ms, or sooner if one is due sooner already. */
  #wake(end: End, delay: number): void {
    const dueAt = now() + delay;
    if (end.pump !== undefined) {
      if (end.pump.dueAt <= dueAt) return;
      this.#cancel(end.pump.timer);
    }
    const timer = this.#schedule(delay, () => {
      end.pump = undefined;
      this.#pump(end);
    });
    end.pump = { timer, dueAt };
  }

  #later(link: Link, delay: number, run: () => void): void {
    const timer = this.#schedule(delay, () => {
      link.timers.delete(timer);
      run();
    });
    link.timers.add(timer);
  }

  /** Runs `work` (which reads TLS options, then schedules) as something idle() waits for. */
  async #busy<T>(work: () => Promise<T>): Promise<T> {
    this.#preparing++;
    try {
      return await work();
    } finally {
      this.#preparing--;
      this.#settle();
    }
  }

  #schedule(delay: number, run: () => void): Timer {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      try {
        run();
      } finally {
        this.#settle();
      }
    }, delay);
    this.#timers.add(timer);
    return timer;
  }

  #cancel(timer: Timer): void {
    if (!this.#timers.delete(timer)) return;
    clearTimeout(timer);
    this.#settle();
  }

  #settle(): void {
    if (this.#timers.size > 0 || this.#preparing > 0 || this.#idleWaiters.length === 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  // ---- addresses ----

  #endOf(connection: StreamConnection): End {
    const end = this.#byApi.get(connection);
    if (end === undefined) {
      throw new TypeError(
        "Unknown connection: pass a StreamConnection of this MemoryStreams network",
      );
    }
    return end;
  }

  #peerOf(end: End): End {
    const [client, server] = end.link.ends;
    return end === client ? server : client;
  }

  /** The listener a connection to `to` reaches: an exact address first, then a wildcard. */
  #route(to: Address): Listener | undefined {
    const { port, family } = to;
    const candidates = this.#listeners.filter(({ local }) =>
      local.port === port && local.family === family
    );
    return candidates.find(({ local }) => local.hostname === to.hostname) ??
      candidates.find(({ local }) => isWildcard(local.hostname));
  }

  #conflicts(hostname: string, family: AddressFamily, port: number): boolean {
    const inUse = (local: Address) =>
      local.port === port && local.family === family &&
      (local.hostname === hostname || isWildcard(local.hostname) || isWildcard(hostname));
    if (this.#listeners.some(({ local }) => inUse(local))) return true;
    for (const end of this.#ends) if (inUse(end.local) && end === end.link.ends[0]) return true;
    return false;
  }

  #freePort(hostname: string, family: AddressFamily): number {
    for (let i = 0; i < EPHEMERAL_COUNT; i++) {
      const candidate = EPHEMERAL_FIRST + (this.#nextPort++ % EPHEMERAL_COUNT);
      if (!this.#conflicts(hostname, family, candidate)) return candidate;
    }
    throw withCode(
      new Error(`Cannot bind ${formatAddress({ hostname, port: 0 })}: no free port`),
      "EADDRINUSE",
    );
  }
}

const FAULTS: readonly string[] = ["complete", "stall", "fail"];

function pipe(): Pipe {
  return { segments: [], queued: 0, finished: false, stalled: false };
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Nobody may ask: a failed handshake nobody awaited is not an unhandled rejection.
  promise.catch(() => {});
  return { promise, resolve, reject };
}

function concat(segments: readonly Segment[]): Uint8Array {
  let length = 0;
  for (const { bytes } of segments) length += bytes.length;
  const joined = new Uint8Array(length);
  let offset = 0;
  for (const { bytes } of segments) {
    joined.set(bytes, offset);
    offset += bytes.length;
  }
  return joined;
}

function now(): number {
  return performance.now();
}

function resetError(why: string): Error {
  return withCode(new Error(`Connection reset: ${why} (ECONNRESET)`), "ECONNRESET");
}

function protocolError(why: string): Error {
  return withCode(new Error(`TLS handshake failed: ${why} (EPROTO)`), "EPROTO");
}

function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

function ipLiteral(what: string, value: string): void {
  if (typeof value !== "string" || !isIpLiteral(value)) {
    throw new TypeError(
      `Invalid ${what} "${value}": give an IP literal such as "127.0.0.1" or "::1" (resolve names first)`,
    );
  }
}

function splitSize(value: boolean | number): number {
  if (value === false) return 0;
  if (value === true) return Infinity;
  return positiveInteger("split", value);
}

function positiveInteger(what: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`Invalid ${what} ${value}: must be an integer number of bytes >= 1`);
  }
  return value;
}
