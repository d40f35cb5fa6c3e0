/**
 * `node:dgram` sockets behind the datagram transport contract: the Node.js
 * adapter binds them, and the workers' shared-socket mode adopts sockets
 * bound by the primary process and passed over IPC. The behaviour is
 * documented in `./node.ts`.
 *
 * @module
 */
import { createSocket, type Socket } from "node:dgram";
import { lookup, type LookupOptions } from "node:dns";
import { isIP } from "node:net";
import { versions } from "node:process";
import { formatAddress } from "../src/address.ts";
import type {
  Address,
  BindOptions,
  BufferSizes,
  DatagramSocket,
  MessageHandler,
} from "../src/transport.ts";
import { bufferSizesUnsupported, requestedBufferSizes } from "./_buffer_sizes.ts";
import { KeepAlive } from "./_keep_alive.ts";
/** Whether this is the `node:dgram` of Deno, which fakes buffer sizes and unref (see ./node.ts). */
const onDeno = "Deno" in globalThis;

/**
 * Binds a `node:dgram` socket (the Node.js adapter's `bind`).
 *
 * @param options The bind options.
 * @param onMessage Called once per datagram.
 * @returns The bound socket.
 */
export function bindDgram(
  options: BindOptions,
  onMessage: MessageHandler,
): Promise<DatagramSocket> {
  return openDgram(options, onMessage, undefined);
}

/**
 * Wraps a `node:dgram` socket that is already bound (one received over IPC)
 * in the transport contract, as {@linkcode bindDgram} would have bound it:
 * messages go to `onMessage` from now on, and the buffer sizes asked for
 * are set. `close()` closes this process's handle only.
 *
 * @param socket The bound socket.
 * @param options Its address (for messages) and buffer sizes; `reusePort` is ignored.
 * @param onMessage Called once per datagram.
 * @returns The socket in the contract.
 */
export function adoptDgram(
  socket: Socket,
  options: BindOptions,
  onMessage: MessageHandler,
): Promise<DatagramSocket> {
  return openDgram({ ...options, reusePort: false }, onMessage, socket);
}

