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
import { readFile } from "node:fs/promises";
import type { DatagramTransport } from "../src/transport.ts";
import { Dictionary } from "../src/dictionary/dictionary.ts";
import type { AnyAttributes } from "../src/attribute_map.ts";
import { bindDgram } from "./_dgram.ts";
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
