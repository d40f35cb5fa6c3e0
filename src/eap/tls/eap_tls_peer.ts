/**
 * EAP-TLS on the peer (RFC 5216, RFC 9190 for TLS 1.3): the handshake
 * begun on the server's Start, in fragments both ways, the server's
 * certificate checked against the CA, and the MSK once the handshake is
 * over (TLS 1.2) or the server's end marker arrived (TLS 1.3).
 *
 * @module
 */
import { EapConversationError } from "../conversation_error.ts";
import { EapType } from "../type.ts";
import type { PeerMethod } from "../methods/method.ts";
import { EapTlsError } from "./eap_tls_error.ts";
import { fragmentTlsMessage } from "./fragment.ts";
import { decodeEapTlsFrame, eapTlsAck, isEapTlsAck } from "./frame.ts";
import { deriveEapTlsKeys } from "./keys.ts";
import { TlsReassembler } from "./reassembler.ts";
import type { EapTlsVersion, TlsEngine, TlsSession } from "./tls_engine.ts";
import { TlsExporterUnavailableError } from "./tls_exporter_error.ts";

/**
 * The EAP-TLS settings of `Client.eap`.
 *
 * @example Usage
 * ```ts
 * import type { EapTlsClientOptions } from "@radkit/radius";
 * import { tlsEngine } from "@radkit/radius/adapters/auto";
 * import assert from "node:assert/strict";
 *
 * const tls: EapTlsClientOptions = {
 *   engine: tlsEngine(),
 *   cert: "-----BEGIN CERTIFICATE-----…",
 *   key: "-----BEGIN PRIVATE KEY-----…",
 *   ca: "-----BEGIN CERTIFICATE-----…",
 *   serverName: "radius.example.com",
 * };
 * assert.equal(tls.serverName, "radius.example.com");
 * ```
 */
export interface EapTlsClientOptions {
  /** The TLS implementation: `tlsEngine()` from the adapters. */
  readonly engine: TlsEngine;
  /** The peer's certificate chain, PEM. */
  readonly cert: string | Uint8Array;
  /** Its private key, PEM. */
  readonly key: string | Uint8Array;
  /** The CA certificates the server's certificate must chain to, PEM. */
  readonly ca: string | Uint8Array;
  /** When given, the server's certificate must be for this name. */
  readonly serverName?: string;
  /** TLS data octets per EAP-Response (default 1,020). */
  readonly fragmentSize?: number;
  /** The oldest TLS version (default `"TLSv1.2"`). */
  readonly minVersion?: EapTlsVersion;
  /** The newest TLS version (default `"TLSv1.3"`). */
  readonly maxVersion?: EapTlsVersion;
}

function badRequest(message: string, cause?: unknown): EapConversationError {
  return new EapConversationError(
    "bad-method-data",
    message,
    cause === undefined ? undefined : { cause },
  );
}

/** The peer side of EAP-TLS, for one conversation. */
export function eapTlsPeer(options: EapTlsClientOptions): PeerMethod {
  let session: TlsSession | undefined;
  const reassembler = new TlsReassembler();
  let pending: Uint8Array[] = [];
  let established = false;
  let finished = false;
  let failed = false;
  let msk: Uint8Array | undefined;
  const fragment = (message: Uint8Array) =>
    fragmentTlsMessage(
      message,
      options.fragmentSize === undefined ? {} : { fragmentSize: options.fragmentSize },
    );
  const send = (message: Uint8Array): Uint8Array => {
    if (message.length === 0) return eapTlsAck();
    pending = fragment(message);
    return pending.shift()!;
  };

  /**
   * The keys, once the server's certificate is known good. A server that
   * did not prove who it is ends the conversation here: its Access-Accept
   * must not be taken for an authentication.
   */
  function finish(): void {
    const details = session!.details()!;
    if (!details.authorized) {
      failed = true;
      session!.destroy();
      throw new EapConversationError(
        "server-not-authenticated",
        `the server's TLS certificate did not verify (${
          details.authorizationError ?? "not authorized"
        }): check tls.ca and tls.serverName`,
      );
    }
    msk = deriveEapTlsKeys(session!, EapType.TLS).msk;
    finished = true;
  }

  return {
    name: "tls",
    type: EapType.TLS,
    get finished() {
      return finished;
    },
    get msk() {
      return msk;
    },
    close() {
      session?.destroy();
    },
    async respond(_identifier, data) {
      let frame;
      try {
        frame = decodeEapTlsFrame(data);
      } catch (error) {
        if (error instanceof EapTlsError) throw badRequest(error.message, error);
        throw error;
      }
      if (frame.start) {
        if (session !== undefined) throw badRequest("a second EAP-TLS Start");
        session = options.engine.open({
          role: "client",
          cert: options.cert,
          key: options.key,
          ca: options.ca,
          ...(options.serverName === undefined ? {} : { serverName: options.serverName }),
          ...(options.minVersion === undefined ? {} : { minVersion: options.minVersion }),
          ...(options.maxVersion === undefined ? {} : { maxVersion: options.maxVersion }),
        });
        if (session.exportKeyingMaterial === undefined) {
          // No keys could come of it: fail before the handshake, not after.
          throw new TlsExporterUnavailableError(
            session.exporterMissing ?? "the TLS engine has no exporter",
          );
        }
        const hello = await session.receive(new Uint8Array(0));
        return send(hello.records);
      }
      if (session === undefined) throw badRequest("an EAP-TLS Request before the Start");
      if (pending.length > 0) {
        if (!isEapTlsAck(frame)) throw badRequest("no acknowledgement of an EAP-TLS fragment");
        return pending.shift()!;
      }
      let message;
      try {
        message = reassembler.push(frame);
      } catch (error) {
        if (error instanceof EapTlsError) throw badRequest(error.message, error);
        throw error;
      }
      if (message === undefined) return eapTlsAck();
      if (failed || finished) return eapTlsAck();
      const progress = await session.receive(message);
      if (progress.failure !== undefined) {
        failed = true;
        return send(progress.records);
      }
      if (progress.established && !established) {
        established = true;
        // TLS 1.2 ends with the server's Finished; TLS 1.3 with the
        // server's one octet 0x00 of application data (RFC 9190 §2.1.1),
        // which may come with the Finished or in the next Request.
        if (session.details()!.protocol !== "TLSv1.3") finish();
      }
      if (
        established && !finished && !failed &&
        (progress.applicationData.includes(0) || progress.peerClosed)
      ) {
        finish();
      }
      return send(progress.records);
    },
  };
}
