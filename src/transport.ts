/**
 * The datagram transport contract. The RADIUS core never touches a socket:
 * it asks a {@linkcode DatagramTransport} to bind a {@linkcode DatagramSocket}
 * and hands it bytes to send; the transport calls back with the bytes it
 * receives. `@radkit/radius/adapters/deno`, `/bun` and `/node` implement the
 * contract on each runtime's UDP API; `@radkit/radius/testing` implements it
 * in memory, with injectable loss, duplication, latency and reordering.
 *
 * The rules every implementation keeps:
 *
 * - **Ownership.** The `data` passed to `onMessage` belongs to the receiver:
 *   the transport never writes to it again, so it may be kept, sliced or
 *   mutated. A runtime that reuses its receive buffer must hand over a copy.
 *   Conversely the transport may read the `data` given to `send` until `send`
 *   returns (or its Promise settles); after that the caller may reuse it.
 * - **Delivery.** `onMessage` is set once at bind time and called once per
 *   datagram, never re-entrantly from inside `send`. Once `close()` has been
 *   called it is not called again, not even for datagrams already queued.
 *   If it throws, the exception goes to `onError` and delivery continues.
 * - **Errors never crash the process.** A failed `send` (message too long,
 *   host unreachable, wrong address family, socket closed) is reported to its
 *   caller only: by throwing if `send` returned nothing, by rejecting if it
 *   returned a Promise; so `await` it inside `try`. Errors that belong to no
 *   call (an ICMP error surfacing on receive, a socket error event) go to
 *   `onError` when one is given and are dropped otherwise.
 * - **Addresses** are IP literals. IPv6 is written without brackets (`"::1"`,
 *   not `"[::1]"`), optionally with a zone (`"fe80::1%eth0"`); `family` is
 *   `"IPv4"` or `"IPv6"`, named as Node.js and Bun name it. A peer is reported
 *   as the operating system reports it, and that `from` is a valid `to` for a
 *   reply (on a dual-stack `"::"` socket an IPv4 peer typically appears as
 *   `"::ffff:192.0.2.1"`, family `"IPv6"`). `send` takes IP literals only:
 *   host names are resolved beforehand, with `lookup` where the transport
 *   has it.
 * - **Sizes.** Datagrams of 0 to 65,507 bytes (IPv4) or 65,527 bytes (IPv6)
 *   are sent and received whole; a larger one fails `send` with an error whose
 *   `code` is `"EMSGSIZE"`.
 *
 * @example Usage
 * ```ts
 * import type { Address, DatagramTransport } from "@radkit/radius";
 * import { MemoryTransport } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * const network = new MemoryTransport();
 * const transport: DatagramTransport = network;
 * const received: [Uint8Array, Address][] = [];
 * const server = await transport.bind(
 *   { hostname: "127.0.0.1", port: 1812 },
 *   (data, from) => received.push([data, from]),
 * );
 * const client = await transport.bind({ hostname: "127.0.0.1", port: 0 }, () => {});
 * await client.send(new Uint8Array([1, 2, 3]), server.local);
 * await network.idle();
 * assert.deepEqual(received, [[new Uint8Array([1, 2, 3]), client.local]]);
 * await client.close();
 * await server.close();
 * ```
 *
 * @module
 */

/**
 * The address family of an {@linkcode Address}, named as Node.js and Bun name
 * it.
 *
 * @example Usage
 * ```ts
 * import type { AddressFamily } from "@radkit/radius";
 * import { MemoryTransport } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * const network = new MemoryTransport();
 * const families: AddressFamily[] = [];
 * for (const hostname of ["127.0.0.1", "::1"]) {
 *   const socket = await network.bind({ hostname, port: 0 }, () => {});
 *   families.push(socket.local.family);
 *   await socket.close();
 * }
 * assert.deepEqual(families, ["IPv4", "IPv6"]);
 * ```
 */
export type AddressFamily = "IPv4" | "IPv6";

/**
 * A UDP endpoint: the local end of a socket, or the peer a datagram came from.
 *
 * @example Usage
 * ```ts
 * import type { Address } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const nas: Address = { hostname: "::1", port: 50123, family: "IPv6" };
 * assert.equal(nas.hostname.startsWith("["), false);
 * ```
 */
export interface Address {
  /**
   * An IP address literal: `"192.0.2.1"`, or IPv6 without brackets
   * (`"2001:db8::1"`, `"fe80::1%eth0"`).
   */
  readonly hostname: string;
  /** The UDP port, 0 to 65535 (0 only in bind requests). */
  readonly port: number;
  /** `"IPv6"` when `hostname` is an IPv6 literal, else `"IPv4"`. */
  readonly family: AddressFamily;
}

