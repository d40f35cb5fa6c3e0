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
import type { StreamTransport } from "../src/stream_transport.ts";
import { nodeStreams } from "./_streams_node.ts";
import type { TlsEngine } from "../src/eap/tls/tls_engine.ts";
import { nodeTlsEngine } from "./_tls_engine_node.ts";

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
 * Creates a TCP (RFC 6613) and TLS (RFC 6614) transport on `node:net` and
 * `node:tls`. The adapters of Bun and Deno return this same transport: both
 * runtimes implement `node:tls` with client certificates, TLS 1.3 and ALPN,
 * which `Deno.listenTls` cannot (it neither asks for nor reads a client
 * certificate, nor tells the TLS version).
 *
 * - **Accepting.** Each connection is handed to `onConnection` as soon as
 *   TCP accepts it; with `tls`, a `tls.TLSSocket` wraps it and
 *   `handshake()` resolves when its handshake completes. A handshake that
 *   fails, or a connection that closes first, rejects `handshake()` and
 *   reaches `onClose`: never an uncaught exception.
 * - **Client certificates** are asked for unless `requestCertificate` is
 *   `false`, and never required by the handshake itself. `authorized` is
 *   true when the certificate chains to `ca`; otherwise `authorizationError`
 *   is OpenSSL's code (`"UNABLE_TO_VERIFY_LEAF_SIGNATURE"`,
 *   `"DEPTH_ZERO_SELF_SIGNED_CERT"`…), `"peer did not present a
 *   certificate"`, or, on a server given no `ca`, `"no ca configured: the
 *   certificate was not verified"`.
 * - **ALPN** (RFC 7301): the server picks the first of its `alpnProtocols`
 *   that the client offers. When both offer protocols and none is shared,
 *   the handshake fails on both sides (`no_application_protocol` alert:
 *   `connect` rejects with code `"ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL"`,
 *   `handshake()` with `"ERR_SSL_NO_APPLICATION_PROTOCOL"`); when either
 *   side offers none, `alpnProtocol` is `undefined`.
 * - **Connecting.** `verify` (default `true`) checks the server's chain
 *   against `ca` (else the runtime's root certificates) and its name with
 *   `tls.checkServerIdentity`: against `servername`, else the IP connected
 *   to (its IP SANs). SNI is sent only for a `servername` that is a host
 *   name (RFC 6066 §3). TLS 1.2 is the minimum unless `minVersion` says 1.3.
 * - **PEM** is checked by `listen` (with `node:crypto`, then
 *   `tls.createSecureContext`): a certificate or `ca` that does not parse,
 *   or a key that does not parse or does not belong to the certificate,
 *   rejects the listen on every runtime (Deno's `createSecureContext` alone
 *   would check nothing until a handshake).
 * - **Ownership.** `onData` gets a plain `Uint8Array` over the buffer the
 *   runtime allocated for that read, never reused; `write` copies `data`.
 * - **Backpressure.** `write` returns `socket.write()`'s result (`false`
 *   once 64 KiB wait to be sent, the sockets' high-water mark on all three
 *   runtimes) and `onDrain` follows its `drain` event. While paused, or
 *   before `start`, the socket reads until its own 64 KiB buffer is full;
 *   then TCP slows the peer.
 * - Every socket has `TCP_NODELAY` set (a RADIUS packet is small and waits
 *   for its answer) and closes when the peer half-closes
 *   (`allowHalfOpen: false`). `unref()` and `ref()` are the socket's.
 * - **Names.** `lookup()` is `getaddrinfo` through `node:dns`, as for
 *   `udp()`: a `Client` given a server by host name resolves it with it.
 * - Deno needs `--allow-net`, and `--allow-read` to read PEM files.
 *
 * @returns A transport named `"node:net"`.
 *
 * @example Usage
 * ```ts
 * import type { StreamConnection } from "@radkit/radius";
 * import { streams } from "@radkit/radius/adapters/node";
 * import assert from "node:assert/strict";
 *
 * const transport = streams();
 * const server = await transport.listen({ hostname: "::1", port: 0 }, (connection) => {
 *   connection.start({ onData: (data) => connection.write(data), onClose: () => {} });
 * });
 * assert.equal(server.local.family, "IPv6");
 * const client: StreamConnection = await transport.connect({ hostname: "::1", port: server.local.port });
 * const closed = Promise.withResolvers<Error | undefined>();
 * const echoed = Promise.withResolvers<Uint8Array>();
 * client.start({ onData: echoed.resolve, onClose: closed.resolve });
 * client.write(new TextEncoder().encode("ping"));
 * assert.equal(new TextDecoder().decode(await echoed.promise), "ping");
 * client.end();
 * assert.equal(await closed.promise, undefined); // an orderly close
 * await server.close();
 * await assert.rejects(transport.connect({ hostname: "127.0.0.1", port: server.local.port }), {
 *   code: "ECONNREFUSED",
 * });
 * ```
 */
export const streams: () => StreamTransport = (): StreamTransport => nodeStreams("node:net");

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

/**
 * Creates the TLS engine EAP-TLS, PEAP and EAP-TTLS run on: `node:tls`'s
 * `TLSSocket` over an in-memory stream, fed the TLS records that EAP
 * carries (RFC 5216 §2.1). Give it to the EAP server or client that needs
 * TLS. The keys come from `TLSSocket.exportKeyingMaterial`, which Node.js
 * and Bun have; where it is missing (Deno 2.9), sessions still complete
 * their handshake but key derivation throws a `TlsExporterUnavailableError`
 * that names what is missing. A client session given a `ca` verifies the
 * server's chain, and its name when given `serverName`; a server session
 * reports whether the peer's chain leads to its `ca` in `details()`.
 *
 * @returns The engine, named `"node:tls"`.
 *
 * @example Usage
 * ```ts
 * import { tlsEngine } from "@radkit/radius/adapters/node";
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
