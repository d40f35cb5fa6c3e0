/**
 * EAP-TLS on the server (RFC 5216, RFC 9190 for TLS 1.3): Start, the
 * handshake in fragments, the client certificate checked against the CA
 * (and an optional hook), the TLS 1.3 end marker, then EAP-Success with
 * the MSK. The TLS session cannot be JSON, so it lives in this process, in
 * a bounded map keyed by an identifier kept in the conversation's state: a
 * conversation store shared by several servers must send a conversation's
 * Responses to the server that began it.
 *
 * @module
 */
import type { PeerCertificate } from "../../stream_transport.ts";
import { randomBytes } from "../../crypto/random.ts";
import { toHex } from "../_hex.ts";
import { EapType } from "../type.ts";
import type { ServerMethod, ServerStep } from "../methods/method.ts";
import { EapTlsError } from "./eap_tls_error.ts";
import { fragmentTlsMessage } from "./fragment.ts";
import { decodeEapTlsFrame, eapTlsAck, encodeEapTlsFrame, isEapTlsAck } from "./frame.ts";
import { deriveEapTlsKeys } from "./keys.ts";
import { TlsReassembler } from "./reassembler.ts";
import type { EapTlsVersion, TlsEngine, TlsSession } from "./tls_engine.ts";
import { TlsExporterUnavailableError } from "./tls_exporter_error.ts";

/**
 * The EAP-TLS settings of an `EapServer`.
 *
 * @example Usage
 * ```ts
 * import type { EapTlsServerOptions } from "@radkit/radius";
 * import { tlsEngine } from "@radkit/radius/adapters/auto";
 * import assert from "node:assert/strict";
 *
 * const tls: EapTlsServerOptions = {
 *   engine: tlsEngine(),
 *   cert: "-----BEGIN CERTIFICATE-----…",
 *   key: "-----BEGIN PRIVATE KEY-----…",
 *   ca: "-----BEGIN CERTIFICATE-----…",
 *   checkCertificate: (certificate) => certificate.commonName?.endsWith(".example.com") === true,
 * };
 * assert.equal(tls.engine.name, "node:tls");
 * ```
 */
export interface EapTlsServerOptions {
  /** The TLS implementation: `tlsEngine()` from the adapters. */
  readonly engine: TlsEngine;
  /** The server's certificate chain, PEM. */
  readonly cert: string | Uint8Array;
  /** Its private key, PEM. */
  readonly key: string | Uint8Array;
  /** The CA certificates a client certificate must chain to, PEM. */
  readonly ca: string | Uint8Array;
  /**
   * A further check of a client certificate that chains to `ca` (its
   * subject, its SAN against the EAP identity, …): false refuses it.
   */
  readonly checkCertificate?: (
    certificate: PeerCertificate,
    identity: string,
  ) => boolean | Promise<boolean>;
  /** TLS data octets per EAP-Request (default 1,020; see `fragmentTlsMessage`). */
  readonly fragmentSize?: number;
  /** The oldest TLS version (default `"TLSv1.2"`). */
  readonly minVersion?: EapTlsVersion;
  /** The newest TLS version (default `"TLSv1.3"`). */
  readonly maxVersion?: EapTlsVersion;
  /** The most TLS sessions under way at once; the oldest is dropped first (default 4,096). */
  readonly maxSessions?: number;
  /** Milliseconds a TLS session waits for the peer (default 60,000). */
  readonly sessionTimeout?: number;
}

/** What happens after the peer acknowledges the last fragment sent. */
type Phase = "handshake" | "finished" | "alert";

interface Live {
  readonly session: TlsSession;
  readonly reassembler: TlsReassembler;
  /** Fragments not yet sent. */
  pending: Uint8Array[];
  phase: Phase;
  msk: Uint8Array | undefined;
  expires: number;
}

const S_FLAG = encodeEapTlsFrame({ start: true });

