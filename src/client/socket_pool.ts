/**
 * The client's sockets and their Identifiers, per address family. Each
 * socket gives 256 Identifiers (RFC 2865 §3: a reply matches its request by
 * source address, port and Identifier); more sockets open as requests need
 * them, up to a limit, and beyond it a request waits for a freed Identifier.
 * A socket with no request waiting on it is unref'ed, so that it does not
 * keep the process alive (a script that forgets `close()` still ends).
 *
 * @module
 */
import type { Logger } from "../logger.ts";
import type {
  Address,
  AddressFamily,
  BindOptions,
  DatagramSocket,
  DatagramTransport,
} from "../transport.ts";
import { ClientClosedError } from "./errors.ts";
import { IdAllocator } from "./id_allocator.ts";

/** One socket, its Identifiers, and what each Identifier in use is for. */
export interface Channel<T> {
  readonly socket: DatagramSocket;
  readonly family: AddressFamily;
  readonly ids: IdAllocator;
  /** By Identifier: the transmission waiting for a reply, if any. */
  readonly pending: (T | undefined)[];
  /** By Identifier: 1 while it keeps the process alive (a request, not a probe). */
  readonly holds: Uint8Array;
  /** How many Identifiers keep the process alive: the socket is ref'ed while > 0. */
  held: number;
}

/** One Identifier on one socket. */
export interface Slot<T> {
  readonly channel: Channel<T>;
  readonly id: number;
}

interface Waiter<T> {
  readonly hold: boolean;
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
  /** `SO_RCVBUF` as the user gave it, or `undefined` for {@linkcode SocketPoolOptions.defaultReceiveBufferSize}. */
  readonly receiveBufferSize: number | undefined;
  /** `SO_RCVBUF` to ask for when the user gave none. */
  readonly defaultReceiveBufferSize: number;
  /** `SO_SNDBUF` as the user gave it, if at all. */
  readonly sendBufferSize: number | undefined;
  /** Where a fallback to the system's buffer size is noted. */
  readonly logger: Logger;
}

/**
 * The sockets of one client, opened on demand.
 *
 * @example Usage
 * ```ts ignore
 * const pool = new SocketPool({ transport, local, maxSockets: 4, ... }, onMessage);
 * const slot = pool.tryAcquire("IPv4", true) ?? await pool.acquire("IPv4", true);
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
  /** Set once the transport refused the default buffer size: later binds ask for none. */
  #noDefaultBuffer = false;

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
  tryAcquire(family: AddressFamily, hold: boolean): Slot<T> | undefined {
    for (const channel of this.#channels[family]) {
      const id = channel.ids.acquire();
      if (id !== undefined) {
        if (hold) this.#hold(channel, id);
        return { channel, id };
      }
    }
    return undefined;
  }

  /**
   * A free Identifier: on an open socket, a new socket, or once one is freed.
   *
   * @param family The family of the server it is for.
   * @param hold Whether the socket keeps the process alive while the slot is held.
   * @returns The slot.
   * @throws {ClientClosedError} when the pool is or gets closed.
   */
  async acquire(family: AddressFamily, hold: boolean): Promise<Slot<T>> {
    for (;;) {
      if (this.#closed) throw new ClientClosedError();
      const slot = this.tryAcquire(family, hold);
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
        this.#waiters[family].push({ hold, resolve, reject });
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
    if (waiter !== undefined) {
      const next = channel.ids.acquire()!;
      if (waiter.hold) this.#hold(channel, next);
      waiter.resolve({ channel, id: next });
    }
    if (channel.holds[id] === 1) {
      channel.holds[id] = 0;
      if (--channel.held === 0) channel.socket.unref?.();
    }
  }

  #hold(channel: Channel<T>, id: number): void {
    channel.holds[id] = 1;
    if (channel.held++ === 0) channel.socket.ref?.();
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
    const onMessage = (data: Uint8Array, from: Address) => {
      if (bound.channel !== undefined) this.#onMessage(bound.channel, data, from);
    };
    const options = this.#options;
    const explicit: BindOptions = { hostname: options.local[family], port: 0 };
    if (options.receiveBufferSize !== undefined) {
      explicit.receiveBufferSize = options.receiveBufferSize;
    }
    if (options.sendBufferSize !== undefined) explicit.sendBufferSize = options.sendBufferSize;
    const defaulted = options.receiveBufferSize === undefined && !this.#noDefaultBuffer;
    let socket: DatagramSocket;
    try {
      socket = await options.transport.bind(
        defaulted ? { ...explicit, receiveBufferSize: options.defaultReceiveBufferSize } : explicit,
        onMessage,
      );
    } catch (error) {
      // A size the user did not ask for must not make the client unusable
      // on a transport that cannot set one: bind with the system's buffer.
      if (!defaulted || (error as { code?: unknown })?.code !== "ENOTSUP") throw error;
      this.#noDefaultBuffer = true;
      options.logger.debug(
        "the transport cannot set the socket receive buffer: using the system default",
        {
          transport: options.transport.name,
          error: (error as Error).message,
        },
      );
      socket = await options.transport.bind(explicit, onMessage);
    }
    if (this.#closed) {
      await socket.close();
      throw new ClientClosedError();
    }
    // Idle until a request holds one of its Identifiers.
    socket.unref?.();
    const channel: Channel<T> = {
      socket,
      family,
      ids: new IdAllocator(),
      pending: new Array(256),
      holds: new Uint8Array(256),
      held: 0,
    };
    bound.channel = channel;
    this.#channels[family].push(channel);
  }
}
