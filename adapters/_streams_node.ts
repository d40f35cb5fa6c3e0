/**
 * TCP (RFC 6613) and TLS (RFC 6614) on `node:net` and `node:tls`: the
 * {@linkcode StreamTransport} of the Node.js, Bun and Deno adapters alike.
 * Deno's own `Deno.listenTls` can neither ask for nor read a client
 * certificate, nor tell the TLS version, so Deno too goes through `node:tls`.
 * The behaviour is documented at `streams` in `./node.ts`.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { connect as tcpConnect, createServer, isIP, type Server, type Socket } from "node:net";
import {
  checkServerIdentity,
  connect as tlsConnect,
  type ConnectionOptions,
  createSecureContext,
  type SecureContext,
  TLSSocket,
} from "node:tls";
import { setImmediate } from "node:timers";
import type { Address, ResolvedAddress } from "../src/transport.ts";
import type {
  StreamConnection,
  StreamConnectOptions,
  StreamHandlers,
  StreamListenOptions,
  StreamServer,
  StreamTransport,
  TlsDetails,
} from "../src/stream_transport.ts";
import { checkServerPem, pem } from "./_pem.ts";
import { clientDetails, serverDetails } from "./_tls_details.ts";

/** The oldest TLS version allowed unless one is given (RFC 6614 §2.3). */
const DEFAULT_MIN_VERSION = "TLSv1.2";

/**
 * Creates the stream transport on `node:net` and `node:tls`.
 *
 * @param name The transport's `name`.
 * @returns The transport.
 */
export function nodeStreams(name: string): StreamTransport {
  return { name, listen: listenStreams, connect: connectStream, lookup: lookupName };
}

/**
 * Resolves a server's host name for a client: `getaddrinfo` through
 * `node:dns`, as the UDP adapters do (loaded on first use).
 */
async function lookupName(hostname: string): Promise<readonly ResolvedAddress[]> {
  const { lookupHost } = await import("./_lookup.ts");
  return await lookupHost(hostname);
}

/** An {@linkcode Address} from what a socket reports (IPv6 without brackets). */
function toAddress(hostname: string | undefined, port: number | undefined): Address | undefined {
  if (hostname === undefined || port === undefined) return undefined;
  const bare = hostname.startsWith("[") && hostname.endsWith("]")
    ? hostname.slice(1, -1)
    : hostname;
  return { hostname: bare, port, family: bare.includes(":") ? "IPv6" : "IPv4" };
}

/** Calls `report` without letting what it throws escape. */
function safely(report: ((error: Error) => void) | undefined, error: unknown): void {
  try {
    report?.(error instanceof Error ? error : new Error(String(error)));
  } catch {
    // The contract ignores exceptions from onError.
  }
}

function listenStreams(
  options: StreamListenOptions,
  onConnection: (connection: StreamConnection) => void,
): Promise<StreamServer> {
  const { hostname, port, tls, onError } = options;
  // Made up front, so that PEM that does not parse or a key that does not
  // match the certificate fails the listen, not every handshake.
  let context: SecureContext | undefined;
  if (tls !== undefined) {
    try {
      checkServerPem(tls);
      context = createSecureContext({
        cert: pem(tls.cert),
        key: pem(tls.key),
        ...(tls.ca === undefined ? {} : { ca: pem(tls.ca) }),
        minVersion: tls.minVersion ?? DEFAULT_MIN_VERSION,
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }
  const server = createServer({ allowHalfOpen: false });
  server.on("connection", (raw: Socket) => {
    // Under TLS its errors reach the TLSSocket; none may be thrown for want of a listener here.
    raw.on("error", () => {});
    const local = toAddress(raw.localAddress, raw.localPort);
    const remote = toAddress(raw.remoteAddress, raw.remotePort);
    if (local === undefined || remote === undefined) {
      // Reset before it could be accepted: there is no connection to hand over.
      raw.destroy();
      return;
    }
    raw.setNoDelay(true);
    let connection: SocketConnection;
    if (tls === undefined || context === undefined) {
      connection = new SocketConnection(raw, local, remote, undefined, undefined);
    } else {
      const secure = new TLSSocket(raw, {
        isServer: true,
        secureContext: context,
        requestCert: tls.requestCertificate ?? true,
        // Whether to accept the client is decided from TlsDetails after the handshake.
        rejectUnauthorized: false,
        ...(tls.alpnProtocols === undefined ? {} : { ALPNProtocols: [...tls.alpnProtocols] }),
      });
      connection = new SocketConnection(secure, local, remote, tls.ca !== undefined, raw);
    }
    try {
      onConnection(connection);
    } catch (error) {
      safely(onError, error);
      connection.destroy();
    }
  });
  return new Promise<StreamServer>((resolve, reject) => {
    const failed = (error: Error): void => {
      server.off("listening", listening);
      reject(error);
    };
    const listening = (): void => {
      server.off("error", failed);
      server.on("error", (error: Error) => safely(onError, error));
      const bound = server.address();
      const local = typeof bound === "object" && bound !== null
        ? toAddress(bound.address, bound.port)
        : undefined;
      let closed: Promise<void> | undefined;
      resolve({
        local: local ?? { hostname, port, family: hostname.includes(":") ? "IPv6" : "IPv4" },
        close: () => (closed ??= closeServer(server)),
      });
    };
    server.once("error", failed);
    server.once("listening", listening);
    server.listen({ host: hostname, port });
  });
}

/**
 * Closes the listening socket. `server.close()`'s callback waits for every
 * accepted connection to end, but the contract leaves those to the caller:
 * the port is released when the listening handle closes, which is at once.
 */
function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    try {
      server.close();
    } catch {
      // Not listening (any more): nothing to release.
    }
    setImmediate(resolve);
  });
}

