// A small StreamTransport on node:net and node:tls, which Deno, Bun and
// Node.js all have: enough for the client's stream tests to run against a
// radkit Server on every runtime before the adapters' streams() exist.
import net from "node:net";
import tls from "node:tls";
import { Buffer } from "node:buffer";
import type {
  PeerCertificate,
  PemInput,
  StreamConnection,
  StreamConnectOptions,
  StreamHandlers,
  StreamListenOptions,
  StreamServer,
  StreamTransport,
  TlsDetails,
} from "../../src/stream_transport.ts";
import type { Address } from "../../src/transport.ts";

function address(host: string | undefined, port: number | undefined): Address {
  const hostname = (host ?? "").replace(/^::ffff:(?=\d+\.)/, "");
  return { hostname, port: port ?? 0, family: hostname.includes(":") ? "IPv6" : "IPv4" };
}

function pem(input: PemInput | undefined): (string | Buffer)[] | undefined {
  if (input === undefined) return undefined;
  const list = Array.isArray(input) ? input : [input];
  return list.map((item) => typeof item === "string" ? item : Buffer.from(item as Uint8Array));
}

function details(socket: tls.TLSSocket): TlsDetails {
  const peer = socket.getPeerCertificate();
  let peerCertificate: PeerCertificate | undefined;
  if (peer !== undefined && peer !== null && peer.raw !== undefined) {
    peerCertificate = {
      der: new Uint8Array(peer.raw),
      fingerprint256: peer.fingerprint256,
      commonName: typeof peer.subject?.CN === "string" ? peer.subject.CN : undefined,
      subjectAltNames: (peer.subjectaltname ?? "").split(", ").filter((name) => name !== "")
        .map((name) => name.replace(/^IP Address:/, "IP:")),
    };
  }
  const error = socket.authorizationError;
  return {
    protocol: socket.getProtocol() ?? "",
    alpnProtocol: typeof socket.alpnProtocol === "string" ? socket.alpnProtocol : undefined,
    peerCertificate,
    authorized: socket.authorized,
    authorizationError: error === null || error === undefined ? undefined : String(error),
  };
}

/** Wraps a connected socket as a StreamConnection. */
function wrap(socket: net.Socket, ready: Promise<TlsDetails | undefined>): StreamConnection {
  let handlers: StreamHandlers | undefined;
  let closed = false;
  let lastError: Error | undefined;
  let pendingClose = false;
  const close = () => {
    if (closed) return;
    closed = true;
    handlers!.onClose(lastError);
  };
  socket.on("error", (error) => (lastError ??= error));
  socket.on("close", () => {
    if (handlers === undefined) pendingClose = true;
    else close();
  });
  socket.on("drain", () => handlers?.onDrain?.());
  return {
    local: address(socket.localAddress, socket.localPort),
    remote: address(socket.remoteAddress, socket.remotePort),
    handshake: () => ready,
    start(given) {
      handlers = given;
      socket.on("data", (chunk: Buffer) => {
        if (!closed) given.onData(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
      });
      if (pendingClose) queueMicrotask(close);
    },
    write(data) {
      if (closed || socket.destroyed) return false;
      return socket.write(Buffer.from(data));
    },
    pause: () => void socket.pause(),
    resume: () => void socket.resume(),
    end: () => void socket.end(),
    destroy: () => void socket.destroy(),
    unref: () => void socket.unref(),
    ref: () => void socket.ref(),
  };
}

/** The StreamTransport. */
export function nodeStreams(): StreamTransport {
  return {
    name: "node:net (tests)",
    listen(options: StreamListenOptions, onConnection): Promise<StreamServer> {
      const server = options.tls === undefined
        ? net.createServer((socket) => onConnection(wrap(socket, Promise.resolve(undefined))))
        : tls.createServer({
          cert: pem(options.tls.cert),
          key: pem(options.tls.key),
          ca: pem(options.tls.ca),
          requestCert: options.tls.requestCertificate ?? true,
          rejectUnauthorized: false,
          minVersion: options.tls.minVersion ?? "TLSv1.2",
        }, (socket) => onConnection(wrap(socket, Promise.resolve(details(socket)))));
      server.on("tlsClientError", () => {});
      return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(options.port, options.hostname, () => {
          server.off("error", reject);
          const bound = server.address() as net.AddressInfo;
          let closing: Promise<void> | undefined;
          resolve({
            local: address(bound.address, bound.port),
            close: () => closing ??= new Promise((done) => server.close(() => done())),
          });
        });
      });
    },
    connect(options: StreamConnectOptions): Promise<StreamConnection> {
      return new Promise((resolve, reject) => {
        const settings = options.tls;
        const socket = settings === undefined
          ? net.connect({ host: options.hostname, port: options.port })
          : tls.connect({
            host: options.hostname,
            port: options.port,
            ca: pem(settings.ca),
            cert: pem(settings.cert),
            key: pem(settings.key),
            ...(settings.servername === undefined ? {} : { servername: settings.servername }),
            rejectUnauthorized: settings.verify ?? true,
            minVersion: settings.minVersion ?? "TLSv1.2",
          });
        const signal = options.signal;
        const onAbort = () => {
          socket.destroy();
          reject(signal!.reason);
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        socket.once("error", (error) => {
          signal?.removeEventListener("abort", onAbort);
          reject(error);
        });
        socket.once(settings === undefined ? "connect" : "secureConnect", () => {
          signal?.removeEventListener("abort", onAbort);
          socket.removeAllListeners("error");
          const ready = settings === undefined ? undefined : details(socket as tls.TLSSocket);
          resolve(wrap(socket, Promise.resolve(ready)));
        });
      });
    },
  };
}
