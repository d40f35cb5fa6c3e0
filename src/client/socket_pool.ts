/**
 * The client's sockets and their Identifiers, per address family. Each
 * socket gives 256 Identifiers (RFC 2865 §3: a reply matches its request by
 * source address, port and Identifier); more sockets open as requests need
 * them, up to a limit, and beyond it a request waits for a freed Identifier.
 *
 * @module
 */
import type { Address, AddressFamily, DatagramSocket, DatagramTransport } from "../transport.ts";
import { ClientClosedError } from "./errors.ts";
import { IdAllocator } from "./id_allocator.ts";

/** One socket, its Identifiers, and what each Identifier in use is for. */
export interface Channel<T> {
  readonly socket: DatagramSocket;
  readonly family: AddressFamily;
  readonly ids: IdAllocator;
  /** By Identifier: the transmission waiting for a reply, if any. */
  readonly pending: (T | undefined)[];
}

/** One Identifier on one socket. */
export interface Slot<T> {
  readonly channel: Channel<T>;
  readonly id: number;
}

interface Waiter<T> {
  resolve(slot: Slot<T>): void;
  reject(error: unknown): void;
}

/** How a {@linkcode SocketPool} binds its sockets. */
export interface SocketPoolOptions {
  /** The transport to bind with. */
  readonly transport: DatagramTransport;
  /** The local address to bind, per family. */
  readonly local: Readonly<Record<AddressFamily, string>>;
  /** The most sockets per family. */
  readonly maxSockets: number;
}

/**
 * The sockets of one client, opened on demand.
 *
 * @example Usage
 * ```ts ignore
 * const pool = new SocketPool({ transport, local, maxSockets: 4 }, onMessage);
 * const slot = pool.tryAcquire("IPv4") ?? await pool.acquire("IPv4");
 * pool.release(slot.channel, slot.id);
 * await pool.close(new ClientClosedError());
 * ```
 */
export class SocketPool<T> {
  readonly #options: SocketPoolOptions;
  readonly #onMessage: (channel: Channel<T>, data: Uint8Array, from: Address) => void;
  readonly #channels: Record<AddressFamily, Channel<T>[]> = { IPv4: [], IPv6: [] };
  readonly #binding: Map<AddressFamily, Promise<void>> = new Map();
  readonly #waiters: Record<AddressFamily, Waiter<T>[]> = { IPv4: [], IPv6: [] };
  #closed = false;

  /**
   * Creates a pool with no socket open.
   *
   * @param options The transport, local addresses and socket limit.
   * @param onMessage Receives every datagram, with the channel it arrived on.
   */
  constructor(
    options: SocketPoolOptions,
    onMessage: (channel: Channel<T>, data: Uint8Array, from: Address) => void,
  ) {
    this.#options = options;
    this.#onMessage = onMessage;
  }

  /** How many sockets are open. */
  get size(): number {
    return this.#channels.IPv4.length + this.#channels.IPv6.length;
  }

  /**
   * A free Identifier on an open socket, at once.
   *
   * @param family The family of the server it is for.
   * @returns The slot, or `undefined` when every open socket's 256 are in use.
   */
  tryAcquire(family: AddressFamily): Slot<T> | undefined {
    for (const channel of this.#channels[family]) {
      const id = channel.ids.acquire();
      if (id !== undefined) return { channel, id };
    }
    return undefined;
  }

  /**
   * A free Identifier: on an open socket, a new socket, or once one is freed.
   *
   * @param family The family of the server it is for.
   * @returns The slot.
   * @throws {ClientClosedError} when the pool is or gets closed.
   */
  async acquire(family: AddressFamily): Promise<Slot<T>> {
    for (;;) {
      if (this.#closed) throw new ClientClosedError();
      const slot = this.tryAcquire(family);
      if (slot !== undefined) return slot;
      const binding = this.#binding.get(family);
      if (binding !== undefined) {
        await binding;
        continue;
      }
      if (this.#channels[family].length < this.#options.maxSockets) {
        const bound = this.#bind(family);
        this.#binding.set(family, bound);
        try {
          await bound;
        } finally {
          this.#binding.delete(family);
        }
        continue;
      }
      return await new Promise<Slot<T>>((resolve, reject) => {
        this.#waiters[family].push({ resolve, reject });
      });
    }
  }

  /**
   * Frees an Identifier, handing it straight to a request that waits for one.
   *
   * @param channel The socket it belongs to.
   * @param id The Identifier.
   */
  release(channel: Channel<T>, id: number): void {
    channel.pending[id] = undefined;
    channel.ids.release(id);
    const waiter = this.#waiters[channel.family].shift();
    if (waiter !== undefined) waiter.resolve({ channel, id: channel.ids.acquire()! });
  }

  /**
   * Closes every socket; requests waiting for an Identifier reject.
   *
   * @param error What waiting requests reject with.
   * @returns A Promise that resolves once every socket is closed.
   */
  async close(error: unknown): Promise<void> {
    this.#closed = true;
    for (const family of ["IPv4", "IPv6"] as const) {
      for (const waiter of this.#waiters[family].splice(0)) waiter.reject(error);
    }
    await Promise.allSettled(this.#binding.values());
    const channels = [...this.#channels.IPv4, ...this.#channels.IPv6];
    this.#channels.IPv4 = [];
    this.#channels.IPv6 = [];
    await Promise.allSettled(channels.map((channel) => channel.socket.close()));
  }

  async #bind(family: AddressFamily): Promise<void> {
    // The handler runs only after bind resolves, once `bound.channel` is set.
    const bound: { channel?: Channel<T> } = {};
    const socket = await this.#options.transport.bind(
      { hostname: this.#options.local[family], port: 0 },
      (data, from) => {
        if (bound.channel !== undefined) this.#onMessage(bound.channel, data, from);
      },
    );
    if (this.#closed) {
      await socket.close();
      throw new ClientClosedError();
    }
    const channel: Channel<T> = {
      socket,
      family,
      ids: new IdAllocator(),
      pending: new Array(256),
    };
    bound.channel = channel;
    this.#channels[family].push(channel);
  }
}