function connectStream(options: StreamConnectOptions): Promise<StreamConnection> {
  const { hostname, port, tls, signal } = options;
  if (signal?.aborted) return Promise.reject(signal.reason);
  let socket: Socket;
  try {
    if (tls === undefined) {
      socket = tcpConnect({ host: hostname, port, allowHalfOpen: false });
    } else {
      // Identity is checked against the servername, else the address connected
      // to (an IP literal: its IP SANs, RFC 6125 §6.2.1). SNI carries host names
      // only (RFC 6066 §3), never an IP literal.
      const identity = tls.servername ?? hostname;
      const sni = tls.servername !== undefined && !isIpLiteral(tls.servername)
        ? tls.servername
        : undefined;
      const settings: ConnectionOptions = {
        host: hostname,
        port,
        rejectUnauthorized: tls.verify ?? true,
        minVersion: tls.minVersion ?? DEFAULT_MIN_VERSION,
        checkServerIdentity: (_host, certificate) => checkServerIdentity(identity, certificate),
        ...(sni === undefined ? {} : { servername: sni }),
        ...(tls.ca === undefined ? {} : { ca: pem(tls.ca) }),
        ...(tls.cert === undefined ? {} : { cert: pem(tls.cert) }),
        ...(tls.key === undefined ? {} : { key: pem(tls.key) }),
        ...(tls.alpnProtocols === undefined ? {} : { ALPNProtocols: [...tls.alpnProtocols] }),
      };
      socket = tlsConnect(settings);
    }
  } catch (error) {
    return Promise.reject(error);
  }
  return new Promise<StreamConnection>((resolve, reject) => {
    const settle = (error: unknown): void => {
      socket.off(tls === undefined ? "connect" : "secureConnect", ready);
      socket.off("error", settle);
      socket.off("close", closedEarly);
      signal?.removeEventListener("abort", aborted);
      if (error === undefined) return;
      socket.on("error", () => {}); // whatever the destroy still emits
      socket.destroy();
      reject(error);
    };
    const aborted = (): void => settle(signal!.reason);
    const closedEarly = (): void =>
      settle(new Error(`The connection to ${hostname}:${port} closed before it was established`));
    const ready = (): void => {
      settle(undefined);
      const local = toAddress(socket.localAddress, socket.localPort);
      const remote = toAddress(socket.remoteAddress, socket.remotePort) ??
        toAddress(hostname, port)!;
      if (local === undefined) {
        settle(new Error(`The connection to ${hostname}:${port} closed as it was established`));
        return;
      }
      socket.setNoDelay(true);
      resolve(new SocketConnection(socket, local, remote, undefined, undefined));
    };
    socket.once(tls === undefined ? "connect" : "secureConnect", ready);
    socket.once("error", settle);
    socket.once("close", closedEarly);
    signal?.addEventListener("abort", aborted, { once: true });
  });
}

function isIpLiteral(text: string): boolean {
  return isIP(text) !== 0;
}

/**
 * One accepted or opened socket in the {@linkcode StreamConnection} contract.
 * The socket's readable side is left unconsumed until `start`, so what
 * arrives earlier waits in it (and a TLS handshake proceeds meanwhile).
 */
