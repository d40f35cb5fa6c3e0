// A radkit Server answering EAP with an EapServer, and a Client, over one
// MemoryTransport.
import { Client } from "../../src/client.ts";
import { Code } from "../../src/codec/code.ts";
import { Dictionary } from "../../src/dictionary/dictionary.ts";
import { ntPasswordHash } from "../../src/mschap/nt_password_hash.ts";
import type { PasswordCredential } from "../../src/mschap/credential.ts";
import { type RequestHandler, Server } from "../../src/server.ts";
import { EapServer, type EapServerOptions } from "../../src/eap/server/eap_server.ts";
import { MemoryTransport } from "../../src/testing/memory_transport.ts";
import type { DatagramTransport } from "../../src/transport.ts";
import { udp } from "../_udp.ts";

export const secret = "s3cret";
export const dictionary = Dictionary.default();

/** bob knows "hello" in clear; carol has only an NT hash of "s3cret pass". */
export const users: ReadonlyMap<string, PasswordCredential> = new Map<string, PasswordCredential>([
  ["bob", { password: "hello" }],
  ["carol", { ntHash: ntPasswordHash("s3cret pass") }],
]);

export interface Rig {
  eap: EapServer;
  /** The server's authentication port. */
  port: number;
  server: Server;
  client: Client;
  close(): Promise<void>;
}

/**
 * Runs `run` against a rig on this runtime's UDP (for peers in other
 * processes: eapol_test), then closes it.
 */
export async function withUdpRig(
  options: Partial<EapServerOptions>,
  run: (port: number, eap: EapServer) => Promise<void>,
  handler?: (eap: EapServer) => RequestHandler,
): Promise<void> {
  const r = await rig(options, "udp", handler);
  try {
    await run(r.port, r.eap);
  } finally {
    await r.close();
  }
}

/** Over MemoryTransport, or over this runtime's UDP on 127.0.0.1. */
export type Carrier = "memory" | "udp";

export async function rig(
  options: Partial<EapServerOptions> = {},
  carrier: Carrier = "memory",
  handler?: (eap: EapServer) => RequestHandler,
): Promise<Rig> {
  const eap = new EapServer({ credentials: (identity) => users.get(identity), ...options });
  const network: DatagramTransport = carrier === "memory" ? new MemoryTransport() : udp();
  const server = new Server({
    transport: network,
    dictionary,
    clients: [{ address: "127.0.0.1", secret }],
    handleAccessRequest: handler?.(eap) ??
      (async (request) => await eap.handle(request) ?? request.reply(Code.AccessReject)),
  });
  const { auth } = await server.listen({
    hostname: "127.0.0.1",
    auth: carrier === "memory" ? 1812 : 0,
  });
  const client = new Client({
    transport: carrier === "memory" ? network : udp(),
    server: "127.0.0.1",
    ports: { auth: auth!.port },
    secret,
    timeout: 200,
    retries: 0,
  });
  return {
    eap,
    port: auth!.port,
    server,
    client,
    async close() {
      await client.close();
      await server.close();
    },
  };
}
