/**
 * UDP for Bun, on `Bun.udpSocket`.
 *
 * - Ownership: Bun allocates a fresh buffer per datagram; the socket asks for
 *   `binaryType: "uint8array"`, so the handler gets a plain `Uint8Array`, not a
 *   `Buffer` (whose `slice` would share memory).
 * - Zero-length datagrams are sent and received.
 * - `reusePort` sets `SO_REUSEPORT` through `Bun.udpSocket`'s `flags` option,
 *   which Bun documents nowhere but its own `node:dgram` passes for
 *   `createSocket({ reusePort: true })` (Bun 1.4.5: `4`, "reuse port", and
 *   `32`, "fail rather than bind without it"). On Linux (3.9+) the kernel
 *   then spreads datagrams across the sockets sharing the port, by a hash of
 *   the peer's address and port; other systems may deliver all to one. Were a later Bun to ignore `flags`, the second
 *   socket's bind would fail with `EADDRINUSE`: never a silent half-share.
 * - Backpressure: Bun's `send` returns `false` when the kernel buffer is full
 *   and the datagram was not sent. The adapter then queues it, and every
 *   later datagram behind it, and resends on Bun's `drain` event; `send`
 *   returns a Promise that settles when its datagram leaves the queue.
 * - `receiveBufferSize` and `sendBufferSize`: `Bun.udpSocket` cannot set
 *   `SO_RCVBUF` or `SO_SNDBUF`, but Bun's `node:dgram` can, for real. A bind
 *   that asks for either goes through `@radkit/radius/adapters/node` (Bun's
 *   `node:dgram`), whose sockets behave as this adapter's and report the
 *   granted sizes in `bufferSizes()`. Sockets bound without them stay on
 *   `Bun.udpSocket`, which cannot read its sizes: they have no `bufferSizes()`.
 * - `unref()` and `ref()` are the Bun socket's own.
 * - `lookup()` is `getaddrinfo` (Bun's `node:dns` `lookup`), so `/etc/hosts`
 *   applies.
 * - Bun turns on `IP_RECVERR`, so ICMP errors (such as `ECONNREFUSED` after
 *   sending to a closed port) come back on the socket: on receive, or by
 *   failing the next `send` to any destination. Both go to `onError`, and such
 *   a failed `send` is retried once, so one dead peer does not cost the
 *   datagram to the next.
 *
 * @example Usage
 * ```ts ignore
 * import { udp } from "@radkit/radius/adapters/bun";
 * import assert from "node:assert/strict";
 *
 * const { promise, resolve } = Promise.withResolvers<Uint8Array>();
 * const server = await udp().bind({ hostname: "127.0.0.1", port: 0 }, resolve);
 * const client = await udp().bind({ hostname: "127.0.0.1", port: 0 }, () => {});
 * await client.send(new Uint8Array([1, 2, 3]), server.local);
 * assert.deepEqual(await promise, new Uint8Array([1, 2, 3]));
 * await client.close();
 * await server.close();
 * ```
 *
 * @module
 */
import { formatAddress } from "../src/address.ts";
import type { Address, DatagramSocket, DatagramTransport } from "../src/transport.ts";
import { Dictionary } from "../src/dictionary/dictionary.ts";
import type { AnyAttributes } from "../src/attribute_map.ts";
import { requestedBufferSizes } from "./_buffer_sizes.ts";
import { lookupHost } from "./_lookup.ts";
import { udp as dgramUdp } from "./node.ts";
import type { StreamTransport } from "../src/stream_transport.ts";
import { nodeStreams } from "./_streams_node.ts";
import type { TlsEngine } from "../src/eap/tls/tls_engine.ts";
import { nodeTlsEngine } from "./_tls_engine_node.ts";

/** The parts of Bun's `udp.Socket` used here. */
interface BunUdpSocketLike {
  readonly hostname: string;
  readonly port: number;
  send(data: Uint8Array, port: number, address: string): boolean;
  close(): void;
  unref(): void;
  ref(): void;
}

/** The parts of Bun's `udp.SocketHandler` used here. */
interface BunUdpHandlerLike {
  data(socket: BunUdpSocketLike, data: Uint8Array, port: number, address: string): void;
  drain(): void;
  error(...args: unknown[]): void;
}

/** The parts of the `Bun` namespace used here. */
interface BunLike {
  file(path: string): { text(): Promise<string> };
  udpSocket(options: {
    hostname: string;
    port: number;
    /** Undocumented: uSockets listen flags, as Bun's `node:dgram` passes them. */
    flags?: number;
    binaryType: "uint8array";
    socket: BunUdpHandlerLike;
  }): Promise<BunUdpSocketLike>;
}