class SocketConnection implements StreamConnection {
  readonly local: Address;
  readonly remote: Address;
  readonly #socket: Socket;
  /** The TCP socket under a server-side `TLSSocket`. */
  readonly #tcp: Socket | undefined;
  readonly #ready: Promise<TlsDetails | undefined>;
  #handlers: StreamHandlers | undefined;
  /** The socket emitted `close`. */
  #closed = false;
  /** `onClose` was called (or is about to be). */
  #finished = false;
  /** This side called `end()` or `destroy()`: the close is an orderly one. */
  #closedHere = false;
  #error: Error | undefined;
  #paused = false;

  /**
   * @param socket The socket; a server-side `TLSSocket` whose handshake is under way.
   * @param local This end.
   * @param remote The other end.
   * @param verifies For a server-side TLS socket: whether a `ca` was given;
   * undefined for plain TCP and for connections `connect` opened (ready already).
   * @param tcp The TCP socket a server-side `TLSSocket` wraps.
   */
  constructor(
    socket: Socket,
    local: Address,
    remote: Address,
    verifies: boolean | undefined,
    tcp: Socket | undefined,
  ) {
    this.#socket = socket;
    this.#tcp = tcp;
    this.local = local;
    this.remote = remote;
    socket.on("error", (error: Error) => (this.#error ??= error));
    socket.on("close", () => {
      this.#closed = true;
      if (this.#handlers !== undefined) this.#finish();
    });
    socket.on("drain", () => {
      if (this.#handlers === undefined || this.#finished) return;
      try {
        this.#handlers.onDrain?.();
      } catch (error) {
        this.#fail(error);
      }
    });
    if (verifies === undefined) {
      this.#ready = Promise.resolve(
        socket instanceof TLSSocket ? clientDetails(socket) : undefined,
      );
    } else {
      const secure = socket as TLSSocket;
      this.#ready = new Promise<TlsDetails | undefined>((resolve, reject) => {
        const done = (): void => {
          secure.off("secure", onSecure);
          secure.off("close", onClose);
        };
        const onSecure = (): void => {
          done();
          resolve(serverDetails(secure, verifies));
        };
        const onClose = (): void => {
          done();
          reject(
            this.#error ??
              new Error(
                `The connection from ${this.remote.hostname} port ${this.remote.port} closed ` +
                  "before the TLS handshake completed",
              ),
          );
        };
        secure.on("secure", onSecure);
        secure.on("close", onClose);
      });
      // Nobody may ask: a failed handshake is then no unhandled rejection.
      this.#ready.catch(() => {});
    }
  }

  handshake(): Promise<TlsDetails | undefined> {
    return this.#ready;
  }

  start(handlers: StreamHandlers): void {
    if (this.#handlers !== undefined) {
      throw new Error("StreamConnection.start() was called twice: call it once per connection");
    }
    this.#handlers = handlers;
    if (this.#closed) {
      queueMicrotask(() => this.#finish());
      return;
    }
    this.#socket.on("data", (chunk: Uint8Array) => {
      // Destroyed here (by destroy() or a throwing handler): what is left is dropped.
      if (this.#finished || this.#socket.destroyed) return;
      try {
        // A plain view: Buffer's slice() would share memory where Uint8Array's copies.
        handlers.onData(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      } catch (error) {
        this.#fail(error);
      }
    });
    if (this.#paused) this.#socket.pause();
  }

  write(data: Uint8Array): boolean {
    const socket = this.#socket;
    if (this.#finished || this.#closed || socket.destroyed || socket.writableEnded) return false;
    // A copy: the socket may hold a chunk until it is flushed, and the caller may reuse `data`.
    return socket.write(Buffer.from(data));
  }

  pause(): void {
    this.#paused = true;
    if (this.#handlers !== undefined) this.#socket.pause();
  }

  resume(): void {
    this.#paused = false;
    if (this.#handlers !== undefined) this.#socket.resume();
  }

  end(): void {
    if (this.#closed || this.#socket.destroyed) return;
    this.#closedHere = true;
    this.#socket.end();
  }

  destroy(): void {
    if (this.#closed || this.#socket.destroyed) return;
    this.#closedHere = true;
    this.#socket.destroy();
  }

  // Bun's TLSSocket does not pass unref() on to the TCP socket it wraps.
  unref(): void {
    this.#socket.unref();
    this.#tcp?.unref();
  }

  ref(): void {
    this.#socket.ref();
    this.#tcp?.ref();
  }

  /** A handler threw: close with its error. */
  #fail(error: unknown): void {
    this.#error ??= error instanceof Error ? error : new Error(String(error));
    this.#closedHere = false;
    this.#socket.destroy();
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    try {
      this.#handlers!.onClose(this.#closedHere ? undefined : this.#error);
    } catch {
      // Nothing is left to tell.
    }
  }
}
