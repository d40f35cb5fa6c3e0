// A small fake RADIUS server for the client tests: binds one address on a
// transport, verifies nothing, decodes each request and answers with what the
// handler returns. It records every request it saw (id, authenticator, code,
// attributes) so that tests can assert on what the client sent.
import type { DatagramSocket, DatagramTransport } from "../../src/transport.ts";
import { Packet } from "../../src/packet.ts";
import { Dictionary } from "../../src/dictionary/dictionary.ts";

export const SECRET = "testing123";
export const dictionary: Dictionary = Dictionary.default();

/** What the responder saw of one request datagram. */
export interface Seen {
  readonly packet: Packet;
  readonly bytes: Uint8Array;
  readonly from: { hostname: string; port: number };
}

/** The handler's answer: a reply packet, raw bytes to send, or nothing. */
export type Answer = Packet | Uint8Array | undefined;

export interface Responder {
  readonly socket: DatagramSocket;
  readonly seen: Seen[];
  close(): Promise<void>;
}

/** Binds `hostname:port` and answers requests with `handler`. */
export async function responder(
  transport: DatagramTransport,
  hostname: string,
  port: number,
  handler: (request: Packet, seen: Seen) => Answer | Answer[],
  secret: string = SECRET,
): Promise<Responder> {
  const seen: Seen[] = [];
  const socket: DatagramSocket = await transport.bind({ hostname, port }, (bytes, from) => {
    const packet = Packet.decode(bytes, { dictionary, secret });
    const entry = { packet, bytes, from };
    seen.push(entry);
    const answer = handler(packet, entry);
    for (const one of Array.isArray(answer) ? answer : [answer]) {
      if (one === undefined) continue;
      const bytes = one instanceof Uint8Array ? one : one.encode(secret);
      Promise.resolve(socket.send(bytes, from)).catch(() => {});
    }
  });
  return { socket, seen, close: () => socket.close() };
}

/** Waits (polling) until `condition` holds; fails after `patience` ms instead of hanging. */
export async function until(
  condition: () => boolean,
  what: string,
  patience = 10000,
): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > patience) throw new Error(`Gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
