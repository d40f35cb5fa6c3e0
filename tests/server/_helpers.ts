// Shared plumbing of the server tests: a NAS-side peer socket on any
// transport, waiting for counters without timing assertions, a logger that
// records, and hand-made datagrams (Access-Requests without
// Message-Authenticator, which Packet.encode never produces).
import type { DatagramSocket, DatagramTransport } from "../../src/transport.ts";
import type { Logger } from "../../src/server.ts";
import type { Server, ServerStats } from "../../src/server.ts";
import { Dictionary } from "../../src/dictionary/dictionary.ts";

export const dictionary: Dictionary = Dictionary.default();
export const SECRET = "testing123";
export const SECRET_BYTES: Uint8Array = new TextEncoder().encode(SECRET);

/** How long to wait before failing instead of hanging; never a timing assertion. */
const PATIENCE_MS = 5000;

/** A NAS: one socket that sends requests and collects the replies. */
export class Peer {
  readonly socket: DatagramSocket;
  readonly replies: Uint8Array[] = [];
  #waiters: (() => void)[] = [];

  constructor(socket: DatagramSocket) {
    this.socket = socket;
  }

  static async open(transport: DatagramTransport, hostname = "127.0.0.1"): Promise<Peer> {
    const early: Uint8Array[] = [];
    const box: { peer?: Peer } = {};
    const socket = await transport.bind({ hostname, port: 0 }, (data) => {
      if (box.peer === undefined) early.push(data);
      else box.peer.receive(data);
    });
    const peer = new Peer(socket);
    box.peer = peer;
    for (const data of early) peer.receive(data);
    return peer;
  }

  receive(data: Uint8Array): void {
    this.replies.push(data);
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  async send(
    data: Uint8Array,
    to: { readonly hostname: string; readonly port: number } | undefined,
  ): Promise<void> {
    if (to === undefined) throw new Error("the server has no such port");
    await this.socket.send(data, to);
  }

  /** Waits until `count` replies have arrived in all, and returns the last. */
  async reply(count = this.replies.length + 1): Promise<Uint8Array> {
    const deadline = Date.now() + PATIENCE_MS;
    while (this.replies.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no reply #${count} within ${PATIENCE_MS} ms`);
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        timer = setTimeout(resolve, left);
      });
      clearTimeout(timer);
    }
    return this.replies[count - 1]!;
  }

  close(): Promise<void> {
    return this.socket.close();
  }
}

/** Waits until `predicate(server.stats())` holds (polling), or throws with the stats. */
export async function until(
  server: Server,
  predicate: (stats: ServerStats) => boolean,
  what = "the expected counters",
  patience = PATIENCE_MS,
): Promise<ServerStats> {
  const deadline = Date.now() + patience;
  for (;;) {
    const stats = server.stats();
    if (predicate(stats)) return stats;
    if (Date.now() > deadline) {
      throw new Error(`gave up waiting for ${what}: ${JSON.stringify(stats)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Waits until every received datagram has an outcome. */
export function quiet(server: Server, received: number): Promise<ServerStats> {
  return until(
    server,
    (s) => s.received >= received && s.inFlight === 0,
    `${received} datagrams handled`,
  );
}

/** A Logger that keeps every line, for assertions on what is (not) logged. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const record = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push(`${level} ${message} ${stringify(fields)}`);
  };
  return {
    lines,
    debug: record("debug"),
    info: record("info"),
    warn: record("warn"),
    error: record("error"),
  };
}

function stringify(fields: Record<string, unknown> | undefined): string {
  if (fields === undefined) return "";
  return JSON.stringify(fields, (_key, value) => {
    if (value instanceof Error) return { name: value.name, message: value.message };
    if (value instanceof Uint8Array) return `<${value.length} bytes>`;
    return value;
  });
}

/**
 * An encoded Access-Request with its Message-Authenticator (the first
 * attribute, as Packet.encode puts it) cut out. Nothing else covers it, so
 * the rest stays valid: this is what a NAS without Message-Authenticator sends.
 */
export function withoutMessageAuthenticator(datagram: Uint8Array): Uint8Array {
  if (datagram[20] !== 80 || datagram[21] !== 18) {
    throw new Error("expected the Message-Authenticator first");
  }
  const out = new Uint8Array(datagram.length - 18);
  out.set(datagram.subarray(0, 20));
  out.set(datagram.subarray(38), 20);
  out[2] = out.length >> 8;
  out[3] = out.length & 0xff;
  return out;
}

/** Hex text of bytes. */
export function toHex(bytes: Uint8Array): string {
  let hex = "";
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

/** A promise with its resolver outside, to hold a handler until the test says so. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}
