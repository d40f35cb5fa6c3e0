/**
 * UDP for Deno, on `Deno.listenDatagram`. That API is unstable in Deno 2: run
 * with `--unstable-net`, or add `"unstable": ["net"]` to `deno.json`, and grant
 * `--allow-net`.
 *
 * - Ownership: four receives wait at once, each filling its own 128 KiB
 *   block datagram after datagram, and datagrams are handed over in place,
 *   never overwritten, so the handler owns each `data`; a `data` kept alive
 *   keeps its block alive (`data.buffer` is the block: use `data.slice()` to
 *   keep a datagram on its own for long). Datagrams that arrive together may
 *   be handed over in a different order (UDP promises no order either).
 * - Zero-length datagrams are sent and received.
 * - `reusePort` is not supported, so such a bind rejects with an Error: no
 *   Deno 2.9 API sets `SO_REUSEPORT` on a UDP socket. `Deno.listenDatagram`'s
 *   `reuseAddress` sets `SO_REUSEADDR` on Linux (`SO_REUSEPORT` only on
 *   macOS and the BSDs), under which two sockets bind one port but the one
 *   bound last receives every datagram; the `node:dgram` of Deno ignores
 *   `reusePort` (the second bind fails with `EADDRINUSE`) and its `reuseAddr`
 *   is the same `SO_REUSEADDR`; `node:cluster` workers cannot share a
 *   `node:dgram` port either (`EADDRINUSE`). What Deno can do is pass a bound
 *   `node:dgram` socket to child processes over `node:child_process` IPC
 *   (`SCM_RIGHTS`), so that they all read one socket:
 *   `@radkit/radius/adapters/workers` does that (`sockets: "shared"`).
 * - `receiveBufferSize` and `sendBufferSize`: `Deno.listenDatagram` has no
 *   option for `SO_RCVBUF` or `SO_SNDBUF` (and the `node:dgram` of Deno only
 *   records the number), so on Linux, with `--allow-all`, the adapter sets
 *   them with libc's `setsockopt(2)` through Deno's FFI, on the descriptor it
 *   finds in `/proc` (Deno reads `/proc` only with `--allow-all`), and such a
 *   socket's `bufferSizes()` reports what the kernel granted. Elsewhere, or
 *   without `-A`, such a bind rejects with an Error whose `code` is
 *   `"ENOTSUP"` (the Server and Client then bind without their default 4
 *   MiB): sockets get the system default (Linux: `net.core.rmem_default`,
 *   about 208 KiB, some 250 small datagrams), so raise that instead. A
 *   socket bound without sizes has no `bufferSizes()`.
 * - `unref()` and `ref()`: `DatagramConn.unref()` reaches only the newest of
 *   the pending receives, so every receive is unreferenced from the start and
 *   an idle timer holds the process while the socket is referenced. On a
 *   Deno without `DatagramConn.unref()` sockets have no `unref()`/`ref()`.
 * - `lookup()` is `getaddrinfo`, through Deno's `node:dns` (loaded on first
 *   use): `Deno.resolveDns` only asks DNS servers and skips `/etc/hosts`.
 * - `close()` cancels the pending receive and resolves when the receive loop
 *   has ended, so `deno test` finds no leaked resource or op.
 *
 * @example Usage
 * ```ts
 * import { udp } from "@radkit/radius/adapters/deno";
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
import { Dictionary } from "../src/dictionary/dictionary.ts";
import type { AnyAttributes } from "../src/attribute_map.ts";
import type {
  Address,
  BindOptions,
  DatagramSocket,
  DatagramTransport,
  MessageHandler,
  ResolvedAddress,
} from "../src/transport.ts";
import { bufferSizesUnsupported, requestedBufferSizes } from "./_buffer_sizes.ts";
import { type DenoFfi, type SocketBuffers, socketBuffers } from "./_deno_socket_buffers.ts";
import { KeepAlive } from "./_keep_alive.ts";
import type { StreamTransport } from "../src/stream_transport.ts";
import { nodeStreams } from "./_streams_node.ts";
import type { TlsEngine } from "../src/eap/tls/tls_engine.ts";
import { nodeTlsEngine } from "./_tls_engine_node.ts";

/** The parts of `Deno.NetAddr` used here. */
interface DenoAddrLike {
  transport: "udp";
  hostname: string;
  port: number;
}

/** The parts of `Deno.DatagramConn` used here. */
interface DatagramConnLike {
  readonly addr: DenoAddrLike;
  receive(buffer?: Uint8Array): Promise<[Uint8Array, DenoAddrLike]>;
  send(data: Uint8Array, to: DenoAddrLike): Promise<number>;
  close(): void;
  /** Deno 2.9: unrefs the newest pending receive and every later one. */
  unref?(): void;
}

