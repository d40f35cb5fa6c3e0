/**
 * The messages the primary process and its workers exchange over the
 * `node:child_process` IPC channel (JSON, one object per message; a socket
 * handle rides along with `"socket"` messages). Every message has a
 * `radkit` field naming its type, so a user's own IPC messages, if any, pass
 * by untouched.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import type { ListenOptions, ServerAddresses } from "../src/server.ts";
import type { ServerStats } from "../src/server/stats.ts";
import type { Address } from "../src/transport.ts";

/** The environment variable that makes `serveOnAllCores()` run as worker number N. */
export const WORKER_ENV = "RADKIT_WORKER";

/** How the workers share the ports: see `SocketSharing` in `./workers.ts`. */
export type Sharing = "reusePort" | "shared";

/** What a worker listens on: `ListenOptions` with the real ports and nothing that cannot travel. */
export type WorkerListen = Pick<
  ListenOptions,
  "hostname" | "auth" | "acct" | "coa" | "receiveBufferSize" | "sendBufferSize"
>;

/** A datagram passed between processes: while a worker retires, or read by the primary. */
export interface Relayed {
  /** The local port it arrived on. */
  readonly port: number;
  /** Its bytes, base64. */
  readonly data: string;
  /** Who sent it. */
  readonly from: Address;
}

/** Primary → worker. */
export type ToWorker =
  /** Serve: bind `listen` (reusePort) or adopt the sockets sent for `ports` (shared). */
  | { radkit: "start"; index: number; sharing: Sharing; listen: WorkerListen; ports: number[] }
  /** A bound socket for `port` comes with this message (shared). */
  | { radkit: "socket"; port: number }
  /** Send a stats snapshot back with this `id`. */
  | { radkit: "stats"; id: number }
  /** Send every socket back (shared), then `"lent"`. */
  | { radkit: "lend"; id: number }
  /** Handle this datagram as if this worker's socket had read it. */
  | ({ radkit: "datagram" } & Relayed)
  /** Stop serving: pass on what the sockets still read, finish, report, exit. */
  | { radkit: "retire" }
  /** Stop serving: finish, report, exit. */
  | { radkit: "stop" };

/** Worker → primary. */
export type FromWorker =
  /** Its IPC listener is in place: it can be sent "socket" and "start". */
  | { radkit: "ready" }
  | { radkit: "listening"; addresses: ServerAddresses }
  | { radkit: "failed"; message: string }
  | { radkit: "stats"; id: number | undefined; stats: ServerStats }
  /** A socket lent back (the handle comes with the message). */
  | { radkit: "socket"; port: number; id: number }
  | { radkit: "lent"; id: number }
  | ({ radkit: "datagram" } & Relayed)
  | { radkit: "stopped"; stats: ServerStats };

/**
 * Whether an IPC message is one of radkit's.
 *
 * @param message Anything that came over the channel.
 * @returns `true` for an object with a string `radkit` field.
 */
export function isRadkitMessage(message: unknown): message is { radkit: string } {
  return typeof message === "object" && message !== null &&
    typeof (message as { radkit?: unknown }).radkit === "string";
}

/**
 * A datagram in a form JSON carries.
 *
 * @param port The local port it arrived on.
 * @param data Its bytes.
 * @param from Its sender.
 * @returns The message body.
 */
export function relayed(port: number, data: Uint8Array, from: Address): Relayed {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return { port, data: bytes.toString("base64"), from };
}

/**
 * The bytes of a relayed datagram.
 *
 * @param message What {@linkcode relayed} made.
 * @returns A fresh array the receiver owns.
 */
export function relayedBytes(message: Relayed): Uint8Array {
  const bytes = Buffer.from(message.data, "base64");
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
