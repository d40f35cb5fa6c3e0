/**
 * The {@linkcode TlsEngine} of the Node.js, Bun and Deno adapters:
 * `node:tls`'s `TLSSocket` over an in-memory duplex stream, into which the
 * peer's TLS records are pushed and out of which this side's are collected.
 * The exporter is feature-detected: Node.js and Bun have
 * `exportKeyingMaterial`, Deno 2.9's `node:tls` has not.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { constants } from "node:crypto";
import { Duplex } from "node:stream";
import {
  checkServerIdentity,
  connect,
  createSecureContext,
  type PeerCertificate,
  type SecureContext,
  TLSSocket,
} from "node:tls";
import { setImmediate } from "node:timers";
import type { TlsDetails } from "../src/stream_transport.ts";
import type {
  TlsEngine,
  TlsProgress,
  TlsSession,
  TlsSessionOptions,
} from "../src/eap/tls/tls_engine.ts";
import { serverDetails } from "./_tls_details.ts";

/** Event-loop turns without activity after which a session is taken to be done with its input. */
const QUIET_TURNS = 3;
/** Turns to wait for a first sign of activity (a TLS 1.3 ticket may produce none). */
const MAX_IDLE_TURNS = 64;

const EMPTY = new Uint8Array(0);

/** Secure contexts kept per engine: one per distinct certificate, key, CA and versions. */
const MAX_CONTEXTS = 16;

/** The `node:tls` engine. */
export function nodeTlsEngine(): TlsEngine {
  // Parsing the certificate and key costs about 200 µs on Node.js: as
  // tls.Server does, the sessions of one configuration share a context.
  const contexts = new Map<string, SecureContext>();
  /** A client's latest resumable session per configuration and server name (`resume`). */
  const sessions = new Map<string, Buffer>();
  const keyOf = (options: TlsSessionOptions): string =>
    [options.cert, options.key, options.ca].map(text).join("\0") +
    `\0${options.minVersion ?? ""}\0${options.maxVersion ?? ""}\0${options.role}\0${
      options.ticketLifetime ?? ""
    }`;
  const sessionsFor = (options: TlsSessionOptions): SessionStore | undefined => {
    if (options.role !== "client" || options.resume !== true) return undefined;
    const key = `${keyOf(options)}\0${options.serverName ?? ""}`;
    return {
      get: () => sessions.get(key),
      set(session) {
        sessions.delete(key);
        if (sessions.size >= MAX_CONTEXTS) sessions.delete(sessions.keys().next().value!);
        sessions.set(key, session);
      },
    };
  };
  const contextFor = (options: TlsSessionOptions): SecureContext => {
    const key = keyOf(options);
    let context = contexts.get(key);
    if (context === undefined) {
      context = createSecureContext({
        ...(options.cert === undefined ? {} : { cert: pemOf(options.cert)! }),
        ...(options.key === undefined ? {} : { key: pemOf(options.key)! }),
        ...(options.ca === undefined ? {} : { ca: pemOf(options.ca)! }),
        minVersion: options.minVersion ?? "TLSv1.2",
        maxVersion: options.maxVersion ?? "TLSv1.3",
        // Session tickets only when asked for (their keys live in this
        // context): otherwise no session this engine began can be resumed.
        ...(options.role !== "server"
          ? {}
          : options.ticketLifetime === undefined
          ? { secureOptions: constants.SSL_OP_NO_TICKET }
          // OpenSSL resumes a session whose client certificate it checked
          // only within the same session id context (SSL_set_session_id_context).
          : { sessionTimeout: options.ticketLifetime, sessionIdContext: "radkit-eap" }),
      });
      if (contexts.size >= MAX_CONTEXTS) contexts.delete(contexts.keys().next().value!);
      contexts.set(key, context);
    }
    return context;
  };
  return {
    name: "node:tls",
    open: (options) => openSession(options, contextFor(options), sessionsFor(options)),
  };
}

/** Where a client keeps the session to resume. */
interface SessionStore {
  get(): Buffer | undefined;
  set(session: Buffer): void;
}

/** A PEM given as text or bytes, as a cache key. */
function text(value: string | Uint8Array | undefined): string {
  if (value === undefined) return "";
  return typeof value === "string" ? value : Buffer.from(value).toString("latin1");
}

/** The runtime, for messages: feature detection decides, this only names. */
function runtimeName(): string {
  const g = globalThis as { Deno?: { version?: { deno?: string } }; Bun?: { version?: string } };
  if (g.Deno !== undefined) return `Deno ${g.Deno.version?.deno ?? ""}`.trim();
  if (g.Bun !== undefined) return `Bun ${g.Bun.version ?? ""}`.trim();
  return `Node.js ${(globalThis as { process?: { version?: string } }).process?.version ?? ""}`
    .trim();
}

function pemOf(value: string | Uint8Array | undefined): string | Buffer | undefined {
  if (value === undefined || typeof value === "string") return value;
  return Buffer.from(value);
}

function joined(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 0) return EMPTY;
  const out = new Uint8Array(Buffer.concat(chunks));
  chunks.length = 0;
  return out;
}