/** The parts of the `Deno` namespace used here. */
interface DenoLike extends DenoFfi {
  listenDatagram?: (
    options: { transport: "udp"; hostname: string; port: number },
  ) => DatagramConnLike;
  readTextFile(path: string): Promise<string>;
}

/** Covers the largest UDP payload (65,527 bytes over IPv6), so nothing is truncated. */
/** Room for the largest UDP payload, so that no datagram is cut short. */
const MAX_DATAGRAM = 65536;
/**
 * Each pending receive fills its own block, datagram after datagram, and
 * hands them over in place: one allocation per block instead of a copy per
 * datagram (each typed array costs Deno a malloc).
 */
const RECEIVE_BLOCK_SIZE = 2 * MAX_DATAGRAM;
/**
 * Receives pending at once per socket. Measured with the radkit server
 * under load (bench/server_load.ts, 100 in flight): 4 took its CPU per
 * reply from 49 to 40 µs against 1 (median of 6 rounds).
 */
const RECEIVES_IN_FLIGHT = 4;

/**
 * Creates a UDP transport on `Deno.listenDatagram`.
 *
 * @returns A transport whose sockets are Deno datagram connections.
 * @throws {Error} When not running on Deno, or when Deno runs without
 * `--unstable-net`.
 *
 * @example Usage
 * ```ts
 * import { udp } from "@radkit/radius/adapters/deno";
 * import assert from "node:assert/strict";
 *
 * const transport = udp();
 * await using socket = await transport.bind({ hostname: "::1", port: 0 }, () => {});
 * assert.equal(socket.local.family, "IPv6");
 * assert.ok(socket.local.port > 0);
 * // Set through libc (FFI) on Linux under -A; elsewhere rejected with code "ENOTSUP".
 * try {
 *   const options = { hostname: "127.0.0.1", port: 0, receiveBufferSize: 4_194_304 };
 *   await using sized = await transport.bind(options, () => {});
 *   assert.ok(sized.bufferSizes!()!.receive >= 212_992);
 * } catch (error) {
 *   assert.equal((error as { code?: string }).code, "ENOTSUP");
 * }
 * const [first] = await transport.lookup!("localhost");
 * assert.ok(first?.hostname === "127.0.0.1" || first?.hostname === "::1");
 * ```
 */
export const udp: () => DatagramTransport = (): DatagramTransport => {
  const deno = (globalThis as { Deno?: DenoLike }).Deno;
  if (deno === undefined) {
    throw new Error(
      "The Deno adapter needs Deno: use @radkit/radius/adapters/bun or @radkit/radius/adapters/node",
    );
  }
  if (typeof deno.listenDatagram !== "function") {
    throw new Error(
      'Deno.listenDatagram is unavailable: run with --unstable-net, or add "unstable": ["net"] to deno.json',
    );
  }
  return {
    name: "deno",
    bind(options, onMessage): Promise<DatagramSocket> {
      try {
        return Promise.resolve(open(deno, options, onMessage));
      } catch (error) {
        return Promise.reject(error);
      }
    },
    lookup: denoLookup,
  };
};

/** `getaddrinfo` through Deno's `node:dns`, imported on first use only. */
async function denoLookup(hostname: string): Promise<readonly ResolvedAddress[]> {
  const { lookupHost } = await import("./_lookup.ts");
  return await lookupHost(hostname);
}