/**
 * Called once per received datagram.
 *
 * @param data The datagram's payload, owned by the callee from now on.
 * @param from The peer that sent it.
 *
 * @example Usage
 * ```ts
 * import type { MessageHandler } from "@radkit/radius";
 * import { MemoryTransport } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * const log: string[] = [];
 * const onMessage: MessageHandler = (data, from) => {
 *   log.push(`${data.length} bytes from ${from.hostname}`);
 * };
 * const network = new MemoryTransport();
 * const server = await network.bind({ hostname: "127.0.0.1", port: 1812 }, onMessage);
 * const client = await network.bind({ hostname: "192.0.2.1", port: 0 }, () => {});
 * client.send(new Uint8Array(20), server.local);
 * await network.idle();
 * assert.deepEqual(log, ["20 bytes from 192.0.2.1"]);
 * await client.close();
 * await server.close();
 * ```
 */
export type MessageHandler = (data: Uint8Array, from: Address) => void;

/**
 * What {@linkcode DatagramTransport.bind} binds and how it reports errors.
 *
 * @example Usage
 * ```ts
 * import type { BindOptions } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const errors: Error[] = [];
 * const options: BindOptions = {
 *   hostname: "127.0.0.1",
 *   port: 0,
 *   onError: (error) => errors.push(error),
 * };
 * assert.equal(options.port, 0);
 * ```
 */
export interface BindOptions {
  /**
   * The local IP literal to bind: `"127.0.0.1"`, `"::1"`, `"0.0.0.0"` (every
   * IPv4 interface) or `"::"` (every IPv6 interface, and IPv4 too where the
   * operating system makes such sockets dual-stack). Its form decides the
   * socket's family.
   */
  hostname: string;
  /** The local port; 0 lets the operating system pick a free one. */
  port: number;
  /**
   * Sets `SO_REUSEPORT`: sockets that all set it may bind the same address
   * and port, and the kernel spreads incoming datagrams across them (one peer
   * keeps reaching the same socket). A transport that cannot do this rejects
   * the bind with an Error that says so; it never ignores the option.
   * Without it, binding an address in use rejects with an error whose `code`
   * is `"EADDRINUSE"`.
   */
  reusePort?: boolean;
  /**
   * Receives errors that belong to no call: ICMP errors reported on receive,
   * socket error events, exceptions thrown by the message handler. Without
   * it they are dropped. Exceptions it throws are ignored.
   */
  onError?: (error: Error) => void;
  /**
   * The receive buffer to ask the operating system for (`SO_RCVBUF`), in
   * bytes, an integer from 1 to 2,147,483,647 (else the bind rejects with a
   * RangeError). A burst of requests arrives faster than one thread decodes
   * them, and whatever does not fit in this buffer is lost before any code
   * sees it: Linux's default (`net.core.rmem_default`, 208 KiB) holds 256
   * datagrams of 100 bytes. The operating system may grant less (Linux caps
   * it at `net.core.rmem_max`); {@linkcode DatagramSocket.bufferSizes} tells
   * what was granted. A transport that cannot set it (Deno) rejects the bind
   * with an Error whose `code` is `"ENOTSUP"` and whose message says what to
   * do instead; it never ignores the option.
   */
  receiveBufferSize?: number;
  /**
   * The send buffer to ask the operating system for (`SO_SNDBUF`), in bytes;
   * as {@linkcode BindOptions.receiveBufferSize}, capped by
   * `net.core.wmem_max` on Linux.
   */
  sendBufferSize?: number;
}

/**
 * The socket buffer sizes the operating system granted, in bytes, as it
 * reports them (Linux reports twice the requested size, its bookkeeping
 * overhead included).
 *
 * @example Usage
 * ```ts
 * import type { BufferSizes } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const granted: BufferSizes = { receive: 8_388_608, send: 425_984 };
 * assert.ok(granted.receive > granted.send);
 * ```
 */
export interface BufferSizes {
  /** `SO_RCVBUF`. */
  readonly receive: number;
  /** `SO_SNDBUF`. */
  readonly send: number;
}