/** The server side of EAP-TLS, for one `EapServer`. */
export function eapTlsServer(options: EapTlsServerOptions): ServerMethod {
  const sessions = new Map<string, Live>();
  const maxSessions = options.maxSessions ?? 4_096;
  const timeout = options.sessionTimeout ?? 60_000;
  const fragment = (message: Uint8Array) =>
    fragmentTlsMessage(
      message,
      options.fragmentSize === undefined ? {} : { fragmentSize: options.fragmentSize },
    );

  function drop(id: string): void {
    sessions.get(id)?.session.destroy();
    sessions.delete(id);
  }

  function sweep(now: number): void {
    for (const [id, live] of sessions) {
      if (live.expires <= now || sessions.size >= maxSessions) drop(id);
      else break; // in order of creation, so of expiry
    }
  }

  /** The next fragment of a message, or the end of the conversation. */
  function send(id: string, live: Live, message: Uint8Array, phase: Phase): ServerStep {
    live.pending = fragment(message);
    live.phase = phase;
    return next(id, live);
  }

  function next(id: string, live: Live): ServerStep {
    const data = live.pending.shift()!;
    return { next: "request", data, state: { id } };
  }

  function fail(id: string, reason: Parameters<typeof failure>[0]): ServerStep {
    drop(id);
    return failure(reason);
  }

  async function established(id: string, live: Live, identity: string, records: Uint8Array) {
    const details = live.session.details()!;
    const certificate = details.peerCertificate;
    if (certificate === undefined || !details.authorized) return fail(id, "certificate-rejected");
    if (
      options.checkCertificate !== undefined &&
      await options.checkCertificate(certificate, identity) !== true
    ) {
      return fail(id, "certificate-rejected");
    }
    try {
      live.msk = deriveEapTlsKeys(live.session, EapType.TLS).msk;
    } catch (error) {
      if (error instanceof TlsExporterUnavailableError) return fail(id, "tls-exporter-unavailable");
      throw error;
    }
    let message = records;
    if (details.protocol === "TLSv1.3") {
      // RFC 9190 §2.1.1: one octet of application data, 0x00, tells the
      // peer that the handshake is over (no further post-handshake messages).
      const marker = await live.session.send(new Uint8Array([0]));
      message = new Uint8Array(records.length + marker.records.length);
      message.set(records);
      message.set(marker.records, records.length);
    }
    return send(id, live, message, "finished");
  }

  return {
    name: "tls",
    type: EapType.TLS,
    verifies: () => true,
    start() {
      const now = Date.now();
      sweep(now);
      const id = toHex(randomBytes(12));
      return { data: S_FLAG, state: { id, fresh: true } };
    },
    async step(state, data, context): Promise<ServerStep> {
      const id = String(state.id);
      let live = sessions.get(id);
      if (live === undefined) {
        // The ClientHello answers the Start: only then is a session opened.
        if (state.fresh !== true) return failure("tls-failed");
        sweep(Date.now());
        live = {
          session: options.engine.open({
            role: "server",
            cert: options.cert,
            key: options.key,
            ca: options.ca,
            requestCert: true,
            ...(options.minVersion === undefined ? {} : { minVersion: options.minVersion }),
            ...(options.maxVersion === undefined ? {} : { maxVersion: options.maxVersion }),
          }),
          reassembler: new TlsReassembler(),
          pending: [],
          phase: "handshake",
          msk: undefined,
          expires: 0,
        };
        sessions.set(id, live);
        // No keys could come of it: fail before the handshake, not after.
        if (live.session.exportKeyingMaterial === undefined) {
          return fail(id, "tls-exporter-unavailable");
        }
      }
      // Kept in the order of last activity, which is that of expiry.
      live.expires = Date.now() + timeout;
      sessions.delete(id);
      sessions.set(id, live);
      let frame;
      try {
        frame = decodeEapTlsFrame(data);
      } catch (error) {
        if (error instanceof EapTlsError) return fail(id, error.reason);
        throw error;
      }
      if (live.pending.length > 0) {
        // RFC 5216 §2.1.5: the peer acknowledges each fragment with an empty Response.
        return isEapTlsAck(frame) ? next(id, live) : fail(id, "bad-method-data");
      }
      if (live.phase === "alert") return fail(id, "tls-failed");
      if (live.phase === "finished") {
        if (!isEapTlsAck(frame)) return fail(id, "tls-failed"); // the peer's alert
        const msk = live.msk;
        drop(id);
        return { next: "success", msk };
      }
      let message;
      try {
        message = live.reassembler.push(frame);
      } catch (error) {
        if (error instanceof EapTlsError) return fail(id, error.reason);
        throw error;
      }
      if (message === undefined) return { next: "request", data: eapTlsAck(), state: { id } };
      const progress = await live.session.receive(message);
      if (progress.failure !== undefined) {
        // RFC 5216 §2.1.3: the alert goes to the peer, then the EAP-Failure.
        if (progress.records.length === 0) return fail(id, "tls-failed");
        return send(id, live, progress.records, "alert");
      }
      if (progress.established) {
        return await established(id, live, context.identity, progress.records);
      }
      if (progress.records.length === 0) return fail(id, "tls-failed");
      return send(id, live, progress.records, "handshake");
    },
  };
}

function failure(
  reason: Extract<ServerStep, { next: "failure" }>["reason"],
): ServerStep {
  return { next: "failure", reason };
}
