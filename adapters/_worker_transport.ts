/**
 * The transport a worker's Server binds with (`WorkerContext.transport` in
 * `./workers.ts`): it adopts the `node:dgram` sockets the primary passed over
 * IPC, one per port (shared by every worker, or this worker's own in a
 * `SO_REUSEPORT` group). It also takes datagrams relayed from another process
 * ({@linkcode WorkerTransport.inject}), and, once retiring, passes on what
 * its sockets still read instead of handling it
 * ({@linkcode WorkerTransport.retire}).
 *
 * @module
 */
import type { Socket } from "node:dgram";
import type {
  Address,
  BindOptions,
  DatagramSocket,
  DatagramTransport,
  MessageHandler,
} from "../src/transport.ts";
import { adoptDgram } from "./_dgram.ts";

/** A socket from the primary, and what it read before the Server bound it. */
interface Held {
  readonly socket: Socket;
  readonly early: [Uint8Array, Address][];
  readonly listener: (
    message: Uint8Array,
    peer: { address: string; port: number; family: string },
  ) => void;
}

/** How many datagrams wait for a port that is not bound yet; more are dropped. */
const EARLY_LIMIT = 4096;

/** See the module doc. */
export class WorkerTransport implements DatagramTransport {
  /** `"workers:node:dgram"`. */
  readonly name: string = "workers:node:dgram";
  /** How many binds the Server asked this transport for (failed ones too). */
  binds = 0;
  readonly #held = new Map<number, Held>();
  /** The Server's handler per local port, once bound. */
  readonly #handlers = new Map<number, MessageHandler>();
  /** Relayed datagrams for ports not bound yet. */
  readonly #waiting = new Map<number, [Uint8Array, Address][]>();
  #forward: ((port: number, data: Uint8Array, from: Address) => void) | undefined;

  /**
   * Keeps a socket the primary passed for `port` until the Server binds it;
   * what it reads meanwhile is queued.
   */
  hold(port: number, socket: Socket): void {
    const early: [Uint8Array, Address][] = [];
    const listener: Held["listener"] = (message, peer) => {
      if (early.length >= EARLY_LIMIT) return;
      const data = new Uint8Array(message.buffer, message.byteOffset, message.byteLength);
      const family = peer.family === "IPv6" ? "IPv6" : "IPv4";
      early.push([data, { hostname: peer.address, port: peer.port, family }]);
    };
    socket.on("message", listener);
    // Errors go to the adopting wrapper later; until then there is no one to tell.
    socket.on("error", () => {});
    this.#held.set(port, { socket, early, listener });
  }

  /** The sockets the primary passed, by port (to lend them back). */
  sockets(): ReadonlyMap<number, Socket> {
    return new Map([...this.#held].map(([port, held]) => [port, held.socket]));
  }

  async bind(options: BindOptions, onMessage: MessageHandler): Promise<DatagramSocket> {
    this.binds++;
    let port = options.port;
    const route: MessageHandler = (data, from) => {
      if (this.#forward !== undefined) this.#forward(port, data, from);
      else onMessage(data, from);
    };
    const held = this.#held.get(options.port);
    if (held === undefined) {
      throw new Error(
        `Cannot bind port ${options.port} in a worker: the primary passed sockets for ports ` +
          `${
            [...this.#held.keys()].join(", ") || "none"
          }; bind the ports serveOnAllCores() was given`,
      );
    }
    held.socket.off("message", held.listener);
    const socket = await adoptDgram(held.socket, options, route);
    for (const [data, from] of held.early.splice(0)) route(data, from);
    port = socket.local.port;
    this.#handlers.set(port, route);
    for (const [data, from] of this.#waiting.get(port)?.splice(0) ?? []) route(data, from);
    this.#waiting.delete(port);
    return socket;
  }

  /** Handles a datagram another process read on `port`, as if this worker's socket had. */
  inject(port: number, data: Uint8Array, from: Address): void {
    const handler = this.#handlers.get(port);
    if (handler !== undefined) return handler(data, from);
    const waiting = this.#waiting.get(port) ?? [];
    if (waiting.length < EARLY_LIMIT) waiting.push([data, from]);
    this.#waiting.set(port, waiting);
  }

  /** From now on, what the sockets read goes to `forward` instead of the Server. */
  retire(forward: (port: number, data: Uint8Array, from: Address) => void): void {
    this.#forward = forward;
  }
}