/**
 * A bound UDP socket.
 *
 * @example Usage
 * ```ts
 * import type { DatagramSocket } from "@radkit/radius";
 * import { MemoryTransport } from "@radkit/radius/testing";
 * import assert from "node:assert/strict";
 *
 * const transport = new MemoryTransport();
 * const socket: DatagramSocket = await transport.bind({ hostname: "::1", port: 0 }, () => {});
 * assert.equal(socket.local.family, "IPv6");
 * assert.ok(socket.local.port > 0);
 * await socket.close();
 * await assert.rejects(async () => {
 *   await socket.send(new Uint8Array(1), { hostname: "::1", port: 1812 });
 * }, /closed/);
 * ```
 */
export interface DatagramSocket {
  /** The bound address; `port` is the real one when 0 was asked for. */
  readonly local: Address;
  /**
   * Sends one datagram. Resolves (or returns) once the datagram is handed to
   * the network, which says nothing about its arrival. Fails by throwing or
   * rejecting, never out of band: after {@linkcode DatagramSocket.close}, with
   * an Error saying the socket is closed; on an operating system error, with
   * that error (its `code`, such as `"EMSGSIZE"`, kept).
   *
   * @param data The payload; not to be mutated until `send` has returned or
   * its Promise has settled.
   * @param to The destination: an IP literal of the socket's family and a port.
   * An {@linkcode Address} fits.
   * @returns Nothing, or a Promise that settles when the datagram is handed over.
   */
  send(
    data: Uint8Array,
    to: { readonly hostname: string; readonly port: number },
  ): Promise<void> | void;
  /**
   * Closes the socket. From the call on, the message handler is not called
   * again; the Promise resolves once the port is released. Calling it again
   * returns the same outcome.
   *
   * @returns A Promise that resolves when the socket is closed.
   */
  close(): Promise<void>;
  /**
   * Lets the process exit while this socket is open and idle (as Node's
   * `socket.unref()`): a client calls it when nothing is in flight, so that
   * a script that forgets `close()` still ends. The socket still receives
   * while anything else keeps the process alive. Idempotent. Optional for
   * transports that have no such notion.
   */
  unref?(): void;
  /** Undoes {@linkcode DatagramSocket.unref}: the open socket keeps the process alive. */
  ref?(): void;
  /**
   * The buffer sizes the operating system granted, where the runtime can tell.
   *
   * @returns The sizes in bytes, or `undefined` when the runtime cannot read them.
   */
  bufferSizes?(): BufferSizes | undefined;
  /**
   * Closes the socket, as {@linkcode DatagramSocket.close}: `await using socket = …`.
   *
   * @returns A Promise that resolves when the socket is closed.
   */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * An address a host name resolved to.
 *
 * @example Usage
 * ```ts
 * import type { ResolvedAddress } from "@radkit/radius";
 * import assert from "node:assert/strict";
 *
 * const resolved: ResolvedAddress = { hostname: "::1", family: "IPv6" };
 * assert.equal(resolved.family, "IPv6");
 * ```
 */
export interface ResolvedAddress {
  /** An IP literal, IPv6 without brackets. */
  readonly hostname: string;
  /** Its family. */
  readonly family: AddressFamily;
}

/**
 * Binds UDP sockets: the one thing the RADIUS core asks of a runtime.
 *
 * @example Usage
 * ```ts
 * import type { DatagramTransport } from "@radkit/radius";
 * import { udp } from "@radkit/radius/adapters/node";
 * import assert from "node:assert/strict";
 *
 * const transport: DatagramTransport = udp();
 * const socket = await transport.bind({ hostname: "127.0.0.1", port: 0 }, () => {});
 * assert.equal(socket.local.family, "IPv4");
 * await socket.close();
 * ```
 */
export interface DatagramTransport {
  /** A short name for logs, such as `"node:dgram"` or `"memory"`. */
  readonly name: string;
  /**
   * Binds a socket and starts delivering the datagrams it receives.
   *
   * @param options The address and port to bind, `reusePort` and `onError`.
   * @param onMessage Called once per received datagram, with data it owns.
   * @returns The bound socket; rejects with the operating system's error
   * (`code` kept, such as `"EADDRINUSE"`) when the bind fails.
   */
  bind(options: BindOptions, onMessage: MessageHandler): Promise<DatagramSocket>;
  /**
   * Resolves a host name the way the operating system does (`getaddrinfo`:
   * `/etc/hosts`, then DNS), in its order of preference. Optional: without
   * it, clients accept IP literals only.
   *
   * @param hostname A host name such as `"localhost"` or `"radius.example.org"`;
   * an IP literal resolves to itself.
   * @returns At least one address; rejects with an Error that names the host
   * (with the resolver's `code`, such as `"ENOTFOUND"`) when it does not
   * resolve.
   */
  lookup?(hostname: string): Promise<readonly ResolvedAddress[]>;
}