/** A datagram and where it goes. */
interface Outgoing {
  data: Uint8Array;
  port: number;
  hostname: string;
}

/** A datagram waiting for Bun's `drain` event. */
interface Pending extends Outgoing {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * `Bun.udpSocket`'s `flags` for `SO_REUSEPORT`, as Bun 1.4.5's `node:dgram`
 * passes them: `LISTEN_REUSE_PORT` (4) and `LISTEN_DISALLOW_REUSE_PORT_FAILURE`
 * (32), so that a socket that cannot share the port fails to bind.
 */
const REUSE_PORT_FLAGS = 4 | 32;

/** Errors that an ICMP message about an earlier datagram leaves pending on the socket. */
const STALE_ERRORS: ReadonlySet<unknown> = new Set([
  "ECONNREFUSED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EHOSTDOWN",
]);

/**
 * Creates a UDP transport on `Bun.udpSocket`.
 *
 * @returns A transport whose sockets are Bun UDP sockets.
 * @throws {Error} When not running on Bun.
 *
 * @example Usage
 * ```ts ignore
 * import { udp } from "@radkit/radius/adapters/bun";
 * import assert from "node:assert/strict";
 *
 * const transport = udp();
 * await using socket = await transport.bind({ hostname: "::1", port: 0 }, () => {});
 * assert.equal(socket.local.family, "IPv6");
 * assert.ok(socket.local.port > 0);
 * // Asking for a buffer size binds through Bun's node:dgram, which can set it.
 * await using large = await transport.bind(
 *   { hostname: "127.0.0.1", port: 0, receiveBufferSize: 1_048_576 },
 *   () => {},
 * );
 * assert.ok(large.bufferSizes!()!.receive >= 1_048_576);
 * const [first] = await transport.lookup!("localhost");
 * assert.ok(first?.hostname === "127.0.0.1" || first?.hostname === "::1");
 * ```
 */
export const udp: () => DatagramTransport = (): DatagramTransport => {
  const bun = (globalThis as { Bun?: BunLike }).Bun;
  if (bun === undefined) {
    throw new Error(
      "The Bun adapter needs Bun: use @radkit/radius/adapters/deno or @radkit/radius/adapters/node",
    );
  }
  return {
    name: "bun",
    lookup: lookupHost,
    async bind(options, onMessage): Promise<DatagramSocket> {
      const { hostname, port, onError } = options;
      const sizes = requestedBufferSizes(options);
      if (sizes.receive !== undefined || sizes.send !== undefined) {
        // Bun.udpSocket has no SO_RCVBUF/SO_SNDBUF; Bun's node:dgram sets them.
        return await dgramUdp().bind(options, onMessage);
      }
      const report = (error: unknown): void => {
        try {
          onError?.(error instanceof Error ? error : new Error(String(error)));
        } catch {
          // The contract ignores exceptions from onError.
        }
      };
      let closed = false;
      // An ICMP error about an earlier datagram failed this send (IP_RECVERR, see
      // the module doc): report it and try once more; a second failure is ours.
      const transmit = (socket: BunUdpSocketLike, item: Outgoing): boolean => {
        try {
          return socket.send(item.data, item.port, item.hostname);
        } catch (error) {
          if (!STALE_ERRORS.has((error as { code?: unknown }).code)) throw error;
          const sent = socket.send(item.data, item.port, item.hostname);
          report(error);
          return sent;
        }
      };
      // Datagrams Bun refused for lack of buffer space, oldest first. Only a send
      // on `bound` starts it, so `flush` never touches `bound` before it exists.
      let backlog: Pending[] | undefined;
      const flush = (): void => {
        while (backlog !== undefined && backlog.length > 0) {
          const next = backlog[0]!;
          try {
            if (!transmit(bound, next)) return;
            next.resolve();
          } catch (error) {
            next.reject(error);
          }
          backlog.shift();
        }
        backlog = undefined;
      };
      const bound = await bun.udpSocket({
        hostname,
        port,
        ...(options.reusePort === true ? { flags: REUSE_PORT_FLAGS } : {}),
        binaryType: "uint8array",
        socket: {
          data(_socket, data, fromPort, fromHostname) {
            if (closed) return;
            const family = fromHostname.includes(":") ? "IPv6" : "IPv4";
            try {
              onMessage(data, { hostname: fromHostname, port: fromPort, family });
            } catch (error) {
              report(error);
            }
          },
          drain: () => flush(),
          // Bun 1.4.5 passes the error alone; its documentation puts the socket first.
          error: (...args) => report(args.find((arg) => arg instanceof Error) ?? args[0]),
        },
      });
      const local: Address = {
        hostname: bound.hostname,
        port: bound.port,
        family: bound.hostname.includes(":") ? "IPv6" : "IPv4",
      };
      const close = (): Promise<void> => {
        if (!closed) {
          closed = true;
          bound.close();
          const error = new Error(`Cannot send on a closed socket (${formatAddress(local)})`);
          for (const pending of backlog ?? []) pending.reject(error);
          backlog = undefined;
        }
        return Promise.resolve();
      };
      return {
        local,
        send(data, to): Promise<void> | void {
          if (closed) throw new Error(`Cannot send on a closed socket (${formatAddress(local)})`);
          const item = { data, port: to.port, hostname: to.hostname };
          if (backlog === undefined) {
            if (transmit(bound, item)) return;
            backlog = [];
          }
          const queue = backlog;
          return new Promise<void>((resolve, reject) => {
            queue.push({ ...item, resolve, reject });
          });
        },
        close,
        unref(): void {
          if (!closed) bound.unref();
        },
        ref(): void {
          if (!closed) bound.ref();
        },
        [Symbol.asyncDispose]: close,
      };
    },
  };
};

/**
 * Creates a TCP (RFC 6613) and TLS (RFC 6614) transport for Bun: the
 * transport of `@radkit/radius/adapters/node`, on Bun's `node:net` and
 * `node:tls`, which implement client certificates, TLS 1.3 and ALPN.
 * Its behaviour is documented at `streams` in `@radkit/radius/adapters/node`.
 *
 * @returns A transport named `"node:net"`.
 *
 * @example Usage
 * ```ts
 * import { streams } from "@radkit/radius/adapters/bun";
 * import assert from "node:assert/strict";
 *
 * const transport = streams();
 * assert.equal(transport.name, "node:net");
 * const server = await transport.listen({ hostname: "127.0.0.1", port: 0 }, (connection) => {
 *   connection.start({ onData: (data) => connection.write(data), onClose: () => {} });
 * });
 * const client = await transport.connect({ hostname: "127.0.0.1", port: server.local.port });
 * const echoed = Promise.withResolvers<Uint8Array>();
 * client.start({ onData: echoed.resolve, onClose: () => {} });
 * client.write(new Uint8Array([1, 2, 3]));
 * assert.deepEqual(await echoed.promise, new Uint8Array([1, 2, 3]));
 * client.destroy();
 * await server.close();
 * ```
 */
export const streams: () => StreamTransport = (): StreamTransport => nodeStreams("node:net");

/**
 * Loads a FreeRADIUS dictionary file with `Bun.file`, following its
 * `$INCLUDE`s relative to each including file.
 *
 * @param path The dictionary file, e.g. `/usr/share/freeradius/dictionary`.
 * @param base A dictionary to read the file on top of, e.g. `Dictionary.default()`
 *   to add vendor files to radkit's bundled RFC dictionaries; empty by default.
 * @returns The loaded dictionary, typed with attribute map `A` (as `radkit dict --types`
 *   writes it) or open (`AnyAttributes`) by default.
 * @throws {DictionaryError} naming the file and line of the first problem.
 *
 * @example Usage
 * ```ts ignore
 * import { loadDictionary } from "@radkit/radius/adapters/bun";
 *
 * const dictionary = await loadDictionary("/usr/share/freeradius/dictionary");
 * console.log(dictionary.attribute("Cisco-AVPair")?.oid); // "26.9.1"
 * ```
 */
export function loadDictionary<A extends object = AnyAttributes>(
  path: string,
  base?: Dictionary<object>,
): Promise<Dictionary<A>> {
  const bun = (globalThis as { Bun?: BunLike }).Bun;
  if (bun === undefined) {
    throw new Error("adapters/bun.ts runs on Bun; import the adapter of your runtime");
  }
  const read = (file: string): Promise<string> => bun.file(file).text();
  return base === undefined ? Dictionary.load<A>(path, read) : base.extendFile<A>(path, read);
}

/**
 * Creates the TLS engine EAP-TLS, PEAP and EAP-TTLS run on: `node:tls`
 * over an in-memory stream, as in `@radkit/radius/adapters/node`, where
 * its behaviour is documented.
 *
 * @returns The engine, named `"node:tls"`.
 *
 * @example Usage
 * ```ts
 * import { tlsEngine } from "@radkit/radius/adapters/bun";
 * import assert from "node:assert/strict";
 *
 * const engine = tlsEngine();
 * assert.equal(engine.name, "node:tls");
 * const client = engine.open({ role: "client" });
 * const hello = await client.receive(new Uint8Array(0));
 * assert.equal(hello.records[0], 22); // a TLS handshake record: the ClientHello
 * client.destroy();
 * ```
 */
export const tlsEngine: () => TlsEngine = (): TlsEngine => nodeTlsEngine();