async function openDgram(
  options: BindOptions,
  onMessage: MessageHandler,
  adopted: Socket | undefined,
): Promise<DatagramSocket> {
  const { hostname, port, onError } = options;
  const reusePort = options.reusePort === true;
  if (reusePort) {
    const reason = reusePortUnsupported();
    if (reason !== undefined) {
      throw new Error(`Cannot bind ${hostname}:${port} with reusePort: ${reason}`);
    }
  }
  const sizes = requestedBufferSizes(options);
  if (onDeno && (sizes.receive !== undefined || sizes.send !== undefined)) {
    throw bufferSizesUnsupported(
      formatAddress({ hostname, port }),
      sizes,
      "the node:dgram of Deno cannot set socket buffer sizes (it only records the number)",
    );
  }
  const report = (error: unknown): void => {
    try {
      onError?.(error instanceof Error ? error : new Error(String(error)));
    } catch {
      // The contract ignores exceptions from onError.
    }
  };
  const socket = adopted ?? createSocket({
    type: hostname.includes(":") ? "udp6" : "udp4",
    reusePort,
    lookup: literalLookup,
  });
  // Deno's socket.unref() reaches only the receive after the next datagram:
  // unref every receive before the first starts, and hold the process here.
  // (An adopted socket receives already: it stays referenced.)
  const keepAlive = onDeno && adopted === undefined ? new KeepAlive() : undefined;
  if (keepAlive !== undefined) socket.unref();
  let closed = false;
  let failBind: ((error: Error) => void) | undefined;
  socket.on("error", (error) => failBind === undefined ? report(error) : failBind(error));
  socket.on("message", (message, peer) => {
    if (closed) return;
    const data = new Uint8Array(message.buffer, message.byteOffset, message.byteLength);
    const family = peer.family === "IPv6" ? "IPv6" : "IPv4";
    try {
      onMessage(data, { hostname: peer.address, port: peer.port, family });
    } catch (error) {
      report(error);
    }
  });
  try {
    if (adopted === undefined) {
      await new Promise<void>((resolve, reject) => {
        failBind = reject;
        socket.bind({ address: hostname, port }, () => resolve());
      });
    }
    // Set after the bind (as createSocket's own options would be), where a
    // failure can still reject this bind instead of escaping as an exception.
    if (sizes.receive !== undefined) socket.setRecvBufferSize(sizes.receive);
    if (sizes.send !== undefined) socket.setSendBufferSize(sizes.send);
  } catch (error) {
    closed = true;
    keepAlive?.unref();
    try {
      socket.close();
    } catch {
      // Node.js may already have released the failed socket.
    }
    throw error;
  } finally {
    failBind = undefined;
  }
  const bound = socket.address();
  const local: Address = {
    hostname: bound.address,
    port: bound.port,
    family: bound.family === "IPv6" ? "IPv6" : "IPv4",
  };
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise((resolve) => {
      closed = true;
      keepAlive?.unref();
      try {
        socket.close(() => resolve());
      } catch {
        resolve(); // Already closed.
      }
    });
    return closing;
  };
  return {
    local,
    send(data, to): Promise<void> {
      if (closed) {
        return Promise.reject(
          new Error(`Cannot send on a closed socket (${formatAddress(local)})`),
        );
      }
      return new Promise((resolve, reject) => {
        socket.send(data, to.port, to.hostname, (error) => {
          if (!error) return resolve();
          if (!STALE_ERRORS.has((error as { code?: unknown }).code)) return reject(error);
          // Under Bun (IP_RECVERR) an ICMP error about an earlier datagram fails
          // this send and drops its datagram: report it and try once more.
          report(error);
          socket.send(data, to.port, to.hostname, (again) => again ? reject(again) : resolve());
        });
      });
    },
    close,
    unref(): void {
      if (keepAlive !== undefined) keepAlive.unref();
      else if (!closed) socket.unref();
    },
    ref(): void {
      if (closed) return;
      if (keepAlive !== undefined) keepAlive.ref();
      else socket.ref();
    },
    bufferSizes: (): BufferSizes | undefined => onDeno ? undefined : readBufferSizes(socket),
    [Symbol.asyncDispose]: close,
  };
}

/** What the kernel granted (Linux reports twice the size asked for), or `undefined` once closed. */
function readBufferSizes(socket: Socket): BufferSizes | undefined {
  try {
    return { receive: socket.getRecvBufferSize(), send: socket.getSendBufferSize() };
  } catch {
    return undefined; // Closed: there is no socket to ask.
  }
}

/**
 * The socket's name lookup: an IP literal (every transport Address is one)
 * is answered at once, so `send` reaches the kernel in the same tick instead
 * of after `dns.lookup`'s deferred callback; anything else goes to
 * `dns.lookup`.
 */
function literalLookup(
  address: string,
  family: number | LookupOptions,
  callback: (error: Error | null, address: string, family: number) => void,
): void {
  const version = isIP(address);
  if (version === 0) return lookup(address, family as LookupOptions, callback as never);
  callback(null, address, version);
}

/** Errors that an ICMP message about an earlier datagram leaves pending on the socket. */
const STALE_ERRORS: ReadonlySet<unknown> = new Set([
  "ECONNREFUSED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EHOSTDOWN",
]);

/** Why `reusePort` would be silently ignored here, or `undefined` if it works. */
function reusePortUnsupported(): string | undefined {
  if ("Deno" in globalThis) return "the node:dgram of Deno cannot set SO_REUSEPORT";
  if ("Bun" in globalThis) return undefined;
  const [major = 0, minor = 0] = versions.node.split(".").map(Number);
  const supported = major > 23 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12);
  return supported
    ? undefined
    : `Node.js ${versions.node} cannot set SO_REUSEPORT (needs 22.12+ or 23.1+)`;
}
