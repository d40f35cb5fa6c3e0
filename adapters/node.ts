/**
 * UDP for Node.js, on `node:dgram`. It also runs under Bun and Deno, which
 * implement `node:dgram`.
 *
 * - The socket type (`udp4` or `udp6`) follows the form of the bind hostname.
 * - Ownership: Node.js allocates a fresh buffer per datagram; the handler gets
 *   a plain `Uint8Array` view of it, not the `Buffer` (whose `slice` would
 *   share memory).
 * - Zero-length datagrams are sent and received.
 * - `reusePort` maps to `createSocket({ reusePort: true })`: Node.js 22.12+ or
 *   23.1+, and Bun, on Linux 3.9+, DragonFlyBSD 3.6+, FreeBSD 12+, Solaris
 *   11.4 and AIX 7.2.5+; elsewhere Node.js rejects the bind. On older Node.js
 *   and on Deno, which would silently ignore the option, the bind rejects.
 * - `receiveBufferSize` and `sendBufferSize` set `SO_RCVBUF` and `SO_SNDBUF`
 *   right after the bind (`setRecvBufferSize()`, `setSendBufferSize()`), on
 *   Node.js and on Bun; `bufferSizes()` reports what the kernel granted (on
 *   Linux twice the size asked for, capped at twice `net.core.rmem_max` or
 *   `wmem_max`). Deno's `node:dgram` only records the number without setting
 *   anything, so there such a bind rejects with an Error whose `code` is
 *   `"ENOTSUP"`, and `bufferSizes()` returns `undefined`.
 * - `unref()` and `ref()` are `dgram.Socket`'s. Deno's `unref()` would reach
 *   only the receive after the next datagram, so on Deno every receive is
 *   unreferenced from the start and an idle timer holds the process while the
 *   socket is referenced.
 * - `lookup()` is `getaddrinfo` (`dns.lookup` with `all` and `verbatim`
 *   order), so `/etc/hosts` applies.
 * - Every socket has an `error` listener, so errors reach `onError` or are
 *   dropped, never thrown out of the event emitter.
 * - Under Bun, whose sockets set `IP_RECVERR`, an ICMP error about an earlier
 *   datagram (such as `ECONNREFUSED` from a closed port) fails the next send
 *   to any destination; it goes to `onError` and that send is tried once more.
 *
 * @example Usage
 * ```ts
 * import { udp } from "@radkit/radius/adapters/node";
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
import { createSocket, type Socket } from "node:dgram";
import { lookup, type LookupOptions } from "node:dns";
import { isIP } from "node:net";
import { readFile } from "node:fs/promises";
import { versions } from "node:process";
import { formatAddress } from "../src/address.ts";
import type {
  Address,
  BindOptions,
  BufferSizes,
  DatagramSocket,
  DatagramTransport,
  MessageHandler,
} from "../src/transport.ts";
import { Dictionary } from "../src/dictionary/dictionary.ts";
import type { AnyAttributes } from "../src/attribute_map.ts";
import { bufferSizesUnsupported, requestedBufferSizes } from "./_buffer_sizes.ts";
import { KeepAlive } from "./_keep_alive.ts";
import { lookupHost } from "./_lookup.ts";

/**
 * Creates a UDP transport on `node:dgram`.
 *
 * @returns A transport whose sockets are `dgram.Socket`s.
 *
 * @example Usage
 * ```ts
 * import { udp } from "@radkit/radius/adapters/node";
 * import assert from "node:assert/strict";
 *
 * const transport = udp();
 * await using socket = await transport.bind({ hostname: "::1", port: 0 }, () => {});
 * assert.equal(socket.local.family, "IPv6");
 * assert.ok(socket.local.port > 0);
 * const [first] = await transport.lookup!("localhost");
 * assert.ok(first?.hostname === "127.0.0.1" || first?.hostname === "::1");
 * ```
 */
export const udp: () => DatagramTransport = (): DatagramTransport => ({
  name: "node:dgram",
  bind: bindDgram,
  lookup: lookupHost,
});

/** Whether this is the `node:dgram` of Deno, which fakes buffer sizes and unref (see the module doc). */
const onDeno = "Deno" in globalThis;

