/**
 * UDP for whichever runtime runs this code: `@radkit/radius/adapters/deno` on
 * Deno, `/bun` on Bun, `/node` everywhere else, so one program runs on all
 * three without a selector of its own. Read the adapter of each runtime for
 * what it can do (buffer sizes, `reusePort`).
 *
 * - On Deno without `--unstable-net` (so without `Deno.listenDatagram`),
 *   `udp()` falls back to Deno's `node:dgram`, through the Node.js adapter.
 * - Importing this module reads no runtime global: the runtime is told only
 *   when `udp()` or `loadDictionary()` is called.
 *
 * @example Usage
 * ```ts
 * import { Client, Code, Dictionary, Server } from "@radkit/radius";
 * import { udp } from "@radkit/radius/adapters/auto";
 * import assert from "node:assert/strict";
 *
 * const server = new Server({
 *   transport: udp(),
 *   dictionary: Dictionary.default(),
 *   clients: [{ address: "127.0.0.1", secret: "s3cret" }],
 *   handleAccessRequest: (request) => request.reply(Code.AccessAccept),
 * });
 * const { auth } = await server.listen({ hostname: "127.0.0.1", auth: 0 });
 * const client = new Client({
 *   transport: udp(),
 *   server: "127.0.0.1",
 *   ports: { auth: auth!.port },
 *   secret: "s3cret",
 * });
 * assert.equal((await client.accessRequest({ "User-Name": "bob" })).code, Code.AccessAccept);
 * await client.close();
 * await server.close();
 * ```
 *
 * @module
 */
import type { DatagramTransport } from "../src/transport.ts";
import type { Dictionary } from "../src/dictionary/dictionary.ts";
import type { AnyAttributes } from "../src/attribute_map.ts";
import { loadDictionary as bunLoad, udp as bunUdp } from "./bun.ts";
import { loadDictionary as denoLoad, udp as denoUdp } from "./deno.ts";
import { loadDictionary as nodeLoad, streams as nodeStreams, udp as nodeUdp } from "./node.ts";
import type { StreamTransport } from "../src/stream_transport.ts";
import type { TlsEngine } from "../src/eap/tls/tls_engine.ts";
import { nodeTlsEngine } from "./_tls_engine_node.ts";

/** Which adapter fits the runtime running this code. */
function runtime(): "deno" | "deno-node" | "bun" | "node" {
  const deno = (globalThis as { Deno?: { listenDatagram?: unknown } }).Deno;
  if (deno !== undefined) return typeof deno.listenDatagram === "function" ? "deno" : "deno-node";
  return "Bun" in globalThis ? "bun" : "node";
}

/**
 * Creates a UDP transport on this runtime's API: `Deno.listenDatagram`,
 * `Bun.udpSocket` or `node:dgram`.
 *
 * @returns The transport of `@radkit/radius/adapters/deno`, `/bun` or
 * `/node`, whichever fits the runtime; its `name` tells which.
 *
 * @example Usage
 * ```ts
 * import { udp } from "@radkit/radius/adapters/auto";
 * import assert from "node:assert/strict";
 *
 * const transport = udp();
 * assert.ok(["deno", "bun", "node:dgram"].includes(transport.name));
 * await using socket = await transport.bind({ hostname: "127.0.0.1", port: 0 }, () => {});
 * assert.ok(socket.local.port > 0);
 * ```
 */
export const udp: () => DatagramTransport = (): DatagramTransport => {
  switch (runtime()) {
    case "deno":
      return denoUdp();
    case "bun":
      return bunUdp();
    default:
      return nodeUdp();
  }
};

/**
 * Creates a TCP (RFC 6613) and TLS (RFC 6614) transport for this runtime.
 * Node.js, Bun and Deno all run it on their `node:net` and `node:tls` (the
 * one API of the three that asks for and reads client certificates
 * everywhere), so every adapter returns the same transport.
 *
 * @returns The transport of `@radkit/radius/adapters/node`, named `"node:net"`.
 *
 * @example Usage
 * ```ts
 * import { streams } from "@radkit/radius/adapters/auto";
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
 * client.write(new Uint8Array([4, 5, 6]));
 * assert.deepEqual(await echoed.promise, new Uint8Array([4, 5, 6]));
 * client.destroy();
 * await server.close();
 * ```
 */
export const streams: () => StreamTransport = (): StreamTransport => nodeStreams();

/**
 * Loads a FreeRADIUS dictionary file with this runtime's file API,
 * following its `$INCLUDE`s relative to each including file (Deno needs
 * `--allow-read`).
 *
 * @param path The dictionary file, e.g. `/usr/share/freeradius/dictionary`.
 * @param base A dictionary to read the file on top of, e.g. `Dictionary.default()`
 *   to add vendor files to radkit's bundled RFC dictionaries; empty by default.
 * @returns The loaded dictionary.
 * @throws {DictionaryError} naming the file and line of the first problem.
 *
 * @example Usage
 * ```ts
 * import { Dictionary } from "@radkit/radius";
 * import { loadDictionary } from "@radkit/radius/adapters/auto";
 * import { mkdtemp, writeFile } from "node:fs/promises";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * import assert from "node:assert/strict";
 *
 * const dir = await mkdtemp(join(tmpdir(), "dictionary-"));
 * await writeFile(join(dir, "dictionary.acme"), "VENDOR Acme 99999\nBEGIN-VENDOR Acme\nATTRIBUTE Acme-Level 1 integer\nEND-VENDOR Acme\n");
 * const dictionary = await loadDictionary(join(dir, "dictionary.acme"), Dictionary.default());
 * assert.equal(dictionary.attribute("Acme-Level")?.oid, "26.99999.1");
 * ```
 */
export function loadDictionary<A extends object = AnyAttributes>(
  path: string,
  base?: Dictionary<object>,
): Promise<Dictionary<A>> {
  switch (runtime()) {
    case "deno":
    case "deno-node":
      return denoLoad<A>(path, base);
    case "bun":
      return bunLoad<A>(path, base);
    default:
      return nodeLoad<A>(path, base);
  }
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
 * import { tlsEngine } from "@radkit/radius/adapters/auto";
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
