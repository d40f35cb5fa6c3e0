// What the client's stream tests share: the runtime's stream transport, the
// test PKI, and radkit Servers listening on TCP and TLS.
import { readFileSync } from "node:fs";
import type { AnyAttributes } from "../../src/attribute_map.ts";
import { Code } from "../../src/codec/code.ts";
import { Dictionary } from "../../src/dictionary/dictionary.ts";
import type { NasEntry, RequestHandler, ServerOptions } from "../../src/server.ts";
import { Server } from "../../src/server.ts";
import type { StreamTransport } from "../../src/stream_transport.ts";
import type { Address } from "../../src/transport.ts";
import { streams as bunStreams } from "../../adapters/bun.ts";
import { streams as denoStreams } from "../../adapters/deno.ts";
import { streams as nodeStreams } from "../../adapters/node.ts";
import { runtime } from "../_udp.ts";

/** A fresh stream transport from the adapter of the runtime running the tests. */
export function streams(): StreamTransport {
  return runtime === "deno" ? denoStreams() : runtime === "bun" ? bunStreams() : nodeStreams();
}

const pki = new URL("../fixtures/tls/", import.meta.url);

/** A PEM file of tests/fixtures/tls. */
export function pem(name: string): Uint8Array {
  return readFileSync(new URL(name, pki));
}

/** The SHA-256 fingerprint of a fixture certificate, as openssl prints it. */
export function fingerprint(name: "server" | "nas1" | "rogue" | "selfsigned"): string {
  const line = readFileSync(new URL("fingerprints.txt", pki), "utf8").split("\n")
    .find((entry) => entry.startsWith(`${name} `));
  return line!.split(" ")[1]!;
}

/** A logger that says nothing. */
export const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** Handlers that answer every kind of request, and count what they saw by User-Name. */
export function answering(seen: Map<string, number> = new Map()): Partial<ServerOptions> {
  const count: RequestHandler = (request) => {
    const name = String(request.get("User-Name") ?? "");
    seen.set(name, (seen.get(name) ?? 0) + 1);
    return undefined;
  };
  return {
    handleAccessRequest: (request, context) => {
      count(request, context);
      return request.reply(
        request.get("User-Password") === "wrong" ? Code.AccessReject : Code.AccessAccept,
      );
    },
    handleAccountingRequest: (request, context) => {
      count(request, context);
      return request.reply(Code.AccountingResponse);
    },
    handleCoaRequest: (request, context) => {
      count(request, context);
      return request.reply(Code.CoAACK);
    },
    handleDisconnectRequest: (request, context) => {
      count(request, context);
      return request.reply(Code.DisconnectACK);
    },
  };
}

/** A radkit Server on a TCP port of 127.0.0.1. */
export async function tcpServer(
  options: Partial<ServerOptions> = {},
  clients: NasEntry[] = [{ address: "127.0.0.1", secret: "s3cret" }],
): Promise<{ server: Server; tcp: Address }> {
  const server = new Server<AnyAttributes>({
    streams: streams(),
    dictionary: Dictionary.default(),
    clients,
    logger: quiet,
    ...answering(),
    ...options,
  });
  const { tcp } = await server.listen({ hostname: "127.0.0.1", tcp: { port: 0 } });
  return { server, tcp: tcp! };
}

/** A radkit Server on a TLS port of 127.0.0.1 with server.pem, asking for NAS certificates of ca.pem. */
export async function tlsServer(
  options: Partial<ServerOptions> = {},
  clients: NasEntry[] = [{ address: "127.0.0.1" }],
): Promise<{ server: Server; tls: Address }> {
  const server = new Server<AnyAttributes>({
    streams: streams(),
    dictionary: Dictionary.default(),
    clients,
    logger: quiet,
    ...answering(),
    ...options,
  });
  const { tls } = await server.listen({
    hostname: "127.0.0.1",
    tls: { port: 0, cert: pem("server.pem"), key: pem("server.key"), ca: pem("ca.pem") },
  });
  return { server, tls: tls! };
}

/** The client's TLS settings of nas1, trusting ca.pem. */
export function nasTls(): { ca: Uint8Array; cert: Uint8Array; key: Uint8Array } {
  return { ca: pem("ca.pem"), cert: pem("nas1.pem"), key: pem("nas1.key") };
}
