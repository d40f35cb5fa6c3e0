// A transport for the client tests that wraps a MemoryTransport and records
// what the client asks of it: the bind options, each socket's ref()/unref()
// state, and name lookups (answered from a table). A bind can be made to fail.
import type {
  BindOptions,
  DatagramSocket,
  DatagramTransport,
  MessageHandler,
  ResolvedAddress,
} from "../../src/transport.ts";
import { MemoryTransport } from "../../src/testing/memory_transport.ts";

/** One socket the client bound, as the transport saw it. */
export interface RecordedSocket {
  readonly options: BindOptions;
  /** Whether the socket keeps the process alive: `ref()` since the last `unref()`. */
  referenced: boolean;
  /** Every ref()/unref() call, in order. */
  readonly calls: ("ref" | "unref")[];
  closed: boolean;
}

export interface RecordingOptions {
  /** Names and their addresses; a name left out fails with ENOTFOUND. Without it, no `lookup`. */
  hosts?: Record<string, readonly ResolvedAddress[]>;
  /** Decides whether a bind fails, and with what error. */
  failBind?: (options: BindOptions) => Error | undefined;
}

/** A MemoryTransport seen through a recorder. */
export class RecordingTransport implements DatagramTransport {
  readonly name = "recording";
  readonly network: MemoryTransport;
  readonly sockets: RecordedSocket[] = [];
  readonly binds: BindOptions[] = [];
  readonly lookups: string[] = [];
  readonly lookup?: (hostname: string) => Promise<readonly ResolvedAddress[]>;
  readonly #options: RecordingOptions;

  constructor(network: MemoryTransport = new MemoryTransport(), options: RecordingOptions = {}) {
    this.network = network;
    this.#options = options;
    const hosts = options.hosts;
    if (hosts !== undefined) {
      this.lookup = (hostname) => {
        this.lookups.push(hostname);
        const found = hosts[hostname];
        return found === undefined
          ? Promise.reject(
            Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" }),
          )
          : Promise.resolve(found);
      };
    }
  }

  async bind(options: BindOptions, onMessage: MessageHandler): Promise<DatagramSocket> {
    this.binds.push({ ...options });
    const failure = this.#options.failBind?.(options);
    if (failure !== undefined) throw failure;
    const inner = await this.network.bind(
      { hostname: options.hostname, port: options.port },
      onMessage,
    );
    const record: RecordedSocket = { options, referenced: true, calls: [], closed: false };
    this.sockets.push(record);
    const close = async () => {
      record.closed = true;
      await inner.close();
    };
    return {
      local: inner.local,
      send: (data, to) => inner.send(data, to),
      close,
      ref() {
        record.referenced = true;
        record.calls.push("ref");
      },
      unref() {
        record.referenced = false;
        record.calls.push("unref");
      },
      [Symbol.asyncDispose]: close,
    };
  }
}

/** An Error with a `code`, as the adapters reject with. */
export function codedError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}
