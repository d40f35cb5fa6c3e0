/**
 * UDP for Deno, on `Deno.listenDatagram`. That API is unstable in Deno 2: run
 * with `--unstable-net`, or add `"unstable": ["net"]` to `deno.json`, and grant
 * `--allow-net`.
 *
 * - Ownership: four receives wait at once, each filling its own 128 KiB
 *   block datagram after datagram, and datagrams are handed over in place,
 *   never overwritten, so the handler owns each `data`; a `data` kept alive
 *   keeps its block alive (`data.buffer` is the block: use `data.slice()` to
 *   keep a datagram on its own for long). Datagrams that arrive together may
 *   be handed over in a different order (UDP promises no order either).
 * - Zero-length datagrams are sent and received.
 * - `reusePort` is not supported: `Deno.listenDatagram` cannot set
 *   `SO_REUSEPORT` (its `reuseAddress` sets `SO_REUSEADDR`, where the newest
 *   socket takes all traffic), so such a bind rejects with an Error.
 * - `close()` cancels the pending receive and resolves when the receive loop
 *   has ended, so `deno test` finds no leaked resource or op.
 *
 * @example Usage
 * ```ts
 * import { udp } from "@radkit/radius/adapters/deno";
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
import { Dictionary } from "../src/dictionary/dictionary.ts";
import type {
  Address,
  BindOptions,
  DatagramSocket,
  DatagramTransport,
  MessageHandler,
} from "../src/transport.ts";

/** The parts of `Deno.NetAddr` used here. */
interface DenoAddrLike {
  transport: "udp";
  hostname: string;
  port: number;
}

/** The parts of `Deno.DatagramConn` used here. */
interface DatagramConnLike {
  readonly addr: DenoAddrLike;
  receive(buffer?: Uint8Array): Promise<[Uint8Array, DenoAddrLike]>;
  send(data: Uint8Array, to: DenoAddrLike): Promise<number>;
  close(): void;
}

/** The parts of the `Deno` namespace used here. */
interface DenoLike {
  listenDatagram?: (
    options: { transport: "udp"; hostname: string; port: number },
  ) => DatagramConnLike;
  readTextFile(path: string): Promise<string>;
}

/** Covers the largest UDP payload (65,527 bytes over IPv6), so nothing is truncated. */
/** Room for the largest UDP payload, so that no datagram is cut short. */
const MAX_DATAGRAM = 65536;
/**
 * Each pending receive fills its own block, datagram after datagram, and
 * hands them over in place: one allocation per block instead of a copy per
 * datagram (each typed array costs Deno a malloc).
 */
const RECEIVE_BLOCK_SIZE = 2 * MAX_DATAGRAM;
/**
 * Receives pending at once per socket. Measured with the radkit server
 * under load (bench/server_load.ts, 100 in flight): 4 took its CPU per
 * reply from 49 to 40 µs against 1 (median of 6 rounds).
 */
const RECEIVES_IN_FLIGHT = 4;

/**
 * Creates a UDP transport on `Deno.listenDatagram`.
 *
 * @returns A transport whose sockets are Deno datagram connections.
 * @throws {Error} When not running on Deno, or when Deno runs without
 * `--unstable-net`.
 *
 * @example Usage
 * ```ts
 * import { udp } from "@radkit/radius/adapters/deno";
 * import assert from "node:assert/strict";
 *
 * const socket = await udp().bind({ hostname: "::1", port: 0 }, () => {});
 * assert.equal(socket.local.family, "IPv6");
 * assert.ok(socket.local.port > 0);
 * await socket.close();
 * ```
 */
export const udp: () => DatagramTransport = (): DatagramTransport => {
  const deno = (globalThis as { Deno?: DenoLike }).Deno;
  if (deno === undefined) {
    throw new Error(
      "The Deno adapter needs Deno: use @radkit/radius/adapters/bun or @radkit/radius/adapters/node",
    );
  }
  if (typeof deno.listenDatagram !== "function") {
    throw new Error(
      'Deno.listenDatagram is unavailable: run with --unstable-net, or add "unstable": ["net"] to deno.json',
    );
  }
  const listen = deno.listenDatagram.bind(deno);
  return {
    name: "deno",
    bind(options, onMessage): Promise<DatagramSocket> {
      try {
        return Promise.resolve(open(listen, options, onMessage));
      } catch (error) {
        return Promise.reject(error);
      }
    },
  };
};