function open(deno: DenoLike, options: BindOptions, onMessage: MessageHandler): DatagramSocket {
  const { hostname, port, onError } = options;
  if (options.reusePort === true) {
    throw new Error(
      `Cannot bind ${hostname}:${port} with reusePort: Deno.listenDatagram cannot set SO_REUSEPORT; ` +
        'to serve one port from several processes, use @radkit/radius/adapters/workers with sockets: "shared"',
    );
  }
  const sizes = requestedBufferSizes(options);
  const conn = deno.listenDatagram!({ transport: "udp", hostname, port });
  const local = toAddress(conn.addr);
  let buffers: SocketBuffers | undefined;
  if (sizes.receive !== undefined || sizes.send !== undefined) {
    const access = socketBuffers(deno, local);
    try {
      if (typeof access === "string") {
        throw bufferSizesUnsupported(
          formatAddress({ hostname, port }),
          sizes,
          `Deno.listenDatagram has no option for them, and ${access}`,
        );
      }
      access.set(sizes);
    } catch (error) {
      conn.close();
      throw error;
    }
    buffers = access;
  }
  // conn.unref() before the first receive unrefs them all; the timer holds the process instead.
  let keepAlive: KeepAlive | undefined;
  if (typeof conn.unref === "function") {
    conn.unref();
    keepAlive = new KeepAlive();
  }
  const report = (error: unknown): void => {
    try {
      onError?.(error instanceof Error ? error : new Error(String(error)));
    } catch {
      // The contract ignores exceptions from onError.
    }
  };
  let closed = false;
  // Several receives wait at once, each with its own block, so that one
  // turn of the event loop can hand over several datagrams.
  const receiver = async (): Promise<void> => {
    let block = new Uint8Array(RECEIVE_BLOCK_SIZE);
    let used = 0;
    while (!closed) {
      if (block.length - used < MAX_DATAGRAM) {
        block = new Uint8Array(RECEIVE_BLOCK_SIZE);
        used = 0;
      }
      let received: [Uint8Array, DenoAddrLike];
      try {
        received = await conn.receive(block.subarray(used));
      } catch (error) {
        if (closed) return;
        report(error);
        // The connection is gone (closed behind our back): stop rather than spin.
        const name = (error as { name?: unknown }).name;
        if (name === "BadResource" || name === "Interrupted") return;
        continue;
      }
      if (closed) return;
      try {
        // Handed over as received: the next datagram goes after it in the block.
        const data = received[0];
        used += data.length;
        onMessage(data, toAddress(received[1]));
      } catch (error) {
        report(error);
      }
    }
  };
  const receivers: Promise<void>[] = [];
  for (let i = 0; i < RECEIVES_IN_FLIGHT; i++) receivers.push(receiver());
  let ended = false;
  const loop = Promise.all(receivers).then(() => {
    ended = true;
    keepAlive?.unref();
  });
  const close = (): Promise<void> => {
    if (!closed) {
      closed = true;
      // The cancelled receives are unreferenced: hold the process until they have ended.
      if (!ended) keepAlive?.ref();
      try {
        conn.close();
      } catch {
        // Already closed: the receive loop has ended or is ending.
      }
    }
    return loop;
  };
  const socket: DatagramSocket = {
    local,
    send(data, to): Promise<void> {
      if (closed) {
        return Promise.reject(
          new Error(`Cannot send on a closed socket (${formatAddress(local)})`),
        );
      }
      // The op's own promise (it resolves to the byte count, which no one
      // reads): no async wrapper, one promise and one microtask less per send.
      const sent: Promise<unknown> = conn.send(data, {
        transport: "udp",
        hostname: to.hostname,
        port: to.port,
      });
      return sent as Promise<void>;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
  if (buffers !== undefined) {
    const held = buffers;
    socket.bufferSizes = () => (closed ? undefined : held.get());
  }
  if (keepAlive !== undefined) {
    const held = keepAlive;
    socket.unref = () => {
      if (!closed) held.unref();
    };
    socket.ref = () => {
      if (!closed && !ended) held.ref();
    };
  }
  return socket;
}

function toAddress(addr: DenoAddrLike): Address {
  const family = addr.hostname.includes(":") ? "IPv6" : "IPv4";
  return { hostname: addr.hostname, port: addr.port, family };
}

/**
 * Creates a TCP (RFC 6613) and TLS (RFC 6614) transport for Deno (with `--allow-net`): the
 * transport of `@radkit/radius/adapters/node`, on Deno's `node:net` and
 * `node:tls`, which implement client certificates, TLS 1.3 and ALPN (`Deno.listenTls` can neither ask for nor read a client certificate, nor tell the TLS version).
 * Its behaviour is documented at `streams` in `@radkit/radius/adapters/node`.
 *
 * @returns A transport named `"node:net"`.
 *
 * @example Usage
 * ```ts
 * import { streams } from "@radkit/radius/adapters/deno";
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
 * Loads a FreeRADIUS dictionary file with `Deno.readTextFile`, following its
 * `$INCLUDE`s relative to each including file (needs `--allow-read`).
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
 * import { loadDictionary } from "@radkit/radius/adapters/deno";
 *
 * const dictionary = await loadDictionary("/usr/share/freeradius/dictionary");
 * console.log(dictionary.attribute("Cisco-AVPair")?.oid); // "26.9.1"
 * ```
 */
export function loadDictionary<A extends object = AnyAttributes>(
  path: string,
  base?: Dictionary<object>,
): Promise<Dictionary<A>> {
  const deno = (globalThis as { Deno?: DenoLike }).Deno;
  if (deno === undefined) {
    throw new Error("adapters/deno.ts runs on Deno; import the adapter of your runtime");
  }
  const read = (file: string): Promise<string> => deno.readTextFile(file);
  return base === undefined ? Dictionary.load<A>(path, read) : base.extendFile<A>(path, read);
}

/**
 * Creates the TLS engine EAP-TLS, PEAP and EAP-TTLS run on: `node:tls`
 * over an in-memory stream, as in `@radkit/radius/adapters/node`, where
 * its behaviour is documented. Deno 2.9's `node:tls` has no
 * `exportKeyingMaterial`: sessions complete their handshake, but deriving
 * keys throws a `TlsExporterUnavailableError`.
 *
 * @returns The engine, named `"node:tls"`.
 *
 * @example Usage
 * ```ts
 * import { tlsEngine } from "@radkit/radius/adapters/deno";
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
