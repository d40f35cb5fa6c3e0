// A NAS on a TCP or TLS connection: writes raw bytes, collects the replies
// the server frames back, and tells how and when the connection closed.
import { readFileSync } from "node:fs";
import type {
  StreamConnection,
  StreamTransport,
  TlsClientOptions,
} from "../../src/stream_transport.ts";
import { PacketFramer } from "../../src/stream/packet_framer.ts";

const PATIENCE_MS = 5000;
const pki = new URL("../fixtures/tls/", import.meta.url);

/** A file of the test PKI (tests/fixtures/tls). */
export function pem(name: string): Uint8Array {
  return readFileSync(new URL(name, pki));
}

/** The server side of the test PKI: the listener's certificate, key and CA. */
export function serverTls(): { cert: Uint8Array; key: Uint8Array; ca: Uint8Array } {
  return { cert: pem("server.pem"), key: pem("server.key"), ca: pem("ca.pem") };
}

/** A NAS's TLS settings: its certificate (`nas1` by default) and the CA to check the server. */
export function nasTls(name = "nas1"): TlsClientOptions {
  return {
    cert: pem(`${name}.pem`),
    key: pem(`${name}.key`),
    ca: pem("ca.pem"),
    servername: "radius.test",
  };
}

/** The SHA-256 fingerprint of a test certificate, from fingerprints.txt. */
export function fingerprint(name: string): string {
  const line = readFileSync(new URL("fingerprints.txt", pki), "utf8").split("\n")
    .find((l) => l.startsWith(`${name} `));
  if (line === undefined) throw new Error(`no fingerprint for ${name}`);
  return line.slice(name.length + 1).trim();
}

export class StreamPeer {
  readonly connection: StreamConnection;
  readonly replies: Uint8Array[] = [];
  /** Resolves with the close's error (undefined for an orderly one). */
  readonly closed: Promise<Error | undefined>;
  #wake: (() => void)[] = [];
  #isClosed = false;

  private constructor(connection: StreamConnection) {
    this.connection = connection;
    const framer = new PacketFramer(65535);
    this.closed = new Promise((resolve) => {
      connection.start({
        onData: (data) => {
          framer.push(data, (packet) => {
            this.replies.push(packet.slice());
            this.#notify();
          });
        },
        onClose: (error) => {
          this.#isClosed = true;
          this.#notify();
          resolve(error);
        },
      });
    });
  }

  static async connect(
    transport: StreamTransport,
    port: number,
    tls?: TlsClientOptions,
    hostname = "127.0.0.1",
  ): Promise<StreamPeer> {
    const connection = await transport.connect({
      hostname,
      port,
      ...(tls === undefined ? {} : { tls }),
    });
    return new StreamPeer(connection);
  }

  get isClosed(): boolean {
    return this.#isClosed;
  }

  send(...packets: Uint8Array[]): void {
    for (const packet of packets) this.connection.write(packet);
  }

  /** Waits until `count` replies have arrived in all, and returns the last. */
  async reply(count = this.replies.length + 1): Promise<Uint8Array> {
    const deadline = Date.now() + PATIENCE_MS;
    while (this.replies.length < count) {
      if (this.#isClosed) throw new Error(`closed before reply #${count}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no reply #${count} within ${PATIENCE_MS} ms`);
      await this.#next(left);
    }
    return this.replies[count - 1]!;
  }

  /** Waits for the server to close the connection. */
  async untilClosed(): Promise<Error | undefined> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the connection stayed open for ${PATIENCE_MS} ms`)),
        PATIENCE_MS,
      );
    });
    try {
      return await Promise.race([this.closed, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  destroy(): void {
    this.connection.destroy();
  }

  #next(left: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, left);
      this.#wake.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = [];
    for (const resolve of wake) resolve();
  }
}