function open(
  listen: NonNullable<DenoLike["listenDatagram"]>,
  options: BindOptions,
  onMessage: MessageHandler,
): DatagramSocket {
  const { hostname, port, onError } = options;
  if (options.reusePort === true) {
    throw new Error(
      `Cannot bind ${hostname}:${port} with reusePort: Deno.listenDatagram cannot set SO_REUSEPORT`,
    );
  }
  const conn = listen({ transport: "udp", hostname, port });
  const local = toAddress(conn.addr);
  const report = (error: unknown): void => {
    try {
      onError?.(error instanceof Error ? error : new Error(String(error)));
    } catch {
      // The contract ignores exceptions from onError.
    }
  };
  let closed = false;
  // Several receives wait at once, each with its own block, so that one
  // turn of the event loop can hand over several datagrams.
  const receiver = async (): Promise<void> => {
    let block = new Uint8Array(RECEIVE_BLOCK_SIZE);
    let used = 0;
    while (!closed) {
      if (block.length - used < MAX_DATAGRAM) {
        block = new Uint8Array(RECEIVE_BLOCK_SIZE);
        used = 0;
      }
      let received: [Uint8Array, DenoAddrLike];
      try {
        received = await conn.receive(block.subarray(used));
      } catch (error) {
        if (closed) return;
        report(error);
        // The connection is gone (closed behind our back): stop rather than spin.
        const name = (error as { name?: unknown }).name;
        if (name === "BadResource" || name === "Interrupted") return;
        continue;
      }
      if (closed) return;
      try {
        // Handed over as received: the next datagram goes after it in the block.
        const data = received[0];
        used += data.length;
        onMessage(data, toAddress(received[1]));
      } catch (error) {
        report(error);
      }
    }
  };
  const receivers: Promise<void>[] = [];
  for (let i = 0; i < RECEIVES_IN_FLIGHT; i++) receivers.push(receiver());
  const loop = Promise.all(receivers).then(() => {});
  return {
    local,
    send(data, to): Promise<void> {
      if (closed) {
        return Promise.reject(new Error(`Cannot send on a closed socket (${format(local)})`));
      }
      // The op's own promise (it resolves to the byte count, which no one
      // reads): no async wrapper, one promise and one microtask less per send.
      const sent: Promise<unknown> = conn.send(data, {
        transport: "udp",
        hostname: to.hostname,
        port: to.port,
      });
      return sent as Promise<void>;
    },
    close(): Promise<void> {
      if (!closed) {
        closed = true;
        try {
          conn.close();
        } catch {
          // Already closed: the receive loop has ended or is ending.
        }
      }
      return loop;
    },
  };
}

function toAddress(addr: DenoAddrLike): Address {
  const family = addr.hostname.includes(":") ? "IPv6" : "IPv4";
  return { hostname: addr.hostname, port: addr.port, family };
}

function format(address: Address): string {
  return address.family === "IPv6"
    ? `[${address.hostname}]:${address.port}`
    : `${address.hostname}:${address.port}`;
}

/**
 * Loads a FreeRADIUS dictionary file with `Deno.readTextFile`, following its
 * `$INCLUDE`s relative to each including file (needs `--allow-read`).
 *
 * @param path The dictionary file, e.g. `/usr/share/freeradius/dictionary`.
 * @param base A dictionary to read the file on top of, e.g. `Dictionary.default()`
 *   to add vendor files to radkit's bundled RFC dictionaries; empty by default.
 * @returns The loaded dictionary.
 * @throws {DictionaryError} naming the file and line of the first problem.
 *
 * @example Usage
 * ```ts ignore
 * import { loadDictionary } from "@radkit/radius/adapters/deno";
 *
 * const dictionary = await loadDictionary("/usr/share/freeradius/dictionary");
 * console.log(dictionary.attribute("Cisco-AVPair")?.oid); // "26.9.1"
 * ```
 */
export function loadDictionary(path: string, base?: Dictionary): Promise<Dictionary> {
  const deno = (globalThis as { Deno?: DenoLike }).Deno;
  if (deno === undefined) {
    throw new Error("adapters/deno.ts runs on Deno; import the adapter of your runtime");
  }
  const read = (file: string): Promise<string> => deno.readTextFile(file);
  return base === undefined ? Dictionary.load(path, read) : base.extendFile(path, read);
}