function openSession(
  options: TlsSessionOptions,
  context: SecureContext,
  resumable: SessionStore | undefined,
): TlsSession {
  const isServer = options.role === "server";
  const outgoing: Uint8Array[] = [];
  const plaintext: Uint8Array[] = [];
  let activity = 0;
  let established = false;
  let peerClosed = false;
  let failure: string | undefined;
  const wire = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, callback) {
      outgoing.push(new Uint8Array(chunk));
      activity++;
      callback();
    },
    final(callback) {
      callback();
    },
  });
  const socket = isServer
    ? new TLSSocket(wire, {
      isServer: true,
      secureContext: context,
      requestCert: options.requestCert === true,
      rejectUnauthorized: false,
    })
    : resumable !== undefined
    // Only tls.connect hands out sessions that resume ("session" events,
    // after its own verification, which then refuses a chain that does
    // not lead to `ca`): a TLSSocket made on a stream gets none that do.
    ? connect({
      socket: wire,
      secureContext: context,
      rejectUnauthorized: options.ca !== undefined,
      // Without a name to check, only the chain is (as on the other path).
      ...(options.serverName === undefined
        ? { checkServerIdentity: () => undefined }
        : { servername: options.serverName }),
      ...(resumable.get() === undefined ? {} : { session: resumable.get()! }),
    })
    : new TLSSocket(
      wire,
      {
        secureContext: context,
        // Bun's client TLSSocket on a stream reports no verification result,
        // but with this it fails the handshake on a chain that does not lead
        // to `ca`; Node.js and Deno ignore it there and report through
        // verifyError(), which details() reads.
        rejectUnauthorized: options.ca !== undefined,
        ...(options.serverName === undefined ? {} : { servername: options.serverName }),
      } as ConstructorParameters<typeof TLSSocket>[1],
    );
  const onEstablished = () => {
    established = true;
    activity++;
  };
  // A TLSSocket made on a stream (not by tls.connect) emits "secure" in both
  // roles; one made by tls.connect, "secureConnect".
  socket.on("secure", onEstablished);
  socket.on("secureConnect", onEstablished);
  if (resumable !== undefined) socket.on("session", (session: Buffer) => resumable.set(session));
  socket.on("data", (data: Buffer) => {
    plaintext.push(new Uint8Array(data));
    activity++;
  });
  socket.on("end", () => {
    peerClosed = true;
    activity++;
  });
  socket.on("error", (error: Error & { code?: unknown }) => {
    failure ??= typeof error.code === "string" ? `${error.code}: ${error.message}` : error.message;
    activity++;
  });
  // tls.connect starts the handshake itself.
  let started = isServer || resumable !== undefined;

  const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
  /** Waits for the engine to act on its input, then for it to go quiet. */
  async function settle(): Promise<TlsProgress> {
    const before = activity;
    let idle = 0;
    while (activity === before && failure === undefined && idle < MAX_IDLE_TURNS) {
      await turn();
      idle++;
    }
    let quiet = 0;
    let seen = activity;
    while (quiet < QUIET_TURNS) {
      await turn();
      if (activity === seen) quiet++;
      else {
        seen = activity;
        quiet = 0;
      }
    }
    return {
      records: joined(outgoing),
      applicationData: joined(plaintext),
      established,
      peerClosed,
      failure,
    };
  }

  function details(): TlsDetails | undefined {
    if (!established) return undefined;
    if (resumable !== undefined) {
      // tls.connect verified the chain (and the name) itself, in this
      // session or in the one it resumes, whose certificate a resumed
      // TLS 1.3 session does not repeat.
      const base = serverDetails(socket, options.ca !== undefined);
      const authorized = options.ca !== undefined && socket.authorized === true;
      return {
        ...base,
        authorized,
        authorizationError: authorized
          ? undefined
          : String(socket.authorizationError ?? base.authorizationError ?? "not authorized"),
      };
    }
    // The chain check is the same in both roles: tls.connect's own checks
    // (including the name) do not run on a TLSSocket made on a stream.
    let checked = serverDetails(socket, options.ca !== undefined);
    if (!isServer && !checked.authorized && verifiedByHandshake()) {
      checked = { ...checked, authorized: true, authorizationError: undefined };
    }
    if (isServer || !checked.authorized || options.serverName === undefined) return checked;
    const mismatch = checkServerIdentity(
      options.serverName,
      socket.getPeerCertificate() as PeerCertificate,
    );
    return mismatch === undefined
      ? checked
      : { ...checked, authorized: false, authorizationError: mismatch.message };
  }

  /**
   * Whether a client's chain check can only have passed: no verifyError()
   * to ask and no verdict on the socket (Bun), but a peer certificate, a
   * `ca`, and a handshake that rejectUnauthorized would have failed.
   */
  function verifiedByHandshake(): boolean {
    const handle = (socket as unknown as { _handle?: { verifyError?: unknown } | null })._handle;
    return options.ca !== undefined && typeof handle?.verifyError !== "function" &&
      socket.authorized !== true &&
      (socket.authorizationError === null || socket.authorizationError === undefined) &&
      socket.getPeerCertificate()?.raw !== undefined;
  }

  const exporter = (socket as unknown as { exportKeyingMaterial?: unknown }).exportKeyingMaterial;
  const hasExporter = typeof exporter === "function";

  return {
    receive(records) {
      if (!started) {
        // tls.connect starts a client's handshake once its socket connects;
        // on a stream that is already "connected" it is started here.
        started = true;
        (socket as unknown as { _start?: () => void })._start?.();
        if (records.length > 0) wire.push(Buffer.from(records));
      } else if (records.length > 0 && failure === undefined) {
        wire.push(Buffer.from(records));
      }
      return settle();
    },
    send(data) {
      if (failure === undefined && established) socket.write(Buffer.from(data));
      return settle();
    },
    close() {
      if (failure === undefined) socket.end();
      return settle();
    },
    details,
    exportKeyingMaterial: hasExporter
      ? (length, label, context) => {
        const material = socket.exportKeyingMaterial(
          length,
          label,
          context === undefined ? undefined as unknown as Buffer : Buffer.from(context),
        );
        return new Uint8Array(material);
      }
      : undefined,
    exporterMissing: hasExporter
      ? undefined
      : `node:tls on ${runtimeName()} has no TLSSocket.exportKeyingMaterial`,
    destroy() {
      socket.destroy();
      wire.destroy();
    },
  };
}