async function bindDgram(options: BindOptions, onMessage: MessageHandler): Promise<DatagramSocket> {
  const { hostname, port, onError } = options;
  const reusePort = options.reusePort === true;
  if (reusePort) {
    const reason = reusePortUnsupported();
    if (reason !== undefined) {
      throw new Error(`Cannot bind ${hostname}:${port} with reusePort: ${reason}`);
    }
  }
  const sizes = requestedBufferSizes(options);
  if (onDeno && (sizes.receive !== undefined || sizes.send !== undefined)) {
    throw bufferSizesUnsupported(
      formatAddress({ hostname, port }),
      sizes,
      "the node:dgram of Deno cannot set socket buffer sizes (it only records the number)",
    );
  }
  const report = (error: unknown): void => {
    try {
      onError?.(error instanceof Error ? error : new Error(String(error)));
    } catch {
      // The contract ignores exceptions from onError.
    }
  };
  const socket = createSocket({
    type: hostname.includes(":") ? "udp6" : "udp4",
    reusePort,
    lookup: literalLookup,
  });
  // Deno's socket.unref() reaches only the receive after the next datagram:
  // unref every receive before the first starts, and hold the process here.
  const keepAlive = onDeno ? new KeepAlive() : undefined;
  if (onDeno) socket.unref();
  let closed = false;
  let failBind: ((error: Error) => void) | undefined;
  socket.on("error", (error) => failBind === undefined ? report(error) : failBind(error));
  socket.on("message", (message, peer) => {
    if (closed) return;
    const data = new Uint8Array(message.buffer, message.byteOffset, message.byteLength);
    const family = peer.family === "IPv6" ? "IPv6" : "IPv4";
    try {
      onMessage(data, { hostname: peer.address, port: peer.port, family });
    } catch (error) {
      report(error);
    }
  });
  try {
    await new Promise<void>((resolve, reject) => {
      failBind = reject;
      socket.bind({ address: hostname, port }, () => resolve());
    });
    // Set after the bind (as createSocket's own options would be), where a
    // failure can still reject this bind instead of escaping as an exception.
    if (sizes.receive !== undefined) socket.setRecvBufferSize(sizes.receive);
    if (sizes.send !== undefined) socket.setSendBufferSize(sizes.send);
  } catch (error) {
    closed = true;
    keepAlive?.unref();
    try {
      socket.close();
    } catch {
      // Node.js may already have released the failed socket.
    }
    throw error;
  } finally {
    failBind = undefined;
  }
  const bound = socket.address();
  const local: Address = {
    hostname: bound.address,
    port: bound.port,
    family: bound.family === "IPv6" ? "IPv6" : "IPv4",
  };
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise((resolve) => {
      closed = true;
      keepAlive?.unref();
      try {
        socket.close(() => resolve());
      } catch {
        resolve(); // Already closed.
      }
    });
    return closing;
  };
  return {
    local,
    send(data, to): Promise<void> {
      if (closed) {
        return Promise.reject(
          new Error(`Cannot send on a closed socket (${formatAddress(local)})`),
        );
      }
      return new Promise((resolve, reject) => {
        socket.send(data, to.port, to.hostname, (error) => {
          if (!error) return resolve();
          if (!STALE_ERRORS.has((error as { code?: unknown }).code)) return reject(error);
          // Under Bun (IP_RECVERR) an ICMP error about an earlier datagram fails
          // this send and drops its datagram: report it and try once more.
          report(error);
          socket.send(data, to.port, to.hostname, (again) => again ? reject(again) : resolve());
        });
      });
    },
    close,
    unref(): void {
      if (keepAlive !== undefined) keepAlive.unref();
      else if (!closed) socket.unref();
    },
    ref(): void {
      if (closed) return;
      if (keepAlive !== undefined) keepAlive.ref();
      else socket.ref();
    },
    bufferSizes: (): BufferSizes | undefined => onDeno ? undefined : readBufferSizes(socket),
    [Symbol.asyncDispose]: close,
  };
}

/** What the kernel granted (Linux reports twice the size asked for), or `undefined` once closed. */
function readBufferSizes(socket: Socket): BufferSizes | undefined {
  try {
    return { receive: socket.getRecvBufferSize(), send: socket.getSendBufferSize() };
  } catch {
    return undefined; // Closed: there is no socket to ask.
  }
}

/**
 * The socket's name lookup: an IP literal (every transport Address is one)
 * is answered at once, so `send` reaches the kernel in the same tick instead
 * of after `dns.lookup`'s deferred callback; anything else goes to
 * `dns.lookup`.
 */
function literalLookup(
  address: string,
  family: number | LookupOptions,
  callback: (error: Error | null, address: string, family: number) => void,
): void {
  const version = isIP(address);
  if (version === 0) return lookup(address, family as LookupOptions, callback as never);
  callback(null, address, version);
}

/** Errors that an ICMP message about an earlier datagram leaves pending on the socket. */
const STALE_ERRORS: ReadonlySet<unknown> = new Set([
  "ECONNREFUSED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EHOSTDOWN",
]);

/** Why `reusePort` would be silently ignored here, or `undefined` if it works. */
function reusePortUnsupported(): string | undefined {
  if ("Deno" in globalThis) return "the node:dgram of Deno cannot set SO_REUSEPORT";
  if ("Bun" in globalThis) return undefined;
  const [major = 0, minor = 0] = versions.node.split(".").map(Number);
  const supported = major > 23 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12);
  return supported
    ? undefined
    : `Node.js ${versions.node} cannot set SO_REUSEPORT (needs 22.12+ or 23.1+)`;
}

/**
 * Loads a FreeRADIUS dictionary file with `node:fs`, following its
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
 * ```ts
 * import { Dictionary } from "@radkit/radius";
 * import { loadDictionary } from "@radkit/radius/adapters/node";
 * import { mkdtemp, writeFile } from "node:fs/promises";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * import assert from "node:assert/strict";
 *
 * const dir = await mkdtemp(join(tmpdir(), "dictionary-"));
 * await writeFile(join(dir, "dictionary"), "$INCLUDE dictionary.acme\n");
 * await writeFile(join(dir, "dictionary.acme"), "VENDOR Acme 99999\nBEGIN-VENDOR Acme\nATTRIBUTE Acme-Level 1 integer\nEND-VENDOR Acme\n");
 * const dictionary = await loadDictionary(join(dir, "dictionary"), Dictionary.default());
 * assert.equal(dictionary.attribute("Acme-Level")?.oid, "26.99999.1");
 * assert.equal(dictionary.attribute("User-Name")?.code, 1);
 * ```
 */
export function loadDictionary<A extends object = AnyAttributes>(
  path: string,
  base?: Dictionary<object>,
): Promise<Dictionary<A>> {
  const read = (file: string): Promise<string> => readFile(file, "utf8");
  return base === undefined ? Dictionary.load<A>(path, read) : base.extendFile<A>(path, read);
}
